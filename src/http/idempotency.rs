//! `Idempotency-Key` on creating POSTs and workflow moves: the same key with the same body within
//! 24 hours gets the first response again (marked `Idempotent-Replayed: true`); with another body,
//! 422. The response is stored in the transaction of the change it reports.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};

use serde::Serialize;

use crate::db::idempotency::{self, RequestFingerprint, StoredResponse};
use crate::error::{AppError, FieldError};
use crate::http::extract::BodyHash;
use crate::workflow::Work;

const HEADER: &str = "Idempotency-Key";

/// The `Idempotency-Key` header, if sent: 1 to 200 visible ASCII characters.
pub struct IdempotencyKey(Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(HEADER) {
            None => Ok(Self(None)),
            Some(value) => match value.to_str() {
                Ok(key)
                    if (1..=200).contains(&key.len())
                        && key.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Ok(Self(Some(key.to_owned())))
                }
                _ => Err(AppError::Validation(vec![
                    FieldError::new(HEADER, "length")
                        .with_param("min", 1)
                        .with_param("max", 200),
                ])),
            },
        };
        ready(result)
    }
}

impl IdempotencyKey {
    /// What identifies this request for `principal_id`; None without a key. Call after the body
    /// was read.
    pub fn fingerprint(
        &self,
        req: &HttpRequest,
        principal_id: impl ToString,
    ) -> Option<RequestFingerprint> {
        let key = self.0.clone()?;
        let body_hash = req
            .extensions()
            .get::<BodyHash>()
            .map(|h| h.0.clone())
            .unwrap_or_default();
        Some(RequestFingerprint {
            principal_id: principal_id.to_string(),
            key,
            method: req.method().to_string(),
            path: req.path().to_owned(),
            body_hash,
        })
    }
}

/// A stored response, sent again.
pub fn replay(stored: StoredResponse) -> HttpResponse {
    let mut response =
        HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    for (name, value) in stored.headers {
        response.insert_header((name, value));
    }
    response
        .insert_header(("Idempotent-Replayed", "true"))
        .content_type("application/json")
        .body(stored.body)
}

/// What an idempotent operation answers: a fresh response, or the stored one of its first run.
pub enum Answer {
    Fresh(StoredResponse),
    Replayed(StoredResponse),
}

impl Answer {
    pub fn into_response(self) -> HttpResponse {
        match self {
            Self::Replayed(stored) => replay(stored),
            Self::Fresh(stored) => {
                let mut response = HttpResponse::build(
                    StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
                );
                for (name, value) in stored.headers {
                    response.insert_header((name, value));
                }
                response.content_type("application/json").body(stored.body)
            }
        }
    }
}

/// Runs `operation` inside the caller's unit of work unless `fingerprint` names a request already
/// answered; stores its answer (`status`, the headers it returns, its JSON body) under the key.
pub fn run<T, F>(
    work: &mut Work<'_>,
    fingerprint: Option<&RequestFingerprint>,
    status: u16,
    operation: F,
) -> Result<Answer, AppError>
where
    T: Serialize,
    F: FnOnce(&mut Work<'_>) -> Result<(T, Vec<(String, String)>), AppError>,
{
    let now = work.now();
    if let Some(fingerprint) = fingerprint
        && let Some(stored) = idempotency::lookup(work, fingerprint, now)?
    {
        return Ok(Answer::Replayed(stored));
    }
    let (body, headers) = operation(work)?;
    let stored = StoredResponse {
        status,
        headers,
        body: serde_json::to_string(&body).map_err(anyhow::Error::from)?,
    };
    if let Some(fingerprint) = fingerprint {
        idempotency::remember(work, fingerprint, &stored, now)?;
    }
    Ok(Answer::Fresh(stored))
}

/// `Location` and `ETag` of a created resource.
pub fn created_headers(location: String, version: i32) -> Vec<(String, String)> {
    vec![
        ("Location".to_owned(), location),
        ("ETag".to_owned(), format!("\"{version}\"")),
    ]
}
