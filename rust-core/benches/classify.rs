//! `cargo bench -p smishgate-core --bench classify`: classification throughput on real
//! messages (the UCI collection when `../shared/data` is present, plus the fixture tables).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use smishgate_core::{classify, Message, Options, Registry};
use std::hint::black_box;
use std::path::Path;

fn bodies() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    let mut files = vec![root.join("../shared/data/uci_sms_spam_collection.jsonl")];
    for f in std::fs::read_dir(root.join("tests/fixtures")).expect("fixtures") {
        let p = f.expect("entry").path();
        if p.extension().is_some_and(|e| e == "jsonl") {
            files.push(p);
        }
    }
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json line");
            let sender = v["sender"].as_str().unwrap_or("").to_string();
            let body = v["body"].as_str().unwrap_or("").to_string();
            out.push((sender, body));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let msgs = bodies();
    let reg = Registry::builtin();
    let opts = Options::default();
    let with_links: Vec<_> = msgs
        .iter()
        .filter(|(_, b)| b.contains("http") || b.contains("www."))
        .cloned()
        .collect();
    let mut g = c.benchmark_group("classify");
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function(format!("all {} messages", msgs.len()), |b| {
        b.iter(|| {
            for (s, body) in &msgs {
                black_box(classify(
                    &Message {
                        sender: s,
                        body,
                        cut: false,
                    },
                    reg,
                    &opts,
                ));
            }
        })
    });
    g.throughput(Throughput::Elements(with_links.len() as u64));
    g.bench_function(format!("{} messages with links", with_links.len()), |b| {
        b.iter(|| {
            for (s, body) in &with_links {
                black_box(classify(
                    &Message {
                        sender: s,
                        body,
                        cut: false,
                    },
                    reg,
                    &opts,
                ));
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
