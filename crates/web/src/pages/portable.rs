//! The portable dossier: the whole dossier as one documented JSON document (`dossier.json`, the
//! format of `docs/dossier-format.md`) with its files, in a .zip, so that a student can change
//! school or keep their work; and its import, all or nothing.

use super::dossier::student_access;
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::{Authenticated, client_ip, deny, now};
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use portfolio_domain::artifact::{
    MAX_FILE_BYTES, QUOTA_BYTES, check_link, clean_file_name, file_type,
};
use portfolio_domain::realisation::RealisationInput;
use portfolio_framework::bts_sio_2019;
use portfolio_store::blobs::is_valid_key;
use portfolio_store::{ArtifactKind, DossierSnapshot, NewArtifact};
use std::io::{Read, Write};

/// Largest portable dossier accepted: the storage quota and room for the document.
pub const IMPORT_LIMIT: usize = QUOTA_BYTES as usize + 10 * 1024 * 1024;
const MAX_JSON_BYTES: u64 = 10 * 1024 * 1024;
const MAX_ENTRIES: usize = 5_000;

pub async fn export(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    if cap.edit().is_none() {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    }
    let profile = state.store.student_profile(&cap).await?;
    let records = state.store.realisations(&cap).await?;
    let e5 = state.store.e5_choice(&cap).await?;
    let snapshot = DossierSnapshot::of(&profile, &records, e5, now());
    let mut files = Vec::new();
    for key in snapshot.storage_keys() {
        let bytes = state.blobs.get(&key).await?;
        files.push((key, bytes));
    }
    let json = serde_json::to_vec_pretty(&snapshot)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("export du dossier")))?;
    let bytes = super::blocking(move || write_zip(&json, &files)).await?;
    Ok(super::attachment(
        bytes,
        "application/zip",
        &format!("dossier-{}.zip", cap.student_id()),
    ))
}

fn write_zip(json: &[u8], files: &[(String, Vec<u8>)]) -> AppResult<Vec<u8>> {
    let err = |e: &dyn std::fmt::Display| {
        AppError::Internal(anyhow::anyhow!("écriture de l’archive du dossier : {e}"))
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("dossier.json", options)
        .map_err(|e| err(&e))?;
    zip.write_all(json).map_err(|e| err(&e))?;
    for (key, bytes) in files {
        zip.start_file(format!("files/{key}"), options)
            .map_err(|e| err(&e))?;
        zip.write_all(bytes).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}

/// What an import brings: the document, and the files it names by key.
pub struct Portable {
    pub snapshot: DossierSnapshot,
    pub files: std::collections::HashMap<String, Vec<u8>>,
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::bad_input("file", message)
}

/// Reads a portable dossier: a .zip (`dossier.json` and `files/KEY`), or a bare `dossier.json`
/// (links only). Sizes are checked from the archive's directory before anything is inflated.
pub fn read_portable(bytes: &[u8]) -> AppResult<Portable> {
    if bytes.starts_with(b"{") {
        return Ok(Portable {
            snapshot: parse_document(bytes)?,
            files: Default::default(),
        });
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(bad(
            "ce fichier n’est pas un dossier exporté de Portfolio SIO : attendu le .zip (ou le dossier.json) obtenu par « Exporter mon dossier »",
        ));
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("archive .zip illisible ({e})")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(bad(format!(
            "l’archive contient plus de {MAX_ENTRIES} fichiers"
        )));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| bad(format!("archive .zip illisible ({e})")))?;
        total = total.saturating_add(entry.size());
    }
    if total > QUOTA_BYTES as u64 + MAX_JSON_BYTES {
        return Err(bad(
            "l’archive, une fois décompressée, dépasse l’espace de stockage d’un dossier (200 Mo)",
        ));
    }
    let mut json = None;
    let mut files = std::collections::HashMap::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| bad(format!("archive .zip illisible ({e})")))?;
        let name = entry.name().to_string();
        let limit = if name == "dossier.json" {
            MAX_JSON_BYTES
        } else {
            MAX_FILE_BYTES as u64
        };
        // Read at most one byte past the limit: a lying directory cannot make us inflate more.
        let mut buf = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut buf)
            .map_err(|e| bad(format!("fichier « {name} » illisible dans l’archive ({e})")))?;
        if buf.len() as u64 > limit {
            return Err(bad(format!(
                "le fichier « {name} » de l’archive est trop volumineux"
            )));
        }
        if name == "dossier.json" {
            json = Some(buf);
        } else if let Some(key) = name.strip_prefix("files/") {
            if !is_valid_key(key) {
                return Err(bad(format!(
                    "nom de fichier inattendu dans l’archive : « {name} »"
                )));
            }
            files.insert(key.to_string(), buf);
        } else if !name.ends_with('/') {
            return Err(bad(format!(
                "fichier inattendu dans l’archive : « {name} »"
            )));
        }
    }
    let json = json.ok_or_else(|| bad("l’archive ne contient pas de dossier.json"))?;
    Ok(Portable {
        snapshot: parse_document(&json)?,
        files,
    })
}

fn parse_document(bytes: &[u8]) -> AppResult<DossierSnapshot> {
    let s: DossierSnapshot =
        serde_json::from_slice(bytes).map_err(|e| bad(format!("dossier.json illisible ({e})")))?;
    if s.version != DossierSnapshot::VERSION {
        return Err(bad(format!(
            "dossier.json en version {} : cette version de Portfolio SIO lit la version {}",
            s.version,
            DossierSnapshot::VERSION
        )));
    }
    Ok(s)
}

/// Every problem of a portable dossier for a student of `track`, with what it becomes if none.
/// A checked portable dossier: the réalisations with their artifacts, and the E5 pair as
/// indices into them.
pub type Checked = (
    Vec<(RealisationInput, Vec<PendingArtifact>)>,
    Option<(usize, usize)>,
);

pub fn check_portable(
    p: &Portable,
    track: portfolio_framework::Track,
) -> Result<Checked, Vec<String>> {
    let fw = bts_sio_2019();
    let mut problems = Vec::new();
    let mut items = Vec::new();
    for (i, r) in p.snapshot.realisations.iter().enumerate() {
        let label = format!("réalisation {} « {} »", i + 1, r.input.title);
        // The document is checked like a form: nothing bypasses the rules of the référentiel.
        let input = match r.input.to_form().parse(fw, track) {
            Ok(input) => input,
            Err(errors) => {
                for e in errors {
                    problems.push(format!("{label} : {}", e.message));
                }
                continue;
            }
        };
        let mut artifacts = Vec::new();
        for a in &r.artifacts {
            match (a.kind, &a.url, &a.storage_key) {
                (ArtifactKind::Link, Some(url), _) => match check_link(url) {
                    Ok(url) => artifacts.push(PendingArtifact::Link {
                        name: clean_file_name(&a.name),
                        url,
                    }),
                    Err(e) => {
                        problems.push(format!("{label}, lien « {} » : {}", a.name, e.message))
                    }
                },
                (ArtifactKind::File, _, Some(key)) => match p.files.get(key) {
                    Some(bytes) => {
                        let name = clean_file_name(&a.name);
                        match file_type(&name, bytes) {
                            Ok(t) => artifacts.push(PendingArtifact::File {
                                name,
                                content_type: t.content_type,
                                bytes: bytes.clone(),
                            }),
                            Err(e) => problems
                                .push(format!("{label}, fichier « {name} » : {}", e.message)),
                        }
                    }
                    None => problems.push(format!(
                        "{label} : le fichier « {} » manque dans l’archive",
                        a.name
                    )),
                },
                _ => problems.push(format!("{label} : production « {} » incomplète", a.name)),
            }
        }
        items.push((r.id, input, artifacts));
    }
    let index = |id: i64| items.iter().position(|(rid, _, _)| *rid == id);
    let e5 = match p.snapshot.e5 {
        Some((a, b)) => match (index(a), index(b)) {
            (Some(x), Some(y)) if x != y => Some((x, y)),
            _ => {
                problems.push(
                    "le choix des réalisations E5 désigne des réalisations absentes du dossier"
                        .into(),
                );
                None
            }
        },
        None => None,
    };
    if problems.is_empty() {
        Ok((items.into_iter().map(|(_, i, a)| (i, a)).collect(), e5))
    } else {
        Err(problems)
    }
}

pub enum PendingArtifact {
    Link {
        name: String,
        url: String,
    },
    File {
        name: String,
        content_type: &'static str,
        bytes: Vec<u8>,
    },
}

pub async fn import(
    State(state): State<AppState>,
    parts: Parts,
    Authenticated(ctx): Authenticated,
    Path(id): Path<String>,
    request: Request,
) -> AppResult<Response> {
    let cap = student_access(&state, &ctx, &parts, &id).await?;
    let Some(edit) = cap.edit() else {
        return Err(deny(&state, &ctx, parts.uri.path(), client_ip(&parts)).await);
    };
    let multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|_| {
            bad("choisissez le fichier du dossier exporté (.zip) puis renvoyez le formulaire")
        })?;
    let bytes = read_file_field(multipart).await?;
    let portable = super::blocking(move || read_portable(&bytes)).await?;
    let track = state.store.student_profile(&cap).await?.student.track;
    let (items, e5) = check_portable(&portable, track)
        .map_err(|problems| bad(format!("rien n’a été importé : {}", problems.join(" ; "))))?;
    // Files first, under new keys; if the rows cannot be written they are removed again.
    let mut written = Vec::new();
    let mut rows = Vec::with_capacity(items.len());
    for (input, artifacts) in items {
        let mut news = Vec::new();
        for a in artifacts {
            match a {
                PendingArtifact::Link { name, url } => news.push(NewArtifact {
                    kind: ArtifactKind::Link,
                    name,
                    url: Some(url),
                    storage_key: None,
                    content_type: None,
                    size_bytes: 0,
                }),
                PendingArtifact::File {
                    name,
                    content_type,
                    bytes,
                } => {
                    let key = super::dossier::storage_key();
                    if let Err(e) = state.blobs.put(&key, &bytes).await {
                        remove_all(&state, &written).await;
                        return Err(e.into());
                    }
                    written.push(key.clone());
                    news.push(NewArtifact {
                        kind: ArtifactKind::File,
                        name,
                        url: None,
                        storage_key: Some(key),
                        content_type: Some(content_type.to_string()),
                        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                    });
                }
            }
        }
        rows.push((input, news));
    }
    match state
        .store
        .import_realisations(&edit, &rows, e5, QUOTA_BYTES, now())
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/students/{}?done=imported", cap.student_id())).into_response(),
        ),
        Err(e) => {
            remove_all(&state, &written).await;
            Err(e.into())
        }
    }
}

async fn remove_all(state: &AppState, keys: &[String]) {
    for key in keys {
        if let Err(e) = state.blobs.delete(key).await {
            tracing::warn!(error = %e, "fichier orphelin non supprimé : {key}");
        }
    }
}

async fn read_file_field(mut multipart: Multipart) -> AppResult<Vec<u8>> {
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("envoi interrompu ou mal formé : renvoyez le fichier"))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|_| bad("le fichier dépasse la taille d’un dossier (210 Mo)"))?
        {
            if bytes.len() + chunk.len() > IMPORT_LIMIT {
                return Err(bad("le fichier dépasse la taille d’un dossier (210 Mo)"));
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            return Err(bad("le fichier choisi est vide"));
        }
        return Ok(bytes);
    }
    Err(bad(
        "aucun fichier choisi : choisissez le .zip du dossier exporté",
    ))
}
