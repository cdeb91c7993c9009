//! What members post to the community, as commands: `/share <story>`, `/ask [course] <question>`
//! and `/nibble suggest [topic]`.

use super::community::CommunityCommand;
use super::values::unquote;
use super::{Permission, UsageError};

/// A suggested lesson topic as typed, and the key that makes "Giving  Feedback!" and "giving
/// feedback" one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub text: String,
    pub key: String,
}

/// The longest story or question, in characters.
pub const MAX_POST: usize = 2000;

/// What a story or question over `MAX_POST` characters is told.
pub fn too_long() -> String {
    format!("That's over {MAX_POST} characters: please shorten it.")
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError::new(Permission::Anyone, message)
}

impl CommunityCommand {
    /// `/share <story>` (Discord's `story` option is the same text).
    pub fn share(story: &str) -> Result<Self, UsageError> {
        let story = story.trim();
        if story.is_empty() {
            return Err(usage(
                "Usage: `/share <your story>`: what you tried, and what happened.",
            ));
        }
        if story.chars().count() > MAX_POST {
            return Err(usage(too_long()));
        }
        Ok(CommunityCommand::Share {
            story: story.to_string(),
        })
    }

    /// `/ask [course] <question>` (Discord's `question` option is the same text).
    pub fn ask(question: &str) -> Result<Self, UsageError> {
        let question = question.trim();
        if question.is_empty() {
            return Err(usage("Usage: `/ask [course] <your question>`"));
        }
        Ok(CommunityCommand::Ask {
            question: question.to_string(),
        })
    }

    /// `/nibble suggest [topic]` (Discord's `topic` option is the same text).
    pub fn suggest(topic: &str) -> Result<Self, UsageError> {
        let text = unquote(topic);
        if text.is_empty() {
            return Ok(CommunityCommand::Suggest { topic: None });
        }
        let key = topic_key(text);
        if key.is_empty() || text.chars().count() > 200 {
            return Err(usage("A topic needs a few words (at most 200 characters)."));
        }
        Ok(CommunityCommand::Suggest {
            topic: Some(Topic {
                text: text.to_string(),
                key,
            }),
        })
    }
}

/// Lowercase words of letters and digits: "Giving  Feedback!" and "giving feedback" are one topic.
fn topic_key(topic: &str) -> String {
    topic
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;

    fn community(c: CommunityCommand) -> Result<Command, UsageError> {
        Ok(Command::Community(c))
    }

    #[test]
    fn share_takes_a_story_of_at_most_2000_characters() {
        assert_eq!(
            Command::parse("/share", "  It worked! "),
            community(CommunityCommand::Share {
                story: "It worked!".into()
            })
        );
        assert_eq!(
            Command::parse("share", " "),
            Err(usage(
                "Usage: `/share <your story>`: what you tried, and what happened."
            ))
        );
        assert_eq!(
            Command::parse("share", &"é".repeat(2001)),
            Err(usage("That's over 2000 characters: please shorten it."))
        );
        assert!(CommunityCommand::share(&"é".repeat(2000)).is_ok());
    }

    #[test]
    fn ask_keeps_the_whole_question_for_the_catalog_to_split() {
        assert_eq!(
            Command::parse("ask", " security Is MFA enough? "),
            community(CommunityCommand::Ask {
                question: "security Is MFA enough?".into()
            })
        );
        assert_eq!(
            Command::parse("ask", ""),
            Err(usage("Usage: `/ask [course] <your question>`"))
        );
    }

    #[test]
    fn suggest_reads_a_topic_or_none() {
        assert_eq!(
            Command::parse("nibble", "suggest"),
            community(CommunityCommand::Suggest { topic: None })
        );
        assert_eq!(
            Command::parse("nibble", "suggest \"Giving  Feedback!\""),
            community(CommunityCommand::Suggest {
                topic: Some(Topic {
                    text: "Giving  Feedback!".into(),
                    key: "giving feedback".into()
                })
            })
        );
        let few_words = Err(usage("A topic needs a few words (at most 200 characters)."));
        assert_eq!(Command::parse("nibble", "suggest ¡!"), few_words);
        assert_eq!(
            Command::parse("nibble", &format!("suggest {}", "a".repeat(201))),
            few_words
        );
        assert_eq!(
            CommunityCommand::Suggest { topic: None }.permission(),
            Permission::Anyone
        );
    }

    #[test]
    fn topics_match_regardless_of_case_and_punctuation() {
        assert_eq!(topic_key("  Giving  Feedback!"), "giving feedback");
        assert_eq!(topic_key("giving feedback"), "giving feedback");
        assert_eq!(topic_key("¡!"), "");
    }
}
