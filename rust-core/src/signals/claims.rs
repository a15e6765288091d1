//! Who does a message speak as, and how hard does it push?
//!
//! A message *claims* a service when it speaks as that service: a `【SBI証券】` header, an
//! opening `Amazon:`, `…より`, `…をご利用のお客様`, "from …", a closing signature, "Your …
//! code". A mere mention does not: `Amazonで頼んだ本届いた？`, `Google Maps says 25 min`. The
//! distinction matters because only a claim makes a foreign link an impersonation; treating
//! every mention as a claim would quarantine friends' chat.
//!
//! Pressure cues (urgency, suspension threats, payment demands, prizes, refunds, app installs)
//! are what turns an unbranded link into a lure; they are counted by category so that a message
//! repeating one threat does not outscore one that combines several.

use crate::signals::brands::BrandIndex;
use crate::text::confusable::Unconfused;
use crate::text::normalize::Normalized;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;
use std::sync::OnceLock;

pub use crate::signals::secrets::{asks_for_secrets, asks_to_enter_secret, is_code_secret};

/// How a message speaks as a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimHow {
    /// `【SBI証券】`, `[Amazon]`.
    Header,
    /// Opens with the name and a colon, a line break, or (Japanese) a space.
    Opening,
    /// `…より`, `…をご利用のお客様`, "from …", "… Support", "…です".
    Speaker,
    /// Opens with the service's own domain as its name (`Rakuten.co.jp:`, `【amazon.co.jp】`).
    DomainHeader,
    /// The name written with look-alike characters (`Rаkuten` with a Cyrillic `а`, `楽天力ード`):
    /// nobody disguises their own name.
    Disguised,
    /// The sender ID is the service's name (`Rakuten`), but not one registered for it.
    SenderName,
    /// Ends with the name (a signature).
    Signature,
    /// "Your … code", "… verification code", `…の認証コード`.
    Code,
    /// Sent from one of the service's registered senders.
    Sender,
    /// A link imitates the service's domain.
    Link,
    /// The name is the subject of what the text says about the reader: `your Chase account`,
    /// `お客様がご利用の三井住友銀行に対し…`, or a lure about an account, a card, a payment or a
    /// parcel that names it.
    Content,
}

impl ClaimHow {
    /// Every way of claiming, for the catalog test.
    pub const ALL: [ClaimHow; 11] = [
        ClaimHow::Header,
        ClaimHow::Opening,
        ClaimHow::Speaker,
        ClaimHow::DomainHeader,
        ClaimHow::Disguised,
        ClaimHow::SenderName,
        ClaimHow::Signature,
        ClaimHow::Code,
        ClaimHow::Sender,
        ClaimHow::Link,
        ClaimHow::Content,
    ];

    /// The catalog key of the phrase that says how (`claim-how.header`).
    pub fn key(self) -> &'static str {
        match self {
            ClaimHow::Header => "claim-how.header",
            ClaimHow::Opening => "claim-how.opening",
            ClaimHow::Speaker => "claim-how.speaker",
            ClaimHow::DomainHeader => "claim-how.domain-header",
            ClaimHow::Disguised => "claim-how.disguised",
            ClaimHow::SenderName => "claim-how.sender-name",
            ClaimHow::Signature => "claim-how.signature",
            ClaimHow::Code => "claim-how.code",
            ClaimHow::Sender => "claim-how.sender",
            ClaimHow::Link => "claim-how.link",
            ClaimHow::Content => "claim-how.content",
        }
    }
}

/// A text claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextClaim {
    /// Service index.
    pub service: usize,
    /// How.
    pub how: ClaimHow,
}

const OPEN_BRACKETS: &[char] = &['【', '[', '〔', '〈', '《', '≪', '<', '«', '『'];
const CLOSE_BRACKETS: &[char] = &['】', ']', '〕', '〉', '》', '≫', '>', '»', '』'];
const START_ONLY_OPEN: &[char] = &['(', '「'];
const START_ONLY_CLOSE: &[char] = &[')', '」'];

/// Words after a name that make it the speaker.
const SPEAKER_AFTER: &[&str] = &[
    "より",
    "からのお知らせ",
    "からのご案内",
    "からの重要",
    "からのご連絡",
    "からのお願い",
    "をご利用のお客様",
    "をご利用中のお客様",
    "ご利用のお客様",
    "ご利用中のお客様",
    "会員様",
    "会員の皆様",
    "お客様センター",
    "カスタマーセンター",
    "カスタマーサポート",
    "サポートセンター",
    "サポートデスク",
    "サポート",
    "事務局",
    "セキュリティセンター",
    "お客さまセンター",
    "公式",
    "です",
    "でございます",
    "運営事務局",
    "お問い合わせ窓口",
    "コールセンター",
    " support",
    " team",
    " security",
    " customer service",
    " customer care",
    " alert",
    " fraud",
    " notification",
    " notice",
    " services",
    " service center",
    " help desk",
    " account services",
    " members",
    " customer",
    " customers",
    " card services",
    " bank:",
    " online",
    " verify",
    " id:",
    " account:",
];

/// Words before a name that make it the speaker.
const SPEAKER_BEFORE: &[&str] = &[
    "from ",
    "from the ",
    "dear ",
    "this is ",
    "sent by ",
    "message from ",
    "regards, ",
    "thanks, ",
    "こちらは",
    "こちら",
];

/// Code words that, right after a name, make a code message speak for it.
const CODE_AFTER: &[&str] = &[
    " code",
    " verification",
    " security code",
    " login",
    " passcode",
    " otp",
    " pin",
    " one-time",
    " 2fa",
    " sign-in",
    " access code",
    "認証コード",
    "の認証コード",
    "確認コード",
    "の確認コード",
    "認証番号",
    "の認証番号",
    "ワンタイム",
    "のワンタイム",
    "のセキュリティコード",
    "セキュリティコード",
    "ログイン",
    "の本人確認コード",
];

/// Alias occurrences that stand as names: outside links, on word boundaries for ASCII names
/// (`au` inside `auth`, `line` inside `online` are not names). (start, end, service).
fn alias_hits<'a>(
    folded: &'a str,
    brands: &'a BrandIndex,
    skip: &'a [(usize, usize)],
) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
    brands.find_aliases(folded).filter(move |&(s, e, _)| {
        if skip.iter().any(|&(a, b)| s < b && e > a) {
            return false;
        }
        let alias = &folded[s..e];
        let prev = folded[..s].chars().next_back();
        let next = folded[e..].chars().next();
        // A hyphen before the name is a host's (`my-amazon`) unless it opens a signature
        // (`\n-Amazon`).
        let dash_signature = prev == Some('-')
            && folded[..s - 1]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
        if alias.starts_with(|c: char| c.is_ascii_alphanumeric())
            && prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '@' || c == '.' || c == '-')
            && !dash_signature
        {
            return false;
        }
        !(alias.ends_with(|c: char| c.is_ascii_alphanumeric())
            && next.is_some_and(|c| {
                c.is_ascii_alphanumeric()
                    || c == '@'
                    || (c == '.' && folded[e + 1..].starts_with(|c: char| c.is_ascii_alphabetic()))
            }))
    })
}

/// Find the text claims of a message, in text order. `skip` lists byte ranges (links) inside
/// which a name is part of a host, not a claim.
pub fn text_claims(n: &Normalized, brands: &BrandIndex, skip: &[(usize, usize)]) -> Vec<TextClaim> {
    let folded = n.folded.as_str();
    let content_start = leading_noise_end(folded);
    let trimmed_end = folded
        .trim_end_matches(|c: char| c.is_whitespace() || ".。!！)）]】」>".contains(c))
        .len();
    // Looked up once, and only if some name needs it.
    let mut register: Option<bool> = None;
    alias_hits(folded, brands, skip)
        .filter_map(|(s, e, service)| {
            claim_shape(folded, s, e, content_start, trimmed_end)
                .or_else(|| {
                    let service_register = *register
                        .get_or_insert_with(|| SERVICE_REGISTER.iter().any(|w| folded.contains(w)));
                    content_shape(folded, s, e, service_register)
                })
                .map(|how| TextClaim { service, how })
        })
        .collect()
}

/// Services named with look-alike characters: each name found in the unconfused text over a
/// replacement (see [`crate::text::confusable`]), outside the links `skip` lists (offsets of the
/// original text), with the name as `original` writes it.
pub fn disguised_names(
    u: &Unconfused,
    original: &str,
    brands: &BrandIndex,
    skip: &[(usize, usize)],
) -> Vec<(usize, String)> {
    let skip: Vec<(usize, usize)> = skip
        .iter()
        .map(|&(a, b)| (u.mapped(a), u.mapped(b)))
        .collect();
    alias_hits(&u.text, brands, &skip)
        .filter(|&(s, e, _)| u.touches(s, e))
        .map(|(s, e, service)| {
            let written = original
                .get(u.original(s)..u.original(e))
                .unwrap_or_default()
                .to_string();
            (service, written)
        })
        .collect()
}

/// The service a sender ID names, when the whole ID (spaces and punctuation aside) is one of
/// its names: `Rakuten`, `AMAZON`, `SMBC`.
pub fn sender_name(sender: &str, brands: &BrandIndex) -> Option<usize> {
    let folded = crate::text::normalize::normalize(sender).folded;
    let t = folded.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
    if t.is_empty() {
        return None;
    }
    let found = brands
        .find_aliases(t)
        .find(|&(s, e, _)| s == 0 && e == t.len())
        .map(|(_, _, service)| service);
    found
}

/// Services named in the text at all (claims and mere mentions), first occurrence first.
pub fn mentions(n: &Normalized, brands: &BrandIndex, skip: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for (_, _, service) in alias_hits(&n.folded, brands, skip) {
        if !out.contains(&service) {
            out.push(service);
        }
    }
    out
}

/// Words of the register businesses write to customers in; friends do not call each other
/// お客様. A sentence about an account at a brand, in this register, speaks as the brand.
const SERVICE_REGISTER: &[&str] = &[
    "お客様",
    "お客さま",
    "ご利用",
    "ご登録",
    "ご本人",
    "ございます",
    "いたします",
    "致します",
    "ご確認",
    "ご入力",
    "dear customer",
    "dear valued",
    "dear member",
    "dear user",
];

/// Possessives before a name that make the sentence about the reader's account there.
const CONTENT_BEFORE: &[&str] = &[
    "your ",
    "ご利用の",
    "ご利用中の",
    "お客様の",
    "お客さまの",
    "ご契約の",
    "ご契約中の",
    "お使いの",
    "ご登録の",
    "あなたの",
];

/// What follows a name when the sentence is about the reader's account, card or parcel there.
const CONTENT_AFTER: &[&str] = &[
    "に対し",
    "への不正",
    "で不正",
    "のアカウント",
    "アカウント",
    "の口座",
    "口座",
    "のカード",
    "カード",
    "のお客様",
    "のお荷物",
    "会員",
    "ポイント",
    "のご利用",
    // The reader's sign-in at the brand: `MUFG WebサービスのIDとパスワード`.
    "webサービス",
    " webサービス",
    "ウェブサービス",
    "インターネットバンキング",
    "ネットバンキング",
    "のパスワード",
    "のログイン",
    "id",
    " id",
    " online banking",
    " web service",
    " account",
    " card",
    " membership",
    " subscription",
    " package",
    " parcel",
    " shipment",
    " delivery",
    " points",
    " rewards",
    " payment",
];

/// Content claims: `your Chase account`, `お客様がご利用の三井住友銀行に対し…`. A possessive
/// before the name always makes one; an account word after it only in a service's register
/// (`SBI証券の口座、開設できた？` between friends is a mention).
fn content_shape(f: &str, s: usize, e: usize, service_register: bool) -> Option<ClaimHow> {
    let before = crate::text::normalize::tail(&f[..s], 24);
    // 40 bytes: the longest account word (`インターネットバンキング`) is 36.
    let after = crate::text::normalize::head(&f[e..], 40);
    if CONTENT_BEFORE.iter().any(|w| before.ends_with(w)) {
        return Some(ClaimHow::Content);
    }
    let english_you = {
        let sentence_start = before.rfind(['.', '!', '?', '\n']).map_or(0, |i| i + 1);
        before[sentence_start..].contains("your") || after.contains("your")
    };
    let ascii_after = |w: &str| w.starts_with(' ');
    if CONTENT_AFTER.iter().any(|w| {
        after.starts_with(w)
            && (service_register || (ascii_after(w) && english_you))
            && !(w == &"id" && after[2..].starts_with(|c: char| c.is_ascii_alphanumeric()))
    }) {
        return Some(ClaimHow::Content);
    }
    None
}

/// Where the message's content starts: after whitespace, `<#>`, `[#]` and bracketed tags such
/// as `【重要】` that do not name anyone.
fn leading_noise_end(folded: &str) -> usize {
    let mut i = 0;
    loop {
        let rest = &folded[i..];
        let t = rest.trim_start();
        i += rest.len() - t.len();
        if let Some(x) = ["<#>", "[#]", "(#)"].iter().find(|p| t.starts_with(**p)) {
            i += x.len();
            continue;
        }
        for (o, c) in [("【", "】"), ("[", "]")] {
            if let Some(inner) = t.strip_prefix(o) {
                if let Some(close) = inner.find(c) {
                    let tag = &inner[..close];
                    if [
                        "重要",
                        "緊急",
                        "至急",
                        "注意",
                        "お知らせ",
                        "警告",
                        "important",
                        "urgent",
                        "alert",
                        "notice",
                        "info",
                    ]
                    .iter()
                    .any(|w| tag.trim() == *w)
                    {
                        i += o.len() + close + c.len();
                        return i + leading_noise_end(&folded[i..]);
                    }
                }
            }
        }
        return i;
    }
}

fn claim_shape(
    f: &str,
    s: usize,
    e: usize,
    content_start: usize,
    content_end: usize,
) -> Option<ClaimHow> {
    // Every pattern looks at most a few words either side: bounded windows keep a body full
    // of names linear.
    let before = crate::text::normalize::tail(&f[..s], 96);
    let before_start = s - before.len();
    let after = crate::text::normalize::head(&f[e..], 96);
    let at_end = e + after.len() >= f.len();
    // Header: inside a bracket pair.
    if let Some(open) =
        before.rfind(|c: char| OPEN_BRACKETS.contains(&c) || START_ONLY_OPEN.contains(&c))
    {
        let oc = before[open..].chars().next().expect("bracket");
        let between = &before[open + oc.len_utf8()..];
        let start_only = START_ONLY_OPEN.contains(&oc);
        if between.chars().count() <= 20
            && !between.contains(['\n', ']', '】', ')', '」'])
            && (!start_only || before_start + open <= content_start)
        {
            let closers: &[char] = if start_only {
                START_ONLY_CLOSE
            } else {
                CLOSE_BRACKETS
            };
            if let Some(close) = after.find(|c: char| closers.contains(&c) || c == '\n') {
                if after[close..].starts_with(|c: char| closers.contains(&c))
                    && after[..close].chars().count() <= 20
                {
                    return Some(ClaimHow::Header);
                }
            }
        }
    }
    // Opening: the first words of the message.
    if s <= content_start {
        let next = after.chars().next();
        match next {
            None if at_end => return Some(ClaimHow::Signature),
            None => {}
            Some(':' | '\n' | '|' | '-' | '–' | '—' | '/' | '：') => {
                return Some(ClaimHow::Opening)
            }
            Some(' ' | '\u{3000}') => {
                let after_space = after.trim_start_matches([' ', '\u{3000}']);
                // `IRS FINAL NOTICE: …`, `SunPass notice: …`: a short title after the name,
                // then a colon, opens a message in the name as a header does.
                let titled = after_space.split('\n').next().and_then(|line| {
                    let (title, _) = line.split_once(':')?;
                    let words = title.split_whitespace().count();
                    ((1..=3).contains(&words)
                        && title.chars().all(|c| c.is_alphabetic() || c == ' '))
                    .then_some(())
                });
                if after_space.starts_with(|c: char| !c.is_ascii())
                    || after_space.starts_with(['-', ':'])
                    || titled.is_some()
                {
                    return Some(ClaimHow::Opening);
                }
            }
            _ => {}
        }
    }
    if SPEAKER_AFTER.iter().any(|w| after.starts_with(w)) && !after.starts_with("よりも") {
        return Some(ClaimHow::Speaker);
    }
    // "from X" speaks as X in a greeting or a sign-off ("Hello from Amazon", "… from the IRS"
    // at the end); in the middle of a sentence it is a mention ("your return data from IRS
    // Direct File").
    if SPEAKER_BEFORE.iter().any(|w| {
        before.ends_with(w)
            && (!w.starts_with("from") || s <= content_start + 48 || e + 2 >= content_end)
    }) {
        return Some(ClaimHow::Speaker);
    }
    let after_space = after.trim_start_matches(' ');
    if CODE_AFTER.iter().any(|w| after.starts_with(w))
        || CODE_AFTER
            .iter()
            .any(|w| !w.is_ascii() && after_space.starts_with(w))
        || before.ends_with("your ") && code_soon(after)
    {
        return Some(ClaimHow::Code);
    }
    if (before.ends_with("code for ")
        || before.ends_with("code from ")
        || before.ends_with("code for your "))
        && !after.starts_with("の")
    {
        return Some(ClaimHow::Code);
    }
    // Signature: the message ends with the name.
    if e >= content_end && s > 0 {
        let p = before.trim_end_matches([' ', '\u{3000}']);
        let spaced = p.len() < before.len();
        // After a space, a name ends the message as a signature when it is written in Japanese
        // (`…ください https://… 佐川急便`) or follows a link; an English sentence ending in a
        // name (`let's watch Netflix`) is talk, not a signature.
        let last_token = p.rsplit([' ', '\n', '\u{3000}']).next().unwrap_or("");
        let signature_after_space =
            spaced && (!f[s..e].starts_with(|c: char| c.is_ascii()) || last_token.contains('/'));
        if (p.is_empty() && before_start == 0)
            || signature_after_space
            || p.ends_with(|c: char| "\n-–—/(（【[。．.!！、,:".contains(c))
        {
            return Some(ClaimHow::Signature);
        }
    }
    None
}

/// "Your Google verification code", "your Amex SafeKey one-time code": a code word within a
/// few words after the name.
fn code_soon(after: &str) -> bool {
    let window: String = after.chars().take(32).collect();
    ["code", "pin", "otp", "passcode", "password"]
        .iter()
        .any(|w| window.contains(w))
}

/// Pressure-cue categories and their weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Cue {
    /// "urgent", 至急, 本日中.
    Urgency,
    /// "suspended", 停止, 凍結.
    Suspension,
    /// "unpaid", 未払い, 料金.
    Payment,
    /// "you won", 当選.
    Prize,
    /// "refund", 還付, 給付金.
    Refund,
    /// "install the app", `.apk`.
    Install,
    /// "verify your account", 本人確認, ログイン.
    Credentials,
    /// "redelivery", 不在, 再配達.
    Delivery,
    /// "unusual activity", 不正利用.
    SecurityAlert,
    /// "points expire", ポイント失効.
    Expiry,
    /// "remote job, $300 per day", 高収入, 副業.
    Job,
}

/// What a pressure category is taken for: the one table the rules read (see [`Cue::class`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueClass {
    /// Points it adds to the pressure score.
    pub weight: u32,
    /// It speaks of the reader's account, payment, parcel or prize: what a message naming a
    /// service is then about (a content claim), two of them together.
    pub about_account: bool,
    /// A lure's own bait or threat (a prize, a blocked account, a security alert, a refund):
    /// it needs less company than a reminder about a payment or a delivery.
    pub bait: bool,
}

impl Cue {
    /// Its class, one line per category.
    pub fn class(self) -> CueClass {
        let c = |weight, about_account, bait| CueClass {
            weight,
            about_account,
            bait,
        };
        match self {
            Cue::Urgency => c(1, false, false),
            Cue::Suspension => c(2, true, true),
            Cue::Payment => c(2, true, false),
            Cue::Prize => c(2, true, true),
            Cue::Refund => c(2, true, true),
            Cue::Install => c(3, false, false),
            Cue::Credentials => c(2, true, false),
            Cue::Delivery => c(2, true, false),
            Cue::SecurityAlert => c(2, true, true),
            Cue::Expiry => c(2, true, false),
            Cue::Job => c(2, false, false),
        }
    }
}

const CUES: &[(&str, Cue)] = &[
    ("urgent", Cue::Urgency),
    ("immediately", Cue::Urgency),
    ("within 24", Cue::Urgency),
    ("within 48", Cue::Urgency),
    ("final notice", Cue::Urgency),
    ("last chance", Cue::Urgency),
    ("act now", Cue::Urgency),
    ("expires today", Cue::Urgency),
    ("asap", Cue::Urgency),
    ("final reminder", Cue::Urgency),
    ("avoid", Cue::Urgency),
    ("至急", Cue::Urgency),
    ("緊急", Cue::Urgency),
    ("本日中", Cue::Urgency),
    ("24時間以内", Cue::Urgency),
    ("直ちに", Cue::Urgency),
    ("速やかに", Cue::Urgency),
    ("今すぐ", Cue::Urgency),
    ("最終通知", Cue::Urgency),
    ("最終通告", Cue::Urgency),
    ("最終警告", Cue::Urgency),
    ("期限", Cue::Urgency),
    ("早急", Cue::Urgency),
    ("suspended", Cue::Suspension),
    ("suspend", Cue::Suspension),
    ("locked", Cue::Suspension),
    ("frozen", Cue::Suspension),
    ("freeze", Cue::Suspension),
    ("restricted", Cue::Suspension),
    ("disabled", Cue::Suspension),
    ("deactivated", Cue::Suspension),
    ("disconnect", Cue::Suspension),
    ("disconnection", Cue::Suspension),
    ("disconnected", Cue::Suspension),
    ("cut off", Cue::Suspension),
    // Legal threats push like a suspension does.
    ("legal action", Cue::Suspension),
    ("legal proceedings", Cue::Suspension),
    ("lawsuit", Cue::Suspension),
    ("arrest warrant", Cue::Suspension),
    ("warrant for your arrest", Cue::Suspension),
    ("法的措置", Cue::Suspension),
    ("法的手続", Cue::Suspension),
    ("訴訟", Cue::Suspension),
    ("強制執行", Cue::Suspension),
    ("deactivate", Cue::Suspension),
    ("de-activate", Cue::Suspension),
    ("on hold", Cue::Suspension),
    ("blocked", Cue::Suspension),
    ("will be closed", Cue::Suspension),
    ("停止", Cue::Suspension),
    ("凍結", Cue::Suspension),
    ("制限", Cue::Suspension),
    ("ロック", Cue::Suspension),
    ("無効", Cue::Suspension),
    ("利用できなく", Cue::Suspension),
    ("解約", Cue::Suspension),
    ("unpaid", Cue::Payment),
    ("outstanding", Cue::Payment),
    ("overdue", Cue::Payment),
    ("payment failed", Cue::Payment),
    ("pay now", Cue::Payment),
    ("toll", Cue::Payment),
    ("fee", Cue::Payment),
    ("balance due", Cue::Payment),
    ("past due", Cue::Payment),
    ("penalty", Cue::Payment),
    ("billing", Cue::Payment),
    ("you owe", Cue::Payment),
    ("still owe", Cue::Payment),
    ("invoice", Cue::Payment),
    ("payment", Cue::Payment),
    ("未払い", Cue::Payment),
    ("未納", Cue::Payment),
    ("滞納", Cue::Payment),
    ("料金", Cue::Payment),
    ("お支払い", Cue::Payment),
    ("支払い", Cue::Payment),
    ("請求", Cue::Payment),
    ("差し押さえ", Cue::Payment),
    ("督促", Cue::Payment),
    ("延滞", Cue::Payment),
    ("手数料", Cue::Payment),
    // Bank transfer, the Japanese "payment": `お振込でお渡しします`, `振込手続き`.
    ("振込", Cue::Payment),
    ("you won", Cue::Prize),
    ("has won", Cue::Prize),
    ("have won", Cue::Prize),
    ("unredeemed", Cue::Prize),
    ("un-redeemed", Cue::Prize),
    ("message waiting", Cue::Prize),
    ("messages waiting", Cue::Prize),
    ("await collection", Cue::Prize),
    ("awaiting collection", Cue::Prize),
    ("awaiting your collection", Cue::Prize),
    ("awarded", Cue::Prize),
    ("guaranteed", Cue::Prize),
    ("jackpot", Cue::Prize),
    ("lucky", Cue::Prize),
    ("voucher", Cue::Prize),
    ("free entry", Cue::Prize),
    ("cash prize", Cue::Prize),
    ("you have won", Cue::Prize),
    ("you've won", Cue::Prize),
    ("winner", Cue::Prize),
    ("prize", Cue::Prize),
    ("congratulations", Cue::Prize),
    ("claim your", Cue::Prize),
    ("reward", Cue::Prize),
    ("gift card", Cue::Prize),
    ("gift for you", Cue::Prize),
    ("free gift", Cue::Prize),
    ("chosen at random", Cue::Prize),
    ("selected", Cue::Prize),
    ("当選", Cue::Prize),
    ("賞品", Cue::Prize),
    // The Japanese of "congratulations", "cash prize", "you have been selected", "gift card":
    // `おめでとう` also covers the kanji form `おめでとう御座います` a lure writes to look formal.
    ("おめでとう", Cue::Prize),
    ("賞金", Cue::Prize),
    ("懸賞", Cue::Prize),
    ("選ばれました", Cue::Prize),
    ("ギフト券", Cue::Prize),
    ("ギフトカード", Cue::Prize),
    ("プレゼント", Cue::Prize),
    ("特典", Cue::Prize),
    ("refund", Cue::Refund),
    ("we owe you", Cue::Refund),
    ("owed", Cue::Refund),
    ("grant", Cue::Refund),
    ("stimulus", Cue::Refund),
    ("rebate", Cue::Refund),
    ("reimburse", Cue::Refund),
    ("compensation", Cue::Refund),
    ("返金", Cue::Refund),
    ("還付", Cue::Refund),
    ("払い戻し", Cue::Refund),
    ("給付金", Cue::Refund),
    ("キャッシュバック", Cue::Refund),
    ("補償", Cue::Refund),
    ("install", Cue::Install),
    ("download the app", Cue::Install),
    ("インストール", Cue::Install),
    ("アプリをダウンロード", Cue::Install),
    ("verify your", Cue::Credentials),
    ("confirm your", Cue::Credentials),
    ("update your", Cue::Credentials),
    ("validate", Cue::Credentials),
    ("log in", Cue::Credentials),
    ("login", Cue::Credentials),
    ("sign in", Cue::Credentials),
    ("verify now", Cue::Credentials),
    ("click", Cue::Credentials),
    ("tap the link", Cue::Credentials),
    ("re-activate", Cue::Credentials),
    ("reactivate", Cue::Credentials),
    ("secure link", Cue::Credentials),
    ("follow this link", Cue::Credentials),
    ("follow the link", Cue::Credentials),
    ("click here", Cue::Credentials),
    ("tap here", Cue::Credentials),
    ("click the link", Cue::Credentials),
    ("kindly", Cue::Credentials),
    ("kyc", Cue::Credentials),
    ("dear customer", Cue::Credentials),
    ("account holder", Cue::Credentials),
    ("dear valued", Cue::Credentials),
    ("bank details", Cue::Credentials),
    ("本人確認", Cue::Credentials),
    ("ログイン", Cue::Credentials),
    ("ご確認ください", Cue::Credentials),
    ("確認してください", Cue::Credentials),
    ("確認をお願い", Cue::Credentials),
    ("再設定", Cue::Credentials),
    ("登録情報", Cue::Credentials),
    ("情報を更新", Cue::Credentials),
    ("手続き", Cue::Credentials),
    ("お手続き", Cue::Credentials),
    ("認証", Cue::Credentials),
    ("こちらから", Cue::Credentials),
    ("redelivery", Cue::Delivery),
    ("redeliver", Cue::Delivery),
    ("could not be delivered", Cue::Delivery),
    ("couldn't be delivered", Cue::Delivery),
    ("unable to deliver", Cue::Delivery),
    ("delivery attempt", Cue::Delivery),
    ("missed you", Cue::Delivery),
    ("customs", Cue::Delivery),
    ("住所不明", Cue::Delivery),
    ("関税", Cue::Delivery),
    ("保管期限", Cue::Delivery),
    ("delivery failed", Cue::Delivery),
    ("failed delivery", Cue::Delivery),
    ("parcel", Cue::Delivery),
    ("package", Cue::Delivery),
    ("shipment", Cue::Delivery),
    ("undeliverable", Cue::Delivery),
    ("incomplete address", Cue::Delivery),
    ("不在", Cue::Delivery),
    ("再配達", Cue::Delivery),
    ("お荷物", Cue::Delivery),
    ("持ち帰り", Cue::Delivery),
    ("宛先不明", Cue::Delivery),
    ("配送", Cue::Delivery),
    ("配達", Cue::Delivery),
    ("unusual", Cue::SecurityAlert),
    ("suspicious", Cue::SecurityAlert),
    ("unauthorized", Cue::SecurityAlert),
    ("unauthorised", Cue::SecurityAlert),
    ("fraud", Cue::SecurityAlert),
    ("security alert", Cue::SecurityAlert),
    ("compromised", Cue::SecurityAlert),
    ("did not authorize", Cue::SecurityAlert),
    ("didn't authorize", Cue::SecurityAlert),
    ("did not make this", Cue::SecurityAlert),
    ("if this wasn't you", Cue::SecurityAlert),
    ("not you?", Cue::SecurityAlert),
    ("charge of", Cue::Payment),
    ("pending charge", Cue::Payment),
    ("new device", Cue::SecurityAlert),
    ("不正", Cue::SecurityAlert),
    ("不審", Cue::SecurityAlert),
    ("第三者", Cue::SecurityAlert),
    ("異常", Cue::SecurityAlert),
    ("セキュリティ", Cue::SecurityAlert),
    ("身に覚え", Cue::SecurityAlert),
    ("expire", Cue::Expiry),
    ("expires", Cue::Expiry),
    ("expiring", Cue::Expiry),
    ("expired", Cue::Expiry),
    ("失効", Cue::Expiry),
    ("期限切れ", Cue::Expiry),
    ("有効期限が", Cue::Expiry),
    ("job offer", Cue::Job),
    ("part-time", Cue::Job),
    ("/day", Cue::Job),
    ("/hour", Cue::Job),
    ("recruiting", Cue::Job),
    ("apply here", Cue::Credentials),
    ("apply now", Cue::Credentials),
    ("remote job", Cue::Job),
    ("per day", Cue::Job),
    ("work from home", Cue::Job),
    ("hiring", Cue::Job),
    ("earn $", Cue::Job),
    ("daily pay", Cue::Job),
    ("recruiter", Cue::Job),
    ("副業", Cue::Job),
    ("高収入", Cue::Job),
    ("日給", Cue::Job),
    ("在宅ワーク", Cue::Job),
    ("即日払い", Cue::Job),
];

/// Build the cue and secret matchers now rather than at the first message (see
/// [`crate::warm_up`]).
pub(crate) fn warm() {
    cue_automaton();
    crate::signals::secrets::warm();
}

fn cue_automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(CUES.iter().map(|(w, _)| w))
            .expect("cue automaton")
    })
}

/// Pressure cues found: distinct categories and the score they add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pressure {
    /// Distinct categories, sorted.
    pub cues: Vec<Cue>,
    /// The words that matched (first per category), for evidence.
    pub words: Vec<&'static str>,
    /// Sum of the categories' weights.
    pub score: u32,
}

/// Undo digit-for-letter spelling inside words (`BL0CKED`, `W0N`, `F1VE`) so cues match; a
/// digit is replaced only between two letters.
fn unleet(folded: &str) -> std::borrow::Cow<'_, str> {
    let b = folded.as_bytes();
    let leet = |c: u8| matches!(c, b'0' | b'1' | b'3' | b'4' | b'5');
    // Letters on both sides: `bl0cked`, `w0n`, `v0daf0ne`; never `24h` or `3pm`.
    let touches = |i: usize| {
        i > 0 && b[i - 1].is_ascii_alphabetic() && i + 1 < b.len() && b[i + 1].is_ascii_alphabetic()
    };
    if !(0..b.len()).any(|i| leet(b[i]) && touches(i)) {
        return std::borrow::Cow::Borrowed(folded);
    }
    let mut out = b.to_vec();
    for i in 0..b.len() {
        if leet(b[i]) && touches(i) {
            out[i] = match b[i] {
                b'0' => b'o',
                b'1' => b'i',
                b'3' => b'e',
                b'4' => b'a',
                _ => b's',
            };
        }
    }
    // Only ASCII bytes were swapped for ASCII bytes: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| folded.to_string()))
}

/// Count pressure cues in folded text, ignoring the byte ranges in `skip` (links: the
/// `.click` of a host is not a request to click).
pub fn pressure(folded: &str, skip: &[(usize, usize)]) -> Pressure {
    let mut p = Pressure::default();
    let text = unleet(folded);
    let folded = text.as_ref();
    for m in cue_automaton().find_iter(folded) {
        if skip.iter().any(|&(a, b)| m.start() < b && m.end() > a) {
            continue;
        }
        let (word, cue) = CUES[m.pattern().as_usize()];
        if word.is_ascii() && word.as_bytes()[0].is_ascii_alphabetic() {
            let b = folded.as_bytes();
            let before_ok = m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric();
            // A cue ending in a digit (`within 24`) may run on into a unit (`24h`).
            let after_ok = m.end() >= b.len()
                || word.ends_with(|c: char| c.is_ascii_digit())
                || !(b[m.end()].is_ascii_alphanumeric() || b[m.end()] == b'\'');
            // Plurals and -ed forms still count ("fees", "packages").
            let plural = m.end() < b.len()
                && matches!(b[m.end()], b's' | b'd')
                && (m.end() + 1 >= b.len() || !b[m.end() + 1].is_ascii_alphabetic());
            if !before_ok || !(after_ok || plural) {
                continue;
            }
        }
        if !p.cues.contains(&cue) {
            p.cues.push(cue);
            p.words.push(word);
            p.score += cue.class().weight;
        }
    }
    let mut pairs: Vec<(Cue, &'static str)> = p
        .cues
        .iter()
        .copied()
        .zip(p.words.iter().copied())
        .collect();
    pairs.sort();
    p.cues = pairs.iter().map(|x| x.0).collect();
    p.words = pairs.iter().map(|x| x.1).collect();
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_unique;
    use crate::text::normalize::normalize;

    #[test]
    fn word_lists_hold_each_entry_once() {
        for (name, list) in [
            ("SPEAKER_AFTER", SPEAKER_AFTER),
            ("SPEAKER_BEFORE", SPEAKER_BEFORE),
            ("CODE_AFTER", CODE_AFTER),
            ("SERVICE_REGISTER", SERVICE_REGISTER),
            ("CONTENT_BEFORE", CONTENT_BEFORE),
            ("CONTENT_AFTER", CONTENT_AFTER),
        ] {
            assert_unique(name, list);
        }
        let cues: Vec<&str> = CUES.iter().map(|c| c.0).collect();
        assert_unique("CUES", &cues);
    }

    use crate::registry::{Registry, RegistryFile};

    fn reg() -> Registry {
        let f = RegistryFile::from_json(
            r#"{"version":1,"services":[
            {"id":"sbi-sec","name":"SBI証券","aliases":["SBI証券","SBI"],"domains":["sbisec.co.jp"],"links":"never"},
            {"id":"amazon","name":"Amazon","aliases":["Amazon","アマゾン"],"domains":["amazon.co.jp"],"links":"official"},
            {"id":"google","name":"Google","aliases":["Google"],"domains":["google.com"],"links":"official"},
            {"id":"monex","name":"マネックス証券","aliases":["マネックス","Monex"],"domains":["monex.co.jp"],"links":"never"},
            {"id":"au","name":"au","aliases":["au","KDDI"],"domains":["au.com"],"links":"official"},
            {"id":"smbc-card","name":"三井住友カード","aliases":["三井住友カード"],"domains":["smbc-card.com"],"links":"never"},
            {"id":"mufg-bank","name":"三菱UFJ銀行","aliases":["三菱UFJ銀行","MUFG"],"domains":["mufg.jp"],"links":"never"}
            ]}"#,
        )
        .unwrap();
        Registry::compile(&f, "JP").unwrap()
    }

    fn claim(r: &Registry, body: &str) -> Option<(String, ClaimHow)> {
        let n = normalize(body);
        text_claims(&n, r.brands(), &[])
            .first()
            .map(|c| (r.service(c.service).id.to_string(), c.how))
    }

    #[test]
    fn claims_and_mentions() {
        let r = reg();
        use ClaimHow::*;
        let cases: &[(&str, Option<(&str, ClaimHow)>)] = &[
            (
                "【SBI証券】お取引に制限がかかっています",
                Some(("sbi-sec", Header)),
            ),
            ("[Amazon] Your order has shipped", Some(("amazon", Header))),
            ("Amazon: your account is on hold", Some(("amazon", Opening))),
            ("マネックス 重要なお知らせ", Some(("monex", Opening))),
            (
                "マネ\u{200b}ックス証券より重要なお知らせ",
                Some(("monex", Speaker)),
            ),
            (
                "三井住友カードをご利用のお客様へ",
                Some(("smbc-card", Speaker)),
            ),
            ("Message from Amazon: verify now", Some(("amazon", Speaker))),
            (
                "ご確認ください。\n三井住友カード",
                Some(("smbc-card", Signature)),
            ),
            (
                "Your Google verification code is 596465",
                Some(("google", Code)),
            ),
            (
                "【重要】SBI証券：本人確認のお願い",
                Some(("sbi-sec", Opening)),
            ),
            ("Amazonで頼んだ本届いた？", None),
            ("楽天のセールでSBIの口座開いた?", None),
            ("Google Maps says 25 min", None),
            ("auth code 1234", None),
            ("I bought it on amazon yesterday lol", None),
            ("SBI証券の口座、開設できた？", None),
            (
                "Added Protection MUFG WebサービスのIDとパスワードをご入力ください",
                Some(("mufg-bank", Content)),
            ),
            (
                "MUFGインターネットバンキングのご利用を停止しました",
                Some(("mufg-bank", Content)),
            ),
            ("MUFGのネットバンキング使ってる?", None),
        ];
        for (body, want) in cases {
            let want = want.map(|(s, h)| (s.to_string(), h));
            assert_eq!(claim(&r, body), want, "{body}");
        }
    }

    #[test]
    fn a_cue_that_is_bait_speaks_of_an_account_and_every_cue_weighs() {
        for (_, c) in CUES {
            let k = c.class();
            assert!(k.weight >= 1, "{c:?}");
            assert!(!k.bait || k.about_account, "{c:?} is bait about nothing");
        }
    }

    #[test]
    fn pressure_counts_categories() {
        let p = pressure(
            &normalize("至急：お客様の口座が凍結されました。本日中にログインしてください").folded,
            &[],
        );
        assert_eq!(
            p.cues,
            vec![Cue::Urgency, Cue::Suspension, Cue::Credentials]
        );
        assert_eq!(p.score, 5);
        assert_eq!(pressure("are you free tonight? feeling fine", &[]).score, 0);
        assert!(pressure("your package fees are unpaid", &[])
            .cues
            .contains(&Cue::Payment));
        assert_eq!(
            pressure("your acc0unt is bl0cked", &[]).cues,
            vec![Cue::Suspension]
        );
        assert_eq!(pressure("see mynotes.click/x", &[(4, 19)]).score, 0);
    }
}
