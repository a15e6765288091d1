//! No error line the CLI prints names message content: bad records are told by position and
//! problem, never by a body's words, an entity that came from a body, or a number. And no log
//! line does, at any level: every command runs at `RUST_LOG=trace` and `-vvv` over marked
//! messages, and nothing marked may reach stderr.

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
    common::at_db(db, args)
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

/// Good messages carrying the markers as body words, codes, numbers and link paths: delivered,
/// warned and quarantined ones.
fn marked_messages() -> Vec<String> {
    let rows = [
        ("+819099990000", "SECRETWORD: 874512 is your verification code. Do not share it."),
        ("Google", "G-874512 is your Google verification code. SECRETWORD"),
        ("+819099990000", "【SBI証券】SECRETWORD お取引制限 https://sbisec-co-jp.xyz/874512"),
        ("09099990000", "SECRETWORD お荷物のお届けにあがりましたが不在のため持ち帰りました https://sagawa-874512.top/"),
        ("+819099990000", "Hi mum, SECRETWORD new number 874512, text me back"),
        ("SECRETWORD", "lunch at 874512?"),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, (sender, body))| {
            serde_json::json!({
                "id": format!("SECRETWORD-{i}"),
                "sender": sender,
                "body": body,
                "received_at": 1_700_000_000_000i64 + i as i64,
            })
            .to_string()
        })
        .collect()
}

/// Run with everything logged; return stdout, after checking that stderr has log lines and
/// no marker.
fn traced(db: &Path, args: &[&str], stdin: &str) -> String {
    let mut all = vec!["-vvv"];
    all.extend_from_slice(args);
    let mut c = smishgate(db, &all);
    c.env("RUST_LOG", "trace");
    let o = common::run_with_stdin(c, stdin);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("] "), "{args:?}: no log line at trace: {err}");
    assert_no_marker(&format!("{args:?} at trace, stderr"), &err);
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn nothing_marked_is_logged_at_trace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let good = marked_messages();
    let jsonl = good.join("\n") + "\n" + &BAD_JSON.join("\n") + "\n";
    let file = dir.path().join("marked.jsonl");
    std::fs::write(&file, &jsonl).unwrap();
    let xml_rows: Vec<String> = good
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let esc = |s: &str| {
                s.replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('<', "&lt;")
            };
            format!(
                "<sms address=\"{}\" date=\"{}\" type=\"1\" body=\"{}\" />",
                esc(v["sender"].as_str().unwrap()),
                v["received_at"],
                esc(v["body"].as_str().unwrap())
            )
        })
        .collect();
    let mut rows: Vec<&str> = xml_rows.iter().map(String::as_str).collect();
    rows.extend_from_slice(BAD_XML);
    let xml_file = dir.path().join("marked.xml");
    std::fs::write(&xml_file, xml(&rows, "</smses>\n")).unwrap();

    traced(&db, &["scan", file.to_str().unwrap()], "");
    traced(&db, &["--json", "scan", xml_file.to_str().unwrap()], "");
    traced(&db, &["scan", "-"], &jsonl);
    traced(&db, &["check"], &jsonl);
    traced(&db, &["check", file.to_str().unwrap()], "");
    for body in [
        "SECRETWORD: 874512 is your code",
        "【SBI証券】SECRETWORD https://sbisec-co-jp.xyz/874512",
    ] {
        traced(
            &db,
            &["check", "--from", "+819099990000", "--text", body],
            "",
        );
        traced(
            &db,
            &["--json", "check", "--from", "+819099990000", "--text", body],
            "",
        );
    }
    let list = traced(&db, &["--json", "quarantine", "list"], "");
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let ids: Vec<String> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].to_string())
        .collect();
    assert!(ids.len() >= 2, "{list}");
    traced(&db, &["quarantine", "list"], "");
    traced(&db, &["quarantine", "stats"], "");
    for id in &ids {
        traced(&db, &["quarantine", "show", id], "");
        traced(&db, &["--lang", "ja", "quarantine", "show", id], "");
    }
    // Refused (held as an attack), then forced: neither error nor output names content.
    traced(
        &db,
        &["quarantine", "release", &ids[0], "--trust", "sbi-sec"],
        "",
    );
    traced(
        &db,
        &[
            "quarantine",
            "release",
            &ids[0],
            "--trust",
            "sbi-sec",
            "--force",
        ],
        "",
    );
    traced(&db, &["quarantine", "confirm", &ids[1], "--block"], "");
    traced(&db, &["services", "blocked"], "");
    traced(&db, &["services", "block", "+819099990000"], "");
    traced(&db, &["services", "unblock", "09099990000"], "");
    traced(
        &db,
        &["services", "add-sender", "sbi-sec", "SECRETWORD"],
        "",
    );
    traced(&db, &["services", "show", "sbi-sec"], "");
    traced(&db, &["services", "export"], "");
    // Check and salvage, of a whole database and of a damaged one: neither the log nor what
    // they print names content.
    let salvaged = dir.path().join("salvaged");
    for out in [
        traced(&db, &["db", "check"], ""),
        traced(
            &db,
            &["db", "salvage", "--to", salvaged.to_str().unwrap()],
            "",
        ),
    ] {
        assert_no_marker("db check / salvage output", &out);
    }
    std::fs::write(salvaged.join("db"), b"").unwrap();
    for out in [
        traced(&salvaged, &["db", "check"], ""),
        traced(&salvaged, &["quarantine", "list"], ""),
        traced(
            &salvaged,
            &[
                "db",
                "salvage",
                "--to",
                dir.path().join("again").to_str().unwrap(),
            ],
            "",
        ),
    ] {
        assert_no_marker("db check / salvage output", &out);
    }
    traced(&db, &["quarantine", "delete", &ids[1]], "");
    traced(&db, &["quarantine", "purge", "--older-than", "0"], "");
}

#[test]
fn log_levels_follow_v_and_rust_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let input = "{\"sender\":\"a\",\"body\":\"hi\"}\n";
    // (flags, RUST_LOG, a level that must show, levels that must not)
    type Row<'a> = (
        &'a [&'a str],
        Option<&'a str>,
        Option<&'a str>,
        &'a [&'a str],
    );
    let rows: &[Row] = &[
        (
            &[],
            None,
            None,
            &["ERROR", "WARN", "INFO", "DEBUG", "TRACE"],
        ),
        (&[], Some("error"), None, &["INFO", "DEBUG"]),
        (&[], Some("info"), Some(" INFO "), &["DEBUG"]),
        (&[], Some("debug"), Some(" DEBUG "), &["TRACE"]),
        (&["-v"], None, Some(" INFO "), &["DEBUG"]),
        (&["-vv"], None, Some(" DEBUG "), &["TRACE"]),
        (
            &["--verbose", "--verbose"],
            Some("error"),
            Some(" DEBUG "),
            &[],
        ),
        (&["-v"], Some("trace"), Some(" INFO "), &["DEBUG"]),
    ];
    for (flags, rust_log, shows, hidden) in rows {
        for cmd in [&["check"][..], &["scan", "-"][..]] {
            let mut args: Vec<&str> = flags.to_vec();
            args.extend_from_slice(cmd);
            let mut c = smishgate(&db, &args);
            if let Some(v) = rust_log {
                c.env("RUST_LOG", v);
            }
            let o = common::run_with_stdin(c, input);
            assert_eq!(o.status.code(), Some(0), "{args:?}");
            let err = String::from_utf8_lossy(&o.stderr);
            if let Some(level) = shows {
                assert!(err.contains(level), "{args:?} RUST_LOG={rust_log:?}: {err}");
            } else {
                assert!(err.is_empty(), "{args:?} RUST_LOG={rust_log:?}: {err}");
            }
            for h in *hidden {
                assert!(
                    !err.contains(&format!(" {h} ")),
                    "{args:?} {rust_log:?}: {err}"
                );
            }
        }
    }
}
