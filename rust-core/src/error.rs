//! The core's one rich error type. Front ends (the CLI, later the FFI) map it to what their
//! users need; every variant names what was wrong so that a message can be shown as is.

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
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
    /// A region code the sender module cannot dial.
    #[error("unknown region `{0}` (use an ISO 3166 code such as JP, US, GB)")]
    Region(String),
}

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
