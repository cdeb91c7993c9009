//! What Slack does to an envelope before the app sees it: events the app did not subscribe to and
//! commands it did not register are never delivered; a command's `@name` / `#name` are escaped when
//! the manifest says `should_escape: true`.

use super::FakeSlack;
use super::manifest::escape_mentions;
use serde_json::Value;

impl FakeSlack {
    /// A member the workspace knows by this name (users.info answers with it).
    pub fn add_user(&self, id: &str, name: &str) {
        self.state
            .user_names
            .lock()
            .expect("lock")
            .insert(id.to_string(), name.to_string());
    }

    /// A channel the workspace knows by this name.
    pub fn add_channel(&self, id: &str, name: &str) {
        self.state
            .channel_names
            .lock()
            .expect("lock")
            .insert(id.to_string(), name.to_string());
    }

    /// The name users.info gives a member: the one registered, else the id in lower case.
    pub fn user_name(&self, id: &str) -> String {
        self.state
            .user_names
            .lock()
            .expect("lock")
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_lowercase())
    }

    /// Envelopes Slack would not have delivered to this app.
    pub fn withheld(&self) -> Vec<Value> {
        self.state.withheld.lock().expect("lock").clone()
    }

    /// The payload as Slack would deliver it, or None when Slack would not deliver it at all.
    pub(super) fn as_slack_delivers(&self, kind: &str, mut payload: Value) -> Option<Value> {
        let manifest = &self.state.manifest;
        let deliver = match kind {
            "events_api" => {
                let event = &payload["event"];
                manifest.delivers(
                    event["type"].as_str().unwrap_or(""),
                    event["channel_type"].as_str(),
                )
            }
            "slash_commands" => {
                let command = payload["command"].as_str().unwrap_or("").to_string();
                match manifest.commands.get(&command) {
                    Some(true) => {
                        for (id, name) in [("user_id", "user_name"), ("channel_id", "channel_name")]
                        {
                            if let (Some(id), Some(name)) =
                                (payload[id].as_str(), payload[name].as_str())
                            {
                                let table = if id.starts_with('U') {
                                    &self.state.user_names
                                } else {
                                    &self.state.channel_names
                                };
                                table
                                    .lock()
                                    .expect("lock")
                                    .entry(id.to_string())
                                    .or_insert_with(|| name.to_string());
                            }
                        }
                        let text = payload["text"].as_str().unwrap_or("").to_string();
                        payload["text"] = Value::String(escape_mentions(
                            &text,
                            &self.state.user_names.lock().expect("lock"),
                            &self.state.channel_names.lock().expect("lock"),
                        ));
                        true
                    }
                    Some(false) => true,
                    None => false,
                }
            }
            _ => true,
        };
        if deliver {
            Some(payload)
        } else {
            self.state.withheld.lock().expect("lock").push(payload);
            None
        }
    }
}
