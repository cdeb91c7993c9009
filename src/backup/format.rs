//! The export file: a header line, one `{"table": …, "row": {…}}` line per row, and a trailer line
//! with the row count per table and a SHA-256 over every line before it. Reading verifies all of it,
//! so a truncated, appended or edited file is refused before anything is imported.

use super::BackupError;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

/// The version of this file layout (1 had no trailer and cannot be verified).
pub const FORMAT_VERSION: i64 = 2;

/// One row read from an export, with the line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub line: usize,
    pub table: String,
    pub row: Map<String, Value>,
}

/// A verified export.
#[derive(Debug)]
pub struct Verified {
    pub tenant: Option<String>,
    pub rows: Vec<ExportRow>,
}

/// Writes the header at creation, rows, then the trailer in [`ExportWriter::finish`].
pub struct ExportWriter<W: Write> {
    out: W,
    hash: Sha256,
    counts: BTreeMap<String, u64>,
    rows: u64,
}

impl<W: Write> ExportWriter<W> {
    pub fn new(
        mut out: W,
        schema_version: i64,
        tenant: Option<&str>,
        exported_at: &str,
    ) -> Result<Self, BackupError> {
        let header = serde_json::json!({
            "nibble_export": FORMAT_VERSION,
            "schema_version": schema_version,
            "tenant": tenant,
            "exported_at": exported_at,
        });
        let mut hash = Sha256::new();
        write_line(&mut out, &mut hash, &header.to_string())?;
        Ok(Self {
            out,
            hash,
            counts: BTreeMap::new(),
            rows: 0,
        })
    }

    pub fn row(&mut self, table: &str, row: Map<String, Value>) -> Result<(), BackupError> {
        let line = serde_json::json!({"table": table, "row": row}).to_string();
        write_line(&mut self.out, &mut self.hash, &line)?;
        *self.counts.entry(table.to_string()).or_default() += 1;
        self.rows += 1;
        Ok(())
    }

    /// Writes the trailer and flushes; returns the number of rows.
    pub fn finish(mut self) -> Result<u64, BackupError> {
        let trailer = serde_json::json!({"nibble_export_end": {
            "rows": self.counts,
            "total": self.rows,
            "sha256": hex(&self.hash.finalize()),
        }});
        writeln!(self.out, "{trailer}").map_err(BackupError::Write)?;
        self.out.flush().map_err(BackupError::Write)?;
        Ok(self.rows)
    }
}

fn write_line(out: &mut impl Write, hash: &mut Sha256, line: &str) -> Result<(), BackupError> {
    hash.update(line.as_bytes());
    hash.update(b"\n");
    writeln!(out, "{line}").map_err(BackupError::Write)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn bad(line: usize, reason: impl Into<String>) -> BackupError {
    BackupError::BadLine {
        line,
        reason: reason.into(),
    }
}

/// Reads and verifies a whole export: header, rows, trailer counts and checksum, nothing after it.
pub fn read_export(input: impl BufRead, schema_version: i64) -> Result<Verified, BackupError> {
    let mut hash = Sha256::new();
    let mut tenant = None;
    let mut rows = Vec::new();
    let mut trailer: Option<(usize, Value)> = None;
    let mut last = 0;
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        last = n;
        let line = line.map_err(|e| bad(n, format!("cannot be read: {e}")))?;
        if let Some((at, _)) = trailer {
            return Err(bad(
                n,
                format!("a line after the trailer (line {at}): the file was appended to"),
            ));
        }
        if line.trim().is_empty() {
            return Err(bad(n, "an empty line (an export has none)"));
        }
        let value: Value = serde_json::from_str(&line)
            .map_err(|e| bad(n, format!("not a JSON line ({e}): the file is damaged")))?;
        if n == 1 {
            tenant = check_header(&value, schema_version)?;
        } else if let Some(end) = value.get("nibble_export_end") {
            trailer = Some((n, end.clone()));
            continue;
        } else {
            let table = value.get("table").and_then(Value::as_str);
            let row = value.get("row").and_then(Value::as_object);
            match (table, row) {
                (Some(t), Some(r)) => rows.push(ExportRow {
                    line: n,
                    table: t.to_string(),
                    row: r.clone(),
                }),
                _ => return Err(bad(n, "expected {\"table\": …, \"row\": {…}}")),
            }
        }
        hash.update(line.as_bytes());
        hash.update(b"\n");
    }
    if last == 0 {
        return Err(bad(1, "the input is empty: not a nibble export"));
    }
    let Some((at, end)) = trailer else {
        return Err(bad(
            last,
            format!("the input ends at line {last} without a trailer: the export is truncated"),
        ));
    };
    check_trailer(at, &end, &rows, &hex(&hash.finalize()))?;
    Ok(Verified { tenant, rows })
}

fn check_header(value: &Value, schema_version: i64) -> Result<Option<String>, BackupError> {
    let Some(format) = value.get("nibble_export") else {
        return Err(bad(1, "not a nibble export (no header line)"));
    };
    if format.as_i64() != Some(FORMAT_VERSION) {
        return Err(bad(
            1,
            format!(
                "export format {format}, this nibble reads format {FORMAT_VERSION} (with a trailer that proves the file complete): export again with this nibble"
            ),
        ));
    }
    let version = value.get("schema_version").and_then(Value::as_i64);
    if version != Some(schema_version) {
        let found = version.map_or("unknown".to_string(), |v| v.to_string());
        return Err(bad(
            1,
            format!(
                "exported at schema version {found}, this nibble is at {schema_version}: import with the same version"
            ),
        ));
    }
    Ok(value
        .get("tenant")
        .and_then(Value::as_str)
        .map(str::to_string))
}

fn check_trailer(
    at: usize,
    end: &Value,
    rows: &[ExportRow],
    sha256: &str,
) -> Result<(), BackupError> {
    let mut found: BTreeMap<&str, u64> = BTreeMap::new();
    for r in rows {
        *found.entry(r.table.as_str()).or_default() += 1;
    }
    let Some(listed) = end.get("rows").and_then(Value::as_object) else {
        return Err(bad(at, "the trailer has no row counts"));
    };
    for (table, count) in listed {
        let held = found.get(table.as_str()).copied().unwrap_or(0);
        if count.as_u64() != Some(held) {
            return Err(bad(
                at,
                format!(
                    "the trailer counts {count} `{table}` row(s), the file holds {held}: rows were lost or added"
                ),
            ));
        }
    }
    if let Some((table, held)) = found.iter().find(|(t, _)| !listed.contains_key(**t)) {
        return Err(bad(
            at,
            format!("the file holds {held} `{table}` row(s) the trailer does not count"),
        ));
    }
    if end.get("sha256").and_then(Value::as_str) != Some(sha256) {
        return Err(bad(
            at,
            "checksum mismatch: the file was changed after it was exported",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
