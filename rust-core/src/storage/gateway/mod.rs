//! The gateway: the one door to the database, shared by the phone app and the command line.
//!
//! It wraps the pure classifier with state: the user's registry (an overlay over the built-in
//! default, so an update's new brands still arrive), the quarantine of held messages with their
//! verdicts, and their review. Every write that reports success has been flushed to disk; reads
//! never block on writes; the object is `Send + Sync` with interior locking.
//!
//! [`Classifier`] is the gateway without its database, for when the database will not open
//! (the phone must still judge every SMS): the built-in registry for a region, compiled and
//! consulted the way a fresh database's is, so that its verdicts are that database's.
//!
//! Privacy: log lines name ids, kinds and services, never a sender, a body or a code.
//!
//! The files: this one opens the gateway and holds its types; [`intake`] judges and stores,
//! [`review`] lists, releases, confirms and purges, [`overlay`] keeps the user's registry.

mod intake;
mod overlay;
mod review;

use crate::classify::{classify, Message, Options};
use overlay::Overlay;

use crate::error::{Error, Result};

use crate::import::timestamp;

use crate::registry::diff::RegistryDiff;

use crate::registry::ServiceId;

use crate::registry::{Registry, RegistryFile, ServiceSpec, FORMAT_VERSION as REGISTRY_VERSION};

use crate::storage::record::{self, Record, Status, StoredLink, StoredReason};

use crate::storage::salvage::{self, Check, Salvaged};

use crate::storage::store::{dedup_hash, Counters, Store, Write};

use crate::verdict::{Action, Kind, Verdict};

use serde::{Deserialize, Serialize};

use std::collections::{BTreeMap, HashMap};

use std::path::Path;

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

/// Default retention of quarantined messages, in days.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// How many records one internal write carries at most (bounds memory on large imports; the
/// batch is still flushed once).
const CHUNK: usize = 512;

/// Options of [`Gateway::open_with`].
#[derive(Debug, Clone)]
pub struct GatewayOptions {
    /// Region for numbers without a country code.
    pub region: String,
    /// Offset from UTC, in minutes, of the user's day (for per-day statistics).
    pub utc_offset_minutes: i32,
    /// Page cache of the storage engine, in bytes.
    pub cache_bytes: u64,
}

impl Default for GatewayOptions {
    fn default() -> Self {
        GatewayOptions::for_region(crate::signals::sender::DEFAULT_REGION)
    }
}

impl GatewayOptions {
    /// Options for a region: its numbering plan and, where the region has one time zone, its
    /// UTC offset for per-day statistics (UTC otherwise; set `utc_offset_minutes` to change).
    pub fn for_region(region: &str) -> GatewayOptions {
        let utc_offset_minutes = match region.to_ascii_uppercase().as_str() {
            "JP" | "KR" => 9 * 60,
            "CN" | "TW" | "HK" | "SG" | "PH" => 8 * 60,
            "IN" => 5 * 60 + 30,
            "DE" | "FR" | "NL" | "IT" | "ES" => 60,
            "NZ" => 12 * 60,
            _ => 0,
        };
        GatewayOptions {
            region: region.to_string(),
            utc_offset_minutes,
            cache_bytes: 16 << 20,
        }
    }
}

pub use crate::sms::Sms;

/// What the gateway decided for one message.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The classifier's verdict.
    pub verdict: Verdict,
    /// The quarantine record id, when the message was kept.
    pub record_id: Option<u64>,
    /// The same (sender, body, received_at) was kept before: nothing new was stored.
    pub duplicate: bool,
}

/// A filter and page request for [`Gateway::list`].
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only this claimed service (id); `Some("-")` for none.
    pub service: Option<ServiceId>,
    /// Only this kind.
    pub kind: Option<Kind>,
    /// Only this status.
    pub status: Option<Status>,
    /// At most this many (0 means 50).
    pub limit: usize,
    /// Continue after this cursor (from a previous page).
    pub cursor: Option<String>,
}

/// One page of quarantined messages, newest first.
#[derive(Debug, Clone)]
pub struct Page {
    /// The records.
    pub records: Vec<Record>,
    /// Pass this back for the next page; `None` at the end.
    pub next_cursor: Option<String>,
    /// Records in this page's stretch that could not be decoded and were skipped (damage;
    /// `smishgate db check` tells more, and each can still be deleted by its id).
    pub skipped: usize,
}

/// Quarantine statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Records held, any status.
    pub total: u64,
    /// By status.
    pub by_status: BTreeMap<String, u64>,
    /// By kind.
    pub by_kind: BTreeMap<String, u64>,
    /// By claimed service (`-` for none).
    pub by_service: BTreeMap<String, u64>,
    /// By day of reception (`YYYY-MM-DD` in the gateway's UTC offset).
    pub by_day: BTreeMap<String, u64>,
}

struct State {
    overlay: Overlay,
}

/// A compiled registry and the classifier: how the gateway judges messages
/// ([`Gateway::classifier`]), and, with the built-in registry and no database
/// ([`Classifier::for_region`]), what judges them when the database will not open. Without a
/// database its verdicts are those of a [`Gateway`] on a fresh one (no user changes) in the
/// same region; it stores nothing and does no I/O.
pub struct Classifier {
    registry: Arc<Registry>,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("region", &self.registry.region())
            .finish()
    }
}

impl Classifier {
    /// The built-in registry compiled for `region` (ISO 3166; numbers without a country code
    /// are read in it). An unknown region is [`Error::Region`], as [`Gateway::open_with`]
    /// refuses it.
    pub fn for_region(region: &str) -> Result<Classifier> {
        Ok(Classifier {
            registry: Arc::new(Overlay::default().compile(region)?),
        })
    }

    /// Classify a message (the gateway's one call of the classifier).
    pub fn classify(&self, sms: &Sms) -> Verdict {
        classify(
            &Message {
                sender: &sms.sender,
                body: &sms.body,
                cut: sms.cut,
            },
            &self.registry,
            &Options::default(),
        )
    }
}

/// The gateway. Open one per database; share it between threads.
pub struct Gateway {
    store: Store,
    registry: RwLock<Arc<Registry>>,
    state: Mutex<State>,
    opts: GatewayOptions,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("region", &self.opts.region)
            .finish()
    }
}

impl Gateway {
    /// Open (or create) the database at `path` with default options.
    pub fn open(path: impl AsRef<Path>) -> Result<Gateway> {
        Gateway::open_with(path, GatewayOptions::default())
    }

    /// Open (or create) the database at `path`.
    pub fn open_with(path: impl AsRef<Path>, opts: GatewayOptions) -> Result<Gateway> {
        if !crate::signals::sender::is_known_region(&opts.region) {
            return Err(Error::Region(opts.region));
        }
        let store = Store::open(path.as_ref(), opts.cache_bytes)?;
        let overlay: Overlay = match store.overlay()? {
            Some(bytes) => record::decode(&bytes)?,
            None => Overlay::default(),
        };
        let registry = overlay.compile(&opts.region)?;
        log::debug!("gateway opened ({} services)", registry.services().len());
        Ok(Gateway {
            store,
            registry: RwLock::new(Arc::new(registry)),
            state: Mutex::new(State { overlay }),
            opts,
        })
    }

    fn registry(&self) -> Arc<Registry> {
        self.registry
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave half a write behind (writes are one
        // batch), so a poisoned lock is safe to take over.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The classifier of the registry as it is now: a later change of the registry does not
    /// reach it.
    pub fn classifier(&self) -> Classifier {
        Classifier {
            registry: self.registry(),
        }
    }

    /// Classify a message without storing anything.
    pub fn classify(&self, sms: &Sms) -> Verdict {
        self.classifier().classify(sms)
    }

    /// What can be read of the database at `path`, damaged or not, without changing it:
    /// whether it opens, what the storage engine and the journal still hold, what a
    /// [`Gateway::salvage`] would recover. Refused while a process has the database open.
    pub fn check(path: impl AsRef<Path>, opts: &GatewayOptions) -> Result<Check> {
        Ok(salvage::gather(path.as_ref(), opts.cache_bytes)?.check)
    }

    /// Make a new database at `to` of every record that can still be read at `from` (the
    /// newest state of each), with the user's registry changes and blocked senders. `from`
    /// is only read; `to` must not exist or be an empty directory. Records keep their ids.
    pub fn salvage(
        from: impl AsRef<Path>,
        to: impl AsRef<Path>,
        opts: GatewayOptions,
    ) -> Result<Salvaged> {
        let (from, to) = (from.as_ref(), to.as_ref());
        if to.as_os_str().is_empty() {
            return Err(Error::Invalid("the new database's path is empty".into()));
        }
        let same = match (from.canonicalize(), to.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => from == to,
        };
        if same {
            return Err(Error::Invalid(
                "salvage writes a new database: give another directory than the damaged one".into(),
            ));
        }
        if std::fs::read_dir(to).is_ok_and(|mut d| d.next().is_some()) {
            return Err(Error::Invalid(format!(
                "{} is not empty: salvage writes a new database into a new or empty directory",
                to.display()
            )));
        }
        let gathered = salvage::gather(from, opts.cache_bytes)?;
        let gw = Gateway::open_with(to, opts)?;
        let (registry_changes, services, blocked) =
            gw.restore(&gathered.records, gathered.overlay)?;
        log::info!(
            "salvage: {} records written to the new database",
            gathered.records.len()
        );
        Ok(Salvaged {
            records: gathered.records.len() as u64,
            check: gathered.check,
            registry_changes,
            services,
            blocked,
        })
    }

    /// Write salvaged records (oldest first) and registry changes into this (new) database,
    /// with their indices and counters. An overlay that cannot be read or no longer compiles
    /// is left out (the built-in registry applies). Returns whether the overlay was carried,
    /// with its count of services and of blocked senders.
    fn restore(
        &self,
        records: &[Record],
        overlay: Option<Vec<u8>>,
    ) -> Result<(bool, usize, usize)> {
        let mut state = self.lock();
        let carried = overlay.and_then(|b| match record::decode::<Overlay>(&b) {
            Ok(o) => match o.compile(&self.opts.region) {
                Ok(_) => Some(o),
                Err(e) => {
                    // Which entry and field, never the message: an entry's value can be a
                    // person's number (a blocked sender), and logs never carry one.
                    match e {
                        Error::RegistryEntry { entry, field, .. } => log::warn!(
                            "salvage: the registry changes no longer compile (entry {entry}, field `{field}`); left out"
                        ),
                        _ => log::warn!("salvage: the registry changes no longer compile; left out"),
                    }
                    None
                }
            },
            Err(_) => {
                log::warn!("salvage: the registry changes cannot be decoded; left out");
                None
            }
        });
        let mut w = Write::new();
        if let Some(o) = &carried {
            w.put_overlay(record::encode(o)?);
        }
        let mut dedup: HashMap<[u8; 16], Vec<u64>> = HashMap::new();
        let mut max_id = 0;
        for (i, r) in records.iter().enumerate() {
            w.put_record(r)?;
            let given = r.received_at_given.then_some(r.received_at);
            dedup
                .entry(dedup_hash(&r.sender, &r.body, given))
                .or_default()
                .push(r.id);
            let day = self.day(r.received_at);
            w.counters().record(r, &day, 1);
            max_id = max_id.max(r.id);
            if (i + 1) % CHUNK == 0 {
                self.store.apply(std::mem::replace(&mut w, Write::new()))?;
            }
        }
        for (hash, ids) in &dedup {
            w.put_dedup(hash, ids)?;
        }
        self.store.apply(w)?;
        self.store.reserve_ids_up_to(max_id)?;
        self.store.flush()?;
        let counts = carried
            .as_ref()
            .map_or((0, 0), |o| (o.services.len(), o.blocked.len()));
        let had = carried.is_some();
        if let Some(o) = carried {
            self.install(&mut state, o)?;
        }
        Ok((had, counts.0, counts.1))
    }

    /// Bytes the database occupies on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        self.store.size_on_disk()
    }

    fn day(&self, ms: i64) -> String {
        timestamp::day(ms, self.opts.utc_offset_minutes)
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lure(i: i64, at: i64) -> Sms {
        Sms {
            sender: format!("+1555000{i:04}"),
            body: format!("USPS: your parcel is held, pay the fee at https://usps-fee-{i}.top/p"),
            received_at: Some(at),
            cut: false,
        }
    }

    /// A record whose stored value cannot be decoded is skipped by `list` (which counts it),
    /// can be deleted by its id, and is purged by the time in its key; the others read on.
    #[test]
    fn an_undecodable_record_is_skipped_said_and_removable() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        let now = now_ms();
        let old = now - 200 * 86_400_000;
        let batch: Vec<Sms> = (0..6)
            .map(|i| lure(i, if i < 2 { old + i } else { now - i }))
            .collect();
        let ids: Vec<u64> = g
            .ingest_batch(&batch)
            .unwrap()
            .iter()
            .map(|d| d.record_id.unwrap())
            .collect();
        g.store.garble_record(ids[0]); // old
        g.store.garble_record(ids[3]); // recent
        let page = g.list(&ListQuery::default()).unwrap();
        assert_eq!(page.records.len(), 4);
        assert_eq!(page.skipped, 2);
        assert!(matches!(g.get(ids[3]), Err(Error::Corrupt(_))));
        g.delete(ids[3]).unwrap();
        assert!(matches!(g.get(ids[3]), Err(Error::NoSuchRecord(_))));
        assert!(matches!(g.delete(ids[3]), Err(Error::NoSuchRecord(_))));
        // Purge takes the old undecodable one and the old readable one.
        assert_eq!(g.purge(Some(90)).unwrap(), 2);
        let page = g.list(&ListQuery::default()).unwrap();
        assert_eq!((page.records.len(), page.skipped), (3, 0));
    }

    /// The classifier without a database judges as a fresh database does, and refuses an
    /// unknown region as opening one does.
    #[test]
    fn the_classifier_is_a_fresh_database() {
        let dir = tempfile::tempdir().unwrap();
        for region in ["JP", "US"] {
            let g = Gateway::open_with(dir.path().join(region), GatewayOptions::for_region(region))
                .unwrap();
            let c = Classifier::for_region(region).unwrap();
            for i in 0..3 {
                let sms = lure(i, 0);
                assert_eq!(
                    format!("{:?}", c.classify(&sms)),
                    format!("{:?}", g.classify(&sms))
                );
            }
        }
        let open = Gateway::open_with(dir.path().join("xx"), GatewayOptions::for_region("XX"));
        assert_eq!(
            Classifier::for_region("XX").unwrap_err().to_string(),
            open.unwrap_err().to_string()
        );
    }
}
