//! `smishgate`: the core from a terminal.
//!
//! `check` is a contract other tools depend on (JSON Lines in, one JSON line out per input
//! line, in order); its exact shape is documented in the README and pinned by the CLI tests.

mod check;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// On-device SMS gate and smishing filter.
#[derive(Parser)]
#[command(name = "smishgate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify messages: JSON Lines in, one verdict line out per input line.
    Check(check::CheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
    }
}
