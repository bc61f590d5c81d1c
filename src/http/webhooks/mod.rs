//! `/api/v1/webhooks`: integrators' subscriptions to application events, and their delivery logs.
//! Admins manage every subscription; an integrator client with `webhooks:manage` manages its own.

pub mod create;
pub mod deliveries;
pub mod list;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{Policy, Principal};
use crate::db::webhooks::{Manager, Subscription};
use crate::domain::account::Role;
use crate::domain::scope::Scope;
use crate::domain::workflow::EventType;

/// Who manages webhooks: an admin, or an integrator client with `webhooks:manage`.
pub struct WebhookManager;

pub struct ManagerSubject {
    pub manager: Manager,
    pub user_id: Option<Uuid>,
    /// A client's scopes; None for an admin, who may receive every event.
    pub scopes: Option<Vec<Scope>>,
}

impl ManagerSubject {
    /// Whether the manager may subscribe to `event`: a client needs the scope that reading
    /// what the event tells would need (`EventType::required_scope`).
    pub fn may_receive(&self, event: EventType) -> bool {
        self.scopes
            .as_ref()
            .is_none_or(|scopes| scopes.contains(&event.required_scope()))
    }
}

impl Policy for WebhookManager {
    type Subject = ManagerSubject;
    fn admit(principal: Principal) -> Option<ManagerSubject> {
        match principal {
            Principal::User(user) if user.role == Role::Admin => Some(ManagerSubject {
                manager: Manager::Admins,
                user_id: Some(user.id),
                scopes: None,
            }),
            Principal::Client(client) if client.scopes.contains(&Scope::WebhooksManage) => {
                Some(ManagerSubject {
                    manager: Manager::Client(client.id),
                    user_id: None,
                    scopes: Some(client.scopes.clone()),
                })
            }
            _ => None,
        }
    }
}

/// A subscription as listed (the secret is shown once, at creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionResponse {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Subscription> for SubscriptionResponse {
    fn from(s: Subscription) -> Self {
        Self {
            id: s.id,
            url: s.url,
            events: s.events,
            created_at: s.created_at,
        }
    }
}
