//! A learner's figures for badge rules, read for many members at once.

use super::{Conn, Store, StoreError};
use sqlx::{QueryBuilder, Sqlite};
use std::collections::{HashMap, HashSet};

/// Counts badge rules look at (the streak comes from learning days, elsewhere).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub lessons_completed: u32,
    pub courses_completed: Vec<String>,
    pub graded: u32,
    pub correct: u32,
    /// Right answers since the last wrong one (looked at up to 50 back).
    pub correct_in_a_row: u32,
}

fn members_in(q: &mut QueryBuilder<'_, Sqlite>, ids: &[i64]) {
    q.push(" AND member_id IN (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
}

impl Store {
    pub async fn figures(
        conn: &mut Conn,
        tenant_id: i64,
        member_ids: &[i64],
    ) -> Result<HashMap<i64, Figures>, StoreError> {
        let mut out: HashMap<i64, Figures> = member_ids
            .iter()
            .map(|m| (*m, Figures::default()))
            .collect();
        for ids in member_ids.chunks(300) {
            let mut q = QueryBuilder::new(
                "SELECT member_id, COUNT(*) FROM lesson_completions WHERE tenant_id = ",
            );
            q.push_bind(tenant_id);
            members_in(&mut q, ids);
            q.push(" GROUP BY member_id");
            for (m, n) in q
                .build_query_as::<(i64, i64)>()
                .fetch_all(&mut *conn)
                .await?
            {
                out.entry(m).or_default().lessons_completed = n as u32;
            }
            let mut q = QueryBuilder::new(
                "SELECT member_id, COUNT(correct), COALESCE(SUM(correct), 0) FROM answers WHERE tenant_id = ",
            );
            q.push_bind(tenant_id);
            members_in(&mut q, ids);
            q.push(" GROUP BY member_id");
            for (m, graded, correct) in q
                .build_query_as::<(i64, i64, i64)>()
                .fetch_all(&mut *conn)
                .await?
            {
                let f = out.entry(m).or_default();
                f.graded = graded as u32;
                f.correct = correct as u32;
            }
            let mut q = QueryBuilder::new(
                "SELECT member_id, substr(source, 8) FROM points_ledger WHERE source LIKE 'course:%' AND tenant_id = ",
            );
            q.push_bind(tenant_id);
            members_in(&mut q, ids);
            for (m, course) in q
                .build_query_as::<(i64, String)>()
                .fetch_all(&mut *conn)
                .await?
            {
                out.entry(m).or_default().courses_completed.push(course);
            }
            let mut q = QueryBuilder::new(
                "SELECT member_id, correct FROM (SELECT member_id, correct, ROW_NUMBER() OVER
                   (PARTITION BY member_id ORDER BY id DESC) AS n FROM answers
                   WHERE correct IS NOT NULL AND tenant_id = ",
            );
            q.push_bind(tenant_id);
            members_in(&mut q, ids);
            q.push(") AS recent WHERE n <= 50 ORDER BY member_id, n");
            let mut broken: HashMap<i64, bool> = HashMap::new();
            for (m, correct) in q
                .build_query_as::<(i64, bool)>()
                .fetch_all(&mut *conn)
                .await?
            {
                let stop = broken.entry(m).or_default();
                if !*stop {
                    if correct {
                        out.entry(m).or_default().correct_in_a_row += 1;
                    } else {
                        *stop = true;
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Store {
    /// Learning days on or after `since` of many members.
    pub async fn learning_days_of(
        conn: &mut Conn,
        tenant_id: i64,
        member_ids: &[i64],
        since: &str,
    ) -> Result<HashMap<i64, Vec<String>>, StoreError> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for ids in member_ids.chunks(300) {
            let mut q = QueryBuilder::new("SELECT member_id, day FROM learning_days WHERE day >= ");
            q.push_bind(since)
                .push(" AND tenant_id = ")
                .push_bind(tenant_id);
            members_in(&mut q, ids);
            for (m, day) in q
                .build_query_as::<(i64, String)>()
                .fetch_all(&mut *conn)
                .await?
            {
                out.entry(m).or_default().push(day);
            }
        }
        Ok(out)
    }

    /// Badges many members already have: (member, badge id).
    pub async fn badges_held(
        conn: &mut Conn,
        tenant_id: i64,
        member_ids: &[i64],
    ) -> Result<HashSet<(i64, String)>, StoreError> {
        let mut out = HashSet::new();
        for ids in member_ids.chunks(300) {
            let mut q = QueryBuilder::new(
                "SELECT member_id, badge_id FROM badges_awarded WHERE tenant_id = ",
            );
            q.push_bind(tenant_id);
            members_in(&mut q, ids);
            out.extend(
                q.build_query_as::<(i64, String)>()
                    .fetch_all(&mut *conn)
                    .await?,
            );
        }
        Ok(out)
    }
}

impl Store {
    /// Completed lessons per (member, course) for many members.
    pub async fn completions_per_course(
        conn: &mut Conn,
        tenant_id: i64,
        member_ids: &[i64],
    ) -> Result<HashMap<(i64, String), usize>, StoreError> {
        let mut out = HashMap::new();
        for ids in member_ids.chunks(300) {
            let mut q = QueryBuilder::new(
                "SELECT member_id, course_id, COUNT(*) FROM lesson_completions WHERE tenant_id = ",
            );
            q.push_bind(tenant_id);
            members_in(&mut q, ids);
            q.push(" GROUP BY member_id, course_id");
            // Lessons a diagnostic let the learner skip count too (once, if also completed).
            let mut skips = QueryBuilder::new(
                "SELECT member_id, course_id, COUNT(*) FROM lesson_skips s WHERE NOT EXISTS
                   (SELECT 1 FROM lesson_completions c WHERE c.tenant_id = s.tenant_id
                    AND c.member_id = s.member_id AND c.lesson_id = s.lesson_id)
                 AND tenant_id = ",
            );
            skips.push_bind(tenant_id);
            members_in(&mut skips, ids);
            skips.push(" GROUP BY member_id, course_id");
            for query in [&mut q, &mut skips] {
                for (m, course, n) in query
                    .build_query_as::<(i64, String, i64)>()
                    .fetch_all(&mut *conn)
                    .await?
                {
                    *out.entry((m, course)).or_insert(0) += n as usize;
                }
            }
        }
        Ok(out)
    }
}
