//! An application before the maker decides: its creation as a draft and the members' edits.

use uuid::Uuid;

use super::access::Access;
use super::unit::Work;
use crate::db::applications::{self, Application};
use crate::db::cities;
use crate::db::events::NewEvent;
use crate::domain::application::ProposalDraft;
use crate::domain::division;
use crate::domain::event::EventAction;
use crate::domain::workflow::{Actor, MEMBERS, Status};
use crate::error::{AppError, FieldError, ProblemCode};

/// Creates the draft `id` for the caller's group: its members only (403; 409
/// `no_dealer_group`), for a city of the plan (422 `unknown_city`), its sites' district codes in
/// that city (422 `district_outside_city`). Recorded as `create`.
pub fn create(
    work: &mut Work<'_>,
    access: &Access,
    id: Uuid,
    draft: &ProposalDraft,
) -> Result<Application, AppError> {
    let (true, Some(user_id)) = (access.applicant, access.user_id) else {
        return Err(AppError::Forbidden);
    };
    let (group_id, role) = access
        .membership
        .ok_or(AppError::Conflict(ProblemCode::NoDealerGroup))?;
    if !cities::unknown_codes(work, std::slice::from_ref(&draft.city_code))?.is_empty() {
        return Err(AppError::field("city_code", "unknown_city"));
    }
    located_in_city(draft)?;
    let now = work.now();
    applications::insert(work, id, group_id, draft, user_id, now)?;
    work.record(NewEvent {
        application_id: id,
        actor_id: Some(user_id),
        actor_role: Actor::Applicant(role),
        action: EventAction::Create,
        from_status: None,
        to_status: Status::Draft,
        reason_code: None,
        reason: None,
    });
    applications::find(work, id)?.ok_or(AppError::NotFound)
}

/// Replaces what the group wrote in `application` (any member), which must be editable (409
/// `not_editable`) and still at the version the member read (412); the city cannot change, and the
/// sites' district codes lie in it (422 `district_outside_city`).
pub fn edit(
    work: &mut Work<'_>,
    access: &Access,
    application: &Application,
    draft: &ProposalDraft,
) -> Result<Application, AppError> {
    access.require(application, MEMBERS)?;
    if !application.status.is_editable() {
        return Err(AppError::Conflict(ProblemCode::NotEditable));
    }
    if draft.city_code != application.city_code {
        return Err(AppError::field("city_code", "immutable"));
    }
    located_in_city(draft)?;
    let now = work.now();
    if !applications::update_draft(work, application.id, application.version, draft, now)? {
        return Err(AppError::VersionMismatch);
    }
    applications::find(work, application.id)?.ok_or(AppError::NotFound)
}

/// 422 `district_outside_city` on every site whose district code is not a district or county of
/// the draft's city.
fn located_in_city(draft: &ProposalDraft) -> Result<(), AppError> {
    let outside: Vec<FieldError> = draft
        .proposed_sites
        .iter()
        .enumerate()
        .filter(|(_, site)| {
            site.district_code
                .as_deref()
                .is_some_and(|code| !division::lies_in(code, &draft.city_code))
        })
        .map(|(index, _)| {
            FieldError::new(
                format!("proposed_sites[{index}].district_code"),
                "district_outside_city",
            )
        })
        .collect();
    if outside.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(outside))
    }
}
