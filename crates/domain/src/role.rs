//! Roles and the scope they are granted on.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// What a person does in the product. One user may hold several grants (a teacher may also sit
/// on a commission), each with its own scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Student,
    Tutor,
    Teacher,
    CommissionMember,
    HeadOfSchool,
    JuryPresident,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Student,
        Role::Tutor,
        Role::Teacher,
        Role::CommissionMember,
        Role::HeadOfSchool,
        Role::JuryPresident,
        Role::Admin,
    ];

    /// Stable identifier stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Tutor => "tutor",
            Role::Teacher => "teacher",
            Role::CommissionMember => "commission_member",
            Role::HeadOfSchool => "head_of_school",
            Role::JuryPresident => "jury_president",
            Role::Admin => "admin",
        }
    }

    /// The French name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Student => "Étudiant(e)",
            Role::Tutor => "Tuteur, tutrice de stage",
            Role::Teacher => "Enseignant(e)",
            Role::CommissionMember => "Membre de commission",
            Role::HeadOfSchool => "Chef(fe) d’établissement",
            Role::JuryPresident => "Président(e) de jury",
            Role::Admin => "Administrateur, administratrice",
        }
    }

    /// The kind of scope a grant of this role must carry.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::Student => ScopeKind::Class,
            Role::Tutor => ScopeKind::Student,
            Role::Teacher => ScopeKind::Class,
            Role::CommissionMember => ScopeKind::Commission,
            Role::HeadOfSchool => ScopeKind::School,
            Role::JuryPresident => ScopeKind::ExamSession,
            Role::Admin => ScopeKind::Global,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "rôle inconnu « {0} » : attendu student, tutor, teacher, commission_member, head_of_school, jury_president ou admin"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// What a grant's scope id refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// The class the student belongs to, or the class a teacher teaches.
    Class,
    /// The student a tutor follows.
    Student,
    Commission,
    School,
    ExamSession,
    Global,
}

/// One role held on one scope. The scope id is the id of the row named by [`Role::scope_kind`];
/// `None` only for [`Role::Admin`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Grant {
    pub role: Role,
    pub scope_id: Option<i64>,
}

impl Grant {
    pub fn new(role: Role, scope_id: Option<i64>) -> Result<Grant, GrantError> {
        match (role.scope_kind(), scope_id) {
            (ScopeKind::Global, None) => Ok(Grant { role, scope_id }),
            (ScopeKind::Global, Some(_)) => Err(GrantError::UnexpectedScope(role)),
            (_, Some(id)) => Ok(Grant {
                role,
                scope_id: Some(id),
            }),
            (_, None) => Err(GrantError::MissingScope(role)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("le rôle {} doit être rattaché à {}", .0.label(), scope_name(.0.scope_kind()))]
    MissingScope(Role),
    #[error("le rôle {} ne se rattache à aucune classe, école ou session", .0.label())]
    UnexpectedScope(Role),
}

fn scope_name(kind: ScopeKind) -> &'static str {
    match kind {
        ScopeKind::Class => "une classe",
        ScopeKind::Student => "un(e) étudiant(e)",
        ScopeKind::Commission => "une commission",
        ScopeKind::School => "un établissement",
        ScopeKind::ExamSession => "une session d’examen",
        ScopeKind::Global => "rien",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_identifier() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("superuser".parse::<Role>().is_err());
    }

    #[test]
    fn grants_need_the_scope_of_their_role() {
        assert!(Grant::new(Role::Admin, None).is_ok());
        assert_eq!(
            Grant::new(Role::Admin, Some(1)),
            Err(GrantError::UnexpectedScope(Role::Admin))
        );
        assert_eq!(
            Grant::new(Role::Teacher, None),
            Err(GrantError::MissingScope(Role::Teacher))
        );
        assert!(Grant::new(Role::Teacher, Some(3)).is_ok());
    }
}
