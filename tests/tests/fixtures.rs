//! The table: every hand-written fixture must get its expected action, kind, service and code.

use smishgate_core::{classify, Message, Options};
use smishgate_tests::{fixture_registry, fixtures};

#[test]
fn fixture_table() {
    let reg = fixture_registry();
    let rows = fixtures();
    assert!(rows.len() >= 200, "only {} fixtures", rows.len());
    let mut failures = Vec::new();
    for f in &rows {
        let v = classify(
            &Message {
                sender: &f.sender,
                body: &f.body,
            },
            &reg,
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
            let reasons: Vec<&str> = v.reasons.iter().map(|r| r.en.as_str()).collect();
            failures.push(format!(
                "{}: want {want:?}\n      got  {got:?}\n      why: {}\n      body: {:?}\n      reasons: {reasons:?}",
                f.id, f.why, f.body
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
