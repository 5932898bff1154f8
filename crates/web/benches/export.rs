//! Bulk export of tableaux de synthèse: every candidate of a database (the one
//! `portfolio-sio generate` filled) read through the store as their head of school reads them
//! — the handed-in version when there is one, the live dossier otherwise — and written as the
//! national .xlsx to a directory, one file per candidate.
//!
//! `cargo bench -p portfolio-web --bench export -- --database-url URL --out DIR [--jobs 2]
//! [--limit N]`; `bench/run` uses it on the 40,000-candidate database and reads its `RESULT`
//! line. Without `--database-url` it prints how to use it and does nothing (so that
//! `cargo bench` alone stays harmless).

use portfolio_domain::access::Actor;
use portfolio_domain::coverage::competencies_of;
use portfolio_domain::dossier::{SynthesisRow, SynthesisTable};
use portfolio_domain::role::{Grant, Role};
use portfolio_framework::bts_sio_2019;
use portfolio_store::{DossierSnapshot, DynStore};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

struct Args {
    url: Option<String>,
    out: Option<PathBuf>,
    jobs: usize,
    limit: Option<usize>,
}

fn args() -> Args {
    let mut a = Args {
        url: None,
        out: None,
        jobs: 2,
        limit: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--database-url" => a.url = it.next(),
            "--out" => a.out = it.next().map(PathBuf::from),
            "--jobs" => a.jobs = it.next().and_then(|n| n.parse().ok()).unwrap_or(a.jobs),
            "--limit" => a.limit = it.next().and_then(|n| n.parse().ok()),
            _ => {}
        }
    }
    a
}

/// The tableau de synthèse of a dossier, as `pages::documents::synthesis_table` builds it
/// (without the portfolio link, which only the student and their teachers print).
fn synthesis_table(s: &DossierSnapshot) -> SynthesisTable {
    let fw = bts_sio_2019();
    SynthesisTable {
        session_year: i32::try_from(s.candidate.session_year).unwrap_or_default(),
        candidate_name: format!(
            "{} {}",
            s.candidate.last_name.to_uppercase(),
            s.candidate.first_name
        ),
        candidate_number: s.candidate.candidate_number.clone(),
        school_name: s.candidate.school_name.clone(),
        track: s.candidate.track,
        portfolio_url: None,
        rows: s
            .realisations
            .iter()
            .map(|r| SynthesisRow {
                title: r.input.title.clone(),
                artifacts: r.artifacts.iter().map(|a| a.name.clone()).collect(),
                period: r.input.period,
                setting: r.input.setting,
                competencies: competencies_of(fw, "B1", &r.input.skills),
            })
            .collect(),
    }
}

#[derive(Default)]
struct Totals {
    files: AtomicU64,
    bytes: AtomicU64,
    handed_in: AtomicU64,
    read_ns: AtomicU64,
    write_ns: AtomicU64,
}

/// Reads one candidate's dossier and writes their tableau.
async fn export_one(
    store: &DynStore,
    out: &std::path::Path,
    student_id: i64,
    totals: &Totals,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let facts = store
        .student_facts(student_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("student {student_id} not found"))?;
    let head = Actor::new(
        0,
        vec![Grant::new(Role::HeadOfSchool, Some(facts.school_id))?],
    );
    let cap = head
        .student(&facts)
        .ok_or_else(|| anyhow::anyhow!("no access to {student_id}"))?;
    let snapshot = match store.current_submission(&cap).await? {
        Some(s) => {
            totals.handed_in.fetch_add(1, Ordering::Relaxed);
            (*s.snapshot).clone()
        }
        None => {
            let profile = store.student_profile(&cap).await?;
            let records = store.realisations(&cap).await?;
            let e5 = store.e5_choice(&cap).await?;
            DossierSnapshot::of(&profile, &records, e5, 0)
        }
    };
    totals
        .read_ns
        .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
    let t = Instant::now();
    let table = synthesis_table(&snapshot);
    let path = out.join(format!("tableau-de-synthese-{student_id}.xlsx"));
    let bytes = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        let xlsx = portfolio_documents::synthesis_xlsx(&table)?;
        std::fs::write(&path, &xlsx)?;
        Ok(xlsx.len())
    })
    .await??;
    totals
        .write_ns
        .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
    totals.files.fetch_add(1, Ordering::Relaxed);
    totals.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let a = args();
    let (Some(url), Some(out)) = (a.url.clone(), a.out.clone()) else {
        println!(
            "export: nothing to do; usage: cargo bench -p portfolio-web --bench export -- \
             --database-url URL --out DIR [--jobs 2] [--limit N]"
        );
        return Ok(());
    };
    std::fs::create_dir_all(&out)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let store = portfolio_store::connect(&url).await?;
        let t = Instant::now();
        // Every candidate, class by class, as an administrator lists them.
        let admin = Actor::new(0, vec![Grant::new(Role::Admin, None)?]);
        let mut students = Vec::new();
        for class in store.all_classes().await? {
            let Some(facts) = store.class_facts(class.id).await? else {
                continue;
            };
            let Some(cap) = admin.class(&facts) else {
                continue;
            };
            students.extend(store.class_roster(&cap).await?.into_iter().map(|s| s.id));
        }
        if let Some(limit) = a.limit {
            students.truncate(limit);
        }
        let listing = t.elapsed();
        let totals = Arc::new(Totals::default());
        let students = Arc::new(students);
        let next = Arc::new(AtomicU64::new(0));
        let t = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..a.jobs.max(1) {
            let (store, out, totals, students, next) = (
                store.clone(),
                out.clone(),
                totals.clone(),
                students.clone(),
                next.clone(),
            );
            tasks.spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let Some(id) = students.get(i) else {
                        return anyhow::Ok(());
                    };
                    export_one(&store, &out, *id, &totals).await?;
                }
            });
        }
        while let Some(r) = tasks.join_next().await {
            r??;
        }
        let elapsed = t.elapsed().as_secs_f64();
        store.close().await;
        let files = totals.files.load(Ordering::Relaxed);
        let bytes = totals.bytes.load(Ordering::Relaxed);
        let per_ms = |ns: &AtomicU64| ns.load(Ordering::Relaxed) as f64 / 1e6 / files as f64;
        println!(
            "export of {files} tableaux de synthèse ({} handed in) through the store ({}), {} jobs: {elapsed:.1} s, {:.2} ms a file ({:.0} files/s), read {:.2} ms + write {:.2} ms per file and job, {:.0} MB; listing {:.2} s",
            totals.handed_in.load(Ordering::Relaxed),
            store.backend(),
            a.jobs,
            elapsed * 1000.0 / files as f64,
            files as f64 / elapsed,
            per_ms(&totals.read_ns),
            per_ms(&totals.write_ns),
            bytes as f64 / 1e6,
            listing.as_secs_f64()
        );
        println!(
            "RESULT export files={files} seconds={elapsed:.3} per_file_ms={:.4} read_ms={:.4} write_ms={:.4} bytes={bytes} jobs={} backend={}",
            elapsed * 1000.0 / files as f64,
            per_ms(&totals.read_ns),
            per_ms(&totals.write_ns),
            a.jobs,
            store.backend()
        );
        anyhow::Ok(())
    })
}
