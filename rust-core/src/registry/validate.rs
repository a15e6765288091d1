//! The checks a registry entry passes before it is kept: the format version, ids and names,
//! senders, and domains reduced to their ASCII form, with errors that say what to write.

use super::{ServiceSpec, FORMAT_VERSION};
use crate::error::{Error, Result};
use crate::signals::sender;
use crate::text::normalize::fold;

/// The format version of a file, which must be this build's.
pub(super) fn check_version(version: Option<serde_json::Value>) -> Result<u64> {
    let version = match version {
        Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
        None => {
            return Err(Error::RegistryJson(
                "missing field `version` (write \"version\": 1)".into(),
            ))
        }
        Some(other) => {
            return Err(Error::RegistryJson(format!(
                "field `version` must be a number, found {other}"
            )))
        }
    };
    if version != FORMAT_VERSION {
        return Err(Error::RegistryVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(version)
}

pub(super) fn refuse_blank_name(entry: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::RegistryEntry {
            entry: entry.to_string(),
            field: "name".into(),
            message: format!(
                "{name:?} is blank: write the name shown to the user, or leave the field out \
                 to show the id"
            ),
        });
    }
    Ok(())
}

impl ServiceSpec {
    pub(crate) fn validated_for(self, entry: &str) -> Result<Self> {
        self.validated(entry)
    }

    pub(super) fn validated(mut self, entry: &str) -> Result<Self> {
        let err = |field: &str, message: String| Error::RegistryEntry {
            entry: entry.to_string(),
            field: field.to_string(),
            message,
        };
        if self.id.trim().is_empty() {
            return Err(err(
                "id",
                format!(
                    "{:?} is blank: a service needs an id of lowercase ASCII letters, digits, \
                     '-' or '_'",
                    self.id
                ),
            ));
        }
        if !self
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(err(
                "id",
                format!(
                    "{:?} must be lowercase ASCII letters, digits, '-' or '_'",
                    self.id
                ),
            ));
        }
        // An empty name means "the id" (or, merged over a known id, "keep the name"); one
        // of only spaces would show as nothing.
        if !self.name.is_empty() && self.name.trim().is_empty() {
            return Err(err(
                "name",
                format!(
                    "{:?} is blank: write the name shown to the user, or leave the field out \
                     to show the id",
                    self.name
                ),
            ));
        }
        for (i, alias) in self.aliases.iter().enumerate() {
            let folded = fold(alias);
            if folded.trim().chars().count() < 2 {
                return Err(err(
                    &format!("aliases[{i}]"),
                    format!("{alias:?} is too short to name a service (2 characters at least)"),
                ));
            }
        }
        for (i, s) in self.senders.iter().enumerate() {
            check_sender(s).map_err(|m| err(&format!("senders[{i}]"), m))?;
        }
        for (i, d) in self.domains.iter_mut().enumerate() {
            *d = normalize_domain(d).map_err(|m| err(&format!("domains[{i}]"), m))?;
        }
        Ok(self)
    }
}

/// Sender IDs and numbers longer than this are refused: an alphanumeric sender ID is at most
/// 11 characters on the air and a number at most 15 digits, so a longer one is a mistake
/// (a sentence pasted into the field), and 64 leaves room for spacing and punctuation.
pub const MAX_SENDER_CHARS: usize = 64;

/// Check a sender as written in a registry, the blocked list or a command: not blank, at most
/// [`MAX_SENDER_CHARS`] characters, and a number or a sender name. The error says which.
pub fn check_sender(s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err(format!("{s:?} is blank: write a number or a sender name"));
    }
    let n = s.trim().chars().count();
    if n > MAX_SENDER_CHARS {
        return Err(format!(
            "{:?}… is {n} characters long; a sender has at most {MAX_SENDER_CHARS}",
            s.trim().chars().take(16).collect::<String>()
        ));
    }
    if sender::parse(s, sender::DEFAULT_REGION).kind == sender::SenderKind::Unknown {
        return Err(format!("{s:?} is neither a number nor a sender name"));
    }
    Ok(())
}

/// Reduce a written domain to its ASCII (punycode) lowercase form, refusing anything that is
/// not a host name (`*.x.com`, `a..com`, `-x-.com`, `a_b.com`, a label over 63 characters, a
/// name over 253, a leading or trailing dot, spaces) or is only a public suffix (listing
/// `co.jp` would make every link official). Internationalised names are kept: `例え.jp` and
/// `xn--r8jz45g.jp` are the same domain.
pub fn normalize_domain(d: &str) -> Result<String, String> {
    if d.trim().is_empty() {
        return Err("empty domain".into());
    }
    if d.contains("://") || d.contains('/') || d.contains('@') || d.contains(':') {
        return Err(format!(
            "{d:?} must be a bare domain such as \"example.co.jp\" (no scheme, path, port or user)"
        ));
    }
    if d.chars().any(char::is_whitespace) {
        return Err(format!(
            "{d:?} contains a space: a domain is one word such as \"example.co.jp\""
        ));
    }
    if d.contains('*') {
        return Err(format!(
            "{d:?} is a wildcard: write the domain itself (\"example.com\"), its subdomains \
             count already"
        ));
    }
    let ascii =
        idna::domain_to_ascii(d).map_err(|_| format!("{d:?} is not a valid domain name"))?;
    // Checked on the ASCII form, where full-width dots (`。`) have become dots and an
    // internationalised label its `xn--` form, whose length is what DNS limits.
    if ascii.starts_with('.') || ascii.ends_with('.') {
        return Err(format!(
            "{d:?} starts or ends with a dot: write it without (\"example.com\")"
        ));
    }
    if ascii.len() > 253 {
        return Err(format!(
            "{d:?} is {} characters long as a domain name; the limit is 253",
            ascii.len()
        ));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(format!("{d:?} has two dots in a row"));
        }
        if label.len() > 63 {
            return Err(format!(
                "{d:?} has a label of {} characters; a label has at most 63",
                label.len()
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!(
                "{d:?} contains {c:?}: a domain's labels are letters, digits and hyphens"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "{d:?} has a label that starts or ends with a hyphen ({label:?})"
            ));
        }
    }
    if !ascii.contains('.') {
        return Err(format!("{d:?} has no top-level domain"));
    }
    let split = crate::signals::suffix::split(&ascii).filter(|s| s.known);
    let Some(split) = split else {
        return Err(format!("{d:?} does not end in a known public suffix"));
    };
    if split.domain.is_none() && !crate::signals::suffix::may_be_listed(&ascii) {
        return Err(format!(
            "{d:?} is a public suffix shared by many owners, not a service's domain"
        ));
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::tests::one;
    use crate::registry::RegistryFile;

    #[test]
    fn validation_names_entry_and_field() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"version":1,"services":[{"id":"x","name":"X","domains":["co.jp"],"links":"never"}]}"#,
                "services[0] (id \"x\"): field `domains[0]`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x","name":"X","domains":["https://x.com/"]}]}"#,
                "field `domains[0]`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x","name":"X","links":"sometimes"}]}"#,
                "field `links`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x","name":"X","domain":["x.com"]}]}"#,
                "field `domain`",
            ),
            (
                r#"{"version":1,"services":[{"id":"Bad Id"}]}"#,
                "field `id`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x","aliases":["a"]}]}"#,
                "field `aliases[0]`",
            ),
            (
                r#"{"version":1,"services":[{"id":"x"},{"id":"x"}]}"#,
                "services[1] (id \"x\"): field `id`",
            ),
            (
                r#"{"version":2,"services":[]}"#,
                "version 2 is not supported",
            ),
            (r#"{"services":[]}"#, "missing field `version`"),
            (r#"not json"#, "not valid JSON"),
        ];
        for (text, want) in cases {
            let e = RegistryFile::from_json(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}\n  gave {e}\n  want {want}");
        }
    }

    #[test]
    fn refuses_blank_ids_and_names() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"version":1,"services":[{"id":""}]}"#,
                "field `id`: \"\" is blank",
            ),
            (
                r#"{"version":1,"services":[{"id":"   "}]}"#,
                "field `id`: \"   \" is blank",
            ),
            (r#"{"version":1,"services":[{"id":"\t"}]}"#, "is blank"),
            (
                &one(r#""name":"""#),
                "services[0] (id \"x\"): field `name`: \"\" is blank",
            ),
            (&one(r#""name":"  ""#), "field `name`: \"  \" is blank"),
            (&one(r#""name":"　""#), "field `name`"),
            (&one(r#""aliases":["  "]"#), "field `aliases[0]`"),
            (
                &one(r#""senders":["   "]"#),
                "field `senders[0]`: \"   \" is blank",
            ),
        ];
        for (text, want) in cases {
            let e = RegistryFile::from_json(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}\n  gave {e}\n  want {want}");
        }
        // No name at all is the id's (or, merged, the built-in name's): still fine.
        RegistryFile::from_json(&one(r#""domains":["x.com"]"#)).unwrap();
        // The same rules for a service written by hand (the gateway's `add`).
        let spec = |id: &str, name: &str| ServiceSpec {
            id: id.into(),
            name: name.into(),
            ..RegistryFile::from_json(&one("\"name\":\"X\""))
                .unwrap()
                .services
                .remove(0)
        };
        assert!(spec(" ", "X").validated_for("e").is_err());
        assert!(spec("x", " ").validated_for("e").is_err());
        assert!(spec("x", "").validated_for("e").is_ok());
    }

    #[test]
    fn refuses_malformed_domains() {
        let long_label = format!("{}.com", "a".repeat(64));
        let ok_label = format!("{}.com", "a".repeat(63));
        let long_name = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        let bad: &[(&str, &str)] = &[
            ("*.x.com", "wildcard"),
            ("a..com", "two dots in a row"),
            ("-x-.com", "hyphen"),
            ("x-.com", "hyphen"),
            ("a_b.com", "'_'"),
            (&long_label, "a label of 64 characters"),
            (&long_name, "the limit is 253"),
            (".x.com", "starts or ends with a dot"),
            ("x.com.", "starts or ends with a dot"),
            ("x.com。", "starts or ends with a dot"),
            ("x .com", "contains a space"),
            (" x.com", "contains a space"),
            ("x.com ", "contains a space"),
            ("x.co\u{3000}jp", "contains a space"),
            ("x!.com", "'!'"),
            ("", "empty domain"),
            ("  ", "empty domain"),
            ("https://x.com/", "bare domain"),
            ("co.jp", "public suffix"),
            ("jp", "no top-level domain"),
            ("x.notatld", "known public suffix"),
        ];
        for (d, want) in bad {
            let e = normalize_domain(d).unwrap_err();
            assert!(e.contains(want), "{d:?}\n  gave {e}\n  want {want}");
            // And through a file: the entry and the field are named.
            let text = one(&format!(r#""domains":["ok.com",{}]"#, serde_json::json!(d)));
            let e = RegistryFile::from_json(&text).unwrap_err().to_string();
            assert!(
                e.contains("services[0] (id \"x\"): field `domains[1]`") && e.contains(want),
                "{d:?} gave {e}"
            );
        }
        let good: &[(&str, &str)] = &[
            ("example.co.jp", "example.co.jp"),
            ("Example.COM", "example.com"),
            ("例え.jp", "xn--r8jz45g.jp"),
            ("xn--r8jz45g.jp", "xn--r8jz45g.jp"),
            ("例え。jp", "xn--r8jz45g.jp"),
            ("sagawa-exp.co.jp", "sagawa-exp.co.jp"),
            ("e-tax.nta.go.jp", "e-tax.nta.go.jp"),
            (&ok_label, &ok_label),
            // A public body may name its government-only suffix (HMRC lists gov.uk).
            ("go.jp", "go.jp"),
            ("gov.uk", "gov.uk"),
            ("lg.jp", "lg.jp"),
        ];
        for (d, want) in good {
            assert_eq!(normalize_domain(d).as_deref(), Ok(*want), "{d:?}");
        }
    }

    #[test]
    fn refuses_senders_over_64_characters() {
        let s64 = "A".repeat(64);
        let s65 = "A".repeat(65);
        let cases: &[(&str, Option<&str>)] = &[
            (&s64, None),
            (&s65, Some("is 65 characters long; a sender has at most 64")),
            ("+81 90-1234-5678", None),
            ("---", Some("neither a number nor a sender name")),
        ];
        for (sender, want) in cases {
            let text = one(&format!(r#""senders":[{}]"#, serde_json::json!(sender)));
            let got = RegistryFile::from_json(&text).map(|_| ());
            match want {
                None => assert!(got.is_ok(), "{sender:?}: {got:?}"),
                Some(w) => {
                    let e = got.unwrap_err().to_string();
                    assert!(e.contains("field `senders[0]`") && e.contains(w), "{e}");
                }
            }
            // The blocked list is held to the same rules.
            let text = format!(
                r#"{{"version":1,"blocked":[{}]}}"#,
                serde_json::json!(sender)
            );
            let got = RegistryFile::from_json(&text).map(|_| ());
            match want {
                None => assert!(got.is_ok(), "{sender:?}: {got:?}"),
                Some(w) => {
                    let e = got.unwrap_err().to_string();
                    assert!(e.contains("field `blocked[0]`") && e.contains(w), "{e}");
                }
            }
        }
    }
}
