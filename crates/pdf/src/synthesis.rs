//! The tableau de synthèse (annexe 6-1) as the national .xlsx model looks printed: A4
//! portrait; title rows; the Bloc 1 competencies as columns with their skills as « ▸ »
//! bullets turned a quarter; three section banners; one row per réalisation with its
//! title, productions, period and X marks. The column header is repeated on every page.

use portfolio_domain::dossier::{Setting, SynthesisRow, SynthesisTable};
use portfolio_framework::{Competency, Track, bts_sio_2019};

use crate::PdfError;
use crate::doc::{A4, Meta};
use crate::layout::{Align, Cell, Composer, Margins, Padding, Para, Row, Style, Table, VAlign};

const DOCUMENT: &str = "Tableau de synthèse";
/// Light gray of the section banners.
const BANNER_FILL: f32 = 0.87;

const TITLE: Style = Style::bold(10.5);
const FIELD_LABEL: Style = Style::bold(8.5);
const FIELD_VALUE: Style = Style::regular(8.5);
const HEAD: Style = Style::bold(6.5);
const HEAD_NOTE: Style = Style::regular(6.0);
const SKILL: Style = Style::regular(5.8);
const ROW_TITLE: Style = Style::bold(7.2);
const ROW_ARTIFACT: Style = Style::regular(6.5);
const PERIOD: Style = Style::regular(6.5);
const MARK: Style = Style::bold(9.0);
const BANNER: Style = Style::bold(8.0);
const FOOTER: Style = Style::regular(6.5);

/// Column widths (points): réalisation, période, then the six competencies, for the
/// 539 points between 28-point margins.
const TITLE_COLUMN: f32 = 146.0;
const PERIOD_COLUMN: f32 = 47.0;

/// The tableau de synthèse as a PDF.
///
/// Fails if a row names a competency that is not one of Bloc 1 (it would otherwise be
/// silently left out).
pub fn synthesis_pdf(t: &SynthesisTable) -> Result<Vec<u8>, PdfError> {
    let composer = compose(t)?;
    let meta = Meta {
        title: format!(
            "Tableau de synthèse des réalisations professionnelles – {} – session {}",
            t.candidate_name, t.session_year
        ),
        author: Some(t.candidate_name.clone()),
    };
    composer.finish(&meta, footer(t))
}

fn footer(t: &SynthesisTable) -> impl Fn(usize, usize) -> Option<Para> + use<> {
    let name = t.candidate_name.clone();
    let session = t.session_year;
    move |page, pages| {
        Some(
            Para::new(
                format!(
                    "Tableau de synthèse des réalisations professionnelles – {name} – session {session} – page {page}/{pages}"
                ),
                FOOTER,
            )
            .align(Align::Right),
        )
    }
}

/// The pages, laid out.
fn compose(t: &SynthesisTable) -> Result<Composer, PdfError> {
    let fw = bts_sio_2019();
    let block = fw
        .block("B1")
        .ok_or_else(|| PdfError::MissingBlock("B1".to_owned()))?;
    let competencies: Vec<&Competency> = block.competencies.iter().collect();
    check_codes(t, &competencies)?;

    let margins = Margins {
        top: 28.0,
        right: 28.0,
        bottom: 34.0,
        left: 28.0,
    };
    let mut composer = Composer::new(A4, margins);
    let width = composer.width();
    let n = competencies.len();
    let competency_column = (width - TITLE_COLUMN - PERIOD_COLUMN) / n as f32;
    let mut columns = vec![TITLE_COLUMN, PERIOD_COLUMN];
    columns.extend(std::iter::repeat_n(competency_column, n));
    let all = columns.len();

    composer.table(&title_rows(t, columns.clone()))?;

    let mut table = Table::new(columns);
    table.header = header_rows(&competencies, competency_column)?;
    for setting in Setting::ALL {
        let banner = |text: String| {
            Row::new(vec![
                Cell::text(text, BANNER)
                    .colspan(all)
                    .fill(BANNER_FILL)
                    .padding(Padding::xy(4.0, 3.0)),
            ])
        };
        table.rows.push(
            banner(setting.banner().to_owned())
                .keep_with_next()
                .section(banner(format!("{} (suite)", setting.banner()))),
        );
        let rows: Vec<&SynthesisRow> = t.rows.iter().filter(|r| r.setting == setting).collect();
        if rows.is_empty() {
            // An empty section keeps one blank row, as the printed model does.
            table
                .rows
                .push(Row::new((0..all).map(|_| Cell::empty()).collect()).min_height(18.0));
        }
        for row in rows {
            table.rows.push(realisation_row(row, &competencies));
        }
    }
    composer.table(&table)?;
    Ok(composer)
}

fn check_codes(t: &SynthesisTable, competencies: &[&Competency]) -> Result<(), PdfError> {
    for row in &t.rows {
        for code in &row.competencies {
            if !competencies.iter().any(|c| &c.code == code) {
                return Err(PdfError::UnknownCompetency {
                    document: DOCUMENT,
                    code: code.clone(),
                    context: row.title.clone(),
                    block: "bloc 1".to_owned(),
                });
            }
        }
    }
    Ok(())
}

fn field(label: &str, value: &str) -> Para {
    Para::new(label, FIELD_LABEL).push(value, FIELD_VALUE)
}

/// The title rows of the first page (rows 1–5 of the .xlsx model).
fn title_rows(t: &SynthesisTable, columns: Vec<f32>) -> Table {
    let all = columns.len();
    let pad = Padding::xy(4.0, 4.0);
    let box_ = |p: Para, span: usize| {
        Cell::para(p)
            .colspan(span)
            .padding(pad)
            .valign(VAlign::Middle)
    };
    let tick = |track: Track| {
        let mark = if t.track == track { "☒" } else { "☐" };
        format!("{mark} {}", track.code())
    };
    let mut table = Table::new(columns);
    table.rows = vec![
        Row::new(vec![
            box_(
                Para::new("BTS SERVICES INFORMATIQUES AUX ORGANISATIONS", TITLE),
                all - 2,
            ),
            box_(
                Para::new(format!("SESSION {}", t.session_year), TITLE).center(),
                2,
            ),
        ]),
        Row::new(vec![box_(
            Para::new(
                "Tableau de synthèse des réalisations professionnelles",
                TITLE,
            ),
            all,
        )]),
        Row::new(vec![
            box_(field("NOM et prénom : ", &t.candidate_name), all - 3),
            box_(
                field(
                    "N° candidat : ",
                    t.candidate_number.as_deref().unwrap_or(""),
                ),
                3,
            ),
        ]),
        Row::new(vec![
            box_(field("Centre de formation : ", &t.school_name), all - 3),
            box_(
                Para::new("Option : ", FIELD_LABEL).push(
                    format!("{}    {}", tick(Track::Sisr), tick(Track::Slam)),
                    FIELD_VALUE,
                ),
                3,
            ),
        ]),
        Row::new(vec![box_(
            field(
                "Adresse URL du portfolio : ",
                t.portfolio_url.as_deref().unwrap_or(""),
            ),
            all,
        )]),
    ];
    table
}

/// The column header (rows 6–7 of the model): the corner, the period, each competency
/// with its skills below, turned a quarter.
fn header_rows(competencies: &[&Competency], competency_column: f32) -> Result<Vec<Row>, PdfError> {
    let corner = Cell::new(vec![
        Para::new("Compétences mises en œuvre", HEAD).align(Align::Right),
        Para::new("Réalisations professionnelles", HEAD).push(
            "\n(intitulé et liste des documents et productions associés)",
            HEAD_NOTE,
        ),
    ])
    .rowspan(2)
    .diagonal()
    .valign(VAlign::Spread)
    .padding(Padding::xy(4.0, 4.0));
    let period = Cell::new(vec![
        Para::new("Période", HEAD)
            .push("\n(sous la forme du JJ/MM/AA au JJ/MM/AA)", HEAD_NOTE)
            .center(),
    ])
    .rowspan(2)
    .rotated()
    .valign(VAlign::Middle);

    // One size for all the labels, the largest at which no word has to be cut
    // (« développement » is the widest in DejaVu Sans Bold).
    let label_padding = Padding::xy(2.0, 3.0);
    let inner = competency_column - label_padding.left - label_padding.right;
    let mut scale = 1.0f32;
    for c in competencies {
        let widest = Para::new(c.label.as_str(), HEAD).widest_word()?;
        if widest > inner {
            scale = scale.min(inner / widest);
        }
    }

    let mut labels = vec![corner, period];
    let mut skills = Vec::with_capacity(competencies.len());
    for c in competencies {
        labels.push(
            Cell::para(Para::new(c.label.as_str(), HEAD).center().scaled(scale))
                .valign(VAlign::Middle)
                .padding(label_padding),
        );
        skills.push(
            Cell::new(
                c.skills
                    .iter()
                    .map(|s| Para::new(format!("▸ {}", s.label), SKILL).indent(6.0))
                    .collect(),
            )
            .rotated()
            .padding(Padding::xy(2.5, 4.0)),
        );
    }
    Ok(vec![Row::new(labels), Row::new(skills)])
}

fn realisation_row(row: &SynthesisRow, competencies: &[&Competency]) -> Row {
    let mut first = vec![Para::new(row.title.as_str(), ROW_TITLE)];
    first.extend(
        row.artifacts
            .iter()
            .map(|a| Para::new(format!("– {a}"), ROW_ARTIFACT).indent(6.0)),
    );
    let mut cells = vec![
        Cell::new(first),
        Cell::para(Para::new(row.period.short(), PERIOD).center()).valign(VAlign::Middle),
    ];
    for c in competencies {
        let mark = if row.competencies.contains(&c.code) {
            "X"
        } else {
            ""
        };
        cells.push(Cell::para(Para::new(mark, MARK).center()).valign(VAlign::Middle));
    }
    Row::new(cells).min_height(22.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Op;
    use portfolio_domain::dossier::Period;
    use time::macros::date;

    fn table(rows: Vec<SynthesisRow>) -> SynthesisTable {
        SynthesisTable {
            session_year: 2027,
            candidate_name: "MARTIN Camille".to_owned(),
            candidate_number: None,
            school_name: "Lycée".to_owned(),
            track: Track::Slam,
            portfolio_url: None,
            rows,
        }
    }

    fn row(setting: Setting, codes: &[&str]) -> SynthesisRow {
        SynthesisRow {
            title: "Application de gestion des stages".to_owned(),
            artifacts: vec![],
            period: Period::new(date!(2026 - 01 - 05), date!(2026 - 02 - 27)).expect("ordered"),
            setting,
            competencies: codes.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    /// The X marks are drawn in the columns of the competencies mobilised, and only there.
    #[test]
    fn marks_fall_in_the_columns_of_the_competencies_mobilised() {
        let t = table(vec![row(Setting::WorkplaceFirstYear, &["B1.2", "B1.5"])]);
        let pages = compose(&t)
            .and_then(|c| c.into_pages(footer(&t)))
            .expect("rendered");
        let width = A4.width - 56.0;
        let column = (width - TITLE_COLUMN - PERIOD_COLUMN) / 6.0;
        let first = 28.0 + TITLE_COLUMN + PERIOD_COLUMN;
        let mut columns: Vec<usize> = pages[0]
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { x, text, .. } if text == "X" => {
                    Some(((x - first) / column).floor() as usize)
                }
                _ => None,
            })
            .collect();
        columns.sort_unstable();
        assert_eq!(columns, [1, 4]);
    }

    #[test]
    fn nothing_is_drawn_outside_the_page_margins() {
        let rows = (0..40)
            .map(|i| row(Setting::ALL[i % 3], &["B1.1", "B1.6"]))
            .collect();
        let t = table(rows);
        let pages = compose(&t)
            .and_then(|c| c.into_pages(footer(&t)))
            .expect("rendered");
        assert!(pages.len() >= 3);
        for page in &pages {
            for op in &page.ops {
                if let Op::Text { x, y, .. } = op {
                    assert!((27.0..A4.width - 27.0).contains(x), "x = {x}");
                    assert!((27.0..A4.height).contains(y), "y = {y}");
                }
            }
        }
    }

    #[test]
    fn a_competency_outside_bloc_1_is_an_error() {
        let t = table(vec![row(Setting::Training, &["B1.1", "B2-SLAM.1"])]);
        let err = synthesis_pdf(&t).expect_err("B2-SLAM.1 is not a column");
        assert!(matches!(
            &err,
            PdfError::UnknownCompetency { code, .. } if code == "B2-SLAM.1"
        ));
        assert!(
            err.to_string()
                .contains("Application de gestion des stages")
        );
    }
}
