//! Per-job Prometheus metrics, labelled by the job's name: items queued (where a job can count
//! them cheaply), items in flight, failed attempts, and rounds that ended in an error.

use prometheus::{IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

use super::JobKind;

#[derive(Clone)]
pub struct JobMetrics {
    queued: IntGaugeVec,
    in_flight: IntGaugeVec,
    failed: IntCounterVec,
    round_errors: IntCounterVec,
}

impl JobMetrics {
    pub fn register(registry: &Registry) -> anyhow::Result<Self> {
        let opts = |name: &str, help: &str| Opts::new(name, help);
        let queued = IntGaugeVec::new(
            opts("job_queued", "Items waiting for a background job"),
            &["job"],
        )?;
        let in_flight = IntGaugeVec::new(
            opts("job_in_flight", "Items a background job is working on"),
            &["job"],
        )?;
        let failed = IntCounterVec::new(
            opts(
                "job_failed_total",
                "Failed attempts of a background job's items",
            ),
            &["job"],
        )?;
        let round_errors = IntCounterVec::new(
            opts(
                "job_round_errors_total",
                "Rounds of a background job that stopped on an error (retried next round)",
            ),
            &["job"],
        )?;
        registry.register(Box::new(queued.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        registry.register(Box::new(failed.clone()))?;
        registry.register(Box::new(round_errors.clone()))?;
        Ok(Self {
            queued,
            in_flight,
            failed,
            round_errors,
        })
    }

    /// The metrics of one job.
    pub fn of(&self, kind: JobKind) -> Progress {
        let job = [kind.name()];
        Progress {
            queued: self.queued.with_label_values(&job),
            in_flight: self.in_flight.with_label_values(&job),
            failed: self.failed.with_label_values(&job),
            round_errors: self.round_errors.with_label_values(&job),
        }
    }
}

/// What a job reports while it works.
#[derive(Clone)]
pub struct Progress {
    queued: IntGauge,
    in_flight: IntGauge,
    failed: IntCounter,
    round_errors: IntCounter,
}

impl Progress {
    /// One item in flight until the guard is dropped.
    pub fn start(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// One attempt at an item failed (it may be retried).
    pub fn failed(&self) {
        self.failed.inc();
    }

    pub(super) fn queued(&self, count: i64) {
        self.queued.set(count);
    }

    pub(super) fn round_failed(&self) {
        self.round_errors.inc();
    }
}

/// Counts an item in flight while it lives.
pub struct InFlight(IntGauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}
