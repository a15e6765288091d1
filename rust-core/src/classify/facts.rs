//! What a message is, gathered once: every fact the rules read, computed before any rule runs.
//!
//! The rules in [`super::rules`] only read these facts; none re-derives one. Facts that only
//! some messages need (the secret requests, the call-back request) are computed on first use
//! and kept, so a registered code message pays for none of them and no message pays twice.

use super::{account_cues, distinct_links, lure_context};
use crate::classify::evidence;
use crate::registry::{Registry, ServiceId};
use crate::signals::claims::{self, ClaimHow, Pressure, TextClaim};
use crate::signals::links::{self, Link, LinkFeature};
use crate::signals::lookalike::{self, Lookalike};
use crate::signals::otp;
use crate::signals::sender;
use crate::text::normalize::{normalize, Normalized};
use crate::verdict::catalog::Msg;
use crate::verdict::{Arg, LinkReport, LookalikeReport, Reason, ReasonCode};
use std::cell::OnceCell;

/// Per-link analysis kept while classifying.
pub(super) struct Analysed {
    pub(super) report: LinkReport,
    pub(super) official: Option<usize>,
    pub(super) lookalike: Option<Lookalike>,
    /// The features behind `report.risk` (none for a service's own link).
    pub(super) risky: Vec<LinkFeature>,
}

/// Everything the rules read about one message.
pub(super) struct Facts<'a> {
    /// The registry the message is judged against.
    pub(super) reg: &'a Registry,
    /// The body normalised (its `folded` form is what the word lists match).
    pub(super) text: Normalized,
    /// Where each link stands in the text: the text rules step over them.
    pub(super) spans: Vec<(usize, usize)>,
    /// The sender as received.
    pub(super) sender_raw: &'a str,
    /// The sender as a comparable key and kind.
    pub(super) from: sender::Sender,
    /// The services this sender is registered for.
    pub(super) sender_services: &'a [usize],
    /// The services the text speaks as, in order (a header, a signature, a lure's content).
    pub(super) text_claims: Vec<TextClaim>,
    /// Every distinct link with its analysis.
    pub(super) analysed: Vec<Analysed>,
    /// Distinct links left unread past the cap.
    pub(super) unchecked: usize,
    /// Pressure cues.
    pub(super) pressure: Pressure,
    /// Lure families recognised.
    pub(super) families: Vec<evidence::Family>,
    /// The one-time code and its origin line.
    pub(super) code: otp::Otp,
    /// A link imitating a service in company that makes it a claim: (service, link index).
    pub(super) link_claim: Option<(usize, usize)>,
    /// Who the message claims to be: text over sender over link.
    pub(super) claimed: Option<(usize, ClaimHow)>,
    /// The claimed name as written with look-alike characters (`Rаkuten`), when it was.
    pub(super) disguised: Option<String>,
    /// Known sites a payment alert names as where the card was used (not links to open).
    pub(super) merchants: Vec<Analysed>,
    secret: OnceCell<Option<&'static str>>,
    enter_secret: OnceCell<Option<&'static str>>,
    call_back: OnceCell<bool>,
}

impl<'a> Facts<'a> {
    /// Gather every fact of `body` from `sender` against `reg`. Linear in the body.
    pub(super) fn gather(sender_raw: &'a str, body: &str, reg: &'a Registry) -> Facts<'a> {
        let text = normalize(body);
        let from = sender::parse(sender_raw, reg.region());
        let mut found = links::extract(&text);
        let code = otp::extract(&text);
        let spans: Vec<(usize, usize)> = found.iter().map(|l| l.span).collect();
        // A link written twice is judged once; past MAX_LINKS distinct links the rest are not
        // analysed, and the verdict says so (padding cannot hide a link, see `unchecked`).
        let unchecked = distinct_links(&mut found, &text.folded);
        let mut text_claims = claims::text_claims(&text, reg.brands(), &spans);
        let pressure = claims::pressure(&text.folded, &spans);
        let families = evidence::families(&text.folded, &spans);
        // Mentions matter only next to a link (a brand named in a lure, a look-alike of a named
        // brand): a link-free message skips the second pass over the aliases.
        let mentioned = if found.is_empty() {
            Vec::new()
        } else {
            claims::mentions(&text, reg.brands(), &spans)
        };
        let sender_services = reg.services_of_sender(&from.key);
        // A lure around the links: a platform page (a form, a shared file) then counts as the
        // free hosting it is.
        let lure =
            lure_context(&pressure, &families) || pressure.cues.iter().any(|c| c.class().bait);
        let mut analysed: Vec<Analysed> = found
            .into_iter()
            .map(|l| analyse(l, reg, &mentioned, lure))
            .collect();
        // A card or bank alert that names the site the card was used at (`AMAZON.CO.JP
        // 3,200円`, `POS purchase WWW.EBAY.COM Amt: $23.10`) names a merchant the person paid,
        // not a page it asks them to open: that host is not one of the message's links.
        // A host official for the service the text speaks as is that service's own link.
        let speaker = text_claims.first().map(|c| c.service);
        let merchant =
            |a: &Analysed| names_known_merchant(a) && speaker.is_none_or(|s| a.official != Some(s));
        let merchants: Vec<Analysed> =
            if analysed.iter().any(merchant) && names_an_amount(&text.folded) {
                let (m, rest) = analysed.into_iter().partition(merchant);
                analysed = rest;
                m
            } else {
                Vec::new()
            };
        // A name written with look-alike characters: the strongest claim there is (nobody
        // disguises their own name), so it comes first.
        let disguised = crate::text::confusable::unconfuse(&text.folded).and_then(|u| {
            claims::disguised_names(&u, &text.clean, reg.brands(), &spans)
                .into_iter()
                .next()
        });
        if let Some((service, _)) = &disguised {
            text_claims.insert(
                0,
                TextClaim {
                    service: *service,
                    how: ClaimHow::Disguised,
                },
            );
        }
        // A service's own domain standing as the message's name (`Rakuten.co.jp: …`): a
        // header like `【楽天】`, although the name is written as a host.
        if text_claims.is_empty() {
            if let Some(service) = domain_header(&text.folded, &analysed, reg) {
                text_claims.push(TextClaim {
                    service,
                    how: ClaimHow::DomainHeader,
                });
            }
        }
        // A brand named inside a lure speaks as the brand even without a header: "Verizon You've
        // won a prize! … bit.ly/…", "…のアカウントが停止されました". The lure must carry a link
        // and push on an account, a payment, a parcel or a prize; a friend's "the Amazon refund
        // came through" has neither.
        if text_claims.is_empty() && !analysed.is_empty() && account_cues(&pressure) >= 2 {
            if let Some(&service) = mentioned.first() {
                text_claims.push(TextClaim {
                    service,
                    how: ClaimHow::Content,
                });
            }
        }
        // A look-alike link is a claim when something beside it says "company": a strong
        // technique, an abuse-prone ending, pressure, a lure, or the brand named in the text
        // (`佐川急便 … sagawa-tku.com`).
        let link_claim = analysed.iter().enumerate().find_map(|(i, a)| {
            let l = a.lookalike.as_ref()?;
            let company = l.technique.is_strong()
                || a.report.link.effective().features.abuse_tld
                || pressure.score >= 2
                || lure_context(&pressure, &families)
                || mentioned.contains(&l.service);
            company.then_some((l.service, i))
        });
        // A sender ID that is a service's name (`Rakuten`) but not one registered for it: the
        // message speaks as that service (sender IDs can be spoofed, so it proves nothing).
        let sender_name =
            if from.kind == sender::SenderKind::Alphanumeric && sender_services.is_empty() {
                claims::sender_name(sender_raw, reg.brands())
            } else {
                None
            };
        let claimed = text_claims
            .first()
            .map(|c| (c.service, c.how))
            .or_else(|| sender_services.first().map(|&s| (s, ClaimHow::Sender)))
            .or_else(|| sender_name.map(|s| (s, ClaimHow::SenderName)))
            .or_else(|| link_claim.map(|(s, _)| (s, ClaimHow::Link)));
        Facts {
            reg,
            text,
            spans,
            sender_raw,
            from,
            sender_services,
            text_claims,
            analysed,
            unchecked,
            pressure,
            families,
            code,
            link_claim,
            claimed,
            disguised: disguised.map(|(_, written)| written),
            merchants,
            secret: OnceCell::new(),
            enter_secret: OnceCell::new(),
            call_back: OnceCell::new(),
        }
    }

    /// The case-folded text the word lists match.
    pub(super) fn folded(&self) -> &str {
        &self.text.folded
    }

    /// Is the sender registered for service `s`?
    pub(super) fn registered_for(&self, s: usize) -> bool {
        self.sender_services.contains(&s)
    }

    /// The secret the text asks to be sent back (a password, a PIN, a code), if any.
    pub(super) fn secret_asked(&self) -> Option<&'static str> {
        *self
            .secret
            .get_or_init(|| claims::asks_for_secrets(&self.text.folded))
    }

    /// The secret the text asks to be typed in somewhere, if any.
    pub(super) fn secret_to_enter(&self) -> Option<&'static str> {
        *self
            .enter_secret
            .get_or_init(|| claims::asks_to_enter_secret(&self.text.folded))
    }

    /// Does the text ask nothing and threaten nothing: no link (see [`Facts::merchants`]), no
    /// code, no secret or call-back asked, no bait, urgency or install cue, no lure family?
    pub(super) fn asks_nothing(&self) -> bool {
        self.analysed.is_empty()
            && self.code.code.is_none()
            && self.secret_asked().is_none()
            && self.secret_to_enter().is_none()
            && !self.asks_to_call_back()
            && self.families.is_empty()
            && !asks_an_action(&self.text.folded)
            && !self
                .pressure
                .cues
                .iter()
                .any(|c| c.class().bait || matches!(c, claims::Cue::Urgency | claims::Cue::Install))
    }

    /// Does the text raise an alarm about money or access: a security alert, a suspension, a
    /// prize or refund, a payment or an amount (`a purchase of $1,199`)? "Verify your phone",
    /// which every code message says, is not one.
    pub(super) fn alarm(&self) -> bool {
        self.pressure
            .cues
            .iter()
            .any(|c| c.class().bait || matches!(c, claims::Cue::Payment))
            || names_an_amount(&self.text.folded)
    }

    /// Does the text report a charge (`Your card has been charged $349`, `order … Total:
    /// $2249.78`, `ご注文 … 168,800円`)? The fake-purchase call-back scam opens with one.
    pub(super) fn reports_a_charge(&self) -> bool {
        const CHARGE: &[&str] = &[
            "charged",
            "charge of",
            "purchase",
            "transaction",
            "order",
            "debited",
            "payment of",
            "renewal",
            "renew",
            "subscription",
            "invoice",
            "購入",
            "注文",
            "引き落とし",
            "決済",
            "請求",
        ];
        let folded = &self.text.folded;
        CHARGE.iter().any(|w| folded.contains(w)) && names_an_amount(folded)
    }

    /// Does the text give a phone number to call (a call word, and seven digits or more outside
    /// the links that are not the message's code)? Stricter than [`Facts::asks_to_call_back`],
    /// which a code message's own digits and "WhatsApp" would satisfy.
    pub(super) fn number_to_call(&self) -> bool {
        const CALL: &[&str] = &[
            "call",
            "dial",
            "ring",
            "phone",
            "tel",
            "contact",
            "speak to",
            "電話",
            "連絡",
            "お問い合わせ",
            "問合せ",
            "フリーダイヤル",
        ];
        let folded = &self.text.folded;
        if !CALL.iter().any(|w| folded.contains(w)) {
            return false;
        }
        let code: String = self
            .code
            .code
            .as_deref()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let mut digits = String::new();
        let mut numbers = Vec::new();
        for (i, c) in folded.char_indices() {
            let in_link = self.spans.iter().any(|&(s, e)| i >= s && i < e);
            if c.is_ascii_digit() && !in_link {
                digits.push(c);
            } else if !matches!(c, ' ' | '-' | '(' | ')' | '+') || digits.is_empty() {
                numbers.push(std::mem::take(&mut digits));
            }
        }
        numbers.push(digits);
        numbers.iter().any(|n| n.len() >= 7 && *n != code)
    }

    /// Does the text ask to call or text a number back?
    pub(super) fn asks_to_call_back(&self) -> bool {
        *self
            .call_back
            .get_or_init(|| asks_to_call_back(&self.text.folded))
    }
}

impl Facts<'_> {
    pub(super) fn id(&self, s: usize) -> ServiceId {
        self.reg.service(s).id.clone()
    }

    pub(super) fn name(&self, s: usize) -> String {
        self.reg.service(s).name.clone()
    }

    /// A reason about service `s`, its name given to the sentence as `{name}`.
    pub(super) fn say_for(
        &self,
        s: usize,
        code: ReasonCode,
        msg: Msg,
        args: &[(&'static str, Arg)],
    ) -> Reason {
        let mut all: Vec<(&'static str, Arg)> = vec![("name", self.name(s).into())];
        all.extend(args.iter().cloned());
        let mut r = Reason::say(code, msg, &all);
        r.service = Some(self.id(s));
        r
    }

    /// A reason about service `s` that names a host (`{host}`) and records it as evidence.
    pub(super) fn host_reason(&self, s: usize, code: ReasonCode, msg: Msg, host: &str) -> Reason {
        let mut r = self.say_for(s, code, msg, &[("host", host.into())]);
        r.host = Some(host.to_string());
        r
    }

    pub(super) fn claim_reason(&self, rs: &mut Vec<Reason>, s: usize, how: ClaimHow) {
        let mut r = self.say_for(
            s,
            ReasonCode::Claim,
            Msg::Claim,
            &[("how", Arg::Msg(Msg::ClaimHow(how)))],
        );
        r.claim = Some(how);
        rs.push(r);
    }

    pub(super) fn lookalike_reason(&self, rs: &mut Vec<Reason>, a: &Analysed) {
        let Some(l) = &a.lookalike else { return };
        let eff = a.report.link.effective();
        let host = eff.host_unicode.clone().unwrap_or_else(|| eff.host.clone());
        let mut r = self.say_for(
            l.service,
            ReasonCode::LookalikeDomain,
            Msg::LookalikeDomain,
            &[
                ("host", host.into()),
                ("imitates", l.imitates.clone().into()),
                ("technique", Arg::Msg(Msg::Technique(l.technique))),
            ],
        );
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        r.imitates = Some(l.imitates.clone());
        r.technique = Some(l.technique);
        rs.push(r);
    }

    pub(super) fn outside_reason(&self, rs: &mut Vec<Reason>, s: usize, a: &Analysed) {
        let eff = a.report.link.effective();
        let host = eff.host_unicode.clone().unwrap_or_else(|| eff.host.clone());
        let domains = self.reg.service(s).domains.join(", ");
        let mut r = match a.official {
            Some(o) => self.say_for(
                s,
                ReasonCode::LinkOutsideService,
                Msg::LinkOutsideServiceOwned,
                &[
                    ("host", host.into()),
                    ("owner", self.name(o).into()),
                    ("domains", domains.into()),
                ],
            ),
            None => self.say_for(
                s,
                ReasonCode::LinkOutsideService,
                Msg::LinkOutsideService,
                &[("host", host.into()), ("domains", domains.into())],
            ),
        };
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        rs.push(r);
        if a.report.link.features.redirect {
            self.redirect_reason(rs, a);
        }
        self.lookalike_reason(rs, a);
    }

    pub(super) fn redirect_reason(&self, rs: &mut Vec<Reason>, a: &Analysed) {
        let outer = &a.report.link;
        let eff = outer.effective();
        let mut r = Reason::say(
            ReasonCode::Redirect,
            Msg::Redirect,
            &[
                ("from", outer.host.clone().into()),
                ("host", eff.host.clone().into()),
            ],
        );
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        rs.push(r);
    }

    pub(super) fn pressure_reason(&self, rs: &mut Vec<Reason>) {
        if let Some(r) = evidence::pressure_reason(&self.pressure) {
            rs.push(r);
        }
    }
}

/// Is this link a merchant name written as a host (`Bol.com` in a card code), not a link the
/// reader is asked to open?
pub(super) fn merchant_mention(a: &Analysed) -> bool {
    let l = &a.report.link;
    l.scheme_less()
        && l.path.is_empty()
        && !l.host.starts_with("www.")
        && !l.features.redirect
        && a.report.risk <= 1
        && a.lookalike.is_none()
}

fn analyse(mut link: Link, reg: &Registry, mentioned: &[usize], lure: bool) -> Analysed {
    // A redirect is followed only through a site whose forwarding means something: a
    // registered service's or a well-known one (`google.com/url?q=`, an official open
    // redirect). An unknown site that names another in its query (`evil.top/?u=https://
    // amazon.com`) is where the reader lands first, and it is judged itself.
    if link.target.is_some() && !(reg.official_owner(&link.host).is_some() || is_well_known(&link))
    {
        link.target = None;
    }
    let eff = link.effective();
    // Anyone's page on a platform (a form, a shared file, a chat invite) is nobody's official
    // link, the platform's included (see `links::USER_CONTENT`).
    let user_content = eff.features.user_content;
    let official = if eff.features.ip_host || user_content {
        None
    } else {
        reg.official_owner(&eff.host)
    };
    // A host under a suffix only governments or schools can register (`.gov`, `go.jp`,
    // `courts.alaska.gov`) is nobody's look-alike: an attacker cannot hold one.
    // A school's or a public body's site under its country's reserved suffix (`edu.ng`,
    // `ac.ke`, `gob.mx`) is a known kind of site, no look-alike; it still is not a service's
    // own (a school's hacked site hosts lures too), so a claim beside it is still judged.
    let institutional = crate::signals::suffix::is_institutional(&eff.host);
    let lookalike = if official.is_none()
        && !links::is_restricted_host(&eff.host)
        && !user_content
        && !institutional
    {
        lookalike::check(&link, reg.brands(), mentioned)
    } else {
        None
    };
    let known =
        official.is_some() || is_well_known(eff) || ((institutional || user_content) && !lure);
    // A service's own domain is not risky for its features (a brand's app on a hosting
    // platform, its own shortener): whether it is the right service's is rule 4's question.
    let (risk, risky) = if official.is_some() {
        (0, Vec::new())
    } else {
        link_risk(&link, lookalike.as_ref(), known, lure)
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
        risky,
    }
}

/// A known site (a registered service's or a well-known one) written as a bare name, as a card
/// statement writes the merchant: no scheme, no path beyond a short word (`APPLE.COM/BILL`),
/// nothing hidden.
fn names_known_merchant(a: &Analysed) -> bool {
    let l = &a.report.link;
    // Written as a statement writes it: capitals, no scheme (`WWW.EBAY.COM`, `GRAB.COM`).
    let statement_caps = l.text.bytes().any(|b| b.is_ascii_uppercase())
        && !l.text.bytes().any(|b| b.is_ascii_lowercase());
    let short_word_path = l.path.is_empty()
        || l.path.strip_prefix('/').is_some_and(|p| {
            (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic())
        });
    l.scheme.is_none()
        && short_word_path
        && l.target.is_none()
        && !l.features.userinfo
        && !l.features.port
        && !l.features.disguised
        && a.lookalike.is_none()
        && (a.official.is_some() || is_well_known(l) || (statement_caps && a.report.risk <= 1))
}

/// Does the text ask the reader to do something (visit, confirm, enter, log in, follow)? A
/// notice that only reports (`お振込みを受け付けました`, `a login on a new device`) does not;
/// a lure whose link was cut off or comes next still does (`please visit`, `下記URLをご確認`).
fn asks_an_action(folded: &str) -> bool {
    const ASKS: &[&str] = &[
        "visit",
        "click",
        "tap ",
        "tap the",
        "confirm",
        "verify",
        "update your",
        "log in",
        "login to",
        "sign in",
        "enter ",
        "submit",
        "follow the",
        "go to",
        "open the",
        "reply",
        "call you",
        "確認ください",
        "確認下さい",
        "確認をお願い",
        "本人確認",
        "入力",
        "アクセス",
        "手続",
        "ログインして",
        "ご対応",
        "タップ",
        "クリック",
        "下記",
        "こちら",
        "url",
        "リンク",
    ];
    ASKS.iter().any(|w| folded.contains(w))
}

/// Does the text state an amount of money (`3,200円`, `$23.10`, `SGD 54.20`, `Amt: 12.00`)?
fn names_an_amount(folded: &str) -> bool {
    let digit_after = |i: usize| {
        folded[i..]
            .trim_start_matches([' ', ':'])
            .starts_with(|c: char| c.is_ascii_digit())
    };
    folded
        .match_indices(['$', '£', '€', '¥', '￥'])
        .any(|(i, c)| digit_after(i + c.len()))
        || folded
            .match_indices('円')
            .any(|(i, _)| folded[..i].ends_with(|c: char| c.is_ascii_digit()))
        || [
            "usd", "sgd", "jpy", "gbp", "eur", "aud", "ngn", "inr", "amt", "amount",
        ]
        .iter()
        .any(|w| {
            folded.match_indices(w).any(|(i, _)| {
                !folded[..i].ends_with(|c: char| c.is_ascii_alphabetic())
                    && digit_after(i + w.len())
            })
        })
}

/// The service whose own domain stands as the message's name: a bare host with no path,
/// official for the service, opening the message (after brackets or spaces) and followed by a
/// colon, a closing bracket or a line break (`Rakuten.co.jp: …`, `【amazon.co.jp】`). Of the
/// services that own the domain, the one whose name the host spells.
fn domain_header(folded: &str, analysed: &[Analysed], reg: &Registry) -> Option<usize> {
    analysed.iter().find_map(|a| {
        let l = &a.report.link;
        let owner = a.official?;
        if l.scheme.is_some() || !l.path.is_empty() || l.target.is_some() {
            return None;
        }
        let (s, e) = l.span;
        let opens = folded[..s]
            .trim_matches(|c: char| c.is_whitespace() || "【[(〔<「『".contains(c))
            .is_empty();
        let after = folded[e..].trim_start_matches(' ');
        let closes = after.starts_with([':', '：', '】', ']', ')', '〕', '>', '」', '』', '\n'])
            || after.starts_with("より")
            || after.starts_with("から");
        if !(opens && closes) {
            return None;
        }
        let spelled = reg
            .brands()
            .find_aliases(&folded[s..e])
            .map(|(_, _, svc)| svc)
            .find(|&svc| reg.is_official_for(svc, &l.host));
        Some(spelled.unwrap_or(owner))
    })
}

pub(super) fn is_well_known(l: &Link) -> bool {
    l.domain
        .as_deref()
        .is_some_and(|d| links::WELL_KNOWN.contains(&d))
        || links::is_restricted_host(&l.host)
}

/// Risk of a link's own features: the judged target's, plus hiding it behind a redirect. A site
/// that is neither a registered service's nor a well-known one starts at 1.
fn link_risk(
    link: &Link,
    look: Option<&Lookalike>,
    known: bool,
    lure: bool,
) -> (u32, Vec<LinkFeature>) {
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
            f.subdomain_depth >= crate::classify::weights::link::DEEP_SUBDOMAIN_DEPTH,
            DeepSubdomain,
        ),
        (link.features.redirect, Redirect),
        (look.is_some(), BrandLookalike),
        (f.free_hosting || (f.user_content && lure), FreeHosting),
        (f.random_host, RandomHost),
        (f.new_tld && !f.abuse_tld, NewTld),
        // A shortener's or a platform's paths all look so (a form's id, a file's).
        (f.token_path && !f.shortener && !f.user_content, TokenPath),
        (f.disguised || link.features.disguised, Disguised),
        (f.lure_words && !known, LureWords),
    ];
    let why: Vec<LinkFeature> = has.iter().filter(|(c, _)| *c).map(|(_, w)| *w).collect();
    (why.iter().map(|&w| super::weights::link::of(w)).sum(), why)
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
