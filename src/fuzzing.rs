//! Hostile-input entry points: the fuzz targets in `fuzz/` (cargo fuzz) and their replay in the
//! tests (`tests/e2e/fuzz_replay.rs`) feed arbitrary bytes to each decoder that faces input from
//! outside, and check what must hold of the result. A panic anywhere is a bug.

use crate::chat::{
    Action, encode_answer, encode_check_in, encode_join_pool, encode_open, encode_review,
    encode_vote, multi_action_id, multi_review_action_id,
};
use crate::command::campaign_spec::raw_campaign;
use crate::command::values::parse_mention;
use crate::content::{MAX_PARTS, PART_MAX_CHARS, parse_lesson_text, split_into_parts};
use crate::domain::campaign::split_words;
use chrono::{NaiveDate, TimeZone, Utc};
use std::path::Path;

/// A lesson file as an author (or a broken editor) may save it: either a lesson that can be sent
/// (its parts within the platforms' limits) or at least one problem, each at a line of the file.
pub fn lesson_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // the reader reports invalid UTF-8 at its line before parsing
    };
    let (lesson, problems) = parse_lesson_text(Path::new("course/01-fuzz.md"), "course", text);
    let lines = text.lines().count().max(1) + 1;
    for p in &problems {
        assert!(
            (1..=lines).contains(&p.line),
            "problem at line {} of a {lines}-line file: {p}",
            p.line
        );
    }
    match lesson {
        None => assert!(!problems.is_empty(), "a refused lesson must say why"),
        Some(lesson) if problems.is_empty() => {
            let parts = split_into_parts(&lesson.blocks).expect("an accepted lesson splits");
            assert!(parts.len() <= MAX_PARTS, "{} parts", parts.len());
            for part in &parts {
                let chars: usize = part.iter().map(block_chars).sum();
                assert!(chars <= PART_MAX_CHARS, "a part of {chars} characters");
            }
        }
        Some(_) => {}
    }
}

fn block_chars(block: &crate::content::Block) -> usize {
    use crate::content::Block;
    match block {
        Block::Heading(t) | Block::Text(t) => t.chars().count(),
        _ => 0,
    }
}

/// A button's payload and ticked values as a client sends them (the first line the payload, each
/// further line a value): decoded or refused, and what decodes encodes back to the same action.
pub fn button_payload(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let payload = lines.next().unwrap_or_default();
    let values: Vec<String> = lines.map(str::to_string).collect();
    button(payload, &values);
}

fn button(payload: &str, values: &[String]) {
    let Ok(action) = Action::decode(payload, values) else {
        return;
    };
    let (payload, values) = encoded(&action);
    assert!(payload.len() <= 100, "payload `{payload}` is too long");
    assert_eq!(Action::decode(&payload, &values).as_ref(), Ok(&action));
}

/// How nibble itself would have written the buttons of `action`.
fn encoded(action: &Action) -> (String, Vec<String>) {
    let many = |choices: &[usize]| choices.iter().map(usize::to_string).collect::<Vec<_>>();
    match action {
        Action::Answer { prompt_id, choices } if choices.len() == 1 => {
            (encode_answer(*prompt_id, choices[0]), Vec::new())
        }
        Action::Answer { prompt_id, choices } => (multi_action_id(*prompt_id), many(choices)),
        Action::Review { prompt_id, choices } if choices.len() == 1 => {
            (encode_review(*prompt_id, choices[0]), Vec::new())
        }
        Action::Review { prompt_id, choices } => {
            (multi_review_action_id(*prompt_id), many(choices))
        }
        Action::Open { lesson_id } => (encode_open(lesson_id), Vec::new()),
        Action::JoinPool { pool_id } => (encode_join_pool(*pool_id), Vec::new()),
        Action::CheckIn { group_id, outcome } => (encode_check_in(*group_id, *outcome), Vec::new()),
        Action::Vote { suggestion_id } => (encode_vote(*suggestion_id), Vec::new()),
    }
}

/// A slash command's text, as typed: words, mentions and a campaign description. A description
/// that validates has a schedule that answers "when next?" without panicking or looping.
pub fn command_text(text: &str) {
    if let Ok(words) = split_words(text) {
        for word in &words {
            let _ = parse_mention(word, '@');
            let _ = parse_mention(word, '#');
        }
    }
    let _ = crate::domain::review::parse_review_time(text);
    let today = |_: chrono_tz::Tz| NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
    // Every command grammar reads it without panicking, whatever it makes of it.
    for name in [
        "nibble",
        "learn",
        "partner",
        "leaderboard",
        "badges",
        "share",
        "ask",
    ] {
        let _ = crate::command::Command::parse(name, text);
    }
    let (name, rest) = text.split_once(' ').unwrap_or((text, ""));
    let _ = crate::command::Command::parse(name, rest);
    let Ok(spec) = raw_campaign(text).and_then(|raw| raw.validate(today)) else {
        return;
    };
    if let Some(from) = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).single() {
        let _ = spec.schedule.next_after(from);
        let _ = spec.schedule.preview(from, 5);
    }
}

/// One Socket Mode message as Slack's server sends it (an envelope whose `type` says what its
/// `payload` is: a click, a slash command or an event), read as the listener reads it.
pub fn slack_envelope(data: &[u8]) {
    use slack_morphism::prelude::*;
    let Ok(envelope) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let payload = envelope.get("payload").cloned().unwrap_or_default();
    match envelope.get("type").and_then(|t| t.as_str()) {
        Some("interactive") => {
            if let Ok(SlackInteractionEvent::BlockActions(ev)) = serde_json::from_value(payload)
                && let Some(click) = crate::slack::click_of(&ev)
            {
                button(&click.payload, &click.values);
            }
        }
        Some("slash_commands") => {
            if let Ok(c) = serde_json::from_value::<SlackCommandEvent>(payload) {
                command_text(c.text.as_deref().unwrap_or_default());
            }
        }
        Some("events_api") => {
            if let Ok(e) = serde_json::from_value::<SlackPushEventCallback>(payload)
                && let SlackEventCallbackBody::Message(m) = e.event
                && let Some((_, _, crate::chat::EventKind::Message { text, .. })) =
                    crate::slack::message_kind(m)
            {
                command_text(&text);
            }
        }
        _ => {}
    }
}

/// One Discord gateway INTERACTION_CREATE payload (`d`), read as the handler reads it.
pub fn discord_interaction(data: &[u8]) {
    use serenity::all::{ComponentInteractionDataKind, Interaction};
    let Ok(interaction) = serde_json::from_slice::<Interaction>(data) else {
        return;
    };
    match interaction {
        Interaction::Command(c) | Interaction::Autocomplete(c) => {
            command_text(&crate::discord::args_of(&c.data))
        }
        Interaction::Component(c) => {
            let values = match &c.data.kind {
                ComponentInteractionDataKind::StringSelect { values } => values.clone(),
                _ => Vec::new(),
            };
            button(&c.data.custom_id, &values);
        }
        _ => {}
    }
}
