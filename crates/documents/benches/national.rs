//! The timings `bench/run` compares with the tools teachers use: a batch of tableaux de
//! synthèse written to files (against the openpyxl script of `bench/`, which writes the same
//! cells and formats from the same data), and the import of a session's list of 5,000
//! candidates, as .xlsx and as CSV.
//!
//! `cargo bench -p portfolio-documents --bench national -- --out DIR [--count 1000]
//! [--runs 3] [--import-rows 5000]` writes `DIR/tables.json` (the tables and the texts of the
//! national model, read by `bench/openpyxl_synthesis.py`) and the files under `DIR/rust/`,
//! and prints `RESULT` lines that `bench/run` reads. Without `--out` it makes a small batch in
//! memory.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use portfolio_documents::import::candidates::import_candidates;
use portfolio_documents::model;
use portfolio_documents::synthesis_xlsx;
use portfolio_domain::dossier::{Period, Setting, SynthesisRow, SynthesisTable};
use portfolio_framework::Track;
use time::{Date, Duration, Month};

struct Args {
    out: Option<PathBuf>,
    count: usize,
    runs: usize,
    import_rows: usize,
}

fn args() -> Args {
    let mut a = Args {
        out: None,
        count: 20,
        runs: 1,
        import_rows: 500,
    };
    let mut explicit = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = |d: usize| it.next().and_then(|n| n.parse().ok()).unwrap_or(d);
        match arg.as_str() {
            "--out" => a.out = it.next().map(PathBuf::from),
            "--count" => {
                a.count = num(a.count);
                explicit = true;
            }
            "--runs" => {
                a.runs = num(a.runs);
                explicit = true;
            }
            "--import-rows" => {
                a.import_rows = num(a.import_rows);
                explicit = true;
            }
            _ => {}
        }
    }
    if a.out.is_some() && !explicit {
        a.count = 1_000;
        a.runs = 3;
        a.import_rows = 5_000;
    }
    a
}

/// A small deterministic generator (no dependency): xorshift.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOPICS: [&str; 12] = [
    "Mise en place d’un serveur GLPI et inventaire du parc",
    "Déploiement de postes par le réseau avec WDS",
    "Supervision des équipements réseau avec Zabbix",
    "Site vitrine de l’association sportive du lycée",
    "Sauvegarde des serveurs de fichiers avec Veeam",
    "Application de réservation des salles en PHP",
    "Migration de la messagerie vers un nouveau serveur",
    "Segmentation du réseau en VLAN et routage inter-VLAN",
    "Gestion des incidents au centre de services",
    "Portail captif Wi-Fi pour les visiteurs",
    "API REST de suivi des stages en Python",
    "Durcissement des postes de travail (GPO)",
];
const PRODUCTIONS: [&str; 6] = [
    "Procédure d’installation",
    "captures-ecran.pdf",
    "Documentation technique",
    "https://git.example.fr/projet",
    "Compte rendu de réunion",
    "Schéma du réseau",
];
const NAMES: [&str; 10] = [
    "DUPONT Jean",
    "MARTIN Lucas",
    "BERTRAND Jade",
    "LEFÈVRE Chloé",
    "N’GUYEN Inès",
    "ROUSSEAU Mathéo",
    "GARÇON Léa",
    "FABRE Noah",
    "MOREAU Gaël",
    "PETIT Zoé",
];

fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap_or(Month::January), d)
        .unwrap_or(Date::MIN)
}

/// The `i`-th table of the batch: 8 to 14 réalisations over the three sections, 0 to 3
/// productions each, 1 to 4 competencies each.
fn table(i: usize, noise: &mut Noise) -> SynthesisTable {
    let codes: Vec<String> = model::bloc1()
        .map(|b| b.competencies.iter().map(|c| c.code.clone()).collect())
        .unwrap_or_default();
    let n = 8 + noise.below(7);
    let rows = (0..n)
        .map(|k| {
            let setting = Setting::ALL[noise.below(3)];
            let start = day(2025, 9, 1) + Duration::days(noise.below(500) as i64);
            let end = start + Duration::days(7 + noise.below(120) as i64);
            let artifacts = (0..noise.below(4))
                .map(|a| PRODUCTIONS[(k + a) % PRODUCTIONS.len()].to_owned())
                .collect();
            let mut competencies = std::collections::BTreeSet::new();
            for _ in 0..1 + noise.below(4) {
                competencies.insert(codes[noise.below(codes.len())].clone());
            }
            SynthesisRow {
                title: TOPICS[(i + k) % TOPICS.len()].to_owned(),
                artifacts,
                period: Period::new(start, end).expect("ordered dates"),
                setting,
                competencies,
            }
        })
        .collect();
    SynthesisTable {
        session_year: 2027,
        candidate_name: NAMES[i % NAMES.len()].to_owned(),
        candidate_number: Some(format!("2714{:07}", i + 1)),
        school_name: "Lycée Jean Moulin, Lyon".to_owned(),
        track: if i.is_multiple_of(2) {
            Track::Sisr
        } else {
            Track::Slam
        },
        portfolio_url: Some(format!("https://portfolio.lycee.fr/p/{i:032x}")),
        rows,
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

fn json_list(items: impl IntoIterator<Item = String>) -> String {
    let inner: Vec<String> = items.into_iter().map(|s| json_str(&s)).collect();
    format!("[{}]", inner.join(","))
}

/// The texts of the national model and the tables, for the openpyxl script.
fn tables_json(tables: &[SynthesisTable]) -> String {
    let block = model::bloc1().expect("Bloc 1");
    let codes: Vec<&str> = block.competencies.iter().map(|c| c.code.as_str()).collect();
    let mut s = String::from("{\"model\":{");
    let _ = write!(
        s,
        "\"sheet_name\":{},\"diploma\":{},\"session_label\":{},\"title\":{},\"name_label\":{},\
         \"number_label\":{},\"school_label\":{},\"option_label\":{},\"url_label\":{},\
         \"corner\":{},\"period_header\":{},\"box_ticked\":{},\"box_empty\":{},\
         \"artifact_bullet\":{},\"tick\":{},\"competencies\":{},\"skills\":{},\"banners\":{}}},",
        json_str(model::SHEET_NAME),
        json_str(model::DIPLOMA_TITLE),
        json_str(model::SESSION_LABEL),
        json_str(model::TABLE_TITLE),
        json_str(model::NAME_LABEL),
        json_str(model::NUMBER_LABEL),
        json_str(model::SCHOOL_LABEL),
        json_str(model::OPTION_LABEL),
        json_str(model::URL_LABEL),
        json_str(&model::corner_header()),
        json_str(model::PERIOD_HEADER),
        json_str(&model::BOX_TICKED.to_string()),
        json_str(&model::BOX_EMPTY.to_string()),
        json_str(model::ARTIFACT_BULLET),
        json_str(model::TICK),
        json_list(block.competencies.iter().map(|c| c.label.clone())),
        json_list(block.competencies.iter().map(model::skills_cell)),
        json_list(Setting::ALL.iter().map(|s| s.banner().to_owned())),
    );
    s.push_str("\"tables\":[");
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        let rows: Vec<String> = t
            .rows
            .iter()
            .map(|r| {
                let comps: Vec<String> = codes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| r.competencies.contains(**c))
                    .map(|(k, _)| k.to_string())
                    .collect();
                format!(
                    "{{\"title\":{},\"artifacts\":{},\"period\":{},\"setting\":{},\"competencies\":[{}]}}",
                    json_str(&r.title),
                    json_list(r.artifacts.iter().cloned()),
                    json_str(&r.period.short()),
                    Setting::ALL.iter().position(|s| *s == r.setting).unwrap_or(0),
                    comps.join(",")
                )
            })
            .collect();
        let _ = write!(
            s,
            "{{\"session_year\":{},\"candidate_name\":{},\"candidate_number\":{},\"school_name\":{},\
             \"sisr\":{},\"portfolio_url\":{},\"rows\":[{}]}}",
            t.session_year,
            json_str(&t.candidate_name),
            json_str(t.candidate_number.as_deref().unwrap_or("")),
            json_str(&t.school_name),
            t.track == Track::Sisr,
            json_str(t.portfolio_url.as_deref().unwrap_or("")),
            rows.join(",")
        );
    }
    s.push_str("]}\n");
    s
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

fn synthesis_batch(a: &Args) {
    let mut noise = Noise(0x2545_f491_4f6c_dd1d);
    let tables: Vec<SynthesisTable> = (0..a.count).map(|i| table(i, &mut noise)).collect();
    let rust_dir = a.out.as_ref().map(|o| o.join("rust"));
    if let (Some(out), Some(dir)) = (&a.out, &rust_dir) {
        std::fs::create_dir_all(dir).expect("output directory");
        std::fs::write(out.join("tables.json"), tables_json(&tables)).expect("tables.json");
    }
    // Warm-up: the référentiel is loaded once per process.
    black_box(synthesis_xlsx(&tables[0]).expect("xlsx"));
    let mut per_doc = Vec::with_capacity(a.runs);
    let mut bytes = 0usize;
    for _ in 0..a.runs {
        bytes = 0;
        let t = Instant::now();
        for (i, table) in tables.iter().enumerate() {
            let xlsx = black_box(synthesis_xlsx(black_box(table)).expect("xlsx"));
            bytes += xlsx.len();
            if let Some(dir) = &rust_dir {
                std::fs::write(dir.join(format!("tableau-{i:04}.xlsx")), &xlsx)
                    .expect("xlsx written");
            }
        }
        per_doc.push(t.elapsed().as_secs_f64() * 1000.0 / a.count as f64);
    }
    let (min, median, max) = stats(per_doc);
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    println!(
        "synthesis_xlsx, batch of {} ({:.1} réalisations each) written to files, {} runs: min {min:.3} ms  median {median:.3} ms  max {max:.3} ms a file",
        a.count,
        rows as f64 / a.count as f64,
        a.runs
    );
    println!(
        "RESULT synthesis_xlsx count={} runs={} min_ms={min:.4} median_ms={median:.4} max_ms={max:.4} bytes={}",
        a.count,
        a.runs,
        bytes / a.count.max(1)
    );
}

/// A session's list of `n` candidates as the académie exports it, as .xlsx and as CSV.
fn candidate_list(n: usize) -> (Vec<u8>, Vec<u8>) {
    let header = [
        "N° candidat",
        "Nom",
        "Prénom",
        "Option",
        "Voie de formation",
        "Forme (ponctuelle / CCF)",
    ];
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let rows: Vec<[String; 6]> = (0..n)
        .map(|i| {
            let name = NAMES[noise.below(NAMES.len())];
            let (last, first) = name.split_once(' ').unwrap_or((name, "Camille"));
            [
                format!("2714{:07}", i + 1),
                format!("{last}-{i}"),
                first.to_owned(),
                if i.is_multiple_of(2) { "SISR" } else { "SLAM" }.to_owned(),
                match i % 10 {
                    0 => "Apprentissage",
                    1 => "Formation continue",
                    _ => "Scolaire",
                }
                .to_owned(),
                if i.is_multiple_of(3) {
                    "Ponctuelle"
                } else {
                    "CCF"
                }
                .to_owned(),
            ]
        })
        .collect();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("cell");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v).expect("cell");
        }
    }
    let xlsx = workbook.save_to_buffer().expect("xlsx");
    let mut csv = header.join(";");
    csv.push('\n');
    for row in &rows {
        csv.push_str(&row.join(";"));
        csv.push('\n');
    }
    (xlsx, csv.into_bytes())
}

fn import(a: &Args) {
    let (xlsx, csv) = candidate_list(a.import_rows);
    if let Some(out) = &a.out {
        std::fs::write(out.join("candidats.xlsx"), &xlsx).expect("list written");
        std::fs::write(out.join("candidats.csv"), &csv).expect("list written");
    }
    let runs = a.runs.max(3) + 2;
    for (kind, bytes) in [("xlsx", &xlsx), ("csv", &csv)] {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let imported = black_box(import_candidates(black_box(bytes)).expect("import"));
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(
                imported.accepted.len(),
                a.import_rows,
                "every row accepted: {:?}",
                imported.rejected.first()
            );
        }
        let (min, median, max) = stats(times);
        println!(
            "import_candidates, {} rows, .{kind} ({} bytes), {runs} runs: min {min:.2} ms  median {median:.2} ms  max {max:.2} ms",
            a.import_rows,
            bytes.len()
        );
        println!(
            "RESULT import_candidates_{kind} rows={} runs={runs} min_ms={min:.4} median_ms={median:.4} max_ms={max:.4} bytes={}",
            a.import_rows,
            bytes.len()
        );
    }
}

fn main() {
    let a = args();
    if let Some(out) = &a.out {
        std::fs::create_dir_all(out).expect("output directory");
    }
    synthesis_batch(&a);
    import(&a);
}
