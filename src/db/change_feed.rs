//! The change feed: the integrators' events (`webhook_events`) numbered in the order they are
//! published, for `GET /api/v1/changes`.
//!
//! Numbers are given by the webhook dispatcher when it fans an event out, from the single
//! `change_feed` row, whose lock it holds until it commits: a number is never visible before a
//! smaller one, so a reader that keeps the last number it saw misses nothing and sees nothing
//! twice. Writers never touch that row; only the dispatcher does, once per event.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{change_feed, webhook_deliveries, webhook_events};
use super::{DbConnection, write_transaction};
use crate::error::AppError;

/// How long changes stay in the feed: the 30 days promised, and a margin.
pub const KEPT: chrono::Duration = chrono::Duration::days(35);

/// Numbers the events fanned out and not numbered yet, in the order they were made, as the
/// feed's next changes: the one the dispatcher has just claimed, and any that a server of the
/// previous release (still running beside this one in a rolling upgrade) dispatched without
/// numbering. Call inside the dispatcher's transaction, after the claim; returns how many.
pub fn publish(conn: &mut DbConnection) -> Result<usize, AppError> {
    // The feed's lock first (an update that changes nothing still locks the row), so that the
    // events waiting are read after any other dispatcher's numbering has committed.
    diesel::update(change_feed::table.find(1))
        .set(change_feed::last_seq.eq(change_feed::last_seq))
        .execute(conn)?;
    let last: i64 = change_feed::table
        .find(1)
        .select(change_feed::last_seq)
        .first(conn)?;
    let waiting: Vec<String> = webhook_events::table
        .filter(webhook_events::feed_seq.is_null())
        .filter(webhook_events::dispatched_at.is_not_null())
        .order((webhook_events::created_at.asc(), webhook_events::id.asc()))
        .select(webhook_events::id)
        .load(conn)?;
    let mut seq = last;
    for id in &waiting {
        seq += 1;
        diesel::update(webhook_events::table.find(id))
            .set(webhook_events::feed_seq.eq(seq))
            .execute(conn)?;
    }
    diesel::update(change_feed::table.find(1))
        .set(change_feed::last_seq.eq(seq))
        .execute(conn)?;
    Ok(waiting.len())
}

/// A published event, as the feed lists it.
#[derive(Debug, Clone)]
pub struct Change {
    pub seq: i64,
    pub id: String,
    pub event_type: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

/// Up to `limit` changes after number `after`, of the given types, in order.
pub fn page(
    conn: &mut DbConnection,
    after: i64,
    types: &[&str],
    limit: i64,
) -> Result<Vec<Change>, AppError> {
    let rows: Vec<(Option<i64>, String, String, String, NaiveDateTime)> = webhook_events::table
        .filter(webhook_events::feed_seq.gt(after))
        .filter(webhook_events::event_type.eq_any(types))
        .order(webhook_events::feed_seq.asc())
        .limit(limit)
        .select((
            webhook_events::feed_seq,
            webhook_events::id,
            webhook_events::event_type,
            webhook_events::payload,
            webhook_events::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(seq, id, event_type, payload, created_at)| {
            Some(Change {
                seq: seq?,
                id,
                event_type,
                payload,
                created_at,
            })
        })
        .collect())
}

/// The feed's ends: the last number forgotten and the last number given.
pub fn bounds(conn: &mut DbConnection) -> Result<(i64, i64), AppError> {
    Ok(change_feed::table
        .find(1)
        .select((change_feed::pruned_through, change_feed::last_seq))
        .first(conn)?)
}

/// At most this many changes are forgotten at once, so that pruning holds no lock for long
/// (the first run after an upgrade may find months of them).
const PRUNE_BATCH: i64 = 1000;

/// Forgets up to `PRUNE_BATCH` of the oldest changes published before `before`, with their
/// webhook deliveries; returns how many. Run now and then: each run takes the next batch.
pub fn prune(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize, AppError> {
    write_transaction(conn, |conn| {
        let oldest: Vec<Option<i64>> = webhook_events::table
            .filter(webhook_events::created_at.lt(before.naive_utc()))
            .filter(webhook_events::feed_seq.is_not_null())
            .order(webhook_events::feed_seq.asc())
            .limit(PRUNE_BATCH)
            .select(webhook_events::feed_seq)
            .load(conn)?;
        let Some(through) = oldest.into_iter().flatten().max() else {
            return Ok(0);
        };
        let old = webhook_events::table
            .filter(webhook_events::feed_seq.le(through))
            .select(webhook_events::id);
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::event_id.eq_any(old)))
            .execute(conn)?;
        let forgotten =
            diesel::delete(webhook_events::table.filter(webhook_events::feed_seq.le(through)))
                .execute(conn)?;
        diesel::update(
            change_feed::table
                .find(1)
                .filter(change_feed::pruned_through.lt(through)),
        )
        .set(change_feed::pruned_through.eq(through))
        .execute(conn)?;
        Ok(forgotten)
    })
}
