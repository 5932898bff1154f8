//! Values built from user input through a validating `parse`, each error in French naming what
//! is expected.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidInput {
    /// The form field or JSON key at fault.
    pub field: &'static str,
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, message: impl Into<String>) -> InvalidInput {
        InvalidInput {
            field,
            message: message.into(),
        }
    }
}

/// A login e-mail address, trimmed and lower-cased so that logins are case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, raw: &str) -> Result<Email, InvalidInput> {
        let s = raw.trim().to_lowercase();
        let bad = |why: &str| {
            InvalidInput::new(
                field,
                format!(
                    "adresse électronique invalide : {why} (exemple attendu : prenom.nom@exemple.fr)"
                ),
            )
        };
        if s.is_empty() {
            return Err(bad("le champ est vide"));
        }
        if s.chars().count() > 254 {
            return Err(bad("elle dépasse 254 caractères"));
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(bad("il manque le caractère @"));
        };
        if local.is_empty() || domain.contains('@') {
            return Err(bad("elle doit contenir un seul @ précédé d’un nom"));
        }
        if !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(bad("le domaine après @ doit être de la forme exemple.fr"));
        }
        if s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        {
            return Err(bad("elle ne doit contenir ni espace ni chevron"));
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before @, a word the password must not be built on.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A required single-line text (a name, a title), trimmed, 1 to `max` characters.
pub fn required_text(
    field: &'static str,
    label: &str,
    raw: &str,
    max: usize,
) -> Result<String, InvalidInput> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(InvalidInput::new(field, format!("{label} est obligatoire")));
    }
    let n = s.chars().count();
    if n > max {
        return Err(InvalidInput::new(
            field,
            format!("{label} ne doit pas dépasser {max} caractères (il en a {n})"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(InvalidInput::new(
            field,
            format!(
                "{label} ne doit pas contenir de retour à la ligne ni de caractère de contrôle"
            ),
        ));
    }
    Ok(s.to_string())
}

/// The message for a text holding a control character (NUL, ESC, DEL, C1…), if it does: such
/// characters are never typed on purpose and corrupt exports and terminals. A multi-line field
/// (a text area) keeps its tabs and line breaks.
pub fn control_character(label: &str, s: &str, multiline: bool) -> Option<String> {
    let c = s
        .chars()
        .find(|c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')))?;
    Some(if matches!(c, '\n' | '\r') {
        format!("{label} ne doit pas contenir de retour à la ligne")
    } else {
        format!(
            "{label} contient un caractère de contrôle interdit (U+{:04X}) : retirez-le",
            c as u32
        )
    })
}

/// Lower-case ASCII for names in e-mail addresses and file names: accents dropped
/// ("Émilie" → "emilie"), any other character but letters and digits turned into "-".
pub fn ascii_fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' | 'ý' => 'y',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect()
}

/// A UAI (unité administrative immatriculée) of a French school: 7 digits and a check letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Uai(String);

impl Uai {
    pub fn parse(field: &'static str, raw: &str) -> Result<Uai, InvalidInput> {
        let s = raw.trim().to_uppercase();
        let bad = |why: &str| {
            InvalidInput::new(
                field,
                format!("numéro UAI invalide : {why} (exemple attendu : 0750001A)"),
            )
        };
        let (digits, letter) = s.split_at(s.len().min(7));
        if s.chars().count() != 8 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad("il faut 7 chiffres suivis d’une lettre"));
        }
        // The check letter is the remainder of the number modulo 23, in an alphabet without
        // I, O and Q (Éducation nationale's RNE key).
        const KEYS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
        let n: u64 = digits.parse().map_err(|_| bad("il faut 7 chiffres"))?;
        let expected = char::from(KEYS[(n % 23) as usize]);
        if letter != expected.to_string() {
            return Err(bad(&format!(
                "la lettre de contrôle devrait être {expected}"
            )));
        }
        Ok(Uai(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_named_and_text_areas_keep_tabs_and_line_breaks() {
        for c in ['\u{0}', '\u{1b}', '\u{7}', '\u{7f}', '\u{85}', '\u{9f}'] {
            let m = control_character("La description", &format!("a{c}b"), true)
                .unwrap_or_else(|| panic!("{c:?} accepted"));
            assert!(
                m.starts_with("La description contient un caractère de contrôle"),
                "{m}"
            );
        }
        assert_eq!(control_character("La description", "a\tb\r\nc", true), None);
        assert!(control_character("L’intitulé", "a\nb", false).is_some());
        assert_eq!(control_character("L’intitulé", "Élève été", false), None);
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", "  Camille.Durand@Lycee.FR ").map(|e| e.to_string()),
            Ok("camille.durand@lycee.fr".to_string())
        );
        for bad in [
            "",
            "camille",
            "@lycee.fr",
            "a@b",
            "a@b@c.fr",
            "a b@c.fr",
            "a@.fr",
            "a@b..fr",
        ] {
            let err = Email::parse("email", bad).expect_err(bad);
            assert_eq!(err.field, "email");
            assert!(
                err.message.contains("adresse électronique invalide"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn names_fold_to_ascii() {
        assert_eq!(ascii_fold("Émilie"), "emilie");
        assert_eq!(ascii_fold("Moreau-Lagarde"), "moreau-lagarde");
        assert_eq!(ascii_fold("Maëlys François"), "maelys-francois");
        assert_eq!(ascii_fold("O’Neil"), "o-neil");
    }

    #[test]
    fn uai_check_letter_is_verified() {
        // 0750001 % 23 = 17 -> 'U'
        assert!(Uai::parse("uai", "0750001u").is_ok());
        let err = Uai::parse("uai", "0750001A").expect_err("wrong key");
        assert!(err.message.contains("devrait être U"), "{}", err.message);
        assert!(Uai::parse("uai", "075000A").is_err());
    }

    #[test]
    fn required_text_names_the_field() {
        let err = required_text("name", "Le nom", "  ", 10).expect_err("empty");
        assert_eq!(err.message, "Le nom est obligatoire");
        assert!(required_text("name", "Le nom", "abcdefghijk", 10).is_err());
        assert_eq!(
            required_text("name", "Le nom", " Ab ", 10),
            Ok("Ab".to_string())
        );
    }
}
