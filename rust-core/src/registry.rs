//! The registry: which services legitimately text the user, from which senders, with links to
//! which domains.
//!
//! It exists in two forms. [`RegistryFile`] is the data as written (the JSON schema of
//! `smishgate check --registry`, the default registry compiled into the binary, the user's own
//! entries); it is loaded, validated with errors that name the entry and the field, and merged.
//! [`Registry`] is the compiled form the classifier reads: sender keys, a domain map, an alias
//! index and the lookalike index, built once so that classifying a message does no set-up.

use crate::brands::{BrandToken, OfficialLabel};
use crate::dict::{Dict, DictBuilder, StrMap};
use crate::error::{Error, Result};
use crate::normalize::fold;
use crate::sender;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The registry file format version this build reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// The default registry, compiled into the binary (see `data/default_registry.json` for the
/// sources of every domain and sender).
const DEFAULT_REGISTRY_JSON: &str = include_str!("../data/default_registry.json");

/// What links a service's SMS may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkPolicy {
    /// Its SMS never carry links: codes and notices only.
    Never,
    /// Links only to its own domains.
    Official,
}

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
        RegistryFile::from_json_in(text, crate::sender::DEFAULT_REGION)
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

/// The format version of a file, which must be this build's.
fn check_version(version: Option<serde_json::Value>) -> Result<u64> {
    let version = match version {
        Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
        None => {
            return Err(Error::RegistryJson(
                "missing field `version` (write \"version\": 1)".into(),
            ))
        }
        Some(other) => {
            return Err(Error::RegistryJson(format!(
                "field `version` must be a number, found {other}"
            )))
        }
    };
    if version != FORMAT_VERSION {
        return Err(Error::RegistryVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(version)
}

/// How errors name entry `i`: `services[3] (id "gym")`.
fn entry_name(i: usize, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("services[{i}] (id {id:?})"),
        None => format!("services[{i}]"),
    }
}

fn refuse_blank_name(entry: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::RegistryEntry {
            entry: entry.to_string(),
            field: "name".into(),
            message: format!(
                "{name:?} is blank: write the name shown to the user, or leave the field out \
                 to show the id"
            ),
        });
    }
    Ok(())
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

    pub(crate) fn validated_for(self, entry: &str) -> Result<Self> {
        self.validated(entry)
    }

    fn validated(mut self, entry: &str) -> Result<Self> {
        let err = |field: &str, message: String| Error::RegistryEntry {
            entry: entry.to_string(),
            field: field.to_string(),
            message,
        };
        if self.id.trim().is_empty() {
            return Err(err(
                "id",
                format!(
                    "{:?} is blank: a service needs an id of lowercase ASCII letters, digits, \
                     '-' or '_'",
                    self.id
                ),
            ));
        }
        if !self
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(err(
                "id",
                format!(
                    "{:?} must be lowercase ASCII letters, digits, '-' or '_'",
                    self.id
                ),
            ));
        }
        // An empty name means "the id" (or, merged over a known id, "keep the name"); one
        // of only spaces would show as nothing.
        if !self.name.is_empty() && self.name.trim().is_empty() {
            return Err(err(
                "name",
                format!(
                    "{:?} is blank: write the name shown to the user, or leave the field out \
                     to show the id",
                    self.name
                ),
            ));
        }
        for (i, alias) in self.aliases.iter().enumerate() {
            let folded = fold(alias);
            if folded.trim().chars().count() < 2 {
                return Err(err(
                    &format!("aliases[{i}]"),
                    format!("{alias:?} is too short to name a service (2 characters at least)"),
                ));
            }
        }
        for (i, s) in self.senders.iter().enumerate() {
            check_sender(s).map_err(|m| err(&format!("senders[{i}]"), m))?;
        }
        for (i, d) in self.domains.iter_mut().enumerate() {
            *d = normalize_domain(d).map_err(|m| err(&format!("domains[{i}]"), m))?;
        }
        Ok(self)
    }
}

/// Sender IDs and numbers longer than this are refused: an alphanumeric sender ID is at most
/// 11 characters on the air and a number at most 15 digits, so a longer one is a mistake
/// (a sentence pasted into the field), and 64 leaves room for spacing and punctuation.
pub const MAX_SENDER_CHARS: usize = 64;

/// Check a sender as written in a registry, the blocked list or a command: not blank, at most
/// [`MAX_SENDER_CHARS`] characters, and a number or a sender name. The error says which.
pub fn check_sender(s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err(format!("{s:?} is blank: write a number or a sender name"));
    }
    let n = s.trim().chars().count();
    if n > MAX_SENDER_CHARS {
        return Err(format!(
            "{:?}… is {n} characters long; a sender has at most {MAX_SENDER_CHARS}",
            s.trim().chars().take(16).collect::<String>()
        ));
    }
    if sender::parse(s, sender::DEFAULT_REGION).kind == sender::SenderKind::Unknown {
        return Err(format!("{s:?} is neither a number nor a sender name"));
    }
    Ok(())
}

/// Check a blocked list: every entry a sender ([`check_sender`]), and no sender twice under
/// two spellings (`+1 (555) 123-4567` and `+15551234567`; `+81 90-1234-5678` and
/// `09012345678` in JP), which would show twice in `services blocked` for one number.
fn check_blocked(blocked: &[String], region: &str) -> Result<()> {
    let err = |i: usize, message: String| Error::RegistryEntry {
        entry: "blocked".into(),
        field: format!("blocked[{i}]"),
        message,
    };
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(blocked.len());
    for (i, b) in blocked.iter().enumerate() {
        check_sender(b).map_err(|m| err(i, m))?;
        let key = sender::parse(b, region).key;
        if let Some(&first) = seen.get(&key) {
            let same = if blocked[first] == *b {
                "the same sender as".to_string()
            } else {
                format!("the same sender (region {region}) as")
            };
            return Err(err(
                i,
                format!(
                    "{b:?} is {same} blocked[{first}] {:?}; list it once",
                    blocked[first]
                ),
            ));
        }
        seen.insert(key, i);
    }
    Ok(())
}

/// The spelling under which `sender` is already in `blocked`, if it is (`+81 90-1234-5678`
/// for `09012345678` in JP).
pub fn blocked_as<'a>(blocked: &'a [String], sender: &str, region: &str) -> Option<&'a str> {
    let key = sender::parse(sender, region).key;
    if key.is_empty() {
        return None;
    }
    blocked
        .iter()
        .find(|b| sender::parse(b, region).key == key)
        .map(String::as_str)
}

/// Add `sender` to a blocked list after [`check_sender`]. A sender blocked already, under
/// this spelling or another, is not added twice: with `refuse_known` that is
/// [`Error::AlreadyBlocked`] (the user asked to block it), otherwise nothing (a file or a
/// confirmed message that blocks it again).
pub(crate) fn add_blocked(
    blocked: &mut Vec<String>,
    sender: &str,
    region: &str,
    refuse_known: bool,
) -> Result<()> {
    check_sender(sender).map_err(Error::Invalid)?;
    match blocked_as(blocked, sender, region) {
        Some(written) if refuse_known => Err(Error::AlreadyBlocked {
            sender: sender.to_string(),
            written: written.to_string(),
        }),
        Some(_) => Ok(()),
        None => {
            blocked.push(sender.to_string());
            Ok(())
        }
    }
}

/// Add every sender of `senders` to a blocked list, as [`add_blocked`] without `refuse_known`
/// does for one: the keys of the list are computed once, so a file of many blocked senders is
/// merged in linear time.
pub(crate) fn extend_blocked(
    blocked: &mut Vec<String>,
    senders: &[String],
    region: &str,
) -> Result<()> {
    let mut keys: HashSet<String> = blocked
        .iter()
        .map(|b| sender::parse(b, region).key)
        .collect();
    for s in senders {
        check_sender(s).map_err(Error::Invalid)?;
        if keys.insert(sender::parse(s, region).key) {
            blocked.push(s.clone());
        }
    }
    Ok(())
}

/// Reduce a written domain to its ASCII (punycode) lowercase form, refusing anything that is
/// not a host name (`*.x.com`, `a..com`, `-x-.com`, `a_b.com`, a label over 63 characters, a
/// name over 253, a leading or trailing dot, spaces) or is only a public suffix (listing
/// `co.jp` would make every link official). Internationalised names are kept: `例え.jp` and
/// `xn--r8jz45g.jp` are the same domain.
pub fn normalize_domain(d: &str) -> Result<String, String> {
    if d.trim().is_empty() {
        return Err("empty domain".into());
    }
    if d.contains("://") || d.contains('/') || d.contains('@') || d.contains(':') {
        return Err(format!(
            "{d:?} must be a bare domain such as \"example.co.jp\" (no scheme, path, port or user)"
        ));
    }
    if d.chars().any(char::is_whitespace) {
        return Err(format!(
            "{d:?} contains a space: a domain is one word such as \"example.co.jp\""
        ));
    }
    if d.contains('*') {
        return Err(format!(
            "{d:?} is a wildcard: write the domain itself (\"example.com\"), its subdomains \
             count already"
        ));
    }
    let ascii =
        idna::domain_to_ascii(d).map_err(|_| format!("{d:?} is not a valid domain name"))?;
    // Checked on the ASCII form, where full-width dots (`。`) have become dots and an
    // internationalised label its `xn--` form, whose length is what DNS limits.
    if ascii.starts_with('.') || ascii.ends_with('.') {
        return Err(format!(
            "{d:?} starts or ends with a dot: write it without (\"example.com\")"
        ));
    }
    if ascii.len() > 253 {
        return Err(format!(
            "{d:?} is {} characters long as a domain name; the limit is 253",
            ascii.len()
        ));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(format!("{d:?} has two dots in a row"));
        }
        if label.len() > 63 {
            return Err(format!(
                "{d:?} has a label of {} characters; a label has at most 63",
                label.len()
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!(
                "{d:?} contains {c:?}: a domain's labels are letters, digits and hyphens"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "{d:?} has a label that starts or ends with a hyphen ({label:?})"
            ));
        }
    }
    if !ascii.contains('.') {
        return Err(format!("{d:?} has no top-level domain"));
    }
    let split = crate::suffix::split(&ascii).filter(|s| s.known);
    let Some(split) = split else {
        return Err(format!("{d:?} does not end in a known public suffix"));
    };
    if split.domain.is_none() && !crate::suffix::may_be_listed(&ascii) {
        return Err(format!(
            "{d:?} is a public suffix shared by many owners, not a service's domain"
        ));
    }
    Ok(ascii)
}

/// One compiled service.
#[derive(Debug, Clone)]
pub struct Service {
    /// Stable identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Official domains (ASCII).
    pub domains: Vec<String>,
    /// Links policy.
    pub links: LinkPolicy,
    /// Category, when known.
    pub category: Option<String>,
}

/// Words of an official label at least this long are tokens of their own (`sagawa` of
/// `sagawa-exp`); shorter ones (`exp`, `sec`) name nothing.
const LABEL_WORD_TOKEN_LEN: usize = 5;

/// Words of official labels that are everyday words, not names (`click` of `click-sec`,
/// `point` of `smbcgroup-point`): never tokens of their own.
const LABEL_WORD_STOP: &[&str] = &[
    "click", "media", "point", "smile", "virtual", "visits", "hldgs", "direct", "group", "global",
    "japan", "digital", "smart", "first", "express", "holdings", "official", "portal", "member",
    "members", "money", "trade", "netbank", "school", "north", "south", "east", "west",
];

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
    alias_index: Dict,
    alias_owner: Vec<usize>,
    pub(crate) labels: Vec<OfficialLabel>,
    /// Label indices sorted by skeleton (then index): equal skeletons are one run, found by
    /// binary search.
    by_skeleton: Vec<u32>,
    /// Labels by deletion neighbourhood, for the edit-distance look-alikes.
    pub(crate) near: crate::brands::NearIndex,
    pub(crate) label_tokens: Dict,
    pub(crate) label_token_owner: Vec<BrandToken>,
    /// Per service: its tokens in `label_token_owner`, two runs (of its labels, of its
    /// aliases).
    token_runs: Vec<[(u32, u32); 2]>,
    /// Official domains as written, with hyphens for dots, and both in skeleton form: one
    /// pass finds dot and hyphen games.
    domain_forms: Dict,
    domain_form_owner: Vec<(usize, bool)>,
    blocked: HashSet<String>,
    region: String,
}

/// Does a token with this skeleton exist already in `run` of `tokens`? Runs are a service's
/// tokens, a handful; a service with very many domains gets a set, so that compiling stays
/// linear.
fn token_seen(
    tokens: &[BrandToken],
    run: (u32, u32),
    set: &mut Option<HashSet<String>>,
    skeleton: &str,
) -> bool {
    const SCAN: u32 = 16;
    if run.1 - run.0 <= SCAN {
        return tokens[run.0 as usize..run.1 as usize]
            .iter()
            .any(|t| t.skeleton == skeleton);
    }
    let set = set.get_or_insert_with(|| {
        tokens[run.0 as usize..run.1 as usize]
            .iter()
            .map(|t| t.skeleton.clone())
            .collect()
    });
    set.contains(skeleton)
}

impl Registry {
    /// Compile a registry file for a default region (numbers without a country code are read
    /// in it).
    pub fn compile(file: &RegistryFile, region: &str) -> Result<Registry> {
        if !sender::is_known_region(region) {
            return Err(Error::Region(region.to_string()));
        }
        let n = file.services.len();
        let mut services = Vec::with_capacity(n);
        let mut by_id = StrMap::with_capacity(n);
        let mut senders: StrMap<Owners> = StrMap::with_capacity(2 * n);
        let mut domains = StrMap::with_capacity(n);
        let mut aliases = DictBuilder::default();
        let mut alias_owner = Vec::new();
        let mut labels = Vec::with_capacity(n);
        // Per service, its first label (the one its alias tokens stand for) and its one-word
        // Latin aliases, searched as tokens once every label's tokens are in.
        let mut first_label: Vec<Option<usize>> = Vec::with_capacity(n);
        let mut alias_words: Vec<(usize, String)> = Vec::new();
        let generic = |t: &str| crate::brands::GENERIC_LABELS.contains(&t);
        for (idx, spec) in file.services.iter().enumerate() {
            let name = spec.shown_name().to_string();
            // A later entry of an id wins, as a map's insert does.
            *by_id.entry(&spec.id, || idx).0 = idx;
            for s in &spec.senders {
                let key = sender::parse(s, region).key;
                let (owners, fresh) = senders.entry(&key, || Owners::One([idx]));
                if !fresh {
                    owners.add(idx);
                }
            }
            let first_form = aliases.len();
            for (k, alias) in spec
                .aliases
                .iter()
                .chain(std::iter::once(&name))
                .enumerate()
            {
                let folded = fold(alias.trim());
                // A name of several words is also matched written as one (`au PAY` in a
                // `【…】` header, whose spaces normalisation drops, or typed `aupay`).
                let compact: Cow<str> = if folded.contains(char::is_whitespace) {
                    Cow::Owned(folded.chars().filter(|c| !c.is_whitespace()).collect())
                } else {
                    Cow::Borrowed(&folded)
                };
                if k < spec.aliases.len() {
                    let word: String = compact.chars().filter(|c| *c != '-' && *c != '.').collect();
                    if word.len() >= LABEL_WORD_TOKEN_LEN
                        && word
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                        && word.bytes().any(|b| b.is_ascii_lowercase())
                        && !generic(&word)
                    {
                        alias_words.push((idx, word));
                    }
                }
                for form in [folded.as_str(), &compact] {
                    // Each form once per service: a service has a handful, a scan is cheap.
                    if form.chars().count() >= 2
                        && !(first_form..aliases.len()).any(|id| aliases.get(id) == form)
                    {
                        aliases.push(form);
                        alias_owner.push(idx);
                    }
                }
            }
            first_label.push(None);
            for d in &spec.domains {
                domains.entry(d, || idx);
                if let Some(label) = crate::suffix::registrable_label(d) {
                    first_label[idx].get_or_insert(labels.len());
                    let skeleton = crate::skeleton::skeleton(&label);
                    labels.push(OfficialLabel {
                        service: idx,
                        domain: d.clone(),
                        skeleton_chars: skeleton.chars().collect(),
                        skeleton,
                        label,
                    });
                }
            }
            services.push(Service {
                id: spec.id.clone(),
                name,
                domains: spec.domains.clone(),
                links: spec.link_policy(),
                category: spec.category.clone(),
            });
        }
        // Plain indexes, not automata: they build in microseconds (see `dict`).
        let alias_index = aliases.build();
        // Sorted on the skeleton's first eight bytes first: most comparisons end there,
        // without reading the labels' strings.
        let mut by_skeleton: Vec<(u64, u32)> = (0..labels.len())
            .map(|i| {
                (
                    crate::dict::prefix_key(labels[i].skeleton.as_bytes()),
                    i as u32,
                )
            })
            .collect();
        by_skeleton.sort_unstable_by(|&(ka, a), &(kb, b)| {
            ka.cmp(&kb)
                .then_with(|| {
                    labels[a as usize]
                        .skeleton
                        .cmp(&labels[b as usize].skeleton)
                })
                .then(a.cmp(&b))
        });
        let by_skeleton: Vec<u32> = by_skeleton.into_iter().map(|(_, i)| i).collect();
        // Brand tokens searched inside foreign hosts: labels long enough to be distinctive,
        // the long words of hyphenated labels, and one-word Latin aliases (phishers write
        // the name people know, `sagawa-tku.com`, not the domain's `sagawa-exp`). A service
        // has each skeleton once; its tokens are two runs, of its labels then of its aliases.
        let mut tokens = DictBuilder::default();
        let mut label_token_owner: Vec<BrandToken> = Vec::new();
        let mut token_runs = vec![[(0u32, 0u32); 2]; n];
        let mut run_set: Option<HashSet<String>> = None;
        let mut push = |owner: &mut Vec<BrandToken>,
                        run: &mut (u32, u32),
                        set: &mut Option<HashSet<String>>,
                        label: usize,
                        plain: &str,
                        skeleton: String| {
            if !token_seen(owner, *run, set, &skeleton) {
                tokens.push(&skeleton);
                if let Some(set) = set {
                    set.insert(skeleton.clone());
                }
                owner.push(BrandToken {
                    label,
                    plain: plain.to_string(),
                    skeleton,
                });
                run.1 += 1;
            }
        };
        let mut current = usize::MAX;
        for (i, l) in labels.iter().enumerate() {
            if l.service != current {
                // Labels of a service are contiguous: its run starts here.
                current = l.service;
                let at = label_token_owner.len() as u32;
                token_runs[current][0] = (at, at);
                run_set = None;
            }
            let run = &mut token_runs[current][0];
            if l.label.len() >= crate::brands::MIN_TOKEN_LEN && !generic(&l.label) {
                push(
                    &mut label_token_owner,
                    run,
                    &mut run_set,
                    i,
                    &l.label,
                    l.skeleton.clone(),
                );
            }
            if l.label.contains('-') {
                for word in l.label.split('-') {
                    if word.len() >= LABEL_WORD_TOKEN_LEN
                        && !generic(word)
                        && !LABEL_WORD_STOP.contains(&word)
                    {
                        let sk = crate::skeleton::skeleton(word);
                        push(&mut label_token_owner, run, &mut run_set, i, word, sk);
                    }
                }
            }
        }
        let mut current = usize::MAX;
        let mut label_set = None;
        for (idx, word) in alias_words {
            let Some(label) = first_label[idx] else {
                continue;
            };
            if idx != current {
                current = idx;
                let at = label_token_owner.len() as u32;
                token_runs[idx][1] = (at, at);
                (label_set, run_set) = (None, None);
            }
            let sk = crate::skeleton::skeleton(&word);
            let [labels_run, run] = &mut token_runs[idx];
            // Seen among the service's label tokens, or among its alias tokens so far.
            if token_seen(&label_token_owner, *labels_run, &mut label_set, &sk) {
                continue;
            }
            push(&mut label_token_owner, run, &mut run_set, label, &word, sk);
        }
        let mut forms = DictBuilder::default();
        let mut domain_form_owner = Vec::new();
        for (i, l) in labels.iter().enumerate() {
            if l.domain.len() < 6 || !l.domain.contains('.') {
                continue;
            }
            let hyphens = |d: &str| d.replace('.', "-");
            forms.push(&l.domain);
            domain_form_owner.push((i, true));
            forms.push(&hyphens(&l.domain));
            domain_form_owner.push((i, false));
            let domain_skeleton = crate::skeleton::skeleton(&l.domain);
            if domain_skeleton != l.domain {
                forms.push(&domain_skeleton);
                domain_form_owner.push((i, true));
                forms.push(&hyphens(&domain_skeleton));
                domain_form_owner.push((i, false));
            }
        }
        let near = crate::brands::NearIndex::new(&labels);
        let label_tokens = tokens.build();
        let domain_forms = forms.build();
        let blocked = file
            .blocked
            .iter()
            .map(|s| sender::parse(s, region).key)
            .filter(|k| !k.is_empty())
            .collect();
        Ok(Registry {
            services,
            by_id,
            senders,
            domains,
            alias_index,
            alias_owner,
            labels,
            by_skeleton,
            near,
            label_tokens,
            label_token_owner,
            token_runs,
            domain_forms,
            domain_form_owner,
            blocked,
            region: region.to_ascii_uppercase(),
        })
    }

    /// The default registry compiled for Japan, built once per process.
    pub fn builtin() -> &'static Registry {
        static BUILTIN: OnceLock<Registry> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Registry::compile(
                RegistryFile::default_registry(),
                crate::sender::DEFAULT_REGION,
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
        self.services[service]
            .domains
            .iter()
            .any(|d| host == d || crate::links::is_subdomain_of(host, d))
    }

    /// Alias occurrences in folded text: (start, end, service), leftmost-longest.
    pub fn find_aliases<'a>(
        &'a self,
        folded: &'a str,
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        self.alias_index
            .find_iter(folded)
            .map(|(s, e, id)| (s, e, self.alias_owner[id]))
    }

    /// Official domain forms occurring in `host`: (label index, dotted form, start, end).
    pub(crate) fn domain_form_hits<'a>(
        &'a self,
        host: &'a str,
    ) -> impl Iterator<Item = (usize, bool, usize, usize)> + 'a {
        self.domain_forms.find_overlapping(host).map(|(s, e, id)| {
            let (i, dot) = self.domain_form_owner[id];
            (i, dot, s, e)
        })
    }

    /// Brand tokens whose skeleton occurs in `host_skeleton` (itself a skeleton).
    pub(crate) fn label_token_hits<'a>(
        &'a self,
        host_skeleton: &'a str,
    ) -> impl Iterator<Item = &'a BrandToken> + 'a {
        self.label_tokens
            .find_overlapping(host_skeleton)
            .map(|(_, _, id)| &self.label_token_owner[id])
    }

    /// The brand tokens of service `s`, in token order.
    pub(crate) fn tokens_of(&self, s: usize) -> impl Iterator<Item = &BrandToken> + '_ {
        self.token_runs[s]
            .iter()
            .flat_map(move |&(a, b)| &self.label_token_owner[a as usize..b as usize])
    }

    /// Official labels whose skeleton is `sk`, by index.
    pub(crate) fn labels_with_skeleton<'a>(&'a self, sk: &str) -> impl Iterator<Item = usize> + 'a {
        let key = |&i: &u32| self.labels[i as usize].skeleton.as_str();
        let lo = self.by_skeleton.partition_point(|i| key(i) < sk);
        let hi = lo + self.by_skeleton[lo..].partition_point(|i| key(i) == sk);
        self.by_skeleton[lo..hi].iter().map(|&i| i as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn validation_names_entry_and_field() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"version":1,"services":[{"id":"x","name":"X","domains":["co.jp"],"links":"never"}]}"#,
                "services[0] (id \"x\"): field `domains[0]`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x","name":"X","domains":["https://x.com/"]}]}"#,
                "field `domains[0]`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x","name":"X","links":"sometimes"}]}"#,
                "field `links`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x","name":"X","domain":["x.com"]}]}"#,
                "field `domain`",
            ),
            (
                r#"{"version":1,"services":[{"id":"Bad Id"}]}"#,
                "field `id`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x","aliases":["a"]}]}"#,
                "field `aliases[0]`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x"},{"id":"x"}]}"#,
                "services[1] (id \"x\"): field `id`",
            ),
            (
                r#"{"version":2,"services":[]}"#,
                "version 2 is not supported",
            ),
            (r#"{"services":[]}"#, "missing field `version`"),
            (r#"not json"#, "not valid JSON"),
        ];
        for (text, want) in cases {
            let e = RegistryFile::from_json(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}\n  gave {e}\n  want {want}");
        }
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

    /// A one-service registry file around a service's fields.
    fn one(fields: &str) -> String {
        format!(r#"{{"version":1,"services":[{{"id":"x",{fields}}}]}}"#)
    }

    #[test]
    fn refuses_blank_ids_and_names() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"version":1,"services":[{"id":""}]}"#,
                "field `id`: \"\" is blank",
            ),
            (
                r#"{"version":1,"services":[{"id":"   "}]}"#,
                "field `id`: \"   \" is blank",
            ),
            (r#"{"version":1,"services":[{"id":"\t"}]}"#, "is blank"),
            (
                &one(r#""name":"""#),
                "services[0] (id \"x\"): field `name`: \"\" is blank",
            ),
            (&one(r#""name":"  ""#), "field `name`: \"  \" is blank"),
            (&one(r#""name":"　""#), "field `name`"),
            (&one(r#""aliases":["  "]"#), "field `aliases[0]`"),
            (
                &one(r#""senders":["   "]"#),
                "field `senders[0]`: \"   \" is blank",
            ),
        ];
        for (text, want) in cases {
            let e = RegistryFile::from_json(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}\n  gave {e}\n  want {want}");
        }
        // No name at all is the id's (or, merged, the built-in name's): still fine.
        RegistryFile::from_json(&one(r#""domains":["x.com"]"#)).unwrap();
        // The same rules for a service written by hand (the gateway's `add`).
        let spec = |id: &str, name: &str| ServiceSpec {
            id: id.into(),
            name: name.into(),
            ..RegistryFile::from_json(&one("\"name\":\"X\""))
                .unwrap()
                .services
                .remove(0)
        };
        assert!(spec(" ", "X").validated_for("e").is_err());
        assert!(spec("x", " ").validated_for("e").is_err());
        assert!(spec("x", "").validated_for("e").is_ok());
    }

    #[test]
    fn refuses_malformed_domains() {
        let long_label = format!("{}.com", "a".repeat(64));
        let ok_label = format!("{}.com", "a".repeat(63));
        let long_name = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        let bad: &[(&str, &str)] = &[
            ("*.x.com", "wildcard"),
            ("a..com", "two dots in a row"),
            ("-x-.com", "hyphen"),
            ("x-.com", "hyphen"),
            ("a_b.com", "'_'"),
            (&long_label, "a label of 64 characters"),
            (&long_name, "the limit is 253"),
            (".x.com", "starts or ends with a dot"),
            ("x.com.", "starts or ends with a dot"),
            ("x.com。", "starts or ends with a dot"),
            ("x .com", "contains a space"),
            (" x.com", "contains a space"),
            ("x.com ", "contains a space"),
            ("x.co\u{3000}jp", "contains a space"),
            ("x!.com", "'!'"),
            ("", "empty domain"),
            ("  ", "empty domain"),
            ("https://x.com/", "bare domain"),
            ("co.jp", "public suffix"),
            ("jp", "no top-level domain"),
            ("x.notatld", "known public suffix"),
        ];
        for (d, want) in bad {
            let e = normalize_domain(d).unwrap_err();
            assert!(e.contains(want), "{d:?}\n  gave {e}\n  want {want}");
            // And through a file: the entry and the field are named.
            let text = one(&format!(r#""domains":["ok.com",{}]"#, serde_json::json!(d)));
            let e = RegistryFile::from_json(&text).unwrap_err().to_string();
            assert!(
                e.contains("services[0] (id \"x\"): field `domains[1]`") && e.contains(want),
                "{d:?} gave {e}"
            );
        }
        let good: &[(&str, &str)] = &[
            ("example.co.jp", "example.co.jp"),
            ("Example.COM", "example.com"),
            ("例え.jp", "xn--r8jz45g.jp"),
            ("xn--r8jz45g.jp", "xn--r8jz45g.jp"),
            ("例え。jp", "xn--r8jz45g.jp"),
            ("sagawa-exp.co.jp", "sagawa-exp.co.jp"),
            ("e-tax.nta.go.jp", "e-tax.nta.go.jp"),
            (&ok_label, &ok_label),
            // A public body may name its government-only suffix (HMRC lists gov.uk).
            ("go.jp", "go.jp"),
            ("gov.uk", "gov.uk"),
            ("lg.jp", "lg.jp"),
        ];
        for (d, want) in good {
            assert_eq!(normalize_domain(d).as_deref(), Ok(*want), "{d:?}");
        }
    }

    #[test]
    fn refuses_senders_over_64_characters() {
        let s64 = "A".repeat(64);
        let s65 = "A".repeat(65);
        let cases: &[(&str, Option<&str>)] = &[
            (&s64, None),
            (&s65, Some("is 65 characters long; a sender has at most 64")),
            ("+81 90-1234-5678", None),
            ("---", Some("neither a number nor a sender name")),
        ];
        for (sender, want) in cases {
            let text = one(&format!(r#""senders":[{}]"#, serde_json::json!(sender)));
            let got = RegistryFile::from_json(&text).map(|_| ());
            match want {
                None => assert!(got.is_ok(), "{sender:?}: {got:?}"),
                Some(w) => {
                    let e = got.unwrap_err().to_string();
                    assert!(e.contains("field `senders[0]`") && e.contains(w), "{e}");
                }
            }
            // The blocked list is held to the same rules.
            let text = format!(
                r#"{{"version":1,"blocked":[{}]}}"#,
                serde_json::json!(sender)
            );
            let got = RegistryFile::from_json(&text).map(|_| ());
            match want {
                None => assert!(got.is_ok(), "{sender:?}: {got:?}"),
                Some(w) => {
                    let e = got.unwrap_err().to_string();
                    assert!(e.contains("field `blocked[0]`") && e.contains(w), "{e}");
                }
            }
        }
    }

    #[test]
    fn refuses_one_blocked_sender_in_two_spellings() {
        // (first, second, region, refused)
        let cases: &[(&str, &str, &str, bool)] = &[
            ("+81 90-1234-5678", "09012345678", "JP", true),
            ("090-1234-5678", "+819012345678", "JP", true),
            ("+1 (555) 123-4567", "+15551234567", "JP", true),
            ("+1 (555) 123-4567", "+15551234567", "US", true),
            ("(555) 123-4567", "+1 555 123 4567", "US", true),
            ("SPAMMER", "spammer", "JP", true),
            ("SPAMMER", "SPAMMER", "JP", true),
            // Another country's national spelling is another number.
            ("+81 90-1234-5678", "09012345678", "US", false),
            ("+81 90-1234-5678", "09012345679", "JP", false),
        ];
        for &(a, b, region, refused) in cases {
            let text = format!(
                r#"{{"version":1,"blocked":["OTHER",{},{}]}}"#,
                serde_json::json!(a),
                serde_json::json!(b)
            );
            let got = RegistryFile::from_json_in(&text, region);
            if !refused {
                assert!(got.is_ok(), "{a} / {b} in {region}: {got:?}");
                continue;
            }
            let e = got.unwrap_err().to_string();
            let want = format!("blocked: field `blocked[2]`: {b:?} is the same sender");
            assert!(
                e.contains(&want) && e.contains(&format!("as blocked[1] {a:?}")),
                "{a} / {b} in {region}: {e}"
            );
        }
        // Adding to a list: refused when asked to block (the error holds the spelling it has,
        // its message repeats no number), skipped when a file or a confirmed message blocks it
        // again.
        let mut list = vec!["+81 90-1234-5678".to_string()];
        let e = add_blocked(&mut list, "09012345678", "JP", true).unwrap_err();
        match &e {
            Error::AlreadyBlocked { sender, written } => {
                assert_eq!(
                    (sender.as_str(), written.as_str()),
                    ("09012345678", "+81 90-1234-5678")
                )
            }
            other => panic!("{other:?}"),
        }
        let said = e.to_string();
        assert!(
            said.contains("written another way") && !said.contains("1234"),
            "{said}"
        );
        add_blocked(&mut list, "09012345678", "JP", false).unwrap();
        extend_blocked(&mut list, &["+819012345678".into(), "SPAM".into()], "JP").unwrap();
        assert_eq!(list, ["+81 90-1234-5678", "SPAM"]);
        assert!(add_blocked(&mut list, "   ", "JP", false).is_err());
        assert_eq!(blocked_as(&list, "spam", "JP"), Some("SPAM"));
        assert_eq!(blocked_as(&list, "09012345678", "US"), None);
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

    /// 20,000 user services: merged over the built-in registry (as the gateway does at every
    /// open) in milliseconds, compiled in near-linear time, and a message judged against them
    /// about as fast as against the built-in registry alone. The merge used to scan the list
    /// for every id (48 s for 78,000 services) and the look-alike check every label. Bounds are
    /// generous (a loaded machine, a debug build); `examples/registry_scale.rs` gives figures.
    #[test]
    fn twenty_thousand_services_compile_and_classify_quickly() {
        use crate::{classify, Message, Options};
        use std::time::{Duration, Instant};
        let user = RegistryFile::from_json(&synthetic(20_000)).unwrap();
        let t = Instant::now();
        let mut file = RegistryFile::default_registry().clone();
        file.merge(user);
        let merge = t.elapsed();
        let t = Instant::now();
        let reg = Registry::compile(&file, "JP").unwrap();
        let compile = t.elapsed();
        let msgs = [
            // Service 12345 is "Kokisa Service", kokisa.ne.jp, sender KOKISA.
            ("KOKISA", "Kokisa: your code is 482913"),
            (
                "+819011112222",
                "【Kokisa】ご本人確認 https://kokisa-ne-jp.top/login",
            ),
            (
                "+819011112222",
                "Kokisa Service: verify at https://kokiqa.com/verify",
            ),
            (
                "+819033334444",
                "Amazon: update payment at https://amaz0n-account.shop/",
            ),
            (
                "+819033334444",
                "Your parcel is held, pay the fee at https://dhl-parcel.top/x",
            ),
            ("+819055556666", "明日の打ち合わせ、15時からでお願いします"),
        ];
        // The matchers the classifier builds on first use are not the registry's cost.
        crate::warm_up();
        let judge = |reg: &Registry| {
            let t = Instant::now();
            for _ in 0..5 {
                for (s, b) in &msgs {
                    classify(
                        &Message {
                            sender: s,
                            body: b,
                            cut: false,
                        },
                        reg,
                        &Options::default(),
                    );
                }
            }
            t.elapsed()
        };
        let (alone, big) = (judge(Registry::builtin()), judge(&reg));
        let (merge_bound, compile_bound) = if cfg!(debug_assertions) {
            (Duration::from_secs(1), Duration::from_secs(20))
        } else {
            (Duration::from_millis(200), Duration::from_secs(2))
        };
        assert!(merge < merge_bound, "merge took {merge:?}");
        assert!(compile < compile_bound, "compile took {compile:?}");
        assert!(
            big < alone * 4 + Duration::from_millis(5),
            "30 messages took {big:?} against 20,000 services, {alone:?} against the built-in"
        );
        // And the registry works: the service is known by sender, name and look-alikes.
        let verdicts: Vec<_> = msgs
            .iter()
            .map(|(s, b)| {
                classify(
                    &Message {
                        sender: s,
                        body: b,
                        cut: false,
                    },
                    &reg,
                    &Options::default(),
                )
            })
            .collect();
        assert_eq!(
            reg.service(reg.index_of("svc-12345").unwrap()).name,
            "Kokisa Service"
        );
        for v in &verdicts[..3] {
            assert_eq!(v.service.as_deref(), Some("svc-12345"), "{v:?}");
        }
        assert_eq!(verdicts[0].otp.as_deref(), Some("482913"));
        for v in &verdicts[1..3] {
            assert!(v.links.iter().any(|l| l.lookalike.is_some()), "{v:?}");
        }
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
                RegistryFile::from_json_in(text, crate::sender::DEFAULT_REGION).unwrap(),
                RegistryFile::from_json_values(text, "JP").unwrap()
            );
        }
        let null_name = one(r#""name":null"#);
        assert!(serde_json::from_str::<FastFile>(&null_name).is_err());
        assert!(RegistryFile::from_json(&null_name).is_err());
    }
}
