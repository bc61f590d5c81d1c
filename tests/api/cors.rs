//! A front end on another origin: CORS for the origins in `CORS_ALLOWED_ORIGINS` (and none
//! without it), `Vary` on what depends on the caller's language, `Allow` on a 405.

use dealer_portal::config::RateLimitSettings;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::json;

use crate::db_test;
use crate::helpers::*;

const FRONT_END: &str = "https://portal.example.com";
const STRANGER: &str = "https://portal.example.com.evil.test";
const EXPOSED: &str = "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Request-Id, Idempotent-Replayed";

fn front_end_setup() -> Setup {
    Setup {
        cors_allowed_origins: vec![FRONT_END.into(), "http://localhost:5173".into()],
        ..Setup::default()
    }
}

/// What a browser asks before a cross-origin `method` with a token and a JSON body.
fn preflight(app: &TestApp, path: &str, origin: &str, method: &str) -> RequestBuilder {
    app.request(Method::OPTIONS, path, None)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type,if-match",
        )
}

async fn from(origin: &str, request: RequestBuilder) -> Response {
    request.header("Origin", origin).send().await.unwrap()
}

fn header<'a>(res: &'a Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

/// The names of the response's CORS headers.
fn cors_headers(res: &Response) -> Vec<String> {
    res.headers()
        .keys()
        .map(|name| name.as_str().to_owned())
        .filter(|name| name.starts_with("access-control-"))
        .collect()
}

/// The names in the response's `Vary`, which must be one header line.
fn vary(res: &Response) -> Vec<String> {
    let lines: Vec<&str> = res
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(lines.len() <= 1, "one Vary line: {lines:?}");
    lines
        .iter()
        .flat_map(|line| line.split(','))
        .map(|name| name.trim().to_owned())
        .collect()
}

/// Asserts that an allowed origin may read `res`, and the headers a front end needs from it.
fn assert_readable_by_front_end(res: &Response) {
    assert_eq!(header(res, "access-control-allow-origin"), Some(FRONT_END));
    assert_eq!(header(res, "access-control-expose-headers"), Some(EXPOSED));
    assert_eq!(header(res, "access-control-allow-credentials"), None);
    assert!(vary(res).contains(&"Origin".to_owned()), "{:?}", vary(res));
}

db_test!(
    setup: Setup {
        rate_limits: RateLimitSettings {
            per_address_per_minute: 2,
            ..RateLimitSettings::default()
        },
        ..front_end_setup()
    };
    async fn a_preflight_from_an_allowed_origin_needs_no_token_and_no_rate_limit(app: TestApp) {
        // More preflights at sign-in than the address may sign in.
        for _ in 0..3 {
            let res = preflight(app, "/api/v1/auth/login", FRONT_END, "POST")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::NO_CONTENT);
            assert_eq!(header(&res, "access-control-allow-origin"), Some(FRONT_END));
            assert_eq!(
                header(&res, "access-control-allow-methods"),
                Some("GET, POST, PUT, PATCH, DELETE")
            );
            assert_eq!(
                header(&res, "access-control-allow-headers"),
                Some("Authorization, Content-Type, If-Match, Idempotency-Key, Accept-Language")
            );
            assert_eq!(header(&res, "access-control-max-age"), Some("3600"));
            assert_eq!(header(&res, "access-control-allow-credentials"), None);
            assert_eq!(header(&res, "ratelimit-limit"), None);
            assert!(vary(&res).contains(&"Origin".to_owned()));
            assert!(res.text().await.unwrap().is_empty());
        }
        // One that needs a token, for a path with a parameter, from the other allowed origin.
        let res = preflight(app, "/api/v1/applications/0190a8c4-0000-7000-8000-000000000000", "http://localhost:5173", "PATCH")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            header(&res, "access-control-allow-origin"),
            Some("http://localhost:5173")
        );

        // The preflights counted nothing: both sign-ins the address has are left, and the
        // refusal after them is readable by the front end, with when to retry.
        for remaining in ["1", "0"] {
            let res = from(FRONT_END, app.request(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({"email": "nobody@example.com", "password": PASSWORD})))
            .await;
            assert_readable_by_front_end(&res);
            assert_eq!(header(&res, "ratelimit-remaining"), Some(remaining));
            assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        }
        let res = from(FRONT_END, app.request(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"email": "nobody@example.com", "password": PASSWORD})))
        .await;
        assert_readable_by_front_end(&res);
        assert!(header(&res, "retry-after").is_some());
        assert_eq!(header(&res, "ratelimit-limit"), Some("2"));
        assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    }
);

db_test!(
    setup: front_end_setup();
    async fn another_origin_gets_no_cors_headers(app: TestApp) {
        // A look-alike of an allowed origin, the allowed one with a path, and none at all.
        for origin in [STRANGER, "https://portal.example.com/", "null"] {
            let res = preflight(app, "/api/v1/auth/login", origin, "POST")
                .header("Accept-Language", "zh-CN")
                .send()
                .await
                .unwrap();
            assert_eq!(cors_headers(&res), Vec::<String>::new(), "{origin}");
            assert_eq!(vary(&res), ["Origin", "Accept-Language"]);
            let body = assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
            assert_eq!(body["title"], "禁止访问");
        }

        // Its requests are served (the browser keeps the answer from it), readable by nobody.
        let res = from(STRANGER, app.request(Method::GET, "/api/v1/cities", None)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(cors_headers(&res), Vec::<String>::new());
        assert_eq!(vary(&res), ["Origin", "Accept-Language"]);
        let res = from(STRANGER, app.request(Method::GET, "/api/v1/me", None)).await;
        assert_eq!(cors_headers(&res), Vec::<String>::new());
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;

        // A same-origin request sends no `Origin`: no CORS headers, but the answer still varies.
        let res = app.get("/api/v1/cities", None).await;
        assert_eq!(cors_headers(&res), Vec::<String>::new());
        assert_eq!(vary(&res), ["Origin", "Accept-Language"]);
    }
);

db_test!(
    setup: front_end_setup();
    async fn an_allowed_origin_reads_answers_and_problems_alike(app: TestApp) {
        let res = from(FRONT_END, app.request(Method::GET, "/api/v1/cities/610100", None)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_readable_by_front_end(&res);
        assert_eq!(vary(&res), ["Origin", "Accept-Language"]);
        assert_eq!(header(&res, "etag"), Some("\"1\""));
        assert!(header(&res, "x-request-id").is_some());

        // 401: the challenge survives beside the CORS headers.
        let res = from(FRONT_END, app.request(Method::GET, "/api/v1/me", None)).await;
        assert_readable_by_front_end(&res);
        assert!(header(&res, "www-authenticate").is_some());
        assert_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;

        let res = from(FRONT_END, app.request(Method::GET, "/api/v1/cities/999999", None)).await;
        assert_readable_by_front_end(&res);
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

        let res = from(FRONT_END, app.request(Method::POST, "/api/v1/auth/register", None)
            .json(&json!({"email": "not an address", "password": "short", "display_name": "Li Wei"})))
        .await;
        assert_readable_by_front_end(&res);
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

        let res = from(FRONT_END, app.request(Method::DELETE, "/api/v1/me", None)).await;
        assert_readable_by_front_end(&res);
        assert_eq!(header(&res, "allow"), Some("GET, PATCH"));
        assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
);

db_test!(
    async fn without_allowed_origins_there_is_no_cors_at_all(app: TestApp) {
        // A preflight is an OPTIONS like any other: no route takes it.
        let res = preflight(app, "/api/v1/auth/login", FRONT_END, "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(cors_headers(&res), Vec::<String>::new());
        assert_eq!(header(&res, "allow"), Some("POST"));
        assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;

        let res = from(FRONT_END, app.request(Method::GET, "/api/v1/cities", None)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(cors_headers(&res), Vec::<String>::new());
        assert_eq!(vary(&res), ["Accept-Language"]);
    }
);

db_test!(
    async fn what_depends_on_the_language_says_so_in_vary(app: TestApp) {
        // Problems are in the caller's language wherever they come from.
        for res in [
            app.get("/api/v1/nothing-here", None).await,
            app.get("/nothing-here", None).await,
            app.request(Method::PUT, "/healthz", None)
                .send()
                .await
                .unwrap(),
            app.get("/api/v1/me", None).await,
        ] {
            assert_eq!(vary(&res), ["Accept-Language"], "{}", res.url());
        }
        // So is every API answer (labels, messages); the operations' plain answers are not.
        assert_eq!(
            vary(&app.get("/api/v1/cities", None).await),
            ["Accept-Language"]
        );
        assert_eq!(vary(&app.get("/healthz", None).await), Vec::<String>::new());
    }
);

db_test!(
    async fn a_wrong_method_on_a_known_path_is_405_with_allow(app: TestApp) {
        let id = "0190a8c4-0000-7000-8000-000000000000";
        let documents = format!("/api/v1/applications/{id}/documents/{id}");
        let item = format!("/api/v1/applications/{id}");
        for (method, path, allow) in [
            (Method::DELETE, "/api/v1/me", "GET, PATCH"),
            (Method::OPTIONS, "/api/v1/me", "GET, PATCH"),
            (Method::PUT, "/api/v1/auth/login", "POST"),
            (Method::DELETE, "/api/v1/cities", "GET, POST"),
            (Method::POST, documents.as_str(), "DELETE, GET"),
            (Method::PUT, item.as_str(), "GET, PATCH"),
            // `export.csv` could be an id too: a PATCH would reach the application's.
            (
                Method::DELETE,
                "/api/v1/applications/export.csv",
                "GET, PATCH",
            ),
            (Method::HEAD, "/healthz", "GET"),
            (Method::POST, "/openapi.json", "GET"),
            (Method::DELETE, "/docs/index.html", "GET"),
        ] {
            let res = app
                .request(method.clone(), path, None)
                .header("Accept-Language", "zh-CN")
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_eq!(header(&res, "allow"), Some(allow), "{method} {path}");
            if method != Method::HEAD {
                let body =
                    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
                assert_eq!(body["title"], "方法不允许");
            }
        }
        // An unknown path is not found, whatever the method.
        for method in [Method::GET, Method::DELETE, Method::OPTIONS] {
            let res = app
                .request(method, "/api/v1/applications/x/nothing", None)
                .send()
                .await
                .unwrap();
            assert_eq!(header(&res, "allow"), None);
            assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        }
    }
);
