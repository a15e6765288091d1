//! The `smishgate check` contract, end to end through the binary.

mod common;

use serde_json::Value;
use std::process::{Command, Output};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smishgate"));
    cmd.args(args);
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
    assert_eq!(v.len(), 7);
    assert!(v[0]["error"].as_str().unwrap().contains("not JSON"));
    assert_eq!(v[0]["id"], 1);
    assert_eq!(v[1]["id"], "x");
    assert!(v[1]["error"].as_str().unwrap().contains("sender"));
    assert_eq!(v[2]["action"], "deliver");
    assert!(v[3]["error"].as_str().unwrap().contains("object"));
    assert!(v[4]["error"].as_str().unwrap().contains("received_at"));
    assert!(v[5]["error"].as_str().unwrap().contains("empty"));
    assert!(v[6]["error"].as_str().unwrap().contains("sender"));
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
