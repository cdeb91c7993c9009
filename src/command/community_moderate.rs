//! Community moderators' tools on threads, replies and members: `/nibble thread start|list|show|
//! close`, `/nibble feature|unfeature|unpoint <reply>`, `/nibble exclude|include @member`.

use super::values::{Mention, WHO, number, parse_mention, unquote};
use super::{Permission, UsageError};

/// What anyone but a community moderator is told when they try a moderator's tool.
pub const NOT_MODERATOR: &str = "Only community moderators can do that. Ask one of them, or see `/nibble help` for what you can do.";

pub(super) const MODERATOR: Permission = Permission::Moderator {
    refusal: NOT_MODERATOR,
};

pub const THREAD_USAGE: &str = "Moderator tools:\n\
• `/nibble thread start \"question\"`: open a discussion thread here\n\
• `/nibble thread list [page]`: open threads with reply counts\n\
• `/nibble thread show <thread>`: who took part, and each reply's number\n\
• `/nibble thread close <thread>`: lock it (replies earn nothing more)\n\
• `/nibble feature <reply>` / `/nibble unfeature <reply>`: feature a reply (bonus points), or a ⭐ reaction\n\
• `/nibble unpoint <reply>`: take a reply's points away\n\
• `/nibble exclude @member` / `/nibble include @member`: keep a member off the leaderboards, or back\n\
• `/nibble prompts <course|general> \"<cron>\" [zone]`, `/nibble checkins \"<cron>\" [zone]`, `/nibble digest \"<cron>\" [zone]|now`: schedules for this channel; `/nibble community` lists them, `/nibble unschedule <n>` stops one\n\
• `/nibble stories-channel`, `/nibble qa-channel [course]`: where `/share` and `/ask` post";

/// Told for a thread number that is not one (and, by the handler, for one that is not a thread here).
pub const NO_SUCH_THREAD: &str = "No such thread here: `/nibble thread list` shows them.";

/// Told for a reply number that is not one (and, by the handler, for one that is not a reply here).
pub const NO_SUCH_REPLY: &str =
    "No such reply here: `/nibble thread show <thread>` lists reply numbers.";

const MAX_QUESTION: usize = 1000;

/// `/nibble thread …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadCommand {
    /// Opens a discussion thread in this channel.
    Start { question: String },
    /// The open threads, a page at a time (None: the first page).
    List { page: Option<i64> },
    /// Who took part in a thread, and its replies' numbers.
    Show { thread: i64 },
    /// Locks a thread: its replies earn nothing more.
    Close { thread: i64 },
}

/// What a moderator does to one reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyAction {
    Feature,
    Unfeature,
    /// Takes the reply's points away.
    Unpoint,
}

impl ReplyAction {
    /// The word a moderator types for it (`feature`, …).
    pub fn verb(self) -> &'static str {
        match self {
            ReplyAction::Feature => "feature",
            ReplyAction::Unfeature => "unfeature",
            ReplyAction::Unpoint => "unpoint",
        }
    }
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError::new(MODERATOR, message)
}

impl ThreadCommand {
    /// `/nibble thread <verb> <rest>`.
    pub fn parse(args: &str) -> Result<Self, UsageError> {
        let args = args.trim();
        let (verb, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        match verb.to_lowercase().as_str() {
            "start" => Self::start(rest),
            "list" => Ok(ThreadCommand::List { page: number(rest) }),
            "show" => Ok(ThreadCommand::Show {
                thread: thread_number(number(rest))?,
            }),
            "close" => Ok(ThreadCommand::Close {
                thread: thread_number(number(rest))?,
            }),
            _ => Err(usage(THREAD_USAGE)),
        }
    }

    /// A thread's opening question, with or without quotes.
    pub fn start(question: &str) -> Result<Self, UsageError> {
        let question = unquote(question);
        if question.is_empty() {
            return Err(usage("Usage: `/nibble thread start \"your question\"`"));
        }
        if question.chars().count() > MAX_QUESTION {
            return Err(usage(
                "That question is too long: keep it under 1,000 characters.",
            ));
        }
        Ok(ThreadCommand::Start {
            question: question.to_string(),
        })
    }
}

/// A thread's number: positive (Discord's integer option is one already).
pub fn thread_number(n: Option<i64>) -> Result<i64, UsageError> {
    n.filter(|n| *n > 0).ok_or_else(|| usage(NO_SUCH_THREAD))
}

/// `/nibble feature|unfeature|unpoint <reply>`: the reply's number.
pub(super) fn reply_number(rest: &str) -> Result<i64, UsageError> {
    number(rest).ok_or_else(|| usage(NO_SUCH_REPLY))
}

/// `/nibble exclude|include @member`: who.
pub(super) fn member(verb: &str, rest: &str) -> Result<Mention, UsageError> {
    if rest.trim().is_empty() {
        return Err(usage(format!("Usage: `/nibble {verb} @member`")));
    }
    parse_mention(rest, '@').ok_or_else(|| usage(WHO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, CommunityCommand};

    fn parsed(args: &str) -> Result<CommunityCommand, UsageError> {
        match Command::parse("nibble", args)? {
            Command::Community(c) => Ok(c),
            other => panic!("not a community command: {other:?}"),
        }
    }

    fn thread(c: ThreadCommand) -> Result<CommunityCommand, UsageError> {
        Ok(CommunityCommand::Thread(c))
    }

    fn refused(message: &str) -> Result<CommunityCommand, UsageError> {
        Err(UsageError::new(MODERATOR, message))
    }

    #[test]
    fn thread_start_takes_a_quoted_or_bare_question() {
        let start = |q: &str| thread(ThreadCommand::Start { question: q.into() });
        assert_eq!(parsed("thread start \"Why tests?\""), start("Why tests?"));
        assert_eq!(parsed("THREAD Start  “Why?” "), start("Why?"));
        assert_eq!(parsed("thread start Why not"), start("Why not"));
        assert_eq!(parsed("moderate thread start Why"), start("Why"));
    }

    #[test]
    fn thread_start_needs_a_question_of_at_most_1000_characters() {
        let empty = refused("Usage: `/nibble thread start \"your question\"`");
        assert_eq!(parsed("thread start"), empty);
        assert_eq!(parsed("thread start \"\""), empty);
        let long = "x".repeat(1001);
        assert_eq!(
            parsed(&format!("thread start {long}")),
            refused("That question is too long: keep it under 1,000 characters.")
        );
        assert!(parsed(&format!("thread start {}", &long[1..])).is_ok());
    }

    #[test]
    fn thread_list_show_and_close_take_numbers() {
        assert_eq!(
            parsed("thread list"),
            thread(ThreadCommand::List { page: None })
        );
        assert_eq!(
            parsed("thread list 3"),
            thread(ThreadCommand::List { page: Some(3) })
        );
        // Not a page number: the first page, as before.
        assert_eq!(
            parsed("thread list zero"),
            thread(ThreadCommand::List { page: None })
        );
        assert_eq!(
            parsed("thread show #12"),
            thread(ThreadCommand::Show { thread: 12 })
        );
        assert_eq!(
            parsed("thread close 4"),
            thread(ThreadCommand::Close { thread: 4 })
        );
    }

    #[test]
    fn a_thread_that_is_no_number_is_no_such_thread() {
        for args in ["thread show", "thread show first", "thread close 0"] {
            assert_eq!(parsed(args), refused(NO_SUCH_THREAD), "{args}");
        }
        assert_eq!(thread_number(Some(-1)), Err(usage(NO_SUCH_THREAD)));
    }

    #[test]
    fn an_unknown_or_missing_thread_verb_shows_the_tools() {
        assert_eq!(parsed("thread"), refused(THREAD_USAGE));
        assert_eq!(parsed("thread open 1"), refused(THREAD_USAGE));
    }

    #[test]
    fn replies_are_featured_unfeatured_and_unpointed_by_number() {
        let reply = |action, reply| Ok(CommunityCommand::Reply { action, reply });
        assert_eq!(parsed("feature 12"), reply(ReplyAction::Feature, 12));
        assert_eq!(parsed("unfeature #3"), reply(ReplyAction::Unfeature, 3));
        assert_eq!(parsed("moderate UNPOINT 2"), reply(ReplyAction::Unpoint, 2));
        for args in ["feature", "unpoint two", "unfeature -1"] {
            assert_eq!(parsed(args), refused(NO_SUCH_REPLY), "{args}");
        }
    }

    #[test]
    fn exclude_and_include_name_a_member() {
        let board = |member, excluded| Ok(CommunityCommand::Leaderboard { member, excluded });
        assert_eq!(
            parsed("exclude <@U-ANA>"),
            board(Mention::Id("U-ANA".into()), true)
        );
        assert_eq!(
            parsed("include @ana"),
            board(Mention::Name("ana".into()), false)
        );
        assert_eq!(
            parsed("exclude"),
            refused("Usage: `/nibble exclude @member`")
        );
        assert_eq!(
            parsed("moderate include"),
            refused("Usage: `/nibble include @member`")
        );
        assert_eq!(parsed("exclude <!here>"), refused(WHO));
    }

    #[test]
    fn moderator_tools_are_for_moderators_only() {
        let show = CommunityCommand::Thread(ThreadCommand::Show { thread: 1 });
        assert_eq!(
            show.permission().refusal_for(true, false),
            Some(NOT_MODERATOR)
        );
        assert_eq!(show.permission().refusal_for(false, true), None);
        let exclude = parsed("exclude @ana").expect("parses");
        assert_eq!(exclude.permission(), MODERATOR);
        assert_eq!(parsed("feature 1").expect("parses").permission(), MODERATOR);
    }
}
