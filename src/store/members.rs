//! Tenants (a Slack workspace, a Discord guild, a local team) and their members.

use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};

impl Store {
    /// The tenant's id, creating the row on first sight.
    #[tracing::instrument(name = "store.ensure_tenant", skip(conn))]
    pub async fn ensure_tenant(
        conn: &mut Conn,
        platform: &str,
        external_id: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        sqlx::query(
            "INSERT INTO tenants (platform, external_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (platform, external_id) DO NOTHING",
        )
        .bind(platform)
        .bind(external_id)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM tenants WHERE platform = $1 AND external_id = $2")
                .bind(platform)
                .bind(external_id)
                .fetch_one(&mut *conn)
                .await?;
        Ok(id)
    }

    /// The member's id, creating the row on first sight and refreshing name and time zone (an empty
    /// name, when the platform could not say, keeps the stored one).
    #[tracing::instrument(name = "store.ensure_member", skip(conn, display_name, time_zone))]
    pub async fn ensure_member(
        conn: &mut Conn,
        tenant_id: i64,
        external_id: &str,
        display_name: &str,
        time_zone: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO members (tenant_id, external_id, display_name, time_zone, created_at)
             VALUES ($1, $2, COALESCE(NULLIF($3, ''), $2), $4, $5)
             ON CONFLICT (tenant_id, external_id) DO UPDATE
               SET display_name = CASE WHEN $3 = '' THEN members.display_name
                                       ELSE excluded.display_name END,
                   time_zone = COALESCE(excluded.time_zone, members.time_zone)
             RETURNING id",
        )
        .bind(tenant_id)
        .bind(external_id)
        .bind(display_name)
        .bind(time_zone)
        .bind(ts(now))
        .fetch_one(&mut *conn)
        .await?;
        Ok(id)
    }

    /// The tenant's id if it exists.
    pub async fn find_tenant(
        &self,
        platform: &str,
        external_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM tenants WHERE platform = $1 AND external_id = $2")
                .bind(platform)
                .bind(external_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

impl Store {
    /// Every tenant: (id, platform, external id).
    pub async fn tenants(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, platform, external_id FROM tenants ORDER BY platform, external_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Store {
    /// The member's id, creating a row named by the id when the member was never seen (an enrolment
    /// by mention); an existing member's name and zone are kept. Returns the id and the known zone.
    pub async fn ensure_member_id(
        conn: &mut Conn,
        tenant_id: i64,
        external_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(i64, Option<String>), StoreError> {
        Ok(sqlx::query_as(
            "INSERT INTO members (tenant_id, external_id, display_name, created_at) VALUES ($1, $2, $2, $3)
             ON CONFLICT (tenant_id, external_id) DO UPDATE SET external_id = excluded.external_id
             RETURNING id, time_zone",
        )
        .bind(tenant_id)
        .bind(external_id)
        .bind(ts(now))
        .fetch_one(&mut *conn)
        .await?)
    }
}

impl Store {
    /// Members whose display name is `name` (any case), for a plain `@name` mention: at most two,
    /// enough to tell one from several.
    pub async fn members_named(
        conn: &mut Conn,
        tenant_id: i64,
        name: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT external_id FROM members WHERE tenant_id = $1 AND lower(display_name) = lower($2)
             ORDER BY id LIMIT 2",
        )
        .bind(tenant_id)
        .bind(name)
        .fetch_all(&mut *conn)
        .await?)
    }
}

impl Store {
    /// A member's id by their platform id, if nibble knows them.
    pub async fn member_id_of(
        conn: &mut Conn,
        tenant_id: i64,
        external_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM members WHERE tenant_id = $1 AND external_id = $2")
                .bind(tenant_id)
                .bind(external_id)
                .fetch_optional(&mut *conn)
                .await?,
        )
    }
}

impl Store {
    /// The roles the platform last gave a member (team lead, moderator); None if never looked up.
    #[tracing::instrument(name = "store.remembered_roles", skip(self))]
    pub async fn remembered_roles(
        &self,
        platform: &str,
        tenant: &str,
        user: &str,
    ) -> Result<Option<(bool, bool)>, StoreError> {
        let row: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT m.is_lead, m.is_moderator FROM members m JOIN tenants t ON t.id = m.tenant_id
             WHERE t.platform = $1 AND t.external_id = $2 AND m.external_id = $3",
        )
        .bind(platform)
        .bind(tenant)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((Some(lead), Some(moderator))) => Some((lead != 0, moderator != 0)),
            _ => None,
        })
    }

    /// Remembers a member's roles as the platform gave them (unchanged roles write nothing).
    pub async fn remember_roles(
        conn: &mut Conn,
        member_id: i64,
        (lead, moderator): (bool, bool),
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE members SET is_lead = $2, is_moderator = $3
             WHERE id = $1 AND (COALESCE(is_lead, -1) <> $2 OR COALESCE(is_moderator, -1) <> $3)",
        )
        .bind(member_id)
        .bind(i64::from(lead))
        .bind(i64::from(moderator))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}
