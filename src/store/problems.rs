//! What a team lead has not been told yet: failed sends (a missing scope or permission, a channel
//! nibble is not in) and warnings (a lesson picture shown as a link for want of a permission). Such
//! problems must reach a person, not only the log.

use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};

/// Untold problems, grouped by reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// (reason, how many times), most frequent first.
    pub reasons: Vec<(String, i64)>,
    /// The newest failed outbox row counted, if any: those up to it are marked told.
    pub through: Option<i64>,
}

impl Store {
    /// The tenant's failed sends and warnings no lead has been told about.
    #[tracing::instrument(name = "store.untold_problems", skip(conn))]
    pub async fn untold_problems(
        conn: &mut Conn,
        tenant_id: i64,
    ) -> Result<Option<Problems>, StoreError> {
        let failed: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT COALESCE(o.last_error, 'unknown'), COUNT(*), MAX(o.id) FROM outbox o
             WHERE o.tenant_id = $1 AND o.state = 'failed' AND o.problem_told = 0
             GROUP BY COALESCE(o.last_error, 'unknown')",
        )
        .bind(tenant_id)
        .fetch_all(&mut *conn)
        .await?;
        let warnings: Vec<(String, i64)> = sqlx::query_as(
            "SELECT reason, count FROM setup_warnings WHERE tenant_id = $1 AND told = 0",
        )
        .bind(tenant_id)
        .fetch_all(&mut *conn)
        .await?;
        let through = failed.iter().map(|r| r.2).max();
        let mut reasons: Vec<(String, i64)> = failed
            .into_iter()
            .map(|(r, n, _)| (r, n))
            .chain(warnings)
            .collect();
        if reasons.is_empty() {
            return Ok(None);
        }
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(Some(Problems { reasons, through }))
    }

    /// Records that leads were told of these problems.
    pub async fn mark_problems_told(
        conn: &mut Conn,
        tenant_id: i64,
        problems: &Problems,
    ) -> Result<(), StoreError> {
        // Rows fail in any order (a retried early row after later ones): each carries its own flag.
        if let Some(through) = problems.through {
            sqlx::query(
                "UPDATE outbox SET problem_told = 1
                 WHERE tenant_id = $1 AND state = 'failed' AND problem_told = 0 AND id <= $2",
            )
            .bind(tenant_id)
            .bind(through)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query("UPDATE setup_warnings SET told = 1 WHERE tenant_id = $1 AND told = 0")
            .bind(tenant_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// A problem an adapter met without failing the send (the tenant by its platform id); nothing
    /// for a tenant nibble has never seen.
    #[tracing::instrument(name = "store.record_setup_warning", skip(self))]
    pub async fn record_setup_warning(
        &self,
        platform: &str,
        tenant: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO setup_warnings (tenant_id, reason, count, told, last_at)
             SELECT id, $3, 1, 0, $4 FROM tenants WHERE platform = $1 AND external_id = $2
             ON CONFLICT (tenant_id, reason) DO UPDATE
               SET count = CASE WHEN setup_warnings.told = 1 THEN 1 ELSE setup_warnings.count + 1 END,
                   told = 0, last_at = excluded.last_at",
        )
        .bind(platform)
        .bind(tenant)
        .bind(reason)
        .bind(ts(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
