//! `smishgate check`: the classifier over JSON Lines, or one message for a person to read.
//!
//! The JSON Lines input is the one `scan` reads (`smishgate_core::import::parse_json_record`
//! parses both): a UTF-8 byte-order mark at the start is skipped, blank lines are skipped (they
//! still count for line numbers), an `id` comes back exactly as it was written, and a key given
//! twice makes the line bad. Each non-blank line gets exactly one output line, in order.

use clap::Args;
use serde::Serialize;
use serde_json::value::RawValue;
use smishgate_core::import::parse_json_record;
use smishgate_core::verdict::LinkReport;
use smishgate_core::{classify, Message, Options, Reason, Registry, RegistryFile, Verdict};
use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::common::Globals;
use crate::lang::{self, Lang};

/// Arguments of `smishgate check` (besides the global `--region`, `--lang` and `--json`).
#[derive(Args)]
pub struct CheckArgs {
    /// A registry file to merge over the default (repeatable, applied in order).
    #[arg(long = "registry", value_name = "FILE")]
    registries: Vec<PathBuf>,
    /// Start from an empty registry instead of the built-in one.
    #[arg(long)]
    no_default_registry: bool,
    /// Sender of one message to check (with --text): prints a readable verdict (with --json,
    /// its JSON line). Not with an INPUT file.
    #[arg(long, requires = "text", conflicts_with = "input")]
    from: Option<String>,
    /// Body of one message to check (with --from).
    #[arg(long, requires = "from", conflicts_with = "input")]
    text: Option<String>,
    /// JSON Lines input (stdin when absent or `-`).
    input: Option<PathBuf>,
}

/// Build the registry from the arguments, or say exactly what is wrong.
pub fn load_registry(
    files: &[PathBuf],
    no_default: bool,
    region: &str,
) -> Result<Registry, String> {
    // The common case, no user file: compile the built-in registry where it lies.
    if files.is_empty() && !no_default {
        return Registry::compile(RegistryFile::default_registry(), region)
            .map_err(|e| e.to_string());
    }
    let mut file = if no_default {
        RegistryFile {
            version: smishgate_core::registry::FORMAT_VERSION,
            ..RegistryFile::default()
        }
    } else {
        RegistryFile::default_registry().clone()
    };
    for path in files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read registry {}: {e}", path.display()))?;
        let user = RegistryFile::from_json_in(&text, region)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        file.merge(user);
    }
    Registry::compile(&file, region).map_err(|e| e.to_string())
}

#[derive(Serialize)]
struct Out<'a> {
    id: &'a RawValue,
    action: &'static str,
    kind: &'static str,
    service: Option<&'a str>,
    otp: Option<&'a str>,
    links: &'a [LinkReport],
    reasons: &'a [Reason],
}

impl<'a> Out<'a> {
    fn new(id: &'a RawValue, v: &'a Verdict) -> Out<'a> {
        Out {
            id,
            action: v.action.as_str(),
            kind: v.kind.as_str(),
            service: v.service.as_deref(),
            otp: v.otp.as_deref(),
            links: &v.links,
            reasons: &v.reasons,
        }
    }
}

#[derive(Serialize)]
struct ErrOut<'a> {
    id: &'a RawValue,
    error: String,
}

/// A line number as an id (it stands in for a missing one).
fn number_id(n: u64) -> Box<RawValue> {
    RawValue::from_string(n.to_string()).expect("a number is JSON")
}

/// Run `smishgate check` with the global options.
pub fn run(args: CheckArgs, g: &Globals) -> ExitCode {
    // The matchers build on the other core while the registry loads: start-up is the longer
    // of the two, not their sum. Detached: it only fills process-wide caches.
    std::thread::spawn(smishgate_core::warm_up);
    let started = std::time::Instant::now();
    let reg = match load_registry(&args.registries, args.no_default_registry, &g.region) {
        Ok(r) => {
            log::debug!(
                "check: registry of {} services ready in {} µs",
                r.services().len(),
                started.elapsed().as_micros()
            );
            r
        }
        Err(e) => {
            errln!("smishgate: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = Options::default();
    if let (Some(from), Some(text)) = (&args.from, &args.text) {
        let v = classify(
            &Message {
                sender: from,
                body: text,
                cut: false,
            },
            &reg,
            &opts,
        );
        let out = if g.json {
            // The line the JSON Lines input would give for this one message (id 1: the line
            // number that stands in for a missing id).
            let id = number_id(1);
            let mut line = serde_json::to_string(&Out::new(&id, &v)).expect("a verdict is JSON");
            line.push('\n');
            line
        } else {
            readable(&v, &g.lang)
        };
        // Not `print!`: it panics on a closed pipe, which must end the program quietly.
        return match crate::common::write_stdout(out.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(f) => {
                errln!("smishgate: {}", f.message);
                ExitCode::from(f.code)
            }
        };
    }
    let input: Box<dyn BufRead> = match args.input.as_deref() {
        None => Box::new(io::stdin().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(io::BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                errln!("smishgate: cannot read {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut bad: u64 = 0;
    let mut checked: u64 = 0;
    let mut line = Vec::new();
    let mut input = input;
    let mut n: u64 = 0;
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                errln!("smishgate: reading input: {e}");
                return ExitCode::from(2);
            }
        }
        n += 1;
        let mut raw = strip_newline(&line);
        if n == 1 {
            // A byte-order mark, as editors on Windows write it.
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        checked += 1;
        match check_line(raw, n, &reg, &opts, &mut out) {
            Ok(true) => {}
            Ok(false) => bad += 1,
            Err(e) => {
                // A closed pipe (`| head`) ends quietly; anything else is reported.
                if !crate::common::is_closed_pipe(&e) {
                    errln!("smishgate: writing output: {e}");
                    return ExitCode::from(2);
                }
                // Nobody reads the rest: stop, with the status of what was read.
                break;
            }
        }
    }
    if let Err(e) = out.flush() {
        if !crate::common::is_closed_pipe(&e) {
            errln!("smishgate: writing output: {e}");
            return ExitCode::from(2);
        }
    }
    log::info!(
        "check: done in {} ms; lines judged: {checked}, bad: {bad}",
        started.elapsed().as_millis()
    );
    if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The verdict of one message for a person to read: the core's explanation, then its links.
fn readable(v: &Verdict, lang: &str) -> String {
    let l = Lang::of(lang);
    let mut text = v.explain(lang);
    if l.ja() {
        // The core's first line ends with the kind's id, `(impersonation)`, in both languages;
        // readable Japanese output names the kind in Japanese.
        let id = format!(" ({})\n", v.kind.as_str());
        if let Some(end) = text.find('\n') {
            if text[..=end].ends_with(&id) {
                let at = end + 1 - id.len();
                text.replace_range(at..=end, &format!("（{}）\n", lang::kind(v.kind, l)));
            }
        }
    }
    for link in &v.links {
        let eff = link.link.effective();
        let host = eff.host_unicode.as_deref().unwrap_or(&eff.host);
        text += &format!("  {}: {host}", l.pick("link", "リンク"));
        if let Some(o) = &link.official_for {
            text += &match l {
                Lang::En => format!(" (official: {o})"),
                Lang::Ja => format!("（{o} の公式ドメイン）"),
            };
        }
        if let Some(look) = &link.lookalike {
            text += &match l {
                Lang::En => format!(" (imitates {})", look.imitates),
                Lang::Ja => format!("（{} に似せたドメイン）", look.imitates),
            };
        }
        text.push('\n');
    }
    text
}

/// Classify one non-blank input line and write its output line. `Ok(false)` when the line was
/// bad.
fn check_line(
    raw: &[u8],
    n: u64,
    reg: &Registry,
    opts: &Options,
    out: &mut impl Write,
) -> io::Result<bool> {
    let record = parse_json_record(raw);
    let line_no;
    let id = match record.id {
        Some(id) => id,
        None => {
            line_no = number_id(n);
            &line_no
        }
    };
    match record.sms {
        Ok(sms) => {
            let v = classify(
                &Message {
                    sender: &sms.sender,
                    body: &sms.body,
                    cut: false,
                },
                reg,
                opts,
            );
            serde_json::to_writer(&mut *out, &Out::new(id, &v))?;
            out.write_all(b"\n")?;
            Ok(true)
        }
        Err(message) => {
            let error = format!("line {n}: {message}");
            serde_json::to_writer(&mut *out, &ErrOut { id, error })?;
            out.write_all(b"\n")?;
            Ok(false)
        }
    }
}

fn strip_newline(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}
