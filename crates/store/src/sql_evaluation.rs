//! The SQL of exam sessions after the hand-in (registrations, commissions, grids, fiches, the
//! jury's marks, purging), shared by both backends (stamped by `evaluation_store!`).

use crate::{Result, StoreError};
use portfolio_domain::commission::MemberProfile;
use portfolio_domain::session_labels::DossierExam;
use portfolio_framework::{ExamForm, MasteryLevel, Penalty, Track};

pub(crate) fn exam_to_sql(exam: DossierExam) -> &'static str {
    match exam {
        DossierExam::Block1 => "block1",
        DossierExam::Block2 => "block2",
    }
}

pub(crate) fn exam_from_sql(s: &str) -> Result<DossierExam> {
    match s {
        "block1" => Ok(DossierExam::Block1),
        "block2" => Ok(DossierExam::Block2),
        other => Err(StoreError::Invalid(format!(
            "épreuve inconnue en base : {other}"
        ))),
    }
}

pub(crate) fn form_to_sql(form: ExamForm) -> &'static str {
    match form {
        ExamForm::OneOff => "one_off",
        ExamForm::Continuous => "continuous",
    }
}

pub(crate) fn form_from_sql(s: &str) -> Result<ExamForm> {
    match s {
        "one_off" => Ok(ExamForm::OneOff),
        "continuous" => Ok(ExamForm::Continuous),
        other => Err(StoreError::Invalid(format!(
            "forme d’épreuve inconnue en base : {other}"
        ))),
    }
}

/// « B1.1=good_mastery;B1.2=partial_mastery ».
pub(crate) fn levels_to_sql(levels: &[(String, MasteryLevel)]) -> String {
    levels
        .iter()
        .map(|(k, l)| format!("{k}={}", l.code()))
        .collect::<Vec<_>>()
        .join(";")
}

pub(crate) fn levels_from_sql(s: &str) -> Result<Vec<(String, MasteryLevel)>> {
    s.split(';')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, code) = pair.split_once('=').ok_or_else(|| {
                StoreError::Invalid(format!("niveau de maîtrise mal formé en base : {pair}"))
            })?;
            let level = MasteryLevel::ALL
                .into_iter()
                .find(|l| l.code() == code)
                .ok_or_else(|| {
                    StoreError::Invalid(format!("niveau de maîtrise inconnu en base : {code}"))
                })?;
            Ok((key.to_owned(), level))
        })
        .collect()
}

pub(crate) fn penalties_to_sql(penalties: &[Penalty]) -> String {
    Penalty::ALL
        .iter()
        .filter(|p| penalties.contains(p))
        .map(|p| p.code())
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn penalties_from_sql(s: &str) -> Result<Vec<Penalty>> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|code| {
            code.parse::<Penalty>()
                .map_err(|_| StoreError::Invalid(format!("pénalité inconnue en base : {code}")))
        })
        .collect()
}

/// (profile, specialties, blocks) columns.
pub(crate) fn profile_to_sql(profile: &MemberProfile) -> (&'static str, String, String) {
    match profile {
        MemberProfile::Professional => ("professional", String::new(), String::new()),
        MemberProfile::Teacher {
            specialties,
            blocks,
        } => (
            "teacher",
            specialties
                .iter()
                .map(|t| crate::sql::track_to_sql(*t))
                .collect::<Vec<_>>()
                .join(","),
            blocks.join(","),
        ),
    }
}

pub(crate) fn profile_from_sql(
    profile: &str,
    specialties: &str,
    blocks: &str,
) -> Result<MemberProfile> {
    match profile {
        "professional" => Ok(MemberProfile::Professional),
        "teacher" => Ok(MemberProfile::Teacher {
            specialties: specialties
                .split(',')
                .filter(|s| !s.is_empty())
                .map(crate::sql::track_from_sql)
                .collect::<Result<Vec<Track>>>()?,
            blocks: blocks
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        }),
        other => Err(StoreError::Invalid(format!(
            "profil de membre inconnu en base : {other}"
        ))),
    }
}

/// A one-line summary of an evaluation for the history: levels, mark, penalties, jury mark.
pub(crate) fn summary(input: &crate::EvaluationInput, jury_mark: Option<u8>) -> String {
    let mut parts = vec![format!("niveaux : {}", levels_to_sql(&input.levels))];
    parts.push(format!(
        "proposition : {}",
        input
            .proposed
            .map(|m| m.to_string())
            .unwrap_or_else(|| "aucune".into())
    ));
    parts.push(format!(
        "pénalités : {}",
        penalties_to_sql(&input.penalties)
    ));
    if let Some(m) = jury_mark {
        parts.push(format!("note arrêtée : {m}"));
    }
    parts.join(" | ")
}

macro_rules! evaluation_store {
    ($store:ty, $row:ty) => {
        mod evaluation_impl {
            use super::*;
            use crate::sql::{EXAM_SESSION_COLUMNS, STUDENT_SUMMARY_SELECT, db_err, placeholders, track_from_sql, track_to_sql};
            use crate::sql_dossier::{date_from_sql, date_to_sql};
            use crate::sql_evaluation::*;
            use portfolio_domain::access::{
                AppraisalReadCap, CommissionCap, EvaluationCap, ExamSessionCap, MarkReadCap,
                SchoolMarksCap, SessionMarksCap,
            };
            use portfolio_domain::evaluation::{ChangePermit, ProposedMark, may_change};
            use portfolio_domain::registration::CandidateRegistration;
            use std::collections::HashMap;

            const EVALUATION_COLUMNS: &str = "ev.id, ev.commission_id, ev.student_id, ev.levels, ev.proposed_mark, \
                ev.penalties, ev.environment_conforming, ev.chosen_realisation_id, ev.chosen_realisation_title, \
                ev.needs_statement, ev.part1, ev.part2, ev.appreciation, ev.visa1_by, ev.visa1_at, ev.visa2_by, \
                ev.visa2_at, ev.jury_mark, ev.jury_reason, ev.jury_at, ev.updated_at";

            const REGISTRATION_COLUMNS: &str = "r.id, r.exam_session_id, r.candidate_number, r.last_name, \
                r.first_name, r.track, r.route, r.form, r.student_id";

            fn evaluation_from_row(r: &$row) -> Result<EvaluationRecord> {
                let proposed: Option<i64> = r.try_get("proposed_mark")?;
                let proposed = proposed
                    .map(|h| {
                        u16::try_from(h)
                            .ok()
                            .and_then(ProposedMark::from_hundredths)
                            .ok_or_else(|| StoreError::Invalid(format!("note hors barème en base : {h}")))
                    })
                    .transpose()?;
                let chosen_id: Option<i64> = r.try_get("chosen_realisation_id")?;
                let chosen_title: Option<String> = r.try_get("chosen_realisation_title")?;
                let visa = |by: &str, at: &str| -> Result<Option<VisaRecord>> {
                    let at: Option<i64> = r.try_get(at)?;
                    Ok(match at {
                        Some(at) => Some(VisaRecord { by: r.try_get(by)?, at }),
                        None => None,
                    })
                };
                let jury: Option<i64> = r.try_get("jury_mark")?;
                Ok(EvaluationRecord {
                    id: r.try_get("id")?,
                    commission_id: r.try_get("commission_id")?,
                    student_id: r.try_get("student_id")?,
                    input: EvaluationInput {
                        levels: levels_from_sql(r.try_get("levels")?)?,
                        proposed,
                        penalties: penalties_from_sql(r.try_get("penalties")?)?,
                        environment_conforming: r.try_get("environment_conforming")?,
                        chosen_realisation: chosen_id.zip(chosen_title),
                        needs_statement: r.try_get("needs_statement")?,
                        part1: r.try_get("part1")?,
                        part2: r.try_get("part2")?,
                        appreciation: r.try_get("appreciation")?,
                    },
                    visa1: visa("visa1_by", "visa1_at")?,
                    visa2: visa("visa2_by", "visa2_at")?,
                    jury_mark: jury.and_then(|m| u8::try_from(m).ok()),
                    jury_reason: r.try_get("jury_reason")?,
                    jury_at: r.try_get("jury_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            /// A member of a commission (seat, account, profile) from a row whose user id is `id`.
            fn member_from_row(r: &$row, id: i64) -> Result<MemberRecord> {
                Ok(MemberRecord {
                    seat: r.try_get("seat")?,
                    user: UserSummary {
                        id,
                        email: r.try_get("email")?,
                        first_name: r.try_get("first_name")?,
                        last_name: r.try_get("last_name")?,
                        disabled: r.try_get("disabled")?,
                    },
                    profile: profile_from_sql(
                        r.try_get("profile")?,
                        r.try_get("specialties")?,
                        r.try_get("blocks")?,
                    )?,
                })
            }

                        fn registration_from_row(r: &$row) -> Result<RegistrationRecord> {
                let route: String = r.try_get("route")?;
                Ok(RegistrationRecord {
                    id: r.try_get("id")?,
                    exam_session_id: r.try_get("exam_session_id")?,
                    candidate_number: r.try_get("candidate_number")?,
                    last_name: r.try_get("last_name")?,
                    first_name: r.try_get("first_name")?,
                    track: track_from_sql(r.try_get("track")?)?,
                    route: crate::sql::route_from_sql(&route)?,
                    form: form_from_sql(r.try_get("form")?)?,
                    student_id: r.try_get("student_id")?,
                })
            }

            fn session_evaluation_from_row(r: &$row) -> Result<SessionEvaluation> {
                let last: String = r.try_get("last_name")?;
                let first: String = r.try_get("first_name")?;
                let form: Option<String> = r.try_get("form")?;
                Ok(SessionEvaluation {
                    evaluation: evaluation_from_row(r)?,
                    exam: exam_from_sql(r.try_get("exam")?)?,
                    commission_name: r.try_get("commission_name")?,
                    candidate_name: format!("{} {first}", last.to_uppercase()),
                    candidate_number: r.try_get("candidate_number")?,
                    form: form.as_deref().map(form_from_sql).transpose()?,
                    track: track_from_sql(r.try_get("track")?)?,
                    school_id: r.try_get("school_id")?,
                    school_name: r.try_get("school_name")?,
                })
            }

            /// The evaluations joined with what the jury and the bordereau show of the
            /// candidate; `{filter}` selects them.
            fn session_evaluations_sql(filter: &str) -> String {
                format!(
                    "SELECT {EVALUATION_COLUMNS}, c.exam, c.name AS commission_name, u.last_name, u.first_name, \
                     cl.track, cl.school_id, sc.name AS school_name, r.candidate_number, r.form \
                     FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id \
                     JOIN users u ON u.id = ev.student_id JOIN students s ON s.user_id = ev.student_id \
                     JOIN classes cl ON cl.id = s.class_id JOIN schools sc ON sc.id = cl.school_id \
                     LEFT JOIN registrations r ON r.exam_session_id = c.exam_session_id AND r.student_id = ev.student_id \
                     WHERE {filter} ORDER BY c.name, u.last_name, u.first_name, ev.id"
                )
            }

            impl $store {
                async fn commission_details_where(&self, filter: &str, id: i64) -> Result<Vec<CommissionDetail>> {
                    let sql = format!(
                        "SELECT c.id, c.exam_session_id, c.name, c.exam, c.track, c.exam_date, c.start_time \
                         FROM commissions c WHERE {filter} = $1 ORDER BY c.name, c.id"
                    );
                    let rows = db::query(&sql).bind(id).fetch_all(&self.pool).await?;
                    let members_sql = format!(
                        "SELECT m.commission_id, m.seat, m.profile, m.specialties, m.blocks, u.id, u.email, \
                         u.first_name, u.last_name, u.disabled FROM commission_members m \
                         JOIN users u ON u.id = m.user_id JOIN commissions c ON c.id = m.commission_id \
                         WHERE {filter} = $1 ORDER BY m.seat"
                    );
                    let member_rows = db::query(&members_sql).bind(id).fetch_all(&self.pool).await?;
                    let mut members: HashMap<i64, Vec<MemberRecord>> = HashMap::new();
                    for r in &member_rows {
                        members
                            .entry(r.try_get("commission_id")?)
                            .or_default()
                            .push(member_from_row(r, r.try_get("id")?)?);
                    }
                    rows.iter()
                        .map(|r| {
                            let id: i64 = r.try_get("id")?;
                            let track: Option<String> = r.try_get("track")?;
                            let date: Option<String> = r.try_get("exam_date")?;
                            Ok(CommissionDetail {
                                id,
                                exam_session_id: r.try_get("exam_session_id")?,
                                name: r.try_get("name")?,
                                exam: exam_from_sql(r.try_get("exam")?)?,
                                track: track.as_deref().map(track_from_sql).transpose()?,
                                exam_date: date.as_deref().map(date_from_sql).transpose()?,
                                start_time: r.try_get("start_time")?,
                                members: members.remove(&id).unwrap_or_default(),
                            })
                        })
                        .collect()
                }

                /// Candidates with their commission, registration, slot and progress: `{filter}`
                /// over `cc` (commission_candidates), `cm` (commissions) and `c` (classes), with
                /// `$1` and `$2` bound to `a` and `b`.
                async fn roster_where(&self, filter: &str, a: i64, b: i64) -> Result<Vec<(i64, RosterEntry)>> {
                    let sql = format!(
                        "{STUDENT_SUMMARY_SELECT} JOIN commission_candidates cc ON cc.student_id = s.user_id \
                         JOIN commissions cm ON cm.id = cc.commission_id \
                         LEFT JOIN registrations r ON r.exam_session_id = cm.exam_session_id AND r.student_id = s.user_id \
                         LEFT JOIN evaluations ev ON ev.commission_id = cc.commission_id AND ev.student_id = s.user_id \
                         WHERE {filter} \
                         ORDER BY cc.commission_id, cc.slot_start, u.last_name, u.first_name, u.id"
                    )
                    .replacen(
                        "SELECT ",
                        "SELECT cc.commission_id AS roster_commission, cc.slot_start, cc.slot_end, cc.preparation_start, r.id AS reg_id, r.exam_session_id AS reg_session, \
                         r.candidate_number AS reg_number, r.last_name AS reg_last, r.first_name AS reg_first, r.track AS reg_track, \
                         r.route AS reg_route, r.form AS reg_form, ev.id AS ev_id, ev.visa1_at, ev.visa2_at, ",
                        1,
                    );
                    let rows = db::query(&sql).bind(a).bind(b).fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            let student = StudentSummary {
                                id: r.try_get("id")?,
                                first_name: r.try_get("first_name")?,
                                last_name: r.try_get("last_name")?,
                                email: r.try_get("email")?,
                                class_id: r.try_get("class_id")?,
                                class_name: r.try_get("class_name")?,
                                track: track_from_sql(r.try_get("track")?)?,
                                route: crate::sql::route_from_sql(r.try_get("route")?)?,
                                candidate_number: r.try_get("candidate_number")?,
                                disabled: r.try_get("disabled")?,
                            };
                            let reg_id: Option<i64> = r.try_get("reg_id")?;
                            let registration = match reg_id {
                                Some(id) => {
                                    let route: String = r.try_get("reg_route")?;
                                    Some(RegistrationRecord {
                                        id,
                                        exam_session_id: r.try_get("reg_session")?,
                                        candidate_number: r.try_get("reg_number")?,
                                        last_name: r.try_get("reg_last")?,
                                        first_name: r.try_get("reg_first")?,
                                        track: track_from_sql(r.try_get("reg_track")?)?,
                                        route: crate::sql::route_from_sql(&route)?,
                                        form: form_from_sql(r.try_get("reg_form")?)?,
                                        student_id: Some(student.id),
                                    })
                                }
                                None => None,
                            };
                            let ev: Option<i64> = r.try_get("ev_id")?;
                            let v1: Option<i64> = r.try_get("visa1_at")?;
                            let v2: Option<i64> = r.try_get("visa2_at")?;
                            Ok((r.try_get("roster_commission")?, RosterEntry {
                                student,
                                registration,
                                slot_start: r.try_get("slot_start")?,
                                slot_end: r.try_get("slot_end")?,
                                preparation_start: r.try_get("preparation_start")?,
                                progress: EvaluationProgress {
                                    started: ev.is_some(),
                                    visas: u8::from(v1.is_some()) + u8::from(v2.is_some()),
                                },
                            }))
                        })
                        .collect()
                }

                /// Refuses a change to a closed or purged session.
                async fn ensure_open(
                    tx: &mut db::Tx,
                    exam_session_id: i64,
                ) -> Result<()> {
                    let row = db::query("SELECT closed_at, purged_at FROM exam_sessions WHERE id = $1")
                        .bind(exam_session_id)
                        .fetch_optional(&mut **tx)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    let closed: Option<i64> = row.try_get("closed_at")?;
                    let purged: Option<i64> = row.try_get("purged_at")?;
                    if purged.is_some() {
                        return Err(StoreError::Invalid(
                            "les documents d’évaluation de cette session ont été purgés : plus rien ne peut y être modifié".into(),
                        ));
                    }
                    if closed.is_some() {
                        return Err(StoreError::Invalid(
                            "la session est close : plus rien ne peut y être modifié".into(),
                        ));
                    }
                    Ok(())
                }

                async fn session_of_commission(
                    tx: &mut db::Tx,
                    commission_id: i64,
                ) -> Result<i64> {
                    db::query_scalar("SELECT exam_session_id FROM commissions WHERE id = $1")
                        .bind(commission_id)
                        .fetch_optional(&mut **tx)
                        .await?
                        .ok_or(StoreError::NotFound)
                }
            }

            #[async_trait]
            impl EvaluationStore for $store {
                async fn set_session_settings(&self, cap: &ExamSessionCap, settings: &SessionSettings) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    Self::ensure_open(&mut tx, cap.exam_session_id()).await?;
                    let l = &settings.labels;
                    db::query(
                        "UPDATE exam_sessions SET block1_exam = $1, block2_exam = $2, conformity_annex = $3, \
                         grid_annex = $4, appraisal_annex = $5, dossier_due_date = $6, ccf_end_date = $7, \
                         training_end_date = $8 WHERE id = $9",
                    )
                    .bind(&l.block1_exam)
                    .bind(&l.block2_exam)
                    .bind(&l.conformity_annex)
                    .bind(&l.grid_annex)
                    .bind(&l.appraisal_annex)
                    .bind(settings.dossier_due_date.map(date_to_sql))
                    .bind(settings.ccf_end_date.map(date_to_sql))
                    .bind(settings.training_end_date.map(date_to_sql))
                    .bind(cap.exam_session_id())
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn register_candidates(
                    &self,
                    cap: &ExamSessionCap,
                    rows: &[CandidateRegistration],
                    now: i64,
                ) -> Result<RegistrationReport> {
                    let session = cap.exam_session_id();
                    let mut tx = self.begin_write().await?;
                    Self::ensure_open(&mut tx, session).await?;
                    let year: i64 = db::query_scalar("SELECT year FROM exam_sessions WHERE id = $1")
                        .bind(session)
                        .fetch_one(&mut *tx)
                        .await?;
                    // Accounts that may match: the students of the session's year, by number and
                    // by name (one query, then matched in memory).
                    let accounts = db::query(
                        "SELECT s.user_id, s.candidate_number, u.last_name, u.first_name FROM students s \
                         JOIN users u ON u.id = s.user_id JOIN classes c ON c.id = s.class_id WHERE c.session_year = $1",
                    )
                    .bind(year)
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut by_number: HashMap<String, i64> = HashMap::new();
                    let mut by_name: HashMap<(String, String), Vec<i64>> = HashMap::new();
                    for a in &accounts {
                        let id: i64 = a.try_get("user_id")?;
                        let number: Option<String> = a.try_get("candidate_number")?;
                        if let Some(n) = number.filter(|n| !n.trim().is_empty()) {
                            by_number.insert(n.trim().to_owned(), id);
                        }
                        let last: String = a.try_get("last_name")?;
                        let first: String = a.try_get("first_name")?;
                        by_name
                            .entry((portfolio_domain::input::ascii_fold(&last), portfolio_domain::input::ascii_fold(&first)))
                            .or_default()
                            .push(id);
                    }
                    let mut report = RegistrationReport::default();
                    for row in rows {
                        let number = row.candidate_number.as_str();
                        let student = by_number.get(number).copied().or_else(|| {
                            match by_name.get(&(
                                portfolio_domain::input::ascii_fold(&row.last_name),
                                portfolio_domain::input::ascii_fold(&row.first_name),
                            )) {
                                Some(ids) if ids.len() == 1 => Some(ids[0]),
                                _ => None,
                            }
                        });
                        let existing: Option<i64> = db::query_scalar(
                            "SELECT id FROM registrations WHERE exam_session_id = $1 AND candidate_number = $2",
                        )
                        .bind(session)
                        .bind(number)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let q = match existing {
                            Some(id) => {
                                report.updated += 1;
                                db::query(
                                    "UPDATE registrations SET last_name = $1, first_name = $2, track = $3, route = $4, \
                                     form = $5, student_id = $6 WHERE id = $7",
                                )
                                .bind(&row.last_name)
                                .bind(&row.first_name)
                                .bind(track_to_sql(row.track))
                                .bind(row.route.as_str())
                                .bind(form_to_sql(row.form))
                                .bind(student)
                                .bind(id)
                            }
                            None => {
                                report.created += 1;
                                db::query(
                                    "INSERT INTO registrations (last_name, first_name, track, route, form, student_id, \
                                     exam_session_id, candidate_number, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                                )
                                .bind(&row.last_name)
                                .bind(&row.first_name)
                                .bind(track_to_sql(row.track))
                                .bind(row.route.as_str())
                                .bind(form_to_sql(row.form))
                                .bind(student)
                                .bind(session)
                                .bind(number)
                                .bind(now)
                            }
                        };
                        q.execute(&mut *tx).await.map_err(db_err("l’inscription de ce candidat"))?;
                        if student.is_some() {
                            report.linked += 1;
                        }
                    }
                    tx.commit().await?;
                    Ok(report)
                }

                async fn registrations(&self, cap: &ExamSessionCap) -> Result<Vec<RegistrationRecord>> {
                    let sql = format!(
                        "SELECT {REGISTRATION_COLUMNS} FROM registrations r WHERE r.exam_session_id = $1 \
                         ORDER BY r.last_name, r.first_name, r.candidate_number"
                    );
                    let rows = db::query(&sql).bind(cap.exam_session_id()).fetch_all(&self.pool).await?;
                    rows.iter().map(registration_from_row).collect()
                }

                async fn save_commission(
                    &self,
                    cap: &ExamSessionCap,
                    id: Option<i64>,
                    input: &CommissionInput,
                    now: i64,
                ) -> Result<i64> {
                    let session = cap.exam_session_id();
                    let mut tx = self.begin_write().await?;
                    Self::ensure_open(&mut tx, session).await?;
                    let id = match id {
                        Some(id) => {
                            let done = db::query(
                                "UPDATE commissions SET name = $1, exam = $2, track = $3, exam_date = $4, start_time = $5 \
                                 WHERE id = $6 AND exam_session_id = $7",
                            )
                            .bind(&input.name)
                            .bind(exam_to_sql(input.exam))
                            .bind(track_to_sql(input.track))
                            .bind(input.exam_date.map(date_to_sql))
                            .bind(&input.start_time)
                            .bind(id)
                            .bind(session)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_err("une commission de ce nom dans cette session"))?;
                            if done.rows_affected() == 0 {
                                return Err(StoreError::NotFound);
                            }
                            id
                        }
                        None => db::query_scalar(
                            "INSERT INTO commissions (exam_session_id, name, exam, track, exam_date, start_time, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                        )
                        .bind(session)
                        .bind(&input.name)
                        .bind(exam_to_sql(input.exam))
                        .bind(track_to_sql(input.track))
                        .bind(input.exam_date.map(date_to_sql))
                        .bind(&input.start_time)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_err("une commission de ce nom dans cette session"))?,
                    };
                    // The members and their grants are replaced together.
                    db::query("DELETE FROM commission_members WHERE commission_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    db::query("DELETE FROM grants WHERE role = 'commission_member' AND scope_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    for (seat, (user_id, profile)) in input.members.iter().enumerate() {
                        let (kind, specialties, blocks) = profile_to_sql(profile);
                        db::query(
                            "INSERT INTO commission_members (commission_id, seat, user_id, profile, specialties, blocks) \
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(id)
                        .bind(i64::try_from(seat + 1).unwrap_or(i64::MAX))
                        .bind(user_id)
                        .bind(kind)
                        .bind(specialties)
                        .bind(blocks)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err("ce membre de la commission"))?;
                        db::query(
                            "INSERT INTO grants (user_id, role, scope_id, created_at) VALUES ($1, 'commission_member', $2, $3) \
                             ON CONFLICT DO NOTHING",
                        )
                        .bind(user_id)
                        .bind(id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err("le rôle de membre de la commission"))?;
                    }
                    tx.commit().await?;
                    Ok(id)
                }

                async fn commission_detail(&self, cap: &CommissionCap) -> Result<CommissionDetail> {
                    // The commission with one row per member: one query, for every grid page.
                    let rows = db::query(
                        "SELECT c.id, c.exam_session_id, c.name, c.exam, c.track, c.exam_date, c.start_time, \
                         m.seat, m.profile, m.specialties, m.blocks, u.id AS member_id, u.email, \
                         u.first_name, u.last_name, u.disabled \
                         FROM commissions c LEFT JOIN commission_members m ON m.commission_id = c.id \
                         LEFT JOIN users u ON u.id = m.user_id WHERE c.id = $1 ORDER BY m.seat",
                    )
                    .bind(cap.commission_id())
                    .fetch_all(&self.pool)
                    .await?;
                    let r = rows.first().ok_or(StoreError::NotFound)?;
                    let mut members = Vec::with_capacity(2);
                    for m in &rows {
                        let member: Option<i64> = m.try_get("member_id")?;
                        if let Some(id) = member {
                            members.push(member_from_row(m, id)?);
                        }
                    }
                    let track: Option<&str> = r.try_get("track")?;
                    let date: Option<&str> = r.try_get("exam_date")?;
                    Ok(CommissionDetail {
                        id: r.try_get("id")?,
                        exam_session_id: r.try_get("exam_session_id")?,
                        name: r.try_get("name")?,
                        exam: exam_from_sql(r.try_get("exam")?)?,
                        track: track.map(track_from_sql).transpose()?,
                        exam_date: date.map(date_from_sql).transpose()?,
                        start_time: r.try_get("start_time")?,
                        members,
                    })
                }

                async fn session_of_commission(&self, cap: &CommissionCap) -> Result<ExamSessionRecord> {
                    let sql = format!(
                        "SELECT {EXAM_SESSION_COLUMNS} FROM exam_sessions e JOIN commissions c ON c.exam_session_id = e.id \
                         WHERE c.id = $1"
                    );
                    let row = db::query(&sql)
                        .bind(cap.commission_id())
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    exam_session_from_row(&row)
                }

                async fn session_commission_details(&self, cap: &ExamSessionCap) -> Result<Vec<CommissionDetail>> {
                    self.commission_details_where("c.exam_session_id", cap.exam_session_id()).await
                }

                async fn assign_to_commission(&self, cap: &ExamSessionCap, commission_id: i64, student_id: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    Self::ensure_open(&mut tx, cap.exam_session_id()).await?;
                    if Self::session_of_commission(&mut tx, commission_id).await? != cap.exam_session_id() {
                        return Err(StoreError::NotFound);
                    }
                    db::query(
                        "INSERT INTO commission_candidates (commission_id, student_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(commission_id)
                    .bind(student_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err("l’affectation du candidat"))?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn session_assignments(&self, cap: &ExamSessionCap) -> Result<Vec<(i64, i64)>> {
                    let rows = db::query(
                        "SELECT cc.commission_id, cc.student_id FROM commission_candidates cc \
                         JOIN commissions c ON c.id = cc.commission_id WHERE c.exam_session_id = $1 \
                         ORDER BY cc.commission_id, cc.student_id",
                    )
                    .bind(cap.exam_session_id())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| Ok((r.try_get("commission_id")?, r.try_get("student_id")?)))
                        .collect()
                }

                async fn set_slots(&self, cap: &ExamSessionCap, commission_id: i64, slots: &[SlotInput]) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    Self::ensure_open(&mut tx, cap.exam_session_id()).await?;
                    if Self::session_of_commission(&mut tx, commission_id).await? != cap.exam_session_id() {
                        return Err(StoreError::NotFound);
                    }
                    for s in slots {
                        let done = db::query(
                            "UPDATE commission_candidates SET slot_start = $1, slot_end = $2, preparation_start = $3 \
                             WHERE commission_id = $4 AND student_id = $5",
                        )
                        .bind(&s.start)
                        .bind(&s.end)
                        .bind(&s.preparation_start)
                        .bind(commission_id)
                        .bind(s.student_id)
                        .execute(&mut *tx)
                        .await?;
                        if done.rows_affected() == 0 {
                            return Err(StoreError::Invalid(format!(
                                "le candidat n° {} n’est pas affecté à cette commission",
                                s.student_id
                            )));
                        }
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn roster(&self, cap: &CommissionCap) -> Result<Vec<RosterEntry>> {
                    // `$2` is unused here but bound, to keep one statement shape.
                    Ok(self
                        .roster_where("cc.commission_id = $1 AND $2 = $2", cap.commission_id(), 0)
                        .await?
                        .into_iter()
                        .map(|(_, e)| e)
                        .collect())
                }

                async fn roster_entry(&self, cap: &CommissionCap, student_id: i64) -> Result<Option<RosterEntry>> {
                    Ok(self
                        .roster_where("cc.commission_id = $1 AND cc.student_id = $2", cap.commission_id(), student_id)
                        .await?
                        .into_iter()
                        .map(|(_, e)| e)
                        .next())
                }

                async fn school_transmission(&self, cap: &SchoolMarksCap, exam_session_id: i64) -> Result<Transmission> {
                    let sql = format!("SELECT {EXAM_SESSION_COLUMNS} FROM exam_sessions e WHERE e.id = $1");
                    let session = db::query(&sql)
                        .bind(exam_session_id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    let session = exam_session_from_row(&session)?;
                    let entries = self
                        .roster_where("cm.exam_session_id = $1 AND c.school_id = $2", exam_session_id, cap.school_id())
                        .await?;
                    // Only the commissions that examined the school's candidates.
                    let mut commissions = self.commission_details_where("c.exam_session_id", exam_session_id).await?;
                    commissions.retain(|d| entries.iter().any(|(c, _)| *c == d.id));
                    let sql = format!(
                        "SELECT {EVALUATION_COLUMNS} FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id \
                         JOIN students s ON s.user_id = ev.student_id JOIN classes cl ON cl.id = s.class_id \
                         WHERE c.exam_session_id = $1 AND cl.school_id = $2 ORDER BY ev.id"
                    );
                    let rows = db::query(&sql)
                        .bind(exam_session_id)
                        .bind(cap.school_id())
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(Transmission {
                        session,
                        commissions,
                        entries,
                        evaluations: rows.iter().map(evaluation_from_row).collect::<Result<_>>()?,
                    })
                }

                async fn evaluation(&self, cap: &EvaluationCap) -> Result<Option<EvaluationRecord>> {
                    let sql = format!(
                        "SELECT {EVALUATION_COLUMNS} FROM evaluations ev WHERE ev.commission_id = $1 AND ev.student_id = $2"
                    );
                    let row = db::query(&sql)
                        .bind(cap.commission_id())
                        .bind(cap.student_id())
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(evaluation_from_row).transpose()
                }

                async fn save_evaluation(
                    &self,
                    cap: &EvaluationCap,
                    input: &EvaluationInput,
                    reason: Option<&str>,
                    by: i64,
                    now: i64,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let session = Self::session_of_commission(&mut tx, cap.commission_id()).await?;
                    Self::ensure_open(&mut tx, session).await?;
                    let assigned: i64 = db::query_scalar(
                        "SELECT COUNT(*) FROM commission_candidates WHERE commission_id = $1 AND student_id = $2",
                    )
                    .bind(cap.commission_id())
                    .bind(cap.student_id())
                    .fetch_one(&mut *tx)
                    .await?;
                    if assigned == 0 {
                        return Err(StoreError::NotFound);
                    }
                    let sql = format!(
                        "SELECT {EVALUATION_COLUMNS} FROM evaluations ev WHERE ev.commission_id = $1 AND ev.student_id = $2"
                    );
                    let current = db::query(&sql)
                        .bind(cap.commission_id())
                        .bind(cap.student_id())
                        .fetch_optional(&mut *tx)
                        .await?
                        .as_ref()
                        .map(evaluation_from_row)
                        .transpose()?;
                    let visas = current.as_ref().map(|c| c.visas()).unwrap_or_default();
                    // Decided here, in the transaction that writes, so that a visa given in
                    // between cannot be overtaken.
                    let permit = may_change(visas, cap.by_jury(), reason)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?;
                    let (chosen_id, chosen_title) = match &input.chosen_realisation {
                        Some((id, title)) => (Some(*id), Some(title.clone())),
                        None => (None, None),
                    };
                    let evaluation_id: i64 = db::query_scalar(
                        "INSERT INTO evaluations (commission_id, student_id, levels, proposed_mark, penalties, \
                         environment_conforming, chosen_realisation_id, chosen_realisation_title, needs_statement, part1, \
                         part2, appreciation, updated_by, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                         ON CONFLICT (commission_id, student_id) DO UPDATE SET levels = excluded.levels, \
                         proposed_mark = excluded.proposed_mark, penalties = excluded.penalties, \
                         environment_conforming = excluded.environment_conforming, \
                         chosen_realisation_id = excluded.chosen_realisation_id, \
                         chosen_realisation_title = excluded.chosen_realisation_title, \
                         needs_statement = excluded.needs_statement, part1 = excluded.part1, part2 = excluded.part2, \
                         appreciation = excluded.appreciation, updated_by = excluded.updated_by, \
                         updated_at = excluded.updated_at RETURNING id",
                    )
                    .bind(cap.commission_id())
                    .bind(cap.student_id())
                    .bind(levels_to_sql(&input.levels))
                    .bind(input.proposed.map(|m| i64::from(m.hundredths())))
                    .bind(penalties_to_sql(&input.penalties))
                    .bind(input.environment_conforming)
                    .bind(chosen_id)
                    .bind(chosen_title)
                    .bind(&input.needs_statement)
                    .bind(&input.part1)
                    .bind(&input.part2)
                    .bind(&input.appreciation)
                    .bind(by)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err("la grille"))?;
                    match permit {
                        ChangePermit::Open => {
                            // A change withdraws the visas: the members sign what they see.
                            db::query(
                                "UPDATE evaluations SET visa1_by = NULL, visa1_at = NULL, visa2_by = NULL, visa2_at = NULL \
                                 WHERE id = $1",
                            )
                            .bind(evaluation_id)
                            .execute(&mut *tx)
                            .await?;
                        }
                        ChangePermit::Amendment { reason } => {
                            let before = current
                                .as_ref()
                                .map(|c| summary(&c.input, c.jury_mark))
                                .unwrap_or_default();
                            let after = summary(input, current.as_ref().and_then(|c| c.jury_mark));
                            db::query(
                                "INSERT INTO evaluation_history (evaluation_id, at, by_user_id, kind, reason, before_value, after_value) \
                                 VALUES ($1, $2, $3, 'amendment', $4, $5, $6)",
                            )
                            .bind(evaluation_id)
                            .bind(now)
                            .bind(by)
                            .bind(&reason)
                            .bind(&before)
                            .bind(&after)
                            .execute(&mut *tx)
                            .await?;
                            db::query(
                                "INSERT INTO audit_log (at, actor_user_id, action, target, client_ip, details) \
                                 VALUES ($1, $2, 'evaluation.amend', $3, NULL, $4)",
                            )
                            .bind(now)
                            .bind(by)
                            .bind(format!("evaluation:{evaluation_id}"))
                            .bind(format!("motif : {reason} ; avant : {before} ; après : {after}"))
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn sign_evaluation(&self, cap: &EvaluationCap, by: i64, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let session = Self::session_of_commission(&mut tx, cap.commission_id()).await?;
                    Self::ensure_open(&mut tx, session).await?;
                    let seat: Option<i64> = db::query_scalar(
                        "SELECT seat FROM commission_members WHERE commission_id = $1 AND user_id = $2",
                    )
                    .bind(cap.commission_id())
                    .bind(by)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let sql = match seat {
                        Some(1) => "UPDATE evaluations SET visa1_by = $1, visa1_at = $2 WHERE commission_id = $3 AND student_id = $4",
                        Some(2) => "UPDATE evaluations SET visa2_by = $1, visa2_at = $2 WHERE commission_id = $3 AND student_id = $4",
                        _ => {
                            return Err(StoreError::Invalid(
                                "seuls les deux membres de la commission apposent leur visa".into(),
                            ))
                        }
                    };
                    let done = db::query(sql)
                        .bind(by)
                        .bind(now)
                        .bind(cap.commission_id())
                        .bind(cap.student_id())
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Invalid(
                            "la grille n’est pas encore remplie : enregistrez-la avant le visa".into(),
                        ));
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn evaluation_history(&self, cap: &MarkReadCap) -> Result<Vec<(i64, EvaluationHistoryRecord)>> {
                    let rows = db::query(
                        "SELECT h.evaluation_id, h.at, h.by_user_id, h.kind, h.reason, h.before_value, h.after_value \
                         FROM evaluation_history h JOIN evaluations ev ON ev.id = h.evaluation_id \
                         WHERE ev.student_id = $1 ORDER BY h.at, h.id",
                    )
                    .bind(cap.student_id())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok((
                                r.try_get("evaluation_id")?,
                                EvaluationHistoryRecord {
                                    at: r.try_get("at")?,
                                    by_user_id: r.try_get("by_user_id")?,
                                    kind: r.try_get("kind")?,
                                    reason: r.try_get("reason")?,
                                    before: r.try_get("before_value")?,
                                    after: r.try_get("after_value")?,
                                },
                            ))
                        })
                        .collect()
                }

                async fn evaluations_of(&self, cap: &MarkReadCap) -> Result<Vec<EvaluationRecord>> {
                    let sql = format!("SELECT {EVALUATION_COLUMNS} FROM evaluations ev WHERE ev.student_id = $1 ORDER BY ev.id");
                    let rows = db::query(&sql).bind(cap.student_id()).fetch_all(&self.pool).await?;
                    rows.iter().map(evaluation_from_row).collect()
                }

                async fn session_evaluations(&self, cap: &SessionMarksCap) -> Result<Vec<SessionEvaluation>> {
                    let sql = session_evaluations_sql("c.exam_session_id = $1");
                    let rows = db::query(&sql).bind(cap.exam_session_id()).fetch_all(&self.pool).await?;
                    rows.iter().map(session_evaluation_from_row).collect()
                }

                async fn commission_evaluations(
                    &self,
                    cap: &SessionMarksCap,
                    commission_id: i64,
                ) -> Result<Vec<SessionEvaluation>> {
                    let sql = session_evaluations_sql("c.exam_session_id = $1 AND c.id = $2");
                    let rows = db::query(&sql)
                        .bind(cap.exam_session_id())
                        .bind(commission_id)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter().map(session_evaluation_from_row).collect()
                }

                async fn arrest_mark(
                    &self,
                    cap: &SessionMarksCap,
                    evaluation_id: i64,
                    mark: u8,
                    reason: Option<&str>,
                    by: i64,
                    now: i64,
                ) -> Result<()> {
                    if mark > 20 {
                        return Err(StoreError::Invalid(format!(
                            "la note {mark} dépasse 20 : saisissez une note entière de 0 à 20"
                        )));
                    }
                    let mut tx = self.begin_write().await?;
                    Self::ensure_open(&mut tx, cap.exam_session_id()).await?;
                    let sql = format!(
                        "SELECT {EVALUATION_COLUMNS} FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id \
                         WHERE ev.id = $1 AND c.exam_session_id = $2"
                    );
                    let current = db::query(&sql)
                        .bind(evaluation_id)
                        .bind(cap.exam_session_id())
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    let current = evaluation_from_row(&current)?;
                    if !current.visas().locked() {
                        return Err(StoreError::Invalid(
                            "la grille n’a pas encore le visa des deux membres de la commission : la note ne peut pas être arrêtée".into(),
                        ));
                    }
                    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
                    db::query("UPDATE evaluations SET jury_mark = $1, jury_reason = $2, jury_by = $3, jury_at = $4 WHERE id = $5")
                        .bind(i64::from(mark))
                        .bind(reason)
                        .bind(by)
                        .bind(now)
                        .bind(evaluation_id)
                        .execute(&mut *tx)
                        .await?;
                    let proposal = current
                        .input
                        .proposed
                        .map(|p| portfolio_domain::evaluation::final_mark(p, &current.input.penalties).points().to_string())
                        .unwrap_or_else(|| "aucune".into());
                    let before = match current.jury_mark {
                        Some(m) => format!("note de la commission : {proposal} ; note arrêtée : {m}"),
                        None => format!("note de la commission : {proposal}"),
                    };
                    db::query(
                        "INSERT INTO evaluation_history (evaluation_id, at, by_user_id, kind, reason, before_value, after_value) \
                         VALUES ($1, $2, $3, 'jury_mark', $4, $5, $6)",
                    )
                    .bind(evaluation_id)
                    .bind(now)
                    .bind(by)
                    .bind(reason)
                    .bind(before)
                    .bind(format!("note arrêtée : {mark}"))
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_deliberated(&self, cap: &SessionMarksCap, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    Self::ensure_open(&mut tx, cap.exam_session_id()).await?;
                    let missing: i64 = db::query_scalar(
                        "SELECT COUNT(*) FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id \
                         WHERE c.exam_session_id = $1 AND ev.jury_mark IS NULL",
                    )
                    .bind(cap.exam_session_id())
                    .fetch_one(&mut *tx)
                    .await?;
                    if missing > 0 {
                        return Err(StoreError::Invalid(format!(
                            "{missing} note(s) ne sont pas encore arrêtées par le jury : arrêtez-les avant de clore la délibération"
                        )));
                    }
                    db::query("UPDATE exam_sessions SET deliberated_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(cap.exam_session_id())
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn close_session(&self, cap: &ExamSessionCap, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    Self::ensure_open(&mut tx, cap.exam_session_id()).await?;
                    let missing: i64 = db::query_scalar(
                        "SELECT COUNT(*) FROM commission_candidates cc JOIN commissions c ON c.id = cc.commission_id \
                         LEFT JOIN evaluations ev ON ev.commission_id = cc.commission_id AND ev.student_id = cc.student_id \
                         WHERE c.exam_session_id = $1 AND (ev.id IS NULL OR ev.visa1_at IS NULL OR ev.visa2_at IS NULL)",
                    )
                    .bind(cap.exam_session_id())
                    .fetch_one(&mut *tx)
                    .await?;
                    if missing > 0 {
                        return Err(StoreError::Invalid(format!(
                            "la session ne peut pas être close : {missing} fiche(s) d’appréciation manquent ou n’ont pas \
                             le visa des deux membres de la commission ; elle doit être remplie pour chaque candidat, quelle que soit la note"
                        )));
                    }
                    db::query("UPDATE exam_sessions SET closed_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(cap.exam_session_id())
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn school_evaluations(&self, cap: &SchoolMarksCap, exam_session_id: i64) -> Result<Vec<SessionEvaluation>> {
                    let sql = session_evaluations_sql("c.exam_session_id = $1 AND cl.school_id = $2");
                    let rows = db::query(&sql)
                        .bind(exam_session_id)
                        .bind(cap.school_id())
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter().map(session_evaluation_from_row).collect()
                }

                async fn candidate_appraisals(&self, cap: &AppraisalReadCap) -> Result<Vec<CandidateAppraisal>> {
                    // Only the texts are selected: no mark column is read for a candidate.
                    // The candidate reads a fiche once the jury has deliberated, and only when the académie
                    // publishes the session's fiches or their réclamation was answered (002).
                    let deliberated = if cap.with_mark() {
                        ""
                    } else {
                        "AND e.deliberated_at IS NOT NULL AND (e.publish_appraisals OR EXISTS (SELECT 1 FROM appraisal_requests q \
                         WHERE q.exam_session_id = e.id AND q.student_id = ev.student_id AND q.sent_at IS NOT NULL))"
                    };
                    let sql = format!(
                        "SELECT {EXAM_SESSION_COLUMNS}, ev.id AS evaluation_id, c.exam, c.name AS commission_name, \
                         c.exam_date, c.id AS commission_id, cl.track, r.form, r.candidate_number, ev.part1, ev.part2, \
                         ev.appreciation, ev.visa1_at, ev.visa2_at \
                         FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id \
                         JOIN exam_sessions e ON e.id = c.exam_session_id JOIN students s ON s.user_id = ev.student_id \
                         JOIN classes cl ON cl.id = s.class_id \
                         LEFT JOIN registrations r ON r.exam_session_id = e.id AND r.student_id = ev.student_id \
                         WHERE ev.student_id = $1 AND ev.visa1_at IS NOT NULL AND ev.visa2_at IS NOT NULL {deliberated} \
                         ORDER BY e.year DESC, c.exam, ev.id"
                    );
                    let rows = db::query(&sql).bind(cap.student_id()).fetch_all(&self.pool).await?;
                    let commission_ids: Vec<i64> = rows
                        .iter()
                        .map(|r| r.try_get("commission_id"))
                        .collect::<std::result::Result<_, _>>()?;
                    let mut members: HashMap<i64, Vec<String>> = HashMap::new();
                    if !commission_ids.is_empty() {
                        let sql = format!(
                            "SELECT m.commission_id, u.first_name, u.last_name FROM commission_members m \
                             JOIN users u ON u.id = m.user_id WHERE m.commission_id IN ({}) ORDER BY m.seat",
                            placeholders(1, commission_ids.len())
                        );
                        let mut q = db::query(&sql);
                        for id in &commission_ids {
                            q = q.bind(id);
                        }
                        for r in q.fetch_all(&self.pool).await? {
                            let first: String = r.try_get("first_name")?;
                            let last: String = r.try_get("last_name")?;
                            members
                                .entry(r.try_get("commission_id")?)
                                .or_default()
                                .push(format!("{first} {last}"));
                        }
                    }
                    rows.iter()
                        .map(|r| {
                            let form: Option<String> = r.try_get("form")?;
                            let date: Option<String> = r.try_get("exam_date")?;
                            let commission_id: i64 = r.try_get("commission_id")?;
                            Ok(CandidateAppraisal {
                                evaluation_id: r.try_get("evaluation_id")?,
                                session: exam_session_from_row(r)?,
                                exam: exam_from_sql(r.try_get("exam")?)?,
                                commission_name: r.try_get("commission_name")?,
                                exam_date: date.as_deref().map(date_from_sql).transpose()?,
                                track: track_from_sql(r.try_get("track")?)?,
                                form: form.as_deref().map(form_from_sql).transpose()?,
                                candidate_number: r.try_get("candidate_number")?,
                                members: members.get(&commission_id).cloned().unwrap_or_default(),
                                part1: r.try_get("part1")?,
                                part2: r.try_get("part2")?,
                                appreciation: r.try_get("appreciation")?,
                                signed_on: vec![r.try_get("visa1_at")?, r.try_get("visa2_at")?],
                            })
                        })
                        .collect()
                }

                async fn purge_session(&self, exam_session_id: i64, dry_run: bool, now: i64) -> Result<PurgeCounts> {
                    let mut tx = self.begin_write().await?;
                    let evaluations: i64 = db::query_scalar(
                        "SELECT COUNT(*) FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id WHERE c.exam_session_id = $1",
                    )
                    .bind(exam_session_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let history: i64 = db::query_scalar(
                        "SELECT COUNT(*) FROM evaluation_history h JOIN evaluations ev ON ev.id = h.evaluation_id \
                         JOIN commissions c ON c.id = ev.commission_id WHERE c.exam_session_id = $1",
                    )
                    .bind(exam_session_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let registrations: i64 = db::query_scalar("SELECT COUNT(*) FROM registrations WHERE exam_session_id = $1")
                        .bind(exam_session_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    let counts = PurgeCounts {
                        evaluations: u64::try_from(evaluations).unwrap_or(0),
                        history: u64::try_from(history).unwrap_or(0),
                        registrations: u64::try_from(registrations).unwrap_or(0),
                    };
                    if dry_run {
                        return Ok(counts);
                    }
                    // History rows go with their evaluation (ON DELETE CASCADE).
                    db::query(
                        "DELETE FROM evaluations WHERE commission_id IN (SELECT id FROM commissions WHERE exam_session_id = $1)",
                    )
                    .bind(exam_session_id)
                    .execute(&mut *tx)
                    .await?;
                    db::query("DELETE FROM registrations WHERE exam_session_id = $1")
                        .bind(exam_session_id)
                        .execute(&mut *tx)
                        .await?;
                    // The réclamations name the candidates too: they go with the evaluations.
                    db::query("DELETE FROM appraisal_requests WHERE exam_session_id = $1")
                        .bind(exam_session_id)
                        .execute(&mut *tx)
                        .await?;
                    let done = db::query("UPDATE exam_sessions SET purged_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(exam_session_id)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    db::query(
                        "INSERT INTO audit_log (at, actor_user_id, action, target, client_ip, details) \
                         VALUES ($1, NULL, 'evaluation.purge', $2, NULL, $3)",
                    )
                    .bind(now)
                    .bind(format!("exam_session:{exam_session_id}"))
                    .bind(format!(
                        "{} évaluation(s), {} entrée(s) d’historique, {} inscription(s) supprimées",
                        counts.evaluations, counts.history, counts.registrations
                    ))
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(counts)
                }

                async fn session_dates(&self) -> Result<Vec<(i64, Option<time::Date>)>> {
                    let rows = db::query(
                        "SELECT e.id, e.dossier_due_date, (SELECT MIN(c.exam_date) FROM commissions c WHERE c.exam_session_id = e.id) \
                         AS first_exam FROM exam_sessions e ORDER BY e.id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let first: Option<String> = r.try_get("first_exam")?;
                            let due: Option<String> = r.try_get("dossier_due_date")?;
                            let date = first.or(due).as_deref().map(date_from_sql).transpose()?;
                            Ok((r.try_get("id")?, date))
                        })
                        .collect()
                }
            }
        }
    };
}

pub(crate) use evaluation_store;
