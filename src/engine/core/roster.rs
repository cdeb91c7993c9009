//! Enrols the current members of a DM campaign's channel, as the platform lists them (joiners after
//! that arrive as member-joined events). Runs beside the scheduler; a failed listing is retried.

use crate::chat::{ChatPlatform, Platform, SendError};
use crate::engine::Engine;
use crate::store::{CampaignId, Store};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// How often pending rosters are looked for without a nudge, and how long a failed one waits.
const POLL: Duration = Duration::from_secs(60);
const RETRY_TRANSIENT: Duration = Duration::from_secs(30);
const RETRY_PERMANENT: Duration = Duration::from_secs(600);

impl Engine {
    pub async fn run_roster(
        self,
        store: Store,
        platforms: Vec<Arc<dyn ChatPlatform>>,
        clock: Arc<dyn crate::clock::Clock>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let platforms: HashMap<Platform, Arc<dyn ChatPlatform>> =
            platforms.into_iter().map(|p| (p.platform(), p)).collect();
        let mut not_before: HashMap<CampaignId, Instant> = HashMap::new();
        let changed = self.roster_changed.clone();
        let mut retry = crate::ops::Retry::new("roster", self.loop_health(), clock);
        loop {
            match store.rosters_due().await {
                Ok(due) => {
                    retry.succeeded();
                    for r in due {
                        if not_before
                            .get(&r.campaign_id)
                            .is_some_and(|t| *t > Instant::now())
                        {
                            continue;
                        }
                        let Some(platform) =
                            Platform::parse(&r.platform).and_then(|p| platforms.get(&p))
                        else {
                            continue;
                        };
                        let listed = platform
                            .channel_members(&r.tenant_external_id, &r.channel)
                            .await;
                        let wait = match listed {
                            Ok(people) => {
                                let found = people.len();
                                match self.enrol_roster(r.campaign_id, people).await {
                                    Ok(added) => {
                                        tracing::info!(
                                            campaign = r.campaign_id.0,
                                            found,
                                            added,
                                            "channel members enrolled"
                                        );
                                        continue;
                                    }
                                    Err(e) => {
                                        tracing::error!(campaign = r.campaign_id.0, error = %e, "cannot enrol the channel's members");
                                        RETRY_TRANSIENT
                                    }
                                }
                            }
                            Err(SendError::Permanent(e)) => {
                                tracing::error!(campaign = r.campaign_id.0, channel = %r.channel, error = %e,
                                    "cannot list the channel's members (check the bot's scopes or intents); joiners are still enrolled");
                                RETRY_PERMANENT
                            }
                            Err(e) => {
                                tracing::warn!(campaign = r.campaign_id.0, error = %e, "listing the channel's members failed, will retry");
                                RETRY_TRANSIENT
                            }
                        };
                        not_before.insert(r.campaign_id, Instant::now() + wait);
                    }
                }
                Err(e) => {
                    // Backed off while the store fails, deaf to nudges meanwhile.
                    let wait = retry.failed(&e, true);
                    tokio::select! {
                        _ = retry.wait(wait) => continue,
                        _ = shutdown.changed() => return,
                    }
                }
            }
            tokio::select! {
                _ = changed.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}
