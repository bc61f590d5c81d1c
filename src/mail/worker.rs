//! The mail worker: sends what the outbox holds, retrying with exponential back-off, so that a
//! request never waits for (or fails because of) the mail server.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::templates::MailComposer;
use super::transport::Sender;
use crate::clock::Clock;
use crate::db::{Db, outbox};
use crate::error::AppError;

const BATCH: i64 = 20;
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
const FIRST_RETRY: Duration = Duration::from_secs(10);
const MAX_RETRY: Duration = Duration::from_secs(3600);
/// Enough attempts to keep trying for more than a day (10 s doubling to 1 h, then hourly).
pub const MAX_ATTEMPTS: i32 = 40;

pub struct MailWorker {
    pub db: Db,
    pub sender: Sender,
    pub composer: MailComposer,
    pub clock: Arc<dyn Clock>,
    pub wake: Arc<Notify>,
    pub interval: Duration,
}

impl MailWorker {
    /// Runs until `shutdown` turns true; wakes on `wake` (a new mail) or every `interval`.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.send_due().await {
                tracing::warn!(%error, "mail worker could not process the outbox");
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.interval) => {}
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }

    /// Sends every due message; returns how many were sent.
    pub async fn send_due(&self) -> Result<usize, AppError> {
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
                let result = match mail.compose(&self.composer) {
                    Ok(composed) => self.sender.send(&mail.recipient, &composed).await,
                    Err(error) => Err(error),
                };
                let now = self.clock.now();
                let id = mail.id.clone();
                match result {
                    Ok(()) => {
                        sent += 1;
                        self.db
                            .run(move |conn| outbox::mark_sent(conn, &id, now))
                            .await?;
                    }
                    Err(error) => {
                        let attempts = mail.attempts + 1;
                        let retry_at = (!Sender::is_permanent(&error) && attempts < MAX_ATTEMPTS)
                            .then(|| now + retry_delay(attempts));
                        tracing::warn!(mail_id = %mail.id, attempts, %error, retry = retry_at.is_some(), "sending mail failed");
                        self.db
                            .run(move |conn| {
                                outbox::mark_attempt_failed(conn, &id, &error, retry_at, now)
                            })
                            .await?;
                        if retry_at.is_some() {
                            // The server is probably down: leave the rest for the next round.
                            return Ok(sent);
                        }
                    }
                }
            }
        }
    }
}

/// The wait before attempt `attempts + 1`: 10 s doubling, at most an hour.
pub fn retry_delay(attempts: i32) -> chrono::Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0));
    let delay = FIRST_RETRY.saturating_mul(factor).min(MAX_RETRY);
    chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_and_keep_trying_for_over_a_day() {
        assert_eq!(retry_delay(1).num_seconds(), 10);
        assert_eq!(retry_delay(2).num_seconds(), 20);
        assert_eq!(retry_delay(5).num_seconds(), 160);
        assert_eq!(retry_delay(30).num_seconds(), 3600);
        let total: i64 = (1..MAX_ATTEMPTS)
            .map(|a| retry_delay(a).num_seconds())
            .sum();
        assert!(total > 24 * 3600, "{total}");
    }
}
