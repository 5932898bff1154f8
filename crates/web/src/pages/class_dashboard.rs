//! The class dashboard for teachers and heads of school: every student × the competencies of
//! Bloc 1 and of the option's Bloc 2 (réalisations per competency), internship weeks against the
//! rules of annexe III.B, certificates, dossier handed in, last weekly report. Sortable,
//! filterable, exportable as .xlsx and .csv. Three queries whatever the size of the class, and the
//! rows are kept until the class's dossiers change (see [`Board`]).

use super::browse::path_id;
use super::internships::verdict;
use super::{attachment, blocking, layout, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, SessionCtx, client_ip, deny};
use crate::templates::{Choice, ClassDashboardPage, DashboardRow, format_datetime};
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use portfolio_domain::access::ClassCap;
use portfolio_domain::coverage::bloc2_code;
use portfolio_domain::dossier::short_date;
use portfolio_framework::bts_sio_2019;
use portfolio_store::{CertificateState, ClassDashboard, ClassRecord, InternshipSummary};
use std::collections::{BTreeSet, HashMap};
use time::Date;

#[derive(serde::Deserialize, Default)]
pub struct DashboardQuery {
    sort: Option<String>,
    filter: Option<String>,
}

const FILTERS: [(&str, &str); 5] = [
    ("all", "Tous les étudiants"),
    ("no_report", "Sans rapport hebdomadaire cette semaine"),
    ("coverage", "Couverture incomplète (bloc 1 ou 2)"),
    ("rules", "Stages non conformes aujourd’hui"),
    ("certificates", "Attestations manquantes ou non signées"),
];

async fn class_access(
    state: &AppState,
    ctx: &SessionCtx,
    parts: &Parts,
    raw: &str,
) -> AppResult<ClassCap> {
    let id = path_id(raw)?;
    let facts = state.store.class_facts(id).await?;
    match facts.as_ref().and_then(|f| ctx.actor.class(f)) {
        // Admins see rosters, not dossiers: the dashboard is made of dossiers.
        Some(cap) if cap.can_open_dossiers() => Ok(cap),
        _ => Err(deny(state, ctx, parts.uri.path(), client_ip(parts)).await),
    }
}

fn monday(d: Date) -> Date {
    d - time::Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

/// The rows of a class's dashboard at one version of its dossiers, on one day (the rules and
/// « this week » depend on the date), kept between requests: a class of 35 is thousands of rows
/// to read and the rules of annexe III.B to run for each student.
pub struct Board {
    day: Date,
    /// The class as read with its version (`dossiers_version`): the board holds while it is
    /// the same.
    class: ClassRecord,
    rows: Vec<DashboardRow>,
}

/// The dashboard's rows, kept ones if they are of the class's current version and of today.
async fn rows(state: &AppState, cap: &ClassCap) -> AppResult<(ClassRecord, Vec<DashboardRow>)> {
    let class = state.store.class(cap).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let board = state
        .caches
        .boards
        .get_or_compute(
            class.id,
            |b| b.day == today && b.class == class,
            || async {
                Ok(Board {
                    day: today,
                    rows: compute_rows(state, cap, &class).await?,
                    class: class.clone(),
                })
            },
        )
        .await?;
    Ok((class, board.rows.clone()))
}

/// Computes the rows of the dashboard from the class read whole.
async fn compute_rows(
    state: &AppState,
    cap: &ClassCap,
    class: &ClassRecord,
) -> AppResult<Vec<DashboardRow>> {
    let ClassDashboard {
        students,
        internships,
    } = state.store.class_dashboard(cap).await?;

    let fw = bts_sio_2019();
    let competencies = |block: &str| -> Vec<(String, BTreeSet<String>)> {
        fw.block(block)
            .map(|b| {
                b.competencies_for(class.track)
                    .map(|c| {
                        let mut codes: BTreeSet<String> =
                            c.skills.iter().map(|s| s.code.clone()).collect();
                        codes.insert(c.code.clone());
                        (c.code.clone(), codes)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let b1 = competencies("B1");
    let b2 = competencies(bloc2_code(class.track));
    // Skill or competency code → the competency it counts for, then
    // (student, competency) → the réalisations that mobilise it.
    let competency_of: HashMap<&str, &str> = b1
        .iter()
        .chain(b2.iter())
        .flat_map(|(competency, codes)| {
            codes.iter().map(move |c| (c.as_str(), competency.as_str()))
        })
        .collect();
    let mut mobilised: HashMap<(i64, &str), BTreeSet<i64>> = HashMap::new();
    for s in &students {
        for (realisation, code) in &s.tags {
            if let Some(competency) = competency_of.get(code.as_str()) {
                mobilised
                    .entry((s.student.id, competency))
                    .or_default()
                    .insert(*realisation);
            }
        }
    }
    let mut by_student: HashMap<i64, Vec<InternshipSummary>> = HashMap::new();
    for i in internships {
        by_student.entry(i.student_id).or_default().push(i);
    }
    let this_monday = monday(time::OffsetDateTime::now_utc().date());
    let rows = students
        .iter()
        .map(|row| {
            let s = &row.student;
            let count = |list: &[(String, BTreeSet<String>)]| -> Vec<usize> {
                list.iter()
                    .map(|(c, _)| mobilised.get(&(s.id, c.as_str())).map_or(0, BTreeSet::len))
                    .collect()
            };
            let (c1, c2) = (count(&b1), count(&b2));
            let records = by_student.remove(&s.id).unwrap_or_default();
            let v = verdict(s.route, row.facts.as_ref(), &records);
            let signed = records
                .iter()
                .filter(|r| r.certificate_state == CertificateState::Signed)
                .count();
            let last = row.last_report;
            DashboardRow {
                student_id: s.id,
                name: format!("{} {}", s.last_name, s.first_name),
                route: s.route.label(),
                b1_covered: c1.iter().filter(|n| **n > 0).count(),
                b2_covered: c2.iter().filter(|n| **n > 0).count(),
                b1: c1,
                b2: c2,
                weeks: match v.weeks_required {
                    Some(req) => format!("{} / {}", v.weeks_counted, req),
                    None => v.weeks_counted.to_string(),
                },
                weeks_days: v.weeks_counted.in_days(),
                rules_satisfied: v.satisfied,
                rules_summary: v
                    .failures
                    .iter()
                    .chain(v.missing_information.iter())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ; "),
                certificates: format!("{signed}/{} signée(s)", records.len()),
                certificates_missing: records.len() - signed,
                handed_in: row.handed_in_at.map(format_datetime),
                last_report: last.map(short_date),
                reported_this_week: last.is_some_and(|d| d >= this_monday),
            }
        })
        .collect();
    Ok(rows)
}

fn apply(rows: &mut Vec<DashboardRow>, sort: &str, filter: &str, b1: usize, b2: usize) {
    rows.retain(|r| match filter {
        "no_report" => !r.reported_this_week,
        "coverage" => r.b1_covered < b1 || r.b2_covered < b2,
        "rules" => !r.rules_satisfied,
        "certificates" => r.certificates_missing > 0,
        _ => true,
    });
    match sort {
        "coverage" => rows.sort_by_key(|r| (r.b1_covered + r.b2_covered, r.name.clone())),
        "weeks" => rows.sort_by_key(|r| (r.weeks_days, r.name.clone())),
        "report" => {
            rows.sort_by(|a, b| a.last_report.cmp(&b.last_report).then(a.name.cmp(&b.name)))
        }
        _ => {}
    }
}

fn known<'a>(value: Option<&'a str>, allowed: &[&'a str]) -> &'a str {
    value.filter(|v| allowed.contains(v)).unwrap_or(allowed[0])
}

pub async fn dashboard(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> AppResult<Response> {
    let cap = class_access(&state, &ctx, &parts, &id).await?;
    let (class, mut rows) = rows(&state, &cap).await?;
    let fw = bts_sio_2019();
    let heads = |block: &str| -> Vec<(String, String)> {
        fw.block(block)
            .map(|b| {
                b.competencies_for(class.track)
                    .map(|c| (c.code.clone(), c.label.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (b1, b2) = (heads("B1"), heads(bloc2_code(class.track)));
    let sort = known(q.sort.as_deref(), &["name", "coverage", "weeks", "report"]).to_string();
    let filters: Vec<&str> = FILTERS.iter().map(|(v, _)| *v).collect();
    let filter = known(q.filter.as_deref(), &filters).to_string();
    apply(&mut rows, &sort, &filter, b1.len(), b2.len());
    let page = ClassDashboardPage {
        layout: layout(&ctx),
        this_monday: short_date(monday(time::OffsetDateTime::now_utc().date())),
        can_open_dossiers: cap.can_open_dossiers(),
        filters: FILTERS
            .iter()
            .map(|(v, l)| Choice {
                value: (*v).into(),
                label: (*l).into(),
            })
            .collect(),
        class,
        b1,
        b2,
        rows,
        sort,
        filter,
    };
    Ok(render(&page)?.into_response())
}

/// The dashboard as a table of text: the same columns as the page.
async fn table(
    state: &AppState,
    cap: &ClassCap,
) -> AppResult<(ClassRecord, Vec<String>, Vec<Vec<String>>)> {
    let (class, rows) = rows(state, cap).await?;
    let fw = bts_sio_2019();
    let mut headers = vec!["Étudiant(e)".to_string(), "Voie de formation".to_string()];
    for block in ["B1", bloc2_code(class.track)] {
        if let Some(b) = fw.block(block) {
            headers.extend(
                b.competencies_for(class.track)
                    .map(|c| format!("{} {}", c.code, c.label)),
            );
        }
    }
    headers.extend(
        [
            "Stages (semaines)",
            "Stages conformes",
            "Attestations",
            "Dossier remis",
            "Dernier rapport",
        ]
        .map(String::from),
    );
    let lines = rows
        .into_iter()
        .map(|r| {
            let mut line = vec![r.name, r.route.to_string()];
            line.extend(r.b1.iter().chain(r.b2.iter()).map(usize::to_string));
            line.push(r.weeks);
            line.push(if r.rules_satisfied { "oui" } else { "non" }.into());
            line.push(r.certificates);
            line.push(r.handed_in.unwrap_or_default());
            line.push(r.last_report.unwrap_or_default());
            line
        })
        .collect();
    Ok((class, headers, lines))
}

pub async fn dashboard_csv(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let cap = class_access(&state, &ctx, &parts, &id).await?;
    let (class, headers, rows) = table(&state, &cap).await?;
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    let bytes = portfolio_documents::table_csv(&h, &rows);
    Ok(attachment(
        bytes,
        "text/csv; charset=utf-8",
        &format!("classe-{}.csv", class.id),
    ))
}

pub async fn dashboard_xlsx(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let cap = class_access(&state, &ctx, &parts, &id).await?;
    let (class, headers, rows) = table(&state, &cap).await?;
    let id = class.id;
    let bytes = blocking(move || {
        let h: Vec<&str> = headers.iter().map(String::as_str).collect();
        portfolio_documents::table_xlsx("Classe", &h, &rows).map_err(|e| {
            AppError::Internal(anyhow::Error::new(e).context("export .xlsx de la classe"))
        })
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("classe-{id}.xlsx"),
    ))
}
