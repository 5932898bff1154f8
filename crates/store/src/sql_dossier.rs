//! The SQL of the dossier, shared by both backends like `sql.rs` (stamped by `dossier_store!`).

use crate::{Result, StoreError};
use portfolio_domain::dossier::{Modality, Period, Setting};
use time::Date;

pub(crate) fn date_to_sql(d: Date) -> String {
    portfolio_domain::realisation::iso(d)
}

pub(crate) fn date_from_sql(s: &str) -> Result<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| StoreError::Invalid(format!("date illisible en base : {s}")))
}

pub(crate) fn period_from_sql(start: &str, end: &str) -> Result<Period> {
    Period::new(date_from_sql(start)?, date_from_sql(end)?)
        .map_err(|_| StoreError::Invalid(format!("période incohérente en base : {start} – {end}")))
}

pub(crate) fn setting_from_sql(s: &str) -> Result<Setting> {
    Setting::ALL
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| StoreError::Invalid(format!("lieu inconnu en base : {s}")))
}

pub(crate) fn modality_from_sql(s: &str) -> Result<Modality> {
    match s {
        "solo" => Ok(Modality::Solo),
        "team" => Ok(Modality::Team),
        _ => Err(StoreError::Invalid(format!(
            "modalité inconnue en base : {s}"
        ))),
    }
}

pub(crate) const REALISATION_COLUMNS: &str = "r.id, r.student_id, r.title, r.description, r.start_date, \
     r.end_date, r.setting, r.organisation, r.modality, r.personal_contribution, r.resources_provided, \
     r.expected_results, r.tech_other, r.review_status, r.reviewed_at, r.created_at, r.updated_at";

pub(crate) const ARTIFACT_COLUMNS: &str = "x.id, x.realisation_id, x.kind, x.name, x.url, x.storage_key, \
     x.content_type, x.size_bytes, x.created_at";

macro_rules! dossier_store {
    ($store:ty, $row:ty) => {
        mod dossier_impl {
            use super::*;
            use crate::sql::db_err;
            use crate::sql_dossier::{
                date_to_sql, modality_from_sql, period_from_sql, setting_from_sql,
                ARTIFACT_COLUMNS, REALISATION_COLUMNS,
            };
            use portfolio_domain::access::{DossierEditCap, PublicLinkFacts, ReviewCap, StudentCap};
            use portfolio_domain::realisation::RealisationInput;
            use std::collections::{BTreeSet, HashMap};
            use crate::version::{resolve, Live, Version};
            use portfolio_domain::access::DossierVersion;


            fn artifact_from_row(r: &$row) -> Result<ArtifactRecord> {
                let kind: String = r.try_get("kind")?;
                Ok(ArtifactRecord {
                    id: r.try_get("id")?,
                    realisation_id: r.try_get("realisation_id")?,
                    kind: if kind == "file" {
                        ArtifactKind::File
                    } else {
                        ArtifactKind::Link
                    },
                    name: r.try_get("name")?,
                    url: r.try_get("url")?,
                    storage_key: r.try_get("storage_key")?,
                    content_type: r.try_get("content_type")?,
                    size_bytes: r.try_get("size_bytes")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            fn realisation_from_row(r: &$row) -> Result<RealisationRecord> {
                let status: Option<String> = r.try_get("review_status")?;
                let start: String = r.try_get("start_date")?;
                let end: String = r.try_get("end_date")?;
                Ok(RealisationRecord {
                    id: r.try_get("id")?,
                    student_id: r.try_get("student_id")?,
                    input: RealisationInput {
                        title: r.try_get("title")?,
                        description: r.try_get("description")?,
                        period: period_from_sql(&start, &end)?,
                        setting: setting_from_sql(r.try_get("setting")?)?,
                        organisation: r.try_get("organisation")?,
                        modality: modality_from_sql(r.try_get("modality")?)?,
                        personal_contribution: r.try_get("personal_contribution")?,
                        resources_provided: r.try_get("resources_provided")?,
                        expected_results: r.try_get("expected_results")?,
                        tech_items: BTreeSet::new(),
                        tech_other: r.try_get("tech_other")?,
                        skills: BTreeSet::new(),
                    },
                    review_status: status.as_deref().and_then(ReviewStatus::parse),
                    reviewed_at: r.try_get("reviewed_at")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                    artifacts: Vec::new(),
                })
            }

            /// Fails with `NotFound` unless réalisation `id` belongs to `student_id`.
            async fn owned(
                tx: &mut db::Tx,
                student_id: i64,
                id: i64,
            ) -> Result<()> {
                let n: i64 = db::query_scalar(
                    "SELECT COUNT(*) FROM realisations WHERE id = $1 AND student_id = $2",
                )
                .bind(id)
                .bind(student_id)
                .fetch_one(&mut **tx)
                .await?;
                if n == 0 {
                    Err(StoreError::NotFound)
                } else {
                    Ok(())
                }
            }

            async fn write_tags(
                tx: &mut db::Tx,
                id: i64,
                input: &RealisationInput,
            ) -> Result<()> {
                db::query("DELETE FROM realisation_skills WHERE realisation_id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                db::query("DELETE FROM realisation_tech_items WHERE realisation_id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                for code in &input.skills {
                    db::query(
                        "INSERT INTO realisation_skills (realisation_id, skill_code) VALUES ($1, $2)",
                    )
                    .bind(id)
                    .bind(code)
                    .execute(&mut **tx)
                    .await?;
                }
                for code in &input.tech_items {
                    db::query(
                        "INSERT INTO realisation_tech_items (realisation_id, item_code) VALUES ($1, $2)",
                    )
                    .bind(id)
                    .bind(code)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// Inserts a réalisation row and its tags; returns its id.
            async fn insert_realisation(
                tx: &mut db::Tx,
                student_id: i64,
                input: &RealisationInput,
                now: i64,
            ) -> Result<i64> {
                let id: i64 = db::query_scalar(
                    "INSERT INTO realisations (student_id, title, description, start_date, end_date, setting, \
                     organisation, modality, personal_contribution, resources_provided, expected_results, \
                     tech_other, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
                )
                .bind(student_id)
                .bind(&input.title)
                .bind(&input.description)
                .bind(date_to_sql(input.period.start()))
                .bind(date_to_sql(input.period.end()))
                .bind(input.setting.as_str())
                .bind(&input.organisation)
                .bind(input.modality.as_str())
                .bind(&input.personal_contribution)
                .bind(&input.resources_provided)
                .bind(&input.expected_results)
                .bind(&input.tech_other)
                .bind(now)
                .fetch_one(&mut **tx)
                .await
                .map_err(db_err("la réalisation"))?;
                write_tags(tx, id, input).await?;
                Ok(id)
            }

            /// Inserts an artifact row; returns its id.
            async fn insert_artifact(
                tx: &mut db::Tx,
                realisation_id: i64,
                student_id: i64,
                a: &NewArtifact,
                now: i64,
            ) -> Result<i64> {
                db::query_scalar(
                    "INSERT INTO artifacts (realisation_id, student_id, kind, name, url, storage_key, \
                     content_type, size_bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(realisation_id)
                .bind(student_id)
                .bind(match a.kind {
                    ArtifactKind::File => "file",
                    ArtifactKind::Link => "link",
                })
                .bind(&a.name)
                .bind(&a.url)
                .bind(&a.storage_key)
                .bind(&a.content_type)
                .bind(a.size_bytes)
                .bind(now)
                .fetch_one(&mut **tx)
                .await
                .map_err(db_err("la production"))
            }

            async fn write_e5(
                tx: &mut db::Tx,
                student_id: i64,
                first: i64,
                second: i64,
            ) -> Result<()> {
                db::query(
                    "INSERT INTO e5_choices (student_id, first_id, second_id) VALUES ($1, $2, $3) \
                     ON CONFLICT (student_id) DO UPDATE SET first_id = excluded.first_id, second_id = excluded.second_id",
                )
                .bind(student_id)
                .bind(first)
                .bind(second)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Bytes of files the student stores, in the transaction.
            async fn used_bytes(tx: &mut db::Tx, student_id: i64) -> Result<i64> {
                Ok(db::query_scalar(
                    "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM artifacts WHERE student_id = $1",
                )
                .bind(student_id)
                .fetch_one(&mut **tx)
                .await?)
            }

            impl $store {
                /// The student's réalisations (all, or the one of id `only`), complete with
                /// skills, technology items and artifacts: four queries whatever their number.
                async fn load_realisations(
                    &self,
                    live: &Live,
                    only: Option<i64>,
                ) -> Result<Vec<RealisationRecord>> {
                    let student_id = live.student_id();
                    // `$2` is -1 for "all": ids are positive.
                    let only = only.unwrap_or(-1);
                    let filter = "r.student_id = $1 AND ($2 < 0 OR r.id = $2)";
                    let sql = format!(
                        "SELECT {REALISATION_COLUMNS} FROM realisations r WHERE {filter} ORDER BY r.start_date, r.id"
                    );
                    let rows = db::query(&sql)
                        .bind(student_id)
                        .bind(only)
                        .fetch_all(&self.pool)
                        .await?;
                    let mut out: Vec<RealisationRecord> =
                        rows.iter().map(realisation_from_row).collect::<Result<_>>()?;
                    if out.is_empty() {
                        return Ok(out);
                    }
                    let index: HashMap<i64, usize> =
                        out.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
                    let join = format!("JOIN realisations r ON r.id = x.realisation_id WHERE {filter}");

                    // Skills and technologies in one query: one round trip less on PostgreSQL.
                    let sql = format!(
                        "SELECT x.realisation_id, 's' AS kind, x.skill_code AS code FROM realisation_skills x {join} \
                         UNION ALL \
                         SELECT x.realisation_id, 't' AS kind, x.item_code AS code FROM realisation_tech_items x {join}"
                    );
                    for r in db::query(&sql)
                        .bind(student_id)
                        .bind(only)
                        .fetch_all(&self.pool)
                        .await?
                    {
                        let id: i64 = r.try_get("realisation_id")?;
                        if let Some(i) = index.get(&id) {
                            let kind: &str = r.try_get("kind")?;
                            let code: String = r.try_get("code")?;
                            if kind == "s" {
                                out[*i].input.skills.insert(code);
                            } else {
                                out[*i].input.tech_items.insert(code);
                            }
                        }
                    }
                    // Artifacts carry their student: found by its index, without the join.
                    let sql = format!(
                        "SELECT {ARTIFACT_COLUMNS} FROM artifacts x \
                         WHERE x.student_id = $1 AND ($2 < 0 OR x.realisation_id = $2) ORDER BY x.id"
                    );
                    for r in db::query(&sql)
                        .bind(student_id)
                        .bind(only)
                        .fetch_all(&self.pool)
                        .await?
                    {
                        let a = artifact_from_row(&r)?;
                        if let Some(i) = index.get(&a.realisation_id) {
                            out[*i].artifacts.push(a);
                        }
                    }
                    Ok(out)
                }
            }

            #[async_trait]
            impl DossierStore for $store {
                async fn create_realisation(
                    &self,
                    cap: &DossierEditCap,
                    input: &RealisationInput,
                    now: i64,
                ) -> Result<i64> {
                    let mut tx = self.begin_write().await?;
                    let id = insert_realisation(&mut tx, cap.student_id(), input, now).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn update_realisation(
                    &self,
                    cap: &DossierEditCap,
                    id: i64,
                    input: &RealisationInput,
                    now: i64,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = db::query(
                        "UPDATE realisations SET title = $1, description = $2, start_date = $3, end_date = $4, \
                         setting = $5, organisation = $6, modality = $7, personal_contribution = $8, \
                         resources_provided = $9, expected_results = $10, tech_other = $11, updated_at = $12 \
                         WHERE id = $13 AND student_id = $14",
                    )
                    .bind(&input.title)
                    .bind(&input.description)
                    .bind(date_to_sql(input.period.start()))
                    .bind(date_to_sql(input.period.end()))
                    .bind(input.setting.as_str())
                    .bind(&input.organisation)
                    .bind(input.modality.as_str())
                    .bind(&input.personal_contribution)
                    .bind(&input.resources_provided)
                    .bind(&input.expected_results)
                    .bind(&input.tech_other)
                    .bind(now)
                    .bind(id)
                    .bind(cap.student_id())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err("la réalisation"))?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    write_tags(&mut tx, id, input).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn delete_realisation(
                    &self,
                    cap: &DossierEditCap,
                    id: i64,
                    now: i64,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), id).await?;
                    db::query(
                        "INSERT INTO blob_deletions (storage_key, queued_at) \
                         SELECT storage_key, $2 FROM artifacts WHERE realisation_id = $1 AND storage_key IS NOT NULL \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    db::query("DELETE FROM realisations WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn import_realisations(
                    &self,
                    cap: &DossierEditCap,
                    items: &[(RealisationInput, Vec<NewArtifact>)],
                    e5: Option<(usize, usize)>,
                    quota_bytes: i64,
                    now: i64,
                ) -> Result<Vec<i64>> {
                    let mut tx = self.begin_write().await?;
                    let used = used_bytes(&mut tx, cap.student_id()).await?;
                    let adding: i64 = items
                        .iter()
                        .flat_map(|(_, a)| a.iter())
                        .map(|a| a.size_bytes)
                        .sum();
                    if used + adding > quota_bytes {
                        return Err(StoreError::Invalid(format!(
                            "espace de stockage insuffisant pour ces fichiers : {} Mo utilisés, {} Mo à ajouter, {} Mo au plus",
                            (used + 999_999) / 1_000_000,
                            (adding + 999_999) / 1_000_000,
                            quota_bytes / 1_000_000
                        )));
                    }
                    let mut ids = Vec::with_capacity(items.len());
                    for (input, artifacts) in items {
                        let id = insert_realisation(&mut tx, cap.student_id(), input, now).await?;
                        for a in artifacts {
                            insert_artifact(&mut tx, id, cap.student_id(), a, now).await?;
                        }
                        ids.push(id);
                    }
                    if let Some((a, b)) = e5 {
                        let (Some(first), Some(second)) = (ids.get(a), ids.get(b)) else {
                            return Err(StoreError::Invalid(
                                "le choix des réalisations E5 désigne une réalisation absente".into(),
                            ));
                        };
                        if first == second {
                            return Err(StoreError::Invalid(
                                "le choix des réalisations E5 désigne deux fois la même réalisation".into(),
                            ));
                        }
                        write_e5(&mut tx, cap.student_id(), *first, *second).await?;
                    }
                    tx.commit().await?;
                    Ok(ids)
                }

                async fn realisations(&self, cap: &StudentCap) -> Result<Vec<RealisationRecord>> {
                    match resolve(self, cap).await? {
                        Version::Live(live) => self.load_realisations(&live, None).await,
                        Version::HandedIn(s) => Ok(s.snapshot.records(cap.student_id())),
                        Version::Nothing => Ok(Vec::new()),
                    }
                }

                async fn realisation_summaries(&self, cap: &StudentCap) -> Result<Vec<RealisationSummary>> {
                    let live = match resolve(self, cap).await? {
                        Version::Live(live) => live,
                        Version::HandedIn(s) => {
                            return Ok(s
                                .snapshot
                                .records(cap.student_id())
                                .iter()
                                .map(RealisationRecord::summary)
                                .collect());
                        }
                        Version::Nothing => return Ok(Vec::new()),
                    };
                    let rows = db::query(
                        "SELECT r.id, r.title, r.start_date, r.end_date, r.setting, r.review_status, \
                         (SELECT COUNT(*) FROM artifacts x WHERE x.realisation_id = r.id) AS artifacts, \
                         (SELECT string_agg(t.skill_code, ',') FROM realisation_skills t WHERE t.realisation_id = r.id) AS skills \
                         FROM realisations r WHERE r.student_id = $1 ORDER BY r.start_date, r.id",
                    )
                    .bind(live.student_id())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let status: Option<&str> = r.try_get("review_status")?;
                            let skills: Option<&str> = r.try_get("skills")?;
                            let artifacts: i64 = r.try_get("artifacts")?;
                            Ok(RealisationSummary {
                                id: r.try_get("id")?,
                                title: r.try_get("title")?,
                                period: period_from_sql(r.try_get("start_date")?, r.try_get("end_date")?)?,
                                setting: setting_from_sql(r.try_get("setting")?)?,
                                review_status: status.and_then(ReviewStatus::parse),
                                artifacts: usize::try_from(artifacts).unwrap_or(0),
                                skills: skills
                                    .map(|s| s.split(',').map(str::to_string).collect())
                                    .unwrap_or_default(),
                            })
                        })
                        .collect()
                }

                async fn realisation(&self, cap: &StudentCap, id: i64) -> Result<RealisationRecord> {
                    let found = match resolve(self, cap).await? {
                        Version::Live(live) => self.load_realisations(&live, Some(id)).await?,
                        Version::HandedIn(s) => s.snapshot.records(cap.student_id()),
                        Version::Nothing => Vec::new(),
                    };
                    found
                        .into_iter()
                        .find(|r| r.id == id)
                        .ok_or(StoreError::NotFound)
                }

                async fn add_artifact(
                    &self,
                    cap: &DossierEditCap,
                    realisation_id: i64,
                    a: &NewArtifact,
                    quota_bytes: i64,
                    now: i64,
                ) -> Result<i64> {
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), realisation_id).await?;
                    let used = used_bytes(&mut tx, cap.student_id()).await?;
                    if used + a.size_bytes > quota_bytes {
                        return Err(StoreError::Invalid(format!(
                            "espace de stockage insuffisant : {} Mo utilisés sur {} Mo ; supprimez des fichiers ou déposez plutôt un lien vers le document",
                            (used + 999_999) / 1_000_000,
                            quota_bytes / 1_000_000
                        )));
                    }
                    let id = insert_artifact(&mut tx, realisation_id, cap.student_id(), a, now).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn delete_artifact(
                    &self,
                    cap: &DossierEditCap,
                    artifact_id: i64,
                    now: i64,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let key: Option<Option<String>> = db::query_scalar(
                        "SELECT storage_key FROM artifacts WHERE id = $1 AND student_id = $2",
                    )
                    .bind(artifact_id)
                    .bind(cap.student_id())
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(key) = key else {
                        return Err(StoreError::NotFound);
                    };
                    if let Some(key) = key {
                        db::query(
                            "INSERT INTO blob_deletions (storage_key, queued_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        )
                        .bind(key)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    db::query("DELETE FROM artifacts WHERE id = $1")
                        .bind(artifact_id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn artifact(&self, cap: &StudentCap, artifact_id: i64) -> Result<ArtifactRecord> {
                    let live = match resolve(self, cap).await? {
                        Version::Live(live) => live,
                        Version::HandedIn(s) => {
                            return s
                                .snapshot
                                .records(cap.student_id())
                                .into_iter()
                                .flat_map(|r| r.artifacts)
                                .find(|a| a.id == artifact_id)
                                .ok_or(StoreError::NotFound);
                        }
                        Version::Nothing => return Err(StoreError::NotFound),
                    };
                    let sql = format!(
                        "SELECT {ARTIFACT_COLUMNS} FROM artifacts x WHERE x.id = $1 AND x.student_id = $2"
                    );
                    let row = db::query(&sql)
                        .bind(artifact_id)
                        .bind(live.student_id())
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    artifact_from_row(&row)
                }

                async fn storage_used(&self, cap: &StudentCap) -> Result<i64> {
                    let live = match resolve(self, cap).await? {
                        Version::Live(live) => live,
                        Version::HandedIn(s) => {
                            return Ok(s
                                .snapshot
                                .realisations
                                .iter()
                                .flat_map(|r| r.artifacts.iter())
                                .map(|a| a.size_bytes)
                                .sum());
                        }
                        Version::Nothing => return Ok(0),
                    };
                    Ok(db::query_scalar(
                        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM artifacts WHERE student_id = $1",
                    )
                    .bind(live.student_id())
                    .fetch_one(&self.pool)
                    .await?)
                }

                async fn add_comment(
                    &self,
                    cap: &ReviewCap,
                    realisation_id: i64,
                    author_id: i64,
                    body: &str,
                    visibility: CommentVisibility,
                    now: i64,
                ) -> Result<i64> {
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), realisation_id).await?;
                    let id: i64 = db::query_scalar(
                        "INSERT INTO realisation_comments (realisation_id, author_id, body, visibility, created_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(realisation_id)
                    .bind(author_id)
                    .bind(body)
                    .bind(visibility.as_str())
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err("le commentaire"))?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn comments(
                    &self,
                    cap: &StudentCap,
                    realisation_id: i64,
                    include_team: bool,
                ) -> Result<Vec<CommentRecord>> {
                    // The follow-up belongs to the draft and to those who read it.
                    if cap.version() != DossierVersion::Live {
                        return Ok(Vec::new());
                    }
                    let Version::Live(live) = resolve(self, cap).await? else {
                        return Ok(Vec::new());
                    };
                    let rows = db::query(
                        "SELECT c.id, c.realisation_id, c.author_id, \
                         COALESCE(u.first_name || ' ' || u.last_name, 'Compte supprimé') AS author_name, \
                         c.body, c.visibility, c.created_at FROM realisation_comments c \
                         JOIN realisations r ON r.id = c.realisation_id LEFT JOIN users u ON u.id = c.author_id \
                         WHERE c.realisation_id = $1 AND r.student_id = $2 AND (c.visibility = 'student' OR $3) \
                         ORDER BY c.id",
                    )
                    .bind(realisation_id)
                    .bind(live.student_id())
                    .bind(include_team)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let v: String = r.try_get("visibility")?;
                            Ok(CommentRecord {
                                id: r.try_get("id")?,
                                realisation_id: r.try_get("realisation_id")?,
                                author_id: r.try_get("author_id")?,
                                author_name: r.try_get("author_name")?,
                                body: r.try_get("body")?,
                                visibility: if v == "team" {
                                    CommentVisibility::Team
                                } else {
                                    CommentVisibility::Student
                                },
                                created_at: r.try_get("created_at")?,
                            })
                        })
                        .collect()
                }

                async fn set_review(
                    &self,
                    cap: &ReviewCap,
                    realisation_id: i64,
                    status: Option<ReviewStatus>,
                    reviewer_id: i64,
                    now: i64,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = db::query(
                        "UPDATE realisations SET review_status = $1, reviewed_by = $2, reviewed_at = $3 \
                         WHERE id = $4 AND student_id = $5",
                    )
                    .bind(status.map(ReviewStatus::as_str))
                    .bind(status.map(|_| reviewer_id))
                    .bind(status.map(|_| now))
                    .bind(realisation_id)
                    .bind(cap.student_id())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_e5_choice(&self, cap: &DossierEditCap, first: i64, second: i64) -> Result<()> {
                    if first == second {
                        return Err(StoreError::Invalid(
                            "choisissez deux réalisations différentes pour l’épreuve E5".into(),
                        ));
                    }
                    let mut tx = self.begin_write().await?;
                    owned(&mut tx, cap.student_id(), first).await?;
                    owned(&mut tx, cap.student_id(), second).await?;
                    write_e5(&mut tx, cap.student_id(), first, second).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn e5_choice(&self, cap: &StudentCap) -> Result<Option<(i64, i64)>> {
                    let live = match resolve(self, cap).await? {
                        Version::Live(live) => live,
                        Version::HandedIn(s) => return Ok(s.snapshot.e5),
                        Version::Nothing => return Ok(None),
                    };
                    let row = db::query("SELECT first_id, second_id FROM e5_choices WHERE student_id = $1")
                        .bind(live.student_id())
                        .fetch_optional(&self.pool)
                        .await?;
                    row.map(|r| Ok((r.try_get("first_id")?, r.try_get("second_id")?)))
                        .transpose()
                }

                async fn pending_blob_deletions(&self, limit: i64) -> Result<Vec<String>> {
                    // A file a handed-in dossier names stays, even once its row is gone.
                    Ok(db::query_scalar(
                        "SELECT d.storage_key FROM blob_deletions d WHERE NOT EXISTS \
                         (SELECT 1 FROM submission_blobs s WHERE s.storage_key = d.storage_key) \
                         ORDER BY d.queued_at, d.storage_key LIMIT $1",
                    )
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn blob_deleted(&self, storage_key: &str) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    db::query("DELETE FROM blob_deletions WHERE storage_key = $1")
                        .bind(storage_key)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn blob_references(&self) -> Result<Vec<BlobReference>> {
                    let rows = db::query(crate::types::BLOB_REFERENCES_SQL)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(BlobReference {
                                storage_key: r.try_get("storage_key")?,
                                kind: r.try_get("kind")?,
                                row_id: r.try_get("row_id")?,
                                student_id: r.try_get("student_id")?,
                                name: r.try_get("name")?,
                                size_bytes: r.try_get("size_bytes")?,
                            })
                        })
                        .collect()
                }
            }

            #[async_trait]
            impl SubmissionStore for $store {
                async fn hand_in(
                    &self,
                    cap: &DossierEditCap,
                    snapshot: &DossierSnapshot,
                    now: i64,
                ) -> Result<i64> {
                    let json = serde_json::to_string(snapshot).map_err(|e| {
                        StoreError::Invalid(format!("dossier impossible à figer : {e}"))
                    })?;
                    let mut tx = self.begin_write().await?;
                    let current: i64 = db::query_scalar(
                        "SELECT COUNT(*) FROM dossier_submissions WHERE student_id = $1 AND reopened_at IS NULL",
                    )
                    .bind(cap.student_id())
                    .fetch_one(&mut *tx)
                    .await?;
                    if current > 0 {
                        return Err(StoreError::Invalid(
                            "le dossier est déjà remis : l’équipe pédagogique peut le rouvrir si vous devez le modifier".into(),
                        ));
                    }
                    let id: i64 = db::query_scalar(
                        "INSERT INTO dossier_submissions (student_id, submitted_at, snapshot) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(cap.student_id())
                    .bind(now)
                    .bind(&json)
                    .fetch_one(&mut *tx)
                    .await?;
                    for key in snapshot.storage_keys() {
                        db::query(
                            "INSERT INTO submission_blobs (submission_id, storage_key) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        )
                        .bind(id)
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(id)
                }

                async fn current_submission(&self, cap: &StudentCap) -> Result<Option<SubmissionRecord>> {
                    let row = db::query(
                        "SELECT id, submitted_at FROM dossier_submissions \
                         WHERE student_id = $1 AND reopened_at IS NULL ORDER BY id DESC LIMIT 1",
                    )
                    .bind(cap.student_id())
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(r) = row else {
                        return Ok(None);
                    };
                    let id: i64 = r.try_get("id")?;
                    // A snapshot is never rewritten: parsed once, it is kept by its id.
                    let snapshot = match self.snapshots.get(id) {
                        Some(s) => s,
                        None => {
                            let json: String = db::query_scalar(
                                "SELECT snapshot FROM dossier_submissions WHERE id = $1",
                            )
                            .bind(id)
                            .fetch_one(&self.pool)
                            .await?;
                            let parsed: DossierSnapshot = serde_json::from_str(&json).map_err(|e| {
                                StoreError::Invalid(format!("dossier remis illisible en base : {e}"))
                            })?;
                            let parsed = std::sync::Arc::new(parsed);
                            self.snapshots.insert(id, parsed.clone());
                            parsed
                        }
                    };
                    Ok(Some(SubmissionRecord {
                        id,
                        submitted_at: r.try_get("submitted_at")?,
                        snapshot,
                    }))
                }

                async fn reopen(&self, cap: &ReviewCap, reviewer_id: i64, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = db::query(
                        "UPDATE dossier_submissions SET reopened_at = $1, reopened_by = $2 \
                         WHERE student_id = $3 AND reopened_at IS NULL",
                    )
                    .bind(now)
                    .bind(reviewer_id)
                    .bind(cap.student_id())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn create_public_link(
                    &self,
                    cap: &DossierEditCap,
                    token: &str,
                    expires_at: Option<i64>,
                    now: i64,
                ) -> Result<i64> {
                    let mut tx = self.begin_write().await?;
                    let id: i64 = db::query_scalar(
                        "INSERT INTO public_links (student_id, token, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(cap.student_id())
                    .bind(token)
                    .bind(now)
                    .bind(expires_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err("ce lien"))?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn public_links(&self, cap: &StudentCap) -> Result<Vec<PublicLinkRecord>> {
                    // The links are the student's secrets: not for the readers of the
                    // handed-in version.
                    if cap.version() != DossierVersion::Live {
                        return Ok(Vec::new());
                    }
                    let Version::Live(live) = resolve(self, cap).await? else {
                        return Ok(Vec::new());
                    };
                    let rows = db::query(
                        "SELECT id, token, created_at, expires_at, revoked_at FROM public_links \
                         WHERE student_id = $1 ORDER BY id DESC",
                    )
                    .bind(live.student_id())
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(PublicLinkRecord {
                                id: r.try_get("id")?,
                                token: r.try_get("token")?,
                                created_at: r.try_get("created_at")?,
                                expires_at: r.try_get("expires_at")?,
                                revoked_at: r.try_get("revoked_at")?,
                            })
                        })
                        .collect()
                }

                async fn revoke_public_link(&self, cap: &DossierEditCap, id: i64, now: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = db::query(
                        "UPDATE public_links SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND student_id = $3",
                    )
                    .bind(now)
                    .bind(id)
                    .bind(cap.student_id())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn public_link_facts(&self, token: &str) -> Result<Option<PublicLinkFacts>> {
                    let row = db::query(
                        "SELECT student_id, expires_at, revoked_at FROM public_links WHERE token = $1",
                    )
                    .bind(token)
                    .fetch_optional(&self.pool)
                    .await?;
                    row.map(|r| {
                        Ok(PublicLinkFacts {
                            student_id: r.try_get("student_id")?,
                            expires_at: r.try_get("expires_at")?,
                            revoked_at: r.try_get("revoked_at")?,
                        })
                    })
                    .transpose()
                }
            }
        }
    };
}

pub(crate) use dossier_store;
