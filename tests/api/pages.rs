//! The pages the links in e-mails open (`/verify-email`, `/reset-password`, `/accept-invitation`,
//! `/applications/{id}`): served by this server as HTML with headers fit for URLs that carry
//! tokens, only for GET, beside 404s and 405s that stay problems.

use reqwest::header::{
    ALLOW, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
};
use reqwest::{Method, Response, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::helpers::*;
use crate::review::{act, moved};
use crate::smtp::ReceivedMail;
use crate::stories::SUZHOU;

const APPLICATION_PAGE: &str = "/applications/0190a8c4-5e1b-7cc3-9a53-2b1c4d6e8f00";
const PAGES: [&str; 4] = [
    "/verify-email?token=abc",
    "/accept-invitation?token=abc",
    "/reset-password?token=abc&invited=1",
    APPLICATION_PAGE,
];

fn header<'r>(res: &'r Response, name: &reqwest::header::HeaderName) -> &'r str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Asserts a 200 of `content_type` with the headers every page and its files carry; returns the
/// body.
async fn assert_served(res: Response, content_type: &str) -> String {
    let url = res.url().clone();
    assert_eq!(res.status(), StatusCode::OK, "{url}");
    assert_eq!(header(&res, &CONTENT_TYPE), content_type, "{url}");
    assert_eq!(header(&res, &CACHE_CONTROL), "no-store", "{url}");
    assert_eq!(header(&res, &REFERRER_POLICY), "no-referrer", "{url}");
    assert_eq!(
        header(&res, &"x-content-type-options".parse().unwrap()),
        "nosniff"
    );
    let csp = header(&res, &CONTENT_SECURITY_POLICY);
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            csp.split(';').any(|d| d.trim() == directive),
            "{url}: {directive} in {csp:?}"
        );
    }
    assert!(!csp.contains("unsafe"), "{url}: {csp:?}");
    res.text().await.unwrap()
}

/// The values of `attribute="…"` in `html`.
fn attributes<'h>(html: &'h str, attribute: &str) -> Vec<&'h str> {
    let start = format!("{attribute}=\"");
    html.split(start.as_str())
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// The first link in the mail's text to the front end (`http://portal.test` in tests), as a path
/// and query on this server.
fn link_path(mail: &ReceivedMail) -> String {
    let base = "http://portal.test";
    let start = mail
        .body
        .find(base)
        .expect("the mail links to the front end");
    mail.body[start + base.len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

db_test!(
    async fn each_page_is_html_with_headers_for_links_that_carry_tokens(app: TestApp) {
        for page in PAGES {
            let html = assert_served(app.get(page, None).await, "text/html; charset=utf-8").await;
            assert!(html.starts_with("<!doctype html>"), "{page}");
            // The policy refuses inline code: every script and style is a file of this server.
            assert!(
                !html.contains("<script>") && !html.contains("<style"),
                "{page}"
            );
            for handler in ["onclick=", "onload=", "onsubmit="] {
                assert!(!html.contains(handler), "{page}: {handler}");
            }
            let scripts = attributes(&html, "src");
            let styles = attributes(&html, "href");
            assert_eq!(scripts.len(), 2, "{page}: common.js and the page's own");
            assert_eq!(styles.len(), 1, "{page}");
            let base = reqwest::Url::parse(&app.url(page)).unwrap();
            for (file, content_type) in scripts
                .iter()
                .map(|src| (src, "text/javascript; charset=utf-8"))
                .chain(styles.iter().map(|href| (href, "text/css; charset=utf-8")))
            {
                // Relative, so that the pages also work under a path prefix.
                assert!(!file.starts_with('/') && !file.contains("//"), "{file}");
                let url = base.join(file).unwrap();
                let res = app.client.get(url).send().await.unwrap();
                let body = assert_served(res, content_type).await;
                // Text from the API goes in as text, never as markup.
                assert!(
                    !body.contains("innerHTML") && !body.contains("outerHTML"),
                    "{file}"
                );
                assert!(!body.contains("document.write"), "{file}");
            }
        }
        // The sign-in form keeps the tokens in the page's memory, never in storage.
        let script = app
            .get("/pages/application.js", None)
            .await
            .text()
            .await
            .unwrap();
        assert!(script.contains("auth/login"));
        assert!(!script.contains("localStorage") && !script.contains("sessionStorage"));
        assert!(!script.contains("cookie"));
        let script = app
            .get("/pages/accept-invitation.js", None)
            .await
            .text()
            .await
            .unwrap();
        assert!(script.contains("auth/login") && script.contains("invitations/accept"));
        assert!(!script.contains("localStorage") && !script.contains("sessionStorage"));
    }
);

db_test!(
    async fn the_links_in_mails_open_pages_of_this_server(app: TestApp) {
        // Verification: opening the page does not spend the token (mail scanners open links).
        app.register("new@dealer.example").await;
        let mail = app
            .smtp
            .wait_for("new@dealer.example", "Confirm your e-mail address")
            .await;
        let link = link_path(&mail);
        assert!(link.starts_with("/verify-email?token="), "{link}");
        assert_served(app.get(&link, None).await, "text/html; charset=utf-8").await;
        let res = app
            .post(
                "/api/v1/auth/verify-email",
                None,
                &json!({"token": mail.token()}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        // A staff invitation: the reset page, told to greet a newcomer.
        let admin = app.admin("admin@maker.example").await;
        let res = app
            .post(
                "/api/v1/staff",
                Some(&admin),
                &json!({"email": "rev@maker.example", "display_name": "Reviewer", "role": "reviewer", "city_codes": [SUZHOU], "locale": "en"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let mail = app.smtp.wait_for("rev@maker.example", "invited").await;
        let link = link_path(&mail);
        assert!(link.starts_with("/reset-password?token="), "{link}");
        assert!(link.ends_with("&invited=1"), "{link}");
        assert_served(app.get(&link, None).await, "text/html; charset=utf-8").await;
        let res = app.confirm_password_reset(&mail.token(), PASSWORD).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        // An application's receipt.
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        moved(
            act(app, &owner, &id, json!({"action": "submit"})).await,
            "under_review",
        )
        .await;
        let mail = app
            .smtp
            .wait_for("owner@dealer.example", "We have received your application")
            .await;
        app.smtp
            .wait_for("rev@maker.example", "New application to review")
            .await;
        assert_eq!(link_path(&mail), format!("/applications/{id}"));
        let html = assert_served(
            app.get(&link_path(&mail), None).await,
            "text/html; charset=utf-8",
        )
        .await;
        assert!(html.contains("id=\"sign-in\""));
    }
);

db_test!(
    async fn paths_beside_the_pages_are_still_not_found(app: TestApp) {
        for path in [
            "/verify-email/",
            "/verify-email/abc",
            "/verify-email.html",
            "/reset-password/abc",
            "/applications",
            "/applications/",
            "/applications/not-an-id",
            "/applications/0190a8c4-5e1b-7cc3-9a53-2b1c4d6e8f0",
            "/applications/0190a8c4-5e1b-7cc3-9a53-2b1c4d6e8f00/events",
            "/pages",
            "/pages/",
            "/pages/missing.js",
            "/pages/verify-email.html",
        ] {
            let res = app.get(path, None).await;
            let problem = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
            assert_eq!(problem["status"], 404, "{path}");
        }
    }
);

db_test!(
    async fn the_pages_answer_only_get(app: TestApp) {
        for path in PAGES.into_iter().chain(["/pages/common.js"]) {
            for method in [Method::HEAD, Method::POST, Method::PUT, Method::DELETE] {
                let res = app
                    .request(method.clone(), path, None)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    res.status(),
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}"
                );
                assert_eq!(header(&res, &ALLOW), "GET", "{method} {path}");
                if method != Method::HEAD {
                    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
                }
            }
        }
    }
);
