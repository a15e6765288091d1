//! One-time-code extraction.
//!
//! The app shows the code so the user never has to open a suspicious message to read it, and
//! the classifier uses "this message carries a code" as a legitimacy signal (a code from an
//! unknown number is still delivered: services rotate numbers). So a wrong extraction is worse
//! than none: a phone number, an amount, a date, a time or a postcode must never come out as a
//! code. Extraction is anchored on keywords (English, Japanese and a few other languages) and
//! takes the closest plausible token; the WICG origin-bound line (`@host #code`) is read first
//! because it also names the site the code is for, which the classifier checks.

use crate::text::normalize::{head, tail, Normalized};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// The origin-bound last line of a code message (WICG "Origin-bound one-time codes").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginBound {
    /// The top-level host the code is for.
    pub host: String,
    /// The code on that line.
    pub code: String,
    /// The embedded (iframe) host, when given after ` @` or ` %`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedded: Option<String>,
}

/// What the extractor found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Otp {
    /// The code as the user would type it.
    pub code: Option<String>,
    /// The origin-bound line, when present.
    pub origin: Option<OriginBound>,
    /// The Android SMS Retriever app hash (11 characters on the last line), when present.
    pub app_hash: Option<String>,
    /// A code keyword occurs in the text (even if no code was taken).
    pub keyword: bool,
}

const KEYWORDS: &[&str] = &[
    // English
    "verification code",
    "security code",
    "confirmation code",
    "login code",
    "access code",
    "auth code",
    "authentication code",
    "one-time code",
    "one time code",
    "one-time password",
    "one time password",
    "one-time passcode",
    "one-time pin",
    "passcode",
    "password",
    "code",
    "otp",
    "pin",
    "token",
    "verify",
    "coce",
    // Japanese
    "認証コード",
    "認証番号",
    "確認コード",
    "確認番号",
    "ワンタイムパスワード",
    "ワンタイムコード",
    "ワンタイム",
    "暗証番号",
    "セキュリティコード",
    "承認番号",
    "パスコード",
    "認証キー",
    "コード",
    "パスワード",
    "認証",
    "検証コード",
    // Others seen in real code messages
    "codigo",
    "código",
    "kode",
    "код",
    "пароль",
    "验证码",
    "驗證碼",
    "校验码",
    "인증",
    "코드",
    "mã",
    "ma kich hoat",
    "ma xac",
    "sms-code",
    "verificatiecode",
    "verifizierungscode",
];

/// Keywords that name a password rather than a one-time code; they are ignored in Wi-Fi talk.
const PASSWORD_WORDS: &[&str] = &["password", "パスワード", "pin"];
const WIFI_WORDS: &[&str] = &[
    "wifi",
    "wi-fi",
    "ssid",
    "wlan",
    "ルーター",
    "ネットワーク名",
    "ポケット",
];

/// Build the code matchers now rather than at the first message (see [`crate::warm_up`]).
pub(crate) fn warm() {
    keywords();
    token_regex();
    origin_regex();
}

fn keywords() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(KEYWORDS)
            .expect("keyword automaton")
    })
}

fn token_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b[0-9]{3,4} [0-9]{3,4}\b|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
            .expect("token regex")
    })
}

fn origin_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^@([A-Za-z0-9.\-]+\.[A-Za-z0-9\-]+) #([A-Za-z0-9\-]{3,16})(?: [@%]([A-Za-z0-9.\-]+))?\s*$")
            .expect("origin regex")
    })
}

/// Extract the code (see the module docs). Linear in the input.
pub fn extract(text: &Normalized) -> Otp {
    let clean = text.clean.as_str();
    let folded = text.folded.as_str();
    let mut out = Otp::default();
    let last_line = clean.trim_end().rsplit('\n').next().unwrap_or("").trim();
    if let Some(c) = origin_regex().captures(last_line) {
        out.origin = Some(OriginBound {
            host: c[1].to_ascii_lowercase(),
            code: c[2].to_string(),
            embedded: c.get(3).map(|m| m.as_str().to_ascii_lowercase()),
        });
    } else if last_line.len() == 11
        && last_line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        && last_line.bytes().any(|b| b.is_ascii_uppercase())
        && last_line.bytes().any(|b| b.is_ascii_lowercase())
    {
        out.app_hash = Some(last_line.to_string());
    } else if let Some(tail) = last_line.rsplit(' ').next() {
        // `[#] Your Uber code: 5934 qlRnn4A1sbt`: the hash may end the line after the text.
        if tail.len() == 11
            && tail != last_line
            && tail
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            && tail.bytes().any(|b| b.is_ascii_uppercase())
            && tail.bytes().any(|b| b.is_ascii_digit())
        {
            out.app_hash = Some(tail.to_string());
        }
    }

    // Keyword positions (byte offsets in folded, which equal those in clean).
    // Wi-Fi talk is checked only when a password word is there to suppress (rarely).
    let mut wifi: Option<bool> = None;
    let mut kws: Vec<(usize, usize)> = Vec::new();
    for m in keywords().find_iter(folded) {
        let word = KEYWORDS[m.pattern().as_usize()];
        if PASSWORD_WORDS.contains(&word)
            && *wifi.get_or_insert_with(|| WIFI_WORDS.iter().any(|w| folded.contains(w)))
        {
            continue;
        }
        if word.is_ascii() && !ascii_word_ok(folded, m.start(), m.end(), word) {
            continue;
        }
        kws.push((m.start(), m.end()));
    }
    out.keyword = !kws.is_empty();
    if let Some(o) = &out.origin {
        out.code = Some(o.code.clone());
        return out;
    }

    let mut best: Option<(usize, String)> = None;
    // The origin line and the app hash are not candidates.
    let body_end = match (&out.origin, &out.app_hash) {
        (None, Some(h)) => clean.rfind(h.as_str()).unwrap_or(clean.len()),
        _ => clean.len(),
    };
    // Without a keyword only `G-123456` style codes can be taken: skip the scan when none can
    // occur (most messages are chat).
    if kws.is_empty() && !clean.contains('-') {
        return out;
    }
    for m in token_regex().find_iter(&clean[..body_end]) {
        let tok = m.as_str();
        // Cheap filters first: a code has a digit, and is near a keyword unless `G-123456`.
        if !tok.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        let g_style = is_prefixed_code(tok);
        if kws.is_empty() && !g_style {
            continue;
        }
        let Some(code) = plausible(clean, m.start(), m.end(), tok) else {
            continue;
        };
        let has_letter = code.bytes().any(|b| b.is_ascii_alphabetic()) && !g_style;
        // Distance to the nearest keyword, in bytes: only the keywords on either side of the
        // token can be nearest, found by binary search (keywords are in text order).
        let mut dist = usize::MAX;
        let split = kws.partition_point(|&(ks, _)| ks < m.start());
        let lo = split.saturating_sub(2);
        let hi = (split + 2).min(kws.len());
        for &(ks, ke) in &kws[lo..hi] {
            if ks <= m.start() && ke <= m.start() {
                let gap = m.start() - ke;
                if has_letter && !only_separators(&clean[ke..m.start()]) {
                    continue;
                }
                dist = dist.min(gap);
            } else if m.end() <= ks {
                // `8H4K2P is your one-time password`: a mixed code may precede its keyword
                // only when the words between say so.
                if has_letter && !introduces_following(&clean[m.end()..ks]) {
                    continue;
                }
                dist = dist.min(ks - m.end() + 2);
            }
        }
        if g_style {
            dist = 0;
        }
        if dist > 60 {
            continue;
        }
        if best.as_ref().is_none_or(|(d, _)| dist < *d) {
            best = Some((dist, code));
        }
    }
    out.code = best.map(|(_, c)| c);
    out
}

/// `code` of `verificatiecode` is a keyword; `pin` of `shopping` is not.
fn ascii_word_ok(folded: &str, s: usize, e: usize, word: &str) -> bool {
    let b = folded.as_bytes();
    let after_ok = e >= b.len() || !b[e].is_ascii_alphabetic();
    let before_ok = s == 0 || !b[s - 1].is_ascii_alphabetic();
    match word {
        // Compound words end in "code" in Dutch and German; "ZIP code", "area code" are not
        // one-time codes.
        "code" => {
            let prev_word = folded[..s]
                .trim_end()
                .rsplit([' ', '\n'])
                .next()
                .unwrap_or("");
            !matches!(
                prev_word,
                "zip"
                    | "postal"
                    | "post"
                    | "area"
                    | "country"
                    | "dress"
                    | "qr"
                    | "bar"
                    | "error"
                    | "status"
                    | "source"
                    | "discount"
                    | "promo"
                    | "coupon"
                    | "claim"
                    | "voucher"
                    | "bonus"
                    | "reference"
                    | "ref"
                    | "prize"
                    | "entry"
                    | "booking"
                    | "identifier"
                    | "tracking"
                    | "gift"
                    | "redemption"
                    | "referral"
                    | "invite"
                    | "invitation"
            ) && (after_ok || folded[e..].starts_with("s "))
        }
        _ => before_ok && (after_ok || folded[e..].starts_with('s')),
    }
}

fn introduces_following(between: &str) -> bool {
    let t = between.trim().to_ascii_lowercase();
    matches!(
        t.as_str(),
        "is your" | "is the" | "is" | "は" | "が" | "is your new"
    )
}

fn only_separators(s: &str) -> bool {
    let t = s
        .trim()
        .trim_start_matches([':', '：', '=', '-'])
        .trim()
        .to_ascii_lowercase();
    t.is_empty() || t == "is" || t == "は" || t == "is:" || t == "は、" || t.len() <= 2
}

fn is_prefixed_code(code: &str) -> bool {
    match code.split_once('-') {
        Some((p, d)) => {
            (1..=3).contains(&p.len())
                && p.bytes().all(|b| b.is_ascii_uppercase())
                && (4..=8).contains(&d.len())
                && d.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Is this token a plausible code? Returns it as the user would type it.
fn plausible(text: &str, s: usize, e: usize, tok: &str) -> Option<String> {
    // Look-behind and look-ahead stay within a few words: linear time on long bodies.
    let before = tail(&text[..s], 32).trim_end_matches(' ');
    let prev = text[..s].chars().next_back();
    let next = text[e..].chars().next();
    let after = head(&text[e..], 32);
    // Glued to a longer number or word: part of something else (decimal, time, date, URL).
    let digit_before_prev = text[..s]
        .chars()
        .rev()
        .nth(1)
        .is_some_and(|c| c.is_ascii_digit());
    let digit_after_next =
        next.is_some_and(|c| text[e + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit()));
    if matches!(prev, Some('+' | '@' | '#' | '_' | '&' | '?' | '%' | '-'))
        || (matches!(prev, Some('.' | ',' | ':' | '/')) && digit_before_prev)
        || matches!(next, Some('@' | '_' | '%' | '='))
        || (matches!(next, Some('.' | ',' | ':' | '/')) && digit_after_next)
    {
        return None;
    }
    if before.ends_with(['¥', '$', '€', '£', '₩', '〒', '₹'])
        || before.ends_with("US")
        || before.ends_with("JPY")
        || before.ends_with("USD")
    {
        return None;
    }
    let lower_before = before.to_ascii_lowercase();
    for w in [
        "ending in",
        "ending",
        "末尾",
        "下4桁",
        "zip",
        "order",
        "no.",
        "tel",
        "phone",
        "電話",
    ] {
        if lower_before.ends_with(w) {
            return None;
        }
    }
    // The word just before, past punctuation (`Care ph: 7679046492`, `call on 0800…`): a
    // number to call or text is never a code, however close a code keyword stands.
    let trimmed = lower_before.trim_end_matches(|c: char| !c.is_alphanumeric());
    let prev_word = trimmed
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    // Japanese runs on without spaces (`お問い合わせは0570…`): its call words end the run,
    // perhaps before a particle.
    let ja_run = trimmed.trim_end_matches(['は', 'に', 'へ', 'で']);
    if matches!(
        prev_word,
        "ph" | "call"
            | "calling"
            | "dial"
            | "care"
            | "contact"
            | "whatsapp"
            | "helpline"
            | "hotline"
            | "fax"
            | "ring"
            | "txt"
            | "text"
            | "freephone"
            | "freefone"
    ) || (prev_word == "on" && lower_before.contains("call"))
        || [
            "お問い合わせ",
            "お問合せ",
            "問い合わせ",
            "連絡先",
            "電話",
            "フリーダイヤル",
            "ナビダイヤル",
        ]
        .iter()
        .any(|w| ja_run.ends_with(w))
    {
        return None;
    }
    let after_lower = after.trim_start().to_ascii_lowercase();
    for unit in [
        "円",
        "年",
        "月",
        "日",
        "時",
        "分",
        "秒",
        "%",
        "yen",
        "ドル",
        "pt",
        "ポイント",
        "件",
        "個",
        "人",
        "回",
        "歳",
        "点",
        "名",
        "号",
        "番地",
        "丁目",
        "階",
        "km",
        "kg",
        "mb",
        "gb",
        "min",
        "minutes",
        "mins",
        "hours",
        "days",
        "am",
        "pm",
        "日間",
    ] {
        let spaced = unit.is_ascii()
            && unit.len() > 2
            && after_lower
                .strip_prefix(unit)
                .is_some_and(|r| r.starts_with(' '));
        if after.starts_with(unit) || spaced {
            return None;
        }
    }
    if tok.contains(' ') {
        // `823 815`: two groups of digits split by one space.
        let (a, b) = tok.split_once(' ')?;
        // A third group (`0120 123 456`) makes it a phone number.
        if after.starts_with([' ', '-']) && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        if a.len() >= 3 && a.len() <= 4 && a.bytes().all(|c| c.is_ascii_digit()) {
            return Some(format!("{a} {b}"));
        }
        return plausible(text, s, s + a.len(), a);
    }
    if tok.contains('-') {
        if is_prefixed_code(tok) {
            return Some(tok.to_string());
        }
        let parts: Vec<&str> = tok.split('-').collect();
        if parts.len() == 2
            && parts
                .iter()
                .all(|p| (3..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        {
            // 〒123-4567 was refused above; a bare 3-4 split with a 4-digit tail is a postcode
            // pattern in Japan only when introduced by 〒, so it stays a code here.
            return Some(tok.to_string());
        }
        return None;
    }
    let len = tok.len();
    if !(4..=10).contains(&len) || !tok.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits_only = tok.bytes().all(|b| b.is_ascii_digit());
    if digits_only {
        // Phone numbers: national numbers start with 0 and have 10-11 digits.
        if len >= 10 && (tok.starts_with('0') || tok.starts_with('1')) {
            return None;
        }
        // A year in a date.
        if len == 4
            && (tok.starts_with("19") || tok.starts_with("20"))
            && (after.starts_with(['/', '-', '年', '.']) || before.ends_with(['/', '-']))
        {
            return None;
        }
    } else {
        // Mixed letters and digits: must look like a code, not a word with a number.
        let letters = tok.bytes().filter(|b| b.is_ascii_alphabetic()).count();
        if letters > len - 1 {
            return None;
        }
    }
    Some(tok.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::normalize;

    fn code(body: &str) -> Option<String> {
        extract(&normalize(body)).code
    }

    #[test]
    fn table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("G-412157 is your Google verification code.", Some("G-412157")),
            ("【SBI証券】認証コード：１２３４５６ 有効期限は10分です", Some("123456")),
            ("認証番号は 482913 です。他人に教えないでください。", Some("482913")),
            ("Your WhatsApp code is 105-876 but you can simply tap", Some("105-876")),
            ("Hello! Your BuzzSumo verification code is 823 815", Some("823 815")),
            ("Your Purchase Code is 39M4W", Some("39M4W")),
            ("[#] Your Uber code: 5934 qlRnn4A1sbt", Some("5934")),
            ("838123 is your Tesco authentication code.\n@tesco.com #838123", Some("838123")),
            ("Your code is 123456.\n\n@sbisec.co.jp #123456 %example.org", Some("123456")),
            ("Use 123456 as your verification code to confirm your log in to Barclaycard at 12:12:12 on 11/11/2011.", Some("123456")),
            ("Amex SafeKey code is 123456 for €13.37 transaction attempt at Bol.com for Card ending in 69420.", Some("123456")),
            ("(Zalo) 8568 la ma kich hoat cua so dien thoai 13658014095.", Some("8568")),
            ("ご予約は3月15日 14:30です。お問い合わせは03-1234-5678まで", None),
            ("〒150-0001 東京都渋谷区", None),
            ("WiFiのパスワードは abc12345 だよ", None),
            ("wifi password: Summer2024", None),
            ("ご請求額 12,800円 をお支払いください", None),
            ("Call 0120-123-456 today", None),
            ("meet at 10.30", None),
            ("ワンタイムパスワード：ｘ７Ｋ２９Ｐ", Some("x7K29P")),
            // A number to call back, however near a code keyword, is not a code.
            ("Your KYC has expired, please contact customer care ph: 7679046492 immediately to verify", None),
            ("To verify your account call on 8536074310 now", None),
            ("認証のお手続きはお問い合わせ 0570123456 まで", None),
            ("認証のお手続きはお問い合わせは0570123456まで", None),
            ("認証手続きの連絡先：0570123456", None),
            ("Call 08715203677 Identifier Code: 42478 Expires 24/10/04", None),
            ("Your gift code: 7HQ2-99", None),
            ("Your verification code is 4821. Questions? Call 0120-444-555", Some("4821")),
        ];
        for (body, want) in cases {
            assert_eq!(code(body).as_deref(), *want, "{body}");
        }
    }

    #[test]
    fn origin_bound() {
        let o = extract(&normalize(
            "123456 is your code\n@evil.top #123456 @sbisec.co.jp",
        ));
        let ob = o.origin.unwrap();
        assert_eq!(ob.host, "evil.top");
        assert_eq!(ob.embedded.as_deref(), Some("sbisec.co.jp"));
    }
}
