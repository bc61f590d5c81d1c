//! `/api/v1/api-clients`: integrator credentials, managed by admins.

pub mod create;
pub mod delete;
pub mod list;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::api_clients::ApiClient;
use crate::domain::scope::Scope;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01957b10-4d2e-7f3a-8b4c-5d6e7f8a9b0c",
    "name": "CRM mirror",
    "client_id": "dpc_166e54f13323fb84546ffcb1bbd541e6",
    "scopes": ["applications:read", "webhooks:manage"],
    "created_at": "2026-03-02T09:15:00Z"
}))]
pub struct ApiClientResponse {
    pub id: Uuid,
    pub name: String,
    /// The `client_id` of the client-credentials grant.
    pub client_id: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
}

impl From<ApiClient> for ApiClientResponse {
    fn from(client: ApiClient) -> Self {
        Self {
            id: client.id,
            name: client.name,
            client_id: client.client_id,
            scopes: client.scopes,
            created_at: client.created_at,
        }
    }
}
