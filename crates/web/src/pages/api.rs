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

// ---- The dossier ------------------------------------------------------------------------------

use super::browse::path_id;
use super::dossier::student_access;
use crate::AppState;
use crate::session::{SessionCtx, now};
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use portfolio_domain::access::{DossierEditCap, StudentCap};
use portfolio_domain::coverage::{BlockCoverage, Tagged, bloc2_code, block_coverage};
use portfolio_domain::realisation::RealisationForm;
use portfolio_framework::bts_sio_2019;
use portfolio_store::RealisationRecord;

async fn edit_cap(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    id: &str,
) -> Result<(StudentCap, DossierEditCap), ApiError> {
    let cap = student_access(state, ctx, parts, id).await?;
    match cap.edit() {
        Some(edit) => Ok((cap, edit)),
        None => Err(ApiError(
            crate::session::deny(
                state,
                ctx,
                parts.uri.path(),
                crate::session::client_ip(parts),
            )
            .await,
        )),
    }
}

/// Every problem of a form sent to the API, each with its field.
fn invalid(errors: Vec<portfolio_domain::input::InvalidInput>) -> Response {
    let list: Vec<_> = errors
        .iter()
        .map(|e| serde_json::json!({ "field": e.field, "message": e.message }))
        .collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(serde_json::json!({
            "error": "Saisie incorrecte",
            "message": "rien n’est enregistré : corrigez les champs indiqués",
            "errors": list,
        })),
    )
        .into_response()
}

/// The student's réalisations.
pub async fn realisations(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Vec<RealisationRecord>>, ApiError> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    Ok(Json(state.store.realisations(&cap).await?))
}

pub async fn realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
) -> Result<Json<RealisationRecord>, ApiError> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    Ok(Json(state.store.realisation(&cap, path_id(&rid)?).await?))
}

async fn track(state: &AppState, cap: &StudentCap) -> Result<portfolio_framework::Track, ApiError> {
    Ok(state.store.student_profile(cap).await?.student.track)
}

/// Creates a réalisation from a JSON `RealisationForm`; answers 201 with it.
pub async fn create_realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let (cap, edit) = edit_cap(&state, &ctx, &parts, &id).await?;
    let form = json_form(&body)?;
    let input = match form.parse(bts_sio_2019(), track(&state, &cap).await?) {
        Ok(input) => input,
        Err(errors) => return Ok(invalid(errors)),
    };
    let rid = state.store.create_realisation(&edit, &input, now()).await?;
    let record = state.store.realisation(&cap, rid).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

/// Replaces a réalisation with a JSON `RealisationForm`.
pub async fn update_realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let (cap, edit) = edit_cap(&state, &ctx, &parts, &id).await?;
    let rid = path_id(&rid)?;
    let form = json_form(&body)?;
    let input = match form.parse(bts_sio_2019(), track(&state, &cap).await?) {
        Ok(input) => input,
        Err(errors) => return Ok(invalid(errors)),
    };
    state
        .store
        .update_realisation(&edit, rid, &input, now())
        .await?;
    Ok(Json(state.store.realisation(&cap, rid).await?).into_response())
}

fn json_form(body: &[u8]) -> Result<RealisationForm, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError(AppError::bad_input(
            "",
            format!("corps JSON illisible ({e}) : attendu un objet avec title, start_date (AAAA-MM-JJ), end_date, setting, modality, skills…"),
        ))
    })
}

#[derive(Serialize)]
pub struct Coverage {
    bloc1: BlockCoverage,
    bloc2: BlockCoverage,
    bloc1_complete: bool,
    bloc2_complete: bool,
}

/// Coverage of Bloc 1 and of the option's Bloc 2 by the student's réalisations.
pub async fn coverage(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Coverage>, ApiError> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let track = track(&state, &cap).await?;
    let rs: Vec<Tagged> = state
        .store
        .realisations(&cap)
        .await?
        .into_iter()
        .map(|r| Tagged {
            id: r.id,
            skills: r.input.skills,
        })
        .collect();
    let of = |block: &str| {
        block_coverage(bts_sio_2019(), block, track, &rs).ok_or_else(|| {
            ApiError(AppError::Internal(anyhow::anyhow!(
                "bloc {block} absent du référentiel"
            )))
        })
    };
    let (bloc1, bloc2) = (of("B1")?, of(bloc2_code(track))?);
    Ok(Json(Coverage {
        bloc1_complete: bloc1.is_complete(),
        bloc2_complete: bloc2.is_complete(),
        bloc1,
        bloc2,
    }))
}

// ---- Internships ------------------------------------------------------------------------------

/// The student's internships.
pub async fn internships(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Vec<portfolio_store::InternshipRecord>>, ApiError> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    Ok(Json(state.store.internships(&cap).await?))
}

/// Records an internship from a JSON `InternshipForm`; answers 201 with it.
pub async fn create_internship(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let (cap, edit) = edit_cap(&state, &ctx, &parts, &id).await?;
    let form: portfolio_domain::internship_form::InternshipForm = serde_json::from_slice(&body)
        .map_err(|e| {
            ApiError(AppError::bad_input(
                "",
                format!("corps JSON illisible ({e}) : attendu un objet avec kind, organisation_name, start_date (AAAA-MM-JJ), end_date, year_of_training, tutor_name, tutor_email…"),
            ))
        })?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return Ok(invalid(errors)),
    };
    let iid = state.store.create_internship(&edit, &input, now()).await?;
    let record = state.store.internship(&cap, iid).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}
