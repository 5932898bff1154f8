//! Sample inputs shared by the tests, the benchmark and the `render` example.

#![allow(dead_code)]

use std::collections::BTreeSet;

use portfolio_domain::dossier::{
    Modality, Period, RealisationSheet, Setting, SynthesisRow, SynthesisTable,
};
use portfolio_framework::{ExamForm, Track};
use time::{Date, Duration, Month};

pub const CANDIDATE: &str = "DUPONT-ŒUVRARD Élodie";
pub const CANDIDATE_NUMBER: &str = "02145678901";

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).expect("a valid fixture date")
}

pub fn period(i: usize) -> Period {
    let start = date(2025, Month::September, 8) + Duration::days(7 * i as i64);
    Period::new(start, start + Duration::days(20 + (i % 5) as i64 * 9)).expect("ordered")
}

pub fn row_title(i: usize) -> String {
    const TOPICS: [&str; 6] = [
        "Mise en œuvre d’un serveur GLPI avec inventaire « FusionInventory » et liaison LDAP",
        "Déploiement de postes de travail",
        "Sauvegarde et restauration des données de l’organisation (stratégie 3-2-1, tests de restauration trimestriels)",
        "Portfolio en ligne",
        "Gestion des incidents et des demandes d’assistance au service informatique du lycée",
        "Veille technologique : cœur de réseau et sécurité",
    ];
    format!("R{:02} – {}", i + 1, TOPICS[i % TOPICS.len()])
}

pub fn synthesis_table(rows: usize) -> SynthesisTable {
    let settings = [
        Setting::Training,
        Setting::WorkplaceFirstYear,
        Setting::WorkplaceSecondYear,
    ];
    SynthesisTable {
        session_year: 2027,
        candidate_name: CANDIDATE.to_owned(),
        candidate_number: Some(CANDIDATE_NUMBER.to_owned()),
        school_name: "Lycée Jean-Baptiste Say – Paris".to_owned(),
        track: Track::Sisr,
        portfolio_url: Some("https://elodie-dupont.example.fr/portfolio".to_owned()),
        rows: (0..rows)
            .map(|i| SynthesisRow {
                title: row_title(i),
                artifacts: (0..(i % 3))
                    .map(|k| format!("Procédure d’installation n°{} (PDF)", k + 1))
                    .collect(),
                period: period(i),
                setting: settings[i % 3],
                competencies: (1..=6)
                    .filter(|c| (i + c) % 3 == 0 || *c == 1 + i % 6)
                    .map(|c| format!("B1.{c}"))
                    .collect(),
            })
            .collect(),
    }
}

/// About `len` characters of French prose with accents, œ, « » and ’.
pub fn long_text(len: usize) -> String {
    const WORDS: &str = "Le cœur du projet consistait à déployer l’infrastructure « réseau » du \
        site : commutateurs, pare-feu, serveurs virtualisés et sauvegardes. J’ai rédigé les \
        procédures, testé la reprise après incident et présenté l’œuvre à l’équipe. Élèves, \
        enseignants et agents ont été formés ; la supervision remonte désormais les alertes.";
    let mut out = String::new();
    while out.chars().count() < len {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(WORDS);
    }
    out.chars()
        .take(len)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

pub fn realisation_sheet(description_len: usize) -> RealisationSheet {
    RealisationSheet {
        exam_label: "E5 – Administration des systèmes et des réseaux".to_owned(),
        track: Track::Sisr,
        number: 2,
        candidate_name: CANDIDATE.to_owned(),
        candidate_number: Some(CANDIDATE_NUMBER.to_owned()),
        exam_form: ExamForm::Continuous,
        date: Some(date(2027, Month::May, 12)),
        organisation: "Mairie de Saint-Étienne-du-Rouvray – direction des systèmes d’information"
            .to_owned(),
        title: "Mise en place d’une supervision « Zabbix » des équipements réseau".to_owned(),
        period: Period::new(
            date(2026, Month::January, 5),
            date(2026, Month::February, 27),
        )
        .expect("ordered"),
        setting: Setting::WorkplaceSecondYear,
        place: "Hôtel de ville, salle serveurs".to_owned(),
        modality: Modality::Team,
        personal_contribution: Some(
            "Conception du schéma de supervision et écriture des modèles SNMP.".to_owned(),
        ),
        competencies: BTreeSet::from(["B2-SISR.1".to_owned(), "B2-SISR.3".to_owned()]),
        resources_provided: "Un serveur Debian 12 virtualisé sous Proxmox, l’accès SNMP aux \
            commutateurs, le cahier des charges de la DSI."
            .to_owned(),
        expected_results: "Un tableau de bord des équipements, des alertes par courriel et une \
            documentation d’exploitation."
            .to_owned(),
        resources_used: "Documentation officielle de Zabbix 7, RFC 3411 à 3418 (SNMP), \
            maquette GNS3, deux commutateurs Cisco 2960 prêtés par l’établissement."
            .to_owned(),
        access: "https://gitlab.example.fr/elodie/supervision – identifiant « jury », mot de \
            passe remis dans l’enveloppe du dossier."
            .to_owned(),
        description: long_text(description_len),
        productions: vec![
            "Schéma de l’architecture de supervision (PDF)".to_owned(),
            "Modèles Zabbix exportés (XML)".to_owned(),
            "Procédure d’exploitation et de reprise".to_owned(),
        ],
    }
}
