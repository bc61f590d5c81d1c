use actix_web::{post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{TokenPair, issue_token_pair};
use crate::db::{refresh_tokens, users};
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::tokens::hash_token;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"refresh_token": "4OSqYE_9I0uFXt49CyibNyVdC6UEcneu-a7zFc43luk"}))]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}

enum Outcome {
    Renewed(TokenPair),
    /// A used or revoked token came back: its family was revoked.
    Refused,
}

/// Exchange a refresh token for a new token pair.
///
/// The refresh token is single-use. Presenting one that was already used (as a thief replaying a
/// stolen token would) revokes every token descended from the same sign-in.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair; the old refresh token stops working", body = TokenPair),
        (status = 401, description = "Unknown, expired, used or revoked refresh token (`invalid_refresh_token`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<RefreshRequest>,
) -> Result<web::Json<TokenPair>, AppError> {
    let refresh_ttl = state.config.refresh_token_ttl;
    let task_state = state.clone();
    let outcome = state
        .write(move |work| {
            let now = work.now();
                let Some(token) = refresh_tokens::find_by_hash(work, &hash_token(&body.refresh_token))? else {
                    return Ok(Outcome::Refused);
                };
                if token.revoked_at.is_some() || token.expires_at <= now.naive_utc() {
                    return Ok(Outcome::Refused);
                }
                let user_id: Uuid = token
                    .user_id
                    .parse()
                    .map_err(|_| AppError::Internal(anyhow::anyhow!("refresh token {}: bad user id", token.id)))?;
                // The account's row before the token's, in the order that ending its sessions
                // takes them (`workflow::accounts`): the two queue instead of deadlocking.
                users::lock(work, user_id)?;
                if !refresh_tokens::mark_used(work, &token.id, now)? {
                    tracing::warn!(family = %token.family_id, "refresh token reused: revoking its family");
                    refresh_tokens::revoke_family(work, &token.family_id, now)?;
                    return Ok(Outcome::Refused);
                }
                let Some(user) = users::find(work, user_id)?.filter(|u| u.active) else {
                    return Ok(Outcome::Refused);
                };
                Ok(issue_token_pair(work, &task_state.auth.jwt, refresh_ttl, &user, Some(&token.family_id), now)?
                    .map_or(Outcome::Refused, Outcome::Renewed))
        })
        .await?;
    match outcome {
        Outcome::Renewed(pair) => Ok(web::Json(pair)),
        Outcome::Refused => Err(AppError::InvalidRefreshToken),
    }
}
