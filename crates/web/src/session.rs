//! Login sessions stored in the database.
//!
//! The cookie carries 32 random bytes; the database keeps only their SHA-256, so a copy of the
//! database does not let anyone take over a session. The middleware [`load_session`] resolves
//! the cookie once per request, enforces the idle and absolute timeouts, and puts a
//! [`SessionCtx`] in the request for the extractors below.

use crate::AppState;
use crate::error::AppError;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use portfolio_domain::access::{Actor, AdminCap};
use portfolio_store::UserRecord;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// `bytes` random bytes from the OS generator, URL-safe base64.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // ThreadRng is a CSPRNG (ChaCha12) reseeded from the OS.
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The authenticated person behind a request.
#[derive(Debug)]
pub struct SessionCtx {
    pub id_hash: String,
    pub user: UserRecord,
    pub actor: Actor,
    pub csrf_token: String,
}

impl SessionCtx {
    pub fn admin(&self) -> Option<AdminCap> {
        self.actor.admin()
    }
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Middleware: resolves the session cookie into a [`SessionCtx`] request extension.
pub async fn load_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match resolve(&state, req.headers()).await {
        Ok(Some(ctx)) => {
            req.extensions_mut().insert(Arc::new(ctx));
        }
        Ok(None) => {}
        Err(e) => return axum::response::IntoResponse::into_response(e),
    }
    next.run(req).await
}

async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<SessionCtx>, AppError> {
    let Some(token) = cookie_value(headers, state.config.session_cookie_name()) else {
        return Ok(None);
    };
    let id_hash = hash_token(token);
    // Session, user and grants in one query: every request with a cookie pays for it.
    let Some(found) = state.store.session_actor(&id_hash).await? else {
        return Ok(None);
    };
    let record = found.session;
    let now = now();
    let cfg = &state.config;
    if now - record.last_seen_at > cfg.idle_timeout_secs
        || now - record.created_at > cfg.absolute_timeout_secs
    {
        state.store.delete_session(&id_hash).await?;
        return Ok(None);
    }
    // One write a minute at most per session, not one per request; more often when the idle
    // timeout is that short, or a session in use would expire between two writes.
    let touch_every = (cfg.idle_timeout_secs / 2).clamp(1, 60);
    if now - record.last_seen_at >= touch_every
        && state.caches.claim_touch(&id_hash, now, touch_every)
    {
        state.store.touch_session(&id_hash, now).await?;
    }
    Ok(Some(SessionCtx {
        id_hash,
        actor: Actor::new(found.user.id, found.grants),
        user: found.user,
        csrf_token: record.csrf_token,
    }))
}

/// Extractor: the request has a valid session (otherwise: redirect to the login page).
pub struct Authenticated(pub Arc<SessionCtx>);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Arc<SessionCtx>>()
            .cloned()
            .map(Authenticated)
            .ok_or(AppError::Unauthenticated {
                api: parts.uri.path().starts_with("/api/"),
            })
    }
}

/// Extractor: the session, if any.
pub struct MaybeAuthenticated(pub Option<Arc<SessionCtx>>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeAuthenticated {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeAuthenticated(
            parts.extensions.get::<Arc<SessionCtx>>().cloned(),
        ))
    }
}

/// Extractor: an authenticated admin. Runs before any body extractor, so a refused request is
/// refused whatever it carries.
pub struct Admin {
    pub ctx: Arc<SessionCtx>,
    pub cap: AdminCap,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Authenticated(ctx) = Authenticated::from_request_parts(parts, state).await?;
        match ctx.admin() {
            Some(cap) => Ok(Admin { ctx, cap }),
            None => Err(deny(state, &ctx, parts.uri.path(), client_ip(parts)).await),
        }
    }
}

/// Client address as seen by the server socket.
pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ClientAddr>()
        .map(|c| c.0)
        .or_else(|| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|ci| ci.0.ip())
        })
        .map(|ip| ip.to_string())
}

/// The client's address, resolved once per request by the outermost middleware from the peer
/// and, behind a trusted proxy, `X-Forwarded-For` (see [`WebConfig::client_address`]).
///
/// [`WebConfig::client_address`]: crate::config::WebConfig::client_address
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::IpAddr);

/// Records an authorization failure in the audit log and returns the error to answer with.
pub async fn deny(
    state: &AppState,
    ctx: &SessionCtx,
    target: &str,
    ip: Option<String>,
) -> AppError {
    let event = portfolio_store::AuditEvent {
        at: now(),
        actor_user_id: Some(ctx.user.id),
        action: "access.denied",
        target: Some(target.to_string()),
        client_ip: ip,
        details: None,
    };
    if let Err(e) = state.store.audit(&event).await {
        tracing::error!(error = %e, "journal d’audit indisponible");
    }
    AppError::Forbidden
}
