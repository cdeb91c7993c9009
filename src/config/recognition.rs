//! `[recognition]` and `[[badge]]`: streak rules, leaderboard defaults and how badges are announced.

use crate::domain::badges::BadgeDef;
use serde::Deserialize;

/// Where a new badge is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Announce {
    /// To the member by DM.
    #[default]
    Dm,
    /// In the channel where it was earned (a channel quiz); by DM when it was earned in a DM.
    Channel,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecognitionSettings {
    /// The zone weeks and months begin in, for tenants that did not set theirs (`/nibble timezone`).
    pub time_zone: String,
    /// Leaderboards on for tenants that did not turn them off (`/nibble leaderboard off`).
    pub leaderboards: bool,
    /// Saturdays and Sundays neither extend nor break a streak (tenants: `/nibble weekends skip`).
    pub exclude_weekends: bool,
    /// Missed days per week that do not break a streak (0: no freeze).
    pub freezes_per_week: u32,
    /// Streak lengths (days) that earn `points.streak_milestone`.
    pub streak_milestones: Vec<u32>,
    pub announce_badges: Announce,
}

impl Default for RecognitionSettings {
    fn default() -> Self {
        Self {
            time_zone: "UTC".into(),
            leaderboards: true,
            exclude_weekends: false,
            freezes_per_week: 1,
            streak_milestones: vec![3, 7, 14, 30, 60, 100],
            announce_badges: Announce::Dm,
        }
    }
}

/// Checks declared badges: ids unique and non-empty.
pub fn validate_badges(badges: &[BadgeDef]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for b in badges {
        if b.id.trim().is_empty() || b.name.trim().is_empty() {
            return Err("every badge needs an id and a name".into());
        }
        if !seen.insert(b.id.as_str()) {
            return Err(format!("badge id `{}` is declared twice", b.id));
        }
    }
    Ok(())
}
