//! [`Registry::compile`]: a registry file turned into the indexes the classifier reads (sender
//! keys, domains, aliases, official labels, brand tokens and domain forms), in linear time.

use super::{Owners, Registry, RegistryFile, Service};
use crate::error::{Error, Result};
use crate::signals::brands::{BrandToken, OfficialLabel};
use crate::signals::sender;
use crate::text::dict::{DictBuilder, StrMap};
use crate::text::normalize::fold;
use std::borrow::Cow;
use std::collections::HashSet;

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
        let generic = |t: &str| crate::signals::brands::GENERIC_LABELS.contains(&t);
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
                if let Some(label) = crate::signals::suffix::registrable_label(d) {
                    first_label[idx].get_or_insert(labels.len());
                    let skeleton = crate::signals::skeleton::skeleton(&label);
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
                    crate::text::dict::prefix_key(labels[i].skeleton.as_bytes()),
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
            if l.label.len() >= crate::signals::brands::MIN_TOKEN_LEN && !generic(&l.label) {
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
                        let sk = crate::signals::skeleton::skeleton(word);
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
            let sk = crate::signals::skeleton::skeleton(&word);
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
            let domain_skeleton = crate::signals::skeleton::skeleton(&l.domain);
            if domain_skeleton != l.domain {
                forms.push(&domain_skeleton);
                domain_form_owner.push((i, true));
                forms.push(&hyphens(&domain_skeleton));
                domain_form_owner.push((i, false));
            }
        }
        let near = crate::signals::brands::NearIndex::new(&labels);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::tests::synthetic;

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
}
