//! `nibble export` / `nibble import`: all data (or one tenant's) as JSON Lines between a header and a
//! trailer (see [`format`]), read from one snapshot of the database and re-importable, all or nothing,
//! into an empty database with the same ids.

pub mod format;

use crate::store::{ImportError, Store, StoreError, latest_version};
pub use format::{ExportRow, ExportWriter, Verified, read_export};
use std::io::{BufRead, Write};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("cannot write the export: {0}")]
    Write(std::io::Error),
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

/// Writes the export from one read transaction; returns the number of rows. The trailer is written
/// only when every row was: an export cut short by an error is refused by import.
pub async fn export(
    store: &Store,
    tenant: Option<&str>,
    now: &str,
    out: &mut impl Write,
) -> Result<u64, BackupError> {
    let id = match tenant {
        Some(t) => Some(tenant_id(store, t).await?),
        None => None,
    };
    let mut writer = ExportWriter::new(out, latest_version(), tenant, now)?;
    let mut failed = None;
    store
        .export_rows(id, |table, row| {
            writer.row(table, row).map_err(|e| {
                failed = Some(e);
                StoreError::Failed("the export could not be written".into())
            })
        })
        .await
        .map_err(|e| failed.take().unwrap_or(BackupError::Store(e)))?;
    store.unchanged_since_open()?;
    writer.finish()
}

/// Reads and verifies a whole export (nothing is written when it is damaged).
pub fn read(input: impl BufRead) -> Result<Verified, BackupError> {
    read_export(input, latest_version())
}

/// Imports a verified export in one transaction; returns a summary (rows per table). A row the
/// database refuses (a duplicate, a broken reference) is named by its line, and nothing is kept.
pub async fn import(store: &Store, export: Verified) -> Result<String, BackupError> {
    let rows = export.rows.into_iter().map(|r| (r.line, r.table, r.row));
    let counts = store.import_rows(rows).await?;
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    Ok(format!("imported {total} rows: {}", parts.join(", ")))
}
