use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::{DealerGroupResponse, locale_of};
use crate::auth::{Admin, Authorized};
use crate::error::{AppError, Problem};
use crate::http::concurrency::ok_with_etag;
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::workflow::groups;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "note": "Checked the shareholding register in the 2025 annual report (uploaded as relationship_evidence): the holding owns 100% of the group."
}))]
pub struct VerifyAffiliationRequest {
    /// What was checked, for the record (staff read it).
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(deserialize_with = "crate::domain::text::trimmed")]
    pub note: String,
}

/// Confirm that a group belongs to its parent (admins).
///
/// After checking the evidence (the applicant's `relationship_evidence` documents), an admin
/// records that the group belongs to the `parent` its profile names. From then on the group's
/// top-100 verification counts its parent's place in the latest ranking list
/// (`rank_verified_via: parent`) until the owner changes `parent`, which clears the
/// confirmation. A `verify_affiliation` event in the timeline of each of the group's
/// applications. A group that names no parent: 409 `no_parent`.
#[utoipa::path(
    tag = "dealer-groups",
    request_body = VerifyAffiliationRequest,
    params(("id" = Uuid, Path, description = "Dealer group id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The group, its affiliation confirmed", body = DealerGroupResponse, example = json!({
            "id": "01938f6e-7c1a-7b4e-9d2f-3a5b6c7d8e9f",
            "legal_name": "苏州东方汽车销售服务有限公司",
            "uscc": "91320500MA1MXXXX0X",
            "hq_city": "Suzhou",
            "hq_province": "Jiangsu",
            "founded_year": 2012,
            "registered_capital_cny": 50_000_000,
            "annual_revenue_cny": 600_000_000,
            "stores_total": 6,
            "national_rank_claim": null,
            "provinces": [{"province": "Jiangsu", "stores": 6}],
            "brands": [{"brand": "BYD", "segment": "nev", "years": 5, "annual_units": 4200}],
            "after_sales": {"mechanical": true, "sheet_metal": true, "paint": true, "repair_class": 1},
            "contact": {"name": "Wang Fang", "phone": "13912345678", "email": "wang.fang@dealer.example"},
            "parent": {"legal_name": "东方汽车控股集团有限公司", "uscc": "91320000134567890Y"},
            "rank_verified": true,
            "rank_verified_via": "parent",
            "affiliation": {
                "verified": true,
                "verified_at": "2026-12-01T09:30:00Z",
                "verified_by": "01938f70-1d2e-7f3a-8b4c-5d6e7f809a1b",
                "note": "Checked the shareholding register in the 2025 annual report: the holding owns 100% of the group."
            },
            "warnings": [],
            "owner_id": "01938f6d-2a3b-7c4d-8e5f-6a7b8c9d0e1f",
            "version": 4,
            "created_at": "2026-11-02T08:00:00Z",
            "updated_at": "2026-12-01T09:30:00Z"
        })),
        (status = 409, description = "The group names no parent (`no_parent`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dealer-groups/{id}/affiliation/verify")]
pub async fn verify_affiliation(
    Authorized(admin): Authorized<Admin>,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedJson(body): ValidatedJson<VerifyAffiliationRequest>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (locale, role) = (locale_of(&req, admin.locale), admin.role);
    let group = state
        .write(move |work| groups::verify_affiliation(work, id, admin.id, &body.note))
        .await?;
    Ok(ok_with_etag(group.version).json(DealerGroupResponse::for_role(group, locale, role)))
}
