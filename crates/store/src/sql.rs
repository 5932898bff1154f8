//! The SQL shared by both backends, stamped onto each by `sql_store!`.
//!
//! The text of every statement is the same on SQLite and PostgreSQL (`$n` placeholders, standard
//! SQL, booleans written `NOT disabled` rather than compared with integers); what differs —
//! connecting, the statement that opens a write transaction, backups — lives in `sqlite.rs` and
//! `postgres.rs`.

use crate::{Result, StoreError};
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_framework::Track;

/// The constraint a failed write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Violation {
    Unique,
    ForeignKey,
    Check,
}

/// An error of either backend's driver, as the store reports it.
pub(crate) trait DbFailure: Into<StoreError> {
    fn violation(&self) -> Option<Violation>;
}

impl DbFailure for sqlx::Error {
    fn violation(&self) -> Option<Violation> {
        let db = self.as_database_error()?;
        if db.is_unique_violation() {
            Some(Violation::Unique)
        } else if db.is_foreign_key_violation() {
            Some(Violation::ForeignKey)
        } else if db.is_check_violation() {
            Some(Violation::Check)
        } else {
            None
        }
    }
}

impl DbFailure for crate::lite::Error {
    fn violation(&self) -> Option<Violation> {
        crate::lite::Error::violation(self)
    }
}

/// Maps a database error to a [`StoreError`], naming in French what was duplicated or missing.
pub(crate) fn db_err<E: DbFailure>(what: &str) -> impl FnOnce(E) -> StoreError + '_ {
    move |e| match e.violation() {
        Some(Violation::Unique) => StoreError::Conflict(format!("{what} existe déjà")),
        Some(Violation::ForeignKey) => {
            StoreError::Invalid(format!("{what} fait référence à un élément inexistant"))
        }
        Some(Violation::Check) => {
            StoreError::Invalid(format!("{what} contient une valeur non autorisée"))
        }
        None => e.into(),
    }
}

pub(crate) fn track_to_sql(track: Track) -> &'static str {
    match track {
        Track::Sisr => "sisr",
        Track::Slam => "slam",
    }
}

pub(crate) fn track_from_sql(s: &str) -> Result<Track> {
    match s {
        "sisr" => Ok(Track::Sisr),
        "slam" => Ok(Track::Slam),
        other => Err(StoreError::Invalid(format!(
            "option inconnue en base : {other}"
        ))),
    }
}

pub(crate) fn route_from_sql(s: &str) -> Result<Route> {
    s.parse()
        .map_err(|_| StoreError::Invalid(format!("voie de formation inconnue en base : {s}")))
}

pub(crate) fn grant_from_sql(role: &str, scope_id: Option<i64>) -> Result<Grant> {
    let role: Role = role
        .parse()
        .map_err(|_| StoreError::Invalid(format!("rôle inconnu en base : {role}")))?;
    Grant::new(role, scope_id).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// `$start, $start+1, …` for an `IN (…)` list of `n` values.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns `student_from_row` reads, and the tables they come from (aliases `s`, `u`, `c`):
/// a query that wants more columns of the same rows names them after these.
macro_rules! student_summary {
    (columns) => {
        "u.id, u.first_name, u.last_name, u.email, s.class_id, c.name AS class_name, c.track, \
         s.route, s.candidate_number, u.disabled"
    };
    (from) => {
        "students s JOIN users u ON u.id = s.user_id JOIN classes c ON c.id = s.class_id"
    };
}

pub(crate) const STUDENT_SUMMARY_COLUMNS: &str = student_summary!(columns);
pub(crate) const STUDENT_SUMMARY_FROM: &str = student_summary!(from);
pub(crate) const STUDENT_SUMMARY_SELECT: &str = concat!(
    "SELECT ",
    student_summary!(columns),
    " FROM ",
    student_summary!(from)
);

pub(crate) const CLASS_SELECT: &str = "SELECT c.id, c.school_id, sc.name AS school_name, c.name, \
     c.track, c.year_of_training, c.session_year, c.dossiers_version, \
     (SELECT COUNT(*) FROM students s WHERE s.class_id = c.id) AS student_count \
     FROM classes c JOIN schools sc ON sc.id = c.school_id";

/// The columns of an exam session, as `exam_session_from_row` reads them (table alias `e`).
pub(crate) const EXAM_SESSION_COLUMNS: &str = "e.id, e.year, e.academy, e.label, e.dossier_due_date, \
     e.block1_exam, e.block2_exam, e.conformity_annex, e.grid_annex, e.appraisal_annex, e.ccf_end_date, \
     e.training_end_date, e.deliberated_at, e.closed_at, e.purged_at, e.evaluations_version";

macro_rules! sql_store {
    ($store:ty, $row:ty) => {
        use $crate::sql::{
            db_err, grant_from_sql, placeholders, route_from_sql, track_from_sql, track_to_sql,
            CLASS_SELECT, EXAM_SESSION_COLUMNS, STUDENT_SUMMARY_COLUMNS, STUDENT_SUMMARY_FROM,
            STUDENT_SUMMARY_SELECT,
        };
        use $crate::*;
        use async_trait::async_trait;
        use portfolio_domain::access::{
            ClassCap, ClassFacts, CommissionCap, CommissionFacts, ExamSessionCap, SchoolCap,
            StudentCap, StudentFacts,
        };
        use portfolio_domain::role::{Grant, Role};
        use db::Row;

        fn user_from_row(r: &$row) -> Result<UserRecord> {
            Ok(UserRecord {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                first_name: r.try_get("first_name")?,
                last_name: r.try_get("last_name")?,
                password_hash: r.try_get("password_hash")?,
                disabled: r.try_get("disabled")?,
                created_at: r.try_get("created_at")?,
            })
        }

        fn user_summary_from_row(r: &$row) -> Result<UserSummary> {
            Ok(UserSummary {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                first_name: r.try_get("first_name")?,
                last_name: r.try_get("last_name")?,
                disabled: r.try_get("disabled")?,
            })
        }

        fn student_from_row(r: &$row) -> Result<StudentSummary> {
            Ok(StudentSummary {
                id: r.try_get("id")?,
                first_name: r.try_get("first_name")?,
                last_name: r.try_get("last_name")?,
                email: r.try_get("email")?,
                class_id: r.try_get("class_id")?,
                class_name: r.try_get("class_name")?,
                track: track_from_sql(r.try_get("track")?)?,
                route: route_from_sql(r.try_get("route")?)?,
                candidate_number: r.try_get("candidate_number")?,
                disabled: r.try_get("disabled")?,
            })
        }

        fn class_from_row(r: &$row) -> Result<ClassRecord> {
            Ok(ClassRecord {
                id: r.try_get("id")?,
                school_id: r.try_get("school_id")?,
                school_name: r.try_get("school_name")?,
                name: r.try_get("name")?,
                track: track_from_sql(r.try_get("track")?)?,
                year_of_training: r.try_get("year_of_training")?,
                session_year: r.try_get("session_year")?,
                student_count: r.try_get("student_count")?,
                dossiers_version: r.try_get("dossiers_version")?,
            })
        }

        fn school_from_row(r: &$row) -> Result<SchoolRecord> {
            Ok(SchoolRecord {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                city: r.try_get("city")?,
                uai: r.try_get("uai")?,
            })
        }

        fn exam_session_from_row(r: &$row) -> Result<ExamSessionRecord> {
            let date = |column: &str| -> Result<Option<time::Date>> {
                let value: Option<String> = r.try_get(column)?;
                value.as_deref().map(crate::sql_dossier::date_from_sql).transpose()
            };
            let defaults = portfolio_domain::session_labels::SessionLabels::text_of_2019();
            let label = |column: &str, default: String| -> Result<String> {
                let value: Option<String> = r.try_get(column)?;
                Ok(value.unwrap_or(default))
            };
            Ok(ExamSessionRecord {
                dossier_due_date: date("dossier_due_date")?,
                id: r.try_get("id")?,
                year: r.try_get("year")?,
                academy: r.try_get("academy")?,
                label: r.try_get("label")?,
                labels: portfolio_domain::session_labels::SessionLabels {
                    block1_exam: label("block1_exam", defaults.block1_exam)?,
                    block2_exam: label("block2_exam", defaults.block2_exam)?,
                    conformity_annex: label("conformity_annex", defaults.conformity_annex)?,
                    grid_annex: label("grid_annex", defaults.grid_annex)?,
                    appraisal_annex: label("appraisal_annex", defaults.appraisal_annex)?,
                },
                ccf_end_date: date("ccf_end_date")?,
                training_end_date: date("training_end_date")?,
                deliberated_at: r.try_get("deliberated_at")?,
                closed_at: r.try_get("closed_at")?,
                purged_at: r.try_get("purged_at")?,
                evaluations_version: r.try_get("evaluations_version")?,
            })
        }

        impl $store {
            async fn begin_write(&self) -> Result<db::Tx> {
                Ok(db::begin_write(&self.pool).await?)
            }

            /// Commissions matching `filter = $1`, with their members: two queries, whatever
            /// the number of commissions.
            async fn commissions_where(&self, filter: &str, id: i64) -> Result<Vec<CommissionRecord>> {
                let sql = format!(
                    "SELECT c.id, c.exam_session_id, c.name, \
                     (SELECT COUNT(*) FROM commission_candidates cc WHERE cc.commission_id = c.id) AS candidate_count \
                     FROM commissions c WHERE {filter} = $1 ORDER BY c.name, c.id"
                );
                let rows = db::query(&sql).bind(id).fetch_all(&self.pool).await?;
                let members_sql = format!(
                    "SELECT g.scope_id AS commission_id, u.id, u.email, u.first_name, u.last_name, u.disabled \
                     FROM grants g JOIN users u ON u.id = g.user_id JOIN commissions c ON c.id = g.scope_id \
                     WHERE g.role = 'commission_member' AND {filter} = $1 ORDER BY u.last_name, u.first_name, u.id"
                );
                let member_rows = db::query(&members_sql).bind(id).fetch_all(&self.pool).await?;
                let mut members: std::collections::HashMap<i64, Vec<UserSummary>> = std::collections::HashMap::new();
                for r in &member_rows {
                    members
                        .entry(r.try_get("commission_id")?)
                        .or_default()
                        .push(user_summary_from_row(r)?);
                }
                rows.iter()
                    .map(|r| {
                        let id: i64 = r.try_get("id")?;
                        Ok(CommissionRecord {
                            id,
                            exam_session_id: r.try_get("exam_session_id")?,
                            name: r.try_get("name")?,
                            candidate_count: r.try_get("candidate_count")?,
                            members: members.remove(&id).unwrap_or_default(),
                        })
                    })
                    .collect()
            }
        }

        #[async_trait]
        impl UserStore for $store {
            async fn create_user(&self, user: &NewUser) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = db::query_scalar(
                    "INSERT INTO users (email, first_name, last_name, password_hash, created_at, password_changed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&user.email)
                .bind(&user.first_name)
                .bind(&user.last_name)
                .bind(&user.password_hash)
                .bind(user.created_at)
                .bind(user.password_hash.as_ref().map(|_| user.created_at))
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err("un compte avec cette adresse électronique"))?;
                tx.commit().await?;
                Ok(id)
            }

            async fn user(&self, id: i64) -> Result<Option<UserRecord>> {
                let row = db::query(
                    "SELECT id, email, first_name, last_name, password_hash, disabled, created_at FROM users WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(user_from_row).transpose()
            }

            async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
                let row = db::query(
                    "SELECT id, email, first_name, last_name, password_hash, disabled, created_at FROM users WHERE email = $1",
                )
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(user_from_row).transpose()
            }

            async fn search_users(&self, query: &str, limit: i64) -> Result<Vec<UserSummary>> {
                // The pattern goes through the database's LOWER, like the columns: SQLite's only
                // folds ASCII, so lowering it in Rust would turn "Émilie" into "émilie" and miss
                // the very name typed.
                let pattern = format!(
                    "%{}%",
                    query.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
                );
                let rows = db::query(
                    "SELECT id, email, first_name, last_name, disabled FROM users \
                     WHERE LOWER(email) LIKE LOWER($1) ESCAPE '\\' \
                     OR LOWER(first_name || ' ' || last_name) LIKE LOWER($1) ESCAPE '\\' \
                     OR LOWER(last_name || ' ' || first_name) LIKE LOWER($1) ESCAPE '\\' \
                     ORDER BY last_name, first_name, id LIMIT $2",
                )
                .bind(pattern)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(user_summary_from_row).collect()
            }

            async fn set_password_hash(&self, user_id: i64, hash: &str, now: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                let done = db::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
                    .bind(hash)
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                db::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
                let mut tx = self.begin_write().await?;
                let done = db::query("UPDATE users SET disabled = $1 WHERE id = $2")
                    .bind(disabled)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                if disabled {
                    db::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn add_grant(&self, user_id: i64, grant: Grant, now: i64) -> Result<()> {
                if grant.role == Role::Student {
                    return Err(StoreError::Invalid(
                        "le rôle étudiant(e) se donne en inscrivant la personne dans une classe".into(),
                    ));
                }
                let mut tx = self.begin_write().await?;
                // The scope must exist: the grants table cannot hold a foreign key to four tables.
                let scope_table = match grant.role {
                    Role::Teacher => Some(("classes", "id", "la classe")),
                    Role::Tutor => Some(("students", "user_id", "l’étudiant(e) suivi(e)")),
                    Role::CommissionMember => Some(("commissions", "id", "la commission")),
                    Role::HeadOfSchool => Some(("schools", "id", "l’établissement")),
                    Role::JuryPresident => Some(("exam_sessions", "id", "la session d’examen")),
                    Role::Admin | Role::Student => None,
                };
                if let (Some((table, column, what)), Some(scope)) = (scope_table, grant.scope_id) {
                    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
                    let n: i64 = db::query_scalar(&sql).bind(scope).fetch_one(&mut *tx).await?;
                    if n == 0 {
                        return Err(StoreError::Invalid(format!("{what} n° {scope} n’existe pas")));
                    }
                }
                db::query(
                    "INSERT INTO grants (user_id, role, scope_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(user_id)
                .bind(grant.role.as_str())
                .bind(grant.scope_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_err("ce rôle"))?;
                tx.commit().await?;
                Ok(())
            }

            async fn remove_grant(&self, user_id: i64, grant: Grant) -> Result<()> {
                let mut tx = self.begin_write().await?;
                db::query(
                    "DELETE FROM grants WHERE user_id = $1 AND role = $2 AND COALESCE(scope_id, 0) = COALESCE($3, 0)",
                )
                .bind(user_id)
                .bind(grant.role.as_str())
                .bind(grant.scope_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn grants_of(&self, user_id: i64) -> Result<Vec<Grant>> {
                let rows = db::query(
                    "SELECT 'student' AS role, class_id AS scope_id FROM students WHERE user_id = $1 \
                     UNION ALL SELECT role, scope_id FROM grants WHERE user_id = $1",
                )
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?;
                let mut grants = rows
                    .iter()
                    .map(|r| grant_from_sql(r.try_get("role")?, r.try_get("scope_id")?))
                    .collect::<Result<Vec<_>>>()?;
                grants.sort();
                Ok(grants)
            }

            async fn enroll_student(&self, user_id: i64, enrolment: &Enrolment) -> Result<()> {
                let mut tx = self.begin_write().await?;
                db::query(
                    "INSERT INTO students (user_id, class_id, route, candidate_number) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id) DO UPDATE SET class_id = excluded.class_id, route = excluded.route, \
                     candidate_number = excluded.candidate_number",
                )
                .bind(user_id)
                .bind(enrolment.class_id)
                .bind(enrolment.route.as_str())
                .bind(&enrolment.candidate_number)
                .execute(&mut *tx)
                .await
                .map_err(db_err("l’inscription"))?;
                tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait]
        impl SchoolStore for $store {
            async fn create_school(&self, school: &NewSchool, now: i64) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = db::query_scalar(
                    "INSERT INTO schools (name, city, uai, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&school.name)
                .bind(&school.city)
                .bind(&school.uai)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err("un établissement avec ce numéro UAI"))?;
                tx.commit().await?;
                Ok(id)
            }

            async fn schools(&self) -> Result<Vec<SchoolRecord>> {
                let rows = db::query("SELECT id, name, city, uai FROM schools ORDER BY name, id")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(school_from_row).collect()
            }

            async fn school(&self, cap: &SchoolCap) -> Result<SchoolRecord> {
                let row = db::query("SELECT id, name, city, uai FROM schools WHERE id = $1")
                    .bind(cap.school_id())
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                school_from_row(&row)
            }

            async fn create_class(&self, class: &NewClass, now: i64) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = db::query_scalar(
                    "INSERT INTO classes (school_id, name, track, year_of_training, session_year, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(class.school_id)
                .bind(&class.name)
                .bind(track_to_sql(class.track))
                .bind(class.year_of_training)
                .bind(class.session_year)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err("une classe de ce nom pour cette session dans cet établissement"))?;
                tx.commit().await?;
                Ok(id)
            }

            async fn classes_of_school(&self, cap: &SchoolCap) -> Result<Vec<ClassRecord>> {
                let sql = format!("{CLASS_SELECT} WHERE c.school_id = $1 ORDER BY c.session_year DESC, c.name, c.id");
                let rows = db::query(&sql).bind(cap.school_id()).fetch_all(&self.pool).await?;
                rows.iter().map(class_from_row).collect()
            }

            async fn all_classes(&self) -> Result<Vec<ClassRecord>> {
                let sql = format!("{CLASS_SELECT} ORDER BY sc.name, c.session_year DESC, c.name, c.id");
                let rows = db::query(&sql).fetch_all(&self.pool).await?;
                rows.iter().map(class_from_row).collect()
            }

            async fn classes_by_ids(&self, ids: &[i64]) -> Result<Vec<ClassRecord>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "{CLASS_SELECT} WHERE c.id IN ({}) ORDER BY c.session_year DESC, c.name, c.id",
                    placeholders(1, ids.len())
                );
                let mut q = db::query(&sql);
                for id in ids {
                    q = q.bind(*id);
                }
                let rows = q.fetch_all(&self.pool).await?;
                rows.iter().map(class_from_row).collect()
            }

            async fn class_facts(&self, class_id: i64) -> Result<Option<ClassFacts>> {
                let row = db::query("SELECT id, school_id FROM classes WHERE id = $1")
                    .bind(class_id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| {
                    Ok(ClassFacts {
                        class_id: r.try_get("id")?,
                        school_id: r.try_get("school_id")?,
                    })
                })
                .transpose()
            }

            async fn class(&self, cap: &ClassCap) -> Result<ClassRecord> {
                let sql = format!("{CLASS_SELECT} WHERE c.id = $1");
                let row = db::query(&sql)
                    .bind(cap.class_id())
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                class_from_row(&row)
            }

            async fn class_roster(&self, cap: &ClassCap) -> Result<Vec<StudentSummary>> {
                let sql = format!("{STUDENT_SUMMARY_SELECT} WHERE s.class_id = $1 ORDER BY u.last_name, u.first_name, u.id");
                let rows = db::query(&sql).bind(cap.class_id()).fetch_all(&self.pool).await?;
                rows.iter().map(student_from_row).collect()
            }

            async fn class_teachers(&self, cap: &ClassCap) -> Result<Vec<UserSummary>> {
                let rows = db::query(
                    "SELECT u.id, u.email, u.first_name, u.last_name, u.disabled FROM grants g \
                     JOIN users u ON u.id = g.user_id WHERE g.role = 'teacher' AND g.scope_id = $1 \
                     ORDER BY u.last_name, u.first_name, u.id",
                )
                .bind(cap.class_id())
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(user_summary_from_row).collect()
            }

            async fn student_facts(&self, student_id: i64) -> Result<Option<StudentFacts>> {
                // One row per commission the student is a candidate of (or one with none).
                let rows = db::query(
                    "SELECT s.user_id, s.class_id, c.school_id, cc.commission_id, cm.exam_session_id \
                     FROM students s JOIN classes c ON c.id = s.class_id \
                     LEFT JOIN commission_candidates cc ON cc.student_id = s.user_id \
                     LEFT JOIN commissions cm ON cm.id = cc.commission_id \
                     WHERE s.user_id = $1",
                )
                .bind(student_id)
                .fetch_all(&self.pool)
                .await?;
                let Some(row) = rows.first() else {
                    return Ok(None);
                };
                let mut facts = StudentFacts {
                    student_id: row.try_get("user_id")?,
                    class_id: row.try_get("class_id")?,
                    school_id: row.try_get("school_id")?,
                    commission_ids: Vec::with_capacity(rows.len()),
                    exam_session_ids: Vec::with_capacity(rows.len()),
                };
                for l in &rows {
                    let commission: Option<i64> = l.try_get("commission_id")?;
                    let session: Option<i64> = l.try_get("exam_session_id")?;
                    if let (Some(commission), Some(session)) = (commission, session) {
                        facts.commission_ids.push(commission);
                        facts.exam_session_ids.push(session);
                    }
                }
                Ok(Some(facts))
            }

            async fn student_profile(&self, cap: &StudentCap) -> Result<StudentProfile> {
                // The student, class and school, with one row per teacher of the class.
                let sql = format!(
                    "SELECT {STUDENT_SUMMARY_COLUMNS}, c.year_of_training, c.session_year, \
                     sc.id AS school_id, sc.name AS school_name, sc.city, sc.uai, t.id AS teacher_id, \
                     t.email AS teacher_email, t.first_name AS teacher_first_name, \
                     t.last_name AS teacher_last_name, t.disabled AS teacher_disabled \
                     FROM {STUDENT_SUMMARY_FROM} JOIN schools sc ON sc.id = c.school_id \
                     LEFT JOIN grants tg ON tg.role = 'teacher' AND tg.scope_id = s.class_id \
                     LEFT JOIN users t ON t.id = tg.user_id \
                     WHERE s.user_id = $1 ORDER BY t.last_name, t.first_name, t.id"
                );
                let rows = db::query(&sql).bind(cap.student_id()).fetch_all(&self.pool).await?;
                let row = rows.first().ok_or(StoreError::NotFound)?;
                let mut teachers = Vec::with_capacity(rows.len());
                for r in &rows {
                    let id: Option<i64> = r.try_get("teacher_id")?;
                    if let Some(id) = id {
                        teachers.push(UserSummary {
                            id,
                            email: r.try_get("teacher_email")?,
                            first_name: r.try_get("teacher_first_name")?,
                            last_name: r.try_get("teacher_last_name")?,
                            disabled: r.try_get("teacher_disabled")?,
                        });
                    }
                }
                Ok(StudentProfile {
                    school: SchoolRecord {
                        id: row.try_get("school_id")?,
                        name: row.try_get("school_name")?,
                        city: row.try_get("city")?,
                        uai: row.try_get("uai")?,
                    },
                    year_of_training: row.try_get("year_of_training")?,
                    session_year: row.try_get("session_year")?,
                    teachers,
                    student: student_from_row(row)?,
                })
            }

            async fn students_by_ids(&self, ids: &[i64]) -> Result<Vec<StudentSummary>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "{STUDENT_SUMMARY_SELECT} WHERE s.user_id IN ({}) ORDER BY u.last_name, u.first_name, u.id",
                    placeholders(1, ids.len())
                );
                let mut q = db::query(&sql);
                for id in ids {
                    q = q.bind(*id);
                }
                let rows = q.fetch_all(&self.pool).await?;
                rows.iter().map(student_from_row).collect()
            }
        }

        #[async_trait]
        impl ExamStore for $store {
            async fn create_exam_session(&self, session: &NewExamSession, now: i64) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = db::query_scalar(
                    "INSERT INTO exam_sessions (year, academy, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(session.year)
                .bind(&session.academy)
                .bind(&session.label)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err("une session de cette année pour cette académie"))?;
                tx.commit().await?;
                Ok(id)
            }

            async fn exam_sessions(&self) -> Result<Vec<ExamSessionRecord>> {
                let sql = format!("SELECT {EXAM_SESSION_COLUMNS} FROM exam_sessions e ORDER BY e.year DESC, e.academy, e.id");
                let rows = db::query(&sql)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(exam_session_from_row).collect()
            }

            async fn exam_session(&self, cap: &ExamSessionCap) -> Result<ExamSessionRecord> {
                let sql = format!("SELECT {EXAM_SESSION_COLUMNS} FROM exam_sessions e WHERE e.id = $1");
                let row = db::query(&sql)
                    .bind(cap.exam_session_id())
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                exam_session_from_row(&row)
            }

            async fn create_commission(&self, exam_session_id: i64, name: &str, now: i64) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = db::query_scalar(
                    "INSERT INTO commissions (exam_session_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(exam_session_id)
                .bind(name)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err("une commission de ce nom dans cette session"))?;
                tx.commit().await?;
                Ok(id)
            }

            async fn assign_candidate(&self, commission_id: i64, student_id: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
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

            async fn commission_facts(&self, commission_id: i64) -> Result<Option<CommissionFacts>> {
                let row = db::query("SELECT id, exam_session_id FROM commissions WHERE id = $1")
                    .bind(commission_id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| {
                    Ok(CommissionFacts {
                        commission_id: r.try_get("id")?,
                        exam_session_id: r.try_get("exam_session_id")?,
                    })
                })
                .transpose()
            }

            async fn commission(&self, cap: &CommissionCap) -> Result<CommissionRecord> {
                self.commissions_where("c.id", cap.commission_id())
                    .await?
                    .into_iter()
                    .next()
                    .ok_or(StoreError::NotFound)
            }

            async fn commission_candidates(&self, cap: &CommissionCap) -> Result<Vec<StudentSummary>> {
                let sql = format!(
                    "{STUDENT_SUMMARY_SELECT} JOIN commission_candidates cc ON cc.student_id = s.user_id \
                     WHERE cc.commission_id = $1 ORDER BY u.last_name, u.first_name, u.id"
                );
                let rows = db::query(&sql).bind(cap.commission_id()).fetch_all(&self.pool).await?;
                rows.iter().map(student_from_row).collect()
            }

            async fn commissions_of_session(&self, cap: &ExamSessionCap) -> Result<Vec<CommissionRecord>> {
                self.commissions_where("c.exam_session_id", cap.exam_session_id()).await
            }
        }

        #[async_trait]
        impl SessionStore for $store {
            async fn create_session(&self, session: &NewSession) -> Result<()> {
                let mut tx = self.begin_write().await?;
                db::query(
                    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(&session.id_hash)
                .bind(session.user_id)
                .bind(&session.csrf_token)
                .bind(session.now)
                .execute(&mut *tx)
                .await
                .map_err(db_err("la session"))?;
                tx.commit().await?;
                Ok(())
            }

            async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
                let row = db::query(
                    "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at FROM sessions s \
                     JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND NOT u.disabled",
                )
                .bind(id_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| {
                    Ok(SessionRecord {
                        user_id: r.try_get("user_id")?,
                        csrf_token: r.try_get("csrf_token")?,
                        created_at: r.try_get("created_at")?,
                        last_seen_at: r.try_get("last_seen_at")?,
                    })
                })
                .transpose()
            }

            async fn session_actor(&self, id_hash: &str) -> Result<Option<SessionActor>> {
                // One row per grant (or one with none); the student grant comes from the class.
                let rows = db::query(
                    "SELECT s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, \
                     u.id, u.email, u.first_name, u.last_name, u.password_hash, u.disabled, u.created_at, \
                     st.class_id AS student_class_id, g.role, g.scope_id \
                     FROM sessions s JOIN users u ON u.id = s.user_id \
                     LEFT JOIN students st ON st.user_id = u.id \
                     LEFT JOIN grants g ON g.user_id = u.id \
                     WHERE s.id_hash = $1 AND NOT u.disabled",
                )
                .bind(id_hash)
                .fetch_all(&self.pool)
                .await?;
                let Some(first) = rows.first() else {
                    return Ok(None);
                };
                let user = user_from_row(first)?;
                let mut grants = Vec::with_capacity(rows.len() + 1);
                let class_id: Option<i64> = first.try_get("student_class_id")?;
                if let Some(class_id) = class_id {
                    grants.push(grant_from_sql("student", Some(class_id))?);
                }
                for r in &rows {
                    let role: Option<&str> = r.try_get("role")?;
                    if let Some(role) = role {
                        grants.push(grant_from_sql(role, r.try_get("scope_id")?)?);
                    }
                }
                grants.sort();
                Ok(Some(SessionActor {
                    session: SessionRecord {
                        user_id: user.id,
                        csrf_token: first.try_get("csrf_token")?,
                        created_at: first.try_get("session_created_at")?,
                        last_seen_at: first.try_get("last_seen_at")?,
                    },
                    user,
                    grants,
                }))
            }

            async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                db::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                    .bind(now)
                    .bind(id_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn delete_session(&self, id_hash: &str) -> Result<()> {
                let mut tx = self.begin_write().await?;
                db::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn purge_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64> {
                let mut tx = self.begin_write().await?;
                let done = db::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
                    .bind(idle_before)
                    .bind(created_before)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            async fn record_login_failure(&self, key: &str, now: i64, window: i64) -> Result<i64> {
                let mut tx = self.begin_write().await?;
                // A failure after the window closed starts a new window.
                let failures: i64 = db::query_scalar(
                    "INSERT INTO login_failures (key, failures, window_start, last_failure_at) VALUES ($1, 1, $2, $2) \
                     ON CONFLICT (key) DO UPDATE SET \
                       failures = CASE WHEN login_failures.window_start <= $2 - $3 THEN 1 ELSE login_failures.failures + 1 END, \
                       window_start = CASE WHEN login_failures.window_start <= $2 - $3 THEN $2 ELSE login_failures.window_start END, \
                       last_failure_at = $2 \
                     RETURNING failures",
                )
                .bind(key)
                .bind(now)
                .bind(window)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(failures)
            }

            async fn login_failures(&self, key: &str, now: i64, window: i64) -> Result<i64> {
                let n: Option<i64> = db::query_scalar(
                    "SELECT failures FROM login_failures WHERE key = $1 AND window_start > $2 - $3",
                )
                .bind(key)
                .bind(now)
                .bind(window)
                .fetch_optional(&self.pool)
                .await?;
                Ok(n.unwrap_or(0))
            }

            async fn login_failure_state(&self, key: &str, now: i64, window: i64) -> Result<(i64, i64)> {
                let row = db::query(
                    "SELECT failures, last_failure_at FROM login_failures WHERE key = $1 AND window_start > $2 - $3",
                )
                .bind(key)
                .bind(now)
                .bind(window)
                .fetch_optional(&self.pool)
                .await?;
                match row {
                    Some(r) => Ok((r.try_get("failures")?, r.try_get("last_failure_at")?)),
                    None => Ok((0, 0)),
                }
            }

            async fn remember_device(&self, token_hash: &str, user_id: i64, now: i64) -> Result<()> {
                let mut tx = self.begin_write().await?;
                db::query(
                    "INSERT INTO known_devices (token_hash, user_id, created_at, last_login_at) VALUES ($1, $2, $3, $3) \
                     ON CONFLICT (token_hash) DO UPDATE SET user_id = $2, last_login_at = $3",
                )
                .bind(token_hash)
                .bind(user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn is_known_device(&self, token_hash: &str, user_id: i64) -> Result<bool> {
                let n: Option<i64> = db::query_scalar(
                    "SELECT user_id FROM known_devices WHERE token_hash = $1 AND user_id = $2",
                )
                .bind(token_hash)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(n.is_some())
            }

            async fn clear_login_failures(&self, key: &str) -> Result<()> {
                let mut tx = self.begin_write().await?;
                db::query("DELETE FROM login_failures WHERE key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait]
        impl AuditStore for $store {
            async fn audit(&self, event: &AuditEvent) -> Result<()> {
                let mut tx = self.begin_write().await?;
                db::query(
                    "INSERT INTO audit_log (at, actor_user_id, action, target, client_ip, details) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(event.at)
                .bind(event.actor_user_id)
                .bind(event.action)
                .bind(&event.target)
                .bind(&event.client_ip)
                .bind(&event.details)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit_page(&self, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRecord>> {
                // One statement per direction for every combination of filters (an absent filter
                // is NULL); a plain ORDER BY id, so the primary key walks the page instead of a
                // sort of every matching row. With `after_id`, the rows closest to it come first
                // (oldest first), and are turned back to newest first below.
                const WHERE: &str = "SELECT id, at, actor_user_id, action, target, client_ip, details FROM audit_log \
                     WHERE (CAST($1 AS TEXT) IS NULL OR action = $1 OR action LIKE $1 || '.%') \
                       AND (CAST($2 AS BIGINT) IS NULL OR actor_user_id = $2) \
                       AND (CAST($3 AS BIGINT) IS NULL OR at >= $3) \
                       AND (CAST($4 AS BIGINT) IS NULL OR at < $4) \
                       AND (CAST($5 AS BIGINT) IS NULL OR id < $5) \
                       AND (CAST($6 AS BIGINT) IS NULL OR id > $6) ";
                let sql = if filter.after_id.is_some() {
                    format!("{WHERE} ORDER BY id ASC LIMIT $7")
                } else {
                    format!("{WHERE} ORDER BY id DESC LIMIT $7")
                };
                let mut rows = db::query(&sql)
                    .bind(&filter.action)
                    .bind(filter.actor_user_id)
                    .bind(filter.from)
                    .bind(filter.until)
                    .bind(filter.before_id)
                    .bind(filter.after_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                if filter.after_id.is_some() {
                    rows.reverse();
                }
                rows.iter()
                    .map(|r| {
                        Ok(AuditRecord {
                            id: r.try_get("id")?,
                            at: r.try_get("at")?,
                            actor_user_id: r.try_get("actor_user_id")?,
                            action: r.try_get("action")?,
                            target: r.try_get("target")?,
                            client_ip: r.try_get("client_ip")?,
                            details: r.try_get("details")?,
                        })
                    })
                    .collect()
            }

            async fn purge_audit(&self, before: i64) -> Result<u64> {
                let mut tx = self.begin_write().await?;
                let done = db::query("DELETE FROM audit_log WHERE at < $1")
                    .bind(before)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            async fn recent_audit(&self, limit: i64) -> Result<Vec<AuditRecord>> {
                self.audit_page(&AuditFilter::default(), limit).await
            }
        }

        impl $store {
            async fn count_rows(&self) -> Result<Counts> {
                let row = db::query(
                    "SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM schools) AS schools, \
                     (SELECT COUNT(*) FROM classes) AS classes, (SELECT COUNT(*) FROM students) AS students",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(Counts {
                    users: row.try_get("users")?,
                    schools: row.try_get("schools")?,
                    classes: row.try_get("classes")?,
                    students: row.try_get("students")?,
                })
            }
        }
    };
}

pub(crate) use sql_store;
