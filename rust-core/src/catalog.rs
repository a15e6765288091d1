//! The sentences a person reads, one catalog per language, kept out of the rule code.
//!
//! A reason is decided by the rules with its evidence (a host, a service's name, the words that
//! matched); the sentence that explains it comes from a catalog keyed by message key, with the
//! evidence filled in as named arguments: `risky-link.unknown = It asks you to open {host}, an
//! unknown site.` Adding a language is adding a file to `data/reasons/` and a line to
//! [`LANGS`]; a key missing from a catalog falls back to English, then to the key itself, so a
//! verdict always has words. The catalogs are compiled in and parsed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Languages with a catalog, and their files (`key = template` lines, `#` comments).
pub const LANGS: &[(&str, &str)] = &[
    ("en", include_str!("../data/reasons/en.txt")),
    ("ja", include_str!("../data/reasons/ja.txt")),
];

type Catalog = HashMap<&'static str, &'static str>;

/// Parse the catalogs now rather than at the first reason (see [`crate::warm_up`]).
pub(crate) fn warm() {
    catalogs();
}

fn catalogs() -> &'static Vec<(&'static str, Catalog)> {
    static C: OnceLock<Vec<(&'static str, Catalog)>> = OnceLock::new();
    C.get_or_init(|| {
        LANGS
            .iter()
            .map(|(lang, text)| (*lang, parse(text)))
            .collect()
    })
}

/// Parse one catalog file: `key = template` per line; blank lines and `#` comments skipped.
/// A template in backticks is taken verbatim, spaces included (the list separator `, `).
pub fn parse(text: &'static str) -> Catalog {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v
                .strip_prefix('`')
                .and_then(|x| x.strip_suffix('`'))
                .unwrap_or(v);
            (k.trim(), v)
        })
        .collect()
}

/// The template of `key` in `lang` (English when that catalog lacks it).
pub fn template(lang: &str, key: &str) -> Option<&'static str> {
    let find = |l: &str| {
        catalogs()
            .iter()
            .find(|(name, _)| *name == l)
            .and_then(|(_, c)| c.get(key).copied())
    };
    find(lang).or_else(|| find("en"))
}

/// Render `key` in `lang` with named arguments: each `{name}` is replaced by its value; an
/// unknown `{name}` is left as written so a missing argument shows rather than vanishes.
pub fn render(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    let Some(t) = template(lang, key) else {
        return key.to_string();
    };
    let mut out = String::with_capacity(t.len() + 32);
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_has_every_english_key_and_the_same_arguments() {
        let en = parse(LANGS[0].1);
        assert!(
            en.len() > 20,
            "the English catalog parsed to {} keys",
            en.len()
        );
        let args = |t: &str| {
            let mut v: Vec<String> = t
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(a, _)| a.to_string()))
                .collect();
            v.sort();
            v.dedup();
            v
        };
        for (lang, text) in &LANGS[1..] {
            let c = parse(text);
            for (k, t) in &en {
                let other = c.get(k).unwrap_or_else(|| panic!("{lang} lacks {k}"));
                assert_eq!(args(t), args(other), "{lang} {k}: arguments differ");
            }
            for k in c.keys() {
                assert!(en.contains_key(k), "{lang} has {k}, English does not");
            }
        }
    }

    #[test]
    fn render_fills_arguments_and_keeps_unknown_ones() {
        assert_eq!(
            render("en", "risky-link.unknown", &[("host", "x.top")]),
            "It asks you to open x.top, an unknown site."
        );
        assert!(render("ja", "risky-link.unknown", &[("host", "x.top")]).contains("x.top"));
        assert_eq!(render("en", "no-such-key", &[]), "no-such-key");
        assert_eq!(
            render("fr", "risky-link.unknown", &[("host", "h")]),
            render("en", "risky-link.unknown", &[("host", "h")])
        );
    }
}
