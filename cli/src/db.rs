//! `smishgate db check` and `smishgate db salvage --to DIR`: what to do when the database
//! says it is damaged. `check` tells what can still be read (by the storage engine, by the
//! journal beside it) without changing anything; `salvage` writes all of it into a new
//! database and leaves the damaged one as it was, for the user to replace once satisfied.

use crate::common::{db_path, json, CmdResult, Failure, Globals};
use crate::lang::Lang;
use clap::{Args, Subcommand};
use smishgate_core::{Check, Gateway, GatewayOptions};
use std::path::PathBuf;

/// `smishgate db …`.
#[derive(Args, Debug)]
pub struct DbArgs {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(Subcommand, Debug)]
enum DbCommand {
    /// Tell what can be read of the database, damaged or not (nothing is changed). Exit 0
    /// when it is whole, 2 when something is damaged.
    Check,
    /// Copy every record that can still be read, the registry changes and the blocked
    /// senders into a new database (the damaged one is left as it is).
    Salvage {
        /// The new database's directory: it must not exist or be empty.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
}

/// Run a `db` command.
pub fn run(args: DbArgs, g: &Globals, out: &mut String) -> CmdResult {
    let path = db_path(g)?;
    let opts = GatewayOptions::for_region(&g.region);
    let l = Lang::of(&g.lang);
    match args.command {
        DbCommand::Check => {
            let c = Gateway::check(&path, &opts)?;
            if g.json {
                json(out, &c)?;
            } else {
                describe(&c, l, out);
            }
            if c.healthy() {
                if !g.json {
                    outln!(
                        out,
                        "{}",
                        l.pick(
                            "Whole: nothing is damaged.",
                            "異常なし: 壊れたところはありません。"
                        )
                    );
                }
                Ok(())
            } else {
                Err(Failure::fatal(format!(
                    "the database {} is damaged; `smishgate --db {} db salvage --to NEW_DIR` recovers what is readable",
                    path.display(),
                    path.display()
                )))
            }
        }
        DbCommand::Salvage { to } => {
            let s = Gateway::salvage(&path, &to, opts)?;
            if g.json {
                return json(out, &s);
            }
            describe(&s.check, l, out);
            outln!(out);
            if l.ja() {
                outln!(
                    out,
                    "{} 件のメッセージを新しいデータベース {} に復旧しました{}。",
                    s.records,
                    to.display(),
                    if s.registry_changes {
                        format!(
                            "(登録の変更も: サービス {} 件、拒否した送信元 {} 件)",
                            s.services, s.blocked
                        )
                    } else {
                        String::new()
                    }
                );
                outln!(
                    out,
                    "元のデータベース {} は変更していません。新しい方を確かめてから --db {} で使うか、元の場所に置き換えてください。",
                    path.display(),
                    to.display()
                );
            } else {
                outln!(
                    out,
                    "Salvaged {} {} into the new database {}{}.",
                    s.records,
                    plural(s.records, "message", "messages"),
                    to.display(),
                    if s.registry_changes {
                        format!(
                            ", with the registry changes ({} {}, {} blocked {})",
                            s.services,
                            plural(s.services as u64, "service", "services"),
                            s.blocked,
                            plural(s.blocked as u64, "sender", "senders")
                        )
                    } else {
                        String::new()
                    }
                );
                outln!(
                    out,
                    "The damaged database {} is unchanged: check the new one, then use it with --db {} or move it into the old one's place.",
                    path.display(),
                    to.display()
                );
            }
            Ok(())
        }
    }
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The check as readable lines.
fn describe(c: &Check, l: Lang, out: &mut String) {
    let ja = l.ja();
    match &c.damage {
        None => outln!(out, "{}", l.pick("Opens: yes", "開けるか: はい")),
        Some(why) => outln!(out, "{} {why}", l.pick("Opens: no:", "開けるか: いいえ:")),
    }
    match &c.engine_unopenable {
        Some(why) => outln!(
            out,
            "{} {why}",
            l.pick(
                "Storage engine: its files cannot be read at all:",
                "ストレージエンジン: ファイルをまったく読めません:"
            )
        ),
        None => {
            let mut notes = Vec::new();
            if c.engine_unreadable > 0 {
                notes.push(if ja {
                    format!("{} 件は壊れていて読めません", c.engine_unreadable)
                } else {
                    format!("{} could not be decoded", c.engine_unreadable)
                });
            }
            if c.engine_stopped {
                notes.push(
                    l.pick(
                        "reading stopped at a damaged page",
                        "壊れたページで読み取りが止まりました",
                    )
                    .to_string(),
                );
            }
            if c.engine_other_damage {
                notes.push(
                    l.pick(
                        "its indices or counters are damaged",
                        "索引または集計が壊れています",
                    )
                    .to_string(),
                );
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join("; "))
            };
            if ja {
                outln!(
                    out,
                    "ストレージエンジン: {} 件のメッセージ{notes}",
                    c.engine_records
                );
            } else {
                outln!(
                    out,
                    "Storage engine: {} {}{notes}",
                    c.engine_records,
                    plural(c.engine_records, "message", "messages")
                );
            }
        }
    }
    if !c.journal_found {
        outln!(
            out,
            "{}",
            l.pick("Journal: missing", "ジャーナル: ありません")
        );
    } else if ja {
        outln!(
            out,
            "ジャーナル: {} 件の記録、壊れた区間 {} か所({} バイト)",
            c.journal_frames,
            c.journal_damaged_stretches,
            c.journal_damaged_bytes
        );
    } else {
        outln!(
            out,
            "Journal: {} {}, {} damaged {} ({} bytes)",
            c.journal_frames,
            plural(c.journal_frames, "entry", "entries"),
            c.journal_damaged_stretches,
            plural(c.journal_damaged_stretches, "stretch", "stretches"),
            c.journal_damaged_bytes
        );
    }
    if ja {
        outln!(
            out,
            "復旧できるもの: {} 件のメッセージ(ジャーナルだけにあるもの {} 件、エンジンだけにあるもの {} 件){}",
            c.recoverable,
            c.only_in_journal,
            c.only_in_engine,
            if c.registry_changes {
                "と登録の変更"
            } else {
                ""
            }
        );
    } else {
        outln!(
            out,
            "Recoverable: {} {} ({} only in the journal, {} only in the engine){}",
            c.recoverable,
            plural(c.recoverable, "message", "messages"),
            c.only_in_journal,
            c.only_in_engine,
            if c.registry_changes {
                ", and the registry changes"
            } else {
                ""
            }
        );
    }
}
