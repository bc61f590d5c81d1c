//! The sub-commands other than `serve`.

use std::io::Read;

use anyhow::Context;
use chrono::Utc;
use secrecy::SecretString;

use crate::auth::password;
use crate::config::Config;
use crate::db::Db;
use crate::domain::account::{EmailAddress, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
use crate::workflow::Work;
use crate::workflow::accounts::{self, AdminAccount};

pub fn migrate() -> anyhow::Result<()> {
    Db::connect_for_command(&Config::database_url_from_env()?)?;
    eprintln!("migrations are up to date");
    Ok(())
}

/// Makes `email` an admin with the password read from standard input; an existing account of
/// another role only if `promote`.
pub fn create_admin(email: &str, display_name: &str, promote: bool) -> anyhow::Result<()> {
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
    // after the commit is nobody's here, and running replicas see the change (and the sessions
    // it ends) within a second.
    let (outcome, _after_commit) = Work::run(&mut conn, Utc::now(), |work| {
        accounts::make_admin(work, &email, display_name, &hash, promote)
    })?;
    match outcome {
        AdminAccount::Created => eprintln!("admin {email} is ready"),
        AdminAccount::Reset => eprintln!("admin {email} is ready; its sessions have ended"),
        AdminAccount::Promoted(role) => eprintln!(
            "the {} account {email} is now an admin; its sessions have ended",
            role.as_str()
        ),
        AdminAccount::NotPromoted(role) => anyhow::bail!(
            "{email} is the address of an existing {} account: nothing was changed. Anyone can \
             register an address; if this account is yours, run again with --promote",
            role.as_str()
        ),
    }
    Ok(())
}
