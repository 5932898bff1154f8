//! Internships and the follow-up platform of annexe III.B: the student records their periods and
//! writes weekly reports; teachers and tutors write reviews and confirm certificates; a tutor
//! without an account works through a single-purpose, expiring link.

use super::browse::path_id;
use super::dossier::{receive_file, site_url, student_access};
use super::{Form, layout, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, client_ip, cookie_value, deny, hash_token, now, random_token};
use crate::templates::{
    Choice, InternshipView, InternshipsPage, Notice, TutorPage, format_datetime,
};
use axum::extract::{Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_domain::access::{
    DossierEditCap, FollowUpCap, InternshipReviewCap, ReviewAuthor, ReviewCap, StudentCap,
    through_tutor_link,
};
use portfolio_domain::artifact::file_type;
use portfolio_domain::dossier::short_date;
use portfolio_domain::internship::{
    self, CandidateFacts, CertificateState as RuleCertificate, InternshipPeriod, PeriodKind,
    TrainingYear, Verdict,
};
use portfolio_domain::internship_form::{InternshipForm, PlacementKind};
use portfolio_domain::route::Route;
use portfolio_store::{CertificateState, InternshipRecord, InternshipSummary};
use time::Date;

fn notice_for(done: Option<&str>) -> Option<Notice> {
    let text = match done? {
        "created" => "Période enregistrée.",
        "updated" => "Modifications enregistrées.",
        "deleted" => "Période supprimée, avec ses rapports et ses bilans.",
        "report" => "Rapport de la semaine enregistré.",
        "review" => "Bilan enregistré.",
        "certificate" => "Scan de l’attestation déposé : il reste à confirmer qu’elle est signée.",
        "confirmed" => "Attestation confirmée comme signée.",
        "revoked" => "Lien du tuteur révoqué.",
        "facts" => "Informations du candidat enregistrées.",
        "decision" => "Décision de conformité enregistrée.",
        _ => return None,
    };
    Some(Notice {
        ok: true,
        text: text.into(),
    })
}

/// What a page shows of an internship, with its reports and reviews.
async fn view(
    state: &AppState,
    r: InternshipRecord,
    links: Vec<portfolio_store::TutorLinkRecord>,
    follow_up: Option<FollowUpCap>,
) -> AppResult<InternshipView> {
    let (reports, reviews) = match follow_up {
        Some(cap) => (
            state.store.weekly_reports(&cap, r.id).await?,
            state.store.internship_reviews(&cap, r.id).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let reports = reports
        .into_iter()
        .map(|w| (short_date(w.week_start), w.body))
        .collect();
    let reviews = reviews
        .into_iter()
        .map(|v| {
            let who = match v.author {
                ReviewAuthor::Teacher => format!("{} (enseignant·e)", v.author_name),
                ReviewAuthor::Tutor => format!("{} (tuteur, tutrice)", v.author_name),
            };
            (who, format_datetime(v.created_at), v.body)
        })
        .collect();
    let t = now();
    Ok(InternshipView {
        period: r.input.period.short(),
        kind: r.input.kind.label(),
        certificate: r.certificate_state.label(),
        certificate_label: r.input.kind.certificate_label(),
        signed_by: match (r.certificate_state, r.certificate_signed_by) {
            (CertificateState::Signed, Some(ReviewAuthor::Tutor)) => {
                Some("confirmée par le tuteur".into())
            }
            (CertificateState::Signed, Some(ReviewAuthor::Teacher)) => {
                Some("vérifiée par l’équipe pédagogique".into())
            }
            _ => None,
        },
        links: links
            .into_iter()
            .map(|l| {
                let active = l.revoked_at.is_none() && t < l.expires_at;
                let text = match l.revoked_at {
                    Some(at) => format!(
                        "lien du {} — révoqué le {}",
                        format_datetime(l.created_at),
                        format_datetime(at)
                    ),
                    None if active => format!(
                        "lien du {} — valable jusqu’au {}",
                        format_datetime(l.created_at),
                        format_datetime(l.expires_at)
                    ),
                    None => format!("lien du {} — expiré", format_datetime(l.created_at)),
                };
                (l.id, text, active)
            })
            .collect(),
        reports,
        reviews,
        r,
    })
}

/// The internship form as it is shown: blank, being edited, or sent back with its errors.
struct FormState {
    form: InternshipForm,
    editing: Option<i64>,
    errors: Vec<String>,
}

impl FormState {
    fn blank(form: InternshipForm) -> FormState {
        FormState {
            form,
            editing: None,
            errors: Vec::new(),
        }
    }
}

async fn page(
    state: &AppState,
    ctx: &crate::session::SessionCtx,
    cap: &StudentCap,
    f: FormState,
    done: Option<&str>,
    new_tutor_link: Option<String>,
) -> AppResult<InternshipsPage> {
    let FormState {
        form,
        editing,
        errors,
    } = f;
    let profile = state.store.student_profile(cap).await?;
    let is_teacher = cap.review().is_some();
    let records = state.store.internships(cap).await?;
    let recorded = state.store.candidate_facts(cap).await?;
    let summaries: Vec<InternshipSummary> = records.iter().map(InternshipRecord::summary).collect();
    let rules = verdict(profile.student.route, recorded.as_ref(), &summaries);
    let sessions = super::conformity::candidate_view(
        state,
        cap,
        profile.student.route,
        profile.student.track,
        &rules,
    )
    .await?;
    let mut internships = Vec::new();
    for r in records {
        let links = if is_teacher {
            state.store.tutor_links(cap, r.id).await?
        } else {
            Vec::new()
        };
        // The weekly reports and reviews are the follow-up of the draft: not for the readers of
        // the handed-in dossier (the policy gives them no follow-up capability).
        internships.push(view(state, r, links, cap.follow_up()).await?);
    }
    let today = time::OffsetDateTime::now_utc().date();
    Ok(InternshipsPage {
        layout: layout(ctx),
        student_id: cap.student_id(),
        student_name: format!(
            "{} {}",
            profile.student.first_name, profile.student.last_name
        ),
        is_owner: cap.can_edit(),
        is_teacher,
        can_review: cap.internship_review().is_some(),
        internships,
        form,
        editing,
        kinds: PlacementKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().into(),
                label: k.label().into(),
            })
            .collect(),
        errors,
        notice: notice_for(done),
        new_tutor_link,
        this_monday: portfolio_domain::realisation::iso(monday(today)),
        verdict: rules,
        facts: recorded.unwrap_or_default(),
        sessions,
    })
}

/// The periods as the rules of annexe III.B read them.
pub fn rule_periods(records: &[InternshipSummary]) -> Vec<InternshipPeriod> {
    records
        .iter()
        .map(|r| InternshipPeriod {
            organisation: r.organisation_name.clone(),
            period: r.period,
            year_of_training: TrainingYear::from_number(r.year_of_training)
                .unwrap_or(TrainingYear::First),
            kind: match r.kind {
                PlacementKind::Internship => PeriodKind::Internship,
                PlacementKind::Employment => PeriodKind::Employment {
                    full_time: r.full_time,
                },
                PlacementKind::Apprenticeship => PeriodKind::ApprenticeshipContract,
            },
            certificate: match r.certificate_state {
                CertificateState::Missing => RuleCertificate::Missing,
                CertificateState::Unsigned => RuleCertificate::Unsigned,
                CertificateState::Signed => RuleCertificate::Signed,
            },
        })
        .collect()
}

/// The facts the rules read, from what the teaching team recorded (unknown codes are ignored:
/// the database only holds the ones its checks allow).
pub fn candidate_facts(
    route: Route,
    recorded: Option<&portfolio_store::CandidateFactsRecord>,
) -> CandidateFacts {
    fn code<T: serde::de::DeserializeOwned>(v: &Option<String>) -> Option<T> {
        v.as_ref()
            .and_then(|c| serde_json::from_value(serde_json::Value::String(c.clone())).ok())
    }
    let mut facts = CandidateFacts::new(route);
    if let Some(r) = recorded {
        facts.continuing_education = code(&r.continuing_education);
        facts.distance_status = code(&r.distance_status);
        facts.exam_date = r.exam_date;
        facts.reduced_duration =
            code::<internship::ReductionReason>(&r.reduction_reason).map(|reason| {
                internship::ReducedDuration {
                    reason,
                    positioning_request: r.positioning_request,
                }
            });
    }
    facts
}

/// The verdict of annexe III.B for a candidate with these facts and periods.
pub fn verdict(
    route: Route,
    recorded: Option<&portfolio_store::CandidateFactsRecord>,
    records: &[InternshipSummary],
) -> Verdict {
    internship::evaluate(&candidate_facts(route, recorded), &rule_periods(records))
}

fn monday(d: Date) -> Date {
    d - time::Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

fn new_form(cap_route_apprentice: bool) -> InternshipForm {
    InternshipForm {
        kind: if cap_route_apprentice {
            "apprenticeship"
        } else {
            "internship"
        }
        .into(),
        year_of_training: "1".into(),
        full_time: "1".into(),
        ..InternshipForm::default()
    }
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let apprentice = state.store.student_profile(&cap).await?.student.route
        == portfolio_domain::route::Route::Apprenticeship;
    let p = page(
        &state,
        &ctx,
        &cap,
        FormState::blank(new_form(apprentice)),
        q.done.as_deref(),
        None,
    )
    .await?;
    Ok(render(&p)?.into_response())
}

async fn edit_access(
    state: &AppState,
    ctx: &crate::session::SessionCtx,
    parts: &Parts,
    id: &str,
) -> AppResult<(StudentCap, DossierEditCap)> {
    let cap = student_access(state, ctx, parts, id).await?;
    match cap.edit() {
        Some(e) => Ok((cap, e)),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

async fn teacher_access(
    state: &AppState,
    ctx: &crate::session::SessionCtx,
    parts: &Parts,
    id: &str,
) -> AppResult<(StudentCap, ReviewCap)> {
    let cap = student_access(state, ctx, parts, id).await?;
    match cap.review() {
        Some(r) => Ok((cap, r)),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

async fn reviewer_access(
    state: &AppState,
    ctx: &crate::session::SessionCtx,
    parts: &Parts,
    id: &str,
) -> AppResult<(StudentCap, InternshipReviewCap)> {
    let cap = student_access(state, ctx, parts, id).await?;
    match cap.internship_review() {
        Some(r) => Ok((cap, r)),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

fn back(cap: &StudentCap, done: &str) -> Response {
    Redirect::to(&format!(
        "/students/{}/internships?done={done}",
        cap.student_id()
    ))
    .into_response()
}

async fn invalid(
    state: &AppState,
    ctx: &crate::session::SessionCtx,
    cap: &StudentCap,
    form: InternshipForm,
    editing: Option<i64>,
    errors: Vec<String>,
) -> AppResult<Response> {
    let p = page(
        state,
        ctx,
        cap,
        FormState {
            form,
            editing,
            errors,
        },
        None,
        None,
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}

fn messages(errors: &[portfolio_domain::input::InvalidInput]) -> Vec<String> {
    errors.iter().map(|e| e.message.clone()).collect()
}

pub async fn create(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<InternshipForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    match form.parse() {
        Ok(input) => {
            state.store.create_internship(&edit, &input, now()).await?;
            Ok(back(&cap, "created"))
        }
        Err(errors) => invalid(&state, &ctx, &cap, form, None, messages(&errors)).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
) -> AppResult<Response> {
    let (cap, _) = edit_access(&state, &ctx, &parts, &id).await?;
    let r = state.store.internship(&cap, path_id(&iid)?).await?;
    let p = page(
        &state,
        &ctx,
        &cap,
        FormState {
            form: r.input.to_form(),
            editing: Some(r.id),
            errors: Vec::new(),
        },
        None,
        None,
    )
    .await?;
    Ok(render(&p)?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
    Form(form): Form<InternshipForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let iid = path_id(&iid)?;
    match form.parse() {
        Ok(input) => {
            state
                .store
                .update_internship(&edit, iid, &input, now())
                .await?;
            Ok(back(&cap, "updated"))
        }
        Err(errors) => {
            state.store.internship(&cap, iid).await?;
            invalid(&state, &ctx, &cap, form, Some(iid), messages(&errors)).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

fn confirmed(form: &ConfirmForm, what: &str) -> AppResult<()> {
    if form.confirm == "yes" {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "confirm",
            format!("cochez la case de confirmation pour {what}"),
        ))
    }
}

pub async fn delete(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let iid = path_id(&iid)?;
    confirmed(&form, "supprimer la période")?;
    state.store.delete_internship(&edit, iid, now()).await?;
    if let Err(e) =
        portfolio_store::blobs::drain_deletions(&state.store, state.blobs.as_ref()).await
    {
        tracing::warn!(error = %e, "suppression de fichiers reportée");
    }
    Ok(back(&cap, "deleted"))
}

#[derive(serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    week: String,
    #[serde(default)]
    body: String,
}

pub async fn report(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
    Form(form): Form<ReportForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let iid = path_id(&iid)?;
    let internship = state.store.internship(&cap, iid).await?;
    let day = Date::parse(
        form.week.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| AppError::bad_input("week", "choisissez un jour de la semaine rapportée"))?;
    let week = monday(day);
    let p = internship.input.period;
    if week > p.end() || week + time::Duration::days(6) < p.start() {
        return Err(AppError::bad_input(
            "week",
            format!(
                "la semaine du {} est en dehors de la période du {}",
                short_date(week),
                p.short()
            ),
        ));
    }
    let body = form.body.trim();
    if body.is_empty() || body.chars().count() > 20_000 {
        return Err(AppError::bad_input(
            "body",
            "le rapport est vide ou dépasse 20 000 caractères",
        ));
    }
    state
        .store
        .save_weekly_report(&edit, iid, week, body, now())
        .await?;
    Ok(back(&cap, "report"))
}

#[derive(serde::Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    author_name: String,
}

fn review_body(form: &ReviewForm) -> AppResult<&str> {
    let body = form.body.trim();
    if body.is_empty() || body.chars().count() > 20_000 {
        return Err(AppError::bad_input(
            "body",
            "le bilan est vide ou dépasse 20 000 caractères",
        ));
    }
    Ok(body)
}

pub async fn review(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    let (cap, reviewer) = reviewer_access(&state, &ctx, &parts, &id).await?;
    let body = review_body(&form)?;
    state
        .store
        .add_internship_review(
            &reviewer,
            path_id(&iid)?,
            Some(ctx.user.id),
            &ctx.user.display_name(),
            body,
            now(),
        )
        .await?;
    Ok(back(&cap, "review"))
}

pub async fn upload_certificate(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
    request: Request,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let iid = path_id(&iid)?;
    state.store.internship(&cap, iid).await?;
    let got = receive_file(
        &state,
        request,
        "choisissez le scan de l’attestation puis renvoyez",
        |kind| {
            if matches!(
                kind.content_type,
                "application/pdf" | "image/png" | "image/jpeg"
            ) {
                Ok(())
            } else {
                Err(AppError::bad_input(
                    "file",
                    "l’attestation doit être un PDF ou une image PNG ou JPEG",
                ))
            }
        },
    )
    .await?;
    let (key, name) = (got.key, got.name);
    if let Err(e) = state
        .store
        .set_certificate_scan(&edit, iid, &key, &name, now())
        .await
    {
        if let Err(del) = state.blobs.delete(&key).await {
            tracing::warn!(error = %del, "fichier orphelin non supprimé : {key}");
        }
        return Err(e.into());
    }
    if let Err(e) =
        portfolio_store::blobs::drain_deletions(&state.store, state.blobs.as_ref()).await
    {
        tracing::warn!(error = %e, "suppression de fichiers reportée");
    }
    Ok(back(&cap, "certificate"))
}

pub async fn download_certificate(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let r = state.store.internship(&cap, path_id(&iid)?).await?;
    let key = r.certificate_key.ok_or(AppError::NotFound)?;
    let bytes = state.blobs.get(&key).await?;
    let name = r.certificate_name.unwrap_or_else(|| "attestation".into());
    let kind = file_type(&name, &bytes)
        .map(|t| t.content_type)
        .unwrap_or("application/octet-stream");
    let mut res = super::attachment(bytes, kind, &portfolio_domain::input::ascii_fold(&name));
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static("sandbox; default-src 'none'; frame-ancestors 'none'"),
    );
    Ok(res)
}

pub async fn confirm_certificate(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (cap, reviewer) = reviewer_access(&state, &ctx, &parts, &id).await?;
    confirmed(&form, "confirmer l’attestation")?;
    state
        .store
        .confirm_certificate(&reviewer, path_id(&iid)?, now())
        .await?;
    Ok(back(&cap, "confirmed"))
}

#[derive(serde::Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    days: String,
}

/// Makes a tutor's link and shows it once (only its hash is kept).
pub async fn create_tutor_link(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
    Form(form): Form<LinkForm>,
) -> AppResult<Response> {
    let (cap, review) = teacher_access(&state, &ctx, &parts, &id).await?;
    let iid = path_id(&iid)?;
    let days: i64 = form
        .days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=180).contains(d))
        .ok_or_else(|| {
            AppError::bad_input("days", "une validité entre 1 et 180 jours est attendue")
        })?;
    let token = random_token(32);
    state
        .store
        .create_tutor_link(
            &review,
            iid,
            &hash_token(&token),
            ctx.user.id,
            now() + days * 86_400,
            now(),
        )
        .await?;
    let url = format!("{}/t/{token}", site_url(&state, &parts));
    let apprentice = false;
    let p = page(
        &state,
        &ctx,
        &cap,
        FormState::blank(new_form(apprentice)),
        None,
        Some(url),
    )
    .await?;
    Ok(render(&p)?.into_response())
}

pub async fn revoke_tutor_link(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, _iid, lid)): Path<(String, String, String)>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (cap, review) = teacher_access(&state, &ctx, &parts, &id).await?;
    confirmed(&form, "révoquer le lien")?;
    state
        .store
        .revoke_tutor_link(&review, path_id(&lid)?, now())
        .await?;
    Ok(back(&cap, "revoked"))
}

// ---- The tutor's link ----------------------------------------------------------------------

/// The capability of a tutor's link, or « not found » (unknown, revoked or expired alike).
async fn link_access(state: &AppState, token: &str) -> AppResult<InternshipReviewCap> {
    if token.len() > 100 {
        return Err(AppError::NotFound);
    }
    let facts = state.store.tutor_link_facts(&hash_token(token)).await?;
    facts
        .and_then(|f| through_tutor_link(&f, now()))
        .ok_or(AppError::NotFound)
}

async fn tutor_page(
    state: &AppState,
    token: &str,
    cap: &InternshipReviewCap,
    csrf: String,
    error: Option<String>,
    done: Option<&str>,
) -> AppResult<TutorPage> {
    let iid = cap.internship_id().ok_or(AppError::NotFound)?;
    let r = state.store.internship_for_review(cap, iid).await?;
    let name = state
        .store
        .user(r.student_id)
        .await?
        .map(|u| u.display_name())
        .unwrap_or_default();
    Ok(TutorPage {
        layout: super::anonymous_layout(csrf),
        token: token.to_string(),
        student_name: name,
        internship: view(state, r, Vec::new(), Some(cap.follow_up())).await?,
        error,
        notice: match done {
            Some("review") => Some(Notice {
                ok: true,
                text: "Merci : votre bilan est enregistré.".into(),
            }),
            Some("confirmed") => Some(Notice {
                ok: true,
                text: "Merci : l’attestation est confirmée.".into(),
            }),
            _ => None,
        },
    })
}

/// The tutor's page: a fresh double-submit token (cookie + hidden field), as on the login form.
pub async fn tutor(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let cap = link_access(&state, &token).await?;
    let csrf = random_token(24);
    let p = tutor_page(&state, &token, &cap, csrf.clone(), None, q.done.as_deref()).await?;
    let cookie = state
        .config
        .cookie(state.config.login_cookie_name(), &csrf, Some(3600));
    let mut res = render(&p)?.into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res.headers_mut().insert(
        "x-robots-tag",
        axum::http::HeaderValue::from_static("noindex, nofollow"),
    );
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    Ok(res)
}

pub async fn tutor_review(
    State(state): State<AppState>,
    parts: Parts,
    Path(token): Path<String>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    let cap = link_access(&state, &token).await?;
    let iid = cap.internship_id().ok_or(AppError::NotFound)?;
    let csrf = cookie_value(&parts.headers, state.config.login_cookie_name())
        .unwrap_or_default()
        .to_string();
    let body = match review_body(&form) {
        Ok(b) => b,
        Err(AppError::BadInput { message, .. }) => {
            let p = tutor_page(&state, &token, &cap, csrf, Some(message), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
        }
        Err(e) => return Err(e),
    };
    let name =
        portfolio_domain::input::required_text("author_name", "Votre nom", &form.author_name, 200)?;
    state
        .store
        .add_internship_review(&cap, iid, None, &name, body, now())
        .await?;
    Ok(Redirect::to(&format!("/t/{token}?done=review")).into_response())
}

pub async fn tutor_certificate(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let cap = link_access(&state, &token).await?;
    let iid = cap.internship_id().ok_or(AppError::NotFound)?;
    confirmed(&form, "confirmer l’attestation")?;
    state.store.confirm_certificate(&cap, iid, now()).await?;
    Ok(Redirect::to(&format!("/t/{token}?done=confirmed")).into_response())
}

/// The attestation de stage (annexe 9), pre-filled for the organisation to sign.
pub async fn certificate_form_pdf(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, iid)): Path<(String, String)>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    if !cap.can_edit() && cap.review().is_none() {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    }
    let r = state.store.internship(&cap, path_id(&iid)?).await?;
    let profile = state.store.student_profile(&cap).await?;
    // Working days of presence, as the rules of annexe III.B count them.
    let mut days: u32 = 0;
    let mut d = r.input.period.start();
    while d <= r.input.period.end() {
        if internship::is_working_day(d) {
            days += 1;
        }
        match d.next_day() {
            Some(n) => d = n,
            None => break,
        }
    }
    let form = portfolio_domain::forms::InternshipCertificateForm {
        session_year: i32::try_from(profile.session_year).unwrap_or_default(),
        track: profile.student.track,
        candidate_number: profile.student.candidate_number.clone(),
        organisation: portfolio_domain::forms::HostOrganisation {
            name: r.input.organisation_name.clone(),
            address: r.input.organisation_address.clone(),
            siret: r.input.siret.clone(),
        },
        trainee: portfolio_domain::forms::Trainee {
            name: format!(
                "{} {}",
                profile.student.last_name.to_uppercase(),
                profile.student.first_name
            ),
            birth_date: None,
            school_name: profile.school.name.clone(),
        },
        period: r.input.period,
        duration: portfolio_domain::forms::InternshipDuration {
            weeks: u16::try_from(days / 5).unwrap_or(u16::MAX),
            days: u16::try_from(days % 5).unwrap_or(0),
        },
        activities: r
            .input
            .objectives
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        tutor: portfolio_domain::forms::Person {
            name: r.input.tutor_name.clone(),
            job_title: r.input.tutor_title.clone(),
        },
        place: String::new(),
        date: None,
    };
    let bytes = super::blocking(move || {
        portfolio_pdf::internship_certificate_pdf(&form)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("attestation de stage")))
    })
    .await?;
    Ok(super::attachment(
        bytes,
        "application/pdf",
        &format!("attestation-de-stage-{}.pdf", r.id),
    ))
}

#[derive(serde::Deserialize)]
pub struct FactsForm {
    #[serde(default)]
    continuing_education: String,
    #[serde(default)]
    reduction_reason: String,
    #[serde(default)]
    positioning_request: String,
    #[serde(default)]
    distance_status: String,
    #[serde(default)]
    exam_date: String,
}

fn optional_code(field: &'static str, raw: &str, allowed: &[&str]) -> AppResult<Option<String>> {
    match raw.trim() {
        "" => Ok(None),
        v if allowed.contains(&v) => Ok(Some(v.to_string())),
        _ => Err(AppError::bad_input(
            field,
            "choisissez une valeur de la liste",
        )),
    }
}

fn optional_date(field: &'static str, raw: &str) -> AppResult<Option<Date>> {
    match raw.trim() {
        "" => Ok(None),
        v => Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| AppError::bad_input(field, "date attendue au format JJ/MM/AAAA")),
    }
}

/// The teaching team records what the rules need to know about the candidate.
pub async fn set_facts(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<FactsForm>,
) -> AppResult<Response> {
    let (cap, review) = teacher_access(&state, &ctx, &parts, &id).await?;
    let facts = portfolio_store::CandidateFactsRecord {
        student_id: cap.student_id(),
        continuing_education: optional_code(
            "continuing_education",
            &form.continuing_education,
            &["first_training", "retraining", "perfectionnement"],
        )?,
        reduction_reason: optional_code(
            "reduction_reason",
            &form.reduction_reason,
            &["force_majeure", "adapted_training"],
        )?,
        positioning_request: optional_date("positioning_request", &form.positioning_request)?,
        distance_status: optional_code(
            "distance_status",
            &form.distance_status,
            &["school", "apprenticeship", "continuing_education"],
        )?,
        exam_date: optional_date("exam_date", &form.exam_date)?,
    };
    if facts.positioning_request.is_some() && facts.reduction_reason.is_none() {
        return Err(AppError::bad_input(
            "reduction_reason",
            "une demande de positionnement accompagne une durée réduite : indiquez son motif",
        ));
    }
    state
        .store
        .set_candidate_facts(&review, &facts, ctx.user.id, now())
        .await?;
    Ok(back(&cap, "facts"))
}
