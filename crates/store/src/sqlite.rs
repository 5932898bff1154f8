//! The embedded backend: one SQLite file, WAL journal, busy timeout on every connection, writes
//! opened with `BEGIN IMMEDIATE` on the one writer connection. Queries run through [`crate::lite`]
//! on the calling thread; sqlx only runs the migrations.

use crate::lite::{self as db, Pool};
use crate::sql::sql_store;
use crate::sql_dossier::dossier_store;
use crate::sql_evaluation::evaluation_store;
use crate::sql_internship::internship_store;
use crate::sql_reclamation::reclamation_store;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// When a commit returns, in WAL mode. `Full` (the default) syncs the WAL at each commit: an
/// acknowledged write survives a power cut. `Normal` syncs only at checkpoints: faster, and
/// still consistent after a crash, but the last writes before a power cut can be lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    Full,
    Normal,
}

impl Synchronous {
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

static SYNCHRONOUS_NORMAL: AtomicBool = AtomicBool::new(false);

/// Chooses the mode of the connections opened from now on (the command line sets it once, from
/// `--sqlite-synchronous` / `PORTFOLIO_SQLITE_SYNCHRONOUS`, before opening the store).
pub fn set_synchronous(mode: Synchronous) {
    SYNCHRONOUS_NORMAL.store(mode == Synchronous::Normal, Ordering::Relaxed);
}

pub fn synchronous() -> Synchronous {
    if SYNCHRONOUS_NORMAL.load(Ordering::Relaxed) {
        Synchronous::Normal
    } else {
        Synchronous::Full
    }
}

pub struct SqliteStore {
    pool: Pool,
    snapshots: crate::cache::Immutable<DossierSnapshot>,
}

impl SqliteStore {
    /// Opens (creating it if needed) the database at `url` (`sqlite://PATH`) and migrates it.
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match synchronous() {
                Synchronous::Full => SqliteSynchronous::Full,
                Synchronous::Normal => SqliteSynchronous::Normal,
            })
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let path = options.get_filename().to_path_buf();
        if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" {
            return Err(StoreError::Invalid(
                "une base SQLite en mémoire n’est pas prise en charge : donnez un fichier, sqlite://CHEMIN".into(),
            ));
        }
        let migrator = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&migrator).await?;
        migrator.close().await;
        Ok(SqliteStore {
            pool: Pool::open(&path)?,
            snapshots: crate::cache::Immutable::new(crate::SNAPSHOTS_KEPT),
        })
    }
}

sql_store!(SqliteStore, crate::lite::LiteRow);
dossier_store!(SqliteStore, crate::lite::LiteRow);
internship_store!(SqliteStore, crate::lite::LiteRow);
evaluation_store!(SqliteStore, crate::lite::LiteRow);
reclamation_store!(SqliteStore, crate::lite::LiteRow);

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        db::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn backup(&self, output: &Path) -> Result<()> {
        if output.exists() {
            return Err(StoreError::Invalid(format!(
                "le fichier {} existe déjà : choisissez un autre nom ou supprimez-le",
                output.display()
            )));
        }
        let target = output.to_str().ok_or_else(|| {
            StoreError::Invalid(format!(
                "le chemin {} n’est pas en UTF-8 : choisissez un autre nom",
                output.display()
            ))
        })?;
        // VACUUM INTO writes a consistent snapshot while the server keeps running.
        db::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn counts(&self) -> Result<Counts> {
        self.count_rows().await
    }

    async fn analyze(&self) -> Result<()> {
        // A sample of each index is enough for the planner, and keeps this to a moment.
        let mut tx = db::begin_write(&self.pool).await?;
        db::query("PRAGMA analysis_limit = 1000")
            .execute(&mut *tx)
            .await?;
        db::query("ANALYZE").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close();
    }
}

/// Opens an existing database file read-only, refusing a missing or empty file and a file that
/// is not a Portfolio SIO database, without creating or migrating anything.
fn open_existing_read_only(path: &Path) -> Result<rusqlite::Connection> {
    let len = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => {
            return Err(StoreError::Invalid(format!(
                "{} n’est pas un fichier de base de données",
                path.display()
            )));
        }
        Err(_) => {
            return Err(StoreError::Invalid(format!(
                "la base de données {} n’existe pas : vérifiez --data-dir ou --database-url",
                path.display()
            )));
        }
    };
    if len == 0 {
        return Err(StoreError::Invalid(format!(
            "la base de données {} est vide (0 octet) : ce n’est pas une base Portfolio SIO",
            path.display()
        )));
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| damaged(path, e))?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| damaged(path, e))?;
    let migrated: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| damaged(path, e))?;
    if migrated == 0 {
        return Err(StoreError::Invalid(format!(
            "{} n’est pas une base Portfolio SIO (aucune migration enregistrée)",
            path.display()
        )));
    }
    Ok(conn)
}

fn damaged(path: &Path, e: rusqlite::Error) -> StoreError {
    StoreError::Invalid(format!(
        "la base de données {} est illisible ou endommagée : {e}",
        path.display()
    ))
}

/// Writes a consistent copy of the database at `source` into `dest` (which must not exist),
/// reading the source only: it is never created nor migrated. Safe while the server writes.
pub fn snapshot(source: &Path, dest: &Path) -> Result<()> {
    let conn = open_existing_read_only(source)?;
    let target = dest.to_str().ok_or_else(|| {
        StoreError::Invalid(format!(
            "le chemin {} n’est pas en UTF-8 : choisissez un autre nom",
            dest.display()
        ))
    })?;
    conn.execute("VACUUM INTO ?1", [target]).map_err(|e| {
        let e = db::Error::from(e);
        if e.is_disk_full() {
            StoreError::DiskFull(format!("copie de la base vers {target}"))
        } else {
            StoreError::Sqlite(e)
        }
    })?;
    Ok(())
}

/// `PRAGMA integrity_check` of a database file opened read-only: the problems found, none
/// when the file is sound.
pub fn integrity_problems(path: &Path) -> Result<Vec<String>> {
    let conn = open_existing_read_only(path)?;
    let mut stmt = conn
        .prepare("PRAGMA integrity_check")
        .map_err(|e| damaged(path, e))?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| damaged(path, e))?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
}

/// The rows of a database file (opened read-only) that name files: what a backup must carry
/// and what a restore must find.
pub fn file_references(path: &Path) -> Result<Vec<crate::BlobReference>> {
    let conn = open_existing_read_only(path)?;
    let mut stmt = conn
        .prepare(crate::types::BLOB_REFERENCES_SQL)
        .map_err(|e| damaged(path, e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(crate::BlobReference {
                storage_key: r.get(0)?,
                kind: r.get(1)?,
                row_id: r.get(2)?,
                student_id: r.get(3)?,
                name: r.get(4)?,
                size_bytes: r.get(5)?,
            })
        })
        .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| damaged(path, e))?;
    Ok(rows)
}

/// The file of a `sqlite://PATH` URL (options after `?` dropped).
pub fn path_of_url(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| std::path::PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PRAGMA synchronous` of a reader and of the writer connection of `store`.
    async fn modes(store: &SqliteStore) -> (i64, i64) {
        let read: i64 = db::query_scalar("PRAGMA synchronous")
            .fetch_one(&store.pool)
            .await
            .expect("reader");
        let mut tx = db::begin_write(&store.pool).await.expect("writer");
        let write: i64 = db::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *tx)
            .await
            .expect("writer");
        drop(tx);
        (read, write)
    }

    #[tokio::test]
    async fn commits_are_durable_by_default_and_normal_is_an_option() {
        let dir = std::env::temp_dir().join(format!(
            "portfolio-sync-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        let url = |n: &str| format!("sqlite://{}", dir.join(n).display());
        // 2 = FULL: the WAL is synced at every commit, an acknowledged write survives a power cut.
        let store = SqliteStore::connect(&url("full.sqlite"))
            .await
            .expect("store");
        assert_eq!(modes(&store).await, (2, 2));
        set_synchronous(Synchronous::Normal);
        let normal = SqliteStore::connect(&url("normal.sqlite")).await;
        set_synchronous(Synchronous::Full);
        assert_eq!(modes(&normal.expect("store")).await, (1, 1));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_backup_snapshot_refuses_a_missing_or_empty_source_and_never_creates_it() {
        let dir = std::env::temp_dir().join(format!(
            "portfolio-snap-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        let source = dir.join("absent.sqlite");
        let dest = dir.join("copie.sqlite");
        let e = snapshot(&source, &dest).expect_err("missing");
        assert!(e.to_string().contains("n’existe pas"), "{e}");
        assert!(!source.exists() && !dest.exists());
        std::fs::write(&source, b"").expect("empty");
        let e = snapshot(&source, &dest).expect_err("empty");
        assert!(e.to_string().contains("vide"), "{e}");
        assert_eq!(std::fs::metadata(&source).expect("kept").len(), 0);
        assert!(!dest.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
