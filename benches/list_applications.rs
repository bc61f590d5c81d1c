//! Latency of `GET /api/v1/applications` with filters and sorts, on PostgreSQL with 10,000 and
//! 1,000,000 applications: the keyset pagination should keep the large case within 1.5× of the
//! small one.
//!
//! `cargo bench --bench list_applications` (PostgreSQL at `TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`; sizes by `BENCH_SIZES=10000,1000000`). The
//! seeded databases (`dealer_portal_bench_<n>`) are kept, so later runs skip the seeding.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use dealer_portal::config::{Config, DatabaseUrl, MailTransport, RateLimitSettings};
use dealer_portal::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use secrecy::SecretString;
use serde_json::Value;

const OWNER: &str = "00000000-0000-4000-8000-000000000001";
const QUERIES: [(&str, &str); 4] = [
    (
        "city+status, -score",
        "/api/v1/applications?city=320500&status=submitted&sort=-score&limit=20",
    ),
    ("all, created_at", "/api/v1/applications?limit=20"),
    (
        "status+min_score, -submitted_at",
        "/api/v1/applications?status=under_review&min_score=50&sort=-submitted_at&limit=20",
    ),
    (
        "name search",
        "/api/v1/applications?q=group%201234&limit=20",
    ),
];
const SAMPLES: usize = 200;

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn url_for(database: &str) -> String {
    let admin = admin_url();
    format!(
        "{}/{database}",
        admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base)
    )
}

/// Makes (once) a database with `n` applications across the 17 cities, 17 per group.
fn seeded_database(n: i64) -> String {
    let name = format!("dealer_portal_bench_{n}");
    let mut admin = PgConnection::establish(&admin_url()).expect("PostgreSQL at TEST_DATABASE_URL");
    let exists: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')"
    )))
    .get_result(&mut admin)
    .unwrap();
    let url = url_for(&name);
    if !exists {
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
    }
    // Migrates and seeds the cities, as `serve` would.
    let db = dealer_portal::db::Db::connect(&DatabaseUrl::parse(&url).unwrap()).unwrap();
    dealer_portal::db::cities::seed_first_plan(&mut db.conn().unwrap(), chrono::Utc::now())
        .unwrap();
    drop(db);
    let codes = dealer_portal::db::cities::FIRST_PLAN
        .iter()
        .map(|(code, ..)| format!("'{code}'"))
        .collect::<Vec<_>>()
        .join(",");
    let mut conn = PgConnection::establish(&url).unwrap();
    let count: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM applications)",
    ))
    .get_result(&mut conn)
    .unwrap();
    if count == n {
        return url;
    }
    let started = Instant::now();
    let groups = (n + 16) / 17;
    conn.batch_execute(&format!(
        "TRUNCATE applications, eligibility_reports, dealer_groups CASCADE;
         DELETE FROM users WHERE id = '{OWNER}';
         INSERT INTO users (id, email, display_name, role, locale, active, version, created_at, updated_at)
           VALUES ('{OWNER}', 'bench-owner@example.com', 'Bench', 'applicant', 'en', TRUE, 1, now(), now());
         INSERT INTO dealer_groups (id, legal_name, name_key, uscc, hq_city, hq_province, founded_year,
             registered_capital_cny, annual_revenue_cny, stores_total, provinces, brands, after_sales, contact,
             rank_verified, warnings, owner_id, version, created_at, updated_at)
           SELECT md5('g' || g)::uuid::text, 'Bench Group ' || g, 'benchgroup' || g, 'B' || lpad(g::text, 17, '0'),
             'Suzhou', 'Jiangsu', 2000, 100000000, 600000000, 5, '[]', '[]',
             '{{\"mechanical\":true,\"sheet_metal\":true,\"paint\":true,\"repair_class\":1}}',
             '{{\"name\":\"x\",\"phone\":\"13900000000\",\"email\":\"x@example.com\"}}',
             FALSE, '[]', '{OWNER}', 1, now(), now()
           FROM generate_series(1, {groups}) AS g;
         INSERT INTO applications (id, dealer_group_id, city_code, status, store_format, proposed_sites,
             investment_cny, planned_opening, customer_base, score, eligible, version, submitted_at,
             created_by, created_at, updated_at)
           SELECT md5('a' || i)::uuid::text, md5('g' || ((i - 1) / 17 + 1))::uuid::text,
             (ARRAY[{codes}])[(i - 1) % 17 + 1],
             (ARRAY['submitted','submitted','submitted','submitted','under_review','under_review',
                    'rejected','rejected','draft','withdrawn'])[i % 10 + 1],
             '2S', '[]', 10000000, DATE '2027-06-01', '{{\"active_customers\":1000}}',
             CASE WHEN i % 10 = 7 THEN NULL ELSE (i * 37) % 101 END,
             CASE WHEN i % 10 = 7 THEN NULL ELSE i % 3 <> 0 END, 1,
             CASE WHEN i % 10 = 7 THEN NULL ELSE now() - make_interval(secs => i) END,
             '{OWNER}', now() - make_interval(secs => i), now() - make_interval(secs => i)
           FROM generate_series(1, {n}) AS i;
         ANALYZE;"
    ))
    .unwrap();
    eprintln!(
        "seeded {n} applications in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    url
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn measure(n: i64) -> Vec<(String, Duration, Duration)> {
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

    let mut results = Vec::new();
    let get = |path: String| {
        let client = client.clone();
        let token = token.clone();
        async move {
            let started = Instant::now();
            let res = client.get(path).bearer_auth(token).send().await.unwrap();
            assert!(res.status().is_success());
            let body: Value = res.json().await.unwrap();
            (started.elapsed(), body)
        }
    };
    for (name, path) in QUERIES {
        let url = format!("{base}{path}");
        for _ in 0..20 {
            get(url.clone()).await;
        }
        let mut times = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            times.push(get(url.clone()).await.0);
        }
        times.sort();
        results.push((
            name.to_owned(),
            percentile(&times, 0.5),
            percentile(&times, 0.99),
        ));
    }
    // Deep paging: 50 pages down the first query, following `next_cursor`.
    let mut times = Vec::new();
    let mut url = format!("{base}{}", QUERIES[0].1);
    for _ in 0..50 {
        let (elapsed, body) = get(url.clone()).await;
        times.push(elapsed);
        let Some(cursor) = body["next_cursor"].as_str() else {
            break;
        };
        url = format!("{base}{}&cursor={cursor}", QUERIES[0].1);
    }
    times.sort();
    results.push((
        "pages 1-50 of the first".into(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
    ));

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
    println!(
        "\nGET /api/v1/applications on PostgreSQL ({SAMPLES} sequential requests each, after 20 warm-up)"
    );
    println!(
        "{:<34} {:>12} {:>10} {:>10}",
        "query", "applications", "p50 ms", "p99 ms"
    );
    for (n, results) in &table {
        for (name, p50, p99) in results {
            println!(
                "{name:<34} {n:>12} {:>10.2} {:>10.2}",
                p50.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3
            );
        }
    }
    if let [(_, small), (_, large)] = table.as_slice() {
        println!("\nratio of p50, largest to smallest:");
        for ((name, small, _), (_, large, _)) in small.iter().zip(large) {
            println!(
                "{name:<34} {:>6.2}x",
                large.as_secs_f64() / small.as_secs_f64()
            );
        }
    }
}
