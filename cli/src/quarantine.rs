//! `smishgate quarantine …`: review the messages the gateway held back — list, show, release
//! (optionally trusting the sender for a service), confirm as smishing (optionally blocking the
//! sender), delete, purge old ones, and statistics.
//!
//! Times are shown in the gateway's day offset (UTC+09:00 by default), the one its per-day
//! statistics use: `Db::utc_offset_minutes` is the offset the gateway was opened with. Message
//! text is made safe for the terminal (control and bidirectional characters are shown as
//! `\u{…}`); `--json` prints the stored records as they are. Readable output follows `--lang`
//! (see `crate::lang`).

use crate::common::{
    format_offset, format_time, json, one_line, open_db, parse_kind, parse_status, safe_text,
    table, width, CmdResult, Db, Failure, Globals,
};
use crate::lang::{self, Lang};
use clap::{Args, Subcommand};
use serde::Serialize;
use smishgate_core::{Error, Kind, ListQuery, Record, ServiceId, Status};

/// Arguments of `smishgate quarantine`.
#[derive(Args, Debug)]
pub struct QuarantineArgs {
    #[command(subcommand)]
    command: QuarantineCommand,
}

#[derive(Subcommand, Debug)]
enum QuarantineCommand {
    /// Held messages, newest first, one page at a time.
    List(ListArgs),
    /// Everything about one message: verdict, reasons, full body.
    Show {
        /// Message id (from `list`).
        id: u64,
    },
    /// Release a message (deliver it after all) and print it.
    Release {
        /// Message id.
        id: u64,
        /// Also register its sender for this service, so that its next messages are trusted.
        #[arg(long, value_name = "SERVICE")]
        trust: Option<String>,
        /// Trust the sender although the message was held as an attack (a look-alike, an
        /// impersonation, a spoofed sender): its next messages will be delivered as the
        /// service's own.
        #[arg(long, requires = "trust")]
        force: bool,
    },
    /// Confirm a message as smishing.
    Confirm {
        /// Message id.
        id: u64,
        /// Also block its sender: its next messages are quarantined whatever they say.
        #[arg(long)]
        block: bool,
    },
    /// Delete a message for good.
    Delete {
        /// Message id.
        id: u64,
    },
    /// Delete messages received more than DAYS days ago.
    Purge {
        /// Age in days [default: 90].
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u32>,
    },
    /// Counts by status, kind, service and day.
    Stats,
}

#[derive(Args, Debug)]
struct ListArgs {
    /// Only messages claiming this service (id; `-` for none).
    #[arg(long, value_name = "ID")]
    service: Option<String>,
    /// Only this kind (impersonation, lookalike-domain, spoofed-sender, …).
    #[arg(long, value_parser = parse_kind)]
    kind: Option<Kind>,
    /// Only this review status.
    #[arg(long, value_parser = parse_status)]
    status: Option<Status>,
    /// At most N messages [default: 50].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    limit: Option<u64>,
    /// Continue after this cursor (printed at the end of the previous page).
    #[arg(long, value_name = "C")]
    cursor: Option<String>,
}

/// Run `smishgate quarantine …`.
pub fn run(args: QuarantineArgs, g: &Globals, out: &mut String) -> CmdResult {
    let db = open_db(g)?;
    log::debug!("quarantine: database {} open", db.path.display());
    let l = Lang::of(&g.lang);
    match args.command {
        QuarantineCommand::List(a) => list(&db, a, g, out),
        QuarantineCommand::Show { id } => {
            let r = db.gw.get(id)?;
            if g.json {
                json(out, &r)
            } else {
                show(&db, &r, l, out);
                Ok(())
            }
        }
        QuarantineCommand::Release { id, trust, force } => {
            let r =
                db.gw
                    .release(id, trust.as_deref(), force)
                    .map_err(|e| match e {
                        Error::TrustNeedsForce { .. } => Failure::fatal(format!(
                    "{}\nhint: add --force to trust it anyway, or release it without --trust",
                    e.to_string().replace("release it with force", "add --force")
                )),
                        other => other.into(),
                    })?;
            if g.json {
                return json(out, &r);
            }
            if l.ja() {
                outln!(out, "メッセージ {id} を解放しました。");
            } else {
                outln!(out, "Released message {id}.");
            }
            if let Some(service) = &trust {
                let sender = safe_text(&r.sender);
                if l.ja() {
                    outln!(
                        out,
                        "送信元 {sender} を {service} の送信元として登録しました。"
                    );
                } else {
                    outln!(out, "Its sender {sender} is now registered for {service}.");
                }
            }
            outln!(out);
            outln!(
                out,
                "{}{}",
                l.pick("From:     ", "送信元:   "),
                safe_text(&r.sender)
            );
            outln!(
                out,
                "{}{} {}",
                l.pick("Received: ", "受信日時: "),
                format_time(r.received_at, db.utc_offset_minutes, true),
                format_offset(db.utc_offset_minutes)
            );
            outln!(out);
            outln!(out, "{}", safe_text(&r.body));
            Ok(())
        }
        QuarantineCommand::Confirm { id, block } => {
            let r = db.gw.confirm(id, block)?;
            if g.json {
                return json(out, &r);
            }
            if l.ja() {
                outln!(out, "メッセージ {id} を詐欺と確認しました。");
            } else {
                outln!(out, "Message {id} confirmed as smishing.");
            }
            if block {
                let sender = safe_text(&r.sender);
                if l.ja() {
                    outln!(
                        out,
                        "送信者 {sender} を拒否しました。今後のメッセージは隔離されます。"
                    );
                } else {
                    outln!(
                        out,
                        "Its sender {sender} is blocked: its messages will be quarantined."
                    );
                }
            }
            Ok(())
        }
        QuarantineCommand::Delete { id } => {
            db.gw.delete(id)?;
            if g.json {
                json(out, &serde_json::json!({ "deleted": id }))
            } else {
                if l.ja() {
                    outln!(out, "メッセージ {id} を削除しました。");
                } else {
                    outln!(out, "Deleted message {id}.");
                }
                Ok(())
            }
        }
        QuarantineCommand::Purge { older_than } => {
            let days =
                older_than.unwrap_or(smishgate_core::storage::gateway::DEFAULT_RETENTION_DAYS);
            let n = db.gw.purge(Some(days))?;
            if g.json {
                json(
                    out,
                    &serde_json::json!({ "deleted": n, "older_than_days": days }),
                )
            } else {
                if l.ja() {
                    outln!(
                        out,
                        "{days} 日より前に受信したメッセージ {n} 件を削除しました。"
                    );
                } else {
                    outln!(
                        out,
                        "Deleted {n} message{} received more than {days} days ago.",
                        if n == 1 { "" } else { "s" }
                    );
                }
                Ok(())
            }
        }
        QuarantineCommand::Stats => {
            let s = db.gw.stats()?;
            if g.json {
                return json(out, &s);
            }
            if l.ja() {
                outln!(out, "保存中のメッセージ {} 件", s.total);
            } else {
                outln!(
                    out,
                    "{} message{} held",
                    s.total,
                    if s.total == 1 { "" } else { "s" }
                );
            }
            let offset = format_offset(db.utc_offset_minutes);
            // Keys as readable output shows them: statuses and kinds in the language, service
            // ids and days as they are.
            let shown = |m: &std::collections::BTreeMap<String, u64>,
                         f: fn(&str, Lang) -> String| {
                m.iter().map(|(k, v)| (f(k, l), *v)).collect::<Vec<_>>()
            };
            let as_is = |k: &str, _: Lang| k.to_string();
            for (title, rows) in [
                (
                    l.pick("By status", "状態別").to_string(),
                    shown(&s.by_status, lang::status_id),
                ),
                (
                    l.pick("By kind", "種類別").to_string(),
                    shown(&s.by_kind, lang::kind_name),
                ),
                (
                    l.pick("By service", "サービス別").to_string(),
                    shown(&s.by_service, as_is),
                ),
                (
                    if l.ja() {
                        format!("受信日別 (UTC{offset})")
                    } else {
                        format!("By day received (UTC{offset})")
                    },
                    shown(&s.by_day, as_is),
                ),
            ] {
                if rows.is_empty() {
                    continue;
                }
                outln!(out);
                outln!(out, "{title}");
                let w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
                let nw = rows
                    .iter()
                    .map(|(_, v)| v.to_string().len())
                    .max()
                    .unwrap_or(1);
                for (k, v) in &rows {
                    outln!(out, "  {}  {v:>nw$}", lang::pad(k, w));
                }
            }
            Ok(())
        }
    }
}

#[derive(Serialize)]
struct PageOut<'a> {
    records: &'a [Record],
    next_cursor: Option<&'a str>,
    /// Undecodable records skipped (present only when there were some).
    #[serde(skip_serializing_if = "is_zero")]
    skipped: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn list(db: &Db, a: ListArgs, g: &Globals, out: &mut String) -> CmdResult {
    let q = ListQuery {
        service: a.service.map(ServiceId::from),
        kind: a.kind,
        status: a.status,
        limit: a.limit.map_or(0, |n| n as usize),
        cursor: a.cursor,
    };
    let page = db.gw.list(&q)?;
    if page.skipped > 0 {
        // Said on stderr in every output form: the listing is not the whole story.
        errln!(
            "smishgate: {} held {} could not be read and {} skipped (damage); `smishgate db check` tells more, `smishgate quarantine delete ID` still removes one",
            page.skipped,
            if page.skipped == 1 { "message" } else { "messages" },
            if page.skipped == 1 { "was" } else { "were" }
        );
    }
    if g.json {
        return json(
            out,
            &PageOut {
                records: &page.records,
                next_cursor: page.next_cursor.as_deref(),
                skipped: page.skipped,
            },
        );
    }
    let l = Lang::of(&g.lang);
    if page.records.is_empty() {
        let filtered = q.service.is_some() || q.kind.is_some() || q.status.is_some();
        outln!(
            out,
            "{}",
            match (filtered, q.cursor.is_some()) {
                (_, true) => l.pick("No more messages.", "これ以上のメッセージはありません。"),
                (true, false) => l.pick(
                    "No held message matches.",
                    "条件に合う保存中のメッセージはありません。"
                ),
                (false, false) => l.pick("No messages held.", "保存中のメッセージはありません。"),
            }
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = page
        .records
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                format_time(r.received_at, db.utc_offset_minutes, false),
                lang::kind(r.kind, l).to_string(),
                r.service.as_deref().unwrap_or("-").to_string(),
                one_line(&r.sender, 24),
                one_line(&r.body, 40),
            ]
        })
        .collect();
    let received = format!(
        "{} (UTC{})",
        l.pick("RECEIVED", "受信日時"),
        format_offset(db.utc_offset_minutes)
    );
    table(
        out,
        &[
            "ID",
            &received,
            l.pick("KIND", "種類"),
            l.pick("SERVICE", "サービス"),
            l.pick("SENDER", "送信者"),
            l.pick("PREVIEW", "本文"),
        ],
        &rows,
    );
    if let Some(c) = &page.next_cursor {
        outln!(out);
        if l.ja() {
            outln!(
                out,
                "続き: 同じ条件に --cursor {c} を付けると次のページを表示します。"
            );
        } else {
            outln!(
                out,
                "More: add --cursor {c} (with the same filters) for the next page."
            );
        }
    }
    Ok(())
}

fn show(db: &Db, r: &Record, l: Lang, out: &mut String) {
    let ja = l.ja();
    let off = db.utc_offset_minutes;
    let time = |ms: i64| format!("{} {}", format_time(ms, off, true), format_offset(off));
    let label = |en: &'static str, jp: &'static str| if ja { jp } else { en };
    let mut rows: Vec<(&str, String)> = vec![
        (label("id", "ID"), r.id.to_string()),
        (label("sender", "送信者"), safe_text(&r.sender)),
        (
            label("received", "受信日時"),
            if r.received_at_given {
                time(r.received_at)
            } else {
                format!(
                    "{} ({})",
                    time(r.received_at),
                    label("time of import: the source gave none", "取り込んだ時刻")
                )
            },
        ),
        (label("stored", "保存日時"), time(r.ingested_at)),
        (
            label("status", "状態"),
            format!(
                "{} ({} {})",
                lang::status(r.status, l),
                label("since", "更新"),
                time(r.status_at)
            ),
        ),
        (label("kind", "種類"), lang::kind(r.kind, l).to_string()),
        (
            label("service", "名乗っているサービス"),
            r.service.as_deref().unwrap_or("-").to_string(),
        ),
    ];
    if let Some(code) = &r.otp {
        rows.push((label("code", "認証コード"), safe_text(code)));
    }
    if !r.hosts.is_empty() {
        rows.push((label("hosts", "リンク先"), r.hosts.join(", ")));
    }
    lang::key_values(out, &rows);
    if !r.reasons.is_empty() {
        outln!(out);
        outln!(out, "{}", label("Why:", "理由:"));
        for reason in &r.reasons {
            let text = if ja { &reason.ja } else { &reason.en };
            outln!(out, "  - {} [{}]", safe_text(text), reason.code.as_str());
        }
    }
    outln!(out);
    outln!(out, "{}", label("Body:", "本文:"));
    for line in safe_text(&r.body).lines() {
        outln!(out, "{}", format!("  {line}").trim_end());
    }
}
