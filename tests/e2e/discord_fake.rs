//! The fake Discord's own rules, checked without nibble: rate-limit buckets and intents.

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
