use actix_web::{put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::CriteriaResponse;
use crate::auth::{Admin, Authorized};
use crate::db::criteria;
use crate::domain::eligibility::Criteria;
use crate::error::{AppError, FieldError};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = PutCriteriaRequest::example)]
pub struct PutCriteriaRequest {
    pub rules: Criteria,
}

impl PutCriteriaRequest {
    /// The published defaults: a version that passes, to edit from.
    fn example() -> serde_json::Value {
        serde_json::json!({ "rules": Criteria::default() })
    }
}

/// Publish a new version of the eligibility criteria (admins).
///
/// Applications submitted from now on are evaluated with it; reports made earlier keep the
/// version they used. Thresholds and points must not be negative, tiers must rise, and the
/// scored rules' `max_points` must add up to 100; each problem is named by its path.
#[utoipa::path(
    tag = "eligibility",
    request_body = PutCriteriaRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "The new version", body = CriteriaResponse))
)]
#[put("/eligibility-criteria")]
pub async fn put_criteria(
    Authorized(admin): Authorized<Admin>,
    state: web::Data<AppState>,
    ValidatedJson(body): ValidatedJson<PutCriteriaRequest>,
) -> Result<web::Json<CriteriaResponse>, AppError> {
    let problems = body.rules.problems();
    if !problems.is_empty() {
        return Err(AppError::Validation(
            problems
                .into_iter()
                .map(|(field, code)| FieldError::new(field, code))
                .collect(),
        ));
    }
    let current = state
        .write(move |work| {
            let now = work.now();
            criteria::add(work, &body.rules, Some(admin.id), now)?;
            criteria::current(work)
        })
        .await?;
    Ok(web::Json(current.into()))
}
