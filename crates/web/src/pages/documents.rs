//! The dossier's documents, made from the version of the dossier the reader sees: the tableau de
//! synthèse (annexe 6-1) and the E5 fiches descriptives (annexes 7-1-A / 7-1-B).

use super::dossier::student_access;
use super::public::visible_snapshot;
use super::{attachment, blocking};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, now};
use crate::templates::{ImportRowLine, SynthesisImportPage};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use portfolio_domain::access::StudentCap;
use portfolio_domain::coverage::{bloc2_code, competencies_of};
use portfolio_domain::dossier::{RealisationSheet, SynthesisRow, SynthesisTable};
use portfolio_framework::{ExamForm, bts_sio_2019};
use portfolio_store::DossierSnapshot;

/// « DURAND Camille »: the national forms ask for the name then the first name.
pub fn candidate_name(s: &DossierSnapshot) -> String {
    format!(
        "{} {}",
        s.candidate.last_name.to_uppercase(),
        s.candidate.first_name
    )
}

/// The tableau de synthèse of a dossier.
pub fn synthesis_table(s: &DossierSnapshot, portfolio_url: Option<String>) -> SynthesisTable {
    let fw = bts_sio_2019();
    SynthesisTable {
        session_year: i32::try_from(s.candidate.session_year).unwrap_or_default(),
        candidate_name: candidate_name(s),
        candidate_number: s.candidate.candidate_number.clone(),
        school_name: s.candidate.school_name.clone(),
        track: s.candidate.track,
        portfolio_url,
        rows: s
            .realisations
            .iter()
            .map(|r| SynthesisRow {
                title: r.input.title.clone(),
                artifacts: r.artifacts.iter().map(|a| a.name.clone()).collect(),
                period: r.input.period,
                setting: r.input.setting,
                competencies: competencies_of(fw, "B1", &r.input.skills),
            })
            .collect(),
    }
}

/// The address of the student's portfolio: their newest link still in force.
async fn portfolio_url(
    state: &AppState,
    cap: &StudentCap,
    parts: &Parts,
) -> AppResult<Option<String>> {
    if !cap.can_edit() && cap.review().is_none() {
        // The link is the student's secret: only they and their teachers print it.
        return Ok(None);
    }
    let t = now();
    let link = state
        .store
        .public_links(cap)
        .await?
        .into_iter()
        .find(|l| l.revoked_at.is_none() && l.expires_at.is_none_or(|e| t < e));
    Ok(link.map(|l| format!("{}/p/{}", super::dossier::site_url(state, parts), l.token)))
}

fn pdf_error(e: portfolio_pdf::PdfError) -> AppError {
    AppError::Internal(anyhow::Error::new(e).context("génération du PDF"))
}

pub async fn synthesis_pdf(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let (snapshot, _) = visible_snapshot(&state, &cap).await?;
    let table = synthesis_table(&snapshot, portfolio_url(&state, &cap, &parts).await?);
    let bytes = blocking(move || portfolio_pdf::synthesis_pdf(&table).map_err(pdf_error)).await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("tableau-de-synthese-{}.pdf", cap.student_id()),
    ))
}

/// The fiche of the E5 réalisation n° `n` (1 or 2) chosen by the student.
pub async fn e5_sheet_pdf(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path((id, n)): Path<(String, String)>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let number: u8 = match n.as_str() {
        "1" => 1,
        "2" => 2,
        _ => return Err(AppError::NotFound),
    };
    let (snapshot, _) = visible_snapshot(&state, &cap).await?;
    let sheet = e5_sheet(&snapshot, number)?;
    let bytes =
        blocking(move || portfolio_pdf::realisation_sheet_pdf(&sheet).map_err(pdf_error)).await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("fiche-e5-{number}-{}.pdf", cap.student_id()),
    ))
}

/// The fiche descriptive of réalisation n° `number` of the E5 pair.
pub fn e5_sheet(s: &DossierSnapshot, number: u8) -> AppResult<RealisationSheet> {
    let Some((first, second)) = s.e5 else {
        return Err(AppError::bad_input(
            "",
            "les deux réalisations de l’épreuve E5 ne sont pas encore choisies : choisissez-les sur la page « Couverture des compétences »",
        ));
    };
    let id = if number == 1 { first } else { second };
    let r = s
        .realisations
        .iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)?;
    let fw = bts_sio_2019();
    let track = s.candidate.track;
    let (exam_label, exam_form) = fw
        .exam_regulation(track)
        .and_then(|reg| reg.unit_for_block(bloc2_code(track)))
        .map(|(exam, unit)| {
            let form = unit
                .assessment(s.candidate.route.exam_route_group())
                .map(|a| a.form)
                .unwrap_or(ExamForm::OneOff);
            (exam.label.clone(), form)
        })
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "épreuve du bloc 2 absente du règlement d’examen"
            ))
        })?;
    let bloc2 = competencies_of(fw, bloc2_code(track), &r.input.skills);
    let mut resources_used: Vec<String> = r
        .input
        .tech_items
        .iter()
        .filter_map(|code| fw.tech_environment.item(code).map(|i| i.label.clone()))
        .collect();
    if !r.input.tech_other.is_empty() {
        resources_used.push(r.input.tech_other.clone());
    }
    let links: Vec<String> = r
        .artifacts
        .iter()
        .map(|a| match &a.url {
            Some(u) => format!("{} : {u}", a.name),
            None => format!("{} : fichier du portfolio", a.name),
        })
        .collect();
    Ok(RealisationSheet {
        exam_label,
        track,
        number,
        candidate_name: candidate_name(s),
        candidate_number: s.candidate.candidate_number.clone(),
        exam_form,
        date: None,
        organisation: r.input.organisation.clone(),
        title: r.input.title.clone(),
        period: r.input.period,
        setting: r.input.setting,
        place: r.input.organisation.clone(),
        modality: r.input.modality,
        personal_contribution: (!r.input.personal_contribution.is_empty())
            .then(|| r.input.personal_contribution.clone()),
        competencies: bloc2,
        resources_provided: r.input.resources_provided.clone(),
        expected_results: r.input.expected_results.clone(),
        resources_used: resources_used.join("\n"),
        access: if links.is_empty() {
            "Productions consultables dans le portfolio numérique du candidat.".into()
        } else {
            links.join("\n")
        },
        description: r.input.description.clone(),
        productions: r.artifacts.iter().map(|a| a.name.clone()).collect(),
    })
}

// ---- The tableau de synthèse as .xlsx, and its import ------------------------------------

pub async fn synthesis_xlsx(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let (snapshot, _) = visible_snapshot(&state, &cap).await?;
    let table = synthesis_table(&snapshot, portfolio_url(&state, &cap, &parts).await?);
    let bytes = blocking(move || {
        portfolio_documents::synthesis_xlsx(&table)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("génération du .xlsx")))
    })
    .await?;
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("tableau-de-synthese-{}.xlsx", cap.student_id()),
    ))
}

/// Imports a tableau de synthèse as students fill it: every row becomes a réalisation, or
/// nothing is saved and the page says, row by row, what to correct.
pub async fn import_synthesis(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    use axum::extract::FromRequest;
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let Some(edit) = cap.edit() else {
        return Err(crate::session::deny(
            &state,
            &ctx,
            parts.uri.path(),
            crate::session::client_ip(&parts),
        )
        .await);
    };
    let multipart = axum::extract::Multipart::from_request(request, &state)
        .await
        .map_err(|_| {
            AppError::bad_input(
                "file",
                "choisissez le fichier .xlsx du tableau puis renvoyez le formulaire",
            )
        })?;
    let bytes = super::dossier::read_upload(multipart).await?.1;
    let imported = blocking(move || {
        portfolio_documents::import_synthesis_xlsx(&bytes)
            .map_err(|e| AppError::bad_input("file", e.to_string()))
    })
    .await?;
    let track = state.store.student_profile(&cap).await?.student.track;
    let lines: Vec<ImportRowLine> = imported
        .rows
        .iter()
        .map(|r| ImportRowLine {
            row: r.row,
            title: r.title.clone().unwrap_or_default(),
            read: r.report.read.clone(),
            problems: r
                .report
                .problems
                .iter()
                .map(|p| p.message.clone())
                .collect(),
            blocking: r.report.is_blocking(),
        })
        .collect();
    let page = |saved: bool, summary: String, problems: Vec<String>| SynthesisImportPage {
        layout: super::layout(&ctx),
        student_id: cap.student_id(),
        saved,
        summary,
        problems,
        notes: imported.notes.clone(),
        rows: lines
            .iter()
            .map(|l| ImportRowLine {
                row: l.row,
                title: l.title.clone(),
                read: l.read.clone(),
                problems: l.problems.clone(),
                blocking: l.blocking,
            })
            .collect(),
    };
    let rows = match imported.synthesis_rows() {
        Ok(rows) => rows,
        Err(problems) => {
            let p = page(
                false,
                "Rien n’a été importé : le tableau contient des lignes incomplètes. Corrigez-les dans le fichier puis importez-le à nouveau.".into(),
                problems,
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, super::render(&p)?).into_response());
        }
    };
    // Each row goes through the same checks as the form; the national table names competencies,
    // not skills, nor the modality: the student completes them afterwards.
    let mut items = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (row, line) in rows
        .iter()
        .zip(imported.rows.iter().filter(|r| r.is_usable()))
    {
        let form = portfolio_domain::realisation::RealisationForm {
            title: row.title.clone(),
            description: if row.artifacts.is_empty() {
                String::new()
            } else {
                format!(
                    "Documents et productions associés (tableau de synthèse) :\n{}",
                    row.artifacts.join("\n")
                )
            },
            start_date: portfolio_domain::realisation::iso(row.period.start()),
            end_date: portfolio_domain::realisation::iso(row.period.end()),
            setting: row.setting.as_str().into(),
            modality: "solo".into(),
            skills: row.competencies.iter().cloned().collect(),
            ..Default::default()
        };
        match form.parse(bts_sio_2019(), track) {
            Ok(input) => items.push((input, Vec::new())),
            Err(errors) => {
                for e in errors {
                    problems.push(format!("ligne {} : {}", line.row, e.message));
                }
            }
        }
    }
    if !problems.is_empty() {
        let p = page(false, "Rien n’a été importé.".into(), problems);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, super::render(&p)?).into_response());
    }
    let count = items.len();
    state
        .store
        .import_realisations(
            &edit,
            &items,
            None,
            portfolio_domain::artifact::QUOTA_BYTES,
            now(),
        )
        .await?;
    let p = page(
        true,
        format!(
            "{count} réalisation(s) importée(s). Pour chacune, précisez la modalité, les savoir-faire mobilisés et déposez les productions."
        ),
        Vec::new(),
    );
    Ok(super::render(&p)?.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portfolio_domain::dossier::{Modality, Period, Setting};
    use portfolio_domain::realisation::RealisationInput;
    use portfolio_domain::route::Route;
    use portfolio_framework::Track;
    use portfolio_store::{ArtifactKind, SnapshotArtifact, SnapshotCandidate, SnapshotRealisation};
    use time::macros::date;

    fn snapshot(route: Route) -> DossierSnapshot {
        let r = |id: i64, skills: &[&str]| SnapshotRealisation {
            id,
            input: RealisationInput {
                title: format!("Réalisation {id}"),
                description: "Description".into(),
                period: Period::new(date!(2025 - 09 - 01), date!(2025 - 10 - 01)).expect("period"),
                setting: Setting::WorkplaceSecondYear,
                organisation: "Mairie".into(),
                modality: Modality::Solo,
                personal_contribution: String::new(),
                resources_provided: "Un serveur".into(),
                expected_results: "Un service".into(),
                tech_items: ["TE-1.1.2".to_string()].into_iter().collect(),
                tech_other: "Proxmox".into(),
                skills: skills.iter().map(|s| s.to_string()).collect(),
            },
            review_status: None,
            artifacts: vec![SnapshotArtifact {
                id: 10 + id,
                kind: ArtifactKind::Link,
                name: "Dépôt".into(),
                url: Some("https://git.example.fr/x".into()),
                storage_key: None,
                content_type: None,
                size_bytes: 0,
            }],
        };
        DossierSnapshot {
            version: DossierSnapshot::VERSION,
            taken_at: 0,
            candidate: SnapshotCandidate {
                first_name: "Camille".into(),
                last_name: "Durand".into(),
                candidate_number: Some("02712345678".into()),
                track: Track::Sisr,
                route,
                class_name: "SIO2".into(),
                school_name: "Lycée".into(),
                school_city: "Caen".into(),
                session_year: 2027,
            },
            realisations: vec![
                r(1, &["B1.1.5", "B1.2.1", "B2-SISR.1.1"]),
                r(2, &["B2-SISR.2.1", "B2-SISR.3.4", "B1.6.1"]),
            ],
            e5: Some((2, 1)),
            internships: None,
        }
    }

    #[test]
    fn the_synthesis_ticks_the_bloc_1_competencies_of_each_realisation() {
        let t = synthesis_table(&snapshot(Route::School), Some("https://x/p/t".into()));
        assert_eq!(t.candidate_name, "DURAND Camille");
        assert_eq!(t.session_year, 2027);
        let marks: Vec<Vec<&str>> = t
            .rows
            .iter()
            .map(|r| r.competencies.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(marks, vec![vec!["B1.1", "B1.2"], vec!["B1.6"]]);
        assert_eq!(t.rows[0].artifacts, ["Dépôt"]);
    }

    #[test]
    fn an_e5_sheet_names_the_exam_of_the_session_rules_and_the_bloc_2_competencies() {
        let s = snapshot(Route::School);
        let sheet = e5_sheet(&s, 1).expect("sheet");
        assert_eq!(
            sheet.title, "Réalisation 2",
            "n° 1 is the first of the chosen pair"
        );
        assert_eq!(
            sheet.exam_label,
            "E5 Administration des systèmes et des réseaux"
        );
        assert_eq!(
            sheet.exam_form,
            ExamForm::Continuous,
            "CCF in a habilitated school"
        );
        let codes: Vec<&str> = sheet.competencies.iter().map(String::as_str).collect();
        assert_eq!(codes, ["B2-SISR.2", "B2-SISR.3"]);
        assert!(
            sheet.resources_used.contains("un SGBD") && sheet.resources_used.contains("Proxmox")
        );
        assert!(sheet.access.contains("https://git.example.fr/x"));
        let distance = e5_sheet(&snapshot(Route::Distance), 2).expect("sheet");
        assert_eq!(
            distance.exam_form,
            ExamForm::OneOff,
            "ponctuelle for distance learning"
        );
        let mut none = snapshot(Route::School);
        none.e5 = None;
        assert!(matches!(e5_sheet(&none, 1), Err(AppError::BadInput { .. })));
    }
}
