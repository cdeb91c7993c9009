//! The fake's pictures, as Slack treats them: `files.getUploadURLExternal` → the bytes POSTed to
//! the returned `upload_url` (on the fake's own address) → `files.completeUploadExternal`; and the
//! image checks of chat.postMessage: Slack fetches every `image_url` when the message is posted (here
//! only URLs on the test's allow-list can be fetched) and shows a `slack_file` only once its upload
//! completed, answering `invalid_blocks` otherwise.

use super::{FakeSlack, State};
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Default)]
pub(crate) struct Files {
    next: u64,
    uploads: HashMap<String, Upload>,
    /// Web picture URLs Slack can download.
    reachable: HashSet<String>,
}

struct Upload {
    filename: String,
    length: usize,
    bytes: Option<Vec<u8>>,
    completed: bool,
}

fn is_picture(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
}

fn fail(code: &str) -> Value {
    json!({"ok": false, "error": code})
}

/// files.getUploadURLExternal and files.completeUploadExternal.
pub(crate) fn answer(state: &State, method: &str, body: &Value) -> Value {
    let mut files = state.files.lock().expect("lock");
    match method {
        "files.getUploadURLExternal" => {
            let filename = body["filename"].as_str().unwrap_or("").to_string();
            let length = match &body["length"] {
                Value::String(s) => s.parse().unwrap_or(0),
                other => other.as_u64().unwrap_or(0) as usize,
            };
            if filename.is_empty() {
                return fail("invalid_arguments");
            }
            if length == 0 {
                return fail("missing_argument");
            }
            if body["alt_txt"]
                .as_str()
                .is_some_and(|a| a.chars().count() > 1000)
            {
                return fail("alt_txt_too_large");
            }
            files.next += 1;
            let id = format!("F0FAKE{:04}", files.next);
            files.uploads.insert(
                id.clone(),
                Upload {
                    filename,
                    length,
                    bytes: None,
                    completed: false,
                },
            );
            let addr = state.addr.lock().expect("lock").map(|a| a.to_string());
            let url = format!("http://{}/upload/{id}", addr.unwrap_or_default());
            json!({"ok": true, "upload_url": url, "file_id": id})
        }
        _ => {
            // JSON bodies carry an array; form bodies a JSON-encoded string.
            let list = match &body["files"] {
                Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
                other => other.clone(),
            };
            let Some(list) = list.as_array().filter(|l| !l.is_empty()).cloned() else {
                return fail("invalid_arguments");
            };
            let mut done = Vec::new();
            for f in &list {
                let id = f["id"].as_str().unwrap_or("");
                // The fake's own error names: Slack documents no code for these two cases.
                let Some(upload) = files.uploads.get_mut(id) else {
                    return fail("file_not_found");
                };
                match &upload.bytes {
                    None => return fail("file_not_found"),
                    Some(b) if b.len() != upload.length => {
                        return fail("file_upload_size_mismatch");
                    }
                    Some(_) => upload.completed = true,
                }
                let title = f["title"].as_str().unwrap_or(&upload.filename);
                done.push(json!({"id": id, "name": upload.filename, "title": title,
                    "mimetype": "image/png", "filetype": "png", "is_public": false,
                    "url_private": format!("https://files.slack.com/files-pri/T0NIBBLE-{id}/{}", upload.filename)}));
            }
            json!({"ok": true, "files": done})
        }
    }
}

/// POST to an upload URL: the bytes of a file, answered like Slack's upload service.
pub(crate) async fn upload(
    AxState(state): AxState<Arc<State>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    super::web::record(
        &state,
        "upload",
        &axum::http::Method::POST,
        &json!({"file_id": id, "bytes": body.len()}),
    );
    let stored = {
        let mut files = state.files.lock().expect("lock");
        match files.uploads.get_mut(&id) {
            Some(upload) if !upload.completed => {
                upload.bytes = Some(body.to_vec());
                true
            }
            _ => false,
        }
    };
    state.changed.notify_waiters();
    if !stored {
        return (StatusCode::NOT_FOUND, "unknown upload").into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("OK - {}", body.len()),
    )
        .into_response()
}

/// `invalid_blocks` for the first picture Slack could not show, as chat.postMessage answers it.
pub(crate) fn refuse_pictures(state: &State, body: &Value) -> Option<Value> {
    let blocks = body.get("blocks").and_then(Value::as_array)?;
    let files = state.files.lock().expect("lock");
    for (i, block) in blocks.iter().enumerate() {
        if block["type"] != "image" {
            continue;
        }
        let problem = match (block.get("image_url"), block.get("slack_file")) {
            (Some(url), None) if files.reachable.contains(url.as_str().unwrap_or("")) => continue,
            (Some(_), None) => {
                format!("downloading image failed [json-pointer:/blocks/{i}/image_url]")
            }
            (None, Some(file)) => {
                let shown = match (file.get("id").and_then(Value::as_str), file.get("url")) {
                    (Some(id), None) => files
                        .uploads
                        .get(id)
                        .is_some_and(|u| u.completed && u.bytes.as_deref().is_some_and(is_picture)),
                    _ => false,
                };
                if shown {
                    continue;
                }
                format!("invalid slack file [json-pointer:/blocks/{i}/slack_file]")
            }
            _ => format!(
                "must provide exactly one of image_url or slack_file [json-pointer:/blocks/{i}]"
            ),
        };
        let message = format!("[ERROR] {problem}");
        return Some(
            json!({"ok": false, "error": "invalid_blocks", "errors": [problem],
            "response_metadata": {"messages": [message]}}),
        );
    }
    None
}

impl FakeSlack {
    /// Lets Slack download a web picture (any other `image_url` fails as unreachable).
    pub fn allow_image_url(&self, url: &str) {
        let mut files = self.state.files.lock().expect("lock");
        files.reachable.insert(url.to_string());
    }

    /// Deletes an uploaded file, as a workspace admin can: image blocks naming it are refused.
    pub fn delete_file(&self, id: &str) {
        self.state.files.lock().expect("lock").uploads.remove(id);
    }

    /// The bytes of every completed upload, by file id.
    pub fn uploaded_files(&self) -> HashMap<String, Vec<u8>> {
        let files = self.state.files.lock().expect("lock");
        files
            .uploads
            .iter()
            .filter(|(_, u)| u.completed)
            .filter_map(|(id, u)| Some((id.clone(), u.bytes.clone()?)))
            .collect()
    }
}
