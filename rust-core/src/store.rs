//! The sled database behind the gateway: the only module that touches sled.
//!
//! Everything lives in one tree under short key prefixes, so that one `sled::Batch` writes a
//! record, its indices and the statistics atomically:
//!
//! | prefix | key | value |
//! |---|---|---|
//! | `m/` | `m/format` | database format version (u32, big-endian) |
//! | `r/` | received time (sign-flipped i64, BE) + id (u64, BE) | a [`Record`] |
//! | `i/` | id (u64, BE) | the record's `r/` key suffix |
//! | `d/` | 128-bit hash of (sender, body, received_at) | ids with that hash |
//! | `c/` | `c/kind/…`, `c/svc/…`, `c/day/…`, `c/status/…`, `c/ingested/…` | u64 counters |
//! | `g/` | `g/overlay` | the user's registry overlay |
//!
//! Values are MessagePack with named fields (`rmp-serde`): compact, a frozen format, and
//! self-describing, so a newer build reads older records (new fields carry serde defaults) and
//! the schema number on each record says which shape it was written in. A database whose format
//! number is newer than this build's is refused, never misread.

use crate::error::{Error, Result};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::path::Path;

/// Format version of the database as a whole.
pub const FORMAT_VERSION: u32 = 1;

/// Schema version of [`Record`].
pub const RECORD_SCHEMA: u16 = 1;

const TREE: &str = "smishgate";

/// Review status of a quarantined message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Held, waiting for review.
    Quarantined,
    /// The user released it (delivered after all).
    Released,
    /// The user confirmed it as smishing.
    Confirmed,
}

impl Status {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Quarantined => "quarantined",
            Status::Released => "released",
            Status::Confirmed => "confirmed",
        }
    }

    /// Parse a kebab-case name.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "quarantined" => Some(Status::Quarantined),
            "released" => Some(Status::Released),
            "confirmed" => Some(Status::Confirmed),
            _ => None,
        }
    }
}

/// A reason as stored with a record (the verdict's reason, owned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReason {
    /// Stable reason code.
    pub code: String,
    /// English sentence.
    pub en: String,
    /// Japanese sentence.
    pub ja: String,
    /// Evidence: service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Evidence: host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Evidence: official domain imitated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imitates: Option<String>,
}

/// A quarantined message with its verdict and review status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Schema version this record was written in.
    pub schema: u16,
    /// Stable id.
    pub id: u64,
    /// Sender as received.
    pub sender: String,
    /// Body as received.
    pub body: String,
    /// When the message was received (epoch ms); the ingest time when the platform gave none.
    pub received_at: i64,
    /// The platform's own timestamp was absent.
    #[serde(default)]
    pub received_at_given: bool,
    /// When it was ingested (epoch ms).
    pub ingested_at: i64,
    /// Review status.
    pub status: Status,
    /// When the status last changed (epoch ms).
    #[serde(default)]
    pub status_at: i64,
    /// Verdict: kind (kebab-case).
    pub kind: String,
    /// Verdict: claimed service id.
    #[serde(default)]
    pub service: Option<String>,
    /// Verdict: one-time code.
    #[serde(default)]
    pub otp: Option<String>,
    /// Hosts of the links (judged targets).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Verdict: reasons.
    #[serde(default)]
    pub reasons: Vec<StoredReason>,
}

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
        self.add(format!("kind/{}", r.kind), sign);
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
    empty: bool,
}

impl Write {
    pub fn new() -> Write {
        Write {
            batch: sled::Batch::default(),
            counters: Counters::default(),
            empty: true,
        }
    }

    pub fn put_record(&mut self, r: &Record) -> Result<()> {
        let suffix = record_suffix(r.received_at, r.id);
        self.batch.insert(prefixed(b"r/", &suffix), encode(r)?);
        self.batch
            .insert(prefixed(b"i/", &r.id.to_be_bytes()), suffix.to_vec());
        self.empty = false;
        Ok(())
    }

    pub fn remove_record(&mut self, r: &Record) {
        let suffix = record_suffix(r.received_at, r.id);
        self.batch.remove(prefixed(b"r/", &suffix));
        self.batch.remove(prefixed(b"i/", &r.id.to_be_bytes()));
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
}

impl Store {
    /// Open or create the database at `path`.
    pub fn open(path: &Path, cache_bytes: u64) -> Result<Store> {
        let config = sled::Config::new()
            .path(path)
            .cache_capacity(cache_bytes)
            .mode(sled::Mode::LowSpace)
            // The gateway flushes explicitly before reporting a write; no background thread.
            .flush_every_ms(None);
        // sled can panic on some corrupt files instead of returning an error: contain it.
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| config.open()));
        let db = match opened {
            Ok(Ok(db)) => db,
            Ok(Err(e)) => return Err(open_error(path, e)),
            Err(_) => {
                return Err(Error::Corrupt(format!(
                    "{}: the database files are damaged (the storage engine could not read them)",
                    path.display()
                )))
            }
        };
        let tree = db.open_tree(TREE).map_err(|e| open_error(path, e))?;
        let store = Store { db, tree };
        store.check_format(path)?;
        Ok(store)
    }

    fn check_format(&self, path: &Path) -> Result<()> {
        match self.tree.get(b"m/format").map_err(store_err)? {
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
                Ok(())
            }
            None => {
                if self.tree.iter().next().is_some() {
                    return Err(Error::Corrupt(format!(
                        "{}: data without a format marker: not a smishgate database",
                        path.display()
                    )));
                }
                self.tree
                    .insert(b"m/format", &FORMAT_VERSION.to_be_bytes())
                    .map_err(store_err)?;
                self.flush()
            }
        }
    }

    /// A fresh id, unique for the life of the database.
    pub fn next_id(&self) -> Result<u64> {
        // sled's generator is persisted; +1 keeps 0 free as "no id".
        self.db.generate_id().map(|i| i + 1).map_err(store_err)
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
        self.tree.apply_batch(w.batch).map_err(store_err)
    }

    /// Make every applied write durable.
    pub fn flush(&self) -> Result<()> {
        self.tree.flush().map(|_| ()).map_err(store_err)
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
        for kv in self.tree.scan_prefix(prefix.as_bytes()) {
            let (k, v) = kv.map_err(store_err)?;
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
        match self.tree.get(prefixed(b"r/", &suffix)).map_err(store_err)? {
            Some(v) => decode::<Record>(&v).map(Some),
            None => Err(Error::Corrupt(format!(
                "record {id} is indexed but missing"
            ))),
        }
    }

    /// Ids stored under a dedup hash.
    pub fn dedup(&self, hash: &[u8; 16]) -> Result<Vec<u64>> {
        match self.tree.get(prefixed(b"d/", hash)).map_err(store_err)? {
            Some(v) => decode(&v),
            None => Ok(Vec::new()),
        }
    }

    /// Records newest first, starting strictly after `cursor` (a record key suffix).
    pub fn records_newest_first(
        &self,
        after: Option<&[u8]>,
    ) -> impl Iterator<Item = Result<(Vec<u8>, Record)>> + '_ {
        let start = b"r/".to_vec();
        let end = match after {
            Some(c) => prefixed(b"r/", c),
            None => b"r0".to_vec(), // '0' follows '/': the end of the r/ range
        };
        self.tree.range(start..end).rev().map(|kv| {
            let (k, v) = kv.map_err(store_err)?;
            Ok((k[2..].to_vec(), decode::<Record>(&v)?))
        })
    }

    /// Records oldest first (for purging).
    pub fn records_oldest_first(&self) -> impl Iterator<Item = Result<Record>> + '_ {
        self.tree.scan_prefix(b"r/").map(|kv| {
            let (_, v) = kv.map_err(store_err)?;
            decode::<Record>(&v)
        })
    }

    /// The stored registry overlay bytes.
    pub fn overlay(&self) -> Result<Option<Vec<u8>>> {
        Ok(self
            .tree
            .get(b"g/overlay")
            .map_err(store_err)?
            .map(|v| v.to_vec()))
    }

    /// Bytes the database occupies on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        self.db.size_on_disk().map_err(store_err)
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

pub(crate) fn encode<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>> {
    rmp_serde::to_vec_named(v).map_err(|e| Error::Store(format!("encoding a value: {e}")))
}

pub(crate) fn decode<T: DeserializeOwned>(b: &[u8]) -> Result<T> {
    rmp_serde::from_slice(b)
        .map_err(|e| Error::Corrupt(format!("a stored value cannot be read: {e}")))
}

fn store_err(e: sled::Error) -> Error {
    match e {
        sled::Error::Corruption { .. } => Error::Corrupt(e.to_string()),
        other => Error::Store(other.to_string()),
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
        _ => {
            let text = e.to_string();
            if text.contains("lock") || text.contains("Resource temporarily unavailable") {
                Error::InUse(path.display().to_string())
            } else {
                Error::Store(format!("{}: {text}", path.display()))
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

    #[test]
    fn record_keys_sort_by_time() {
        let a = record_suffix(-5, 9);
        let b = record_suffix(0, 1);
        let c = record_suffix(1_700_000_000_000, 0);
        let d = record_suffix(1_700_000_000_000, 1);
        assert!(a < b && b < c && c < d);
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
