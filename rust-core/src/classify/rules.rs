//! The rules, in the order they are asked: each reads the [`Facts`] and either decides the
//! message, with the reasons that explain it, or passes.
//!
//! The order is the design (see the [module docs](super)): quarantine rules first, most
//! specific first, then the gentler outcomes for a claimed service, then the link-free text
//! lures, then the evidence model, and last "nothing found". A new rule is a function and a
//! line in [`RULES`]; the verdict records which rule decided ([`Rule`]), and the tests assert it.

use super::facts::{is_well_known, merchant_mention, Analysed, Facts};
use crate::classify::evidence;
use crate::registry::LinkPolicy;
use crate::signals::claims::{self, ClaimHow};
use crate::signals::links;
use crate::signals::lookalike;
use crate::verdict::catalog::Msg;
use crate::verdict::{Action, Kind, Reason, ReasonCode, Rule};

/// What a rule decided.
pub(super) struct Outcome {
    /// What to do.
    pub(super) action: Action,
    /// Why, in one word.
    pub(super) kind: Kind,
    /// The service concerned (an index into the registry).
    pub(super) service: Option<usize>,
    /// The reasons, most important first.
    pub(super) reasons: Vec<Reason>,
}

fn decided(
    action: Action,
    kind: Kind,
    service: Option<usize>,
    reasons: Vec<Reason>,
) -> Option<Outcome> {
    Some(Outcome {
        action,
        kind,
        service,
        reasons,
    })
}

/// A rule: it decides the message or passes.
pub(super) type Ask = fn(&Facts<'_>) -> Option<Outcome>;

/// The rules in the order they are asked; the first that decides is the verdict.
pub(super) const RULES: &[(Rule, Ask)] = &[
    (Rule::BlockedSender, blocked_sender),
    (Rule::DisguisedName, disguised_name),
    (Rule::SpoofedSender, spoofed_sender),
    (Rule::OriginMismatch, origin_mismatch),
    (Rule::LinkOutsideService, link_outside_service),
    (Rule::LookalikeLink, lookalike_link),
    (Rule::RegisteredSender, registered_sender),
    (Rule::CodeAgainstPerson, code_against_person),
    (Rule::UnregisteredClaim, unregistered_claim),
    (Rule::TextBack, text_back),
    (Rule::Evidence, evidence_model),
    (Rule::NothingFound, nothing_found),
];

/// Ask the rules in order. The last rule always decides.
pub(super) fn decide(f: &Facts<'_>) -> (Rule, Outcome) {
    for (rule, ask) in RULES {
        if let Some(o) = ask(f) {
            return (*rule, o);
        }
    }
    // `nothing_found` decides every message; this is only reached if a rule list without it
    // were written, and then the message is warned, never silently delivered.
    (
        Rule::NothingFound,
        Outcome {
            action: Action::Warn,
            kind: Kind::SuspiciousText,
            service: None,
            reasons: Vec::new(),
        },
    )
}

/// Rule 1: A blocked sender.
fn blocked_sender(f: &Facts<'_>) -> Option<Outcome> {
    if !f.reg.is_blocked(&f.from.key) {
        return None;
    }
    let rs = vec![Reason::say(
        ReasonCode::BlockedSender,
        Msg::BlockedSender,
        &[],
    )];
    let svc = f
        .text_claims
        .first()
        .map(|c| c.service)
        .or(f.sender_services.first().copied());
    decided(Action::Quarantine, Kind::Blocked, svc, rs)
}

/// Rule 2: A registered sender of a no-links service carrying a foreign link: sender IDs can be
/// spoofed, so sharing a thread with real codes proves nothing.
fn spoofed_sender(f: &Facts<'_>) -> Option<Outcome> {
    let reg = f.reg;
    for &s in f.sender_services {
        if reg.service(s).links != LinkPolicy::Never {
            continue;
        }
        if let Some(a) = f.analysed.iter().find(|a| {
            !reg.is_official_for(s, &a.report.link.effective().host) && !merchant_mention(a)
        }) {
            let mut rs = vec![f.say_for(s, ReasonCode::SpoofedSender, Msg::SpoofedSender, &[])];
            f.outside_reason(&mut rs, s, a);
            f.pressure_reason(&mut rs);
            return decided(Action::Quarantine, Kind::SpoofedSender, Some(s), rs);
        }
    }
    None
}

/// Rule 1b: A service's name written with look-alike characters (`Rаkuten` with a Cyrillic
/// `а`, `楽天力ード`): whatever else the message holds, nobody disguises their own name.
fn disguised_name(f: &Facts<'_>) -> Option<Outcome> {
    let (s, how) = f.claimed?;
    if how != ClaimHow::Disguised {
        return None;
    }
    let written = f.disguised.clone().unwrap_or_default();
    let mut rs = Vec::new();
    f.claim_reason(&mut rs, s, how);
    rs.push(f.say_for(
        s,
        ReasonCode::DisguisedName,
        Msg::DisguisedName,
        &[("written", written.into())],
    ));
    if let Some(a) = f
        .analysed
        .iter()
        .find(|a| !f.reg.is_official_for(s, &a.report.link.effective().host))
    {
        f.outside_reason(&mut rs, s, a);
    }
    f.pressure_reason(&mut rs);
    decided(Action::Quarantine, Kind::Impersonation, Some(s), rs)
}

/// Rule 3: An origin-bound code for a site that is not the claimed service's (or, with no claim, a
/// strong look-alike of a service's).
fn origin_mismatch(f: &Facts<'_>) -> Option<Outcome> {
    let reg = f.reg;
    let origin = f.code.origin.as_ref()?;
    let mismatch = match f.claimed {
        Some((s, _)) => {
            let ok = reg.is_official_for(s, &origin.host)
                || origin
                    .embedded
                    .as_deref()
                    .is_some_and(|e| reg.is_official_for(s, e));
            (!ok).then_some(s)
        }
        None => {
            let (host, unicode) = links::judged_host(&origin.host)?;
            lookalike::check_host(&host, unicode.as_deref(), reg.brands(), &[])
                .filter(|l| l.technique.is_strong())
                .map(|l| l.service)
        }
    };
    let s = mismatch?;
    let mut rs = Vec::new();
    if let Some((c, how)) = f.claimed {
        f.claim_reason(&mut rs, c, how);
    }
    rs.push(f.host_reason(
        s,
        ReasonCode::OriginMismatch,
        Msg::OriginMismatch,
        &origin.host,
    ));
    decided(Action::Quarantine, Kind::OtpPhishing, Some(s), rs)
}

/// Rule 4: A service claimed by text or sender, with a link outside its domains.
fn link_outside_service(f: &Facts<'_>) -> Option<Outcome> {
    let reg = f.reg;
    let (s, how) = f.claimed.filter(|(_, how)| *how != ClaimHow::Link)?;
    let sender_ok = f.registered_for(s);
    let a = f.analysed.iter().find(|a| {
        let host = &a.report.link.effective().host;
        // A government or school host is nobody's phishing site (registration there is
        // restricted): a tax service linking to the state's `.gov` portal is not a foreign link.
        !(reg.is_official_for(s, host)
            || links::is_restricted_host(host)
            || (sender_ok && merchant_mention(a)))
    })?;
    let mut rs = Vec::new();
    f.claim_reason(&mut rs, s, how);
    f.outside_reason(&mut rs, s, a);
    f.pressure_reason(&mut rs);
    // A brand that links through a generic shortener, with nothing pushing the reader, cannot
    // be checked either way (real campaigns do it): warned, not hidden. Any push, a no-links
    // service, or any other foreign link is an impersonation.
    let only_shorteners = f.analysed.iter().all(|a| {
        let eff = a.report.link.effective();
        reg.is_official_for(s, &eff.host)
            || is_well_known(eff)
            || (eff.features.shortener && a.report.risk <= 2)
    });
    if only_shorteners
        && f.pressure.score == 0
        && reg.service(s).links != LinkPolicy::Never
        && how != ClaimHow::Content
    {
        return decided(Action::Warn, Kind::UnverifiedClaim, Some(s), rs);
    }
    decided(Action::Quarantine, Kind::Impersonation, Some(s), rs)
}

/// Rule 4b: A link imitating a service's domain, in company that makes it a claim, when no text or
/// sender claims another service.
fn lookalike_link(f: &Facts<'_>) -> Option<Outcome> {
    let (s, i) = f.link_claim?;
    if !f.claimed.is_none_or(|(_, how)| how == ClaimHow::Link) {
        return None;
    }
    let a = &f.analysed[i];
    let mut rs = Vec::new();
    f.lookalike_reason(&mut rs, a);
    if a.report.link.features.redirect {
        f.redirect_reason(&mut rs, a);
    }
    f.pressure_reason(&mut rs);
    decided(Action::Quarantine, Kind::LookalikeDomain, Some(s), rs)
}

/// Rule 5: A claimed service's registered sender: trusted, unless it carries what the service
/// does not send (a merchant's host, a link from a no-links service).
fn registered_sender(f: &Facts<'_>) -> Option<Outcome> {
    let reg = f.reg;
    let (s, _) = f.claimed.filter(|&(s, _)| f.registered_for(s))?;
    let mut rs = vec![f.say_for(s, ReasonCode::RegisteredSender, Msg::RegisteredSender, &[])];
    if let Some(a) = f
        .analysed
        .iter()
        .find(|a| merchant_mention(a) && !reg.is_official_for(s, &a.report.link.host))
    {
        rs.push(f.host_reason(
            s,
            ReasonCode::MerchantHost,
            Msg::MerchantHost,
            &a.report.link.host,
        ));
        return decided(Action::Warn, Kind::OffPolicy, Some(s), rs);
    }
    if reg.service(s).links == LinkPolicy::Never && !f.analysed.is_empty() {
        rs.push(f.host_reason(
            s,
            ReasonCode::OffPolicyLink,
            Msg::OffPolicyLink,
            &f.analysed[0].report.link.effective().host,
        ));
        return decided(Action::Warn, Kind::OffPolicy, Some(s), rs);
    }
    code_reason(f, &mut rs);
    decided(Action::Deliver, Kind::Trusted, Some(s), rs)
}

/// Rule 5a: A code the reader is asked to hand over: sent back, passed on, read out ("I sent you
/// a code by mistake", the LINE takeover's 認証番号を教えて), or set beside an alarm about a
/// purchase or a login with a number to call (the call is where it is asked for). Never a
/// plain code delivery: held when a service is claimed by a sender not registered for it
/// (rule 5 took its registered senders), warned otherwise.
fn code_against_person(f: &Facts<'_>) -> Option<Outcome> {
    // The secret scan (cached) only runs for a message that could use it: most messages
    // reaching this rule have neither a code nor a claim.
    let asked_back = || f.secret_asked().is_some_and(claims::is_code_secret);
    let key = if f.code.code.is_none() {
        // No code yet: the one the reader is about to receive, asked for in a service's name
        // (`この後SMSで届く認証番号を担当者にお伝えください`). Without a claim, rule 6 warns it.
        if !(f.claimed.is_some() && asked_back()) {
            return None;
        }
        Msg::CodeAgainstPersonReturn
    } else if asked_back() {
        Msg::CodeAgainstPersonReturn
    } else if f.alarm() && f.number_to_call() {
        Msg::CodeAgainstPersonCall
    } else {
        return None;
    };
    let mut rs = Vec::new();
    if let Some((s, how)) = f.claimed {
        f.claim_reason(&mut rs, s, how);
        rs.push(f.say_for(s, ReasonCode::CodeAgainstPerson, key, &[]));
        f.pressure_reason(&mut rs);
        return decided(Action::Quarantine, Kind::OtpPhishing, Some(s), rs);
    }
    // With links and no service named, the evidence model weighs them (it may hold).
    if !f.analysed.is_empty() {
        return None;
    }
    rs.push(Reason::say(ReasonCode::CodeAgainstPerson, key, &[]));
    f.pressure_reason(&mut rs);
    decided(Action::Warn, Kind::CallbackLure, None, rs)
}

/// Rule 5b: A claimed service from a sender not registered for it: its own links (rule 4 held any
/// other), a code, or nothing to prove the claim; what the text asks for decides.
fn unregistered_claim(f: &Facts<'_>) -> Option<Outcome> {
    let reg = f.reg;
    let (s, how) = f.claimed?;
    let mut rs = Vec::new();
    f.claim_reason(&mut rs, s, how);
    if !f.analysed.is_empty() {
        // Every link is the service's own (rule 4 quarantined anything else).
        rs.push(f.say_for(s, ReasonCode::OfficialLinks, Msg::OfficialLinks, &[]));
        // An official link vouches for the link, not for the text: what the message asks for
        // is judged as if the link were not there.
        if let Some((action, kind)) = text_in_name_of(f, &mut rs, s) {
            return decided(action, kind, Some(s), rs);
        }
        // A service that never sends links, named by a sender not registered for it: even its
        // own domain is off its policy, and the real service would not have sent it.
        if reg.service(s).links == LinkPolicy::Never {
            let host = &f.analysed[0].report.link.effective().host;
            rs.push(f.host_reason(
                s,
                ReasonCode::OffPolicyLink,
                Msg::OffPolicyLinkUnregistered,
                host,
            ));
            f.pressure_reason(&mut rs);
            return decided(Action::Warn, Kind::UnverifiedClaim, Some(s), rs);
        }
        // A chat app's own invite link (`chat.whatsapp.com/…`) under a job or investment
        // opener: the link is genuine, the offer is the lure.
        if let Some(fam) = f.families.iter().find(|fam| fam.is_opener()) {
            let mut r = Reason::say(ReasonCode::Lure, Msg::Lure(*fam), &[]);
            r.family = Some(*fam);
            rs.push(r);
            f.pressure_reason(&mut rs);
            return decided(Action::Warn, Kind::SuspiciousText, Some(s), rs);
        }
        let kind = if f.code.code.is_some() {
            Kind::Otp
        } else {
            Kind::Clean
        };
        code_reason(f, &mut rs);
        return decided(Action::Deliver, kind, Some(s), rs);
    }
    if f.code.code.is_some() {
        rs.push(f.say_for(s, ReasonCode::UnverifiedSender, Msg::UnverifiedSender, &[]));
        code_reason(f, &mut rs);
        return decided(Action::Deliver, Kind::Otp, Some(s), rs);
    }
    if let Some((action, kind)) = text_in_name_of(f, &mut rs, s) {
        return decided(action, kind, Some(s), rs);
    }
    // A notice in the service's name with no link, no code and nothing asked (a transfer
    // received, a login, an app registered, a card used): there is nothing to act on, and
    // banks send these from numbers nobody registers. Delivered, saying so; a threat, a prize,
    // urgency or a lure's story still warns.
    if f.asks_nothing() {
        rs.push(f.say_for(
            s,
            ReasonCode::ClaimWithoutProof,
            Msg::NoticeAsksNothing,
            &[],
        ));
        merchant_reasons(f, &mut rs);
        return decided(Action::Deliver, Kind::Clean, Some(s), rs);
    }
    rs.push(f.say_for(
        s,
        ReasonCode::ClaimWithoutProof,
        Msg::ClaimWithoutProof,
        &[],
    ));
    f.pressure_reason(&mut rs);
    decided(Action::Warn, Kind::UnverifiedClaim, Some(s), rs)
}

/// Rule 6: No service involved, no link, no code: a request for a secret sent back or typed in
/// (text-back harvesting: the reply itself is the theft), or a call-back lure. They name what
/// the reader is asked to do.
fn text_back(f: &Facts<'_>) -> Option<Outcome> {
    if f.claimed.is_some() || !f.analysed.is_empty() || f.code.code.is_some() {
        return None;
    }
    let p = f.pressure.score;
    // Or typing a password in somewhere, with no link: the link was cut off or comes next.
    let asked = f
        .secret_asked()
        .filter(|&s| p >= 2 || claims::is_code_secret(s))
        .map(|s| (Msg::AsksForSecrets, s))
        .or_else(|| f.secret_to_enter().map(|s| (Msg::AsksToEnterSecret, s)));
    if let Some((key, secret)) = asked {
        let mut rs = vec![Reason::say(
            ReasonCode::AsksForSecrets,
            key,
            &[("secret", secret.into())],
        )];
        f.pressure_reason(&mut rs);
        return decided(Action::Warn, Kind::CallbackLure, None, rs);
    }
    // A prize, a blocked account, a security alert or a refund needs less company than a
    // reminder that mentions payment or rescheduling.
    let lure = f.pressure.cues.iter().any(|c| c.class().bait);
    // Or a charge the reader did not make and a number to call about it: the fake-purchase
    // scam, where the call is the attack (a "refund" over remote access, a card read out).
    let fake_charge = f.reports_a_charge() && f.number_to_call();
    if ((p >= 3 || (p >= 2 && lure)) && f.asks_to_call_back()) || fake_charge {
        let mut rs = vec![Reason::say(
            ReasonCode::CallbackLure,
            Msg::CallbackLure,
            &[],
        )];
        f.pressure_reason(&mut rs);
        return decided(Action::Warn, Kind::CallbackLure, None, rs);
    }
    None
}

/// Rule 7: No service involved: the evidence model weighs the riskiest link, the text and the
/// sender.
fn evidence_model(f: &Facts<'_>) -> Option<Outcome> {
    if f.claimed.is_some() {
        return None;
    }
    // The riskiest link not a service's own, the first of equals (its risk and features were
    // found when it was analysed).
    let mut worst: Option<&Analysed> = None;
    for a in f.analysed.iter().filter(|a| a.official.is_none()) {
        let r = a.report.risk;
        if r > 0 && worst.is_none_or(|w| r > w.report.risk) {
            worst = Some(a);
        }
    }
    let input = evidence::Input {
        folded: f.folded(),
        spans: &f.spans,
        worst: worst.map(|a| (a.report.risk, a.risky.clone(), &a.report.link)),
        links: f.analysed.len(),
        pressure: &f.pressure,
        families: &f.families,
        sender: f.sender_raw,
        from: &f.from,
        has_code: f.code.code.is_some(),
        secret: f
            .secret_asked()
            .map(|w| (Msg::AsksForSecrets, w))
            .or_else(|| f.secret_to_enter().map(|w| (Msg::AsksToEnterSecret, w))),
    };
    let j = evidence::judge(&input)?;
    let mut rs = j.reasons;
    if let Some(a) = worst {
        if a.report.link.features.redirect {
            f.redirect_reason(&mut rs, a);
        }
        f.lookalike_reason(&mut rs, a);
    }
    decided(j.action, j.kind, None, rs)
}

/// Rule 8: Nothing risky found: delivered, a code noted.
fn nothing_found(f: &Facts<'_>) -> Option<Outcome> {
    let mut rs = Vec::new();
    code_reason(f, &mut rs);
    let kind = if f.code.code.is_some() {
        Kind::Otp
    } else {
        Kind::Clean
    };
    decided(Action::Deliver, kind, None, rs)
}

/// What the text of a message in service `s`'s name (from a sender not registered for it)
/// asks for, whatever its links: a secret sent back or typed in, or a call-back under
/// pressure. An official link vouches for the link, never for what the text asks, so the
/// verdict is the one the same text without a link gets. A secret asked for in a brand's name
/// is held as an impersonation: no bank, shop or carrier asks for a password, PIN or card
/// number by SMS, so the request is the strong evidence a quarantine needs. A call-back is
/// warned. `None` when the text asks for neither.
fn text_in_name_of(f: &Facts<'_>, rs: &mut Vec<Reason>, s: usize) -> Option<(Action, Kind)> {
    if f.code.code.is_some() {
        return None;
    }
    let linked = !f.analysed.is_empty();
    let secret = f
        .secret_asked()
        .filter(|&w| !claims::is_code_secret(w))
        .map(|w| (Msg::AsksForSecrets, w))
        .or_else(|| f.secret_to_enter().map(|w| (Msg::AsksToEnterSecret, w)));
    if let Some((key, secret)) = secret {
        rs.push(Reason::say(
            ReasonCode::AsksForSecrets,
            key,
            &[("secret", secret.into())],
        ));
        let r = f.say_for(
            s,
            ReasonCode::ClaimWithoutProof,
            Msg::ClaimWithoutProofSecret,
            &[],
        );
        rs.push(r);
        f.pressure_reason(rs);
        return Some((Action::Quarantine, Kind::Impersonation));
    }
    if !(f.pressure.score >= 2 && f.asks_to_call_back()) {
        return None;
    }
    let r = f.say_for(s, ReasonCode::CallbackLure, Msg::CallbackLureNamed, &[]);
    rs.push(r);
    if !linked {
        let r = f.say_for(
            s,
            ReasonCode::ClaimWithoutProof,
            Msg::ClaimWithoutProof,
            &[],
        );
        rs.push(r);
    }
    f.pressure_reason(rs);
    Some((Action::Warn, Kind::UnverifiedClaim))
}

/// The merchants a payment alert names (see [`Facts::merchants`]), one reason each.
fn merchant_reasons(f: &Facts<'_>, rs: &mut Vec<Reason>) {
    for m in &f.merchants {
        let host = &m.report.link.host;
        let mut r = Reason::say(
            ReasonCode::MerchantHost,
            Msg::MerchantNamed,
            &[("host", host.clone().into())],
        );
        r.host = Some(host.clone());
        rs.push(r);
    }
}

fn code_reason(f: &Facts<'_>, rs: &mut Vec<Reason>) {
    if f.code.code.is_some() {
        rs.push(Reason::say(ReasonCode::CodeFound, Msg::CodeFound, &[]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{Registry, RegistryFile};
    use crate::{classify, Message, Options};

    fn registry() -> Registry {
        let mut file = RegistryFile::default_registry().clone();
        let user = RegistryFile::from_json(
            r#"{"version": 1, "services": [
                {"id": "monex", "name": "マネックス証券", "aliases": [], "senders": ["MONEX"],
                 "domains": [], "links": "never"}],
                "blocked": ["+81 90-1111-2222"]}"#,
        )
        .unwrap();
        file.merge(user);
        Registry::compile(&file, crate::signals::sender::DEFAULT_REGION).unwrap()
    }

    /// One message per rule: (sender, body, the rule that must decide, action).
    #[test]
    fn each_rule_decides_its_own_message() {
        let reg = registry();
        let cases: &[(&str, &str, Rule, Action)] = &[
            (
                "+81 90-1111-2222",
                "こんにちは",
                Rule::BlockedSender,
                Action::Quarantine,
            ),
            (
                "+81 90-5555-1234",
                "【マネックス証\u{52b5}】本人確認をお願いします",
                Rule::DisguisedName,
                Action::Quarantine,
            ),
            (
                "+1 415 555 0100",
                "Am\u{0430}zon: your order is on hold, see https://amazon.co.jp/gp/css",
                Rule::DisguisedName,
                Action::Quarantine,
            ),
            (
                "MONEX",
                "【マネックス証券】本人確認が必要です https://monex-login.top/x",
                Rule::SpoofedSender,
                Action::Quarantine,
            ),
            (
                "+1 415 555 0100",
                "Your Amazon code is 482913.\n\n@amazon-login.top #482913",
                Rule::OriginMismatch,
                Action::Quarantine,
            ),
            (
                "+81 90-5555-1234",
                "【マネックス証券】お客様の口座が凍結されました。https://monex-verify.top/login",
                Rule::LinkOutsideService,
                Action::Quarantine,
            ),
            (
                "+81 90-5555-1234",
                "お荷物をお届けしましたが不在のため持ち帰りました。https://sagawa-exp.top/a",
                Rule::LookalikeLink,
                Action::Quarantine,
            ),
            (
                "MONEX",
                "【マネックス証券】認証コード: 482913",
                Rule::RegisteredSender,
                Action::Deliver,
            ),
            (
                "+81 90-5555-1234",
                "【マネックス証券】認証コード: 482913",
                Rule::UnregisteredClaim,
                Action::Deliver,
            ),
            (
                "+1 415 555 0100",
                "Amazon: a purchase of $1,199.00 was placed. Code 771204. Not you? Call 1-888-555-0147",
                Rule::CodeAgainstPerson,
                Action::Quarantine,
            ),
            (
                "+1 415 555 0100",
                "Sorry, I sent you a code by mistake: 482910. Can you send it back to me?",
                Rule::CodeAgainstPerson,
                Action::Warn,
            ),
            (
                "+81 90-5555-1234",
                "【三井住友銀行】お振込みを受け付けました。金額 35,000円",
                Rule::UnregisteredClaim,
                Action::Deliver,
            ),
            (
                "+1 415 555 0100",
                "Rakuten.co.jp: your points expire today https://rkt-login.com/a",
                Rule::LinkOutsideService,
                Action::Quarantine,
            ),
            (
                "Rakuten",
                "Your points expire today, keep them at https://rkt-points.com/a",
                Rule::LinkOutsideService,
                Action::Quarantine,
            ),
            (
                "+1 415 555 0100",
                "JCB: card used at AMAZON.CO.JP 3,200 yen (¥3,200) on 05/12",
                Rule::UnregisteredClaim,
                Action::Deliver,
            ),
            (
                "+1 415 555 0100",
                "Your account has been suspended. Reply with your PIN to restore access.",
                Rule::TextBack,
                Action::Warn,
            ),
            (
                "+1 415 555 0100",
                "URGENT! You have won a $1000 prize. Claim it now at http://win-prize.top/claim",
                Rule::Evidence,
                Action::Quarantine,
            ),
            (
                "+1 415 555 0100",
                "See you at seven tonight?",
                Rule::NothingFound,
                Action::Deliver,
            ),
        ];
        let mut wrong = Vec::new();
        for (sender, body, rule, action) in cases {
            let v = classify(
                &Message {
                    sender,
                    body,
                    cut: false,
                },
                &reg,
                &Options::default(),
            );
            if (v.rule, v.action) != (*rule, *action) {
                wrong.push(format!(
                    "{body:?}: want {rule:?} {action:?}, got {:?} {:?} {:?}",
                    v.rule,
                    v.action,
                    v.reasons.iter().map(|r| r.code).collect::<Vec<_>>()
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn every_rule_is_asked_once_and_the_last_always_decides() {
        for (i, (r, _)) in RULES.iter().enumerate() {
            assert!(
                !RULES[..i].iter().any(|(o, _)| o == r),
                "{r:?} is listed twice"
            );
        }
        assert_eq!(RULES.last().map(|r| r.0), Some(Rule::NothingFound));
    }

    /// An origin-bound code's site is judged as a link to it would be: the old path built a
    /// link (`https://{host}/`) only to check it; the host-taking check must agree with it on
    /// any host the origin line can name, look-alikes of the registry's own domains included.
    fn via_a_link(host: &str, reg: &Registry) -> Option<(usize, String, lookalike::Technique)> {
        let probe = links::extract(&crate::text::normalize::normalize(&format!(
            "https://{host}/"
        )));
        let l = lookalike::check(probe.first()?, reg.brands(), &[])?;
        Some((l.service, l.imitates, l.technique))
    }

    fn via_the_host(host: &str, reg: &Registry) -> Option<(usize, String, lookalike::Technique)> {
        let (h, u) = links::judged_host(host)?;
        let l = lookalike::check_host(&h, u.as_deref(), reg.brands(), &[])?;
        Some((l.service, l.imitates, l.technique))
    }

    #[test]
    fn origin_hosts_are_judged_as_links_to_them_would_be() {
        let reg = registry();
        for host in [
            "sbisec.co.jp",
            "sbisec.co.jp.verify.top",
            "sbisec-co-jp.xyz",
            "rakuten-sec.net",
            "xn--pple-43d.com",
            "amaz0n-co-jp.icu",
            "192.168.0.1",
            "3232235777",
            "example.invalid",
            "example.com.",
            "a..b.com",
            "-x-.com",
        ] {
            assert_eq!(via_the_host(host, &reg), via_a_link(host, &reg), "{host}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_origin_host_is_judged_as_a_link_to_it(
            host in "[a-z0-9.-]{1,12}\\.(com|net|co\\.jp|top|xyz|jp|icu)",
            brand in proptest::sample::select(vec!["sbisec", "rakuten", "amazon", "smbc", "mufg", "paypay", "xn--pple-43d", ""]),
        ) {
            let reg = registry();
            let h = format!("{brand}{host}");
            proptest::prop_assert_eq!(via_the_host(&h, &reg), via_a_link(&h, &reg), "{}", h);
        }
    }
}
