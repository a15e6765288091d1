//! Registry scale: how parsing, merging and compiling a user registry of N services, and
//! classifying messages against it, grow with N.
//!
//! `cargo run --release -p smishgate-core --example registry_scale -- [N]... [--write FILE]`
//! (default N: 10,000, 78,000 and 100,000). For each N it generates N synthetic services with
//! distinct pseudo-word names, aliases, domains, sender IDs and numbers, then times (best of
//! three): the file's parse and validation (`RegistryFile::from_json`), its merge over the
//! built-in registry (what the gateway does at every open), `Registry::compile`, and `classify`
//! on a dozen messages (per message the median of 51 runs; the median and worst of those are
//! printed). The same messages against the built-in registry alone are the baseline.
//! `--write FILE` only writes the registry file of the last N, for `smishgate services import`
//! (see `scripts/bench-registry.sh`).
use smishgate_core::{classify, Message, Options, Registry, RegistryFile};
use std::time::{Duration, Instant};

/// Syllables of the pseudo-words: 50 of them, so three make 125,000 distinct words.
const SYL: [&str; 50] = [
    "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so", "ta", "chi", "tsu", "te", "to",
    "na", "ni", "nu", "ne", "no", "ha", "hi", "fu", "he", "ho", "ma", "mi", "mu", "me", "mo", "ya",
    "yu", "yo", "ra", "ri", "ru", "re", "ro", "wa", "ga", "gi", "gu", "ge", "go", "za", "ji", "zu",
    "da", "de", "do",
];

/// The `i`-th pseudo-word: a bijection of `i` (below 125,000) onto three syllables, scrambled
/// so that neighbouring services do not share a prefix.
fn word(i: usize) -> String {
    let n = 50 * 50 * 50;
    assert!(i < 2 * n, "at most 250,000 services");
    let x = (i % n) * 7_919 % n;
    let mut w: String = [x / 2_500, x / 50 % 50, x % 50]
        .iter()
        .map(|&d| SYL[d])
        .collect();
    if i >= n {
        w.push('x');
    }
    w
}

/// A registry file of `n` synthetic services.
fn synthetic(n: usize) -> String {
    let suffixes = ["com", "co.jp", "net", "ne.jp", "org", "info"];
    let mut services = Vec::with_capacity(n);
    for i in 0..n {
        let w = word(i);
        let cap = format!("{}{}", w[..1].to_ascii_uppercase(), &w[1..]);
        services.push(serde_json::json!({
            "id": format!("svc-{i}"),
            "name": format!("{cap} Service"),
            "aliases": [cap, format!("{w}カード")],
            "senders": [w.to_ascii_uppercase(), format!("+81 90-{:04}-{:04}", i / 10_000, i % 10_000)],
            "domains": [format!("{w}.{}", suffixes[i % suffixes.len()])],
            "links": if i % 2 == 0 { "never" } else { "official" },
        }));
    }
    serde_json::json!({"version": 1, "services": services}).to_string()
}

/// Messages of every path: codes, look-alikes of a synthetic and a built-in brand, chat.
fn messages(n: usize) -> Vec<(String, String)> {
    let w = word(n / 2);
    let cap = format!("{}{}", w[..1].to_ascii_uppercase(), &w[1..]);
    let wrong = format!("{}q{}", &w[..2], &w[3..]);
    [
        (w.to_ascii_uppercase(), format!("{cap}: your code is 482913")),
        ("+819011112222".into(), format!("【{cap}】ご本人確認のため https://{w}-co-jp.top/login からお手続きください")),
        ("+819011112222".into(), format!("{cap} Service: your account is locked, verify at https://{wrong}.com/verify")),
        ("+819011112222".into(), format!("{cap} notice https://{w}.com.secure-login.top/")),
        ("SBI".into(), "SBI証券: 認証コード 123456".into()),
        ("+819033334444".into(), "【三井住友銀行】お客様の口座を一時停止しました https://smbc-card.top/x".into()),
        ("+819033334444".into(), "Amazon: your order is on hold, update payment at https://amaz0n-account.shop/".into()),
        ("+819055556666".into(), "明日の打ち合わせ、15時からでお願いします".into()),
        ("+15551234567".into(), "Hey, are we still on for lunch tomorrow? https://maps.google.com/?q=cafe".into()),
        ("+15551234567".into(), "USPS: your package is waiting, https://usps.com-redelivery.top/track".into()),
        ("+819077778888".into(), "Your verification code is 5521. Do not share it.".into()),
        ("+819077778888".into(), "こんにちは、ヤマト運輸です。お荷物のお届けにあがりましたが不在のため持ち帰りました https://kuroneko-yamato.xyz".into()),
    ]
    .into_iter()
    .collect()
}

/// Per-message medians of 51 runs: (median, worst) over the messages, in microseconds.
fn classify_figures(reg: &Registry, msgs: &[(String, String)]) -> (f64, f64) {
    let opts = Options::default();
    let mut medians: Vec<f64> = msgs
        .iter()
        .map(|(s, b)| {
            let m = Message {
                sender: s,
                body: b,
                cut: false,
            };
            std::hint::black_box(classify(&m, reg, &opts));
            let mut t: Vec<f64> = (0..51)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(classify(&m, reg, &opts));
                    start.elapsed().as_secs_f64() * 1e6
                })
                .collect();
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
        .collect();
    medians.sort_by(f64::total_cmp);
    (medians[medians.len() / 2], medians[medians.len() - 1])
}

/// This thread's CPU time so far (user + system), from `/proc/thread-self/stat` in clock ticks
/// (10 ms on Linux); `None` elsewhere. On a shared machine it moves less than the wall clock.
fn cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit(')').next()?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Run `f` three times; the fastest run's wall time, its CPU time, and its result.
fn best_of_3<T>(mut f: impl FnMut() -> T) -> (Duration, Option<Duration>, T) {
    let mut best: Option<(Duration, Option<Duration>, T)> = None;
    for _ in 0..3 {
        let c = cpu();
        let t = Instant::now();
        let out = f();
        let wall = t.elapsed();
        let used = cpu().zip(c).map(|(b, a)| b.saturating_sub(a));
        if best.as_ref().is_none_or(|b| wall < b.0) {
            best = Some((wall, used, out));
        }
    }
    best.expect("three runs")
}

/// `wall (cpu)` in milliseconds.
fn ms(wall: Duration, cpu: Option<Duration>) -> String {
    match cpu {
        Some(c) => format!(
            "{:.0} ({:.0})",
            wall.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3
        ),
        None => format!("{:.0}", wall.as_secs_f64() * 1e3),
    }
}

fn main() {
    let mut sizes = Vec::new();
    let mut write = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--write" {
            write = Some(args.next().expect("--write FILE"));
        } else {
            sizes.push(a.replace([',', '_'], "").parse::<usize>().expect("N"));
        }
    }
    if sizes.is_empty() {
        sizes = vec![10_000, 78_000, 100_000];
    }
    if let Some(path) = write {
        // Only the file, for the command-line bench: no figures.
        let n = *sizes.last().expect("a size");
        std::fs::write(&path, synthetic(n)).expect("write the registry file");
        return;
    }
    let builtin = Registry::builtin();
    let (med, worst) = classify_figures(builtin, &messages(1000));
    println!(
        "built-in registry ({} services): classify median {med:.1} µs, worst message {worst:.1} µs",
        builtin.services().len()
    );
    println!();
    println!("Best of three runs; wall ms with this thread's CPU ms (10 ms ticks) in brackets.");
    println!();
    println!("| services | parse + validate ms | merge over built-in ms | compile ms | classify median µs | worst message µs |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for &n in &sizes {
        let text = synthetic(n);
        let (pw, pc, user) =
            best_of_3(|| RegistryFile::from_json(&text).expect("synthetic registry validates"));
        let (mw, mc, file) = best_of_3(|| {
            let mut file = RegistryFile::default_registry().clone();
            file.merge(user.clone());
            file
        });
        let (cw, cc, reg) = best_of_3(|| Registry::compile(&file, "JP").expect("compiles"));
        let (med, worst) = classify_figures(&reg, &messages(n));
        println!(
            "| {n} | {} | {} | {} | {med:.1} | {worst:.1} |",
            ms(pw, pc),
            ms(mw, mc),
            ms(cw, cc)
        );
    }
}
