//! Assigning a reviewer of the city to an application (admins).

use uuid::Uuid;

use super::recipients::application_mail;
use super::unit::Work;
use crate::db::applications::Application;
use crate::db::events::NewEvent;
use crate::db::{assignees, users};
use crate::domain::account::Role;
use crate::domain::event::EventAction;
use crate::domain::workflow::Actor;
use crate::error::{AppError, ProblemCode};
use crate::mail::Message;

/// Assigns `reviewer_id` to `application` on behalf of the admin `by`: the reviewer must be an
/// active reviewer of the application's city (422 on `user_id`), the application in review
/// (409 `not_reviewable`) and the reviewer not yet assigned (409 `already_assigned`). The
/// reviewer is e-mailed and the assignment recorded as `assign`.
pub fn assign(
    work: &mut Work<'_>,
    application: &Application,
    reviewer_id: Uuid,
    by: Uuid,
) -> Result<(), AppError> {
    let reviewer = users::find(work, reviewer_id)?.filter(|u| u.active && u.role == Role::Reviewer);
    let Some(reviewer) = reviewer else {
        return Err(AppError::field("user_id", "not_a_reviewer_of_city"));
    };
    if !users::city_codes(work, reviewer.id)?.contains(&application.city_code) {
        return Err(AppError::field("user_id", "not_a_reviewer_of_city"));
    }
    if !application.status.is_in_review() {
        return Err(AppError::Conflict(ProblemCode::NotReviewable));
    }
    let now = work.now();
    if !assignees::add(work, application.id, reviewer.id, Some(by), now)? {
        return Err(AppError::Conflict(ProblemCode::AlreadyAssigned));
    }
    work.record(NewEvent {
        application_id: application.id,
        actor_id: Some(by),
        actor_role: Actor::Admin,
        action: EventAction::Assign,
        from_status: Some(application.status),
        to_status: application.status,
        reason_code: None,
        reason: Some(format!("{} ({})", reviewer.display_name, reviewer.id)),
    });
    let message = Message::ReviewerAssigned {
        mail: application_mail(work, application, reviewer.display_name)?,
        group: application.dealer_group_name.clone(),
    };
    work.mail(reviewer.email, reviewer.locale, message);
    Ok(())
}
