//! A reviewer's scorecard: filed or replaced while the application is in review. Scorecards
//! are blind (`domain::review::card_visible`) and write no audit event. Reading the others'
//! cards locks the reader's own, so a placeholder cannot be filed, compared and rewritten; every
//! content a card had is kept as a version that admins see.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::access::Access;
use super::unit::Work;
use crate::db::applications::Application;
use crate::db::scorecards::{self, Scorecard};
use crate::domain::review::{Recommendation, Scores};
use crate::error::{AppError, ProblemCode};

/// What a reviewer marks.
pub struct Card<'a> {
    pub scores: &'a Scores,
    pub recommendation: Recommendation,
    pub comment: Option<&'a str>,
}

/// Files the caller's card on `application`, or replaces it (409 `not_reviewable` outside
/// review, 409 `scorecard_locked` once the caller has read the others' cards); returns whether
/// it is new, and the card as stored.
pub fn file_card(
    work: &mut Work<'_>,
    access: &Access,
    application: &Application,
    card: &Card<'_>,
) -> Result<(bool, Scorecard), AppError> {
    let reviewer = access.user_id.ok_or(AppError::Forbidden)?;
    if !application.status.is_in_review() {
        return Err(AppError::Conflict(ProblemCode::NotReviewable));
    }
    let now = work.now();
    let created = scorecards::upsert(
        work,
        application.id,
        reviewer,
        card.scores,
        card.recommendation,
        card.comment,
        now,
    )?
    .ok_or(AppError::Conflict(ProblemCode::ScorecardLocked))?;
    let stored = scorecards::list(work, application.id)?
        .into_iter()
        .find(|c| c.reviewer_id == reviewer)
        .ok_or(AppError::NotFound)?;
    Ok((created, stored))
}

/// The caller `reviewer` has been shown the others' cards of `application_id`: their own card,
/// if any, can no longer change. Returns the time it was locked.
pub fn others_read(
    work: &mut Work<'_>,
    application_id: Uuid,
    reviewer: Uuid,
) -> Result<DateTime<Utc>, AppError> {
    let now = work.now();
    scorecards::lock(work, application_id, reviewer, now)?;
    Ok(now)
}
