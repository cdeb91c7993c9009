//! Applies the embedded migrations in `migrations/` (compiled into the binary, checked at start).

use super::StoreError;
use sqlx::SqlitePool;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// (version, description, SQL). Append only: a landed migration is never edited.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "outbox order",
        include_str!("../../migrations/0002_outbox_order.sql"),
    ),
    (
        3,
        "prompt question hash",
        include_str!("../../migrations/0003_prompt_question_hash.sql"),
    ),
    (
        4,
        "campaigns",
        include_str!("../../migrations/0004_campaigns.sql"),
    ),
    (
        5,
        "outbox claim index",
        include_str!("../../migrations/0005_outbox_claim_index.sql"),
    ),
    (
        6,
        "recognition",
        include_str!("../../migrations/0006_recognition.sql"),
    ),
    (
        7,
        "retention",
        include_str!("../../migrations/0007_retention.sql"),
    ),
    (
        8,
        "partners",
        include_str!("../../migrations/0008_partners.sql"),
    ),
    (9, "xapi", include_str!("../../migrations/0009_xapi.sql")),
    (
        10,
        "communities",
        include_str!("../../migrations/0010_communities.sql"),
    ),
    (
        11,
        "thread_lock_and_features",
        include_str!("../../migrations/0011_thread_lock_and_features.sql"),
    ),
    (
        12,
        "uploaded images",
        include_str!("../../migrations/0012_uploaded_images.sql"),
    ),
    (
        13,
        "dm_channels",
        include_str!("../../migrations/0013_dm_channels.sql"),
    ),
    (
        14,
        "setup_problems",
        include_str!("../../migrations/0014_setup_problems.sql"),
    ),
    (
        15,
        "setup_warnings",
        include_str!("../../migrations/0015_setup_warnings.sql"),
    ),
    (
        16,
        "member_roles",
        include_str!("../../migrations/0016_member_roles.sql"),
    ),
    (
        17,
        "daemon_lock",
        include_str!("../../migrations/0017_daemon_lock.sql"),
    ),
    (
        18,
        "demo_marker",
        include_str!("../../migrations/0018_demo_marker.sql"),
    ),
];

/// The migrations compiled into the binary, so an installed `nibble` needs no `migrations/` folder.
#[derive(Debug)]
struct Embedded;

type BoxDynError = Box<dyn std::error::Error + Send + Sync>;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(async { Ok(migrations()) })
    }
}

/// The embedded migrations as sqlx sees them (with the checksums it records).
pub(super) fn migrations() -> Vec<Migration> {
    MIGRATIONS
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                Cow::Borrowed(*sql),
                false,
            )
        })
        .collect()
}

pub async fn apply(pool: &SqlitePool, url: &str) -> Result<(), StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        url: url.to_string(),
        reason,
    };
    let migrator = Migrator::new(Embedded)
        .await
        .map_err(|e| corrupt(e.to_string()))?;
    migrator.run(pool).await.map_err(|e| {
        let reason = e.to_string();
        if super::is_corrupt(&sqlx::Error::Migrate(Box::new(e))) {
            StoreError::Corrupt {
                url: url.to_string(),
                reason,
            }
        } else {
            StoreError::Migrate {
                url: url.to_string(),
                version: MIGRATIONS.last().map(|m| m.0).unwrap_or_default(),
                reason,
            }
        }
    })
}

/// The newest schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or_default()
}
