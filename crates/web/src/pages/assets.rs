//! Static assets, the health check and the 404 page.

use crate::error::AppError;
use axum::http::header;
use axum::response::IntoResponse;

/// The cheapest route: no database, no session lookup beyond the cookie-less path.
pub async fn health() -> &'static str {
    "ok"
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
