//! A closed pipe on stdout (`smishgate … | head`, `| true`) ends every command quietly: no
//! message, no "internal error", the exit status the command would have had otherwise.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample_inbox.xml");

/// The write end of a pipe whose reader has already exited: every write to it fails with EPIPE.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn true");
    let write_end = reader.stdin.take().expect("stdin of true");
    reader.wait().expect("wait for true");
    Stdio::from(write_end)
}

/// Run smishgate with `stdin` as input and stdout a closed pipe; capture stderr.
fn run_closed(db: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smishgate"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("SMISHGATE_DB")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn smishgate");
    let mut input = child.stdin.take().expect("stdin");
    // The child may exit before reading everything: a broken pipe here is expected.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().expect("wait")
}

fn jsonl(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!("{{\"id\":{i},\"sender\":\"+819012345678\",\"body\":\"【SBI証券】お取引制限 https://sbisec-co-jp.xyz/{i}\"}}\n")
        })
        .collect()
}

#[test]
fn every_output_path_ends_quietly_on_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // A database with held messages, so that list, show and stats print something.
    let o = common::run_with_stdin(
        {
            let mut c = Command::new(env!("CARGO_BIN_EXE_smishgate"));
            c.arg("--db").arg(&db).args(["scan", SAMPLE]);
            c
        },
        "",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let one = jsonl(1);
    let many = jsonl(3000);
    // (arguments, stdin, exit status expected)
    let rows: &[(&[&str], &str, i32)] = &[
        (&["check"], &one, 0),
        (&["check"], &many, 0),
        (&["check", "-"], "not json\n", 1),
        (&["check", "--from", "X", "--text", "hi"], "", 0),
        (
            &["--lang", "ja", "check", "--from", "X", "--text", "hi"],
            "",
            0,
        ),
        (
            &[
                "check",
                "--from",
                "+819012345678",
                "--text",
                "【SBI証券】お取引制限 https://sbisec-co-jp.xyz/a",
            ],
            "",
            0,
        ),
        (&["--json", "check", "--from", "X", "--text", "hi"], "", 0),
        (&["--help"], "", 0),
        (&["-h"], "", 0),
        (&["--version"], "", 0),
        (&["help"], "", 0),
        (&["check", "--help"], "", 0),
        (&["quarantine", "--help"], "", 0),
        (&["scan", SAMPLE], "", 0),
        (&["--json", "scan", SAMPLE], "", 0),
        (&["scan", "-"], &one, 0),
        (&["quarantine", "list"], "", 0),
        (&["--json", "quarantine", "list"], "", 0),
        (&["quarantine", "show", "1"], "", 0),
        (&["--lang", "ja", "quarantine", "show", "1"], "", 0),
        (&["quarantine", "stats"], "", 0),
        (&["--json", "quarantine", "stats"], "", 0),
        (&["services", "list"], "", 0),
        (&["services", "show", "sbi-sec"], "", 0),
        (&["services", "export"], "", 0),
        (&["services", "blocked"], "", 0),
        (&["services", "block", "SPAMMER"], "", 0),
        (&["quarantine", "confirm", "2"], "", 0),
        (&["quarantine", "purge", "--older-than", "36500"], "", 0),
    ];
    for (args, stdin, code) in rows {
        let o = run_closed(&db, args, stdin);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: nothing on stderr, got: {err}");
    }
}

#[test]
fn check_stops_quietly_when_the_reader_leaves_mid_stream() {
    // `head -n 1` reads one line and exits while check is still writing.
    let mut head = Command::new("head")
        .args(["-n", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn head");
    let to_head = head.stdin.take().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_smishgate"))
        .arg("check")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::from(to_head))
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn smishgate");
    let mut input = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(jsonl(20_000).as_bytes());
    });
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let first = head.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&first.stdout).lines().count(), 1);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}
