//! Réclamations (002: the fiche d'appréciation « sera portée à la connaissance de la personne
//! candidate en cas de réclamation »): the candidate asks after the deliberation, the jury
//! president or the head of school sends the copy without the mark; every step is dated and
//! audited. An académie may publish every fiche of a session instead.

use super::browse::path_id;
use super::{Form, layout, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, SessionCtx, client_ip, deny, now};
use crate::templates::{Layout, Notice, format_datetime};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_domain::access::StudentFacts;
use portfolio_store::{ReclamationRecord, StoreError};

/// Where a candidate's réclamation stands in one session, as their fiches page shows it.
pub struct ReclamationLine {
    pub exam_session_id: i64,
    pub session: String,
    /// « demandée le … », empty before the request.
    pub requested: String,
    /// « transmise le … par … », empty before.
    pub sent: String,
    /// The académie publishes the session's fiches: nothing to ask.
    pub published: bool,
}

impl ReclamationLine {
    fn of(r: &ReclamationRecord) -> ReclamationLine {
        ReclamationLine {
            exam_session_id: r.exam_session_id,
            session: r.session_label.clone(),
            requested: r.requested_at.map(format_datetime).unwrap_or_default(),
            sent: match (r.sent_at, &r.sent_by) {
                (Some(at), Some(by)) => format!("{} par {by}", format_datetime(at)),
                (Some(at), None) => format_datetime(at),
                _ => String::new(),
            },
            published: r.published,
        }
    }
}

/// The candidate's réclamations, for their own fiches page (nothing for anyone else).
pub async fn candidate_lines(
    state: &AppState,
    ctx: &SessionCtx,
    facts: &StudentFacts,
) -> AppResult<Vec<ReclamationLine>> {
    let Some(cap) = ctx.actor.reclamation_request(facts) else {
        return Ok(Vec::new());
    };
    Ok(state
        .store
        .candidate_reclamations(&cap)
        .await?
        .iter()
        .map(ReclamationLine::of)
        .collect())
}

#[derive(serde::Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    exam_session: String,
}

/// The candidate asks for their fiche d'appréciation in one session.
pub async fn request(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    let student_id = path_id(&id)?;
    let facts = state.store.student_facts(student_id).await?;
    let Some(cap) = facts
        .as_ref()
        .and_then(|f| ctx.actor.reclamation_request(f))
    else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    let session_id = form.exam_session.trim().parse::<i64>().map_err(|_| {
        AppError::bad_input(
            "exam_session",
            "Choisissez la session de votre réclamation.",
        )
    })?;
    match state.store.request_appraisal(&cap, session_id, now()).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => {
            return Err(AppError::bad_input(
                "exam_session",
                "Aucune fiche d'appréciation de cette session ne peut encore être demandée : \
                 la réclamation est possible après la délibération du jury, pour une épreuve passée.",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/students/{student_id}/appraisals?done=asked")).into_response())
}

/// A réclamation as the desk lists it.
pub struct DeskLine {
    pub exam_session_id: i64,
    pub student_id: i64,
    pub candidate: String,
    pub school: String,
    pub class_name: String,
    pub session: String,
    pub requested: String,
    pub sent: String,
}

#[derive(Template)]
#[template(path = "pages/reclamations.html")]
pub struct ReclamationsPage {
    pub layout: Layout,
    pub notice: Option<Notice>,
    pub error: Option<String>,
    pub waiting: Vec<DeskLine>,
    pub answered: Vec<DeskLine>,
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The réclamations the jury president or the head of school answers: waiting ones first.
pub async fn desk(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Query(query): Query<DoneQuery>,
) -> AppResult<Response> {
    let Some(cap) = ctx.actor.reclamation_desk() else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    let (answered, waiting): (Vec<DeskLine>, Vec<DeskLine>) = state
        .store
        .reclamations(&cap)
        .await?
        .iter()
        .map(|r| {
            let line = ReclamationLine::of(r);
            DeskLine {
                exam_session_id: r.exam_session_id,
                student_id: r.student_id,
                candidate: format!("{} {}", r.last_name, r.first_name),
                school: r.school_name.clone(),
                class_name: r.class_name.clone(),
                session: r.session_label.clone(),
                requested: line.requested,
                sent: line.sent,
            }
        })
        .partition(|l| !l.sent.is_empty());
    let notice = match query.done.as_deref() {
        Some("sent") => Some(Notice {
            ok: true,
            text: "Copie de la fiche d'appréciation transmise : la personne candidate la consulte \
                   désormais dans son espace, sans la note."
                .into(),
        }),
        _ => None,
    };
    render(&ReclamationsPage {
        layout: layout(&ctx),
        notice,
        error: None,
        waiting,
        answered,
    })
    .map(IntoResponse::into_response)
}

/// Sends the candidate the copy of their fiche, without the mark.
pub async fn send(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, sid)): Path<(String, String)>,
) -> AppResult<Response> {
    let session_id = path_id(&id)?;
    let student_id = path_id(&sid)?;
    let facts = state.store.student_facts(student_id).await?;
    let Some(cap) = facts
        .as_ref()
        .and_then(|f| ctx.actor.reclamation_answer(session_id, f))
    else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    match state
        .store
        .send_appraisal(&cap, ctx.actor.user_id(), now())
        .await
    {
        Ok(()) => Ok(Redirect::to("/reclamations?done=sent").into_response()),
        Err(StoreError::NotFound) => Err(AppError::bad_input(
            "",
            "Cette personne candidate n'a pas demandé sa fiche d'appréciation pour cette session.",
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct PublicationForm {
    #[serde(default)]
    published: String,
}

/// The académie's setting: every fiche of the session published after the deliberation, or
/// fiches sent on réclamation only.
pub async fn set_publication(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<PublicationForm>,
) -> AppResult<Response> {
    let session_id = path_id(&id)?;
    let Some(cap) = ctx.actor.appraisal_publication(session_id) else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    let published = match form.published.as_str() {
        "1" => true,
        "0" => false,
        _ => {
            return Err(AppError::bad_input(
                "published",
                "Choisissez comment les fiches d'appréciation sont communiquées.",
            ));
        }
    };
    state
        .store
        .set_appraisals_published(&cap, published, ctx.actor.user_id(), now())
        .await?;
    Ok(Redirect::to(&format!("/exam-sessions/{session_id}?done=publication")).into_response())
}
