//! The binary's sub-commands, run as an operator would.

use std::io::Write;
use std::process::{Command, Stdio};

use dealer_portal::auth::principal_cache::TTL;
use reqwest::StatusCode;
use serde_json::json;

use crate::db_test;
use crate::helpers::*;

const BINARY: &str = env!("CARGO_BIN_EXE_dealer-portal");

fn run_binary(args: &[&str], database_url: &str, stdin: &str) -> std::process::Output {
    let mut child = Command::new(BINARY)
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

db_test!(
    async fn create_admin_makes_an_account_that_signs_in(app: TestApp) {
        let url = app.database_url.clone();
        let output = tokio::task::spawn_blocking(move || {
            run_binary(
                &[
                    "create-admin",
                    "--email",
                    "Ops@Maker.example",
                    "--display-name",
                    "Ops",
                    "--password-stdin",
                ],
                &url,
                "an operator password\n",
            )
        })
        .await
        .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let token = access_token(
            &app.tokens("ops@maker.example", "an operator password")
                .await,
        );
        let me: serde_json::Value = app.get_json("/api/v1/me", Some(&token)).await;
        assert_eq!(me["role"], "admin");

        // Run again: it resets the password, and makes no second account.
        let url = app.database_url.clone();
        let output = tokio::task::spawn_blocking(move || {
            run_binary(
                &[
                    "create-admin",
                    "--email",
                    "ops@maker.example",
                    "--display-name",
                    "Ops",
                    "--password-stdin",
                ],
                &url,
                "another operator password",
            )
        })
        .await
        .unwrap();
        assert!(output.status.success());
        assert_eq!(
            app.login("ops@maker.example", "an operator password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
        app.tokens("ops@maker.example", "another operator password")
            .await;
    }
);

/// `create-admin` for `email`, `--promote` if asked, with a good password.
async fn create_admin(app: &TestApp, email: &str, promote: bool) -> std::process::Output {
    let url = app.database_url.clone();
    let email = email.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut args = vec![
            "create-admin",
            "--email",
            &email,
            "--display-name",
            "Lead",
            "--password-stdin",
        ];
        if promote {
            args.push("--promote");
        }
        run_binary(&args, &url, "the operator's long password")
    })
    .await
    .unwrap()
}

/// Waits until `token` is refused: the server believes a confirmed caller for up to `TTL`, and
/// learns of another process's change only when it asks the database again.
async fn until_refused(app: &TestApp, token: &str) {
    let changed = std::time::Instant::now();
    // Generous against a slow machine; what matters is that it ends, and soon.
    while app.get("/api/v1/me", Some(token)).await.status() != StatusCode::UNAUTHORIZED {
        assert!(
            changed.elapsed() < TTL + std::time::Duration::from_secs(2),
            "still admitted {:?} after the change",
            changed.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

db_test!(
    async fn create_admin_does_not_promote_whoever_registered_the_address_first(app: TestApp) {
        // Someone registers the address the operator is about to make an admin, and signs in.
        app.registered("lead@maker.example").await;
        let squatter = app.tokens("lead@maker.example", PASSWORD).await;
        let access = access_token(&squatter);

        let output = create_admin(app, "lead@maker.example", false).await;
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("--promote") && stderr.contains("applicant"),
            "{stderr}"
        );
        let me: serde_json::Value = app.get_json("/api/v1/me", Some(&access)).await;
        assert_eq!(me["role"], "applicant");
        assert_problem(
            app.login("lead@maker.example", "the operator's long password")
                .await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;

        // Told to promote it, it does, and every session of the account ends: the squatter's
        // tokens make no admin, and no backdoor.
        let output = create_admin(app, "lead@maker.example", true).await;
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        until_refused(app, &access).await;
        let res = app
            .post(
                "/api/v1/api-clients",
                Some(&access),
                &json!({"name": "backdoor", "scopes": ["applications:read"]}),
            )
            .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
        app.assert_signed_out(&squatter).await;
        assert_problem(
            app.login("lead@maker.example", PASSWORD).await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
        let admin = access_token(
            &app.tokens("lead@maker.example", "the operator's long password")
                .await,
        );
        let me: serde_json::Value = app.get_json("/api/v1/me", Some(&admin)).await;
        assert_eq!(me["role"], "admin");

        // Resetting an admin ends its sessions too.
        let output = create_admin(app, "lead@maker.example", false).await;
        assert!(output.status.success());
        until_refused(app, &admin).await;
        app.tokens("lead@maker.example", "the operator's long password")
            .await;
    }
);

#[test]
fn serve_refuses_a_short_jwt_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BINARY)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("s.db").display()),
        )
        .env("BIND", "127.0.0.1:0")
        .env("JWT_SECRET", "only-31-bytes-long-0123456789ab")
        .env("MAIL_DIR", dir.path().join("mail"))
        .env("UPLOAD_DIR", dir.path().join("uploads"))
        .env("RUST_LOG", "warn")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        status.is_some_and(|s| !s.success()),
        "the server started with a 31-byte JWT_SECRET"
    );
    assert!(
        stderr.contains("JWT_SECRET") && stderr.contains("32"),
        "{stderr}"
    );
}

#[test]
fn create_admin_refuses_weak_passwords_and_bad_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let output = run_binary(
        &[
            "create-admin",
            "--email",
            "a@maker.example",
            "--display-name",
            "A",
            "--password-stdin",
        ],
        &url,
        "short",
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("12 to 128"));
    let output = run_binary(
        &[
            "create-admin",
            "--email",
            "nope",
            "--display-name",
            "A",
            "--password-stdin",
        ],
        &url,
        "long enough password",
    );
    assert!(!output.status.success());
    let output = run_binary(
        &[
            "create-admin",
            "--email",
            "a@maker.example",
            "--display-name",
            "A",
        ],
        &url,
        "long enough password",
    );
    assert!(!output.status.success(), "--password-stdin is required");
}

#[test]
fn migrate_works_on_a_fresh_machine_and_openapi_needs_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}",
        dir.path().join("nested/dir/cli.db").display()
    );
    let output = run_binary(&["migrate"], &url, "");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("nested/dir/cli.db").exists());

    let output = run_binary(&["openapi"], "postgres://nobody@127.0.0.1:1/none", "");
    assert!(output.status.success());
    let committed =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap();
    assert!(
        output.stdout == committed,
        "`dealer-portal openapi` differs from openapi/openapi.json"
    );

    let output = run_binary(&["migrate"], "mysql://nope", "");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("DATABASE_URL"));
}

#[test]
fn help_names_every_sub_command() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["serve", "migrate", "create-admin", "openapi"] {
        assert!(help.contains(command), "{help}");
    }
}

/// `dealer-portal openapi | head`: the reader closes the pipe after a few lines, and the command
/// ends quietly and successfully.
#[test]
fn openapi_ends_quietly_when_the_reader_closes_the_pipe() {
    use std::io::Read;
    use std::process::{Command, Stdio};

    let mut child = Command::new(BINARY)
        .arg("openapi")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    assert!(
        first.starts_with(b"{"),
        "{:?}",
        String::from_utf8_lossy(&first)
    );
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {said}", output.status);
    assert!(said.is_empty(), "{said}");
}

/// Starts `serve` on fresh files in `dir` and reads its log up to the start-up line: that line
/// and what came before it.
fn first_minute(dir: &std::path::Path) -> (String, Vec<String>) {
    use std::io::BufRead;

    let mut child = Command::new(BINARY)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("portal.db").display()),
        )
        .env("BIND", "127.0.0.1:0")
        .env("MAIL_DIR", dir.join("mail"))
        .env("UPLOAD_DIR", dir.join("uploads"))
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (told, heard) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = told.send(line);
        }
    });
    let mut said = Vec::new();
    let serving = loop {
        match heard.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(line) if line.contains("serving the front end at") => break Some(line),
            Ok(line) => said.push(line),
            Err(_) => break None,
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let line = serving.unwrap_or_else(|| panic!("no start-up line in {said:#?}"));
    (line, said)
}

/// The first minute: one line says where the portal is (front end, documentation, metrics) and
/// what it uses (the database file, the mail folder).
#[test]
fn serve_says_where_it_serves_and_what_it_uses() {
    let dir = tempfile::tempdir().unwrap();
    let (line, _) = first_minute(dir.path());
    let front_end = line
        .split("serving the front end at ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap()
        .to_owned();
    assert!(front_end.starts_with("http://127.0.0.1:"), "{line}");
    assert!(
        !front_end.ends_with(":0/"),
        "the port it really listens on: {line}"
    );
    assert!(line.contains(&format!("{front_end}docs/")), "{line}");
    assert!(line.contains(&format!("{front_end}metrics")), "{line}");
    let database = dir.path().join("portal.db");
    assert!(
        line.contains(&format!("SQLite {}", database.display())),
        "{line}"
    );
    let mail = dir.path().join("mail");
    assert!(
        line.contains(&format!("the folder {}", mail.display())),
        "{line}"
    );
}

/// A fresh start logs no error: the pool's first connections used to race to make a new SQLite
/// file a WAL database, and one in seven or so starts logged "database is locked".
#[test]
fn fresh_starts_log_no_error() {
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let (_, said) = first_minute(dir.path());
        let errors: Vec<&String> = said
            .iter()
            .filter(|line| line.contains("ERROR") || line.contains("locked"))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
