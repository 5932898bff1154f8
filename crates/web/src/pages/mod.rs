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
pub mod reclamation;

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
        // Every form goes through here, so the check on the raw text is made once for all
        // handlers: none can forget it, and serde's lossy decoding never sees bad bytes.
        let req = if req.method() == axum::http::Method::GET {
            req
        } else {
            let (parts, body) = req.into_parts();
            let bytes =
                axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                    .await
                    .map_err(|e| {
                        AppError::bad_input(
                            "",
                            format!(
                                "formulaire illisible ({e}) : renvoyez-le depuis la page du site"
                            ),
                        )
                    })?;
            check_form_text(&bytes)?;
            Request::from_parts(parts, axum::body::Body::from(bytes))
        };
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

/// The label a form shows for a field, to name it in a message (the key when unknown).
fn field_label(key: &str) -> (&'static str, &'static str) {
    const LABELS: &[(&str, &str)] = &[
        ("title", "Intitulé"),
        ("description", "Description"),
        ("email", "Adresse électronique"),
        ("password", "Mot de passe"),
        ("body", "Commentaire"),
        ("name", "Nom"),
        ("first_name", "Prénom"),
        ("last_name", "Nom"),
        ("organisation_name", "Organisation d’accueil"),
        ("organisation_address", "Adresse de l’organisation"),
        ("city", "Ville"),
        ("tutor_name", "Tuteur, tutrice : nom"),
        ("tutor_title", "Tuteur, tutrice : fonction"),
        ("tutor_email", "Tuteur, tutrice : adresse électronique"),
        ("objectives", "Objectifs de la convention"),
        ("personal_contribution", "Contribution personnelle"),
        ("reason", "Motif"),
        ("appreciation", "Appréciation"),
        ("environment", "Environnement technologique"),
        ("url", "Adresse du lien"),
        ("author_name", "Nom"),
    ];
    LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(k, l)| (*k, *l))
        .unwrap_or(("", ""))
}

/// Decodes one url-encoded key or value to bytes (`+` is a space; a stray `%` stays as is).
fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// Refuses a url-encoded body whose text is not UTF-8 or holds a control character (NUL, ESC,
/// DEL, C1…). Tabs and line breaks pass here: text areas keep them, and single-line fields
/// refuse them in their own parse ([`portfolio_domain::input::required_text`]).
pub fn check_form_text(body: &[u8]) -> Result<(), AppError> {
    check_form(body, true)
}

/// Refuses a url-encoded body whose text is not UTF-8, for handlers that read the pairs
/// themselves and check control characters in the domain's parse (with the form re-rendered).
pub fn check_form_utf8(body: &[u8]) -> Result<(), AppError> {
    check_form(body, false)
}

fn check_form(body: &[u8], controls: bool) -> Result<(), AppError> {
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let key = String::from_utf8_lossy(&percent_decode(key)).into_owned();
        let (field, label) = field_label(&key);
        let named = if label.is_empty() {
            format!(
                "Le champ « {} »",
                key.chars()
                    .filter(|c| !c.is_control())
                    .take(40)
                    .collect::<String>()
            )
        } else {
            format!("Le champ « {label} »")
        };
        let value = percent_decode(value);
        let Ok(text) = std::str::from_utf8(&value) else {
            return Err(AppError::bad_input(
                field,
                format!(
                    "{named} contient des octets qui ne sont pas du texte UTF-8 valide : retapez-le"
                ),
            ));
        };
        if !controls {
            continue;
        }
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(AppError::bad_input(
                field,
                format!(
                    "{named} contient un caractère de contrôle interdit (U+{:04X}) : retirez-le",
                    c as u32
                ),
            ));
        }
    }
    Ok(())
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
