//! The audit trail: application events, appended to their application's hash chain and never
//! changed, and the checkpoints that seal the chains into one. This module has no update or
//! delete of an event on purpose.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use diesel::connection::SimpleConnection;
use diesel::dsl::max;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use uuid::Uuid;

use super::schema::{
    application_events, audit_chain_head, audit_checkpoint_heads, audit_checkpoints, audit_heads,
};
use super::{DbConnection, write_transaction};
use crate::domain::audit::{
    AppChainWalk, ChainWalk, ChainedFields, Checkpoint, GENESIS_HASH, SealedHead, Verdict,
};
use crate::domain::event::EventAction;
use crate::domain::workflow::{Actor, Status};
use crate::error::AppError;

/// What happened, by whom; the chain adds the time, the sequence number and the hashes.
#[derive(Debug)]
pub struct NewEvent {
    pub application_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_role: Actor,
    pub action: EventAction,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub reason_code: Option<&'static str>,
    pub reason: Option<String>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = application_events)]
pub struct Event {
    pub id: String,
    pub seq: i64,
    pub application_id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    pub app_seq: i64,
}

impl Event {
    /// The fields the chain covers, as stored; events numbered up to `legacy_seq` belong to the
    /// global chain of before. A row whose ids do not parse cannot be intact, so they map to the
    /// nil id and fail verification instead of aborting it.
    fn chained(&self, legacy_seq: i64) -> ChainedFields<'_> {
        let uuid = |text: &str| text.parse().unwrap_or(Uuid::nil());
        ChainedFields {
            id: uuid(&self.id),
            seq: self.seq,
            application_id: uuid(&self.application_id),
            at: self.at.and_utc(),
            actor_id: self.actor_id.as_deref().map(uuid),
            actor_role: &self.actor_role,
            action: &self.action,
            from_status: self.from_status.as_deref(),
            to_status: &self.to_status,
            reason_code: self.reason_code.as_deref(),
            reason: self.reason.as_deref(),
            app_seq: (self.seq > legacy_seq).then_some(self.app_seq),
        }
    }
}

/// Arbitrary but fixed first key of the audit trail's advisory locks (PostgreSQL).
const AUDIT_LOCK_CLASS: i32 = 0x6175_6474;
/// Held shared by every append until it commits, and taken exclusively by a checkpoint for the
/// moment it reads the newest event number: then no append is in flight, so every event up to
/// that number has committed and the checkpoint cannot miss one that commits later.
const APPENDS_LOCK: i32 = 1;
/// Serialises checkpoints (replicas run housekeeping side by side).
const CHECKPOINTS_LOCK: i32 = 2;

/// Appends `event` to its application's chain. Call inside the transaction of the change it
/// records: appends to one application queue on its head row, appends to others do not wait.
pub fn append(
    conn: &mut DbConnection,
    event: &NewEvent,
    at: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let application_id = event.application_id.to_string();
    let head = audit_heads::table
        .find(&application_id)
        .select((audit_heads::last_app_seq, audit_heads::last_hash));
    // Take the head's row lock as it is read, so that each append reads the head its
    // predecessor committed (SQLite's writers are serial already).
    let head: Option<(i64, String)> = match conn {
        DbConnection::Postgresql(pg) => head.for_update().first(pg).optional()?,
        DbConnection::Sqlite(sqlite) => head.first(sqlite).optional()?,
    };
    let (last_app_seq, last_hash) = head.unwrap_or((0, GENESIS_HASH.to_owned()));
    let id = Uuid::now_v7();
    let seq = next_seq(conn)?;
    // Both databases keep microseconds; hash exactly what will be read back.
    let at = at.trunc_subsecs(6);
    let fields = ChainedFields {
        id,
        seq,
        application_id: event.application_id,
        at,
        actor_id: event.actor_id,
        actor_role: event.actor_role.as_str(),
        action: event.action.as_str(),
        from_status: event.from_status.map(Status::as_str),
        to_status: event.to_status.as_str(),
        reason_code: event.reason_code,
        reason: event.reason.as_deref(),
        app_seq: Some(last_app_seq + 1),
    };
    let hash = fields.hash(&last_hash);
    diesel::insert_into(application_events::table)
        .values((
            application_events::id.eq(id.to_string()),
            application_events::seq.eq(seq),
            application_events::app_seq.eq(last_app_seq + 1),
            application_events::application_id.eq(&application_id),
            application_events::at.eq(at.naive_utc()),
            application_events::actor_id.eq(event.actor_id.map(|id| id.to_string())),
            application_events::actor_role.eq(fields.actor_role),
            application_events::action.eq(fields.action),
            application_events::from_status.eq(fields.from_status),
            application_events::to_status.eq(fields.to_status),
            application_events::reason_code.eq(event.reason_code),
            application_events::reason.eq(&event.reason),
            application_events::prev_hash.eq(&last_hash),
            application_events::hash.eq(&hash),
        ))
        .execute(conn)?;
    let new_head = (
        audit_heads::last_app_seq.eq(last_app_seq + 1),
        audit_heads::last_hash.eq(&hash),
        audit_heads::last_event_id.eq(id.to_string()),
    );
    if last_app_seq == 0 {
        // The application's first event is written in the transaction that creates the
        // application, so no one else can be making its head.
        diesel::insert_into(audit_heads::table)
            .values((audit_heads::application_id.eq(&application_id), new_head))
            .execute(conn)?;
    } else {
        diesel::update(audit_heads::table.find(&application_id))
            .set(new_head)
            .execute(conn)?;
    }
    Ok(id)
}

#[derive(QueryableByName)]
struct Seq {
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

/// The next event number: orders all events, and an application's in its chain's order (taken
/// while its head is locked).
fn next_seq(conn: &mut DbConnection) -> Result<i64, AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        // The lock first (a function in FROM runs before the select list), so that a checkpoint
        // that holds it sees no number taken by an append still in flight.
        let next: Seq = diesel::sql_query(
            "SELECT nextval('application_events_seq') AS seq \
             FROM pg_advisory_xact_lock_shared($1, $2)",
        )
        .bind::<Integer, _>(AUDIT_LOCK_CLASS)
        .bind::<Integer, _>(APPENDS_LOCK)
        .get_result(pg)?;
        return Ok(next.seq);
    }
    Ok(last_seq(conn)? + 1)
}

/// The newest event's number (0 with none).
fn last_seq(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(application_events::table
        .select(max(application_events::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// An application's events in order, after `after_seq`, but those whose action is `unseen`.
pub fn list_for(
    conn: &mut DbConnection,
    application_id: Uuid,
    unseen: &[&str],
    since: Option<DateTime<Utc>>,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>, AppError> {
    let mut query = application_events::table
        .filter(application_events::application_id.eq(application_id.to_string()))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(application_events::at.ge(since.naive_utc()));
    }
    Ok(query
        .filter(application_events::action.ne_all(unseen))
        .filter(application_events::seq.gt(after_seq.unwrap_or(0)))
        .order(application_events::seq.asc())
        .limit(limit)
        .select(Event::as_select())
        .load(conn)?)
}

/// How many rows one verification or checkpoint batch reads; a walk never holds more events.
const BATCH: i64 = 1000;

/// The frozen end of the global chain of before: events up to `seq` belong to it.
struct LegacyHead {
    seq: i64,
    hash: String,
    event_id: Option<Uuid>,
}

fn legacy_head(conn: &mut DbConnection) -> Result<LegacyHead, AppError> {
    let (seq, hash, event_id): (i64, String, Option<String>) = audit_chain_head::table
        .find(1)
        .select((
            audit_chain_head::last_seq,
            audit_chain_head::last_hash,
            audit_chain_head::last_event_id,
        ))
        .first(conn)?;
    Ok(LegacyHead {
        seq,
        hash,
        event_id: event_id.and_then(|id| id.parse().ok()),
    })
}

/// Checks the whole trail: the global chain of before, every application's chain against its
/// head, and every checkpoint against the events it seals. Reads one snapshot, in batches.
pub fn verify(conn: &mut DbConnection) -> Result<Verdict, AppError> {
    conn.transaction(|conn| {
        if let DbConnection::Postgresql(pg) = conn {
            // One snapshot for the whole walk, so that appends meanwhile are not mistaken for
            // breaks (SQLite's read transaction is one snapshot already).
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        let legacy = legacy_head(conn)?;
        let mut verdict = Verdict::default();
        verify_legacy_chain(conn, &legacy, &mut verdict)?;
        verify_application_chains(conn, legacy.seq, &mut verdict)?;
        verify_checkpoints(conn, &legacy, &mut verdict)?;
        Ok(verdict)
    })
}

/// Walks the global chain of before in `seq` order up to its frozen head.
fn verify_legacy_chain(
    conn: &mut DbConnection,
    head: &LegacyHead,
    verdict: &mut Verdict,
) -> Result<(), AppError> {
    let mut walk = ChainWalk::default();
    let mut after = 0;
    loop {
        let batch: Vec<Event> = application_events::table
            .filter(application_events::seq.gt(after))
            .filter(application_events::seq.le(head.seq))
            .order(application_events::seq.asc())
            .limit(BATCH)
            .select(Event::as_select())
            .load(conn)?;
        for event in &batch {
            walk.check(&event.chained(head.seq), &event.prev_hash, &event.hash);
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => after = last.seq,
            _ => break,
        }
    }
    walk.finish(head.seq, &head.hash, head.event_id);
    verdict.events_checked += walk.events_checked;
    if let Some(broken) = walk.first_broken {
        verdict.broken_at(Some(broken));
    }
    Ok(())
}

type Head = (String, i64, String, String);

/// Walks every application's chain in `(application_id, app_seq)` order beside the heads in
/// `application_id` order, so that both are read in batches.
fn verify_application_chains(
    conn: &mut DbConnection,
    legacy_seq: i64,
    verdict: &mut Verdict,
) -> Result<(), AppError> {
    let mut heads = HeadReader::default();
    let mut current: Option<(String, AppChainWalk)> = None;
    let mut after: Option<(String, i64)> = None;
    loop {
        let mut query = application_events::table.into_boxed();
        if let Some((application, app_seq)) = &after {
            query = query.filter(
                application_events::application_id
                    .gt(application.clone())
                    .or(application_events::application_id
                        .eq(application.clone())
                        .and(application_events::app_seq.gt(*app_seq))),
            );
        }
        let batch: Vec<Event> = query
            .order((
                application_events::application_id.asc(),
                application_events::app_seq.asc(),
            ))
            .limit(BATCH)
            .select(Event::as_select())
            .load(conn)?;
        for event in &batch {
            if current
                .as_ref()
                .is_none_or(|(id, _)| *id != event.application_id)
            {
                if let Some((id, walk)) = current.take() {
                    heads.finish(conn, &id, &walk, verdict)?;
                }
                current = Some((event.application_id.clone(), AppChainWalk::default()));
            }
            let Some((_, walk)) = current.as_mut() else {
                unreachable!("set just above");
            };
            let legacy = event.seq <= legacy_seq;
            let fields = event.chained(legacy_seq);
            if !walk.check(&fields, &event.prev_hash, &event.hash, legacy) {
                verdict.broken_at(Some(fields.id));
            }
            if !legacy {
                verdict.events_checked += 1;
            }
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => {
                after = Some((last.application_id.clone(), last.app_seq));
            }
            _ => break,
        }
    }
    if let Some((id, walk)) = current.take() {
        heads.finish(conn, &id, &walk, verdict)?;
    }
    heads.finish_rest(conn, verdict)
}

/// Reads the heads in `application_id` order, a batch at a time, as the walk reaches them.
#[derive(Default)]
struct HeadReader {
    batch: std::collections::VecDeque<Head>,
    after: Option<String>,
    done: bool,
}

impl HeadReader {
    fn next(&mut self, conn: &mut DbConnection) -> Result<Option<Head>, AppError> {
        if self.batch.is_empty() && !self.done {
            let mut query = audit_heads::table.into_boxed();
            if let Some(after) = &self.after {
                query = query.filter(audit_heads::application_id.gt(after.clone()));
            }
            let batch: Vec<Head> = query
                .order(audit_heads::application_id.asc())
                .limit(BATCH)
                .select((
                    audit_heads::application_id,
                    audit_heads::last_app_seq,
                    audit_heads::last_hash,
                    audit_heads::last_event_id,
                ))
                .load(conn)?;
            self.done = (batch.len() as i64) < BATCH;
            self.after = batch.last().map(|head| head.0.clone());
            self.batch.extend(batch);
        }
        Ok(self.batch.pop_front())
    }

    /// Checks the walked chain of `application` against its head; heads before it have no
    /// events left at all.
    fn finish(
        &mut self,
        conn: &mut DbConnection,
        application: &str,
        walk: &AppChainWalk,
        verdict: &mut Verdict,
    ) -> Result<(), AppError> {
        loop {
            let Some(head) = self.next(conn)? else {
                // Events with no head: the head row was removed.
                verdict.broken_at(walk.last_event());
                return Ok(());
            };
            let (id, app_seq, hash, event_id) = head;
            match id.as_str().cmp(application) {
                std::cmp::Ordering::Less => verdict.broken_at(event_id.parse().ok()),
                std::cmp::Ordering::Equal => {
                    if !walk.ends_at(app_seq, &hash) {
                        verdict.broken_at(event_id.parse().ok().or(walk.last_event()));
                    }
                    return Ok(());
                }
                std::cmp::Ordering::Greater => {
                    verdict.broken_at(walk.last_event());
                    self.batch.push_front((id, app_seq, hash, event_id));
                    return Ok(());
                }
            }
        }
    }

    /// Heads after the last application walked: their events are gone.
    fn finish_rest(
        &mut self,
        conn: &mut DbConnection,
        verdict: &mut Verdict,
    ) -> Result<(), AppError> {
        while let Some((_, _, _, event_id)) = self.next(conn)? {
            verdict.broken_at(event_id.parse().ok());
        }
        Ok(())
    }
}

/// Walks the checkpoints in order: each must link to the one before, hash to what is stored,
/// and seal exactly the heads that the events in its range give today.
fn verify_checkpoints(
    conn: &mut DbConnection,
    legacy: &LegacyHead,
    verdict: &mut Verdict,
) -> Result<(), AppError> {
    let mut prev_hash = legacy.hash.clone();
    let mut prev_through = legacy.seq;
    let mut expected_seq = 1;
    loop {
        let batch: Vec<(i64, NaiveDateTime, i64, String, String)> = audit_checkpoints::table
            .filter(audit_checkpoints::seq.ge(expected_seq))
            .order(audit_checkpoints::seq.asc())
            .limit(BATCH)
            .select((
                audit_checkpoints::seq,
                audit_checkpoints::at,
                audit_checkpoints::through_seq,
                audit_checkpoints::prev_hash,
                audit_checkpoints::hash,
            ))
            .load(conn)?;
        for (seq, at, through_seq, stored_prev, hash) in &batch {
            let stored = sealed_heads_of(conn, *seq)?;
            let expected = sealed_heads(conn, prev_through, *through_seq)?;
            let checkpoint = Checkpoint {
                seq: *seq,
                at: at.and_utc(),
                through_seq: *through_seq,
                heads: &stored,
            };
            let intact = *seq == expected_seq
                && *stored_prev == prev_hash
                && checkpoint.hash(stored_prev) == *hash;
            let differing = stored
                .iter()
                .zip(&expected)
                .find(|(stored, expected)| stored != expected)
                .map(|(stored, _)| stored)
                .or_else(|| stored.get(expected.len()))
                .or_else(|| expected.get(stored.len()));
            if let Some(head) = differing {
                verdict.broken_at(head.event_id.parse().ok());
            }
            if !intact {
                verdict.broken_at(stored.first().and_then(|head| head.event_id.parse().ok()));
            }
            prev_hash = hash.clone();
            prev_through = *through_seq;
            expected_seq = seq + 1;
        }
        if (batch.len() as i64) < BATCH {
            return Ok(());
        }
    }
}

/// The heads a checkpoint stored, in `application_id` order.
fn sealed_heads_of(conn: &mut DbConnection, checkpoint: i64) -> Result<Vec<SealedHead>, AppError> {
    let rows: Vec<(String, i64, String, String)> = audit_checkpoint_heads::table
        .filter(audit_checkpoint_heads::checkpoint_seq.eq(checkpoint))
        .order(audit_checkpoint_heads::application_id.asc())
        .select((
            audit_checkpoint_heads::application_id,
            audit_checkpoint_heads::app_seq,
            audit_checkpoint_heads::event_id,
            audit_checkpoint_heads::event_hash,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(sealed_head).collect())
}

fn sealed_head(
    (application_id, app_seq, event_id, event_hash): (String, i64, String, String),
) -> SealedHead {
    SealedHead {
        application_id,
        app_seq,
        event_id,
        event_hash,
    }
}

/// For each application with events numbered in `(after, through]`, its newest such event, in
/// `application_id` order.
fn sealed_heads(
    conn: &mut DbConnection,
    after: i64,
    through: i64,
) -> Result<Vec<SealedHead>, AppError> {
    let mut newest: BTreeMap<String, SealedHead> = BTreeMap::new();
    let mut from = after;
    loop {
        let batch: Vec<(i64, String, i64, String, String)> = application_events::table
            .filter(application_events::seq.gt(from))
            .filter(application_events::seq.le(through))
            .order(application_events::seq.asc())
            .limit(BATCH)
            .select((
                application_events::seq,
                application_events::application_id,
                application_events::app_seq,
                application_events::id,
                application_events::hash,
            ))
            .load(conn)?;
        let full = batch.len() as i64 == BATCH;
        for (seq, application_id, app_seq, event_id, event_hash) in batch {
            from = seq;
            let head = sealed_head((application_id.clone(), app_seq, event_id, event_hash));
            match newest.get(&application_id) {
                Some(known) if known.app_seq >= app_seq => {}
                _ => {
                    newest.insert(application_id, head);
                }
            }
        }
        if !full {
            return Ok(newest.into_values().collect());
        }
    }
}

/// Seals the events since the last checkpoint into a new one (housekeeping). Returns how many
/// application heads it sealed; none when no event came since.
pub fn seal_checkpoint(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let through = match conn {
        DbConnection::Postgresql(pg) => pg.transaction(|pg| {
            // Waits for the appends in flight and holds off new ones for one query: every event
            // numbered up to `through` has then committed.
            diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
                .bind::<Integer, _>(AUDIT_LOCK_CLASS)
                .bind::<Integer, _>(APPENDS_LOCK)
                .execute(pg)?;
            Ok::<_, AppError>(
                application_events::table
                    .select(max(application_events::seq))
                    .first::<Option<i64>>(pg)?
                    .unwrap_or(0),
            )
        })?,
        // Writers are serial: the newest event in the sealing transaction below is final.
        DbConnection::Sqlite(_) => i64::MAX,
    };
    write_transaction(conn, |conn| {
        if let DbConnection::Postgresql(pg) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
                .bind::<Integer, _>(AUDIT_LOCK_CLASS)
                .bind::<Integer, _>(CHECKPOINTS_LOCK)
                .execute(pg)?;
        }
        let through = through.min(last_seq(conn)?);
        let last: Option<(i64, i64, String)> = audit_checkpoints::table
            .order(audit_checkpoints::seq.desc())
            .select((
                audit_checkpoints::seq,
                audit_checkpoints::through_seq,
                audit_checkpoints::hash,
            ))
            .first(conn)
            .optional()?;
        let (last_seq, last_through, prev_hash) = match last {
            Some(last) => last,
            None => {
                let legacy = legacy_head(conn)?;
                (0, legacy.seq, legacy.hash)
            }
        };
        if through <= last_through {
            return Ok(0);
        }
        let heads = sealed_heads(conn, last_through, through)?;
        if heads.is_empty() {
            return Ok(0);
        }
        let at = now.trunc_subsecs(6);
        let seq = last_seq + 1;
        let hash = Checkpoint {
            seq,
            at,
            through_seq: through,
            heads: &heads,
        }
        .hash(&prev_hash);
        diesel::insert_into(audit_checkpoints::table)
            .values((
                audit_checkpoints::seq.eq(seq),
                audit_checkpoints::at.eq(at.naive_utc()),
                audit_checkpoints::through_seq.eq(through),
                audit_checkpoints::prev_hash.eq(&prev_hash),
                audit_checkpoints::hash.eq(&hash),
            ))
            .execute(conn)?;
        let rows: Vec<_> = heads
            .iter()
            .map(|head| {
                (
                    audit_checkpoint_heads::checkpoint_seq.eq(seq),
                    audit_checkpoint_heads::application_id.eq(&head.application_id),
                    audit_checkpoint_heads::app_seq.eq(head.app_seq),
                    audit_checkpoint_heads::event_id.eq(&head.event_id),
                    audit_checkpoint_heads::event_hash.eq(&head.event_hash),
                )
            })
            .collect();
        // Small enough for SQLite's limit on bound values. A multi-row insert needs the concrete
        // connection (diesel's multi-backend connection has none).
        for chunk in rows.chunks(500) {
            let insert = diesel::insert_into(audit_checkpoint_heads::table).values(chunk.to_vec());
            match conn {
                DbConnection::Postgresql(pg) => insert.execute(pg)?,
                DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
            };
        }
        Ok(heads.len())
    })
}
