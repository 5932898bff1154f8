//! Checks the embedded data against the regulation text of `regulation/seeds/`, read at
//! test time: the counts (literal numbers, counted in the seeds by hand), and that
//! every label occurs verbatim in the file it comes from. The only normalisation
//! is of whitespace runs (spaces, tabs, line breaks → one space), because the seed
//! text wraps lines; anything else (apostrophes, non-breaking spaces, typos) must
//! match exactly.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use portfolio_framework::{
    AnyFramework, ExamForm, FRAMEWORK_IDS, Framework, Framework2011, MasteryLevel, Penalty,
    RouteGroup, Track, bts_sio_2011, bts_sio_2019, by_id, load_2011, load_2019, render_text,
};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../regulation/seeds");

/// The text of the seed whose name starts with `prefix` (`"000_"`).
fn seed(prefix: &str) -> String {
    let dir = Path::new(SEEDS);
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(".txt") {
            return fs::read_to_string(&path).unwrap();
        }
    }
    panic!("no seed {prefix}* in {}", dir.display());
}

/// Whitespace runs become one space: a run of spaces, tabs and line breaks, with
/// any non-breaking spaces that touch it (the source has some at line ends,
/// « approfondies\u{a0} » before a cell break). Nothing else changes: a
/// non-breaking space between two words or before a colon stays one.
fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |out: &mut String, run: &mut String| {
        if run.chars().any(|c| c != '\u{a0}') {
            if !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for ch in s.chars() {
        if matches!(ch, ' ' | '\t' | '\r' | '\n' | '\u{a0}') {
            run.push(ch);
        } else {
            flush(&mut out, &mut run);
            out.push(ch);
        }
    }
    if run.chars().all(|c| c == '\u{a0}') {
        out.push_str(&run);
    }
    out
}

/// The normalised text of `text` between the first occurrence of `start` and the
/// next occurrence of `end` after it.
fn between(text: &str, start: &str, end: &str) -> String {
    let s = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"));
    let e = text[s + start.len()..]
        .find(end)
        .map(|i| s + start.len() + i)
        .unwrap_or_else(|| panic!("{end:?} not found after {start:?}"));
    norm(&text[s..e])
}

struct Verbatim<'a> {
    source: &'a str,
    text: String,
    missing: Vec<String>,
}

impl<'a> Verbatim<'a> {
    fn new(source: &'a str, text: String) -> Self {
        Verbatim {
            source,
            text,
            missing: Vec::new(),
        }
    }

    fn check(&mut self, what: &str, label: &str) {
        let n = norm(label);
        if n.is_empty() || !self.text.contains(&n) {
            self.missing.push(format!("{what}: {label:?}"));
        }
    }

    fn assert_all_found(self) {
        assert!(
            self.missing.is_empty(),
            "{} label(s) not found verbatim in {}:\n{}",
            self.missing.len(),
            self.source,
            self.missing.join("\n")
        );
    }
}

fn fw() -> &'static Framework {
    bts_sio_2019()
}

fn fw2011() -> &'static Framework2011 {
    bts_sio_2011()
}

// ---------------------------------------------------------------------------
// Loading and validation

#[test]
fn embedded_data_loads_and_is_valid() {
    let f = load_2019().unwrap_or_else(|e| panic!("{e}"));
    assert!(f.validate().is_empty());
    let f = load_2011().unwrap_or_else(|e| panic!("{e}"));
    assert!(f.validate().is_empty());
}

// ---------------------------------------------------------------------------
// Counts, counted by hand in 000 (Annexe I.B)

fn counts(code: &str) -> (Vec<&str>, Vec<usize>, Vec<usize>) {
    let b = fw().block(code).unwrap();
    (
        b.competencies.iter().map(|c| c.code.as_str()).collect(),
        b.competencies.iter().map(|c| c.skills.len()).collect(),
        b.competencies.iter().map(|c| c.indicators.len()).collect(),
    )
}

#[test]
fn bloc_1_has_6_competencies_and_22_skills() {
    let (codes, skills, indicators) = counts("B1");
    assert_eq!(codes, ["B1.1", "B1.2", "B1.3", "B1.4", "B1.5", "B1.6"]);
    assert_eq!(skills, [6, 3, 3, 3, 3, 4]);
    assert_eq!(skills.iter().sum::<usize>(), 22);
    assert_eq!(indicators, [7, 8, 5, 8, 6, 4]);
}

#[test]
fn bloc_2_sisr_has_3_competencies_and_17_skills() {
    let (codes, skills, indicators) = counts("B2-SISR");
    assert_eq!(codes, ["B2-SISR.1", "B2-SISR.2", "B2-SISR.3"]);
    assert_eq!(skills, [6, 6, 5]);
    assert_eq!(skills.iter().sum::<usize>(), 17);
    assert_eq!(indicators, [11, 10, 17]);
}

#[test]
fn bloc_2_slam_has_3_competencies_and_20_skills() {
    let (codes, skills, indicators) = counts("B2-SLAM");
    assert_eq!(codes, ["B2-SLAM.1", "B2-SLAM.2", "B2-SLAM.3"]);
    assert_eq!(skills, [11, 5, 4]);
    assert_eq!(skills.iter().sum::<usize>(), 20);
    assert_eq!(indicators, [7, 12, 9]);
}

#[test]
fn bloc_3_has_4_common_competencies_and_one_per_option() {
    let (codes, skills, indicators) = counts("B3");
    assert_eq!(
        codes,
        ["B3.1", "B3.2", "B3.3", "B3.4", "B3.5-SISR", "B3.5-SLAM"]
    );
    assert_eq!(skills, [4, 2, 4, 5, 6, 6]);
    assert_eq!(skills[..4].iter().sum::<usize>(), 15);
    assert_eq!(indicators, [5, 2, 4, 5, 11, 12]);
    let b3 = fw().block("B3").unwrap();
    let tracks: Vec<Option<Track>> = b3.competencies.iter().map(|c| c.track).collect();
    assert_eq!(
        tracks,
        [None, None, None, None, Some(Track::Sisr), Some(Track::Slam)]
    );
}

#[test]
fn counts_per_option() {
    for (track, competencies, skills) in [(Track::Sisr, 14, 60), (Track::Slam, 14, 63)] {
        assert_eq!(
            fw().competencies_for(track).count(),
            competencies,
            "{track}"
        );
        let n: usize = fw().competencies_for(track).map(|c| c.skills.len()).sum();
        assert_eq!(n, skills, "{track}");
    }
    assert_eq!(fw().blocks.len(), 4);
    assert_eq!(fw().competencies().count(), 18);
    assert_eq!(fw().skills().count(), 86);
}

#[test]
fn counts_2011() {
    let f = fw2011();
    let processes: Vec<&str> = f.processes.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(processes, ["P1", "P2", "P3", "P4", "P5"]);
    let domains: Vec<usize> = f.processes.iter().map(|p| p.domains.len()).collect();
    assert_eq!(domains, [4, 3, 3, 2, 2]);
    assert_eq!(f.activities().count(), 57);
    assert_eq!(f.competencies().count(), 158);
    let per_process: Vec<usize> = f
        .processes
        .iter()
        .map(|p| {
            p.domains
                .iter()
                .flat_map(|d| &d.activities)
                .map(|a| a.competencies.len())
                .sum()
        })
        .collect();
    assert_eq!(per_process, [39, 28, 30, 36, 25]);
    let tracks: Vec<Vec<Track>> = f.processes.iter().map(|p| p.tracks.clone()).collect();
    let both = vec![Track::Sisr, Track::Slam];
    assert_eq!(
        tracks,
        [
            both.clone(),
            both.clone(),
            vec![Track::Sisr],
            vec![Track::Slam],
            both
        ]
    );
}

// ---------------------------------------------------------------------------
// Codes

fn is_num(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0')
}

#[test]
fn codes_are_unique_and_follow_the_scheme() {
    let mut seen = HashSet::new();
    for b in &fw().blocks {
        assert!(seen.insert(b.code.clone()), "duplicate {}", b.code);
        assert!(
            ["B1", "B2-SISR", "B2-SLAM", "B3"].contains(&b.code.as_str()),
            "{}",
            b.code
        );
        for c in &b.competencies {
            assert!(seen.insert(c.code.clone()), "duplicate {}", c.code);
            let rest = c.code.strip_prefix(&format!("{}.", b.code)).unwrap();
            match (b.track, c.track) {
                (None, Some(t)) => {
                    assert_eq!(rest, format!("5-{}", t.code()), "{}", c.code);
                }
                _ => assert!(is_num(rest), "{}", c.code),
            }
            assert_eq!(c.block, b.code);
            for (m, s) in c.skills.iter().enumerate() {
                assert!(seen.insert(s.code.clone()), "duplicate {}", s.code);
                assert_eq!(s.code, format!("{}.{}", c.code, m + 1));
            }
        }
    }
    assert_eq!(seen.len(), 4 + 18 + 86);

    let mut seen = HashSet::new();
    for c in fw2011().competencies() {
        let code = &c.competency.code;
        assert!(seen.insert(code.clone()), "duplicate {code}");
        let a = c.activity.code.strip_prefix('A').unwrap();
        let n = code.strip_prefix(&format!("C{a}.")).unwrap();
        assert!(is_num(n), "{code}");
        assert!(
            c.activity
                .code
                .starts_with(&format!("A{}", &c.domain.code[1..]))
        );
        assert!(
            c.domain
                .code
                .starts_with(&format!("D{}", &c.process.code[1..]))
        );
    }
    let printed: Vec<(&str, &str)> = fw2011()
        .competencies()
        .filter_map(|c| {
            c.competency
                .printed_code
                .as_deref()
                .map(|p| (c.competency.code.as_str(), p))
        })
        .collect();
    assert_eq!(
        printed,
        [("C2.2.1.3", "C2.1.2.3"), ("C2.2.1.4", "C2.1.2.4")]
    );

    let mut seen = HashSet::new();
    for p in &fw().tech_environment.parts {
        for s in &p.sections {
            for i in &s.items {
                assert!(seen.insert(i.code.clone()), "duplicate {}", i.code);
                assert!(i.code.starts_with(&format!("TE-{}.", s.code)));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Verbatim: 2019 competencies (000, Annexe I.B; 003 as a cross-check)

#[test]
fn competency_labels_are_verbatim_in_000() {
    let text = seed("000_");
    let annex = between(
        &text,
        "Annexe I.B – Référentiel de compétences\n",
        "L'unité \"Culture générale",
    );
    let f = fw();
    let mut whole = Verbatim::new("000", norm(&text));
    whole.check("framework title", &format!("{} – {}", f.title, f.version));
    whole.check("diploma", &f.diploma);
    whole.assert_all_found();
    let mut v = Verbatim::new("000 (Annexe I.B)", annex);
    for t in Track::ALL {
        v.check("option", t.label());
    }
    for b in &f.blocks {
        v.check("block heading", &b.heading);
        v.check("block title", &b.title);
        for c in &b.competencies {
            v.check(&c.code, &c.label);
            // The competency and its skills, in order, as the source has them.
            let mut seq = c.label.clone();
            if let (None, Some(t)) = (b.track, c.track) {
                seq = format!("Option {}\n{seq}", t.code());
            }
            for s in &c.skills {
                v.check(&s.code, &format!("· {}", s.label));
                seq.push_str(&format!("\n· {}", s.label));
            }
            v.check(&format!("{} with its skills", c.code), &seq);
            // The indicators, in order, as one cell.
            let mut cell = Vec::new();
            for i in &c.indicators {
                v.check(&format!("{} indicator", c.code), &i.text);
                cell.push(i.text.clone());
                for item in &i.items {
                    v.check(&format!("{} indicator item", c.code), item);
                    cell.push(format!("· {item}"));
                }
            }
            v.check(&format!("{} indicators cell", c.code), &cell.join("\n"));
            for k in &c.knowledge {
                v.check(&format!("{} savoirs", c.code), &k.heading);
                for item in &k.items {
                    v.check(&format!("{} savoir", c.code), item);
                }
            }
        }
    }
    v.assert_all_found();
}

#[test]
fn competency_labels_cross_check_with_003() {
    let text = norm(&seed("003_"));
    let mut v = Verbatim::new("003", text);
    // 003 lists Bloc 1, Bloc 2 SLAM and Bloc 3 (common and SLAM); it has typos of
    // its own, where 000 is right.
    let typos_of_003 = ["B1.2.3", "B2-SLAM.3.2"];
    for c in fw().competencies_for(Track::Slam) {
        v.check(&c.code, &c.label);
        for s in &c.skills {
            if !typos_of_003.contains(&s.code.as_str()) {
                v.check(&s.code, &s.label);
            }
        }
    }
    v.check("block", &fw().block("B1").unwrap().heading);
    // 003 has plain spaces inside « » where 000 has non-breaking ones.
    v.check("block", &fw().block("B2-SLAM").unwrap().title);
    v.check("block", &fw().block("B3").unwrap().heading);
    v.assert_all_found();
}

// ---------------------------------------------------------------------------
// Verbatim: règlement d’examen (000, Annexe II.C)

#[test]
fn exam_labels_are_verbatim_in_000() {
    let text = seed("000_");
    let annex_end = "[bookmark: _Toc1659036]Annexe II.D";
    let table_a = between(&text, "Option A - «", "Option B - «");
    let table_b = between(&text, "Option B - «", annex_end);
    let f = fw();
    assert_eq!(f.exams.regulations.len(), 2);
    for reg in &f.exams.regulations {
        let table = match reg.track {
            Track::Sisr => &table_a,
            Track::Slam => &table_b,
        };
        let mut v = Verbatim::new("000 (Annexe II.C)", table.clone());
        v.check("heading", &reg.heading);
        v.check("diploma", &reg.diploma);
        v.check("footnote", &reg.footnote);
        let headings: Vec<String> = f
            .exams
            .route_groups
            .iter()
            .map(|g| g.routes.join("\n"))
            .collect();
        v.check("columns", &headings.join("\n"));
        v.check("Épreuves facultatives", "Épreuves facultatives");
        for exam in &reg.exams {
            v.check(&exam.code, &exam.label);
            if exam.specific_to_option {
                v.check(
                    &exam.code,
                    &format!("{}\n(spécifique à l’option)", exam.label),
                );
            }
            for unit in &exam.units {
                v.check(&unit.code, &unit.code);
                if let Some(s) = &unit.sub_exam {
                    v.check(&unit.code, &format!("Sous-épreuve\u{a0}: {s}"));
                }
                // The cells of the unit's row, from the first column to the last.
                let mut row = Vec::new();
                for a in &unit.assessments {
                    row.push(a.form_label.clone());
                    if let Some(d) = &a.duration_label {
                        row.push(d.clone());
                    }
                }
                v.check(&format!("{} row", unit.code), &row.join("\n"));
            }
        }
        v.assert_all_found();
    }
    // Sub-exam codes come from Annexe II.D.
    let defs = norm(&text);
    let mut v = Verbatim::new("000 (Annexe II.D)", defs);
    for reg in &f.exams.regulations {
        for (_, u) in reg
            .exams
            .iter()
            .flat_map(|e| e.units.iter().map(move |u| (e, u)))
        {
            if let (Some(code), Some(title)) = (&u.sub_exam_code, &u.sub_exam) {
                v.check(&u.code, &format!("Sous-épreuve {code} – {title}"));
            }
        }
    }
    v.assert_all_found();
}

#[test]
fn exam_structure() {
    let f = fw();
    for track in Track::ALL {
        let reg = f.exam_regulation(track).unwrap();
        let exams: Vec<&str> = reg.exams.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            exams,
            ["E1", "E2", "E3", "E4", "E5", "E6", "EF1", "EF2", "EF3"]
        );
        let units: Vec<(&str, Option<u8>)> = reg
            .exams
            .iter()
            .flat_map(|e| e.units.iter().map(|u| (u.code.as_str(), u.coefficient)))
            .collect();
        assert_eq!(
            units,
            [
                ("U11", Some(2)),
                ("U12", Some(2)),
                ("U2", Some(3)),
                ("U3", Some(3)),
                ("U4", Some(4)),
                ("U5", Some(4)),
                ("U6", Some(4)),
                ("UF1", None),
                ("UF2", None),
                ("UF3", None),
            ]
        );
        assert_eq!(reg.exam("E1").unwrap().coefficient, Some(4));
        let (_, u4) = reg.unit("U4").unwrap();
        assert_eq!(u4.block.as_deref(), Some("B1"));
        let hab = u4.assessment(RouteGroup::Habilitated).unwrap();
        assert_eq!(hab.form, ExamForm::Continuous);
        assert_eq!(hab.situations, Some(1));
        assert_eq!(hab.durations[0].minutes, 40);
        let free = u4.assessment(RouteGroup::NotHabilitated).unwrap();
        assert_eq!(free.form, ExamForm::OneOff);
        assert_eq!(free.form_label, "Ponctuelle orale");
        let (_, u5) = reg.unit("U5").unwrap();
        let block = format!("B2-{}", track.code());
        assert_eq!(u5.block.as_deref(), Some(block.as_str()));
        assert_eq!(reg.unit_for_block("B3").unwrap().1.code, "U6");
        assert!(
            reg.exams
                .iter()
                .filter(|e| e.optional)
                .all(|e| e.coefficient.is_none())
        );
    }
    let sisr = f.exam_regulation(Track::Sisr).unwrap();
    let slam = f.exam_regulation(Track::Slam).unwrap();
    assert_eq!(
        sisr.exam("E5").unwrap().title,
        "Administration des systèmes et des réseaux"
    );
    assert_eq!(
        slam.exam("E5").unwrap().title,
        "Conception et développement d’applications"
    );
}

// ---------------------------------------------------------------------------
// Verbatim: correspondence 2011 → 2019 (000, Annexe IV)

#[test]
fn correspondence_is_verbatim_in_000() {
    let text = seed("000_");
    let annex = norm(&text[text.find("ANNEXE IV – TABLEAU DE CORRESPONDANCE").unwrap()..]);
    let c = &fw().correspondence_2011;
    let mut v = Verbatim::new("000 (Annexe IV)", annex);
    v.check("title", &c.title);
    v.check("headings", &format!("{}\n{}", c.from_heading, c.to_heading));
    for (i, row) in c.rows.iter().enumerate() {
        // The row's cells, in order (a unit cell left blank by the source is not in
        // the text).
        let mut cells = Vec::new();
        for side in [&row.from, &row.to] {
            cells.push(side.label.clone());
            cells.extend(side.option.clone());
            cells.extend(side.sub_exams.iter().cloned());
            if !side.units_from_merged_cell {
                cells.extend(side.units.iter().cloned());
            }
        }
        v.check(&format!("row {}", i + 1), &cells.join("\n"));
    }
    v.assert_all_found();
    assert_eq!(c.rows.len(), 11);
    let e6: Vec<&str> = c
        .from_2011("E6", Track::Slam)
        .map(|r| r.to.exam.as_str())
        .collect();
    assert_eq!(e6, ["E4"]);
    let e4: Vec<(&str, &[String])> = c
        .from_2011("E4", Track::Sisr)
        .map(|r| (r.to.exam.as_str(), r.to.units.as_slice()))
        .collect();
    assert_eq!(e4, [("E5", &["U5".to_owned()][..])]);
}

// ---------------------------------------------------------------------------
// Verbatim: mastery levels, penalties (002, annexe 6-3)

#[test]
fn e4_evaluation_is_verbatim_in_002() {
    let text = seed("002_");
    let ev = &fw().e4_evaluation;
    let mut v = Verbatim::new("002", norm(&text));
    v.check("grid", &ev.grid.title);
    for c in &ev.grid.preliminary_criteria {
        v.check("grid row", c);
    }
    let labels: Vec<&str> = ev.mastery_levels.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Non évaluable",
            "Non maîtrisé",
            "Maîtrise partielle",
            "Bonne maîtrise",
            "Excellente maîtrise"
        ]
    );
    v.check("levels", &labels.join("\t"));
    // Each row of the table, across the levels.
    let rows = ev
        .mastery_levels
        .iter()
        .map(|l| l.descriptors.len())
        .max()
        .unwrap();
    assert_eq!(rows, 5);
    for r in 0..rows {
        let row: Vec<&str> = ev
            .mastery_levels
            .iter()
            .filter_map(|l| l.descriptors.get(r).map(String::as_str))
            .collect();
        v.check(&format!("descriptors row {}", r + 1), &row.join("\t"));
    }
    let descriptors: Vec<usize> = ev
        .mastery_levels
        .iter()
        .map(|l| l.descriptors.len())
        .collect();
    assert_eq!(descriptors, [1, 5, 5, 5, 5]);
    for p in &ev.penalties {
        v.check("penalty", &p.label);
        v.check("penalty", &p.text);
    }
    v.check("EF4", &ev.student_engagement.label);
    v.assert_all_found();

    assert_eq!(Penalty::PortfolioInaccessible.points(), 10);
    assert_eq!(
        Penalty::PortfolioInaccessible.label(),
        "Portfolio inaccessible"
    );
    assert_eq!(Penalty::MissingSynthesisTable.points(), 2);
    assert_eq!(
        Penalty::MissingSynthesisTable.label(),
        "Absence de tableau de synthèse"
    );
    assert_eq!(MasteryLevel::GoodMastery.label(), "Bonne maîtrise");
    assert_eq!(MasteryLevel::NotAssessable.rank(), 0);
    assert_eq!(MasteryLevel::ExcellentMastery.rank(), 4);
    assert_eq!(
        ev.grid.preliminary_criteria,
        [
            "Capacité à rendre compte d'un travail réalisé au sein d'une équipe projet en mettant clairement en évidence sa contribution personnelle."
        ]
    );
    assert_eq!(
        "partial_mastery".parse::<MasteryLevel>(),
        Ok(MasteryLevel::PartialMastery)
    );
    assert!("bonne".parse::<MasteryLevel>().is_err());
}

// ---------------------------------------------------------------------------
// Verbatim: technological environment (000, Annexe II.E)

#[test]
fn tech_environment_is_verbatim_in_000() {
    let text = seed("000_");
    let start = text
        .find("Annexe II.E – Environnement technologique pour la certification\n")
        .unwrap();
    let end = text[start..].find("ANNEXE III – ORGANISATION").unwrap() + start;
    let raw = &text[start..end];
    let t = &fw().tech_environment;
    let mut v = Verbatim::new("000 (Annexe II.E)", norm(raw));
    v.check("title", &t.title);
    v.check("introduction", &t.introduction);
    for p in &t.parts {
        v.check("part", &p.heading);
        for n in &p.notes {
            v.check("note", n);
        }
        for s in &p.sections {
            v.check(&s.code, &s.heading);
            for i in &s.items {
                v.check(&i.code, &format!("· {}", i.label));
            }
            // As many items as the source has bullets under the heading.
            let lines: Vec<&str> = raw.lines().collect();
            let h = lines
                .iter()
                .position(|l| l.trim() == s.heading)
                .unwrap_or_else(|| panic!("heading of {} not found", s.code));
            let bullets = lines[h + 1..]
                .iter()
                .take_while(|l| l.starts_with("· "))
                .count();
            assert_eq!(s.items.len(), bullets, "section {}", s.code);
        }
    }
    v.assert_all_found();
    let items: Vec<(&str, usize, usize)> = t
        .parts
        .iter()
        .flat_map(|p| p.sections.iter())
        .map(|s| (s.code.as_str(), s.items.len(), s.required()))
        .collect();
    assert_eq!(
        items,
        [
            ("1.1", 8, 8),
            ("1.3", 4, 4),
            ("2.1", 10, 10),
            ("2.2", 4, 1),
            ("3.1", 5, 5),
            ("3.2", 4, 3)
        ]
    );
    let sisr: Vec<u8> = t.parts_for(Track::Sisr).map(|p| p.number).collect();
    assert_eq!(sisr, [1, 2]);
    assert_eq!(t.item("TE-1.1.2").unwrap().label, "un SGBD");
}

// ---------------------------------------------------------------------------
// Verbatim: the 2011 framework (001)

#[test]
fn framework_2011_is_verbatim_in_001() {
    let text = seed("001_");
    let f = fw2011();
    let mut v = Verbatim::new("001", norm(&text));
    v.check("title", &f.title);
    v.check("diploma", &f.diploma);
    for p in &f.processes {
        v.check(&p.code, &p.heading);
        v.check(&p.code, &format!("Parcours : {}", p.parcours));
        for d in &p.domains {
            v.check(&d.code, &format!("{} - {}", d.code, d.title));
        }
    }
    v.assert_all_found();
    // Each activity is one line of the source: the code and label, then the
    // competencies' cell with exactly the data's competencies.
    for a in f.activities() {
        let act = a.activity;
        let head = format!("{} {}\t", act.code, act.label);
        let line = text
            .lines()
            .find(|l| l.starts_with(&head))
            .unwrap_or_else(|| panic!("activity {:?} not found verbatim in 001", head));
        let cell = norm(line.split('\t').nth(1).unwrap());
        for c in &act.competencies {
            let code = c.printed_code.as_deref().unwrap_or(&c.code);
            let entry = norm(&format!("{code} {}", c.label));
            assert!(
                cell.contains(&entry),
                "{} not found in the cell of {}",
                entry,
                act.code
            );
        }
        let in_source = cell
            .split(' ')
            .filter(|w| w.starts_with('C') && w.len() > 7 && w[1..].split('.').count() == 4)
            .count();
        assert_eq!(
            in_source,
            act.competencies.len(),
            "competencies of {}",
            act.code
        );
    }
}

// ---------------------------------------------------------------------------
// API

#[test]
fn lookups() {
    let f = fw();
    let s = f.skill("B1.1.5").unwrap();
    assert_eq!(s.skill.label, "Gérer des sauvegardes");
    assert_eq!(s.competency.code, "B1.1");
    assert_eq!(s.block.code, "B1");
    let s = f.skill("B3.5-SLAM.2").unwrap();
    assert_eq!(
        s.skill.label,
        "Prendre en compte la sécurité dans un projet de développement d’une solution applicative"
    );
    assert_eq!(s.competency.track, Some(Track::Slam));
    let c = f.competency("B2-SISR.3").unwrap();
    assert_eq!(c.competency.track, Some(Track::Sisr));
    assert_eq!(c.block.code, "B2-SISR");
    assert_eq!(
        f.block("B1").unwrap().title,
        "Support et mise à disposition de services informatiques"
    );
    assert!(f.block("B2").is_none());
    assert!(f.competency("B3.5").is_none());
    assert!(f.skill("B1.1.7").is_none());

    let a = fw2011().competency("C2.2.1.3").unwrap();
    assert_eq!(a.activity.code, "A2.2.1");
    assert_eq!(a.competency.printed_code.as_deref(), Some("C2.1.2.3"));
    assert_eq!(
        fw2011().activity("A5.2.2").unwrap().activity.label,
        "Veille technologique"
    );
}

#[test]
fn blocks_for_an_option() {
    for track in Track::ALL {
        let blocks: Vec<(String, Vec<String>)> = fw()
            .blocks_for(track)
            .map(|b| {
                (
                    b.block.code.to_owned(),
                    b.competencies.iter().map(|c| c.code.clone()).collect(),
                )
            })
            .collect();
        let t = track.code();
        assert_eq!(
            blocks,
            [
                (
                    "B1".to_owned(),
                    (1..=6).map(|n| format!("B1.{n}")).collect::<Vec<_>>()
                ),
                (
                    format!("B2-{t}"),
                    (1..=3).map(|n| format!("B2-{t}.{n}")).collect()
                ),
                (
                    "B3".to_owned(),
                    ["B3.1", "B3.2", "B3.3", "B3.4", &format!("B3.5-{t}")]
                        .map(String::from)
                        .to_vec()
                ),
            ]
        );
    }
}

#[test]
fn tracks() {
    assert_eq!("sisr".parse::<Track>(), Ok(Track::Sisr));
    assert_eq!("SLAM".parse::<Track>(), Ok(Track::Slam));
    assert_eq!(" Slam ".parse::<Track>(), Ok(Track::Slam));
    assert!("slm".parse::<Track>().is_err());
    assert!("".parse::<Track>().is_err());
    assert_eq!(Track::Sisr.code(), "SISR");
    assert_eq!(Track::Slam.to_string(), "SLAM");
    let text = norm(&seed("000_"));
    for t in Track::ALL {
        assert!(text.contains(&format!(
            "Option {} «\u{a0}{}\u{a0}»",
            t.letter(),
            t.label()
        )));
    }
}

#[test]
fn framework_ids() {
    assert_eq!(FRAMEWORK_IDS, ["bts-sio-2019", "bts-sio-2011"]);
    for id in FRAMEWORK_IDS {
        assert_eq!(by_id(id).unwrap().id(), *id);
    }
    assert!(matches!(
        by_id("bts-sio-2019"),
        Some(AnyFramework::Sio2019(_))
    ));
    assert!(matches!(
        by_id("bts-sio-2011"),
        Some(AnyFramework::Sio2011(_))
    ));
    assert!(by_id("bts-sio-2020").is_none());
}

#[test]
fn json_shape() {
    let j = serde_json::to_value(fw().competency("B3.5-SISR").unwrap().competency).unwrap();
    assert_eq!(j["code"], "B3.5-SISR");
    assert_eq!(j["block"], "B3");
    assert_eq!(j["track"], "sisr");
    assert_eq!(j["skills"][0]["code"], "B3.5-SISR.1");
    let view = fw().blocks_for(Track::Slam).next().unwrap();
    let j = serde_json::to_value(&view).unwrap();
    assert_eq!(j["code"], "B1");
    assert_eq!(j["competencies"].as_array().unwrap().len(), 6);
    let j = serde_json::to_value(fw().exam_regulation(Track::Slam).unwrap()).unwrap();
    assert_eq!(
        j["exams"][3]["units"][0]["assessments"][2]["form"],
        "one_off"
    );
    assert_eq!(
        j["exams"][3]["units"][0]["assessments"][0]["route_group"],
        "habilitated"
    );
    let j = serde_json::to_value(by_id("bts-sio-2011").unwrap()).unwrap();
    assert_eq!(j["id"], "bts-sio-2011");
    let j = serde_json::to_value(&fw().e4_evaluation.mastery_levels[3]).unwrap();
    assert_eq!(j["code"], "good_mastery");
}

#[test]
fn render_text_shows_the_blocks() {
    let all = render_text(fw(), None);
    let sisr = render_text(fw(), Some(Track::Sisr));
    let slam = render_text(fw(), Some(Track::Slam));
    for out in [&all, &sisr, &slam] {
        assert!(out.contains(
            "B1 — Bloc de compétences n°1 - Support et mise à disposition de services informatiques"
        ));
        assert!(out.contains("  B1.1 Gérer le patrimoine informatique\n"));
        assert!(out.contains("      B1.1.5 Gérer des sauvegardes\n"));
        assert!(out.contains("    Indicateurs de performance :\n"));
        assert!(out.contains("      - Les restaurations sont testées et opérationnelles.\n"));
    }
    assert!(all.contains("B3.5-SISR") && all.contains("B3.5-SLAM") && all.contains("B2-SISR.1"));
    assert!(all.contains("(option SLAM)"));
    assert!(sisr.contains("B3.5-SISR") && !sisr.contains("B3.5-SLAM") && !sisr.contains("B2-SLAM"));
    assert!(slam.contains("B3.5-SLAM") && !slam.contains("B3.5-SISR") && !slam.contains("B2-SISR"));
    // Every skill of the option is listed.
    for track in Track::ALL {
        let out = render_text(fw(), Some(track));
        for c in fw().competencies_for(track) {
            for s in &c.skills {
                assert!(
                    out.contains(&format!("{} {}\n", s.code, s.label)),
                    "{}",
                    s.code
                );
            }
        }
    }
}

/// The repository stands alone (issue 11, item 8): no source, script or document of the
/// repository reads or links to a path beside it (the workspace's `../shared/`), so that a
/// clone with nothing beside it builds, tests and documents itself.
#[test]
fn the_repository_reads_nothing_outside_itself() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut offenders = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(
                    name.as_str(),
                    "target" | ".git" | "regulation" | "node_modules"
                ) {
                    stack.push(path);
                }
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            for (n, line) in text.lines().enumerate() {
                let leaves = line.contains("../shared/")
                    || line.contains("../../../shared")
                    || line.contains("`shared/seeds")
                    || line.contains("`shared/fixtures");
                if leaves {
                    offenders.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
    }
    // This test's own text names the patterns it looks for.
    offenders.retain(|o| !o.contains("framework/tests/framework.rs"));
    assert!(
        offenders.is_empty(),
        "paths outside the repository:\n{}",
        offenders.join("\n")
    );
    for needed in [
        "regulation/seeds/README.md",
        "regulation/fixtures/README.md",
        "regulation/README.md",
    ] {
        assert!(root.join(needed).is_file(), "{needed} is missing");
    }
}
