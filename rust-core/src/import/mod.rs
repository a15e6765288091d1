//! Inbox exports, read as a stream of messages for the gateway.
//!
//! Two formats, told apart by the first byte that is not whitespace (a UTF-8 byte-order mark is
//! skipped):
//!
//! * `{` — **JSON Lines**, the input of `smishgate check`: one object a line, `{"id"?: string |
//!   number, "sender": string, "body": string, "received_at"?: RFC 3339 text or epoch ms}`.
//!   Blank lines are ignored. Positions read `line 12`.
//! * `<` — the XML of the Android app **SMS Backup & Restore**: `<smses count=".."><sms
//!   address=".." date="<epoch ms>" type="1" body=".." …/>…</smses>`. Only received messages
//!   (`type="1"`) are read; sent messages, drafts, outbox and the like (any other type) and every
//!   `<mms>` element are skipped and counted ([`Skipped`]). Positions read `sms #37 (byte
//!   10422)`: the 1-based ordinal of the `<sms>` element in the file and the offset of its `<`.
//!
//! Reading is streaming: the reader holds one line or one element at a time, so a
//! 100,000-message export is read in constant memory — and each of those is bounded too, so
//! that one huge record cannot take the memory either: a body is kept to its first
//! [`BODY_CAP`] (64 KiB) of text and marked [`ImportItem::cut`]; in XML no attribute value
//! reaches the XML parser beyond 256 KiB as written (a private lexer between the input and
//! quick-xml drops the rest, keeping positions true), a tag that is still over 1 MiB is fatal,
//! and a long `address`, `date` or `type` spoils its record; a JSON Lines line over
//! [`LINE_CAP`] (1 MiB) is a bad record, read past without being held. A bad record (a line that is not a
//! message, an `<sms>` without address or body, a date that is not a number) yields an
//! [`ImportError`] of kind [`ErrorKind::BadRecord`] naming its position, and reading goes on.
//! Anything that makes the rest of the input unreadable — XML that is not well formed, a file
//! that ends inside `<smses>`, an I/O error — yields one fatal error (see
//! [`ImportError::is_fatal`]) and ends the stream; what was read before it stands.
//!
//! Attribute values are unescaped as XML says (`&#10;`, `&amp;`, `&quot;`, …), with one
//! allowance for what SMS Backup & Restore really writes: an emoji outside the Basic
//! Multilingual Plane is written as two UTF-16 surrogate references (`&#55357;&#56832;`), which
//! are joined into the one character. A reference to no character (a lone surrogate, `&#0;`)
//! becomes U+FFFD; an unknown named entity or a `&` without `;` makes the record bad.
//!
//! Pure: no classification, no I/O beyond the [`BufRead`] it is given, no logging. Error
//! messages name positions, attributes and fields, never a sender, a body or a code.

mod bounded;
mod jsonl;
mod sms_backup;
pub mod timestamp;
mod unescape;

pub use jsonl::{parse_json_record, JsonLinesReader, JsonRecord};
pub use sms_backup::SmsBackupReader;

use crate::sms::Sms;
use std::fmt;
use std::io::{self, BufRead};

/// The format of an inbox export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines, as read by `smishgate check`.
    JsonLines,
    /// The XML of SMS Backup & Restore.
    SmsBackupXml,
}

impl Format {
    /// A short stable name: `jsonl` or `sms-backup-xml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::JsonLines => "jsonl",
            Format::SmsBackupXml => "sms-backup-xml",
        }
    }
}

/// Most bytes of message text kept of one body: far above any real SMS (a long multipart one
/// is a few kilobytes), small enough that reading an export holds one bounded body at a time
/// whatever its file says. A longer body keeps its beginning and is marked
/// [`ImportItem::cut`].
pub const BODY_CAP: usize = 64 * 1024;

/// Most bytes of one JSON Lines line read: room for a [`BODY_CAP`] body written with escapes.
/// A longer line is a bad record, skipped without being held.
pub const LINE_CAP: usize = 1 << 20;

/// One message read from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    /// Where it was read: `line 12`, `sms #37 (byte 10422)`.
    pub position: String,
    /// The message.
    pub sms: Sms,
    /// The body was longer than the importer keeps ([`BODY_CAP`]): `sms.body` is its
    /// beginning, cut at a character boundary (the same as `sms.cut`, which the gateway
    /// passes on to the classifier).
    pub cut: bool,
}

/// What went wrong, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// One record is bad; it is skipped and reading goes on.
    BadRecord,
    /// The input is not well formed (or ends too early); reading stops.
    Syntax,
    /// Reading the input failed; reading stops.
    Io,
    /// The format cannot be told from the first byte (or the input is empty).
    UnknownFormat,
}

/// An error while reading an export: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// What went wrong, in one word.
    pub kind: ErrorKind,
    /// Where: `line 12`, `sms #37 (byte 10422)`, `byte 5120`.
    pub position: String,
    /// What is wrong.
    pub message: String,
}

impl ImportError {
    fn new(kind: ErrorKind, position: impl Into<String>, message: impl Into<String>) -> Self {
        ImportError {
            kind,
            position: position.into(),
            message: message.into(),
        }
    }

    /// Whether the error ends the import (anything but a bad record).
    pub fn is_fatal(&self) -> bool {
        self.kind != ErrorKind::BadRecord
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}

impl std::error::Error for ImportError {}

/// Records skipped on purpose (not errors).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// `<sms>` elements that were not received messages (sent, drafts, outbox, failed, queued).
    pub not_received: u64,
    /// `<mms>` elements.
    pub mms: u64,
}

impl Skipped {
    /// Everything skipped.
    pub fn total(&self) -> u64 {
        self.not_received + self.mms
    }
}

/// Where detection left the input: bytes and line breaks skipped before the first record.
#[derive(Debug, Clone, Copy, Default)]
struct Start {
    bytes: u64,
    newlines: u64,
}

/// Tell the format from the first byte that is not whitespace, consuming the whitespace (and a
/// UTF-8 byte-order mark) before it.
pub fn detect<R: BufRead>(reader: &mut R) -> Result<Format, ImportError> {
    detect_counting(reader).map(|(f, _)| f)
}

fn detect_counting<R: BufRead>(reader: &mut R) -> Result<(Format, Start), ImportError> {
    let mut start = Start::default();
    let mut first_chunk = true;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(ImportError::new(
                    ErrorKind::Io,
                    format!("byte {}", start.bytes),
                    format!("cannot read the input: {e}"),
                ))
            }
        };
        if buf.is_empty() {
            return Err(ImportError::new(
                ErrorKind::UnknownFormat,
                format!("byte {}", start.bytes),
                "the input is empty: no messages to read",
            ));
        }
        let mut skip = 0;
        if first_chunk && buf.starts_with(b"\xEF\xBB\xBF") {
            skip = 3;
        }
        first_chunk = false;
        while skip < buf.len() && buf[skip].is_ascii_whitespace() {
            if buf[skip] == b'\n' {
                start.newlines += 1;
            }
            skip += 1;
        }
        if skip < buf.len() {
            let b = buf[skip];
            let position = format!("byte {}", start.bytes + skip as u64);
            reader.consume(skip);
            start.bytes += skip as u64;
            return match b {
                b'<' => Ok((Format::SmsBackupXml, start)),
                b'{' => Ok((Format::JsonLines, start)),
                b'[' => Err(ImportError::new(
                    ErrorKind::UnknownFormat,
                    position,
                    "a JSON array is not read: write one JSON object a line (JSON Lines)",
                )),
                0xFE | 0xFF | 0 => Err(ImportError::new(
                    ErrorKind::UnknownFormat,
                    position,
                    "the input looks like UTF-16: save the export as UTF-8",
                )),
                _ => Err(ImportError::new(
                    ErrorKind::UnknownFormat,
                    position,
                    "cannot tell the format: expected `<` (SMS Backup & Restore XML) or `{` \
                     (JSON Lines) as the first character",
                )),
            };
        }
        let n = buf.len();
        reader.consume(n);
        start.bytes += n as u64;
    }
}

/// Open an export of either format: detect it, then read it with [`Importer`]. For XML the
/// prolog is read up to the root element, which must be `<smses>`: an error here
/// ([`ErrorKind::UnknownFormat`], or a syntax or I/O error before the root) means the input is
/// not an export, and nothing of it was a message.
pub fn open<R: BufRead>(mut reader: R) -> Result<Importer<R>, ImportError> {
    let (format, start) = detect_counting(&mut reader)?;
    let inner = match format {
        Format::JsonLines => Inner::Json(JsonLinesReader::starting_at_line(reader, start.newlines)),
        Format::SmsBackupXml => {
            let mut xml = SmsBackupReader::starting_at_byte(reader, start.bytes);
            // A `<` is not yet an export: an HTML page or another XML document starts so too.
            // The caller learns it here, before it creates anything for the import.
            xml.read_root()?;
            Inner::Xml(Box::new(xml))
        }
    };
    Ok(Importer { inner })
}

/// A reader of an export of either format; an iterator of messages and errors.
#[derive(Debug)]
pub struct Importer<R> {
    inner: Inner<R>,
}

#[derive(Debug)]
enum Inner<R> {
    Json(JsonLinesReader<R>),
    /// Boxed: the XML reader carries its lexer and buffers, the JSON one a line buffer.
    Xml(Box<SmsBackupReader<R>>),
}

impl<R: BufRead> Importer<R> {
    /// The format detected.
    pub fn format(&self) -> Format {
        match &self.inner {
            Inner::Json(_) => Format::JsonLines,
            Inner::Xml(_) => Format::SmsBackupXml,
        }
    }

    /// What was skipped on purpose so far.
    pub fn skipped(&self) -> Skipped {
        match &self.inner {
            Inner::Json(_) => Skipped::default(),
            Inner::Xml(x) => x.skipped(),
        }
    }
}

impl<R: BufRead> Iterator for Importer<R> {
    type Item = Result<ImportItem, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Json(j) => j.next(),
            Inner::Xml(x) => x.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn sms(sender: &str, body: &str, at: Option<i64>) -> Sms {
        Sms {
            sender: sender.into(),
            body: body.into(),
            received_at: at,
            cut: false,
        }
    }

    /// An item as `Ok((position, sms))` or `Err((kind, position, message))`.
    pub(super) type Row = Result<(String, Sms), (ErrorKind, String, String)>;

    /// Every item of an input, and what was skipped.
    pub(super) fn read_all(input: &str) -> (Vec<Row>, Skipped) {
        let mut imp = open(input.as_bytes()).expect("format detected");
        let items = imp
            .by_ref()
            .map(|r| match r {
                Ok(i) => Ok((i.position, i.sms)),
                Err(e) => Err((e.kind, e.position, e.message)),
            })
            .collect();
        (items, imp.skipped())
    }

    pub(super) fn xml(rows: &str) -> String {
        format!(
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n\
             <!--File Created By SMS Backup & Restore-->\n\
             <?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n\
             <smses count=\"9\">\n{rows}</smses>\n"
        )
    }

    pub(super) fn byte_of(position: &str) -> usize {
        position
            .split("(byte ")
            .nth(1)
            .unwrap()
            .trim_end_matches(')')
            .parse()
            .unwrap()
    }

    #[test]
    fn detection() {
        let cases: &[(&[u8], Result<Format, ErrorKind>)] = &[
            (b"<smses/>", Ok(Format::SmsBackupXml)),
            (b"\n  \t<?xml version='1.0'?>", Ok(Format::SmsBackupXml)),
            (b"\xEF\xBB\xBF<smses/>", Ok(Format::SmsBackupXml)),
            (b"{\"sender\":\"a\"}", Ok(Format::JsonLines)),
            (b"\r\n\r\n{}", Ok(Format::JsonLines)),
            (b"", Err(ErrorKind::UnknownFormat)),
            (b"  \n ", Err(ErrorKind::UnknownFormat)),
            (b"[{}]", Err(ErrorKind::UnknownFormat)),
            (b"sender,body\n", Err(ErrorKind::UnknownFormat)),
            (b"\xFF\xFE<\0s\0", Err(ErrorKind::UnknownFormat)),
        ];
        for (input, want) in cases {
            let mut r = *input;
            let got = detect(&mut r).map_err(|e| e.kind);
            assert_eq!(&got, want, "{:?}", String::from_utf8_lossy(input));
        }
        // Whitespace longer than one buffer.
        let long = format!("{}{{}}", " ".repeat(20_000));
        let mut r = io::BufReader::with_capacity(64, long.as_bytes());
        assert_eq!(detect(&mut r), Ok(Format::JsonLines));
    }

    /// Inputs whose bad records carry message text (and entities, numbers) that an error
    /// could quote: every one contains [`MARKERS`].
    pub(crate) const LEAKY_XML_ROWS: &[&str] = &[
        r#"<sms address="+819099990000" date="1" type="1" body="SECRETWORD &874512; tail" />"#,
        r#"<sms address="+819099990000" date="1" type="1" body="&#SECRETWORD874512;" />"#,
        r#"<sms address="+819099990000" date="1" type="1" body="SECRETWORD & 874512" />"#,
        r#"<sms address="+819099990000&SECRETWORD;" date="1" type="1" body="b" />"#,
        r#"<sms address="+819099990000" date="SECRETWORD 874512" type="1" body="b" />"#,
        r#"<sms address="+819099990000" date="1" type="1" body="a"SECRETWORD874512" />"#,
        r#"<sms address="+819099990000" date="1" type="1" body="x"/></SECRETWORD874512>"#,
        r#"<sms address="+819099990000" date="1" type="1" body="x"></SECRETWORD874512>"#,
    ];

    /// What no error may contain: body words, an entity's digits, the sender's number.
    pub(crate) const MARKERS: &[&str] = &["SECRETWORD", "874512", "9099990000"];

    #[test]
    fn errors_name_positions_never_content() {
        let mut inputs: Vec<String> = LEAKY_XML_ROWS
            .iter()
            .map(|r| xml(&format!("{r}\n")))
            .collect();
        inputs.push("<smses></SECRETWORD874512>".into());
        for line in [
            r#"{"sender":"+819099990000","body":5}"#,
            r#"{"sender":5,"body":"SECRETWORD 874512"}"#,
            r#"{"sender":"+819099990000","body":"SECRETWORD","received_at":"SECRETWORD874512"}"#,
            r#"{"sender":"+819099990000","body":"SECRETWORD","body":"874512"}"#,
            r#"{"sender":"+819099990000","body":"SECRETWORD 874512"#,
            "{\"sender\":\"+819099990000\",\"body\":\"SECRETWORD\u{1} 874512\"}",
            r#"{"sender":"+819099990000","body":"SECRETWORD \q 874512"}"#,
            r#"{"sender":["+819099990000"],"body":{"SECRETWORD":874512}}"#,
        ] {
            inputs.push(format!("{line}\n"));
        }
        for input in &inputs {
            let mut errors = Vec::new();
            match open(input.as_bytes()) {
                Err(e) => errors.push(e),
                Ok(imp) => errors.extend(imp.filter_map(Result::err)),
            }
            assert!(!errors.is_empty(), "{input}: no error");
            for e in errors {
                let text = e.to_string();
                for m in MARKERS {
                    assert!(!text.contains(m), "{input}\n  error quotes {m:?}: {text}");
                }
            }
        }
    }
}
