//! Closed sets stored as TEXT: each enum reads and writes exactly the words the migrations' CHECK
//! constraints allow, so old databases, exports and imports read the same.

/// Declares an enum stored as TEXT, with the exact stored word of each variant next to it (the
/// `closed_sets_tests` pin each word; reports serialise the same word, so a rename here cannot silently change stored data).
macro_rules! closed_set {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, serde::Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[sqlx(rename = $text)] #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored word, which is also how replies and reports show it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // `pad`, not `write_str`: reports align these in fixed-width columns.
                f.pad(self.as_str())
            }
        }
    };
}

closed_set!(
    /// `campaigns.state`.
    CampaignState {
        Draft = "draft",
        Active = "active",
        Paused = "paused",
        Finished = "finished",
    }
);

closed_set!(
    /// `campaigns.target_kind`: one shared channel, or each member of a channel by DM.
    CampaignTarget {
        Channel = "channel",
        Members = "members",
    }
);

closed_set!(
    /// `campaign_recipients.recipient_kind` and `deliveries.recipient_kind`.
    RecipientKind {
        Member = "member",
        Channel = "channel",
    }
);

closed_set!(
    /// `campaign_recipients.state`: still sent lessons, or sent every lesson.
    RecipientState {
        Active = "active",
        Done = "done",
    }
);

closed_set!(
    /// `discussions.kind`: what opened a thread.
    ThreadKind {
        Prompt = "prompt",
        Checkin = "checkin",
        Lesson = "lesson",
        Story = "story",
        Question = "question",
    }
);

closed_set!(
    /// `discussions.state`.
    ThreadState {
        Open = "open",
        Closed = "closed",
    }
);

closed_set!(
    /// `outbox.state`: a message's way out.
    OutboxState {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
    }
);

closed_set!(
    /// `community_schedules.kind`: what a channel's schedule posts.
    ScheduleKind {
        Prompts = "prompts",
        Checkins = "checkins",
        Digest = "digest",
    }
);
