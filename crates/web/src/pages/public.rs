//! The portfolio the commission can always reach: a public read-only page behind a secret,
//! revocable link, and an offline copy (a .zip of static pages and files that opens from a USB
//! stick without a server).

use super::anonymous_layout;
use super::browse::path_id;
use super::dossier::{load_dossier, serve_artifact, student_access};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, now};
use crate::templates::{PublicPortfolioPage, PublicRow, PublicSection, format_datetime};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use portfolio_domain::access::{StudentCap, through_public_link};
use portfolio_domain::coverage::competencies_of;
use portfolio_domain::dossier::Setting;
use portfolio_domain::input::ascii_fold;
use portfolio_framework::bts_sio_2019;
use portfolio_store::{DossierSnapshot, SnapshotArtifact};
use std::io::Write;

/// The dossier as a reader holding `cap` sees it, as a snapshot (the handed-in one, or one taken
/// now of the live dossier), with the date it was handed in.
pub async fn visible_snapshot(
    state: &AppState,
    cap: &StudentCap,
) -> AppResult<(DossierSnapshot, Option<i64>)> {
    let view = load_dossier(state, cap).await?;
    if let (true, Some(s)) = (view.frozen, &view.submission) {
        return Ok(((*s.snapshot).clone(), Some(s.submitted_at)));
    }
    let profile = state.store.student_profile(cap).await?;
    let e5 = state.store.e5_choice(cap).await?;
    let submitted = view.submission.map(|s| s.submitted_at);
    Ok((
        DossierSnapshot::of(&profile, &view.records, e5, now()),
        if view.frozen { submitted } else { None },
    ))
}

/// The page model of a portfolio: the synthesis grouped by setting, then each réalisation.
pub fn portfolio_page(
    snapshot: DossierSnapshot,
    token: &str,
    handed_in: Option<i64>,
    offline: bool,
) -> PublicPortfolioPage {
    let fw = bts_sio_2019();
    let b1: Vec<(String, String)> = fw
        .block("B1")
        .map(|b| {
            b.competencies
                .iter()
                .map(|c| (c.code.clone(), c.label.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut index = 0;
    let sections = Setting::ALL
        .iter()
        .map(|setting| PublicSection {
            banner: setting.banner(),
            rows: snapshot
                .realisations
                .iter()
                .filter(|r| r.input.setting == *setting)
                .map(|r| {
                    index += 1;
                    let marks = competencies_of(fw, "B1", &r.input.skills);
                    PublicRow {
                        index,
                        period: r.input.period.short(),
                        marks: b1.iter().map(|(code, _)| marks.contains(code)).collect(),
                        skills: r
                            .input
                            .skills
                            .iter()
                            .map(|code| {
                                let label = fw
                                    .skill(code)
                                    .map(|s| s.skill.label.clone())
                                    .or_else(|| {
                                        fw.competency(code).map(|c| c.competency.label.clone())
                                    })
                                    .unwrap_or_default();
                                (code.clone(), label)
                            })
                            .collect(),
                        modality: r.input.modality.label(),
                        setting: r.input.setting.label(),
                        r: r.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    PublicPortfolioPage {
        layout: anonymous_layout(String::new()),
        token: token.to_string(),
        handed_in: handed_in.map(format_datetime),
        sections,
        b1,
        offline,
        snapshot,
    }
}

/// The capability of a public link, or "not found": an unknown, revoked or expired link all get
/// the same answer.
async fn link_access(state: &AppState, token: &str) -> AppResult<StudentCap> {
    if token.len() > 100 {
        return Err(AppError::NotFound);
    }
    let facts = state.store.public_link_facts(token).await?;
    facts
        .and_then(|f| through_public_link(&f, now()))
        .ok_or(AppError::NotFound)
}

pub async fn portfolio(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let cap = link_access(&state, &token).await?;
    let (snapshot, handed_in) = visible_snapshot(&state, &cap).await?;
    let page = portfolio_page(snapshot, &token, handed_in, false);
    let mut res = Html(page.render()?).into_response();
    // The address is a secret: no search engine, no referrer.
    res.headers_mut().insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(res)
}

pub async fn artifact(
    State(state): State<AppState>,
    Path((token, aid)): Path<(String, String)>,
) -> AppResult<Response> {
    let cap = link_access(&state, &token).await?;
    serve_artifact(&state, &cap, path_id(&aid)?).await
}

/// The file's path inside the offline copy: its id keeps names unique.
pub fn offline_file_name(a: &SnapshotArtifact) -> String {
    let safe: String = a
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if inert_on_disk(&safe, a.content_type.as_deref()) {
        format!("files/{}-{safe}", a.id)
    } else {
        // Active content (HTML, SVG, XML, script…) opened from the USB stick would run with
        // the rights of a local page. It stays in the copy — it is the student's work — but
        // as `.txt`, which every browser shows as plain text and never renders or runs.
        format!("files/{}-{safe}.txt", a.id)
    }
}

/// Whether a file may keep its name in the offline copy: only when its extension is one a
/// browser never runs script from AND its recognised content agrees with it (both can lie:
/// a name is chosen by the student, a content type may come from an older import).
fn inert_on_disk(name: &str, content_type: Option<&str>) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let ct = ct.split(';').next().unwrap_or("").trim();
    match ext.as_str() {
        "pdf" => ct == "application/pdf",
        "png" => ct == "image/png",
        "jpg" | "jpeg" => ct == "image/jpeg",
        "gif" => ct == "image/gif",
        "webp" => ct == "image/webp",
        "docx" | "xlsx" | "pptx" => {
            ct.starts_with("application/vnd.openxmlformats-officedocument.")
        }
        "odt" | "ods" | "odp" => ct.starts_with("application/vnd.oasis.opendocument."),
        "zip" => ct == "application/zip",
        "txt" | "md" | "csv" | "log" | "conf" | "cfg" | "ini" | "yml" | "yaml" | "sql" | "sh"
        | "ps1" | "py" | "java" | "cs" | "c" | "h" | "cpp" | "rs" | "go" | "rb" | "css" => {
            ct == "text/plain"
        }
        _ => false,
    }
}

/// `portfolio.zip`: `index.html`, `app.css` and `files/`, readable from a USB stick with no
/// server and no network.
pub async fn offline_copy(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let (snapshot, handed_in) = visible_snapshot(&state, &cap).await?;
    let mut files = Vec::new();
    for a in snapshot
        .realisations
        .iter()
        .flat_map(|r| r.artifacts.iter())
    {
        if let Some(key) = &a.storage_key {
            files.push((offline_file_name(a), state.blobs.get(key).await?));
        }
    }
    let name = format!(
        "portfolio-{}-{}.zip",
        ascii_fold(&snapshot.candidate.last_name),
        ascii_fold(&snapshot.candidate.first_name)
    );
    let html = portfolio_page(snapshot, "", handed_in, true).render()?;
    // Pages of the site link the stylesheet from the server's root; the copy carries its own.
    let html = html
        .replace("href=\"/static/app.css\"", "href=\"app.css\"")
        .replace("href=\"/\"", "href=\"index.html\"");
    let bytes = super::blocking(move || build_zip(&html, &files)).await?;
    Ok(super::attachment(bytes, "application/zip", &name))
}

fn build_zip(html: &str, files: &[(String, Vec<u8>)]) -> AppResult<Vec<u8>> {
    let zip_err = |e: zip::result::ZipError| {
        AppError::Internal(anyhow::Error::new(e).context("écriture de l’archive du portfolio"))
    };
    let io_err = |e: std::io::Error| {
        AppError::Internal(anyhow::Error::new(e).context("écriture de l’archive du portfolio"))
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("index.html", options).map_err(zip_err)?;
    zip.write_all(html.as_bytes()).map_err(io_err)?;
    zip.start_file("app.css", options).map_err(zip_err)?;
    zip.write_all(include_str!("../../static/app.css").as_bytes())
        .map_err(io_err)?;
    for (path, bytes) in files {
        zip.start_file(path.as_str(), options).map_err(zip_err)?;
        zip.write_all(bytes).map_err(io_err)?;
    }
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}
