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
use crate::links::{self, Link};
use crate::lookalike::{self, Lookalike};
use crate::normalize::normalize;
use crate::otp;
use crate::registry::{LinkPolicy, Registry};
use crate::sender::{self, SenderKind};
use crate::verdict::{Action, Kind, LinkReport, LookalikeReport, Reason, ReasonCode, Verdict};

/// An SMS as received.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The sender as the platform reports it (number, short code or alphanumeric ID).
    pub sender: &'a str,
    /// The body.
    pub body: &'a str,
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

/// Classify one message. Deterministic, never panics, linear in the body.
pub fn classify(msg: &Message<'_>, reg: &Registry, opts: &Options) -> Verdict {
    let (body, truncated) = truncate(msg.body, opts.max_chars);
    let n = normalize(body);
    let from = sender::parse(msg.sender, reg.region());
    let found = links::extract(&n);
    let code = otp::extract(&n);
    let spans: Vec<(usize, usize)> = found.iter().map(|l| l.span).collect();
    let text_claims = claims::text_claims(&n, reg, &spans);
    let pressure = claims::pressure(&n.folded, &spans);
    let sender_services = reg.services_of_sender(&from.key);

    let analysed: Vec<Analysed> = found.into_iter().map(|l| analyse(l, reg)).collect();

    let mut ctx = Ctx {
        reg,
        folded: &n.folded,
        analysed: &analysed,
        pressure: &pressure,
        reasons: Vec::new(),
    };
    let (action, kind, service) = decide(&mut ctx, &from, sender_services, &text_claims, &code);
    let mut reasons = ctx.reasons;
    if from.kind == SenderKind::VettedBusinessJp {
        reasons.push(Reason::new(
            ReasonCode::VettedBusinessSender,
            "The sender is a carrier-vetted business number (0005…): a real company, though not proof of the brand named.",
            "送信元は携帯会社の審査を受けた企業用番号（0005…）です。実在の企業ですが、名乗っているブランドである証明にはなりません。",
        ));
    }
    if truncated {
        reasons.push(Reason::new(
            ReasonCode::Truncated,
            format!("Only the first {} characters were read.", opts.max_chars),
            format!("先頭の{}文字のみを判定しました。", opts.max_chars),
        ));
    }
    if reasons.is_empty() {
        reasons.push(Reason::new(
            ReasonCode::NothingRisky,
            "No link, claim or pressure that calls for caution was found.",
            "注意が必要なリンク・名乗り・煽り文句は見つかりませんでした。",
        ));
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

fn truncate(body: &str, max_chars: usize) -> (&str, bool) {
    match body.char_indices().nth(max_chars) {
        Some((i, _)) => (&body[..i], true),
        None => (body, false),
    }
}

fn analyse(link: Link, reg: &Registry) -> Analysed {
    let eff = link.effective();
    let official = if eff.features.ip_host {
        None
    } else {
        reg.official_owner(&eff.host)
    };
    let lookalike = if official.is_none() {
        lookalike::check(&link, reg)
    } else {
        None
    };
    let known = official.is_some() || is_well_known(eff);
    let (risk, _) = link_risk(&link, lookalike.as_ref(), known);
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
}

/// Risk of a link's own features: the judged target's, plus hiding it behind a redirect. A site
/// that is neither a registered service's nor a well-known one starts at 1.
fn link_risk(link: &Link, look: Option<&Lookalike>, known: bool) -> (u32, Vec<&'static str>) {
    let f = &link.effective().features;
    let mut r = 0;
    let mut why = Vec::new();
    let mut add = |cond: bool, w: u32, name: &'static str| {
        if cond {
            r += w;
            why.push(name);
        }
    };
    add(!known, 1, "unknown-site");
    add(f.ip_host, 3, "ip-host");
    add(f.apk, 4, "apk");
    add(f.punycode, 3, "punycode");
    add(f.abuse_tld, 2, "abuse-prone-tld");
    add(f.shortener, 1, "shortener");
    add(f.port, 2, "non-default-port");
    add(f.userinfo || link.features.userinfo, 3, "userinfo");
    add(f.subdomain_depth >= 3, 1, "deep-subdomain");
    add(link.features.redirect, 1, "redirect");
    add(look.is_some(), 2, "brand-lookalike");
    (r, why)
}

struct Ctx<'a> {
    reg: &'a Registry,
    folded: &'a str,
    analysed: &'a [Analysed],
    pressure: &'a Pressure,
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

    fn claim_reason(&mut self, s: usize, how: ClaimHow) {
        let name = self.name(s);
        let mut r = Reason::new(
            ReasonCode::Claim,
            format!("The message claims to be {name}: it {}.", how.describe_en()),
            format!(
                "このメッセージは「{name}」を名乗っています（{}）。",
                how.describe_ja()
            ),
        );
        r.service = Some(self.id(s));
        r.claim = Some(how);
        self.push(r);
    }

    fn lookalike_reason(&mut self, a: &Analysed) {
        let Some(l) = &a.lookalike else { return };
        let eff = a.report.link.effective();
        let host = eff.host_unicode.clone().unwrap_or_else(|| eff.host.clone());
        let name = self.name(l.service);
        let mut r = Reason::new(
            ReasonCode::LookalikeDomain,
            format!(
                "The link goes to {host}, which imitates {name}'s domain {} ({}).",
                l.imitates,
                l.technique.describe_en()
            ),
            format!(
                "リンク先 {host} は「{name}」の公式ドメイン {} に似せたものです（{}）。",
                l.imitates,
                l.technique.describe_ja()
            ),
        );
        r.service = Some(self.id(l.service));
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        r.imitates = Some(l.imitates.clone());
        r.technique = Some(l.technique);
        self.push(r);
    }

    fn outside_reason(&mut self, s: usize, a: &Analysed) {
        let eff = a.report.link.effective();
        let name = self.name(s);
        let host = eff.host_unicode.clone().unwrap_or_else(|| eff.host.clone());
        let owner = a
            .official
            .map(|o| format!(" (it belongs to {})", self.name(o)))
            .unwrap_or_default();
        let owner_ja = a
            .official
            .map(|o| format!("（「{}」のドメイン）", self.name(o)))
            .unwrap_or_default();
        let mut r = Reason::new(
            ReasonCode::LinkOutsideService,
            format!(
                "It links to {host}{owner}, which is not one of {name}'s domains ({}).",
                self.reg.service(s).domains.join(", ")
            ),
            format!(
                "リンク先 {host}{owner_ja} は「{name}」の公式ドメイン（{}）ではありません。",
                self.reg.service(s).domains.join(", ")
            ),
        );
        r.service = Some(self.id(s));
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
        let mut r = Reason::new(
            ReasonCode::Redirect,
            format!("{} only forwards the reader to {}.", outer.host, eff.host),
            format!(
                "{} は {} へ転送するだけのリンクです。",
                outer.host, eff.host
            ),
        );
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        self.push(r);
    }

    fn pressure_reason(&mut self) {
        if self.pressure.cues.is_empty() {
            return;
        }
        let words = self.pressure.words.join("\", \"");
        let mut r = Reason::new(
            ReasonCode::Pressure,
            format!("The text pushes the reader (\"{words}\")."),
            format!(
                "本文に行動を急がせる表現があります（「{}」）。",
                self.pressure.words.join("」「")
            ),
        );
        r.cues = self.pressure.cues.clone();
        self.push(r);
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
        ctx.push(Reason::new(
            ReasonCode::BlockedSender,
            "You blocked this sender.",
            "この送信元はブロック済みです。",
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
            || ctx.pressure.score >= 2;
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
            let name = ctx.name(s);
            let mut r = Reason::new(
                ReasonCode::SpoofedSender,
                format!(
                    "It comes from {name}'s registered sender, but {name} never sends links by SMS and this one goes elsewhere: sender IDs can be spoofed."
                ),
                format!(
                    "「{name}」の登録済み送信元から届いていますが、「{name}」はSMSでリンクを送りません。送信元は偽装できます。"
                ),
            );
            r.service = Some(ctx.id(s));
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
                    .and_then(|l| lookalike::check(l, reg))
                    .filter(|l| l.technique.is_strong())
                    .map(|l| l.service)
            }
        };
        if let Some(s) = mismatch {
            if let Some((c, how)) = claimed {
                ctx.claim_reason(c, how);
            }
            let name = ctx.name(s);
            let mut r = Reason::new(
                ReasonCode::OriginMismatch,
                format!(
                    "The code is bound to {}, which is not {name}'s site: entering it there hands your login to someone else.",
                    origin.host
                ),
                format!(
                    "このコードは {} 用とされていますが、そこは「{name}」のサイトではありません。入力するとログインを奪われます。",
                    origin.host
                ),
            );
            r.service = Some(ctx.id(s));
            r.host = Some(origin.host.clone());
            ctx.push(r);
            return (Action::Quarantine, Kind::OtpPhishing, Some(s));
        }
    }

    // 4. A claimed service with a link outside its domains; a look-alike link.
    if let Some((s, how)) = claimed.filter(|(_, how)| *how != ClaimHow::Link) {
        let sender_ok = registered_for(s);
        if let Some(a) = analysed.iter().find(|a| {
            !(reg.is_official_for(s, &a.report.link.effective().host)
                || (sender_ok && merchant_mention(a)))
        }) {
            ctx.claim_reason(s, how);
            ctx.outside_reason(s, a);
            ctx.pressure_reason();
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
        let name = ctx.name(s);
        if registered_for(s) {
            let mut r = Reason::new(
                ReasonCode::RegisteredSender,
                format!("It comes from a sender you registered for {name}."),
                format!("「{name}」の登録済み送信元から届いています。"),
            );
            r.service = Some(ctx.id(s));
            ctx.push(r);
            if let Some(a) = analysed
                .iter()
                .find(|a| merchant_mention(a) && !reg.is_official_for(s, &a.report.link.host))
            {
                let host = a.report.link.host.clone();
                let mut r = Reason::new(
                    ReasonCode::MerchantHost,
                    format!("It names {host} without a link scheme, most likely a merchant; do not open it from here."),
                    format!("{host} がスキームなしで書かれています。加盟店名と思われますが、ここから開かないでください。"),
                );
                r.host = Some(host);
                r.service = Some(ctx.id(s));
                ctx.push(r);
                return (Action::Warn, Kind::OffPolicy, Some(s));
            }
            if reg.service(s).links == LinkPolicy::Never && !analysed.is_empty() {
                let host = analysed[0].report.link.effective().host.clone();
                let mut r = Reason::new(
                    ReasonCode::OffPolicyLink,
                    format!("{name} says it never sends links by SMS; this one goes to its own domain {host}, so it is shown with a warning."),
                    format!("「{name}」はSMSでリンクを送らないとしています。リンク先 {host} は公式ドメインですが、念のため注意表示にします。"),
                );
                r.host = Some(host);
                r.service = Some(ctx.id(s));
                ctx.push(r);
                return (Action::Warn, Kind::OffPolicy, Some(s));
            }
            code_reason(ctx, code);
            return (Action::Deliver, Kind::Trusted, Some(s));
        }
        ctx.claim_reason(s, how);
        if !analysed.is_empty() {
            // Every link is the service's own (rule 4 quarantined anything else).
            let mut r = Reason::new(
                ReasonCode::OfficialLinks,
                format!("Every link goes to {name}'s own domains."),
                format!("リンクはすべて「{name}」の公式ドメインです。"),
            );
            r.service = Some(ctx.id(s));
            ctx.push(r);
            let kind = if code.code.is_some() {
                Kind::Otp
            } else {
                Kind::Clean
            };
            code_reason(ctx, code);
            return (Action::Deliver, kind, Some(s));
        }
        if code.code.is_some() {
            let mut r = Reason::new(
                ReasonCode::UnverifiedSender,
                format!("The code claims to be from {name}, but the sender is not registered for it; services change numbers, so it is delivered."),
                format!("「{name}」の認証コードとして届いていますが、送信元は未登録です。番号が変わることがあるため受信します。"),
            );
            r.service = Some(ctx.id(s));
            ctx.push(r);
            code_reason(ctx, code);
            return (Action::Deliver, Kind::Otp, Some(s));
        }
        let mut r = Reason::new(
            ReasonCode::ClaimWithoutProof,
            format!("It speaks as {name} from a sender not registered for it; contact {name} only through its official app or site, never a number in the message."),
            format!("未登録の送信元が「{name}」を名乗っています。連絡は本文の番号ではなく、公式アプリや公式サイトから行ってください。"),
        );
        r.service = Some(ctx.id(s));
        ctx.push(r);
        ctx.pressure_reason();
        return (Action::Warn, Kind::UnverifiedClaim, Some(s));
    }

    // 6. No service involved: the links' own features with the text's pressure.
    let mut worst: Option<(u32, &Analysed, Vec<&'static str>)> = None;
    for a in analysed {
        let known = a.official.is_some() || is_well_known(a.report.link.effective());
        let (r, why) = link_risk(&a.report.link, a.lookalike.as_ref(), known);
        if r == 0 {
            continue;
        }
        if worst.as_ref().is_none_or(|(w, _, _)| r > *w) {
            worst = Some((r, a, why));
        }
    }
    let many = u32::from(analysed.len() > 3);
    let p = ctx.pressure.score;
    if let Some((r, a, why)) = worst {
        let r = r + many;
        // Quarantine needs pressure: a risky link shared without any push (a friend's .apk)
        // is warned, not hidden.
        let action =
            if (r >= 3 && p >= 2) || (r >= 4 && p >= 1) || (r >= 2 && p >= 3) || (r >= 1 && p >= 5)
            {
                Some(Action::Quarantine)
            } else if r >= 2 || p >= 4 || (r >= 1 && p >= 2) {
                Some(Action::Warn)
            } else {
                None
            };
        if let Some(action) = action {
            let eff = a.report.link.effective();
            let host = eff.host_unicode.clone().unwrap_or_else(|| eff.host.clone());
            let mut reason = if why.is_empty() {
                Reason::new(
                    ReasonCode::RiskyLink,
                    format!("It asks you to open {host}, an unknown site."),
                    format!("見知らぬサイト {host} を開かせようとしています。"),
                )
            } else {
                Reason::new(
                    ReasonCode::RiskyLink,
                    format!("The link to {host} is risky: {}.", why.join(", ")),
                    format!(
                        "リンク先 {host} は危険な特徴があります（{}）。",
                        why.join("、")
                    ),
                )
            };
            reason.host = Some(eff.host.clone());
            reason.domain = eff.domain.clone();
            reason.features = why;
            ctx.push(reason);
            if a.report.link.features.redirect {
                ctx.redirect_reason(a);
            }
            ctx.lookalike_reason(a);
            ctx.pressure_reason();
            return (action, Kind::SuspiciousLink, None);
        }
    }
    // A prize, a blocked account, a security alert or a refund needs less company than a
    // reminder that mentions payment or rescheduling.
    let lure = ctx.pressure.cues.iter().any(|c| {
        matches!(
            c,
            Cue::Prize | Cue::Suspension | Cue::SecurityAlert | Cue::Refund
        )
    });
    // Text-back harvesting: no link to click, but the reply itself is the theft (a password, a
    // PIN, a card number, or someone else's one-time code "sent by mistake").
    if analysed.is_empty() && code.code.is_none() {
        if let Some(secret) = claims::asks_for_secrets(ctx.folded) {
            if p >= 2 || claims::is_code_secret(secret) {
                ctx.push(Reason::new(
                    ReasonCode::AsksForSecrets,
                    format!("It asks you to send back a secret (\"{secret}\"): no bank, shop or friend needs a password, PIN, card number or one-time code by message."),
                    format!("返信で秘密の情報（「{secret}」）を求めています。パスワード・暗証番号・カード番号・認証コードをメッセージで求める正規の連絡はありません。"),
                ));
                ctx.pressure_reason();
                return (Action::Warn, Kind::CallbackLure, None);
            }
        }
    }
    if analysed.is_empty()
        && (p >= 3 || (p >= 2 && lure))
        && code.code.is_none()
        && asks_to_call_back(ctx.folded)
    {
        ctx.push(Reason::new(
            ReasonCode::CallbackLure,
            "No link, but the text pushes hard and asks you to call or text a number: contact the company only through a number you already know.",
            "リンクはありませんが、強く急かして電話や返信を求めています。連絡は自分で調べた公式の番号にしてください。",
        ));
        ctx.pressure_reason();
        return (Action::Warn, Kind::CallbackLure, None);
    }
    code_reason(ctx, code);
    let kind = if code.code.is_some() {
        Kind::Otp
    } else {
        Kind::Clean
    };
    (Action::Deliver, kind, None)
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
        ctx.push(Reason::new(
            ReasonCode::CodeFound,
            "It carries a one-time code: never tell it to anyone, and enter it only where you asked for it.",
            "認証コードが含まれています。誰にも教えず、自分で手続きしている画面にだけ入力してください。",
        ));
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
            },
            Registry::builtin(),
            &Options::default(),
        );
        assert_eq!(v.action, Action::Deliver);
        assert!(v.reasons.iter().any(|r| r.code == ReasonCode::Truncated));
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
            },
            &reg,
            &Options::default(),
        );
        assert_eq!((v.action, v.kind), (Action::Quarantine, Kind::Blocked));
    }
}
