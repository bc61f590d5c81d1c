//! Messages about an application, the documents they point to, and how far each person has
//! read them. Messages are numbered per application (`seq`) in the order they commit: the
//! writer holds the application's row lock, so a read mark ("read up to 7") never skips one
//! that was still being written.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::documents::lock_application;
use super::schema::{documents, message_documents, message_reads, messages, users};
use crate::domain::document::DocumentKind;
use crate::domain::message::Side;
use crate::error::AppError;

/// A message as read back, with its author's name and the documents it points to that the
/// application still has.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: Uuid,
    pub application_id: Uuid,
    pub seq: i64,
    pub author_id: Uuid,
    pub author_name: String,
    pub side: Side,
    pub body: String,
    pub documents: Vec<AttachedDocument>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct AttachedDocument {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub filename: String,
}

pub struct NewMessage<'a> {
    pub id: Uuid,
    pub application_id: Uuid,
    pub author_id: Uuid,
    pub side: Side,
    pub body: &'a str,
    /// Documents of the application (the caller checked), in the order given.
    pub document_ids: &'a [Uuid],
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = messages)]
struct Row {
    id: String,
    application_id: String,
    seq: i64,
    author_id: String,
    author_side: String,
    body: String,
    created_at: NaiveDateTime,
}

fn corrupt(id: &str, what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("message {id}: bad {what}"))
}

impl Row {
    fn into_message(
        self,
        author_name: String,
        documents: Vec<AttachedDocument>,
    ) -> Result<Message, AppError> {
        Ok(Message {
            id: self.id.parse().map_err(|_| corrupt(&self.id, "id"))?,
            application_id: self
                .application_id
                .parse()
                .map_err(|_| corrupt(&self.id, "application_id"))?,
            author_id: self
                .author_id
                .parse()
                .map_err(|_| corrupt(&self.id, "author_id"))?,
            side: self
                .author_side
                .parse()
                .map_err(|_| corrupt(&self.id, "author_side"))?,
            seq: self.seq,
            author_name,
            body: self.body,
            documents,
            created_at: self.created_at.and_utc(),
        })
    }
}

/// Writes a message as the application's next one; returns it as read back. Call inside a
/// `write_transaction`.
pub fn insert(conn: &mut DbConnection, new: &NewMessage<'_>) -> Result<Message, AppError> {
    lock_application(conn, new.application_id)?;
    let application_id = new.application_id.to_string();
    let last: Option<i64> = messages::table
        .filter(messages::application_id.eq(&application_id))
        .select(diesel::dsl::max(messages::seq))
        .first(conn)?;
    // Both databases keep microseconds: answer with what a later read returns.
    let created_at = new.created_at.trunc_subsecs(6).naive_utc();
    diesel::insert_into(messages::table)
        .values((
            messages::id.eq(new.id.to_string()),
            messages::application_id.eq(&application_id),
            messages::seq.eq(last.unwrap_or(0) + 1),
            messages::author_id.eq(new.author_id.to_string()),
            messages::author_side.eq(new.side.as_str()),
            messages::body.eq(new.body),
            messages::created_at.eq(created_at),
        ))
        .execute(conn)?;
    // One row at a time: the connection that serves both backends has no batch insert.
    for (document_id, position) in new.document_ids.iter().zip(0..) {
        diesel::insert_into(message_documents::table)
            .values((
                message_documents::message_id.eq(new.id.to_string()),
                message_documents::document_id.eq(document_id.to_string()),
                message_documents::position.eq::<i32>(position),
            ))
            .execute(conn)?;
    }
    find(conn, new.application_id, new.id)?.ok_or(AppError::NotFound)
}

/// One message of one application.
pub fn find(
    conn: &mut DbConnection,
    application_id: Uuid,
    id: Uuid,
) -> Result<Option<Message>, AppError> {
    let row: Option<(Row, String)> = messages::table
        .inner_join(users::table)
        .filter(messages::id.eq(id.to_string()))
        .filter(messages::application_id.eq(application_id.to_string()))
        .select((Row::as_select(), users::display_name))
        .first(conn)
        .optional()?;
    Ok(with_documents(conn, application_id, row.into_iter().collect())?.pop())
}

/// The application's messages, oldest first, after `after_seq`.
pub fn list(
    conn: &mut DbConnection,
    application_id: Uuid,
    since: Option<DateTime<Utc>>,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, AppError> {
    let mut query = messages::table
        .inner_join(users::table)
        .filter(messages::application_id.eq(application_id.to_string()))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(messages::created_at.ge(since.naive_utc()));
    }
    let rows: Vec<(Row, String)> = query
        .filter(messages::seq.gt(after_seq.unwrap_or(0)))
        .order(messages::seq.asc())
        .limit(limit)
        .select((Row::as_select(), users::display_name))
        .load(conn)?;
    with_documents(conn, application_id, rows)
}

/// The messages of `rows` with their documents, read for all of them at once: those the
/// application still has, in the order the author gave.
fn with_documents(
    conn: &mut DbConnection,
    application_id: Uuid,
    rows: Vec<(Row, String)>,
) -> Result<Vec<Message>, AppError> {
    let ids: Vec<&str> = rows.iter().map(|(row, _)| row.id.as_str()).collect();
    let attached: Vec<(String, String, String, String)> = message_documents::table
        .inner_join(documents::table.on(documents::id.eq(message_documents::document_id)))
        .filter(message_documents::message_id.eq_any(&ids))
        .filter(documents::application_id.eq(application_id.to_string()))
        .order((message_documents::message_id, message_documents::position))
        .select((
            message_documents::message_id,
            documents::id,
            documents::kind,
            documents::filename,
        ))
        .load(conn)?;
    let mut by_message: HashMap<String, Vec<AttachedDocument>> = HashMap::new();
    for (message_id, id, kind, filename) in attached {
        let document = AttachedDocument {
            id: id
                .parse()
                .map_err(|_| corrupt(&message_id, "document id"))?,
            kind: kind
                .parse()
                .map_err(|_| corrupt(&message_id, "document kind"))?,
            filename,
        };
        by_message.entry(message_id).or_default().push(document);
    }
    rows.into_iter()
        .map(|(row, name)| {
            let documents = by_message.remove(&row.id).unwrap_or_default();
            row.into_message(name, documents)
        })
        .collect()
}

/// Marks every message of the application written so far as read by `user_id`. A mark never
/// goes back. Call inside a `write_transaction`.
pub fn mark_read(
    conn: &mut DbConnection,
    application_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // The lock orders this with the writers of messages and of other marks of this caller's.
    lock_application(conn, application_id)?;
    let (application_id, user_id) = (application_id.to_string(), user_id.to_string());
    let last: Option<i64> = messages::table
        .filter(messages::application_id.eq(&application_id))
        .select(diesel::dsl::max(messages::seq))
        .first(conn)?;
    let Some(last) = last else {
        return Ok(());
    };
    let mark = message_reads::table
        .filter(message_reads::application_id.eq(&application_id))
        .filter(message_reads::user_id.eq(&user_id));
    let current: Option<i64> = mark
        .select(message_reads::last_seq)
        .first(conn)
        .optional()?;
    let now = now.naive_utc();
    match current {
        Some(seq) if seq >= last => {}
        Some(_) => {
            diesel::update(mark)
                .set((
                    message_reads::last_seq.eq(last),
                    message_reads::read_at.eq(now),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(message_reads::table)
                .values((
                    message_reads::application_id.eq(&application_id),
                    message_reads::user_id.eq(&user_id),
                    message_reads::last_seq.eq(last),
                    message_reads::read_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// As `unread_counts`, for one application: a query of fixed shape, which PostgreSQL keeps
/// prepared (a list of ids is planned anew each time).
pub fn unread_count(
    conn: &mut DbConnection,
    user_id: Uuid,
    application_id: Uuid,
) -> Result<i64, AppError> {
    let user_id = user_id.to_string();
    Ok(messages::table
        .left_join(
            message_reads::table.on(message_reads::application_id
                .eq(messages::application_id)
                .and(message_reads::user_id.eq(&user_id))),
        )
        .filter(messages::application_id.eq(application_id.to_string()))
        .filter(messages::author_id.ne(&user_id))
        .filter(
            message_reads::last_seq
                .is_null()
                .or(messages::seq.gt(message_reads::last_seq)),
        )
        .count()
        .get_result(conn)?)
}

/// For each of `application_ids` that has any, how many messages someone other than `user_id`
/// wrote after `user_id`'s read mark: one query, whatever the number of applications.
pub fn unread_counts(
    conn: &mut DbConnection,
    user_id: Uuid,
    application_ids: &[Uuid],
) -> Result<HashMap<Uuid, i64>, AppError> {
    if application_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let user_id = user_id.to_string();
    let ids: Vec<String> = application_ids.iter().map(Uuid::to_string).collect();
    let counts: Vec<(String, i64)> = messages::table
        .left_join(
            message_reads::table.on(message_reads::application_id
                .eq(messages::application_id)
                .and(message_reads::user_id.eq(&user_id))),
        )
        .filter(messages::application_id.eq_any(&ids))
        .filter(messages::author_id.ne(&user_id))
        .filter(
            message_reads::last_seq
                .is_null()
                .or(messages::seq.gt(message_reads::last_seq)),
        )
        .group_by(messages::application_id)
        .select((messages::application_id, diesel::dsl::count_star()))
        .load(conn)?;
    counts
        .into_iter()
        .map(|(id, count)| {
            let id = id
                .parse()
                .map_err(|_| AppError::Internal(anyhow::anyhow!("message of {id}: bad id")))?;
            Ok((id, count))
        })
        .collect()
}
