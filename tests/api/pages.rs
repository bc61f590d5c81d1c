//! The web front end as served: `index.html` at `/` and at each route of the app (among them
//! those the links in e-mails open: `/verify-email`, `/reset-password`, `/accept-invitation`,
//! `/applications/{id}`), with headers fit for URLs that carry tokens; its files under
//! `/assets/{version}/`, cached for good; only for GET, beside 404s and 405s that stay problems,
//! and the API's paths untouched.

use reqwest::header::{
    ALLOW, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
};
use reqwest::{Method, Response, StatusCode, Url};
use serde_json::json;

use crate::db_test;
use crate::helpers::*;
use crate::review::{act, moved};
use crate::smtp::ReceivedMail;
use crate::stories::SUZHOU;

const APPLICATION_PAGE: &str = "/applications/0190a8c4-5e1b-7cc3-9a53-2b1c4d6e8f00";
/// Each route of the app, as a link may open it.
const PAGES: [&str; 9] = [
    "/",
    "/sign-in",
    "/register",
    "/forgot-password",
    "/verify-email?token=abc",
    "/accept-invitation?token=abc",
    "/reset-password?token=abc&invited=1",
    "/queue",
    APPLICATION_PAGE,
];
/// What the first load of the app may weigh at most, everything it loads together.
const FIRST_LOAD_LIMIT: usize = 150 * 1024;
const HTML: &str = "text/html; charset=utf-8";
const SCRIPT: &str = "text/javascript; charset=utf-8";
const STYLE: &str = "text/css; charset=utf-8";

fn header<'r>(res: &'r Response, name: &reqwest::header::HeaderName) -> &'r str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Asserts a 200 of `content_type` with the headers every page and file carries and the cache
/// policy given; returns the body.
async fn assert_served(res: Response, content_type: &str, cache: &str) -> String {
    let url = res.url().clone();
    assert_eq!(res.status(), StatusCode::OK, "{url}");
    assert_eq!(header(&res, &CONTENT_TYPE), content_type, "{url}");
    assert_eq!(header(&res, &CACHE_CONTROL), cache, "{url}");
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
        "base-uri 'none'",
    ] {
        assert!(
            csp.split(';').any(|d| d.trim() == directive),
            "{url}: {directive} in {csp:?}"
        );
    }
    assert!(!csp.contains("unsafe"), "{url}: {csp:?}");
    res.text().await.unwrap()
}

/// The app's page: never stored (its URLs carry tokens).
async fn assert_page(res: Response) -> String {
    let html = assert_served(res, HTML, "no-store").await;
    assert!(html.starts_with("<!doctype html>"), "{html}");
    html
}

/// An asset: cached for good (its URL changes with its content).
async fn assert_asset(res: Response, content_type: &str) -> String {
    assert_served(res, content_type, "public, max-age=31536000, immutable").await
}

/// The values of `attribute="…"` in `html`.
fn attributes<'h>(html: &'h str, attribute: &str) -> Vec<&'h str> {
    let start = format!(" {attribute}=\"");
    html.split(start.as_str())
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// The relative modules a script imports statically (`from "./x.js"`, `from"./x.mjs"`): what the
/// browser loads with it. (`import("./x.js")` loads a screen when it is first opened.)
fn imports(script: &str) -> Vec<&str> {
    script
        .split("from")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            rest[1..].split(quote).next()
        })
        .filter(|spec| spec.starts_with("./") || spec.starts_with("../"))
        .collect()
}

/// The first link in the mail's text to the front end (`http://portal.test` in tests), as a path
/// and query on this server.
pub(crate) fn link_path(mail: &ReceivedMail) -> String {
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
    async fn each_route_is_the_page_with_headers_for_links_with_tokens(app: TestApp) {
        for page in PAGES {
            let html = assert_page(app.get(page, None).await).await;
            // The policy refuses inline code: every script and style is a file of this server.
            assert!(
                !html.contains("<script>")
                    && !html.contains("<style")
                    && !html.contains("importmap"),
                "{page}"
            );
            for handler in ["onclick=", "onload=", "onsubmit=", "style="] {
                assert!(!html.contains(handler), "{page}: {handler}");
            }
            // Relative, so that the page also works under a path prefix, and versioned.
            let base = Url::parse(&app.url(page)).unwrap();
            for file in attributes(&html, "src")
                .into_iter()
                .chain(attributes(&html, "href"))
            {
                assert!(
                    !file.starts_with('/') && !file.contains("//"),
                    "{page}: {file}"
                );
                let url = base.join(file).unwrap();
                assert!(url.path().starts_with("/assets/"), "{page}: {url}");
                let res = app.client.get(url.clone()).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::OK, "{page}: {url}");
            }
        }
        // The same page everywhere, up to the way back to the root.
        let home = app.get("/", None).await.text().await.unwrap();
        let deep = app.get(APPLICATION_PAGE, None).await.text().await.unwrap();
        assert!(home.contains("\"./assets/"), "{home}");
        assert_eq!(home.replace("\"./assets/", "\"../assets/"), deep);
    }
);

db_test!(
    async fn the_first_load_is_small_versioned_and_never_stale(app: TestApp) {
        let index = assert_page(app.get("/", None).await).await;
        let base = Url::parse(&app.url("/")).unwrap();
        let mut to_load: Vec<Url> = attributes(&index, "src")
            .into_iter()
            .chain(attributes(&index, "href"))
            .map(|file| base.join(file).unwrap())
            .collect();
        let mut loaded: Vec<Url> = Vec::new();
        let mut bytes = index.len();
        while let Some(url) = to_load.pop() {
            if loaded.contains(&url) {
                continue;
            }
            let res = app.client.get(url.clone()).send().await.unwrap();
            let content_type = if url.path().ends_with(".css") {
                STYLE
            } else {
                SCRIPT
            };
            let body = assert_asset(res, content_type).await;
            bytes += body.len();
            // Text from the API goes in as text, never as markup (the app's own code).
            if !url.path().contains("/vendor/") {
                assert!(!body.contains("innerHTML"), "{url}");
                assert!(
                    !body.contains("document.write") && !body.contains("eval("),
                    "{url}"
                );
            }
            for import in imports(&body) {
                to_load.push(url.join(import).unwrap());
            }
            loaded.push(url);
        }
        let files: Vec<&str> = loaded.iter().map(Url::path).collect();
        for needed in [
            "/app.css",
            "/app/main.js",
            "/vendor/preact.mjs",
            "/vendor/hooks.mjs",
            "/vendor/htm.mjs",
            "/app/words.js",
        ] {
            assert!(
                files.iter().any(|f| f.ends_with(needed)),
                "{needed} in {files:?}"
            );
        }
        assert!(
            bytes < FIRST_LOAD_LIMIT,
            "the first load is {bytes} bytes: {files:?}"
        );

        // The tokens stay in the tab's session (or memory), never in local storage or a cookie;
        // the language is what local storage keeps.
        let version = files[0].split('/').nth(2).unwrap().to_owned();
        let script = |file: &str| format!("/assets/{version}/app/{file}");
        let api = app.get(&script("api.js"), None).await.text().await.unwrap();
        assert!(api.contains("sessionStorage") && !api.contains("localStorage"));
        assert!(!api.contains("cookie") && api.contains("credentials: \"omit\""));
        assert!(api.contains("Accept-Language") && api.contains("auth/refresh"));
        let i18n = app
            .get(&script("i18n.js"), None)
            .await
            .text()
            .await
            .unwrap();
        assert!(i18n.contains("localStorage") && i18n.contains("Asia/Shanghai"));

        // Another version names files this binary does not have.
        let res = app.get("/assets/0000000000000000/app.css", None).await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
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
        assert_page(app.get(&link, None).await).await;
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
        assert_page(app.get(&link, None).await).await;
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
        let html = assert_page(app.get(&link_path(&mail), None).await).await;
        assert!(html.contains("\"../assets/"), "{html}");
    }
);

db_test!(
    async fn paths_beside_the_app_are_still_not_found_and_the_api_is_untouched(app: TestApp) {
        let index = app.get("/", None).await.text().await.unwrap();
        let css = attributes(&index, "href")[0]
            .trim_start_matches("./")
            .to_owned();
        let version = css.split('/').nth(1).unwrap().to_owned();
        for path in [
            "/index.html".to_owned(),
            "/verify-email/".to_owned(),
            "/verify-email/abc".to_owned(),
            "/sign-in/".to_owned(),
            "/reset-password/abc".to_owned(),
            "/applications".to_owned(),
            "/applications/".to_owned(),
            "/applications/not-an-id".to_owned(),
            "/applications/0190a8c4-5e1b-7cc3-9a53-2b1c4d6e8f0".to_owned(),
            "/applications/0190a8c4-5e1b-7cc3-9a53-2b1c4d6e8f00/events".to_owned(),
            "/pages/common.js".to_owned(),
            "/assets".to_owned(),
            "/assets/".to_owned(),
            format!("/assets/{version}"),
            format!("/assets/{version}/"),
            format!("/assets/{version}/missing.js"),
            format!("/assets/{version}/app"),
            format!("/assets/{version}/App.css"),
            "/api/v1/nothing".to_owned(),
        ] {
            let res = app.get(&path, None).await;
            let problem = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
            assert_eq!(problem["status"], 404, "{path}");
        }
        assert_asset(app.get(&format!("/{css}"), None).await, STYLE).await;
        assert_asset(
            app.get(&format!("/assets/{version}/vendor/LICENSE-preact"), None)
                .await,
            "text/plain; charset=utf-8",
        )
        .await;

        let res = app.get("/healthz", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(header(&res, &CONTENT_TYPE).starts_with("application/json"));
        let res = app.get("/openapi.json", None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(header(&res, &CONTENT_TYPE).starts_with("application/json"));
        let res = app.get("/docs", None).await;
        assert!(res.status().is_redirection());
        let res = app.get("/api/v1/me", None).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
);

db_test!(
    async fn the_app_answers_only_get(app: TestApp) {
        let index = app.get("/", None).await.text().await.unwrap();
        let css = format!(
            "/{}",
            attributes(&index, "href")[0].trim_start_matches("./")
        );
        for path in PAGES.into_iter().chain([css.as_str()]) {
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
