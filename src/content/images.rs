//! Pictures stored beside a lesson (`![alt](images/x.png)`): where they may live, what they may be.

use std::path::{Component, Path, PathBuf};

/// Largest picture file a lesson may embed: small enough to upload with every first delivery.
pub const MAX_IMAGE_BYTES: u64 = 1024 * 1024;

/// The picture formats every platform shows inline (Slack image blocks accept only these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
}

impl ImageKind {
    /// The format the bytes say they are (their magic number), whatever the file is called.
    pub fn of(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Gif => "GIF",
        }
    }

    /// File name endings that announce this format (platforms guess the type from the name).
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
            Self::Gif => &["gif"],
        }
    }
}

/// Is this image reference a URL (shown from the web) rather than a file beside the lesson?
pub fn is_web_url(reference: &str) -> bool {
    reference.starts_with("https://") || reference.starts_with("http://")
}

/// Checks the written form of a path beside the lesson: relative, `/`-separated, never leaving the
/// course folder. The file itself is checked by [`resolve`].
pub fn check_path_syntax(path: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("image `{path}` {why}"));
    if path.is_empty() {
        return fail("is empty: write ![what it shows](images/picture.png)");
    }
    if path.contains(':') {
        return fail(
            "must be an http(s) URL or a path beside the lesson, such as `images/picture.png`",
        );
    }
    if path.starts_with('/') || path.contains('\\') {
        return fail("must be a relative path with `/` separators, such as `images/picture.png`");
    }
    for part in path.split('/') {
        match part {
            ".." => return fail("must stay inside the course folder (no `..`)"),
            "" | "." => return fail("must be a plain relative path, such as `images/picture.png`"),
            _ => {}
        }
    }
    Ok(())
}

/// Resolves a picture path written in a lesson of `course_dir` and checks the file: a regular file
/// (no symbolic link) inside the course folder, a PNG, JPEG or GIF named for its format, at most
/// [`MAX_IMAGE_BYTES`]. Returns its absolute path, which is where it is read from when sending.
pub fn resolve(course_dir: &Path, path: &str) -> Result<PathBuf, String> {
    check_path_syntax(path)?;
    let joined = course_dir.join(path);
    let meta = std::fs::symlink_metadata(&joined)
        .map_err(|e| format!("image `{path}` cannot be read: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err(format!(
            "image `{path}` is a symbolic link: put the picture file itself in the course folder"
        ));
    }
    if !meta.is_file() {
        return Err(format!("image `{path}` is not a regular file"));
    }
    let real = joined
        .canonicalize()
        .map_err(|e| format!("image `{path}` cannot be resolved: {e}"))?;
    let root = course_dir
        .canonicalize()
        .map_err(|e| format!("the course folder cannot be resolved: {e}"))?;
    // A linked folder on the way could still lead outside, so the real path decides.
    if !real.starts_with(&root) {
        return Err(format!(
            "image `{path}` leads outside the course folder: keep pictures inside it"
        ));
    }
    if meta.len() > MAX_IMAGE_BYTES {
        return Err(format!(
            "image `{path}` is {} bytes: at most {MAX_IMAGE_BYTES} (1 MiB) are allowed, make it smaller",
            meta.len()
        ));
    }
    let bytes = std::fs::read(&real).map_err(|e| format!("image `{path}` cannot be read: {e}"))?;
    let kind = ImageKind::of(&bytes).ok_or_else(|| {
        format!("image `{path}` is not a PNG, JPEG or GIF picture (its first bytes say otherwise)")
    })?;
    let extension = Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !kind.extensions().contains(&extension.as_str()) {
        return Err(format!(
            "image `{path}` is a {} picture: name it `.{}` so platforms show it",
            kind.name(),
            kind.extensions()[0]
        ));
    }
    Ok(real)
}

/// The file name a platform shows for an uploaded picture (its last path component).
pub fn file_name(path: &Path) -> String {
    path.components()
        .next_back()
        .and_then(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "picture.png".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn course() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("c/images")).expect("mkdir");
        dir
    }

    #[test]
    fn written_paths_stay_relative_and_inside() {
        assert_eq!(check_path_syntax("images/a.png"), Ok(()));
        assert_eq!(check_path_syntax("a.png"), Ok(()));
        for bad in [
            "../a.png",
            "images/../../a.png",
            "/etc/a.png",
            "C:/a.png",
            "file:///a.png",
            "images\\a.png",
            "images//a.png",
            "./a.png",
            "",
        ] {
            assert!(check_path_syntax(bad).is_err(), "{bad} passed");
        }
    }

    #[test]
    fn a_real_png_beside_the_lesson_resolves() {
        let root = course();
        let course_dir = root.path().join("c");
        std::fs::write(course_dir.join("images/a.png"), PNG).expect("write");
        let resolved = resolve(&course_dir, "images/a.png").expect("resolves");
        assert!(resolved.is_absolute());
        assert_eq!(std::fs::read(resolved).expect("read"), PNG);
    }

    #[test]
    fn missing_wrong_format_misnamed_and_too_large_files_are_refused() {
        let root = course();
        let c = root.path().join("c");
        let err = |p: &str| resolve(&c, p).expect_err(p);
        assert!(err("images/none.png").contains("cannot be read"));
        std::fs::write(c.join("images/text.png"), b"not a picture").expect("write");
        assert!(err("images/text.png").contains("not a PNG, JPEG or GIF"));
        std::fs::write(c.join("images/misnamed.jpg"), PNG).expect("write");
        assert!(err("images/misnamed.jpg").contains("name it `.png`"));
        let mut big = PNG.to_vec();
        big.resize(MAX_IMAGE_BYTES as usize + 1, 0);
        std::fs::write(c.join("images/big.png"), big).expect("write");
        assert!(err("images/big.png").contains("at most 1048576"));
        assert!(err("images").contains("not a regular file"));
    }

    #[cfg(unix)]
    #[test]
    fn links_never_lead_out_of_the_course_folder() {
        let root = course();
        let c = root.path().join("c");
        std::fs::write(root.path().join("secret.png"), PNG).expect("write");
        std::os::unix::fs::symlink(root.path().join("secret.png"), c.join("images/link.png"))
            .expect("symlink");
        assert!(
            resolve(&c, "images/link.png")
                .expect_err("a link")
                .contains("symbolic link")
        );
        std::fs::create_dir_all(root.path().join("outside")).expect("mkdir");
        std::fs::write(root.path().join("outside/x.png"), PNG).expect("write");
        std::os::unix::fs::symlink(root.path().join("outside"), c.join("elsewhere"))
            .expect("symlink");
        assert!(
            resolve(&c, "elsewhere/x.png")
                .expect_err("a linked folder")
                .contains("outside the course folder")
        );
    }

    #[test]
    fn formats_are_told_by_their_bytes() {
        assert_eq!(ImageKind::of(PNG), Some(ImageKind::Png));
        assert_eq!(
            ImageKind::of(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(ImageKind::of(b"GIF89a..."), Some(ImageKind::Gif));
        assert_eq!(ImageKind::of(b"<svg"), None);
        assert_eq!(file_name(Path::new("/x/images/a.png")), "a.png");
    }
}
