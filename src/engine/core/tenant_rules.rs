//! A workspace's zone, streak rules and leaderboard switch: its own settings over the defaults.

use crate::domain::streaks::StreakRules;
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::store::{Store, Tx};
use chrono_tz::Tz;

/// A tenant's zone and streak rules, read once per fold.
pub(crate) struct TenantRules {
    pub zone: Tz,
    pub streaks: StreakRules,
    pub leaderboards: bool,
}

pub(crate) async fn tenant_rules(
    core: &Core,
    tx: &mut Tx<'_>,
    tenant_id: i64,
) -> Result<TenantRules, EngineError> {
    let own = Store::tenant_recognition(tx, tenant_id).await?;
    let r = &core.recognition;
    let zone = own
        .time_zone
        .as_deref()
        .unwrap_or(&r.time_zone)
        .parse()
        .unwrap_or(chrono_tz::UTC);
    Ok(TenantRules {
        zone,
        streaks: StreakRules {
            exclude_weekends: own.exclude_weekends.unwrap_or(r.exclude_weekends),
            freezes_per_week: r.freezes_per_week,
        },
        leaderboards: !own.leaderboards_off.unwrap_or(!r.leaderboards),
    })
}
