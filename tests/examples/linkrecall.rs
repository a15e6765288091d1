//! Recall on Mishra & Soni smishing rows (no UCI copies) that carry a link.
use smishgate_core::{classify, Message, Options, Registry};
use smishgate_tests::{read_jsonl, CorpusRow};
use std::collections::HashSet;
fn main() {
    let uci: Vec<CorpusRow> = read_jsonl(std::path::Path::new(
        "../shared/data/uci_sms_spam_collection.jsonl",
    ));
    let ms: Vec<CorpusRow> = read_jsonl(std::path::Path::new(
        "../shared/data/mishra_soni_5971.jsonl",
    ));
    let u: HashSet<&str> = uci.iter().map(|r| r.body.trim()).collect();
    let (mut n, mut q, mut w) = (0, 0, 0);
    for r in ms
        .iter()
        .filter(|r| r.label == "smishing" && !u.contains(r.body.trim()))
    {
        let v = classify(
            &Message {
                sender: "",
                body: &r.body,
                cut: false,
            },
            Registry::builtin(),
            &Options::default(),
        );
        if v.links.is_empty() {
            continue;
        }
        n += 1;
        match v.action.as_str() {
            "quarantine" => q += 1,
            "warn" => w += 1,
            _ => {
                if std::env::args().count() > 1 {
                    println!("{:?}", r.body)
                }
            }
        }
    }
    println!(
        "with links: {n}, quarantined {q}, warned {w}, delivered {}",
        n - q - w
    );
}
