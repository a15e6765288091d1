//! The files beside sled's own: the ledger that says how many writes were flushed (so that a
//! database sled silently emptied or cut short is reported damaged, not opened as new), and the
//! reserve of zeros given up when a full disk keeps sled from opening.

use super::FORMAT_VERSION;
use std::path::Path;

/// The ledger's text for generation `g` and the journal's `key`: each value with a check, so
/// that a damaged line reads as absent (see [`read_ledger`]).
pub(super) fn ledger_text(g: u64, key: u64) -> String {
    let key = format!("{key:016x}");
    format!(
        "smishgate database\nformat {FORMAT_VERSION}\ngeneration {g}\ncheck {:016x}\njournal {key} {:016x}\n",
        ledger_check(g),
        fnv(key.as_bytes()),
    )
}

/// The ledger's file name inside the database directory.
pub const LEDGER: &str = "smishgate.ledger";

/// A file of zeros kept beside the database while there is space, deleted when a full disk
/// keeps sled from opening (see [`Store::open`]), and written again once there is room.
pub const RESERVE: &str = "smishgate.reserve";

/// Size of [`RESERVE`]: what sled 0.34 writes when it opens (the rest of a 512 KiB log
/// segment, a snapshot) with room to spare.
pub(super) const RESERVE_BYTES: usize = 2 << 20;

/// Delete the reserve; true if there was one.
pub(super) fn release_reserve(path: &Path) -> bool {
    std::fs::remove_file(path.join(RESERVE)).is_ok()
}

/// Write the reserve if it is missing (real zeros, not a sparse file: only written blocks
/// hold space). Best effort: without room it is simply not there yet.
pub(super) fn ensure_reserve(path: &Path) {
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

/// The generation a ledger file records and the journal's key; `None` for each when there
/// is none or it cannot be read (an unreadable ledger only weakens the damage check, it never
/// refuses a database).
pub(super) fn read_ledger(path: &Path) -> (Option<u64>, Option<u64>) {
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
pub(super) fn ledger_check(g: u64) -> u64 {
    fnv(g.to_string().as_bytes())
}

pub(super) fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
