//! Drip campaigns as team leads describe them: a config table, or `key=value` words (chat, CLI: read
//! by `command::campaign_spec`), validated into a spec with clear messages that name the key at fault.

use crate::scheduler::{CatchUp, Schedule, ScheduleError};
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
    /// Validates; `today` gives the current date in a zone (the default start).
    pub fn validate(
        self,
        today: impl Fn(chrono_tz::Tz) -> NaiveDate,
    ) -> Result<CampaignSpec, CampaignError> {
        self.check()?.complete(today)
    }

    /// Reads and checks every value that needs neither the date nor where the campaign is created.
    pub fn check(self) -> Result<NewCampaign, CampaignError> {
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
        let zone = self
            .zone
            .ok_or(CampaignError::Missing("zone", "zone=Europe/Berlin"))?;
        let schedule = Schedule::parse(&cron, &zone)?;
        let start = self
            .start
            .as_deref()
            .map(|s| date("start", s))
            .transpose()?;
        let end = self.end.as_deref().map(|s| date("end", s)).transpose()?;
        let due = self.due.as_deref().map(|s| date("due", s)).transpose()?;
        // With a start given, the end and due dates are checked here (before catch-up and
        // when-done, as always); with the default start (today), once the date is known.
        if let Some(start) = start {
            check_dates(start, end, due)?;
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
        Ok(NewCampaign {
            name: self.name.filter(|n| !n.is_empty()),
            course,
            channel: self.channel,
            dm: self.dm,
            members: self.members,
            schedule,
            learner_time: self.learner_time,
            start,
            end,
            due,
            catch_up,
            when_done,
            draft: self.draft,
        })
    }
}

/// A campaign whose values are read and checked; `complete` settles the start date's default and
/// whether it has an audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    /// None: named after its course.
    pub name: Option<String>,
    pub course: String,
    pub channel: Option<String>,
    pub dm: bool,
    pub members: Vec<String>,
    pub schedule: Schedule,
    pub learner_time: bool,
    /// None: today, in the campaign's zone.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub catch_up: CatchUp,
    pub when_done: WhenDone,
    pub draft: bool,
}

impl NewCampaign {
    /// The spec, with `today` giving the current date in a zone (the default start).
    pub fn complete(
        self,
        today: impl Fn(chrono_tz::Tz) -> NaiveDate,
    ) -> Result<CampaignSpec, CampaignError> {
        let starts_on = self.start.unwrap_or_else(|| today(self.schedule.zone));
        check_dates(starts_on, self.end, self.due)?;
        let channel = self.channel.filter(|c| !c.is_empty());
        if !self.dm && channel.is_none() {
            return Err(CampaignError::Missing("channel", "channel=#general"));
        }
        if self.dm && channel.is_none() && self.members.is_empty() {
            return Err(CampaignError::NoAudience);
        }
        Ok(CampaignSpec {
            name: self.name.unwrap_or(self.course.clone()),
            course: self.course,
            channel,
            dm: self.dm,
            members: self.members,
            schedule: self.schedule,
            learner_time: self.learner_time,
            starts_on,
            ends_on: self.end,
            due_on: self.due,
            catch_up: self.catch_up,
            when_done: self.when_done,
            draft: self.draft,
        })
    }
}

/// The end and due dates, if any, come on or after the start.
fn check_dates(
    start: NaiveDate,
    end: Option<NaiveDate>,
    due: Option<NaiveDate>,
) -> Result<(), CampaignError> {
    if let Some(end) = end.filter(|e| *e < start) {
        return Err(CampaignError::EndBeforeStart { start, end });
    }
    if let Some(due) = due.filter(|d| *d < start) {
        return Err(CampaignError::DueBeforeStart { start, due });
    }
    Ok(())
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
