//! The SQL of réclamations (the candidate asks for their fiche d'appréciation, the jury
//! president or the head of school sends it), shared by both backends (stamped by
//! `reclamation_store!`).

/// The columns `reclamation_from_row` reads: a session (alias `e`), a student (`s`, `u`, `cl`,
/// `sc`), the request (`q`, possibly absent) and who sent it (`sender`).
pub(crate) const RECLAMATION_COLUMNS: &str = "e.id AS exam_session_id, e.label AS session_label, \
     e.deliberated_at, e.publish_appraisals, u.id AS student_id, u.first_name, u.last_name, \
     sc.name AS school_name, cl.name AS class_name, q.requested_at, q.sent_at, \
     sender.first_name AS sender_first_name, sender.last_name AS sender_last_name";

macro_rules! reclamation_store {
    ($store:ty, $row:ty) => {
        mod reclamation_impl {
            use super::*;
            use crate::sql::placeholders;
            use crate::sql_reclamation::RECLAMATION_COLUMNS;
            use portfolio_domain::access::{
                AppraisalPublicationCap, ReclamationAnswerCap, ReclamationDeskCap,
                ReclamationRequestCap,
            };

            /// A fiche the candidate may ask for: both members signed it, the jury deliberated.
            const SIGNED_FICHE: &str = "EXISTS (SELECT 1 FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id \
                 WHERE c.exam_session_id = e.id AND ev.student_id = u.id \
                 AND ev.visa1_at IS NOT NULL AND ev.visa2_at IS NOT NULL)";

            /// A request with its session, candidate and sender, as `reclamation_from_row` reads them.
            const FROM_REQUEST: &str = "appraisal_requests q JOIN exam_sessions e ON e.id = q.exam_session_id \
                 JOIN students s ON s.user_id = q.student_id JOIN users u ON u.id = s.user_id \
                 JOIN classes cl ON cl.id = s.class_id JOIN schools sc ON sc.id = cl.school_id \
                 LEFT JOIN users sender ON sender.id = q.sent_by";

            const FROM_STUDENT: &str = "students s JOIN users u ON u.id = s.user_id \
                 JOIN classes cl ON cl.id = s.class_id JOIN schools sc ON sc.id = cl.school_id";

            fn reclamation_from_row(r: &$row) -> Result<ReclamationRecord> {
                let first: Option<String> = r.try_get("sender_first_name")?;
                let last: Option<String> = r.try_get("sender_last_name")?;
                Ok(ReclamationRecord {
                    exam_session_id: r.try_get("exam_session_id")?,
                    session_label: r.try_get("session_label")?,
                    student_id: r.try_get("student_id")?,
                    first_name: r.try_get("first_name")?,
                    last_name: r.try_get("last_name")?,
                    school_name: r.try_get("school_name")?,
                    class_name: r.try_get("class_name")?,
                    deliberated_at: r.try_get("deliberated_at")?,
                    requested_at: r.try_get("requested_at")?,
                    sent_at: r.try_get("sent_at")?,
                    sent_by: match (first, last) {
                        (Some(f), Some(l)) => Some(format!("{f} {l}")),
                        _ => None,
                    },
                    published: r.try_get("publish_appraisals")?,
                })
            }

            #[async_trait]
            impl ReclamationStore for $store {
                async fn candidate_reclamations(
                    &self,
                    cap: &ReclamationRequestCap,
                ) -> Result<Vec<ReclamationRecord>> {
                    let sql = format!(
                        "SELECT {RECLAMATION_COLUMNS} FROM {FROM_STUDENT} CROSS JOIN exam_sessions e \
                         LEFT JOIN appraisal_requests q ON q.exam_session_id = e.id AND q.student_id = u.id \
                         LEFT JOIN users sender ON sender.id = q.sent_by \
                         WHERE u.id = $1 AND e.deliberated_at IS NOT NULL AND {SIGNED_FICHE} \
                         ORDER BY e.year DESC, e.id DESC"
                    );
                    let rows = db::query(&sql).bind(cap.student_id()).fetch_all(&self.pool).await?;
                    rows.iter().map(reclamation_from_row).collect()
                }

                async fn request_appraisal(
                    &self,
                    cap: &ReclamationRequestCap,
                    exam_session_id: i64,
                    now: i64,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let sql = format!(
                        "SELECT COUNT(*) FROM {FROM_STUDENT} CROSS JOIN exam_sessions e \
                         WHERE u.id = $1 AND e.id = $2 AND e.deliberated_at IS NOT NULL AND {SIGNED_FICHE}"
                    );
                    let eligible: i64 = db::query_scalar(&sql)
                        .bind(cap.student_id())
                        .bind(exam_session_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    if eligible == 0 {
                        return Err(StoreError::NotFound);
                    }
                    let done = db::query(
                        "INSERT INTO appraisal_requests (exam_session_id, student_id, requested_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (exam_session_id, student_id) DO NOTHING",
                    )
                    .bind(exam_session_id)
                    .bind(cap.student_id())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() > 0 {
                        db::query(
                            "INSERT INTO audit_log (at, actor_user_id, action, target, client_ip, details) \
                             VALUES ($1, $2, 'appraisal.requested', $3, NULL, $4)",
                        )
                        .bind(now)
                        .bind(cap.student_id())
                        .bind(format!("student:{}", cap.student_id()))
                        .bind(format!("réclamation de la fiche d’appréciation, session {exam_session_id}"))
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn reclamations(&self, cap: &ReclamationDeskCap) -> Result<Vec<ReclamationRecord>> {
                    let sessions = cap.exam_session_ids();
                    let schools = cap.school_ids();
                    let mut scope = Vec::new();
                    if !sessions.is_empty() {
                        scope.push(format!("e.id IN ({})", placeholders(1, sessions.len())));
                    }
                    if !schools.is_empty() {
                        scope.push(format!(
                            "sc.id IN ({})",
                            placeholders(sessions.len() + 1, schools.len())
                        ));
                    }
                    if scope.is_empty() {
                        return Ok(Vec::new());
                    }
                    let sql = format!(
                        "SELECT {RECLAMATION_COLUMNS} FROM {FROM_REQUEST} WHERE {} ORDER BY q.sent_at IS NOT NULL, q.requested_at DESC, u.last_name, u.first_name",
                        scope.join(" OR ")
                    );
                    let mut q = db::query(&sql);
                    for id in sessions.iter().chain(schools) {
                        q = q.bind(*id);
                    }
                    let rows = q.fetch_all(&self.pool).await?;
                    rows.iter().map(reclamation_from_row).collect()
                }

                async fn reclamation(&self, cap: &ReclamationAnswerCap) -> Result<Option<ReclamationRecord>> {
                    let sql = format!(
                        "SELECT {RECLAMATION_COLUMNS} FROM {FROM_REQUEST} WHERE q.exam_session_id = $1 AND q.student_id = $2"
                    );
                    let row = db::query(&sql)
                        .bind(cap.exam_session_id())
                        .bind(cap.student_id())
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(reclamation_from_row).transpose()
                }

                async fn send_appraisal(&self, cap: &ReclamationAnswerCap, by: i64, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let asked: i64 = db::query_scalar(
                        "SELECT COUNT(*) FROM appraisal_requests WHERE exam_session_id = $1 AND student_id = $2",
                    )
                    .bind(cap.exam_session_id())
                    .bind(cap.student_id())
                    .fetch_one(&mut *tx)
                    .await?;
                    if asked == 0 {
                        return Err(StoreError::NotFound);
                    }
                    let done = db::query(
                        "UPDATE appraisal_requests SET sent_at = $1, sent_by = $2 \
                         WHERE exam_session_id = $3 AND student_id = $4 AND sent_at IS NULL",
                    )
                    .bind(now)
                    .bind(by)
                    .bind(cap.exam_session_id())
                    .bind(cap.student_id())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() > 0 {
                        db::query(
                            "INSERT INTO audit_log (at, actor_user_id, action, target, client_ip, details) \
                             VALUES ($1, $2, 'appraisal.sent', $3, NULL, $4)",
                        )
                        .bind(now)
                        .bind(by)
                        .bind(format!("student:{}", cap.student_id()))
                        .bind(format!(
                            "copie de la fiche d’appréciation (sans la note) transmise, session {}",
                            cap.exam_session_id()
                        ))
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn appraisals_published(&self, cap: &AppraisalPublicationCap) -> Result<bool> {
                    let published: Option<bool> =
                        db::query_scalar("SELECT publish_appraisals FROM exam_sessions WHERE id = $1")
                            .bind(cap.exam_session_id())
                            .fetch_optional(&self.pool)
                            .await?;
                    published.ok_or(StoreError::NotFound)
                }

                async fn set_appraisals_published(
                    &self,
                    cap: &AppraisalPublicationCap,
                    published: bool,
                    by: i64,
                    now: i64,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = db::query("UPDATE exam_sessions SET publish_appraisals = $1 WHERE id = $2")
                        .bind(published)
                        .bind(cap.exam_session_id())
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    db::query(
                        "INSERT INTO audit_log (at, actor_user_id, action, target, client_ip, details) \
                         VALUES ($1, $2, 'appraisal.publication', $3, NULL, $4)",
                    )
                    .bind(now)
                    .bind(by)
                    .bind(format!("exam_session:{}", cap.exam_session_id()))
                    .bind(if published {
                        "fiches d’appréciation publiées à toutes les personnes candidates après la délibération"
                    } else {
                        "fiches d’appréciation transmises sur réclamation seulement"
                    })
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }
            }
        }
    };
}

pub(crate) use reclamation_store;
