//! Opening PostgreSQL connections: the settings libpq is given beyond the operator's URL, and
//! what the process needs to exit cleanly.
//!
//! r2d2 opens connections on its own worker threads and never joins them, so one can still be
//! connecting when `main` (or a test binary) returns. The libraries libpq loads tear themselves
//! down at exit under it: OpenSSL's exit handler frees what the connecting thread is using, and
//! the Kerberos library behind GSSAPI encryption destroys its mutexes. Either crashed the process
//! at exit (SIGSEGV or an abort) in about one exit in six while connections were being opened.
//! Every PostgreSQL connection is therefore opened here: OpenSSL is started without its exit
//! handler before libpq starts it, and GSSAPI encryption, which nothing here uses, is not tried
//! unless asked for (which also saves a round trip per connection).
//!
//! A server on the loopback interface is reached without TLS unless asked for: nothing on that
//! path can be read or changed by anyone who could not read the server's memory anyway, and
//! encrypting every query and row there cost the server and PostgreSQL a share of their CPU.

use diesel::prelude::*;
use diesel::{ConnectionResult, PgConnection};

/// Opens a PostgreSQL connection; every one in the process must be opened here (see the module).
pub fn establish(url: &str) -> ConnectionResult<PgConnection> {
    // Idempotent; it must run before libpq's first connection starts OpenSSL with the handler.
    openssl_sys::init();
    let set_by_environment = |name: &str| std::env::var_os(name).is_some();
    PgConnection::establish(&with_defaults(url, set_by_environment))
}

/// `url` with the settings above added where neither it nor libpq's environment variable
/// (`set_by_environment`) chooses.
fn with_defaults(url: &str, set_by_environment: impl Fn(&str) -> bool) -> String {
    let loopback = on_loopback(url);
    let mut url = url.to_owned();
    let mut add = |key: &str, value: &str, variable: &str| {
        if url.contains(&format!("{key}=")) || set_by_environment(variable) {
            return;
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        url = format!("{url}{separator}{key}={value}");
    };
    add("gssencmode", "disable", "PGGSSENCMODE");
    if loopback {
        add("sslmode", "disable", "PGSSLMODE");
    }
    url
}

/// Whether the URL names one host and it is this machine's loopback interface. A URL that does
/// not parse is left for libpq to refuse.
fn on_loopback(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    // `?host=` would override the authority's host.
    if parsed.query_pairs().any(|(key, _)| key == "host") {
        return false;
    }
    matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults(url: &str) -> String {
        with_defaults(url, |_| false)
    }

    #[test]
    fn loopback_goes_without_tls_and_gssapi_unless_asked() {
        assert_eq!(
            defaults("postgres://u:p@127.0.0.1:5432/db"),
            "postgres://u:p@127.0.0.1:5432/db?gssencmode=disable&sslmode=disable"
        );
        assert_eq!(
            defaults("postgresql://localhost/db?application_name=x"),
            "postgresql://localhost/db?application_name=x&gssencmode=disable&sslmode=disable"
        );
        assert_eq!(
            defaults("postgres://[::1]/db"),
            "postgres://[::1]/db?gssencmode=disable&sslmode=disable"
        );
        assert_eq!(
            defaults("postgres://127.0.0.1/db?sslmode=require&gssencmode=prefer"),
            "postgres://127.0.0.1/db?sslmode=require&gssencmode=prefer"
        );
    }

    #[test]
    fn other_hosts_keep_libpqs_tls_default() {
        assert_eq!(
            defaults("postgres://db.internal:5432/portal"),
            "postgres://db.internal:5432/portal?gssencmode=disable"
        );
        assert_eq!(
            defaults("postgres://127.0.0.1/db?host=db.internal"),
            "postgres://127.0.0.1/db?host=db.internal&gssencmode=disable"
        );
        assert_eq!(defaults("not a url"), "not a url?gssencmode=disable");
    }

    #[test]
    fn the_environment_variables_choose_as_the_url_would() {
        let chosen = with_defaults("postgres://127.0.0.1/db", |name| name == "PGSSLMODE");
        assert_eq!(chosen, "postgres://127.0.0.1/db?gssencmode=disable");
    }
}
