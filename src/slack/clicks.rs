//! A block-actions interaction read into the click nibble acts on: which button (its opaque
//! payload), the ticked boxes of a multiple-select question, and where and by whom.

use super::render::TOGGLE_PREFIX;
use slack_morphism::prelude::*;

/// What a button click carries, taken from Slack's `block_actions` payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Click {
    pub team: String,
    pub channel: String,
    pub user: String,
    /// The clicked message's timestamp (to update it), when the click came from a message.
    pub message_ts: Option<SlackTs>,
    pub payload: String,
    pub values: Vec<String>,
    pub trigger_id: String,
}

/// The click in `ev`, or None when it is not one of nibble's buttons (or only ticks a box, which is
/// not an answer yet), or lacks the channel or user it needs.
pub fn click_of(ev: &SlackInteractionBlockActionsEvent) -> Option<Click> {
    let action = ev
        .actions
        .as_ref()?
        .iter()
        .find(|a| a.action_id.to_string().starts_with("nb1:"))?;
    if action.action_id.to_string().starts_with(TOGGLE_PREFIX) {
        return None;
    }
    let payload = action
        .value
        .clone()
        .unwrap_or_else(|| action.action_id.to_string());
    let values: Vec<String> = ev
        .state
        .iter()
        .flat_map(|s| s.values.values())
        .flat_map(|by_action| by_action.iter())
        .filter(|(id, _)| id.to_string().starts_with(TOGGLE_PREFIX))
        .flat_map(|(_, v)| v.selected_options.iter().flatten().map(|o| o.value.clone()))
        .collect();
    let (channel, message_ts) = match &ev.container {
        SlackInteractionActionContainer::Message(m) => (
            m.channel_id.as_ref().map(|c| c.to_string()),
            Some(m.message_ts.clone()),
        ),
        _ => (None, None),
    };
    let channel = channel.or_else(|| ev.channel.as_ref().map(|c| c.id.to_string()))?;
    let user = ev.user.as_ref().map(|u| u.id.to_string())?;
    Some(Click {
        team: ev.team.id.to_string(),
        channel,
        user,
        message_ts,
        payload,
        values,
        trigger_id: ev.trigger_id.to_string(),
    })
}
