use actix_web::{HttpResponse, post, web};

use super::refresh::RefreshRequest;
use crate::auth::{AnyUser, Authorized};
use crate::db::refresh_tokens;
use crate::error::AppError;
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::tokens::hash_token;

/// Sign out.
///
/// Revokes the refresh token and every token renewed from the same sign-in. The access token
/// stays valid until it expires (at most 15 minutes); clients drop it. Unknown tokens are ignored,
/// so signing out twice is harmless.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    security(("bearer" = [])),
    responses((status = 204, description = "Signed out"))
)]
#[post("/auth/logout")]
pub async fn logout(
    Authorized(user): Authorized<AnyUser>,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    state
        .write(move |work| {
            let now = work.now();
            let token = refresh_tokens::find_by_hash(work, &hash_token(&body.refresh_token))?;
            // Only the owner's own tokens: a leaked token must not let others sign anyone out.
            if let Some(token) = token.filter(|t| t.user_id == user.id.to_string()) {
                refresh_tokens::revoke_family(work, &token.family_id, now)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
