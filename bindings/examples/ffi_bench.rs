//! The Rust side of the FFI figures: the same calls the Kotlin bench makes
//! (tests/kotlin/.../BenchTest.kt), on the FFI crate's API, so that the difference is the cost
//! of crossing into the JVM. Run by scripts/bench-kotlin.sh.
//!
//! `cargo run --release -p smishgate-ffi --example ffi_bench -- tests/fixtures`

use smishgate_ffi::{SmishGate, Sms};
use std::time::Instant;

fn rows(dir: &str) -> Vec<Sms> {
    let mut out = Vec::new();
    for f in ["en.jsonl", "ja.jsonl"] {
        let text = std::fs::read_to_string(format!("{dir}/{f}")).expect("fixture table");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            out.push(Sms {
                sender: v["sender"].as_str().unwrap_or_default().to_string(),
                body: v["body"].as_str().unwrap_or_default().to_string(),
                received_at_ms: None,
            });
        }
    }
    out
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/fixtures".into());
    let msgs = rows(&dir);
    let tmp = tempfile::tempdir().unwrap();
    let g = SmishGate::new(
        tmp.path().join("db").to_string_lossy().into_owned(),
        "JP".into(),
    )
    .unwrap();
    let clean = Sms {
        sender: "+819012345678".into(),
        body: "明日の打ち合わせは10時からでお願いします。".into(),
        received_at_ms: Some(1_790_000_000_000),
    };
    for _ in 0..1000 {
        g.ingest(clean.clone()).unwrap();
    }
    let n = 10_000;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(g.ingest(clean.clone()).unwrap());
    }
    let per = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("rust: ingest (a delivered message, nothing stored), {n} calls: {per:.2} µs/call");

    let batch: Vec<Sms> = msgs.iter().cycle().take(1000).cloned().collect();
    for _ in 0..3 {
        g.classify_batch(batch.clone()).unwrap();
    }
    let rounds = 20;
    let t = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(g.classify_batch(batch.clone()).unwrap());
    }
    let rate = (rounds * batch.len()) as f64 / t.elapsed().as_secs_f64();
    println!("rust: classifyBatch of 1,000 fixture messages: {rate:.0} msg/s");
}
