//! The records and enums of the Kotlin API: the FFI's own types, converted from the core's
//! with `From`, so that the core knows nothing of UniFFI and the API can stay still while the
//! core changes. Ids cross as decimal strings (Kotlin has no unsigned 64-bit id type an app
//! would want in an intent extra); times as epoch milliseconds.

use smishgate_core as sg;
use std::collections::HashMap;

/// An SMS as the phone received it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Sms {
    /// The sender as the platform reports it (number, short code or alphanumeric ID).
    pub sender: String,
    /// The body (the parts of a multipart SMS joined).
    pub body: String,
    /// When it was received (epoch ms), if the platform says.
    pub received_at_ms: Option<i64>,
}

impl From<&Sms> for sg::Sms {
    fn from(s: &Sms) -> sg::Sms {
        sg::Sms {
            sender: s.sender.clone(),
            body: s.body.clone(),
            received_at: s.received_at_ms,
            cut: false,
        }
    }
}

/// What to do with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Action {
    /// Show it normally.
    Deliver,
    /// Show it with a warning.
    Warn,
    /// Keep it out of the inbox for review: it was stored in the quarantine.
    Quarantine,
}

impl From<sg::Action> for Action {
    fn from(a: sg::Action) -> Action {
        match a {
            sg::Action::Deliver => Action::Deliver,
            sg::Action::Warn => Action::Warn,
            sg::Action::Quarantine => Action::Quarantine,
        }
    }
}

/// Why a verdict was given, in one word (the core's kinds; `name` in Kotlin is the
/// SCREAMING_CASE of the kebab-case name the CLI and the JSON show).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Kind {
    /// From a registered sender, within its links policy.
    Trusted,
    /// A one-time code (from an unverified sender when a service is claimed).
    Otp,
    /// Nothing wrong found.
    Clean,
    /// A registered sender departing from its policy without harm.
    OffPolicy,
    /// Claims a service from an unregistered sender, no link, no code.
    UnverifiedClaim,
    /// No service involved; risky links with pressure.
    SuspiciousLink,
    /// No link and no service, but pressure and a number to call or text back.
    CallbackLure,
    /// No link and no service, but the text is a known lure shape.
    SuspiciousText,
    /// Claims a service and links outside its domains, or asks in its name for a secret.
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

impl From<sg::Kind> for Kind {
    fn from(k: sg::Kind) -> Kind {
        match k {
            sg::Kind::Trusted => Kind::Trusted,
            sg::Kind::Otp => Kind::Otp,
            sg::Kind::Clean => Kind::Clean,
            sg::Kind::OffPolicy => Kind::OffPolicy,
            sg::Kind::UnverifiedClaim => Kind::UnverifiedClaim,
            sg::Kind::SuspiciousLink => Kind::SuspiciousLink,
            sg::Kind::CallbackLure => Kind::CallbackLure,
            sg::Kind::SuspiciousText => Kind::SuspiciousText,
            sg::Kind::Impersonation => Kind::Impersonation,
            sg::Kind::SpoofedSender => Kind::SpoofedSender,
            sg::Kind::LookalikeDomain => Kind::LookalikeDomain,
            sg::Kind::OtpPhishing => Kind::OtpPhishing,
            sg::Kind::Blocked => Kind::Blocked,
        }
    }
}

impl From<Kind> for sg::Kind {
    fn from(k: Kind) -> sg::Kind {
        match k {
            Kind::Trusted => sg::Kind::Trusted,
            Kind::Otp => sg::Kind::Otp,
            Kind::Clean => sg::Kind::Clean,
            Kind::OffPolicy => sg::Kind::OffPolicy,
            Kind::UnverifiedClaim => sg::Kind::UnverifiedClaim,
            Kind::SuspiciousLink => sg::Kind::SuspiciousLink,
            Kind::CallbackLure => sg::Kind::CallbackLure,
            Kind::SuspiciousText => sg::Kind::SuspiciousText,
            Kind::Impersonation => sg::Kind::Impersonation,
            Kind::SpoofedSender => sg::Kind::SpoofedSender,
            Kind::LookalikeDomain => sg::Kind::LookalikeDomain,
            Kind::OtpPhishing => sg::Kind::OtpPhishing,
            Kind::Blocked => sg::Kind::Blocked,
        }
    }
}

/// A reason's stable code: what the app may act on (the sentence is for people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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
    /// A link to its own domain in the name of a no-links service.
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
    /// Asks for a secret (password, PIN, card number, code) to be sent back or typed in.
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
    /// A code to be taken from the reader: asked back, or beside an alarm and a number to call.
    CodeAgainstPerson,
}

impl From<sg::ReasonCode> for ReasonCode {
    fn from(c: sg::ReasonCode) -> ReasonCode {
        match c {
            sg::ReasonCode::BlockedSender => ReasonCode::BlockedSender,
            sg::ReasonCode::SpoofedSender => ReasonCode::SpoofedSender,
            sg::ReasonCode::OriginMismatch => ReasonCode::OriginMismatch,
            sg::ReasonCode::LinkOutsideService => ReasonCode::LinkOutsideService,
            sg::ReasonCode::LookalikeDomain => ReasonCode::LookalikeDomain,
            sg::ReasonCode::Claim => ReasonCode::Claim,
            sg::ReasonCode::OffPolicyLink => ReasonCode::OffPolicyLink,
            sg::ReasonCode::MerchantHost => ReasonCode::MerchantHost,
            sg::ReasonCode::RegisteredSender => ReasonCode::RegisteredSender,
            sg::ReasonCode::UnverifiedSender => ReasonCode::UnverifiedSender,
            sg::ReasonCode::ClaimWithoutProof => ReasonCode::ClaimWithoutProof,
            sg::ReasonCode::OfficialLinks => ReasonCode::OfficialLinks,
            sg::ReasonCode::RiskyLink => ReasonCode::RiskyLink,
            sg::ReasonCode::Pressure => ReasonCode::Pressure,
            sg::ReasonCode::Redirect => ReasonCode::Redirect,
            sg::ReasonCode::CallbackLure => ReasonCode::CallbackLure,
            sg::ReasonCode::AsksForSecrets => ReasonCode::AsksForSecrets,
            sg::ReasonCode::VettedBusinessSender => ReasonCode::VettedBusinessSender,
            sg::ReasonCode::CodeFound => ReasonCode::CodeFound,
            sg::ReasonCode::NothingRisky => ReasonCode::NothingRisky,
            sg::ReasonCode::Lure => ReasonCode::Lure,
            sg::ReasonCode::TextModel => ReasonCode::TextModel,
            sg::ReasonCode::UnusualSender => ReasonCode::UnusualSender,
            sg::ReasonCode::Truncated => ReasonCode::Truncated,
            sg::ReasonCode::UncheckedLinks => ReasonCode::UncheckedLinks,
            sg::ReasonCode::DisguisedName => ReasonCode::DisguisedName,
            sg::ReasonCode::CodeAgainstPerson => ReasonCode::CodeAgainstPerson,
        }
    }
}

/// One link of a message and what was judged of it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Link {
    /// The link as written in the message.
    pub url: String,
    /// The host judged: a redirector's target, not the redirector.
    pub host: String,
    /// Its registrable domain (the host itself when it has none).
    pub domain: String,
    /// It is on the official domain of a registered service.
    pub official: bool,
    /// That service's id.
    pub official_for: Option<String>,
    /// The official domain it imitates, when it is a look-alike.
    pub imitates: Option<String>,
}

impl From<&sg::verdict::LinkReport> for Link {
    fn from(l: &sg::verdict::LinkReport) -> Link {
        let judged = l.link.effective();
        Link {
            url: l.link.text.clone(),
            host: judged.host.clone(),
            domain: judged.domain.clone().unwrap_or_else(|| judged.host.clone()),
            official: l.official_for.is_some(),
            official_for: l.official_for.as_deref().map(String::from),
            imitates: l.lookalike.as_ref().map(|x| x.imitates.clone()),
        }
    }
}

impl From<&sg::StoredLink> for Link {
    fn from(l: &sg::StoredLink) -> Link {
        Link {
            url: l.url.clone(),
            host: l.host.clone(),
            domain: l.domain.clone().unwrap_or_else(|| l.host.clone()),
            official: l.official_for.is_some(),
            official_for: l.official_for.as_deref().map(String::from),
            imitates: None,
        }
    }
}

/// One reason for a verdict: a stable code for the app, a sentence for the user in each
/// language (they name the service, domain or rule: the evidence).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Reason {
    /// Stable code (`LOOKALIKE_DOMAIN`, `LINK_OUTSIDE_SERVICE`, …).
    pub code: ReasonCode,
    /// One sentence in English.
    pub en: String,
    /// One sentence in Japanese.
    pub ja: String,
}

impl From<&sg::Reason> for Reason {
    fn from(r: &sg::Reason) -> Reason {
        Reason {
            code: r.code.into(),
            en: r.en(),
            ja: r.ja(),
        }
    }
}

impl From<&sg::StoredReason> for Reason {
    fn from(r: &sg::StoredReason) -> Reason {
        Reason {
            code: r.code.into(),
            en: r.en.clone(),
            ja: r.ja.clone(),
        }
    }
}

/// The classifier's answer for one message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verdict {
    /// What to do.
    pub action: Action,
    /// Why, in one word (`TRUSTED`, `OTP`, `IMPERSONATION`, `LOOKALIKE_DOMAIN`, …).
    pub kind: Kind,
    /// The service the message claims to be (id), if any.
    pub service: Option<String>,
    /// The one-time code, if any.
    pub otp: Option<String>,
    /// Every link with what was judged of it.
    pub links: Vec<Link>,
    /// Reasons, most important first (never empty).
    pub reasons: Vec<Reason>,
}

impl From<&sg::Verdict> for Verdict {
    fn from(v: &sg::Verdict) -> Verdict {
        Verdict {
            action: v.action.into(),
            kind: v.kind.into(),
            service: v.service.as_deref().map(String::from),
            otp: v.otp.clone(),
            links: v.links.iter().map(Link::from).collect(),
            reasons: v.reasons.iter().map(Reason::from).collect(),
        }
    }
}

/// What `ingest` decided: the verdict, and the quarantine id when the message was kept.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Decision {
    /// The verdict.
    pub verdict: Verdict,
    /// The quarantined message's id (also when it was kept before: the same SMS delivered
    /// twice is stored once).
    pub quarantine_id: Option<String>,
    /// The same message (sender, body, time) was kept before and nothing new was stored: a
    /// broadcast delivered again, an export scanned twice. The app announced it the first time.
    #[uniffi(default = false)]
    pub duplicate: bool,
}

impl From<&sg::Decision> for Decision {
    fn from(d: &sg::Decision) -> Decision {
        Decision {
            verdict: (&d.verdict).into(),
            quarantine_id: d.record_id.map(|id| id.to_string()),
            duplicate: d.duplicate,
        }
    }
}

/// Review status of a quarantined message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Status {
    /// Held, not reviewed yet.
    Quarantined,
    /// The user let it through.
    Released,
    /// The user confirmed it as smishing.
    Confirmed,
}

impl From<sg::Status> for Status {
    fn from(s: sg::Status) -> Status {
        match s {
            sg::Status::Quarantined => Status::Quarantined,
            sg::Status::Released => Status::Released,
            sg::Status::Confirmed => Status::Confirmed,
        }
    }
}

impl From<Status> for sg::Status {
    fn from(s: Status) -> sg::Status {
        match s {
            Status::Quarantined => sg::Status::Quarantined,
            Status::Released => sg::Status::Released,
            Status::Confirmed => sg::Status::Confirmed,
        }
    }
}

/// A message in the quarantine, with the verdict it was held for and its review status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuarantinedMessage {
    /// Its id (pass it to `release`, `confirm`, `delete`).
    pub id: String,
    /// The sender as received.
    pub sender: String,
    /// The body as received.
    pub body: String,
    /// When it was received (epoch ms), if the platform said.
    pub received_at_ms: Option<i64>,
    /// Review status.
    pub status: Status,
    /// The verdict it was held for.
    pub verdict: Verdict,
}

impl From<&sg::Record> for QuarantinedMessage {
    fn from(r: &sg::Record) -> QuarantinedMessage {
        let links: Vec<Link> = if r.links.is_empty() {
            // Records kept before links were stored know only the judged hosts.
            r.hosts
                .iter()
                .map(|h| Link {
                    url: h.clone(),
                    host: h.clone(),
                    domain: h.clone(),
                    official: false,
                    official_for: None,
                    imitates: None,
                })
                .collect()
        } else {
            r.links.iter().map(Link::from).collect()
        };
        let links =
            links
                .into_iter()
                .map(|mut l: Link| {
                    // The look-alike reason names the host and what it imitates.
                    if let Some(reason) = r.reasons.iter().find(|x| {
                        x.imitates.is_some() && x.host.as_deref() == Some(l.host.as_str())
                    }) {
                        l.imitates = reason.imitates.clone();
                    }
                    l
                })
                .collect();
        QuarantinedMessage {
            id: r.id.to_string(),
            sender: r.sender.clone(),
            body: r.body.clone(),
            received_at_ms: r.received_at_given.then_some(r.received_at),
            status: r.status.into(),
            verdict: Verdict {
                action: Action::Quarantine,
                kind: r.kind.into(),
                service: r.service.as_deref().map(String::from),
                otp: r.otp.clone(),
                links,
                reasons: r.reasons.iter().map(Reason::from).collect(),
            },
        }
    }
}

/// One page of the quarantine, newest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuarantinePage {
    /// The messages.
    pub items: Vec<QuarantinedMessage>,
    /// Pass it back for the next page; `null` at the end.
    pub next_cursor: Option<String>,
}

impl From<&sg::Page> for QuarantinePage {
    fn from(p: &sg::Page) -> QuarantinePage {
        QuarantinePage {
            items: p.records.iter().map(QuarantinedMessage::from).collect(),
            next_cursor: p.next_cursor.clone(),
        }
    }
}

/// A filter of the quarantine; every field left `null` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct QuarantineQuery {
    /// Only messages claiming this service (id); `"-"` for those claiming none.
    pub service: Option<String>,
    /// Only this kind.
    pub kind: Option<Kind>,
    /// Only this review status.
    pub status: Option<Status>,
}

/// What links a service's SMS may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LinkPolicy {
    /// Never any link: codes and notices only (brokerages, banks).
    Never,
    /// Links only to its own domains.
    Official,
}

impl From<sg::LinkPolicy> for LinkPolicy {
    fn from(p: sg::LinkPolicy) -> LinkPolicy {
        match p {
            sg::LinkPolicy::Never => LinkPolicy::Never,
            sg::LinkPolicy::Official => LinkPolicy::Official,
        }
    }
}

impl From<LinkPolicy> for sg::LinkPolicy {
    fn from(p: LinkPolicy) -> sg::LinkPolicy {
        match p {
            LinkPolicy::Never => sg::LinkPolicy::Never,
            LinkPolicy::Official => sg::LinkPolicy::Official,
        }
    }
}

/// A service that texts the user: how its messages are told apart from impersonations.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Service {
    /// Stable id: lowercase ASCII letters, digits, `-` and `_`.
    pub id: String,
    /// The name shown to the user.
    pub name: String,
    /// Names a message uses for it.
    pub aliases: Vec<String>,
    /// Sender IDs, short codes and numbers it texts from.
    pub senders: Vec<String>,
    /// Its official domains (their subdomains count).
    pub domains: Vec<String>,
    /// What links its SMS may carry.
    pub links: LinkPolicy,
}

impl From<&sg::ServiceSpec> for Service {
    fn from(s: &sg::ServiceSpec) -> Service {
        Service {
            id: s.id.clone(),
            name: s.name.clone(),
            aliases: s.aliases.clone(),
            senders: s.senders.clone(),
            domains: s.domains.clone(),
            // The registry's default for an entry that does not say.
            links: s.link_policy().into(),
        }
    }
}

impl From<Service> for sg::ServiceSpec {
    fn from(s: Service) -> sg::ServiceSpec {
        sg::ServiceSpec {
            id: s.id,
            name: s.name,
            aliases: s.aliases,
            senders: s.senders,
            domains: s.domains,
            links: Some(s.links.into()),
            category: None,
            region: None,
            sources: Vec::new(),
            note: None,
        }
    }
}

/// How a registry file would change a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChangeKind {
    /// A new service (or a built-in one the user had removed, back).
    Added,
    /// The service would be gone.
    Removed,
    /// Its domains, senders, aliases, link policy or name would change.
    Changed,
}

impl From<sg::Change> for ChangeKind {
    fn from(c: sg::Change) -> ChangeKind {
        match c {
            sg::Change::Added => ChangeKind::Added,
            sg::Change::Removed => ChangeKind::Removed,
            sg::Change::Changed => ChangeKind::Changed,
        }
    }
}

/// One service a registry file would change. Senders are compared as the gate reads them
/// (another spelling of a listed number is no change); every list is sorted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceChange {
    /// Its id.
    pub id: String,
    /// The name shown (the id when it has none): after the import, before it when removed.
    pub name: String,
    /// A built-in service: a file changing it changes a service the user did not add (ask).
    pub builtin: bool,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// Official domains it would gain (links to them would count as its own).
    pub domains_added: Vec<String>,
    /// Official domains it would lose.
    pub domains_removed: Vec<String>,
    /// Senders it would gain (their messages would count as its own).
    pub senders_added: Vec<String>,
    /// Senders it would lose.
    pub senders_removed: Vec<String>,
    /// Aliases it would gain.
    pub aliases_added: Vec<String>,
    /// Aliases it would lose.
    pub aliases_removed: Vec<String>,
    /// Its link policy now, when the import changes it (`null` for an added service).
    pub links_before: Option<LinkPolicy>,
    /// Its link policy after, when the import changes it (`null` for a removed service).
    pub links_after: Option<LinkPolicy>,
    /// Its name now, when the import renames it.
    pub name_before: Option<String>,
}

impl From<sg::ServiceDiff> for ServiceChange {
    fn from(d: sg::ServiceDiff) -> ServiceChange {
        ServiceChange {
            id: d.id,
            name: d.name,
            builtin: d.builtin,
            change: d.change.into(),
            domains_added: d.domains_added,
            domains_removed: d.domains_removed,
            senders_added: d.senders_added,
            senders_removed: d.senders_removed,
            aliases_added: d.aliases_added,
            aliases_removed: d.aliases_removed,
            links_before: d.links_before.map(Into::into),
            links_after: d.links_after.map(Into::into),
            name_before: d.name_before,
        }
    }
}

/// What importing a registry file would change: empty lists when it changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportPreview {
    /// The services that would differ, sorted by id.
    pub services: Vec<ServiceChange>,
    /// Senders that would be blocked.
    pub blocked_added: Vec<String>,
    /// Senders that would no longer be blocked (an import with `replace`).
    pub blocked_removed: Vec<String>,
}

impl From<sg::RegistryDiff> for ImportPreview {
    fn from(d: sg::RegistryDiff) -> ImportPreview {
        ImportPreview {
            services: d.services.into_iter().map(ServiceChange::from).collect(),
            blocked_added: d.blocked_added,
            blocked_removed: d.blocked_removed,
        }
    }
}

/// Counts of the quarantine.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Stats {
    /// Messages held, any status.
    pub total: u64,
    /// By review status (`quarantined`, `released`, `confirmed`).
    pub by_status: HashMap<String, u64>,
    /// By kind.
    pub by_kind: HashMap<String, u64>,
    /// By claimed service (`-` for none).
    pub by_service: HashMap<String, u64>,
    /// By day of reception (`YYYY-MM-DD` in the gate's time zone).
    pub by_day: HashMap<String, u64>,
}

impl From<sg::Stats> for Stats {
    fn from(s: sg::Stats) -> Stats {
        Stats {
            total: s.total,
            by_status: s.by_status.into_iter().collect(),
            by_kind: s.by_kind.into_iter().collect(),
            by_service: s.by_service.into_iter().collect(),
            by_day: s.by_day.into_iter().collect(),
        }
    }
}
