//! The PDFs read back by text extraction (`pdf-extract`, an independent reader): the fields
//! are there, in order, on the right page, with their accents.

mod common;

use common::{CANDIDATE, CANDIDATE_NUMBER};
use portfolio_domain::dossier::{Modality, Setting, long_date};
use portfolio_framework::{ExamForm, Track, bts_sio_2019};
use portfolio_pdf::{PdfError, realisation_sheet_pdf, synthesis_pdf};

/// The text of each page, whitespace collapsed to single spaces: wrapping turns spaces into
/// line breaks, and what is checked is that nothing is lost, cut or reordered.
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

/// Without any whitespace: for text turned a quarter, whose line breaks the extractor
/// drops.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect()
}

/// The byte offset of `needle` in `hay`, failing with both in the message.
fn find(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found in:\n{hay}"))
}

// ---- Tableau de synthèse ----

#[test]
fn synthesis_shows_the_candidate_the_session_and_the_option() {
    let pdf = synthesis_pdf(&common::synthesis_table(12)).expect("rendered");
    let p = pages(&pdf);
    let first = &p[0];
    find(first, "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS");
    find(first, "SESSION 2027");
    find(
        first,
        "Tableau de synthèse des réalisations professionnelles",
    );
    find(first, &format!("NOM et prénom : {CANDIDATE}"));
    find(first, &format!("N° candidat : {CANDIDATE_NUMBER}"));
    find(
        first,
        "Centre de formation : Lycée Jean-Baptiste Say – Paris",
    );
    find(first, "Option : ☒ SISR ☐ SLAM");
    find(
        first,
        "Adresse URL du portfolio : https://elodie-dupont.example.fr/portfolio",
    );

    let mut slam = common::synthesis_table(1);
    slam.track = Track::Slam;
    slam.candidate_number = None;
    slam.portfolio_url = None;
    let p = pages(&synthesis_pdf(&slam).expect("rendered"));
    find(&p[0], "Option : ☐ SISR ☒ SLAM");
    find(&p[0], "N° candidat : Centre de formation");
}

#[test]
fn synthesis_header_has_every_bloc_1_competency_and_skill_of_the_framework() {
    let pdf = synthesis_pdf(&common::synthesis_table(12)).expect("rendered");
    let p = pages(&pdf);
    let block = bts_sio_2019().block("B1").expect("Bloc 1");
    assert_eq!(block.competencies.len(), 6);
    let first = &p[0];
    find(first, "Compétences mises en œuvre");
    find(
        first,
        "Réalisations professionnelles (intitulé et liste des documents et productions associés)",
    );
    find(first, "Période");
    // In the order of the référentiel, left to right.
    let mut at = 0;
    for c in &block.competencies {
        let i = find(&first[at..], &normalise(&c.label)) + at;
        at = i + c.label.len();
    }
    let squeezed = squeeze(first);
    for c in &block.competencies {
        for s in &c.skills {
            find(&squeezed, &squeeze(&format!("▸ {}", s.label)));
        }
    }
}

#[test]
fn synthesis_lists_each_realisation_with_its_period_under_its_section() {
    let t = common::synthesis_table(12);
    let pdf = synthesis_pdf(&t).expect("rendered");
    let all = pages(&pdf).join(" ");
    let banners: Vec<usize> = Setting::ALL
        .iter()
        .map(|s| find(&all, s.banner()))
        .collect();
    assert!(banners.windows(2).all(|w| w[0] < w[1]), "sections in order");
    for row in &t.rows {
        let title = find(&all, &normalise(&row.title));
        let period = find(&all[title..], &row.period.short()) + title;
        // The period follows the title and its productions, before the next row.
        let mut after_title = title + row.title.len();
        for a in &row.artifacts {
            after_title = find(&all[after_title..], &format!("– {a}")) + after_title;
        }
        assert!(period > after_title);
        let section = Setting::ALL
            .iter()
            .position(|s| *s == row.setting)
            .expect("a setting");
        assert!(title > banners[section], "{} under its banner", row.title);
        if let Some(next) = banners.get(section + 1) {
            assert!(title < *next, "{} before the next banner", row.title);
        }
    }
}

#[test]
fn a_40_realisation_table_spans_pages_with_the_header_repeated() {
    let t = common::synthesis_table(40);
    let pdf = synthesis_pdf(&t).expect("rendered");
    let p = pages(&pdf);
    assert!(p.len() >= 3, "{} pages", p.len());
    let block = bts_sio_2019().block("B1").expect("Bloc 1");
    let n = p.len();
    for (i, page) in p.iter().enumerate() {
        find(page, "Compétences mises en œuvre");
        for c in &block.competencies {
            find(page, &normalise(&c.label));
        }
        find(page, &format!("session 2027 – page {}/{n}", i + 1));
    }
    // The title rows only on the first page.
    assert!(!p[1].contains("NOM et prénom"));
    // Every réalisation exactly once, in the order of the sections.
    let all = p.join(" ");
    for row in &t.rows {
        assert_eq!(
            all.matches(&normalise(&row.title)).count(),
            1,
            "{}",
            row.title
        );
    }
    // A section that goes on over a page break says so under the repeated header.
    assert!(all.contains("(suite)"));
}

#[test]
fn an_empty_table_still_shows_its_three_sections() {
    let pdf = synthesis_pdf(&common::synthesis_table(0)).expect("rendered");
    let p = pages(&pdf);
    assert_eq!(p.len(), 1);
    for s in Setting::ALL {
        find(&p[0], s.banner());
    }
}

#[test]
fn synthesis_rejects_a_competency_outside_bloc_1() {
    let mut t = common::synthesis_table(3);
    t.rows[1].competencies.insert("B3.1".to_owned());
    let err = synthesis_pdf(&t).expect_err("B3.1 is not a column of the tableau");
    assert!(matches!(err, PdfError::UnknownCompetency { ref code, .. } if code == "B3.1"));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let t = common::synthesis_table(12);
    assert_eq!(
        synthesis_pdf(&t).expect("rendered"),
        synthesis_pdf(&t).expect("rendered")
    );
    let s = common::realisation_sheet(500);
    assert_eq!(
        realisation_sheet_pdf(&s).expect("rendered"),
        realisation_sheet_pdf(&s).expect("rendered")
    );
}

// ---- Fiche descriptive E5 ----

#[test]
fn fiche_recto_has_the_identification_and_the_conditions() {
    let s = common::realisation_sheet(2_000);
    let pdf = realisation_sheet_pdf(&s).expect("rendered");
    let p = pages(&pdf);
    assert_eq!(p.len(), 2, "recto and verso");
    let recto = &p[0];
    // In the order of the form.
    let fields = [
        "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS".to_owned(),
        "Fiche descriptive de réalisation professionnelle".to_owned(),
        "E5 – Administration des systèmes et des réseaux (option SISR)".to_owned(),
        "Option « Solutions d’infrastructure, systèmes et réseaux »".to_owned(),
        format!("Nom, prénom : {CANDIDATE}"),
        format!("N° candidat : {CANDIDATE_NUMBER}"),
        "N° réalisation : 2".to_owned(),
        "☐ Épreuve ponctuelle ☒ Contrôle en cours de formation".to_owned(),
        "Date : 12/05/2027".to_owned(),
        "Organisation support de la réalisation professionnelle".to_owned(),
        normalise(&s.organisation),
        "Intitulé de la réalisation professionnelle".to_owned(),
        normalise(&s.title),
        format!(
            "Période de réalisation : du {} au {}",
            long_date(s.period.start()),
            long_date(s.period.end())
        ),
        "Lieu : Hôtel de ville, salle serveurs (En milieu professionnel, 2e année)".to_owned(),
        "Modalité : ☐ Seul(e) ☒ En équipe".to_owned(),
        "Contribution personnelle : Conception du schéma de supervision".to_owned(),
        "Compétences travaillées".to_owned(),
        "Conditions de réalisation (ressources fournies, résultats attendus)".to_owned(),
        format!("Ressources fournies : {}", normalise(&s.resources_provided)),
        format!("Résultats attendus : {}", normalise(&s.expected_results)),
        "Description des ressources documentaires, matérielles et logicielles utilisées".to_owned(),
        normalise(&s.resources_used),
        "Modalités d’accès aux productions et à leur documentation".to_owned(),
        normalise(&s.access),
    ];
    let mut at = 0;
    for f in &fields {
        at = find(&recto[at..], f) + at + f.len();
    }
    assert!(!recto.contains("Descriptif de la réalisation"));
}

#[test]
fn fiche_ticks_the_competencies_worked_with_the_framework_labels() {
    for track in [Track::Sisr, Track::Slam] {
        let block = bts_sio_2019()
            .block(&format!("B2-{}", track.code()))
            .expect("the option's Bloc 2");
        assert_eq!(block.competencies.len(), 3);
        let mut s = common::realisation_sheet(300);
        s.track = track;
        s.exam_form = ExamForm::OneOff;
        s.modality = Modality::Solo;
        s.competencies = [&block.competencies[1]]
            .iter()
            .map(|c| c.code.clone())
            .collect();
        let p = pages(&realisation_sheet_pdf(&s).expect("rendered"));
        let recto = &p[0];
        find(recto, &format!("(option {})", track.code()));
        find(recto, &normalise(track.label()));
        find(
            recto,
            "☒ Épreuve ponctuelle ☐ Contrôle en cours de formation",
        );
        find(recto, "Modalité : ☒ Seul(e) ☐ En équipe");
        assert!(
            !recto.contains("Contribution personnelle"),
            "only in a team"
        );
        let mut at = find(recto, "Compétences travaillées");
        for (i, c) in block.competencies.iter().enumerate() {
            let mark = if i == 1 { "☒" } else { "☐" };
            let line = format!("{mark} {}", normalise(&c.label));
            at = find(&recto[at..], &line) + at + line.len();
        }
    }
}

#[test]
fn fiche_verso_has_the_whole_2000_character_description_and_the_productions() {
    let s = common::realisation_sheet(2_000);
    assert!(s.description.chars().count() >= 1_990);
    let p = pages(&realisation_sheet_pdf(&s).expect("rendered"));
    let verso = &p[1];
    let start = find(
        verso,
        "Descriptif de la réalisation professionnelle, y compris les productions réalisées et schémas explicatifs",
    );
    let description = find(verso, &normalise(&s.description));
    assert!(description > start);
    let mut at = find(verso, "Productions réalisées :");
    assert!(at > description);
    for prod in &s.productions {
        at = find(&verso[at..], &format!("– {prod}")) + at;
    }
    // Accents, œ, guillemets and the typographic apostrophe survive.
    for word in [
        "cœur",
        "l’œuvre",
        "Élèves",
        "« réseau »",
        "procédures",
        "désormais",
    ] {
        find(verso, word);
    }
    find(verso, &format!("{CANDIDATE} – page 2/2"));
}

#[test]
fn a_description_longer_than_a_page_goes_on_over_the_next_page() {
    let s = common::realisation_sheet(9_000);
    let pdf = realisation_sheet_pdf(&s).expect("rendered");
    let p = pages(&pdf);
    assert_eq!(p.len(), 3);
    find(&p[2], "(suite)");
    // Page 2 and 3 without their footer and repeated label hold the whole text.
    let footer = |n: usize| {
        format!("Fiche descriptive de réalisation professionnelle n° 2 – {CANDIDATE} – page {n}/3")
    };
    let label = "Descriptif de la réalisation professionnelle, y compris les productions réalisées et schémas explicatifs (suite)";
    let verso = format!(
        "{} {}",
        p[1].replace(&footer(2), ""),
        p[2].replace(&footer(3), "").replace(label, "")
    );
    find(&normalise(&verso), &normalise(&s.description));
}

#[test]
fn fiche_rejects_a_competency_of_the_other_option() {
    let mut s = common::realisation_sheet(100);
    s.competencies.insert("B2-SLAM.1".to_owned());
    let err = realisation_sheet_pdf(&s).expect_err("SISR sheet, SLAM competency");
    assert!(matches!(err, PdfError::UnknownCompetency { ref code, .. } if code == "B2-SLAM.1"));
    assert!(err.to_string().contains("bloc 2 SISR"));
}

#[test]
fn fiche_without_date_or_number_leaves_blanks_to_fill_in() {
    let mut s = common::realisation_sheet(100);
    s.date = None;
    s.candidate_number = None;
    let p = pages(&realisation_sheet_pdf(&s).expect("rendered"));
    find(&p[0], "N° candidat : N° réalisation : 2");
    find(&p[0], "Date : …… / …… / …………");
}

#[test]
fn a_character_the_font_lacks_reads_back_as_the_replacement_character() {
    let mut s = common::realisation_sheet(100);
    s.organisation = "Filiale de Kyoto (京都)".to_owned();
    let p = pages(&realisation_sheet_pdf(&s).expect("rendered despite the missing glyphs"));
    find(&p[0], "Filiale de Kyoto (\u{FFFD}\u{FFFD})");
}

#[test]
fn odd_inputs_render_without_panicking_or_losing_text() {
    let long_word = "ж".repeat(2_000);
    let odd = [
        String::new(),
        "   ".to_owned(),
        "\n\n\n".to_owned(),
        "tab\there\r\nCRLF\u{7}bell".to_owned(),
        long_word.clone(),
        "عربي עברית 😀 ∑ ≠".to_owned(),
        "« » : ; ! ?".to_owned(),
    ];
    for text in &odd {
        let mut t = common::synthesis_table(2);
        t.candidate_name = text.clone();
        t.school_name = text.clone();
        t.rows[0].title = text.clone();
        t.rows[1].artifacts = vec![text.clone(); 3];
        synthesis_pdf(&t).unwrap_or_else(|e| panic!("{text:?}: {e}"));

        let mut s = common::realisation_sheet(50);
        s.candidate_name = text.clone();
        s.title = text.clone();
        s.description = text.clone();
        s.access = text.clone();
        s.productions = vec![text.clone()];
        realisation_sheet_pdf(&s).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    // A word wider than its cell is cut, not dropped.
    let mut s = common::realisation_sheet(50);
    s.description = long_word.clone();
    let all = pages(&realisation_sheet_pdf(&s).expect("rendered")).concat();
    assert_eq!(all.matches('ж').count(), 2_000);
}
