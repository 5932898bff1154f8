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
    let out = tmp.path().join("copie.sqlite");
    let out_s = out.to_str().expect("utf-8");
    let o = run(&["--data-dir", d, "backup", "--output", out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Sauvegarde cohérente"));
    // The copy is a database of its own with the same rows.
    let o = run(&[
        "--database-url",
        &format!("sqlite://{out_s}"),
        "school",
        "list",
    ]);
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
