//! The scaled backend: PostgreSQL, selected by a `postgres://` database URL.

use crate::sql::sql_store;
use crate::sql_dossier::dossier_store;
use crate::sql_evaluation::evaluation_store;
use crate::sql_internship::internship_store;
use crate::sql_reclamation::reclamation_store;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Connections to PostgreSQL: twice this machine's cores, from 4 to 32. More connections than
/// the database has cores to run them only queue inside it: on 2 cores, 4 connections served
/// the dossier page 1.7 times faster than 16, and 32 made its p99 latency four times worse
/// (issue 6). A database on a machine of its own may want more (`--database-pool`).
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores * 2).unwrap_or(32).clamp(4, 32)
}

pub struct PgStore {
    pool: PgPool,
    snapshots: crate::cache::Immutable<crate::DossierSnapshot>,
}

impl PgStore {
    /// Connects and migrates, with the default pool ([`default_pool_size`]). With `schema`,
    /// everything lives in that schema (created if missing): the tests give each run its own.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<PgStore, StoreError> {
        PgStore::connect_with_pool(url, schema, default_pool_size()).await
    }

    /// Connects with at most `pool_size` connections.
    pub async fn connect_with_pool(
        url: &str,
        schema: Option<&str>,
        pool_size: u32,
    ) -> Result<PgStore, StoreError> {
        let mut options = PgConnectOptions::from_str(url)?;
        // One direct connection first: a refused connection or an unknown database is reported
        // at once with its cause, rather than as a pool timeout.
        let mut conn = options.connect().await?;
        if let Some(schema) = schema {
            if !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(StoreError::Invalid(format!(
                    "nom de schéma invalide « {schema} » : lettres, chiffres et _ seulement"
                )));
            }
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .execute(&mut conn)
                .await?;
            options = options.options([("search_path", schema)]);
        }
        drop(conn);
        let pool = PgPoolOptions::new()
            .max_connections(pool_size.max(1))
            // sqlx pings every connection it hands out by default: a second round trip for
            // each query. A connection that broke fails its query instead, and the pool
            // replaces it.
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(PgStore {
            pool,
            snapshots: crate::cache::Immutable::new(crate::SNAPSHOTS_KEPT),
        })
    }

    /// Drops a schema made by [`PgStore::connect`] for a test run.
    pub async fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        if !schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(StoreError::Invalid(format!(
                "nom de schéma invalide « {schema} »"
            )));
        }
        let mut conn = PgConnectOptions::from_str(url)?.connect().await?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(&mut conn)
            .await?;
        Ok(())
    }
}

/// The names the shared SQL of `sql*.rs` calls, here sqlx's own (`lite.rs` gives SQLite's).
mod db {
    pub use sqlx::{Row, query, query_scalar};
    pub type Tx = sqlx::Transaction<'static, sqlx::Postgres>;
    pub async fn begin_write(pool: &sqlx::PgPool) -> Result<Tx, sqlx::Error> {
        pool.begin().await
    }
}

sql_store!(PgStore, sqlx::postgres::PgRow);
dossier_store!(PgStore, sqlx::postgres::PgRow);
internship_store!(PgStore, sqlx::postgres::PgRow);
evaluation_store!(PgStore, sqlx::postgres::PgRow);
reclamation_store!(PgStore, sqlx::postgres::PgRow);

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn backup(&self, _output: &Path) -> Result<()> {
        Err(StoreError::Unsupported(
            "la sauvegarde intégrée ne concerne que SQLite ; avec PostgreSQL, utilisez pg_dump, par exemple : pg_dump --format=custom --file=portfolio.dump \"$PORTFOLIO_DATABASE_URL\"".into(),
        ))
    }

    async fn counts(&self) -> Result<Counts> {
        self.count_rows().await
    }

    async fn analyze(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
