use actix_web::{post, web};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::jwt::SubjectKind;
use crate::auth::rate_limit::{AccountAction, AddressThrottle};
use crate::db::api_clients;
use crate::domain::scope::Scope;
use crate::error::{AppError, Problem};
use crate::http::extract::JsonOrForm;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "grant_type": "client_credentials",
    "client_id": "dpc_166e54f13323fb84546ffcb1bbd541e6",
    "client_secret": "nqzOn6J67lvUp2cQ2DexcMy_JeMxcvXoOGofGDX41GI"
}))]
pub struct ClientTokenRequest {
    /// Must be `client_credentials`.
    #[schema(example = "client_credentials")]
    pub grant_type: GrantType,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub client_id: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub client_secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    ClientCredentials,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMTk1N2IxMC00ZDJlLTdmM2EtOGI0Yy01ZDZlN2Y4YTliMGMiLCJraW5kIjoiY2xpZW50IiwiaXNzIjoiZGVhbGVyLXBvcnRhbCIsImlhdCI6MTc3MjQ0MzgwMCwiZXhwIjoxNzcyNDQ0NzAwLCJqdGkiOiIwMTk1YTNjMi04MWFhLTdjMDItOGQxMS0yZTNmNGE1YjZjN2QifQ.rwGLfxiKhQT5CdJGIDvMt5RUTvT0cNa_4xxTisfkXPg",
    "token_type": "Bearer",
    "expires_in": 900,
    "scope": "applications:read webhooks:manage"
}))]
pub struct ClientToken {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
    /// The client's scopes, space-separated.
    #[schema(example = "applications:read webhooks:manage")]
    pub scope: String,
}

/// Get an access token for an integrator client (OAuth 2.0 client-credentials grant).
///
/// Accepts JSON or `application/x-www-form-urlencoded`. The token carries the client's scopes
/// and expires like a user's access token; there is no refresh token: ask again.
#[utoipa::path(
    tag = "auth",
    request_body(content(
        (ClientTokenRequest = "application/json"),
        (ClientTokenRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "A bearer token", body = ClientToken),
        (status = 401, description = "Unknown client or wrong secret (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/token")]
pub async fn client_token(
    throttle: AddressThrottle,
    state: web::Data<AppState>,
    JsonOrForm(body): JsonOrForm<ClientTokenRequest>,
) -> Result<web::Json<ClientToken>, AppError> {
    throttle.check_account(AccountAction::ClientToken, &body.client_id)?;
    let client_id = body.client_id.clone();
    let client = state
        .db
        .run(move |conn| api_clients::find_active_by_client_id(conn, &client_id))
        .await?;
    let stored = client.as_ref().map(|c| c.secret_hash.clone());
    let secret_ok = state
        .auth
        .hashing
        .verify(SecretString::from(body.client_secret), stored)
        .await?;
    let client = client
        .filter(|_| secret_ok)
        .ok_or(AppError::InvalidCredentials)?;
    Ok(web::Json(ClientToken {
        access_token: state
            .auth
            .jwt
            .issue(client.id, SubjectKind::Client, state.clock.now())?,
        token_type: "Bearer",
        expires_in: state.auth.jwt.ttl().as_secs(),
        scope: Scope::join(&client.scopes),
    }))
}
