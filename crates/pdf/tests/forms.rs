//! The attestation de stage (annexe 9) and the fiche de contrôle de conformité (annexe 6-2)
//! read back by text extraction (`pdf-extract`): every field, in the order of the form, the
//! right boxes ticked, the accents, long texts whole, one page.

mod common;

use common::{ACTIVITIES, CANDIDATE, CANDIDATE_NUMBER};
use portfolio_domain::conformity::Ground;
use portfolio_domain::forms::{ConformityDecision, Finding, InternshipDuration, Person, annex_6_2};
use portfolio_framework::{ExamForm, Track};
use portfolio_pdf::{PdfError, conformity_sheet_pdf, internship_certificate_pdf};

/// The text of each page, whitespace collapsed to single spaces.
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
    hay.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found in:\n{hay}"))
}

/// Each of `fields` found after the previous one; the offset after the last.
fn in_order<S: AsRef<str>>(hay: &str, fields: &[S]) -> usize {
    let mut at = 0;
    for f in fields {
        let f = normalise(f.as_ref());
        at = find(&hay[at..], &f) + at + f.len();
    }
    at
}

// ---- Attestation de stage ----

const STATEMENT: &str = "Le ou la responsable de l’organisation d’accueil soussigné(e) atteste que la personne désignée ci-dessus a effectué dans l’organisation le stage dont les dates, la durée et le contenu sont précisés ci-dessus.";
const FOOTER_ATTESTATION: &str =
    "Attestation de stage – DUPONT-ŒUVRARD Élodie – session 2027 – page 1/1";

#[test]
fn attestation_has_every_field_in_the_order_of_the_form_on_one_page() {
    let f = common::internship_certificate(6);
    let p = pages(&internship_certificate_pdf(&f).expect("rendered"));
    assert_eq!(p.len(), 1);
    let page = &p[0];
    let mut fields: Vec<String> = [
        "Annexe 9",
        "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS",
        "SESSION 2027",
        "ATTESTATION DE STAGE",
        "En fin de stage, une attestation est remise à la personne stagiaire par le responsable de l’organisation d’accueil. Elle précise les dates, la durée et le contenu du stage.",
        "Organisation d’accueil",
        "Nom ou raison sociale : Mairie de Saint-Étienne-du-Rouvray – direction des systèmes d’information",
        "Adresse : Place de la Libération CS 80458 76801 Saint-Étienne-du-Rouvray Cedex",
        "N° SIRET : 217 605 750 00019",
        "Personne stagiaire",
        &format!("Nom et prénom : {CANDIDATE}"),
        "Né(e) le : 14/03/2006",
        "Établissement de formation : Lycée Jean-Baptiste Say – Paris",
        &format!("N° candidat : {CANDIDATE_NUMBER}"),
        "Option : ☒ SISR ☐ SLAM",
        "Stage",
        "Dates : du 18/05/2026 au 26/06/2026",
        "Durée effective : 5 semaines et 3 jours",
        "Contenu du stage : activités confiées à la personne stagiaire",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    fields.extend(ACTIVITIES.iter().map(|a| format!("– {a}")));
    fields.extend(
        [
            "Tuteur ou tutrice dans l’organisation d’accueil",
            "Nom et prénom : Grégoire Lefèvre",
            "Fonction : Responsable du pôle infrastructure",
            STATEMENT,
            "Fait à Saint-Étienne-du-Rouvray, le 26/06/2026",
            "Signature du responsable de l’organisation d’accueil (nom et fonction)",
            "Cachet de l’organisation",
        ]
        .map(str::to_owned),
    );
    let end = in_order(page, &fields);
    // The signature and stamp boxes are empty: only the footer follows their labels.
    assert_eq!(page[end..].trim(), FOOTER_ATTESTATION);
}

#[test]
fn attestation_leaves_blanks_for_what_is_not_known() {
    let mut f = common::internship_certificate(0);
    f.track = Track::Slam;
    f.trainee.birth_date = None;
    f.candidate_number = None;
    f.organisation.siret = None;
    f.place = String::new();
    f.date = None;
    f.duration = InternshipDuration { weeks: 1, days: 0 };
    let p = pages(&internship_certificate_pdf(&f).expect("rendered"));
    assert_eq!(p.len(), 1);
    in_order(
        &p[0],
        &[
            "N° SIRET : Personne stagiaire",
            "Né(e) le : …… / …… / …………",
            "N° candidat : Option : ☐ SISR ☒ SLAM",
            "Durée effective : 1 semaine",
            // No activity: the box is left for the organisation to fill in.
            "Contenu du stage : activités confiées à la personne stagiaire Tuteur ou tutrice",
            "Fait à ………………………………, le …… / …… / …………",
        ],
    );
}

#[test]
fn thirty_activities_stay_on_one_page_and_none_is_lost() {
    let f = common::internship_certificate(30);
    let p = pages(&internship_certificate_pdf(&f).expect("rendered"));
    assert_eq!(p.len(), 1, "the type shrinks rather than start a page");
    let activities: Vec<String> = f.activities.iter().map(|a| format!("– {a}")).collect();
    let end = in_order(&p[0], &activities);
    in_order(
        &p[0][end..],
        &["Nom et prénom : Grégoire Lefèvre", "Cachet"],
    );
    for a in ACTIVITIES {
        assert_eq!(p[0].matches(&normalise(a)).count(), 5, "{a}");
    }
}

#[test]
fn a_list_too_long_for_one_page_goes_on_with_the_signatures_together() {
    let f = common::internship_certificate(60);
    let p = pages(&internship_certificate_pdf(&f).expect("rendered"));
    assert_eq!(p.len(), 2);
    let all = p.join(" ");
    for a in ACTIVITIES {
        assert_eq!(all.matches(&normalise(a)).count(), 10, "{a}");
    }
    let last = &p[1];
    in_order(
        last,
        &[
            "Signature du responsable de l’organisation d’accueil",
            "Cachet de l’organisation",
            "page 2/2",
        ],
    );
}

#[test]
fn attestation_refuses_a_duration_the_dates_cannot_hold() {
    let mut f = common::internship_certificate(3);
    f.duration = InternshipDuration { weeks: 10, days: 0 };
    let err = internship_certificate_pdf(&f).expect_err("10 weeks in 6");
    assert!(matches!(err, PdfError::InvalidForm(_)));
    assert_eq!(
        err.to_string(),
        format!(
            "Attestation de stage de « {CANDIDATE} » : une durée de 10 semaines ne tient pas \
             dans la période du 18/05/2026 au 26/06/2026 (40 jours)"
        )
    );
}

// ---- Contrôle de conformité ----

/// A ground's line as the sheet prints it.
fn ground_line(ground: Ground, ticked: bool) -> String {
    let mark = if ticked { "☒" } else { "☐" };
    match ground {
        Ground::MissingCertificates => format!(
            "{mark} {}. {}",
            ground.label(),
            annex_6_2::REGULARISATION_REQUEST
        ),
        _ => format!("{mark} {} ;", ground.label()),
    }
}

#[test]
fn conformity_sheet_has_every_field_in_the_order_of_the_form_on_one_page() {
    let f = common::conformity_sheet(300);
    let p = pages(&conformity_sheet_pdf(&f).expect("rendered"));
    assert_eq!(p.len(), 1);
    let page = &p[0];
    let fields = [
        "Annexe 6-2".to_owned(),
        "Épreuve E4 – Support et mise à disposition de services informatiques".to_owned(),
        "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS – SESSION 2027".to_owned(),
        "CONTRÔLE DE CONFORMITÉ".to_owned(),
        "Académie : Aix-Marseille".to_owned(),
        "Session : 2027".to_owned(),
        format!("Nom et prénom : {CANDIDATE}"),
        format!("N° candidat : {CANDIDATE_NUMBER}"),
        "Établissement / centre : Lycée Jean-Baptiste Say – Paris".to_owned(),
        "Option : ☐ SISR ☒ SLAM".to_owned(),
        "Forme de l'épreuve : ☐ Ponctuelle ☒ Contrôle en cours de formation (CCF)".to_owned(),
        annex_6_2::PREAMBLE.join(" "),
        annex_6_2::INTRO.to_owned(),
        ground_line(Ground::NoDossier, false),
        ground_line(Ground::LateDossier, false),
        ground_line(Ground::InsufficientDuration, false),
        ground_line(Ground::MissingCertificates, true),
        "Faits constatés :".to_owned(),
        format!("– {}", f.findings[0].facts[0]),
        format!("– {}", f.findings[0].facts[1]),
        annex_6_2::REGULARISATION_WARNING.to_owned(),
        "Date limite de régularisation : 19/03/2027".to_owned(),
        format!("☐ {}", annex_6_2::NOT_VALID),
        "Décision : ☐ dossier conforme ☒ dossier non conforme (en attente de régularisation)"
            .to_owned(),
        "Date du contrôle : 05/03/2027".to_owned(),
        "Visa : contrôle effectué par l'équipe pédagogique".to_owned(),
        "Agnès Perrin".to_owned(),
        "Professeure d’informatique, SLAM".to_owned(),
        "Noël Bénard".to_owned(),
        "Professeur d’économie-gestion".to_owned(),
        format!("Fiche de contrôle de conformité – {CANDIDATE} – session 2027 – page 1/1"),
    ];
    in_order(page, &fields);
    // Accents, œ, « » and both apostrophes (the seed's ' and the facts' ’) survive.
    for word in [
        "« Mairie de Lyon »",
        "l’œuvre",
        "Élèves",
        "l'arrêté",
        "août",
    ] {
        find(page, word);
    }
}

#[test]
fn the_boxes_ticked_follow_the_findings_and_the_decision() {
    // Compliant: nothing ticked but « conforme », no deadline.
    let mut f = common::conformity_sheet(100);
    f.findings.clear();
    f.decision = ConformityDecision::Compliant;
    let p = pages(&conformity_sheet_pdf(&f).expect("rendered"));
    let mut lines: Vec<String> = Ground::ALL.iter().map(|g| ground_line(*g, false)).collect();
    lines.push(format!("☐ {}", annex_6_2::NOT_VALID));
    lines.push("Décision : ☒ dossier conforme ☐ dossier non conforme Date du contrôle".to_owned());
    in_order(&p[0], &lines);
    assert!(!p[0].contains("Faits constatés"));
    assert!(!p[0].contains("Date limite"));
    assert_eq!(
        p[0].matches('☒').count(),
        3,
        "conforme, the option and the form"
    );

    // Refused for good on two grounds, ponctuelle: the commission checked.
    f.findings = vec![
        Finding {
            ground: Ground::LateDossier,
            facts: vec!["Dossier déposé le 2 avril, après la date du 15 mars.".to_owned()],
        },
        Finding {
            ground: Ground::NoDossier,
            facts: Vec::new(),
        },
    ];
    f.decision = ConformityDecision::NotCompliant;
    f.exam_form = ExamForm::OneOff;
    let p = pages(&conformity_sheet_pdf(&f).expect("rendered"));
    in_order(
        &p[0],
        &[
            "Forme de l'épreuve : ☒ Ponctuelle ☐ Contrôle en cours de formation (CCF)".to_owned(),
            ground_line(Ground::NoDossier, true),
            // Facts only under the ground they belong to, whatever the order given.
            ground_line(Ground::LateDossier, true),
            "Faits constatés : – Dossier déposé le 2 avril, après la date du 15 mars.".to_owned(),
            ground_line(Ground::InsufficientDuration, false),
            ground_line(Ground::MissingCertificates, false),
            format!("☒ {}", annex_6_2::NOT_VALID),
            "Décision : ☐ dossier conforme ☒ dossier non conforme Date du contrôle".to_owned(),
            "Visa : contrôle effectué par une commission spécifique désignée par les autorités académiques".to_owned(),
        ],
    );
    assert_eq!(p[0].matches("Faits constatés").count(), 1);
    assert!(!p[0].contains("Date limite"));
}

#[test]
fn every_text_of_annex_6_2_is_printed() {
    let p = pages(&conformity_sheet_pdf(&common::conformity_sheet(100)).expect("rendered"));
    let mut texts = vec![
        annex_6_2::TITLE,
        annex_6_2::NAME,
        annex_6_2::NUMBER,
        annex_6_2::INTRO,
        annex_6_2::REGULARISATION_REQUEST,
        annex_6_2::REGULARISATION_WARNING,
        annex_6_2::NOT_VALID,
        annex_6_2::DATE,
        annex_6_2::VISA,
        annex_6_2::BY_TEACHING_TEAM,
    ];
    texts.extend(annex_6_2::PREAMBLE);
    texts.extend(annex_6_2::GROUNDS);
    for t in texts {
        find(&p[0], &normalise(t));
    }
}

#[test]
fn long_facts_wrap_without_loss_and_stay_on_one_page() {
    let f = common::conformity_sheet(3_000);
    let p = pages(&conformity_sheet_pdf(&f).expect("rendered"));
    assert_eq!(p.len(), 1);
    let fact = normalise(&f.findings[0].facts[1]);
    assert!(fact.chars().count() >= 2_990);
    in_order(
        &p[0],
        &[
            format!("– {fact}"),
            annex_6_2::REGULARISATION_WARNING.to_owned(),
            "Visa".to_owned(),
        ],
    );
}

#[test]
fn facts_longer_than_a_page_go_on_over_the_next_one() {
    let f = common::conformity_sheet(9_000);
    let p = pages(&conformity_sheet_pdf(&f).expect("rendered"));
    assert_eq!(p.len(), 2);
    let footer = |n: usize| {
        format!("Fiche de contrôle de conformité – {CANDIDATE} – session 2027 – page {n}/2")
    };
    let all = normalise(&format!(
        "{} {}",
        p[0].replace(&footer(1), ""),
        p[1].replace(&footer(2), "")
    ));
    find(&all, &normalise(&f.findings[0].facts[1]));
    in_order(&p[1], &["Décision", "Visa", "Agnès Perrin"]);
}

#[test]
fn visa_boxes_are_one_per_person_or_blank() {
    let mut f = common::conformity_sheet(100);
    f.deciders.clear();
    let p = pages(&conformity_sheet_pdf(&f).expect("rendered"));
    assert_eq!(p[0].matches("Nom, qualité et signature").count(), 2);

    f.deciders = (1..=4)
        .map(|i| Person {
            name: format!("Membre n° {i}"),
            job_title: format!("Qualité {i}"),
        })
        .collect();
    let p = pages(&conformity_sheet_pdf(&f).expect("rendered"));
    assert_eq!(p.len(), 1);
    in_order(
        &p[0],
        &(1..=4)
            .map(|i| format!("Membre n° {i} Qualité {i}"))
            .collect::<Vec<_>>(),
    );
}

#[test]
fn conformity_sheet_refuses_a_decision_that_contradicts_the_grounds() {
    let mut f = common::conformity_sheet(100);
    f.decision = ConformityDecision::Compliant;
    let err = conformity_sheet_pdf(&f).expect_err("conforme with a ground ticked");
    assert!(matches!(err, PdfError::InvalidForm(_)));
    assert!(
        err.to_string().starts_with(&format!(
            "Fiche de contrôle de conformité de « {CANDIDATE} » : dossier déclaré conforme"
        )),
        "{err}"
    );
}

#[test]
fn the_same_form_gives_the_same_bytes() {
    let f = common::internship_certificate(6);
    assert_eq!(
        internship_certificate_pdf(&f).expect("rendered"),
        internship_certificate_pdf(&f).expect("rendered")
    );
    let s = common::conformity_sheet(500);
    assert_eq!(
        conformity_sheet_pdf(&s).expect("rendered"),
        conformity_sheet_pdf(&s).expect("rendered")
    );
}

#[test]
fn odd_inputs_render_without_panicking() {
    let long_word = "ж".repeat(1_500);
    for text in [
        String::new(),
        "\n\n".to_owned(),
        "tab\there\r\nCRLF\u{7}".to_owned(),
        long_word,
        "عربي 😀 京都".to_owned(),
    ] {
        let mut f = common::internship_certificate(2);
        f.organisation.name = text.clone();
        f.organisation.address = text.clone();
        f.trainee.name = text.clone();
        f.tutor.job_title = text.clone();
        f.activities.push(text.clone());
        internship_certificate_pdf(&f).unwrap_or_else(|e| panic!("{text:?}: {e}"));

        let mut s = common::conformity_sheet(50);
        s.candidate_name = text.clone();
        s.exam_label = text.clone();
        s.findings[0].facts.push(text.clone());
        s.deciders[0].name = text.clone();
        conformity_sheet_pdf(&s).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}
