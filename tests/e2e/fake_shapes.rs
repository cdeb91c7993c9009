//! The fakes' own payloads against the platforms' real ones (`../shared/tools/shape_diff.py`): no key
//! or JSON type the real platform never sends, unless its documentation shows it.

use crate::support::fake_discord::{self, BOT_ID, FakeDiscord, GUILD, payloads as discord};
use crate::support::fake_slack::{TEAM, payloads as slack};
use crate::support::http::call;
use crate::support::shape_check::{Comparison, assert_shapes, captures};
use crate::support::spec_check::shared_dir;
use serde_json::{Map, Value, json};

const BOLT: &str = "slack/fixtures/bolt-python";
const SDK: &str = "slack/fixtures/python-slack-sdk-socket-mode";
const ACCORD: &str = "discord/fixtures/accord-jl-captured";
const DOCS: &str = "discord/fixtures/discord-api-docs";
const DM_DOCS: &str = "the docs' DM channel example predates channel `flags` and the user object's \
                       `global_name` and `public_flags` (Channel and User object docs list them)";
const THREAD_DOCS: &str = "documented for thread replies: docs.slack.dev/reference/events/message";

fn files(dir: &str, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| format!("{dir}/{n}.json")).collect()
}

fn refs(paths: &[String], pointer: &str) -> Option<Vec<Value>> {
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    captures(&paths, pointer)
}

/// bolt-python's slash command, sent as a form (`key=value&…`), as a JSON object.
fn slash_form() -> Option<Value> {
    let file = format!("reference/{BOLT}/test_slash_command__slash_command_body.txt");
    let text = std::fs::read_to_string(shared_dir(&file)?.join(&file)).expect("read");
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let mut out = Vec::new();
        let mut bytes = s.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hex: String = bytes.by_ref().take(2).map(char::from).collect();
                out.push(u8::from_str_radix(&hex, 16).expect("%XX"));
            } else {
                out.push(b);
            }
        }
        String::from_utf8(out).expect("utf-8")
    };
    let map: Map<String, Value> = text
        .trim()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), Value::String(decode(v))))
        .collect();
    Some(Value::Object(map))
}

pub fn slack_message_refs() -> Option<Vec<Value>> {
    let mut r = refs(
        &files(SDK, &["mock_socket_mode_server__socket_mode_envelopes_3"]),
        "/payload",
    )?;
    r.extend(refs(
        &files(BOLT, &["mock_socket_mode_server__socket_mode_envelopes_2"]),
        "/payload",
    )?);
    let bodies = [
        "test_message__message_body",
        "test_message__message_body2",
        "test_message__message_body3",
        "test_message_bot__user_message_event_payload",
    ];
    r.extend(refs(&files(BOLT, &bodies), "")?);
    Some(r)
}

#[test]
fn the_fake_slacks_payloads_have_the_shape_of_slacks_own() {
    let Some(mut slash) = refs(
        &files(BOLT, &["mock_socket_mode_server__socket_mode_envelopes_1"]),
        "/payload",
    ) else {
        return;
    };
    slash.extend(
        refs(
            &files(SDK, &["mock_socket_mode_server__socket_mode_envelopes_0"]),
            "/payload",
        )
        .unwrap_or_default(),
    );
    slash.extend(slash_form());
    let actions_refs = [format!("{BOLT}/test_block_actions__body.json")];
    let mut actions = refs(&actions_refs, "").unwrap_or_default();
    actions.extend(
        refs(
            &files(SDK, &["mock_socket_mode_server__socket_mode_envelopes_4"]),
            "/payload",
        )
        .unwrap_or_default(),
    );
    let messages = slack_message_refs().unwrap_or_default();
    let changed = refs(
        &[
            "slack/fixtures/slack-morphism-rust/src/models/events/fixtures/message_changed.json"
                .into(),
        ],
        "",
    )
    .unwrap_or_default();
    let reactions = refs(
        &files(
            BOLT,
            &[
                "test_events__valid_reaction_added_body",
                "test_events_socket_mode__valid_reaction_added_body",
                "test_events_ignore_self__event_body",
            ],
        ),
        "/event",
    )
    .unwrap_or_default();
    let state = "block_actions carry `state` since 2020: api.slack.com/changelog/2020-09-full-state-on-view-submisson-and-block-actions";
    let event = |e: Value| slack::event_callback("Ev1", e);
    let comparisons = vec![
        Comparison::new(
            "slash_command",
            slash,
            slack::slash_command("C1", "U1", "/learn", "x", "t.1"),
        )
        .allow(
            "/is_enterprise_install",
            "a slash command field: docs.slack.dev/tools/bolt-js/reference/interfaces/SlashCommand",
        ),
        Comparison::new(
            "button_click",
            actions.clone(),
            slack::button_click(TEAM, "C1", "U1", "1.2", "nb1:a:1:0", "t.2"),
        )
        .allow("/state", state),
        Comparison::new(
            "multi_submit",
            actions,
            slack::multi_submit("C1", "U1", "1.2", "nb1:m:1", "nb1:t:1", &["0"], "t.3"),
        )
        .allow("/state", state),
        Comparison::new(
            "message",
            messages.clone(),
            event(slack::message("U1", "C1", "hi", None)),
        ),
        Comparison::new(
            "thread reply",
            messages,
            event(slack::message_at("U1", "C1", "hi", "1.3", Some("1.2"))),
        )
        .allow("/event/thread_ts", THREAD_DOCS)
        .allow("/event/parent_user_id", THREAD_DOCS),
        Comparison::new(
            "message_changed",
            changed,
            event(slack::message_changed("U1", "C1", "1.3", "1.2", "edited")),
        )
        .allow("/event/message/thread_ts", THREAD_DOCS)
        .allow("/event/previous_message/thread_ts", THREAD_DOCS),
        Comparison::new(
            "reaction_added",
            reactions,
            slack::reaction("reaction_added", "U1", "C1", "1.3", "star"),
        ),
        Comparison::new(
            "hello",
            refs(
                &files(SDK, &["mock_socket_mode_server__socket_mode_hello_message"]),
                "",
            )
            .unwrap_or_default(),
            slack::hello(),
        ),
        Comparison::new(
            "disconnect",
            refs(
                &files(
                    SDK,
                    &["mock_socket_mode_server__socket_mode_disconnect_message"],
                ),
                "",
            )
            .unwrap_or_default(),
            slack::disconnect("refresh_requested"),
        ),
    ];
    assert_shapes(&comparisons);
}

#[test]
fn the_fake_slacks_envelopes_wrap_each_kind_as_slack_does() {
    let names = [
        "mock_socket_mode_server__socket_mode_envelopes_0",
        "mock_socket_mode_server__socket_mode_envelopes_1",
        "mock_socket_mode_server__socket_mode_envelopes_2",
    ];
    let Some(mut real) = refs(&files(BOLT, &names), "") else {
        return;
    };
    let sdk = [
        "mock_socket_mode_server__socket_mode_envelopes_0",
        "mock_socket_mode_server__socket_mode_envelopes_1",
        "mock_socket_mode_server__socket_mode_envelopes_2",
        "mock_socket_mode_server__socket_mode_envelopes_3",
        "mock_socket_mode_server__socket_mode_envelopes_4",
    ];
    real.extend(refs(&files(SDK, &sdk), "").unwrap_or_default());
    for captured in real {
        let kind = captured["type"].as_str().unwrap_or("");
        let ours = slack::envelope("e1", kind, captured["payload"].clone());
        let keys = |v: &Value| {
            v.as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let (mut a, mut b) = (keys(&ours), keys(&captured));
        a.sort();
        b.sort();
        assert_eq!(a, b, "{kind} envelope keys");
        assert_eq!(
            ours["accepts_response_payload"], captured["accepts_response_payload"],
            "{kind}"
        );
    }
}

fn interaction_refs() -> Option<Vec<Value>> {
    let mut r = refs(&files(ACCORD, &["gateway_interaction_create"]), "/*/d")?;
    r.extend(refs(
        &files(
            DOCS,
            &["application-commands/application-commands__Example_Interaction"],
        ),
        "",
    )?);
    Some(r)
}

#[test]
fn the_fake_discords_gateway_payloads_have_the_shape_of_the_captures() {
    let Some(ready) = refs(&files(ACCORD, &["gateway_ready"]), "/*/d") else {
        return;
    };
    let frames = |names: &[&str]| refs(&files(ACCORD, names), "/*/d").unwrap_or_default();
    let interactions = interaction_refs().unwrap_or_default();
    let members = refs(&files(ACCORD, &["rest_get_members"]), "/*/items/*").unwrap_or_default();
    let (ch, who) = ("811000000000000001", "830000000000000101");
    let mut users = frames(&["gateway_message_create"])
        .iter()
        .map(|m| m["author"].clone())
        .collect::<Vec<_>>();
    users.extend(interactions.iter().map(|i| i["member"]["user"].clone()));
    let component_docs = "component interactions: data.custom_id/component_type/values and the message \
                          (discord-api-docs reference__Examples_3.jsonc; Interaction object docs)";
    let click = discord::component(
        "1",
        Some(GUILD),
        ch,
        who,
        "nb1:a:1:0",
        None,
        json!({"id": "2"}),
    );
    let select = discord::component(
        "1",
        None,
        ch,
        who,
        "nb1:m:1",
        Some(&["0"]),
        json!({"id": "2"}),
    );
    let comparisons = vec![
        Comparison::new(
            "HELLO",
            refs(&files(ACCORD, &["gateway_hello"]), "/*").unwrap_or_default(),
            discord::hello(),
        ),
        Comparison::new(
            "HEARTBEAT_ACK",
            refs(&files(ACCORD, &["gateway_heartbeat_ack"]), "/*").unwrap_or_default(),
            discord::heartbeat_ack(),
        ),
        Comparison::new("READY", ready, discord::ready("s", "127.0.0.1:1")),
        Comparison::new(
            "GUILD_CREATE",
            frames(&["gateway_guild_create"]),
            discord::guild_create(GUILD),
        ),
        Comparison::new(
            "INTERACTION_CREATE command",
            interactions.clone(),
            discord::command(
                "1",
                GUILD,
                ch,
                who,
                "learn",
                json!([{"name": "topic", "type": 3, "value": "x"}]),
                "8",
            ),
        ),
        Comparison::new("INTERACTION_CREATE click", interactions.clone(), click)
            .allow("/data/custom_id", component_docs)
            .allow("/data/component_type", component_docs)
            .allow("/message", component_docs),
        Comparison::new("INTERACTION_CREATE select in a DM", interactions, select)
            .allow("/data/custom_id", component_docs)
            .allow("/data/component_type", component_docs)
            .allow("/data/values", component_docs)
            .allow("/message", component_docs)
            .allow(
                "/user",
                "a DM interaction has `user` instead of `member` (Interaction object docs)",
            )
            .allow(
                "/channel/recipients",
                "a DM channel lists its recipients (channel__Example_DM_Channel.json)",
            ),
        Comparison::new(
            "MESSAGE_CREATE",
            frames(&["gateway_message_create"]),
            discord::message_create("1", GUILD, ch, who, "hi"),
        ),
        Comparison::new(
            "MESSAGE_UPDATE",
            frames(&["gateway_message_update"]),
            discord::message_update("1", GUILD, ch, who, "hi"),
        ),
        Comparison::new(
            "MESSAGE_DELETE",
            frames(&["gateway_message_delete"]),
            discord::message_delete("1", GUILD, ch),
        ),
        Comparison::new(
            "MESSAGE_REACTION_ADD",
            frames(&["gateway_message_reaction_add"]),
            discord::reaction_add(GUILD, ch, "1", who, &[], "⭐"),
        ),
        Comparison::new(
            "MESSAGE_REACTION_REMOVE",
            frames(&["gateway_message_reaction_add"]),
            discord::reaction_remove(GUILD, ch, "1", who, "⭐"),
        ),
        Comparison::new(
            "GUILD_MEMBER_ADD",
            // A guild member object (as REST lists them) with the guild's id (as the update has it).
            [frames(&["gateway_guild_member_update"]), members.clone()].concat(),
            discord::member_add(GUILD, who),
        ),
        Comparison::new("user", users, discord::user(who)),
    ];
    assert_shapes(&comparisons);
}

#[tokio::test]
async fn the_fake_discords_rest_answers_have_the_shape_of_the_captures() {
    let Some(me) = refs(&files(ACCORD, &["rest_get_me"]), "/*") else {
        return;
    };
    let fake = FakeDiscord::start().await;
    fake.set_guild_members(GUILD, &[BOT_ID, "830000000000000101"]);
    let auth = format!("Bot {}", fake_discord::TOKEN);
    let get = async |path: String| {
        call(
            fake.addr,
            &format!("GET /api/v10/{path}"),
            &auth,
            &Value::Null,
        )
        .await
        .1
    };
    let post = async |path: &str, body: Value| {
        call(fake.addr, &format!("POST /api/v10/{path}"), &auth, &body)
            .await
            .1
    };
    let threads = {
        let mut t = refs(&files(ACCORD, &["gateway_thread_create"]), "/*/d").unwrap_or_default();
        t.extend(
            refs(
                &files(DOCS, &["channel/channel__Example_Thread_Channel"]),
                "",
            )
            .unwrap_or_default(),
        );
        t
    };
    let created = post(
        "channels/811000000000000001/messages",
        json!({"content": "hi"}),
    )
    .await;
    let thread = post(
        "channels/811000000000000001/messages/1/threads",
        json!({"name": "t"}),
    )
    .await;
    let dm = post(
        "users/@me/channels",
        json!({"recipient_id": "830000000000000101"}),
    )
    .await;
    let comparisons = vec![
        Comparison::new("GET /users/@me", me, get("users/@me".into()).await),
        Comparison::new(
            "GET /gateway/bot",
            refs(&files(ACCORD, &["rest_get_gateway_bot"]), "/*").unwrap_or_default(),
            get("gateway/bot".into()).await,
        ),
        Comparison::new(
            "POST /channels/{id}/messages",
            refs(&files(ACCORD, &["rest_create_message"]), "/*").unwrap_or_default(),
            created,
        ),
        Comparison::new(
            "GET /guilds/{id}/roles",
            refs(&files(ACCORD, &["rest_get_roles"]), "/*/items/*").unwrap_or_default(),
            get(format!("guilds/{GUILD}/roles")).await[0].clone(),
        ),
        Comparison::new(
            "GET /guilds/{id}/members",
            refs(&files(ACCORD, &["rest_get_members"]), "/*/items/*").unwrap_or_default(),
            get(format!("guilds/{GUILD}/members")).await[1].clone(),
        ),
        Comparison::new("POST thread from a message", threads, thread),
        Comparison::new(
            "POST /users/@me/channels",
            refs(&files(DOCS, &["channel/channel__Example_DM_Channel"]), "").unwrap_or_default(),
            dm,
        )
        .allow("/flags", DM_DOCS)
        .allow("/recipients/[]/global_name", DM_DOCS)
        .allow("/recipients/[]/public_flags", DM_DOCS),
    ];
    assert_shapes(&comparisons);
}
