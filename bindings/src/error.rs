//! The one small error the Kotlin API throws (`SmishGateException` and its subclasses),
//! mapped from the core's rich error in a single `From`. Its texts name what was wrong and
//! never a body, a code or a number (the core's errors already keep to that; the few that
//! would carry a path or a sender here drop them).

use smishgate_core::Error;

/// What went wrong, in five cases an app can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum SmishGateError {
    /// The input was not acceptable (a malformed id, cursor or registry entry, an unknown
    /// service or kind name, trusting an attacker's sender without `force`). Nothing changed.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What was wrong, in English.
        reason: String,
    },
    /// What was asked for does not exist (a message id, a service id, a blocked sender).
    #[error("not found: {what}")]
    NotFound {
        /// What was not found.
        what: String,
    },
    /// Another process has the database open.
    #[error("the database is in use by another process")]
    InUse,
    /// The storage failed: the disk is full, the database is damaged or read-only, or the
    /// engine reported an I/O error. What was stored before is kept.
    #[error("storage: {reason}")]
    Storage {
        /// What happened, in English, with what to do when there is something to do.
        reason: String,
    },
    /// The database was written by a newer smishgate: update the app.
    #[error("the database was written by a newer smishgate; update the app")]
    IncompatibleFormat,
}

impl From<Error> for SmishGateError {
    fn from(e: Error) -> SmishGateError {
        use SmishGateError as E;
        match e {
            Error::RegistryJson(_)
            | Error::RegistryVersion { .. }
            | Error::RegistryEntry { .. }
            | Error::ServiceExists(_)
            | Error::TrustNeedsForce { .. }
            | Error::AlreadyBlocked { .. }
            | Error::Invalid(_)
            | Error::Region(_) => E::InvalidInput {
                reason: e.to_string(),
            },
            Error::NoSuchRecord(_) | Error::NoSuchService(_) => E::NotFound {
                what: e.to_string(),
            },
            Error::InUse(_) => E::InUse,
            Error::NewerFormat { .. } => E::IncompatibleFormat,
            Error::Corrupt(_)
            | Error::Full
            | Error::ReadOnly(_)
            | Error::Store(_)
            | Error::Io { .. }
            | Error::Engine { .. } => E::Storage {
                reason: e.to_string(),
            },
            // A failure a later core adds: reported with its own words, as storage failures
            // are (the app shows it and keeps what is stored).
            _ => E::Storage {
                reason: e.to_string(),
            },
        }
    }
}

impl SmishGateError {
    /// Bad input named by the caller's own words (an id that is not a number, say).
    pub(crate) fn invalid(reason: impl Into<String>) -> SmishGateError {
        SmishGateError::InvalidInput {
            reason: reason.into(),
        }
    }
}
