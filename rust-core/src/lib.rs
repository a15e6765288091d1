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
}
