//! The sub-commands other than `serve`.

use std::io::Read;

use anyhow::Context;
use chrono::Utc;
use secrecy::SecretString;

use crate::auth::password;
use crate::config::Config;
use crate::db::{Db, users};
use crate::domain::account::{EmailAddress, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use crate::workflow::Work;

pub fn migrate() -> anyhow::Result<()> {
    Db::connect_for_command(&Config::database_url_from_env()?)?;
    eprintln!("migrations are up to date");
    Ok(())
}

/// Makes `email` an admin with the password read from standard input.
pub fn create_admin(email: &str, display_name: &str) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email).context("--email is not an e-mail address")?;
    let display_name = display_name.trim();
    anyhow::ensure!(!display_name.is_empty(), "--display-name must not be empty");

    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the password from standard input")?;
    let password = input.trim_end_matches(['\r', '\n']);
    let length = password.chars().count() as u64;
    anyhow::ensure!(
        (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&length),
        "the password must be {PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters long"
    );
    let hash = password::hash(&SecretString::from(password.to_owned()))?;

    let db = Db::connect_for_command(&Config::database_url_from_env()?)?;
    let mut conn = db.conn()?;
    // A one-shot process has no cached callers or workers to tell: what the unit leaves for
    // after the commit is nobody's here, and running replicas see the change within a second.
    let (_, _after_commit) = Work::run(&mut conn, Utc::now(), |work| {
        let now = work.now();
        users::upsert_admin(work, email.as_str(), display_name, &hash, now)
    })?;
    eprintln!("admin {email} is ready");
    Ok(())
}
