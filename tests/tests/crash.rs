//! Proof that nothing acknowledged is lost: a child process ingests 10,000 messages and is
//! SIGKILLed at a random moment, 20 times over the same database. After each kill the database
//! must open cleanly, hold every message whose ingest had returned, and hold none twice.

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
