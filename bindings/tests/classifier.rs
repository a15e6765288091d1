//! The database-less `Classifier` judges exactly as a `SmishGate` on a fresh database in the
//! same region: over a table of varied messages (lures with links, codes from registered
//! senders, plain ham, Japanese text), every row of the shared fixture tables, and arbitrary
//! senders and bodies. An unknown region is refused as `SmishGate` refuses it.

use proptest::prelude::*;
use smishgate_ffi::{Classifier, Kind, SmishGate, SmishGateError, Sms};
use std::sync::{Arc, OnceLock};

/// A fresh gate and a classifier per region, shared by every case (nothing here changes the
/// gate's registry: it stays a fresh database's).
fn pair(region: &str) -> &'static (tempfile::TempDir, Arc<SmishGate>, Arc<Classifier>) {
    type Pair = (tempfile::TempDir, Arc<SmishGate>, Arc<Classifier>);
    static JP: OnceLock<Pair> = OnceLock::new();
    static US: OnceLock<Pair> = OnceLock::new();
    let cell = match region {
        "JP" => &JP,
        "US" => &US,
        _ => unreachable!("regions of this test: JP, US"),
    };
    cell.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db").to_string_lossy().into_owned();
        let gate = SmishGate::new(path, region.into()).expect("open");
        let classifier = Classifier::new(region.into()).expect("classifier");
        (dir, gate, classifier)
    })
}

fn sms(sender: &str, body: &str) -> Sms {
    Sms {
        sender: sender.into(),
        body: body.into(),
        received_at_ms: None,
    }
}

/// One by one and as a batch, the classifier's verdicts are the fresh gate's.
fn assert_same(region: &str, batch: &[Sms]) {
    let (_, gate, classifier) = pair(region);
    let want = gate.classify_batch(batch.to_vec()).unwrap();
    assert_eq!(classifier.classify_batch(batch.to_vec()).unwrap(), want);
    for (m, w) in batch.iter().zip(&want) {
        assert_eq!(
            &classifier.classify(m.clone()).unwrap(),
            w,
            "{region}: {m:?}"
        );
    }
}

const TABLE: &[(&str, &str)] = &[
    // Lures with links.
    ("+81 80-4417-2093", "【SBI証券】お客様の口座にて不審な取引を検知しました。本人確認はこちら https://sbisec-co-jp.xyz/ETGate/login"),
    ("+819012345678", "【三菱UFJ銀行】お客様の口座が凍結されました。https://mufg-jp.top/verify"),
    ("0356650771", "【りそな銀行】ログインはこちら https://resona-login.shop/a"),
    ("+15550001234", "USPS: your parcel is held, pay the fee at https://usps-fee-1.top/p"),
    ("28777", "USPS: redelivery https://usps.com.redeliver-now.cc/track"),
    ("Amazon", "Your Amazon account is locked. Verify at http://amaz0n-secure.info/login"),
    ("+447700900123", "Royal Mail: we could not deliver your parcel. Reschedule: bit.ly/3xYzAbc"),
    // Codes from registered senders, and from unregistered ones.
    ("0356650771", "【りそな銀行】ワンタイムパスワード：482913 有効期限は5分です。"),
    ("NTT DOCOMO", "dアカウントのセキュリティコード：730158 このコードを他人に教えないでください。"),
    ("93557", "Wells Fargo: your one-time code is 551923. We'll never call to ask for it."),
    ("SBI証券", "【SBI証券】認証コード：482913\nこのコードの有効期限は5分です。"),
    ("+815030001111", "SBI証券 デバイス認証コード 730158\n有効期限：10分"),
    ("Amazon", "Your Amazon OTP is 551923. Don't share it with anyone.\n\n@amazon.com #551923"),
    // Plain ham, English and Japanese.
    ("+819011112222", "明日10.30に駅で"),
    ("+819011112222", "今日の夕飯どうする？カレーでいい？"),
    ("+15551234567", "Running 10 min late, save me a seat"),
    ("Mom", "Call me when you land ❤️"),
    ("157", "【au】ご利用料金のお知らせ：今月のご請求額は3,280円です。詳細はMy auでご確認ください。"),
    // Edge cases: empty, only a link, only spaces, a long body.
    ("", ""),
    ("+819000000000", "https://example.com"),
    ("X", "   \n\t "),
];

#[test]
fn a_table_of_messages_gets_the_fresh_gates_verdicts() {
    let batch: Vec<Sms> = TABLE.iter().map(|(s, b)| sms(s, b)).collect();
    let mut long = "お知らせ ".repeat(5_000);
    long.push_str("https://sbisec-co-jp.xyz/x");
    let mut batch = batch;
    batch.push(sms("+819012345678", &long));
    for region in ["JP", "US"] {
        assert_same(region, &batch);
    }
    // The table has what it says: held lures, delivered codes and ham.
    let verdicts = pair("JP").2.classify_batch(batch).unwrap();
    assert!(verdicts.iter().any(|v| v.kind == Kind::Impersonation));
    assert!(verdicts
        .iter()
        .any(|v| v.kind == Kind::Trusted && v.otp.is_some()));
    assert!(verdicts.iter().any(|v| v.kind == Kind::Clean));
}

/// Every row of the shared fixture tables (written against registries of their own; here the
/// built-in one), in both regions.
#[test]
fn every_fixture_row_gets_the_fresh_gates_verdict() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut rows = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let batch: Vec<Sms> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                sms(v["sender"].as_str().unwrap(), v["body"].as_str().unwrap())
            })
            .collect();
        rows += batch.len();
        for region in ["JP", "US"] {
            assert_same(region, &batch);
        }
    }
    assert!(rows >= 300, "only {rows} fixture rows");
}

#[test]
fn an_unknown_region_is_refused_as_smishgate_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    for region in ["", "XX", "Japan", "\u{0}"] {
        let path = dir.path().join("db").to_string_lossy().into_owned();
        let want = SmishGate::new(path, region.into()).unwrap_err();
        assert!(
            matches!(want, SmishGateError::InvalidInput { .. }),
            "{want}"
        );
        assert_eq!(Classifier::new(region.into()).unwrap_err(), want);
    }
    // A lower-case code is read as the upper-case one, by both.
    let path = dir.path().join("lower").to_string_lossy().into_owned();
    let gate = SmishGate::new(path, "jp".into()).unwrap();
    let lower = Classifier::new("jp".into()).unwrap();
    let code = sms("0356650771", "【りそな銀行】ワンタイムパスワード：482913");
    assert_eq!(
        lower.classify(code.clone()).unwrap(),
        gate.classify(code.clone()).unwrap()
    );
    assert_eq!(
        lower.classify(code.clone()).unwrap(),
        pair("JP").2.classify(code).unwrap()
    );
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,120}",
        "[0-9+ ()-]{0,20}",
        "[A-Za-z]{1,11}",
        "(【[^】]{1,8}】)?[ぁ-んァ-ン一-龯 ]{0,40}(https?://[a-z0-9.-]{1,30}/[a-z]{0,8})?",
        "[a-z ]{0,40}(code|コード)[：: ]?[0-9]{4,8}",
        Just("0356650771".to_string()),
        Just("NTT DOCOMO".to_string()),
        Just("93557".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_messages_get_the_fresh_gates_verdict(batch in proptest::collection::vec((text(), text()), 0..6)) {
        let batch: Vec<Sms> = batch.iter().map(|(s, b)| sms(s, b)).collect();
        for region in ["JP", "US"] {
            let (_, gate, classifier) = pair(region);
            prop_assert_eq!(
                classifier.classify_batch(batch.clone()).unwrap(),
                gate.classify_batch(batch.clone()).unwrap()
            );
            for m in &batch {
                prop_assert_eq!(classifier.classify(m.clone()).unwrap(), gate.classify(m.clone()).unwrap());
            }
        }
    }
}
