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

    let mut last = String::new();
    for attempt in 0..200 {
        let (ack, _) = app
            .command(
                "C-LEADS",
                "ULEAD",
                "/nibble",
                "campaign show team",
                &format!("s.{attempt}"),
            )
            .await;
        last = ack_text(&ack);
        if last.contains("Recipients: 3") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
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
    let mut last = String::new();
    for _ in 0..200 {
        let (body, _) = app
            .interact(lead(&app.fake.next_id(), campaign_options("show srv")))
            .await;
        last = reply(&body);
        if last.contains("Recipients: 2") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(
        last.contains("Recipients: 2"),
        "two people, the bot left out: {last}"
    );
    app.interact(lead(&app.fake.next_id(), campaign_options("send-next srv")))
        .await;
    for user in [LEARNER, other] {
        // The fake opens DM channel 7<user id without its first digit>.
        let dm = format!("7{}", &user[1..]);
        app.fake
            .wait_for(&format!("the lesson in {dm}"), || {
                (!app.fake.messages(&dm).is_empty()).then_some(())
            })
            .await;
    }
    app.fake.assert_valid();
}
