use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::auth::{Authorized, Principal, Staff};
use crate::db::scorecards::{self, CardVersion, Scorecard};
use crate::domain::account::Role;
use crate::domain::review::{Recommendation, Scores, card_visible};
use crate::error::{AppError, Problem};
use crate::http::extract::ValidatedJson;
use crate::state::AppState;
use crate::workflow::Access;
use crate::workflow::scorecards::{Card, file_card, others_read};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "scores": {"district_resources": 4, "customer_resources": 4, "nev_experience": 5, "after_sales": 4, "financial_strength": 5},
    "recommendation": "yes",
    "comment": "Seven years with BYD and a class 1 workshop; the Wuzhong site meets every size threshold, but its lease is still being negotiated."
}))]
pub struct ScorecardRequest {
    #[validate(nested)]
    pub scores: Scores,
    pub recommendation: Recommendation,
    #[validate(
        length(max = 4000),
        custom(function = "crate::domain::text::multi_line")
    )]
    #[schema(max_length = 4000)]
    #[serde(default, deserialize_with = "crate::domain::text::trimmed_opt")]
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "reviewer_id": "01956f3a-8c21-7a4b-b3d2-1f2e3d4c5b6a",
    "reviewer_name": "Zhang Min",
    "scores": {"district_resources": 4, "customer_resources": 4, "nev_experience": 5, "after_sales": 4, "financial_strength": 5},
    "total": 22,
    "recommendation": "yes",
    "comment": "Seven years with BYD and a class 1 workshop; the Wuzhong site meets every size threshold, but its lease is still being negotiated.",
    "created_at": "2026-03-07T03:05:00Z",
    "updated_at": "2026-03-07T03:05:00Z",
    "locked_at": null
}))]
pub struct ScorecardResponse {
    pub reviewer_id: Uuid,
    pub reviewer_name: String,
    pub scores: Scores,
    /// The sum of the five scores, 5..25.
    pub total: i32,
    pub recommendation: Recommendation,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set once the card's reviewer has read the others' cards: from then on it cannot change.
    pub locked_at: Option<DateTime<Utc>>,
    /// Admins only: every content the card had, oldest first (the last is the current one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<ScorecardVersion>>,
}

/// One content a scorecard had.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "version": 1,
    "scores": {"district_resources": 4, "customer_resources": 4, "nev_experience": 5, "after_sales": 4, "financial_strength": 5},
    "total": 22,
    "recommendation": "yes",
    "comment": "Seven years with BYD and a class 1 workshop; the Wuzhong site meets every size threshold, but its lease is still being negotiated.",
    "filed_at": "2026-03-07T03:05:00Z"
}))]
pub struct ScorecardVersion {
    /// 1 for the card as first filed, then one more for each change.
    pub version: i32,
    pub scores: Scores,
    pub total: i32,
    pub recommendation: Recommendation,
    pub comment: Option<String>,
    pub filed_at: DateTime<Utc>,
}

impl From<CardVersion> for ScorecardVersion {
    fn from(card: CardVersion) -> Self {
        Self {
            version: card.version,
            total: card.scores.total(),
            scores: card.scores,
            recommendation: card.recommendation,
            comment: card.comment,
            filed_at: card.filed_at,
        }
    }
}

impl From<Scorecard> for ScorecardResponse {
    fn from(card: Scorecard) -> Self {
        Self {
            locked_at: card.locked_at,
            versions: None,
            reviewer_id: card.reviewer_id,
            reviewer_name: card.reviewer_name,
            total: card.scores.total(),
            scores: card.scores,
            recommendation: card.recommendation,
            comment: card.comment,
            created_at: card.created_at,
            updated_at: card.updated_at,
        }
    }
}

/// The scorecards the caller may see. Review is blind: until a reviewer files their own card,
/// others' cards are withheld and only counted; once they are shown, the caller's own card is
/// locked.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "reviewer_id": "01956f3a-8c21-7a4b-b3d2-1f2e3d4c5b6a",
        "reviewer_name": "Zhang Min",
        "scores": {"district_resources": 4, "customer_resources": 4, "nev_experience": 5, "after_sales": 4, "financial_strength": 5},
        "total": 22,
        "recommendation": "yes",
        "comment": "Seven years with BYD and a class 1 workshop; the Wuzhong site meets every size threshold, but its lease is still being negotiated.",
        "created_at": "2026-03-07T03:05:00Z",
        "updated_at": "2026-03-07T03:05:00Z",
        "locked_at": null
    }],
    "filed_by_you": true,
    "hidden": 0
}))]
pub struct ScorecardList {
    pub items: Vec<ScorecardResponse>,
    /// Whether the caller has filed a scorecard.
    pub filed_by_you: bool,
    /// How many scorecards are withheld from the caller.
    pub hidden: usize,
}

/// The application's scorecards (reviewers of its city, admins).
///
/// Admins see every card, with its `versions`. A reviewer sees the others' cards only once they
/// filed their own; before that, `items` is empty and `hidden` counts the withheld cards. A
/// caller whose own card is answered together with others' cards has read them: their card is
/// locked from then on (`locked_at`; a change is 409 `scorecard_locked`). Applicants never see
/// scorecards (403).
#[utoipa::path(
    tag = "applications",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The visible scorecards", body = ScorecardList))
)]
#[get("/applications/{id}/reviews")]
pub async fn list_reviews(
    Authorized(user): Authorized<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<ScorecardList>, AppError> {
    let id = id.into_inner();
    let admin = user.role == Role::Admin;
    let caller = user.id;
    let access = Access::of(&Principal::User(user), None)?;
    let (cards, mut versions) = state
        .db
        .run(move |conn| {
            access.load(conn, id)?;
            let versions = if admin {
                scorecards::versions(conn, id)?
            } else {
                Vec::new()
            };
            Ok((scorecards::list(conn, id)?, versions))
        })
        .await?;
    let own = cards.iter().find(|c| c.reviewer_id == caller);
    let filed_by_you = own.is_some();
    let unlocked = own.is_some_and(|c| c.locked_at.is_none());
    let (items, hidden): (Vec<_>, Vec<_>) = cards
        .into_iter()
        .partition(|c| card_visible(c.reviewer_id, caller, admin, filed_by_you));
    // Lock before answering: the caller must not see the others' cards with theirs still open.
    let mut locked_now = None;
    if unlocked && items.iter().any(|c| c.reviewer_id != caller) {
        locked_now = Some(
            state
                .write(move |work| others_read(work, id, caller))
                .await?,
        );
    }
    let items = items
        .into_iter()
        .map(|card| {
            let reviewer = card.reviewer_id;
            let mut response = ScorecardResponse::from(card);
            if reviewer == caller && response.locked_at.is_none() {
                response.locked_at = locked_now;
            }
            if admin {
                let (own, rest) = versions.drain(..).partition(|v| v.reviewer_id == reviewer);
                versions = rest;
                response.versions = Some(own.into_iter().map(ScorecardVersion::from).collect());
            }
            response
        })
        .collect();
    Ok(web::Json(ScorecardList {
        items,
        filed_by_you,
        hidden: hidden.len(),
    }))
}

/// File or update the caller's own scorecard (reviewers of the city, admins).
///
/// One card per reviewer and application, each criterion scored 1 to 5. Possible while the
/// application is in review (`submitted` to `shortlisted`; else 409 `not_reviewable`) and until
/// the caller has read the others' cards (then 409 `scorecard_locked`). 201 when the card is new,
/// 200 when it replaced the caller's earlier card; every content is kept as a version for admins.
#[utoipa::path(
    tag = "applications",
    request_body = ScorecardRequest,
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's card, updated", body = ScorecardResponse),
        (status = 201, description = "The caller's card, filed", body = ScorecardResponse),
        (status = 409, description = "The application is not in review (`not_reviewable`), or the caller has read the others' cards (`scorecard_locked`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/applications/{id}/reviews")]
pub async fn put_review(
    Authorized(user): Authorized<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    ValidatedJson(body): ValidatedJson<ScorecardRequest>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let access = Access::of(&Principal::User(user), None)?;
    let (created, card) = state
        .write(move |work| {
            let application = access.load(work, id)?;
            let card = Card {
                scores: &body.scores,
                recommendation: body.recommendation,
                comment: body.comment.as_deref(),
            };
            file_card(work, &access, &application, &card)
        })
        .await?;
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.json(ScorecardResponse::from(card)))
}
