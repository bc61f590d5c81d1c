//! The tamper-evident audit trail. Every event's hash covers its own canonical form and the hash
//! of the event before it in its application's chain, so that changing or removing a stored event
//! breaks its chain; checkpoints chain the newest hash of each application's chain into one global
//! chain, so that rewinding an application's chain breaks a checkpoint.
//!
//! Events from before per-application chains form one global chain, in `seq` order across all
//! applications; those keep their links and their canonical form (without `app_seq`).

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as the chain sees it: every stored field but the hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainedFields<'a> {
    pub id: Uuid,
    pub seq: i64,
    pub application_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_role: &'a str,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: &'a str,
    pub reason_code: Option<&'a str>,
    pub reason: Option<&'a str>,
    /// The event's place in its application's chain; `None` for an event of the global chain of
    /// before, whose canonical form has no such field.
    pub app_seq: Option<i64>,
}

impl ChainedFields<'_> {
    /// One fixed text for the event: a JSON array in a fixed field order, times to the
    /// microsecond (what both databases store), so the same row always hashes the same.
    pub fn canonical(&self) -> String {
        let mut fields = serde_json::json!([
            self.id,
            self.seq,
            self.application_id,
            self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.actor_id,
            self.actor_role,
            self.action,
            self.from_status,
            self.to_status,
            self.reason_code,
            self.reason,
        ]);
        if let (Some(app_seq), Some(fields)) = (self.app_seq, fields.as_array_mut()) {
            fields.push(app_seq.into());
        }
        fields.to_string()
    }

    /// The event's hash, chained to the hash of the event before it.
    pub fn hash(&self, prev_hash: &str) -> String {
        let mut digest = Sha256::new();
        digest.update(prev_hash.as_bytes());
        digest.update(b"\n");
        digest.update(self.canonical().as_bytes());
        hex(&digest.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a walk found: how many events it checked and the first that does not hold.
#[derive(Debug, Default)]
pub struct Verdict {
    pub events_checked: u64,
    pub first_broken: Option<Uuid>,
}

impl Verdict {
    /// Notes a break at `event`, unless an earlier one was found.
    pub fn broken_at(&mut self, event: Option<Uuid>) {
        if self.first_broken.is_none() {
            // A break with no event to name (an emptied table) still fails the walk.
            self.first_broken = Some(event.unwrap_or(Uuid::nil()));
        }
    }

    pub fn ok(&self) -> bool {
        self.first_broken.is_none()
    }
}

/// Walks one application's chain in `app_seq` order.
#[derive(Debug)]
pub struct AppChainWalk {
    expected_prev: String,
    expected_app_seq: i64,
    last_event: Option<Uuid>,
}

impl Default for AppChainWalk {
    fn default() -> Self {
        Self {
            expected_prev: GENESIS_HASH.to_owned(),
            expected_app_seq: 1,
            last_event: None,
        }
    }
}

impl AppChainWalk {
    /// Checks the application's next stored event: in its place, pointing at the application's
    /// previous event's hash, and hashing to what is stored. An event of the global chain of
    /// before links to that chain instead; `legacy` leaves its links to the global walk.
    /// Returns whether the event holds.
    pub fn check(
        &mut self,
        fields: &ChainedFields<'_>,
        prev_hash: &str,
        hash: &str,
        legacy: bool,
    ) -> bool {
        let in_place = fields.app_seq.unwrap_or(self.expected_app_seq) == self.expected_app_seq;
        let intact = legacy
            || (in_place && prev_hash == self.expected_prev && fields.hash(prev_hash) == hash);
        // Go on from what is stored, so that one gap or altered row is reported once, at itself.
        self.expected_prev = hash.to_owned();
        self.expected_app_seq = fields.app_seq.unwrap_or(self.expected_app_seq) + 1;
        self.last_event = Some(fields.id);
        intact
    }

    /// Whether the chain ends where its recorded head says, which catches the removal of an
    /// application's newest events.
    pub fn ends_at(&self, head_app_seq: i64, head_hash: &str) -> bool {
        self.expected_app_seq - 1 == head_app_seq && self.expected_prev == head_hash
    }

    /// The last event walked.
    pub fn last_event(&self) -> Option<Uuid> {
        self.last_event
    }
}

/// An application's newest event as a checkpoint seals it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedHead {
    pub application_id: String,
    pub app_seq: i64,
    pub event_id: String,
    pub event_hash: String,
}

/// A checkpoint as its hash covers it: its number, time, the last event number it seals, and
/// the sealed heads in `application_id` order.
pub struct Checkpoint<'a> {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub through_seq: i64,
    pub heads: &'a [SealedHead],
}

impl Checkpoint<'_> {
    /// The checkpoint's hash, chained to the previous checkpoint's. One JSON line for the
    /// checkpoint, then one per head, hashed as they go (a checkpoint can seal many heads).
    pub fn hash(&self, prev_hash: &str) -> String {
        let mut digest = Sha256::new();
        digest.update(prev_hash.as_bytes());
        let line = serde_json::json!([
            self.seq,
            self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.through_seq,
        ]);
        digest.update(format!("\n{line}").as_bytes());
        for head in self.heads {
            let line = serde_json::json!([
                head.application_id,
                head.app_seq,
                head.event_id,
                head.event_hash,
            ]);
            digest.update(format!("\n{line}").as_bytes());
        }
        hex(&digest.finalize())
    }
}

/// Walks the chain in `seq` order, one event at a time, remembering the first break.
#[derive(Debug)]
pub struct ChainWalk {
    expected_prev: String,
    last_seq: i64,
    pub events_checked: u64,
    pub first_broken: Option<Uuid>,
}

impl Default for ChainWalk {
    fn default() -> Self {
        Self {
            expected_prev: GENESIS_HASH.to_owned(),
            last_seq: 0,
            events_checked: 0,
            first_broken: None,
        }
    }
}

impl ChainWalk {
    /// Checks the next stored event: it must point at the previous event's hash, and its own
    /// stored hash must be what its fields hash to.
    pub fn check(&mut self, fields: &ChainedFields<'_>, prev_hash: &str, hash: &str) {
        self.events_checked += 1;
        let intact = prev_hash == self.expected_prev && fields.hash(prev_hash) == hash;
        if !intact && self.first_broken.is_none() {
            self.first_broken = Some(fields.id);
        }
        // Go on from what is stored, so that one altered row is reported once, at itself.
        self.expected_prev = hash.to_owned();
        self.last_seq = fields.seq;
    }

    /// Checks the end of the walk against the recorded head of the chain, which catches the
    /// removal of the newest events. `head_event` names the event the head says is last.
    pub fn finish(&mut self, head_seq: i64, head_hash: &str, head_event: Option<Uuid>) {
        let intact = head_seq == self.last_seq && head_hash == self.expected_prev;
        if !intact && self.first_broken.is_none() {
            self.first_broken = head_event;
        }
    }

    pub fn ok(&self) -> bool {
        self.first_broken.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, reason: Option<&'static str>) -> ChainedFields<'static> {
        ChainedFields {
            id: Uuid::from_u128(seq as u128),
            seq,
            application_id: Uuid::from_u128(7),
            at: DateTime::from_timestamp(1_700_000_000 + seq, 123_456_000).unwrap_or_default(),
            actor_id: None,
            actor_role: "admin",
            action: "start_review",
            from_status: Some("submitted"),
            to_status: "under_review",
            reason_code: None,
            reason,
            app_seq: None,
        }
    }

    /// Builds a chain of `n` events as stored rows: (fields, prev_hash, hash).
    fn chain(n: i64) -> Vec<(ChainedFields<'static>, String, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let fields = event(seq, None);
                let hash = fields.hash(&prev);
                let row = (fields, prev.clone(), hash.clone());
                prev = hash;
                row
            })
            .collect()
    }

    fn walk(
        rows: &[(ChainedFields<'static>, String, String)],
        head: (i64, &str, Option<Uuid>),
    ) -> ChainWalk {
        let mut walk = ChainWalk::default();
        for (fields, prev, hash) in rows {
            walk.check(fields, prev, hash);
        }
        walk.finish(head.0, head.1, head.2);
        walk
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        let last = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert!(report.ok());
        assert_eq!(report.events_checked, 5);
        let empty = walk(&[], (0, GENESIS_HASH, None));
        assert!(empty.ok());
    }

    #[test]
    fn an_edited_field_is_found_at_its_event() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        rows[2].0.reason = Some("edited");
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert_eq!(report.first_broken, Some(Uuid::from_u128(3)));
    }

    #[test]
    fn a_recomputed_hash_breaks_the_next_link() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        rows[1].0.reason = Some("edited");
        rows[1].2 = rows[1].0.hash(&rows[1].1);
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert_eq!(report.first_broken, Some(Uuid::from_u128(3)));
    }

    #[test]
    fn deleted_events_are_found() {
        let mut rows = chain(5);
        let last = rows.last().map(|r| r.2.clone()).unwrap_or_default();
        rows.remove(1);
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert_eq!(report.first_broken, Some(Uuid::from_u128(3)));

        let mut rows = chain(5);
        rows.pop();
        let report = walk(&rows, (5, &last, Some(Uuid::from_u128(5))));
        assert_eq!(report.first_broken, Some(Uuid::from_u128(5)));
    }

    /// An application's chain of `n` events: each links to the one before in that application.
    fn app_chain(n: i64) -> Vec<(ChainedFields<'static>, String, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|app_seq| {
                let fields = ChainedFields {
                    app_seq: Some(app_seq),
                    ..event(100 + app_seq, None)
                };
                let hash = fields.hash(&prev);
                let row = (fields, prev.clone(), hash.clone());
                prev = hash;
                row
            })
            .collect()
    }

    fn app_walk(rows: &[(ChainedFields<'static>, String, String)]) -> (AppChainWalk, Vec<bool>) {
        let mut walk = AppChainWalk::default();
        let intact = rows
            .iter()
            .map(|(fields, prev, hash)| walk.check(fields, prev, hash, false))
            .collect();
        (walk, intact)
    }

    #[test]
    fn an_application_chain_finds_edits_gaps_and_a_cut_tail() {
        let rows = app_chain(4);
        let (walk, intact) = app_walk(&rows);
        assert_eq!(intact, [true; 4]);
        assert!(walk.ends_at(4, &rows[3].2));

        let mut edited = rows.clone();
        edited[1].0.reason = Some("edited");
        assert_eq!(app_walk(&edited).1, [true, false, true, true]);

        let mut gap = rows.clone();
        gap.remove(1);
        assert_eq!(app_walk(&gap).1, [true, false, true]);

        // The newest event removed: every link holds, but the head says the chain went further.
        let (walk, intact) = app_walk(&rows[..3]);
        assert_eq!(intact, [true; 3]);
        assert!(!walk.ends_at(4, &rows[3].2));
        assert_eq!(walk.last_event(), Some(rows[2].0.id));
    }

    #[test]
    fn a_checkpoint_hash_covers_its_heads_and_its_predecessor() {
        let head = |app: &str, app_seq| SealedHead {
            application_id: app.into(),
            app_seq,
            event_id: format!("event-{app}-{app_seq}"),
            event_hash: format!("hash-{app}-{app_seq}"),
        };
        let heads = [head("a", 3), head("b", 1)];
        let older = [head("a", 2), head("b", 1)];
        let checkpoint = |heads| Checkpoint {
            seq: 1,
            at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            through_seq: 42,
            heads,
        };
        let hash = checkpoint(&heads).hash(GENESIS_HASH);
        assert_eq!(hash, checkpoint(&heads).hash(GENESIS_HASH));
        assert_ne!(hash, checkpoint(&heads[..1]).hash(GENESIS_HASH));
        assert_ne!(hash, checkpoint(&older).hash(GENESIS_HASH));
        assert_ne!(hash, checkpoint(&heads).hash(&hash));
    }

    #[test]
    fn the_canonical_form_is_fixed() {
        assert_eq!(
            event(1, Some("a \"quoted\" 理由")).canonical(),
            r#"["00000000-0000-0000-0000-000000000001",1,"00000000-0000-0000-0000-000000000007","2023-11-14T22:13:21.123456Z",null,"admin","start_review","submitted","under_review",null,"a \"quoted\" 理由"]"#
        );
        // An application chain's event adds its place in that chain.
        let placed = ChainedFields {
            app_seq: Some(2),
            ..event(1, None)
        };
        assert!(
            placed
                .canonical()
                .ends_with(r#""under_review",null,null,2]"#)
        );
    }
}
