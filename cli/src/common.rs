//! What the command groups share: the global options, opening the database, the failure type
//! that `main` turns into an exit status, and text helpers (times, tables, safe previews).
//!
//! Output is built in a `String` by each command and written by `main` once the command is
//! done, so that a closed pipe (`| head`) or an error after the output cannot leave half a
//! table behind, and errors always go to stderr after it.

use clap::Args;
use serde::Serialize;
use smishgate_core::{Error, Gateway, GatewayOptions, Kind, Status};
use std::path::PathBuf;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Environment variable naming the database directory (overridden by `--db`).
pub const DB_ENV: &str = "SMISHGATE_DB";

/// Options accepted before or after any command.
#[derive(Args, Debug, Clone)]
pub struct Globals {
    /// Database directory [default: $SMISHGATE_DB, else the platform data directory +
    /// `smishgate`, e.g. ~/.local/share/smishgate]. Not used by `check`.
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Machine output on stdout: one JSON document per command (JSON Lines for `check`).
    /// Errors stay text on stderr.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of reasons and verdicts in readable output.
    #[arg(long, global = true, default_value = "en", value_parser = ["en", "ja"])]
    pub lang: String,
    /// Region for numbers written without a country code (ISO 3166, e.g. JP, US, GB).
    #[arg(long, global = true, default_value = smishgate_core::signals::sender::DEFAULT_REGION, value_name = "CC")]
    pub region: String,
    /// Log what happens on stderr: -v info, -vv debug, -vvv trace (else $RUST_LOG). Log lines
    /// name counts, ids, kinds and services, never a message body, a sender or a code.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Why a command did not succeed; `main` prints `smishgate: <message>` and exits with the code.
#[derive(Debug)]
pub struct Failure {
    /// Exit status: 1 for something missing (a record, a service, a blocked sender) or a
    /// sender blocked already, 2 for everything else.
    pub code: u8,
    /// The message, without the `smishgate: ` prefix.
    pub message: String,
}

impl Failure {
    /// Something asked for does not exist (exit 1).
    pub fn missing(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    /// Anything else (exit 2).
    pub fn fatal(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        match e {
            // Blocking a sender blocked already is the mirror of unblocking one that is not.
            Error::NoSuchRecord(_) | Error::NoSuchService(_) | Error::AlreadyBlocked { .. } => {
                Failure::missing(e.to_string())
            }
            // Damage comes with what to do about it.
            Error::Corrupt(_) => Failure::fatal(format!(
                "{e}\nhint: `smishgate db check` tells what can still be read; `smishgate db salvage --to NEW_DIR` copies it into a new database"
            )),
            other => Failure::fatal(other.to_string()),
        }
    }
}

/// Result of a command.
pub type CmdResult = Result<(), Failure>;

/// Append a line to an output buffer (writing to a `String` cannot fail).
macro_rules! outln {
    ($out:expr) => {
        $out.push('\n')
    };
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

/// Print a line on stderr. Unlike `eprintln!`, a stderr that cannot be written (a closed pipe)
/// does not panic: the message is lost, which is all that can happen to it.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Whether a write failed because the reader of stdout went away (`| head`, `| true`): not an
/// error, the command ends quietly.
pub fn is_closed_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// Write `bytes` to stdout and flush. A closed pipe is success (see [`is_closed_pipe`]); any
/// other failure is an error (exit 2).
pub fn write_stdout(bytes: &[u8]) -> CmdResult {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if !is_closed_pipe(&e) => Err(Failure::fatal(format!("writing output: {e}"))),
        _ => Ok(()),
    }
}

/// An open database with the options it was opened with.
pub struct Db {
    /// The gateway.
    pub gw: Gateway,
    /// Where it is.
    pub path: PathBuf,
    /// The UTC offset (minutes) the gateway counts days in; times are shown in it.
    pub utc_offset_minutes: i32,
}

/// The database directory: `--db`, else `$SMISHGATE_DB`, else the platform data directory.
pub fn db_path(g: &Globals) -> Result<PathBuf, Failure> {
    if let Some(p) = &g.db {
        return Ok(p.clone());
    }
    if let Some(p) = std::env::var_os(DB_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    dirs::data_dir()
        .map(|d| d.join("smishgate"))
        .ok_or_else(|| {
            Failure::fatal(format!(
                "no data directory is known for this user: pass --db PATH or set {DB_ENV}"
            ))
        })
}

/// Open (or create) the database.
pub fn open_db(g: &Globals) -> Result<Db, Failure> {
    let path = db_path(g)?;
    let opts = GatewayOptions::for_region(&g.region);
    let utc_offset_minutes = opts.utc_offset_minutes;
    let gw = Gateway::open_with(&path, opts)?;
    Ok(Db {
        gw,
        path,
        utc_offset_minutes,
    })
}

/// Parse a kind name (`impersonation`, `lookalike-domain`, …).
pub fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown kind; one of: {}", names.join(", "))
    })
}

/// Parse a review status for clap: `quarantined`, `released` or `confirmed`.
pub fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s)
        .ok_or_else(|| "unknown status; one of: quarantined, released, confirmed".into())
}

/// Print one JSON document.
pub fn json<T: Serialize + ?Sized>(out: &mut String, value: &T) -> CmdResult {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::fatal(format!("cannot write JSON: {e}")))?;
    outln!(out, "{text}");
    Ok(())
}

/// `YYYY-MM-DD HH:MM` (with seconds when `seconds`) at a UTC offset.
pub fn format_time(ms: i64, utc_offset_minutes: i32, seconds: bool) -> String {
    let day = smishgate_core::import::timestamp::day(ms, utc_offset_minutes);
    let local = ms.div_euclid(1000) + i64::from(utc_offset_minutes) * 60;
    let s = local.rem_euclid(86_400);
    if seconds {
        format!("{day} {:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{day} {:02}:{:02}", s / 3600, s / 60 % 60)
    }
}

/// `+09:00`.
pub fn format_offset(utc_offset_minutes: i32) -> String {
    let sign = if utc_offset_minutes < 0 { '-' } else { '+' };
    let m = utc_offset_minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Characters that must not reach a terminal as they are: controls (escape sequences could
/// rewrite the screen) and bidirectional overrides (they could reorder what is shown).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A message text made safe for a terminal: unsafe characters shown as `\u{…}`; line breaks
/// kept.
pub fn safe_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\r' {
            out.push('\n');
        } else if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// One line of at most `max` terminal columns (a Japanese character takes two): whitespace runs
/// become one space, unsafe characters are dropped, `…` marks a cut.
pub fn one_line(s: &str, max: usize) -> String {
    let mut flat = String::new();
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = !flat.is_empty();
        } else if !is_unsafe(c) {
            if space {
                flat.push(' ');
                space = false;
            }
            flat.push(c);
        }
    }
    if width(&flat) <= max {
        return flat;
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in flat.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max.saturating_sub(1) {
            break;
        }
        used += w;
        cut.push(c);
    }
    cut.push('…');
    cut
}

/// Columns a string takes in a terminal (East Asian wide characters count two), as
/// `unicode-width` reads Unicode's East Asian Width tables.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// A table with left-aligned columns (the last one unpadded).
pub fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(n) {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, cell) in cells.enumerate() {
            if i + 1 < n {
                s.push_str(cell);
                s.push_str(&" ".repeat(widths[i] - width(cell) + 2));
            } else {
                s.push_str(cell);
            }
        }
        outln!(out, "{}", s.trim_end());
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(
            format_time(1_795_219_964_000, 540, true),
            "2026-11-21 09:12:44"
        );
        assert_eq!(format_time(1_795_219_964_000, 0, false), "2026-11-21 00:12");
        assert_eq!(format_time(-1000, 0, true), "1969-12-31 23:59:59");
        assert_eq!(format_offset(540), "+09:00");
        assert_eq!(format_offset(-330), "-05:30");
    }

    #[test]
    fn text() {
        assert_eq!(one_line("  a\n\n b\tc  ", 40), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("ab\u{1b}[2Jc\u{202E}d", 40), "ab[2Jcd");
        assert_eq!(safe_text("a\r\nb\u{1b}c"), "a\nb\\u{1b}c");
        assert_eq!(width("aあ"), 3);
        assert_eq!(one_line("あいうえお", 7), "あいう…");
        assert_eq!(width(&one_line("【SBI証券】お取引制限のお知らせ", 20)), 20);
        assert_eq!(parse_kind("lookalike-domain"), Ok(Kind::LookalikeDomain));
        assert!(parse_kind("nope").unwrap_err().contains("impersonation"));
    }
}
