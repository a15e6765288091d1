//! smishgate-core: an on-device SMS gate and smishing classifier.
//!
//! The pipeline, each step its own module: [`normalize`] the text, find its [`links`], check
//! them for [`lookalike`] domains, extract the [`otp`], normalise the [`sender`], find the
//! service the message [`claims`] to be against the [`registry`], and [`classify`] into a
//! [`verdict`]. Everything here is pure: no I/O, no network, no logging of message content.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod brands;
pub mod catalog;
pub mod claims;
pub mod classify;
pub mod dict;
pub mod diff;
pub mod error;
pub mod evidence;
pub mod family;
pub mod gateway;
pub mod guard;
pub mod import;
pub mod journal;
pub mod links;
pub mod lookalike;
pub mod model;
pub mod normalize;
pub mod otp;
pub mod record;
pub mod registry;
pub mod salvage;
pub mod secrets;
pub mod sender;
pub mod skeleton;
pub mod sms;
pub mod store;
pub mod suffix;
pub mod timestamp;
pub mod verdict;
pub mod weights;

pub use classify::{classify, warm_up, Message, Options};
pub use diff::{Change, RegistryDiff, ServiceDiff};
pub use error::{Error, Result};
pub use gateway::{Classifier, Decision, Gateway, GatewayOptions, ListQuery, Page, Sms, Stats};
pub use record::{Record, Status, StoredLink, StoredReason};
pub use registry::{LinkPolicy, Registry, RegistryFile, ServiceSpec};
pub use salvage::{Check, Salvaged};
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
        for (lang, _) in crate::catalog::LANGS {
            assert!(
                crate::catalog::template(lang, key).is_some(),
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
