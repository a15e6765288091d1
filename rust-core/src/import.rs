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

use crate::sms::Sms;
use crate::timestamp;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::VecDeque;
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

// ----- JSON Lines -----

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

    fn starting_at_line(reader: R, lines_before: u64) -> Self {
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

// ----- Bounded reading of XML -----
//
// quick-xml reads a whole start tag into one buffer before it yields it, and SMS Backup &
// Restore writes a message's body as an attribute of its `<sms>` tag. A 100 MB body was thus
// 100 MB in quick-xml's buffer, 100 MB more as the attribute's copy and 100 MB unescaped:
// ~300 MB peak. `Bounded` sits between the input and quick-xml and passes on at most
// `VALUE_CAP` bytes of any attribute value, dropping the rest of it up to its closing quote
// (and `TEXT_CAP` of any text run), so quick-xml's buffer stays small; it remembers which
// attribute of which tag it cut, and how many bytes it dropped where, so that the reader can
// mark the message cut and still report positions in the file as it is.
//
// To know what is an attribute value it follows the markup the way quick-xml 0.37 does: a
// start or end tag runs to the first `>` outside quotes (either quote opens a value anywhere
// in a tag); `<!-` a comment to `-->`, `<![` a CDATA section to `]]>`, any other `<!` a
// document type to the `>` that balances its `<`; `<?` a processing instruction to `?>`.
// Anything else is text.

/// Most bytes of one attribute value passed on, as written: four times [`BODY_CAP`], so that
/// a body written with references (`&#10;`, `&#55357;&#56832;`) still yields [`BODY_CAP`] of
/// text, which is what the body is then cut to.
const VALUE_CAP: usize = 4 * BODY_CAP;

/// Most bytes of one text run (between tags) passed on. Text means nothing in an export; what
/// is kept only lets quick-xml and the reader see whether it was whitespace.
const TEXT_CAP: usize = BODY_CAP;

/// Most bytes of one tag, comment, processing instruction or document type, its values
/// already cut: beyond it the input is not an export, and reading stops.
const MARKUP_MAX: usize = 1 << 20;

/// Most bytes of the inner reader's buffer lexed at a time.
const FEED: usize = 1 << 16;

/// Where the lexer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    Text,
    /// Just after `<`.
    Open,
    /// In a start or end tag, outside quotes.
    Tag,
    /// In a quoted value (the quote that ends it).
    Value(u8),
    /// Just after `<!`.
    Bang,
    Comment,
    CData,
    /// `<!DOCTYPE`, with the count of `<` not yet balanced.
    Doctype(u32),
    Pi,
}

/// The attributes of `<sms>` whose cutting matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cuts {
    body: bool,
    /// `address`, `date` or `type`: the record cannot be read.
    other: Option<&'static str>,
}

/// A [`BufRead`] that passes on its input with long values and text runs cut (see above).
struct Bounded<R> {
    inner: R,
    /// What is passed on of the inner reader's last chunk.
    out: Vec<u8>,
    /// Bytes of `out` consumed.
    pos: usize,
    lexer: Lexer,
    /// Why the markup was refused: given again on every read after it.
    failed: Option<String>,
}

/// What `Bounded` knows of the markup, and what it cut.
#[derive(Debug)]
struct Lexer {
    lex: Lex,
    /// Offset (in what is passed on) of the next byte passed on.
    produced: u64,
    /// Bytes dropped in all, recorded ones.
    dropped: u64,
    /// Bytes dropped since the last byte passed on.
    pending: u64,
    /// (offset passed on, bytes dropped before it in all): one entry per dropped stretch, the
    /// ones before `forget_before` folded into `base_dropped`.
    drops: VecDeque<(u64, u64)>,
    base_dropped: u64,
    /// (offset of a tag's `<`, what was cut in it).
    cuts: VecDeque<(u64, Cuts)>,
    /// Offset of the current tag's `<`.
    tag_start: u64,
    /// Bytes passed on of the current markup, of the current value or text run.
    markup: usize,
    run: usize,
    /// Dropping the rest of the current value or text run.
    dropping: bool,
    /// A non-space byte was passed on past TEXT_CAP (so that text is still seen as text).
    text_mark: bool,
    /// Bytes into a reference (`&…;`), 0 outside one: a value is not cut inside one.
    in_ref: u8,
    /// The last bytes of the current tag outside its values (at most 16, oldest first): where
    /// the name of a value is read from when the value starts (`… body="`).
    tail: [u8; 16],
    tail_len: usize,
    /// The last two bytes of the current markup and bytes since `<!` (comment ends).
    last: [u8; 2],
    since_bang: usize,
}

impl<R: BufRead> Bounded<R> {
    fn new(inner: R) -> Self {
        Bounded {
            inner,
            out: Vec::with_capacity(1 << 16),
            pos: 0,
            lexer: Lexer::new(),
            failed: None,
        }
    }
}

impl Lexer {
    fn new() -> Self {
        Lexer {
            lex: Lex::Text,
            produced: 0,
            dropped: 0,
            pending: 0,
            drops: VecDeque::new(),
            base_dropped: 0,
            cuts: VecDeque::new(),
            tag_start: 0,
            markup: 0,
            run: 0,
            dropping: false,
            text_mark: false,
            in_ref: 0,
            tail: [0; 16],
            tail_len: 0,
            last: [0; 2],
            since_bang: 0,
        }
    }

    /// Pass on what is kept of `chunk` into `out`, noting where bytes were dropped. Runs of
    /// value and text bytes go in bulk (the 100 MB body is one run); bytes that can change the
    /// state go one at a time through `keep`.
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        let mut i = 0;
        while i < chunk.len() {
            let rest = &chunk[i..];
            match self.bulk(rest)? {
                (0, _) => {
                    if self.keep(rest[0])? {
                        self.note_drops();
                        out.push(rest[0]);
                        self.produced += 1;
                    } else {
                        self.pending += 1;
                    }
                    i += 1;
                }
                (n, true) => {
                    self.note_drops();
                    out.extend_from_slice(&rest[..n]);
                    self.produced += n as u64;
                    i += n;
                }
                (n, false) => {
                    self.pending += n as u64;
                    i += n;
                }
            }
        }
        Ok(())
    }

    /// Record the bytes dropped since the last byte passed on, before passing on the next.
    fn note_drops(&mut self) {
        if self.pending > 0 {
            self.dropped += self.pending;
            self.pending = 0;
            self.drops.push_back((self.produced, self.dropped));
        }
    }

    /// How many bytes at the start of `rest` can be passed on (`true`) or dropped (`false`)
    /// together, with the state brought up to date as `keep` would have; 0 when the first
    /// byte must go through `keep`. The common case — a value, a stretch of tag or a text run
    /// that ends in this chunk well within its cap — is one search and takes its end byte too.
    fn bulk(&mut self, rest: &[u8]) -> io::Result<(usize, bool)> {
        let upto = |stop: u8| memchr::memchr(stop, rest);
        match self.lex {
            Lex::Value(q) if self.dropping => Ok((upto(q).unwrap_or(rest.len()), false)),
            Lex::Value(q) => {
                let room = VALUE_CAP.saturating_sub(self.run);
                if let Some(end) = upto(q).filter(|&e| e <= room) {
                    // The whole value and its closing quote.
                    self.run += end;
                    self.count_markup(end + 1)?;
                    self.lex = Lex::Tag;
                    self.push_tail(&[q]);
                    return Ok((end + 1, true));
                }
                let n = rest.len().min(room);
                if n == 0 {
                    return Ok((0, true));
                }
                let span = &rest[..n];
                self.run += n;
                self.count_markup(n)?;
                // Where a reference is left open at the end of the span, as `keep` counts it
                // (1 at `&`, one more a byte, 0 at `;` or past 41).
                let open = |len: usize| if len <= 41 { len as u8 } else { 0 };
                self.in_ref = match memchr::memrchr2(b'&', b';', span) {
                    Some(a) if span[a] == b'&' => open(n - a),
                    Some(_) => 0,
                    None if self.in_ref == 0 => 0,
                    None => open(self.in_ref as usize + n),
                };
                Ok((n, true))
            }
            Lex::Tag => {
                // Up to a quote or the end of the tag: names, `=` and spaces; then that byte.
                let Some(n) = memchr::memchr3(b'>', b'"', b'\'', rest) else {
                    self.count_markup(rest.len())?;
                    self.push_tail(rest);
                    return Ok((rest.len(), true));
                };
                self.count_markup(n + 1)?;
                self.push_tail(&rest[..n]);
                match rest[n] {
                    b'>' => self.end_markup(),
                    quote => {
                        self.lex = Lex::Value(quote);
                        self.run = 0;
                        self.in_ref = 0;
                        self.dropping = false;
                    }
                }
                Ok((n + 1, true))
            }
            Lex::Text => {
                let end = upto(b'<');
                let len = end.unwrap_or(rest.len());
                if self.run + len <= TEXT_CAP {
                    self.run += len;
                    if end.is_some() {
                        // The text and the `<` that ends it.
                        self.lex = Lex::Open;
                        self.tag_start = self.produced + len as u64;
                        self.markup = 1;
                        return Ok((len + 1, true));
                    }
                    return Ok((len, true));
                }
                if self.run < TEXT_CAP {
                    let n = TEXT_CAP - self.run;
                    self.run += n;
                    return Ok((n, true));
                }
                // Past the cap: drop, but let one byte that is not space through (`keep`).
                let n = if self.text_mark {
                    len
                } else {
                    rest[..len]
                        .iter()
                        .position(|b| !b.is_ascii_whitespace())
                        .unwrap_or(len)
                };
                self.run += n;
                Ok((n, false))
            }
            _ => Ok((0, true)),
        }
    }

    fn count_markup(&mut self, n: usize) -> io::Result<()> {
        self.markup += n;
        if self.markup > MARKUP_MAX {
            return Err(self.too_long());
        }
        Ok(())
    }

    /// The offset in the input of the byte passed on at `offset`.
    fn real(&self, offset: u64) -> u64 {
        let before = self
            .drops
            .iter()
            .rev()
            .find(|(p, _)| *p <= offset)
            .map_or(self.base_dropped, |(_, d)| *d);
        offset + before
    }

    /// Nothing before `offset` will be asked about again.
    fn forget_before(&mut self, offset: u64) {
        while let Some(&(p, d)) = self.drops.front() {
            if p > offset {
                break;
            }
            self.base_dropped = d;
            self.drops.pop_front();
        }
        while self.cuts.front().is_some_and(|(t, _)| *t < offset) {
            self.cuts.pop_front();
        }
    }

    /// What was cut in the tag whose `<` was passed on at `offset`.
    fn cuts_at(&self, offset: u64) -> Cuts {
        self.cuts
            .iter()
            .find(|(t, _)| *t == offset)
            .map_or(Cuts::default(), |(_, c)| *c)
    }

    fn push_tail(&mut self, bytes: &[u8]) {
        const W: usize = 16;
        let t = &mut self.tail;
        if bytes.len() >= W {
            t.copy_from_slice(&bytes[bytes.len() - W..]);
            self.tail_len = W;
            return;
        }
        let keep = (W - bytes.len()).min(self.tail_len);
        t.copy_within(self.tail_len - keep..self.tail_len, 0);
        t[keep..keep + bytes.len()].copy_from_slice(bytes);
        self.tail_len = keep + bytes.len();
    }

    /// The attribute a value opening now belongs to, read back from the tag's last bytes
    /// (`address = "`): only the names whose cutting matters.
    fn attr_name(&self) -> Option<&'static str> {
        let t = &self.tail[..self.tail_len];
        let t = t.trim_ascii_end().strip_suffix(b"=")?.trim_ascii_end();
        let start = t
            .iter()
            .rposition(|&b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'/'))
            .map(|i| i + 1);
        // Without a delimiter in the window the name started before it: none of these.
        let name = match start {
            Some(i) => &t[i..],
            None if self.tail_len < self.tail.len() => t,
            None => return None,
        };
        match name {
            b"body" => Some("body"),
            b"address" => Some("address"),
            b"date" => Some("date"),
            b"type" => Some("type"),
            _ => None,
        }
    }

    fn markup_byte(&mut self) -> io::Result<()> {
        self.markup += 1;
        if self.markup > MARKUP_MAX {
            return Err(self.too_long());
        }
        Ok(())
    }

    fn too_long(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a tag or other markup is longer than {} MiB even with its values cut: not an \
                 SMS Backup & Restore export",
                MARKUP_MAX >> 20
            ),
        )
    }

    fn end_markup(&mut self) {
        self.lex = Lex::Text;
        self.run = 0;
        self.dropping = false;
        self.text_mark = false;
    }

    /// Whether to pass `b` on.
    fn keep(&mut self, b: u8) -> io::Result<bool> {
        if let Lex::Value(q) = self.lex {
            if b == q {
                if self.dropping {
                    let mut cuts = Cuts::default();
                    // The tag's bytes before the value are still the last ones kept.
                    match self.attr_name() {
                        Some("body") => cuts.body = true,
                        other => cuts.other = other,
                    }
                    match self.cuts.back_mut() {
                        Some((t, c)) if *t == self.tag_start => {
                            c.body |= cuts.body;
                            c.other = c.other.or(cuts.other);
                        }
                        _ => self.cuts.push_back((self.tag_start, cuts)),
                    }
                }
                self.lex = Lex::Tag;
                self.dropping = false;
                self.push_tail(&[q]);
                self.markup_byte()?;
                return Ok(true);
            }
            if self.dropping {
                return Ok(false);
            }
            self.run += 1;
            // Cut only between characters and outside references, so that what is passed on
            // still decodes.
            if self.run > VALUE_CAP && self.in_ref == 0 && (b & 0xC0) != 0x80 {
                self.dropping = true;
                return Ok(false);
            }
            self.in_ref = match (self.in_ref, b) {
                (_, b'&') => 1,
                (0, _) | (_, b';') => 0,
                (n, _) if n > 40 => 0,
                (n, _) => n + 1,
            };
            self.markup_byte()?;
            return Ok(true);
        }
        if self.lex == Lex::Text {
            if b == b'<' {
                self.lex = Lex::Open;
                self.tag_start = self.produced;
                self.markup = 1;
                return Ok(true);
            }
            self.run += 1;
            if self.run <= TEXT_CAP {
                return Ok(true);
            }
            if !b.is_ascii_whitespace() && !self.text_mark {
                self.text_mark = true;
                return Ok(true);
            }
            return Ok(false);
        }
        self.markup_byte()?;
        match self.lex {
            Lex::Open => match b {
                b'!' => {
                    self.lex = Lex::Bang;
                    self.since_bang = 1;
                }
                b'?' => {
                    self.lex = Lex::Pi;
                    self.last = [0; 2];
                }
                _ => {
                    self.lex = Lex::Tag;
                    self.tail_len = 0;
                    return self.tag_byte(b);
                }
            },
            Lex::Tag => return self.tag_byte(b),
            Lex::Bang => {
                self.since_bang += 1;
                self.last = [0, b];
                match b {
                    b'-' => self.lex = Lex::Comment,
                    b'[' => self.lex = Lex::CData,
                    b'>' => self.end_markup(),
                    b'<' => self.lex = Lex::Doctype(1),
                    _ => self.lex = Lex::Doctype(0),
                }
            }
            Lex::Comment => {
                if b == b'>' && self.since_bang > 4 && self.last == *b"--" {
                    self.end_markup();
                } else {
                    self.since_bang += 1;
                    self.last = [self.last[1], b];
                }
            }
            Lex::CData => {
                if b == b'>' && self.last == *b"]]" {
                    self.end_markup();
                } else {
                    self.last = [self.last[1], b];
                }
            }
            Lex::Pi => {
                if b == b'>' && self.last[1] == b'?' {
                    self.end_markup();
                } else {
                    self.last = [self.last[1], b];
                }
            }
            Lex::Doctype(open) => match (b, open) {
                (b'<', n) => self.lex = Lex::Doctype(n + 1),
                (b'>', 0) => self.end_markup(),
                (b'>', n) => self.lex = Lex::Doctype(n - 1),
                _ => {}
            },
            Lex::Text | Lex::Value(_) => unreachable!("handled above"),
        }
        Ok(true)
    }

    /// A byte of a tag outside quotes (its markup byte already counted).
    fn tag_byte(&mut self, b: u8) -> io::Result<bool> {
        match b {
            b'>' => self.end_markup(),
            b'"' | b'\'' => {
                self.lex = Lex::Value(b);
                self.run = 0;
                self.in_ref = 0;
                self.dropping = false;
            }
            _ => self.push_tail(&[b]),
        }
        Ok(true)
    }
}

impl<R: BufRead> io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Bounded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos == self.out.len() {
            if let Some(why) = &self.failed {
                return Err(io::Error::new(io::ErrorKind::InvalidData, why.clone()));
            }
            self.out.clear();
            self.pos = 0;
            let chunk = loop {
                match self.inner.fill_buf() {
                    Ok(c) => break c,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            if chunk.is_empty() {
                break;
            }
            // At most FEED bytes at a time (a reader over a slice offers all of it at once, and
            // `out` would hold it all). A chunk that is all dropped leaves `out` empty, and the
            // loop reads the next.
            let n = chunk.len().min(FEED);
            if let Err(e) = self.lexer.feed(&chunk[..n], &mut self.out) {
                // What was lexed of this chunk is not passed on: the input stops here.
                self.out.clear();
                self.failed = Some(e.to_string());
                return Err(e);
            }
            self.inner.consume(n);
        }
        Ok(&self.out[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

// ----- SMS Backup & Restore XML -----

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

    fn starting_at_byte(reader: R, base: u64) -> Self {
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
    fn read_root(&mut self) -> Result<(), ImportError> {
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

/// Decode an attribute value (UTF-8) and resolve its references, joining UTF-16 surrogate
/// pairs written as two references; keep at most `cap` bytes of text (cut at a character,
/// the rest not even looked at), and say whether it was cut.
fn unescape(raw: &[u8], cap: usize) -> Result<(String, bool), String> {
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

    fn sms(sender: &str, body: &str, at: Option<i64>) -> Sms {
        Sms {
            sender: sender.into(),
            body: body.into(),
            received_at: at,
            cut: false,
        }
    }

    /// An item as `Ok((position, sms))` or `Err((kind, position, message))`.
    type Row = Result<(String, Sms), (ErrorKind, String, String)>;

    /// Every item of an input, and what was skipped.
    fn read_all(input: &str) -> (Vec<Row>, Skipped) {
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

    fn xml(rows: &str) -> String {
        format!(
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n\
             <!--File Created By SMS Backup & Restore-->\n\
             <?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n\
             <smses count=\"9\">\n{rows}</smses>\n"
        )
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

    /// Everything `Bounded` passes on of `input`, read through a tiny buffer.
    fn through_bounded(input: &[u8], chunk: usize) -> io::Result<Vec<u8>> {
        let mut b = Bounded::new(io::BufReader::with_capacity(chunk, input));
        let mut out = Vec::new();
        io::Read::read_to_end(&mut b, &mut out)?;
        Ok(out)
    }

    #[test]
    fn bounded_passes_ordinary_markup_unchanged() {
        let sample = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../cli/data/sample_inbox.xml"
        ))
        .unwrap_or_default();
        let rows: Vec<Vec<u8>> = vec![
            sample,
            xml(concat!(
                "<!-- a comment with \"quotes' and > and -- inside -->\n",
                "<?pi with 'quote\" and > ?>\n",
                "<![CDATA[ \"x\" > ]] ]]>\n",
                "<sms address='a\"b' date=\"1\" type=\"1\" body=\"x > y &amp; 'z'\" />\n",
                "<sms address=\"a\" date=\"2\" type=\"1\" body=\"&#55357;&#56832;\"></sms>\n",
                "<!---->\n<!-- - -->\n",
            ))
            .into_bytes(),
            b"<!DOCTYPE smses [ <!ELEMENT smses (sms*)> <!ATTLIST sms body CDATA #IMPLIED> ]><smses/>"
                .to_vec(),
            b"<!-->--><smses/>".to_vec(),
        ];
        for input in &rows {
            for chunk in [1, 3, 7, 64, 1 << 16] {
                let out = through_bounded(input, chunk).unwrap();
                assert!(
                    out == *input,
                    "chunk {chunk}: {}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    /// An export of three messages whose middle body is `body` (as written).
    fn around(body: &str) -> String {
        xml(&format!(
            "<sms address=\"a\" date=\"1\" type=\"1\" body=\"one\" />\n\
             <sms address=\"b\" date=\"2\" type=\"1\" body=\"{body}\" read=\"1\" />\n\
             <sms address=\"c\" date=\"3\" type=\"1\" body=\"three\" />\n"
        ))
    }

    fn byte_of(position: &str) -> usize {
        position
            .split("(byte ")
            .nth(1)
            .unwrap()
            .trim_end_matches(')')
            .parse()
            .unwrap()
    }

    #[test]
    fn value_names_are_read_back_from_the_tag() {
        let rows: &[(&str, Option<&str>)] = &[
            ("<sms body=", Some("body")),
            ("<sms a=\"1\" body =  ", Some("body")),
            ("<sms\taddress\n=", Some("address")),
            ("<sms x='1' date=", Some("date")),
            ("<sms type=", Some("type")),
            ("<sms nobody=", None),
            ("<sms a=\"1\"body=", Some("body")),
            ("<sms contact_name_very_long_body=", None),
            ("<sms subject=", None),
            ("<sms body", None),
        ];
        for (tag, want) in rows {
            let mut l = Lexer::new();
            let mut out = Vec::new();
            l.feed(tag.as_bytes(), &mut out).unwrap();
            assert_eq!(l.attr_name(), *want, "{tag}");
        }
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
    fn other_long_values_and_markup() {
        // A long address spoils its record only.
        let long = "1".repeat(VALUE_CAP + 5);
        let input = xml(&format!(
            "<sms address=\"{long}\" date=\"1\" type=\"1\" body=\"x\" />\n\
             <sms address=\"b\" date=\"2\" type=\"1\" body=\"two\" />\n"
        ));
        let (items, _) = read_all(&input);
        let (kind, pos, msg) = items[0].as_ref().unwrap_err();
        assert_eq!(*kind, ErrorKind::BadRecord);
        assert!(
            msg.contains("attribute `address` is longer than 256 KiB"),
            "{msg}"
        );
        assert!(input[byte_of(pos)..].starts_with("<sms address="));
        assert_eq!(items[1].as_ref().unwrap().1.body, "two");
        // Long text between elements, an MMS attachment: skipped, the rest read.
        let input = xml(&format!(
            "{}\n<mms date=\"1\"><parts><part data=\"{}\" /></parts></mms>\n\
             <sms address=\"b\" date=\"2\" type=\"1\" body=\"two\" />\n",
            " ".repeat(3 * TEXT_CAP),
            "QUJD".repeat(VALUE_CAP)
        ));
        let (items, skipped) = read_all(&input);
        assert_eq!(skipped.mms, 1);
        let (pos, sms) = items[0].as_ref().unwrap();
        assert_eq!(sms.body, "two");
        assert!(input[byte_of(pos)..].starts_with("<sms address=\"b\""));
        // Text past the cap is still text: after the root, an error.
        let input = format!("<smses/>{}junk", " ".repeat(2 * TEXT_CAP));
        let e = open(input.as_bytes()).unwrap().next().unwrap().unwrap_err();
        assert!(e.message.contains("content after </smses>"), "{e}");
        // A tag too long even with its values cut: reading stops, saying why.
        let attrs: String = (0..6)
            .map(|i| format!(" a{i}=\"{}\"", "v".repeat(VALUE_CAP + 1)))
            .collect();
        let input = xml(&format!("<sms{attrs} />\n"));
        let items: Vec<_> = open(input.as_bytes()).unwrap().collect();
        let e = items.last().unwrap().as_ref().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax, "{e}");
        assert!(e.message.contains("longer than 1 MiB"), "{e}");
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

    /// `cargo test --release -p smishgate-core --lib import::tests::bounded_timing -- --ignored
    /// --nocapture`: what the bounded lexer costs over a 100,000-message export.
    #[test]
    #[ignore]
    fn bounded_timing() {
        let mut input = String::from(
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"100000\">\n",
        );
        for i in 0..100_000 {
            input += &format!(
                "  <sms protocol=\"0\" address=\"+8190{i:08}\" date=\"17000000{i:05}\" type=\"1\" subject=\"null\" body=\"【SBI証券】お取引制限のお知らせ&#10;https://sbisec-co-jp.xyz/{i} &amp; more text for a realistic length\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" status=\"-1\" locked=\"0\" date_sent=\"0\" sub_id=\"1\" readable_date=\"2026/11/21 9:12:44\" contact_name=\"(Unknown)\" />\n"
            );
        }
        input += "</smses>\n";
        let t = std::time::Instant::now();
        let mut b = Bounded::new(io::BufReader::with_capacity(1 << 16, input.as_bytes()));
        let mut total = 0;
        loop {
            let n = b.fill_buf().unwrap().len();
            if n == 0 {
                break;
            }
            total += n;
            b.consume(n);
        }
        let bounded = t.elapsed();
        assert_eq!(total, input.len());
        // quick-xml's events over the input as it is and through Bounded.
        let events = |through: bool| {
            let t = std::time::Instant::now();
            let raw = io::BufReader::with_capacity(1 << 16, input.as_bytes());
            let mut buf = Vec::new();
            let mut n = 0;
            if through {
                let mut r = Reader::from_reader(Bounded::new(raw));
                while !matches!(r.read_event_into(&mut buf), Ok(Event::Eof)) {
                    buf.clear();
                    n += 1;
                }
            } else {
                let mut r = Reader::from_reader(raw);
                while !matches!(r.read_event_into(&mut buf), Ok(Event::Eof)) {
                    buf.clear();
                    n += 1;
                }
            }
            (n, t.elapsed())
        };
        let (plain, plain_t) = events(false);
        let (through, through_t) = events(true);
        assert_eq!(plain, through);
        let t = std::time::Instant::now();
        let n = open(io::BufReader::with_capacity(1 << 16, input.as_bytes()))
            .unwrap()
            .count();
        println!(
            "{} MB: Bounded alone {bounded:?}; quick-xml's events {plain_t:?}, through Bounded \
             {through_t:?}; the whole import {:?} ({n} messages)",
            input.len() >> 20,
            t.elapsed()
        );
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
