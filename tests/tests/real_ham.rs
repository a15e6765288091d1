//! The real-ham table (`tests/ham/real_ham.jsonl`): genuine notification and code formats that
//! organisations publish on their own pages (help pages, notification templates in their public
//! code), Japanese and English, half of them with links. None may be quarantined; warnings are
//! counted and printed so a rise shows.

use serde::Deserialize;
use smishgate_core::{classify, Action, Message, Options, Registry};
use smishgate_tests::{read_jsonl, tests_dir};

/// One genuine message with where it was read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HamRow {
    id: String,
    lang: String,
    sender: String,
    body: String,
    source: String,
    org: String,
    links_to: Vec<String>,
    note: String,
}

#[test]
fn real_ham_is_never_quarantined() {
    let rows: Vec<HamRow> = read_jsonl(&tests_dir().join("ham/real_ham.jsonl"));
    assert!(rows.len() >= 100, "only {} real ham rows", rows.len());
    let with_links = rows.iter().filter(|r| !r.links_to.is_empty()).count();
    assert!(
        with_links * 2 >= rows.len(),
        "{with_links} of {} carry a link",
        rows.len()
    );
    let ja = rows.iter().filter(|r| r.lang == "ja").count();
    assert!(ja >= 30, "only {ja} Japanese rows");
    let mut quarantined = Vec::new();
    let mut warned = 0;
    for r in &rows {
        assert!(r.source.starts_with("http"), "{}: no source", r.id);
        assert!(
            !r.org.is_empty() && !r.note.is_empty(),
            "{}: org and note",
            r.id
        );
        let v = classify(
            &Message {
                sender: &r.sender,
                body: &r.body,
                cut: false,
            },
            Registry::builtin(),
            &Options::default(),
        );
        match v.action {
            Action::Quarantine => quarantined.push(format!(
                "{} ({}): {} {:?}",
                r.id,
                r.org,
                v.kind.as_str(),
                v.reasons.iter().map(|x| x.en()).collect::<Vec<_>>()
            )),
            Action::Warn => warned += 1,
            Action::Deliver => {}
        }
    }
    println!(
        "real ham: {} rows, {warned} warned, {} quarantined",
        rows.len(),
        quarantined.len()
    );
    assert!(
        quarantined.is_empty(),
        "quarantined genuine messages:\n{}",
        quarantined.join("\n")
    );
}
