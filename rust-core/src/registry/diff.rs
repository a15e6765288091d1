//! What a change of the registry changes: two effective registries compared service by
//! service, for a screen that shows what a registry file would do before it is imported.
//!
//! A file can do harm without being malformed: an attacker's "bank list" that adds the
//! attacker's domain and sender to a built-in bank makes its lures official. So the difference
//! says, per service, whether it is built-in and exactly which domains, senders and aliases
//! come and go, and whether its link policy or name changes; and which blocked senders do.
//!
//! Items are compared as the gate reads them, so that the difference is what would change the
//! verdicts: senders (and blocked senders) by their key in the region (`+81 90-1234-5678` and
//! `09012345678` are one number in JP), aliases folded (NFKC, case), domains as stored (already
//! normalised). Another spelling of something listed is no change. Fields that no verdict reads
//! (category, region, sources, note) are not compared. Every list is sorted: the same two
//! registries always give the same difference.

use crate::registry::{LinkPolicy, RegistryFile, ServiceSpec};
use crate::signals::sender;
use crate::text::normalize::fold;
use std::collections::{HashMap, HashSet};

/// How a service differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It is new (or a built-in one the user had removed comes back).
    Added,
    /// It is gone.
    Removed,
    /// It is in both, with other domains, senders, aliases, link policy or name.
    Changed,
}

/// One service that differs between two registries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDiff {
    /// Its id.
    pub id: String,
    /// The name shown (the id when it has none): after the change, before it for a removed
    /// service.
    pub name: String,
    /// It is in the built-in registry ([`RegistryFile::default_registry`]): a change to it
    /// changes a service the user did not add.
    pub builtin: bool,
    /// Added, removed or changed.
    pub change: Change,
    /// Official domains it gains (all of them for an added service).
    pub domains_added: Vec<String>,
    /// Official domains it loses (all of them for a removed service).
    pub domains_removed: Vec<String>,
    /// Senders it gains.
    pub senders_added: Vec<String>,
    /// Senders it loses.
    pub senders_removed: Vec<String>,
    /// Aliases it gains.
    pub aliases_added: Vec<String>,
    /// Aliases it loses.
    pub aliases_removed: Vec<String>,
    /// Its link policy before, when the policy changes (`None` for an added service).
    pub links_before: Option<LinkPolicy>,
    /// Its link policy after, when the policy changes (`None` for a removed service).
    pub links_after: Option<LinkPolicy>,
    /// The name it had, when a service in both is renamed.
    pub name_before: Option<String>,
}

/// The difference of two registries: the services that differ, by id, and the blocked
/// senders added and removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryDiff {
    /// The services that differ, sorted by id.
    pub services: Vec<ServiceDiff>,
    /// Senders blocked after and not before.
    pub blocked_added: Vec<String>,
    /// Senders blocked before and not after.
    pub blocked_removed: Vec<String>,
}

impl RegistryDiff {
    /// What changes from `before` to `after`, numbers read in `region`.
    pub fn between(before: &RegistryFile, after: &RegistryFile, region: &str) -> RegistryDiff {
        let builtin: HashSet<&str> = RegistryFile::default_registry()
            .services
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let by_id = |f: &'_ RegistryFile| -> HashMap<String, usize> {
            f.services
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.clone(), i))
                .collect()
        };
        let (old, new) = (by_id(before), by_id(after));
        let mut ids = sorted(old.keys().chain(new.keys()).cloned().collect());
        ids.dedup();
        let services = ids
            .iter()
            .filter_map(|id| {
                service_diff(
                    old.get(id).map(|&i| &before.services[i]),
                    new.get(id).map(|&i| &after.services[i]),
                    builtin.contains(id.as_str()),
                    region,
                )
            })
            .collect();
        let (blocked_added, blocked_removed) =
            added_removed(&before.blocked, &after.blocked, &|s| sender_key(s, region));
        RegistryDiff {
            services,
            blocked_added,
            blocked_removed,
        }
    }

    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.blocked_added.is_empty() && self.blocked_removed.is_empty()
    }
}

/// How one id differs between two registries; `None` when it does not.
fn service_diff(
    before: Option<&ServiceSpec>,
    after: Option<&ServiceSpec>,
    builtin: bool,
    region: &str,
) -> Option<ServiceDiff> {
    let (change, shown) = match (before, after) {
        (None, Some(a)) => (Change::Added, a),
        (Some(b), None) => (Change::Removed, b),
        // Most services of a large registry are untouched: no list is compared for them.
        (Some(b), Some(a)) if b == a => return None,
        (Some(_), Some(a)) => (Change::Changed, a),
        (None, None) => return None,
    };
    let lists =
        |f: fn(&ServiceSpec) -> &[String]| (before.map_or(&[][..], f), after.map_or(&[][..], f));
    let (b, a) = lists(|s| s.domains.as_slice());
    let (domains_added, domains_removed) = added_removed(b, a, &str::to_string);
    let (b, a) = lists(|s| s.senders.as_slice());
    let (senders_added, senders_removed) = added_removed(b, a, &|s| sender_key(s, region));
    let (b, a) = lists(|s| s.aliases.as_slice());
    let (aliases_added, aliases_removed) = added_removed(b, a, &|s| fold(s.trim()));
    let (links_before, links_after) = match (
        before.map(ServiceSpec::link_policy),
        after.map(ServiceSpec::link_policy),
    ) {
        (b, a) if b == a => (None, None),
        other => other,
    };
    let name_before = match (before, after) {
        (Some(b), Some(a)) if b.shown_name() != a.shown_name() => Some(b.shown_name().to_string()),
        _ => None,
    };
    let d = ServiceDiff {
        id: shown.id.clone(),
        name: shown.shown_name().to_string(),
        builtin,
        change,
        domains_added,
        domains_removed,
        senders_added,
        senders_removed,
        aliases_added,
        aliases_removed,
        links_before,
        links_after,
        name_before,
    };
    // In both and written otherwise, but with nothing a verdict reads changed.
    let same = d.change == Change::Changed
        && d.domains_added.is_empty()
        && d.domains_removed.is_empty()
        && d.senders_added.is_empty()
        && d.senders_removed.is_empty()
        && d.aliases_added.is_empty()
        && d.aliases_removed.is_empty()
        && d.links_after.is_none()
        && d.name_before.is_none();
    (!same).then_some(d)
}

/// A sender as the gate matches it in `region`; one without a key (which the registry's
/// checks refuse) as written.
fn sender_key(s: &str, region: &str) -> String {
    let key = sender::parse(s, region).key;
    if key.is_empty() {
        s.to_string()
    } else {
        key
    }
}

/// `v` sorted. Every list of this module is sorted here, so that the phone library holds one
/// sort of strings, not one per list.
fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort_unstable();
    v
}

/// The items of `after` whose key is not among `before`'s, and the items of `before` whose
/// key is not among `after`'s: each key once (its first spelling), sorted. The key is a `dyn`
/// function so that the phone library holds this function once, not once per kind of item.
fn added_removed(
    before: &[String],
    after: &[String],
    key: &dyn Fn(&str) -> String,
) -> (Vec<String>, Vec<String>) {
    let keys_before: Vec<String> = before.iter().map(|s| key(s)).collect();
    let keys_after: Vec<String> = after.iter().map(|s| key(s)).collect();
    let only = |items: &[String], keys: &[String], other: &[String]| -> Vec<String> {
        let other: HashSet<&str> = other.iter().map(String::as_str).collect();
        let mut seen = HashSet::new();
        sorted(
            items
                .iter()
                .zip(keys)
                .filter(|(_, k)| !other.contains(k.as_str()) && seen.insert(k.as_str()))
                .map(|(s, _)| s.clone())
                .collect(),
        )
    };
    (
        only(after, &keys_after, &keys_before),
        only(before, &keys_before, &keys_after),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str, name: &str, senders: &[&str], domains: &[&str]) -> ServiceSpec {
        ServiceSpec {
            id: id.into(),
            name: name.into(),
            aliases: Vec::new(),
            senders: senders.iter().map(|s| s.to_string()).collect(),
            domains: domains.iter().map(|s| s.to_string()).collect(),
            links: None,
            category: None,
            region: None,
            sources: Vec::new(),
            note: None,
        }
    }

    fn file(services: Vec<ServiceSpec>, blocked: &[&str]) -> RegistryFile {
        RegistryFile {
            version: 1,
            services,
            blocked: blocked.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn equal_registries_differ_in_nothing() {
        let d = RegistryFile::default_registry();
        assert!(RegistryDiff::between(d, d, "JP").is_empty());
        assert!(RegistryDiff::between(&file(vec![], &[]), &file(vec![], &[]), "JP").is_empty());
    }

    /// Another spelling of a listed number, alias or blocked sender, or an unread field, is
    /// no change; a missing link policy is the default one.
    #[test]
    fn spellings_and_unread_fields_are_no_change() {
        let mut a = spec("gym", "Gym", &["09012345678"], &["gym.example.jp"]);
        a.aliases = vec!["ＧＹＭ Club".into()];
        a.links = Some(LinkPolicy::Official);
        let mut b = spec(
            "gym",
            "Gym",
            &["+81 90-1234-5678", "090 1234 5678"],
            &["gym.example.jp"],
        );
        b.aliases = vec!["gym club".into()];
        b.category = Some("leisure".into());
        b.note = Some("a note".into());
        let before = file(vec![a], &["+81 80-1111-2222"]);
        let after = file(vec![b], &["08011112222"]);
        assert_eq!(
            RegistryDiff::between(&before, &after, "JP"),
            RegistryDiff::default()
        );
        // In another region the national spelling is another country's number.
        let d = RegistryDiff::between(&before, &after, "US");
        assert_eq!(d.blocked_added, ["08011112222"]);
        assert_eq!(d.blocked_removed, ["+81 80-1111-2222"]);
        assert_eq!(d.services[0].senders_added, ["+81 90-1234-5678"]);
    }

    #[test]
    fn added_removed_and_changed_services_are_sorted_by_id_with_sorted_lists() {
        let before = file(
            vec![
                spec("zoo", "", &["ZOO"], &["zoo.example.jp"]),
                spec("bank", "Bank", &["BANK"], &["bank.example.jp"]),
            ],
            &[],
        );
        let mut bank = spec(
            "bank",
            "Bank Co.",
            &["BANK", "ZZZ", "AAA"],
            &["bank.example.jp"],
        );
        bank.links = Some(LinkPolicy::Never);
        let after = file(
            vec![
                bank,
                spec(
                    "gym",
                    "",
                    &["GYM"],
                    &["b-gym.example.jp", "a-gym.example.jp"],
                ),
            ],
            &["SPAM", "+15551234567"],
        );
        let d = RegistryDiff::between(&before, &after, "JP");
        let ids: Vec<(&str, Change)> = d
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.change))
            .collect();
        assert_eq!(
            ids,
            [
                ("bank", Change::Changed),
                ("gym", Change::Added),
                ("zoo", Change::Removed)
            ]
        );
        let bank = &d.services[0];
        assert_eq!(bank.name, "Bank Co.");
        assert_eq!(bank.name_before.as_deref(), Some("Bank"));
        assert_eq!(bank.senders_added, ["AAA", "ZZZ"]);
        assert!(bank.senders_removed.is_empty() && bank.domains_added.is_empty());
        assert_eq!(
            (bank.links_before, bank.links_after),
            (Some(LinkPolicy::Official), Some(LinkPolicy::Never))
        );
        assert!(!bank.builtin);
        let gym = &d.services[1];
        assert_eq!(gym.name, "gym", "no name: the id is shown");
        assert_eq!(gym.domains_added, ["a-gym.example.jp", "b-gym.example.jp"]);
        assert_eq!(
            (gym.links_before, gym.links_after),
            (None, Some(LinkPolicy::Official))
        );
        assert_eq!(gym.name_before, None);
        let zoo = &d.services[2];
        assert_eq!(
            (zoo.name.as_str(), zoo.senders_removed.as_slice()),
            ("zoo", &["ZOO".to_string()][..])
        );
        assert_eq!(
            (zoo.links_before, zoo.links_after),
            (Some(LinkPolicy::Official), None)
        );
        assert_eq!(d.blocked_added, ["+15551234567", "SPAM"]);
        assert!(d.blocked_removed.is_empty());
    }

    #[test]
    fn builtin_means_in_the_default_registry() {
        let mut after = RegistryFile::default_registry().clone();
        after.services[0].domains.push("attacker.example".into());
        after.services.push(spec("mine", "Mine", &[], &[]));
        let d = RegistryDiff::between(RegistryFile::default_registry(), &after, "JP");
        let flags: Vec<(&str, bool)> = d
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.builtin))
            .collect();
        let first = RegistryFile::default_registry().services[0].id.as_str();
        let mut want = vec![(first, true), ("mine", false)];
        want.sort_unstable();
        assert_eq!(flags, want);
    }
}
