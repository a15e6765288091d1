//! Builds the confusables table the look-alike check reads (`$OUT_DIR/confusables.rs`).
//!
//! Why at build time: `unicode-security` keeps its TR39 table as `(char, &[char])` pairs, a
//! pointer per entry that costs ~350 KB of the phone library (the entries, their relocations
//! and the arrays). The same answers fit in ~60 KB as two `u32` arrays and one string, so the
//! crate runs here, on the build machine, and only the answers ship.
//!
//! What is stored: for every character that canonical decomposition leaves alone, its TR39
//! skeleton when that differs from the character. `lookalike::tr39_skeleton` decomposes its
//! input first, so no other character ever reaches the table, and decomposing, mapping each
//! character and decomposing again is exactly what `unicode_security::skeleton` does.

use std::fmt::Write as _;
use unicode_normalization::UnicodeNormalization;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let mut keys = String::new();
    let mut vals = String::new();
    let mut text = String::new();
    let mut n = 0usize;
    for cp in 0..=0x10FFFFu32 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let one = c.to_string();
        if !one.nfd().eq(one.chars()) {
            continue;
        }
        let sk: String = unicode_security::skeleton(&one).collect();
        if sk == one {
            continue;
        }
        let (at, len) = (text.len(), sk.len());
        assert!(
            at < 1 << 24 && len < 1 << 8,
            "confusables table outgrew its packing"
        );
        text.push_str(&sk);
        write!(keys, "{cp},").unwrap();
        write!(vals, "{},", (at << 8) | len).unwrap();
        n += 1;
    }
    let out = format!(
        "/// Characters with a skeleton other than themselves, ascending.\n\
         static CONFUSABLE_KEYS: [u32; {n}] = [{keys}];\n\
         /// For each key, where its skeleton lies in [`CONFUSABLE_TEXT`]: offset << 8 | length.\n\
         static CONFUSABLE_VALUES: [u32; {n}] = [{vals}];\n\
         /// Every skeleton, end to end.\n\
         static CONFUSABLE_TEXT: &str = {text:?};\n"
    );
    let path = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("confusables.rs");
    std::fs::write(path, out).unwrap();
}
