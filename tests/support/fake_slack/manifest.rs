//! What the fake Slack knows of the app from `config/slack-app-manifest.yaml`, as real Slack does:
//! which slash commands escape mentions, which events are delivered, which scopes were granted.

use std::collections::{HashMap, HashSet};
use yaml_rust2::{Yaml, YamlLoader};

#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Slash command (with its `/`) → `should_escape`.
    pub commands: HashMap<String, bool>,
    pub bot_scopes: HashSet<String>,
    pub bot_events: HashSet<String>,
}

impl Manifest {
    /// The project's own manifest: the one an operator pastes into Slack.
    pub fn project() -> Self {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/config/slack-app-manifest.yaml"
        );
        let text = std::fs::read_to_string(path).expect("config/slack-app-manifest.yaml");
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Self {
        let docs = YamlLoader::load_from_str(text).expect("the Slack manifest is valid YAML");
        let doc = &docs[0];
        let strings = |y: &Yaml| -> HashSet<String> {
            y.as_vec()
                .map(|v| {
                    v.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let commands = doc["features"]["slash_commands"]
            .as_vec()
            .map(|v| {
                v.iter()
                    .filter_map(|c| {
                        let name = c["command"].as_str()?.to_string();
                        Some((name, c["should_escape"].as_bool().unwrap_or(false)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            commands,
            bot_scopes: strings(&doc["oauth_config"]["scopes"]["bot"]),
            bot_events: strings(&doc["settings"]["event_subscriptions"]["bot_events"]),
        }
    }

    /// Is an Events API event with this type (and, for messages, channel type) subscribed?
    pub fn delivers(&self, event_type: &str, channel_type: Option<&str>) -> bool {
        let subscription = match (event_type, channel_type) {
            ("message", Some("channel")) => "message.channels".to_string(),
            ("message", Some("group")) => "message.groups".to_string(),
            ("message", Some("im")) => "message.im".to_string(),
            ("message", Some("mpim")) => "message.mpim".to_string(),
            (other, _) => other.to_string(),
        };
        self.bot_events.contains(&subscription)
    }

    /// The scopes of which a Web API method needs one (for a channel of this id), per Slack's docs.
    pub fn scopes_for(method: &str, channel: &str) -> &'static [&'static str] {
        let by_channel = |public, private, im, mpim| match channel.chars().next() {
            Some('C') => public,
            Some('D') => im,
            Some('G') if channel.starts_with("GM") => mpim,
            Some('G') => private,
            _ => public,
        };
        match method {
            "chat.postMessage" | "chat.update" | "chat.postEphemeral" | "chat.delete" => {
                &["chat:write"]
            }
            "conversations.open" => &["im:write", "mpim:write", "channels:manage", "groups:write"],
            "conversations.history" | "conversations.replies" => by_channel(
                &["channels:history"],
                &["groups:history"],
                &["im:history"],
                &["mpim:history"],
            ),
            "conversations.members" | "conversations.info" => by_channel(
                &["channels:read"],
                &["groups:read"],
                &["im:read"],
                &["mpim:read"],
            ),
            "users.info" | "users.list" => &["users:read"],
            "reactions.get" => &["reactions:read"],
            "files.getUploadURLExternal" | "files.completeUploadExternal" => &["files:write"],
            _ => &[],
        }
    }

    /// `Err(needed)` when the granted scopes hold none of what the method needs.
    pub fn authorise(&self, method: &str, channel: &str) -> Result<(), String> {
        let needed = Self::scopes_for(method, channel);
        if needed.is_empty() || needed.iter().any(|s| self.bot_scopes.contains(*s)) {
            Ok(())
        } else {
            Err(needed.join(","))
        }
    }
}

/// Escapes `@name` and `#name` in a slash command's text as Slack does for `should_escape: true`:
/// `<@U123|name>` and `<#C123|name>` for names the workspace knows; other text is left as typed.
pub fn escape_mentions(
    text: &str,
    users: &HashMap<String, String>,
    channels: &HashMap<String, String>,
) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let (sigil, name) = word.split_at(word.chars().next().map_or(0, char::len_utf8));
        let table = match sigil {
            "@" => users,
            "#" => channels,
            _ => {
                out.push_str(word);
                continue;
            }
        };
        match table.iter().find(|(_, n)| n.as_str() == name) {
            Some((id, n)) => out.push_str(&format!("<{sigil}{id}|{n}>")),
            None => out.push_str(word),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    // The benchmark also compiles this module (cfg(test)) but runs no #[test] in it.
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn the_project_manifest_is_read() {
        let m = Manifest::project();
        assert!(m.commands.contains_key("/nibble"));
        assert!(m.bot_scopes.contains("chat:write"));
        assert!(m.delivers("message", Some("channel")));
        assert!(!m.delivers("message", Some("mpim")) || m.bot_events.contains("message.mpim"));
    }
}
