//! Password (and client secret) hashing with argon2id.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use secrecy::{ExposeSecret, SecretString};

/// Hashes with argon2id and its default, OWASP-recommended parameters (19 MiB, 2 passes).
pub fn hash(secret: &SecretString) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.expose_secret().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// True when `secret` matches `stored`. A missing hash (an invited account that has not set its
/// password) still costs one verification, so timing does not tell whether an account exists.
pub fn verify(secret: &SecretString, stored: Option<&str>) -> bool {
    let stored = stored.unwrap_or(DUMMY_HASH.as_str());
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(secret.expose_secret().as_bytes(), &parsed)
        .is_ok();
    ok && stored != DUMMY_HASH.as_str()
}

static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash(&SecretString::from("no account has this password"))
        .unwrap_or_else(|_| String::from("$argon2id$v=19$m=19456,t=2,p=1$invalid"))
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = SecretString::from("correct horse battery");
        let stored = hash(&password).expect("hashing works");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(&password, Some(&stored)));
        assert!(!verify(
            &SecretString::from("wrong horse battery"),
            Some(&stored)
        ));
        assert!(!verify(&password, None));
        assert!(!verify(&password, Some("not a hash")));
    }
}
