//! `portfolio-sio purge`: removes the evaluation documents (grids, fiches, their history and the
//! registrations) of the exam sessions whose retention is over.
//!
//! The decision is a pure function of the sessions, their dates and today ([`plan`]); the
//! store then deletes each expired session in its own transaction and writes the audit entry.

use anyhow::{Context, Result};
use portfolio_domain::evaluation::{Retention, retention};
use portfolio_domain::input::ascii_fold;
use portfolio_store::{DynStore, ExamSessionRecord, PurgeCounts};
use time::Date;

/// The environment variable that fakes today's date (tests and rehearsals).
pub const TODAY_VAR: &str = "PORTFOLIO_TODAY";

/// What happens to one session's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Both retention periods are over: the documents go.
    Purge,
    /// No later session of the académie with a known date: « jusqu'à la session suivante »
    /// cannot have passed.
    KeepUntilNextSession,
    /// Kept until this day included.
    KeepUntil(Date),
    /// Neither the end of training nor a date of the session itself is known, so the year
    /// after the training cannot be counted: kept, and the operator is told what to fill in.
    UnknownEndOfTraining,
    /// Purged before (at this Unix time): nothing left to do.
    AlreadyPurged(i64),
}

/// One session of the plan, in report order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub session_id: i64,
    /// « Session 2025 — Lyon (n° 3) ».
    pub title: String,
    pub decision: Decision,
}

/// The académie as compared: case, accents and punctuation aside, since it is typed by hand
/// for each session (« Créteil » and « creteil » are one académie).
fn academy_key(academy: &str) -> String {
    ascii_fold(academy.trim())
}

/// Decides, for every session, whether its documents may be purged today.
///
/// `dates` is [`EvaluationStore::session_dates`](portfolio_store::EvaluationStore::session_dates):
/// the date of each session's first exam. The next session of a session is the earliest
/// session of the same académie with a larger year (purged or not: its exams took place all
/// the same); among several of that year the earliest known date counts, which can only
/// keep the documents longer.
pub fn plan(
    sessions: &[ExamSessionRecord],
    dates: &[(i64, Option<Date>)],
    today: Date,
) -> Vec<Planned> {
    let date_of = |id: i64| dates.iter().find(|(s, _)| *s == id).and_then(|(_, d)| *d);
    let mut ordered: Vec<&ExamSessionRecord> = sessions.iter().collect();
    ordered.sort_by(|a, b| (a.year, &a.academy, a.id).cmp(&(b.year, &b.academy, b.id)));
    ordered
        .into_iter()
        .map(|session| {
            let decision = match session.purged_at {
                Some(at) => Decision::AlreadyPurged(at),
                None => decide(session, sessions, &date_of, today),
            };
            Planned {
                session_id: session.id,
                title: format!(
                    "Session {} — {} (n° {})",
                    session.year, session.academy, session.id
                ),
                decision,
            }
        })
        .collect()
}

fn decide(
    session: &ExamSessionRecord,
    all: &[ExamSessionRecord],
    date_of: &impl Fn(i64) -> Option<Date>,
    today: Date,
) -> Decision {
    let key = academy_key(&session.academy);
    let later: Vec<&ExamSessionRecord> = all
        .iter()
        .filter(|o| o.id != session.id && o.year > session.year && academy_key(&o.academy) == key)
        .collect();
    let next_session = later.iter().map(|o| o.year).min().and_then(|year| {
        later
            .iter()
            .filter(|o| o.year == year)
            .filter_map(|o| date_of(o.id))
            .min()
    });
    // Without a recorded end of training, the session's own exams end it.
    let Some(end_of_training) = session.training_end_date.or_else(|| date_of(session.id)) else {
        return Decision::UnknownEndOfTraining;
    };
    match retention(end_of_training, next_session, today) {
        Retention::Expired => Decision::Purge,
        Retention::UntilNextSession => Decision::KeepUntilNextSession,
        Retention::Until(until) => Decision::KeepUntil(until),
    }
}

/// Today: `PORTFOLIO_TODAY` (YYYY-MM-DD) when set and not empty, else the system clock in UTC.
/// `value` is the variable as read, so that the parsing is tested without the environment.
pub fn today_from(value: Option<std::ffi::OsString>) -> Result<Date> {
    let Some(raw) = value.filter(|v| !v.is_empty()) else {
        return Ok(time::OffsetDateTime::now_utc().date());
    };
    let text = raw.to_string_lossy();
    Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
    .with_context(|| {
        format!(
            "{TODAY_VAR} invalide : « {text} » n’est pas une date AAAA-MM-JJ (cette variable ne sert qu’aux tests et aux répétitions ; retirez-la pour utiliser la date du jour)"
        )
    })
}

fn french_date(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

fn counts_text(c: &PurgeCounts) -> String {
    format!(
        "{} évaluation(s), {} entrée(s) d’historique, {} inscription(s)",
        c.evaluations, c.history, c.registrations
    )
}

/// The report line of one session; `counts` is what was (or would be) removed.
pub fn line(p: &Planned, counts: Option<&PurgeCounts>, dry_run: bool) -> String {
    let what = match (p.decision, counts) {
        (Decision::Purge, Some(c)) if dry_run => format!("serait purgée : {}", counts_text(c)),
        (Decision::Purge, Some(c)) => format!("purgée : {}", counts_text(c)),
        (Decision::Purge, None) if dry_run => "serait purgée".to_owned(),
        (Decision::Purge, None) => "purgée".to_owned(),
        (Decision::KeepUntilNextSession, _) => "conservée jusqu’à la session suivante".to_owned(),
        (Decision::KeepUntil(d), _) => format!("conservée jusqu’au {}", french_date(d)),
        (Decision::UnknownEndOfTraining, _) => "conservée : date de fin de formation inconnue : renseignez-la dans les paramètres de la session".to_owned(),
        (Decision::AlreadyPurged(at), _) => {
            match time::OffsetDateTime::from_unix_timestamp(at) {
                Ok(t) => format!("déjà purgée le {}, ignorée", french_date(t.date())),
                Err(_) => "déjà purgée, ignorée".to_owned(),
            }
        }
    };
    format!("{} : {what}", p.title)
}

/// Runs the plan: prints one line per session as it goes (an error halfway leaves the lines of
/// the sessions already purged on screen), then the total. `now` stamps `purged_at` and the
/// audit entry with the real time of the deletion, even when today is faked.
pub async fn run(store: &DynStore, dry_run: bool, today: Date, now: i64) -> Result<()> {
    let sessions = store
        .exam_sessions()
        .await
        .context("lecture des sessions d’examen impossible")?;
    let dates = store
        .session_dates()
        .await
        .context("lecture des dates des sessions impossible")?;
    let planned = plan(&sessions, &dates, today);
    purge_audit(store, dry_run, now).await?;
    if planned.is_empty() {
        println!("Aucune session d’examen : rien à purger.");
        return Ok(());
    }
    let mut total = PurgeCounts::default();
    let (mut purged, mut kept, mut skipped) = (0u64, 0u64, 0u64);
    for p in &planned {
        let counts = match p.decision {
            Decision::Purge => {
                let c = store
                    .purge_session(p.session_id, dry_run, now)
                    .await
                    .with_context(|| format!("{} : purge impossible", p.title))?;
                purged += 1;
                total.evaluations += c.evaluations;
                total.history += c.history;
                total.registrations += c.registrations;
                Some(c)
            }
            Decision::AlreadyPurged(_) => {
                skipped += 1;
                None
            }
            _ => {
                kept += 1;
                None
            }
        };
        println!("{}", line(p, counts.as_ref(), dry_run));
    }
    let head = if dry_run {
        format!(
            "Total (simulation, rien n’a été supprimé) : {purged} session(s) seraient purgée(s)"
        )
    } else {
        format!("Total : {purged} session(s) purgée(s)")
    };
    println!(
        "{head} ({}), {kept} conservée(s), {skipped} déjà purgée(s) au {}.",
        counts_text(&total),
        french_date(today)
    );
    Ok(())
}

/// The audit log is kept 12 months (CNIL), counted from the real time of the run.
async fn purge_audit(store: &DynStore, dry_run: bool, now: i64) -> Result<()> {
    if dry_run {
        println!(
            "Journal d’audit : les entrées de plus de 12 mois seront effacées (rien n’est effacé en simulation)."
        );
        return Ok(());
    }
    let removed = store
        .purge_audit(now - portfolio_store::AUDIT_RETENTION_SECS)
        .await
        .context("purge du journal d’audit (entrées de plus de 12 mois) impossible")?;
    println!("Journal d’audit : {removed} entrée(s) de plus de 12 mois effacée(s).");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn session(id: i64, year: i64, academy: &str, end: Option<Date>) -> ExamSessionRecord {
        ExamSessionRecord {
            id,
            year,
            academy: academy.into(),
            label: format!("Session {year}"),
            dossier_due_date: None,
            labels: Default::default(),
            ccf_end_date: None,
            training_end_date: end,
            deliberated_at: None,
            closed_at: None,
            purged_at: None,
            evaluations_version: 0,
        }
    }

    fn decision_of(planned: &[Planned], id: i64) -> Decision {
        planned
            .iter()
            .find(|p| p.session_id == id)
            .map(|p| p.decision)
            .expect("session in the plan")
    }

    #[test]
    fn without_a_next_session_the_documents_are_kept() {
        let sessions = [session(1, 2025, "Lyon", Some(date!(2025 - 06 - 30)))];
        let dates = [(1, Some(date!(2025 - 06 - 10)))];
        let p = plan(&sessions, &dates, date!(2030 - 01 - 01));
        assert_eq!(decision_of(&p, 1), Decision::KeepUntilNextSession);
        assert_eq!(
            line(&p[0], None, false),
            "Session 2025 — Lyon (n° 1) : conservée jusqu’à la session suivante"
        );
        // A next session without any date counts as not known yet.
        let sessions = [sessions[0].clone(), session(2, 2026, "Lyon", None)];
        let dates = [(1, Some(date!(2025 - 06 - 10))), (2, None)];
        let p = plan(&sessions, &dates, date!(2030 - 01 - 01));
        assert_eq!(decision_of(&p, 1), Decision::KeepUntilNextSession);
    }

    #[test]
    fn before_a_year_after_the_training_the_documents_are_kept_until_that_day() {
        let sessions = [
            session(1, 2025, "Lyon", Some(date!(2025 - 06 - 30))),
            session(2, 2026, "Lyon", None),
        ];
        let dates = [
            (1, Some(date!(2025 - 06 - 10))),
            (2, Some(date!(2026 - 05 - 20))),
        ];
        let p = plan(&sessions, &dates, date!(2026 - 03 - 01));
        assert_eq!(
            decision_of(&p, 1),
            Decision::KeepUntil(date!(2026 - 06 - 30))
        );
        assert_eq!(
            line(&p[0], None, false),
            "Session 2025 — Lyon (n° 1) : conservée jusqu’au 30/06/2026"
        );
        // The last day is still kept.
        let p = plan(&sessions, &dates, date!(2026 - 06 - 30));
        assert_eq!(
            decision_of(&p, 1),
            Decision::KeepUntil(date!(2026 - 06 - 30))
        );
        // The newest session has no next one.
        assert_eq!(decision_of(&p, 2), Decision::KeepUntilNextSession);
    }

    #[test]
    fn once_both_periods_are_over_the_session_is_purged() {
        let sessions = [
            session(1, 2025, "Lyon", Some(date!(2025 - 06 - 30))),
            session(2, 2026, "Lyon", None),
        ];
        let dates = [
            (1, Some(date!(2025 - 06 - 10))),
            (2, Some(date!(2026 - 09 - 15))),
        ];
        // The year is over but the next session comes later: it decides.
        let p = plan(&sessions, &dates, date!(2026 - 07 - 01));
        assert_eq!(
            decision_of(&p, 1),
            Decision::KeepUntil(date!(2026 - 09 - 15))
        );
        let p = plan(&sessions, &dates, date!(2026 - 09 - 16));
        assert_eq!(decision_of(&p, 1), Decision::Purge);
        let counts = PurgeCounts {
            evaluations: 12,
            history: 3,
            registrations: 12,
        };
        assert_eq!(
            line(&p[0], Some(&counts), false),
            "Session 2025 — Lyon (n° 1) : purgée : 12 évaluation(s), 3 entrée(s) d’historique, 12 inscription(s)"
        );
        assert_eq!(
            line(&p[0], Some(&counts), true),
            "Session 2025 — Lyon (n° 1) : serait purgée : 12 évaluation(s), 3 entrée(s) d’historique, 12 inscription(s)"
        );
    }

    #[test]
    fn without_an_end_of_training_the_sessions_own_date_ends_it_else_it_is_kept() {
        let sessions = [
            session(1, 2025, "Lyon", None),
            session(2, 2026, "Lyon", None),
        ];
        let dates = [
            (1, Some(date!(2025 - 06 - 10))),
            (2, Some(date!(2026 - 05 - 20))),
        ];
        let p = plan(&sessions, &dates, date!(2026 - 06 - 10));
        assert_eq!(
            decision_of(&p, 1),
            Decision::KeepUntil(date!(2026 - 06 - 10))
        );
        let p = plan(&sessions, &dates, date!(2026 - 06 - 11));
        assert_eq!(decision_of(&p, 1), Decision::Purge);
        // No date at all: kept, with what to fill in.
        let dates = [(1, None), (2, Some(date!(2026 - 05 - 20)))];
        let p = plan(&sessions, &dates, date!(2040 - 01 - 01));
        assert_eq!(decision_of(&p, 1), Decision::UnknownEndOfTraining);
        assert!(
            line(&p[0], None, false).ends_with(
                "date de fin de formation inconnue : renseignez-la dans les paramètres de la session"
            ),
            "{}",
            line(&p[0], None, false)
        );
    }

    #[test]
    fn a_training_ending_on_29_february_is_kept_until_28_february() {
        let sessions = [
            session(1, 2028, "Lyon", Some(date!(2028 - 02 - 29))),
            session(2, 2029, "Lyon", None),
        ];
        let dates = [(1, None), (2, Some(date!(2028 - 06 - 01)))];
        let p = plan(&sessions, &dates, date!(2029 - 02 - 28));
        assert_eq!(
            decision_of(&p, 1),
            Decision::KeepUntil(date!(2029 - 02 - 28))
        );
        let p = plan(&sessions, &dates, date!(2029 - 03 - 01));
        assert_eq!(decision_of(&p, 1), Decision::Purge);
    }

    #[test]
    fn sessions_of_other_academies_are_not_next_sessions() {
        let sessions = [
            session(1, 2025, "Lyon", Some(date!(2025 - 06 - 30))),
            session(2, 2026, "Grenoble", None),
            session(3, 2024, "Lyon", Some(date!(2024 - 06 - 30))),
            session(4, 2027, " lyon ", None),
        ];
        let dates = [
            (1, Some(date!(2025 - 06 - 10))),
            (2, Some(date!(2026 - 05 - 20))),
            (3, Some(date!(2024 - 06 - 10))),
            (4, Some(date!(2027 - 05 - 20))),
        ];
        let p = plan(&sessions, &dates, date!(2026 - 12 - 01));
        // Grenoble 2026 is not Lyon's next session; the next one of Lyon is 2027 (the
        // académie compared case and spaces aside), an older one never counts.
        assert_eq!(
            decision_of(&p, 1),
            Decision::KeepUntil(date!(2027 - 05 - 20))
        );
        assert_eq!(decision_of(&p, 2), Decision::KeepUntilNextSession);
        // Lyon 2024's next session is 2025, not 2027.
        assert_eq!(decision_of(&p, 3), Decision::Purge);
        // Report order: by year.
        let ids: Vec<i64> = p.iter().map(|x| x.session_id).collect();
        assert_eq!(ids, [3, 1, 2, 4]);
    }

    #[test]
    fn already_purged_sessions_are_skipped_but_still_count_as_next_sessions() {
        let mut old = session(1, 2024, "Lyon", Some(date!(2024 - 06 - 30)));
        old.purged_at = Some(1_800_000_000);
        let sessions = [old, session(2, 2025, "Lyon", Some(date!(2025 - 06 - 30)))];
        let dates = [
            (1, Some(date!(2024 - 06 - 10))),
            (2, Some(date!(2025 - 06 - 10))),
        ];
        let p = plan(&sessions, &dates, date!(2030 - 01 - 01));
        assert_eq!(decision_of(&p, 1), Decision::AlreadyPurged(1_800_000_000));
        assert_eq!(
            line(&p[0], None, false),
            "Session 2024 — Lyon (n° 1) : déjà purgée le 15/01/2027, ignorée"
        );
        assert_eq!(decision_of(&p, 2), Decision::KeepUntilNextSession);
        // A purged later session still is the next session of an older one.
        let mut newer = session(3, 2026, "Lyon", None);
        newer.purged_at = Some(1_800_000_000);
        let sessions = [sessions[1].clone(), newer];
        let dates = [
            (2, Some(date!(2025 - 06 - 10))),
            (3, Some(date!(2026 - 05 - 20))),
        ];
        let p = plan(&sessions, &dates, date!(2030 - 01 - 01));
        assert_eq!(decision_of(&p, 2), Decision::Purge);
    }

    #[test]
    fn portfolio_today_is_a_date_or_a_clear_error() {
        assert_eq!(
            today_from(Some("2027-01-15".into())).expect("date"),
            date!(2027 - 01 - 15)
        );
        assert!(today_from(None).is_ok());
        assert!(today_from(Some("".into())).is_ok());
        for bad in ["15/01/2027", "2027-02-30", "demain", "2027-1-5"] {
            let e = today_from(Some(bad.into())).expect_err(bad).to_string();
            assert!(
                e.starts_with("PORTFOLIO_TODAY invalide : « ") && !e.contains('\n'),
                "{e}"
            );
        }
    }
}
