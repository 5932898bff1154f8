//! Password hashing with Argon2id, parameters of OWASP ASVS 4 (V2.4.1 / 11.4.2): m = 19 MiB,
//! t = 2, p = 1. Hashing runs on the blocking pool so it never stalls the async workers.

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;

fn argon2() -> Argon2<'static> {
    // Params::new only fails on out-of-range values; these are constants within range.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (PHC string with its salt and parameters).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("tâche de hachage interrompue")?
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hachage du mot de passe impossible : {e}"))
}

/// A hash of nothing anyone knows: verifying against it when the account does not exist makes
/// a failed login take the same time either way.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("portfolio-sio: compte inexistant").unwrap_or_default());

/// Checks `password` against `stored` (or against the dummy hash when `None`).
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let phc = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&phc)
            .map_err(|e| anyhow::anyhow!("empreinte de mot de passe illisible en base : {e}"))?;
        let ok = argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(exists && ok)
    })
    .await
    .context("tâche de vérification interrompue")?
}

/// Warms the dummy hash at start so that the first failed login is not faster than the others.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

/// A temporary password given to a user by an admin: five words from a list of 1,296 short
/// French-friendly syllables would be overkill; 18 random base64 characters (108 bits) suffice.
pub fn temporary_password() -> String {
    crate::session::random_token(14)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash("une phrase de passe".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            verify("une phrase de passe".into(), Some(h.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify("une autre phrase".into(), Some(h))
                .await
                .expect("verify")
        );
        assert!(
            !verify("portfolio-sio: compte inexistant".into(), None)
                .await
                .expect("verify")
        );
    }
}
