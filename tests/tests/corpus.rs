//! Corpus targets on `../shared/data`: no OTP fixture quarantined, under 0.5 % of UCI ham
//! quarantined. Recall on Mishra & Soni smishing is reported by the `score` binary.

use smishgate_core::Registry;
use smishgate_tests::{score::score, shared_data};

#[test]
fn corpus_targets() {
    let Some(data) = shared_data() else {
        // CI always has shared/ beside the checkout; a checkout without it cannot score.
        if std::env::var_os("CI").is_some() {
            panic!("../shared/data is missing on CI");
        }
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let s = score(&data, Registry::builtin());
    println!("{}", s.table());
    let otp = s.slice("otp ham fixtures");
    assert_eq!(otp.total, 118);
    assert_eq!(
        otp.quarantine, 0,
        "quarantined OTP fixtures: {:?}",
        s.quarantined_ham
    );
    let ham = s.slice("uci ham");
    assert_eq!(ham.total, 4827);
    assert!(
        ham.quarantine_pct() < 0.5,
        "UCI ham quarantined {:.2} %",
        ham.quarantine_pct()
    );
    let smishing = s.slice("mishra-soni smishing (no UCI copies)");
    assert!(smishing.total > 200);
}
