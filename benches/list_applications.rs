//! Latency of `GET /api/v1/applications` with filters and sorts, on PostgreSQL with 10,000 and
//! 1,000,000 applications: the keyset pagination should keep the large case within 1.5× of the
//! small one, for each query and for deep paging (following `next_cursor` up to 100 pages in)
//! through each, the name search (`q`) included. `http_load` measures the same
//! (`list_applications/scale.rs`) against the release-built server.
//!
//! `cargo bench --bench list_applications` (PostgreSQL at `TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`; sizes by `BENCH_SIZES=10000,1000000`). The
//! seeded databases (`dealer_portal_bench_<n>`) are kept, so later runs skip the seeding.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "list_applications/scale.rs"]
mod scale;

use std::time::Duration;

use dealer_portal::config::{Config, DatabaseUrl, MailTransport, RateLimitSettings};
use dealer_portal::startup::Application;
use scale::{ListFigures, measure_lists, print_lists, seeded_database};
use secrecy::SecretString;
use serde_json::Value;

async fn measure(n: i64) -> Vec<ListFigures> {
    let url = tokio::task::spawn_blocking(move || seeded_database(n))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        database_url: DatabaseUrl::parse(&url).unwrap(),
        bind: "127.0.0.1:0".parse().unwrap(),
        public_base_url: "http://bench.test".into(),
        frontend_base_url: "http://bench.test".into(),
        jwt_secret: SecretString::from("bench-secret-bench-secret-bench-secret"),
        access_token_ttl: Duration::from_secs(3600),
        refresh_token_ttl: Duration::from_secs(3600),
        mail_transport: MailTransport::Directory(dir.path().join("mail")),
        mail_from: "Bench <bench@example.com>".into(),
        upload_dir: dir.path().join("uploads"),
        webhook_allow_private_targets: false,
        trust_proxy_headers: false,
        password_hashing: dealer_portal::config::HashingSettings::default(),
        rate_limits: RateLimitSettings::default(),
        document_limits: Default::default(),
        worker_interval: Duration::from_secs(60),
        digest_interval: Duration::from_secs(60),
        cors_allowed_origins: Vec::new(),
        maker: Default::default(),
        maker_unset: Vec::new(),
    };
    let app = Application::build(config).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    let handle = app.server_handle();
    let running = tokio::spawn(app.run_until_stopped());

    let hash =
        dealer_portal::auth::password::hash(&SecretString::from("bench admin password")).unwrap();
    let db = state.db.clone();
    tokio::task::spawn_blocking(move || {
        dealer_portal::db::users::upsert_admin(
            &mut db.conn().unwrap(),
            "bench-admin@example.com",
            "Bench",
            &hash,
            chrono::Utc::now(),
        )
    })
    .await
    .unwrap()
    .unwrap();
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "bench-admin@example.com", "password": "bench admin password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();

    let results = measure_lists(&base, &token).await;

    handle.stop(true).await;
    let _ = running.await;
    results
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sizes: Vec<i64> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "10000,1000000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("BENCH_SIZES: numbers"))
        .collect();
    let mut table = Vec::new();
    for n in &sizes {
        table.push((*n, measure(*n).await));
    }
    print_lists(&table);
}
