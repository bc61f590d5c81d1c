//! Password (and client secret) hashing with argon2id.
//!
//! Each call needs argon2's 19 MiB of working memory. Rather than allocate and free it every
//! time (which left the allocator holding hundreds of MB after a burst), each thread that hashes
//! keeps one buffer and reuses it: in the server those are the few threads of `auth::hashing`, so
//! the memory argon2 takes is their number times 19 MiB, once.

use std::cell::RefCell;
use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use secrecy::{ExposeSecret, SecretString};

thread_local! {
    /// This thread's argon2 working memory, grown to the largest cost seen, never freed.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Fills `out` with the argon2id hash of `secret`, in this thread's working memory.
fn compute(
    params: &Params,
    version: Version,
    secret: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    MEMORY.with_borrow_mut(|memory| {
        let blocks = params.block_count();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        Argon2::new(Algorithm::Argon2id, version, params.clone()).hash_password_into_with_memory(
            secret,
            salt,
            out,
            &mut memory[..blocks],
        )
    })
}

/// Hashes with argon2id and its default, OWASP-recommended parameters (19 MiB, 2 passes).
pub fn hash(secret: &SecretString) -> anyhow::Result<String> {
    let fail = |e: &dyn std::fmt::Display| anyhow::anyhow!("hashing a password: {e}");
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(|e| fail(&e))?;
    let params = Params::default();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(
        &params,
        Version::V0x13,
        secret.expose_secret().as_bytes(),
        salt_bytes,
        &mut out,
    )
    .map_err(|e| fail(&e))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(hash.to_string())
}

/// True when `secret` matches `stored`. A missing hash (an invited account that has not set its
/// password) still costs one verification, so timing does not tell whether an account exists.
pub fn verify(secret: &SecretString, stored: Option<&str>) -> bool {
    let stored = stored.unwrap_or(DUMMY_HASH.as_str());
    matches(secret, stored) && stored != DUMMY_HASH.as_str()
}

/// Whether `stored`, an argon2id PHC string, is the hash of `secret`.
fn matches(secret: &SecretString, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from);
    let (Ok(Algorithm::Argon2id), Ok(version), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        version,
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    compute(
        &params,
        version,
        secret.expose_secret().as_bytes(),
        salt_bytes,
        &mut out,
    )
    .is_ok()
        // `Output`'s equality takes constant time.
        && Output::new(&out).is_ok_and(|computed| computed == expected)
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
        // Hashes made by the argon2 crate's own hasher verify too, and the other way round.
        let theirs = argon2::PasswordHasher::hash_password(
            &Argon2::default(),
            b"correct horse battery",
            &SaltString::generate(&mut OsRng),
        )
        .map(|h| h.to_string())
        .unwrap_or_default();
        assert!(verify(&password, Some(&theirs)));
        let parsed = PasswordHash::new(&stored).expect("a PHC string");
        assert!(
            argon2::PasswordVerifier::verify_password(
                &Argon2::default(),
                b"correct horse battery",
                &parsed
            )
            .is_ok()
        );
    }
}
