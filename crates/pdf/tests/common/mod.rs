//! Sample inputs shared by the tests, the benchmark and the `render` example.

#![allow(dead_code)]

use std::collections::BTreeSet;

use portfolio_domain::conformity::Ground;
use portfolio_domain::dossier::{
    Modality, Period, RealisationSheet, Setting, SynthesisRow, SynthesisTable,
};
use portfolio_domain::forms::{
    ConformityDecision, ConformitySheetForm, Finding, HostOrganisation, InternshipCertificateForm,
    InternshipDuration, Person, Trainee,
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

pub const ACTIVITIES: [&str; 6] = [
    "Inventaire du parc avec GLPI et « FusionInventory » : 240 postes, 35 imprimantes",
    "Déploiement de 40 postes de travail sous Windows 11 par WDS et MDT",
    "Mise en place de la sauvegarde des serveurs de fichiers (stratégie 3-2-1, tests de restauration)",
    "Traitement des demandes d’assistance des agents de niveau 1 et 2",
    "Rédaction des procédures d’exploitation à l’intention de l’équipe du service informatique",
    "Participation à la migration de l’annuaire vers un nouveau contrôleur de domaine",
];

/// An attestation de stage with `activities` activities (cycling through [`ACTIVITIES`]).
pub fn internship_certificate(activities: usize) -> InternshipCertificateForm {
    InternshipCertificateForm {
        session_year: 2027,
        track: Track::Sisr,
        candidate_number: Some(CANDIDATE_NUMBER.to_owned()),
        organisation: HostOrganisation {
            name: "Mairie de Saint-Étienne-du-Rouvray – direction des systèmes d’information"
                .to_owned(),
            address: "Place de la Libération\nCS 80458\n76801 Saint-Étienne-du-Rouvray Cedex"
                .to_owned(),
            siret: Some("21760575000019".to_owned()),
        },
        trainee: Trainee {
            name: CANDIDATE.to_owned(),
            birth_date: Some(date(2006, Month::March, 14)),
            school_name: "Lycée Jean-Baptiste Say – Paris".to_owned(),
        },
        period: Period::new(date(2026, Month::May, 18), date(2026, Month::June, 26))
            .expect("ordered"),
        duration: InternshipDuration { weeks: 5, days: 3 },
        activities: (0..activities)
            .map(|i| ACTIVITIES[i % ACTIVITIES.len()].to_owned())
            .collect(),
        tutor: Person {
            name: "Grégoire Lefèvre".to_owned(),
            job_title: "Responsable du pôle infrastructure".to_owned(),
        },
        place: "Saint-Étienne-du-Rouvray".to_owned(),
        date: Some(date(2026, Month::June, 26)),
    }
}

/// A fiche de conformité: the attestation ground ticked with two facts, one of them
/// `fact_len` characters long, awaiting the documents; checked by the teaching team.
pub fn conformity_sheet(fact_len: usize) -> ConformitySheetForm {
    ConformitySheetForm {
        academy: "Aix-Marseille".to_owned(),
        session_year: 2027,
        exam_label: "Épreuve E4 – Support et mise à disposition de services informatiques"
            .to_owned(),
        candidate_name: CANDIDATE.to_owned(),
        candidate_number: Some(CANDIDATE_NUMBER.to_owned()),
        school_name: "Lycée Jean-Baptiste Say – Paris".to_owned(),
        track: Track::Slam,
        exam_form: ExamForm::Continuous,
        findings: vec![Finding {
            ground: Ground::MissingCertificates,
            facts: vec![
                "Attestation du stage de première année non signée par l’organisation « Mairie de Lyon »."
                    .to_owned(),
                long_text(fact_len),
            ],
        }],
        decision: ConformityDecision::AwaitingCertificates {
            deadline: Some(date(2027, Month::March, 19)),
        },
        check_date: Some(date(2027, Month::March, 5)),
        deciders: vec![
            Person {
                name: "Agnès Perrin".to_owned(),
                job_title: "Professeure d’informatique, SLAM".to_owned(),
            },
            Person {
                name: "Noël Bénard".to_owned(),
                job_title: "Professeur d’économie-gestion".to_owned(),
            },
        ],
    }
}
