//! `portfolio-sio generate` end to end: what it prints is what the store holds, the seed decides
//! everything, a database that is not empty is refused.

use portfolio_domain::access::{Actor, ClassFacts};
use portfolio_domain::role::{Grant, Role};
use portfolio_store::DynStore;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const EXE: &str = env!("CARGO_BIN_EXE_portfolio-sio");
const PASSWORD: &str = "banc-national-sio-2027";

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "portfolio-sio-generate-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn str(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
    fn url(&self) -> String {
        format!("sqlite://{}/portfolio.sqlite", self.str())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn spawn(args: &[&str]) -> Child {
    Command::new(EXE)
        .args(args)
        .env_remove("PORTFOLIO_DATABASE_URL")
        .env_remove("PORTFOLIO_DATA_DIR")
        .env_remove("PORTFOLIO_FILES_DIR")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run portfolio-sio")
}

fn run(args: &[&str]) -> Output {
    spawn(args).wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What `generate` printed: the counts by label, and the accounts (what, e-mail).
#[derive(Debug, PartialEq, Eq)]
struct Summary {
    counts: BTreeMap<String, u64>,
    accounts: Vec<(String, String)>,
}

fn summary(o: &Output) -> Summary {
    let out = stdout(o);
    assert!(o.status.success(), "generate failed: {}{out}", stderr(o));
    let mut counts = BTreeMap::new();
    let mut accounts = Vec::new();
    let mut in_accounts = false;
    for line in out.lines() {
        if line.starts_with("Comptes (mot de passe commun : ") {
            assert!(line.contains(PASSWORD), "{line}");
            in_accounts = true;
            continue;
        }
        let Some(rest) = line.strip_prefix("  ") else {
            continue;
        };
        let (label, value) = rest.trim().rsplit_once(' ').expect("label and value");
        if in_accounts {
            accounts.push((label.trim().to_string(), value.to_string()));
        } else {
            counts.insert(label.trim().to_string(), value.parse().expect("a count"));
        }
    }
    assert!(counts.len() >= 15, "{out}");
    assert!(accounts.len() >= 4, "{out}");
    Summary { counts, accounts }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

fn grant(role: Role, scope: i64) -> Grant {
    Grant::new(role, Some(scope)).expect("grant")
}

/// Counts what the store holds, read through its capabilities, under the summary's labels.
async fn counted(store: &DynStore) -> BTreeMap<String, u64> {
    let mut n: BTreeMap<String, u64> = BTreeMap::new();
    let mut set = |k: &str, v: usize| {
        *n.entry(k.to_string()).or_insert(0) += v as u64;
    };
    let counts = store.counts().await.expect("counts");
    set("établissements", counts.schools as usize);
    set("classes", counts.classes as usize);
    set("candidats", counts.students as usize);
    set("comptes", counts.users as usize);

    let sessions = store.exam_sessions().await.expect("sessions");
    set("sessions d’examen", sessions.len());
    let mut places = 0;
    for s in &sessions {
        let admin = Actor::new(0, vec![Grant::new(Role::Admin, None).expect("admin")]);
        let cap = admin.exam_session(s.id).expect("session cap");
        let commissions = store
            .commissions_of_session(&cap)
            .await
            .expect("commissions");
        for c in &commissions {
            assert_eq!(c.members.len(), 2, "{}", c.name);
            assert!(
                (1..=20).contains(&c.candidate_count),
                "{}: {}",
                c.name,
                c.candidate_count
            );
            places += c.candidate_count as usize;
        }
        set("commissions", commissions.len());
        let registrations = store.registrations(&cap).await.expect("registrations");
        assert!(registrations.iter().all(|r| r.student_id.is_some()));
        set("inscriptions", registrations.len());
        let jury = Actor::new(0, vec![grant(Role::JuryPresident, s.id)]);
        let marks = jury.session_marks(s.id).expect("marks cap");
        let evaluations = store.session_evaluations(&marks).await.expect("grids");
        set("grilles", evaluations.len());
        set(
            "grilles signées",
            evaluations
                .iter()
                .filter(|e| e.evaluation.visa1.is_some() && e.evaluation.visa2.is_some())
                .count(),
        );
    }
    // Every candidate sits before one Bloc 1 and one Bloc 2 commission.
    assert_eq!(places as i64, 2 * counts.students);

    for class in store.all_classes().await.expect("classes") {
        let facts = ClassFacts {
            class_id: class.id,
            school_id: class.school_id,
        };
        let head = Actor::new(0, vec![grant(Role::HeadOfSchool, class.school_id)]);
        let roster = store
            .class_roster(&head.class(&facts).expect("class cap"))
            .await
            .expect("roster");
        for st in roster {
            let facts = store
                .student_facts(st.id)
                .await
                .expect("facts")
                .expect("student");
            let cap = head.student(&facts).expect("student cap");
            let realisations = store.realisations(&cap).await.expect("réalisations");
            set("réalisations", realisations.len());
            set(
                "productions",
                realisations.iter().map(|r| r.artifacts.len()).sum(),
            );
            set(
                "stages",
                store.internships(&cap).await.expect("internships").len(),
            );
            set(
                "dossiers remis",
                usize::from(
                    store
                        .current_submission(&cap)
                        .await
                        .expect("hand-in")
                        .is_some(),
                ),
            );
        }
    }
    n
}

fn files_in(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() { files_in(&p) } else { 1 }
        })
        .sum()
}

fn candidate_names(url: &str) -> Vec<(String, String, String)> {
    rt().block_on(async {
        let store = portfolio_store::connect(url).await.expect("open");
        let users = store.search_users("", 100_000).await.expect("users");
        store.close().await;
        users
            .into_iter()
            .map(|u| (u.first_name, u.last_name, u.email))
            .collect()
    })
}

#[test]
fn generate_prints_what_the_store_holds_and_the_seed_decides_everything() {
    let (a, b, c) = (TempDir::new("a"), TempDir::new("b"), TempDir::new("c"));
    // The three runs side by side: the test stays short.
    let runs: Vec<Child> = [(&a, "7"), (&b, "7"), (&c, "8")]
        .iter()
        .map(|(dir, seed)| {
            spawn(&[
                "--data-dir",
                dir.str(),
                "generate",
                "--candidates",
                "120",
                "--seed",
                seed,
            ])
        })
        .collect();
    let outputs: Vec<Output> = runs
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    let (sa, sb, sc) = (
        summary(&outputs[0]),
        summary(&outputs[1]),
        summary(&outputs[2]),
    );
    assert!(stdout(&outputs[0]).starts_with("Génération terminée en "));
    assert_eq!(sa.counts["candidats"], 120);
    assert!((2..=6).contains(&sa.counts["établissements"]));
    assert_eq!(sa.counts["classes"], 2 * sa.counts["établissements"]);

    // What was printed is what the store holds.
    let store_counts = rt().block_on(async {
        let store = portfolio_store::connect(&a.url()).await.expect("open");
        let n = counted(&store).await;

        // The accounts printed log in with the printed password and hold their roles.
        let roles = |email: String| {
            let store = store.clone();
            async move {
                let u = store
                    .user_by_email(&email)
                    .await
                    .expect("user")
                    .unwrap_or_else(|| panic!("no account {email}"));
                let grants = store.grants_of(u.id).await.expect("grants");
                (u, grants.iter().map(|g| g.role).collect::<Vec<Role>>())
            }
        };
        for (what, email) in &sa.accounts {
            let (user, held) = roles(email.clone()).await;
            let expected = match what.as_str() {
                w if w.starts_with("Enseignant") => Role::Teacher,
                w if w.starts_with("Étudiant") => Role::Student,
                w if w.starts_with("Membre") => Role::CommissionMember,
                w if w.starts_with("Président") => Role::JuryPresident,
                w if w.starts_with("Chef") => Role::HeadOfSchool,
                _ => Role::Admin,
            };
            assert!(held.contains(&expected), "{what} {email}: {held:?}");
            if expected == Role::Student {
                assert!(
                    portfolio_web::password::verify(PASSWORD.into(), user.password_hash)
                        .await
                        .expect("verify"),
                    "the printed password opens the accounts"
                );
            }
        }
        store.close().await;
        n
    });
    for (label, n) in &store_counts {
        assert_eq!(
            sa.counts.get(label),
            Some(n),
            "« {label} » : printed {:?}, stored {n}",
            sa.counts.get(label)
        );
    }
    assert!(sa.counts["réalisations"] >= 8 * 120 && sa.counts["réalisations"] <= 15 * 120);
    assert!(
        sa.counts["grilles signées"] > 0 && sa.counts["grilles signées"] <= sa.counts["grilles"]
    );
    assert_eq!(
        files_in(&a.path().join("files")),
        sa.counts["fichiers réels"]
    );

    // The same seed: the same data set; another seed: another one.
    assert_eq!(sa, sb);
    assert_ne!(sa, sc);
    let (na, nb, nc) = (
        candidate_names(&a.url()),
        candidate_names(&b.url()),
        candidate_names(&c.url()),
    );
    assert!(na.len() > 120);
    assert_eq!(na, nb);
    assert_ne!(na, nc);
}

#[test]
fn generate_refuses_a_database_that_is_not_empty() {
    let tmp = TempDir::new("full");
    let o = run(&[
        "--data-dir",
        tmp.str(),
        "school",
        "add",
        "--name",
        "Lycée Victor Hugo",
        "--city",
        "Caen",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["--data-dir", tmp.str(), "generate", "--candidates", "20"]);
    let err = stderr(&o);
    assert!(!o.status.success());
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("portfolio-sio : erreur : la base ")
            && lines[0].contains("n’est pas vide (0 comptes, 1 établissements"),
        "{err}"
    );
    // Nothing was added.
    let o = run(&["--data-dir", tmp.str(), "school", "list"]);
    assert_eq!(
        stdout(&o).lines().filter(|l| l.contains("Lycée")).count(),
        1
    );
}

#[test]
fn generate_checks_its_arguments() {
    let tmp = TempDir::new("args");
    let o = run(&["--data-dir", tmp.str(), "generate", "--candidates", "0"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("nombre de candidats invalide"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "--data-dir",
        tmp.str(),
        "generate",
        "--candidates",
        "beaucoup",
    ]);
    assert!(!o.status.success());
    let o = run(&[
        "--data-dir",
        tmp.str(),
        "generate",
        "--candidates",
        "10",
        "--database",
        "mysql://root@localhost/x",
    ]);
    assert!(
        stderr(&o).contains("adresse de base de données non reconnue"),
        "{}",
        stderr(&o)
    );
}

/// PostgreSQL (127.0.0.1:5432, or PORTFOLIO_TEST_POSTGRES_URL), in a schema of its own named in
/// the URL's `options`. Fails, never skips, when PostgreSQL does not answer (as the store suite).
#[test]
fn generate_fills_postgresql_through_the_same_store() {
    let base = std::env::var("PORTFOLIO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("generate_{}", std::process::id());
    let ready = rt().block_on(async {
        portfolio_store::postgres::PgStore::connect(&base, Some(&schema))
            .await
            .map(|s| {
                drop(s);
            })
    });
    if let Err(e) = ready {
        panic!(
            "PostgreSQL unreachable ({e}): start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set PORTFOLIO_TEST_POSTGRES_URL"
        );
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let tmp = TempDir::new("pg");
    let o = run(&[
        "--data-dir",
        tmp.str(),
        "generate",
        "--candidates",
        "25",
        "--seed",
        "3",
        "--database",
        &url,
    ]);
    let printed = summary(&o);
    let stored = rt().block_on(async {
        let store: DynStore = std::sync::Arc::new(
            portfolio_store::postgres::PgStore::connect(&base, Some(&schema))
                .await
                .expect("open"),
        );
        let n = counted(&store).await;
        store.close().await;
        let _ = portfolio_store::postgres::PgStore::drop_schema(&base, &schema).await;
        n
    });
    assert_eq!(printed.counts["candidats"], 25);
    for (label, n) in &stored {
        assert_eq!(printed.counts.get(label), Some(n), "« {label} »");
    }
}
