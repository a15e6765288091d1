//! The confusable skeleton: a label folded so that two names a reader cannot tell apart
//! (`аpple` with a Cyrillic `а`, `paypa1`, `vvellsfargo`) become the same string.
//!
//! Both the registry (which folds every official label and brand token once, when it compiles)
//! and the look-alike check (which folds each link's host) need it, so it stands below both.
//! Unicode TR39's confusables come from a table the build script writes (see `build.rs`).

use std::sync::OnceLock;

/// TR39 confusable skeleton of a label, lower-cased, with the digit/letter swaps phishers use.
pub fn skeleton(label: &str) -> String {
    if let Some(sk) = ascii_skeleton(label) {
        return sk;
    }
    general_skeleton(label)
}

/// The skeleton through TR39 for any label ([`skeleton`]'s path when the one-pass ASCII one
/// does not apply; the tests hold the two to the same answers).
fn general_skeleton(label: &str) -> String {
    let lower = label.to_lowercase();
    let sk: String = tr39_ascii(&lower)
        .unwrap_or_else(|| tr39_skeleton(&lower))
        .to_lowercase();
    // TR39 maps `m` to `rn`, `w` to `vv`, `0` to `O`, `1`/`I` to `l` already; a few swaps it
    // does not treat as confusable are common in phishing domains.
    // `vv` reads as `w` at a glance (`vvellsfargo`); TR39 leaves it alone.
    let sk = if sk.contains("vv") {
        sk.replace("vv", "w")
    } else {
        sk
    };
    sk.chars().map(swap).collect()
}

/// The swaps TR39 does not treat as confusable that phishing domains use: digits and signs for
/// the letters they resemble (`paypa1`, `amaz0n`), and `i` read as `l` after the prototypes.
fn swap(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | '!' | '|' | 'i' => 'l',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '$' => 's',
        _ => c,
    }
}

include!(concat!(env!("OUT_DIR"), "/confusables.rs"));

/// The TR39 skeleton (Unicode's confusables): decompose, replace each character by its
/// prototype, decompose again. Exactly `unicode_security::skeleton`, from the compact table the
/// build script writes (see `build.rs`; the tests compare the two over every character).
fn tr39_skeleton(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut mapped = String::with_capacity(s.len());
    for c in s.chars().nfd() {
        match CONFUSABLE_KEYS.binary_search(&u32::from(c)) {
            Ok(i) => {
                let v = CONFUSABLE_VALUES[i] as usize;
                mapped.push_str(&CONFUSABLE_TEXT[v >> 8..][..v & 0xFF]);
            }
            Err(_) => mapped.push(c),
        }
    }
    mapped.nfd().collect()
}

/// What [`skeleton`] makes of an ASCII label, in one pass over a table and one allocation:
/// compiling a registry takes the skeleton of every label, token and domain, and a link's
/// host is folded the same way. `None` when a character's prototype is not ASCII.
fn ascii_skeleton(label: &str) -> Option<String> {
    if !label.is_ascii() {
        return None;
    }
    let table = tr39_table();
    // Lower case, the prototypes, lower case again: the steps of the general path.
    let mut t = String::with_capacity(label.len() + 4);
    for b in label.bytes() {
        t.push_str(table[usize::from(b.to_ascii_lowercase())].as_deref()?);
    }
    t.make_ascii_lowercase();
    let tb = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let mut i = 0;
    while i < tb.len() {
        // `vv` reads as `w`, left to right, before the digit swaps (which make no `v`).
        if tb[i] == b'v' && tb.get(i + 1) == Some(&b'v') {
            out.push('w');
            i += 2;
            continue;
        }
        out.push(swap(char::from(tb[i])));
        i += 1;
    }
    Some(out)
}

/// Per ASCII character, its TR39 prototype when that is ASCII too.
fn tr39_table() -> &'static [Option<String>] {
    static TABLE: OnceLock<Vec<Option<String>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0u8..128)
            .map(|b| {
                let p = tr39_skeleton(&char::from(b).to_string());
                p.is_ascii().then_some(p)
            })
            .collect()
    })
}

/// The TR39 skeleton of an ASCII string, from a per-character table: most labels and tokens
/// are ASCII, and the full algorithm (two normalisations around the mapping) costs most of a
/// registry compile. Exact: for ASCII input both normalisations are the identity, so the
/// skeleton is the characters' prototypes end to end, used only when they are ASCII too.
/// `None` sends anything else through the full algorithm.
fn tr39_ascii(s: &str) -> Option<String> {
    let table = tr39_table();
    if !s.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 4);
    for b in s.bytes() {
        out.push_str(table[usize::from(b)].as_deref()?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compact table gives what `unicode_security` gives: every character alone, and
    /// strings where decomposition reorders marks or a prototype decomposes further.
    #[test]
    fn tr39_table_agrees_with_unicode_security() {
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let one = c.to_string();
            let want: String = unicode_security::skeleton(&one).collect();
            assert_eq!(tr39_skeleton(&one), want, "U+{cp:04X}");
        }
        for s in [
            "a\u{301}\u{316}",
            "е\u{308}",
            "ǆ",
            "ﬁ",
            "x\u{200B}y",
            "ｐａｙ",
            "Ⅻ",
            "㍿",
            "",
        ] {
            let want: String = unicode_security::skeleton(s).collect();
            assert_eq!(tr39_skeleton(s), want, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn tr39_skeleton_matches_on_any_string(s in "\\PC{0,12}") {
            let want: String = unicode_security::skeleton(&s).collect();
            proptest::prop_assert_eq!(tr39_skeleton(&s), want);
        }
    }

    #[test]
    fn ascii_skeletons_match_the_full_algorithm() {
        for s in [
            "rnonex",
            "paypa1",
            "smbc-card",
            "vvellsfargo",
            "amaz0n",
            "a.b-c_d",
            "m|i",
        ] {
            let full: String = unicode_security::skeleton(s).collect();
            assert_eq!(tr39_ascii(s), Some(full), "{s}");
        }
        assert_eq!(tr39_ascii("аpple"), None);
    }

    /// The one-pass ASCII skeleton is the general path's, character for character.
    #[test]
    fn ascii_skeleton_matches_the_general_path() {
        let general = general_skeleton;
        let mut words: Vec<String> = [
            "",
            "vvv",
            "VVellsFargo",
            "wvvw",
            "m1crosoft",
            "PAYPA1",
            "a$b|c!",
            "amaz0n-co-jp",
            "rnonex",
            "x.y-z_w",
            "I1l|",
            "0123456789",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        words.extend((0u8..128).map(|b| format!("a{}v", char::from(b))));
        words.extend(
            (32u8..127).flat_map(|a| {
                (32u8..127).map(move |b| format!("{}{}", char::from(a), char::from(b)))
            }),
        );
        for w in &words {
            if let Some(fast) = ascii_skeleton(w) {
                assert_eq!(fast, general(w), "{w:?}");
            }
            assert_eq!(skeleton(w), general(w), "{w:?}");
        }
    }
}
