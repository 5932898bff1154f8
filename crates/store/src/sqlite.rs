//! The embedded backend: one SQLite file, WAL journal, busy timeout on every pooled connection,
//! writes opened with `BEGIN IMMEDIATE`.

use crate::sql::sql_store;
use crate::sql_dossier::dossier_store;
use crate::sql_evaluation::evaluation_store;
use crate::sql_internship::internship_store;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
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
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

sql_store!(SqliteStore, sqlx::sqlite::SqliteRow, "BEGIN IMMEDIATE");
dossier_store!(SqliteStore, sqlx::sqlite::SqliteRow);
internship_store!(SqliteStore, sqlx::sqlite::SqliteRow);
evaluation_store!(SqliteStore, sqlx::sqlite::SqliteRow);

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
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
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn counts(&self) -> Result<Counts> {
        self.count_rows().await
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
