//! Usage errors are one line `smishgate: …` and a hint line (exit 2, nothing on stdout), and
//! `--help` says what the tool is for.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smishgate"))
        .args(args)
        .env_remove("SMISHGATE_DB")
        .env_remove("RUST_LOG")
        .output()
        .expect("run smishgate")
}

#[test]
fn usage_errors_are_one_line_and_a_hint() {
    // (arguments, a part of the message, the command whose help the hint names)
    let rows: &[(&[&str], &str, &str)] = &[
        (
            &[],
            "a command is required: check, scan, quarantine, services",
            "smishgate",
        ),
        (
            &["frobnicate"],
            "unrecognized subcommand 'frobnicate'",
            "smishgate",
        ),
        (
            &["check", "--bogus"],
            "unexpected argument '--bogus'",
            "smishgate check",
        ),
        (
            &["--jsn", "check"],
            "similar argument exists: '--json'",
            "smishgate check",
        ),
        (
            &["--lang", "fr", "check"],
            "[possible values: en, ja]",
            "smishgate check",
        ),
        (
            &["check", "--from", "X"],
            "--text <TEXT>",
            "smishgate check",
        ),
        (
            &["quarantine"],
            "`quarantine` needs a command: list, show,",
            "smishgate quarantine",
        ),
        (
            &["quarantine", "lst"],
            "similar subcommand exists: 'list'",
            "smishgate quarantine",
        ),
        (
            &["--db", "/nonexistent", "quarantine", "show"],
            "<ID>",
            "smishgate quarantine show",
        ),
        (
            &["quarantine", "show", "abc"],
            "invalid value 'abc'",
            "smishgate quarantine show",
        ),
        (
            &["quarantine", "list", "--kind", "nope"],
            "unknown kind; one of:",
            "smishgate quarantine list",
        ),
        (
            &["quarantine", "list", "--limit", "0"],
            "1..=10000",
            "smishgate quarantine list",
        ),
        (
            &["services", "add", "x"],
            "not provided: --name <NAME>",
            "smishgate services add",
        ),
        (
            &["services", "add", "x", "--name", "a", "--name", "b"],
            "cannot be used multiple times",
            "smishgate services add",
        ),
        (
            &["services", "--region", "US"],
            "`services` needs a command",
            "smishgate services",
        ),
        (&["scan"], "<FILE>", "smishgate scan"),
    ];
    for (args, part, cmd) in rows {
        let o = run(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            o.stdout.is_empty(),
            "{args:?}: stdout {:?}",
            String::from_utf8_lossy(&o.stdout)
        );
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: one line and a hint:\n{err}");
        assert!(lines[0].starts_with("smishgate: "), "{args:?}: {err}");
        assert!(
            lines[0].contains(part),
            "{args:?}: {part:?} missing in {err}"
        );
        assert_eq!(
            lines[1],
            format!("Try '{cmd} --help' for more information."),
            "{args:?}"
        );
    }
}

#[test]
fn help_says_what_the_tool_is_for() {
    for flag in ["--help", "-h"] {
        let o = run(&[flag]);
        assert_eq!(o.status.code(), Some(0));
        let text = String::from_utf8(o.stdout).unwrap();
        let lower = text.to_lowercase();
        for part in [
            "on-device",
            "sms gate",
            "smishing filter",
            "deliver",
            "quarantine",
        ] {
            assert!(lower.contains(part), "{flag}: {part:?} missing in:\n{text}");
        }
        for command in ["check", "scan", "quarantine", "services"] {
            assert!(
                text.lines().any(|l| l.trim_start().starts_with(command)),
                "{flag}: command {command} not listed:\n{text}"
            );
        }
        assert!(o.stderr.is_empty());
    }
    let long = String::from_utf8(run(&["--help"]).stdout).unwrap();
    assert!(
        long.contains("no message body, number or code is ever logged"),
        "{long}"
    );
    assert!(long.contains("Examples:"), "{long}");
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("smishgate "));
}
