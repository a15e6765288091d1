//! `--lang ja`: every heading, status, kind and label of readable output is Japanese (ids, such
//! as service ids and reason codes, stay as they are); JSON keys stay English.

mod common;

use serde_json::Value;
use std::path::Path;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample_inbox.xml");

/// Every kind id: none may be what Japanese output shows for a kind.
const KIND_IDS: &[&str] = &[
    "trusted",
    "otp",
    "clean",
    "off-policy",
    "unverified-claim",
    "suspicious-link",
    "callback-lure",
    "suspicious-text",
    "impersonation",
    "spoofed-sender",
    "lookalike-domain",
    "otp-phishing",
    "blocked",
];

fn run(db: &Path, args: &[&str], stdin: &str) -> String {
    let o = common::run_with_stdin(common::at_db(db, args), stdin);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn ja(db: &Path, args: &[&str]) -> String {
    let mut all = vec!["--lang", "ja"];
    all.extend_from_slice(args);
    run(db, &all, "")
}

/// The cells of a table line (columns are two or more spaces apart).
fn cells(line: &str) -> Vec<&str> {
    line.trim()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

fn has_japanese(s: &str) -> bool {
    s.chars().any(|c| ('\u{3040}'..='\u{9FFF}').contains(&c))
}

/// A label, heading or kind shown in Japanese output: Japanese, and no kind id.
fn assert_japanese(what: &str, s: &str) {
    assert!(has_japanese(s), "{what}: {s:?} is not Japanese");
    assert!(!KIND_IDS.contains(&s), "{what}: {s:?}");
}

/// The lines of one block: after the line `title`, up to a blank line.
fn block<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| l.trim() != title && !l.starts_with(title))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect()
}

#[test]
fn readable_output_in_japanese() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");

    // scan: the summary's labels, headings and kinds.
    let text = ja(&db, &["scan", SAMPLE]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("に取り込みました"), "{text}");
    for line in lines[1..].iter().take_while(|l| !l.is_empty()) {
        assert_japanese("summary label", cells(line)[0]);
    }
    let kinds = block(&text, "種類別");
    assert!(!kinds.is_empty(), "{text}");
    assert!(
        text.lines().any(|l| cells(l) == ["種類別", "注意", "隔離"]),
        "{text}"
    );
    for line in kinds {
        assert_japanese("summary kind", cells(line)[0]);
    }
    assert!(text.contains("\nサービス別 "), "{text}");
    assert!(text
        .trim_end()
        .ends_with("隔離したメッセージの確認: smishgate quarantine list"));

    // quarantine list: the header, each row's kind, the next-page line.
    let text = ja(&db, &["quarantine", "list", "--limit", "5"]);
    let mut lines = text.lines();
    assert_eq!(
        cells(lines.next().unwrap()),
        [
            "ID",
            "受信日時 (UTC+09:00)",
            "種類",
            "サービス",
            "送信者",
            "本文"
        ],
        "{text}"
    );
    for row in lines.by_ref().take(5) {
        assert_japanese("list kind", cells(row)[2]);
    }
    assert!(text.contains("続き: 同じ条件に --cursor "), "{text}");
    let empty = ja(&db, &["quarantine", "list", "--kind", "blocked"]);
    assert_eq!(empty.trim(), "条件に合う保存中のメッセージはありません。");

    // quarantine stats: headings, statuses and kinds.
    let text = ja(&db, &["quarantine", "stats"]);
    assert!(text.starts_with("保存中のメッセージ "), "{text}");
    for title in ["状態別", "種類別", "サービス別", "受信日別 (UTC+09:00)"] {
        assert!(text.lines().any(|l| l == title), "{title}: {text}");
    }
    for title in ["状態別", "種類別"] {
        for line in block(&text, title) {
            assert_japanese(title, cells(line)[0]);
        }
    }

    // quarantine show: labels, status, kind, headings.
    let list: Value =
        serde_json::from_str(&run(&db, &["--json", "quarantine", "list"], "")).unwrap();
    let id = list["records"][0]["id"].to_string();
    let text = ja(&db, &["quarantine", "show", &id]);
    for line in text.lines().take_while(|l| !l.is_empty()) {
        let c = cells(line);
        if c[0] != "ID" {
            assert_japanese("show label", c[0]);
        }
        if c[0] == "種類" || c[0] == "状態" {
            assert_japanese("show value", c[1]);
        }
    }
    assert!(
        text.contains("\n理由:\n") && text.contains("\n本文:\n"),
        "{text}"
    );

    // confirm, delete, purge.
    let other = list["records"][1]["id"].to_string();
    assert!(
        ja(&db, &["quarantine", "confirm", &other, "--block"]).contains("を詐欺と確認しました。")
    );
    assert!(ja(&db, &["quarantine", "delete", &other]).contains("を削除しました。"));
    assert!(
        ja(&db, &["quarantine", "purge", "--older-than", "36500"]).contains("件を削除しました。")
    );

    // services: the list's header, link policies and totals; one service's labels; changes.
    let text = ja(&db, &["services", "list"]);
    let mut lines = text.lines();
    assert_eq!(
        cells(lines.next().unwrap()),
        ["ID", "名前", "リンク", "送信元", "ドメイン"]
    );
    let policies: Vec<String> = lines
        .take_while(|l| !l.is_empty())
        .map(|l| cells(l)[2].to_string())
        .collect();
    assert!(policies.iter().all(|p| has_japanese(p)), "{policies:?}");
    assert!(policies.iter().any(|p| p == "リンクなし"));
    assert!(
        text.contains("サービス 139 件、拒否中の送信者 1 件。"),
        "{text}"
    );
    let text = ja(&db, &["services", "show", "sbi-sec"]);
    for line in text.lines() {
        let c = cells(line);
        if c[0] != "ID" {
            assert_japanese("service label", c[0]);
        }
    }
    let file = dir.path().join("reg.json");
    for (args, part) in [
        (
            vec!["services", "add", "mygym", "--name", "My Gym"],
            "サービス mygym を追加しました。",
        ),
        (
            vec!["services", "update", "mygym", "--sender", "MYGYM"],
            "サービス mygym を更新しました。",
        ),
        (
            vec!["services", "add-sender", "mygym", "GYM2"],
            "サービス mygym に送信元を登録しました。",
        ),
        (vec!["services", "block", "SPAM"], "SPAM を拒否しました。"),
        (
            vec!["services", "unblock", "SPAM"],
            "SPAM の拒否を解除しました。",
        ),
        (
            vec!["services", "export", file.to_str().unwrap()],
            "に書き出しました。",
        ),
        (
            vec!["services", "remove", "mygym"],
            "サービス mygym を削除しました。",
        ),
        (
            vec!["services", "import", file.to_str().unwrap()],
            "件を取り込みました。",
        ),
        (vec!["services", "reset"], "組み込みの状態に戻しました"),
        (vec!["services", "blocked"], "拒否中の送信者はいません。"),
    ] {
        let text = ja(&db, &args);
        assert!(text.contains(part), "{args:?}: {text}");
    }

    // check: the verdict's kind and its link lines.
    let text = ja(
        &db,
        &[
            "check",
            "--from",
            "+819011112222",
            "--text",
            "【三井住友カード】ご利用確認 https://smbc-card.com.verify-jp.top/ https://www.smbc-card.com/",
        ],
    );
    let first = text.lines().next().unwrap();
    assert!(first.ends_with("（なりすまし）"), "{text}");
    let links: Vec<&str> = text.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(links.len(), 2, "{text}");
    assert!(links.iter().all(|l| l.starts_with("  リンク: ")), "{text}");
    assert!(
        links[0].ends_with("（smbc-card.com に似せたドメイン）"),
        "{text}"
    );
    assert!(links[1].ends_with("（smbc-card の公式ドメイン）"), "{text}");

    // JSON keeps its English keys and ids.
    let s: Value =
        serde_json::from_str(&run(&db, &["--lang", "ja", "--json", "scan", SAMPLE], "")).unwrap();
    assert!(s["by_kind"]["impersonation"].is_object(), "{s}");
    let stats: Value = serde_json::from_str(&run(
        &db,
        &["--lang", "ja", "--json", "quarantine", "stats"],
        "",
    ))
    .unwrap();
    assert!(stats["by_status"]["quarantined"].is_u64(), "{stats}");
}

#[test]
fn times_are_shown_at_the_offset_days_are_counted_in() {
    // 2023-11-14T22:13:20Z: the 15th at UTC+09:00 (JP), the 14th at UTC (US).
    let line = "{\"sender\":\"+819012345678\",\"body\":\"【SBI証券】お取引制限 https://sbisec-co-jp.xyz/t\",\"received_at\":1700000000000}\n";
    for (region, day, time, offset) in [
        ("JP", "2023-11-15", "2023-11-15 07:13", "+09:00"),
        ("US", "2023-11-14", "2023-11-14 22:13", "+00:00"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        run(&db, &["--region", region, "scan", "-"], line);
        let r = &["--region", region];
        let stats: Value = serde_json::from_str(&run(
            &db,
            &[r as &[&str], &["--json", "quarantine", "stats"]].concat(),
            "",
        ))
        .unwrap();
        assert_eq!(stats["by_day"][day], 1, "{region}: {stats}");
        let list = run(&db, &[r as &[&str], &["quarantine", "list"]].concat(), "");
        assert!(list.contains(&format!("RECEIVED (UTC{offset})")), "{list}");
        assert!(list.contains(time), "{region}: {list}");
        let text = run(&db, &[r as &[&str], &["quarantine", "stats"]].concat(), "");
        assert!(
            text.contains(&format!("By day received (UTC{offset})")),
            "{text}"
        );
        assert!(text.contains(day), "{text}");
        let show = run(
            &db,
            &[r as &[&str], &["quarantine", "show", "1"]].concat(),
            "",
        );
        assert!(show.contains(&format!("{time}:20 {offset}")), "{show}");
    }
}
