//! An in-process chat platform: records what was sent and lets code inject faults. Used by tests and the demo.

mod render;

pub use render::{render_brief, render_text};

use crate::chat::{
    BoxFuture, ChatPlatform, Destination, InDoubt, Message, Outgoing, Platform, SendError, SentRef,
};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// One message the local platform accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub reference: SentRef,
    pub tenant: String,
    pub destination: Destination,
    pub message: Message,
    pub dedupe_key: String,
}

#[derive(Default)]
struct State {
    posted: Vec<Posted>,
    by_key: HashMap<String, SentRef>,
    faults: VecDeque<SendError>,
    /// Sends that "reach the platform" but whose answer is lost, as a crash mid-call would.
    lose_answers: usize,
    /// Threads locked, in order.
    locked: Vec<Destination>,
}

#[derive(Default)]
pub struct LocalPlatform {
    state: Mutex<State>,
}

impl LocalPlatform {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The threads locked so far, in order.
    pub fn locked_threads(&self) -> Vec<Destination> {
        self.lock().locked.clone()
    }

    /// Everything posted so far, in order.
    pub fn posted(&self) -> Vec<Posted> {
        self.lock().posted.clone()
    }

    /// Posts from index `from` on (for reading a transcript incrementally).
    pub fn posted_since(&self, from: usize) -> Vec<Posted> {
        self.lock()
            .posted
            .get(from..)
            .map(<[_]>::to_vec)
            .unwrap_or_default()
    }

    /// The next sends fail with these errors, in order.
    pub fn inject_faults(&self, faults: impl IntoIterator<Item = SendError>) {
        self.lock().faults.extend(faults);
    }

    /// The next `n` sends are posted but answer with a transient error (the reply is lost).
    pub fn lose_answers(&self, n: usize) {
        self.lock().lose_answers += n;
    }
}

impl ChatPlatform for LocalPlatform {
    fn platform(&self) -> Platform {
        Platform::Local
    }

    fn send<'a>(&'a self, out: &'a Outgoing) -> BoxFuture<'a, Result<SentRef, SendError>> {
        Box::pin(async move {
            let mut st = self.lock();
            if let Some(fault) = st.faults.pop_front() {
                return Err(fault);
            }
            // Idempotent on the dedupe key, as Discord is with an enforced nonce.
            let reference = match st.by_key.get(&out.dedupe_key) {
                Some(existing) => existing.clone(),
                None => {
                    let reference = format!("local-{}", st.posted.len() + 1);
                    st.by_key.insert(out.dedupe_key.clone(), reference.clone());
                    st.posted.push(Posted {
                        reference: reference.clone(),
                        tenant: out.tenant.clone(),
                        destination: out.destination.clone(),
                        message: out.message.clone(),
                        dedupe_key: out.dedupe_key.clone(),
                    });
                    reference
                }
            };
            if st.lose_answers > 0 {
                st.lose_answers -= 1;
                return Err(SendError::Transient(
                    "connection dropped before the answer".into(),
                ));
            }
            Ok(reference)
        })
    }

    fn lock_thread<'a>(&'a self, thread: &'a Destination) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            self.lock().locked.push(thread.clone());
            Ok(())
        })
    }

    fn open_thread<'a>(
        &'a self,
        message: &'a SentRef,
        _title: &'a str,
    ) -> BoxFuture<'a, Result<Destination, SendError>> {
        Box::pin(async move {
            let st = self.lock();
            let Some(parent) = st.posted.iter().find(|p| &p.reference == message) else {
                return Err(SendError::Permanent(format!(
                    "no message `{message}` to open a thread on"
                )));
            };
            let channel = match &parent.destination {
                Destination::Channel { channel } | Destination::Thread { channel, .. } => {
                    channel.clone()
                }
                Destination::Member { user } => format!("dm:{user}"),
                Destination::Group { users } => format!("dm:{}", users.join(",")),
            };
            Ok(Destination::Thread {
                channel,
                thread: message.clone(),
            })
        })
    }

    fn resolve_in_doubt<'a>(
        &'a self,
        out: &'a Outgoing,
    ) -> BoxFuture<'a, Result<InDoubt, SendError>> {
        Box::pin(async move {
            Ok(match self.lock().by_key.get(&out.dedupe_key) {
                Some(reference) => InDoubt::Sent(reference.clone()),
                None => InDoubt::NotSent,
            })
        })
    }
}
