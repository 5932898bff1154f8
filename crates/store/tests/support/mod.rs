//! Harness for `tests/store.rs`: every scenario runs on a fresh SQLite file, then on a fresh
//! PostgreSQL schema, and both are removed afterwards (also when the scenario fails).

use portfolio_domain::access::{
    Actor, ClassCap, CommissionCap, ExamSessionCap, SchoolCap, StudentCap,
};
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_framework::Track;
use portfolio_store::postgres::PgStore;
use portfolio_store::sqlite::SqliteStore;
use portfolio_store::{
    DynStore, Enrolment, NewClass, NewExamSession, NewSchool, NewSession, NewUser, redact_url,
};
use std::any::Any;
use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A fixed "now" (2024-01-01T00:00:00Z) so that every time in the tests is predictable.
pub const NOW: i64 = 1_704_067_200;

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL server the tests use: `PORTFOLIO_TEST_POSTGRES_URL`, or the local one.
pub fn postgres_url() -> String {
    std::env::var("PORTFOLIO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_string())
}

/// `<pid>_<counter>_<random>`: unique across the tests of one run and across parallel runs.
pub fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.write_u64(n);
    format!(
        "{}_{}_{:08x}",
        std::process::id(),
        n,
        hasher.finish() as u32
    )
}

/// A directory under the system temporary directory, removed on drop (even after a panic).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!("portfolio-store-test-{}", unique_suffix()));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn sqlite_store(path: &Path) -> SqliteStore {
    let url = format!("sqlite://{}", path.display());
    SqliteStore::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot open the SQLite store {url}: {e}"))
}

/// A store in a brand-new schema of the test server. Fails loudly when the server is not there:
/// these tests never skip PostgreSQL silently.
pub async fn postgres_store(schema: &str) -> PgStore {
    let url = postgres_url();
    let connected = tokio::time::timeout(
        Duration::from_secs(20),
        PgStore::connect(&url, Some(schema)),
    )
    .await;
    let error = match connected {
        Ok(Ok(store)) => return store,
        Ok(Err(e)) => e.to_string(),
        Err(_) => "no answer within 20 s".to_string(),
    };
    panic!(
        "\n\nPostgreSQL is unreachable at {} ({error}).\n\
         The store tests run every scenario on PostgreSQL too and never skip it. Start the local \
         server with:\n\n    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\n\
         (trust authentication, database `test`, user `postgres`), or point \
         PORTFOLIO_TEST_POSTGRES_URL at another server.\n",
        redact_url(&url)
    );
}

/// Runs `scenario` on the spawned task and closes the store, returning the panic, if any.
async fn run_on<Fut>(
    backend: &str,
    store: DynStore,
    scenario: Fut,
) -> Option<Box<dyn Any + Send + 'static>>
where
    Fut: Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(scenario).await;
    store.close().await;
    match outcome {
        Ok(()) => None,
        Err(e) if e.is_panic() => {
            eprintln!("--- the scenario failed on {backend} (see the panic above) ---");
            Some(e.into_panic())
        }
        Err(e) => panic!("the scenario on {backend} did not finish: {e}"),
    }
}

/// Runs the same scenario on SQLite, then on PostgreSQL, each time on an empty database, and
/// cleans both up before reporting a failure.
pub async fn both<F, Fut>(scenario: F)
where
    F: Fn(DynStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut failures = Vec::new();

    {
        let dir = TempDir::new();
        let store: DynStore = Arc::new(sqlite_store(&dir.path().join("portfolio.db")).await);
        assert_eq!(store.backend(), "sqlite");
        if let Some(panic) = run_on("sqlite", store.clone(), scenario(store)).await {
            failures.push(("sqlite", panic));
        }
    }

    {
        let url = postgres_url();
        let schema = format!("t_{}", unique_suffix());
        let store: DynStore = Arc::new(postgres_store(&schema).await);
        assert_eq!(store.backend(), "postgres");
        let panic = run_on("postgres", store.clone(), scenario(store)).await;
        if let Err(e) = PgStore::drop_schema(&url, &schema).await {
            eprintln!("warning: could not drop the test schema {schema}: {e}");
        }
        if let Some(panic) = panic {
            failures.push(("postgres", panic));
        }
    }

    if !failures.is_empty() {
        let names: Vec<&str> = failures.iter().map(|(b, _)| *b).collect();
        eprintln!("failed on: {}", names.join(", "));
        std::panic::resume_unwind(failures.remove(0).1);
    }
}

// ---- Fixtures -----------------------------------------------------------------------------

pub fn new_user(email: &str, first_name: &str, last_name: &str) -> NewUser {
    NewUser {
        email: email.to_string(),
        first_name: first_name.to_string(),
        last_name: last_name.to_string(),
        password_hash: Some(format!("$argon2id$fake${email}")),
        created_at: NOW,
    }
}

pub async fn user(store: &DynStore, email: &str, first_name: &str, last_name: &str) -> i64 {
    store
        .create_user(&new_user(email, first_name, last_name))
        .await
        .unwrap_or_else(|e| panic!("create_user({email}): {e}"))
}

pub async fn school(store: &DynStore, name: &str, uai: Option<&str>) -> i64 {
    store
        .create_school(
            &NewSchool {
                name: name.to_string(),
                city: "Lyon".to_string(),
                uai: uai.map(str::to_string),
            },
            NOW,
        )
        .await
        .unwrap_or_else(|e| panic!("create_school({name}): {e}"))
}

pub fn new_class(school_id: i64, name: &str, track: Track, session_year: i64) -> NewClass {
    NewClass {
        school_id,
        name: name.to_string(),
        track,
        year_of_training: 2,
        session_year,
    }
}

pub async fn class(store: &DynStore, school_id: i64, name: &str, track: Track) -> i64 {
    store
        .create_class(&new_class(school_id, name, track, 2025), NOW)
        .await
        .unwrap_or_else(|e| panic!("create_class({name}): {e}"))
}

pub async fn enroll(store: &DynStore, user_id: i64, class_id: i64, candidate: Option<&str>) {
    store
        .enroll_student(
            user_id,
            &Enrolment {
                class_id,
                route: Route::School,
                candidate_number: candidate.map(str::to_string),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("enroll_student({user_id}, {class_id}): {e}"));
}

/// A user enrolled in `class_id`.
pub async fn student(store: &DynStore, class_id: i64, email: &str, first: &str, last: &str) -> i64 {
    let id = user(store, email, first, last).await;
    enroll(store, id, class_id, None).await;
    id
}

pub async fn exam_session(store: &DynStore, year: i64, academy: &str) -> i64 {
    store
        .create_exam_session(
            &NewExamSession {
                year,
                academy: academy.to_string(),
                label: format!("Session {year} — {academy}"),
            },
            NOW,
        )
        .await
        .unwrap_or_else(|e| panic!("create_exam_session({year}, {academy}): {e}"))
}

pub fn new_session(id_hash: &str, user_id: i64, now: i64) -> NewSession {
    NewSession {
        id_hash: id_hash.to_string(),
        user_id,
        csrf_token: format!("csrf-{id_hash}"),
        now,
    }
}

pub fn grant(role: Role, scope_id: Option<i64>) -> Grant {
    Grant::new(role, scope_id).expect("valid grant")
}

pub fn admin() -> Actor {
    Actor::new(1, vec![grant(Role::Admin, None)])
}

pub fn school_cap(school_id: i64) -> SchoolCap {
    admin()
        .school(school_id)
        .expect("an admin reads every school")
}

pub async fn class_cap(store: &DynStore, class_id: i64) -> ClassCap {
    let facts = store
        .class_facts(class_id)
        .await
        .expect("class_facts")
        .expect("the class exists");
    admin().class(&facts).expect("an admin reads every class")
}

pub async fn student_cap(store: &DynStore, student_id: i64) -> StudentCap {
    let facts = store
        .student_facts(student_id)
        .await
        .expect("student_facts")
        .expect("the student exists");
    Actor::new(-1, vec![grant(Role::Teacher, Some(facts.class_id))])
        .student(&facts)
        .expect("a teacher of the class reads the dossier")
}

pub fn exam_session_cap(exam_session_id: i64) -> ExamSessionCap {
    admin()
        .exam_session(exam_session_id)
        .expect("an admin reads every exam session")
}

pub async fn commission_cap(store: &DynStore, commission_id: i64) -> CommissionCap {
    let facts = store
        .commission_facts(commission_id)
        .await
        .expect("commission_facts")
        .expect("the commission exists");
    Actor::new(
        -1,
        vec![grant(Role::JuryPresident, Some(facts.exam_session_id))],
    )
    .commission(&facts)
    .expect("the jury president of the session reads its commissions")
}
