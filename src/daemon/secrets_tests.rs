//! Secrets never show in Debug output: not in the config, the Slack tokens, the Discord platform or
//! the xAPI sink, however they were read.

use crate::config::Config;
use crate::discord::DiscordPlatform;
use crate::slack::SlackTokens;
use crate::xapi::Sink;
use base64::Engine as _;
use secrecy::SecretString;
use std::collections::HashMap;

const BOT: &str = "xoxb-1111-bot-secret";
const APP: &str = "xapp-2222-app-secret";
const DISCORD: &str = "discord-3333-secret";
const PASSWORD: &str = "lrs-4444-secret";

fn env() -> HashMap<String, String> {
    [
        ("NIBBLE_SLACK_BOT_TOKEN", BOT),
        ("NIBBLE_SLACK_APP_TOKEN", APP),
        ("NIBBLE_DISCORD_TOKEN", DISCORD),
        ("NIBBLE_XAPI_PASSWORD", PASSWORD),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn assert_no_secret(what: &str, debug: &str) {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("user:{PASSWORD}"));
    for secret in [BOT, APP, DISCORD, PASSWORD, &basic] {
        assert!(!debug.contains(secret), "{what} shows `{secret}`: {debug}");
    }
}

#[test]
fn debug_output_shows_no_secret() {
    let env = env();
    let config = Config::load(None, env.clone()).expect("config");
    assert_no_secret("the config", &format!("{config:?}"));

    let tokens = SlackTokens::resolve(&config.slack, &env).expect("tokens");
    let shown = format!("{tokens:?}");
    assert_no_secret("the Slack tokens", &shown);
    assert!(shown.contains("REDACTED"), "{shown}");

    let discord = DiscordPlatform::new(&config.discord, &env).expect("discord");
    assert_no_secret("the Discord platform", &format!("{discord:?}"));

    let password = SecretString::new(PASSWORD.to_string());
    let sink = Sink::http("https://lrs.example/xapi", "user", &password).expect("sink");
    let shown = format!("{sink:?}");
    assert_no_secret("the xAPI sink", &shown);
    assert!(shown.contains("lrs.example"), "{shown}");
}
