//! Persistence for Portfolio SIO.
//!
//! One trait per aggregate ([`UserStore`], [`SchoolStore`], [`SessionStore`], …), gathered in
//! [`Store`]; one implementation per database: [`sqlite::SqliteStore`] (embedded default) and
//! [`postgres::PgStore`] (selected by a `postgres://` URL). Both run the same SQL text (sqlx
//! accepts `$1` placeholders on SQLite too), stamped onto each backend by the `sql_store!` macro
//! in [`sql`], and each backend has its own versioned migrations under `migrations/`.
//!
//! Every write runs in one transaction (SQLite: `BEGIN IMMEDIATE`, so that a read that turns
//! into a write cannot fail with "database is locked"). Reads of scoped data take a capability
//! from [`portfolio_domain::access`].

use async_trait::async_trait;
use portfolio_domain::access::{
    AppraisalPublicationCap, AppraisalReadCap, ClassCap, ClassFacts, CommissionCap,
    CommissionFacts, DossierEditCap, EvaluationCap, ExamSessionCap, FollowUpCap,
    InternshipReviewCap, MarkReadCap, PublicLinkFacts, ReclamationAnswerCap, ReclamationDeskCap,
    ReclamationRequestCap, ReviewCap, SchoolCap, SchoolMarksCap, SessionMarksCap, StudentCap,
    StudentFacts, TutorLinkFacts,
};
use portfolio_domain::internship_form::InternshipInput;
use portfolio_domain::realisation::RealisationInput;
use portfolio_domain::registration::CandidateRegistration;
use portfolio_domain::role::Grant;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

pub mod blobs;
mod cache;
mod lite;
pub mod postgres;
mod sql;
mod sql_dossier;
mod sql_evaluation;

mod sql_internship;
mod sql_reclamation;
pub mod sqlite;
pub mod types;
mod version;

pub use types::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the string names what is duplicated, in French.
    #[error("{0}")]
    Conflict(String),
    /// A reference points at nothing, or a check constraint refused the value.
    #[error("{0}")]
    Invalid(String),
    #[error("élément introuvable")]
    NotFound,
    #[error("{0}")]
    Unsupported(String),
    /// The blob store failed (disk full, permissions…).
    #[error("stockage des fichiers : {0}")]
    Blob(String),
    #[error("erreur de la base de données : {0}")]
    Database(#[from] sqlx::Error),
    #[error("erreur de la base de données : {0}")]
    Sqlite(#[from] lite::Error),
    #[error("migration de la base de données impossible : {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The disk holding the files or the database is full: nothing of the write was kept.
    #[error("le disque du serveur est plein : {0}")]
    DiskFull(String),
}

impl StoreError {
    /// Whether the write failed because the disk is full (ENOSPC on a file, `SQLITE_FULL`,
    /// PostgreSQL's `disk_full`): the web layer answers 507 instead of an internal error.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::DiskFull(_) => true,
            StoreError::Sqlite(e) => e.is_disk_full(),
            StoreError::Database(sqlx::Error::Database(db)) => {
                db.code().as_deref() == Some("53100")
            }
            StoreError::Database(sqlx::Error::Io(e)) => blobs::is_enospc(e),
            _ => false,
        }
    }

    /// Whether SQLite says the file is not a database or is damaged (`SQLITE_NOTADB`,
    /// `SQLITE_CORRUPT`): the remedy is a restore, not a look at the directory's permissions.
    pub fn is_damaged_database(&self) -> bool {
        fn damaged(e: &sqlx::Error) -> bool {
            matches!(e, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("26" | "11")))
        }
        match self {
            StoreError::Database(e) => damaged(e),
            StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => damaged(e),
            StoreError::Sqlite(lite::Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))) => {
                matches!(
                    f.code,
                    rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
                )
            }
            _ => false,
        }
    }
}

/// Handed-in dossiers kept parsed in memory (about 20 KB each): the candidates a commission
/// or a jury reads in a day.
pub(crate) const SNAPSHOTS_KEPT: usize = 512;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Réclamations: the candidate asks for their fiche d'appréciation, the jury president or the
/// head of school sends the copy without the mark; or the académie publishes every fiche.
#[async_trait]
pub trait ReclamationStore: Send + Sync {
    /// Every deliberated session in which the candidate has a fiche signed by both members,
    /// with where their réclamation stands.
    async fn candidate_reclamations(
        &self,
        cap: &ReclamationRequestCap,
    ) -> Result<Vec<ReclamationRecord>>;
    /// Records the candidate's request (once; asking again keeps the first date) and audits
    /// it. `NotFound` unless the session has deliberated and holds a signed fiche of theirs.
    async fn request_appraisal(
        &self,
        cap: &ReclamationRequestCap,
        exam_session_id: i64,
        now: i64,
    ) -> Result<()>;
    /// The réclamations asked in the sessions and schools of the desk, newest first.
    async fn reclamations(&self, cap: &ReclamationDeskCap) -> Result<Vec<ReclamationRecord>>;
    /// One candidate's réclamation in one session, if asked.
    async fn reclamation(&self, cap: &ReclamationAnswerCap) -> Result<Option<ReclamationRecord>>;
    /// Marks the copy sent (dated, by whom, audited): from then on the candidate reads the
    /// fiche. Sending again changes nothing. `NotFound` when the candidate did not ask.
    async fn send_appraisal(&self, cap: &ReclamationAnswerCap, by: i64, now: i64) -> Result<()>;
    async fn appraisals_published(&self, cap: &AppraisalPublicationCap) -> Result<bool>;
    async fn set_appraisals_published(
        &self,
        cap: &AppraisalPublicationCap,
        published: bool,
        by: i64,
        now: i64,
    ) -> Result<()>;
}

#[async_trait]
pub trait UserStore: Send + Sync {
    async fn create_user(&self, user: &NewUser) -> Result<i64>;
    async fn user(&self, id: i64) -> Result<Option<UserRecord>>;
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>>;
    /// Users whose name or e-mail contains `query` (all when empty), by name, at most `limit`.
    async fn search_users(&self, query: &str, limit: i64) -> Result<Vec<UserSummary>>;
    /// Sets the password hash and ends every session of the user, in one transaction.
    async fn set_password_hash(&self, user_id: i64, hash: &str, now: i64) -> Result<()>;
    /// Disabling ends every session of the user in the same transaction.
    async fn set_disabled(&self, user_id: i64, disabled: bool) -> Result<()>;
    async fn add_grant(&self, user_id: i64, grant: Grant, now: i64) -> Result<()>;
    async fn remove_grant(&self, user_id: i64, grant: Grant) -> Result<()>;
    /// Every grant of the user, the student one (from their class) included.
    async fn grants_of(&self, user_id: i64) -> Result<Vec<Grant>>;
    async fn enroll_student(&self, user_id: i64, enrolment: &Enrolment) -> Result<()>;
}

#[async_trait]
pub trait SchoolStore: Send + Sync {
    async fn create_school(&self, school: &NewSchool, now: i64) -> Result<i64>;
    async fn schools(&self) -> Result<Vec<SchoolRecord>>;
    async fn school(&self, cap: &SchoolCap) -> Result<SchoolRecord>;
    async fn create_class(&self, class: &NewClass, now: i64) -> Result<i64>;
    async fn classes_of_school(&self, cap: &SchoolCap) -> Result<Vec<ClassRecord>>;
    async fn all_classes(&self) -> Result<Vec<ClassRecord>>;
    /// Classes by id (those a teacher's grants name), newest session first, then by name.
    async fn classes_by_ids(&self, ids: &[i64]) -> Result<Vec<ClassRecord>>;
    async fn class_facts(&self, class_id: i64) -> Result<Option<ClassFacts>>;
    async fn class(&self, cap: &ClassCap) -> Result<ClassRecord>;
    async fn class_roster(&self, cap: &ClassCap) -> Result<Vec<StudentSummary>>;
    /// Teachers holding a grant on the class.
    async fn class_teachers(&self, cap: &ClassCap) -> Result<Vec<UserSummary>>;
    async fn student_facts(&self, student_id: i64) -> Result<Option<StudentFacts>>;
    async fn student_profile(&self, cap: &StudentCap) -> Result<StudentProfile>;
    /// Students by id (those a tutor's grants name), in name order.
    async fn students_by_ids(&self, ids: &[i64]) -> Result<Vec<StudentSummary>>;
}

#[async_trait]
pub trait ExamStore: Send + Sync {
    async fn create_exam_session(&self, session: &NewExamSession, now: i64) -> Result<i64>;
    async fn exam_sessions(&self) -> Result<Vec<ExamSessionRecord>>;
    async fn exam_session(&self, cap: &ExamSessionCap) -> Result<ExamSessionRecord>;
    async fn create_commission(&self, exam_session_id: i64, name: &str, now: i64) -> Result<i64>;
    async fn assign_candidate(&self, commission_id: i64, student_id: i64) -> Result<()>;
    async fn commission_facts(&self, commission_id: i64) -> Result<Option<CommissionFacts>>;
    async fn commission(&self, cap: &CommissionCap) -> Result<CommissionRecord>;
    async fn commission_candidates(&self, cap: &CommissionCap) -> Result<Vec<StudentSummary>>;
    async fn commissions_of_session(&self, cap: &ExamSessionCap) -> Result<Vec<CommissionRecord>>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: &NewSession) -> Result<()>;
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>>;
    /// The session of an enabled user, with the user and their grants: one query, for every
    /// request that carries a session cookie.
    async fn session_actor(&self, id_hash: &str) -> Result<Option<SessionActor>>;
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    /// Removes sessions idle since before `idle_before` or created before `created_before`.
    async fn purge_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64>;
    /// Counts a failed login for `key` in a window of `window` seconds; returns the failures
    /// counted in the current window, this one included.
    async fn record_login_failure(&self, key: &str, now: i64, window: i64) -> Result<i64>;
    /// Failures counted for `key` in the window that is still open at `now`.
    async fn login_failures(&self, key: &str, now: i64, window: i64) -> Result<i64>;
    async fn clear_login_failures(&self, key: &str) -> Result<()>;
    /// Failures counted for `key` in the window still open at `now`, with the time of the last
    /// one (`(0, 0)` when there is none): what a progressive delay is computed from.
    async fn login_failure_state(&self, key: &str, now: i64, window: i64) -> Result<(i64, i64)>;
    /// Records that `user_id` logged in from the device whose cookie token hashes to `token_hash`.
    async fn remember_device(&self, token_hash: &str, user_id: i64, now: i64) -> Result<()>;
    /// Whether `user_id` has logged in before from the device of `token_hash`.
    async fn is_known_device(&self, token_hash: &str, user_id: i64) -> Result<bool>;
}

/// The candidate's dossier. Changes take a [`DossierEditCap`] (the student) or a [`ReviewCap`]
/// (their teachers); reads take a [`StudentCap`].
#[async_trait]
pub trait DossierStore: Send + Sync {
    async fn create_realisation(
        &self,
        cap: &DossierEditCap,
        input: &RealisationInput,
        now: i64,
    ) -> Result<i64>;
    /// `NotFound` unless the réalisation belongs to the student.
    async fn update_realisation(
        &self,
        cap: &DossierEditCap,
        id: i64,
        input: &RealisationInput,
        now: i64,
    ) -> Result<()>;
    /// Removes the réalisation with its artifacts, comments and E5 choice; its files are queued
    /// for deletion in the same transaction (see [`DossierStore::pending_blob_deletions`]).
    async fn delete_realisation(&self, cap: &DossierEditCap, id: i64, now: i64) -> Result<()>;
    /// Creates many réalisations with their artifacts (and the E5 pair, as indices into
    /// `items`) in one transaction: all of them or none. Returns their ids in order.
    async fn import_realisations(
        &self,
        cap: &DossierEditCap,
        items: &[(RealisationInput, Vec<NewArtifact>)],
        e5: Option<(usize, usize)>,
        quota_bytes: i64,
        now: i64,
    ) -> Result<Vec<i64>>;
    /// The student's réalisations, by start date, with skills, technology and artifacts (three
    /// queries whatever their number).
    async fn realisations(&self, cap: &StudentCap) -> Result<Vec<RealisationRecord>>;
    /// The same réalisations as lines of the dossier's list (one query, no texts).
    async fn realisation_summaries(&self, cap: &StudentCap) -> Result<Vec<RealisationSummary>>;
    async fn realisation(&self, cap: &StudentCap, id: i64) -> Result<RealisationRecord>;
    /// Adds an artifact if the student's files stay within `quota_bytes` (checked in the same
    /// transaction as the insert).
    async fn add_artifact(
        &self,
        cap: &DossierEditCap,
        realisation_id: i64,
        artifact: &NewArtifact,
        quota_bytes: i64,
        now: i64,
    ) -> Result<i64>;
    /// Removes an artifact; its file is queued for deletion in the same transaction.
    async fn delete_artifact(&self, cap: &DossierEditCap, artifact_id: i64, now: i64)
    -> Result<()>;
    async fn artifact(&self, cap: &StudentCap, artifact_id: i64) -> Result<ArtifactRecord>;
    /// Bytes of files the student has stored.
    async fn storage_used(&self, cap: &StudentCap) -> Result<i64>;
    async fn add_comment(
        &self,
        cap: &ReviewCap,
        realisation_id: i64,
        author_id: i64,
        body: &str,
        visibility: CommentVisibility,
        now: i64,
    ) -> Result<i64>;
    /// Comments on a réalisation, oldest first; the team's private ones only with `include_team`.
    async fn comments(
        &self,
        cap: &StudentCap,
        realisation_id: i64,
        include_team: bool,
    ) -> Result<Vec<CommentRecord>>;
    async fn set_review(
        &self,
        cap: &ReviewCap,
        realisation_id: i64,
        status: Option<ReviewStatus>,
        reviewer_id: i64,
        now: i64,
    ) -> Result<()>;
    /// The two réalisations chosen for E5 (both the student's own, and distinct).
    async fn set_e5_choice(&self, cap: &DossierEditCap, first: i64, second: i64) -> Result<()>;
    async fn e5_choice(&self, cap: &StudentCap) -> Result<Option<(i64, i64)>>;
    /// Storage keys of files whose rows are gone.
    async fn pending_blob_deletions(&self, limit: i64) -> Result<Vec<String>>;
    async fn blob_deleted(&self, storage_key: &str) -> Result<()>;
    /// Every row that names a file of the blob store (productions, internship certificates,
    /// handed-in dossiers, deletions still queued): what `portfolio-sio check` compares with
    /// the files on disk.
    async fn blob_references(&self) -> Result<Vec<BlobReference>>;
}

/// Handing the dossier in, and its public links.
#[async_trait]
pub trait SubmissionStore: Send + Sync {
    /// Freezes the dossier: refused while a handed-in version is still current (not reopened).
    /// The files the snapshot names are kept as long as the snapshot is.
    async fn hand_in(
        &self,
        cap: &DossierEditCap,
        snapshot: &DossierSnapshot,
        now: i64,
    ) -> Result<i64>;
    /// The handed-in version in force, if any.
    async fn current_submission(&self, cap: &StudentCap) -> Result<Option<SubmissionRecord>>;
    /// Gives the dossier back to the student: the handed-in version stops being current.
    async fn reopen(&self, cap: &ReviewCap, reviewer_id: i64, now: i64) -> Result<()>;
    async fn create_public_link(
        &self,
        cap: &DossierEditCap,
        token: &str,
        expires_at: Option<i64>,
        now: i64,
    ) -> Result<i64>;
    async fn public_links(&self, cap: &StudentCap) -> Result<Vec<PublicLinkRecord>>;
    async fn revoke_public_link(&self, cap: &DossierEditCap, id: i64, now: i64) -> Result<()>;
    /// What is known of a link, whatever its state: the access policy decides.
    async fn public_link_facts(&self, token: &str) -> Result<Option<PublicLinkFacts>>;
}

/// Internships, the follow-up platform (weekly reports, reviews), certificates and tutors' links.
#[async_trait]
pub trait InternshipStore: Send + Sync {
    async fn create_internship(
        &self,
        cap: &DossierEditCap,
        input: &InternshipInput,
        now: i64,
    ) -> Result<i64>;
    async fn update_internship(
        &self,
        cap: &DossierEditCap,
        id: i64,
        input: &InternshipInput,
        now: i64,
    ) -> Result<()>;
    /// Removes it with its reports, reviews and links; its certificate scan is queued for
    /// deletion in the same transaction.
    async fn delete_internship(&self, cap: &DossierEditCap, id: i64, now: i64) -> Result<()>;
    async fn internships(&self, cap: &StudentCap) -> Result<Vec<InternshipRecord>>;
    async fn internship(&self, student_id_cap: &StudentCap, id: i64) -> Result<InternshipRecord>;
    /// The internship a review capability reaches (a tutor's link reaches one).
    async fn internship_for_review(
        &self,
        cap: &InternshipReviewCap,
        id: i64,
    ) -> Result<InternshipRecord>;
    /// Writes (or rewrites) the report of the week starting on Monday `week_start`.
    async fn save_weekly_report(
        &self,
        cap: &DossierEditCap,
        internship_id: i64,
        week_start: time::Date,
        body: &str,
        now: i64,
    ) -> Result<()>;
    /// The weekly reports of an internship (empty when `cap` does not reach it).
    async fn weekly_reports(
        &self,
        cap: &FollowUpCap,
        internship_id: i64,
    ) -> Result<Vec<WeeklyReportRecord>>;
    async fn add_internship_review(
        &self,
        cap: &InternshipReviewCap,
        internship_id: i64,
        author_id: Option<i64>,
        author_name: &str,
        body: &str,
        now: i64,
    ) -> Result<i64>;
    /// The reviews of an internship (empty when `cap` does not reach it).
    async fn internship_reviews(
        &self,
        cap: &FollowUpCap,
        internship_id: i64,
    ) -> Result<Vec<InternshipReviewRecord>>;
    /// A scan of the certificate: the state becomes « unsigned »; a previous scan is queued for
    /// deletion.
    async fn set_certificate_scan(
        &self,
        cap: &DossierEditCap,
        internship_id: i64,
        storage_key: &str,
        name: &str,
        now: i64,
    ) -> Result<()>;
    /// Confirmed by the tutor, or checked by a teacher on the scan: « signed ».
    async fn confirm_certificate(
        &self,
        cap: &InternshipReviewCap,
        internship_id: i64,
        now: i64,
    ) -> Result<()>;
    async fn create_tutor_link(
        &self,
        cap: &ReviewCap,
        internship_id: i64,
        token_hash: &str,
        created_by: i64,
        expires_at: i64,
        now: i64,
    ) -> Result<i64>;
    async fn tutor_links(
        &self,
        cap: &StudentCap,
        internship_id: i64,
    ) -> Result<Vec<TutorLinkRecord>>;
    async fn revoke_tutor_link(&self, cap: &ReviewCap, link_id: i64, now: i64) -> Result<()>;
    async fn tutor_link_facts(&self, token_hash: &str) -> Result<Option<TutorLinkFacts>>;
    async fn candidate_facts(&self, cap: &StudentCap) -> Result<Option<CandidateFactsRecord>>;
    /// Records what the rules need to know about the candidate (the teaching team).
    async fn set_candidate_facts(
        &self,
        cap: &ReviewCap,
        facts: &CandidateFactsRecord,
        by: i64,
        now: i64,
    ) -> Result<()>;
    /// What the class dashboard shows of every student of the class, in two queries.
    async fn class_dashboard(&self, cap: &ClassCap) -> Result<ClassDashboard>;
}

/// The contrôle de conformité of a session's candidates (annexe 6-2).
#[async_trait]
pub trait ConformityStore: Send + Sync {
    async fn set_dossier_due_date(
        &self,
        cap: &ExamSessionCap,
        date: Option<time::Date>,
    ) -> Result<()>;
    /// The candidates assigned to the session's commissions, by name.
    async fn session_candidates(&self, cap: &ExamSessionCap) -> Result<Vec<SessionCandidate>>;
    async fn session_candidate_facts(
        &self,
        cap: &ExamSessionCap,
    ) -> Result<Vec<CandidateFactsRecord>>;
    /// The sessions the student is a candidate of, with the decision recorded in each, if any.
    async fn candidate_sessions(
        &self,
        cap: &StudentCap,
    ) -> Result<Vec<(ExamSessionRecord, Option<ConformityDecisionRecord>)>>;
    /// The teaching team's decision (contrôle en cours de formation) on their student, in a session
    /// the student is a candidate of.
    async fn record_conformity_by_team(
        &self,
        cap: &ReviewCap,
        exam_session_id: i64,
        decision: &NewConformityDecision,
    ) -> Result<()>;
    /// Every internship of the session's candidates, in one query.
    async fn session_internships(&self, cap: &ExamSessionCap) -> Result<Vec<InternshipSummary>>;
    /// (candidate, handed in at) of the dossiers handed in and in force.
    async fn session_submissions(&self, cap: &ExamSessionCap) -> Result<Vec<(i64, i64)>>;
    /// Records (or replaces) the decision on a candidate of the session.
    async fn record_conformity(
        &self,
        cap: &ExamSessionCap,
        decision: &NewConformityDecision,
    ) -> Result<()>;
    async fn conformity_decisions(
        &self,
        cap: &ExamSessionCap,
    ) -> Result<Vec<ConformityDecisionRecord>>;
}

/// Exam sessions after the hand-in: registrations, commissions, grids and fiches
/// d'appréciation, the jury's marks, closing and purging. Marks are only read with a mark
/// capability; what a candidate reads ([`CandidateAppraisal`]) has no mark field.
#[async_trait]
pub trait EvaluationStore: Send + Sync {
    /// Labels, deadlines and the end of training; refused once the session is closed.
    async fn set_session_settings(
        &self,
        cap: &ExamSessionCap,
        settings: &SessionSettings,
    ) -> Result<()>;
    /// Creates or updates the registrations (keyed by candidate number) in one transaction,
    /// matching each to a student account when one fits.
    async fn register_candidates(
        &self,
        cap: &ExamSessionCap,
        rows: &[CandidateRegistration],
        now: i64,
    ) -> Result<RegistrationReport>;
    async fn registrations(&self, cap: &ExamSessionCap) -> Result<Vec<RegistrationRecord>>;
    /// Creates (`id` None) or updates a commission with its members, whose
    /// `commission_member` grants follow, in one transaction. The composition is checked by
    /// the caller with `portfolio_domain::commission::check_composition`.
    async fn save_commission(
        &self,
        cap: &ExamSessionCap,
        id: Option<i64>,
        input: &CommissionInput,
        now: i64,
    ) -> Result<i64>;
    async fn commission_detail(&self, cap: &CommissionCap) -> Result<CommissionDetail>;
    /// The session a commission belongs to (its labels, year, académie).
    async fn session_of_commission(&self, cap: &CommissionCap) -> Result<ExamSessionRecord>;
    async fn session_commission_details(
        &self,
        cap: &ExamSessionCap,
    ) -> Result<Vec<CommissionDetail>>;
    /// Assigns a registered candidate (by student account) to a commission of the session.
    async fn assign_to_commission(
        &self,
        cap: &ExamSessionCap,
        commission_id: i64,
        student_id: i64,
    ) -> Result<()>;
    /// (commission, candidate) of every assignment of the session, in one query.
    async fn session_assignments(&self, cap: &ExamSessionCap) -> Result<Vec<(i64, i64)>>;
    async fn set_slots(
        &self,
        cap: &ExamSessionCap,
        commission_id: i64,
        slots: &[SlotInput],
    ) -> Result<()>;
    async fn roster(&self, cap: &CommissionCap) -> Result<Vec<RosterEntry>>;
    /// One candidate of the commission's roster, if they are on it.
    async fn roster_entry(
        &self,
        cap: &CommissionCap,
        student_id: i64,
    ) -> Result<Option<RosterEntry>>;
    /// What a head of school sends the jury for a session: the school's candidates with their
    /// commission, registration and evaluation (marks included: a school-marks capability).
    async fn school_transmission(
        &self,
        cap: &SchoolMarksCap,
        exam_session_id: i64,
    ) -> Result<Transmission>;
    /// The candidate's evaluation by this commission, if started.
    async fn evaluation(&self, cap: &EvaluationCap) -> Result<Option<EvaluationRecord>>;
    /// Saves the grid and the fiche. A member's change withdraws the visas already given; once
    /// both members signed, only the jury president may change it, with a reason kept in the
    /// history and the audit log (checked in the same transaction, by
    /// `portfolio_domain::evaluation::may_change`).
    async fn save_evaluation(
        &self,
        cap: &EvaluationCap,
        input: &EvaluationInput,
        reason: Option<&str>,
        by: i64,
        now: i64,
    ) -> Result<()>;
    /// The visa of the member `by` (their seat in the commission).
    async fn sign_evaluation(&self, cap: &EvaluationCap, by: i64, now: i64) -> Result<()>;
    async fn evaluation_history(
        &self,
        cap: &MarkReadCap,
    ) -> Result<Vec<(i64, EvaluationHistoryRecord)>>;
    /// Every evaluation of the candidate (all sessions), with marks.
    async fn evaluations_of(&self, cap: &MarkReadCap) -> Result<Vec<EvaluationRecord>>;
    /// Every evaluation of the session, for harmonisation and the jury's marks (two queries).
    async fn session_evaluations(&self, cap: &SessionMarksCap) -> Result<Vec<SessionEvaluation>>;
    /// The evaluations of one commission of the session, in the same order.
    async fn commission_evaluations(
        &self,
        cap: &SessionMarksCap,
        commission_id: i64,
    ) -> Result<Vec<SessionEvaluation>>;
    /// The jury's mark (whole points), refused before both visas; the commission's proposal
    /// stays in the evaluation and the change is kept in the history.
    async fn arrest_mark(
        &self,
        cap: &SessionMarksCap,
        evaluation_id: i64,
        mark: u8,
        reason: Option<&str>,
        by: i64,
        now: i64,
    ) -> Result<()>;
    async fn set_deliberated(&self, cap: &SessionMarksCap, now: i64) -> Result<()>;
    /// Closes the session; refused, with the count, while a candidate assigned to a commission
    /// has no fiche signed by both members.
    async fn close_session(&self, cap: &ExamSessionCap, now: i64) -> Result<()>;
    /// The evaluations of a school's candidates in a session (the bordereau).
    async fn school_evaluations(
        &self,
        cap: &SchoolMarksCap,
        exam_session_id: i64,
    ) -> Result<Vec<SessionEvaluation>>;
    /// The candidate's fiches d'appréciation of deliberated sessions, without marks.
    async fn candidate_appraisals(&self, cap: &AppraisalReadCap)
    -> Result<Vec<CandidateAppraisal>>;
    /// Removes the evaluation documents of a session (grids, fiches, history, registrations)
    /// and marks it purged; with `dry_run`, only counts. The caller decides by the retention
    /// rule. The audit entry is written in the same transaction.
    async fn purge_session(
        &self,
        exam_session_id: i64,
        dry_run: bool,
        now: i64,
    ) -> Result<PurgeCounts>;
    /// The date of the first exam of each session (earliest commission day, else the due date).
    async fn session_dates(&self) -> Result<Vec<(i64, Option<time::Date>)>>;
}

/// How long the audit log is kept (CNIL: 12 months); older entries are purged by the server's
/// sweeper (once a day) and by `portfolio-sio purge`.
pub const AUDIT_RETENTION_SECS: i64 = 365 * 24 * 3600;

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn audit(&self, event: &AuditEvent) -> Result<()>;
    async fn recent_audit(&self, limit: i64) -> Result<Vec<AuditRecord>>;
    /// Up to `limit` entries matching `filter`, newest first.
    async fn audit_page(&self, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRecord>>;
    /// Removes the entries older than `before` (the retention period); returns how many.
    async fn purge_audit(&self, before: i64) -> Result<u64>;
}

#[async_trait]
pub trait Store:
    UserStore
    + SchoolStore
    + ExamStore
    + SessionStore
    + DossierStore
    + SubmissionStore
    + InternshipStore
    + ConformityStore
    + EvaluationStore
    + ReclamationStore
    + AuditStore
{
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// A cheap query that proves the database answers.
    async fn ping(&self) -> Result<()>;
    /// A consistent online copy of the database to `output` (SQLite: `VACUUM INTO`).
    async fn backup(&self, output: &Path) -> Result<()>;
    async fn counts(&self) -> Result<Counts>;
    /// Refreshes the planner's statistics after a bulk load (`ANALYZE`): PostgreSQL servers
    /// without autovacuum would otherwise plan for the empty tables of the start.
    async fn analyze(&self) -> Result<()>;
    async fn close(&self);
}

pub type DynStore = Arc<dyn Store>;

/// Opens the store named by `url` (`sqlite://PATH` or `postgres://…`) and runs its migrations.
pub async fn connect(url: &str) -> anyhow::Result<DynStore> {
    connect_with_pool(url, None).await
}

/// [`connect`], with at most `pool_size` connections to PostgreSQL (default:
/// [`postgres::default_pool_size`]); SQLite opens its readers as they are needed.
pub async fn connect_with_pool(url: &str, pool_size: Option<u32>) -> anyhow::Result<DynStore> {
    use anyhow::Context;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let size = pool_size.unwrap_or_else(postgres::default_pool_size);
        let store = postgres::PgStore::connect_with_pool(url, None, size)
            .await
            .with_context(|| {
                format!(
                    "connexion à PostgreSQL impossible ({}) : vérifiez l’adresse, et que le serveur écoute et accepte cet utilisateur",
                    redact_url(url)
                )
            })?;
        Ok(Arc::new(store))
    } else if url.starts_with("sqlite:") {
        let store = match sqlite::SqliteStore::connect(url).await {
            Ok(store) => store,
            Err(e) if e.is_damaged_database() => anyhow::bail!(
                "la base SQLite {url} est endommagée (ce n’est plus un fichier SQLite lisible) : \
                 arrêtez le serveur et restaurez la dernière sauvegarde avec « portfolio-sio restore ARCHIVE.tar --replace » \
                 (le fichier endommagé est gardé à côté) ({e})"
            ),
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "ouverture de la base SQLite {url} impossible : vérifiez que le répertoire existe et est accessible en écriture"
                )));
            }
        };
        Ok(Arc::new(store))
    } else {
        anyhow::bail!(
            "adresse de base de données non reconnue « {} » : attendu sqlite://CHEMIN ou postgres://UTILISATEUR@HÔTE/BASE",
            redact_url(url)
        )
    }
}

/// The URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Row counts, for the admin overview and the tests.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub users: i64,
    pub schools: i64,
    pub classes: i64,
    pub students: i64,
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            super::redact_url("postgres://app:s3cret@db:5432/sio"),
            "postgres://app:***@db:5432/sio"
        );
        assert_eq!(
            super::redact_url("postgres://app@db/sio"),
            "postgres://app@db/sio"
        );
        assert_eq!(super::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
