//! `smishgate`: the core from a terminal.
//!
//! * `check` classifies messages without any state. It is a contract other tools depend on
//!   (JSON Lines in, one JSON line out per input line, in order); its exact shape is documented
//!   in the README and pinned by the CLI tests. It never opens the database.
//! * `scan` reads an inbox export (SMS Backup & Restore XML or JSON Lines) into the database
//!   through the gateway and prints a summary.
//! * `quarantine …` reviews the held messages; `services …` edits the user's registry and the
//!   blocked senders.
//!
//! Global options (before or after the command): `--db PATH` (else `$SMISHGATE_DB`, else the
//! platform data directory + `smishgate`), `--json` (one JSON document on stdout), `--lang
//! ja|en`, `--region CC`.
//!
//! Exit status: 0 done; 1 something asked for is missing (a message id, a service id, a sender
//! that is not blocked) or, for `check`, a bad input line; 2 anything else (the database in use,
//! damaged or newer, a bad file, a bad registry entry, an unreadable input, a usage error).
//! Errors are one line on stderr: `smishgate: <message>`.

#[macro_use]
mod common;
mod check;
mod quarantine;
mod scan;
mod services;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

/// On-device SMS gate and smishing filter.
#[derive(Parser)]
#[command(name = "smishgate", version, about)]
struct Cli {
    #[command(flatten)]
    globals: common::Globals,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify messages: JSON Lines in, one verdict line out per input line.
    Check(check::CheckArgs),
    /// Scan an inbox export into the database and print a summary.
    Scan(scan::ScanArgs),
    /// Review quarantined messages: list, show, release, confirm, delete, purge, stats.
    Quarantine(quarantine::QuarantineArgs),
    /// Your registry of services and blocked senders.
    Services(services::ServicesArgs),
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // A storage-engine panic the core contains is reported as "damaged" by the command.
        if smishgate_core::guard::is_guarded() {
            return;
        }
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("smishgate: internal error{location} (a bug: please report it)");
    }));
    let cli = Cli::parse();
    let g = cli.globals;
    let mut out = String::new();
    let result = match cli.command {
        Command::Check(args) => return check::run(args, &g.region, &g.lang),
        Command::Scan(args) => scan::run(args, &g, &mut out),
        Command::Quarantine(args) => quarantine::run(args, &g, &mut out),
        Command::Services(args) => services::run(args, &g, &mut out),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A closed pipe (`| head`) is not an error; anything else is.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("smishgate: writing output: {e}");
            return ExitCode::from(2);
        }
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("smishgate: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
