//! `nibble report` and `/nibble report`: learning analytics per course, campaign, question, learner
//! and week, as a table, CSV or JSON.

mod community;
mod model;
mod render;

pub use model::{Filter, Report, build};
pub(crate) use render::fit;
pub use render::{WIDTH, csv, json, table};

use crate::content::Catalog;
use crate::domain::review::ReviewRules;
use crate::store::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};

/// Output formats of `nibble report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no tenant `{0}`: use platform:id as `nibble campaign` does, e.g. slack:T0123")]
    UnknownTenant(String),
    #[error("`--since {0}` is not a date (YYYY-MM-DD)")]
    BadDate(String),
    #[error("no course `{0}`")]
    UnknownCourse(String),
    #[error("cannot write the report as CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// Parses `--since` as a UTC date.
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, ReportError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| ReportError::BadDate(text.to_string()))
}

/// Every tenant's report (or the one asked for), rendered.
pub async fn render(
    store: &Store,
    catalog: &Catalog,
    tenant: Option<&str>,
    course: Option<&str>,
    since: Option<DateTime<Utc>>,
    format: Format,
    rules: &ReviewRules,
) -> Result<String, ReportError> {
    if let Some(c) = course
        && catalog.course(c).is_none()
    {
        return Err(ReportError::UnknownCourse(c.to_string()));
    }
    let tenants = store.tenants().await?;
    let chosen: Vec<_> = match tenant {
        None => tenants,
        Some(t) => {
            let found: Vec<_> = tenants
                .into_iter()
                .filter(|(_, p, e)| format!("{p}:{e}") == t)
                .collect();
            if found.is_empty() {
                return Err(ReportError::UnknownTenant(t.to_string()));
            }
            found
        }
    };
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let mut reports = Vec::new();
    for (id, platform, external) in chosen {
        let filter = Filter {
            tenant_id: id,
            tenant: format!("{platform}:{external}"),
            course: course.map(str::to_string),
            since,
        };
        reports.push(build(&mut conn, catalog, &filter, rules, Utc::now()).await?);
    }
    Ok(match format {
        Format::Table => table(&reports),
        Format::Csv => csv(&reports)?,
        Format::Json => json(&reports),
    })
}

#[cfg(test)]
mod csv_tests;
