//! `smishgate scan FILE`: read an inbox export (SMS Backup & Restore XML or JSON Lines), judge
//! every received message through the gateway, keep the quarantined ones in the database, and
//! print a summary.
//!
//! The export is read as a stream and handed to the gateway 1,000 messages at a time, so the
//! size of the file does not matter. A message kept by an earlier scan is not stored again
//! (reported as a duplicate). Bad records go to stderr, one line each with their position, and
//! are skipped; the exit status is 0 when the file was read to its end, 2 when it could not be
//! (the database in use, an unreadable file, an unknown format, XML that breaks off or goes on
//! after its root element — what was read before the break is kept).
//!
//! The database is opened only once the input is known to be an export (for XML, once its root
//! element is read and is `<smses>`): a wrong file creates nothing and prints no summary.

use crate::common::{json, open_db, width, CmdResult, Failure, Globals};
use crate::lang::{self, Lang};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use smishgate_core::import::{self, ImportError, Importer, Skipped};
use smishgate_core::{Action, Decision, Gateway, Sms};
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, IsTerminal};
use std::path::PathBuf;

/// Messages handed to the gateway at once.
const BATCH: usize = 1_000;

/// Bytes of bodies handed to the gateway at once, at most (about): a batch of long bodies is
/// judged early, so that memory stays bounded whatever the export holds (each body is at most
/// `import::BODY_CAP`; 1,000 of those would be 64 MB).
const BATCH_BYTES: usize = 4 << 20;

/// Files larger than this get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 1 << 20;

/// Arguments of `smishgate scan`.
#[derive(Args, Debug)]
pub struct ScanArgs {
    /// The export: SMS Backup & Restore XML or JSON Lines (told apart by the first
    /// character); `-` for stdin.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Verdict counts for one kind or service.
#[derive(Debug, Default, Clone, Copy, Serialize)]
struct Flagged {
    warn: u64,
    quarantine: u64,
}

/// The summary, as printed and as `--json`.
#[derive(Debug, Default, Serialize)]
struct Summary {
    input: String,
    database: String,
    format: &'static str,
    /// Received messages read and judged.
    read: u64,
    delivered: u64,
    warned: u64,
    /// Newly kept in the quarantine.
    quarantined: u64,
    /// Quarantined, but kept by an earlier scan already: nothing stored.
    duplicates: u64,
    skipped: SkippedOut,
    bad: u64,
    /// Bodies longer than the importer keeps (`import::BODY_CAP`), judged on their beginning.
    cut: u64,
    /// Warn and quarantine verdicts (duplicates included) by kind.
    by_kind: BTreeMap<String, Flagged>,
    /// The same by claimed service (`-` for none).
    by_service: BTreeMap<String, Flagged>,
    /// The whole file was read.
    complete: bool,
    /// Why not, when not.
    error: Option<String>,
}

#[derive(Debug, Default, Serialize)]
struct SkippedOut {
    total: u64,
    not_received: u64,
    mms: u64,
}

impl Summary {
    fn tally(&mut self, d: &Decision) {
        self.read += 1;
        match d.verdict.action {
            Action::Deliver => {
                self.delivered += 1;
                return;
            }
            Action::Warn => self.warned += 1,
            Action::Quarantine if d.duplicate => self.duplicates += 1,
            Action::Quarantine => self.quarantined += 1,
        }
        let service = d.verdict.service.as_deref().unwrap_or("-").to_string();
        for f in [
            self.by_kind
                .entry(d.verdict.kind.as_str().to_string())
                .or_default(),
            self.by_service.entry(service).or_default(),
        ] {
            if d.verdict.action == Action::Warn {
                f.warn += 1;
            } else {
                f.quarantine += 1;
            }
        }
    }

    fn set_skipped(&mut self, s: Skipped) {
        self.skipped = SkippedOut {
            total: s.total(),
            not_received: s.not_received,
            mms: s.mms,
        };
    }
}

/// Run `smishgate scan`.
pub fn run(args: ScanArgs, g: &Globals, out: &mut String) -> CmdResult {
    let stdin = args.file.as_os_str() == "-";
    let name = if stdin {
        "stdin".to_string()
    } else {
        args.file.display().to_string()
    };
    // The file first: a wrong path should not create a database.
    let file = if stdin {
        None
    } else {
        let f = std::fs::File::open(&args.file)
            .map_err(|e| Failure::fatal(format!("cannot read {name}: {e}")))?;
        let meta = f
            .metadata()
            .map_err(|e| Failure::fatal(format!("cannot read {name}: {e}")))?;
        if meta.is_dir() {
            return Err(Failure::fatal(format!(
                "{name} is a directory, not an export"
            )));
        }
        Some((f, meta.len()))
    };
    let mut progress = None;
    let input: Box<dyn BufRead> = match file {
        None => Box::new(io::stdin().lock()),
        Some((f, len)) if len > PROGRESS_MIN_BYTES && io::stderr().is_terminal() => {
            let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("scanning {bar:40} {bytes}/{total_bytes} ({eta} left)")
            {
                pb.set_style(style);
            }
            let input = Box::new(BufReader::with_capacity(1 << 16, pb.wrap_read(f)));
            progress = Some(pb);
            input
        }
        Some((f, _)) => Box::new(BufReader::with_capacity(1 << 16, f)),
    };
    // The input must be an export before anything is created: `import::open` reads up to the
    // XML root element (or the first JSON character), so an HTML page or another XML document
    // ends here, with no database directory and no summary. From stdin this waits for the
    // first bytes, then takes the database.
    let opened = import::open(input)
        .map_err(|e| Failure::fatal(format!("{name}: {e}")))
        .and_then(|items| Ok((open_db(g)?, items)));
    let (db, items) = match opened {
        Ok(x) => x,
        Err(f) => {
            if let Some(pb) = &progress {
                pb.finish_and_clear();
            }
            return Err(f);
        }
    };
    log::info!(
        "scan: {} input, database {}",
        items.format().as_str(),
        db.path.display()
    );
    let started = std::time::Instant::now();
    let mut summary = Summary {
        input: name.clone(),
        database: db.path.display().to_string(),
        format: items.format().as_str(),
        ..Summary::default()
    };
    let result = scan(&db.gw, items, &name, &mut summary, progress.as_ref());
    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    log::info!(
        "scan: {} read ({} delivered, {} warned, {} newly quarantined, {} duplicates), {} \
         skipped, {} bad, complete: {}, {} ms",
        summary.read,
        summary.delivered,
        summary.warned,
        summary.quarantined,
        summary.duplicates,
        summary.skipped.total,
        summary.bad,
        summary.complete,
        started.elapsed().as_millis()
    );
    if let Err(e) = &result {
        summary.error = Some(e.message.clone());
    }
    if g.json {
        // The scan's own failure, if any, is the one to report.
        let printed = json(out, &summary);
        return result.and(printed);
    }
    print_summary(out, &summary, Lang::of(&g.lang));
    result
}

fn scan(
    gw: &Gateway,
    mut items: Importer<Box<dyn BufRead>>,
    name: &str,
    summary: &mut Summary,
    progress: Option<&ProgressBar>,
) -> CmdResult {
    let mut batch: Vec<Sms> = Vec::with_capacity(BATCH);
    let mut batch_bytes = 0;
    let mut fatal: Option<ImportError> = None;
    for item in items.by_ref() {
        match item {
            Ok(item) => {
                if item.cut {
                    summary.cut += 1;
                    log::info!(
                        "scan: {}: the body is longer than {} KiB; its beginning is judged",
                        item.position,
                        import::BODY_CAP >> 10
                    );
                }
                batch_bytes += item.sms.body.len();
                // `item.sms.cut` is set: the classifier never calls a cut body clean.
                batch.push(item.sms);
                if batch.len() == BATCH || batch_bytes >= BATCH_BYTES {
                    ingest(gw, &mut batch, summary)?;
                    batch_bytes = 0;
                }
            }
            Err(e) if e.is_fatal() => {
                fatal = Some(e);
                break;
            }
            Err(e) => {
                summary.bad += 1;
                let line = format!("smishgate: {name}: {e}");
                match progress {
                    Some(pb) => pb.suspend(|| errln!("{line}")),
                    None => errln!("{line}"),
                }
            }
        }
    }
    ingest(gw, &mut batch, summary)?;
    summary.set_skipped(items.skipped());
    match fatal {
        None => {
            summary.complete = true;
            Ok(())
        }
        Some(e) => Err(Failure::fatal(format!(
            "{name}: {e} (the {} message{} read before it {} scanned and kept)",
            summary.read,
            if summary.read == 1 { "" } else { "s" },
            if summary.read == 1 { "was" } else { "were" }
        ))),
    }
}

fn ingest(gw: &Gateway, batch: &mut Vec<Sms>, summary: &mut Summary) -> CmdResult {
    if batch.is_empty() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let decisions = gw.ingest_batch(batch)?;
    for d in &decisions {
        summary.tally(d);
    }
    log::debug!(
        "scan: a batch of {} judged and flushed in {} ms",
        batch.len(),
        started.elapsed().as_millis()
    );
    batch.clear();
    Ok(())
}

fn print_summary(out: &mut String, s: &Summary, l: Lang) {
    let format = match s.format {
        "sms-backup-xml" => "SMS Backup & Restore XML",
        _ => "JSON Lines",
    };
    if l.ja() {
        outln!(
            out,
            "{}（{format}）を {} に取り込みました",
            s.input,
            s.database
        );
    } else {
        outln!(out, "Scanned {} ({format}) into {}", s.input, s.database);
    }
    let mut rows: Vec<(&str, u64, String)> = vec![
        (
            l.pick("read", "判定"),
            s.read,
            l.pick("received messages judged", "受信メッセージを判定")
                .into(),
        ),
        (l.pick("delivered", "配信"), s.delivered, String::new()),
        (
            l.pick("warned", "注意"),
            s.warned,
            l.pick("delivered with a warning", "注意を付けて配信")
                .into(),
        ),
        (
            l.pick("quarantined", "隔離"),
            s.quarantined,
            l.pick("newly kept for review", "確認用に新しく保存").into(),
        ),
        (
            l.pick("duplicates", "重複"),
            s.duplicates,
            l.pick(
                "quarantined, already stored by an earlier scan",
                "隔離対象、前回までの取り込みで保存済み",
            )
            .into(),
        ),
        (
            l.pick("skipped", "対象外"),
            s.skipped.total,
            if l.ja() {
                format!(
                    "送信済み・下書きなど受信以外の SMS {} 件、MMS {} 件",
                    s.skipped.not_received, s.skipped.mms
                )
            } else {
                format!(
                    "{} sent, draft or other non-received SMS, {} MMS",
                    s.skipped.not_received, s.skipped.mms
                )
            },
        ),
        (
            l.pick("bad records", "不正な記録"),
            s.bad,
            if s.bad > 0 {
                l.pick(
                    "listed on stderr, not scanned",
                    "標準エラーに表示、判定せず",
                )
                .into()
            } else {
                String::new()
            },
        ),
    ];
    if s.cut > 0 {
        rows.push((
            l.pick("cut", "切り詰め"),
            s.cut,
            if l.ja() {
                format!(
                    "{} KiB を超える本文、先頭だけで判定",
                    import::BODY_CAP >> 10
                )
            } else {
                format!(
                    "bodies longer than {} KiB, judged on their beginning",
                    import::BODY_CAP >> 10
                )
            },
        ));
    }
    let lw = rows.iter().map(|r| width(r.0)).max().unwrap_or(0).max(12);
    let w = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    for (label, n, note) in &rows {
        let line = format!("  {} {n:>w$}  {note}", lang::pad(label, lw));
        outln!(out, "{}", line.trim_end());
    }
    let (warned, quarantined) = (l.pick("warned", "注意"), l.pick("quarantined", "隔離"));
    for (title, map, by_kind) in [
        (l.pick("By kind", "種類別"), &s.by_kind, true),
        (l.pick("By service", "サービス別"), &s.by_service, false),
    ] {
        if map.is_empty() {
            continue;
        }
        outln!(out);
        let rows: Vec<(String, &Flagged)> = map
            .iter()
            .map(|(k, f)| {
                (
                    if by_kind {
                        lang::kind_name(k, l)
                    } else {
                        k.clone()
                    },
                    f,
                )
            })
            .collect();
        let kw = rows
            .iter()
            .map(|(k, _)| width(k) + 2)
            .max()
            .unwrap_or(0)
            .max(width(title));
        let (ww, qw) = (width(warned).max(7), width(quarantined).max(10));
        outln!(
            out,
            "{}  {}  {}",
            lang::pad(title, kw),
            lang::pad_left(warned, ww),
            lang::pad_left(quarantined, qw)
        );
        for (k, f) in &rows {
            outln!(
                out,
                "{}  {:>ww$}  {:>qw$}",
                lang::pad(&format!("  {k}"), kw),
                f.warn,
                f.quarantine
            );
        }
    }
    if s.quarantined + s.duplicates > 0 {
        outln!(out);
        outln!(
            out,
            "{}: smishgate quarantine list",
            l.pick("Review the held messages", "隔離したメッセージの確認")
        );
    }
}
