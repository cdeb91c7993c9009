//! Each closed set reads and writes exactly today's stored words: a renamed variant or word fails here.

use super::{
    CampaignState, CampaignTarget, OutboxState, RecipientKind, RecipientState, ScheduleKind,
    ThreadKind, ThreadState,
};
use sqlx::SqlitePool;

async fn memory() -> SqlitePool {
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("memory db")
}

/// Writes each value through SQLite and reads back its text, then reads each word back as a value;
/// `words` is every value with its word as stored by today's databases.
async fn round_trips<T>(pool: &SqlitePool, all: &[T], words: &[(T, &str)])
where
    T: Copy
        + PartialEq
        + std::fmt::Debug
        + Send
        + Unpin
        + for<'q> sqlx::Encode<'q, sqlx::Sqlite>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>,
{
    assert_eq!(all.len(), words.len(), "every value has its stored word");
    for (value, word) in words {
        let stored: String = sqlx::query_scalar("SELECT $1")
            .bind(*value)
            .fetch_one(pool)
            .await
            .expect("write");
        assert_eq!(stored, *word, "{value:?} is stored as `{word}`");
        let read: T = sqlx::query_scalar("SELECT $1")
            .bind(*word)
            .fetch_one(pool)
            .await
            .expect("read");
        assert_eq!(read, *value, "`{word}` reads as {value:?}");
    }
}

#[tokio::test]
async fn campaign_sets_keep_their_stored_words() {
    let pool = memory().await;
    use CampaignState as S;
    let states = [
        (S::Draft, "draft"),
        (S::Active, "active"),
        (S::Paused, "paused"),
        (S::Finished, "finished"),
    ];
    round_trips(&pool, S::ALL, &states).await;
    let targets = [
        (CampaignTarget::Channel, "channel"),
        (CampaignTarget::Members, "members"),
    ];
    round_trips(&pool, CampaignTarget::ALL, &targets).await;
    let kinds = [
        (RecipientKind::Member, "member"),
        (RecipientKind::Channel, "channel"),
    ];
    round_trips(&pool, RecipientKind::ALL, &kinds).await;
    let recipient_states = [
        (RecipientState::Active, "active"),
        (RecipientState::Done, "done"),
    ];
    round_trips(&pool, RecipientState::ALL, &recipient_states).await;
    for (value, word) in states {
        assert_eq!(value.to_string(), word, "replies show the stored word");
    }
}

#[tokio::test]
async fn an_unknown_word_is_a_decode_error_not_a_default() {
    let pool = memory().await;
    let read: Result<CampaignState, _> = sqlx::query_scalar("SELECT 'stopped'")
        .fetch_one(&pool)
        .await;
    assert!(
        matches!(read, Err(sqlx::Error::ColumnDecode { .. })),
        "{read:?}"
    );
}

#[tokio::test]
async fn thread_sets_keep_their_stored_words() {
    let pool = memory().await;
    let kinds = [
        (ThreadKind::Prompt, "prompt"),
        (ThreadKind::Checkin, "checkin"),
        (ThreadKind::Lesson, "lesson"),
        (ThreadKind::Story, "story"),
        (ThreadKind::Question, "question"),
    ];
    round_trips(&pool, ThreadKind::ALL, &kinds).await;
    let states = [(ThreadState::Open, "open"), (ThreadState::Closed, "closed")];
    round_trips(&pool, ThreadState::ALL, &states).await;
    for (value, word) in kinds {
        let json = serde_json::to_string(&value).expect("serialise");
        assert_eq!(
            json,
            format!("\"{word}\""),
            "reports serialise the stored word"
        );
    }
}

#[test]
fn shown_words_honour_column_widths() {
    // The text report aligns kinds and states in fixed-width columns.
    assert_eq!(format!("[{:<8}]", ThreadKind::Story), "[story   ]");
    assert_eq!(format!("[{:>6}]", ThreadState::Open), "[  open]");
}

#[tokio::test]
async fn outbox_states_keep_their_stored_words() {
    let pool = memory().await;
    let states = [
        (OutboxState::Pending, "pending"),
        (OutboxState::Sending, "sending"),
        (OutboxState::Sent, "sent"),
        (OutboxState::Failed, "failed"),
    ];
    round_trips(&pool, OutboxState::ALL, &states).await;
}

#[tokio::test]
async fn schedule_kinds_keep_their_stored_words() {
    let pool = memory().await;
    let kinds = [
        (ScheduleKind::Prompts, "prompts"),
        (ScheduleKind::Checkins, "checkins"),
        (ScheduleKind::Digest, "digest"),
    ];
    round_trips(&pool, ScheduleKind::ALL, &kinds).await;
}
