//! The demo's mark on a database it created, so `nibble demo` replaces no other file.

use super::{Store, StoreError, ts};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use std::path::Path;

impl Store {
    /// Marks this database as the demo's, on disk at once (the WAL checkpointed), so even a demo
    /// killed right after leaves a file the next demo recognises.
    pub async fn mark_as_demo(&self, at: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO demo_marker (id, created_at) VALUES (1, $1) ON CONFLICT DO NOTHING",
        )
        .bind(ts(at))
        .execute(&self.durable)
        .await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.durable)
            .await?;
        Ok(())
    }
}

/// Whether the SQLite file at `path` carries the demo's mark. Opened immutable: nothing is
/// written, no lock taken and no `-wal`/`-shm` file created, whatever the file is; a mark still
/// only in a WAL is not seen (the demo checkpoints it at once).
pub async fn is_demo_database(path: &Path) -> Result<bool, StoreError> {
    let url = path.display().to_string();
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .foreign_keys(false);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| super::classify(&url, e))?;
    let result = marked(&mut conn).await;
    let _ = conn.close().await;
    result.map_err(|e| super::classify(&url, e))
}

async fn marked(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'demo_marker'",
    )
    .fetch_one(&mut *conn)
    .await?;
    if tables == 0 {
        return legacy_demo(conn).await;
    }
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM demo_marker")
        .fetch_one(&mut *conn)
        .await?;
    Ok(rows > 0)
}

/// A demo database from before the mark existed: nibble's tables, and every team in it on the
/// built-in local platform, which only the demo uses (a real install's teams are on Slack or
/// Discord).
async fn legacy_demo(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    let nibble: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('tenants', '_sqlx_migrations')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if nibble < 2 {
        return Ok(false);
    }
    let (teams, local): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(platform = 'local'), 0) FROM tenants")
            .fetch_one(&mut *conn)
            .await?;
    Ok(teams > 0 && teams == local)
}
