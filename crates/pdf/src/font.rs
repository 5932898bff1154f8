//! The embedded fonts (DejaVu Sans and DejaVu Sans Bold) and their metrics.
//!
//! DejaVu is used because it covers everything the forms print: French accents, œ, « »,
//! ’, and the symbols ☐ ☒ ▸ that Liberation Sans lacks. The fonts are parsed once; glyph
//! lookups for Latin-1 go through a precomputed table because they are most of the text
//! and the measuring loop of the line breaker runs over every character.

use std::sync::LazyLock;

use ttf_parser::{Face, GlyphId};

use crate::PdfError;

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// One of the embedded fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontId {
    Regular,
    Bold,
}

impl FontId {
    pub const ALL: [FontId; 2] = [FontId::Regular, FontId::Bold];

    pub(crate) fn index(self) -> usize {
        match self {
            FontId::Regular => 0,
            FontId::Bold => 1,
        }
    }

    /// The name of the font resource in the page dictionaries.
    pub(crate) fn resource_name(self) -> &'static [u8] {
        match self {
            FontId::Regular => b"F1",
            FontId::Bold => b"F2",
        }
    }

    pub(crate) fn postscript_name(self) -> &'static str {
        match self {
            FontId::Regular => "DejaVuSans",
            FontId::Bold => "DejaVuSans-Bold",
        }
    }

    pub(crate) fn metrics(self) -> Result<&'static FontMetrics, PdfError> {
        let fonts = FONTS.as_ref().map_err(|e| PdfError::Font(e.clone()))?;
        Ok(&fonts[self.index()])
    }
}

/// What the layout and the writer need from a font, in font units unless stated.
pub struct FontMetrics {
    pub(crate) data: &'static [u8],
    face: Face<'static>,
    units_per_em: f32,
    /// `(glyph, advance)` of U+0000..=U+00FF; glyph 0 where the font has none.
    latin1: [(u16, u16); 256],
    /// The glyph drawn for a character the font lacks (U+FFFD, else `?`).
    replacement: (u16, u16),
    pub(crate) ascender: f32,
    pub(crate) descender: f32,
    pub(crate) cap_height: f32,
    pub(crate) bbox: [f32; 4],
    pub(crate) italic_angle: f32,
    pub(crate) weight: u16,
}

static FONTS: LazyLock<Result<[FontMetrics; 2], String>> = LazyLock::new(|| {
    Ok([
        FontMetrics::parse(REGULAR_TTF, "DejaVuSans.ttf")?,
        FontMetrics::parse(BOLD_TTF, "DejaVuSans-Bold.ttf")?,
    ])
});

impl FontMetrics {
    fn parse(data: &'static [u8], file: &str) -> Result<FontMetrics, String> {
        let face = Face::parse(data, 0).map_err(|e| format!("{file}: {e}"))?;
        let lookup = |c: char| -> Option<(u16, u16)> {
            let g = face.glyph_index(c)?;
            Some((g.0, face.glyph_hor_advance(g).unwrap_or(0)))
        };
        let mut latin1 = [(0u16, 0u16); 256];
        for (i, slot) in latin1.iter_mut().enumerate() {
            if let Some(found) = char::from_u32(i as u32).and_then(lookup) {
                *slot = found;
            }
        }
        let replacement = lookup('\u{FFFD}')
            .or_else(|| lookup('?'))
            .ok_or_else(|| format!("{file}: no replacement glyph"))?;
        let bbox = face.global_bounding_box();
        let units_per_em = f32::from(face.units_per_em());
        let to_1000 = |v: i16| f32::from(v) * 1000.0 / units_per_em;
        Ok(FontMetrics {
            data,
            units_per_em,
            latin1,
            replacement,
            ascender: to_1000(face.ascender()),
            descender: to_1000(face.descender()),
            cap_height: to_1000(face.capital_height().unwrap_or(face.ascender())),
            bbox: [
                to_1000(bbox.x_min),
                to_1000(bbox.y_min),
                to_1000(bbox.x_max),
                to_1000(bbox.y_max),
            ],
            italic_angle: face.italic_angle(),
            weight: face.weight().to_number(),
            face,
        })
    }

    /// The glyph and advance (font units) of `c`, the replacement glyph if the font lacks it.
    #[inline]
    pub(crate) fn glyph(&self, c: char) -> (u16, u16) {
        let code = c as u32;
        if code < 256 {
            let found = self.latin1[code as usize];
            if found.0 != 0 {
                return found;
            }
            return self.replacement;
        }
        match self.face.glyph_index(c) {
            Some(g) => (g.0, self.face.glyph_hor_advance(g).unwrap_or(0)),
            None => self.replacement,
        }
    }

    /// The glyph drawn for characters the font lacks.
    pub(crate) fn replacement_glyph(&self) -> u16 {
        self.replacement.0
    }

    /// Whether the font has a glyph of its own for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    /// The advance of a glyph in thousandths of an em (the unit of the PDF `W` array).
    pub(crate) fn advance_1000(&self, glyph: u16) -> f32 {
        f32::from(self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0)) * 1000.0
            / self.units_per_em
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| u32::from(self.glyph(c).1)).sum();
        units as f32 * size / self.units_per_em
    }

    /// The width of one character at `size` points.
    #[inline]
    pub fn char_width(&self, c: char, size: f32) -> f32 {
        f32::from(self.glyph(c).1) * size / self.units_per_em
    }

    /// The distance from the baseline to the top of the line box, at `size` points.
    pub fn ascent(&self, size: f32) -> f32 {
        self.ascender * size / 1000.0
    }
}

/// The metrics of `font`, for callers outside the crate that measure text (e.g. to size a
/// column before building a table).
pub fn metrics(font: FontId) -> Result<&'static FontMetrics, PdfError> {
    font.metrics()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything the forms print, in both weights, without falling back to the
    /// replacement glyph.
    #[test]
    fn both_fonts_cover_french_and_the_form_symbols() {
        let chars = "àâäéèêëîïôöùûüÿçœæÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÇŒÆ«»’‘“”–—…°€☐☒▸•\u{A0}\u{202F}";
        for font in FontId::ALL {
            let m = font.metrics().expect("embedded fonts parse");
            for c in chars.chars() {
                assert!(m.covers(c), "{font:?} lacks {c:?} (U+{:04X})", c as u32);
                assert!(m.char_width(c, 10.0) > 0.0, "{c:?} has a width");
            }
        }
    }

    #[test]
    fn a_missing_character_is_drawn_with_the_replacement_glyph() {
        let m = FontId::Regular.metrics().expect("embedded fonts parse");
        assert!(!m.covers('漢'));
        assert_eq!(m.glyph('漢'), m.glyph('\u{FFFD}'));
        assert_ne!(m.glyph('漢').0, 0, "not .notdef");
    }

    #[test]
    fn bold_is_wider_than_regular() {
        let text = "Organiser son développement professionnel";
        let regular = FontId::Regular.metrics().expect("fonts").width(text, 10.0);
        let bold = FontId::Bold.metrics().expect("fonts").width(text, 10.0);
        assert!(bold > regular && regular > 150.0, "{regular} {bold}");
    }
}
