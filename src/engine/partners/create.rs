//! `/partner create`: a pool for this channel, announced there with a Join button.

use crate::chat::{Choice, Destination, Message, Reply, encode_join_pool};
use crate::command::PoolPlan;
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::store::{NewPool, Store};

pub(crate) async fn create(
    ctx: &mut Ctx<'_, '_>,
    plan: PoolPlan,
) -> Result<Applied<Reply>, EngineError> {
    // The settings read left to right: a course named before a mistake is checked first.
    let mut mentor = None;
    for course in &plan.mentors {
        match ctx.catalog.course(course) {
            Some(c) => mentor = Some(c.id.clone()),
            None => return say(format!("There's no course `{course}` for mentor mode.")),
        }
    }
    let settings = match plan.settings {
        Ok(settings) => settings,
        Err(mistake) => return say(mistake.message),
    };
    let (schedule, now) = (&settings.schedule, ctx.now);
    let Some(first) = schedule.next_after(now) else {
        return say("That cadence never fires.");
    };
    let (event, tenant_id) = (ctx.event, ctx.member.tenant_id);
    let pool = NewPool {
        tenant_id,
        channel: &event.channel,
        cadence: &settings.cadence,
        time_zone: schedule.zone.name(),
        group_size: settings.size,
        mentor_course: mentor.as_deref(),
        next_round_at: first,
        created_by: &event.user.id,
    };
    let Some(pool_id) = Store::create_pool(ctx.tx, &pool, now).await? else {
        return say("This channel has a partner pool already: `/partner stats` shows it.");
    };
    let mode = mentor.map_or(String::new(), |c| {
        format!(
            " Mentor mode: learners who need help with `{c}` are paired with those who mastered it."
        )
    });
    let every = &settings.cadence;
    let text = format!(
        "🤝 **Accountability partners** start here: every round ({every}) I pair the people who joined, never with the same person twice while someone new is available, and introduce you by DM.{mode} Tap Join or type `/partner join`."
    );
    let announcement = Message::Menu {
        text,
        choices: vec![Choice {
            label: "Join".into(),
            payload: encode_join_pool(pool_id),
        }],
    };
    let key = format!("pool-announce:{pool_id}");
    let to = Destination::Channel {
        channel: event.channel.clone(),
    };
    crate::engine::core::deliver::queue(ctx.tx, tenant_id, &key, &to, &announcement, now).await?;
    let first = first
        .with_timezone(&schedule.zone)
        .format("%a %d %b %Y %H:%M %Z");
    say_queued(format!(
        "Pool created for this channel (groups of {}). First round: {first}.",
        settings.size
    ))
}
