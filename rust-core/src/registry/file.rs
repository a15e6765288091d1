//! The registry file as written: its JSON schema, read by a fast typed path or, for an error
//! that names the entry and the field, value by value; the default registry; merging files.

use super::blocked::check_blocked;
use super::validate::{check_version, refuse_blank_name};
use super::LinkPolicy;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The registry file format version this build reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// The default registry, compiled into the binary (see `data/default_registry.json` for the
/// sources of every domain and sender).
const DEFAULT_REGISTRY_JSON: &str = include_str!("../../data/default_registry.json");

/// One service as written in a registry file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    /// Stable identifier: lowercase ASCII letters, digits, `-` and `_`.
    pub id: String,
    /// The name shown to the user.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Names a message uses for the service (matched after NFKC and case folding).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Sender IDs, short codes and numbers it texts from.
    #[serde(default)]
    pub senders: Vec<String>,
    /// Official domains; their subdomains count.
    #[serde(default)]
    pub domains: Vec<String>,
    /// What links its SMS may carry; absent in a user entry means "keep the default's".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<LinkPolicy>,
    /// securities, bank, card, carrier, delivery, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Where the brand operates (`jp`, `global`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Where the domains, senders or policy are documented.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// A free note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A registry as written: the JSON schema shared by the default registry and user files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegistryFile {
    /// Format version ([`FORMAT_VERSION`]).
    pub version: u64,
    /// The services.
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
    /// Senders the user blocked: their messages are quarantined whatever they say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<String>,
}

impl RegistryFile {
    /// Parse and validate a registry file, reading numbers written without a country code as
    /// Japanese ones (see [`RegistryFile::from_json_in`]). Errors name the entry and the field.
    pub fn from_json(text: &str) -> Result<Self> {
        RegistryFile::from_json_in(text, crate::signals::sender::DEFAULT_REGION)
    }

    /// Parse and validate a registry file for a default region: two spellings of one blocked
    /// number (`+81 90-1234-5678` and `09012345678` in JP) are the same sender only once the
    /// region says which country `090…` is in. Errors name the entry and the field.
    pub fn from_json_in(text: &str, region: &str) -> Result<Self> {
        // Straight into the typed form, which a large file (tens of thousands of services)
        // reads in a third of the time; anything serde refuses is read again value by value,
        // below, for an error that names the entry and the field.
        if let Ok(fast) = serde_json::from_str::<FastFile>(text) {
            let version = check_version(fast.version)?;
            let mut services = Vec::with_capacity(fast.services.len());
            for (i, s) in fast.services.into_iter().enumerate() {
                let entry = entry_name(i, Some(&s.id));
                if let Some(name) = &s.name {
                    refuse_blank_name(&entry, name)?;
                }
                services.push(s.into_spec().validated(&entry)?);
            }
            return RegistryFile::finish(version, services, fast.blocked, region);
        }
        RegistryFile::from_json_values(text, region)
    }

    /// [`RegistryFile::from_json_in`] value by value: each entry read on its own, so that
    /// an error names it and its field.
    fn from_json_values(text: &str, region: &str) -> Result<Self> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            version: Option<serde_json::Value>,
            #[serde(default)]
            services: Vec<serde_json::Value>,
            #[serde(default)]
            blocked: Vec<String>,
        }
        let raw: Raw =
            serde_json::from_str(text).map_err(|e| Error::RegistryJson(e.to_string()))?;
        let version = check_version(raw.version)?;
        let mut services = Vec::with_capacity(raw.services.len());
        for (i, value) in raw.services.into_iter().enumerate() {
            let entry = entry_name(i, value.get("id").and_then(|v| v.as_str()));
            // `"name": ""` is written on purpose and shows as nothing; a missing name is the
            // id (or, for a known id, the built-in name), which serde cannot tell apart.
            if let Some(name) = value.get("name").and_then(|v| v.as_str()) {
                refuse_blank_name(&entry, name)?;
            }
            let spec: ServiceSpec = serde_json::from_value(value).map_err(|e| {
                let message = e.to_string();
                let field = field_of_serde_message(&message);
                Error::RegistryEntry {
                    entry: entry.clone(),
                    field,
                    message,
                }
            })?;
            services.push(spec.validated(&entry)?);
        }
        RegistryFile::finish(version, services, raw.blocked, region)
    }

    /// The checks of a whole file, once its entries are read and valid.
    fn finish(
        version: u64,
        services: Vec<ServiceSpec>,
        blocked: Vec<String>,
        region: &str,
    ) -> Result<Self> {
        check_blocked(&blocked, region)?;
        let file = RegistryFile {
            version,
            services,
            blocked,
        };
        file.check_unique_ids()?;
        Ok(file)
    }

    /// The default registry compiled into the binary.
    pub fn default_registry() -> &'static RegistryFile {
        static DEFAULT: OnceLock<RegistryFile> = OnceLock::new();
        // Read straight into the typed form: validation (a third of start-up's parse) cannot
        // change this file, as `default_registry_is_already_validated` checks.
        DEFAULT.get_or_init(|| {
            serde_json::from_str(DEFAULT_REGISTRY_JSON)
                .expect("the compiled-in default registry is checked by a unit test")
        })
    }

    /// Serialise as pretty JSON in the file format.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("registry serialises")
    }

    /// Merge `other` into `self`: a service with a known id extends its aliases, senders and
    /// domains and overrides its links policy (and name, when given); a new id is appended.
    pub fn merge(&mut self, other: RegistryFile) {
        merge_services(&mut self.services, other.services);
        extend_unique(&mut self.blocked, other.blocked);
    }

    fn check_unique_ids(&self) -> Result<()> {
        let mut seen = HashSet::new();
        for (i, s) in self.services.iter().enumerate() {
            if !seen.insert(s.id.as_str()) {
                return Err(Error::RegistryEntry {
                    entry: format!("services[{i}] (id {:?})", s.id),
                    field: "id".into(),
                    message: "this id is used by an earlier entry of the same file".into(),
                });
            }
        }
        Ok(())
    }
}

/// A registry file read straight into typed entries ([`RegistryFile::from_json_in`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FastFile {
    version: Option<serde_json::Value>,
    #[serde(default)]
    services: Vec<FastSpec>,
    #[serde(default)]
    blocked: Vec<String>,
}

/// [`ServiceSpec`] as written, except that the name says whether it was written at all (an
/// explicit blank one is refused, a missing one is the id).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FastSpec {
    id: String,
    #[serde(default, deserialize_with = "some_string")]
    name: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    senders: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    links: Option<LinkPolicy>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

/// A name that is there is a string (`null` is refused, as [`ServiceSpec`] refuses it).
fn some_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

impl FastSpec {
    fn into_spec(self) -> ServiceSpec {
        ServiceSpec {
            id: self.id,
            name: self.name.unwrap_or_default(),
            aliases: self.aliases,
            senders: self.senders,
            domains: self.domains,
            links: self.links,
            category: self.category,
            region: self.region,
            sources: self.sources,
            note: self.note,
        }
    }
}

/// How errors name entry `i`: `services[3] (id "gym")`.
fn entry_name(i: usize, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("services[{i}] (id {id:?})"),
        None => format!("services[{i}]"),
    }
}

fn field_of_serde_message(message: &str) -> String {
    // serde_json says "missing field `name`", "unknown field `domain`, expected one of …",
    // "invalid type: … " (without the field). Pull the field out where it is named.
    for marker in ["missing field `", "unknown field `"] {
        if let Some(rest) = message.split(marker).nth(1) {
            if let Some(end) = rest.find('`') {
                return rest[..end].to_string();
            }
        }
    }
    if message.contains("variant") {
        return "links".into();
    }
    "(entry)".into()
}

/// Merge services into a list by id, as [`RegistryFile::merge`] says. Ids are found through
/// a map, not by scanning the list for each one: a user registry of 78,000 services merged
/// over the built-in one took 48 s by scanning, and every open of the database merges it.
pub(crate) fn merge_services(into: &mut Vec<ServiceSpec>, from: Vec<ServiceSpec>) {
    if from.is_empty() {
        return;
    }
    let mut at: HashMap<String, usize> = HashMap::with_capacity(into.len() + from.len());
    for (i, s) in into.iter().enumerate() {
        // The first of equal ids is the one merged into, as a scan would find it.
        at.entry(s.id.clone()).or_insert(i);
    }
    for spec in from {
        match at.get(&spec.id) {
            Some(&i) => {
                let base = &mut into[i];
                extend_unique(&mut base.aliases, spec.aliases);
                extend_unique(&mut base.senders, spec.senders);
                extend_unique(&mut base.domains, spec.domains);
                if spec.links.is_some() {
                    base.links = spec.links;
                }
                if !spec.name.is_empty() {
                    base.name = spec.name;
                }
                if spec.category.is_some() {
                    base.category = spec.category;
                }
            }
            None => {
                at.insert(spec.id.clone(), into.len());
                into.push(spec);
            }
        }
    }
}

/// Append the items of `from` not in `into` yet, keeping order.
fn extend_unique(into: &mut Vec<String>, from: Vec<String>) {
    // A service's lists are a few items: a scan is cheapest. Long ones (a blocked list) go
    // through a set, so that merging stays linear.
    if into.len().saturating_mul(from.len()) <= 1024 {
        for item in from {
            if !into.contains(&item) {
                into.push(item);
            }
        }
        return;
    }
    let mut seen: HashSet<String> = into.iter().cloned().collect();
    for item in from {
        if seen.insert(item.clone()) {
            into.push(item);
        }
    }
}

impl ServiceSpec {
    /// The name shown to the user: the name, or the id for an entry without one.
    pub fn shown_name(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }

    /// What links its SMS may carry: as written, or [`LinkPolicy::Official`] for an entry
    /// that does not say (the registry's default).
    pub fn link_policy(&self) -> LinkPolicy {
        self.links.unwrap_or(LinkPolicy::Official)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::tests::{one, synthetic};
    use crate::registry::Registry;

    #[test]
    fn default_registry_is_already_validated() {
        let checked = RegistryFile::from_json(DEFAULT_REGISTRY_JSON).expect("validates");
        assert_eq!(&checked, RegistryFile::default_registry());
    }

    #[test]
    fn default_registry_is_valid_and_large_enough() {
        let file = RegistryFile::default_registry();
        let jp = file
            .services
            .iter()
            .filter(|s| s.region.as_deref() == Some("jp"))
            .count();
        let world = file.services.len() - jp;
        assert!(jp >= 40, "{jp} Japanese services");
        assert!(world >= 20, "{world} other services");
        for s in &file.services {
            assert!(!s.domains.is_empty(), "{} has no domain", s.id);
            assert!(s.links.is_some(), "{} has no links policy", s.id);
            assert!(!s.aliases.is_empty(), "{} has no alias", s.id);
        }
        Registry::compile(file, "JP").unwrap();
    }

    #[test]
    fn merge_extends_and_overrides() {
        let mut base = RegistryFile::from_json(
            r#"{"version":1,"services":[{"id":"monex","name":"マネックス証券","aliases":["Monex"],"domains":["monex.co.jp"],"links":"never"}]}"#,
        )
        .unwrap();
        let user = RegistryFile::from_json(
            r#"{"version":1,"services":[{"id":"monex","senders":["MONEX"],"domains":["monex.com"],"links":"official"},{"id":"gym","name":"My Gym","domains":["mygym.example.com"]}]}"#,
        )
        .unwrap();
        base.merge(user);
        let m = &base.services[0];
        assert_eq!(m.domains, ["monex.co.jp", "monex.com"]);
        assert_eq!(m.senders, ["MONEX"]);
        assert_eq!(m.links, Some(LinkPolicy::Official));
        assert_eq!(m.aliases, ["Monex"]);
        assert_eq!(base.services.len(), 2);
        let reg = Registry::compile(&base, "JP").unwrap();
        let gym = reg.index_of("gym").unwrap();
        assert!(reg.is_official_for(gym, "mygym.example.com"));
        assert!(reg.is_official_for(gym, "www.mygym.example.com"));
        assert!(!reg.is_official_for(gym, "example.com"));
        assert_eq!(reg.official_owner("www.monex.co.jp"), reg.index_of("monex"));
        assert_eq!(reg.official_owner("evilmonex.co.jp"), None);
    }

    #[test]
    fn merge_by_id_keeps_the_scan_semantics() {
        let spec = |id: &str, alias: &str| ServiceSpec {
            id: id.into(),
            aliases: vec![alias.into()],
            ..RegistryFile::from_json(&one("\"name\":\"X\""))
                .unwrap()
                .services
                .remove(0)
        };
        let mut base = RegistryFile {
            version: FORMAT_VERSION,
            services: vec![spec("a", "A1"), spec("b", "B1")],
            blocked: vec!["S1".into()],
        };
        base.merge(RegistryFile {
            version: FORMAT_VERSION,
            // A new id appended, then extended by a later entry of the same list.
            services: vec![
                spec("c", "C1"),
                spec("a", "A2"),
                spec("c", "C2"),
                spec("a", "A1"),
            ],
            blocked: vec!["S1".into(), "S2".into()],
        });
        let got: Vec<(&str, Vec<&str>)> = base
            .services
            .iter()
            .map(|s| {
                (
                    s.id.as_str(),
                    s.aliases.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a", vec!["A1", "A2"]),
                ("b", vec!["B1"]),
                ("c", vec!["C1", "C2"])
            ]
        );
        assert_eq!(base.blocked, ["S1", "S2"]);
        // Long lists go through a set, with the same result.
        let mut long: Vec<String> = (0..100).map(|i| format!("s{i}")).collect();
        extend_unique(
            &mut long,
            (50..150).map(|i| format!("s{}", i % 120)).collect(),
        );
        let want: Vec<String> = (0..120).map(|i| format!("s{i}")).collect();
        assert_eq!(long, want);
    }

    /// The typed reading and the value-by-value one make the same file of anything the typed
    /// one accepts; what it refuses falls back (and `"name": null` is refused both ways).
    #[test]
    fn typed_and_value_reading_agree() {
        let texts = [
            DEFAULT_REGISTRY_JSON.to_string(),
            synthetic(300),
            one(r#""name":"X","links":"never","category":"bank","sources":["s"],"note":"n""#),
            r#"{"version":1,"blocked":["SPAM","+15551234567"]}"#.to_string(),
        ];
        for text in &texts {
            let typed = serde_json::from_str::<FastFile>(text);
            assert!(typed.is_ok(), "{:?}", typed.err());
            assert_eq!(
                RegistryFile::from_json_in(text, crate::signals::sender::DEFAULT_REGION).unwrap(),
                RegistryFile::from_json_values(text, "JP").unwrap()
            );
        }
        let null_name = one(r#""name":null"#);
        assert!(serde_json::from_str::<FastFile>(&null_name).is_err());
        assert!(RegistryFile::from_json(&null_name).is_err());
    }
}
