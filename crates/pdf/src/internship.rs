//! The attestation de stage (annexe 9 of the exam circular), pre-filled by the platform,
//! with empty boxes for the organisation's signature and stamp. The seeds do not give the
//! model: the fields are those annexe III.B of the référentiel asks for (dates, duration,
//! content, given by the organisation's « responsable ») and the identification of the
//! organisation, the student and the tutor; see `portfolio_domain::forms`.

use portfolio_domain::dossier::long_date;
use portfolio_domain::forms::InternshipCertificateForm;

use crate::PdfError;
use crate::doc::{A4, Meta};
use crate::form::{BLANK_DATE, SCALES, Type, siret};
use crate::layout::{Align, Cell, Composer, Margins, Para, Row, Table, fit_one_page};

const DOCUMENT: &str = "Attestation de stage";
/// Annexe III.B of the référentiel, 3.1, verbatim: what the attestation is for.
const PURPOSE: &str = "En fin de stage, une attestation est remise à la personne stagiaire par le responsable de l’organisation d’accueil. Elle précise les dates, la durée et le contenu du stage.";
const STATEMENT: &str = "Le ou la responsable de l’organisation d’accueil soussigné(e) atteste que la personne désignée ci-dessus a effectué dans l’organisation le stage dont les dates, la durée et le contenu sont précisés ci-dessus.";

/// The attestation as a one-page PDF (type a little smaller when the activities are long;
/// a second page only for a list that would not fit even then).
///
/// Fails if the duration does not fit the dates (see [`InternshipCertificateForm::check`]).
pub fn internship_certificate_pdf(f: &InternshipCertificateForm) -> Result<Vec<u8>, PdfError> {
    f.check()?;
    let composer = fit_one_page(&SCALES, |scale| compose(f, Type::at(scale)))?;
    let meta = Meta {
        title: format!(
            "{DOCUMENT} – {} – {} – session {}",
            f.trainee.name, f.organisation.name, f.session_year
        ),
        author: Some(f.organisation.name.clone()),
    };
    let name = f.trainee.name.clone();
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

fn compose(f: &InternshipCertificateForm, t: Type) -> Result<Composer, PdfError> {
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

    c.para(&Para::new("Annexe 9", t.note).align(Align::Right))?;
    c.para(&Para::new("BTS SERVICES INFORMATIQUES AUX ORGANISATIONS", t.heading).center())?;
    c.para(
        &Para::new(format!("SESSION {}", f.session_year), t.heading)
            .center()
            .space_before(t.len(2.0)),
    )?;
    c.para(
        &Para::new("ATTESTATION DE STAGE", t.title)
            .center()
            .space_before(t.len(12.0)),
    )?;
    c.para(&Para::new(PURPOSE, t.note).center().space_before(t.len(6.0)))?;
    c.space(t.len(14.0));

    // Two columns: a field and its neighbour on the same line.
    let mut table = Table::new(vec![width * 0.58, width * 0.42]);
    let both = |p: Para| Row::new(vec![t.cell(vec![p]).colspan(2)]);
    let pair = |a: Para, b: Para| Row::new(vec![t.cell(vec![a]), t.cell(vec![b])]);
    let o = &f.organisation;
    let s = &f.trainee;
    // None: the box stays empty for the organisation to write in.
    let activities: Vec<Para> = f
        .activities
        .iter()
        .map(|a| {
            Para::new(format!("– {a}"), t.value)
                .indent(t.len(8.0))
                .space_before(t.len(1.5))
        })
        .collect();
    table.rows = vec![
        t.section("Organisation d’accueil", 2),
        both(t.field("Nom ou raison sociale : ", &o.name)?),
        both(t.field("Adresse : ", &o.address)?),
        both(t.field(
            "N° SIRET : ",
            &o.siret.as_deref().map(siret).unwrap_or_default(),
        )?),
        t.section("Personne stagiaire", 2),
        pair(
            t.field("Nom et prénom : ", &s.name)?,
            t.date_field("Né(e) le : ", s.birth_date)?,
        ),
        pair(
            t.field("Établissement de formation : ", &s.school_name)?,
            t.field(
                "N° candidat : ",
                f.candidate_number.as_deref().unwrap_or(""),
            )?,
        ),
        both(t.track(f.track)?),
        t.section("Stage", 2),
        pair(
            t.field(
                "Dates : ",
                &format!(
                    "du {} au {}",
                    long_date(f.period.start()),
                    long_date(f.period.end())
                ),
            )?,
            t.field("Durée effective : ", &f.duration.label())?,
        ),
        t.section(
            "Contenu du stage : activités confiées à la personne stagiaire",
            2,
        ),
        Row::new(vec![t.cell(activities).colspan(2)])
            .min_height(t.len(150.0))
            .breakable(),
        t.section("Tuteur ou tutrice dans l’organisation d’accueil", 2),
        pair(
            t.field("Nom et prénom : ", &f.tutor.name)?,
            t.field("Fonction : ", &f.tutor.job_title)?,
        ),
    ];
    c.table(&table)?;

    c.para(&Para::new(STATEMENT, t.value).space_before(t.len(14.0)))?;
    let place = if f.place.trim().is_empty() {
        "………………………………"
    } else {
        f.place.as_str()
    };
    let date = f.date.map_or_else(|| BLANK_DATE.to_owned(), long_date);
    c.para(
        &Para::new("Fait à ", t.label)
            .push(place, t.value)
            .push(", le ", t.label)
            .push(date, t.value)
            .space_before(t.len(10.0)),
    )?;
    c.space(t.len(10.0));

    // Left empty for the organisation: two boxes with a gutter between them.
    let gutter = 14.0;
    let half = (width - gutter) / 2.0;
    let mut signatures = Table::new(vec![half, gutter, half]);
    let boxed = |paras: Vec<Para>| t.cell(paras);
    signatures.rows = vec![
        Row::new(vec![
            boxed(vec![
                Para::new(
                    "Signature du responsable de l’organisation d’accueil",
                    t.label,
                )
                .center(),
                Para::new("(nom et fonction)", t.note).center(),
            ]),
            Cell::empty().border(0.0),
            boxed(vec![
                Para::new("Cachet de l’organisation", t.label).center(),
            ]),
        ])
        .min_height(t.len(140.0)),
    ];
    c.table(&signatures)?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Op;
    use crate::layout::{Style, text_width};
    use portfolio_domain::dossier::Period;
    use portfolio_domain::forms::{HostOrganisation, InternshipDuration, Person, Trainee};
    use portfolio_framework::Track;
    use time::macros::date;

    #[test]
    fn nothing_is_drawn_outside_the_margins() {
        let long = "Organisation au nom particulièrement long ".repeat(6);
        let f = InternshipCertificateForm {
            session_year: 2027,
            track: Track::Slam,
            candidate_number: None,
            organisation: HostOrganisation {
                name: long.clone(),
                address: "ж".repeat(300),
                siret: Some("732 829 320 00074".to_owned()),
            },
            trainee: Trainee {
                name: long.clone(),
                birth_date: None,
                school_name: long.clone(),
            },
            period: Period::new(date!(2026 - 05 - 18), date!(2026 - 06 - 26)).expect("ordered"),
            duration: InternshipDuration { weeks: 5, days: 0 },
            activities: vec![long.clone(); 4],
            tutor: Person {
                name: long.clone(),
                job_title: long,
            },
            place: String::new(),
            date: None,
        };
        let pages = compose(&f, Type::at(1.0))
            .and_then(|c| c.into_pages(|_, _| None))
            .expect("rendered");
        for page in &pages {
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
