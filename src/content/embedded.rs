//! The starter courses built into the binary (see `build.rs`): used when no lessons folder is
//! configured or found, and written out by `nibble lessons export DIR` to start from.

use std::io;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded_lessons.rs"));

/// Writes every embedded file under `dir` (created; it must not exist or be empty). Returns the
/// number of files written.
pub fn export_to(dir: &Path) -> io::Result<usize> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("`{}` is not empty: export into a new folder", dir.display()),
        ));
    }
    write_all(dir)?;
    Ok(FILES.len())
}

fn write_all(dir: &Path) -> io::Result<()> {
    for (relative, bytes) in FILES {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
    }
    Ok(())
}

/// A folder holding the embedded courses, written once per build into the system's temporary
/// directory (lessons are read, and pictures sent, from files). Concurrent starts are safe: each
/// writes its own copy and the first rename wins.
pub fn unpacked() -> io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "nibble-{}-lessons-{}",
        env!("CARGO_PKG_VERSION"),
        fingerprint()
    ));
    if dir.join(".complete").is_file() {
        return Ok(dir);
    }
    let staging = dir.with_extension(format!("part-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    write_all(&staging)?;
    std::fs::write(staging.join(".complete"), b"")?;
    match std::fs::rename(&staging, &dir) {
        Ok(()) => Ok(dir),
        // Another process unpacked it first (or a stale, incomplete copy is in the way).
        Err(_) if dir.join(".complete").is_file() => {
            let _ = std::fs::remove_dir_all(&staging);
            Ok(dir)
        }
        Err(_) => {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::rename(&staging, &dir)?;
            Ok(dir)
        }
    }
}

/// Is `dir` the folder `unpacked` returns (for saying "the built-in courses" instead of a path)?
pub fn is_unpacked(dir: &Path) -> bool {
    dir.file_name().is_some_and(|n| {
        n.to_string_lossy().starts_with("nibble-") && dir.join(".complete").is_file()
    }) && dir.starts_with(std::env::temp_dir())
}

/// A short hash of the embedded files: a new build with other courses unpacks afresh.
fn fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for (path, bytes) in FILES {
        hash.update(path.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    hash.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}
