//! `[communities]`: participation points for thread replies, featuring, and the built-in prompt lists.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommunitySettings {
    /// Points for a reply in a discussion thread.
    pub reply_points: i64,
    /// Replies per member and day (their local day) that earn points; more are counted, unpaid.
    pub daily_reply_cap: i64,
    /// Replies shorter than this (characters, trimmed) earn nothing.
    pub min_reply_chars: usize,
    /// Extra points when a moderator features a reply.
    pub featured_bonus: i64,
    /// Reactions by which a moderator features a reply (Slack names, Discord characters).
    pub feature_reactions: Vec<String>,
    /// Prompts for schedules not tied to a course (`/nibble prompts "<cron>"`).
    pub prompts: Vec<String>,
    /// Check-in questions, posted in turn by check-in schedules.
    pub checkin_prompts: Vec<String>,
}

impl Default for CommunitySettings {
    fn default() -> Self {
        Self {
            reply_points: 2,
            daily_reply_cap: 5,
            min_reply_chars: 20,
            featured_bonus: 5,
            feature_reactions: vec!["star".into(), "⭐".into(), "🌟".into()],
            prompts: [
                "What's one thing you learned this week that you've already put to use?",
                "Which habit from a recent lesson was hardest to keep up, and why?",
                "Share a small win from trying something new at work.",
                "What would you teach a new colleague in five minutes?",
            ]
            .map(String::from)
            .to_vec(),
            checkin_prompts: [
                "Check-in: what are you working on this week, and what do you want to try from the lessons?",
                "Check-in: what worked, and what didn't, when you tried it out?",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl CommunitySettings {
    /// What is wrong with these settings, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.reply_points < 0 || self.featured_bonus < 0 {
            return Some("points must not be negative".into());
        }
        if !(0..=100).contains(&self.daily_reply_cap) {
            return Some("daily_reply_cap must be between 0 and 100".into());
        }
        if self.min_reply_chars > 2000 {
            return Some("min_reply_chars must be at most 2000".into());
        }
        if self
            .prompts
            .iter()
            .chain(&self.checkin_prompts)
            .any(|p| p.trim().is_empty())
        {
            return Some("prompts must not be empty".into());
        }
        if self.prompts.is_empty() || self.checkin_prompts.is_empty() {
            return Some("`prompts` and `checkin_prompts` need at least one prompt each".into());
        }
        None
    }
}
