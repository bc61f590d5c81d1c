//! Cross-origin use of the API from browsers, for the front ends named in
//! `CORS_ALLOWED_ORIGINS` (the CORS protocol of the Fetch standard). Callers authenticate with
//! bearer tokens, never cookies, so credentialed requests are never allowed.
//!
//! Not `actix-cors`: its last release for Rust 1.85 (0.7.1) answers a preflight 200 and a refused
//! one 400 in plain text, where this API answers 204 and a problem body; what is left to write is
//! a handful of fixed header values.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::http::vary;
use crate::state::AppState;

/// Every method the API has.
const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
/// What a front end sends beyond the CORS-safelisted headers.
const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, If-Match, Idempotency-Key, Accept-Language";
/// What a front end needs to read: versions for `If-Match`, where a new resource is, when to
/// retry, the rate limits, the id to quote in a support request, and whether a retry was replayed.
const EXPOSE_HEADERS: &str = "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Request-Id, Idempotent-Replayed";
/// How long a browser may reuse a preflight's answer; Chromium keeps one two hours at most.
const MAX_AGE_SECONDS: &str = "3600";

/// Middleware: answers preflights, and marks the responses to allowed origins as readable by them.
///
/// - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) never reaches a
///   handler, so it needs no token and counts against no rate limit: from an allowed origin it
///   gets 204 with what the API allows; from any other, 403 `forbidden` and no CORS headers.
/// - Any other request is served as usual; the response names an allowed origin in
///   `Access-Control-Allow-Origin` and exposes `EXPOSE_HEADERS` to it, errors included.
///
/// Inside `problem::localize`, which keeps these headers when it re-renders an error and gives the
/// refused preflight its problem body in the caller's language.
pub async fn handle(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let allowed_origins = &state.config.cors_allowed_origins;
    if allowed_origins.is_empty() {
        // Same-origin only: responses do not depend on `Origin`, so they say nothing about it.
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .filter(|origin| {
            allowed_origins
                .iter()
                .any(|allowed| allowed.as_bytes() == origin.as_bytes())
        })
        .cloned();
    let mut res = if is_preflight(&req) {
        match origin {
            Some(origin) => req.into_response(preflight(origin)),
            None => req.error_response(AppError::Forbidden),
        }
    } else {
        let mut res = next.call(req).await?.map_into_boxed_body();
        if let Some(origin) = origin {
            let headers = res.headers_mut();
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSE_HEADERS),
            );
        }
        res
    };
    // Whether the origin is allowed or not, the answer depends on it: caches must not mix them.
    vary::add(res.headers_mut(), "Origin");
    Ok(res)
}

fn is_preflight(req: &ServiceRequest) -> bool {
    req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ORIGIN)
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// The answer to a preflight from `origin`, an allowed one: the same for every path, since the
/// browser checks the method and headers it wants against these lists itself.
fn preflight(origin: HeaderValue) -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS))
        .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS))
        .finish()
}
