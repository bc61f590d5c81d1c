//! Builds the application from its configuration: database, state, HTTP server and background
//! work. `main` and the tests start the server the same way.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::Authenticator;
use crate::auth::hashing::HashingPool;
use crate::auth::jwt::JwtKeys;
use crate::auth::principal_cache::PrincipalCache;
use crate::auth::rate_limit::{self, AuthRateLimits};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::{Db, change_feed, cities, criteria, events, idempotency};
use crate::http::{self, problem};
use crate::jobs::{Job, JobKind, Progress, Runner, Wakers};
use crate::mail::MailComposer;
use crate::mail::transport::Sender;
use crate::mail::worker::MailWorker;
use crate::metrics::Metrics;
use crate::openapi;
use crate::state::AppState;
use crate::webhooks::worker::WebhookWorker;
use crate::workflow::Writer;
use crate::workflow::digest::Digest;
use crate::workflow::letters::LetterExpiry;

/// How long in-flight requests get to finish after SIGTERM.
const SHUTDOWN_GRACE: u64 = 30;
/// Housekeeping is not urgent.
const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(60);
/// Served beside the API, outside its document (GET only): the document and its interactive pages.
const DOCUMENT_PATH: &str = "/openapi.json";
const DOCS_PATH: &str = "/docs";
const DOCS_PAGES: &str = "/docs/{_:.*}";

pub struct Application {
    port: u16,
    /// Where it serves and what it uses, for the start-up line.
    serving: Serving,
    server: Server,
    state: web::Data<AppState>,
    jobs: Runner,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Like `build`, with a clock of the caller's (tests move time by hand).
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let url = config.database_url.clone();
        let now = clock.now();
        let db = web::block(move || -> anyhow::Result<Db> {
            let db = Db::connect(&url)?;
            let seeded = cities::seed_first_plan(&mut *db.conn()?, now)?;
            if seeded > 0 {
                tracing::info!(seeded, "seeded the first plan's cities");
            }
            if criteria::seed_defaults(&mut *db.conn()?, now)? {
                tracing::info!("stored the default eligibility criteria as version 1");
            }
            Ok(db)
        })
        .await??;

        crate::private_files::dedicated_folder(&config.upload_dir)
            .with_context(|| format!("creating UPLOAD_DIR {}", config.upload_dir.display()))?;
        let listener =
            TcpListener::bind(config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let serving = Serving::new(&config, listener.local_addr()?);
        let mail_worker = MailWorker {
            db: db.clone(),
            sender: Sender::new(&config.mail_transport, &config.mail_from)?,
            composer: MailComposer::new(&config.frontend_base_url, &config.maker)?,
            clock: clock.clone(),
        };
        let webhook_worker = WebhookWorker::new(
            db.clone(),
            clock.clone(),
            config.webhook_allow_private_targets,
        )?;
        let interval = config.worker_interval;
        let wakers = Wakers::default();
        let principals = Arc::new(PrincipalCache::default());
        let auth = web::Data::new(Authenticator {
            jwt: JwtKeys::new(&config.jwt_secret, config.access_token_ttl),
            principals: principals.clone(),
            rate_limits: AuthRateLimits::new(&config.rate_limits),
            hashing: HashingPool::new(&config.password_hashing)?,
            db: db.clone(),
            trust_proxy_headers: config.trust_proxy_headers,
        });
        let writer = Writer::new(db.clone(), clock.clone(), principals, wakers.clone());
        let state = web::Data::new(AppState {
            auth,
            writer: writer.clone(),
            metrics: Metrics::new()?,
            clock,
            db,
            config,
        });

        let mut jobs = Runner::new(wakers, state.metrics.jobs.clone());
        jobs.register(mail_worker, interval);
        jobs.register(webhook_worker, interval);
        jobs.register(
            LetterExpiry {
                writer: writer.clone(),
            },
            interval,
        );
        jobs.register(Digest { writer }, state.config.digest_interval);
        jobs.register(
            Housekeeping {
                state: state.clone(),
            },
            HOUSEKEEPING_INTERVAL,
        );

        let app_state = state.clone();
        let routes = web::Data::new(route_methods());
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .configure(http::configure)
                .split_for_parts();
            app.app_data(app_state.clone())
                .app_data(app_state.auth.clone())
                .app_data(routes.clone())
                .app_data(web::PathConfig::default().error_handler(problem::path_error))
                .route(DOCUMENT_PATH, web::get().to(openapi::serve_json))
                .route(DOCS_PATH, web::get().to(openapi::docs_redirect))
                .configure(http::pages::configure)
                .service(SwaggerUi::new(DOCS_PAGES).config(
                    // No call to the public validator: the page reaches only this server.
                    utoipa_swagger_ui::Config::from(DOCUMENT_PATH).validator_url("none"),
                ))
                .default_service(web::to(problem::fallback))
                // Innermost: who calls is settled before any extractor reads the body.
                .wrap(from_fn(crate::auth::principal::authenticate_first))
                .wrap(from_fn(openapi::docs_headers))
                // Inside `localize`, which keeps its headers on the problems it re-renders and
                // renders its refusals; outside every handler, so that preflights need no token
                // and count against no rate limit.
                .wrap(from_fn(http::cors::handle))
                .wrap(from_fn(problem::localize))
                // Outside `localize`: a counted response, problems included, gets `RateLimit-*` as
                // rendered (a 429 brings those of the limit that refused it).
                .wrap(from_fn(rate_limit::add_headers))
                .wrap(from_fn(http::metrics::record))
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
        })
        .listen(listener)?
        .shutdown_timeout(SHUTDOWN_GRACE)
        .run();

        Ok(Self {
            port,
            serving,
            server,
            state,
            jobs,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from outside (tests; in production, SIGTERM does it).
    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The shared state, for tests that look behind the API (the clock, the database).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until the server stops (SIGTERM or SIGINT: in-flight requests finish first), then
    /// stops the background work.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let jobs = self.jobs.start();
        let Serving {
            front_end,
            database,
            mail,
            example_maker,
        } = &self.serving;
        tracing::info!(
            "serving the front end at {front_end}, the API's documentation at {front_end}docs/ and metrics at {front_end}metrics; database: {database}; mail: {mail}"
        );
        if let Some(unset) = example_maker {
            let unset = unset.join(", ");
            tracing::info!(
                "letters of intent and e-mails use the fictitious example maker's values for {unset}: set them to name yours (README, configuration)"
            );
        }
        let result = self.server.await;
        jobs.stop().await;
        tracing::info!("stopped");
        Ok(result?)
    }
}

/// Each registered path's methods, for the `Allow` of a 405: the documented operations, which come
/// from the same registration as the routes, and the pages served beside them (the document, its
/// interactive pages, and the web front end: its routes and its assets).
fn route_methods() -> problem::RouteMethods {
    let documented = openapi::document()
        .paths
        .paths
        .into_iter()
        .flat_map(|(path, item)| {
            [
                (Method::GET, item.get.is_some()),
                (Method::HEAD, item.head.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::DELETE, item.delete.is_some()),
                (Method::OPTIONS, item.options.is_some()),
                (Method::TRACE, item.trace.is_some()),
            ]
            .into_iter()
            .filter(|(_, registered)| *registered)
            .map(move |(method, _)| (path.clone(), method))
        });
    let pages = [DOCUMENT_PATH, DOCS_PATH, DOCS_PAGES]
        .into_iter()
        .chain(http::pages::paths())
        .map(|path| (path.to_owned(), Method::GET));
    problem::RouteMethods::new(documented.chain(pages))
}

/// Once a minute: seal the audit events since the last checkpoint, forget idle rate-limit
/// counters, `Idempotency-Key` responses past 24 hours, and the change feed's changes past
/// `CHANGES_KEPT`.
struct Housekeeping {
    state: web::Data<AppState>,
}

impl Job for Housekeeping {
    const KIND: JobKind = JobKind::Housekeeping;

    async fn round(&self, _progress: &Progress) -> Result<usize, crate::error::AppError> {
        self.state.auth.rate_limits.forget_idle();
        let now = self.state.clock.now();
        self.state
            .db
            .run(move |conn| {
                let sealed = events::seal_checkpoint(conn, now)?;
                let keys = idempotency::prune(conn, now)?;
                let changes = change_feed::prune(conn, now - change_feed::KEPT)?;
                Ok(sealed + keys + changes)
            })
            .await
    }
}

/// What the start-up line tells an operator: where to open the portal, and what it uses.
struct Serving {
    front_end: String,
    database: String,
    mail: String,
    /// The `MAKER_*` variables still holding the example maker's values.
    example_maker: Option<Vec<&'static str>>,
}

impl Serving {
    fn new(config: &Config, address: std::net::SocketAddr) -> Self {
        // Listening on every interface: this machine's own address opens it.
        let host = if address.ip().is_unspecified() {
            std::net::IpAddr::from([127, 0, 0, 1])
        } else {
            address.ip()
        };
        Self {
            front_end: format!(
                "http://{}/",
                std::net::SocketAddr::new(host, address.port())
            ),
            database: config.database_url.describe(),
            mail: config.mail_transport.describe(),
            example_maker: (!config.maker_unset.is_empty()).then(|| config.maker_unset.clone()),
        }
    }
}
