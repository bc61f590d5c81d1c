//! An application's documents: what each upload said (kind, name, type, size) and the SHA-256
//! that names its bytes under `UPLOAD_DIR` (see `storage`). Several rows may share one file.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;
use diesel::sql_types::Integer;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{applications, documents};
use crate::domain::document::DocumentKind;
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct Document {
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: DocumentKind,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

pub struct NewDocument<'a> {
    pub id: Uuid,
    pub application_id: Uuid,
    pub kind: DocumentKind,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = documents)]
struct Row {
    id: String,
    application_id: String,
    kind: String,
    filename: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    uploaded_by: String,
    created_at: NaiveDateTime,
}

impl TryFrom<Row> for Document {
    type Error = AppError;
    fn try_from(row: Row) -> Result<Self, AppError> {
        let corrupt =
            |what: &str| AppError::Internal(anyhow::anyhow!("document {}: bad {what}", row.id));
        Ok(Self {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            application_id: row
                .application_id
                .parse()
                .map_err(|_| corrupt("application_id"))?,
            kind: row.kind.parse().map_err(|_| corrupt("kind"))?,
            uploaded_by: row
                .uploaded_by
                .parse()
                .map_err(|_| corrupt("uploaded_by"))?,
            filename: row.filename,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            created_at: row.created_at.and_utc(),
        })
    }
}

/// Records an upload whose bytes are in place already; returns the row as read back.
pub fn insert(conn: &mut DbConnection, new: &NewDocument<'_>) -> Result<Document, AppError> {
    // Both databases keep microseconds: answer with what a later read returns.
    let created_at = new.created_at.trunc_subsecs(6);
    diesel::insert_into(documents::table)
        .values((
            documents::id.eq(new.id.to_string()),
            documents::application_id.eq(new.application_id.to_string()),
            documents::kind.eq(new.kind.as_str()),
            documents::filename.eq(new.filename),
            documents::content_type.eq(new.content_type),
            documents::size_bytes.eq(new.size_bytes),
            documents::sha256.eq(new.sha256),
            documents::uploaded_by.eq(new.uploaded_by.to_string()),
            documents::created_at.eq(created_at.naive_utc()),
        ))
        .execute(conn)?;
    find(conn, new.application_id, new.id)?.ok_or(AppError::NotFound)
}

/// The application's documents, oldest first.
pub fn list(conn: &mut DbConnection, application_id: Uuid) -> Result<Vec<Document>, AppError> {
    list_since(conn, application_id, None)
}

/// The application's documents added at or after `since` (all without it), oldest first.
pub fn list_since(
    conn: &mut DbConnection,
    application_id: Uuid,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Document>, AppError> {
    let mut query = documents::table
        .filter(documents::application_id.eq(application_id.to_string()))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(documents::created_at.ge(since.naive_utc()));
    }
    let rows: Vec<Row> = query
        .order((documents::created_at.asc(), documents::id.asc()))
        .select(Row::as_select())
        .load(conn)?;
    rows.into_iter().map(Document::try_from).collect()
}

/// One document of one application: a document of another application is not found.
pub fn find(
    conn: &mut DbConnection,
    application_id: Uuid,
    id: Uuid,
) -> Result<Option<Document>, AppError> {
    documents::table
        .filter(documents::id.eq(id.to_string()))
        .filter(documents::application_id.eq(application_id.to_string()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Document::try_from)
        .transpose()
}

/// Deletes the row; true when there was one.
pub fn delete(conn: &mut DbConnection, id: Uuid) -> Result<bool, AppError> {
    let deleted =
        diesel::delete(documents::table.filter(documents::id.eq(id.to_string()))).execute(conn)?;
    Ok(deleted == 1)
}

/// How many rows name the file with this hash.
pub fn references(conn: &mut DbConnection, sha256: &str) -> Result<i64, AppError> {
    Ok(documents::table
        .filter(documents::sha256.eq(sha256))
        .count()
        .get_result(conn)?)
}

/// How many documents the application has, and their total size in bytes.
pub fn holdings(conn: &mut DbConnection, application_id: Uuid) -> Result<(u64, u64), AppError> {
    let sizes: Vec<i64> = documents::table
        .filter(documents::application_id.eq(application_id.to_string()))
        .select(documents::size_bytes)
        .load(conn)?;
    let total = sizes
        .iter()
        .map(|size| u64::try_from(*size).unwrap_or(0))
        .sum();
    Ok((sizes.len() as u64, total))
}

/// Serialises, until the transaction ends, everyone who adds or removes a document of the
/// application, and its moves (whose status update waits for the row), so that two uploads at
/// once cannot both take its last room and no document changes once it is submitted:
/// PostgreSQL locks the application's row; SQLite's `BEGIN IMMEDIATE` serialises writers already.
pub fn lock_application(conn: &mut DbConnection, application_id: Uuid) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        applications::table
            .find(application_id.to_string())
            .select(applications::id)
            .for_update()
            .first::<String>(pg)?;
    }
    Ok(())
}

/// Arbitrary but fixed first key of the advisory locks on stored content (the second is taken
/// from the hash), apart from the migration lock's single key.
const CONTENT_LOCK_CLASS: i32 = 0x646f_6373;

/// Serialises, until the transaction ends, everyone who adds or drops a reference to the file
/// with this hash, so that one never removes a file another is about to reference. Call inside a
/// `write_transaction`: SQLite's `BEGIN IMMEDIATE` serialises writers already; PostgreSQL takes
/// a transaction-scoped advisory lock.
pub fn lock_content(conn: &mut DbConnection, sha256: &str) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        // 32 bits of the hash pick the lock; two hashes sharing them only wait for each other.
        let key = sha256
            .get(..8)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("not a SHA-256: {sha256:?}")))?;
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind::<Integer, _>(CONTENT_LOCK_CLASS)
            .bind::<Integer, _>(key as i32)
            .execute(pg)?;
    }
    Ok(())
}
