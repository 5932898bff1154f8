//! The internship rules of annexe III.B of the référentiel (« Stages en milieu professionnel »),
//! as a rule engine that explains itself: from the candidate's route of study and the periods
//! recorded (stages, emplois, contrats d'apprentissage), a [`Verdict`] tells in French, with the
//! dates it used, what was counted, what fails (what would make the dossier non-conforming
//! today), and what deserves a second look.
//!
//! One function per route: [`school`], [`apprenticeship`], [`continuing_education`],
//! [`professional_experience`], [`distance`]; [`evaluate`] picks the one of the candidate's route.
//!
//! # Counting weeks
//!
//! Every rule that speaks of weeks counts them the same way:
//!
//! * A **working day** (jour ouvré) is a Monday to Friday that is not a French public holiday:
//!   1 January, Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August,
//!   1 November, 11 November, 25 December ([`public_holiday`]; Easter by the Gregorian computus,
//!   [`easter_sunday`]). The local holidays of Alsace-Moselle and of the overseas départements are
//!   not counted. School holidays are not public holidays: presence is what the dates say.
//! * Periods are merged first: a day covered by two periods is counted once.
//! * A **day of presence** is a working day inside a period.
//! * A calendar week (Monday to Sunday) in which the student is present on **every** working day
//!   counts as one week, even when a public holiday falls in it: the 4 days of the week of
//!   Ascension make a week, as is the usual practice (the organisation is closed that day, and
//!   the convention does not ask the student to make it up). In any other week the days of
//!   presence add up, and **5 days make a week**. So 06/01/25–31/01/25 is 4 weeks, and so is a
//!   period from a Wednesday to the Tuesday four weeks later (3 + 15 + 2 days).
//! * Weeks are **consecutive** while no working day without presence comes between them: two
//!   periods separated only by a weekend or public holidays make one run (even at two
//!   organisations); one working day of absence splits it. A run is measured by the same rule.
//! * Employment (certificats de travail) is measured in calendar days of contract, merged the
//!   same way: six months = 181 days (the shortest six calendar months, 01/09 to 28/02), one
//!   year = 365 days, three years = 1 095 days. A window « l'année précédant l'examen » is the
//!   twelve months before the exam date, the exam day excluded.
//!
//! # Reading of the text
//!
//! * Voie scolaire: 10 weeks is a minimum (a failure below it). The maximums (5 then 6
//!   consecutive weeks, 12 in total with the two weeks of school holidays) give warnings only:
//!   the school calendar is not known here, and a longer internship is not a ground of the
//!   contrôle de conformité. « En fin de première année » is not checked (the teaching team
//!   schedules it).
//! * Durée réduite (4.1): the floor of 8 weeks, at least 4 of them consecutive in the second
//!   year, applies to both reasons (force majeure and aménagement de la formation), and only
//!   with a recorded demande de positionnement. It applies to every route that has an
//!   internship duration (voie scolaire, formation continue) and to nothing else.
//! * Perfectionnement (3.3 b): certificats de travail « peuvent » replace the attestation, so
//!   either alternative satisfies the rule: employment as the text says, or 10 weeks of
//!   internship as in 3.3 a. Six months full time are cumulative (the text does not say
//!   consecutive); for the year part time, full-time days count too.
//! * Expérience professionnelle (3.5): the duration is the three years of Annexe II.C
//!   (« Candidats justifiant de 3 ans d’expérience professionnelle »), full or part time alike.
//! * An apprenticeship contract is employment (the apprentice is an employee) for the rules that
//!   count employment.
//! * Periods whose document is missing or unsigned are counted in the duration and reported as
//!   [`CertificateIssue`]s: sending the signed document regularises the dossier, so it must not
//!   turn into a shortfall of duration.

use crate::dossier::{Period, short_date};
use crate::route::Route;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use time::{Date, Duration, Month, Weekday};

// ---------------------------------------------------------------------------------------------
// The text, quoted
// ---------------------------------------------------------------------------------------------

/// Annexe III.B, 3.1 (voie scolaire).
pub const SCHOOL_DURATION: &str = "La durée des stages est de 10 semaines, à effectuer au cours des deux années de formation, avec nécessairement une période de quatre à cinq semaines consécutives en fin de première année et une période de cinq à six semaines consécutives en deuxième année. Cette durée peut être prolongée de deux semaines pendant les vacances scolaires.";
/// Annexe III.B, 3.1: the intern is not an employee.
pub const SCHOOL_STATUS: &str = "Pendant le stage, la personne étudiante a obligatoirement la qualité d’étudiant stagiaire et non de salarié";
/// Annexe III.B, 3.2 (apprentissage).
pub const APPRENTICESHIP_CERTIFICATE: &str = "Pour les apprentis, les attestations de stage sont remplacées par un certificat de travail de l’employeur confirmant le statut du candidat comme apprenti dans son organisation.";
/// Annexe III.B, 3.3 a (formation continue, première formation ou reconversion).
pub const CONTINUING_DURATION: &str =
    "La durée des stages est de 10 semaines à répartir sur la période de formation.";
/// Annexe III.B, 3.3 b (formation continue, perfectionnement): the replacement.
pub const PERFECTIONNEMENT_CERTIFICATES: &str = "L’attestation de stage peut être remplacée par un ou plusieurs certificats de travail attestant que la personne a été employée dans des activités représentatives des métiers des services informatiques, tels qu’elles sont présentées dans le référentiel.";
/// Annexe III.B, 3.3 b: the duration of employment.
pub const PERFECTIONNEMENT_DURATION: &str = "Ces activités doivent avoir été effectuées en qualité de salarié à temps plein pendant six mois au cours de l’année précédant l’examen ou à temps partiel pendant un an au cours des deux années précédant l’examen.";
/// Annexe III.B, 3.4 (formation à distance).
pub const DISTANCE_STATUS: &str = "Les candidats relèvent, selon leur statut (scolaire, apprenti, formation continue), de l’un des cas précédents.";
/// Annexe III.B, 3.5 (expérience professionnelle).
pub const EXPERIENCE_CERTIFICATES: &str = "L’attestation de stage est remplacée par un ou plusieurs certificats de travail justifiant de la nature et de la durée de l’emploi occupé.";
/// Annexe III.B, 3.5: the activities.
pub const EXPERIENCE_ACTIVITIES: &str = "Les activités effectuées au sein de l’entreprise doivent être en cohérence avec les exigences du référentiel et seront précisées en annexe des certificats de travail remis par l’employeur.";
/// Annexe II.C, the column of the règlement d'examen: the duration of experience.
pub const EXPERIENCE_DURATION: &str = "Candidats justifiant de 3 ans d’expérience professionnelle.";
/// Annexe III.B, 4.1 (aménagement de la durée de stage).
pub const REDUCED_DURATION: &str = "La durée obligatoire des stages peut être réduite, soit pour une raison de force majeure dûment constatée, soit, dans le cas d’aménagement de la formation, à une durée qui ne peut être inférieure à 8 semaines dont au moins 4 semaines consécutives en deuxième année.";
/// Annexe III.B, 4.1: the demande de positionnement.
pub const POSITIONING_REQUEST: &str = "Dans tous les cas, la personne candidate doit effectuer une demande de positionnement auprès du recteur d’académie.";

/// Six months of employment, in calendar days: the shortest six calendar months (01/09–28/02).
pub const SIX_MONTHS_DAYS: u32 = 181;
/// One year of employment, in calendar days.
pub const ONE_YEAR_DAYS: u32 = 365;
/// Three years of employment, in calendar days.
pub const THREE_YEARS_DAYS: u32 = 3 * 365;

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// The year of training a period belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingYear {
    First,
    Second,
}

impl TrainingYear {
    /// 1 or 2; anything else is `None`.
    pub fn from_number(n: u8) -> Option<TrainingYear> {
        match n {
            1 => Some(TrainingYear::First),
            2 => Some(TrainingYear::Second),
            _ => None,
        }
    }

    /// 1 or 2.
    pub fn number(self) -> u8 {
        match self {
            TrainingYear::First => 1,
            TrainingYear::Second => 2,
        }
    }

    /// « 1re année », « 2e année ».
    pub fn label(self) -> &'static str {
        match self {
            TrainingYear::First => "1re année",
            TrainingYear::Second => "2e année",
        }
    }
}

/// What a period was, which decides the document that proves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum PeriodKind {
    /// A stage, proved by an attestation de stage.
    Internship,
    /// Salaried employment, proved by a certificat de travail.
    Employment { full_time: bool },
    /// An apprenticeship contract, proved by the employer's certificat de travail.
    ApprenticeshipContract,
}

impl PeriodKind {
    /// The document that proves a period of this kind.
    pub fn document(self) -> Document {
        match self {
            PeriodKind::Internship => Document::InternshipCertificate,
            PeriodKind::Employment { .. } | PeriodKind::ApprenticeshipContract => {
                Document::EmploymentCertificate
            }
        }
    }

    /// « stage », « emploi à temps plein », « emploi à temps partiel », « contrat d'apprentissage ».
    pub fn label(self) -> &'static str {
        match self {
            PeriodKind::Internship => "stage",
            PeriodKind::Employment { full_time: true } => "emploi à temps plein",
            PeriodKind::Employment { full_time: false } => "emploi à temps partiel",
            PeriodKind::ApprenticeshipContract => "contrat d'apprentissage",
        }
    }

    fn is_employment(self) -> bool {
        !matches!(self, PeriodKind::Internship)
    }

    fn is_full_time_employment(self) -> bool {
        matches!(
            self,
            PeriodKind::Employment { full_time: true } | PeriodKind::ApprenticeshipContract
        )
    }
}

/// The attestation de stage or certificat de travail: a document for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// Attestation de stage.
    InternshipCertificate,
    /// Certificat de travail.
    EmploymentCertificate,
}

impl Document {
    /// « attestation de stage », « certificat de travail ».
    pub fn label(self) -> &'static str {
        match self {
            Document::InternshipCertificate => "attestation de stage",
            Document::EmploymentCertificate => "certificat de travail",
        }
    }

    /// The word agreed with the document's gender: « manquante » / « manquant » …
    fn agreed(self, state: CertificateState) -> &'static str {
        match (self, state) {
            (Document::InternshipCertificate, CertificateState::Missing) => "manquante",
            (Document::InternshipCertificate, CertificateState::Unsigned) => "non signée",
            (Document::InternshipCertificate, CertificateState::Signed) => "signée",
            (Document::EmploymentCertificate, CertificateState::Missing) => "manquant",
            (Document::EmploymentCertificate, CertificateState::Unsigned) => "non signé",
            (Document::EmploymentCertificate, CertificateState::Signed) => "signé",
        }
    }
}

/// Where the document of a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateState {
    /// Not handed in.
    Missing,
    /// Handed in, not signed by the people entitled to sign it.
    Unsigned,
    /// Handed in and signed.
    Signed,
}

/// One period recorded for a candidate: a stage, a job or an apprenticeship contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternshipPeriod {
    /// The host organisation or employer (« Mairie de Caen »).
    pub organisation: String,
    pub period: Period,
    pub year_of_training: TrainingYear,
    pub kind: PeriodKind,
    pub certificate: CertificateState,
}

/// The two cases of the formation continue (annexe III.B, 3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContinuingEducationCase {
    /// En situation de première formation.
    FirstTraining,
    /// En situation de reconversion.
    Retraining,
    /// En situation de perfectionnement.
    Perfectionnement,
}

impl ContinuingEducationCase {
    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            ContinuingEducationCase::FirstTraining => "première formation",
            ContinuingEducationCase::Retraining => "reconversion",
            ContinuingEducationCase::Perfectionnement => "perfectionnement",
        }
    }
}

/// The status of a distance-learning candidate (annexe III.B, 3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistanceStatus {
    School,
    Apprenticeship,
    ContinuingEducation,
}

/// Why the internship duration was reduced (annexe III.B, 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReductionReason {
    /// « une raison de force majeure dûment constatée ».
    ForceMajeure,
    /// « aménagement de la formation ».
    AdaptedTraining,
}

impl ReductionReason {
    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            ReductionReason::ForceMajeure => "force majeure",
            ReductionReason::AdaptedTraining => "aménagement de la formation",
        }
    }
}

/// A reduced internship duration, as recorded for the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReducedDuration {
    pub reason: ReductionReason,
    /// The date of the demande de positionnement auprès du recteur, if one was made.
    pub positioning_request: Option<Date>,
}

/// What the rules need to know about a candidate besides the periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateFacts {
    pub route: Route,
    /// For [`Route::Distance`]: the status the candidate has.
    pub distance_status: Option<DistanceStatus>,
    /// For the formation continue (and distance learning with that status).
    pub continuing_education: Option<ContinuingEducationCase>,
    pub reduced_duration: Option<ReducedDuration>,
    /// The exam date, for the rules that count « l'année précédant l'examen ».
    pub exam_date: Option<Date>,
}

impl CandidateFacts {
    /// A candidate of `route` with nothing else recorded.
    pub fn new(route: Route) -> CandidateFacts {
        CandidateFacts {
            route,
            distance_status: None,
            continuing_education: None,
            reduced_duration: None,
            exam_date: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

/// A duration counted in days of presence, 5 days to the week (see the module documentation).
/// Serialises as `{"weeks": 4, "days": 2, "label": "4 semaines et 2 jours"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct WeekCount {
    days: u32,
}

impl WeekCount {
    /// Nothing.
    pub const ZERO: WeekCount = WeekCount { days: 0 };

    /// `days` days of presence.
    pub const fn from_days(days: u32) -> WeekCount {
        WeekCount { days }
    }

    /// `weeks` whole weeks.
    pub const fn of_weeks(weeks: u32) -> WeekCount {
        WeekCount {
            days: weeks.saturating_mul(5),
        }
    }

    /// The whole count in days (5 to the week).
    pub fn in_days(self) -> u32 {
        self.days
    }

    /// The whole weeks.
    pub fn whole_weeks(self) -> u32 {
        self.days / 5
    }

    /// The days beyond the whole weeks (0 to 4).
    pub fn extra_days(self) -> u32 {
        self.days % 5
    }
}

impl fmt::Display for WeekCount {
    /// « 4 semaines », « 1 semaine et 2 jours », « 3 jours », « 0 semaine ».
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.whole_weeks(), self.extra_days()) {
            (0, 0) => f.write_str("0 semaine"),
            (w, 0) => f.write_str(&plural(w, "semaine", "semaines")),
            (0, d) => f.write_str(&plural(d, "jour", "jours")),
            (w, d) => write!(
                f,
                "{} et {}",
                plural(w, "semaine", "semaines"),
                plural(d, "jour", "jours")
            ),
        }
    }
}

impl Serialize for WeekCount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("WeekCount", 3)?;
        s.serialize_field("weeks", &self.whole_weeks())?;
        s.serialize_field("days", &self.extra_days())?;
        s.serialize_field("label", &self.to_string())?;
        s.end()
    }
}

/// What a document is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum CertificateSubject {
    /// A recorded period.
    Period {
        organisation: String,
        period: Period,
    },
    /// No period of the kind was recorded at all (« aucun contrat d'apprentissage enregistré »).
    NoneRecorded { what: &'static str },
}

/// A document that is missing or unsigned: a ground of the contrôle de conformité that the
/// candidate can regularise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateIssue {
    pub document: Document,
    /// [`CertificateState::Missing`] or [`CertificateState::Unsigned`].
    pub state: CertificateState,
    pub subject: CertificateSubject,
}

impl CertificateIssue {
    /// « attestation de stage manquante : Mairie de Caen, du 06/01/25 au 31/01/25 ».
    pub fn describe(&self) -> String {
        let subject = match &self.subject {
            CertificateSubject::Period {
                organisation,
                period,
            } => format!("{organisation}, du {}", period.short()),
            CertificateSubject::NoneRecorded { what } => (*what).to_string(),
        };
        format!(
            "{} {} : {subject}",
            self.document.label(),
            self.document.agreed(self.state)
        )
    }
}

/// The verdict of a rule of annexe III.B for one candidate, explained in French.
///
/// `satisfied` is true when there are no failures, no certificate issues and no missing
/// information. Failures are shortfalls of duration (the third ground of annexe 6-2),
/// certificate issues the fourth ground; warnings never make the dossier non-conforming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The rule applied: « Voie scolaire (annexe III.B, 3.1) ».
    pub rule: String,
    pub satisfied: bool,
    /// What was counted, one sentence each, with dates.
    pub facts: Vec<String>,
    /// What the rule requires and is not met, one sentence each, with dates.
    pub failures: Vec<String>,
    /// Documents missing or unsigned, for the periods the rule relies on.
    pub certificate_issues: Vec<CertificateIssue>,
    /// What deserves a look without failing the rule (maximums, ignored periods, overlaps).
    pub warnings: Vec<String>,
    /// What must be recorded before the rule can conclude.
    pub missing_information: Vec<String>,
    /// The internship weeks counted (zero for the rules that count employment).
    pub weeks_counted: WeekCount,
    /// The internship weeks required, when the rule asks for a number of weeks.
    pub weeks_required: Option<WeekCount>,
}

impl Verdict {
    fn new(rule: impl Into<String>) -> Verdict {
        Verdict {
            rule: rule.into(),
            satisfied: false,
            facts: Vec::new(),
            failures: Vec::new(),
            certificate_issues: Vec::new(),
            warnings: Vec::new(),
            missing_information: Vec::new(),
            weeks_counted: WeekCount::ZERO,
            weeks_required: None,
        }
    }

    fn finish(mut self) -> Verdict {
        self.satisfied = self.failures.is_empty()
            && self.certificate_issues.is_empty()
            && self.missing_information.is_empty();
        self
    }

    fn absorb(&mut self, checks: Checks) {
        self.facts.extend(checks.facts);
        self.failures.extend(checks.failures);
        self.warnings.extend(checks.warnings);
    }
}

// ---------------------------------------------------------------------------------------------
// The rules, one per route
// ---------------------------------------------------------------------------------------------

/// The rule of the candidate's route.
pub fn evaluate(facts: &CandidateFacts, periods: &[InternshipPeriod]) -> Verdict {
    match facts.route {
        Route::School => school(facts, periods),
        Route::Apprenticeship => apprenticeship(facts, periods),
        Route::ContinuingEducation => continuing_education(facts, periods),
        Route::ProfessionalExperience => professional_experience(facts, periods),
        Route::Distance => distance(facts, periods),
    }
}

/// Voie scolaire (annexe III.B, 3.1): « La durée des stages est de 10 semaines, à effectuer au
/// cours des deux années de formation, avec nécessairement une période de quatre à cinq semaines
/// consécutives en fin de première année et une période de cinq à six semaines consécutives en
/// deuxième année. Cette durée peut être prolongée de deux semaines pendant les vacances
/// scolaires. » Only stages count (« la personne étudiante a obligatoirement la qualité
/// d’étudiant stagiaire et non de salarié »). With a reduced duration and a demande de
/// positionnement, the rule of 4.1 applies instead.
pub fn school(facts: &CandidateFacts, periods: &[InternshipPeriod]) -> Verdict {
    let mut v = Verdict::new("Voie scolaire (annexe III.B, 3.1)");
    let counted = select(
        periods,
        |k| k == PeriodKind::Internship,
        &format!("seuls les stages comptent (« {SCHOOL_STATUS} »)"),
        &mut v,
    );
    let count = count_internships(&counted, &mut v);
    warn_after_exam(&counted, facts.exam_date, &mut v);
    let normal = school_normal(&count);
    let checks = with_reduction(facts, &count, normal, &mut v);
    v.absorb(checks);
    check_certificates(&counted, &mut v);
    v.finish()
}

/// Voie de l'apprentissage (annexe III.B, 3.2): « Pour les apprentis, les attestations de stage
/// sont remplacées par un certificat de travail de l’employeur confirmant le statut du candidat
/// comme apprenti dans son organisation. » No duration is set: the rule asks for at least one
/// apprenticeship contract and its signed certificat de travail.
pub fn apprenticeship(facts: &CandidateFacts, periods: &[InternshipPeriod]) -> Verdict {
    let mut v = Verdict::new("Apprentissage (annexe III.B, 3.2)");
    v.facts.push(format!(
        "aucune durée de stage n'est exigée des apprentis : « {APPRENTICESHIP_CERTIFICATE} »"
    ));
    let counted = select(
        periods,
        |k| k == PeriodKind::ApprenticeshipContract,
        "seul le contrat d'apprentissage est exigé d'un apprenti",
        &mut v,
    );
    for p in &counted {
        v.facts.push(describe_period(p));
    }
    if facts.reduced_duration.is_some() {
        v.warnings.push(
            "une durée de stage réduite est enregistrée : sans objet pour un apprenti".to_string(),
        );
    }
    if counted.is_empty() {
        v.certificate_issues.push(CertificateIssue {
            document: Document::EmploymentCertificate,
            state: CertificateState::Missing,
            subject: CertificateSubject::NoneRecorded {
                what: "aucun contrat d'apprentissage enregistré",
            },
        });
    }
    check_certificates(&counted, &mut v);
    v.finish()
}

/// Voie de la formation continue (annexe III.B, 3.3), by case: première formation or
/// reconversion, « La durée des stages est de 10 semaines à répartir sur la période de
/// formation. » (with the reduced duration of 4.1); perfectionnement, certificats de travail
/// « à temps plein pendant six mois au cours de l’année précédant l’examen ou à temps partiel
/// pendant un an au cours des deux années précédant l’examen », or else 10 weeks of stage.
pub fn continuing_education(facts: &CandidateFacts, periods: &[InternshipPeriod]) -> Verdict {
    match facts.continuing_education {
        Some(ContinuingEducationCase::Perfectionnement) => perfectionnement(facts, periods),
        Some(case) => {
            let mut v = Verdict::new(format!(
                "Formation continue, {} (annexe III.B, 3.3 a)",
                case.label()
            ));
            let counted = select(
                periods,
                |k| k == PeriodKind::Internship,
                "seuls les stages comptent en première formation ou en reconversion",
                &mut v,
            );
            let count = count_internships(&counted, &mut v);
            warn_after_exam(&counted, facts.exam_date, &mut v);
            let normal = total_at_least(&count, 10, " à répartir sur la période de formation");
            let checks = with_reduction(facts, &count, normal, &mut v);
            v.absorb(checks);
            check_certificates(&counted, &mut v);
            v.finish()
        }
        None => {
            let mut v = Verdict::new("Formation continue (annexe III.B, 3.3)");
            v.missing_information.push(
                "situation en formation continue non renseignée : première formation, reconversion ou perfectionnement"
                    .to_string(),
            );
            v.finish()
        }
    }
}

/// Candidats au titre de l'expérience professionnelle (annexe III.B, 3.5): « L’attestation de
/// stage est remplacée par un ou plusieurs certificats de travail justifiant de la nature et de
/// la durée de l’emploi occupé. » The duration is that of Annexe II.C: « Candidats justifiant
/// de 3 ans d’expérience professionnelle. » Employment after the exam date does not count.
pub fn professional_experience(facts: &CandidateFacts, periods: &[InternshipPeriod]) -> Verdict {
    let mut v = Verdict::new("Expérience professionnelle (annexe III.B, 3.5)");
    let counted = select(
        periods,
        PeriodKind::is_employment,
        "un stage ne remplace pas les certificats de travail de l'expérience professionnelle",
        &mut v,
    );
    for p in &counted {
        v.facts.push(describe_period(p));
    }
    let window = facts
        .exam_date
        .and_then(|exam| exam.previous_day())
        .map(|end| Span {
            start: Date::MIN,
            end,
        });
    let (days, spans) = employment_days(&counted, |_| true, window);
    let part_time = employment_days(&counted, |k| !k.is_full_time_employment(), window).0;
    let before = match facts.exam_date {
        Some(exam) => format!(" avant l'examen du {}", short_date(exam)),
        None => String::new(),
    };
    let sentence = format!(
        "expérience professionnelle : {}{before}{}{}",
        plural(days, "jour d'emploi", "jours d'emploi"),
        if part_time > 0 {
            format!(" (dont {} à temps partiel)", thousands(part_time))
        } else {
            String::new()
        },
        listed(&spans),
    );
    let required = format!(
        "il en faut au moins {} (trois ans)",
        thousands(THREE_YEARS_DAYS)
    );
    if days >= THREE_YEARS_DAYS {
        v.facts.push(format!("{sentence}, {required}"));
    } else {
        v.failures.push(format!("{sentence}, {required}"));
    }
    v.facts.push(format!("« {EXPERIENCE_ACTIVITIES} »"));
    check_certificates(&counted, &mut v);
    v.finish()
}

/// Candidats en formation à distance (annexe III.B, 3.4): « Les candidats relèvent, selon leur
/// statut (scolaire, apprenti, formation continue), de l’un des cas précédents. » The rule of the
/// recorded status applies.
pub fn distance(facts: &CandidateFacts, periods: &[InternshipPeriod]) -> Verdict {
    let inner = match facts.distance_status {
        Some(DistanceStatus::School) => school(facts, periods),
        Some(DistanceStatus::Apprenticeship) => apprenticeship(facts, periods),
        Some(DistanceStatus::ContinuingEducation) => continuing_education(facts, periods),
        None => {
            let mut v = Verdict::new("Enseignement à distance (annexe III.B, 3.4)");
            v.missing_information.push(format!(
                "statut du candidat à distance non renseigné (scolaire, apprenti ou formation continue) : « {DISTANCE_STATUS} »"
            ));
            return v.finish();
        }
    };
    let mut v = inner;
    v.rule = format!("Enseignement à distance (annexe III.B, 3.4), {}", v.rule);
    v.facts.insert(0, format!("« {DISTANCE_STATUS} »"));
    v.finish()
}

/// Perfectionnement (3.3 b): employment, or else internships as in 3.3 a.
fn perfectionnement(facts: &CandidateFacts, periods: &[InternshipPeriod]) -> Verdict {
    let mut v = Verdict::new("Formation continue, perfectionnement (annexe III.B, 3.3 b)");
    v.facts.push(format!(
        "« {PERFECTIONNEMENT_CERTIFICATES} {PERFECTIONNEMENT_DURATION} »"
    ));
    let employment: Vec<&InternshipPeriod> =
        periods.iter().filter(|p| p.kind.is_employment()).collect();
    let internships: Vec<&InternshipPeriod> = periods
        .iter()
        .filter(|p| p.kind == PeriodKind::Internship)
        .collect();

    // The certificats de travail: Some(true/false) when decided, None when the exam date lacks.
    let mut employment_checks = Checks::default();
    let employment_ok = if employment.is_empty() {
        Some(false)
    } else if let Some(exam) = facts.exam_date {
        for p in &employment {
            employment_checks.facts.push(describe_period(p));
        }
        let (full, full_spans) = years_before(exam, 1)
            .map(|w| employment_days(&employment, PeriodKind::is_full_time_employment, Some(w)))
            .unwrap_or_default();
        let (any, any_spans) = years_before(exam, 2)
            .map(|w| employment_days(&employment, |_| true, Some(w)))
            .unwrap_or_default();
        let window = |years| {
            years_before(exam, years)
                .map(|w| format!(", soit {}", w.short()))
                .unwrap_or_default()
        };
        let full_sentence = format!(
            "temps plein : {}{} dans l'année précédant l'examen{} ; il en faut au moins {SIX_MONTHS_DAYS} (six mois)",
            plural(full, "jour d'emploi", "jours d'emploi"),
            listed(&full_spans),
            window(1),
        );
        let any_sentence = format!(
            "temps partiel : {}{} dans les deux années précédant l'examen{} ; il en faut au moins {ONE_YEAR_DAYS} (un an)",
            plural(any, "jour d'emploi", "jours d'emploi"),
            listed(&any_spans),
            window(2),
        );
        let ok = full >= SIX_MONTHS_DAYS || any >= ONE_YEAR_DAYS;
        let target = if ok {
            &mut employment_checks.facts
        } else {
            &mut employment_checks.failures
        };
        target.push(format!("certificats de travail, {full_sentence}"));
        target.push(format!("certificats de travail, {any_sentence}"));
        Some(ok)
    } else {
        for p in &employment {
            employment_checks.facts.push(describe_period(p));
        }
        None
    };

    // The internships, as in 3.3 a.
    let mut internship_verdict = Verdict::new(String::new());
    let internship_ok = if internships.is_empty() {
        false
    } else {
        let count = count_internships(&internships, &mut internship_verdict);
        let normal = total_at_least(&count, 10, " des stages");
        let checks = with_reduction(facts, &count, normal, &mut internship_verdict);
        internship_verdict.absorb(checks);
        internship_verdict.failures.is_empty()
    };

    match (employment_ok, internship_ok) {
        (Some(true), _) => {
            v.absorb(employment_checks);
            v.facts.extend(internship_verdict.facts);
            check_certificates(&employment, &mut v);
        }
        (_, true) => {
            v.facts.extend(employment_checks.facts);
            v.facts.extend(employment_checks.failures);
            merge_into(&mut v, internship_verdict);
            check_certificates(&internships, &mut v);
        }
        (None, false) => {
            v.missing_information.push(
                "date de l'examen non renseignée : les certificats de travail ne peuvent être comptés"
                    .to_string(),
            );
            v.facts.extend(employment_checks.facts);
            v.facts.extend(internship_verdict.facts);
            v.facts.extend(internship_verdict.failures);
            check_certificates(&employment, &mut v);
            check_certificates(&internships, &mut v);
        }
        (Some(false), false) => {
            if employment.is_empty() && internships.is_empty() {
                v.failures.push(
                    "aucune période enregistrée : il faut des certificats de travail (six mois à temps plein dans l'année précédant l'examen ou un an à temps partiel dans les deux années précédant l'examen) ou 10 semaines de stage"
                        .to_string(),
                );
            } else {
                if employment.is_empty() {
                    v.facts
                        .push("aucun certificat de travail (emploi) enregistré".to_string());
                }
                if internships.is_empty() {
                    v.facts.push("aucun stage enregistré".to_string());
                }
                v.absorb(employment_checks);
                merge_into(&mut v, internship_verdict);
            }
            check_certificates(&employment, &mut v);
            check_certificates(&internships, &mut v);
        }
    }
    v.finish()
}

// ---------------------------------------------------------------------------------------------
// Duration checks shared by the rules
// ---------------------------------------------------------------------------------------------

/// Facts, failures and warnings of one check, before they join a verdict.
#[derive(Debug, Default)]
struct Checks {
    facts: Vec<String>,
    failures: Vec<String>,
    warnings: Vec<String>,
}

/// The school rule without reduction: 10 weeks in total (12 at most with the school holidays),
/// 4 to 5 consecutive in the first year, 5 to 6 in the second.
fn school_normal(count: &InternshipCount) -> Checks {
    let mut c = total_at_least(count, 10, " sur les deux années");
    let total = count.total.credit;
    if total > WeekCount::of_weeks(12) {
        c.warnings.push(format!(
            "durée totale : {total}, au-delà des 10 semaines prolongeables de deux semaines pendant les vacances scolaires (12 semaines au plus)"
        ));
    } else if total > WeekCount::of_weeks(10) {
        c.facts.push(format!(
            "durée totale : {total}, au-delà de 10 semaines : le prolongement (deux semaines au plus) doit avoir lieu pendant les vacances scolaires"
        ));
    }
    consecutive(
        &count.first_year,
        TrainingYear::First,
        4,
        Some(5),
        " en fin de première année",
        &mut c,
    );
    consecutive(
        &count.second_year,
        TrainingYear::Second,
        5,
        Some(6),
        "",
        &mut c,
    );
    c
}

/// The reduced rule of 4.1: 8 weeks, at least 4 of them consecutive in the second year.
fn reduced_rule(count: &InternshipCount) -> Checks {
    let mut c = total_at_least(count, 8, " (durée réduite)");
    consecutive(
        &count.second_year,
        TrainingYear::Second,
        4,
        None,
        "",
        &mut c,
    );
    c
}

/// At least `weeks` weeks in total.
fn total_at_least(count: &InternshipCount, weeks: u32, context: &str) -> Checks {
    let mut c = Checks::default();
    let total = count.total.credit;
    let sentence = format!(
        "durée totale{context} : {total}{}, il en faut au moins {weeks}",
        listed(&count.merged)
    );
    if total >= WeekCount::of_weeks(weeks) {
        c.facts.push(sentence);
    } else {
        c.failures.push(sentence);
    }
    c
}

/// A run of at least `min` consecutive weeks in `year` (and at most `max`, a warning beyond).
fn consecutive(
    runs: &[Run],
    year: TrainingYear,
    min: u32,
    max: Option<u32>,
    context: &str,
    c: &mut Checks,
) {
    let wanted = match max {
        Some(max) => format!("une période de {min} à {max} semaines consécutives{context}"),
        None => format!("au moins {min} semaines consécutives{context}"),
    };
    let min_w = WeekCount::of_weeks(min);
    let Some(longest) = runs
        .iter()
        .filter(|r| r.credit > WeekCount::ZERO)
        .max_by(|a, b| {
            a.credit
                .cmp(&b.credit)
                .then_with(|| b.span.start.cmp(&a.span.start))
        })
    else {
        c.failures.push(format!(
            "{} : aucune période de stage enregistrée, il faut {wanted}",
            year.label()
        ));
        return;
    };
    if longest.credit < min_w {
        c.failures.push(format!(
            "{} : {}, il en faut au moins {min}",
            year.label(),
            run_phrase(longest)
        ));
        return;
    }
    let Some(max) = max else {
        c.facts.push(format!(
            "{} : {}, il en faut au moins {min}",
            year.label(),
            run_phrase(longest)
        ));
        return;
    };
    let max_w = WeekCount::of_weeks(max);
    if let Some(fit) = runs.iter().find(|r| r.credit >= min_w && r.credit <= max_w) {
        c.facts.push(format!(
            "{} : {}, il en faut de {min} à {max}",
            year.label(),
            run_phrase(fit)
        ));
    } else {
        c.warnings.push(format!(
            "{} : {}, au-delà des {max} semaines consécutives prévues : le prolongement (deux semaines au plus) doit avoir lieu pendant les vacances scolaires",
            year.label(),
            run_phrase(longest)
        ));
    }
}

/// Applies the reduced duration of 4.1 when it is recorded: the normal rule first; if it fails,
/// the reduced rule with a demande de positionnement, a failure without one.
fn with_reduction(
    facts: &CandidateFacts,
    count: &InternshipCount,
    normal: Checks,
    v: &mut Verdict,
) -> Checks {
    v.weeks_required = Some(WeekCount::of_weeks(10));
    let Some(reduced) = facts.reduced_duration else {
        return normal;
    };
    let reason = reduced.reason.label();
    if normal.failures.is_empty() {
        let mut c = normal;
        c.facts.push(format!(
            "durée réduite ({reason}) enregistrée : la durée normale est atteinte, la réduction n'est pas utilisée"
        ));
        return c;
    }
    match reduced.positioning_request {
        Some(date) => {
            v.weeks_required = Some(WeekCount::of_weeks(8));
            let mut c = Checks {
                facts: normal.facts,
                ..Checks::default()
            };
            c.facts.push(format!(
                "durée réduite ({reason}) : demande de positionnement auprès du recteur du {} ; le jury est informé de la situation (« {REDUCED_DURATION} »)",
                short_date(date)
            ));
            c.facts.extend(
                normal
                    .failures
                    .into_iter()
                    .map(|f| format!("sans la réduction : {f}")),
            );
            if let Some(exam) = facts.exam_date
                && date >= exam
            {
                c.warnings.push(format!(
                    "la demande de positionnement du {} ne précède pas l'examen du {}",
                    short_date(date),
                    short_date(exam)
                ));
            }
            let r = reduced_rule(count);
            c.facts.extend(r.facts);
            c.failures.extend(r.failures);
            c.warnings.extend(r.warnings);
            c
        }
        None => {
            let mut c = normal;
            let would = if reduced_rule(count).failures.is_empty() {
                "la durée réduite serait atteinte"
            } else {
                "la durée réduite ne serait pas atteinte non plus"
            };
            c.failures.push(format!(
                "durée réduite ({reason}) sans demande de positionnement enregistrée : la réduction ne s'applique pas (« {POSITIONING_REQUEST} ») ; avec cette demande, {would}"
            ));
            c
        }
    }
}

fn merge_into(v: &mut Verdict, other: Verdict) {
    v.facts.extend(other.facts);
    v.failures.extend(other.failures);
    v.warnings.extend(other.warnings);
    v.weeks_counted = other.weeks_counted;
    v.weeks_required = other.weeks_required;
}

/// The periods a rule counts; a warning for each one it leaves aside.
fn select<'a>(
    periods: &'a [InternshipPeriod],
    accept: impl Fn(PeriodKind) -> bool,
    why: &str,
    v: &mut Verdict,
) -> Vec<&'a InternshipPeriod> {
    let mut kept = Vec::with_capacity(periods.len());
    for p in periods {
        if accept(p.kind) {
            kept.push(p);
        } else {
            v.warnings.push(format!(
                "{} : période non prise en compte, {why}",
                describe_period(p)
            ));
        }
    }
    kept
}

fn check_certificates(periods: &[&InternshipPeriod], v: &mut Verdict) {
    for p in periods {
        if p.certificate != CertificateState::Signed {
            v.certificate_issues.push(CertificateIssue {
                document: p.kind.document(),
                state: p.certificate,
                subject: CertificateSubject::Period {
                    organisation: p.organisation.clone(),
                    period: p.period,
                },
            });
        }
    }
}

fn warn_after_exam(periods: &[&InternshipPeriod], exam: Option<Date>, v: &mut Verdict) {
    let Some(exam) = exam else { return };
    for p in periods {
        if p.period.end() >= exam {
            v.warnings.push(format!(
                "{} : se termine après la date de l'examen ({})",
                describe_period(p),
                short_date(exam)
            ));
        }
    }
}

/// « Mairie de Caen, stage du 06/01/25 au 31/01/25 (2e année) ».
fn describe_period(p: &InternshipPeriod) -> String {
    match p.kind {
        PeriodKind::Internship => format!(
            "{}, stage du {} ({})",
            p.organisation,
            p.period.short(),
            p.year_of_training.label()
        ),
        kind => format!(
            "{}, {} du {}",
            p.organisation,
            kind.label(),
            p.period.short()
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------------------------

/// Days from `start` to `end`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: Date,
    end: Date,
}

impl Span {
    fn of(p: &Period) -> Span {
        Span {
            start: p.start(),
            end: p.end(),
        }
    }

    fn days(self) -> u32 {
        u32::try_from(self.end.to_julian_day() - self.start.to_julian_day() + 1).unwrap_or(0)
    }

    fn clip(self, window: Span) -> Option<Span> {
        let start = self.start.max(window.start);
        let end = self.end.min(window.end);
        (start <= end).then_some(Span { start, end })
    }

    /// « 06/01/25 au 31/01/25 ».
    fn short(self) -> String {
        format!("du {} au {}", short_date(self.start), short_date(self.end))
    }
}

/// Two periods that share days.
struct Overlap {
    first: usize,
    second: usize,
    span: Span,
}

/// Sorts and merges spans that overlap or touch; `usize` is the index of the period each came
/// from, to name the overlapping ones.
fn merge(items: &[(Span, usize)]) -> (Vec<Span>, Vec<Overlap>) {
    let mut sorted = items.to_vec();
    sorted.sort_by_key(|(s, i)| (s.start, s.end, *i));
    let mut merged = Vec::new();
    let mut overlaps = Vec::new();
    // The block being built, and the period that reaches its end.
    let mut current: Option<(Span, usize)> = None;
    for (s, i) in sorted {
        current = Some(match current {
            None => (s, i),
            Some((mut block, owner)) => {
                if s.start <= block.end {
                    overlaps.push(Overlap {
                        first: owner,
                        second: i,
                        span: Span {
                            start: s.start,
                            end: s.end.min(block.end),
                        },
                    });
                    if s.end > block.end {
                        block.end = s.end;
                        (block, i)
                    } else {
                        (block, owner)
                    }
                } else if block.end.next_day() == Some(s.start) {
                    block.end = s.end;
                    (block, i)
                } else {
                    merged.push(block);
                    (s, i)
                }
            }
        });
    }
    if let Some((block, _)) = current {
        merged.push(block);
    }
    (merged, overlaps)
}

/// A public holiday met inside the periods.
struct HolidayMet {
    date: Date,
    name: &'static str,
    /// Whether it fell in a full week (and so counts with it).
    in_full_week: bool,
}

/// The days of presence and the weeks they make, for merged, sorted spans.
struct Tally {
    presence: u32,
    credit: WeekCount,
    holidays: Vec<HolidayMet>,
}

fn tally(spans: &[Span]) -> Tally {
    struct Week {
        monday: Date,
        present: u32,
        holidays: Vec<(Date, &'static str)>,
    }
    let mut out = Tally {
        presence: 0,
        credit: WeekCount::ZERO,
        holidays: Vec::new(),
    };
    let flush = |week: Week, out: &mut Tally| {
        let full = week.present > 0 && week.present == working_days_of_week(week.monday);
        out.presence += week.present;
        out.credit =
            WeekCount::from_days(out.credit.in_days() + if full { 5 } else { week.present });
        out.holidays
            .extend(week.holidays.into_iter().map(|(date, name)| HolidayMet {
                date,
                name,
                in_full_week: full,
            }));
    };
    let mut week: Option<Week> = None;
    for span in spans {
        let mut day = span.start;
        loop {
            let monday = monday_of(day);
            let mut w = match week.take() {
                Some(w) if w.monday == monday => w,
                Some(w) => {
                    flush(w, &mut out);
                    Week {
                        monday,
                        present: 0,
                        holidays: Vec::new(),
                    }
                }
                None => Week {
                    monday,
                    present: 0,
                    holidays: Vec::new(),
                },
            };
            if is_weekday(day) {
                match public_holiday(day) {
                    Some(name) => w.holidays.push((day, name)),
                    None => w.present += 1,
                }
            }
            week = Some(w);
            match day.next_day() {
                Some(next) if day < span.end => day = next,
                _ => break,
            }
        }
    }
    if let Some(w) = week {
        flush(w, &mut out);
    }
    out
}

/// A run of consecutive weeks.
struct Run {
    span: Span,
    credit: WeekCount,
}

/// Groups merged spans into runs: no working day between two spans of a run.
fn runs(merged: &[Span]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut group: Vec<Span> = Vec::new();
    let close = |group: &mut Vec<Span>, out: &mut Vec<Run>| {
        if let (Some(first), Some(last)) = (group.first(), group.last()) {
            out.push(Run {
                span: Span {
                    start: first.start,
                    end: last.end,
                },
                credit: tally(group).credit,
            });
        }
        group.clear();
    };
    for &s in merged {
        if let Some(last) = group.last()
            && working_day_between(last.end, s.start)
        {
            close(&mut group, &mut out);
        }
        group.push(s);
    }
    close(&mut group, &mut out);
    out
}

/// Whether a working day lies strictly between `a` and `b`. Stops at the first one (a few days
/// at most).
fn working_day_between(a: Date, b: Date) -> bool {
    let mut day = a;
    while let Some(next) = day.next_day() {
        if next >= b {
            return false;
        }
        if is_working_day(next) {
            return true;
        }
        day = next;
    }
    false
}

/// The internships of a rule, counted.
struct InternshipCount {
    merged: Vec<Span>,
    total: Tally,
    first_year: Vec<Run>,
    second_year: Vec<Run>,
}

/// Counts the internships and records, in `v`, a fact per period, the overlaps, the public
/// holidays met and the total.
fn count_internships(periods: &[&InternshipPeriod], v: &mut Verdict) -> InternshipCount {
    for p in periods {
        let t = tally(&[Span::of(&p.period)]);
        v.facts.push(format!(
            "{} : {}, {}",
            describe_period(p),
            plural(t.presence, "jour de présence", "jours de présence"),
            t.credit
        ));
        if t.presence == 0 {
            v.warnings.push(format!(
                "{} : aucun jour ouvré dans la période",
                describe_period(p)
            ));
        }
    }
    let items: Vec<(Span, usize)> = periods
        .iter()
        .enumerate()
        .map(|(i, p)| (Span::of(&p.period), i))
        .collect();
    let (merged, overlaps) = merge(&items);
    for o in overlaps {
        if let (Some(a), Some(b)) = (periods.get(o.first), periods.get(o.second)) {
            v.warnings.push(format!(
                "les périodes « {} » et « {} » se chevauchent {} : ces jours ne sont comptés qu'une fois",
                describe_period(a),
                describe_period(b),
                o.span.short()
            ));
        }
    }
    let total = tally(&merged);
    for h in &total.holidays {
        v.facts.push(if h.in_full_week {
            format!(
                "{} {} ({}) : jour férié dans une semaine complète, la semaine compte en entier",
                weekday_fr(h.date),
                short_date(h.date),
                h.name
            )
        } else {
            format!(
                "{} {} ({}) : jour férié, non compté",
                weekday_fr(h.date),
                short_date(h.date),
                h.name
            )
        });
    }
    v.facts.push(format!(
        "total des stages : {} ({})",
        total.credit,
        plural(total.presence, "jour de présence", "jours de présence")
    ));
    v.weeks_counted = total.credit;
    let year_runs = |year: TrainingYear| {
        let items: Vec<(Span, usize)> = items
            .iter()
            .copied()
            .filter(|&(_, i)| periods.get(i).is_some_and(|p| p.year_of_training == year))
            .collect();
        runs(&merge(&items).0)
    };
    InternshipCount {
        first_year: year_runs(TrainingYear::First),
        second_year: year_runs(TrainingYear::Second),
        merged,
        total,
    }
}

/// Calendar days of employment of the kinds `keep` accepts, inside `window` if any, merged.
fn employment_days(
    periods: &[&InternshipPeriod],
    keep: impl Fn(PeriodKind) -> bool,
    window: Option<Span>,
) -> (u32, Vec<Span>) {
    let items: Vec<(Span, usize)> = periods
        .iter()
        .enumerate()
        .filter(|(_, p)| keep(p.kind))
        .filter_map(|(i, p)| {
            let s = Span::of(&p.period);
            match window {
                Some(w) => s.clip(w),
                None => Some(s),
            }
            .map(|s| (s, i))
        })
        .collect();
    let (merged, _) = merge(&items);
    (merged.iter().map(|s| s.days()).sum(), merged)
}

/// The `years` years before `exam`, the exam day excluded: from the same day `years` earlier
/// (28 February for a 29 February) to the day before the exam.
fn years_before(exam: Date, years: i32) -> Option<Span> {
    let end = exam.previous_day()?;
    let year = exam.year().checked_sub(years)?;
    let start = Date::from_calendar_date(year, exam.month(), exam.day())
        .or_else(|_| Date::from_calendar_date(year, exam.month(), exam.day().saturating_sub(1)))
        .ok()?;
    Some(Span { start, end })
}

// ---------------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------------

/// Easter Sunday of `year` (Gregorian computus, the anonymous algorithm of Meeus/Jones/Butcher).
/// `None` outside the range of [`Date`].
pub fn easter_sunday(year: i32) -> Option<Date> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// The fixed public holidays of France: (month, day, name).
const FIXED_HOLIDAYS: [(Month, u8, &str); 8] = [
    (Month::January, 1, "jour de l'an"),
    (Month::May, 1, "fête du Travail"),
    (Month::May, 8, "Victoire 1945"),
    (Month::July, 14, "fête nationale"),
    (Month::August, 15, "Assomption"),
    (Month::November, 1, "Toussaint"),
    (Month::November, 11, "Armistice 1918"),
    (Month::December, 25, "Noël"),
];

/// The public holidays that follow Easter: (days after Easter Sunday, name).
const EASTER_HOLIDAYS: [(i64, &str); 3] = [
    (1, "lundi de Pâques"),
    (39, "Ascension"),
    (50, "lundi de Pentecôte"),
];

/// The name of the French public holiday on `date`, if it is one (metropolitan France, without
/// the local holidays of Alsace-Moselle and of the overseas départements).
pub fn public_holiday(date: Date) -> Option<&'static str> {
    // Asked for every day of every internship of a class: the holidays of the year are worked
    // out once per thread and year, then found by day of the year.
    thread_local! {
        static YEAR: std::cell::RefCell<(i32, Vec<(u16, &'static str)>)> =
            const { std::cell::RefCell::new((i32::MIN, Vec::new())) };
    }
    YEAR.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.0 != date.year() {
            *cache = (
                date.year(),
                public_holidays(date.year())
                    .into_iter()
                    .map(|(d, name)| (d.ordinal(), name))
                    .collect(),
            );
        }
        let day = date.ordinal();
        cache
            .1
            .iter()
            .find(|(d, _)| *d == day)
            .map(|&(_, name)| name)
    })
}

/// The eleven public holidays of `year`, in date order.
pub fn public_holidays(year: i32) -> Vec<(Date, &'static str)> {
    let mut out: Vec<(Date, &'static str)> = FIXED_HOLIDAYS
        .iter()
        .filter_map(|&(m, d, name)| {
            Date::from_calendar_date(year, m, d)
                .ok()
                .map(|date| (date, name))
        })
        .collect();
    if let Some(easter) = easter_sunday(year) {
        out.extend(EASTER_HOLIDAYS.iter().filter_map(|&(offset, name)| {
            easter
                .checked_add(Duration::days(offset))
                .map(|date| (date, name))
        }));
    }
    out.sort();
    out
}

/// Monday to Friday, and not a public holiday.
pub fn is_working_day(date: Date) -> bool {
    is_weekday(date) && public_holiday(date).is_none()
}

fn is_weekday(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn monday_of(date: Date) -> Date {
    date.checked_sub(Duration::days(i64::from(
        date.weekday().number_days_from_monday(),
    )))
    .unwrap_or(date)
}

/// The working days of the week that starts on `monday`.
fn working_days_of_week(monday: Date) -> u32 {
    let mut n = 0;
    let mut day = monday;
    for _ in 0..5 {
        if public_holiday(day).is_none() {
            n += 1;
        }
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    n
}

fn weekday_fr(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "lundi",
        Weekday::Tuesday => "mardi",
        Weekday::Wednesday => "mercredi",
        Weekday::Thursday => "jeudi",
        Weekday::Friday => "vendredi",
        Weekday::Saturday => "samedi",
        Weekday::Sunday => "dimanche",
    }
}

// ---------------------------------------------------------------------------------------------
// Wording
// ---------------------------------------------------------------------------------------------

/// « 1 jour », « 3 jours ».
fn plural(n: u32, one: &str, many: &str) -> String {
    if n <= 1 {
        format!("{n} {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// 1095 → « 1 095 » (non-breaking space).
fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + 4);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(ch);
    }
    out
}

/// « 4 semaines consécutives du 06/01/25 au 31/01/25 ».
fn run_phrase(r: &Run) -> String {
    let amount = match (r.credit.whole_weeks(), r.credit.extra_days()) {
        (0, 0) => "aucun jour".to_string(),
        (1, 0) => "1 semaine".to_string(),
        (w, 0) => format!("{w} semaines consécutives"),
        (0, 1) => "1 jour".to_string(),
        _ => format!("{} consécutifs", r.credit),
    };
    format!("{amount} {}", r.span.short())
}

/// « (du 06/01/25 au 31/01/25 et du 03/03/25 au 14/03/25) », or nothing.
fn listed(spans: &[Span]) -> String {
    let parts: Vec<String> = spans.iter().map(|s| s.short()).collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => format!(" ({last})"),
        Some((last, rest)) => format!(" ({} et {last})", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const SEED_000: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../regulation/seeds/000_d0c6b7ff0b9b784d.txt"
    );

    /// Whitespace runs (spaces, tabs, line breaks, non-breaking spaces) become one space.
    fn norm(s: &str) -> String {
        s.split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn period(
        org: &str,
        start: Date,
        end: Date,
        year: u8,
        kind: PeriodKind,
        certificate: CertificateState,
    ) -> InternshipPeriod {
        InternshipPeriod {
            organisation: org.to_string(),
            period: Period::new(start, end).expect("ordered dates in the test"),
            year_of_training: TrainingYear::from_number(year).expect("1 or 2"),
            kind,
            certificate,
        }
    }

    /// A stage with a signed attestation.
    fn stage(org: &str, start: Date, end: Date, year: u8) -> InternshipPeriod {
        period(
            org,
            start,
            end,
            year,
            PeriodKind::Internship,
            CertificateState::Signed,
        )
    }

    /// A job with a signed certificat de travail.
    fn job(org: &str, start: Date, end: Date, full_time: bool) -> InternshipPeriod {
        period(
            org,
            start,
            end,
            2,
            PeriodKind::Employment { full_time },
            CertificateState::Signed,
        )
    }

    fn facts(route: Route) -> CandidateFacts {
        CandidateFacts::new(route)
    }

    fn reduced(positioning_request: Option<Date>) -> Option<ReducedDuration> {
        Some(ReducedDuration {
            reason: ReductionReason::ForceMajeure,
            positioning_request,
        })
    }

    /// Five weeks at the end of the first year, 2024 (no public holiday inside).
    fn first_year_2024() -> InternshipPeriod {
        stage(
            "Mairie de Caen",
            date!(2024 - 05 - 27),
            date!(2024 - 06 - 28),
            1,
        )
    }

    struct Case {
        name: &'static str,
        facts: CandidateFacts,
        periods: Vec<InternshipPeriod>,
        satisfied: bool,
        /// Weeks counted, in days (5 to the week).
        weeks_in_days: u32,
        /// Each must occur in one failure, and there are exactly this many failures.
        failures: &'static [&'static str],
        warnings: &'static [&'static str],
        facts_contain: &'static [&'static str],
        certificate_issues: &'static [&'static str],
        missing: usize,
    }

    impl Case {
        fn new(name: &'static str, facts: CandidateFacts, periods: Vec<InternshipPeriod>) -> Case {
            Case {
                name,
                facts,
                periods,
                satisfied: true,
                weeks_in_days: 0,
                failures: &[],
                warnings: &[],
                facts_contain: &[],
                certificate_issues: &[],
                missing: 0,
            }
        }
        fn weeks(mut self, weeks: u32, days: u32) -> Case {
            self.weeks_in_days = weeks * 5 + days;
            self
        }
        fn fails(mut self, failures: &'static [&'static str]) -> Case {
            self.satisfied = false;
            self.failures = failures;
            self
        }
        fn warns(mut self, warnings: &'static [&'static str]) -> Case {
            self.warnings = warnings;
            self
        }
        fn says(mut self, facts: &'static [&'static str]) -> Case {
            self.facts_contain = facts;
            self
        }
        fn certificates(mut self, issues: &'static [&'static str]) -> Case {
            self.satisfied = false;
            self.certificate_issues = issues;
            self
        }
        fn missing(mut self, n: usize) -> Case {
            self.satisfied = false;
            self.missing = n;
            self
        }
    }

    fn assert_contains_each(name: &str, what: &str, haystack: &[String], needles: &[&str]) {
        for needle in needles {
            assert!(
                haystack.iter().any(|h| h.contains(needle)),
                "{name}: no {what} contains « {needle} » in {haystack:#?}"
            );
        }
    }

    fn run(cases: Vec<Case>) {
        for case in cases {
            let v = evaluate(&case.facts, &case.periods);
            assert_eq!(
                v.satisfied, case.satisfied,
                "{}: satisfied, {v:#?}",
                case.name
            );
            assert_eq!(
                v.weeks_counted.in_days(),
                case.weeks_in_days,
                "{}: weeks counted, {v:#?}",
                case.name
            );
            assert_eq!(
                v.failures.len(),
                case.failures.len(),
                "{}: failures {:#?}",
                case.name,
                v.failures
            );
            assert_contains_each(case.name, "failure", &v.failures, case.failures);
            assert_contains_each(case.name, "warning", &v.warnings, case.warnings);
            assert_contains_each(case.name, "fact", &v.facts, case.facts_contain);
            let issues: Vec<String> = v.certificate_issues.iter().map(|i| i.describe()).collect();
            assert_eq!(
                issues.len(),
                case.certificate_issues.len(),
                "{}: certificate issues {issues:#?}",
                case.name
            );
            assert_contains_each(
                case.name,
                "certificate issue",
                &issues,
                case.certificate_issues,
            );
            assert_eq!(
                v.missing_information.len(),
                case.missing,
                "{}: missing information {:#?}",
                case.name,
                v.missing_information
            );
        }
    }

    #[test]
    fn easter_and_the_holidays_that_follow_it() {
        // (year, Easter Sunday, Easter Monday, Ascension, Whit Monday)
        let table = [
            (
                2024,
                date!(2024 - 03 - 31),
                date!(2024 - 04 - 01),
                date!(2024 - 05 - 09),
                date!(2024 - 05 - 20),
            ),
            (
                2025,
                date!(2025 - 04 - 20),
                date!(2025 - 04 - 21),
                date!(2025 - 05 - 29),
                date!(2025 - 06 - 09),
            ),
            (
                2026,
                date!(2026 - 04 - 05),
                date!(2026 - 04 - 06),
                date!(2026 - 05 - 14),
                date!(2026 - 05 - 25),
            ),
            (
                2027,
                date!(2027 - 03 - 28),
                date!(2027 - 03 - 29),
                date!(2027 - 05 - 06),
                date!(2027 - 05 - 17),
            ),
        ];
        for (year, easter, monday, ascension, whit) in table {
            assert_eq!(easter_sunday(year), Some(easter), "{year}");
            assert_eq!(public_holiday(monday), Some("lundi de Pâques"), "{year}");
            assert_eq!(public_holiday(ascension), Some("Ascension"), "{year}");
            assert_eq!(public_holiday(whit), Some("lundi de Pentecôte"), "{year}");
            assert_eq!(
                public_holiday(easter),
                None,
                "Sunday is not a holiday of its own"
            );
            let all = public_holidays(year);
            assert_eq!(all.len(), 11, "{year}: {all:?}");
            assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "{year}: in order");
            assert!(all.iter().all(|&(d, name)| public_holiday(d) == Some(name)));
        }
        // Known dates further away.
        assert_eq!(easter_sunday(2000), Some(date!(2000 - 04 - 23)));
        assert_eq!(easter_sunday(2038), Some(date!(2038 - 04 - 25)));
        assert_eq!(
            public_holiday(date!(2025 - 07 - 14)),
            Some("fête nationale")
        );
        assert_eq!(public_holiday(date!(2025 - 12 - 26)), None);
        assert!(!is_working_day(date!(2025 - 05 - 01)));
        assert!(!is_working_day(date!(2025 - 05 - 03)), "a Saturday");
        assert!(is_working_day(date!(2025 - 05 - 02)));
    }

    #[test]
    fn week_counts_print_in_french() {
        let table = [
            (0, "0 semaine"),
            (1, "1 jour"),
            (4, "4 jours"),
            (5, "1 semaine"),
            (7, "1 semaine et 2 jours"),
            (20, "4 semaines"),
            (21, "4 semaines et 1 jour"),
        ];
        for (days, label) in table {
            assert_eq!(WeekCount::from_days(days).to_string(), label);
        }
        assert_eq!(WeekCount::of_weeks(3), WeekCount::from_days(15));
        assert_eq!(thousands(1095), "1\u{a0}095");
        assert_eq!(thousands(365), "365");
    }

    #[test]
    fn counting_weeks_follows_the_rule_of_the_module() {
        // (start, end, days of presence, weeks counted in days)
        let table = [
            // Four full weeks.
            (date!(2025 - 01 - 06), date!(2025 - 01 - 31), 20, 20),
            // Wednesday to the Tuesday four weeks later: 3 + 15 + 2 days.
            (date!(2025 - 01 - 08), date!(2025 - 02 - 04), 20, 20),
            // Across the new year: Christmas and 1 January fall in full weeks.
            (date!(2024 - 12 - 16), date!(2025 - 01 - 17), 23, 25),
            // Ascension (29/05) and Whit Monday (09/06) inside.
            (date!(2025 - 05 - 19), date!(2025 - 06 - 20), 23, 25),
            // A partial week with a holiday: Wednesday 30/04 to Friday 02/05, 1 May not counted.
            (date!(2025 - 04 - 30), date!(2025 - 05 - 02), 2, 2),
            // A weekend only.
            (date!(2025 - 01 - 11), date!(2025 - 01 - 12), 0, 0),
            // Tuesday to Friday after Easter Monday: a full week.
            (date!(2025 - 04 - 22), date!(2025 - 04 - 25), 4, 5),
        ];
        for (start, end, presence, credit) in table {
            let t = tally(&[Span { start, end }]);
            assert_eq!(t.presence, presence, "{start} – {end}");
            assert_eq!(t.credit.in_days(), credit, "{start} – {end}");
        }
    }

    #[test]
    fn runs_are_broken_by_a_working_day_only() {
        let span = |start, end| Span { start, end };
        // A weekend between two periods: one run of 5 weeks.
        let r = runs(&[
            span(date!(2026 - 01 - 05), date!(2026 - 01 - 16)),
            span(date!(2026 - 01 - 19), date!(2026 - 02 - 06)),
        ]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].credit, WeekCount::of_weeks(5));
        // Easter Monday between them: still one run.
        let r = runs(&[
            span(date!(2025 - 04 - 07), date!(2025 - 04 - 18)),
            span(date!(2025 - 04 - 22), date!(2025 - 04 - 25)),
        ]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].credit, WeekCount::of_weeks(3));
        // Monday 19/01 missing: two runs, 2 weeks then 2 weeks and 4 days.
        let r = runs(&[
            span(date!(2026 - 01 - 05), date!(2026 - 01 - 16)),
            span(date!(2026 - 01 - 20), date!(2026 - 02 - 06)),
        ]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].credit, WeekCount::of_weeks(2));
        assert_eq!(r[1].credit, WeekCount::from_days(14));
    }

    #[test]
    fn school_route() {
        let school = || facts(Route::School);
        let with_reduction = |request| CandidateFacts {
            reduced_duration: reduced(request),
            ..facts(Route::School)
        };
        run(vec![
            Case::new(
                "5 + 5 weeks, holidays inside",
                school(),
                vec![
                    stage("Mairie de Caen", date!(2025 - 05 - 19), date!(2025 - 06 - 20), 1),
                    stage("SDIS 14", date!(2026 - 01 - 05), date!(2026 - 02 - 06), 2),
                ],
            )
            .weeks(10, 0)
            .says(&[
                "jeudi 29/05/25 (Ascension) : jour férié dans une semaine complète",
                "lundi 09/06/25 (lundi de Pentecôte)",
                "Mairie de Caen, stage du 19/05/25 au 20/06/25 (1re année) : 23 jours de présence, 5 semaines",
                "1re année : 5 semaines consécutives du 19/05/25 au 20/06/25, il en faut de 4 à 5",
                "2e année : 5 semaines consécutives du 05/01/26 au 06/02/26, il en faut de 5 à 6",
            ]),
            Case::new(
                "a 4-week period where 5 are needed",
                school(),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 01 - 31), 2),
                    stage("SDIS 14", date!(2025 - 03 - 03), date!(2025 - 03 - 14), 2),
                ],
            )
            .weeks(11, 0)
            .fails(&["2e année : 4 semaines consécutives du 06/01/25 au 31/01/25, il en faut au moins 5"]),
            Case::new(
                "across the new year",
                school(),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2024 - 12 - 16), date!(2025 - 01 - 17), 2),
                ],
            )
            .weeks(10, 0)
            .says(&[
                "mercredi 25/12/24 (Noël)",
                "mercredi 01/01/25 (jour de l'an)",
                "2e année : 5 semaines consécutives du 16/12/24 au 17/01/25",
            ]),
            Case::new(
                "two overlapping periods are counted once",
                school(),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 01 - 31), 2),
                    stage("Orange", date!(2025 - 01 - 27), date!(2025 - 02 - 14), 2),
                ],
            )
            .weeks(11, 0)
            .warns(&["se chevauchent du 27/01/25 au 31/01/25"])
            .says(&["2e année : 6 semaines consécutives du 06/01/25 au 14/02/25"]),
            Case::new(
                "9 weeks in total",
                school(),
                vec![
                    stage("Mairie de Caen", date!(2025 - 06 - 02), date!(2025 - 06 - 27), 1),
                    stage("SDIS 14", date!(2026 - 01 - 05), date!(2026 - 02 - 06), 2),
                ],
            )
            .weeks(9, 0)
            .fails(&["durée totale sur les deux années : 9 semaines (du 02/06/25 au 27/06/25 et du 05/01/26 au 06/02/26), il en faut au moins 10"]),
            Case::new(
                "no first-year period",
                school(),
                vec![stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 03 - 14), 2)],
            )
            .weeks(10, 0)
            .fails(&["1re année : aucune période de stage enregistrée, il faut une période de 4 à 5 semaines consécutives en fin de première année"])
            .warns(&["2e année : 10 semaines consécutives du 06/01/25 au 14/03/25, au-delà des 6 semaines"]),
            Case::new(
                "one working day of absence splits the run",
                school(),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2026 - 01 - 05), date!(2026 - 01 - 16), 2),
                    stage("SDIS 14", date!(2026 - 01 - 20), date!(2026 - 02 - 06), 2),
                ],
            )
            .weeks(9, 4)
            .fails(&[
                "durée totale",
                "2e année : 2 semaines et 4 jours consécutifs du 20/01/26 au 06/02/26, il en faut au moins 5",
            ]),
            Case::new(
                "a weekend does not split the run",
                school(),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2026 - 01 - 05), date!(2026 - 01 - 16), 2),
                    stage("Orange", date!(2026 - 01 - 19), date!(2026 - 02 - 06), 2),
                ],
            )
            .weeks(10, 0)
            .says(&["2e année : 5 semaines consécutives du 05/01/26 au 06/02/26"]),
            Case::new(
                "over the maximums: warnings, not failures",
                school(),
                vec![
                    stage("Mairie de Caen", date!(2024 - 05 - 27), date!(2024 - 07 - 12), 1),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 02 - 21), 2),
                ],
            )
            .weeks(14, 0)
            .warns(&[
                "durée totale : 14 semaines, au-delà des 10 semaines",
                "1re année : 7 semaines consécutives du 27/05/24 au 12/07/24, au-delà des 5 semaines",
                "2e année : 7 semaines consécutives du 06/01/25 au 21/02/25, au-delà des 6 semaines",
            ]),
            Case::new(
                "11 weeks: the extension is a fact",
                school(),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 02 - 14), 2),
                ],
            )
            .weeks(11, 0)
            .says(&["au-delà de 10 semaines : le prolongement (deux semaines au plus) doit avoir lieu pendant les vacances scolaires"]),
            Case::new(
                "employment does not count for a school student",
                school(),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 01 - 31), 2),
                    job("Orange", date!(2025 - 02 - 03), date!(2025 - 02 - 28), true),
                ],
            )
            .weeks(9, 0)
            .fails(&["durée totale", "2e année : 4 semaines consécutives"])
            .warns(&["Orange, emploi à temps plein du 03/02/25 au 28/02/25 : période non prise en compte, seuls les stages comptent"]),
            Case::new(
                "attestations missing or unsigned",
                school(),
                vec![
                    period(
                        "Mairie de Caen",
                        date!(2024 - 05 - 27),
                        date!(2024 - 06 - 28),
                        1,
                        PeriodKind::Internship,
                        CertificateState::Missing,
                    ),
                    period(
                        "SDIS 14",
                        date!(2024 - 12 - 16),
                        date!(2025 - 01 - 17),
                        2,
                        PeriodKind::Internship,
                        CertificateState::Unsigned,
                    ),
                ],
            )
            .weeks(10, 0)
            .certificates(&[
                "attestation de stage manquante : Mairie de Caen, du 27/05/24 au 28/06/24",
                "attestation de stage non signée : SDIS 14, du 16/12/24 au 17/01/25",
            ]),
            Case::new(
                "reduced duration with a demande de positionnement",
                with_reduction(Some(date!(2024 - 11 - 04))),
                vec![
                    stage("Mairie de Caen", date!(2024 - 06 - 03), date!(2024 - 06 - 28), 1),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 01 - 31), 2),
                ],
            )
            .weeks(8, 0)
            .says(&[
                "durée réduite (force majeure) : demande de positionnement auprès du recteur du 04/11/24",
                "sans la réduction : durée totale sur les deux années : 8 semaines",
                "durée totale (durée réduite) : 8 semaines",
                "2e année : 4 semaines consécutives du 06/01/25 au 31/01/25, il en faut au moins 4",
            ]),
            Case::new(
                "reduced duration without the demande de positionnement",
                with_reduction(None),
                vec![
                    stage("Mairie de Caen", date!(2024 - 06 - 03), date!(2024 - 06 - 28), 1),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 01 - 31), 2),
                ],
            )
            .weeks(8, 0)
            .fails(&[
                "durée totale sur les deux années : 8 semaines",
                "2e année : 4 semaines consécutives",
                "durée réduite (force majeure) sans demande de positionnement enregistrée : la réduction ne s'applique pas (« Dans tous les cas, la personne candidate doit effectuer une demande de positionnement auprès du recteur d’académie. ») ; avec cette demande, la durée réduite serait atteinte",
            ]),
            Case::new(
                "reduced duration below 8 weeks",
                with_reduction(Some(date!(2024 - 11 - 04))),
                vec![
                    stage("Mairie de Caen", date!(2024 - 06 - 03), date!(2024 - 06 - 21), 1),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 01 - 24), 2),
                ],
            )
            .weeks(6, 0)
            .fails(&[
                "durée totale (durée réduite) : 6 semaines",
                "2e année : 3 semaines consécutives du 06/01/25 au 24/01/25, il en faut au moins 4",
            ]),
            Case::new(
                "reduced duration recorded but the normal one reached",
                with_reduction(None),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2024 - 12 - 16), date!(2025 - 01 - 17), 2),
                ],
            )
            .weeks(10, 0)
            .says(&["la durée normale est atteinte, la réduction n'est pas utilisée"]),
            Case::new(
                "a period after the exam date",
                CandidateFacts {
                    exam_date: Some(date!(2025 - 01 - 15)),
                    ..facts(Route::School)
                },
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2024 - 12 - 16), date!(2025 - 01 - 17), 2),
                ],
            )
            .weeks(10, 0)
            .warns(&["se termine après la date de l'examen (15/01/25)"]),
        ]);
    }

    #[test]
    fn apprenticeship_route() {
        let apprentice = || facts(Route::Apprenticeship);
        let contract = |certificate| {
            period(
                "Crédit Agricole",
                date!(2024 - 09 - 02),
                date!(2026 - 06 - 30),
                1,
                PeriodKind::ApprenticeshipContract,
                certificate,
            )
        };
        run(vec![
            Case::new(
                "signed certificat de travail",
                apprentice(),
                vec![contract(CertificateState::Signed)],
            )
            .says(&[
                "aucune durée de stage n'est exigée des apprentis",
                "Crédit Agricole, contrat d'apprentissage du 02/09/24 au 30/06/26",
            ]),
            Case::new("no contract recorded", apprentice(), vec![]).certificates(&[
                "certificat de travail manquant : aucun contrat d'apprentissage enregistré",
            ]),
            Case::new(
                "an internship is not the certificat de travail",
                apprentice(),
                vec![first_year_2024()],
            )
            .certificates(&["certificat de travail manquant : aucun contrat d'apprentissage enregistré"])
            .warns(&["Mairie de Caen, stage du 27/05/24 au 28/06/24 (1re année) : période non prise en compte"]),
            Case::new(
                "unsigned certificat de travail",
                apprentice(),
                vec![contract(CertificateState::Unsigned)],
            )
            .certificates(&[
                "certificat de travail non signé : Crédit Agricole, du 02/09/24 au 30/06/26",
            ]),
        ]);
    }

    #[test]
    fn continuing_education_route() {
        let case = |case| CandidateFacts {
            continuing_education: Some(case),
            exam_date: Some(date!(2027 - 05 - 12)),
            ..facts(Route::ContinuingEducation)
        };
        let first = || case(ContinuingEducationCase::FirstTraining);
        let perf = || case(ContinuingEducationCase::Perfectionnement);
        run(vec![
            Case::new(
                "first training: 10 weeks spread over the training",
                first(),
                vec![
                    stage("Mairie de Caen", date!(2025 - 10 - 06), date!(2025 - 10 - 24), 1),
                    stage("SDIS 14", date!(2026 - 01 - 05), date!(2026 - 01 - 30), 1),
                    stage("Orange", date!(2026 - 03 - 02), date!(2026 - 03 - 13), 2),
                    stage("Orange", date!(2026 - 04 - 06), date!(2026 - 04 - 10), 2),
                ],
            )
            .weeks(10, 0)
            .says(&["lundi 06/04/26 (lundi de Pâques) : jour férié dans une semaine complète"]),
            Case::new(
                "retraining: 9 weeks",
                case(ContinuingEducationCase::Retraining),
                vec![stage("SDIS 14", date!(2026 - 01 - 05), date!(2026 - 03 - 06), 2)],
            )
            .weeks(9, 0)
            .fails(&["durée totale à répartir sur la période de formation : 9 semaines (du 05/01/26 au 06/03/26), il en faut au moins 10"]),
            Case::new(
                "first training: a job elsewhere is not an internship",
                first(),
                vec![
                    stage("SDIS 14", date!(2026 - 01 - 05), date!(2026 - 03 - 13), 2),
                    job("Carrefour", date!(2025 - 09 - 01), date!(2026 - 06 - 30), false),
                ],
            )
            .weeks(10, 0)
            .warns(&["Carrefour, emploi à temps partiel du 01/09/25 au 30/06/26 : période non prise en compte"]),
            Case::new(
                "case not recorded",
                facts(Route::ContinuingEducation),
                vec![],
            )
            .missing(1),
            Case::new(
                "perfectionnement: six months full time in the year before the exam",
                perf(),
                vec![job("Orange", date!(2026 - 09 - 01), date!(2027 - 02 - 28), true)],
            )
            .says(&["certificats de travail, temps plein : 181 jours d'emploi (du 01/09/26 au 28/02/27) dans l'année précédant l'examen, soit du 12/05/26 au 11/05/27 ; il en faut au moins 181 (six mois)"]),
            Case::new(
                "perfectionnement: four months full time",
                perf(),
                vec![job("Orange", date!(2026 - 11 - 02), date!(2027 - 03 - 01), true)],
            )
            .fails(&[
                "temps plein : 120 jours d'emploi",
                "temps partiel : 120 jours d'emploi (du 02/11/26 au 01/03/27) dans les deux années précédant l'examen, soit du 12/05/25 au 11/05/27 ; il en faut au moins 365 (un an)",
            ]),
            Case::new(
                "perfectionnement: one year part time in the two years before",
                perf(),
                vec![job("Orange", date!(2025 - 06 - 01), date!(2026 - 05 - 31), false)],
            )
            .says(&["temps partiel : 365 jours d'emploi", "temps plein : 0 jour d'emploi"]),
            Case::new(
                "perfectionnement: six months part time is not six months full time",
                perf(),
                vec![
                    period(
                        "Orange",
                        date!(2026 - 09 - 01),
                        date!(2027 - 02 - 28),
                        2,
                        PeriodKind::Employment { full_time: false },
                        CertificateState::Unsigned,
                    ),
                ],
            )
            .fails(&["temps plein : 0 jour d'emploi", "temps partiel : 181 jours d'emploi"])
            .certificates(&["certificat de travail non signé : Orange, du 01/09/26 au 28/02/27"]),
            Case::new(
                "perfectionnement: full time, but too long ago for the year before",
                perf(),
                vec![job("Orange", date!(2025 - 06 - 02), date!(2025 - 12 - 31), true)],
            )
            .fails(&[
                "temps plein : 0 jour d'emploi dans l'année précédant l'examen",
                "temps partiel : 213 jours d'emploi",
            ]),
            Case::new(
                "perfectionnement: overlapping jobs counted once",
                perf(),
                vec![
                    job("Orange", date!(2025 - 06 - 01), date!(2026 - 01 - 31), false),
                    job("Free", date!(2025 - 12 - 01), date!(2026 - 05 - 31), false),
                ],
            )
            .says(&["temps partiel : 365 jours d'emploi (du 01/06/25 au 31/05/26) dans les deux années précédant l'examen"]),
            Case::new(
                "perfectionnement: 10 weeks of internship instead",
                perf(),
                vec![stage("SDIS 14", date!(2026 - 01 - 05), date!(2026 - 03 - 13), 2)],
            )
            .weeks(10, 0)
            .says(&["durée totale des stages : 10 semaines (du 05/01/26 au 13/03/26), il en faut au moins 10"]),
            Case::new(
                "perfectionnement: nothing recorded",
                perf(),
                vec![],
            )
            .fails(&["aucune période enregistrée : il faut des certificats de travail"]),
            Case::new(
                "perfectionnement without the exam date",
                CandidateFacts {
                    exam_date: None,
                    ..perf()
                },
                vec![job("Orange", date!(2026 - 09 - 01), date!(2027 - 02 - 28), true)],
            )
            .missing(1),
        ]);
    }

    #[test]
    fn professional_experience_route() {
        let candidate = || CandidateFacts {
            exam_date: Some(date!(2027 - 05 - 12)),
            ..facts(Route::ProfessionalExperience)
        };
        run(vec![
            Case::new(
                "three years",
                candidate(),
                vec![
                    job("Orange", date!(2022 - 01 - 01), date!(2023 - 12 - 31), true),
                    job("Free", date!(2024 - 01 - 01), date!(2024 - 12 - 31), false),
                ],
            )
            .says(&["expérience professionnelle : 1\u{a0}096 jours d'emploi avant l'examen du 12/05/27 (dont 366 à temps partiel) (du 01/01/22 au 31/12/24), il en faut au moins 1\u{a0}095 (trois ans)"]),
            Case::new(
                "two years",
                candidate(),
                vec![job("Orange", date!(2025 - 05 - 12), date!(2027 - 12 - 31), true)],
            )
            .fails(&["expérience professionnelle : 730 jours d'emploi avant l'examen du 12/05/27 (du 12/05/25 au 11/05/27), il en faut au moins 1\u{a0}095"]),
            Case::new(
                "an internship is no employment",
                candidate(),
                vec![
                    job("Orange", date!(2020 - 01 - 01), date!(2024 - 12 - 31), true),
                    first_year_2024(),
                ],
            )
            .warns(&["un stage ne remplace pas les certificats de travail"]),
            Case::new(
                "certificat de travail missing",
                candidate(),
                vec![period(
                    "Orange",
                    date!(2020 - 01 - 01),
                    date!(2024 - 12 - 31),
                    2,
                    PeriodKind::Employment { full_time: true },
                    CertificateState::Missing,
                )],
            )
            .certificates(&["certificat de travail manquant : Orange, du 01/01/20 au 31/12/24"]),
        ]);
    }

    #[test]
    fn distance_route() {
        let distance = |status| CandidateFacts {
            distance_status: status,
            ..facts(Route::Distance)
        };
        run(vec![
            Case::new(
                "school status: the school rule",
                distance(Some(DistanceStatus::School)),
                vec![
                    first_year_2024(),
                    stage("SDIS 14", date!(2025 - 01 - 06), date!(2025 - 01 - 31), 2),
                ],
            )
            .weeks(9, 0)
            .fails(&["durée totale", "2e année : 4 semaines consécutives"])
            .says(&["« Les candidats relèvent, selon leur statut"]),
            Case::new(
                "apprentice status: the certificat de travail",
                distance(Some(DistanceStatus::Apprenticeship)),
                vec![],
            )
            .certificates(&["aucun contrat d'apprentissage enregistré"]),
            Case::new("status not recorded", distance(None), vec![]).missing(1),
        ]);
        let v = evaluate(&distance(Some(DistanceStatus::School)), &[]);
        assert_eq!(
            v.rule,
            "Enseignement à distance (annexe III.B, 3.4), Voie scolaire (annexe III.B, 3.1)"
        );
    }

    #[test]
    fn quotes_are_verbatim_from_the_referentiel() {
        let seed = std::fs::read_to_string(SEED_000).expect("the seed 000 is readable");
        let seed = norm(&seed);
        for quote in [
            SCHOOL_DURATION,
            SCHOOL_STATUS,
            APPRENTICESHIP_CERTIFICATE,
            CONTINUING_DURATION,
            PERFECTIONNEMENT_CERTIFICATES,
            PERFECTIONNEMENT_DURATION,
            DISTANCE_STATUS,
            EXPERIENCE_CERTIFICATES,
            EXPERIENCE_ACTIVITIES,
            EXPERIENCE_DURATION,
            REDUCED_DURATION,
            POSITIONING_REQUEST,
        ] {
            assert!(seed.contains(&norm(quote)), "not in the seed: {quote}");
        }
    }

    #[test]
    fn hostile_dates_do_not_panic() {
        let v = evaluate(
            &CandidateFacts {
                exam_date: Some(Date::MIN),
                continuing_education: Some(ContinuingEducationCase::Perfectionnement),
                ..facts(Route::ContinuingEducation)
            },
            &[
                job("X", Date::MIN, Date::MIN, true),
                stage("Y", Date::MAX, Date::MAX, 2),
            ],
        );
        assert!(!v.satisfied);
        let v = evaluate(
            &facts(Route::School),
            &[stage("Y", date!(9999 - 12 - 20), Date::MAX, 2)],
        );
        assert!(!v.satisfied);
        assert_eq!(
            years_before(date!(2028 - 02 - 29), 1).map(|s| s.start),
            Some(date!(2027 - 02 - 28))
        );
    }
}
