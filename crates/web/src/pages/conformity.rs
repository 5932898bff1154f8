//! The contrôle de conformité (annexe 6-2) of a session's candidates: the grounds found today with
//! the facts behind them, the decision recorded, and the 6-2 sheet as PDF.

use super::browse::path_id;
use super::internships::{candidate_facts, rule_periods};
use super::{Form, attachment, blocking, layout, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, SessionCtx, client_ip, deny, now};
use crate::templates::{ConformityPage, ConformityRow, Notice, format_datetime};
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_domain::access::ExamSessionCap;
use portfolio_domain::conformity::{self, ConformityCheck, ConformityState, DossierFacts};
use portfolio_domain::dossier::short_date;
use portfolio_domain::forms::{ConformityDecision, ConformitySheetForm, Finding, Person};
use portfolio_domain::internship;
use portfolio_framework::{ExamForm, bts_sio_2019};
use portfolio_store::{
    ConformityDecisionRecord, InternshipRecord, InternshipSummary, NewConformityDecision,
    SessionCandidate,
};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

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

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

fn day_of(unix: i64) -> Option<Date> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .map(|t| t.date())
}

/// One candidate's contrôle, as of today.
pub struct Checked {
    pub candidate: SessionCandidate,
    pub check: Option<ConformityCheck>,
    pub verdict: internship::Verdict,
    pub decision: Option<ConformityDecisionRecord>,
}

/// Every candidate of the session checked: five queries, then pure rules.
pub async fn check_session(
    state: &AppState,
    cap: &ExamSessionCap,
) -> AppResult<(portfolio_store::ExamSessionRecord, Vec<Checked>)> {
    let session = state.store.exam_session(cap).await?;
    let candidates = state.store.session_candidates(cap).await?;
    let mut internships: HashMap<i64, Vec<InternshipSummary>> = HashMap::new();
    for i in state.store.session_internships(cap).await? {
        internships.entry(i.student_id).or_default().push(i);
    }
    let handed_in: HashMap<i64, i64> = state
        .store
        .session_submissions(cap)
        .await?
        .into_iter()
        .collect();
    let facts: HashMap<i64, portfolio_store::CandidateFactsRecord> = state
        .store
        .session_candidate_facts(cap)
        .await?
        .into_iter()
        .map(|f| (f.student_id, f))
        .collect();
    let mut decisions: HashMap<i64, ConformityDecisionRecord> = state
        .store
        .conformity_decisions(cap)
        .await?
        .into_iter()
        .map(|d| (d.student_id, d))
        .collect();
    let today = today();
    let checked = candidates
        .into_iter()
        .map(|candidate| {
            let records = internships
                .remove(&candidate.student.id)
                .unwrap_or_default();
            let verdict = internship::evaluate(
                &candidate_facts(candidate.student.route, facts.get(&candidate.student.id)),
                &rule_periods(&records),
            );
            let decision = decisions.remove(&candidate.student.id);
            let check = session.dossier_due_date.map(|due_date| {
                let facts = DossierFacts {
                    handed_in: handed_in
                        .get(&candidate.student.id)
                        .copied()
                        .and_then(day_of),
                    due_date,
                    regularisation_deadline: decision
                        .as_ref()
                        .and_then(|d| d.regularisation_deadline),
                };
                conformity::check(&facts, &verdict, today)
            });
            Checked {
                candidate,
                check,
                verdict,
                decision,
            }
        })
        .collect();
    Ok((session, checked))
}

fn suggested(state: Option<&ConformityState>) -> &'static str {
    match state {
        Some(ConformityState::Conforming) => "conforming",
        Some(ConformityState::PendingRegularisation { .. }) => "regularisation",
        Some(ConformityState::NonConforming { .. } | ConformityState::NotValid { .. }) => {
            "non_conforming"
        }
        _ => "",
    }
}

fn decision_label(d: &ConformityDecisionRecord) -> String {
    let what = match d.decision.as_str() {
        "conforming" => "Conforme".to_string(),
        "regularisation" => match d.regularisation_deadline {
            Some(at) => format!("En attente de régularisation jusqu’au {}", short_date(at)),
            None => "En attente de régularisation".to_string(),
        },
        _ => "Non conforme (NV)".to_string(),
    };
    format!("{what} — décision du {}", format_datetime(d.decided_at))
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let (session, checked) = check_session(&state, &cap).await?;
    let error = session.dossier_due_date.is_none().then(|| {
        "La date de remise des dossiers n’est pas fixée : l’état de chaque dossier ne peut pas être établi ; seuls les stages sont vérifiés.".to_string()
    });
    let rows = checked
        .into_iter()
        .map(|c| {
            let s = &c.candidate.student;
            let (state_label, is_nv, grounds, notes) = match &c.check {
                Some(check) => (
                    check.state.label(),
                    check.state.is_nv(),
                    check
                        .grounds
                        .iter()
                        .map(|g| (g.label.to_string(), g.facts.clone()))
                        .collect(),
                    check.notes.clone(),
                ),
                None => (
                    if c.verdict.satisfied {
                        "Stages conformes"
                    } else {
                        "Stages non conformes aujourd’hui"
                    },
                    false,
                    Vec::new(),
                    c.verdict.failures.clone(),
                ),
            };
            ConformityRow {
                student_id: s.id,
                name: format!("{} {}", s.last_name.to_uppercase(), s.first_name),
                class_name: s.class_name.clone(),
                school_name: c.candidate.school_name.clone(),
                state: state_label,
                is_nv,
                grounds,
                notes,
                suggested: suggested(c.check.as_ref().map(|k| &k.state)),
                recorded: c.decision.as_ref().map(decision_label),
            }
        })
        .collect();
    let page = ConformityPage {
        layout: layout(&ctx),
        due_date: session
            .dossier_due_date
            .map(portfolio_domain::realisation::iso)
            .unwrap_or_default(),
        session,
        rows,
        today: short_date(today()),
        error,
        notice: match q.done.as_deref() {
            Some("due_date") => Some(Notice {
                ok: true,
                text: "Date de remise enregistrée.".into(),
            }),
            Some("decision") => Some(Notice {
                ok: true,
                text: "Décision enregistrée.".into(),
            }),
            _ => None,
        },
    };
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
pub struct DueDateForm {
    #[serde(default)]
    due_date: String,
}

fn parse_date(field: &'static str, raw: &str) -> AppResult<Option<Date>> {
    match raw.trim() {
        "" => Ok(None),
        s => Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| AppError::bad_input(field, "date attendue au format JJ/MM/AAAA")),
    }
}

pub async fn set_due_date(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<DueDateForm>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let date = parse_date("due_date", &form.due_date)?;
    if date.is_none() {
        return Err(AppError::bad_input(
            "due_date",
            "choisissez la date de remise des dossiers",
        ));
    }
    state.store.set_dossier_due_date(&cap, date).await?;
    Ok(Redirect::to(&format!(
        "/exam-sessions/{}/conformity?done=due_date",
        cap.exam_session_id()
    ))
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    deadline: String,
}

pub async fn record(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, sid)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let student_id = path_id(&sid)?;
    let decision = match form.decision.as_str() {
        d @ ("conforming" | "regularisation" | "non_conforming") => d,
        _ => {
            return Err(AppError::bad_input(
                "decision",
                "choisissez la décision : conforme, en attente de régularisation ou non conforme",
            ));
        }
    };
    let deadline = parse_date("deadline", &form.deadline)?;
    if decision == "regularisation" && deadline.is_none() {
        return Err(AppError::bad_input(
            "deadline",
            "une régularisation demande une date limite : indiquez-la",
        ));
    }
    let (_, checked) = check_session(&state, &cap).await?;
    let c = checked
        .iter()
        .find(|c| c.candidate.student.id == student_id)
        .ok_or(AppError::NotFound)?;
    // The facts found today are kept with the decision: the sheet prints what was decided on.
    let findings: Vec<Finding> = c
        .check
        .as_ref()
        .map(|k| k.grounds.iter().map(Finding::from).collect())
        .unwrap_or_default();
    if decision == "conforming" && !findings.is_empty() {
        return Err(AppError::bad_input(
            "decision",
            "le dossier ne peut être déclaré conforme : des motifs de non-conformité sont constatés",
        ));
    }
    let grounds = serde_json::to_string(&findings)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("motifs de la décision")))?;
    state
        .store
        .record_conformity(
            &cap,
            &NewConformityDecision {
                student_id,
                decision: decision.into(),
                grounds,
                regularisation_deadline: deadline,
                decided_by: ctx.user.id,
                decided_at: now(),
            },
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/exam-sessions/{}/conformity?done=decision",
        cap.exam_session_id()
    ))
    .into_response())
}

/// The 6-2 sheet of a candidate: the decision recorded, or the one today's facts lead to.
pub async fn sheet_pdf(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, sid)): Path<(String, String)>,
) -> AppResult<Response> {
    let cap = session_access(&state, &ctx, &parts, &id).await?;
    let student_id = path_id(&sid)?;
    let (session, checked) = check_session(&state, &cap).await?;
    let c = checked
        .into_iter()
        .find(|c| c.candidate.student.id == student_id)
        .ok_or(AppError::NotFound)?;
    let (findings, decision, check_date) = match &c.decision {
        Some(d) => {
            let findings: Vec<Finding> = serde_json::from_str(&d.grounds).unwrap_or_default();
            let decision = match d.decision.as_str() {
                "conforming" => ConformityDecision::Compliant,
                "regularisation" => ConformityDecision::AwaitingCertificates {
                    deadline: d.regularisation_deadline,
                },
                _ => ConformityDecision::NotCompliant,
            };
            (findings, decision, day_of(d.decided_at))
        }
        None => {
            let Some(check) = &c.check else {
                return Err(AppError::bad_input(
                    "",
                    "la date de remise des dossiers n’est pas fixée : la fiche ne peut pas encore être établie",
                ));
            };
            let Some(decision) = ConformityDecision::from_state(&check.state) else {
                return Err(AppError::bad_input(
                    "",
                    format!(
                        "la fiche ne peut pas encore être établie : {}",
                        check.state.label()
                    ),
                ));
            };
            (
                check.grounds.iter().map(Finding::from).collect(),
                decision,
                Some(today()),
            )
        }
    };
    let s = &c.candidate.student;
    let fw = bts_sio_2019();
    let (exam_label, exam_form) = fw
        .exam_regulation(s.track)
        .and_then(|r| r.unit_for_block("B1"))
        .map(|(exam, unit)| {
            (
                exam.label.clone(),
                unit.assessment(s.route.exam_route_group())
                    .map(|a| a.form)
                    .unwrap_or(ExamForm::OneOff),
            )
        })
        .unwrap_or_else(|| ("E4".into(), ExamForm::OneOff));
    let form = ConformitySheetForm {
        academy: session.academy.clone(),
        session_year: i32::try_from(session.year).unwrap_or_default(),
        exam_label,
        candidate_name: format!("{} {}", s.last_name.to_uppercase(), s.first_name),
        candidate_number: s.candidate_number.clone(),
        school_name: c.candidate.school_name.clone(),
        track: s.track,
        exam_form,
        findings,
        decision,
        check_date,
        deciders: vec![Person {
            name: ctx.user.display_name(),
            job_title: String::new(),
        }],
    };
    let bytes = blocking(move || {
        portfolio_pdf::conformity_sheet_pdf(&form)
            .map_err(|e| AppError::bad_input("", format!("fiche 6-2 impossible : {e}")))
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("controle-conformite-{student_id}.pdf"),
    ))
}

/// The contrôle of one candidate in each session they are a candidate of, as of today.
pub async fn candidate_view(
    state: &AppState,
    cap: &portfolio_domain::access::StudentCap,
    route: portfolio_domain::route::Route,
    track: portfolio_framework::Track,
    verdict: &internship::Verdict,
) -> AppResult<Vec<crate::templates::CandidateConformity>> {
    let sessions = state.store.candidate_sessions(cap).await?;
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    let handed_in = state
        .store
        .current_submission(cap)
        .await?
        .and_then(|s| day_of(s.submitted_at));
    let e4_form = bts_sio_2019()
        .exam_regulation(track)
        .and_then(|r| r.unit_for_block("B1"))
        .and_then(|(_, unit)| unit.assessment(route.exam_route_group()))
        .map(|a| a.form);
    Ok(sessions
        .into_iter()
        .map(|(session, decision)| {
            let check = session.dossier_due_date.map(|due_date| {
                conformity::check(
                    &DossierFacts {
                        handed_in,
                        due_date,
                        regularisation_deadline: decision
                            .as_ref()
                            .and_then(|d| d.regularisation_deadline),
                    },
                    verdict,
                    today(),
                )
            });
            crate::templates::CandidateConformity {
                session_id: session.id,
                label: session.label.clone(),
                due_date: session.dossier_due_date.map(short_date),
                state: check.as_ref().map_or(
                    "date de remise des dossiers non encore fixée par l’académie",
                    |c| c.state.label(),
                ),
                is_nv: check.as_ref().is_some_and(|c| c.state.is_nv()),
                grounds: check
                    .as_ref()
                    .map(|c| {
                        c.grounds
                            .iter()
                            .map(|g| (g.label.to_string(), g.facts.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                findings: check
                    .as_ref()
                    .map(|c| c.grounds.iter().map(Finding::from).collect())
                    .unwrap_or_default(),
                decision: decision.as_ref().map(decision_label),
                team_decides: e4_form == Some(ExamForm::Continuous),
            }
        })
        .collect())
}

/// The teaching team's decision on their student (contrôle en cours de formation).
pub async fn record_by_team(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, session_id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let cap = super::dossier::student_access(&state, &ctx, &parts, &id).await?;
    let Some(review) = cap.review() else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    let session_id = path_id(&session_id)?;
    let profile = state.store.student_profile(&cap).await?;
    let records = state.store.internships(&cap).await?;
    let facts = state.store.candidate_facts(&cap).await?;
    let summaries: Vec<_> = records.iter().map(InternshipRecord::summary).collect();
    let verdict = super::internships::verdict(profile.student.route, facts.as_ref(), &summaries);
    let views = candidate_view(
        &state,
        &cap,
        profile.student.route,
        profile.student.track,
        &verdict,
    )
    .await?;
    let view = views
        .iter()
        .find(|v| v.session_id == session_id)
        .ok_or(AppError::NotFound)?;
    if !view.team_decides {
        return Err(AppError::bad_input(
            "",
            "ce candidat passe l’épreuve en forme ponctuelle : la commission de l’académie décide de la conformité",
        ));
    }
    let decision = match form.decision.as_str() {
        d @ ("conforming" | "regularisation" | "non_conforming") => d,
        _ => return Err(AppError::bad_input("decision", "choisissez la décision")),
    };
    let deadline = parse_date("deadline", &form.deadline)?;
    if decision == "regularisation" && deadline.is_none() {
        return Err(AppError::bad_input(
            "deadline",
            "une régularisation demande une date limite : indiquez-la",
        ));
    }
    if decision == "conforming" && !view.grounds.is_empty() {
        return Err(AppError::bad_input(
            "decision",
            "le dossier ne peut être déclaré conforme : des motifs de non-conformité sont constatés",
        ));
    }
    let grounds = serde_json::to_string(&view.findings)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("motifs de la décision")))?;
    state
        .store
        .record_conformity_by_team(
            &review,
            session_id,
            &NewConformityDecision {
                student_id: cap.student_id(),
                decision: decision.into(),
                grounds,
                regularisation_deadline: deadline,
                decided_by: ctx.user.id,
                decided_at: now(),
            },
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/students/{}/internships?done=decision",
        cap.student_id()
    ))
    .into_response())
}
