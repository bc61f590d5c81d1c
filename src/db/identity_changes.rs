//! Requests to change a dealer group's legal identity, and their decisions.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::identity_changes;
use crate::domain::identity_change::IdentityChangeStatus;
use crate::error::{AppError, ProblemCode};

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = identity_changes)]
struct Row {
    id: String,
    dealer_group_id: String,
    from_legal_name: String,
    from_uscc: String,
    legal_name: String,
    uscc: String,
    reason: String,
    status: String,
    requested_by: String,
    requested_at: NaiveDateTime,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IdentityChange {
    pub id: Uuid,
    pub dealer_group_id: Uuid,
    /// The identity the request would replace, as it was when asked.
    pub from_legal_name: String,
    pub from_uscc: String,
    pub legal_name: String,
    pub uscc: String,
    pub reason: String,
    pub status: IdentityChangeStatus,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

/// A new request, as the owner asks it.
pub struct NewIdentityChange<'a> {
    pub id: Uuid,
    pub dealer_group_id: Uuid,
    pub from_legal_name: &'a str,
    pub from_uscc: &'a str,
    pub legal_name: &'a str,
    pub uscc: &'a str,
    pub reason: &'a str,
    pub requested_by: Uuid,
}

fn corrupt(id: &str, what: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("identity change {id}: bad {what}"))
}

fn uuid(id: &str, text: &str, what: &str) -> Result<Uuid, AppError> {
    text.parse().map_err(|_| corrupt(id, what))
}

impl TryFrom<Row> for IdentityChange {
    type Error = AppError;
    fn try_from(row: Row) -> Result<Self, AppError> {
        let id = &row.id;
        Ok(Self {
            id: uuid(id, id, "id")?,
            dealer_group_id: uuid(id, &row.dealer_group_id, "group")?,
            status: row.status.parse().map_err(|_| corrupt(id, "status"))?,
            requested_by: uuid(id, &row.requested_by, "requester")?,
            decided_by: row
                .decided_by
                .as_deref()
                .map(|by| uuid(id, by, "decider"))
                .transpose()?,
            from_legal_name: row.from_legal_name,
            from_uscc: row.from_uscc,
            legal_name: row.legal_name,
            uscc: row.uscc,
            reason: row.reason,
            requested_at: row.requested_at.and_utc(),
            decided_at: row.decided_at.map(|t| t.and_utc()),
            decision_reason: row.decision_reason,
        })
    }
}

/// Adds a pending request; the group has one pending already: 409 `identity_change_pending`
/// (the unique index decides between two racing requests).
pub fn insert(
    conn: &mut DbConnection,
    new: &NewIdentityChange<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::insert_into(identity_changes::table)
        .values((
            identity_changes::id.eq(new.id.to_string()),
            identity_changes::dealer_group_id.eq(new.dealer_group_id.to_string()),
            identity_changes::from_legal_name.eq(new.from_legal_name),
            identity_changes::from_uscc.eq(new.from_uscc),
            identity_changes::legal_name.eq(new.legal_name),
            identity_changes::uscc.eq(new.uscc),
            identity_changes::reason.eq(new.reason),
            identity_changes::status.eq(IdentityChangeStatus::Pending.as_str()),
            identity_changes::requested_by.eq(new.requested_by.to_string()),
            identity_changes::requested_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict(ProblemCode::IdentityChangePending),
            other => other,
        })?;
    Ok(())
}

/// The group's requests, newest first.
pub fn of_group(conn: &mut DbConnection, group_id: Uuid) -> Result<Vec<IdentityChange>, AppError> {
    identity_changes::table
        .filter(identity_changes::dealer_group_id.eq(group_id.to_string()))
        .order((
            identity_changes::requested_at.desc(),
            identity_changes::id.desc(),
        ))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(IdentityChange::try_from)
        .collect()
}

/// Request `id` of group `group_id`, if it is one.
pub fn find(
    conn: &mut DbConnection,
    group_id: Uuid,
    id: Uuid,
) -> Result<Option<IdentityChange>, AppError> {
    identity_changes::table
        .find(id.to_string())
        .filter(identity_changes::dealer_group_id.eq(group_id.to_string()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(IdentityChange::try_from)
        .transpose()
}

/// Whether the group has a request awaiting a decision.
pub fn has_pending(conn: &mut DbConnection, group_id: Uuid) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        identity_changes::table
            .filter(identity_changes::dealer_group_id.eq(group_id.to_string()))
            .filter(identity_changes::status.eq(IdentityChangeStatus::Pending.as_str())),
    ))
    .get_result(conn)?)
}

/// Records the decision on request `id` if it is still pending; false when it is not.
pub fn decide(
    conn: &mut DbConnection,
    id: Uuid,
    status: IdentityChangeStatus,
    by: Uuid,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = diesel::update(
        identity_changes::table
            .find(id.to_string())
            .filter(identity_changes::status.eq(IdentityChangeStatus::Pending.as_str())),
    )
    .set((
        identity_changes::status.eq(status.as_str()),
        identity_changes::decided_by.eq(Some(by.to_string())),
        identity_changes::decided_at.eq(Some(now.naive_utc())),
        identity_changes::decision_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
