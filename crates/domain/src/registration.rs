//! A candidate registered in an exam session: the fields the forms of annexes 6-2 to 6-4
//! print in their header, and which rules apply (option, route, form).

use std::fmt;

use portfolio_framework::{ExamForm, Track};

use crate::input::required_text;
use crate::route::Route;

/// The most characters a candidate number may have.
pub const MAX_CANDIDATE_NUMBER: usize = 20;
/// The most characters a name may have.
pub const MAX_NAME: usize = 100;

/// A candidate of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateRegistration {
    /// « N° candidat », as the académie issued it.
    pub candidate_number: CandidateNumber,
    pub last_name: String,
    pub first_name: String,
    pub track: Track,
    pub route: Route,
    /// « Épreuve ponctuelle » or « Contrôle en cours de formation ».
    pub form: ExamForm,
}

/// A « N° candidat »: letters and digits, spaces removed, at most [`MAX_CANDIDATE_NUMBER`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CandidateNumber(String);

impl CandidateNumber {
    pub fn parse(input: &str) -> Result<Self, String> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err("le numéro de candidat est vide : reportez celui de la convocation".into());
        }
        if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "le numéro de candidat « {compact} » contient autre chose que des lettres et des chiffres : \
                 reportez-le tel qu'il figure sur la convocation"
            ));
        }
        if compact.len() > MAX_CANDIDATE_NUMBER {
            return Err(format!(
                "le numéro de candidat « {compact} » a plus de {MAX_CANDIDATE_NUMBER} caractères : \
                 vérifiez qu'il ne s'agit pas de deux numéros collés"
            ));
        }
        Ok(Self(compact.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CandidateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name as typed: white space collapsed, not empty, at most [`MAX_NAME`] characters.
pub fn parse_name(input: &str, what: &str) -> Result<String, String> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(format!("le {what} est vide"));
    }
    required_text("name", &format!("le {what}"), &name, MAX_NAME).map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_numbers_are_compacted_and_checked() {
        assert_eq!(
            CandidateNumber::parse(" 0212 3456 789 ").map(|n| n.to_string()),
            Ok("02123456789".to_owned())
        );
        assert_eq!(
            CandidateNumber::parse("ab12").map(|n| n.to_string()),
            Ok("AB12".to_owned())
        );
        assert!(CandidateNumber::parse("  ").is_err());
        assert!(
            CandidateNumber::parse("12-34")
                .unwrap_err()
                .contains("lettres et des chiffres")
        );
        assert!(
            CandidateNumber::parse(&"1".repeat(21))
                .unwrap_err()
                .contains("20 caractères")
        );
        assert_eq!(parse_name("  Le   Goff ", "nom"), Ok("Le Goff".to_owned()));
        assert_eq!(
            parse_name(" ", "prénom"),
            Err("le prénom est vide".to_owned())
        );
    }
}
