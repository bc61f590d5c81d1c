use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{ManagerSubject, WebhookManager};
use crate::auth::Authorized;
use crate::db::webhooks::{self, Manager, NewSubscription};
use crate::domain::workflow::EventType;
use crate::error::{AppError, FieldError, Problem, ProblemCode};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::tokens::random_token;
use crate::webhooks::target;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "url": "https://example.com/hooks/dealer-portal",
    "events": ["application.submitted", "application.status_changed", "loi.signed"]
}))]
pub struct SubscriptionRequest {
    /// Where deliveries are POSTed: `http` or `https`, not resolving to an address that is not
    /// globally reachable (loopback, private, link-local, shared, reserved, documentation,
    /// benchmarking, or NAT64/6to4/IPv4-mapped forms of these: IANA's special-purpose
    /// registries), unless the server runs with `WEBHOOK_ALLOW_PRIVATE_TARGETS=1`. Each delivery
    /// connects only to addresses that pass the same check at that moment.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: String,
    /// The event types to receive.
    // At most one of each: `EventType::ALL`'s length (a test subscribes to all of them).
    #[validate(length(min = 1, max = 12))]
    #[schema(min_items = 1, max_items = 12)]
    pub events: Vec<EventType>,
}

/// The new subscription with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01957c22-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
    "url": "https://example.com/hooks/dealer-portal",
    "events": ["application.status_changed", "application.submitted", "loi.signed"],
    "created_at": "2026-03-02T09:20:31Z",
    "secret": "whsec_KW1aVxP3r5QCcK0GJ1VG9wA09lYGk64LKW0Cu-Q-uTA"
}))]
pub struct CreatedSubscription {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// Verifies `X-Signature`: hex HMAC-SHA256 of `"<t>.<body>"` with this secret.
    pub secret: String,
}

/// Subscribe a URL to events (admins; integrators with `webhooks:manage`).
///
/// An integrator receives only what it may read: each event type needs the scope that reading
/// its data needs (`applications:read` for `application.*`, `loi.*` and `partner.*`,
/// `messages:read`, `documents:read`, `onboarding:read`, `dealer_groups:read`; the `webhooks`
/// key of this document names each type's), or the subscription is refused (403
/// `insufficient_scope`). A deleted client's subscriptions end with it, and their pending
/// deliveries are given up.
///
/// Each delivery is a POST of `{id, type, created_at, data}` with `X-Delivery-Id` (stable across
/// retries) and `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. A non-2xx
/// answer or none within 10 s is retried with exponential back-off and jitter for more than a
/// day. Receivers should refuse a `t` older than 5 minutes. `Idempotency-Key` is not taken here:
/// replaying the answer would mean keeping the secret in a second place.
#[utoipa::path(
    tag = "webhooks",
    request_body = SubscriptionRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Subscribed; the secret is shown only now", body = CreatedSubscription),
        (status = 403, description = "Not a webhook manager (`forbidden`), or a client without the scope one of the event types needs (`insufficient_scope`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    Authorized(subject): Authorized<WebhookManager>,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<SubscriptionRequest>,
) -> Result<HttpResponse, AppError> {
    if !body.events.iter().all(|event| subject.may_receive(*event)) {
        return Err(AppError::Refused(ProblemCode::InsufficientScope));
    }
    let url = target::check(body.url.trim(), state.config.webhook_allow_private_targets)
        .await
        .map_err(|refusal| AppError::Validation(vec![FieldError::new("url", refusal.code())]))?
        .to_string();
    let mut events: Vec<String> = body.events.iter().map(|e| e.as_str().to_owned()).collect();
    events.sort_unstable();
    events.dedup();
    let ManagerSubject {
        manager, user_id, ..
    } = subject;
    let id = Uuid::now_v7();
    let secret = format!("whsec_{}", random_token());
    let (stored_url, stored_events, stored_secret) = (url.clone(), events.clone(), secret.clone());
    let now = state
        .write(move |work| {
            let now = work.now();
            webhooks::insert(
                work,
                &NewSubscription {
                    id,
                    url: &stored_url,
                    events: &stored_events,
                    secret: &stored_secret,
                    client_id: match manager {
                        Manager::Client(client) => Some(client),
                        Manager::Admins => None,
                    },
                    created_by: user_id,
                },
                now,
            )?;
            Ok(now)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/webhooks/{id}")))
        .json(CreatedSubscription {
            id,
            url,
            events,
            created_at: now,
            secret,
        }))
}
