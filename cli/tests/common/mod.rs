//! Shared by the binary's integration tests: the binary on a given database, and running a
//! prepared command with text on stdin.

use std::io::{ErrorKind, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `cmd` with `stdin` written to its standard input; capture stdout and stderr.
pub fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn smishgate");
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    // A child that fails before reading its input (a bad registry file, a database in use)
    // closes the pipe first: that is the behaviour under test, not a failure of the harness.
    if let Err(e) = written {
        assert_eq!(e.kind(), ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    child.wait_with_output().expect("wait")
}

/// The binary on database `db` with `args`, the environment's database and log level removed
/// so that the test alone decides them.
#[allow(dead_code)] // not every test binary opens a database
pub fn at_db(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_smishgate"));
    c.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("SMISHGATE_DB")
        .env_remove("RUST_LOG");
    c
}
