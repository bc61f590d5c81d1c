//! Invitations into a dealer group: an owner names an address and a role; the token mailed to
//! the address is stored only as its SHA-256, like the other one-time tokens.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::group_invitations as inv;
use crate::domain::member::MemberRole;
use crate::error::AppError;
use crate::tokens::hash_token;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = inv)]
struct InvitationRow {
    id: String,
    dealer_group_id: String,
    email: String,
    role: String,
    title: Option<String>,
    invited_by: String,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    accepted_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: Uuid,
    pub dealer_group_id: Uuid,
    /// The invited address, normalised (`EmailAddress`).
    pub email: String,
    pub role: MemberRole,
    pub title: Option<String>,
    pub invited_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where an invitation stands at some moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl Invitation {
    pub fn standing(&self, now: DateTime<Utc>) -> Standing {
        if self.accepted_at.is_some() {
            Standing::Accepted
        } else if self.revoked_at.is_some() {
            Standing::Revoked
        } else if self.expires_at <= now {
            Standing::Expired
        } else {
            Standing::Pending
        }
    }
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = AppError;
    fn try_from(row: InvitationRow) -> Result<Self, AppError> {
        let corrupt =
            |what: &str| AppError::Internal(anyhow::anyhow!("invitation {}: bad {what}", row.id));
        Ok(Self {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            dealer_group_id: row.dealer_group_id.parse().map_err(|_| corrupt("group"))?,
            role: row.role.parse().map_err(|_| corrupt("role"))?,
            invited_by: row.invited_by.parse().map_err(|_| corrupt("inviter"))?,
            email: row.email,
            title: row.title,
            created_at: row.created_at.and_utc(),
            expires_at: row.expires_at.and_utc(),
            accepted_at: row.accepted_at.map(|t| t.and_utc()),
            revoked_at: row.revoked_at.map(|t| t.and_utc()),
        })
    }
}

pub struct NewInvitation<'a> {
    pub id: Uuid,
    pub dealer_group_id: Uuid,
    pub email: &'a str,
    pub role: MemberRole,
    pub title: Option<&'a str>,
    pub invited_by: Uuid,
    /// The token in clear; only its hash is stored.
    pub token: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewInvitation<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::insert_into(inv::table)
        .values((
            inv::id.eq(new.id.to_string()),
            inv::dealer_group_id.eq(new.dealer_group_id.to_string()),
            inv::email.eq(new.email),
            inv::role.eq(new.role.as_str()),
            inv::title.eq(new.title),
            inv::token_hash.eq(hash_token(new.token)),
            inv::invited_by.eq(new.invited_by.to_string()),
            inv::created_at.eq(now.naive_utc()),
            inv::expires_at.eq(new.expires_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Revokes the open invitation of `email` into `group_id`, if there is one; returns how many.
pub fn revoke_open_for(
    conn: &mut DbConnection,
    group_id: Uuid,
    email: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    Ok(diesel::update(
        inv::table
            .filter(inv::dealer_group_id.eq(group_id.to_string()))
            .filter(inv::email.eq(email))
            .filter(inv::accepted_at.is_null())
            .filter(inv::revoked_at.is_null()),
    )
    .set(inv::revoked_at.eq(now.naive_utc()))
    .execute(conn)?)
}

/// The open invitations into `group_id` that `inviter` sent (expired ones included: nobody can
/// accept them any more, but they are still open), oldest first.
pub fn open_sent_by(
    conn: &mut DbConnection,
    group_id: Uuid,
    inviter: Uuid,
) -> Result<Vec<Invitation>, AppError> {
    let mut open = open_of_group(conn, group_id)?;
    open.retain(|i| i.invited_by == inviter);
    Ok(open)
}

/// The group's invitations that may still be accepted, oldest first.
pub fn pending_of_group(
    conn: &mut DbConnection,
    group_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>, AppError> {
    let mut open = open_of_group(conn, group_id)?;
    open.retain(|i| i.standing(now) == Standing::Pending);
    Ok(open)
}

/// The group's invitations neither accepted nor revoked, oldest first (a group has few).
fn open_of_group(conn: &mut DbConnection, group_id: Uuid) -> Result<Vec<Invitation>, AppError> {
    inv::table
        .filter(inv::accepted_at.is_null())
        .filter(inv::revoked_at.is_null())
        .filter(inv::dealer_group_id.eq(group_id.to_string()))
        .order((inv::created_at.asc(), inv::id.asc()))
        .select(InvitationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Invitation::try_from)
        .collect()
}

pub fn find(
    conn: &mut DbConnection,
    group_id: Uuid,
    id: Uuid,
) -> Result<Option<Invitation>, AppError> {
    inv::table
        .find(id.to_string())
        .filter(inv::dealer_group_id.eq(group_id.to_string()))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .map(Invitation::try_from)
        .transpose()
}

/// The invitation whose mailed token is `token`, in whatever standing.
pub fn find_by_token(conn: &mut DbConnection, token: &str) -> Result<Option<Invitation>, AppError> {
    inv::table
        .filter(inv::token_hash.eq(hash_token(token)))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()?
        .map(Invitation::try_from)
        .transpose()
}

/// Revokes invitation `id` if it is open; false if it was accepted or revoked meanwhile.
pub fn revoke(conn: &mut DbConnection, id: Uuid, now: DateTime<Utc>) -> Result<bool, AppError> {
    let updated = diesel::update(
        inv::table
            .find(id.to_string())
            .filter(inv::accepted_at.is_null())
            .filter(inv::revoked_at.is_null()),
    )
    .set(inv::revoked_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Marks invitation `id` accepted by `user_id`, if it is still open and unexpired; false if
/// another acceptance or a revocation got there first.
pub fn accept(
    conn: &mut DbConnection,
    id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let now = now.naive_utc();
    let updated = diesel::update(
        inv::table
            .find(id.to_string())
            .filter(inv::accepted_at.is_null())
            .filter(inv::revoked_at.is_null())
            .filter(inv::expires_at.gt(now)),
    )
    .set((
        inv::accepted_at.eq(now),
        inv::accepted_by.eq(user_id.to_string()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
