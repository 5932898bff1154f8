//! The page model (text, lines, rectangles at absolute positions) and its serialisation to
//! PDF with `pdf-writer`.
//!
//! Positions are in points from the top-left corner of the page (y grows downwards), the
//! way the layout thinks; the writer flips them to PDF's bottom-left origin. Text is kept as
//! `String`s until the end so that each font is subset once, to exactly the glyphs used,
//! and embedded as a CID font (Identity-H) with a ToUnicode map so that text extraction
//! and copy-paste give back the characters.

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, LineCapStyle, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::PdfError;
use crate::font::{FontId, FontMetrics};

/// A4 portrait, in points.
pub const A4: Size = Size {
    width: 595.276,
    height: 841.89,
};

/// A page size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub width: f32,
    pub height: f32,
}

impl Size {
    /// The same size turned a quarter.
    pub fn landscape(self) -> Size {
        Size {
            width: self.height,
            height: self.width,
        }
    }
}

/// How text is turned on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rotation {
    #[default]
    None,
    /// A quarter turn counter-clockwise: the text reads from bottom to top, as in the
    /// vertical headers of the tableau de synthèse.
    Up,
}

/// Something drawn on a page.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// `x`, `y`: the start of the baseline.
    Text {
        x: f32,
        y: f32,
        font: FontId,
        size: f32,
        text: String,
        rotation: Rotation,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A filled rectangle (`gray`: 0 black … 1 white); `y` is its top.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: f32,
    },
}

/// A page and what is drawn on it, in drawing order.
#[derive(Debug, Clone)]
pub struct Page {
    pub size: Size,
    pub(crate) ops: Vec<Op>,
}

impl Page {
    pub fn new(size: Size) -> Page {
        Page {
            size,
            ops: Vec::new(),
        }
    }

    /// Draws `text` with its baseline starting at (`x`, `y`). No wrapping: see
    /// [`crate::layout`].
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        font: FontId,
        size: f32,
        text: &str,
        rotation: Rotation,
    ) {
        if text.is_empty() {
            return;
        }
        self.ops.push(Op::Text {
            x,
            y,
            font,
            size,
            text: text.to_owned(),
            rotation,
        });
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.ops.push(Op::Line { from, to, width });
    }

    /// The outline of a rectangle whose top-left corner is (`x`, `y`).
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.line((x, y), (x + w, y), width);
        self.line((x + w, y), (x + w, y + h), width);
        self.line((x + w, y + h), (x, y + h), width);
        self.line((x, y + h), (x, y), width);
    }

    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, gray: f32) {
        self.ops.push(Op::Fill { x, y, w, h, gray });
    }
}

/// A document's metadata.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: String,
    pub author: Option<String>,
}

/// Writes `pages` as a PDF file.
pub fn write_pdf(pages: &[Page], meta: &Meta) -> Result<Vec<u8>, PdfError> {
    let mut alloc = Ref::new(1);
    let mut next = || alloc.bump();
    let catalog_id = next();
    let tree_id = next();
    let info_id = next();

    // Encode the text first: the glyph remapping decides the subset and the bytes shown.
    let mut fonts = [FontUse::new(FontId::Regular)?, FontUse::new(FontId::Bold)?];
    let mut contents = Vec::with_capacity(pages.len());
    let mut used_by_page = Vec::with_capacity(pages.len());
    for page in pages {
        let (content, used) = page_content(page, &mut fonts);
        contents.push(content);
        used_by_page.push(used);
    }

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    let page_ids: Vec<Ref> = pages.iter().map(|_| next()).collect();
    // Only the fonts some text uses are written.
    let font_ids: Vec<Option<Ref>> = fonts.iter().map(|f| f.used.then(&mut next)).collect();

    pdf.catalog(catalog_id)
        .pages(tree_id)
        .lang(TextStr("fr-FR"));
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    {
        let mut info = pdf.document_info(info_id);
        info.title(TextStr(&meta.title));
        if let Some(author) = &meta.author {
            info.author(TextStr(author));
        }
        info.producer(TextStr("Portfolio SIO"));
    }

    for (((page, content), used), &page_id) in pages
        .iter()
        .zip(&contents)
        .zip(&used_by_page)
        .zip(&page_ids)
    {
        let content_id = next();
        let compressed = deflate(content);
        pdf.stream(content_id, &compressed)
            .filter(Filter::FlateDecode);
        let mut p = pdf.page(page_id);
        p.parent(tree_id)
            .media_box(Rect::new(0.0, 0.0, page.size.width, page.size.height))
            .contents(content_id);
        let mut resources = p.resources();
        let mut font_dict = resources.fonts();
        for (font, id) in fonts.iter().zip(&font_ids) {
            if let (true, Some(id)) = (used[font.id.index()], id) {
                font_dict.pair(Name(font.id.resource_name()), *id);
            }
        }
    }

    for (font, id) in fonts.iter().zip(&font_ids) {
        if let Some(type0_id) = id {
            font.write(&mut pdf, *type0_id, &mut next)?;
        }
    }

    Ok(pdf.finish())
}

fn deflate(data: &[u8]) -> Vec<u8> {
    // Deflate is most of the time spent (the font subsets, then the content streams). Level 1
    // writes a grid recto/verso in 1.1 ms instead of 1.7 ms at level 3 (and 2.8 ms at zlib's
    // default 6), for 58 KB instead of 45: a commission's or a school's batch of PDFs is CPU,
    // not bytes, on a small server (issue 6, `cargo bench -p portfolio-pdf --bench grid`).
    compress_to_vec_zlib(data, 1)
}

/// One font's glyphs as used by the document.
struct FontUse {
    id: FontId,
    metrics: &'static FontMetrics,
    remapper: GlyphRemapper,
    /// The character of each new glyph id, for ToUnicode (index = new id).
    chars: Vec<Option<char>>,
    used: bool,
}

impl FontUse {
    fn new(id: FontId) -> Result<FontUse, PdfError> {
        Ok(FontUse {
            id,
            metrics: id.metrics()?,
            remapper: GlyphRemapper::new(),
            chars: vec![None],
            used: false,
        })
    }

    /// The bytes that show `text` (2-byte new glyph ids).
    fn encode(&mut self, text: &str, out: &mut Vec<u8>) {
        self.used = true;
        for c in text.chars() {
            let (glyph, _) = self.metrics.glyph(c);
            let new = self.remapper.remap(glyph);
            let slot = usize::from(new);
            if slot >= self.chars.len() {
                self.chars.resize(slot + 1, None);
            }
            if self.chars[slot].is_none() {
                // A character the font lacks is drawn with the replacement glyph; it reads
                // back as U+FFFD rather than as whichever lacking character came first.
                let shown = if glyph == self.metrics.replacement_glyph() {
                    '\u{FFFD}'
                } else {
                    c
                };
                self.chars[slot] = Some(shown);
            }
            out.extend_from_slice(&new.to_be_bytes());
        }
    }

    fn write(
        &self,
        pdf: &mut Pdf,
        type0_id: Ref,
        next: &mut impl FnMut() -> Ref,
    ) -> Result<(), PdfError> {
        let cid_id = next();
        let descriptor_id = next();
        let cmap_id = next();
        let file_id = next();
        let m = self.metrics;

        let subset = subsetter::subset(m.data, 0, &self.remapper).map_err(|e| {
            PdfError::Font(format!("subsetting {}: {e}", self.id.postscript_name()))
        })?;
        // The subset tag must be the same for the same glyphs so that output is
        // reproducible: derive it from the glyph list.
        // FNV-1a: stable across Rust versions, unlike DefaultHasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for g in self.remapper.remapped_gids() {
            for b in g.to_be_bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        let mut tag = [b'A'; 6];
        for t in &mut tag {
            *t = b'A' + (h % 26) as u8;
            h /= 26;
        }
        let base_font = format!(
            "{}+{}",
            String::from_utf8_lossy(&tag),
            self.id.postscript_name()
        );
        let base_font = Name(base_font.as_bytes());

        pdf.type0_font(type0_id)
            .base_font(base_font)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);

        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|g| m.advance_1000(g))
            .collect();
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(CidFontType::Type2)
            .base_font(base_font)
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid.widths().consecutive(0, widths);
        cid.finish();

        pdf.font_descriptor(descriptor_id)
            .name(base_font)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]))
            .italic_angle(m.italic_angle)
            .ascent(m.ascender)
            .descent(m.descender)
            .cap_height(m.cap_height)
            // The usual estimate from the weight class: fonts do not record it.
            .stem_v(10.0 + 0.244 * (f32::from(m.weight) - 50.0))
            .font_file2(file_id);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (gid, c) in self.chars.iter().enumerate() {
            if let (Some(c), Ok(gid)) = (c, u16::try_from(gid)) {
                cmap.pair(gid, *c);
            }
        }
        let cmap = cmap.finish();
        pdf.cmap(cmap_id, &cmap);

        let compressed = deflate(&subset);
        pdf.stream(file_id, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);
        Ok(())
    }
}

/// The content stream of a page, and which fonts it uses.
fn page_content(page: &Page, fonts: &mut [FontUse; 2]) -> (Vec<u8>, [bool; 2]) {
    let mut c = Content::new();
    // Square caps close the corners where border lines meet.
    c.set_line_cap(LineCapStyle::ProjectingSquareCap);
    let mut used = [false; 2];
    let height = page.size.height;
    let mut bytes = Vec::new();
    let mut line_width = f32::NAN;
    let mut in_text = false;
    let mut current_font: Option<(FontId, f32)> = None;
    let mut fill_gray = 0.0f32;

    for op in &page.ops {
        match op {
            Op::Text {
                x,
                y,
                font,
                size,
                text,
                rotation,
            } => {
                if !in_text {
                    if fill_gray != 0.0 {
                        c.set_fill_gray(0.0);
                        fill_gray = 0.0;
                    }
                    c.begin_text();
                    in_text = true;
                }
                if current_font != Some((*font, *size)) {
                    c.set_font(Name(font.resource_name()), *size);
                    current_font = Some((*font, *size));
                }
                let (px, py) = (*x, height - *y);
                let matrix = match rotation {
                    Rotation::None => [1.0, 0.0, 0.0, 1.0, px, py],
                    Rotation::Up => [0.0, 1.0, -1.0, 0.0, px, py],
                };
                c.set_text_matrix(matrix);
                bytes.clear();
                fonts[font.index()].encode(text, &mut bytes);
                used[font.index()] = true;
                c.show(Str(&bytes));
            }
            Op::Line { from, to, width } => {
                if in_text {
                    c.end_text();
                    in_text = false;
                    current_font = None;
                }
                if *width != line_width {
                    c.set_line_width(*width);
                    line_width = *width;
                }
                c.move_to(from.0, height - from.1);
                c.line_to(to.0, height - to.1);
                c.stroke();
            }
            Op::Fill { x, y, w, h, gray } => {
                if in_text {
                    c.end_text();
                    in_text = false;
                    current_font = None;
                }
                if *gray != fill_gray {
                    c.set_fill_gray(*gray);
                    fill_gray = *gray;
                }
                c.rect(*x, height - *y - *h, *w, *h);
                c.fill_nonzero();
            }
        }
    }
    if in_text {
        c.end_text();
    }
    (c.finish().into_vec(), used)
}
