//! Child process of the crash test: ingests 10,000 quarantine-worthy messages, numbered from
//! the second argument on, into the database given as the first argument, printing each message's index on stdout only after its ingest
//! has returned (so the parent knows what was acknowledged when it kills this process).
//! Every seventh step uses `ingest_batch` of ten messages. With `open` as the second argument
//! it opens the database and lets it go, over and over, printing `opened` each time (the
//! parent kills it in the middle of an open).

use smishgate_core::{Gateway, Sms};
use std::io::Write;

fn message(i: u64) -> Sms {
    Sms {
        sender: format!("+8190{:08}", i % 977),
        body: format!(
            "【SBI証券】お取引制限のお知らせ。至急ご確認ください https://sbisec-co-jp.xyz/k/{i}"
        ),
        received_at: Some(1_790_000_000_000 + i as i64 * 1000),
        cut: false,
    }
}

fn main() {
    let path = std::env::args().nth(1).expect("database path");
    if std::env::args().nth(2).as_deref() == Some("open") {
        open_forever(&path);
    }
    let first: u64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .expect("first index");
    let g = Gateway::open(&path).unwrap_or_else(|e| {
        eprintln!("open: {e}");
        std::process::exit(3)
    });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let end = first + 10_000;
    let mut i = first;
    let mut step = 0u64;
    while i < end {
        step += 1;
        if step.is_multiple_of(7) {
            let batch: Vec<Sms> = (i..(i + 10).min(end)).map(message).collect();
            g.ingest_batch(&batch).expect("ingest_batch");
            for k in i..i + batch.len() as u64 {
                writeln!(out, "{k}").expect("stdout");
            }
            i += batch.len() as u64;
        } else {
            g.ingest(&message(i)).expect("ingest");
            writeln!(out, "{i}").expect("stdout");
            i += 1;
        }
        out.flush().expect("flush");
    }
}

fn open_forever(path: &str) -> ! {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    loop {
        match Gateway::open(path) {
            Ok(g) => {
                drop(g);
                writeln!(out, "opened").expect("stdout");
                out.flush().expect("flush");
            }
            // The last handle's lock can trail the drop by a moment.
            Err(smishgate_core::Error::InUse(_)) => {
                std::thread::sleep(std::time::Duration::from_millis(2))
            }
            Err(e) => {
                eprintln!("open: {e}");
                std::process::exit(3)
            }
        }
    }
}
