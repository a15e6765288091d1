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
//! is hit. Two-byte names (`au`) live in a short list behind a first-byte filter.

/// Slots of the three-byte table: a power of two, indexed by a multiplicative hash.
const SLOTS: usize = 1 << 14;

/// Patterns indexed for leftmost-longest and overlapping search.
#[derive(Debug, Clone)]
pub struct Dict {
    patterns: Vec<String>,
    /// Per slot: 0 for empty, otherwise 1 + the index of its bucket.
    slots: Vec<u32>,
    /// Pattern ids of patterns of three bytes or more, longest first.
    buckets: Vec<Vec<u32>>,
    /// Pattern ids of two-byte patterns.
    short: Vec<u32>,
    /// First bytes of the two-byte patterns.
    short_first: [bool; 256],
}

fn slot(b: &[u8]) -> usize {
    let x = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    (x.wrapping_mul(0x9E37_79B1) >> (32 - SLOTS.trailing_zeros())) as usize
}

impl Dict {
    /// Index `patterns`; a pattern's id is its position. Patterns shorter than two bytes are
    /// never found.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Dict {
        let mut d = Dict {
            patterns: patterns.iter().map(|p| p.as_ref().to_string()).collect(),
            slots: Vec::new(),
            buckets: Vec::new(),
            short: Vec::new(),
            short_first: [false; 256],
        };
        if d.patterns.iter().any(|p| p.len() >= 3) {
            d.slots = vec![0; SLOTS];
        }
        for (id, p) in d.patterns.iter().enumerate() {
            let b = p.as_bytes();
            match b.len() {
                0 | 1 => {}
                2 => {
                    d.short.push(id as u32);
                    d.short_first[usize::from(b[0])] = true;
                }
                _ => {
                    let s = slot(b);
                    if d.slots[s] == 0 {
                        d.buckets.push(Vec::new());
                        d.slots[s] = d.buckets.len() as u32;
                    }
                    d.buckets[d.slots[s] as usize - 1].push(id as u32);
                }
            }
        }
        let lens: Vec<usize> = d.patterns.iter().map(String::len).collect();
        for bucket in &mut d.buckets {
            bucket.sort_by_key(|&id| std::cmp::Reverse(lens[id as usize]));
        }
        d
    }

    /// Is the dictionary empty?
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty() && self.short.is_empty()
    }

    /// Every pattern starting at byte `i` of `b`, longest first.
    fn at<'a>(&'a self, b: &'a [u8], i: usize) -> impl Iterator<Item = (usize, u32)> + 'a {
        let rest = &b[i..];
        let long = if rest.len() >= 3 && !self.slots.is_empty() {
            match self.slots[slot(rest)] {
                0 => &[][..],
                n => &self.buckets[n as usize - 1][..],
            }
        } else {
            &[][..]
        };
        let short = if rest.len() >= 2 && self.short_first[usize::from(rest[0])] {
            &self.short[..]
        } else {
            &[][..]
        };
        long.iter()
            .chain(short)
            .filter(move |&&id| rest.starts_with(self.patterns[id as usize].as_bytes()))
            .map(move |&id| (i + self.patterns[id as usize].len(), id))
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
                    if let Some((end, id)) = self.at(b, i).next() {
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
        let pats = ["ab", "abc", "bca", "ca", "aab", "あい", "あいう", "いう"];
        let d = Dict::new(&pats);
        let alphabet = ['a', 'b', 'c', 'あ', 'い', 'う'];
        let mut seed: u32 = 7;
        for _ in 0..500 {
            let text: String = (0..24)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    alphabet[(seed >> 16) as usize % alphabet.len()]
                })
                .collect();
            let mut naive = Vec::new();
            for (i, _) in text.char_indices() {
                for (id, p) in pats.iter().enumerate() {
                    if text[i..].starts_with(p) {
                        naive.push((i, i + p.len(), id));
                    }
                }
            }
            let mut got: Vec<_> = d.find_overlapping(&text).collect();
            got.sort();
            naive.sort();
            assert_eq!(got, naive, "{text}");
            // Leftmost-longest: from each match's end, the longest at the leftmost start.
            let mut want = Vec::new();
            let mut at = 0;
            while let Some(&(s, _, _)) = naive.iter().find(|m| m.0 >= at) {
                let best = naive
                    .iter()
                    .filter(|m| m.0 == s)
                    .max_by_key(|m| m.1)
                    .copied()
                    .expect("a match at s");
                want.push(best);
                at = best.1;
            }
            let got: Vec<_> = d.find_iter(&text).collect();
            let got_spans: Vec<_> = got.iter().map(|m| (m.0, m.1)).collect();
            let want_spans: Vec<_> = want.iter().map(|m| (m.0, m.1)).collect();
            assert_eq!(got_spans, want_spans, "{text}");
        }
    }
}
