//! The fiche de contrôle de conformité of the E4 dossier (annexe 6-2): the candidate, the
//! grounds with a ☒ or ☐ each and, under a ticked ground, the facts found; the decision, the
//! date and the visa of whoever checked (the teaching team in CCF, the académie's
//! commission for the ponctuelle form).
//!
//! The annex's own texts come verbatim from `portfolio_domain::forms::annex_6_2`; the
//! identification block (académie, session, établissement, option, form), the facts, the
//! decision line and the regularisation deadline are the platform's additions, asked for
//! by whoever keeps the sheets and not in the model.

use portfolio_domain::conformity::Ground;
use portfolio_domain::forms::{ConformityDecision, ConformitySheetForm, annex_6_2};
use portfolio_framework::ExamForm;

use crate::PdfError;
use crate::doc::{A4, Meta};
use crate::form::{BLANK_DATE, LABEL_FILL, SCALES, Type, tick};
use crate::layout::{Align, Cell, Composer, Margins, Padding, Para, Row, Table, fit_one_page};

const DOCUMENT: &str = "Fiche de contrôle de conformité";
/// The width of the column of the check boxes.
const BOX_COLUMN: f32 = 18.0;

/// The sheet as a one-page PDF (type a little smaller when the facts are long; a second
/// page only for facts that would not fit even then).
///
/// Fails if the decision contradicts the grounds (see [`ConformitySheetForm::check`]).
pub fn conformity_sheet_pdf(f: &ConformitySheetForm) -> Result<Vec<u8>, PdfError> {
    f.check()?;
    let composer = fit_one_page(&SCALES, |scale| compose(f, Type::at(scale)))?;
    let meta = Meta {
        title: format!(
            "Contrôle de conformité du dossier – {} – session {}",
            f.candidate_name, f.session_year
        ),
        author: None,
    };
    let name = f.candidate_name.clone();
    let session = f.session_year;
    let footer = Type::at(1.0).footer;
    composer.finish(&meta, move |page, pages| {
        Some(
            Para::new(
                format!("{DOCUMENT} – {name} – session {session} – page {page}/{pages}"),
                footer,
            )
            .align(Align::Right),
        )
    })
}

fn compose(f: &ConformitySheetForm, t: Type) -> Result<Composer, PdfError> {
    let mut c = Composer::new(
        A4,
        Margins {
            top: 36.0,
            right: 48.0,
            bottom: 36.0,
            left: 48.0,
        },
    );
    let width = c.width();

    c.para(&Para::new("Annexe 6-2", t.note).align(Align::Right))?;
    c.para(&Para::new(f.exam_label.as_str(), t.heading).center())?;
    c.para(
        &Para::new(
            format!(
                "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS – SESSION {}",
                f.session_year
            ),
            t.heading,
        )
        .center()
        .space_before(t.len(2.0)),
    )?;
    c.para(
        &Para::new(annex_6_2::TITLE, t.title)
            .center()
            .space_before(t.len(12.0)),
    )?;
    c.space(t.len(12.0));

    let mut header = Table::new(vec![width * 0.58, width * 0.42]);
    let pair = |a: Para, b: Para| Row::new(vec![t.cell(vec![a]), t.cell(vec![b])]);
    let form = format!(
        "{} Ponctuelle   {} Contrôle en cours de formation (CCF)",
        tick(f.exam_form == ExamForm::OneOff),
        tick(f.exam_form == ExamForm::Continuous)
    );
    header.rows = vec![
        pair(
            t.field("Académie : ", &f.academy)?,
            t.field("Session : ", &f.session_year.to_string())?,
        ),
        pair(
            t.field(&format!("{} ", annex_6_2::NAME), &f.candidate_name)?,
            t.field(
                &format!("{} ", annex_6_2::NUMBER),
                f.candidate_number.as_deref().unwrap_or(""),
            )?,
        ),
        pair(
            t.field("Établissement / centre : ", &f.school_name)?,
            t.track(f.track)?,
        ),
        Row::new(vec![
            t.cell(vec![t.field("Forme de l'épreuve : ", &form)?])
                .colspan(2),
        ]),
    ];
    c.table(&header)?;

    c.para(&Para::new(annex_6_2::PREAMBLE.join(" "), t.value).space_before(t.len(12.0)))?;
    c.para(&Para::new(annex_6_2::INTRO, t.label).space_before(t.len(8.0)))?;
    c.space(t.len(4.0));
    c.table(&grounds(f, t, width)?)?;
    c.space(t.len(10.0));
    c.table(&decision(f, t, width)?)?;
    Ok(c)
}

/// The grounds as a borderless list: the box in a column of its own, so that the label
/// and the facts under it align.
fn grounds(f: &ConformitySheetForm, t: Type, width: f32) -> Result<Table, PdfError> {
    let plain = |paras: Vec<Para>| {
        Cell::new(paras)
            .border(0.0)
            .padding(Padding::xy(0.0, t.len(2.5)))
    };
    let mark = |on: bool| plain(vec![Para::new(tick(on), t.value)]);
    let mut table = Table::new(vec![BOX_COLUMN, width - BOX_COLUMN]);
    for ground in Ground::ALL {
        let finding = f.finding(ground);
        let text = match ground {
            Ground::MissingCertificates => {
                format!("{}. {}", ground.label(), annex_6_2::REGULARISATION_REQUEST)
            }
            _ => format!("{} ;", ground.label()),
        };
        let mut paras = vec![Para::new(text, t.value)];
        if let Some(finding) = finding.filter(|f| !f.facts.is_empty()) {
            paras.push(Para::new("Faits constatés :", t.label).space_before(t.len(2.0)));
            paras.extend(finding.facts.iter().map(|fact| {
                Para::new(format!("– {fact}"), t.value)
                    .indent(t.len(8.0))
                    .space_before(t.len(1.0))
            }));
        }
        table
            .rows
            .push(Row::new(vec![mark(finding.is_some()), plain(paras)]).breakable());
    }
    // The warning of the last ground, and the deadline when the candidate may still send
    // the documents.
    let mut after =
        vec![Para::new(annex_6_2::REGULARISATION_WARNING, t.value).space_before(t.len(4.0))];
    if let ConformityDecision::AwaitingCertificates { deadline } = f.decision {
        after.push(
            t.date_field("Date limite de régularisation : ", deadline)?
                .space_before(t.len(4.0)),
        );
    }
    table
        .rows
        .push(Row::new(vec![plain(Vec::new()), plain(after)]));
    table.rows.push(Row::new(vec![
        mark(f.decision == ConformityDecision::NotCompliant).padding(Padding::xy(0.0, t.len(6.0))),
        plain(vec![Para::new(annex_6_2::NOT_VALID, t.value)]).padding(Padding::xy(0.0, t.len(6.0))),
    ]));
    Ok(table)
}

/// The decision, the date and the visa: one box per person who checked, blank if none is
/// named.
fn decision(f: &ConformitySheetForm, t: Type, width: f32) -> Result<Table, PdfError> {
    // Six columns so that the visa row splits into one, two or three boxes.
    const COLUMNS: usize = 6;
    let mut table = Table::new(vec![width / COLUMNS as f32; COLUMNS]);
    let across = |p: Vec<Para>| t.cell(p).colspan(COLUMNS);
    let compliant = f.decision.is_compliant();
    let mut verdict = format!(
        "{} dossier conforme   {} dossier non conforme",
        tick(compliant),
        tick(!compliant)
    );
    if let ConformityDecision::AwaitingCertificates { .. } = f.decision {
        verdict.push_str(" (en attente de régularisation)");
    }
    let date = f.check_date.map_or_else(
        || BLANK_DATE.to_owned(),
        portfolio_domain::dossier::long_date,
    );
    table.rows = vec![
        Row::new(vec![across(vec![t.field("Décision : ", &verdict)?])]),
        Row::new(vec![across(vec![
            t.field(&format!("{} ", annex_6_2::DATE), &date)?,
        ])]),
        Row::new(vec![
            Cell::new(vec![t.field(
                &format!("{} ", annex_6_2::VISA),
                &format!("contrôle effectué par {}", f.checked_by()),
            )?])
            .colspan(COLUMNS)
            .fill(LABEL_FILL)
            .padding(Padding::xy(5.0, t.len(3.0))),
        ])
        .keep_with_next(),
    ];
    let per_row = f.deciders.len().clamp(2, 3);
    let span = COLUMNS / per_row;
    let signature = |paras: Vec<Para>| t.cell(paras).colspan(span);
    let boxes: Vec<Cell> = if f.deciders.is_empty() {
        (0..per_row)
            .map(|_| {
                signature(vec![
                    Para::new("Nom, qualité et signature", t.note).align(Align::Center),
                ])
            })
            .collect()
    } else {
        f.deciders
            .iter()
            .map(|p| {
                signature(vec![
                    Para::new(p.name.as_str(), t.label),
                    Para::new(p.job_title.as_str(), t.note),
                ])
            })
            .collect()
    };
    let mut boxes = boxes.into_iter().peekable();
    while boxes.peek().is_some() {
        let mut cells: Vec<Cell> = boxes.by_ref().take(per_row).collect();
        // A short last row keeps the grid: empty boxes to the right.
        while cells.len() < per_row {
            cells.push(signature(Vec::new()));
        }
        table.rows.push(Row::new(cells).min_height(t.len(80.0)));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Op, Page};
    use crate::layout::{Style, text_width};
    use portfolio_domain::forms::{Finding, Person};
    use portfolio_framework::Track;

    fn sheet(findings: &[Ground], decision: ConformityDecision) -> ConformitySheetForm {
        ConformitySheetForm {
            academy: "Lyon".to_owned(),
            session_year: 2027,
            exam_label: "Épreuve E4 – Support et mise à disposition de services informatiques"
                .to_owned(),
            candidate_name: "MARTIN Camille".to_owned(),
            candidate_number: None,
            school_name: "Lycée".to_owned(),
            track: Track::Sisr,
            exam_form: ExamForm::OneOff,
            findings: findings
                .iter()
                .map(|g| Finding {
                    ground: *g,
                    facts: vec!["Constaté le 5 mars.".to_owned()],
                })
                .collect(),
            decision,
            check_date: None,
            deciders: vec![Person {
                name: "Agnès Perrin".to_owned(),
                job_title: "IA-IPR".to_owned(),
            }],
        }
    }

    fn pages(f: &ConformitySheetForm) -> Vec<Page> {
        compose(f, Type::at(1.0))
            .and_then(|c| c.into_pages(|_, _| None))
            .expect("rendered")
    }

    /// (x, baseline, text) of the page's text.
    fn texts(page: &Page) -> Vec<(f32, f32, &str)> {
        page.ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { x, y, text, .. } => Some((*x, *y, text.as_str())),
                _ => None,
            })
            .collect()
    }

    /// Each box is drawn in the box column on the baseline of the first line of its
    /// ground, ticked exactly for the grounds found and, for the last one, a refusal.
    #[test]
    fn each_box_sits_on_the_first_line_of_its_ground() {
        let found = [Ground::InsufficientDuration, Ground::MissingCertificates];
        let p = pages(&sheet(&found, ConformityDecision::NotCompliant));
        let texts = texts(&p[0]);
        let boxes: Vec<&(f32, f32, &str)> = texts
            .iter()
            .filter(|(_, _, t)| *t == "☒" || *t == "☐")
            .collect();
        assert_eq!(boxes.len(), 5, "four grounds and the refusal");
        let left = 48.0;
        let mut labels: Vec<String> = Ground::ALL
            .iter()
            .map(|g| g.label().chars().take(12).collect())
            .collect();
        labels.push(annex_6_2::NOT_VALID.chars().take(12).collect());
        let mut ticked = Ground::ALL.map(|g| found.contains(&g)).to_vec();
        ticked.push(true);
        for ((b, label), ticked) in boxes.iter().zip(&labels).zip(ticked) {
            assert!((b.0 - left).abs() < 0.01, "box at x = {}", b.0);
            let line = texts
                .iter()
                .find(|(x, _, t)| {
                    t.starts_with(label.as_str()) && (x - left - BOX_COLUMN).abs() < 0.01
                })
                .unwrap_or_else(|| panic!("{label:?} in the text column"));
            assert!(
                (line.1 - b.1).abs() < 0.01,
                "{label:?} on the box's baseline"
            );
            assert_eq!(b.2 == "☒", ticked, "{label:?}");
        }
    }

    #[test]
    fn nothing_is_drawn_outside_the_margins() {
        let mut f = sheet(
            &[Ground::MissingCertificates],
            ConformityDecision::AwaitingCertificates { deadline: None },
        );
        f.findings[0].facts.push("ж".repeat(400));
        f.school_name = "Établissement au nom très long ".repeat(8);
        for page in pages(&f) {
            for op in &page.ops {
                if let Op::Text {
                    x,
                    font,
                    size,
                    text,
                    ..
                } = op
                {
                    let w = text_width(
                        text,
                        Style {
                            font: *font,
                            size: *size,
                        },
                    )
                    .expect("fonts");
                    assert!(
                        *x >= 47.9 && x + w <= A4.width - 47.9,
                        "{text:?} at {x}, {w} wide"
                    );
                }
            }
        }
    }
}
