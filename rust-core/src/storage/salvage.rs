//! What can still be read of a damaged database, and a new database made of it.
//!
//! Two copies are read: sled's own files (through a copy of the directory, because sled
//! rewrites what it opens) and the [`journal`](crate::storage::journal). Each loses different things
//! to damage (sled stops at the first damaged entry of its log; the journal loses only the
//! frames a damaged stretch touches), so together they give back every record outside the
//! damaged region. The damaged database itself is only read, never changed.

use crate::error::io_error;
use crate::error::{Error, Result};
use crate::storage::journal;
use crate::storage::record::Record;
use crate::storage::store;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Why the database does not open as it is; `None` when it opens cleanly.
    pub damage: Option<String>,
    /// Records the storage engine gave.
    pub engine_records: u64,
    /// Records it gave that could not be decoded.
    pub engine_unreadable: u64,
    /// The engine stopped on a damaged page before the end of the records.
    pub engine_stopped: bool,
    /// A page of the engine's indices, counters or markers could not be read.
    pub engine_other_damage: bool,
    /// Why the engine could not open its files at all, if it could not.
    pub engine_unopenable: Option<String>,
    /// The journal was found.
    pub journal_found: bool,
    /// Journal frames read.
    pub journal_frames: u64,
    /// Stretches of the journal that held no readable frame.
    pub journal_damaged_stretches: u64,
    /// Bytes in those stretches.
    pub journal_damaged_bytes: u64,
    /// Records a salvage would write.
    pub recoverable: u64,
    /// Of those, records only the journal still has.
    pub only_in_journal: u64,
    /// Of those, records only the engine still has.
    pub only_in_engine: u64,
    /// The user's registry changes (services, blocked senders) can be recovered.
    pub registry_changes: bool,
}

impl Check {
    /// Nothing is damaged: the database opens, every record decodes, the journal is whole.
    pub fn healthy(&self) -> bool {
        self.damage.is_none()
            && self.engine_unreadable == 0
            && !self.engine_stopped
            && !self.engine_other_damage
            && self.engine_unopenable.is_none()
            && self.journal_damaged_stretches == 0
    }
}

/// What `salvage` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Salvaged {
    /// The check of the damaged database it was made from.
    pub check: Check,
    /// Records written to the new database.
    pub records: u64,
    /// The registry changes were carried over.
    pub registry_changes: bool,
    /// Blocked senders carried over.
    pub blocked: usize,
    /// User services carried over.
    pub services: usize,
}

/// Everything gathered from a damaged database.
pub(crate) struct Gathered {
    pub check: Check,
    /// Oldest first.
    pub records: Vec<Record>,
    pub overlay: Option<Vec<u8>>,
}

/// Read what can be read of the database at `from`, without changing it.
pub(crate) fn gather(from: &Path, cache_bytes: u64) -> Result<Gathered> {
    if from.as_os_str().is_empty() {
        return Err(Error::Invalid("the database path is empty".into()));
    }
    let looks_like_db = ["db", "conf", store::LEDGER, journal::JOURNAL]
        .iter()
        .any(|f| from.join(f).exists());
    if !looks_like_db {
        return Err(Error::Invalid(format!(
            "{}: no smishgate database is there",
            from.display()
        )));
    }
    // sled holds an exclusive lock on `db` while a process has it open; take the same lock
    // for the time of the reading, so that nobody writes while it is copied.
    let _lock = lock(from)?;
    // Opened as the gateway would open it, on one copy (to say what is wrong); read past
    // the damage on another (sled's lock on the first may outlive its handle a moment).
    let damage = {
        let copy = Scratch::new(from, "opening")?;
        copy_files(from, &copy.0)?;
        // Told of the database, not of the copy.
        let (copy_name, name) = (copy.0.display().to_string(), from.display().to_string());
        store::Store::open(&copy.0, cache_bytes)
            .err()
            .map(|e| e.to_string().replace(&copy_name, &name))
    };
    let copy = Scratch::new(from, "reading")?;
    copy_files(from, &copy.0)?;
    let engine = store::read_damaged(&copy.0, cache_bytes);
    let replay = journal::replay(from, store::ledger_journal_key(from))?;

    // The journal's newest state of each record, then what only the engine has, or has
    // newer (a damaged journal frame may hide a later change of status).
    let engine_ids: BTreeSet<u64> = engine.records.iter().map(|r| r.id).collect();
    let engine_records = engine.records.len() as u64;
    let mut merged: BTreeMap<u64, Record> = replay.records;
    let mut only_in_engine = 0;
    for r in engine.records {
        if replay.removed.contains(&r.id) {
            continue; // deleted after the engine's copy was written
        }
        match merged.get(&r.id) {
            Some(j) if j.status_at >= r.status_at => {}
            Some(_) => {
                merged.insert(r.id, r);
            }
            None => {
                only_in_engine += 1;
                merged.insert(r.id, r);
            }
        }
    }
    let only_in_journal = merged.keys().filter(|id| !engine_ids.contains(id)).count() as u64;
    let overlay = replay.overlay.or(engine.overlay);
    let mut records: Vec<Record> = merged.into_values().collect();
    records.sort_by_key(|r| (r.received_at, r.id));
    let check = Check {
        damage,
        engine_records,
        engine_unreadable: engine.undecodable,
        engine_stopped: engine.stopped,
        engine_other_damage: engine.other_damage,
        engine_unopenable: engine.unopenable,
        journal_found: replay.found,
        journal_frames: replay.frames,
        journal_damaged_stretches: replay.damaged_stretches,
        journal_damaged_bytes: replay.damaged_bytes,
        recoverable: records.len() as u64,
        only_in_journal,
        only_in_engine,
        registry_changes: overlay.is_some(),
    };
    Ok(Gathered {
        check,
        records,
        overlay,
    })
}

/// A lock on the database's `db` file, the one sled takes: refused while it is open.
fn lock(dir: &Path) -> Result<Option<std::fs::File>> {
    let Ok(f) = std::fs::File::open(dir.join("db")) else {
        return Ok(None);
    };
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::InUse(dir.display().to_string())),
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// A scratch directory for a copy, removed when dropped: beside the damaged database, else
/// (read-only storage) in the system's temporary directory.
struct Scratch(PathBuf);

impl Scratch {
    fn new(from: &Path, what: &str) -> Result<Scratch> {
        let name = from
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "db".into());
        let beside = from.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut last = Error::Store("no place for a scratch copy".into());
        for parent in [beside, std::env::temp_dir()] {
            let dir = parent.join(format!(".{name}.{what}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            match std::fs::create_dir_all(&dir) {
                Ok(()) => return Ok(Scratch(dir)),
                Err(e) => last = io_error(&dir, e),
            }
        }
        Err(last)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copy the engine's files (not the reserve, not what was set aside) for reading.
fn copy_files(from: &Path, to: &Path) -> Result<()> {
    let entries = std::fs::read_dir(from).map_err(|e| io_error(from, e))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !store::is_engine_file(&name) || !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        std::fs::copy(e.path(), to.join(&name)).map_err(|err| io_error(&e.path(), err))?;
    }
    Ok(())
}
