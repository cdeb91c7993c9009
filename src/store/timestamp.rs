//! The one UTC timestamp type of the store: written as RFC 3339 with milliseconds and `Z`
//! (`2026-01-05T09:00:00.000Z`, the text every nibble database holds), read back strictly.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Sqlite, Type};

/// A moment as the store keeps it. Rows carry it instead of text, so nothing outside the store
/// parses a stored time; a stored value that is not one reads back as
/// [`StoreError::Invalid`](super::StoreError::Invalid) naming its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// The stored text: the format is part of the database, so it never changes.
    pub fn to_stored(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// Reads stored text; any RFC 3339 time is accepted (older rows may lack milliseconds).
    pub fn parse_stored(text: &str) -> Result<Self, InvalidTimestamp> {
        DateTime::parse_from_rfc3339(text)
            .map(|d| Self(d.with_timezone(&Utc)))
            .map_err(|e| InvalidTimestamp {
                text: text.to_string(),
                reason: e.to_string(),
            })
    }

    pub fn utc(self) -> DateTime<Utc> {
        self.0
    }
}

/// Stored text that is not a timestamp.
#[derive(Debug, thiserror::Error)]
#[error("timestamp `{text}`: {reason}")]
pub struct InvalidTimestamp {
    text: String,
    reason: String,
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(at: Timestamp) -> Self {
        at.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_stored())
    }
}

/// Reports show the stored text.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Timestamp {
    fn encode_by_ref(
        &self,
        args: &mut Vec<SqliteArgumentValue<'q>>,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.to_stored(), args)
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<'r, Sqlite>>::decode(value)?;
        Ok(Self::parse_stored(text)?)
    }
}

#[cfg(test)]
#[path = "timestamp_tests.rs"]
mod tests;
