//! `smishgate services …`: the user's registry — which services text the user, from which
//! senders, with links to which domains — and the blocked senders.
//!
//! What the user changes is kept in the database as an overlay over the built-in registry, so
//! that a newer smishgate's brands still arrive: `add` creates a service, `update` replaces the
//! user's entry of one (for a built-in service, what extends it: the built-in aliases, senders
//! and domains stay), `remove` hides one, `reset` drops every change. `import` and `export` use
//! the registry file format of `smishgate check --registry`. Every change is validated before
//! it is written: a bad entry or file changes nothing.

use crate::common::{json, open_db, table, CmdResult, Db, Failure, Globals};
use crate::lang::{self, Lang};
use clap::{Args, Subcommand, ValueEnum};
use smishgate_core::{LinkPolicy, RegistryFile, ServiceSpec};
use std::io::Read;
use std::path::PathBuf;

/// Arguments of `smishgate services`.
#[derive(Args, Debug)]
pub struct ServicesArgs {
    #[command(subcommand)]
    command: ServicesCommand,
}

#[derive(Subcommand, Debug)]
enum ServicesCommand {
    /// Every service of the effective registry (built-in plus your changes).
    List,
    /// One service in full.
    Show {
        /// Service id.
        id: String,
    },
    /// Add a service of your own.
    Add(ServiceFlags),
    /// Replace your entry of a service (for a built-in one, what extends it).
    Update(UpdateFlags),
    /// Remove a service (a built-in one is hidden until `reset`).
    Remove {
        /// Service id.
        id: String,
    },
    /// Register a sender (number, short code or sender ID) for a service.
    AddSender {
        /// Service id.
        id: String,
        /// The sender as it appears on the phone.
        sender: String,
    },
    /// Block a sender: its messages are quarantined whatever they say.
    Block {
        /// The sender.
        sender: String,
    },
    /// Unblock a sender (however it was written when blocked).
    Unblock {
        /// The sender.
        sender: String,
    },
    /// The senders you blocked.
    Blocked,
    /// Merge a registry file (the `check --registry` format) over your changes.
    Import {
        /// The file; `-` for stdin.
        file: PathBuf,
        /// Drop your earlier changes (blocked senders included) first.
        #[arg(long)]
        replace: bool,
    },
    /// Write the effective registry in the registry file format.
    Export {
        /// Where [default: stdout].
        file: Option<PathBuf>,
    },
    /// Drop every change you made (blocked senders included): back to the built-in registry.
    Reset,
}

/// What links a service's SMS may carry.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Links {
    /// Never any link: codes and notices only.
    Never,
    /// Links to its own domains only.
    Official,
}

impl From<Links> for LinkPolicy {
    fn from(l: Links) -> LinkPolicy {
        match l {
            Links::Never => LinkPolicy::Never,
            Links::Official => LinkPolicy::Official,
        }
    }
}

#[derive(Args, Debug)]
struct ServiceFlags {
    /// Service id: lowercase ASCII letters, digits, `-`, `_`.
    id: String,
    /// The name shown to you.
    #[arg(long)]
    name: String,
    #[command(flatten)]
    rest: SpecFlags,
}

#[derive(Args, Debug)]
struct UpdateFlags {
    /// Service id.
    id: String,
    /// The name shown to you [default: a built-in service keeps its name; your own service
    /// keeps the name it had].
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    rest: SpecFlags,
}

#[derive(Args, Debug)]
struct SpecFlags {
    /// A name messages use for the service (repeatable).
    #[arg(long = "alias", value_name = "A")]
    aliases: Vec<String>,
    /// A sender it texts from: number, short code or sender ID (repeatable).
    #[arg(long = "sender", value_name = "S")]
    senders: Vec<String>,
    /// An official domain; its subdomains count (repeatable).
    #[arg(long = "domain", value_name = "D")]
    domains: Vec<String>,
    /// What links its messages may carry [default: official, or the built-in policy].
    #[arg(long, value_enum)]
    links: Option<Links>,
}

impl SpecFlags {
    fn spec(self, id: String, name: String) -> ServiceSpec {
        ServiceSpec {
            id,
            name,
            aliases: self.aliases,
            senders: self.senders,
            domains: self.domains,
            links: self.links.map(LinkPolicy::from),
            category: None,
            region: None,
            sources: Vec::new(),
            note: None,
        }
    }
}

/// Run `smishgate services …`.
pub fn run(args: ServicesArgs, g: &Globals, out: &mut String) -> CmdResult {
    let db = open_db(g)?;
    log::debug!("services: database {} open", db.path.display());
    let gw = &db.gw;
    let l = Lang::of(&g.lang);
    match args.command {
        ServicesCommand::List => {
            let file = gw.registry_file();
            if g.json {
                return json(out, &file.services);
            }
            list(&file, l, out);
            Ok(())
        }
        ServicesCommand::Show { id } => {
            let spec = gw.service(&id)?;
            if g.json {
                json(out, &spec)
            } else {
                show(&spec, l, out);
                Ok(())
            }
        }
        ServicesCommand::Add(f) => {
            blank_name(Some(&f.name))?;
            let id = f.id.clone();
            gw.add_service(f.rest.spec(f.id, f.name))?;
            changed(&db, &id, Change::Added, g, out)
        }
        ServicesCommand::Update(f) => {
            blank_name(f.name.as_deref())?;
            let built_in = RegistryFile::default_registry()
                .services
                .iter()
                .any(|s| s.id == f.id);
            let name = match f.name {
                Some(n) => n,
                // Your own service: its entry is the whole service, keep its name.
                None if !built_in => gw.service(&f.id)?.name,
                None => String::new(),
            };
            let id = f.id.clone();
            gw.update_service(f.rest.spec(f.id, name))?;
            changed(&db, &id, Change::Updated, g, out)
        }
        ServicesCommand::Remove { id } => {
            gw.remove_service(&id)?;
            if g.json {
                json(out, &serde_json::json!({ "removed": id }))
            } else {
                if l.ja() {
                    outln!(out, "サービス {id} を削除しました。");
                } else {
                    outln!(out, "Removed service {id}.");
                }
                Ok(())
            }
        }
        ServicesCommand::AddSender { id, sender } => {
            gw.add_sender(&id, &sender)?;
            changed(&db, &id, Change::Sender, g, out)
        }
        ServicesCommand::Block { sender } => {
            gw.block_sender(&sender)?;
            if g.json {
                json(out, &serde_json::json!({ "blocked": gw.blocked_senders() }))
            } else {
                let sender = crate::common::safe_text(&sender);
                if l.ja() {
                    outln!(
                        out,
                        "{sender} を拒否しました。今後のメッセージは隔離されます。"
                    );
                } else {
                    outln!(out, "Blocked {sender}: its messages will be quarantined.");
                }
                Ok(())
            }
        }
        ServicesCommand::Unblock { sender } => {
            if !gw.unblock_sender(&sender)? {
                // The number is not repeated: errors name the problem, never a number.
                return Err(Failure::missing(
                    "this sender is not blocked (see `smishgate services blocked`)".to_string(),
                ));
            }
            if g.json {
                json(out, &serde_json::json!({ "blocked": gw.blocked_senders() }))
            } else {
                let sender = crate::common::safe_text(&sender);
                if l.ja() {
                    outln!(out, "{sender} の拒否を解除しました。");
                } else {
                    outln!(out, "Unblocked {sender}.");
                }
                Ok(())
            }
        }
        ServicesCommand::Blocked => {
            let blocked = gw.blocked_senders();
            if g.json {
                return json(out, &blocked);
            }
            if blocked.is_empty() {
                outln!(
                    out,
                    "{}",
                    l.pick("No sender is blocked.", "拒否中の送信者はいません。")
                );
            }
            for b in &blocked {
                outln!(out, "{}", crate::common::safe_text(b));
            }
            Ok(())
        }
        ServicesCommand::Import { file, replace } => {
            let text = read_text(&file)?;
            let name = if file.as_os_str() == "-" {
                "stdin".to_string()
            } else {
                file.display().to_string()
            };
            let n = gw
                .import_registry(&text, replace)
                .map_err(|e| Failure::fatal(format!("{name}: {e}; nothing was changed")))?;
            if g.json {
                json(
                    out,
                    &serde_json::json!({ "imported": n, "replaced": replace }),
                )
            } else {
                if l.ja() {
                    outln!(
                        out,
                        "{name} からサービス {n} 件を取り込みました{}。",
                        if replace {
                            "（これまでの変更は置き換えました）"
                        } else {
                            ""
                        }
                    );
                } else {
                    outln!(
                        out,
                        "Imported {n} service{} from {name}{}.",
                        if n == 1 { "" } else { "s" },
                        if replace {
                            ", replacing your earlier changes"
                        } else {
                            ""
                        }
                    );
                }
                Ok(())
            }
        }
        ServicesCommand::Export { file } => {
            let mut text = gw.export_registry();
            text.push('\n');
            match file {
                None => {
                    out.push_str(&text);
                    Ok(())
                }
                Some(path) => {
                    write_file(&path, &text)?;
                    if g.json {
                        json(out, &serde_json::json!({ "written": path }))
                    } else {
                        if l.ja() {
                            outln!(out, "登録情報を {} に書き出しました。", path.display());
                        } else {
                            outln!(out, "Wrote the registry to {}.", path.display());
                        }
                        Ok(())
                    }
                }
            }
        }
        ServicesCommand::Reset => {
            gw.reset_registry()?;
            let n = gw.registry_file().services.len();
            if g.json {
                json(out, &serde_json::json!({ "services": n }))
            } else {
                if l.ja() {
                    outln!(
                        out,
                        "登録情報を組み込みの状態に戻しました（サービス {n} 件、拒否中の送信者なし）。"
                    );
                } else {
                    outln!(
                        out,
                        "Registry reset to the built-in one ({n} services, no sender blocked)."
                    );
                }
                Ok(())
            }
        }
    }
}

/// A `--name` given blank (`--name ""`) is refused here: in the core an empty name means
/// "show the id" or "keep the built-in name", which is not what was typed.
fn blank_name(name: Option<&str>) -> CmdResult {
    match name {
        Some(n) if n.trim().is_empty() => Err(Failure::fatal(format!(
            "--name {n:?} is blank: give the name shown to you"
        ))),
        _ => Ok(()),
    }
}

/// What was done to a service.
enum Change {
    Added,
    Updated,
    Sender,
}

/// After a change to one service: print it (`--json`) or one line.
fn changed(db: &Db, id: &str, what: Change, g: &Globals, out: &mut String) -> CmdResult {
    let spec = db.gw.service(id)?;
    if g.json {
        return json(out, &spec);
    }
    let line = match (what, Lang::of(&g.lang)) {
        (Change::Added, Lang::En) => format!("Added {id}."),
        (Change::Updated, Lang::En) => format!("Updated {id}."),
        (Change::Sender, Lang::En) => format!("Registered the sender for {id}."),
        (Change::Added, Lang::Ja) => format!("サービス {id} を追加しました。"),
        (Change::Updated, Lang::Ja) => format!("サービス {id} を更新しました。"),
        (Change::Sender, Lang::Ja) => format!("サービス {id} に送信元を登録しました。"),
    };
    outln!(out, "{line}");
    Ok(())
}

fn list(file: &RegistryFile, l: Lang, out: &mut String) {
    let mut services: Vec<&ServiceSpec> = file.services.iter().collect();
    services.sort_by(|a, b| a.id.cmp(&b.id));
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|s| {
            let mut domains = s
                .domains
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if s.domains.len() > 3 {
                domains += &format!(" +{}", s.domains.len() - 3);
            }
            vec![
                s.id.clone(),
                crate::common::one_line(&s.name, 24),
                lang::links(s.links, l).to_string(),
                s.senders.len().to_string(),
                domains,
            ]
        })
        .collect();
    table(
        out,
        &[
            "ID",
            l.pick("NAME", "名前"),
            l.pick("LINKS", "リンク"),
            l.pick("SENDERS", "送信元"),
            l.pick("DOMAINS", "ドメイン"),
        ],
        &rows,
    );
    outln!(out);
    if l.ja() {
        outln!(
            out,
            "サービス {} 件、拒否中の送信者 {} 件。",
            services.len(),
            file.blocked.len()
        );
    } else {
        outln!(
            out,
            "{} services; {} sender{} blocked.",
            services.len(),
            file.blocked.len(),
            if file.blocked.len() == 1 { "" } else { "s" }
        );
    }
}

fn show(s: &ServiceSpec, l: Lang, out: &mut String) {
    let safe = crate::common::safe_text;
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.iter().map(|x| safe(x)).collect::<Vec<_>>().join(", ")
        }
    };
    let mut rows: Vec<(&str, String)> = vec![
        (l.pick("id", "ID"), s.id.clone()),
        (
            l.pick("name", "名前"),
            if s.name.is_empty() {
                "-".into()
            } else {
                safe(&s.name)
            },
        ),
        (
            l.pick("links", "リンク"),
            lang::links(s.links, l).to_string(),
        ),
        (l.pick("aliases", "別名"), list(&s.aliases)),
        (l.pick("senders", "送信元"), list(&s.senders)),
        (l.pick("domains", "ドメイン"), list(&s.domains)),
    ];
    if let Some(c) = &s.category {
        rows.push((l.pick("category", "分類"), safe(c)));
    }
    if let Some(r) = &s.region {
        rows.push((l.pick("region", "地域"), safe(r)));
    }
    if let Some(n) = &s.note {
        rows.push((l.pick("note", "メモ"), safe(n)));
    }
    for src in &s.sources {
        rows.push((l.pick("source", "出典"), safe(src)));
    }
    lang::key_values(out, &rows);
}

fn read_text(path: &PathBuf) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let name = path.display();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::fatal(format!("cannot read stdin: {e}")))?;
    } else {
        bytes =
            std::fs::read(path).map_err(|e| Failure::fatal(format!("cannot read {name}: {e}")))?;
    }
    String::from_utf8(bytes).map_err(|_| Failure::fatal(format!("{name} is not UTF-8 text")))
}

/// Write through a temporary file in the same directory, so that a failure leaves any earlier
/// file whole.
fn write_file(path: &PathBuf, text: &str) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::fatal(format!("cannot write {}: {e}", path.display()));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| Failure::fatal(format!("{} is not a file name", path.display())))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    std::fs::write(&tmp, text).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}
