//! Shared by the binary's integration tests: run a prepared command with text on stdin.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Run `cmd` with `stdin` written to its standard input; capture stdout and stderr.
pub fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn smishgate");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}
