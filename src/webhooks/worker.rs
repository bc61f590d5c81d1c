//! The webhook worker: fans queued events out to the subscriptions that want them, then sends
//! due deliveries, each signed, with a timeout, retried with exponential back-off and jitter
//! for more than a day, then marked failed. It runs beside the API, so a slow receiver slows
//! only its own delivery.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use rand::Rng;
use serde_json::{Value, json};
use tokio::sync::watch;

use super::{signature, target};
use crate::clock::Clock;
use crate::db::webhooks::{self, Attempt, Outgoing};
use crate::db::{Db, write_transaction};
use crate::error::AppError;
use crate::mail::worker::{MAX_ATTEMPTS, retry_delay};

const BATCH: i64 = 20;
/// Longer than a request can take, so a live sender never loses its lease.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
const TIMEOUT: Duration = Duration::from_secs(10);

pub struct WebhookWorker {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub client: reqwest::Client,
    pub allow_private_targets: bool,
    pub interval: Duration,
}

impl WebhookWorker {
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        allow_private_targets: bool,
        interval: Duration,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            // A redirect could lead inside the network; receivers answer where they are.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "dealer-portal-webhooks/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()?;
        Ok(Self {
            db,
            clock,
            client,
            allow_private_targets,
            interval,
        })
    }

    /// Runs until `stopped` turns true.
    pub async fn run(self, mut stopped: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.tick().await {
                tracing::warn!(%error, "webhook worker failed; retrying next round");
            }
            tokio::select! {
                _ = tokio::time::sleep(self.interval) => {}
                _ = stopped.changed() => return,
            }
        }
    }

    /// One round: fan out every queued event, then send every due delivery.
    pub async fn tick(&self) -> Result<(), AppError> {
        loop {
            let events = self
                .db
                .run(|conn| webhooks::undispatched(conn, BATCH))
                .await?;
            if events.is_empty() {
                break;
            }
            for event in events {
                let now = self.clock.now();
                self.db
                    .run(move |conn| {
                        write_transaction(conn, |conn| webhooks::dispatch(conn, event, now))
                    })
                    .await?;
            }
        }
        loop {
            let now = self.clock.now();
            let batch = self
                .db
                .run(move |conn| webhooks::claim_due(conn, now, LEASE, BATCH))
                .await?;
            if batch.is_empty() {
                return Ok(());
            }
            // Concurrently: one slow receiver does not hold up the others.
            for result in join_all(batch.into_iter().map(|d| self.deliver(d))).await {
                result?;
            }
        }
    }

    async fn deliver(&self, delivery: Outgoing) -> Result<(), AppError> {
        let outcome = self.send(&delivery).await;
        let now = self.clock.now();
        let attempts = delivery.attempts + 1;
        let (status, error, delivered) = match &outcome {
            Ok(status) if (200..300).contains(status) => (Some(*status), None, true),
            Ok(status) => (Some(*status), Some(format!("HTTP {status}")), false),
            Err(error) => (None, Some(error.clone()), false),
        };
        let retry_at = (!delivered && attempts < MAX_ATTEMPTS).then(|| now + jittered(attempts));
        if !delivered {
            tracing::warn!(delivery_id = %delivery.id, attempts, ?status, ?error, retry = retry_at.is_some(), "webhook delivery failed");
        }
        let id = delivery.id.clone();
        self.db
            .run(move |conn| {
                let attempt = Attempt {
                    status: status.map(i32::from),
                    error: error.as_deref(),
                    retry_at,
                    delivered,
                };
                webhooks::record_attempt(conn, &id, &attempt, now)
            })
            .await
    }

    /// Sends one attempt; the receiver's status, or why there was none.
    async fn send(&self, delivery: &Outgoing) -> Result<u16, String> {
        let url = target::check(&delivery.url, self.allow_private_targets)
            .await
            .map_err(|refusal| format!("refused target: {}", refusal.code()))?;
        let data: Value = serde_json::from_str(&delivery.payload).map_err(|e| e.to_string())?;
        let body = json!({
            "id": delivery.event_id,
            "type": delivery.event_type,
            "created_at": delivery.event_created_at.and_utc(),
            "data": data,
        })
        .to_string();
        let timestamp = self.clock.now().timestamp();
        let response = self
            .client
            .post(url)
            .header("Content-Type", "application/json")
            .header("X-Delivery-Id", &delivery.id)
            .header(
                "X-Signature",
                signature(&delivery.secret, timestamp, body.as_bytes()),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        Ok(response.status().as_u16())
    }
}

/// The back-off of the mail outbox (10 s doubling to an hour) with ±20 % jitter, so that
/// receivers coming back from an outage are not hit by every retry at once.
fn jittered(attempts: i32) -> chrono::Duration {
    let base = retry_delay(attempts).num_milliseconds();
    let spread = base / 5;
    let offset = rand::rng().random_range(-spread..=spread);
    chrono::Duration::milliseconds(base + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_spread_around_the_back_off() {
        for attempts in [1, 5, 20] {
            let base = retry_delay(attempts).num_milliseconds();
            for _ in 0..50 {
                let delay = jittered(attempts).num_milliseconds();
                assert!(delay >= base - base / 5 && delay <= base + base / 5);
            }
        }
    }
}
