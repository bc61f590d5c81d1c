use reqwest::StatusCode;

use crate::db_test;
use crate::helpers::{Backend, TestApp};

db_test!(
    async fn health_and_readiness_answer_with_a_request_id(app: TestApp) {
        let res = app.get("/healthz", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers().contains_key("x-request-id"));
        let res = app.get("/readyz", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.json::<serde_json::Value>().await.unwrap()["status"],
            "ready"
        );
    }
);

db_test!(
    async fn metrics_count_requests_by_route_pattern_and_show_the_outbox(app: TestApp) {
        app.get("/readyz", None).await;
        app.get("/api/v1/staff/not-a-uuid", None).await;
        let res = app.get("/metrics", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let text = res.text().await.unwrap();
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="/readyz",status="200"} 1"#),
            "{text}"
        );
        // By pattern, never by raw path.
        assert!(text.contains(r#"route="/api/v1/staff/{id}""#), "{text}");
        assert!(!text.contains("not-a-uuid"));
        assert!(text.contains("http_request_duration_seconds_bucket"));
        assert!(text.contains("mail_outbox_pending 0"), "{text}");
        // Every background job, by name, from the start.
        for job in ["mail", "webhooks", "letters_of_intent", "housekeeping"] {
            for metric in ["job_queued", "job_in_flight", "job_failed_total"] {
                assert!(
                    text.contains(&format!(r#"{metric}{{job="{job}"}} 0"#)),
                    "{text}"
                );
            }
        }
    }
);

db_test!(
    async fn metrics_labels_stay_bounded_whatever_methods_and_paths_come(app: TestApp) {
        for i in 0..60 {
            let method = reqwest::Method::from_bytes(format!("M{i}ETHOD").as_bytes()).unwrap();
            let res = app
                .request(method, &format!("/no/such/path/{i}"), None)
                .send()
                .await
                .unwrap();
            assert!(res.status().is_client_error());
            let method = reqwest::Method::from_bytes(format!("X{i}").as_bytes()).unwrap();
            app.request(method, "/readyz", None).send().await.unwrap();
        }
        let text = app.get("/metrics", None).await.text().await.unwrap();
        let series = text
            .lines()
            .filter(|line| line.starts_with("http_requests_total{"))
            .collect::<Vec<_>>();
        // Unknown methods are one label, unmatched paths another: a handful of series.
        assert!(series.len() <= 4, "{series:#?}");
        assert!(
            series
                .iter()
                .any(|s| s.contains(r#"method="OTHER",route="unmatched""#)),
            "{series:#?}"
        );
        assert!(!text.contains("M1ETHOD") && !text.contains("/no/such/path"));
    }
);

db_test!(
    async fn the_docs_page_and_the_openapi_document_are_served(app: TestApp) {
        let res = app.get("/docs", None).await;
        assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(res.headers()["location"], "/docs/");
        let res = app.get("/docs/", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.text().await.unwrap().contains("swagger-ui"));
        let res = app.get("/docs/swagger-initializer.js", None).await;
        assert!(res.text().await.unwrap().contains("/openapi.json"));

        let res = app.get("/openapi.json", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let served = res.text().await.unwrap();
        let committed =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
                .unwrap();
        assert!(
            served == committed,
            "GET /openapi.json differs from openapi/openapi.json"
        );
    }
);

/// The interactive documentation may not be framed, and loads nothing from elsewhere: its page
/// names only same-origin assets (served here, under the same policy) and has no inline script.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_cannot_be_framed_and_loads_only_from_here() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe-eval") && !csp.contains("script-src 'self' 'unsafe-inline'"));
    assert_eq!(headers["x-frame-options"], "DENY");
    let page = res.text().await.unwrap();
    // Every script is a file; every src and href is relative, so same-origin.
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=").count()
    );
    let mut assets = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (at, _) in page.match_indices(attribute) {
            let rest = &page[at + attribute.len()..];
            let url = &rest[..rest.find('"').unwrap()];
            assert!(!url.contains("//") && !url.starts_with('/'), "{url}");
            assets.push(url.trim_start_matches("./").to_owned());
        }
    }
    assert!(assets.len() >= 5, "{assets:?}");
    for asset in assets {
        let res = app.get(&format!("/docs/{asset}"), None).await;
        assert_eq!(res.status(), StatusCode::OK, "{asset}");
        assert_eq!(
            res.headers()["content-security-policy"].to_str().unwrap(),
            csp,
            "{asset}"
        );
    }
    // The initializer sets no validator, which would load a badge from the public one.
    let init = app.get("/docs/swagger-initializer.js", None).await;
    assert!(
        init.text()
            .await
            .unwrap()
            .contains("\"validatorUrl\": \"none\"")
    );
    let res = app.get("/docs", None).await;
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    app.finish().await;
}

/// The SQLite database with its journal files, and the upload folder, are the server's user's
/// alone (0600, 0700), whatever the umask.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_and_the_upload_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;

    use dealer_portal::config::DatabaseUrl;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o7777;
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    // A write, so that the write-ahead log exists.
    app.admin("lead@maker.example").await;
    let DatabaseUrl::Sqlite(path) = &app.state.config.database_url else {
        panic!("a SQLite app");
    };
    assert_eq!(mode(path), 0o600);
    let mut journals = 0;
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let journal = std::path::Path::new(&name);
        if journal.exists() {
            journals += 1;
            assert_eq!(mode(journal), 0o600, "{}", journal.display());
        }
    }
    assert!(journals > 0, "SQLite runs in WAL mode");
    assert_eq!(mode(&app.state.config.upload_dir), 0o700);
    app.finish().await;
}

/// The committed document must be what the code generates: regenerate it with
/// `cargo run -- openapi > openapi/openapi.json` after changing an operation.
#[test]
fn the_committed_openapi_document_matches_the_code() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();
    let generated = dealer_portal::openapi::document_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn every_operation_documents_its_errors_and_every_secured_one_its_auth() {
    let doc: serde_json::Value =
        serde_json::from_str(dealer_portal::openapi::document_json()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(op["summary"].is_string(), "{method} {path} has no summary");
            assert!(responses.contains_key("500"), "{method} {path}");
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
            }
            let takes_if_match = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
            if takes_if_match {
                assert!(
                    responses.contains_key("412") && responses.contains_key("428"),
                    "{method} {path}"
                );
            }
            if op.get("security").is_some() {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{method} {path}"
                );
            }
        }
    }
}

/// A pooled connection idle for a moment is checked before it is handed out (one back less than
/// half a second ago is not): connections the database closed meanwhile are replaced, and no
/// request fails for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_the_database_closed_are_replaced_without_failing_a_request() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let admin = app.admin("lead@maker.example").await;
    // Several requests at once, so that the pool holds several connections.
    let burst =
        || futures_util::future::join_all((0..6).map(|_| app.get("/api/v1/me", Some(&admin))));
    for res in burst().await {
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert!(
        other_connections(&app).await >= 2,
        "the pool holds several connections"
    );
    crate::review::sql(
        &app,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    for res in burst().await {
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{}",
            res.text().await.unwrap()
        );
    }
    let res = app.get("/readyz", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    app.finish().await;
}

/// The connections to the app's database besides the one asking.
async fn other_connections(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid())",
        ))
        .get_result(&mut *db.conn().unwrap())
        .unwrap()
    })
    .await
    .unwrap()
}
