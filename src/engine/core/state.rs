//! What every handler reads: the store, the current catalog, the clock and the settings.

use crate::clock::Clock;
use crate::config::CampaignSettings;
use crate::content::Catalog;
use crate::domain::points::PointsRules;
use crate::store::Store;
use std::sync::{Arc, RwLock};

/// The current lesson catalog; replaced whole when lessons are reloaded.
#[derive(Clone, Default)]
pub struct CatalogHandle(Arc<RwLock<Arc<Catalog>>>);

impl CatalogHandle {
    pub fn new(catalog: Catalog) -> Self {
        Self(Arc::new(RwLock::new(Arc::new(catalog))))
    }
    pub fn current(&self) -> Arc<Catalog> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn replace(&self, catalog: Catalog) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(catalog);
    }
}

pub(crate) struct Core {
    pub(crate) store: Store,
    pub(crate) catalog: CatalogHandle,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rules: PointsRules,
    pub(crate) campaigns: CampaignSettings,
    pub(crate) recognition: crate::config::RecognitionSettings,
    pub(crate) badges: Vec<crate::domain::badges::BadgeDef>,
    pub(crate) reviews: crate::domain::review::ReviewRules,
    pub(crate) communities: crate::config::CommunitySettings,
    /// When this engine started: campaign slots due before it were missed while nibble was down.
    pub(crate) started_at: chrono::DateTime<chrono::Utc>,
    /// The recognition fold's backoff after a failure (only the writer task uses it).
    pub(crate) fold_retry: std::sync::Mutex<FoldRetry>,
}

/// The recognition fold's backoff: after a failure, no fold is tried before `not_before`.
pub(crate) struct FoldRetry {
    pub(crate) retry: crate::ops::Retry,
    pub(crate) not_before: Option<tokio::time::Instant>,
}

impl FoldRetry {
    pub fn new(retry: crate::ops::Retry) -> Self {
        Self {
            retry,
            not_before: None,
        }
    }
}
