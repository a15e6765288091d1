//! The verdict-diff tool: every verdict the classifier gives over every set it is measured on,
//! written one line per message, and compared against an earlier dump.
//!
//! A change that must not change a verdict (a refactor, a speed-up) proves it with this:
//!
//! ```sh
//! cargo run --release -q -p smishgate-tests --bin verdicts -- dump /tmp/before.jsonl   # before
//! cargo run --release -q -p smishgate-tests --bin verdicts -- diff /tmp/before.jsonl   # after
//! ```
//!
//! A line holds what a user or the app can see: action, kind, service, code, every link's
//! analysis, every reason's code and evidence, both languages' sentences, and the whole
//! explanation in each language. The sets are every JSON Lines file in `../shared/data` (when
//! present), the fixture tables with their registries, the blind sets and the real-ham table.

use serde_json::{json, Value};
use smishgate_core::{classify, Message, Options, Registry, Verdict};
use smishgate_tests::{fixture_tables, read_jsonl, shared_data, tests_dir, CorpusRow};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a user or the app can see of one verdict, as one JSON value with a stable key order.
fn seen(v: &Verdict) -> Value {
    // A reason serialises with its code, its evidence and both sentences.
    json!({
        "action": v.action.as_str(),
        "kind": v.kind.as_str(),
        "service": v.service,
        "otp": v.otp,
        "links": serde_json::to_value(&v.links).expect("links serialise"),
        "reasons": serde_json::to_value(&v.reasons).expect("reasons serialise"),
        "explain_en": v.explain("en"),
        "explain_ja": v.explain("ja"),
    })
}

fn judge(reg: &Registry, sender: &str, body: &str) -> Value {
    seen(&classify(
        &Message {
            sender,
            body,
            cut: false,
        },
        reg,
        &Options::default(),
    ))
}

fn jsonl_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn name(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_string()
}

/// Every (set, row id) with its verdict, in a fixed order.
fn all() -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    let builtin = Registry::builtin();
    let mut corpora: Vec<(String, PathBuf)> = Vec::new();
    if let Some(d) = shared_data() {
        corpora.extend(jsonl_files(&d).into_iter().map(|p| (name(&p), p)));
    } else {
        eprintln!("verdicts: ../shared/data is absent; its sets are left out");
    }
    for p in jsonl_files(&tests_dir().join("blind")) {
        corpora.push((format!("blind/{}", name(&p)), p));
    }
    corpora.push((
        "ham/real_ham".into(),
        tests_dir().join("ham/real_ham.jsonl"),
    ));
    for (set, path) in corpora {
        for r in read_jsonl::<CorpusRow>(&path) {
            let v = judge(builtin, r.sender.as_deref().unwrap_or(""), &r.body);
            out.push((set.clone(), r.id, v));
        }
    }
    for (table, reg, rows) in fixture_tables() {
        for f in rows {
            let v = judge(&reg, &f.sender, &f.body);
            out.push((format!("fixtures/{table}"), f.id, v));
        }
    }
    out
}

fn line(set: &str, id: &str, v: &Value) -> String {
    json!({"set": set, "id": id, "verdict": v}).to_string()
}

fn dump(path: &Path) -> std::io::Result<()> {
    let rows = all();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (set, id, v) in &rows {
        writeln!(f, "{}", line(set, id, v))?;
    }
    f.flush()?;
    println!("{} verdicts written to {}", rows.len(), path.display());
    Ok(())
}

fn diff(path: &Path) -> std::io::Result<bool> {
    let text = std::fs::read_to_string(path)?;
    let mut before: BTreeMap<(String, String), Value> = BTreeMap::new();
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        let o: Value = serde_json::from_str(l).map_err(std::io::Error::other)?;
        let key = (
            o["set"].as_str().unwrap_or("").to_string(),
            o["id"].as_str().unwrap_or("").to_string(),
        );
        before.insert(key, o["verdict"].clone());
    }
    let now = all();
    let mut sets: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut differ, mut missing, mut shown) = (0usize, 0usize, 0usize);
    for (set, id, v) in &now {
        let e = sets.entry(set.as_str()).or_default();
        e.0 += 1;
        match before.remove(&(set.clone(), id.clone())) {
            None => missing += 1,
            Some(b) if b != *v => {
                differ += 1;
                e.1 += 1;
                if shown < 10 {
                    shown += 1;
                    println!("DIFFERS {set} {id}\n  before {b}\n  after  {v}");
                }
            }
            Some(_) => {}
        }
    }
    for (set, (n, d)) in &sets {
        println!("{set:32} {n:6} verdicts, {d} differ");
    }
    println!(
        "{} verdicts over {} sets: {differ} differ, {missing} new, {} gone",
        now.len(),
        sets.len(),
        before.len()
    );
    Ok(differ == 0 && missing == 0 && before.is_empty())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args.as_slice() {
        [cmd, p] if cmd == "dump" => dump(Path::new(p)).map(|()| true),
        [cmd, p] if cmd == "diff" => diff(Path::new(p)),
        _ => {
            eprintln!("usage: verdicts dump FILE | verdicts diff FILE");
            return ExitCode::from(2);
        }
    };
    match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("verdicts: {e}");
            ExitCode::from(2)
        }
    }
}
