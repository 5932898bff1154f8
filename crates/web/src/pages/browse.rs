//! Read-only pages: the référentiels, a student's dossier, a class, a school, a commission,
//! an exam session.

use super::{layout, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, MaybeAuthenticated, client_ip, deny};
use crate::templates::{
    ClassPage, Framework2011Page, FrameworkPage, FrameworksPage, Layout, SchoolPage,
};
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::response::Html;
use portfolio_framework::Track;

/// A numeric id from the path; anything else is a page that does not exist.
pub fn path_id(raw: &str) -> AppResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or(AppError::NotFound)
}

fn optional_layout(ctx: &MaybeAuthenticated) -> Layout {
    match &ctx.0 {
        Some(ctx) => layout(ctx),
        None => super::anonymous_layout(String::new()),
    }
}

pub async fn frameworks(ctx: MaybeAuthenticated) -> AppResult<Html<String>> {
    let fw = portfolio_framework::bts_sio_2019();
    let old = portfolio_framework::bts_sio_2011();
    render(&FrameworksPage {
        layout: optional_layout(&ctx),
        sio2019_title: fw.title.clone(),
        sio2019_version: fw.version.clone(),
        sio2011_title: old.title.clone(),
    })
}

#[derive(serde::Deserialize)]
pub struct TrackQuery {
    track: Option<String>,
}

pub async fn framework(
    ctx: MaybeAuthenticated,
    Path(id): Path<String>,
    Query(q): Query<TrackQuery>,
) -> AppResult<Html<String>> {
    let track =
        match q.track.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => Some(t.parse::<Track>().map_err(|_| {
                AppError::bad_input("track", "option inconnue : attendu sisr ou slam")
            })?),
        };
    match id.as_str() {
        "bts-sio-2019" => {
            let fw = portfolio_framework::bts_sio_2019();
            render(&FrameworkPage {
                layout: optional_layout(&ctx),
                fw,
                track,
                blocks: fw
                    .blocks
                    .iter()
                    .filter(|b| track.is_none_or(|t| b.applies_to(t)))
                    .collect(),
            })
        }
        "bts-sio-2011" => render(&Framework2011Page {
            layout: optional_layout(&ctx),
            fw: portfolio_framework::bts_sio_2011(),
        }),
        _ => Err(AppError::NotFound),
    }
}

pub async fn class(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let id = path_id(&id)?;
    let facts = state.store.class_facts(id).await?;
    let Some(cap) = facts.as_ref().and_then(|f| ctx.actor.class(f)) else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    render(&ClassPage {
        layout: layout(&ctx),
        class: state.store.class(&cap).await?,
        roster: state.store.class_roster(&cap).await?,
        teachers: state.store.class_teachers(&cap).await?,
        can_open_dossiers: cap.can_open_dossiers(),
    })
}

pub async fn school(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let id = path_id(&id)?;
    let Some(cap) = ctx.actor.school(id) else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    render(&SchoolPage {
        layout: layout(&ctx),
        school: state.store.school(&cap).await?,
        classes: state.store.classes_of_school(&cap).await?,
    })
}
