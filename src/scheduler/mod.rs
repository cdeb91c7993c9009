//! Schedules in a time zone: next fire times that are correct across DST, quiet hours, catch-up policy.
//!
//! Fire times are computed on the local calendar and then mapped to UTC. A local time that does not
//! exist (the spring-forward gap) fires once at the first valid time after it; a local time that exists
//! twice (fall-back) fires once, at its first occurrence. Callers never fire at or before the previous
//! fire time, so a schedule never repeats a slot.

mod cron;
mod quiet;

pub use cron::{Cron, CronError};
pub use quiet::{QuietHours, QuietHoursError};

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use std::str::FromStr;

/// A cron expression evaluated in an IANA time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub cron: Cron,
    pub zone: Tz,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Cron(#[from] CronError),
    #[error("`{0}` is not an IANA time zone (for example Europe/Berlin, America/New_York or UTC)")]
    Zone(String),
}

/// Parses an IANA zone name.
pub fn parse_zone(name: &str) -> Result<Tz, ScheduleError> {
    Tz::from_str(name.trim()).map_err(|_| ScheduleError::Zone(name.trim().to_string()))
}

/// The days a search looks ahead: enough for 29 February in any leap-year cycle.
const HORIZON_DAYS: i64 = 366 * 8 + 2;

impl Schedule {
    pub fn parse(cron: &str, zone: &str) -> Result<Self, ScheduleError> {
        Ok(Self {
            cron: Cron::parse(cron)?,
            zone: parse_zone(zone)?,
        })
    }

    /// The same expression in another zone (a learner's own).
    pub fn in_zone(&self, zone: Tz) -> Self {
        Self {
            cron: self.cron.clone(),
            zone,
        }
    }

    /// The first fire time strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let start = after.with_timezone(&self.zone).date_naive() - Duration::days(1);
        for offset in 0..HORIZON_DAYS {
            let day = start + Duration::days(offset);
            let weekday = day.weekday().num_days_from_sunday();
            if !self.cron.day_matches(day.month(), day.day(), weekday) {
                continue;
            }
            for (h, m, s) in self.cron.times_of_day() {
                let Some(naive) = day.and_hms_opt(h, m, s) else {
                    continue;
                };
                if let Some(at) = resolve_local(self.zone, naive)
                    && at > after
                {
                    return Some(at);
                }
            }
        }
        None
    }

    /// The next `n` fire times after `after`, in the schedule's zone (the preview team leads see).
    pub fn preview(&self, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Tz>> {
        let mut out = Vec::with_capacity(n);
        let mut at = after;
        while out.len() < n {
            match self.next_after(at) {
                Some(next) => {
                    out.push(next.with_timezone(&self.zone));
                    at = next;
                }
                None => break,
            }
        }
        out
    }
}

/// A local wall-clock time as an instant: the earlier of a repeated time, the end of a skipped gap.
pub fn resolve_local(zone: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => {
            // Gaps are whole minutes (at most a few hours): the first valid minute is the gap's end.
            let base = naive.with_second(0)?;
            (1..=4 * 60).find_map(|minutes| {
                zone.from_local_datetime(&(base + Duration::minutes(minutes)))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            })
        }
    }
}

/// The local calendar date of an instant in a zone.
pub fn local_date(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// What a job does about slots it missed while the daemon was down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CatchUp {
    /// Missed slots are dropped: the next send is the next slot.
    Skip,
    /// One catch-up send now for any number of missed slots (never a burst).
    Once,
}

impl CatchUp {
    pub fn as_str(self) -> &'static str {
        match self {
            CatchUp::Skip => "skip",
            CatchUp::Once => "once",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "skip" => Some(CatchUp::Skip),
            "once" => Some(CatchUp::Once),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
