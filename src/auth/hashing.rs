//! The password-hashing pool: every argon2 hash and verification (sign-in, registration, password
//! reset, client secrets) runs on a few threads of its own, about one per core, so that a burst
//! of requests cannot hold more than that many 19 MiB argon2 buffers at once nor take every core.
//! Requests beyond them wait in a bounded queue for a short while; when the queue is full, or a
//! request has waited too long, it is refused with 503 `service_unavailable` and `Retry-After`.
//!
//! Since only these threads ever allocate argon2's buffer, the memory it takes is bounded by the
//! number of threads and stays with them: a burst does not leave one buffer behind in each of the
//! allocator's per-thread arenas (as it did on the general blocking pool, with hundreds of threads).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use super::password;
use crate::config::HashingSettings;
use crate::error::AppError;

type Work = Box<dyn FnOnce() + Send>;

struct Job {
    queued: Instant,
    work: Work,
}

#[derive(Default)]
struct Counters {
    /// Jobs queued or running.
    in_flight: AtomicUsize,
    /// Hashes and verifications begun.
    done: AtomicU64,
    /// Requests turned away (queue full or waited too long).
    refused: AtomicU64,
}

pub struct HashingPool {
    jobs: Mutex<Sender<Job>>,
    counters: Arc<Counters>,
    /// At most this many jobs queued or running.
    capacity: usize,
}

impl HashingPool {
    pub fn new(settings: &HashingSettings) -> anyhow::Result<Self> {
        let threads = settings.threads.max(1);
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let counters = Arc::new(Counters::default());
        for i in 0..threads {
            let receiver = receiver.clone();
            let counters = counters.clone();
            let max_wait = settings.max_wait;
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || run(&receiver, &counters, max_wait))?;
        }
        Ok(Self {
            jobs: Mutex::new(sender),
            counters,
            capacity: threads + settings.queue,
        })
    }

    /// Hashes `secret` with argon2id (see `password::hash`).
    pub async fn hash(&self, secret: SecretString) -> Result<String, AppError> {
        Ok(self.run(move || password::hash(&secret)).await??)
    }

    /// True when `secret` matches `stored` (see `password::verify`).
    pub async fn verify(
        &self,
        secret: SecretString,
        stored: Option<String>,
    ) -> Result<bool, AppError> {
        self.run(move || password::verify(&secret, stored.as_deref()))
            .await
    }

    /// How many hashes and verifications the pool has begun.
    pub fn done(&self) -> u64 {
        self.counters.done.load(Ordering::Relaxed)
    }

    /// How many requests the pool has turned away.
    pub fn refused(&self) -> u64 {
        self.counters.refused.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let counters = &self.counters;
        if counters.in_flight.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            counters.in_flight.fetch_sub(1, Ordering::AcqRel);
            return Err(self.busy());
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job = Job {
            queued: Instant::now(),
            work: Box::new(move || {
                let _ = tx.send(f());
            }),
        };
        let sent = self
            .jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(job);
        if sent.is_err() {
            counters.in_flight.fetch_sub(1, Ordering::AcqRel);
            return Err(AppError::Internal(anyhow::anyhow!(
                "the password-hashing threads are gone"
            )));
        }
        // The job is dropped unrun, closing the channel, when it waited past `max_wait`.
        rx.await.map_err(|_| self.busy())
    }

    fn busy(&self) -> AppError {
        self.counters.refused.fetch_add(1, Ordering::Relaxed);
        AppError::Unavailable(String::from("password hashing is busy"))
    }
}

/// One thread of the pool: runs jobs until the pool is dropped.
fn run(receiver: &Mutex<Receiver<Job>>, counters: &Counters, max_wait: Duration) {
    loop {
        let job = receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok(job) = job else { return };
        if job.queued.elapsed() <= max_wait {
            counters.done.fetch_add(1, Ordering::Relaxed);
            (job.work)();
        }
        counters.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize, queue: usize) -> HashingPool {
        HashingPool::new(&HashingSettings {
            threads,
            queue,
            max_wait: Duration::from_secs(5),
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[actix_web::test]
    async fn hashes_verify_and_are_counted() {
        let pool = pool(1, 1);
        let secret = SecretString::from("correct horse battery");
        let stored = pool.hash(secret.clone()).await.unwrap_or_default();
        assert!(pool.verify(secret, Some(stored)).await.unwrap_or(false));
        assert_eq!(pool.done(), 2);
    }

    #[actix_web::test]
    async fn beyond_the_threads_and_the_queue_requests_are_refused() {
        let pool = pool(1, 1);
        let (release, held) = std::sync::mpsc::channel::<()>();
        let started = pool.run(move || held.recv().is_ok());
        let queued = pool.run(|| true);
        let refused = pool.run(|| true);
        let (started, queued, refused) = futures_util::future::join3(started, queued, async {
            let result = refused.await;
            let _ = release.send(());
            result
        })
        .await;
        let Err(refused) = refused else {
            panic!("the third request is refused")
        };
        let response = refused.render(crate::i18n::Locale::En, None);
        assert_eq!(response.status().as_u16(), 503);
        assert!(response.headers().contains_key("retry-after"));
        assert!(matches!(started, Ok(true)));
        assert!(matches!(queued, Ok(true)));
        assert_eq!(pool.refused(), 1);
    }
}
