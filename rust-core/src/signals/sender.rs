//! Sender normalisation: one comparable key per sender, however the platform or the user wrote it.
//!
//! The same service reaches a phone as `+81 50-1234-5678`, `05012345678` or `+815012345678`, and
//! an alphanumeric ID as `SBI証券` or `ｓｂｉ証券`. Registry senders and message senders are both
//! reduced to a [`Sender::key`] so that one string comparison decides "registered or not".
//! Japan's `0005` numbers are kept apart: the four carriers vet the business behind each one, so
//! such a sender is a real company, though not necessarily the brand the text claims.

use serde::Serialize;

/// The region a number written without a country code is read in when nobody said otherwise:
/// the product's first market. One constant, so that a second market changes one line.
pub const DEFAULT_REGION: &str = "JP";

/// What kind of address a sender is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SenderKind {
    /// A name such as `MONEX` or `SBI証券` (compared case-insensitively).
    Alphanumeric,
    /// A carrier short code such as `24273` (US) or `22xxx` (SoftBank).
    ShortCode,
    /// A phone number, keyed in E.164.
    Phone,
    /// A Japanese carrier-common number starting `0005` (8 to 10 digits), vetted by the carriers.
    VettedBusinessJp,
    /// An e-mail address (`someone@icloud.com`): iMessage and e-mail-to-SMS deliver these, and
    /// no service texts its customers from one. Keyed like an alphanumeric ID.
    Email,
    /// Nothing usable (empty or only punctuation).
    Unknown,
}

/// A sender reduced to a comparable key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sender {
    /// The key two spellings of the same sender share.
    pub key: String,
    /// What kind of address it is.
    pub kind: SenderKind,
}

/// Country calling code and trunk prefix for the regions a default region may name.
fn region_code(region: &str) -> Option<(&'static str, Option<char>)> {
    let r = region.to_ascii_uppercase();
    Some(match r.as_str() {
        "JP" => ("81", Some('0')),
        "US" | "CA" => ("1", Some('1')),
        "GB" | "UK" => ("44", Some('0')),
        "AU" => ("61", Some('0')),
        "NZ" => ("64", Some('0')),
        "DE" => ("49", Some('0')),
        "FR" => ("33", Some('0')),
        "NL" => ("31", Some('0')),
        "IT" => ("39", None),
        "ES" => ("34", None),
        "IN" => ("91", Some('0')),
        "KR" => ("82", Some('0')),
        "CN" => ("86", Some('0')),
        "TW" => ("886", Some('0')),
        "HK" => ("852", None),
        "SG" => ("65", None),
        "PH" => ("63", Some('0')),
        "BR" => ("55", Some('0')),
        _ => return None,
    })
}

/// True if `region` is a region this module knows how to dial.
pub fn is_known_region(region: &str) -> bool {
    region_code(region).is_some()
}

/// Normalise a sender as received or as written in a registry, with a default region (ISO
/// 3166 alpha-2, `JP` unless the user set another) for numbers written without a country code.
pub fn parse(raw: &str, region: &str) -> Sender {
    let folded = crate::text::normalize::fold(raw.trim());
    let compact: String = folded
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '(' | ')' | '.' | '/'))
        .collect();
    if compact.is_empty() {
        return Sender {
            key: String::new(),
            kind: SenderKind::Unknown,
        };
    }
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(d) => (true, d),
        None => (false, compact.as_str()),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return number(plus, digits, region);
    }
    // An alphanumeric ID: keep letters and digits of every script, drop spacing and punctuation
    // so that `SBI-SEC`, `sbi sec` and `ＳＢＩ　ＳＥＣ` agree.
    let key: String = folded.chars().filter(|c| c.is_alphanumeric()).collect();
    if key.is_empty() {
        return Sender {
            key: compact,
            kind: SenderKind::Unknown,
        };
    }
    let t = raw.trim();
    let kind = if t.contains('@') && t.contains('.') {
        SenderKind::Email
    } else {
        SenderKind::Alphanumeric
    };
    Sender { key, kind }
}

fn number(plus: bool, digits: &str, region: &str) -> Sender {
    let phone = |e164: String| Sender {
        key: e164,
        kind: SenderKind::Phone,
    };
    if plus {
        return phone(format!("+{digits}"));
    }
    let (cc, trunk) = region_code(region).unwrap_or(("81", Some('0')));
    if cc == "81" && digits.starts_with("0005") && (8..=10).contains(&digits.len()) {
        return Sender {
            key: digits.to_string(),
            kind: SenderKind::VettedBusinessJp,
        };
    }
    // International prefixes written instead of `+`.
    for idp in ["010", "011", "00"] {
        if let Some(rest) = digits.strip_prefix(idp) {
            let is_idp = match idp {
                "010" => cc == "81",
                "011" => cc == "1",
                _ => cc != "1" && cc != "81",
            };
            if is_idp && rest.len() >= 8 {
                return phone(format!("+{rest}"));
            }
        }
    }
    if digits.len() <= 8 {
        return Sender {
            key: digits.to_string(),
            kind: SenderKind::ShortCode,
        };
    }
    match trunk {
        Some(t) if digits.starts_with(t) => phone(format!("+{cc}{}", &digits[1..])),
        Some(_) if cc == "1" && digits.len() == 10 => phone(format!("+1{digits}")),
        None => phone(format!("+{cc}{digits}")),
        // Does not fit the region's plan: keep the digits as they are rather than guess.
        Some(_) => phone(format!("+{cc}{digits}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str, &str, SenderKind)] = &[
            ("+81 50-1234-5678", "JP", "+815012345678", SenderKind::Phone),
            ("050-1234-5678", "JP", "+815012345678", SenderKind::Phone),
            ("05012345678", "JP", "+815012345678", SenderKind::Phone),
            (
                "０９０－１２３４－５６７８",
                "JP",
                "+819012345678",
                SenderKind::Phone,
            ),
            (
                "0005012345",
                "JP",
                "0005012345",
                SenderKind::VettedBusinessJp,
            ),
            ("00050123", "JP", "00050123", SenderKind::VettedBusinessJp),
            ("24273", "US", "24273", SenderKind::ShortCode),
            ("(415) 555-0134", "US", "+14155550134", SenderKind::Phone),
            ("1-415-555-0134", "US", "+14155550134", SenderKind::Phone),
            ("07700 900123", "GB", "+447700900123", SenderKind::Phone),
            ("MONEX", "JP", "monex", SenderKind::Alphanumeric),
            ("ｍｏｎｅｘ", "JP", "monex", SenderKind::Alphanumeric),
            ("SBI-SEC", "JP", "sbisec", SenderKind::Alphanumeric),
            ("SBI証券", "JP", "sbi証券", SenderKind::Alphanumeric),
            (
                "j.kim8812@icloud.com",
                "JP",
                "jkim8812icloudcom",
                SenderKind::Email,
            ),
            ("@home", "JP", "home", SenderKind::Alphanumeric),
            ("", "JP", "", SenderKind::Unknown),
            ("---", "JP", "", SenderKind::Unknown),
        ];
        for (raw, region, key, kind) in cases {
            let s = parse(raw, region);
            assert_eq!((s.key.as_str(), s.kind), (*key, *kind), "sender {raw:?}");
        }
    }
}
