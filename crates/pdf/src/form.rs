//! What the one-page forms (attestation de stage, contrôle de conformité) share: their type
//! at a scale, check boxes, « label : value » fields, gray section rows, blanks to fill in.

use time::Date;

use portfolio_domain::dossier::long_date;
use portfolio_framework::Track;

use crate::PdfError;
use crate::layout::{Cell, Padding, Para, Row, Style, text_width};

/// Light gray of the section rows.
pub(crate) const LABEL_FILL: f32 = 0.9;
/// A date left to write by hand.
pub(crate) const BLANK_DATE: &str = "…… / …… / …………";
/// The scales tried to keep a form on one page (see [`crate::layout::fit_one_page`]).
pub(crate) const SCALES: [f32; 4] = [1.0, 0.93, 0.86, 0.8];

pub(crate) fn tick(on: bool) -> &'static str {
    if on { "☒" } else { "☐" }
}

/// The type of a form, at a scale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Type {
    pub scale: f32,
    /// The form's name.
    pub title: Style,
    /// The lines above it.
    pub heading: Style,
    pub label: Style,
    pub value: Style,
    /// Notes, the annex number.
    pub note: Style,
    pub footer: Style,
}

impl Type {
    pub(crate) fn at(scale: f32) -> Type {
        Type {
            scale,
            title: Style::bold(15.0).scaled(scale),
            heading: Style::bold(10.5).scaled(scale),
            label: Style::bold(9.0).scaled(scale),
            value: Style::regular(9.0).scaled(scale),
            note: Style::regular(8.0).scaled(scale),
            // The footer stays put: it is in the margin, not in the way.
            footer: Style::regular(7.0),
        }
    }

    /// A length of the layout at this scale.
    pub(crate) fn len(&self, points: f32) -> f32 {
        points * self.scale
    }

    /// « Label : value », the lines after the first aligned on the value so that a
    /// multi-line address reads as a block.
    pub(crate) fn field(&self, label: &str, value: &str) -> Result<Para, PdfError> {
        Ok(Para::new(label, self.label)
            .push(value, self.value)
            .indent(text_width(label, self.label)?))
    }

    /// A date, or a blank.
    pub(crate) fn date_field(&self, label: &str, date: Option<Date>) -> Result<Para, PdfError> {
        self.field(
            label,
            &date.map_or_else(|| BLANK_DATE.to_owned(), long_date),
        )
    }

    /// « Option : ☒ SISR ☐ SLAM ».
    pub(crate) fn track(&self, track: Track) -> Result<Para, PdfError> {
        let boxes = Track::ALL
            .iter()
            .map(|t| format!("{} {}", tick(*t == track), t.code()))
            .collect::<Vec<_>>()
            .join("   ");
        self.field("Option : ", &boxes)
    }

    pub(crate) fn cell(&self, paras: Vec<Para>) -> Cell {
        Cell::new(paras).padding(Padding::xy(5.0, self.len(4.0)))
    }

    /// A gray row across `columns` columns naming the section below it.
    pub(crate) fn section(&self, text: &str, columns: usize) -> Row {
        Row::new(vec![
            Cell::text(text, self.label)
                .colspan(columns)
                .fill(LABEL_FILL)
                .padding(Padding::xy(5.0, self.len(3.0))),
        ])
        .keep_with_next()
    }
}

/// A SIRET of 14 digits grouped as printed on a Kbis (« 732 829 320 00074 »); anything
/// else as given.
pub(crate) fn siret(raw: &str) -> String {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 14 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!(
            "{} {} {} {}",
            &digits[..3],
            &digits[3..6],
            &digits[6..9],
            &digits[9..]
        )
    } else {
        raw.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siret_is_grouped_only_when_it_is_one() {
        assert_eq!(siret("73282932000074"), "732 829 320 00074");
        assert_eq!(siret("732 829 320 00074"), "732 829 320 00074");
        assert_eq!(siret(" en cours "), "en cours");
        assert_eq!(siret("7328293200007é"), "7328293200007é");
    }
}
