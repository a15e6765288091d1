//! One write to the database: a record, its indices, dedup entries, the overlay and counter
//! updates gathered so that [`Store::apply`](super::Store::apply) writes them in one sled batch.

use super::keys::{newest_key, prefixed, record_suffix};
use crate::error::Result;
use crate::storage::journal::Entry;
use crate::storage::record::{encode, Record};

/// Counter updates of one write.
#[derive(Debug, Default)]
pub(crate) struct Counters(pub(super) Vec<(String, i64)>);

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
    pub(super) batch: sled::Batch,
    pub(super) counters: Counters,
    /// The same changes for the journal.
    pub(super) entries: Vec<Entry>,
    pub(super) empty: bool,
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
    pub(super) fn remove_raw(&mut self, id: u64, suffix: &[u8]) {
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
