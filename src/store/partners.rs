//! Accountability partners: pools, their members and avoid lists, rounds, groups and check-ins.

use super::{Conn, Store, StoreError, Timestamp, ts};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// A partner pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolRow {
    pub id: i64,
    pub tenant_id: i64,
    pub channel: String,
    pub cadence: String,
    pub time_zone: String,
    pub group_size: i64,
    pub mentor_course: Option<String>,
    pub state: String,
    pub next_round_at: Option<Timestamp>,
    pub rounds: i64,
}

from_row!(PoolRow {
    id,
    tenant_id,
    channel,
    cadence,
    time_zone,
    group_size,
    mentor_course,
    state,
    next_round_at,
    rounds,
});

/// A pool to create.
pub struct NewPool<'a> {
    pub tenant_id: i64,
    pub channel: &'a str,
    pub cadence: &'a str,
    pub time_zone: &'a str,
    pub group_size: i64,
    pub mentor_course: Option<&'a str>,
    pub next_round_at: DateTime<Utc>,
    pub created_by: &'a str,
}

/// A member taking part in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolMember {
    pub member_id: i64,
    pub external_id: String,
    pub time_zone: Option<String>,
}

from_row!(PoolMember {
    member_id,
    external_id,
    time_zone
});

/// A partner group as a check-in click sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub id: i64,
    pub tenant_id: i64,
    pub outcome: Option<String>,
    /// (member id, platform id)
    pub members: Vec<(i64, String)>,
}

/// A pool's figures for its moderators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub members: i64,
    pub rounds: i64,
    pub groups: i64,
    pub answered: i64,
    pub met: i64,
}

const POOL_SQL: &str =
    "SELECT id, tenant_id, channel, cadence, time_zone, group_size, mentor_course,
    state, next_round_at, rounds FROM partner_pools";

impl Store {
    /// Creates a pool; None when the channel already has one.
    pub async fn create_pool(
        conn: &mut Conn,
        p: &NewPool<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO partner_pools (tenant_id, channel, cadence, time_zone, group_size,
               mentor_course, state, next_round_at, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9)
             ON CONFLICT (tenant_id, channel) DO NOTHING RETURNING id",
        )
        .bind(p.tenant_id)
        .bind(p.channel)
        .bind(p.cadence)
        .bind(p.time_zone)
        .bind(p.group_size)
        .bind(p.mentor_course)
        .bind(ts(p.next_round_at))
        .bind(p.created_by)
        .bind(ts(now))
        .fetch_optional(&mut *conn)
        .await?)
    }

    pub async fn pool_in_channel(
        conn: &mut Conn,
        tenant_id: i64,
        channel: &str,
    ) -> Result<Option<PoolRow>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{POOL_SQL} WHERE tenant_id = $1 AND channel = $2"))
                .bind(tenant_id)
                .bind(channel)
                .fetch_optional(&mut *conn)
                .await?,
        )
    }

    pub async fn partner_pool(conn: &mut Conn, id: i64) -> Result<Option<PoolRow>, StoreError> {
        Ok(sqlx::query_as(&format!("{POOL_SQL} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?)
    }

    /// Active pools whose next round is due.
    pub async fn due_pools(
        conn: &mut Conn,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PoolRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{POOL_SQL} WHERE state = 'active' AND next_round_at <= $1 ORDER BY next_round_at LIMIT $2"
        ))
        .bind(ts(now))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Joins (or rejoins) a pool; false when the member was in it already.
    pub async fn join_pool(
        conn: &mut Conn,
        pool_id: i64,
        member_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let before: Option<Option<String>> = sqlx::query_scalar(
            "SELECT left_at FROM partner_members WHERE pool_id = $1 AND member_id = $2",
        )
        .bind(pool_id)
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO partner_members (pool_id, member_id, joined_at) VALUES ($1, $2, $3)
             ON CONFLICT (pool_id, member_id) DO UPDATE SET left_at = NULL, paused_until = NULL",
        )
        .bind(pool_id)
        .bind(member_id)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(!matches!(before, Some(None)))
    }

    /// Leaves a pool; false when the member was not in it.
    pub async fn leave_pool(
        conn: &mut Conn,
        pool_id: i64,
        member_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE partner_members SET left_at = $1
             WHERE pool_id = $2 AND member_id = $3 AND left_at IS NULL",
        )
        .bind(ts(now))
        .bind(pool_id)
        .bind(member_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1)
    }

    /// Skips rounds until `until`; false when the member is not in the pool.
    pub async fn pause_in_pool(
        conn: &mut Conn,
        pool_id: i64,
        member_id: i64,
        until: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE partner_members SET paused_until = $1
             WHERE pool_id = $2 AND member_id = $3 AND left_at IS NULL",
        )
        .bind(until.map(ts))
        .bind(pool_id)
        .bind(member_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1)
    }

    pub async fn add_avoid(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        avoided_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO partner_avoids (tenant_id, member_id, avoided_id, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (member_id, avoided_id) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(avoided_id)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Every avoided pair in a tenant, as unordered (low, high) member ids.
    pub async fn avoided_pairs(
        conn: &mut Conn,
        tenant_id: i64,
    ) -> Result<HashSet<(i64, i64)>, StoreError> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT member_id, avoided_id FROM partner_avoids WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_all(&mut *conn)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(a, b)| (a.min(b), a.max(b)))
            .collect())
    }

    /// Members in a pool and not paused at `now`.
    pub async fn active_pool_members(
        conn: &mut Conn,
        pool_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<PoolMember>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT m.id AS member_id, m.external_id, m.time_zone
             FROM partner_members p JOIN members m ON m.id = p.member_id
             WHERE p.pool_id = $1 AND p.left_at IS NULL
               AND (p.paused_until IS NULL OR p.paused_until <= $2)
             ORDER BY m.id",
        )
        .bind(pool_id)
        .bind(ts(now))
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Every pair that met in this pool, with the last round they met in.
    pub async fn pool_meetings(
        conn: &mut Conn,
        pool_id: i64,
    ) -> Result<HashMap<(i64, i64), u32>, StoreError> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT g.id, r.number, gm.member_id FROM partner_groups g
             JOIN partner_rounds r ON r.id = g.round_id
             JOIN partner_group_members gm ON gm.group_id = g.id
             WHERE g.pool_id = $1 ORDER BY g.id",
        )
        .bind(pool_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut groups: HashMap<i64, (u32, Vec<i64>)> = HashMap::new();
        for (group, round, member) in rows {
            let e = groups.entry(group).or_insert((round as u32, Vec::new()));
            e.1.push(member);
        }
        let mut met = HashMap::new();
        for (round, members) in groups.into_values() {
            for (k, a) in members.iter().enumerate() {
                for b in &members[k + 1..] {
                    let e = met.entry((*a.min(b), *a.max(b))).or_insert(round);
                    *e = (*e).max(round);
                }
            }
        }
        Ok(met)
    }

    /// Records a round and moves the pool's next one; returns the round's id.
    pub async fn start_round(
        conn: &mut Conn,
        pool: &PoolRow,
        now: DateTime<Utc>,
        checkin_at: Option<DateTime<Utc>>,
        next_round_at: Option<DateTime<Utc>>,
    ) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar(
            "INSERT INTO partner_rounds (pool_id, number, started_at, checkin_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(pool.id)
        .bind(pool.rounds + 1)
        .bind(ts(now))
        .bind(checkin_at.map(ts))
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE partner_pools SET rounds = rounds + 1, next_round_at = $1 WHERE id = $2",
        )
        .bind(next_round_at.map(ts))
        .bind(pool.id)
        .execute(&mut *conn)
        .await?;
        Ok(id)
    }

    /// Moves a pool's next round without holding one (too few people, or a changed cadence).
    pub async fn set_next_round(
        conn: &mut Conn,
        pool_id: i64,
        next_round_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE partner_pools SET next_round_at = $1 WHERE id = $2")
            .bind(next_round_at.map(ts))
            .bind(pool_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub async fn add_group(
        conn: &mut Conn,
        round_id: i64,
        pool_id: i64,
        members: &[i64],
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO partner_groups (round_id, pool_id) VALUES ($1, $2) RETURNING id",
        )
        .bind(round_id)
        .bind(pool_id)
        .fetch_one(&mut *conn)
        .await?;
        for m in members {
            sqlx::query("INSERT INTO partner_group_members (group_id, member_id) VALUES ($1, $2)")
                .bind(id)
                .bind(m)
                .execute(&mut *conn)
                .await?;
        }
        Ok(id)
    }

    /// Rounds whose check-in is due: (round id, pool's tenant id); the check-in is marked sent.
    pub async fn take_due_checkins(
        conn: &mut Conn,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let rounds: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT r.id, p.tenant_id FROM partner_rounds r JOIN partner_pools p ON p.id = r.pool_id
             WHERE r.checkin_at IS NOT NULL AND r.checkin_at <= $1 ORDER BY r.checkin_at LIMIT $2",
        )
        .bind(ts(now))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        for (id, _) in &rounds {
            sqlx::query("UPDATE partner_rounds SET checkin_at = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        Ok(rounds)
    }

    /// A round's groups: (group id, members' platform ids).
    pub async fn round_groups(
        conn: &mut Conn,
        round_id: i64,
    ) -> Result<Vec<(i64, Vec<String>)>, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT g.id, m.external_id FROM partner_groups g
             JOIN partner_group_members gm ON gm.group_id = g.id
             JOIN members m ON m.id = gm.member_id
             WHERE g.round_id = $1 ORDER BY g.id, m.id",
        )
        .bind(round_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut out: Vec<(i64, Vec<String>)> = Vec::new();
        for (g, user) in rows {
            match out.last_mut() {
                Some((id, users)) if *id == g => users.push(user),
                _ => out.push((g, vec![user])),
            }
        }
        Ok(out)
    }

    /// A group of this platform's tenant (any tenant of the platform for a DM click without one).
    pub async fn partner_group(
        conn: &mut Conn,
        group_id: i64,
        platform: &str,
        tenant: &str,
    ) -> Result<Option<GroupRow>, StoreError> {
        let rows: Vec<(i64, Option<String>, i64, String)> = sqlx::query_as(
            "SELECT p.tenant_id, g.outcome, m.id, m.external_id FROM partner_groups g
             JOIN partner_pools p ON p.id = g.pool_id
             JOIN tenants t ON t.id = p.tenant_id
             JOIN partner_group_members gm ON gm.group_id = g.id
             JOIN members m ON m.id = gm.member_id
             WHERE g.id = $1 AND t.platform = $2 AND (t.external_id = $3 OR $3 = '')",
        )
        .bind(group_id)
        .bind(platform)
        .bind(tenant)
        .fetch_all(&mut *conn)
        .await?;
        let Some((tenant_id, outcome, _, _)) = rows.first().cloned() else {
            return Ok(None);
        };
        Ok(Some(GroupRow {
            id: group_id,
            tenant_id,
            outcome,
            members: rows.into_iter().map(|(_, _, m, e)| (m, e)).collect(),
        }))
    }

    /// Records a group's check-in outcome; false when one was recorded already.
    pub async fn set_group_outcome(
        conn: &mut Conn,
        group_id: i64,
        outcome: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE partner_groups SET outcome = $1, outcome_at = $2, outcome_by = $3
             WHERE id = $4 AND outcome IS NULL",
        )
        .bind(outcome)
        .bind(ts(now))
        .bind(by)
        .bind(group_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1)
    }

    pub async fn pool_stats(conn: &mut Conn, pool_id: i64) -> Result<PoolStats, StoreError> {
        let (members,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM partner_members WHERE pool_id = $1 AND left_at IS NULL",
        )
        .bind(pool_id)
        .fetch_one(&mut *conn)
        .await?;
        let (rounds, groups, answered, met): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT rounds FROM partner_pools WHERE id = $1), COUNT(*),
                    COALESCE(SUM(CASE WHEN outcome IS NOT NULL THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN outcome = 'met' THEN 1 ELSE 0 END), 0)
             FROM partner_groups WHERE pool_id = $1",
        )
        .bind(pool_id)
        .fetch_one(&mut *conn)
        .await?;
        Ok(PoolStats {
            members,
            rounds,
            groups,
            answered,
            met,
        })
    }

    /// Partner meetings per member (groups whose check-in said they met), for badges.
    pub async fn partner_meetings(
        conn: &mut Conn,
        member_ids: &[i64],
    ) -> Result<HashMap<i64, u32>, StoreError> {
        let mut out = HashMap::new();
        for chunk in member_ids.chunks(300) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "SELECT gm.member_id, COUNT(*) FROM partner_group_members gm
                 JOIN partner_groups g ON g.id = gm.group_id
                 WHERE g.outcome = 'met' AND gm.member_id IN (",
            );
            let mut list = q.separated(", ");
            for m in chunk {
                list.push_bind(*m);
            }
            q.push(") GROUP BY gm.member_id");
            let rows: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *conn).await?;
            out.extend(rows.into_iter().map(|(m, n)| (m, n as u32)));
        }
        Ok(out)
    }
}
