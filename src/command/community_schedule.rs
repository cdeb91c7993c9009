//! Community moderators' settings for a channel: prompt, check-in and digest schedules (`/nibble
//! prompts|checkins|digest`, `community`, `unschedule`) and where stories and questions are posted
//! (`/nibble stories-channel`, `qa-channel`).

use super::values::unquote;
use super::{Permission, UsageError};
use crate::scheduler::{Cron, ScheduleError, parse_zone};
use chrono_tz::Tz;

/// What anyone but a community moderator is told when they try to change these settings.
pub const NOT_MODERATOR_SETTINGS: &str =
    "Only community moderators can change community schedules and channels.";

pub(super) const SETTINGS_MODERATOR: Permission = Permission::Moderator {
    refusal: NOT_MODERATOR_SETTINGS,
};

/// Told for a schedule number that is not one (and, by the handler, for one that is not ours).
pub const NO_SUCH_SCHEDULE: &str = "No such schedule: `/nibble community` lists them.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommunitySetting {
    /// `/share` stories go to this channel.
    StoriesChannel,
    /// `/ask` questions (about one course, or any: None) go to this channel. Whether the course
    /// exists is the catalog's to say.
    QaChannel {
        course: Option<String>,
    },
    /// `/nibble community`: every schedule.
    Schedules,
    /// Stops a schedule.
    Unschedule {
        id: i64,
    },
    /// Posts a digest here now.
    DigestNow,
    /// Discussion prompts from a course's `prompts.toml` (None: `general`, the configured ones).
    /// The course is checked first, against the catalog, so a schedule that does not read is told
    /// only after it: the cadence waits here with what to say about it.
    Prompts {
        course: Option<String>,
        cadence: Result<Cadence, UsageError>,
    },
    CheckIns(Cadence),
    Digest(Cadence),
}

/// When a schedule fires: a cron expression as typed (or `daily`, `weekly`, `weekdays`), read, and
/// a time zone if one was given (else the handler takes the moderator's or the configured one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cadence {
    /// The expression as stored and shown back.
    pub text: String,
    pub cron: Cron,
    pub zone: Option<Tz>,
}

/// A schedule kind's usage line.
pub fn schedule_usage(kind: &str) -> String {
    format!(
        "Usage: `/nibble {kind} {}\"<cron>\" [zone]` (or `daily`, `weekly`, `weekdays` instead of a cron expression)",
        if kind == "prompts" {
            "<course|general> "
        } else {
            ""
        }
    )
}

/// What a schedule that does not work is told (`usage` is its kind's usage line).
pub fn bad_schedule(error: &ScheduleError, kind: &str) -> String {
    format!(
        "That schedule doesn't work: {error}\n{}",
        schedule_usage(kind)
    )
}

fn refused(message: impl Into<String>) -> UsageError {
    UsageError::new(SETTINGS_MODERATOR, message)
}

impl CommunitySetting {
    /// `/nibble <verb> <rest>` for a community setting; None for another verb.
    pub(super) fn parse(verb: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        let rest = rest.trim();
        Some(match verb {
            "stories-channel" => Ok(CommunitySetting::StoriesChannel),
            "qa-channel" => Ok(CommunitySetting::QaChannel {
                course: (!rest.is_empty()).then(|| rest.to_string()),
            }),
            "community" => Ok(CommunitySetting::Schedules),
            "unschedule" => rest
                .trim_start_matches('#')
                .parse::<i64>()
                .map(|id| CommunitySetting::Unschedule { id })
                .map_err(|_| refused(NO_SUCH_SCHEDULE)),
            "digest" if rest == "now" => Ok(CommunitySetting::DigestNow),
            "digest" => Cadence::parse("digest", rest).map(CommunitySetting::Digest),
            "checkins" => Cadence::parse("checkins", rest).map(CommunitySetting::CheckIns),
            "prompts" => {
                let (course, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let course = course.trim();
                Ok(CommunitySetting::Prompts {
                    course: (!course.is_empty() && course != "general").then(|| course.to_string()),
                    cadence: Cadence::parse("prompts", rest),
                })
            }
            _ => return None,
        })
    }
}

impl Cadence {
    /// `"<cron>" [zone]` or `daily|weekly|weekdays [zone]`, for a schedule of `kind`.
    pub fn parse(kind: &str, args: &str) -> Result<Self, UsageError> {
        let Some((text, zone)) = cron_and_rest(args) else {
            return Err(refused(schedule_usage(kind)));
        };
        let bad = |e: ScheduleError| refused(bad_schedule(&e, kind));
        let cron = Cron::parse(&text).map_err(|e| bad(e.into()))?;
        let zone = unquote(zone);
        let zone = if zone.is_empty() {
            None
        } else {
            Some(parse_zone(zone).map_err(bad)?)
        };
        Ok(Cadence { text, cron, zone })
    }
}

/// Splits `"<cron>" [zone]` (or `daily|weekly|weekdays [zone]`) into the cron expression and the rest.
fn cron_and_rest(args: &str) -> Option<(String, &str)> {
    let args = args.trim();
    if let Some(inner) = args.strip_prefix(['"', '“']) {
        let end = inner.find(['"', '”'])?;
        let close = inner[end..].chars().next().map_or(1, char::len_utf8);
        return Some((inner[..end].trim().to_string(), inner[end + close..].trim()));
    }
    let (word, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let cron = match word.to_lowercase().as_str() {
        "daily" => "0 9 * * *",
        "weekly" => "0 9 * * Mon",
        "weekdays" => "0 9 * * Mon-Fri",
        _ => return None,
    };
    Some((cron.to_string(), rest.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, CommunityCommand};

    fn parsed(args: &str) -> Result<CommunitySetting, UsageError> {
        match Command::parse("nibble", args)? {
            Command::Community(CommunityCommand::Setting(s)) => Ok(s),
            other => panic!("not a community setting: {other:?}"),
        }
    }

    fn cadence(text: &str, zone: Option<Tz>) -> Cadence {
        Cadence {
            text: text.into(),
            cron: Cron::parse(text).expect("a cron expression"),
            zone,
        }
    }

    #[test]
    fn channels_listing_and_digest_now() {
        assert_eq!(
            parsed("stories-channel anything"),
            Ok(CommunitySetting::StoriesChannel)
        );
        assert_eq!(
            parsed("qa-channel"),
            Ok(CommunitySetting::QaChannel { course: None })
        );
        assert_eq!(
            parsed("moderate qa-channel  security "),
            Ok(CommunitySetting::QaChannel {
                course: Some("security".into())
            })
        );
        assert_eq!(parsed("community"), Ok(CommunitySetting::Schedules));
        assert_eq!(parsed("digest  now "), Ok(CommunitySetting::DigestNow));
    }

    #[test]
    fn unschedule_takes_a_number_or_says_no_such_schedule() {
        assert_eq!(
            parsed("unschedule #4"),
            Ok(CommunitySetting::Unschedule { id: 4 })
        );
        for args in ["unschedule", "unschedule four"] {
            assert_eq!(parsed(args), Err(refused(NO_SUCH_SCHEDULE)), "{args}");
        }
    }

    #[test]
    fn cadences_are_quoted_cron_or_a_word_with_an_optional_zone() {
        assert_eq!(
            parsed("digest \"0 17 * * Fri\" UTC"),
            Ok(CommunitySetting::Digest(cadence(
                "0 17 * * Fri",
                Some(chrono_tz::UTC)
            )))
        );
        assert_eq!(
            parsed("checkins Weekdays “Europe/Berlin”"),
            Ok(CommunitySetting::CheckIns(cadence(
                "0 9 * * Mon-Fri",
                Some(chrono_tz::Europe::Berlin)
            )))
        );
        assert_eq!(
            parsed("checkins “0  9 * * *”"),
            Ok(CommunitySetting::CheckIns(cadence("0  9 * * *", None)))
        );
    }

    #[test]
    fn a_cadence_that_does_not_read_is_the_usage() {
        let usage = "Usage: `/nibble digest \"<cron>\" [zone]` (or `daily`, `weekly`, `weekdays` instead of a cron expression)";
        for args in ["digest", "digest hourly", "digest \"0 9 * * *"] {
            assert_eq!(parsed(args), Err(refused(usage)), "{args}");
        }
        assert_eq!(
            parsed("checkins").map_err(|e| e.message),
            Err(schedule_usage("checkins"))
        );
    }

    #[test]
    fn a_cron_or_zone_that_does_not_work_says_why() {
        let e = parsed("digest \"0 9 * *\"").expect_err("four fields");
        assert_eq!(
            e.message,
            "That schedule doesn't work: a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; `0 9 * *` has 4\n\
             Usage: `/nibble digest \"<cron>\" [zone]` (or `daily`, `weekly`, `weekdays` instead of a cron expression)"
        );
        let e = parsed("checkins daily Mars/Olympus").expect_err("no such zone");
        assert!(
            e.message
                .starts_with("That schedule doesn't work: `Mars/Olympus` is not an IANA time zone"),
            "{e}"
        );
        assert_eq!(e.permission, SETTINGS_MODERATOR);
    }

    #[test]
    fn prompts_name_a_course_or_general_before_the_cadence() {
        assert_eq!(
            parsed("prompts general weekly"),
            Ok(CommunitySetting::Prompts {
                course: None,
                cadence: Ok(cadence("0 9 * * Mon", None))
            })
        );
        assert_eq!(
            parsed("prompts security daily UTC"),
            Ok(CommunitySetting::Prompts {
                course: Some("security".into()),
                cadence: Ok(cadence("0 9 * * *", Some(chrono_tz::UTC)))
            })
        );
        // The course comes first: `weekly` here is a course, checked against the catalog before
        // the missing cadence is told.
        assert_eq!(
            parsed("prompts weekly"),
            Ok(CommunitySetting::Prompts {
                course: Some("weekly".into()),
                cadence: Err(refused(schedule_usage("prompts")))
            })
        );
        assert_eq!(
            parsed("prompts"),
            Ok(CommunitySetting::Prompts {
                course: None,
                cadence: Err(refused(schedule_usage("prompts")))
            })
        );
    }

    #[test]
    fn settings_are_for_moderators_with_their_own_refusal() {
        let setting = CommunityCommand::Setting(CommunitySetting::Schedules);
        assert_eq!(
            setting.permission().refusal_for(true, false),
            Some(NOT_MODERATOR_SETTINGS)
        );
        assert_eq!(setting.permission().refusal_for(false, true), None);
    }
}
