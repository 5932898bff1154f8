//! The inputs of two forms of the E4 dossier, as plain values: the attestation de stage
//! (annexe 9 of the national exam circular) and the fiche de contrôle de conformité
//! (annexe 6-2). Renderers in other crates take these and return bytes; [`check`] methods
//! refuse the combinations the forms cannot show (a dossier « conforme » with a ground
//! ticked…).
//!
//! Annexe 6-2 is in the seeds (`regulation/seeds/002_d44eaea8adc21c23.txt`): what the sheet
//! prints of it is in [`annex_6_2`], verbatim (straight apostrophes and the source's « B0 »
//! included), and a test checks each text against the seed. The grounds are those of
//! [`crate::conformity`], so that the result of a check fills a sheet.
//!
//! Annexe 9 is not in the seeds: the attestation carries what annexe III.B of the
//! référentiel asks of it (« les dates, la durée et le contenu du stage », given by « le
//! responsable de l'organisation d'accueil ») and the identification of the parties.
//!
//! [`check`]: ConformitySheetForm::check

use portfolio_framework::{ExamForm, Track};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::conformity::{ConformityState, Ground, GroundFinding};
use crate::dossier::{Period, long_date};

/// Why a form cannot be made from its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{document} de « {candidate} » : {message}")]
pub struct FormError {
    pub document: &'static str,
    pub candidate: String,
    pub message: String,
}

/// Someone named on a form with their job: a tutor, a member of a commission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    /// « Fonction » or « qualité »; empty leaves a blank to fill in by hand.
    pub job_title: String,
}

// ---- Attestation de stage (annexe 9) ----

/// The organisation d'accueil.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostOrganisation {
    /// Nom ou raison sociale.
    pub name: String,
    /// Lines separated by `\n`.
    pub address: String,
    /// N° SIRET: organisations abroad and some public bodies have none; `None` leaves the
    /// field blank.
    pub siret: Option<String>,
}

/// The student as the attestation names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trainee {
    pub name: String,
    pub birth_date: Option<Date>,
    /// The établissement de formation.
    pub school_name: String,
}

/// The duration actually done, as the organisation states it: whole weeks and extra days.
/// Not derived from the dates: absences, part-time weeks and holidays are the
/// organisation's to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternshipDuration {
    pub weeks: u16,
    /// Days beyond the whole weeks, 0 to 6.
    pub days: u16,
}

impl InternshipDuration {
    /// « 5 semaines », « 1 semaine et 2 jours », « 3 jours ».
    pub fn label(&self) -> String {
        let plural =
            |n: u16, one: &str, many: &str| format!("{n} {}", if n > 1 { many } else { one });
        match (self.weeks, self.days) {
            (w, 0) => plural(w, "semaine", "semaines"),
            (0, d) => plural(d, "jour", "jours"),
            (w, d) => format!(
                "{} et {}",
                plural(w, "semaine", "semaines"),
                plural(d, "jour", "jours")
            ),
        }
    }
}

/// The input of an attestation de stage (annexe 9): one per internship, filled in by the
/// platform, signed and stamped by the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternshipCertificateForm {
    /// « SESSION 2027 ».
    pub session_year: i32,
    pub track: Track,
    pub candidate_number: Option<String>,
    pub organisation: HostOrganisation,
    pub trainee: Trainee,
    /// The dates, first and last day included.
    pub period: Period,
    pub duration: InternshipDuration,
    /// Contenu du stage: the activities entrusted to the trainee, one per entry.
    pub activities: Vec<String>,
    /// Tuteur ou tutrice.
    pub tutor: Person,
    /// « Fait à »; empty leaves a blank.
    pub place: String,
    /// « le »; `None` leaves a blank, to be dated when signed.
    pub date: Option<Date>,
}

impl InternshipCertificateForm {
    pub const DOCUMENT: &'static str = "Attestation de stage";

    /// Refuses a duration the dates cannot hold.
    pub fn check(&self) -> Result<(), FormError> {
        let fail = |message: String| {
            Err(FormError {
                document: Self::DOCUMENT,
                candidate: self.trainee.name.clone(),
                message,
            })
        };
        let (start, end) = (self.period.start(), self.period.end());
        // `Period` is checked by `new`, not when deserialised.
        if end < start {
            return fail(format!(
                "la date de fin du stage ({}) précède sa date de début ({})",
                long_date(end),
                long_date(start)
            ));
        }
        let d = self.duration;
        if d.weeks == 0 && d.days == 0 {
            return fail("la durée du stage est nulle".to_owned());
        }
        if d.days > 6 {
            return fail(format!(
                "{} jours en plus des semaines entières : au-delà de 6, les compter en semaines",
                d.days
            ));
        }
        // At least five working days a week: a longer duration does not fit in the dates.
        let calendar_days = (end - start).whole_days() + 1;
        let least = i64::from(d.weeks) * 5 + i64::from(d.days);
        if least > calendar_days {
            return fail(format!(
                "une durée de {} ne tient pas dans la période du {} au {} ({calendar_days} jours)",
                d.label(),
                long_date(start),
                long_date(end)
            ));
        }
        Ok(())
    }
}

// ---- Contrôle de conformité (annexe 6-2) ----

/// The texts of annexe 6-2 that the sheet prints, verbatim from the seed (whitespace
/// aside); the sheet's other labels (académie, option, décision…) are the platform's.
pub mod annex_6_2 {
    use crate::conformity;

    pub const TITLE: &str = "CONTRÔLE DE CONFORMITÉ";
    pub const NAME: &str = "Nom et prénom :";
    pub const NUMBER: &str = "N° candidat :";
    /// The preamble, cut where the source sets « l'annexe I » in italics.
    pub const PREAMBLE: [&str; 3] = [
        "Conformément à l'arrêté du 22 juillet 2008 (B0 n° 32 du 28 août 2008) fixant \
         définition et conditions de délivrance de certaines spécialités de brevet de \
         technicien supérieur dont",
        "l'annexe I",
        "définissant le contrôle de conformité du dossier support d'épreuve, une commission \
         de contrôle a été chargée d'apprécier la conformité des dossiers des candidats.",
    ];
    pub const INTRO: &str = "Après vérification, votre candidature ne peut être retenue pour le(s) motif(s) ci-dessous :";
    /// The grounds, in the order of the sheet, without their final « ; » or « . ».
    pub const GROUNDS: [&str; 4] = [
        conformity::NO_DOSSIER,
        conformity::LATE_DOSSIER,
        conformity::INSUFFICIENT_DURATION,
        conformity::MISSING_CERTIFICATES,
    ];
    /// Follows the last ground, in the same item.
    pub const REGULARISATION_REQUEST: &str = conformity::REGULARISATION_REQUEST;
    pub const REGULARISATION_WARNING: &str = conformity::WITHOUT_REGULARISATION;
    /// The last box: the dossier is refused for good.
    pub const NOT_VALID: &str = conformity::NOT_EXAMINED;
    pub const DATE: &str = "Date du contrôle :";
    pub const VISA: &str = "Visa :";
    /// Who checks in CCF (the circular, « Modalités d'organisation »).
    pub const BY_TEACHING_TEAM: &str = "l'équipe pédagogique";
    /// Who checks for the ponctuelle form (the circular, « Cas de l'évaluation par épreuve
    /// ponctuelle »).
    pub const BY_COMMISSION: &str =
        "une commission spécifique désignée par les autorités académiques";
}

/// A ticked ground and the facts found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub ground: Ground,
    /// What was found, one fact an entry (« attestation du stage de 1re année non
    /// signée »).
    pub facts: Vec<String>,
}

/// What the check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConformityDecision {
    /// « conforme »: no ground.
    Compliant,
    /// « non conforme » until the attestations or certificates are sent, by `deadline`
    /// (`None` leaves the date blank).
    AwaitingCertificates { deadline: Option<Date> },
    /// « non conforme » for good: the last box of the sheet, NV.
    NotCompliant,
}

impl ConformityDecision {
    pub fn is_compliant(self) -> bool {
        self == ConformityDecision::Compliant
    }

    /// The decision a [`crate::conformity::check`] comes to; `None` while it cannot conclude (the
    /// dossier not yet due, facts missing): there is nothing to sign yet.
    pub fn from_state(state: &ConformityState) -> Option<ConformityDecision> {
        match state {
            ConformityState::Conforming => Some(ConformityDecision::Compliant),
            ConformityState::PendingRegularisation { deadline } => {
                Some(ConformityDecision::AwaitingCertificates {
                    deadline: *deadline,
                })
            }
            ConformityState::NonConforming { .. } | ConformityState::NotValid { .. } => {
                Some(ConformityDecision::NotCompliant)
            }
            ConformityState::AwaitingDossier { .. } | ConformityState::Undetermined { .. } => None,
        }
    }
}

impl From<&GroundFinding> for Finding {
    fn from(g: &GroundFinding) -> Finding {
        Finding {
            ground: g.ground,
            facts: g.facts.clone(),
        }
    }
}

/// The input of a fiche de contrôle de conformité (annexe 6-2) of the E4 dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConformitySheetForm {
    /// The académie's name (« Lyon », « Aix-Marseille »).
    pub academy: String,
    pub session_year: i32,
    /// The exam's code and title as the session names them (« Épreuve E4 – Support et mise
    /// à disposition de services informatiques »): session data, not a constant.
    pub exam_label: String,
    pub candidate_name: String,
    pub candidate_number: Option<String>,
    /// The établissement de formation or centre d'examen.
    pub school_name: String,
    pub track: Track,
    /// Decides who checks: the teaching team (CCF) or the académie's commission
    /// (ponctuelle).
    pub exam_form: ExamForm,
    /// The ticked grounds, each at most once.
    pub findings: Vec<Finding>,
    pub decision: ConformityDecision,
    /// « Date du contrôle »; `None` leaves a blank.
    pub check_date: Option<Date>,
    /// Who decided and signs the « Visa »: members of the teaching team or of the
    /// commission. Empty leaves blank boxes.
    pub deciders: Vec<Person>,
}

impl ConformitySheetForm {
    pub const DOCUMENT: &'static str = "Fiche de contrôle de conformité";

    /// The finding of `ground`, if ticked.
    pub fn finding(&self, ground: Ground) -> Option<&Finding> {
        self.findings.iter().find(|f| f.ground == ground)
    }

    /// Who checked, in the circular's words.
    pub fn checked_by(&self) -> &'static str {
        match self.exam_form {
            ExamForm::Continuous => annex_6_2::BY_TEACHING_TEAM,
            ExamForm::OneOff => annex_6_2::BY_COMMISSION,
        }
    }

    /// Refuses a decision that contradicts the grounds ticked.
    pub fn check(&self) -> Result<(), FormError> {
        let fail = |message: String| {
            Err(FormError {
                document: Self::DOCUMENT,
                candidate: self.candidate_name.clone(),
                message,
            })
        };
        for (i, f) in self.findings.iter().enumerate() {
            if self.findings[..i].iter().any(|g| g.ground == f.ground) {
                return fail(format!(
                    "le motif « {} » est coché deux fois",
                    f.ground.label()
                ));
            }
        }
        match self.decision {
            ConformityDecision::Compliant => {
                if let Some(f) = self.findings.first() {
                    return fail(format!(
                        "dossier déclaré conforme alors que le motif « {} » est coché",
                        f.ground.label()
                    ));
                }
            }
            ConformityDecision::AwaitingCertificates { .. } => {
                if self.finding(Ground::MissingCertificates).is_none() {
                    return fail(
                        "une régularisation est demandée sans que le motif des attestations \
                         de stage ou certificats de travail soit coché"
                            .to_owned(),
                    );
                }
                if let Some(f) = self
                    .findings
                    .iter()
                    .find(|f| !f.ground.can_be_regularised())
                {
                    return fail(format!(
                        "le motif « {} » ne peut pas être régularisé : le dossier est non conforme",
                        f.ground.label()
                    ));
                }
            }
            ConformityDecision::NotCompliant => {
                if self.findings.is_empty() {
                    return fail("dossier déclaré non conforme sans motif coché".to_owned());
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn normalise(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn annex_6_2_texts_are_verbatim_from_the_seed() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../regulation/seeds/002_d44eaea8adc21c23.txt"
        );
        let seed = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("lecture du texte de référence {path} : {e}"));
        let seed = normalise(&seed);
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
            annex_6_2::BY_COMMISSION,
        ];
        texts.extend(annex_6_2::PREAMBLE);
        texts.extend(annex_6_2::GROUNDS);
        for text in texts {
            assert!(seed.contains(&normalise(text)), "not in the seed: {text:?}");
        }
        // The grounds are the ticked items of the sheet, in order, each ending as there.
        let mut at = seed.find(annex_6_2::INTRO).expect("the intro");
        for (i, g) in Ground::ALL.iter().enumerate() {
            let end = if i < 3 { " ;" } else { "." };
            let item = format!("☐ {}{end}", normalise(g.label()));
            at += seed[at..]
                .find(&item)
                .unwrap_or_else(|| panic!("{item:?} after the previous ground"));
        }
        // The source sets « l'annexe I » in italics, between asterisks.
        let [before, italics, after] = annex_6_2::PREAMBLE;
        assert!(seed.contains(&normalise(&format!("{before} *{italics}* {after}"))));
    }

    fn sheet() -> ConformitySheetForm {
        ConformitySheetForm {
            academy: "Lyon".to_owned(),
            session_year: 2027,
            exam_label: "Épreuve E4 – Support et mise à disposition de services informatiques"
                .to_owned(),
            candidate_name: "Élodie Dupont".to_owned(),
            candidate_number: None,
            school_name: "Lycée du Parc".to_owned(),
            track: Track::Slam,
            exam_form: ExamForm::Continuous,
            findings: Vec::new(),
            decision: ConformityDecision::Compliant,
            check_date: None,
            deciders: Vec::new(),
        }
    }

    fn finding(ground: Ground) -> Finding {
        Finding {
            ground,
            facts: Vec::new(),
        }
    }

    #[test]
    fn the_decision_must_agree_with_the_grounds() {
        let mut s = sheet();
        assert_eq!(s.check(), Ok(()));
        assert_eq!(s.checked_by(), "l'équipe pédagogique");

        s.findings = vec![finding(Ground::LateDossier)];
        let err = s.check().expect_err("conforme with a ground");
        assert!(err.to_string().starts_with(
            "Fiche de contrôle de conformité de « Élodie Dupont » : dossier déclaré conforme"
        ));
        s.decision = ConformityDecision::NotCompliant;
        assert_eq!(s.check(), Ok(()));
        s.decision = ConformityDecision::AwaitingCertificates { deadline: None };
        assert!(s.check().is_err(), "a late dossier cannot be put right");
        s.findings = vec![finding(Ground::MissingCertificates)];
        assert_eq!(s.check(), Ok(()));
        s.findings.push(finding(Ground::MissingCertificates));
        assert!(s.check().expect_err("twice").message.contains("deux fois"));
        s.findings.clear();
        s.decision = ConformityDecision::NotCompliant;
        assert!(s.check().is_err(), "non conforme without a ground");
    }

    #[test]
    fn a_check_fills_the_sheet() {
        for (i, g) in Ground::ALL.iter().enumerate() {
            assert_eq!(
                annex_6_2::GROUNDS[i],
                g.label(),
                "in the order of the sheet"
            );
        }
        let deadline = Some(date!(2027 - 03 - 19));
        let cases = [
            (
                ConformityState::Conforming,
                Some(ConformityDecision::Compliant),
            ),
            (
                ConformityState::PendingRegularisation { deadline },
                Some(ConformityDecision::AwaitingCertificates { deadline }),
            ),
            (
                ConformityState::NonConforming {
                    grounds: vec![Ground::LateDossier],
                },
                Some(ConformityDecision::NotCompliant),
            ),
            (
                ConformityState::NotValid {
                    deadline: date!(2027 - 03 - 19),
                },
                Some(ConformityDecision::NotCompliant),
            ),
            (
                ConformityState::AwaitingDossier {
                    due_date: date!(2027 - 03 - 01),
                },
                None,
            ),
        ];
        for (state, decision) in cases {
            assert_eq!(
                ConformityDecision::from_state(&state),
                decision,
                "{state:?}"
            );
        }
        let found = GroundFinding {
            ground: Ground::MissingCertificates,
            label: Ground::MissingCertificates.label(),
            facts: vec!["attestation non signée".to_owned()],
        };
        let mut s = sheet();
        s.findings = vec![Finding::from(&found)];
        s.decision = ConformityDecision::AwaitingCertificates { deadline };
        assert_eq!(s.check(), Ok(()));
    }

    fn certificate() -> InternshipCertificateForm {
        InternshipCertificateForm {
            session_year: 2027,
            track: Track::Sisr,
            candidate_number: None,
            organisation: HostOrganisation {
                name: "Mairie".to_owned(),
                address: "1 place de la Mairie".to_owned(),
                siret: None,
            },
            trainee: Trainee {
                name: "Élodie Dupont".to_owned(),
                birth_date: None,
                school_name: "Lycée du Parc".to_owned(),
            },
            period: Period::new(date!(2026 - 06 - 01), date!(2026 - 07 - 03)).expect("ordered"),
            duration: InternshipDuration { weeks: 5, days: 0 },
            activities: Vec::new(),
            tutor: Person {
                name: "Jean Martin".to_owned(),
                job_title: "Technicien".to_owned(),
            },
            place: String::new(),
            date: None,
        }
    }

    #[test]
    fn durations_read_in_french_and_must_fit_the_dates() {
        let label = |weeks, days| InternshipDuration { weeks, days }.label();
        assert_eq!(label(5, 0), "5 semaines");
        assert_eq!(label(1, 2), "1 semaine et 2 jours");
        assert_eq!(label(0, 1), "1 jour");

        let mut c = certificate();
        assert_eq!(c.check(), Ok(()));
        c.duration = InternshipDuration { weeks: 5, days: 9 };
        assert!(c.check().is_err());
        c.duration = InternshipDuration { weeks: 0, days: 0 };
        assert!(c.check().expect_err("zero").message.contains("nulle"));
        c.duration = InternshipDuration { weeks: 10, days: 0 };
        let err = c.check().expect_err("10 weeks in 5");
        assert_eq!(
            err.to_string(),
            "Attestation de stage de « Élodie Dupont » : une durée de 10 semaines ne tient pas \
             dans la période du 01/06/2026 au 03/07/2026 (33 jours)"
        );
    }
}
