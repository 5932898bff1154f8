//! From checked bytes to an [`ImportedSynthesis`]: find the sheet and the header row with the
//! Bloc 1 competency labels, read the candidate fields above it and the rows below it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{DataRef, Dimensions, Reader, Xlsx};
use portfolio_domain::dossier::{Setting, short_date};
use portfolio_framework::{Competency, Track};
use time::Date;

use super::period::{EXPECTED, PeriodReading, date_from_serial, read_period};
use super::text::{
    Mark, Section, TitleCell, classify_banner, fold, looks_like_banner_text, mark_of_text,
    option_ticked, quote, split_title_cell, words,
};
use super::{
    ImportError, ImportLimits, ImportedHeader, ImportedRow, ImportedSection, ImportedSynthesis,
    RowProblemKind as K, RowReport,
};
use crate::model;

/// A filled cell.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    /// When the cell is a date for the spreadsheet.
    date: Option<Date>,
}

/// The filled cells of a sheet, by (row, column), 0-based.
struct Grid {
    cells: BTreeMap<(u32, u16), Cell>,
    merges: Vec<Dimensions>,
}

impl Grid {
    fn text(&self, row: u32, col: u16) -> &str {
        self.cells.get(&(row, col)).map_or("", |c| c.text.as_str())
    }

    fn row(&self, row: u32) -> impl Iterator<Item = (u16, &Cell)> {
        self.cells
            .range((row, 0)..=(row, u16::MAX))
            .map(|(&(_, c), cell)| (c, cell))
    }

    fn last_row(&self) -> Option<u32> {
        self.cells.keys().next_back().map(|&(r, _)| r)
    }

    /// The merged region that starts at this cell, if any.
    fn merge_at(&self, row: u32, col: u16) -> Option<&Dimensions> {
        self.merges
            .iter()
            .find(|m| m.start.0 == row && m.start.1 == u32::from(col))
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn cell_of(value: &DataRef<'_>, is_1904: bool) -> Option<Cell> {
    let plain = |text: String| Some(Cell { text, date: None });
    match value {
        DataRef::Empty => None,
        DataRef::String(s) => plain(s.clone()),
        DataRef::SharedString(s) => plain((*s).to_owned()),
        DataRef::Int(i) => plain(i.to_string()),
        DataRef::Float(f) => plain(float_text(*f)),
        DataRef::Bool(b) => plain(if *b { "VRAI" } else { "FAUX" }.to_owned()),
        DataRef::DateTime(dt) => {
            let date = dt
                .is_datetime()
                .then(|| date_from_serial(dt.as_f64(), is_1904))
                .flatten();
            match date {
                Some(d) => Some(Cell {
                    text: short_date(d),
                    date: Some(d),
                }),
                None => plain(float_text(dt.as_f64())),
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => plain(s.clone()),
        DataRef::Error(e) => plain(format!("#{e:?}")),
    }
    .filter(|c| !c.text.trim().is_empty())
}

/// Reads the filled cells of one sheet, within the limits. `cells_read` counts across sheets.
fn read_grid(
    xlsx: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    limits: &ImportLimits,
    cells_read: &mut usize,
) -> Result<Option<Grid>, ImportError> {
    let is_1904 = xlsx.has_1904_epoch();
    let mut cells = BTreeMap::new();
    {
        // A sheet that is not a worksheet (a chart sheet) is skipped, not an error.
        let Ok(mut reader) = xlsx.worksheet_cells_reader(name) else {
            return Ok(None);
        };
        loop {
            let next = reader.next_cell().map_err(|e| {
                ImportError::Corrupt(format!("feuille « {} » : {e}", quote(name, 40)))
            })?;
            let Some(cell) = next else { break };
            *cells_read += 1;
            if *cells_read > limits.max_cells {
                return Err(ImportError::LimitExceeded(format!(
                    "plus de {} cellules",
                    limits.max_cells
                )));
            }
            let Some(value) = cell_of(cell.get_value(), is_1904) else {
                continue;
            };
            let (row, col) = cell.get_position();
            if row >= limits.max_rows {
                return Err(ImportError::LimitExceeded(format!(
                    "la feuille « {} » est remplie jusqu’à la ligne {} (au plus {})",
                    quote(name, 40),
                    u64::from(row) + 1,
                    limits.max_rows
                )));
            }
            let col = match u16::try_from(col) {
                Ok(c) if c < limits.max_columns => c,
                _ => {
                    return Err(ImportError::LimitExceeded(format!(
                        "la feuille « {} » est remplie jusqu’à la colonne {} (au plus {})",
                        quote(name, 40),
                        u64::from(col) + 1,
                        limits.max_columns
                    )));
                }
            };
            cells.insert((row, col), value);
        }
    }
    let merges = match xlsx.worksheet_merge_cells(name) {
        Some(Ok(m)) => m,
        Some(Err(e)) => {
            return Err(ImportError::Corrupt(format!(
                "feuille « {} » : {e}",
                quote(name, 40)
            )));
        }
        None => Vec::new(),
    };
    // Looked up once per row: a sheet with a huge number of them would make that quadratic.
    if merges.len() > limits.max_merged_ranges {
        return Err(ImportError::LimitExceeded(format!(
            "la feuille « {} » a {} plages de cellules fusionnées (au plus {})",
            quote(name, 40),
            merges.len(),
            limits.max_merged_ranges
        )));
    }
    Ok(Some(Grid { cells, merges }))
}

/// Where the columns of the table are.
struct Columns {
    header_row: u32,
    first_data_row: u32,
    title: u16,
    period: Option<u16>,
    /// Column of each competency found, with its code.
    competencies: Vec<(u16, &'static Competency)>,
    missing: Vec<&'static Competency>,
}

/// Finds the row whose cells carry the Bloc 1 competency labels (compared without case,
/// accents or punctuation; a cell may go on after the label, when the skills were typed in
/// the same cell).
fn find_columns(grid: &Grid, bloc: &'static [Competency]) -> Option<Columns> {
    let labels: Vec<String> = bloc.iter().map(|c| words(&c.label)).collect();
    let mut rows: Vec<u32> = grid.cells.keys().map(|&(r, _)| r).collect();
    rows.dedup();
    for row in rows {
        let mut found: Vec<(u16, &'static Competency)> = Vec::new();
        for (col, cell) in grid.row(row) {
            let w = words(&cell.text);
            if let Some(i) = labels
                .iter()
                .position(|l| w == *l || (w.starts_with(l.as_str()) && w.len() > l.len()))
                && !found.iter().any(|(_, c)| c.code == bloc[i].code)
            {
                found.push((col, &bloc[i]));
            }
        }
        // Half the labels make it the header row; the missing ones are reported.
        if found.len() * 2 < bloc.len() || found.is_empty() {
            continue;
        }
        let missing = bloc
            .iter()
            .filter(|c| !found.iter().any(|(_, f)| f.code == c.code))
            .collect();
        let near = |pred: &dyn Fn(&str) -> bool| -> Option<u16> {
            [row, row.saturating_sub(1), row.saturating_add(1)]
                .into_iter()
                .flat_map(|r| grid.row(r))
                .find(|(_, c)| pred(&words(&c.text)))
                .map(|(col, _)| col)
        };
        let title = near(&|w| w.contains("realisations professionnelles"))
            .or_else(|| near(&|w| w.starts_with("realisation") || w.starts_with("intitule")))
            .unwrap_or(0);
        let first_comp = found.iter().map(|(c, _)| *c).min().unwrap_or(0);
        let period = near(&|w| w.starts_with("periode") || w.contains(" periode")).or_else(|| {
            // The national model puts it between the title and the competencies.
            let next = title + 1;
            (next < first_comp).then_some(next)
        });
        let skills_row = row.saturating_add(1);
        let has_skills = found.iter().any(|(col, c)| {
            let w = words(grid.text(skills_row, *col));
            !w.is_empty() && c.skills.iter().any(|s| w.contains(&words(&s.label)))
        });
        return Some(Columns {
            header_row: row,
            first_data_row: row.saturating_add(if has_skills { 2 } else { 1 }),
            title,
            period,
            competencies: found,
            missing,
        });
    }
    None
}

/// Text after a label in the same cell (« NOM et prénom : DUPONT Jean »), up to the next label.
fn value_after(raw: &str, label_end_char: usize, next_label_char: Option<usize>) -> Option<String> {
    let chars: Vec<char> = raw.chars().collect();
    let end = next_label_char.unwrap_or(chars.len()).min(chars.len());
    let start = label_end_char.min(end);
    let rest: String = chars[start..end].iter().collect();
    // « Nom et prénom du candidat : X »: a few more words of label before the colon. The colon
    // of « https:// » is not one.
    let rest = match rest.find([':', '：']) {
        Some(i) => {
            let (before, after) = rest.split_at(i);
            let after = after.trim_start_matches([':', '：']);
            let short = before.split_whitespace().count() <= 4 && before.chars().count() <= 40;
            if short && !after.starts_with("//") {
                after
            } else {
                rest.as_str()
            }
        }
        None => rest.as_str(),
    };
    let value = rest
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–'))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!value.is_empty()).then_some(value)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Number,
    School,
    Url,
    Session,
}

/// Labels of the candidate fields, folded, most specific first.
const FIELD_LABELS: &[(Field, &str)] = &[
    (Field::Name, "nom et prenom"),
    (Field::Name, "nom, prenom"),
    (Field::Name, "nom / prenom"),
    (Field::Name, "nom prenom"),
    (Field::Name, "prenom et nom"),
    (Field::Name, "prenom nom"),
    (Field::Name, "nom"),
    (Field::Number, "n° candidat"),
    (Field::Number, "n° de candidat"),
    (Field::Number, "no candidat"),
    (Field::Number, "n°candidat"),
    (Field::Number, "numero de candidat"),
    (Field::Number, "numero candidat"),
    (Field::School, "centre de formation"),
    (Field::School, "etablissement"),
    (Field::Url, "adresse url du portfolio"),
    (Field::Url, "url du portfolio"),
    (Field::Url, "adresse du portfolio"),
    (Field::Url, "lien du portfolio"),
    (Field::Url, "lien vers le portfolio"),
    (Field::Session, "session"),
];

/// Longest text searched for labels: the candidate fields are short.
const MAX_LABEL_CELL_CHARS: usize = 1_000;
/// Rows above the header row searched for the candidate fields (the model has five).
const HEADER_ROWS_SEARCHED: u32 = 10;

/// The labels found in a cell: (field, first char, char after the label), by position.
fn labels_in(raw: &str) -> Vec<(Field, usize, usize)> {
    // One folded char per raw char, so that positions found here are positions in `raw`.
    let chars: Vec<char> = raw
        .chars()
        .take(MAX_LABEL_CELL_CHARS)
        .map(|c| {
            if c.is_whitespace() {
                ' '
            } else {
                fold(c.encode_utf8(&mut [0; 4])).chars().next().unwrap_or(c)
            }
        })
        .collect();
    let mut found: Vec<(Field, usize, usize)> = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        // A label starts a cell or follows a space or a separator, never inside a word or a
        // link (« https://exemple.fr/session »).
        let boundary = start == 0 || matches!(chars[start - 1], ' ' | '(' | ':' | ';' | ',' | '|');
        let mut matched = None;
        if boundary {
            for &(field, label) in FIELD_LABELS {
                let mut i = start;
                let mut ok = true;
                for w in label.chars() {
                    if w == ' ' {
                        if i >= chars.len() || chars[i] != ' ' {
                            ok = false;
                            break;
                        }
                        while i < chars.len() && chars[i] == ' ' {
                            i += 1;
                        }
                    } else if i < chars.len() && chars[i] == w {
                        i += 1;
                    } else {
                        ok = false;
                        break;
                    }
                }
                // Past the start of the cell, a label is followed by a colon: otherwise it is
                // a word of a value (« Centre de formation : Centre de formation de Rennes »).
                let mut k = i;
                while k < chars.len() && chars[k] == ' ' {
                    k += 1;
                }
                let colon = k < chars.len() && matches!(chars[k], ':' | '：');
                let repeated = found.iter().any(|&(f, _, _)| f == field);
                // A whole word: « session » is not the start of « sessions ».
                let word_end = i >= chars.len() || !chars[i].is_alphanumeric();
                if ok && word_end && (start == 0 || colon) && !repeated {
                    matched = Some((field, start, i));
                    break;
                }
            }
        }
        match matched {
            Some(m) => {
                found.push(m);
                start = m.2;
            }
            None => start += 1,
        }
    }
    found
}

fn read_header(grid: &Grid, header_row: u32, notes: &mut Vec<String>) -> ImportedHeader {
    let mut h = ImportedHeader::default();
    let mut options: Vec<(Track, Option<bool>)> = Vec::new();
    let first = header_row.saturating_sub(HEADER_ROWS_SEARCHED);
    for ((row, col), cell) in grid.cells.range((first, 0)..(header_row, 0)) {
        let raw = cell.text.as_str();
        let labels = labels_in(raw);
        for (i, &(field, _, end)) in labels.iter().enumerate() {
            let next = labels.get(i + 1).map(|l| l.1);
            let mut value = value_after(raw, end, next);
            if value.is_none() && next.is_none() && field != Field::Session {
                // The value typed in the next cell of the row rather than after the label.
                value = grid
                    .row(*row)
                    .find(|(c, _)| *c > *col)
                    .filter(|(c, other)| {
                        !covered_by_merge(grid, *row, *col, *c) && !looks_like_label(&other.text)
                    })
                    .and_then(|(_, other)| value_after(&other.text, 0, None));
            }
            match field {
                Field::Name => h.candidate_name = h.candidate_name.take().or(value),
                Field::Number => h.candidate_number = h.candidate_number.take().or(value),
                Field::School => h.school_name = h.school_name.take().or(value),
                Field::Url => h.portfolio_url = h.portfolio_url.take().or(value),
                Field::Session => {
                    if h.session_year.is_none() {
                        h.session_year = value.as_deref().and_then(session_year);
                    }
                }
            }
        }
        options.extend(option_marks(raw));
    }
    for track in Track::ALL {
        if options
            .iter()
            .any(|&(t, mark)| t == track && mark == Some(true))
        {
            h.tracks_ticked.push(track);
        }
    }
    // « Option : SISR » with no box at all: the only option written is the one chosen.
    let unboxed: Vec<Track> = options
        .iter()
        .filter(|(_, mark)| mark.is_none())
        .map(|(t, _)| *t)
        .collect();
    let only_unboxed = (options.len() == unboxed.len())
        .then(|| unboxed.first().copied())
        .flatten()
        .filter(|first| unboxed.iter().all(|t| t == first));
    match (h.tracks_ticked.as_slice(), only_unboxed) {
        ([one], _) => h.track = Some(*one),
        ([], Some(t)) => {
            h.track = Some(t);
            notes.push(format!(
                "option lue sans case : « {} » est la seule option écrite",
                t.code()
            ));
        }
        ([], None) if options.is_empty() => {
            notes.push("cases d’option (SISR / SLAM) introuvables".into())
        }
        ([], None) => notes.push("aucune option cochée (SISR / SLAM)".into()),
        _ => notes.push("les deux options SISR et SLAM sont cochées".into()),
    }
    h
}

/// A cell that is itself a label (« Option : », « N° candidat : ») or an option box, not a
/// value.
fn looks_like_label(text: &str) -> bool {
    let f = fold(text);
    !labels_in(text).is_empty()
        || f.ends_with(':')
        || f.starts_with("option")
        || f.contains("sisr")
        || f.contains("slam")
}

/// Whether column `other` of `row` lies inside the merged region that starts at `col`: a value
/// there would be hidden by the merge, so it is not the label's value.
fn covered_by_merge(grid: &Grid, row: u32, col: u16, other: u16) -> bool {
    grid.merge_at(row, col)
        .is_some_and(|m| u32::from(other) <= m.end.1 && row <= m.end.0)
}

fn session_year(value: &str) -> Option<i32> {
    let digits: String = value
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    let y: i32 = digits.parse().ok()?;
    (digits.len() == 4 && (1990..=2100).contains(&y)).then_some(y)
}

/// Option boxes in a cell: « ☒ SISR », « SLAM ☐ », « X SISR ». The mark is `None` when the
/// code has no box next to it.
fn option_marks(raw: &str) -> Vec<(Track, Option<bool>)> {
    let tokens: Vec<String> = raw
        .split(|c: char| c.is_whitespace() || c == ':')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let code_of = |t: &str| -> Option<(Track, String)> {
        let upper = t.to_uppercase();
        for track in Track::ALL {
            if let Some(pos) = upper.find(track.code()) {
                // The mark glued to the code: « ☒SISR » or « SISR☒ ».
                let glued: String = upper[..pos]
                    .chars()
                    .chain(upper[pos + track.code().len()..].chars())
                    .filter(|c| !matches!(c, '(' | ')' | '.' | ',' | ';' | '[' | ']'))
                    .collect();
                // « https://sisr.exemple.fr » or « SISR2 » are not option boxes.
                if glued.is_empty() || option_ticked(&glued).is_some() {
                    return Some((track, glued));
                }
            }
        }
        None
    };
    let mut out = Vec::new();
    let codes: Vec<(usize, Track, String)> = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| code_of(t).map(|(track, glued)| (i, track, glued)))
        .collect();
    // Marks are written before the codes unless the first code has none before it.
    let before = codes.first().is_some_and(|&(i, _, ref glued)| {
        !glued.is_empty() || (i > 0 && option_ticked(&tokens[i - 1]).is_some())
    });
    for (i, track, glued) in &codes {
        let mark = if !glued.is_empty() {
            option_ticked(glued)
        } else if before {
            i.checked_sub(1)
                .and_then(|p| tokens.get(p))
                .and_then(|t| option_ticked(t))
        } else {
            tokens.get(i + 1).and_then(|t| option_ticked(t))
        };
        out.push((*track, mark));
    }
    out
}

fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, ImportError> {
    Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => ImportError::Encrypted,
        other => ImportError::Corrupt(other.to_string()),
    })
}

/// The filled rows of the first worksheet as text, each with its number as the spreadsheet
/// shows it (1-based); a row's cells are placed by column, empty cells as empty strings.
pub fn first_sheet_rows(
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<Vec<(u32, Vec<String>)>, ImportError> {
    let mut xlsx = open(bytes)?;
    let mut cells_read = 0usize;
    for name in xlsx.sheet_names() {
        let Some(grid) = read_grid(&mut xlsx, &name, limits, &mut cells_read)? else {
            continue;
        };
        let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
        for (&(row, col), cell) in &grid.cells {
            if rows.last().is_none_or(|(r, _)| *r != row + 1) {
                rows.push((row + 1, Vec::new()));
            }
            if let Some((_, cells)) = rows.last_mut() {
                cells.resize(usize::from(col), String::new());
                cells.push(cell.text.clone());
            }
        }
        return Ok(rows);
    }
    Ok(Vec::new())
}

/// Reads the checked workbook.
pub fn read(bytes: &[u8], limits: &ImportLimits) -> Result<ImportedSynthesis, ImportError> {
    let mut xlsx = open(bytes)?;
    let names = xlsx.sheet_names();
    if names.len() > limits.max_sheets {
        return Err(ImportError::LimitExceeded(format!(
            "{} feuilles (au plus {})",
            names.len(),
            limits.max_sheets
        )));
    }
    let bloc = model::bloc1().ok_or_else(|| {
        ImportError::NotASynthesisTable("le référentiel du bloc 1 est introuvable".into())
    })?;
    // The national sheet first, then the others in their order.
    let mut order: Vec<&String> = names.iter().collect();
    order.sort_by_key(|n| {
        let f = fold(n);
        !(f.contains("synthese") || f.contains("e4"))
    });
    let mut cells_read = 0usize;
    for name in order {
        let Some(grid) = read_grid(&mut xlsx, name, limits, &mut cells_read)? else {
            continue;
        };
        if let Some(columns) = find_columns(&grid, &bloc.competencies) {
            return Ok(read_table(name, &grid, &columns));
        }
    }
    let labels: Vec<String> = bloc
        .competencies
        .iter()
        .take(2)
        .map(|c| format!("« {} »", c.label))
        .collect();
    Err(ImportError::NotASynthesisTable(format!(
        "aucune feuille n’a la ligne d’en-tête du modèle national avec les compétences du bloc 1 \
         ({}…)",
        labels.join(", ")
    )))
}

fn section_name(section: Section, text: &str) -> String {
    match section {
        Section::Known(s) => s.banner().to_owned(),
        _ => quote(text, 80),
    }
}

fn read_table(sheet_name: &str, grid: &Grid, cols: &Columns) -> ImportedSynthesis {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    let header = read_header(grid, cols.header_row, &mut notes);
    for c in &cols.missing {
        problems.push(format!(
            "colonne de la compétence « {} » ({}) introuvable dans la ligne d’en-tête",
            c.label, c.code
        ));
    }
    if cols.period.is_none() {
        problems.push("colonne « Période » introuvable dans la ligne d’en-tête".into());
    }

    let mut sections = Vec::new();
    let mut rows = Vec::new();
    let mut current: Option<(Section, String)> = None;
    let last_row = grid.last_row().unwrap_or(0);
    let comp_cols: Vec<u16> = cols.competencies.iter().map(|(c, _)| *c).collect();
    // The header's texts, to recognise it when it is repeated lower (copied for a second page).
    let header_words: Vec<(u16, String, Vec<String>)> = cols
        .competencies
        .iter()
        .map(|(col, c)| {
            let skills = c.skills.iter().map(|s| words(&s.label)).collect();
            (*col, words(&c.label), skills)
        })
        .collect();
    for r in cols.first_data_row..=last_row {
        if grid.row(r).next().is_none() {
            continue;
        }
        let header_like = header_words
            .iter()
            .filter(|(col, label, skills)| {
                let w = words(grid.text(r, *col));
                !w.is_empty()
                    && (w.starts_with(label.as_str()) || skills.iter().any(|k| w.contains(k)))
            })
            .count();
        if header_like > 0 && header_like * 2 >= header_words.len() {
            notes.push(format!(
                "ligne {} : en-tête du tableau répété, ignoré",
                r.saturating_add(1)
            ));
            continue;
        }
        let title_text = grid.text(r, cols.title);
        let period_text = cols.period.map_or("", |p| grid.text(r, p));
        let marks: Vec<Mark> = comp_cols
            .iter()
            .map(|&c| mark_of_text(grid.text(r, c)))
            .collect();
        let others: Vec<(u16, &Cell)> = grid
            .row(r)
            .filter(|(c, _)| *c != cols.title && Some(*c) != cols.period && !comp_cols.contains(c))
            .collect();

        let only_title = !title_text.trim().is_empty()
            && period_text.trim().is_empty()
            && marks.iter().all(|m| *m == Mark::Empty)
            && grid.row(r).count() == 1;
        let wide = grid
            .merge_at(r, cols.title)
            .is_some_and(|m| m.end.1 >= m.start.1.saturating_add(2) && m.end.0 == m.start.0);
        let section = classify_banner(title_text);
        let is_banner = only_title
            && (wide || (looks_like_banner_text(title_text) && section != Section::Unknown));
        if is_banner {
            let text = title_text.split_whitespace().collect::<Vec<_>>().join(" ");
            let setting = match section {
                Section::Known(s) => Some(s),
                _ => None,
            };
            let line = r.saturating_add(1);
            match section {
                Section::Known(s) if fold(&text) != fold(s.banner()) => notes.push(format!(
                    "ligne {line} : bandeau « {} » lu comme « {} »",
                    quote(&text, 80),
                    s.banner()
                )),
                Section::Known(_) => {}
                Section::WorkplaceUnknownYear => notes.push(format!(
                    "ligne {line} : bandeau « {} » : milieu professionnel, mais l’année (première \
                     ou seconde) n’est pas précisée",
                    quote(&text, 80)
                )),
                Section::Unknown => notes.push(format!(
                    "ligne {line} : bandeau « {} » hors des trois sections du modèle national",
                    quote(&text, 80)
                )),
            }
            sections.push(ImportedSection {
                row: line,
                text: text.clone(),
                setting,
            });
            current = Some((section, text));
            continue;
        }

        rows.push(read_row(r, grid, cols, &current, &marks, &others));
    }
    if rows.is_empty() {
        problems.push("aucune réalisation trouvée sous la ligne d’en-tête".into());
    }
    ImportedSynthesis {
        sheet_name: sheet_name.to_owned(),
        header,
        sections,
        rows,
        notes,
        problems,
    }
}

fn read_row(
    r: u32,
    grid: &Grid,
    cols: &Columns,
    current: &Option<(Section, String)>,
    marks: &[Mark],
    others: &[(u16, &Cell)],
) -> ImportedRow {
    let mut report = RowReport::default();
    let report = &mut report;
    // Section.
    let setting = match current {
        Some((Section::Known(s), _)) => {
            report.read.push(format!("section : {}", s.banner()));
            Some(*s)
        }
        Some((section, text)) => {
            let why = match section {
                Section::WorkplaceUnknownYear => {
                    "ne dit pas s’il s’agit de la première ou de la seconde année"
                }
                _ => {
                    "n’est pas une des trois sections du modèle national (en formation, en milieu \
                     professionnel en première ou en seconde année)"
                }
            };
            report.problem(
                K::UnknownSetting,
                format!(
                    "section inconnue : le bandeau « {} » {why}",
                    section_name(*section, text)
                ),
            );
            None
        }
        None => {
            report.problem(
                K::UnknownSetting,
                format!(
                    "section inconnue : aucun bandeau (« {} », « {} », « {} ») au-dessus de la \
                     ligne",
                    Setting::Training.banner(),
                    Setting::WorkplaceFirstYear.banner(),
                    Setting::WorkplaceSecondYear.banner()
                ),
            );
            None
        }
    };

    // Title and productions.
    let TitleCell {
        title,
        artifacts,
        joined,
    } = split_title_cell(grid.text(r, cols.title));
    match &title {
        Some(t) => report
            .read
            .push(format!("intitulé : « {} »", quote(t, 120))),
        None => report.problem(K::MissingTitle, "intitulé manquant"),
    }
    for j in &joined {
        report.problem(
            K::TitleOnSeveralLines,
            format!(
                "la ligne « {} » de la colonne A continue l’intitulé : elle y a été rattachée",
                quote(j, 80)
            ),
        );
    }
    if !artifacts.is_empty() {
        let list: Vec<String> = artifacts
            .iter()
            .map(|a| format!("« {} »", quote(a, 80)))
            .collect();
        report
            .read
            .push(format!("productions : {}", list.join(", ")));
    }

    // Period.
    let cell = cols.period.and_then(|p| grid.cells.get(&(r, p)));
    let period_text = cell.map_or(String::new(), |c| c.text.clone());
    let mut period = None;
    let mut approximate = false;
    let reading = match cell.and_then(|c| c.date) {
        Some(d) => match portfolio_domain::dossier::Period::new(d, d) {
            Ok(p) => PeriodReading::Exact {
                period: p,
                note: Some("une seule date (cellule au format date) : période d’un jour".into()),
            },
            Err(_) => PeriodReading::Unreadable("date invalide".into()),
        },
        None => read_period(&period_text),
    };
    match reading {
        PeriodReading::Exact { period: p, note } => {
            report.read.push(format!("période : {}", p.short()));
            if let Some(n) = note {
                report.problem(
                    K::SingleDatePeriod,
                    format!("période « {} » : {n}", quote(&period_text, 60)),
                );
            }
            period = Some(p);
        }
        PeriodReading::Approximate { period: p, how } => {
            report
                .read
                .push(format!("période : {} (approximative)", p.short()));
            report.problem(
                K::ApproximatePeriod,
                format!(
                    "période approximative « {} » : {how} ; à préciser au format JJ/MM/AA au \
                     JJ/MM/AA",
                    quote(&period_text, 60)
                ),
            );
            period = Some(p);
            approximate = true;
        }
        PeriodReading::Unreadable(_) if period_text.trim().is_empty() => {
            report.problem(K::MissingPeriod, format!("période manquante : {EXPECTED}"));
        }
        PeriodReading::Unreadable(why) => {
            report.problem(
                K::UnreadablePeriod,
                format!(
                    "période illisible « {} » : {EXPECTED} ({why})",
                    quote(&period_text, 60)
                ),
            );
        }
    }

    // Competencies.
    let mut competencies = BTreeSet::new();
    for ((col, c), mark) in cols.competencies.iter().zip(marks) {
        match mark {
            Mark::Ticked => {
                competencies.insert(c.code.clone());
            }
            Mark::Empty => {}
            Mark::Unknown => report.problem(
                K::UnrecognisedMark,
                format!(
                    "case {} (« {} ») : « {} » n’est pas reconnu comme une coche (X attendu), \
                     compétence non retenue",
                    c.code,
                    c.label,
                    quote(grid.text(r, *col), 40)
                ),
            ),
        }
    }
    if competencies.is_empty() {
        report.problem(K::NoCompetency, "aucune compétence cochée");
    } else {
        let list: Vec<&str> = competencies.iter().map(String::as_str).collect();
        report
            .read
            .push(format!("compétences cochées : {}", list.join(", ")));
    }

    for (col, cell) in others {
        report.problem(
            K::IgnoredCell,
            format!(
                "contenu hors des colonnes du tableau ignoré en {}{} : « {} »",
                column_name(*col),
                r.saturating_add(1),
                quote(&cell.text, 60)
            ),
        );
    }

    ImportedRow {
        row: r.saturating_add(1),
        setting,
        title,
        artifacts,
        period,
        period_text,
        period_approximate: approximate,
        competencies,
        report: std::mem::take(report),
    }
}

/// « A », « B », … « AD ».
fn column_name(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_values_in_one_cell() {
        let raw = "NOM et prénom :  MARTIN Camille";
        let l = labels_in(raw);
        assert_eq!(l.len(), 1);
        assert_eq!(
            value_after(raw, l[0].2, None).as_deref(),
            Some("MARTIN Camille")
        );

        let raw = "Nom, prénom : DUPONT Jean N° candidat : 0123";
        let l = labels_in(raw);
        assert_eq!(l.len(), 2);
        assert_eq!(
            value_after(raw, l[0].2, Some(l[1].1)).as_deref(),
            Some("DUPONT Jean")
        );
        assert_eq!(value_after(raw, l[1].2, None).as_deref(), Some("0123"));

        let raw = "N° candidat : ";
        let l = labels_in(raw);
        assert_eq!(value_after(raw, l[0].2, None), None);

        let raw = "Nom et prénom du candidat : MARTIN Léa";
        let l = labels_in(raw);
        assert_eq!(
            value_after(raw, l[0].2, None).as_deref(),
            Some("MARTIN Léa")
        );
        let raw = "Nom : MARTIN Léa";
        let l = labels_in(raw);
        assert_eq!(
            value_after(raw, l[0].2, None).as_deref(),
            Some("MARTIN Léa")
        );
        assert!(labels_in("Nombre de réalisations").is_empty());
        assert!(labels_in("Sessions").is_empty());
        let raw = "Adresse URL du portfolio https://exemple.fr";
        let l = labels_in(raw);
        assert_eq!(
            value_after(raw, l[0].2, None).as_deref(),
            Some("https://exemple.fr")
        );

        let raw = "Centre de formation : Centre de formation de la Session";
        let l = labels_in(raw);
        assert_eq!(l.len(), 1);
        assert_eq!(
            value_after(raw, l[0].2, None).as_deref(),
            Some("Centre de formation de la Session")
        );

        let raw = "Adresse URL du portfolio : https://exemple.fr/session-2023";
        let l = labels_in(raw);
        assert_eq!(l.len(), 1);
    }

    #[test]
    fn option_boxes() {
        use Track::{Sisr, Slam};
        assert_eq!(option_marks("☑ SISR"), [(Sisr, Some(true))]);
        assert_eq!(option_marks("▢ SLAM"), [(Slam, Some(false))]);
        assert_eq!(option_marks("☒ SISR"), [(Sisr, Some(true))]);
        assert_eq!(option_marks("☐ SLAM"), [(Slam, Some(false))]);
        assert_eq!(option_marks("X SLAM"), [(Slam, Some(true))]);
        assert_eq!(option_marks("☒SLAM"), [(Slam, Some(true))]);
        assert_eq!(option_marks("SLAM"), [(Slam, None)]);
        assert_eq!(option_marks("(SLAM)"), [(Slam, None)]);
        assert!(option_marks("https://sisr.exemple.fr").is_empty());
        assert_eq!(
            option_marks("Option : ☐ SISR ☒ SLAM"),
            [(Sisr, Some(false)), (Slam, Some(true))]
        );
        assert_eq!(
            option_marks("SISR ☒ SLAM ☐"),
            [(Sisr, Some(true)), (Slam, Some(false))]
        );
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(7), "H");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(29), "AD");
    }
}
