//! Tells team leads what nibble could not send, or sent only in part: a missing scope or permission,
//! a channel nibble is not in, a lesson picture shown as a link. The log says it too, but an operator
//! may never read it; the next team lead who uses a command sees it once, with the platform's reason.

use crate::chat::{Event, Message, Reply};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::store::{Store, Tx};
use chrono::{DateTime, Utc};

/// Reasons listed at most (the rest are counted).
const SHOWN: usize = 3;

/// Adds untold failed sends to a team lead's reply, once.
pub(super) async fn tell_lead(
    tx: &mut Tx<'_>,
    event: &Event,
    applied: Applied<Reply>,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    if !event.user.is_lead {
        return Ok(applied);
    }
    let tenant_id = Store::ensure_tenant(tx, event.platform.as_str(), &event.tenant, now).await?;
    let Some(problems) = Store::untold_problems(tx, tenant_id).await? else {
        return Ok(applied);
    };
    let mut notice = String::from("⚠️ Some messages could not be sent as they should:");
    for (reason, count) in problems.reasons.iter().take(SHOWN) {
        let times = if *count == 1 {
            "1 message".to_string()
        } else {
            format!("{count} messages")
        };
        notice.push_str(&format!("\n• {times}: {reason}"));
    }
    let more: i64 = problems.reasons.iter().skip(SHOWN).map(|(_, n)| n).sum();
    if more > 0 {
        notice.push_str(&format!("\n• {more} more, for other reasons"));
    }
    let value = match applied.value {
        Reply::Ephemeral(Message::Text { text }) => {
            Reply::Ephemeral(Message::text(format!("{text}\n\n{notice}")))
        }
        Reply::None => Reply::Ephemeral(Message::text(notice)),
        // A lesson, a quiz or an update keeps its shape: the notice waits for the next reply.
        other => {
            return Ok(Applied {
                value: other,
                ..applied
            });
        }
    };
    Store::mark_problems_told(tx, tenant_id, &problems).await?;
    Ok(Applied { value, ..applied })
}
