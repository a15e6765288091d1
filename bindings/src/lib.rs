//! smishgate-ffi: the gate's API for Kotlin, through UniFFI's proc-macros (no UDL).
//!
//! A thin layer, as the phone app's only door to the Rust core: [`SmishGate`] holds the core's
//! [`Gateway`](smishgate_core::Gateway) as `inner` and each method is a short pass-through
//! ([`Classifier`] likewise holds the core's database-less classifier, for when the database
//! will not open); the records are this crate's own ([`records`]), converted from the core's
//! with `From`; one small error ([`SmishGateError`]) is mapped from the core's rich one in a
//! single `From`. The core knows nothing of UniFFI.
//!
//! No panic crosses the boundary: every exported function returns a `Result`, and each call
//! runs under [`call`], which turns a panic (a bug) into an error. Every write is flushed to
//! disk before the call returns, so nothing depends on the object being closed: Android may
//! kill the process at any moment.

#![forbid(unsafe_code)]

mod error;
mod logging;
mod records;

pub use error::SmishGateError;
pub use logging::init_logging;
pub use records::{
    Action, ChangeKind, Decision, ImportPreview, Kind, Link, LinkPolicy, QuarantinePage,
    QuarantineQuery, QuarantinedMessage, Reason, ReasonCode, Service, ServiceChange, Sms, Stats,
    Status, Verdict,
};

use smishgate_core::{Gateway, GatewayOptions, ListQuery};
use std::sync::Arc;

uniffi::setup_scaffolding!();

/// Run one exported call; a panic (a bug: the core contains its storage engine's) becomes an
/// error instead of crossing into the JVM.
fn call<T>(f: impl FnOnce() -> Result<T, SmishGateError>) -> Result<T, SmishGateError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(SmishGateError::Storage {
            reason: "an internal error stopped the call (a bug); nothing it was asked to store \
                     was acknowledged"
                .into(),
        })
    })
}

/// Start building the classifier's lazily built matchers on another thread, for a
/// constructor to join once it has loaded the registry: the first message (often the one that
/// started the process) then does not wait for them.
fn warm_up() -> Option<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("smishgate-warm-up".into())
        .spawn(smishgate_core::warm_up)
        .ok()
}

/// Wait for [`warm_up`] (a thread that could not start, or panicked, only leaves the matchers
/// to be built by the first message).
fn warmed(warm: Option<std::thread::JoinHandle<()>>) {
    if let Some(w) = warm {
        let _ = w.join();
    }
}

/// One verdict of a classifier: the one conversion of a message and its verdict, shared by
/// [`SmishGate`] and [`Classifier`], so that both judge alike.
fn verdict(classifier: &smishgate_core::Classifier, sms: &Sms) -> Verdict {
    (&classifier.classify(&sms.into())).into()
}

/// The verdicts of a batch, in order.
fn verdicts(classifier: &smishgate_core::Classifier, messages: &[Sms]) -> Vec<Verdict> {
    messages.iter().map(|m| verdict(classifier, m)).collect()
}

/// A message id as the API writes it (the decimal id of a quarantined message).
fn parse_id(id: &str) -> Result<u64, SmishGateError> {
    match id.parse::<u64>() {
        Ok(n) if n > 0 && id.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        // What was passed is not repeated: an app could pass anything here, and errors can
        // reach logs.
        _ => Err(SmishGateError::invalid(
            "not a message id (ids are the decimal numbers the quarantine gives)",
        )),
    }
}

/// Page size: 1 to 1,000 messages.
fn page_limit(limit: u32) -> Result<usize, SmishGateError> {
    match limit {
        1..=1000 => Ok(limit as usize),
        _ => Err(SmishGateError::invalid(format!(
            "limit {limit} is out of range (1 to 1000 messages a page)"
        ))),
    }
}

/// The SMS gate: classifies messages, keeps the quarantine and the user's registry of the
/// services that text them. Open one per database and share it between threads (every
/// method takes a lock of its own where it needs one). Use it with `.use {}` in Kotlin: the
/// database is released when the object is, and can be opened again at once.
#[derive(uniffi::Object)]
pub struct SmishGate {
    inner: Gateway,
}

impl std::fmt::Debug for SmishGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmishGate").finish_non_exhaustive()
    }
}

#[uniffi::export]
impl SmishGate {
    /// Open the database at `db_path` (a directory the app owns; created when missing).
    /// `region` (ISO 3166, default `JP`) is how numbers without a country code are read and
    /// which day the statistics count in. A second `SmishGate` on the same path, in this or
    /// another process, fails with `InUse`.
    #[uniffi::constructor(default(region = "JP"))]
    pub fn new(db_path: String, region: String) -> Result<Arc<SmishGate>, SmishGateError> {
        call(|| {
            let warm = warm_up();
            let inner = Gateway::open_with(&db_path, GatewayOptions::for_region(&region));
            warmed(warm);
            Ok(Arc::new(SmishGate { inner: inner? }))
        })
    }

    /// Judge one message against the registry, storing nothing.
    pub fn classify(&self, sms: Sms) -> Result<Verdict, SmishGateError> {
        call(|| Ok(verdict(&self.inner.classifier(), &sms)))
    }

    /// Judge many messages in one call (one call across the boundary costs about as much as
    /// one classification: batches are the fast path).
    pub fn classify_batch(&self, messages: Vec<Sms>) -> Result<Vec<Verdict>, SmishGateError> {
        call(|| Ok(verdicts(&self.inner.classifier(), &messages)))
    }

    /// Judge one message and keep it in the quarantine when it is to be held; on return it is
    /// on disk. The same SMS (sender, body, time) delivered twice is kept once.
    pub fn ingest(&self, sms: Sms) -> Result<Decision, SmishGateError> {
        call(|| Ok((&self.inner.ingest(&(&sms).into())?).into()))
    }

    /// Judge and keep many messages with one flush to disk.
    pub fn ingest_batch(&self, messages: Vec<Sms>) -> Result<Vec<Decision>, SmishGateError> {
        call(|| {
            let batch: Vec<smishgate_core::Sms> = messages.iter().map(Into::into).collect();
            Ok(self
                .inner
                .ingest_batch(&batch)?
                .iter()
                .map(Decision::from)
                .collect())
        })
    }

    /// The quarantine, newest first, every status: `limit` (1 to 1,000) messages after
    /// `cursor` (`null` for the first page; else a page's `nextCursor`).
    pub fn quarantine_list(
        &self,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<QuarantinePage, SmishGateError> {
        self.quarantine_search(QuarantineQuery::default(), cursor, limit)
    }

    /// The quarantine filtered by service, kind and status, newest first, a page at a time.
    pub fn quarantine_search(
        &self,
        query: QuarantineQuery,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<QuarantinePage, SmishGateError> {
        call(|| {
            let page = self.inner.list(&ListQuery {
                service: query.service.map(smishgate_core::ServiceId::from),
                kind: query.kind.map(Into::into),
                status: query.status.map(Into::into),
                limit: page_limit(limit)?,
                cursor,
            })?;
            Ok((&page).into())
        })
    }

    /// One quarantined message, or `null` when there is none with this id.
    pub fn quarantine_get(&self, id: String) -> Result<Option<QuarantinedMessage>, SmishGateError> {
        call(|| match self.inner.get(parse_id(&id)?) {
            Ok(r) => Ok(Some((&r).into())),
            Err(smishgate_core::Error::NoSuchRecord(_)) => Ok(None),
            Err(e) => Err(e.into()),
        })
    }

    /// Release a message (the user lets it through) and return it. With
    /// `trust_for_service`, also register its sender for that service, so that its next
    /// messages are trusted; every held message was judged an attack, so trusting its sender
    /// needs `force` (without it: `InvalidInput` naming why it was held, and nothing changes).
    #[uniffi::method(default(trust_for_service = None, force = false))]
    pub fn release(
        &self,
        id: String,
        trust_for_service: Option<String>,
        force: bool,
    ) -> Result<QuarantinedMessage, SmishGateError> {
        call(|| {
            let r = self
                .inner
                .release(parse_id(&id)?, trust_for_service.as_deref(), force)?;
            Ok((&r).into())
        })
    }

    /// Confirm a message as smishing; with `block_sender`, its sender's next messages are
    /// held as blocked.
    #[uniffi::method(default(block_sender = false))]
    pub fn confirm(
        &self,
        id: String,
        block_sender: bool,
    ) -> Result<QuarantinedMessage, SmishGateError> {
        call(|| Ok((&self.inner.confirm(parse_id(&id)?, block_sender)?).into()))
    }

    /// Delete a message for good.
    pub fn delete(&self, id: String) -> Result<(), SmishGateError> {
        call(|| Ok(self.inner.delete(parse_id(&id)?)?))
    }

    /// Delete the messages received more than `days` days ago; returns how many.
    pub fn purge_older_than(&self, days: u32) -> Result<u64, SmishGateError> {
        call(|| Ok(self.inner.purge(Some(days))? as u64))
    }

    /// Counts of the quarantine.
    pub fn stats(&self) -> Result<Stats, SmishGateError> {
        call(|| Ok(self.inner.stats()?.into()))
    }

    /// The effective registry: the built-in services with the user's changes.
    pub fn services(&self) -> Result<Vec<Service>, SmishGateError> {
        call(|| {
            Ok(self
                .inner
                .registry_file()
                .services
                .iter()
                .map(Service::from)
                .collect())
        })
    }

    /// Add a service, or replace the user's entry of the one with this id as edited. For a
    /// built-in service the entry extends it: its senders, domains and aliases are added to
    /// the built-in ones, its name and link policy replace them. A bad entry changes nothing.
    pub fn upsert_service(&self, service: Service) -> Result<(), SmishGateError> {
        call(|| {
            let exists = self.inner.service(&service.id).is_ok();
            let spec = service.into();
            if exists {
                self.inner.update_service(spec)?;
            } else {
                self.inner.add_service(spec)?;
            }
            Ok(())
        })
    }

    /// Remove a service (a built-in one is hidden until `resetRegistry`).
    pub fn remove_service(&self, id: String) -> Result<(), SmishGateError> {
        call(|| Ok(self.inner.remove_service(&id)?))
    }

    /// Register a sender for a service (its messages then count as the service's own).
    pub fn add_sender(&self, service_id: String, sender: String) -> Result<(), SmishGateError> {
        call(|| Ok(self.inner.add_sender(&service_id, &sender)?))
    }

    /// Block a sender: its messages are held as blocked. Blocking one that is blocked already
    /// (under this spelling or another) changes nothing and is no error.
    pub fn block_sender(&self, sender: String) -> Result<(), SmishGateError> {
        call(|| match self.inner.block_sender(&sender) {
            Ok(()) | Err(smishgate_core::Error::AlreadyBlocked { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        })
    }

    /// Unblock a sender (any spelling of it); `NotFound` when it is not blocked.
    pub fn unblock_sender(&self, sender: String) -> Result<(), SmishGateError> {
        call(|| {
            if self.inner.unblock_sender(&sender)? {
                Ok(())
            } else {
                Err(SmishGateError::NotFound {
                    what: "this sender is not blocked".into(),
                })
            }
        })
    }

    /// The effective registry as a registry file (JSON): the services and blocked senders,
    /// never a message.
    pub fn export_registry(&self) -> Result<String, SmishGateError> {
        call(|| Ok(self.inner.export_registry()))
    }

    /// Import a registry file (JSON): merged into the user's registry, or with `replace`
    /// instead of it. A bad file changes nothing.
    #[uniffi::method(default(replace = false))]
    pub fn import_registry(&self, json: String, replace: bool) -> Result<(), SmishGateError> {
        call(|| {
            self.inner.import_registry(&json, replace)?;
            Ok(())
        })
    }

    /// What `importRegistry` would change, changing nothing: per service (built-in ones
    /// flagged) the domains, senders and aliases it would gain and lose and a new link policy
    /// or name, and the blocked senders added and removed; empty when the file changes
    /// nothing. A bad file is the error `importRegistry` gives. Show it and ask before a file
    /// changes a built-in service or the blocked list: a "bank list" could make an attacker's
    /// domain official.
    #[uniffi::method(default(replace = false))]
    pub fn preview_import(
        &self,
        json: String,
        replace: bool,
    ) -> Result<ImportPreview, SmishGateError> {
        call(|| Ok(self.inner.preview_import(&json, replace)?.into()))
    }

    /// Drop every change the user made to the registry (blocked senders included).
    pub fn reset_registry(&self) -> Result<(), SmishGateError> {
        call(|| Ok(self.inner.reset_registry()?))
    }
}

/// The gate without its database, for when the database will not open: the app must still
/// judge every SMS. The built-in registry for a region, no user changes, nothing stored; its
/// verdicts are those of a `SmishGate` on a fresh database in the same region. Share it
/// between threads; use it with `.use {}` in Kotlin.
#[derive(uniffi::Object)]
pub struct Classifier {
    inner: smishgate_core::Classifier,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier").finish_non_exhaustive()
    }
}

#[uniffi::export]
impl Classifier {
    /// The built-in registry for `region` (ISO 3166, default `JP`: how numbers without a
    /// country code are read). An unknown region is `InvalidInput`, as `SmishGate` refuses it.
    #[uniffi::constructor(default(region = "JP"))]
    pub fn new(region: String) -> Result<Arc<Classifier>, SmishGateError> {
        call(|| {
            let warm = warm_up();
            let inner = smishgate_core::Classifier::for_region(&region);
            warmed(warm);
            Ok(Arc::new(Classifier { inner: inner? }))
        })
    }

    /// Judge one message.
    pub fn classify(&self, sms: Sms) -> Result<Verdict, SmishGateError> {
        call(|| Ok(verdict(&self.inner, &sms)))
    }

    /// Judge many messages in one call (the fast path, as `SmishGate.classifyBatch`).
    pub fn classify_batch(&self, messages: Vec<Sms>) -> Result<Vec<Verdict>, SmishGateError> {
        call(|| Ok(verdicts(&self.inner, &messages)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_decimal_numbers_only() {
        assert_eq!(parse_id("42"), Ok(42));
        for bad in [
            "",
            "0",
            "-1",
            "+1",
            " 1",
            "1e3",
            "0x10",
            "99999999999999999999999",
        ] {
            assert!(
                matches!(parse_id(bad), Err(SmishGateError::InvalidInput { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_objects_are_send_and_sync() {
        fn assert<T: Send + Sync>() {}
        assert::<SmishGate>();
        assert::<Classifier>();
    }
}
