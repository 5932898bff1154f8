//! The bordereau récapitulatif (`MarkSheet`): what the head of school sends the jury for one
//! exam, every candidate with the commission's proposed mark, the penalties and the final mark.
//! Marks are written as numbers so that the jury can sort and compute; the final mark is
//! computed here by the domain's rule, never typed.

use portfolio_domain::evaluation::{final_mark, penalty_points};
use portfolio_framework::Penalty;
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

use crate::DocumentError;

pub use portfolio_domain::grid::{
    MARK_SHEET_HEADERS as HEADERS, MarkSheet, MarkSheetRow, NO_MARK, form_short_label as form_label,
};

/// Writes the bordereau: a title block, the header row, one row per candidate (by name), and
/// the count of candidates without a proposed mark.
pub fn mark_sheet_xlsx(sheet: &MarkSheet) -> Result<Vec<u8>, DocumentError> {
    let mut rows: Vec<&MarkSheetRow> = sheet.rows.iter().collect();
    rows.sort_by(|a, b| {
        (&a.last_name, &a.first_name, &a.candidate_number).cmp(&(
            &b.last_name,
            &b.first_name,
            &b.candidate_number,
        ))
    });
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Bordereau récapitulatif")?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let mark = Format::new()
        .set_num_format("0.##")
        .set_align(FormatAlign::Center);
    let whole = Format::new()
        .set_num_format("0")
        .set_align(FormatAlign::Center);
    ws.write_string_with_format(
        0,
        0,
        "Bordereau récapitulatif des propositions de notes",
        &title,
    )?;
    ws.write_string(1, 0, &sheet.exam_heading)?;
    ws.write_string(
        2,
        0,
        format!(
            "Session {} – Académie de {} – {}",
            sheet.session_year, sheet.academy, sheet.school_name
        ),
    )?;
    const HEADER_ROW: u32 = 4;
    for (c, h) in HEADERS.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(HEADER_ROW, col, *h, &bold)?;
        ws.set_column_width(col, if c == 7 { 40.0 } else { 16.0 })?;
    }
    let mut without_mark = 0usize;
    for (i, r) in rows.iter().enumerate() {
        let line = HEADER_ROW + 1 + u32::try_from(i).unwrap_or(u32::MAX - HEADER_ROW - 1);
        ws.write_string(line, 0, &r.candidate_number)?;
        ws.write_string(line, 1, &r.last_name)?;
        ws.write_string(line, 2, &r.first_name)?;
        ws.write_string(line, 3, r.track.code())?;
        ws.write_string(line, 4, form_label(r.form))?;
        ws.write_string(line, 5, &r.commission)?;
        let labels: Vec<&str> = Penalty::ALL
            .iter()
            .filter(|p| r.penalties.contains(p))
            .map(|p| p.label())
            .collect();
        ws.write_string(line, 7, labels.join(" ; "))?;
        ws.write_number_with_format(line, 8, f64::from(penalty_points(&r.penalties)), &whole)?;
        match r.proposed {
            Some(p) => {
                ws.write_number_with_format(line, 6, f64::from(p.hundredths()) / 100.0, &mark)?;
                let fin = final_mark(p, &r.penalties);
                ws.write_number_with_format(line, 9, f64::from(fin.points()), &whole)?;
            }
            None => {
                without_mark += 1;
                ws.write_string(line, 6, NO_MARK)?;
                ws.write_string(line, 9, NO_MARK)?;
            }
        }
    }
    let foot = HEADER_ROW + 2 + u32::try_from(rows.len()).unwrap_or(u32::MAX - HEADER_ROW - 2);
    ws.write_string(
        foot,
        0,
        format!(
            "{} candidat(s), dont {without_mark} sans proposition de note",
            rows.len()
        ),
    )?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use portfolio_domain::evaluation::ProposedMark;
    use portfolio_framework::{ExamForm, Track};
    use std::io::Cursor;

    fn row(
        number: &str,
        last: &str,
        first: &str,
        proposed: Option<&str>,
        penalties: &[Penalty],
    ) -> MarkSheetRow {
        MarkSheetRow {
            candidate_number: number.to_owned(),
            last_name: last.to_owned(),
            first_name: first.to_owned(),
            track: Track::Slam,
            form: ExamForm::Continuous,
            commission: "C1".to_owned(),
            proposed: proposed.map(|p| ProposedMark::parse(p).expect("a mark")),
            penalties: penalties.to_vec(),
        }
    }

    #[test]
    fn the_bordereau_is_read_back_with_computed_final_marks() {
        let sheet = MarkSheet {
            academy: "Lyon".to_owned(),
            session_year: 2027,
            school_name: "Lycée Ampère".to_owned(),
            exam_heading: "Épreuve E4 – Support et mise à disposition de services informatiques"
                .to_owned(),
            rows: vec![
                row("003", "Zola", "Émile", Some("12,1"), &[]),
                row(
                    "001",
                    "Martin",
                    "Léa",
                    Some("15,5"),
                    &[Penalty::MissingSynthesisTable],
                ),
                row("002", "Durand", "Noé", None, &[]),
                row(
                    "004",
                    "Bernard",
                    "Paul",
                    Some("8"),
                    &[
                        Penalty::PortfolioInaccessible,
                        Penalty::MissingSynthesisTable,
                    ],
                ),
            ],
        };
        let bytes = mark_sheet_xlsx(&sheet).expect("xlsx");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("readable");
        let range = book
            .worksheet_range("Bordereau récapitulatif")
            .expect("the sheet");
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        let text = |r: u32, c: u32| cell(r, c).to_string();
        assert_eq!(text(1, 0), sheet.exam_heading);
        assert_eq!(text(2, 0), "Session 2027 – Académie de Lyon – Lycée Ampère");
        let headers: Vec<String> = (0..10).map(|c| text(4, c)).collect();
        assert_eq!(headers, HEADERS);
        // Sorted by name; marks as numbers; the final mark by the rule.
        let names: Vec<String> = (5..9).map(|r| text(r, 1)).collect();
        assert_eq!(names, ["Bernard", "Durand", "Martin", "Zola"]);
        assert_eq!(cell(5, 6), Data::Float(8.0));
        assert_eq!(
            text(5, 7),
            "Portfolio inaccessible ; Absence de tableau de synthèse"
        );
        assert_eq!(cell(5, 8), Data::Float(12.0));
        assert_eq!(cell(5, 9), Data::Float(0.0));
        assert_eq!(text(6, 6), NO_MARK);
        assert_eq!(text(6, 9), NO_MARK);
        assert_eq!(cell(7, 6), Data::Float(15.5));
        assert_eq!(cell(7, 9), Data::Float(14.0));
        assert_eq!(cell(8, 6), Data::Float(12.1));
        assert_eq!(cell(8, 9), Data::Float(13.0));
        assert_eq!(text(8, 4), "CCF");
        assert_eq!(
            text(10, 0),
            "4 candidat(s), dont 1 sans proposition de note"
        );
    }
}
