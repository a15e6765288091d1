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
//!
//! The files: [`batch`] gathers one write, [`keys`] lays out the key bytes, [`open`] opens and
//! checks sled's files, [`ledger`] keeps the ledger and the reserve, [`damaged`] reads past damage.

mod batch;
mod damaged;
mod keys;
mod ledger;
mod open;

pub(crate) use batch::{Counters, Write};
pub(crate) use damaged::read_damaged;
pub(crate) use keys::dedup_hash;
pub(crate) use ledger::ledger_journal_key;
pub use ledger::{LEDGER, RESERVE};
pub(crate) use open::is_engine_file;

use crate::error::{Error, Result};
use crate::storage::journal::{self, Journal};
use crate::storage::record::{decode, Record};
use damaged::database_entries;
use keys::{newest_key, prefixed};
use ledger::{ensure_reserve, ledger_text, read_ledger};
use open::{
    add_newest_index, check_format, engine, open_engine, open_error, prepare_dir, store_err,
    u64_marker, Guarded,
};
use std::path::Path;

/// Format version of the database as a whole. 2 added the `n/` index; a version 1 database
/// gets it when it is first opened.
pub const FORMAT_VERSION: u32 = 2;

/// The one sled tree everything lives in.
const TREE: &str = "smishgate";

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
        let text = ledger_text(g, self.journal.key());
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

#[cfg(test)]
mod tests {
    use super::keys::record_suffix;
    use super::*;
    use crate::storage::record::{Status, RECORD_SCHEMA};

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
