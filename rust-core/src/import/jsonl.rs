//! JSON Lines, the input of `smishgate check`: one message a line, each line read into a buffer
//! capped at [`LINE_CAP`] and parsed with errors that name fields and keys, never a value.

use super::{ErrorKind, ImportError, ImportItem, BODY_CAP, LINE_CAP};
use crate::import::timestamp;
use crate::sms::Sms;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::io::{self, BufRead};

/// A reader of JSON Lines (the input of `smishgate check`).
#[derive(Debug)]
pub struct JsonLinesReader<R> {
    reader: R,
    line: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonLinesReader<R> {
    /// Read JSON Lines from the start of `reader`.
    pub fn new(reader: R) -> Self {
        Self::starting_at_line(reader, 0)
    }

    pub(super) fn starting_at_line(reader: R, lines_before: u64) -> Self {
        JsonLinesReader {
            reader,
            line: lines_before,
            buf: Vec::new(),
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for JsonLinesReader<R> {
    type Item = Result<ImportItem, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buf.clear();
            match read_line_capped(&mut self.reader, &mut self.buf, LINE_CAP) {
                Ok((0, _)) => self.done = true,
                Ok((_, whole)) => {
                    self.line += 1;
                    let position = format!("line {}", self.line);
                    if !whole {
                        return Some(Err(ImportError::new(
                            ErrorKind::BadRecord,
                            position,
                            format!("longer than {} MiB: not read", LINE_CAP >> 20),
                        )));
                    }
                    if self.buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(match parse_json_record(&self.buf).sms {
                        Ok(mut sms) => {
                            let cut = cut_to(&mut sms.body, BODY_CAP);
                            sms.cut = cut;
                            Ok(ImportItem { position, sms, cut })
                        }
                        Err(message) => {
                            Err(ImportError::new(ErrorKind::BadRecord, position, message))
                        }
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(ImportError::new(
                        ErrorKind::Io,
                        format!("line {}", self.line + 1),
                        format!("cannot read the input: {e}"),
                    )));
                }
            }
        }
        None
    }
}

/// Read one line, through its `\n`, keeping at most `max` bytes of it in `buf` (the rest is
/// read and dropped): the bytes read, and whether all of them were kept.
fn read_line_capped<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<(usize, bool)> {
    let mut read = 0;
    let mut whole = true;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((read, whole));
        }
        let (n, end) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = max.saturating_sub(buf.len());
        if n > room {
            whole = false;
        }
        buf.extend_from_slice(&chunk[..n.min(room)]);
        r.consume(n);
        read += n;
        if end {
            return Ok((read, whole));
        }
    }
}

/// Cut `text` to at most `max` bytes at a character boundary; whether anything was cut.
fn cut_to(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    // The allocation is the long text's: give it back, or a batch of cut bodies holds them all.
    text.shrink_to_fit();
    true
}

/// One line of JSON Lines, parsed: its `id` exactly as written and the message, or what is
/// wrong with the line.
#[derive(Debug)]
pub struct JsonRecord<'a> {
    /// The `id` token exactly as it was written — a string with its quotes and escapes, a
    /// number with all its digits (`123456789012345678901234567890` stays that, not `1.23e29`)
    /// — when the line has one that is a string or a number. `None` when it has none, when it
    /// is `null`, or when the line is not a JSON object.
    pub id: Option<&'a RawValue>,
    /// The message, or what is wrong with the line (naming fields and keys, never a value).
    pub sms: Result<Sms, String>,
}

/// Parse one line of JSON Lines (`{"id"?, "sender", "body", "received_at"?}`; other keys are
/// ignored). A key given twice is an error naming the key: JSON leaves the meaning of a
/// duplicate open, and taking the first or the last silently could judge a body other than the
/// one a reader of the line sees. Error messages name positions, fields and keys, never a
/// value: serde's "invalid type: string \"…\"" would quote the body, so values are checked
/// here rather than by typed deserialization.
pub fn parse_json_record(raw: &[u8]) -> JsonRecord<'_> {
    let mut record = JsonRecord {
        id: None,
        sms: Err(String::new()),
    };
    record.sms = parse_json_fields(raw, &mut record.id);
    record
}

fn parse_json_fields<'a>(raw: &'a [u8], id_out: &mut Option<&'a RawValue>) -> Result<Sms, String> {
    let text = std::str::from_utf8(raw).map_err(|e| format!("not UTF-8: {e}"))?;
    // Syntax first, as one raw value: serde_json's syntax errors name a line and column only.
    let whole: &RawValue = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if !whole.get().starts_with('{') {
        return Err("not a JSON object".into());
    }
    let fields: Fields<'_> =
        serde_json::from_str(whole.get()).map_err(|_| "not a JSON object".to_string())?;
    let mut map: std::collections::BTreeMap<&str, &RawValue> = std::collections::BTreeMap::new();
    for (key, value) in &fields.0 {
        if map.insert(key.as_str(), *value).is_some() {
            return Err(format!("key {} appears more than once", key_name(key)));
        }
    }
    match map.get("id").map(|v| v.get()) {
        None | Some("null") => {}
        Some(t)
            if t.starts_with('"')
                || t.starts_with('-')
                || t.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            *id_out = map.get("id").copied();
        }
        Some(_) => return Err("field `id` must be a string or a number".into()),
    }
    let string = |field: &str| -> Result<String, String> {
        match map.get(field).map(|v| v.get()) {
            Some(t) if t.starts_with('"') => serde_json::from_str::<String>(t)
                .map_err(|_| format!("field `{field}` must be a string")),
            None | Some("null") => Err(format!("missing field `{field}` (a string)")),
            Some(_) => Err(format!("field `{field}` must be a string")),
        }
    };
    let sender = string("sender")?;
    let body = string("body")?;
    let received_at = match map.get("received_at").map(|v| v.get()) {
        None | Some("null") => None,
        Some(t) if t.starts_with('"') => {
            let s: String = serde_json::from_str(t).map_err(|_| RECEIVED_AT.to_string())?;
            // The parser's own message quotes the value; say what is expected instead.
            Some(timestamp::parse_rfc3339(&s).map_err(|_| {
                "field `received_at` is not an RFC 3339 time such as 2026-11-21T09:12:44+09:00"
                    .to_string()
            })?)
        }
        Some(t) => match t.parse::<i64>() {
            Ok(ms) if ms >= 0 => Some(ms),
            _ => return Err(RECEIVED_AT.into()),
        },
    };
    Ok(Sms {
        sender,
        body,
        received_at,
        cut: false,
    })
}

const RECEIVED_AT: &str = "field `received_at` must be RFC 3339 text or epoch milliseconds";

/// A key as an error names it: in backquotes when it is a short plain name, else only its
/// length (a key is not message content, but nothing forces a writer to keep it short).
fn key_name(key: &str) -> String {
    if key.len() <= 40 && key.bytes().all(|b| b.is_ascii_graphic() && b != b'`') {
        format!("`{key}`")
    } else {
        format!("of {} bytes", key.len())
    }
}

/// The members of a JSON object in order, duplicates kept (serde_json's `Map` would keep only
/// the last), each value as written.
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    members.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(Fields(members))
            }
        }
        d.deserialize_map(Members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{read_all, sms};
    use crate::import::{open, Skipped};

    #[test]
    fn json_lines_table() {
        let rows: &[(&str, Result<Sms, &str>)] = &[
            (
                r#"{"id":"a1","sender":"+819012345678","body":"hi","received_at":"2026-11-21T09:12:44+09:00"}"#,
                Ok(sms("+819012345678", "hi", Some(1_795_219_964_000))),
            ),
            (
                r#"{"sender":"Google","body":"G-1 code","received_at":1763683964000}"#,
                Ok(sms("Google", "G-1 code", Some(1_763_683_964_000))),
            ),
            (r#"{"id":7,"sender":"x","body":""}"#, Ok(sms("x", "", None))),
            (
                r#"{"sender":"x","body":"b","received_at":null}"#,
                Ok(sms("x", "b", None)),
            ),
            (
                r#"{"body":"no sender"}"#,
                Err("missing field `sender` (a string)"),
            ),
            (
                r#"{"sender":5,"body":"x"}"#,
                Err("field `sender` must be a string"),
            ),
            (r#"{"sender":"x"}"#, Err("missing field `body` (a string)")),
            (
                r#"{"sender":"x","body":"b","received_at":"yesterday"}"#,
                Err("field `received_at`"),
            ),
            (
                r#"{"sender":"x","body":"b","received_at":-5}"#,
                Err("epoch milliseconds"),
            ),
            (r#"{"sender":"x","body":"b","id":[1]}"#, Err("field `id`")),
            (r#"{"sender":"x","body":"b""#, Err("not JSON")),
            (r#"{} {}"#, Err("not JSON")),
            (
                r#"{"sender":"x","body":"b","body":"c"}"#,
                Err("key `body` appears more than once"),
            ),
            (
                r#"{"sender":"x","body":"b","bo\u0064y":"c"}"#,
                Err("key `body` appears more than once"),
            ),
            (
                r#"{"sender":"x","sender":"y","body":"b"}"#,
                Err("key `sender` appears more than once"),
            ),
            (
                r#"{"sender":"x","body":"b","received_at":1.5}"#,
                Err("epoch milliseconds"),
            ),
        ];
        for (line, want) in rows {
            let (items, skipped) = read_all(&format!("{line}\n"));
            assert_eq!(skipped, Skipped::default());
            assert_eq!(items.len(), 1, "{line}");
            match (&items[0], want) {
                (Ok((pos, got)), Ok(want)) => {
                    assert_eq!(pos, "line 1");
                    assert_eq!(got, want, "{line}");
                }
                (Err((kind, pos, msg)), Err(want)) => {
                    assert_eq!(*kind, ErrorKind::BadRecord);
                    assert_eq!(pos, "line 1");
                    assert!(msg.contains(want), "{line}: {msg}");
                }
                (got, want) => panic!("{line}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn json_ids_are_kept_as_written() {
        let rows: &[(&str, Option<&str>)] = &[
            (
                r#"{"id":123456789012345678901234567890,"sender":"a","body":"b"}"#,
                Some("123456789012345678901234567890"),
            ),
            (
                r#"{"id": "caf\u00e9" ,"sender":"a","body":"b"}"#,
                Some(r#""caf\u00e9""#),
            ),
            (r#"{"id":-0.5e-3,"sender":"a","body":"b"}"#, Some("-0.5e-3")),
            (r#"{"id":null,"sender":"a","body":"b"}"#, None),
            (r#"{"sender":"a","body":"b"}"#, None),
            (r#"{"id":[1],"sender":"a","body":"b"}"#, None),
            // The id of a bad line still comes back.
            (r#"{"id":"k","body":"b"}"#, Some(r#""k""#)),
        ];
        for (line, want) in rows {
            let r = parse_json_record(line.as_bytes());
            assert_eq!(r.id.map(RawValue::get), *want, "{line}");
        }
        // Lines that are JSON but no object (after the first line `check` and `scan` read them).
        for line in [r#"["sender","body"]"#, r#""just a string""#, "12", "null"] {
            let r = parse_json_record(line.as_bytes());
            assert_eq!(r.sms, Err("not a JSON object".into()), "{line}");
            assert!(r.id.is_none());
        }
    }

    #[test]
    fn json_lines_positions_and_recovery() {
        let input = "\n\n{\"sender\":\"a\",\"body\":\"1\"}\nnot json\n\n[1]\r\n{\"sender\":\"b\",\"body\":\"2\"}";
        let (items, _) = read_all(input);
        let summary: Vec<String> = items
            .iter()
            .map(|r| match r {
                Ok((p, s)) => format!("{p}: ok {}", s.body),
                Err((_, p, _)) => format!("{p}: bad"),
            })
            .collect();
        assert_eq!(
            summary,
            ["line 3: ok 1", "line 4: bad", "line 6: bad", "line 7: ok 2"]
        );
        let mut imp = open(&b"{\"sender\":\"a\",\"body\":\"x\"}\n\xff\xfe\n"[..]).unwrap();
        assert!(imp.next().unwrap().is_ok());
        let e = imp.next().unwrap().unwrap_err();
        assert_eq!(
            (e.kind, e.position.as_str()),
            (ErrorKind::BadRecord, "line 2")
        );
        assert!(e.message.contains("UTF-8"));
        assert!(imp.next().is_none());
    }

    #[test]
    fn long_json_lines() {
        let body = "b".repeat(BODY_CAP * 2);
        let input = format!(
            "{{\"sender\":\"a\",\"body\":\"{body}\"}}\n{{\"sender\":\"a\",\"body\":\"{}\"}}\n{{\"sender\":\"c\",\"body\":\"ok\"}}\n",
            "x".repeat(LINE_CAP)
        );
        let items: Vec<_> = open(input.as_bytes()).unwrap().collect();
        assert_eq!(items.len(), 3);
        let first = items[0].as_ref().unwrap();
        assert!(first.cut && first.sms.body.len() == BODY_CAP);
        assert!(
            first.sms.body.capacity() <= BODY_CAP,
            "the long line's allocation is freed"
        );
        let e = items[1].as_ref().unwrap_err();
        assert_eq!(
            (e.kind, e.position.as_str()),
            (ErrorKind::BadRecord, "line 2")
        );
        assert!(e.message.contains("longer than 1 MiB"), "{e}");
        let third = items[2].as_ref().unwrap();
        assert_eq!(
            (third.position.as_str(), third.sms.body.as_str(), third.cut),
            ("line 3", "ok", false)
        );
    }
}
