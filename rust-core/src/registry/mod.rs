//! The registry: which services legitimately text the user, from which senders, with links to
//! which domains.
//!
//! It exists in two forms. [`RegistryFile`] is the data as written (the JSON schema of
//! `smishgate check --registry`, the default registry compiled into the binary, the user's own
//! entries); it is loaded, validated with errors that name the entry and the field, and merged.
//! [`Registry`] is the compiled form the classifier reads: sender keys, a domain map, an alias
//! index and the lookalike index, built once so that classifying a message does no set-up.

mod blocked;
mod compile;
pub mod diff;
mod file;
mod id;
mod validate;

pub use blocked::blocked_as;
pub(crate) use blocked::{add_blocked, extend_blocked};
pub(crate) use file::merge_services;
pub use file::{RegistryFile, ServiceSpec, FORMAT_VERSION};
pub use id::ServiceId;
pub use validate::{check_sender, normalize_domain, MAX_SENDER_CHARS};

use crate::signals::brands::BrandIndex;
use crate::text::dict::StrMap;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;

/// What links a service's SMS may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkPolicy {
    /// Its SMS never carry links: codes and notices only.
    Never,
    /// Links only to its own domains.
    Official,
}

/// One compiled service.
#[derive(Debug, Clone)]
pub struct Service {
    /// Stable identifier.
    pub id: ServiceId,
    /// Display name.
    pub name: String,
    /// Official domains (ASCII).
    pub domains: Vec<String>,
    /// Links policy.
    pub links: LinkPolicy,
    /// Category, when known.
    pub category: Option<String>,
}

/// The services a sender key belongs to: nearly always one, kept without a vector of its own
/// (a registry of 100,000 services would otherwise allocate 200,000 one-element vectors).
#[derive(Debug)]
enum Owners {
    One([usize; 1]),
    Many(Vec<usize>),
}

impl Owners {
    fn as_slice(&self) -> &[usize] {
        match self {
            Owners::One(one) => one,
            Owners::Many(v) => v,
        }
    }

    fn add(&mut self, idx: usize) {
        match self {
            Owners::One([first]) if *first != idx => *self = Owners::Many(vec![*first, idx]),
            Owners::Many(v) if !v.contains(&idx) => v.push(idx),
            _ => {}
        }
    }
}

/// The compiled registry the classifier reads.
///
/// Compiling costs time linear in the services (see `examples/registry_scale.rs`), and no
/// lookup of a message grows with them: names, tokens and domain forms are found through
/// [`Dict`], skeletons through a sorted index, near labels through deletion neighbourhoods
/// (`lookalike::NearIndex`), senders and domains through hash maps.
#[derive(Debug)]
pub struct Registry {
    services: Vec<Service>,
    by_id: StrMap<usize>,
    senders: StrMap<Owners>,
    domains: StrMap<usize>,
    /// The services' names and official domains, indexed for the claims and look-alikes.
    brands: BrandIndex,
    blocked: HashSet<String>,
    region: String,
}

impl Registry {
    /// The default registry compiled for Japan, built once per process.
    pub fn builtin() -> &'static Registry {
        static BUILTIN: OnceLock<Registry> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Registry::compile(
                RegistryFile::default_registry(),
                crate::signals::sender::DEFAULT_REGION,
            )
            .expect("the default registry compiles")
        })
    }

    /// All services, in file order.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// A service by index.
    pub fn service(&self, idx: usize) -> &Service {
        &self.services[idx]
    }

    /// A service's index by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The default region numbers are read in.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Services that list this sender key.
    pub fn services_of_sender(&self, key: &str) -> &[usize] {
        self.senders.get(key).map(Owners::as_slice).unwrap_or(&[])
    }

    /// True if the sender key is blocked.
    pub fn is_blocked(&self, key: &str) -> bool {
        !key.is_empty() && self.blocked.contains(key)
    }

    /// The service whose official domain covers `host` (the host itself or a parent of it).
    pub fn official_owner(&self, host: &str) -> Option<usize> {
        // Anyone's page on a platform is nobody's official site (see `links::USER_CONTENT`).
        if crate::signals::links::is_user_content(host) {
            return None;
        }
        let mut h = host;
        loop {
            if let Some(&idx) = self.domains.get(h) {
                return Some(idx);
            }
            match h.find('.') {
                Some(dot) => h = &h[dot + 1..],
                None => return None,
            }
        }
    }

    /// True if `host` is one of the service's own domains or a subdomain of one.
    pub fn is_official_for(&self, service: usize, host: &str) -> bool {
        !crate::signals::links::is_user_content(host)
            && self.services[service]
                .domains
                .iter()
                .any(|d| host == d || crate::signals::links::is_subdomain_of(host, d))
    }

    /// The services' names and official domains, indexed for the signals that search them.
    pub fn brands(&self) -> &BrandIndex {
        &self.brands
    }
}

#[cfg(test)]
pub(crate) mod tests {
    // Fixtures shared by the tests of file.rs, validate.rs and compile.rs (and classify's
    // large-registry test).

    /// A one-service registry file around a service's fields.
    pub(super) fn one(fields: &str) -> String {
        format!(r#"{{"version":1,"services":[{{"id":"x",{fields}}}]}}"#)
    }

    /// A registry file of `n` synthetic services with distinct pseudo-word names, aliases,
    /// domains and senders (as `examples/registry_scale.rs` makes them).
    pub(crate) fn synthetic(n: usize) -> String {
        const SYL: [&str; 50] = [
            "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so", "ta", "chi", "tsu", "te",
            "to", "na", "ni", "nu", "ne", "no", "ha", "hi", "fu", "he", "ho", "ma", "mi", "mu",
            "me", "mo", "ya", "yu", "yo", "ra", "ri", "ru", "re", "ro", "wa", "ga", "gi", "gu",
            "ge", "go", "za", "ji", "zu", "da", "de", "do",
        ];
        let suffixes = ["com", "co.jp", "net", "ne.jp", "org", "info"];
        let services: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                let x = i * 7_919 % 125_000;
                let w: String = [x / 2_500, x / 50 % 50, x % 50]
                    .iter()
                    .map(|&d| SYL[d])
                    .collect();
                let cap = format!("{}{}", w[..1].to_ascii_uppercase(), &w[1..]);
                serde_json::json!({
                    "id": format!("svc-{i}"),
                    "name": format!("{cap} Service"),
                    "aliases": [cap, format!("{w}カード")],
                    "senders": [w.to_ascii_uppercase(), format!("+81 90-{:04}-{:04}", i / 10_000, i % 10_000)],
                    "domains": [format!("{w}.{}", suffixes[i % suffixes.len()])],
                    "links": if i % 2 == 0 { "never" } else { "official" },
                })
            })
            .collect();
        serde_json::json!({"version": 1, "services": services}).to_string()
    }
}
