#!/usr/bin/env python3
"""The grille d'aide à l'évaluation (annexe 6-3) as flat OpenDocument (.fodt), for LibreOffice.

Reads the grids that `cargo bench -p portfolio-pdf --bench grid -- --out DIR` wrote to
DIR/grid.json and writes the first COUNT of them as DIR/office/grid-NNNN.fodt: the same text and
the same layout as `portfolio_pdf::grid_pdf` — the recto on A4 portrait (académie and session,
exam, title, the identification table, the proposal, the points of vigilance, NOTE, the
penalties, NOTE FINALE, the table of the mastery levels, the visas), then the verso on A4
landscape (a row per competency with its skills, a box per level with the one rated ticked, the
performance indicators; the header rows repeated), DejaVu Sans, gray label cells, a footer with
the page number. `bench/run` converts them with `soffice --headless --convert-to pdf`.

The fixed sentences of the annex are copied from crates/pdf/src/evaluation.rs.

    python3 bench/grid_fodt.py DIR COUNT
"""

import json
import sys
from pathlib import Path
from xml.sax.saxutils import escape

GRID = "Grille d'aide à l'évaluation"
PROPOSAL = "Proposition de note suite à l'évaluation du profil de la personne candidate"
PROPOSAL_TEXT = [
    "Le tableau d'aide à l'appréciation des niveaux de maîtrise des compétences doit être complété de façon à évaluer le profil de la personne candidate (voir au verso). Une grille proposant des éléments d'appréciation des niveaux de maîtrise des compétences est proposée en bas de page.",
    "La commission sera vigilante, lors de l'établissement de la note, à la couverture des compétences du bloc exigée dans la définition de l'épreuve, ainsi que la conformité de l'environnement technologique. Le cas échéant, l'appréciation littérale fera apparaître ce défaut de couverture ou de conformité dans la fiche communicable à la personne candidate.",
]
VIGILANCE = "Points de vigilance de la commission"
PENALTIES = "Liste des pénalités retenues"
FINAL_NOTE = "Note à reporter sur la fiche d'appréciation destinée à la personne candidate"
LEVELS_CAPTION = "Tableau d'aide à l'appréciation des niveaux de maîtrise des compétences du bloc au verso"
MEMBERS = "Noms des membres de la commission d'interrogation"
COMPETENCIES = "Compétences"
LEVELS = "Niveaux de maîtrise"
INDICATORS = "Indicateurs de performance"
VISA = "Visa des membres de la commission d'interrogation"
BLANK_MARK = "…………"
BLANK_DATE = "…… / …… / …………"


def tick(on):
    return "☒" if on else "☐"


def e(s):
    return escape(s)


def p(style, *runs):
    """A paragraph of runs: (text, span style or None)."""
    out = []
    for text, span in runs:
        if span:
            out.append(f'<text:span text:style-name="{span}">{e(text)}</text:span>')
        else:
            out.append(e(text))
    return f'<text:p text:style-name="{style}">{"".join(out)}</text:p>'


def cell(content, style="Cell", span=1, rows=1):
    attrs = f' table:style-name="{style}" office:value-type="string"'
    if span > 1:
        attrs += f' table:number-columns-spanned="{span}"'
    if rows > 1:
        attrs += f' table:number-rows-spanned="{rows}"'
    covered = "<table:covered-table-cell/>" * (span - 1)
    return f"<table:table-cell{attrs}>{content}</table:table-cell>{covered}"


def covered(n=1):
    return "<table:covered-table-cell/>" * n


def table(name, widths_cm, rows, header_rows=""):
    cols = "".join(
        f'<table:table-column table:style-name="{name}.C{i}"/>' for i in range(len(widths_cm))
    )
    head = f"<table:table-header-rows>{header_rows}</table:table-header-rows>" if header_rows else ""
    body = "".join(f"<table:table-row>{r}</table:table-row>" for r in rows)
    return f'<table:table table:name="{name}" table:style-name="{name}">{cols}{head}{body}</table:table>'


def table_styles(name, widths_cm):
    total = sum(widths_cm)
    out = [
        f'<style:style style:name="{name}" style:family="table"><style:table-properties '
        f'style:width="{total:.3f}cm" table:align="left" fo:margin-top="0.2cm"/></style:style>'
    ]
    for i, w in enumerate(widths_cm):
        out.append(
            f'<style:style style:name="{name}.C{i}" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{w:.3f}cm"/></style:style>'
        )
    return "".join(out)


PT = 2.54 / 72  # cm per point
PORTRAIT_WIDTH = (595.28 - 80) * PT
LANDSCAPE_WIDTH = (841.89 - 60) * PT


def recto(g):
    w = PORTRAIT_WIDTH
    out = [
        p("Right", (f"Académie de {g['academy']} – session {g['session_year']}", "Note")),
        p("Heading", (g["exam_heading"], None)),
        p("Title", (f"ANNEXE {g['annex']} : {GRID} (recto)", None)),
    ]
    head_rows = [
        cell(p("Value", ("Nom, prénom : ", "Label"), (g["name"], None)), span=2)
        + cell(p("Value", ("N° candidat : ", "Label"), (g["candidate_number"], None))),
        cell(p("Value", ("Épreuve ponctuelle ", "Label"), (tick(g["one_off"]), None)))
        + cell(p("Value", ("Contrôle en cours de formation ", "Label"), (tick(not g["one_off"]), None)))
        + cell(p("Value", ("N° commission : ", "Label"), (g["commission"], None))),
        cell(p("Value", ("OPTION SISR ", "Label"), (tick(g["sisr"]), None)))
        + cell(p("Value", ("OPTION SLAM ", "Label"), (tick(not g["sisr"]), None)))
        + cell(p("Value", ("Date : ", "Label"), (g["date"] or BLANK_DATE, None))),
        cell(p("Value", (f"{MEMBERS} : ", "Label"), (", ".join(g["members"]), None)), span=3),
    ]
    out.append(table("Head", [w * 0.36, w * 0.36, w * 0.28], head_rows))

    vigilance = p("Value", (VIGILANCE, "Label"))
    for sentence in (g["coverage"], g["environment"]):
        if sentence.strip():
            vigilance += p("Indented", (f"– {sentence.strip()}", None))
    penalties = p(
        "Value",
        (
            "Les pénalités ci-dessous doivent être appliquées de façon à ce que la note finale de la "
            f"personne candidate (annexe {annex_after(g['annex'])}) en tienne compte.",
            None,
        ),
    )
    for pen in g["penalties"]:
        penalties += p("Value", (f"{tick(pen['ticked'])} {pen['text']}", None))
    main = [
        cell(p("Value", (PROPOSAL, "Label")), style="Fill"),
        cell(p("Value", (PROPOSAL_TEXT[0], None)) + p("Value", (PROPOSAL_TEXT[1], None))),
        cell(vigilance, style="LightFill"),
        cell(p("Mark", ("NOTE ", None), (g["proposed"] or BLANK_MARK, "Big"), (" / 20", None))),
        cell(p("Value", (PENALTIES, "Label")), style="Fill"),
        cell(penalties),
        cell(
            p("Mark", ("NOTE FINALE ", None), (g["final"] or BLANK_MARK, "Big"), (" / 20", None))
            + p("CenterNote", (FINAL_NOTE, None))
        ),
    ]
    out.append(table("Main", [w], main))
    out.append(p("Caption", (LEVELS_CAPTION, None)))

    levels = g["levels"]
    n = len(levels)
    depth = max(1, max(len(l["descriptors"]) for l in levels))
    level_rows = ["".join(cell(p("CenterLabel", (l["label"], None)), style="Fill") for l in levels)]
    for i in range(depth):
        row = ""
        for l in levels:
            last = max(1, len(l["descriptors"])) - 1
            if i > last:
                row += covered()
                continue
            text = l["descriptors"][i] if i < len(l["descriptors"]) else ""
            row += cell(p("Small", (text, None)), rows=depth - i if i == last else 1)
        level_rows.append(row)
    out.append(table("Levels", [w / n] * n, level_rows))

    visa_rows = [cell(p("Value", (VISA, "Label")), style="Fill", span=2)]
    boxes = [
        cell(p("Value", (v["name"], "Label")) + p("Value", ("Date : ", "Label"), (v["date"] or BLANK_DATE, None)), style="Visa")
        for v in g["visas"]
    ] or [cell(p("Center", ("Nom, date et signature", None)), style="Visa")] * 2
    while len(boxes) % 2:
        boxes.append(cell("", style="Visa"))
    for i in range(0, len(boxes), 2):
        visa_rows.append(boxes[i] + boxes[i + 1])
    out.append(table("Visas", [w / 2, w / 2], visa_rows))
    return "".join(out)


def annex_after(annex):
    stem, _, n = annex.strip().rpartition("-")
    return f"{stem}-{int(n) + 1}" if n.isdigit() else annex


def verso(g):
    levels = g["levels"]
    n = len(levels)
    competency, level = 240 * PT, 47 * PT
    widths = [competency] + [level] * n + [max(LANDSCAPE_WIDTH - competency - level * n, 100 * PT)]
    out = [
        p("VersoHeading", (f"ANNEXE {g['annex']} : {GRID} (verso)", None)),
        p("CenterNote", (f"Nom, prénom : {g['name']} – N° candidat : {g['candidate_number']}", None)),
    ]
    header = (
        "<table:table-row>"
        + cell(p("CenterHead", (COMPETENCIES, None)), style="Fill", rows=2)
        + cell(p("CenterHead", (LEVELS, None)), style="Fill", span=n)
        + cell(p("CenterHead", (INDICATORS, None)), style="Fill", rows=2)
        + "</table:table-row><table:table-row>"
        + covered()
        + "".join(cell(p("CenterSmallHead", (l["label"], None)), style="Fill") for l in levels)
        + covered()
        + "</table:table-row>"
    )
    rows = []
    for r in g["rows"]:
        first = p("RowLabel", (r["label"], None)) + "".join(
            p("Bullet", (f"• {s}", None)) for s in r["skills"]
        )
        row = cell(first)
        for i in range(n):
            row += cell(p("Tick", (tick(r["rated"] == i), None)), style="Middle")
        row += cell("".join(p("Small8", (s, None)) for s in r["indicators"]))
        rows.append(row)
    out.append(table("Verso", widths, rows, header_rows=header))
    return "".join(out)


STYLES = """
<office:font-face-decls>
 <style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'" style:font-family-generic="swiss"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm"/>
  <style:text-properties style:font-name="DejaVu Sans" fo:font-size="8.4pt" fo:language="fr" fo:country="FR"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph"/>
 <style:style style:name="Footer" style:family="paragraph">
  <style:paragraph-properties fo:text-align="end"/>
  <style:text-properties fo:font-size="7pt"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="PortraitLayout">
  <style:page-layout-properties fo:page-width="21.001cm" fo:page-height="29.7cm" style:print-orientation="portrait"
    fo:margin-top="1.129cm" fo:margin-bottom="0.5cm" fo:margin-left="1.411cm" fo:margin-right="1.411cm"/>
  <style:footer-style><style:header-footer-properties fo:min-height="0.6cm"/></style:footer-style>
 </style:page-layout>
 <style:page-layout style:name="LandscapeLayout">
  <style:page-layout-properties fo:page-width="29.7cm" fo:page-height="21.001cm" style:print-orientation="landscape"
    fo:margin-top="1.058cm" fo:margin-bottom="0.5cm" fo:margin-left="1.058cm" fo:margin-right="1.058cm"/>
  <style:footer-style><style:header-footer-properties fo:min-height="0.6cm"/></style:footer-style>
 </style:page-layout>
 <style:style style:name="Right" style:family="paragraph"><style:paragraph-properties fo:text-align="end"/></style:style>
 <style:style style:name="Heading" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-top="0.14cm"/><style:text-properties fo:font-size="10.5pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Title" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-top="0.21cm" fo:margin-bottom="0.28cm"/><style:text-properties fo:font-size="12.75pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="VersoHeading" style:family="paragraph" style:master-page-name="Landscape"><style:paragraph-properties fo:text-align="center" style:page-number="auto"/><style:text-properties fo:font-size="10.5pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Value" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.1cm"/></style:style>
 <style:style style:name="Indented" style:family="paragraph"><style:paragraph-properties fo:margin-left="0.28cm" fo:margin-top="0.07cm"/></style:style>
 <style:style style:name="Center" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/></style:style>
 <style:style style:name="CenterNote" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-top="0.07cm" fo:margin-bottom="0.2cm"/><style:text-properties fo:font-size="8pt"/></style:style>
 <style:style style:name="Caption" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-top="0.28cm"/><style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="Mark" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="10.5pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="CenterLabel" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="CenterHead" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="8pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="CenterSmallHead" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="7pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Small" style:family="paragraph"><style:text-properties fo:font-size="7.4pt"/></style:style>
 <style:style style:name="Small8" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.07cm"/><style:text-properties fo:font-size="8pt"/></style:style>
 <style:style style:name="RowLabel" style:family="paragraph"><style:text-properties fo:font-size="8.5pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Bullet" style:family="paragraph"><style:paragraph-properties fo:margin-left="0.25cm" fo:margin-top="0.05cm"/><style:text-properties fo:font-size="8pt"/></style:style>
 <style:style style:name="Tick" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="12pt"/></style:style>
 <style:style style:name="Label" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="Note" style:family="text"><style:text-properties fo:font-size="8pt"/></style:style>
 <style:style style:name="Big" style:family="text"><style:text-properties fo:font-size="15pt"/></style:style>
 <style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>
 <style:style style:name="Middle" style:family="table-cell"><style:table-cell-properties style:vertical-align="middle" fo:padding="0.05cm" fo:border="0.5pt solid #000000"/></style:style>
 <style:style style:name="Fill" style:family="table-cell"><style:table-cell-properties style:vertical-align="middle" fo:background-color="#e6e6e6" fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>
 <style:style style:name="LightFill" style:family="table-cell"><style:table-cell-properties fo:background-color="#f7f7f7" fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>
 <style:style style:name="Visa" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>
 {tables}
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="PortraitLayout">
  <style:footer><text:p text:style-name="Footer">{footer} – page <text:page-number text:select-page="current"/>/<text:page-count/></text:p></style:footer>
 </style:master-page>
 <style:master-page style:name="Landscape" style:page-layout-name="LandscapeLayout">
  <style:footer><text:p text:style-name="Footer">{footer} – page <text:page-number text:select-page="current"/>/<text:page-count/></text:p></style:footer>
 </style:master-page>
</office:master-styles>
"""


def fodt(g):
    w = PORTRAIT_WIDTH
    n = len(g["levels"])
    competency, level = 240 * PT, 47 * PT
    tables = "".join(
        [
            table_styles("Head", [w * 0.36, w * 0.36, w * 0.28]),
            table_styles("Main", [w]),
            table_styles("Levels", [w / n] * n),
            table_styles("Visas", [w / 2, w / 2]),
            table_styles(
                "Verso",
                [competency] + [level] * n + [max(LANDSCAPE_WIDTH - competency - level * n, 100 * PT)],
            ),
        ]
    )
    footer = e(f"{GRID} – {g['name']} – session {g['session_year']}")
    title = e(f"{GRID} – {g['exam_heading']} – {g['name']} – session {g['session_year']}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">'
        f"<office:meta><dc:title>{title}</dc:title></office:meta>"
        + STYLES.replace("{tables}", tables).replace("{footer}", footer)
        + "<office:body><office:text>"
        + recto(g)
        + verso(g)
        + "</office:text></office:body></office:document>\n"
    )


def main():
    out = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    grids = json.loads((out / "grid.json").read_text(encoding="utf-8"))[:count]
    target = out / "office"
    target.mkdir(parents=True, exist_ok=True)
    for i, g in enumerate(grids):
        (target / f"grid-{i:04}.fodt").write_text(fodt(g), encoding="utf-8")
    print(f"{len(grids)} grids written to {target}")


if __name__ == "__main__":
    main()
