//! xAPI 1.0.3 statements for learning events: who (an account on the chat platform), did what
//! (answered, completed, experienced), to which activity (a lesson, question or course, as URNs),
//! with the result (success, score) when there is one.

use crate::content::Catalog;
use crate::domain::grading::decode_choices;
use crate::store::LearningEvent;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A stable UUID for an event, so a retried batch carries the same statement ids (version 5 style,
/// from SHA-256).
pub fn statement_id(event: &LearningEvent) -> String {
    let digest = Sha256::digest(format!("nibble:{}:{}", event.kind, event.id).as_bytes());
    let mut b: [u8; 16] = [0; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn home_page(platform: &str) -> &'static str {
    match platform {
        "slack" => "https://slack.com",
        "discord" => "https://discord.com",
        _ => "urn:nibble:local",
    }
}

fn verb(kind: &str) -> Value {
    json!({
        "id": format!("http://adlnet.gov/expapi/verbs/{kind}"),
        "display": {"en-US": kind},
    })
}

fn activity(id: String, name: &str, kind: &str) -> Value {
    json!({
        "objectType": "Activity",
        "id": id,
        "definition": {
            "name": {"en-US": name},
            "type": format!("http://adlnet.gov/expapi/activities/{kind}"),
        },
    })
}

pub fn statement(event: &LearningEvent, catalog: &Catalog) -> Value {
    let lesson = catalog.lesson(&event.lesson_id);
    let lesson_name = lesson.map_or(event.lesson_id.as_str(), |l| l.title.as_str());
    let (object, result) = match (event.kind, &event.question_id, &event.source) {
        ("answered", Some(question), _) => {
            let q = lesson.and_then(|l| l.question(question));
            let name = q.map_or(question.as_str(), |q| q.prompt.as_str());
            let object = activity(
                format!("urn:nibble:lesson:{}:question:{question}", event.lesson_id),
                name,
                "cmi.interaction",
            );
            let response = event.choice.as_deref().map(|c| {
                decode_choices(c)
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join("[,]")
            });
            let mut result = json!({"completion": true, "response": response.unwrap_or_default()});
            if let Some(success) = event.correct {
                result["success"] = json!(success);
                result["score"] = json!({"scaled": if success { 1.0 } else { 0.0 }, "raw": i32::from(success), "min": 0, "max": 1});
            }
            (object, Some(result))
        }
        ("completed", _, Some(source)) => {
            let (kind, id) = source.split_once(':').unwrap_or(("lesson", source));
            let name = match kind {
                "course" => catalog.course(id).map_or(id, |c| c.title.as_str()),
                _ => catalog.lesson(id).map_or(id, |l| l.title.as_str()),
            };
            let object = activity(
                format!("urn:nibble:{kind}:{id}"),
                name,
                if kind == "course" { "course" } else { "lesson" },
            );
            (object, Some(json!({"completion": true, "success": true})))
        }
        _ => (
            activity(
                format!("urn:nibble:lesson:{}", event.lesson_id),
                lesson_name,
                "lesson",
            ),
            None,
        ),
    };
    let mut s = json!({
        "id": statement_id(event),
        "actor": {
            "objectType": "Agent",
            "account": {
                "homePage": home_page(&event.platform),
                "name": format!("{}:{}", event.tenant, event.member),
            },
        },
        "verb": verb(event.kind),
        "object": object,
        "timestamp": event.at,
        "context": {"platform": "nibble", "language": "en-US"},
        "version": "1.0.3",
    });
    if let Some(r) = result {
        s["result"] = r;
    }
    s
}
