//! What `synchronous=FULL` costs SQLite: committed writes per second with FULL (the default:
//! an acknowledged write survives a power cut) and with NORMAL (`PORTFOLIO_SQLITE_SYNCHRONOUS=
//! normal`), one writer at a time and 16 at once, on a fresh database in the target directory
//! (the disk the data would be on). Each write is one transaction: an audit row, as every
//! request that changes something writes one.
//!
//! `cargo bench -p portfolio-store --bench durability [-- --seconds 5]`; prints one
//! `RESULT durability_MODE writes_s=… concurrent_writes_s=…` line per mode for `bench/run`.

use portfolio_store::sqlite::{SqliteStore, Synchronous, set_synchronous};
use portfolio_store::{AuditEvent, DynStore};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn event(n: u64) -> AuditEvent {
    AuditEvent {
        at: 1_704_067_200 + n as i64,
        actor_user_id: None,
        action: "bench.write",
        target: Some(format!("écriture {n}")),
        client_ip: Some("127.0.0.1".into()),
        details: None,
    }
}

async fn writes_per_second(store: &DynStore, tasks: u64, seconds: f64) -> f64 {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut handles = Vec::new();
    for t in 0..tasks {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                store.audit(&event(t * 1_000_000 + n)).await.expect("write");
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for h in handles {
        total += h.await.expect("task");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(5.0);
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench/durability");
    for (name, mode) in [("full", Synchronous::Full), ("normal", Synchronous::Normal)] {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");
        set_synchronous(mode);
        let url = format!("sqlite://{}", dir.join("bench.sqlite").display());
        let store: DynStore = Arc::new(SqliteStore::connect(&url).await.expect("store"));
        // Warm-up: the file grows to its working size.
        writes_per_second(&store, 1, 0.5).await;
        let one = writes_per_second(&store, 1, seconds).await;
        let many = writes_per_second(&store, 16, seconds).await;
        store.close().await;
        println!(
            "synchronous={name:<6}  1 writer {one:>8.0} writes/s   16 writers {many:>8.0} writes/s"
        );
        println!("RESULT durability_{name} writes_s={one:.0} concurrent_writes_s={many:.0}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
