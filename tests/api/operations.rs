use reqwest::StatusCode;

use crate::db_test;

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
