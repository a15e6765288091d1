//! An append-only second copy of the quarantine, kept for salvage.
//!
//! sled 0.34 recovers a damaged log by reading up to the first damaged entry and stopping
//! there: a flipped bit in the middle of `db` loses every write after it, although those
//! bytes are intact. A database that is "damaged" must still give back every record outside
//! the damaged region, so the store writes each change a second time into
//! `smishgate.journal`, a file simple enough to read past damage: a header line, then frames
//!
//! ```text
//! "SJ" | payload length (u32 BE) | FNV-1a 64 of the payload (u64 BE) | payload
//! payload = b'P' + record (MessagePack) | b'R' + id (u64 BE) | b'O' + registry overlay
//! ```
//!
//! A reader checks each frame and, at a frame that does not check, steps forward byte by
//! byte to the next one that does: a damaged stretch costs the frames in it and nothing
//! more. Stepping through damage reads bytes inside records, and a record's body is text an
//! attacker chose: a body holding a well-formed frame (a registry overlay that trusts the
//! attacker's number, say) must never be taken for one. So the check is keyed with a random
//! number of this journal, kept in its header and in the ledger, which no message can know. The journal is appended before the engine applies the same write and synced with
//! it; when it has grown well past what it describes it is rewritten from the database.

use crate::error::io_error;
use crate::error::Result;
use crate::storage::record::Record;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The journal's file name inside the database directory.
pub const JOURNAL: &str = "smishgate.journal";

const HEADER_PREFIX: &str = "smishgate journal 1 key ";
/// Header: the prefix, the key in 16 hex digits, a newline.
const HEADER_LEN: usize = HEADER_PREFIX.len() + 16 + 1;
const MAGIC: &[u8; 2] = b"SJ";
const FRAME_HEAD: usize = 2 + 4 + 8;
/// No frame is larger: a record's body is at most 40,000 characters.
const MAX_PAYLOAD: usize = 4 << 20;
/// The journal is rewritten when it is past this size and three times its size after the
/// last rewrite.
const REWRITE_AFTER: u64 = 4 << 20;

/// One change, as the journal records it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    /// A record written (new, or its status changed): the encoded record.
    Put(Vec<u8>),
    /// A record deleted.
    Remove(u64),
    /// The registry overlay written: its encoded bytes.
    Overlay(Vec<u8>),
}

fn header(key: u64) -> Vec<u8> {
    format!("{HEADER_PREFIX}{key:016x}\n").into_bytes()
}

/// The key a header names.
fn header_key(b: &[u8]) -> Option<u64> {
    let line = b.get(..HEADER_LEN)?;
    let hex = std::str::from_utf8(line.strip_prefix(HEADER_PREFIX.as_bytes())?).ok()?;
    u64::from_str_radix(hex.strip_suffix('\n')?, 16).ok()
}

/// A fresh random key (std's hasher keys come from the operating system's generator).
fn new_key() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// Append the frame of `entry` to `out`.
pub(crate) fn frame(key: u64, entry: &Entry, out: &mut Vec<u8>) {
    let (tag, body): (u8, &[u8]) = match entry {
        Entry::Put(b) => (b'P', b),
        Entry::Remove(id) => (b'R', &id.to_be_bytes()),
        Entry::Overlay(b) => (b'O', b),
    };
    let len = 1 + body.len();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(len as u32).to_be_bytes());
    out.extend_from_slice(&check(key, tag, body).to_be_bytes());
    out.push(tag);
    out.extend_from_slice(body);
}

/// FNV-1a 64 of the key, the tag and the body: finds damage, and without the key no text
/// can be made to pass for a frame.
fn check(key: u64, tag: u8, body: &[u8]) -> u64 {
    key.to_be_bytes()
        .iter()
        .chain(std::iter::once(&tag))
        .chain(body)
        .chain(key.to_le_bytes().iter())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

/// The open journal of a database.
pub(crate) struct Journal {
    path: PathBuf,
    key: u64,
    inner: Mutex<Inner>,
}

struct Inner {
    file: std::fs::File,
    len: u64,
    /// Length after the last rewrite (or at open): the rewrite threshold follows it.
    base: u64,
}

impl Journal {
    /// Open the journal of the database at `dir`, creating it if it is missing or its header
    /// cannot be read (`ledger_key`, the key the ledger keeps, is used when the header is
    /// damaged). A new journal holds the header and `initial()` (what the database holds),
    /// written in one rename: a journal that exists is complete, even if the process died while
    /// making it (a header written first and filled later would, after a kill between the two,
    /// pass for a whole journal of nothing). Returns the journal and whether it was found.
    pub fn open(
        dir: &Path,
        ledger_key: Option<u64>,
        initial: impl FnOnce() -> Vec<Entry>,
    ) -> Result<(Journal, bool)> {
        let path = dir.join(JOURNAL);
        let mut head = [0u8; HEADER_LEN];
        let found = std::fs::File::open(&path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .ok()
            .and_then(|_| header_key(&head));
        let (key, existed) = match found {
            Some(k) => (k, true),
            None => {
                // A damaged journal is kept aside for salvage, never overwritten.
                if path.exists() {
                    let aside = dir.join(format!("{JOURNAL}.damaged"));
                    let _ = std::fs::rename(&path, aside);
                }
                let k = ledger_key.unwrap_or_else(new_key);
                let mut bytes = header(k);
                for e in initial() {
                    frame(k, &e, &mut bytes);
                }
                write_whole(&path, &bytes)?;
                (k, false)
            }
        };
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| io_error(&path, e))?;
        let len = file.metadata().map_err(|e| io_error(&path, e))?.len();
        Ok((
            Journal {
                path,
                key,
                inner: Mutex::new(Inner {
                    file,
                    len,
                    base: len,
                }),
            },
            existed,
        ))
    }

    /// The key of this journal's checks (kept in the ledger too).
    pub fn key(&self) -> u64 {
        self.key
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Append frames (not yet durable: see [`Journal::sync`]). On failure the file is cut
    /// back to where it was, so that a write the engine never applied is not in the journal.
    pub fn append(&self, frames: &[u8]) -> Result<()> {
        if frames.is_empty() {
            return Ok(());
        }
        let mut inner = self.lock();
        let before = inner.len;
        match inner.file.write_all(frames) {
            Ok(()) => {
                inner.len += frames.len() as u64;
                Ok(())
            }
            Err(e) => {
                let _ = inner.file.set_len(before);
                Err(io_error(&self.path, e))
            }
        }
    }

    /// Undo the last [`Journal::append`] of `frames` (the engine refused the same write).
    pub fn take_back(&self, frames: usize) {
        let mut inner = self.lock();
        let to = inner.len.saturating_sub(frames as u64);
        if inner.file.set_len(to).is_ok() {
            inner.len = to;
        }
    }

    /// Make every appended frame durable.
    pub fn sync(&self) -> Result<()> {
        self.lock()
            .file
            .sync_data()
            .map_err(|e| io_error(&self.path, e))
    }

    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        self.lock().len
    }

    /// Has the journal grown enough to be rewritten?
    pub fn wants_rewrite(&self) -> bool {
        let inner = self.lock();
        inner.len > REWRITE_AFTER && inner.len > 3 * inner.base
    }

    /// Replace the journal with `entries` (the database's current contents): written to a
    /// temporary file, synced, then renamed over the old one. On failure the old journal
    /// stays as it was.
    pub fn rewrite(&self, entries: impl Iterator<Item = Entry>) -> Result<()> {
        let mut bytes = header(self.key);
        for e in entries {
            frame(self.key, &e, &mut bytes);
        }
        let mut inner = self.lock();
        write_whole(&self.path, &bytes)?;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|e| io_error(&self.path, e))?;
        inner.file = file;
        inner.len = bytes.len() as u64;
        inner.base = inner.len;
        Ok(())
    }
}

/// Write a whole file durably: a temporary file, synced, renamed into place.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("journal.tmp");
    let done = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|_| std::fs::rename(&tmp, path));
    done.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, e)
    })
}

/// What a journal holds, read past its damage.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// The newest readable state of each record, by id.
    pub records: BTreeMap<u64, Record>,
    /// Ids whose deletion the journal records.
    pub removed: BTreeSet<u64>,
    /// The newest registry overlay, encoded.
    pub overlay: Option<Vec<u8>>,
    /// Frames read.
    pub frames: u64,
    /// Stretches of bytes that held no readable frame.
    pub damaged_stretches: u64,
    /// Bytes in those stretches.
    pub damaged_bytes: u64,
    /// Frames that checked but whose record could not be decoded.
    pub undecodable: u64,
    /// The file was there.
    pub found: bool,
    /// Its key was known (from its header or the ledger): without it nothing can be read.
    pub key_found: bool,
}

/// Read the journal of the database at `dir` (read only; a missing journal is an empty one).
/// `ledger_key` is used when the header is damaged; without either key nothing can be read.
pub(crate) fn replay(dir: &Path, ledger_key: Option<u64>) -> Result<Replay> {
    let path = dir.join(JOURNAL);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Replay::default()),
        Err(e) => return Err(io_error(&path, e)),
    };
    let mut out = Replay {
        found: true,
        ..Replay::default()
    };
    let in_header = header_key(&bytes);
    let Some(key) = in_header.or(ledger_key) else {
        out.damaged_stretches = 1;
        out.damaged_bytes = bytes.len() as u64;
        return Ok(out);
    };
    out.key_found = true;
    // A damaged header is a damaged stretch like any other.
    let mut at = if in_header.is_some() { HEADER_LEN } else { 0 };
    let mut stretch: Option<usize> = None;
    let end_stretch = |out: &mut Replay, stretch: &mut Option<usize>, at: usize| {
        if let Some(start) = stretch.take() {
            out.damaged_stretches += 1;
            out.damaged_bytes += (at - start) as u64;
        }
    };
    if at == 0 && !bytes.is_empty() {
        stretch = Some(0);
    }
    while at < bytes.len() {
        match read_frame(key, &bytes[at..]) {
            Some((entry, used)) => {
                end_stretch(&mut out, &mut stretch, at);
                out.frames += 1;
                apply(&mut out, entry);
                at += used;
            }
            None => {
                stretch.get_or_insert(at);
                at += 1;
            }
        }
    }
    end_stretch(&mut out, &mut stretch, at);
    Ok(out)
}

fn apply(out: &mut Replay, entry: Entry) {
    match entry {
        Entry::Put(b) => match crate::storage::record::decode::<Record>(&b) {
            Ok(r) => {
                out.records.insert(r.id, r);
            }
            Err(_) => out.undecodable += 1,
        },
        Entry::Remove(id) => {
            out.records.remove(&id);
            out.removed.insert(id);
        }
        Entry::Overlay(b) => out.overlay = Some(b),
    }
}

/// The frame at the start of `b`, if one is there and checks; with the bytes it takes.
fn read_frame(key: u64, b: &[u8]) -> Option<(Entry, usize)> {
    if b.len() < FRAME_HEAD + 1 || &b[..2] != MAGIC {
        return None;
    }
    let len = u32::from_be_bytes(b[2..6].try_into().ok()?) as usize;
    if len == 0 || len > MAX_PAYLOAD || b.len() < FRAME_HEAD + len {
        return None;
    }
    let sum = u64::from_be_bytes(b[6..14].try_into().ok()?);
    let payload = &b[FRAME_HEAD..FRAME_HEAD + len];
    let (tag, body) = (payload[0], &payload[1..]);
    if check(key, tag, body) != sum {
        return None;
    }
    let entry = match tag {
        b'P' => Entry::Put(body.to_vec()),
        b'R' => Entry::Remove(u64::from_be_bytes(body.try_into().ok()?)),
        b'O' => Entry::Overlay(body.to_vec()),
        _ => return None,
    };
    Some((entry, FRAME_HEAD + len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::record::{encode, Status};

    fn record(id: u64, status: Status) -> Record {
        Record {
            schema: crate::storage::record::RECORD_SCHEMA,
            id,
            sender: format!("+1555000{id:04}"),
            body: format!("lure {id} https://x{id}.top"),
            received_at: 1_700_000_000_000 + id as i64,
            received_at_given: true,
            ingested_at: 1_700_000_000_000,
            status,
            status_at: id as i64,
            kind: crate::Kind::Impersonation,
            service: None,
            otp: None,
            hosts: vec![],
            links: vec![],
            reasons: vec![],
        }
    }

    const KEY: u64 = 0x0123_4567_89ab_cdef;

    fn journal_of(entries: &[Entry]) -> Vec<u8> {
        let mut b = header(KEY);
        for e in entries {
            frame(KEY, e, &mut b);
        }
        b
    }

    fn replay_bytes(bytes: &[u8]) -> Replay {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(JOURNAL), bytes).unwrap();
        replay(dir.path(), None).unwrap()
    }

    #[test]
    fn replays_the_newest_state() {
        let entries = [
            Entry::Put(encode(&record(1, Status::Quarantined)).unwrap()),
            Entry::Put(encode(&record(2, Status::Quarantined)).unwrap()),
            Entry::Overlay(b"first".to_vec()),
            Entry::Put(encode(&record(1, Status::Released)).unwrap()),
            Entry::Remove(2),
            Entry::Overlay(b"second".to_vec()),
        ];
        let r = replay_bytes(&journal_of(&entries));
        assert_eq!(r.frames, 6);
        assert_eq!(r.damaged_stretches, 0);
        assert_eq!(r.records.len(), 1);
        assert_eq!(r.records[&1].status, Status::Released);
        assert!(r.removed.contains(&2));
        assert_eq!(r.overlay.as_deref(), Some(&b"second"[..]));
    }

    /// Damage anywhere costs the frames it touches and no other: every record whose frame
    /// lies wholly outside the damaged bytes is read back.
    #[test]
    fn damage_costs_only_the_frames_it_touches() {
        let n = 60u64;
        let mut b = header(KEY);
        let mut spans = Vec::new();
        for id in 1..=n {
            let start = b.len();
            frame(
                KEY,
                &Entry::Put(encode(&record(id, Status::Quarantined)).unwrap()),
                &mut b,
            );
            spans.push((id, start, b.len()));
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for trial in 0..300 {
            let mut d = b.clone();
            // Past the header (whose damage the ledger's copy of the key answers).
            let header_end = HEADER_LEN as u64;
            let start = (header_end + next() % (d.len() as u64 - header_end)) as usize;
            let width = 1 + (next() % 700) as usize;
            let end = (start + width).min(d.len());
            for x in &mut d[start..end] {
                *x = next() as u8;
            }
            let r = replay_bytes(&d);
            for &(id, s, e) in &spans {
                if e <= start || s >= end {
                    assert!(
                        r.records.contains_key(&id),
                        "trial {trial}: record {id} outside the damage [{start}, {end}) lost"
                    );
                }
            }
            assert!(r.records.len() as u64 <= n);
        }
    }

    /// A process that dies while a new journal is being made leaves no journal, never a
    /// header that would pass for a journal of nothing (`tests/tests/crash.rs` found it).
    #[test]
    fn a_new_journal_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let died = std::panic::catch_unwind(|| {
            Journal::open(dir.path(), None, || {
                panic!("killed while reading the database")
            })
        });
        assert!(died.is_err());
        assert!(!dir.path().join(JOURNAL).exists());
        let put = Entry::Put(encode(&record(1, Status::Quarantined)).unwrap());
        let (_, existed) = Journal::open(dir.path(), None, || vec![put]).unwrap();
        assert!(!existed);
        assert_eq!(replay(dir.path(), None).unwrap().records.len(), 1);
        let (_, existed) = Journal::open(dir.path(), None, || unreachable!()).unwrap();
        assert!(existed);
    }

    #[test]
    fn appends_survive_a_torn_tail_and_a_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let (j, existed) = Journal::open(dir.path(), None, Vec::new).unwrap();
        assert!(!existed);
        let k = j.key();
        let mut f = Vec::new();
        frame(
            k,
            &Entry::Put(encode(&record(1, Status::Quarantined)).unwrap()),
            &mut f,
        );
        j.append(&f).unwrap();
        // Half a frame (a crash mid-append), then more appends after it.
        j.append(&f[..f.len() / 2]).unwrap();
        let mut g = Vec::new();
        frame(
            k,
            &Entry::Put(encode(&record(2, Status::Quarantined)).unwrap()),
            &mut g,
        );
        j.append(&g).unwrap();
        j.sync().unwrap();
        let r = replay(dir.path(), None).unwrap();
        assert_eq!(r.records.len(), 2);
        assert_eq!(r.damaged_stretches, 1);
        j.rewrite([Entry::Put(encode(&record(3, Status::Confirmed)).unwrap())].into_iter())
            .unwrap();
        j.append(&g).unwrap();
        let r = replay(dir.path(), None).unwrap();
        assert_eq!(r.records.keys().copied().collect::<Vec<_>>(), [2, 3]);
        assert_eq!(r.damaged_stretches, 0);
        // The header lost: the ledger's copy of the key reads it; without it, nothing.
        let mut bytes = std::fs::read(dir.path().join(JOURNAL)).unwrap();
        bytes[3] ^= 0x20;
        std::fs::write(dir.path().join(JOURNAL), &bytes).unwrap();
        assert_eq!(replay(dir.path(), Some(k)).unwrap().records.len(), 2);
        assert!(replay(dir.path(), None).unwrap().records.is_empty());
    }

    /// A body that holds a well-formed frame (made with another key) is text, not a frame,
    /// even when reading steps through it after damage.
    #[test]
    fn a_frame_inside_a_body_is_never_read() {
        let mut forged = Vec::new();
        frame(
            0,
            &Entry::Overlay(b"trust the attacker".to_vec()),
            &mut forged,
        );
        frame(KEY ^ 1, &Entry::Remove(7), &mut forged);
        let mut r = record(7, Status::Quarantined);
        r.body = String::from_utf8_lossy(&forged).into_owned();
        r.body.insert_str(0, "SJ");
        let mut b = journal_of(&[Entry::Put(encode(&r).unwrap())]);
        // Damage the frame's head so that a reader steps through the body byte by byte.
        b[HEADER_LEN + 3] ^= 0xff;
        let got = replay_bytes(&b);
        assert!(got.overlay.is_none() && got.removed.is_empty() && got.records.is_empty());
        assert_eq!(got.damaged_stretches, 1);
    }
}
