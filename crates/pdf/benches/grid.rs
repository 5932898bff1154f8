//! The grille d'aide à l'évaluation (annexe 6-3) as PDF, timed for the comparison with
//! LibreOffice that `bench/run` makes: a batch of filled Bloc 1 grids (a different candidate,
//! levels and mark in each), written to files, several runs, the time per document.
//!
//! `cargo bench -p portfolio-pdf --bench grid -- --out DIR [--count 1000] [--runs 3]` writes
//! `DIR/grid.json` (the texts of the grids, from which `bench/grid_fodt.py` writes the same
//! grids as OpenDocument for LibreOffice) and the PDFs under `DIR/rust/`, and prints one
//! `RESULT` line that `bench/run` reads. Without `--out` it renders a small batch in memory.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use portfolio_domain::evaluation::ProposedMark;
use portfolio_domain::grid::{EvaluationHeader, GridSheet, Visa, grid_rows};
use portfolio_domain::session_labels::{DossierExam, SessionLabels};
use portfolio_framework::{ExamForm, MasteryLevel, Penalty, Track, bts_sio_2019};
use portfolio_pdf::grid_pdf;
use time::{Date, Month};

const FIRST: [&str; 8] = [
    "Élodie", "Lucas", "Chloé", "Mathéo", "Inès", "Noah", "Léa", "Gaël",
];
const LAST: [&str; 8] = [
    "DUPONT-ŒUVRARD",
    "MARTIN",
    "BERTRAND",
    "LEFÈVRE",
    "N'GUYEN",
    "ROUSSEAU",
    "GARÇON",
    "FABRE",
];

struct Args {
    out: Option<PathBuf>,
    count: usize,
    runs: usize,
}

fn args() -> Args {
    let mut a = Args {
        out: None,
        count: 20,
        runs: 1,
    };
    let mut explicit = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" => a.out = it.next().map(PathBuf::from),
            "--count" => {
                a.count = it.next().and_then(|n| n.parse().ok()).unwrap_or(a.count);
                explicit = true;
            }
            "--runs" => {
                a.runs = it.next().and_then(|n| n.parse().ok()).unwrap_or(a.runs);
                explicit = true;
            }
            _ => {}
        }
    }
    if a.out.is_some() && !explicit {
        a.count = 1_000;
        a.runs = 3;
    }
    a
}

fn date(day: u8) -> Date {
    Date::from_calendar_date(2027, Month::May, day).unwrap_or(Date::MIN)
}

/// The `i`-th grid of the batch: Bloc 1, SISR, levels and mark varying with `i`.
fn grid(i: usize) -> GridSheet {
    let exam = DossierExam::Block1;
    let track = Track::Sisr;
    let hundredths = 600 + (i * 137) % 1300;
    GridSheet {
        header: EvaluationHeader {
            exam_heading: SessionLabels::text_of_2019().exam_heading(exam, track),
            annex: "6-3".to_owned(),
            academy: "Lyon".to_owned(),
            session_year: 2027,
            last_name: LAST[i % LAST.len()].to_owned(),
            first_name: FIRST[(i / LAST.len()) % FIRST.len()].to_owned(),
            candidate_number: format!("2714{:07}", i + 1),
            form: ExamForm::Continuous,
            commission: format!("E4 SISR CCF — commission {}", i / 20 + 1),
            track,
            date: Some(date(10 + (i % 5) as u8)),
            members: vec!["Agnès Perrin".to_owned(), "Marc Dubois".to_owned()],
        },
        exam,
        rows: grid_rows(exam, track)
            .into_iter()
            .enumerate()
            .map(|(k, r)| (r, Some(MasteryLevel::ALL[(i + k + 2) % 5])))
            .collect(),
        coverage: "Toutes les compétences du bloc sont couvertes par au moins une réalisation."
            .to_owned(),
        environment:
            "La commission a constaté la conformité de l'environnement technologique (annexe II.E)."
                .to_owned(),
        proposed: ProposedMark::from_hundredths(u16::try_from(hundredths).unwrap_or(1000)),
        penalties: if i % 7 == 3 {
            vec![Penalty::MissingSynthesisTable]
        } else {
            Vec::new()
        },
        chosen_realisation: None,
        needs_statement: None,
        visas: vec![
            Visa {
                name: "Agnès Perrin".to_owned(),
                signed_on: Some(date(10 + (i % 5) as u8)),
            },
            Visa {
                name: "Marc Dubois".to_owned(),
                signed_on: (!i.is_multiple_of(3)).then(|| date(10 + (i % 5) as u8)),
            },
        ],
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| json_str(s)).collect();
    format!("[{}]", inner.join(","))
}

fn dmy(d: Option<Date>) -> String {
    d.map_or_else(String::new, |d| {
        format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
    })
}

/// Everything the grid prints that comes from the input or the référentiel; the annex's fixed
/// sentences are in `bench/grid_fodt.py`, copied from `crates/pdf/src/evaluation.rs`.
fn grid_json(g: &GridSheet) -> String {
    let fw = bts_sio_2019();
    let h = &g.header;
    let levels = &fw.e4_evaluation.mastery_levels;
    let mut s = String::from("{");
    let field = |s: &mut String, k: &str, v: String| {
        let _ = write!(s, "{}:{},", json_str(k), v);
    };
    field(&mut s, "exam_heading", json_str(&h.exam_heading));
    field(&mut s, "annex", json_str(&h.annex));
    field(&mut s, "academy", json_str(&h.academy));
    field(&mut s, "session_year", h.session_year.to_string());
    field(
        &mut s,
        "name",
        json_str(&format!("{} {}", h.last_name, h.first_name)),
    );
    field(&mut s, "candidate_number", json_str(&h.candidate_number));
    field(&mut s, "one_off", (h.form == ExamForm::OneOff).to_string());
    field(&mut s, "commission", json_str(&h.commission));
    field(&mut s, "sisr", (h.track == Track::Sisr).to_string());
    field(&mut s, "date", json_str(&dmy(h.date)));
    field(&mut s, "members", json_list(&h.members));
    field(&mut s, "coverage", json_str(&g.coverage));
    field(&mut s, "environment", json_str(&g.environment));
    field(
        &mut s,
        "proposed",
        json_str(&g.proposed.map(|p| p.to_string()).unwrap_or_default()),
    );
    field(
        &mut s,
        "final",
        json_str(&g.final_mark().map(|m| m.to_string()).unwrap_or_default()),
    );
    let penalties: Vec<String> = fw
        .e4_evaluation
        .penalties
        .iter()
        .map(|p| {
            format!(
                "{{\"text\":{},\"ticked\":{}}}",
                json_str(&p.text),
                g.penalties.contains(&p.code)
            )
        })
        .collect();
    field(&mut s, "penalties", format!("[{}]", penalties.join(",")));
    let lv: Vec<String> = levels
        .iter()
        .map(|l| {
            format!(
                "{{\"label\":{},\"descriptors\":{}}}",
                json_str(&l.label),
                json_list(&l.descriptors)
            )
        })
        .collect();
    field(&mut s, "levels", format!("[{}]", lv.join(",")));
    let rows: Vec<String> = g
        .rows
        .iter()
        .map(|(spec, rated)| {
            let rated = rated
                .and_then(|r| levels.iter().position(|l| l.code == r))
                .map_or_else(|| "null".to_owned(), |i| i.to_string());
            format!(
                "{{\"label\":{},\"skills\":{},\"indicators\":{},\"rated\":{}}}",
                json_str(&spec.label),
                json_list(&spec.skills),
                json_list(&spec.indicators),
                rated
            )
        })
        .collect();
    field(&mut s, "rows", format!("[{}]", rows.join(",")));
    let visas: Vec<String> = g
        .visas
        .iter()
        .map(|v| {
            format!(
                "{{\"name\":{},\"date\":{}}}",
                json_str(&v.name),
                json_str(&dmy(v.signed_on))
            )
        })
        .collect();
    let _ = write!(s, "\"visas\":[{}]}}", visas.join(","));
    s
}

fn write_inputs(out: &Path, grids: &[GridSheet]) {
    let all: Vec<String> = grids.iter().map(grid_json).collect();
    std::fs::write(out.join("grid.json"), format!("[{}]\n", all.join(",\n")))
        .expect("grid.json written");
}

fn main() {
    let a = args();
    let grids: Vec<GridSheet> = (0..a.count).map(grid).collect();
    // The first document parses the fonts and loads the référentiel (once per process).
    let first = grid_pdf(&grids[0]).expect("grid rendered");
    let rust_dir = a.out.as_ref().map(|o| o.join("rust"));
    if let (Some(out), Some(dir)) = (&a.out, &rust_dir) {
        std::fs::create_dir_all(dir).expect("output directory");
        write_inputs(out, &grids);
        std::fs::write(dir.join("first.pdf"), &first).expect("pdf written");
    }
    let mut per_doc = Vec::with_capacity(a.runs);
    let mut bytes = 0usize;
    for _ in 0..a.runs {
        let t = Instant::now();
        bytes = 0;
        for (i, g) in grids.iter().enumerate() {
            let pdf = black_box(grid_pdf(black_box(g)).expect("grid rendered"));
            bytes += pdf.len();
            if let Some(dir) = &rust_dir {
                std::fs::write(dir.join(format!("grid-{i:04}.pdf")), &pdf).expect("pdf written");
            }
        }
        per_doc.push(t.elapsed().as_secs_f64() * 1000.0 / a.count as f64);
    }
    per_doc.sort_by(f64::total_cmp);
    println!(
        "grid_pdf, Bloc 1 grid recto/verso, batch of {} written to files, {} runs: min {:.3} ms  median {:.3} ms  max {:.3} ms a document ({:.0} KB each)",
        a.count,
        a.runs,
        per_doc[0],
        per_doc[per_doc.len() / 2],
        per_doc[per_doc.len() - 1],
        bytes as f64 / a.count as f64 / 1024.0
    );
    println!(
        "RESULT grid_pdf count={} runs={} min_ms={:.4} median_ms={:.4} max_ms={:.4} bytes={}",
        a.count,
        a.runs,
        per_doc[0],
        per_doc[per_doc.len() / 2],
        per_doc[per_doc.len() - 1],
        bytes / a.count.max(1)
    );
}
