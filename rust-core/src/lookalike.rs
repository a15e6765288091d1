//! Does a domain imitate a registered official domain?
//!
//! Phishing domains are built to pass a glance: a Cyrillic `а` in `аpple.com`, `rnonex` for
//! `monex`, `paypa1`, the whole official domain used as a subdomain (`sbisec.co.jp.verify.top`)
//! or glued with hyphens (`monex-co-jp.xyz`, `usps.com-redelivery.top`). Those are strong signals
//! on their own. Weaker ones — a brand's token inside a foreign domain, one edit away from a
//! brand, the brand's label under another suffix — also describe plenty of honest domains
//! (`paypal.com` is one edit from PayPay, `money.com` from Monex), so they are reported as weak
//! and the classifier acts on them only in company (a text claim, an abuse-prone TLD, pressure).
//!
//! The caller first checks that the host is nobody's official domain: `amazon.de` and
//! `paypay-bank.co.jp` are brands' own and never reach this module.

use crate::links::Link;
use crate::registry::Registry;
use crate::suffix::registrable_label;
use serde::Serialize;
use std::sync::OnceLock;

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

/// Tokens at least this long count where they open a label (`uspsparcel-care.com`).
pub const PREFIX_TOKEN_LEN: usize = 4;

/// Tokens at least this long count anywhere in a host (`amazonsupport`).
pub const FREE_TOKEN_LEN: usize = 6;

/// Labels shorter than this (`t` of `t.me`, `g` of `g.co`) are not compared by skeleton: too
/// many unrelated domains share them.
const MIN_SKELETON_LABEL: usize = 4;

/// How a domain imitates an official one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Technique {
    /// Same TR39 skeleton after digit/letter swaps, different letters (`аpple`, `rnonex`, `paypa1`).
    Confusable,
    /// The official domain followed by a dot or hyphen inside another domain
    /// (`sbisec.co.jp.verify.top`, `usps.com-redelivery.top`).
    DotGame,
    /// The official domain with its dots turned into hyphens (`monex-co-jp.xyz`).
    HyphenGame,
    /// The official label under another public suffix (`sbisec.net`).
    OtherSuffix,
    /// The brand's label inside a foreign host (`amazon-account-help.com`).
    BrandToken,
    /// One or two edits from the official label (`rakutem`, `smbc-card` → `smbc-cadr`).
    EditDistance,
}

impl Technique {
    /// Strong techniques decide on their own; weak ones need company.
    pub fn is_strong(self) -> bool {
        matches!(
            self,
            Technique::Confusable | Technique::DotGame | Technique::HyphenGame
        )
    }

    /// The catalog key of the phrase that says how (`technique.dot-game`).
    pub fn key(self) -> &'static str {
        match self {
            Technique::Confusable => "technique.confusable",
            Technique::DotGame => "technique.dot-game",
            Technique::HyphenGame => "technique.hyphen-game",
            Technique::OtherSuffix => "technique.other-suffix",
            Technique::BrandToken => "technique.brand-token",
            Technique::EditDistance => "technique.edit-distance",
        }
    }
}

/// A lookalike finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    /// The imitated service (index into the registry).
    pub service: usize,
    /// The official domain imitated.
    pub imitates: String,
    /// How.
    pub technique: Technique,
}

/// TR39 confusable skeleton of a label, lower-cased, with the digit/letter swaps phishers use.
pub fn skeleton(label: &str) -> String {
    if let Some(sk) = ascii_skeleton(label) {
        return sk;
    }
    general_skeleton(label)
}

/// The skeleton through TR39 for any label ([`skeleton`]'s path when the one-pass ASCII one
/// does not apply; the tests hold the two to the same answers).
fn general_skeleton(label: &str) -> String {
    let lower = label.to_lowercase();
    let sk: String = tr39_ascii(&lower)
        .unwrap_or_else(|| tr39_skeleton(&lower))
        .to_lowercase();
    // TR39 maps `m` to `rn`, `w` to `vv`, `0` to `O`, `1`/`I` to `l` already; a few swaps it
    // does not treat as confusable are common in phishing domains.
    // `vv` reads as `w` at a glance (`vvellsfargo`); TR39 leaves it alone.
    let sk = if sk.contains("vv") {
        sk.replace("vv", "w")
    } else {
        sk
    };
    sk.chars().map(swap).collect()
}

/// The swaps TR39 does not treat as confusable that phishing domains use: digits and signs for
/// the letters they resemble (`paypa1`, `amaz0n`), and `i` read as `l` after the prototypes.
fn swap(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | '!' | '|' | 'i' => 'l',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '$' => 's',
        _ => c,
    }
}

include!(concat!(env!("OUT_DIR"), "/confusables.rs"));

/// The TR39 skeleton (Unicode's confusables): decompose, replace each character by its
/// prototype, decompose again. Exactly `unicode_security::skeleton`, from the compact table the
/// build script writes (see `build.rs`; the tests compare the two over every character).
fn tr39_skeleton(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut mapped = String::with_capacity(s.len());
    for c in s.chars().nfd() {
        match CONFUSABLE_KEYS.binary_search(&u32::from(c)) {
            Ok(i) => {
                let v = CONFUSABLE_VALUES[i] as usize;
                mapped.push_str(&CONFUSABLE_TEXT[v >> 8..][..v & 0xFF]);
            }
            Err(_) => mapped.push(c),
        }
    }
    mapped.nfd().collect()
}

/// What [`skeleton`] makes of an ASCII label, in one pass over a table and one allocation:
/// compiling a registry takes the skeleton of every label, token and domain, and a link's
/// host is folded the same way. `None` when a character's prototype is not ASCII.
fn ascii_skeleton(label: &str) -> Option<String> {
    if !label.is_ascii() {
        return None;
    }
    let table = tr39_table();
    // Lower case, the prototypes, lower case again: the steps of the general path.
    let mut t = String::with_capacity(label.len() + 4);
    for b in label.bytes() {
        t.push_str(table[usize::from(b.to_ascii_lowercase())].as_deref()?);
    }
    t.make_ascii_lowercase();
    let tb = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let mut i = 0;
    while i < tb.len() {
        // `vv` reads as `w`, left to right, before the digit swaps (which make no `v`).
        if tb[i] == b'v' && tb.get(i + 1) == Some(&b'v') {
            out.push('w');
            i += 2;
            continue;
        }
        out.push(swap(char::from(tb[i])));
        i += 1;
    }
    Some(out)
}

/// Per ASCII character, its TR39 prototype when that is ASCII too.
fn tr39_table() -> &'static [Option<String>] {
    static TABLE: OnceLock<Vec<Option<String>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0u8..128)
            .map(|b| {
                let p = tr39_skeleton(&char::from(b).to_string());
                p.is_ascii().then_some(p)
            })
            .collect()
    })
}

/// The TR39 skeleton of an ASCII string, from a per-character table: most labels and tokens
/// are ASCII, and the full algorithm (two normalisations around the mapping) costs most of a
/// registry compile. Exact: for ASCII input both normalisations are the identity, so the
/// skeleton is the characters' prototypes end to end, used only when they are ASCII too.
/// `None` sends anything else through the full algorithm.
fn tr39_ascii(s: &str) -> Option<String> {
    let table = tr39_table();
    if !s.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 4);
    for b in s.bytes() {
        out.push_str(table[usize::from(b)].as_deref()?);
    }
    Some(out)
}

/// Keep the better of the current finding and a candidate.
fn offer(best: &mut Option<Lookalike>, cand: Lookalike) {
    let rank = |t: Technique| match t {
        Technique::Confusable => 0,
        Technique::DotGame => 1,
        Technique::HyphenGame => 2,
        Technique::OtherSuffix => 3,
        Technique::BrandToken => 4,
        Technique::EditDistance => 5,
    };
    // Same technique: the longer official label is the better explanation
    // (`smbc-card` over `smbc` for `smbc-card-verify.top`).
    let better = best.as_ref().is_none_or(|b| {
        let (rc, rb) = (rank(cand.technique), rank(b.technique));
        rc < rb || (rc == rb && cand.imitates.len() > b.imitates.len())
    });
    if better {
        *best = Some(cand);
    }
}

/// Check one link (its judged target) against the registry's official domains; `named` are
/// the services the message's text names (see [`named_in_host`]).
pub fn check(link: &Link, reg: &Registry, named: &[usize]) -> Option<Lookalike> {
    let link = link.effective();
    if link.features.ip_host {
        return None;
    }
    let host = link.host.as_str();
    let mut best: Option<Lookalike> = None;

    // Dot and hyphen games: the whole official domain embedded in a foreign host, as written
    // or once look-alike letters are undone (`amaz0n-co-jp.icu`).
    let unicode_host = link.host_unicode.as_deref().unwrap_or(host);
    let host_skeleton = skeleton(unicode_host);
    for h in [host, host_skeleton.as_str()] {
        for (i, dot, s, e) in reg.domain_form_hits(h) {
            let hb = h.as_bytes();
            let start_ok = s == 0 || matches!(hb[s - 1], b'.' | b'-');
            let end_ok = if dot {
                e < hb.len() && matches!(hb[e], b'.' | b'-')
            } else {
                e == hb.len() || matches!(hb[e], b'.' | b'-')
            };
            if start_ok && end_ok {
                let l = &reg.labels[i];
                offer(
                    &mut best,
                    Lookalike {
                        service: l.service,
                        imitates: l.domain.clone(),
                        technique: if dot {
                            Technique::DotGame
                        } else {
                            Technique::HyphenGame
                        },
                    },
                );
            }
        }
    }

    if let Some(label_u) = registrable_label(host).and_then(|ascii_label| {
        // The Unicode form of the same label, for the skeleton.
        let parts: Vec<&str> = unicode_host.split('.').collect();
        let host_parts = host.split('.').count();
        // The registrable label is the label just before the suffix.
        let suffix_len = host_parts - host.split('.').position(|p| p == ascii_label)?;
        parts
            .get(parts.len().checked_sub(suffix_len)?)
            .map(|s| (s.to_string(), ascii_label))
    }) {
        let (label_unicode, label_ascii) = label_u;
        let sk = skeleton(&label_unicode);
        if label_ascii.len() >= MIN_SKELETON_LABEL {
            for i in reg.labels_with_skeleton(&sk) {
                let l = &reg.labels[i];
                let technique = if l.label == label_ascii {
                    Technique::OtherSuffix
                } else {
                    Technique::Confusable
                };
                offer(
                    &mut best,
                    Lookalike {
                        service: l.service,
                        imitates: l.domain.clone(),
                        technique,
                    },
                );
            }
        }
        let sk_len = sk.chars().count();
        // Weak techniques can only lose to a strong finding: skip them once there is one.
        let strong = best.as_ref().is_some_and(|b| b.technique.is_strong());
        if sk_len >= 5 && !strong {
            let sk_chars: Vec<char> = sk.chars().collect();
            for i in near_labels(reg, &sk_chars) {
                let l = &reg.labels[i];
                offer(
                    &mut best,
                    Lookalike {
                        service: l.service,
                        imitates: l.domain.clone(),
                        technique: Technique::EditDistance,
                    },
                );
            }
        }
    }

    // Brand tokens, searched in skeleton space: a token visible only once `0`/`o` and friends
    // are undone (`amaz0n-account.shop`) was disguised on purpose, which makes it strong.
    if best.as_ref().is_some_and(|b| b.technique.is_strong()) {
        return best;
    }
    for t in reg.label_token_hits(&host_skeleton) {
        let l = &reg.labels[t.label];
        if !(token_is_bounded(&host_skeleton, &t.skeleton)
            || t.plain.len() >= FREE_TOKEN_LEN
            || (t.plain.len() >= PREFIX_TOKEN_LEN
                && token_opens_label(&host_skeleton, &t.skeleton)))
        {
            continue;
        }
        let technique = if host.contains(t.plain.as_str()) {
            Technique::BrandToken
        } else {
            Technique::Confusable
        };
        offer(
            &mut best,
            Lookalike {
                service: l.service,
                imitates: l.domain.clone(),
                technique,
            },
        );
    }
    best.or_else(|| named_in_host(&host_skeleton, reg, named))
}

/// A brand the text names, carried in a foreign host: `三井住友 … www.mysmbcojp.us`. Alone,
/// `smbc` inside a host is any four letters; next to the brand's name it is the brand's.
/// Tokens of at least [`PREFIX_TOKEN_LEN`] count; one shorter than [`FREE_TOKEN_LEN`] must open
/// a label or follow a hyphen, a digit or a label's `my` (`line` is not in `online`).
/// `sk` is the host's skeleton.
fn named_in_host(sk: &str, reg: &Registry, named: &[usize]) -> Option<Lookalike> {
    named.iter().find_map(|&s| {
        reg.tokens_of(s)
            .filter(|t| t.plain.len() >= PREFIX_TOKEN_LEN)
            .find(|t| {
                sk.contains(t.skeleton.as_str())
                    && (t.plain.len() >= FREE_TOKEN_LEN || token_starts_word(sk, &t.skeleton))
            })
            .map(|t| Lookalike {
                service: s,
                imitates: reg.labels[t.label].domain.clone(),
                technique: Technique::BrandToken,
            })
    })
}

/// Words phishers glue after a brand's name (`uspsparcel`, `amazonsecure`, `paypayverify`).
const GLUED_WORDS: &[&str] = &[
    "parcel", "post", "pack", "deliver", "track", "ship", "secure", "safe", "login", "signin",
    "verify", "account", "support", "help", "care", "service", "pay", "bill", "refund", "reward",
    "gift", "online", "mobile", "web", "app", "id", "auth", "check", "update", "center", "centre",
    "notice", "alert", "info", "jp", "us", "uk", "portal", "member", "card", "bank",
];

/// The token opens a label of the host and a word phishers use follows it
/// (`uspsparcel-care.com`); `applebees.com` is another business.
fn token_opens_label(host: &str, token: &str) -> bool {
    let hb = host.as_bytes();
    host.match_indices(token).any(|(s, _)| {
        (s == 0 || matches!(hb[s - 1], b'.' | b'-'))
            && GLUED_WORDS
                .iter()
                .any(|w| host[s + token.len()..].starts_with(w))
    })
}

/// The token opens a label or a word of one: after a dot, a hyphen, a digit or a leading `my`.
/// `host` and `token` are skeletons, so `my` is looked for as its skeleton (`rny`).
fn token_starts_word(host: &str, token: &str) -> bool {
    let hb = host.as_bytes();
    let my = skeleton("my");
    host.match_indices(token).any(|(s, _)| {
        let after_my = host[..s].ends_with(my.as_str()) && {
            let m = s - my.len();
            m == 0 || hb[m - 1] == b'.'
        };
        s == 0 || matches!(hb[s - 1], b'.' | b'-') || hb[s - 1].is_ascii_digit() || after_my
    })
}

/// The token stands alone in the host: bounded by a label edge, a hyphen or a digit.
fn token_is_bounded(host: &str, token: &str) -> bool {
    let hb = host.as_bytes();
    host.match_indices(token).any(|(s, _)| {
        let e = s + token.len();
        let edge = |b: u8| matches!(b, b'.' | b'-') || b.is_ascii_digit();
        (s == 0 || edge(hb[s - 1])) && (e == hb.len() || edge(hb[e]))
    })
}

/// Labels shorter than this (skeleton characters) are not matched by edit distance.
const MIN_EDIT_LABEL: usize = 5;

/// Labels this long (skeleton characters) or longer may be two edits away, where two slips
/// still leave most of a long name; shorter ones one.
const TWO_EDIT_LABEL: usize = 9;

/// Edits allowed to an official label of `len` skeleton characters.
fn edit_limit(len: usize) -> usize {
    if len >= TWO_EDIT_LABEL {
        2
    } else {
        1
    }
}

/// An index of the official labels' skeletons that yields, for a host label, every official
/// label within its [`edit_limit`] — and a few more, which the distance then refuses — without
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
/// [`osa_distance`].
#[derive(Debug, Default)]
pub(crate) struct NearIndex {
    /// (key, label index), sorted.
    keys: Vec<(u64, u32)>,
    /// `keys[dir[t]..dir[t + 1]]` are the keys whose top `bits` bits are `t`.
    dir: Vec<u32>,
    bits: u32,
}

/// What a key stands for, mixed into its hash so that kinds never meet.
const KEY_SHORT: u64 = 1;
const KEY_HEAD: u64 = 2;
const KEY_TAIL: u64 = 3;

/// The key of `s` without its character at `skip` (none when `skip` is out of range).
fn key(kind: u64, s: &[char], skip: usize) -> u64 {
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
fn neighbourhood(kind: u64, s: &[char], mut f: impl FnMut(u64)) {
    for skip in 0..=s.len() {
        f(key(kind, s, skip));
    }
}

impl NearIndex {
    /// Index the labels' skeletons.
    pub(crate) fn new(labels: &[crate::registry::OfficialLabel]) -> NearIndex {
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
    fn get(&self, k: u64, out: &mut Vec<usize>) {
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

/// Official labels of at least [`MIN_EDIT_LABEL`] characters that are not `sk` but are within
/// [`edit_limit`] of it (optimal string alignment over skeletons), by index: the order a scan
/// of every label would offer them in, so that ties break the same way. See [`NearIndex`].
fn near_labels(reg: &Registry, sk: &[char]) -> Vec<usize> {
    let m = sk.len();
    let index = &reg.near;
    let mut cands = Vec::new();
    // Labels of 5 to 8 characters, one edit: a length within one of the host's.
    if m + 1 >= MIN_EDIT_LABEL && m < TWO_EDIT_LABEL + 1 {
        neighbourhood(KEY_SHORT, sk, |k| index.get(k, &mut cands));
    }
    // Labels of 9 or more, two edits: every cut of every length within two of the host's.
    if m + 2 >= TWO_EDIT_LABEL {
        let mut heads: Vec<usize> = Vec::new();
        let mut tails: Vec<usize> = Vec::new();
        for len in (m.saturating_sub(2)).max(TWO_EDIT_LABEL)..=m + 2 {
            for cut in [len / 2, len / 2 + 1] {
                heads.extend((cut.saturating_sub(1)..=cut + 1).filter(|&p| p <= m));
                tails.extend(Some(len - cut).filter(|&t| t <= m));
            }
        }
        heads.sort_unstable();
        heads.dedup();
        tails.sort_unstable();
        tails.dedup();
        for p in heads {
            neighbourhood(KEY_HEAD, &sk[..p], |k| index.get(k, &mut cands));
        }
        for t in tails {
            index.get(key(KEY_TAIL, &sk[m - t..], usize::MAX), &mut cands);
        }
    }
    cands.sort_unstable();
    cands.dedup();
    cands.retain(|&i| {
        let l = &reg.labels[i];
        let ol = l.skeleton_chars.len();
        let limit = edit_limit(ol);
        ol >= MIN_EDIT_LABEL
            && ol.abs_diff(m) <= limit
            && l.skeleton_chars != sk
            && osa_distance(sk, &l.skeleton_chars, limit) <= limit
    });
    cands
}

/// Optimal-string-alignment distance, stopping early once every cell of a row exceeds `limit`.
fn osa_distance(a: &[char], b: &[char], limit: usize) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::extract;
    use crate::normalize::normalize;
    use crate::registry::{Registry, RegistryFile};

    fn reg() -> Registry {
        let file = RegistryFile::from_json(
            r#"{"version":1,"services":[
            {"id":"monex","name":"Monex","domains":["monex.co.jp"],"links":"never"},
            {"id":"sbi-sec","name":"SBI","domains":["sbisec.co.jp"],"links":"never"},
            {"id":"apple","name":"Apple","domains":["apple.com"],"links":"official"},
            {"id":"paypal","name":"PayPal","domains":["paypal.com"],"links":"official"},
            {"id":"paypay","name":"PayPay","domains":["paypay.ne.jp"],"links":"official"},
            {"id":"usps","name":"USPS","domains":["usps.com"],"links":"official"},
            {"id":"amazon","name":"Amazon","domains":["amazon.co.jp","amazon.com"],"links":"official"},
            {"id":"sagawa","name":"佐川急便","aliases":["佐川急便","Sagawa Express"],"domains":["sagawa-exp.co.jp"],"links":"official"},
            {"id":"gmo-click","name":"GMOクリック証券","domains":["click-sec.com"],"links":"never"},
            {"id":"yamato","name":"ヤマト運輸","aliases":["Kuroneko"],"domains":["kuronekoyamato.co.jp"],"links":"official"},
            {"id":"smbc","name":"三井住友銀行","domains":["smbc.co.jp"],"links":"never"},
            {"id":"line","name":"LINE","domains":["line.me"],"links":"official"}
            ]}"#,
        )
        .unwrap();
        Registry::compile(&file, "JP").unwrap()
    }

    fn look(reg: &Registry, body: &str) -> Option<(String, Technique)> {
        let links = extract(&normalize(body));
        let l = links.first()?;
        check(l, reg, &[]).map(|x| (reg.service(x.service).id.clone(), x.technique))
    }

    /// The compact table gives what `unicode_security` gives: every character alone, and
    /// strings where decomposition reorders marks or a prototype decomposes further.
    #[test]
    fn tr39_table_agrees_with_unicode_security() {
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let one = c.to_string();
            let want: String = unicode_security::skeleton(&one).collect();
            assert_eq!(tr39_skeleton(&one), want, "U+{cp:04X}");
        }
        for s in [
            "a\u{301}\u{316}",
            "е\u{308}",
            "ǆ",
            "ﬁ",
            "x\u{200B}y",
            "ｐａｙ",
            "Ⅻ",
            "㍿",
            "",
        ] {
            let want: String = unicode_security::skeleton(s).collect();
            assert_eq!(tr39_skeleton(s), want, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn tr39_skeleton_matches_on_any_string(s in "\\PC{0,12}") {
            let want: String = unicode_security::skeleton(&s).collect();
            proptest::prop_assert_eq!(tr39_skeleton(&s), want);
        }
    }

    #[test]
    fn table() {
        let r = reg();
        use Technique::*;
        let cases: &[(&str, Option<(&str, Technique)>)] = &[
            ("https://аpple.com/id", Some(("apple", Confusable))),
            ("https://rnonex.co.jp/login", Some(("monex", Confusable))),
            ("https://paypa1.com/", Some(("paypal", Confusable))),
            ("https://monex-co-jp.xyz/", Some(("monex", HyphenGame))),
            (
                "https://sbisec.co.jp.verify.top/",
                Some(("sbi-sec", DotGame)),
            ),
            (
                "https://usps.com-redelivery.top/track",
                Some(("usps", DotGame)),
            ),
            ("https://sbisec.net/login", Some(("sbi-sec", OtherSuffix))),
            (
                "https://amazon-account-help.com/",
                Some(("amazon", BrandToken)),
            ),
            ("https://rnonex-login.xyz/", Some(("monex", Confusable))),
            ("https://paypay-login.xyz/", Some(("paypay", BrandToken))),
            ("https://money.com/", Some(("monex", EditDistance))),
            ("https://www.youtube.com/watch?v=1", None),
            ("https://applebees.com/menu", None),
            ("https://www.example.com/", None),
            // A word of a hyphenated label and a one-word alias are tokens too; an everyday
            // word of a label is not.
            ("https://sagawa-tku.com/", Some(("sagawa", BrandToken))),
            (
                "https://kuroneko-redeliver.top/",
                Some(("yamato", BrandToken)),
            ),
            ("https://mynotes.click/posts/42", None),
        ];
        for (body, want) in cases {
            let got = look(&r, body);
            let want = want.map(|(s, t)| (s.to_string(), t));
            assert_eq!(got, want, "{body}");
        }
    }

    #[test]
    fn named_tokens() {
        let r = reg();
        let id = |s: &str| {
            (0..r.services().len())
                .find(|&i| r.service(i).id == s)
                .unwrap()
        };
        let named = |body: &str, services: &[usize]| {
            let links = extract(&normalize(body));
            check(&links[0], &r, services).map(|x| r.service(x.service).id.clone())
        };
        let smbc = id("smbc");
        // Named in the text, carried in the host: short tokens count after "my" or a hyphen.
        assert_eq!(named("www.mysmbcojp.us", &[smbc]).as_deref(), Some("smbc"));
        assert_eq!(
            named("https://smbc-direct.top/", &[smbc]).as_deref(),
            Some("smbc")
        );
        // Not named: nothing; a short name inside a word is not the brand's.
        assert_eq!(named("www.mysmbcojp.us", &[]), None);
        assert_eq!(named("https://shop-online.jp/", &[id("line")]), None);
    }

    #[test]
    fn ascii_skeletons_match_the_full_algorithm() {
        for s in [
            "rnonex",
            "paypa1",
            "smbc-card",
            "vvellsfargo",
            "amaz0n",
            "a.b-c_d",
            "m|i",
        ] {
            let full: String = unicode_security::skeleton(s).collect();
            assert_eq!(tr39_ascii(s), Some(full), "{s}");
        }
        assert_eq!(tr39_ascii("аpple"), None);
    }

    #[test]
    fn osa() {
        let d = |a: &str, b: &str| {
            osa_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
                3,
            )
        };
        assert_eq!(d("paypal", "paypay"), 1);
        assert_eq!(d("rakuten", "rakutne"), 1);
        assert_eq!(d("monex", "money"), 1);
        assert_eq!(d("abc", "abc"), 0);
    }

    /// What `near_labels` replaced: every label, by length and then by distance.
    fn scan(reg: &Registry, sk: &[char]) -> Vec<usize> {
        let text: String = sk.iter().collect();
        let sk_len = sk.len();
        (0..reg.labels.len())
            .filter(|&i| {
                let l = &reg.labels[i];
                let ol = l.skeleton_chars.len();
                if ol < 5 || ol.abs_diff(sk_len) > 2 || l.skeleton == text {
                    return false;
                }
                let limit = if ol >= 9 { 2 } else { 1 };
                ol.abs_diff(sk_len) <= limit && osa_distance(sk, &l.skeleton_chars, limit) <= limit
            })
            .collect()
    }

    /// Variants of a label one and two slips away: deletions, substitutions, insertions,
    /// transpositions.
    fn variants(w: &[char], out: &mut Vec<Vec<char>>) {
        for i in 0..w.len() {
            let mut d = w.to_vec();
            d.remove(i);
            out.push(d);
            let mut s = w.to_vec();
            s[i] = 'q';
            out.push(s);
            let mut ins = w.to_vec();
            ins.insert(i, 'x');
            out.push(ins);
            if i + 1 < w.len() {
                let mut t = w.to_vec();
                t.swap(i, i + 1);
                out.push(t);
            }
        }
    }

    /// The trie walk finds exactly the labels the scan found, in the same order: over the
    /// built-in registry with every label's one- and two-slip variants, and over a dense random
    /// registry (four letters, so that near labels abound).
    #[test]
    fn near_labels_agree_with_a_scan() {
        let builtin = Registry::builtin();
        let mut queries: Vec<Vec<char>> = Vec::new();
        for l in &builtin.labels {
            queries.push(l.skeleton_chars.clone());
            let mut one = Vec::new();
            variants(&l.skeleton_chars, &mut one);
            for v in one.iter().step_by(40) {
                variants(v, &mut queries);
            }
            queries.extend(one);
        }
        let mut seed: u32 = 3;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as usize
        };
        let word = |next: &mut dyn FnMut() -> usize| -> String {
            let n = 3 + next() % 10;
            (0..n).map(|_| ['a', 'b', 'c', 'd'][next() % 4]).collect()
        };
        let services: Vec<String> = (0..400)
            .map(|i| {
                let w = word(&mut next);
                format!(r#"{{"id":"s{i}","domains":["{w}.com","{w}{i}.net"]}}"#)
            })
            .collect();
        let file = RegistryFile::from_json(&format!(
            r#"{{"version":1,"services":[{}]}}"#,
            services.join(",")
        ))
        .unwrap();
        let random = Registry::compile(&file, "JP").unwrap();
        let mut random_queries: Vec<Vec<char>> = (0..1000)
            .map(|_| word(&mut next).chars().collect())
            .collect();
        for l in random.labels.iter().step_by(10) {
            variants(&l.skeleton_chars, &mut random_queries);
        }
        let mut hits = 0;
        for (reg, qs) in [(builtin, &queries), (&random, &random_queries)] {
            for q in qs.iter().filter(|q| q.len() >= 5) {
                let want = scan(reg, q);
                hits += want.len();
                assert_eq!(
                    near_labels(reg, q),
                    want,
                    "{}",
                    q.iter().collect::<String>()
                );
            }
        }
        assert!(hits > 3_000, "too few near labels to tell: {hits}");
    }

    /// The one-pass ASCII skeleton is the general path's, character for character.
    #[test]
    fn ascii_skeleton_matches_the_general_path() {
        let general = general_skeleton;
        let mut words: Vec<String> = [
            "",
            "vvv",
            "VVellsFargo",
            "wvvw",
            "m1crosoft",
            "PAYPA1",
            "a$b|c!",
            "amaz0n-co-jp",
            "rnonex",
            "x.y-z_w",
            "I1l|",
            "0123456789",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        words.extend((0u8..128).map(|b| format!("a{}v", char::from(b))));
        words.extend(
            (32u8..127).flat_map(|a| {
                (32u8..127).map(move |b| format!("{}{}", char::from(a), char::from(b)))
            }),
        );
        for w in &words {
            if let Some(fast) = ascii_skeleton(w) {
                assert_eq!(fast, general(w), "{w:?}");
            }
            assert_eq!(skeleton(w), general(w), "{w:?}");
        }
    }
}
