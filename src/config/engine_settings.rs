//! What the engine is configured with: the `[campaigns]` table and the settings gathered from the
//! whole config. They live here, below the engine, so that the config never depends on the engine.

use super::{CommunitySettings, RecognitionSettings};
use crate::domain::badges::{BadgeDef, default_badges};
use crate::domain::points::PointsRules;
use crate::domain::review::ReviewRules;

/// What the engine is configured with.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub points: PointsRules,
    pub campaigns: CampaignSettings,
    pub recognition: RecognitionSettings,
    pub badges: Vec<BadgeDef>,
    pub reviews: ReviewRules,
    pub communities: CommunitySettings,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            points: PointsRules::default(),
            campaigns: CampaignSettings::default(),
            recognition: RecognitionSettings::default(),
            badges: default_badges(),
            reviews: ReviewRules::default(),
            communities: CommunitySettings::default(),
        }
    }
}

/// Campaign settings from the config's `[campaigns]` table.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CampaignSettings {
    /// Default quiet hours for campaign DMs in the learner's zone ("off" for none); tenants change theirs
    /// with `/nibble quiet-hours`.
    pub quiet_hours: String,
    /// A slot this late (daemon down, machine asleep) counts as missed and the catch-up policy applies.
    pub late_after_secs: i64,
    /// Due-date reminders start this many days before the due date...
    pub remind_days_before: i64,
    /// ...and repeat this often until the learner finishes (also after the due date).
    pub remind_every_days: i64,
}

impl Default for CampaignSettings {
    fn default() -> Self {
        Self {
            quiet_hours: "20:00-08:00".into(),
            late_after_secs: 600,
            remind_days_before: 3,
            remind_every_days: 2,
        }
    }
}
