//! Fault injection on the database directory: every file of a database holding acknowledged
//! messages is damaged in turn (one flipped bit, a truncation, a garbled block, emptied), the
//! database is opened again, and the outcome must be one of two: every acknowledged message
//! is readable, or the open (or a read) says "damaged" and a salvage into a new database
//! gives back every acknowledged message (one file is damaged at a time, so each record is
//! outside the damaged region of one of its two copies: the engine's log or the journal).
//! Never a silent loss, never a panic.
//! A second part fills a small file system at random moments (a tmpfs; the test needs root
//! to mount one, as CI has) and checks that every failed write says "storage full", that the
//! database still opens on the full disk, and that nothing acknowledged is lost.
//!
//! A third part makes the database read-only (a read-only mount as root, else the files'
//! permissions): opening says so in one line, nothing is changed, and a salvage to writable
//! storage gives back every message.
//!
//! The seed is printed (`FAULT_SEED=…` replays a run); the tallies are printed for the README.

use smishgate_core::{Error, Gateway, GatewayOptions, ListQuery, Sms};
use smishgate_tests::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The store contains sled's panics on damaged pages and reports "damaged"; keep the default
/// hook from printing them as if they were failures (any other panic still prints).
fn quiet_engine_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !smishgate_core::storage::guard::is_guarded() {
            default(info);
        }
    }));
}

fn lure(i: usize) -> Sms {
    Sms {
        sender: format!("+1555{i:07}"),
        body: format!(
            "USPS: your parcel is held, pay the fee at https://usps-redeliver-{i}.top/p/{i}"
        ),
        received_at: Some(1_760_000_000_000 + i as i64 * 60_000),
        cut: false,
    }
}

/// Ingest `n` lures in a few batches (several writes, several log entries); returns the
/// acknowledged bodies.
fn build(dir: &Path, n: usize) -> BTreeSet<String> {
    let g = Gateway::open(dir).expect("open a new database");
    let mut acked = BTreeSet::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(25) {
        let batch: Vec<Sms> = chunk.iter().map(|&i| lure(i)).collect();
        for (sms, d) in batch.iter().zip(g.ingest_batch(&batch).expect("ingest")) {
            assert!(d.record_id.is_some(), "every lure is held");
            acked.insert(sms.body.clone());
        }
    }
    acked
}

/// Everything readable: the bodies of every record, reading page by page.
fn read_all(g: &Gateway) -> Result<BTreeSet<String>, Error> {
    let mut out = BTreeSet::new();
    let mut cursor = None;
    loop {
        let page = g.list(&ListQuery {
            limit: 100,
            cursor: cursor.take(),
            ..ListQuery::default()
        })?;
        if page.skipped > 0 {
            // The reader skipped undecodable records and said so: damage, told.
            return Err(Error::Corrupt(format!("{} records skipped", page.skipped)));
        }
        for r in &page.records {
            g.get(r.id)?;
            out.insert(r.body.clone());
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let stats = g.stats()?;
    if stats.total as usize != out.len() {
        return Err(Error::Corrupt("counters disagree with the records".into()));
    }
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Damage {
    BitFlip,
    Truncate,
    GarbleBlock,
    Empty,
}

fn damage(file: &Path, how: Damage, rng: &mut Rng) {
    let mut bytes = std::fs::read(file).unwrap();
    // Damage where the data is, not in sled's preallocated zeros.
    let used = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1) as u64;
    match how {
        Damage::BitFlip if used > 0 => {
            let i = rng.below(used) as usize;
            bytes[i] ^= 1 << rng.below(8);
        }
        Damage::Truncate => bytes.truncate(rng.below(used.max(1)) as usize),
        Damage::GarbleBlock if used > 0 => {
            let start = rng.below(used) as usize;
            let end = (start + 4096).min(bytes.len());
            for b in &mut bytes[start..end] {
                *b = rng.next() as u8;
            }
        }
        Damage::Empty => bytes.clear(),
        _ => {}
    }
    std::fs::write(file, bytes).unwrap();
}

#[test]
fn damaged_files_never_lose_silently() {
    quiet_engine_panics();
    let mut rng = Rng::seeded("FAULT_SEED");
    let base = tempfile::tempdir().unwrap();
    let pristine = base.path().join("pristine");
    let acked = build(&pristine, 300);
    // Opened once more, sled writes a snapshot: it is damaged in turn too.
    drop(reopen(&pristine).expect("reopen"));
    assert!(
        files(&pristine)
            .iter()
            .any(|f| f.to_string_lossy().contains("snap.")),
        "a snapshot to damage"
    );
    let trials_per = std::env::var("FAULT_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let mut tally: BTreeMap<(String, Damage, &str), usize> = BTreeMap::new();
    let mut trial = 0;
    for file in files(&pristine) {
        let rel = file.strip_prefix(&pristine).unwrap().to_path_buf();
        let name = rel.to_string_lossy().into_owned();
        // Snapshot names carry a number; tally them as one.
        let label = if name.starts_with("snap.") {
            "snap.*".to_string()
        } else {
            name
        };
        for how in [
            Damage::BitFlip,
            Damage::Truncate,
            Damage::GarbleBlock,
            Damage::Empty,
        ] {
            for _ in 0..trials_per {
                trial += 1;
                let dir = base.path().join(format!("t{trial}"));
                copy_dir(&pristine, &dir);
                damage(&dir.join(&rel), how, &mut rng);
                let outcome = match Gateway::open(&dir).and_then(|g| read_all(&g)) {
                    Ok(got) => {
                        assert_eq!(
                            got.len(),
                            acked.len(),
                            "trial {trial}: {label} {how:?} opened cleanly but lost messages"
                        );
                        assert_eq!(got, acked, "trial {trial}: {label} {how:?}: other messages");
                        "all readable"
                    }
                    Err(Error::Corrupt(msg)) => {
                        assert!(!msg.contains("panicked"), "{msg}");
                        let check = Gateway::check(&dir, &GatewayOptions::default())
                            .unwrap_or_else(|e| panic!("trial {trial}: check: {e}"));
                        assert!(!check.healthy(), "trial {trial}: {label} {how:?}: damaged ({msg}), check says healthy: {check:?}");
                        let to = base.path().join(format!("s{trial}"));
                        let s = Gateway::salvage(&dir, &to, GatewayOptions::default())
                            .unwrap_or_else(|e| {
                                panic!("trial {trial}: {label} {how:?}: salvage: {e}")
                            });
                        let got = read_all(&reopen(&to).expect("the salvaged database opens"))
                            .expect("the salvaged database reads");
                        assert_eq!(
                            got, acked,
                            "trial {trial}: {label} {how:?}: salvage lost messages ({s:?})"
                        );
                        let _ = std::fs::remove_dir_all(&to);
                        "damaged, all salvaged"
                    }
                    Err(e) => {
                        panic!("trial {trial}: {label} {how:?}: neither readable nor damaged: {e}")
                    }
                };
                *tally.entry((label.clone(), how, outcome)).or_default() += 1;
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
    }
    println!("{trial} trials on a database of {} messages:", acked.len());
    for ((file, how, outcome), n) in &tally {
        println!("  {file:<18} {how:<12?} {outcome:<13} {n}");
    }
}

/// Open again after a gateway was dropped: sled releases its file lock when its last
/// internal handle goes, which may trail the drop by a moment.
fn reopen(db: &Path) -> Result<Gateway, Error> {
    for _ in 0..50 {
        match Gateway::open(db) {
            Err(Error::InUse(_)) => std::thread::sleep(std::time::Duration::from_millis(100)),
            other => return other,
        }
    }
    Gateway::open(db)
}

/// Mount a tmpfs of `bytes` at `at`; false when this machine does not allow it.
fn mount_tmpfs(at: &Path, bytes: u64) -> bool {
    std::fs::create_dir_all(at).unwrap();
    std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
        .arg(at)
        .status()
        .is_ok_and(|s| s.success())
}

fn umount(at: &Path) {
    let _ = std::process::Command::new("umount").arg(at).status();
}

/// Fill the file system holding `dir` with a ballast file, leaving about `leave` bytes.
fn fill(dir: &Path, leave: u64) {
    use std::io::Write;
    let mut f = std::fs::File::create(dir.join("ballast")).unwrap();
    let chunk = vec![0x5au8; 4096];
    // Write until full, then give back `leave` bytes.
    while f.write_all(&chunk).is_ok() {}
    let _ = f.flush();
    let len = f.metadata().unwrap().len();
    f.set_len(len.saturating_sub(leave)).unwrap();
}

#[test]
fn a_full_disk_says_so_and_loses_nothing() {
    let mut rng = Rng::seeded("FAULT_SEED");
    let base = tempfile::tempdir().unwrap();
    let mnt = base.path().join("mnt");
    let is_root = std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !mount_tmpfs(&mnt, 8 << 20) {
        assert!(
            !is_root,
            "root could not mount a tmpfs: the test cannot run"
        );
        println!("skipped: mounting a tmpfs needs root (CI runs as root)");
        return;
    }
    let trials = 8;
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for trial in 0..trials {
        let db = mnt.join(format!("db{trial}"));
        let mut acked = BTreeSet::new();
        {
            let g = Gateway::open(&db).expect("open while there is room");
            // Fill the disk at a random moment: after some writes, leaving a random sliver.
            let before = 20 + rng.below(80) as usize;
            for i in 0..before {
                g.ingest(&lure(trial * 10_000 + i)).expect("room yet");
                acked.insert(lure(trial * 10_000 + i).body);
            }
            fill(&mnt, rng.below(64 << 10));
            let mut failures = 0;
            for i in before..before + 400 {
                match g.ingest(&lure(trial * 10_000 + i)) {
                    Ok(_) => {
                        acked.insert(lure(trial * 10_000 + i).body);
                    }
                    Err(Error::Full) => {
                        failures += 1;
                        if failures >= 3 {
                            break;
                        }
                    }
                    Err(e) => panic!("trial {trial}: a failed write must say storage full: {e}"),
                }
            }
            *tally
                .entry(if failures > 0 {
                    "writes refused: storage full"
                } else {
                    "all writes fit"
                })
                .or_default() += 1;
        }
        // Still full: the database opens (on its reserve), and everything acknowledged is there.
        match reopen(&db) {
            Ok(g) => {
                let got = read_all(&g).expect("readable on a full disk");
                assert!(
                    acked.is_subset(&got),
                    "trial {trial}: acknowledged messages lost"
                );
                *tally
                    .entry("opened on the full disk, all readable")
                    .or_default() += 1;
            }
            Err(Error::Full) => {
                *tally.entry("open refused: storage full").or_default() += 1;
            }
            Err(e) => panic!("trial {trial}: opening on a full disk: {e}"),
        }
        std::fs::remove_file(mnt.join("ballast")).unwrap();
        // Space freed: it opens, and nothing acknowledged is missing.
        let g = reopen(&db).expect("opens once space is freed");
        let got = read_all(&g).expect("readable");
        assert!(
            acked.is_subset(&got),
            "trial {trial}: acknowledged messages lost"
        );
        drop(g);
        let _ = std::fs::remove_dir_all(&db);
    }
    umount(&mnt);
    println!("{trials} disk-full trials:");
    for (k, n) in &tally {
        println!("  {k:<40} {n}");
    }
}

/// Whether this process runs as root (mounting a tmpfs needs it; permissions do not bind it).
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn a_read_only_database_says_so_and_salvages() {
    let base = tempfile::tempdir().unwrap();
    let root = is_root();
    let mnt = base.path().join("ro");
    let db = if root {
        assert!(mount_tmpfs(&mnt, 16 << 20), "root could not mount a tmpfs");
        mnt.join("db")
    } else {
        base.path().join("db")
    };
    let acked = build(&db, 120);
    drop(reopen(&db).expect("reopen"));
    let make_read_only = |on: bool| {
        if root {
            let opts = if on { "remount,ro" } else { "remount,rw" };
            let ok = std::process::Command::new("mount")
                .args(["-o", opts])
                .arg(&mnt)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "mount -o {opts}");
        } else {
            use std::os::unix::fs::PermissionsExt;
            for f in files(&db).into_iter().chain([db.clone()]) {
                let mode = if on { 0o555 } else { 0o755 };
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
    };
    let before: Vec<(PathBuf, Vec<u8>)> = files(&db)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(&f).unwrap()))
        .collect();
    make_read_only(true);
    match Gateway::open(&db) {
        Err(Error::ReadOnly(what)) => assert!(what.contains("db"), "{what}"),
        other => panic!("opening a read-only database: {:?}", other.map(|_| ())),
    }
    let check = Gateway::check(&db, &GatewayOptions::default()).expect("check reads it");
    assert_eq!(check.recoverable as usize, acked.len(), "{check:?}");
    let to = base.path().join("salvaged");
    let s = Gateway::salvage(&db, &to, GatewayOptions::default()).expect("salvage reads it");
    assert_eq!(s.records as usize, acked.len());
    let got = read_all(&reopen(&to).unwrap()).unwrap();
    assert_eq!(got, acked);
    for (f, bytes) in &before {
        assert_eq!(&std::fs::read(f).unwrap(), bytes, "{} changed", f.display());
    }
    make_read_only(false);
    let g = reopen(&db).expect("writable again, it opens");
    assert_eq!(read_all(&g).unwrap(), acked);
    drop(g);
    if root {
        umount(&mnt);
    }
    println!(
        "read-only database ({}): open refused as read-only, all {} salvaged",
        if root {
            "read-only mount"
        } else {
            "permissions"
        },
        acked.len()
    );
}
