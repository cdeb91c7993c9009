//! Data ownership: export → import → export round trips identically (checked on the demo's
//! database, which touches every feature), one tenant's export, refusals; forget-me leaves the
//! member's id and name in no table while their anonymous answers still count.

use crate::campaigns::{lead, utc};
use crate::recognition::take_lesson;
use crate::support::{TENANT, reply_text, spawn_app, user};
use nibble::store::{EXPORT_TABLES, Store};
use std::path::Path;
use std::process::{Output, Stdio};

/// Runs the binary from the repository folder, with `stdin` as its input.
pub(crate) fn nibble(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = crate::support::cli::nibble_command(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nibble");
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("output")
}

/// The row lines: without the header and the trailer (both carry the export's time).
fn body_lines(export: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(export);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .last()
            .is_some_and(|l| l.contains("nibble_export_end")),
        "the export ends with its trailer"
    );
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

pub(crate) fn db(path: &Path) -> String {
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_import_export_is_identical_and_covers_every_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.db");
    assert!(
        nibble(&["demo", "--database", &db(&demo)], None)
            .status
            .success()
    );
    let first = nibble(&["export", "--database", &db(&demo)], None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let header: serde_json::Value =
        serde_json::from_slice(first.stdout.split(|b| *b == b'\n').next().expect("header"))
            .expect("JSON header");
    assert_eq!(header["nibble_export"], 2);

    let copy = dir.path().join("copy.db");
    let imported = nibble(&["import", "--database", &db(&copy)], Some(&first.stdout));
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let second = nibble(&["export", "--database", &db(&copy)], None);
    assert_eq!(
        body_lines(&first.stdout),
        body_lines(&second.stdout),
        "the round trip changed data"
    );
    // The same reports from both.
    let report = |path: &Path| {
        let out = nibble(
            &["report", "--database", &db(path), "--format", "csv"],
            None,
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert_eq!(report(&demo), report(&copy));

    // Every table is exported; every table the export names exists.
    let store = Store::open(&db(&copy), nibble::store::Durability::Normal)
        .await
        .expect("open");
    let mut tables = store.table_names().await.expect("tables");
    tables.sort();
    let mut listed: Vec<String> = EXPORT_TABLES.iter().map(|(t, _)| t.to_string()).collect();
    listed.sort();
    assert_eq!(tables, listed, "a table is missing from the export list");
    store.close().await;

    // Into a database with data: refused, nothing written; a broken line is named.
    let again = nibble(&["import", "--database", &db(&copy)], Some(&first.stdout));
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty database"));
    let broken = nibble(
        &["import", "--database", &db(&dir.path().join("b.db"))],
        Some(
            &[
                first.stdout.split(|b| *b == b'\n').next().expect("h"),
                b"\n{\"table\": 3}\n",
            ]
            .concat(),
        ),
    );
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("import line 2"),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
    let tenant = nibble(
        &[
            "export",
            "--database",
            &db(&demo),
            "--tenant",
            "local:demo-team",
        ],
        None,
    );
    assert!(tenant.status.success());
    assert_eq!(
        body_lines(&tenant.stdout).len(),
        body_lines(&first.stdout).len(),
        "the demo has one tenant"
    );
    let unknown = nibble(
        &["export", "--database", &db(&demo), "--tenant", "slack:NOPE"],
        None,
    );
    assert!(!unknown.status.success());
}

#[tokio::test]
async fn forget_me_leaves_no_trace_of_the_member_but_keeps_anonymous_answers() {
    let app = spawn_app().await;
    let gone = user("U-GONE");
    let stays = user("U-STAYS");
    app.clock.set(utc(2026, 3, 2, 7, 0));
    app.command(&lead(), "partner", "create cadence=weekly zone=UTC")
        .await;
    for who in [&gone, &stays] {
        take_lesson(&app, who, "spot-phishing", true, None).await;
        app.command(who, "partner", "join").await;
    }
    app.command(&gone, "partner", "avoid <@U-LEAD>").await;
    app.command(&gone, "nibble", "vacation 1w").await;
    app.command(&lead(), "partner", "round").await;
    app.deliver().await;
    let answers_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers")
        .fetch_one(app.store.pool())
        .await
        .expect("count");

    let ask = reply_text(&app.command(&gone, "nibble", "forget-me").await);
    assert!(ask.contains("forget-me confirm"), "{ask}");
    let done = reply_text(&app.command(&gone, "nibble", "forget-me confirm").await);
    assert!(
        done.contains("Removed:") && done.contains("learning_days"),
        "{done}"
    );

    // Not a trace of their id or name in any text column of any table.
    let tables = app.store.table_names().await.expect("tables");
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(app.store.pool())
            .await
            .expect("read");
        use sqlx::{Column, Row};
        for row in rows {
            for (i, col) in row.columns().iter().enumerate() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) {
                    assert!(
                        !text.contains("U-GONE") && !text.contains("Name of U-GONE"),
                        "{table}.{} still holds `{text}`",
                        col.name()
                    );
                }
            }
        }
    }
    let answers_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers")
        .fetch_one(app.store.pool())
        .await
        .expect("count");
    assert_eq!(
        answers_before, answers_after,
        "anonymous answers still count"
    );
    // The other member is untouched, and the CLI says what it removed.
    let points = reply_text(&app.command(&stays, "points", "").await);
    assert!(points.contains("points"), "{points}");
    let out = nibble(
        &[
            "forget",
            "--database",
            &db(&app.db_path),
            "--tenant",
            &format!("local:{TENANT}"),
            "--member",
            "U-STAYS",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Removed:"));
    let missing = nibble(
        &[
            "forget",
            "--database",
            &db(&app.db_path),
            "--tenant",
            &format!("local:{TENANT}"),
            "--member",
            "U-NOBODY",
        ],
        None,
    );
    assert!(!missing.status.success());
}
