//! The bounded lexer between the input and quick-xml: it passes on at most so many bytes of
//! any attribute value or text run, so that one huge `<sms>` cannot take the memory, and
//! remembers what it cut and dropped, so that records are marked cut and positions stay true.

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

use super::BODY_CAP;
use std::collections::VecDeque;
use std::io::{self, BufRead};

/// Most bytes of one attribute value passed on, as written: four times [`BODY_CAP`], so that
/// a body written with references (`&#10;`, `&#55357;&#56832;`) still yields [`BODY_CAP`] of
/// text, which is what the body is then cut to.
pub(super) const VALUE_CAP: usize = 4 * BODY_CAP;

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
pub(super) struct Cuts {
    pub(super) body: bool,
    /// `address`, `date` or `type`: the record cannot be read.
    pub(super) other: Option<&'static str>,
}

/// A [`BufRead`] that passes on its input with long values and text runs cut (see above).
pub(super) struct Bounded<R> {
    inner: R,
    /// What is passed on of the inner reader's last chunk.
    out: Vec<u8>,
    /// Bytes of `out` consumed.
    pos: usize,
    pub(super) lexer: Lexer,
    /// Why the markup was refused: given again on every read after it.
    failed: Option<String>,
}

/// What `Bounded` knows of the markup, and what it cut.
#[derive(Debug)]
pub(super) struct Lexer {
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
    pub(super) fn new(inner: R) -> Self {
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
    pub(super) fn real(&self, offset: u64) -> u64 {
        let before = self
            .drops
            .iter()
            .rev()
            .find(|(p, _)| *p <= offset)
            .map_or(self.base_dropped, |(_, d)| *d);
        offset + before
    }

    /// Nothing before `offset` will be asked about again.
    pub(super) fn forget_before(&mut self, offset: u64) {
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
    pub(super) fn cuts_at(&self, offset: u64) -> Cuts {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::{byte_of, read_all, xml};
    use crate::import::{open, ErrorKind};
    use quick_xml::events::Event;
    use quick_xml::Reader;

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

    /// `cargo test --release -p smishgate-core --lib import::bounded::tests::bounded_timing -- --ignored
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
}
