//! A unit of work: one change, written whole in one transaction, with its effects.
//!
//! A change says what it causes (`mail`, `announce`, `record`, `forget`) as data while it runs.
//! Those that are rows (the outbox's mail, the integrators' events, the audit events) are
//! written at the end of the same transaction, so they commit with the change or not at all;
//! those that are not (callers to forget, workers to wake) are carried out after the commit by
//! `AppState::write`. A handler cannot forget a step: there is no other way to cause one.

use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::db::events::{self, NewEvent};
use crate::db::{DbConnection, outbox, webhook_events, write_transaction};
use crate::domain::workflow::EventType;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::jobs::JobKind;
use crate::mail::Message;

/// The connection of a change in progress, with what the change has caused so far. It derefs to
/// the connection, so queries take it as they are.
pub struct Work<'c> {
    conn: &'c mut DbConnection,
    now: DateTime<Utc>,
    effects: Effects,
}

#[derive(Default)]
struct Effects {
    mail: Vec<QueuedMail>,
    announcements: Vec<(EventType, Value)>,
    audit: Vec<NewEvent>,
    forget: Vec<Uuid>,
    wake: Vec<JobKind>,
}

struct QueuedMail {
    recipient: String,
    locale: Locale,
    message: Message,
}

/// What is left to do once the transaction has committed.
#[must_use = "carry it out after the commit (AppState::write does)"]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AfterCommit {
    /// Callers whose cached confirmation is stale now.
    pub forget: Vec<Uuid>,
    /// Jobs that were given work (queued mail, events, deliveries): they should look now.
    pub wake: Vec<JobKind>,
}

impl<'c> Work<'c> {
    /// Runs `change` in a write transaction (`BEGIN IMMEDIATE` on SQLite), writes the rows it
    /// caused before committing, and returns its value with what is left for after the commit.
    /// If `change` fails, nothing of it is written.
    pub fn run<T>(
        conn: &'c mut DbConnection,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Work<'_>) -> Result<T, AppError>,
    ) -> Result<(T, AfterCommit), AppError> {
        write_transaction(conn, |conn| {
            let mut work = Work {
                conn,
                now,
                effects: Effects::default(),
            };
            let value = change(&mut work)?;
            let after = work.effects.write(work.conn, now)?;
            Ok((value, after))
        })
    }

    /// The time of the change: every row it writes carries this one.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Queues `message` to `recipient`, rendered in `locale` when the worker sends it.
    pub fn mail(&mut self, recipient: impl Into<String>, locale: Locale, message: Message) {
        self.effects.mail.push(QueuedMail {
            recipient: recipient.into(),
            locale,
            message,
        });
    }

    /// Queues an event for the integrators' webhooks and change feed; `data` is its payload
    /// (a type of `webhooks::payload`).
    pub fn announce(&mut self, event: EventType, data: &impl Serialize) -> Result<(), AppError> {
        let data = serde_json::to_value(data).map_err(anyhow::Error::from)?;
        self.effects.announcements.push((event, data));
        Ok(())
    }

    /// Appends an event to the application's audit trail.
    pub fn record(&mut self, event: NewEvent) {
        self.effects.audit.push(event);
    }

    /// Drops the cached confirmation of a caller whose account or client the change alters.
    pub fn forget(&mut self, id: Uuid) {
        self.effects.forget.push(id);
    }

    /// Wakes `job` after the commit, for work the change gave it other than mail and events
    /// (those wake their jobs by themselves), e.g. a delivery scheduled again.
    pub fn wake(&mut self, job: JobKind) {
        self.effects.wake.push(job);
    }
}

impl Effects {
    /// Writes the rows; the audit events last, so that the chain's head is held locked only
    /// for the end of the transaction.
    fn write(self, conn: &mut DbConnection, now: DateTime<Utc>) -> Result<AfterCommit, AppError> {
        for mail in &self.mail {
            let message = serde_json::to_string(&mail.message).map_err(anyhow::Error::from)?;
            outbox::enqueue(conn, &mail.recipient, mail.locale, &message, now)?;
        }
        for (event, data) in &self.announcements {
            webhook_events::enqueue(conn, event.as_str(), data, now)?;
        }
        for event in &self.audit {
            events::append(conn, event, now)?;
        }
        let mut wake = self.wake;
        if !self.mail.is_empty() {
            wake.push(JobKind::Mail);
        }
        if !self.announcements.is_empty() {
            wake.push(JobKind::Webhooks);
        }
        wake.sort_unstable();
        wake.dedup();
        Ok(AfterCommit {
            forget: self.forget,
            wake,
        })
    }
}

impl Deref for Work<'_> {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        self.conn
    }
}

impl DerefMut for Work<'_> {
    fn deref_mut(&mut self) -> &mut DbConnection {
        self.conn
    }
}
