//! Timings of the tableau de synthèse: writing one .xlsx of 12 réalisations (target: under
//! 5 ms), writing 1,000 in a batch, and importing one. Run with
//! `cargo bench -p portfolio-documents`; it prints the figures, it asserts nothing.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use portfolio_documents::{import_synthesis_xlsx, synthesis_xlsx};

const RUNS: usize = 200;
const BATCH: usize = 1_000;
const TARGET: Duration = Duration::from_millis(5);

struct Stats {
    min: Duration,
    median: Duration,
    max: Duration,
}

fn measure(runs: usize, mut f: impl FnMut()) -> Stats {
    // Warm-up: the framework is loaded once, the allocator settles.
    for _ in 0..10 {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    Stats {
        min: times[0],
        median: times[times.len() / 2],
        max: times[times.len() - 1],
    }
}

fn print(what: &str, s: &Stats) {
    println!(
        "{what:<48} min {:>9.3?}  median {:>9.3?}  max {:>9.3?}",
        s.min, s.median, s.max
    );
}

fn main() {
    let table = common::sample_table();
    assert_eq!(table.rows.len(), 12);
    let bytes = synthesis_xlsx(&table).expect("xlsx");
    println!(
        "tableau de synthèse, {} réalisations: {} octets",
        table.rows.len(),
        bytes.len()
    );

    let write = measure(RUNS, || {
        black_box(synthesis_xlsx(black_box(&table)).expect("xlsx"));
    });
    print(
        &format!("synthesis_xlsx, 12 réalisations ({RUNS} runs)"),
        &write,
    );

    let t = Instant::now();
    let mut total = 0usize;
    for _ in 0..BATCH {
        total += black_box(synthesis_xlsx(black_box(&table)).expect("xlsx")).len();
    }
    let batch = t.elapsed();
    println!(
        "{:<48} total {:>9.3?}  per file {:>9.3?}  ({} Mo written)",
        format!("synthesis_xlsx, batch of {BATCH}"),
        batch,
        batch / BATCH as u32,
        total / 1_000_000
    );

    let import = measure(RUNS, || {
        black_box(import_synthesis_xlsx(black_box(&bytes)).expect("import"));
    });
    print(
        &format!("import_synthesis_xlsx, our file ({RUNS} runs)"),
        &import,
    );

    let fixture = common::fixture("real-2023-sisr-1.xlsx");
    let import_fixture = measure(RUNS, || {
        black_box(import_synthesis_xlsx(black_box(&fixture)).expect("import"));
    });
    print(
        &format!("import_synthesis_xlsx, real-2023-sisr-1 ({RUNS} runs)"),
        &import_fixture,
    );

    println!(
        "target: under {TARGET:?} per .xlsx: {}",
        if write.median < TARGET {
            "met"
        } else {
            "MISSED"
        }
    );
}
