//! Pictures beside lessons already uploaded to a workspace (Slack file ids), keyed by content hash.

use super::{Store, StoreError, ts};
use chrono::{DateTime, Utc};

impl Store {
    /// The platform's file id for these picture bytes in this workspace, if they were uploaded.
    pub async fn uploaded_image(
        &self,
        platform: &str,
        tenant: &str,
        sha256: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT u.file_id FROM uploaded_images u JOIN tenants t ON t.id = u.tenant_id
             WHERE t.platform = $1 AND t.external_id = $2 AND u.sha256 = $3",
        )
        .bind(platform)
        .bind(tenant)
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Remembers an upload (the tenant row is created if the workspace is new), replacing an
    /// upload of the same bytes made before.
    pub async fn remember_uploaded_image(
        &self,
        platform: &str,
        tenant: &str,
        sha256: &str,
        file_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let tenant_id = Self::ensure_tenant(&mut tx, platform, tenant, now).await?;
        sqlx::query(
            "INSERT INTO uploaded_images (tenant_id, sha256, file_id, uploaded_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, sha256)
             DO UPDATE SET file_id = excluded.file_id, uploaded_at = excluded.uploaded_at",
        )
        .bind(tenant_id)
        .bind(sha256)
        .bind(file_id)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        Self::commit(tx).await
    }

    /// Forgets an uploaded file the platform no longer shows (deleted in the workspace, say), so
    /// the picture is uploaded again next time.
    pub async fn forget_uploaded_image(
        &self,
        platform: &str,
        tenant: &str,
        file_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM uploaded_images WHERE file_id = $3 AND tenant_id =
               (SELECT id FROM tenants WHERE platform = $1 AND external_id = $2)",
        )
        .bind(platform)
        .bind(tenant)
        .bind(file_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{Durability, Store};
    use chrono::Utc;

    #[tokio::test]
    async fn uploads_are_remembered_per_workspace_and_forgotten_on_request() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(
            &dir.path().join("s.db").display().to_string(),
            Durability::Normal,
        )
        .await
        .expect("open");
        let now = Utc::now();
        assert_eq!(
            store.uploaded_image("slack", "T1", "abc").await.ok(),
            Some(None)
        );
        store
            .remember_uploaded_image("slack", "T1", "abc", "F1", now)
            .await
            .expect("remember");
        let found = |tenant: &'static str| {
            let store = store.clone();
            async move { store.uploaded_image("slack", tenant, "abc").await.ok() }
        };
        assert_eq!(found("T1").await, Some(Some("F1".to_string())));
        assert_eq!(
            found("T2").await,
            Some(None),
            "another workspace uploads its own"
        );
        store
            .remember_uploaded_image("slack", "T1", "abc", "F2", now)
            .await
            .expect("replace");
        assert_eq!(found("T1").await, Some(Some("F2".to_string())));
        store
            .forget_uploaded_image("slack", "T1", "F2")
            .await
            .expect("forget");
        assert_eq!(found("T1").await, Some(None));
    }
}
