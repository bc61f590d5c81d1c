//! Every error leaves as one problem body: in the caller's language, with the request id, and
//! for actix's own errors (unknown route, wrong method, bad path) too. A wrong method on a known
//! path is a 405 naming the path's methods in `Allow`.

use std::collections::BTreeSet;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use tracing_actix_web::RequestId;

use crate::error::{AppError, ProblemCode};
use crate::http::vary;
use crate::i18n::Locale;

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The problem an actix error stands for, when it is not one of ours.
fn as_app_error(error: &actix_web::Error) -> AppError {
    if let Some(app) = error.as_error::<AppError>() {
        return app.copy();
    }
    match error.as_response_error().status_code() {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
        status if status.is_client_error() => AppError::BadRequest(ProblemCode::MalformedBody),
        _ => AppError::Internal(anyhow::anyhow!("{error}")),
    }
}

/// Middleware: re-renders error responses in the caller's language with the request id, keeping
/// the headers the first rendering had beside its body (`Allow`, CORS, ...), and adds
/// `X-Request-Id` to every response and `Vary: Accept-Language` to those in a language: every
/// problem and every API response (labels, messages).
pub async fn localize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Read what we need now: holding a clone of the request would stop the router from
    // recording the matched path on it.
    let locale = Locale::from_request(req.request()).unwrap_or(Locale::En);
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let in_api = req.path().starts_with("/api/");
    let (mut res, in_a_language) = match next.call(req).await {
        Ok(res) => match res.response().error().map(as_app_error) {
            Some(error) => {
                let mut problem = error.render(locale, request_id.clone());
                keep_headers(res.headers(), problem.headers_mut());
                (res.into_response(problem), true)
            }
            None => (res.map_into_boxed_body(), in_api),
        },
        // Without the request there is no response to build here; actix renders the problem.
        Err(error) => return Err(as_app_error(&error).into()),
    };
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    if in_a_language {
        vary::add(res.headers_mut(), "Accept-Language");
    }
    Ok(res)
}

/// Copies to `to` the headers of `from` that `to` does not set itself.
fn keep_headers(from: &HeaderMap, to: &mut HeaderMap) {
    let own: Vec<HeaderName> = to.keys().cloned().collect();
    for (name, value) in from.iter() {
        if !own.contains(name) {
            to.append(name.clone(), value.clone());
        }
    }
}

/// Which methods each registered path answers, for the `Allow` of a 405. Built once at start-up
/// from the route registration, so that it names what the router really serves.
pub struct RouteMethods {
    routes: Vec<(ResourceDef, Method)>,
}

impl RouteMethods {
    /// `routes`: each route's path pattern (`/api/v1/staff/{id}`) with one method it answers.
    pub fn new(routes: impl IntoIterator<Item = (String, Method)>) -> Self {
        Self {
            routes: routes
                .into_iter()
                .map(|(pattern, method)| (ResourceDef::new(pattern), method))
                .collect(),
        }
    }

    /// `Allow` for `path`: the methods of every route whose pattern matches it, in alphabetical
    /// order; `None` when no route has the path.
    pub fn allow(&self, path: &str) -> Option<String> {
        let methods: BTreeSet<&str> = self
            .routes
            .iter()
            .filter(|(pattern, _)| pattern.is_match(path))
            .map(|(_, method)| method.as_str())
            .collect();
        let methods: Vec<&str> = methods.into_iter().collect();
        (!methods.is_empty()).then(|| methods.join(", "))
    }
}

/// Where requests that match no route go: 405 with `Allow` when the path exists with other
/// methods, else 404.
pub async fn fallback(
    req: HttpRequest,
    routes: web::Data<RouteMethods>,
) -> Result<HttpResponse, actix_web::Error> {
    let Some(allow) = routes.allow(req.match_info().as_str()) else {
        return Err(AppError::NotFound.into());
    };
    let allow = HeaderValue::from_str(&allow)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("Allow header")))?;
    Err(WrongMethod { allow }.into())
}

/// A 405 with the path's methods; `localize` re-renders it in the caller's language and keeps
/// its `Allow`.
#[derive(Debug, thiserror::Error)]
#[error("method not allowed (allowed: {allow:?})")]
struct WrongMethod {
    allow: HeaderValue,
}

impl ResponseError for WrongMethod {
    fn status_code(&self) -> StatusCode {
        StatusCode::METHOD_NOT_ALLOWED
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = AppError::MethodNotAllowed.error_response();
        response
            .headers_mut()
            .insert(header::ALLOW, self.allow.clone());
        response
    }
}

/// For `web::Path`: a malformed id names nothing that exists.
pub fn path_error(_: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    AppError::NotFound.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_allows_the_methods_of_every_route_matching_it() {
        let routes = RouteMethods::new(
            [
                ("/api/v1/applications/export.csv", Method::GET),
                ("/api/v1/applications/{id}", Method::PATCH),
                ("/api/v1/applications/{id}", Method::GET),
                ("/docs/{_:.*}", Method::GET),
            ]
            .map(|(path, method)| (path.to_owned(), method)),
        );
        let allow = |path| routes.allow(path);
        assert_eq!(
            allow("/api/v1/applications/export.csv").as_deref(),
            Some("GET, PATCH")
        );
        assert_eq!(
            allow("/api/v1/applications/0190a8c4").as_deref(),
            Some("GET, PATCH")
        );
        assert_eq!(allow("/docs/index.css").as_deref(), Some("GET"));
        assert_eq!(allow("/api/v1/applications/0190a8c4/x"), None);
        assert_eq!(allow("/api/v1/applications"), None);
    }
}
