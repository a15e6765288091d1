//! Developer probe: classify JSONL rows from a corpus file and print those matching a filter.
//! `cargo run -p smishgate-tests --example probe -- FILE LABEL ACTION`
use smishgate_core::{classify, Message, Options, Registry};
use smishgate_tests::{read_jsonl, CorpusRow};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let rows: Vec<CorpusRow> = read_jsonl(std::path::Path::new(&a[1]));
    for r in rows.iter().filter(|r| r.label == a[2]) {
        let v = classify(
            &Message {
                sender: "",
                body: &r.body,
                cut: false,
            },
            Registry::builtin(),
            &Options::default(),
        );
        if v.action.as_str() == a[3] && (a.len() < 5 || !v.links.is_empty()) {
            println!(
                "{} {} {} {:?}\n   {:?}",
                r.id,
                v.kind.as_str(),
                v.links.len(),
                r.body.chars().take(200).collect::<String>(),
                v.reasons.iter().map(|x| x.en()).collect::<Vec<_>>()
            );
        }
    }
}
