//! Names written with look-alike characters: `Rаkuten` with a Cyrillic `а`, `Vοdafone` with a
//! Greek `ο`, `楽天力ード` with the kanji `力` for the katakana `カ`, `郵使局` for `郵便局`.
//!
//! Nobody legitimate disguises their own name, and a filter that looks names up letter by
//! letter never sees the disguised one. [`unconfuse`] writes the text with each look-alike
//! replaced by the character it imitates, and says where it replaced one, so that the claim
//! finder can run on it and keep only the names a replacement made: a name found there and
//! not in the text as written is a disguised one. The replacements are narrow on purpose: a
//! Cyrillic or Greek letter only inside a word that also has Latin letters (a Russian word is
//! left alone), a kanji or hiragana only beside katakana, and a handful of kanji that differ
//! from a brand's by a stroke or are its simplified Chinese form. Anything else stays as it is.

/// The text with look-alikes replaced (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfused {
    /// The replaced text (from the folded text: ASCII letters already lower-case).
    pub text: String,
    /// Byte ranges of `text` holding a replacement.
    pub replaced: Vec<(usize, usize)>,
    /// For each byte offset of `text` (and its end), the offset in the original.
    origin: Vec<usize>,
}

impl Unconfused {
    /// The offset in the original text of offset `i` of [`Unconfused::text`].
    pub fn original(&self, i: usize) -> usize {
        self.origin[i.min(self.origin.len() - 1)]
    }

    /// Offset `i` of the original in [`Unconfused::text`] (the first at or after it).
    pub fn mapped(&self, i: usize) -> usize {
        self.origin.partition_point(|&o| o < i)
    }

    /// Does the range `s..e` of [`Unconfused::text`] hold a replacement?
    pub fn touches(&self, s: usize, e: usize) -> bool {
        self.replaced.iter().any(|&(a, b)| s < b && e > a)
    }
}

/// The Latin letter a Cyrillic or Greek letter imitates (lower-case), if it imitates one.
fn latin_for(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic.
        'а' | 'А' => 'a',
        'в' | 'В' => 'b',
        'с' | 'С' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ё' => 'e',
        'һ' | 'Н' => 'h',
        'і' | 'І' | 'ӏ' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' => 'k',
        'М' | 'м' => 'm',
        'о' | 'О' => 'o',
        'р' | 'Р' => 'p',
        'ԛ' => 'q',
        'ѕ' | 'Ѕ' => 's',
        'Т' | 'т' => 't',
        'у' | 'У' => 'y',
        'ԝ' => 'w',
        'х' | 'Х' => 'x',
        // Greek.
        'α' | 'Α' => 'a',
        'β' | 'Β' => 'b',
        'ε' | 'Ε' => 'e',
        'Ζ' => 'z',
        'Η' => 'h',
        'ι' | 'Ι' => 'i',
        'κ' | 'Κ' => 'k',
        'Μ' => 'm',
        'ν' | 'Ν' => 'n',
        'ο' | 'Ο' => 'o',
        'ρ' | 'Ρ' => 'p',
        'τ' | 'Τ' => 't',
        'υ' | 'Υ' => 'y',
        'χ' | 'Χ' => 'x',
        _ => return None,
    })
}

/// The katakana a kanji or hiragana imitates when it stands beside katakana.
fn katakana_for(c: char) -> Option<char> {
    Some(match c {
        '力' => 'カ',
        '工' => 'エ',
        '口' => 'ロ',
        '夕' => 'タ',
        '二' => 'ニ',
        '八' => 'ハ',
        '卜' => 'ト',
        '一' => 'ー',
        '三' => 'ミ',
        '千' => 'チ',
        'へ' => 'ヘ',
        'べ' => 'ベ',
        'ぺ' => 'ペ',
        'り' => 'リ',
        _ => return None,
    })
}

/// A kanji one stroke from a brand's, or its simplified Chinese form (phishing kits written
/// in Chinese type them): replaced wherever it stands, since only a name made by a
/// replacement counts.
fn kanji_for(c: char) -> Option<char> {
    Some(match c {
        '夭' => '天',
        '使' => '便',
        '萎' => '菱',
        '往' => '住',
        '丼' => '井',
        '劵' => '券',
        '巻' => '券',
        '银' => '銀',
        '证' => '証',
        '邮' => '郵',
        '险' => '険',
        '电' => '電',
        '东' => '東',
        '务' => '務',
        '协' => '協',
        '乐' => '楽',
        '关' => '関',
        '贝' => '貝',
        _ => return None,
    })
}

fn is_katakana(c: char) -> bool {
    ('\u{30A1}'..='\u{30FA}').contains(&c) || c == 'ー'
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
}

fn is_greek_or_cyrillic(c: char) -> bool {
    ('\u{0370}'..='\u{03FF}').contains(&c) || ('\u{0400}'..='\u{052F}').contains(&c)
}

/// The text with its look-alikes replaced, or `None` when it has none (the common case: an
/// ASCII text is answered in one pass without allocating).
pub fn unconfuse(folded: &str) -> Option<Unconfused> {
    // Every look-alike is outside ASCII: most messages are decided by this one pass.
    if folded.is_ascii() {
        return None;
    }
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    let replacement = |i: usize| -> Option<char> {
        let (_, c) = chars[i];
        let prev = i.checked_sub(1).map(|j| chars[j].1);
        let next = chars.get(i + 1).map(|&(_, c)| c);
        if let Some(l) = latin_for(c) {
            // Inside a word that has Latin letters: walk the word both ways.
            let word = |range: &mut dyn Iterator<Item = usize>| {
                range
                    .map(|j| chars[j].1)
                    .take_while(|&c| is_latin(c) || is_greek_or_cyrillic(c) || c.is_ascii_digit())
                    .any(is_latin)
            };
            if word(&mut (0..i).rev()) || word(&mut (i + 1..chars.len())) {
                return Some(l);
            }
            return None;
        }
        if let Some(k) = katakana_for(c) {
            // Beside katakana, and not itself between two kanji (`一人`, `三井`, `入口`).
            if prev.is_some_and(is_katakana) || next.is_some_and(is_katakana) {
                return Some(k);
            }
        }
        kanji_for(c)
    };
    let first = (0..chars.len()).find(|&i| replacement(i).is_some())?;
    let mut text = String::with_capacity(folded.len());
    let mut origin = Vec::with_capacity(folded.len() + 1);
    let mut replaced = Vec::new();
    text.push_str(&folded[..chars[first].0]);
    origin.extend(0..chars[first].0);
    for (i, &(at, c)) in chars.iter().enumerate().skip(first) {
        let start = text.len();
        match replacement(i) {
            Some(r) => {
                text.push(r);
                replaced.push((start, text.len()));
            }
            None => text.push(c),
        }
        origin.extend(std::iter::repeat_n(at, text.len() - start));
    }
    origin.push(folded.len());
    Some(Unconfused {
        text,
        replaced,
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, what it reads as, or `None` when nothing is replaced).
    const CASES: &[(&str, Option<&str>)] = &[
        ("r\u{0430}kuten: your points", Some("rakuten: your points")),
        ("v\u{03bf}dafone alert", Some("vodafone alert")),
        ("\u{0410}mazon", Some("amazon")),
        ("楽天力ードのお知らせ", Some("楽天カードのお知らせ")),
        ("三井住友力ード", Some("三井住友カード")),
        ("郵使局からのお知らせ", Some("郵便局からのお知らせ")),
        ("中国邮政", Some("中国郵政")),
        ("楽夭市場", Some("楽天市場")),
        // Left alone: a Russian word, kanji between kanji, ordinary text.
        ("привет, как дела", None),
        ("一人で入口から", None),
        ("三井住友銀行のお知らせ", None),
        ("協力してください", None),
        ("your parcel is waiting", None),
        ("", None),
    ];

    #[test]
    fn look_alikes_are_read_as_what_they_imitate() {
        for &(text, want) in CASES {
            let got = unconfuse(text);
            assert_eq!(got.as_ref().map(|u| u.text.as_str()), want, "{text}");
        }
    }

    #[test]
    fn offsets_map_both_ways() {
        let text = "x r\u{0430}kuten y";
        let u = unconfuse(text).unwrap();
        let s = u.text.find("rakuten").unwrap();
        let e = s + "rakuten".len();
        assert!(u.touches(s, e));
        assert_eq!(&text[u.original(s)..u.original(e)], "r\u{0430}kuten");
        assert_eq!(u.mapped(u.original(e)), e);
        assert!(!u.touches(0, 1));
    }
}
