//! The webhook worker: fans queued events out to the subscriptions that want them, then sends
//! due deliveries, each signed, with a timeout, retried with exponential back-off and jitter
//! for more than a day, then marked failed. It runs beside the API, so a slow receiver slows
//! only its own delivery. The runner (`crate::jobs`) calls a round when events are committed
//! (`Wakers::wake(JobKind::Webhooks)`) or every interval.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::{signature, target};
use crate::clock::Clock;
use crate::db::webhooks::{self, Attempt, Outgoing};
use crate::db::{Db, write_transaction};
use crate::error::AppError;
use crate::jobs::{Job, JobKind, Progress, backoff};

const BATCH: i64 = 20;
/// Longer than a request can take, so a live sender never loses its lease.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
const TIMEOUT: Duration = Duration::from_secs(10);

pub struct WebhookWorker {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub client: reqwest::Client,
    pub allow_private_targets: bool,
}

impl Job for WebhookWorker {
    const KIND: JobKind = JobKind::Webhooks;

    async fn round(&self, progress: &Progress) -> Result<usize, AppError> {
        self.tick(progress).await
    }

    async fn queued(&self) -> Result<Option<i64>, AppError> {
        self.db.run(webhooks::pending_count).await.map(Some)
    }
}

impl WebhookWorker {
    pub fn new(db: Db, clock: Arc<dyn Clock>, allow_private_targets: bool) -> anyhow::Result<Self> {
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
        })
    }

    /// One round: fan out every queued event, then send every due delivery; returns how many
    /// deliveries were attempted.
    pub async fn tick(&self, progress: &Progress) -> Result<usize, AppError> {
        let mut attempted = 0;
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
                return Ok(attempted);
            }
            // Concurrently: one slow receiver does not hold up the others.
            let deliveries = batch.into_iter().map(|d| self.deliver(d, progress));
            for result in join_all(deliveries).await {
                result?;
                attempted += 1;
            }
        }
    }

    /// Sends one claimed delivery and records the attempt (which releases its lease).
    async fn deliver(&self, delivery: Outgoing, progress: &Progress) -> Result<(), AppError> {
        let _in_flight = progress.start();
        let outcome = self.send(&delivery).await;
        let now = self.clock.now();
        let attempts = delivery.attempts + 1;
        let (status, error, delivered) = match &outcome {
            Ok(status) if (200..300).contains(status) => (Some(*status), None, true),
            Ok(status) => (Some(*status), Some(format!("HTTP {status}")), false),
            Err(error) => (None, Some(error.clone()), false),
        };
        let retry_at = if delivered {
            None
        } else {
            backoff::retry_after(attempts).map(|delay| now + delay)
        };
        if !delivered {
            progress.failed();
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
