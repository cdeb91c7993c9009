//! The fuzz targets on stable Rust, bounded: every input in `fuzz/corpus/<target>/` (the seeds and
//! every input cargo fuzz ever found failing), the bundled lessons and the real captures in
//! `../shared/reference`, each also mutated a few hundred times with a fixed seed. The same entry
//! points run unbounded under `cargo +nightly fuzz run <target>` (see fuzz/README.md).

use crate::support::spec_check::shared_root;
use nibble::fuzzing;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Mutations of each seed: enough to walk every decoder's error paths, a second or two in all.
const MUTATIONS: usize = 300;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    assert!(!seeds.is_empty(), "{} holds no seeds", dir.display());
    seeds
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out.sort();
}

/// A small deterministic generator (xorshift64*): the same mutations on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that reach the corners of the formats: TOML and JSON syntax, payload separators, numbers
/// at the edges, quotes of every kind, and text that is not what it seems.
const TOKENS: &[&str] = &[
    "+++",
    "\"",
    "'",
    "“",
    "”",
    ":",
    "nb1:",
    "=",
    "[[questions]]",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\n",
    "\r\n",
    "\0",
    "0",
    "-1",
    "64",
    "9223372036854775807",
    "99999999999999999999",
    "é",
    "\u{202e}",
    "👍",
    "*",
    "/",
    "-",
    "Mon-Fri",
    "L",
    "#",
    "<@U1>",
    "<#C1|x>",
    "\\",
    "null",
    "true",
    "1e308",
    "![x](",
    "](http://",
    "```",
    "    ",
];

fn mutate(seed: &[u8], others: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => data.insert(at, rng.next() as u8),
            2 if at < data.len() => {
                let end = (at + 1 + rng.below(16)).min(data.len());
                data.drain(at..end);
            }
            3 => data.truncate(at),
            4 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                data.splice(at..at, token.iter().copied());
            }
            5 if at < data.len() => {
                let end = (at + 1 + rng.below(32)).min(data.len());
                let copy = data[at..end].to_vec();
                data.splice(end..end, copy);
            }
            _ => {
                let other = &others[rng.below(others.len())];
                let from = rng.below(other.len() + 1);
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
        }
    }
    data
}

/// Runs `target` on every seed and on its mutations; a panic names the input that caused it.
fn replay(name: &str, seeds: &[Vec<u8>], target: fn(&[u8])) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    for seed in seeds {
        let inputs = std::iter::once(seed.clone())
            .chain((0..MUTATIONS).map(|_| mutate(seed, seeds, &mut rng)))
            .collect::<Vec<_>>();
        for input in inputs {
            let outcome = std::panic::catch_unwind(|| target(&input));
            assert!(
                outcome.is_ok(),
                "{name} panicked on this input (add it to fuzz/corpus/{name}/ once fixed):\n{}",
                String::from_utf8_lossy(&input)
            );
            runs += 1;
        }
    }
    eprintln!("{name}: {runs} inputs from {} seeds, no panic", seeds.len());
}

#[test]
fn lesson_files_never_panic_and_problems_point_into_the_file() {
    let mut seeds = corpus("lesson_file");
    let mut files = Vec::new();
    files_under(&crate::support::lessons_dir(), "md", &mut files);
    seeds.extend(files.iter().map(|f| std::fs::read(f).expect("read")));
    replay("lesson_file", &seeds, fuzzing::lesson_file);
}

#[test]
fn button_payloads_decode_or_are_refused_and_round_trip() {
    replay(
        "button_payload",
        &corpus("button_payload"),
        fuzzing::button_payload,
    );
}

#[test]
fn command_texts_never_panic_and_schedules_answer() {
    replay("command_text", &corpus("command_text"), |d| {
        fuzzing::command_text(&String::from_utf8_lossy(d))
    });
}

/// Slack's own captures (Socket Mode envelopes and Bolt's request bodies, put in envelopes).
fn slack_captures(shared: &Path) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    files_under(&shared.join("reference/slack/fixtures"), "json", &mut files);
    let mut out = Vec::new();
    for file in files {
        let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&file).expect("read")) else {
            continue;
        };
        let envelope = match v.get("type").and_then(Value::as_str) {
            _ if v.get("payload").is_some() => v,
            Some("event_callback") => json!({"type": "events_api", "payload": v}),
            Some(_) => json!({"type": "interactive", "payload": v}),
            None => continue,
        };
        out.push(envelope.to_string().into_bytes());
    }
    assert!(out.len() > 10, "the Slack captures were not found");
    out
}

#[test]
fn slack_envelopes_never_panic() {
    let mut seeds = corpus("slack_envelope");
    if let Some(shared) = shared_root() {
        seeds.extend(slack_captures(&shared));
    }
    replay("slack_envelope", &seeds, fuzzing::slack_envelope);
}

#[test]
fn discord_interactions_never_panic() {
    let mut seeds = corpus("discord_interaction");
    if let Some(shared) = shared_root() {
        let file = shared
            .join("reference/discord/fixtures/accord-jl-captured/gateway_interaction_create.json");
        let frames: Value =
            serde_json::from_slice(&std::fs::read(&file).expect("read the capture"))
                .expect("a JSON capture");
        let captured: Vec<Vec<u8>> = frames
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("d"))
            .map(|d| d.to_string().into_bytes())
            .collect();
        assert!(
            !captured.is_empty(),
            "{}: no INTERACTION_CREATE frames",
            file.display()
        );
        seeds.extend(captured);
    }
    replay("discord_interaction", &seeds, fuzzing::discord_interaction);
}
