//! `nibble export` / `nibble import`: all data (or one tenant's) as JSON Lines, a header line then
//! one `{"table": …, "row": {…}}` per row, re-importable into an empty database with the same ids.

use crate::store::{Store, StoreError, latest_version};
use serde_json::{Map, Value};
use std::io::{BufRead, Write};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(std::io::Error),
    #[error("cannot read the import: {0}")]
    Read(std::io::Error),
    #[error("import line {line}: {reason}")]
    BadLine { line: usize, reason: String },
    #[error("no tenant `{0}`: use platform:id, e.g. slack:T0123")]
    UnknownTenant(String),
}

/// The database id of `platform:id`.
pub async fn tenant_id(store: &Store, tenant: &str) -> Result<i64, BackupError> {
    store
        .tenants()
        .await?
        .into_iter()
        .find(|(_, p, e)| format!("{p}:{e}") == tenant)
        .map(|(id, _, _)| id)
        .ok_or_else(|| BackupError::UnknownTenant(tenant.to_string()))
}

/// Writes the export; returns the number of rows.
pub async fn export(
    store: &Store,
    tenant: Option<&str>,
    now: &str,
    out: &mut impl Write,
) -> Result<usize, BackupError> {
    let id = match tenant {
        Some(t) => Some(tenant_id(store, t).await?),
        None => None,
    };
    let header = crate::store::export_header(tenant, now);
    writeln!(out, "{header}").map_err(BackupError::Write)?;
    let mut rows = 0;
    let mut failed = None;
    store
        .export_rows(id, |table, row| {
            let line = serde_json::json!({"table": table, "row": row});
            if let Err(e) = writeln!(out, "{line}") {
                failed = Some(e);
                return Err(StoreError::Invalid(
                    "the export could not be written".into(),
                ));
            }
            rows += 1;
            Ok(())
        })
        .await
        .map_err(|e| {
            failed
                .take()
                .map_or(BackupError::Store(e), BackupError::Write)
        })?;
    out.flush().map_err(BackupError::Write)?;
    Ok(rows)
}

/// Reads an export and imports it; returns a summary (rows per table).
pub async fn import(store: &Store, input: impl BufRead) -> Result<String, BackupError> {
    let mut rows: Vec<(String, Map<String, Value>)> = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(BackupError::Read)?;
        let bad = |reason: String| BackupError::BadLine {
            line: n + 1,
            reason,
        };
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        if n == 0 {
            let version = value.get("schema_version").and_then(Value::as_i64);
            if value.get("nibble_export").is_none() {
                return Err(bad("not a nibble export (no header line)".into()));
            }
            if version != Some(latest_version()) {
                return Err(bad(format!(
                    "exported at schema version {version:?}, this nibble is at {}: import with the same version",
                    latest_version()
                )));
            }
            continue;
        }
        let table = value.get("table").and_then(Value::as_str);
        let row = value.get("row").and_then(Value::as_object);
        match (table, row) {
            (Some(t), Some(r)) => rows.push((t.to_string(), r.clone())),
            _ => return Err(bad("expected {\"table\": …, \"row\": {…}}".into())),
        }
    }
    let counts = store.import_rows(rows).await?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    Ok(format!("imported {total} rows: {}", parts.join(", ")))
}
