//! Setting an exam session up (administrators of the académie, the jury president): its labels
//! and deadlines, the candidates registered (imported from the académie's list), the
//! commissions with their two members checked against the composition rules of annexe II.D,
//! the candidates' assignment and passing times, and closing the session.

use super::browse::path_id;
use super::dossier::read_upload;
use super::{Form, blocking, layout, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, SessionCtx, client_ip, deny, now};
use crate::templates::{Layout, Notice};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_domain::access::ExamSessionCap;
use portfolio_domain::commission::{CommissionExam, Member, MemberProfile, check_composition};
use portfolio_domain::dossier::short_date;
use portfolio_domain::realisation::iso;
use portfolio_domain::schedule::{Clock, block1_slots, block2_slots};
use portfolio_domain::session_labels::{DossierExam, SessionLabels};
use portfolio_framework::{ExamForm, Track};
use portfolio_store::{
    CommissionDetail, CommissionInput, ExamSessionRecord, RegistrationRecord, SessionSettings,
    SlotInput,
};
use time::Date;

async fn session_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw: &str,
) -> AppResult<ExamSessionCap> {
    let id = path_id(raw)?;
    match ctx.actor.exam_session(id) {
        Some(cap) => Ok(cap),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

// ---- The page ------------------------------------------------------------------------------

pub struct CommissionLine {
    pub id: i64,
    pub name: String,
    pub exam: String,
    pub track: String,
    pub date: String,
    pub start_time: String,
    pub members: Vec<String>,
    pub candidates: i64,
    pub is_block2: bool,
    /// Registered candidates of the commission's option not yet assigned to a commission of
    /// this exam: (student id, label).
    pub assignable: Vec<(i64, String)>,
}

pub struct RegistrationLine {
    pub number: String,
    pub name: String,
    pub track: &'static str,
    pub route: &'static str,
    pub form: &'static str,
    pub account: bool,
}

/// What the commission form shows again after a refusal.
#[derive(Default, Clone, serde::Deserialize)]
pub struct CommissionForm {
    #[serde(default)]
    pub commission_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub exam: String,
    #[serde(default)]
    pub track: String,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub exam_date: String,
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub member1_email: String,
    #[serde(default)]
    pub member1_profile: String,
    #[serde(default)]
    pub member1_specialties: String,
    #[serde(default)]
    pub member1_blocks: String,
    #[serde(default)]
    pub member2_email: String,
    #[serde(default)]
    pub member2_profile: String,
    #[serde(default)]
    pub member2_specialties: String,
    #[serde(default)]
    pub member2_blocks: String,
}

impl CommissionForm {
    pub fn is(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "exam" => &self.exam,
            "track" => &self.track,
            "form" => &self.form,
            "member1_profile" => &self.member1_profile,
            "member2_profile" => &self.member2_profile,
            "commission_id" => &self.commission_id,
            _ => return false,
        };
        v == value
    }
}

#[derive(Template)]
#[template(path = "pages/exam_session.html")]
pub struct SessionPage {
    pub layout: Layout,
    pub session: ExamSessionRecord,
    pub labels: SessionLabels,
    pub due_date: String,
    pub ccf_end_date: String,
    pub training_end_date: String,
    pub closed: Option<String>,
    pub deliberated: Option<String>,
    pub is_jury_president: bool,
    pub registrations: Vec<RegistrationLine>,
    pub unlinked: usize,
    pub commissions: Vec<CommissionLine>,
    pub commission_form: CommissionForm,
    pub error: Option<String>,
    pub errors: Vec<String>,
    pub notice: Option<Notice>,
    /// After an import: row, reasons.
    pub rejected: Vec<(u32, Vec<String>)>,
    /// How fiches reach the candidates (réclamation or publication): for who may set it.
    pub appraisals_published: Option<bool>,
}

fn form_label(form: ExamForm) -> &'static str {
    match form {
        ExamForm::OneOff => "Ponctuelle",
        ExamForm::Continuous => "CCF",
    }
}

fn exam_label(exam: DossierExam) -> &'static str {
    match exam {
        DossierExam::Block1 => "Bloc 1",
        DossierExam::Block2 => "Bloc 2",
    }
}

fn member_label(m: &portfolio_store::MemberRecord) -> String {
    let profile = match &m.profile {
        MemberProfile::Professional => "professionnel(le) du secteur".to_owned(),
        MemberProfile::Teacher {
            specialties,
            blocks,
        } => format!(
            "enseignant(e) — option(s) {} — bloc(s) {}",
            specialties
                .iter()
                .map(|t| t.code())
                .collect::<Vec<_>>()
                .join(", "),
            blocks.join(", ")
        ),
    };
    format!("{} {} ({profile})", m.user.first_name, m.user.last_name)
}

pub struct Extra {
    pub error: Option<String>,
    pub errors: Vec<String>,
    pub notice: Option<&'static str>,
    pub rejected: Vec<(u32, Vec<String>)>,
    pub commission_form: Option<CommissionForm>,
}

impl Extra {
    fn none() -> Extra {
        Extra {
            error: None,
            errors: Vec::new(),
            notice: None,
            rejected: Vec::new(),
            commission_form: None,
        }
    }
}

async fn session_page(
    state: &AppState,
    ctx: &SessionCtx,
    cap: &ExamSessionCap,
    extra: Extra,
) -> AppResult<SessionPage> {
    let session = state.store.exam_session(cap).await?;
    let registrations = state.store.registrations(cap).await?;
    let details = state.store.session_commission_details(cap).await?;
    let counts = state.store.commissions_of_session(cap).await?;
    // Who is already assigned, per exam: a candidate sits each exam before one commission.
    let exam_of: std::collections::HashMap<i64, DossierExam> =
        details.iter().map(|d| (d.id, d.exam)).collect();
    let assigned: std::collections::HashSet<(i64, DossierExam)> = state
        .store
        .session_assignments(cap)
        .await?
        .into_iter()
        .filter_map(|(c, s)| exam_of.get(&c).map(|e| (s, *e)))
        .collect();
    let commissions = details
        .iter()
        .map(|d| CommissionLine {
            id: d.id,
            name: d.name.clone(),
            exam: match d.track {
                Some(t) => session.labels.exam_heading(d.exam, t),
                None => exam_label(d.exam).to_owned(),
            },
            track: d.track.map(|t| t.code().to_owned()).unwrap_or_default(),
            date: d.exam_date.map(short_date).unwrap_or_default(),
            start_time: d.start_time.clone().unwrap_or_default(),
            members: d.members.iter().map(member_label).collect(),
            candidates: counts
                .iter()
                .find(|c| c.id == d.id)
                .map(|c| c.candidate_count)
                .unwrap_or(0),
            is_block2: d.exam == DossierExam::Block2,
            assignable: registrations
                .iter()
                .filter(|r| d.track.is_none_or(|t| t == r.track))
                .filter_map(|r| r.student_id.map(|s| (s, r)))
                .filter(|(s, _)| !assigned.contains(&(*s, d.exam)))
                .map(|(s, r)| {
                    (
                        s,
                        format!(
                            "{} {} ({})",
                            r.last_name.to_uppercase(),
                            r.first_name,
                            r.candidate_number
                        ),
                    )
                })
                .collect(),
        })
        .collect();
    let unlinked = registrations
        .iter()
        .filter(|r| r.student_id.is_none())
        .count();
    Ok(SessionPage {
        layout: layout(ctx),
        labels: session.labels.clone(),
        due_date: session.dossier_due_date.map(iso).unwrap_or_default(),
        ccf_end_date: session.ccf_end_date.map(iso).unwrap_or_default(),
        training_end_date: session.training_end_date.map(iso).unwrap_or_default(),
        closed: session.closed_at.map(crate::templates::format_datetime),
        deliberated: session
            .deliberated_at
            .map(crate::templates::format_datetime),
        is_jury_president: ctx.actor.session_marks(session.id).is_some(),
        registrations: registrations.iter().map(registration_line).collect(),
        unlinked,
        commissions,
        commission_form: extra.commission_form.unwrap_or_else(|| CommissionForm {
            exam: "block1".into(),
            track: "sisr".into(),
            form: "one_off".into(),
            member1_profile: "teacher".into(),
            member2_profile: "professional".into(),
            start_time: "08:00".into(),
            ..CommissionForm::default()
        }),
        session,
        error: extra.error,
        errors: extra.errors,
        notice: extra.notice.map(|text| Notice {
            ok: true,
            text: text.to_owned(),
        }),
        rejected: extra.rejected,
        appraisals_published: match ctx.actor.appraisal_publication(cap.exam_session_id()) {
            Some(p) => Some(state.store.appraisals_published(&p).await?),
            None => None,
        },
    })
}

fn registration_line(r: &RegistrationRecord) -> RegistrationLine {
    RegistrationLine {
        number: r.candidate_number.clone(),
        name: format!("{} {}", r.last_name.to_uppercase(), r.first_name),
        track: r.track.code(),
        route: r.route.label(),
        form: form_label(r.form),
        account: r.student_id.is_some(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

fn done_text(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "settings" => "Paramètres de la session enregistrés.",
        "commission" => "Commission enregistrée.",
        "assigned" => "Candidat(e) affecté(e) à la commission.",
        "schedule" => "Horaires de passage calculés et enregistrés.",
        "closed" => "Session close.",
        "publication" => "Communication des fiches d’appréciation enregistrée.",
        _ => return None,
    })
}

pub async fn page(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let mut extra = Extra::none();
    extra.notice = done_text(q.done.as_deref());
    Ok(render(&session_page(&state, &ctx, &cap, extra).await?)?.into_response())
}

/// The page again with an error, status 422: nothing typed elsewhere on the page is lost.
async fn refused(
    state: &AppState,
    ctx: &SessionCtx,
    cap: &ExamSessionCap,
    extra: Extra,
) -> AppResult<Response> {
    let page = session_page(state, ctx, cap, extra).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

fn back(cap: &ExamSessionCap, done: &str) -> Response {
    Redirect::to(&format!(
        "/exam-sessions/{}?done={done}",
        cap.exam_session_id()
    ))
    .into_response()
}

// ---- Settings ----------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    block1_exam: String,
    #[serde(default)]
    block2_exam: String,
    #[serde(default)]
    conformity_annex: String,
    #[serde(default)]
    grid_annex: String,
    #[serde(default)]
    appraisal_annex: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    ccf_end_date: String,
    #[serde(default)]
    training_end_date: String,
}

fn parse_date(label: &str, raw: &str) -> Result<Option<Date>, String> {
    match raw.trim() {
        "" => Ok(None),
        s => Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| format!("{label} : date attendue au format JJ/MM/AAAA")),
    }
}

pub async fn save_settings(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let labels = SessionLabels {
        block1_exam: form.block1_exam.trim().to_owned(),
        block2_exam: form.block2_exam.trim().to_owned(),
        conformity_annex: form.conformity_annex.trim().to_owned(),
        grid_annex: form.grid_annex.trim().to_owned(),
        appraisal_annex: form.appraisal_annex.trim().to_owned(),
    };
    let mut errors = labels.check().err().unwrap_or_default();
    let mut date = |label: &str, raw: &str| match parse_date(label, raw) {
        Ok(d) => d,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let settings = SessionSettings {
        labels,
        dossier_due_date: date("Date de remise des dossiers", &form.due_date),
        ccf_end_date: date(
            "Fin des contrôles en cours de formation",
            &form.ccf_end_date,
        ),
        training_end_date: date("Fin de la formation", &form.training_end_date),
    };
    if !errors.is_empty() {
        let mut extra = Extra::none();
        extra.errors = errors;
        return refused(&state, &ctx, &cap, extra).await;
    }
    match state.store.set_session_settings(&cap, &settings).await {
        Ok(()) => Ok(back(&cap, "settings")),
        Err(portfolio_store::StoreError::Invalid(m)) => {
            let mut extra = Extra::none();
            extra.error = Some(m);
            refused(&state, &ctx, &cap, extra).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- Registrations -----------------------------------------------------------------------

pub async fn import_registrations(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    use axum::extract::FromRequest;
    // Access first: the body is only read for whoever may import.
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let upload = match Multipart::from_request(request, &state).await {
        Ok(multipart) => read_upload(multipart).await,
        Err(_) => Err(AppError::bad_input(
            "file",
            "choisissez le fichier de la liste des candidats puis renvoyez le formulaire",
        )),
    };
    let (_, bytes) = match upload {
        Ok(v) => v,
        Err(AppError::BadInput { message, .. }) => {
            let mut extra = Extra::none();
            extra.error = Some(capitalise(&message));
            return refused(&state, &ctx, &cap, extra).await;
        }
        Err(e) => return Err(e),
    };
    let imported = blocking(move || {
        Ok(portfolio_documents::import::candidates::import_candidates(
            &bytes,
        ))
    })
    .await?;
    let imported = match imported {
        Ok(i) => i,
        Err(e) => {
            let mut extra = Extra::none();
            extra.error = Some(format!(
                "Liste de candidats illisible : {e}. Aucun candidat n'a été inscrit."
            ));
            return refused(&state, &ctx, &cap, extra).await;
        }
    };
    let rows: Vec<_> = imported.accepted.iter().map(|(_, r)| r.clone()).collect();
    let rejected: Vec<(u32, Vec<String>)> = imported
        .rejected
        .iter()
        .map(|r| (r.row, r.reasons.clone()))
        .collect();
    let report = match state.store.register_candidates(&cap, &rows, now()).await {
        Ok(r) => r,
        Err(portfolio_store::StoreError::Invalid(m) | portfolio_store::StoreError::Conflict(m)) => {
            let mut extra = Extra::none();
            extra.error = Some(format!("{m} : aucun candidat n'a été inscrit."));
            return refused(&state, &ctx, &cap, extra).await;
        }
        Err(e) => return Err(e.into()),
    };
    let mut extra = Extra::none();
    extra.error = (!rejected.is_empty()).then(|| {
        format!(
            "{} ligne(s) refusée(s) : corrigez-les dans le fichier et importez-le de nouveau (les lignes déjà inscrites seront mises à jour, pas dupliquées).",
            rejected.len()
        )
    });
    extra.rejected = rejected;
    let page = session_page(&state, &ctx, &cap, extra).await?;
    let mut page = page;
    page.notice = Some(Notice {
        ok: true,
        text: format!(
            "{} candidat(s) inscrit(s), {} mis à jour, {} rattaché(s) à un compte.",
            report.created, report.updated, report.linked
        ),
    });
    Ok(render(&page)?.into_response())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

// ---- Commissions -------------------------------------------------------------------------

fn profile(kind: &str, specialties: &str, blocks: &str) -> Result<MemberProfile, String> {
    match kind {
        "professional" => Ok(MemberProfile::Professional),
        "teacher" => {
            let mut tracks = Vec::new();
            for s in specialties.split([',', ' ', ';']).filter(|s| !s.is_empty()) {
                match s.to_ascii_lowercase().as_str() {
                    "sisr" => tracks.push(Track::Sisr),
                    "slam" => tracks.push(Track::Slam),
                    other => {
                        return Err(format!(
                            "option enseignée inconnue « {other} » : indiquez SISR, SLAM ou les deux"
                        ));
                    }
                }
            }
            let mut codes = Vec::new();
            for b in blocks.split([',', ' ', ';']).filter(|s| !s.is_empty()) {
                let code = b.to_ascii_uppercase();
                if portfolio_framework::bts_sio_2019().block(&code).is_none() {
                    return Err(format!(
                        "bloc enseigné inconnu « {b} » : indiquez B1, B2-SISR, B2-SLAM ou B3"
                    ));
                }
                codes.push(code);
            }
            Ok(MemberProfile::Teacher {
                specialties: tracks,
                blocks: codes,
            })
        }
        _ => Err("choisissez le profil du membre : enseignant(e) ou professionnel(le)".into()),
    }
}

pub async fn save_commission(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<CommissionForm>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let mut errors: Vec<String> = Vec::new();
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        errors.push(
            "Nom de la commission : de 1 à 80 caractères (par exemple « Commission 3 »).".into(),
        );
    }
    let exam = match form.exam.as_str() {
        "block1" => Some(DossierExam::Block1),
        "block2" => Some(DossierExam::Block2),
        _ => {
            errors.push("Choisissez l'épreuve : bloc 1 ou bloc 2.".into());
            None
        }
    };
    let track = match form.track.as_str() {
        "sisr" => Some(Track::Sisr),
        "slam" => Some(Track::Slam),
        _ => {
            errors.push("Choisissez l'option des candidats : SISR ou SLAM.".into());
            None
        }
    };
    let exam_form = if form.form == "continuous" {
        ExamForm::Continuous
    } else {
        ExamForm::OneOff
    };
    let exam_date = parse_date("Date de l'épreuve", &form.exam_date).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let start_time = match parse_clock(&form.start_time) {
        Ok(c) => c.map(|c| c.to_string().replace('h', ":")),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let mut members: Vec<Member> = Vec::new();
    for (i, (email, kind, specialties, blocks)) in [
        (
            &form.member1_email,
            &form.member1_profile,
            &form.member1_specialties,
            &form.member1_blocks,
        ),
        (
            &form.member2_email,
            &form.member2_profile,
            &form.member2_specialties,
            &form.member2_blocks,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let n = i + 1;
        let email = email.trim();
        if email.is_empty() {
            errors.push(format!(
                "Membre {n} : indiquez l'adresse électronique de son compte."
            ));
            continue;
        }
        let Some(user) = state.store.user_by_email(email).await? else {
            errors.push(format!(
                "Membre {n} : aucun compte n'a l'adresse « {email} » ; créez-le d'abord (Administration → Comptes)."
            ));
            continue;
        };
        match profile(kind, specialties, blocks) {
            Ok(p) => members.push(Member {
                user_id: user.id,
                name: format!("{} {}", user.first_name, user.last_name),
                profile: p,
            }),
            Err(e) => errors.push(format!("Membre {n} : {e}.")),
        }
    }
    let commission_id = match form.commission_id.trim() {
        "" | "new" => None,
        raw => match raw.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push("Commission à modifier inconnue.".into());
                None
            }
        },
    };
    if let (Some(exam), Some(track), true) = (exam, track, errors.is_empty()) {
        let rule = match exam {
            DossierExam::Block1 => CommissionExam::Block1,
            DossierExam::Block2 => CommissionExam::Block2(exam_form),
        };
        // The rule broken is named; the commission is not saved.
        if let Err(broken) = check_composition(rule, track, &members) {
            errors.extend(broken.iter().map(|b| b.to_string()));
        }
    }
    let (Some(exam), Some(track), true) = (exam, track, errors.is_empty()) else {
        let mut extra = Extra::none();
        extra.errors = errors;
        extra.commission_form = Some(form);
        return refused(&state, &ctx, &cap, extra).await;
    };
    let input = CommissionInput {
        name,
        exam,
        track,
        exam_date,
        start_time,
        members: members
            .into_iter()
            .map(|m| (m.user_id, m.profile))
            .collect(),
    };
    match state
        .store
        .save_commission(&cap, commission_id, &input, now())
        .await
    {
        Ok(_) => Ok(back(&cap, "commission")),
        Err(portfolio_store::StoreError::Invalid(m) | portfolio_store::StoreError::Conflict(m)) => {
            let mut extra = Extra::none();
            extra.error = Some(capitalise(&m));
            extra.commission_form = Some(form);
            refused(&state, &ctx, &cap, extra).await
        }
        Err(e) => Err(e.into()),
    }
}

fn parse_clock(raw: &str) -> Result<Option<Clock>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let (h, m) = raw
        .split_once([':', 'h', 'H'])
        .ok_or_else(|| format!("heure de début « {raw} » illisible : écrivez-la 08:00"))?;
    match (h.trim().parse::<u32>(), m.trim().parse::<u32>()) {
        (Ok(h), Ok(m)) if h < 24 && m < 60 => Ok(Some(Clock(h * 60 + m))),
        _ => Err(format!(
            "heure de début « {raw} » illisible : écrivez-la 08:00"
        )),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct AssignForm {
    #[serde(default)]
    student_id: String,
}

pub async fn assign(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, cid)): Path<(String, String)>,
    Form(form): Form<AssignForm>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let commission_id = path_id(&cid)?;
    let Ok(student_id) = form.student_id.trim().parse::<i64>() else {
        let mut extra = Extra::none();
        extra.error = Some("Choisissez la personne candidate à affecter.".into());
        return refused(&state, &ctx, &cap, extra).await;
    };
    // Only candidates registered in the session, with an account, may be assigned.
    let registered = state
        .store
        .registrations(&cap)
        .await?
        .iter()
        .any(|r| r.student_id == Some(student_id));
    if !registered {
        let mut extra = Extra::none();
        extra.error = Some(
            "Cette personne n'est pas inscrite à la session : importez d'abord la liste des candidats."
                .into(),
        );
        return refused(&state, &ctx, &cap, extra).await;
    }
    match state
        .store
        .assign_to_commission(&cap, commission_id, student_id)
        .await
    {
        Ok(()) => Ok(back(&cap, "assigned")),
        Err(portfolio_store::StoreError::Invalid(m) | portfolio_store::StoreError::Conflict(m)) => {
            let mut extra = Extra::none();
            extra.error = Some(capitalise(&m));
            refused(&state, &ctx, &cap, extra).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ScheduleForm {
    #[serde(default)]
    pause: String,
    #[serde(default)]
    workstations: String,
}

/// The passing times of the commission's candidates, from its start time: 40-minute orals
/// for Bloc 1, the interleaved day with preparation for Bloc 2 (annexe II.C).
pub async fn schedule(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, cid)): Path<(String, String)>,
    Form(form): Form<ScheduleForm>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let commission_id = path_id(&cid)?;
    let details: Vec<CommissionDetail> = state.store.session_commission_details(&cap).await?;
    let Some(detail) = details.into_iter().find(|d| d.id == commission_id) else {
        return Err(AppError::NotFound);
    };
    let fail = |m: String| async {
        let mut extra = Extra::none();
        extra.error = Some(m);
        refused(&state, &ctx, &cap, extra).await
    };
    let start = match parse_clock(detail.start_time.as_deref().unwrap_or("")) {
        Ok(Some(c)) => c,
        _ => {
            return fail(format!(
                "{} n'a pas d'heure de début : indiquez-la dans le formulaire de la commission.",
                detail.name
            ))
            .await;
        }
    };
    let facts = portfolio_domain::access::CommissionFacts {
        commission_id,
        exam_session_id: cap.exam_session_id(),
    };
    let Some(ccap) = ctx.actor.commission(&facts) else {
        return fail(
            "Seul(e) le président ou la présidente du jury fixe les horaires des candidats.".into(),
        )
        .await;
    };
    let mut roster = state.store.roster(&ccap).await?;
    roster.sort_by(|a, b| {
        (&a.student.last_name, &a.student.first_name)
            .cmp(&(&b.student.last_name, &b.student.first_name))
    });
    let slots: Vec<SlotInput> = match detail.exam {
        DossierExam::Block1 => {
            let pause = form.pause.trim().parse::<u32>().unwrap_or(10).min(60);
            block1_slots(start, roster.len(), pause)
                .iter()
                .zip(&roster)
                .map(|(s, e)| SlotInput {
                    student_id: e.student.id,
                    start: s.start.to_string(),
                    end: s.end.to_string(),
                    preparation_start: None,
                })
                .collect()
        }
        DossierExam::Block2 => {
            let ws = form
                .workstations
                .trim()
                .parse::<usize>()
                .unwrap_or(4)
                .clamp(1, 20);
            block2_slots(start, roster.len(), ws)
                .iter()
                .zip(&roster)
                .map(|(s, e)| SlotInput {
                    student_id: e.student.id,
                    start: s.first_interview.start.to_string(),
                    end: s.departure().to_string(),
                    preparation_start: Some(s.arrival.to_string()),
                })
                .collect()
        }
    };
    match state.store.set_slots(&cap, commission_id, &slots).await {
        Ok(()) => Ok(back(&cap, "schedule")),
        Err(portfolio_store::StoreError::Invalid(m)) => fail(capitalise(&m)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct CloseForm {
    #[serde(default)]
    confirm: String,
}

pub async fn close(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    if form.confirm != "yes" {
        let mut extra = Extra::none();
        extra.error = Some(
            "Cochez « Je confirme la clôture » : une session close ne peut plus être modifiée."
                .into(),
        );
        return refused(&state, &ctx, &cap, extra).await;
    }
    match state.store.close_session(&cap, now()).await {
        Ok(()) => Ok(back(&cap, "closed")),
        Err(portfolio_store::StoreError::Invalid(m)) => {
            let mut extra = Extra::none();
            extra.error = Some(capitalise(&m));
            refused(&state, &ctx, &cap, extra).await
        }
        Err(e) => Err(e.into()),
    }
}
