//! An internship, employment period or apprenticeship contract as the student enters it, checked
//! field by field (the rules of Annexe III.B on durations are in `internship`).

use crate::dossier::Period;
use crate::input::{Email, InvalidInput};
use serde::{Deserialize, Serialize};

/// What the period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementKind {
    /// Stage (période de formation en milieu professionnel).
    Internship,
    /// Période d'emploi (formation continue, candidats par l'expérience professionnelle).
    Employment,
    /// Contrat d'apprentissage: the employer of an apprentice.
    Apprenticeship,
}

impl PlacementKind {
    pub const ALL: [PlacementKind; 3] = [
        PlacementKind::Internship,
        PlacementKind::Employment,
        PlacementKind::Apprenticeship,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlacementKind::Internship => "internship",
            PlacementKind::Employment => "employment",
            PlacementKind::Apprenticeship => "apprenticeship",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlacementKind::Internship => "Stage",
            PlacementKind::Employment => "Période d’emploi",
            PlacementKind::Apprenticeship => "Contrat d’apprentissage",
        }
    }

    /// The certificate that proves the period.
    pub fn certificate_label(self) -> &'static str {
        match self {
            PlacementKind::Internship => "attestation de stage",
            PlacementKind::Employment | PlacementKind::Apprenticeship => "certificat de travail",
        }
    }

    pub fn parse(s: &str) -> Option<PlacementKind> {
        PlacementKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InternshipForm {
    pub kind: String,
    pub organisation_name: String,
    pub organisation_address: String,
    pub siret: String,
    pub start_date: String,
    pub end_date: String,
    pub year_of_training: String,
    /// "1" for full time (the default), "0" for part time.
    pub full_time: String,
    pub tutor_name: String,
    pub tutor_title: String,
    pub tutor_email: String,
    pub objectives: String,
    pub schedule: String,
}

/// A checked internship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternshipInput {
    pub kind: PlacementKind,
    pub organisation_name: String,
    pub organisation_address: String,
    pub siret: Option<String>,
    pub period: Period,
    pub year_of_training: u8,
    pub full_time: bool,
    pub tutor_name: String,
    pub tutor_title: String,
    pub tutor_email: String,
    /// The internship agreement's objectives.
    pub objectives: String,
    /// The internship agreement's schedule (horaires, jours).
    pub schedule: String,
}

/// SIRET: 14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments, SIREN
/// 356 000 000, may instead have a sum of digits that is a multiple of 5).
pub fn check_siret(raw: &str) -> Result<String, InvalidInput> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let bad = |why: &str| {
        InvalidInput::new(
            "siret",
            format!("numéro SIRET invalide : {why} (14 chiffres, par exemple 732 829 320 00074)"),
        )
    };
    if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad("il faut 14 chiffres"));
    }
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let luhn: u32 = values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                *d
            }
        })
        .sum();
    let ok = luhn.is_multiple_of(10)
        || (digits.starts_with("356000000") && values.iter().sum::<u32>().is_multiple_of(5));
    if ok {
        Ok(digits)
    } else {
        Err(bad(
            "la clé de contrôle ne correspond pas : vérifiez les chiffres",
        ))
    }
}

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

impl InternshipForm {
    /// Checks every field and returns every problem at once.
    pub fn parse(&self) -> Result<InternshipInput, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let kind = PlacementKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.push(InvalidInput::new(
                "kind",
                "choisissez le type : stage, période d’emploi ou contrat d’apprentissage",
            ));
        }
        let organisation_name = text(
            &mut errors,
            "organisation_name",
            "Le nom de l’organisation",
            &self.organisation_name,
            200,
            true,
        );
        let organisation_address = text(
            &mut errors,
            "organisation_address",
            "L’adresse de l’organisation",
            &self.organisation_address,
            500,
            true,
        );
        let siret = match self.siret.trim() {
            "" => None,
            raw => match check_siret(raw) {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        let form = crate::realisation::RealisationForm {
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            ..Default::default()
        };
        // Dates are read as a réalisation's are: same formats, same messages.
        let period =
            crate::realisation::parse_period(&mut errors, &form.start_date, &form.end_date);
        let year_of_training = match self.year_of_training.trim() {
            "1" => Some(1),
            "2" => Some(2),
            _ => {
                errors.push(InvalidInput::new(
                    "year_of_training",
                    "choisissez l’année de formation : 1re ou 2e année",
                ));
                None
            }
        };
        let full_time = !matches!(self.full_time.trim(), "0" | "false" | "off");
        let tutor_name = text(
            &mut errors,
            "tutor_name",
            "Le nom du tuteur ou de la tutrice",
            &self.tutor_name,
            200,
            true,
        );
        let tutor_title = text(
            &mut errors,
            "tutor_title",
            "La fonction du tuteur ou de la tutrice",
            &self.tutor_title,
            200,
            false,
        );
        let tutor_email = match Email::parse("tutor_email", &self.tutor_email) {
            Ok(e) => e.as_str().to_string(),
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let objectives = text(
            &mut errors,
            "objectives",
            "Les objectifs",
            &self.objectives,
            10_000,
            false,
        );
        let schedule = text(
            &mut errors,
            "schedule",
            "Les horaires",
            &self.schedule,
            2_000,
            false,
        );
        match (kind, period, year_of_training) {
            (Some(kind), Some(period), Some(year_of_training)) if errors.is_empty() => {
                Ok(InternshipInput {
                    kind,
                    organisation_name,
                    organisation_address,
                    siret,
                    period,
                    year_of_training,
                    full_time,
                    tutor_name,
                    tutor_title,
                    tutor_email,
                    objectives,
                    schedule,
                })
            }
            _ => Err(errors),
        }
    }
}

impl InternshipInput {
    pub fn to_form(&self) -> InternshipForm {
        InternshipForm {
            kind: self.kind.as_str().into(),
            organisation_name: self.organisation_name.clone(),
            organisation_address: self.organisation_address.clone(),
            siret: self.siret.clone().unwrap_or_default(),
            start_date: crate::realisation::iso(self.period.start()),
            end_date: crate::realisation::iso(self.period.end()),
            year_of_training: self.year_of_training.to_string(),
            full_time: if self.full_time { "1" } else { "0" }.into(),
            tutor_name: self.tutor_name.clone(),
            tutor_title: self.tutor_title.clone(),
            tutor_email: self.tutor_email.clone(),
            objectives: self.objectives.clone(),
            schedule: self.schedule.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> InternshipForm {
        InternshipForm {
            kind: "internship".into(),
            organisation_name: "Mairie de Caen".into(),
            organisation_address: "Esplanade Jean-Marie Louvel, 14000 Caen".into(),
            siret: "732 829 320 00074".into(),
            start_date: "2026-05-18".into(),
            end_date: "2026-06-19".into(),
            year_of_training: "1".into(),
            full_time: "1".into(),
            tutor_name: "Claire Martin".into(),
            tutor_title: "Responsable informatique".into(),
            tutor_email: "Claire.Martin@caen.fr".into(),
            objectives: "Participer au déploiement".into(),
            schedule: "Lundi–vendredi, 9 h – 17 h".into(),
        }
    }

    #[test]
    fn a_valid_form_round_trips() {
        let input = valid().parse().expect("valid");
        assert_eq!(input.siret.as_deref(), Some("73282932000074"));
        assert_eq!(input.tutor_email, "claire.martin@caen.fr");
        assert_eq!(input.period.short(), "18/05/26 au 19/06/26");
        assert_eq!(input.to_form().parse().expect("again"), input);
    }

    #[test]
    fn the_siret_key_is_checked() {
        assert!(check_siret("73282932000074").is_ok());
        let e = check_siret("73282932000075").expect_err("bad key");
        assert!(e.message.contains("clé de contrôle"), "{}", e.message);
        assert!(check_siret("7328293200007").is_err());
        // La Poste: its head office passes the Luhn check, its post offices the sum of digits.
        assert!(check_siret("35600000000048").is_ok());
        assert!(check_siret("35600000049837").is_ok());
        assert!(check_siret("35600000049838").is_err());
    }

    #[test]
    fn every_problem_names_its_field() {
        let form = InternshipForm {
            kind: "vacances".into(),
            organisation_name: String::new(),
            siret: "123".into(),
            end_date: "2026-05-01".into(),
            year_of_training: "3".into(),
            tutor_email: "pas-une-adresse".into(),
            ..valid()
        };
        let fields: Vec<&str> = form
            .parse()
            .expect_err("invalid")
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "kind",
                "organisation_name",
                "siret",
                "end_date",
                "year_of_training",
                "tutor_email"
            ]
        );
    }
}
