//! Attribute values as SMS Backup & Restore writes them: XML references resolved, UTF-16
//! surrogate pairs written as two references joined, the text kept to a cap.

/// Decode an attribute value (UTF-8) and resolve its references, joining UTF-16 surrogate
/// pairs written as two references; keep at most `cap` bytes of text (cut at a character,
/// the rest not even looked at), and say whether it was cut.
pub(super) fn unescape(raw: &[u8], cap: usize) -> Result<(String, bool), String> {
    let s = std::str::from_utf8(raw).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut out = String::with_capacity(s.len().min(cap));
    // Append what fits; false once the cap is reached.
    let push = |out: &mut String, t: &str| -> bool {
        if out.len() + t.len() <= cap {
            out.push_str(t);
            return true;
        }
        let mut end = cap - out.len();
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&t[..end]);
        false
    };
    let mut rest = s;
    // A high surrogate waiting for its low half.
    let mut high: Option<u32> = None;
    while let Some(amp) = rest.find('&') {
        // Where the reference starts: errors name this, never the reference, whose letters
        // are the message's (`&874512;`).
        let at = s.len() - rest.len() + amp;
        let before = &rest[..amp];
        if !before.is_empty() {
            if high.take().is_some() && !push(&mut out, "\u{FFFD}") {
                return Ok((out, true));
            }
            if !push(&mut out, before) {
                return Ok((out, true));
            }
        }
        let after = &rest[amp + 1..];
        let semi = match after.find(';') {
            Some(i) if i <= 32 => i,
            _ => {
                return Err(format!(
                    "a `&` at byte {at} of the value is not the start of a reference (write \
                     `&amp;`)"
                ))
            }
        };
        let name = &after[..semi];
        rest = &after[semi + 1..];
        let mut decoded = ['\0'; 2];
        let mut n = 0;
        if let Some(num) = name.strip_prefix('#') {
            let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => num.parse::<u32>(),
            }
            .map_err(|_| {
                format!("the reference at byte {at} of the value is not a character reference")
            })?;
            match (high.take(), code) {
                (None, 0xD800..=0xDBFF) => high = Some(code),
                (Some(h), 0xDC00..=0xDFFF) => {
                    let c = 0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00);
                    decoded[0] = char::from_u32(c).unwrap_or('\u{FFFD}');
                    n = 1;
                }
                (h, code) => {
                    if h.is_some() {
                        decoded[n] = '\u{FFFD}';
                        n += 1;
                    }
                    if (0xD800..=0xDBFF).contains(&code) {
                        high = Some(code);
                    } else {
                        decoded[n] = char::from_u32(code)
                            .filter(|&c| c != '\0')
                            .unwrap_or('\u{FFFD}');
                        n += 1;
                    }
                }
            }
        } else {
            if high.take().is_some() {
                decoded[n] = '\u{FFFD}';
                n += 1;
            }
            decoded[n] = match name {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    return Err(format!(
                        "unknown entity at byte {at} of the value (XML has &lt; &gt; &amp; \
                         &quot; &apos; and character references)"
                    ))
                }
            };
            n += 1;
        }
        for c in &decoded[..n] {
            if !push(&mut out, c.encode_utf8(&mut [0; 4])) {
                return Ok((out, true));
            }
        }
    }
    if high.is_some() && !push(&mut out, "\u{FFFD}") {
        return Ok((out, true));
    }
    let whole = push(&mut out, rest);
    Ok((out, !whole))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_table() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("plain", Ok("plain")),
            ("", Ok("")),
            ("a&#10;b&#13;&#9;c", Ok("a\nb\r\tc")),
            ("&#x1F600;", Ok("\u{1F600}")),
            ("&#55357;&#56832;&#55357;&#56833;", Ok("\u{1F600}\u{1F601}")),
            ("&#56832;", Ok("\u{FFFD}")),
            ("&#55357;&amp;", Ok("\u{FFFD}&")),
            ("&#0;", Ok("\u{FFFD}")),
            ("&#1114112;", Ok("\u{FFFD}")),
            (
                "&#abc;",
                Err("at byte 0 of the value is not a character reference"),
            ),
            (
                "AT&T",
                Err("a `&` at byte 2 of the value is not the start of a reference"),
            ),
            ("x&amp;&bogus;", Err("unknown entity at byte 6")),
        ];
        for (raw, want) in cases {
            match (unescape(raw.as_bytes(), usize::MAX), want) {
                (Ok((got, cut)), Ok(want)) => {
                    assert_eq!(got, *want, "{raw}");
                    assert!(!cut);
                }
                (Err(got), Err(want)) => assert!(got.contains(want), "{raw}: {got}"),
                (got, want) => panic!("{raw}: got {got:?}, want {want:?}"),
            }
        }
    }
}
