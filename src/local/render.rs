//! Renders neutral messages as plain text, for the demo transcript and the local platform's log.

use crate::chat::{Feedback, Message, Verdict};
use crate::content::Block;

/// The whole message as text.
pub fn render_text(message: &Message) -> String {
    render(message, false)
}

/// The message with lesson bodies summed up: headings, images and links, and a word count.
pub fn render_brief(message: &Message) -> String {
    render(message, true)
}

fn render(message: &Message, brief: bool) -> String {
    match message {
        Message::Text { text } => text.clone(),
        Message::Lesson(p) => {
            let mut out = String::new();
            if p.part == 1 {
                out.push_str(&format!("📘 {} · {}\n", p.course_title, p.title));
                out.push_str(&format!("🎯 {} · ⏱ {} min\n", p.objective, p.minutes));
            } else {
                out.push_str(&format!(
                    "📘 {} (part {} of {})\n",
                    p.title, p.part, p.parts
                ));
            }
            let mut words = 0;
            for block in &p.blocks {
                match block {
                    Block::Heading(h) => out.push_str(&format!("## {h}\n")),
                    Block::Text(t) if brief => {
                        words += t.split_whitespace().count();
                        for label in link_labels(t) {
                            out.push_str(&format!("🔗 {label}\n"));
                        }
                    }
                    Block::Text(t) => out.push_str(&format!("{t}\n")),
                    // A picture beside the lesson shows its path as written (`images/x.png`).
                    Block::Image { url, alt, .. } if brief => {
                        out.push_str(&format!("🖼  {} <{url}>\n", first_line(alt)))
                    }
                    Block::Image { url, alt, .. } => out.push_str(&format!("🖼  {alt} <{url}>\n")),
                }
            }
            if brief {
                out.push_str(&format!("({words} words of text)"));
            }
            out.trim_end().to_string()
        }
        Message::Question(q) => {
            let choices: Vec<String> = q.choices.iter().map(|c| format!("[{}]", c.label)).collect();
            let how = if q.multi {
                " (tick all that apply)"
            } else {
                ""
            };
            format!("❓ {}: {}{how}\n{}", q.label, q.prompt, choices.join(" "))
        }
        Message::Feedback(f) => render_feedback(f),
        Message::Menu { text, choices } => {
            let buttons: Vec<String> = choices.iter().map(|c| format!("[{}]", c.label)).collect();
            format!("{text}\n{}", buttons.join(" "))
        }
    }
}

fn render_feedback(f: &Feedback) -> String {
    let head = match f.verdict {
        Verdict::Correct => "✅ Correct".to_string(),
        Verdict::Incorrect => format!("❌ Not quite: the answer is {}", f.right.join(" + ")),
        Verdict::Recorded => "🗳 Thanks, your answer is recorded".to_string(),
        Verdict::AlreadyAnswered => format!("↩ You already answered: {}", f.chosen.join(" + ")),
    };
    let mut out = head;
    if f.points > 0 {
        out.push_str(&format!(" (+{} points)", f.points));
    }
    if let Some(e) = f.explanations.first() {
        out.push_str(&format!("\n{}", first_line(e)));
    }
    if let Some(note) = &f.note {
        out.push_str(&format!("\n🏁 {note}"));
    }
    out
}

/// Labels of `[label](url)` links in light Markdown.
fn link_labels(text: &str) -> Vec<&str> {
    let mut labels = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('[') {
        let after = &rest[start + 1..];
        let Some(end) = after.find("](") else { break };
        labels.push(&after[..end]);
        rest = &after[end..];
    }
    labels
}

/// The first line, shortened for a one-line transcript.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 110 {
        format!("{}…", line.chars().take(109).collect::<String>())
    } else {
        line.to_string()
    }
}
