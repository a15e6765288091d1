//! `smishgate check`: the classifier over JSON Lines, or one message for a person to read.

use clap::Args;
use serde::Serialize;
use serde_json::Value;
use smishgate_core::verdict::LinkReport;
use smishgate_core::{classify, timestamp, Message, Options, Reason, Registry, RegistryFile};
use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `smishgate check` (besides the global `--region` and `--lang`).
#[derive(Args)]
pub struct CheckArgs {
    /// A registry file to merge over the default (repeatable, applied in order).
    #[arg(long = "registry", value_name = "FILE")]
    registries: Vec<PathBuf>,
    /// Start from an empty registry instead of the built-in one.
    #[arg(long)]
    no_default_registry: bool,
    /// Sender of one message to check (with --text): prints a readable verdict.
    #[arg(long, requires = "text")]
    from: Option<String>,
    /// Body of one message to check (with --from).
    #[arg(long, requires = "from")]
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
    id: &'a Value,
    action: &'static str,
    kind: &'static str,
    service: Option<&'a str>,
    otp: Option<&'a str>,
    links: &'a [LinkReport],
    reasons: &'a [Reason],
}

#[derive(Serialize)]
struct ErrOut<'a> {
    id: &'a Value,
    error: String,
}

/// Run `smishgate check` with the global `--region` and `--lang`.
pub fn run(args: CheckArgs, region: &str, lang: &str) -> ExitCode {
    // The matchers build on the other core while the registry loads: start-up is the longer
    // of the two, not their sum. Detached: it only fills process-wide caches.
    std::thread::spawn(smishgate_core::warm_up);
    let reg = match load_registry(&args.registries, args.no_default_registry, region) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("smishgate: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = Options::default();
    if let (Some(from), Some(text)) = (&args.from, &args.text) {
        let v = classify(
            &Message {
                sender: from,
                body: text,
            },
            &reg,
            &opts,
        );
        print!("{}", v.explain(lang));
        for l in &v.links {
            let eff = l.link.effective();
            let mut line = format!(
                "  link: {}",
                eff.host_unicode.as_deref().unwrap_or(&eff.host)
            );
            if let Some(o) = &l.official_for {
                line += &format!(" (official: {o})");
            }
            if let Some(look) = &l.lookalike {
                line += &format!(" (imitates {})", look.imitates);
            }
            println!("{line}");
        }
        return ExitCode::SUCCESS;
    }
    let input: Box<dyn BufRead> = match args.input.as_deref() {
        None => Box::new(io::stdin().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(io::BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                eprintln!("smishgate: cannot read {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut bad = false;
    let mut line = Vec::new();
    let mut input = input;
    let mut n: u64 = 0;
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("smishgate: reading input: {e}");
                return ExitCode::from(2);
            }
        }
        n += 1;
        let result = check_line(&line, n, &reg, &opts, &mut out);
        match result {
            Ok(true) => {}
            Ok(false) => bad = true,
            Err(e) => {
                // Broken pipe (`| head`) ends quietly; anything else is reported.
                if e.kind() != io::ErrorKind::BrokenPipe {
                    eprintln!("smishgate: writing output: {e}");
                    return ExitCode::from(2);
                }
                return ExitCode::SUCCESS;
            }
        }
    }
    if let Err(e) = out.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("smishgate: writing output: {e}");
            return ExitCode::from(2);
        }
    }
    if bad {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Classify one input line and write its output line. `Ok(false)` when the line was bad.
fn check_line(
    raw: &[u8],
    n: u64,
    reg: &Registry,
    opts: &Options,
    out: &mut impl Write,
) -> io::Result<bool> {
    let line_no = Value::from(n);
    let raw = strip_newline(raw);
    let fail = |out: &mut dyn Write, id: &Value, error: String| -> io::Result<bool> {
        serde_json::to_writer(&mut *out, &ErrOut { id, error })?;
        out.write_all(b"\n")?;
        Ok(false)
    };
    let text = match std::str::from_utf8(raw) {
        Ok(t) => t,
        Err(e) => return fail(out, &line_no, format!("line {n} is not UTF-8: {e}")),
    };
    if text.trim().is_empty() {
        return fail(out, &line_no, format!("line {n} is empty"));
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return fail(out, &line_no, format!("line {n} is not JSON: {e}")),
    };
    let Some(obj) = value.as_object() else {
        return fail(out, &line_no, format!("line {n} is not a JSON object"));
    };
    let id = match obj.get("id") {
        None | Some(Value::Null) => &line_no,
        Some(v @ (Value::String(_) | Value::Number(_))) => v,
        Some(_) => {
            return fail(
                out,
                &line_no,
                "field `id` must be a string or a number".into(),
            )
        }
    };
    let sender = match obj.get("sender") {
        Some(Value::String(s)) => s.as_str(),
        None | Some(Value::Null) => {
            return fail(out, id, "missing field `sender` (a string)".into())
        }
        Some(_) => return fail(out, id, "field `sender` must be a string".into()),
    };
    let body = match obj.get("body") {
        Some(Value::String(s)) => s.as_str(),
        None | Some(Value::Null) => return fail(out, id, "missing field `body` (a string)".into()),
        Some(_) => return fail(out, id, "field `body` must be a string".into()),
    };
    match obj.get("received_at") {
        None | Some(Value::Null) => {}
        Some(Value::Number(x)) if x.as_i64().is_some_and(|v| v >= 0) => {}
        Some(Value::String(s)) => {
            if let Err(e) = timestamp::parse_rfc3339(s) {
                return fail(out, id, format!("field `received_at`: {e}"));
            }
        }
        Some(_) => {
            return fail(
                out,
                id,
                "field `received_at` must be RFC 3339 text or epoch milliseconds".into(),
            )
        }
    }
    let v = classify(&Message { sender, body }, reg, opts);
    serde_json::to_writer(
        &mut *out,
        &Out {
            id,
            action: v.action.as_str(),
            kind: v.kind.as_str(),
            service: v.service.as_deref(),
            otp: v.otp.as_deref(),
            links: &v.links,
            reasons: &v.reasons,
        },
    )?;
    out.write_all(b"\n")?;
    Ok(true)
}

fn strip_newline(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}
