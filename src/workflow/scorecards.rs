//! A reviewer's scorecard: filed or replaced while the application is in review. Scorecards
//! are blind (`domain::review::card_visible`) and write no audit event.

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
/// review); returns whether it is new, and the card as stored.
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
    )?;
    let stored = scorecards::list(work, application.id)?
        .into_iter()
        .find(|c| c.reviewer_id == reviewer)
        .ok_or(AppError::NotFound)?;
    Ok((created, stored))
}
