//! `nibble import` takes an export whole or not at all: truncated, empty, edited, appended-to or
//! duplicated input is refused with the line at fault, and the database is left without a row.

use crate::data::{db, nibble};
use crate::recognition::take_lesson;
use crate::support::{spawn_app, user};
use nibble::backup::{ExportWriter, read_export};
use nibble::store::{Durability, Store, latest_version};
use std::path::Path;

/// An export of a database where two learners took a lesson.
async fn an_export() -> Vec<u8> {
    let app = spawn_app().await;
    for who in ["U-ANA", "U-BEN"] {
        take_lesson(&app, &user(who), "spot-phishing", true, None).await;
    }
    let out = nibble(&["export", "--database", &db(&app.db_path)], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn lines(export: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(export)
        .lines()
        .map(str::to_string)
        .collect()
}

fn join(lines: &[String]) -> Vec<u8> {
    lines
        .iter()
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .into_bytes()
}

/// Imports `input` into a new database file; returns (success, stderr).
fn import(dir: &Path, name: &str, input: &[u8]) -> (bool, String) {
    let out = nibble(&["import", "--database", &db(&dir.join(name))], Some(input));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Rows in the imported database (none when the file was never created).
async fn tenants_in(path: &Path) -> i64 {
    if !path.exists() {
        return 0;
    }
    let store = Store::open(&db(path), Durability::Normal)
        .await
        .expect("open");
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
        .fetch_one(store.pool())
        .await
        .expect("count");
    store.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_exports_are_refused_naming_the_line_and_nothing_is_written() {
    let export = an_export().await;
    let all = lines(&export);
    let last = all.len();
    assert!(
        all[last - 1].contains("nibble_export_end"),
        "{}",
        all[last - 1]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    // One points amount edited (10 → 110): counts still agree, only the checksum can tell.
    let tampered = join(
        &all.iter()
            .map(|l| l.replacen("\"amount\":", "\"amount\":1", 1))
            .collect::<Vec<_>>(),
    );
    assert_ne!(tampered, export, "no points amount to edit");

    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "no-trailer.db",
            join(&all[..last - 1]),
            format!(
                "import line {}: the input ends at line {} without a trailer",
                last - 1,
                last - 1
            ),
        ),
        (
            "cut.db",
            join(&all[..last / 2]),
            format!("import line {}:", last / 2),
        ),
        (
            "empty.db",
            Vec::new(),
            "import line 1: the input is empty".into(),
        ),
        (
            "tampered.db",
            tampered,
            format!("import line {last}: checksum mismatch"),
        ),
        (
            "appended.db",
            [export.clone(), join(&all[1..2])].concat(),
            format!(
                "import line {}: a line after the trailer (line {last})",
                last + 1
            ),
        ),
        (
            "two-exports.db",
            [export.clone(), export.clone()].concat(),
            format!("import line {}: a line after the trailer", last + 1),
        ),
    ];
    for (name, input, expected) in cases {
        let (ok, err) = import(dir.path(), name, &input);
        assert!(!ok, "{name} was imported");
        assert!(
            err.contains(&expected),
            "{name}: `{expected}` not in: {err}"
        );
        assert_eq!(tenants_in(&dir.path().join(name)).await, 0, "{name}");
    }

    // The intact export imports.
    let (ok, err) = import(dir.path(), "good.db", &export);
    assert!(ok, "{err}");
    assert_eq!(tenants_in(&dir.path().join("good.db")).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_row_is_named_by_its_line_and_rolls_everything_back() {
    let export = an_export().await;
    let verified = read_export(export.as_slice(), latest_version()).expect("valid export");
    // A well-formed export (header, counts and checksum agree) whose members table repeats a row.
    let member_at = verified
        .rows
        .iter()
        .position(|r| r.table == "members")
        .expect("a member row");
    let mut forged = Vec::new();
    let mut writer = ExportWriter::new(&mut forged, latest_version(), None, "2026-03-02T09:00:00Z")
        .expect("header");
    for (i, r) in verified.rows.iter().enumerate() {
        writer.row(&r.table, r.row.clone()).expect("row");
        if i == member_at {
            writer.row(&r.table, r.row.clone()).expect("duplicate");
        }
    }
    writer.finish().expect("trailer");
    let duplicate_line = member_at + 3; // the header is line 1, the original row member_at + 2

    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, err) = import(dir.path(), "dup.db", &forged);
    assert!(!ok, "a duplicate row was imported");
    assert!(
        err.contains(&format!(
            "import line {duplicate_line}: the database refused this row"
        )) && err.contains("UNIQUE constraint failed: members."),
        "{err}"
    );
    assert_eq!(
        err.matches("UNIQUE constraint failed").count(),
        1,
        "the cause is printed once: {err}"
    );
    let path = dir.path().join("dup.db");
    assert!(path.exists(), "the database was opened for the import");
    assert_eq!(tenants_in(&path).await, 0, "the rows before it were kept");
}
