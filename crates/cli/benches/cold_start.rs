//! Cold start: the time from spawning `portfolio-sio serve` on the demo database to its first
//! successful HTTP response, for the health check (`GET /health`) and for a page that needs the
//! référentiel loaded (`GET /frameworks/bts-sio-2019`). Run with `cargo bench -p portfolio-sio
//! --bench cold_start` (release build). Prints min / median / max over `RUNS` starts.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 20;
const TARGET_MS: f64 = 300.0;

fn main() {
    let exe = env!("CARGO_BIN_EXE_portfolio-sio");
    let dir = std::env::temp_dir().join(format!("portfolio-sio-cold-start-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new(exe)
        .args(["--data-dir", path_str(&dir), "demo", "--prepare-only"])
        .stdout(Stdio::null())
        .status()
        .expect("portfolio-sio demo --prepare-only should run");
    assert!(status.success(), "preparing the demo database failed");
    let db = format!("sqlite://{}", path_str(&dir.join("demo.sqlite")));

    let mut health = Vec::with_capacity(RUNS);
    let mut framework = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let (h, f) = one_start(exe, &db);
        health.push(h);
        framework.push(f);
    }
    let _ = std::fs::remove_dir_all(&dir);

    println!("cold start on the demo database (SQLite), {RUNS} runs, release build");
    report("first response GET /health", &mut health);
    report(
        "first response GET /frameworks/bts-sio-2019",
        &mut framework,
    );
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8 here")
}

/// Starts the server and returns the times to the first 200 of each URL, in milliseconds.
fn one_start(exe: &str, db: &str) -> (f64, f64) {
    let port = free_port();
    let start = Instant::now();
    let mut child = Command::new(exe)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            db,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("portfolio-sio serve should start");
    let health = wait_ok(port, "/health", start);
    let framework = wait_ok(port, "/frameworks/bts-sio-2019", start);
    let _ = child.kill();
    let _ = child.wait();
    (health, framework)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Polls `path` every 0.5 ms until it answers 200; returns the elapsed time since `start`.
fn wait_ok(port: u16, path: &str, start: Instant) -> f64 {
    loop {
        if start.elapsed() > Duration::from_secs(30) {
            panic!("no successful response from {path} within 30 s");
        }
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let req =
                format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            let mut buf = Vec::new();
            if s.write_all(req.as_bytes()).is_ok()
                && s.read_to_end(&mut buf).is_ok()
                && buf.starts_with(b"HTTP/1.1 200")
            {
                return start.elapsed().as_secs_f64() * 1000.0;
            }
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

fn report(what: &str, ms: &mut [f64]) {
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    println!(
        "  {what:<45} min {:>7.1} ms   median {:>7.1} ms   max {:>7.1} ms   (target < {TARGET_MS} ms: {})",
        ms[0],
        median,
        ms[ms.len() - 1],
        if median < TARGET_MS { "met" } else { "MISSED" }
    );
}
