//! Discord's refusals mapped onto the outbox's retry rules: what retrying cannot fix becomes a
//! permanent failure whose text names the place and what the team must change there.

use crate::chat::SendError;
use serenity::http::HttpError;
use std::time::Duration;

/// What nibble was doing when Discord refused, for the error text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Post,
    OpenDm,
    CreateThread,
    LockThread,
    ListMembers,
}

impl Action {
    fn doing(self) -> &'static str {
        match self {
            Action::Post => "to post",
            Action::OpenDm => "to open a DM",
            Action::CreateThread => "to start a thread",
            Action::LockThread => "to lock a thread",
            Action::ListMembers => "to list the server's members",
        }
    }

    /// The permissions the action needs, as Discord's settings name them.
    fn needs(self) -> &'static str {
        match self {
            Action::Post => {
                "View Channel, Send Messages, Send Messages in Threads, Embed Links and Attach \
                 Files"
            }
            Action::OpenDm => "a shared server with the member",
            Action::CreateThread => "View Channel and Create Public Threads",
            Action::LockThread => "Manage Threads",
            Action::ListMembers => "the Server Members Intent (Developer Portal → Bot)",
        }
    }
}

/// Maps a REST failure of `action` in `place` ("channel 123", "the DM with user 456").
pub fn refused(e: serenity::Error, action: Action, place: &str) -> SendError {
    let r = match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => r,
        serenity::Error::Http(HttpError::Request(r)) => {
            return SendError::Transient(r.without_url().to_string());
        }
        other => return SendError::Transient(other.to_string()),
    };
    let status = r.status_code.as_u16();
    let (code, text) = (r.error.code, r.error.message.as_str());
    let doing = action.doing();
    match (status, code) {
        // serenity waits out 429s itself; one reaching here came without a usable Retry-After.
        (429, _) | (_, 40003) => SendError::RateLimited {
            retry_after: Duration::from_secs(1),
        },
        (500..=599, _) => SendError::Transient(format!("Discord answered HTTP {status}")),
        (_, 50001) => SendError::Permanent(format!(
            "Discord refused nibble {doing} in {place}: Missing Access (50001). nibble cannot see it: \
             give nibble's role {} there",
            action.needs()
        )),
        (_, 50013) => SendError::Permanent(format!(
            "Discord refused nibble {doing} in {place}: Missing Permissions (50013). Give nibble's \
             role {} there",
            action.needs()
        )),
        (_, 10003) => SendError::Permanent(format!(
            "Discord refused nibble {doing} in {place}: Unknown Channel (10003): it was deleted, or \
             the id is wrong"
        )),
        (_, 50007) => SendError::Permanent(format!(
            "Discord refused nibble {doing} in {place}: the member does not accept DMs from this \
             server's members (50007)"
        )),
        (401, _) => SendError::Permanent(
            "Discord refused nibble's bot token (401): check NIBBLE_DISCORD_TOKEN".into(),
        ),
        _ => SendError::Permanent(format!(
            "Discord refused nibble {doing} in {place}: HTTP {status} {code} {text}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serenity::http::ErrorResponse;

    async fn refusal(status: u16, code: isize, message: &str) -> serenity::Error {
        let body = serde_json::json!({"code": code, "message": message}).to_string();
        let response = axum::http::Response::builder()
            .status(status)
            .body(body)
            .expect("response");
        let response =
            ErrorResponse::from_response(reqwest::Response::from(response), reqwest::Method::POST)
                .await;
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response))
    }

    #[tokio::test]
    async fn missing_access_names_the_channel_and_the_permission() {
        let e = refused(
            refusal(403, 50001, "Missing Access").await,
            Action::Post,
            "channel 42",
        );
        let SendError::Permanent(text) = e else {
            panic!("{e:?}")
        };
        assert!(
            text.contains("channel 42") && text.contains("Send Messages"),
            "{text}"
        );
        let e = refused(
            refusal(404, 10003, "Unknown Channel").await,
            Action::Post,
            "channel 7",
        );
        assert!(
            matches!(e, SendError::Permanent(t) if t.contains("channel 7") && t.contains("deleted"))
        );
        let e = refused(refusal(502, 0, "Bad Gateway").await, Action::Post, "x");
        assert!(matches!(e, SendError::Transient(_)), "{e:?}");
    }
}
