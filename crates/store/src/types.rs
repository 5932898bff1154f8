//! Plain records read from and written to the store.

use portfolio_domain::access::ReviewAuthor;
use portfolio_domain::commission::MemberProfile;
use portfolio_domain::evaluation::ProposedMark;
use portfolio_domain::internship_form::InternshipInput;
use portfolio_domain::realisation::RealisationInput;
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::{DossierExam, SessionLabels};
use portfolio_framework::{ExamForm, MasteryLevel, Penalty, Track};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone)]
pub struct NewUser {
    /// Already normalised (see `portfolio_domain::input::Email`).
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// `None`: the account exists but cannot log in until a password is set.
    pub password_hash: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub created_at: i64,
}

impl UserRecord {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub disabled: bool,
}

#[derive(Debug, Clone)]
pub struct Enrolment {
    pub class_id: i64,
    pub route: Route,
    pub candidate_number: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewSchool {
    pub name: String,
    pub city: String,
    pub uai: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SchoolRecord {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub uai: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewClass {
    pub school_id: i64,
    pub name: String,
    pub track: Track,
    pub year_of_training: i64,
    pub session_year: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClassRecord {
    pub id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub name: String,
    pub track: Track,
    pub year_of_training: i64,
    pub session_year: i64,
    pub student_count: i64,
    /// Changes to the class's students and what its dashboard shows of their dossiers, kept by
    /// triggers: what was computed at one version still holds while it is the same.
    #[serde(skip)]
    pub dossiers_version: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StudentSummary {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub class_id: i64,
    pub class_name: String,
    pub track: Track,
    pub route: Route,
    pub candidate_number: Option<String>,
    pub disabled: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct StudentProfile {
    pub student: StudentSummary,
    pub school: SchoolRecord,
    pub year_of_training: i64,
    pub session_year: i64,
    pub teachers: Vec<UserSummary>,
}

#[derive(Debug, Clone)]
pub struct NewExamSession {
    pub year: i64,
    pub academy: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExamSessionRecord {
    pub id: i64,
    pub year: i64,
    pub academy: String,
    pub label: String,
    /// The date the académie set for handing dossiers in (annexe 6-2).
    pub dossier_due_date: Option<time::Date>,
    /// The codes and annex numbers this session prints.
    #[serde(skip)]
    pub labels: SessionLabels,
    /// The end of the contrôles en cours de formation.
    pub ccf_end_date: Option<time::Date>,
    /// The end of the candidates' training (retention of the evaluation documents).
    pub training_end_date: Option<time::Date>,
    /// When the jury deliberated: from then on, candidates read their fiche d'appréciation.
    pub deliberated_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// When the evaluation documents were purged at the end of their retention.
    pub purged_at: Option<i64>,
    /// Changes to the session's evaluations and commissions so far (kept by triggers): what
    /// was computed from them at one version still holds while the version is the same.
    #[serde(skip)]
    pub evaluations_version: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommissionRecord {
    pub id: i64,
    pub exam_session_id: i64,
    pub name: String,
    pub candidate_count: i64,
    pub members: Vec<UserSummary>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// What a request presents its session cookie for: the session, its user (not disabled) and
/// every grant of the user, read together.
#[derive(Debug, Clone)]
pub struct SessionActor {
    pub session: SessionRecord,
    pub user: UserRecord,
    pub grants: Vec<portfolio_domain::role::Grant>,
}

/// One line of the audit log. Never holds a password or a token.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub at: i64,
    pub actor_user_id: Option<i64>,
    /// A stable identifier: `login.success`, `login.failure`, `access.denied`, `user.create`…
    pub action: &'static str,
    pub target: Option<String>,
    pub client_ip: Option<String>,
    pub details: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: i64,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub target: Option<String>,
    pub client_ip: Option<String>,
    pub details: Option<String>,
}

/// Which audit entries to read: every field narrows, `None` does not.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// An action (`login.failure`) or a family of actions (`login`: every `login.…`).
    pub action: Option<String>,
    pub actor_user_id: Option<i64>,
    /// Entries at or after this time.
    pub from: Option<i64>,
    /// Entries strictly before this time.
    pub until: Option<i64>,
    /// Entries older than this id: the next page after the last entry shown.
    pub before_id: Option<i64>,
    /// Entries newer than this id: the page before the first entry shown. The entries are
    /// still returned newest first (the `limit` closest to this id).
    pub after_id: Option<i64>,
}

/// A teacher's verdict on a réalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Validated,
    ToRevise,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Validated => "validated",
            ReviewStatus::ToRevise => "to_revise",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::Validated => "Validée",
            ReviewStatus::ToRevise => "À reprendre",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewStatus> {
        match s {
            "validated" => Some(ReviewStatus::Validated),
            "to_revise" => Some(ReviewStatus::ToRevise),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RealisationRecord {
    pub id: i64,
    pub student_id: i64,
    #[serde(flatten)]
    pub input: RealisationInput,
    pub review_status: Option<ReviewStatus>,
    pub reviewed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub artifacts: Vec<ArtifactRecord>,
}

/// A line of the dossier's list: what the page shows of a réalisation, and its skills for the
/// coverage, without its texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealisationSummary {
    pub id: i64,
    pub title: String,
    pub period: portfolio_domain::dossier::Period,
    pub setting: portfolio_domain::dossier::Setting,
    pub review_status: Option<ReviewStatus>,
    pub artifacts: usize,
    pub skills: std::collections::BTreeSet<String>,
}

impl RealisationRecord {
    pub fn summary(&self) -> RealisationSummary {
        RealisationSummary {
            id: self.id,
            title: self.input.title.clone(),
            period: self.input.period,
            setting: self.input.setting,
            review_status: self.review_status,
            artifacts: self.artifacts.len(),
            skills: self.input.skills.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    File,
    Link,
}

#[derive(Debug, Clone)]
pub struct NewArtifact {
    pub kind: ArtifactKind,
    /// Shown to people: the file's name as uploaded, or the link's title.
    pub name: String,
    pub url: Option<String>,
    /// Server-generated key in the blob store (files only).
    pub storage_key: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ArtifactRecord {
    pub id: i64,
    pub realisation_id: i64,
    pub kind: ArtifactKind,
    pub name: String,
    pub url: Option<String>,
    #[serde(skip)]
    pub storage_key: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentVisibility {
    /// Seen by the student and the teaching team.
    Student,
    /// Private to the teaching team.
    Team,
}

impl CommentVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentVisibility::Student => "student",
            CommentVisibility::Team => "team",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentRecord {
    pub id: i64,
    pub realisation_id: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub body: String,
    pub visibility: CommentVisibility,
    pub created_at: i64,
}

/// The dossier as handed in, frozen: what the commission and the public link see. Also the
/// portable form of a dossier (export and import). Version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierSnapshot {
    pub version: u32,
    pub taken_at: i64,
    pub candidate: SnapshotCandidate,
    pub realisations: Vec<SnapshotRealisation>,
    /// Ids (within `realisations`) of the two réalisations chosen for E5.
    pub e5: Option<(i64, i64)>,
    /// The internships as handed in: their attestations are part of the dossier. `None` in the
    /// portable export and in the snapshots taken before they were kept (the store then reads
    /// the internships recorded before the hand-in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internships: Option<Vec<SnapshotInternship>>,
}

/// An internship as handed in, with its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInternship {
    pub id: i64,
    pub input: InternshipInput,
    pub certificate_state: CertificateState,
    pub certificate_name: Option<String>,
    /// The scan's key in the blob store: kept as long as the snapshot is.
    pub certificate_key: Option<String>,
    pub certificate_signed_by: Option<ReviewAuthor>,
    pub certificate_signed_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotCandidate {
    pub first_name: String,
    pub last_name: String,
    pub candidate_number: Option<String>,
    pub track: Track,
    pub route: Route,
    pub class_name: String,
    pub school_name: String,
    pub school_city: String,
    pub session_year: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotRealisation {
    pub id: i64,
    #[serde(flatten)]
    pub input: RealisationInput,
    pub review_status: Option<ReviewStatus>,
    pub artifacts: Vec<SnapshotArtifact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotArtifact {
    pub id: i64,
    pub kind: ArtifactKind,
    pub name: String,
    pub url: Option<String>,
    /// The file's key in the blob store (files only).
    pub storage_key: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: i64,
}

impl DossierSnapshot {
    pub const VERSION: u32 = 1;

    /// Builds the snapshot of a dossier from its live records.
    pub fn of(
        profile: &StudentProfile,
        realisations: &[RealisationRecord],
        e5: Option<(i64, i64)>,
        now: i64,
    ) -> DossierSnapshot {
        DossierSnapshot {
            version: Self::VERSION,
            taken_at: now,
            candidate: SnapshotCandidate {
                first_name: profile.student.first_name.clone(),
                last_name: profile.student.last_name.clone(),
                candidate_number: profile.student.candidate_number.clone(),
                track: profile.student.track,
                route: profile.student.route,
                class_name: profile.student.class_name.clone(),
                school_name: profile.school.name.clone(),
                school_city: profile.school.city.clone(),
                session_year: profile.session_year,
            },
            realisations: realisations
                .iter()
                .map(|r| SnapshotRealisation {
                    id: r.id,
                    input: r.input.clone(),
                    review_status: r.review_status,
                    artifacts: r
                        .artifacts
                        .iter()
                        .map(|a| SnapshotArtifact {
                            id: a.id,
                            kind: a.kind,
                            name: a.name.clone(),
                            url: a.url.clone(),
                            storage_key: a.storage_key.clone(),
                            content_type: a.content_type.clone(),
                            size_bytes: a.size_bytes,
                        })
                        .collect(),
                })
                .collect(),
            e5,
            internships: None,
        }
    }

    /// The snapshot with the student's internships, as they are handed in.
    pub fn with_internships(mut self, internships: &[InternshipRecord]) -> DossierSnapshot {
        self.internships = Some(
            internships
                .iter()
                .map(|i| SnapshotInternship {
                    id: i.id,
                    input: i.input.clone(),
                    certificate_state: i.certificate_state,
                    certificate_name: i.certificate_name.clone(),
                    certificate_key: i.certificate_key.clone(),
                    certificate_signed_by: i.certificate_signed_by,
                    certificate_signed_at: i.certificate_signed_at,
                })
                .collect(),
        );
        self
    }

    /// The storage keys of the files the snapshot names (productions and certificate scans).
    pub fn storage_keys(&self) -> Vec<String> {
        self.realisations
            .iter()
            .flat_map(|r| r.artifacts.iter())
            .filter_map(|a| a.storage_key.clone())
            .chain(
                self.internships
                    .iter()
                    .flatten()
                    .filter_map(|i| i.certificate_key.clone()),
            )
            .collect()
    }

    /// The snapshot's internships as records, if the snapshot keeps them.
    pub fn internship_records(&self, student_id: i64) -> Option<Vec<InternshipRecord>> {
        self.internships.as_ref().map(|list| {
            list.iter()
                .map(|i| InternshipRecord {
                    id: i.id,
                    student_id,
                    input: i.input.clone(),
                    certificate_state: i.certificate_state,
                    certificate_name: i.certificate_name.clone(),
                    certificate_key: i.certificate_key.clone(),
                    certificate_signed_by: i.certificate_signed_by,
                    certificate_signed_at: i.certificate_signed_at,
                    created_at: self.taken_at,
                    updated_at: self.taken_at,
                })
                .collect()
        })
    }

    /// The snapshot's réalisations as records, for the pages that show a dossier.
    pub fn records(&self, student_id: i64) -> Vec<RealisationRecord> {
        self.realisations
            .iter()
            .map(|r| RealisationRecord {
                id: r.id,
                student_id,
                input: r.input.clone(),
                review_status: r.review_status,
                reviewed_at: None,
                created_at: self.taken_at,
                updated_at: self.taken_at,
                artifacts: r
                    .artifacts
                    .iter()
                    .map(|a| ArtifactRecord {
                        id: a.id,
                        realisation_id: r.id,
                        kind: a.kind,
                        name: a.name.clone(),
                        url: a.url.clone(),
                        storage_key: a.storage_key.clone(),
                        content_type: a.content_type.clone(),
                        size_bytes: a.size_bytes,
                        created_at: self.taken_at,
                    })
                    .collect(),
            })
            .collect()
    }
}

/// A handed-in dossier.
#[derive(Debug, Clone)]
pub struct SubmissionRecord {
    pub id: i64,
    pub submitted_at: i64,
    /// Shared: the store keeps parsed snapshots, which never change once handed in.
    pub snapshot: std::sync::Arc<DossierSnapshot>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicLinkRecord {
    pub id: i64,
    pub token: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The state of an internship's certificate (attestation de stage or certificat de travail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateState {
    Missing,
    /// A scan is uploaded, not yet confirmed as signed.
    Unsigned,
    /// Confirmed by the tutor (through their link or account) or checked by a teacher.
    Signed,
}

impl CertificateState {
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateState::Missing => "missing",
            CertificateState::Unsigned => "unsigned",
            CertificateState::Signed => "signed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CertificateState::Missing => "manquante",
            CertificateState::Unsigned => "déposée, non signée",
            CertificateState::Signed => "signée",
        }
    }

    pub fn parse(s: &str) -> Option<CertificateState> {
        match s {
            "missing" => Some(CertificateState::Missing),
            "unsigned" => Some(CertificateState::Unsigned),
            "signed" => Some(CertificateState::Signed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InternshipRecord {
    pub id: i64,
    pub student_id: i64,
    #[serde(flatten)]
    pub input: InternshipInput,
    pub certificate_state: CertificateState,
    /// The uploaded scan's name, if any.
    pub certificate_name: Option<String>,
    #[serde(skip)]
    pub certificate_key: Option<String>,
    pub certificate_signed_by: Option<ReviewAuthor>,
    pub certificate_signed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What the rules of annexe III.B read of an internship, without its texts: the class dashboard
/// and the contrôle de conformité read thousands of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternshipSummary {
    pub id: i64,
    pub student_id: i64,
    pub kind: portfolio_domain::internship_form::PlacementKind,
    pub organisation_name: String,
    pub period: portfolio_domain::dossier::Period,
    pub year_of_training: u8,
    pub full_time: bool,
    pub certificate_state: CertificateState,
}

impl InternshipRecord {
    pub fn summary(&self) -> InternshipSummary {
        InternshipSummary {
            id: self.id,
            student_id: self.student_id,
            kind: self.input.kind,
            organisation_name: self.input.organisation_name.clone(),
            period: self.input.period,
            year_of_training: self.input.year_of_training,
            full_time: self.input.full_time,
            certificate_state: self.certificate_state,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WeeklyReportRecord {
    pub id: i64,
    pub internship_id: i64,
    /// The Monday of the week reported.
    pub week_start: time::Date,
    pub body: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InternshipReviewRecord {
    pub id: i64,
    pub internship_id: i64,
    pub author: ReviewAuthor,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TutorLinkRecord {
    pub id: i64,
    pub internship_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// A candidate of an exam session (assigned to one of its commissions).
#[derive(Debug, Clone, Serialize)]
pub struct SessionCandidate {
    pub student: StudentSummary,
    pub school_name: String,
}

/// The decision recorded after the contrôle de conformité of a candidate.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConformityDecisionRecord {
    pub student_id: i64,
    /// `conforming`, `regularisation` or `non_conforming`.
    pub decision: String,
    /// The grounds found, as JSON (the sheet's findings).
    pub grounds: String,
    pub regularisation_deadline: Option<time::Date>,
    pub decided_at: i64,
}

/// A conformity decision to record.
#[derive(Debug, Clone)]
pub struct NewConformityDecision {
    pub student_id: i64,
    /// `conforming`, `regularisation` or `non_conforming`.
    pub decision: String,
    /// The grounds found, as JSON.
    pub grounds: String,
    pub regularisation_deadline: Option<time::Date>,
    pub decided_by: i64,
    pub decided_at: i64,
}

/// What the rules of annexe III.B need beyond the route (see `portfolio_domain::internship`):
/// the codes of the domain's enums, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CandidateFactsRecord {
    pub student_id: i64,
    /// `first_training`, `retraining` or `perfectionnement`.
    pub continuing_education: Option<String>,
    /// `force_majeure` or `adapted_training`.
    pub reduction_reason: Option<String>,
    /// The date of the « demande de positionnement ».
    pub positioning_request: Option<time::Date>,
    /// `school`, `apprenticeship` or `continuing_education`.
    pub distance_status: Option<String>,
    pub exam_date: Option<time::Date>,
}

/// A class as its dashboard reads it: each student with what the rules and the columns need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassDashboard {
    /// By name.
    pub students: Vec<DashboardStudent>,
    /// Every internship of the class's students, by student and start date.
    pub internships: Vec<InternshipSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardStudent {
    pub student: StudentSummary,
    pub facts: Option<CandidateFactsRecord>,
    /// When the dossier in force was handed in.
    pub handed_in_at: Option<i64>,
    /// The Monday of the last weekly report.
    pub last_report: Option<time::Date>,
    /// (réalisation, skill code) of every tag of the student's réalisations.
    pub tags: Vec<(i64, String)>,
}

/// What an administrator or the jury president sets on a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSettings {
    pub labels: SessionLabels,
    pub dossier_due_date: Option<time::Date>,
    pub ccf_end_date: Option<time::Date>,
    pub training_end_date: Option<time::Date>,
}

/// A candidate registered in a session (from the académie's list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRecord {
    pub id: i64,
    pub exam_session_id: i64,
    pub candidate_number: String,
    pub last_name: String,
    pub first_name: String,
    pub track: Track,
    pub route: Route,
    pub form: ExamForm,
    /// The student account matched (by candidate number, else by name in a class of the
    /// session's year).
    pub student_id: Option<i64>,
}

/// What an import of registrations did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegistrationReport {
    pub created: usize,
    pub updated: usize,
    /// Rows matched to a student account.
    pub linked: usize,
}

/// A commission as saved: its exam, option, day and two members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommissionInput {
    pub name: String,
    pub exam: DossierExam,
    pub track: Track,
    pub exam_date: Option<time::Date>,
    /// « 08:00 ».
    pub start_time: Option<String>,
    /// (user id, profile), in seat order.
    pub members: Vec<(i64, MemberProfile)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub seat: i64,
    pub user: UserSummary,
    pub profile: MemberProfile,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommissionDetail {
    pub id: i64,
    pub exam_session_id: i64,
    pub name: String,
    pub exam: DossierExam,
    pub track: Option<Track>,
    pub exam_date: Option<time::Date>,
    pub start_time: Option<String>,
    pub members: Vec<MemberRecord>,
}

/// Where an evaluation stands, without any mark: what a roster shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EvaluationProgress {
    pub started: bool,
    pub visas: u8,
}

/// A candidate of a commission, with their registration, passing time and progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub student: StudentSummary,
    pub registration: Option<RegistrationRecord>,
    pub slot_start: Option<String>,
    pub slot_end: Option<String>,
    pub preparation_start: Option<String>,
    pub progress: EvaluationProgress,
}

/// A passing time to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotInput {
    pub student_id: i64,
    pub start: String,
    pub end: String,
    pub preparation_start: Option<String>,
}

/// The grid and the fiche d'appréciation as the commission fills them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvaluationInput {
    /// (row key, level) of every rated row.
    pub levels: Vec<(String, MasteryLevel)>,
    pub proposed: Option<ProposedMark>,
    pub penalties: Vec<Penalty>,
    pub environment_conforming: Option<bool>,
    /// Bloc 2: (réalisation id, title) chosen by the commission.
    pub chosen_realisation: Option<(i64, String)>,
    pub needs_statement: String,
    pub part1: String,
    pub part2: String,
    pub appreciation: String,
}

impl EvaluationInput {
    pub fn level(&self, key: &str) -> Option<MasteryLevel> {
        self.levels.iter().find(|(k, _)| k == key).map(|(_, l)| *l)
    }
}

/// A visa: who signed and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisaRecord {
    pub by: Option<i64>,
    pub at: i64,
}

/// An evaluation with its marks: only read with a mark capability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationRecord {
    pub id: i64,
    pub commission_id: i64,
    pub student_id: i64,
    pub input: EvaluationInput,
    pub visa1: Option<VisaRecord>,
    pub visa2: Option<VisaRecord>,
    /// The mark the jury arrested, whole points.
    pub jury_mark: Option<u8>,
    pub jury_reason: Option<String>,
    pub jury_at: Option<i64>,
    pub updated_at: i64,
}

impl EvaluationRecord {
    pub fn visas(&self) -> portfolio_domain::evaluation::Visas {
        portfolio_domain::evaluation::Visas {
            first_member: self.visa1.is_some(),
            second_member: self.visa2.is_some(),
        }
    }
}

/// A change kept after the visas: an amendment by the jury president, or a mark the jury set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationHistoryRecord {
    pub at: i64,
    pub by_user_id: Option<i64>,
    /// `amendment` or `jury_mark`.
    pub kind: String,
    pub reason: Option<String>,
    pub before: String,
    pub after: String,
}

/// A candidate's evaluation in the jury's view of a session: the marks and levels, by commission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEvaluation {
    pub evaluation: EvaluationRecord,
    pub exam: DossierExam,
    pub commission_name: String,
    pub candidate_name: String,
    pub candidate_number: Option<String>,
    pub form: Option<ExamForm>,
    pub track: Track,
    pub school_id: i64,
    pub school_name: String,
}

/// What a candidate reads of their fiche d'appréciation once the jury has deliberated: the
/// texts and the visas. There is no mark field: the type cannot carry one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateAppraisal {
    pub evaluation_id: i64,
    pub session: ExamSessionRecord,
    pub exam: DossierExam,
    pub commission_name: String,
    pub exam_date: Option<time::Date>,
    pub track: Track,
    pub form: Option<ExamForm>,
    pub candidate_number: Option<String>,
    pub members: Vec<String>,
    pub part1: String,
    pub part2: String,
    pub appreciation: String,
    pub signed_on: Vec<Option<i64>>,
}

/// What a purge removed (or would remove, in a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PurgeCounts {
    pub evaluations: u64,
    pub history: u64,
    pub registrations: u64,
}

/// A school's part of a session, for the transmission to the jury.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmission {
    pub session: ExamSessionRecord,
    pub commissions: Vec<CommissionDetail>,
    /// (commission id, candidate).
    pub entries: Vec<(i64, RosterEntry)>,
    pub evaluations: Vec<EvaluationRecord>,
}

/// A row that names a file of the blob store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobReference {
    pub storage_key: String,
    /// What the row is, in French: `production`, `attestation de stage`, `dossier remis`,
    /// `suppression en attente`.
    pub kind: String,
    /// The row's id (artifact, internship, submission; 0 for a queued deletion).
    pub row_id: i64,
    pub student_id: i64,
    /// The file's name as the student gave it (empty when the row does not keep one).
    pub name: String,
    /// The size recorded with the row, when it keeps one (productions).
    pub size_bytes: Option<i64>,
}

impl BlobReference {
    /// A queued deletion names a file that may already be gone: it is not a missing file.
    pub fn needs_file(&self) -> bool {
        self.kind != BLOB_KIND_PENDING_DELETION
    }
}

pub const BLOB_KIND_PENDING_DELETION: &str = "suppression en attente";

/// The rows that name files, in the SQL both backends run (no parameter).
pub const BLOB_REFERENCES_SQL: &str = "\
SELECT a.storage_key AS storage_key, 'production' AS kind, a.id AS row_id, a.student_id AS student_id, \
       a.name AS name, a.size_bytes AS size_bytes \
  FROM artifacts a WHERE a.storage_key IS NOT NULL \
UNION ALL \
SELECT i.certificate_key, 'attestation de stage', i.id, i.student_id, COALESCE(i.certificate_name, ''), CAST(NULL AS BIGINT) \
  FROM internships i WHERE i.certificate_key IS NOT NULL \
UNION ALL \
SELECT s.storage_key, 'dossier remis', s.submission_id, d.student_id, '', CAST(NULL AS BIGINT) \
  FROM submission_blobs s JOIN dossier_submissions d ON d.id = s.submission_id \
UNION ALL \
SELECT b.storage_key, 'suppression en attente', CAST(0 AS BIGINT), CAST(0 AS BIGINT), '', CAST(NULL AS BIGINT) \
  FROM blob_deletions b \
ORDER BY 1, 2";

/// A candidate's réclamation of their fiche d'appréciation in one session (002): asked by the
/// candidate after the deliberation, sent by the jury president or the head of school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReclamationRecord {
    pub exam_session_id: i64,
    pub session_label: String,
    pub student_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub school_name: String,
    pub class_name: String,
    /// When the jury deliberated in the session.
    pub deliberated_at: Option<i64>,
    /// When the candidate asked (`None`: not asked yet).
    pub requested_at: Option<i64>,
    pub sent_at: Option<i64>,
    /// Who sent the copy, « Prénom Nom ».
    pub sent_by: Option<String>,
    /// The académie publishes every fiche of the session: nothing to ask.
    pub published: bool,
}
