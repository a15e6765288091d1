//! The table: every hand-written fixture must get its expected action, kind, service and code.

use smishgate_core::{classify, Message, Options};
use smishgate_tests::fixture_tables;

#[test]
fn fixture_table() {
    let tables = fixture_tables();
    let total: usize = tables.iter().map(|t| t.2.len()).sum();
    assert!(total >= 200, "only {total} fixtures");
    let mut failures = Vec::new();
    for (_, reg, rows) in &tables {
        for f in rows {
            let v = classify(
                &Message {
                    sender: &f.sender,
                    body: &f.body,
                    cut: false,
                },
                reg,
                &Options::default(),
            );
            let got = (
                v.action.as_str(),
                v.kind.as_str(),
                v.service.as_deref(),
                v.otp.as_deref(),
            );
            let want = (
                f.action.as_str(),
                f.kind.as_str(),
                f.service.as_deref(),
                f.otp.as_deref(),
            );
            if got != want {
                let reasons: Vec<String> = v.reasons.iter().map(|r| r.en()).collect();
                failures.push(format!(
                "{}: want {want:?}\n      got  {got:?}\n      why: {}\n      body: {:?}\n      reasons: {reasons:?}",
                f.id, f.why, f.body
            ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}
