//! The JSON API (`/api/v1`).

use crate::error::{ApiError, AppError};
use crate::session::Authenticated;
use axum::Json;
use axum::extract::Path;
use portfolio_domain::role::Grant;
use serde::Serialize;

/// A référentiel as JSON: `bts-sio-2019` or `bts-sio-2011`. Public, like the regulation.
pub async fn framework(Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let value = match id.as_str() {
        "bts-sio-2019" => serde_json::to_value(portfolio_framework::bts_sio_2019()),
        "bts-sio-2011" => serde_json::to_value(portfolio_framework::bts_sio_2011()),
        _ => return Err(ApiError(AppError::NotFound)),
    }
    .map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("sérialisation du référentiel"))
    })?;
    Ok(Json(value))
}

#[derive(Serialize)]
pub struct Me {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    grants: Vec<Grant>,
}

/// The authenticated person and their grants.
pub async fn me(Authenticated(ctx): Authenticated) -> Json<Me> {
    Json(Me {
        id: ctx.user.id,
        email: ctx.user.email.clone(),
        first_name: ctx.user.first_name.clone(),
        last_name: ctx.user.last_name.clone(),
        grants: ctx.actor.grants().to_vec(),
    })
}
