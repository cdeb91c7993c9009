//! A learner's holds on campaign DMs (pause, snooze) and per-tenant settings (quiet hours).

use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};

impl Store {
    pub async fn set_member_paused(
        conn: &mut Conn,
        member_id: i64,
        paused: bool,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE members SET paused = $1 WHERE id = $2")
            .bind(paused)
            .bind(member_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Holds campaign DMs until `until` (None lifts the snooze).
    pub async fn set_member_snooze(
        conn: &mut Conn,
        member_id: i64,
        until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE members SET snoozed_until = $1 WHERE id = $2")
            .bind(until.map(ts))
            .bind(member_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// The tenant's quiet hours: Some(text) when set from chat ("off" or "HH:MM-HH:MM"), None for the default.
    pub async fn tenant_quiet_hours(
        conn: &mut Conn,
        tenant_id: i64,
    ) -> Result<Option<String>, StoreError> {
        let v: Option<Option<String>> =
            sqlx::query_scalar("SELECT quiet_hours FROM tenant_settings WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_optional(&mut *conn)
                .await?;
        Ok(v.flatten())
    }

    pub async fn set_tenant_quiet_hours(
        conn: &mut Conn,
        tenant_id: i64,
        quiet_hours: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tenant_settings (tenant_id, quiet_hours) VALUES ($1, $2)
             ON CONFLICT (tenant_id) DO UPDATE SET quiet_hours = excluded.quiet_hours",
        )
        .bind(tenant_id)
        .bind(quiet_hours)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The member's active campaign recipient rows: (row id, campaign id, the member's zone).
    pub async fn member_recipients(
        conn: &mut Conn,
        member_id: i64,
    ) -> Result<Vec<(i64, super::CampaignId, Option<String>)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.campaign_id, m.time_zone FROM campaign_recipients r
             JOIN members m ON m.id = r.member_id
             WHERE r.member_id = $1 AND r.state = 'active'",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?)
    }
}

/// A per-tenant setting team leads change from chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantSetting {
    TimeZone,
    LeaderboardsOff,
    ExcludeWeekends,
}

impl TenantSetting {
    fn column(self) -> &'static str {
        match self {
            TenantSetting::TimeZone => "time_zone",
            TenantSetting::LeaderboardsOff => "leaderboards_off",
            TenantSetting::ExcludeWeekends => "exclude_weekends",
        }
    }
}

/// A tenant's own recognition settings (None: the configured default).
#[derive(Debug, Clone, Default)]
pub struct TenantRecognition {
    pub time_zone: Option<String>,
    pub leaderboards_off: Option<bool>,
    pub exclude_weekends: Option<bool>,
}

impl Store {
    pub async fn tenant_recognition(
        conn: &mut Conn,
        tenant_id: i64,
    ) -> Result<TenantRecognition, StoreError> {
        let row: Option<(Option<String>, Option<bool>, Option<bool>)> = sqlx::query_as(
            "SELECT time_zone, leaderboards_off, exclude_weekends FROM tenant_settings WHERE tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(row
            .map(
                |(time_zone, leaderboards_off, exclude_weekends)| TenantRecognition {
                    time_zone,
                    leaderboards_off,
                    exclude_weekends,
                },
            )
            .unwrap_or_default())
    }

    /// Sets one setting (text for the zone, "1"/"0" for the switches).
    pub async fn set_tenant_setting(
        conn: &mut Conn,
        tenant_id: i64,
        setting: TenantSetting,
        value: &str,
    ) -> Result<(), StoreError> {
        let column = setting.column();
        // `column` comes from the enum above, never from input.
        let sql = format!(
            "INSERT INTO tenant_settings (tenant_id, {column}) VALUES ($1, $2)
             ON CONFLICT (tenant_id) DO UPDATE SET {column} = excluded.{column}"
        );
        sqlx::query(&sql)
            .bind(tenant_id)
            .bind(value)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}
