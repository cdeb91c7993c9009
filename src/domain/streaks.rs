//! Streaks: consecutive learning days in the learner's own calendar, with weekends optionally not
//! counted against it and a weekly freeze that bridges a missed day.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StreakRules {
    /// Saturdays and Sundays neither extend nor break a streak (learning on them still counts).
    pub exclude_weekends: bool,
    /// Missed days per ISO week that do not break the streak.
    pub freezes_per_week: u32,
}

impl Default for StreakRules {
    fn default() -> Self {
        Self {
            exclude_weekends: false,
            freezes_per_week: 1,
        }
    }
}

/// The calendar day an instant falls on for someone in `zone` (DST handled by the zone's rules).
pub fn local_day(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The streak as of `today`: learning days counted back without a break. Today not learned yet does
/// not break it (the day is not over); a missed weekday uses the week's freeze if one is left; days
/// in `vacations` (first, last, both included) are not owed.
pub fn current_streak(
    days: &BTreeSet<NaiveDate>,
    today: NaiveDate,
    rules: &StreakRules,
    vacations: &[(NaiveDate, NaiveDate)],
) -> u32 {
    let on_vacation = |d: NaiveDate| vacations.iter().any(|(a, b)| *a <= d && d <= *b);
    let Some(&first) = days.iter().next() else {
        return 0;
    };
    let mut freezes: HashMap<(i32, u32), u32> = HashMap::new();
    let mut count = 0;
    let mut day = today;
    let mut any = false;
    while day >= first {
        let learned = days.contains(&day);
        if learned {
            count += 1;
            any = true;
        } else if day == today || (rules.exclude_weekends && is_weekend(day)) || on_vacation(day) {
            // today is still in progress; weekends and vacations are not owed
        } else {
            let week = (day.iso_week().year(), day.iso_week().week());
            let used = freezes.entry(week).or_default();
            if *used < rules.freezes_per_week && any_before(days, day) && any {
                *used += 1;
            } else {
                break;
            }
        }
        let Some(prev) = day.pred_opt() else { break };
        day = prev;
    }
    count
}

fn any_before(days: &BTreeSet<NaiveDate>, day: NaiveDate) -> bool {
    days.range(..day).next_back().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn set(days: &[&str]) -> BTreeSet<NaiveDate> {
        days.iter().map(|s| d(s)).collect()
    }

    const STRICT: StreakRules = StreakRules {
        exclude_weekends: false,
        freezes_per_week: 0,
    };

    #[test]
    fn consecutive_days_count_and_a_gap_breaks() {
        let days = set(&["2026-03-02", "2026-03-03", "2026-03-04"]);
        assert_eq!(current_streak(&days, d("2026-03-04"), &STRICT, &[]), 3);
        assert_eq!(
            current_streak(&days, d("2026-03-05"), &STRICT, &[]),
            3,
            "today not over yet"
        );
        assert_eq!(
            current_streak(&days, d("2026-03-06"), &STRICT, &[]),
            0,
            "yesterday missed"
        );
        let gap = set(&["2026-03-01", "2026-03-03", "2026-03-04"]);
        assert_eq!(current_streak(&gap, d("2026-03-04"), &STRICT, &[]), 2);
        assert_eq!(
            current_streak(&BTreeSet::new(), d("2026-03-04"), &STRICT, &[]),
            0
        );
    }

    #[test]
    fn a_freeze_bridges_one_missed_day_a_week() {
        let rules = StreakRules {
            exclude_weekends: false,
            freezes_per_week: 1,
        };
        // Mon, Tue, (Wed missed), Thu
        let one_gap = set(&["2026-03-02", "2026-03-03", "2026-03-05"]);
        assert_eq!(current_streak(&one_gap, d("2026-03-05"), &rules, &[]), 3);
        // Mon, (Tue, Wed missed), Thu: two misses in one week
        let two_gaps = set(&["2026-03-02", "2026-03-05"]);
        assert_eq!(current_streak(&two_gaps, d("2026-03-05"), &rules, &[]), 1);
    }

    #[test]
    fn weekends_can_be_excluded() {
        let rules = StreakRules {
            exclude_weekends: true,
            freezes_per_week: 0,
        };
        // Thu, Fri, (Sat, Sun off), Mon
        let days = set(&["2026-03-05", "2026-03-06", "2026-03-09"]);
        assert_eq!(current_streak(&days, d("2026-03-09"), &rules, &[]), 3);
        assert_eq!(current_streak(&days, d("2026-03-09"), &STRICT, &[]), 1);
    }

    #[test]
    fn vacation_days_neither_extend_nor_break_a_streak() {
        // Mon, Tue, (vacation Wed-Sun), Mon
        let days = set(&["2026-03-02", "2026-03-03", "2026-03-09"]);
        let away = [(d("2026-03-04"), d("2026-03-08"))];
        assert_eq!(current_streak(&days, d("2026-03-09"), &STRICT, &away), 3);
        assert_eq!(current_streak(&days, d("2026-03-09"), &STRICT, &[]), 1);
        // Still away today: the streak waits.
        let before = set(&["2026-03-02", "2026-03-03"]);
        assert_eq!(current_streak(&before, d("2026-03-06"), &STRICT, &away), 2);
    }

    #[test]
    fn the_day_changes_at_the_learners_midnight_across_dst() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap_or(chrono_tz::UTC);
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap_or(chrono_tz::UTC);
        // 2026-03-29 is the spring-forward day in Berlin (02:00 -> 03:00, UTC+2 after).
        let late = Utc.with_ymd_and_hms(2026, 3, 29, 21, 30, 0).unwrap();
        assert_eq!(
            local_day(late, berlin),
            d("2026-03-29"),
            "23:30 CEST is still the 29th"
        );
        assert_eq!(local_day(late, tokyo), d("2026-03-30"));
        let after_midnight = Utc.with_ymd_and_hms(2026, 3, 29, 22, 30, 0).unwrap();
        assert_eq!(local_day(after_midnight, berlin), d("2026-03-30"));
        // 2026-10-25 falls back (03:00 -> 02:00, UTC+1 after): 23:30 local is 22:30 UTC.
        let autumn = Utc.with_ymd_and_hms(2026, 10, 25, 22, 30, 0).unwrap();
        assert_eq!(local_day(autumn, berlin), d("2026-10-25"));
    }
}
