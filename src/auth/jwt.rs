//! Access tokens: short-lived HS256 JWTs naming the account. Roles and scopes come from the
//! database, not the token (see `principal`), so a deactivated account or a revoked client stops
//! long before its token expires.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const ISSUER: &str = "dealer-portal";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    User,
    Client,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub kind: SubjectKind,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl JwtKeys {
    pub fn new(secret: &SecretString, ttl: Duration) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(
        &self,
        subject: Uuid,
        kind: SubjectKind,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let claims = Claims {
            sub: subject,
            kind,
            iss: ISSUER.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + i64::try_from(self.ttl.as_secs())?,
            jti: Uuid::new_v4(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The claims of a token that is well-formed, signed by us and not expired.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(
            &SecretString::from("test-secret-test-secret-test-secret"),
            Duration::from_secs(900),
        )
    }

    #[test]
    fn issued_tokens_verify_and_tampered_ones_do_not() {
        let keys = keys();
        let id = Uuid::new_v4();
        let token = keys
            .issue(id, SubjectKind::User, Utc::now())
            .expect("encodes");
        let claims = keys.verify(&token).expect("verifies");
        assert_eq!(claims.sub, id);
        assert_eq!(claims.kind, SubjectKind::User);

        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(keys.verify(&tampered).is_none());

        let other = JwtKeys::new(
            &SecretString::from("another-secret"),
            Duration::from_secs(900),
        );
        assert!(other.verify(&token).is_none());
    }

    #[test]
    fn expired_tokens_do_not_verify() {
        let keys = keys();
        let issued = Utc::now() - chrono::Duration::hours(1);
        let token = keys
            .issue(Uuid::new_v4(), SubjectKind::User, issued)
            .expect("encodes");
        assert!(keys.verify(&token).is_none());
    }
}
