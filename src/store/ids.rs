//! Id newtypes for the store's main rows: a tenant's id cannot be passed where a member's is
//! expected. Stored as the same INTEGER as before: the impls delegate to `i64` (what
//! `#[sqlx(transparent)]` would generate; sqlx's derive needs its `macros` feature, see `from_row!`).

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl sqlx::Type<sqlx::Sqlite> for $name {
            fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
                <i64 as sqlx::Type<sqlx::Sqlite>>::type_info()
            }

            fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
                <i64 as sqlx::Type<sqlx::Sqlite>>::compatible(ty)
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Sqlite> for $name {
            fn encode_by_ref(
                &self,
                args: &mut Vec<sqlx::sqlite::SqliteArgumentValue<'q>>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <i64 as sqlx::Encode<'q, sqlx::Sqlite>>::encode_by_ref(&self.0, args)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for $name {
            fn decode(
                value: sqlx::sqlite::SqliteValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                <i64 as sqlx::Decode<'r, sqlx::Sqlite>>::decode(value).map(Self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A workspace (Slack team) or server (Discord guild) nibble serves.
    TenantId
);
id_type!(
    /// A member of a tenant.
    MemberId
);
id_type!(
    /// A drip campaign.
    CampaignId
);
id_type!(
    /// A question prompt sent to a member.
    PromptId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ids_are_stored_as_plain_integers() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("memory db");
        let (kind, back): (String, CampaignId) = sqlx::query_as("SELECT typeof(?1), ?1")
            .bind(CampaignId(42))
            .fetch_one(&pool)
            .await
            .expect("select");
        assert_eq!((kind.as_str(), back), ("integer", CampaignId(42)));
        assert_eq!(TenantId(7).to_string(), "7");
    }
}
