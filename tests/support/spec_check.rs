//! Runs `../shared/tools/validate_openapi_body.py` over many recorded bodies in one Python process.

use std::io::Write;
use std::path::PathBuf;

/// `../shared`, when the reference material is there (CI always has it).
pub fn shared_dir(spec: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.join(spec).exists().then_some(dir)
}

/// Validates each (selector arguments, body) against the spec; fails the test listing every invalid
/// body. `selector` is e.g. `["--path", "/chat.postMessage"]` or `["--op", "create_message", "--strict"]`.
pub fn validate(spec: &str, bodies: &[(Vec<String>, serde_json::Value)], what: &str) {
    let Some(shared) = shared_dir(spec) else {
        eprintln!(
            "notice: ../shared/reference is absent: {what} spec checks skipped (CI runs them)"
        );
        return;
    };
    // A fan-out sends the same body to many places: validate each shape once (ids do not change
    // whether a body is valid, and the validator costs a few milliseconds per body).
    let mut seen = std::collections::HashSet::new();
    let bodies: Vec<_> = bodies
        .iter()
        .filter(|(selector, body)| seen.insert(format!("{selector:?}{}", shape(body))))
        .collect();
    if bodies.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lines = Vec::new();
    for (i, (selector, body)) in bodies.iter().enumerate() {
        let path = dir.path().join(format!("{i:04}.json"));
        std::fs::write(&path, serde_json::to_vec(body).expect("json")).expect("write body");
        lines.push(format!("{}\t{}", path.display(), selector.join("\t")));
    }
    let driver = r#"
import runpy, sys
spec, tool = sys.argv[1], sys.argv[2]
bad = 0
for line in sys.stdin.read().splitlines():
    body, *selector = line.split("\t")
    sys.argv = [tool, spec, *selector, body]
    try:
        runpy.run_path(tool, run_name="__main__")
    except SystemExit as e:
        if e.code not in (0, None):
            bad += 1
            print("INVALID:", selector, open(body).read()[:3000])
sys.exit(1 if bad else 0)
"#;
    let spec_path = shared.join(spec).display().to_string();
    let tool = shared
        .join("tools/validate_openapi_body.py")
        .display()
        .to_string();
    let mut child = std::process::Command::new("python3")
        .args(["-c", driver, &spec_path, &tool])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs the spec validator");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lines.join("\n").as_bytes())
        .expect("write list");
    let out = child.wait_with_output().expect("validator finished");
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "bodies failed {what}'s spec:\n{report}"
    );
}

/// The body with per-recipient ids (channel, user, nonce, delivery key) blanked, for deduplication.
fn shape(body: &serde_json::Value) -> String {
    fn blank(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if matches!(
                        k.as_str(),
                        "channel"
                            | "users"
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
                        *v = serde_json::Value::String("id".into());
                    } else {
                        blank(v);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(blank),
            _ => {}
        }
    }
    let mut body = body.clone();
    blank(&mut body);
    body.to_string()
}
