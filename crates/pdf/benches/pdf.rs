//! `cargo bench -p portfolio-pdf`: the time to render one document (min / median / max over
//! 100 runs) and a batch of 1,000, for the tableau de synthèse (12 réalisations), the E5
//! fiche (2,000-character description), the attestation de stage (6 activities) and the fiche
//! de contrôle de conformité (a ground with two facts, 300 characters). Single thread. The target is < 50 ms a document;
//! a later comparison with LibreOffice asks for ≥ 50× faster.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use portfolio_pdf::{
    PdfError, conformity_sheet_pdf, internship_certificate_pdf, realisation_sheet_pdf,
    synthesis_pdf,
};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn runs(name: &str, n: usize, mut render: impl FnMut() -> Result<Vec<u8>, PdfError>) {
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    for _ in 0..n {
        let start = Instant::now();
        let pdf = black_box(render()).unwrap_or_else(|e| panic!("{name}: {e}"));
        times.push(start.elapsed());
        size = pdf.len();
    }
    times.sort_unstable();
    println!(
        "{name:<36} {n} runs: min {:>7.3} ms  median {:>7.3} ms  max {:>7.3} ms  ({} bytes)",
        ms(times[0]),
        ms(times[n / 2]),
        ms(times[n - 1]),
        size
    );
}

fn batch(name: &str, n: usize, mut render: impl FnMut() -> Result<Vec<u8>, PdfError>) {
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..n {
        bytes += black_box(render())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .len();
    }
    let total = start.elapsed();
    println!(
        "{name:<36} batch of {n}: {:>8.1} ms, {:.3} ms a document, {:.1} MB written",
        ms(total),
        ms(total) / n as f64,
        bytes as f64 / 1e6
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (n, big) = if quick { (3, 10) } else { (100, 1_000) };

    let table = common::synthesis_table(12);
    let sheet = common::realisation_sheet(2_000);
    let table40 = common::synthesis_table(40);
    let attestation = common::internship_certificate(6);
    // 30 activities: laid out up to twice, the type shrunk to stay on one page.
    let attestation30 = common::internship_certificate(30);
    let conformity = common::conformity_sheet(300);

    // The first call parses the fonts and loads the référentiel (once per process).
    let start = Instant::now();
    synthesis_pdf(&table).unwrap_or_else(|e| panic!("warm-up: {e}"));
    println!(
        "first document (fonts and référentiel loaded): {:.3} ms",
        ms(start.elapsed())
    );

    runs("tableau de synthèse, 12 rows", n, || synthesis_pdf(&table));
    runs("tableau de synthèse, 40 rows", n, || {
        synthesis_pdf(&table40)
    });
    runs("fiche E5, 2,000-char description", n, || {
        realisation_sheet_pdf(&sheet)
    });
    runs("attestation de stage, 6 activities", n, || {
        internship_certificate_pdf(&attestation)
    });
    runs("attestation de stage, 30 activities", n, || {
        internship_certificate_pdf(&attestation30)
    });
    runs("contrôle de conformité", n, || {
        conformity_sheet_pdf(&conformity)
    });
    batch("tableau de synthèse, 12 rows", big, || {
        synthesis_pdf(&table)
    });
    batch("fiche E5, 2,000-char description", big, || {
        realisation_sheet_pdf(&sheet)
    });
    batch("attestation de stage, 6 activities", big, || {
        internship_certificate_pdf(&attestation)
    });
    batch("contrôle de conformité", big, || {
        conformity_sheet_pdf(&conformity)
    });
}
