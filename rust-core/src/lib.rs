//! smishgate-core: an on-device SMS gate and smishing classifier.
//!
//! The folders follow a message's path. [`text`] normalises it once. [`signals`] finds what it
//! says, each signal on its own: its [`links`](signals::links) and the
//! [`lookalike`](signals::lookalike) domains among them, its [`otp`](signals::otp), its
//! [`sender`](signals::sender), the service it [`claims`](signals::claims) to be. The
//! [`registry`] holds the services the person trusts. [`classify`] gathers the facts once
//! and asks its rules in order for a [`verdict`], which the [`verdict::catalog`] puts in words.
//! [`storage`] keeps what is held (the [`gateway`](storage::gateway) is its one entry point)
//! and [`import`] reads inbox exports. Everything but `storage` is pure: no I/O, no network,
//! and nothing logs a message's content.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod classify;
pub mod error;
pub mod import;
pub mod registry;
pub mod signals;
pub mod sms;
pub mod storage;
pub mod text;
pub mod verdict;

pub use classify::{classify, warm_up, Message, Options};
pub use error::{Error, Result};
pub use registry::diff::{Change, RegistryDiff, ServiceDiff};
pub use registry::{LinkPolicy, Registry, RegistryFile, ServiceId, ServiceSpec};
pub use storage::gateway::{
    Classifier, Decision, Gateway, GatewayOptions, ListQuery, Page, Sms, Stats,
};
pub use storage::record::{Record, Status, StoredLink, StoredReason};
pub use storage::salvage::{Check, Salvaged};
pub use verdict::{Action, Kind, Reason, ReasonCode, Rule, Verdict};

/// Test support shared by the modules' tests.
#[cfg(test)]
pub(crate) mod testing {
    /// Fails naming the list and the entry when a word list holds an entry twice: a copy is a
    /// sign two lists were merged by hand, and the next edit changes only one of them.
    pub fn assert_unique<T: PartialEq + std::fmt::Debug>(name: &str, list: &[T]) {
        for (i, a) in list.iter().enumerate() {
            assert!(
                !list[..i].contains(a),
                "{name} holds {a:?} twice (entry {i})"
            );
        }
    }

    /// Fails unless a typed vocabulary word has a sentence under `key` in every catalog and
    /// serialises as `name`, the string it replaced (stored and exported data keep it).
    pub fn assert_named_in_every_catalog<T: serde::Serialize + std::fmt::Debug>(
        word: &T,
        key: &str,
        name: &str,
    ) {
        for (lang, _) in crate::verdict::catalog::LANGS {
            assert!(
                crate::verdict::catalog::template(lang, key).is_some(),
                "{lang} has no sentence for {key} ({word:?})"
            );
        }
        assert_eq!(
            serde_json::to_value(word).unwrap(),
            serde_json::Value::String(name.into()),
            "{word:?}"
        );
    }
}
