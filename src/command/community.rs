//! The community feature's commands: what members post (`/share <story>`, `/ask [course]
//! <question>`, `/nibble suggest [topic]`), every suggestion for moderators and team leads
//! (`/nibble suggestions`), and the moderators' tools, also reachable as `/nibble moderate <tool>`
//! (Discord has room for 25 subcommands only).

use super::community_moderate::{MODERATOR, ReplyAction, ThreadCommand, member, reply_number};
use super::community_posts::Topic;
use super::community_schedule::{CommunitySetting, SETTINGS_MODERATOR};
use super::values::Mention;
use super::{Permission, USAGE, UsageError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommunityCommand {
    /// `/nibble moderate` alone: what the moderators' tools are (anyone may read it).
    ModeratorTools,
    Thread(ThreadCommand),
    /// Features, unfeatures or takes the points of a reply, by its number.
    Reply {
        action: ReplyAction,
        reply: i64,
    },
    /// Keeps a member off the leaderboards (`exclude`) or brings them back (`include`).
    Leaderboard {
        member: Mention,
        excluded: bool,
    },
    Setting(CommunitySetting),
    /// A success story for the stories channel.
    Share {
        story: String,
    },
    /// A question, perhaps starting with a course id: which first words are a course only the
    /// catalog knows, so the handler splits it (and checks the question's length after).
    Ask {
        question: String,
    },
    /// Suggests a topic for a new lesson (or votes for it); None shows the top ones to vote for.
    Suggest {
        topic: Option<Topic>,
    },
    /// Every suggestion, with votes.
    Suggestions,
}

const NOT_LEAD_OR_MODERATOR: &str =
    "Only moderators and team leads see every suggestion; `/nibble suggest` shows the top ones.";

fn usage(message: impl Into<String>) -> UsageError {
    UsageError::new(Permission::Anyone, message)
}

impl CommunityCommand {
    /// `/share …`, `/ask …`; None for another feature's command.
    pub fn parse(name: &str, args: &str) -> Option<Result<Self, UsageError>> {
        match name {
            "share" => Some(Self::share(args)),
            "ask" => Some(Self::ask(args)),
            _ => None,
        }
    }

    /// The community subcommands of `/nibble`, and `/nibble moderate <tool>`; None for another
    /// feature's subcommand.
    pub fn parse_sub(sub: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        let rest = rest.trim();
        match sub {
            "moderate" | "moderators" if rest.is_empty() => {
                Some(Ok(CommunityCommand::ModeratorTools))
            }
            "moderate" => {
                let (tool, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                Some(
                    Self::parse_tool(&tool.to_lowercase(), rest).unwrap_or_else(|| {
                        Err(usage(format!("I don't know `/nibble moderate`.\n{USAGE}")))
                    }),
                )
            }
            _ => Self::parse_tool(sub, rest),
        }
    }

    fn parse_tool(verb: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        Some(match verb {
            "thread" => ThreadCommand::parse(rest).map(CommunityCommand::Thread),
            "feature" | "unfeature" | "unpoint" => {
                let action = match verb {
                    "feature" => ReplyAction::Feature,
                    "unfeature" => ReplyAction::Unfeature,
                    _ => ReplyAction::Unpoint,
                };
                reply_number(rest).map(|reply| CommunityCommand::Reply { action, reply })
            }
            "exclude" | "include" => {
                member(verb, rest).map(|member| CommunityCommand::Leaderboard {
                    member,
                    excluded: verb == "exclude",
                })
            }
            "suggest" => Self::suggest(rest),
            "suggestions" => Ok(CommunityCommand::Suggestions),
            _ => {
                return CommunitySetting::parse(verb, rest)
                    .map(|s| s.map(CommunityCommand::Setting));
            }
        })
    }

    pub fn permission(&self) -> Permission {
        match self {
            CommunityCommand::Thread(_)
            | CommunityCommand::Reply { .. }
            | CommunityCommand::Leaderboard { .. } => MODERATOR,
            CommunityCommand::Setting(_) => SETTINGS_MODERATOR,
            CommunityCommand::Suggestions => Permission::LeadOrModerator {
                refusal: NOT_LEAD_OR_MODERATOR,
            },
            CommunityCommand::ModeratorTools
            | CommunityCommand::Share { .. }
            | CommunityCommand::Ask { .. }
            | CommunityCommand::Suggest { .. } => Permission::Anyone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;

    fn community(c: CommunityCommand) -> Result<Command, UsageError> {
        Ok(Command::Community(c))
    }

    #[test]
    fn moderate_alone_shows_the_tools_to_anyone() {
        let tools = community(CommunityCommand::ModeratorTools);
        assert_eq!(Command::parse("nibble", "moderate"), tools);
        assert_eq!(Command::parse("nibble", "MODERATORS "), tools);
        assert_eq!(
            CommunityCommand::ModeratorTools.permission(),
            Permission::Anyone
        );
    }

    #[test]
    fn moderate_with_an_unknown_tool_is_an_unknown_command() {
        for args in ["moderate dance", "moderate moderate", "moderate courses"] {
            let e = Command::parse("nibble", args).expect_err(args);
            assert_eq!(
                e,
                usage(format!("I don't know `/nibble moderate`.\n{USAGE}")),
                "{args}"
            );
        }
        // `moderators` is only the list of tools.
        let e = Command::parse("nibble", "moderators thread list").expect_err("unknown");
        assert!(
            e.message.starts_with("I don't know `/nibble moderators`."),
            "{e}"
        );
    }

    #[test]
    fn suggestions_are_for_moderators_and_team_leads() {
        let all = Command::parse("nibble", "suggestions everything").expect("parses");
        assert_eq!(all, Command::Community(CommunityCommand::Suggestions));
        assert_eq!(all.permission().refusal_for(true, false), None);
        assert_eq!(all.permission().refusal_for(false, true), None);
        assert_eq!(
            all.permission().refusal_for(false, false),
            Some(NOT_LEAD_OR_MODERATOR)
        );
    }
}
