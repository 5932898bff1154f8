//! The E5 fiche descriptive de réalisation professionnelle (annexe 7-1-A for SISR, 7-1-B for
//! SLAM): recto the identification, the conditions and the resources; verso the
//! description and the productions. The seeds do not give the model's text, so the labels
//! are those of the brief (see the crate's report); the competency labels come from the
//! référentiel.

use portfolio_domain::dossier::{Modality, RealisationSheet, long_date};
use portfolio_framework::{ExamForm, bts_sio_2019};

use crate::PdfError;
use crate::doc::{A4, Meta};
use crate::layout::{Cell, Composer, Margins, Padding, Para, Row, Style, Table, VAlign};

const DOCUMENT: &str = "Fiche descriptive de réalisation professionnelle";
const LABEL_FILL: f32 = 0.9;
const VERSO: &str = "Descriptif de la réalisation professionnelle, y compris les productions réalisées et schémas explicatifs";

const HEADING: Style = Style::bold(11.0);
const SUBHEADING: Style = Style::bold(10.0);
const NOTE: Style = Style::regular(9.0);
const LABEL: Style = Style::bold(9.0);
const VALUE: Style = Style::regular(9.0);
const FOOTER: Style = Style::regular(7.0);

fn tick(on: bool) -> &'static str {
    if on { "☒" } else { "☐" }
}

/// The fiche descriptive as a PDF: page 1 the recto, page 2 the verso (more pages only if
/// the texts do not fit).
///
/// Fails if a competency is not one of the Bloc 2 of the sheet's option.
pub fn realisation_sheet_pdf(s: &RealisationSheet) -> Result<Vec<u8>, PdfError> {
    let fw = bts_sio_2019();
    let block_code = format!("B2-{}", s.track.code());
    let block = fw
        .block(&block_code)
        .ok_or_else(|| PdfError::MissingBlock(block_code.clone()))?;
    for code in &s.competencies {
        if !block.competencies.iter().any(|c| &c.code == code) {
            return Err(PdfError::UnknownCompetency {
                document: DOCUMENT,
                code: code.clone(),
                context: s.title.clone(),
                block: format!("bloc 2 {}", s.track.code()),
            });
        }
    }

    let mut composer = Composer::new(A4, Margins::all(36.0));
    let width = composer.width();
    // Three columns: the name (and the period) | the candidate number (and the start of the
    // place) | the realisation number and the date, wide enough for their values.
    let columns = vec![width - 255.0, 150.0, 105.0];
    const ALL: usize = 3;

    // Title lines, outside the table.
    composer.para(&Para::new("BTS SERVICES INFORMATIQUES AUX ORGANISATIONS", HEADING).center())?;
    composer.para(&Para::new(DOCUMENT, HEADING).center().space_before(2.0))?;
    composer.para(
        &Para::new(
            format!("{} (option {})", s.exam_label, s.track.code()),
            SUBHEADING,
        )
        .center()
        .space_before(4.0),
    )?;
    composer.para(&Para::new(format!("Option « {} »", s.track.label()), NOTE).center())?;
    composer.space(10.0);

    let pad = Padding::xy(5.0, 4.0);
    let cell = |p: Vec<Para>, span: usize| Cell::new(p).colspan(span).padding(pad);
    let one = |p: Para, span: usize| cell(vec![p], span).valign(VAlign::Middle);
    let field = |label: &str, value: &str| Para::new(label, LABEL).push(value, VALUE);
    let label_row = |label: &str| {
        Row::new(vec![
            Cell::text(label, LABEL)
                .colspan(ALL)
                .fill(LABEL_FILL)
                .padding(Padding::xy(5.0, 3.0)),
        ])
        .keep_with_next()
    };
    let text_row = |text: &str, min: f32| {
        Row::new(vec![cell(vec![Para::new(text, VALUE)], ALL)]).min_height(min)
    };

    let date = s
        .date
        .map(long_date)
        .unwrap_or_else(|| "…… / …… / …………".to_owned());
    let form = format!(
        "{} Épreuve ponctuelle      {} Contrôle en cours de formation",
        tick(s.exam_form == ExamForm::OneOff),
        tick(s.exam_form == ExamForm::Continuous)
    );
    let place = if s.place.trim().is_empty() {
        s.setting.label().to_owned()
    } else {
        format!("{} ({})", s.place, s.setting.label())
    };
    let modality = format!(
        "{} {}      {} {}",
        tick(s.modality == Modality::Solo),
        Modality::Solo.label(),
        tick(s.modality == Modality::Team),
        Modality::Team.label()
    );
    let mut modality_paras = vec![field("Modalité : ", &modality)];
    if let (Modality::Team, Some(contribution)) = (s.modality, &s.personal_contribution) {
        modality_paras.push(field("Contribution personnelle : ", contribution).space_before(3.0));
    }
    let competencies: Vec<Para> = block
        .competencies
        .iter()
        .map(|c| {
            Para::new(
                format!("{} {}", tick(s.competencies.contains(&c.code)), c.label),
                VALUE,
            )
            .indent(11.0)
            .space_before(1.5)
        })
        .collect();

    let mut recto = Table::new(columns.clone());
    recto.rows = vec![
        Row::new(vec![
            one(field("Nom, prénom : ", &s.candidate_name), 1),
            one(
                field(
                    "N° candidat : ",
                    s.candidate_number.as_deref().unwrap_or(""),
                ),
                1,
            ),
            one(field("N° réalisation : ", &s.number.to_string()), 1),
        ])
        .min_height(20.0),
        Row::new(vec![
            one(Para::new(form, VALUE), 2),
            one(field("Date : ", &date), 1),
        ])
        .min_height(20.0),
        label_row("Organisation support de la réalisation professionnelle"),
        text_row(&s.organisation, 20.0),
        label_row("Intitulé de la réalisation professionnelle"),
        text_row(&s.title, 20.0),
        Row::new(vec![
            one(
                field(
                    "Période de réalisation : ",
                    &format!(
                        "du {} au {}",
                        long_date(s.period.start()),
                        long_date(s.period.end())
                    ),
                ),
                1,
            ),
            one(field("Lieu : ", &place), 2),
        ])
        .min_height(20.0),
        Row::new(vec![cell(modality_paras, ALL).valign(VAlign::Middle)]).min_height(20.0),
        label_row("Compétences travaillées"),
        Row::new(vec![cell(competencies, ALL)]),
        label_row("Conditions de réalisation (ressources fournies, résultats attendus)"),
        Row::new(vec![cell(
            vec![
                field("Ressources fournies : ", &s.resources_provided),
                field("Résultats attendus : ", &s.expected_results).space_before(4.0),
            ],
            ALL,
        )])
        .min_height(60.0),
        label_row("Description des ressources documentaires, matérielles et logicielles utilisées"),
        text_row(&s.resources_used, 60.0),
        label_row("Modalités d’accès aux productions et à leur documentation"),
        text_row(&s.access, 40.0).fill_page(),
    ];
    composer.table(&recto)?;

    // The verso always starts a page: it is the back of the printed sheet.
    composer.new_page();
    composer.para(
        &Para::new(
            format!("{DOCUMENT} n° {} – {} (verso)", s.number, s.candidate_name),
            NOTE,
        )
        .center(),
    )?;
    composer.space(6.0);
    let mut body = vec![Para::new(s.description.as_str(), VALUE)];
    if !s.productions.is_empty() {
        body.push(Para::new("Productions réalisées :", LABEL).space_before(8.0));
        body.extend(s.productions.iter().map(|p| {
            Para::new(format!("– {p}"), VALUE)
                .indent(9.0)
                .space_before(1.5)
        }));
    }
    let mut verso = Table::new(columns);
    verso.rows = vec![
        label_row(VERSO).section(label_row(&format!("{VERSO} (suite)"))),
        Row::new(vec![cell(body, ALL)]).fill_page(),
    ];
    composer.table(&verso)?;

    let meta = Meta {
        title: format!(
            "{DOCUMENT} n° {} – {} – {}",
            s.number, s.title, s.candidate_name
        ),
        author: Some(s.candidate_name.clone()),
    };
    let number = s.number;
    let name = s.candidate_name.clone();
    composer.finish(&meta, move |page, pages| {
        Some(
            Para::new(
                format!("{DOCUMENT} n° {number} – {name} – page {page}/{pages}"),
                FOOTER,
            )
            .align(crate::layout::Align::Right),
        )
    })
}
