//! What campaign commands and config declarations share: creating a validated campaign with its
//! audience and a preview, finding one, a learner's progress in its course and its next send.

use crate::command::CampaignRef;
use crate::content::Catalog;
use crate::domain::campaign::CampaignSpec;
use crate::engine::campaigns::enrol::{enrol_member, tenant_quiet};
use crate::engine::campaigns::plan::Plan;
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::store::{CampaignRecord, CampaignState, MemberRef, NewRecipient, Store, Timestamp, Tx};

use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// Lessons of a course the member has done (completed, or received when it has no questions) and the total.
pub(crate) async fn course_progress(
    tx: &mut Tx<'_>,
    catalog: &Catalog,
    course: &str,
    member: &MemberRef,
) -> Result<(usize, usize), EngineError> {
    let Some(course) = catalog.course(course) else {
        return Ok((0, 0));
    };
    let completed: HashSet<String> = Store::completed_lessons(tx, member)
        .await?
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    let seen: HashSet<String> = Store::lessons_seen_by(tx, member.tenant_id, member.member_id)
        .await?
        .into_iter()
        .collect();
    let skipped: HashSet<String> =
        Store::skipped_lessons(tx, member.tenant_id, member.member_id, &course.id)
            .await?
            .into_iter()
            .collect();
    let lessons: Vec<_> = catalog.lessons_of(course).collect();
    // A lesson a diagnostic showed the learner masters counts as done.
    let done = lessons
        .iter()
        .filter(|l| {
            completed.contains(&l.id)
                || skipped.contains(&l.id)
                || (l.questions.is_empty() && seen.contains(&l.id))
        })
        .count();
    Ok((done, lessons.len()))
}

/// Creates a campaign from a validated spec and enrols its audience. Returns the reply text.
pub(crate) async fn create(
    core: &Core,
    tx: &mut Tx<'_>,
    tenant_id: i64,
    spec: &CampaignSpec,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<Result<(i64, String), String>, EngineError> {
    let catalog = core.catalog.current();
    let Some(course) = catalog.course(&spec.course) else {
        let known: Vec<&str> = catalog.courses().iter().map(|c| c.id.as_str()).collect();
        return Ok(Err(format!(
            "There is no course `{}`. Courses: {}.",
            spec.course,
            known.join(", ")
        )));
    };
    let Some(id) = Store::insert_campaign(tx, tenant_id, spec, created_by, now).await? else {
        return Ok(Err(format!(
            "A campaign named “{}” already exists here: pick another `name=`.",
            spec.name
        )));
    };
    let rec = Store::campaign(tx, id)
        .await?
        .ok_or(EngineError::UnknownCampaign(id.0))?;
    let plan = Plan::from_record(&rec)?;
    let mut enrolled = 0;
    if !spec.draft {
        enrolled = enrol_audience(core, tx, &plan, spec, now).await?;
    } else if spec.dm {
        // Members are enrolled now; their first slot is set when the campaign is resumed.
        for m in &spec.members {
            let (member_id, _) = Store::ensure_member_id(tx, tenant_id, m, now).await?;
            enrolled += usize::from(
                Store::enroll(
                    tx,
                    &NewRecipient {
                        campaign_id: id,
                        recipient: m,
                        member_id: Some(member_id),
                        next_due_at: None,
                        next_reminder_at: None,
                    },
                    now,
                )
                .await?,
            );
        }
    }
    let preview: Vec<String> = plan
        .preview(now, 5)
        .iter()
        .map(|t| format!("• {}", t.format("%a %d %b %Y %H:%M %Z")))
        .collect();
    let audience = if spec.dm {
        let joiners = spec
            .channel
            .as_ref()
            .map(|c| format!(", plus everyone who joins <#{c}>"))
            .unwrap_or_default();
        format!("by DM to {enrolled} member(s){joiners}")
    } else {
        format!("in <#{}>", spec.channel.clone().unwrap_or_default())
    };
    let state = if spec.draft {
        format!(" It is a draft: `/nibble campaign resume {id}` starts it.")
    } else {
        String::new()
    };
    Ok(Ok((
        id.0,
        format!(
            "Campaign #{id} “{}” created: “{}” ({} lessons) {audience}, on `{}` in {}.{state}\nNext five sends ({}):\n{}",
            spec.name,
            course.title,
            course.lesson_ids.len(),
            spec.schedule.cron,
            spec.schedule.zone.name(),
            spec.schedule.zone.name(),
            preview.join("\n")
        ),
    )))
}

/// Enrols the channel (or the listed members) with their first slot. Returns how many were added.
async fn enrol_audience(
    core: &Core,
    tx: &mut Tx<'_>,
    plan: &Plan,
    spec: &CampaignSpec,
    now: DateTime<Utc>,
) -> Result<usize, EngineError> {
    let quiet = tenant_quiet(core, tx, plan.tenant_id).await?;
    let mut added = 0;
    if !spec.dm {
        let channel = spec.channel.clone().unwrap_or_default();
        let first = plan.next_slot(now, None, None);
        added += usize::from(
            Store::enroll(
                tx,
                &NewRecipient {
                    campaign_id: plan.id,
                    recipient: &channel,
                    member_id: None,
                    next_due_at: first,
                    next_reminder_at: None,
                },
                now,
            )
            .await?,
        );
        return Ok(added);
    }
    for m in &spec.members {
        let (member_id, zone) = Store::ensure_member_id(tx, plan.tenant_id, m, now).await?;
        let zone = zone.as_deref();
        added += usize::from(enrol_member(tx, plan, m, member_id, zone, quiet, core, now).await?);
    }
    Ok(added)
}

/// Finds a tenant's campaign by `#id`, id or name (a declaration's name, as written in the config).
pub(crate) async fn find(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    key: &str,
) -> Result<Option<CampaignRecord>, EngineError> {
    let key = key.trim().trim_start_matches('#');
    Ok(Store::campaigns(tx, tenant_id)
        .await?
        .into_iter()
        .find(|c| c.id.to_string() == key || c.name == key))
}

/// Finds the tenant's campaign a command names: the first, in id order, that answers to it.
pub(crate) async fn find_ref(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    campaign: &CampaignRef,
) -> Result<Option<CampaignRecord>, EngineError> {
    Ok(Store::campaigns(tx, tenant_id)
        .await?
        .into_iter()
        .find(|c| campaign.matches(c.id.0, &c.name)))
}

/// The next send as a team lead should read it: only an active campaign sends; a paused, draft or
/// finished one still has recipients' due times stored, which are not a promise.
pub(crate) fn next_send_text(state: CampaignState, at: Option<Timestamp>) -> String {
    match state {
        CampaignState::Active => due_text(at),
        CampaignState::Paused => "none while paused".into(),
        CampaignState::Draft => "none until resumed (draft)".into(),
        CampaignState::Finished => "none (finished)".into(),
    }
}

fn due_text(at: Option<Timestamp>) -> String {
    at.map(|t| t.0.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "none scheduled".into())
}
