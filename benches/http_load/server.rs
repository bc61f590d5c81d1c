//! The server under load as a process of its own (the release-built binary), so that its
//! resident memory is its alone: a thread samples `VmRSS` from `/proc/<pid>/status` every
//! 50 ms, and each scenario takes the peak seen while it ran.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub const JWT_SECRET: &str = "load-secret-load-secret-load-secret";
const SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// High enough that no limit refuses a request of the bench.
const RATE_LIMIT: &str = "1000000000";

pub struct Server {
    child: Child,
    pub base: String,
    peak_kb: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
}

/// The resident memory of `pid` in kB (0 once it is gone).
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

impl Server {
    /// Starts the release-built server on `database_url` and waits until `/readyz` answers.
    pub async fn start(database_url: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_dealer-portal"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("JWT_SECRET", JWT_SECRET)
            .env("MAIL_DIR", dir.path().join("mail"))
            .env("UPLOAD_DIR", dir.path().join("uploads"))
            .env("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", RATE_LIMIT)
            .env("RATE_LIMIT_PER_ACCOUNT_PER_MINUTE", RATE_LIMIT)
            .env("RATE_LIMIT_PER_CLIENT_PER_MINUTE", RATE_LIMIT)
            .env("RUST_LOG", "error")
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("the release-built server starts");
        let pid = child.id();
        let peak_kb = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (peak_kb, stop) = (peak_kb.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak_kb.fetch_max(rss_kb(pid), Ordering::Relaxed);
                    std::thread::sleep(SAMPLE_EVERY);
                }
            });
        }
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            peak_kb,
            stop,
            _dir: dir,
        };
        let client = reqwest::Client::new();
        let started = Instant::now();
        while client
            .get(format!("{}/readyz", server.base))
            .send()
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not answer /readyz within a minute"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// The resident memory now, in MB.
    pub fn rss_mb(&self) -> f64 {
        rss_kb(self.child.id()) as f64 / 1024.0
    }

    /// The highest resident memory sampled since the last call, in MB.
    pub fn take_peak_mb(&self) -> f64 {
        self.peak_kb.swap(0, Ordering::Relaxed) as f64 / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
