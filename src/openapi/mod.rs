//! The OpenAPI document: collected from the route registration (`http::configure`), completed
//! with the error responses every operation shares, the integrators' OAuth 2.0 scheme, the
//! response headers set outside the handlers' bodies and the webhooks, and printed byte for byte
//! the same by `GET /openapi.json`, `dealer-portal openapi` and the committed
//! `openapi/openapi.json`.

mod headers;
mod integrators;
mod webhooks;

use std::sync::LazyLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{App, HttpResponse};
use utoipa::OpenApi;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, Ref, RefOr, ResponseBuilder};
use utoipa_actix_web::AppExt;

use crate::error::{Problem, ProblemField};
use crate::webhooks::payload::{
    DealerGroupChange, DocumentChange, MessageCreated, OnboardingTaskChange, StatusChange,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dealer Portal API",
        description = "Recruitment and onboarding of dealer-group partners for 2S (sales + service) stores.\n\n\
Errors are RFC 9457 `application/problem+json` with a stable `code`; 422s list every failing field \
as a JSON path in `errors`. `Accept-Language: zh-CN` or `en` picks the language of `title` and `detail`. \
Lists take `limit` (1-100, default 20) and an opaque `cursor`, and answer `{items, next_cursor}`. \
Writes to versioned resources need `If-Match: <version>`.\n\n\
Browsers may call the API from the origins the operator lists in `CORS_ALLOWED_ORIGINS` (none by \
default): a preflight from one gets 204 allowing `GET, POST, PUT, PATCH, DELETE` and the request headers \
`Authorization, Content-Type, If-Match, Idempotency-Key, Accept-Language`; a preflight from any other \
origin gets 403 and no CORS headers. Responses to a listed origin, errors included, expose `ETag, \
Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Request-Id, \
Idempotent-Replayed`. Callers send bearer tokens, never cookies: credentialed requests are not allowed.",
    ),
    components(schemas(
        Problem,
        ProblemField,
        StatusChange,
        MessageCreated,
        DocumentChange,
        OnboardingTaskChange,
        DealerGroupChange
    )),
    tags(
        (name = "auth", description = "Sign-up, sign-in, tokens and password reset"),
        (name = "accounts", description = "The caller's own account"),
        (name = "staff", description = "Recruitment staff accounts (admins)"),
        (name = "api-clients", description = "Integrator credentials (admins)"),
        (name = "cities", description = "The recruitment plan: cities, quotas and windows"),
        (name = "dealer-groups", description = "Dealer-group profiles"),
        (name = "rankings", description = "The national ranking list behind top-100 verification"),
        (name = "applications", description = "Applications for a city, from draft to decision"),
        (name = "eligibility", description = "The versioned eligibility criteria"),
        (name = "letters-of-intent", description = "The letter of intent: the fixed document, its signature"),
        (name = "onboarding", description = "The checklist from a signed letter to an open store"),
        (name = "webhooks", description = "Signed event deliveries to integrators: subscriptions, their delivery logs, and (under `webhooks`) what is delivered"),
        (name = "changes", description = "The change feed: every event the webhooks deliver, in order, for integrators that poll"),
        (name = "audit", description = "Checks of the tamper-evident audit trail (admins)"),
        (name = "reports", description = "Recruitment figures for staff: the funnel and city rankings"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
struct ApiDoc;

/// The shared error responses, by status, as components.
const SHARED_ERRORS: [(&str, &str, &str); 12] = [
    (
        "400",
        "BadRequest",
        "Malformed body or parameter (`malformed_json`, `invalid_token`, ...)",
    ),
    (
        "401",
        "Unauthorized",
        "Missing, invalid or expired bearer token (`unauthorized`)",
    ),
    (
        "403",
        "Forbidden",
        "The caller may not do this (`forbidden`)",
    ),
    (
        "404",
        "NotFound",
        "No such resource, or not visible to the caller (`not_found`)",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The body is too large (`payload_too_large`)",
    ),
    (
        "412",
        "VersionMismatch",
        "The resource changed since it was read (`version_mismatch`)",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The body's content type is not accepted (`unsupported_media_type`)",
    ),
    (
        "422",
        "ValidationFailed",
        "Invalid fields, each named in `errors` (`validation_failed`)",
    ),
    (
        "428",
        "PreconditionRequired",
        "No `If-Match` with the version read (`precondition_required`)",
    ),
    (
        "429",
        "RateLimited",
        "Too many requests; retry after `Retry-After` seconds (`rate_limited`)",
    ),
    (
        "500",
        "InternalError",
        "Unexpected error; the body carries only the request id",
    ),
    (
        "503",
        "ServiceUnavailable",
        "The database does not answer, or the password hashing is busy; retry after `Retry-After` seconds (`service_unavailable`)",
    ),
];

/// A shared error response; `headers::add` adds the rate limits' headers to 429 and 503.
fn problem_response(description: &str, status: &str) -> utoipa::openapi::Response {
    let mut builder = ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    );
    if status == "401" {
        builder = builder.header(
            "WWW-Authenticate",
            HeaderBuilder::new()
                .description(Some("`Bearer realm=\"dealer-portal\"`"))
                .build(),
        );
    }
    builder.build()
}

/// Which shared errors an operation can answer, from what it takes.
fn shared_errors_of(path: &str, operation: &Operation) -> Vec<&'static str> {
    let mut statuses = vec!["500", "503"];
    if operation.request_body.is_some() {
        statuses.extend(["400", "413", "415", "422"]);
    }
    let has_query = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Query);
    if has_query {
        statuses.push("422");
    }
    if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
        // 429: integrator clients are rate-limited on every operation they may call.
        statuses.extend(["401", "403", "429"]);
    }
    if path.contains('{') {
        statuses.push("404");
    }
    let takes_if_match = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Header && p.name == "If-Match");
    if takes_if_match {
        statuses.extend(["412", "428"]);
    }
    statuses
}

/// Every operation of the document, with its path.
fn operations_mut(
    doc: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = (&str, &mut Operation)> {
    doc.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        .map(move |operation| (path.as_str(), operation))
    })
}

/// The operation with `id` (the handler's name), if the document has it.
fn operation_mut<'d>(doc: &'d mut utoipa::openapi::OpenApi, id: &str) -> Option<&'d mut Operation> {
    operations_mut(doc)
        .map(|(_, operation)| operation)
        .find(|operation| operation.operation_id.as_deref() == Some(id))
}

fn add_shared_errors(doc: &mut utoipa::openapi::OpenApi) {
    for (path, operation) in operations_mut(doc) {
        for status in shared_errors_of(path, operation) {
            let name = SHARED_ERRORS
                .iter()
                .find(|(s, _, _)| *s == status)
                .map(|(_, name, _)| *name)
                .unwrap_or("InternalError");
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
        }
    }
    let components = doc
        .components
        .get_or_insert_with(|| ComponentsBuilder::new().build());
    for (status, name, description) in SHARED_ERRORS {
        components.responses.insert(
            name.to_owned(),
            RefOr::T(problem_response(description, status)),
        );
    }
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "An access token from `POST /api/v1/auth/login` (people) or \
                     `POST /api/v1/auth/token` (integrators)",
                ))
                .build(),
        ),
    );
}

/// The OpenAPI document of every route.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::http::configure)
        .split_for_parts();
    add_shared_errors(&mut doc);
    integrators::add(&mut doc);
    headers::add(&mut doc);
    webhooks::add(&mut doc);
    describe_workflow(&mut doc);
    doc
}

/// Appends the workflow table, as the code runs it, to the transitions operation.
fn describe_workflow(doc: &mut utoipa::openapi::OpenApi) {
    let transitions = doc
        .paths
        .paths
        .get_mut("/api/v1/applications/{id}/transitions")
        .and_then(|item| item.post.as_mut());
    if let Some(operation) = transitions {
        let description = operation.description.get_or_insert_with(String::new);
        description.push_str("\n\n");
        description.push_str(&crate::domain::workflow::table_markdown());
    }
}

static DOCUMENT_JSON: LazyLock<String> = LazyLock::new(|| {
    let mut json = document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
});

/// The document as served and committed: pretty JSON ending in a newline.
pub fn document_json() -> &'static str {
    &DOCUMENT_JSON
}

/// The OpenAPI document (the same bytes as `dealer-portal openapi`).
pub async fn serve_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document_json())
}

/// The policy of the interactive documentation: Swagger UI's page, scripts and styles are
/// vendored in the binary and served from here, and it fetches only `/openapi.json` and, when
/// trying operations out, the API itself; it sets styles inline and draws icons from `data:`
/// URLs, and has no inline script. Nothing may frame it.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Middleware: `/docs` and everything under it get `DOCS_CSP` and `X-Frame-Options: DENY`.
pub async fn docs_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let is_docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let mut res = next.call(req).await?;
    if is_docs {
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(DOCS_CSP),
        );
        headers.insert(
            header::X_FRAME_OPTIONS,
            header::HeaderValue::from_static("DENY"),
        );
    }
    Ok(res)
}

/// `/docs` → `/docs/`, where the interactive page lives.
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

// Last, as this codebase's tests are: `tests/architecture.rs` reads a file up to its tests.
#[cfg(test)]
mod checks;
