//! Finds `../shared` (the platforms' specs and captures) and checks recorded bodies against the specs
//! with `../shared/tools/validate_openapi_body.py`, through one warm Python process per test binary.
//!
//! Without `../shared` the checks print a visible notice and skip; with the env var `CI` set they fail.

use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{LazyLock, Mutex, MutexGuard, Once};

/// Is this a CI run (`CI` set to anything but empty, `0` or `false`)?
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// `../shared`, when the reference material is there. Absent: a notice (once per test binary, on the
/// real stderr so that `cargo test` shows it) and None, or a failure when `CI` is set.
pub fn shared_root() -> Option<PathBuf> {
    locate(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        in_ci(),
    )
}

/// `dir` if it holds the reference material and tools; otherwise None, or a panic when `ci`.
pub fn locate(dir: &std::path::Path, ci: bool) -> Option<PathBuf> {
    if dir.join("reference").is_dir() && dir.join("tools").is_dir() {
        return Some(dir.to_path_buf());
    }
    assert!(
        !ci,
        "CI is set but {} (the platforms' specs, captures and tools) is missing: the spec checks \
         cannot run. Put the reference material next to the repository.",
        dir.display()
    );
    static NOTICE: Once = Once::new();
    NOTICE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "notice: {} is absent: spec checks, capture replays and shape checks are SKIPPED \
             (with CI set they fail instead)",
            dir.display()
        );
    });
    None
}

/// `../shared` when it holds `file` (a path inside it); a missing file fails like a missing `../shared`.
pub fn shared_dir(file: &str) -> Option<PathBuf> {
    let dir = shared_root()?;
    assert!(
        dir.join(file).exists(),
        "{} is missing from {}",
        file,
        dir.display()
    );
    Some(dir)
}

/// A JSON file under `../shared/reference/` (a capture, a docs example); None (after the notice) when
/// `../shared` is absent outside CI.
pub fn reference_json(file: &str) -> Option<Value> {
    let path = shared_dir(&format!("reference/{file}"))?.join(format!("reference/{file}"));
    let text = std::fs::read_to_string(&path).expect("read a reference file");
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Validates each (selector arguments, body) against the spec; fails the test listing every invalid
/// body. `selector` is e.g. `["--path", "/chat.postMessage"]`, `["--op", "create_message", "--strict"]`,
/// or `["--query", "/users.info"]` (a Slack GET method's query parameters).
pub fn validate(spec: &str, bodies: &[(Vec<String>, Value)], what: &str) {
    let Some(shared) = shared_dir(spec) else {
        return;
    };
    let spec_path = shared.join(spec).display().to_string();
    // A fan-out sends the same body to many places, and every test sends the same few kinds: each
    // shape is validated once per test binary (ids do not change whether a body is valid).
    let mut fresh = Vec::new();
    {
        let passed = lock(&PASSED);
        let mut seen = HashSet::new();
        for (selector, body) in bodies {
            let key = format!("{spec}{selector:?}{}", shape(body));
            if !passed.contains(&key) && seen.insert(key.clone()) {
                fresh.push((key, selector, body));
            }
        }
    }
    if fresh.is_empty() {
        return;
    }
    let mut failures = Vec::new();
    let mut ok = Vec::new();
    {
        let mut driver = lock(&DRIVER);
        for (key, selector, body) in fresh {
            let (valid, report) = ask(&mut driver, &shared, &spec_path, selector, body);
            if valid {
                ok.push(key);
            } else {
                let text = body.to_string();
                let cut: String = text.chars().take(3000).collect();
                failures.push(format!("{selector:?}: {report}\n  body: {cut}"));
            }
        }
    }
    lock(&PASSED).extend(ok);
    assert!(
        failures.is_empty(),
        "{} bodies failed {what}'s spec:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

struct Driver {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

static DRIVER: Mutex<Option<Driver>> = Mutex::new(None);
static PASSED: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

/// A poisoned lock only means another test failed while holding it: the data is still sound.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One round trip with the driver (started on first use; it ends when the test binary does).
fn ask(
    driver: &mut Option<Driver>,
    shared: &std::path::Path,
    spec: &str,
    selector: &[String],
    body: &Value,
) -> (bool, String) {
    let d = driver.get_or_insert_with(|| {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/spec_driver.py");
        let tool = shared.join("tools/validate_openapi_body.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(tool)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the spec validator (pip install jsonschema)");
        Driver {
            stdin: child.stdin.take().expect("driver stdin"),
            stdout: BufReader::new(child.stdout.take().expect("driver stdout")),
            _child: child,
        }
    });
    let request = json!({"spec": spec, "args": selector, "body": body}).to_string();
    let mut answer = String::new();
    let sent = writeln!(d.stdin, "{request}").and_then(|_| d.stdin.flush());
    let read = sent.and_then(|_| d.stdout.read_line(&mut answer));
    let answer: Option<Value> = match read {
        Ok(n) if n > 0 => serde_json::from_str(&answer).ok(),
        _ => None,
    };
    let Some(answer) = answer else {
        *driver = None; // restarted by the next check
        panic!("the spec validator stopped (is python3 with jsonschema installed?): {answer:?}");
    };
    (
        answer["ok"] == json!(true),
        answer["report"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_string(),
    )
}

/// The body with per-recipient ids (channel, user, nonce, delivery key) blanked, for deduplication.
fn shape(body: &Value) -> String {
    fn blank(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if matches!(
                        k.as_str(),
                        "channel"
                            | "users"
                            | "user"
                            | "nonce"
                            | "delivery"
                            | "recipient_id"
                            | "value"
                            | "action_id"
                            | "block_id"
                            | "custom_id"
                    ) && v.is_string()
                    {
                        // Same type, so the shape validates exactly as the original would.
                        *v = Value::String("id".into());
                    } else {
                        blank(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(blank),
            _ => {}
        }
    }
    let mut body = body.clone();
    blank(&mut body);
    body.to_string()
}
