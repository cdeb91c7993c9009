//! Who sent an event: the workspace and member, created on first sight, and redelivery detection.

use crate::chat::Event;
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Utc};

/// The event's workspace and member, created on first sight.
pub(crate) async fn member_of(
    tx: &mut Tx<'_>,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<MemberRef, crate::store::StoreError> {
    let tenant_id = Store::ensure_tenant(tx, event.platform.as_str(), &event.tenant, now).await?;
    let u = &event.user;
    let member_id =
        Store::ensure_member(tx, tenant_id, &u.id, &u.name, u.time_zone.as_deref(), now).await?;
    // The platform's answer (a known name) says who holds which role; remembered so that a slow
    // lookup after a restart is not a downgrade. An unknown name means the lookup did not answer.
    if !u.name.is_empty() {
        Store::remember_roles(tx, member_id, (u.is_lead, u.is_moderator)).await?;
    }
    Ok(MemberRef {
        tenant_id,
        member_id,
    })
}

/// The event's member, unless this event was handled before (a redelivery): then None.
pub(crate) async fn member_once(
    tx: &mut Tx<'_>,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Option<MemberRef>, crate::store::StoreError> {
    let member = member_of(tx, event, now).await?;
    let first = Store::mark_event_processed(tx, member.tenant_id, &event.key, now).await?;
    Ok(first.then_some(member))
}
