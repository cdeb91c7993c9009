//! The outbox dispatcher: retries, rate-limit pauses, order per destination, and in-doubt sends.

use crate::support::{TENANT, spawn_app, user};
use chrono::Duration;
use nibble::chat::{ChatPlatform, Outgoing, SendError};
use nibble::clock::Clock;
use nibble::engine::Recipient;

#[tokio::test]
async fn transient_failures_are_retried_with_backoff_and_keep_the_order() {
    let app = spawn_app().await;
    app.push(TENANT, Recipient::Member(user("U-1")), "spot-phishing")
        .await;
    app.platform.inject_faults([
        SendError::Transient("503".into()),
        SendError::Transient("503".into()),
    ]);
    let first = app.deliver().await;
    assert!(
        first.is_empty(),
        "the first message failed, the rest waited behind it"
    );
    let counts = app.store.outbox_counts().await.expect("counts");
    assert_eq!(counts.sent, 0);
    app.clock.advance(Duration::seconds(3));
    assert!(app.deliver().await.is_empty(), "second failure");
    app.clock.advance(Duration::seconds(10));
    let posted = app.deliver().await;
    assert_eq!(
        posted.len() as i64,
        app.store.outbox_counts().await.expect("counts").sent
    );
    let keys: Vec<&str> = posted.iter().map(|p| p.dedupe_key.as_str()).collect();
    let mut sorted = keys.clone();
    sorted.sort_by_key(|k| k.rsplit(":m").next().and_then(|n| n.parse::<u32>().ok()));
    assert_eq!(keys, sorted, "messages to one destination keep their order");
}

#[tokio::test]
async fn a_rate_limit_pauses_the_tenant_without_losing_or_duplicating() {
    let app = spawn_app().await;
    for u in ["U-1", "U-2", "U-3"] {
        app.push(TENANT, Recipient::Member(user(u)), "turn-on-mfa")
            .await;
    }
    let queued = app.store.outbox_counts().await.expect("counts").pending;
    // A storm: every other send is refused with 429 for a while.
    for _ in 0..5 {
        app.platform.inject_faults([SendError::RateLimited {
            retry_after: std::time::Duration::from_secs(2),
        }]);
        app.deliver().await;
        app.clock.advance(Duration::seconds(2));
    }
    app.clock.advance(Duration::seconds(5));
    let posted = app.deliver().await;
    let counts = app.store.outbox_counts().await.expect("counts");
    assert_eq!(counts.sent, queued, "{counts:?}");
    assert_eq!(counts.failed, 0);
    assert_eq!(posted.len() as i64, queued, "nothing posted twice");
}

#[tokio::test]
async fn permanent_failures_are_marked_failed_not_retried() {
    let app = spawn_app().await;
    app.push(TENANT, Recipient::Channel("C-GONE".into()), "sbi-model")
        .await;
    let total = app.store.outbox_counts().await.expect("counts").pending;
    app.platform
        .inject_faults([SendError::Permanent("channel_not_found".into())]);
    app.deliver().await;
    let counts = app.store.outbox_counts().await.expect("counts");
    assert_eq!((counts.failed, counts.sent), (1, total - 1));
}

#[tokio::test]
async fn a_send_whose_answer_was_lost_is_not_posted_twice() {
    let app = spawn_app().await;
    app.push(TENANT, Recipient::Member(user("U-1")), "turn-on-mfa")
        .await;
    app.platform.lose_answers(1);
    app.deliver().await;
    app.clock.advance(Duration::seconds(30));
    let posted = app.deliver().await;
    let counts = app.store.outbox_counts().await.expect("counts");
    assert_eq!(
        posted.len() as i64,
        counts.sent,
        "the retry reused the dedupe key: one post per message"
    );
}

#[tokio::test]
async fn rows_left_sending_by_a_crash_are_resolved_not_resent() {
    let app = spawn_app().await;
    app.push(TENANT, Recipient::Member(user("U-1")), "turn-on-mfa")
        .await;
    // A crash: two rows were claimed (`sending` committed); the platform accepted the first, and the
    // process died before recording either outcome.
    let claimed = app
        .store
        .claim_due(app.clock.now(), 2)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 2);
    let row = &claimed[0];
    let out = Outgoing {
        tenant: row.tenant_external_id.clone(),
        destination: serde_json::from_str(&row.destination).expect("destination"),
        message: serde_json::from_str(&row.payload).expect("message"),
        dedupe_key: row.dedupe_key.clone(),
        dm_channel: None,
    };
    app.platform
        .send(&out)
        .await
        .expect("accepted before the crash");
    assert_eq!(app.store.in_doubt().await.expect("in doubt").len(), 2);

    let posted = app.deliver().await;
    for r in &claimed {
        assert_eq!(
            posted
                .iter()
                .filter(|p| p.dedupe_key == r.dedupe_key)
                .count(),
            1,
            "{} posted once",
            r.dedupe_key
        );
    }
    let counts = app.store.outbox_counts().await.expect("counts");
    assert_eq!(
        (counts.sending, counts.pending, counts.failed),
        (0, 0, 0),
        "{counts:?}"
    );
    assert_eq!(posted.len() as i64, counts.sent);
}

#[tokio::test]
async fn a_backing_off_message_holds_later_ones_to_its_destination_across_passes() {
    use nibble::chat::{Dispatcher, DispatcherConfig};
    let app = spawn_app().await;
    app.push(TENANT, Recipient::Member(user("U-1")), "spot-phishing")
        .await;
    app.push(TENANT, Recipient::Member(user("U-2")), "spot-phishing")
        .await;
    // One row per pass, so the second message of U-1 would be claimed on a pass of its own.
    let one_at_a_time = Dispatcher::new(
        app.store.clone(),
        vec![app.platform.clone()],
        app.clock.clone(),
        DispatcherConfig {
            batch: 1,
            ..DispatcherConfig::default()
        },
    );
    app.platform
        .inject_faults([SendError::Transient("503".into())]);
    for _ in 0..4 {
        one_at_a_time.run_pass().await.expect("pass");
    }
    let early: Vec<_> = app.platform.posted();
    assert!(
        early
            .iter()
            .all(|p| p.destination != nibble::chat::Destination::Member { user: "U-1".into() }),
        "U-1's later parts overtook the first"
    );
    assert!(!early.is_empty(), "other destinations are not held up");
    app.clock.advance(Duration::seconds(5));
    let posted = app.deliver().await;
    let u1: Vec<&str> = posted
        .iter()
        .filter(|p| p.destination == nibble::chat::Destination::Member { user: "U-1".into() })
        .map(|p| p.dedupe_key.as_str())
        .collect();
    let mut sorted = u1.clone();
    sorted.sort_by_key(|k| k.rsplit(":m").next().and_then(|n| n.parse::<u32>().ok()));
    assert_eq!(u1, sorted);
    assert_eq!(app.store.outbox_counts().await.expect("counts").pending, 0);
}
