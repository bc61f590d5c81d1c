//! Queries on user accounts and the cities a staff member works in.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{user_cities, users};
use crate::domain::account::Role;
use crate::domain::member::MemberRole;
use crate::domain::sessions;
use crate::error::{AppError, ProblemCode};
use crate::i18n::Locale;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = users)]
pub(super) struct UserRow {
    id: String,
    email: String,
    password_hash: Option<String>,
    display_name: String,
    role: String,
    locale: String,
    email_verified_at: Option<NaiveDateTime>,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    dealer_group_id: Option<String>,
    sessions_valid_after: Option<NaiveDateTime>,
    daily_digest: bool,
    group_role: Option<String>,
    group_title: Option<String>,
    group_joined_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The dealer group this user belongs to (applicants).
    pub dealer_group_id: Option<Uuid>,
    /// The member's role in `dealer_group_id` (set exactly when it is).
    pub group_role: Option<MemberRole>,
    /// The member's job title in the group, if on record.
    pub group_title: Option<String>,
    /// When the member joined the group.
    pub group_joined_at: Option<DateTime<Utc>>,
    /// Access tokens issued before this are refused (see `domain::sessions`); None: never ended.
    pub sessions_valid_after: Option<DateTime<Utc>>,
    /// Staff: whether the daily digest of what waits on them is sent (`workflow::digest`).
    pub daily_digest: bool,
}

impl TryFrom<UserRow> for User {
    type Error = AppError;
    fn try_from(row: UserRow) -> Result<Self, AppError> {
        let corrupt =
            |what: &str| AppError::Internal(anyhow::anyhow!("user {}: bad {what}", row.id));
        Ok(Self {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            role: row.role.parse().map_err(|_| corrupt("role"))?,
            locale: Locale::parse(&row.locale).ok_or_else(|| corrupt("locale"))?,
            email: row.email,
            password_hash: row.password_hash,
            display_name: row.display_name,
            email_verified_at: row.email_verified_at.map(|t| t.and_utc()),
            active: row.active,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            dealer_group_id: row
                .dealer_group_id
                .map(|id| id.parse())
                .transpose()
                .map_err(|_| corrupt("dealer group id"))?,
            sessions_valid_after: row.sessions_valid_after.map(|t| t.and_utc()),
            daily_digest: row.daily_digest,
            group_role: row
                .group_role
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|_| corrupt("group role"))?,
            group_title: row.group_title,
            group_joined_at: row.group_joined_at.map(|t| t.and_utc()),
        })
    }
}

pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub password_hash: Option<&'a str>,
    pub display_name: &'a str,
    pub role: Role,
    pub locale: Locale,
    pub email_verified: bool,
}

/// Inserts a user; an e-mail address already in use is `409 email_taken`.
pub fn insert(
    conn: &mut DbConnection,
    user: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = now.naive_utc();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(user.id.to_string()),
            users::email.eq(user.email),
            users::password_hash.eq(user.password_hash),
            users::display_name.eq(user.display_name),
            users::role.eq(user.role.as_str()),
            users::locale.eq(user.locale.as_str()),
            users::email_verified_at.eq(user.email_verified.then_some(now)),
            users::active.eq(true),
            users::version.eq(1),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict(ProblemCode::EmailTaken),
            other => other,
        })?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<User>, AppError> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<User>, AppError> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

pub fn mark_email_verified(
    conn: &mut DbConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let now = now.naive_utc();
    diesel::update(
        users::table
            .find(id.to_string())
            .filter(users::email_verified_at.is_null()),
    )
    .set((users::email_verified_at.eq(now), users::updated_at.eq(now)))
    .execute(conn)?;
    Ok(())
}

/// Sets a new password. Whoever sets one through an e-mailed link has shown they read that
/// mailbox, so the address counts as verified too.
pub fn set_password(
    conn: &mut DbConnection,
    id: Uuid,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let naive = now.naive_utc();
    diesel::update(users::table.find(id.to_string()))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(naive),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)?;
    mark_email_verified(conn, id, now)
}

/// Makes `email` an active, verified admin with this password, creating the account if needed.
pub fn upsert_admin(
    conn: &mut DbConnection,
    email: &str,
    display_name: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    if let Some(user) = find_by_email(conn, email)? {
        let naive = now.naive_utc();
        diesel::update(users::table.find(user.id.to_string()))
            .set((
                users::role.eq(Role::Admin.as_str()),
                users::display_name.eq(display_name),
                users::password_hash.eq(password_hash),
                users::active.eq(true),
                users::email_verified_at.eq(user
                    .email_verified_at
                    .map(|t| t.naive_utc())
                    .or(Some(naive))),
                users::version.eq(users::version + 1),
                users::updated_at.eq(naive),
            ))
            .execute(conn)?;
        return Ok(user.id);
    }
    let id = Uuid::now_v7();
    insert(
        conn,
        &NewUser {
            id,
            email,
            password_hash: Some(password_hash),
            display_name,
            role: Role::Admin,
            locale: Locale::ZhCn,
            email_verified: true,
        },
        now,
    )?;
    Ok(id)
}

/// Ends every session of the account started until `now` (`domain::sessions`): access tokens
/// issued before are refused from now on. Returns the time sessions are valid after.
///
/// Call it before revoking the account's refresh tokens: the update holds the account's row until
/// the commit, so a sign-in or refresh racing it either finishes first (and its refresh token is
/// revoked with the rest) or finds its sessions ended (`hold_sessions`).
pub fn end_sessions(
    conn: &mut DbConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, AppError> {
    let previous: Option<NaiveDateTime> = users::table
        .find(id.to_string())
        .select(users::sessions_valid_after)
        .first(conn)
        .optional()?
        .flatten();
    let after = sessions::ended_at(now, previous.map(|t| t.and_utc()));
    diesel::update(users::table.find(id.to_string()))
        .set(users::sessions_valid_after.eq(after.naive_utc()))
        .execute(conn)?;
    Ok(after)
}

/// Holds the account's row until the commit, if it is still active and its sessions have not
/// been ended since they were read as `valid_after`: false otherwise. A new session (a sign-in, a
/// refresh) calls it before storing its refresh token; see `end_sessions`.
pub fn hold_sessions(
    conn: &mut DbConnection,
    id: Uuid,
    valid_after: Option<DateTime<Utc>>,
) -> Result<bool, AppError> {
    let account = users::table
        .find(id.to_string())
        .filter(users::active.eq(true));
    let unchanged = users::sessions_valid_after.eq(users::sessions_valid_after);
    let held = match valid_after {
        None => diesel::update(account.filter(users::sessions_valid_after.is_null()))
            .set(unchanged)
            .execute(conn)?,
        Some(after) => {
            diesel::update(account.filter(users::sessions_valid_after.eq(after.naive_utc())))
                .set(unchanged)
                .execute(conn)?
        }
    };
    Ok(held == 1)
}

/// Staff accounts in creation order, after the keyset `after` (created_at, id).
pub fn list_staff(
    conn: &mut DbConnection,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<User>, AppError> {
    let mut query = users::table
        .filter(users::role.eq_any([Role::Reviewer.as_str(), Role::Admin.as_str()]))
        .select(UserRow::as_select())
        .order((users::created_at.asc(), users::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((created_at, id)) = after {
        let created_at = created_at.naive_utc();
        query = query.filter(
            users::created_at.gt(created_at).or(users::created_at
                .eq(created_at)
                .and(users::id.gt(id.to_string()))),
        );
    }
    query.load(conn)?.into_iter().map(User::try_from).collect()
}

pub struct StaffChanges {
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// Applies `changes` if the account is still at `expected_version`; false when another write got
/// there first. The version guard makes concurrent edits safe on every backend.
pub fn update_staff(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    changes: &StaffChanges,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let bumped = diesel::update(
        users::table
            .find(id.to_string())
            .filter(users::version.eq(expected_version)),
    )
    .set((
        users::version.eq(expected_version + 1),
        users::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    if bumped == 0 {
        return Ok(false);
    }
    let id = id.to_string();
    if let Some(role) = changes.role {
        diesel::update(users::table.find(&id))
            .set(users::role.eq(role.as_str()))
            .execute(conn)?;
    }
    if let Some(active) = changes.active {
        diesel::update(users::table.find(&id))
            .set(users::active.eq(active))
            .execute(conn)?;
    }
    Ok(true)
}

pub fn city_codes(conn: &mut DbConnection, id: Uuid) -> Result<Vec<String>, AppError> {
    Ok(user_cities::table
        .filter(user_cities::user_id.eq(id.to_string()))
        .select(user_cities::city_code)
        .order(user_cities::city_code.asc())
        .load(conn)?)
}

/// Replaces the cities a staff member works in.
pub fn set_city_codes(conn: &mut DbConnection, id: Uuid, codes: &[String]) -> Result<(), AppError> {
    diesel::delete(user_cities::table.filter(user_cities::user_id.eq(id.to_string())))
        .execute(conn)?;
    // One row at a time: the multi-backend connection cannot insert a batch in one statement.
    for code in codes {
        diesel::insert_into(user_cities::table)
            .values((
                user_cities::user_id.eq(id.to_string()),
                user_cities::city_code.eq(code),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Takes the account's row lock for the rest of the transaction (PostgreSQL; SQLite writers are
/// serial anyway). Units that touch an account and its refresh tokens take the account first,
/// so that they queue instead of deadlocking.
pub fn lock(conn: &mut DbConnection, id: Uuid) -> Result<(), AppError> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::version.eq(users::version))
        .execute(conn)?;
    Ok(())
}

/// What people change of their own account (`PATCH /me`).
pub struct OwnChanges<'a> {
    pub display_name: &'a str,
    pub locale: Locale,
    pub daily_digest: bool,
}

/// Writes the owner's changes if the account is still at `expected_version`; false otherwise.
pub fn update_own(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i32,
    changes: &OwnChanges<'_>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = diesel::update(
        users::table
            .find(id.to_string())
            .filter(users::version.eq(expected_version)),
    )
    .set((
        users::display_name.eq(changes.display_name),
        users::locale.eq(changes.locale.as_str()),
        users::daily_digest.eq(changes.daily_digest),
        users::version.eq(expected_version + 1),
        users::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The active reviewers of `city`, by name. The city's people are read first, then their
/// accounts by id: as one statement with a subquery, kept prepared, PostgreSQL's generic plan
/// merge-joined along the accounts' primary key and read past every applicant's account to
/// find the few reviewers (14 ms at 20,000 accounts, on every submit).
pub fn city_reviewers(conn: &mut DbConnection, city: &str) -> Result<Vec<User>, AppError> {
    let ids: Vec<String> = user_cities::table
        .filter(user_cities::city_code.eq(city))
        .select(user_cities::user_id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::id.eq_any(&ids))
        .filter(users::role.eq(Role::Reviewer.as_str()))
        .filter(users::active.eq(true))
        .order((users::display_name.asc(), users::id.asc()))
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// Up to `limit` staff whose digest of `day` is not done yet: active reviewers and admins who
/// want it and work in some city.
pub fn digest_due(
    conn: &mut DbConnection,
    day: NaiveDate,
    limit: i64,
) -> Result<Vec<Uuid>, AppError> {
    let ids: Vec<String> = users::table
        .filter(users::role.eq_any([Role::Reviewer.as_str(), Role::Admin.as_str()]))
        .filter(users::active.eq(true))
        .filter(users::daily_digest.eq(true))
        .filter(
            users::digest_sent_on
                .is_null()
                .or(users::digest_sent_on.lt(day)),
        )
        .filter(users::id.eq_any(user_cities::table.select(user_cities::user_id)))
        .order(users::id.asc())
        .select(users::id)
        .limit(limit)
        .load(conn)?;
    ids.into_iter()
        .map(|id| {
            id.parse()
                .map_err(|_| AppError::Internal(anyhow::anyhow!("user {id}: bad id")))
        })
        .collect()
}

/// Claims `day`'s digest of the user: true for the one caller that moved `digest_sent_on` to
/// `day` (in the transaction that queues the mail), false when it was done already or the user
/// no longer wants it.
pub fn claim_digest(conn: &mut DbConnection, id: Uuid, day: NaiveDate) -> Result<bool, AppError> {
    let claimed = diesel::update(
        users::table
            .find(id.to_string())
            .filter(users::active.eq(true))
            .filter(users::daily_digest.eq(true))
            .filter(
                users::digest_sent_on
                    .is_null()
                    .or(users::digest_sent_on.lt(day)),
            ),
    )
    .set(users::digest_sent_on.eq(day))
    .execute(conn)?;
    Ok(claimed == 1)
}
