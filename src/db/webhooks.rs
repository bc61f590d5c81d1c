//! Webhook subscriptions and their deliveries.
//!
//! Deliveries are claimed with a lease (`db::lease`), like the mail outbox:
//! of several processes only one claims a row, and a process that dies leaves its rows to be
//! claimed again when the lease ends. Fanning an event out is claimed by a guarded update too, one
//! that marks the event dispatched.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::lease::{self, claimable};
use super::schema::{webhook_deliveries, webhook_events, webhook_subscriptions};
use super::{DbConnection, write_transaction};
use super::{api_clients, change_feed};
use crate::domain::workflow::EventType;
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
    pub client_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

type SubscriptionRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
);

fn subscription(row: SubscriptionRow) -> Result<Subscription, AppError> {
    let (id, url, events, secret, client_id, created_at) = row;
    let corrupt = |what: &str| AppError::Internal(anyhow::anyhow!("webhook {id}: bad {what}"));
    Ok(Subscription {
        id: id.parse().map_err(|_| corrupt("id"))?,
        events: serde_json::from_str(&events).map_err(|_| corrupt("events"))?,
        client_id: client_id
            .map(|c| c.parse().map_err(|_| corrupt("client")))
            .transpose()?,
        url,
        secret,
        created_at: created_at.and_utc(),
    })
}

const SUBSCRIPTION_COLUMNS: (
    webhook_subscriptions::id,
    webhook_subscriptions::url,
    webhook_subscriptions::events,
    webhook_subscriptions::secret,
    webhook_subscriptions::client_id,
    webhook_subscriptions::created_at,
) = (
    webhook_subscriptions::id,
    webhook_subscriptions::url,
    webhook_subscriptions::events,
    webhook_subscriptions::secret,
    webhook_subscriptions::client_id,
    webhook_subscriptions::created_at,
);

pub struct NewSubscription<'a> {
    pub id: Uuid,
    pub url: &'a str,
    pub events: &'a [String],
    pub secret: &'a str,
    pub client_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewSubscription<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let events = serde_json::to_string(new.events).map_err(|e| AppError::Internal(e.into()))?;
    diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::id.eq(new.id.to_string()),
            webhook_subscriptions::url.eq(new.url),
            webhook_subscriptions::events.eq(events),
            webhook_subscriptions::secret.eq(new.secret),
            webhook_subscriptions::client_id.eq(new.client_id.map(|c| c.to_string())),
            webhook_subscriptions::created_by.eq(new.created_by.map(|c| c.to_string())),
            webhook_subscriptions::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whose subscriptions a caller manages.
#[derive(Clone, Copy, Debug)]
pub enum Manager {
    /// Admins manage every subscription.
    Admins,
    Client(Uuid),
}

/// Live subscriptions the manager may see, oldest first.
pub fn list(conn: &mut DbConnection, manager: Manager) -> Result<Vec<Subscription>, AppError> {
    let mut query = webhook_subscriptions::table
        .filter(webhook_subscriptions::deleted_at.is_null())
        .order((
            webhook_subscriptions::created_at.asc(),
            webhook_subscriptions::id.asc(),
        ))
        .select(SUBSCRIPTION_COLUMNS)
        .into_boxed();
    if let Manager::Client(client) = manager {
        query = query.filter(webhook_subscriptions::client_id.eq(client.to_string()));
    }
    query
        .load::<SubscriptionRow>(conn)?
        .into_iter()
        .map(subscription)
        .collect()
}

pub fn find(
    conn: &mut DbConnection,
    manager: Manager,
    id: Uuid,
) -> Result<Option<Subscription>, AppError> {
    Ok(list_one(conn, id)?.filter(|s| match manager {
        Manager::Admins => true,
        Manager::Client(client) => s.client_id == Some(client),
    }))
}

fn list_one(conn: &mut DbConnection, id: Uuid) -> Result<Option<Subscription>, AppError> {
    webhook_subscriptions::table
        .find(id.to_string())
        .filter(webhook_subscriptions::deleted_at.is_null())
        .select(SUBSCRIPTION_COLUMNS)
        .first::<SubscriptionRow>(conn)
        .optional()?
        .map(subscription)
        .transpose()
}

/// Stops a subscription; its pending deliveries are given up.
pub fn delete(conn: &mut DbConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), AppError> {
    let now = now.naive_utc();
    diesel::update(webhook_subscriptions::table.find(id.to_string()))
        .set(webhook_subscriptions::deleted_at.eq(now))
        .execute(conn)?;
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(id.to_string()))
            .filter(webhook_deliveries::delivered_at.is_null())
            .filter(webhook_deliveries::failed_at.is_null()),
    )
    .set((
        webhook_deliveries::failed_at.eq(now),
        webhook_deliveries::last_error.eq("subscription deleted"),
    ))
    .execute(conn)?;
    Ok(())
}

/// Stops every live subscription of integrator client `client` (when it is deleted), and gives
/// up their pending deliveries.
pub fn delete_for_client(
    conn: &mut DbConnection,
    client: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let theirs = list(conn, Manager::Client(client))?;
    for subscription in &theirs {
        delete(conn, subscription.id, now)?;
    }
    Ok(theirs.len())
}

/// Whether a subscription may receive an event of `event_type`: an admin's always; an
/// integrator client's only while the client exists and holds the scope the event needs
/// (checked at subscription, and again here, so that nothing reaches a client past its
/// deletion or without the scope).
fn may_receive(
    conn: &mut DbConnection,
    subscription: &Subscription,
    event_type: &str,
) -> Result<bool, AppError> {
    let Some(client) = subscription.client_id else {
        return Ok(true);
    };
    let Some(event) = EventType::parse(event_type) else {
        return Ok(false);
    };
    Ok(api_clients::find_active(conn, client)?
        .is_some_and(|client| client.scopes.contains(&event.required_scope())))
}

/// Events not fanned out yet, oldest first.
pub fn undispatched(conn: &mut DbConnection, limit: i64) -> Result<Vec<Uuid>, AppError> {
    let ids: Vec<String> = webhook_events::table
        .filter(webhook_events::dispatched_at.is_null())
        .order((webhook_events::created_at.asc(), webhook_events::id.asc()))
        .limit(limit)
        .select(webhook_events::id)
        .load(conn)?;
    Ok(ids.into_iter().filter_map(|id| id.parse().ok()).collect())
}

/// Claims each of `events` that no other process has claimed, makes one delivery per live
/// subscription that wants its type, and publishes them in the change feed
/// (`change_feed::publish`, last: it holds the feed's lock until the commit); returns how many
/// deliveries it made. One call for a batch: the subscriptions are read and the feed numbered
/// once, not per event. Call inside a transaction.
pub fn dispatch(
    conn: &mut DbConnection,
    events: &[Uuid],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let naive_now = now.naive_utc();
    let subscriptions = list(conn, Manager::Admins)?;
    let mut made = 0;
    for event_id in events {
        let claimed = diesel::update(
            webhook_events::table
                .find(event_id.to_string())
                .filter(webhook_events::dispatched_at.is_null()),
        )
        .set(webhook_events::dispatched_at.eq(naive_now))
        .execute(conn)?;
        if claimed == 0 {
            continue;
        }
        let event_type: String = webhook_events::table
            .find(event_id.to_string())
            .select(webhook_events::event_type)
            .first(conn)?;
        for subscription in &subscriptions {
            if !subscription.events.contains(&event_type)
                || !may_receive(conn, subscription, &event_type)?
            {
                continue;
            }
            diesel::insert_into(webhook_deliveries::table)
                .values((
                    webhook_deliveries::id.eq(Uuid::now_v7().to_string()),
                    webhook_deliveries::subscription_id.eq(subscription.id.to_string()),
                    webhook_deliveries::event_id.eq(event_id.to_string()),
                    webhook_deliveries::attempts.eq(0),
                    webhook_deliveries::next_attempt_at.eq(naive_now),
                    webhook_deliveries::created_at.eq(naive_now),
                ))
                .execute(conn)?;
            made += 1;
        }
    }
    change_feed::publish(conn)?;
    Ok(made)
}

/// A delivery as the sender needs it: where, with which key, what.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: String,
    pub url: String,
    pub secret: String,
    pub attempts: i32,
    pub event_id: String,
    pub event_type: String,
    pub payload: String,
    pub event_created_at: NaiveDateTime,
}

/// Claims up to `limit` due deliveries for `lease`.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Outgoing>, AppError> {
    let naive_now = now.naive_utc();
    let locked_until = (now + lease).naive_utc();
    lease::claim(
        conn,
        |conn| {
            let rows = webhook_deliveries::table
                .inner_join(webhook_subscriptions::table)
                .inner_join(webhook_events::table)
                .filter(claimable!(webhook_deliveries, delivered_at, naive_now))
                // A delivery queued by a fan-out that raced the subscription's end is never sent.
                .filter(webhook_subscriptions::deleted_at.is_null())
                .order(webhook_deliveries::next_attempt_at.asc())
                .limit(limit)
                .select((
                    webhook_deliveries::id,
                    webhook_subscriptions::url,
                    webhook_subscriptions::secret,
                    webhook_deliveries::attempts,
                    webhook_events::id,
                    webhook_events::event_type,
                    webhook_events::payload,
                    webhook_events::created_at,
                ))
                .load::<OutgoingRow>(conn)?;
            Ok(rows.into_iter().map(outgoing).collect())
        },
        |conn, delivery| {
            diesel::update(
                webhook_deliveries::table
                    .find(&delivery.id)
                    .filter(claimable!(webhook_deliveries, delivered_at, naive_now)),
            )
            .set(webhook_deliveries::locked_until.eq(locked_until))
            .execute(conn)
        },
    )
}

/// A delivery with its subscription and event, as `claim_due` selects it: the fields of
/// `Outgoing` in order.
type OutgoingRow = (
    String,
    String,
    String,
    i32,
    String,
    String,
    String,
    NaiveDateTime,
);

fn outgoing(
    (id, url, secret, attempts, event_id, event_type, payload, event_created_at): OutgoingRow,
) -> Outgoing {
    Outgoing {
        id,
        url,
        secret,
        attempts,
        event_id,
        event_type,
        payload,
        event_created_at,
    }
}

/// Events not fanned out yet and deliveries neither delivered nor given up on: the webhook
/// job's queue in `/metrics`.
pub fn pending_count(conn: &mut DbConnection) -> Result<i64, AppError> {
    let events: i64 = webhook_events::table
        .filter(webhook_events::dispatched_at.is_null())
        .count()
        .get_result(conn)?;
    let deliveries: i64 = webhook_deliveries::table
        .filter(webhook_deliveries::delivered_at.is_null())
        .filter(webhook_deliveries::failed_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(events + deliveries)
}

/// What one attempt came to.
pub struct Attempt<'a> {
    pub status: Option<i32>,
    pub error: Option<&'a str>,
    /// None when delivered or given up on.
    pub retry_at: Option<DateTime<Utc>>,
    pub delivered: bool,
}

/// Records an attempt and releases the lease, in one transaction: in between, another replica
/// would see a due, unleased, undelivered row and send it again.
pub fn record_attempt(
    conn: &mut DbConnection,
    id: &str,
    attempt: &Attempt<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| record_attempt_in(conn, id, attempt, now))
}

fn record_attempt_in(
    conn: &mut DbConnection,
    id: &str,
    attempt: &Attempt<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let naive_now = now.naive_utc();
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_status.eq(attempt.status),
            webhook_deliveries::last_error.eq(attempt.error),
            webhook_deliveries::last_attempt_at.eq(naive_now),
        ))
        .execute(conn)?;
    let target = webhook_deliveries::table.find(id);
    if attempt.delivered {
        diesel::update(target)
            .set(webhook_deliveries::delivered_at.eq(naive_now))
            .execute(conn)?;
    } else if let Some(at) = attempt.retry_at {
        diesel::update(target)
            .set(webhook_deliveries::next_attempt_at.eq(at.naive_utc()))
            .execute(conn)?;
    } else {
        diesel::update(target)
            .set(webhook_deliveries::failed_at.eq(naive_now))
            .execute(conn)?;
    }
    Ok(())
}

/// A delivery as its log shows it.
#[derive(Debug, Clone)]
pub struct DeliveryLog {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

type LogRow = (
    String,
    String,
    String,
    i32,
    Option<i32>,
    Option<String>,
    Option<NaiveDateTime>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

fn log_entry(row: LogRow) -> Result<DeliveryLog, AppError> {
    let (id, event_id, event_type, attempts, status, error, last, next, delivered, failed, created) =
        row;
    let corrupt = || AppError::Internal(anyhow::anyhow!("delivery {id}: bad row"));
    let pending = delivered.is_none() && failed.is_none();
    Ok(DeliveryLog {
        id: id.parse().map_err(|_| corrupt())?,
        event_id: event_id.parse().map_err(|_| corrupt())?,
        event_type,
        attempts,
        last_status: status,
        last_error: error,
        last_attempt_at: last.map(|t| t.and_utc()),
        next_attempt_at: pending.then(|| next.and_utc()),
        delivered_at: delivered.map(|t| t.and_utc()),
        failed_at: failed.map(|t| t.and_utc()),
        created_at: created.and_utc(),
    })
}

/// Which deliveries of a subscription to read.
pub enum Which {
    /// Newest first, after the delivery id given (keyset).
    Page {
        after: Option<Uuid>,
        limit: i64,
    },
    One(Uuid),
}

pub fn deliveries(
    conn: &mut DbConnection,
    subscription_id: Uuid,
    which: Which,
) -> Result<Vec<DeliveryLog>, AppError> {
    let mut query = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::subscription_id.eq(subscription_id.to_string()))
        .order(webhook_deliveries::id.desc())
        .select((
            webhook_deliveries::id,
            webhook_events::id,
            webhook_events::event_type,
            webhook_deliveries::attempts,
            webhook_deliveries::last_status,
            webhook_deliveries::last_error,
            webhook_deliveries::last_attempt_at,
            webhook_deliveries::next_attempt_at,
            webhook_deliveries::delivered_at,
            webhook_deliveries::failed_at,
            webhook_deliveries::created_at,
        ))
        .into_boxed();
    match which {
        Which::Page { after, limit } => {
            query = query.limit(limit);
            if let Some(after) = after {
                query = query.filter(webhook_deliveries::id.lt(after.to_string()));
            }
        }
        Which::One(id) => query = query.filter(webhook_deliveries::id.eq(id.to_string())),
    }
    query
        .load::<LogRow>(conn)?
        .into_iter()
        .map(log_entry)
        .collect()
}

/// Schedules the delivery to be sent again now, whatever came of it before.
pub fn redeliver(
    conn: &mut DbConnection,
    subscription_id: Uuid,
    delivery_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DeliveryLog>, AppError> {
    let updated = diesel::update(
        webhook_deliveries::table
            .find(delivery_id.to_string())
            .filter(webhook_deliveries::subscription_id.eq(subscription_id.to_string())),
    )
    .set((
        webhook_deliveries::next_attempt_at.eq(now.naive_utc()),
        webhook_deliveries::delivered_at.eq(None::<NaiveDateTime>),
        webhook_deliveries::failed_at.eq(None::<NaiveDateTime>),
        webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Ok(None);
    }
    Ok(deliveries(conn, subscription_id, Which::One(delivery_id))?
        .into_iter()
        .next())
}
