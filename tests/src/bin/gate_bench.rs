//! `cargo run --release -p smishgate-tests --bin gate_bench`: the gateway's speed and size
//! figures quoted in the README.
//!
//! 1. `ingest_batch` of 100,000 real messages (UCI + fixtures, repeated with distinct times;
//!    batches of 1,000 as the CLI sends them).
//! 2. Single `ingest` with its flush, p50 and p99 over 2,000 quarantined messages.
//! 3. A database of 100,000 quarantined messages: bytes on disk per 1,000, reopen time, first
//!    page of 50.

use smishgate_core::{Gateway, ListQuery, Sms};
use std::time::{Duration, Instant};

fn corpus() -> Vec<(String, String)> {
    let root = smishgate_tests::tests_dir();
    let mut files = vec![root.join("../../shared/data/uci_sms_spam_collection.jsonl")];
    for e in std::fs::read_dir(root.join("fixtures")).expect("fixtures") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            files.push(p);
        }
    }
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            out.push((
                v["sender"].as_str().unwrap_or("").to_string(),
                v["body"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let base = 1_790_000_000_000i64;
    let msgs = corpus();
    let phish: Vec<&(String, String)> = {
        let reg = smishgate_core::Registry::builtin();
        msgs.iter()
            .filter(|(s, b)| {
                smishgate_core::classify(
                    &smishgate_core::Message {
                        sender: s,
                        body: b,
                        cut: false,
                    },
                    reg,
                    &Default::default(),
                )
                .action
                    == smishgate_core::Action::Quarantine
            })
            .collect()
    };

    // 1. ingest_batch throughput on the real mix.
    let dir = tempfile::tempdir().expect("tempdir");
    let g = Gateway::open(dir.path().join("mix")).expect("open");
    let all: Vec<Sms> = (0..100_000)
        .map(|i| {
            let (s, b) = &msgs[i % msgs.len()];
            Sms {
                sender: s.clone(),
                body: b.clone(),
                received_at: Some(base + i as i64),
                cut: false,
            }
        })
        .collect();
    let t = Instant::now();
    let mut quarantined = 0;
    for chunk in all.chunks(1000) {
        quarantined += g
            .ingest_batch(chunk)
            .expect("batch")
            .iter()
            .filter(|d| d.record_id.is_some())
            .count();
    }
    let e = t.elapsed();
    println!(
        "ingest_batch: 100,000 real messages ({quarantined} quarantined) in {:.2} s = {:.0} messages/s (target >= 50,000)",
        e.as_secs_f64(),
        100_000.0 / e.as_secs_f64()
    );
    drop(g);

    // 2. Single ingest with flush.
    let g = Gateway::open(dir.path().join("single")).expect("open");
    let mut times = Vec::new();
    for i in 0..2000 {
        let (s, b) = phish[i % phish.len()];
        let sms = Sms {
            sender: s.clone(),
            body: b.clone(),
            received_at: Some(base + i as i64),
            cut: false,
        };
        let t = Instant::now();
        let d = g.ingest(&sms).expect("ingest");
        times.push(t.elapsed());
        assert!(d.record_id.is_some());
    }
    times.sort();
    println!(
        "ingest (one quarantined message, flushed): p50 {:.2} ms, p99 {:.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
    drop(g);

    // 3. 100,000 quarantined messages: size, reopen, first page.
    let path = dir.path().join("big");
    {
        let g = Gateway::open(&path).expect("open");
        let big: Vec<Sms> = (0..100_000)
            .map(|i| {
                let (s, b) = phish[i % phish.len()];
                Sms {
                    sender: s.clone(),
                    body: b.clone(),
                    received_at: Some(base + i as i64 * 1000),
                    cut: false,
                }
            })
            .collect();
        let t = Instant::now();
        for chunk in big.chunks(1000) {
            g.ingest_batch(chunk).expect("batch");
        }
        let e = t.elapsed();
        let stats = g.stats().expect("stats");
        assert_eq!(stats.total, 100_000);
        println!(
            "ingest_batch: 100,000 quarantined messages in {:.2} s = {:.0} messages/s",
            e.as_secs_f64(),
            100_000.0 / e.as_secs_f64()
        );
        let bytes = g.size_on_disk().expect("size");
        println!(
            "size on disk: {:.1} MB for 100,000 quarantined = {:.0} KB per 1,000 (average body {} bytes)",
            bytes as f64 / 1e6,
            bytes as f64 / 100.0 / 1e3,
            big.iter().map(|s| s.body.len()).sum::<usize>() / big.len()
        );
    }
    let mut reopen = Vec::new();
    let mut first_page = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let g = Gateway::open(&path).expect("reopen");
        reopen.push(t.elapsed());
        let t = Instant::now();
        let page = g
            .list(&ListQuery {
                limit: 50,
                ..ListQuery::default()
            })
            .expect("list");
        first_page.push(t.elapsed());
        assert_eq!(page.records.len(), 50);
    }
    reopen.sort();
    first_page.sort();
    println!(
        "reopen with 100,000 quarantined: {:.0} ms (median of 3; target < 500 ms); first page of 50: {:.2} ms (target < 5 ms)",
        reopen[1].as_secs_f64() * 1e3,
        first_page[1].as_secs_f64() * 1e3
    );
}
