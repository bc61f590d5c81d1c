//! The command line: `serve` (the default), `migrate`, `create-admin` and `openapi`.

use clap::{Parser, Subcommand};

/// Dealer-partner recruitment portal: the HTTP API and its background work, in one binary.
///
/// Configuration comes from the environment (and a `.env` file): DATABASE_URL, BIND,
/// PUBLIC_BASE_URL, FRONTEND_BASE_URL (where links in e-mails go; default PUBLIC_BASE_URL),
/// JWT_SECRET, SMTP_URL, MAIL_DIR, MAIL_FROM, UPLOAD_DIR, WEBHOOK_ALLOW_PRIVATE_TARGETS,
/// TRUST_PROXY_HEADERS, ACCESS_TOKEN_TTL_SECONDS, CORS_ALLOWED_ORIGINS,
/// RATE_LIMIT_PER_ADDRESS_PER_MINUTE, RATE_LIMIT_PER_ACCOUNT_PER_MINUTE,
/// RATE_LIMIT_PER_CLIENT_PER_MINUTE (requests a minute per client address and per account on
/// sign-in, registration and reset, and per integrator client; defaults 30, 10, 600), MAKER_* (the maker's
/// legal names, USCC, address and signing officer on letters of intent and e-mails), RUST_LOG,
/// LOG_FORMAT. All are optional; see the README.
#[derive(Debug, Parser)]
#[command(name = "dealer-portal", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, seed the first plan's cities if there are none, serve HTTP and
    /// run the background work (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Make (or reset) an admin account; the password is read from standard input.
    ///
    /// An account of another role with this address is refused unless `--promote` is given.
    /// Resetting or promoting an account ends all its sessions: its tokens stop working.
    CreateAdmin {
        /// The admin's e-mail address (the sign-in name).
        #[arg(long)]
        email: String,
        /// The name shown to others.
        #[arg(long)]
        display_name: String,
        /// Read the password from standard input (required: passwords never go on the
        /// command line, where other users of the machine can see them).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make an existing applicant or reviewer account with this address an admin. Check
        /// first that it is yours: anyone can register an address before you.
        #[arg(long)]
        promote: bool,
    },
    /// Print the OpenAPI document (needs no database).
    Openapi,
}
