//! Handlers, one module per area. Each one authenticates through an extractor, obtains its
//! capability from `portfolio_domain::access`, calls the store and renders.

pub mod account;
pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod browse;
pub mod class_dashboard;
pub mod conformity;
pub mod dashboard;
pub mod documents;
pub mod dossier;
pub mod evaluation;
pub mod exams;
pub mod internships;
pub mod jury;
pub mod portable;
pub mod public;

use crate::error::AppError;
use crate::session::SessionCtx;
use crate::templates::{BlockSummary, Layout, Notice};
use axum::extract::{FromRequest, Request};
use axum::response::Html;
use portfolio_framework::Track;
use serde::de::DeserializeOwned;

pub fn layout(ctx: &SessionCtx) -> Layout {
    Layout {
        user_name: Some(ctx.user.display_name()),
        csrf_token: ctx.csrf_token.clone(),
        is_admin: ctx.admin().is_some(),
    }
}

pub fn anonymous_layout(csrf_token: String) -> Layout {
    Layout {
        user_name: None,
        csrf_token,
        is_admin: false,
    }
}

pub fn render(t: &impl askama::Template) -> Result<Html<String>, AppError> {
    Ok(Html(t.render()?))
}

/// Messages shown after a redirect (`?done=…`): the code names the action that succeeded.
pub fn notice(done: Option<&str>) -> Option<Notice> {
    let text = match done? {
        "logout" => "Vous êtes déconnecté(e).",
        "password" => "Mot de passe modifié. Vos autres sessions ont été fermées.",
        "created" => "Compte créé.",
        "disabled" => "Compte désactivé : ses sessions ont été fermées.",
        "enabled" => "Compte réactivé.",
        "granted" => "Rôle ajouté.",
        "revoked" => "Rôle retiré.",
        "enrolled" => "Inscription enregistrée.",
        "school" => "Établissement ajouté.",
        "class" => "Classe ajoutée.",
        "expired" => "Votre session a expiré : reconnectez-vous.",
        _ => return None,
    };
    Some(Notice {
        ok: true,
        text: text.to_string(),
    })
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// The blocks of an option, summarised for the dashboard and the student page.
pub fn block_summaries(track: Track) -> Vec<BlockSummary> {
    portfolio_framework::bts_sio_2019()
        .blocks_for(track)
        .map(|b| BlockSummary {
            code: b.block.code.to_string(),
            title: b.block.title.to_string(),
            competencies: b.competencies.len(),
            skills: b.competencies.iter().map(|c| c.skills.len()).sum(),
        })
        .collect()
}

/// A url-encoded form whose rejection is a French message. Fields are `#[serde(default)]`
/// strings, checked by the handler, so the only failures left are a wrong content type or a
/// malformed body.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| Form(v))
            .map_err(|e| {
                AppError::bad_input(
                    "",
                    format!("formulaire illisible ({e}) : renvoyez-le depuis la page du site"),
                )
            })
    }
}

/// Parses an id from a path or a form, naming the field when it is not a number.
pub fn parse_id(field: &'static str, raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| AppError::bad_input(field, "un identifiant numérique est attendu"))
}

/// A download: the bytes, their type, and `Content-Disposition: attachment` with `file_name`
/// (ASCII, chosen by the server).
pub fn attachment(
    bytes: Vec<u8>,
    content_type: &'static str,
    file_name: &str,
) -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// Runs CPU-bound work (documents, archives) on the blocking pool, off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("tâche interrompue : {e}")))?
}
