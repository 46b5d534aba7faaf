//! Bulk reads: one paged list call answers the reads of every object that shares a parent
//! listing (the records of a zone, the databases of the reseller, the users of a database).
//!
//! Combell allows about 100 requests a minute, so a refresh of 500 DNS records read one by one
//! takes five minutes; read from one list per zone it takes a handful of calls. The cache lives
//! in the [`super::Client`], i.e. in one provider process, which Terraform starts for one
//! command, and an entry is only trusted for [`DEFAULT_TTL`].
//!
//! Rules that keep it correct under Terraform's parallelism:
//! - **Single flight**: concurrent readers of the same key share one list call (the first one
//!   runs it, the others await its answer). A failed or cancelled call is not shared: the next
//!   waiter runs its own.
//! - **Invalidation by generation**: every write of this process to a parent bumps the key's
//!   generation when the write returns (whatever its outcome). A list is served only while the
//!   generation it was started under is current, so a list fetched before a write completed is
//!   never served after it: a read that starts after this process created or deleted an object
//!   sees that change.
//! - Writes call [`ListCache::invalidate`] inside the client's area functions, so resource code
//!   never has to remember to; a finished provisioning job invalidates every cache, because the
//!   object it created appears only then.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use super::{DnsRecord, Error, MailZone, MysqlDatabase, MysqlUser};

/// How long a fetched list answers reads. A refresh asks for all its objects within moments;
/// anything older is better fetched again than trusted.
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// One list call, shared by every reader that asks while it is valid.
struct Fetch<T> {
    generation: u64,
    started: Instant,
    cell: OnceCell<Arc<Vec<T>>>,
}

struct Slot<T> {
    generation: u64,
    fetch: Option<Arc<Fetch<T>>>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            generation: 0,
            fetch: None,
        }
    }
}

/// Lists of `T` by parent key (a zone, a database name, `""` for reseller-wide lists).
pub struct ListCache<T> {
    ttl: Duration,
    slots: Mutex<HashMap<String, Slot<T>>>,
    fetches: std::sync::atomic::AtomicU64,
}

impl<T> ListCache<T> {
    pub fn new(ttl: Duration) -> Self {
        ListCache {
            ttl,
            slots: Mutex::new(HashMap::new()),
            fetches: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn slots(&self) -> MutexGuard<'_, HashMap<String, Slot<T>>> {
        match self.slots.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Host and zone names are case-insensitive: `Example.com` and `example.com` share a list.
    fn key(parent: &str) -> String {
        parent.trim().to_ascii_lowercase()
    }

    /// The list under `parent`: a valid cached one, the one being fetched right now, or a new
    /// one from `fetch`.
    pub async fn get<F, Fut>(&self, parent: &str, fetch: F) -> Result<Arc<Vec<T>>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<T>, Error>>,
    {
        let key = Self::key(parent);
        let shared = {
            let mut slots = self.slots();
            let slot = slots.entry(key).or_default();
            let generation = slot.generation;
            match &slot.fetch {
                Some(fetch)
                    if fetch.generation == generation && fetch.started.elapsed() < self.ttl =>
                {
                    fetch.clone()
                }
                _ => {
                    let fresh = Arc::new(Fetch {
                        generation,
                        started: Instant::now(),
                        cell: OnceCell::new(),
                    });
                    slot.fetch = Some(fresh.clone());
                    fresh
                }
            }
        };
        let list = shared
            .cell
            .get_or_try_init(|| async {
                self.fetches
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                fetch().await.map(Arc::new)
            })
            .await?;
        Ok(list.clone())
    }

    /// Forgets the list under `parent`; lists being fetched right now will not be served to
    /// readers that start after this call.
    pub fn invalidate(&self, parent: &str) {
        let mut slots = self.slots();
        let slot = slots.entry(Self::key(parent)).or_default();
        slot.generation = slot.generation.wrapping_add(1);
        slot.fetch = None;
    }

    /// Forgets every list.
    pub fn invalidate_all(&self) {
        let mut slots = self.slots();
        for slot in slots.values_mut() {
            slot.generation = slot.generation.wrapping_add(1);
            slot.fetch = None;
        }
    }

    /// How many list calls were started through this cache (for tests and logs).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Per zone, the ids of the DNS records that a create of this process must never adopt as its
/// own after a lost answer: those the zone held when this process first created a record in it,
/// and those this process created since. Taking it once per zone (rather than listing before
/// every create) keeps a large apply at one POST and one read-back per record: the ids that can
/// appear between then and a create's lookup are that create's, or another client's identical
/// record made at the same moment, which is as good.
#[derive(Default)]
pub struct KnownDnsIds {
    zones: std::sync::Mutex<HashMap<String, Arc<tokio::sync::OnceCell<()>>>>,
    ids: std::sync::Mutex<HashMap<String, HashSet<String>>>,
}

impl KnownDnsIds {
    /// Makes sure the zone's baseline was taken (by `fetch`, once per zone, shared by concurrent
    /// callers; a failed fetch is not kept, the next caller tries again).
    pub async fn ensure<F, Fut>(&self, zone: &str, fetch: F) -> Result<(), Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<String>, Error>>,
    {
        let key = zone.to_ascii_lowercase();
        let cell = {
            let mut zones = self.zones.lock().unwrap_or_else(|p| p.into_inner());
            zones.entry(key.clone()).or_default().clone()
        };
        cell.get_or_try_init(|| async {
            let ids = fetch().await?;
            self.ids
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(key.clone())
                .or_default()
                .extend(ids);
            Ok::<(), Error>(())
        })
        .await?;
        Ok(())
    }

    /// Records an id this process created (or adopted).
    pub fn add(&self, zone: &str, id: &str) {
        self.ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(zone.to_ascii_lowercase())
            .or_default()
            .insert(id.to_string());
    }

    pub fn contains(&self, zone: &str, id: &str) -> bool {
        self.ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&zone.to_ascii_lowercase())
            .is_some_and(|ids| ids.contains(id))
    }
}

/// The list caches of one [`super::Client`].
pub struct Caches {
    /// `GET /dns/{domain}/records`, by domain.
    pub dns_records: ListCache<DnsRecord>,
    /// `GET /mysqldatabases`, under `""`.
    pub mysql_databases: ListCache<MysqlDatabase>,
    /// `GET /mysqldatabases/{name}/users`, by database name.
    pub mysql_users: ListCache<MysqlUser>,
    /// What a DNS create must not adopt after a lost answer.
    pub dns_known_ids: KnownDnsIds,
    /// `GET /mailzones/{domain}` by domain, as a list of one (none: no mail zone). The parts of
    /// a zone (aliases, catch-alls, SMTP domains, anti-spam) have no GET of their own: a refresh
    /// of N of them shares one read. Kept only a few seconds.
    pub mail_zones: ListCache<MailZone>,
}

/// How long a mail zone read serves the refreshes of its parts.
pub const MAIL_ZONE_TTL: Duration = Duration::from_secs(5);

impl Caches {
    pub fn new(ttl: Duration) -> Caches {
        Caches {
            dns_records: ListCache::new(ttl),
            mysql_databases: ListCache::new(ttl),
            mysql_users: ListCache::new(ttl),
            dns_known_ids: KnownDnsIds::default(),
            mail_zones: ListCache::new(ttl.min(MAIL_ZONE_TTL)),
        }
    }

    /// A provisioning job finished: whatever it created shows up in some list only now.
    pub fn invalidate_all(&self) {
        self.dns_records.invalidate_all();
        self.mail_zones.invalidate_all();
        self.mysql_databases.invalidate_all();
        self.mysql_users.invalidate_all();
    }
}

/// Invalidates `parent` in `cache` when dropped: a write invalidates on every way out of its
/// function (success, error, or the future being dropped half-way).
pub(crate) struct InvalidateOnDrop<'a, T> {
    cache: &'a ListCache<T>,
    parent: &'a str,
}

impl<'a, T> InvalidateOnDrop<'a, T> {
    pub fn new(cache: &'a ListCache<T>, parent: &'a str) -> Self {
        InvalidateOnDrop { cache, parent }
    }
}

impl<T> Drop for InvalidateOnDrop<'_, T> {
    fn drop(&mut self) {
        self.cache.invalidate(self.parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn cache() -> Arc<ListCache<u32>> {
        Arc::new(ListCache::new(DEFAULT_TTL))
    }

    #[tokio::test]
    async fn concurrent_readers_share_one_call() {
        let cache = cache();
        let calls = Arc::new(AtomicU32::new(0));
        let (release, gate) = tokio::sync::watch::channel(false);
        let mut readers = Vec::new();
        for _ in 0..10 {
            let cache = cache.clone();
            let calls = calls.clone();
            let mut gate = gate.clone();
            readers.push(tokio::spawn(async move {
                cache
                    .get("Example.com", || async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        // Hold the call open until every reader has queued behind it.
                        let _ = gate.wait_for(|open| *open).await;
                        Ok(vec![1, 2, 3])
                    })
                    .await
            }));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        release.send(true).unwrap();
        for reader in readers {
            assert_eq!(*reader.await.unwrap().unwrap(), vec![1, 2, 3]);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Later readers are served from the cache, whatever the case of the key.
        let again = cache
            .get("example.com", || async { Ok(vec![9]) })
            .await
            .unwrap();
        assert_eq!(*again, vec![1, 2, 3]);
        assert_eq!(cache.fetch_count(), 1);
    }

    #[tokio::test]
    async fn a_write_invalidates_its_parent_only() {
        let cache = cache();
        cache.get("a", || async { Ok(vec![1]) }).await.unwrap();
        cache.get("b", || async { Ok(vec![10]) }).await.unwrap();
        cache.invalidate("A");
        let a = cache.get("a", || async { Ok(vec![1, 2]) }).await.unwrap();
        let b = cache.get("b", || async { Ok(vec![99]) }).await.unwrap();
        assert_eq!(*a, vec![1, 2]);
        assert_eq!(*b, vec![10]);
        cache.invalidate_all();
        let b = cache.get("b", || async { Ok(vec![11]) }).await.unwrap();
        assert_eq!(*b, vec![11]);
    }

    /// A list that was in flight while this process created (or deleted) an object is not
    /// served to a read that starts after the write returned.
    #[tokio::test]
    async fn a_list_fetched_across_a_write_is_not_served_after_it() {
        let cache = cache();
        let (release, gate) = tokio::sync::watch::channel(false);
        let early = {
            let cache = cache.clone();
            let mut gate = gate.clone();
            tokio::spawn(async move {
                cache
                    .get("zone", || async move {
                        let _ = gate.wait_for(|open| *open).await;
                        // The list as it was before the create.
                        Ok(vec![1])
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        // The create of object 2 returns while the list is still on its way.
        {
            let _write = InvalidateOnDrop::new(&cache, "zone");
        }
        let late = {
            let cache = cache.clone();
            tokio::spawn(async move { cache.get("zone", || async { Ok(vec![1, 2]) }).await })
        };
        release.send(true).unwrap();
        assert_eq!(*early.await.unwrap().unwrap(), vec![1]);
        assert_eq!(*late.await.unwrap().unwrap(), vec![1, 2]);
        // And the stale list was not stored either.
        let after = cache.get("zone", || async { Ok(vec![7]) }).await.unwrap();
        assert_eq!(*after, vec![1, 2]);
    }

    #[tokio::test]
    async fn read_after_delete_does_not_see_the_object() {
        let cache = cache();
        assert_eq!(
            *cache.get("z", || async { Ok(vec![1, 2]) }).await.unwrap(),
            vec![1, 2]
        );
        // Delete of 2, failing half-way (the future dropped): invalidates all the same.
        let delete = async {
            let _write = InvalidateOnDrop::new(&cache, "z");
            std::future::pending::<()>().await;
        };
        let _ = tokio::time::timeout(Duration::from_millis(5), delete).await;
        assert_eq!(
            *cache.get("z", || async { Ok(vec![1]) }).await.unwrap(),
            vec![1]
        );
    }

    #[tokio::test]
    async fn failures_are_not_shared_or_kept() {
        let cache = cache();
        let err = cache
            .get("z", || async { Err(Error::Invalid("boom".into())) })
            .await;
        assert!(err.is_err());
        let ok = cache.get("z", || async { Ok(vec![3]) }).await.unwrap();
        assert_eq!(*ok, vec![3]);
    }

    #[tokio::test]
    async fn entries_expire() {
        let cache: ListCache<u32> = ListCache::new(Duration::from_millis(1));
        cache.get("z", || async { Ok(vec![1]) }).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let fresh = cache.get("z", || async { Ok(vec![2]) }).await.unwrap();
        assert_eq!(*fresh, vec![2]);
    }
}
