//! Drip campaigns as team leads describe them: `key=value` words (chat, CLI) or a config table, validated
//! into a spec with clear messages that name the key at fault.

use crate::scheduler::{CatchUp, Schedule, ScheduleError, parse_zone};
use chrono::NaiveDate;
use serde::Deserialize;

/// A campaign's description before validation; every field optional, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCampaign {
    /// Config declarations only: `<platform>:<id>`, e.g. `slack:T0123` or `discord:8123…`.
    pub tenant: Option<String>,
    pub name: Option<String>,
    pub course: Option<String>,
    /// Where lessons go (or whose joiners are enrolled, with `dm`).
    pub channel: Option<String>,
    /// Each member gets the lessons by DM and progresses on their own.
    #[serde(default)]
    pub dm: bool,
    /// Members to enrol (DM campaigns).
    #[serde(default)]
    pub members: Vec<String>,
    pub cron: Option<String>,
    pub zone: Option<String>,
    /// Evaluate the schedule in each learner's own time zone when known.
    #[serde(default)]
    pub learner_time: bool,
    pub start: Option<String>,
    pub end: Option<String>,
    pub due: Option<String>,
    pub catch_up: Option<String>,
    pub when_done: Option<String>,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenDone {
    /// The campaign (or the learner's part in it) ends after the last lesson.
    Finish,
    /// Keep checking at each slot: lessons added to the course later are sent.
    Wait,
}

impl WhenDone {
    pub fn as_str(self) -> &'static str {
        match self {
            WhenDone::Finish => "finish",
            WhenDone::Wait => "wait",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "finish" => Some(WhenDone::Finish),
            "wait" => Some(WhenDone::Wait),
            _ => None,
        }
    }
}

/// A validated campaign.
#[derive(Debug, Clone)]
pub struct CampaignSpec {
    pub name: String,
    pub course: String,
    pub channel: Option<String>,
    pub dm: bool,
    pub members: Vec<String>,
    pub schedule: Schedule,
    pub learner_time: bool,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub catch_up: CatchUp,
    pub when_done: WhenDone,
    pub draft: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignError {
    #[error("`{0}` is missing (for example {1})")]
    Missing(&'static str, &'static str),
    #[error("`{0}` is not a campaign setting (settings: {KEYS})")]
    UnknownKey(String),
    #[error("`{key}={value}`: {expected}")]
    BadValue {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error("the end date {end} is before the start date {start}")]
    EndBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error("the due date {due} is before the start date {start}")]
    DueBeforeStart { start: NaiveDate, due: NaiveDate },
    #[error("a DM campaign needs members or a channel whose joiners it enrols")]
    NoAudience,
    #[error("unclosed quote in `{0}`")]
    Quote(String),
}

const KEYS: &str = "name, course, channel, dm, members, cron, zone, learner-time, start, end, due, catch-up, when-done, draft";

impl RawCampaign {
    /// Reads `key=value` words; values may be quoted ("…" or “…”). Flags stand alone (`dm`, `draft`).
    pub fn from_words(args: &str) -> Result<Self, CampaignError> {
        let mut raw = RawCampaign::default();
        for word in split_words(args)? {
            let (key, value) = match word.split_once('=') {
                Some((k, v)) => (k.to_lowercase().replace('_', "-"), v.to_string()),
                None => (word.to_lowercase().replace('_', "-"), "yes".to_string()),
            };
            let flag = |name: &'static str| {
                flag_value(&value).ok_or_else(|| CampaignError::BadValue {
                    key: name,
                    value: value.clone(),
                    expected: "flags take yes/no, true/false or on/off (or stand alone)",
                })
            };
            match key.as_str() {
                "name" => raw.name = Some(value),
                "course" => raw.course = Some(value),
                "channel" => raw.channel = Some(value),
                "dm" => raw.dm = flag("dm")?,
                "members" => raw.members.extend(
                    value
                        .split([',', ' '])
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                ),
                "cron" | "schedule" => raw.cron = Some(value),
                "zone" | "tz" => raw.zone = Some(value),
                "learner-time" => raw.learner_time = flag("learner-time")?,
                "start" => raw.start = Some(value),
                "end" => raw.end = Some(value),
                "due" => raw.due = Some(value),
                "catch-up" => raw.catch_up = Some(value),
                "when-done" => raw.when_done = Some(value),
                "draft" => raw.draft = flag("draft")?,
                _ => {
                    let key = word.split('=').next().unwrap_or(&word).to_string();
                    return Err(CampaignError::UnknownKey(key));
                }
            }
        }
        Ok(raw)
    }

    /// Validates; `today` gives the current date in a zone (the default start).
    pub fn validate(
        self,
        today: impl Fn(chrono_tz::Tz) -> NaiveDate,
    ) -> Result<CampaignSpec, CampaignError> {
        let course = self
            .course
            .filter(|c| !c.is_empty())
            .ok_or(CampaignError::Missing(
                "course",
                "course=security-awareness",
            ))?;
        let cron = self
            .cron
            .ok_or(CampaignError::Missing("cron", "cron=\"0 9 * * Mon-Fri\""))?;
        let zone_name = self
            .zone
            .ok_or(CampaignError::Missing("zone", "zone=Europe/Berlin"))?;
        let schedule = Schedule::parse(&cron, &zone_name)?;
        let zone = parse_zone(&zone_name)?;
        let starts_on = match &self.start {
            Some(s) => date("start", s)?,
            None => today(zone),
        };
        let ends_on = self.end.as_deref().map(|s| date("end", s)).transpose()?;
        let due_on = self.due.as_deref().map(|s| date("due", s)).transpose()?;
        if let Some(end) = ends_on.filter(|e| *e < starts_on) {
            return Err(CampaignError::EndBeforeStart {
                start: starts_on,
                end,
            });
        }
        if let Some(due) = due_on.filter(|d| *d < starts_on) {
            return Err(CampaignError::DueBeforeStart {
                start: starts_on,
                due,
            });
        }
        let catch_up = match self.catch_up.as_deref() {
            None => CatchUp::Once,
            Some(v) => CatchUp::parse(v).ok_or_else(|| bad("catch-up", v, "use skip or once"))?,
        };
        let when_done = match self.when_done.as_deref() {
            None => WhenDone::Finish,
            Some(v) => {
                WhenDone::parse(v).ok_or_else(|| bad("when-done", v, "use finish or wait"))?
            }
        };
        let channel = self.channel.filter(|c| !c.is_empty());
        if !self.dm && channel.is_none() {
            return Err(CampaignError::Missing("channel", "channel=#general"));
        }
        if self.dm && channel.is_none() && self.members.is_empty() {
            return Err(CampaignError::NoAudience);
        }
        Ok(CampaignSpec {
            name: self
                .name
                .filter(|n| !n.is_empty())
                .unwrap_or(course.clone()),
            course,
            channel,
            dm: self.dm,
            members: self.members,
            schedule,
            learner_time: self.learner_time,
            starts_on,
            ends_on,
            due_on,
            catch_up,
            when_done,
            draft: self.draft,
        })
    }
}

fn flag_value(value: &str) -> Option<bool> {
    match value.to_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Some(true),
        "no" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

fn bad(key: &'static str, value: &str, expected: &'static str) -> CampaignError {
    CampaignError::BadValue {
        key,
        value: value.to_string(),
        expected,
    }
}

fn date(key: &'static str, value: &str) -> Result<NaiveDate, CampaignError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| bad(key, value, "dates are written YYYY-MM-DD"))
}

/// Splits on whitespace, keeping quoted stretches (straight or curly quotes) together.
pub fn split_words(text: &str) -> Result<Vec<String>, CampaignError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            // Straight or curly double quotes; an apostrophe is just a letter (`name=Bob's`).
            (None, '"' | '“') => quote = Some(if c == '“' { '”' } else { c }),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            (_, c) => current.push(c),
        }
    }
    if quote.is_some() {
        return Err(CampaignError::Quote(text.to_string()));
    }
    if !current.is_empty() {
        words.push(current);
    }
    Ok(words)
}

#[cfg(test)]
#[path = "campaign_tests.rs"]
mod tests;
