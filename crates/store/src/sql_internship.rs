//! The SQL of internships and their follow-up, shared by both backends (stamped by
//! `internship_store!`).

use crate::{CertificateState, Result, StoreError};
use portfolio_domain::internship_form::PlacementKind;

pub(crate) fn placement_kind_from_sql(kind: &str) -> Result<PlacementKind> {
    PlacementKind::parse(kind)
        .ok_or_else(|| StoreError::Invalid(format!("type de période inconnu en base : {kind}")))
}

pub(crate) fn certificate_state_from_sql(state: &str) -> Result<CertificateState> {
    CertificateState::parse(state)
        .ok_or_else(|| StoreError::Invalid(format!("état d’attestation inconnu en base : {state}")))
}

macro_rules! internship_store {
    ($store:ty, $row:ty) => {
        mod internship_impl {
            use super::*;
            use crate::sql::{EXAM_SESSION_COLUMNS, STUDENT_SUMMARY_COLUMNS, STUDENT_SUMMARY_FROM, db_err};
            use crate::sql_internship::{certificate_state_from_sql, placement_kind_from_sql};
            use crate::sql_dossier::{date_from_sql, date_to_sql, period_from_sql};
            use portfolio_domain::access::{
                ClassCap, DossierEditCap, ExamSessionCap, InternshipReviewCap, ReviewAuthor,
                ReviewCap, StudentCap, TutorLinkFacts,
            };
            use portfolio_domain::internship_form::InternshipInput;
            use portfolio_domain::access::{DossierVersion, FollowUpCap};
            use crate::version::{resolve, Version};


            const COLUMNS: &str = "id, student_id, kind, organisation_name, organisation_address, siret, \
                start_date, end_date, year_of_training, full_time, tutor_name, tutor_title, tutor_email, \
                objectives, schedule, certificate_state, certificate_key, certificate_name, \
                certificate_signed_by, certificate_signed_at, created_at, updated_at";

            fn author_from_sql(s: &str) -> ReviewAuthor {
                if s == "teacher" {
                    ReviewAuthor::Teacher
                } else {
                    ReviewAuthor::Tutor
                }
            }

            fn author_to_sql(a: ReviewAuthor) -> &'static str {
                match a {
                    ReviewAuthor::Teacher => "teacher",
                    ReviewAuthor::Tutor => "tutor",
                }
            }

            /// The columns of [`InternshipSummary`] (table alias `i`).
            const SUMMARY_COLUMNS: &str = "i.id, i.student_id, i.kind, i.organisation_name, i.start_date, \
                i.end_date, i.year_of_training, i.full_time, i.certificate_state";

            fn summary_from_row(r: &$row) -> Result<InternshipSummary> {
                let kind: &str = r.try_get("kind")?;
                let start: &str = r.try_get("start_date")?;
                let end: &str = r.try_get("end_date")?;
                let state: &str = r.try_get("certificate_state")?;
                let year: i64 = r.try_get("year_of_training")?;
                Ok(InternshipSummary {
                    id: r.try_get("id")?,
                    student_id: r.try_get("student_id")?,
                    kind: placement_kind_from_sql(kind)?,
                    organisation_name: r.try_get("organisation_name")?,
                    period: period_from_sql(start, end)?,
                    year_of_training: u8::try_from(year).unwrap_or(1),
                    full_time: r.try_get("full_time")?,
                    certificate_state: certificate_state_from_sql(state)?,
                })
            }

            fn from_row(r: &$row) -> Result<InternshipRecord> {
                let kind: String = r.try_get("kind")?;
                let start: String = r.try_get("start_date")?;
                let end: String = r.try_get("end_date")?;
                let state: String = r.try_get("certificate_state")?;
                let signed_by: Option<String> = r.try_get("certificate_signed_by")?;
                let year: i64 = r.try_get("year_of_training")?;
                Ok(InternshipRecord {
                    id: r.try_get("id")?,
                    student_id: r.try_get("student_id")?,
                    input: InternshipInput {
                        kind: placement_kind_from_sql(&kind)?,
                        organisation_name: r.try_get("organisation_name")?,
                        organisation_address: r.try_get("organisation_address")?,
                        siret: r.try_get("siret")?,
                        period: period_from_sql(&start, &end)?,
                        year_of_training: u8::try_from(year).unwrap_or(1),
                        full_time: r.try_get("full_time")?,
                        tutor_name: r.try_get("tutor_name")?,
                        tutor_title: r.try_get("tutor_title")?,
                        tutor_email: r.try_get("tutor_email")?,
                        objectives: r.try_get("objectives")?,
                        schedule: r.try_get("schedule")?,
                    },
                    certificate_state: certificate_state_from_sql(&state)?,
                    certificate_name: r.try_get("certificate_name")?,
                    certificate_key: r.try_get("certificate_key")?,
                    certificate_signed_by: signed_by.as_deref().map(author_from_sql),
                    certificate_signed_at: r.try_get("certificate_signed_at")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            /// `NotFound` unless internship `id` belongs to `student_id`.
            async fn owned(
                tx: &mut db::Tx,
                student_id: i64,
                id: i64,
            ) -> Result<()> {
                let n: i64 = db::query_scalar(
                    "SELECT COUNT(*) FROM internships WHERE id = $1 AND student_id = $2",
                )
                .bind(id)
                .bind(student_id)
                .fetch_one(&mut **tx)
                .await?;
                if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
            }

            /// The columns `facts_from_row` reads (table alias `f`).
            const FACT_COLUMNS: &str = "f.student_id, f.continuing_education, f.reduction_reason, \
                f.positioning_request, f.distance_status, f.exam_date";

            fn facts_from_row(r: &$row) -> Result<CandidateFactsRecord> {
                let date = |col: &str| -> Result<Option<time::Date>> {
                    let v: Option<String> = r.try_get(col)?;
                    v.as_deref().map(date_from_sql).transpose()
                };
                Ok(CandidateFactsRecord {
                    student_id: r.try_get("student_id")?,
                    continuing_education: r.try_get("continuing_education")?,
                    reduction_reason: r.try_get("reduction_reason")?,
                    positioning_request: date("positioning_request")?,
                    distance_status: r.try_get("distance_status")?,
                    exam_date: date("exam_date")?,
                })
            }

            impl $store {
                /// Records a decision on a candidate of session `exam_session_id` (`NotFound` if the
                /// student is not one).
                async fn record_conformity_checked(
                    &self,
                    exam_session_id: i64,
                    d: &NewConformityDecision,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let sql = format!("SELECT COUNT(*) FROM ({CANDIDATES}) x WHERE x.student_id = $2");
                    let n: i64 = db::query_scalar(&sql)
                        .bind(exam_session_id)
                        .bind(d.student_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    if n == 0 {
                        return Err(StoreError::NotFound);
                    }
                    db::query(
                        "INSERT INTO conformity_decisions (exam_session_id, student_id, decision, grounds, \
                         regularisation_deadline, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (exam_session_id, student_id) DO UPDATE SET decision = excluded.decision, \
                         grounds = excluded.grounds, regularisation_deadline = excluded.regularisation_deadline, \
                         decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                    )
                    .bind(exam_session_id)
                    .bind(d.student_id)
                    .bind(&d.decision)
                    .bind(&d.grounds)
                    .bind(d.regularisation_deadline.map(date_to_sql))
                    .bind(d.decided_by)
                    .bind(d.decided_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err("la décision"))?;
                    tx.commit().await?;
                    Ok(())
                }

                /// The student's internships recorded at or before `before`, live.
                async fn internships_recorded_by(&self, student_id: i64, before: i64) -> Result<Vec<InternshipRecord>> {
                    let sql = format!(
                        "SELECT {COLUMNS} FROM internships WHERE student_id = $1 AND created_at <= $2 ORDER BY start_date, id"
                    );
                    let rows = db::query(&sql)
                        .bind(student_id)
                        .bind(before)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter().map(from_row).collect()
                }

                async fn one_internship(&self, student_id: i64, id: i64) -> Result<InternshipRecord> {
                    let sql = format!("SELECT {COLUMNS} FROM internships WHERE id = $1 AND student_id = $2");
                    let row = db::query(&sql)
                        .bind(id)
                        .bind(student_id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    from_row(&row)
                }
            }

            #[async_trait]
            impl InternshipStore for $store {
                async fn create_internship(&self, cap: &DossierEditCap, i: &InternshipInput, now: i64) -> Result<i64> {
                    let mut tx = self.begin_write().await?;
                    let id: i64 = db::query_scalar(
                        "INSERT INTO internships (student_id, kind, organisation_name, organisation_address, siret, \
                         start_date, end_date, year_of_training, full_time, tutor_name, tutor_title, tutor_email, \
                         objectives, schedule, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
                    )
                    .bind(cap.student_id())
                    .bind(i.kind.as_str())
                    .bind(&i.organisation_name)
                    .bind(&i.organisation_address)
                    .bind(&i.siret)
                    .bind(date_to_sql(i.period.start()))
                    .bind(date_to_sql(i.period.end()))
                    .bind(i64::from(i.year_of_training))
                    .bind(i.full_time)
                    .bind(&i.tutor_name)
                    .bind(&i.tutor_title)
                    .bind(&i.tutor_email)
                    .bind(&i.objectives)
                    .bind(&i.schedule)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err("la période en entreprise"))?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn update_internship(&self, cap: &DossierEditCap, id: i64, i: &InternshipInput, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = db::query(
                        "UPDATE internships SET kind = $1, organisation_name = $2, organisation_address = $3, siret = $4, \
                         start_date = $5, end_date = $6, year_of_training = $7, full_time = $8, tutor_name = $9, \
                         tutor_title = $10, tutor_email = $11, objectives = $12, schedule = $13, updated_at = $14 \
                         WHERE id = $15 AND student_id = $16",
                    )
                    .bind(i.kind.as_str())
                    .bind(&i.organisation_name)
                    .bind(&i.organisation_address)
                    .bind(&i.siret)
                    .bind(date_to_sql(i.period.start()))
                    .bind(date_to_sql(i.period.end()))
                    .bind(i64::from(i.year_of_training))
                    .bind(i.full_time)
                    .bind(&i.tutor_name)
                    .bind(&i.tutor_title)
                    .bind(&i.tutor_email)
                    .bind(&i.objectives)
                    .bind(&i.schedule)
                    .bind(now)
                    .bind(id)
                    .bind(cap.student_id())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err("la période en entreprise"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn delete_internship(&self, cap: &DossierEditCap, id: i64, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), id).await?;
                    db::query(
                        "INSERT INTO blob_deletions (storage_key, queued_at) \
                         SELECT certificate_key, $2 FROM internships WHERE id = $1 AND certificate_key IS NOT NULL \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    db::query("DELETE FROM internships WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn internships(&self, cap: &StudentCap) -> Result<Vec<InternshipRecord>> {
                    if !cap.reads_internships() {
                        return Ok(Vec::new());
                    }
                    match resolve(self, cap).await? {
                        Version::Live(live) => self.internships_recorded_by(live.student_id(), i64::MAX).await,
                        Version::HandedIn(s) => match s.snapshot.internship_records(cap.student_id()) {
                            Some(list) => Ok(list),
                            // Handed in before snapshots kept the internships: those recorded
                            // by then.
                            None => self.internships_recorded_by(cap.student_id(), s.submitted_at).await,
                        },
                        Version::Nothing => Ok(Vec::new()),
                    }
                }

                async fn internship(&self, cap: &StudentCap, id: i64) -> Result<InternshipRecord> {
                    if cap.version() == DossierVersion::Live {
                        if let Version::Live(live) = resolve(self, cap).await? {
                            return self.one_internship(live.student_id(), id).await;
                        }
                    }
                    self.internships(cap)
                        .await?
                        .into_iter()
                        .find(|i| i.id == id)
                        .ok_or(StoreError::NotFound)
                }

                async fn internship_for_review(&self, cap: &InternshipReviewCap, id: i64) -> Result<InternshipRecord> {
                    if !cap.reaches(id) {
                        return Err(StoreError::NotFound);
                    }
                    self.one_internship(cap.student_id(), id).await
                }

                async fn save_weekly_report(&self, cap: &DossierEditCap, internship_id: i64, week_start: time::Date, body: &str, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), internship_id).await?;
                    db::query(
                        "INSERT INTO weekly_reports (internship_id, week_start, body, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $4) \
                         ON CONFLICT (internship_id, week_start) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                    )
                    .bind(internship_id)
                    .bind(date_to_sql(week_start))
                    .bind(body)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err("le rapport de la semaine"))?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn weekly_reports(&self, cap: &FollowUpCap, internship_id: i64) -> Result<Vec<WeeklyReportRecord>> {
                    if !cap.reaches(internship_id) {
                        return Ok(Vec::new());
                    }
                    let student_id = cap.student_id();
                    let rows = db::query(
                        "SELECT w.id, w.internship_id, w.week_start, w.body, w.updated_at FROM weekly_reports w \
                         JOIN internships i ON i.id = w.internship_id \
                         WHERE w.internship_id = $1 AND i.student_id = $2 ORDER BY w.week_start",
                    )
                    .bind(internship_id)
                    .bind(student_id)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let week: String = r.try_get("week_start")?;
                            Ok(WeeklyReportRecord {
                                id: r.try_get("id")?,
                                internship_id: r.try_get("internship_id")?,
                                week_start: date_from_sql(&week)?,
                                body: r.try_get("body")?,
                                updated_at: r.try_get("updated_at")?,
                            })
                        })
                        .collect()
                }

                async fn add_internship_review(&self, cap: &InternshipReviewCap, internship_id: i64, author_id: Option<i64>, author_name: &str, body: &str, now: i64) -> Result<i64> {
                    if !cap.reaches(internship_id) {
                        return Err(StoreError::NotFound);
                    }
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), internship_id).await?;
                    let id: i64 = db::query_scalar(
                        "INSERT INTO internship_reviews (internship_id, author_kind, author_id, author_name, body, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(internship_id)
                    .bind(author_to_sql(cap.author()))
                    .bind(author_id)
                    .bind(author_name)
                    .bind(body)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err("le bilan"))?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn internship_reviews(&self, cap: &FollowUpCap, internship_id: i64) -> Result<Vec<InternshipReviewRecord>> {
                    if !cap.reaches(internship_id) {
                        return Ok(Vec::new());
                    }
                    let student_id = cap.student_id();
                    let rows = db::query(
                        "SELECT r.id, r.internship_id, r.author_kind, r.author_name, r.body, r.created_at \
                         FROM internship_reviews r JOIN internships i ON i.id = r.internship_id \
                         WHERE r.internship_id = $1 AND i.student_id = $2 ORDER BY r.id",
                    )
                    .bind(internship_id)
                    .bind(student_id)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let kind: String = r.try_get("author_kind")?;
                            Ok(InternshipReviewRecord {
                                id: r.try_get("id")?,
                                internship_id: r.try_get("internship_id")?,
                                author: author_from_sql(&kind),
                                author_name: r.try_get("author_name")?,
                                body: r.try_get("body")?,
                                created_at: r.try_get("created_at")?,
                            })
                        })
                        .collect()
                }

                async fn set_certificate_scan(&self, cap: &DossierEditCap, internship_id: i64, storage_key: &str, name: &str, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), internship_id).await?;
                    db::query(
                        "INSERT INTO blob_deletions (storage_key, queued_at) \
                         SELECT certificate_key, $2 FROM internships WHERE id = $1 AND certificate_key IS NOT NULL \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(internship_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    db::query(
                        "UPDATE internships SET certificate_key = $1, certificate_name = $2, certificate_state = 'unsigned', \
                         certificate_signed_by = NULL, certificate_signed_at = NULL, updated_at = $3 WHERE id = $4",
                    )
                    .bind(storage_key)
                    .bind(name)
                    .bind(now)
                    .bind(internship_id)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn confirm_certificate(&self, cap: &InternshipReviewCap, internship_id: i64, now: i64) -> Result<()> {
                    if !cap.reaches(internship_id) {
                        return Err(StoreError::NotFound);
                    }
                    let mut tx = self.begin_write().await?;
                    let done = db::query(
                        "UPDATE internships SET certificate_state = 'signed', certificate_signed_by = $1, \
                         certificate_signed_at = $2, updated_at = $2 WHERE id = $3 AND student_id = $4",
                    )
                    .bind(author_to_sql(cap.author()))
                    .bind(now)
                    .bind(internship_id)
                    .bind(cap.student_id())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn create_tutor_link(&self, cap: &ReviewCap, internship_id: i64, token_hash: &str, created_by: i64, expires_at: i64, now: i64) -> Result<i64> {
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), internship_id).await?;
                    let id: i64 = db::query_scalar(
                        "INSERT INTO tutor_links (internship_id, token_hash, created_by, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(internship_id)
                    .bind(token_hash)
                    .bind(created_by)
                    .bind(now)
                    .bind(expires_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err("ce lien"))?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn tutor_links(&self, cap: &StudentCap, internship_id: i64) -> Result<Vec<TutorLinkRecord>> {
                    // The follow-up belongs to the draft and to those who read it.
                    if cap.version() != DossierVersion::Live {
                        return Ok(Vec::new());
                    }
                    let Version::Live(live) = resolve(self, cap).await? else {
                        return Ok(Vec::new());
                    };
                    let rows = db::query(
                        "SELECT l.id, l.internship_id, l.created_at, l.expires_at, l.revoked_at FROM tutor_links l \
                         JOIN internships i ON i.id = l.internship_id \
                         WHERE l.internship_id = $1 AND i.student_id = $2 ORDER BY l.id DESC",
                    )
                    .bind(internship_id)
                    .bind(live.student_id())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(TutorLinkRecord {
                                id: r.try_get("id")?,
                                internship_id: r.try_get("internship_id")?,
                                created_at: r.try_get("created_at")?,
                                expires_at: r.try_get("expires_at")?,
                                revoked_at: r.try_get("revoked_at")?,
                            })
                        })
                        .collect()
                }

                async fn revoke_tutor_link(&self, cap: &ReviewCap, link_id: i64, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = db::query(
                        "UPDATE tutor_links SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND internship_id IN \
                         (SELECT id FROM internships WHERE student_id = $3)",
                    )
                    .bind(now)
                    .bind(link_id)
                    .bind(cap.student_id())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn tutor_link_facts(&self, token_hash: &str) -> Result<Option<TutorLinkFacts>> {
                    let row = db::query(
                        "SELECT l.internship_id, i.student_id, l.expires_at, l.revoked_at FROM tutor_links l \
                         JOIN internships i ON i.id = l.internship_id WHERE l.token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    row.map(|r| {
                        Ok(TutorLinkFacts {
                            internship_id: r.try_get("internship_id")?,
                            student_id: r.try_get("student_id")?,
                            expires_at: r.try_get("expires_at")?,
                            revoked_at: r.try_get("revoked_at")?,
                        })
                    })
                    .transpose()
                }

                async fn candidate_facts(&self, cap: &StudentCap) -> Result<Option<CandidateFactsRecord>> {
                    let sql = format!("SELECT {FACT_COLUMNS} FROM candidate_facts f WHERE f.student_id = $1");
                    let row = db::query(&sql).bind(cap.student_id()).fetch_optional(&self.pool).await?;
                    row.as_ref().map(facts_from_row).transpose()
                }

                async fn set_candidate_facts(&self, cap: &ReviewCap, f: &CandidateFactsRecord, by: i64, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    db::query(
                        "INSERT INTO candidate_facts (student_id, continuing_education, reduction_reason, \
                         positioning_request, distance_status, exam_date, updated_by, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (student_id) DO UPDATE SET \
                         continuing_education = excluded.continuing_education, reduction_reason = excluded.reduction_reason, \
                         positioning_request = excluded.positioning_request, distance_status = excluded.distance_status, \
                         exam_date = excluded.exam_date, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    )
                    .bind(cap.student_id())
                    .bind(&f.continuing_education)
                    .bind(&f.reduction_reason)
                    .bind(f.positioning_request.map(date_to_sql))
                    .bind(&f.distance_status)
                    .bind(f.exam_date.map(date_to_sql))
                    .bind(by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err("les informations du candidat"))?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn class_dashboard(&self, cap: &ClassCap) -> Result<ClassDashboard> {
                    // Each student with their recorded facts, the dossier in force, the last
                    // weekly report and their tags (« réalisation:code » joined): one row each.
                    let sql = format!(
                        "SELECT {STUDENT_SUMMARY_COLUMNS}, {FACT_COLUMNS}, \
                         (SELECT MAX(d.submitted_at) FROM dossier_submissions d \
                          WHERE d.student_id = s.user_id AND d.reopened_at IS NULL) AS handed_in_at, \
                         (SELECT MAX(w.week_start) FROM internships i JOIN weekly_reports w ON w.internship_id = i.id \
                          WHERE i.student_id = s.user_id) AS last_week, \
                         (SELECT string_agg(CAST(r.id AS TEXT) || ':' || t.skill_code, ',') FROM realisations r \
                          JOIN realisation_skills t ON t.realisation_id = r.id WHERE r.student_id = s.user_id) AS tags \
                         FROM {STUDENT_SUMMARY_FROM} LEFT JOIN candidate_facts f ON f.student_id = s.user_id \
                         WHERE s.class_id = $1 ORDER BY u.last_name, u.first_name, u.id"
                    );
                    let rows = db::query(&sql).bind(cap.class_id()).fetch_all(&self.pool).await?;
                    let mut students = Vec::with_capacity(rows.len());
                    for r in &rows {
                        let student = student_from_row(r)?;
                        // No recorded facts: the LEFT JOIN's columns are all NULL.
                        let recorded: Option<i64> = r.try_get("student_id")?;
                        let facts = recorded.map(|_| facts_from_row(r)).transpose()?;
                        let last: Option<&str> = r.try_get("last_week")?;
                        let tags: Option<&str> = r.try_get("tags")?;
                        let tags = tags
                            .unwrap_or_default()
                            .split(',')
                            .filter_map(|t| {
                                let (id, code) = t.split_once(':')?;
                                Some((id.parse::<i64>().ok()?, code.to_string()))
                            })
                            .collect();
                        students.push(DashboardStudent {
                            student,
                            facts,
                            handed_in_at: r.try_get("handed_in_at")?,
                            last_report: last.map(date_from_sql).transpose()?,
                            tags,
                        });
                    }
                    let sql = format!(
                        "SELECT {SUMMARY_COLUMNS} FROM internships i JOIN students s ON s.user_id = i.student_id \
                         WHERE s.class_id = $1 ORDER BY i.student_id, i.start_date, i.id"
                    );
                    let rows = db::query(&sql).bind(cap.class_id()).fetch_all(&self.pool).await?;
                    let internships = rows.iter().map(summary_from_row).collect::<Result<_>>()?;
                    Ok(ClassDashboard {
                        students,
                        internships,
                    })
                }

            }

            /// The session's candidates: students assigned to one of its commissions.
            const CANDIDATES: &str = "SELECT DISTINCT cc.student_id FROM commission_candidates cc \
                JOIN commissions c ON c.id = cc.commission_id WHERE c.exam_session_id = $1";

            #[async_trait]
            impl ConformityStore for $store {
                async fn set_dossier_due_date(&self, cap: &ExamSessionCap, date: Option<time::Date>) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = db::query("UPDATE exam_sessions SET dossier_due_date = $1 WHERE id = $2")
                        .bind(date.map(date_to_sql))
                        .bind(cap.exam_session_id())
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn session_candidates(&self, cap: &ExamSessionCap) -> Result<Vec<SessionCandidate>> {
                    let sql = format!(
                        "SELECT u.id, u.first_name, u.last_name, u.email, s.class_id, c.name AS class_name, c.track, \
                         s.route, s.candidate_number, u.disabled, sc.name AS school_name \
                         FROM students s JOIN users u ON u.id = s.user_id JOIN classes c ON c.id = s.class_id \
                         JOIN schools sc ON sc.id = c.school_id WHERE s.user_id IN ({CANDIDATES}) \
                         ORDER BY u.last_name, u.first_name, u.id"
                    );
                    let rows = db::query(&sql).bind(cap.exam_session_id()).fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            Ok(SessionCandidate {
                                student: StudentSummary {
                                    id: r.try_get("id")?,
                                    first_name: r.try_get("first_name")?,
                                    last_name: r.try_get("last_name")?,
                                    email: r.try_get("email")?,
                                    class_id: r.try_get("class_id")?,
                                    class_name: r.try_get("class_name")?,
                                    track: crate::sql::track_from_sql(r.try_get("track")?)?,
                                    route: crate::sql::route_from_sql(r.try_get("route")?)?,
                                    candidate_number: r.try_get("candidate_number")?,
                                    disabled: r.try_get("disabled")?,
                                },
                                school_name: r.try_get("school_name")?,
                            })
                        })
                        .collect()
                }

                async fn candidate_sessions(
                    &self,
                    cap: &StudentCap,
                ) -> Result<Vec<(ExamSessionRecord, Option<ConformityDecisionRecord>)>> {
                    let sql = format!(
                        "SELECT DISTINCT {EXAM_SESSION_COLUMNS}, \
                         d.decision, d.grounds, d.regularisation_deadline, d.decided_at \
                         FROM commission_candidates cc JOIN commissions c ON c.id = cc.commission_id \
                         JOIN exam_sessions e ON e.id = c.exam_session_id \
                         LEFT JOIN conformity_decisions d ON d.exam_session_id = e.id AND d.student_id = cc.student_id \
                         WHERE cc.student_id = $1 ORDER BY e.year DESC, e.id"
                    );
                    let rows = db::query(&sql)
                    .bind(cap.student_id())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let session = exam_session_from_row(r)?;
                            let decision: Option<String> = r.try_get("decision")?;
                            let record = match decision {
                                Some(decision) => {
                                    let deadline: Option<String> = r.try_get("regularisation_deadline")?;
                                    Some(ConformityDecisionRecord {
                                        student_id: cap.student_id(),
                                        decision,
                                        grounds: r.try_get("grounds")?,
                                        regularisation_deadline: deadline.as_deref().map(date_from_sql).transpose()?,
                                        decided_at: r.try_get("decided_at")?,
                                    })
                                }
                                None => None,
                            };
                            Ok((session, record))
                        })
                        .collect()
                }

                async fn record_conformity_by_team(
                    &self,
                    cap: &ReviewCap,
                    exam_session_id: i64,
                    d: &NewConformityDecision,
                ) -> Result<()> {
                    if d.student_id != cap.student_id() {
                        return Err(StoreError::NotFound);
                    }
                    self.record_conformity_checked(exam_session_id, d).await
                }

                async fn session_candidate_facts(&self, cap: &ExamSessionCap) -> Result<Vec<CandidateFactsRecord>> {
                    let sql = format!("SELECT {FACT_COLUMNS} FROM candidate_facts f WHERE f.student_id IN ({CANDIDATES})");
                    let rows = db::query(&sql).bind(cap.exam_session_id()).fetch_all(&self.pool).await?;
                    rows.iter().map(facts_from_row).collect()
                }

                async fn session_internships(&self, cap: &ExamSessionCap) -> Result<Vec<InternshipSummary>> {
                    let sql = format!(
                        "SELECT {SUMMARY_COLUMNS} FROM internships i WHERE i.student_id IN ({CANDIDATES}) \
                         ORDER BY i.student_id, i.start_date, i.id"
                    );
                    let rows = db::query(&sql).bind(cap.exam_session_id()).fetch_all(&self.pool).await?;
                    rows.iter().map(summary_from_row).collect()
                }

                async fn session_submissions(&self, cap: &ExamSessionCap) -> Result<Vec<(i64, i64)>> {
                    let sql = format!(
                        "SELECT student_id, MAX(submitted_at) AS at FROM dossier_submissions \
                         WHERE reopened_at IS NULL AND student_id IN ({CANDIDATES}) GROUP BY student_id"
                    );
                    let rows = db::query(&sql).bind(cap.exam_session_id()).fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| Ok((r.try_get("student_id")?, r.try_get("at")?)))
                        .collect()
                }

                async fn record_conformity(
                    &self,
                    cap: &ExamSessionCap,
                    d: &NewConformityDecision,
                ) -> Result<()> {
                    self.record_conformity_checked(cap.exam_session_id(), d).await
                }

                async fn conformity_decisions(&self, cap: &ExamSessionCap) -> Result<Vec<ConformityDecisionRecord>> {
                    let rows = db::query(
                        "SELECT student_id, decision, grounds, regularisation_deadline, decided_at \
                         FROM conformity_decisions WHERE exam_session_id = $1 ORDER BY student_id",
                    )
                    .bind(cap.exam_session_id())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let deadline: Option<String> = r.try_get("regularisation_deadline")?;
                            Ok(ConformityDecisionRecord {
                                student_id: r.try_get("student_id")?,
                                decision: r.try_get("decision")?,
                                grounds: r.try_get("grounds")?,
                                regularisation_deadline: deadline.as_deref().map(date_from_sql).transpose()?,
                                decided_at: r.try_get("decided_at")?,
                            })
                        })
                        .collect()
                }
            }
        }
    };
}

pub(crate) use internship_store;
