//! What a test does with the fake Discord: read what nibble sent, inject faults, set limits and
//! privileged intents, drive the gateway.

use super::gateway;
use super::{
    FakeDiscord, Fault, GatewayCommand, Limits, Recorded, Throttle, check_against_spec, rest,
};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

impl FakeDiscord {
    /// Where nibble reaches discord.com (`[discord] api_address`).
    pub fn api_address(&self) -> String {
        self.api_addr.to_string()
    }

    /// The CA nibble must trust for the fake's discord.com (`[discord] ca_file`).
    pub fn ca_file(&self) -> PathBuf {
        super::tls::ca_file()
    }

    /// Replaces the rate limits (windows already counted keep their start).
    pub fn set_limits(&self, limits: Limits) {
        *self.state.limits.lock().expect("lock") = limits;
    }

    /// Every 429 the fake answered.
    pub fn throttled(&self) -> Vec<Throttle> {
        self.state.meter.lock().expect("lock").throttled.clone()
    }

    /// 401, 403 and non-shared 429 answers (what Discord counts towards a temporary IP ban).
    pub fn invalid_requests(&self) -> usize {
        self.state.invalid_requests.load(Ordering::SeqCst)
    }

    /// The privileged intents switched on in the Developer Portal (default: all of them).
    pub fn allow_privileged(&self, intents: u64) {
        self.state
            .privileged_allowed
            .store(intents, Ordering::SeqCst);
    }

    /// An outage: while down, gateway connections (resumes, identifies) are refused.
    pub fn set_gateway_down(&self, down: bool) {
        self.state.gateway_down.store(down, Ordering::SeqCst);
    }

    /// The intents of the last IDENTIFY.
    pub fn intents(&self) -> Option<u64> {
        *self.state.intents.lock().expect("lock")
    }

    /// Events the connection's intents kept from it.
    pub fn withheld(&self) -> Vec<String> {
        self.state.withheld.lock().expect("lock").clone()
    }

    /// Answers every request matching `key` (an exact path like "POST /channels/1/messages", or a
    /// route template) with `fault` until `clear_faults`.
    pub fn inject_always(&self, key: &str, fault: Fault) {
        self.state
            .sticky_faults
            .lock()
            .expect("lock")
            .insert(key.to_string(), fault);
    }

    pub fn clear_faults(&self) {
        self.state.sticky_faults.lock().expect("lock").clear();
        self.state.faults.lock().expect("lock").clear();
    }

    /// Follow-up messages the fake accepted (POST /webhooks/{app}/{token}).
    pub fn followups(&self) -> Vec<Value> {
        self.state.followups.lock().expect("lock").clone()
    }

    /// Requests with their arrival time.
    pub fn timed_requests(&self, route: &str) -> Vec<Recorded> {
        self.state
            .requests
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| r.route == route)
            .cloned()
            .collect()
    }

    pub fn requests(&self, route: &str) -> Vec<Value> {
        self.state
            .requests
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| r.route == route)
            .map(|r| r.body.clone())
            .collect()
    }

    pub fn all_requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").clone()
    }

    pub fn messages(&self, channel: &str) -> Vec<Value> {
        self.state
            .messages
            .lock()
            .expect("lock")
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Every file part received with a message, in order.
    pub fn uploaded_files(&self) -> Vec<super::multipart::FilePart> {
        self.state.files.lock().expect("lock").clone()
    }

    /// Takes Attach Files from the bot in `channel`: messages with files there are refused.
    pub fn deny_attach_files(&self, channel: &str) {
        let mut denied = self.state.no_attach_files.lock().expect("lock");
        denied.insert(channel.to_string());
    }

    /// Interaction callbacks received: (interaction id, body).
    pub fn callbacks(&self) -> Vec<(String, Value)> {
        self.state.callbacks.lock().expect("lock").clone()
    }

    /// Answers the next `times` requests matching `route` (a route template, or an exact path
    /// like "POST /channels/1/messages") with `fault`.
    pub fn inject(&self, route: &str, fault: Fault, times: usize) {
        let mut faults = self.state.faults.lock().expect("lock");
        faults
            .entry(route.to_string())
            .or_default()
            .extend(std::iter::repeat_n(fault, times));
    }

    /// Who GET /guilds/{guild}/members lists.
    /// Gives a member the Moderators role in REST answers (gateway payloads carry it themselves).
    pub fn make_moderator(&self, user: &str) {
        self.state
            .moderators
            .lock()
            .expect("lock")
            .insert(user.to_string());
    }

    pub fn set_guild_members(&self, guild: &str, members: &[&str]) {
        self.state.guild_members.lock().expect("lock").insert(
            guild.to_string(),
            members.iter().map(|m| m.to_string()).collect(),
        );
    }

    pub fn identifies(&self) -> usize {
        self.state.identifies.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> usize {
        self.state.resumes.load(Ordering::SeqCst)
    }

    pub fn connected(&self) -> bool {
        self.state
            .sockets
            .lock()
            .expect("lock")
            .iter()
            .any(|s| !s.is_closed())
    }

    pub fn next_id(&self) -> String {
        rest::next_id(&self.state)
    }

    /// Sends a dispatch (op 0) with the next sequence number; kept for RESUME replays.
    pub fn dispatch(&self, event: &str, data: Value) {
        gateway::dispatch(&self.state, event, data);
    }

    /// Closes the gateway connection without a close frame's courtesy (a network drop).
    pub fn drop_gateway(&self) {
        for s in self.state.sockets.lock().expect("lock").drain(..) {
            let _ = s.send(GatewayCommand::Close(4000));
        }
    }

    /// Sends op 7 RECONNECT: the client must reconnect and resume.
    pub fn request_reconnect(&self) {
        for s in self.state.sockets.lock().expect("lock").iter() {
            let _ = s.send(GatewayCommand::Send(
                serde_json::json!({"op": 7, "d": null}).to_string(),
            ));
        }
    }

    /// Sends op 9 INVALID SESSION (not resumable): the client must identify again.
    pub fn invalidate_session(&self) {
        for s in self.state.sockets.lock().expect("lock").iter() {
            let _ = s.send(GatewayCommand::Send(
                serde_json::json!({"op": 9, "d": false}).to_string(),
            ));
        }
    }

    pub async fn wait_for<T>(&self, what: &str, check: impl FnMut() -> Option<T>) -> T {
        crate::support::wait_on(&self.state.changed, what, Duration::from_secs(20), check).await
    }

    pub fn assert_valid(&self) {
        let violations = self.state.violations.lock().expect("lock").clone();
        assert_eq!(violations, Vec::<String>::new(), "Discord limits violated");
        check_against_spec(&self.all_requests());
    }
}
