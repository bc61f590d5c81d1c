//! Staff's internal notes on an application. Append-only: this module has no update or delete.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{internal_notes, users};
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct Note {
    pub id: Uuid,
    pub application_id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = internal_notes)]
struct Row {
    id: String,
    application_id: String,
    author_id: String,
    body: String,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_note(self, author_name: String) -> Result<Note, AppError> {
        let corrupt =
            |what: &str| AppError::Internal(anyhow::anyhow!("note {}: bad {what}", self.id));
        Ok(Note {
            id: self.id.parse().map_err(|_| corrupt("id"))?,
            application_id: self
                .application_id
                .parse()
                .map_err(|_| corrupt("application_id"))?,
            author_id: self.author_id.parse().map_err(|_| corrupt("author_id"))?,
            author_name,
            body: self.body,
            created_at: self.created_at.and_utc(),
        })
    }
}

/// Writes a note by `author_id`; returns it as read back.
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    application_id: Uuid,
    author_id: Uuid,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Note, AppError> {
    diesel::insert_into(internal_notes::table)
        .values((
            internal_notes::id.eq(id.to_string()),
            internal_notes::application_id.eq(application_id.to_string()),
            internal_notes::author_id.eq(author_id.to_string()),
            internal_notes::body.eq(body),
            // Both databases keep microseconds: answer with what a later read returns.
            internal_notes::created_at.eq(now.trunc_subsecs(6).naive_utc()),
        ))
        .execute(conn)?;
    find(conn, application_id, id)?.ok_or(AppError::NotFound)
}

/// One note of one application.
pub fn find(
    conn: &mut DbConnection,
    application_id: Uuid,
    id: Uuid,
) -> Result<Option<Note>, AppError> {
    let row: Option<(Row, String)> = internal_notes::table
        .inner_join(users::table)
        .filter(internal_notes::id.eq(id.to_string()))
        .filter(internal_notes::application_id.eq(application_id.to_string()))
        .select((Row::as_select(), users::display_name))
        .first(conn)
        .optional()?;
    row.map(|(row, name)| row.into_note(name)).transpose()
}

/// The application's notes, oldest first, after the keyset `after` (created_at, id).
pub fn list(
    conn: &mut DbConnection,
    application_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Note>, AppError> {
    let mut query = internal_notes::table
        .inner_join(users::table)
        .filter(internal_notes::application_id.eq(application_id.to_string()))
        .order((internal_notes::created_at.asc(), internal_notes::id.asc()))
        .limit(limit)
        .select((Row::as_select(), users::display_name))
        .into_boxed();
    if let Some((created_at, id)) = after {
        let created_at = created_at.naive_utc();
        query = query.filter(
            internal_notes::created_at
                .gt(created_at)
                .or(internal_notes::created_at
                    .eq(created_at)
                    .and(internal_notes::id.gt(id.to_string()))),
        );
    }
    query
        .load::<(Row, String)>(conn)?
        .into_iter()
        .map(|(row, name)| row.into_note(name))
        .collect()
}
