//! The mail job: sends what the outbox holds, retrying with exponential back-off, so that a
//! request never waits for (or fails because of) the mail server. The runner (`crate::jobs`)
//! calls a round when mail is committed (`Wakers::wake(JobKind::Mail)`) or every interval.

use std::sync::Arc;

use super::templates::MailComposer;
use super::transport::Sender;
use crate::clock::Clock;
use crate::db::outbox::OutboxMail;
use crate::db::{Db, outbox};
use crate::error::AppError;
use crate::jobs::{Job, JobKind, Progress, backoff};

const BATCH: i64 = 20;
const LEASE: chrono::Duration = chrono::Duration::minutes(2);

pub struct MailWorker {
    pub db: Db,
    pub sender: Sender,
    pub composer: MailComposer,
    pub clock: Arc<dyn Clock>,
}

/// What came of sending one message.
enum Outcome {
    Sent,
    /// Failed; tried again after the back-off.
    Retrying,
    /// Failed for good (a permanent refusal, or the last attempt).
    GivenUp,
}

impl Job for MailWorker {
    const KIND: JobKind = JobKind::Mail;

    async fn round(&self, progress: &Progress) -> Result<usize, AppError> {
        self.send_due(progress).await
    }

    async fn queued(&self) -> Result<Option<i64>, AppError> {
        self.db.run(outbox::pending_count).await.map(Some)
    }
}

impl MailWorker {
    /// Sends every due message; returns how many were sent.
    pub async fn send_due(&self, progress: &Progress) -> Result<usize, AppError> {
        let mut sent = 0;
        loop {
            let now = self.clock.now();
            let batch = self
                .db
                .run(move |conn| outbox::claim_due(conn, now, LEASE, BATCH))
                .await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            for mail in batch {
                match self.send_one(mail, progress).await? {
                    Outcome::Sent => sent += 1,
                    Outcome::GivenUp => {}
                    // The server is probably down: leave the rest for the next round.
                    Outcome::Retrying => return Ok(sent),
                }
            }
        }
    }

    /// Sends one claimed message and records what came of it (which releases its lease).
    async fn send_one(&self, mail: OutboxMail, progress: &Progress) -> Result<Outcome, AppError> {
        let _in_flight = progress.start();
        // Rendered here, outside any transaction, in the recipient's language.
        let composed = self.composer.compose_queued(&mail);
        let subject = composed
            .as_ref()
            .map(|c| c.subject.clone())
            .unwrap_or_default();
        let result = match composed {
            Ok(composed) => self.sender.send(&mail.recipient, &mail.id, &composed).await,
            Err(error) => Err(error),
        };
        let now = self.clock.now();
        let id = mail.id.clone();
        match result {
            Ok(()) => {
                self.db
                    .run(move |conn| outbox::mark_sent(conn, &id, &subject, now))
                    .await?;
                Ok(Outcome::Sent)
            }
            Err(error) => {
                progress.failed();
                let attempts = mail.attempts + 1;
                let retry_at = if Sender::is_permanent(&error) {
                    None
                } else {
                    backoff::retry_after(attempts).map(|delay| now + delay)
                };
                tracing::warn!(mail_id = %mail.id, attempts, %error, retry = retry_at.is_some(), "sending mail failed");
                self.db
                    .run(move |conn| {
                        outbox::mark_attempt_failed(conn, &id, &error, retry_at, &subject, now)
                    })
                    .await?;
                Ok(match retry_at {
                    Some(_) => Outcome::Retrying,
                    None => Outcome::GivenUp,
                })
            }
        }
    }
}
