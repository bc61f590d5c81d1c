//! Every error leaves as one problem body: in the caller's language, with the request id, and
//! for actix's own errors (unknown route, wrong method, bad path) too.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use tracing_actix_web::RequestId;

use crate::error::{AppError, ProblemCode};
use crate::i18n::Locale;

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The problem an actix error stands for, when it is not one of ours.
fn as_app_error(error: &actix_web::Error) -> AppError {
    if let Some(app) = error.as_error::<AppError>() {
        return clone_kind(app);
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

/// A copy of what a problem body needs; the cause of an internal error was logged already.
fn clone_kind(error: &AppError) -> AppError {
    match error {
        AppError::Validation(fields) => AppError::Validation(fields.clone()),
        AppError::BadRequest(code) => AppError::BadRequest(*code),
        AppError::UnsupportedMediaType => AppError::UnsupportedMediaType,
        AppError::PayloadTooLarge => AppError::PayloadTooLarge,
        AppError::Unauthorized => AppError::Unauthorized,
        AppError::InvalidCredentials => AppError::InvalidCredentials,
        AppError::InvalidToken => AppError::InvalidToken,
        AppError::InvalidRefreshToken => AppError::InvalidRefreshToken,
        AppError::Forbidden => AppError::Forbidden,
        AppError::Refused(code) => AppError::Refused(*code),
        AppError::TooLarge(code) => AppError::TooLarge(*code),
        AppError::NotFound => AppError::NotFound,
        AppError::MethodNotAllowed => AppError::MethodNotAllowed,
        AppError::Conflict(code) => AppError::Conflict(*code),
        AppError::InvalidTransition { allowed, blocked } => AppError::InvalidTransition {
            allowed: allowed.clone(),
            blocked: blocked.clone(),
        },
        AppError::VersionMismatch => AppError::VersionMismatch,
        AppError::PreconditionRequired => AppError::PreconditionRequired,
        AppError::RateLimited { retry_after, limit } => AppError::RateLimited {
            retry_after: *retry_after,
            limit: *limit,
        },
        AppError::Unavailable(cause) => AppError::Unavailable(cause.clone()),
        AppError::NotAcceptable => AppError::NotAcceptable,
        AppError::Internal(_) => AppError::Internal(anyhow::anyhow!("logged")),
    }
}

/// Middleware: re-renders error responses in the caller's language with the request id, and
/// adds `X-Request-Id` to every response.
pub async fn localize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Read what we need now: holding a clone of the request would stop the router from
    // recording the matched path on it.
    let locale = Locale::from_request(req.request()).unwrap_or(Locale::En);
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut res = match next.call(req).await {
        Ok(res) => match res.response().error().map(as_app_error) {
            Some(error) => {
                let response = error.render(locale, request_id.clone());
                res.into_response(response)
            }
            None => res.map_into_boxed_body(),
        },
        // Without the request there is no response to build here; actix renders the problem.
        Err(error) => return Err(as_app_error(&error).into()),
    };
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    Ok(res)
}

/// Where requests that match no route go: 405 when the path exists with other methods, else 404.
pub async fn fallback(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if req.resource_map().has_resource(req.path()) {
        Err(AppError::MethodNotAllowed)
    } else {
        Err(AppError::NotFound)
    }
}

/// For `web::Path`: a malformed id names nothing that exists.
pub fn path_error(_: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    AppError::NotFound.into()
}
