//! Profiling driver: ingest_batch of 30,000 quarantined messages.
use smishgate_core::{Gateway, Sms};
fn main() {
    let dir = tempfile::tempdir().unwrap();
    let g = Gateway::open(dir.path()).unwrap();
    let b = "【SBI証券】お取引制限のお知らせ。本人確認してください https://sbisec-co-jp.xyz/login";
    let msgs: Vec<Sms> = (0..std::env::var("N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30_000i64))
        .map(|i| Sms {
            sender: format!("+8190{:08}", i),
            body: b.into(),
            received_at: Some(1_790_000_000_000 + i),
            cut: false,
        })
        .collect();
    let t = std::time::Instant::now();
    for c in msgs.chunks(1000) {
        g.ingest_batch(c).unwrap();
    }
    let e = t.elapsed();
    println!(
        "{:.0}/s, {} bytes on disk",
        msgs.len() as f64 / e.as_secs_f64(),
        g.size_on_disk().unwrap()
    );
}
