//! Reading content files safely: only regular files (a named pipe would block the reader forever),
//! at most a size that any lesson needs, and invalid UTF-8 reported at its own line. Editor and
//! hidden files (`.#x.md`, `.x.md`, `x.md~`, `#x.md#`) are not content at all.

use std::io::Read;
use std::path::Path;

/// The largest content file read (a lesson is a few kilobytes; 256 KiB leaves room for long ones).
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// Is this a file an editor or the system left beside the content (skipped, not an error)?
pub fn is_editor_or_hidden(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~')
}

/// Why a content file could not be read: missing (often allowed), or a problem at a line.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    Problem { line: usize, message: String },
}

/// Reads a content file as text, refusing what is not a regular file or is too large.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let problem = |message: String| ReadError::Problem { line: 1, message };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::NotFound),
        Err(e) => return Err(problem(format!("cannot read it: {e}"))),
    };
    if !meta.is_file() {
        return Err(problem(
            "is not a regular file (a directory, named pipe, socket or device): only files are read"
                .into(),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(problem(format!(
            "is {} bytes; a content file may be at most {} KiB",
            meta.len(),
            MAX_FILE_BYTES / 1024
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| problem(format!("cannot read it: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        ReadError::Problem {
            line: valid.iter().filter(|b| **b == b'\n').count() + 1,
            message: "is not valid UTF-8 text (save it as UTF-8)".into(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_reported_at_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("01-x.md");
        std::fs::write(&path, b"one\ntwo\nth\xffree\n").expect("write");
        match read_text(&path) {
            Err(ReadError::Problem { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn directories_and_large_files_are_refused_and_editor_files_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            read_text(dir.path()),
            Err(ReadError::Problem { .. })
        ));
        let big = dir.path().join("big.md");
        std::fs::write(&big, vec![b'a'; MAX_FILE_BYTES as usize + 1]).expect("write");
        assert!(matches!(read_text(&big), Err(ReadError::Problem { .. })));
        assert!(matches!(
            read_text(&dir.path().join("gone.md")),
            Err(ReadError::NotFound)
        ));
        for name in [".#01-x.md", ".01-x.md", "01-x.md~", "#01-x.md#"] {
            assert!(is_editor_or_hidden(Path::new(name)), "{name}");
        }
        assert!(!is_editor_or_hidden(Path::new("01-x.md")));
    }
}
