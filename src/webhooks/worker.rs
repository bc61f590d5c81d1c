//! The webhook worker: fans queued events out to the subscriptions that want them, then sends
//! due deliveries, each signed, with a timeout, retried with exponential back-off and jitter
//! for more than a day, then marked failed. It runs beside the API, so a slow receiver slows
//! only its own delivery. The runner (`crate::jobs`) calls a round when events are committed
//! (`Wakers::wake(JobKind::Webhooks)`) or every interval.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use reqwest::dns::Resolve;

use super::payload::Envelope;
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
        Ok(Self {
            db,
            clock,
            client: http_client(Arc::new(target::SystemResolver), allow_private_targets)?,
            allow_private_targets,
        })
    }

    /// One round: fan out every queued event, then send a batch of due deliveries, and again
    /// until nothing is queued or due; returns how many deliveries were attempted. Events are
    /// fanned out (and so published in the change feed) between batches: slow receivers delay
    /// neither the feed nor the deliveries of newer events for longer than one batch.
    pub async fn tick(&self, progress: &Progress) -> Result<usize, AppError> {
        let mut attempted = 0;
        loop {
            self.fan_out().await?;
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

    /// Fans out every queued event to the subscriptions that want it, publishing each in the
    /// change feed.
    async fn fan_out(&self) -> Result<(), AppError> {
        loop {
            let events = self
                .db
                .run(|conn| webhooks::undispatched(conn, BATCH))
                .await?;
            if events.is_empty() {
                return Ok(());
            }
            // The batch in one transaction: fanning out one event at a time took as many
            // statements per event as the write that made it, and fell behind busy writers.
            let now = self.clock.now();
            self.db
                .run(move |conn| {
                    write_transaction(conn, |conn| webhooks::dispatch(conn, &events, now))
                })
                .await?;
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
        // Names are judged by the client's resolver, at connection time.
        let url = target::check_url(&delivery.url, self.allow_private_targets)
            .map_err(|refusal| refusal.to_string())?;
        let body = Envelope {
            id: delivery.event_id.clone(),
            event_type: delivery.event_type.clone(),
            created_at: delivery.event_created_at.and_utc(),
            data: serde_json::from_str(&delivery.payload).map_err(|e| e.to_string())?,
        };
        let body = serde_json::to_string(&body).map_err(|e| e.to_string())?;
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

/// The client deliveries are sent with. It resolves names through `target::GuardedResolver`
/// over `resolver`, so it connects only to addresses that pass the target check; it uses no
/// proxy (a proxy would resolve the name itself) and follows no redirect (one could lead inside
/// the network; receivers answer where they are).
pub fn http_client(
    resolver: Arc<dyn Resolve>,
    allow_private_targets: bool,
) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .dns_resolver(Arc::new(target::GuardedResolver::new(
            resolver,
            allow_private_targets,
        )))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "dealer-portal-webhooks/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, SocketAddr};

    use reqwest::dns::{Addrs, Name, Resolving};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A resolver that answers loopback for every name: a rebinding attacker's DNS.
    struct Rebinding;

    impl Resolve for Rebinding {
        fn resolve(&self, _name: Name) -> Resolving {
            Box::pin(async {
                let loopback = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
                Ok(Box::new(std::iter::once(loopback)) as Addrs)
            })
        }
    }

    /// A local receiver that answers 200 to every request; counts what reaches it.
    async fn receiver() -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            }
        });
        (port, hits)
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_an_internal_address_is_not_connected_to() {
        let (port, hits) = receiver().await;
        let url = format!("http://hooks.partner.example:{port}/hook");
        // The form of the URL passes: the name is judged when it is resolved.
        assert!(target::check_url(&url, false).is_ok());

        let guarded = http_client(Arc::new(Rebinding), false).unwrap();
        let refused = guarded.post(&url).send().await;
        assert!(refused.is_err(), "connected to a rebound address");
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);

        // The same resolver, with private targets allowed, does reach the receiver: the
        // refusal above is the guard's.
        let open = http_client(Arc::new(Rebinding), true).unwrap();
        let response = open.post(&url).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
