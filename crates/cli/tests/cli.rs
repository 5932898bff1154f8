//! The `portfolio-sio` binary end to end: configuration errors, administration commands,
//! backups, the demo database, `framework show`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const EXE: &str = env!("CARGO_BIN_EXE_portfolio-sio");

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "portfolio-sio-cli-{name}-{}-{}",
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
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .env_remove("PORTFOLIO_DATABASE_URL")
        .env_remove("PORTFOLIO_DATA_DIR")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .output()
        .expect("run portfolio-sio")
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(EXE)
        .args(args)
        .env_remove("PORTFOLIO_DATABASE_URL")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn portfolio-sio");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A configuration error ends with one French line on stderr and a failure code, no panic.
fn assert_clean_failure(o: &Output, expected: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "should fail: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected, got: {err}");
    assert!(lines[0].starts_with("portfolio-sio : erreur : "), "{err}");
    assert!(
        lines[0].contains(expected),
        "expected « {expected} » in: {err}"
    );
}

#[test]
fn a_bad_database_url_is_one_clear_line() {
    let o = run(&["--database-url", "mysql://root@localhost/x", "user", "list"]);
    assert_clean_failure(&o, "adresse de base de données non reconnue");
    let o = run(&["--database-url", "postgres://u@:notaport/x", "user", "list"]);
    assert_clean_failure(&o, "PostgreSQL");
}

#[test]
fn an_unreachable_postgresql_is_one_clear_line() {
    // Port 9 (discard) has no PostgreSQL listening on loopback.
    let o = run(&[
        "--database-url",
        "postgres://postgres@127.0.0.1:9/test",
        "user",
        "list",
    ]);
    assert_clean_failure(&o, "connexion à PostgreSQL impossible");
}

#[test]
fn an_unwritable_data_directory_is_one_clear_line() {
    let tmp = TempDir::new("unwritable");
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, b"x").expect("file");
    let o = run(&["--data-dir", file.to_str().expect("utf-8"), "user", "list"]);
    assert_clean_failure(&o, "répertoire de données");
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let tmp = TempDir::new("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let o = run(&["--data-dir", tmp.str(), "serve", "--listen", &addr]);
    let out = stdout(&o);
    assert!(!out.contains("écoute sur"), "{out}");
    assert_clean_failure(&o, "impossible d’écouter sur");
}

#[test]
fn framework_show_prints_the_referentiel_of_an_option() {
    let o = run(&["framework", "show", "--track", "slam"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Gérer le patrimoine informatique"), "{out}");
    assert!(out.contains("B2-SLAM.1"), "{out}");
    assert!(out.contains("Concevoir et développer une solution applicative"));
    assert!(!out.contains("B2-SISR.1"), "SISR block shown for SLAM");
    let o = run(&["framework", "show", "--track", "sisr"]);
    assert!(stdout(&o).contains("B2-SISR.1") && !stdout(&o).contains("B2-SLAM.1"));
    let o = run(&["framework", "show", "--framework", "bts-sio-2011"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("A1.1.1"));
    let o = run(&["framework", "show", "--track", "cloud"]);
    assert_clean_failure(&o, "option inconnue « cloud »");
}

#[test]
fn admin_commands_create_schools_classes_and_accounts() {
    let tmp = TempDir::new("admin");
    let d = tmp.str();
    let o = run(&[
        "--data-dir",
        d,
        "school",
        "add",
        "--name",
        "Lycée Test",
        "--city",
        "Rouen",
        "--uai",
        "0750001U",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Établissement n° 1 créé"));
    let o = run(&[
        "--data-dir",
        d,
        "school",
        "add",
        "--name",
        "X",
        "--city",
        "Y",
        "--uai",
        "0750001A",
    ]);
    assert_clean_failure(&o, "la lettre de contrôle devrait être U");
    let o = run(&[
        "--data-dir",
        d,
        "class",
        "add",
        "--school",
        "1",
        "--name",
        "SIO2",
        "--track",
        "sisr",
        "--session",
        "2027",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "--data-dir",
        d,
        "user",
        "add",
        "--email",
        "Prof@Lycee.fr",
        "--first-name",
        "Ana",
        "--last-name",
        "Prof",
        "--role",
        "teacher:1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("prof@lycee.fr"), "{out}");
    assert!(out.contains("Mot de passe provisoire : "), "{out}");
    // A weak password from stdin is refused with the policy's French reason.
    let o = run_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "--email",
            "eleve@lycee.fr",
            "--first-name",
            "Elo",
            "--last-name",
            "Eleve",
            "--class",
            "1",
            "--password-stdin",
        ],
        "motdepasse2024\n",
    );
    assert_clean_failure(&o, "plus courants");
    let o = run_stdin(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "--email",
            "eleve@lycee.fr",
            "--first-name",
            "Elo",
            "--last-name",
            "Eleve",
            "--class",
            "1",
            "--password-stdin",
        ],
        "cheval agrafe batterie\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("provisoire"));
    let o = run(&[
        "--data-dir",
        d,
        "user",
        "add",
        "--email",
        "prof@lycee.fr",
        "--first-name",
        "A",
        "--last-name",
        "B",
    ]);
    assert_clean_failure(&o, "existe déjà");
    let o = run(&[
        "--data-dir",
        d,
        "user",
        "add",
        "--email",
        "x@lycee.fr",
        "--first-name",
        "A",
        "--last-name",
        "B",
        "--role",
        "teacher",
    ]);
    assert_clean_failure(&o, "doit être rattaché à une classe");
    let o = run(&[
        "--data-dir",
        d,
        "user",
        "disable",
        "--email",
        "prof@lycee.fr",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["--data-dir", d, "user", "list"]);
    let out = stdout(&o);
    assert!(
        out.contains("prof@lycee.fr") && out.contains("(désactivé)"),
        "{out}"
    );
    let o = run(&[
        "--data-dir",
        d,
        "user",
        "reset-password",
        "--email",
        "eleve@lycee.fr",
    ]);
    assert!(
        stdout(&o).contains("Mot de passe provisoire : "),
        "{}",
        stderr(&o)
    );
    let o = run(&["--data-dir", d, "class", "list"]);
    assert!(stdout(&o).contains("1 étudiant(s)"), "{}", stdout(&o));
}

#[test]
fn backup_writes_a_consistent_copy_and_refuses_to_overwrite() {
    let tmp = TempDir::new("backup");
    let d = tmp.str();
    let o = run(&[
        "--data-dir",
        d,
        "school",
        "add",
        "--name",
        "Lycée Sauvegarde",
        "--city",
        "Lille",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("copie.tar");
    let out_s = out.to_str().expect("utf-8");
    let o = run(&["--data-dir", d, "backup", "--output", out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Sauvegarde cohérente"));
    // The archive restores into a database of its own with the same rows.
    let other = tmp.path().join("ailleurs");
    let other_s = other.to_str().expect("utf-8");
    let o = run(&["--data-dir", other_s, "restore", out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["--data-dir", other_s, "school", "list"]);
    assert!(stdout(&o).contains("Lycée Sauvegarde"), "{}", stderr(&o));
    let o = run(&["--data-dir", d, "backup", "--output", out_s]);
    assert_clean_failure(&o, "existe déjà");
}

#[test]
fn the_demo_database_is_prepared_once_and_reused() {
    let tmp = TempDir::new("demo");
    let o = run(&["--data-dir", tmp.str(), "demo", "--prepare-only"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Base de démonstration créée"), "{out}");
    assert!(out.contains("lucas.martin@demo.portfolio-sio.fr"), "{out}");
    assert!(
        out.contains("mot de passe commun : portfolio-demo-sio"),
        "{out}"
    );
    let db = format!("sqlite://{}", tmp.path().join("demo.sqlite").display());
    let o = run(&["--database-url", &db, "class", "list"]);
    let classes = stdout(&o);
    assert!(
        classes.contains("BTS SIO 2 SISR") && classes.contains("BTS SIO 2 SLAM"),
        "{classes}{}",
        stderr(&o)
    );
    assert_eq!(classes.matches("15 étudiant(s)").count(), 2, "{classes}");
    let o = run(&["--data-dir", tmp.str(), "demo", "--prepare-only"]);
    assert!(stdout(&o).contains("Base de démonstration réutilisée"));
    assert!(!tmp.path().join("demo.sqlite.partial").exists());
}

// ---- purge ---------------------------------------------------------------------------------

/// Runs the binary with today faked by `PORTFOLIO_TODAY`.
fn run_on(today: &str, args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .env_remove("PORTFOLIO_DATABASE_URL")
        .env_remove("PORTFOLIO_DATA_DIR")
        .env("PORTFOLIO_TODAY", today)
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .output()
        .expect("run portfolio-sio")
}

/// What the purge tests read back through the store.
struct PurgeWorld {
    url: String,
    session: i64,
    later_session: i64,
    president: i64,
}

/// Seeds, through the store, a 2025 session of Lyon (training ended 30/06/2025) whose commission
/// evaluated one registered candidate (grid signed by both members, then a jury mark that
/// differs, kept in the history), and a 2026 session of Lyon whose commission sits on
/// 20/05/2026. The store is closed before the binary opens the file.
async fn seed_purge_world(url: &str) -> PurgeWorld {
    use portfolio_domain::access::Actor;
    use portfolio_domain::commission::MemberProfile;
    use portfolio_domain::evaluation::ProposedMark;
    use portfolio_domain::registration::{CandidateNumber, CandidateRegistration};
    use portfolio_domain::role::{Grant, Role};
    use portfolio_domain::route::Route;
    use portfolio_domain::session_labels::{DossierExam, SessionLabels};
    use portfolio_framework::{ExamForm, MasteryLevel, Track};
    use portfolio_store::{
        CommissionInput, Enrolment, EvaluationInput, NewClass, NewExamSession, NewSchool, NewUser,
        SessionSettings,
    };
    use time::macros::date;

    const NOW: i64 = 1_704_067_200;
    let store = portfolio_store::connect(url).await.expect("open the store");
    let user = |email: &str| NewUser {
        email: email.into(),
        first_name: "Prénom".into(),
        last_name: email.split('@').next().unwrap_or("nom").into(),
        password_hash: None,
        created_at: NOW,
    };
    let school = store
        .create_school(
            &NewSchool {
                name: "Lycée Purge".into(),
                city: "Lyon".into(),
                uai: None,
            },
            NOW,
        )
        .await
        .expect("school");
    let class = store
        .create_class(
            &NewClass {
                school_id: school,
                name: "SIO2 SISR".into(),
                track: Track::Sisr,
                year_of_training: 2,
                session_year: 2025,
            },
            NOW,
        )
        .await
        .expect("class");
    let ada = store.create_user(&user("ada@p.fr")).await.expect("student");
    store
        .enroll_student(
            ada,
            &Enrolment {
                class_id: class,
                route: Route::School,
                candidate_number: Some("0421".into()),
            },
        )
        .await
        .expect("enrol");
    let t1 = store.create_user(&user("prof@p.fr")).await.expect("t1");
    let t2 = store.create_user(&user("pro@p.fr")).await.expect("t2");
    let president = store.create_user(&user("jury@p.fr")).await.expect("jury");
    let admin = Actor::new(
        -1,
        vec![Grant::new(Role::Admin, None).expect("admin grant")],
    );
    let members = vec![
        (
            t1,
            MemberProfile::Teacher {
                specialties: vec![Track::Sisr],
                blocks: vec!["B1".into(), "B2-SISR".into()],
            },
        ),
        (t2, MemberProfile::Professional),
    ];

    let mut sessions = Vec::new();
    for (year, exam_date) in [(2025, date!(2025 - 06 - 10)), (2026, date!(2026 - 05 - 20))] {
        let id = store
            .create_exam_session(
                &NewExamSession {
                    year,
                    academy: "Lyon".into(),
                    label: format!("Session {year} — Lyon"),
                },
                NOW,
            )
            .await
            .expect("exam session");
        let cap = admin.exam_session(id).expect("admin cap");
        let commission = store
            .save_commission(
                &cap,
                None,
                &CommissionInput {
                    name: "Commission 1".into(),
                    exam: DossierExam::Block1,
                    track: Track::Sisr,
                    exam_date: Some(exam_date),
                    start_time: Some("08:00".into()),
                    members: members.clone(),
                },
                NOW,
            )
            .await
            .expect("commission");
        sessions.push((id, cap, commission));
    }
    let (session, cap, commission) = sessions.remove(0);
    store
        .set_session_settings(
            &cap,
            &SessionSettings {
                labels: SessionLabels::text_of_2019(),
                dossier_due_date: None,
                ccf_end_date: None,
                training_end_date: Some(date!(2025 - 06 - 30)),
            },
        )
        .await
        .expect("settings");
    store
        .add_grant(
            president,
            Grant::new(Role::JuryPresident, Some(session)).expect("jury grant"),
            NOW,
        )
        .await
        .expect("grant the jury president");
    store
        .register_candidates(
            &cap,
            &[CandidateRegistration {
                candidate_number: CandidateNumber::parse("0421").expect("number"),
                last_name: "ADA".into(),
                first_name: "Prénom".into(),
                track: Track::Sisr,
                route: Route::School,
                form: ExamForm::Continuous,
            }],
            NOW,
        )
        .await
        .expect("register");
    store
        .assign_to_commission(&cap, commission, ada)
        .await
        .expect("assign");

    let facts = store
        .student_facts(ada)
        .await
        .expect("facts")
        .expect("student");
    let commission_facts = store
        .commission_facts(commission)
        .await
        .expect("commission facts")
        .expect("commission");
    let rows = portfolio_domain::grid::grid_rows(DossierExam::Block1, Track::Sisr);
    let input = EvaluationInput {
        levels: rows
            .iter()
            .map(|r| (r.key.clone(), MasteryLevel::GoodMastery))
            .collect(),
        proposed: Some(ProposedMark::parse("14").expect("mark")),
        penalties: vec![],
        environment_conforming: Some(true),
        chosen_realisation: None,
        needs_statement: String::new(),
        part1: "Présentation claire.".into(),
        part2: "Échange solide.".into(),
        appreciation: "Bonne maîtrise.".into(),
    };
    for (i, member) in [t1, t2].into_iter().enumerate() {
        let grants = store.grants_of(member).await.expect("grants");
        let eval_cap = Actor::new(member, grants)
            .evaluation(&commission_facts, &facts)
            .expect("a member evaluates");
        if i == 0 {
            store
                .save_evaluation(&eval_cap, &input, None, member, NOW)
                .await
                .expect("save the grid");
        }
        store
            .sign_evaluation(&eval_cap, member, NOW)
            .await
            .expect("sign");
    }
    let marks = Actor::new(president, store.grants_of(president).await.expect("grants"))
        .session_marks(session)
        .expect("president");
    let evaluations = store
        .session_evaluations(&marks)
        .await
        .expect("evaluations");
    assert_eq!(evaluations.len(), 1);
    store
        .arrest_mark(
            &marks,
            evaluations[0].evaluation.id,
            15,
            Some("Harmonisation"),
            president,
            NOW,
        )
        .await
        .expect("jury mark");
    let later_session = sessions[0].0;
    store.close().await;
    PurgeWorld {
        url: url.to_owned(),
        session,
        later_session,
        president,
    }
}

/// (evaluations, registrations, purged_at, purge audit entries) of the 2025 session, read
/// through the store (opened and closed around the read so the binary has the file alone).
async fn purge_state(w: &PurgeWorld) -> (usize, usize, Option<i64>, usize) {
    use portfolio_domain::access::Actor;
    use portfolio_domain::role::{Grant, Role};
    let store = portfolio_store::connect(&w.url)
        .await
        .expect("open the store");
    let cap = Actor::new(
        -1,
        vec![Grant::new(Role::Admin, None).expect("admin grant")],
    )
    .exam_session(w.session)
    .expect("admin cap");
    let marks = Actor::new(
        w.president,
        store.grants_of(w.president).await.expect("grants"),
    )
    .session_marks(w.session)
    .expect("president");
    let evaluations = store
        .session_evaluations(&marks)
        .await
        .expect("evaluations");
    let registrations = store.registrations(&cap).await.expect("registrations");
    let purged_at = store.exam_session(&cap).await.expect("session").purged_at;
    let audits = store
        .recent_audit(100)
        .await
        .expect("audit")
        .iter()
        .filter(|a| a.action == "evaluation.purge")
        .count();
    store.close().await;
    (evaluations.len(), registrations.len(), purged_at, audits)
}

#[test]
fn purge_keeps_documents_until_their_retention_is_over_then_removes_them_once() {
    let tmp = TempDir::new("purge");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let url = format!("sqlite://{}", tmp.path().join("purge.sqlite").display());
    let w = rt.block_on(seed_purge_world(&url));
    let title = format!("Session 2025 — Lyon (n° {})", w.session);
    let later = format!("Session 2026 — Lyon (n° {})", w.later_session);
    assert_eq!(rt.block_on(purge_state(&w)), (1, 1, None, 0));

    // 1 March 2026: the 2026 session has not sat yet and the year after the training runs.
    let o = run_on(
        "2026-03-01",
        &["--database-url", &url, "purge", "--dry-run"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{title} : conservée jusqu’au 30/06/2026")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{later} : conservée jusqu’à la session suivante")),
        "{out}"
    );
    assert!(out.contains("Total (simulation"), "{out}");
    assert_eq!(rt.block_on(purge_state(&w)), (1, 1, None, 0));

    // 15 January 2027: both periods are over; a dry run only counts.
    let o = run_on(
        "2027-01-15",
        &["--database-url", &url, "purge", "--dry-run"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{title} : serait purgée : 1 évaluation(s), 1 entrée(s) d’historique, 1 inscription(s)"
        )),
        "{out}"
    );
    assert!(out.contains("1 session(s) seraient purgée(s)"), "{out}");
    assert_eq!(rt.block_on(purge_state(&w)), (1, 1, None, 0));

    // For real: removed, stamped and audited.
    let o = run_on("2027-01-15", &["--database-url", &url, "purge"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "{title} : purgée : 1 évaluation(s), 1 entrée(s) d’historique, 1 inscription(s)"
        )),
        "{out}"
    );
    assert!(out.contains("Total : 1 session(s) purgée(s)"), "{out}");
    let (evaluations, registrations, purged_at, audits) = rt.block_on(purge_state(&w));
    assert_eq!((evaluations, registrations, audits), (0, 0, 1));
    assert!(purged_at.is_some());

    // Again: the purged session is skipped, no second audit entry.
    let o = run_on("2027-01-15", &["--database-url", &url, "purge"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(&format!("{title} : déjà purgée le ")), "{out}");
    assert!(out.contains("Total : 0 session(s) purgée(s)"), "{out}");
    assert_eq!(rt.block_on(purge_state(&w)), (0, 0, purged_at, 1));
}

#[test]
fn purge_keeps_the_audit_log_twelve_months() {
    let tmp = TempDir::new("purge-audit");
    let url = format!("sqlite://{}", tmp.path().join("audit.sqlite").display());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let month = 31 * 24 * 3600;
    rt.block_on(async {
        let store = portfolio_store::connect(&url).await.expect("store");
        for (age, target) in [(13 * month, "old"), (11 * month, "kept")] {
            store
                .audit(&portfolio_store::AuditEvent {
                    at: now - age,
                    actor_user_id: None,
                    action: "login.failure",
                    target: Some(target.into()),
                    client_ip: None,
                    details: None,
                })
                .await
                .expect("audit");
        }
    });
    let left = || {
        rt.block_on(async {
            let store = portfolio_store::connect(&url).await.expect("store");
            let mut t: Vec<String> = store
                .recent_audit(10)
                .await
                .expect("audit")
                .into_iter()
                .filter_map(|r| r.target)
                .collect();
            t.sort();
            t
        })
    };
    let o = run_on(
        "2027-01-15",
        &["--database-url", &url, "purge", "--dry-run"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(left(), ["kept", "old"], "a dry run removes nothing");
    let o = run_on("2027-01-15", &["--database-url", &url, "purge"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Journal d’audit : 1 entrée(s) de plus de 12 mois effacée(s)."),
        "{}",
        stdout(&o)
    );
    assert_eq!(left(), ["kept"]);
}

#[test]
fn purge_refuses_a_malformed_portfolio_today_and_documents_it() {
    let tmp = TempDir::new("purge-today");
    let o = run_on(
        "15/01/2027",
        &["--data-dir", tmp.str(), "purge", "--dry-run"],
    );
    assert_clean_failure(&o, "PORTFOLIO_TODAY invalide : « 15/01/2027 »");
    assert!(
        !tmp.path().join("portfolio.sqlite").exists(),
        "the date is checked before the database is opened"
    );
    let o = run(&["purge", "--help"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let help = stdout(&o);
    assert!(
        help.contains("PORTFOLIO_TODAY") && help.contains("tests et les répétitions"),
        "{help}"
    );
    assert!(help.contains("--dry-run"), "{help}");
}

/// Issue 11, item 6: clap's refusals and bad environment values are one French line, exit 1.
#[test]
fn bad_options_and_environment_values_are_one_french_line() {
    let dir = TempDir::new("french-options");
    let o = run(&["--data-dir", dir.str(), "serve", "--listen", "nonsense"]);
    assert_clean_failure(
        &o,
        "valeur « nonsense » invalide pour --listen (ou PORTFOLIO_LISTEN)",
    );
    assert_eq!(o.status.code(), Some(1));
    let with_env = |var: &str, value: &str, args: &[&str]| {
        Command::new(EXE)
            .args(args)
            .env_remove("PORTFOLIO_DATABASE_URL")
            .env(var, value)
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .output()
            .expect("run portfolio-sio")
    };
    let o = with_env(
        "PORTFOLIO_DATABASE_POOL",
        "0",
        &["--data-dir", dir.str(), "user", "list"],
    );
    assert_clean_failure(
        &o,
        "valeur « 0 » invalide pour --database-pool (ou PORTFOLIO_DATABASE_POOL) : attendu un nombre de connexions entre 1 et 256",
    );
    assert_eq!(o.status.code(), Some(1));
    let o = with_env(
        "PORTFOLIO_IDLE_TIMEOUT_MINUTES",
        "abc",
        &["--data-dir", dir.str(), "serve"],
    );
    assert_clean_failure(
        &o,
        "--idle-timeout-minutes (ou PORTFOLIO_IDLE_TIMEOUT_MINUTES) : attendu un nombre entier positif",
    );
    let o = with_env(
        "PORTFOLIO_TRUSTED_PROXIES",
        "10.0.0.0/99",
        &["--data-dir", dir.str(), "serve", "--listen", "127.0.0.1:0"],
    );
    assert_clean_failure(&o, "mandataire de confiance « 10.0.0.0/99 » invalide");
    let o = run(&["--data-dir", dir.str(), "serf"]);
    assert_clean_failure(&o, "commande inconnue « serf »");
    // --help stays clap's, on stdout, with success.
    let o = run(&["--help"]);
    assert!(
        o.status.success() && stdout(&o).contains("Usage"),
        "{}",
        stderr(&o)
    );
}

/// A damaged SQLite file is named as such, with the command that repairs the situation.
#[test]
fn a_damaged_database_points_to_restore() {
    let dir = TempDir::new("damaged");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend((0..40_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    std::fs::write(dir.path().join("portfolio.sqlite"), &bytes).expect("write");
    let o = run(&["--data-dir", dir.str(), "user", "list"]);
    assert_clean_failure(&o, "est endommagée");
    assert!(
        stderr(&o).contains("portfolio-sio restore ARCHIVE.tar --replace"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(dir.path().join("portfolio.sqlite")).expect("kept"),
        bytes,
        "the damaged file is left as it was"
    );
}

/// `portfolio-sio … | head -1`: the reader goes away, the command ends without a panic.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let dir = TempDir::new("pipe");
    let mut child = Command::new(EXE)
        .args(["--data-dir", dir.str(), "demo", "--prepare-only"])
        .env_remove("PORTFOLIO_DATABASE_URL")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read nothing and close our end at once: every line the demo prints meets a closed pipe.
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    let err = stderr(&o);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    // Killed by SIGPIPE like any command-line tool, or done: never the panic's exit code 101.
    assert_ne!(o.status.code(), Some(101), "{err}");
}

/// `demo --database-url postgres://…` is honoured: the demo is seeded into that (empty)
/// database, reused on the next start, and a database that is not a demo is refused.
#[test]
fn the_demo_honours_a_postgresql_database_url() {
    let base = std::env::var("PORTFOLIO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let (server, _) = base.rsplit_once('/').expect("database in the URL");
    let name = format!("demo_cli_{}", std::process::id());
    let admin = format!("{server}/test");
    let psql = |sql: &str| {
        let o = Command::new("psql")
            .args([admin.as_str(), "-q", "-c", sql])
            .output()
            .expect("psql (PostgreSQL's client is installed with the server)");
        assert!(
            o.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    psql(&format!("CREATE DATABASE {name}"));
    let url = format!("{server}/{name}");
    let dir = TempDir::new("demo-pg");
    let o = run(&[
        "--data-dir",
        dir.str(),
        "demo",
        "--prepare-only",
        "--database-url",
        &url,
    ]);
    let out = stdout(&o);
    let again = run(&[
        "--data-dir",
        dir.str(),
        "demo",
        "--prepare-only",
        "--database-url",
        &url,
    ]);
    let listed = run(&["--database-url", &url, "user", "list", "lucas.martin"]);
    let real = format!("{server}/{name}_real");
    psql(&format!("DROP DATABASE IF EXISTS {name}_real"));
    psql(&format!("CREATE DATABASE {name}_real"));
    let created = run(&[
        "--database-url",
        &real,
        "school",
        "add",
        "--name",
        "Lycée Réel",
        "--city",
        "Lyon",
    ]);
    let _ = run_stdin(
        &[
            "--database-url",
            &real,
            "user",
            "add",
            "--email",
            "vrai@lycee.fr",
            "--first-name",
            "Vrai",
            "--last-name",
            "Compte",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "un-mot-de-passe-solide-42\n",
    );
    let refused = run(&[
        "--data-dir",
        dir.str(),
        "demo",
        "--prepare-only",
        "--database-url",
        &real,
    ]);
    psql(&format!("DROP DATABASE {name}"));
    psql(&format!("DROP DATABASE {name}_real"));

    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        out.contains("Base de démonstration créée : postgres://"),
        "{out}"
    );
    assert!(
        !dir.path().join("demo.sqlite").exists(),
        "the URL was ignored: a SQLite demo was made"
    );
    assert!(
        stdout(&again).contains("Base de démonstration réutilisée"),
        "{}",
        stderr(&again)
    );
    assert!(
        stdout(&listed).contains("lucas.martin@demo.portfolio-sio.fr"),
        "{}",
        stderr(&listed)
    );
    assert!(created.status.success(), "{}", stderr(&created));
    assert_clean_failure(&refused, "n’est pas une base de démonstration");
}
