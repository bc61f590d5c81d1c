//! Opening PostgreSQL connections so that the process can still exit cleanly.
//!
//! r2d2 opens connections on its own worker threads and never joins them, so one can still be
//! connecting when `main` (or a test binary) returns. The libraries libpq loads tear themselves
//! down at exit under it: OpenSSL's exit handler frees what the connecting thread is using, and
//! the Kerberos library behind GSSAPI encryption destroys its mutexes. Either crashed the process
//! at exit (SIGSEGV or an abort) in about one exit in six while connections were being opened.
//! Every PostgreSQL connection is therefore opened here: OpenSSL is started without its exit
//! handler before libpq starts it, and GSSAPI encryption, which nothing here uses, is not tried
//! unless the URL or `PGGSSENCMODE` asks for it (which also saves a round trip per connection).

use diesel::prelude::*;
use diesel::{ConnectionResult, PgConnection};

/// Opens a PostgreSQL connection; every one in the process must be opened here (see the module).
pub fn establish(url: &str) -> ConnectionResult<PgConnection> {
    // Idempotent; it must run before libpq's first connection starts OpenSSL with the handler.
    openssl_sys::init();
    PgConnection::establish(&without_gssapi_unless_asked(url))
}

fn without_gssapi_unless_asked(url: &str) -> String {
    if url.contains("gssencmode=") || std::env::var_os("PGGSSENCMODE").is_some() {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}gssencmode=disable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gssapi_encryption_is_off_unless_the_url_sets_it() {
        assert_eq!(
            without_gssapi_unless_asked("postgres://u@h:5432/db"),
            "postgres://u@h:5432/db?gssencmode=disable"
        );
        assert_eq!(
            without_gssapi_unless_asked("postgres://u@h/db?sslmode=disable"),
            "postgres://u@h/db?sslmode=disable&gssencmode=disable"
        );
        assert_eq!(
            without_gssapi_unless_asked("postgres://u@h/db?gssencmode=require"),
            "postgres://u@h/db?gssencmode=require"
        );
    }
}
