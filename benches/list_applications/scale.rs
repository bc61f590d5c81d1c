//! What `list_applications` and `http_load` share to measure the lists at scale: the seeded
//! databases (`dealer_portal_bench_<n>`, kept between runs), the queries, and the sequential
//! sampling of each, deep cursor paging included.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::Value;

const OWNER: &str = "00000000-0000-4000-8000-000000000001";
/// The name search matches groups 12, 120-129, 1200-1299... so that it has pages at every size.
pub const QUERIES: [(&str, &str); 4] = [
    (
        "city+status, -score",
        "/api/v1/applications?city=320500&status=submitted&sort=-score&limit=20",
    ),
    ("all, created_at", "/api/v1/applications?limit=20"),
    (
        "status+min_score, -submitted_at",
        "/api/v1/applications?status=under_review&min_score=50&sort=-submitted_at&limit=20",
    ),
    ("name search", "/api/v1/applications?q=group%2012&limit=20"),
];
/// Sequential requests per query, after `WARM_UP`.
pub const SAMPLES: usize = 200;
const WARM_UP: usize = 20;
/// How many pages deep the paging follows `next_cursor` (fewer when the list ends first).
pub const PAGES: usize = 100;

pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The URL of `database` on the server of `TEST_DATABASE_URL`.
pub fn url_for(database: &str) -> String {
    let admin = admin_url();
    format!(
        "{}/{database}",
        admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base)
    )
}

/// The first plan's city codes as SQL string literals, comma-separated (for `ARRAY[..]`).
pub fn city_codes() -> String {
    dealer_portal::db::cities::FIRST_PLAN
        .iter()
        .map(|(code, ..)| format!("'{code}'"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Makes (once) a database with `n` applications across the 17 cities, 17 per group, and
/// returns its URL.
pub fn seeded_database(n: i64) -> String {
    let name = format!("dealer_portal_bench_{n}");
    let mut admin =
        dealer_portal::db::libpq::establish(&admin_url()).expect("PostgreSQL at TEST_DATABASE_URL");
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
    let db =
        dealer_portal::db::Db::connect(&dealer_portal::config::DatabaseUrl::parse(&url).unwrap())
            .unwrap();
    dealer_portal::db::cities::seed_first_plan(&mut db.conn().unwrap(), chrono::Utc::now())
        .unwrap();
    drop(db);
    let codes = city_codes();
    let mut conn = dealer_portal::db::libpq::establish(&url).unwrap();
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
             rank_verified, warnings, owner_id, version, created_at, updated_at, contact_phone, contact_email)
           SELECT md5('g' || g)::uuid::text, 'Bench Group ' || g, 'benchgroup' || g, 'B' || lpad(g::text, 17, '0'),
             'Suzhou', 'Jiangsu', 2000, 100000000, 600000000, 5, '[]', '[]',
             '{{\"mechanical\":true,\"sheet_metal\":true,\"paint\":true,\"repair_class\":1}}',
             '{{\"name\":\"x\",\"phone\":\"13900000000\",\"email\":\"x@example.com\"}}',
             FALSE, '[]', '{OWNER}', 1, now(), now(), '13900000000', 'x@example.com'
           FROM generate_series(1, {groups}) AS g;
         INSERT INTO applications (id, dealer_group_id, city_code, status, store_format, proposed_sites,
             investment_cny, planned_opening, customer_base, score, eligible, version, submitted_at,
             created_by, created_at, updated_at, status_since)
           SELECT md5('a' || i)::uuid::text, md5('g' || ((i - 1) / 17 + 1))::uuid::text,
             (ARRAY[{codes}])[(i - 1) % 17 + 1],
             (ARRAY['submitted','submitted','submitted','submitted','under_review','under_review',
                    'rejected','rejected','draft','withdrawn'])[i % 10 + 1],
             '2S', '[]', 10000000, DATE '2027-06-01', '{{\"active_customers\":1000}}',
             CASE WHEN i % 10 = 7 THEN NULL ELSE (i * 37) % 101 END,
             CASE WHEN i % 10 = 7 THEN NULL ELSE i % 3 <> 0 END, 1,
             CASE WHEN i % 10 = 7 THEN NULL ELSE now() - make_interval(secs => i) END,
             '{OWNER}', now() - make_interval(secs => i), now() - make_interval(secs => i),
             now() - make_interval(secs => i)
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

/// The `p`-quantile of sorted times.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One line of the lists' table: a query (or a paging through one) and its latencies.
pub struct ListFigures {
    pub name: String,
    pub p50: Duration,
    pub p99: Duration,
    /// How many requests the figures are of (pages, for a paging).
    pub samples: usize,
}

async fn get(client: &reqwest::Client, token: &str, url: &str) -> (Duration, Value) {
    let started = Instant::now();
    let res = client.get(url).bearer_auth(token).send().await.unwrap();
    assert!(res.status().is_success(), "{url}: {}", res.status());
    let body: Value = res.json().await.unwrap();
    (started.elapsed(), body)
}

fn figures(name: String, mut times: Vec<Duration>) -> ListFigures {
    times.sort();
    ListFigures {
        name,
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        samples: times.len(),
    }
}

/// Each of `QUERIES` `SAMPLES` times one after another (after `WARM_UP`), then deep paging:
/// each query's pages 1 to `PAGES`, following `next_cursor`, as an admin (`token`) of the
/// server at `base`.
pub async fn measure_lists(base: &str, token: &str) -> Vec<ListFigures> {
    let client = reqwest::Client::new();
    let mut results = Vec::new();
    for (name, path) in QUERIES {
        let url = format!("{base}{path}");
        for _ in 0..WARM_UP {
            get(&client, token, &url).await;
        }
        let mut times = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            times.push(get(&client, token, &url).await.0);
        }
        results.push(figures(name.to_owned(), times));
    }
    for (name, path) in QUERIES {
        let mut times = Vec::with_capacity(PAGES);
        let mut url = format!("{base}{path}");
        for _ in 0..PAGES {
            let (elapsed, body) = get(&client, token, &url).await;
            times.push(elapsed);
            let Some(cursor) = body["next_cursor"].as_str() else {
                break;
            };
            url = format!("{base}{path}&cursor={cursor}");
        }
        results.push(figures(format!("{name}, pages 1-{}", times.len()), times));
    }
    results
}

/// The figures of each size, as a table, and the ratio of the largest size's p50 to the
/// smallest's.
pub fn print_lists(table: &[(i64, Vec<ListFigures>)]) {
    println!(
        "\nGET /api/v1/applications on PostgreSQL ({SAMPLES} sequential requests a query after \
         {WARM_UP} warm-up; then up to {PAGES} pages of each, following next_cursor)"
    );
    println!(
        "{:<42} {:>12} {:>8} {:>10} {:>10}",
        "query", "applications", "requests", "p50 ms", "p99 ms"
    );
    for (n, results) in table {
        for line in results {
            println!(
                "{:<42} {n:>12} {:>8} {:>10.2} {:>10.2}",
                line.name,
                line.samples,
                line.p50.as_secs_f64() * 1e3,
                line.p99.as_secs_f64() * 1e3
            );
        }
    }
    if let (Some((_, small)), Some((_, large))) = (table.first(), table.last())
        && table.len() > 1
    {
        println!("\nratio of p50, largest to smallest (goal ≤ 1.5×):");
        for (small, large) in small.iter().zip(large) {
            println!(
                "{:<42} {:>6.2}x",
                small.name,
                large.p50.as_secs_f64() / small.p50.as_secs_f64()
            );
        }
    }
}
