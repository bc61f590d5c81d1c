use actix_web::{HttpResponse, post, web};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::ApiClientResponse;
use crate::auth::{Admin, Authorized};
use crate::db::api_clients;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::tokens::random_token;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"name": "CRM mirror", "scopes": ["applications:read", "webhooks:manage"]}))]
pub struct CreateApiClientRequest {
    /// What the client is, e.g. the system that uses it.
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::domain::text::single_line")
    )]
    #[schema(min_length = 1, max_length = 100, example = "CRM mirror")]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub name: String,
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub scopes: Vec<Scope>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01957b10-4d2e-7f3a-8b4c-5d6e7f8a9b0c",
    "name": "CRM mirror",
    "client_id": "dpc_166e54f13323fb84546ffcb1bbd541e6",
    "scopes": ["applications:read", "webhooks:manage"],
    "created_at": "2026-03-02T09:15:00Z",
    "client_secret": "nqzOn6J67lvUp2cQ2DexcMy_JeMxcvXoOGofGDX41GI"
}))]
pub struct CreatedApiClient {
    #[serde(flatten)]
    pub client: ApiClientResponse,
    /// Shown this once; only a hash is kept. Store it in the integrator's secret store.
    pub client_secret: String,
}

/// Create integrator credentials.
///
/// The `client_secret` is in this response only; it cannot be read again.
#[utoipa::path(
    tag = "api-clients",
    request_body = CreateApiClientRequest,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = CreatedApiClient))
)]
#[post("/api-clients")]
pub async fn create_api_client(
    Authorized(admin): Authorized<Admin>,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<CreateApiClientRequest>,
) -> Result<HttpResponse, AppError> {
    let mut scopes = body.scopes;
    scopes.sort();
    scopes.dedup();
    let id = Uuid::now_v7();
    let client_id = format!("dpc_{}", Uuid::new_v4().simple());
    let client_secret = random_token();
    let secret_hash = state
        .auth
        .hashing
        .hash(SecretString::from(client_secret.clone()))
        .await?;
    let name = body.name.trim().to_owned();
    let client = state
        .write(move |work| {
            let now = work.now();
            api_clients::insert(
                work,
                &api_clients::NewApiClient {
                    id,
                    name: &name,
                    client_id: &client_id,
                    secret_hash: &secret_hash,
                    scopes: &scopes,
                    created_by: admin.id,
                },
                now,
            )?;
            api_clients::find_active(work, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/api-clients/{id}")))
        .json(CreatedApiClient {
            client: client.into(),
            client_secret,
        }))
}
