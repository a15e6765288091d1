//! `smishgate`: the core from a terminal.
//!
//! * `check` classifies messages without any state. It is a contract other tools depend on
//!   (JSON Lines in, one JSON line out per input line, in order); its exact shape is documented
//!   in the README and pinned by the CLI tests. It never opens the database.
//! * `scan` reads an inbox export (SMS Backup & Restore XML or JSON Lines) into the database
//!   through the gateway and prints a summary.
//! * `quarantine …` reviews the held messages; `services …` edits the user's registry and the
//!   blocked senders; `db check` and `db salvage` are for a damaged database.
//!
//! Global options (before or after the command): `--db PATH` (else `$SMISHGATE_DB`, else the
//! platform data directory + `smishgate`), `--json` (one JSON document on stdout), `--lang
//! ja|en`, `--region CC`, `-v` (log on stderr: info; `-vv` debug; else `$RUST_LOG`).
//!
//! Exit status: 0 done; 1 something asked for is missing (a message id, a service id, a sender
//! that is not blocked) or, for `check`, a bad input line; 2 anything else (the database in use,
//! damaged or newer, a bad file, a bad registry entry, an unreadable input, a usage error).
//! Errors are one line on stderr: `smishgate: <message>`. A closed pipe on stdout (`| head`)
//! is not an error: the command stops writing and exits quietly with the status it would have
//! had.

#![forbid(unsafe_code)]

#[macro_use]
mod common;
mod check;
mod db;
mod lang;
mod logger;
mod quarantine;
mod scan;
mod services;
mod usage;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// What `-h` says the tool is for.
const ABOUT: &str = "On-device SMS gate and smishing filter: judges each SMS deliver, warn or \
                     quarantine against a registry of the services that text you.";

/// What `--help` says the tool is for.
const LONG_ABOUT: &str =
    "smishgate is an on-device SMS gate and smishing filter (smishing: SMS phishing). \
It judges every message against a registry of the services that legitimately text you - which \
senders they use, which links they may carry - and decides deliver, warn or quarantine, naming \
the service the message claims to be, its one-time code and the evidence, in English or \
Japanese. Nothing leaves the machine, and no message body, number or code is ever logged.

`check` classifies messages without keeping anything; `scan` reads an inbox export into the \
database, whose held messages `quarantine` reviews and whose registry `services` edits.";

/// Shown after the options by `--help`.
const EXAMPLES: &str = "Examples:
  smishgate check --from +819012345678 --text '【SBI証券】お取引制限 https://sbisec-co-jp.xyz/'
  smishgate check < messages.jsonl        # JSON Lines in, one verdict line out per message
  smishgate scan inbox.xml                # an SMS Backup & Restore export, into the database
  smishgate quarantine list               # then review what was held";

#[derive(Parser)]
#[command(
    name = "smishgate",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_long_help = EXAMPLES
)]
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
    /// When the database is damaged: check what can be read, salvage it into a new one.
    Db(db::DbArgs),
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // A storage-engine panic the core contains is reported as "damaged" by the command.
        if smishgate_core::storage::guard::is_guarded() {
            return;
        }
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        errln!("smishgate: internal error{location} (a bug: please report it)");
    }));
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return usage::handle::<Cli>(e, &args),
    };
    let g = cli.globals;
    logger::init(g.verbose);
    log::debug!("smishgate {}", env!("CARGO_PKG_VERSION"));
    let mut out = String::new();
    let result = match cli.command {
        Command::Check(args) => return check::run(args, &g),
        Command::Scan(args) => scan::run(args, &g, &mut out),
        Command::Quarantine(args) => quarantine::run(args, &g, &mut out),
        Command::Services(args) => services::run(args, &g, &mut out),
        Command::Db(args) => db::run(args, &g, &mut out),
    };
    // The command's own failure, if any, is the one to report; a closed pipe is none.
    match result.and(common::write_stdout(out.as_bytes())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            errln!("smishgate: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
