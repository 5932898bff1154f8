//! Plain records read from and written to the store.

use portfolio_domain::realisation::RealisationInput;
use portfolio_domain::route::Route;
use portfolio_framework::Track;
use serde::Serialize;

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

/// A teacher's verdict on a réalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
