//! Whole-database (or one tenant's) export as rows in dependency order, all read in one transaction
//! so that the export is one snapshot even while a daemon writes.

use super::{Store, StoreError};
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
    /// Every table's name (the export's coverage is checked against it), but those that belong to
    /// this file rather than its data: the running daemon's lock, and the demo's marker (a copy of
    /// a demo database is not the demo's to replace).
    pub async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT IN ('_sqlx_migrations', 'daemon_lock', 'demo_marker') ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Streams every row (of one tenant, when given) to `emit(table, row)`, tables in insert order.
    /// One deferred read transaction on one connection: in WAL mode its first read fixes the snapshot
    /// every later table is read from, so commits made meanwhile are in none of the tables.
    pub async fn export_rows(
        &self,
        tenant_id: Option<i64>,
        mut emit: impl FnMut(&str, Map<String, Value>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.begin_with("BEGIN DEFERRED").await?;
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
        conn.rollback().await?;
        Ok(())
    }
}
