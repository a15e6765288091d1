//! Corpus targets on `../shared/data`: no OTP fixture quarantined or warned, no UCI or Mishra &
//! Soni ham quarantined and at most 0.3 % warned, and recall floors on the real reported
//! smishing sets. The full table and the issue-6 targets are printed by the `score` binary.

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
    // Ham targets of issue 6: nothing quarantined, at most 0.3 % warned.
    for name in ["uci ham", "mishra-soni ham (no UCI copies)"] {
        let c = s.slice(name);
        assert_eq!(c.quarantine, 0, "{name}: {:?}", s.quarantined_ham);
        assert!(
            c.warn * 1000 <= c.total * 3,
            "{name}: {} of {} warned",
            c.warn,
            c.total
        );
    }
    assert_eq!(otp.warn, 0, "OTP fixtures warned");
    // Recall floors on the real reported smishing (regression guards a little under the
    // figures of 2026-12-01; the issue-6 targets are printed by the `score` binary).
    for (name, flagged, quarantined) in [
        ("smishtank dev (real reported smishing)", 90.0, 58.0),
        ("spamhunter ja dev spam", 75.0, 45.0),
    ] {
        let c = s.slice(name);
        if c.total == 0 {
            continue;
        }
        assert!(
            c.flagged_pct() >= flagged && c.quarantine_pct() >= quarantined,
            "{name}: {:.1} % flagged, {:.1} % quarantined",
            c.flagged_pct(),
            c.quarantine_pct()
        );
    }
}
