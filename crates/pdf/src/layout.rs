//! A small layout layer for administrative forms: paragraphs of styled text wrapped with the
//! fonts' metrics, tables of bordered cells (column and row spans, text turned a quarter,
//! shading, a diagonal), and a [`Composer`] that flows them down A4 pages, breaks pages
//! between rows (repeating the table's header rows), splits a row taller than a page at a
//! line boundary, and numbers the pages.
//!
//! Units are PostScript points (1/72 in); y grows downwards from the top of the page.
//!
//! The model is deliberately small: what the forms of the exam need (tableau de synthèse,
//! fiche descriptive, grille d'évaluation, fiche de conformité, attestations), nothing of
//! a general typesetter. No hyphenation, no kerning, no bidirectional text.

use crate::PdfError;
use crate::doc::{Meta, Page, Rotation, Size, write_pdf};
use crate::font::FontId;

/// A font and a size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub font: FontId,
    pub size: f32,
}

impl Style {
    pub const fn regular(size: f32) -> Style {
        Style {
            font: FontId::Regular,
            size,
        }
    }

    pub const fn bold(size: f32) -> Style {
        Style {
            font: FontId::Bold,
            size,
        }
    }

    /// The same font, `factor` times the size.
    pub fn scaled(self, factor: f32) -> Style {
        Style {
            size: self.size * factor,
            ..self
        }
    }
}

/// Text in one style.
#[derive(Debug, Clone)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// Horizontal alignment of the lines of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// Where the content of a cell sits when the cell is taller than it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VAlign {
    #[default]
    Top,
    Middle,
    Bottom,
    /// The first paragraph at the top, the last at the bottom, the others spread between
    /// (the « Compétences / Réalisations » corner of the tableau de synthèse).
    Spread,
}

/// A paragraph: spans wrapped together. `\n` in the text is a line break.
#[derive(Debug, Clone)]
pub struct Para {
    pub spans: Vec<Span>,
    pub align: Align,
    /// Line height as a multiple of the font size.
    pub line_height: f32,
    /// Indentation of the lines after the first (a hanging indent for bullets).
    pub indent: f32,
    /// Extra space above the paragraph.
    pub space_before: f32,
}

impl Para {
    pub fn new(text: impl Into<String>, style: Style) -> Para {
        Para::rich(vec![Span {
            text: text.into(),
            style,
        }])
    }

    pub fn rich(spans: Vec<Span>) -> Para {
        Para {
            spans,
            align: Align::Left,
            line_height: 1.2,
            indent: 0.0,
            space_before: 0.0,
        }
    }

    /// Appends a span.
    pub fn push(mut self, text: impl Into<String>, style: Style) -> Para {
        self.spans.push(Span {
            text: text.into(),
            style,
        });
        self
    }

    pub fn align(mut self, align: Align) -> Para {
        self.align = align;
        self
    }

    pub fn center(self) -> Para {
        self.align(Align::Center)
    }

    pub fn indent(mut self, indent: f32) -> Para {
        self.indent = indent;
        self
    }

    pub fn space_before(mut self, space: f32) -> Para {
        self.space_before = space;
        self
    }

    pub fn line_height(mut self, factor: f32) -> Para {
        self.line_height = factor;
        self
    }

    /// The paragraph broken into lines no wider than `width`.
    pub(crate) fn layout(&self, width: f32) -> Result<Vec<Line>, PdfError> {
        wrap(self, width)
    }

    /// The width of the widest word: in a narrower box, wrapping has to cut a word.
    pub fn widest_word(&self) -> Result<f32, PdfError> {
        let mut widest = 0.0f32;
        let mut word = 0.0f32;
        for g in glyphs(self)? {
            if g.brk || g.c == '\n' {
                word = 0.0;
            } else {
                word += g.width;
                widest = widest.max(word);
            }
        }
        Ok(widest)
    }

    /// The same paragraph with every size multiplied by `factor`.
    pub fn scaled(mut self, factor: f32) -> Para {
        for span in &mut self.spans {
            span.style.size *= factor;
        }
        self
    }

    /// The height of the paragraph wrapped at `width`.
    pub fn height(&self, width: f32) -> Result<f32, PdfError> {
        Ok(self.layout(width)?.iter().map(Line::total_height).sum())
    }
}

/// The width of `text` in `style`, unwrapped.
pub fn text_width(text: &str, style: Style) -> Result<f32, PdfError> {
    Ok(style.font.metrics()?.width(text, style.size))
}

/// A line of a wrapped paragraph.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    runs: Vec<Run>,
    /// Offset from the start of the box (indent and alignment).
    x: f32,
    /// The line box: from its top to the next line's top.
    height: f32,
    /// From the top of the line box to the baseline.
    ascent: f32,
    /// Space above the line (the paragraph's `space_before`, on its first line).
    gap: f32,
}

impl Line {
    fn total_height(&self) -> f32 {
        self.gap + self.height
    }
}

#[derive(Debug, Clone)]
struct Run {
    text: String,
    style: Style,
    dx: f32,
}

/// A character of a paragraph with its span and advance.
struct Glyph {
    c: char,
    span: usize,
    width: f32,
    /// A space where the line may break.
    brk: bool,
}

/// Spaces where a line may break. No-break spaces (French « » and units) are not.
fn is_break_space(c: char) -> bool {
    c == ' ' || (c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{202F}' | '\u{2007}' | '\n'))
}

/// French typography: the space after « and before » : ; ! ? is typed as an ordinary
/// space but must not end a line (a lone « at the end of a line, a colon at the start).
fn glue_french_spaces(glyphs: &mut [Glyph]) {
    let mut i = 0;
    while i < glyphs.len() {
        if !glyphs[i].brk {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < glyphs.len() && glyphs[j].brk {
            j += 1;
        }
        let before = i.checked_sub(1).map(|k| glyphs[k].c);
        let after = glyphs.get(j).map(|g| g.c);
        if before == Some('«') || matches!(after, Some('»' | ':' | ';' | '!' | '?')) {
            for g in &mut glyphs[i..j] {
                g.brk = false;
            }
        }
        i = j;
    }
}

/// The characters of a paragraph with their advances and break opportunities.
fn glyphs(para: &Para) -> Result<Vec<Glyph>, PdfError> {
    let mut glyphs: Vec<Glyph> = Vec::new();
    for (span_index, span) in para.spans.iter().enumerate() {
        let metrics = span.style.font.metrics()?;
        for c in span.text.chars() {
            // Tabs become spaces; other control characters (\r…) have no glyph and are
            // dropped.
            let c = match c {
                '\t' => ' ',
                '\n' => '\n',
                c if c.is_control() => continue,
                c => c,
            };
            let w = if c == '\n' {
                0.0
            } else {
                metrics.char_width(c, span.style.size)
            };
            glyphs.push(Glyph {
                c,
                span: span_index,
                width: w,
                brk: is_break_space(c),
            });
        }
    }
    glue_french_spaces(&mut glyphs);
    Ok(glyphs)
}

/// Greedy line breaking at spaces; a word wider than the line is cut between characters so
/// that nothing is ever lost or drawn outside its box.
fn wrap(para: &Para, width: f32) -> Result<Vec<Line>, PdfError> {
    let glyphs = glyphs(para)?;

    // Ranges of `glyphs`, one per line; `None` for an empty line.
    let mut ranges: Vec<(usize, usize, Option<usize>)> = Vec::new();
    let mut line: Option<(usize, usize, f32)> = None; // start, end, width
    let mut pending_space = 0.0f32;
    let max_for = |count: usize| {
        if count == 0 {
            width
        } else {
            (width - para.indent).max(1.0)
        }
    };
    let mut i = 0;
    while i < glyphs.len() {
        let c = glyphs[i].c;
        if c == '\n' {
            match line.take() {
                Some((s, e, _)) => ranges.push((s, e, None)),
                None => ranges.push((i, i, Some(glyphs[i].span))),
            }
            pending_space = 0.0;
            i += 1;
            continue;
        }
        if glyphs[i].brk {
            let mut j = i;
            let mut w = 0.0;
            while j < glyphs.len() && glyphs[j].brk {
                w += glyphs[j].width;
                j += 1;
            }
            pending_space = w;
            i = j;
            continue;
        }
        let mut j = i;
        let mut word = 0.0;
        while j < glyphs.len() && glyphs[j].c != '\n' && !glyphs[j].brk {
            word += glyphs[j].width;
            j += 1;
        }
        match line {
            Some((s, _, w)) if w + pending_space + word <= max_for(ranges.len()) => {
                line = Some((s, j, w + pending_space + word));
            }
            _ => {
                if let Some((s, e, _)) = line.take() {
                    ranges.push((s, e, None));
                }
                // The word starts a line; cut it while it is wider than the line.
                let mut k = i;
                let mut rest = word;
                while rest > max_for(ranges.len()) {
                    let max = max_for(ranges.len());
                    let mut m = k;
                    let mut w = 0.0;
                    while m < j && (m == k || w + glyphs[m].width <= max) {
                        w += glyphs[m].width;
                        m += 1;
                    }
                    ranges.push((k, m, None));
                    rest -= w;
                    k = m;
                }
                line = (k < j).then_some((k, j, rest));
            }
        }
        pending_space = 0.0;
        i = j;
    }
    if let Some((s, e, _)) = line {
        ranges.push((s, e, None));
    }

    let mut lines = Vec::with_capacity(ranges.len());
    for (n, (s, e, empty_span)) in ranges.into_iter().enumerate() {
        let mut runs: Vec<Run> = Vec::new();
        let mut dx = 0.0;
        let mut size = 0.0f32;
        let mut ascent = 0.0f32;
        let mut descent = 0.0f32;
        let mut measure = |style: Style| -> Result<(), PdfError> {
            let m = style.font.metrics()?;
            size = size.max(style.size);
            ascent = ascent.max(m.ascender * style.size / 1000.0);
            descent = descent.max(-m.descender * style.size / 1000.0);
            Ok(())
        };
        for g in &glyphs[s..e] {
            let style = para.spans[g.span].style;
            match runs.last_mut() {
                Some(run) if run.style == style => run.text.push(g.c),
                _ => {
                    measure(style)?;
                    runs.push(Run {
                        text: g.c.to_string(),
                        style,
                        dx,
                    });
                }
            }
            dx += g.width;
        }
        if let Some(span) = empty_span.and_then(|i| para.spans.get(i)) {
            measure(span.style)?;
        }
        let height = size * para.line_height;
        // Centre the glyphs' extent in the line box.
        let half_leading = ((height - ascent - descent) / 2.0).max(0.0);
        let indent = if n == 0 { 0.0 } else { para.indent };
        let free = (width - indent - dx).max(0.0);
        let x = indent
            + match para.align {
                Align::Left => 0.0,
                Align::Center => free / 2.0,
                Align::Right => free,
            };
        lines.push(Line {
            runs,
            x,
            height,
            ascent: half_leading + ascent,
            gap: if n == 0 { para.space_before } else { 0.0 },
        });
    }
    Ok(lines)
}

/// Space inside a cell, between its border and its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Padding {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Padding {
    pub const fn all(p: f32) -> Padding {
        Padding {
            top: p,
            right: p,
            bottom: p,
            left: p,
        }
    }

    pub const fn xy(x: f32, y: f32) -> Padding {
        Padding {
            top: y,
            right: x,
            bottom: y,
            left: x,
        }
    }
}

/// A cell of a [`Table`].
#[derive(Debug, Clone)]
pub struct Cell {
    pub paras: Vec<Para>,
    pub colspan: usize,
    pub rowspan: usize,
    pub padding: Padding,
    /// Background gray level (0 black, 1 white).
    pub fill: Option<f32>,
    pub valign: VAlign,
    /// [`Rotation::Up`]: the text reads bottom to top; the row grows until it fits.
    pub rotation: Rotation,
    /// A line from the top-left to the bottom-right corner.
    pub diagonal: bool,
    /// Border width; 0 for none.
    pub border: f32,
}

/// The border of a cell unless told otherwise.
pub const THIN: f32 = 0.5;

impl Cell {
    pub fn new(paras: Vec<Para>) -> Cell {
        Cell {
            paras,
            colspan: 1,
            rowspan: 1,
            padding: Padding::xy(3.0, 2.5),
            fill: None,
            valign: VAlign::Top,
            rotation: Rotation::None,
            diagonal: false,
            border: THIN,
        }
    }

    /// A cell of one paragraph.
    pub fn text(text: impl Into<String>, style: Style) -> Cell {
        Cell::new(vec![Para::new(text, style)])
    }

    pub fn para(p: Para) -> Cell {
        Cell::new(vec![p])
    }

    pub fn empty() -> Cell {
        Cell::new(Vec::new())
    }

    pub fn colspan(mut self, n: usize) -> Cell {
        self.colspan = n.max(1);
        self
    }

    pub fn rowspan(mut self, n: usize) -> Cell {
        self.rowspan = n.max(1);
        self
    }

    pub fn fill(mut self, gray: f32) -> Cell {
        self.fill = Some(gray);
        self
    }

    pub fn valign(mut self, v: VAlign) -> Cell {
        self.valign = v;
        self
    }

    pub fn rotated(mut self) -> Cell {
        self.rotation = Rotation::Up;
        self
    }

    pub fn diagonal(mut self) -> Cell {
        self.diagonal = true;
        self
    }

    pub fn padding(mut self, p: Padding) -> Cell {
        self.padding = p;
        self
    }

    pub fn border(mut self, width: f32) -> Cell {
        self.border = width;
        self
    }
}

/// A row of a [`Table`].
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub min_height: f32,
    /// Never end a page after this row (a section banner stays with its first row).
    pub keep_with_next: bool,
    /// Stretch the row down to the bottom of the page (the last box of a form).
    pub fill_page: bool,
    /// Where the page ends, split between lines rather than move to the next page whole:
    /// free text in a form, which would otherwise leave most of a page blank.
    pub breakable: bool,
    /// This row starts a section; `continued` is drawn under the repeated header when the
    /// section goes on over a page break (« … (suite) »).
    pub continued: Option<Box<Row>>,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            min_height: 0.0,
            keep_with_next: false,
            fill_page: false,
            breakable: false,
            continued: None,
        }
    }

    pub fn breakable(mut self) -> Row {
        self.breakable = true;
        self
    }

    pub fn min_height(mut self, h: f32) -> Row {
        self.min_height = h;
        self
    }

    pub fn keep_with_next(mut self) -> Row {
        self.keep_with_next = true;
        self
    }

    pub fn fill_page(mut self) -> Row {
        self.fill_page = true;
        self
    }

    /// Makes this row a section banner; `continued` is repeated at the top of each page the
    /// section continues on.
    pub fn section(mut self, continued: Row) -> Row {
        self.continued = Some(Box::new(continued));
        self
    }
}

/// A table: column widths, header rows repeated at the top of each page it spans, body
/// rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<f32>,
    pub header: Vec<Row>,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn new(columns: Vec<f32>) -> Table {
        Table {
            columns,
            header: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub fn width(&self) -> f32 {
        self.columns.iter().sum()
    }
}

/// A cell's content, laid out.
#[derive(Debug, Clone)]
enum Laid {
    /// Lines per paragraph.
    Flow(Vec<Vec<Line>>),
    /// Text turned a quarter: laid out at draw time, once the row's height is known.
    Rotated { needed: f32 },
}

impl Laid {
    fn height(&self) -> f32 {
        match self {
            Laid::Flow(paras) => paras.iter().flatten().map(Line::total_height).sum(),
            Laid::Rotated { needed } => *needed,
        }
    }
}

/// A cell placed in the grid of a group of rows.
#[derive(Debug, Clone)]
struct Placed<'a> {
    cell: &'a Cell,
    /// Row within the group.
    row: usize,
    x: f32,
    width: f32,
    laid: Laid,
    valign: VAlign,
}

/// Consecutive rows laid out together: cells placed and the rows' heights.
#[derive(Debug, Clone)]
struct Block<'a> {
    cells: Vec<Placed<'a>>,
    heights: Vec<f32>,
    fill_page: bool,
}

impl Block<'_> {
    fn height(&self) -> f32 {
        self.heights.iter().sum()
    }
}

fn measure_rows<'a>(rows: &'a [Row], columns: &[f32], x0: f32) -> Result<Block<'a>, PdfError> {
    let mut offsets = Vec::with_capacity(columns.len() + 1);
    let mut acc = x0;
    offsets.push(acc);
    for w in columns {
        acc += w;
        offsets.push(acc);
    }
    // Rows still covered, per column, by a cell spanning down from above.
    let mut covered = vec![0usize; columns.len()];
    let mut cells = Vec::new();
    let mut heights: Vec<f32> = rows.iter().map(|r| r.min_height).collect();
    for (r, row) in rows.iter().enumerate() {
        let mut col = 0;
        for cell in &row.cells {
            while col < columns.len() && covered[col] > 0 {
                col += 1;
            }
            let end = col + cell.colspan;
            if end > columns.len() {
                return Err(PdfError::Layout(format!(
                    "row {r} has more cells than the {} columns of its table",
                    columns.len()
                )));
            }
            if r + cell.rowspan > rows.len() {
                return Err(PdfError::Layout(format!(
                    "a cell of row {r} spans {} rows past the end of its group",
                    cell.rowspan
                )));
            }
            for c in &mut covered[col..end] {
                *c = cell.rowspan;
            }
            let x = offsets[col];
            let width = offsets[end] - x;
            let inner = (width - cell.padding.left - cell.padding.right).max(1.0);
            let laid = match cell.rotation {
                Rotation::None => Laid::Flow(
                    cell.paras
                        .iter()
                        .map(|p| p.layout(inner))
                        .collect::<Result<_, _>>()?,
                ),
                Rotation::Up => Laid::Rotated {
                    needed: rotated_length(&cell.paras, inner)?,
                },
            };
            let needed = laid.height() + cell.padding.top + cell.padding.bottom;
            if cell.rowspan == 1 {
                heights[r] = heights[r].max(needed);
            }
            cells.push(Placed {
                cell,
                row: r,
                x,
                width,
                laid,
                valign: cell.valign,
            });
            col = end;
        }
        for c in &mut covered {
            *c = c.saturating_sub(1);
        }
    }
    // A cell spanning rows that do not leave it enough room grows the last of them.
    for p in &cells {
        if p.cell.rowspan > 1 {
            let needed = p.laid.height() + p.cell.padding.top + p.cell.padding.bottom;
            let span = p.row..p.row + p.cell.rowspan;
            let have: f32 = heights[span.clone()].iter().sum();
            if needed > have {
                heights[span.end - 1] += needed - have;
            }
        }
    }
    Ok(Block {
        cells,
        heights,
        fill_page: rows.last().is_some_and(|r| r.fill_page),
    })
}

/// The shortest length along which the paragraphs, turned a quarter, fit across `across`
/// points (the column's inner width).
fn rotated_length(paras: &[Para], across: f32) -> Result<f32, PdfError> {
    let stacked = |len: f32| -> Result<f32, PdfError> {
        let mut h = 0.0;
        for p in paras {
            h += p.height(len)?;
        }
        Ok(h)
    };
    let (mut lo, mut hi) = (4.0f32, 1200.0f32);
    if stacked(hi)? > across {
        return Ok(hi);
    }
    while hi - lo > 1.0 {
        let mid = (lo + hi) / 2.0;
        if stacked(mid)? <= across {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi.ceil())
}

/// Draws a block of rows whose top is at `y`.
fn draw_block(page: &mut Page, block: &Block<'_>, y: f32) -> Result<(), PdfError> {
    let mut tops = Vec::with_capacity(block.heights.len() + 1);
    let mut acc = y;
    tops.push(acc);
    for h in &block.heights {
        acc += h;
        tops.push(acc);
    }
    let rect = |p: &Placed<'_>| {
        let top = tops[p.row];
        let bottom = tops[(p.row + p.cell.rowspan).min(block.heights.len())];
        (p.x, top, p.width, bottom - top)
    };
    for p in &block.cells {
        if let Some(gray) = p.cell.fill {
            let (x, y, w, h) = rect(p);
            page.fill_rect(x, y, w, h, gray);
        }
    }
    for p in &block.cells {
        let (x, y, w, h) = rect(p);
        draw_content(page, p, x, y, w, h)?;
    }
    for p in &block.cells {
        let (x, y, w, h) = rect(p);
        if p.cell.border > 0.0 {
            page.stroke_rect(x, y, w, h, p.cell.border);
        }
        if p.cell.diagonal {
            page.line((x, y), (x + w, y + h), p.cell.border.max(THIN));
        }
    }
    Ok(())
}

fn draw_lines(page: &mut Page, lines: &[Line], x: f32, mut y: f32) -> f32 {
    for line in lines {
        y += line.gap;
        let baseline = y + line.ascent;
        for run in &line.runs {
            page.text(
                x + line.x + run.dx,
                baseline,
                run.style.font,
                run.style.size,
                &run.text,
                Rotation::None,
            );
        }
        y += line.height;
    }
    y
}

fn draw_content(
    page: &mut Page,
    p: &Placed<'_>,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
) -> Result<(), PdfError> {
    let pad = p.cell.padding;
    let inner_h = h - pad.top - pad.bottom;
    let inner_w = w - pad.left - pad.right;
    match &p.laid {
        Laid::Flow(paras) => {
            let content = p.laid.height();
            let free = (inner_h - content).max(0.0);
            let x = x + pad.left;
            let mut y = y + pad.top;
            match p.valign {
                VAlign::Top => {}
                VAlign::Middle => y += free / 2.0,
                VAlign::Bottom => y += free,
                VAlign::Spread => {
                    let gaps = paras.len().saturating_sub(1);
                    if gaps > 0 {
                        let gap = free / gaps as f32;
                        for lines in paras {
                            y = draw_lines(page, lines, x, y) + gap;
                        }
                        return Ok(());
                    }
                }
            }
            for lines in paras {
                y = draw_lines(page, lines, x, y);
            }
        }
        Laid::Rotated { .. } => {
            // Lay out along the cell's height; the lines stack from left to right.
            let length = inner_h.max(1.0);
            let mut laid = Vec::new();
            for para in &p.cell.paras {
                laid.extend(para.layout(length)?);
            }
            let across: f32 = laid.iter().map(Line::total_height).sum();
            let free = (inner_w - across).max(0.0);
            let mut cx = x
                + pad.left
                + match p.valign {
                    VAlign::Top | VAlign::Spread => 0.0,
                    VAlign::Middle => free / 2.0,
                    VAlign::Bottom => free,
                };
            let bottom = y + h - pad.bottom;
            for line in &laid {
                cx += line.gap;
                let baseline = cx + line.ascent;
                for run in &line.runs {
                    page.text(
                        baseline,
                        bottom - line.x - run.dx,
                        run.style.font,
                        run.style.size,
                        &run.text,
                        Rotation::Up,
                    );
                }
                cx += line.height;
            }
        }
    }
    Ok(())
}

/// Splits a one-row block so that its first part is at most `avail` high. `None` when not
/// even one line fits.
fn split_block<'a>(block: &Block<'a>, avail: f32) -> Option<(Block<'a>, Block<'a>)> {
    let mut first = block.clone();
    let mut rest = block.clone();
    let mut progressed = false;
    let mut rest_height = 0.0f32;
    for (a, b) in first.cells.iter_mut().zip(rest.cells.iter_mut()) {
        let pad = a.cell.padding.top + a.cell.padding.bottom;
        let room = avail - pad;
        match &a.laid {
            Laid::Flow(paras) => {
                let mut used = 0.0;
                let mut head: Vec<Vec<Line>> = Vec::new();
                let mut tail: Vec<Vec<Line>> = Vec::new();
                let mut full = false;
                for lines in paras {
                    let mut h = Vec::new();
                    let mut t = Vec::new();
                    for line in lines {
                        if !full && used + line.total_height() <= room {
                            used += line.total_height();
                            h.push(line.clone());
                        } else {
                            full = true;
                            let mut line = line.clone();
                            if t.is_empty() && tail.is_empty() {
                                // No space above the continuation at the top of a page.
                                line.gap = 0.0;
                            }
                            t.push(line);
                        }
                    }
                    if !h.is_empty() {
                        progressed = true;
                        head.push(h);
                    }
                    if !t.is_empty() {
                        tail.push(t);
                    }
                }
                let tail_height: f32 = tail.iter().flatten().map(Line::total_height).sum();
                if !tail.is_empty() {
                    rest_height = rest_height.max(tail_height + pad);
                }
                a.laid = Laid::Flow(head);
                b.laid = Laid::Flow(tail);
                a.valign = VAlign::Top;
                b.valign = VAlign::Top;
            }
            Laid::Rotated { .. } => {
                // Turned text is never split: it stays on the first part.
                b.laid = Laid::Flow(Vec::new());
            }
        }
    }
    if !progressed {
        return None;
    }
    first.heights = vec![avail];
    first.fill_page = false;
    let min = block.heights.first().copied().unwrap_or(0.0) - avail;
    rest.heights = vec![rest_height.max(min).max(0.0)];
    Some((first, rest))
}

/// Page margins in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Margins {
    pub const fn all(m: f32) -> Margins {
        Margins {
            top: m,
            right: m,
            bottom: m,
            left: m,
        }
    }
}

/// Flows paragraphs and tables down pages.
pub struct Composer {
    size: Size,
    margins: Margins,
    pages: Vec<Page>,
    /// The top of the free space on the current page.
    y: f32,
}

impl Composer {
    pub fn new(size: Size, margins: Margins) -> Composer {
        Composer {
            size,
            margins,
            pages: vec![Page::new(size)],
            y: margins.top,
        }
    }

    /// The width between the margins.
    pub fn width(&self) -> f32 {
        self.size.width - self.margins.left - self.margins.right
    }

    /// The height left on the current page.
    pub fn remaining(&self) -> f32 {
        (self.size.height - self.margins.bottom - self.y).max(0.0)
    }

    fn page_body(&self) -> f32 {
        self.size.height - self.margins.top - self.margins.bottom
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Page::new(self.size));
        self.y = self.margins.top;
    }

    /// Vertical space; at most to the end of the page.
    pub fn space(&mut self, h: f32) {
        self.y = (self.y + h).min(self.size.height - self.margins.bottom);
    }

    /// A paragraph across the width between the margins, broken across pages if needed.
    pub fn para(&mut self, para: &Para) -> Result<(), PdfError> {
        let x = self.margins.left;
        for line in para.layout(self.width())? {
            if line.total_height() > self.remaining() {
                self.new_page();
            }
            let y = self.y;
            self.y = draw_lines(self.page(), std::slice::from_ref(&line), x, y);
        }
        Ok(())
    }

    /// A table at the left margin: rows move to the next page when they do not fit, the
    /// header rows are repeated there (and the current section's continuation row, see
    /// [`Row::section`]), and a row taller than a page is split between lines.
    pub fn table(&mut self, table: &Table) -> Result<(), PdfError> {
        let x = self.margins.left;
        let header = if table.header.is_empty() {
            None
        } else {
            Some(measure_rows(&table.header, &table.columns, x)?)
        };
        let header_height = header.as_ref().map_or(0.0, Block::height);
        let groups = groups(&table.rows);
        let mut blocks = Vec::with_capacity(groups.len());
        for g in &groups {
            blocks.push(measure_rows(&table.rows[g.clone()], &table.columns, x)?);
        }

        // The header goes with the first rows (with the first lines of a breakable one).
        let first = blocks.first().map_or(0.0, Block::height);
        let starts_here = match (groups.first(), blocks.first()) {
            (Some(g), Some(b)) if breakable(&table.rows[g.clone()]) => {
                split_block(b, self.remaining() - header_height).is_some()
            }
            _ => false,
        };
        if header_height + first > self.remaining()
            && header_height + first <= self.page_body()
            && self.y > self.margins.top
            && !starts_here
        {
            self.new_page();
        }
        self.draw_rows(header.as_ref())?;

        let mut section: Option<Block<'_>> = None;
        for (group, block) in groups.iter().zip(blocks) {
            let starts_section = match &table.rows[group.start].continued {
                Some(row) => {
                    section = Some(measure_rows(
                        std::slice::from_ref(row.as_ref()),
                        &table.columns,
                        x,
                    )?);
                    true
                }
                None => false,
            };
            // What a new page starts with before this group.
            let repeat = if starts_section {
                None
            } else {
                section.as_ref()
            };
            let top = header_height + repeat.map_or(0.0, Block::height);
            let rows = &table.rows[group.clone()];
            if block.height() <= self.remaining() {
                self.draw(block)?;
            } else if !breakable(rows) && block.height() <= self.page_body() - top {
                self.new_page();
                self.draw_rows(header.as_ref())?;
                self.draw_rows(repeat)?;
                self.draw(block)?;
            } else if tied(rows) {
                // Rows tied by a row span cannot be split: on a page of their own, even if
                // they overflow it (the forms have no such group taller than a page).
                if self.y > self.margins.top + top + 0.5 {
                    self.new_page();
                    self.draw_rows(header.as_ref())?;
                    self.draw_rows(repeat)?;
                }
                self.draw(block)?;
            } else {
                // Taller than a page, or breakable: row by row, splitting rows between
                // lines.
                for r in group.clone() {
                    let rows = std::slice::from_ref(&table.rows[r]);
                    let mut block = measure_rows(rows, &table.columns, x)?;
                    loop {
                        if block.height() <= self.remaining() {
                            self.draw(block)?;
                            break;
                        }
                        match split_block(&block, self.remaining()) {
                            Some((head, tail)) => {
                                self.draw(head)?;
                                block = tail;
                            }
                            None if self.y > self.margins.top + top + 0.5 => {}
                            None => {
                                // Not one line fits on an empty page: draw it overflowing
                                // rather than loop for ever.
                                self.draw(block)?;
                                break;
                            }
                        }
                        self.new_page();
                        self.draw_rows(header.as_ref())?;
                        self.draw_rows(section.as_ref())?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Draws repeated rows (a header, a section's continuation) at the cursor.
    fn draw_rows(&mut self, rows: Option<&Block<'_>>) -> Result<(), PdfError> {
        if let Some(h) = rows {
            let y = self.y;
            draw_block(self.page(), h, y)?;
            self.y += h.height();
        }
        Ok(())
    }

    fn draw(&mut self, mut block: Block<'_>) -> Result<(), PdfError> {
        if block.fill_page {
            let stretch = self.remaining() - block.height();
            if let (true, Some(last)) = (stretch > 0.0, block.heights.last_mut()) {
                *last += stretch;
            }
        }
        let y = self.y;
        draw_block(self.page(), &block, y)?;
        self.y += block.height();
        Ok(())
    }

    /// The PDF, with `footer(page, pages)` (1-based) drawn in the bottom margin of each
    /// page.
    pub fn finish(
        self,
        meta: &Meta,
        footer: impl Fn(usize, usize) -> Option<Para>,
    ) -> Result<Vec<u8>, PdfError> {
        write_pdf(&self.into_pages(footer)?, meta)
    }

    /// The pages, footers drawn, before they are written (for tests that look at
    /// positions).
    pub(crate) fn into_pages(
        mut self,
        footer: impl Fn(usize, usize) -> Option<Para>,
    ) -> Result<Vec<Page>, PdfError> {
        let pages = self.pages.len();
        let width = self.width();
        for (i, page) in self.pages.iter_mut().enumerate() {
            if let Some(para) = footer(i + 1, pages) {
                let lines = para.layout(width)?;
                let h: f32 = lines.iter().map(Line::total_height).sum();
                let y = self.size.height - self.margins.bottom / 2.0 - h / 2.0;
                draw_lines(page, &lines, self.margins.left, y);
            }
        }
        Ok(self.pages)
    }
}

/// Lays out a one-page form at the first of `scales` (a factor on its type sizes and
/// fixed heights) at which it fits on one page: long free text makes the type a little
/// smaller rather than push the signatures onto a second sheet. If none fits, the layout at
/// the first scale, on as many pages as it takes: smaller type would not save the page.
pub fn fit_one_page(
    scales: &[f32],
    mut compose: impl FnMut(f32) -> Result<Composer, PdfError>,
) -> Result<Composer, PdfError> {
    let mut first = None;
    for &scale in scales {
        let composer = compose(scale)?;
        if composer.page_count() == 1 {
            return Ok(composer);
        }
        first.get_or_insert(composer);
    }
    first.ok_or_else(|| PdfError::Layout("aucune échelle où mettre la page en forme".to_owned()))
}

/// Rows joined by a row span.
fn tied(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.cells.iter().any(|c| c.rowspan > 1))
}

/// A group that may be split where the page ends (see [`Row::breakable`]).
fn breakable(rows: &[Row]) -> bool {
    !tied(rows) && rows.last().is_some_and(|r| r.breakable)
}

/// Rows that must stay on one page: joined by a row span or by `keep_with_next`.
fn groups(rows: &[Row]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut reach = 0; // the last row the current group must include
    for (i, row) in rows.iter().enumerate() {
        let span = row.cells.iter().map(|c| c.rowspan).max().unwrap_or(1);
        reach = reach.max(i + span - 1);
        if row.keep_with_next && i + 1 < rows.len() {
            reach = reach.max(i + 1);
        }
        if i >= reach {
            out.push(start..i + 1);
            start = i + 1;
            reach = start;
        }
    }
    if start < rows.len() {
        out.push(start..rows.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.runs.iter().map(|r| r.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let p = Para::new("Gérer le patrimoine informatique", Style::regular(10.0));
        let w = text_width("Gérer le patrimoine", Style::regular(10.0)).expect("fonts");
        let lines = p.layout(w + 1.0).expect("fonts");
        assert_eq!(text_of(&lines), ["Gérer le patrimoine", "informatique"]);
    }

    #[test]
    fn cuts_a_word_wider_than_the_line_without_losing_characters() {
        let url = "https://exemple.fr/un/très/long/chemin/sans/espace";
        let lines = Para::new(url, Style::regular(10.0))
            .layout(60.0)
            .expect("fonts");
        assert!(lines.len() > 2);
        assert_eq!(text_of(&lines).concat(), url);
    }

    #[test]
    fn keeps_line_breaks_and_blank_lines() {
        let lines = Para::new("un\n\ndeux", Style::regular(10.0))
            .layout(500.0)
            .expect("fonts");
        assert_eq!(text_of(&lines), ["un", "", "deux"]);
        assert!(lines[1].height > 0.0);
    }

    #[test]
    fn groups_follow_row_spans_and_keep_with_next() {
        let plain = || Row::new(vec![Cell::empty()]);
        let rows = vec![
            Row::new(vec![Cell::empty().rowspan(2)]),
            plain(),
            plain().keep_with_next(),
            plain(),
            plain(),
        ];
        assert_eq!(groups(&rows), [0..2, 2..4, 4..5]);
    }

    #[test]
    fn rejects_a_row_wider_than_its_table() {
        let mut t = Table::new(vec![100.0]);
        t.rows.push(Row::new(vec![Cell::empty(), Cell::empty()]));
        let mut c = Composer::new(crate::doc::A4, Margins::all(20.0));
        assert!(matches!(c.table(&t), Err(PdfError::Layout(_))));
    }

    fn texts(pages: &[Page]) -> Vec<Vec<String>> {
        pages
            .iter()
            .map(|p| {
                p.ops
                    .iter()
                    .filter_map(|op| match op {
                        crate::doc::Op::Text { text, .. } => Some(text.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_between_lines_and_the_header_repeated() {
        let body: String = (0..200)
            .map(|i| format!("ligne{i:03}"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut t = Table::new(vec![200.0, 100.0]);
        t.header = vec![Row::new(vec![
            Cell::text("En-tête", Style::bold(8.0)).colspan(2),
        ])];
        t.rows = vec![Row::new(vec![
            Cell::text(body, Style::regular(8.0)),
            Cell::text("à droite", Style::regular(8.0)),
        ])];
        let mut c = Composer::new(crate::doc::A4, Margins::all(30.0));
        c.table(&t).expect("laid out");
        let pages = texts(&c.into_pages(|_, _| None).expect("pages"));
        assert_eq!(pages.len(), 3);
        for page in &pages {
            assert_eq!(page[0], "En-tête");
        }
        let lines: Vec<&String> = pages
            .iter()
            .flatten()
            .filter(|t| t.starts_with("ligne"))
            .collect();
        assert_eq!(lines.len(), 200, "no line lost or doubled");
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "in order");
    }

    #[test]
    fn a_breakable_row_starts_where_the_page_is_and_goes_on_over_the_next() {
        let body: String = (0..60)
            .map(|i| format!("ligne{i:02}"))
            .collect::<Vec<_>>()
            .join("\n");
        let rows = |breakable: bool| {
            let row = Row::new(vec![Cell::text(body.clone(), Style::regular(8.0))]);
            let mut t = Table::new(vec![300.0]);
            t.rows = vec![if breakable { row.breakable() } else { row }];
            t
        };
        for breakable in [false, true] {
            let mut c = Composer::new(crate::doc::A4, Margins::all(30.0));
            c.space(500.0);
            c.table(&rows(breakable)).expect("laid out");
            let pages = texts(&c.into_pages(|_, _| None).expect("pages"));
            assert_eq!(pages.len(), 2);
            // Moved whole to the second page, or started on the first.
            assert_eq!(pages[0].is_empty(), !breakable);
            let lines: Vec<&String> = pages.iter().flatten().collect();
            assert_eq!(lines.len(), 60, "no line lost or doubled");
            assert!(lines.windows(2).all(|w| w[0] < w[1]), "in order");
        }
    }

    #[test]
    fn rows_tied_by_a_row_span_and_taller_than_a_page_are_drawn_not_refused() {
        let tall: String = vec!["ligne"; 150].join("\n");
        let mut t = Table::new(vec![100.0, 100.0]);
        t.rows = vec![
            Row::new(vec![Cell::text("début", Style::regular(8.0))]),
            Row::new(vec![
                Cell::text(tall, Style::regular(8.0)).rowspan(2),
                Cell::empty(),
            ]),
            Row::new(vec![Cell::empty()]),
        ];
        let mut c = Composer::new(crate::doc::A4, Margins::all(30.0));
        c.table(&t).expect("laid out");
        assert_eq!(c.page_count(), 2, "moved to a page of its own");
    }
    #[test]
    fn a_fill_page_row_reaches_the_bottom_margin() {
        let mut t = Table::new(vec![300.0]);
        t.rows = vec![Row::new(vec![Cell::text("court", Style::regular(9.0))]).fill_page()];
        let mut c = Composer::new(crate::doc::A4, Margins::all(40.0));
        c.table(&t).expect("laid out");
        assert!(c.remaining() < 0.01);
        assert_eq!(c.page_count(), 1);
    }

    #[test]
    fn turned_text_fits_across_its_column() {
        let paras: Vec<Para> = (0..4)
            .map(|i| {
                Para::new(
                    format!("▸ Savoir-faire numéro {i} dont l’intitulé est assez long"),
                    Style::regular(6.0),
                )
            })
            .collect();
        let across = 40.0;
        let length = rotated_length(&paras, across).expect("fonts");
        let stacked: f32 = paras.iter().map(|p| p.height(length).expect("fonts")).sum();
        assert!(stacked <= across, "{stacked} > {across}");
        let shorter: f32 = paras
            .iter()
            .map(|p| p.height(length - 2.0).expect("fonts"))
            .sum();
        assert!(shorter > across, "the shortest length that fits");
    }

    #[test]
    fn french_spaces_do_not_break_before_a_colon_or_inside_guillemets() {
        let style = Style::regular(10.0);
        let w = text_width("Lieu de la", style).expect("fonts") + 2.0;
        let lines = Para::new("Lieu de la réalisation : « salle B »", style)
            .layout(w)
            .expect("fonts");
        let lines = text_of(&lines);
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with(':') && !l.ends_with('«')),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l.contains("« salle")), "{lines:?}");
    }
}
