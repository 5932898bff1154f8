//! The candidate's dossier as plain values: what a réalisation professionnelle is, and the
//! inputs of the documents made from it (the tableau de synthèse of annexe 6-1, the E5 fiche
//! descriptive of annexe 7-1-A / 7-1-B). Renderers in other crates take these and return bytes.

use portfolio_framework::{ExamForm, Track};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use time::Date;

/// Where a réalisation was done: the three sections of the tableau de synthèse. An
/// apprentice's employer counts as milieu professionnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// En cours de formation.
    Training,
    /// En milieu professionnel, en cours de première année.
    WorkplaceFirstYear,
    /// En milieu professionnel, en cours de seconde année.
    WorkplaceSecondYear,
}

impl Setting {
    pub const ALL: [Setting; 3] = [
        Setting::Training,
        Setting::WorkplaceFirstYear,
        Setting::WorkplaceSecondYear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Setting::Training => "training",
            Setting::WorkplaceFirstYear => "workplace_first_year",
            Setting::WorkplaceSecondYear => "workplace_second_year",
        }
    }

    /// The section banner of the national tableau de synthèse.
    pub fn banner(self) -> &'static str {
        match self {
            Setting::Training => "Réalisation en cours de formation",
            Setting::WorkplaceFirstYear => {
                "Réalisations en milieu professionnel en cours de première année"
            }
            Setting::WorkplaceSecondYear => {
                "Réalisations en milieu professionnel en cours de seconde année"
            }
        }
    }

    /// A short label for forms and lists.
    pub fn label(self) -> &'static str {
        match self {
            Setting::Training => "En formation",
            Setting::WorkplaceFirstYear => "En milieu professionnel, 1re année",
            Setting::WorkplaceSecondYear => "En milieu professionnel, 2e année",
        }
    }
}

/// Seul(e) or en équipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    Solo,
    Team,
}

impl Modality {
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Solo => "solo",
            Modality::Team => "team",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Modality::Solo => "Seul(e)",
            Modality::Team => "En équipe",
        }
    }
}

/// A period from `start` to `end`, both included; `start <= end` by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    start: Date,
    end: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodError;

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("la date de fin précède la date de début")
    }
}

impl std::error::Error for PeriodError {}

impl Period {
    pub fn new(start: Date, end: Date) -> Result<Period, PeriodError> {
        if end < start {
            return Err(PeriodError);
        }
        Ok(Period { start, end })
    }

    pub fn start(&self) -> Date {
        self.start
    }

    pub fn end(&self) -> Date {
        self.end
    }

    /// « du JJ/MM/AA au JJ/MM/AA » without the « du »: `13/09/21 au 31/05/23`, as the national
    /// model asks.
    pub fn short(&self) -> String {
        format!("{} au {}", short_date(self.start), short_date(self.end))
    }
}

/// JJ/MM/AA.
pub fn short_date(d: Date) -> String {
    format!(
        "{:02}/{:02}/{:02}",
        d.day(),
        u8::from(d.month()),
        d.year().rem_euclid(100)
    )
}

/// JJ/MM/AAAA.
pub fn long_date(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// The input of the tableau de synthèse (annexe 6-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthesisTable {
    /// « SESSION 2027 ».
    pub session_year: i32,
    /// « NOM et prénom ».
    pub candidate_name: String,
    pub candidate_number: Option<String>,
    /// « Centre de formation ».
    pub school_name: String,
    pub track: Track,
    /// « Adresse URL du portfolio ».
    pub portfolio_url: Option<String>,
    /// In the order they are listed; the renderer groups them by setting.
    pub rows: Vec<SynthesisRow>,
}

/// One réalisation of the tableau de synthèse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthesisRow {
    pub title: String,
    /// Names of the productions and documents associated.
    pub artifacts: Vec<String>,
    pub period: Period,
    pub setting: Setting,
    /// Codes of the Bloc 1 competencies mobilised (`B1.1` … `B1.6`).
    pub competencies: BTreeSet<String>,
}

/// The input of an E5 fiche descriptive de réalisation professionnelle (annexe 7-1-A for SISR,
/// 7-1-B for SLAM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealisationSheet {
    /// The exam's code and title as the session names them (« E5 – Administration des systèmes
    /// et des réseaux »): session data, not a constant.
    pub exam_label: String,
    pub track: Track,
    /// N° réalisation: 1 or 2.
    pub number: u8,
    pub candidate_name: String,
    pub candidate_number: Option<String>,
    pub exam_form: ExamForm,
    pub date: Option<Date>,
    /// Organisation support de la réalisation professionnelle.
    pub organisation: String,
    pub title: String,
    pub period: Period,
    /// Lieu de réalisation.
    pub setting: Setting,
    pub place: String,
    pub modality: Modality,
    /// In a team: what the candidate did.
    pub personal_contribution: Option<String>,
    /// Codes of the Bloc 2 competencies of the option worked on (`B2-SISR.1` …).
    pub competencies: BTreeSet<String>,
    /// Conditions de réalisation: ressources fournies.
    pub resources_provided: String,
    /// Conditions de réalisation: résultats attendus.
    pub expected_results: String,
    /// Ressources documentaires, matérielles et logicielles utilisées.
    pub resources_used: String,
    /// Modalités d'accès aux productions et à leur documentation.
    pub access: String,
    /// Verso: description of the réalisation.
    pub description: String,
    /// Verso: the productions.
    pub productions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_print_as_the_national_model_asks() {
        let p = Period::new(date!(2021 - 09 - 13), date!(2023 - 05 - 31)).expect("ordered");
        assert_eq!(p.short(), "13/09/21 au 31/05/23");
        assert_eq!(long_date(p.end()), "31/05/2023");
        assert_eq!(
            Period::new(date!(2023 - 05 - 31), date!(2021 - 09 - 13)),
            Err(PeriodError)
        );
    }
}
