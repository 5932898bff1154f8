//! The battery of issue 11 as code: backups that never lie, `restore`, `check`, kill -9 during
//! concurrent writes on both backends, kill during uploads, a full disk. Every server runs the
//! real binary on a loopback port it picks itself; each test is bounded to tens of seconds.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test; `PORTFOLIO_SIO_TEST_EXE` runs the battery against another build (the
/// code before a fix, to see a test fail).
fn exe() -> String {
    std::env::var("PORTFOLIO_SIO_TEST_EXE")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_portfolio-sio").to_string())
}
const PASSWORD: &str = "Cheval-Batterie-Agrafe-42";
const STUDENT: &str = "eleve.durable@lycee.fr";

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "portfolio-sio-durable-{name}-{}-{}",
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
    fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn s(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

/// The binary with `global` options then `args`.
fn cli(global: &[String], args: &[&str]) -> Output {
    cli_stdin(global, args, "")
}

fn cli_stdin(global: &[String], args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(exe())
        .args(global)
        .args(args)
        .env_remove("PORTFOLIO_DATABASE_URL")
        .env_remove("PORTFOLIO_DATA_DIR")
        .env_remove("PORTFOLIO_FILES_DIR")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn portfolio-sio");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().expect("wait")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(o: &Output, what: &str) {
    assert!(o.status.success(), "{what}: {}{}", out(o), err(o));
}

/// One French line on stderr, exit code 1, no panic.
fn assert_one_french_line(o: &Output, expected: &str) {
    let e = err(o);
    assert_eq!(o.status.code(), Some(1), "exit code: {e}");
    assert!(!e.contains("panicked"), "{e}");
    let lines: Vec<&str> = e.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected: {e}");
    assert!(lines[0].starts_with("portfolio-sio : erreur : "), "{e}");
    assert!(
        lines[0].contains(expected),
        "« {expected} » expected in: {e}"
    );
}

/// A school, a SLAM class and one student with a known password.
fn seed(global: &[String]) {
    let o = cli(
        global,
        &[
            "school",
            "add",
            "--name",
            "Lycée Durable",
            "--city",
            "Lille",
        ],
    );
    assert_ok(&o, "school add");
    let o = cli(
        global,
        &[
            "class",
            "add",
            "--school",
            "1",
            "--name",
            "SIO2",
            "--track",
            "slam",
            "--session",
            "2027",
        ],
    );
    assert_ok(&o, "class add");
    let o = cli_stdin(
        global,
        &[
            "user",
            "add",
            "--email",
            STUDENT,
            "--first-name",
            "Élo",
            "--last-name",
            "Durable",
            "--class",
            "1",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_ok(&o, "user add");
}

/// `portfolio-sio serve` on a port of its own choosing.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(global: &[String]) -> Server {
        Server::start_with(global, &[])
    }

    fn start_with(global: &[String], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(exe());
        cmd.args(global)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env_remove("PORTFOLIO_DATABASE_URL")
            .env_remove("PORTFOLIO_DATA_DIR")
            .env_remove("PORTFOLIO_FILES_DIR")
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("écoute sur ").nth(1) {
                    let url = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('/');
                    let _ = tx.send(url.to_string());
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server printed its address within 60 s");
        Server { child, base }
    }

    /// SIGKILL, as a crash or the OOM killer would.
    fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A logged-in browser: session cookie and CSRF token.
#[derive(Clone)]
struct Http {
    client: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

fn between(hay: &str, start: &str, end: &str) -> Option<String> {
    let i = hay.find(start)? + start.len();
    let j = hay[i..].find(end)? + i;
    Some(hay[i..j].to_string())
}

fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
}

/// A login attempt: its status.
async fn try_login(base: &str) -> u16 {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET /login");
    let cookie = set_cookie(&form, "sio_login").expect("login cookie");
    let body = form.text().await.expect("body");
    let token = between(&body, r#"name="csrf_token" value=""#, "\"").expect("token");
    client
        .post(format!("{base}/login"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf_token={token}&email={}&password={PASSWORD}",
            STUDENT.replace('@', "%40")
        ))
        .send()
        .await
        .expect("POST /login")
        .status()
        .as_u16()
}

impl Http {
    async fn login(base: &str) -> Http {
        // A fresh connection per request: an upload refused before its body was read whole (a
        // full disk) ends its connection, and a pooled one could be reused as it closes.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        let form = client
            .get(format!("{base}/login"))
            .send()
            .await
            .expect("GET /login");
        let login_cookie = set_cookie(&form, "sio_login").expect("login cookie");
        let body = form.text().await.expect("body");
        let token = between(&body, r#"name="csrf_token" value=""#, "\"").expect("token");
        let res = client
            .post(format!("{base}/login"))
            .header("cookie", &login_cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "csrf_token={token}&email={}&password={PASSWORD}",
                STUDENT.replace('@', "%40")
            ))
            .send()
            .await
            .expect("POST /login");
        assert_eq!(res.status().as_u16(), 303, "login");
        let cookie = set_cookie(&res, "sio_session").expect("session cookie");
        let mut http = Http {
            client,
            base: base.to_string(),
            cookie,
            csrf: String::new(),
        };
        let (status, dash) = http.get("/dashboard").await;
        assert_eq!(status, 200);
        http.csrf = between(
            &String::from_utf8_lossy(&dash),
            r#"<meta name="csrf-token" content=""#,
            "\"",
        )
        .expect("csrf meta");
        http
    }

    async fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("GET");
        let status = res.status().as_u16();
        (status, res.bytes().await.expect("body").to_vec())
    }

    async fn me(&self) -> i64 {
        let (status, body) = self.get("/api/v1/me").await;
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        v["id"].as_i64().expect("id")
    }

    /// Creates a réalisation through the API: its id once acknowledged (201), or why not.
    async fn create_realisation(&self, student: i64, title: &str) -> Result<i64, String> {
        let body = serde_json::json!({
            "title": title,
            "start_date": "2025-09-01",
            "end_date": "2025-09-30",
            "setting": "training",
            "modality": "solo",
            "skills": ["B1.1.1"],
        });
        let res = self
            .client
            .post(format!(
                "{}/api/v1/students/{student}/realisations",
                self.base
            ))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let text = res.text().await.map_err(|e| e.to_string())?;
        if status != 201 {
            return Err(format!("{status}: {text}"));
        }
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        v["id"].as_i64().ok_or_else(|| "no id".into())
    }

    async fn realisation_ids(&self, student: i64) -> Vec<i64> {
        let (status, body) = self
            .get(&format!("/api/v1/students/{student}/realisations"))
            .await;
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        v.as_array()
            .expect("array")
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect()
    }

    /// Uploads a production: the HTTP status and the body.
    async fn upload(
        &self,
        student: i64,
        rid: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<(u16, String), String> {
        let boundary = "----portfolio-durable-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n",
            self.csrf
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = self
            .client
            .post(format!(
                "{}/students/{student}/realisations/{rid}/files",
                self.base
            ))
            .header("cookie", &self.cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        Ok((status, res.text().await.map_err(|e| e.to_string())?))
    }

    /// The productions of a réalisation: (artifact id, name) from its page.
    async fn artifacts(&self, student: i64, rid: i64) -> Vec<(i64, String)> {
        let (status, body) = self
            .get(&format!("/api/v1/students/{student}/realisations/{rid}"))
            .await;
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        v["artifacts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| Some((x["id"].as_i64()?, x["name"].as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A text file's bytes, different for each `n`, of about `len` bytes.
fn text_file(n: usize, len: usize) -> Vec<u8> {
    let line = format!("production {n} : journal de configuration du serveur\n");
    line.repeat(len / line.len() + 1).into_bytes()
}

fn data_dir_global(dir: &Path) -> Vec<String> {
    vec!["--data-dir".into(), s(dir)]
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

// ---- backup -----------------------------------------------------------------------------------

#[test]
fn backup_of_a_missing_or_empty_database_is_refused_and_creates_nothing() {
    let tmp = TempDir::new("backup-missing");
    let data = tmp.join("data");
    let archive = tmp.join("sauvegarde.tar");
    let o = cli(
        &data_dir_global(&data),
        &["backup", "--output", &s(&archive)],
    );
    assert_one_french_line(&o, "n’existe pas");
    assert!(!archive.exists(), "no archive for a missing database");
    assert!(
        !data.exists(),
        "the source (not even its directory) is never created"
    );

    std::fs::create_dir_all(&data).expect("data dir");
    std::fs::write(data.join("portfolio.sqlite"), b"").expect("empty db");
    let o = cli(
        &data_dir_global(&data),
        &["backup", "--output", &s(&archive)],
    );
    assert_one_french_line(&o, "vide (0 octet)");
    assert!(!archive.exists());
    assert_eq!(
        std::fs::metadata(data.join("portfolio.sqlite"))
            .expect("still there")
            .len(),
        0,
        "the empty source is not migrated"
    );
}

#[test]
fn a_failed_or_killed_backup_leaves_no_file_under_the_final_name() {
    let tmp = TempDir::new("backup-failed");
    let data = tmp.join("data");
    let global = data_dir_global(&data);
    seed(&global);
    let rt = rt();
    let (rid, key) = rt.block_on(async {
        let server = Server::start(&global);
        let http = Http::login(&server.base).await;
        let me = http.me().await;
        let rid = http
            .create_realisation(me, "Sauvegarde")
            .await
            .expect("created");
        let (status, _) = http
            .upload(me, rid, "notes.txt", &text_file(1, 3000))
            .await
            .expect("upload");
        assert_eq!(status, 303);
        (rid, ())
    });
    let _ = (rid, key);
    // The file of the production disappears: the backup cannot be whole, so it fails…
    let files = data.join("files");
    let listed: Vec<PathBuf> = walk(&files);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let hidden = tmp.join("hidden");
    std::fs::rename(&listed[0], &hidden).expect("hide the file");
    let archive = tmp.join("sauvegarde.tar");
    let o = cli(&global, &["backup", "--output", &s(&archive)]);
    assert_one_french_line(&o, "manque");
    assert!(!archive.exists(), "a failed backup leaves no final file");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("sauvegarde"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // … and a backup killed earlier left its temporary file: the retry is not refused.
    std::fs::rename(&hidden, &listed[0]).expect("file back");
    std::fs::write(tmp.join(".sauvegarde.tar.partial"), b"half an archive").expect("stale");
    let o = cli(&global, &["backup", "--output", &s(&archive)]);
    assert_ok(&o, "backup after a killed one");
    assert!(out(&o).contains("1 fichier(s)"), "{}", out(&o));
    assert!(!tmp.join(".sauvegarde.tar.partial").exists());
    // The archive is a plain tar with the manifest last.
    let list = Command::new("tar")
        .args(["-tf", &s(&archive)])
        .output()
        .expect("tar");
    let names = out(&list);
    assert!(names.starts_with("portfolio.sqlite\nfiles/"), "{names}");
    assert!(names.trim_end().ends_with("MANIFEST.sha256"), "{names}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                found.extend(walk(&p));
            } else {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn drill_backup_under_writes_restore_elsewhere_serve_and_download() {
    let tmp = TempDir::new("drill");
    let data = tmp.join("data");
    let global = data_dir_global(&data);
    seed(&global);
    let archive = tmp.join("drill.tar");
    let rt = rt();
    let (me, rid, original) = rt.block_on(async {
        let server = Server::start(&global);
        let http = Http::login(&server.base).await;
        let me = http.me().await;
        let rid = http
            .create_realisation(me, "Exercice")
            .await
            .expect("created");
        let original = text_file(7, 200_000);
        let (status, _) = http
            .upload(me, rid, "procedure.txt", &original)
            .await
            .expect("upload");
        assert_eq!(status, 303);
        // Writers keep going while the backup runs.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..4 {
            let http = http.clone();
            let stop = stop.clone();
            writers.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = http
                        .create_realisation(me, &format!("Écriture {w}-{n}"))
                        .await
                        .expect("write during backup");
                    let (status, _) = http
                        .upload(me, r, "suite.txt", &text_file(n, 20_000))
                        .await
                        .expect("upload during backup");
                    assert_eq!(status, 303);
                    n += 1;
                }
                n
            }));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let global2 = global.clone();
        let archive2 = archive.clone();
        let o = tokio::task::spawn_blocking(move || {
            cli(&global2, &["backup", "--output", &s(&archive2)])
        })
        .await
        .expect("backup");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut written = 0;
        for w in writers {
            written += w.await.expect("writer");
        }
        assert_ok(&o, "backup under writes");
        assert!(written > 0, "writes ran during the backup");
        (me, rid, original)
    });

    // Restore into a fresh directory, serve it, download the production.
    let fresh = tmp.join("fresh");
    let fresh_global = data_dir_global(&fresh);
    let o = cli(&fresh_global, &["restore", &s(&archive)]);
    assert_ok(&o, "restore");
    assert!(out(&o).contains("vérifiée et restaurée"), "{}", out(&o));
    let o = cli(&fresh_global, &["check"]);
    assert_ok(&o, "check of the restored copy");
    rt.block_on(async {
        let server = Server::start(&fresh_global);
        let http = Http::login(&server.base).await;
        let artifacts = http.artifacts(me, rid).await;
        let (aid, name) = artifacts
            .first()
            .expect("the production is restored")
            .clone();
        assert_eq!(name, "procedure.txt");
        let (status, bytes) = http.get(&format!("/students/{me}/artifacts/{aid}")).await;
        assert_eq!(status, 200);
        assert!(
            bytes == original,
            "the restored production has the same bytes"
        );
    });
    // Restoring over an existing database needs --replace, and keeps the old one.
    let o = cli(&fresh_global, &["restore", &s(&archive)]);
    assert_one_french_line(&o, "--replace");
    let o = cli(&fresh_global, &["restore", &s(&archive), "--replace"]);
    assert_ok(&o, "restore --replace");
    assert!(out(&o).contains("avant-restauration"), "{}", out(&o));
}

#[test]
fn restore_refuses_a_damaged_archive_and_replaces_nothing() {
    let tmp = TempDir::new("restore-damaged");
    let data = tmp.join("data");
    let global = data_dir_global(&data);
    seed(&global);
    let rt = rt();
    rt.block_on(async {
        let server = Server::start(&global);
        let http = Http::login(&server.base).await;
        let me = http.me().await;
        let rid = http
            .create_realisation(me, "Archive")
            .await
            .expect("created");
        let (status, _) = http
            .upload(me, rid, "a.txt", &text_file(3, 5000))
            .await
            .expect("upload");
        assert_eq!(status, 303);
    });
    let archive = tmp.join("a.tar");
    assert_ok(
        &cli(&global, &["backup", "--output", &s(&archive)]),
        "backup",
    );
    // One byte of the production changed inside the archive: its hash no longer matches.
    let mut bytes = std::fs::read(&archive).expect("archive");
    let at = bytes
        .windows(12)
        .position(|w| w == b"production 3")
        .expect("file content in the tar");
    bytes[at] = b'P';
    let damaged = tmp.join("damaged.tar");
    std::fs::write(&damaged, &bytes).expect("write");
    let fresh = tmp.join("fresh");
    let o = cli(&data_dir_global(&fresh), &["restore", &s(&damaged)]);
    assert_one_french_line(&o, "empreinte SHA-256");
    assert!(!fresh.join("portfolio.sqlite").exists(), "nothing replaced");
    assert!(
        walk(&fresh.join("files")).is_empty(),
        "no file put in place"
    );
    // A truncated archive too.
    let truncated = tmp.join("truncated.tar");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let o = cli(&data_dir_global(&fresh), &["restore", &s(&truncated)]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(!fresh.join("portfolio.sqlite").exists(), "nothing replaced");
}

// ---- check, kill during uploads ---------------------------------------------------------------

#[test]
fn kill_during_uploads_then_start_and_check_repair_leave_no_orphan() {
    let tmp = TempDir::new("kill-upload");
    let data = tmp.join("data");
    let global = data_dir_global(&data);
    seed(&global);
    let files = data.join("files");
    let rt = rt();
    let (me, rid, acked) = rt.block_on(async {
        let mut server = Server::start(&global);
        let http = Http::login(&server.base).await;
        let me = http.me().await;
        let rid = http
            .create_realisation(me, "Dépôts")
            .await
            .expect("created");
        let mut uploads = Vec::new();
        for n in 0..24 {
            let http = http.clone();
            uploads.push(tokio::spawn(async move {
                let bytes = text_file(n, 400_000 + n * 1000);
                let r = http.upload(me, rid, &format!("f{n}.txt"), &bytes).await;
                (n, r)
            }));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        server.kill9();
        let mut acked = Vec::new();
        for u in uploads {
            if let Ok((n, Ok((303, _)))) = u.await {
                acked.push(n);
            }
        }
        eprintln!("{} dépôts acquittés sur 24 avant le kill", acked.len());
        (me, rid, acked)
    });
    // What a kill leaves at worst: a half-written temporary file, and a whole file whose row
    // was never committed.
    let tmp_key = "ab".to_string() + &"0".repeat(30);
    std::fs::create_dir_all(files.join("ab")).expect("dir");
    std::fs::write(files.join("ab").join(format!(".{tmp_key}.tmp")), b"moitie").expect("tmp");
    let orphan_key = "cd".to_string() + &"1".repeat(30);
    std::fs::create_dir_all(files.join("cd")).expect("dir");
    std::fs::write(files.join("cd").join(&orphan_key), b"sans ligne").expect("orphan");

    rt.block_on(async {
        let server = Server::start(&global);
        // The start removed the temporary files.
        let tmps: Vec<_> = walk(&files)
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(
            tmps.is_empty(),
            "temporary files left after start: {tmps:?}"
        );
        let http = Http::login(&server.base).await;
        let artifacts = http.artifacts(me, rid).await;
        for n in &acked {
            let (aid, _) = artifacts
                .iter()
                .find(|(_, name)| name == &format!("f{n}.txt"))
                .unwrap_or_else(|| panic!("acknowledged upload f{n}.txt lost"));
            let (status, bytes) = http.get(&format!("/students/{me}/artifacts/{aid}")).await;
            assert_eq!(status, 200);
            assert!(
                bytes == text_file(*n, 400_000 + n * 1000),
                "f{n}.txt intact"
            );
        }
        // Every row has its file.
        for (aid, name) in &artifacts {
            let (status, _) = http.get(&format!("/students/{me}/artifacts/{aid}")).await;
            assert_eq!(status, 200, "row {name} without its file");
        }
    });
    let o = cli(&global, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
    assert!(out(&o).contains(&orphan_key), "{}", out(&o));
    assert!(out(&o).contains("fichier orphelin"), "{}", out(&o));
    // Young files are kept by default: an upload may be under way.
    let o = cli(&global, &["check", "--repair"]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(files.join("cd").join(&orphan_key).exists());
    let o = cli(&global, &["check", "--repair", "--grace-minutes", "0"]);
    assert_ok(&o, "check --repair");
    assert!(out(&o).contains("supprimé"), "{}", out(&o));
    assert!(!files.join("cd").join(&orphan_key).exists());
    assert_ok(&cli(&global, &["check"]), "check after repair");
}

#[test]
fn check_lists_rows_whose_file_is_missing_and_repair_keeps_them() {
    let tmp = TempDir::new("check-missing");
    let data = tmp.join("data");
    let global = data_dir_global(&data);
    seed(&global);
    let rt = rt();
    rt.block_on(async {
        let server = Server::start(&global);
        let http = Http::login(&server.base).await;
        let me = http.me().await;
        let rid = http.create_realisation(me, "Perte").await.expect("created");
        let (status, _) = http
            .upload(me, rid, "perdu.txt", &text_file(9, 100))
            .await
            .expect("upload");
        assert_eq!(status, 303);
    });
    for f in walk(&data.join("files")) {
        std::fs::remove_file(f).expect("lose the file");
    }
    let o = cli(&global, &["check", "--repair", "--grace-minutes", "0"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let text = out(&o);
    assert!(
        text.contains("fichier manquant") && text.contains("« perdu.txt »"),
        "{text}"
    );
    assert!(text.contains("conservée"), "{text}");
    let o = cli(&global, &["check"]);
    assert!(out(&o).contains("perdu.txt"), "the row is still there");
}

// ---- kill -9 during concurrent writes ---------------------------------------------------------

/// Rounds of 200 concurrent API writes, the server killed with SIGKILL while they run; after
/// each restart every write acknowledged with 201 is there.
fn kill_rounds(global: &[String], rounds: usize) {
    seed(global);
    let rt = rt();
    rt.block_on(async {
        let mut acked_all: Vec<i64> = Vec::new();
        let mut lost_or_refused = 0;
        for round in 0..rounds {
            let mut server = Server::start(global);
            let http = Http::login(&server.base).await;
            let me = http.me().await;
            let present = http.realisation_ids(me).await;
            for id in &acked_all {
                assert!(present.contains(id), "round {round}: acknowledged write {id} lost");
            }
            if round == 0 {
                // One production, so that `check` compares a file with its row on this backend.
                let rid = http.create_realisation(me, "Avec fichier").await.expect("created");
                let (status, _) = http
                    .upload(me, rid, "config.txt", &text_file(0, 10_000))
                    .await
                    .expect("upload");
                assert_eq!(status, 303);
            }
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let mut tasks = Vec::new();
            for n in 0..200 {
                let http = http.clone();
                let tx = tx.clone();
                tasks.push(tokio::spawn(async move {
                    let r = http
                        .create_realisation(me, &format!("Tour {round} écriture {n}"))
                        .await;
                    let _ = tx.send(r.is_ok());
                    r
                }));
            }
            drop(tx);
            // Kill once some writes were acknowledged, while the others are in flight.
            let mut acks = 0;
            let deadline = Instant::now() + Duration::from_secs(20);
            while acks < 20 && Instant::now() < deadline {
                match tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
                    Ok(Some(true)) => acks += 1,
                    Ok(Some(false)) => {}
                    Ok(None) => break,
                    Err(_) => {}
                }
            }
            server.kill9();
            for t in tasks {
                match t.await.expect("task") {
                    Ok(id) => acked_all.push(id),
                    Err(_) => lost_or_refused += 1,
                }
            }
        }
        let server = Server::start(global);
        let http = Http::login(&server.base).await;
        let me = http.me().await;
        let present = http.realisation_ids(me).await;
        for id in &acked_all {
            assert!(present.contains(id), "acknowledged write {id} lost");
        }
        eprintln!(
            "{rounds} tours : {} écritures acquittées toutes présentes, {lost_or_refused} interrompues par le kill",
            acked_all.len()
        );
    });
}

#[test]
fn kill9_during_concurrent_writes_on_sqlite_loses_no_acknowledged_write() {
    let tmp = TempDir::new("kill-sqlite");
    let data = tmp.join("data");
    kill_rounds(&data_dir_global(&data), 4);
    let problems = portfolio_store::sqlite::integrity_problems(&data.join("portfolio.sqlite"))
        .expect("integrity check runs");
    assert!(problems.is_empty(), "{problems:?}");
    assert_ok(&cli(&data_dir_global(&data), &["check"]), "check");
}

fn postgres_url() -> String {
    std::env::var("PORTFOLIO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".into())
}

#[test]
fn kill9_during_concurrent_writes_on_postgresql_loses_no_acknowledged_write() {
    let tmp = TempDir::new("kill-pg");
    let schema = format!(
        "durable_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let base = postgres_url();
    let rt = rt();
    rt.block_on(async {
        let store = portfolio_store::postgres::PgStore::connect(&base, Some(&schema))
            .await
            .expect("PostgreSQL for the tests (127.0.0.1:5432, database test)");
        portfolio_store::Store::close(&store).await;
    });
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let global = vec![
        "--database-url".to_string(),
        url,
        "--files-dir".to_string(),
        s(&tmp.join("files")),
    ];
    let result = std::panic::catch_unwind(|| {
        kill_rounds(&global, 4);
        assert_ok(&cli(&global, &["check"]), "check");
    });
    rt.block_on(async {
        use sqlx::Connection;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&base).await {
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(&mut conn)
                .await;
        }
    });
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

// ---- a full disk ------------------------------------------------------------------------------

/// A small tmpfs mounted for the test, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let o = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tmpfs",
                &s(dir),
            ])
            .output()
            .map_err(|e| format!("mount introuvable ({e})"))?;
        if !o.status.success() {
            return Err(format!(
                "mount -t tmpfs refusé ({})",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Ok(Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).output();
    }
}

/// Fills the file system of `dir` with one file; returns it.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("remplissage");
    let mut f = std::fs::File::create(&path).expect("filler");
    let block = vec![0u8; 64 * 1024];
    loop {
        match f.write(&block) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // The last bytes, one at a time.
    while f.write(&[0]).is_ok_and(|n| n == 1) {}
    let _ = f.sync_all();
    path
}

#[test]
fn a_full_disk_answers_507_in_french_and_keeps_nothing_half_written() {
    let tmp = TempDir::new("disk-full");
    let mount = tmp.join("disque");
    let _tmpfs = match Tmpfs::mount(&mount, "24m") {
        Ok(t) => t,
        Err(why) => {
            eprintln!("test du disque plein ignoré : {why}");
            return;
        }
    };
    let data = mount.join("data");
    let global = data_dir_global(&data);
    seed(&global);
    let rt = rt();
    rt.block_on(async {
        let server = Server::start(&global);
        let http = Http::login(&server.base).await;
        let me = http.me().await;
        let rid = http.create_realisation(me, "Plein").await.expect("created");
        let filler = fill(&mount);
        let (status, body) = http
            .upload(me, rid, "gros.txt", &text_file(1, 2_000_000))
            .await
            .expect("upload");
        assert_eq!(status, 507, "{body}");
        assert!(
            body.contains("Le disque du serveur est plein : rien n’a été enregistré"),
            "{body}"
        );
        let tmps: Vec<_> = walk(&data.join("files"))
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(tmps.is_empty(), "the failed write keeps no space: {tmps:?}");
        // Reading still works.
        let (status, _) = http.get("/dashboard").await;
        assert_eq!(status, 200);
        // A database write too (SQLITE_FULL), answered in JSON by the API.
        let r = http.create_realisation(me, "Pendant le disque plein").await;
        let e = r.expect_err("nothing written on a full disk");
        assert!(
            e.starts_with("507: ") && e.contains("rien n’a été enregistré"),
            "{e}"
        );
        // Those logged in keep reading; a new login needs a session row: 507, not 500.
        let status = try_login(&server.base).await;
        assert_eq!(status, 507, "login on a full disk");
        // A backup onto the full disk fails and leaves no file under its name.
        let archive = mount.join("plein.tar");
        let g = global.clone();
        let a = archive.clone();
        let o = tokio::task::spawn_blocking(move || cli(&g, &["backup", "--output", &s(&a)]))
            .await
            .expect("backup");
        assert_eq!(o.status.code(), Some(1), "{}", err(&o));
        assert!(err(&o).contains("plein"), "{}", err(&o));
        assert!(!archive.exists(), "no archive under the final name");
        assert!(!mount.join(".plein.tar.partial").exists());
        // Space again: writes work again.
        std::fs::remove_file(filler).expect("free the disk");
        let (status, body) = http
            .upload(me, rid, "gros.txt", &text_file(1, 2_000_000))
            .await
            .expect("upload");
        assert_eq!(status, 303, "{body}");
        let g = global.clone();
        let a = archive.clone();
        let o = tokio::task::spawn_blocking(move || cli(&g, &["backup", "--output", &s(&a)]))
            .await
            .expect("backup");
        assert_ok(&o, "backup once there is room");
    });
}
