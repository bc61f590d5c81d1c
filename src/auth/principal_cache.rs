//! Principals confirmed against the database in the last second.
//!
//! Confirming the caller costs a database round trip, as much as the read it guards. A front end
//! opening a page, or an integrator syncing, sends its requests in bursts; this cache lets a burst
//! pay for one confirmation instead of one per request.
//!
//! How fresh it is:
//! - on the replica that makes a change (deactivation, a new role, a deleted client, a verified
//!   e-mail address, a new dealer group), at once: the change's handler calls `forget` after its
//!   commit;
//! - on every other replica, within `TTL`.
//!
//! A lookup that read the database before such a commit must not put the old principal back
//! after the `forget`. Every `forget` therefore moves a generation counter on, and `insert` keeps
//! nothing read under an older generation.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::jwt::SubjectKind;
use super::principal::Principal;

/// How long a confirmed principal is believed without asking the database again.
pub const TTL: Duration = Duration::from_secs(1);

/// Past this many entries the expired ones are dropped, and if none had expired, all of them:
/// the cache never grows with the number of callers.
const CAPACITY: usize = 10_000;

/// What a token names: a person or an integrator client, by id.
pub type Subject = (SubjectKind, Uuid);

/// The state of the cache when a lookup started; see `PrincipalCache::insert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation(u64);

pub struct PrincipalCache {
    ttl: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    entries: HashMap<Subject, (Principal, Instant)>,
}

impl Default for PrincipalCache {
    fn default() -> Self {
        Self::new(TTL)
    }
}

impl PrincipalCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            inner: Mutex::default(),
        }
    }

    /// The principal confirmed for `subject` less than `TTL` ago, or else the generation to
    /// hand back to `insert` once the database has answered.
    pub fn get(&self, subject: Subject) -> Result<Principal, Generation> {
        self.get_at(subject, Instant::now())
    }

    /// Keeps `principal`, confirmed just now, unless something was forgotten since `seen`.
    pub fn insert(&self, subject: Subject, principal: Principal, seen: Generation) {
        self.insert_at(subject, principal, seen, Instant::now());
    }

    /// Drops what is known of `id`, as a person or a client. Call it after the change commits.
    pub fn forget(&self, id: Uuid) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.retain(|(_, subject_id), _| *subject_id != id);
    }

    fn get_at(&self, subject: Subject, now: Instant) -> Result<Principal, Generation> {
        let inner = self.lock();
        match inner.entries.get(&subject) {
            Some((principal, confirmed_at)) if now.duration_since(*confirmed_at) < self.ttl => {
                Ok(principal.clone())
            }
            _ => Err(Generation(inner.generation)),
        }
    }

    fn insert_at(&self, subject: Subject, principal: Principal, seen: Generation, now: Instant) {
        let mut inner = self.lock();
        if Generation(inner.generation) != seen {
            return;
        }
        if inner.entries.len() >= CAPACITY {
            let ttl = self.ttl;
            inner
                .entries
                .retain(|_, (_, confirmed_at)| now.duration_since(*confirmed_at) < ttl);
            if inner.entries.len() >= CAPACITY {
                inner.entries.clear();
            }
        }
        inner.entries.insert(subject, (principal, now));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map is consistent after every statement, so a panic elsewhere leaves nothing half
        // done: keep using it.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::principal::ClientPrincipal;

    fn client(id: Uuid) -> Principal {
        Principal::Client(ClientPrincipal {
            id,
            client_id: "crm".into(),
            scopes: Vec::new(),
        })
    }

    fn cached_id(cache: &PrincipalCache, subject: Subject, now: Instant) -> Option<Uuid> {
        match cache.get_at(subject, now) {
            Ok(Principal::Client(c)) => Some(c.id),
            Ok(Principal::User(u)) => Some(u.id),
            Err(_) => None,
        }
    }

    #[test]
    fn a_confirmed_principal_is_believed_for_the_ttl_only() {
        let cache = PrincipalCache::new(Duration::from_secs(1));
        let id = Uuid::new_v4();
        let subject = (SubjectKind::Client, id);
        let start = Instant::now();
        let seen = cache.get_at(subject, start).unwrap_err();
        cache.insert_at(subject, client(id), seen, start);

        let just_before = start + Duration::from_millis(999);
        assert_eq!(cached_id(&cache, subject, just_before), Some(id));
        assert_eq!(
            cached_id(&cache, subject, start + Duration::from_secs(1)),
            None
        );
        // A token of the other kind with the same id is another subject.
        assert_eq!(cached_id(&cache, (SubjectKind::User, id), start), None);
    }

    #[test]
    fn forget_drops_the_principal_at_once() {
        let cache = PrincipalCache::default();
        let (kept, forgotten) = (Uuid::new_v4(), Uuid::new_v4());
        let now = Instant::now();
        for id in [kept, forgotten] {
            let subject = (SubjectKind::Client, id);
            let seen = cache.get_at(subject, now).unwrap_err();
            cache.insert_at(subject, client(id), seen, now);
        }
        cache.forget(forgotten);
        assert_eq!(
            cached_id(&cache, (SubjectKind::Client, forgotten), now),
            None
        );
        assert_eq!(
            cached_id(&cache, (SubjectKind::Client, kept), now),
            Some(kept)
        );
    }

    #[test]
    fn a_lookup_that_raced_a_change_is_not_kept() {
        let cache = PrincipalCache::default();
        let id = Uuid::new_v4();
        let subject = (SubjectKind::Client, id);
        let now = Instant::now();
        // The lookup starts, the change commits and forgets, then the lookup's stale answer
        // arrives.
        let seen = cache.get_at(subject, now).unwrap_err();
        cache.forget(id);
        cache.insert_at(subject, client(id), seen, now);
        assert_eq!(cached_id(&cache, subject, now), None);
        // The next lookup, started after the change, is kept.
        let seen = cache.get_at(subject, now).unwrap_err();
        cache.insert_at(subject, client(id), seen, now);
        assert_eq!(cached_id(&cache, subject, now), Some(id));
    }

    #[test]
    fn a_full_cache_makes_room() {
        let cache = PrincipalCache::new(Duration::from_secs(1));
        let start = Instant::now();
        for _ in 0..CAPACITY {
            let id = Uuid::new_v4();
            let subject = (SubjectKind::Client, id);
            cache.insert_at(subject, client(id), Generation(0), start);
        }
        let later = start + Duration::from_secs(2);
        let id = Uuid::new_v4();
        cache.insert_at((SubjectKind::Client, id), client(id), Generation(0), later);
        let inner = cache.lock();
        assert_eq!(inner.entries.len(), 1, "only the fresh entry is left");
    }
}
