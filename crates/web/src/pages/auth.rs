//! Login and logout.

use super::{DoneQuery, Form, anonymous_layout, notice, render};
use crate::error::{AppError, AppResult};
use crate::session::{self, MaybeAuthenticated, client_ip, hash_token, random_token};
use crate::templates::LoginPage;
use crate::{AppState, password};
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_domain::input::Email;
use portfolio_store::{AuditEvent, NewSession};

const BAD_CREDENTIALS: &str = "Adresse électronique ou mot de passe incorrect.";
const THROTTLED: &str = "Trop de tentatives de connexion échouées pour ce compte ou depuis ce poste. Patientez 15 minutes avant de réessayer, ou demandez un nouveau mot de passe à l’administrateur.";

pub async fn login_form(
    State(state): State<AppState>,
    MaybeAuthenticated(ctx): MaybeAuthenticated,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    if ctx.is_some() {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    login_page(
        &state,
        String::new(),
        None,
        notice(q.done.as_deref()),
        StatusCode::OK,
    )
}

/// The login form with a fresh double-submit token (cookie + hidden field).
fn login_page(
    state: &AppState,
    email: String,
    error: Option<String>,
    notice: Option<crate::templates::Notice>,
    status: StatusCode,
) -> AppResult<Response> {
    let token = random_token(24);
    let cookie = state
        .config
        .cookie(state.config.login_cookie_name(), &token, Some(3600));
    let page = LoginPage {
        layout: anonymous_layout(token),
        email,
        error,
        notice,
    };
    Ok((status, [(header::SET_COOKIE, cookie)], render(&page)?).into_response())
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let ip = client_ip(&parts);
    let now = session::now();
    let cfg = state.config.clone();
    let typed = form.email.trim().to_lowercase();
    let email = Email::parse("email", &typed).ok();
    let account_key = format!("account:{typed}");
    let client_key = format!("client:{}", ip.as_deref().unwrap_or("inconnu"));
    let store = &state.store;

    let audit = |action: &'static str, user_id: Option<i64>, details: Option<String>| AuditEvent {
        at: now,
        actor_user_id: user_id,
        action,
        // What was typed is logged only when it is an address: a password typed in the wrong
        // field must never reach the log.
        target: Some(
            email
                .as_ref()
                .map(|e| e.as_str().to_string())
                .unwrap_or_else(|| "(identifiant mal formé)".into()),
        ),
        client_ip: ip.clone(),
        details,
    };

    if store
        .login_failures(&account_key, now, cfg.login_window_secs)
        .await?
        >= cfg.login_max_failures_per_account
        || store
            .login_failures(&client_key, now, cfg.login_window_secs)
            .await?
            >= cfg.login_max_failures_per_client
    {
        store.audit(&audit("login.throttled", None, None)).await?;
        return login_page(
            &state,
            form.email,
            Some(THROTTLED.into()),
            None,
            StatusCode::TOO_MANY_REQUESTS,
        );
    }

    let user = match &email {
        Some(e) => store.user_by_email(e.as_str()).await?,
        None => None,
    };
    let usable = user.as_ref().filter(|u| !u.disabled);
    // Verify even when there is no usable account, so both answers take the same time.
    let ok = password::verify(form.password, usable.and_then(|u| u.password_hash.clone())).await?;
    let Some(user) = usable.filter(|_| ok) else {
        store
            .record_login_failure(&account_key, now, cfg.login_window_secs)
            .await?;
        store
            .record_login_failure(&client_key, now, cfg.login_window_secs)
            .await?;
        store
            .audit(&audit("login.failure", user.as_ref().map(|u| u.id), None))
            .await?;
        return login_page(
            &state,
            form.email,
            Some(BAD_CREDENTIALS.into()),
            None,
            StatusCode::UNAUTHORIZED,
        );
    };

    store.clear_login_failures(&account_key).await?;
    // A new session id at every login; a session the browser still carried is ended.
    if let Some(old) = session::cookie_value(&parts.headers, cfg.session_cookie_name()) {
        store.delete_session(&hash_token(old)).await?;
    }
    let token = random_token(32);
    store
        .create_session(&NewSession {
            id_hash: hash_token(&token),
            user_id: user.id,
            csrf_token: random_token(32),
            now,
        })
        .await?;
    store
        .audit(&audit("login.success", Some(user.id), None))
        .await?;
    let mut res = Redirect::to("/dashboard").into_response();
    let headers = res.headers_mut();
    headers.append(
        header::SET_COOKIE,
        cookie_header(&cfg.cookie(cfg.session_cookie_name(), &token, None))?,
    );
    headers.append(
        header::SET_COOKIE,
        cookie_header(&cfg.cookie(cfg.login_cookie_name(), "", Some(0)))?,
    );
    Ok(res)
}

fn cookie_header(value: &str) -> AppResult<axum::http::HeaderValue> {
    axum::http::HeaderValue::from_str(value)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("en-tête Set-Cookie invalide : {e}")))
}

pub async fn logout(
    State(state): State<AppState>,
    parts: Parts,
    session::Authenticated(ctx): session::Authenticated,
) -> AppResult<Response> {
    state.store.delete_session(&ctx.id_hash).await?;
    state
        .store
        .audit(&AuditEvent {
            at: session::now(),
            actor_user_id: Some(ctx.user.id),
            action: "logout",
            target: None,
            client_ip: client_ip(&parts),
            details: None,
        })
        .await?;
    let cfg = &state.config;
    let mut res = Redirect::to("/login?done=logout").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&cfg.cookie(cfg.session_cookie_name(), "", Some(0)))?,
    );
    Ok(res)
}
