//! No panic crosses the boundary, whatever the app passes: proptest drives the FFI crate's own
//! API (what Kotlin calls) with arbitrary strings, ids, cursors, limits, registry files (and
//! their previews) and services. Every call returns `Ok` or one of the typed errors it may
//! give, a bad call changes nothing, and the database stays consistent and openable.

use proptest::prelude::*;
use smishgate_ffi::{
    Kind, LinkPolicy, QuarantineQuery, Service, SmishGate, SmishGateError, Sms, Status,
};
use std::sync::{Arc, OnceLock};

/// One gate for every case (opening one per case would test sled's start-up, not the API).
fn gate() -> &'static (tempfile::TempDir, Arc<SmishGate>) {
    static GATE: OnceLock<(tempfile::TempDir, Arc<SmishGate>)> = OnceLock::new();
    GATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let g = SmishGate::new(
            dir.path().join("db").to_string_lossy().into_owned(),
            "JP".into(),
        )
        .expect("open");
        // Something to find: held messages with real ids.
        let lures: Vec<Sms> = (0..20)
            .map(|i| Sms {
                sender: format!("+8190{i:08}"),
                body: format!("【SBI証券】お取引制限 https://sbisec-co-jp.xyz/{i}"),
                received_at_ms: Some(1_790_000_000_000 + i),
            })
            .collect();
        g.ingest_batch(lures).unwrap();
        (dir, g)
    })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{0,25}",
        "[a-f0-9]{30,34}",
        "\\PC{0,80}",
        Just(String::new()),
        Just("\u{0}".to_string()),
        Just("18446744073709551615".to_string()),
        Just("18446744073709551616".to_string()),
    ]
}

fn sms() -> impl Strategy<Value = Sms> {
    (text(), text(), any::<Option<i64>>()).prop_map(|(sender, body, at)| Sms {
        sender,
        body,
        received_at_ms: at,
    })
}

/// The errors a call about messages may give for bad input.
fn input_error(e: &SmishGateError) -> bool {
    matches!(
        e,
        SmishGateError::InvalidInput { .. } | SmishGateError::NotFound { .. }
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn messages_never_panic(batch in proptest::collection::vec(sms(), 0..6)) {
        let g = &gate().1;
        for m in &batch {
            prop_assert!(g.classify(m.clone()).is_ok());
        }
        prop_assert_eq!(g.classify_batch(batch.clone()).unwrap().len(), batch.len());
        match g.ingest_batch(batch.clone()) {
            Ok(d) => prop_assert_eq!(d.len(), batch.len()),
            Err(e) => prop_assert!(false, "ingest of arbitrary text failed: {e}"),
        }
    }

    #[test]
    fn ids_cursors_and_limits_never_panic(id in text(), cursor in proptest::option::of(text()), limit in any::<u32>(), kind in proptest::option::of(proptest::sample::select(smishgate_core::Kind::ALL.map(Kind::from).to_vec())), service in proptest::option::of(text())) {
        let g = &gate().1;
        let before = g.stats().unwrap();
        for r in [
            g.quarantine_get(id.clone()).map(|_| ()),
            g.release(id.clone(), None, false).map(|_| ()),
            g.release(id.clone(), Some(id.clone()), false).map(|_| ()),
        ] {
            if let Err(e) = r { prop_assert!(input_error(&e), "{e}"); }
        }
        match g.quarantine_list(cursor.clone(), limit) {
            Ok(p) => prop_assert!(p.items.len() <= limit as usize),
            Err(e) => prop_assert!(matches!(e, SmishGateError::InvalidInput { .. }), "{e}"),
        }
        let q = QuarantineQuery { service, kind, status: Some(Status::Quarantined) };
        if let Err(e) = g.quarantine_search(q, cursor, limit) {
            prop_assert!(matches!(e, SmishGateError::InvalidInput { .. }), "{e}");
        }
        // Only a real id of a held message could have changed anything; an arbitrary one
        // changes nothing.
        if id.parse::<u64>().map_or(true, |n| n == 0 || n > 1_000_000_000) {
            prop_assert_eq!(g.stats().unwrap(), before);
        }
    }

    #[test]
    fn registry_input_never_panics_and_a_bad_one_changes_nothing(json in text(), id in text(), name in text(), sender in text(), domain in text(), never in any::<bool>()) {
        let g = &gate().1;
        let before = g.export_registry().unwrap();
        // A preview changes nothing and fails as the import does.
        let preview = g.preview_import(json.clone(), false);
        prop_assert_eq!(&g.export_registry().unwrap(), &before);
        let import = g.import_registry(json, false);
        prop_assert_eq!(preview.as_ref().err(), import.as_ref().err());
        if let Err(e) = import {
            prop_assert!(matches!(e, SmishGateError::InvalidInput { .. }), "{e}");
            prop_assert_eq!(&g.export_registry().unwrap(), &before);
        }
        let s = Service {
            id: id.clone(),
            name,
            aliases: vec![],
            senders: vec![sender.clone()],
            domains: vec![domain],
            links: if never { LinkPolicy::Never } else { LinkPolicy::Official },
        };
        let before = g.export_registry().unwrap();
        if let Err(e) = g.upsert_service(s) {
            prop_assert!(matches!(e, SmishGateError::InvalidInput { .. }), "{e}");
            prop_assert_eq!(&g.export_registry().unwrap(), &before);
        }
        for r in [g.add_sender(id.clone(), sender.clone()), g.block_sender(sender.clone()), g.unblock_sender(sender)] {
            if let Err(e) = r { prop_assert!(input_error(&e), "{e}"); }
        }
        // Undo what was accepted, so that cases stay independent.
        g.reset_registry().unwrap();
    }

    #[test]
    fn opening_any_path_never_panics(path in text(), region in text()) {
        // A path that does not exist is created: keep arbitrary paths inside a scratch dir.
        let dir = tempfile::tempdir().unwrap();
        let safe: String = path.chars().filter(|c| *c != '/' && *c != '\\').take(40).collect();
        let p = dir.path().join(if safe.is_empty() || safe == "." || safe == ".." { "x".into() } else { safe });
        let _ = SmishGate::new(p.to_string_lossy().into_owned(), region);
        prop_assert!(SmishGate::new(String::new(), "JP".into()).is_err());
        prop_assert!(SmishGate::new("/dev/null/db".into(), "JP".into()).is_err());
    }
}

/// After all of it, the quarantine is consistent: the counters agree with the listing.
#[test]
fn the_database_stays_consistent() {
    let g = &gate().1;
    let mut n = 0usize;
    let mut cursor = None;
    loop {
        let page = g.quarantine_list(cursor.take(), 1000).unwrap();
        n += page.items.len();
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(g.stats().unwrap().total as usize, n);
}
