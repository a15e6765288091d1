//! The sentences a person reads, one catalog per language, kept out of the rule code.
//!
//! A reason is decided by the rules with its evidence (a host, a service's name, the words that
//! matched); the sentence that explains it comes from a catalog keyed by message key, with the
//! evidence filled in as named arguments: `risky-link.unknown = It asks you to open {host}, an
//! unknown site.` Adding a language is adding a file to `data/reasons/` and a line to
//! [`LANGS`]; a key missing from a catalog falls back to English, then to the key itself, so a
//! verdict always has words. The catalogs are compiled in and parsed once, on first use.

use crate::signals::claims::ClaimHow;
use crate::signals::family::Family;
use crate::signals::links::LinkFeature;
use crate::signals::lookalike::Technique;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Every sentence and phrase a verdict can show, by name: the rules choose a `Msg`, never a
/// key string, so a sentence that is missing from a catalog or a key that no rule can choose
/// is a failing test, not a verdict that shows `lure.tolll` to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// Joins a list of phrases (link features).
    ListSep,
    /// Joins words quoted from the message.
    QuoteSep,
    /// A Japanese carrier-vetted `0005` business sender.
    VettedBusinessSender,
    /// The body was longer than the classifier reads.
    Truncated,
    /// More links than the classifier analyses.
    UncheckedLinks,
    /// Nothing risky found.
    NothingRisky,
    /// The sender is on the blocked list.
    BlockedSender,
    /// The message claims a service (`{how}` says how).
    Claim,
    /// How the claim is made (a phrase for `{how}`).
    ClaimHow(ClaimHow),
    /// How a domain imitates (a phrase for `{technique}`).
    Technique(Technique),
    /// A link imitates a registered domain.
    LookalikeDomain,
    /// A claimed service's message links outside its domains.
    LinkOutsideService,
    /// … to a domain another registered service owns.
    LinkOutsideServiceOwned,
    /// A redirector hides the real target.
    Redirect,
    /// Pressure words.
    Pressure,
    /// A no-links service's registered sender carried a foreign link.
    SpoofedSender,
    /// An origin-bound code for a site that is not the service's.
    OriginMismatch,
    /// From the service's registered sender, within its policy.
    RegisteredSender,
    /// A registered sender wrote a host without a scheme.
    MerchantHost,
    /// An own-domain link in the name of a no-links service, from its registered sender.
    OffPolicyLink,
    /// … from a sender not registered for it.
    OffPolicyLinkUnregistered,
    /// Every link is on the claimed service's own domains.
    OfficialLinks,
    /// A code in a service's name from a sender not registered for it.
    UnverifiedSender,
    /// A claim without link or code from an unregistered sender.
    ClaimWithoutProof,
    /// … asking for a secret.
    ClaimWithoutProofSecret,
    /// An unknown site.
    RiskyLinkUnknown,
    /// A site with risky features (`{features}`).
    RiskyLinkFeatures,
    /// One risky feature (a phrase for `{features}`).
    Feature(LinkFeature),
    /// Asks for a secret to be sent back.
    AsksForSecrets,
    /// Asks for a secret to be typed in.
    AsksToEnterSecret,
    /// Pressure and a number to call back.
    CallbackLure,
    /// … in a service's name.
    CallbackLureNamed,
    /// A one-time code was found.
    CodeFound,
    /// A lure family's story.
    Lure(Family),
    /// A link to an Android app file.
    LureApkFile,
    /// The learned text score.
    TextModel,
    /// Written as a bank, court or authority would head it.
    Institution,
    /// Sent from an e-mail address.
    SenderEmail,
    /// Sent through an e-mail-to-SMS gateway number.
    SenderGateway,
    /// Sent from abroad.
    SenderForeign,
    /// A service's name written with look-alike characters.
    DisguisedName,
    /// A code the text asks to be sent back, passed on or read out.
    CodeAgainstPersonReturn,
    /// A code beside an alarm and a number to call.
    CodeAgainstPersonCall,
    /// A link-free notice in a service's name that asks nothing: delivered.
    NoticeAsksNothing,
    /// A known site a payment alert names as the merchant.
    MerchantNamed,
}

// The plain messages and their keys, written once: the macro makes both `key`'s match (still
// exhaustive, so a new message without a key does not compile) and the list `all` starts from.
macro_rules! plain_messages {
    ($($msg:ident => $key:literal,)*) => {
        impl Msg {
            /// Its key in the catalog files (`lure.toll`).
            pub fn key(self) -> Cow<'static, str> {
                match self {
                    Msg::ClaimHow(h) => Cow::Borrowed(h.key()),
                    Msg::Technique(t) => Cow::Borrowed(t.key()),
                    Msg::Feature(f) => Cow::Owned(f.key()),
                    Msg::Lure(f) => Cow::Owned(f.key()),
                    $(Msg::$msg => Cow::Borrowed($key),)*
                }
            }

            /// The messages that are not a nested vocabulary's.
            const PLAIN: &'static [Msg] = &[$(Msg::$msg),*];
        }
    };
}

plain_messages! {
    ListSep => "list-sep",
    QuoteSep => "quote-sep",
    VettedBusinessSender => "vetted-business-sender",
    Truncated => "truncated",
    UncheckedLinks => "unchecked-links",
    NothingRisky => "nothing-risky",
    BlockedSender => "blocked-sender",
    Claim => "claim",
    LookalikeDomain => "lookalike-domain",
    LinkOutsideService => "link-outside-service",
    LinkOutsideServiceOwned => "link-outside-service.owned",
    Redirect => "redirect",
    Pressure => "pressure",
    SpoofedSender => "spoofed-sender",
    OriginMismatch => "origin-mismatch",
    RegisteredSender => "registered-sender",
    MerchantHost => "merchant-host",
    OffPolicyLink => "off-policy-link",
    OffPolicyLinkUnregistered => "off-policy-link.unregistered",
    OfficialLinks => "official-links",
    UnverifiedSender => "unverified-sender",
    ClaimWithoutProof => "claim-without-proof",
    ClaimWithoutProofSecret => "claim-without-proof.secret",
    RiskyLinkUnknown => "risky-link.unknown",
    RiskyLinkFeatures => "risky-link.features",
    AsksForSecrets => "asks-for-secrets",
    AsksToEnterSecret => "asks-to-enter-secret",
    CallbackLure => "callback-lure",
    CallbackLureNamed => "callback-lure.named",
    CodeFound => "code-found",
    LureApkFile => "lure.apk-file",
    TextModel => "text-model",
    Institution => "institution",
    SenderEmail => "sender.email",
    SenderGateway => "sender.gateway",
    SenderForeign => "sender.foreign",
    DisguisedName => "disguised-name",
    CodeAgainstPersonReturn => "code-against-person.return",
    CodeAgainstPersonCall => "code-against-person.call",
    NoticeAsksNothing => "notice-asks-nothing",
    MerchantNamed => "merchant-named",
}

impl Msg {
    /// Every message, the nested vocabularies' included (for the catalog tests).
    pub fn all() -> Vec<Msg> {
        let mut v = Msg::PLAIN.to_vec();
        v.extend(ClaimHow::ALL.map(Msg::ClaimHow));
        v.extend(Technique::ALL.map(Msg::Technique));
        v.extend(LinkFeature::ALL.map(Msg::Feature));
        v.extend(Family::ALL.map(Msg::Lure));
        v
    }
}

/// Languages with a catalog, and their files (`key = template` lines, `#` comments).
pub const LANGS: &[(&str, &str)] = &[
    ("en", include_str!("../../data/reasons/en.txt")),
    ("ja", include_str!("../../data/reasons/ja.txt")),
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

/// Render `msg` in `lang` with named arguments (see [`render`]).
pub fn say(lang: &str, msg: Msg, args: &[(&str, &str)]) -> String {
    render(lang, &msg.key(), args)
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
    fn every_message_has_a_sentence_in_every_catalog_and_every_sentence_a_message() {
        let all = Msg::all();
        let keys: Vec<String> = all.iter().map(|m| m.key().into_owned()).collect();
        crate::testing::assert_unique("message keys", &keys);
        for (lang, text) in LANGS {
            let c = parse(text);
            for k in &keys {
                assert!(c.contains_key(k.as_str()), "{lang} has no sentence for {k}");
            }
            for k in c.keys() {
                assert!(
                    keys.iter().any(|x| x == k),
                    "{lang} has {k}, which no message names"
                );
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
