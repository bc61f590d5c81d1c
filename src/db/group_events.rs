//! The record of a dealer group's membership: who invited, revoked, joined, changed a role,
//! removed or left, kept with the group (an application's timeline keeps it too, but a group
//! may have no application).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{group_events as ge, users};
use crate::domain::event::EventAction;
use crate::domain::member::MemberRole;
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = ge)]
struct Row {
    id: String,
    at: NaiveDateTime,
    actor_id: Option<String>,
    actor_group_role: Option<String>,
    action: String,
    subject: String,
    detail: Option<String>,
}

/// One change of a group's membership.
#[derive(Debug, Clone)]
pub struct GroupEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The actor's display name, while the account exists.
    pub actor_name: Option<String>,
    /// The actor's role in the group when it acted.
    pub actor_group_role: Option<MemberRole>,
    pub action: EventAction,
    /// The member's account id, or the invited address.
    pub subject: String,
    pub detail: Option<String>,
}

impl Row {
    fn into_event(self, actor_name: Option<String>) -> Result<GroupEvent, AppError> {
        let corrupt =
            |what: &str| AppError::Internal(anyhow::anyhow!("group event {}: bad {what}", self.id));
        Ok(GroupEvent {
            id: self.id.parse().map_err(|_| corrupt("id"))?,
            at: self.at.and_utc(),
            actor_id: self
                .actor_id
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|_| corrupt("actor"))?,
            actor_name,
            actor_group_role: self
                .actor_group_role
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|_| corrupt("role"))?,
            action: EventAction::parse(&self.action).ok_or_else(|| corrupt("action"))?,
            subject: self.subject,
            detail: self.detail,
        })
    }
}

/// A change to record.
pub struct NewGroupEvent<'a> {
    pub dealer_group_id: Uuid,
    pub actor_id: Uuid,
    pub actor_group_role: MemberRole,
    pub action: EventAction,
    pub subject: &'a str,
    pub detail: &'a str,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewGroupEvent<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::insert_into(ge::table)
        .values((
            ge::id.eq(Uuid::now_v7().to_string()),
            ge::dealer_group_id.eq(new.dealer_group_id.to_string()),
            ge::at.eq(now.naive_utc()),
            ge::actor_id.eq(new.actor_id.to_string()),
            ge::actor_group_role.eq(new.actor_group_role.as_str()),
            ge::action.eq(new.action.as_str()),
            ge::subject.eq(new.subject),
            ge::detail.eq(new.detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// The group's events, oldest first, after the keyset `after` (at, id).
pub fn list(
    conn: &mut DbConnection,
    group_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<GroupEvent>, AppError> {
    let mut query = ge::table
        .left_join(users::table.on(ge::actor_id.eq(users::id.nullable())))
        .filter(ge::dealer_group_id.eq(group_id.to_string()))
        .order((ge::at.asc(), ge::id.asc()))
        .limit(limit)
        .select((Row::as_select(), users::display_name.nullable()))
        .into_boxed();
    if let Some((at, id)) = after {
        let at = at.naive_utc();
        query = query.filter(
            ge::at
                .gt(at)
                .or(ge::at.eq(at).and(ge::id.gt(id.to_string()))),
        );
    }
    query
        .load::<(Row, Option<String>)>(conn)?
        .into_iter()
        .map(|(row, name)| row.into_event(name))
        .collect()
}
