//! Build script: embeds the starter courses (`lessons/`) in the binary, so `nibble demo` and a
//! fresh install work from any directory (`src/content/embedded.rs` serves them).

use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.starts_with('.') || name.ends_with('~') || name.starts_with('#') {
            continue; // editor leftovers and hidden files are not content
        }
        if path.is_dir() {
            files_under(&path, out)?;
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let lessons = root.join("lessons");
    println!("cargo:rerun-if-changed=lessons");
    let mut files = Vec::new();
    files_under(&lessons, &mut files)?;
    files.sort();
    let mut code = String::from(
        "/// (path under `lessons/`, bytes) of every file of the starter courses.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for file in &files {
        let relative = file.strip_prefix(&lessons).unwrap_or(file);
        let relative = relative.to_string_lossy().replace('\\', "/");
        code.push_str(&format!(
            "    ({relative:?}, include_bytes!({:?})),\n",
            file.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded_lessons.rs");
    std::fs::write(out, code)
}
