//! Failed sends a team lead has not been told about yet: a missing scope or permission must reach
//! a person, not only the log.

use super::{Conn, Store, StoreError};

/// Failed sends since a lead was last told, grouped by reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// (reason, how many sends it failed), most frequent first.
    pub reasons: Vec<(String, i64)>,
    /// The newest failed row counted: mark it shown once told.
    pub through: i64,
}

impl Store {
    /// The tenant's failed sends since a lead was last told; None when there are none.
    #[tracing::instrument(name = "store.untold_problems", skip(conn))]
    pub async fn untold_problems(
        conn: &mut Conn,
        tenant_id: i64,
    ) -> Result<Option<Problems>, StoreError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT COALESCE(o.last_error, 'unknown'), COUNT(*), MAX(o.id) FROM outbox o
             WHERE o.tenant_id = $1 AND o.state = 'failed'
               AND o.id > COALESCE((SELECT problems_shown_through FROM tenant_settings
                                    WHERE tenant_id = $1), 0)
             GROUP BY COALESCE(o.last_error, 'unknown')
             ORDER BY COUNT(*) DESC, MAX(o.id) DESC",
        )
        .bind(tenant_id)
        .fetch_all(&mut *conn)
        .await?;
        let Some(through) = rows.iter().map(|r| r.2).max() else {
            return Ok(None);
        };
        Ok(Some(Problems {
            reasons: rows.into_iter().map(|(r, n, _)| (r, n)).collect(),
            through,
        }))
    }

    /// Records that leads were told of every failed send up to `through`.
    pub async fn mark_problems_told(
        conn: &mut Conn,
        tenant_id: i64,
        through: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tenant_settings (tenant_id, problems_shown_through) VALUES ($1, $2)
             ON CONFLICT (tenant_id) DO UPDATE SET problems_shown_through = excluded.problems_shown_through",
        )
        .bind(tenant_id)
        .bind(through)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}
