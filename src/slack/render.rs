//! Renders neutral messages as Block Kit, inside Slack's limits by construction.

use super::mrkdwn::{
    ALT_TEXT_MAX, BUTTON_TEXT_MAX, CONTEXT_TEXT_MAX, HEADER_TEXT_MAX, OPTION_TEXT_MAX,
    SECTION_TEXT_MAX, fit, to_mrkdwn,
};
use super::pictures::{Pictures, picture_as_text, source};
use crate::chat::{Choice, Feedback, LessonPart, Message, QuestionCard, Verdict};
use crate::content::Block;
use slack_morphism::prelude::*;

/// Prefix of the checkbox group's action id; toggling it is not an answer (the Submit button is).
pub const TOGGLE_PREFIX: &str = "nb1:t:";

/// Blocks plus the plain-text fallback Slack shows in notifications. Pictures beside lessons are
/// not uploaded here, so they show as their alt text (see [`render_with`]).
pub fn render(message: &Message) -> SlackMessageContent {
    render_with(message, &Pictures::default())
}

/// [`render`], with pictures beside lessons shown from their uploaded Slack files.
pub fn render_with(message: &Message, pictures: &Pictures) -> SlackMessageContent {
    let (text, blocks) = match message {
        Message::Text { text } => (text.clone(), sections(text)),
        Message::Lesson(p) => (
            format!("{}: {}", p.course_title, p.title),
            lesson(p, pictures),
        ),
        Message::Question(q) => (q.prompt.clone(), question(q)),
        Message::Feedback(f) => (headline(f), feedback(f)),
        Message::Menu { text, choices } => (text.clone(), menu(text, choices)),
    };
    SlackMessageContent::new()
        .with_text(fit(&text, 3000))
        .with_blocks(blocks)
}

fn section(mrkdwn: String) -> SlackBlock {
    SlackBlock::Section(SlackSectionBlock::new().with_text(md!(fit(&mrkdwn, SECTION_TEXT_MAX))))
}

/// Text as sections of at most 3,000 characters, cut at line breaks.
fn sections(text: &str) -> Vec<SlackBlock> {
    let converted = to_mrkdwn(text);
    let mut blocks = Vec::new();
    let mut current = String::new();
    for line in converted.split_inclusive('\n') {
        if current.chars().count() + line.chars().count() > SECTION_TEXT_MAX && !current.is_empty()
        {
            blocks.push(section(std::mem::take(&mut current)));
        }
        current.push_str(line);
    }
    if !current.trim().is_empty() {
        blocks.push(section(current));
    }
    blocks
}

fn lesson(p: &LessonPart, pictures: &Pictures) -> Vec<SlackBlock> {
    let title = if p.parts > 1 {
        format!("{} ({}/{})", p.title, p.part, p.parts)
    } else {
        p.title.clone()
    };
    let mut blocks = vec![SlackBlock::Header(SlackHeaderBlock::new(
        SlackBlockPlainTextOnly::from(fit(&title, HEADER_TEXT_MAX)),
    ))];
    if p.part == 1 {
        let context = format!(
            "📘 {} · ⏱ {} min · 🎯 {}",
            p.course_title, p.minutes, p.objective
        );
        blocks.push(SlackBlock::Context(SlackContextBlock::new(vec![
            SlackContextBlockElement::MarkDown(SlackBlockMarkDownText::new(fit(
                &to_mrkdwn(&context),
                CONTEXT_TEXT_MAX,
            ))),
        ])));
    }
    // Headings and paragraphs between pictures share sections (cut at 3,000 characters), so a part
    // of many short paragraphs stays far below Slack's 50 blocks.
    let mut text = String::new();
    for block in &p.blocks {
        match block {
            Block::Heading(h) => text.push_str(&format!("**{h}**\n\n")),
            Block::Text(t) => text.push_str(&format!("{t}\n\n")),
            Block::Image { url, alt, file } => match source(url, file.as_deref(), pictures) {
                Some(source) => {
                    blocks.extend(sections(std::mem::take(&mut text).trim_end()));
                    blocks.push(SlackBlock::Image(SlackImageBlock::new(
                        source,
                        fit(alt, ALT_TEXT_MAX),
                    )));
                }
                None => text.push_str(&format!("{}\n\n", picture_as_text(url, alt, file))),
            },
        }
    }
    blocks.extend(sections(text.trim_end()));
    blocks.truncate(50);
    blocks
}

fn question(q: &QuestionCard) -> Vec<SlackBlock> {
    let intro = format!(
        "*{}* · {}\n{}",
        q.label,
        to_mrkdwn(&q.lesson_title),
        to_mrkdwn(&q.prompt)
    );
    let mut blocks = vec![section(intro)];
    let elements: Vec<SlackActionBlockElement> = match &q.submit_action {
        Some(submit) if q.multi => {
            let options = q
                .choices
                .iter()
                .map(|c| {
                    SlackBlockChoiceItem::new(
                        SlackBlockText::Plain(SlackBlockPlainText::new(fit(
                            &c.label,
                            OPTION_TEXT_MAX,
                        ))),
                        c.payload.clone(),
                    )
                })
                .collect();
            let toggle = format!(
                "{TOGGLE_PREFIX}{}",
                submit.rsplit(':').next().unwrap_or_default()
            );
            vec![
                SlackActionBlockElement::Checkboxes(
                    SlackBlockCheckboxesElement::new(options).with_action_id(toggle.into()),
                ),
                SlackActionBlockElement::Button(
                    SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from("Submit answer"))
                        .with_action_id(submit.clone().into())
                        .with_value(submit.clone())
                        .with_style(SlackBlockButtonStyle::Primary),
                ),
            ]
        }
        _ => q
            .choices
            .iter()
            .map(|c| {
                SlackActionBlockElement::Button(
                    SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from(fit(
                        &c.label,
                        BUTTON_TEXT_MAX,
                    )))
                    .with_action_id(c.payload.clone().into())
                    .with_value(c.payload.clone()),
                )
            })
            .collect(),
    };
    // An actions block holds at most 25 elements; quizzes have at most 10 choices, but stay safe.
    for chunk in elements.chunks(25) {
        blocks.push(SlackBlock::Actions(SlackActionsBlock::new(chunk.to_vec())));
    }
    blocks
}

/// Text, then one button per choice (at most 25: one actions block).
fn menu(text: &str, choices: &[Choice]) -> Vec<SlackBlock> {
    let mut blocks = sections(text);
    let buttons: Vec<SlackActionBlockElement> = choices
        .iter()
        .take(25)
        .map(|c| {
            SlackActionBlockElement::Button(
                SlackBlockButtonElement::new(SlackBlockPlainTextOnly::from(fit(
                    &c.label,
                    BUTTON_TEXT_MAX,
                )))
                .with_action_id(c.payload.clone().into())
                .with_value(c.payload.clone()),
            )
        })
        .collect();
    if !buttons.is_empty() {
        blocks.push(SlackBlock::Actions(SlackActionsBlock::new(buttons)));
    }
    blocks
}

fn headline(f: &Feedback) -> String {
    match f.verdict {
        Verdict::Correct => "✅ Correct!".into(),
        Verdict::Incorrect => format!("❌ Not quite. The answer: {}", f.right.join(" + ")),
        Verdict::Recorded => "🗳 Thanks, your answer is recorded.".into(),
        Verdict::AlreadyAnswered => format!("↩ You already answered: {}", f.chosen.join(" + ")),
    }
}

fn feedback(f: &Feedback) -> Vec<SlackBlock> {
    let mut head = format!("*{}*", to_mrkdwn(&headline(f)));
    if f.points > 0 {
        head.push_str(&format!("  +{} points", f.points));
    }
    let mut blocks = vec![section(format!("{}\n{}", to_mrkdwn(&f.prompt), head))];
    if f.verdict != Verdict::AlreadyAnswered && !f.chosen.is_empty() {
        blocks.push(section(format!(
            "Your answer: {}",
            to_mrkdwn(&f.chosen.join(" + "))
        )));
    }
    for e in &f.explanations {
        blocks.extend(sections(e));
    }
    if let Some(note) = &f.note {
        blocks.push(SlackBlock::Context(SlackContextBlock::new(vec![
            SlackContextBlockElement::MarkDown(SlackBlockMarkDownText::new(fit(
                &to_mrkdwn(&format!("🏁 {note}")),
                CONTEXT_TEXT_MAX,
            ))),
        ])));
    }
    blocks.truncate(50);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::LessonPart;

    #[test]
    fn many_short_paragraphs_stay_well_under_fifty_blocks() {
        let blocks: Vec<Block> = (0..300)
            .map(|i| Block::Text(format!("Line {i}.")))
            .collect();
        let part = LessonPart {
            lesson_id: "l".into(),
            course_title: "C".into(),
            title: "T".into(),
            objective: "O".into(),
            minutes: 3,
            part: 1,
            parts: 1,
            blocks,
        };
        let content = render(&Message::Lesson(part));
        let n = content.blocks.as_ref().map_or(0, Vec::len);
        assert!(n <= 5, "{n} blocks");
    }
}
