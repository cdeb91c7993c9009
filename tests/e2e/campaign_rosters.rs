//! DM campaigns for a channel's members, through each adapter and its fake: the platform's member
//! list is enrolled (bots left out), a joiner is added, and team-lead commands arrive as slash commands.

use crate::discord::{CHANNEL, LEARNER, spawn_discord_app};
use crate::slack::{ack_text, spawn_slack_app};
use crate::support::fake_discord::{BOT_ID, GUILD, payloads as discord_payloads};
use crate::support::fake_slack::payloads as slack_payloads;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_enrols_the_channels_members_and_its_joiners_and_sends_them_dms() {
    let app = spawn_slack_app().await;
    app.fake
        .set_channel_members("C-TEAM", &["U1", "U2", "UBOT", "U3"]);
    app.fake.make_admin("ULEAD");
    let (ack, _) = app
        .command("C-LEADS", "ULEAD", "/nibble", "quiet-hours off", "t.1")
        .await;
    assert!(ack_text(&ack).contains("Quiet hours are off"), "{ack}");
    // Slack escapes the channel mention in the command text (the manifest sets should_escape).
    let create = "campaign create name=team course=giving-feedback dm channel=<#C-TEAM|team> cron=\"0 9 1 1 *\" zone=UTC";
    let (ack, _) = app
        .command("C-LEADS", "ULEAD", "/nibble", create, "t.2")
        .await;
    assert!(
        ack_text(&ack).contains("plus everyone who joins <#C-TEAM>"),
        "{ack}"
    );
    // A learner without the role is refused.
    let (ack, _) = app
        .command("C-LEADS", "U1", "/nibble", "campaign stop team", "t.3")
        .await;
    assert!(ack_text(&ack).contains("Only team leads"), "{ack}");

    let attempt = std::sync::atomic::AtomicUsize::new(0);
    let last = until_shown("Recipients: 3", || async {
        let n = attempt.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let trigger = format!("s.{n}");
        let (ack, _) = app
            .command(
                "C-LEADS",
                "ULEAD",
                "/nibble",
                "campaign show team",
                &trigger,
            )
            .await;
        ack_text(&ack)
    })
    .await;
    assert!(
        last.contains("Recipients: 3"),
        "the three people (not the bot) were enrolled: {last}"
    );
    app.fake.send_envelope(
        "events_api",
        slack_payloads::event_callback("Ev-join-1", slack_payloads::member_joined("U4", "C-TEAM")),
    );
    let (ack, _) = app
        .command(
            "C-LEADS",
            "ULEAD",
            "/nibble",
            "campaign send-next team",
            "t.4",
        )
        .await;
    assert!(ack_text(&ack).contains("recipient(s) now"), "{ack}");
    for user in ["U1", "U2", "U3"] {
        let channel = format!("D{user}");
        app.fake
            .wait_for(&format!("the lesson in {channel}"), || {
                app.fake
                    .posted(&channel)
                    .iter()
                    .any(|m| {
                        m["metadata"]["event_payload"]["delivery"]
                            .as_str()
                            .is_some_and(|k| k.ends_with(":m0"))
                    })
                    .then_some(())
            })
            .await;
    }
    assert!(
        app.fake.posted("DUBOT").is_empty(),
        "the bot is not a learner"
    );
    let (ack, _) = app
        .command("C-LEADS", "ULEAD", "/nibble", "campaign show team", "t.5")
        .await;
    assert!(
        ack_text(&ack).contains("Recipients: 4"),
        "the joiner was enrolled: {ack}"
    );
    app.fake.assert_valid();
}

fn campaign_options(command: &str) -> Value {
    json!([{"type": 1, "name": "campaign", "options": [{"type": 3, "name": "command", "value": command}]}])
}

fn reply(body: &Value) -> String {
    body["data"]["content"].as_str().unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_enrols_the_servers_members_without_bots() {
    let app = spawn_discord_app().await;
    let other = "830000000000000102";
    app.fake.set_guild_members(GUILD, &[LEARNER, other, BOT_ID]);
    // Manage Server (0x20) makes the member a team lead.
    let lead = |id: &str, options: Value| {
        discord_payloads::command(
            id,
            GUILD,
            CHANNEL,
            "830000000000000900",
            "nibble",
            options,
            "32",
        )
    };
    let quiet = json!([{"type": 1, "name": "quiet-hours", "options": [{"type": 3, "name": "hours", "value": "off"}]}]);
    let (body, _) = app.interact(lead(&app.fake.next_id(), quiet)).await;
    assert!(reply(&body).contains("Quiet hours are off"), "{body}");
    let create = format!(
        "create name=srv course=security-awareness dm channel=<#{CHANNEL}> cron=\"0 9 1 1 *\" zone=UTC"
    );
    let (body, _) = app
        .interact(lead(&app.fake.next_id(), campaign_options(&create)))
        .await;
    assert!(reply(&body).contains("Campaign #1"), "{body}");
    let (body, _) = app
        .command(LEARNER, "nibble", campaign_options("pause 1"))
        .await;
    assert!(reply(&body).contains("Only team leads"), "{body}");
    let last = until_shown("Recipients: 2", || async {
        let (body, _) = app
            .interact(lead(&app.fake.next_id(), campaign_options("show srv")))
            .await;
        reply(&body)
    })
    .await;
    assert!(
        last.contains("Recipients: 2"),
        "two people, the bot left out: {last}"
    );
    // Someone joins the server: Discord has no channel joins, so the server's DM campaigns enrol them.
    let newcomer = "830000000000000103";
    app.fake.dispatch(
        "GUILD_MEMBER_ADD",
        discord_payloads::member_add(GUILD, newcomer),
    );
    let shown = until_shown("Recipients: 3", || async {
        let (body, _) = app
            .interact(lead(&app.fake.next_id(), campaign_options("show srv")))
            .await;
        reply(&body)
    })
    .await;
    assert!(
        shown.contains("Recipients: 3"),
        "the newcomer was enrolled: {shown}"
    );
    app.interact(lead(&app.fake.next_id(), campaign_options("send-next srv")))
        .await;
    for user in [LEARNER, other, newcomer] {
        // The fake opens DM channel 7<user id without its first digit>.
        let dm = format!("7{}", &user[1..]);
        app.fake
            .wait_for(&format!("the lesson in {dm}"), || {
                (!app.fake.messages(&dm).is_empty()).then_some(())
            })
            .await;
    }
    // Recognition settings are /nibble subcommands on Discord too.
    let hide = json!([{"type": 1, "name": "leaderboard", "options": [{"type": 3, "name": "action", "value": "hide"}]}]);
    let (body, _) = app.command(LEARNER, "nibble", hide).await;
    assert!(reply(&body).contains("hidden from leaderboards"), "{body}");
    app.fake.assert_valid();
}

/// Asks again (a campaign show) until the answer mentions `needle`, for up to five seconds; returns
/// the last answer.
async fn until_shown<F, Fut>(needle: &str, mut ask: F) -> String
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let answer = ask().await;
        if answer.contains(needle) || std::time::Instant::now() > deadline {
            return answer;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
