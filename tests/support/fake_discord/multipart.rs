//! Request bodies as Discord reads them: JSON, or multipart/form-data with the JSON in
//! `payload_json` and each file in a `files[n]` part, checked the way Discord matches them (an
//! `attachments` entry per part, by id; every `attachment://name` in an embed names a sent file).

use axum::http::{HeaderMap, header};
use serde_json::{Value, json};

/// One uploaded file part.
#[derive(Debug, Clone)]
pub struct FilePart {
    /// The form field, e.g. `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The JSON body (from `payload_json` for a multipart request) and the file parts.
pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<(Value, Vec<FilePart>), String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("multipart/form-data") {
        if body.is_empty() {
            return Ok((Value::Null, Vec::new()));
        }
        return serde_json::from_slice(body)
            .map(|v| (v, Vec::new()))
            .map_err(|e| e.to_string());
    }
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string())
        .ok_or("multipart body without a boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut payload = None;
    let mut files = Vec::new();
    for chunk in split(body, &delimiter).into_iter().skip(1) {
        if chunk.starts_with(b"--") {
            break; // the closing delimiter
        }
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let head_end = find(chunk, b"\r\n\r\n").ok_or("a part without headers")?;
        let head = String::from_utf8_lossy(&chunk[..head_end]).to_string();
        let data = &chunk[head_end + 4..];
        let data = data.strip_suffix(b"\r\n").unwrap_or(data);
        let field = disposition_value(&head, "name").ok_or("a part without a name")?;
        if field == "payload_json" {
            payload = Some(serde_json::from_slice(data).map_err(|e| e.to_string())?);
        } else {
            files.push(FilePart {
                field,
                filename: disposition_value(&head, "filename").unwrap_or_default(),
                content_type: head
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("content-type: ")
                            .or_else(|| l.strip_prefix("Content-Type: "))
                    })
                    .unwrap_or("")
                    .to_string(),
                bytes: data.to_vec(),
            });
        }
    }
    Ok((
        payload.ok_or("a multipart body without payload_json")?,
        files,
    ))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(at) = find(body, delimiter) {
        out.push(&body[..at]);
        body = &body[at + delimiter.len()..];
    }
    out.push(body);
    out
}

fn disposition_value(head: &str, key: &str) -> Option<String> {
    let line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
    line.split(';').find_map(|p| {
        p.trim()
            .strip_prefix(&format!("{key}="))
            .map(|v| v.trim_matches('"').to_string())
    })
}

/// Where the files and the JSON disagree, as Discord would refuse or fail to show them.
pub fn check(body: &Value, files: &[FilePart]) -> Vec<String> {
    let mut out = Vec::new();
    let entries = body["attachments"].as_array().cloned().unwrap_or_default();
    for f in files {
        let Some(index) = f
            .field
            .strip_prefix("files[")
            .and_then(|r| r.strip_suffix(']'))
        else {
            out.push(format!("file part `{}` is not named files[n]", f.field));
            continue;
        };
        if !entries.iter().any(|e| id_text(&e["id"]) == index) {
            out.push(format!(
                "file part `{}` has no `attachments` entry with id {index}",
                f.field
            ));
        }
        if !is_picture(&f.bytes) {
            out.push(format!("file `{}` is not a PNG, JPEG or GIF", f.filename));
        }
    }
    for e in &entries {
        let id = id_text(&e["id"]);
        match files.iter().find(|f| f.field == format!("files[{id}]")) {
            None => out.push(format!("`attachments` entry {id} has no files[{id}] part")),
            Some(f) if e["filename"].as_str().is_some_and(|n| n != f.filename) => {
                out.push(format!(
                    "`attachments` entry {id} names `{}`, the part `{}`",
                    e["filename"], f.filename
                ))
            }
            Some(_) => {}
        }
        let mut seen = files.iter().filter(|f| f.field == format!("files[{id}]"));
        if seen.next().is_some() && seen.next().is_some() {
            out.push(format!("two file parts are named files[{id}]"));
        }
    }
    for embed in body["embeds"].as_array().cloned().unwrap_or_default() {
        for key in ["image", "thumbnail"] {
            if let Some(name) = embed[key]["url"]
                .as_str()
                .and_then(|u| u.strip_prefix("attachment://"))
                && !files.iter().any(|f| f.filename == name)
            {
                out.push(format!(
                    "embed {key} `attachment://{name}` names no uploaded file"
                ));
            }
        }
    }
    out
}

fn id_text(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_picture(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
}

/// The message's `attachments` as Discord returns them.
pub fn attachment_objects(files: &[FilePart], first_id: u64) -> Value {
    Value::Array(
        files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let id = first_id + i as u64;
                json!({"id": id.to_string(), "filename": f.filename, "size": f.bytes.len(),
                    "url": format!("https://cdn.discordapp.com/attachments/0/{id}/{}", f.filename),
                    "proxy_url": format!("https://media.discordapp.net/attachments/0/{id}/{}", f.filename),
                    "content_type": f.content_type})
            })
            .collect(),
    )
}
