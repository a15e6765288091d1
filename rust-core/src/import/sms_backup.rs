//! The XML of SMS Backup & Restore: the root must be `<smses>`, received `<sms>` elements become
//! messages, other elements are skipped and counted, and quick-xml's errors are reworded so that
//! they show no message content.

use super::bounded::{Bounded, Cuts, VALUE_CAP};
use super::unescape::unescape;
use super::{ErrorKind, ImportError, ImportItem, Skipped, BODY_CAP};
use crate::sms::Sms;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

/// A reader of the XML of SMS Backup & Restore.
pub struct SmsBackupReader<R> {
    reader: Reader<Bounded<R>>,
    /// Bytes before what the XML reader saw (skipped by detection).
    base: u64,
    buf: Vec<u8>,
    /// `<sms>` elements seen, of any type.
    sms_seen: u64,
    skipped: Skipped,
    /// Open elements.
    depth: u32,
    root_seen: bool,
    root_closed: bool,
    done: bool,
}

impl<R> fmt::Debug for SmsBackupReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsBackupReader")
            .field("sms_seen", &self.sms_seen)
            .field("skipped", &self.skipped)
            .finish()
    }
}

impl<R: BufRead> SmsBackupReader<R> {
    /// Read an export from the start of `reader`.
    pub fn new(reader: R) -> Self {
        Self::starting_at_byte(reader, 0)
    }

    pub(super) fn starting_at_byte(reader: R, base: u64) -> Self {
        let mut reader = Reader::from_reader(Bounded::new(reader));
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        SmsBackupReader {
            reader,
            base,
            buf: Vec::with_capacity(4096),
            sms_seen: 0,
            skipped: Skipped::default(),
            depth: 0,
            root_seen: false,
            root_closed: false,
            done: false,
        }
    }

    /// What was skipped on purpose so far.
    pub fn skipped(&self) -> Skipped {
        self.skipped
    }

    /// Where the XML reader is, as an offset in its input (what `Bounded` dropped counted),
    /// forgetting the cuts and drops before it: positions are asked for in order.
    fn position(&mut self) -> u64 {
        let passed = self.reader.buffer_position();
        let lexer = &mut self.reader.get_mut().lexer;
        lexer.forget_before(passed);
        lexer.real(passed)
    }

    fn fatal(
        &mut self,
        kind: ErrorKind,
        at: u64,
        message: String,
    ) -> Option<<Self as Iterator>::Item> {
        self.done = true;
        Some(Err(ImportError::new(kind, format!("byte {at}"), message)))
    }

    fn xml_error(&mut self, e: quick_xml::Error) -> Option<<Self as Iterator>::Item> {
        let e = self.xml_error_value(e);
        self.done = true;
        Some(Err(e))
    }

    fn xml_error_value(&self, e: quick_xml::Error) -> ImportError {
        let at = self.base
            + self
                .reader
                .get_ref()
                .lexer
                .real(self.reader.error_position());
        let kind = match &e {
            // Bounded's own verdict on the markup, not a failure to read.
            quick_xml::Error::Io(io) if io.kind() == io::ErrorKind::InvalidData => {
                ErrorKind::Syntax
            }
            quick_xml::Error::Io(_) => ErrorKind::Io,
            _ => ErrorKind::Syntax,
        };
        let message = match &e {
            quick_xml::Error::Io(io) if io.kind() == io::ErrorKind::InvalidData => io.to_string(),
            quick_xml::Error::Io(io) => format!("cannot read the input: {io}"),
            other => format!("the XML is not well formed: {}", describe_xml_error(other)),
        };
        ImportError::new(kind, format!("byte {at}"), message)
    }

    /// Read the prolog (declaration, comments, processing instructions, a document type,
    /// whitespace) up to the root element, and check that the root is `<smses>`.
    pub(super) fn read_root(&mut self) -> Result<(), ImportError> {
        loop {
            self.buf.clear();
            let at = self.base + self.position();
            let not_export = |what: &str| {
                ImportError::new(
                    ErrorKind::UnknownFormat,
                    format!("byte {at}"),
                    format!("{what}: not an SMS Backup & Restore message export"),
                )
            };
            let (name, empty) = match self.reader.read_event_into(&mut self.buf) {
                Err(e) => return Err(self.xml_error_value(e)),
                Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_)) => {
                    continue
                }
                Ok(Event::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(Event::Start(e)) => (e.local_name().as_ref().to_vec(), false),
                Ok(Event::Empty(e)) => (e.local_name().as_ref().to_vec(), true),
                Ok(Event::Eof) => return Err(not_export("no <smses> element")),
                Ok(_) => return Err(not_export("text before the root element")),
            };
            if name != b"smses" {
                let what = match element_name(&name) {
                    Some(n) => format!("the root element is <{n}>, not <smses>"),
                    None => "the root element is not <smses>".to_string(),
                };
                return Err(not_export(&what));
            }
            self.root_seen = true;
            if empty {
                self.root_closed = true;
            } else {
                self.depth = 1;
            }
            return Ok(());
        }
    }
}

/// What is wrong, in quick-xml's words where they name no content. Its ill-formedness errors
/// quote tag and attribute names, and a message whose quotes broke the markup
/// (`body="a"</secret>"`) turns message text into names: only the export's own element names
/// are shown.
fn describe_xml_error(e: &quick_xml::Error) -> String {
    use quick_xml::errors::IllFormedError as I;
    // Inside the document only the export's own element names are shown: any other name may
    // be message text (`body="x"/></secret>`).
    let tag = |name: &str| match name {
        "smses" | "sms" | "mms" | "parts" | "part" | "addrs" | "addr" => format!("`</{name}>`"),
        _ => "another end tag".to_string(),
    };
    match e {
        quick_xml::Error::IllFormed(I::MismatchedEndTag { expected, found }) => {
            format!("{} was expected, {} was found", tag(expected), tag(found))
        }
        quick_xml::Error::IllFormed(I::UnmatchedEndTag(found)) => {
            format!("{} closes no open element", tag(found))
        }
        quick_xml::Error::IllFormed(I::MissingEndTag(expected)) => {
            format!("{} is missing at the end of the input", tag(expected))
        }
        quick_xml::Error::IllFormed(I::MissingDeclVersion(_)) => {
            "the XML declaration does not start with `version`".to_string()
        }
        // Positions and fixed words only.
        quick_xml::Error::Syntax(_)
        | quick_xml::Error::InvalidAttr(_)
        | quick_xml::Error::IllFormed(_)
        | quick_xml::Error::Encoding(_) => e.to_string(),
        _ => "malformed markup".to_string(),
    }
}

/// A root element's name as an error may show it (`<html>`: nothing of a message comes before
/// the root): a plain name of at most 40 characters, else nothing.
fn element_name(name: &[u8]) -> Option<&str> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    ok.then(|| std::str::from_utf8(name).ok()).flatten()
}

/// What one start tag inside the root is, once the borrow of the reader's buffer is over.
enum Element {
    /// A received message and whether its body was cut; `None` for one not received.
    Sms(Result<Option<(Sms, bool)>, String>),
    Mms,
    Other,
}

fn classify_element(e: &BytesStart<'_>, cuts: Cuts) -> Element {
    match e.local_name().as_ref() {
        b"sms" => Element::Sms(parse_sms(e, cuts)),
        b"mms" => Element::Mms,
        _ => Element::Other,
    }
}

impl<R: BufRead> Iterator for SmsBackupReader<R> {
    type Item = Result<ImportItem, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if !self.root_seen && !self.done {
            // Read with `SmsBackupReader::new` rather than `open`: the root is checked here.
            if let Err(e) = self.read_root() {
                self.done = true;
                return Some(Err(e));
            }
        }
        while !self.done {
            self.buf.clear();
            let at_passed = self.reader.buffer_position();
            let at = self.base + self.position();
            if self.root_closed {
                // After the root: only comments, processing instructions and whitespace.
                match self.reader.read_event_into(&mut self.buf) {
                    Err(e) => return self.xml_error(e),
                    Ok(Event::Eof) => {
                        self.done = true;
                        return None;
                    }
                    Ok(Event::Comment(_) | Event::PI(_)) => continue,
                    Ok(Event::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => continue,
                    Ok(_) => {
                        return self.fatal(
                            ErrorKind::Syntax,
                            at,
                            "content after </smses>: an export ends with its root element".into(),
                        )
                    }
                }
            }
            let (element, is_start, name) = match self.reader.read_event_into(&mut self.buf) {
                Err(e) => return self.xml_error(e),
                Ok(Event::Eof) => {
                    self.done = true;
                    if !self.root_closed {
                        return self.fatal(
                            ErrorKind::Syntax,
                            at,
                            "the file ends before </smses>: it is truncated".into(),
                        );
                    }
                    return None;
                }
                Ok(Event::End(_)) => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.root_closed = true;
                    }
                    continue;
                }
                Ok(Event::Start(e)) => {
                    let name = e.name().as_ref().to_vec();
                    let cuts = self.reader.get_ref().lexer.cuts_at(at_passed);
                    (classify_element(&e, cuts), true, name)
                }
                Ok(Event::Empty(e)) => {
                    let cuts = self.reader.get_ref().lexer.cuts_at(at_passed);
                    (classify_element(&e, cuts), false, Vec::new())
                }
                Ok(_) => continue, // comments, processing instructions, text
            };
            match element {
                Element::Mms => {
                    self.skipped.mms += 1;
                    if is_start {
                        // Skip its parts (which may carry large attachments) without keeping them.
                        self.buf.clear();
                        if let Err(e) = self.reader.read_to_end_into(QName(&name), &mut self.buf) {
                            return self.xml_error(e);
                        }
                    }
                }
                Element::Other => {
                    if is_start {
                        self.depth += 1;
                    }
                }
                Element::Sms(parsed) => {
                    if is_start {
                        self.depth += 1;
                    }
                    self.sms_seen += 1;
                    let position = format!("sms #{} (byte {at})", self.sms_seen);
                    match parsed {
                        Ok(Some((mut sms, cut))) => {
                            sms.cut = cut;
                            return Some(Ok(ImportItem { position, sms, cut }));
                        }
                        Ok(None) => self.skipped.not_received += 1,
                        Err(message) => {
                            return Some(Err(ImportError::new(
                                ErrorKind::BadRecord,
                                position,
                                message,
                            )))
                        }
                    }
                }
            }
        }
        None
    }
}

/// An `<sms>` element as a message and whether its body was cut; `None` when it is not a
/// received message. `cuts`: what `Bounded` cut of its attributes.
fn parse_sms(e: &BytesStart<'_>, cuts: Cuts) -> Result<Option<(Sms, bool)>, String> {
    // Borrowed from the tag's buffer: no copy of a long value.
    let mut address: Option<Cow<'_, [u8]>> = None;
    let mut body = None;
    let mut date = None;
    let mut kind = None;
    for attr in e.attributes() {
        let attr = attr.map_err(|e| format!("malformed attribute: {e}"))?;
        let slot = match attr.key.local_name().as_ref() {
            b"address" => &mut address,
            b"body" => &mut body,
            b"date" => &mut date,
            b"type" => &mut kind,
            _ => continue,
        };
        *slot = Some(attr.value);
    }
    let text = |name: &str, raw: Option<Cow<'_, [u8]>>| -> Result<Option<String>, String> {
        raw.map(|r| {
            unescape(&r, usize::MAX)
                .map(|(t, _)| t)
                .map_err(|m| format!("attribute `{name}`: {m}"))
        })
        .transpose()
    };
    if let Some(name) = cuts.other {
        return Err(format!(
            "attribute `{name}` is longer than {} KiB",
            VALUE_CAP >> 10
        ));
    }
    let kind = text("type", kind)?.ok_or("missing attribute `type`")?;
    if kind.trim() != "1" {
        return Ok(None);
    }
    let address = text("address", address)?.ok_or("missing attribute `address`")?;
    if address.trim().is_empty() {
        return Err("attribute `address` is empty".into());
    }
    let (body, body_cut) = match body {
        None => return Err("missing attribute `body`".into()),
        Some(raw) => unescape(&raw, BODY_CAP).map_err(|m| format!("attribute `body`: {m}"))?,
    };
    let received_at =
        match text("date", date)? {
            None => None,
            Some(d) => {
                let t = d.trim();
                if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                    // Not what was found: a broken export can shift message text into it.
                    return Err("attribute `date` must be epoch milliseconds".into());
                }
                Some(t.parse::<i64>().map_err(|_| {
                    "attribute `date` is too large for epoch milliseconds".to_string()
                })?)
            }
        };
    Ok(Some((
        Sms {
            sender: address,
            body,
            received_at,
            cut: false,
        },
        cuts.body || body_cut,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{byte_of, read_all, sms, xml};
    use crate::import::{open, Format, Inner};

    #[test]
    fn xml_table() {
        // (row, expected: Some(Ok(sms)) read, Some(Err(message part)) bad, None skipped)
        let rows: &[(&str, Option<Result<Sms, &str>>)] = &[
            (
                r#"<sms protocol="0" address="+819012345678" date="1790809200910" type="1" subject="null" body="hello" read="1" />"#,
                Some(Ok(sms("+819012345678", "hello", Some(1_790_809_200_910)))),
            ),
            (
                r#"<sms address="0005010120" date="1" type="1" body="【ドコモ】料金&#10;https://www.docomo.ne.jp/" />"#,
                Some(Ok(sms(
                    "0005010120",
                    "【ドコモ】料金\nhttps://www.docomo.ne.jp/",
                    Some(1),
                ))),
            ),
            (
                r#"<sms address="A&amp;B" date="2" type="1" body="&quot;x&quot; &lt;y&gt; &apos;z&apos; &#x41;&#65;" />"#,
                Some(Ok(sms("A&B", "\"x\" <y> 'z' AA", Some(2)))),
            ),
            (
                r#"<sms address="x" date="3" type="1" body="smile &#55357;&#56832; end" />"#,
                Some(Ok(sms("x", "smile \u{1F600} end", Some(3)))),
            ),
            (
                r#"<sms address="x" date="4" type="1" body="lone &#55357; high" />"#,
                Some(Ok(sms("x", "lone \u{FFFD} high", Some(4)))),
            ),
            (
                r#"<sms address="x" date="5" type="1" body="" />"#,
                Some(Ok(sms("x", "", Some(5)))),
            ),
            (
                r#"<sms address="x" type="1" body="no date" />"#,
                Some(Ok(sms("x", "no date", None))),
            ),
            (
                r#"<sms address="x" date="6" type="1" body="start tag"></sms>"#,
                Some(Ok(sms("x", "start tag", Some(6)))),
            ),
            (r#"<sms address="x" date="7" type="2" body="sent" />"#, None),
            (
                r#"<sms address="x" date="8" type="3" body="draft" />"#,
                None,
            ),
            (r#"<sms date="8" type="2" body="sent, no address" />"#, None),
            (
                r#"<sms date="9" type="1" body="no address" />"#,
                Some(Err("missing attribute `address`")),
            ),
            (
                r#"<sms address=" " date="9" type="1" body="blank address" />"#,
                Some(Err("attribute `address` is empty")),
            ),
            (
                r#"<sms address="x" date="10" type="1" />"#,
                Some(Err("missing attribute `body`")),
            ),
            (
                r#"<sms address="x" date="yesterday" type="1" body="b" />"#,
                Some(Err("attribute `date` must be epoch milliseconds")),
            ),
            (
                r#"<sms address="x" date="-1" type="1" body="b" />"#,
                Some(Err("attribute `date` must be epoch milliseconds")),
            ),
            (
                r#"<sms address="x" date="99999999999999999999" type="1" body="b" />"#,
                Some(Err("too large")),
            ),
            (
                r#"<sms address="x" date="11" body="no type" />"#,
                Some(Err("missing attribute `type`")),
            ),
            (
                r#"<sms address="x" date="12" type="1" body="a & b" />"#,
                Some(Err(
                    "attribute `body`: a `&` at byte 2 of the value is not the start",
                )),
            ),
            (
                r#"<sms address="x" date="13" type="1" body="&nbsp;" />"#,
                Some(Err("unknown entity at byte 0")),
            ),
            (
                r#"<sms address="x" address="y" date="14" type="1" body="b" />"#,
                Some(Err("malformed attribute")),
            ),
        ];
        for (row, want) in rows {
            let (items, skipped) = read_all(&xml(&format!("  {row}\n")));
            match want {
                None => {
                    assert!(items.is_empty(), "{row}: {items:?}");
                    assert_eq!(skipped.not_received, 1, "{row}");
                }
                Some(Ok(want)) => {
                    assert_eq!(items.len(), 1, "{row}: {items:?}");
                    let (pos, got) = items[0].as_ref().expect(row);
                    assert!(pos.starts_with("sms #1 (byte "), "{pos}");
                    assert_eq!(got, want, "{row}");
                }
                Some(Err(part)) => {
                    assert_eq!(items.len(), 1, "{row}: {items:?}");
                    let (kind, pos, msg) = items[0].as_ref().expect_err(row);
                    assert_eq!(*kind, ErrorKind::BadRecord);
                    assert!(pos.starts_with("sms #1 (byte "), "{pos}");
                    assert!(msg.contains(part), "{row}: {msg}");
                    assert!(!msg.contains("hello") && !msg.contains("+81"), "{msg}");
                }
            }
        }
    }

    #[test]
    fn xml_sequence_positions_skips_and_mms() {
        let rows = concat!(
            "<sms address=\"a\" date=\"1\" type=\"1\" body=\"one\" />\n",
            "<sms address=\"a\" date=\"2\" type=\"2\" body=\"sent\" />\n",
            "<mms date=\"3\" msg_box=\"1\" address=\"b\"><parts><part seq=\"0\" ct=\"image/jpeg\" data=\"/9j/4AAQ\" /></parts>",
            "<addrs><addr address=\"b\" type=\"137\" /></addrs></mms>\n",
            "<mms date=\"4\" address=\"c\" />\n",
            "<sms date=\"5\" type=\"1\" body=\"bad\" />\n",
            "<sms address=\"c\" date=\"6\" type=\"1\" body=\"two\" />\n",
        );
        let input = xml(rows);
        let (items, skipped) = read_all(&input);
        assert_eq!(
            skipped,
            Skipped {
                not_received: 1,
                mms: 2
            }
        );
        assert_eq!(items.len(), 3, "{items:?}");
        let (p1, s1) = items[0].as_ref().unwrap();
        assert_eq!(s1.body, "one");
        let byte = |p: &str| -> usize {
            p.split("(byte ")
                .nth(1)
                .unwrap()
                .trim_end_matches(')')
                .parse()
                .unwrap()
        };
        assert!(
            input[byte(p1)..].starts_with("<sms address=\"a\" date=\"1\""),
            "{p1}"
        );
        let (_, p2, _) = items[1].as_ref().unwrap_err();
        assert!(p2.starts_with("sms #3 "), "{p2}");
        assert!(input[byte(p2)..].starts_with("<sms date=\"5\""), "{p2}");
        let (p3, s3) = items[2].as_ref().unwrap();
        assert!(p3.starts_with("sms #4 "), "{p3}");
        assert_eq!(s3.body, "two");
        // Positions count the whitespace detection skipped.
        let (items, _) = read_all(&format!("\n\n   {input}"));
        let (p, _) = items[0].as_ref().unwrap();
        assert_eq!(byte(p), byte(p1) + 5);
    }

    #[test]
    fn xml_fatal_errors_keep_what_was_read() {
        let good = "<sms address=\"a\" date=\"1\" type=\"1\" body=\"one\" />\n";
        let cases: &[(String, &str)] = &[
            // Truncated inside an element.
            (
                format!("<smses count=\"2\">\n{good}<sms address=\"b\" date=\"2\" ty"),
                "not well formed",
            ),
            // Truncated between elements.
            (format!("<smses count=\"2\">\n{good}"), "truncated"),
            // Mismatched end tag.
            (format!("<smses>\n{good}</sms></smses>"), "not well formed"),
            // Content after the root element.
            (
                format!("<smses>\n{good}</smses>\n{good}"),
                "content after </smses>",
            ),
            (
                format!("<smses>\n{good}</smses>\ntrailing text"),
                "content after </smses>",
            ),
            (
                format!("<smses>\n{good}</smses><smses></smses>"),
                "content after </smses>",
            ),
        ];
        for (input, part) in cases {
            let mut imp = open(input.as_bytes()).unwrap();
            let items: Vec<_> = imp.by_ref().collect();
            let last = items.last().unwrap().as_ref().unwrap_err();
            assert!(last.is_fatal(), "{input}");
            assert!(last.position.starts_with("byte "), "{}", last.position);
            assert!(last.message.contains(part), "{input}: {}", last.message);
            if input.starts_with("<smses") {
                assert_eq!(items.len(), 2, "{input}: {items:?}");
                assert_eq!(items[0].as_ref().unwrap().sms.body, "one");
            }
            assert!(imp.next().is_none(), "nothing after a fatal error");
        }
        // The syntax error names where it is.
        let input = format!("<smses>\n{good}{good}</smses-x>\n");
        let e = open(input.as_bytes())
            .unwrap()
            .find_map(|r| r.err())
            .unwrap();
        assert!(e.is_fatal(), "{e}");
        let at: usize = e.position["byte ".len()..].parse().unwrap();
        assert_eq!(at, input.find("</smses-x>").unwrap(), "{e}");
        // A malformed attribute inside a closed tag spoils that record only.
        let input = format!("<smses>\n<sms address=\"b\" <oops/>\n{good}</smses>");
        let items: Vec<_> = open(input.as_bytes()).unwrap().collect();
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap_err().kind, ErrorKind::BadRecord);
        assert_eq!(items[1].as_ref().unwrap().sms.body, "one");
    }

    #[test]
    fn what_is_not_an_export_is_told_at_open() {
        let rows: &[(&str, ErrorKind, &str)] = &[
            (
                "<calls count=\"1\"><call number=\"1\" /></calls>",
                ErrorKind::UnknownFormat,
                "the root element is <calls>, not <smses>",
            ),
            (
                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>x</title></head></html>",
                ErrorKind::UnknownFormat,
                "the root element is <html>",
            ),
            (
                "<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\"><channel/></rss>",
                ErrorKind::UnknownFormat,
                "<rss>",
            ),
            (
                "<?xml version=\"1.0\"?>\n<!-- nothing else -->\n",
                ErrorKind::UnknownFormat,
                "no <smses> element",
            ),
            (
                "<?xml version=\"1.0\"?>\nsome text<smses/>",
                ErrorKind::UnknownFormat,
                "text before the root element",
            ),
            ("<sms<es>", ErrorKind::UnknownFormat, "not <smses>"),
            ("<smses", ErrorKind::Syntax, "not well formed"),
        ];
        for (input, kind, part) in rows {
            let e = open(input.as_bytes()).expect_err(input);
            assert_eq!(e.kind, *kind, "{input}: {e}");
            assert!(e.message.contains(part), "{input}: {e}");
            assert!(e.is_fatal());
        }
        // The root is found past a long prolog, and an empty root is an export of nothing.
        let long = format!(
            "<?xml version='1.0'?>\n<!--{}-->\n<smses/>\n<!-- after -->\n",
            "x".repeat(10_000)
        );
        let (items, skipped) = read_all(&long);
        assert!(items.is_empty() && skipped.total() == 0, "{items:?}");
        // Read through `SmsBackupReader::new`, the root is checked by the first `next`.
        let mut r = SmsBackupReader::new(&b"<html></html>"[..]);
        let e = r.next().unwrap().unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownFormat);
        assert!(r.next().is_none());
    }

    #[test]
    fn xml_streams_large_exports_through_a_small_buffer() {
        let mut input = String::from("<smses count=\"2000\">\n");
        for i in 0..2000 {
            input += &format!(
                "<sms address=\"+8190{i:08}\" date=\"{i}\" type=\"{}\" body=\"m&#10;{i}\" />\n",
                if i % 10 == 0 { 2 } else { 1 }
            );
        }
        input += "</smses>\n";
        let r = io::BufReader::with_capacity(128, input.as_bytes());
        let mut imp = open(r).unwrap();
        let mut n = 0;
        for item in imp.by_ref() {
            let item = item.unwrap();
            assert_eq!(
                item.sms.body,
                format!("m\n{}", item.sms.received_at.unwrap())
            );
            n += 1;
        }
        assert_eq!(n, 1800);
        assert_eq!(imp.skipped().not_received, 200);
        assert_eq!(imp.format(), Format::SmsBackupXml);
    }

    /// An export of three messages whose middle body is `body` (as written).
    fn around(body: &str) -> String {
        xml(&format!(
            "<sms address=\"a\" date=\"1\" type=\"1\" body=\"one\" />\n\
             <sms address=\"b\" date=\"2\" type=\"1\" body=\"{body}\" read=\"1\" />\n\
             <sms address=\"c\" date=\"3\" type=\"1\" body=\"three\" />\n"
        ))
    }

    #[test]
    fn long_bodies_are_cut_and_positions_stay_true() {
        let emoji = "&#55357;&#56832;"; // 16 bytes written, 4 of text
                                        // (body as written, the text kept must start with, whether it is cut, its length)
        let rows: Vec<(String, bool, usize)> = vec![
            ("x".repeat(BODY_CAP), false, BODY_CAP),
            ("x".repeat(BODY_CAP + 1), true, BODY_CAP),
            ("あ".repeat(30_000), true, BODY_CAP - BODY_CAP % 3),
            ("y".repeat(10 << 20), true, BODY_CAP),
            (emoji.repeat(VALUE_CAP / 16), false, VALUE_CAP / 4),
            (emoji.repeat(VALUE_CAP / 16 * 3), true, BODY_CAP),
            // Cut by Bounded after a whole reference (never inside one): 51 KiB of line breaks.
            ("&#10;".repeat(VALUE_CAP), true, VALUE_CAP / 5 + 1),
            (
                format!("{}&#x1F600;", "z".repeat(VALUE_CAP - 3)),
                true,
                BODY_CAP,
            ),
        ];
        for (body, cut, len) in &rows {
            let input = around(body);
            for chunk in [5, 4096, 1 << 16] {
                let mut imp = open(io::BufReader::with_capacity(chunk, input.as_bytes())).unwrap();
                let items: Vec<ImportItem> = imp.by_ref().map(|r| r.unwrap()).collect();
                assert_eq!(items.len(), 3, "{}", &body[..20]);
                let m = &items[1];
                assert_eq!((m.cut, m.sms.body.len()), (*cut, *len), "{}…", &body[..20]);
                assert!(!items[0].cut && !items[2].cut);
                assert_eq!(items[2].sms.body, "three");
                // Positions are offsets in the file, whatever was dropped before them.
                for it in &items {
                    assert!(input[byte_of(&it.position)..].starts_with("<sms address="));
                }
                assert!(input[byte_of(&items[2].position)..].starts_with("<sms address=\"c\""));
                let Inner::Xml(x) = &imp.inner else { panic!() };
                // One bounded tag at a time, not the file's body.
                assert!(x.buf.capacity() <= 2 * VALUE_CAP, "{}", x.buf.capacity());
            }
        }
        let (items, _) = read_all(&around(&"w".repeat(BODY_CAP + 10)));
        let text = &items[1].as_ref().unwrap().1.body;
        assert!(text.chars().all(|c| c == 'w'));
    }

    #[test]
    fn the_bundled_sample_reads_cleanly() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../cli/data/sample_inbox.xml");
        let Ok(file) = std::fs::File::open(path) else {
            return; // the crate alone, without the workspace
        };
        let mut imp = open(io::BufReader::new(file)).unwrap();
        let mut ok = 0;
        for item in imp.by_ref() {
            item.unwrap();
            ok += 1;
        }
        assert_eq!(ok, 66);
        assert_eq!(imp.skipped().not_received, 6);
    }
}
