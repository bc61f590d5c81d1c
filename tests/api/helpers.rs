//! `TestApp`: the real server on a random port, on a fresh database of either backend, with a
//! real SMTP server behind it, and typed helpers so that tests read like user stories.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::web;
use dealer_portal::clock::{Clock, ManualClock};
use dealer_portal::config::{
    Config, DatabaseUrl, DocumentLimits, HashingSettings, MailTransport, RateLimitSettings,
};
use dealer_portal::domain::maker::MakerIdentity;
use dealer_portal::startup::Application;
use dealer_portal::state::AppState;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::databases::{PostgresDatabase, create_postgres_database};
use crate::smtp::SmtpServer;

pub const JWT_SECRET: &str = "test-jwt-secret-test-jwt-secret-0123456789";
pub const PASSWORD: &str = "a long enough password";
/// The display name of every account `register` makes: a letter is signed in it.
pub const DISPLAY_NAME: &str = "Li Wei";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub smtp: SmtpServer,
    pub clock: Arc<ManualClock>,
    pub state: web::Data<AppState>,
    server: actix_web::dev::ServerHandle,
    running: tokio::task::JoinHandle<anyhow::Result<()>>,
    pub database_url: String,
    /// What the test said it leaves behind on purpose (see `assert_nothing_left`).
    expected: Expected,
    _dir: tempfile::TempDir,
    _postgres: Option<PostgresDatabase>,
}

/// Leftovers a test declared: everything else left at its end fails it.
#[derive(Default)]
struct Expected {
    /// Mails the SMTP server received that the test did not take.
    untaken_mail: AtomicBool,
    /// Mails still in the outbox, neither sent nor given up on.
    queued_mail: AtomicBool,
    /// Webhook deliveries neither delivered nor given up on.
    pending_webhooks: AtomicBool,
}

/// How long the end-of-test check waits for the workers (which poll every 200 ms) to drain.
const DRAIN_WAIT: Duration = Duration::from_secs(3);

/// Options a test can change before the app starts.
#[derive(Default)]
pub struct Setup {
    pub smtp: Option<SmtpServer>,
    /// Points the app at an SMTP port where nothing listens (yet).
    pub smtp_down_on: Option<u16>,
    pub rate_limits: RateLimitSettings,
    /// The password-hashing pool's size (the default unless set).
    pub password_hashing: Option<HashingSettings>,
    /// Take the client's address from `X-Forwarded-For`, so that a test can speak from several.
    pub trust_proxy_headers: bool,
    /// Refuse webhook targets on loopback, as production does (tests allow them by default).
    pub block_private_webhooks: bool,
    /// Runs on another app's database instead of a fresh one (a second replica).
    pub database_url: Option<String>,
    /// How often the background jobs run when nobody wakes them (200 ms unless set).
    pub worker_interval: Option<Duration>,
    /// How often the daily digest runs by itself: a day unless set, so that other tests' staff
    /// get no digest; tests run it with `digest::run` at a time they choose.
    pub digest_interval: Option<Duration>,
    pub document_limits: DocumentLimits,
    /// Where the links in e-mails go (`http://portal.test`, the public base URL, unless set).
    pub frontend_base_url: Option<String>,
    /// `CORS_ALLOWED_ORIGINS` (none unless set).
    pub cors_allowed_origins: Vec<String>,
    /// The operator's maker (`MAKER_*`; the fictitious example unless set).
    pub maker: Option<MakerIdentity>,
}

impl TestApp {
    /// None when the backend is PostgreSQL and no server answers (and it is not required).
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, Setup::default()).await
    }

    pub async fn spawn_with(backend: Backend, setup: Setup) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let (database_url, postgres) = match (backend, setup.database_url) {
            (_, Some(url)) => (url, None),
            (Backend::Sqlite, None) => (
                format!("sqlite://{}", dir.path().join("portal.db").display()),
                None,
            ),
            (Backend::Postgres, None) => {
                let db = tokio::task::spawn_blocking(create_postgres_database)
                    .await
                    .unwrap()?;
                (db.url.clone(), Some(db))
            }
        };
        let smtp = setup.smtp.unwrap_or_else(SmtpServer::start);
        let smtp_url = match setup.smtp_down_on {
            Some(port) => format!("smtp://127.0.0.1:{port}"),
            None => smtp.url(),
        };
        let config = Config {
            database_url: DatabaseUrl::parse(&database_url).unwrap(),
            bind: "127.0.0.1:0".parse().unwrap(),
            public_base_url: "http://portal.test".into(),
            frontend_base_url: setup
                .frontend_base_url
                .unwrap_or_else(|| "http://portal.test".into()),
            jwt_secret: SecretString::from(JWT_SECRET),
            access_token_ttl: Duration::from_secs(900),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            mail_transport: MailTransport::Smtp(SecretString::from(smtp_url)),
            mail_from: "Partner Recruitment <no-reply@portal.test>".into(),
            upload_dir: dir.path().join("uploads"),
            webhook_allow_private_targets: !setup.block_private_webhooks,
            trust_proxy_headers: setup.trust_proxy_headers,
            rate_limits: setup.rate_limits,
            document_limits: setup.document_limits,
            password_hashing: setup.password_hashing.unwrap_or_default(),
            worker_interval: setup.worker_interval.unwrap_or(Duration::from_millis(200)),
            digest_interval: setup
                .digest_interval
                .unwrap_or(Duration::from_secs(24 * 3600)),
            cors_allowed_origins: setup.cors_allowed_origins,
            maker_unset: Vec::new(),
            maker: setup.maker.unwrap_or_default(),
        };
        let clock = Arc::new(ManualClock::default());
        let app = Application::build_with_clock(config, clock.clone())
            .await
            .expect("the application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state();
        let server = app.server_handle();
        let running = tokio::spawn(app.run_until_stopped());
        Some(Self {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A new connection per request: a kept-alive one can be closing on the server's
                // side just as a request goes out on it (`IncompleteMessage`), and under a busy
                // suite even a connection idle for under 2 s was (loopback connections are cheap).
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            smtp,
            clock,
            state,
            server,
            running,
            database_url,
            expected: Expected::default(),
            _dir: dir,
            _postgres: postgres,
        })
    }

    /// Another replica: a second server on this app's database, sending through the same SMTP
    /// server.
    pub async fn replica(&self, backend: Backend) -> Self {
        let setup = Setup {
            smtp: Some(self.smtp.clone()),
            database_url: Some(self.database_url.clone()),
            ..Setup::default()
        };
        Self::spawn_with(backend, setup).await.unwrap()
    }

    /// Ends a test: fails it if it left anything behind it did not declare (see
    /// `assert_nothing_left`), then shuts the app down. `db_test!` calls this after every test.
    pub async fn finish(self) {
        self.assert_nothing_left().await;
        self.shutdown().await;
    }

    /// The test does not care which mails it causes (they must still all be sent).
    pub fn ignore_mail(&self) {
        self.expected.untaken_mail.store(true, Ordering::Relaxed);
    }

    /// The test leaves mail in the outbox on purpose (an SMTP outage, a failing server).
    pub fn expect_mail_left_queued(&self) {
        self.expected.queued_mail.store(true, Ordering::Relaxed);
        self.ignore_mail();
    }

    /// The test leaves webhook deliveries pending on purpose (a receiver that keeps failing).
    #[allow(dead_code, reason = "no test leaves a delivery pending today")]
    pub fn expect_webhooks_left_pending(&self) {
        self.expected
            .pending_webhooks
            .store(true, Ordering::Relaxed);
    }

    /// Fails the test if, once the workers have had a moment to drain, (a) the mail outbox
    /// still holds mail neither sent nor failed, (b) the SMTP server received mail the test did
    /// not take (`smtp.wait_for`, `smtp.take_all_to`, ...), or (c) webhook events wait to be
    /// fanned out or deliveries to be delivered, unless the test declared that leftover with
    /// `ignore_mail`, `expect_mail_left_queued` or `expect_webhooks_left_pending`.
    pub async fn assert_nothing_left(&self) {
        let expected = |flag: &AtomicBool| flag.load(Ordering::Relaxed);
        let mut left = Vec::new();
        if !expected(&self.expected.queued_mail) {
            let queued = self.drained(queued_mail).await;
            if !queued.is_empty() {
                left.push(format!(
                    "mail still queued in the outbox (declare with app.expect_mail_left_queued()):\n{}",
                    queued.join("\n")
                ));
            }
        }
        if !expected(&self.expected.untaken_mail) {
            let untaken: Vec<String> = self
                .smtp
                .not_taken()
                .iter()
                .map(|m| format!("  to {:?}: {:?}", m.to, m.subject))
                .collect();
            if !untaken.is_empty() {
                left.push(format!(
                    "mail received but not taken by the test (take it with app.smtp.wait_for(to, subject) or app.smtp.take_all_to(to), or declare app.ignore_mail()):\n{}",
                    untaken.join("\n")
                ));
            }
        }
        if !expected(&self.expected.pending_webhooks) {
            let pending = self.drained(pending_webhooks).await;
            if !pending.is_empty() {
                left.push(format!(
                    "webhook work still pending (declare with app.expect_webhooks_left_pending()):\n{}",
                    pending.join("\n")
                ));
            }
        }
        assert!(
            left.is_empty(),
            "the test left behind what it did not expect:\n{}",
            left.join("\n")
        );
    }

    /// Polls `query` until it finds nothing or `DRAIN_WAIT` has passed; returns its last finding.
    async fn drained(
        &self,
        query: fn(&mut dealer_portal::db::DbConnection) -> Vec<String>,
    ) -> Vec<String> {
        let deadline = std::time::Instant::now() + DRAIN_WAIT;
        loop {
            let db = self.state.db.clone();
            let found = tokio::task::spawn_blocking(move || query(&mut db.conn().unwrap()))
                .await
                .unwrap();
            if found.is_empty() || std::time::Instant::now() >= deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server and its background work before the database goes away, so that no
    /// worker is left waiting on a database that no longer exists.
    pub async fn shutdown(mut self) {
        self.server.stop(false).await;
        let _ = (&mut self.running).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token).send().await.unwrap()
    }

    /// GETs `path`, expects a 2xx, and returns the JSON body.
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        let res = self.get(path, token).await;
        assert!(res.status().is_success(), "GET {path}: {}", res.status());
        res.json().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn patch(
        &self,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: &Value,
    ) -> Response {
        let mut builder = self.request(Method::PATCH, path, token).json(body);
        if let Some(version) = if_match {
            builder = builder.header("If-Match", version);
        }
        builder.send().await.unwrap()
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::DELETE, path, token)
            .send()
            .await
            .unwrap()
    }

    // --- user stories ---

    pub async fn register(&self, email: &str) -> Value {
        self.register_in(email, "en").await
    }

    /// Registers an applicant who reads `locale` (`en` or `zh-CN`).
    pub async fn register_in(&self, email: &str, locale: &str) -> Value {
        let res = self
            .post("/api/v1/auth/register", None, &json!({"email": email, "password": PASSWORD, "display_name": DISPLAY_NAME, "locale": locale}))
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        res.json().await.unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Signs in and returns the token pair.
    pub async fn tokens(&self, email: &str, password: &str) -> Value {
        let res = self.login(email, password).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
        res.json().await.unwrap()
    }

    /// Exchanges the refresh token of `pair` (as `tokens` returns it).
    pub async fn refresh(&self, pair: &Value) -> Response {
        self.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": pair["refresh_token"]}),
        )
        .await
    }

    /// Asks for a password-reset mail for `email`: always 202.
    pub async fn ask_password_reset(&self, email: &str) {
        let res = self
            .post(
                "/api/v1/auth/password-reset",
                None,
                &json!({"email": email}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }

    /// Sets `password` with the token of a reset or invitation mail.
    pub async fn confirm_password_reset(&self, token: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/password-reset/confirm",
            None,
            &json!({"token": token, "new_password": password}),
        )
        .await
    }

    /// Asserts that `pair`'s tokens are refused, the access token and the refresh token alike.
    pub async fn assert_signed_out(&self, pair: &Value) {
        assert_problem(
            self.get("/api/v1/me", Some(&access_token(pair))).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        assert_problem(
            self.refresh(pair).await,
            StatusCode::UNAUTHORIZED,
            "invalid_refresh_token",
        )
        .await;
    }

    /// Registers, verifies the address through the e-mailed link, signs in: an access token.
    pub async fn verified_applicant(&self, email: &str) -> String {
        self.verified_applicant_in(email, "en").await
    }

    /// Like `verified_applicant`, for an applicant who reads `locale`.
    pub async fn verified_applicant_in(&self, email: &str, locale: &str) -> String {
        self.register_in(email, locale).await;
        let subject = if locale == "en" {
            "Confirm your e-mail"
        } else {
            "验证"
        };
        let mail = self.smtp.wait_for(email, subject).await;
        let res = self
            .post(
                "/api/v1/auth/verify-email",
                None,
                &json!({"token": mail.token()}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        access_token(&self.tokens(email, PASSWORD).await)
    }

    /// An admin made the way `dealer-portal create-admin` makes one; returns an access token.
    pub async fn admin(&self, email: &str) -> String {
        let db = self.state.db.clone();
        let email_owned = email.to_owned();
        let now = self.clock.now();
        let hash = dealer_portal::auth::password::hash(&SecretString::from(PASSWORD)).unwrap();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap();
            dealer_portal::db::users::upsert_admin(&mut conn, &email_owned, "Admin", &hash, now)
                .unwrap();
        })
        .await
        .unwrap();
        access_token(&self.tokens(email, PASSWORD).await)
    }

    /// Invites a reviewer for `cities`, accepts the invitation, signs in: an access token.
    pub async fn reviewer(&self, admin_token: &str, email: &str, cities: &[&str]) -> String {
        let res = self
            .post(
                "/api/v1/staff",
                Some(admin_token),
                &json!({"email": email, "display_name": "Reviewer", "role": "reviewer", "city_codes": cities, "locale": "en"}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
        let mail = self.smtp.wait_for(email, "invited").await;
        let res = self.confirm_password_reset(&mail.token(), PASSWORD).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        access_token(&self.tokens(email, PASSWORD).await)
    }
}

/// Outbox rows neither sent nor given up on, described.
fn queued_mail(conn: &mut dealer_portal::db::DbConnection) -> Vec<String> {
    use dealer_portal::db::schema::mail_outbox as m;
    use diesel::prelude::*;
    m::table
        .filter(m::sent_at.is_null())
        .filter(m::failed_at.is_null())
        .select((m::recipient, m::message, m::attempts, m::last_error))
        .load::<(String, Option<String>, i32, Option<String>)>(conn)
        .unwrap()
        .into_iter()
        .map(|(to, message, attempts, error)| {
            format!("  to {to:?}: {message:?} ({attempts} attempts, last error {error:?})")
        })
        .collect()
}

/// Webhook events not fanned out while a subscription lives, and deliveries neither delivered
/// nor given up on, described.
fn pending_webhooks(conn: &mut dealer_portal::db::DbConnection) -> Vec<String> {
    use dealer_portal::db::schema::webhook_subscriptions as s;
    use dealer_portal::db::schema::{webhook_deliveries as d, webhook_events as e};
    use diesel::prelude::*;
    let subscribed: i64 = s::table
        .filter(s::deleted_at.is_null())
        .count()
        .get_result(conn)
        .unwrap();
    let mut pending = Vec::new();
    if subscribed > 0 {
        let undispatched: Vec<String> = e::table
            .filter(e::dispatched_at.is_null())
            .select(e::event_type)
            .load(conn)
            .unwrap();
        pending.extend(
            undispatched
                .into_iter()
                .map(|t| format!("  event {t} not fanned out yet")),
        );
    }
    // Event type, subscription, attempts, last status, last error.
    type Delivery = (String, String, i32, Option<i32>, Option<String>);
    let deliveries: Vec<Delivery> = d::table
        .inner_join(e::table.on(e::id.eq(d::event_id)))
        .filter(d::delivered_at.is_null())
        .filter(d::failed_at.is_null())
        .select((
            e::event_type,
            d::subscription_id,
            d::attempts,
            d::last_status,
            d::last_error,
        ))
        .load(conn)
        .unwrap();
    pending.extend(
        deliveries
            .into_iter()
            .map(|(event, subscription, attempts, status, error)| {
                format!("  delivery of {event} to subscription {subscription}: {attempts} attempts, last status {status:?}, last error {error:?}")
            }),
    );
    pending
}

pub fn access_token(pair: &Value) -> String {
    pair["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// Asserts a problem+json response with this status and code; returns the body.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["request_id"].is_string(), "{body}");
    body
}

/// The `field` and `code` of each of a 422's `errors`, in order.
pub fn error_codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The `field` names of a 422's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs a test against a fresh app on SQLite and on PostgreSQL, then fails it if it left mail or
/// webhook deliveries behind that it did not declare (`TestApp::finish`).
#[macro_export]
macro_rules! db_test {
    (async fn $name:ident($app:ident: TestApp) $body:block) => {
        $crate::db_test!(setup: $crate::helpers::Setup::default(); async fn $name($app: TestApp) $body);
    };
    // The app started with `setup` (evaluated once per backend).
    (setup: $setup:expr; async fn $name:ident($app:ident: TestApp) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: &$crate::helpers::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::TestApp::spawn_with($crate::helpers::Backend::Sqlite, $setup).await;
                let app = app.expect("SQLite always works");
                run(&app).await;
                app.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::spawn_with($crate::helpers::Backend::Postgres, $setup).await {
                    run(&app).await;
                    app.finish().await;
                }
            }
        }
    };
}
