#!/usr/bin/env python3
"""The tableau de synthèse (annexe 6-1) written with openpyxl, for the comparison with
`portfolio_documents::synthesis_xlsx` that `bench/run` makes.

Reads DIR/tables.json (written by `cargo bench -p portfolio-documents --bench national --
--out DIR`: the texts of the national model and the tables) and writes every table as
DIR/openpyxl/tableau-NNNN.xlsx with the same cells and formats as crates/documents/src/
synthesis.rs: the sheet's name, the merged identity rows, the corner with its diagonal, the
rotated headers, the section banners, the title of each réalisation in bold with its productions
under it in regular type (rich text), the ticks, Arial at the same sizes, the olive borders
(medium around the table, thin inside), the column widths and row heights, the A4 page setup
with the header rows repeated. Styles are made once and shared, as openpyxl is meant to be used.

    python3 bench/openpyxl_synthesis.py DIR [RUNS]

Prints one `RESULT` line: the time per file (min, median, max over the runs), the import of
openpyxl excluded.
"""

import json
import math
import statistics
import sys
import time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.properties import PageSetupProperties

BORDER_COLOR = "FF494429"
FONT = "Arial"
WIDTH_TITLE, WIDTH_PERIOD, WIDTH_COMPETENCY = 492, 75, 131
HEIGHT_IDENTITY, HEIGHT_TITLE, HEIGHT_HEADER = 39.75, 40.5, 90.0
HEIGHT_SKILLS, HEIGHT_BANNER = 324.75, 18.75
HEIGHT_ROW_MIN, HEIGHT_ROW_MAX = 39.75, 409.0
LINE_HEIGHT, CHARS_PER_LINE = 14.5, 58
LAST_COL = 8  # H, 1-based


def width_chars(pixels):
    """rust_xlsxwriter's conversion of a width in pixels to Excel's character units."""
    return (pixels - 5) / 7 + 0.7109375 if pixels > 12 else pixels / 12


class Styles:
    """Every font, alignment and border of the model, made once."""

    def __init__(self):
        side = {
            "N": Side(),
            "T": Side(style="thin", color=BORDER_COLOR),
            "M": Side(style="medium", color=BORDER_COLOR),
        }
        self.cache = {}

        def border(spec, diagonal=False):
            top, right, bottom, left = spec
            key = (spec, diagonal)
            if key not in self.cache:
                kw = {}
                if diagonal:
                    kw = {"diagonal": side["T"], "diagonalDown": True}
                self.cache[key] = Border(
                    top=side[top], right=side[right], bottom=side[bottom], left=side[left], **kw
                )
            return self.cache[key]

        def font(size, bold, italic=False):
            return Font(name=FONT, size=size, bold=bold, italic=italic, color="FF000000")

        def align(h, wrap=False, rotation=0):
            return Alignment(horizontal=h, vertical="center", wrap_text=wrap, text_rotation=rotation)

        f18, f20 = font(18, True), font(20, True)
        self.big_title = (f20, align("center"), None)
        self.name = (f18, align("left"), border("MTTM"))
        self.number = (f18, align("left"), border("MMTT"))
        self.school = (f18, align("left"), border("TTTM"))
        self.option_label = (f18, align("left"), border("TNTT"))
        self.option_sisr = (f18, align("center"), border("TNTN"))
        self.option_slam = (f18, align("center"), border("TMTN"))
        self.url = (f18, align("left"), border("TMMM"))
        self.corner = (font(12, True, True), align("center", True), border("MTMM", diagonal=True))
        self.period_header = (font(12, True), align("center", True, 90), border("MTMT"))
        self.competency = (font(12, True), align("center", True), border("MTTT"))
        self.competency_last = (font(12, True), align("center", True), border("MMTT"))
        self.skills = (font(10, False), align("center", True, 90), border("TTMT"))
        self.skills_last = (font(10, False), align("center", True, 90), border("TMMT"))
        self.banner = (font(14, True), align("center", True), border("MMTM"))
        f11 = font(11, True)
        self.title = [(f11, align("left", True), border("TT" + b + "M")) for b in "TM"]
        self.period = [(f11, align("center", True), border("TT" + b + "T")) for b in "TM"]
        self.tick = self.period
        self.tick_last = [(f11, align("center", True), border("TM" + b + "T")) for b in "TM"]
        self.title_run = InlineFont(rFont=FONT, sz=11, b=True)
        self.artifact_run = InlineFont(rFont=FONT, sz=10)


def put(ws, row, col, value, style):
    c = ws.cell(row=row, column=col)
    if value is not None:
        c.value = value
    c.font, c.alignment = style[0], style[1]
    if style[2] is not None:
        c.border = style[2]
    return c


def merge(ws, r1, c1, r2, c2, value, style):
    """Like rust_xlsxwriter's merge_range: the value in the first cell, the format on all."""
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            put(ws, r, c, value if (r, c) == (r1, c1) else None, style)
    ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def one_line(s):
    return " ".join(s.split())


def row_height(title, artifacts):
    lines_of = lambda s: max(1, math.ceil(len(s) / CHARS_PER_LINE))
    lines = lines_of(title) + sum(lines_of(a) for a in artifacts)
    height = min(max(lines * LINE_HEIGHT + 8.0, HEIGHT_ROW_MIN), HEIGHT_ROW_MAX)
    return round(height * 4 / 3) * 0.75  # whole pixels, as rust_xlsxwriter stores it


def write(table, model, st, path):
    wb = Workbook()
    wb.properties.title = model["title"]
    ws = wb.active
    ws.title = model["sheet_name"]

    # Rows 1 to 5: the diploma, the session and who the candidate is.
    merge(ws, 1, 1, 1, 6, model["diploma"], st.big_title)
    merge(ws, 1, 7, 1, LAST_COL, f"{model['session_label']} {table['session_year']}", st.big_title)
    merge(ws, 2, 1, 2, LAST_COL, model["title"], st.big_title)
    merge(ws, 3, 1, 3, 5, f"{model['name_label']} {one_line(table['candidate_name'])}".rstrip(), st.name)
    merge(ws, 3, 6, 3, LAST_COL, f"{model['number_label']} {one_line(table['candidate_number'])}".rstrip(), st.number)
    merge(ws, 4, 1, 4, 5, f"{model['school_label']} {one_line(table['school_name'])}".rstrip(), st.school)
    put(ws, 4, 6, model["option_label"], st.option_label)
    box = lambda on: model["box_ticked"] if on else model["box_empty"]
    put(ws, 4, 7, f"{box(table['sisr'])} SISR", st.option_sisr)
    put(ws, 4, 8, f"{box(not table['sisr'])} SLAM", st.option_slam)
    url = one_line(table["portfolio_url"])
    url_text = f"{model['url_label']} {url}".rstrip()
    merge(ws, 5, 1, 5, LAST_COL, url_text, st.url)
    if url.startswith(("https://", "http://")) and len(url) <= 2000:
        ws.cell(row=5, column=1).hyperlink = url
    for r, h in [(1, HEIGHT_IDENTITY), (2, HEIGHT_TITLE), (3, HEIGHT_IDENTITY), (4, HEIGHT_IDENTITY), (5, HEIGHT_IDENTITY)]:
        ws.row_dimensions[r].height = h

    # Rows 6 and 7: the column headers.
    merge(ws, 6, 1, 7, 1, model["corner"], st.corner)
    merge(ws, 6, 2, 7, 2, model["period_header"], st.period_header)
    for i, (label, skills) in enumerate(zip(model["competencies"], model["skills"])):
        col = 3 + i
        last = col == LAST_COL
        put(ws, 6, col, label, st.competency_last if last else st.competency)
        put(ws, 7, col, skills, st.skills_last if last else st.skills)
    ws.row_dimensions[6].height = HEIGHT_HEADER
    ws.row_dimensions[7].height = HEIGHT_SKILLS
    ws.column_dimensions["A"].width = width_chars(WIDTH_TITLE)
    ws.column_dimensions["B"].width = width_chars(WIDTH_PERIOD)
    for letter in "CDEFGH":
        ws.column_dimensions[letter].width = width_chars(WIDTH_COMPETENCY)

    # The three sections, each a banner then its réalisations.
    row = 8
    for s, banner in enumerate(model["banners"]):
        last_section = s == len(model["banners"]) - 1
        merge(ws, row, 1, row, LAST_COL, banner, st.banner)
        ws.row_dimensions[row].height = HEIGHT_BANNER
        row += 1
        members = [r for r in table["rows"] if r["setting"] == s]
        if not members:
            l = int(last_section)
            put(ws, row, 1, None, st.title[l])
            put(ws, row, 2, None, st.period[l])
            for col in range(3, LAST_COL + 1):
                put(ws, row, col, None, st.tick_last[l] if col == LAST_COL else st.tick[l])
            ws.row_dimensions[row].height = HEIGHT_ROW_MIN
            row += 1
            continue
        for i, r in enumerate(members):
            l = int(last_section and i + 1 == len(members))
            title = one_line(r["title"])
            artifacts = [a for a in (one_line(a) for a in r["artifacts"]) if a]
            if artifacts:
                rest = "".join(f"\n{model['artifact_bullet']}{a}" for a in artifacts)
                blocks = []
                if title:
                    blocks.append(TextBlock(st.title_run, title))
                blocks.append(TextBlock(st.artifact_run, rest))
                put(ws, row, 1, CellRichText(blocks), st.title[l])
            else:
                put(ws, row, 1, title, st.title[l])
            put(ws, row, 2, r["period"], st.period[l])
            for k in range(6):
                col = 3 + k
                fmt = st.tick_last[l] if col == LAST_COL else st.tick[l]
                put(ws, row, col, model["tick"] if k in r["competencies"] else None, fmt)
            ws.row_dimensions[row].height = row_height(title, artifacts)
            row += 1
    last_row = row - 1

    # A4 portrait, one page wide, the column headers repeated on each page.
    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "portrait"
    ws.page_margins.left = ws.page_margins.right = 0.2
    ws.page_margins.top = ws.page_margins.bottom = 0.2
    ws.page_margins.header = ws.page_margins.footer = 0.0
    ws.print_options.horizontalCentered = True
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_area = f"A1:H{last_row}"
    ws.print_title_rows = "6:7"
    ws.sheet_view.zoomScale = 70
    wb.save(path)


def main():
    out = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    data = json.loads((out / "tables.json").read_text(encoding="utf-8"))
    model, tables = data["model"], data["tables"]
    target = out / "openpyxl"
    target.mkdir(parents=True, exist_ok=True)
    st = Styles()
    write(tables[0], model, st, target / "warm-up.xlsx")
    per_file = []
    total_bytes = 0
    for _ in range(runs):
        t = time.perf_counter()
        for i, table in enumerate(tables):
            write(table, model, st, target / f"tableau-{i:04}.xlsx")
        per_file.append((time.perf_counter() - t) * 1000 / len(tables))
    total_bytes = sum(p.stat().st_size for p in target.glob("tableau-*.xlsx"))
    print(
        f"openpyxl, batch of {len(tables)} written to files, {runs} runs: "
        f"min {min(per_file):.3f} ms  median {statistics.median(per_file):.3f} ms  "
        f"max {max(per_file):.3f} ms a file"
    )
    print(
        f"RESULT openpyxl count={len(tables)} runs={runs} min_ms={min(per_file):.4f} "
        f"median_ms={statistics.median(per_file):.4f} max_ms={max(per_file):.4f} "
        f"bytes={total_bytes // max(1, len(tables))}"
    )


if __name__ == "__main__":
    main()
