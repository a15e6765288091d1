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

use crate::signals::brands::BrandIndex;
use crate::signals::brands::{
    key, neighbourhood, KEY_HEAD, KEY_SHORT, KEY_TAIL, MIN_EDIT_LABEL, TWO_EDIT_LABEL,
};
pub use crate::signals::brands::{GENERIC_LABELS, MIN_TOKEN_LEN};
use crate::signals::links::Link;
pub use crate::signals::skeleton::skeleton;
use crate::signals::suffix::registrable_label;
use serde::Serialize;

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
    /// Every technique, for the catalog test.
    pub const ALL: [Technique; 6] = [
        Technique::Confusable,
        Technique::DotGame,
        Technique::HyphenGame,
        Technique::OtherSuffix,
        Technique::BrandToken,
        Technique::EditDistance,
    ];

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
pub fn check(link: &Link, brands: &BrandIndex, named: &[usize]) -> Option<Lookalike> {
    let link = link.effective();
    if link.features.ip_host {
        return None;
    }
    check_host(&link.host, link.host_unicode.as_deref(), brands, named)
}

/// Check one host name, in its ASCII (punycode) form and, when it differs, its Unicode form
/// (see [`crate::signals::links::judged_host`] for a host that did not come from a link).
pub fn check_host(
    host: &str,
    host_unicode: Option<&str>,
    brands: &BrandIndex,
    named: &[usize],
) -> Option<Lookalike> {
    let mut best: Option<Lookalike> = None;

    // Dot and hyphen games: the whole official domain embedded in a foreign host, as written
    // or once look-alike letters are undone (`amaz0n-co-jp.icu`).
    let unicode_host = host_unicode.unwrap_or(host);
    let host_skeleton = skeleton(unicode_host);
    for h in [host, host_skeleton.as_str()] {
        for (i, dot, s, e) in brands.domain_form_hits(h) {
            let hb = h.as_bytes();
            let start_ok = s == 0 || matches!(hb[s - 1], b'.' | b'-');
            let end_ok = if dot {
                e < hb.len() && matches!(hb[e], b'.' | b'-')
            } else {
                e == hb.len() || matches!(hb[e], b'.' | b'-')
            };
            if start_ok && end_ok {
                let l = &brands.labels[i];
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
            for i in brands.labels_with_skeleton(&sk) {
                let l = &brands.labels[i];
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
            for i in near_labels(brands, &sk_chars) {
                let l = &brands.labels[i];
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
    for t in brands.label_token_hits(&host_skeleton) {
        let l = &brands.labels[t.label];
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
    best.or_else(|| named_in_host(&host_skeleton, brands, named))
}

/// A brand the text names, carried in a foreign host: `三井住友 … www.mysmbcojp.us`. Alone,
/// `smbc` inside a host is any four letters; next to the brand's name it is the brand's.
/// Tokens of at least [`PREFIX_TOKEN_LEN`] count; one shorter than [`FREE_TOKEN_LEN`] must open
/// a label or follow a hyphen, a digit or a label's `my` (`line` is not in `online`).
/// `sk` is the host's skeleton.
fn named_in_host(sk: &str, brands: &BrandIndex, named: &[usize]) -> Option<Lookalike> {
    named.iter().find_map(|&s| {
        brands
            .tokens_of(s)
            .filter(|t| t.plain.len() >= PREFIX_TOKEN_LEN)
            .find(|t| {
                sk.contains(t.skeleton.as_str())
                    && (t.plain.len() >= FREE_TOKEN_LEN || token_starts_word(sk, &t.skeleton))
            })
            .map(|t| Lookalike {
                service: s,
                imitates: brands.labels[t.label].domain.clone(),
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

/// Edits allowed to an official label of `len` skeleton characters.
fn edit_limit(len: usize) -> usize {
    if len >= TWO_EDIT_LABEL {
        2
    } else {
        1
    }
}

/// Official labels of at least [`MIN_EDIT_LABEL`] characters that are not `sk` but are within
/// [`edit_limit`] of it (optimal string alignment over skeletons), by index: the order a scan
/// of every label would offer them in, so that ties break the same way. See [`NearIndex`].
fn near_labels(brands: &BrandIndex, sk: &[char]) -> Vec<usize> {
    let m = sk.len();
    let index = &brands.near;
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
        let l = &brands.labels[i];
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
    use crate::registry::{Registry, RegistryFile};
    use crate::signals::links::extract;
    use crate::text::normalize::normalize;

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
        check(l, reg.brands(), &[]).map(|x| (reg.service(x.service).id.to_string(), x.technique))
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
            check(&links[0], r.brands(), services).map(|x| r.service(x.service).id.clone())
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
        (0..reg.brands().labels.len())
            .filter(|&i| {
                let l = &reg.brands().labels[i];
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
        for l in &builtin.brands().labels {
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
        for l in random.brands().labels.iter().step_by(10) {
            variants(&l.skeleton_chars, &mut random_queries);
        }
        let mut hits = 0;
        for (reg, qs) in [(builtin, &queries), (&random, &random_queries)] {
            for q in qs.iter().filter(|q| q.len() >= 5) {
                let want = scan(reg, q);
                hits += want.len();
                assert_eq!(
                    near_labels(reg.brands(), q),
                    want,
                    "{}",
                    q.iter().collect::<String>()
                );
            }
        }
        assert!(hits > 3_000, "too few near labels to tell: {hits}");
    }
}
