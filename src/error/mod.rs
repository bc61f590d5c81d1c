//! The one application error, rendered once as RFC 9457 `application/problem+json`.
//!
//! Handlers return `Result<_, AppError>`. The response is first rendered in English without a
//! request id; `http::problem::localize` then re-renders it in the caller's language with the
//! request id, because only the middleware sees the request.

pub mod code;

use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use code::{ProblemCode, problem_text};

use crate::domain::workflow::Action;
use crate::i18n::{Locale, field_message};

/// One failing field of a 422.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field, e.g. `proposed_sites[0].site_area_sqm`.
    pub field: String,
    /// The rule it broke: `required`, `length`, `range`, `email`, `invalid_type`, ...
    pub code: String,
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            params: BTreeMap::new(),
        }
    }

    pub fn with_param(mut self, name: &str, value: impl ToString) -> Self {
        self.params.insert(name.to_owned(), value.to_string());
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// What a submission needs is missing: every such field (422 `incomplete`).
    #[error("incomplete: {0:?}")]
    Incomplete(Vec<FieldError>),
    /// A body or parameter that could not be read at all; the code says how.
    #[error("bad request ({0})")]
    BadRequest(ProblemCode),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    /// No usable bearer token.
    #[error("unauthorized")]
    Unauthorized,
    #[error("invalid credentials")]
    InvalidCredentials,
    /// A one-time token (e-mail verification, password reset) that is unknown, used or expired.
    #[error("invalid token")]
    InvalidToken,
    /// A refresh token that is unknown, expired, used or revoked.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("forbidden")]
    Forbidden,
    /// 403 for a stated reason: the code says which.
    #[error("refused ({0})")]
    Refused(ProblemCode),
    /// 413 for a limit other than one request's size: the code says which.
    #[error("too large ({0})")]
    TooLarge(ProblemCode),
    #[error("not found")]
    NotFound,
    /// 410: the resource existed and is gone for good; the code says how.
    #[error("gone ({0})")]
    Gone(ProblemCode),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request is at odds with the state of the resource; the code says which rule.
    #[error("conflict ({0})")]
    Conflict(ProblemCode),
    /// The workflow does not allow the action in the current state. With what the caller may
    /// do now, and the moves a rule blocks, with the code each would fail with.
    #[error("invalid transition")]
    InvalidTransition {
        allowed: Vec<Action>,
        blocked: Vec<(Action, ProblemCode)>,
    },
    #[error("version mismatch")]
    VersionMismatch,
    #[error("precondition required")]
    PreconditionRequired,
    #[error("rate limited")]
    /// Over a rate limit of `limit` requests a window.
    RateLimited { retry_after: Duration, limit: u32 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// None of the representations the client accepts can be served (406).
    #[error("not acceptable")]
    NotAcceptable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A copy of what a problem body needs; the cause of an internal error was logged already.
    pub fn copy(&self) -> Self {
        match self {
            Self::Validation(fields) => Self::Validation(fields.clone()),
            Self::Incomplete(fields) => Self::Incomplete(fields.clone()),
            Self::BadRequest(code) => Self::BadRequest(*code),
            Self::UnsupportedMediaType => Self::UnsupportedMediaType,
            Self::PayloadTooLarge => Self::PayloadTooLarge,
            Self::Unauthorized => Self::Unauthorized,
            Self::InvalidCredentials => Self::InvalidCredentials,
            Self::InvalidToken => Self::InvalidToken,
            Self::InvalidRefreshToken => Self::InvalidRefreshToken,
            Self::Forbidden => Self::Forbidden,
            Self::Refused(code) => Self::Refused(*code),
            Self::TooLarge(code) => Self::TooLarge(*code),
            Self::NotFound => Self::NotFound,
            Self::Gone(code) => Self::Gone(*code),
            Self::MethodNotAllowed => Self::MethodNotAllowed,
            Self::Conflict(code) => Self::Conflict(*code),
            Self::InvalidTransition { allowed, blocked } => Self::InvalidTransition {
                allowed: allowed.clone(),
                blocked: blocked.clone(),
            },
            Self::VersionMismatch => Self::VersionMismatch,
            Self::PreconditionRequired => Self::PreconditionRequired,
            Self::RateLimited { retry_after, limit } => Self::RateLimited {
                retry_after: *retry_after,
                limit: *limit,
            },
            Self::Unavailable(cause) => Self::Unavailable(cause.clone()),
            Self::NotAcceptable => Self::NotAcceptable,
            Self::Internal(_) => Self::Internal(anyhow::anyhow!("logged")),
        }
    }

    pub fn field(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code)])
    }

    /// The stable, machine-readable code clients rely on.
    pub fn code(&self) -> ProblemCode {
        match self {
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::Incomplete(_) => ProblemCode::Incomplete,
            Self::BadRequest(code)
            | Self::Conflict(code)
            | Self::Refused(code)
            | Self::Gone(code)
            | Self::TooLarge(code) => *code,
            Self::UnsupportedMediaType => ProblemCode::UnsupportedMediaType,
            Self::PayloadTooLarge => ProblemCode::PayloadTooLarge,
            Self::Unauthorized => ProblemCode::Unauthorized,
            Self::InvalidCredentials => ProblemCode::InvalidCredentials,
            Self::InvalidToken => ProblemCode::InvalidToken,
            Self::InvalidRefreshToken => ProblemCode::InvalidRefreshToken,
            Self::Forbidden => ProblemCode::Forbidden,
            Self::NotFound => ProblemCode::NotFound,
            Self::MethodNotAllowed => ProblemCode::MethodNotAllowed,
            Self::InvalidTransition { .. } => ProblemCode::InvalidTransition,
            Self::VersionMismatch => ProblemCode::VersionMismatch,
            Self::PreconditionRequired => ProblemCode::PreconditionRequired,
            Self::RateLimited { .. } => ProblemCode::RateLimited,
            Self::Unavailable(_) => ProblemCode::ServiceUnavailable,
            Self::NotAcceptable => ProblemCode::NotAcceptable,
            Self::Internal(_) => ProblemCode::InternalError,
        }
    }

    /// The problem body in `locale`, with the request id when known.
    pub fn problem(&self, locale: Locale, request_id: Option<String>) -> Problem {
        let code = self.code();
        let (title, detail) = problem_text(code, locale);
        let errors = match self {
            Self::Validation(fields) | Self::Incomplete(fields) => fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.code.clone(),
                    message: field_message(&f.code, &f.params, locale),
                })
                .collect(),
            _ => Vec::new(),
        };
        Problem {
            problem_type: format!("urn:dealer-portal:problem:{code}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail: detail.to_owned(),
            code: code.as_str().to_owned(),
            request_id,
            errors,
            allowed_actions: match self {
                Self::InvalidTransition { allowed, .. } => Some(allowed.clone()),
                _ => None,
            },
            blocked_actions: match self {
                Self::InvalidTransition { blocked, .. } => Some(
                    blocked
                        .iter()
                        .map(|&(action, code)| BlockedAction::new(action, code, locale))
                        .collect(),
                ),
                _ => None,
            },
        }
    }

    /// The full response: status, headers the status calls for, and the problem body.
    pub fn render(&self, locale: Locale, request_id: Option<String>) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            Self::Unauthorized | Self::InvalidCredentials | Self::InvalidRefreshToken => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer realm="dealer-portal""#),
                ));
            }
            Self::RateLimited { retry_after, limit } => {
                // The headers describe the limit that refused, whichever others the request
                // was counted against.
                let seconds = retry_after.as_secs_f64().ceil().max(1.0) as u64;
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
                response.insert_header(("ratelimit-limit", limit.to_string()));
                response.insert_header(("ratelimit-remaining", "0"));
                response.insert_header(("ratelimit-reset", seconds.to_string()));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        let body = serde_json::to_string(&self.problem(locale, request_id))
            .unwrap_or_else(|_| String::from(r#"{"status":500}"#));
        response.body(body)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::Incomplete(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge | Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unauthorized | Self::InvalidCredentials | Self::InvalidRefreshToken => {
                StatusCode::UNAUTHORIZED
            }
            Self::InvalidToken => StatusCode::BAD_REQUEST,
            Self::Forbidden | Self::Refused(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Gone(_) => StatusCode::GONE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) | Self::InvalidTransition { .. } => StatusCode::CONFLICT,
            Self::VersionMismatch => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // Runs inside the request's span, so the log line carries the request id; the client
        // sees only that id.
        match self {
            Self::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "service unavailable"),
            _ => {}
        }
        self.render(Locale::En, None)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict(ProblemCode::Conflict)
            }
            other => Self::Internal(anyhow::Error::new(other).context("database error")),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(error: r2d2::Error) -> Self {
        Self::Unavailable(format!("database pool: {error}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {error}"))
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect_validation_errors(&errors, "", &mut fields);
        Self::Validation(fields)
    }
}

/// Flattens validator's nested errors into JSON paths (`a.b[2].c`).
fn collect_validation_errors(
    errors: &validator::ValidationErrors,
    prefix: &str,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    let mut entries: Vec<_> = errors.errors().iter().collect();
    entries.sort_by_key(|(name, _)| name.to_string());
    for (name, kind) in entries {
        let path = if *name == "__all__" {
            prefix.to_owned()
        } else {
            join(name)
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let mut field = FieldError::new(path.clone(), error.code.to_string());
                    for (param, value) in &error.params {
                        if param != "value" {
                            let value = value
                                .as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| value.to_string());
                            field.params.insert(param.to_string(), value);
                        }
                    }
                    out.push(field);
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation_errors(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_validation_errors(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

/// RFC 9457 problem details, as every error of this API is sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:dealer-portal:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `validation_failed`, `version_mismatch`.
    pub code: String,
    /// The id of the request, as in the server's logs; quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every failing field of a 422; empty otherwise.
    pub errors: Vec<ProblemField>,
    /// With `invalid_transition`: what the caller may do now, as the application's
    /// `allowed_actions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<Action>>,
    /// With `invalid_transition`: the moves a rule blocks now, as the application's
    /// `blocked_actions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_actions: Option<Vec<BlockedAction>>,
}

/// A move the caller could make in the application's state, but a rule blocks now.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "action": "submit",
    "code": "email_unverified",
    "message": "Confirm your e-mail address before submitting."
}))]
pub struct BlockedAction {
    pub action: Action,
    /// The rule that blocks it: `email_unverified` (the caller's e-mail address is not
    /// verified; the move answers `email_not_verified`), `incomplete` (something the submission
    /// needs is missing: see `missing_fields`; answers `incomplete`), `city_closed` (the city is
    /// paused, closed or outside its window; answers `city_not_accepting`), `no_scorecard`
    /// (nobody has filed a scorecard; answers `scorecard_required`), `quota_full` (every place
    /// of the city is committed; answers `quota_full`), `tasks_open` (an onboarding task is
    /// open; answers `onboarding_incomplete`), `loi_expired` (the letter of intent ran out).
    pub code: String,
    /// The rule in the caller's language (the problem's `detail`).
    pub message: String,
}

impl BlockedAction {
    /// `action`, blocked by the rule that makes the move answer `code`.
    pub fn new(action: Action, code: ProblemCode, locale: Locale) -> Self {
        Self {
            action,
            code: Self::rule(code).to_owned(),
            message: problem_text(code, locale).1.to_owned(),
        }
    }
}

impl BlockedAction {
    /// The contract's name of the rule behind a refusal (API.md, `blocked_actions`), which for
    /// some rules differs from the code the refused move answers with.
    fn rule(code: ProblemCode) -> &'static str {
        match code {
            ProblemCode::EmailNotVerified => "email_unverified",
            ProblemCode::CityNotAccepting => "city_closed",
            ProblemCode::ScorecardRequired => "no_scorecard",
            ProblemCode::OnboardingIncomplete => "tasks_open",
            other => other.as_str(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// JSON path of the field, e.g. `proposed_sites[0].site_area_sqm`.
    pub field: String,
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Site {
        #[validate(range(min = 1))]
        area: i64,
    }

    #[derive(Validate)]
    struct Form {
        #[validate(length(min = 12))]
        password: String,
        #[validate(nested)]
        sites: Vec<Site>,
    }

    #[test]
    fn nested_validation_errors_become_json_paths() {
        let form = Form {
            password: "short".into(),
            sites: vec![Site { area: 5 }, Site { area: 0 }],
        };
        let Err(errors) = form.validate() else {
            panic!("the form is invalid")
        };
        let AppError::Validation(fields) = AppError::from(errors) else {
            panic!("validation errors map to AppError::Validation")
        };
        let paths: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(paths, ["password", "sites[1].area"]);
        assert_eq!(fields[0].params.get("min").map(String::as_str), Some("12"));
    }

    #[test]
    fn problems_are_localised_and_carry_the_request_id() {
        let problem = AppError::NotFound.problem(Locale::ZhCn, Some("abc".into()));
        assert_eq!(problem.status, 404);
        assert_eq!(problem.code, "not_found");
        assert_eq!(problem.title, "未找到");
        assert_eq!(problem.request_id.as_deref(), Some("abc"));
    }
}
