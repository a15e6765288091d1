//! A small logger on stderr: `RUST_LOG=error|warn|info|debug|trace|off`, or `-v` (info), `-vv`
//! (debug), `-vvv` (trace), which win over the variable.
//!
//! Written here rather than taken from `env_logger` because it needs one rule that crate does
//! not have: **only smishgate's own crates log at the level asked for**. Their log lines are
//! written to name record ids, kinds, services and counts, never a body, a sender or a code (the
//! tests run every command at `trace` over marked messages and look for the marks). A
//! dependency's are not: sled, at `trace`, prints every write batch it applies, record bytes
//! and all. So other crates are held to `warn` at most, and are silent unless logging was asked
//! for.
//!
//! Lines read `[   0.004s DEBUG smishgate_core::storage::gateway] gateway opened (139 services)`: time
//! since start, level, where, what.

use log::{LevelFilter, Log, Metadata, Record};
use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

/// The most a crate other than smishgate's may log at.
const DEPENDENCY_MAX: LevelFilter = LevelFilter::Warn;

/// What smishgate's crates log at when nothing is asked for.
const DEFAULT: LevelFilter = LevelFilter::Warn;

struct Stderr {
    /// smishgate's crates.
    own: LevelFilter,
    /// Everything else.
    others: LevelFilter,
    start: Instant,
}

static LOGGER: OnceLock<Stderr> = OnceLock::new();

/// Whether a log target is one of smishgate's crates (`smishgate_core::…`, `smishgate::…`).
fn is_own(target: &str) -> bool {
    target.starts_with("smishgate")
}

impl Log for Stderr {
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        let max = if is_own(m.target()) {
            self.own
        } else {
            self.others
        };
        m.level() <= max
    }

    fn log(&self, r: &Record<'_>) {
        if !self.enabled(r.metadata()) {
            return;
        }
        let t = self.start.elapsed().as_secs_f64();
        // One write per line, so that lines from threads do not interleave; a stderr that
        // cannot be written loses the line (it must not panic).
        let line = format!("[{t:>8.3}s {:<5} {}] {}\n", r.level(), r.target(), r.args());
        let _ = std::io::stderr().write_all(line.as_bytes());
    }

    fn flush(&self) {}
}

/// The level smishgate's crates log at, from the `-v` count and `RUST_LOG`, and whether
/// logging was asked for at all. `Err` names a `RUST_LOG` that is not understood (the default
/// is used then).
pub fn level(verbose: u8, rust_log: Option<&str>) -> (LevelFilter, bool, Option<String>) {
    match verbose {
        0 => {}
        1 => return (LevelFilter::Info, true, None),
        2 => return (LevelFilter::Debug, true, None),
        _ => return (LevelFilter::Trace, true, None),
    }
    let Some(spec) = rust_log.map(str::trim).filter(|s| !s.is_empty()) else {
        return (DEFAULT, false, None);
    };
    // env_logger's form is a list of `level` and `target=level`: take the most verbose level
    // given for everything or for a smishgate crate; directives for other crates are ignored
    // (they are held to DEPENDENCY_MAX anyway).
    let mut found: Option<LevelFilter> = None;
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (target, lvl) = match part.split_once('=') {
            Some((t, l)) => (t.trim(), l.trim()),
            None => ("", part),
        };
        if !target.is_empty() && !is_own(target) {
            continue;
        }
        match lvl.parse::<LevelFilter>() {
            Ok(l) => found = Some(found.map_or(l, |f| f.max(l))),
            Err(_) => {
                return (
                    DEFAULT,
                    false,
                    Some(format!(
                        "RUST_LOG={spec:?} is not understood (use error, warn, info, debug, \
                         trace or off); logging warnings only"
                    )),
                )
            }
        }
    }
    (found.unwrap_or(DEFAULT), found.is_some(), None)
}

/// Install the logger: `-v` count and the `RUST_LOG` variable.
pub fn init(verbose: u8) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let (own, asked, problem) = level(verbose, rust_log.as_deref());
    let others = if asked {
        own.min(DEPENDENCY_MAX)
    } else {
        LevelFilter::Off
    };
    let logger = LOGGER.get_or_init(|| Stderr {
        own,
        others,
        start: Instant::now(),
    });
    if log::set_logger(logger).is_ok() {
        log::set_max_level(own.max(others));
    }
    if let Some(p) = problem {
        errln!("smishgate: {p}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_flags_and_rust_log() {
        use LevelFilter::*;
        let rows: &[(u8, Option<&str>, LevelFilter, bool)] = &[
            (0, None, Warn, false),
            (0, Some(""), Warn, false),
            (0, Some("trace"), Trace, true),
            (0, Some("DEBUG"), Debug, true),
            (0, Some("error"), Error, true),
            (0, Some("off"), Off, true),
            (0, Some("info,sled=trace"), Info, true),
            (0, Some("sled=trace"), Warn, false),
            (0, Some("smishgate_core=debug,warn"), Debug, true),
            (1, Some("error"), Info, true),
            (2, None, Debug, true),
            (3, Some("off"), Trace, true),
        ];
        for (v, env, want, asked) in rows {
            let (got, a, problem) = level(*v, *env);
            assert_eq!((got, a), (*want, *asked), "-v x{v}, RUST_LOG={env:?}");
            assert!(problem.is_none());
        }
        let (got, _, problem) = level(0, Some("loud"));
        assert_eq!(got, Warn);
        assert!(problem.unwrap().contains("not understood"));
        assert!(is_own("smishgate_core::storage::gateway") && is_own("smishgate::scan"));
        assert!(!is_own("sled::tree"));
    }
}
