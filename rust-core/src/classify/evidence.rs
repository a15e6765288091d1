//! The evidence model for messages that speak for no registered service.
//!
//! Most smishing names no brand the registry knows, or none at all: "your parcel could not be
//! delivered", "you have an unpaid toll", "Hi, is this Tom? I'm Lisa". For those the classifier
//! cannot compare a claim with a policy; it weighs what the message shows instead. Three kinds
//! of evidence, each with a weight and a reason a person can read:
//!
//! - **link** — the judged link's own features (an unknown site, free hosting or dynamic DNS, a
//!   machine-made name, an abuse-prone or new TLD, an IP host, a shortener…), scored by the
//!   classifier, plus a message that is little more than its link;
//! - **text** — pressure cues by category, the lure families criminals reuse (delivery failure,
//!   unpaid toll, tax refund, prize, fictitious billing, account threat; and the link-free
//!   openers: wrong number, "new number" from family, job offer, investment group, move to a
//!   chat app), and the learned text score ([`crate::signals::model`]);
//! - **sender** — kinds of sender genuine businesses do not text from (an e-mail address, an
//!   e-mail-to-SMS gateway number).
//!
//! Quarantine needs a link and strong evidence on both sides; anything the text alone shows is
//! a warning at most, because a message with nothing to click cannot hurt by being read, and a
//! false quarantine hides a real message. Everything here is pure and linear in the text.

use crate::signals::claims::{Cue, Pressure};
use crate::signals::links::{Link, LinkFeature};
use crate::signals::model;
use crate::signals::sender::{Sender, SenderKind};
use crate::verdict::catalog::Msg;
use crate::verdict::{Action, Arg, Kind, Reason, ReasonCode};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

pub use crate::signals::family::Family;

/// What a term contributes to its family: the subject (a parcel, a toll) or the twist (could
/// not be delivered, unpaid). A family is recognised when both are present, or from one
/// phrase that carries both (`持ち帰りました`, "customs fee").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Subject,
    Twist,
    Both,
}

use Family as F;
use Role::{Both, Subject as S, Twist as T};

/// The ingredients of each family, English and Japanese, in folded (lower-case, NFKC) form.
/// Written from the families' public descriptions (police, carriers, consumer agencies); no
/// term is a dev row's wording.
const TERMS: &[(&str, Family, Role)] = &[
    // Delivery failure.
    ("parcel", F::Delivery, S),
    ("package", F::Delivery, S),
    ("shipment", F::Delivery, S),
    ("courier", F::Delivery, S),
    ("your item", F::Delivery, S),
    ("your order", F::Delivery, S),
    ("delivery", F::Delivery, S),
    ("お荷物", F::Delivery, S),
    ("荷物", F::Delivery, S),
    ("配達", F::Delivery, S),
    ("配送", F::Delivery, S),
    ("お届け", F::Delivery, S),
    ("宅配", F::Delivery, S),
    ("could not be delivered", F::Delivery, Both),
    ("couldn't be delivered", F::Delivery, Both),
    ("unable to deliver", F::Delivery, Both),
    ("failed to deliver", F::Delivery, Both),
    ("delivery attempt", F::Delivery, Both),
    ("delivery failed", F::Delivery, Both),
    ("failed delivery", F::Delivery, Both),
    ("missed you", F::Delivery, T),
    ("tried to deliver", F::Delivery, Both),
    ("attempted to deliver", F::Delivery, Both),
    ("redeliver", F::Delivery, Both),
    ("redelivery", F::Delivery, Both),
    ("re-delivery", F::Delivery, Both),
    ("reschedule", F::Delivery, T),
    ("incomplete address", F::Delivery, T),
    ("wrong address", F::Delivery, T),
    ("invalid address", F::Delivery, T),
    ("unverified address", F::Delivery, T),
    ("address", F::Delivery, T),
    ("on hold", F::Delivery, T),
    ("held at", F::Delivery, T),
    ("is held", F::Delivery, T),
    ("is being held", F::Delivery, T),
    ("customs", F::Delivery, Both),
    ("import fee", F::Delivery, Both),
    ("shipping fee", F::Delivery, Both),
    ("delivery fee", F::Delivery, Both),
    ("postage", F::Delivery, T),
    ("unpaid", F::Delivery, T),
    ("returned to sender", F::Delivery, Both),
    ("warehouse", F::Delivery, T),
    ("不在", F::Delivery, Both),
    ("持ち帰り", F::Delivery, Both),
    ("宛先不明", F::Delivery, Both),
    ("住所不明", F::Delivery, Both),
    ("住所", F::Delivery, T),
    ("再配達", F::Delivery, Both),
    ("再配送", F::Delivery, Both),
    ("関税", F::Delivery, Both),
    ("保管期限", F::Delivery, T),
    ("保管", F::Delivery, T),
    ("返送", F::Delivery, T),
    ("差し戻", F::Delivery, T),
    ("配達できません", F::Delivery, Both),
    ("お届けできません", F::Delivery, Both),
    ("お届けできなかった", F::Delivery, Both),
    ("未払い", F::Delivery, T),
    // Unpaid tolls.
    ("toll", F::Toll, S),
    ("tolls", F::Toll, S),
    ("e-zpass", F::Toll, S),
    ("ezpass", F::Toll, S),
    ("sunpass", F::Toll, S),
    ("fastrak", F::Toll, S),
    ("txtag", F::Toll, S),
    ("toll road", F::Toll, S),
    ("turnpike", F::Toll, S),
    ("etc利用", F::Toll, S),
    ("高速道路", F::Toll, S),
    ("通行料", F::Toll, S),
    ("etcサービス", F::Toll, S),
    ("unpaid", F::Toll, T),
    ("outstanding", F::Toll, T),
    ("balance", F::Toll, T),
    ("overdue", F::Toll, T),
    ("past due", F::Toll, T),
    ("late fee", F::Toll, T),
    ("未払", F::Toll, T),
    ("未納", F::Toll, T),
    ("無効", F::Toll, T),
    ("停止", F::Toll, T),
    // Tax.
    ("tax refund", F::Tax, Both),
    ("tax rebate", F::Tax, Both),
    ("tax return", F::Tax, S),
    ("taxes", F::Tax, S),
    ("irs", F::Tax, S),
    ("hmrc", F::Tax, S),
    ("refund", F::Tax, T),
    ("rebate", F::Tax, T),
    ("owed", F::Tax, T),
    ("back taxes", F::Tax, Both),
    ("税金", F::Tax, S),
    ("国税", F::Tax, S),
    ("税務署", F::Tax, S),
    ("所得税", F::Tax, S),
    ("住民税", F::Tax, S),
    ("地方税", F::Tax, S),
    ("還付", F::Tax, T),
    ("未納", F::Tax, T),
    ("滞納", F::Tax, T),
    ("差押", F::Tax, T),
    ("差し押さえ", F::Tax, T),
    // Prizes and gifts.
    ("gift for you", F::Prize, Both),
    ("little gift", F::Prize, Both),
    ("free gift", F::Prize, Both),
    ("you have won", F::Prize, Both),
    ("you've won", F::Prize, Both),
    ("you won", F::Prize, Both),
    ("winner", F::Prize, Both),
    ("been selected", F::Prize, Both),
    ("were selected", F::Prize, Both),
    ("chosen at random", F::Prize, Both),
    ("survey", F::Prize, S),
    ("reward", F::Prize, T),
    ("gift", F::Prize, S),
    ("free", F::Prize, T),
    ("claim", F::Prize, T),
    ("prize", F::Prize, Both),
    ("当選", F::Prize, Both),
    ("プレゼント", F::Prize, S),
    ("キャンペーン", F::Prize, S),
    ("無料", F::Prize, T),
    ("受け取り", F::Prize, T),
    // Fictitious billing.
    ("未納", F::Billing, S),
    ("未払い", F::Billing, S),
    ("ご利用料金", F::Billing, S),
    ("登録料", F::Billing, S),
    ("有料サイト", F::Billing, Both),
    ("法的", F::Billing, T),
    ("訴訟", F::Billing, T),
    ("裁判", F::Billing, T),
    ("強制執行", F::Billing, T),
    ("ご連絡なき場合", F::Billing, T),
    ("legal action", F::Billing, T),
    ("collections", F::Billing, T),
    ("lawsuit", F::Billing, T),
    // Account threats.
    ("your account", F::Account, S),
    ("アカウント", F::Account, S),
    ("口座", F::Account, S),
    ("ご利用のカード", F::Account, S),
    ("suspended", F::Account, T),
    ("locked", F::Account, T),
    ("restricted", F::Account, T),
    ("unusual", F::Account, T),
    ("unauthorized", F::Account, T),
    ("停止", F::Account, T),
    ("凍結", F::Account, T),
    ("制限", F::Account, T),
    ("不正", F::Account, T),
    // Job offers.
    ("job", F::Job, S),
    ("part-time", F::Job, S),
    ("part time", F::Job, S),
    ("remote", F::Job, S),
    ("recruit", F::Job, S),
    ("hiring", F::Job, S),
    ("position", F::Job, S),
    ("role", F::Job, S),
    ("副業", F::Job, Both),
    ("在宅", F::Job, S),
    ("お仕事", F::Job, S),
    ("求人", F::Job, S),
    ("採用", F::Job, S),
    ("作業", F::Job, S),
    ("per day", F::Job, T),
    ("a day", F::Job, T),
    ("daily", F::Job, T),
    ("/day", F::Job, T),
    ("per hour", F::Job, T),
    ("/hour", F::Job, T),
    ("no experience", F::Job, T),
    ("flexible", F::Job, T),
    ("extra income", F::Job, Both),
    ("日給", F::Job, T),
    ("時給", F::Job, T),
    ("高収入", F::Job, Both),
    ("即日払い", F::Job, T),
    ("未経験", F::Job, T),
    ("報酬", F::Job, T),
    ("万円", F::Job, T),
    // Investment groups.
    ("investment", F::Investment, S),
    ("invest", F::Investment, S),
    ("stock", F::Investment, S),
    ("stocks", F::Investment, S),
    ("crypto", F::Investment, S),
    ("bitcoin", F::Investment, S),
    ("trading", F::Investment, S),
    ("btc", F::Investment, S),
    ("usdt", F::Investment, S),
    ("blockchain", F::Investment, S),
    ("cryptocurrency", F::Investment, S),
    ("cryptocurrencies", F::Investment, S),
    ("forex", F::Investment, S),
    ("投資", F::Investment, S),
    ("株式", F::Investment, S),
    ("銘柄", F::Investment, S),
    ("仮想通貨", F::Investment, S),
    ("暗号資産", F::Investment, S),
    ("group", F::Investment, T),
    ("discussion group", F::Investment, T),
    ("study group", F::Investment, T),
    ("club", F::Investment, T),
    ("join", F::Investment, T),
    ("invited", F::Investment, T),
    ("analyst", F::Investment, T),
    ("professor", F::Investment, T),
    ("グループ", F::Investment, T),
    ("勉強会", F::Investment, T),
    ("招待", F::Investment, T),
    ("参加", F::Investment, T),
    ("アナリスト", F::Investment, T),
    ("推奨", F::Investment, T),
    // Family on a new number.
    ("hi mum", F::FamilyNewNumber, S),
    ("hi mom", F::FamilyNewNumber, S),
    ("hey mum", F::FamilyNewNumber, S),
    ("hey mom", F::FamilyNewNumber, S),
    ("hi dad", F::FamilyNewNumber, S),
    ("hey dad", F::FamilyNewNumber, S),
    ("hello mum", F::FamilyNewNumber, S),
    ("hello mom", F::FamilyNewNumber, S),
    ("mum,", F::FamilyNewNumber, S),
    ("mom,", F::FamilyNewNumber, S),
    ("dad,", F::FamilyNewNumber, S),
    ("お母さん", F::FamilyNewNumber, S),
    ("お父さん", F::FamilyNewNumber, S),
    ("母さん", F::FamilyNewNumber, S),
    ("父さん", F::FamilyNewNumber, S),
    ("ママ", F::FamilyNewNumber, S),
    ("パパ", F::FamilyNewNumber, S),
    ("new number", F::FamilyNewNumber, T),
    ("new phone", F::FamilyNewNumber, T),
    ("broke my phone", F::FamilyNewNumber, T),
    ("broken my phone", F::FamilyNewNumber, T),
    ("lost my phone", F::FamilyNewNumber, T),
    ("phone broke", F::FamilyNewNumber, T),
    ("dropped my phone", F::FamilyNewNumber, T),
    ("phone fell", F::FamilyNewNumber, T),
    ("friend's phone", F::FamilyNewNumber, T),
    ("friends phone", F::FamilyNewNumber, T),
    ("番号変え", F::FamilyNewNumber, T),
    ("番号を変え", F::FamilyNewNumber, T),
    ("新しい番号", F::FamilyNewNumber, T),
    ("番号が変わ", F::FamilyNewNumber, T),
    ("スマホが壊れ", F::FamilyNewNumber, T),
    ("携帯が壊れ", F::FamilyNewNumber, T),
    ("スマホを落と", F::FamilyNewNumber, T),
    ("携帯をなくし", F::FamilyNewNumber, T),
    ("スマホをなくし", F::FamilyNewNumber, T),
    ("機種変", F::FamilyNewNumber, T),
    ("新しい携帯", F::FamilyNewNumber, T),
    ("新しいスマホ", F::FamilyNewNumber, T),
    ("携帯を無くし", F::FamilyNewNumber, T),
    ("スマホを無くし", F::FamilyNewNumber, T),
    ("携帯を落と", F::FamilyNewNumber, T),
    // Without a "mum": the new number asks to be saved, which is what the scam needs.
    ("登録お願い", F::FamilyNewNumber, S),
    ("登録してください", F::FamilyNewNumber, S),
    ("登録しておいて", F::FamilyNewNumber, S),
    ("保存して", F::FamilyNewNumber, S),
    ("save this number", F::FamilyNewNumber, S),
    ("save my new number", F::FamilyNewNumber, Both),
    // A stranger's opener.
    ("is this ", F::WrongNumber, S),
    ("are you ", F::WrongNumber, S),
    ("is that you", F::WrongNumber, S),
    ("さんですか", F::WrongNumber, S),
    ("さんでしょうか", F::WrongNumber, S),
    ("さんの携帯", F::WrongNumber, S),
    ("さんの番号", F::WrongNumber, S),
    ("覚えていますか", F::WrongNumber, S),
    ("覚えてますか", F::WrongNumber, S),
    ("remember me", F::WrongNumber, S),
    ("long time no see", F::WrongNumber, Both),
    ("do you remember me", F::WrongNumber, Both),
    ("been a long time", F::WrongNumber, T),
    ("'s number", F::WrongNumber, T),
    ("the number is correct", F::WrongNumber, T),
    ("right number", F::WrongNumber, T),
    ("recommended you", F::WrongNumber, T),
    ("recommended to me", F::WrongNumber, T),
    ("mr.", F::WrongNumber, T),
    ("mrs.", F::WrongNumber, T),
    ("ms.", F::WrongNumber, T),
    ("we met", F::WrongNumber, T),
    ("last time", F::WrongNumber, T),
    ("played golf", F::WrongNumber, T),
    ("golf", F::WrongNumber, T),
    ("my name is", F::WrongNumber, T),
    ("wrong number", F::WrongNumber, T),
    ("found your number", F::WrongNumber, T),
    ("in my contacts", F::WrongNumber, T),
    ("と申します", F::WrongNumber, T),
    ("の者です", F::WrongNumber, T),
    ("先日", F::WrongNumber, T),
    ("この前", F::WrongNumber, T),
    ("以前", F::WrongNumber, T),
    ("ゴルフ", F::WrongNumber, T),
    ("お久しぶり", F::WrongNumber, T),
    ("久しぶり", F::WrongNumber, T),
    ("間違え", F::WrongNumber, T),
    // Move to a chat app.
    ("whatsapp", F::MoveToChat, S),
    ("telegram", F::MoveToChat, S),
    ("signal", F::MoveToChat, S),
    ("wechat", F::MoveToChat, S),
    ("viber", F::MoveToChat, S),
    ("kakao", F::MoveToChat, S),
    ("line", F::MoveToChat, S),
    ("ライン", F::MoveToChat, S),
    ("add me", F::MoveToChat, T),
    ("add our", F::MoveToChat, T),
    ("message me on", F::MoveToChat, T),
    ("text me on", F::MoveToChat, T),
    ("contact me on", F::MoveToChat, T),
    ("chat on", F::MoveToChat, T),
    ("reach me on", F::MoveToChat, T),
    ("で連絡", F::MoveToChat, T),
    ("で話", F::MoveToChat, T),
    ("でお話", F::MoveToChat, T),
    ("追加して", F::MoveToChat, T),
    ("友だち追加", F::MoveToChat, T),
    ("友達追加", F::MoveToChat, T),
    ("id:", F::MoveToChat, T),
    ("id：", F::MoveToChat, T),
];

/// Build the family matcher now rather than at the first message (see [`crate::warm_up`]).
pub(crate) fn warm() {
    automaton();
}

fn automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(TERMS.iter().map(|t| t.0))
            .expect("family automaton")
    })
}

/// The lure families a text shows, outside the byte ranges in `skip` (its links). ASCII terms
/// match whole words (`line` is not `online`, `role` is not `control`).
pub fn families(folded: &str, skip: &[(usize, usize)]) -> Vec<Family> {
    // Per family: subject seen, twist seen (bit 0, bit 1).
    let mut seen = [0u8; 11];
    let b = folded.as_bytes();
    let mut any = false;
    for m in automaton().find_overlapping_iter(folded) {
        if skip.iter().any(|&(a, z)| m.start() < z && m.end() > a) {
            continue;
        }
        let (word, fam, role) = TERMS[m.pattern().as_usize()];
        let w = word.as_bytes();
        if w[0].is_ascii_alphanumeric() && m.start() > 0 && b[m.start() - 1].is_ascii_alphanumeric()
        {
            continue;
        }
        let last = w[w.len() - 1];
        if last.is_ascii_alphanumeric()
            && m.end() < b.len()
            && b[m.end()].is_ascii_alphanumeric()
            // Plurals still count: "parcels", "tolls", "jobs".
            && !(b[m.end()] == b's'
                && (m.end() + 1 >= b.len() || !b[m.end() + 1].is_ascii_alphanumeric()))
        {
            continue;
        }
        // Bit 4 remembers a phrase that carries the whole story on its own.
        let bit = match role {
            Role::Subject => 1,
            Role::Twist => 2,
            Role::Both => 7,
        };
        seen[fam as usize] |= bit;
        any = true;
    }
    if !any {
        return Vec::new();
    }
    let all = [
        F::Delivery,
        F::Toll,
        F::Tax,
        F::Prize,
        F::Billing,
        F::Account,
        F::Job,
        F::Investment,
        F::WrongNumber,
        F::FamilyNewNumber,
        F::MoveToChat,
    ];
    // A stranger's opener is a question ("is this Tom?", "田中さんですか？") unless one phrase
    // says it all ("long time no see").
    if seen[F::WrongNumber as usize] & 4 == 0 && !folded.contains(['?', '？']) {
        seen[F::WrongNumber as usize] = 0;
    }
    all.into_iter()
        .filter(|f| seen[*f as usize] & 3 == 3)
        .collect()
}

/// What the classifier hands over: the judged link with its scored features, and the rest.
pub struct Input<'a> {
    /// Folded text.
    pub folded: &'a str,
    /// Byte ranges of the links in `folded`.
    pub spans: &'a [(usize, usize)],
    /// The riskiest link: its score, the names of its features, the link.
    pub worst: Option<(u32, Vec<LinkFeature>, &'a Link)>,
    /// How many links the message carries.
    pub links: usize,
    /// Pressure cues.
    pub pressure: &'a Pressure,
    /// Lure families ([`families`]).
    pub families: &'a [Family],
    /// The sender as received.
    pub sender: &'a str,
    /// The sender as parsed (its kind: an e-mail address is parsed once, in `sender`).
    pub from: &'a Sender,
    /// A one-time code was found.
    pub has_code: bool,
    /// The text asks for a secret to be sent back or typed in (the sentence that says so and the
    /// secret's word, from [`crate::signals::claims`]).
    pub secret: Option<(Msg, &'static str)>,
}

/// The evidence model's answer: what to do, and the reasons, most important first.
pub struct Judgement {
    /// Warn or quarantine.
    pub action: Action,
    /// `suspicious-link` or `suspicious-text`.
    pub kind: Kind,
    /// The reasons.
    pub reasons: Vec<Reason>,
}

/// Learned-score thresholds: the probability at which the text model adds 1, 2 or 3 text
/// points. Chosen on held-out folds of the shared sets (see the trainer's output) so that on
/// its own the top band stays under 0.3 % of ham.
const MODEL_BANDS: [(f32, u32); 3] = [(0.95, 3), (0.88, 2), (0.8, 1)];

/// The model alone warns a link-free message only at this probability.
const MODEL_ALONE: f32 = 0.95;

/// The sender is one genuine services do not text from: an e-mail address (e-mail-to-SMS
/// gateways), or a number of the US e-mail-to-text gateway range (`1410…`, ten digits).
fn unusual_sender(from: &Sender, raw: &str) -> Option<Msg> {
    if from.kind == SenderKind::Email {
        return Some(Msg::SenderEmail);
    }
    let t = raw.trim();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let only_digits = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    (only_digits && digits.len() == 10 && digits.starts_with("1410")).then_some(Msg::SenderGateway)
}

/// Is the message nothing but its link? Besides it at most one short Latin token (`AVOI6Y`,
/// `hi`); any Japanese text or a second word is a message.
fn bare_link(folded: &str, spans: &[(usize, usize)]) -> bool {
    if spans.is_empty() {
        return false;
    }
    let mut words = 0;
    let mut last = 0;
    let mut count = |t: &str| -> bool {
        for w in t.split_whitespace() {
            if !w.is_ascii() {
                return false;
            }
            if w.bytes().any(|b| b.is_ascii_alphabetic()) {
                words += 1;
                if w.len() > 8 {
                    return false;
                }
            }
        }
        true
    };
    for &(a, z) in spans {
        if !count(&folded[last..a]) {
            return false;
        }
        last = z;
    }
    count(&folded[last..]) && words <= 1
}

/// Words that send the reader to a link or speak to a customer: a link-lure family's text
/// without its link still points where the link was.
const LINK_POINTERS: &[&str] = &[
    "下記",
    "以下",
    "こちら",
    "url",
    "リンク",
    "アクセス",
    "お客様",
    "お客さま",
    "below",
    "click",
    "tap",
    "visit",
    "link",
    "dear customer",
    // A request to go and look, with nothing to look at: the link was cut off or is to come.
    "ご確認ください",
    "ご確認下さい",
    "確認してください",
    "please confirm",
    "please check",
];

/// Words that name a kind of institution: a header or an opening made of one speaks as an
/// institution, and one the registry does not know cannot be checked.
const INSTITUTIONS: &[&str] = &[
    "銀行",
    "信用金庫",
    "信金",
    "信用組合",
    "カード",
    "証券",
    "郵便",
    "急便",
    "運輸",
    "配送",
    "宅配",
    "税務",
    "国税",
    "年金",
    "市役所",
    "区役所",
    "警察",
    "裁判所",
    "bank",
    "credit union",
    "card",
    "courier",
    "customs",
    "tax",
    "police",
    "court",
    "toll",
    "post",
    "alert",
    "alerts",
    "alrt",
    "security",
    "fraud",
    "banking",
];

/// The header (`【…】`, `[…]`) or the opening before a colon (`Citii Bank: …`) when it names a
/// kind of institution; the classifier only asks when no registered service was recognised.
fn institution(folded: &str) -> Option<String> {
    let t = folded.trim_start();
    let head = if let Some(rest) = t.strip_prefix('【').or_else(|| t.strip_prefix('[')) {
        rest.find(['】', ']']).map(|i| &rest[..i])
    } else {
        let line = t.split('\n').next().unwrap_or(t);
        line.find([':', '：', '|'])
            .or_else(|| line.find(" - "))
            .map(|i| &line[..i])
    }?;
    let chars = head.chars().count();
    if chars == 0 || chars > 24 {
        return None;
    }
    let named = INSTITUTIONS.iter().any(|w| {
        head.match_indices(w).any(|(i, _)| {
            !w.is_ascii()
                || (head[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
                    && head[i + w.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_ascii_alphanumeric()))
        })
    });
    named.then(|| head.trim().to_string())
}

/// The `pressure` reason for the cues found, with the words that matched; none without cues.
pub fn pressure_reason(p: &Pressure) -> Option<Reason> {
    if p.cues.is_empty() {
        return None;
    }
    let words = p.words.iter().map(|w| w.to_string()).collect();
    let mut r = Reason::say(
        ReasonCode::Pressure,
        Msg::Pressure,
        &[("words", Arg::Quoted(words))],
    );
    r.cues = p.cues.clone();
    Some(r)
}

/// Weigh the evidence of a message that speaks for no registered service. `None` means
/// nothing calls for caution (or the classifier's other link-free rules should decide).
pub fn judge(input: &Input<'_>) -> Option<Judgement> {
    let fams = input.families;
    let p = input.pressure.score;
    // A payment demand counts here too: with no registered service involved, "unpaid" in a
    // link-free text is what the learned score is worth reading for.
    let lure_cue = input
        .pressure
        .cues
        .iter()
        .any(|&c| c.class().bait || c == Cue::Payment);
    // The learned score is read only where it can change the outcome: next to a risky link, or
    // on a link-free text that already pushes. Most messages are neither, and skipping it keeps
    // classification within its time budget.
    let needs_model = input.worst.is_some() || (input.links == 0 && lure_cue && !input.has_code);
    let text_model = if needs_model {
        model::score(input.folded, input.spans)
    } else {
        model::TextScore {
            probability: 0.0,
            logit: f32::NEG_INFINITY,
            top: Vec::new(),
        }
    };
    let model_points = MODEL_BANDS
        .iter()
        .find(|(t, _)| text_model.probability >= *t)
        .map_or(0, |b| b.1);
    let fam_points: u32 = fams.iter().map(|&f| super::weights::family::of(f)).sum();
    let inst = institution(input.folded);
    // Text points without the learned score: an unknown but ordinary-looking site is held only
    // on these, so the model never decides a quarantine with nothing else behind it.
    let t_rules = p
        + fam_points
        + if inst.is_some() {
            crate::classify::weights::text::INSTITUTION
        } else {
            0
        };
    let t = t_rules + model_points;
    let sender = unusual_sender(input.from, input.sender);
    let s = u32::from(sender.is_some());

    let mut reasons = Vec::new();
    let family_reasons = |reasons: &mut Vec<Reason>, only_openers: bool| {
        for f in fams {
            if only_openers && !f.is_opener() {
                continue;
            }
            let mut r = Reason::say(ReasonCode::Lure, Msg::Lure(*f), &[]);
            r.family = Some(*f);
            reasons.push(r);
        }
    };
    let model_reason = |reasons: &mut Vec<Reason>| {
        if model_points == 0 || text_model.top.is_empty() {
            return;
        }
        let pct = format!("{:.0}", text_model.probability * 100.0);
        let mut r = Reason::say(
            ReasonCode::TextModel,
            Msg::TextModel,
            &[
                ("ngrams", Arg::Quoted(text_model.top.clone())),
                ("pct", pct.into()),
            ],
        );
        r.ngrams = text_model.top.clone();
        r.score = Some((text_model.probability * 100.0).round() as u32);
        reasons.push(r);
    };
    let pressure_reason =
        |reasons: &mut Vec<Reason>| reasons.extend(pressure_reason(input.pressure));
    let inst_reason = |reasons: &mut Vec<Reason>| {
        if let Some(what) = &inst {
            reasons.push(Reason::say(
                ReasonCode::Lure,
                Msg::Institution,
                &[("what", what.clone().into())],
            ));
        }
    };
    let sender_reason = |reasons: &mut Vec<Reason>| {
        if let Some(key) = sender {
            reasons.push(Reason::say(ReasonCode::UnusualSender, key, &[]));
        }
    };

    if let Some((risk, why, link)) = &input.worst {
        use crate::classify::weights::link_verdict as v;
        let mut l = *risk;
        let mut why = why.clone();
        if input.links > crate::classify::weights::link::MANY_LINKS_ABOVE {
            l += super::weights::link::of(LinkFeature::ManyLinks);
            why.push(LinkFeature::ManyLinks);
        }
        if bare_link(input.folded, input.spans) && l >= 1 {
            l += crate::classify::weights::link::BARE_LINK;
        }
        // The learned score counts towards a quarantine only where it agrees with the rules:
        // at its top band, beside rule-based text evidence of its own.
        let agreed = model_points >= v::AGREED_MODEL_POINTS && t_rules >= v::AGREED_RULE_POINTS;
        // A risky link and a request for a secret: the link is where the secret goes.
        let action = if (l >= 1 && input.secret.is_some())
            || (l >= v::HOLD_LINK && t >= v::HOLD_LINK_TEXT && l + t + s >= v::HOLD_SUM)
            || (l >= 1 && (p >= v::HOLD_PRESSURE || t_rules >= v::HOLD_RULE_TEXT || agreed))
            || (l >= v::HOLD_RISKY_LINK && t_rules >= v::HOLD_RISKY_LINK_TEXT)
        {
            Action::Quarantine
        } else if l >= v::WARN_LINK
            || (l >= 1 && t >= v::WARN_LINK_TEXT)
            || l + t + s >= v::WARN_SUM
        {
            Action::Warn
        } else {
            return None;
        };
        let eff = link.effective();
        let host = eff.host_unicode.clone().unwrap_or_else(|| eff.host.clone());
        let mut r = if why.is_empty() || why == [LinkFeature::UnknownSite] {
            Reason::say(
                ReasonCode::RiskyLink,
                Msg::RiskyLinkUnknown,
                &[("host", host.into())],
            )
        } else {
            let msgs = why.iter().map(|w| Msg::Feature(*w)).collect();
            Reason::say(
                ReasonCode::RiskyLink,
                Msg::RiskyLinkFeatures,
                &[("host", host.into()), ("features", Arg::Msgs(msgs))],
            )
        };
        r.host = Some(eff.host.clone());
        r.domain = eff.domain.clone();
        r.features = why;
        reasons.push(r);
        if let Some((key, secret)) = input.secret {
            reasons.push(Reason::say(
                ReasonCode::AsksForSecrets,
                key,
                &[("secret", secret.into())],
            ));
        }
        inst_reason(&mut reasons);
        family_reasons(&mut reasons, false);
        model_reason(&mut reasons);
        sender_reason(&mut reasons);
        pressure_reason(&mut reasons);
        return Some(Judgement {
            action,
            kind: Kind::SuspiciousLink,
            reasons,
        });
    }

    // No risky link. A code message is somebody's login, not a lure, unless it invites to a
    // job or an investment group (a "code" there is a chat invite's).
    let opener = fams.iter().any(|f| f.is_opener());
    let recruits = fams
        .iter()
        .any(|f| matches!(f, Family::Job | Family::Investment));
    if input.has_code && !recruits {
        return None;
    }
    // Links to known sites only (a chat app's invite, a map): the links are not the lure, but
    // a job or investment opener that sends the reader to Telegram or LINE still is.
    if input.links > 0 {
        if !opener {
            return None;
        }
        family_reasons(&mut reasons, false);
        pressure_reason(&mut reasons);
        return text_warning(reasons);
    }
    // An app package named with nothing to open: the download link comes next or was cut.
    if let Some(file) = apk_file(input.folded) {
        reasons.push(Reason::say(
            ReasonCode::Lure,
            Msg::LureApkFile,
            &[("file", file.to_string().into())],
        ));
        family_reasons(&mut reasons, false);
        pressure_reason(&mut reasons);
        return text_warning(reasons);
    }
    let model_alone = text_model.probability >= MODEL_ALONE && lure_cue;
    // A delivery, toll, tax, prize or account lure whose link was cut off, or that asks the
    // reader to find it ("下記よりご確認ください"): the text is the lure even so.
    // Chat about a missed parcel ("佐川の不在票入ってた") is neither: the lure speaks to a
    // customer or points at where the link was.
    let link_lure = fams.iter().any(|f| !f.is_opener())
        && p >= 2
        && t >= 5
        && LINK_POINTERS.iter().any(|w| input.folded.contains(w));
    if !(opener || model_alone || link_lure) {
        return None;
    }
    inst_reason(&mut reasons);
    family_reasons(&mut reasons, !link_lure);
    model_reason(&mut reasons);
    sender_reason(&mut reasons);
    pressure_reason(&mut reasons);
    text_warning(reasons)
}

/// The text is the lure and no link is risky: a `suspicious-text` warning.
fn text_warning(reasons: Vec<Reason>) -> Option<Judgement> {
    Some(Judgement {
        action: Action::Warn,
        kind: Kind::SuspiciousText,
        reasons,
    })
}

/// An Android package file named in the text (`sagawa.apk`): an app to install from outside
/// the store, the way phone-takeover malware spreads by SMS. No genuine SMS names one.
fn apk_file(folded: &str) -> Option<&str> {
    folded.match_indices(".apk").find_map(|(i, _)| {
        let after = folded[i + 4..].chars().next();
        if after.is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let start = folded[..i]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            .last()
            .map(|(j, _)| j)?;
        Some(&folded[start..i + 4])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::normalize;

    #[test]
    fn apk_files() {
        assert_eq!(
            apk_file("kaieuovkjebsa.apkを保存しますか"),
            Some("kaieuovkjebsa.apk")
        );
        assert_eq!(
            apk_file("install sagawa_app-2.apk now"),
            Some("sagawa_app-2.apk")
        );
        assert_eq!(apk_file("the .apk format"), None);
        assert_eq!(apk_file("x.apkg deck"), None);
    }

    fn fams(t: &str) -> Vec<&'static str> {
        families(&normalize(t).folded, &[])
            .iter()
            .map(|f| f.as_str())
            .collect()
    }

    #[test]
    fn families_table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "お荷物のお届けにあがりましたが不在の為持ち帰りました。",
                &["delivery"],
            ),
            (
                "We could not deliver your parcel: incomplete address.",
                &["delivery"],
            ),
            (
                "You still owe $4.10 in customs fees for your package",
                &["delivery"],
            ),
            (
                "Your toll balance is overdue, pay now to avoid a fee",
                &["toll"],
            ),
            ("You are owed a tax refund of £310", &["tax"]),
            (
                "ご利用料金の未納があります。本日ご連絡なき場合、法的手続きに移行します",
                &["billing"],
            ),
            (
                "Hi Mum, this is my new number, text me on WhatsApp",
                &["family", "move-to-chat"],
            ),
            (
                "Hi, is this Tom? We met at the golf club, I'm Lisa",
                &["wrong-number"],
            ),
            (
                "田中さんですか？先日のゴルフでご一緒した者です",
                &["wrong-number"],
            ),
            ("Remote job, $300 per day, no experience needed", &["job"]),
            ("無料の投資グループにご招待します", &["investment"]),
            ("are we still on for lunch tomorrow?", &[]),
            ("Your package was delivered at 2:14pm.", &[]),
            ("明日の夕飯どうする？", &[]),
            ("I'm online now, call me", &[]),
        ];
        for (t, want) in cases {
            assert_eq!(fams(t), *want, "{t}");
        }
    }

    #[test]
    fn senders_that_businesses_do_not_use() {
        let unusual = |raw: &str| unusual_sender(&crate::signals::sender::parse(raw, "US"), raw);
        assert_eq!(unusual("j.kim8812@icloud.com"), Some(Msg::SenderEmail));
        assert_eq!(unusual("1410100013"), Some(Msg::SenderGateway));
        assert_eq!(unusual("+1 (415) 555-0134"), None);
        assert_eq!(unusual("AMAZON"), None);
    }

    #[test]
    fn bare_links() {
        let n = normalize("chatwhatsapp.me/aXc4");
        assert!(bare_link(&n.folded, &[(0, n.folded.len())]));
        let n = normalize("集合場所ここね maps.example.com/x");
        assert!(!bare_link(&n.folded, &[(22, n.folded.len())]));
    }
}
