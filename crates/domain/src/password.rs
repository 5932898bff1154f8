//! Password policy, after CNIL délibération 2022-100 and OWASP ASVS 4 (V2.1 / 6.2): a minimum
//! length and a blocklist of common passwords, no composition rules, every printable character
//! (spaces and emoji too) accepted.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Minimum length in characters (Unicode scalar values, not bytes).
pub const MIN_CHARS: usize = 12;
/// Upper bound that keeps hashing cost bounded; long passphrases still fit.
pub const MAX_CHARS: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error(
        "le mot de passe doit comporter au moins {MIN_CHARS} caractères (il en a {0}) : une phrase de passe de plusieurs mots convient très bien"
    )]
    TooShort(usize),
    #[error("le mot de passe ne doit pas dépasser {MAX_CHARS} caractères (il en a {0})")]
    TooLong(usize),
    #[error(
        "ce mot de passe fait partie des mots de passe les plus courants : choisissez-en un autre, par exemple une phrase de quelques mots"
    )]
    Common,
    #[error(
        "le mot de passe ne doit pas reprendre votre identifiant ou votre nom : choisissez-en un autre"
    )]
    Personal,
    #[error("le mot de passe ne peut pas contenir de caractères de contrôle")]
    ControlCharacter,
}

/// Checks a new password. `personal` holds words the password must not be built on (the
/// e-mail's local part, the first and last names).
pub fn check(password: &str, personal: &[&str]) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordError::TooShort(chars));
    }
    if chars > MAX_CHARS {
        return Err(PasswordError::TooLong(chars));
    }
    if password.chars().any(char::is_control) {
        return Err(PasswordError::ControlCharacter);
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        return Err(PasswordError::Common);
    }
    let core = strip_decoration(&lower);
    if personal
        .iter()
        .map(|w| w.trim().to_lowercase())
        .filter(|w| w.chars().count() >= 3)
        .any(|w| core == w || lower == w)
    {
        return Err(PasswordError::Personal);
    }
    Ok(())
}

/// A password is common when it is in the list, when it is a common word padded with digits and
/// punctuation ("motdepasse2024!"), or when it is a single character repeated.
fn is_common(lower: &str) -> bool {
    if COMMON.contains(lower) {
        return true;
    }
    let core = strip_decoration(lower);
    if core.chars().count() >= 4 && COMMON.contains(core) {
        return true;
    }
    let mut chars = lower.chars();
    let first = chars.next();
    (first.is_some() && chars.all(|c| Some(c) == first)) || is_sequence(lower)
}

/// Removes leading and trailing digits, punctuation and spaces.
fn strip_decoration(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace())
}

/// "123456789012", "abcdefghijkl", "987654321098": runs of consecutive characters (digits wrap
/// around, as on a keyboard row).
fn is_sequence(s: &str) -> bool {
    let codes: Vec<u32> = s.chars().map(u32::from).collect();
    let (zero, nine) = (u32::from('0'), u32::from('9'));
    let up = |a: u32, b: u32| b == a + 1 || (a == nine && b == zero);
    let down = |a: u32, b: u32| a == b + 1 || (a == zero && b == nine);
    codes.windows(2).all(|w| up(w[0], w[1])) || codes.windows(2).all(|w| down(w[0], w[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check("court", &[]), Err(PasswordError::TooShort(5)));
        // 12 accented characters are 24 bytes but 12 characters: accepted.
        assert_eq!(check("éàèùâêîôûçëï", &[]), Ok(()));
        assert_eq!(
            check(&"x".repeat(129), &[]),
            Err(PasswordError::TooLong(129))
        );
    }

    #[test]
    fn common_passwords_and_their_padded_forms_are_refused() {
        for p in [
            "q1w2e3r4t5y6",
            "azertyuiopqsdf",
            "motdepasse2024!",
            "Password123456",
            "aaaaaaaaaaaaaa",
            "123456789012",
            "987654321098",
        ] {
            assert_eq!(check(p, &[]), Err(PasswordError::Common), "{p}");
        }
    }

    #[test]
    fn passphrases_are_accepted_without_composition_rules() {
        for p in [
            "cheval agrafe batterie",
            "le chat dort sur le clavier",
            "tournesol-ardoise-violon",
        ] {
            assert_eq!(check(p, &[]), Ok(()), "{p}");
        }
    }

    #[test]
    fn personal_words_are_refused() {
        assert_eq!(
            check("camille.durand", &["camille.durand", "Camille", "Durand"]),
            Err(PasswordError::Personal)
        );
        assert_eq!(
            check("camille.durand2026", &["camille.durand"]),
            Err(PasswordError::Personal)
        );
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(
            check("une phrase\u{0}de passe", &[]),
            Err(PasswordError::ControlCharacter)
        );
    }
}
