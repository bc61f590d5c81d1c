//! Settings, read once from the environment (and `.env`) into typed structs.
//!
//! Every setting has a default, so `cargo run` works on a fresh machine with nothing set.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};

use crate::domain::maker::MakerIdentity;

/// Where the database lives; the scheme of `DATABASE_URL` picks the backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            anyhow::ensure!(!path.is_empty(), "DATABASE_URL sqlite:// needs a file path");
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres://")
        }
    }
}

impl DatabaseUrl {
    /// The database as an operator reads it, without credentials: the SQLite file, or the
    /// PostgreSQL server and database.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("SQLite {}", path.display()),
            Self::Postgres(url) => format!("PostgreSQL {}", without_credentials(url)),
        }
    }
}

impl MailTransport {
    /// Where mail goes, without credentials: the SMTP server, or the folder it is written to.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(url) => format!("SMTP {}", without_credentials(url.expose_secret())),
            Self::Directory(path) => format!("the folder {}", path.display()),
        }
    }
}

/// `scheme://user:password@host:port/path?query` as `host:port/path`: nothing secret is left.
fn without_credentials(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    rest.rsplit_once('@').map_or(rest, |(_, host)| host)
}

/// How the server reaches the mail server, or where it writes mail when there is none.
#[derive(Clone, Debug)]
pub enum MailTransport {
    Smtp(SecretString),
    Directory(PathBuf),
}

#[derive(Clone, Debug)]
pub struct RateLimitSettings {
    /// Requests a minute that one client address may make to the login, register and reset endpoints.
    pub per_address_per_minute: u32,
    /// Attempts a minute on one account (by e-mail address).
    pub per_account_per_minute: u32,
    /// Requests a minute that one integrator client may make with its tokens.
    pub per_client_per_minute: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            per_address_per_minute: 30,
            per_account_per_minute: 10,
            per_client_per_minute: 600,
        }
    }
}

/// How much an application may hold in documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentLimits {
    /// Documents per application (`MAX_DOCUMENTS_PER_APPLICATION`).
    pub per_application: u32,
    /// Total bytes of an application's documents (`MAX_DOCUMENTS_MIB_PER_APPLICATION`, in MiB).
    pub bytes_per_application: u64,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        Self {
            per_application: 20,
            bytes_per_application: 100 * 1024 * 1024,
        }
    }
}

/// The password-hashing pool (`auth::hashing`): argon2 takes 19 MiB and tens of milliseconds of
/// CPU a call, so only `threads` run at once and at most `queue` more wait, each `max_wait` at most.
#[derive(Clone, Debug)]
pub struct HashingSettings {
    pub threads: usize,
    pub queue: usize,
    pub max_wait: Duration,
}

impl Default for HashingSettings {
    fn default() -> Self {
        // One core is left to serving requests (and `/readyz`) while a burst is hashed.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let threads = cores.saturating_sub(1).max(1);
        Self {
            threads,
            queue: 16 * threads,
            max_wait: Duration::from_secs(1),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    pub public_base_url: String,
    /// Where the web front end is served (no trailing slash): the links in e-mails go there.
    pub frontend_base_url: String,
    pub jwt_secret: SecretString,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub mail_transport: MailTransport,
    pub mail_from: String,
    pub upload_dir: PathBuf,
    pub webhook_allow_private_targets: bool,
    /// Behind a reverse proxy: take the client's address from the last `X-Forwarded-For` entry
    /// (the one the proxy appended) instead of the connection's peer.
    pub trust_proxy_headers: bool,
    pub rate_limits: RateLimitSettings,
    pub document_limits: DocumentLimits,
    pub password_hashing: HashingSettings,
    /// How often the background worker looks for work.
    pub worker_interval: Duration,
    /// How often the daily digest looks for people whose day is due (`workflow::digest`).
    pub digest_interval: Duration,
    /// The origins of front ends on other origins that browsers may let call the API
    /// (`CORS_ALLOWED_ORIGINS`), each exactly as a browser sends it in `Origin`; none by default.
    pub cors_allowed_origins: Vec<String>,
    /// Who the maker is, for letters of intent and e-mails (`MAKER_*`).
    pub maker: MakerIdentity,
    /// The `MAKER_*` variables left unset, whose example values the documents use (the
    /// start-up log names them).
    pub maker_unset: Vec<&'static str>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/portal.db";
const DEFAULT_BIND: &str = "127.0.0.1:8080";
const DEFAULT_PUBLIC_BASE_URL: &str = "http://localhost:8080";
const DEFAULT_MAIL_DIR: &str = "data/mail";
const DEFAULT_MAIL_FROM: &str = "Partner Recruitment <no-reply@localhost>";
const DEFAULT_UPLOAD_DIR: &str = "data/uploads";
const JWT_SECRET_FILE: &str = "data/jwt-secret";
const DEFAULT_ACCESS_TOKEN_TTL_SECONDS: u64 = 15 * 60;
const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

impl Config {
    /// Reads `.env` (if any) and the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        // A missing .env is the normal case, not an error.
        let _ = dotenvy::dotenv();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());

        let database_url = DatabaseUrl::parse(
            &var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
        )?;
        let bind = var("BIND")
            .unwrap_or_else(|| DEFAULT_BIND.into())
            .parse()
            .context("BIND must be an address such as 127.0.0.1:8080")?;
        let jwt_secret = match var("JWT_SECRET") {
            Some(secret) => jwt_secret(secret, "JWT_SECRET")?,
            None => stored_jwt_secret(Path::new(JWT_SECRET_FILE))?,
        };
        let access_token_ttl = match var("ACCESS_TOKEN_TTL_SECONDS") {
            Some(v) => Duration::from_secs(
                v.parse()
                    .context("ACCESS_TOKEN_TTL_SECONDS must be a whole number")?,
            ),
            None => Duration::from_secs(DEFAULT_ACCESS_TOKEN_TTL_SECONDS),
        };
        let mail_transport = match var("SMTP_URL") {
            Some(url) => MailTransport::Smtp(SecretString::from(url)),
            None => MailTransport::Directory(
                var("MAIL_DIR")
                    .unwrap_or_else(|| DEFAULT_MAIL_DIR.into())
                    .into(),
            ),
        };

        let defaults = DocumentLimits::default();
        let document_limits = DocumentLimits {
            per_application: match var("MAX_DOCUMENTS_PER_APPLICATION") {
                Some(v) => v
                    .parse()
                    .context("MAX_DOCUMENTS_PER_APPLICATION must be a whole number")?,
                None => defaults.per_application,
            },
            bytes_per_application: match var("MAX_DOCUMENTS_MIB_PER_APPLICATION") {
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .and_then(|mib| mib.checked_mul(1024 * 1024))
                    .context("MAX_DOCUMENTS_MIB_PER_APPLICATION must be a whole number of MiB")?,
                None => defaults.bytes_per_application,
            },
        };

        let public_base_url = var("PUBLIC_BASE_URL")
            .unwrap_or_else(|| DEFAULT_PUBLIC_BASE_URL.into())
            .trim_end_matches('/')
            .to_owned();
        let frontend_base_url = match var("FRONTEND_BASE_URL") {
            Some(url) => base_url(&url, "FRONTEND_BASE_URL")?,
            None => base_url(
                &public_base_url,
                "PUBLIC_BASE_URL (the default of FRONTEND_BASE_URL)",
            )?,
        };

        let (maker, maker_unset) = MakerIdentity::from_vars(var)?;

        Ok(Self {
            database_url,
            bind,
            public_base_url,
            frontend_base_url,
            jwt_secret,
            access_token_ttl,
            refresh_token_ttl: REFRESH_TOKEN_TTL,
            mail_transport,
            mail_from: var("MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into()),
            upload_dir: var("UPLOAD_DIR")
                .unwrap_or_else(|| DEFAULT_UPLOAD_DIR.into())
                .into(),
            webhook_allow_private_targets: var("WEBHOOK_ALLOW_PRIVATE_TARGETS").as_deref()
                == Some("1"),
            trust_proxy_headers: var("TRUST_PROXY_HEADERS").as_deref() == Some("1"),
            rate_limits: rate_limits(var)?,
            document_limits,
            password_hashing: HashingSettings {
                threads: match var("PASSWORD_HASH_THREADS") {
                    Some(n) => n
                        .parse()
                        .context("PASSWORD_HASH_THREADS must be a whole number")?,
                    None => HashingSettings::default().threads,
                },
                ..HashingSettings::default()
            },
            worker_interval: Duration::from_secs(2),
            digest_interval: Duration::from_secs(60),
            cors_allowed_origins: allowed_origins(
                var("CORS_ALLOWED_ORIGINS").as_deref().unwrap_or_default(),
            )?,
            maker,
            maker_unset,
        })
    }

    /// The database URL alone, for sub-commands that need nothing else.
    pub fn database_url_from_env() -> anyhow::Result<DatabaseUrl> {
        let _ = dotenvy::dotenv();
        let url = std::env::var("DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        DatabaseUrl::parse(&url)
    }
}

/// `RATE_LIMIT_PER_ADDRESS_PER_MINUTE`, `RATE_LIMIT_PER_ACCOUNT_PER_MINUTE` and
/// `RATE_LIMIT_PER_CLIENT_PER_MINUTE`, each a positive whole number; unset, the defaults. Zero
/// is refused: a limit of none a minute would lock everyone out, not switch the limit off.
fn rate_limits(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<RateLimitSettings> {
    let defaults = RateLimitSettings::default();
    let limit = |name: &str, default: u32| -> anyhow::Result<u32> {
        match var(name) {
            Some(v) => v.parse::<u32>().ok().filter(|n| *n > 0).with_context(|| {
                format!("{name} must be a positive whole number of requests (it is {v:?})")
            }),
            None => Ok(default),
        }
    };
    Ok(RateLimitSettings {
        per_address_per_minute: limit(
            "RATE_LIMIT_PER_ADDRESS_PER_MINUTE",
            defaults.per_address_per_minute,
        )?,
        per_account_per_minute: limit(
            "RATE_LIMIT_PER_ACCOUNT_PER_MINUTE",
            defaults.per_account_per_minute,
        )?,
        per_client_per_minute: limit(
            "RATE_LIMIT_PER_CLIENT_PER_MINUTE",
            defaults.per_client_per_minute,
        )?,
    })
}

/// `raw` as the base of links: an absolute http(s) URL without query, fragment or credentials,
/// without its trailing slash (so that `{base}/verify-email` has one). `name` says where it
/// came from.
fn base_url(raw: &str, name: &str) -> anyhow::Result<String> {
    let url = url::Url::parse(raw).with_context(|| {
        format!("{name} must be an absolute URL such as https://portal.example.com")
    })?;
    anyhow::ensure!(
        matches!(url.scheme(), "http" | "https") && url.has_host(),
        "{name} must be an http:// or https:// URL with a host (it is {raw:?})"
    );
    anyhow::ensure!(
        url.query().is_none() && url.fragment().is_none(),
        "{name} must not have a query or fragment: links add their own (it is {raw:?})"
    );
    anyhow::ensure!(
        url.username().is_empty() && url.password().is_none(),
        "{name} must not carry a user name or password (it is {raw:?})"
    );
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// `CORS_ALLOWED_ORIGINS`: comma-separated origins such as `https://portal.example.com`.
///
/// Each entry must be an origin exactly as browsers send it (`http` or `https`, the host in
/// lower case, a port only when it is not the scheme's default, no path, not even `/`): anything
/// else would silently never match, so it stops the server instead. `*` is refused: the API is
/// for the front ends its operator names.
pub fn allowed_origins(value: &str) -> anyhow::Result<Vec<String>> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(origin)
        .collect()
}

fn origin(entry: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        entry != "*",
        "CORS_ALLOWED_ORIGINS may not be `*`: name each front end's origin, e.g. \
         https://portal.example.com"
    );
    let canonical = url::Url::parse(entry)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .map(|url| url.origin().ascii_serialization());
    match canonical {
        Some(canonical) if canonical == entry => Ok(canonical),
        Some(canonical) => anyhow::bail!(
            "CORS_ALLOWED_ORIGINS: `{entry}` is not an origin as browsers send it \
             (scheme://host[:port], no path); did you mean `{canonical}`?"
        ),
        None => anyhow::bail!(
            "CORS_ALLOWED_ORIGINS: `{entry}` is not an origin (http:// or https://, a host and \
             an optional port, e.g. https://portal.example.com)"
        ),
    }
}

/// The fewest bytes a JWT signing key may have: HS256 keys shorter than its 256-bit hash can be
/// guessed offline from any one token.
pub const JWT_SECRET_MIN_BYTES: usize = 32;

/// `secret` as the signing key, if it is long enough; `source` names where it came from.
fn jwt_secret(secret: String, source: &str) -> anyhow::Result<SecretString> {
    anyhow::ensure!(
        secret.len() >= JWT_SECRET_MIN_BYTES,
        "{source} must be at least {JWT_SECRET_MIN_BYTES} bytes long (it is {}); generate one \
         with e.g. `openssl rand -base64 48`",
        secret.len()
    );
    Ok(SecretString::from(secret))
}

/// Without `JWT_SECRET`, a random key is made once and kept on disk so that tokens survive restarts.
fn stored_jwt_secret(path: &Path) -> anyhow::Result<SecretString> {
    if let Ok(secret) = std::fs::read_to_string(path) {
        let secret = secret.trim().to_owned();
        if !secret.is_empty() {
            // One written by an older version may be readable by others.
            crate::private_files::restrict_file(path)
                .with_context(|| format!("restricting {}", path.display()))?;
            return jwt_secret(secret, &path.display().to_string());
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private_files::create_folder(dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    let secret = crate::tokens::random_token();
    write_private_file(path, &secret).with_context(|| format!("writing {}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "JWT_SECRET is not set: generated a random signing key; set JWT_SECRET in production"
    );
    Ok(SecretString::from(secret))
}

fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = crate::private_files::private_open_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn descriptions_name_the_database_and_mail_without_credentials() {
        let postgres = DatabaseUrl::parse(
            "postgres://app:s3cret@db.internal:5432/portal?sslmode=require&password=x",
        )
        .unwrap();
        assert_eq!(postgres.describe(), "PostgreSQL db.internal:5432/portal");
        let sqlite = DatabaseUrl::parse("sqlite://data/portal.db").unwrap();
        assert_eq!(sqlite.describe(), "SQLite data/portal.db");
        let smtp =
            MailTransport::Smtp(SecretString::from("smtps://mailer:p%40ss@smtp.example:465"));
        assert_eq!(smtp.describe(), "SMTP smtp.example:465");
        let folder = MailTransport::Directory(PathBuf::from("data/mail"));
        assert_eq!(folder.describe(), "the folder data/mail");
    }

    use super::*;

    #[test]
    fn database_url_picks_the_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/portal.db").ok(),
            Some(DatabaseUrl::Sqlite("data/portal.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("data/portal.db").is_err());
    }

    #[test]
    fn a_base_url_is_an_absolute_http_url_without_query() {
        let ok = |raw: &str| base_url(raw, "FRONTEND_BASE_URL").expect(raw);
        assert_eq!(
            ok("https://portal.example.com"),
            "https://portal.example.com"
        );
        assert_eq!(
            ok("https://portal.example.com/"),
            "https://portal.example.com"
        );
        assert_eq!(
            ok("http://localhost:5173/app/"),
            "http://localhost:5173/app"
        );
        assert_eq!(
            ok("HTTPS://Portal.Example.com"),
            "https://portal.example.com"
        );
        for bad in [
            "portal.example.com",
            "/app",
            "ftp://portal.example.com",
            "mailto:a@example.com",
            "https://portal.example.com/?lang=en",
            "https://portal.example.com/#top",
            "https://user:secret@portal.example.com",
            "",
        ] {
            let error = base_url(bad, "FRONTEND_BASE_URL")
                .expect_err(bad)
                .to_string();
            assert!(error.contains("FRONTEND_BASE_URL"), "{bad}: {error}");
        }
    }

    #[test]
    fn allowed_origins_are_origins_as_browsers_send_them() {
        assert_eq!(allowed_origins("").unwrap(), Vec::<String>::new());
        assert_eq!(
            allowed_origins(" https://portal.example.com , http://localhost:5173,").unwrap(),
            ["https://portal.example.com", "http://localhost:5173"]
        );
        let refusal = |value: &str| allowed_origins(value).expect_err(value).to_string();
        let star = refusal("https://portal.example.com,*");
        assert!(star.contains("may not be `*`"), "{star}");
        // What would never match a browser's `Origin` names the form that would.
        for (entry, meant) in [
            ("https://portal.example.com/", "https://portal.example.com"),
            (
                "https://portal.example.com/app",
                "https://portal.example.com",
            ),
            ("https://Portal.Example.com", "https://portal.example.com"),
            (
                "https://portal.example.com:443",
                "https://portal.example.com",
            ),
            (
                "https://user@portal.example.com",
                "https://portal.example.com",
            ),
        ] {
            let error = refusal(entry);
            assert!(
                error.contains(&format!("did you mean `{meant}`")),
                "{error}"
            );
        }
        for entry in [
            "portal.example.com",
            "ftp://portal.example.com",
            "null",
            "https://",
        ] {
            let error = refusal(entry);
            assert!(error.contains("is not an origin"), "{entry}: {error}");
        }
    }

    #[test]
    fn rate_limits_are_positive_whole_numbers_from_the_environment() {
        let from = |pairs: &[(&str, &str)]| {
            let pairs: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            rate_limits(move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            })
        };
        let defaults = from(&[]).unwrap();
        assert_eq!(defaults.per_address_per_minute, 30);
        assert_eq!(defaults.per_account_per_minute, 10);
        assert_eq!(defaults.per_client_per_minute, 600);
        let set = from(&[
            ("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", "100"),
            ("RATE_LIMIT_PER_ACCOUNT_PER_MINUTE", "20"),
            ("RATE_LIMIT_PER_CLIENT_PER_MINUTE", "1000000"),
        ])
        .unwrap();
        assert_eq!(set.per_address_per_minute, 100);
        assert_eq!(set.per_account_per_minute, 20);
        assert_eq!(set.per_client_per_minute, 1_000_000);
        for name in [
            "RATE_LIMIT_PER_ADDRESS_PER_MINUTE",
            "RATE_LIMIT_PER_ACCOUNT_PER_MINUTE",
            "RATE_LIMIT_PER_CLIENT_PER_MINUTE",
        ] {
            for bad in ["0", "-5", "1.5", "ten", "99999999999"] {
                let error = from(&[(name, bad)]).expect_err(bad).to_string();
                assert!(
                    error.contains(name) && error.contains("positive whole number"),
                    "{name}={bad}: {error}"
                );
            }
        }
    }

    #[test]
    fn a_jwt_secret_shorter_than_32_bytes_is_refused() {
        let error = jwt_secret("x".repeat(31), "JWT_SECRET")
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("JWT_SECRET") && error.contains("32"),
            "{error}"
        );
        assert!(jwt_secret("x".repeat(32), "JWT_SECRET").is_ok());
        // The key made when none is set is long enough.
        assert!(jwt_secret(crate::tokens::random_token(), "data/jwt-secret").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn the_generated_signing_key_is_private_in_a_private_folder() {
        use std::os::unix::fs::PermissionsExt;

        use crate::private_files::tests::mode;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/jwt-secret");
        stored_jwt_secret(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        // One left readable by an older version is made private when read.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        stored_jwt_secret(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
    }
}
