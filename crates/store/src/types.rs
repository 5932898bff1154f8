//! Plain records read from and written to the store.

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
