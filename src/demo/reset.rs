//! Clearing the demo's (and the benchmark's) database path: only a database an earlier demo or
//! benchmark created is replaced; a real nibble database, another program's file, a directory or
//! anything else is left as it is.

use super::DemoError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// SQLite's file header: the first 16 bytes of every database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Removes the demo database at `path` (with its `-wal` and `-shm` files) when an earlier demo
/// created it; refuses, touching nothing, when anything else is there.
pub async fn clear_demo_database(path: &Path) -> Result<(), DemoError> {
    let refuse = |reason: String| DemoError::Refused {
        path: path.to_path_buf(),
        reason,
    };
    let sides = ["-wal", "-shm"].map(|suffix| side_file(path, suffix));
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Side files without their database may belong to a database moved away: never ours
            // to delete, and a fresh database beside them would read another one's journal.
            if let Some(side) = sides.iter().find(|s| s.symlink_metadata().is_ok()) {
                return Err(refuse(format!(
                    "`{}` exists without its database (remove it if it is not needed)",
                    side.display()
                )));
            }
            return Ok(());
        }
        Err(e) => return Err(refuse(format!("cannot inspect it: {e}"))),
    };
    if meta.is_dir() {
        return Err(refuse("it is a directory".into()));
    }
    if !meta.is_file() {
        return Err(refuse("it is not a regular file".into()));
    }
    if !has_sqlite_header(path).map_err(|e| refuse(format!("cannot read it: {e}")))? {
        return Err(refuse("it is not a SQLite database".into()));
    }
    match crate::store::is_demo_database(path).await {
        Ok(true) => {}
        Ok(false) => {
            return Err(refuse(
                "it is a SQLite database that neither `nibble demo` nor `nibble bench` created (a \
                 nibble database in use, or another program's)"
                    .into(),
            ));
        }
        Err(e) => return Err(refuse(format!("it cannot be read as a demo database: {e}"))),
    }
    for file in std::iter::once(path.to_path_buf()).chain(sides) {
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(DemoError::Reset {
                    path: file,
                    reason: e,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn has_sqlite_header(path: &Path) -> std::io::Result<bool> {
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path)?;
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..])? {
            0 => return Ok(false),
            n => read += n,
        }
    }
    Ok(&header == SQLITE_HEADER)
}
