//! The commission's work on a candidate: the grille d'aide à l'évaluation (annexe 6-3, or the
//! Bloc 2 grid), the fiche d'appréciation (annexe 6-4), the visas, and their PDFs; and what the
//! candidate reads of it once the jury has deliberated.
//!
//! Marks are read only through an [`EvaluationCap`] (members of the commission, the jury
//! president) or an [`AppraisalReadCap`] with the mark; the candidate's pages are built from
//! [`CandidateAppraisal`], which has no mark field.

use super::browse::path_id;
use super::dossier::DossierView;
use super::{Form, attachment, blocking, layout, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, SessionCtx, client_ip, deny, now};
use crate::templates::{Layout, Notice, format_datetime};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use portfolio_domain::access::{AppraisalReadCap, EvaluationCap, StudentAccess, StudentCap};
use portfolio_domain::appraisal::{Defect, defects, prefill, unshown, unshown_message};
use portfolio_domain::coverage::{BlockCoverage, Tagged, block_coverage, e5_pair};
use portfolio_domain::dossier::short_date;
use portfolio_domain::evaluation::{
    MarkWarning, ProposedMark, RatedRow, final_mark, mark_warnings, ready_to_sign,
};
use portfolio_domain::grid::{
    AppraisalSheet, EvaluationHeader, GridRowSpec, GridSheet, Visa, grid_rows,
};
use portfolio_domain::session_labels::DossierExam;
use portfolio_framework::{ExamForm, MasteryLevel, Penalty, Track, bts_sio_2019};
use portfolio_store::{
    CandidateAppraisal, CommissionDetail, EvaluationInput, EvaluationRecord, ExamSessionRecord,
    RosterEntry, StudentSummary,
};
use time::{Date, OffsetDateTime};

// ---- Access ------------------------------------------------------------------------------

/// One candidate of one commission: what the grid and the fiche are printed from.
pub struct Subject {
    pub session: ExamSessionRecord,
    pub commission: CommissionDetail,
    pub entry: RosterEntry,
}

/// Everything the evaluation pages need: the subject, the capability, the dossier's.
pub struct Context {
    pub cap: EvaluationCap,
    pub subject: Subject,
    pub dossier_cap: Option<StudentCap>,
}

impl std::ops::Deref for Context {
    type Target = Subject;
    fn deref(&self) -> &Subject {
        &self.subject
    }
}

/// The capability on the candidate's evaluation by this commission, or the refusal (audited):
/// the same answer whether the commission or the candidate exist or not.
pub async fn evaluation_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw_commission: &str,
    raw_student: &str,
) -> AppResult<Context> {
    let commission_id = path_id(raw_commission)?;
    let student_id = path_id(raw_student)?;
    let commission = state.store.commission_facts(commission_id).await?;
    let facts = state.store.student_facts(student_id).await?;
    let (Some(commission), Some(facts)) = (commission, facts) else {
        return Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await);
    };
    let (Some(cap), Some(commission_cap)) = (
        ctx.actor.evaluation(&commission, &facts),
        ctx.actor.commission(&commission),
    ) else {
        return Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await);
    };
    let detail = state.store.commission_detail(&commission_cap).await?;
    let entry = state
        .store
        .roster_entry(&commission_cap, student_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Context {
        cap,
        subject: Subject {
            session: state.store.session_of_commission(&commission_cap).await?,
            commission: detail,
            entry,
        },
        dossier_cap: ctx.actor.student(&facts),
    })
}

// ---- Building the sheets -----------------------------------------------------------------

fn day_of(unix: i64) -> Option<Date> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .map(|t| t.date())
}

pub fn track_of(c: &Subject) -> Track {
    c.commission.track.unwrap_or(c.entry.student.track)
}

pub fn form_of(entry: &RosterEntry) -> ExamForm {
    entry
        .registration
        .as_ref()
        .map(|r| r.form)
        .unwrap_or(ExamForm::OneOff)
}

fn person(first: &str, last: &str) -> String {
    format!("{first} {last}")
}

pub fn header(c: &Subject, annex: &str) -> EvaluationHeader {
    let s = &c.entry.student;
    let (last, first, number) = match &c.entry.registration {
        Some(r) => (
            r.last_name.clone(),
            r.first_name.clone(),
            r.candidate_number.clone(),
        ),
        None => (
            s.last_name.clone(),
            s.first_name.clone(),
            s.candidate_number.clone().unwrap_or_default(),
        ),
    };
    EvaluationHeader {
        exam_heading: c
            .session
            .labels
            .exam_heading(c.commission.exam, track_of(c)),
        annex: annex.to_owned(),
        academy: c.session.academy.clone(),
        session_year: i32::try_from(c.session.year).unwrap_or_default(),
        last_name: last,
        first_name: first,
        candidate_number: number,
        form: form_of(&c.entry),
        commission: c.commission.name.clone(),
        track: track_of(c),
        date: c.commission.exam_date,
        members: c
            .commission
            .members
            .iter()
            .map(|m| person(&m.user.first_name, &m.user.last_name))
            .collect(),
    }
}

pub fn visas(c: &Subject, e: Option<&EvaluationRecord>) -> Vec<Visa> {
    c.commission
        .members
        .iter()
        .map(|m| Visa {
            name: person(&m.user.first_name, &m.user.last_name),
            signed_on: e
                .and_then(|e| if m.seat == 1 { e.visa1 } else { e.visa2 })
                .and_then(|v| day_of(v.at)),
        })
        .collect()
}

/// What the commission must watch beside the grid: the coverage of the block by the dossier
/// handed in (for Bloc 2, by the two réalisations chosen), and the defects the fiche must show.
pub struct Watch {
    pub coverage: Option<BlockCoverage>,
    pub coverage_text: String,
    pub defects: Vec<Defect>,
}

fn tagged(view: &DossierView, only: Option<(i64, i64)>) -> Vec<Tagged> {
    view.records
        .iter()
        .filter(|r| only.is_none_or(|(a, b)| r.id == a || r.id == b))
        .map(|r| Tagged {
            id: r.id,
            skills: r.input.skills.clone(),
        })
        .collect()
}

pub fn watch(
    exam: DossierExam,
    track: Track,
    view: &DossierView,
    e5: Option<(i64, i64)>,
    environment: Option<bool>,
) -> Watch {
    let fw = bts_sio_2019();
    let coverage = match exam {
        DossierExam::Block1 => block_coverage(fw, "B1", track, &tagged(view, None)),
        DossierExam::Block2 => match e5 {
            Some(pair) => {
                let t = tagged(view, Some(pair));
                match (t.first(), t.get(1)) {
                    (Some(a), Some(b)) => e5_pair(fw, track, a, b),
                    _ => None,
                }
            }
            None => None,
        },
    };
    let coverage_text = match &coverage {
        _ if view.submission.is_none() => {
            "Le dossier n'a pas été remis : la couverture des compétences ne peut pas être vérifiée."
                .to_owned()
        }
        None => "Les deux réalisations présentées pour l'épreuve du bloc 2 n'ont pas été choisies : \
                 la couverture du bloc ne peut pas être vérifiée."
            .to_owned(),
        Some(c) if c.is_complete() => format!(
            "Toutes les compétences du bloc « {} » sont mobilisées par les réalisations présentées.",
            c.title
        ),
        Some(c) => format!(
            "Compétences du bloc « {} » mobilisées par aucune réalisation : {}.",
            c.title,
            c.missing_competencies()
                .map(|m| format!("{} {}", m.code, m.label))
                .collect::<Vec<_>>()
                .join(" ; ")
        ),
    };
    let defects = coverage
        .as_ref()
        .map(|c| defects(c, environment))
        .unwrap_or_else(|| {
            if environment == Some(false) {
                vec![Defect::Environment]
            } else {
                Vec::new()
            }
        });
    Watch {
        coverage,
        coverage_text,
        defects,
    }
}

fn environment_text(environment: Option<bool>) -> String {
    match environment {
        Some(true) => "La commission a constaté la conformité de l'environnement technologique (annexe II.E).".into(),
        Some(false) => "La commission a constaté que l'environnement technologique n'est pas conforme (annexe II.E).".into(),
        None => "La conformité de l'environnement technologique n'a pas encore été appréciée par la commission.".into(),
    }
}

pub fn grid_sheet(
    c: &Subject,
    rows: &[GridRowSpec],
    e: Option<&EvaluationRecord>,
    watch: &Watch,
) -> GridSheet {
    let input = e.map(|e| e.input.clone()).unwrap_or_default();
    GridSheet {
        header: header(c, &c.session.labels.grid_annex),
        exam: c.commission.exam,
        rows: rows
            .iter()
            .map(|r| (r.clone(), input.level(&r.key)))
            .collect(),
        coverage: watch.coverage_text.clone(),
        environment: environment_text(input.environment_conforming),
        proposed: input.proposed,
        penalties: input.penalties.clone(),
        chosen_realisation: input.chosen_realisation.as_ref().map(|(_, t)| t.clone()),
        needs_statement: (c.commission.exam == DossierExam::Block2)
            .then(|| input.needs_statement.clone()),
        visas: visas(c, e),
    }
}

/// The fiche d'appréciation as its readers with the mark see it.
pub fn appraisal_sheet(c: &Subject, record: Option<&EvaluationRecord>) -> AppraisalSheet {
    AppraisalSheet {
        header: header(c, &c.session.labels.appraisal_annex),
        part1: record.map(|r| r.input.part1.clone()).unwrap_or_default(),
        part2: record.map(|r| r.input.part2.clone()).unwrap_or_default(),
        appreciation: record
            .map(|r| r.input.appreciation.clone())
            .unwrap_or_default(),
        mark: record.and_then(fiche_mark),
        visas: visas(c, record),
    }
}

/// The coverage the commission watched, from the dossier handed in.
pub fn watch_of_submission(
    c: &Subject,
    submission: Option<portfolio_store::SubmissionRecord>,
    environment: Option<bool>,
) -> Watch {
    let e5 = submission.as_ref().and_then(|s| s.snapshot.e5);
    let view = handed_in_view(c.entry.student.id, submission);
    watch(c.commission.exam, track_of(c), &view, e5, environment)
}

/// The dossier as handed in (empty when nothing is): what the commission evaluates.
fn handed_in_view(
    student_id: i64,
    submission: Option<portfolio_store::SubmissionRecord>,
) -> DossierView {
    DossierView {
        records: submission
            .as_ref()
            .map(|s| s.snapshot.records(student_id))
            .unwrap_or_default(),
        submission,
        frozen: true,
    }
}

/// `grille-{number}.pdf`-like names, ASCII.
pub fn document_name(kind: &str, c: &Subject) -> String {
    file_name(kind, c)
}

/// The mark the fiche prints: the jury's once arrested, else the commission's final mark.
pub fn fiche_mark(e: &EvaluationRecord) -> Option<u8> {
    e.jury_mark.or_else(|| {
        e.input
            .proposed
            .map(|p| final_mark(p, &e.input.penalties).points())
    })
}

// ---- The grid page -----------------------------------------------------------------------

pub struct LevelCell {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub struct GridLine {
    pub key: String,
    pub label: String,
    pub skills: Vec<String>,
    pub indicators: Vec<String>,
    pub levels: Vec<LevelCell>,
}

pub struct PenaltyLine {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

pub struct Choice {
    pub id: i64,
    pub title: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "pages/evaluation.html")]
pub struct EvaluationPage {
    pub layout: Layout,
    pub base: String,
    pub session_label: String,
    pub heading: String,
    pub grid_title: String,
    pub appraisal_title: String,
    pub commission_id: i64,
    pub commission_name: String,
    pub student_id: i64,
    pub candidate: String,
    pub candidate_number: String,
    pub form: &'static str,
    pub track: &'static str,
    pub date: String,
    pub slot: String,
    pub members: Vec<String>,
    pub is_block2: bool,
    pub dossier_link: bool,
    pub handed_in: Option<String>,
    pub coverage_text: String,
    pub coverage_missing: bool,
    pub defects: Vec<String>,
    pub lines: Vec<GridLine>,
    pub mark: String,
    pub penalties: Vec<PenaltyLine>,
    pub final_mark: Option<u8>,
    pub environment: &'static str,
    pub choices: Vec<Choice>,
    pub needs_statement: String,
    pub part1: String,
    pub part2: String,
    pub appreciation: String,
    pub warnings: Vec<String>,
    /// « Tableau d'aide à l'appréciation des niveaux de maîtrise », as in the annex: (level,
    /// its descriptors).
    pub descriptors: Vec<(String, Vec<String>)>,
    pub visas: Vec<(String, Option<String>)>,
    pub locked: bool,
    pub by_jury: bool,
    pub can_sign: bool,
    pub jury_mark: Option<u8>,
    pub error: Option<String>,
    pub errors: Vec<String>,
    pub notice: Option<Notice>,
}

impl EvaluationPage {
    pub fn environment_is(&self, v: &str) -> bool {
        self.environment == v
    }
}

fn warning_text(w: &MarkWarning) -> String {
    w.to_string()
}

/// Values as typed, for a form sent back with its errors.
struct Typed {
    input: EvaluationInput,
    mark: String,
}

async fn page(
    state: &AppState,
    ctx: &SessionCtx,
    c: &Context,
    typed: Option<Typed>,
    error: Option<String>,
    errors: Vec<String>,
    done: Option<&str>,
) -> AppResult<EvaluationPage> {
    let track = track_of(c);
    let exam = c.commission.exam;
    let rows = grid_rows(exam, track);
    let record = state.store.evaluation(&c.cap).await?;
    let view = dossier_of(state, c).await?;
    let e5 = view.submission.as_ref().and_then(|s| s.snapshot.e5);
    let (input, mark_text) = match typed {
        Some(t) => (t.input, t.mark),
        None => {
            let input = record.as_ref().map(|r| r.input.clone()).unwrap_or_default();
            let mark = input.proposed.map(|m| m.to_string()).unwrap_or_default();
            (input, mark)
        }
    };
    let w = watch(exam, track, &view, e5, input.environment_conforming);
    let mut appreciation = input.appreciation.clone();
    if appreciation.trim().is_empty() && !w.defects.is_empty() {
        appreciation = prefill(&w.defects);
    }
    let rated: Vec<RatedRow<'_>> = rows
        .iter()
        .map(|r| RatedRow {
            label: &r.label,
            level: input.level(&r.key),
        })
        .collect();
    let warnings = input
        .proposed
        .map(|m| mark_warnings(&rated, m).iter().map(warning_text).collect())
        .unwrap_or_default();
    let seat = c
        .commission
        .members
        .iter()
        .find(|m| m.user.id == ctx.user.id)
        .map(|m| m.seat);
    let signed_by_me = match (seat, &record) {
        (Some(1), Some(r)) => r.visa1.is_some(),
        (Some(2), Some(r)) => r.visa2.is_some(),
        _ => false,
    };
    let locked = record.as_ref().is_some_and(|r| r.visas().locked());
    let labels = &c.session.labels;
    let choices = match (exam, &view, e5) {
        (DossierExam::Block2, v, Some((a, b))) => v
            .records
            .iter()
            .filter(|r| r.id == a || r.id == b)
            .map(|r| Choice {
                id: r.id,
                title: r.input.title.clone(),
                selected: input
                    .chosen_realisation
                    .as_ref()
                    .is_some_and(|(id, _)| *id == r.id),
            })
            .collect(),
        _ => Vec::new(),
    };
    let header = header(c, &labels.grid_annex);
    Ok(EvaluationPage {
        layout: layout(ctx),
        base: format!(
            "/commissions/{}/candidates/{}",
            c.commission.id, c.entry.student.id
        ),
        session_label: c.session.label.clone(),
        heading: header.exam_heading.clone(),
        grid_title: labels.annex_heading(&labels.grid_annex, "Grille d'aide à l'évaluation"),
        appraisal_title: labels.annex_heading(
            &labels.appraisal_annex,
            "Fiche d'appréciation destinée à la personne candidate",
        ),
        commission_id: c.commission.id,
        commission_name: c.commission.name.clone(),
        student_id: c.entry.student.id,
        candidate: format!("{} {}", header.last_name.to_uppercase(), header.first_name),
        candidate_number: header.candidate_number.clone(),
        form: match header.form {
            ExamForm::OneOff => "Épreuve ponctuelle",
            ExamForm::Continuous => "Contrôle en cours de formation",
        },
        track: track.label(),
        date: c.commission.exam_date.map(short_date).unwrap_or_default(),
        slot: match (&c.entry.slot_start, &c.entry.slot_end) {
            (Some(a), Some(b)) => format!("{a} – {b}"),
            _ => String::new(),
        },
        members: header.members.clone(),
        is_block2: exam == DossierExam::Block2,
        dossier_link: c.dossier_cap.is_some(),
        handed_in: view
            .submission
            .as_ref()
            .map(|s| format_datetime(s.submitted_at)),
        coverage_text: w.coverage_text.clone(),
        coverage_missing: w.coverage.as_ref().is_some_and(|c| !c.is_complete()),
        defects: w.defects.iter().map(|d| d.to_string()).collect(),
        lines: rows
            .iter()
            .map(|r| {
                let level = input.level(&r.key);
                GridLine {
                    key: r.key.clone(),
                    label: r.label.clone(),
                    skills: r.skills.clone(),
                    indicators: r.indicators.clone(),
                    levels: MasteryLevel::ALL
                        .iter()
                        .map(|l| LevelCell {
                            code: l.code(),
                            label: l.label(),
                            checked: level == Some(*l),
                        })
                        .collect(),
                }
            })
            .collect(),
        mark: mark_text,
        penalties: Penalty::ALL
            .iter()
            .map(|p| PenaltyLine {
                code: p.code(),
                label: format!("{} ({} points de pénalité)", p.label(), p.points()),
                checked: input.penalties.contains(p),
            })
            .collect(),
        final_mark: input
            .proposed
            .map(|p| final_mark(p, &input.penalties).points()),
        environment: match input.environment_conforming {
            Some(true) => "conforming",
            Some(false) => "non_conforming",
            None => "",
        },
        choices,
        needs_statement: input.needs_statement.clone(),
        part1: input.part1.clone(),
        part2: input.part2.clone(),
        appreciation,
        warnings,
        descriptors: bts_sio_2019()
            .e4_evaluation
            .mastery_levels
            .iter()
            .map(|l| (l.label.clone(), l.descriptors.clone()))
            .collect(),
        visas: visas(c, record.as_ref())
            .into_iter()
            .map(|v| (v.name, v.signed_on.map(short_date)))
            .collect(),
        locked,
        by_jury: c.cap.by_jury(),
        can_sign: seat.is_some() && record.is_some() && !signed_by_me,
        jury_mark: record.as_ref().and_then(|r| r.jury_mark),
        error,
        errors,
        notice: match done {
            Some("saved") => Some(Notice {
                ok: true,
                text: if locked {
                    "Modification enregistrée ; le motif est conservé dans l'historique.".into()
                } else {
                    "Grille et fiche enregistrées. Toute modification retire les visas déjà apposés."
                        .into()
                },
            }),
            Some("signed") => Some(Notice {
                ok: true,
                text: "Visa apposé.".into(),
            }),
            _ => None,
        },
    })
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((cid, sid)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Html<String>> {
    let c = evaluation_access(&state, &ctx, &parts, &cid, &sid).await?;
    render(&page(&state, &ctx, &c, None, None, Vec::new(), q.done.as_deref()).await?)
}

/// The form as sent: every field, the levels named `level:{row key}`.
fn read_form(
    fields: &[(String, String)],
    rows: &[GridRowSpec],
    choices: &[(i64, String)],
) -> (Typed, Vec<String>, Option<String>) {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let mut levels = Vec::new();
    for r in rows {
        let raw = get(&format!("level:{}", r.key));
        if raw.is_empty() {
            continue;
        }
        match MasteryLevel::ALL.into_iter().find(|l| l.code() == raw) {
            Some(l) => levels.push((r.key.clone(), l)),
            None => errors.push(format!(
                "Niveau inconnu pour « {} » : cochez l'un des cinq niveaux de la grille.",
                r.label
            )),
        }
    }
    let mark_text = get("mark");
    let proposed = if mark_text.is_empty() {
        None
    } else {
        match ProposedMark::parse(&mark_text) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.push(format!("Proposition de note : {e}"));
                None
            }
        }
    };
    let penalties = Penalty::ALL
        .into_iter()
        .filter(|p| fields.iter().any(|(k, v)| k == "penalty" && v == p.code()))
        .collect();
    let environment_conforming = match get("environment").as_str() {
        "conforming" => Some(true),
        "non_conforming" => Some(false),
        _ => None,
    };
    let chosen = get("chosen");
    let chosen_realisation = if chosen.is_empty() {
        None
    } else {
        let found = chosen
            .parse::<i64>()
            .ok()
            .and_then(|id| choices.iter().find(|(c, _)| *c == id).cloned());
        if found.is_none() {
            errors.push(
                "Réalisation choisie inconnue : choisissez l'une des deux réalisations présentées par la personne candidate."
                    .into(),
            );
        }
        found
    };
    let reason = Some(get("reason")).filter(|r| !r.is_empty());
    let limit = |name: &str, label: &str, errors: &mut Vec<String>| {
        let v = get(name);
        if v.chars().count() > 10_000 {
            errors.push(format!(
                "{label} dépasse 10 000 caractères : raccourcissez le texte."
            ));
        }
        v
    };
    let input = EvaluationInput {
        levels,
        proposed,
        penalties,
        environment_conforming,
        chosen_realisation,
        needs_statement: limit("needs_statement", "L'expression de besoins", &mut errors),
        part1: limit("part1", "Les observations de la partie 1", &mut errors),
        part2: limit("part2", "Les observations de la partie 2", &mut errors),
        appreciation: limit("appreciation", "L'appréciation", &mut errors),
    };
    (
        Typed {
            input,
            mark: mark_text,
        },
        errors,
        reason,
    )
}

async fn e5_choices(state: &AppState, c: &Context) -> AppResult<Vec<(i64, String)>> {
    let view = dossier_of(state, c).await?;
    let Some((a, b)) = view.submission.as_ref().and_then(|s| s.snapshot.e5) else {
        return Ok(Vec::new());
    };
    Ok(view
        .records
        .iter()
        .filter(|r| r.id == a || r.id == b)
        .map(|r| (r.id, r.input.title.clone()))
        .collect())
}

pub async fn save(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((cid, sid)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let c = evaluation_access(&state, &ctx, &parts, &cid, &sid).await?;
    let rows = grid_rows(c.commission.exam, track_of(&c));
    let choices = e5_choices(&state, &c).await?;
    let (typed, errors, reason) = read_form(&fields, &rows, &choices);
    if !errors.is_empty() {
        let p = page(&state, &ctx, &c, Some(typed), None, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    match state
        .store
        .save_evaluation(&c.cap, &typed.input, reason.as_deref(), ctx.user.id, now())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/commissions/{}/candidates/{}?done=saved",
            c.commission.id, c.entry.student.id
        ))
        .into_response()),
        Err(portfolio_store::StoreError::Invalid(message)) => {
            // Refused (locked, closed session): what was typed is shown again, nothing lost.
            let p = page(
                &state,
                &ctx,
                &c,
                Some(typed),
                Some(message),
                Vec::new(),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// What keeps the grid and fiche from being signed, in French; empty when ready.
pub fn sign_blockers(
    rows: &[GridRowSpec],
    e: &EvaluationRecord,
    watch: &Watch,
    exam: DossierExam,
) -> Vec<String> {
    let rated: Vec<RatedRow<'_>> = rows
        .iter()
        .map(|r| RatedRow {
            label: &r.label,
            level: e.input.level(&r.key),
        })
        .collect();
    let mut out: Vec<String> = match ready_to_sign(&rated, e.input.proposed) {
        Ok(()) => Vec::new(),
        Err(gaps) => gaps.iter().map(|g| g.to_string()).collect(),
    };
    for (text, what) in [
        (
            &e.input.part1,
            "les observations de la partie 1 (présentation du parcours)",
        ),
        (
            &e.input.part2,
            "les observations de la partie 2 (échange avec le jury)",
        ),
        (&e.input.appreciation, "l'appréciation"),
    ] {
        if text.trim().is_empty() {
            out.push(format!(
                "La fiche d'appréciation doit être remplie pour chaque candidat, quelle que soit la note : complétez {what}."
            ));
        }
    }
    if e.input.environment_conforming.is_none() {
        out.push("Indiquez si l'environnement technologique est conforme : la commission doit l'apprécier.".into());
    }
    if exam == DossierExam::Block2 {
        if e.input.chosen_realisation.is_none() {
            out.push(
                "Choisissez la réalisation professionnelle sur laquelle porte l'épreuve.".into(),
            );
        }
        if e.input.needs_statement.trim().is_empty() {
            out.push("Rédigez l'expression de besoins remise à la personne candidate.".into());
        }
    }
    out.extend(
        unshown(&watch.defects, &e.input.appreciation)
            .into_iter()
            .map(unshown_message),
    );
    out
}

pub async fn sign(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((cid, sid)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = evaluation_access(&state, &ctx, &parts, &cid, &sid).await?;
    let Some(record) = state.store.evaluation(&c.cap).await? else {
        let p = page(
            &state,
            &ctx,
            &c,
            None,
            Some("La grille n'est pas encore remplie : enregistrez-la avant le visa.".into()),
            Vec::new(),
            None,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    };
    let rows = grid_rows(c.commission.exam, track_of(&c));
    let w = dossier_watch(&state, &c, record.input.environment_conforming).await?;
    let blockers = sign_blockers(&rows, &record, &w, c.commission.exam);
    if !blockers.is_empty() {
        let p = page(&state, &ctx, &c, None, None, blockers, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    match state
        .store
        .sign_evaluation(&c.cap, ctx.user.id, now())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/commissions/{}/candidates/{}?done=signed",
            c.commission.id, c.entry.student.id
        ))
        .into_response()),
        Err(portfolio_store::StoreError::Invalid(message)) => {
            let p = page(&state, &ctx, &c, None, Some(message), Vec::new(), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn file_name(kind: &str, c: &Subject) -> String {
    let number: String = c
        .entry
        .registration
        .as_ref()
        .map(|r| r.candidate_number.clone())
        .unwrap_or_else(|| c.entry.student.id.to_string())
        .chars()
        .filter(|ch| ch.is_ascii_alphanumeric())
        .collect();
    format!("{kind}-{number}.pdf")
}

/// The dossier the grid evaluates: the version handed in, whoever reads the grid — a member who
/// also teaches the candidate sees the live draft on the dossier's own pages, not here. Empty
/// when the reader has no access to the dossier itself, or nothing is handed in.
async fn dossier_of(state: &AppState, c: &Context) -> AppResult<DossierView> {
    let submission = match &c.dossier_cap {
        Some(cap) => state.store.current_submission(cap).await?,
        None => None,
    };
    Ok(handed_in_view(c.entry.student.id, submission))
}

async fn dossier_watch(
    state: &AppState,
    c: &Context,
    environment: Option<bool>,
) -> AppResult<Watch> {
    let view = dossier_of(state, c).await?;
    let e5 = view.submission.as_ref().and_then(|s| s.snapshot.e5);
    Ok(watch(
        c.commission.exam,
        track_of(c),
        &view,
        e5,
        environment,
    ))
}

pub async fn grid_pdf(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((cid, sid)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = evaluation_access(&state, &ctx, &parts, &cid, &sid).await?;
    let record = state.store.evaluation(&c.cap).await?;
    let w = dossier_watch(
        &state,
        &c,
        record.as_ref().and_then(|r| r.input.environment_conforming),
    )
    .await?;
    let rows = grid_rows(c.commission.exam, track_of(&c));
    let sheet = grid_sheet(&c, &rows, record.as_ref(), &w);
    let bytes = blocking(move || {
        portfolio_pdf::grid_pdf(&sheet)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("grille d'évaluation")))
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &file_name("grille", &c),
    ))
}

pub async fn appraisal_pdf(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((cid, sid)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = evaluation_access(&state, &ctx, &parts, &cid, &sid).await?;
    let record = state.store.evaluation(&c.cap).await?;
    let sheet = appraisal_sheet(&c, record.as_ref());
    let bytes = blocking(move || {
        portfolio_pdf::appraisal_pdf(&sheet)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("fiche d'appréciation")))
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &file_name("fiche", &c),
    ))
}

// ---- The commission's page ---------------------------------------------------------------

pub struct RosterLine {
    pub student_id: i64,
    pub name: String,
    pub number: String,
    pub form: &'static str,
    pub slot: String,
    pub preparation: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "pages/commission.html")]
pub struct CommissionPage {
    pub layout: Layout,
    pub id: i64,
    pub name: String,
    pub session_label: String,
    pub exam: String,
    pub track: String,
    pub date: String,
    pub members: Vec<String>,
    pub lines: Vec<RosterLine>,
    pub can_evaluate: bool,
}

pub async fn commission(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let id = path_id(&id)?;
    let facts = state.store.commission_facts(id).await?;
    let Some(cap) = facts.as_ref().and_then(|f| ctx.actor.commission(f)) else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    let session = state.store.session_of_commission(&cap).await?;
    let detail = state.store.commission_detail(&cap).await?;
    let roster = state.store.roster(&cap).await?;
    let track = detail.track;
    render(&CommissionPage {
        layout: layout(&ctx),
        id: detail.id,
        name: detail.name.clone(),
        exam: match track {
            Some(t) => session.labels.exam_heading(detail.exam, t),
            None => format!("Épreuve du {}", detail.exam),
        },
        session_label: session.label,
        track: track.map(|t| t.label().to_owned()).unwrap_or_default(),
        date: detail.exam_date.map(short_date).unwrap_or_default(),
        members: detail
            .members
            .iter()
            .map(|m| {
                format!(
                    "{} ({})",
                    person(&m.user.first_name, &m.user.last_name),
                    match m.profile {
                        portfolio_domain::commission::MemberProfile::Professional =>
                            "professionnel(le) du secteur",
                        portfolio_domain::commission::MemberProfile::Teacher { .. } =>
                            "enseignant(e)",
                    }
                )
            })
            .collect(),
        can_evaluate: true,
        lines: roster
            .iter()
            .map(|e| RosterLine {
                student_id: e.student.id,
                name: format!(
                    "{} {}",
                    e.student.last_name.to_uppercase(),
                    e.student.first_name
                ),
                number: e
                    .registration
                    .as_ref()
                    .map(|r| r.candidate_number.clone())
                    .or_else(|| e.student.candidate_number.clone())
                    .unwrap_or_else(|| "—".into()),
                form: match form_of(e) {
                    ExamForm::OneOff => "Ponctuelle",
                    ExamForm::Continuous => "CCF",
                },
                slot: match (&e.slot_start, &e.slot_end) {
                    (Some(a), Some(b)) => format!("{a} – {b}"),
                    _ => "—".into(),
                },
                preparation: e.preparation_start.clone().unwrap_or_default(),
                state: match (e.progress.started, e.progress.visas) {
                    (false, _) => "à évaluer",
                    (true, 2) => "signée par les deux membres",
                    (true, 1) => "un visa sur deux",
                    (true, _) => "en cours",
                },
            })
            .collect(),
    })
}

// ---- What the candidate reads ------------------------------------------------------------

pub struct FicheLine {
    pub evaluation_id: i64,
    pub title: String,
    pub heading: String,
    pub session: String,
    pub commission: String,
    pub date: String,
    pub members: Vec<String>,
    pub part1: String,
    pub part2: String,
    pub appreciation: String,
    /// Only for readers of the marks: never filled on the candidate's own page.
    pub mark: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/appraisals.html")]
pub struct AppraisalsPage {
    pub layout: Layout,
    pub student_id: i64,
    pub student_name: String,
    pub fiches: Vec<FicheLine>,
    pub waiting: bool,
    /// The candidate's réclamations (their own page only).
    pub reclamations: Vec<super::reclamation::ReclamationLine>,
    pub notice: Option<Notice>,
    /// « ?copy=candidate »: the page as the candidate receives it, without the mark.
    pub candidate_copy: bool,
}

/// `?copy=candidate`: the fiche as the candidate receives it (without the mark), for the jury
/// president or the head of school who answers a réclamation; `?done=asked` after a request.
#[derive(serde::Deserialize, Default)]
pub struct AppraisalQuery {
    copy: Option<String>,
    done: Option<String>,
}

impl AppraisalQuery {
    fn candidate_copy(&self) -> bool {
        self.copy.as_deref() == Some("candidate")
    }
}

fn exam_label(a: &CandidateAppraisal) -> String {
    a.session.labels.exam_heading(a.exam, a.track)
}

async fn appraisal_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw: &str,
) -> AppResult<(AppraisalReadCap, StudentSummary, bool)> {
    let id = path_id(raw)?;
    let facts = state.store.student_facts(id).await?;
    let Some(facts) = facts else {
        return Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await);
    };
    let Some(student_cap) = ctx.actor.student(&facts) else {
        return Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await);
    };
    // The jury has deliberated in one of the candidate's sessions (the store keeps the fiches
    // of the others from the candidate as well).
    let deliberated = state
        .store
        .candidate_sessions(&student_cap)
        .await?
        .iter()
        .any(|(s, _)| s.deliberated_at.is_some());
    let profile = state.store.student_profile(&student_cap).await?;
    match ctx.actor.appraisal(&facts, deliberated) {
        Some(cap) => Ok((cap, profile.student, deliberated)),
        None if student_cap.via() == StudentAccess::Owner => {
            // Before the deliberation the candidate is told why there is nothing yet.
            Err(AppError::bad_input(
                "",
                "Les fiches d'appréciation sont consultables après la délibération du jury.",
            ))
        }
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

pub async fn appraisals(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Query(query): Query<AppraisalQuery>,
) -> AppResult<Response> {
    let student_id = path_id(&id)?;
    let (cap, student, _) = match appraisal_access(&state, &ctx, &parts, &id).await {
        Ok(v) => v,
        Err(AppError::BadInput { .. }) => {
            let facts = state.store.student_facts(student_id).await?;
            let cap = facts
                .as_ref()
                .and_then(|f| ctx.actor.student(f))
                .ok_or(AppError::Forbidden)?;
            let profile = state.store.student_profile(&cap).await?;
            return Ok(render(&AppraisalsPage {
                layout: layout(&ctx),
                student_id,
                student_name: format!(
                    "{} {}",
                    profile.student.first_name, profile.student.last_name
                ),
                fiches: Vec::new(),
                waiting: true,
                reclamations: Vec::new(),
                notice: None,
                candidate_copy: false,
            })?
            .into_response());
        }
        Err(e) => return Err(e),
    };
    let fiches = state.store.candidate_appraisals(&cap).await?;
    // Marks only for those whose capability carries them; the candidate's never does.
    let marks: Vec<EvaluationRecord> = if cap.with_mark() && !query.candidate_copy() {
        let facts = state.store.student_facts(student_id).await?;
        match facts.as_ref().and_then(|f| ctx.actor.evaluation_marks(f)) {
            Some(m) => state.store.evaluations_of(&m).await?,
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let fiches = fiches
        .iter()
        .map(|a| FicheLine {
            evaluation_id: a.evaluation_id,
            title: a.session.labels.annex_heading(
                &a.session.labels.appraisal_annex,
                "Fiche d'appréciation destinée à la personne candidate",
            ),
            heading: exam_label(a),
            session: a.session.label.clone(),
            commission: a.commission_name.clone(),
            date: a.exam_date.map(short_date).unwrap_or_default(),
            members: a.members.clone(),
            part1: a.part1.clone(),
            part2: a.part2.clone(),
            appreciation: a.appreciation.clone(),
            mark: marks
                .iter()
                .find(|m| m.id == a.evaluation_id)
                .and_then(fiche_mark)
                .map(|m| format!("{m} / 20")),
        })
        .collect();
    Ok(render(&AppraisalsPage {
        layout: layout(&ctx),
        student_id,
        student_name: format!("{} {}", student.first_name, student.last_name),
        fiches,
        waiting: false,
        reclamations: match state.store.student_facts(student_id).await? {
            Some(facts) => super::reclamation::candidate_lines(&state, &ctx, &facts).await?,
            None => Vec::new(),
        },
        notice: (query.done.as_deref() == Some("asked")).then(|| Notice {
            ok: true,
            text: "Réclamation enregistrée : votre fiche d'appréciation vous sera transmise, sans la note, \
                   par le président ou la présidente du jury ou le chef d'établissement."
                .into(),
        }),
        candidate_copy: query.candidate_copy(),
    })?
    .into_response())
}

pub async fn appraisal_copy_pdf(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, eid)): Path<(String, String)>,
    Query(query): Query<AppraisalQuery>,
) -> AppResult<Response> {
    let (cap, _, _) = appraisal_access(&state, &ctx, &parts, &id).await?;
    let eid = path_id(&eid)?;
    let a = state
        .store
        .candidate_appraisals(&cap)
        .await?
        .into_iter()
        .find(|a| a.evaluation_id == eid)
        .ok_or(AppError::NotFound)?;
    let profile_name = {
        let facts = state.store.student_facts(cap.student_id()).await?;
        let scap = facts
            .as_ref()
            .and_then(|f| ctx.actor.student(f))
            .ok_or(AppError::Forbidden)?;
        state.store.student_profile(&scap).await?.student
    };
    let mark = if cap.with_mark() && !query.candidate_copy() {
        let facts = state.store.student_facts(cap.student_id()).await?;
        match facts.as_ref().and_then(|f| ctx.actor.evaluation_marks(f)) {
            Some(m) => state
                .store
                .evaluations_of(&m)
                .await?
                .iter()
                .find(|e| e.id == eid)
                .and_then(fiche_mark),
            None => None,
        }
    } else {
        None
    };
    let sheet = AppraisalSheet {
        header: EvaluationHeader {
            exam_heading: exam_label(&a),
            annex: a.session.labels.appraisal_annex.clone(),
            academy: a.session.academy.clone(),
            session_year: i32::try_from(a.session.year).unwrap_or_default(),
            last_name: profile_name.last_name.clone(),
            first_name: profile_name.first_name.clone(),
            candidate_number: a
                .candidate_number
                .clone()
                .or(profile_name.candidate_number.clone())
                .unwrap_or_default(),
            form: a.form.unwrap_or(ExamForm::OneOff),
            commission: a.commission_name.clone(),
            track: a.track,
            date: a.exam_date,
            members: a.members.clone(),
        },
        part1: a.part1.clone(),
        part2: a.part2.clone(),
        appreciation: a.appreciation.clone(),
        mark,
        visas: a
            .members
            .iter()
            .zip(a.signed_on.iter())
            .map(|(name, at)| Visa {
                name: name.clone(),
                signed_on: at.and_then(day_of),
            })
            .collect(),
    };
    let bytes = blocking(move || {
        portfolio_pdf::appraisal_pdf(&sheet)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("fiche d'appréciation")))
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("fiche-{eid}.pdf"),
    ))
}
