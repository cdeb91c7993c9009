//! The fake Discord's own rules, checked without nibble: rate-limit buckets and headers, intents,
//! interaction webhooks.

use crate::support::fake_discord::BOT_ID;
use crate::support::fake_discord::intents::*;
use crate::support::fake_discord::limits::{Limits, Meter, Verdict};
use serde_json::json;

#[test]
fn a_bucket_refuses_past_its_limit_and_says_when_to_retry() {
    let limits = Limits::discord().scaled(0.01);
    let mut meter = Meter::default();
    let route = "POST /channels/{channel_id}/messages";
    for _ in 0..5 {
        assert!(matches!(
            meter.check(&limits, route, "1", false),
            Verdict::Allowed(_)
        ));
    }
    let Verdict::Limited {
        headers, global, ..
    } = meter.check(&limits, route, "1", false)
    else {
        panic!("the sixth message in a window is refused")
    };
    assert!(!global);
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert!(headers.contains_key("retry-after"));
    // Another channel is its own bucket.
    assert!(matches!(
        meter.check(&limits, route, "2", false),
        Verdict::Allowed(_)
    ));
}

#[test]
fn content_is_blanked_without_the_intent_except_where_discord_keeps_it() {
    let guild = json!({"guild_id": "1", "content": "hi", "embeds": [{}], "author": {"id": "5"}, "mentions": []});
    let blank = apply(GUILD_MESSAGES, "MESSAGE_CREATE", guild.clone()).expect("delivered");
    assert_eq!(
        (blank["content"].clone(), blank["embeds"].clone()),
        (json!(""), json!([]))
    );
    let full = apply(
        GUILD_MESSAGES | MESSAGE_CONTENT,
        "MESSAGE_CREATE",
        guild.clone(),
    );
    assert_eq!(full.expect("delivered")["content"], "hi");
    let mut mention = guild.clone();
    mention["mentions"] = json!([{"id": BOT_ID}]);
    assert_eq!(
        apply(GUILD_MESSAGES, "MESSAGE_CREATE", mention).expect("kept")["content"],
        "hi"
    );
    assert!(apply(DIRECT_MESSAGES, "MESSAGE_CREATE", guild).is_none());
    let dm = json!({"content": "psst", "author": {"id": "5"}});
    assert_eq!(
        apply(DIRECT_MESSAGES, "MESSAGE_CREATE", dm).expect("a DM")["content"],
        "psst"
    );
}

/// A client reaching the fake as serenity does: discord.com over TLS with the test CA.
fn discord_client(fake: &crate::support::fake_discord::FakeDiscord) -> reqwest::Client {
    let pem = std::fs::read(fake.ca_file()).expect("CA");
    reqwest::Client::builder()
        .use_rustls_tls()
        .resolve("discord.com", fake.api_addr)
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("CA PEM"))
        .build()
        .expect("client")
}

#[tokio::test]
async fn interaction_webhooks_serve_only_dispatched_tokens_while_they_live() {
    use crate::support::fake_discord::{APP_ID, FakeDiscord, GUILD, payloads};
    let fake = FakeDiscord::start().await;
    let http = discord_client(&fake);
    let api = "https://discord.com/api/v10";
    let id = fake.next_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        payloads::command(
            &id,
            GUILD,
            "811000000000000001",
            "830000000000000101",
            "points",
            json!([]),
            "0",
        ),
    );
    let token = format!("tok-{id}");
    let status = |r: reqwest::Response| r.status().as_u16();
    let follow_up = format!("{api}/webhooks/{APP_ID}/{token}");
    let body = json!({"content": "later", "flags": 64});
    // Not acknowledged yet: no webhook.
    let r = http
        .post(&follow_up)
        .header("content-type", "application/json")
        .body((body).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(status(r), 404);
    let callback = format!("{api}/interactions/{id}/{token}/callback");
    let r = http
        .post(&callback)
        .header("content-type", "application/json")
        .body((json!({"type": 5})).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(status(r), 204);
    let r = http
        .post(&callback)
        .header("content-type", "application/json")
        .body((json!({"type": 5})).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(status(r), 400, "acknowledged twice");
    let r = http
        .post(&follow_up)
        .header("content-type", "application/json")
        .body((body).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 200);
    let message: serde_json::Value =
        serde_json::from_str(&r.text().await.expect("body")).expect("a message object");
    let mid = message["id"].as_str().expect("id").to_string();
    assert_eq!(message["flags"], 64);
    let one = format!("{follow_up}/messages/{mid}");
    let r = http
        .patch(&one)
        .header("content-type", "application/json")
        .body((json!({"content": "edited"})).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(status(r), 200);
    let r = http
        .patch(format!("{follow_up}/messages/@original"))
        .header("content-type", "application/json")
        .body((json!({"content": "x"})).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(status(r), 200);
    assert_eq!(status(http.delete(&one).send().await.expect("sent")), 204);
    assert_eq!(status(http.delete(&one).send().await.expect("sent")), 404);
    let forged = format!("{api}/webhooks/{APP_ID}/tok-never-dispatched");
    assert_eq!(
        status(
            http.post(&forged)
                .header("content-type", "application/json")
                .body((body).to_string())
                .send()
                .await
                .expect("sent")
        ),
        404
    );
    // Past the token's 15 minutes (here: at once).
    let mut limits = Limits::discord();
    limits.interaction_token_ttl = std::time::Duration::ZERO;
    fake.set_limits(limits);
    assert_eq!(
        status(
            http.post(&follow_up)
                .header("content-type", "application/json")
                .body((body).to_string())
                .send()
                .await
                .expect("sent")
        ),
        401
    );
    assert_eq!(fake.followups().len(), 1);
}

#[tokio::test]
async fn every_response_carries_its_bucket_and_a_429_says_how_long() {
    use crate::support::fake_discord::{FakeDiscord, TOKEN};
    let fake = FakeDiscord::start_with(Limits::discord().scaled(0.2)).await;
    let http = discord_client(&fake);
    let url = "https://discord.com/api/v10/channels/811000000000000001/messages";
    let mut last = None;
    for i in 0..6 {
        let r = http
            .post(url)
            .header("Authorization", format!("Bot {TOKEN}"))
            .header("content-type", "application/json")
            .body((json!({"content": format!("m{i}")})).to_string())
            .send()
            .await
            .expect("sent");
        for h in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "x-ratelimit-reset-after",
            "x-ratelimit-bucket",
        ] {
            assert!(r.headers().contains_key(h), "{h} missing on {}", r.status());
        }
        last = Some(r);
    }
    let r = last.expect("responses");
    assert_eq!(r.status().as_u16(), 429);
    let retry: f64 = r.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    let body: serde_json::Value =
        serde_json::from_str(&r.text().await.expect("body")).expect("json");
    assert_eq!(body["global"], false);
    assert!(body["message"].is_string());
    assert!(
        body["retry_after"]
            .as_f64()
            .is_some_and(|s| s > 0.0 && s <= retry)
    );
    assert_eq!(fake.invalid_requests(), 1);
}
