//! The verdict: what to do with a message, and why, in words a person can read.
//!
//! Every verdict carries at least one [`Reason`]: a stable machine code (for the app and for
//! tests), the evidence (which service, which domain, which rule) and one sentence in English
//! and one in Japanese. Nothing here is ever logged: reasons name domains and services, never
//! the body or the code.

pub mod catalog;

use crate::registry::ServiceId;
use crate::signals::claims::{ClaimHow, Cue};
use crate::signals::links::Link;
use crate::signals::lookalike::Technique;
use catalog::Msg;
use serde::{Deserialize, Serialize};

/// What to do with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Show it normally.
    Deliver,
    /// Show it with a warning.
    Warn,
    /// Keep it out of the inbox for review.
    Quarantine,
}

/// Why, in one word.
///
/// The kebab-case names are stored with every held record: never rename one without a
/// `#[serde(alias)]` for the old name, or the records kept under it stop decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// From a registered sender, within its links policy.
    Trusted,
    /// A one-time code (from an unverified sender when a service is claimed).
    Otp,
    /// Nothing wrong found.
    Clean,
    /// A registered sender departing from its policy without harm (own-domain link from a
    /// no-links service, a merchant name written as a host).
    OffPolicy,
    /// Claims a service from an unregistered sender, no link, no code (call-back lures).
    UnverifiedClaim,
    /// No service involved; risky links with pressure.
    SuspiciousLink,
    /// No link and no service, but strong pressure and a number to call or text back.
    CallbackLure,
    /// No link and no service, but the text is a known lure shape (a stranger's opener, a
    /// "new number" from family, a job or investment-group invitation, fictitious billing).
    SuspiciousText,
    /// Claims a service and links outside its domains (an official link that forwards
    /// elsewhere included), or asks in its name for a secret to be sent back.
    Impersonation,
    /// From a registered sender of a no-links service, with a link outside its domains.
    SpoofedSender,
    /// A link's domain imitates a registered service's domain.
    LookalikeDomain,
    /// An origin-bound code for a site that is not the claimed service's.
    OtpPhishing,
    /// The sender is blocked.
    Blocked,
}

impl Kind {
    /// Every kind, in the order of the vocabulary table.
    pub const ALL: [Kind; 13] = [
        Kind::Trusted,
        Kind::Otp,
        Kind::Clean,
        Kind::OffPolicy,
        Kind::UnverifiedClaim,
        Kind::SuspiciousLink,
        Kind::CallbackLure,
        Kind::SuspiciousText,
        Kind::Impersonation,
        Kind::SpoofedSender,
        Kind::LookalikeDomain,
        Kind::OtpPhishing,
        Kind::Blocked,
    ];

    /// Parse a kebab-case name (`lookalike-domain`).
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Trusted => "trusted",
            Kind::Otp => "otp",
            Kind::Clean => "clean",
            Kind::OffPolicy => "off-policy",
            Kind::UnverifiedClaim => "unverified-claim",
            Kind::SuspiciousLink => "suspicious-link",
            Kind::CallbackLure => "callback-lure",
            Kind::SuspiciousText => "suspicious-text",
            Kind::Impersonation => "impersonation",
            Kind::SpoofedSender => "spoofed-sender",
            Kind::LookalikeDomain => "lookalike-domain",
            Kind::OtpPhishing => "otp-phishing",
            Kind::Blocked => "blocked",
        }
    }
}

impl Action {
    /// The kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Deliver => "deliver",
            Action::Warn => "warn",
            Action::Quarantine => "quarantine",
        }
    }
}

/// Stable reason codes.
///
/// Stored with every held record's reasons, like [`Kind`]: rename only with an alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonCode {
    /// The sender is on the block list.
    BlockedSender,
    /// A registered sender of a no-links service sent a link outside its domains.
    SpoofedSender,
    /// An origin-bound code names a host that is not the claimed service's.
    OriginMismatch,
    /// The message claims a service and links outside its domains.
    LinkOutsideService,
    /// A link imitates a registered domain.
    LookalikeDomain,
    /// How the message claims the service.
    Claim,
    /// A link to its own domain in the name of a no-links service (from its registered sender,
    /// or from any other).
    OffPolicyLink,
    /// A registered sender wrote a host without a scheme (a merchant name).
    MerchantHost,
    /// From a registered sender, within policy.
    RegisteredSender,
    /// A code claiming a service from a sender not registered for it.
    UnverifiedSender,
    /// A claim without link or code from an unregistered sender.
    ClaimWithoutProof,
    /// Every link goes to the claimed service's own domains.
    OfficialLinks,
    /// A link's own features are risky.
    RiskyLink,
    /// The text pushes: urgency, threats, money.
    Pressure,
    /// A redirector hides the real target.
    Redirect,
    /// Pressure plus a number to call or text, without a link.
    CallbackLure,
    /// Asks for a secret (password, PIN, card number, one-time code) to be sent back.
    AsksForSecrets,
    /// A Japanese carrier-vetted `0005` business sender.
    VettedBusinessSender,
    /// A one-time code was found.
    CodeFound,
    /// Nothing risky found.
    NothingRisky,
    /// The text follows a known lure family (delivery, toll, tax, prize, job, wrong number…).
    Lure,
    /// The learned text score finds the wording close to reported smishing.
    TextModel,
    /// The sender's kind is one genuine services do not text from (e-mail, gateway, abroad).
    UnusualSender,
    /// The body was longer than the classifier reads: the rest was not checked.
    Truncated,
    /// More distinct links than the classifier analyses: the rest were not checked.
    UncheckedLinks,
    /// A service's name written with look-alike characters.
    DisguisedName,
    /// A code beside a request to send it back or pass it on, or beside an alarm and a number
    /// to call: the code is to be taken from the reader.
    CodeAgainstPerson,
}

impl ReasonCode {
    /// Every code, in the order of the enum.
    pub const ALL: [ReasonCode; 27] = [
        ReasonCode::BlockedSender,
        ReasonCode::SpoofedSender,
        ReasonCode::OriginMismatch,
        ReasonCode::LinkOutsideService,
        ReasonCode::LookalikeDomain,
        ReasonCode::Claim,
        ReasonCode::OffPolicyLink,
        ReasonCode::MerchantHost,
        ReasonCode::RegisteredSender,
        ReasonCode::UnverifiedSender,
        ReasonCode::ClaimWithoutProof,
        ReasonCode::OfficialLinks,
        ReasonCode::RiskyLink,
        ReasonCode::Pressure,
        ReasonCode::Redirect,
        ReasonCode::CallbackLure,
        ReasonCode::AsksForSecrets,
        ReasonCode::VettedBusinessSender,
        ReasonCode::CodeFound,
        ReasonCode::NothingRisky,
        ReasonCode::Lure,
        ReasonCode::TextModel,
        ReasonCode::UnusualSender,
        ReasonCode::Truncated,
        ReasonCode::UncheckedLinks,
        ReasonCode::DisguisedName,
        ReasonCode::CodeAgainstPerson,
    ];

    /// The kebab-case name used in JSON and in stored records (`link-outside-service`).
    pub fn as_str(self) -> &'static str {
        use ReasonCode::*;
        match self {
            BlockedSender => "blocked-sender",
            SpoofedSender => "spoofed-sender",
            OriginMismatch => "origin-mismatch",
            LinkOutsideService => "link-outside-service",
            LookalikeDomain => "lookalike-domain",
            Claim => "claim",
            OffPolicyLink => "off-policy-link",
            MerchantHost => "merchant-host",
            RegisteredSender => "registered-sender",
            UnverifiedSender => "unverified-sender",
            ClaimWithoutProof => "claim-without-proof",
            OfficialLinks => "official-links",
            RiskyLink => "risky-link",
            Pressure => "pressure",
            Redirect => "redirect",
            CallbackLure => "callback-lure",
            AsksForSecrets => "asks-for-secrets",
            VettedBusinessSender => "vetted-business-sender",
            CodeFound => "code-found",
            NothingRisky => "nothing-risky",
            Lure => "lure",
            TextModel => "text-model",
            UnusualSender => "unusual-sender",
            Truncated => "truncated",
            UncheckedLinks => "unchecked-links",
            DisguisedName => "disguised-name",
            CodeAgainstPerson => "code-against-person",
        }
    }

    /// Parse a kebab-case name.
    pub fn parse(s: &str) -> Option<ReasonCode> {
        ReasonCode::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

// Kinds and reason codes are written and read by their kebab-case names through `as_str` and
// `parse`, not derived code: one name table each instead of three, and one small visitor for
// both (the phone library keeps its size; a test checks the names round-trip).
impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn deserialize_named<'de, D, T>(
    d: D,
    parse: fn(&str) -> Option<T>,
    what: &'static str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
    parse(&name).ok_or_else(|| serde::de::Error::custom(format_args!("unknown {what} `{name}`")))
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        deserialize_named(d, Kind::parse, "kind")
    }
}

impl<'de> Deserialize<'de> for ReasonCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ReasonCode, D::Error> {
        deserialize_named(d, ReasonCode::parse, "reason code")
    }
}

/// One reason, with its evidence.
///
/// Its sentence is kept as a message and the evidence it shows, and rendered only when a
/// person reads it ([`Reason::text`], the JSON form, a stored record): most verdicts are never
/// read, so classifying does not pay for two languages' words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable code.
    pub code: ReasonCode,
    /// The sentence that explains it (finer than the code: `lure.toll`).
    pub msg: Msg,
    /// The evidence the sentence shows, by argument name (`host`, `name`, …).
    pub args: Vec<(&'static str, Arg)>,
    /// The service concerned.
    pub service: Option<ServiceId>,
    /// The host concerned (a redirect's target, not the redirector).
    pub host: Option<String>,
    /// The registrable domain concerned.
    pub domain: Option<String>,
    /// The official domain imitated.
    pub imitates: Option<String>,
    /// How it imitates.
    pub technique: Option<Technique>,
    /// How the claim is made.
    pub claim: Option<ClaimHow>,
    /// Pressure categories.
    pub cues: Vec<Cue>,
    /// Risky link features.
    pub features: Vec<crate::signals::links::LinkFeature>,
    /// The lure family recognised (`delivery`, `toll`, `wrong-number` …).
    pub family: Option<crate::signals::family::Family>,
    /// The n-grams that pushed the learned text score most.
    pub ngrams: Vec<String>,
    /// The learned text score in percent (the model's probability of smishing), when it is
    /// the evidence.
    pub score: Option<u32>,
}

/// One piece of evidence for a catalog sentence, rendered in each language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is (a host, a service's name).
    Text(String),
    /// Another catalog entry, rendered in the same language (`claim-how.header`).
    Msg(Msg),
    /// Catalog entries joined by the language's list separator (link features).
    Msgs(Vec<Msg>),
    /// Words quoted from the message, joined by the language's quote separator.
    Quoted(Vec<String>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

fn render_arg(lang: &str, a: &Arg) -> String {
    match a {
        Arg::Text(t) => t.clone(),
        Arg::Msg(m) => catalog::say(lang, *m, &[]),
        Arg::Msgs(ms) => ms
            .iter()
            .map(|m| catalog::say(lang, *m, &[]))
            .collect::<Vec<_>>()
            .join(&catalog::say(lang, Msg::ListSep, &[])),
        Arg::Quoted(ws) => ws.join(&catalog::say(lang, Msg::QuoteSep, &[])),
    }
}

impl Reason {
    /// A reason explained by `msg` with `args`, the evidence it shows. The code is what
    /// machines read; the message may be finer (`lure.toll`).
    pub fn say(code: ReasonCode, msg: Msg, args: &[(&'static str, Arg)]) -> Reason {
        Reason {
            code,
            msg,
            args: args.to_vec(),
            service: None,
            host: None,
            domain: None,
            imitates: None,
            technique: None,
            claim: None,
            cues: Vec::new(),
            features: Vec::new(),
            family: None,
            ngrams: Vec::new(),
            score: None,
        }
    }

    /// Its sentence in `lang` (a language without a catalog reads English).
    pub fn text(&self, lang: &str) -> String {
        let rendered: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(k, a)| (*k, render_arg(lang, a)))
            .collect();
        let pairs: Vec<(&str, &str)> = rendered.iter().map(|(k, v)| (*k, v.as_str())).collect();
        catalog::say(lang, self.msg, &pairs)
    }

    /// Its sentence in English.
    pub fn en(&self) -> String {
        self.text("en")
    }

    /// Its sentence in Japanese.
    pub fn ja(&self) -> String {
        self.text("ja")
    }
}

/// The JSON form: the code, both sentences rendered, then the evidence that is present (the
/// shape `check --json` has always printed).
impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("code", &self.code)?;
        m.serialize_entry("en", &self.en())?;
        m.serialize_entry("ja", &self.ja())?;
        if let Some(v) = &self.service {
            m.serialize_entry("service", v)?;
        }
        if let Some(v) = &self.host {
            m.serialize_entry("host", v)?;
        }
        if let Some(v) = &self.domain {
            m.serialize_entry("domain", v)?;
        }
        if let Some(v) = &self.imitates {
            m.serialize_entry("imitates", v)?;
        }
        if let Some(v) = &self.technique {
            m.serialize_entry("technique", v)?;
        }
        if let Some(v) = &self.claim {
            m.serialize_entry("claim", v)?;
        }
        if !self.cues.is_empty() {
            m.serialize_entry("cues", &self.cues)?;
        }
        if !self.features.is_empty() {
            m.serialize_entry("features", &self.features)?;
        }
        if let Some(v) = &self.family {
            m.serialize_entry("family", v)?;
        }
        if !self.ngrams.is_empty() {
            m.serialize_entry("ngrams", &self.ngrams)?;
        }
        if let Some(v) = &self.score {
            m.serialize_entry("score", v)?;
        }
        m.end()
    }
}

/// A look-alike finding as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookalikeReport {
    /// The imitated service id.
    pub service: ServiceId,
    /// The official domain imitated.
    pub imitates: String,
    /// How.
    pub technique: Technique,
}

/// One link with what the registry says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkReport {
    /// The link and its registry-free features.
    #[serde(flatten)]
    pub link: Link,
    /// The service whose official domain the judged target is on.
    pub official_for: Option<ServiceId>,
    /// A look-alike finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lookalike: Option<LookalikeReport>,
    /// Risk score of the link's own features (0 = nothing risky).
    pub risk: u32,
}

/// The classifier's rules, in the order they are asked (see `classify`'s rule list): which one
/// decided a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The sender is on the blocked list.
    BlockedSender,
    /// A service's name is written with look-alike characters.
    DisguisedName,
    /// A registered sender of a no-links service carried a foreign link.
    SpoofedSender,
    /// An origin-bound code names a site that is not the claimed service's.
    OriginMismatch,
    /// A claimed service's message links outside its domains.
    LinkOutsideService,
    /// A link imitates a service's domain.
    LookalikeLink,
    /// The claimed service's registered sender.
    RegisteredSender,
    /// A code the text asks to be sent back, or sets beside an alarm and a number to call.
    CodeAgainstPerson,
    /// A service claimed by a sender not registered for it.
    UnregisteredClaim,
    /// No link, no service: a request for a secret or a call-back.
    TextBack,
    /// No service: the evidence model of links, text and sender.
    Evidence,
    /// Nothing risky found.
    NothingFound,
}

impl Rule {
    /// Its stable name (`link-outside-service`).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::BlockedSender => "blocked-sender",
            Rule::DisguisedName => "disguised-name",
            Rule::CodeAgainstPerson => "code-against-person",
            Rule::SpoofedSender => "spoofed-sender",
            Rule::OriginMismatch => "origin-mismatch",
            Rule::LinkOutsideService => "link-outside-service",
            Rule::LookalikeLink => "lookalike-link",
            Rule::RegisteredSender => "registered-sender",
            Rule::UnregisteredClaim => "unregistered-claim",
            Rule::TextBack => "text-back",
            Rule::Evidence => "evidence",
            Rule::NothingFound => "nothing-found",
        }
    }
}

/// The classifier's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// What to do.
    pub action: Action,
    /// Why, in one word.
    pub kind: Kind,
    /// The rule that decided (a cut body or unread links may still have raised the action
    /// after it, and say so in the reasons).
    pub rule: Rule,
    /// The service the message claims to be (id), if any.
    pub service: Option<ServiceId>,
    /// The one-time code, if any.
    pub otp: Option<String>,
    /// Every link with its analysis.
    pub links: Vec<LinkReport>,
    /// Reasons, most important first.
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// A readable explanation in `lang` (`ja` or anything else for English).
    pub fn explain(&self, lang: &str) -> String {
        let ja = lang.eq_ignore_ascii_case("ja");
        let head = if ja {
            match self.action {
                Action::Deliver => "受信: 問題は見つかりませんでした",
                Action::Warn => "注意: このメッセージには注意が必要です",
                Action::Quarantine => "隔離: フィッシングの疑いがあります",
            }
        } else {
            match self.action {
                Action::Deliver => "DELIVER: nothing wrong found",
                Action::Warn => "WARN: be careful with this message",
                Action::Quarantine => "QUARANTINE: this looks like phishing",
            }
        };
        let mut s = format!("{head} ({})\n", self.kind.as_str());
        if let Some(svc) = &self.service {
            s += &format!(
                "{}: {svc}\n",
                if ja {
                    "名乗っているサービス"
                } else {
                    "claims to be"
                }
            );
        }
        if let Some(code) = &self.otp {
            s += &format!("{}: {code}\n", if ja { "認証コード" } else { "code" });
        }
        for r in &self.reasons {
            s += &format!("- {}\n", r.text(if ja { "ja" } else { "en" }));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
            let json = serde_json::to_value(k).unwrap();
            assert_eq!(json.as_str(), Some(k.as_str()), "serde and as_str agree");
        }
        // A kind added to the enum but not to ALL fails here.
        let count = |k: Kind| match k {
            Kind::Trusted
            | Kind::Otp
            | Kind::Clean
            | Kind::OffPolicy
            | Kind::UnverifiedClaim
            | Kind::SuspiciousLink
            | Kind::CallbackLure
            | Kind::SuspiciousText
            | Kind::Impersonation
            | Kind::SpoofedSender
            | Kind::LookalikeDomain
            | Kind::OtpPhishing
            | Kind::Blocked => 1,
        };
        assert_eq!(Kind::ALL.iter().map(|&k| count(k)).sum::<usize>(), 13);
        assert_eq!(Kind::parse("nope"), None);
    }

    #[test]
    fn every_reason_code_round_trips_and_is_listed() {
        crate::testing::assert_unique("reason codes", &ReasonCode::ALL.map(|c| c.as_str()));
        for c in ReasonCode::ALL {
            assert_eq!(ReasonCode::parse(c.as_str()), Some(c));
            let json = serde_json::to_value(c).unwrap();
            assert_eq!(json.as_str(), Some(c.as_str()), "serde and as_str agree");
            let back: ReasonCode = serde_json::from_value(json).unwrap();
            assert_eq!(back, c);
        }
        // A code added to the enum but not to ALL fails here: the match is exhaustive, and
        // each listed code counts once.
        use ReasonCode::*;
        let count = |c: ReasonCode| match c {
            BlockedSender | SpoofedSender | OriginMismatch | LinkOutsideService
            | LookalikeDomain | Claim | OffPolicyLink | MerchantHost | RegisteredSender
            | UnverifiedSender | ClaimWithoutProof | OfficialLinks | RiskyLink | Pressure
            | Redirect | CallbackLure | AsksForSecrets | VettedBusinessSender | CodeFound
            | NothingRisky | Lure | TextModel | UnusualSender | Truncated | UncheckedLinks
            | DisguisedName | CodeAgainstPerson => 1,
        };
        assert_eq!(ReasonCode::ALL.iter().map(|&c| count(c)).sum::<usize>(), 27);
    }
}
