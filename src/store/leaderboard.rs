//! Leaderboards: the top of a period's standings and a member's rank (from the histogram), per-channel
//! boards summed from the ledger, and members opting out.

use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};

/// One line of a board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardLine {
    pub member_id: i64,
    pub external_id: String,
    pub name: String,
    pub points: i64,
}

/// A member's place: 1-based rank among visible members, their points, and how many are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rank {
    pub rank: i64,
    pub points: i64,
    pub of: i64,
}

impl Store {
    /// The top `limit` visible members of a tenant's period: most points first, ties to the member
    /// who joined first (lower id).
    pub async fn board_top(
        conn: &mut Conn,
        tenant_id: i64,
        period: &str,
        limit: i64,
    ) -> Result<Vec<BoardLine>, StoreError> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT s.member_id, m.external_id, m.display_name, s.points FROM standings s
             JOIN members m ON m.id = s.member_id
             WHERE s.tenant_id = $1 AND s.period = $2 AND s.hidden = 0 AND s.points > 0
             ORDER BY s.points DESC, s.member_id LIMIT $3",
        )
        .bind(tenant_id)
        .bind(period)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.into_iter().map(line).collect())
    }

    /// The member's rank in a tenant's period, None when they have no points there or opted out.
    pub async fn board_rank(
        conn: &mut Conn,
        tenant_id: i64,
        period: &str,
        member_id: i64,
    ) -> Result<Option<Rank>, StoreError> {
        let mine: Option<(i64, bool)> = sqlx::query_as(
            "SELECT points, hidden FROM standings WHERE tenant_id = $1 AND period = $2 AND member_id = $3",
        )
        .bind(tenant_id)
        .bind(period)
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((points, false)) = mine.filter(|(p, _)| *p > 0) else {
            return Ok(None);
        };
        let (above, of): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN points > $3 THEN members ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN points > 0 THEN members ELSE 0 END), 0)
             FROM standings_histogram WHERE tenant_id = $1 AND period = $2",
        )
        .bind(tenant_id)
        .bind(period)
        .bind(points)
        .fetch_one(&mut *conn)
        .await?;
        let tied_before: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM standings WHERE tenant_id = $1 AND period = $2 AND hidden = 0
               AND points = $3 AND member_id < $4",
        )
        .bind(tenant_id)
        .bind(period)
        .bind(points)
        .bind(member_id)
        .fetch_one(&mut *conn)
        .await?;
        Ok(Some(Rank {
            rank: above + tied_before + 1,
            points,
            of,
        }))
    }

    /// A channel's board since `from` (None: all time), summed from the ledger: every visible member
    /// with points there, in board order.
    pub async fn channel_board(
        conn: &mut Conn,
        tenant_id: i64,
        channel: &str,
        from: Option<DateTime<Utc>>,
    ) -> Result<Vec<BoardLine>, StoreError> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT l.member_id, m.external_id, m.display_name, SUM(l.amount) AS points
             FROM points_ledger l JOIN members m ON m.id = l.member_id
             WHERE l.tenant_id = $1 AND l.channel = $2 AND l.created_at >= $3 AND m.leaderboard_hidden = 0
             GROUP BY l.member_id, m.external_id, m.display_name HAVING SUM(l.amount) > 0
             ORDER BY points DESC, l.member_id",
        )
        .bind(tenant_id)
        .bind(channel)
        .bind(from.map(ts).unwrap_or_default())
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.into_iter().map(line).collect())
    }

    /// Hides (or shows) a member on every board, moving their histogram counts with them.
    pub async fn set_leaderboard_hidden(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        hidden: bool,
    ) -> Result<(), StoreError> {
        let was: bool = sqlx::query_scalar("SELECT leaderboard_hidden FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_one(&mut *conn)
            .await?;
        if was == hidden {
            return Ok(());
        }
        sqlx::query("UPDATE members SET leaderboard_hidden = $1 WHERE id = $2")
            .bind(hidden)
            .bind(member_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE standings_histogram SET members = members + $1
             WHERE (tenant_id, period, points) IN
               (SELECT tenant_id, period, points FROM standings WHERE tenant_id = $2 AND member_id = $3)",
        )
        .bind(if hidden { -1 } else { 1 })
        .bind(tenant_id)
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE standings SET hidden = $1 WHERE tenant_id = $2 AND member_id = $3")
            .bind(hidden)
            .bind(tenant_id)
            .bind(member_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

fn line((member_id, external_id, name, points): (i64, String, String, i64)) -> BoardLine {
    BoardLine {
        member_id,
        external_id,
        name,
        points,
    }
}

impl Store {
    /// Members whose all-time standing differs from their ledger total (must be none once folded).
    pub async fn standings_mismatches(&self) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT t.member_id FROM point_totals t
             LEFT JOIN standings s ON s.tenant_id = t.tenant_id AND s.member_id = t.member_id AND s.period = 'all'
             WHERE COALESCE(s.points, 0) <> t.total",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every ledger source awarded more than once to a member (must be none).
    pub async fn duplicate_awards(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT source FROM points_ledger GROUP BY tenant_id, member_id, source HAVING COUNT(*) > 1",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
