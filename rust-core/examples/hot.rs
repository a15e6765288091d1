//! Profiling driver: classify real messages repeatedly (`links` as first argument: only those
//! with links, fixture tables included).
use smishgate_core::{classify, Message, Options, Registry};
fn main() {
    let only_links = std::env::args().nth(1).is_some_and(|a| a == "links");
    let mut bodies: Vec<String> = Vec::new();
    let mut files = vec!["../shared/data/uci_sms_spam_collection.jsonl".to_string()];
    for f in std::fs::read_dir("tests/fixtures").unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "jsonl") {
            files.push(p.display().to_string());
        }
    }
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for l in text.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let b = v["body"].as_str().unwrap().to_string();
            if !only_links || b.contains("http") || b.contains("www.") {
                bodies.push(b);
            }
        }
    }
    let reg = Registry::builtin();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..10 {
        for b in &bodies {
            std::hint::black_box(classify(
                &Message {
                    sender: "",
                    body: b,
                    cut: false,
                },
                reg,
                &Options::default(),
            ));
            n += 1;
        }
    }
    let e = t.elapsed();
    println!(
        "{n} msgs in {e:?}: {:.0}/s, {:.2} us each",
        n as f64 / e.as_secs_f64(),
        e.as_micros() as f64 / n as f64
    );
}
