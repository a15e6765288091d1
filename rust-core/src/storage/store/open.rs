//! Opening sled's files: refusing a folder that is not a database, clearing what a failed
//! snapshot left, setting aside what sled cannot read, the format marker and its upgrade, and
//! turning the engine's errors and panics into the store's [`Error`].

use super::keys::newest_key;
use super::ledger::{release_reserve, LEDGER, RESERVE};
use super::FORMAT_VERSION;
use crate::error::{io_error, is_full, is_read_only, Error, Result};
use crate::storage::journal;
use std::path::Path;

/// Files a database directory holds (sled's, the ledger, the reserve).
pub(super) fn is_database_file(name: &str) -> bool {
    is_engine_file(name)
        || matches!(name, RESERVE | journal::JOURNAL)
        || name.starts_with("smishgate.journal.")
}

/// The files the engine reads when it opens a database, with the ledger that vouches for them
/// (what salvage copies to read past damage).
pub(crate) fn is_engine_file(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs" | LEDGER) || name.starts_with("snap.")
}

/// A u64 marker (`m/gen`, `m/idbase`); 0 when absent, "damaged" when it is not 8 bytes.
pub(super) fn u64_marker(tree: &sled::Tree, key: &[u8], path: &Path, what: &str) -> Result<u64> {
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
pub(super) fn check_format(tree: &sled::Tree, path: &Path, ledger: Option<u64>) -> Result<u32> {
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

/// Build the `n/` index of a version 1 database, and mark it version 2, in one batch: an
/// interrupted upgrade leaves version 1 and is done again at the next open.
pub(super) fn add_newest_index(tree: &sled::Tree) -> Result<()> {
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

/// Run one engine call, a panic in it reported as damage.
pub(super) fn engine<T>(f: impl FnOnce() -> T) -> Result<T> {
    crate::storage::guard::quiet(f)
        .ok_or_else(|| Error::Corrupt("the storage engine hit a damaged page".into()))
}

/// An engine iterator whose every step is guarded: a damaged page ends it with an error
/// instead of a panic.
pub(super) struct Guarded<I>(pub(super) I);

impl<I: Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> Iterator for Guarded<I> {
    type Item = Result<(sled::IVec, sled::IVec)>;

    fn next(&mut self) -> Option<Self::Item> {
        match engine(|| self.0.next()) {
            Ok(item) => item.map(|kv| kv.map_err(store_err)),
            Err(e) => Some(Err(e)),
        }
    }
}

/// Before sled opens the directory: refuse a folder that holds other things than a database
/// (`--db ~/Documents` must not fill it with database files), and remove what a failed
/// snapshot left behind (`snap.*.generating`: sled 0.34 would take it for the newest snapshot
/// and call the intact database damaged).
pub(super) fn prepare_dir(path: &Path) -> Result<()> {
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
pub(super) const SET_ASIDE: &str = "damaged-snapshots";

/// What [`set_aside`] moves.
#[derive(Clone, Copy)]
pub(super) enum SetAside {
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
pub(super) fn set_aside(path: &Path, what: SetAside) -> Result<usize> {
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
pub(super) fn open_engine(path: &Path, cache_bytes: u64) -> Result<sled::Db> {
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
pub(super) fn open_sled_waiting(path: &Path, cache_bytes: u64) -> Result<sled::Db> {
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

pub(super) fn open_sled(path: &Path, cache_bytes: u64) -> Result<sled::Db> {
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

pub(super) fn store_err(e: sled::Error) -> Error {
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

pub(super) fn open_error(path: &Path, e: sled::Error) -> Error {
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
