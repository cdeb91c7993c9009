//! Leaderboard periods: this week (from Monday) and this month, starting at midnight in a zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    AllTime,
}

impl Period {
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "week" | "weekly" => Some(Period::Week),
            "month" | "monthly" => Some(Period::Month),
            "all" | "alltime" | "all-time" | "ever" => Some(Period::AllTime),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Week => "this week",
            Period::Month => "this month",
            Period::AllTime => "all time",
        }
    }

    /// The key under which points earned `now` count for this period in `zone`: the week's Monday
    /// ("w2026-03-02"), the month ("m2026-03"), or "all".
    pub fn key(self, now: DateTime<Utc>, zone: Tz) -> String {
        let today = now.with_timezone(&zone).date_naive();
        match self {
            Period::Week => format!(
                "w{}",
                today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
            ),
            Period::Month => format!("m{}", today.format("%Y-%m")),
            Period::AllTime => "all".to_string(),
        }
    }

    /// When the period began, in UTC; None for all time.
    pub fn start(self, now: DateTime<Utc>, zone: Tz) -> Option<DateTime<Utc>> {
        let today = now.with_timezone(&zone).date_naive();
        let first = match self {
            Period::Week => {
                today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
            }
            Period::Month => NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?,
            Period::AllTime => return None,
        };
        let midnight = first.and_hms_opt(0, 0, 0)?;
        // A zone whose midnight is skipped by DST starts the day at its first valid instant.
        let local = zone.from_local_datetime(&midnight).earliest().or_else(|| {
            zone.from_local_datetime(&(midnight + Duration::hours(1)))
                .earliest()
        })?;
        Some(local.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_midnight_in_the_tenants_zone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap_or(chrono_tz::UTC);
        // Sunday 2026-03-08 23:30 UTC is already Monday 00:30 in Berlin.
        let now = Utc.with_ymd_and_hms(2026, 3, 8, 23, 30, 0).unwrap();
        assert_eq!(
            Period::Week.start(now, berlin),
            Some(Utc.with_ymd_and_hms(2026, 3, 8, 23, 0, 0).unwrap())
        );
        assert_eq!(
            Period::Week.start(now, chrono_tz::UTC),
            Some(Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap())
        );
        assert_eq!(
            Period::Month.start(now, berlin),
            Some(Utc.with_ymd_and_hms(2026, 2, 28, 23, 0, 0).unwrap())
        );
        assert_eq!(Period::AllTime.start(now, berlin), None);
        assert_eq!(Period::parse("month"), Some(Period::Month));
        assert_eq!(Period::parse("year"), None);
        assert_eq!(Period::Week.key(now, berlin), "w2026-03-09");
        assert_eq!(Period::Week.key(now, chrono_tz::UTC), "w2026-03-02");
        assert_eq!(Period::Month.key(now, berlin), "m2026-03");
    }
}
