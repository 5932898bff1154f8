//! The evaluation documents of the dossier exams: the grille d'aide à l'évaluation (annexe
//! 6-3, recto then verso), the fiche d'appréciation destinée à la personne candidate (annexe
//! 6-4) and the bordereau récapitulatif des propositions de notes.
//!
//! The annexes' labels are printed verbatim from the circular; the mastery levels, their
//! descriptors and the penalties come from [`portfolio_framework::bts_sio_2019`], the rows
//! from the input ([`portfolio_domain::grid::grid_rows`]), the final mark from the domain's
//! rule ([`GridSheet::final_mark`], [`final_mark`]), never computed here.
//!
//! Platform additions, not in the annexes: the académie and session line, the « Points de
//! vigilance de la commission » box of the grid (the coverage and environment sentences the
//! commission must watch), the chosen réalisation and expression de besoins of a Bloc 2
//! grid, the visas of the grid, the candidate's name on the verso, the page footers.

use portfolio_domain::evaluation::{final_mark, penalty_points};
use portfolio_domain::grid::{
    AppraisalSheet, EvaluationHeader, GridSheet, MARK_SHEET_HEADERS, MarkSheet, NO_MARK, Visa,
    form_short_label,
};
use portfolio_domain::session_labels::DossierExam;
use portfolio_framework::{ExamForm, Penalty, Track, bts_sio_2019};

use crate::PdfError;
use crate::doc::{A4, Meta, Page, write_pdf};
use crate::form::{LABEL_FILL, SCALES, Type, tick};
use crate::layout::{
    Align, Cell, Composer, Margins, Padding, Para, Row, Style, Table, VAlign, fit_one_page,
};

const GRID: &str = "Grille d'aide à l'évaluation";
const APPRAISAL: &str = "Fiche d'appréciation destinée à la personne candidate";
const MARK_SHEET: &str = "Bordereau récapitulatif des propositions de notes";

/// Annexe 6-3, recto, verbatim.
const PROPOSAL: &str =
    "Proposition de note suite à l'évaluation du profil de la personne candidate";
const PROPOSAL_TEXT: [&str; 2] = [
    "Le tableau d'aide à l'appréciation des niveaux de maîtrise des compétences doit être complété de façon à évaluer le profil de la personne candidate (voir au verso). Une grille proposant des éléments d'appréciation des niveaux de maîtrise des compétences est proposée en bas de page.",
    "La commission sera vigilante, lors de l'établissement de la note, à la couverture des compétences du bloc exigée dans la définition de l'épreuve, ainsi que la conformité de l'environnement technologique. Le cas échéant, l'appréciation littérale fera apparaître ce défaut de couverture ou de conformité dans la fiche communicable à la personne candidate.",
];
/// The platform's title of the coverage and environment sentences.
const VIGILANCE: &str = "Points de vigilance de la commission";
const PENALTIES: &str = "Liste des pénalités retenues";
const FINAL_NOTE: &str =
    "Note à reporter sur la fiche d'appréciation destinée à la personne candidate";
const LEVELS_CAPTION: &str =
    "Tableau d'aide à l'appréciation des niveaux de maîtrise des compétences du bloc au verso";
const MEMBERS: &str = "Noms des membres de la commission d'interrogation";
const COMPETENCIES: &str = "Compétences";
const LEVELS: &str = "Niveaux de maîtrise";
const INDICATORS: &str = "Indicateurs de performance";
const CHOSEN: &str = "Réalisation professionnelle choisie par la commission";
const NEEDS: &str = "Expression de besoins";

/// Annexe 6-4, verbatim.
const PART1: &str =
    "Partie 1 : Présentation du parcours de professionnalisation (10 minutes maximum)";
const PART2: &str = "Partie 2 : Échange avec le jury (30 minutes)";
const OBSERVATIONS: &str = "Observations";
const APPRECIATION: &str = "Appréciation sur le niveau de maîtrise des compétences, sur la mobilisation de toutes les compétences du bloc et sur la conformité de l'environnement technologique des réalisations professionnelles présentées";
const VISA: &str = "Visa des membres de la commission d'interrogation";

/// A mark left to write by hand.
const BLANK_MARK: &str = "…………";

const MARGINS: Margins = Margins {
    top: 32.0,
    right: 40.0,
    bottom: 32.0,
    left: 40.0,
};
const LANDSCAPE_MARGINS: Margins = Margins::all(30.0);

/// The grille d'aide à l'évaluation: the recto on A4 portrait from page 1 (its type a
/// little smaller rather than spill over), the verso on A4 landscape from a new page (the
/// competencies with their skills, a ☒ under the level rated, the performance indicators;
/// a second page when the rows need it).
pub fn grid_pdf(g: &GridSheet) -> Result<Vec<u8>, PdfError> {
    let recto = fit_one_page(&SCALES, |scale| compose_recto(g, Type::at(scale)))?;
    let verso = compose_verso(g)?;
    let total = recto.page_count() + verso.page_count();
    let name = full_name(&g.header);
    let footer = move |page: usize| {
        Some(
            Para::new(
                format!(
                    "{GRID} – {name} – session {} – page {page}/{total}",
                    g.header.session_year
                ),
                Type::at(1.0).footer,
            )
            .align(Align::Right),
        )
    };
    let shift = recto.page_count();
    // Two composers because the recto and the verso differ in orientation.
    let mut pages: Vec<Page> = recto.into_pages(|page, _| footer(page))?;
    pages.extend(verso.into_pages(|page, _| footer(shift + page))?);
    let meta = Meta {
        title: format!(
            "{GRID} – {} – {} – session {}",
            g.header.exam_heading,
            full_name(&g.header),
            g.header.session_year
        ),
        author: None,
    };
    write_pdf(&pages, &meta)
}

/// The fiche d'appréciation: one page, or more when the observations are long. Without
/// `a.mark` (the candidate's copy when the mark may not be shown) the NOTE line is blank.
pub fn appraisal_pdf(a: &AppraisalSheet) -> Result<Vec<u8>, PdfError> {
    let composer = fit_one_page(&SCALES, |scale| compose_appraisal(a, Type::at(scale)))?;
    let meta = Meta {
        title: format!(
            "{APPRAISAL} – {} – {} – session {}",
            a.header.exam_heading,
            full_name(&a.header),
            a.header.session_year
        ),
        author: None,
    };
    let name = full_name(&a.header);
    let session = a.header.session_year;
    let footer = Type::at(1.0).footer;
    composer.finish(&meta, move |page, pages| {
        Some(
            Para::new(
                format!("{APPRAISAL} – {name} – session {session} – page {page}/{pages}"),
                footer,
            )
            .align(Align::Right),
        )
    })
}

/// The bordereau récapitulatif on A4 landscape: one row per candidate by name, the header
/// row repeated on each page, the count of candidates without a proposed mark at the end.
pub fn mark_sheet_pdf(m: &MarkSheet) -> Result<Vec<u8>, PdfError> {
    let mut c = Composer::new(A4.landscape(), LANDSCAPE_MARGINS);
    let width = c.width();
    let t = Type::at(1.0);
    c.para(&Para::new(MARK_SHEET, t.title).center())?;
    c.para(
        &Para::new(m.exam_heading.as_str(), t.heading)
            .center()
            .space_before(4.0),
    )?;
    c.para(
        &Para::new(
            format!(
                "Session {} – Académie de {} – {}",
                m.session_year, m.academy, m.school_name
            ),
            t.value,
        )
        .center()
        .space_before(2.0),
    )?;
    c.space(8.0);

    let head = Style::bold(7.5);
    let body = Style::regular(8.0);
    // Widths for the headers and values; the penalties take what is left.
    let mut columns = vec![66.0, 105.0, 90.0, 42.0, 56.0, 60.0, 72.0, 0.0, 52.0, 62.0];
    let fixed: f32 = columns.iter().sum();
    columns[7] = (width - fixed).max(100.0);
    let mut table = Table::new(columns);
    let pad = Padding::xy(3.0, 3.0);
    table.header = vec![Row::new(
        MARK_SHEET_HEADERS
            .iter()
            .map(|h| {
                Cell::para(Para::new(*h, head).center())
                    .fill(LABEL_FILL)
                    .valign(VAlign::Middle)
                    .padding(pad)
            })
            .collect(),
    )];
    let rows = m.sorted_rows();
    let mut without_mark = 0usize;
    for (i, r) in rows.iter().enumerate() {
        let (proposed, fin) = match r.proposed {
            Some(p) => (p.to_string(), final_mark(p, &r.penalties).to_string()),
            None => {
                without_mark += 1;
                (NO_MARK.to_owned(), NO_MARK.to_owned())
            }
        };
        let labels: Vec<&str> = Penalty::ALL
            .iter()
            .filter(|p| r.penalties.contains(p))
            .map(|p| p.label())
            .collect();
        let left = |s: &str| Cell::text(s, body).padding(pad);
        let mid = |s: &str| Cell::para(Para::new(s, body).center()).padding(pad);
        let mut cells = vec![
            left(&r.candidate_number),
            left(&r.last_name),
            left(&r.first_name),
            mid(r.track.code()),
            mid(form_short_label(r.form)),
            mid(&r.commission),
            mid(&proposed),
            left(&labels.join(" ; ")),
            mid(&penalty_points(&r.penalties).to_string()),
            mid(&fin),
        ];
        // Every other row shaded, to follow a line across the page.
        if i % 2 == 1 {
            cells = cells.into_iter().map(|c| c.fill(0.96)).collect();
        }
        table.rows.push(Row::new(cells));
    }
    c.table(&table)?;
    c.para(
        &Para::new(
            format!(
                "{} candidat(s), dont {without_mark} sans proposition de note",
                rows.len()
            ),
            t.label,
        )
        .space_before(8.0),
    )?;

    let meta = Meta {
        title: format!(
            "{MARK_SHEET} – {} – {} – session {}",
            m.exam_heading, m.school_name, m.session_year
        ),
        author: None,
    };
    let school = m.school_name.clone();
    let session = m.session_year;
    let footer = t.footer;
    c.finish(&meta, move |page, pages| {
        Some(
            Para::new(
                format!("{MARK_SHEET} – {school} – session {session} – page {page}/{pages}"),
                footer,
            )
            .align(Align::Right),
        )
    })
}

fn full_name(h: &EvaluationHeader) -> String {
    format!("{} {}", h.last_name.trim(), h.first_name.trim())
        .trim()
        .to_owned()
}

/// The académie and session, the exam, the annex's title.
fn top(c: &mut Composer, h: &EvaluationHeader, t: Type, title: &str) -> Result<(), PdfError> {
    c.para(
        &Para::new(
            format!("Académie de {} – session {}", h.academy, h.session_year),
            t.note,
        )
        .align(Align::Right),
    )?;
    c.para(
        &Para::new(h.exam_heading.as_str(), t.heading)
            .center()
            .space_before(t.len(4.0)),
    )?;
    c.para(
        &Para::new(title, t.title.scaled(0.85))
            .center()
            .space_before(t.len(6.0)),
    )?;
    c.space(t.len(8.0));
    Ok(())
}

/// The identification block of annexes 6-3 and 6-4; the members' names on the grid only.
fn header_table(
    h: &EvaluationHeader,
    t: Type,
    width: f32,
    members: bool,
) -> Result<Table, PdfError> {
    let mut table = Table::new(vec![width * 0.36, width * 0.36, width * 0.28]);
    let cell = |p: Para| t.cell(vec![p]).valign(VAlign::Middle);
    let boxed =
        |label: &str, on: bool| Para::new(format!("{label} "), t.label).push(tick(on), t.value);
    table.rows = vec![
        Row::new(vec![
            cell(t.field("Nom, prénom : ", &full_name(h))?).colspan(2),
            cell(t.field("N° candidat : ", &h.candidate_number)?),
        ]),
        Row::new(vec![
            cell(boxed("Épreuve ponctuelle", h.form == ExamForm::OneOff)),
            cell(boxed(
                "Contrôle en cours de formation",
                h.form == ExamForm::Continuous,
            )),
            cell(t.field("N° commission : ", &h.commission)?),
        ]),
        Row::new(vec![
            cell(boxed("OPTION SISR", h.track == Track::Sisr)),
            cell(boxed("OPTION SLAM", h.track == Track::Slam)),
            cell(t.date_field("Date : ", h.date)?),
        ]),
    ];
    if members {
        table.rows.push(Row::new(vec![
            cell(t.field(&format!("{MEMBERS} : "), &h.members.join(", "))?).colspan(3),
        ]));
    }
    Ok(table)
}

/// « Visa des membres de la commission d'interrogation »: a box per member with their name
/// and the day they signed (a blank date until then); two blank boxes when none is named.
fn visa_table(visas: &[Visa], t: Type, width: f32) -> Result<Table, PdfError> {
    const PER_ROW: usize = 2;
    let mut table = Table::new(vec![width / PER_ROW as f32; PER_ROW]);
    table.rows.push(t.section(VISA, PER_ROW));
    let boxes: Vec<Cell> = if visas.is_empty() {
        (0..PER_ROW)
            .map(|_| {
                t.cell(vec![
                    Para::new("Nom, date et signature", t.note).align(Align::Center),
                ])
            })
            .collect()
    } else {
        visas
            .iter()
            .map(|v| {
                Ok(t.cell(vec![
                    Para::new(v.name.as_str(), t.label),
                    t.date_field("Date : ", v.signed_on)?
                        .space_before(t.len(2.0)),
                ]))
            })
            .collect::<Result<_, PdfError>>()?
    };
    let mut boxes = boxes.into_iter().peekable();
    while boxes.peek().is_some() {
        let mut cells: Vec<Cell> = boxes.by_ref().take(PER_ROW).collect();
        while cells.len() < PER_ROW {
            cells.push(t.cell(Vec::new()));
        }
        table.rows.push(Row::new(cells).min_height(t.len(48.0)));
    }
    Ok(table)
}

/// The annex of the fiche d'appréciation, the one after the grid's (« 6-3 » → « 6-4 »,
/// « VI-3 » → « VI-4 »): the grid sheet does not carry it.
fn appraisal_annex(grid_annex: &str) -> Option<String> {
    let (stem, n) = grid_annex.trim().rsplit_once('-')?;
    let n: u32 = n.parse().ok()?;
    Some(format!("{stem}-{}", n + 1))
}

/// « NOTE 12,5 / 20 », or a blank to write the mark by hand.
fn mark_line(label: &str, mark: Option<String>, t: Type) -> Para {
    Para::new(format!("{label} "), t.heading)
        .push(mark.unwrap_or_else(|| BLANK_MARK.to_owned()), t.title)
        .push(" / 20", t.heading)
        .center()
}

fn compose_recto(g: &GridSheet, t: Type) -> Result<Composer, PdfError> {
    let mut c = Composer::new(A4, MARGINS);
    let width = c.width();
    top(
        &mut c,
        &g.header,
        t,
        &format!("ANNEXE {} : {GRID} (recto)", g.header.annex),
    )?;
    c.table(&header_table(&g.header, t, width, true)?)?;

    let text = |s: &str| Para::new(s, t.value);
    let mut table = Table::new(vec![width]);
    if g.exam == DossierExam::Block2 {
        table.rows.push(t.section(CHOSEN, 1));
        table.rows.push(
            Row::new(vec![
                t.cell(vec![text(g.chosen_realisation.as_deref().unwrap_or(""))]),
            ])
            .min_height(t.len(20.0)),
        );
        table.rows.push(t.section(NEEDS, 1));
        table.rows.push(
            Row::new(vec![
                t.cell(vec![text(g.needs_statement.as_deref().unwrap_or(""))]),
            ])
            .min_height(t.len(30.0))
            .breakable(),
        );
    }
    table.rows.push(t.section(PROPOSAL, 1));
    table.rows.push(Row::new(vec![t.cell(vec![
        text(PROPOSAL_TEXT[0]),
        text(PROPOSAL_TEXT[1]).space_before(t.len(3.0)),
    ])]));
    let mut vigilance = vec![Para::new(VIGILANCE, t.label)];
    for sentence in [&g.coverage, &g.environment] {
        if !sentence.trim().is_empty() {
            vigilance.push(
                text(&format!("– {}", sentence.trim()))
                    .indent(t.len(8.0))
                    .space_before(t.len(2.0)),
            );
        }
    }
    table
        .rows
        .push(Row::new(vec![t.cell(vigilance).fill(0.97)]).breakable());
    table.rows.push(Row::new(vec![
        t.cell(vec![mark_line(
            "NOTE",
            g.proposed.map(|p| p.to_string()),
            t,
        )])
        .valign(VAlign::Middle),
    ]));

    table.rows.push(t.section(PENALTIES, 1));
    let annex = appraisal_annex(&g.header.annex)
        .map_or_else(|| APPRAISAL.to_owned(), |a| format!("annexe {a}"));
    let mut penalties = vec![text(&format!(
        "Les pénalités ci-dessous doivent être appliquées de façon à ce que la note finale de la personne candidate ({annex}) en tienne compte."
    ))];
    for p in &bts_sio_2019().e4_evaluation.penalties {
        penalties.push(
            text(&format!(
                "{} {}",
                tick(g.penalties.contains(&p.code)),
                p.text
            ))
            .space_before(t.len(3.0)),
        );
    }
    table.rows.push(Row::new(vec![t.cell(penalties)]));
    table.rows.push(Row::new(vec![t.cell(vec![
        mark_line(
            "NOTE FINALE",
            g.final_mark().map(|m| m.to_string()),
            t,
        ),
        Para::new(FINAL_NOTE, t.note)
            .center()
            .space_before(t.len(2.0)),
    ])]));
    c.space(t.len(8.0));
    c.table(&table)?;

    c.para(
        &Para::new(LEVELS_CAPTION, t.label)
            .center()
            .space_before(t.len(8.0)),
    )?;
    c.space(t.len(3.0));
    c.table(&levels_table(t, width))?;
    c.space(t.len(8.0));
    c.table(&visa_table(&g.visas, t, width)?)?;
    Ok(c)
}

/// The « Tableau d'aide à l'appréciation des niveaux de maîtrise »: a column per level, its
/// descriptors down the column; a level's last descriptor spans the rows it has none for
/// (« Non évaluable » has one for the whole column).
fn levels_table(t: Type, width: f32) -> Table {
    let levels = &bts_sio_2019().e4_evaluation.mastery_levels;
    let n = levels.len().max(1);
    let mut table = Table::new(vec![width / n as f32; n]);
    let style = t.note.scaled(0.92);
    let pad = Padding::xy(3.0, t.len(2.0));
    table.rows.push(
        Row::new(
            levels
                .iter()
                .map(|l| {
                    Cell::para(Para::new(l.label.as_str(), t.label).center())
                        .fill(LABEL_FILL)
                        .padding(pad)
                })
                .collect(),
        )
        .keep_with_next(),
    );
    let depth = levels
        .iter()
        .map(|l| l.descriptors.len())
        .max()
        .unwrap_or(0)
        .max(1);
    for i in 0..depth {
        let mut cells = Vec::new();
        for l in levels {
            let last = l.descriptors.len().max(1) - 1;
            if i > last {
                continue;
            }
            let text = l.descriptors.get(i).map_or("", String::as_str);
            let mut cell = Cell::text(text, style).padding(pad).valign(VAlign::Middle);
            if i == last {
                cell = cell.rowspan(depth - i);
            }
            cells.push(cell);
        }
        table.rows.push(Row::new(cells));
    }
    table
}

fn compose_verso(g: &GridSheet) -> Result<Composer, PdfError> {
    let mut c = Composer::new(A4.landscape(), LANDSCAPE_MARGINS);
    let width = c.width();
    let t = Type::at(1.0);
    c.para(
        &Para::new(
            format!("ANNEXE {} : {GRID} (verso)", g.header.annex),
            t.heading,
        )
        .center(),
    )?;
    c.para(
        &Para::new(
            format!(
                "Nom, prénom : {} – N° candidat : {}",
                full_name(&g.header),
                g.header.candidate_number
            ),
            t.note,
        )
        .center()
        .space_before(2.0),
    )?;
    c.space(6.0);

    let levels = &bts_sio_2019().e4_evaluation.mastery_levels;
    let n = levels.len();
    const LEVEL: f32 = 47.0;
    let competency = 240.0;
    let mut columns = vec![competency];
    columns.extend(std::iter::repeat_n(LEVEL, n));
    columns.push((width - competency - LEVEL * n as f32).max(100.0));
    let mut table = Table::new(columns);

    let head = Style::bold(8.0);
    let pad = Padding::xy(4.0, 3.0);
    let header_cell = |s: &str| {
        Cell::para(Para::new(s, head).center())
            .fill(LABEL_FILL)
            .valign(VAlign::Middle)
            .padding(pad)
    };
    table.header = vec![
        Row::new(vec![
            header_cell(COMPETENCIES).rowspan(2),
            header_cell(LEVELS).colspan(n),
            header_cell(INDICATORS).rowspan(2),
        ]),
        Row::new(
            levels
                .iter()
                .map(|l| {
                    Cell::para(Para::new(l.label.as_str(), Style::bold(7.0)).center())
                        .fill(LABEL_FILL)
                        .valign(VAlign::Middle)
                        .padding(Padding::xy(2.0, 3.0))
                })
                .collect(),
        ),
    ];

    let label = Style::bold(8.5);
    let small = Style::regular(8.0);
    for (spec, rated) in &g.rows {
        let mut first = vec![Para::new(spec.label.as_str(), label)];
        first.extend(spec.skills.iter().map(|s| {
            Para::new(format!("• {s}"), small)
                .indent(7.0)
                .space_before(1.5)
        }));
        let mut cells = vec![Cell::new(first).padding(pad)];
        for l in levels {
            cells.push(
                Cell::para(Para::new(tick(*rated == Some(l.code)), Style::regular(12.0)).center())
                    .valign(VAlign::Middle),
            );
        }
        cells.push(
            Cell::new(
                spec.indicators
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        Para::new(s.as_str(), small).space_before(if i == 0 { 0.0 } else { 2.0 })
                    })
                    .collect(),
            )
            .padding(pad),
        );
        table.rows.push(Row::new(cells));
    }
    c.table(&table)?;
    Ok(c)
}

fn compose_appraisal(a: &AppraisalSheet, t: Type) -> Result<Composer, PdfError> {
    let mut c = Composer::new(A4, MARGINS);
    let width = c.width();
    top(
        &mut c,
        &a.header,
        t,
        &format!("ANNEXE {} : {APPRAISAL}", a.header.annex),
    )?;
    c.table(&header_table(&a.header, t, width, false)?)?;
    c.space(t.len(10.0));

    let mut table = Table::new(vec![width]);
    let observed = |text: &str, min: f32| {
        Row::new(vec![t.cell(vec![
            Para::new(OBSERVATIONS, t.label),
            Para::new(text, t.value).space_before(t.len(3.0)),
        ])])
        .min_height(t.len(min))
        .breakable()
    };
    table.rows = vec![
        t.section(PART1, 1),
        observed(&a.part1, 90.0),
        t.section(PART2, 1),
        observed(&a.part2, 110.0),
        t.section(APPRECIATION, 1),
        Row::new(vec![
            t.cell(vec![Para::new(a.appreciation.as_str(), t.value)]),
        ])
        .min_height(t.len(110.0))
        .breakable(),
        Row::new(vec![
            t.cell(vec![mark_line("NOTE", a.mark.map(|m| m.to_string()), t)])
                .valign(VAlign::Middle),
        ])
        .min_height(t.len(30.0)),
    ];
    c.table(&table)?;
    c.space(t.len(10.0));
    c.table(&visa_table(&a.visas, t, width)?)?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::BLANK_DATE;
    use portfolio_domain::evaluation::ProposedMark;
    use portfolio_domain::grid::{MarkSheetRow, grid_rows};
    use portfolio_domain::session_labels::SessionLabels;
    use portfolio_framework::MasteryLevel;
    use time::{Date, Month};

    /// The text of each page, whitespace collapsed: wrapping turns spaces into line breaks.
    fn pages(pdf: &[u8]) -> Vec<String> {
        assert!(pdf.starts_with(b"%PDF-1.7"), "a PDF header");
        pdf_extract::extract_text_from_mem_by_pages(pdf)
            .expect("a PDF whose text can be extracted")
            .iter()
            .map(|t| normalise(t))
            .collect()
    }

    fn normalise(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn find(hay: &str, needle: &str) -> usize {
        let needle = normalise(needle);
        hay.find(&needle)
            .unwrap_or_else(|| panic!("{needle:?} not found in:\n{hay}"))
    }

    fn date(d: u8) -> Date {
        Date::from_calendar_date(2027, Month::May, d).expect("a valid date")
    }

    fn mark(s: &str) -> ProposedMark {
        ProposedMark::parse(s).expect("a mark")
    }

    fn header(exam: DossierExam, track: Track, annex: &str) -> EvaluationHeader {
        EvaluationHeader {
            exam_heading: SessionLabels::text_of_2019().exam_heading(exam, track),
            annex: annex.to_owned(),
            academy: "Lyon".to_owned(),
            session_year: 2027,
            last_name: "DUPONT-ŒUVRARD".to_owned(),
            first_name: "Élodie".to_owned(),
            candidate_number: "02145678901".to_owned(),
            form: ExamForm::Continuous,
            commission: "C3".to_owned(),
            track,
            date: Some(date(12)),
            members: vec!["Agnès Perrin".to_owned(), "Marc Dubois".to_owned()],
        }
    }

    fn visas() -> Vec<Visa> {
        vec![
            Visa {
                name: "Agnès Perrin".to_owned(),
                signed_on: Some(date(12)),
            },
            Visa {
                name: "Marc Dubois".to_owned(),
                signed_on: None,
            },
        ]
    }

    fn grid(exam: DossierExam, track: Track) -> GridSheet {
        GridSheet {
            header: header(exam, track, "6-3"),
            exam,
            rows: grid_rows(exam, track)
                .into_iter()
                .enumerate()
                .map(|(i, r)| (r, Some(MasteryLevel::ALL[(i + 2) % 5])))
                .collect(),
            coverage: "Toutes les compétences du bloc sont couvertes par au moins une réalisation."
                .to_owned(),
            environment: "L'environnement technologique est conforme à celui de l'option."
                .to_owned(),
            proposed: Some(mark("12,5")),
            penalties: vec![Penalty::MissingSynthesisTable],
            chosen_realisation: (exam == DossierExam::Block2)
                .then(|| "R03 – Supervision « Zabbix » des équipements réseau".to_owned()),
            needs_statement: (exam == DossierExam::Block2).then(|| {
                "La DSI souhaite être alertée par courriel quand un commutateur ne répond plus."
                    .to_owned()
            }),
            visas: visas(),
        }
    }

    #[test]
    fn grid_prints_the_recto_on_page_one_and_the_verso_after() {
        let g = grid(DossierExam::Block1, Track::Sisr);
        let p = pages(&grid_pdf(&g).expect("rendered"));
        assert!(p.len() >= 2, "{} pages", p.len());
        let recto = &p[0];
        for field in [
            "Épreuve E4 – Support et mise à disposition de services informatiques",
            "ANNEXE 6-3 : Grille d'aide à l'évaluation (recto)",
            "Nom, prénom : DUPONT-ŒUVRARD Élodie",
            "N° candidat : 02145678901",
            "Épreuve ponctuelle ☐",
            "Contrôle en cours de formation ☒",
            "N° commission : C3",
            "OPTION SISR ☒",
            "OPTION SLAM ☐",
            "Date : 12/05/2027",
            "Noms des membres de la commission d'interrogation : Agnès Perrin, Marc Dubois",
            PROPOSAL,
            PROPOSAL_TEXT[0],
            PROPOSAL_TEXT[1],
            VIGILANCE,
            &g.coverage,
            &g.environment,
            "NOTE 12,5 / 20",
            PENALTIES,
            "de la personne candidate (annexe 6-4) en tienne compte.",
            "☐ Portfolio inaccessible (10 points de pénalité)",
            "☒ Absence de tableau de synthèse (2 points de pénalité)",
            "NOTE FINALE 11 / 20",
            FINAL_NOTE,
            LEVELS_CAPTION,
            VISA,
            "Agnès Perrin Date : 12/05/2027",
            &format!("Marc Dubois Date : {BLANK_DATE}"),
        ] {
            find(recto, field);
        }
        assert_eq!(g.final_mark().map(|m| m.points()), Some(11));
        for level in &bts_sio_2019().e4_evaluation.mastery_levels {
            find(recto, &level.label);
            for d in &level.descriptors {
                find(recto, d);
            }
        }
        assert!(!recto.contains("(verso)"));
        assert!(!recto.contains(NEEDS), "no Bloc 2 box on a Bloc 1 grid");

        let verso = p[1..].join(" ");
        find(&p[1], "ANNEXE 6-3 : Grille d'aide à l'évaluation (verso)");
        find(&p[1], "Compétences Niveaux de maîtrise");
        find(&verso, INDICATORS);
        for (row, _) in &g.rows {
            find(&verso, &row.label);
            for s in &row.skills {
                find(&verso, &format!("• {s}"));
            }
            for i in &row.indicators {
                find(&verso, i);
            }
        }
        let ticked = verso.matches('☒').count();
        assert_eq!(ticked, g.rows.len(), "one level ticked per row");
        for (i, page) in p.iter().enumerate() {
            find(page, &format!("page {}/{}", i + 1, p.len()));
        }
    }

    #[test]
    fn grid_ticks_the_level_rated_in_its_column() {
        // Every row rated « Bonne maîtrise »: the fourth box of each row is the ticked one.
        let mut g = grid(DossierExam::Block1, Track::Slam);
        for (_, level) in &mut g.rows {
            *level = Some(MasteryLevel::GoodMastery);
        }
        g.rows[0].1 = None;
        let p = pages(&grid_pdf(&g).expect("rendered"));
        let verso = p[1..].join(" ");
        let boxes: String = verso.chars().filter(|c| matches!(c, '☐' | '☒')).collect();
        let mut expected = "☐☐☐☐☐".to_owned();
        for _ in 1..g.rows.len() {
            expected.push_str("☐☐☐☒☐");
        }
        assert_eq!(boxes, expected);
    }

    #[test]
    fn bloc2_grid_prints_its_three_competencies_and_the_expression_de_besoins() {
        for track in Track::ALL {
            let g = grid(DossierExam::Block2, track);
            assert_eq!(g.rows.len(), 3);
            let p = pages(&grid_pdf(&g).expect("rendered"));
            let recto = &p[0];
            find(recto, "Épreuve E5");
            find(recto, CHOSEN);
            find(recto, "R03 – Supervision « Zabbix » des équipements réseau");
            find(recto, NEEDS);
            find(
                recto,
                "La DSI souhaite être alertée par courriel quand un commutateur ne répond plus.",
            );
            let verso = p[1..].join(" ");
            find(&verso, "(verso)");
            for (row, _) in &g.rows {
                find(&verso, &row.label);
            }
            assert!(!verso.contains("Capacité à rendre compte"));
        }
    }

    #[test]
    fn grid_without_a_proposed_mark_leaves_both_notes_blank() {
        let mut g = grid(DossierExam::Block1, Track::Sisr);
        g.proposed = None;
        g.penalties.clear();
        let p = pages(&grid_pdf(&g).expect("rendered"));
        find(&p[0], &format!("NOTE {BLANK_MARK} / 20"));
        find(&p[0], &format!("NOTE FINALE {BLANK_MARK} / 20"));
        find(&p[0], "☐ Absence de tableau de synthèse");
    }

    #[test]
    fn the_recto_of_a_bloc1_grid_holds_on_one_page() {
        let g = grid(DossierExam::Block1, Track::Sisr);
        let recto = fit_one_page(&SCALES, |s| compose_recto(&g, Type::at(s))).expect("laid out");
        assert_eq!(recto.page_count(), 1);
    }

    #[test]
    fn the_appraisal_annex_follows_the_grids() {
        assert_eq!(appraisal_annex("6-3").as_deref(), Some("6-4"));
        assert_eq!(appraisal_annex("VI-3").as_deref(), Some("VI-4"));
        assert_eq!(appraisal_annex("annexe"), None);
    }

    fn appraisal(mark: Option<u8>, len: usize) -> AppraisalSheet {
        let prose = "La personne candidate présente son parcours avec clarté ; les réalisations \
                     montrent une démarche rigoureuse et une communication adaptée. ";
        let long = prose.repeat(len.div_ceil(prose.len()).max(1));
        AppraisalSheet {
            header: header(DossierExam::Block1, Track::Sisr, "6-4"),
            part1: "Présentation structurée, dans le temps imparti.".to_owned(),
            part2: long.clone(),
            appreciation: format!("Toutes les compétences du bloc sont mobilisées. {long}"),
            mark,
            visas: visas(),
        }
    }

    #[test]
    fn appraisal_prints_every_part_and_the_mark() {
        let a = appraisal(Some(17), 300);
        let p = pages(&appraisal_pdf(&a).expect("rendered"));
        assert_eq!(p.len(), 1);
        let page = &p[0];
        let mut at = 0;
        for field in [
            "Épreuve E4 – Support et mise à disposition de services informatiques",
            "ANNEXE 6-4 : Fiche d'appréciation destinée à la personne candidate",
            "Nom, prénom : DUPONT-ŒUVRARD Élodie",
            "N° candidat : 02145678901",
            "Épreuve ponctuelle ☐",
            "Contrôle en cours de formation ☒",
            "N° commission : C3",
            "OPTION SISR ☒",
            "OPTION SLAM ☐",
            "Date : 12/05/2027",
            PART1,
            OBSERVATIONS,
            &a.part1,
            PART2,
            OBSERVATIONS,
            &a.part2,
            APPRECIATION,
            &a.appreciation,
            "NOTE 17 / 20",
            VISA,
            "Agnès Perrin Date : 12/05/2027",
        ] {
            at += find(&page[at..], field);
        }
        assert!(!page.contains(MEMBERS), "no members' row on the fiche");
    }

    #[test]
    fn the_candidates_copy_without_a_mark_shows_no_mark() {
        let a = appraisal(None, 300);
        let pdf = appraisal_pdf(&a).expect("rendered");
        let text = pages(&pdf).join(" ");
        find(&text, &format!("NOTE {BLANK_MARK} / 20"));
        assert!(!text.contains("17"));
        // The same sheet with the mark does print it: the test would see it.
        let with = pages(&appraisal_pdf(&appraisal(Some(17), 300)).expect("rendered")).join(" ");
        assert!(with.contains("17"));
        // Nor in the document's metadata.
        assert!(!String::from_utf8_lossy(&pdf).contains("17 / 20"));
    }

    #[test]
    fn long_observations_flow_onto_a_second_page() {
        let a = appraisal(Some(17), 6000);
        let p = pages(&appraisal_pdf(&a).expect("rendered"));
        assert!(p.len() >= 2, "{} pages", p.len());
        let all = p.join(" ");
        find(&all, &a.part2);
        find(&all, "NOTE 17 / 20");
        find(&p[p.len() - 1], VISA);
        find(&p[0], &format!("page 1/{}", p.len()));
    }

    fn sheet_rows(n: usize) -> Vec<MarkSheetRow> {
        const LAST: [&str; 7] = [
            "Martin", "Bernard", "Zola", "Dubois", "Œuvrard", "Petit", "Lefèvre",
        ];
        const FIRST: [&str; 10] = [
            "Jade", "Lucas", "Émile", "Inès", "Noé", "Léa", "Hugo", "Zoé", "Chloé", "Adam",
        ];
        (0..n)
            .map(|i| MarkSheetRow {
                candidate_number: format!("0214{:07}", 1000 + i * 37),
                last_name: LAST[i % LAST.len()].to_owned(),
                first_name: FIRST[i / LAST.len() % FIRST.len()].to_owned(),
                track: if i % 2 == 0 { Track::Sisr } else { Track::Slam },
                form: if i % 3 == 0 {
                    ExamForm::OneOff
                } else {
                    ExamForm::Continuous
                },
                commission: format!("C{}", 1 + i % 4),
                proposed: ProposedMark::from_hundredths(((i * 137) % 2001) as u16),
                penalties: match i % 5 {
                    0 => vec![Penalty::MissingSynthesisTable],
                    1 => vec![
                        Penalty::PortfolioInaccessible,
                        Penalty::MissingSynthesisTable,
                    ],
                    _ => Vec::new(),
                },
            })
            .collect()
    }

    #[test]
    fn bordereau_of_seventy_candidates_in_a_few_pages() {
        let mut rows = sheet_rows(70);
        rows[5].proposed = None;
        rows[6].proposed = Some(mark("12,5"));
        rows[6].penalties = vec![Penalty::MissingSynthesisTable];
        let m = MarkSheet {
            academy: "Lyon".to_owned(),
            session_year: 2027,
            school_name: "Lycée Ampère".to_owned(),
            exam_heading: SessionLabels::text_of_2019()
                .exam_heading(DossierExam::Block1, Track::Sisr),
            rows,
        };
        let p = pages(&mark_sheet_pdf(&m).expect("rendered"));
        assert!((2..=4).contains(&p.len()), "{} pages", p.len());
        find(&p[0], MARK_SHEET);
        find(&p[0], &m.exam_heading);
        find(&p[0], "Session 2027 – Académie de Lyon – Lycée Ampère");
        for (i, page) in p.iter().enumerate() {
            find(page, &MARK_SHEET_HEADERS.join(" "));
            find(page, &format!("page {}/{}", i + 1, p.len()));
        }
        let all = p.join(" ");
        let mut at = 0;
        for r in m.sorted_rows() {
            let (proposed, fin) = match r.proposed {
                Some(p) => (p.to_string(), final_mark(p, &r.penalties).to_string()),
                None => (NO_MARK.to_owned(), NO_MARK.to_owned()),
            };
            let labels: Vec<&str> = Penalty::ALL
                .iter()
                .filter(|p| r.penalties.contains(p))
                .map(|p| p.label())
                .collect();
            let line = [
                r.candidate_number.as_str(),
                &r.last_name,
                &r.first_name,
                r.track.code(),
                form_short_label(r.form),
                &r.commission,
                &proposed,
                &labels.join(" ; "),
                &penalty_points(&r.penalties).to_string(),
                &fin,
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
            at += find(&all[at..], &line);
        }
        let no_mark = &m.rows[5];
        find(
            &all,
            &format!("{} {}", no_mark.candidate_number, no_mark.last_name),
        );
        find(
            &all,
            &format!("{NO_MARK} Absence de tableau de synthèse 2 {NO_MARK}"),
        );
        find(
            &all,
            &format!(
                "{} Lefèvre Jade SISR Ponctuelle C3 12,5 Absence de tableau de synthèse 2 11",
                m.rows[6].candidate_number
            ),
        );
        find(&all, "70 candidat(s), dont 1 sans proposition de note");
    }
}
