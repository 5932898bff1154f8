//! Security headers on every response, and the CSRF guard on every state-changing request.

use crate::AppState;
use crate::error::AppError;
use crate::session::{SessionCtx, cookie_value, same_token};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The form field and the header that carry the CSRF token (forms, and htmx or fetch calls).
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest url-encoded form body read by the guard.
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
/// answers with the login page.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if !same_origin(&req) {
        return AppError::Csrf.into_response();
    }
    let expected = match req.extensions().get::<Arc<SessionCtx>>() {
        Some(ctx) => ctx.csrf_token.clone(),
        // Anonymous forms — the login form and the tutor's link pages — carry the token of the
        // anonymous form cookie (double submit).
        None if req.uri().path() == "/login" || req.uri().path().starts_with("/t/") => {
            match cookie_value(req.headers(), state.config.login_cookie_name()) {
                Some(v) => v.to_string(),
                None => return AppError::Csrf.into_response(),
            }
        }
        None => return next.run(req).await,
    };
    if let Some(token) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if same_token(token, &expected) {
            next.run(req).await
        } else {
            AppError::Csrf.into_response()
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_multipart = content_type.starts_with("multipart/form-data");
    if !is_form && !is_multipart {
        return AppError::Csrf.into_response();
    }
    // Uploads are read whole here (they are bounded by the upload limit) to find their token.
    let limit = if !is_multipart {
        MAX_FORM_BYTES
    } else if parts_path_is_import(req.uri().path()) {
        crate::pages::portable::IMPORT_LIMIT
    } else {
        crate::routes::UPLOAD_LIMIT
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return AppError::bad_input(
                "",
                if is_multipart {
                    "le fichier envoyé est trop volumineux (20 Mo au plus)"
                } else {
                    "le formulaire envoyé est trop volumineux (1 Mo au plus)"
                },
            )
            .into_response();
        }
    };
    let token = if is_multipart {
        multipart_field(bytes.clone(), &content_type, CSRF_FIELD).await
    } else {
        form_urlencoded_field(&bytes, CSRF_FIELD)
    };
    if !token.is_some_and(|t| same_token(&t, &expected)) {
        return AppError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The import of a whole dossier is the one form allowed a body as large as the storage quota.
fn parts_path_is_import(path: &str) -> bool {
    path.starts_with("/students/") && path.ends_with("/import")
}

/// The text of field `name` of a multipart body.
async fn multipart_field(
    body: axum::body::Bytes,
    content_type: &str,
    name: &str,
) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
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
}
