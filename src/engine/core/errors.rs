//! What can go wrong in the engine, and what a chat user is told about it.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the engine has shut down")]
    ShutDown,
    #[error("unknown lesson `{0}`")]
    UnknownLesson(String),
    #[error("unknown course `{0}`")]
    UnknownCourse(String),
    #[error("campaign {0} vanished while it was being changed")]
    UnknownCampaign(i64),
}

impl EngineError {
    /// What a chat user is told (internal detail stays in the logs).
    pub fn user_message(&self) -> &'static str {
        match self {
            EngineError::UnknownLesson(_) => "That lesson doesn't exist.",
            EngineError::UnknownCourse(_) => "That course doesn't exist.",
            _ => "Sorry, something went wrong on my side. Please try again in a moment.",
        }
    }
}
