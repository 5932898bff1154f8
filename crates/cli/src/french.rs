//! The command line answers in French: clap's own errors are English, so a parse error is
//! translated here into the one French line every other configuration error gets; the value
//! parsers of the options give their reason in French.

use clap::CommandFactory;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::net::SocketAddr;

/// `--listen`: ADDRESS:PORT.
pub fn listen(s: &str) -> Result<SocketAddr, String> {
    s.trim().parse().map_err(|_| {
        "attendu ADRESSE:PORT, par exemple 127.0.0.1:8080 (ou 0.0.0.0:8080 pour toutes les interfaces)"
            .to_string()
    })
}

/// `--database-pool`: 1 to 256 connections.
pub fn pool_size(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=256).contains(&n) => Ok(n),
        _ => Err("attendu un nombre de connexions entre 1 et 256".to_string()),
    }
}

/// A count of minutes or hours: a whole number, at least 1.
pub fn positive(s: &str) -> Result<i64, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("attendu un nombre entier positif".to_string()),
    }
}

/// One French line for a command line that clap refused; `None` for the help and the version,
/// which clap prints itself.
pub fn parse_error(e: &clap::Error) -> Option<String> {
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let help = "portfolio-sio --help liste les commandes et les options";
    Some(match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let reason = reason(e).unwrap_or_else(|| match context(ContextKind::ValidValue) {
                Some(valid) => format!("valeurs possibles : {valid}"),
                None => "valeur non reconnue".to_string(),
            });
            format!(
                "valeur « {value} » invalide pour {} : {reason}",
                with_env(&arg)
            )
        }
        ErrorKind::UnknownArgument => format!("option inconnue « {arg} » ({help})"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} » ({help})",
            context(ContextKind::InvalidSubcommand).unwrap_or(value)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("option obligatoire manquante : {arg} ({help})")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            format!("commande manquante ({help})")
        }
        ErrorKind::ArgumentConflict => format!("option {arg} incompatible avec une autre ({help})"),
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour {arg} ({help})")
        }
        _ => format!("ligne de commande invalide ({help})"),
    })
}

/// The reason a value was refused, in French: ours as written, the standard library's
/// number and address errors translated; `None` for anything else (English).
fn reason(e: &clap::Error) -> Option<String> {
    let source = std::error::Error::source(e)?;
    if let Some(int) = source.downcast_ref::<std::num::ParseIntError>() {
        use std::num::IntErrorKind;
        return Some(
            match int.kind() {
                IntErrorKind::Empty => "valeur vide",
                IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => "nombre trop grand",
                _ => "attendu un nombre entier",
            }
            .to_string(),
        );
    }
    if source.downcast_ref::<std::net::AddrParseError>().is_some() {
        return Some("adresse invalide".to_string());
    }
    let text = source.to_string();
    // Our parsers speak French; anything else is clap's or a crate's English.
    let french = text.contains("attendu") || text.contains("invalide");
    french.then_some(text)
}

/// `--listen <LISTEN>` → `--listen (ou PORTFOLIO_LISTEN)`: a value may have come from the
/// environment, and the person must know where to look.
fn with_env(arg: &str) -> String {
    let long = arg.split_whitespace().next().unwrap_or(arg);
    let name = long.trim_start_matches('-');
    let env = find_env(&crate::options::Cli::command(), name);
    match env {
        Some(env) => format!("{long} (ou {env})"),
        None => long.to_string(),
    }
}

fn find_env(cmd: &clap::Command, long: &str) -> Option<String> {
    for a in cmd.get_arguments() {
        if a.get_long() == Some(long) {
            return a.get_env().map(|e| e.to_string_lossy().into_owned());
        }
    }
    cmd.get_subcommands().find_map(|sub| find_env(sub, long))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Cli;
    use clap::Parser;

    fn refused(args: &[&str]) -> String {
        match Cli::try_parse_from(args) {
            Ok(_) => panic!("{args:?} accepted"),
            Err(e) => parse_error(&e).unwrap_or_else(|| panic!("{args:?}: no message")),
        }
    }

    #[test]
    fn clap_refusals_are_one_french_line() {
        let m = refused(&["portfolio-sio", "serve", "--listen", "nonsense"]);
        assert_eq!(
            m,
            "valeur « nonsense » invalide pour --listen (ou PORTFOLIO_LISTEN) : attendu ADRESSE:PORT, par exemple 127.0.0.1:8080 (ou 0.0.0.0:8080 pour toutes les interfaces)"
        );
        let m = refused(&["portfolio-sio", "--database-pool", "0", "serve"]);
        assert!(
            m.contains("--database-pool (ou PORTFOLIO_DATABASE_POOL)"),
            "{m}"
        );
        assert!(m.contains("entre 1 et 256"), "{m}");
        let m = refused(&[
            "portfolio-sio",
            "class",
            "add",
            "--school",
            "abc",
            "--name",
            "x",
            "--track",
            "sisr",
            "--session",
            "2027",
        ]);
        assert!(m.contains("attendu un nombre entier"), "{m}");
        assert!(refused(&["portfolio-sio", "serf"]).starts_with("commande inconnue « serf »"));
        assert!(
            refused(&["portfolio-sio", "serve", "--lisen", "x"])
                .starts_with("option inconnue « --lisen »")
        );
        assert!(
            refused(&["portfolio-sio", "backup"])
                .starts_with("option obligatoire manquante : --output")
        );
        for m in [
            refused(&["portfolio-sio", "serve", "--listen", "nonsense"]),
            refused(&["portfolio-sio", "serf"]),
        ] {
            assert!(
                !m.contains('\n') && !m.contains("error") && !m.contains("invalid value"),
                "{m}"
            );
        }
    }
}
