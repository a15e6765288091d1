//! Requests for a secret: a password, a PIN, a card number or a one-time code asked to be sent
//! back by reply or typed in somewhere. No bank, shop or carrier asks for one by SMS, so a
//! request is strong evidence on its own; a warning not to share one ("never share your code",
//! "教えないでください") is not a request.

use crate::text::normalize::{head, tail};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

/// Build the secret matcher now rather than at the first message.
pub(crate) fn warm() {
    secret_automaton();
}

/// Secrets nobody legitimate asks for by SMS: the word found, for evidence.
const SECRETS: &[&str] = &[
    "password",
    "passcode",
    "pin",
    "pin number",
    "pin code",
    "cvv",
    "cvc",
    "card number",
    "card details",
    "account number",
    "bank details",
    "login details",
    "apple id",
    "security code",
    "verification code",
    "one-time code",
    "one time code",
    "otp",
    "social security number",
    "暗証番号",
    "暗証",
    "パスワード",
    "カード番号",
    "口座番号",
    // "Your bank details", as a lure paying out a prize or refund asks for them.
    "振込先",
    "口座情報",
    "認証コード",
    "確認コード",
    "ワンタイムパスワード",
    "セキュリティコード",
    "ログインid",
    "認証番号",
    "確認番号",
    "承認番号",
    "パスコード",
    // A bare "code" counts only when a request to send it back follows (below).
    "code",
    "桁の番号",
    "桁のコード",
    "届いた番号",
    "届いたコード",
];

/// The secrets that are one-time codes: nobody, however calm, needs one sent back.
const CODE_SECRETS: &[&str] = &[
    "code",
    "security code",
    "verification code",
    "one-time code",
    "one time code",
    "otp",
    "認証コード",
    "確認コード",
    "ワンタイムパスワード",
    "認証番号",
    "確認番号",
    "承認番号",
    "桁の番号",
    "桁のコード",
    "届いた番号",
    "届いたコード",
];

/// Is this secret (as returned by [`asks_for_secrets`]) a one-time code?
pub fn is_code_secret(word: &str) -> bool {
    CODE_SECRETS.contains(&word)
}

/// Words that ask for something to be sent back, as whole words before the secret.
const SEND_WORDS: &[&str] = &[
    "send", "sending", "reply", "replying", "text", "texting", "provide", "share", "sharing",
    "forward", "give", "tell",
];

/// Japanese request forms later in the same sentence as the secret
/// (`暗証番号をこのメッセージに返信してください`, `カード番号と有効期限をSMSでお送りください`).
const JA_SEND: &[&str] = &[
    "返信して",
    "返信ください",
    "ご返信",
    "送って",
    "送信して",
    "送信ください",
    "お送りください",
    "教えて",
    "お知らせください",
    "ご送付",
    "ご提示",
    "提示して",
    "提示をお願い",
];

/// Japanese requests to type a secret in: on the page a link (sent, cut off or to come) leads
/// to. No bank or shop asks for that by SMS (`IDとパスワードをご入力ください`).
const JA_ENTER: &[&str] = &[
    "ご入力",
    "入力して",
    "入力をお願い",
    "入力願",
    "入力下さい",
    "入力ください",
];

/// A request to type a password, PIN or card number in, in Japanese: the secret word found.
pub fn asks_to_enter_secret(folded: &str) -> Option<&'static str> {
    if !JA_ENTER.iter().any(|w| folded.contains(w)) {
        return None;
    }
    secret_automaton().find_iter(folded).find_map(|m| {
        let word = SECRETS[m.pattern().as_usize()];
        if word.is_ascii() || is_code_secret(word) {
            return None;
        }
        let ahead = head(&folded[m.end()..], 60);
        let ahead = ahead.split(SENTENCE_END).next().unwrap_or(ahead);
        (JA_ENTER.iter().any(|f| ahead.contains(f)) && !JA_NOT.iter().any(|f| ahead.contains(f)))
            .then_some(word)
    })
}

/// Japanese negations that turn a request into a warning (`教えないでください`,
/// `お尋ねすることはありません`).
const JA_NOT: &[&str] = &["ないで", "しません", "ありません", "禁止", "ません"];

fn secret_automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(SECRETS)
            .expect("secret automaton")
    })
}

/// Where a sentence ends, for the windows below.
const SENTENCE_END: [char; 5] = ['.', '!', '?', '\n', '。'];

/// The words of a short window (apostrophes kept: `don't`).
fn words_of(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect()
}

/// A request word followed by what to send or to whom: `text it back`, `send me`, `forward
/// the code`.
fn asks_to_send(words: &[&str], objects: &[&str]) -> bool {
    words
        .windows(2)
        .any(|w| SEND_WORDS.contains(&w[0]) && objects.contains(&w[1]))
}

/// Does the text ask the reader to send a secret back (a password, a PIN, a card number, a
/// one-time code) by reply? Returns the secret asked for. Negated requests ("never share your
/// code", "教えないでください") and the same words in another sentence do not count. The
/// WhatsApp takeover lure ("I sent you a code by mistake, can you send it to me?") counts too.
/// Linear: each match looks back and ahead a bounded window.
pub fn asks_for_secrets(folded: &str) -> Option<&'static str> {
    for m in secret_automaton().find_iter(folded) {
        let word = SECRETS[m.pattern().as_usize()];
        let b = folded.as_bytes();
        if word.is_ascii() {
            // Whole words only: `pin` is not `spinning`, `otp` not `otpx`.
            let before_ok = m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric();
            let after_ok = m.end() >= b.len() || !b[m.end()].is_ascii_alphanumeric();
            if !(before_ok && after_ok) {
                continue;
            }
            // The same sentence, a few words back.
            let back = tail(&folded[..m.start()], 48);
            let back = back.rsplit(SENTENCE_END).next().unwrap_or(back);
            let words = words_of(back);
            let negated = words.iter().any(|w| {
                matches!(
                    *w,
                    "not"
                        | "never"
                        | "don't"
                        | "dont"
                        | "won't"
                        | "will"
                        | "we"
                        | "no"
                        | "nobody"
                        | "anyone"
                        | "if"
                )
            });
            if word != "code" && !negated && words.iter().any(|w| SEND_WORDS.contains(w)) {
                return Some(word);
            }
            // A one-time code may be asked for after it is named: "the verification code
            // went to you, can you forward it to me".
            if is_code_secret(word) {
                let ahead = head(&folded[m.end()..], 96);
                let words = words_of(ahead.split(SENTENCE_END).next().unwrap_or(ahead));
                let negated = words
                    .iter()
                    .any(|w| matches!(*w, "not" | "never" | "don't" | "dont" | "no" | "nobody"));
                let asks = asks_to_send(&words, &["it", "me", "back", "us"]);
                if asks && !negated {
                    return Some(word);
                }
            }
        } else {
            // The rest of the sentence, some fifty characters at most.
            let ahead = head(&folded[m.end()..], 150);
            let ahead = ahead.split(SENTENCE_END).next().unwrap_or(ahead);
            if JA_SEND.iter().any(|f| ahead.contains(f))
                && !JA_NOT.iter().any(|f| ahead.contains(f))
            {
                return Some(word);
            }
        }
    }
    let mistake = [
        "by mistake",
        "by accident",
        "accidentally",
        "間違えて",
        "誤って",
    ]
    .iter()
    .any(|w| folded.contains(w));
    let code = ["code", "コード", "番号"]
        .iter()
        .any(|w| folded.contains(w));
    if !(mistake && code) {
        return None;
    }
    let send_en = asks_to_send(
        &words_of(folded),
        &["it", "me", "the", "that", "this", "us", "back"],
    );
    let send_ja = ["送って", "教えて", "返信して", "転送して"]
        .iter()
        .any(|w| folded.contains(w));
    (send_en || send_ja).then_some("code")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_unique;
    use crate::text::normalize::normalize;

    #[test]
    fn word_lists_hold_each_entry_once() {
        for (name, list) in [
            ("SECRETS", SECRETS),
            ("CODE_SECRETS", CODE_SECRETS),
            ("SEND_WORDS", SEND_WORDS),
            ("JA_SEND", JA_SEND),
            ("JA_ENTER", JA_ENTER),
            ("JA_NOT", JA_NOT),
        ] {
            assert_unique(name, list);
        }
        // A code is a secret: every one-time-code word is a secret word too.
        for w in CODE_SECRETS {
            assert!(
                SECRETS.contains(w),
                "{w:?} is a code secret but not a secret"
            );
        }
    }

    #[test]
    fn requests_for_secrets() {
        let ask = |t: &str| asks_for_secrets(&normalize(t).folded);
        let yes: &[(&str, &str)] = &[
            ("Please verify this iCloud device by sending your correct Apple ID and password via text message.", "apple id"),
            ("Reply with your card number and CVV to keep your account open", "card number"),
            ("To unlock, text us your PIN now", "pin"),
            ("口座を保護するため、暗証番号を返信してください", "暗証番号"),
            ("本人確認のためカード番号をSMSでお送りください", "カード番号"),
            ("Hi, I sent you a 6-digit code by mistake, can you send it to me?", "code"),
            ("I accidentally put your number in and a code was sent to you. Can you text it back?", "code"),
            ("そっちに届いた認証番号を至急このSMSに返信して教えてほしい！", "認証番号"),
            ("I typed your number and the verification code went to you, can you forward it to me", "verification code"),
            ("ごめん、間違えて認証番号をそっちに送っちゃった。教えてくれる？", "code"),
        ];
        for (t, want) in yes {
            assert_eq!(ask(t), Some(*want), "{t}");
        }
        for t in [
            "Your verification code is 482910. Never share this code with anyone.",
            "Do not share your PIN or password with anyone, not even our staff.",
            "認証コード：482910 このコードを他人に教えないでください。",
            "認証コードを送信しました。",
            "We will never ask you to send your password by text.",
            "The spinning class starts at 7, bring your own towel",
            "What's the wifi password? Text me when you're home",
            "If anyone asks you to share this code, it is a scam.",
            "Your verification code is 482910, don't share it with anyone",
            "Your security code is 1234, reply STOP to opt out",
        ] {
            assert_eq!(ask(t), None, "{t}");
        }
    }

    #[test]
    fn requests_to_type_a_secret_in() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "WebサービスのIDとパスワードをご入力ください",
                Some("パスワード"),
            ),
            ("第一暗証を入力してください。", Some("暗証")),
            ("パスワードは絶対に入力しないでください", None),
            ("ワンタイムパスワードを入力してください", None),
            ("お名前を入力してください", None),
        ];
        for (t, want) in cases {
            assert_eq!(asks_to_enter_secret(&normalize(t).folded), *want, "{t}");
        }
    }
}
