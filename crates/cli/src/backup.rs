//! `backup`, `restore` and `check`: one archive holds the database and the uploaded files, and
//! nothing is replaced before the archive has been proven whole.
//!
//! The archive is a tar file (readable with `tar`, so a backup stays usable without this
//! program) holding, in this order:
//!
//! * `portfolio.sqlite` — a consistent copy of the database (`VACUUM INTO`, source read-only);
//! * `files/XX/KEY` — every file a row of that copy names;
//! * `MANIFEST.sha256` — the SHA-256 and name of each member above, in `sha256sum` format
//!   (`sha256sum -c MANIFEST.sha256` checks an extracted archive by hand).
//!
//! A tar file and not a directory pair: one name to copy, rename and keep, and a half-written
//! archive never has its final name.

use anyhow::{Context, Result, bail};
use portfolio_store::BlobReference;
use portfolio_store::blobs::{LocalBlobStore, is_valid_key};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const DATABASE_MEMBER: &str = "portfolio.sqlite";
pub const MANIFEST_MEMBER: &str = "MANIFEST.sha256";

fn sqlite_path(url: &str, what: &str) -> Result<PathBuf> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        bail!(
            "{what} ne prend en charge que SQLite : avec PostgreSQL, sauvegardez la base avec pg_dump (pg_restore pour la restaurer) et copiez le répertoire des fichiers déposés (--files-dir)"
        );
    }
    portfolio_store::sqlite::path_of_url(url).with_context(|| {
        format!("adresse de base SQLite invalide « {url} » : attendu sqlite://CHEMIN")
    })
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The name written beside `path` while it is not complete.
fn partial_name(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{suffix}"))
}

/// Makes a rename or a new file in `dir` durable.
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("synchronisation du répertoire {} impossible", dir.display()))
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn disk_full_context(e: std::io::Error, what: String) -> anyhow::Error {
    if portfolio_store::blobs::is_enospc(&e) {
        anyhow::anyhow!("{what} : le disque est plein")
    } else {
        anyhow::Error::new(e).context(what)
    }
}

/// Removes the temporary files of a backup when it fails (or is dropped) before the rename.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

pub struct BackupReport {
    pub files: usize,
    pub bytes: u64,
}

/// Writes the archive `output` from the SQLite database of `url` and the files under
/// `files_dir`. The source is opened read-only; `output` appears only once complete and synced.
pub fn backup(url: &str, files_dir: &Path, output: &Path) -> Result<BackupReport> {
    let source = sqlite_path(url, "la sauvegarde")?;
    if output.exists() {
        bail!(
            "le fichier {} existe déjà : choisissez un autre nom ou supprimez-le",
            output.display()
        );
    }
    let archive_tmp = partial_name(output, "partial");
    let db_tmp = partial_name(output, "partial.sqlite");
    // Left by a backup that was killed: ours, never a finished archive.
    for stale in [&archive_tmp, &db_tmp] {
        match std::fs::remove_file(stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "fichier temporaire {} impossible à retirer",
                        stale.display()
                    )
                });
            }
        }
    }
    let cleanup = Cleanup(vec![archive_tmp.clone(), db_tmp.clone()]);
    portfolio_store::sqlite::snapshot(&source, &db_tmp)
        .map_err(anyhow::Error::new)
        .with_context(|| format!("sauvegarde de {} impossible", source.display()))?;
    let references = portfolio_store::sqlite::file_references(&db_tmp)?;

    let file = File::create(&archive_tmp)
        .map_err(|e| disk_full_context(e, format!("écriture de {}", archive_tmp.display())))?;
    let mut tar = tar::Builder::new(std::io::BufWriter::new(file));
    let mut manifest = String::new();
    // Streams `path` into the archive as `name`, hashing what it reads: a large database or
    // file never sits whole in memory.
    let mut add = |tar: &mut tar::Builder<_>, name: &str, path: &Path| -> Result<()> {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o600);
        header.set_mtime(0);
        header.set_cksum();
        let mut reader = Hashing {
            inner: file,
            hasher: Sha256::new(),
            read: 0,
        };
        tar.append_data(&mut header, name, &mut reader)
            .map_err(|e| disk_full_context(e, format!("écriture de {}", archive_tmp.display())))?;
        anyhow::ensure!(
            reader.read == size,
            "{} a changé de taille pendant la sauvegarde",
            path.display()
        );
        manifest.push_str(&format!("{}  {name}\n", hex(&reader.hasher.finalize())));
        Ok(())
    };
    add(&mut tar, DATABASE_MEMBER, &db_tmp)
        .with_context(|| format!("lecture de la copie {} impossible", db_tmp.display()))?;
    let mut files = 0;
    let mut seen = BTreeSet::new();
    for r in references.iter().filter(|r| r.needs_file()) {
        if !seen.insert(r.storage_key.clone()) {
            continue;
        }
        // The layout of `LocalBlobStore`, read without creating anything in the source.
        if !is_valid_key(&r.storage_key) {
            bail!(
                "clé de fichier invalide en base : {} ({})",
                r.storage_key,
                describe(r)
            );
        }
        let path = files_dir.join(&r.storage_key[..2]).join(&r.storage_key);
        if !path.is_file() {
            bail!(
                "le fichier {} ({}) manque dans {} : la sauvegarde serait incomplète. S’il vient d’être supprimé, relancez la sauvegarde ; sinon, voyez portfolio-sio check",
                r.storage_key,
                describe(r),
                files_dir.display()
            );
        }
        let member = format!("files/{}/{}", &r.storage_key[..2], r.storage_key);
        add(&mut tar, &member, &path)
            .with_context(|| format!("lecture de {} impossible", path.display()))?;
        files += 1;
    }
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(0);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST_MEMBER, manifest.as_bytes())
        .map_err(|e| disk_full_context(e, format!("écriture de {}", archive_tmp.display())))?;
    let writer = tar
        .into_inner()
        .map_err(|e| disk_full_context(e, format!("écriture de {}", archive_tmp.display())))?;
    let file = writer.into_inner().map_err(|e| {
        disk_full_context(
            e.into_error(),
            format!("écriture de {}", archive_tmp.display()),
        )
    })?;
    file.sync_all()
        .map_err(|e| disk_full_context(e, format!("écriture de {}", archive_tmp.display())))?;
    drop(file);
    std::fs::rename(&archive_tmp, output)
        .with_context(|| format!("renommage en {} impossible", output.display()))?;
    sync_dir(&parent_of(output))?;
    drop(cleanup);
    Ok(BackupReport {
        files,
        bytes: std::fs::metadata(output).map(|m| m.len()).unwrap_or(0),
    })
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// The row a file belongs to, in words.
pub fn describe(r: &BlobReference) -> String {
    let name = if r.name.is_empty() {
        String::new()
    } else {
        format!(" « {} »", r.name)
    };
    match r.kind.as_str() {
        "dossier remis" => format!(
            "dossier remis n° {} de l’étudiant n° {}",
            r.row_id, r.student_id
        ),
        kind => format!(
            "{kind}{name} n° {} de l’étudiant n° {}",
            r.row_id, r.student_id
        ),
    }
}

/// An archive extracted into a staging directory and checked.
struct Staged {
    dir: PathBuf,
    database: PathBuf,
    /// Storage key → extracted file.
    files: BTreeMap<String, PathBuf>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Extracts the members we know into `dir` (refusing any other name: no path of the archive
/// becomes a path on disk), hashing each, then checks the manifest, the database's integrity
/// and that every file a row names is there with its size.
fn stage(archive: &Path, dir: PathBuf) -> Result<Staged> {
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("répertoire de travail {} impossible à créer", dir.display()))?;
    let mut staged = Staged {
        database: dir.join(DATABASE_MEMBER),
        dir,
        files: BTreeMap::new(),
    };
    let file =
        File::open(archive).with_context(|| format!("archive {} illisible", archive.display()))?;
    let mut tar = tar::Archive::new(std::io::BufReader::new(file));
    let bad = |why: String| anyhow::anyhow!("archive {} refusée : {why}", archive.display());
    let mut hashes: BTreeMap<String, String> = BTreeMap::new();
    let mut manifest: Option<String> = None;
    let entries = tar.entries().map_err(|e| {
        bad(format!(
            "ce n’est pas une archive de sauvegarde lisible ({e})"
        ))
    })?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(format!("archive tronquée ou endommagée ({e})")))?;
        let name = entry
            .path()
            .map_err(|e| bad(format!("nom de membre illisible ({e})")))?
            .to_string_lossy()
            .into_owned();
        let target = if name == DATABASE_MEMBER {
            staged.database.clone()
        } else if name == MANIFEST_MEMBER {
            let mut text = String::new();
            entry
                .read_to_string(&mut text)
                .map_err(|e| bad(format!("manifeste illisible ({e})")))?;
            manifest = Some(text);
            continue;
        } else if let Some(key) = name
            .strip_prefix("files/")
            .and_then(|rest| rest.split_once('/'))
            .filter(|(prefix, key)| is_valid_key(key) && key.starts_with(prefix))
            .map(|(_, key)| key.to_string())
        {
            let path = staged.dir.join(&key);
            staged.files.insert(key, path.clone());
            path
        } else {
            return Err(bad(format!("membre inattendu « {name} »")));
        };
        let mut out = File::create(&target)
            .map_err(|e| disk_full_context(e, format!("écriture de {}", target.display())))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|e| bad(format!("membre « {name} » tronqué ({e})")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])
                .map_err(|e| disk_full_context(e, format!("écriture de {}", target.display())))?;
        }
        out.sync_all()
            .map_err(|e| disk_full_context(e, format!("écriture de {}", target.display())))?;
        hashes.insert(name, hex(&hasher.finalize()));
    }
    let manifest = manifest.ok_or_else(|| bad("le manifeste MANIFEST.sha256 manque".into()))?;
    let mut listed = BTreeSet::new();
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let (sum, name) = line
            .split_once("  ")
            .ok_or_else(|| bad(format!("ligne de manifeste illisible « {line} »")))?;
        match hashes.get(name) {
            None => {
                return Err(bad(format!(
                    "« {name} » est dans le manifeste mais pas dans l’archive"
                )));
            }
            Some(h) if h != sum => {
                return Err(bad(format!(
                    "« {name} » ne correspond pas à son empreinte SHA-256 (fichier altéré)"
                )));
            }
            Some(_) => {
                listed.insert(name.to_string());
            }
        }
    }
    if let Some(extra) = hashes.keys().find(|n| !listed.contains(*n)) {
        return Err(bad(format!("« {extra} » n’est pas dans le manifeste")));
    }
    if !hashes.contains_key(DATABASE_MEMBER) {
        return Err(bad(format!("la base {DATABASE_MEMBER} manque")));
    }
    let problems = portfolio_store::sqlite::integrity_problems(&staged.database)
        .map_err(|e| bad(e.to_string()))?;
    if !problems.is_empty() {
        return Err(bad(format!(
            "la base ne passe pas le contrôle d’intégrité : {}",
            problems.join(" ; ")
        )));
    }
    for r in portfolio_store::sqlite::file_references(&staged.database)
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .filter(|r| r.needs_file())
    {
        let Some(path) = staged.files.get(&r.storage_key) else {
            return Err(bad(format!(
                "le fichier {} ({}) manque",
                r.storage_key,
                describe(r)
            )));
        };
        if let Some(expected) = r.size_bytes {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            if i64::try_from(size).ok() != Some(expected) {
                return Err(bad(format!(
                    "le fichier {} ({}) fait {size} octets au lieu de {expected}",
                    r.storage_key,
                    describe(r)
                )));
            }
        }
    }
    Ok(staged)
}

/// Moves `from` to `to`, copying when they are on different file systems.
fn move_file(from: &Path, to: &Path) -> Result<()> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    let tmp = partial_name(to, "tmp");
    std::fs::copy(from, &tmp)
        .and_then(|_| File::open(&tmp)?.sync_all())
        .and_then(|()| std::fs::rename(&tmp, to))
        .map_err(|e| disk_full_context(e, format!("écriture de {} impossible", to.display())))?;
    let _ = std::fs::remove_file(from);
    Ok(())
}

pub struct RestoreReport {
    pub files: usize,
    pub kept_as: Option<PathBuf>,
}

/// Checks `archive` whole, then puts its files under `files_dir` and its database at the
/// SQLite path of `url`. An existing database is replaced only with `replace`, and kept beside
/// under a dated name.
pub fn restore(
    archive: &Path,
    url: &str,
    files_dir: &Path,
    replace: bool,
) -> Result<RestoreReport> {
    let target = sqlite_path(url, "la restauration")?;
    let exists = std::fs::metadata(&target).is_ok_and(|m| m.len() > 0);
    if exists && !replace {
        bail!(
            "la base {} existe déjà : arrêtez le serveur, puis relancez avec --replace (l’ancienne base est alors gardée à côté sous un nom daté)",
            target.display()
        );
    }
    let data_dir = parent_of(&target);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("répertoire {} impossible à créer", data_dir.display()))?;
    let staging = data_dir.join(format!(".restore-{}", std::process::id()));
    let staged = stage(archive, staging)?;

    // Files first: a database never names a file that is not there yet.
    let blobs = LocalBlobStore::new(files_dir).with_context(|| {
        format!(
            "répertoire des fichiers {} impossible à créer",
            files_dir.display()
        )
    })?;
    let mut dirs = BTreeSet::new();
    for (key, path) in &staged.files {
        let dest = blobs.file_path(key)?;
        let dir = parent_of(&dest);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("répertoire {} impossible à créer", dir.display()))?;
        move_file(path, &dest)?;
        dirs.insert(dir);
    }
    for dir in &dirs {
        sync_dir(dir)?;
    }
    sync_dir(files_dir)?;

    let mut kept_as = None;
    if exists {
        let now = time::OffsetDateTime::now_utc();
        let stamp = now
            .format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour][minute][second]Z"
            ))
            .unwrap_or_else(|_| now.unix_timestamp().to_string());
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kept = target.with_file_name(format!("{name}.avant-restauration-{stamp}"));
        // The WAL and shared memory of the old base go with it: left beside the new file,
        // SQLite would replay the old journal into it.
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", target.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", kept.display()));
                std::fs::rename(&from, &to)
                    .with_context(|| format!("mise de côté de {} impossible", from.display()))?;
            }
        }
        kept_as = Some(kept);
    } else {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
        }
    }
    std::fs::rename(&staged.database, &target)
        .with_context(|| format!("mise en place de {} impossible", target.display()))?;
    sync_dir(&data_dir)?;
    Ok(RestoreReport {
        files: staged.files.len(),
        kept_as,
    })
}

pub struct CheckReport {
    pub problems: usize,
}

/// Compares the files on disk with the rows that name them; with `repair`, removes the files
/// no row names and the temporary files older than `grace_secs` (younger ones may be uploads
/// under way). Rows whose file is missing are listed, never deleted.
pub async fn check(
    store: &portfolio_store::DynStore,
    files_dir: &Path,
    repair: bool,
    grace_secs: u64,
) -> Result<CheckReport> {
    let blobs = LocalBlobStore::new(files_dir).with_context(|| {
        format!(
            "répertoire des fichiers déposés {} illisible",
            files_dir.display()
        )
    })?;
    if repair {
        let drained = portfolio_store::blobs::drain_deletions(store, &blobs).await?;
        if drained > 0 {
            println!("{drained} fichier(s) dont la ligne était supprimée : effacé(s).");
        }
    }
    let references = store.blob_references().await?;
    let listing = blobs
        .list()
        .with_context(|| format!("lecture de {} impossible", files_dir.display()))?;
    let named: BTreeSet<&str> = references.iter().map(|r| r.storage_key.as_str()).collect();
    let on_disk: BTreeSet<&str> = listing.files.iter().map(|f| f.key.as_str()).collect();
    let mut problems = 0;

    let orphans: Vec<_> = listing
        .files
        .iter()
        .filter(|f| !named.contains(f.key.as_str()))
        .collect();
    for (what, list) in [
        ("fichier orphelin (aucune ligne ne le nomme)", orphans),
        (
            "fichier temporaire (écriture interrompue ou en cours)",
            listing.temporary.iter().collect(),
        ),
    ] {
        for f in list {
            if repair && f.age_secs >= grace_secs {
                std::fs::remove_file(&f.path)
                    .with_context(|| format!("suppression de {} impossible", f.path.display()))?;
                println!("supprimé : {what} {} ({} octets)", f.path.display(), f.size);
            } else {
                problems += 1;
                let young = if repair {
                    " — gardé : modifié il y a moins du délai de grâce, peut-être un dépôt en cours"
                } else {
                    ""
                };
                println!("{what} : {} ({} octets){young}", f.path.display(), f.size);
            }
        }
    }
    let mut missing = 0;
    for r in references.iter().filter(|r| r.needs_file()) {
        if !on_disk.contains(r.storage_key.as_str()) {
            missing += 1;
            println!("fichier manquant : {} — {}", r.storage_key, describe(r));
        }
    }
    if missing > 0 && repair {
        println!(
            "{missing} ligne(s) sans fichier conservée(s) : elles ne sont pas effacées (ce sont des données d’utilisateurs) ; restaurez le fichier depuis une sauvegarde (portfolio-sio restore) ou demandez à l’étudiant de le déposer de nouveau"
        );
    }
    problems += missing;
    println!(
        "Fichiers : {} sur le disque, {} nommé(s) par la base ; {problems} problème(s) restant(s).",
        listing.files.len(),
        named.len()
    );
    Ok(CheckReport { problems })
}
