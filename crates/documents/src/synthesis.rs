//! The national tableau de synthèse (annexe 6-1) rebuilt in code. rust_xlsxwriter cannot fill a
//! template, so the grid, the texts, the fonts and the borders of the national model are
//! reproduced here as the filled national tables show them.

use portfolio_domain::dossier::{Setting, SynthesisRow, SynthesisTable};
use portfolio_framework::{Competency, Track};
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, FormatDiagonalBorder, Url, Workbook,
    Worksheet, XlsxError,
};

use crate::model::{self, cols, rows};

/// Why a tableau de synthèse could not be written. The messages are shown to the person who
/// asked for the file.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("le référentiel ne contient pas le bloc de compétences « {0} »")]
    MissingBlock(&'static str),
    #[error(
        "compétence « {code} » inconnue dans la réalisation « {title} » : le tableau de synthèse \
         ne montre que les compétences du bloc 1 (B1.1 à B1.6)"
    )]
    UnknownCompetency { code: String, title: String },
    #[error(
        "texte trop long pour une cellule de tableur ({what}) : {len} caractères, {max} au plus"
    )]
    TextTooLong {
        what: String,
        len: usize,
        max: usize,
    },
    #[error("le classeur n’a pas pu être écrit : {0}")]
    Xlsx(String),
}

impl From<XlsxError> for DocumentError {
    fn from(e: XlsxError) -> Self {
        DocumentError::Xlsx(e.to_string())
    }
}

/// Excel refuses cell texts over 32,767 characters; a few are kept for the label before a value
/// and the bullets before the productions.
const MAX_TEXT_CHARS: usize = 32_767 - 64;
/// Excel refuses longer hyperlinks; a longer URL is written as plain text.
const MAX_URL_CHARS: usize = 2_000;
/// The borders of the national model are a very dark olive, not black.
const BORDER_COLOR: u32 = 0x49_44_29;
const FONT: &str = "Arial";

// Column widths (in pixels, as the model stores them) and row heights (in points) of the
// national model.
const WIDTH_TITLE: u32 = 492;
const WIDTH_PERIOD: u32 = 75;
const WIDTH_COMPETENCY: u32 = 131;
const HEIGHT_IDENTITY: f64 = 39.75;
const HEIGHT_TITLE: f64 = 40.5;
const HEIGHT_HEADER: f64 = 90.0;
const HEIGHT_SKILLS: f64 = 324.75;
const HEIGHT_BANNER: f64 = 18.75;
const HEIGHT_ROW_MIN: f64 = 39.75;
const HEIGHT_ROW_MAX: f64 = 409.0;
/// Points per line of an 11 pt cell, and characters of 11 pt bold Arial that fit on one line
/// of column A: used to size the rows so that wrapped text is not cut when printed.
const LINE_HEIGHT: f64 = 14.5;
const CHARS_PER_LINE: usize = 58;

/// Writes the tableau de synthèse of `table` as an .xlsx file.
pub fn synthesis_xlsx(table: &SynthesisTable) -> Result<Vec<u8>, DocumentError> {
    let block = model::bloc1().ok_or(DocumentError::MissingBlock(model::BLOCK_CODE))?;
    let competencies: Vec<&Competency> = block.competencies.iter().collect();
    if competencies.len() != usize::from(cols::LAST - cols::FIRST_COMPETENCY + 1) {
        // The grid has room for exactly six competencies: another référentiel needs another
        // model, not a silently truncated one.
        return Err(DocumentError::MissingBlock(model::BLOCK_CODE));
    }
    check_rows(table)?;

    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(model::TABLE_TITLE));
    let sheet = workbook.add_worksheet();
    sheet.set_name(model::SHEET_NAME)?;

    write_identity(sheet, table, &formats)?;
    write_header(sheet, &competencies, &formats)?;
    let last_row = write_sections(sheet, table, &competencies, &formats)?;
    page_setup(sheet, last_row)?;

    Ok(workbook.save_to_buffer()?)
}

/// Refuses what the grid cannot show rather than dropping it.
fn check_rows(table: &SynthesisTable) -> Result<(), DocumentError> {
    let check_len = |what: String, text: &str| {
        let len = text.chars().count();
        if len > MAX_TEXT_CHARS {
            Err(DocumentError::TextTooLong {
                what,
                len,
                max: MAX_TEXT_CHARS,
            })
        } else {
            Ok(())
        }
    };
    check_len("NOM et prénom".into(), &table.candidate_name)?;
    check_len("Centre de formation".into(), &table.school_name)?;
    if let Some(n) = &table.candidate_number {
        check_len("N° candidat".into(), n)?;
    }
    if let Some(u) = &table.portfolio_url {
        check_len("Adresse URL du portfolio".into(), u)?;
    }
    let allowed: Vec<&str> = model::bloc1()
        .map(|b| b.competencies.iter().map(|c| c.code.as_str()).collect())
        .unwrap_or_default();
    for row in &table.rows {
        if let Some(code) = row
            .competencies
            .iter()
            .find(|c| !allowed.contains(&c.as_str()))
        {
            return Err(DocumentError::UnknownCompetency {
                code: code.clone(),
                title: row.title.clone(),
            });
        }
        check_len(
            format!("réalisation « {} »", short(&row.title)),
            &title_cell_text(row),
        )?;
    }
    Ok(())
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// One line of text: a title or an artifact name must not break the "title, then one artifact a
/// line" layout of column A.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn artifact_lines(row: &SynthesisRow) -> impl Iterator<Item = String> + '_ {
    row.artifacts
        .iter()
        .map(|a| one_line(a))
        .filter(|a| !a.is_empty())
}

/// Column A of a réalisation: its title, then its productions, one a line.
fn title_cell_text(row: &SynthesisRow) -> String {
    let mut s = one_line(&row.title);
    for a in artifact_lines(row) {
        s.push('\n');
        s.push_str(model::ARTIFACT_BULLET);
        s.push_str(&a);
    }
    s
}

struct Formats {
    big_title: Format,
    name: Format,
    number: Format,
    school: Format,
    option_label: Format,
    option_sisr: Format,
    option_slam: Format,
    url: Format,
    corner: Format,
    period_header: Format,
    competency: Format,
    competency_last: Format,
    skills: Format,
    skills_last: Format,
    banner: Format,
    title: [Format; 2],
    title_run: Format,
    artifact_run: Format,
    period: [Format; 2],
    tick: [Format; 2],
    tick_last: [Format; 2],
}

/// A side of a cell's border.
#[derive(Clone, Copy)]
enum B {
    No,
    Thin,
    Medium,
}

impl From<B> for FormatBorder {
    fn from(b: B) -> Self {
        match b {
            B::No => FormatBorder::None,
            B::Thin => FormatBorder::Thin,
            B::Medium => FormatBorder::Medium,
        }
    }
}

fn font(size: f64, bold: bool) -> Format {
    let f = Format::new()
        .set_font_name(FONT)
        .set_font_size(size)
        .set_font_color(Color::Black)
        .set_align(FormatAlign::VerticalCenter);
    if bold { f.set_bold() } else { f }
}

/// Borders in CSS order: top, right, bottom, left.
fn borders(f: Format, top: B, right: B, bottom: B, left: B) -> Format {
    f.set_border_top(top.into())
        .set_border_right(right.into())
        .set_border_bottom(bottom.into())
        .set_border_left(left.into())
        .set_border_color(Color::RGB(BORDER_COLOR))
}

impl Formats {
    fn new() -> Self {
        use B::{Medium as M, No as N, Thin as T};
        let centred = |f: Format| f.set_align(FormatAlign::Center).set_text_wrap();
        let identity = font(18.0, true).set_align(FormatAlign::Left);
        // The last data row closes the table with a medium bottom border.
        let bottom = |last: bool| if last { M } else { T };
        let title = |last: bool| {
            borders(font(11.0, true).set_text_wrap(), T, T, bottom(last), M)
                .set_align(FormatAlign::Left)
        };
        let period = |last: bool| borders(centred(font(11.0, true)), T, T, bottom(last), T);
        let tick = |last: bool| borders(centred(font(11.0, true)), T, T, bottom(last), T);
        let tick_last = |last: bool| borders(centred(font(11.0, true)), T, M, bottom(last), T);
        Formats {
            big_title: font(20.0, true).set_align(FormatAlign::Center),
            name: borders(identity.clone(), M, T, T, M),
            number: borders(identity.clone(), M, M, T, T),
            school: borders(identity.clone(), T, T, T, M),
            option_label: borders(identity.clone(), T, N, T, T),
            option_sisr: borders(identity.clone().set_align(FormatAlign::Center), T, N, T, N),
            option_slam: borders(identity.clone().set_align(FormatAlign::Center), T, M, T, N),
            url: borders(identity, T, M, M, M),
            corner: borders(centred(font(12.0, true).set_italic()), M, T, M, M)
                .set_border_diagonal(FormatBorder::Thin)
                .set_border_diagonal_type(FormatDiagonalBorder::BorderDown)
                .set_border_diagonal_color(Color::RGB(BORDER_COLOR)),
            period_header: borders(centred(font(12.0, true)).set_rotation(90), M, T, M, T),
            competency: borders(centred(font(12.0, true)), M, T, T, T),
            competency_last: borders(centred(font(12.0, true)), M, M, T, T),
            skills: borders(centred(font(10.0, false)).set_rotation(90), T, T, M, T),
            skills_last: borders(centred(font(10.0, false)).set_rotation(90), T, M, M, T),
            banner: borders(centred(font(14.0, true)), M, M, T, M),
            title: [title(false), title(true)],
            title_run: Format::new()
                .set_font_name(FONT)
                .set_font_size(11.0)
                .set_bold(),
            artifact_run: Format::new().set_font_name(FONT).set_font_size(10.0),
            period: [period(false), period(true)],
            tick: [tick(false), tick(true)],
            tick_last: [tick_last(false), tick_last(true)],
        }
    }
}

fn option_text(track: Track, chosen: Track) -> String {
    let mark = if track == chosen {
        model::BOX_TICKED
    } else {
        model::BOX_EMPTY
    };
    format!("{mark} {}", track.code())
}

/// Rows 1 to 5: the diploma, the session and who the candidate is.
fn write_identity(
    sheet: &mut Worksheet,
    table: &SynthesisTable,
    f: &Formats,
) -> Result<(), DocumentError> {
    let last = cols::LAST;
    sheet.merge_range(
        rows::DIPLOMA,
        0,
        rows::DIPLOMA,
        5,
        model::DIPLOMA_TITLE,
        &f.big_title,
    )?;
    sheet.merge_range(
        rows::DIPLOMA,
        6,
        rows::DIPLOMA,
        last,
        &format!("{} {}", model::SESSION_LABEL, table.session_year),
        &f.big_title,
    )?;
    sheet.merge_range(
        rows::TITLE,
        0,
        rows::TITLE,
        last,
        model::TABLE_TITLE,
        &f.big_title,
    )?;
    let name = format!("{} {}", model::NAME_LABEL, one_line(&table.candidate_name));
    sheet.merge_range(
        rows::CANDIDATE,
        0,
        rows::CANDIDATE,
        4,
        name.trim_end(),
        &f.name,
    )?;
    let number = format!(
        "{} {}",
        model::NUMBER_LABEL,
        one_line(table.candidate_number.as_deref().unwrap_or(""))
    );
    sheet.merge_range(
        rows::CANDIDATE,
        5,
        rows::CANDIDATE,
        last,
        number.trim_end(),
        &f.number,
    )?;
    let school = format!("{} {}", model::SCHOOL_LABEL, one_line(&table.school_name));
    sheet.merge_range(
        rows::SCHOOL,
        0,
        rows::SCHOOL,
        4,
        school.trim_end(),
        &f.school,
    )?;
    sheet.write_string_with_format(rows::SCHOOL, 5, model::OPTION_LABEL, &f.option_label)?;
    sheet.write_string_with_format(
        rows::SCHOOL,
        6,
        option_text(Track::Sisr, table.track),
        &f.option_sisr,
    )?;
    sheet.write_string_with_format(
        rows::SCHOOL,
        7,
        option_text(Track::Slam, table.track),
        &f.option_slam,
    )?;

    let url = one_line(table.portfolio_url.as_deref().unwrap_or(""));
    let url = url.as_str();
    let url_text = format!("{} {url}", model::URL_LABEL);
    sheet.merge_range(rows::URL, 0, rows::URL, last, url_text.trim_end(), &f.url)?;
    // A clickable link helps the commission open the portfolio; a text that Excel would not
    // take as a link stays plain text.
    let linkable = (url.starts_with("https://") || url.starts_with("http://"))
        && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(char::is_whitespace);
    if linkable {
        let link = Url::new(url).set_text(url_text.trim_end());
        if sheet
            .write_url_with_format(rows::URL, 0, link, &f.url)
            .is_err()
        {
            sheet.write_string_with_format(rows::URL, 0, url_text.trim_end(), &f.url)?;
        }
    }

    for (row, height) in [
        (rows::DIPLOMA, HEIGHT_IDENTITY),
        (rows::TITLE, HEIGHT_TITLE),
        (rows::CANDIDATE, HEIGHT_IDENTITY),
        (rows::SCHOOL, HEIGHT_IDENTITY),
        (rows::URL, HEIGHT_IDENTITY),
    ] {
        sheet.set_row_height(row, height)?;
    }
    Ok(())
}

/// Rows 6 and 7: the column headers, labels taken from the référentiel.
fn write_header(
    sheet: &mut Worksheet,
    competencies: &[&Competency],
    f: &Formats,
) -> Result<(), DocumentError> {
    sheet.merge_range(
        rows::HEADER,
        cols::TITLE,
        rows::SKILLS,
        cols::TITLE,
        &model::corner_header(),
        &f.corner,
    )?;
    sheet.merge_range(
        rows::HEADER,
        cols::PERIOD,
        rows::SKILLS,
        cols::PERIOD,
        model::PERIOD_HEADER,
        &f.period_header,
    )?;
    for (i, c) in competencies.iter().enumerate() {
        let col = cols::FIRST_COMPETENCY + i as u16;
        let last = col == cols::LAST;
        let label = if last {
            &f.competency_last
        } else {
            &f.competency
        };
        let skills = if last { &f.skills_last } else { &f.skills };
        sheet.write_string_with_format(rows::HEADER, col, &c.label, label)?;
        sheet.write_string_with_format(rows::SKILLS, col, model::skills_cell(c), skills)?;
    }
    sheet.set_row_height(rows::HEADER, HEIGHT_HEADER)?;
    sheet.set_row_height(rows::SKILLS, HEIGHT_SKILLS)?;
    sheet.set_column_width_pixels(cols::TITLE, WIDTH_TITLE)?;
    sheet.set_column_width_pixels(cols::PERIOD, WIDTH_PERIOD)?;
    for col in cols::FIRST_COMPETENCY..=cols::LAST {
        sheet.set_column_width_pixels(col, WIDTH_COMPETENCY)?;
    }
    Ok(())
}

/// The three sections, each a banner then its réalisations. Returns the last row written.
fn write_sections(
    sheet: &mut Worksheet,
    table: &SynthesisTable,
    competencies: &[&Competency],
    f: &Formats,
) -> Result<u32, DocumentError> {
    let mut row = rows::FIRST_BANNER;
    let last_section = Setting::ALL.len() - 1;
    for (s, setting) in Setting::ALL.into_iter().enumerate() {
        sheet.merge_range(row, 0, row, cols::LAST, setting.banner(), &f.banner)?;
        sheet.set_row_height(row, HEIGHT_BANNER)?;
        row += 1;
        let members: Vec<&SynthesisRow> =
            table.rows.iter().filter(|r| r.setting == setting).collect();
        if members.is_empty() {
            // An empty section keeps one blank line, as on the paper model, so the reader
            // sees that nothing was done there rather than a missing part.
            write_blank_row(sheet, row, s == last_section, f)?;
            row += 1;
            continue;
        }
        for (i, r) in members.iter().enumerate() {
            let last = s == last_section && i + 1 == members.len();
            write_row(sheet, row, r, competencies, last, f)?;
            row += 1;
        }
    }
    Ok(row - 1)
}

fn write_blank_row(
    sheet: &mut Worksheet,
    row: u32,
    last: bool,
    f: &Formats,
) -> Result<(), DocumentError> {
    let l = usize::from(last);
    sheet.write_blank(row, cols::TITLE, &f.title[l])?;
    sheet.write_blank(row, cols::PERIOD, &f.period[l])?;
    for col in cols::FIRST_COMPETENCY..=cols::LAST {
        let tick = if col == cols::LAST {
            &f.tick_last[l]
        } else {
            &f.tick[l]
        };
        sheet.write_blank(row, col, tick)?;
    }
    sheet.set_row_height(row, HEIGHT_ROW_MIN)?;
    Ok(())
}

fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    r: &SynthesisRow,
    competencies: &[&Competency],
    last: bool,
    f: &Formats,
) -> Result<(), DocumentError> {
    let l = usize::from(last);
    let title = one_line(&r.title);
    let artifacts: Vec<String> = artifact_lines(r).collect();
    if artifacts.is_empty() {
        sheet.write_string_with_format(row, cols::TITLE, &title, &f.title[l])?;
    } else {
        // The title in bold, the productions in regular type under it.
        let mut rest = String::new();
        for a in &artifacts {
            rest.push('\n');
            rest.push_str(model::ARTIFACT_BULLET);
            rest.push_str(a);
        }
        let mut segments: Vec<(&Format, &str)> = Vec::with_capacity(2);
        if !title.is_empty() {
            segments.push((&f.title_run, &title));
        }
        segments.push((&f.artifact_run, &rest));
        sheet.write_rich_string_with_format(row, cols::TITLE, &segments, &f.title[l])?;
    }
    sheet.write_string_with_format(row, cols::PERIOD, r.period.short(), &f.period[l])?;
    for (i, c) in competencies.iter().enumerate() {
        let col = cols::FIRST_COMPETENCY + i as u16;
        let format = if col == cols::LAST {
            &f.tick_last[l]
        } else {
            &f.tick[l]
        };
        if r.competencies.contains(&c.code) {
            sheet.write_string_with_format(row, col, model::TICK, format)?;
        } else {
            sheet.write_blank(row, col, format)?;
        }
    }
    sheet.set_row_height(row, row_height(&title, &artifacts))?;
    Ok(())
}

/// A row tall enough for its wrapped title and its productions, so nothing is cut on paper.
fn row_height(title: &str, artifacts: &[String]) -> f64 {
    let lines_of = |s: &str| s.chars().count().div_ceil(CHARS_PER_LINE).max(1);
    let lines = lines_of(title) + artifacts.iter().map(|a| lines_of(a)).sum::<usize>();
    (lines as f64 * LINE_HEIGHT + 8.0).clamp(HEIGHT_ROW_MIN, HEIGHT_ROW_MAX)
}

/// A4 portrait, one page wide, the column headers repeated on each page.
fn page_setup(sheet: &mut Worksheet, last_row: u32) -> Result<(), DocumentError> {
    sheet.set_paper_size(9);
    sheet.set_portrait();
    sheet.set_margins(0.2, 0.2, 0.2, 0.2, 0.0, 0.0);
    sheet.set_print_center_horizontally(true);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_area(0, 0, last_row, cols::LAST)?;
    sheet.set_repeat_rows(rows::HEADER, rows::SKILLS)?;
    sheet.set_zoom(70);
    Ok(())
}
