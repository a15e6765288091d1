//! The words of the readable output in `--lang en` and `--lang ja`: kinds, review statuses,
//! link policies, and the language choice itself. Headings, labels and messages are written
//! where they are printed, each as an English–Japanese pair through [`Lang::pick`], so that a
//! line cannot be added in one language only without it showing.
//!
//! Ids stay as they are in both languages: service ids (`sbi-sec`), reason codes (`[claim]`)
//! and the values `--kind` and `--status` take are what the user types back. JSON output and
//! error messages are English.

use smishgate_core::{Kind, LinkPolicy, Status};

/// The language of readable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (`--lang en`, the default).
    En,
    /// Japanese (`--lang ja`).
    Ja,
}

impl Lang {
    /// The language `--lang` names (clap allows only `en` and `ja`).
    pub fn of(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// Whether it is Japanese.
    pub fn ja(self) -> bool {
        self == Lang::Ja
    }

    /// The English or the Japanese text.
    pub fn pick<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }
}

/// A kind named by its id (a count in the stats ledger) as readable output shows it: see
/// [`kind`]. An id this build does not know is shown as it is.
pub fn kind_name(id: &str, lang: Lang) -> String {
    Kind::parse(id).map_or_else(|| id.to_string(), |k| kind(k, lang).to_string())
}

/// A kind as readable output shows it: its id in English (what `--kind` takes), a Japanese
/// name in Japanese.
pub fn kind(k: Kind, lang: Lang) -> &'static str {
    if !lang.ja() {
        return k.as_str();
    }
    match k {
        Kind::Trusted => "登録済みの送信元",
        Kind::Otp => "認証コード",
        Kind::Clean => "問題なし",
        Kind::OffPolicy => "登録外のリンク",
        Kind::UnverifiedClaim => "未確認の名乗り",
        Kind::SuspiciousLink => "不審なリンク",
        Kind::CallbackLure => "折り返し連絡の誘導",
        Kind::SuspiciousText => "不審な文面",
        Kind::Impersonation => "なりすまし",
        Kind::SpoofedSender => "送信元の偽装",
        Kind::LookalikeDomain => "偽ドメイン",
        Kind::OtpPhishing => "認証コードの詐取",
        Kind::Blocked => "拒否した送信元",
    }
}

/// A review status as readable output shows it (`quarantined` or 隔離中, …).
pub fn status(s: Status, lang: Lang) -> &'static str {
    match (s, lang) {
        (_, Lang::En) => s.as_str(),
        (Status::Quarantined, Lang::Ja) => "隔離中",
        (Status::Released, Lang::Ja) => "受信箱へ戻した",
        (Status::Confirmed, Lang::Ja) => "詐欺と確認済み",
    }
}

/// A status id from the statistics (`quarantined`, …) as readable output shows it.
pub fn status_id(id: &str, lang: Lang) -> String {
    match Status::parse(id) {
        Some(s) => status(s, lang).to_string(),
        None => id.to_string(),
    }
}

/// A service's link policy: `never` or `official` (what `--links` takes), or in Japanese.
pub fn links(p: Option<LinkPolicy>, lang: Lang) -> &'static str {
    match p.unwrap_or(LinkPolicy::Official) {
        LinkPolicy::Never => lang.pick("never", "リンクなし"),
        LinkPolicy::Official => lang.pick("official", "公式ドメインのみ"),
    }
}

/// `s` padded with spaces to `cols` terminal columns (a Japanese character takes two).
pub fn pad(s: &str, cols: usize) -> String {
    let w = crate::common::width(s);
    format!("{s}{}", " ".repeat(cols.saturating_sub(w)))
}

/// Label–value lines with the labels padded to one column (`show` of a record or a service).
pub fn key_values(out: &mut String, rows: &[(&str, String)]) {
    let w = rows
        .iter()
        .map(|(k, _)| crate::common::width(k))
        .max()
        .unwrap_or(0);
    for (k, v) in rows {
        out.push_str(&format!("{}  {v}\n", pad(k, w)));
    }
}

/// `s` right-aligned in `cols` terminal columns.
pub fn pad_left(s: &str, cols: usize) -> String {
    let w = crate::common::width(s);
    format!("{}{s}", " ".repeat(cols.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_status_has_its_japanese() {
        for k in Kind::ALL {
            let ja = kind(k, Lang::Ja);
            assert!(!ja.is_ascii(), "{}", k.as_str());
            assert_eq!(kind(k, Lang::En), k.as_str());
        }
        for s in [Status::Quarantined, Status::Released, Status::Confirmed] {
            assert!(!status(s, Lang::Ja).is_ascii());
            assert_eq!(status_id(s.as_str(), Lang::En), s.as_str());
        }
        assert_eq!(
            kind_name("from-a-newer-build", Lang::Ja),
            "from-a-newer-build"
        );
        assert_eq!(pad("あ", 4), "あ  ");
        assert_eq!(pad_left("7", 3), "  7");
    }
}
