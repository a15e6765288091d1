//! Proof that nothing acknowledged is lost: a child process ingests 10,000 messages and is
//! SIGKILLed at a random moment, 20 times over the same database. After each kill the database
//! must open cleanly, hold every message whose ingest had returned, and hold none twice. A
//! second test kills a process while it opens the database, 25 times.

use smishgate_core::{Gateway, ListQuery};
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn index_of(body: &str) -> u64 {
    body.rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("index in body")
}

#[test]
fn sigkill_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("crash-db");
    let mut acknowledged: BTreeSet<u64> = BTreeSet::new();
    // Seeded and printed, so a failure can be replayed (`CRASH_SEED=…`).
    let mut rng = smishgate_tests::Rng::seeded("CRASH_SEED");
    let trials = 20;
    let mut killed = 0;
    for trial in 0..trials {
        let delay = Duration::from_millis(20 + rng.below(900));
        // Each run writes new messages, starting 500 before the previous run's range so that
        // re-delivery right after a crash is de-duplicated too.
        let first = (trial as u64 * 10_000).saturating_sub(500);
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash_child"))
            .arg(&db)
            .arg(first.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) => match l.trim().parse::<u64>() {
                        Ok(i) => acks.push(i),
                        Err(_) => break, // a line cut by the kill was never acknowledged
                    },
                    Err(_) => break,
                }
            }
            acks
        });
        let start = Instant::now();
        while start.elapsed() < delay {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().expect("wait");
        if status.code().is_none() {
            killed += 1;
        }
        let acks = reader.join().expect("reader");
        acknowledged.extend(acks.iter().copied());

        let g = Gateway::open(&db).unwrap_or_else(|e| panic!("trial {trial}: reopen failed: {e}"));
        let mut present: HashMap<u64, usize> = HashMap::new();
        let mut cursor = None;
        loop {
            let page = g
                .list(&ListQuery {
                    limit: 5000,
                    cursor: cursor.clone(),
                    ..ListQuery::default()
                })
                .expect("list");
            for r in &page.records {
                *present.entry(index_of(&r.body)).or_default() += 1;
            }
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let missing: Vec<u64> = acknowledged
            .iter()
            .filter(|i| !present.contains_key(i))
            .copied()
            .collect();
        assert!(
            missing.is_empty(),
            "trial {trial}: acknowledged but lost: {:?}",
            &missing[..missing.len().min(10)]
        );
        let doubled: Vec<u64> = present
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(i, _)| *i)
            .collect();
        assert!(
            doubled.is_empty(),
            "trial {trial}: stored twice: {doubled:?}"
        );
        let stats = g.stats().expect("stats");
        assert_eq!(
            stats.total as usize,
            present.len(),
            "trial {trial}: counters agree with records"
        );
        println!(
            "trial {trial}: killed after {:?} ({status}), {} acknowledged this run, {} stored in all",
            delay,
            acks.len(),
            present.len()
        );
    }
    assert!(
        killed >= trials * 3 / 4,
        "only {killed} of {trials} runs were killed mid-way"
    );
}

/// Open a database, retrying while the lock of a killed process's last handle is released.
fn reopen(db: &std::path::Path) -> Result<Gateway, smishgate_core::Error> {
    for _ in 0..100 {
        match Gateway::open(db) {
            Err(smishgate_core::Error::InUse(_)) => std::thread::sleep(Duration::from_millis(50)),
            other => return other,
        }
    }
    Gateway::open(db)
}

/// A process killed while it opens the database (sled recovering its log, the journal being
/// written anew, the reserve and the ledger being written) loses nothing: after every kill
/// the database opens with every message, its counters agree, and its journal still holds
/// every message (so that a later salvage could give them back). Some trials first remove the
/// journal, the reserve or the ledger, so that the killed open is the one writing them.
#[test]
fn sigkill_during_open_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("open-db");
    let n = 300;
    {
        let g = Gateway::open(&db).unwrap();
        let batch: Vec<smishgate_core::Sms> = (0..n)
            .map(|i| smishgate_core::Sms {
                sender: format!("+1555{i:07}"),
                body: format!("USPS: your parcel is held, pay at https://usps-fee-{i}.top/{i}"),
                received_at: Some(1_760_000_000_000 + i as i64 * 1000),
                cut: false,
            })
            .collect();
        for d in g.ingest_batch(&batch).unwrap() {
            assert!(d.record_id.is_some());
        }
    }
    let mut rng = smishgate_tests::Rng::seeded("CRASH_SEED");
    let trials = 25;
    let mut killed_mid_open = 0;
    for trial in 0..trials {
        for file in ["smishgate.journal", "smishgate.reserve", "smishgate.ledger"] {
            if rng.below(3) == 0 {
                let _ = std::fs::remove_file(db.join(file));
            }
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash_child"))
            .arg(&db)
            .arg("open")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || BufReader::new(stdout).lines().count());
        std::thread::sleep(Duration::from_millis(rng.below(400)));
        let _ = child.kill();
        let status = child.wait().expect("wait");
        assert!(
            status.code() != Some(3),
            "trial {trial}: the child could not open the database"
        );
        let opens = reader.join().expect("reader");
        if status.code().is_none() {
            killed_mid_open += 1;
        }
        let g = reopen(&db).unwrap_or_else(|e| panic!("trial {trial}: reopen failed: {e}"));
        let page = g
            .list(&ListQuery {
                limit: 10_000,
                ..ListQuery::default()
            })
            .expect("list");
        assert_eq!(page.records.len(), n, "trial {trial}: messages lost");
        assert_eq!(
            g.stats().unwrap().total as usize,
            n,
            "trial {trial}: counters"
        );
        drop(g);
        let mut check = None;
        for _ in 0..100 {
            match Gateway::check(&db, &smishgate_core::GatewayOptions::default()) {
                Err(smishgate_core::Error::InUse(_)) => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                other => {
                    check = Some(other.expect("check"));
                    break;
                }
            }
        }
        let check = check.expect("the lock was released");
        assert!(check.healthy(), "trial {trial}: {check:?}");
        assert_eq!(
            (check.recoverable, check.only_in_engine),
            (n as u64, 0),
            "trial {trial}: the journal does not hold everything: {check:?}"
        );
        println!("trial {trial}: killed after {opens} opens ({status})");
    }
    assert!(
        killed_mid_open >= trials * 3 / 4,
        "only {killed_mid_open} kills"
    );
}
