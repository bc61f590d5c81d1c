//! What integrator clients may call. Their tokens come from the OAuth 2.0 client-credentials grant
//! at `POST /api/v1/auth/token` and carry the client's scopes; the document declares that scheme,
//! and lists it beside `bearer` on the operations that admit a client, with the scope each needs.

use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{
    ClientCredentials, Flow, OAuth2, Scopes, SecurityRequirement, SecurityScheme,
};

use crate::domain::scope::Scope;

/// The name of the scheme in `components.securitySchemes`.
pub const SCHEME: &str = "oauth2";

const TOKEN_URL: &str = "/api/v1/auth/token";

/// The operations that admit an integrator client, by operation id, with the scope each needs;
/// every other operation refuses a client's token (403). It follows from the handlers' policies:
/// `Authorized<AnyPrincipal>` with `workflow::Access::reading` (or `groups::readable`) and the
/// scope it names, `Authorized<WebhookManager>`, which wants `webhooks:manage`, and
/// `Authorized<FeedReader>`, which admits every client and lists the event types its scopes
/// allow. `tests/api/openapi.rs` calls every operation with clients of each scope and holds
/// this list to what they are answered.
pub const CLIENT_OPERATIONS: [(&str, Option<Scope>); 21] = [
    ("list_applications", Some(Scope::ApplicationsRead)),
    ("get_application", Some(Scope::ApplicationsRead)),
    ("get_eligibility", Some(Scope::ApplicationsRead)),
    ("list_events", Some(Scope::EventsRead)),
    ("list_messages", Some(Scope::MessagesRead)),
    ("get_message", Some(Scope::MessagesRead)),
    ("list_documents", Some(Scope::DocumentsRead)),
    ("get_document", Some(Scope::DocumentsRead)),
    ("download_document", Some(Scope::DocumentsRead)),
    ("get_loi", Some(Scope::LettersRead)),
    ("get_loi_document", Some(Scope::LettersRead)),
    ("get_loi_signature_page", Some(Scope::LettersRead)),
    ("get_onboarding", Some(Scope::OnboardingRead)),
    ("list_dealer_groups", Some(Scope::DealerGroupsRead)),
    ("get_dealer_group", Some(Scope::DealerGroupsRead)),
    // Subscribing to an event type takes that type's scope as well (403 `insufficient_scope`):
    // a rule about the body, told in the operation's description.
    ("create_webhook", Some(Scope::WebhooksManage)),
    ("list_webhooks", Some(Scope::WebhooksManage)),
    ("delete_webhook", Some(Scope::WebhooksManage)),
    ("list_deliveries", Some(Scope::WebhooksManage)),
    ("redeliver", Some(Scope::WebhooksManage)),
    // Any scope: the feed lists the event types the client's scopes allow (403
    // `insufficient_scope` when they allow none).
    ("list_changes", None),
];

/// Declares the client-credentials scheme and lists it on the operations clients may call.
pub fn add(doc: &mut OpenApi) {
    let scopes = Scopes::from_iter(Scope::ALL.map(|scope| (scope.as_str(), scope.description())));
    let scheme = OAuth2::with_description(
        [Flow::ClientCredentials(ClientCredentials::new(
            TOKEN_URL, scopes,
        ))],
        "Integrator clients. An admin creates the client (`POST /api/v1/api-clients`) and hands \
         over its `client_id` and `client_secret`; the client exchanges them at \
         `POST /api/v1/auth/token` (JSON or form) for an access token with the client's scopes, \
         sent as `Authorization: Bearer <token>`. There is no refresh token: ask again when it \
         expires. A client's requests are rate-limited (`RateLimit-*` headers; 429 with \
         `Retry-After`).",
    );
    if let Some(components) = doc.components.as_mut() {
        components.add_security_scheme(SCHEME, SecurityScheme::OAuth2(scheme));
    }
    for (id, scope) in CLIENT_OPERATIONS {
        if let Some(operation) = super::operation_mut(doc, id) {
            operation
                .security
                .get_or_insert_with(Vec::new)
                .push(SecurityRequirement::new(SCHEME, scope.map(Scope::as_str)));
        }
    }
}

/// Whether the operation with `id` admits integrator clients.
pub fn admits_clients(id: &str) -> bool {
    CLIENT_OPERATIONS
        .iter()
        .any(|(client_id, _)| *client_id == id)
}
