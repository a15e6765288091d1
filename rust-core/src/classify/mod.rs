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

//!
//! The pipeline runs one way: [`facts`] gathers everything about the message once (text,
//! sender, links with their analysis, code, claims, pressure, lure families, requests), then
//! the [`rules`] are asked in order and the first that decides gives the verdict and its
//! reasons, then the limits of what was read (a cut body, links past the cap) are applied.

pub mod evidence;
mod facts;
mod rules;
pub mod weights;

use crate::registry::Registry;
use crate::signals::claims::Pressure;
use crate::signals::links::{self, Link};
use crate::signals::sender::SenderKind;
use crate::verdict::catalog::Msg;
use crate::verdict::{Action, Kind, Reason, ReasonCode, Verdict};
use facts::Facts;

/// An SMS as received.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The sender as the platform reports it (number, short code or alphanumeric ID).
    pub sender: &'a str,
    /// The body.
    pub body: &'a str,
    /// The body is the beginning of a longer one, cut before it got here (see
    /// [`crate::sms::Sms::cut`]): judged as a body the classifier cut itself.
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

/// Build every matcher the classifier builds lazily (link, code, cue and family automata, the
/// text model, the reason catalogs). Classification is correct without it; a caller that
/// opens the gate at start-up runs it on another thread while it loads the registry, so the
/// first message does not pay for them. Idempotent and cheap after the first call.
pub fn warm_up() {
    crate::signals::links::warm();
    crate::signals::otp::warm();
    crate::signals::claims::warm();
    crate::classify::evidence::warm();
    let _ = crate::signals::model::shipped();
    crate::verdict::catalog::warm();
}

/// Classify one message. Deterministic, never panics, linear in the body.
pub fn classify(msg: &Message<'_>, reg: &Registry, opts: &Options) -> Verdict {
    let (body, truncated) = truncate(msg.body, opts.max_chars);
    let f = Facts::gather(msg.sender, body, reg);
    let (rule, outcome) = rules::decide(&f);
    let rules::Outcome {
        mut action,
        mut kind,
        service,
        mut reasons,
    } = outcome;
    let unchecked = f.unchecked;
    let registered = service.is_some_and(|s| f.registered_for(s));
    if f.from.kind == SenderKind::VettedBusinessJp {
        reasons.push(Reason::say(
            ReasonCode::VettedBusinessSender,
            Msg::VettedBusinessSender,
            &[],
        ));
    }
    // What was not read is never vouched for: a cut body or links past the cap are at least
    // a warning, and links nobody checked in a brand's name from a sender not registered for
    // it are held (a genuine service never sends that many).
    if unchecked > 0 {
        reasons.push(Reason::say(
            ReasonCode::UncheckedLinks,
            Msg::UncheckedLinks,
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
            Msg::Truncated,
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
        reasons.push(Reason::say(
            ReasonCode::NothingRisky,
            Msg::NothingRisky,
            &[],
        ));
    }
    Verdict {
        action,
        kind,
        rule,
        service: service.map(|i| reg.service(i).id.clone()),
        otp: f.code.code,
        links: f.analysed.into_iter().map(|a| a.report).collect(),
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
    p.cues.iter().filter(|c| c.class().about_account).count()
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
        assert!(r.en().contains("first 700 characters"), "{}", r.en());
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

    /// 20,000 user services: merged over the built-in registry (as the gateway does at every
    /// open) in milliseconds, compiled in near-linear time, and a message judged against them
    /// about as fast as against the built-in registry alone. The merge used to scan the list
    /// for every id (48 s for 78,000 services) and the look-alike check every label. Bounds are
    /// generous (a loaded machine, a debug build); `examples/registry_scale.rs` gives figures.
    #[test]
    fn twenty_thousand_services_compile_and_classify_quickly() {
        use std::time::{Duration, Instant};
        let user = RegistryFile::from_json(&crate::registry::tests::synthetic(20_000)).unwrap();
        let t = Instant::now();
        let mut file = RegistryFile::default_registry().clone();
        file.merge(user);
        let merge = t.elapsed();
        let t = Instant::now();
        let reg = Registry::compile(&file, "JP").unwrap();
        let compile = t.elapsed();
        let msgs = [
            // Service 12345 is "Kokisa Service", kokisa.ne.jp, sender KOKISA.
            ("KOKISA", "Kokisa: your code is 482913"),
            (
                "+819011112222",
                "【Kokisa】ご本人確認 https://kokisa-ne-jp.top/login",
            ),
            (
                "+819011112222",
                "Kokisa Service: verify at https://kokiqa.com/verify",
            ),
            (
                "+819033334444",
                "Amazon: update payment at https://amaz0n-account.shop/",
            ),
            (
                "+819033334444",
                "Your parcel is held, pay the fee at https://dhl-parcel.top/x",
            ),
            ("+819055556666", "明日の打ち合わせ、15時からでお願いします"),
        ];
        // The matchers the classifier builds on first use are not the registry's cost.
        crate::warm_up();
        let judge = |reg: &Registry| {
            let t = Instant::now();
            for _ in 0..5 {
                for (s, b) in &msgs {
                    classify(
                        &Message {
                            sender: s,
                            body: b,
                            cut: false,
                        },
                        reg,
                        &Options::default(),
                    );
                }
            }
            t.elapsed()
        };
        let (alone, big) = (judge(Registry::builtin()), judge(&reg));
        let (merge_bound, compile_bound) = if cfg!(debug_assertions) {
            (Duration::from_secs(1), Duration::from_secs(20))
        } else {
            (Duration::from_millis(200), Duration::from_secs(2))
        };
        assert!(merge < merge_bound, "merge took {merge:?}");
        assert!(compile < compile_bound, "compile took {compile:?}");
        assert!(
            big < alone * 4 + Duration::from_millis(5),
            "30 messages took {big:?} against 20,000 services, {alone:?} against the built-in"
        );
        // And the registry works: the service is known by sender, name and look-alikes.
        let verdicts: Vec<_> = msgs
            .iter()
            .map(|(s, b)| {
                classify(
                    &Message {
                        sender: s,
                        body: b,
                        cut: false,
                    },
                    &reg,
                    &Options::default(),
                )
            })
            .collect();
        assert_eq!(
            reg.service(reg.index_of("svc-12345").unwrap()).name,
            "Kokisa Service"
        );
        for v in &verdicts[..3] {
            assert_eq!(v.service.as_deref(), Some("svc-12345"), "{v:?}");
        }
        assert_eq!(verdicts[0].otp.as_deref(), Some("482913"));
        for v in &verdicts[1..3] {
            assert!(v.links.iter().any(|l| l.lookalike.is_some()), "{v:?}");
        }
    }
}
