//! Integrators: deleting a client, which ends its webhooks with it, and sending one of a
//! subscription's deliveries again.

use uuid::Uuid;

use super::unit::Work;
use crate::db::api_clients;
use crate::db::webhooks::{self, DeliveryLog, Manager};
use crate::error::AppError;
use crate::jobs::JobKind;

/// Deletes client `id` (404 if there is none): its secret and tokens stop working from the next
/// request on, and its subscriptions end with their pending deliveries.
pub fn delete_client(work: &mut Work<'_>, id: Uuid) -> Result<(), AppError> {
    let now = work.now();
    if !api_clients::revoke(work, id, now)? {
        return Err(AppError::NotFound);
    }
    webhooks::delete_for_client(work, id, now)?;
    work.forget(id);
    Ok(())
}

/// Schedules `delivery` of `subscription` (one the manager may see: 404 otherwise) for now,
/// and wakes the webhook job to send it.
pub fn redeliver(
    work: &mut Work<'_>,
    manager: Manager,
    subscription: Uuid,
    delivery: Uuid,
) -> Result<DeliveryLog, AppError> {
    webhooks::find(work, manager, subscription)?.ok_or(AppError::NotFound)?;
    let now = work.now();
    let scheduled =
        webhooks::redeliver(work, subscription, delivery, now)?.ok_or(AppError::NotFound)?;
    work.wake(JobKind::Webhooks);
    Ok(scheduled)
}
