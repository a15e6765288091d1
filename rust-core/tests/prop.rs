//! Property tests: any string classifies without panic, in bounded time.

use proptest::prelude::*;
use smishgate_core::{classify, Message, Options, Registry};
use std::time::{Duration, Instant};

/// Strings biased towards the characters the pipeline treats specially.
fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<String>(),
        Just("https://".to_string()),
        Just("hxxps://".to_string()),
        Just("[.]".to_string()),
        Just("。".to_string()),
        Just("@".to_string()),
        Just("#".to_string()),
        Just("xn--".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{202e}".to_string()),
        Just("ｈｔｔｐｓ：／／".to_string()),
        Just("sbisec.co.jp".to_string()),
        Just("【SBI証券】".to_string()),
        Just("認証コード".to_string()),
        Just("123456".to_string()),
        Just(".com/".to_string()),
        Just("?q=https://".to_string()),
        Just("аpple".to_string()),
        Just("\n@".to_string()),
        Just(" #".to_string()),
        Just("-".to_string()),
        Just(":".to_string()),
        Just("%".to_string()),
        "[a-z0-9.:/@#?=&%-]{0,40}",
    ];
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_message_classifies(sender in any::<String>(), body in tricky()) {
        let v = classify(&Message { sender: &sender, body: &body, cut: false }, Registry::builtin(), &Options::default());
        prop_assert!(!v.reasons.is_empty());
    }

    #[test]
    fn any_unicode_classifies(sender in "\\PC{0,30}", body in "\\PC{0,400}") {
        let v = classify(&Message { sender: &sender, body: &body, cut: false }, Registry::builtin(), &Options::default());
        prop_assert!(!v.reasons.is_empty());
    }
}

/// Linear time: a 40,000-character body of the worst pieces classifies in well under a second
/// (a quadratic path would take minutes).
#[test]
fn long_adversarial_bodies_are_bounded() {
    let reg = Registry::builtin();
    let samples = [
        "https://a.b.c.d.e.f.g.h.top/".repeat(1500),
        "sbisec.co.jp.".repeat(3000),
        "認証コード 123456 ".repeat(3000),
        "【SBI証券】".repeat(6000),
        "@".repeat(40_000),
        "a.".repeat(20_000),
        "hxxps://x[.]top ".repeat(2500),
        "1234-".repeat(8000),
        "https://www.google.com/url?q=https://www.google.com/url?q=".repeat(700),
    ];
    for body in &samples {
        let start = Instant::now();
        let v = classify(
            &Message {
                sender: "x",
                body,
                cut: false,
            },
            reg,
            &Options::default(),
        );
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(2),
            "{took:?} for a body starting {:?}",
            &body[..20]
        );
        assert!(!v.reasons.is_empty());
    }
}
