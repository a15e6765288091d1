//! No error line the CLI prints names message content: bad records are told by position and
//! problem, never by a body's words, an entity that came from a body, or a number.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// Body words, an entity's digits, the sender's number (as written and as dialled at home).
const MARKERS: &[&str] = &["SECRETWORD", "874512", "9099990000", "09099990000"];

/// `<sms>` records that are bad, each carrying the markers where an error could quote them.
const BAD_XML: &[&str] = &[
    r#"<sms address="+819099990000" date="1" type="1" body="SECRETWORD &874512; tail" />"#,
    r#"<sms address="+819099990000" date="2" type="1" body="&#SECRETWORD874512;" />"#,
    r#"<sms address="+819099990000" date="3" type="1" body="SECRETWORD &amp; &#874512 x" />"#,
    r#"<sms address="+819099990000&SECRETWORD;" date="4" type="1" body="b" />"#,
    r#"<sms address="+819099990000" date="SECRETWORD 874512" type="1" body="b" />"#,
    r#"<sms address="+819099990000" date="5" type="1" body="a"SECRETWORD874512" />"#,
];

/// Endings that stop an export, with the markers in the breakage.
const FATAL_XML_TAILS: &[&str] = &[
    "<sms address=\"+819099990000\" date=\"6\" type=\"1\" body=\"x\"/></SECRETWORD874512>",
    "<sms address=\"+819099990000\" date=\"7\" type=\"1\" body=\"SECRETWORD 874512",
];

/// JSON Lines that are bad, with the markers in their values.
const BAD_JSON: &[&str] = &[
    r#"{"sender":"+819099990000","body":5}"#,
    r#"{"sender":5,"body":"SECRETWORD 874512"}"#,
    r#"{"sender":"+819099990000","body":"SECRETWORD","received_at":"SECRETWORD874512"}"#,
    r#"{"sender":"+819099990000","body":"SECRETWORD","body":"874512"}"#,
    r#"{"sender":"+819099990000","body":"SECRETWORD \q 874512"}"#,
    r#"{"sender":["+819099990000"],"body":{"SECRETWORD":874512}}"#,
    r#"{"sender":"+819099990000","body":"SECRETWORD 874512"#,
];

fn smishgate(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_smishgate"));
    c.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("SMISHGATE_DB")
        .env_remove("RUST_LOG");
    c
}

fn assert_no_marker(what: &str, text: &str) {
    for m in MARKERS {
        assert!(!text.contains(m), "{what}: {m:?} appears in:\n{text}");
    }
}

fn xml(rows: &[&str], tail: &str) -> String {
    format!(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"9\">\n{}\n{tail}",
        rows.join("\n")
    )
}

#[test]
fn bad_records_are_told_without_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut inputs = vec![xml(BAD_XML, "</smses>\n")];
    for tail in FATAL_XML_TAILS {
        inputs.push(xml(BAD_XML, tail));
    }
    inputs.push(BAD_JSON.join("\n") + "\n");
    for (i, input) in inputs.iter().enumerate() {
        let file = dir.path().join(format!("in-{i}"));
        std::fs::write(&file, input).unwrap();
        for args in [
            &["scan", file.to_str().unwrap()][..],
            &["--json", "scan", file.to_str().unwrap()][..],
            &["scan", "-"][..],
        ] {
            let o: Output = common::run_with_stdin(smishgate(&db, args), input);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.lines().count() >= BAD_XML.len().min(BAD_JSON.len()),
                "{args:?}: every bad record has its line: {err}"
            );
            assert_no_marker(&format!("{args:?} stderr"), &err);
            assert_no_marker(
                &format!("{args:?} stdout"),
                &String::from_utf8_lossy(&o.stdout),
            );
        }
    }
    // check: each bad line's error on stdout.
    let o = common::run_with_stdin(smishgate(&db, &["check"]), &(BAD_JSON.join("\n") + "\n"));
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out.lines().count(), BAD_JSON.len(), "{out}");
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let error = v["error"].as_str().unwrap_or_else(|| panic!("{line}"));
        assert!(error.starts_with("line "), "{error}");
        assert_no_marker("check error", error);
    }
    assert_no_marker("check stderr", &String::from_utf8_lossy(&o.stderr));
}
