//! The background jobs and the one loop that runs them all.
//!
//! A job is one round of work ("process what is due, say how many items that was"), written
//! beside its feature (`mail/worker.rs`, `webhooks/worker.rs`, `workflow/letters.rs`). The runner
//! calls the round again when the job is woken (`Wakers::wake`, after a commit that gave it
//! work) or when its interval has passed; a failed round is logged and tried again next time.
//! On shutdown each job finishes the round in progress and stops.
//!
//! To add a job: give it a `JobKind`, implement `Job` for a struct holding what it needs, and
//! `register` it in `startup.rs`. Queues of rows with retries claim them with
//! `db::lease::claim` and wait between attempts with `backoff::retry_after`.

pub mod backoff;
pub mod metrics;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::error::AppError;
pub use metrics::{JobMetrics, Progress};

/// Every background job, by what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobKind {
    /// Sends the e-mail outbox.
    Mail,
    /// Fans queued events out to subscriptions and sends the deliveries.
    Webhooks,
    /// Reminds applicants of letters of intent about to run out, and expires them.
    LettersOfIntent,
    /// Forgets idle rate-limit counters and old `Idempotency-Key` responses.
    Housekeeping,
    /// Mails staff the daily digest of what waits on them.
    Digest,
}

impl JobKind {
    /// The `job` label in `/metrics` and in the log.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mail => "mail",
            Self::Webhooks => "webhooks",
            Self::LettersOfIntent => "letters_of_intent",
            Self::Housekeeping => "housekeeping",
            Self::Digest => "digest",
        }
    }
}

/// Wakes a job at once instead of at its next interval: call it after committing work for it
/// (queued mail, webhook events). Cheap, and harmless when the job is busy: it runs once more.
#[derive(Clone, Default)]
pub struct Wakers {
    mail: Arc<Notify>,
    webhooks: Arc<Notify>,
    letters_of_intent: Arc<Notify>,
    housekeeping: Arc<Notify>,
    digest: Arc<Notify>,
}

impl Wakers {
    pub fn wake(&self, kind: JobKind) {
        self.of(kind).notify_one();
    }

    fn of(&self, kind: JobKind) -> &Arc<Notify> {
        match kind {
            JobKind::Mail => &self.mail,
            JobKind::Webhooks => &self.webhooks,
            JobKind::LettersOfIntent => &self.letters_of_intent,
            JobKind::Housekeeping => &self.housekeeping,
            JobKind::Digest => &self.digest,
        }
    }
}

/// A background job: one round of its work.
pub trait Job: Send + Sync + 'static {
    const KIND: JobKind;

    /// Processes what is due; returns how many items it handled. Reports each item in flight
    /// and each failed attempt through `progress`.
    fn round(&self, progress: &Progress) -> impl Future<Output = Result<usize, AppError>> + Send;

    /// How many items wait, for the `job_queued` gauge; `None` when not cheap to count.
    fn queued(&self) -> impl Future<Output = Result<Option<i64>, AppError>> + Send {
        async { Ok(None) }
    }
}

type Loop = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Collects the jobs at start-up; `start` spawns them.
pub struct Runner {
    wakers: Wakers,
    metrics: JobMetrics,
    stop: watch::Sender<bool>,
    loops: Vec<Loop>,
}

impl Runner {
    pub fn new(wakers: Wakers, metrics: JobMetrics) -> Self {
        Self {
            wakers,
            metrics,
            stop: watch::channel(false).0,
            loops: Vec::new(),
        }
    }

    /// Adds `job`, to run every `interval` and whenever it is woken.
    pub fn register<J: Job>(&mut self, job: J, interval: Duration) {
        self.loops.push(Box::pin(run(
            job,
            self.wakers.of(J::KIND).clone(),
            interval,
            self.metrics.of(J::KIND),
            self.stop.subscribe(),
        )));
    }

    /// Spawns every job's loop.
    pub fn start(self) -> Running {
        Running {
            tasks: self.loops.into_iter().map(tokio::spawn).collect(),
            stop: self.stop,
        }
    }
}

/// The jobs, running.
pub struct Running {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Lets every job finish the round in progress, then returns.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// The one loop of every job: a round, then wait for a wake-up, the interval or the stop.
async fn run<J: Job>(
    job: J,
    wake: Arc<Notify>,
    interval: Duration,
    progress: Progress,
    mut stopped: watch::Receiver<bool>,
) {
    let name = J::KIND.name();
    while !*stopped.borrow_and_update() {
        match job.round(&progress).await {
            Ok(0) => {}
            Ok(handled) => tracing::debug!(job = name, handled, "background job round"),
            Err(error) => {
                progress.round_failed();
                tracing::warn!(job = name, %error, "background job failed; retrying next round");
            }
        }
        match job.queued().await {
            Ok(Some(count)) => progress.queued(count),
            Ok(None) => {}
            Err(error) => tracing::debug!(job = name, %error, "could not count queued items"),
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(interval) => {}
            // A stop is seen at the top of the loop; without a runner, nothing can stop it.
            changed = stopped.changed() => if changed.is_err() { return },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    struct Counting(Arc<AtomicUsize>);

    impl Job for Counting {
        const KIND: JobKind = JobKind::Housekeeping;

        async fn round(&self, _progress: &Progress) -> Result<usize, AppError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(1)
        }
    }

    async fn until(rounds: &AtomicUsize, count: usize) {
        for _ in 0..200 {
            if rounds.load(Ordering::SeqCst) >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{} rounds, not {count}", rounds.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn a_job_runs_at_start_and_when_woken_and_stops_when_asked() {
        let wakers = Wakers::default();
        let metrics = JobMetrics::register(&prometheus::Registry::new()).unwrap();
        let mut runner = Runner::new(wakers.clone(), metrics);
        let rounds = Arc::new(AtomicUsize::new(0));
        // An interval far longer than the test: only a wake-up can start the second round.
        runner.register(Counting(rounds.clone()), Duration::from_secs(3600));
        let running = runner.start();
        until(&rounds, 1).await;
        wakers.wake(JobKind::Housekeeping);
        until(&rounds, 2).await;
        tokio::time::timeout(Duration::from_secs(5), running.stop())
            .await
            .expect("the job stops");
        assert_eq!(rounds.load(Ordering::SeqCst), 2);
    }
}
