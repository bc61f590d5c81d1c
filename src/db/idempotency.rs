//! Stored responses of requests sent with an `Idempotency-Key`.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::idempotency_keys;
use crate::error::AppError;

/// How long a key is remembered.
pub const KEEP_FOR: Duration = Duration::hours(24);

/// Identifies one request: who sent which key to which operation with which body.
#[derive(Clone, Debug)]
pub struct RequestFingerprint {
    pub principal_id: String,
    pub key: String,
    pub method: String,
    pub path: String,
    pub body_hash: String,
}

pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The response stored for this key, if it is fresh; `422 idempotency_key_reused` when the key
/// came with another request.
pub fn lookup(
    conn: &mut DbConnection,
    request: &RequestFingerprint,
    now: DateTime<Utc>,
) -> Result<Option<StoredResponse>, AppError> {
    let row: Option<(
        String,
        String,
        String,
        i32,
        String,
        String,
        chrono::NaiveDateTime,
    )> = idempotency_keys::table
        .find((&request.principal_id, &request.key))
        .select((
            idempotency_keys::request_method,
            idempotency_keys::request_path,
            idempotency_keys::request_hash,
            idempotency_keys::response_status,
            idempotency_keys::response_headers,
            idempotency_keys::response_body,
            idempotency_keys::created_at,
        ))
        .first(conn)
        .optional()?;
    let Some((method, path, hash, status, headers, body, created_at)) = row else {
        return Ok(None);
    };
    if created_at.and_utc() + KEEP_FOR < now {
        diesel::delete(idempotency_keys::table.find((&request.principal_id, &request.key)))
            .execute(conn)?;
        return Ok(None);
    }
    if method != request.method || path != request.path || hash != request.body_hash {
        return Err(AppError::field("Idempotency-Key", "idempotency_key_reused"));
    }
    Ok(Some(StoredResponse {
        status: u16::try_from(status).unwrap_or(200),
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        body,
    }))
}

/// Stores the response, in the transaction that made it: a concurrent twin then fails on the
/// primary key instead of acting twice.
pub fn remember(
    conn: &mut DbConnection,
    request: &RequestFingerprint,
    response: &StoredResponse,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::principal_id.eq(&request.principal_id),
            idempotency_keys::idempotency_key.eq(&request.key),
            idempotency_keys::request_method.eq(&request.method),
            idempotency_keys::request_path.eq(&request.path),
            idempotency_keys::request_hash.eq(&request.body_hash),
            idempotency_keys::response_status.eq(i32::from(response.status)),
            idempotency_keys::response_headers
                .eq(serde_json::to_string(&response.headers).map_err(anyhow::Error::from)?),
            idempotency_keys::response_body.eq(&response.body),
            idempotency_keys::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets keys older than a day; run now and then.
pub fn prune(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    Ok(diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::created_at.lt((now - KEEP_FOR).naive_utc())),
    )
    .execute(conn)?)
}
