//! The person's own account: what they hold, and changing their password.

use super::{DoneQuery, Form, layout, notice, render};
use crate::AppState;
use crate::error::AppResult;
use crate::password;
use crate::session::{self, Authenticated, SessionCtx, client_ip};
use crate::templates::{AccountPage, RoleSection};
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_store::{AuditEvent, NewSession};

fn account_page(ctx: &SessionCtx, error: Option<String>, done: Option<&str>) -> AccountPage {
    AccountPage {
        layout: layout(ctx),
        user: ctx.user.clone(),
        roles: ctx
            .actor
            .roles()
            .into_iter()
            .map(|role| RoleSection { role })
            .collect(),
        error,
        notice: notice(done),
    }
}

pub async fn page(
    Authenticated(ctx): Authenticated,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    Ok(render(&account_page(&ctx, None, q.done.as_deref()))?.into_response())
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let refuse = |message: String| -> AppResult<Response> {
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&account_page(&ctx, Some(message), None))?,
        )
            .into_response())
    };
    let ok = password::verify(form.current_password, ctx.user.password_hash.clone()).await?;
    if !ok {
        return refuse("Mot de passe actuel : il ne correspond pas à celui du compte.".into());
    }
    if form.new_password != form.confirm_password {
        return refuse(
            "Confirmation du nouveau mot de passe : elle diffère du nouveau mot de passe ; saisissez deux fois le même.".into(),
        );
    }
    let local = ctx
        .user
        .email
        .split('@')
        .next()
        .unwrap_or_default()
        .to_string();
    if let Err(e) = portfolio_domain::password::check(
        &form.new_password,
        &[&local, &ctx.user.first_name, &ctx.user.last_name],
    ) {
        return refuse(format!("Nouveau mot de passe : {e}."));
    }
    let hash = password::hash(form.new_password).await?;
    let now = session::now();
    // Ends every session, this one included; the person stays logged in through a new one.
    state
        .store
        .set_password_hash(ctx.user.id, &hash, now)
        .await?;
    let token = session::random_token(32);
    state
        .store
        .create_session(&NewSession {
            id_hash: session::hash_token(&token),
            user_id: ctx.user.id,
            csrf_token: session::random_token(32),
            now,
        })
        .await?;
    state
        .store
        .audit(&AuditEvent {
            at: now,
            actor_user_id: Some(ctx.user.id),
            action: "password.change",
            target: Some(format!("user:{}", ctx.user.id)),
            client_ip: client_ip(&parts),
            details: None,
        })
        .await?;
    let cfg = &state.config;
    let mut res = Redirect::to("/account?done=password").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        axum::http::HeaderValue::from_str(&cfg.cookie(cfg.session_cookie_name(), &token, None))
            .map_err(|e| anyhow::anyhow!("en-tête Set-Cookie invalide : {e}"))?,
    );
    Ok(res)
}
