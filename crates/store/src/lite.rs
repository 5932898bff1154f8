//! SQLite through rusqlite, on the thread of the task that asks.
//!
//! sqlx runs every SQLite connection on a thread of its own and hands each query, and each row,
//! across a channel: on a page of ten short queries the thread wake-ups cost more than the
//! queries (issue 6: 40 % of the server's time was in the scheduler). Here a read runs where it
//! is asked for, on a connection taken from a small pool — an indexed lookup takes microseconds,
//! less than any hand-off — and a write transaction holds the one writer connection behind a
//! tokio mutex, so that waiting writers park their task, not a thread, and never meet
//! `SQLITE_BUSY` inside the process.
//!
//! The API mirrors the part of sqlx that the store uses (`query`, `query_scalar`, `bind`,
//! `fetch_*`, `execute`, `try_get`, transactions), so that the SQL of `sql*.rs` compiles against
//! either backend; `postgres.rs` maps the same names onto sqlx.

use rusqlite::types::{FromSql, FromSqlError, Value, ValueRef};
use rusqlite::{CachedStatement, Connection, OpenFlags};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

/// How long a write waits for the database held by another process (the command line), and for
/// the writer connection held by another task.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Readers kept open between requests; more are opened when more threads read at once.
const IDLE_READERS: usize = 8;
/// Prepared statements kept per connection: the store has about 200 distinct ones.
const STATEMENT_CACHE: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("la colonne « {0} » manque au résultat de la requête")]
    NoColumn(String),
    #[error("colonne « {column} » : {source}")]
    Decode {
        column: String,
        source: FromSqlError,
    },
    #[error("la requête n’a rendu aucune ligne")]
    RowNotFound,
    #[error("la requête attend le paramètre ${0}, qui n’a pas été fourni")]
    MissingArgument(usize),
    #[error(
        "la base de données est occupée par une autre écriture depuis plus de {} s : réessayez",
        BUSY_TIMEOUT.as_secs()
    )]
    Busy,
}

impl Error {
    /// `SQLITE_FULL`: the disk (or the database's size limit) is full.
    pub(crate) fn is_disk_full(&self) -> bool {
        matches!(self, Error::Sqlite(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DiskFull)
    }

    /// The constraint a failed write broke, if that is why it failed.
    pub(crate) fn violation(&self) -> Option<crate::sql::Violation> {
        use crate::sql::Violation;
        let Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) = self else {
            return None;
        };
        match e.extended_code {
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Some(Violation::Unique),
            rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(Violation::ForeignKey),
            rusqlite::ffi::SQLITE_CONSTRAINT_CHECK => Some(Violation::Check),
            _ => None,
        }
    }
}

type Result<T, E = Error> = std::result::Result<T, E>;

/// The connections to one database file: readers on demand, one writer.
pub struct Pool {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    writer: Arc<tokio::sync::Mutex<Connection>>,
}

fn open(path: &Path) -> Result<Connection> {
    // NO_MUTEX: a connection is used by one thread at a time, the pool sees to it.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The journal mode (WAL) is a property of the file, set once by the migrating connection;
    // these two belong to each connection.
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", crate::sqlite::synchronous().pragma())?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl Pool {
    /// Opens the database file, which must exist (the migrations made it).
    pub fn open(path: &Path) -> Result<Pool> {
        let writer = open(path)?;
        let reader = open(path)?;
        Ok(Pool {
            path: path.to_path_buf(),
            readers: Mutex::new(vec![reader]),
            writer: Arc::new(tokio::sync::Mutex::new(writer)),
        })
    }

    fn reader(&self) -> Result<Connection> {
        let idle = self
            .readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        match idle {
            Some(c) => Ok(c),
            None => open(&self.path),
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self
            .readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }

    async fn writer(&self) -> Result<OwnedMutexGuard<Connection>> {
        tokio::time::timeout(BUSY_TIMEOUT, self.writer.clone().lock_owned())
            .await
            .map_err(|_| Error::Busy)
    }

    /// Closes the idle readers; the writer closes with the pool.
    pub fn close(&self) {
        self.readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

/// A write transaction (`BEGIN IMMEDIATE`) on the writer connection: rolled back when dropped
/// without [`Tx::commit`].
pub struct Tx {
    conn: Option<OwnedMutexGuard<Connection>>,
}

pub async fn begin_write(pool: &Pool) -> Result<Tx> {
    let conn = pool.writer().await?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    Ok(Tx { conn: Some(conn) })
}

impl Tx {
    pub async fn commit(mut self) -> Result<()> {
        if let Some(conn) = self.conn.take()
            && let Err(e) = conn.execute_batch("COMMIT")
        {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e.into());
        }
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // Fails only when no transaction is open any more, which is what we want.
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // `conn` is only taken by `commit` and `drop`, which consume the transaction.
        self.conn.as_deref().expect("transaction already finished")
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
            .as_deref_mut()
            .expect("transaction already finished")
    }
}

/// Where a query runs: the pool (a reader, or the writer for a statement that writes) or the
/// connection of a transaction.
pub enum Exec<'a> {
    Pool(&'a Pool),
    Conn(&'a mut Connection),
}

pub trait IntoExec<'a> {
    fn into_exec(self) -> Exec<'a>;
}

impl<'a> IntoExec<'a> for &'a Pool {
    fn into_exec(self) -> Exec<'a> {
        Exec::Pool(self)
    }
}

impl<'a> IntoExec<'a> for &'a mut Connection {
    fn into_exec(self) -> Exec<'a> {
        Exec::Conn(self)
    }
}

/// Binds the arguments by the number of their placeholder (`$2` takes the second), as sqlx
/// does, so that a placeholder may appear twice or out of order.
fn bind(stmt: &mut CachedStatement<'_>, args: &[Value]) -> Result<()> {
    for i in 1..=stmt.parameter_count() {
        let n = match stmt.parameter_name(i) {
            Some(name) => name
                .get(1..)
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(i),
            None => i,
        };
        let value = args
            .get(n.wrapping_sub(1))
            .ok_or(Error::MissingArgument(n))?;
        stmt.raw_bind_parameter(i, value)?;
    }
    Ok(())
}

/// What runs on a prepared, bound statement: read its rows, or step it to the end.
type Step<R> = fn(&mut CachedStatement<'_>) -> Result<R>;

fn run_on<R>(conn: &Connection, sql: &str, args: &[Value], step: Step<R>) -> Result<R> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, args)?;
    step(&mut stmt)
}

/// Runs `step` where `exec` says, with the number of rows the statement changed (0 for a read).
async fn run<R>(exec: Exec<'_>, sql: &str, args: &[Value], step: Step<R>) -> Result<(R, u64)> {
    match exec {
        Exec::Conn(conn) => {
            let r = run_on(conn, sql, args, step)?;
            Ok((r, conn.changes()))
        }
        Exec::Pool(pool) => {
            // A read runs here on a reader; a statement that writes goes to the writer, so that
            // it waits its turn in the process rather than in SQLite's busy loop.
            let done = {
                let conn = pool.reader()?;
                let outcome = match conn.prepare_cached(sql) {
                    Ok(stmt) if stmt.readonly() => {
                        drop(stmt);
                        Some(run_on(&conn, sql, args, step))
                    }
                    Ok(_) => None,
                    Err(e) => Some(Err(e.into())),
                };
                pool.give_back(conn);
                outcome
            };
            match done {
                Some(r) => Ok((r?, 0)),
                None => {
                    let conn = pool.writer().await?;
                    let r = run_on(&conn, sql, args, step)?;
                    Ok((r, conn.changes()))
                }
            }
        }
    }
}

/// A result row, its values copied out of SQLite.
#[derive(Debug)]
pub struct LiteRow {
    columns: Arc<[Box<str>]>,
    values: Vec<Value>,
}

pub trait Row {
    fn try_get<'r, T: Decode<'r>>(&'r self, column: &str) -> Result<T>;
}

impl Row for LiteRow {
    fn try_get<'r, T: Decode<'r>>(&'r self, column: &str) -> Result<T> {
        let i = self
            .columns
            .iter()
            .position(|c| &**c == column)
            .ok_or_else(|| Error::NoColumn(column.to_string()))?;
        T::decode(&self.values[i]).map_err(|source| Error::Decode {
            column: column.to_string(),
            source,
        })
    }
}

/// A type a column decodes into; `&str` borrows from the row, as with sqlx.
pub trait Decode<'r>: Sized {
    fn decode(value: &'r Value) -> Result<Self, FromSqlError>;
}

impl<'r> Decode<'r> for &'r str {
    fn decode(value: &'r Value) -> Result<Self, FromSqlError> {
        match value {
            Value::Text(s) => Ok(s),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl<'r> Decode<'r> for Option<&'r str> {
    fn decode(value: &'r Value) -> Result<Self, FromSqlError> {
        match value {
            Value::Null => Ok(None),
            v => <&str>::decode(v).map(Some),
        }
    }
}

macro_rules! decode_owned {
    ($($t:ty),*) => {$(
        impl<'r> Decode<'r> for $t {
            fn decode(value: &'r Value) -> Result<Self, FromSqlError> {
                <$t>::column_result(ValueRef::from(value))
            }
        }
        impl<'r> Decode<'r> for Option<$t> {
            fn decode(value: &'r Value) -> Result<Self, FromSqlError> {
                <Option<$t>>::column_result(ValueRef::from(value))
            }
        }
    )*};
}

decode_owned!(i64, i32, i16, u32, u16, u8, bool, f64, String, Vec<u8>);

fn rows(stmt: &mut CachedStatement<'_>, limit: usize) -> Result<Vec<LiteRow>> {
    let columns: Arc<[Box<str>]> = stmt.column_names().into_iter().map(Box::from).collect();
    let n = columns.len();
    let mut out = Vec::new();
    let mut rows = stmt.raw_query();
    while out.len() < limit {
        let Some(row) = rows.next()? else { break };
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            values.push(Value::from(row.get_ref(i)?));
        }
        out.push(LiteRow {
            columns: columns.clone(),
            values,
        });
    }
    Ok(out)
}

fn all_rows(stmt: &mut CachedStatement<'_>) -> Result<Vec<LiteRow>> {
    rows(stmt, usize::MAX)
}

fn first_row(stmt: &mut CachedStatement<'_>) -> Result<Vec<LiteRow>> {
    rows(stmt, 1)
}

fn drain(stmt: &mut CachedStatement<'_>) -> Result<()> {
    let mut rows = stmt.raw_query();
    while rows.next()?.is_some() {}
    Ok(())
}

/// The outcome of [`Query::execute`].
#[derive(Debug, Clone, Copy)]
pub struct Done {
    rows_affected: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// A statement and its arguments, as `sqlx::query` builds them.
pub struct Query<'q> {
    sql: &'q str,
    args: Vec<Value>,
}

pub fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

impl<'q> Query<'q> {
    pub fn bind<T: Bind>(mut self, value: T) -> Self {
        self.args.push(value.into_value());
        self
    }

    pub async fn execute<'e>(self, exec: impl IntoExec<'e>) -> Result<Done> {
        let ((), changes) = run(exec.into_exec(), self.sql, &self.args, drain).await?;
        Ok(Done {
            rows_affected: changes,
        })
    }

    pub async fn fetch_all<'e>(self, exec: impl IntoExec<'e>) -> Result<Vec<LiteRow>> {
        Ok(run(exec.into_exec(), self.sql, &self.args, all_rows)
            .await?
            .0)
    }

    pub async fn fetch_optional<'e>(self, exec: impl IntoExec<'e>) -> Result<Option<LiteRow>> {
        let rows = run(exec.into_exec(), self.sql, &self.args, first_row)
            .await?
            .0;
        Ok(rows.into_iter().next())
    }

    pub async fn fetch_one<'e>(self, exec: impl IntoExec<'e>) -> Result<LiteRow> {
        self.fetch_optional(exec).await?.ok_or(Error::RowNotFound)
    }
}

/// A statement whose rows are one value each, as `sqlx::query_scalar` builds them.
pub struct QueryScalar<'q, O> {
    query: Query<'q>,
    out: PhantomData<fn() -> O>,
}

pub fn query_scalar<O: for<'r> Decode<'r>>(sql: &str) -> QueryScalar<'_, O> {
    QueryScalar {
        query: query(sql),
        out: PhantomData,
    }
}

fn first_value<O: for<'r> Decode<'r>>(row: &LiteRow) -> Result<O> {
    let value = row
        .values
        .first()
        .ok_or_else(|| Error::NoColumn("1".into()))?;
    O::decode(value).map_err(|source| Error::Decode {
        column: row
            .columns
            .first()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        source,
    })
}

impl<'q, O: for<'r> Decode<'r>> QueryScalar<'q, O> {
    pub fn bind<T: Bind>(mut self, value: T) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub async fn fetch_all<'e>(self, exec: impl IntoExec<'e>) -> Result<Vec<O>> {
        let rows = self.query.fetch_all(exec).await?;
        rows.iter().map(first_value).collect()
    }

    pub async fn fetch_optional<'e>(self, exec: impl IntoExec<'e>) -> Result<Option<O>> {
        match self.query.fetch_optional(exec).await? {
            Some(row) => first_value(&row).map(Some),
            None => Ok(None),
        }
    }

    pub async fn fetch_one<'e>(self, exec: impl IntoExec<'e>) -> Result<O> {
        self.fetch_optional(exec).await?.ok_or(Error::RowNotFound)
    }
}

/// A value that can be bound to a placeholder.
pub trait Bind {
    fn into_value(self) -> Value;
}

macro_rules! bind_integer {
    ($($t:ty),*) => {$(
        impl Bind for $t {
            fn into_value(self) -> Value {
                Value::Integer(i64::from(self))
            }
        }
        impl Bind for &$t {
            fn into_value(self) -> Value {
                Value::Integer(i64::from(*self))
            }
        }
    )*};
}

bind_integer!(i64, i32, i16, i8, u32, u16, u8, bool);

impl Bind for f64 {
    fn into_value(self) -> Value {
        Value::Real(self)
    }
}

impl Bind for String {
    fn into_value(self) -> Value {
        Value::Text(self)
    }
}

impl Bind for &String {
    fn into_value(self) -> Value {
        Value::Text(self.clone())
    }
}

impl Bind for &str {
    fn into_value(self) -> Value {
        Value::Text(self.to_owned())
    }
}

impl Bind for &&str {
    fn into_value(self) -> Value {
        Value::Text((*self).to_owned())
    }
}

impl Bind for Vec<u8> {
    fn into_value(self) -> Value {
        Value::Blob(self)
    }
}

impl Bind for &[u8] {
    fn into_value(self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl Bind for &Vec<u8> {
    fn into_value(self) -> Value {
        Value::Blob(self.clone())
    }
}

impl<T: Bind> Bind for Option<T> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, Bind::into_value)
    }
}

impl<'a, T> Bind for &'a Option<T>
where
    &'a T: Bind,
{
    fn into_value(self) -> Value {
        self.as_ref().map_or(Value::Null, Bind::into_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database file in a directory of its own, removed with it.
    struct TempDb(PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn temp_db(name: &str) -> (TempDb, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "portfolio-lite-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("t.sqlite");
        let c = Connection::open(&path).expect("create");
        c.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER);",
        )
        .expect("schema");
        (TempDb(dir), path)
    }

    #[tokio::test]
    async fn placeholders_bind_by_their_number_even_repeated_or_out_of_order() {
        let (_dir, path) = temp_db("bind");
        let pool = Pool::open(&path).expect("pool");
        query("INSERT INTO t (a, b) VALUES ($2, $1)")
            .bind(7_i64)
            .bind("sept")
            .execute(&pool)
            .await
            .expect("insert");
        let row = query("SELECT a, b, $1 AS x, $1 || a AS y FROM t WHERE b = $2")
            .bind("n°")
            .bind(7_i64)
            .fetch_one(&pool)
            .await
            .expect("row");
        let (a, b): (&str, i64) = (row.try_get("a").expect("a"), row.try_get("b").expect("b"));
        assert_eq!((a, b), ("sept", 7));
        let y: String = row.try_get("y").expect("y");
        assert_eq!(y, "n°sept");
        assert!(matches!(row.try_get::<i64>("a"), Err(Error::Decode { .. })));
        assert!(matches!(
            row.try_get::<i64>("nope"),
            Err(Error::NoColumn(_))
        ));
        let missing = query("SELECT $3").bind(1_i64).fetch_one(&pool).await;
        assert!(
            matches!(missing, Err(Error::MissingArgument(3))),
            "{missing:?}"
        );
    }

    #[tokio::test]
    async fn a_transaction_dropped_without_commit_leaves_nothing_and_frees_the_writer() {
        let (_dir, path) = temp_db("tx");
        let pool = Pool::open(&path).expect("pool");
        {
            let mut tx = begin_write(&pool).await.expect("begin");
            query("INSERT INTO t (a, b) VALUES ('x', 1)")
                .execute(&mut *tx)
                .await
                .expect("insert");
            // Inside the transaction the row is there; readers do not see it yet.
            let n: i64 = query_scalar("SELECT COUNT(*) FROM t")
                .fetch_one(&mut *tx)
                .await
                .expect("count");
            assert_eq!(n, 1);
            let n: i64 = query_scalar("SELECT COUNT(*) FROM t")
                .fetch_one(&pool)
                .await
                .expect("count");
            assert_eq!(n, 0);
        }
        // Dropped: rolled back, and the writer is free for the next one.
        let mut tx = begin_write(&pool).await.expect("begin again");
        query("INSERT INTO t (a, b) VALUES ('y', 2)")
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        let all: Vec<String> = query_scalar("SELECT a FROM t ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("all");
        assert_eq!(all, ["y"]);
        // A write outside a transaction goes to the writer and counts its rows.
        let done = query("UPDATE t SET b = b + 1")
            .execute(&pool)
            .await
            .expect("update");
        assert_eq!(done.rows_affected(), 1);
    }
}
