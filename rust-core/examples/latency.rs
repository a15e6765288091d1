//! Per-message latency: each message of the UCI collection and the fixture tables is classified
//! 15 times (after one warm-up) and its median time kept; the distribution of those medians is
//! printed by SMS length. `cargo run --release -p smishgate-core --example latency`.
//! The criterion bench gives the mean (throughput); the target is the median.
use smishgate_core::{classify, Message, Options, Registry};
use std::time::Instant;

fn main() {
    let mut msgs: Vec<(String, String)> = Vec::new();
    let mut files = vec!["../shared/data/uci_sms_spam_collection.jsonl".to_string()];
    for f in std::fs::read_dir("tests/fixtures").expect("run from the workspace root") {
        let p = f.expect("entry").path();
        if p.extension().is_some_and(|e| e == "jsonl") {
            files.push(p.display().to_string());
        }
    }
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for l in text.lines() {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            let s = v["sender"].as_str().unwrap_or("").to_string();
            let b = v["body"].as_str().unwrap_or("").to_string();
            msgs.push((s, b));
        }
    }
    let reg = Registry::builtin();
    let opts = Options::default();
    // Classes: one SMS (≤ 160 characters), a joined multipart SMS (≤ 480), longer.
    let mut classes: [(&str, Vec<f64>); 3] = [
        ("one SMS (≤ 160 chars)", Vec::new()),
        ("multipart (161–480 chars)", Vec::new()),
        ("longer", Vec::new()),
    ];
    let mut all = Vec::new();
    for (s, b) in &msgs {
        let m = Message {
            sender: s,
            body: b,
            cut: false,
        };
        std::hint::black_box(classify(&m, reg, &opts));
        let mut t: Vec<f64> = (0..15)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(classify(&m, reg, &opts));
                start.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        t.sort_by(f64::total_cmp);
        let med = t[t.len() / 2];
        let chars = b.chars().count();
        let class = if chars <= 160 {
            0
        } else if chars <= 480 {
            1
        } else {
            2
        };
        classes[class].1.push(med);
        all.push(med);
    }
    let q = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * p).round() as usize]
    };
    println!("| messages | n | median µs | p90 µs | p99 µs | mean µs |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, v) in classes.iter_mut().chain(std::iter::once(&mut ("all", all))) {
        if v.is_empty() {
            continue;
        }
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {mean:.2} |",
            v.len(),
            q(v, 0.5),
            q(v, 0.9),
            q(v, 0.99)
        );
    }
}
