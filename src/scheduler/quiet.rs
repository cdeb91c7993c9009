//! Quiet hours: a daily local-time window (possibly across midnight) in which no DM is sent.

use super::resolve_local;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use std::fmt;

/// No DMs from `start` (inclusive) to `end` (exclusive), local time; `22:00-07:00` spans midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuietHoursError {
    #[error("quiet hours are written HH:MM-HH:MM (for example 20:00-08:00); `{0}` is not")]
    Format(String),
    #[error("quiet hours `{0}` start and end at the same time")]
    Empty(String),
}

impl QuietHours {
    /// Parses `HH:MM-HH:MM`; `off` (or an empty string) means none.
    pub fn parse(text: &str) -> Result<Option<Self>, QuietHoursError> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let bad = || QuietHoursError::Format(text.to_string());
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad());
        let q = Self {
            start: time(a)?,
            end: time(b)?,
        };
        if q.start == q.end {
            return Err(QuietHoursError::Empty(text.to_string()));
        }
        Ok(Some(q))
    }

    fn is_quiet(&self, t: NaiveTime) -> bool {
        if self.start < self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// `at` itself when it is outside quiet hours in `zone`, else the end of the quiet window.
    pub fn next_allowed(&self, at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
        let local = at.with_timezone(&zone).naive_local();
        if !self.is_quiet(local.time()) {
            return at;
        }
        let mut day = local.date();
        if local.time() >= self.end {
            day += Duration::days(1);
        }
        resolve_local(zone, day.and_time(self.end)).unwrap_or(at)
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}
