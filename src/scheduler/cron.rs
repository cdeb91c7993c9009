//! Cron expressions as team leads type them: 5 fields (Unix) or 6 with seconds first, names or numbers.
//!
//! Day-of-week numbers follow Unix cron (0 or 7 = Sunday, 1 = Monday) in both forms, because that is
//! what people type; names (`Mon-Fri`) are clearer and accepted everywhere. When both day-of-month and
//! day-of-week are restricted, a day matching either fires (Vixie cron's rule).

use std::fmt;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// A parsed cron expression: the allowed values of each field as bit sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    pub(super) seconds: u64,
    pub(super) minutes: u64,
    pub(super) hours: u64,
    /// Bits 1..=31.
    pub(super) days_of_month: u64,
    /// Bits 1..=12.
    pub(super) months: u64,
    /// Bits 0..=6, Sunday = 0.
    pub(super) days_of_week: u64,
    pub(super) dom_restricted: bool,
    pub(super) dow_restricted: bool,
    source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CronError {
    #[error(
        "a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; `{0}` has {1}"
    )]
    FieldCount(String, usize),
    #[error("cron field {position} ({name}): {message}")]
    Field {
        position: usize,
        name: &'static str,
        message: String,
    },
    #[error("`{0}` never fires (no such date)")]
    Never(String),
}

struct FieldSpec {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    /// The value the first name stands for.
    names_from: u32,
}

const SECOND: FieldSpec = spec("second", 0, 59);
const MINUTE: FieldSpec = spec("minute", 0, 59);
const HOUR: FieldSpec = spec("hour", 0, 23);
const DAY_OF_MONTH: FieldSpec = spec("day of month", 1, 31);
const MONTH: FieldSpec = FieldSpec {
    names: &MONTHS,
    names_from: 1,
    ..spec("month", 1, 12)
};
// 7 is accepted as Sunday and folded to 0 after parsing.
const DAY_OF_WEEK: FieldSpec = FieldSpec {
    names: &DAYS,
    names_from: 0,
    ..spec("day of week", 0, 7)
};

const fn spec(name: &'static str, min: u32, max: u32) -> FieldSpec {
    FieldSpec {
        name,
        min,
        max,
        names: &[],
        names_from: 0,
    }
}

impl Cron {
    pub fn parse(expr: &str) -> Result<Self, CronError> {
        let fields: Vec<&str> = expr.split_whitespace().collect();
        let (offset, specs): (usize, Vec<&FieldSpec>) = match fields.len() {
            5 => (1, vec![&MINUTE, &HOUR, &DAY_OF_MONTH, &MONTH, &DAY_OF_WEEK]),
            6 => (
                0,
                vec![&SECOND, &MINUTE, &HOUR, &DAY_OF_MONTH, &MONTH, &DAY_OF_WEEK],
            ),
            n => return Err(CronError::FieldCount(expr.trim().to_string(), n)),
        };
        let mut sets = Vec::with_capacity(6);
        if offset == 1 {
            sets.push(1); // second 0
        }
        for (i, (field, spec)) in fields.iter().zip(&specs).enumerate() {
            sets.push(
                parse_field(field, spec).map_err(|message| CronError::Field {
                    position: i + 1,
                    name: spec.name,
                    message,
                })?,
            );
        }
        let mut dow = sets[5];
        if dow & (1 << 7) != 0 {
            dow = (dow & !(1 << 7)) | 1;
        }
        let cron = Cron {
            seconds: sets[0],
            minutes: sets[1],
            hours: sets[2],
            days_of_month: sets[3],
            months: sets[4],
            days_of_week: dow,
            dom_restricted: restricted(fields[3 - offset]),
            dow_restricted: restricted(fields[5 - offset]),
            source: fields.join(" "),
        };
        if !cron.some_date_exists() {
            return Err(CronError::Never(cron.source.clone()));
        }
        Ok(cron)
    }

    /// Rejects e.g. `0 9 31 2 *` (31 February) unless a weekday rule also applies.
    fn some_date_exists(&self) -> bool {
        if self.dow_restricted || !self.dom_restricted {
            return true;
        }
        const LONGEST: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        (1..=12u32).any(|m| {
            self.months & (1 << m) != 0 && (1..=LONGEST[m as usize - 1]).any(|d| self.dom(d))
        })
    }

    pub(super) fn dom(&self, day: u32) -> bool {
        self.days_of_month & (1 << day) != 0
    }

    /// Whether a calendar day matches the day fields.
    pub(super) fn day_matches(&self, month: u32, day: u32, weekday_from_sunday: u32) -> bool {
        if self.months & (1 << month) == 0 {
            return false;
        }
        let dom = self.dom(day);
        let dow = self.days_of_week & (1 << weekday_from_sunday) != 0;
        // Vixie cron: either day field starting with `*` (or `?`) makes both apply together.
        if self.dom_restricted && self.dow_restricted {
            dom || dow
        } else {
            dom && dow
        }
    }

    /// The (hour, minute, second) slots of a matching day, in order.
    pub(super) fn times_of_day(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        bits(self.hours, 23).flat_map(move |h| {
            bits(self.minutes, 59).flat_map(move |m| bits(self.seconds, 59).map(move |s| (h, m, s)))
        })
    }
}

impl fmt::Display for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Whether a day field restricts the days (Vixie cron's rule: a field starting with `*` does not,
/// even with a step such as `*/2`; `?` is a synonym of `*`).
fn restricted(field: &str) -> bool {
    !(field.starts_with('*') || field.starts_with('?'))
}

fn bits(set: u64, max: u32) -> impl Iterator<Item = u32> {
    (0..=max).filter(move |b| set & (1 << b) != 0)
}

fn parse_field(field: &str, spec: &FieldSpec) -> Result<u64, String> {
    let mut set = 0u64;
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s.parse().ok().filter(|n| *n > 0).ok_or(format!(
                    "`{s}` in `{part}` is not a step (a whole number from 1)"
                ))?;
                (r, step)
            }
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" || range == "?" {
            (spec.min, spec.max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, spec)?, value(b, spec)?)
        } else {
            let v = value(range, spec)?;
            // `5/15` means from 5 to the end in steps of 15.
            (v, if part.contains('/') { spec.max } else { v })
        };
        if lo > hi {
            return Err(format!("the range `{range}` runs backwards"));
        }
        for v in (lo..=hi).step_by(step as usize) {
            set |= 1 << v;
        }
    }
    Ok(set)
}

fn value(text: &str, spec: &FieldSpec) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = spec
        .names
        .iter()
        .position(|n| lower.starts_with(n) && lower.len() <= 9)
    {
        return Ok(i as u32 + spec.names_from);
    }
    let n: u32 = text.parse().map_err(|_| {
        if spec.names.is_empty() {
            format!("`{text}` is not a number")
        } else {
            format!(
                "`{text}` is neither a number nor a name ({})",
                spec.names.join(", ")
            )
        }
    })?;
    if n < spec.min || n > spec.max {
        return Err(format!(
            "{n} is out of range ({} to {})",
            spec.min, spec.max
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_and_six_fields_mean_the_same_with_names_or_numbers() {
        let a = Cron::parse("0 9 * * Mon-Fri").unwrap();
        let b = Cron::parse("0 0 9 * * 1-5").unwrap();
        assert_eq!(
            (a.seconds, a.minutes, a.hours),
            (b.seconds, b.minutes, b.hours)
        );
        assert_eq!(a.days_of_week, 0b0111110);
        assert_eq!(Cron::parse("0 9 * * 7").unwrap().days_of_week, 1);
        assert_eq!(Cron::parse("*/15 * * * *").unwrap().minutes.count_ones(), 4);
    }

    #[test]
    fn day_fields_combine_as_in_vixie_cron() {
        // (month, day, weekday from Sunday): 1 December 2026 is a Tuesday.
        let odd_days = Cron::parse("0 9 */2 * *").unwrap();
        assert!(odd_days.day_matches(12, 1, 2) && !odd_days.day_matches(12, 2, 3));
        // `*/2` in day-of-month with a weekday: both must hold.
        let odd_mondays = Cron::parse("0 9 */2 * Mon").unwrap();
        assert!(odd_mondays.day_matches(12, 7, 1) && !odd_mondays.day_matches(12, 14, 1));
        let mondays = Cron::parse("0 9 ? * Mon").unwrap();
        assert!(mondays.day_matches(12, 7, 1) && !mondays.day_matches(12, 8, 2));
        // Both restricted: either matches.
        let first_or_friday = Cron::parse("0 9 1 * Fri").unwrap();
        assert!(first_or_friday.day_matches(12, 1, 2) && first_or_friday.day_matches(12, 4, 5));
        assert!(!first_or_friday.day_matches(12, 3, 4));
    }

    #[test]
    fn errors_name_the_field_and_the_problem() {
        let e = |s: &str| Cron::parse(s).unwrap_err().to_string();
        assert!(e("0 9 * *").contains("has 4"), "{}", e("0 9 * *"));
        assert_eq!(
            e("0 25 * * *"),
            "cron field 2 (hour): 25 is out of range (0 to 23)"
        );
        assert!(e("0 9 * * Mon-Fry").contains("field 5 (day of week): `Fry`"));
        assert!(e("0 9 * * 5-1").contains("runs backwards"));
        assert!(e("0 9 31 2 *").contains("never fires"));
        assert!(e("0 9 * * */0").contains("not a step"));
    }
}
