//! Integrator clients (client-credentials grant).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::api_clients;
use crate::domain::scope::Scope;
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = api_clients)]
struct ApiClientRow {
    id: String,
    name: String,
    client_id: String,
    secret_hash: String,
    scopes: String,
    created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct ApiClient {
    pub id: Uuid,
    pub name: String,
    pub client_id: String,
    pub secret_hash: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<ApiClientRow> for ApiClient {
    type Error = AppError;
    fn try_from(row: ApiClientRow) -> Result<Self, AppError> {
        Ok(Self {
            id: row.id.parse().map_err(|_| {
                AppError::Internal(anyhow::anyhow!("api client {}: bad id", row.id))
            })?,
            scopes: Scope::split(&row.scopes),
            name: row.name,
            client_id: row.client_id,
            secret_hash: row.secret_hash,
            created_at: row.created_at.and_utc(),
        })
    }
}

pub struct NewApiClient<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub client_id: &'a str,
    pub secret_hash: &'a str,
    pub scopes: &'a [Scope],
    pub created_by: Uuid,
}

pub fn insert(
    conn: &mut DbConnection,
    client: &NewApiClient<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    diesel::insert_into(api_clients::table)
        .values((
            api_clients::id.eq(client.id.to_string()),
            api_clients::name.eq(client.name),
            api_clients::client_id.eq(client.client_id),
            api_clients::secret_hash.eq(client.secret_hash),
            api_clients::scopes.eq(Scope::join(client.scopes)),
            api_clients::created_by.eq(client.created_by.to_string()),
            api_clients::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A client that has not been deleted, by its internal id.
pub fn find_active(conn: &mut DbConnection, id: Uuid) -> Result<Option<ApiClient>, AppError> {
    api_clients::table
        .find(id.to_string())
        .filter(api_clients::revoked_at.is_null())
        .select(ApiClientRow::as_select())
        .first(conn)
        .optional()?
        .map(ApiClient::try_from)
        .transpose()
}

pub fn find_active_by_client_id(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Option<ApiClient>, AppError> {
    api_clients::table
        .filter(api_clients::client_id.eq(client_id))
        .filter(api_clients::revoked_at.is_null())
        .select(ApiClientRow::as_select())
        .first(conn)
        .optional()?
        .map(ApiClient::try_from)
        .transpose()
}

pub fn list_active(conn: &mut DbConnection) -> Result<Vec<ApiClient>, AppError> {
    api_clients::table
        .filter(api_clients::revoked_at.is_null())
        .order((api_clients::created_at.asc(), api_clients::id.asc()))
        .select(ApiClientRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ApiClient::try_from)
        .collect()
}

/// Deletes a client: its credentials and tokens stop working at once. The row stays, marked,
/// so that what it did remains attributable.
pub fn revoke(conn: &mut DbConnection, id: Uuid, now: DateTime<Utc>) -> Result<bool, AppError> {
    let updated = diesel::update(
        api_clients::table
            .find(id.to_string())
            .filter(api_clients::revoked_at.is_null()),
    )
    .set(api_clients::revoked_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok(updated == 1)
}
