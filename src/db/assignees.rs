//! The reviewers assigned to an application.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{application_assignees, user_cities, users};
use super::users::{User, UserRow};
use crate::domain::account::Role;
use crate::error::AppError;
use crate::i18n::Locale;

#[derive(Debug, Clone)]
pub struct Assignee {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub locale: Locale,
    pub assigned_at: DateTime<Utc>,
}

/// Assigns `user_id`; false when already assigned.
pub fn add(
    conn: &mut DbConnection,
    application_id: Uuid,
    user_id: Uuid,
    assigned_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let exists = application_assignees::table
        .find((application_id.to_string(), user_id.to_string()))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(application_assignees::table)
        .values((
            application_assignees::application_id.eq(application_id.to_string()),
            application_assignees::user_id.eq(user_id.to_string()),
            application_assignees::assigned_by.eq(assigned_by.map(|id| id.to_string())),
            application_assignees::assigned_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Everyone ever assigned and still assigned, deactivated or moved off the city included (the
/// assignment list shows them).
pub fn list(conn: &mut DbConnection, application_id: Uuid) -> Result<Vec<Assignee>, AppError> {
    let rows: Vec<(String, String, String, String, NaiveDateTime)> = application_assignees::table
        .inner_join(users::table)
        .filter(application_assignees::application_id.eq(application_id.to_string()))
        .order((
            application_assignees::assigned_at.asc(),
            application_assignees::user_id.asc(),
        ))
        .select((
            users::id,
            users::display_name,
            users::email,
            users::locale,
            application_assignees::assigned_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, display_name, email, locale, at)| {
            Ok(Assignee {
                user_id: id
                    .parse()
                    .map_err(|_| AppError::Internal(anyhow::anyhow!("user {id}: bad id")))?,
                display_name,
                email,
                locale: Locale::parse(&locale).unwrap_or(Locale::ZhCn),
                assigned_at: at.and_utc(),
            })
        })
        .collect()
}

/// The active assignees of application `application_id` who still work on it: admins, and
/// reviewers of city `city_code` (a reviewer moved to other cities no longer reads it).
pub fn active(
    conn: &mut DbConnection,
    application_id: Uuid,
    city_code: &str,
) -> Result<Vec<User>, AppError> {
    let reviews_city = users::role.eq(Role::Reviewer.as_str()).and(
        users::id.eq_any(
            user_cities::table
                .filter(user_cities::city_code.eq(city_code.to_owned()))
                .select(user_cities::user_id),
        ),
    );
    // The assignees' ids first, for the reason `users::city_reviewers` gives.
    let ids: Vec<String> = application_assignees::table
        .filter(application_assignees::application_id.eq(application_id.to_string()))
        .select(application_assignees::user_id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::id.eq_any(&ids))
        .filter(users::active.eq(true))
        .filter(users::role.eq(Role::Admin.as_str()).or(reviews_city))
        .order((users::display_name.asc(), users::id.asc()))
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

pub fn is_empty(conn: &mut DbConnection, application_id: Uuid) -> Result<bool, AppError> {
    let count: i64 = application_assignees::table
        .filter(application_assignees::application_id.eq(application_id.to_string()))
        .count()
        .get_result(conn)?;
    Ok(count == 0)
}
