//! Compares the fakes' payloads with the platforms' real ones (`../shared/reference`) using
//! `../shared/tools/shape_diff.py`, all pairs in one Python process: a key or JSON type the real
//! platform never sends fails the test, unless it is listed with the documentation that shows it.

use super::spec_check::{reference_json, shared_root};
use serde_json::Value;
use std::io::Write;

/// One fake payload against the real payloads of the same kind.
pub struct Comparison {
    pub name: String,
    pub refs: Vec<Value>,
    pub candidate: Value,
    /// (path, why): keys absent from these captures that the platform documents.
    pub allow: Vec<(&'static str, &'static str)>,
}

impl Comparison {
    pub fn new(name: &str, refs: Vec<Value>, candidate: Value) -> Self {
        Self {
            name: name.to_string(),
            refs,
            candidate,
            allow: Vec::new(),
        }
    }

    pub fn allow(mut self, path: &'static str, why: &'static str) -> Self {
        self.allow.push((path, why));
        self
    }
}

/// The values at a JSON pointer whose `*` segments fan out over arrays and objects.
pub fn at(v: &Value, pointer: &str) -> Vec<Value> {
    let mut out = vec![v.clone()];
    for part in pointer.split('/').filter(|p| !p.is_empty()) {
        out = out
            .into_iter()
            .flat_map(|v| match (part, v) {
                ("*", Value::Array(items)) => items,
                ("*", Value::Object(map)) => map.into_iter().map(|(_, v)| v).collect(),
                (key, v) => v.pointer(&format!("/{key}")).cloned().into_iter().collect(),
            })
            .collect();
    }
    out
}

/// The values at `pointer` in each reference file (None: `../shared` is absent outside CI).
pub fn captures(files: &[&str], pointer: &str) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for file in files {
        let values = at(&reference_json(file)?, pointer);
        assert!(!values.is_empty(), "{file}: nothing at {pointer}");
        out.extend(values);
    }
    Some(out)
}

/// Runs every comparison; fails listing each EXTRA or TYPE difference not allowed, and prints the
/// MISSING keys (informational: many are optional).
pub fn assert_shapes(comparisons: &[Comparison]) {
    let Some(shared) = shared_root() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lines = Vec::new();
    for (i, c) in comparisons.iter().enumerate() {
        let refs = dir.path().join(format!("{i}-refs.json"));
        let cand = dir.path().join(format!("{i}-cand.json"));
        std::fs::write(&refs, Value::Array(c.refs.clone()).to_string()).expect("write refs");
        std::fs::write(&cand, c.candidate.to_string()).expect("write candidate");
        lines.push(format!("{}\t{}", refs.display(), cand.display()));
    }
    let driver = r#"
import contextlib, io, json, runpy, sys
tool = sys.argv[1]
for line in sys.stdin.read().splitlines():
    refs, cand = line.split("\t")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        sys.argv = [tool, refs, cand, "--ref-pointer", "/*"]
        try:
            runpy.run_path(tool, run_name="__main__")
        except SystemExit:
            pass
    print(json.dumps(out.getvalue()))
"#;
    let tool = shared.join("tools/shape_diff.py");
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(driver)
        .arg(tool)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs shape_diff.py");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lines.join("\n").as_bytes())
        .expect("write the list");
    let out = child.wait_with_output().expect("shape_diff finished");
    let reports: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON string per comparison"))
        .collect();
    assert_eq!(reports.len(), comparisons.len(), "shape_diff.py failed");
    let mut failures = Vec::new();
    for (c, report) in comparisons.iter().zip(&reports) {
        let mut used = Vec::new();
        for line in report.lines() {
            let (kind, rest) = line.split_once(' ').unwrap_or((line, ""));
            let path = rest.trim().split(':').next().unwrap_or("");
            match kind {
                "EXTRA" | "TYPE" if c.allow.iter().any(|(p, _)| *p == path) => used.push(path),
                "EXTRA" | "TYPE" => failures.push(format!("{}: {line}", c.name)),
                "MISSING" => eprintln!("{}: {line}", c.name),
                _ => {}
            }
        }
        // An allowance nothing needs any more would hide the next real difference there.
        for (path, _) in c.allow.iter().filter(|(p, _)| !used.contains(p)) {
            failures.push(format!(
                "{}: allowance for {path} is no longer needed",
                c.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fake payloads differ from the real ones:\n{}",
        failures.join("\n")
    );
}
