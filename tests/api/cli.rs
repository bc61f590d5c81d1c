//! The binary's sub-commands, run as an operator would.

use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::StatusCode;

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
