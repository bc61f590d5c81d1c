//! Throughput and latency under concurrent load, on PostgreSQL over loopback, driven by `wrk`:
//! `/readyz` as the floor of a request, reading one application, listing, a read-heavy mix of the
//! two, and the submit path. The authenticated read should reach at least 0.7 of `/readyz`'s
//! requests per second.
//!
//! `cargo bench --bench http_load` (needs `wrk` on the PATH: `apt-get install -y wrk`; PostgreSQL
//! at `TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`). Each run drops
//! and re-seeds the database `dealer_portal_load`. `LOAD_DRAFTS` sets how many drafts the submit
//! run may use, `LOAD_SECONDS` how long each run lasts, and `LOAD_ROUNDS` (default 3) how many
//! rounds of `/readyz` and the reads the ratio is the median of.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use dealer_portal::auth::jwt::{JwtKeys, SubjectKind};
use dealer_portal::config::{Config, DatabaseUrl, MailTransport, RateLimitSettings};
use dealer_portal::db::schema::applications;
use dealer_portal::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use secrecy::SecretString;
use uuid::Uuid;

const DATABASE: &str = "dealer_portal_load";
const ADMIN: &str = "00000000-0000-4000-8000-00000000a001";
/// Applications already submitted, so that the lists have pages to return.
const SUBMITTED: i64 = 2_000;
/// Enough that the submit run does not run out at the rates seen so far (about 200/s on 2
/// cores); the run fails if it does.
const DEFAULT_DRAFTS: i64 = 10_000;
const THREADS: u32 = 2;
const CONNECTIONS: u32 = 32;
const JWT_SECRET: &str = "load-secret-load-secret-load-secret";

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

fn env_number(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .map_or(default, |v| v.parse().expect("a whole number"))
}

/// A fresh database: the admin, `drafts` groups each with a verified owner and one draft, and
/// `SUBMITTED` submitted applications spread over those groups. Returns its URL.
fn seed(drafts: i64) -> String {
    assert!(
        drafts * 16 >= SUBMITTED,
        "each group has at most 16 other cities"
    );
    let mut server =
        PgConnection::establish(&admin_url()).expect("PostgreSQL at TEST_DATABASE_URL");
    // Apart: a multi-statement batch is one transaction, where DROP DATABASE may not run.
    server
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        .unwrap();
    server
        .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
        .unwrap();
    let url = url_for(DATABASE);
    let db = dealer_portal::db::Db::connect(&DatabaseUrl::parse(&url).unwrap()).unwrap();
    let now = chrono::Utc::now();
    dealer_portal::db::cities::seed_first_plan(&mut db.conn().unwrap(), now).unwrap();
    dealer_portal::db::criteria::seed_defaults(&mut db.conn().unwrap(), now).unwrap();
    drop(db);
    let codes = dealer_portal::db::cities::FIRST_PLAN
        .iter()
        .map(|(code, ..)| format!("'{code}'"))
        .collect::<Vec<_>>()
        .join(",");
    // One site and a real brand, so that the submit's eligibility evaluation has work to do.
    let site = r#"[{"address":"88 Load Road","district":"Gusu","site_type":"auto_business_district","commercial_plaza":null,"site_area_sqm":3000,"frontage_m":40,"showroom_height_m":7,"showroom_sqm":1200,"workshop_sqm":1500,"lease_status":"leased"}]"#;
    let mut conn = PgConnection::establish(&url).unwrap();
    conn.batch_execute(&format!(
        "INSERT INTO users (id, email, display_name, role, locale, email_verified_at, active, version, created_at, updated_at)
           VALUES ('{ADMIN}', 'load-admin@example.com', 'Load admin', 'admin', 'en', now(), TRUE, 1, now(), now());
         INSERT INTO users (id, email, display_name, role, locale, email_verified_at, active, version, created_at, updated_at)
           SELECT md5('u' || g)::uuid::text, 'owner' || g || '@example.com', 'Owner ' || g, 'applicant', 'en',
             now(), TRUE, 1, now(), now()
           FROM generate_series(1, {drafts}) AS g;
         INSERT INTO dealer_groups (id, legal_name, name_key, uscc, hq_city, hq_province, founded_year,
             registered_capital_cny, annual_revenue_cny, stores_total, provinces, brands, after_sales, contact,
             rank_verified, warnings, owner_id, version, created_at, updated_at)
           SELECT md5('g' || g)::uuid::text, 'Load Group ' || g, 'loadgroup' || g, 'L' || lpad(g::text, 17, '0'),
             'Suzhou', 'Jiangsu', 2005, 100000000, 2000000000, 12,
             '[{{\"province\":\"Jiangsu\",\"stores\":8}}]',
             '[{{\"brand\":\"BYD\",\"segment\":\"nev\",\"years\":6,\"annual_units\":4000}}]',
             '{{\"mechanical\":true,\"sheet_metal\":true,\"paint\":true,\"repair_class\":1}}',
             '{{\"name\":\"x\",\"phone\":\"13900000000\",\"email\":\"x@example.com\"}}',
             FALSE, '[]', md5('u' || g)::uuid::text, 1, now(), now()
           FROM generate_series(1, {drafts}) AS g;
         UPDATE users SET dealer_group_id = dealer_groups.id
           FROM dealer_groups WHERE dealer_groups.owner_id = users.id;
         INSERT INTO applications (id, dealer_group_id, city_code, status, store_format, proposed_sites,
             investment_cny, planned_opening, customer_base, version, created_by, created_at, updated_at)
           SELECT md5('d' || g)::uuid::text, md5('g' || g)::uuid::text, (ARRAY[{codes}])[(g - 1) % 17 + 1],
             'draft', '2S', '{site}', 30000000, DATE '2027-06-01',
             '{{\"active_customers\":20000,\"annual_service_visits\":30000}}', 1,
             md5('u' || g)::uuid::text, now() - make_interval(secs => g), now() - make_interval(secs => g)
           FROM generate_series(1, {drafts}) AS g;
         -- Group g's submitted applications take the cities after its draft's, so that none is
         -- a second live application for the same group and city.
         INSERT INTO applications (id, dealer_group_id, city_code, status, store_format, proposed_sites,
             investment_cny, planned_opening, customer_base, score, eligible, version, submitted_at,
             created_by, created_at, updated_at)
           SELECT md5('s' || i)::uuid::text, md5('g' || ((i - 1) % {drafts} + 1))::uuid::text,
             (ARRAY[{codes}])[((i - 1) % {drafts} + 1 + (i - 1) / {drafts}) % 17 + 1],
             'submitted', '2S', '{site}', 30000000, DATE '2027-06-01',
             '{{\"active_customers\":20000,\"annual_service_visits\":30000}}',
             (i * 37) % 101, i % 3 <> 0, 2, now() - make_interval(secs => i),
             md5('u' || ((i - 1) % {drafts} + 1))::uuid::text,
             now() - make_interval(secs => {drafts} + i), now() - make_interval(secs => i)
           FROM generate_series(1, {SUBMITTED}) AS i;
         ANALYZE;"
    ))
    .unwrap();
    url
}

/// The ids any admin may read, and `token id` lines for submitting each draft as its owner.
fn write_inputs(url: &str, keys: &JwtKeys, dir: &Path) -> (PathBuf, PathBuf, String) {
    let mut conn = PgConnection::establish(url).unwrap();
    let all: Vec<String> = applications::table
        .select(applications::id)
        .order(applications::id)
        .load(&mut conn)
        .unwrap();
    let drafts: Vec<(String, String)> = applications::table
        .filter(applications::status.eq("draft"))
        .select((applications::id, applications::created_by))
        .order(applications::created_at.desc())
        .load(&mut conn)
        .unwrap();
    let now = chrono::Utc::now();
    let ids = dir.join("ids.txt");
    std::fs::write(&ids, all.join("\n") + "\n").unwrap();
    let mut lines = String::new();
    for (id, owner) in &drafts {
        let token = keys
            .issue(owner.parse().unwrap(), SubjectKind::User, now)
            .unwrap();
        writeln!(lines, "{token} {id}").unwrap();
    }
    let submits = dir.join("submits.txt");
    std::fs::write(&submits, lines).unwrap();
    let admin = keys
        .issue(ADMIN.parse::<Uuid>().unwrap(), SubjectKind::User, now)
        .unwrap();
    (ids, submits, admin)
}

#[derive(Debug)]
struct Figures {
    requests_per_second: f64,
    p50: Duration,
    p99: Duration,
    requests: u64,
    /// Non-2xx responses and socket errors (timeouts included), as wrk words them.
    problems: Vec<String>,
    /// The script's own last line, if it printed one.
    script_line: Option<String>,
}

/// wrk prints times as `812.00us`, `1.23ms`, `2.00s` or `1.50m`.
fn parse_time(text: &str) -> Duration {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().unwrap_or_else(|_| panic!("time {text:?}"));
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => panic!("time unit in {text:?}"),
    };
    Duration::from_secs_f64(seconds)
}

fn parse_wrk(output: &str) -> Figures {
    let mut requests_per_second = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut requests = None;
    let mut problems = Vec::new();
    let mut script_line = None;
    for line in output.lines() {
        let trimmed = line.trim();
        let mut words = trimmed.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Requests/sec:"), Some(n)) => requests_per_second = n.parse().ok(),
            (Some("50%"), Some(t)) => p50 = Some(parse_time(t)),
            (Some("99%"), Some(t)) => p99 = Some(parse_time(t)),
            (Some(n), Some("requests")) => requests = n.parse().ok(),
            _ => {}
        }
        if trimmed.starts_with("Non-2xx") || trimmed.starts_with("Socket errors") {
            problems.push(trimmed.to_owned());
        }
        if trimmed.starts_with("submit-counts") {
            script_line = Some(trimmed.to_owned());
        }
    }
    Figures {
        requests_per_second: requests_per_second
            .unwrap_or_else(|| panic!("no Requests/sec in wrk's output:\n{output}")),
        p50: p50.unwrap_or_else(|| panic!("no 50% line in wrk's output:\n{output}")),
        p99: p99.unwrap_or_else(|| panic!("no 99% line in wrk's output:\n{output}")),
        requests: requests.unwrap_or_else(|| panic!("no request count in wrk's output:\n{output}")),
        problems,
        script_line,
    }
}

struct Run<'a> {
    url: String,
    seconds: u64,
    headers: Vec<String>,
    script: Option<(&'a str, Vec<String>)>,
}

fn script_path(name: &str) -> String {
    format!("{}/benches/http_load/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn wrk(run: &Run<'_>) -> Figures {
    let mut command = Command::new("wrk");
    command
        .arg(format!("-t{THREADS}"))
        .arg(format!("-c{CONNECTIONS}"))
        .arg(format!("-d{}s", run.seconds))
        // wrk leaves timed-out requests out of its latencies; a long timeout keeps the slow
        // tail in the p99 instead of hiding it.
        .args(["--timeout", "30s", "--latency"]);
    for header in &run.headers {
        command.args(["-H", header]);
    }
    if let Some((script, _)) = &run.script {
        command.args(["-s", &script_path(script)]);
    }
    command.arg(&run.url);
    if let Some((_, args)) = &run.script {
        command.arg("--").args(args);
    }
    let output = command
        .output()
        .expect("wrk on the PATH (apt-get install -y wrk)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "wrk failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse_wrk(&stdout)
}

/// A run whose every request succeeded; anything else would make its figures meaningless.
fn checked(name: &str, figures: Figures) -> Figures {
    assert!(
        figures.problems.is_empty(),
        "{name}: {:?}",
        figures.problems
    );
    figures
}

/// Runs `run` on the blocking pool: the server shares this process's runtime.
async fn measure(run: Run<'static>) -> Figures {
    tokio::task::spawn_blocking(move || wrk(&run))
        .await
        .unwrap()
}

fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
        "({sql})"
    )))
    .get_result(conn)
    .unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let drafts = env_number("LOAD_DRAFTS", DEFAULT_DRAFTS);
    let seconds = u64::try_from(env_number("LOAD_SECONDS", 10)).expect("LOAD_SECONDS ≥ 0");
    let ratio_rounds = usize::try_from(env_number("LOAD_ROUNDS", 3))
        .ok()
        .filter(|n| *n > 0)
        .expect("LOAD_ROUNDS ≥ 1");
    let dir = tempfile::tempdir().unwrap();
    let secret = SecretString::from(JWT_SECRET);
    let ttl = Duration::from_secs(3600);

    let started = std::time::Instant::now();
    let url = tokio::task::spawn_blocking(move || seed(drafts))
        .await
        .unwrap();
    let keys = JwtKeys::new(&secret, ttl);
    let (ids, submits, admin_token) = write_inputs(&url, &keys, dir.path());
    eprintln!(
        "seeded {drafts} groups with a draft each and {SUBMITTED} submitted applications in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let config = Config {
        database_url: DatabaseUrl::parse(&url).unwrap(),
        bind: "127.0.0.1:0".parse().unwrap(),
        public_base_url: "http://bench.test".into(),
        frontend_base_url: "http://bench.test".into(),
        jwt_secret: secret,
        access_token_ttl: ttl,
        refresh_token_ttl: ttl,
        mail_transport: MailTransport::Directory(dir.path().join("mail")),
        mail_from: "Load <load@example.com>".into(),
        upload_dir: dir.path().join("uploads"),
        webhook_allow_private_targets: false,
        trust_proxy_headers: false,
        password_hashing: dealer_portal::config::HashingSettings::default(),
        rate_limits: RateLimitSettings {
            per_address_per_minute: 1_000_000,
            per_account_per_minute: 1_000_000,
            per_client_per_minute: 1_000_000,
        },
        document_limits: Default::default(),
        // As served: the mail and webhook workers drain what the submits queue while they run.
        worker_interval: Duration::from_secs(2),
        digest_interval: Duration::from_secs(60),
        cors_allowed_origins: Vec::new(),
        maker: Default::default(),
        maker_unset: Vec::new(),
    };
    let app = Application::build(config).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.server_handle();
    let running = tokio::spawn(app.run_until_stopped());

    let ids = ids.display().to_string();
    let bearer = format!("Authorization: Bearer {admin_token}");
    let one_id = std::fs::read_to_string(&ids)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let plain = |path: &str, headers: Vec<String>| Run {
        url: format!("{base}{path}"),
        seconds,
        headers,
        script: None,
    };
    let scripted = |script: &'static str, args: Vec<String>| Run {
        url: base.clone(),
        seconds,
        headers: Vec::new(),
        script: Some((script, args)),
    };

    // Opens the pool's connections and warms PostgreSQL's caches before anything is timed.
    measure(Run {
        seconds: 3,
        ..scripted("mix.lua", vec![ids.clone(), admin_token.clone()])
    })
    .await;

    // The ratio compares runs made minutes apart on a machine whose speed drifts by a fifth
    // from one minute to the next (wrk, the server and PostgreSQL share its 2 cores). Each
    // round therefore runs `/readyz` and the reads back to back, and the ratio is the median of
    // the rounds' ratios.
    let mut rounds: Vec<[Figures; 3]> = Vec::new();
    for _ in 0..ratio_rounds {
        let readyz = checked("readyz", measure(plain("/readyz", Vec::new())).await);
        let one = checked(
            "get application (one id)",
            measure(plain(
                &format!("/api/v1/applications/{one_id}"),
                vec![bearer.clone()],
            ))
            .await,
        );
        let all = checked(
            "get application (all ids)",
            measure(scripted("get.lua", vec![ids.clone(), admin_token.clone()])).await,
        );
        rounds.push([readyz, one, all]);
    }
    let ratios = |read: usize| -> Vec<f64> {
        rounds
            .iter()
            .map(|round| round[read].requests_per_second / round[0].requests_per_second)
            .collect()
    };
    let (ratios_one, ratios_all) = (ratios(1), ratios(2));
    // The table shows the round whose one-id ratio is the median.
    let median_round = {
        let mut order: Vec<usize> = (0..rounds.len()).collect();
        order.sort_by(|a, b| ratios_one[*a].total_cmp(&ratios_one[*b]));
        order[order.len() / 2]
    };
    let [readyz, one, all] = rounds.swap_remove(median_round);
    let mut table = vec![
        ("readyz", readyz),
        ("get application (one id)", one),
        ("get application (all ids)", all),
    ];

    let lists = [
        (
            "list ?limit=20",
            plain("/api/v1/applications?limit=20", vec![bearer.clone()]),
        ),
        (
            "list ?city&sort=-score",
            plain(
                "/api/v1/applications?city=320500&sort=-score&limit=20",
                vec![bearer.clone()],
            ),
        ),
        (
            "mix 80% get / 20% list",
            scripted("mix.lua", vec![ids.clone(), admin_token.clone()]),
        ),
    ];
    for (name, run) in lists {
        table.push((name, checked(name, measure(run).await)));
    }

    let submit = measure(scripted(
        "submit.lua",
        vec![submits.display().to_string(), THREADS.to_string()],
    ))
    .await;
    let counts = submit.script_line.clone().unwrap_or_default();
    assert!(
        counts.ends_with("exhausted=0"),
        "the submit run ran out of drafts ({counts}); its figures would mix in other requests: \
         raise LOAD_DRAFTS above {drafts}"
    );

    handle.stop(true).await;
    let _ = running.await;

    let mut conn = PgConnection::establish(&url).unwrap();
    let submitted = drafts
        - count(
            &mut conn,
            "SELECT count(*) FROM applications WHERE status = 'draft'",
        );
    let events = count(&mut conn, "SELECT count(*) FROM application_events");
    let mails = count(&mut conn, "SELECT count(*) FROM mail_outbox");
    let webhook_events = count(&mut conn, "SELECT count(*) FROM webhook_events");
    table.push(("submit", submit));

    println!(
        "\nHTTP load on PostgreSQL over loopback: wrk, {THREADS} threads, {CONNECTIONS} connections, \
         {seconds} s per run; {} applications ({drafts} drafts, {SUBMITTED} submitted)",
        drafts + SUBMITTED
    );
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>10}",
        "scenario", "req/s", "requests", "p50 ms", "p99 ms"
    );
    for (name, figures) in &table {
        println!(
            "{name:<28} {:>10.0} {:>10} {:>10.2} {:>10.2}",
            figures.requests_per_second,
            figures.requests,
            figures.p50.as_secs_f64() * 1e3,
            figures.p99.as_secs_f64() * 1e3,
        );
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let listed = |values: &[f64]| {
        values
            .iter()
            .map(|v| format!("{v:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "\nget application ÷ readyz, req/s (goal ≥ 0.7), median of {ratio_rounds} rounds: {:.2} with \
         one id (rounds: {}), {:.2} across all ids (rounds: {})",
        median(ratios_one.clone()),
        listed(&ratios_one),
        median(ratios_all.clone()),
        listed(&ratios_all),
    );
    let submit = &table.last().unwrap().1;
    println!(
        "submit: {counts}; {submitted} drafts now submitted, {events} audit events, {mails} mails \
         queued, {webhook_events} webhook events{}",
        if submit.problems.is_empty() {
            String::new()
        } else {
            format!("; wrk: {}", submit.problems.join("; "))
        }
    );
    println!(
        "Each submit appends to the one audit hash chain, which locks its head row until the \
         transaction commits: submits are serial in the database whatever the concurrency."
    );
}
