//! Import of an export into an empty database with the same ids, in one transaction: an export
//! re-imported exports identically, and a failed import leaves nothing behind.

use super::{Conn, EXPORT_TABLES, Store, StoreError};
use serde_json::{Map, Value};

/// Tables shared by every tenant (the lesson catalog): an import keeps rows already there.
const SHARED: &[&str] = &["courses", "lessons", "lesson_versions"];

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the database already has data: import into an empty database")]
    NotEmpty,
    #[error("import line {line}: {reason}")]
    Row { line: usize, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Store(StoreError::Query(e))
    }
}

impl Store {
    /// Imports exported rows (line, table, row) into a database without tenants, in one
    /// transaction; returns rows imported per table.
    pub async fn import_rows(
        &self,
        rows: impl IntoIterator<Item = (usize, String, Map<String, Value>)>,
    ) -> Result<Vec<(String, u64)>, ImportError> {
        let mut tx = self.begin().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
            .fetch_one(&mut *tx)
            .await?;
        if existing > 0 {
            return Err(ImportError::NotEmpty);
        }
        // The migrations' own cursor rows are replaced by the exported ones.
        for table in ["recognition_cursor", "xapi_cursor"] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        let mut counts: Vec<(String, u64)> = Vec::new();
        for (line, table, row) in rows {
            let n = insert_row(&mut tx, &table, &row)
                .await
                .map_err(|reason| ImportError::Row { line, reason })?;
            match counts.last_mut() {
                Some((t, total)) if *t == table => *total += n,
                _ => counts.push((table, n)),
            }
        }
        tx.commit().await?;
        Ok(counts)
    }
}

/// Inserts one row; the reason it was refused otherwise.
async fn insert_row(conn: &mut Conn, table: &str, row: &Map<String, Value>) -> Result<u64, String> {
    if !EXPORT_TABLES.iter().any(|(t, _)| *t == table) {
        return Err(format!("unknown table `{table}`"));
    }
    let columns: Vec<&String> = row.keys().collect();
    if columns
        .iter()
        .any(|c| !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
    {
        return Err(format!("a bad column name in `{table}`"));
    }
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let conflict = if SHARED.contains(&table) {
        " ON CONFLICT DO NOTHING"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}){conflict}",
        columns
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for c in &columns {
        q = match &row[c.as_str()] {
            Value::Null => q.bind(None::<String>),
            Value::Number(n) if n.is_i64() => q.bind(n.as_i64()),
            Value::Number(n) => q.bind(n.as_f64()),
            Value::String(s) => q.bind(s.clone()),
            Value::Bool(b) => q.bind(*b),
            other => {
                return Err(format!(
                    "`{table}.{c}` holds {other}, which is not a column value"
                ));
            }
        };
    }
    match q.execute(&mut *conn).await {
        Ok(done) => Ok(done.rows_affected()),
        Err(sqlx::Error::Database(e)) => Err(format!("the database refused this row: {e}")),
        Err(e) => Err(format!("cannot insert into `{table}`: {e}")),
    }
}
