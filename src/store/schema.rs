//! What makes a database nibble's: its migration history (nibble's, and at which version) and the
//! tables, columns, indexes and triggers the embedded migrations create, checked at every opening.

use super::{StoreError, migrate};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Executor, Sqlite};
use std::collections::BTreeSet;
use std::str::FromStr;
use tokio::sync::OnceCell;

/// Where a database stands against this binary's migrations.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum History {
    /// No tables at all: a new database.
    Empty,
    /// Tables, but no nibble migration history.
    Foreign(String),
    /// This migration failed half-way (sqlx's "dirty" state).
    Dirty(i64),
    /// Every migration up to this version applied.
    At(i64),
}

/// Reads the migration history without writing anything.
pub(super) async fn history<'c, E>(conn: E) -> Result<History, sqlx::Error>
where
    E: Executor<'c, Database = Sqlite> + Copy,
{
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(conn)
    .await?;
    if tables.is_empty() {
        return Ok(History::Empty);
    }
    if !tables.iter().any(|t| t == "_sqlx_migrations") {
        return Ok(History::Foreign(format!(
            "it has {} table(s) but no nibble migration history; another program's database?",
            tables.len()
        )));
    }
    let applied: Vec<(i64, bool, Vec<u8>)> =
        sqlx::query_as("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(conn)
            .await?;
    let known = migrate::migrations();
    let first_is_ours = applied.first().is_some_and(|(v, _, sum)| {
        known
            .first()
            .is_some_and(|m| m.version == *v && *m.checksum == **sum)
    });
    if !first_is_ours {
        return Ok(History::Foreign(
            "its migration history is not nibble's".into(),
        ));
    }
    if let Some((v, _, _)) = applied.iter().find(|(_, ok, _)| !ok) {
        return Ok(History::Dirty(*v));
    }
    Ok(History::At(applied.last().map_or(0, |(v, _, _)| *v)))
}

/// Named schema objects (`table answers`, `index …`) and table columns.
#[derive(Debug, Default)]
struct Shape {
    objects: BTreeSet<(String, String)>,
    columns: BTreeSet<(String, String)>,
}

async fn shape_of<'c, E>(conn: E) -> Result<Shape, sqlx::Error>
where
    E: Executor<'c, Database = Sqlite> + Copy,
{
    let objects: Vec<(String, String)> = sqlx::query_as(
        "SELECT type, name FROM sqlite_master
         WHERE type IN ('table', 'index', 'trigger', 'view') AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(conn)
    .await?;
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(conn)
    .await?;
    Ok(Shape {
        objects: objects.into_iter().collect(),
        columns: columns.into_iter().collect(),
    })
}

static EXPECTED: OnceCell<Shape> = OnceCell::const_new();

/// The schema the current migrations build, from applying them once to an in-memory database.
async fn expected() -> Result<&'static Shape, StoreError> {
    EXPECTED
        .get_or_try_init(|| async {
            let failed = |e: sqlx::Error| {
                StoreError::Failed(format!("cannot build the expected schema: {e}"))
            };
            let options = SqliteConnectOptions::from_str("sqlite::memory:").map_err(failed)?;
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await
                .map_err(failed)?;
            migrate::apply(&pool, "sqlite::memory:").await?;
            let shape = shape_of(&pool).await.map_err(failed);
            pool.close().await;
            shape
        })
        .await
}

/// Every table, column, index and trigger the migrations define must exist (extra ones may).
pub(super) async fn verify<'c, E>(conn: E, url: &str) -> Result<(), StoreError>
where
    E: Executor<'c, Database = Sqlite> + Copy,
{
    let want = expected().await?;
    let have = shape_of(conn).await?;
    let missing = first_missing(want, &have);
    match missing {
        Some(missing) => Err(StoreError::Damaged {
            url: url.to_string(),
            missing,
        }),
        None => Ok(()),
    }
}

fn first_missing(want: &Shape, have: &Shape) -> Option<String> {
    // A missing table is named as such, not as its many missing columns.
    let tables = want.objects.iter().filter(|(kind, _)| kind == "table");
    let others = want.objects.iter().filter(|(kind, _)| kind != "table");
    if let Some((kind, name)) = tables.chain(others).find(|o| !have.objects.contains(*o)) {
        return Some(format!("{kind} `{name}`"));
    }
    want.columns
        .iter()
        .find(|c| !have.columns.contains(*c))
        .map(|(table, column)| format!("column `{table}.{column}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(objects: &[(&str, &str)], columns: &[(&str, &str)]) -> Shape {
        let own = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        Shape {
            objects: own(objects),
            columns: own(columns),
        }
    }

    #[test]
    fn a_missing_table_is_named_before_its_columns_and_extras_are_allowed() {
        let want = shape(
            &[("index", "a_by_x"), ("table", "a"), ("table", "b")],
            &[("a", "x"), ("b", "y")],
        );
        let have = shape(&[("index", "a_by_x"), ("table", "a")], &[("a", "x")]);
        assert_eq!(first_missing(&want, &have).as_deref(), Some("table `b`"));
        let have = shape(
            &[("table", "a"), ("table", "b"), ("table", "extra")],
            &[("a", "x"), ("b", "y")],
        );
        assert_eq!(
            first_missing(&want, &have).as_deref(),
            Some("index `a_by_x`")
        );
        let have = shape(
            &[("index", "a_by_x"), ("table", "a"), ("table", "b")],
            &[("a", "x"), ("b", "z")],
        );
        assert_eq!(first_missing(&want, &have).as_deref(), Some("column `b.y`"));
    }
}
