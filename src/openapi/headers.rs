//! The response headers that are set outside the handlers' annotated bodies: `ETag` and
//! `Location` (by the handlers' response helpers), `RateLimit-*` (by the rate-limit middleware) and
//! `Retry-After` (by `AppError::render`, with 429 and 503).

use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ObjectBuilder, OpenApi, RefOr, Response, Type};

/// A header of a created or versioned resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceHeader {
    ETag,
    Location,
}

impl ResourceHeader {
    pub fn name(self) -> &'static str {
        match self {
            Self::ETag => "ETag",
            Self::Location => "Location",
        }
    }

    fn header(self) -> Header {
        let description = match self {
            Self::ETag => {
                "The resource's `version`, quoted (`\"3\"`): send it as `If-Match` to change the \
                 resource"
            }
            Self::Location => "Where the created resource is read",
        };
        text_header(description)
    }
}

use ResourceHeader::{ETag, Location};

/// The responses with `ETag` (`http::concurrency::ok_with_etag`, `http::idempotency::created_headers`,
/// the transitions' answer) or `Location` that their annotations do not declare, by operation id
/// and status. `tests/api/openapi.rs` makes each of these calls and compares the headers it gets
/// with the document's.
pub const RESOURCE_HEADERS: [(&str, &str, &[ResourceHeader]); 21] = [
    ("register", "201", &[Location]),
    ("me", "200", &[ETag]),
    ("update_me", "200", &[ETag]),
    ("get_sla", "200", &[ETag]),
    ("put_sla", "200", &[ETag]),
    ("create_api_client", "201", &[Location]),
    ("create_staff", "201", &[Location, ETag]),
    ("update_staff", "200", &[ETag]),
    ("create_city", "201", &[Location, ETag]),
    ("get_city", "200", &[ETag]),
    ("update_city", "200", &[ETag]),
    ("create_webhook", "201", &[Location]),
    ("create_dealer_group", "201", &[Location, ETag]),
    ("get_dealer_group", "200", &[ETag]),
    ("update_dealer_group", "200", &[ETag]),
    ("invite_member", "201", &[Location]),
    ("update_member", "200", &[ETag]),
    ("create_application", "201", &[Location, ETag]),
    ("get_application", "200", &[ETag]),
    ("update_application", "200", &[ETag]),
    ("transition", "200", &[ETag]),
];

fn text_header(description: &str) -> Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(description))
        .build()
}

fn integer_header(description: &str) -> Header {
    HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0)),
        )
        .description(Some(description))
        .build()
}

/// `RateLimit-Limit`, `-Remaining` and `-Reset` (draft-ietf-httpapi-ratelimit-headers) of the
/// limit `whose`.
fn rate_limit_headers(whose: &str) -> [(&'static str, Header); 3] {
    [
        (
            "RateLimit-Limit",
            integer_header(&format!("{whose}: requests allowed in its window")),
        ),
        (
            "RateLimit-Remaining",
            integer_header(&format!("{whose}: requests left in the window")),
        ),
        (
            "RateLimit-Reset",
            integer_header(&format!("{whose}: seconds until it is whole again")),
        ),
    ]
}

fn retry_after() -> (&'static str, Header) {
    (
        "Retry-After",
        integer_header("Seconds to wait before trying again"),
    )
}

/// Adds a header unless the response declares it already.
fn declare(response: &mut Response, (name, header): (&str, Header)) {
    response.headers.entry(name.to_owned()).or_insert(header);
}

/// The headers a 429 or a 503 carries, whoever answers it.
fn declare_refusal(status: &str, response: &mut Response) {
    match status {
        "429" => {
            declare(response, retry_after());
            for header in rate_limit_headers("The limit that refused the request") {
                declare(response, header);
            }
        }
        "503" => declare(response, retry_after()),
        _ => {}
    }
}

/// Which limit counts an operation's successful requests, if any: an operation that documents a
/// 429 of its own counts every request per client address (`auth::rate_limit::AddressThrottle`);
/// one that admits integrator clients counts theirs per client.
fn limit_of(id: &str, operation: &Operation) -> Option<&'static str> {
    let own_429 = matches!(operation.responses.responses.get("429"), Some(RefOr::T(_)));
    if own_429 {
        Some("The client address's limit")
    } else if super::integrators::admits_clients(id) {
        Some("The calling integrator client's limit (sent when a client calls)")
    } else {
        None
    }
}

pub fn add(doc: &mut OpenApi) {
    for (_, operation) in super::operations_mut(doc) {
        let id = operation.operation_id.clone().unwrap_or_default();
        let limit = limit_of(&id, operation);
        let resources = RESOURCE_HEADERS
            .iter()
            .filter(|(operation_id, _, _)| *operation_id == id);
        for (_, status, headers) in resources {
            if let Some(RefOr::T(response)) = operation.responses.responses.get_mut(*status) {
                for header in *headers {
                    declare(response, (header.name(), header.header()));
                }
            }
        }
        for (status, response) in operation.responses.responses.iter_mut() {
            let RefOr::T(response) = response else {
                continue;
            };
            declare_refusal(status, response);
            if let (Some(limit), true) = (limit, status.starts_with('2')) {
                for header in rate_limit_headers(limit) {
                    declare(response, header);
                }
            }
        }
    }
    // The shared 429 and 503 (`super::SHARED_ERRORS`).
    let shared = doc
        .components
        .iter_mut()
        .flat_map(|components| components.responses.iter_mut());
    for (name, response) in shared {
        let status = super::SHARED_ERRORS
            .iter()
            .find(|(_, shared_name, _)| shared_name == name)
            .map(|(status, _, _)| *status);
        if let (Some(status), RefOr::T(response)) = (status, response) {
            declare_refusal(status, response);
        }
    }
}
