//! The candidate's dossier: réalisations, their productions, the teachers' follow-up and the
//! coverage of the référentiel.

use super::browse::path_id;
use super::{DoneQuery, Form, block_summaries, layout, notice, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, SessionCtx, client_ip, deny, now, random_token};
use crate::templates::LinkLine;
use crate::templates::{
    BlockChoice, Check, Choice, CommentLine, CompetencyChoice, CoveragePage, CoverageTable,
    E5Verdict, MissingCompetency, Notice, RealisationFormPage, RealisationLine, RealisationPage,
    StudentPage, TechChoice, format_datetime,
};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_domain::access::{DossierEditCap, ReviewCap, Shown, StudentAccess, StudentCap};
use portfolio_domain::artifact::{
    FileSniffer, FileType, MAX_FILE_BYTES, QUOTA_BYTES, check_link, clean_file_name,
};
use portfolio_domain::coverage::{self, BlockCoverage, Tagged, bloc2_code, block_coverage};
use portfolio_domain::dossier::Setting;
use portfolio_domain::realisation::RealisationForm;
use portfolio_framework::{Track, bts_sio_2019};
use portfolio_store::{
    ArtifactKind, CommentVisibility, NewArtifact, RealisationRecord, RealisationSummary,
    ReviewStatus, SubmissionRecord,
};

/// The capability on a student's dossier, or the refusal (audited). Same answer whether the
/// student exists or not: ids are not an oracle.
pub async fn student_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw_id: &str,
) -> AppResult<StudentCap> {
    let id = path_id(raw_id)?;
    let facts = state.store.student_facts(id).await?;
    match facts.as_ref().and_then(|f| ctx.actor.student(f)) {
        Some(cap) => Ok(cap),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

async fn edit_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw_id: &str,
) -> AppResult<(StudentCap, DossierEditCap)> {
    let cap = student_access(state, ctx, parts, raw_id).await?;
    match cap.edit() {
        Some(edit) => Ok((cap, edit)),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

async fn review_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw_id: &str,
) -> AppResult<(StudentCap, ReviewCap)> {
    let cap = student_access(state, ctx, parts, raw_id).await?;
    match cap.review() {
        Some(review) => Ok((cap, review)),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

/// The dossier a reader sees: the commission and the jury only the handed-in version; the
/// public link the handed-in version once there is one, the live portfolio before; the student,
/// their teachers and tutors, the head of school the live draft. The rule is the access
/// policy's ([`StudentCap::version`]) and the store applies it to every read: this only adds
/// the hand-in the page mentions.
pub struct DossierView {
    pub records: Vec<RealisationRecord>,
    pub submission: Option<SubmissionRecord>,
    /// The records come from the handed-in version (or there is none to show yet).
    pub frozen: bool,
}

fn frozen(cap: &StudentCap, submission: Option<&SubmissionRecord>) -> bool {
    cap.shown(submission.is_some()) != Shown::Live
}

pub async fn load_dossier(state: &AppState, cap: &StudentCap) -> AppResult<DossierView> {
    let submission = state.store.current_submission(cap).await?;
    Ok(DossierView {
        records: state.store.realisations(cap).await?,
        frozen: frozen(cap, submission.as_ref()),
        submission,
    })
}

/// The dossier's list as the reader holding `cap` sees it (the same version as
/// [`load_dossier`]), without the texts of the réalisations.
pub struct DossierLines {
    pub lines: Vec<RealisationSummary>,
    pub submission: Option<SubmissionRecord>,
    pub frozen: bool,
}

pub async fn load_dossier_lines(state: &AppState, cap: &StudentCap) -> AppResult<DossierLines> {
    let submission = state.store.current_submission(cap).await?;
    Ok(DossierLines {
        lines: state.store.realisation_summaries(cap).await?,
        frozen: frozen(cap, submission.as_ref()),
        submission,
    })
}

fn tagged(rs: &[RealisationSummary]) -> Vec<Tagged> {
    rs.iter()
        .map(|r| Tagged {
            id: r.id,
            skills: r.skills.clone(),
        })
        .collect()
}

fn coverage_of(track: Track, block: &str, rs: &[RealisationSummary]) -> AppResult<BlockCoverage> {
    block_coverage(bts_sio_2019(), block, track, &tagged(rs))
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("bloc {block} absent du référentiel")))
}

fn line(r: &RealisationSummary, cov: &BlockCoverage) -> RealisationLine {
    RealisationLine {
        id: r.id,
        title: r.title.clone(),
        period: r.period.short(),
        setting: r.setting.label().to_string(),
        status: r.review_status.map(ReviewStatus::label),
        artifacts: r.artifacts,
        marks: cov
            .competencies
            .iter()
            .map(|c| c.realisations.contains(&r.id))
            .collect(),
    }
}

fn missing_codes(cov: &BlockCoverage) -> Vec<String> {
    cov.missing_competencies()
        .map(|c| format!("{} {}", c.code, c.label))
        .collect()
}

// ---- The dossier page --------------------------------------------------------------------

pub async fn student(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let profile = state.store.student_profile(&cap).await?;
    let track = profile.student.track;
    let view = load_dossier_lines(&state, &cap).await?;
    let rs = &view.lines;
    let b1 = coverage_of(track, "B1", rs)?;
    let b2 = coverage_of(track, bloc2_code(track), rs)?;
    let used = if cap.can_edit() {
        state.store.storage_used(&cap).await?
    } else {
        0
    };
    let links = if cap.can_edit() {
        let base = site_url(&state, &parts);
        state
            .store
            .public_links(&cap)
            .await?
            .into_iter()
            .map(|l| {
                let active = l.revoked_at.is_none() && l.expires_at.is_none_or(|e| now() < e);
                LinkLine {
                    id: l.id,
                    url: format!("{base}/p/{}", l.token),
                    created: format_datetime(l.created_at),
                    state: match (l.revoked_at, l.expires_at) {
                        (Some(at), _) => format!("révoqué le {}", format_datetime(at)),
                        (None, Some(e)) if e <= now() => {
                            format!("expiré le {}", format_datetime(e))
                        }
                        (None, Some(e)) => format!("actif jusqu’au {}", format_datetime(e)),
                        (None, None) => "actif, sans date d’expiration".into(),
                    },
                    active,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = StudentPage {
        layout: layout(&ctx),
        is_owner: cap.via() == StudentAccess::Owner,
        blocks: block_summaries(track),
        realisations: rs.iter().map(|r| line(r, &b1)).collect(),
        b1_codes: b1.competencies.iter().map(|c| c.code.clone()).collect(),
        b1_missing: missing_codes(&b1),
        b2_missing: missing_codes(&b2),
        storage_used_mb: format!("{:.1}", used as f64 / 1_048_576.0),
        notice: dossier_notice(q.done.as_deref()),
        handed_in: view
            .submission
            .as_ref()
            .map(|s| format_datetime(s.submitted_at)),
        frozen: view.frozen,
        can_review: cap.review().is_some(),
        links,
        profile,
    };
    Ok(render(&page)?.into_response())
}

/// `https://host` of the site, for links read outside it.
pub fn site_url(state: &AppState, parts: &Parts) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

// ---- Handing in, reopening, public links -------------------------------------------------

/// Hands the dossier in: the version in force for the commission and the public link.
pub async fn hand_in(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    if form.confirm != "yes" {
        return Err(AppError::bad_input(
            "confirm",
            "cochez la case de confirmation pour remettre le dossier",
        ));
    }
    let profile = state.store.student_profile(&cap).await?;
    let records = state.store.realisations(&cap).await?;
    if records.is_empty() {
        return Err(AppError::bad_input(
            "",
            "le dossier ne contient aucune réalisation : ajoutez-en avant de le remettre",
        ));
    }
    let e5 = state.store.e5_choice(&cap).await?;
    // The attestations of the internships are part of the dossier: handed in with it.
    let internships = state.store.internships(&cap).await?;
    let snapshot = portfolio_store::DossierSnapshot::of(&profile, &records, e5, now())
        .with_internships(&internships);
    state.store.hand_in(&edit, &snapshot, now()).await?;
    state
        .store
        .audit(&portfolio_store::AuditEvent {
            at: now(),
            actor_user_id: Some(ctx.user.id),
            action: "dossier.hand_in",
            target: Some(format!("student:{}", cap.student_id())),
            client_ip: client_ip(&parts),
            details: None,
        })
        .await?;
    Ok(Redirect::to(&format!("/students/{}?done=handed_in", cap.student_id())).into_response())
}

/// Gives the dossier back to the student (the teaching team, before the deadline).
pub async fn reopen(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (cap, review) = review_access(&state, &ctx, &parts, &id).await?;
    if form.confirm != "yes" {
        return Err(AppError::bad_input(
            "confirm",
            "cochez la case de confirmation pour rouvrir le dossier",
        ));
    }
    match state.store.reopen(&review, ctx.user.id, now()).await {
        Ok(()) => {}
        Err(portfolio_store::StoreError::NotFound) => {
            return Err(AppError::bad_input(
                "",
                "ce dossier n’est pas remis : il n’y a rien à rouvrir",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    state
        .store
        .audit(&portfolio_store::AuditEvent {
            at: now(),
            actor_user_id: Some(ctx.user.id),
            action: "dossier.reopen",
            target: Some(format!("student:{}", cap.student_id())),
            client_ip: client_ip(&parts),
            details: None,
        })
        .await?;
    Ok(Redirect::to(&format!("/students/{}?done=reopened", cap.student_id())).into_response())
}

#[derive(serde::Deserialize)]
pub struct LinkCreateForm {
    #[serde(default)]
    expires_in_days: String,
}

pub async fn create_public_link(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<LinkCreateForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let expires_at = match form.expires_in_days.trim() {
        "" => None,
        raw => {
            let days: i64 = raw
                .parse()
                .ok()
                .filter(|d| (1..=730).contains(d))
                .ok_or_else(|| {
                    AppError::bad_input(
                        "expires_in_days",
                        "une durée de validité entre 1 et 730 jours est attendue, ou rien pour un lien sans expiration",
                    )
                })?;
            Some(now() + days * 86_400)
        }
    };
    // 256 bits from the CSPRNG: the link is the only secret.
    let token = random_token(32);
    state
        .store
        .create_public_link(&edit, &token, expires_at, now())
        .await?;
    Ok(Redirect::to(&format!("/students/{}?done=link_created", cap.student_id())).into_response())
}

pub async fn revoke_public_link(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, lid)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    if form.confirm != "yes" {
        return Err(AppError::bad_input(
            "confirm",
            "confirmez la révocation du lien",
        ));
    }
    state
        .store
        .revoke_public_link(&edit, path_id(&lid)?, now())
        .await?;
    Ok(Redirect::to(&format!("/students/{}?done=link_revoked", cap.student_id())).into_response())
}

fn dossier_notice(done: Option<&str>) -> Option<Notice> {
    let text = match done? {
        "deleted" => "Réalisation supprimée, avec ses productions et ses commentaires.",
        "e5" => "Les deux réalisations de l’épreuve E5 sont enregistrées.",
        "created" => "Réalisation enregistrée.",
        "updated" => "Modifications enregistrées.",
        "file" => "Fichier déposé.",
        "link" => "Lien ajouté.",
        "artifact_deleted" => "Production supprimée.",
        "comment" => "Commentaire enregistré.",
        "review" => "Avis enregistré.",
        "handed_in" => {
            "Dossier remis : la commission et le lien public voient désormais cette version ; vous pouvez continuer à travailler sur votre brouillon."
        }
        "reopened" => {
            "Dossier rouvert : l’étudiant(e) peut le modifier puis le remettre à nouveau."
        }
        "link_created" => "Lien public créé.",
        "link_revoked" => "Lien révoqué : il ne donne plus accès au portfolio.",
        "imported" => {
            "Dossier importé : ses réalisations et leurs productions sont ajoutées aux vôtres."
        }
        _ => return notice(done),
    };
    Some(Notice {
        ok: true,
        text: text.into(),
    })
}

// ---- Creating and editing a réalisation --------------------------------------------------

/// The form as sent: repeated fields (`skills`, `tech_items`) are lists, so the body is read
/// pair by pair rather than through serde_urlencoded.
fn read_form(body: &[u8]) -> RealisationForm {
    let mut f = RealisationForm::default();
    for (k, v) in form_urlencoded::parse(body) {
        let v = v.into_owned();
        match k.as_ref() {
            "title" => f.title = v,
            "description" => f.description = v,
            "start_date" => f.start_date = v,
            "end_date" => f.end_date = v,
            "setting" => f.setting = v,
            "organisation" => f.organisation = v,
            "modality" => f.modality = v,
            "personal_contribution" => f.personal_contribution = v,
            "resources_provided" => f.resources_provided = v,
            "expected_results" => f.expected_results = v,
            "tech_other" => f.tech_other = v,
            "tech_items" => f.tech_items.push(v),
            "skills" => f.skills.push(v),
            _ => {}
        }
    }
    f
}

fn form_page(
    ctx: &SessionCtx,
    student_id: i64,
    realisation_id: Option<i64>,
    track: Track,
    form: RealisationForm,
    errors: Vec<String>,
) -> RealisationFormPage {
    let fw = bts_sio_2019();
    let blocks = fw
        .blocks_for(track)
        .map(|b| BlockChoice {
            heading: b.block.heading.to_string(),
            competencies: b
                .competencies
                .iter()
                .map(|c| CompetencyChoice {
                    tagged_whole: form.skills.contains(&c.code),
                    code: c.code.clone(),
                    label: c.label.clone(),
                    skills: c
                        .skills
                        .iter()
                        .map(|s| Check {
                            checked: form.skills.contains(&s.code),
                            value: s.code.clone(),
                            label: s.label.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let tech = fw
        .tech_environment
        .parts_for(track)
        .flat_map(|p| p.sections.iter())
        .map(|s| TechChoice {
            heading: s.heading.clone(),
            items: s
                .items
                .iter()
                .map(|i| Check {
                    checked: form.tech_items.contains(&i.code),
                    value: i.code.clone(),
                    label: i.label.clone(),
                })
                .collect(),
        })
        .collect();
    RealisationFormPage {
        layout: layout(ctx),
        student_id,
        realisation_id,
        settings: Setting::ALL
            .iter()
            .map(|s| Choice {
                value: s.as_str().into(),
                label: s.label().into(),
            })
            .collect(),
        blocks,
        tech,
        track_code: track.code(),
        form,
        errors,
    }
}

async fn track_of(state: &AppState, cap: &StudentCap) -> AppResult<Track> {
    Ok(state.store.student_profile(cap).await?.student.track)
}

pub async fn new_realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (cap, _) = edit_access(&state, &ctx, &parts, &id).await?;
    let track = track_of(&state, &cap).await?;
    let form = RealisationForm {
        modality: "solo".into(),
        setting: Setting::Training.as_str().into(),
        ..RealisationForm::default()
    };
    Ok(render(&form_page(
        &ctx,
        cap.student_id(),
        None,
        track,
        form,
        Vec::new(),
    ))?
    .into_response())
}

fn errors_text(errors: &[portfolio_domain::input::InvalidInput]) -> Vec<String> {
    errors.iter().map(|e| capitalise(&e.message)).collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub async fn create_realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let track = track_of(&state, &cap).await?;
    // serde-free reading below decodes lossily: bad bytes are refused first.
    super::check_form_utf8(&body)?;
    let form = read_form(&body);
    match form.parse(bts_sio_2019(), track) {
        Ok(input) => {
            let rid = state.store.create_realisation(&edit, &input, now()).await?;
            Ok(Redirect::to(&format!(
                "/students/{}/realisations/{rid}?done=created",
                cap.student_id()
            ))
            .into_response())
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&form_page(
                &ctx,
                cap.student_id(),
                None,
                track,
                form,
                errors_text(&errors),
            ))?,
        )
            .into_response()),
    }
}

pub async fn edit_realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
) -> AppResult<Response> {
    let (cap, _) = edit_access(&state, &ctx, &parts, &id).await?;
    let r = state.store.realisation(&cap, path_id(&rid)?).await?;
    let track = track_of(&state, &cap).await?;
    Ok(render(&form_page(
        &ctx,
        cap.student_id(),
        Some(r.id),
        track,
        r.input.to_form(),
        Vec::new(),
    ))?
    .into_response())
}

pub async fn update_realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let rid = path_id(&rid)?;
    let track = track_of(&state, &cap).await?;
    // serde-free reading below decodes lossily: bad bytes are refused first.
    super::check_form_utf8(&body)?;
    let form = read_form(&body);
    match form.parse(bts_sio_2019(), track) {
        Ok(input) => {
            state
                .store
                .update_realisation(&edit, rid, &input, now())
                .await?;
            Ok(Redirect::to(&format!(
                "/students/{}/realisations/{rid}?done=updated",
                cap.student_id()
            ))
            .into_response())
        }
        Err(errors) => {
            // The réalisation must exist and be theirs before the form is shown back.
            state.store.realisation(&cap, rid).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&form_page(
                    &ctx,
                    cap.student_id(),
                    Some(rid),
                    track,
                    form,
                    errors_text(&errors),
                ))?,
            )
                .into_response())
        }
    }
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

fn require_confirmation(form: &ConfirmForm) -> AppResult<()> {
    if form.confirm == "yes" {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "confirm",
            "cochez la case de confirmation pour supprimer",
        ))
    }
}

pub async fn delete_realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let rid = path_id(&rid)?;
    require_confirmation(&form)?;
    state.store.delete_realisation(&edit, rid, now()).await?;
    drain_files(&state).await;
    Ok(Redirect::to(&format!("/students/{}?done=deleted", cap.student_id())).into_response())
}

/// Deletes at once the files whose rows were just removed; what fails stays queued for the
/// sweeper.
async fn drain_files(state: &AppState) {
    if let Err(e) =
        portfolio_store::blobs::drain_deletions(&state.store, state.blobs.as_ref()).await
    {
        tracing::warn!(error = %e, "suppression de fichiers reportée");
    }
}

// ---- Viewing a réalisation ---------------------------------------------------------------

async fn realisation_page(
    state: &AppState,
    ctx: &SessionCtx,
    cap: &StudentCap,
    rid: i64,
    error: Option<String>,
    done: Option<&str>,
) -> AppResult<RealisationPage> {
    let view = load_dossier(state, cap).await?;
    let r = view
        .records
        .into_iter()
        .find(|r| r.id == rid)
        .ok_or(AppError::NotFound)?;
    let profile = state.store.student_profile(cap).await?;
    let can_review = cap.review().is_some();
    // The follow-up belongs to the draft: whoever sees the handed-in version does not see it.
    let comments = if view.frozen {
        Vec::new()
    } else {
        state.store.comments(cap, rid, can_review).await?
    };
    let comments = comments
        .into_iter()
        .map(|c| CommentLine {
            author: c.author_name,
            at: format_datetime(c.created_at),
            body: c.body,
            team_only: c.visibility == CommentVisibility::Team,
        })
        .collect();
    let fw = bts_sio_2019();
    let skills = r
        .input
        .skills
        .iter()
        .map(|code| {
            let label = fw
                .skill(code)
                .map(|s| format!("{} — {}", s.competency.label, s.skill.label))
                .or_else(|| {
                    fw.competency(code)
                        .map(|c| format!("{} (savoir-faire à préciser)", c.competency.label))
                })
                .unwrap_or_default();
            (code.clone(), label)
        })
        .collect();
    let tech = r
        .input
        .tech_items
        .iter()
        .filter_map(|code| fw.tech_environment.item(code).map(|i| i.label.clone()))
        .collect();
    Ok(RealisationPage {
        layout: layout(ctx),
        student_id: cap.student_id(),
        student_name: format!(
            "{} {}",
            profile.student.first_name, profile.student.last_name
        ),
        is_owner: cap.can_edit(),
        can_review,
        period: r.input.period.short(),
        setting: r.input.setting.label(),
        modality: r.input.modality.label(),
        status: r.review_status.map(ReviewStatus::label),
        skills,
        tech,
        comments,
        error,
        notice: dossier_notice(done),
        r,
    })
}

pub async fn realisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let page =
        realisation_page(&state, &ctx, &cap, path_id(&rid)?, None, q.done.as_deref()).await?;
    Ok(render(&page)?.into_response())
}

/// Bad input on a réalisation's page: the page again, with the message, and status 422.
async fn realisation_error(
    state: &AppState,
    ctx: &SessionCtx,
    cap: &StudentCap,
    rid: i64,
    err: AppError,
) -> AppResult<Response> {
    match err {
        AppError::BadInput { message, .. } => {
            let page =
                realisation_page(state, ctx, cap, rid, Some(capitalise(&message)), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        other => Err(other),
    }
}

fn back_to(cap: &StudentCap, rid: i64, done: &str) -> Response {
    Redirect::to(&format!(
        "/students/{}/realisations/{rid}?done={done}",
        cap.student_id()
    ))
    .into_response()
}

// ---- Productions -------------------------------------------------------------------------

#[derive(serde::Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
}

pub async fn add_link(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
    Form(form): Form<LinkForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let rid = path_id(&rid)?;
    let result = async {
        let url = check_link(&form.url)?;
        let name =
            portfolio_domain::input::required_text("name", "Le titre du lien", &form.name, 200)?;
        state
            .store
            .add_artifact(
                &edit,
                rid,
                &NewArtifact {
                    kind: ArtifactKind::Link,
                    name,
                    url: Some(url),
                    storage_key: None,
                    content_type: None,
                    size_bytes: 0,
                },
                QUOTA_BYTES,
                now(),
            )
            .await?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(back_to(&cap, rid, "link")),
        Err(e) => realisation_error(&state, &ctx, &cap, rid, e).await,
    }
}

/// Reads the uploaded file of a multipart form: its name and bytes, bounded by the size limit.
pub async fn read_upload(mut multipart: Multipart) -> AppResult<(String, Vec<u8>)> {
    while let Some(mut field) = multipart.next_field().await.map_err(|_| {
        AppError::bad_input(
            "file",
            "envoi interrompu ou mal formé : renvoyez le fichier",
        )
    })? {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_file_name(field.file_name().unwrap_or_default());
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| too_big())? {
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(AppError::bad_input(
        "file",
        "aucun fichier choisi : choisissez un fichier à déposer",
    ))
}

/// A file received from a multipart form, already stored under its new key.
pub struct Received {
    pub key: String,
    pub name: String,
    pub kind: FileType,
    pub size: u64,
}

/// Receives the `file` field of `request` straight into the blob store under a new key: never
/// whole in memory, refused as soon as it passes [`MAX_FILE_BYTES`], and its type (see
/// [`FileSniffer`]) and `accept` judged before it is kept. A refused or broken upload leaves no
/// file. Call it after the access check: it is what reads the body.
pub async fn receive_file(
    state: &AppState,
    request: Request,
    no_file: &'static str,
    accept: impl Fn(FileType) -> Result<(), AppError> + Send + Sync,
) -> AppResult<Received> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| AppError::bad_input("file", no_file))?;
    loop {
        let field = multipart.next_field().await.map_err(|_| broken_upload())?;
        let Some(field) = field else {
            return Err(AppError::bad_input("file", no_file));
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_file_name(field.file_name().unwrap_or_default());
        let mut source = FieldSource {
            field,
            name,
            sniffer: FileSniffer::default(),
            accept: &accept,
            refusal: None,
            kind: None,
        };
        let key = storage_key();
        let stored = state
            .blobs
            .put_stream(&key, &mut source, MAX_FILE_BYTES as u64)
            .await;
        return match (stored, source.kind) {
            (Ok(size), Some(kind)) => Ok(Received {
                key,
                name: source.name,
                kind,
                size,
            }),
            (Ok(_), None) => Err(broken_upload()),
            (Err(e), _) => Err(source.refusal.take().unwrap_or_else(|| e.into())),
        };
    }
}

fn broken_upload() -> AppError {
    AppError::bad_input(
        "file",
        "envoi interrompu ou mal formé : renvoyez le fichier",
    )
}

fn too_big() -> AppError {
    AppError::bad_input(
        "file",
        "le fichier dépasse 20 Mo ; pour une vidéo ou une machine virtuelle, déposez plutôt un lien",
    )
}

/// The file field of an upload, as the blob store pulls it: each chunk is sniffed on its way,
/// and the end of the field is where the file is judged (an error there keeps nothing).
struct FieldSource<'a, 'm, F> {
    field: axum::extract::multipart::Field<'m>,
    name: String,
    sniffer: FileSniffer,
    accept: &'a F,
    /// Why the upload was refused, in the words the user sees.
    refusal: Option<AppError>,
    kind: Option<FileType>,
}

#[async_trait::async_trait]
impl<F> portfolio_store::blobs::BlobSource for FieldSource<'_, '_, F>
where
    F: Fn(FileType) -> Result<(), AppError> + Send + Sync,
{
    async fn next_chunk(&mut self) -> portfolio_store::Result<Option<Bytes>> {
        let refuse = |this: &mut Self, e: AppError| {
            let m = e.to_string();
            this.refusal = Some(e);
            Err(portfolio_store::StoreError::Invalid(m))
        };
        match self.field.chunk().await {
            Ok(Some(chunk)) => {
                if self.sniffer.len() + chunk.len() as u64 > MAX_FILE_BYTES as u64 {
                    return refuse(self, too_big());
                }
                self.sniffer.push(&chunk);
                Ok(Some(chunk))
            }
            Ok(None) => match self.sniffer.finish(&self.name) {
                Ok(kind) => match (self.accept)(kind) {
                    Ok(()) => {
                        self.kind = Some(kind);
                        Ok(None)
                    }
                    Err(e) => refuse(self, e),
                },
                Err(e) => refuse(self, e.into()),
            },
            Err(_) => refuse(self, broken_upload()),
        }
    }
}

pub async fn upload_file(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
    request: Request,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let rid = path_id(&rid)?;
    let result = async {
        // The réalisation must be theirs before the body is read.
        state.store.realisation(&cap, rid).await?;
        let got = receive_file(
            &state,
            request,
            "le formulaire doit contenir un fichier : choisissez-en un puis renvoyez",
            |_| Ok(()),
        )
        .await?;
        let key = got.key;
        let stored = state
            .store
            .add_artifact(
                &edit,
                rid,
                &NewArtifact {
                    kind: ArtifactKind::File,
                    name: got.name,
                    url: None,
                    storage_key: Some(key.clone()),
                    content_type: Some(got.kind.content_type.to_string()),
                    size_bytes: i64::try_from(got.size).unwrap_or(i64::MAX),
                },
                QUOTA_BYTES,
                now(),
            )
            .await;
        if let Err(e) = stored {
            // No row, so no file either.
            if let Err(del) = state.blobs.delete(&key).await {
                tracing::warn!(error = %del, "fichier orphelin non supprimé : {key}");
            }
            return Err(e.into());
        }
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(back_to(&cap, rid, "file")),
        Err(e) => realisation_error(&state, &ctx, &cap, rid, e).await,
    }
}

/// 32 hexadecimal characters from the CSPRNG: the only names files get on disk.
pub fn storage_key() -> String {
    let raw = random_token(24);
    let digest = crate::session::hash_token(&raw);
    digest[..32].to_string()
}

pub async fn download_artifact(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, aid)): Path<(String, String)>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    serve_artifact(&state, &cap, path_id(&aid)?).await
}

/// The file of artifact `aid` in the dossier `cap` reads (its handed-in or live version).
pub async fn serve_artifact(state: &AppState, cap: &StudentCap, aid: i64) -> AppResult<Response> {
    let view = load_dossier(state, cap).await?;
    let a = view
        .records
        .into_iter()
        .flat_map(|r| r.artifacts)
        .find(|a| a.id == aid)
        .ok_or(AppError::NotFound)?;
    let (Some(key), ArtifactKind::File) = (a.storage_key.as_deref(), a.kind) else {
        return Err(AppError::NotFound);
    };
    let bytes = state.blobs.get(key).await?;
    let content_type = a
        .content_type
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = content_disposition(&a.name);
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, content_type);
    h.insert(header::CONTENT_DISPOSITION, disposition);
    // Served as a download in a sandbox: an uploaded HTML or SVG can never run in our origin.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; frame-ancestors 'none'"),
    );
    Ok(res)
}

/// `attachment; filename="…"; filename*=UTF-8''…` with the name cleaned of quotes and controls.
fn content_disposition(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}

pub async fn delete_artifact(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, aid)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let a = state.store.artifact(&cap, path_id(&aid)?).await?;
    require_confirmation(&form)?;
    state.store.delete_artifact(&edit, a.id, now()).await?;
    drain_files(&state).await;
    Ok(back_to(&cap, a.realisation_id, "artifact_deleted"))
}

// ---- Teachers' follow-up -----------------------------------------------------------------

#[derive(serde::Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    visibility: String,
}

pub async fn add_comment(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
    Form(form): Form<CommentForm>,
) -> AppResult<Response> {
    let (cap, review) = review_access(&state, &ctx, &parts, &id).await?;
    let rid = path_id(&rid)?;
    let result = async {
        let body = form.body.trim();
        if body.is_empty() {
            return Err(AppError::bad_input("body", "le commentaire est vide : écrivez-le avant de l’envoyer"));
        }
        if body.chars().count() > 10_000 {
            return Err(AppError::bad_input("body", "le commentaire dépasse 10 000 caractères"));
        }
        let visibility = match form.visibility.as_str() {
            "student" => CommentVisibility::Student,
            "team" => CommentVisibility::Team,
            _ => {
                return Err(AppError::bad_input(
                    "visibility",
                    "choisissez qui voit le commentaire : l’étudiant(e) ou l’équipe pédagogique seulement",
                ));
            }
        };
        state
            .store
            .add_comment(&review, rid, ctx.user.id, body, visibility, now())
            .await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(back_to(&cap, rid, "comment")),
        Err(e) => realisation_error(&state, &ctx, &cap, rid, e).await,
    }
}

#[derive(serde::Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    status: String,
}

pub async fn set_review(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, rid)): Path<(String, String)>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    let (cap, review) = review_access(&state, &ctx, &parts, &id).await?;
    let rid = path_id(&rid)?;
    let status = match form.status.as_str() {
        "none" => None,
        s => match ReviewStatus::parse(s) {
            Some(s) => Some(s),
            None => {
                let err = AppError::bad_input(
                    "status",
                    "choisissez « Validée », « À reprendre » ou « Pas encore examinée »",
                );
                return realisation_error(&state, &ctx, &cap, rid, err).await;
            }
        },
    };
    state
        .store
        .set_review(&review, rid, status, ctx.user.id, now())
        .await?;
    Ok(back_to(&cap, rid, "review"))
}

// ---- Coverage and the E5 pair ------------------------------------------------------------

async fn coverage_page(
    state: &AppState,
    ctx: &SessionCtx,
    cap: &StudentCap,
    error: Option<String>,
    done: Option<&str>,
) -> AppResult<CoveragePage> {
    let profile = state.store.student_profile(cap).await?;
    let track = profile.student.track;
    let DossierLines { lines: rs, .. } = load_dossier_lines(state, cap).await?;
    let fw = bts_sio_2019();
    let mut tables = Vec::new();
    for block in ["B1", bloc2_code(track)] {
        let cov = coverage_of(track, block, &rs)?;
        tables.push(CoverageTable {
            title: fw
                .block(block)
                .map(|b| b.heading.clone())
                .unwrap_or_default(),
            columns: cov
                .competencies
                .iter()
                .map(|c| (c.code.clone(), c.label.clone()))
                .collect(),
            rows: rs.iter().map(|r| line(r, &cov)).collect(),
            missing: cov
                .competencies
                .iter()
                .map(|c| MissingCompetency {
                    code: c.code.clone(),
                    label: c.label.clone(),
                    covered: c.is_covered(),
                    skills: c
                        .skills
                        .iter()
                        .filter(|s| s.realisations.is_empty())
                        .map(|s| format!("{} {}", s.code, s.label))
                        .collect(),
                })
                .collect(),
            complete: cov.is_complete(),
        });
    }
    let choice = state.store.e5_choice(cap).await?;
    let verdict = match choice {
        Some((a, b)) => {
            let find = |id: i64| rs.iter().find(|r| r.id == id);
            match (find(a), find(b)) {
                (Some(x), Some(y)) => {
                    let t = tagged(&[x.clone(), y.clone()]);
                    let pair = coverage::e5_pair(fw, track, &t[0], &t[1]).ok_or_else(|| {
                        AppError::Internal(anyhow::anyhow!("bloc 2 absent du référentiel"))
                    })?;
                    Some(E5Verdict {
                        covers: pair.is_complete(),
                        missing: missing_codes(&pair),
                    })
                }
                _ => None,
            }
        }
        None => None,
    };
    Ok(CoveragePage {
        layout: layout(ctx),
        student_id: cap.student_id(),
        student_name: format!(
            "{} {}",
            profile.student.first_name, profile.student.last_name
        ),
        is_owner: cap.can_edit(),
        choices: rs
            .iter()
            .map(|r| Choice {
                value: r.id.to_string(),
                label: format!("{} ({})", r.title, r.period.short()),
            })
            .collect(),
        e5_first: choice.map(|c| c.0),
        e5_second: choice.map(|c| c.1),
        e5_verdict: verdict,
        bloc2_title: fw
            .block(bloc2_code(track))
            .map(|b| b.title.clone())
            .unwrap_or_default(),
        tables,
        error,
        notice: dossier_notice(done),
    })
}

pub async fn coverage(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let page = coverage_page(&state, &ctx, &cap, None, q.done.as_deref()).await?;
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
pub struct E5Form {
    #[serde(default)]
    first: String,
    #[serde(default)]
    second: String,
}

pub async fn choose_e5(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<E5Form>,
) -> AppResult<Response> {
    let (cap, edit) = edit_access(&state, &ctx, &parts, &id).await?;
    let result = async {
        let first = super::parse_id("first", &form.first)?;
        let second = super::parse_id("second", &form.second)?;
        state.store.set_e5_choice(&edit, first, second).await?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/students/{}/coverage?done=e5", cap.student_id()))
                .into_response(),
        ),
        Err(AppError::BadInput { message, .. }) => {
            let page = coverage_page(&state, &ctx, &cap, Some(capitalise(&message)), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(AppError::NotFound) => {
            let msg = "Réalisation inconnue : choisissez deux de vos réalisations dans les listes."
                .to_string();
            let page = coverage_page(&state, &ctx, &cap, Some(msg), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}
