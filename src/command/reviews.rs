//! The reviews feature's commands: `/nibble reviews`, `/nibble review-time HH:MM|off|on` and
//! `/nibble vacation <length>|off`.

use super::values::parse_length;
use super::{Permission, UsageError};
use crate::domain::review::parse_review_time;
use chrono::{Duration, NaiveTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewCommand {
    /// The member's cards, what is due, when the next review DM comes (also `review-time` alone).
    Reviews,
    ReviewTime(ReviewTime),
    Vacation(Vacation),
}

/// When the daily review DM comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewTime {
    /// No review DMs.
    Off,
    /// Review DMs again, at the time set before.
    On,
    /// At this time of day in the member's zone.
    At(NaiveTime),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vacation {
    /// Back early.
    Off,
    /// Away this long (a day at least). A mistake in the length is told only when the member is
    /// not on vacation already: that is told first.
    For(Result<Duration, UsageError>),
}

impl ReviewCommand {
    /// `/nibble reviews`, `/nibble review-time …`, `/nibble vacation …`; None for another
    /// feature's subcommand.
    pub fn parse_sub(sub: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        Some(match sub {
            "reviews" => Ok(ReviewCommand::Reviews),
            "review-time" => Self::review_time(rest),
            "vacation" => Ok(ReviewCommand::Vacation(Self::vacation(rest))),
            _ => return None,
        })
    }

    /// `HH:MM`, `off`, `on`, or nothing (the current setting) (also Discord's `time` option).
    pub fn review_time(value: &str) -> Result<Self, UsageError> {
        let typed = value.trim();
        Ok(ReviewCommand::ReviewTime(
            match typed.to_lowercase().as_str() {
                "" => return Ok(ReviewCommand::Reviews),
                "off" => ReviewTime::Off,
                "on" => ReviewTime::On,
                other => ReviewTime::At(parse_review_time(other).ok_or_else(|| {
                    UsageError::new(
                        Permission::Anyone,
                        format!(
                            "“{typed}” isn't a time. Use 24-hour `HH:MM`, e.g. `/nibble review-time 08:30`, or `/nibble review-time off`."
                        ),
                    )
                })?),
            },
        ))
    }

    /// `2w`, `5d` or `off` (also Discord's `length` option).
    pub fn vacation(length: &str) -> Vacation {
        if length.trim().eq_ignore_ascii_case("off") {
            return Vacation::Off;
        }
        Vacation::For(
            parse_length(length)
                .filter(|d| *d >= Duration::days(1))
                .ok_or_else(|| {
                    UsageError::new(
                        Permission::Anyone,
                        "How long? For example `/nibble vacation 2w` (days `d` or weeks `w`, up to 12 weeks), or `/nibble vacation off`.",
                    )
                }),
        )
    }

    pub fn permission(&self) -> Permission {
        Permission::Anyone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;

    fn reviews(args: &str) -> Result<ReviewCommand, UsageError> {
        Command::parse("nibble", args).map(|c| match c {
            Command::Reviews(c) => c,
            other => panic!("/nibble {args}: {other:?}"),
        })
    }

    #[test]
    fn reviews_and_review_time_alone_show_the_reviews() {
        assert_eq!(reviews("reviews"), Ok(ReviewCommand::Reviews));
        assert_eq!(reviews("review-time  "), Ok(ReviewCommand::Reviews));
        assert_eq!(ReviewCommand::Reviews.permission(), Permission::Anyone);
    }

    #[test]
    fn review_time_is_a_time_off_or_on() {
        let at = |h, m| {
            Ok(ReviewCommand::ReviewTime(ReviewTime::At(
                NaiveTime::from_hms_opt(h, m, 0).expect("time"),
            )))
        };
        assert_eq!(reviews("review-time 08:30"), at(8, 30));
        assert_eq!(reviews("review-time 7:05"), at(7, 5));
        assert_eq!(
            reviews("review-time OFF"),
            Ok(ReviewCommand::ReviewTime(ReviewTime::Off))
        );
        assert_eq!(
            reviews("review-time on"),
            Ok(ReviewCommand::ReviewTime(ReviewTime::On))
        );
        for typed in ["Noon", "25:00", "8:3", "08:30:00"] {
            let e = reviews(&format!("review-time {typed}")).expect_err(typed);
            assert_eq!(
                e.message,
                format!(
                    "“{typed}” isn't a time. Use 24-hour `HH:MM`, e.g. `/nibble review-time 08:30`, or `/nibble review-time off`."
                )
            );
            assert_eq!(e.permission, Permission::Anyone);
        }
    }

    #[test]
    fn vacation_is_a_length_of_a_day_or_more_or_off() {
        let vacation = |args: &str| match reviews(&format!("vacation {args}")) {
            Ok(ReviewCommand::Vacation(v)) => v,
            other => panic!("vacation {args}: {other:?}"),
        };
        assert_eq!(vacation("2w"), Vacation::For(Ok(Duration::weeks(2))));
        assert_eq!(vacation("1d"), Vacation::For(Ok(Duration::days(1))));
        assert_eq!(vacation(" Off "), Vacation::Off);
        let wrong = "How long? For example `/nibble vacation 2w` (days `d` or weeks `w`, up to 12 weeks), or `/nibble vacation off`.";
        for args in ["", "12h", "forever", "13w"] {
            match vacation(args) {
                Vacation::For(Err(e)) => assert_eq!(e.message, wrong, "{args}"),
                other => panic!("vacation {args}: {other:?}"),
            }
        }
    }
}
