//! The e-mail outbox. A message is written here, as data (its template and parameters), in the
//! same transaction as the change that causes it, so the change and its mail are committed
//! together or not at all; the worker renders and sends it later.
//!
//! Rows are claimed with a lease (`db::lease`), so that two workers never send one row at once,
//! and a worker that dies leaves its rows to be picked up when the lease ends.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::lease::{self, claimable};
use super::schema::mail_outbox;
use super::{DbConnection, write_transaction};
use crate::error::AppError;
use crate::i18n::Locale;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxMail {
    pub id: String,
    pub recipient: String,
    /// Rendered text, kept only by rows queued before mail was queued as data.
    pub subject: Option<String>,
    pub body_text: Option<String>,
    pub locale: Option<String>,
    /// The `Message` as JSON.
    pub message: Option<String>,
    pub attempts: i32,
}

/// Queues `message` (a `mail::Message` as JSON) for `recipient`, to be rendered in `locale` when
/// it is sent.
pub fn enqueue(
    conn: &mut DbConnection,
    recipient: &str,
    locale: Locale,
    message: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = now.naive_utc();
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::id.eq(Uuid::now_v7().to_string()),
            mail_outbox::recipient.eq(recipient),
            mail_outbox::locale.eq(locale.as_str()),
            mail_outbox::message.eq(message),
            mail_outbox::created_at.eq(now),
            mail_outbox::attempts.eq(0),
            mail_outbox::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Claims up to `limit` messages that are due and not leased by another worker.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<OutboxMail>, AppError> {
    let naive_now = now.naive_utc();
    let locked_until = (now + lease).naive_utc();
    lease::claim(
        conn,
        |conn| {
            mail_outbox::table
                .filter(claimable!(mail_outbox, sent_at, naive_now))
                .order(mail_outbox::next_attempt_at.asc())
                .limit(limit)
                .select(OutboxMail::as_select())
                .load(conn)
        },
        |conn, mail| {
            diesel::update(mail_outbox::table.find(&mail.id).filter(claimable!(
                mail_outbox,
                sent_at,
                naive_now
            )))
            .set(mail_outbox::locked_until.eq(locked_until))
            .execute(conn)
        },
    )
}

/// Records the message sent. Only its `subject` is kept: the parameters (and any rendered body)
/// hold live links, which a copy of the database must not hand out. One transaction, so that no
/// row is ever seen sent with its links still in it.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        diesel::update(mail_outbox::table.find(id))
            .set((
                mail_outbox::sent_at.eq(now.naive_utc()),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
                mail_outbox::locked_until.eq(None::<NaiveDateTime>),
                mail_outbox::last_error.eq(None::<String>),
            ))
            .execute(conn)?;
        forget_content(conn, id, subject)
    })
}

/// Drops what a finished message said, keeping its subject for operators.
fn forget_content(conn: &mut DbConnection, id: &str, subject: &str) -> Result<(), AppError> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::subject.eq(subject),
            mail_outbox::body_text.eq(""),
            mail_outbox::message.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or given up on when that is `None`. One
/// transaction: in between, another replica would see the released row still due and retry it
/// at once, without the back-off.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        mark_attempt_failed_in(conn, id, error, retry_at, now)?;
        if retry_at.is_none() {
            forget_content(conn, id, subject)?;
        }
        Ok(())
    })
}

fn mark_attempt_failed_in(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    match retry_at {
        Some(at) => diesel::update(mail_outbox::table.find(id))
            .set(mail_outbox::next_attempt_at.eq(at.naive_utc()))
            .execute(conn)?,
        None => diesel::update(mail_outbox::table.find(id))
            .set(mail_outbox::failed_at.eq(now.naive_utc()))
            .execute(conn)?,
    };
    Ok(())
}

/// Messages not yet sent nor given up on: the outbox depth shown in `/metrics`.
pub fn pending_count(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::failed_at.is_null())
        .count()
        .get_result(conn)?)
}
