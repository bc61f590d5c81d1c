use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{Authorized, Staff};
use crate::domain::dealer_group::SimilarReason;
use crate::error::AppError;
use crate::state::AppState;
use crate::workflow::groups;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "01938f6e-7c1a-7b4e-9d2f-3a5b6c7d8e9f",
        "legal_name": "无锡东方汽车销售服务有限公司",
        "uscc": "91320200MA1XY1234Q",
        "reasons": ["same_parent", "same_phone"]
    }]
}))]
pub struct SimilarGroups {
    /// Oldest first, at most 50.
    pub items: Vec<SimilarGroup>,
}

/// Another group that may be related to this one.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarGroup {
    pub id: Uuid,
    pub legal_name: String,
    pub uscc: String,
    /// What it shares with the group: `same_parent` (the parent's USCC), `same_name` (the legal
    /// name, normalised), `same_phone`, `same_email` (the contact's).
    pub reasons: Vec<SimilarReason>,
}

/// Groups that may be related to this one (staff).
///
/// Other groups that name the same parent, have the same legal name once normalised (case,
/// width, spaces and punctuation ignored), or give the same contact phone or e-mail: two
/// subsidiaries of one group, or one group registered twice, competing for the same places.
/// Admins see every such group, reviewers those that apply in their cities; the group itself
/// must be visible to the caller (404 otherwise).
#[utoipa::path(
    tag = "dealer-groups",
    params(("id" = Uuid, Path, description = "Dealer group id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The related groups", body = SimilarGroups))
)]
#[get("/dealer-groups/{id}/similar")]
pub async fn similar_dealer_groups(
    Authorized(staff): Authorized<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<SimilarGroups>, AppError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| groups::similar(conn, &staff, id))
        .await?;
    let items = found
        .into_iter()
        .map(|(group, reasons)| SimilarGroup {
            id: group.id,
            legal_name: group.legal_name,
            uscc: group.uscc,
            reasons,
        })
        .collect();
    Ok(web::Json(SimilarGroups { items }))
}
