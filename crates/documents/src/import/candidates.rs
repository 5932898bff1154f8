//! Importing the list of the candidates of a session, as a school or the académie exports it:
//! .xlsx, or CSV separated by `;` or `,` (UTF-8, with or without a byte-order mark, or the
//! Windows-1252 a French spreadsheet saves by default).
//!
//! The header row is found by its column names (« N° candidat », « Nom », « Prénom »,
//! « Option », « Voie de formation », « Forme »), in any order, among the first rows. Every
//! other non-empty row is either accepted or rejected with every reason, in French; nothing
//! is dropped silently.

use std::collections::HashMap;

use portfolio_domain::registration::{CandidateNumber, CandidateRegistration, parse_name};
use portfolio_domain::route::Route;
use portfolio_framework::{ExamForm, Track};

use super::text::{fold, quote};
use super::{ImportError, ImportLimits, guard, sheet};

/// How far down the header row is looked for.
const HEADER_SEARCH_ROWS: usize = 15;

/// A column of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Number,
    LastName,
    FirstName,
    Option,
    Route,
    Form,
}

impl Field {
    const ALL: [Field; 6] = [
        Field::Number,
        Field::LastName,
        Field::FirstName,
        Field::Option,
        Field::Route,
        Field::Form,
    ];

    fn label(self) -> &'static str {
        match self {
            Field::Number => "N° candidat",
            Field::LastName => "Nom",
            Field::FirstName => "Prénom",
            Field::Option => "Option",
            Field::Route => "Voie de formation",
            Field::Form => "Forme (ponctuelle / CCF)",
        }
    }

    /// Which field a header cell names, if any.
    fn of_header(cell: &str) -> Option<Field> {
        let f = fold(cell);
        let f = f.trim_end_matches([':', '.', ' ']);
        if f.contains("prenom") {
            Some(Field::FirstName)
        } else if f.contains("numero") || f.starts_with("n°") || f.starts_with("no ") || f == "n" {
            Some(Field::Number)
        } else if f == "nom" || f.starts_with("nom de") || f == "nom d'usage" || f == "nom usuel" {
            Some(Field::LastName)
        } else if f.contains("option") || f == "specialite" {
            Some(Field::Option)
        } else if f.contains("voie") || f.contains("statut") || f.contains("regime") {
            Some(Field::Route)
        } else if f.contains("forme") || f.contains("modalite") {
            Some(Field::Form)
        } else {
            None
        }
    }
}

/// A row that was not imported, with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedCandidate {
    /// Row number as the spreadsheet or the text editor shows it (1-based).
    pub row: u32,
    pub reasons: Vec<String>,
}

/// What was read from a list of candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCandidates {
    pub accepted: Vec<(u32, CandidateRegistration)>,
    pub rejected: Vec<RejectedCandidate>,
}

/// Imports a list of candidates, .xlsx or CSV, within the default [`ImportLimits`].
pub fn import_candidates(bytes: &[u8]) -> Result<ImportedCandidates, ImportError> {
    let limits = ImportLimits {
        // A list of an académie's candidates is longer than a tableau de synthèse.
        max_rows: 20_000,
        max_cells: 200_000,
        ..ImportLimits::default()
    };
    let rows = if bytes.starts_with(b"PK") {
        guard::check(bytes, &limits)?;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            sheet::first_sheet_rows(bytes, &limits)
        }))
        .unwrap_or(Err(ImportError::Internal))?
    } else {
        if bytes.len() > limits.max_file_bytes {
            return Err(ImportError::TooLarge {
                size: format!("{} octets", bytes.len()),
                max: format!("{} octets", limits.max_file_bytes),
            });
        }
        let rows = csv_rows(&decode(bytes));
        if rows.len() > limits.max_rows as usize {
            return Err(ImportError::LimitExceeded(format!(
                "{} lignes (au plus {})",
                rows.len(),
                limits.max_rows
            )));
        }
        rows
    };
    read_candidates(&rows)
}

/// UTF-8 (a leading byte-order mark dropped), or else Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn windows_1252(b: u8) -> char {
    // The 0x80–0x9F block differs from Latin-1; the rest is the same code point.
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Splits CSV text into numbered rows of cells. The separator is the one of `;`, `,` and tab
/// that occurs most in the first line; quoted cells may hold separators, doubled quotes and
/// line breaks.
fn csv_rows(text: &str) -> Vec<(u32, Vec<String>)> {
    // Counted over the first lines: a title line above the header may have no separator.
    let head: Vec<&str> = text.lines().take(HEADER_SEARCH_ROWS).collect();
    let count = |sep: char| head.iter().map(|l| l.matches(sep).count()).sum::<usize>();
    let sep = [';', ',', '\t']
        .into_iter()
        .rev()
        .max_by_key(|s| count(*s))
        .unwrap_or(';');
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut line: u32 = 1;
    let mut row_start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    cell.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            '\n' if quoted => {
                line += 1;
                cell.push('\n');
            }
            '\r' if !quoted => {}
            '\n' => {
                row.push(std::mem::take(&mut cell));
                rows.push((row_start, std::mem::take(&mut row)));
                line += 1;
                row_start = line;
            }
            c if c == sep && !quoted => row.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push((row_start, row));
    }
    rows
}

fn parse_track(value: &str) -> Result<Track, String> {
    let f = fold(value);
    let words: Vec<&str> = f
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    match (
        has("sisr") || f == "a" || f == "option a",
        has("slam") || f == "b" || f == "option b",
    ) {
        (true, false) => Ok(Track::Sisr),
        (false, true) => Ok(Track::Slam),
        _ => Err(format!(
            "option « {} » non reconnue : attendu SISR ou SLAM",
            quote(value, 40)
        )),
    }
}

fn parse_route(value: &str) -> Result<Route, String> {
    if let Ok(r) = value.parse::<Route>() {
        return Ok(r);
    }
    let f = fold(value);
    let route = if f.contains("apprenti") {
        Route::Apprenticeship
    } else if f.contains("distance") || f.contains("cned") {
        Route::Distance
    } else if f.contains("experience") {
        Route::ProfessionalExperience
    } else if f.contains("continue") || f == "fpc" {
        Route::ContinuingEducation
    } else if f.contains("scolaire") || f.contains("initiale") || f == "etudiant" {
        Route::School
    } else {
        let known: Vec<&str> = Route::ALL.iter().map(|r| r.label()).collect();
        return Err(format!(
            "voie de formation « {} » non reconnue : attendu {}",
            quote(value, 40),
            known.join(", ")
        ));
    };
    Ok(route)
}

fn parse_form(value: &str) -> Result<ExamForm, String> {
    let f = fold(value);
    if f == "ccf" || f.contains("cours de formation") {
        Ok(ExamForm::Continuous)
    } else if f.contains("ponctuel") {
        Ok(ExamForm::OneOff)
    } else {
        Err(format!(
            "forme « {} » non reconnue : attendu « ponctuelle » ou « CCF »",
            quote(value, 40)
        ))
    }
}

/// The value, or its reason recorded.
fn keep<T>(result: Result<T, String>, reasons: &mut Vec<String>) -> Option<T> {
    result.map_err(|e| reasons.push(e)).ok()
}

/// Reads the numbered rows of a list: finds the header, then accepts or rejects every row below.
fn read_candidates(rows: &[(u32, Vec<String>)]) -> Result<ImportedCandidates, ImportError> {
    let mut best: Option<(usize, HashMap<Field, usize>)> = None;
    for (i, (_, cells)) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let mut columns = HashMap::new();
        for (col, cell) in cells.iter().enumerate() {
            if let Some(field) = Field::of_header(cell) {
                columns.entry(field).or_insert(col);
            }
        }
        if best.as_ref().is_none_or(|(_, b)| columns.len() > b.len()) {
            best = Some((i, columns));
        }
    }
    let (header_index, columns) = best.unwrap_or_default();
    let missing: Vec<&str> = Field::ALL
        .iter()
        .filter(|f| !columns.contains_key(f))
        .map(|f| f.label())
        .collect();
    if !missing.is_empty() {
        let all: Vec<&str> = Field::ALL.iter().map(|f| f.label()).collect();
        return Err(ImportError::NotACandidateList(format!(
            "colonnes introuvables : {}. La première ligne du tableau doit nommer les colonnes {}",
            missing.join(", "),
            all.join(", ")
        )));
    }
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    let mut seen: HashMap<CandidateNumber, u32> = HashMap::new();
    for (row, cells) in rows.iter().skip(header_index + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |f: Field| {
            columns
                .get(&f)
                .and_then(|&c| cells.get(c))
                .map_or("", String::as_str)
        };
        let mut reasons = Vec::new();
        let number = keep(CandidateNumber::parse(cell(Field::Number)), &mut reasons);
        let last_name = keep(parse_name(cell(Field::LastName), "nom"), &mut reasons);
        let first_name = keep(parse_name(cell(Field::FirstName), "prénom"), &mut reasons);
        let track = keep(parse_track(cell(Field::Option)), &mut reasons);
        let route = keep(parse_route(cell(Field::Route)), &mut reasons);
        let form = keep(parse_form(cell(Field::Form)), &mut reasons);
        if let Some((n, first)) = number.as_ref().and_then(|n| Some((n, seen.get(n)?))) {
            reasons.push(format!(
                "le numéro de candidat {n} figure déjà à la ligne {first}"
            ));
        }
        match (number, last_name, first_name, track, route, form) {
            (
                Some(candidate_number),
                Some(last_name),
                Some(first_name),
                Some(track),
                Some(route),
                Some(form),
            ) if reasons.is_empty() => {
                seen.insert(candidate_number.clone(), *row);
                accepted.push((
                    *row,
                    CandidateRegistration {
                        candidate_number,
                        last_name,
                        first_name,
                        track,
                        route,
                        form,
                    },
                ));
            }
            _ => rejected.push(RejectedCandidate { row: *row, reasons }),
        }
    }
    Ok(ImportedCandidates { accepted, rejected })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "N° candidat;Nom;Prénom;Option;Voie de formation;Forme";

    #[test]
    fn a_csv_list_is_read_and_every_bad_row_says_why() {
        let csv = format!(
            "\u{feff}{HEADER}\r\n\
             02123456789;Martin;Léa;SISR;Voie scolaire;CCF\r\n\
             02123456790;\"Le Goff; dit \"\"Yann\"\"\";Yann;slam;apprentissage;ponctuelle\r\n\
             ;;;;;\r\n\
             0212-3;Durand;;SIO;stage;oral\r\n\
             02123456789;Bernard;Paul;SLAM;FPC;Contrôle en cours de formation\r\n"
        );
        let list = import_candidates(csv.as_bytes()).expect("a list");
        assert_eq!(list.accepted.len(), 2);
        let (row, lea) = &list.accepted[0];
        assert_eq!(*row, 2);
        assert_eq!(lea.candidate_number.as_str(), "02123456789");
        assert_eq!(
            (lea.track, lea.route, lea.form),
            (Track::Sisr, Route::School, ExamForm::Continuous)
        );
        let yann = &list.accepted[1].1;
        assert_eq!(yann.last_name, "Le Goff; dit \"Yann\"");
        assert_eq!(
            (yann.track, yann.route, yann.form),
            (Track::Slam, Route::Apprenticeship, ExamForm::OneOff)
        );

        assert_eq!(list.rejected.len(), 2, "{:?}", list.rejected);
        let bad = &list.rejected[0];
        assert_eq!(bad.row, 5);
        assert_eq!(bad.reasons.len(), 5, "{:?}", bad.reasons);
        assert!(bad.reasons[0].contains("lettres et des chiffres"));
        assert!(bad.reasons.iter().any(|r| r == "le prénom est vide"));
        assert!(bad.reasons.iter().any(|r| r.contains("option « SIO »")));
        assert!(
            bad.reasons
                .iter()
                .any(|r| r.contains("voie de formation « stage »"))
        );
        assert!(bad.reasons.iter().any(|r| r.contains("forme « oral »")));
        let dup = &list.rejected[1];
        assert_eq!(
            (dup.row, dup.reasons.clone()),
            (
                6,
                vec!["le numéro de candidat 02123456789 figure déjà à la ligne 2".to_owned()]
            )
        );
    }

    #[test]
    fn windows_1252_comma_separated_with_columns_in_another_order() {
        let mut bytes = b"Titre de la liste\r\nForme,Nom,Pr".to_vec();
        bytes.push(0xE9); // é
        bytes.extend_from_slice(b"nom,Num");
        bytes.push(0xE9);
        bytes.extend_from_slice(b"ro de candidat,Option,Statut\r\nponctuelle,L");
        bytes.push(0xE9);
        bytes.extend_from_slice(b"vy,Zo");
        bytes.push(0xE9);
        bytes.extend_from_slice(b",A12,Option B,formation continue\r\n");
        let list = import_candidates(&bytes).expect("a list");
        assert!(list.rejected.is_empty(), "{:?}", list.rejected);
        let (row, zoe) = &list.accepted[0];
        assert_eq!(*row, 3);
        assert_eq!(
            (zoe.last_name.as_str(), zoe.first_name.as_str()),
            ("Lévy", "Zoé")
        );
        assert_eq!(
            (zoe.track, zoe.route),
            (Track::Slam, Route::ContinuingEducation)
        );
    }

    #[test]
    fn a_list_without_its_columns_is_refused_with_the_columns_expected() {
        let err = import_candidates("Nom;Prénom\nMartin;Léa\n".as_bytes()).expect_err("no columns");
        let text = err.to_string();
        assert!(
            text.contains("N° candidat, Option, Voie de formation, Forme"),
            "{text}"
        );
    }

    #[test]
    fn an_xlsx_list_is_read_back() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let rows = [
            ["Session 2027", "", "", "", "", ""],
            [
                "N° candidat",
                "Nom",
                "Prénom",
                "Option",
                "Voie de formation",
                "Forme",
            ],
            ["02123456789", "Martin", "Léa", "SISR", "Scolaire", "CCF"],
            ["", "Sans", "Numéro", "SLAM", "Scolaire", "CCF"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).expect("write");
                }
            }
        }
        // A number typed as a number, as spreadsheets do with candidate numbers.
        ws.write_number(4, 0, 2123456791.0).expect("write");
        for (c, v) in ["Petit", "Noé", "SLAM", "Apprentissage", "Ponctuelle"]
            .iter()
            .enumerate()
        {
            ws.write_string(4, c as u16 + 1, *v).expect("write");
        }
        let bytes = wb.save_to_buffer().expect("xlsx");
        let list = import_candidates(&bytes).expect("a list");
        let numbers: Vec<(u32, &str)> = list
            .accepted
            .iter()
            .map(|(r, c)| (*r, c.candidate_number.as_str()))
            .collect();
        assert_eq!(numbers, vec![(3, "02123456789"), (5, "2123456791")]);
        assert_eq!(list.rejected.len(), 1);
        assert_eq!(list.rejected[0].row, 4);
        assert!(list.rejected[0].reasons[0].contains("numéro de candidat est vide"));
    }
}
