//! The brand index: the services' names and official domains (aliases, official labels,
//! brand tokens, domain forms, the near-label index) indexed for the claims and the look-alike
//! check to search. The registry builds it from its services and owns it; the signals only
//! read it, so neither reaches into the other.

use crate::text::dict::{Dict, DictBuilder};
use crate::text::normalize::fold;
use std::borrow::Cow;
use std::collections::HashSet;

/// Brand tokens shorter than this are not searched inside foreign hosts at all (`au`); tokens
/// shorter than [`FREE_TOKEN_LEN`] count only when they stand alone between hyphens or dots
/// (`dhl-parcel.top`, not `online`).
pub const MIN_TOKEN_LEN: usize = 3;

/// Labels that name no brand (`www` of `www.gov.uk`): never searched as tokens.
pub const GENERIC_LABELS: &[&str] = &[
    "www", "web", "app", "api", "mail", "login", "secure", "account", "online", "mobile", "help",
    "support", "service", "info", "news", "shop", "store", "card", "bank", "pay", "post", "home",
    // Public bodies' hosts carry place and office words any city or prefecture's site shares.
    "police", "pref", "city", "metro", "tokyo", "osaka", "kanagawa", "chiba", "gov", "govt",
    "canada",
];

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

/// One service as the brand index sees it: its name, its aliases and its official domains.
#[derive(Debug, Clone, Copy)]
pub struct Brand<'a> {
    /// The name shown (searched in text like an alias).
    pub name: &'a str,
    /// Other names and spellings (`三井住友銀行`, `SMBC`).
    pub aliases: &'a [String],
    /// Official domains (`smbc.co.jp`).
    pub domains: &'a [String],
}

/// The services' names and official domains, indexed for the two signals that look for them in
/// a message: the claims (aliases in the text) and the look-alike check (official domains
/// imitated in a host). The registry builds it from its services, by index, and owns it; the
/// signals read it and know nothing else of the registry.
#[derive(Debug)]
pub struct BrandIndex {
    alias_index: Dict,
    alias_owner: Vec<usize>,
    pub(crate) labels: Vec<OfficialLabel>,
    /// Label indices sorted by skeleton (then index): equal skeletons are one run, found by
    /// binary search.
    by_skeleton: Vec<u32>,
    /// Labels by deletion neighbourhood, for the edit-distance look-alikes.
    pub(crate) near: NearIndex,
    label_tokens: Dict,
    label_token_owner: Vec<BrandToken>,
    /// Per service: its tokens in `label_token_owner`, two runs (of its labels, of its
    /// aliases).
    token_runs: Vec<[(u32, u32); 2]>,
    /// Official domains as written, with hyphens for dots, and both in skeleton form: one
    /// pass finds dot and hyphen games.
    domain_forms: Dict,
    domain_form_owner: Vec<(usize, bool)>,
}

impl BrandIndex {
    /// Index `brands` (service `i` is `brands[i]`), in time linear in their names and domains.
    pub fn build(brands: &[Brand<'_>]) -> BrandIndex {
        let n = brands.len();
        let mut aliases = DictBuilder::default();
        let mut alias_owner = Vec::new();
        let mut labels = Vec::with_capacity(n);
        // Per service, its first label (the one its alias tokens stand for) and its one-word
        // Latin aliases, searched as tokens once every label's tokens are in.
        let mut first_label: Vec<Option<usize>> = Vec::with_capacity(n);
        let mut alias_words: Vec<(usize, String)> = Vec::new();
        let generic = |t: &str| GENERIC_LABELS.contains(&t);
        for (idx, b) in brands.iter().enumerate() {
            let first_form = aliases.len();
            for (k, alias) in b
                .aliases
                .iter()
                .map(String::as_str)
                .chain(std::iter::once(b.name))
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
                if k < b.aliases.len() {
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
            for d in b.domains {
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
        let near = NearIndex::new(&labels);
        let label_tokens = tokens.build();
        let domain_forms = forms.build();
        BrandIndex {
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
        }
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

/// An official label for lookalike matching: `sbisec` of `sbisec.co.jp`.
#[derive(Debug, Clone)]
pub(crate) struct OfficialLabel {
    pub service: usize,
    pub domain: String,
    pub label: String,
    /// The label folded through the confusable skeleton and digit/letter swaps.
    pub skeleton: String,
    /// `skeleton` as characters, for edit distance without allocating per comparison.
    pub skeleton_chars: Vec<char>,
}

/// A brand's name as searched inside foreign hosts: an official label (`sagawa-exp`), a word
/// of one (`sagawa`), or a one-word Latin alias (`kuroneko`).
#[derive(Debug)]
pub(crate) struct BrandToken {
    /// The official label of the brand this token stands for (index into `labels`).
    pub label: usize,
    /// The token as written, lower case.
    pub plain: String,
    /// The token folded like hosts are ([`crate::signals::skeleton::skeleton`]).
    pub skeleton: String,
}

/// Labels shorter than this (skeleton characters) are not matched by edit distance.
pub(crate) const MIN_EDIT_LABEL: usize = 5;

/// Labels this long (skeleton characters) or longer may be two edits away, where two slips
/// still leave most of a long name; shorter ones one.
pub(crate) const TWO_EDIT_LABEL: usize = 9;

/// An index of the official labels' skeletons that yields, for a host label, every official
/// label within its edit limit — and a few more, which the distance then refuses — without
/// looking at the others. It replaced a scan of every label, which a registry of 100,000
/// services made cost milliseconds a link.
///
/// Keys are hashes of deletion neighbourhoods (SymSpell's idea), each label's and each host's:
///
/// * A label of 5 to 8 characters is keyed by itself and by each of its one-deletion
///   variants: two strings one edit apart (a substitution, insertion, deletion or adjacent
///   transposition) always share one such variant.
/// * A label of 9 or more, allowed two edits, would need every two-deletion variant (dozens a
///   label). It is cut in two instead, at `h = len / 2` and again at `h + 1`, and keyed by the
///   first half with its one-deletion variants and by the second half as it is. Take the two
///   edits of any alignment: a transposition cannot straddle both cuts (it would edit one
///   character twice), so at one of them each edit lies in one half. Then either the first half
///   has at most one (edits at the cut counted with it), and the host's first `h ± 1`
///   characters share a key with it, or it has both and the host ends with the second half.
///
/// A host label is looked up under every cut that a label of a length within two of its own
/// would have. Hash collisions only add candidates; every candidate is checked with
/// the edit distance (`lookalike::osa_distance`).
#[derive(Debug, Default)]
pub(crate) struct NearIndex {
    /// (key, label index), sorted.
    keys: Vec<(u64, u32)>,
    /// `keys[dir[t]..dir[t + 1]]` are the keys whose top `bits` bits are `t`.
    dir: Vec<u32>,
    bits: u32,
}

/// What a key stands for, mixed into its hash so that kinds never meet.
pub(crate) const KEY_SHORT: u64 = 1;
pub(crate) const KEY_HEAD: u64 = 2;
pub(crate) const KEY_TAIL: u64 = 3;

/// The key of `s` without its character at `skip` (none when `skip` is out of range).
pub(crate) fn key(kind: u64, s: &[char], skip: usize) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ kind.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for (i, &c) in s.iter().enumerate() {
        if i != skip {
            h = (h ^ u64::from(u32::from(c))).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    // Spread into the top bits, which the directory reads (splitmix64's finaliser).
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// `s` and each of its one-deletion variants, as keys of `kind`.
pub(crate) fn neighbourhood(kind: u64, s: &[char], mut f: impl FnMut(u64)) {
    for skip in 0..=s.len() {
        f(key(kind, s, skip));
    }
}

impl NearIndex {
    /// Index the labels' skeletons.
    pub(crate) fn new(labels: &[OfficialLabel]) -> NearIndex {
        let mut keys = Vec::new();
        for (i, l) in labels.iter().enumerate() {
            let sk = &l.skeleton_chars;
            let i = i as u32;
            let len = sk.len();
            if len < MIN_EDIT_LABEL {
                continue;
            }
            if len < TWO_EDIT_LABEL {
                neighbourhood(KEY_SHORT, sk, |k| keys.push((k, i)));
                continue;
            }
            for cut in [len / 2, len / 2 + 1] {
                neighbourhood(KEY_HEAD, &sk[..cut], |k| keys.push((k, i)));
                keys.push((key(KEY_TAIL, &sk[cut..], usize::MAX), i));
            }
        }
        keys.sort_unstable();
        keys.dedup();
        // About four keys a directory slot.
        let bits = (keys.len() / 4).max(1).ilog2().clamp(4, 24);
        let mut dir = Vec::with_capacity((1 << bits) + 1);
        let mut at = 0;
        for t in 0..=(1u64 << bits) {
            while at < keys.len() && (keys[at].0 >> (64 - bits)) < t {
                at += 1;
            }
            dir.push(at as u32);
        }
        NearIndex { keys, dir, bits }
    }

    /// Labels stored under `k`.
    pub(crate) fn get(&self, k: u64, out: &mut Vec<usize>) {
        if self.keys.is_empty() {
            return;
        }
        let t = (k >> (64 - self.bits)) as usize;
        let slot = &self.keys[self.dir[t] as usize..self.dir[t + 1] as usize];
        let from = slot.partition_point(|&(h, _)| h < k);
        out.extend(
            slot[from..]
                .iter()
                .take_while(|&&(h, _)| h == k)
                .map(|&(_, i)| i as usize),
        );
    }
}
