//! The `smishgate check` contract, end to end through the binary.

mod common;

use serde_json::Value;
use std::process::{Command, Output};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smishgate"));
    cmd.args(args).env_remove("RUST_LOG");
    common::run_with_stdin(cmd, stdin)
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

#[test]
fn one_line_out_per_line_in_with_ids() {
    let input = concat!(
        r#"{"id":"a1","sender":"+819012345678","body":"【SBI証券】お取引制限 https://sbisec-co-jp.xyz/login"}"#,
        "\n",
        r#"{"sender":"Google","body":"G-412157 is your Google verification code."}"#,
        "\n",
        r#"{"id":7,"sender":"x","body":"Amazonで頼んだ本届いた？","received_at":"2026-11-21T09:12:44+09:00"}"#,
        "\n",
        r#"{"id":8,"sender":"x","body":"hi","received_at":1763683964000}"#,
        "\n",
    );
    let out = run(&["check"], input);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = lines(&out);
    assert_eq!(v.len(), 4);
    assert_eq!(v[0]["id"], "a1");
    assert_eq!(v[0]["action"], "quarantine");
    assert_eq!(v[0]["kind"], "impersonation");
    assert_eq!(v[0]["service"], "sbi-sec");
    assert_eq!(v[0]["links"][0]["host"], "sbisec-co-jp.xyz");
    assert!(v[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["en"].is_string() && r["ja"].is_string() && r["code"].is_string()));
    assert_eq!(
        v[1]["id"], 2,
        "the 1-based line number stands in for a missing id"
    );
    assert_eq!(v[1]["otp"], "G-412157");
    assert_eq!(v[1]["service"], "google");
    assert_eq!(v[2]["id"], 7);
    assert_eq!(v[2]["action"], "deliver");
    assert_eq!(v[2]["service"], Value::Null);
    assert_eq!(v[3]["id"], 8);
}

#[test]
fn bad_lines_get_error_lines_and_exit_1() {
    let input = "not json\n{\"id\":\"x\",\"body\":\"no sender\"}\n{\"sender\":\"a\",\"body\":\"ok\"}\n[1,2]\n{\"sender\":\"a\",\"body\":\"t\",\"received_at\":\"yesterday\"}\n\n{\"sender\":5,\"body\":\"x\"}\n";
    let out = run(&["check", "-"], input);
    assert_eq!(out.status.code(), Some(1));
    let v = lines(&out);
    // The blank line 6 is skipped, as `scan` skips it; line numbers still count it.
    assert_eq!(v.len(), 6);
    assert!(v[0]["error"].as_str().unwrap().contains("not JSON"));
    assert_eq!(v[0]["id"], 1);
    assert_eq!(v[1]["id"], "x");
    assert!(v[1]["error"].as_str().unwrap().contains("sender"));
    assert_eq!(v[2]["action"], "deliver");
    assert!(v[3]["error"].as_str().unwrap().contains("object"));
    assert!(v[4]["error"].as_str().unwrap().contains("received_at"));
    assert_eq!(v[5]["id"], 7);
    assert!(v[5]["error"].as_str().unwrap().contains("line 7: "));
    assert!(v[5]["error"].as_str().unwrap().contains("sender"));
}

/// Raw output lines (to see ids exactly as written).
fn raw_lines(out: &Output) -> Vec<String> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn input_is_read_as_scan_reads_it() {
    // (input, output lines: the id each carries, or "error: <part>")
    let rows: &[(&str, &[&str])] = &[
        // A byte-order mark before the first line.
        ("\u{FEFF}{\"sender\":\"a\",\"body\":\"hi\"}\n", &["1"]),
        // Blank and whitespace-only lines give no output; numbers count them.
        (
            "\n \t\n{\"sender\":\"a\",\"body\":\"hi\"}\n\r\n{\"sender\":\"a\",\"body\":\"hi\"}\n\n",
            &["3", "5"],
        ),
        ("\u{FEFF}\n{\"sender\":\"a\",\"body\":\"hi\"}\r\n", &["2"]),
        // A mark anywhere else is not skipped.
        (
            "{\"sender\":\"a\",\"body\":\"hi\"}\n\u{FEFF}{\"sender\":\"a\",\"body\":\"hi\"}\n",
            &["1", "error: not JSON"],
        ),
        // A key given twice: an error naming it (escaped spellings included).
        (
            "{\"sender\":\"a\",\"body\":\"hi\",\"body\":\"other\"}\n",
            &["error: key `body` appears more than once"],
        ),
        (
            "{\"sender\":\"a\",\"sender\":\"b\",\"body\":\"hi\"}\n",
            &["error: key `sender`"],
        ),
        (
            "{\"id\":\"q\",\"sender\":\"a\",\"body\":\"hi\",\"bo\\u0064y\":\"x\"}\n",
            &["error: key `body`"],
        ),
        (
            "{\"id\":1,\"id\":2,\"sender\":\"a\",\"body\":\"hi\"}\n",
            &["error: key `id`"],
        ),
        (
            "{\"sender\":\"a\",\"body\":\"hi\",\"note\":1,\"note\":2}\n",
            &["error: key `note`"],
        ),
    ];
    for (input, want) in rows {
        let out = run(&["check"], input);
        let got = lines(&out);
        assert_eq!(got.len(), want.len(), "{input:?}: {got:?}");
        for (g, w) in got.iter().zip(want.iter()) {
            match w.strip_prefix("error: ") {
                Some(part) => {
                    let e = g["error"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{input:?}: {g}"));
                    assert!(e.contains(part), "{input:?}: {e}");
                }
                None => {
                    assert_eq!(g["id"].to_string(), *w, "{input:?}: {g}");
                    assert_eq!(g["action"], "deliver", "{input:?}: {g}");
                }
            }
        }
        let bad = want.iter().any(|w| w.starts_with("error: "));
        assert_eq!(
            out.status.code(),
            Some(if bad { 1 } else { 0 }),
            "{input:?}"
        );
    }
}

#[test]
fn ids_come_back_exactly_as_written() {
    for id in [
        "123456789012345678901234567890",
        "18446744073709551616",
        "-9223372036854775809",
        "0.1000000000000000055511151231257827",
        "1e400",
        "7",
        "\"a1\"",
        "\"caf\\u00e9 \\\"x\\\"\"",
        "\"\"",
    ] {
        for body in ["hi", "【SBI証券】お取引制限 https://sbisec-co-jp.xyz/a"] {
            let input =
                format!("{{\"id\": {id} ,\"sender\":\"+819012345678\",\"body\":\"{body}\"}}\n");
            let out = run(&["check"], &input);
            let got = raw_lines(&out);
            assert_eq!(got.len(), 1, "{input}");
            assert!(
                got[0].starts_with(&format!("{{\"id\":{id},\"action\":")),
                "{input} gave {}",
                got[0]
            );
        }
        // A bad line echoes the id the same way.
        let out = run(
            &["check"],
            &format!("{{\"id\":{id},\"body\":\"no sender\"}}\n"),
        );
        let got = raw_lines(&out);
        assert!(
            got[0].starts_with(&format!("{{\"id\":{id},\"error\":")),
            "{}",
            got[0]
        );
    }
    // Not a string or a number: an error, and the line number stands in.
    for id in ["[1]", "{}", "true"] {
        let out = run(
            &["check"],
            &format!("{{\"id\":{id},\"sender\":\"a\",\"body\":\"b\"}}\n"),
        );
        let v = lines(&out);
        assert_eq!(v[0]["id"], 1);
        assert!(v[0]["error"].as_str().unwrap().contains("`id`"), "{}", v[0]);
    }
}

#[test]
fn one_message_with_json_prints_its_json_line() {
    let body = "【SBI証券】お取引制限 https://sbisec-co-jp.xyz/login";
    let from_json_lines = lines(&run(
        &["check"],
        &format!("{{\"sender\":\"+819012345678\",\"body\":\"{body}\"}}\n"),
    ));
    for args in [
        &["--json", "check", "--from", "+819012345678", "--text", body][..],
        &["check", "--from", "+819012345678", "--text", body, "--json"][..],
    ] {
        let out = run(args, "");
        assert_eq!(out.status.code(), Some(0));
        let v = lines(&out);
        assert_eq!(v.len(), 1, "{args:?}");
        assert_eq!(v[0], from_json_lines[0], "the line JSON Lines input gives");
        assert_eq!(v[0]["kind"], "impersonation");
    }
}

#[test]
fn one_message_and_an_input_file_is_a_usage_error() {
    for args in [
        &["check", "--from", "X", "--text", "hi", "in.jsonl"][..],
        &["check", "in.jsonl", "--from", "X", "--text", "hi"][..],
        &["check", "--from", "X", "--text", "hi", "-"][..],
    ] {
        let out = run(args, "");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 2, "{err}");
        assert!(
            err.starts_with("smishgate: ") && err.contains("cannot be used with"),
            "{err}"
        );
    }
}

#[test]
fn user_registry_extends_the_default() {
    let dir = std::env::temp_dir().join(format!("smishgate-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = dir.join("reg.json");
    std::fs::write(
        &reg,
        r#"{"version": 1, "services": [{"id": "monex", "name": "マネックス証券", "aliases": ["マネックス", "Monex"], "senders": ["MONEX", "+81 50-1234-5678"], "domains": ["monex.co.jp"], "links": "never"}]}"#,
    )
    .unwrap();
    let input = concat!(
        r#"{"sender":"05012345678","body":"マネックス証券 認証コード：482913"}"#,
        "\n",
        r#"{"sender":"MONEX","body":"重要なお知らせ https://monex-login.top/a"}"#,
        "\n",
    );
    let out = run(&["check", "--registry", reg.to_str().unwrap()], input);
    let v = lines(&out);
    assert_eq!(
        (v[0]["kind"].as_str(), v[0]["otp"].as_str()),
        (Some("trusted"), Some("482913"))
    );
    assert_eq!(v[1]["kind"], "spoofed-sender");
    // Without the user file the same sender is unknown.
    let out = run(&["check"], input);
    assert_eq!(lines(&out)[0]["kind"], "otp");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_registry_exits_2_before_reading() {
    let dir = std::env::temp_dir().join(format!("smishgate-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = dir.join("bad.json");
    std::fs::write(
        &reg,
        r#"{"version": 1, "services": [{"id": "x", "domains": ["co.jp"]}]}"#,
    )
    .unwrap();
    let out = run(
        &["check", "--registry", reg.to_str().unwrap()],
        "{\"sender\":\"a\",\"body\":\"b\"}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("services[0]") && err.contains("domains[0]"),
        "{err}"
    );
    let out = run(&["check", "--registry", "/nonexistent/reg.json"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["check", "--region", "XX"], "");
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn readable_verdict_in_both_languages() {
    let body = "【三井住友カード】ご利用確認のお願い https://smbc-card.com.verify-jp.top/";
    let out = run(
        &[
            "check",
            "--from",
            "+819011112222",
            "--text",
            body,
            "--lang",
            "ja",
        ],
        "",
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("隔離"), "{text}");
    assert!(text.contains("smbc-card.com"));
    let out = run(&["check", "--from", "+819011112222", "--text", body], "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("QUARANTINE"), "{text}");
}

#[test]
fn no_default_registry_knows_no_brand() {
    let out = run(
        &["check", "--no-default-registry"],
        "{\"sender\":\"a\",\"body\":\"【SBI証券】認証コード 123456\"}\n",
    );
    let v = lines(&out);
    assert_eq!(v[0]["service"], Value::Null);
    assert_eq!(v[0]["otp"], "123456");
}
