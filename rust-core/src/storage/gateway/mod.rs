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

use crate::classify::{classify, Message, Options};
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

/// The user's changes to the built-in registry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Overlay {
    schema: u16,
    /// User services: a known id extends the default's entry (merge rules of `RegistryFile`).
    services: Vec<ServiceSpec>,
    /// Default services the user removed.
    removed: Vec<String>,
    /// Blocked senders as written.
    blocked: Vec<String>,
}

impl Overlay {
    /// The registry it makes: compiled for `region`, the one way the gateway and
    /// [`Classifier`] (with no overlay) build what they classify with.
    fn compile(&self, region: &str) -> Result<Registry> {
        Registry::compile(&self.effective(), region)
    }

    fn effective(&self) -> RegistryFile {
        let mut file = RegistryFile::default_registry().clone();
        file.services.retain(|s| !self.removed.contains(&s.id));
        file.merge(RegistryFile {
            version: REGISTRY_VERSION,
            services: self.services.clone(),
            blocked: self.blocked.clone(),
        });
        file
    }
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

    /// Classify a message; keep it when quarantined. Returns after the record is on disk.
    pub fn ingest(&self, sms: &Sms) -> Result<Decision> {
        Ok(self.ingest_batch(std::slice::from_ref(sms))?.remove(0))
    }

    /// Classify and keep a batch with one flush; every quarantined item is on disk on return.
    pub fn ingest_batch(&self, batch: &[Sms]) -> Result<Vec<Decision>> {
        let judge = self.classifier();
        let mut decisions: Vec<Decision> = batch
            .iter()
            .map(|sms| Decision {
                verdict: judge.classify(sms),
                record_id: None,
                duplicate: false,
            })
            .collect();
        if !decisions
            .iter()
            .any(|d| d.verdict.action == Action::Quarantine)
        {
            return Ok(decisions);
        }
        let now = now_ms();
        let _guard = self.lock();
        // Ids written in this batch per dedup hash, for duplicates inside the batch itself.
        let mut pending: HashMap<[u8; 16], Vec<u64>> = HashMap::new();
        let mut pending_records: HashMap<u64, usize> = HashMap::new();
        let mut w = Write::new();
        let mut in_write = 0;
        let mut stored = 0;
        for (i, sms) in batch.iter().enumerate() {
            if decisions[i].verdict.action != Action::Quarantine {
                continue;
            }
            let hash = dedup_hash(&sms.sender, &sms.body, sms.received_at);
            let ids = match pending.get(&hash) {
                Some(ids) => ids.clone(),
                None => self.store.dedup(&hash)?,
            };
            let mut dup = None;
            for &id in &ids {
                let same = match pending_records.get(&id) {
                    Some(&j) => batch[j] == *sms,
                    None => self
                        .store
                        .record(id)?
                        .is_some_and(|r| same_message(&r, sms)),
                };
                if same {
                    dup = Some(id);
                    break;
                }
            }
            if let Some(id) = dup {
                decisions[i].record_id = Some(id);
                decisions[i].duplicate = true;
                log::debug!("ingest: duplicate of record {id}, not stored again");
                continue;
            }
            let id = self.store.next_id()?;
            let record = new_record(id, sms, &decisions[i].verdict, now);
            let day = self.day(record.received_at);
            w.put_record(&record)?;
            let mut new_ids = ids;
            new_ids.push(id);
            w.put_dedup(&hash, &new_ids)?;
            pending.insert(hash, new_ids);
            pending_records.insert(id, i);
            w.counters().record(&record, &day, 1);
            decisions[i].record_id = Some(id);
            log::debug!(
                "ingest: quarantined as record {id} (kind {}, service {})",
                record.kind.as_str(),
                record.service.as_deref().unwrap_or("-")
            );
            in_write += 1;
            stored += 1;
            if in_write >= CHUNK {
                self.store.apply(std::mem::replace(&mut w, Write::new()))?;
                in_write = 0;
            }
        }
        self.store.apply(w)?;
        if stored > 0 {
            self.store.flush()?;
        }
        Ok(decisions)
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

    /// Quarantined messages newest first, filtered, one page at a time.
    pub fn list(&self, q: &ListQuery) -> Result<Page> {
        let limit = if q.limit == 0 {
            50
        } else {
            q.limit.min(10_000)
        };
        let after = match &q.cursor {
            Some(c) => Some(decode_cursor(c)?),
            None => None,
        };
        let kind = q.kind;
        let mut records = Vec::new();
        let mut last = None;
        let mut more = false;
        let mut skipped = 0;
        for item in self.store.records_newest_first(after.as_deref()) {
            let (key, r) = item?;
            let Ok(r) = r else {
                skipped += 1;
                log::warn!("list: a record cannot be decoded; skipped");
                continue;
            };
            let keep = q.status.is_none_or(|s| r.status == s)
                && kind.is_none_or(|k| r.kind == k)
                && q.service
                    .as_deref()
                    .is_none_or(|s| r.service.as_deref().unwrap_or("-") == s);
            if !keep {
                continue;
            }
            if records.len() == limit {
                more = true;
                break;
            }
            last = Some(key);
            records.push(r);
        }
        Ok(Page {
            records,
            next_cursor: if more {
                last.map(|k| encode_cursor(&k))
            } else {
                None
            },
            skipped,
        })
    }

    /// One quarantined message.
    pub fn get(&self, id: u64) -> Result<Record> {
        self.store.record(id)?.ok_or(Error::NoSuchRecord(id))
    }

    /// Release a message: mark it released and return it for delivery. With `trust`, also
    /// register its sender for that service. Every held message was judged an attack (a
    /// look-alike, an impersonation, a spoofed sender…), and trusting an attacker's number
    /// would deliver its next lures as the service's own: trusting needs `force`, and without
    /// it the error says why the message was held. Nothing is changed then.
    pub fn release(&self, id: u64, trust: Option<&str>, force: bool) -> Result<Record> {
        let mut state = self.lock();
        let mut r = self.store.record(id)?.ok_or(Error::NoSuchRecord(id))?;
        let mut w = Write::new();
        let mut new_overlay = None;
        if let Some(service) = trust {
            if !state
                .overlay
                .effective()
                .services
                .iter()
                .any(|s| s.id == service)
            {
                return Err(Error::NoSuchService(service.to_string()));
            }
            if let Some(why) = attack_reason(&r).filter(|_| !force) {
                return Err(Error::TrustNeedsForce {
                    id,
                    kind: r.kind.as_str().to_string(),
                    why,
                });
            }
            let mut o = state.overlay.clone();
            add_sender_to(&mut o, service, &r.sender)?;
            w.put_overlay(record::encode(&o)?);
            new_overlay = Some(o);
        }
        self.set_status(&mut w, &mut r, Status::Released)?;
        self.store.apply(w)?;
        self.store.flush()?;
        if let Some(o) = new_overlay {
            self.install(&mut state, o)?;
        }
        log::debug!(
            "release: record {id} released{}",
            if trust.is_some() {
                ", sender trusted"
            } else {
                ""
            }
        );
        Ok(r)
    }

    /// Confirm a message as smishing; with `block`, also block its sender.
    pub fn confirm(&self, id: u64, block: bool) -> Result<Record> {
        let mut state = self.lock();
        let mut r = self.store.record(id)?.ok_or(Error::NoSuchRecord(id))?;
        let mut w = Write::new();
        let mut new_overlay = None;
        if block {
            let mut o = state.overlay.clone();
            crate::registry::add_blocked(&mut o.blocked, &r.sender, &self.opts.region, false)?;
            w.put_overlay(record::encode(&o)?);
            new_overlay = Some(o);
        }
        self.set_status(&mut w, &mut r, Status::Confirmed)?;
        self.store.apply(w)?;
        self.store.flush()?;
        if let Some(o) = new_overlay {
            self.install(&mut state, o)?;
        }
        log::debug!(
            "confirm: record {id} confirmed{}",
            if block { ", sender blocked" } else { "" }
        );
        Ok(r)
    }

    fn set_status(&self, w: &mut Write, r: &mut Record, status: Status) -> Result<()> {
        if r.status != status {
            let c: &mut Counters = w.counters();
            c.add(format!("status/{}", r.status.as_str()), -1);
            c.add(format!("status/{}", status.as_str()), 1);
            r.status = status;
            r.status_at = now_ms();
        }
        w.put_record(r)
    }

    /// Delete a message for good.
    pub fn delete(&self, id: u64) -> Result<()> {
        let _state = self.lock();
        let r = match self.store.record(id) {
            Ok(r) => r.ok_or(Error::NoSuchRecord(id))?,
            // A record that cannot be decoded can still be deleted.
            Err(e @ Error::Corrupt(_)) => {
                if self.store.remove_unreadable(id)? {
                    self.store.flush()?;
                    log::warn!("delete: record {id} could not be decoded; deleted as it was");
                    return Ok(());
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let mut w = Write::new();
        self.remove_into(&mut w, &r)?;
        self.store.apply(w)?;
        self.store.flush()?;
        log::debug!("delete: record {id} deleted");
        Ok(())
    }

    fn remove_into(&self, w: &mut Write, r: &Record) -> Result<()> {
        w.remove_record(r);
        let given = r.received_at_given.then_some(r.received_at);
        let hash = dedup_hash(&r.sender, &r.body, given);
        let mut ids = self.store.dedup(&hash)?;
        ids.retain(|&i| i != r.id);
        w.put_dedup(&hash, &ids)?;
        let day = self.day(r.received_at);
        w.counters().record(r, &day, -1);
        Ok(())
    }

    /// Delete messages received more than `days` days ago (default
    /// [`DEFAULT_RETENTION_DAYS`]). Returns how many were deleted.
    pub fn purge(&self, days: Option<u32>) -> Result<usize> {
        let days = days.unwrap_or(DEFAULT_RETENTION_DAYS);
        let cutoff = now_ms() - i64::from(days) * 86_400_000;
        let _state = self.lock();
        // Oldest first, one record at a time: memory stays flat however much is purged. Each
        // removal is applied before the next so that shared dedup lists stay exact.
        let mut n = 0;
        let mut unreadable = Vec::new();
        for item in self.store.records_oldest_first() {
            let (key, r) = item?;
            let Ok(r) = r else {
                // Undecodable: its key still tells when it was received.
                if key_time(&key).is_some_and(|t| t < cutoff) {
                    unreadable.push(key);
                    continue;
                }
                break;
            };
            if r.received_at >= cutoff {
                break;
            }
            let mut w = Write::new();
            self.remove_into(&mut w, &r)?;
            self.store.apply(w)?;
            n += 1;
        }
        for key in &unreadable {
            self.store.remove_unreadable_at(key)?;
            n += 1;
        }
        if !unreadable.is_empty() {
            log::warn!(
                "purge: {} records that could not be decoded deleted",
                unreadable.len()
            );
        }
        if n > 0 {
            self.store.flush()?;
        }
        log::debug!("purge: {n} records older than {days} days deleted");
        Ok(n)
    }

    /// Statistics of the quarantine.
    pub fn stats(&self) -> Result<Stats> {
        let map = |g: &str| -> Result<BTreeMap<String, u64>> {
            Ok(self.store.counters(g)?.into_iter().collect())
        };
        let by_status = map("status")?;
        Ok(Stats {
            total: by_status.values().sum(),
            by_status,
            by_kind: map("kind")?,
            by_service: map("svc")?,
            by_day: map("day")?,
        })
    }

    /// Bytes the database occupies on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        self.store.size_on_disk()
    }

    fn day(&self, ms: i64) -> String {
        timestamp::day(ms, self.opts.utc_offset_minutes)
    }

    // ----- the user's registry -----

    /// The effective registry (default plus the user's changes) in the file format.
    pub fn registry_file(&self) -> RegistryFile {
        self.lock().overlay.effective()
    }

    /// One service of the effective registry.
    pub fn service(&self, id: &str) -> Result<ServiceSpec> {
        self.registry_file()
            .services
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::NoSuchService(id.to_string()))
    }

    /// Add a new service.
    pub fn add_service(&self, spec: ServiceSpec) -> Result<()> {
        let spec = spec.checked()?;
        self.change(|o, effective| {
            if effective.services.iter().any(|s| s.id == spec.id) {
                return Err(Error::ServiceExists(spec.id.clone()));
            }
            o.removed.retain(|r| *r != spec.id);
            o.services.retain(|s| s.id != spec.id);
            o.services.push(spec.clone());
            Ok(())
        })
    }

    /// Replace the user's entry of a service (for a built-in service, what extends it).
    pub fn update_service(&self, spec: ServiceSpec) -> Result<()> {
        let spec = spec.checked()?;
        self.change(|o, effective| {
            if !effective.services.iter().any(|s| s.id == spec.id) {
                return Err(Error::NoSuchService(spec.id.clone()));
            }
            o.services.retain(|s| s.id != spec.id);
            o.services.push(spec.clone());
            Ok(())
        })
    }

    /// Remove a service (a built-in one is hidden until the registry is reset).
    pub fn remove_service(&self, id: &str) -> Result<()> {
        self.change(|o, effective| {
            if !effective.services.iter().any(|s| s.id == id) {
                return Err(Error::NoSuchService(id.to_string()));
            }
            o.services.retain(|s| s.id != id);
            if RegistryFile::default_registry()
                .services
                .iter()
                .any(|s| s.id == id)
                && !o.removed.iter().any(|r| r == id)
            {
                o.removed.push(id.to_string());
            }
            Ok(())
        })
    }

    /// Register a sender for a service.
    pub fn add_sender(&self, id: &str, sender: &str) -> Result<()> {
        self.change(|o, effective| {
            if !effective.services.iter().any(|s| s.id == id) {
                return Err(Error::NoSuchService(id.to_string()));
            }
            add_sender_to(o, id, sender)
        })
    }

    /// Block a sender: its messages are quarantined with kind `blocked`. A sender blocked
    /// already, however it was written, is [`Error::AlreadyBlocked`].
    pub fn block_sender(&self, sender: &str) -> Result<()> {
        self.change(|o, _| {
            crate::registry::add_blocked(&mut o.blocked, sender, &self.opts.region, true)
        })
    }

    /// Unblock a sender (however it was written when blocked).
    pub fn unblock_sender(&self, sender: &str) -> Result<bool> {
        let key = crate::signals::sender::parse(sender, &self.opts.region).key;
        let mut found = false;
        self.change(|o, _| {
            let before = o.blocked.len();
            o.blocked
                .retain(|b| crate::signals::sender::parse(b, &self.opts.region).key != key);
            found = o.blocked.len() != before;
            Ok(())
        })?;
        Ok(found)
    }

    /// Blocked senders as written.
    pub fn blocked_senders(&self) -> Vec<String> {
        self.lock().overlay.blocked.clone()
    }

    /// Import a registry file (the `check` schema). `replace` drops the user's earlier changes
    /// first; otherwise the file is merged over them. Returns the number of services read.
    pub fn import_registry(&self, json: &str, replace: bool) -> Result<usize> {
        let file = RegistryFile::from_json_in(json, &self.opts.region)?;
        let n = file.services.len();
        self.change(|o, _| import_into(o, file, replace, &self.opts.region))?;
        Ok(n)
    }

    /// What [`Gateway::import_registry`] would change, changing nothing: the effective
    /// registry now against the one the import would make, read, checked and merged exactly as
    /// the import does it (a bad file is the import's error). Empty when the file changes
    /// nothing. A screen shows it and asks before a file changes a built-in service or the
    /// blocked list: a "bank list" could make an attacker's domain official.
    pub fn preview_import(&self, json: &str, replace: bool) -> Result<RegistryDiff> {
        let file = RegistryFile::from_json_in(json, &self.opts.region)?;
        let state = self.lock();
        let (after, _) = self.changed(&state.overlay, |o, _| {
            import_into(o, file, replace, &self.opts.region)
        })?;
        let diff = RegistryDiff::between(
            &state.overlay.effective(),
            &after.effective(),
            &self.opts.region,
        );
        log::debug!(
            "registry import previewed ({} services differ)",
            diff.services.len()
        );
        Ok(diff)
    }

    /// The effective registry as JSON (the `check` schema).
    pub fn export_registry(&self) -> String {
        self.registry_file().to_json()
    }

    /// Drop every change the user made to the registry (blocked senders included).
    pub fn reset_registry(&self) -> Result<()> {
        self.change(|o, _| {
            *o = Overlay::default();
            Ok(())
        })
    }

    /// Apply a change to the overlay: validated by compiling it, then written and flushed,
    /// then installed. Nothing is written when the change or its result is invalid.
    fn change(&self, f: impl FnOnce(&mut Overlay, &RegistryFile) -> Result<()>) -> Result<()> {
        let mut state = self.lock();
        let (o, compiled) = self.changed(&state.overlay, f)?;
        let mut w = Write::new();
        w.put_overlay(record::encode(&o)?);
        self.store.apply(w)?;
        self.store.flush()?;
        *self.registry.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(compiled);
        state.overlay = o;
        log::debug!("registry changed");
        Ok(())
    }

    /// A change applied to a copy of `current` and validated by compiling the result: the new
    /// overlay with its compiled registry. Nothing is written or installed (a preview stops
    /// here).
    fn changed(
        &self,
        current: &Overlay,
        f: impl FnOnce(&mut Overlay, &RegistryFile) -> Result<()>,
    ) -> Result<(Overlay, Registry)> {
        let mut o = current.clone();
        f(&mut o, &current.effective())?;
        o.schema = 1;
        // Compiled before anything is written: a change that cannot compile is refused whole.
        let compiled = o.compile(&self.opts.region)?;
        Ok((o, compiled))
    }

    fn install(&self, state: &mut State, o: Overlay) -> Result<()> {
        let compiled = o.compile(&self.opts.region)?;
        *self.registry.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(compiled);
        state.overlay = o;
        Ok(())
    }
}

/// Import `file` into the overlay: merged over the user's changes, or with `replace` instead
/// of them. The one computation of an import's overlay, shared by
/// [`Gateway::import_registry`] and [`Gateway::preview_import`], so that a preview is what
/// the import does.
fn import_into(o: &mut Overlay, file: RegistryFile, replace: bool, region: &str) -> Result<()> {
    if replace {
        *o = Overlay::default();
    }
    // By id through a map (the file's services un-remove built-in ones): linear.
    let ids: std::collections::HashSet<&str> =
        file.services.iter().map(|s| s.id.as_str()).collect();
    o.removed.retain(|r| !ids.contains(r.as_str()));
    crate::registry::merge_services(&mut o.services, file.services);
    crate::registry::extend_blocked(&mut o.blocked, &file.blocked, region)
}

fn add_sender_to(o: &mut Overlay, id: &str, sender: &str) -> Result<()> {
    crate::registry::check_sender(sender).map_err(Error::Invalid)?;
    if !o.services.iter().any(|s| s.id == id) {
        let in_default = RegistryFile::default_registry()
            .services
            .iter()
            .any(|s| s.id == id);
        if !in_default {
            return Err(Error::NoSuchService(id.to_string()));
        }
        o.services.push(ServiceSpec {
            id: id.to_string(),
            name: String::new(),
            aliases: Vec::new(),
            senders: Vec::new(),
            domains: Vec::new(),
            links: None,
            category: None,
            region: None,
            sources: Vec::new(),
            note: None,
        });
    }
    let spec = o
        .services
        .iter_mut()
        .find(|s| s.id == id)
        .expect("just ensured");
    if !spec.senders.iter().any(|s| s == sender) {
        spec.senders.push(sender.to_string());
    }
    Ok(())
}

fn same_message(r: &Record, sms: &Sms) -> bool {
    r.sender == sms.sender
        && r.body == sms.body
        && match sms.received_at {
            Some(t) => r.received_at_given && r.received_at == t,
            None => !r.received_at_given,
        }
}

fn new_record(id: u64, sms: &Sms, v: &Verdict, now: i64) -> Record {
    Record {
        schema: record::RECORD_SCHEMA,
        id,
        sender: sms.sender.clone(),
        body: sms.body.clone(),
        received_at: sms.received_at.unwrap_or(now),
        received_at_given: sms.received_at.is_some(),
        ingested_at: now,
        status: Status::Quarantined,
        status_at: now,
        kind: v.kind,
        service: v.service.clone(),
        otp: v.otp.clone(),
        hosts: v
            .links
            .iter()
            .map(|l| l.link.effective().host.clone())
            .collect(),
        links: v
            .links
            .iter()
            .map(|l| {
                let judged = l.link.effective();
                StoredLink {
                    url: l.link.text.clone(),
                    host: judged.host.clone(),
                    domain: judged.domain.clone(),
                    official_for: l.official_for.clone(),
                }
            })
            .collect(),
        reasons: v
            .reasons
            .iter()
            .map(|r| StoredReason {
                code: r.code,
                en: r.en(),
                ja: r.ja(),
                service: r.service.clone(),
                host: r.host.clone(),
                imitates: r.imitates.clone(),
            })
            .collect(),
    }
}

// The gateway is shared between threads (the app's receiver and its UI).
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Gateway>();
};

/// Why a held record was judged an attack: the code of its most telling reason, or `None`
/// for a kind that accuses nobody (none is held today; a future kind held for review only
/// would not need force).
fn attack_reason(r: &Record) -> Option<String> {
    let attack = !matches!(
        r.kind,
        Kind::Trusted | Kind::Otp | Kind::Clean | Kind::OffPolicy | Kind::UnverifiedClaim
    );
    if !attack {
        return None;
    }
    use crate::verdict::ReasonCode as C;
    const TELLING: &[C] = &[
        C::SpoofedSender,
        C::OriginMismatch,
        C::LookalikeDomain,
        C::LinkOutsideService,
        C::BlockedSender,
        C::RiskyLink,
        C::AsksForSecrets,
    ];
    let main = TELLING
        .iter()
        .find_map(|c| r.reasons.iter().find(|x| x.code == *c))
        .or(r.reasons.first());
    Some(
        main.map_or(r.kind.as_str(), |x| x.code.as_str())
            .to_string(),
    )
}

/// The received time in a record key suffix (see [`store::record_suffix`]).
fn key_time(suffix: &[u8]) -> Option<i64> {
    let b: [u8; 8] = suffix.get(..8)?.try_into().ok()?;
    Some((u64::from_be_bytes(b) ^ (1 << 63)) as i64)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn encode_cursor(key: &[u8]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(c: &str) -> Result<Vec<u8>> {
    // The cursor is not repeated: it came from the caller, and errors can reach logs.
    let bad = || Error::Invalid("not a cursor returned by list".to_string());
    if c.len() != 32 || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    (0..16)
        .map(|i| u8::from_str_radix(&c[2 * i..2 * i + 2], 16).map_err(|_| bad()))
        .collect()
}

impl ServiceSpec {
    /// Validate a service written by hand (the same rules as a registry file).
    pub fn checked(self) -> Result<ServiceSpec> {
        let id = self.id.clone();
        self.validated_for(&format!("service {id:?}"))
    }
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

    use crate::registry::diff::{Change, ServiceDiff};
    use crate::registry::LinkPolicy;

    /// A service of a preview with nothing in it but its id, name, flag and kind of change.
    fn bare(id: &str, name: &str, builtin: bool, change: Change) -> ServiceDiff {
        ServiceDiff {
            id: id.into(),
            name: name.into(),
            builtin,
            change,
            domains_added: Vec::new(),
            domains_removed: Vec::new(),
            senders_added: Vec::new(),
            senders_removed: Vec::new(),
            aliases_added: Vec::new(),
            aliases_removed: Vec::new(),
            links_before: None,
            links_after: None,
            name_before: None,
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// Preview, then import: the preview was exactly what the import changed, and the
    /// preview itself changed nothing.
    fn preview_then_import(g: &Gateway, json: &str, replace: bool) -> RegistryDiff {
        let before = g.registry_file();
        let exported = g.export_registry();
        let preview = g.preview_import(json, replace).unwrap();
        assert_eq!(g.registry_file(), before, "a preview changes nothing");
        assert_eq!(g.export_registry(), exported);
        g.import_registry(json, replace).unwrap();
        assert_eq!(
            RegistryDiff::between(&before, &g.registry_file(), &g.opts.region),
            preview,
            "the import changed what the preview said"
        );
        preview
    }

    const CITY_WATER: &str = r#"{"version":1,"services":[{"id":"city-water","name":"水道局","aliases":["水道局","Suido"],"senders":["SUIDO","0312345678"],"domains":["suido.example.jp","b.suido-pay.jp"]}]}"#;

    #[test]
    fn a_preview_of_a_new_service_lists_all_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        let p = preview_then_import(&g, CITY_WATER, false);
        let mut want = bare("city-water", "水道局", false, Change::Added);
        want.domains_added = strings(&["b.suido-pay.jp", "suido.example.jp"]);
        want.senders_added = strings(&["0312345678", "SUIDO"]);
        want.aliases_added = strings(&["Suido", "水道局"]);
        want.links_after = Some(LinkPolicy::Official);
        assert_eq!(p.services, [want]);
        assert!(p.blocked_added.is_empty() && p.blocked_removed.is_empty());
        // Imported again, it changes nothing: the preview is empty.
        assert!(g.preview_import(CITY_WATER, false).unwrap().is_empty());
    }

    /// An attacker's "bank list" that makes its domain and number official for a built-in
    /// brokerage: the preview names the built-in service and exactly what it gains.
    #[test]
    fn a_preview_shows_an_attacker_domain_added_to_a_builtin_service() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        let sbi = g.service("sbi-sec").unwrap();
        let json = r#"{"version":1,"services":[{"id":"sbi-sec","senders":["+81 80-4417-2093"],"domains":["sbisec-co-jp.xyz","sbisec.co.jp"],"aliases":["SBI証券"]}]}"#;
        let p = preview_then_import(&g, json, false);
        let mut want = bare("sbi-sec", &sbi.name, true, Change::Changed);
        want.domains_added = strings(&["sbisec-co-jp.xyz"]);
        want.senders_added = strings(&["+81 80-4417-2093"]);
        assert!(sbi.aliases.iter().any(|a| a == "SBI証券"), "listed already");
        assert_eq!(p.services, [want]);
        assert!(p.blocked_added.is_empty());
    }

    #[test]
    fn a_preview_shows_a_builtin_link_policy_changed_from_never_to_official() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        let sbi = g.service("sbi-sec").unwrap();
        assert_eq!(sbi.links, Some(LinkPolicy::Never));
        let json = r#"{"version":1,"services":[{"id":"sbi-sec","name":"SBI Securities","links":"official"}]}"#;
        let p = preview_then_import(&g, json, false);
        let mut want = bare("sbi-sec", "SBI Securities", true, Change::Changed);
        want.links_before = Some(LinkPolicy::Never);
        want.links_after = Some(LinkPolicy::Official);
        want.name_before = Some(sbi.name.clone());
        assert_eq!(p.services, [want]);
        // Written again as it is now: no change.
        assert!(g.preview_import(json, false).unwrap().is_empty());
    }

    #[test]
    fn a_preview_shows_blocked_senders_added_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        g.block_sender("+81 90-1234-5678").unwrap();
        let json = r#"{"version":1,"blocked":["090-1234-5678","SPAM","+1 555 123 4567"]}"#;
        let p = preview_then_import(&g, json, false);
        assert!(p.services.is_empty());
        assert_eq!(p.blocked_added, ["+1 555 123 4567", "SPAM"]);
        assert!(p.blocked_removed.is_empty());
    }

    /// `replace` drops the user's earlier changes: the preview shows each as undone (a
    /// removed built-in service comes back as added).
    #[test]
    fn a_replacing_preview_shows_earlier_changes_undone() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        g.add_service(ServiceSpec {
            id: "my-gym".into(),
            name: "My Gym".into(),
            aliases: Vec::new(),
            senders: vec!["MYGYM".into()],
            domains: vec!["gym.example.com".into()],
            links: Some(LinkPolicy::Never),
            category: None,
            region: None,
            sources: Vec::new(),
            note: None,
        })
        .unwrap();
        g.add_sender("monex", "MONEX").unwrap();
        g.remove_service("paypal").unwrap();
        g.block_sender("SPAM").unwrap();
        let paypal = RegistryFile::default_registry()
            .services
            .iter()
            .find(|s| s.id == "paypal")
            .unwrap()
            .clone();
        let p = preview_then_import(&g, CITY_WATER, true);
        let ids: Vec<(&str, Change, bool)> = p
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.change, s.builtin))
            .collect();
        assert_eq!(
            ids,
            [
                ("city-water", Change::Added, false),
                ("monex", Change::Changed, true),
                ("my-gym", Change::Removed, false),
                ("paypal", Change::Added, true),
            ]
        );
        assert_eq!(p.services[1].senders_removed, ["MONEX"]);
        let gym = &p.services[2];
        assert_eq!(
            (gym.name.as_str(), gym.senders_removed.as_slice()),
            ("My Gym", &strings(&["MYGYM"])[..])
        );
        assert_eq!(
            (gym.links_before, gym.links_after),
            (Some(LinkPolicy::Never), None)
        );
        let mut domains = paypal.domains.clone();
        domains.sort_unstable();
        assert_eq!(p.services[3].domains_added, domains);
        assert_eq!(p.blocked_removed, ["SPAM"]);
        assert!(p.blocked_added.is_empty());
    }

    #[test]
    fn a_bad_file_is_the_imports_error_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        g.block_sender("SPAM").unwrap();
        let before = g.export_registry();
        for bad in [
            "{ not json",
            "",
            r#"{"services":[]}"#,
            r#"{"version":2}"#,
            r#"{"version":1,"services":[{"id":"x","name":"X","domains":["*.bad..com"]}]}"#,
            r#"{"version":1,"services":[{"id":"x","links":"sometimes"}]}"#,
            r#"{"version":1,"services":[{"id":"x"},{"id":"x"}]}"#,
            r#"{"version":1,"blocked":["+1 (555) 123-4567","+15551234567"]}"#,
            r#"{"version":1,"blocked":["  "]}"#,
        ] {
            let preview = g.preview_import(bad, false).unwrap_err().to_string();
            let import = g.import_registry(bad, true).unwrap_err().to_string();
            assert_eq!(preview, import, "{bad}");
        }
        assert_eq!(g.export_registry(), before);
    }

    /// Nothing of a preview reaches the disk: the database opens again with the registry as
    /// it was.
    #[test]
    fn a_preview_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let exported = {
            let g = Gateway::open(dir.path()).unwrap();
            g.add_sender("monex", "MONEX").unwrap();
            let exported = g.export_registry();
            for replace in [false, true] {
                assert!(!g.preview_import(CITY_WATER, replace).unwrap().is_empty());
            }
            assert_eq!(g.export_registry(), exported);
            exported
        };
        let g = Gateway::open(dir.path()).unwrap();
        assert_eq!(g.export_registry(), exported);
        assert!(g.service("city-water").is_err());
    }

    #[test]
    fn a_file_that_changes_nothing_previews_empty() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        g.add_sender("monex", "MONEX").unwrap();
        g.block_sender("SPAM").unwrap();
        let exported = g.export_registry();
        assert_eq!(
            g.preview_import(&exported, false).unwrap(),
            RegistryDiff::default()
        );
        assert_eq!(
            g.preview_import(r#"{"version":1}"#, false).unwrap(),
            RegistryDiff::default()
        );
        // The export holds the whole effective registry: replacing with it changes nothing.
        assert!(preview_then_import(&g, &exported, true).is_empty());
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
