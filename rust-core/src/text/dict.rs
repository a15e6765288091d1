//! A dictionary of names, searched in message text and in host names, that builds in
//! microseconds.
//!
//! The registry's names (about a thousand aliases) and its brand tokens and domain forms are
//! searched in every message and every foreign host. Aho-Corasick automata over them took
//! 3–4 ms to build, most of the command line's start-up (`smishgate check` on one message must
//! answer in under 10 ms). This index costs a few hundred microseconds: each pattern sits in a
//! bucket keyed by its first three bytes (a whole kana or kanji, or three letters), found
//! through a flat table, longest first. Few positions of a message start a name's first three
//! bytes, so a scan costs one table read per character and a comparison or two where a bucket
//! is hit. Two-byte names (`au`) live in a short sorted list behind a first-byte filter. A
//! bucket too large to scan (a user registry of many thousands of services) is sorted and
//! walked instead, so that neither building nor searching grows faster than the patterns.
//! Patterns live end to end in one buffer, as do the keys of `StrMap`, the registry's maps
//! of ids, domains and sender keys: a large registry costs no allocation per name.

/// Slots of the three-byte table for a small dictionary: a power of two, indexed by a
/// multiplicative hash. A large one gets about two slots per pattern (see [`Dict::new`]).
const SLOTS: usize = 1 << 14;

/// Buckets of at most this many patterns are scanned, longest first (the built-in registry's
/// largest has 34); larger ones (a user registry of thousands of services puts hundreds of
/// names behind one three-byte prefix) are sorted by bytes and walked byte by byte with binary
/// searches, so that a scan's cost stays the length of the longest match times a logarithm,
/// whatever the dictionary's size.
const SCAN_MAX: usize = 64;

/// Patterns indexed for leftmost-longest and overlapping search.
#[derive(Debug, Clone)]
pub struct Dict {
    /// Every pattern, end to end: one allocation, however many patterns.
    text: String,
    /// Per pattern id: its start and end in `text`.
    spans: Vec<(u32, u32)>,
    /// Bits of the slot index (`slots.len()` is `1 << bits`).
    bits: u32,
    /// Per slot: 0 for empty, otherwise 1 + the index of its bucket.
    slots: Vec<u32>,
    /// Pattern ids of patterns of three bytes or more: longest first in a bucket of at most
    /// [`SCAN_MAX`], by bytes (then id) in a larger one.
    buckets: Vec<Vec<u32>>,
    /// Pattern ids of two-byte patterns, by bytes (then id).
    short: Vec<u32>,
    /// First bytes of the two-byte patterns.
    short_first: [bool; 256],
}

/// The first eight bytes of `b` as a number that orders as the bytes do, shorter strings
/// padded with zeros: equal keys still need the bytes compared (`ab` and `ab\0`), unequal ones
/// do not.
pub(crate) fn prefix_key(b: &[u8]) -> u64 {
    let mut k = [0u8; 8];
    let n = b.len().min(8);
    k[..n].copy_from_slice(&b[..n]);
    u64::from_be_bytes(k)
}

#[inline]
fn slot(b: &[u8], bits: u32) -> usize {
    let x = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    (x.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// Matches at one position: a scanned bucket's ids filtered in place, or the matches a walk
/// collected.
enum At<S, W> {
    Scan(S),
    Walk(W),
}

impl<S: Iterator<Item = (usize, u32)>, W: Iterator<Item = (usize, u32)>> Iterator for At<S, W> {
    type Item = (usize, u32);
    fn next(&mut self) -> Option<(usize, u32)> {
        match self {
            At::Scan(s) => s.next(),
            At::Walk(w) => w.next(),
        }
    }
}

/// Patterns gathered one by one into one buffer, then indexed ([`DictBuilder::build`]): a
/// registry's names need no string of their own each.
#[derive(Debug, Default)]
pub struct DictBuilder {
    text: String,
    spans: Vec<(u32, u32)>,
}

impl DictBuilder {
    /// Add a pattern; its id is the number of patterns added before it.
    pub fn push(&mut self, pattern: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(pattern);
        self.spans.push((start, self.text.len() as u32));
    }

    /// How many patterns were added.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Were none added?
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Pattern `id` as added.
    pub fn get(&self, id: usize) -> &str {
        let (s, e) = self.spans[id];
        &self.text[s as usize..e as usize]
    }

    /// Index the patterns.
    pub fn build(self) -> Dict {
        Dict::index(self.text, self.spans)
    }
}

impl Dict {
    /// Index `patterns`; a pattern's id is its position. Patterns shorter than two bytes are
    /// never found.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Dict {
        let mut b = DictBuilder::default();
        for p in patterns {
            b.push(p.as_ref());
        }
        b.build()
    }

    fn index(text: String, spans: Vec<(u32, u32)>) -> Dict {
        let long = spans.iter().filter(|(s, e)| e - s >= 3).count();
        // The default registry's dictionaries keep the small table; a large one grows it so
        // that unrelated prefixes seldom share a bucket.
        let slots_len = SLOTS.max((2 * long).next_power_of_two());
        let mut d = Dict {
            text,
            spans,
            bits: slots_len.trailing_zeros(),
            slots: Vec::new(),
            buckets: Vec::new(),
            short: Vec::new(),
            short_first: [false; 256],
        };
        if long > 0 {
            d.slots = vec![0; slots_len];
        }
        for id in 0..d.spans.len() {
            let b = d.pattern(id as u32);
            match b.len() {
                0 | 1 => {}
                2 => {
                    d.short_first[usize::from(b[0])] = true;
                    d.short.push(id as u32);
                }
                _ => {
                    let s = slot(b, d.bits);
                    if d.slots[s] == 0 {
                        d.buckets.push(Vec::new());
                        d.slots[s] = d.buckets.len() as u32;
                    }
                    d.buckets[d.slots[s] as usize - 1].push(id as u32);
                }
            }
        }
        let mut buckets = std::mem::take(&mut d.buckets);
        for bucket in &mut buckets {
            if bucket.len() <= SCAN_MAX {
                // Stable: equal lengths stay in id order.
                bucket.sort_by_key(|&id| std::cmp::Reverse(d.pattern(id).len()));
            } else {
                // The first eight bytes decide most comparisons without reading the text.
                let mut keyed: Vec<(u64, u32)> = bucket
                    .iter()
                    .map(|&id| (prefix_key(d.pattern(id)), id))
                    .collect();
                keyed.sort_unstable_by(|&(ka, a), &(kb, b)| {
                    ka.cmp(&kb)
                        .then_with(|| d.pattern(a).cmp(d.pattern(b)))
                        .then(a.cmp(&b))
                });
                bucket.clear();
                bucket.extend(keyed.into_iter().map(|(_, id)| id));
            }
        }
        d.buckets = buckets;
        let mut short = std::mem::take(&mut d.short);
        short.sort_by(|&a, &b| d.pattern(a).cmp(d.pattern(b)).then(a.cmp(&b)));
        d.short = short;
        d
    }

    /// Is the dictionary empty?
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty() && self.short.is_empty()
    }

    /// The bytes of pattern `id`.
    #[inline]
    fn pattern(&self, id: u32) -> &[u8] {
        let (s, e) = self.spans[id as usize];
        &self.text.as_bytes()[s as usize..e as usize]
    }

    /// Every pattern starting at byte `i` of `b`, longest first (equal ones in id order).
    #[inline]
    fn at<'a>(&'a self, b: &'a [u8], i: usize) -> impl Iterator<Item = (usize, u32)> + 'a {
        let rest = &b[i..];
        let long = if rest.len() >= 3 && !self.slots.is_empty() {
            match self.slots[slot(rest, self.bits)] {
                0 => &[][..],
                n => &self.buckets[n as usize - 1][..],
            }
        } else {
            &[][..]
        };
        let short = if rest.len() >= 2 && self.short_first[usize::from(rest[0])] {
            if self.short.len() <= SCAN_MAX {
                &self.short[..]
            } else {
                let key = &rest[..2];
                let lo = self.short.partition_point(|&id| self.pattern(id) < key);
                let hi = lo + self.short[lo..].partition_point(|&id| self.pattern(id) == key);
                &self.short[lo..hi]
            }
        } else {
            &[][..]
        };
        // A few two-byte patterns are scanned (the filter); a long list's equal range needs
        // no filter but passes it.
        let shorts = short
            .iter()
            .filter(move |&&id| rest.starts_with(self.pattern(id)))
            .map(move |&id| (i + 2, id));
        if long.len() <= SCAN_MAX {
            At::Scan(
                long.iter()
                    .filter(move |&&id| rest.starts_with(self.pattern(id)))
                    .map(move |&id| (i + self.pattern(id).len(), id))
                    .chain(shorts),
            )
        } else {
            At::Walk(
                self.walk(long, rest)
                    .into_iter()
                    .rev()
                    .flat_map(move |(lo, hi)| long[lo..hi].iter())
                    .map(move |&id| (i + self.pattern(id).len(), id))
                    .chain(shorts),
            )
        }
    }

    /// The first of [`Dict::at`]'s matches, without building its iterator: the text scan
    /// of every message asks this at every character, and most ask of an empty slot.
    #[inline]
    fn longest_at(&self, b: &[u8], i: usize) -> Option<(usize, u32)> {
        let rest = &b[i..];
        if rest.len() >= 3 && !self.slots.is_empty() {
            let n = self.slots[slot(rest, self.bits)];
            if n != 0 {
                let bucket = &self.buckets[n as usize - 1];
                let found = if bucket.len() <= SCAN_MAX {
                    bucket
                        .iter()
                        .copied()
                        .find(|&id| rest.starts_with(self.pattern(id)))
                } else {
                    // The longest run is the last; its first is the lowest id.
                    self.walk(bucket, rest).last().map(|&(lo, _)| bucket[lo])
                };
                if let Some(id) = found {
                    return Some((i + self.pattern(id).len(), id));
                }
            }
        }
        if rest.len() >= 2 && self.short_first[usize::from(rest[0])] {
            let key = &rest[..2];
            let short = if self.short.len() <= SCAN_MAX {
                &self.short[..]
            } else {
                &self.short[self.short.partition_point(|&id| self.pattern(id) < key)..]
            };
            return short
                .iter()
                .find(|&&id| self.pattern(id) == key)
                .map(|&id| (i + 2, id));
        }
        None
    }

    /// The patterns of a sorted bucket that are prefixes of `rest`, as runs of the bucket,
    /// shortest first. The range of patterns sharing the first `d` bytes of `rest` is
    /// narrowed one byte at a time; those of length `d` sort first in it and match.
    fn walk(&self, bucket: &[u32], rest: &[u8]) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        let (mut lo, mut hi) = (0, bucket.len());
        let mut d = 0;
        while lo < hi {
            let ended = bucket[lo..hi].partition_point(|&id| self.pattern(id).len() == d);
            if ended > 0 {
                runs.push((lo, lo + ended));
                lo += ended;
            }
            if d == rest.len() || lo == hi {
                break;
            }
            let c = rest[d];
            let range = &bucket[lo..hi];
            let from = range.partition_point(|&id| self.pattern(id)[d] < c);
            let to = from + range[from..].partition_point(|&id| self.pattern(id)[d] == c);
            (lo, hi) = (lo + from, lo + to);
            d += 1;
        }
        runs
    }

    /// Leftmost-longest, non-overlapping matches: (start, end, pattern id).
    pub fn find_iter<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        let b = text.as_bytes();
        let mut i = 0;
        std::iter::from_fn(move || {
            while i < b.len() {
                let start = i;
                // A match starts on a character: continuation bytes are skipped.
                if b[i] & 0xC0 != 0x80 {
                    if let Some((end, id)) = self.longest_at(b, i) {
                        i = end;
                        return Some((start, end, id as usize));
                    }
                }
                i += 1;
            }
            None
        })
    }

    /// Every match, overlapping ones included: (start, end, pattern id), by start.
    pub fn find_overlapping<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        let b = text.as_bytes();
        (0..b.len())
            .filter(move |&i| b[i] & 0xC0 != 0x80)
            .flat_map(move |i| self.at(b, i).map(move |(end, id)| (i, end, id as usize)))
    }
}

/// A map from strings to values whose keys share one buffer: the registry's ids, domains and
/// sender keys, 300,000 of them for 100,000 services, cost no allocation each to build and
/// none to free. Open addressing over a power-of-two table of entry numbers, with std's
/// keyed hasher (a registry file is input: its keys must not be able to collide on purpose).
pub(crate) struct StrMap<V> {
    text: String,
    /// Per entry: its key's span in `text`, its hash, its value.
    entries: Vec<(u32, u32, u64, V)>,
    /// 0 for an empty slot, otherwise 1 + an entry number.
    slots: Vec<u32>,
    hasher: std::collections::hash_map::RandomState,
}

impl<V> std::fmt::Debug for StrMap<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StrMap({} keys)", self.entries.len())
    }
}

impl<V> StrMap<V> {
    /// An empty map sized for about `n` keys.
    pub(crate) fn with_capacity(n: usize) -> StrMap<V> {
        StrMap {
            text: String::new(),
            entries: Vec::with_capacity(n),
            slots: vec![0; (2 * n).next_power_of_two().max(16)],
            hasher: Default::default(),
        }
    }

    fn key(&self, e: usize) -> &str {
        let (s, t, _, _) = self.entries[e];
        &self.text[s as usize..t as usize]
    }

    /// The slot holding `key`, or the empty slot where it would go.
    fn find(&self, key: &str, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match self.slots[i] {
                0 => return i,
                n => {
                    let e = n as usize - 1;
                    if self.entries[e].2 == hash && self.key(e) == key {
                        return i;
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        use std::hash::BuildHasher;
        if self.entries.is_empty() {
            return None;
        }
        let hash = self.hasher.hash_one(key);
        match self.slots[self.find(key, hash)] {
            0 => None,
            n => Some(&self.entries[n as usize - 1].3),
        }
    }

    /// The value of `key`, `make`'s when it is new; `true` when it is.
    pub(crate) fn entry(&mut self, key: &str, make: impl FnOnce() -> V) -> (&mut V, bool) {
        use std::hash::BuildHasher;
        if 2 * (self.entries.len() + 1) > self.slots.len() {
            self.grow();
        }
        let hash = self.hasher.hash_one(key);
        let slot = self.find(key, hash);
        let fresh = self.slots[slot] == 0;
        if fresh {
            let start = self.text.len() as u32;
            self.text.push_str(key);
            self.entries
                .push((start, self.text.len() as u32, hash, make()));
            self.slots[slot] = self.entries.len() as u32;
        }
        let e = self.slots[slot] as usize - 1;
        (&mut self.entries[e].3, fresh)
    }

    fn grow(&mut self) {
        let len = self.slots.len() * 2;
        self.slots = vec![0; len];
        let mask = len - 1;
        for (e, &(_, _, hash, _)) in self.entries.iter().enumerate() {
            let mut i = hash as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = e as u32 + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftmost_longest() {
        let d = Dict::new(&[
            "au",
            "aupay",
            "アマゾン",
            "三井住友",
            "三井住友カード",
            "sbi",
        ]);
        let hits: Vec<_> = d
            .find_iter("【三井住友カード】aupayとau、アマゾンsbisbi")
            .collect();
        let words: Vec<&str> = hits
            .iter()
            .map(|&(s, e, _)| &"【三井住友カード】aupayとau、アマゾンsbisbi"[s..e])
            .collect();
        assert_eq!(
            words,
            ["三井住友カード", "aupay", "au", "アマゾン", "sbi", "sbi"]
        );
        assert_eq!(hits[0].2, 4);
        assert!(Dict::new::<&str>(&[])
            .find_iter("anything")
            .next()
            .is_none());
        assert!(Dict::new(&["x"]).is_empty());
    }

    #[test]
    fn overlapping() {
        let d = Dict::new(&["amazon", "amazon.co.jp", "zon", "co"]);
        let mut hits: Vec<_> = d.find_overlapping("amazon.co.jp.evil.top").collect();
        hits.sort();
        assert_eq!(hits, [(0, 6, 0), (0, 12, 1), (3, 6, 2), (7, 9, 3)]);
    }

    /// The same matches as a naive search, on random text over a small alphabet.
    #[test]
    fn agrees_with_naive_search() {
        agrees_with_naive(
            &["ab", "abc", "bca", "ca", "aab", "あい", "あいう", "いう"],
            500,
        );
    }

    /// The same with buckets too large to scan (walked), duplicates and two-byte patterns
    /// among them: 3,000 patterns over four characters share a few three-byte prefixes.
    #[test]
    fn agrees_with_naive_search_when_buckets_are_large() {
        let alphabet = ['a', 'b', 'c', 'あ'];
        let mut seed: u32 = 11;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as usize
        };
        let mut pats: Vec<String> = (0..3000)
            .map(|_| {
                let n = 1 + next() % 6;
                (0..n).map(|_| alphabet[next() % alphabet.len()]).collect()
            })
            .collect();
        pats.extend(["aaa", "aaa", "ab", "ab"].map(String::from));
        let d = Dict::new(&pats);
        assert!(
            d.buckets.iter().any(|b| b.len() > SCAN_MAX),
            "no walked bucket"
        );
        let refs: Vec<&str> = pats.iter().map(String::as_str).collect();
        agrees_with_naive(&refs, 200);
    }

    fn agrees_with_naive(pats: &[&str], rounds: usize) {
        let d = Dict::new(pats);
        let alphabet = ['a', 'b', 'c', 'あ', 'い', 'う'];
        let mut seed: u32 = 7;
        for _ in 0..rounds {
            let text: String = (0..24)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    alphabet[(seed >> 16) as usize % alphabet.len()]
                })
                .collect();
            let mut naive = Vec::new();
            for (i, _) in text.char_indices() {
                for (id, p) in pats.iter().enumerate() {
                    // One-byte patterns are never found (see `Dict::new`).
                    if p.len() >= 2 && text[i..].starts_with(p) {
                        naive.push((i, i + p.len(), id));
                    }
                }
            }
            // By start, then longest first, then id: the order callers' tie-breaks rely on.
            naive.sort_by_key(|&(s, e, id)| (s, std::cmp::Reverse(e), id));
            let got: Vec<_> = d.find_overlapping(&text).collect();
            assert_eq!(got, naive, "{text}");
            // Leftmost-longest: from each match's end, the longest at the leftmost start.
            let mut want = Vec::new();
            let mut at = 0;
            while let Some(&(s, _, _)) = naive.iter().find(|m| m.0 >= at) {
                // The longest, the first pattern of it on a tie.
                let best = *naive.iter().find(|m| m.0 == s).expect("a match at s");
                want.push(best);
                at = best.1;
            }
            let got: Vec<_> = d.find_iter(&text).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn str_map_agrees_with_a_hash_map() {
        let mut m: StrMap<usize> = StrMap::with_capacity(2);
        let mut std_map = std::collections::HashMap::new();
        for i in 0..5000usize {
            let k = format!("k{}", i * 7 % 3001);
            let (v, fresh) = m.entry(&k, || i);
            assert_eq!(fresh, !std_map.contains_key(&k), "{k}");
            *v += 1;
            *std_map.entry(k).or_insert(i) += 1;
        }
        for i in 0..4000 {
            let k = format!("k{i}");
            assert_eq!(m.get(&k), std_map.get(&k), "{k}");
        }
        assert_eq!(StrMap::<u8>::with_capacity(0).get(""), None);
    }
}
