//! Fresh databases for tests: a temporary SQLite file, or a PostgreSQL database cloned from a
//! template that is migrated once per set of migrations.

use std::path::Path;
use std::sync::Mutex;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Where the PostgreSQL server is, by `TEST_DATABASE_URL` (any database on it; we create ours).
fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.into())
}

fn required() -> bool {
    std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

fn url_for(database: &str) -> String {
    let admin = admin_url();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{database}")
}

/// A name that changes whenever a PostgreSQL migration does.
fn template_name() -> String {
    let mut hasher = Sha256::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<_> = walk(&root);
    files.sort();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).unwrap());
    }
    format!(
        "dealer_portal_tpl_{}",
        &format!("{:x}", hasher.finalize())[..16]
    )
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

static TEMPLATE: Mutex<Option<String>> = Mutex::new(None);

/// Makes sure the migrated template exists and returns its name.
fn template(admin: &mut PgConnection) -> String {
    let mut ready = TEMPLATE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(name) = ready.as_ref() {
        return name.clone();
    }
    let name = template_name();
    // Another test process may be building it too.
    admin
        .batch_execute("SELECT pg_advisory_lock(774411)")
        .unwrap();
    let exists: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')"
    )))
    .get_result(admin)
    .unwrap();
    if !exists {
        let building = format!("{name}_building");
        // One statement a call: several would run as one transaction, which these refuse.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {building}"))
            .unwrap();
        let url = dealer_portal::config::DatabaseUrl::parse(&url_for(&building)).unwrap();
        drop(dealer_portal::db::Db::connect(&url).expect("migrating the template"));
        admin
            .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .unwrap();
    }
    admin
        .batch_execute("SELECT pg_advisory_unlock(774411)")
        .unwrap();
    *ready = Some(name.clone());
    name
}

/// A new, migrated PostgreSQL database; None (with a note) when no server answers and
/// `REQUIRE_POSTGRES` is not `1`.
pub fn create_postgres_database() -> Option<PostgresDatabase> {
    let mut admin = match dealer_portal::db::libpq::establish(&admin_url()) {
        Ok(conn) => conn,
        Err(error) if !required() => {
            eprintln!(
                "SKIPPED on PostgreSQL: no server at TEST_DATABASE_URL ({error}); set REQUIRE_POSTGRES=1 to fail instead"
            );
            return None;
        }
        Err(error) => {
            panic!("PostgreSQL is required (REQUIRE_POSTGRES=1) but unreachable: {error}")
        }
    };
    let template = template(&mut admin);
    let name = format!("dealer_portal_test_{}", uuid::Uuid::new_v4().simple());
    // Copying a template fails while another copy of it is being made: try again briefly.
    let mut attempt = 0;
    loop {
        match admin.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}")) {
            Ok(()) => break,
            Err(_) if attempt < 50 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(error) => panic!("creating {name}: {error}"),
        }
    }
    let url = url_for(&name);
    Some(PostgresDatabase { name, url })
}

pub struct PostgresDatabase {
    pub name: String,
    pub url: String,
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = dealer_portal::db::libpq::establish(&admin_url()) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
