//! Records the loaded courses and lessons (with content hashes) so reports and deliveries can refer to them.

use super::{Store, StoreError, ts};
use crate::content::Catalog;
use chrono::{DateTime, Utc};

impl Store {
    /// Upserts every course and lesson and remembers each new lesson version.
    #[tracing::instrument(name = "store.sync_catalog", skip_all, fields(lessons = catalog.lesson_count()))]
    pub async fn sync_catalog(
        &self,
        catalog: &Catalog,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let now = ts(now);
        for course in catalog.courses() {
            sqlx::query(
                "INSERT INTO courses (id, title, loaded_at) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, loaded_at = excluded.loaded_at",
            )
            .bind(&course.id)
            .bind(&course.title)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            for (position, lesson) in catalog.lessons_of(course).enumerate() {
                sqlx::query(
                    "INSERT INTO lessons (id, course_id, position, title, content_hash, loaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (id) DO UPDATE SET course_id = excluded.course_id,
                       position = excluded.position, title = excluded.title,
                       content_hash = excluded.content_hash, loaded_at = excluded.loaded_at",
                )
                .bind(&lesson.id)
                .bind(&course.id)
                .bind(position as i64)
                .bind(&lesson.title)
                .bind(&lesson.content_hash)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO lesson_versions (lesson_id, content_hash, first_seen) VALUES ($1, $2, $3)
                     ON CONFLICT (lesson_id, content_hash) DO NOTHING",
                )
                .bind(&lesson.id)
                .bind(&lesson.content_hash)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
