//! The export file's writer and verifier, without a database.

use super::*;
use serde_json::json;

fn row(id: i64) -> Map<String, Value> {
    json!({"id": id, "name": format!("n{id}")})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

fn sample() -> String {
    let mut out = Vec::new();
    let mut w = ExportWriter::new(&mut out, 16, Some("slack:T1"), "2026-01-01T00:00:00Z").unwrap();
    w.row("tenants", row(1)).unwrap();
    w.row("members", row(1)).unwrap();
    w.row("members", row(2)).unwrap();
    assert_eq!(w.finish().unwrap(), 3);
    String::from_utf8(out).unwrap()
}

fn read(text: &str) -> Result<Verified, BackupError> {
    read_export(text.as_bytes(), 16)
}

fn error(text: &str) -> String {
    read(text).map(|_| ()).unwrap_err().to_string()
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn a_written_export_reads_back_with_its_lines() {
    let text = sample();
    assert_eq!(lines(&text).len(), 5);
    let verified = read(&text).unwrap();
    assert_eq!(verified.tenant.as_deref(), Some("slack:T1"));
    let got: Vec<(usize, &str)> = verified
        .rows
        .iter()
        .map(|r| (r.line, r.table.as_str()))
        .collect();
    assert_eq!(got, [(2, "tenants"), (3, "members"), (4, "members")]);
    assert_eq!(verified.rows[2].row, row(2));
}

#[test]
fn empty_input_and_a_missing_trailer_are_refused() {
    assert!(
        error("").contains("line 1: the input is empty"),
        "{}",
        error("")
    );
    let text = sample();
    let cut = lines(&text)[..4].join("\n") + "\n";
    let e = error(&cut);
    assert!(
        e.contains("import line 4") && e.contains("truncated"),
        "{e}"
    );
    let header_only = lines(&text)[0].to_string() + "\n";
    assert!(error(&header_only).contains("truncated"));
}

#[test]
fn a_line_after_the_trailer_is_refused() {
    let text = sample() + lines(&sample())[3] + "\n";
    let e = error(&text);
    assert!(
        e.contains("import line 6") && e.contains("after the trailer (line 5)"),
        "{e}"
    );
}

#[test]
fn counts_and_checksum_are_verified() {
    let text = sample();
    let l = lines(&text);
    // A row removed: the counts disagree.
    let dropped = [l[0], l[1], l[2], l[4]].join("\n");
    let e = error(&dropped);
    assert!(
        e.contains("import line 4") && e.contains("counts 2 `members`"),
        "{e}"
    );
    // A value edited: same counts, the checksum disagrees.
    let edited = text.replace("\"n2\"", "\"n9\"");
    assert_ne!(edited, text);
    let e = error(&edited);
    assert!(
        e.contains("import line 5") && e.contains("checksum mismatch"),
        "{e}"
    );
    // A table the trailer does not count.
    let extra = [
        l[0],
        l[1],
        l[2],
        l[3],
        "{\"table\":\"badges\",\"row\":{}}",
        l[4],
    ]
    .join("\n");
    assert!(error(&extra).contains("`badges` row(s) the trailer does not count"));
}

#[test]
fn header_problems_name_line_one() {
    let e = error("{\"table\":\"tenants\",\"row\":{}}\n");
    assert!(e.contains("import line 1: not a nibble export"), "{e}");
    let old = "{\"nibble_export\":1,\"schema_version\":16}\n{\"table\":\"tenants\",\"row\":{}}\n";
    assert!(error(old).contains("export format 1"), "{}", error(old));
    let newer = sample().replace("\"schema_version\":16", "\"schema_version\":17");
    assert!(error(&newer).contains("schema version 17"));
}

#[test]
fn broken_lines_are_named() {
    let text = sample();
    let l = lines(&text);
    let blank = [l[0], l[1], "", l[2], l[3], l[4]].join("\n");
    assert!(error(&blank).contains("import line 3: an empty line"));
    let cut_mid_line = text[..text.len() - 20].to_string();
    let e = error(&cut_mid_line);
    assert!(
        e.contains("import line 5") && e.contains("not a JSON line"),
        "{e}"
    );
    let shape = [l[0], "{\"table\": 3}", l[4]].join("\n");
    assert!(error(&shape).contains("import line 2: expected"));
}
