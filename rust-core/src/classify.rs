//! The classifier: one pure function from (message, registry, options) to a [`Verdict`].
//!
//! The order of the rules is the design. Quarantine rules are checked first, most specific
//! first: a blocked sender; a registered sender of a no-links service carrying a foreign link
//! (sender IDs can be spoofed, so sharing a thread with real codes proves nothing); an
//! origin-bound code for a foreign site; a claimed service with a link outside its domains; a
//! link imitating a registered domain. Only then the gentler outcomes: trusted, off-policy,
//! codes from unverified senders (delivered: services rotate numbers), unverified claims
//! (warned), and, when no service is involved at all, a score of the links' own features with
//! the text's pressure cues. No I/O, no allocation proportional to anything but the input.

use crate::claims::{self, ClaimHow, Cue, Pressure};
use crate::evidence;
use crate::links::{self, Link, LinkFeature};
use crate::lookalike::{self, Lookalike};
use crate::normalize::normalize;
use crate::otp;
use crate::registry::{LinkPolicy, Registry};
use crate::sender::{self, SenderKind};
use crate::verdict::{Action, Arg, Kind, LinkReport, LookalikeReport, Reason, ReasonCode, Verdict};

/// An SMS as received.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The sender as the platform reports it (number, short code or alphanumeric ID).
    pub sender: &'a str,
    /// The body.
    pub body: &'a str,
    /// The body is the beginning of a longer one, cut before it got here (see
    /// [`crate::gateway::Sms::cut`]): judged as a body the classifier cut itself.
    pub cut: bool,
}

/// Classifier options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bodies longer than this many characters are read up to it (a concatenated SMS tops out
    /// near 39,000 characters).
    pub max_chars: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_chars: 40_000 }
    }
}

/// Per-link analysis kept while classifying.
struct Analysed {
    report: LinkReport,
    official: Option<usize>,
    lookalike: Option<Lookalike>,
}

/// Build every matcher the classifier builds lazily (link, code, cue and family automata, the
/// text model, the reason catalogs). Classification is correct without it; a caller that
/// opens the gate at start-up runs it on another thread while it loads the registry, so the
/// first message does not pay for them. Idempotent and cheap after the first call.
pub fn warm_up() {
    crate::links::warm();
    crate::otp::warm();
    crate::claims::warm();
    crate::evidence::warm();
    let _ = crate::model::shipped();
    crate::catalog::warm();
}

/// Classify one message. Deterministic, never panics, linear in the body.
pub fn classify(msg: &Message<'_>, reg: &Registry, opts: &Options) -> Verdict {
    let (body, truncated) = truncate(msg.body, opts.max_chars);
    let n = normalize(body);
    let from = sender::parse(msg.sender, reg.region());
    let mut found = links::extract(&n);
    let code = otp::extract(&n);
    let spans: Vec<(usize, usize)> = found.iter().map(|l| l.span).collect();
    // A link written twice is judged once; past MAX_LINKS distinct links the rest are not
    // analysed, and the verdict says so (padding cannot hide a link, see `unchecked`).
    let unchecked = distinct_links(&mut found, &n.folded);
    let mut text_claims = claims::text_claims(&n, reg, &spans);
    let pressure = claims::pressure(&n.folded, &spans);
    let families = evidence::families(&n.folded, &spans);
    // Mentions matter only next to a link (a brand named in a lure, a look-alike of a named
    // brand): a link-free message skips the second pass over the aliases.
    let mentioned = if found.is_empty() {
        Vec::new()
    } else {
        claims::mentions(&n, reg, &spans)
    };
    // A brand named inside a lure speaks as the brand even without a header: "Verizon You've
    // won a prize! … bit.ly/…", "…のアカウントが停止されました". The lure must carry a link
    // and push on an account, a payment, a parcel or a prize; a friend's "the Amazon refund
    // came through" has neither.
    if text_claims.is_empty() && !found.is_empty() && account_cues(&pressure) >= 2 {
        if let Some(&service) = mentioned.first() {
            text_claims.push(claims::TextClaim {
                service,
                how: ClaimHow::Content,
            });
        }
    }
    let sender_services = reg.services_of_sender(&from.key);

    let analysed: Vec<Analysed> = found
        .into_iter()
        .map(|l| analyse(l, reg, &mentioned))
        .collect();

    let mut ctx = Ctx {
        reg,
        folded: &n.folded,
        spans: &spans,
        sender: msg.sender,
        analysed: &analysed,
        pressure: &pressure,
        families: &families,
        mentioned: &mentioned,
        reasons: Vec::new(),
    };
    let (mut action, mut kind, service) =
        decide(&mut ctx, &from, sender_services, &text_claims, &code);
    let mut reasons = ctx.reasons;
    let registered = service.is_some_and(|s| sender_services.contains(&s));
    if from.kind == SenderKind::VettedBusinessJp {
        reasons.push(Reason::say(
            ReasonCode::VettedBusinessSender,
            "vetted-business-sender",
            &[],
        ));
    }
    // What was not read is never vouched for: a cut body or links past the cap are at least
    // a warning, and links nobody checked in a brand's name from a sender not registered for
    // it are held (a genuine service never sends that many).
    if unchecked > 0 {
        reasons.push(Reason::say(
            ReasonCode::UncheckedLinks,
            "unchecked-links",
            &[
                ("count", unchecked.to_string().into()),
                ("max", links::MAX_LINKS.to_string().into()),
            ],
        ));
        // "Every link is its own" is not known when some were not read.
        reasons.retain(|r| r.code != ReasonCode::OfficialLinks);
        if service.is_some() && !registered && action != Action::Quarantine {
            (action, kind) = (Action::Quarantine, Kind::Impersonation);
        }
    }
    let cut_here = truncated;
    let truncated = truncated || msg.cut;
    if truncated {
        let read_chars = if cut_here {
            opts.max_chars
        } else {
            body.chars().count()
        };
        reasons.push(Reason::say(
            ReasonCode::Truncated,
            "truncated",
            &[("max", read_chars.to_string().into())],
        ));
    }
    if (truncated || unchecked > 0) && action == Action::Deliver {
        action = Action::Warn;
        kind = if registered {
            Kind::OffPolicy
        } else if unchecked > 0 {
            Kind::SuspiciousLink
        } else {
            Kind::SuspiciousText
        };
    }
    if reasons.is_empty() {
        reasons.push(Reason::say(ReasonCode::NothingRisky, "nothing-risky", &[]));
    }
    Verdict {
        action,
        kind,
        service: service.map(|i| reg.service(i).id.clone()),
        otp: code.code,
        links: analysed.into_iter().map(|a| a.report).collect(),
        reasons,
    }
}

/// Does the text push the way lures about an account, a payment, a parcel or a prize do?
fn lure_context(p: &Pressure, families: &[evidence::Family]) -> bool {
    use evidence::Family as F;
    let lure_family = families
        .iter()
        .any(|f| matches!(f, F::Delivery | F::Toll | F::Tax | F::Prize | F::Account));
    lure_family || account_cues(p) >= 2
}

/// How many distinct pressure categories speak of an account, a payment, a parcel or a prize.
fn account_cues(p: &Pressure) -> usize {
    p.cues
        .iter()
        .filter(|c| {
            matches!(
                c,
                Cue::Suspension
                    | Cue::SecurityAlert
                    | Cue::Credentials
                    | Cue::Payment
                    | Cue::Refund
                    | Cue::Delivery
                    | Cue::Prize
                    | Cue::Expiry
            )
        })
        .count()
}

/// Keep the first occurrence of each link (as written, case-folded) and at most
/// [`links::MAX_LINKS`] of them; returns how many distinct links were left out, counting one
/// more when the extractor itself stopped at its bound.
fn distinct_links(found: &mut Vec<Link>, folded: &str) -> usize {
    let at_bound = found.len() >= links::MAX_FOUND;
    if found.len() <= 1 {
        return 0;
    }
    let mut seen = std::collections::HashSet::with_capacity(found.len());
    let mut dropped = 0;
    found.retain(|l| {
        let t = folded.get(l.span.0..l.span.1).unwrap_or("");
        if !seen.insert(t) {
            return false;
        }
        if seen.len() > links::MAX_LINKS {
            dropped += 1;
            return false;
        }
        true
    });
    dropped + usize::from(at_bound)
}

fn truncate(body: &str, max_chars: usize) -> (&str, bool) {
    match body.char_indices().nth(max_chars) {
        Some((i, _)) => (&body[..i], true),
        None => (body, false),
    }
}

fn analyse(mut link: Link, reg: &Registry, mentioned: &[usize]) -> Analysed {
    // A redirect is followed only through a site whose forwarding means something: a
    // registered service's or a well-known one (`google.com/url?q=`, an official open
    // redirect). An unknown site that names another in its query (`evil.top/?u=https://
    // amazon.com`) is where the reader lands first, and it is judged itself.
    if link.target.is_some() && !(reg.official_owner(&link.host).is_some() || is_well_known(&link))
    {
        link.target = None;
    }
    let eff = link.effective();
    let official = if eff.features.ip_host {
        None
    } else {
        reg.official_owner(&eff.host)
    };
    // A host under a suffix only governments or schools can register (`.gov`, `go.jp`,
    // `courts.alaska.gov`) is nobody's look-alike: an attacker cannot hold one.
    let lookalike = if official.is_none() && !links::is_restricted_host(&eff.host) {
        lookalike::check(&link, reg, mentioned)
    } else {
        None
    };
    let known = official.is_some() || is_well_known(eff);
    // A service's own domain is not risky for its features (a brand's app on a hosting
    // platform, its own shortener): whether it is the right service's is rule 4's question.
    let risk = if official.is_some() {
        0
    } else {
        link_risk(&link, lookalike.as_ref(), known).0
    };
    let report = LinkReport {
        official_for: official.map(|i| reg.service(i).id.clone()),
        lookalike: lookalike.as_ref().map(|l| LookalikeReport {
            service: reg.service(l.service).id.clone(),
            imitates: l.imitates.clone(),
            technique: l.technique,
        }),
        risk,
        link,
    };
    Analysed {
        report,
        official,
        lookalike,
    }
}

fn is_well_known(l: &Link) -> bool {
    l.domain
        .as_deref()
        .is_some_and(|d| links::WELL_KNOWN.contains(&d))
        || links::is_restricted_host(&l.host)
}

/// Risk of a link's own features: the judged target's, plus hiding it behind a redirect. A site
/// that is neither a registered service's nor a well-known one starts at 1.
fn link_risk(link: &Link, look: Option<&Lookalike>, known: bool) -> (u32, Vec<LinkFeature>) {
    use LinkFeature::*;
    let f = &link.effective().features;
    let has = [
        (!known, UnknownSite),
        (f.ip_host, IpHost),
        (f.apk, Apk),
        (f.punycode, Punycode),
        (f.abuse_tld, AbuseProneTld),
        (f.shortener, Shortener),
        (f.port, NonDefaultPort),
        (f.userinfo || link.features.userinfo, Userinfo),
        (
            f.subdomain_depth >= crate::weights::link::DEEP_SUBDOMAIN_DEPTH,
            DeepSubdomain,
        ),
        (link.features.redirect, Redirect),
        (look.is_some(), BrandLookalike),
        (f.free_hosting, FreeHosting),
        (f.random_host, RandomHost),
        (f.new_tld && !f.abuse_tld, NewTld),
        (f.token_path && !f.shortener, TokenPath),
    ];
    let why: Vec<LinkFeature> = has.iter().filter(|(c, _)| *c).map(|(_, w)| *w).collect();
    (why.iter().map(|w| w.weight()).sum(), why)
}

struct Ctx<'a> {
    reg: &'a Registry,
    folded: &'a str,
    spans: &'a [(usize, usize)],
    sender: &'a str,
    analysed: &'a [Analysed],
    pressure: &'a Pressure,
    families: &'a [evidence::Family],
    mentioned: &'a [usize],
    reasons: Vec<Reason>,
}

impl Ctx<'_> {
    fn id(&self, s: usize) -> String {
        self.reg.service(s).id.clone()
    }

    fn name(&self, s: usize) -> String {
        self.reg.service(s).name.clone()
    }

    fn push(&mut self, r: Reason) {
        self.reasons.push(r);
    }

    /// A reason about service `s`, its name given to the sentence as `{name}`.
    fn say_for(&self, s: usize, code: ReasonCode, key: &str, args: &[(&str, Arg)]) -> Reason {
        let mut all: Vec<(&str, Arg)> = vec![("name", self.name(s).into())];
        all.extend(args.iter().cloned());
        let mut r = Reason::say(code, key, &all);
        r.service = Some(self.id(s));
        r
    }

    fn claim_reason(&mut self, s: usize, how: ClaimHow) {
        let mut r = self.say_for(
            s,
            ReasonCode::Claim,
            "claim",
            &[("how", Arg::Key(how.key().into()))],
        );
        r.claim = Some(how);
        self.push(r);
    }

    fn lookalike_reason(&mut self, a: &Analysed) {
        let Some(l) = &a.lookalike else { return };
        let eff = a.report.link.effective();
        let host = eff.host_unicode.clone().unwrap_or_else(|| eff.host.clone());
        let mut r = self.say_for(
            l.service,
            ReasonCode::LookalikeDomain,
            "lookalike-domain",
            &[
                ("host", host.into()),
                ("imitates", l.imitates.clone().into()),
                ("technique", Arg::Key(l.technique.key().into())),
            ],
        );
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        r.imitates = Some(l.imitates.clone());
        r.technique = Some(l.technique);
        self.push(r);
    }

    fn outside_reason(&mut self, s: usize, a: &Analysed) {
        let eff = a.report.link.effective();
        let host = eff.host_unicode.clone().unwrap_or_else(|| eff.host.clone());
        let domains = self.reg.service(s).domains.join(", ");
        let mut r = match a.official {
            Some(o) => self.say_for(
                s,
                ReasonCode::LinkOutsideService,
                "link-outside-service.owned",
                &[
                    ("host", host.into()),
                    ("owner", self.name(o).into()),
                    ("domains", domains.into()),
                ],
            ),
            None => self.say_for(
                s,
                ReasonCode::LinkOutsideService,
                "link-outside-service",
                &[("host", host.into()), ("domains", domains.into())],
            ),
        };
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        self.push(r);
        if a.report.link.features.redirect {
            self.redirect_reason(a);
        }
        self.lookalike_reason(a);
    }

    fn redirect_reason(&mut self, a: &Analysed) {
        let outer = &a.report.link;
        let eff = outer.effective();
        let mut r = Reason::say(
            ReasonCode::Redirect,
            "redirect",
            &[
                ("from", outer.host.clone().into()),
                ("host", eff.host.clone().into()),
            ],
        );
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        self.push(r);
    }

    fn pressure_reason(&mut self) {
        if let Some(r) = evidence::pressure_reason(self.pressure) {
            self.push(r);
        }
    }
}

/// Is this link a merchant name written as a host (`Bol.com` in a card code), not a link the
/// reader is asked to open?
fn merchant_mention(a: &Analysed) -> bool {
    let l = &a.report.link;
    l.scheme_less()
        && l.path.is_empty()
        && !l.host.starts_with("www.")
        && !l.features.redirect
        && a.report.risk <= 1
        && a.lookalike.is_none()
}

fn decide(
    ctx: &mut Ctx<'_>,
    from: &sender::Sender,
    sender_services: &[usize],
    text_claims: &[claims::TextClaim],
    code: &otp::Otp,
) -> (Action, Kind, Option<usize>) {
    let reg = ctx.reg;
    let analysed = ctx.analysed;

    // 1. Blocked senders.
    if reg.is_blocked(&from.key) {
        ctx.push(Reason::say(
            ReasonCode::BlockedSender,
            "blocked-sender",
            &[],
        ));
        let svc = text_claims
            .first()
            .map(|c| c.service)
            .or(sender_services.first().copied());
        return (Action::Quarantine, Kind::Blocked, svc);
    }

    // Who does the message claim to be? Text over sender over link.
    let link_claim = analysed.iter().find_map(|a| {
        let l = a.lookalike.as_ref()?;
        let company = l.technique.is_strong()
            || a.report.link.effective().features.abuse_tld
            || ctx.pressure.score >= 2
            || lure_context(ctx.pressure, ctx.families)
            // The text names the brand the domain carries: `佐川急便 … sagawa-tku.com`.
            || ctx.mentioned.contains(&l.service);
        company.then_some((l.service, a))
    });
    let text_claim = text_claims.first().copied();
    let claimed: Option<(usize, ClaimHow)> = text_claim
        .map(|c| (c.service, c.how))
        .or_else(|| sender_services.first().map(|&s| (s, ClaimHow::Sender)))
        .or_else(|| link_claim.map(|(s, _)| (s, ClaimHow::Link)));
    let registered_for = |s: usize| sender_services.contains(&s);

    // 2. A registered sender of a no-links service carrying a foreign link.
    for &s in sender_services {
        if reg.service(s).links != LinkPolicy::Never {
            continue;
        }
        if let Some(a) = analysed.iter().find(|a| {
            !reg.is_official_for(s, &a.report.link.effective().host) && !merchant_mention(a)
        }) {
            let r = ctx.say_for(s, ReasonCode::SpoofedSender, "spoofed-sender", &[]);
            ctx.push(r);
            ctx.outside_reason(s, a);
            ctx.pressure_reason();
            return (Action::Quarantine, Kind::SpoofedSender, Some(s));
        }
    }

    // 3. An origin-bound code for a site that is not the claimed service's.
    if let Some(origin) = &code.origin {
        let mismatch = match claimed {
            Some((s, _)) => {
                let ok = reg.is_official_for(s, &origin.host)
                    || origin
                        .embedded
                        .as_deref()
                        .is_some_and(|e| reg.is_official_for(s, e));
                (!ok).then_some(s)
            }
            None => {
                let probe = links::extract(&normalize(&format!("https://{}/", origin.host)));
                probe
                    .first()
                    .and_then(|l| lookalike::check(l, reg, &[]))
                    .filter(|l| l.technique.is_strong())
                    .map(|l| l.service)
            }
        };
        if let Some(s) = mismatch {
            if let Some((c, how)) = claimed {
                ctx.claim_reason(c, how);
            }
            let mut r = ctx.say_for(
                s,
                ReasonCode::OriginMismatch,
                "origin-mismatch",
                &[("host", origin.host.clone().into())],
            );
            r.host = Some(origin.host.clone());
            ctx.push(r);
            return (Action::Quarantine, Kind::OtpPhishing, Some(s));
        }
    }

    // 4. A claimed service with a link outside its domains; a look-alike link.
    if let Some((s, how)) = claimed.filter(|(_, how)| *how != ClaimHow::Link) {
        let sender_ok = registered_for(s);
        if let Some(a) = analysed.iter().find(|a| {
            let host = &a.report.link.effective().host;
            // A government or school host is nobody's phishing site (registration there is
            // restricted): a tax service linking to the state's `.gov` portal is not a foreign link.
            !(reg.is_official_for(s, host)
                || links::is_restricted_host(host)
                || (sender_ok && merchant_mention(a)))
        }) {
            ctx.claim_reason(s, how);
            ctx.outside_reason(s, a);
            ctx.pressure_reason();
            // A brand that links through a generic shortener, with nothing pushing the reader,
            // cannot be checked either way (real campaigns do it): warned, not hidden. Any push,
            // a no-links service, or any other foreign link is an impersonation.
            let only_shorteners = analysed.iter().all(|a| {
                let eff = a.report.link.effective();
                reg.is_official_for(s, &eff.host)
                    || is_well_known(eff)
                    || (eff.features.shortener && a.report.risk <= 2)
            });
            if only_shorteners
                && ctx.pressure.score == 0
                && reg.service(s).links != LinkPolicy::Never
                && how != ClaimHow::Content
            {
                return (Action::Warn, Kind::UnverifiedClaim, Some(s));
            }
            return (Action::Quarantine, Kind::Impersonation, Some(s));
        }
    }
    if let Some((s, a)) = link_claim {
        if claimed.is_none_or(|(_, how)| how == ClaimHow::Link) {
            ctx.lookalike_reason(a);
            if a.report.link.features.redirect {
                ctx.redirect_reason(a);
            }
            ctx.pressure_reason();
            return (Action::Quarantine, Kind::LookalikeDomain, Some(s));
        }
    }

    // 5. Gentler outcomes for a claimed service.
    if let Some((s, how)) = claimed {
        if registered_for(s) {
            let r = ctx.say_for(s, ReasonCode::RegisteredSender, "registered-sender", &[]);
            ctx.push(r);
            if let Some(a) = analysed
                .iter()
                .find(|a| merchant_mention(a) && !reg.is_official_for(s, &a.report.link.host))
            {
                let host = a.report.link.host.clone();
                let mut r = ctx.say_for(
                    s,
                    ReasonCode::MerchantHost,
                    "merchant-host",
                    &[("host", host.clone().into())],
                );
                r.host = Some(host);
                ctx.push(r);
                return (Action::Warn, Kind::OffPolicy, Some(s));
            }
            if reg.service(s).links == LinkPolicy::Never && !analysed.is_empty() {
                let host = analysed[0].report.link.effective().host.clone();
                let mut r = ctx.say_for(
                    s,
                    ReasonCode::OffPolicyLink,
                    "off-policy-link",
                    &[("host", host.clone().into())],
                );
                r.host = Some(host);
                ctx.push(r);
                return (Action::Warn, Kind::OffPolicy, Some(s));
            }
            code_reason(ctx, code);
            return (Action::Deliver, Kind::Trusted, Some(s));
        }
        ctx.claim_reason(s, how);
        if !analysed.is_empty() {
            // Every link is the service's own (rule 4 quarantined anything else).
            let r = ctx.say_for(s, ReasonCode::OfficialLinks, "official-links", &[]);
            ctx.push(r);
            // An official link vouches for the link, not for the text: what the message asks
            // for is judged as if the link were not there.
            if let Some(verdict) = text_in_name_of(ctx, s, code) {
                return verdict;
            }
            // A service that never sends links, named by a sender not registered for it: even
            // its own domain is off its policy, and the real service would not have sent it.
            if reg.service(s).links == LinkPolicy::Never {
                let host = analysed[0].report.link.effective().host.clone();
                let mut r = ctx.say_for(
                    s,
                    ReasonCode::OffPolicyLink,
                    "off-policy-link.unregistered",
                    &[("host", host.clone().into())],
                );
                r.host = Some(host);
                ctx.push(r);
                ctx.pressure_reason();
                return (Action::Warn, Kind::UnverifiedClaim, Some(s));
            }
            // A chat app's own invite link (`chat.whatsapp.com/…`) under a job or investment
            // opener: the link is genuine, the offer is the lure.
            if let Some(f) = ctx.families.iter().find(|f| f.is_opener()) {
                let mut r = Reason::say(ReasonCode::Lure, &format!("lure.{}", f.as_str()), &[]);
                r.family = Some(f.as_str());
                ctx.push(r);
                ctx.pressure_reason();
                return (Action::Warn, Kind::SuspiciousText, Some(s));
            }
            let kind = if code.code.is_some() {
                Kind::Otp
            } else {
                Kind::Clean
            };
            code_reason(ctx, code);
            return (Action::Deliver, kind, Some(s));
        }
        if code.code.is_some() {
            let r = ctx.say_for(s, ReasonCode::UnverifiedSender, "unverified-sender", &[]);
            ctx.push(r);
            code_reason(ctx, code);
            return (Action::Deliver, Kind::Otp, Some(s));
        }
        if let Some(verdict) = text_in_name_of(ctx, s, code) {
            return verdict;
        }
        let r = ctx.say_for(s, ReasonCode::ClaimWithoutProof, "claim-without-proof", &[]);
        ctx.push(r);
        ctx.pressure_reason();
        return (Action::Warn, Kind::UnverifiedClaim, Some(s));
    }

    // 6. No service involved. Link-free requests for a secret and call-back lures first: they
    // name what the reader is asked to do.
    let p = ctx.pressure.score;
    let lure = ctx.pressure.cues.iter().any(|c| {
        matches!(
            c,
            Cue::Prize | Cue::Suspension | Cue::SecurityAlert | Cue::Refund
        )
    });
    // Text-back harvesting: no link to click, but the reply itself is the theft (a password, a
    // PIN, a card number, or someone else's one-time code "sent by mistake").
    if analysed.is_empty() && code.code.is_none() {
        // Or typing a password in somewhere, with no link: the link was cut off or comes next.
        let asked = claims::asks_for_secrets(ctx.folded)
            .filter(|&s| p >= 2 || claims::is_code_secret(s))
            .map(|s| ("asks-for-secrets", s))
            .or_else(|| {
                claims::asks_to_enter_secret(ctx.folded).map(|s| ("asks-to-enter-secret", s))
            });
        if let Some((key, secret)) = asked {
            ctx.push(Reason::say(
                ReasonCode::AsksForSecrets,
                key,
                &[("secret", secret.into())],
            ));
            ctx.pressure_reason();
            return (Action::Warn, Kind::CallbackLure, None);
        }
        // A prize, a blocked account, a security alert or a refund needs less company than a
        // reminder that mentions payment or rescheduling.
        if (p >= 3 || (p >= 2 && lure)) && asks_to_call_back(ctx.folded) {
            ctx.push(Reason::say(ReasonCode::CallbackLure, "callback-lure", &[]));
            ctx.pressure_reason();
            return (Action::Warn, Kind::CallbackLure, None);
        }
    }

    // Then the evidence model: the riskiest link, the text, the sender.
    let mut worst: Option<(u32, &Analysed, Vec<LinkFeature>)> = None;
    for a in analysed.iter().filter(|a| a.official.is_none()) {
        let known = is_well_known(a.report.link.effective());
        let (r, why) = link_risk(&a.report.link, a.lookalike.as_ref(), known);
        if r == 0 {
            continue;
        }
        if worst.as_ref().is_none_or(|(w, _, _)| r > *w) {
            worst = Some((r, a, why));
        }
    }
    let input = evidence::Input {
        folded: ctx.folded,
        spans: ctx.spans,
        worst: worst
            .as_ref()
            .map(|(r, a, why)| (*r, why.clone(), &a.report.link)),
        links: analysed.len(),
        pressure: ctx.pressure,
        families: ctx.families,
        sender: ctx.sender,
        has_code: code.code.is_some(),
        secret: claims::asks_for_secrets(ctx.folded)
            .map(|w| ("asks-for-secrets", w))
            .or_else(|| {
                claims::asks_to_enter_secret(ctx.folded).map(|w| ("asks-to-enter-secret", w))
            }),
    };
    if let Some(j) = evidence::judge(&input) {
        ctx.reasons.extend(j.reasons);
        if let Some((_, a, _)) = worst {
            if a.report.link.features.redirect {
                ctx.redirect_reason(a);
            }
            ctx.lookalike_reason(a);
        }
        return (j.action, j.kind, None);
    }
    code_reason(ctx, code);
    let kind = if code.code.is_some() {
        Kind::Otp
    } else {
        Kind::Clean
    };
    (Action::Deliver, kind, None)
}

/// What the text of a message in service `s`'s name (from a sender not registered for it)
/// asks for, whatever its links: a secret sent back or typed in, or a call-back under
/// pressure. An official link vouches for the link, never for what the text asks, so the
/// verdict is the one the same text without a link gets. A secret asked for in a brand's name
/// is held as an impersonation: no bank, shop or carrier asks for a password, PIN or card
/// number by SMS, so the request is the strong evidence a quarantine needs. A call-back is
/// warned. `None` when the text asks for neither.
fn text_in_name_of(
    ctx: &mut Ctx<'_>,
    s: usize,
    code: &otp::Otp,
) -> Option<(Action, Kind, Option<usize>)> {
    if code.code.is_some() {
        return None;
    }
    let linked = !ctx.analysed.is_empty();
    let secret = claims::asks_for_secrets(ctx.folded)
        .filter(|&w| !claims::is_code_secret(w))
        .map(|w| ("asks-for-secrets", w))
        .or_else(|| claims::asks_to_enter_secret(ctx.folded).map(|w| ("asks-to-enter-secret", w)));
    if let Some((key, secret)) = secret {
        ctx.push(Reason::say(
            ReasonCode::AsksForSecrets,
            key,
            &[("secret", secret.into())],
        ));
        let r = ctx.say_for(
            s,
            ReasonCode::ClaimWithoutProof,
            "claim-without-proof.secret",
            &[],
        );
        ctx.push(r);
        ctx.pressure_reason();
        return Some((Action::Quarantine, Kind::Impersonation, Some(s)));
    }
    if !(ctx.pressure.score >= 2 && asks_to_call_back(ctx.folded)) {
        return None;
    }
    let r = ctx.say_for(s, ReasonCode::CallbackLure, "callback-lure.named", &[]);
    ctx.push(r);
    if !linked {
        let r = ctx.say_for(s, ReasonCode::ClaimWithoutProof, "claim-without-proof", &[]);
        ctx.push(r);
    }
    ctx.pressure_reason();
    Some((Action::Warn, Kind::UnverifiedClaim, Some(s)))
}

/// A number to call or text back: a call word and a run of at least five digits.
fn asks_to_call_back(folded: &str) -> bool {
    const WORDS: &[&str] = &[
        "call",
        "claim",
        "speak to",
        "operator",
        "whatsapp",
        "dial",
        "txt",
        "text",
        "reply",
        "send",
        "ring",
        "contact",
        "phone",
        "ph:",
        "ph ",
        "tel",
        "電話",
        "連絡",
        "返信",
        "折り返し",
        "お問い合わせ",
        "フリーダイヤル",
    ];
    // "Reply YES or NO", "Reply 1 to receive a secure link", "Reply <<ok>>": the reply starts
    // the conversation the scam needs, as a call would.
    const REPLY_PROMPTS: &[&str] = &[
        "reply yes",
        "reply y ",
        "reply \"yes",
        "reply 'yes",
        "reply 1",
        "reply 2",
        "reply <<",
        "reply ok",
        "reply \"ok",
        "reply with",
        "reply cancel",
        "text back",
        "respond yes",
        "はいと返信",
        "「はい」と返信",
    ];
    if REPLY_PROMPTS.iter().any(|w| folded.contains(w)) {
        return true;
    }
    let has_word = WORDS.iter().any(|w| folded.contains(w));
    let mut run = 0;
    let mut has_number = false;
    for c in folded.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 5 {
                has_number = true;
                break;
            }
        } else if !matches!(c, ' ' | '-' | '(' | ')') {
            run = 0;
        }
    }
    has_word && has_number
}

fn code_reason(ctx: &mut Ctx<'_>, code: &otp::Otp) {
    if code.code.is_some() {
        ctx.push(Reason::say(ReasonCode::CodeFound, "code-found", &[]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RegistryFile;

    #[test]
    fn long_body_is_truncated_not_rejected() {
        let body = "あ".repeat(50_000);
        let v = classify(
            &Message {
                sender: "x",
                body: &body,
                cut: false,
            },
            Registry::builtin(),
            &Options::default(),
        );
        // Longer than any real SMS: read up to the bound, and never called clean.
        assert_eq!((v.action, v.kind), (Action::Warn, Kind::SuspiciousText));
        assert!(v.reasons.iter().any(|r| r.code == ReasonCode::Truncated));
    }
    /// A body an importer cut (shorter than the classifier's own limit) is judged as cut: a
    /// warning that says how much was read, never clean.
    #[test]
    fn a_body_cut_before_it_came_is_never_clean() {
        let body = "お元気ですか。".repeat(100);
        let v = classify(
            &Message {
                sender: "09011112222",
                body: &body,
                cut: true,
            },
            Registry::builtin(),
            &Options::default(),
        );
        assert_eq!((v.action, v.kind), (Action::Warn, Kind::SuspiciousText));
        let r = v
            .reasons
            .iter()
            .find(|r| r.code == ReasonCode::Truncated)
            .expect("a truncated reason");
        assert!(r.en.contains("first 700 characters"), "{}", r.en);
        assert_eq!(run("09011112222", &body).action, Action::Deliver);
    }

    fn run(sender: &str, body: &str) -> Verdict {
        classify(
            &Message {
                sender,
                body,
                cut: false,
            },
            Registry::builtin(),
            &Options::default(),
        )
    }

    /// Ways to get a lure delivered as clean, each closed: (sender, body, action, kind).
    #[test]
    fn evasions_are_closed() {
        let pad = |unit: &str, n: usize| -> String {
            (0..n)
                .map(|i| unit.replace("{i}", &i.to_string()))
                .collect()
        };
        let cases: Vec<(&str, String, Action, Kind)> = vec![
            // 32 official links push a foreign one past the cap: repeats are judged once.
            (
                "AMAZON",
                format!("Amazon: {}http://amaz0n-secure.top", pad("a.co ", 32)),
                Action::Quarantine,
                Kind::Impersonation,
            ),
            // 40 distinct official links: the ones past the cap are not vouched for.
            (
                "AMAZON",
                format!("Amazon: {}http://amaz0n-secure.top", pad("a.co/{i} ", 40)),
                Action::Quarantine,
                Kind::Impersonation,
            ),
            (
                "+15551234567",
                pad("https://a.co/{i} ", 40),
                Action::Warn,
                Kind::SuspiciousLink,
            ),
            // An official link does not launder what the text asks for: a secret asked for
            // in a brand's name is held, with its link or without.
            (
                "+15551234567",
                "Amazon: your account is suspended. Reply with your password and card number to restore access. amazon.com".into(),
                Action::Quarantine,
                Kind::Impersonation,
            ),
            (
                "+15551234567",
                "Amazon: your account is suspended. Reply with your password and card number to restore access.".into(),
                Action::Quarantine,
                Kind::Impersonation,
            ),
            (
                "+819012345678",
                "【SBI証券】セキュリティ強化のため、ログインIDとパスワードをご入力ください。".into(),
                Action::Quarantine,
                Kind::Impersonation,
            ),
            (
                "+819012345678",
                "【SBI証券】お客様の口座で不審な取引を検知しました。至急 0120-123-456 までお電話ください。https://www.sbisec.co.jp".into(),
                Action::Warn,
                Kind::UnverifiedClaim,
            ),
            // A never-links service's name with its own link, from a stranger.
            (
                "+819012345678",
                "【SBI証券】新NISAのご案内はこちら https://www.sbisec.co.jp".into(),
                Action::Warn,
                Kind::UnverifiedClaim,
            ),
            // Open redirects on an official site are followed, whatever the parameter.
            (
                "+15551234567",
                "https://www.amazon.co.jp/gp/redirect.html?location=https://evil.top".into(),
                Action::Warn,
                Kind::SuspiciousLink,
            ),
            (
                "+15551234567",
                "Amazon: confirm your order https://www.amazon.co.jp/ap/x?returnTo=https%3A%2F%2Fevil.top%2Fa".into(),
                Action::Quarantine,
                Kind::Impersonation,
            ),
            (
                "+15551234567",
                "Amazon: confirm your order https://www.amazon.co.jp/redirect/https%3A%2F%2Fevil.top".into(),
                Action::Quarantine,
                Kind::Impersonation,
            ),
            // An unknown site naming an official one in its query is judged itself.
            (
                "+15551234567",
                "Your parcel is held: https://evil-parcel.top/?url=https://www.amazon.com".into(),
                Action::Quarantine,
                Kind::SuspiciousLink,
            ),
            // The link past the cut is not read, and the cut body is not clean.
            (
                "+15551234567",
                format!("{}http://evil.top", "hello ".repeat(7000)),
                Action::Warn,
                Kind::SuspiciousText,
            ),
        ];
        for (sender, body, action, kind) in cases {
            let v = run(sender, &body);
            assert_eq!(
                (v.action, v.kind),
                (action, kind),
                "{}…",
                body.chars().take(90).collect::<String>()
            );
        }
    }

    /// Genuine shapes near the evasions stay as they were.
    #[test]
    fn near_evasions_stay_clean() {
        for (sender, body) in [
            (
                "AMAZON",
                "Amazon: your order has shipped. Track it: https://a.co/d/abc https://a.co/d/abc",
            ),
            (
                "+15551234567",
                "Amazon: your order has shipped. amazon.com/orders",
            ),
            (
                "+15551234567",
                "https://www.google.com/url?q=https://www.amazon.co.jp/x",
            ),
        ] {
            let v = run(sender, body);
            assert_eq!(v.action, Action::Deliver, "{body}: {:?}", v.reasons);
        }
    }

    #[test]
    fn blocked_sender_is_quarantined() {
        let mut f = RegistryFile::default_registry().clone();
        f.blocked.push("+81 90-1111-2222".into());
        let reg = Registry::compile(&f, "JP").unwrap();
        let v = classify(
            &Message {
                sender: "09011112222",
                body: "こんにちは",
                cut: false,
            },
            &reg,
            &Options::default(),
        );
        assert_eq!((v.action, v.kind), (Action::Quarantine, Kind::Blocked));
    }
}
