//! Text normalisation: the one view of a message every other module matches against.
//!
//! Attackers disguise brand names and links so that naive matching misses them: full-width
//! letters (`ｈｔｔｐｓ：／／…`), zero-width or bidi control characters inside a name
//! (`マネ\u{200b}ックス`), and "defanged" links (`hxxps://`, `example[.]com`, `example。com`).
//! [`normalize`] undoes all of these once, so that the link finder, the OTP extractor and the
//! claim finder all see the same text. The original body is never changed: it is what the user
//! is shown.
//!
//! Case folding is ASCII-only on purpose: it keeps byte offsets identical between the clean and
//! the folded text, so a match found in one can be cut out of the other. Non-ASCII confusables
//! (Cyrillic `а` for Latin `a`) are the lookalike module's job, not a case question.

use std::borrow::Cow;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// A message body as the classifier sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// NFKC, invisible characters removed, link disguises undone; case kept.
    pub clean: String,
    /// `clean` with ASCII letters lower-cased: same length, same offsets.
    pub folded: String,
}

/// Normalise a body (see the module docs). Linear in the input.
pub fn normalize(body: &str) -> Normalized {
    let nfkc: Cow<str> = if body.is_ascii() {
        Cow::Borrowed(body)
    } else {
        let stripped: String = body.chars().filter(|&c| !is_invisible(c)).collect();
        match is_nfkc_quick(stripped.chars()) {
            IsNormalized::Yes => Cow::Owned(stripped),
            _ => Cow::Owned(stripped.nfkc().filter(|&c| !is_invisible(c)).collect()),
        }
    };
    let clean = undisguise(&nfkc);
    let clean = compact_headers(&clean).into_owned();
    let folded = clean.to_ascii_lowercase();
    Normalized { clean, folded }
}

/// Fold a short string (a name, an alias, a sender ID) the same way message text is folded,
/// so that the two compare equal.
pub fn fold(s: &str) -> String {
    // ASCII has nothing for NFKC to do and no `【` header: only the disguises and the case,
    // without the copy `normalize` keeps of the clean text (a registry folds every name).
    if s.is_ascii() {
        return undisguise(s).to_ascii_lowercase();
    }
    normalize(s).folded
}

/// The last `max` bytes of `s` (or fewer, on a character boundary): for bounded look-behind.
pub fn tail(s: &str, max: usize) -> &str {
    let mut start = s.len().saturating_sub(max);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// The first `max` bytes of `s` (or fewer, on a character boundary): for bounded look-ahead.
pub fn head(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Characters that render as nothing (or only reorder text) and so can hide inside a word.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'              // soft hyphen
        | '\u{034F}'            // combining grapheme joiner
        | '\u{061C}'            // Arabic letter mark
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{206F}' // bidi isolates, deprecated format chars
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
        | '\u{FEFF}'              // BOM / zero-width no-break space
        | '\u{E0000}'..='\u{E007F}' // tag characters
    )
}

/// Undo the common ways a link is written so that it does not look like one.
fn undisguise(s: &str) -> Cow<'_, str> {
    // One byte pass decides whether any disguise can be present (most messages have none).
    let needs = s
        .bytes()
        .any(|b| matches!(b, b'x' | b'X' | b'[' | b'(' | b'{'))
        && (s.contains("xx")
            || s.contains("XX")
            || s.contains("[.]")
            || s.contains("(.)")
            || s.contains("{.}")
            || s.contains("[dot]")
            || s.contains("(dot)")
            || s.contains("[:]"))
        || s.contains('。')
        || s.contains('、');
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        // hxxp:// hxxps:// (any case) -> http(s)://
        if rest.len() >= 6 && (b[i] == b'h' || b[i] == b'H') {
            let head = &rest.as_bytes()[..4];
            if head[1..3].eq_ignore_ascii_case(b"xx") && head[3].eq_ignore_ascii_case(&b'p') {
                let after = &rest[4..];
                let (tls, after2) = match after.as_bytes().first() {
                    Some(b's') | Some(b'S') => (true, &after[1..]),
                    _ => (false, after),
                };
                if after2.starts_with("://") || after2.starts_with("[:]//") {
                    out.push_str(if tls { "https://" } else { "http://" });
                    let skip = if after2.starts_with("://") { 3 } else { 5 };
                    i += 4 + usize::from(tls) + skip;
                    continue;
                }
            }
        }
        let mut matched = false;
        for (pat, rep) in [
            ("[.]", "."),
            ("(.)", "."),
            ("{.}", "."),
            ("[dot]", "."),
            ("(dot)", "."),
            ("[:]", ":"),
        ] {
            if rest.starts_with(pat) && host_char_before(&out) {
                out.push_str(rep);
                i += pat.len();
                matched = true;
                break;
            }
        }
        if matched {
            continue;
        }
        let c = rest.chars().next().expect("non-empty");
        // An ideographic full stop or comma between two host characters is a dot in disguise:
        // `sbisec。co。jp`. Between Japanese words it is punctuation and stays.
        if (c == '。' || c == '、')
            && host_char_before(&out)
            && host_char_after(&rest[c.len_utf8()..])
        {
            out.push('.');
        } else {
            out.push(c);
        }
        i += c.len_utf8();
    }
    Cow::Owned(out)
}

/// Spaces inside a `【…】` header split a name on purpose (`【ソニー 銀行】`): a header is a
/// label, never a sentence, so its spaces go.
fn compact_headers(s: &str) -> Cow<'_, str> {
    if !s.contains('【') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('【') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        match after.find('】') {
            Some(close)
                if after[..close].chars().count() <= 32 && !after[..close].contains('\n') =>
            {
                out.extend(after[..close].chars().filter(|c| !c.is_whitespace()));
                out.push('】');
                rest = &after[close + '】'.len_utf8()..];
            }
            _ => {
                out.push('【');
                rest = &after['【'.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn host_char_before(out: &str) -> bool {
    out.chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn host_char_after(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str)] = &[
            (
                "ｈｔｔｐｓ：／／ｓｂｉ－ｓｅｃ．ｎｅｔ",
                "https://sbi-sec.net",
            ),
            ("マネ\u{200b}ックス", "マネックス"),
            ("Ｍｏｎｅｘ\u{202e}", "Monex"),
            ("hxxps://evil[.]top/a", "https://evil.top/a"),
            ("HXXP://evil(.)top", "http://evil.top"),
            ("sbisec。co。jp", "sbisec.co.jp"),
            ("【ソニー 銀行】ご案内", "【ソニー銀行】ご案内"),
            ("【　三井住友　カード　】", "【三井住友カード】"),
            ("ありがとう。また明日", "ありがとう。また明日"),
            ("example{.}com[:]8080", "example.com:8080"),
            ("１２３４５６", "123456"),
            ("plain ascii stays", "plain ascii stays"),
            ("exxxpert (.) not after host", "exxxpert (.) not after host"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input).clean, *want, "input {input:?}");
        }
    }

    #[test]
    fn folded_keeps_offsets() {
        let n = normalize("ＳＢＩ証券 HTTPS://X.COM");
        assert_eq!(n.clean.len(), n.folded.len());
        assert_eq!(n.folded, "sbi証券 https://x.com");
    }

    /// `fold`'s ASCII shortcut folds as `normalize` does.
    #[test]
    fn fold_of_ascii_is_normalize_folded() {
        for s in [
            "Monex",
            "SBI-SEC",
            "hxxps://evil[.]top/a",
            "HXXP://evil(.)top",
            "example{.}com[:]8080",
            "a (dot) b [dot] c",
            "  spaced  Out ",
            "",
        ] {
            assert_eq!(fold(s), normalize(s).folded, "{s:?}");
        }
    }
}
