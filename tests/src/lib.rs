//! Shared helpers for the cross-crate tests: the fixture tables under `tests/fixtures/` and the
//! public corpora under `../shared/data/`, and the seeded generator the randomised storage
//! tests share.

use serde::Deserialize;
use smishgate_core::{Registry, RegistryFile};
use std::path::{Path, PathBuf};

/// One row of a fixture table: a message and the verdict it must get.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Row id (`ja-001`).
    pub id: String,
    /// Sender as received.
    pub sender: String,
    /// Body.
    pub body: String,
    /// Expected action.
    pub action: String,
    /// Expected kind.
    pub kind: String,
    /// Expected claimed service id.
    pub service: Option<String>,
    /// Expected code.
    pub otp: Option<String>,
    /// The rule the row tests.
    pub why: String,
}

/// A row of the public corpora.
#[derive(Debug, Clone, Deserialize)]
pub struct CorpusRow {
    /// Row id.
    pub id: String,
    /// Sender (always null in these sets).
    pub sender: Option<String>,
    /// Body.
    pub body: String,
    /// ham, spam or smishing (absent in the real-ham table: ham).
    #[serde(default = "ham")]
    pub label: String,
}

fn ham() -> String {
    "ham".into()
}

/// The `tests/` directory of the workspace.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// `../shared/data` beside the workspace, if present.
pub fn shared_data() -> Option<PathBuf> {
    let p = tests_dir().join("../../shared/data");
    p.is_dir().then(|| p.canonicalize().unwrap_or(p))
}

/// Read a JSON Lines file of `T`.
pub fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Vec<T> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// The fixture tables (`tests/fixtures/*.jsonl`), each with the registry it is written against:
/// the default plus its own user file (`user_registry_<table>.json`, or for `<name>_ja` and
/// `<name>_en` tables the shared `user_registry_<name>.json`). Tables are independent: one
/// table's user file never changes another's expectations.
pub fn fixture_tables() -> Vec<(String, Registry, Vec<Fixture>)> {
    let dir = tests_dir().join("fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let stem = f
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let base = stem
                .trim_end_matches("_ja")
                .trim_end_matches("_en")
                .to_string();
            let mut file = RegistryFile::default_registry().clone();
            for name in [
                format!("user_registry_{stem}.json"),
                format!("user_registry_{base}.json"),
            ] {
                let u = dir.join(&name);
                if u.exists() {
                    let text = std::fs::read_to_string(&u).expect("user registry");
                    let user = RegistryFile::from_json(&text)
                        .unwrap_or_else(|e| panic!("{}: {e}", u.display()));
                    file.merge(user);
                    break;
                }
            }
            let reg = Registry::compile(&file, "JP").expect("fixture registry compiles");
            (stem, reg, read_jsonl::<Fixture>(&f))
        })
        .collect()
}

pub mod score;

/// A small xorshift generator for the randomised storage tests, seeded from the environment
/// variable `var` when set, else from the clock; the seed is printed (`VAR=…`) so that a failing
/// run can be replayed.
pub struct Rng(u64);

impl Rng {
    /// Seeded from `var` or the clock; prints the seed.
    pub fn seeded(var: &str) -> Rng {
        let seed = std::env::var(var)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        println!("{var}={seed}");
        Rng(seed)
    }

    /// The next number.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}
