//! Logging for the app: `log` throughout the core and this crate; on Android, `initLogging`
//! installs android_logger with the tag `smishgate`; elsewhere a plain logger on stderr. Log
//! lines name counts, ids, kinds and services, never a body, a code or a number (the core's
//! rule; this crate logs nothing of its own beyond it).

use crate::SmishGateError;
use std::sync::Once;

static INSTALLED: Once = Once::new();

/// Install the logger at `level` (`error`, `warn`, `info`, `debug`, `trace` or `off`). The
/// first call installs it; later calls are no-ops (a logger cannot be installed twice), so
/// calling it from `Application.onCreate` and from a receiver is safe.
#[uniffi::export]
pub fn init_logging(level: String) -> Result<(), SmishGateError> {
    let filter: log::LevelFilter = level.trim().parse().map_err(|_| {
        SmishGateError::invalid(format!(
            "log level {level:?} is not one of error, warn, info, debug, trace, off"
        ))
    })?;
    INSTALLED.call_once(|| install(filter));
    Ok(())
}

#[cfg(target_os = "android")]
fn install(filter: log::LevelFilter) {
    android_logger::init_once(
        android_logger::Config::default()
            .with_tag("smishgate")
            .with_max_level(filter),
    );
}

#[cfg(not(target_os = "android"))]
fn install(filter: log::LevelFilter) {
    static LOGGER: Stderr = Stderr;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(filter);
    }
}

/// A plain logger for the JVM tests and desktop use: one line per record on stderr.
#[cfg(not(target_os = "android"))]
struct Stderr;

#[cfg(not(target_os = "android"))]
impl log::Log for Stderr {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.level() <= log::max_level()
    }

    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "smishgate {} {}: {}",
                r.level(),
                r.target(),
                r.args()
            );
        }
    }

    fn flush(&self) {}
}
