//! Dealer groups: the owner registers the group's profile and keeps it current. A top-100 claim
//! is verified against the latest national ranking list whenever the profile is written.

use uuid::Uuid;

use super::unit::Work;
use crate::db::dealer_groups::{self, DealerGroup};
use crate::db::{DbConnection, rankings, users};
use crate::domain::dealer_group::Profile;
use crate::error::{AppError, ProblemCode};

/// A profile as checked (USCC normalised, name trimmed), with its soft warnings.
pub struct CheckedProfile {
    pub profile: Profile,
    pub warnings: Vec<String>,
}

/// Registers group `id` with `owner` as its owner (409 `already_in_group` if the owner belongs
/// to one already); the owner's confirmed caller names the group from the next request on.
pub fn create(
    work: &mut Work<'_>,
    id: Uuid,
    owner: Uuid,
    checked: &CheckedProfile,
) -> Result<DealerGroup, AppError> {
    // Read again inside the transaction: the caller's cached view may be a second old.
    if users::find(work, owner)?
        .and_then(|u| u.dealer_group_id)
        .is_some()
    {
        return Err(AppError::Conflict(ProblemCode::AlreadyInGroup));
    }
    let verified = rank_verified(work, &checked.profile)?;
    let now = work.now();
    dealer_groups::insert(
        work,
        id,
        &checked.profile,
        &checked.warnings,
        verified,
        owner,
        now,
    )?;
    work.forget(owner);
    found(work, id)
}

/// Replaces the profile of `group` (as read, at its version: 412 otherwise).
pub fn update(
    work: &mut Work<'_>,
    group: &DealerGroup,
    checked: &CheckedProfile,
) -> Result<DealerGroup, AppError> {
    let verified = rank_verified(work, &checked.profile)?;
    let now = work.now();
    let updated = dealer_groups::update(
        work,
        group.id,
        group.version,
        &checked.profile,
        &checked.warnings,
        verified,
        now,
    )?;
    if !updated {
        return Err(AppError::VersionMismatch);
    }
    found(work, group.id)
}

fn found(conn: &mut DbConnection, id: Uuid) -> Result<DealerGroup, AppError> {
    dealer_groups::find(conn, id)?.ok_or(AppError::NotFound)
}

fn rank_verified(conn: &mut DbConnection, profile: &Profile) -> Result<bool, AppError> {
    rankings::is_verified(
        conn,
        &profile.uscc,
        &profile.legal_name,
        profile.national_rank_claim.is_some(),
    )
}
