//! The pool announcement's Join button and the check-in buttons.

use crate::chat::{Action, CheckInOutcome, Event, Message, Reply};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::state::Core;
use crate::store::{Award, MemberRef, Store, Tx};
use chrono::{DateTime, Utc};

/// The announcement's Join button, and the check-in buttons.
pub(crate) async fn click(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    match action {
        Action::JoinPool { pool_id } => {
            let pool = Store::partner_pool(tx, pool_id).await?;
            let tenant_id =
                Store::ensure_tenant(tx, event.platform.as_str(), &event.tenant, now).await?;
            let Some(pool) = pool.filter(|p| p.tenant_id == tenant_id) else {
                return say("That pool doesn't exist here.");
            };
            let u = &event.user;
            let member_id = Store::ensure_member(
                tx,
                pool.tenant_id,
                &u.id,
                &u.name,
                u.time_zone.as_deref(),
                now,
            )
            .await?;
            super::commands::join(
                tx,
                &pool,
                &MemberRef {
                    tenant_id: pool.tenant_id,
                    member_id,
                },
                now,
            )
            .await
        }
        Action::CheckIn { group_id, outcome } => {
            check_in(core, tx, event, group_id, outcome, now).await
        }
        _ => say("That button isn't valid here."),
    }
}

async fn check_in(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    group_id: i64,
    outcome: CheckInOutcome,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(group) =
        Store::partner_group(tx, group_id, event.platform.as_str(), &event.tenant).await?
    else {
        return say("That check-in doesn't exist here.");
    };
    let Some(&(member_id, _)) = group.members.iter().find(|(_, e)| *e == event.user.id) else {
        return say("This check-in belongs to another group.");
    };
    if let Some(done) = &group.outcome {
        return Ok(Applied::new(
            Reply::UpdateSource(Message::text(format!(
                "Already recorded for your group: {}.",
                done.replace('_', " ")
            ))),
            false,
        ));
    }
    if !Store::set_group_outcome(tx, group_id, outcome.as_str(), member_id, now).await? {
        return say("Already recorded for your group.");
    }
    let points = core.rules.partner_meeting;
    let text = match outcome {
        CheckInOutcome::Met => {
            let source = format!("partner:{group_id}");
            for (m, _) in &group.members {
                let award = Award {
                    tenant_id: group.tenant_id,
                    member_id: *m,
                    reason: "partner meeting",
                    amount: points,
                    source: &source,
                    channel: None,
                };
                Store::award_points(tx, &award, now).await?;
            }
            format!("✅ Great, you met! +{points} points each.")
        }
        CheckInOutcome::NotYet => {
            "👍 Noted: not yet. There's still time before the next round.".into()
        }
        CheckInOutcome::Skip => "⏭ Skipped this round. See you in the next one.".into(),
    };
    Ok(Applied::new(
        Reply::UpdateSource(Message::text(text)),
        false,
    ))
}
