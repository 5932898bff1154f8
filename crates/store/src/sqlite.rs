//! The embedded backend: one SQLite file, WAL journal, busy timeout on every connection, writes
//! opened with `BEGIN IMMEDIATE` on the one writer connection. Queries run through [`crate::lite`]
//! on the calling thread; sqlx only runs the migrations.

use crate::lite::{self as db, Pool};
use crate::sql::sql_store;
use crate::sql_dossier::dossier_store;
use crate::sql_evaluation::evaluation_store;
use crate::sql_internship::internship_store;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

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
            .synchronous(SqliteSynchronous::Normal)
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
