//! Whole-database (or one tenant's) export as rows in dependency order, and import into an empty
//! database with the same ids, so an export re-imported exports identically.

use super::{Store, StoreError, migrate::latest_version};
use futures_util::TryStreamExt;
use serde_json::{Map, Value};
use sqlx::{Column, Row, TypeInfo, ValueRef};

/// Every table in the order rows can be inserted, with how its rows belong to one tenant (`$1`).
pub const EXPORT_TABLES: &[(&str, Option<&str>)] = &[
    ("tenants", Some("id = $1")),
    ("members", Some("tenant_id = $1")),
    ("dm_channels", Some("tenant_id = $1")),
    ("courses", None),
    ("lessons", None),
    ("lesson_versions", None),
    ("tenant_settings", Some("tenant_id = $1")),
    ("setup_warnings", Some("tenant_id = $1")),
    ("campaigns", Some("tenant_id = $1")),
    (
        "campaign_recipients",
        Some("campaign_id IN (SELECT id FROM campaigns WHERE tenant_id = $1)"),
    ),
    ("deliveries", Some("tenant_id = $1")),
    ("quiz_prompts", Some("tenant_id = $1")),
    ("answers", Some("tenant_id = $1")),
    ("lesson_completions", Some("tenant_id = $1")),
    ("points_ledger", Some("tenant_id = $1")),
    ("point_totals", Some("tenant_id = $1")),
    ("processed_events", Some("tenant_id = $1")),
    ("outbox", Some("tenant_id = $1")),
    ("learning_days", Some("tenant_id = $1")),
    ("badges_awarded", Some("tenant_id = $1")),
    ("standings", Some("tenant_id = $1")),
    ("standings_histogram", Some("tenant_id = $1")),
    ("recognition_cursor", None),
    ("xapi_cursor", None),
    ("review_cards", Some("tenant_id = $1")),
    ("review_prompts", Some("tenant_id = $1")),
    ("review_answers", Some("tenant_id = $1")),
    ("review_schedules", Some("tenant_id = $1")),
    ("vacations", Some("tenant_id = $1")),
    ("diagnostic_answers", Some("tenant_id = $1")),
    ("lesson_skips", Some("tenant_id = $1")),
    ("partner_pools", Some("tenant_id = $1")),
    (
        "partner_members",
        Some("pool_id IN (SELECT id FROM partner_pools WHERE tenant_id = $1)"),
    ),
    ("partner_avoids", Some("tenant_id = $1")),
    ("discussions", Some("tenant_id = $1")),
    ("discussion_replies", Some("tenant_id = $1")),
    (
        "reply_features",
        Some("reply_id IN (SELECT id FROM discussion_replies WHERE tenant_id = $1)"),
    ),
    ("deleted_messages", Some("tenant_id = $1")),
    ("uploaded_images", Some("tenant_id = $1")),
    ("community_schedules", Some("tenant_id = $1")),
    ("community_channels", Some("tenant_id = $1")),
    ("suggestions", Some("tenant_id = $1")),
    (
        "suggestion_votes",
        Some("suggestion_id IN (SELECT id FROM suggestions WHERE tenant_id = $1)"),
    ),
    (
        "partner_rounds",
        Some("pool_id IN (SELECT id FROM partner_pools WHERE tenant_id = $1)"),
    ),
    (
        "partner_groups",
        Some("pool_id IN (SELECT id FROM partner_pools WHERE tenant_id = $1)"),
    ),
    (
        "partner_group_members",
        Some(
            "group_id IN (SELECT g.id FROM partner_groups g JOIN partner_pools p ON p.id = g.pool_id WHERE p.tenant_id = $1)",
        ),
    ),
];

/// Tables shared by every tenant (the lesson catalog): an import keeps rows already there.
const SHARED: &[&str] = &["courses", "lessons", "lesson_versions"];

/// The first line of an export.
pub fn export_header(tenant: Option<&str>, exported_at: &str) -> Value {
    serde_json::json!({
        "nibble_export": 1,
        "schema_version": latest_version(),
        "tenant": tenant,
        "exported_at": exported_at,
    })
}

fn to_json(row: &sqlx::sqlite::SqliteRow) -> Result<Map<String, Value>, StoreError> {
    let mut out = Map::new();
    for (i, col) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        let value = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().name() {
                "INTEGER" => Value::from(row.try_get::<i64, _>(i)?),
                "REAL" => Value::from(row.try_get::<f64, _>(i)?),
                "TEXT" => Value::from(row.try_get::<String, _>(i)?),
                other => {
                    return Err(StoreError::Invalid(format!(
                        "column `{}` holds a {other} value, which exports do not carry",
                        col.name()
                    )));
                }
            }
        };
        out.insert(col.name().to_string(), value);
    }
    Ok(out)
}

impl Store {
    /// Every table's name (the export's coverage is checked against it), but the running daemon's
    /// lock, which belongs to this file, not to its data.
    pub async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT IN ('_sqlx_migrations', 'daemon_lock') ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Streams every row (of one tenant, when given) to `emit(table, row)`, tables in insert order.
    pub async fn export_rows(
        &self,
        tenant_id: Option<i64>,
        mut emit: impl FnMut(&str, Map<String, Value>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        for (table, scope) in EXPORT_TABLES {
            let sql = match (tenant_id, scope) {
                (Some(_), Some(scope)) => {
                    format!("SELECT * FROM {table} WHERE {scope} ORDER BY rowid")
                }
                _ => format!("SELECT * FROM {table} ORDER BY rowid"),
            };
            let mut query = sqlx::query(&sql);
            if let (Some(t), Some(_)) = (tenant_id, scope) {
                query = query.bind(t);
            }
            let mut rows = query.fetch(&mut *conn);
            while let Some(row) = rows.try_next().await? {
                emit(table, to_json(&row)?)?;
            }
        }
        Ok(())
    }

    /// Imports exported rows into a database without tenants, in one transaction; returns rows
    /// imported per table.
    pub async fn import_rows(
        &self,
        rows: impl IntoIterator<Item = (String, Map<String, Value>)>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
            .fetch_one(&mut *tx)
            .await?;
        if existing > 0 {
            return Err(StoreError::Invalid(
                "the database already has data: import into an empty database".into(),
            ));
        }
        // The migrations' own cursor rows are replaced by the exported ones.
        for table in ["recognition_cursor", "xapi_cursor"] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        let mut counts: Vec<(String, u64)> = Vec::new();
        for (table, row) in rows {
            if !EXPORT_TABLES.iter().any(|(t, _)| *t == table) {
                return Err(StoreError::Invalid(format!(
                    "unknown table `{table}` in the export"
                )));
            }
            let columns: Vec<&String> = row.keys().collect();
            if columns
                .iter()
                .any(|c| !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
            {
                return Err(StoreError::Invalid(format!(
                    "a bad column name in `{table}`"
                )));
            }
            let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
            let conflict = if SHARED.contains(&table.as_str()) {
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
                        return Err(StoreError::Invalid(format!(
                            "`{table}.{c}` holds {other}, which is not a column value"
                        )));
                    }
                };
            }
            let n = q.execute(&mut *tx).await?.rows_affected();
            match counts.last_mut() {
                Some((t, total)) if *t == table => *total += n,
                _ => counts.push((table, n)),
            }
        }
        tx.commit().await?;
        Ok(counts)
    }
}
