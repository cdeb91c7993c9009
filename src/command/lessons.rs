//! The lessons feature's commands: `/learn`, `/progress`, `/nibble courses` and the team lead's
//! `/nibble needs-help <course>`.

use super::{Permission, UsageError};

/// What `/learn` was asked for. Which lesson or course a topic names is known only against the
/// catalog, so it stays a topic here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LearnTarget {
    /// The next lesson not seen yet, across every course.
    Next,
    /// A lesson id, a course id (its next lesson) or words to search for.
    Topic(String),
    /// The diagnostic quiz of a course (empty: the learner did not say which).
    Diagnose(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonCommand {
    Learn(LearnTarget),
    Progress,
    Courses,
    /// Learners struggling with a course (empty: the lead did not say which).
    NeedsHelp {
        course: String,
    },
}

const NOT_A_LEAD: &str =
    "Only team leads can see who needs help: ask yours, or check `/progress` for your own results.";

impl LessonCommand {
    /// `/learn …`, `/progress`; None for another feature's command.
    pub fn parse(name: &str, args: &str) -> Option<Result<Self, UsageError>> {
        match name {
            "learn" => Some(Ok(LessonCommand::Learn(learn_target(args)))),
            "progress" => Some(Ok(LessonCommand::Progress)),
            _ => None,
        }
    }

    /// `/nibble courses`, `/nibble needs-help <course>`; None for another feature's subcommand.
    pub fn parse_sub(sub: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        match sub {
            "courses" => Some(Ok(LessonCommand::Courses)),
            "needs-help" => Some(Ok(LessonCommand::NeedsHelp {
                course: rest.to_string(),
            })),
            _ => None,
        }
    }

    pub fn permission(&self) -> Permission {
        match self {
            LessonCommand::NeedsHelp { .. } => Permission::Lead {
                refusal: NOT_A_LEAD,
            },
            _ => Permission::Anyone,
        }
    }
}

impl LearnTarget {
    /// What a `/learn` topic asks for (Discord's `topic` option is this same free text).
    pub fn from_topic(topic: &str) -> Self {
        learn_target(topic.trim())
    }
}

fn learn_target(args: &str) -> LearnTarget {
    if args.is_empty() {
        return LearnTarget::Next;
    }
    match args
        .strip_prefix("diagnose")
        .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    {
        Some(course) => LearnTarget::Diagnose(course.trim().to_string()),
        None => LearnTarget::Topic(args.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;

    fn lessons(c: LessonCommand) -> Result<Command, UsageError> {
        Ok(Command::Lessons(c))
    }

    #[test]
    fn learn_reads_next_topic_and_diagnose() {
        let learn = |t| lessons(LessonCommand::Learn(t));
        assert_eq!(Command::parse("/learn", "  "), learn(LearnTarget::Next));
        assert_eq!(
            Command::parse("learn", "spot-phishing"),
            learn(LearnTarget::Topic("spot-phishing".into()))
        );
        assert_eq!(
            Command::parse("LEARN", "diagnose  security "),
            learn(LearnTarget::Diagnose("security".into()))
        );
        assert_eq!(
            Command::parse("learn", "diagnose"),
            learn(LearnTarget::Diagnose(String::new()))
        );
        // A word that only starts like `diagnose` is a search.
        assert_eq!(
            Command::parse("learn", "diagnosed bugs"),
            learn(LearnTarget::Topic("diagnosed bugs".into()))
        );
    }

    #[test]
    fn progress_courses_and_needs_help() {
        assert_eq!(
            Command::parse("progress", "x"),
            lessons(LessonCommand::Progress)
        );
        assert_eq!(
            Command::parse("nibble", "Courses"),
            lessons(LessonCommand::Courses)
        );
        assert_eq!(
            Command::parse("help", "courses"),
            lessons(LessonCommand::Courses)
        );
        let help = LessonCommand::NeedsHelp {
            course: String::new(),
        };
        assert_eq!(
            Command::parse("nibble", "needs-help"),
            lessons(help.clone())
        );
        assert_eq!(
            Command::parse("nibble", "needs-help  security "),
            lessons(LessonCommand::NeedsHelp {
                course: "security".into()
            })
        );
        assert_eq!(help.permission().refusal_for(false, true), Some(NOT_A_LEAD));
        assert_eq!(help.permission().refusal_for(true, false), None);
        assert_eq!(LessonCommand::Progress.permission(), Permission::Anyone);
    }
}
