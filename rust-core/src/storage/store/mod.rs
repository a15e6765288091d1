//! The sled database behind the gateway: the only module that touches sled.
//!
//! Everything lives in one tree under short key prefixes, so that one `sled::Batch` writes a
//! record, its indices and the statistics atomically:
//!
//! | prefix | key | value |
//! |---|---|---|
//! | `m/` | `m/format` | database format version (u32, big-endian) |
//! | `m/` | `m/gen` | generation: how many writes were applied (u64, big-endian) |
//! | `m/` | `m/idbase` | added to sled's id generator (a salvaged database keeps its ids) |
//! | `r/` | received time (sign-flipped i64, BE) + id (u64, BE) | a [`Record`] |
//! | `i/` | id (u64, BE) | the record's `r/` key suffix |
//! | `n/` | the record's `r/` key suffix, every bit inverted | empty: newest first is a forward scan |
//! | `d/` | 128-bit hash of (sender, body, received_at) | ids with that hash |
//! | `c/` | `c/kind/…`, `c/svc/…`, `c/day/…`, `c/status/…`, `c/ingested/…` | u64 counters |
//! | `g/` | `g/overlay` | the user's registry overlay |
//!
//! Values are MessagePack with named fields (`rmp-serde`): compact, a frozen format, and
//! self-describing, so a newer build reads older records (new fields carry serde defaults) and
//! the schema number on each record says which shape it was written in. A database whose format
//! number is newer than this build's is refused, never misread.
//!
//! sled 0.34 recovers a damaged log by keeping what it can read and opening as if that were
//! all: a truncated `db` file opens as an empty database, a garbled tail drops the newest
//! writes, and nothing says so. The store makes up for it with a ledger beside sled's files
//! (`smishgate.ledger`, plain text) holding the generation of the last write that was flushed.
//! It is written after sled's flush returns, so it is never ahead of what is on disk; on open,
//! a database whose generation is behind its ledger, or that lost its format marker, is
//! reported damaged instead of opening as new. Leftovers of a snapshot that failed to be
//! written (`snap.*.generating`, left behind by a full disk) are removed before sled sees
//! them, and a snapshot sled cannot read is moved aside (sled rebuilds from its log).
//!
//! Every record and registry change is also appended to the [`journal`](crate::storage::journal), a
//! second copy simple enough to read past damage: [`read_damaged`] and the journal are what
//! salvage works from when the engine's own files are beyond repair.

use crate::error::{Error, Result};
use crate::storage::journal::{self, Entry, Journal};
use std::path::Path;

/// Format version of the database as a whole. 2 added the `n/` index; a version 1 database
/// gets it when it is first opened.
pub const FORMAT_VERSION: u32 = 2;

const TREE: &str = "smishgate";

use crate::error::{io_error, is_full, is_read_only};
use crate::storage::record::{decode, encode, Record};

/// Counter updates of one write.
#[derive(Debug, Default)]
pub(crate) struct Counters(Vec<(String, i64)>);

impl Counters {
    pub fn add(&mut self, key: impl Into<String>, delta: i64) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, d)) => *d += delta,
            None => self.0.push((key, delta)),
        }
    }

    /// The counters a stored record contributes (added on insert, removed on delete).
    pub fn record(&mut self, r: &Record, day: &str, sign: i64) {
        self.add(format!("kind/{}", r.kind.as_str()), sign);
        self.add(format!("svc/{}", r.service.as_deref().unwrap_or("-")), sign);
        self.add(format!("day/{day}"), sign);
        self.add(format!("status/{}", r.status.as_str()), sign);
    }
}

/// One atomic write: records, indices, counters, overlay.
#[derive(Default)]
pub(crate) struct Write {
    batch: sled::Batch,
    counters: Counters,
    /// The same changes for the journal.
    entries: Vec<Entry>,
    empty: bool,
}

impl Write {
    pub fn new() -> Write {
        Write {
            batch: sled::Batch::default(),
            counters: Counters::default(),
            entries: Vec::new(),
            empty: true,
        }
    }

    pub fn put_record(&mut self, r: &Record) -> Result<()> {
        let suffix = record_suffix(r.received_at, r.id);
        let bytes = encode(r)?;
        self.batch.insert(prefixed(b"r/", &suffix), bytes.clone());
        self.entries.push(Entry::Put(bytes));
        self.batch
            .insert(prefixed(b"i/", &r.id.to_be_bytes()), suffix.to_vec());
        self.batch.insert(newest_key(&suffix), &[][..]);
        self.empty = false;
        Ok(())
    }

    pub fn remove_record(&mut self, r: &Record) {
        let suffix = record_suffix(r.received_at, r.id);
        self.batch.remove(prefixed(b"r/", &suffix));
        self.batch.remove(prefixed(b"i/", &r.id.to_be_bytes()));
        self.batch.remove(newest_key(&suffix));
        self.entries.push(Entry::Remove(r.id));
        self.empty = false;
    }

    /// Remove a record known only by its id and key (its value cannot be decoded).
    fn remove_raw(&mut self, id: u64, suffix: &[u8]) {
        self.batch.remove(prefixed(b"r/", suffix));
        self.batch.remove(prefixed(b"i/", &id.to_be_bytes()));
        self.batch.remove(newest_key(suffix));
        self.entries.push(Entry::Remove(id));
        self.empty = false;
    }

    pub fn put_dedup(&mut self, hash: &[u8; 16], ids: &[u64]) -> Result<()> {
        let key = prefixed(b"d/", hash);
        if ids.is_empty() {
            self.batch.remove(key);
        } else {
            self.batch.insert(key, encode(&ids)?);
        }
        self.empty = false;
        Ok(())
    }

    pub fn put_overlay(&mut self, bytes: Vec<u8>) {
        self.entries.push(Entry::Overlay(bytes.clone()));
        self.batch.insert(b"g/overlay".to_vec(), bytes);
        self.empty = false;
    }

    pub fn counters(&mut self) -> &mut Counters {
        self.empty = false;
        &mut self.counters
    }
}

/// The database. Raw sled handles stay inside this type.
pub(crate) struct Store {
    db: sled::Db,
    tree: sled::Tree,
    /// Generation of the last applied write (see the module docs).
    generation: std::sync::atomic::AtomicU64,
    ledger: std::path::PathBuf,
    journal: Journal,
    /// Added to sled's id generator (`m/idbase`).
    id_base: std::sync::atomic::AtomicU64,
}

/// The ledger's file name inside the database directory.
pub const LEDGER: &str = "smishgate.ledger";

/// A file of zeros kept beside the database while there is space, deleted when a full disk
/// keeps sled from opening (see [`Store::open`]), and written again once there is room.
pub const RESERVE: &str = "smishgate.reserve";

/// Size of [`RESERVE`]: what sled 0.34 writes when it opens (the rest of a 512 KiB log
/// segment, a snapshot) with room to spare.
const RESERVE_BYTES: usize = 2 << 20;

/// Files a database directory holds (sled's, the ledger, the reserve).
fn is_database_file(name: &str) -> bool {
    is_engine_file(name)
        || matches!(name, RESERVE | journal::JOURNAL)
        || name.starts_with("smishgate.journal.")
}

/// The files the engine reads when it opens a database, with the ledger that vouches for them
/// (what salvage copies to read past damage).
pub(crate) fn is_engine_file(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs" | LEDGER) || name.starts_with("snap.")
}

/// Delete the reserve; true if there was one.
fn release_reserve(path: &Path) -> bool {
    std::fs::remove_file(path.join(RESERVE)).is_ok()
}

/// Write the reserve if it is missing (real zeros, not a sparse file: only written blocks
/// hold space). Best effort: without room it is simply not there yet.
fn ensure_reserve(path: &Path) {
    let file = path.join(RESERVE);
    if std::fs::metadata(&file).is_ok_and(|m| m.len() as usize >= RESERVE_BYTES) {
        return;
    }
    let tmp = path.join("smishgate.reserve.tmp");
    let written = std::fs::write(&tmp, vec![0u8; RESERVE_BYTES])
        .and_then(|_| std::fs::File::open(&tmp).and_then(|f| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, &file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        log::info!("store: no room for the reserve yet");
    }
}

impl Store {
    /// Open or create the database at `path`.
    pub fn open(path: &Path, cache_bytes: u64) -> Result<Store> {
        // An empty path would be the working directory to sled (files written into whatever
        // folder the process runs in), while the folder check below would not see it.
        if path.as_os_str().is_empty() {
            return Err(Error::Invalid("the database path is empty".into()));
        }
        let ledger_path = path.join(LEDGER);
        let (ledger, ledger_key) = read_ledger(&ledger_path);
        prepare_dir(path)?;
        let db = open_engine(path, cache_bytes)?;
        let tree = db.open_tree(TREE).map_err(|e| open_error(path, e))?;
        let generation = u64_marker(&tree, b"m/gen", path, "generation")?;
        let id_base = u64_marker(&tree, b"m/idbase", path, "id")?;
        if check_format(&tree, path, ledger)? < 2 {
            add_newest_index(&tree)?;
        }
        if let Some(want) = ledger {
            if generation < want {
                return Err(Error::Corrupt(format!(
                    "{}: the newest writes are missing (the database is at write {generation}, its ledger says {want} were made)",
                    path.display()
                )));
            }
        }
        // Only once the database is known to be whole: the journal of a damaged one is what
        // salvage reads, and is left exactly as it is.
        // A database from before the journal, or whose journal header was damaged: the journal
        // starts as a copy of what the database holds.
        // When a record cannot be read it starts empty, and the first rewrite that can read
        // everything fills it.
        let (journal, _) = Journal::open(path, ledger_key, || {
            database_entries(&tree).unwrap_or_default()
        })?;
        let store = Store {
            db,
            tree,
            generation: std::sync::atomic::AtomicU64::new(generation),
            ledger: ledger_path,
            journal,
            id_base: std::sync::atomic::AtomicU64::new(id_base),
        };
        if ledger != Some(generation) || ledger_key != Some(store.journal.key()) {
            store.write_ledger();
        }
        ensure_reserve(path);
        Ok(store)
    }

    /// A value by key; a panic of the engine on damaged pages is "damaged", not a crash.
    fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<sled::IVec>> {
        engine(|| self.tree.get(key))?.map_err(store_err)
    }

    /// A fresh id, unique for the life of the database.
    pub fn next_id(&self) -> Result<u64> {
        // sled's generator is persisted; +1 keeps 0 free as "no id".
        let base = self.id_base.load(std::sync::atomic::Ordering::SeqCst);
        engine(|| self.db.generate_id())?
            .map(|i| i + 1 + base)
            .map_err(store_err)
    }

    /// Make every later id greater than `id` (a salvaged database keeps its records' ids).
    pub fn reserve_ids_up_to(&self, id: u64) -> Result<()> {
        use std::sync::atomic::Ordering;
        if self.next_id()? > id {
            return Ok(());
        }
        self.tree
            .insert(b"m/idbase", &id.to_be_bytes())
            .map_err(store_err)?;
        self.id_base.store(id, Ordering::SeqCst);
        self.flush()
    }

    /// Apply a write atomically (not yet durable: see [`Store::flush`]).
    pub fn apply(&self, mut w: Write) -> Result<()> {
        if w.empty {
            return Ok(());
        }
        for (k, delta) in std::mem::take(&mut w.counters.0) {
            if delta == 0 {
                continue;
            }
            let key = format!("c/{k}").into_bytes();
            let cur = self.counter_raw(&key)?;
            let next = (cur as i64 + delta).max(0) as u64;
            if next == 0 {
                w.batch.remove(key);
            } else {
                w.batch.insert(key, next.to_be_bytes().to_vec());
            }
        }
        use std::sync::atomic::Ordering;
        let g = self.generation.load(Ordering::SeqCst) + 1;
        w.batch.insert(b"m/gen".to_vec(), g.to_be_bytes().to_vec());
        // The journal first: a change the journal lacks could not be salvaged.
        let mut frames = Vec::new();
        for e in &w.entries {
            journal::frame(self.journal.key(), e, &mut frames);
        }
        self.journal.append(&frames)?;
        let applied = engine(|| self.tree.apply_batch(w.batch)).and_then(|r| r.map_err(store_err));
        if let Err(e) = applied {
            // Not applied, so not in the journal either.
            self.journal.take_back(frames.len());
            return Err(e);
        }
        self.generation.store(g, Ordering::SeqCst);
        Ok(())
    }

    /// Make every applied write durable, then record its generation in the ledger.
    pub fn flush(&self) -> Result<()> {
        engine(|| self.tree.flush())?.map_err(store_err)?;
        self.journal.sync()?;
        self.write_ledger();
        if self.journal.wants_rewrite() {
            self.rewrite_journal();
        }
        Ok(())
    }

    /// Rewrite the journal from the database. Best effort: when a record cannot be read the
    /// journal is kept as it is (it may hold the only good copy), and a failure is logged.
    fn rewrite_journal(&self) {
        let Some(entries) = database_entries(&self.tree) else {
            return;
        };
        let n = entries.len();
        match self.journal.rewrite(entries.into_iter()) {
            Ok(()) => log::debug!("store: journal rewritten ({n} entries)"),
            Err(e) => log::warn!("store: the journal could not be rewritten ({e})"),
        }
    }

    /// Write the ledger (temporary file, then rename: never half a ledger). A failure is
    /// logged, not returned: a ledger behind the database only weakens the damage check, and
    /// the write itself is already durable.
    fn write_ledger(&self) {
        let g = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        let key = format!("{:016x}", self.journal.key());
        let text = format!(
            "smishgate database\nformat {FORMAT_VERSION}\ngeneration {g}\ncheck {:016x}\njournal {key} {:016x}\n",
            ledger_check(g),
            fnv(key.as_bytes()),
        );
        let tmp = self.ledger.with_extension("ledger.tmp");
        let done = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, &self.ledger));
        if let Err(e) = done {
            let _ = std::fs::remove_file(&tmp);
            log::warn!("store: the ledger could not be written ({})", e.kind());
        }
    }

    fn counter_raw(&self, key: &[u8]) -> Result<u64> {
        Ok(self
            .tree
            .get(key)
            .map_err(store_err)?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0))
    }

    /// Counters under `c/<group>/`: (name, value).
    pub fn counters(&self, group: &str) -> Result<Vec<(String, u64)>> {
        let prefix = format!("c/{group}/");
        let mut out = Vec::new();
        for kv in Guarded(self.tree.scan_prefix(prefix.as_bytes())) {
            let (k, v) = kv?;
            let name = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
            let n = <[u8; 8]>::try_from(v.as_ref())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            out.push((name, n));
        }
        Ok(out)
    }

    /// A record by id.
    pub fn record(&self, id: u64) -> Result<Option<Record>> {
        let Some(suffix) = self
            .tree
            .get(prefixed(b"i/", &id.to_be_bytes()))
            .map_err(store_err)?
        else {
            return Ok(None);
        };
        match self.get(prefixed(b"r/", &suffix))? {
            Some(v) => decode::<Record>(&v).map(Some),
            None => Err(Error::Corrupt(format!(
                "record {id} is indexed but missing"
            ))),
        }
    }

    /// Ids stored under a dedup hash.
    pub fn dedup(&self, hash: &[u8; 16]) -> Result<Vec<u64>> {
        match self.get(prefixed(b"d/", hash))? {
            Some(v) => decode(&v),
            None => Ok(Vec::new()),
        }
    }

    /// Records newest first, starting strictly after `cursor` (a record key suffix). An
    /// engine error ends the walk (the outer error); a record that cannot be decoded is
    /// given as the inner error, so that a reader can skip it and say so.
    pub fn records_newest_first(
        &self,
        after: Option<&[u8]>,
    ) -> impl Iterator<Item = Result<(Vec<u8>, Result<Record>)>> + '_ {
        use std::ops::Bound;
        let start = match after {
            Some(c) => Bound::Excluded(newest_key(c)),
            None => Bound::Included(b"n/".to_vec()),
        };
        let end = Bound::Excluded(b"n0".to_vec()); // '0' follows '/': the end of the n/ range
        Guarded(self.tree.range::<Vec<u8>, _>((start, end))).filter_map(move |kv| {
            let suffix: Vec<u8> = match kv {
                Ok((k, _)) => k[2..].iter().map(|b| !b).collect(),
                Err(e) => return Some(Err(e)),
            };
            match self.get(prefixed(b"r/", &suffix)) {
                Ok(Some(v)) => {
                    let r = decode::<Record>(&v);
                    Some(Ok((suffix, r)))
                }
                // Written in the same batch as its record, so never seen; skipped if it were.
                Ok(None) => {
                    log::warn!("store: an index entry has no record; skipped");
                    None
                }
                Err(e) => Some(Err(e)),
            }
        })
    }

    /// Records oldest first (for purging), as [`Store::records_newest_first`] gives them.
    pub fn records_oldest_first(
        &self,
    ) -> impl Iterator<Item = Result<(Vec<u8>, Result<Record>)>> + '_ {
        Guarded(self.tree.scan_prefix(b"r/")).map(|kv| {
            let (k, v) = kv?;
            Ok((k[2..].to_vec(), decode::<Record>(&v)))
        })
    }

    /// Delete a record whose value cannot be decoded, by its id; false if the record is not
    /// there or can be read (then it is deleted the normal way). Its counters cannot be
    /// taken back (what it counted is in the unreadable value).
    pub fn remove_unreadable(&self, id: u64) -> Result<bool> {
        let Some(suffix) = self.get(prefixed(b"i/", &id.to_be_bytes()))? else {
            return Ok(false);
        };
        match self.get(prefixed(b"r/", &suffix))? {
            Some(v) if decode::<Record>(&v).is_err() => {}
            _ => return Ok(false),
        }
        self.remove_unreadable_at(&suffix)?;
        Ok(true)
    }

    /// Delete the undecodable record at a key suffix (received time + id).
    pub fn remove_unreadable_at(&self, suffix: &[u8]) -> Result<()> {
        let id = suffix
            .get(8..16)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_be_bytes)
            .ok_or_else(|| Error::Corrupt("a record key is damaged".into()))?;
        let mut w = Write::new();
        w.remove_raw(id, suffix);
        self.apply(w)
    }

    /// Overwrite a record's stored value with bytes that do not decode (tests of damage).
    #[cfg(test)]
    pub(crate) fn garble_record(&self, id: u64) {
        let suffix = self
            .tree
            .get(prefixed(b"i/", &id.to_be_bytes()))
            .unwrap()
            .unwrap();
        self.tree
            .insert(prefixed(b"r/", &suffix), &b"\xc1 not a record"[..])
            .unwrap();
    }

    /// The stored registry overlay bytes.
    pub fn overlay(&self) -> Result<Option<Vec<u8>>> {
        Ok(self
            .tree
            .get(b"g/overlay")
            .map_err(store_err)?
            .map(|v| v.to_vec()))
    }

    /// Bytes the database occupies on disk (the engine's files and the journal).
    pub fn size_on_disk(&self) -> Result<u64> {
        let engine_bytes = engine(|| self.db.size_on_disk())?.map_err(store_err)?;
        Ok(engine_bytes + self.journal.len())
    }
}

/// A u64 marker (`m/gen`, `m/idbase`); 0 when absent, "damaged" when it is not 8 bytes.
fn u64_marker(tree: &sled::Tree, key: &[u8], path: &Path, what: &str) -> Result<u64> {
    match tree.get(key).map_err(store_err)? {
        Some(v) => <[u8; 8]>::try_from(v.as_ref())
            .map(u64::from_be_bytes)
            .map_err(|_| {
                Error::Corrupt(format!("{}: the {what} marker is damaged", path.display()))
            }),
        None => Ok(0),
    }
}

/// The database's format marker: a newer format is refused; a missing one is a new database
/// (marked now) unless the ledger or data say the database existed.
fn check_format(tree: &sled::Tree, path: &Path, ledger: Option<u64>) -> Result<u32> {
    let marker = engine(|| tree.get(b"m/format"))?.map_err(store_err)?;
    match marker {
        Some(v) => {
            let bytes: [u8; 4] = v.as_ref().try_into().map_err(|_| {
                Error::Corrupt(format!("{}: the format marker is damaged", path.display()))
            })?;
            let found = u32::from_be_bytes(bytes);
            if found > FORMAT_VERSION {
                return Err(Error::NewerFormat {
                    found,
                    supported: FORMAT_VERSION,
                });
            }
            if found == 0 {
                return Err(Error::Corrupt(format!(
                    "{}: the format marker is damaged",
                    path.display()
                )));
            }
            Ok(found)
        }
        None => {
            // A database that existed never opens as a new one.
            if ledger.is_some() {
                return Err(Error::Corrupt(format!(
                    "{}: the database files lost their contents (its ledger records earlier writes)",
                    path.display()
                )));
            }
            if tree.iter().next().is_some() {
                return Err(Error::Corrupt(format!(
                    "{}: data without a format marker: not a smishgate database",
                    path.display()
                )));
            }
            tree.insert(b"m/format", &FORMAT_VERSION.to_be_bytes())
                .map_err(store_err)?;
            engine(|| tree.flush())?.map_err(store_err)?;
            Ok(FORMAT_VERSION)
        }
    }
}

/// Every record and the registry overlay as journal entries; `None` (logged) when one cannot
/// be read.
fn database_entries(tree: &sled::Tree) -> Option<Vec<Entry>> {
    let mut entries = Vec::new();
    for kv in Guarded(tree.scan_prefix(b"r/")) {
        match kv {
            Ok((_, v)) if decode::<Record>(&v).is_ok() => entries.push(Entry::Put(v.to_vec())),
            _ => {
                log::warn!("store: a record cannot be read; the journal is kept as it is");
                return None;
            }
        }
    }
    match engine(|| tree.get(b"g/overlay")) {
        Ok(Ok(Some(o))) => entries.push(Entry::Overlay(o.to_vec())),
        Ok(Ok(None)) => {}
        _ => return None,
    }
    Some(entries)
}

/// The `n/` key of a record: its `r/` suffix with every bit inverted, so that a forward scan
/// meets the newest record first.
///
/// Why an index rather than `range(..).rev()`: sled's reverse iteration keeps a 1 MiB
/// constant (an all-`0xFF` upper key) that nothing else uses, and that constant was a sixth of
/// the phone library. Forward scans only, and it is gone.
fn newest_key(suffix: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + suffix.len());
    k.extend_from_slice(b"n/");
    k.extend(suffix.iter().map(|b| !b));
    k
}

/// Build the `n/` index of a version 1 database, and mark it version 2, in one batch: an
/// interrupted upgrade leaves version 1 and is done again at the next open.
fn add_newest_index(tree: &sled::Tree) -> Result<()> {
    let mut batch = sled::Batch::default();
    let mut n = 0u64;
    for kv in Guarded(tree.scan_prefix(b"r/")) {
        let (k, _) = kv?;
        batch.insert(newest_key(&k[2..]), &[][..]);
        n += 1;
    }
    batch.insert(&b"m/format"[..], &FORMAT_VERSION.to_be_bytes()[..]);
    engine(|| tree.apply_batch(batch))?.map_err(store_err)?;
    engine(|| tree.flush())?.map_err(store_err)?;
    log::info!("store: database upgraded to format {FORMAT_VERSION} ({n} records indexed)");
    Ok(())
}

/// What could be read of a database's own files, however damaged (see [`read_damaged`]).
#[derive(Debug, Default)]
pub(crate) struct DamagedRead {
    /// Why the engine could not open the files at all (nothing below was read then).
    pub unopenable: Option<String>,
    /// The records it gave.
    pub records: Vec<Record>,
    /// Records it gave that could not be decoded.
    pub undecodable: u64,
    /// It stopped on a damaged page before the end of the records.
    pub stopped: bool,
    /// A page of indices, counters or markers could not be read.
    pub other_damage: bool,
    /// The registry overlay, encoded.
    pub overlay: Option<Vec<u8>>,
}

/// Every record the engine still gives of the database at `path`, with no ledger or format
/// check: salvage takes what there is. Meant for a copy (opening lets sled repair files).
pub(crate) fn read_damaged(path: &Path, cache_bytes: u64) -> DamagedRead {
    let mut out = DamagedRead::default();
    let opened = prepare_dir(path)
        .and_then(|_| open_engine(path, cache_bytes))
        .and_then(|db| {
            engine(|| db.open_tree(TREE))?
                .map(|t| (db, t))
                .map_err(|e| open_error(path, e))
        });
    let (_db, tree) = match opened {
        Ok(x) => x,
        Err(e) => {
            out.unopenable = Some(e.to_string());
            return out;
        }
    };
    for kv in Guarded(tree.scan_prefix(b"r/")) {
        match kv {
            Ok((_, v)) => match decode::<Record>(&v) {
                Ok(r) => out.records.push(r),
                Err(_) => out.undecodable += 1,
            },
            Err(_) => {
                out.stopped = true;
                break;
            }
        }
    }
    // The rest of the tree (indices, counters, markers): read through to find damage there.
    out.other_damage = Guarded(tree.range(..b"r/".to_vec()))
        .chain(Guarded(tree.range(b"r0".to_vec()..)))
        .any(|kv| kv.is_err());
    out.overlay = engine(|| tree.get(b"g/overlay"))
        .ok()
        .and_then(|r| r.ok())
        .flatten()
        .map(|v| v.to_vec());
    out
}

/// Run one engine call, a panic in it reported as damage.
fn engine<T>(f: impl FnOnce() -> T) -> Result<T> {
    crate::storage::guard::quiet(f)
        .ok_or_else(|| Error::Corrupt("the storage engine hit a damaged page".into()))
}

/// An engine iterator whose every step is guarded: a damaged page ends it with an error
/// instead of a panic.
struct Guarded<I>(I);

impl<I: Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> Iterator for Guarded<I> {
    type Item = Result<(sled::IVec, sled::IVec)>;

    fn next(&mut self) -> Option<Self::Item> {
        match engine(|| self.0.next()) {
            Ok(item) => item.map(|kv| kv.map_err(store_err)),
            Err(e) => Some(Err(e)),
        }
    }
}

/// The generation a ledger file records and the journal's key; `None` for each when there
/// is none or it cannot be read (an unreadable ledger only weakens the damage check, it never
/// refuses a database).
fn read_ledger(path: &Path) -> (Option<u64>, Option<u64>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return (None, None);
    };
    if text.lines().next() != Some("smishgate database") {
        return (None, None);
    }
    // A damaged line (its check does not match) is not there: it must never accuse an intact
    // database, nor give a wrong key.
    let generation = (|| {
        let g: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("generation "))
            .and_then(|g| g.trim().parse().ok())?;
        let check = text.lines().find_map(|l| l.strip_prefix("check "))?;
        (u64::from_str_radix(check.trim(), 16).ok()? == ledger_check(g)).then_some(g)
    })();
    let key = (|| {
        let line = text.lines().find_map(|l| l.strip_prefix("journal "))?;
        let (key, check) = line.split_once(' ')?;
        (u64::from_str_radix(check.trim(), 16).ok()? == fnv(key.as_bytes()))
            .then(|| u64::from_str_radix(key, 16).ok())?
    })();
    (generation, key)
}

/// The journal key a database's ledger keeps, if it can be read.
pub(crate) fn ledger_journal_key(dir: &Path) -> Option<u64> {
    read_ledger(&dir.join(LEDGER)).1
}

/// FNV-1a of the generation's decimal form: enough to tell a damaged ledger.
fn ledger_check(g: u64) -> u64 {
    fnv(g.to_string().as_bytes())
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Before sled opens the directory: refuse a folder that holds other things than a database
/// (`--db ~/Documents` must not fill it with database files), and remove what a failed
/// snapshot left behind (`snap.*.generating`: sled 0.34 would take it for the newest snapshot
/// and call the intact database damaged).
fn prepare_dir(path: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::Invalid(format!(
                "{} is a file, not a database directory",
                path.display()
            )))
        }
        Err(e) => return Err(io_error(path, e)),
    };
    let mut foreign = None;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            log::warn!("store: removing the leftover of a failed snapshot");
            std::fs::remove_file(entry.path()).map_err(|e| io_error(path, e))?;
        } else if !is_database_file(&name) && name != SET_ASIDE && !name.ends_with(".tmp") {
            foreign.get_or_insert(name);
        }
    }
    if let Some(name) = foreign {
        return Err(Error::Invalid(format!(
            "{} is not a smishgate database: it holds other files (such as `{name}`); choose an empty or new directory",
            path.display()
        )));
    }
    Ok(())
}

/// Where unreadable snapshots and configuration are moved (inside the database directory).
const SET_ASIDE: &str = "damaged-snapshots";

/// What [`set_aside`] moves.
#[derive(Clone, Copy)]
enum SetAside {
    Snapshots,
    Conf,
}

impl SetAside {
    fn name(self) -> &'static str {
        match self {
            SetAside::Snapshots => "the snapshot",
            SetAside::Conf => "the configuration file",
        }
    }

    fn matches(self, file: &str) -> bool {
        match self {
            SetAside::Snapshots => file.starts_with("snap."),
            SetAside::Conf => file == "conf",
        }
    }
}

/// Move the files `what` names into [`SET_ASIDE`]; returns how many were moved.
fn set_aside(path: &Path, what: SetAside) -> Result<usize> {
    let Ok(entries) = std::fs::read_dir(path) else {
        return Ok(0);
    };
    let found: Vec<_> = entries
        .flatten()
        .filter(|e| what.matches(&e.file_name().to_string_lossy()))
        .collect();
    if found.is_empty() {
        return Ok(0);
    }
    let aside = path.join(SET_ASIDE);
    std::fs::create_dir_all(&aside).map_err(|e| io_error(path, e))?;
    for e in &found {
        std::fs::rename(e.path(), aside.join(e.file_name())).map_err(|e| io_error(path, e))?;
    }
    Ok(found.len())
}

/// Open sled's files at `path`, making up for what sled 0.34 cannot: a full disk (the reserve
/// is given up), a snapshot or `conf` it cannot read (moved aside, rebuilt from the log).
fn open_engine(path: &Path, cache_bytes: u64) -> Result<sled::Db> {
    match open_sled_waiting(path, cache_bytes) {
        Ok(db) => Ok(db),
        // sled writes on open (the log's tail, a snapshot): on a full disk, give it the
        // reserve kept for this moment, so that the database opens to be read and to have
        // messages deleted.
        Err(Error::Full) if release_reserve(path) => {
            log::warn!("store: the disk is full; opening on the reserved space");
            open_sled(path, cache_bytes)
        }
        Err(first @ (Error::InUse(_) | Error::Full | Error::ReadOnly(_))) => Err(first),
        Err(first) => {
            // A snapshot sled cannot read makes the whole database unopenable although the
            // log holds everything; so does a damaged `conf` (sled's record of the options
            // this build always uses). Move them aside (kept, not deleted) and retry: sled
            // rebuilds both from the log, and the ledger check after this still runs.
            let mut reopened = None;
            for what in [SetAside::Snapshots, SetAside::Conf] {
                if set_aside(path, what)? == 0 {
                    continue;
                }
                if let Ok(db) = open_sled(path, cache_bytes) {
                    log::warn!(
                        "store: {} could not be read; rebuilt from the log",
                        what.name()
                    );
                    reopened = Some(db);
                    break;
                }
            }
            match reopened {
                Some(db) => Ok(db),
                // Whatever sled said, files that cannot be opened are damaged.
                None => match first {
                    Error::Corrupt(_) => Err(first),
                    other => Err(Error::Corrupt(format!(
                        "{}: the storage engine cannot open its files ({other})",
                        path.display()
                    ))),
                },
            }
        }
    }
}

/// [`open_sled`], waiting a moment while the database is in use: a handle dropped a moment
/// ago (`.use {}` ending, a test reopening) may still be held by one of sled's I/O threads
/// finishing its write, and that is not another owner; nor is a failed open's handle, which
/// sled's threads release later still on a loaded machine (the fault trials saw one held past
/// 130 ms while two other test processes ran). Another owner still gets [`Error::InUse`], after
/// about a second.
fn open_sled_waiting(path: &Path, cache_bytes: u64) -> Result<sled::Db> {
    let mut wait = std::time::Duration::from_millis(2);
    loop {
        match open_sled(path, cache_bytes) {
            Err(Error::InUse(_)) if wait.as_millis() <= 512 => {
                std::thread::sleep(wait);
                wait *= 2;
            }
            other => return other,
        }
    }
}

fn open_sled(path: &Path, cache_bytes: u64) -> Result<sled::Db> {
    let config = sled::Config::new()
        .path(path)
        .cache_capacity(cache_bytes)
        .mode(sled::Mode::LowSpace)
        // The gateway flushes explicitly before reporting a write; no background thread.
        .flush_every_ms(None);
    // sled can panic on some corrupt files instead of returning an error: contain it.
    match crate::storage::guard::quiet(|| config.open()) {
        Some(Ok(db)) => Ok(db),
        Some(Err(e)) => Err(open_error(path, e)),
        None => Err(Error::Corrupt(format!(
            "{}: the database files are damaged (the storage engine could not read them)",
            path.display()
        ))),
    }
}

/// Record key suffix: received time first so that keys sort by time, id to break ties.
pub(crate) fn record_suffix(received_at: i64, id: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    // Flip the sign bit so that negative times sort before positive ones as unsigned bytes.
    k[..8].copy_from_slice(&((received_at as u64) ^ (1 << 63)).to_be_bytes());
    k[8..].copy_from_slice(&id.to_be_bytes());
    k
}

fn prefixed(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(prefix.len() + rest.len());
    v.extend_from_slice(prefix);
    v.extend_from_slice(rest);
    v
}

fn store_err(e: sled::Error) -> Error {
    match e {
        sled::Error::Corruption { .. } => Error::Corrupt(e.to_string()),
        sled::Error::Io(io) if is_full(&io) => Error::Full,
        sled::Error::Io(io) if is_read_only(&io) => {
            Error::ReadOnly("(it became read-only while open)".into())
        }
        other => Error::Engine {
            at: None,
            source: other,
        },
    }
}

fn open_error(path: &Path, e: sled::Error) -> Error {
    match &e {
        sled::Error::Io(io)
            if io.kind() == std::io::ErrorKind::WouldBlock || io.to_string().contains("lock") =>
        {
            Error::InUse(path.display().to_string())
        }
        sled::Error::Corruption { .. } => Error::Corrupt(format!("{}: {e}", path.display())),
        sled::Error::Io(io) if is_full(io) => Error::Full,
        sled::Error::Io(io) if is_read_only(io) => Error::ReadOnly(path.display().to_string()),
        _ => {
            let text = e.to_string();
            if text.contains("lock") || text.contains("Resource temporarily unavailable") {
                Error::InUse(path.display().to_string())
            } else {
                Error::Engine {
                    at: Some(path.display().to_string()),
                    source: e,
                }
            }
        }
    }
}

/// 128-bit FNV-1a over length-prefixed fields: the dedup key of (sender, body, received_at).
/// Not cryptographic: a hit is confirmed by comparing the stored record before it is trusted.
pub(crate) fn dedup_hash(sender: &str, body: &str, received_at: Option<i64>) -> [u8; 16] {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for &b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    };
    feed(sender.as_bytes());
    feed(body.as_bytes());
    match received_at {
        Some(t) => feed(&t.to_le_bytes()),
        None => feed(b"-"),
    }
    h.to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::record::{Status, RECORD_SCHEMA};

    #[test]
    fn record_keys_sort_by_time() {
        let a = record_suffix(-5, 9);
        let b = record_suffix(0, 1);
        let c = record_suffix(1_700_000_000_000, 0);
        let d = record_suffix(1_700_000_000_000, 1);
        assert!(a < b && b < c && c < d);
    }

    fn record(id: u64, received_at: i64) -> Record {
        Record {
            schema: RECORD_SCHEMA,
            id,
            sender: String::new(),
            body: String::new(),
            received_at,
            received_at_given: true,
            ingested_at: 0,
            status: Status::Quarantined,
            status_at: 0,
            kind: crate::Kind::Impersonation,
            service: None,
            otp: None,
            hosts: Vec::new(),
            links: Vec::new(),
            reasons: Vec::new(),
        }
    }

    /// What [`Store::records_newest_first`] gives, against sled's own reverse scan of the
    /// records (fine in a test: only the library must not link it).
    fn newest_first_agrees(s: &Store, after: Option<&[u8]>) {
        let end = after.map_or(b"r0".to_vec(), |c| prefixed(b"r/", c));
        let want: Vec<Vec<u8>> = s
            .tree
            .range(b"r/".to_vec()..end)
            .rev()
            .map(|kv| kv.unwrap().0[2..].to_vec())
            .collect();
        let got: Vec<Vec<u8>> = s
            .records_newest_first(after)
            .map(|kv| kv.unwrap().0)
            .collect();
        assert_eq!(got.len(), want.len(), "after {after:?}");
        assert!(got == want, "after {after:?}: order differs");
    }

    fn put(s: &Store, records: impl IntoIterator<Item = Record>) {
        let mut w = Write::new();
        for r in records {
            w.put_record(&r).unwrap();
        }
        s.apply(w).unwrap();
    }

    #[test]
    fn newest_first_gives_every_record_once_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path(), 1 << 22).unwrap();
        newest_first_agrees(&s, None);
        let mut id = 0u64;
        let mut times = Vec::new();
        // A burst in one millisecond, a busy minute, a sparse decade, both ends of time.
        times.extend(std::iter::repeat_n(1_700_000_000_000, 300));
        times.extend((0..600).map(|i| 1_700_000_000_000 + i * 20));
        times.extend((0..100).map(|i| 1_400_000_000_000 + i * 1_000_000_007));
        times.extend([i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX]);
        put(
            &s,
            times.iter().map(|&t| {
                id += 1;
                record(id, t)
            }),
        );
        newest_first_agrees(&s, None);
        let suffixes: Vec<_> = s
            .records_newest_first(None)
            .map(|kv| kv.unwrap().0)
            .collect();
        for c in suffixes.iter().step_by(37).chain(suffixes.last()) {
            newest_first_agrees(&s, Some(c));
        }
        newest_first_agrees(&s, Some(&[0u8; 16]));
        newest_first_agrees(&s, Some(&[0xFFu8; 16]));
        // Deleting keeps the index with the records.
        let mut w = Write::new();
        for r in (1..=id).step_by(3) {
            w.remove_record(&record(r, times[r as usize - 1]));
        }
        s.apply(w).unwrap();
        newest_first_agrees(&s, None);
        newest_first_agrees(&s, Some(&suffixes[400]));
    }

    #[test]
    fn a_version_1_database_gets_its_index_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path(), 1 << 22).unwrap();
            put(
                &s,
                (1..=500).map(|i| record(i, 1_700_000_000_000 - i as i64 * 977)),
            );
            // What a version 1 database is: the same, without `n/`.
            for kv in s.tree.scan_prefix(b"n/") {
                s.tree.remove(kv.unwrap().0).unwrap();
            }
            s.tree.insert(b"m/format", &1u32.to_be_bytes()).unwrap();
            s.flush().unwrap();
        }
        let s = Store::open(dir.path(), 1 << 22).unwrap();
        let format = s.tree.get(b"m/format").unwrap().unwrap();
        assert_eq!(format.as_ref(), &FORMAT_VERSION.to_be_bytes());
        assert_eq!(s.tree.scan_prefix(b"n/").count(), 500);
        newest_first_agrees(&s, None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]
        /// Any set of receive times, any cursor among them.
        #[test]
        fn newest_first_agrees_on_any_times(
            times in proptest::collection::vec(proptest::prelude::any::<i64>(), 0..200),
            pick in proptest::prelude::any::<proptest::sample::Index>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let s = Store::open(dir.path(), 1 << 20).unwrap();
            put(&s, times.iter().enumerate().map(|(i, &t)| record(i as u64 + 1, t)));
            newest_first_agrees(&s, None);
            if !times.is_empty() {
                let i = pick.index(times.len());
                newest_first_agrees(&s, Some(&record_suffix(times[i], i as u64 + 1)));
            }
        }
    }

    #[test]
    fn dedup_hash_separates_fields() {
        assert_ne!(dedup_hash("ab", "c", None), dedup_hash("a", "bc", None));
        assert_ne!(dedup_hash("a", "b", Some(1)), dedup_hash("a", "b", None));
        assert_eq!(dedup_hash("a", "b", Some(1)), dedup_hash("a", "b", Some(1)));
    }

    #[test]
    fn newer_format_is_refused_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path(), 1 << 20).unwrap();
            s.tree.insert(b"m/format", &99u32.to_be_bytes()).unwrap();
            s.flush().unwrap();
        }
        match Store::open(dir.path(), 1 << 20) {
            Err(Error::NewerFormat {
                found: 99,
                supported: FORMAT_VERSION,
            }) => {}
            other => panic!("{:?}", other.err()),
        }
    }
}
