//! Opening for reading only (`report`, `export`): never creates, migrates or changes the journal
//! mode, works on read-only files and folders, and refuses databases that are not nibble's or not at
//! this binary's schema version.

use super::schema::{self, History};
use super::{Store, StoreError, classify, latest_version};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// A file's size and modification time, to notice a write while it was read without locks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileStamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

impl FileStamp {
    fn of(path: &Path) -> std::io::Result<Self> {
        let meta = std::fs::metadata(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

fn open_error(url: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Open {
        url: url.to_string(),
        reason: reason.into(),
    }
}

/// Whether the file exists with content; an error when it exists but is not a SQLite file.
fn sqlite_file(url: &str, path: &Path) -> Result<bool, StoreError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(open_error(url, e.to_string())),
    };
    if !meta.is_file() {
        return Err(open_error(url, "it is not a regular file"));
    }
    if meta.len() == 0 {
        return Ok(false);
    }
    let mut head = [0u8; 16];
    let read = std::io::Read::read(
        &mut std::fs::File::open(path).map_err(|e| open_error(url, e.to_string()))?,
        &mut head,
    )
    .map_err(|e| open_error(url, e.to_string()))?;
    if read < head.len() || head != SQLITE_MAGIC {
        return Err(StoreError::Corrupt {
            url: url.to_string(),
            reason: "the file is not a SQLite database (no `SQLite format 3` header)".into(),
        });
    }
    Ok(true)
}

/// Whether a WAL or rollback journal sits beside the file: another connection may be using it.
fn journal_beside(path: &Path) -> bool {
    ["-wal", "-shm", "-journal"].iter().any(|suffix| {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        Path::new(&name).exists()
    })
}

async fn connect(url: &str, options: SqliteConnectOptions) -> Result<SqlitePool, StoreError> {
    SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(
            options
                .read_only(true)
                .create_if_missing(false)
                .busy_timeout(Duration::from_secs(10)),
        )
        .await
        .map_err(|e| classify(url, e))
}

fn check_history(url: &str, history: History, read_only: bool) -> Result<(), StoreError> {
    let known = latest_version();
    match history {
        History::Empty if read_only => Err(StoreError::NotNibble {
            url: url.to_string(),
            reason: "it is empty".into(),
        }),
        History::Foreign(reason) => Err(StoreError::NotNibble {
            url: url.to_string(),
            reason,
        }),
        History::Dirty(version) => Err(StoreError::Migrate {
            url: url.to_string(),
            version,
            reason: "it failed half-way earlier; restore from a backup".into(),
        }),
        History::At(found) if found > known => Err(StoreError::Newer {
            url: url.to_string(),
            found,
            known,
        }),
        History::At(found) if found < known && read_only => Err(StoreError::Outdated {
            url: url.to_string(),
            found,
            known,
        }),
        _ => Ok(()),
    }
}

/// Before a read-write opening: an existing database must be nibble's and not newer than this binary.
pub(super) async fn refuse_foreign_or_newer(url: &str) -> Result<(), StoreError> {
    let options = SqliteConnectOptions::from_str(url).map_err(|e| classify(url, e))?;
    let path = options.get_filename().to_path_buf();
    if path.as_os_str() == ":memory:" || !sqlite_file(url, &path)? {
        return Ok(());
    }
    let unlocked = !journal_beside(&path);
    let pool = connect(url, options.immutable(unlocked)).await?;
    let history = schema::history(&pool).await;
    pool.close().await;
    check_history(url, history.map_err(|e| classify(url, e))?, false)
}

impl Store {
    /// Opens an existing nibble database for reading only. Its schema must be this binary's.
    /// Without a journal beside the file nobody has it open, so it is read without locks (no
    /// `-wal`/`-shm` files appear); [`Store::unchanged_since_open`] then tells whether it was written
    /// meanwhile. With a journal beside it (a daemon is running), SQLite's shared memory gives the
    /// reader a consistent snapshot.
    #[tracing::instrument(name = "store.open_read_only", skip_all, fields(url = %url_or_path))]
    pub async fn open_read_only(url_or_path: &str) -> Result<Self, StoreError> {
        let url = super::normalise_url(url_or_path);
        let options = SqliteConnectOptions::from_str(&url).map_err(|e| classify(&url, e))?;
        let path = options.get_filename().to_path_buf();
        if !sqlite_file(&url, &path)? {
            return Err(if path.exists() {
                StoreError::NotNibble {
                    url,
                    reason: "the file is empty".into(),
                }
            } else {
                open_error(&url, "the file does not exist")
            });
        }
        let unlocked = !journal_beside(&path);
        let stamp = if unlocked {
            Some(FileStamp::of(&path).map_err(|e| open_error(&url, e.to_string()))?)
        } else {
            None
        };
        let pool = connect(&url, options.immutable(unlocked)).await?;
        let checked = async {
            let history = schema::history(&pool)
                .await
                .map_err(|e| classify(&url, e))?;
            check_history(&url, history, true)?;
            schema::verify(&pool, &url).await
        };
        if let Err(e) = checked.await {
            pool.close().await;
            return Err(e);
        }
        Ok(Self {
            durable: pool.clone(),
            pool,
            unlocked_read: stamp,
        })
    }

    /// For a store read without locks: an error when its file changed since it was opened (what
    /// was read may mix two states). Always fine for other stores.
    pub fn unchanged_since_open(&self) -> Result<(), StoreError> {
        let Some(stamp) = &self.unlocked_read else {
            return Ok(());
        };
        match FileStamp::of(&stamp.path) {
            Ok(now) if now == *stamp => Ok(()),
            _ => Err(StoreError::ChangedWhileRead {
                url: stamp.path.display().to_string(),
            }),
        }
    }
}
