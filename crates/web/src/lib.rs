//! The HTTP layer of Portfolio SIO: server-rendered pages in French (every core action works
//! without JavaScript) and a JSON API under `/api/v1`.
//!
//! Thin by design: handlers authenticate (the session middleware in [`session`]), obtain a
//! capability from `portfolio_domain::access`, call the store, and render. Every route is
//! declared once in [`routes::table`]; the router is built from that table and the access test
//! walks it, so a route cannot exist without an expected-access entry.

pub mod charts;
pub mod config;
pub mod error;
mod kept;
mod pages;
pub mod password;
pub mod routes;
pub mod security;
pub mod session;
mod templates;

use crate::config::WebConfig;
use portfolio_store::DynStore;
use portfolio_store::blobs::DynBlobStore;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use routes::router;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    /// The bytes of uploaded files.
    pub blobs: DynBlobStore,
    pub config: Arc<WebConfig>,
    /// What pages keep between requests.
    pub caches: Arc<Caches>,
    /// One permit per upload being received (see `WebConfig::max_uploads_in_flight`).
    pub uploads: Arc<tokio::sync::Semaphore>,
}

/// What pages keep between requests.
pub struct Caches {
    /// By exam session: the harmonisation's figures at a version of its evaluations.
    harmonisation: kept::Kept<pages::jury::Harmonised>,
    /// By class: the dashboard's rows at a version of its dossiers, on a day.
    boards: kept::Kept<pages::class_dashboard::Board>,
    /// By session (the hash of its cookie): when this server last recorded its use.
    touched: std::sync::Mutex<std::collections::HashMap<String, i64>>,
}

impl Default for Caches {
    fn default() -> Caches {
        Caches {
            // The sessions of a few académies; a few hundred classes, tens of kilobytes each.
            harmonisation: kept::Kept::new(64),
            boards: kept::Kept::new(512),
            touched: Default::default(),
        }
    }
}

impl Caches {
    /// Whether this request records the use of session `id_hash` at `now`: not when another
    /// request of this server did within `every` seconds. Many requests of one session arrive
    /// together (a page and its assets, several tabs); one write is enough.
    fn claim_touch(&self, id_hash: &str, now: i64, every: i64) -> bool {
        let mut touched = self
            .touched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if touched.get(id_hash).is_some_and(|at| now - at < every) {
            return false;
        }
        if touched.len() >= 10_000 {
            touched.retain(|_, at| now - *at < every);
        }
        touched.insert(id_hash.to_string(), now);
        true
    }
}

impl AppState {
    pub fn new(store: DynStore, blobs: DynBlobStore, config: WebConfig) -> AppState {
        AppState {
            store,
            blobs,
            uploads: Arc::new(tokio::sync::Semaphore::new(
                config.max_uploads_in_flight.max(1),
            )),
            config: Arc::new(config),
            caches: Arc::new(Caches::default()),
        }
    }
}

/// Serves the application on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    spawn_session_sweeper(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Expired sessions are refused when presented; this removes their rows every ten minutes.
fn spawn_session_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        // The audit log's retention is counted in months: once a day is enough (and at start).
        let mut last_audit_purge: Option<tokio::time::Instant> = None;
        loop {
            tick.tick().await;
            let now = session::now();
            if last_audit_purge
                .is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(86_400))
            {
                last_audit_purge = Some(tokio::time::Instant::now());
                match state
                    .store
                    .purge_audit(now - portfolio_store::AUDIT_RETENTION_SECS)
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(
                        entries = n,
                        "journal d’audit : entrées de plus de 12 mois effacées"
                    ),
                    Err(e) => tracing::warn!(error = %e, "purge du journal d’audit impossible"),
                }
            }
            let cfg = &state.config;
            if let Err(e) = state
                .store
                .purge_sessions(now - cfg.idle_timeout_secs, now - cfg.absolute_timeout_secs)
                .await
            {
                tracing::warn!(error = %e, "purge des sessions expirées impossible");
            }
            // Files whose rows were removed (a réalisation or an artifact deleted).
            if let Err(e) =
                portfolio_store::blobs::drain_deletions(&state.store, state.blobs.as_ref()).await
            {
                tracing::warn!(error = %e, "suppression des fichiers en attente impossible");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::Caches;

    #[test]
    fn one_request_of_a_session_records_its_use_per_interval() {
        let caches = Caches::default();
        assert!(caches.claim_touch("a", 100, 60));
        assert!(!caches.claim_touch("a", 100, 60), "the same second");
        assert!(!caches.claim_touch("a", 159, 60), "within the interval");
        assert!(caches.claim_touch("b", 159, 60), "another session");
        assert!(caches.claim_touch("a", 160, 60), "the next interval");
    }
}
