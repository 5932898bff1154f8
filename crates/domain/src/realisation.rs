//! A réalisation professionnelle as the student enters it, checked field by field.

use crate::dossier::{Modality, Period, Setting};
use crate::input::InvalidInput;
use portfolio_framework::{Framework, Track};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use time::Date;

/// What the form (or the JSON API) sends, as text: nothing is lost when it is sent back with
/// errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RealisationForm {
    pub title: String,
    pub description: String,
    /// `AAAA-MM-JJ` (what `<input type="date">` sends).
    pub start_date: String,
    pub end_date: String,
    pub setting: String,
    pub organisation: String,
    pub modality: String,
    pub personal_contribution: String,
    pub resources_provided: String,
    pub expected_results: String,
    pub tech_items: Vec<String>,
    pub tech_other: String,
    pub skills: Vec<String>,
}

/// A checked réalisation, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealisationInput {
    pub title: String,
    pub description: String,
    pub period: Period,
    pub setting: Setting,
    pub organisation: String,
    pub modality: Modality,
    /// Empty when alone.
    pub personal_contribution: String,
    pub resources_provided: String,
    pub expected_results: String,
    /// Codes of Annexe II.E items (`TE-1.1.2`).
    pub tech_items: BTreeSet<String>,
    pub tech_other: String,
    /// Skill codes (`B1.1.5`), or a competency code (`B1.1`) when only the competency is known.
    pub skills: BTreeSet<String>,
}

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 20_000;

fn text(
    errors: &mut Vec<InvalidInput>,
    field: &'static str,
    label: &str,
    raw: &str,
    max: usize,
    required: bool,
) -> String {
    let s = raw.trim();
    if required && s.is_empty() {
        errors.push(InvalidInput::new(field, format!("{label} est obligatoire")));
    }
    let n = s.chars().count();
    if n > max {
        errors.push(InvalidInput::new(
            field,
            format!("{label} ne doit pas dépasser {max} caractères (il en a {n})"),
        ));
    }
    // Single-line fields (short maximum) refuse line breaks; text areas keep them.
    if let Some(m) = crate::input::control_character(label, s, max > 200) {
        errors.push(InvalidInput::new(field, m));
    }
    s.replace("\r\n", "\n")
}

fn date(
    errors: &mut Vec<InvalidInput>,
    field: &'static str,
    label: &str,
    raw: &str,
) -> Option<Date> {
    let s = raw.trim();
    if s.is_empty() {
        errors.push(InvalidInput::new(field, format!("{label} est obligatoire")));
        return None;
    }
    let parsed = Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .or_else(|_| Date::parse(s, time::macros::format_description!("[day]/[month]/[year]")));
    match parsed {
        Ok(d) if (2000..=2100).contains(&d.year()) => Some(d),
        Ok(_) => {
            errors.push(InvalidInput::new(
                field,
                format!("{label} doit être comprise entre 2000 et 2100"),
            ));
            None
        }
        Err(_) => {
            errors.push(InvalidInput::new(
                field,
                format!("{label} « {s} » n’est pas une date : attendu JJ/MM/AAAA, par exemple 13/09/2025"),
            ));
            None
        }
    }
}

/// The period of fields `start_date` and `end_date` (AAAA-MM-JJ or JJ/MM/AAAA), the end not
/// before the start; problems are added to `errors`.
pub(crate) fn parse_period(
    errors: &mut Vec<InvalidInput>,
    start_raw: &str,
    end_raw: &str,
) -> Option<Period> {
    let start = date(errors, "start_date", "La date de début", start_raw);
    let end = date(errors, "end_date", "La date de fin", end_raw);
    match (start, end) {
        (Some(s), Some(e)) => match Period::new(s, e) {
            Ok(p) => Some(p),
            Err(_) => {
                errors.push(InvalidInput::new(
                    "end_date",
                    "la date de fin précède la date de début : corrigez l’une des deux",
                ));
                None
            }
        },
        _ => None,
    }
}

impl RealisationForm {
    /// Checks every field against the rules and the référentiel of the student's option, and
    /// returns every problem at once.
    pub fn parse(
        &self,
        fw: &Framework,
        track: Track,
    ) -> Result<RealisationInput, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let title = text(
            &mut errors,
            "title",
            "L’intitulé",
            &self.title,
            MAX_TITLE,
            true,
        );
        let description = text(
            &mut errors,
            "description",
            "La description",
            &self.description,
            MAX_TEXT,
            false,
        );
        let period = parse_period(&mut errors, &self.start_date, &self.end_date);
        let setting = Setting::ALL
            .into_iter()
            .find(|s| s.as_str() == self.setting.trim());
        if setting.is_none() {
            errors.push(InvalidInput::new(
                "setting",
                "choisissez le lieu : en formation, en milieu professionnel en 1re année ou en 2e année",
            ));
        }
        let organisation = text(
            &mut errors,
            "organisation",
            "L’organisation",
            &self.organisation,
            MAX_TITLE,
            false,
        );
        let modality = match self.modality.trim() {
            "solo" => Some(Modality::Solo),
            "team" => Some(Modality::Team),
            _ => {
                errors.push(InvalidInput::new(
                    "modality",
                    "choisissez la modalité : seul(e) ou en équipe",
                ));
                None
            }
        };
        let personal_contribution = text(
            &mut errors,
            "personal_contribution",
            "La contribution personnelle",
            &self.personal_contribution,
            MAX_TEXT,
            modality == Some(Modality::Team),
        );
        let resources_provided = text(
            &mut errors,
            "resources_provided",
            "Les ressources fournies",
            &self.resources_provided,
            MAX_TEXT,
            false,
        );
        let expected_results = text(
            &mut errors,
            "expected_results",
            "Les résultats attendus",
            &self.expected_results,
            MAX_TEXT,
            false,
        );
        let tech_other = text(
            &mut errors,
            "tech_other",
            "L’environnement technologique (texte libre)",
            &self.tech_other,
            MAX_TEXT,
            false,
        );

        let allowed_tech: BTreeSet<&str> = fw
            .tech_environment
            .parts_for(track)
            .flat_map(|p| p.sections.iter())
            .flat_map(|s| s.items.iter())
            .map(|i| i.code.as_str())
            .collect();
        let mut tech_items = BTreeSet::new();
        for code in self
            .tech_items
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            if allowed_tech.contains(code) {
                tech_items.insert(code.to_string());
            } else {
                errors.push(InvalidInput::new(
                    "tech_items",
                    format!("l’élément « {code} » n’appartient pas à l’environnement technologique de l’option {}", track.code()),
                ));
            }
        }
        // Skills, and competencies themselves: a réalisation imported from a tableau de synthèse
        // knows only which competency it mobilises, until the student names the skills.
        let allowed_skills: BTreeSet<&str> = fw
            .blocks_for(track)
            .flat_map(|b| b.competencies.into_iter())
            .flat_map(|c| {
                std::iter::once(c.code.as_str()).chain(c.skills.iter().map(|s| s.code.as_str()))
            })
            .collect();
        let mut skills = BTreeSet::new();
        for code in self
            .skills
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            if allowed_skills.contains(code) {
                skills.insert(code.to_string());
            } else {
                errors.push(InvalidInput::new(
                    "skills",
                    format!(
                        "le savoir-faire « {code} » n’appartient pas aux blocs de l’option {}",
                        track.code()
                    ),
                ));
            }
        }

        match (period, setting, modality) {
            (Some(period), Some(setting), Some(modality)) if errors.is_empty() => {
                Ok(RealisationInput {
                    title,
                    description,
                    period,
                    setting,
                    organisation,
                    personal_contribution: if modality == Modality::Team {
                        personal_contribution
                    } else {
                        String::new()
                    },
                    modality,
                    resources_provided,
                    expected_results,
                    tech_items,
                    tech_other,
                    skills,
                })
            }
            _ => Err(errors),
        }
    }
}

impl RealisationInput {
    /// The form that gives back this input (to edit it).
    pub fn to_form(&self) -> RealisationForm {
        RealisationForm {
            title: self.title.clone(),
            description: self.description.clone(),
            start_date: iso(self.period.start()),
            end_date: iso(self.period.end()),
            setting: self.setting.as_str().into(),
            organisation: self.organisation.clone(),
            modality: self.modality.as_str().into(),
            personal_contribution: self.personal_contribution.clone(),
            resources_provided: self.resources_provided.clone(),
            expected_results: self.expected_results.clone(),
            tech_items: self.tech_items.iter().cloned().collect(),
            tech_other: self.tech_other.clone(),
            skills: self.skills.iter().cloned().collect(),
        }
    }
}

/// AAAA-MM-JJ.
pub fn iso(d: Date) -> String {
    format!("{}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portfolio_framework::bts_sio_2019;

    fn valid() -> RealisationForm {
        RealisationForm {
            title: "  Déploiement d’un serveur GLPI ".into(),
            description: "Inventaire du parc".into(),
            start_date: "2025-09-15".into(),
            end_date: "13/10/2025".into(),
            setting: "training".into(),
            organisation: "Lycée".into(),
            modality: "solo".into(),
            personal_contribution: "ignored when alone".into(),
            tech_items: vec!["TE-1.1.2".into()],
            skills: vec!["B1.1.1".into(), "B2-SISR.1.1".into(), "B3.5-SISR.1".into()],
            ..RealisationForm::default()
        }
    }

    #[test]
    fn a_valid_form_becomes_an_input_and_back() {
        let input = valid().parse(bts_sio_2019(), Track::Sisr).expect("valid");
        assert_eq!(input.title, "Déploiement d’un serveur GLPI");
        assert_eq!(input.period.short(), "15/09/25 au 13/10/25");
        assert_eq!(input.personal_contribution, "");
        assert_eq!(input.skills.len(), 3);
        let again = input
            .to_form()
            .parse(bts_sio_2019(), Track::Sisr)
            .expect("round trip");
        assert_eq!(again, input);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let form = RealisationForm {
            title: " ".into(),
            start_date: "2025-10-13".into(),
            end_date: "2025-09-15".into(),
            setting: "ailleurs".into(),
            modality: "team".into(),
            skills: vec!["B2-SLAM.1.1".into(), "B9.9.9".into()],
            tech_items: vec!["TE-3.1.1".into()],
            ..RealisationForm::default()
        };
        let errors = form
            .parse(bts_sio_2019(), Track::Sisr)
            .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "end_date",
                "setting",
                "personal_contribution",
                "tech_items",
                "skills",
                "skills"
            ]
        );
        assert!(
            errors[5].message.contains("B2-SLAM.1.1"),
            "{}",
            errors[5].message
        );
    }

    #[test]
    fn dates_must_be_dates() {
        let form = RealisationForm {
            start_date: "31/02/2025".into(),
            ..valid()
        };
        let errors = form
            .parse(bts_sio_2019(), Track::Sisr)
            .expect_err("invalid");
        assert_eq!(errors[0].field, "start_date");
        assert!(
            errors[0].message.contains("n’est pas une date"),
            "{}",
            errors[0].message
        );
    }
}
