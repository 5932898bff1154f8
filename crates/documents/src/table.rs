//! A plain table as .xlsx or .csv (the class dashboard's exports), safe to open in a spreadsheet:
//! cells are written as text, and in CSV a cell that a spreadsheet would read as a formula is
//! neutralised with a leading apostrophe (OWASP « CSV injection »).

use crate::DocumentError;
use rust_xlsxwriter::{Format, Workbook};

/// Whether a spreadsheet would take the text as a formula.
fn looks_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// CSV with `;` as separator (what French spreadsheets expect), UTF-8 with a byte-order mark so
/// that accents open right, every cell quoted.
pub fn table_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let quoted: Vec<String> = cells
            .map(|c| {
                let c = if looks_like_formula(c) {
                    format!("'{c}")
                } else {
                    c.to_string()
                };
                format!("\"{}\"", c.replace('"', "\"\""))
            })
            .collect();
        out.push_str(&quoted.join(";"));
        out.push_str("\r\n");
    };
    line(&mut headers.iter().copied());
    for r in rows {
        line(&mut r.iter().map(String::as_str));
    }
    out.into_bytes()
}

/// One sheet: a bold header row, then the rows, every cell written as text.
pub fn table_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, DocumentError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(DocumentError::from)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(0, col, *h, &bold)
            .map_err(DocumentError::from)?;
        sheet
            .set_column_width(col, if c == 0 { 28.0 } else { 12.0 })
            .map_err(DocumentError::from)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let line = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            // write_string: a cell is never a formula, whatever it starts with.
            sheet
                .write_string(line, u16::try_from(c).unwrap_or(u16::MAX), cell)
                .map_err(DocumentError::from)?;
        }
    }
    sheet.set_freeze_panes(1, 1).map_err(DocumentError::from)?;
    book.save_to_buffer().map_err(DocumentError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_look_like_formulas_are_neutralised() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\")".to_string(),
            "Dupont; \"Jean\"".to_string(),
            "-2".to_string(),
            "Élodie".to_string(),
        ]];
        let csv = String::from_utf8(table_csv(&["Nom", "Note"], &rows)).expect("utf-8");
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
        assert!(csv.contains("\"Dupont; \"\"Jean\"\"\""));
        assert!(csv.contains("\"'-2\""));
        assert!(csv.contains("\"Élodie\""));
    }

    #[test]
    fn xlsx_cells_are_text_and_read_back() {
        use calamine::{Data, Reader, Xlsx};
        let rows = vec![vec!["=1+1".to_string(), "3/6".to_string()]];
        let bytes = table_xlsx("Classe", &["Nom", "Bloc 1"], &rows).expect("xlsx");
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("open");
        let range = book.worksheet_range("Classe").expect("sheet");
        assert_eq!(range.get_value((1, 0)), Some(&Data::String("=1+1".into())));
        assert_eq!(
            range.get_value((0, 1)),
            Some(&Data::String("Bloc 1".into()))
        );
        let formulas = book.worksheet_formula("Classe").expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula written"
        );
    }
}
