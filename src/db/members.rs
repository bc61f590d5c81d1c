//! The members of dealer groups: the accounts whose `dealer_group_id` names the group, each with
//! its role, job title and the time it joined. A role is set exactly when a group is. Every
//! change of membership is a new `users.version`: a member's version is its account's, and
//! `PATCH .../members/{user_id}` names it in `If-Match`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::users;
use super::users::{User, UserRow};
use crate::domain::member::MemberRole;
use crate::error::AppError;

/// Makes `user_id` a member of `group_id` in `role`, if the account belongs to no group now;
/// false otherwise (nothing changes).
pub fn join(
    conn: &mut DbConnection,
    user_id: Uuid,
    group_id: Uuid,
    role: MemberRole,
    title: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = diesel::update(
        users::table
            .find(user_id.to_string())
            .filter(users::dealer_group_id.is_null()),
    )
    .set((
        users::dealer_group_id.eq(group_id.to_string()),
        users::group_role.eq(role.as_str()),
        users::group_title.eq(title),
        users::group_joined_at.eq(now.naive_utc()),
        users::updated_at.eq(now.naive_utc()),
        users::version.eq(users::version + 1),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The group's members (deactivated accounts included), in the order they joined.
pub fn of_group(conn: &mut DbConnection, group_id: Uuid) -> Result<Vec<User>, AppError> {
    users::table
        .filter(users::dealer_group_id.eq(group_id.to_string()))
        .select(UserRow::as_select())
        .order((users::group_joined_at.asc(), users::id.asc()))
        .load(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// The member `user_id` of `group_id`, if the account is one.
pub fn find(
    conn: &mut DbConnection,
    group_id: Uuid,
    user_id: Uuid,
) -> Result<Option<User>, AppError> {
    users::table
        .find(user_id.to_string())
        .filter(users::dealer_group_id.eq(group_id.to_string()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

/// How many active owners `group_id` has.
pub fn owners(conn: &mut DbConnection, group_id: Uuid) -> Result<i64, AppError> {
    Ok(users::table
        .filter(users::dealer_group_id.eq(group_id.to_string()))
        .filter(users::group_role.eq(MemberRole::Owner.as_str()))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)?)
}

/// Sets the role and title of member `user_id` of `group_id`.
pub fn set_role(
    conn: &mut DbConnection,
    group_id: Uuid,
    user_id: Uuid,
    role: MemberRole,
    title: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::update(
        users::table
            .find(user_id.to_string())
            .filter(users::dealer_group_id.eq(group_id.to_string())),
    )
    .set((
        users::group_role.eq(role.as_str()),
        users::group_title.eq(title),
        users::updated_at.eq(now.naive_utc()),
        users::version.eq(users::version + 1),
    ))
    .execute(conn)?;
    Ok(())
}

/// Takes member `user_id` out of `group_id`: the account stays, without a group.
pub fn remove(
    conn: &mut DbConnection,
    group_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::update(
        users::table
            .find(user_id.to_string())
            .filter(users::dealer_group_id.eq(group_id.to_string())),
    )
    .set((
        users::dealer_group_id.eq(None::<String>),
        users::group_role.eq(None::<String>),
        users::group_title.eq(None::<String>),
        users::group_joined_at.eq(None::<chrono::NaiveDateTime>),
        users::updated_at.eq(now.naive_utc()),
        users::version.eq(users::version + 1),
    ))
    .execute(conn)?;
    Ok(())
}
