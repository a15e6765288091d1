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
    let gw = &db.gw;
    match args.command {
        ServicesCommand::List => {
            let file = gw.registry_file();
            if g.json {
                return json(out, &file.services);
            }
            list(&file, out);
            Ok(())
        }
        ServicesCommand::Show { id } => {
            let spec = gw.service(&id)?;
            if g.json {
                json(out, &spec)
            } else {
                show(&spec, out);
                Ok(())
            }
        }
        ServicesCommand::Add(f) => {
            blank_name(Some(&f.name))?;
            let id = f.id.clone();
            gw.add_service(f.rest.spec(f.id, f.name))?;
            changed(&db, &id, "Added", g, out)
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
            changed(&db, &id, "Updated", g, out)
        }
        ServicesCommand::Remove { id } => {
            gw.remove_service(&id)?;
            if g.json {
                json(out, &serde_json::json!({ "removed": id }))
            } else {
                outln!(out, "Removed service {id}.");
                Ok(())
            }
        }
        ServicesCommand::AddSender { id, sender } => {
            gw.add_sender(&id, &sender)?;
            changed(&db, &id, "Registered the sender for", g, out)
        }
        ServicesCommand::Block { sender } => {
            gw.block_sender(&sender)?;
            if g.json {
                json(out, &serde_json::json!({ "blocked": gw.blocked_senders() }))
            } else {
                outln!(
                    out,
                    "Blocked {}: its messages will be quarantined.",
                    crate::common::safe_text(&sender)
                );
                Ok(())
            }
        }
        ServicesCommand::Unblock { sender } => {
            if !gw.unblock_sender(&sender)? {
                return Err(Failure::missing(format!(
                    "{} is not blocked (see `smishgate services blocked`)",
                    crate::common::safe_text(&sender)
                )));
            }
            if g.json {
                json(out, &serde_json::json!({ "blocked": gw.blocked_senders() }))
            } else {
                outln!(out, "Unblocked {}.", crate::common::safe_text(&sender));
                Ok(())
            }
        }
        ServicesCommand::Blocked => {
            let blocked = gw.blocked_senders();
            if g.json {
                return json(out, &blocked);
            }
            if blocked.is_empty() {
                outln!(out, "No sender is blocked.");
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
                        outln!(out, "Wrote the registry to {}.", path.display());
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
                outln!(
                    out,
                    "Registry reset to the built-in one ({n} services, no sender blocked)."
                );
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

/// After a change to one service: print it (`--json`) or one line.
fn changed(db: &Db, id: &str, what: &str, g: &Globals, out: &mut String) -> CmdResult {
    let spec = db.gw.service(id)?;
    if g.json {
        return json(out, &spec);
    }
    outln!(out, "{what} {id}.");
    Ok(())
}

fn links_name(p: Option<LinkPolicy>) -> &'static str {
    match p.unwrap_or(LinkPolicy::Official) {
        LinkPolicy::Never => "never",
        LinkPolicy::Official => "official",
    }
}

fn list(file: &RegistryFile, out: &mut String) {
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
                links_name(s.links).to_string(),
                s.senders.len().to_string(),
                domains,
            ]
        })
        .collect();
    table(out, &["ID", "NAME", "LINKS", "SENDERS", "DOMAINS"], &rows);
    outln!(out);
    outln!(
        out,
        "{} services; {} sender{} blocked.",
        services.len(),
        file.blocked.len(),
        if file.blocked.len() == 1 { "" } else { "s" }
    );
}

fn show(s: &ServiceSpec, out: &mut String) {
    let safe = crate::common::safe_text;
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.iter().map(|x| safe(x)).collect::<Vec<_>>().join(", ")
        }
    };
    outln!(out, "id        {}", s.id);
    outln!(
        out,
        "name      {}",
        if s.name.is_empty() {
            "-".into()
        } else {
            safe(&s.name)
        }
    );
    outln!(out, "links     {}", links_name(s.links));
    outln!(out, "aliases   {}", list(&s.aliases));
    outln!(out, "senders   {}", list(&s.senders));
    outln!(out, "domains   {}", list(&s.domains));
    if let Some(c) = &s.category {
        outln!(out, "category  {}", safe(c));
    }
    if let Some(r) = &s.region {
        outln!(out, "region    {}", safe(r));
    }
    if let Some(n) = &s.note {
        outln!(out, "note      {}", safe(n));
    }
    for src in &s.sources {
        outln!(out, "source    {}", safe(src));
    }
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
