//! The jury's side of a session once the commissions have evaluated — the harmonisation of the
//! proposed marks, the marks the jury « arrête », the deliberation — and the transmission side
//! of a school: the bordereau récapitulatif its head of school sends, as .xlsx and PDF.
//!
//! **The harmonisation page** (`/exam-sessions/{id}/harmonisation`, the jury president only) is
//! two queries — the session, and every evaluation of it — then pure computation
//! (`portfolio_domain::harmonisation`) and rendering, both on the blocking pool; no query per
//! candidate or commission. One section per grid (Bloc 1; Bloc 2 SISR; Bloc 2 SLAM: their rows
//! differ) gives the session's figures and charts, a table of every commission's figures with
//! its flag, and the charts of the flagged commissions against the session.
//!
//! The candidates are shown **one commission at a time** (`?commission=ID`, linked from every
//! row of the tables and from a selector): a session of 5,000 candidates with a form each
//! would be a page of several megabytes that no one reads whole, while a commission is the
//! unit the jury harmonises. The chosen commission comes first, with its charts against the
//! session and its candidates: the commission's proposal, penalties and final mark by the
//! rule, the visas, the jury's mark with the commission's beside it, and the form to arrest it
//! (whole points, prefilled with the commission's final mark; enabled once both members
//! signed — the store refuses it before anyway).

use super::browse::path_id;
use super::{Form, attachment, blocking, layout, render};
use crate::AppState;
use crate::charts::{self, LEVEL_COLOURS, StackedBar, StackedGroup};
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, SessionCtx, client_ip, deny, now};
use crate::templates::{
    BordereauxPage, Choice, CommissionCharts, CommissionFiguresLine, CommissionMarks, Figures,
    HarmonisationPage, HarmonisationSection, HarmonisationSections, JuryRow, Notice,
    format_datetime,
};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use portfolio_domain::access::{SchoolMarksCap, SessionMarksCap};
use portfolio_domain::evaluation::{JuryMark, final_mark, jury_mark, penalty_points};
use portfolio_domain::grid::{
    CONTRIBUTION_ROW, GridRowSpec, MarkSheet, MarkSheetRow, form_short_label, grid_rows,
};
use portfolio_domain::harmonisation::{
    CommissionFigures, Deviation, Evaluated, Harmonisation, MIN_CANDIDATES, Spread, harmonise,
};
use portfolio_domain::session_labels::{DossierExam, SessionLabels, exam_title_of_block};
use portfolio_framework::{ExamForm, MasteryLevel, Track};
use portfolio_store::{ExamSessionRecord, SessionEvaluation};
use std::collections::HashMap;
use std::sync::Arc;

/// The most characters of the jury's reason for a mark.
const MAX_REASON: usize = 1000;

/// The rule of the flag, as the page states it.
pub fn deviation_rule() -> String {
    format!(
        "Commission signalée : moyenne à plus d'un écart type de celle de la session, avec au moins {MIN_CANDIDATES} candidats notés (en deçà, la commission n'est pas jugée)."
    )
}

/// A number of points with a decimal comma and two decimals (`11,35`).
pub fn french_decimal(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
}

async fn marks_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw: &str,
) -> AppResult<SessionMarksCap> {
    let id = path_id(raw)?;
    match ctx.actor.session_marks(id) {
        Some(cap) => Ok(cap),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

/// The three grids of a session, in the order of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Grid {
    Block1,
    Block2(Track),
}

impl Grid {
    const ALL: [Grid; 3] = [
        Grid::Block1,
        Grid::Block2(Track::Sisr),
        Grid::Block2(Track::Slam),
    ];

    fn of(e: &SessionEvaluation) -> Grid {
        match e.exam {
            DossierExam::Block1 => Grid::Block1,
            DossierExam::Block2 => Grid::Block2(e.track),
        }
    }

    fn exam(self) -> DossierExam {
        match self {
            Grid::Block1 => DossierExam::Block1,
            Grid::Block2(_) => DossierExam::Block2,
        }
    }

    /// Bloc 1 rows are the same for both options.
    fn track(self) -> Track {
        match self {
            Grid::Block1 => Track::Sisr,
            Grid::Block2(t) => t,
        }
    }

    fn anchor(self) -> &'static str {
        match self {
            Grid::Block1 => "bloc1",
            Grid::Block2(Track::Sisr) => "bloc2-sisr",
            Grid::Block2(Track::Slam) => "bloc2-slam",
        }
    }

    fn short(self) -> String {
        match self {
            Grid::Block1 => "Bloc 1".into(),
            Grid::Block2(t) => format!("Bloc 2 {}", t.code()),
        }
    }

    fn heading(self, labels: &SessionLabels) -> String {
        format!(
            "{} — {}",
            self.short(),
            labels.exam_heading(self.exam(), self.track())
        )
    }
}

fn figures(spread: Option<&Spread>, without_mark: usize) -> Figures {
    match spread.filter(|s| s.count > 0) {
        Some(s) => Figures {
            count: s.count,
            mean: french_decimal(s.mean),
            std_dev: french_decimal(s.std_dev),
            without_mark,
        },
        None => Figures {
            count: 0,
            mean: "—".into(),
            std_dev: "—".into(),
            without_mark,
        },
    }
}

fn deviation_label(d: Option<Deviation>) -> &'static str {
    match d {
        Some(Deviation::InLine) => "dans l'écart",
        Some(Deviation::Above) => "signalée : moyenne au-dessus de celle de la session",
        Some(Deviation::Below) => "signalée : moyenne au-dessous de celle de la session",
        Some(Deviation::TooFew) | None => "non jugée : moins de 5 candidats notés",
    }
}

fn flagged(d: Option<Deviation>) -> bool {
    matches!(d, Some(Deviation::Above | Deviation::Below))
}

fn row_label(row: &GridRowSpec) -> String {
    if row.key == CONTRIBUTION_ROW || row.key.starts_with("B1.0") {
        row.label.clone()
    } else {
        format!("{} {}", row.key, row.label)
    }
}

fn level_names() -> Vec<&'static str> {
    MasteryLevel::ALL.iter().map(|l| l.label()).collect()
}

/// The charts of one commission in one grid, against the session.
fn commission_charts(
    grid: Grid,
    rows: &[GridRowSpec],
    name: &str,
    c: &CommissionFigures,
    session: &portfolio_domain::harmonisation::Harmonisation,
    without_mark: usize,
) -> CommissionCharts {
    let groups: Vec<StackedGroup> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| StackedGroup {
            label: row_label(row),
            bars: vec![
                StackedBar {
                    label: "Commission".into(),
                    counts: c.levels.get(i).copied().unwrap_or([0; 5]).to_vec(),
                },
                StackedBar {
                    label: "Session".into(),
                    counts: session.levels.get(i).copied().unwrap_or([0; 5]).to_vec(),
                },
            ],
        })
        .collect();
    CommissionCharts {
        id: c.commission_id,
        name: name.to_string(),
        section: grid.short(),
        figures: figures(Some(&c.marks), without_mark),
        deviation: deviation_label(Some(c.deviation)),
        flagged: flagged(Some(c.deviation)),
        histogram: charts::histogram(
            &format!(
                "{name}, {} : répartition des propositions de notes de 0 à 20, comparée à celle de la session",
                grid.short()
            ),
            &c.histogram,
            Some(&session.histogram),
        ),
        levels: charts::stacked_bars(
            &format!(
                "{name}, {} : répartition des niveaux de maîtrise par compétence, commission et session",
                grid.short()
            ),
            &level_names(),
            &LEVEL_COLOURS,
            &groups,
        ),
    }
}

/// The figures of one grid of the session, kept to chart a commission on demand.
struct GridFigures {
    grid: Grid,
    rows: Vec<GridRowSpec>,
    figures: Harmonisation,
    /// Evaluations without a proposed mark, per commission.
    without: HashMap<i64, usize>,
}

impl GridFigures {
    fn charts(&self, id: i64, name: &str) -> Option<CommissionCharts> {
        self.figures
            .commissions
            .iter()
            .find(|c| c.commission_id == id)
            .map(|c| {
                commission_charts(
                    self.grid,
                    &self.rows,
                    name,
                    c,
                    &self.figures,
                    self.without.get(&id).copied().unwrap_or(0),
                )
            })
    }
}

/// The sections of the page, one per grid with evaluations, and each grid's figures.
fn sections(
    labels: &SessionLabels,
    evaluations: &[SessionEvaluation],
    names: &HashMap<i64, String>,
) -> (Vec<HarmonisationSection>, Vec<GridFigures>) {
    let mut by_grid: HashMap<Grid, Vec<&SessionEvaluation>> = HashMap::new();
    for e in evaluations {
        by_grid.entry(Grid::of(e)).or_default().push(e);
    }
    let mut out = Vec::new();
    let mut grids = Vec::new();
    for grid in Grid::ALL {
        let Some(items) = by_grid.get(&grid) else {
            continue;
        };
        let rows = grid_rows(grid.exam(), grid.track());
        let evaluated: Vec<Evaluated> = items
            .iter()
            .filter_map(|e| {
                let input = &e.evaluation.input;
                input.proposed.map(|mark| Evaluated {
                    commission_id: e.evaluation.commission_id,
                    mark,
                    levels: rows.iter().map(|r| input.level(&r.key)).collect(),
                })
            })
            .collect();
        let h = harmonise(&evaluated);
        // The commissions of this grid, in the store's order (by name), with or without marks.
        let mut order: Vec<i64> = Vec::new();
        let mut without: HashMap<i64, usize> = HashMap::new();
        for e in items {
            let id = e.evaluation.commission_id;
            let n = without.entry(id).or_insert_with(|| {
                order.push(id);
                0
            });
            if e.evaluation.input.proposed.is_none() {
                *n += 1;
            }
        }
        let by_id: HashMap<i64, &CommissionFigures> =
            h.commissions.iter().map(|c| (c.commission_id, c)).collect();
        let name_of = |id: i64| names.get(&id).cloned().unwrap_or_default();
        let commissions: Vec<CommissionFiguresLine> = order
            .iter()
            .map(|id| {
                let c = by_id.get(id);
                let d = c.map(|c| c.deviation);
                CommissionFiguresLine {
                    id: *id,
                    name: name_of(*id),
                    figures: figures(c.map(|c| &c.marks), without.get(id).copied().unwrap_or(0)),
                    deviation: deviation_label(d),
                    flagged: flagged(d),
                }
            })
            .collect();
        let charts_of = |id: i64| {
            by_id.get(&id).map(|c| {
                commission_charts(
                    grid,
                    &rows,
                    &name_of(id),
                    c,
                    &h,
                    without.get(&id).copied().unwrap_or(0),
                )
            })
        };
        let flagged_charts: Vec<CommissionCharts> = commissions
            .iter()
            .filter(|c| c.flagged)
            .filter_map(|c| charts_of(c.id))
            .collect();
        let session_groups: Vec<StackedGroup> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| StackedGroup {
                label: row_label(row),
                bars: vec![StackedBar {
                    label: "Session".into(),
                    counts: h.levels.get(i).copied().unwrap_or([0; 5]).to_vec(),
                }],
            })
            .collect();
        out.push(HarmonisationSection {
            anchor: grid.anchor(),
            heading: grid.heading(labels),
            session: figures(Some(&h.session), without.values().sum()),
            histogram: charts::histogram(
                &format!(
                    "{} : répartition des propositions de notes de la session, de 0 à 20",
                    grid.short()
                ),
                &h.histogram,
                None,
            ),
            levels: charts::stacked_bars(
                &format!(
                    "{} : répartition des niveaux de maîtrise par compétence, session",
                    grid.short()
                ),
                &level_names(),
                &LEVEL_COLOURS,
                &session_groups,
            ),
            commissions,
            flagged: flagged_charts,
        });
        grids.push(GridFigures {
            grid,
            rows,
            figures: h,
            without,
        });
    }
    (out, grids)
}

fn jury_row(e: &SessionEvaluation) -> JuryRow {
    let ev = &e.evaluation;
    let input = &ev.input;
    let fin = input.proposed.map(|p| final_mark(p, &input.penalties));
    let visas = u8::from(ev.visa1.is_some()) + u8::from(ev.visa2.is_some());
    JuryRow {
        evaluation_id: ev.id,
        name: e.candidate_name.clone(),
        number: e.candidate_number.clone().unwrap_or_default(),
        form: e.form.map(form_short_label).unwrap_or("—"),
        exam: Grid::of(e).short(),
        proposed: input
            .proposed
            .map(|p| p.to_string())
            .unwrap_or_else(|| "—".into()),
        penalties: input.penalties.iter().map(|p| p.label()).collect(),
        penalty_points: penalty_points(&input.penalties),
        final_mark: fin.map(|f| f.to_string()).unwrap_or_else(|| "—".into()),
        visas,
        locked: ev.visas().locked(),
        jury_mark: ev.jury_mark,
        jury_reason: ev.jury_reason.clone().unwrap_or_default(),
        prefill: ev
            .jury_mark
            .map(|m| m.to_string())
            .or_else(|| fin.map(|f| f.to_string()))
            .unwrap_or_default(),
        differs: matches!((ev.jury_mark, fin), (Some(j), Some(f)) if j != f.points()),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct HarmonisationQuery {
    commission: Option<String>,
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<Notice> {
    let text = match done? {
        "mark" => "Note arrêtée par le jury : l'historique garde la note de la commission.",
        "deliberated" => {
            "Délibération enregistrée : les candidats peuvent lire leur fiche d'appréciation."
        }
        _ => return None,
    };
    Some(Notice {
        ok: true,
        text: text.into(),
    })
}

/// What the harmonisation shows of a session at one version of its evaluations: computed from
/// every grid of the session once, then kept until the version changes — a grid saved or
/// signed, a mark arrested, a commission renamed, by this server or another (the triggers of
/// migration 0008 count every change in its own transaction).
pub struct Harmonised {
    version: i64,
    labels: SessionLabels,
    sections_html: Arc<str>,
    choices: Arc<[Choice]>,
    names: HashMap<i64, String>,
    evaluations: usize,
    arrested: usize,
    grids: Vec<GridFigures>,
}

fn harmonised(
    session: &ExamSessionRecord,
    evaluations: &[SessionEvaluation],
) -> AppResult<Harmonised> {
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut counts: HashMap<i64, usize> = HashMap::new();
    let mut order: Vec<i64> = Vec::new();
    for e in evaluations {
        let id = e.evaluation.commission_id;
        *counts.entry(id).or_insert_with(|| {
            order.push(id);
            0
        }) += 1;
        names.entry(id).or_insert_with(|| e.commission_name.clone());
    }
    let (sections, grids) = sections(&session.labels, evaluations, &names);
    let sections_html = HarmonisationSections {
        session_id: session.id,
        sections,
    }
    .render()?;
    let choices = order
        .iter()
        .map(|id| Choice {
            value: id.to_string(),
            label: format!(
                "{} ({} évaluation(s))",
                names.get(id).map(String::as_str).unwrap_or_default(),
                counts.get(id).copied().unwrap_or(0)
            ),
        })
        .collect();
    Ok(Harmonised {
        version: session.evaluations_version,
        labels: session.labels.clone(),
        sections_html: sections_html.into(),
        choices,
        names,
        evaluations: evaluations.len(),
        arrested: evaluations
            .iter()
            .filter(|e| e.evaluation.jury_mark.is_some())
            .count(),
        grids,
    })
}

/// The figures of the session at the version just read with it: kept ones if they are of that
/// version, otherwise computed (once, however many requests ask at the same time).
async fn harmonised_of(
    state: &AppState,
    cap: &SessionMarksCap,
    session: &ExamSessionRecord,
) -> AppResult<Arc<Harmonised>> {
    state
        .caches
        .harmonisation
        .get_or_compute(
            session.id,
            |h| h.version == session.evaluations_version && h.labels == session.labels,
            || async {
                let evaluations = state.store.session_evaluations(cap).await?;
                let s = session.clone();
                blocking(move || harmonised(&s, &evaluations)).await
            },
        )
        .await
}

/// GET `/exam-sessions/{id}/harmonisation[?commission=ID]`.
pub async fn harmonisation(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Query(q): Query<HarmonisationQuery>,
) -> AppResult<Response> {
    let cap = marks_access(&state, &ctx, &parts, &id).await?;
    let selected = match q.commission.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(path_id(raw)?),
    };
    let session = state.store.exam_session(&cap.session()).await?;
    let figures = harmonised_of(&state, &cap, &session).await?;
    let selected = match selected {
        None => None,
        Some(id) => {
            let name = figures.names.get(&id).cloned().ok_or(AppError::NotFound)?;
            let rows = state.store.commission_evaluations(&cap, id).await?;
            Some(CommissionMarks {
                id,
                charts: figures
                    .grids
                    .iter()
                    .filter_map(|g| g.charts(id, &name))
                    .collect(),
                rows: rows.iter().map(jury_row).collect(),
                name,
            })
        }
    };
    let page = HarmonisationPage {
        layout: layout(&ctx),
        rule: deviation_rule(),
        evaluations: figures.evaluations,
        arrested: figures.arrested,
        deliberated: session.deliberated_at.map(format_datetime),
        session,
        sections_html: figures.sections_html.clone(),
        choices: figures.choices.clone(),
        selected,
        notice: notice(q.done.as_deref()),
        error: None,
    };
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
pub struct MarkForm {
    #[serde(default)]
    mark: String,
    #[serde(default)]
    reason: String,
    /// The commission whose table the form was in: where to come back to.
    #[serde(default)]
    commission: String,
}

/// The mark the jury typed: whole points from 0 to 20, the optional reason.
pub fn parse_jury_mark(mark: &str, reason: &str) -> AppResult<JuryMark> {
    if mark.trim().is_empty() {
        return Err(AppError::bad_input(
            "",
            "Note arrêtée : saisissez la note du jury, un nombre entier de points de 0 à 20.",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::bad_input(
            "",
            format!("Motif : {MAX_REASON} caractères au plus."),
        ));
    }
    jury_mark(None, mark, Some(reason))
        .map_err(|e| AppError::bad_input("", format!("Note arrêtée : {e}")))
}

/// POST `/exam-sessions/{id}/evaluations/{eid}/mark`: the jury arrests a candidate's mark.
pub async fn arrest(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, eid)): Path<(String, String)>,
    Form(form): Form<MarkForm>,
) -> AppResult<Response> {
    let cap = marks_access(&state, &ctx, &parts, &id).await?;
    let evaluation_id = path_id(&eid)?;
    let mark = parse_jury_mark(&form.mark, &form.reason)?;
    state
        .store
        .arrest_mark(
            &cap,
            evaluation_id,
            mark.mark.points(),
            mark.reason.as_deref(),
            ctx.user.id,
            now(),
        )
        .await?;
    let back = match form.commission.trim().parse::<i64>() {
        Ok(c) if c > 0 => format!(
            "/exam-sessions/{}/harmonisation?commission={c}&done=mark#evaluation-{evaluation_id}",
            cap.exam_session_id()
        ),
        _ => format!(
            "/exam-sessions/{}/harmonisation?done=mark",
            cap.exam_session_id()
        ),
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(serde::Deserialize)]
pub struct DeliberateForm {
    #[serde(default)]
    confirm: String,
}

/// POST `/exam-sessions/{id}/deliberate`: records the deliberation; the store refuses it
/// while a mark is not arrested, and its message is shown.
pub async fn deliberate(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Form(form): Form<DeliberateForm>,
) -> AppResult<Response> {
    let cap = marks_access(&state, &ctx, &parts, &id).await?;
    if form.confirm.trim().is_empty() {
        return Err(AppError::bad_input(
            "",
            "Cochez la case qui confirme la délibération du jury avant de l'enregistrer.",
        ));
    }
    let session = state.store.exam_session(&cap.session()).await?;
    if let Some(at) = session.deliberated_at {
        return Err(AppError::bad_input(
            "",
            format!(
                "La délibération de cette session est déjà enregistrée (le {}).",
                format_datetime(at)
            ),
        ));
    }
    state.store.set_deliberated(&cap, now()).await?;
    Ok(Redirect::to(&format!(
        "/exam-sessions/{}/harmonisation?done=deliberated",
        cap.exam_session_id()
    ))
    .into_response())
}

// --- The bordereau récapitulatif of a school ---------------------------------------------------

async fn school_marks_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw: &str,
) -> AppResult<SchoolMarksCap> {
    let id = path_id(raw)?;
    match ctx.actor.school_marks(id) {
        Some(cap) => Ok(cap),
        None => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

/// GET `/schools/{id}/bordereaux`: the sessions, with their bordereaux (head of school only).
pub async fn bordereaux(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let cap = school_marks_access(&state, &ctx, &parts, &id).await?;
    let Some(school_cap) = ctx.actor.school(cap.school_id()) else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    let school = state.store.school(&school_cap).await?;
    let mut sessions = state.store.exam_sessions().await?;
    sessions.sort_by(|a, b| (b.year, &a.label, a.id).cmp(&(a.year, &b.label, b.id)));
    let page = BordereauxPage {
        layout: layout(&ctx),
        school,
        sessions,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct BlocQuery {
    bloc: Option<String>,
}

/// Splits « NOM Prénom » as the store writes a candidate's name (last name in capitals, then
/// the first name): the last name is the leading words without a lower-case letter.
pub fn split_name(full: &str) -> (String, String) {
    let words: Vec<&str> = full.split_whitespace().collect();
    let upper = words
        .iter()
        .take_while(|w| !w.chars().any(char::is_lowercase))
        .count();
    // At least one word of last name; when every word is in capitals, the last one is the
    // first name.
    let cut = match upper {
        0 => 1,
        n if n == words.len() && n > 1 => n - 1,
        n => n,
    }
    .min(words.len());
    (words[..cut].join(" "), words[cut..].join(" "))
}

/// The heading of the bordereau: the exam of the session's labels and, for Bloc 2, the title
/// of each option present (both when the school has candidates in both).
pub fn bordereau_heading(labels: &SessionLabels, exam: DossierExam, tracks: &[Track]) -> String {
    match (exam, tracks) {
        (DossierExam::Block1, _) => labels.exam_heading(exam, Track::Sisr),
        (DossierExam::Block2, [track]) => labels.exam_heading(exam, *track),
        (DossierExam::Block2, []) => format!("Épreuve {}", labels.exam_code(exam)),
        (DossierExam::Block2, many) => format!(
            "Épreuve {} – {}",
            labels.exam_code(exam),
            many.iter()
                .map(|t| format!(
                    "{} ({})",
                    exam_title_of_block(*t, exam).unwrap_or_default(),
                    t.code()
                ))
                .collect::<Vec<_>>()
                .join(" ; ")
        ),
    }
}

/// The bordereau of one school for one exam, from its evaluations.
pub fn mark_sheet(
    session: &ExamSessionRecord,
    school_name: &str,
    exam: DossierExam,
    evaluations: &[SessionEvaluation],
) -> MarkSheet {
    let rows: Vec<MarkSheetRow> = evaluations
        .iter()
        .filter(|e| e.exam == exam)
        .map(|e| {
            let (last_name, first_name) = split_name(&e.candidate_name);
            MarkSheetRow {
                candidate_number: e.candidate_number.clone().unwrap_or_default(),
                last_name,
                first_name,
                track: e.track,
                // A candidate assigned without a registration has no form on record.
                form: e.form.unwrap_or(ExamForm::OneOff),
                commission: e.commission_name.clone(),
                proposed: e.evaluation.input.proposed,
                penalties: e.evaluation.input.penalties.clone(),
            }
        })
        .collect();
    let tracks: Vec<Track> = Track::ALL
        .into_iter()
        .filter(|t| rows.iter().any(|r| r.track == *t))
        .collect();
    MarkSheet {
        academy: session.academy.clone(),
        session_year: i32::try_from(session.year).unwrap_or_default(),
        school_name: school_name.to_string(),
        exam_heading: bordereau_heading(&session.labels, exam, &tracks),
        rows,
    }
}

enum Bordereau {
    Sheet(MarkSheet, u8, i64, i64),
    BadBloc(Response),
}

async fn bordereau(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    id: &str,
    sid: &str,
    bloc: Option<&str>,
) -> AppResult<Bordereau> {
    let cap = school_marks_access(state, ctx, parts, id).await?;
    let (exam, n) = match bloc.map(str::trim) {
        Some("1") => (DossierExam::Block1, 1),
        Some("2") => (DossierExam::Block2, 2),
        other => {
            let mut res = AppError::bad_input(
                "bloc",
                format!(
                    "{} : indiquez bloc=1 pour l'épreuve du bloc 1 ou bloc=2 pour celle du bloc 2",
                    match other {
                        None | Some("") => "bloc non précisé".to_string(),
                        Some(v) => format!(
                            "bloc inconnu « {} »",
                            v.chars().take(20).collect::<String>()
                        ),
                    }
                ),
            )
            .into_response();
            *res.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(Bordereau::BadBloc(res));
        }
    };
    let session_id = path_id(sid)?;
    let session = state
        .store
        .exam_sessions()
        .await?
        .into_iter()
        .find(|s| s.id == session_id)
        .ok_or(AppError::NotFound)?;
    let Some(school_cap) = ctx.actor.school(cap.school_id()) else {
        return Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await);
    };
    let school = state.store.school(&school_cap).await?;
    let evaluations = state.store.school_evaluations(&cap, session_id).await?;
    Ok(Bordereau::Sheet(
        mark_sheet(&session, &school.name, exam, &evaluations),
        n,
        cap.school_id(),
        session_id,
    ))
}

/// GET `/schools/{id}/exam-sessions/{session}/bordereau.xlsx?bloc=1|2` (head of school only).
pub async fn bordereau_xlsx(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, sid)): Path<(String, String)>,
    Query(q): Query<BlocQuery>,
) -> AppResult<Response> {
    let (sheet, n, school, session) =
        match bordereau(&state, &ctx, &parts, &id, &sid, q.bloc.as_deref()).await? {
            Bordereau::Sheet(s, n, school, session) => (s, n, school, session),
            Bordereau::BadBloc(res) => return Ok(res),
        };
    let bytes = blocking(move || {
        portfolio_documents::mark_sheet::mark_sheet_xlsx(&sheet).map_err(|e| {
            AppError::Internal(anyhow::Error::new(e).context("génération du bordereau .xlsx"))
        })
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("bordereau-bloc{n}-session{session}-etablissement{school}.xlsx"),
    ))
}

/// GET `/schools/{id}/exam-sessions/{session}/bordereau.pdf?bloc=1|2` (head of school only).
pub async fn bordereau_pdf(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, sid)): Path<(String, String)>,
    Query(q): Query<BlocQuery>,
) -> AppResult<Response> {
    let (sheet, n, school, session) =
        match bordereau(&state, &ctx, &parts, &id, &sid, q.bloc.as_deref()).await? {
            Bordereau::Sheet(s, n, school, session) => (s, n, school, session),
            Bordereau::BadBloc(res) => return Ok(res),
        };
    let bytes = blocking(move || {
        portfolio_pdf::mark_sheet_pdf(&sheet).map_err(|e| {
            AppError::Internal(anyhow::Error::new(e).context("génération du bordereau PDF"))
        })
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("bordereau-bloc{n}-session{session}-etablissement{school}.pdf"),
    ))
}

/// GET `/schools/{id}/exam-sessions/{session}/transmission.zip?bloc=1|2` (head of school
/// only): what the school sends the jury for one exam — the bordereau (.xlsx and PDF) and each
/// candidate's grid and fiche d'appréciation (PDF), in one archive.
pub async fn transmission_zip(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, sid)): Path<(String, String)>,
    Query(q): Query<BlocQuery>,
) -> AppResult<Response> {
    use super::evaluation::{
        Subject, appraisal_sheet, document_name, grid_sheet, track_of, watch_of_submission,
    };
    let (sheet, n, school, session_id) =
        match bordereau(&state, &ctx, &parts, &id, &sid, q.bloc.as_deref()).await? {
            Bordereau::Sheet(s, n, school, session) => (s, n, school, session),
            Bordereau::BadBloc(res) => return Ok(res),
        };
    let exam = if n == 1 {
        DossierExam::Block1
    } else {
        DossierExam::Block2
    };
    let cap = school_marks_access(&state, &ctx, &parts, &id).await?;
    let t = state.store.school_transmission(&cap, session_id).await?;
    let mut documents = Vec::new();
    for (commission_id, entry) in t.entries {
        let Some(commission) = t.commissions.iter().find(|c| c.id == commission_id) else {
            continue;
        };
        if commission.exam != exam {
            continue;
        }
        let record = t
            .evaluations
            .iter()
            .find(|e| e.commission_id == commission_id && e.student_id == entry.student.id)
            .cloned();
        // The dossier as handed in, read with the head of school's own access to it.
        let facts = state.store.student_facts(entry.student.id).await?;
        let submission = match facts.as_ref().and_then(|f| ctx.actor.student(f)) {
            Some(scap) => state.store.current_submission(&scap).await?,
            None => None,
        };
        let subject = Subject {
            session: t.session.clone(),
            commission: commission.clone(),
            entry,
        };
        let w = watch_of_submission(
            &subject,
            submission,
            record.as_ref().and_then(|r| r.input.environment_conforming),
        );
        let rows = grid_rows(exam, track_of(&subject));
        documents.push((
            document_name("grille", &subject),
            grid_sheet(&subject, &rows, record.as_ref(), &w),
            document_name("fiche", &subject),
            appraisal_sheet(&subject, record.as_ref()),
        ));
    }
    let bytes = blocking(move || {
        use std::io::Write;
        let err = |e: &dyn std::fmt::Display| {
            AppError::Internal(anyhow::anyhow!(
                "écriture de l’archive de transmission : {e}"
            ))
        };
        let pdf_err = |e: portfolio_pdf::PdfError| {
            AppError::Internal(anyhow::Error::new(e).context("documents de la transmission"))
        };
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let xlsx = portfolio_documents::mark_sheet::mark_sheet_xlsx(&sheet).map_err(|e| {
            AppError::Internal(anyhow::Error::new(e).context("génération du bordereau .xlsx"))
        })?;
        let pdf = portfolio_pdf::mark_sheet_pdf(&sheet).map_err(pdf_err)?;
        for (name, data) in [("bordereau.xlsx", xlsx), ("bordereau.pdf", pdf)] {
            zip.start_file(name, options).map_err(|e| err(&e))?;
            zip.write_all(&data).map_err(|e| err(&e))?;
        }
        for (grid_name, grid, fiche_name, fiche) in &documents {
            let grid = portfolio_pdf::grid_pdf(grid).map_err(pdf_err)?;
            let fiche = portfolio_pdf::appraisal_pdf(fiche).map_err(pdf_err)?;
            for (name, data) in [
                (format!("grilles/{grid_name}"), grid),
                (format!("fiches/{fiche_name}"), fiche),
            ] {
                zip.start_file(name, options).map_err(|e| err(&e))?;
                zip.write_all(&data).map_err(|e| err(&e))?;
            }
        }
        Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/zip",
        &format!("transmission-bloc{n}-session{session_id}-etablissement{school}.zip"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_split_as_the_store_joins_them() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(split_name("MARTIN Léa"), s("MARTIN", "Léa"));
        assert_eq!(
            split_name("DE LA FONTAINE Jean-Marc"),
            s("DE LA FONTAINE", "Jean-Marc")
        );
        assert_eq!(
            split_name("N'DIAYE Aïssa Marie"),
            s("N'DIAYE", "Aïssa Marie")
        );
        assert_eq!(split_name("DUPONT JB"), s("DUPONT", "JB"));
        assert_eq!(split_name("ZOLA"), s("ZOLA", ""));
        assert_eq!(split_name("émile"), s("émile", ""));
        assert_eq!(split_name(""), s("", ""));
    }

    #[test]
    fn the_bloc2_heading_names_the_options_present() {
        let labels = SessionLabels::text_of_2019();
        assert_eq!(
            bordereau_heading(&labels, DossierExam::Block2, &[Track::Slam]),
            "Épreuve E5 – Conception et développement d’applications"
        );
        let both = bordereau_heading(&labels, DossierExam::Block2, &Track::ALL);
        assert!(
            both.starts_with("Épreuve E5 – Administration des systèmes et des réseaux (SISR) ; ")
        );
        assert!(both.ends_with("(SLAM)"));
        assert_eq!(
            bordereau_heading(&labels, DossierExam::Block1, &Track::ALL),
            labels.exam_heading(DossierExam::Block1, Track::Slam)
        );
    }

    #[test]
    fn jury_marks_are_whole_points_from_0_to_20_with_french_errors() {
        let m = parse_jury_mark(" 14 ", "  Harmonisation ").expect("14");
        assert_eq!(m.mark.points(), 14);
        assert_eq!(m.reason.as_deref(), Some("Harmonisation"));
        assert_eq!(parse_jury_mark("14,0", "").expect("14,0").mark.points(), 14);
        assert!(parse_jury_mark("0", "").expect("0").reason.is_none());
        for (bad, says) in [
            ("21", "n'est pas entre 0 et 20"),
            ("douze", "n'est pas une note"),
            ("12,5", "n'est pas un nombre entier"),
            ("", "saisissez la note du jury"),
            ("-1", "n'est pas une note"),
        ] {
            let err = parse_jury_mark(bad, "").expect_err(bad).to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
        assert!(parse_jury_mark("12", &"x".repeat(MAX_REASON + 1)).is_err());
    }

    #[test]
    fn decimals_are_written_with_a_comma() {
        assert_eq!(french_decimal(11.346), "11,35");
        assert_eq!(french_decimal(0.0), "0,00");
        assert!(deviation_rule().contains(
            "moyenne à plus d'un écart type de celle de la session, avec au moins 5 candidats"
        ));
    }
}
