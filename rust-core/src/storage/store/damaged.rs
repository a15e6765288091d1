//! Reading what a damaged database still gives, with no ledger or format check: what salvage
//! and the journal's first copy work from.

use super::open::{engine, open_engine, open_error, prepare_dir, Guarded};
use super::TREE;
use crate::storage::journal::Entry;
use crate::storage::record::{decode, Record};
use std::path::Path;

/// Every record and the registry overlay as journal entries; `None` (logged) when one cannot
/// be read.
pub(super) fn database_entries(tree: &sled::Tree) -> Option<Vec<Entry>> {
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
