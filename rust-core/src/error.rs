//! The core's one rich error type. Front ends (the CLI, later the FFI) map it to what their
//! users need; every variant names what was wrong so that a message can be shown as is.

/// Everything that can go wrong in the core. Non-exhaustive: a front end maps the variants it
/// knows and gives any later one its most general error, so a new failure never breaks a build.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A registry file is not valid JSON or not of the registry shape.
    #[error("registry is not valid JSON: {0}")]
    RegistryJson(String),
    /// A registry file declares a format version this build does not read.
    #[error(
        "registry format version {found} is not supported (this build reads version {supported})"
    )]
    RegistryVersion {
        /// The version found in the file.
        found: u64,
        /// The version this build reads.
        supported: u64,
    },
    /// One entry of a registry is invalid.
    #[error("registry entry {entry}: field `{field}`: {message}")]
    RegistryEntry {
        /// Which entry, e.g. `services[3] (id "monex")`.
        entry: String,
        /// Which field of it.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The database is open in another process.
    #[error("the database {0} is in use by another process")]
    InUse(String),
    /// The database was written by a newer smishgate.
    #[error("the database was written in format {found}, newer than this build reads ({supported}): update smishgate")]
    NewerFormat {
        /// Format found on disk.
        found: u32,
        /// Format this build reads.
        supported: u32,
    },
    /// The database files are damaged.
    #[error("the database is damaged: {0}")]
    Corrupt(String),
    /// The disk (or the app's quota) is full: nothing of the failed write was acknowledged.
    #[error("storage full: free some space on the device (deleting or purging held messages also helps), then try again; nothing already stored was lost")]
    Full,
    /// The database cannot be written: read-only storage, or no permission. The storage
    /// engine writes when it opens a database, so it cannot be opened; salvage, which only
    /// reads, can copy it somewhere writable.
    #[error("the database {0} cannot be written (read-only storage or no permission); smishgate writes to its database when it opens it. `smishgate db salvage --to DIR` copies what it holds to a writable place")]
    ReadOnly(String),
    /// The storage engine failed (I/O).
    #[error("storage error: {0}")]
    Store(String),
    /// A file the core reads or writes itself (the journal, a salvage copy) failed; the I/O
    /// error is kept as the source, the message names the path and the kind of failure.
    #[error("storage error: {path}: {}", source.kind())]
    Io {
        /// The file or folder.
        path: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The storage engine failed; its own error is kept as the source.
    #[error("storage error: {}{source}", at.as_deref().map(|p| format!("{p}: ")).unwrap_or_default())]
    Engine {
        /// The database's path, when the failure was opening it.
        at: Option<String>,
        /// What the engine said.
        #[source]
        source: sled::Error,
    },
    /// No quarantined message has this id.
    #[error("no quarantined message has id {0}")]
    NoSuchRecord(u64),
    /// No service has this id.
    #[error("no service has id `{0}`")]
    NoSuchService(String),
    /// A service with this id exists already.
    #[error("a service with id `{0}` exists already (use update)")]
    ServiceExists(String),
    /// Trusting the sender of a message that was held as an attack was asked without force.
    /// The message names the verdict and its telling reason by code only: errors can end up
    /// in logs, and the reason's sentence quotes the message's hosts.
    #[error("message {id} was held as {kind} (reason: {why}). Trusting its sender would let its next messages through in the service's name; release it with force only if you are sure the sender is genuine")]
    TrustNeedsForce {
        /// The record.
        id: u64,
        /// Its verdict kind.
        kind: String,
        /// The code of the reason it was held for (`lookalike-domain`, `spoofed-sender`, …).
        why: String,
    },
    /// The sender is blocked already, written as `written` (the same spelling or another).
    /// The message names neither spelling: errors can reach logs, and numbers never do. The
    /// fields are there for a screen that shows them to the user who typed them.
    #[error("{}", already_blocked(sender, written))]
    AlreadyBlocked {
        /// The sender as the user wrote it this time.
        sender: String,
        /// The sender as it was written when it was blocked.
        written: String,
    },
    /// Bad input that is not a registry entry (a sender, a cursor, a limit).
    #[error("{0}")]
    Invalid(String),
    /// A region code the sender module cannot dial.
    #[error("unknown region `{0}` (use an ISO 3166 code such as JP, US, GB)")]
    Region(String),
}

fn already_blocked(sender: &str, written: &str) -> String {
    if sender == written {
        "this sender is blocked already; nothing was changed".to_string()
    } else {
        "this sender is blocked already, written another way (see `smishgate services blocked`); \
         nothing was changed"
            .to_string()
    }
}

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An I/O error on `path` as the core reports it: a full disk and read-only storage by name,
/// anything else with the kind of failure (shared by the journal and salvage).
pub(crate) fn io_error(path: &std::path::Path, e: std::io::Error) -> Error {
    if is_full(&e) {
        Error::Full
    } else if is_read_only(&e) {
        Error::ReadOnly(path.display().to_string())
    } else {
        Error::Io {
            path: path.display().to_string(),
            source: e,
        }
    }
}

/// Is this I/O error a full disk (or a quota, or a file size limit)?
pub(crate) fn is_full(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(28) | Some(122) | Some(27))
        || e.kind() == std::io::ErrorKind::StorageFull
}

/// Is this I/O error read-only storage or a missing permission?
pub(crate) fn is_read_only(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(30))
        || matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn io_failures_keep_their_cause_and_say_what_they_said_before() {
        let path = std::path::Path::new("/data/smishgate/journal");
        let e = io_error(path, std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert_eq!(
            e.to_string(),
            "storage error: /data/smishgate/journal: timed out"
        );
        let cause = e.source().expect("the I/O error is kept");
        assert_eq!(
            cause.downcast_ref::<std::io::Error>().map(|x| x.kind()),
            Some(std::io::ErrorKind::TimedOut)
        );
        // A full disk and read-only storage are still named, not wrapped.
        let full = io_error(path, std::io::Error::from_raw_os_error(28));
        assert!(matches!(full, Error::Full));
        let ro = io_error(path, std::io::Error::from_raw_os_error(30));
        assert!(matches!(ro, Error::ReadOnly(_)));
    }

    #[test]
    fn engine_failures_keep_their_cause() {
        let e = Error::Engine {
            at: Some("/tmp/db".into()),
            source: sled::Error::Unsupported("x".into()),
        };
        assert!(e.to_string().starts_with("storage error: /tmp/db: "), "{e}");
        assert!(e.source().is_some());
        let e = Error::Engine {
            at: None,
            source: sled::Error::Unsupported("x".into()),
        };
        assert!(e.to_string().starts_with("storage error: ") && !e.to_string().contains("/tmp"));
    }
}
