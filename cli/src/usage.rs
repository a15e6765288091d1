//! Usage errors as the README promises them: one line `smishgate: <what is wrong>` and one hint
//! line naming the help of the command that was being used, instead of clap's multi-line block
//! (error, tips, usage, "For more information").
//!
//! clap still does the parsing and words the problem; this module folds its rendered message
//! into one line (continuation lines such as the names of missing arguments or the possible
//! values, and clap's tips, in parentheses) and works out which (sub)command the words on the
//! command line reached, for the hint.

use clap::error::ErrorKind;
use clap::CommandFactory;
use std::ffi::OsString;
use std::process::ExitCode;

/// Handle a failed parse: help and version go to stdout (exit 0); anything else is a usage
/// error (exit 2).
pub fn handle<C: CommandFactory>(e: clap::Error, args: &[OsString]) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // clap writes help to stdout; a closed pipe is returned, not panicked on, and
            // ends quietly like any other output.
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            let mut cmd = C::command();
            cmd.build();
            let path = reached(&cmd, args);
            let message = if matches!(
                e.kind(),
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand
            ) {
                missing_command(&cmd, &path)
            } else {
                one_line(&e.render().to_string())
            };
            errln!("smishgate: {message}");
            errln!("Try '{} --help' for more information.", path.join(" "));
            ExitCode::from(2)
        }
    }
}

/// clap's rendered error as one line: the `error:` line, its indented continuation lines, and
/// its tips in parentheses; the usage and "For more information" lines dropped (the hint line
/// replaces them).
pub fn one_line(rendered: &str) -> String {
    let mut head = String::new();
    let mut more: Vec<&str> = Vec::new();
    let mut tips: Vec<&str> = Vec::new();
    let mut in_head = true;
    for line in rendered.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("error:") {
            head = rest.trim().to_string();
        } else if let Some(tip) = t.strip_prefix("tip:") {
            tips.push(tip.trim());
        } else if t.is_empty() || t.starts_with("Usage:") || t.starts_with("For more information") {
            // The message ends at its first blank line; the rest is usage and tips.
            in_head = false;
        } else if in_head && !head.is_empty() {
            more.push(t);
        }
    }
    if head.is_empty() {
        // Not the shape expected: keep the first line that says something.
        head = rendered
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("bad usage")
            .to_string();
    }
    let mut s = head;
    if !more.is_empty() {
        s.push(' ');
        s.push_str(&more.join(", "));
    }
    if !tips.is_empty() {
        s.push_str(&format!(" ({})", tips.join("; ")));
    }
    s
}

/// A command that needs a subcommand was given none.
fn missing_command(cmd: &clap::Command, path: &[String]) -> String {
    let mut c = cmd;
    for name in &path[1..] {
        match c.find_subcommand(name) {
            Some(sub) => c = sub,
            None => break,
        }
    }
    let names: Vec<&str> = c
        .get_subcommands()
        .map(|s| s.get_name())
        .filter(|n| *n != "help")
        .collect();
    let what = if path.len() > 1 {
        format!("`{}` needs a command", path[1..].join(" "))
    } else {
        "a command is required".to_string()
    };
    format!("{what}: {}", names.join(", "))
}

/// The command path the arguments reached (`["smishgate", "quarantine", "list"]`): the words
/// that name subcommands, skipping options and the values of options that take one.
pub fn reached(cmd: &clap::Command, args: &[OsString]) -> Vec<String> {
    let mut path = vec![cmd.get_name().to_string()];
    let mut c = cmd;
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(w) = words.next() {
        if w == "--" {
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            if long.contains('=') {
                continue;
            }
            let takes = c
                .get_arguments()
                .find(|a| a.get_long() == Some(long))
                .is_some_and(|a| a.get_action().takes_values());
            if takes {
                words.next();
            }
            continue;
        }
        if let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            // `-x VALUE` (only when the short option is last in its cluster and has no value
            // attached).
            let last = shorts.chars().last();
            let takes = shorts.chars().count() == 1
                && c.get_arguments()
                    .find(|a| a.get_short() == last)
                    .is_some_and(|a| a.get_action().takes_values());
            if takes {
                words.next();
            }
            continue;
        }
        match c.find_subcommand(w.as_ref()) {
            Some(sub) => {
                path.push(sub.get_name().to_string());
                c = sub;
            }
            // A positional argument: no subcommand can follow it.
            None => break,
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_messages_fold_into_one_line() {
        let rows: &[(&str, &str)] = &[
            (
                "error: unexpected argument '--bogus' found\n\n  tip: to pass '--bogus' as a value, use '-- --bogus'\n\nUsage: smishgate check [OPTIONS] [INPUT]\n\nFor more information, try '--help'.\n",
                "unexpected argument '--bogus' found (to pass '--bogus' as a value, use '-- --bogus')",
            ),
            (
                "error: the following required arguments were not provided:\n  --name <NAME>\n  <ID>\n\nUsage: smishgate services add --name <NAME> <ID>\n\nFor more information, try '--help'.\n",
                "the following required arguments were not provided: --name <NAME>, <ID>",
            ),
            (
                "error: invalid value 'fr' for '--lang <LANG>'\n  [possible values: en, ja]\n\nFor more information, try '--help'.\n",
                "invalid value 'fr' for '--lang <LANG>' [possible values: en, ja]",
            ),
            (
                "error: invalid value '0' for '--limit <N>': 0 is not in 1..=10000\n\nFor more information, try '--help'.\n",
                "invalid value '0' for '--limit <N>': 0 is not in 1..=10000",
            ),
            ("something else\n", "something else"),
        ];
        for (rendered, want) in rows {
            assert_eq!(one_line(rendered), *want);
        }
    }
}
