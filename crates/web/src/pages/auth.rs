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
/// A browser stays a known device for a year after its last login (browsers cap at 400 days).
const DEVICE_COOKIE_MAX_AGE: i64 = 365 * 24 * 3600;

/// The wait imposed after `failures` failed logins of which `free` are allowed: none within the
/// allowance, then `base` seconds doubling with each further failure, at most `cap`. A delay,
/// never a lock: an attacker cannot keep an account or an address shut, only slow.
pub fn login_delay(failures: i64, free: i64, base: i64, cap: i64) -> i64 {
    if failures < free.max(1) {
        return 0;
    }
    let doublings = u32::try_from((failures - free.max(1)).min(20)).unwrap_or(20);
    base.saturating_mul(1_i64 << doublings).min(cap)
}

fn throttled_message(wait_secs: i64) -> String {
    let wait = if wait_secs < 60 {
        format!(
            "{wait_secs} seconde{}",
            if wait_secs > 1 { "s" } else { "" }
        )
    } else {
        let minutes = (wait_secs + 59) / 60;
        format!("{minutes} minute{}", if minutes > 1 { "s" } else { "" })
    };
    format!(
        "Trop de tentatives de connexion échouées pour ce compte ou depuis ce poste. Patientez {wait} avant de réessayer, ou demandez un nouveau mot de passe à l’administrateur."
    )
}

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
    let address = ip.as_deref().unwrap_or("inconnu");
    let account_key = format!("account:{typed}");
    let pair_key = format!("pair:{typed}|{address}");
    let client_key = format!("client:{address}");
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

    let user = match &email {
        Some(e) => store.user_by_email(e.as_str()).await?,
        None => None,
    };
    // A browser the account's owner logged in from before: the failures of others — on the
    // same account from elsewhere, or from the same address on any account — do not slow it.
    let device_token = session::cookie_value(&parts.headers, cfg.device_cookie_name())
        .filter(|t| t.len() <= 64)
        .map(str::to_string);
    let device_hash = device_token.as_deref().map(hash_token);
    let known_device = match (&user, &device_hash) {
        (Some(u), Some(h)) => store.is_known_device(h, u.id).await?,
        _ => false,
    };
    let device_key = device_hash
        .as_deref()
        .map(|h| format!("device:{h}|{typed}"))
        .filter(|_| known_device);
    let rules: Vec<(&str, i64)> = match &device_key {
        Some(key) => vec![(key.as_str(), cfg.login_free_failures_per_pair)],
        None => vec![
            (pair_key.as_str(), cfg.login_free_failures_per_pair),
            (account_key.as_str(), cfg.login_free_failures_per_account),
            (client_key.as_str(), cfg.login_free_failures_per_client),
        ],
    };
    let mut wait = 0;
    for (key, free) in &rules {
        let (failures, last) = store
            .login_failure_state(key, now, cfg.login_window_secs)
            .await?;
        let delay = login_delay(
            failures,
            *free,
            cfg.login_delay_base_secs,
            cfg.login_delay_cap_secs,
        );
        wait = wait.max(last + delay - now);
    }
    if wait > 0 {
        store
            .audit(&audit("login.throttled", None, Some(format!("{wait} s"))))
            .await?;
        return login_page(
            &state,
            form.email,
            Some(throttled_message(wait)),
            None,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .map(|mut res| {
            if let Ok(v) = axum::http::HeaderValue::from_str(&wait.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        });
    }

    let usable = user.as_ref().filter(|u| !u.disabled);
    // Verify even when there is no usable account, so both answers take the same time.
    let ok = password::verify(form.password, usable.and_then(|u| u.password_hash.clone())).await?;
    let Some(user) = usable.filter(|_| ok) else {
        for (key, _) in &rules {
            store
                .record_login_failure(key, now, cfg.login_window_secs)
                .await?;
        }
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

    for key in [&account_key, &pair_key] {
        store.clear_login_failures(key).await?;
    }
    if let Some(key) = &device_key {
        store.clear_login_failures(key).await?;
    }
    // This browser becomes (or stays) a known device of the account.
    let device_token = device_token.unwrap_or_else(|| random_token(32));
    store
        .remember_device(&hash_token(&device_token), user.id, now)
        .await?;
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
    headers.append(
        header::SET_COOKIE,
        cookie_header(&cfg.cookie(
            cfg.device_cookie_name(),
            &device_token,
            Some(DEVICE_COOKIE_MAX_AGE),
        ))?,
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

#[cfg(test)]
mod tests {
    use super::{login_delay, throttled_message};

    #[test]
    fn the_delay_grows_with_each_failure_and_stays_bounded() {
        let d = |n| login_delay(n, 5, 30, 900);
        assert_eq!([d(0), d(4)], [0, 0], "within the allowance");
        assert_eq!([d(5), d(6), d(7), d(8), d(9)], [30, 60, 120, 240, 480]);
        assert_eq!(
            [d(10), d(11), d(1_000_000)],
            [900, 900, 900],
            "capped, never a lock"
        );
    }

    #[test]
    fn the_wait_is_said_in_french() {
        assert!(throttled_message(1).contains("Patientez 1 seconde avant"));
        assert!(throttled_message(30).contains("Patientez 30 secondes avant"));
        assert!(throttled_message(61).contains("Patientez 2 minutes avant"));
    }
}
