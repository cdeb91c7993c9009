//! Lesson pictures through the real adapters: a picture beside the lesson is uploaded to Slack once
//! per workspace and shown as a `slack_file`, sent to Discord as the message's attachment; a picture
//! a platform cannot show degrades to a link or its alt text and the lesson's text still arrives;
//! `lessons check` reports bad picture paths as file:line.

use crate::discord::{CHANNEL, push, spawn_discord_app, spawn_discord_app_with};
use crate::slack::{spawn_slack_app, spawn_slack_app_with_lessons};
use crate::support::fake_slack::TEAM;
use crate::support::lessons_dir;
use nibble::chat::Platform;
use nibble::content::load_catalog;
use nibble::engine::Recipient;
use serde_json::Value;
use std::path::{Path, PathBuf};

const PHISHING_IMAGE: &str = "phishing-five-second-check.png";
const MISSING_URL: &str = "https://images.example.org/missing-chart.png";

fn phishing_image_bytes() -> Vec<u8> {
    std::fs::read(
        lessons_dir()
            .join("security-awareness/images")
            .join(PHISHING_IMAGE),
    )
    .expect("the bundled picture")
}

/// A one-lesson course `pics` whose picture is `image` (a URL or a path beside the lesson).
fn course_with_picture(root: &Path, image: &str) -> PathBuf {
    let dir = root.join("pics-course");
    std::fs::create_dir_all(dir.join("images")).expect("mkdir");
    std::fs::write(
        dir.join("course.toml"),
        "title = \"Pictures\"\ndescription = \"A course with a picture.\"\nlessons = [\"pics\"]\n",
    )
    .expect("course");
    std::fs::write(dir.join("images/chart.png"), phishing_image_bytes()).expect("picture");
    let lesson = format!(
        "+++\nid = \"pics\"\ntitle = \"Pictures\"\nobjective = \"See a chart.\"\nminutes = 2\n\n\
         [[questions]]\nid = \"q1\"\nkind = \"single\"\nprompt = \"Did you see it?\"\n\n\
         [[questions.options]]\ntext = \"Yes\"\ncorrect = true\n\n[[questions.options]]\ntext = \"No\"\n+++\n\n\
         The chart shows the three steps of the check.\n\n![A chart of the three steps]({image})\n\n\
         This sentence after the picture must still arrive.\n"
    );
    std::fs::write(dir.join("01-pics.md"), lesson).expect("lesson");
    root.to_path_buf()
}

/// Image blocks of the messages posted to a Slack channel.
fn slack_images(posted: &[Value]) -> Vec<Value> {
    posted
        .iter()
        .flat_map(|m| m["blocks"].as_array().cloned().unwrap_or_default())
        .filter(|b| b["type"] == "image")
        .collect()
}

fn slack_text(posted: &[Value]) -> String {
    posted
        .iter()
        .flat_map(|m| m["blocks"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| {
            b.pointer("/text/text")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn slack_uploads_a_picture_beside_the_lesson_once_and_shows_it_as_a_slack_file() {
    let app = spawn_slack_app().await;
    app.push_to_channel(TEAM, "C-ONE", "spot-phishing").await;

    let asked = app.fake.requests("files.getUploadURLExternal");
    assert_eq!(asked.len(), 1, "one upload: {asked:?}");
    let bytes = phishing_image_bytes();
    assert_eq!(asked[0]["filename"], PHISHING_IMAGE);
    assert_eq!(asked[0]["length"], bytes.len().to_string());
    let uploaded = app.fake.uploaded_files();
    assert_eq!(uploaded.len(), 1, "the upload completed");
    let (id, stored) = uploaded.iter().next().expect("one file");
    assert_eq!(stored, &bytes, "Slack received the picture's bytes");
    let completed = app.fake.requests("files.completeUploadExternal");
    assert_eq!(completed[0]["files"][0]["id"], id.as_str());

    let images = slack_images(&app.fake.posted("C-ONE"));
    assert_eq!(images.len(), 1, "{images:?}");
    assert_eq!(images[0]["slack_file"], serde_json::json!({"id": id}));
    assert!(images[0].get("image_url").is_none());
    assert!(
        images[0]["alt_text"]
            .as_str()
            .is_some_and(|a| a.starts_with("Infographic: the five-second phishing check"))
    );

    // The same picture again, in another channel: shown from the remembered upload.
    app.push_to_channel(TEAM, "C-TWO", "spot-phishing").await;
    assert_eq!(app.fake.requests("files.getUploadURLExternal").len(), 1);
    assert_eq!(app.fake.requests("files.completeUploadExternal").len(), 1);
    let again = slack_images(&app.fake.posted("C-TWO"));
    assert_eq!(again[0]["slack_file"]["id"], id.as_str());
    app.fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread")]
async fn deliveries_sent_at_once_upload_their_shared_picture_once() {
    let app = spawn_slack_app().await;
    let channels = ["C-A", "C-B", "C-C", "C-D", "C-E", "C-F"];
    // Pushed together, so one dispatcher pass sends them side by side.
    let pushes = channels.map(|channel| {
        app.daemon.engine().push_lesson(nibble::engine::PushLesson {
            platform: Platform::Slack,
            tenant: TEAM.into(),
            recipient: Recipient::Channel(channel.into()),
            lesson: nibble::engine::LessonChoice::Id("spot-phishing".into()),
            origin: "test".into(),
        })
    });
    let mut expected = Vec::new();
    for (channel, outcome) in channels
        .iter()
        .zip(futures_util::future::join_all(pushes).await)
    {
        let Ok(nibble::engine::PushOutcome::Queued { messages, .. }) = outcome else {
            panic!("not queued: {outcome:?}")
        };
        expected.push((*channel, messages));
    }
    app.fake
        .wait_for("every channel's lesson", || {
            expected
                .iter()
                .all(|(c, n)| app.fake.posted(c).len() >= *n)
                .then_some(())
        })
        .await;
    assert_eq!(app.fake.requests("files.getUploadURLExternal").len(), 1);
    for channel in channels {
        assert_eq!(
            slack_images(&app.fake.posted(channel)).len(),
            1,
            "{channel}"
        );
    }
    app.fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slack_file_deleted_in_the_workspace_degrades_once_then_is_uploaded_again() {
    let app = spawn_slack_app().await;
    app.push_to_channel(TEAM, "C-ONE", "spot-phishing").await;
    let first: Vec<String> = app.fake.uploaded_files().into_keys().collect();
    app.fake.delete_file(&first[0]);

    app.push_to_channel(TEAM, "C-TWO", "spot-phishing").await;
    let posted = app.fake.posted("C-TWO");
    assert!(
        slack_images(&posted).is_empty(),
        "the deleted file is not shown"
    );
    let text = slack_text(&posted);
    assert!(
        text.contains("🖼 Infographic: the five-second phishing check"),
        "its alt text stands in: {text}"
    );
    assert!(
        text.contains("What to do instead"),
        "the part's text arrived: {text}"
    );

    // The refused upload was forgotten: the next delivery uploads the picture again.
    app.push_to_channel(TEAM, "C-THREE", "spot-phishing").await;
    assert_eq!(app.fake.requests("files.getUploadURLExternal").len(), 2);
    let images = slack_images(&app.fake.posted("C-THREE"));
    assert_eq!(images.len(), 1);
    assert_ne!(images[0]["slack_file"]["id"], first[0].as_str());
    app.fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread")]
async fn slack_shows_an_unreachable_picture_as_a_link_and_the_text_still_arrives() {
    let root = tempfile::tempdir().expect("tempdir");
    let app = spawn_slack_app_with_lessons(course_with_picture(root.path(), MISSING_URL)).await;
    app.push_to_channel(TEAM, "C-PICS", "pics").await;

    let refused: Vec<Value> = app
        .fake
        .requests("chat.postMessage")
        .into_iter()
        .filter(|b| b.to_string().contains("\"image_url\""))
        .collect();
    assert_eq!(refused.len(), 1, "the part with the picture was tried once");
    let posted = app.fake.posted("C-PICS");
    assert!(slack_images(&posted).is_empty(), "no picture was posted");
    let text = slack_text(&posted);
    assert!(text.contains("The chart shows the three steps"), "{text}");
    assert!(
        text.contains("This sentence after the picture must still arrive."),
        "{text}"
    );
    assert!(
        text.contains(&format!("<{MISSING_URL}|A chart of the three steps>")),
        "the picture became a link: {text}"
    );

    // The next team lead to use nibble hears of it, once.
    app.fake.make_admin("U-LEAD");
    let (ack, _) = app
        .command("C-PICS", "U-LEAD", "/nibble", "help", "t.lead")
        .await;
    let told = crate::slack::ack_text(&ack);
    assert!(
        told.contains(
            "lesson pictures shown as links or alt text: Slack refused them (invalid_blocks)"
        ),
        "{told}"
    );

    // Once Slack can download it, the same lesson shows the picture itself.
    app.fake.allow_image_url(MISSING_URL);
    app.push_to_channel(TEAM, "C-LATER", "pics").await;
    let images = slack_images(&app.fake.posted("C-LATER"));
    assert_eq!(images.len(), 1);
    assert_eq!(images[0]["image_url"], MISSING_URL);
    app.fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread")]
async fn discord_sends_a_picture_beside_the_lesson_as_the_messages_attachment() {
    let app = spawn_discord_app().await;
    let messages = push(
        &app.daemon,
        Platform::Discord,
        crate::support::fake_discord::GUILD,
        Recipient::Channel(CHANNEL.into()),
        "spot-phishing",
    )
    .await;
    app.fake
        .wait_for("the lesson's messages", || {
            (app.fake.messages(CHANNEL).len() >= messages).then_some(())
        })
        .await;

    let files = app.fake.uploaded_files();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].field, "files[0]");
    assert_eq!(files[0].filename, PHISHING_IMAGE);
    assert_eq!(files[0].content_type, "image/png");
    assert_eq!(files[0].bytes, phishing_image_bytes());

    let with_picture: Vec<Value> = app
        .fake
        .requests("POST /channels/{channel_id}/messages")
        .into_iter()
        .filter(|b| b.get("attachments").is_some())
        .collect();
    assert_eq!(with_picture.len(), 1);
    let body = &with_picture[0];
    assert_eq!(body["attachments"][0]["id"], "0");
    assert_eq!(body["attachments"][0]["filename"], PHISHING_IMAGE);
    assert_eq!(
        body["embeds"][0]["image"]["url"],
        format!("attachment://{PHISHING_IMAGE}")
    );
    let posted = app.fake.messages(CHANNEL);
    assert!(
        posted
            .iter()
            .any(|m| m["attachments"][0]["filename"] == PHISHING_IMAGE),
        "Discord kept the attachment"
    );
    app.fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_picture_gone_from_disk_shows_its_alt_text_and_the_text_arrives() {
    let root = tempfile::tempdir().expect("tempdir");
    let lessons = course_with_picture(root.path(), "images/chart.png");
    let app = spawn_discord_app_with(lessons.clone()).await;
    std::fs::remove_file(lessons.join("pics-course/images/chart.png")).expect("remove");
    let messages = push(
        &app.daemon,
        Platform::Discord,
        crate::support::fake_discord::GUILD,
        Recipient::Channel(CHANNEL.into()),
        "pics",
    )
    .await;
    app.fake
        .wait_for("the lesson's messages", || {
            (app.fake.messages(CHANNEL).len() >= messages).then_some(())
        })
        .await;
    assert!(app.fake.uploaded_files().is_empty());
    let description = app.fake.messages(CHANNEL)[0]["embeds"][0]["description"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        description.contains("🖼 A chart of the three steps"),
        "{description}"
    );
    assert!(description.contains("must still arrive"), "{description}");
    app.fake.assert_valid();
}

#[test]
fn lessons_check_reports_bad_picture_paths_with_their_line() {
    let root = tempfile::tempdir().expect("tempdir");
    course_with_picture(root.path(), "images/missing.png");
    let lesson = root.path().join("pics-course/01-pics.md");
    let text = std::fs::read_to_string(&lesson).expect("lesson");
    let line = text
        .lines()
        .position(|l| l.starts_with("!["))
        .map(|i| i + 1)
        .expect("the picture's line");
    let problems = |text: &str| {
        std::fs::write(&lesson, text).expect("write");
        load_catalog(root.path())
            .err()
            .map(|p| p.to_string())
            .unwrap_or_default()
    };
    let missing = problems(&text);
    assert!(
        missing.contains(&format!(
            "01-pics.md:{line}: image `images/missing.png` cannot be read"
        )),
        "{missing}"
    );
    let escaping = problems(&text.replace("images/missing.png", "../secret.png"));
    assert!(
        escaping.contains(&format!(
            "01-pics.md:{line}: image `../secret.png` must stay inside the course folder"
        )),
        "{escaping}"
    );
    std::fs::write(
        root.path().join("pics-course/images/notes.png"),
        "just text",
    )
    .expect("w");
    let not_a_picture = problems(&text.replace("images/missing.png", "images/notes.png"));
    assert!(
        not_a_picture.contains("is not a PNG, JPEG or GIF picture"),
        "{not_a_picture}"
    );
    assert_eq!(
        problems(&text.replace("images/missing.png", "images/chart.png")),
        ""
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn discord_without_attach_files_sends_the_part_with_the_alt_text() {
    let root = tempfile::tempdir().expect("tempdir");
    let lessons = course_with_picture(root.path(), "images/chart.png");
    let app = spawn_discord_app_with(lessons).await;
    app.fake.deny_attach_files(CHANNEL);
    let messages = push(
        &app.daemon,
        Platform::Discord,
        crate::support::fake_discord::GUILD,
        Recipient::Channel(CHANNEL.into()),
        "pics",
    )
    .await;
    app.fake
        .wait_for("the lesson's messages", || {
            (app.fake.messages(CHANNEL).len() >= messages).then_some(())
        })
        .await;
    let posts = app.fake.requests("POST /channels/{channel_id}/messages");
    let with_files = posts.iter().filter(|b| b.get("attachments").is_some());
    assert_eq!(with_files.count(), 1, "one refused attempt with the file");
    assert!(app.fake.uploaded_files().is_empty());
    let posted = app.fake.messages(CHANNEL);
    assert_eq!(posted.len(), messages, "nothing lost, nothing twice");
    let description = posted[0]["embeds"][0]["description"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        description.contains("🖼 A chart of the three steps"),
        "{description}"
    );
    assert!(description.contains("must still arrive"), "{description}");
    assert!(posted[0]["embeds"][0].get("image").is_none());

    // The text arrived, but a team lead must hear of the missing permission.
    let lead = nibble::chat::Event {
        key: "lead-help".into(),
        platform: Platform::Discord,
        tenant: crate::support::fake_discord::GUILD.into(),
        channel: CHANNEL.into(),
        is_dm: false,
        user: nibble::chat::UserRef {
            id: "830000000000000999".into(),
            name: "Lead".into(),
            time_zone: None,
            is_lead: true,
            is_moderator: false,
        },
        kind: nibble::chat::EventKind::Command {
            name: "nibble".into(),
            args: "help".into(),
        },
    };
    let reply = app.daemon.engine().handle(lead).await.expect("help");
    let told = crate::support::reply_text(&reply);
    assert!(
        told.contains("lesson pictures shown as links or alt text") && told.contains("50013"),
        "{told}"
    );
}
