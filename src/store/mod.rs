//! The SQLite store: opening, migrations, and one repository module per aggregate. All SQL lives here.

/// Reads a row into a struct whose field names are the column names (sqlx's derive needs its
/// `macros` feature, which compiles sqlx twice).
macro_rules! from_row {
    ($ty:ty { $($field:ident),* $(,)? }) => {
        impl sqlx::FromRow<'_, sqlx::sqlite::SqliteRow> for $ty {
            fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row;
                Ok(Self { $($field: row.try_get(stringify!($field))?),* })
            }
        }
    };
}

mod answers;
pub mod bench;
mod campaigns;
mod catalog_sync;
mod closed_sets;
mod community;
mod daemon_lock;
mod deliveries;
mod demo_marker;
mod digest;
mod dm_channels;
mod events;
mod figures;
mod holds;
mod ids;
mod import;
mod leaderboard;
mod members;
mod migrate;
mod read_only;
mod recipients;
mod schema;
pub use migrate::latest_version;
mod diagnostics;
mod discussions;
mod export;
mod forget;
pub mod outbox;
mod partners;
mod points;
mod problems;
mod progress;
mod recognition;
mod replies;
mod report;
mod reviews;
mod threads;
mod timestamp;
mod uploaded_images;
mod vacations;
mod xapi;

pub use answers::{AnswerRow, NewAnswer};
pub use campaigns::{CampaignRecord, CampaignStats, RosterDue};
pub use closed_sets::{
    CampaignState, CampaignTarget, OutboxState, RecipientKind, RecipientState, ScheduleKind,
    ThreadKind, ThreadState,
};
pub use community::{CommunitySchedule, SuggestionRow};
pub use daemon_lock::{LockHolder, LockOutcome};
pub use deliveries::{NewDelivery, PromptRow};
pub use demo_marker::is_demo_database;
pub use diagnostics::{CourseAccuracy, DiagnosticAnswer};
pub use digest::{Digest, DigestReply, DigestThread, Participant, ThreadActivity};
pub use discussions::{DiscussionRow, NewDiscussion, ReplyRow};
pub use export::EXPORT_TABLES;
pub use figures::Figures;
pub use forget::Forgotten;
pub use holds::{TenantRecognition, TenantSetting};
pub use ids::{CampaignId, MemberId, PromptId, TenantId};
pub use import::ImportError;
pub use leaderboard::{BoardLine, Rank};
pub use partners::{GroupRow, NewPool, PoolMember, PoolRow, PoolStats};
pub use points::Award;
pub use problems::Problems;
pub use progress::{LearnerProgress, MemberRef, RowCounts};
pub use recipients::{DueFor, DueRecipient, NewRecipient};
pub use recognition::{MemberFacts, NewActivity, NewAward, StandingKey};
pub use report::{ChoiceCount, CourseActivity, LearnerRow, ReportScope};
pub use reviews::{CardRow, NewCard, ReviewDue, ReviewPromptRow};
pub use timestamp::{InvalidTimestamp, Timestamp};
pub use vacations::Vacation;
pub use xapi::LearningEvent;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// A transaction: the engine's unit of work, committed together with its outbox rows.
pub type Tx<'c> = sqlx::Transaction<'c, Sqlite>;
/// A connection inside a transaction, as the repository functions take it.
pub type Conn = sqlx::SqliteConnection;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database `{url}`: {reason}")]
    Open { url: String, reason: String },
    #[error("database `{url}` is not a nibble SQLite database or is corrupted: {reason}")]
    Corrupt { url: String, reason: String },
    #[error("cannot apply migration {version} to `{url}`: {reason}")]
    Migrate {
        url: String,
        version: i64,
        reason: String,
    },
    /// sqlx's message is part of this one and the error is not kept as a source: a chain printed
    /// with `{:#}` would otherwise repeat it (sqlx's own error repeats its database cause again).
    #[error("database error: {0}")]
    Query(sqlx::Error),
    #[error("database `{url}` is not a nibble database ({reason}): nibble leaves it untouched")]
    NotNibble { url: String, reason: String },
    #[error(
        "database `{url}` was written by a newer nibble (schema {found}, this binary knows {known}): upgrade nibble"
    )]
    Newer { url: String, found: i64, known: i64 },
    #[error(
        "database `{url}` is at schema {found}, this nibble reads schema {known}: run `nibble db migrate` first"
    )]
    Outdated { url: String, found: i64, known: i64 },
    #[error(
        "database `{url}` is damaged: {missing} is missing; restore from a backup (see README Operations)"
    )]
    Damaged { url: String, missing: String },
    #[error(
        "database `{url}` changed while it was read (did a nibble start on it?): run the command again"
    )]
    ChangedWhileRead { url: String },
    #[error("transaction failed: {0}")]
    Failed(String),
    /// A stored value nibble cannot read back (written by hand, or by a tool other than nibble).
    #[error(
        "the database holds a value nibble cannot read ({0}): correct it, or restore from a backup"
    )]
    Invalid(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            // A stored value of the wrong shape (a malformed timestamp, say) names its column.
            sqlx::Error::ColumnDecode { index, source } => {
                StoreError::Invalid(format!("column {index}: {source}"))
            }
            other => StoreError::Query(other),
        }
    }
}

/// How hard commits wait for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// Every commit is fsynced: survives power loss, at a fraction of the throughput.
    Full,
    /// Learning events are fsynced at WAL checkpoints (a crash of the process loses nothing; a power
    /// loss may undo the last moments of answers). Claiming outbox rows is always fsynced, and so is
    /// everything committed before it: nothing leaves for a platform before it is on disk.
    Normal,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// One connection with synchronous=FULL, for commits that must be on disk before a platform call.
    durable: SqlitePool,
    /// For a read-only store opened without locks (`immutable`): the file as it was at opening.
    unlocked_read: Option<read_only::FileStamp>,
}

/// Accepts `sqlite://path`, `sqlite:path` or a plain file path.
pub fn normalise_url(url_or_path: &str) -> String {
    if url_or_path.starts_with("sqlite:") {
        url_or_path.to_string()
    } else {
        format!("sqlite://{url_or_path}")
    }
}

/// The file a database URL or path opens, as SQLite reads it (`sqlite://x.db?mode=rwc`,
/// `sqlite:x.db` and `x.db` are all `x.db`): what the demo and the benchmark must check before
/// replacing anything.
pub fn database_path(url_or_path: &str) -> Result<std::path::PathBuf, StoreError> {
    let url = normalise_url(url_or_path);
    let options = SqliteConnectOptions::from_str(&url).map_err(|e| classify(&url, e))?;
    Ok(options.get_filename().to_path_buf())
}

impl Store {
    /// Opens (creating if missing) the database, in WAL mode with foreign keys on, migrates it and
    /// checks its schema. An existing file is first looked at read-only: another program's database
    /// or one written by a newer nibble is refused before anything is written to it.
    #[tracing::instrument(name = "store.open", skip_all, fields(url = %url_or_path))]
    pub async fn open(url_or_path: &str, durability: Durability) -> Result<Self, StoreError> {
        let url = normalise_url(url_or_path);
        read_only::refuse_foreign_or_newer(&url).await?;
        let open_err = |e: sqlx::Error| StoreError::Open {
            url: url.clone(),
            reason: e.to_string(),
        };
        let options = SqliteConnectOptions::from_str(&url)
            .map_err(open_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 16 MiB of page cache per connection (SQLite's default is 2 MiB): the hot indexes of
            // answers, ledger and standings stay in memory under load.
            .pragma("cache_size", "-16384")
            // Checkpoint the WAL every ~40 MB instead of ~4 MB: fewer checkpoint fsyncs under load.
            .pragma("wal_autocheckpoint", "10000");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone().synchronous(match durability {
                Durability::Full => SqliteSynchronous::Full,
                Durability::Normal => SqliteSynchronous::Normal,
            }))
            .await
            .map_err(|e| classify(&url, e))?;
        let durable = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.synchronous(SqliteSynchronous::Full))
            .await
            .map_err(|e| classify(&url, e))?;
        let store = Self {
            pool,
            durable,
            unlocked_read: None,
        };
        let checked = async {
            migrate::apply(&store.pool, &url).await?;
            schema::verify(&store.pool, &url).await
        };
        if let Err(e) = checked.await {
            store.close().await;
            return Err(e);
        }
        Ok(store)
    }

    /// A write transaction. IMMEDIATE takes the write lock up front: a deferred transaction that
    /// read first could not upgrade after another connection committed (SQLITE_BUSY_SNAPSHOT, which
    /// the busy timeout does not cover).
    pub async fn begin(&self) -> Result<Tx<'static>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A nested transaction (a savepoint): rolled back alone, committed with its parent.
    pub async fn savepoint<'c>(tx: &'c mut Tx<'_>) -> Result<Tx<'c>, StoreError> {
        Ok(sqlx::Connection::begin(&mut **tx).await?)
    }

    pub async fn commit(tx: Tx<'_>) -> Result<(), StoreError> {
        Ok(tx.commit().await?)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.durable.close().await;
    }
}

/// Whether SQLite said the file is damaged or not a database (SQLITE_CORRUPT, SQLITE_NOTADB), by
/// its result code (the primary code is the extended one's low byte), not by message text.
pub(crate) fn is_corrupt(e: &sqlx::Error) -> bool {
    const SQLITE_CORRUPT: i32 = 11;
    const SQLITE_NOTADB: i32 = 26;
    let database = match e {
        sqlx::Error::Migrate(m) => match m.as_ref() {
            sqlx::migrate::MigrateError::Execute(inner)
            | sqlx::migrate::MigrateError::ExecuteMigration(inner, _) => inner.as_database_error(),
            _ => None,
        },
        other => other.as_database_error(),
    };
    database
        .and_then(|d| d.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, SQLITE_CORRUPT | SQLITE_NOTADB))
}

pub(crate) fn classify(url: &str, e: sqlx::Error) -> StoreError {
    let reason = e.to_string();
    if is_corrupt(&e) {
        StoreError::Corrupt {
            url: url.to_string(),
            reason,
        }
    } else {
        StoreError::Open {
            url: url.to_string(),
            reason,
        }
    }
}

/// The stored text of a moment (see [`Timestamp`]).
pub(crate) fn ts(at: chrono::DateTime<chrono::Utc>) -> String {
    Timestamp(at).to_stored()
}

/// Reads a stored moment fetched as text (rows carrying [`Timestamp`] need not).
pub(crate) fn parse_ts(s: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    Timestamp::parse_stored(s)
        .map(Timestamp::utc)
        .map_err(|e| StoreError::Invalid(e.to_string()))
}

#[cfg(test)]
mod closed_sets_tests;
#[cfg(test)]
#[path = "error_tests.rs"]
mod error_tests;
