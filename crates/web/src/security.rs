//! Security headers on every response, and the CSRF guard on every state-changing request.

use crate::AppState;
use crate::error::AppError;
use crate::session::{SessionCtx, cookie_value, same_token};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::sync::Arc;

/// The form field and the header that carry the CSRF token (forms, and htmx or fetch calls).
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest url-encoded form body read by the guard (a signed-in user's form).
const MAX_FORM_BYTES: usize = 1 << 20;

pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Middleware: adds the security headers; `no-store` on everything but static assets.
pub async fn headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    // The outermost layer resolves the client's address once, for the audit log and the login
    // throttle of every layer and handler after it.
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|ci| ci.0.ip());
    if let Some(peer) = peer {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let client = state.config.client_address(peer, forwarded);
        req.extensions_mut()
            .insert(crate::session::ClientAddr(client));
    }
    let secret_link = req.uri().path().starts_with("/p/") || req.uri().path().starts_with("/t/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler may set a stricter policy (downloads are sandboxed); the default covers the rest.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The tutor's link and the public link set `no-referrer` so that their secret URL never
    // leaves in a Referer header: a handler's stricter policy is kept.
    // Every answer under a secret link (its files too) is `no-referrer`, whatever the handler set.
    if secret_link {
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Middleware: every request that is not GET/HEAD/OPTIONS must come from our own pages and carry
/// the CSRF token of its session (or, for the login form, the token of the login cookie).
/// Anonymous requests to other routes pass through: they change nothing, their handler
/// answers with the login page without reading the body.
///
/// No body is read before the request is allowed: a refusal is answered at once and the unread
/// body is dropped (hyper then closes the connection rather than drain it). A url-encoded form
/// is read only when its declared size is within its small bound; a multipart upload is read
/// only as far as its first field, which must be the token (see [`multipart_token`]); the rest
/// of an upload is read by its handler, after the access check, streaming to the disk.
/// Refusals are written to the audit log (`csrf.refused`); under `/api/` they answer JSON.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if !same_origin(&req) {
        return refuse(&state, req, "requête d’un autre site").await;
    }
    let session_token = req
        .extensions()
        .get::<Arc<SessionCtx>>()
        .map(|ctx| ctx.csrf_token.clone());
    let anonymous = session_token.is_none();
    let expected = match session_token {
        Some(token) => token,
        // Anonymous forms — the login form and the tutor's link pages — carry the token of the
        // anonymous form cookie (double submit).
        None if req.uri().path() == "/login" || req.uri().path().starts_with("/t/") => {
            match cookie_value(req.headers(), state.config.login_cookie_name()) {
                Some(v) => v.to_string(),
                None => return refuse(&state, req, "cookie du formulaire absent").await,
            }
        }
        None => return next.run(req).await,
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_multipart = content_type.starts_with("multipart/form-data");
    let header_token = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|t| same_token(t, &expected));
    let req = if let Some(right) = header_token {
        if !right {
            return refuse(&state, req, "jeton invalide (en-tête)").await;
        }
        req
    } else if is_form {
        // Anonymous forms are small (the login form, a tutor's review of 20,000 characters).
        let (limit, message) = if anonymous {
            (
                MAX_ANONYMOUS_FORM_BYTES,
                "le formulaire envoyé est trop volumineux (256 Ko au plus)",
            )
        } else {
            (
                MAX_FORM_BYTES,
                "le formulaire envoyé est trop volumineux (1 Mo au plus)",
            )
        };
        if declared_length(&req).is_some_and(|n| n > limit as u64) {
            return too_large(&req, message);
        }
        let (parts, body) = req.into_parts();
        // Without a declared length (chunked), at most `limit` bytes are read.
        let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
            let req = Request::from_parts(parts, Body::empty());
            return too_large(&req, message);
        };
        let req = Request::from_parts(parts, Body::from(bytes.clone()));
        if !form_urlencoded_field(&bytes, CSRF_FIELD).is_some_and(|t| same_token(&t, &expected)) {
            return refuse(&state, req, "jeton invalide").await;
        }
        req
    } else if is_multipart && !anonymous {
        let Ok(boundary) = multer::parse_boundary(&content_type) else {
            return refuse(&state, req, "envoi de fichier mal formé").await;
        };
        let (parts, body) = req.into_parts();
        // A client that trickles its first field holds nothing but this small buffer, and not
        // for long; a browser sends it at once.
        let (token, body) =
            match tokio::time::timeout(TOKEN_FIELD_WAIT, multipart_token(body, &boundary)).await {
                Ok(found) => found,
                Err(_) => (None, Body::empty()),
            };
        let req = Request::from_parts(parts, body);
        if !token.is_some_and(|t| same_token(&t, &expected)) {
            return refuse(&state, req, "jeton invalide (envoi de fichier)").await;
        }
        req
    } else {
        // No anonymous form sends a file; anything else carries its token in the header.
        return refuse(&state, req, "jeton absent").await;
    };
    if !is_multipart {
        return next.run(req).await;
    }
    // An allowed upload: one permit while its handler receives it, or 503 before reading it.
    // Taken after the token check, so that forged uploads never hold a place.
    let Ok(permit) = state.uploads.clone().try_acquire_owned() else {
        tracing::warn!(path = %req.uri().path(), "envoi de fichier refusé : trop d’envois en cours");
        return error_response(req.uri(), AppError::UploadsBusy);
    };
    let res = next.run(req).await;
    drop(permit);
    res
}

/// Largest url-encoded body of an anonymous form (login, a tutor's review).
const MAX_ANONYMOUS_FORM_BYTES: usize = 256 * 1024;
/// How much of a multipart body is read, at most, to find its first field, the token.
const MAX_TOKEN_FIELD_BYTES: usize = 8 * 1024;
/// How long the first field may take to arrive.
const TOKEN_FIELD_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The `Content-Length` the client declared.
fn declared_length(req: &Request) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// `err` as the request's kind of client expects it: JSON under `/api/`, a page elsewhere.
fn error_response(uri: &axum::http::Uri, err: AppError) -> Response {
    if uri.path().starts_with("/api/") {
        err.into_json_response()
    } else {
        err.into_response()
    }
}

fn too_large(req: &Request, message: &'static str) -> Response {
    error_response(req.uri(), AppError::bad_input("", message))
}

/// Refuses a request for its CSRF token or origin, and records it in the audit log (who, from
/// where, what was asked, why). The body is dropped unread with the request.
async fn refuse(state: &AppState, req: Request, why: &'static str) -> Response {
    // The body goes unread; the parts say who asked what.
    let (req, _) = req.into_parts();
    let event = portfolio_store::AuditEvent {
        at: crate::session::now(),
        actor_user_id: req.extensions.get::<Arc<SessionCtx>>().map(|c| c.user.id),
        action: "csrf.refused",
        target: Some(format!("{} {}", req.method, req.uri.path())),
        client_ip: req
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|ci| ci.0.ip().to_string()),
        details: Some(why.to_string()),
    };
    if let Err(e) = state.store.audit(&event).await {
        tracing::error!(error = %e, "journal d’audit indisponible");
    }
    error_response(&req.uri, AppError::Csrf)
}

/// The token of a multipart body, read from its first field, and the body to hand on (what was
/// read, then the rest, unread).
///
/// Why the first field rather than the whole body or the URL: an HTML form cannot set a header,
/// and reading the body to find the token is what let a forged 200 MB upload fill the memory;
/// a token in the form's `action` would end up in access logs and proxies. Browsers send the
/// fields in document order and every upload form of ours puts the hidden `csrf_token` input
/// first (a test checks the templates), so at most [`MAX_TOKEN_FIELD_BYTES`] are read here.
async fn multipart_token(body: Body, boundary: &str) -> (Option<String>, Body) {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    let token = loop {
        match first_field(&buf, boundary).await {
            FirstField::Token(t) => break Some(t),
            FirstField::Other => break None,
            FirstField::Incomplete if buf.len() >= MAX_TOKEN_FIELD_BYTES => break None,
            FirstField::Incomplete => match stream.next().await {
                Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
                _ => break None,
            },
        }
    };
    let head = futures_util::stream::once(async move { Ok(axum::body::Bytes::from(buf)) });
    (token, Body::from_stream(head.chain(stream)))
}

enum FirstField {
    Token(String),
    /// The first field is something else (or there is none): no token.
    Other,
    /// More bytes are needed to tell.
    Incomplete,
}

async fn first_field(buf: &[u8], boundary: &str) -> FirstField {
    if buf.is_empty() {
        return FirstField::Incomplete;
    }
    let bytes = axum::body::Bytes::copy_from_slice(buf);
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some(CSRF_FIELD) => match field.text().await {
            Ok(t) => FirstField::Token(t),
            Err(_) => FirstField::Incomplete,
        },
        Ok(Some(_)) => FirstField::Other,
        Ok(None) => FirstField::Other,
        Err(_) => FirstField::Incomplete,
    }
}

/// A request is same-origin unless the browser says otherwise: `Sec-Fetch-Site: cross-site`, or
/// an `Origin` whose host differs from `Host`.
fn same_origin(req: &Request) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    // A page served with `Referrer-Policy: no-referrer` (the tutor's and the public links) makes
    // the browser send `Origin: null` with its own forms: then the browser's `Sec-Fetch-Site`
    // says whether the form is ours (the CSRF token is checked all the same). A browser too old
    // to send `Sec-Fetch-Site` is believed only under those links: no other page of ours can
    // produce an opaque origin.
    if origin == "null" {
        return match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            Some(site) => site == "same-origin",
            None => {
                let path = req.uri().path();
                path.starts_with("/t/") || path.starts_with("/p/")
            }
        };
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(o), Some(h)) if o == h)
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        let body = b"email=a%40b.fr&csrf_token=abc-_123&note=un+deux";
        assert_eq!(
            form_urlencoded_field(body, "csrf_token").as_deref(),
            Some("abc-_123")
        );
        assert_eq!(
            form_urlencoded_field(body, "email").as_deref(),
            Some("a@b.fr")
        );
        assert_eq!(
            form_urlencoded_field(body, "note").as_deref(),
            Some("un deux")
        );
        assert_eq!(form_urlencoded_field(body, "absent"), None);
    }

    fn post(path: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::HOST, "sio.example:8080");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).expect("request")
    }

    #[test]
    fn an_opaque_origin_is_ours_only_when_the_browser_says_so_or_under_a_secret_link() {
        let null = ("origin", "null");
        let same = ("sec-fetch-site", "same-origin");
        let cross = ("sec-fetch-site", "cross-site");
        assert!(same_origin(&post("/admin/schools", &[null, same])));
        assert!(!same_origin(&post("/admin/schools", &[null])));
        assert!(!same_origin(&post("/admin/schools", &[null, cross])));
        assert!(same_origin(&post("/t/jeton/semaines", &[null])));
        assert!(same_origin(&post("/p/jeton", &[null, same])));
        assert!(!same_origin(&post("/t/jeton/semaines", &[null, cross])));
        assert!(same_origin(&post(
            "/admin/schools",
            &[("origin", "http://sio.example:8080")]
        )));
        assert!(!same_origin(&post(
            "/admin/schools",
            &[("origin", "http://sio.example:8081")]
        )));
        assert!(same_origin(&post("/admin/schools", &[])));
    }
}
