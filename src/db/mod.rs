//! The database: one connection type over SQLite and PostgreSQL, its pool, its migrations, and
//! the one way handlers run queries (`Db::run`, on the blocking thread pool).
//!
//! Query modules are named after the product's records (`users`, `outbox`, ...); they take
//! `&mut DbConnection` and know nothing of HTTP.

pub mod api_clients;
pub mod applications;
pub mod assignees;
pub mod change_feed;
pub mod cities;
pub mod criteria;
pub mod dealer_groups;
pub mod documents;
pub mod events;
pub mod group_events;
pub mod idempotency;
pub mod identity_changes;
pub mod invitations;
pub mod lease;
pub mod libpq;
pub mod lois;
pub mod members;
pub mod messages;
pub mod notes;
pub mod onboarding;
pub mod one_time_tokens;
pub mod outbox;
pub mod rankings;
pub mod refresh_tokens;
pub mod reports;
pub mod schema;
pub mod scorecards;
pub mod sla;
pub mod users;
pub mod webhook_events;
pub mod webhooks;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web;
use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use tokio::sync::Semaphore;

use crate::config::DatabaseUrl;
use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Every SQLite connection gets these: WAL for readers beside a writer, enforced foreign keys, and a
/// wait instead of an immediate "database is locked" when another connection writes.
/// The busy timeout comes first so that the pragmas after it wait for a lock too.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

/// Arbitrary but fixed key of the PostgreSQL advisory lock that serialises migrations when several
/// replicas start at once.
const MIGRATION_LOCK_KEY: i64 = 0x6465_616c_6572;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// A connection back in the pool less than this long ago, from a use that succeeded, is handed
/// out again without a ping, as HikariCP does: a round trip saved on every busy checkout, while
/// one that sat idle longer (and may have been closed by the server or a restart) is still
/// checked and replaced. So is one whose last use failed, or whose use the pool did not see
/// (`Db::conn`): without that, a connection the server closed kept going round a busy pool,
/// failing every request that drew it and never idle long enough to be checked.
const ALIVE_WITHOUT_PING: Duration = Duration::from_millis(500);

/// A pooled connection, with when it last went back to the pool and whether its last use is
/// known to have succeeded.
pub struct Pooled {
    conn: DbConnection,
    returned: Instant,
    proven: bool,
}

impl Deref for Pooled {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// A connection taken from the pool, back to it when dropped.
pub struct Checkout(PooledConnection);

impl Deref for Checkout {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.0
    }
}

impl DerefMut for Checkout {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.0
    }
}

/// Opens connections by the URL's scheme. diesel's derived `establish` would try every backend in
/// turn and hide the real error (and let SQLite create a file named like a mistyped URL).
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    fn open(&self) -> Result<DbConnection, ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => libpq::establish(url).map(DbConnection::Postgresql),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_str().ok_or_else(|| {
                    ConnectionError::InvalidConnectionUrl("the SQLite path is not UTF-8".into())
                })?;
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = Pooled;
    type Error = ConnectionError;

    fn connect(&self) -> Result<Pooled, ConnectionError> {
        Ok(Pooled {
            conn: self.open()?,
            returned: Instant::now(),
            proven: true,
        })
    }

    fn is_valid(&self, conn: &mut Pooled) -> Result<(), ConnectionError> {
        if conn.proven && conn.returned.elapsed() < ALIVE_WITHOUT_PING {
            return Ok(());
        }
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
        conn.proven = true;
        Ok(())
    }

    /// Called as the connection goes back to the pool.
    fn has_broken(&self, conn: &mut Pooled) -> bool {
        conn.returned = Instant::now();
        std::thread::panicking()
            || <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(
                &mut conn.conn,
            )
    }
}

/// The database handle kept in the application state.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    /// One permit per pooled connection, taken before a blocking thread is: callers wait for a
    /// connection in a first-come, first-served queue here rather than on r2d2's condition
    /// variable, which wakes waiters in no order and left some waiting for seconds under load
    /// (and a blocking thread parked each).
    slots: Arc<Semaphore>,
    /// One connection of its own for the readiness probe, so that it tells whether the database
    /// answers, not how long the queue for the pool is under a burst of requests.
    probe: Pool,
    probe_slot: Arc<Semaphore>,
}

impl Db {
    /// Opens the pool and applies pending migrations.
    pub fn connect(url: &DatabaseUrl) -> anyhow::Result<Self> {
        let max_size = match url {
            DatabaseUrl::Sqlite(_) => 8,
            DatabaseUrl::Postgres(_) => 16,
        };
        // Open connections as load needs them: r2d2 would otherwise open all of them at start,
        // per process, which adds up quickly with replicas (and parallel tests).
        Self::open(url, max_size, 2)
    }

    /// One connection, opened when first asked for, for a one-shot command: r2d2 would keep
    /// `min_idle` by connecting on a background thread whenever a connection is taken, which a
    /// command has no use for.
    pub fn connect_for_command(url: &DatabaseUrl) -> anyhow::Result<Self> {
        Self::open(url, 1, 0)
    }

    fn open(url: &DatabaseUrl, max_size: u32, min_idle: u32) -> anyhow::Result<Self> {
        if let DatabaseUrl::Sqlite(path) = url {
            private_sqlite_files(path)?;
            // A fresh file becomes a WAL database here, once, before the pools open connections
            // side by side: switching the journal mode takes a lock that the busy timeout does not
            // wait for, and r2d2 would log the refusal ("database is locked") at every fresh start.
            ConnectionManager { url: url.clone() }
                .open()
                .context("opening the database")?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(min_idle))
            .connection_timeout(Duration::from_secs(10))
            .build(ConnectionManager { url: url.clone() })
            .context("opening the database")?;
        let probe = r2d2::Pool::builder()
            .max_size(1)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(5))
            .build(ConnectionManager { url: url.clone() })
            .context("opening the database")?;
        let db = Self {
            pool,
            slots: Arc::new(Semaphore::new(max_size as usize)),
            probe,
            probe_slot: Arc::new(Semaphore::new(1)),
        };
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.get().context("connecting to the database")?;
        let applied = match &mut **conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConnection::Postgresql(c) => {
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
                let result = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len());
                c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
                result
            }
        }
        .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
        if applied > 0 {
            tracing::info!(applied, "applied database migrations");
        }
        // A data step SQL cannot take: the places of profiles from before v1.1 as codes.
        let coded = dealer_groups::code_stored_places(&mut conn)?;
        if coded > 0 {
            tracing::info!(
                coded,
                "stored the places of older dealer-group profiles as codes"
            );
        }
        Ok(())
    }

    /// A connection for synchronous callers (the CLI, the background worker's blocking tasks).
    pub fn conn(&self) -> Result<Checkout, AppError> {
        let mut conn = self.pool.get()?;
        conn.proven = false;
        Ok(Checkout(conn))
    }

    /// Whether the database answers, on the probe's own connection (`/readyz`).
    pub async fn ping(&self) -> Result<(), AppError> {
        let slot = self
            .probe_slot
            .clone()
            .acquire_owned()
            .await
            .map_err(closed)?;
        let probe = self.probe.clone();
        web::block(move || {
            let _slot = slot;
            let mut conn = probe.get()?;
            ping(&mut conn)
        })
        .await?
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, so that synchronous diesel
    /// never stalls the async workers.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        // Held by the blocking task, so that a request given up meanwhile still holds its place
        // until its query is done.
        let slot = self.slots.clone().acquire_owned().await.map_err(closed)?;
        let pool = self.pool.clone();
        web::block(move || {
            let _slot = slot;
            let mut conn = pool.get()?;
            let result = f(&mut conn);
            conn.proven = result.is_ok();
            result
        })
        .await?
    }
}

/// The semaphores are never closed; were one, it would be a bug, not a busy database.
fn closed(error: tokio::sync::AcquireError) -> AppError {
    AppError::Internal(error.into())
}

/// A transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock
/// up front: a deferred transaction that reads and then writes can fail with "database is locked"
/// when another connection wrote in between, and `busy_timeout` does not help there.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(f);
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let DbConnection::Sqlite(sqlite) = conn else {
        unreachable!("the connection's backend does not change");
    };
    match result {
        Ok(value) => {
            <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction(
                sqlite,
            )?;
            Ok(value)
        }
        Err(e) => {
            <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(
                sqlite,
            )?;
            Err(e)
        }
    }
}

/// True when the database answers; used by `/readyz`.
pub fn ping(conn: &mut DbConnection) -> Result<(), AppError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

/// Creates the SQLite database file (and its folder) private before SQLite opens it, so that
/// the `-wal` and `-shm` files SQLite makes beside it get the same mode; makes ones left by an
/// older version private too.
fn private_sqlite_files(path: &std::path::Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private_files::create_folder(dir)
            .with_context(|| format!("creating the database folder {}", dir.display()))?;
    }
    crate::private_files::private_open_options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("creating the database {}", path.display()))?;
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        crate::private_files::restrict_file(std::path::Path::new(&name))
            .with_context(|| format!("restricting {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use diesel::migration::{Migration, MigrationSource};
    use diesel::sqlite::Sqlite;

    use super::*;

    /// The change feed's migration (`000019`), from a database as it stood before it: clients
    /// that held `applications:read` keep reading what it used to cover, and the events already
    /// fanned out are numbered in the order they were made. PostgreSQL's migration is the same
    /// SQL (checked here), and runs at every PostgreSQL test's start.
    #[test]
    fn the_change_feed_migration_keeps_what_clients_read_and_numbers_past_events() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let sql = |db: &str| {
            std::fs::read_to_string(root.join(db).join("2026-11-29-000019_change_feed/up.sql"))
                .unwrap()
        };
        assert_eq!(sql("sqlite"), sql("postgres"));

        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let migrations: Vec<Box<dyn Migration<Sqlite>>> =
            MigrationSource::<Sqlite>::migrations(&SQLITE_MIGRATIONS).unwrap();
        let (before, after): (Vec<_>, Vec<_>) = migrations
            .into_iter()
            .partition(|m| m.name().to_string().as_str() < "2026-11-29-000019");
        assert!(after[0].name().to_string().ends_with("change_feed"));
        // Makes the harness's own table.
        conn.applied_migrations().unwrap();
        for migration in &before {
            conn.run_migration(migration.as_ref()).unwrap();
        }
        // The clients' creator is beside the point here.
        conn.batch_execute(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO api_clients (id, name, client_id, secret_hash, scopes, created_by, created_at)
             VALUES ('a', 'CRM', 'dpc_a', 'x', 'applications:read webhooks:manage', 'u', '2026-11-01 00:00:00'),
                    ('b', 'Hooks', 'dpc_b', 'x', 'webhooks:manage', 'u', '2026-11-01 00:00:00');
             INSERT INTO webhook_events (id, event_type, payload, created_at, dispatched_at)
             VALUES ('e2', 'loi.signed', '{}', '2026-11-02 00:00:00', '2026-11-02 00:00:01'),
                    ('e1', 'application.submitted', '{}', '2026-11-01 00:00:00', '2026-11-01 00:00:01'),
                    ('e3', 'loi.offered', '{}', '2026-11-03 00:00:00', NULL);",
        )
        .unwrap();
        for migration in &after {
            conn.run_migration(migration.as_ref()).unwrap();
        }

        let scopes: Vec<(String, String)> = schema::api_clients::table
            .select((schema::api_clients::id, schema::api_clients::scopes))
            .order(schema::api_clients::id)
            .load(&mut conn)
            .unwrap();
        let scopes: Vec<(String, Vec<crate::domain::scope::Scope>)> = scopes
            .into_iter()
            .map(|(id, scopes)| (id, crate::domain::scope::Scope::split(&scopes)))
            .collect();
        use crate::domain::scope::Scope::*;
        assert_eq!(
            scopes,
            [
                (
                    "a".to_owned(),
                    vec![
                        ApplicationsRead,
                        WebhooksManage,
                        EventsRead,
                        DocumentsRead,
                        MessagesRead
                    ]
                ),
                ("b".to_owned(), vec![WebhooksManage]),
            ]
        );
        let numbered: Vec<(String, Option<i64>)> = schema::webhook_events::table
            .select((schema::webhook_events::id, schema::webhook_events::feed_seq))
            .order(schema::webhook_events::id)
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            numbered,
            [
                ("e1".to_owned(), Some(1)),
                ("e2".to_owned(), Some(2)),
                ("e3".to_owned(), None)
            ]
        );
        let bounds: (i64, i64) = schema::change_feed::table
            .select((
                schema::change_feed::pruned_through,
                schema::change_feed::last_seq,
            ))
            .first(&mut conn)
            .unwrap();
        assert_eq!(bounds, (0, 2));
    }
}
