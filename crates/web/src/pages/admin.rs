//! Administration: accounts, roles, schools, classes, the audit log. Every handler takes the
//! [`Admin`] extractor first, so a refused request is refused before its body is read.

use super::browse::path_id;
use super::{DoneQuery, Form, layout, notice, parse_id, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::password;
use crate::session::{self, Admin, client_ip};
use crate::templates::{
    AdminAuditPage, AdminSchoolsPage, AdminUserPage, AdminUsersPage, AuditChoice, AuditLine,
    Choice, GrantLine, NewUserForm, format_datetime,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_domain::input::{Email, Uai, required_text};
use portfolio_domain::role::{Grant, Role, ScopeKind};
use portfolio_domain::route::Route;
use portfolio_framework::Track;
use portfolio_store::{AuditEvent, Enrolment, NewClass, NewSchool, NewUser, UserRecord};

const USER_LIST_LIMIT: i64 = 200;

async fn audit(
    state: &AppState,
    admin: &Admin,
    parts: &Parts,
    action: &'static str,
    target: String,
) -> AppResult<()> {
    state
        .store
        .audit(&AuditEvent {
            at: session::now(),
            actor_user_id: Some(admin.ctx.user.id),
            action,
            target: Some(target),
            client_ip: client_ip(parts),
            details: None,
        })
        .await?;
    Ok(())
}

#[derive(serde::Deserialize, Default)]
pub struct UsersQuery {
    q: Option<String>,
    done: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<UsersQuery>,
) -> AppResult<Response> {
    users_page(
        &state,
        &admin,
        q.q.unwrap_or_default(),
        NewUserForm::default(),
        None,
        q.done.as_deref(),
        StatusCode::OK,
    )
    .await
}

async fn users_page(
    state: &AppState,
    admin: &Admin,
    query: String,
    form: NewUserForm,
    error: Option<String>,
    done: Option<&str>,
    status: StatusCode,
) -> AppResult<Response> {
    let users = state.store.search_users(&query, USER_LIST_LIMIT).await?;
    let page = AdminUsersPage {
        layout: layout(&admin.ctx),
        users,
        query,
        limit: USER_LIST_LIMIT,
        form,
        error,
        notice: notice(done),
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn create_user(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Form(form): Form<NewUserForm>,
) -> AppResult<Response> {
    let parsed = (|| -> Result<NewUser, AppError> {
        Ok(NewUser {
            email: Email::parse("email", &form.email)?.as_str().to_string(),
            first_name: required_text("first_name", "Le prénom", &form.first_name, 100)?,
            last_name: required_text("last_name", "Le nom", &form.last_name, 100)?,
            password_hash: None,
            created_at: session::now(),
        })
    })();
    let result = match parsed {
        Ok(new) => state.store.create_user(&new).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            audit(&state, &admin, &parts, "user.create", format!("user:{id}")).await?;
            Ok(Redirect::to(&format!("/admin/users/{id}?done=created")).into_response())
        }
        Err(AppError::BadInput { field, message }) => {
            let error = field_message(field, &message);
            users_page(
                &state,
                &admin,
                String::new(),
                form,
                Some(error),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// "Adresse électronique : …" — the French name of the field, then what is wrong.
fn field_message(field: &str, message: &str) -> String {
    let label = match field {
        "email" => "Adresse électronique",
        "first_name" => "Prénom",
        "last_name" => "Nom",
        "role" => "Rôle",
        "scope" => "Rattachement",
        "student_email" => "Étudiant(e) suivi(e)",
        "class_id" => "Classe",
        "route" => "Voie de formation",
        "candidate_number" => "N° candidat",
        "name" => "Nom",
        "city" => "Ville",
        "uai" => "Numéro UAI",
        "school_id" => "Établissement",
        "track" => "Option",
        "year_of_training" => "Année de formation",
        "session_year" => "Session d’examen",
        _ => return capitalise(message),
    };
    format!("{label} : {message}.")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub async fn user(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let user = load_user(&state, &id).await?;
    user_page(
        &state,
        &admin,
        user,
        None,
        None,
        q.done.as_deref(),
        StatusCode::OK,
    )
    .await
}

async fn load_user(state: &AppState, raw_id: &str) -> AppResult<UserRecord> {
    state
        .store
        .user(path_id(raw_id)?)
        .await?
        .ok_or(AppError::NotFound)
}

async fn user_page(
    state: &AppState,
    admin: &Admin,
    user: UserRecord,
    temporary_password: Option<String>,
    error: Option<String>,
    done: Option<&str>,
    status: StatusCode,
) -> AppResult<Response> {
    let store = &state.store;
    let grants = store.grants_of(user.id).await?;
    let classes = store.all_classes().await?;
    let schools = store.schools().await?;
    let sessions = store.exam_sessions().await?;
    let mut commissions = Vec::new();
    for s in &sessions {
        if let Some(cap) = admin.ctx.actor.exam_session(s.id) {
            for c in store.commissions_of_session(&cap).await? {
                commissions.push((s.label.clone(), c));
            }
        }
    }
    let tutored_ids: Vec<i64> = grants
        .iter()
        .filter(|g| g.role == Role::Tutor)
        .filter_map(|g| g.scope_id)
        .collect();
    let tutored = store.students_by_ids(&tutored_ids).await?;

    let scope_label = |g: &Grant| -> String {
        let Some(id) = g.scope_id else {
            return "—".into();
        };
        let found = match g.role.scope_kind() {
            ScopeKind::Class => classes
                .iter()
                .find(|c| c.id == id)
                .map(|c| format!("Classe {} — {}", c.name, c.school_name)),
            ScopeKind::School => schools.iter().find(|s| s.id == id).map(|s| s.name.clone()),
            ScopeKind::ExamSession => sessions
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.label.clone()),
            ScopeKind::Commission => commissions
                .iter()
                .find(|(_, c)| c.id == id)
                .map(|(s, c)| format!("{} — {s}", c.name)),
            ScopeKind::Student => tutored
                .iter()
                .find(|s| s.id == id)
                .map(|s| format!("{} {} ({})", s.first_name, s.last_name, s.class_name)),
            ScopeKind::Global => None,
        };
        found.unwrap_or_else(|| format!("n° {id}"))
    };

    let mut scope_choices = vec![Choice {
        value: String::new(),
        label: "— aucun (administration, ou tutorat : voir ci-dessous)".into(),
    }];
    scope_choices.extend(classes.iter().map(|c| Choice {
        value: format!("class:{}", c.id),
        label: format!("Classe {} — {} (enseignant)", c.name, c.school_name),
    }));
    scope_choices.extend(schools.iter().map(|s| Choice {
        value: format!("school:{}", s.id),
        label: format!("Établissement {} (chef d’établissement)", s.name),
    }));
    scope_choices.extend(commissions.iter().map(|(s, c)| Choice {
        value: format!("commission:{}", c.id),
        label: format!("{} — {s} (membre de commission)", c.name),
    }));
    scope_choices.extend(sessions.iter().map(|s| Choice {
        value: format!("exam_session:{}", s.id),
        label: format!("{} (président de jury)", s.label),
    }));

    let page = AdminUserPage {
        layout: layout(&admin.ctx),
        is_self: user.id == admin.ctx.user.id,
        grants: grants
            .iter()
            .map(|g| GrantLine {
                role: g.role,
                scope_id: g.scope_id,
                scope_label: scope_label(g),
            })
            .collect(),
        role_choices: Role::ALL
            .iter()
            .filter(|r| **r != Role::Student)
            .map(|r| Choice {
                value: r.as_str().into(),
                label: r.label().into(),
            })
            .collect(),
        scope_choices,
        class_choices: classes
            .iter()
            .map(|c| Choice {
                value: c.id.to_string(),
                label: format!(
                    "{} — {} ({}, session {})",
                    c.name,
                    c.school_name,
                    c.track.code(),
                    c.session_year
                ),
            })
            .collect(),
        route_choices: Route::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str().into(),
                label: r.label().into(),
            })
            .collect(),
        user,
        temporary_password,
        error,
        notice: notice(done),
    };
    Ok((status, render(&page)?).into_response())
}

/// Runs an admin action on a user; bad input re-renders the user's page with the message.
async fn user_action(
    state: &AppState,
    admin: &Admin,
    user: UserRecord,
    result: AppResult<&'static str>,
) -> AppResult<Response> {
    match result {
        Ok(done) => {
            Ok(Redirect::to(&format!("/admin/users/{}?done={done}", user.id)).into_response())
        }
        Err(AppError::BadInput { field, message }) => {
            let error = field_message(field, &message);
            user_page(
                state,
                admin,
                user,
                None,
                Some(error),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn disable_user(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let user = load_user(&state, &id).await?;
    let result = async {
        if user.id == admin.ctx.user.id {
            return Err(AppError::bad_input(
                "",
                "vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre administrateur",
            ));
        }
        state.store.set_disabled(user.id, true).await?;
        audit(&state, &admin, &parts, "user.disable", format!("user:{}", user.id)).await?;
        Ok("disabled")
    }
    .await;
    user_action(&state, &admin, user, result).await
}

pub async fn enable_user(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let user = load_user(&state, &id).await?;
    state.store.set_disabled(user.id, false).await?;
    audit(
        &state,
        &admin,
        &parts,
        "user.enable",
        format!("user:{}", user.id),
    )
    .await?;
    user_action(&state, &admin, user, Ok("enabled")).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let user = load_user(&state, &id).await?;
    let temporary = password::temporary_password();
    let hash = password::hash(temporary.clone()).await?;
    state
        .store
        .set_password_hash(user.id, &hash, session::now())
        .await?;
    audit(
        &state,
        &admin,
        &parts,
        "user.password_reset",
        format!("user:{}", user.id),
    )
    .await?;
    // Shown once, in the response to the POST; never stored in clear nor logged.
    user_page(
        &state,
        &admin,
        user,
        Some(temporary),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    scope_id: String,
    #[serde(default)]
    student_email: String,
}

/// Reads the role and its scope from the form: `scope` is `kind:id` from the select, a tutor's
/// student is named by e-mail, and the removal form sends the bare `scope_id`.
async fn parse_grant(state: &AppState, form: &GrantForm) -> AppResult<Grant> {
    let role: Role = form
        .role
        .parse()
        .map_err(|e: portfolio_domain::role::UnknownRole| {
            AppError::bad_input("role", e.to_string())
        })?;
    let scope_id = if role == Role::Tutor && !form.student_email.trim().is_empty() {
        let email = Email::parse("student_email", &form.student_email)?;
        let user = state
            .store
            .user_by_email(email.as_str())
            .await?
            .ok_or_else(|| {
                AppError::bad_input("student_email", "aucun compte n’a cette adresse")
            })?;
        Some(user.id)
    } else if !form.scope_id.trim().is_empty() {
        Some(parse_id("scope", &form.scope_id)?)
    } else if let Some((kind, id)) = form.scope.split_once(':') {
        let expected = match role.scope_kind() {
            ScopeKind::Class => "class",
            ScopeKind::School => "school",
            ScopeKind::Commission => "commission",
            ScopeKind::ExamSession => "exam_session",
            ScopeKind::Student | ScopeKind::Global => "",
        };
        if kind != expected {
            return Err(AppError::bad_input(
                "scope",
                format!(
                    "le rattachement choisi ne convient pas au rôle {} : choisissez {}",
                    role.label(),
                    match role.scope_kind() {
                        ScopeKind::Class => "une classe",
                        ScopeKind::School => "un établissement",
                        ScopeKind::Commission => "une commission",
                        ScopeKind::ExamSession => "une session d’examen",
                        ScopeKind::Student => "l’adresse de l’étudiant(e) suivi(e)",
                        ScopeKind::Global => "« aucun »",
                    }
                ),
            ));
        }
        Some(parse_id("scope", id)?)
    } else {
        None
    };
    Grant::new(role, scope_id).map_err(|e| AppError::bad_input("scope", e.to_string()))
}

pub async fn add_grant(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Path(id): Path<String>,
    Form(form): Form<GrantForm>,
) -> AppResult<Response> {
    let user = load_user(&state, &id).await?;
    let result = async {
        let grant = parse_grant(&state, &form).await?;
        state
            .store
            .add_grant(user.id, grant, session::now())
            .await?;
        audit(
            &state,
            &admin,
            &parts,
            "grant.add",
            format!("user:{} {}", user.id, crate::templates::grant_text(&grant)),
        )
        .await?;
        Ok("granted")
    }
    .await;
    user_action(&state, &admin, user, result).await
}

pub async fn remove_grant(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Path(id): Path<String>,
    Form(form): Form<GrantForm>,
) -> AppResult<Response> {
    let user = load_user(&state, &id).await?;
    let result = async {
        let grant = parse_grant(&state, &form).await?;
        if grant.role == Role::Admin && user.id == admin.ctx.user.id {
            return Err(AppError::bad_input(
                "role",
                "vous ne pouvez pas retirer votre propre rôle d’administration",
            ));
        }
        state.store.remove_grant(user.id, grant).await?;
        audit(
            &state,
            &admin,
            &parts,
            "grant.remove",
            format!("user:{} {}", user.id, crate::templates::grant_text(&grant)),
        )
        .await?;
        Ok("revoked")
    }
    .await;
    user_action(&state, &admin, user, result).await
}

#[derive(serde::Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    class_id: String,
    #[serde(default)]
    route: String,
    #[serde(default)]
    candidate_number: String,
}

pub async fn enrol(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Path(id): Path<String>,
    Form(form): Form<EnrolForm>,
) -> AppResult<Response> {
    let user = load_user(&state, &id).await?;
    let result = async {
        let class_id = parse_id("class_id", &form.class_id)?;
        let route: Route =
            form.route
                .parse()
                .map_err(|e: portfolio_domain::route::UnknownRoute| {
                    AppError::bad_input("route", e.to_string())
                })?;
        let candidate_number = match form.candidate_number.trim() {
            "" => None,
            n => Some(required_text("candidate_number", "Le n° candidat", n, 20)?),
        };
        state
            .store
            .enroll_student(
                user.id,
                &Enrolment {
                    class_id,
                    route,
                    candidate_number,
                },
            )
            .await?;
        audit(
            &state,
            &admin,
            &parts,
            "student.enrol",
            format!("user:{} class:{class_id}", user.id),
        )
        .await?;
        Ok("enrolled")
    }
    .await;
    user_action(&state, &admin, user, result).await
}

pub async fn schools(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    schools_page(&state, &admin, None, q.done.as_deref(), StatusCode::OK).await
}

async fn schools_page(
    state: &AppState,
    admin: &Admin,
    error: Option<String>,
    done: Option<&str>,
    status: StatusCode,
) -> AppResult<Response> {
    let page = AdminSchoolsPage {
        layout: layout(&admin.ctx),
        schools: state.store.schools().await?,
        classes: state.store.all_classes().await?,
        sessions: state.store.exam_sessions().await?,
        error,
        notice: notice(done),
    };
    Ok((status, render(&page)?).into_response())
}

async fn schools_action(
    state: &AppState,
    admin: &Admin,
    result: AppResult<&'static str>,
) -> AppResult<Response> {
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/admin/schools?done={done}")).into_response()),
        Err(AppError::BadInput { field, message }) => {
            let error = field_message(field, &message);
            schools_page(
                state,
                admin,
                Some(error),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize)]
pub struct SchoolForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    uai: String,
}

pub async fn create_school(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Form(form): Form<SchoolForm>,
) -> AppResult<Response> {
    let result = async {
        let school = NewSchool {
            name: required_text("name", "Le nom de l’établissement", &form.name, 200)?,
            city: required_text("city", "La ville", &form.city, 100)?,
            uai: match form.uai.trim() {
                "" => None,
                raw => Some(Uai::parse("uai", raw)?.as_str().to_string()),
            },
        };
        let id = state.store.create_school(&school, session::now()).await?;
        audit(
            &state,
            &admin,
            &parts,
            "school.create",
            format!("school:{id}"),
        )
        .await?;
        Ok("school")
    }
    .await;
    schools_action(&state, &admin, result).await
}

#[derive(serde::Deserialize)]
pub struct ClassForm {
    #[serde(default)]
    school_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    year_of_training: String,
    #[serde(default)]
    session_year: String,
}

pub async fn create_class(
    State(state): State<AppState>,
    admin: Admin,
    parts: Parts,
    Form(form): Form<ClassForm>,
) -> AppResult<Response> {
    let result = async {
        let class = NewClass {
            school_id: parse_id("school_id", &form.school_id)?,
            name: required_text("name", "Le nom de la classe", &form.name, 100)?,
            track: form.track.parse::<Track>().map_err(|_| {
                AppError::bad_input("track", "option inconnue : choisissez SISR ou SLAM")
            })?,
            year_of_training: match form.year_of_training.trim() {
                "1" => 1,
                "2" => 2,
                _ => {
                    return Err(AppError::bad_input(
                        "year_of_training",
                        "choisissez 1re ou 2e année",
                    ));
                }
            },
            session_year: form
                .session_year
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|y| (2020..=2100).contains(y))
                .ok_or_else(|| {
                    AppError::bad_input(
                        "session_year",
                        "une année entre 2020 et 2100 est attendue, par exemple 2027",
                    )
                })?,
        };
        let id = state.store.create_class(&class, session::now()).await?;
        audit(
            &state,
            &admin,
            &parts,
            "class.create",
            format!("class:{id}"),
        )
        .await?;
        Ok("class")
    }
    .await;
    schools_action(&state, &admin, result).await
}

/// Entries shown per page of the audit log.
const AUDIT_PAGE_SIZE: i64 = 100;

/// Every audit action with its French label, in the order of the filter's select. The families
/// (`login`, …) are listed too: the store reads a family as every `family.…` action.
pub const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("login", "Connexions (toutes)"),
    ("login.success", "Connexion réussie"),
    (
        "login.failure",
        "Connexion refusée (mot de passe ou compte)",
    ),
    ("login.throttled", "Connexion retardée (trop d’échecs)"),
    ("logout", "Déconnexion"),
    ("password.change", "Mot de passe changé"),
    ("access.denied", "Accès refusé"),
    ("csrf.refused", "Requête refusée (jeton CSRF)"),
    ("user", "Comptes (tout)"),
    ("user.create", "Compte créé"),
    ("user.disable", "Compte désactivé"),
    ("user.enable", "Compte réactivé"),
    ("user.password_reset", "Mot de passe réinitialisé"),
    ("grant", "Rôles (tout)"),
    ("grant.add", "Rôle attribué"),
    ("grant.remove", "Rôle retiré"),
    ("school.create", "Établissement créé"),
    ("class.create", "Classe créée"),
    ("student.enrol", "Candidat inscrit"),
    ("dossier", "Dossiers (tout)"),
    ("dossier.hand_in", "Dossier remis"),
    ("dossier.reopen", "Dossier rouvert"),
    ("evaluation", "Évaluations (tout)"),
    ("evaluation.amend", "Évaluation modifiée après visa"),
    (
        "evaluation.purge",
        "Évaluations purgées (fin de conservation)",
    ),
];

/// The French label of an audit action, or the code itself for an action not listed.
pub fn audit_label(action: &str) -> &str {
    AUDIT_ACTIONS
        .iter()
        .find(|(code, _)| *code == action)
        .map_or(action, |(_, label)| label)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
    #[serde(default)]
    after: String,
}

fn audit_date(raw: &str) -> Result<Option<time::Date>, String> {
    match raw.trim() {
        "" => Ok(None),
        s => time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| {
                format!("« {s} » n’est pas une date : attendu AAAA-MM-JJ, par exemple 2026-09-01")
            }),
    }
}

fn day_start(date: time::Date) -> i64 {
    date.midnight().assume_utc().unix_timestamp()
}

pub async fn audit_log(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let mut filter = portfolio_store::AuditFilter::default();
    let action = q.action.trim();
    if AUDIT_ACTIONS.iter().any(|(code, _)| *code == action) {
        filter.action = Some(action.to_owned());
    }
    let mut email_error = None;
    let email = q.email.trim();
    if !email.is_empty() {
        match state.store.user_by_email(&email.to_lowercase()).await? {
            Some(user) => filter.actor_user_id = Some(user.id),
            None => email_error = Some(format!("aucun compte n’a l’adresse « {email} »")),
        }
    }
    let (from_error, to_error);
    match audit_date(&q.from) {
        Ok(d) => {
            filter.from = d.map(day_start);
            from_error = None;
        }
        Err(e) => from_error = Some(e),
    }
    match audit_date(&q.to) {
        // « au » includes the whole day.
        Ok(d) => {
            filter.until = d.map(|d| day_start(d) + 24 * 3600);
            to_error = None;
        }
        Err(e) => to_error = Some(e),
    }
    filter.before_id = q.before.trim().parse::<i64>().ok();
    if filter.before_id.is_none() {
        filter.after_id = q.after.trim().parse::<i64>().ok();
    }
    // A filter in error shows nothing rather than a wider list than asked.
    let invalid = email_error.is_some() || from_error.is_some() || to_error.is_some();
    let records = if invalid {
        Vec::new()
    } else {
        // One more than a page tells whether there is a page beyond.
        state.store.audit_page(&filter, AUDIT_PAGE_SIZE + 1).await?
    };
    let paging_forward = filter.after_id.is_none();
    let mut records = records;
    let more = records.len() as i64 > AUDIT_PAGE_SIZE;
    if more {
        if paging_forward {
            records.pop();
        } else {
            records.remove(0);
        }
    }
    // Older entries exist past the last one shown when walking back and a page was cut, or
    // always when this page was reached through « plus récentes ».
    let older = (paging_forward && more) || (!paging_forward && !records.is_empty());
    // Newer entries exist when the page was reached by paging back, or cut walking forward.
    let newer = (paging_forward && filter.before_id.is_some()) || (!paging_forward && more);
    let mut keep = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("action", action),
        ("email", email),
        ("from", q.from.trim()),
        ("to", q.to.trim()),
    ] {
        if !value.is_empty() {
            keep.append_pair(key, value);
        }
    }
    let keep = keep.finish();
    let link = |key: &str, id: i64| {
        if keep.is_empty() {
            format!("/admin/audit?{key}={id}")
        } else {
            format!("/admin/audit?{keep}&{key}={id}")
        }
    };
    let older_link = older
        .then(|| records.last().map(|r| link("before", r.id)))
        .flatten();
    let newer_link = newer
        .then(|| records.first().map(|r| link("after", r.id)))
        .flatten();
    let events = records
        .into_iter()
        .map(|record| AuditLine {
            at: format_datetime(record.at),
            label: audit_label(&record.action).to_owned(),
            record,
        })
        .collect();
    let actions = AUDIT_ACTIONS
        .iter()
        .map(|(code, label)| AuditChoice {
            value: (*code).to_owned(),
            label: (*label).to_owned(),
            selected: *code == action,
        })
        .collect();
    let status = if invalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        render(&AdminAuditPage {
            layout: layout(&admin.ctx),
            events,
            actions,
            email: email.to_owned(),
            from: q.from.trim().to_owned(),
            to: q.to.trim().to_owned(),
            email_error,
            from_error,
            to_error,
            older_link,
            newer_link,
        })?,
    )
        .into_response())
}
