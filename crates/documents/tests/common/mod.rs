//! Helpers shared by the integration tests: a sample table, the fixtures, a reader of cells
//! with calamine, and a builder of tables "as a student fills them" with rust_xlsxwriter.
#![allow(dead_code)] // each test file uses a part of it

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{Data, Dimensions, Reader, Xlsx};
use portfolio_domain::dossier::{Period, Setting, SynthesisRow, SynthesisTable};
use portfolio_framework::Track;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use time::{Date, Month};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../regulation/fixtures/tableaux-de-synthese/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

pub fn date(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).expect("month"), d).expect("date")
}

pub fn period(a: (i32, u8, u8), b: (i32, u8, u8)) -> Period {
    Period::new(date(a.0, a.1, a.2), date(b.0, b.1, b.2)).expect("ordered")
}

pub fn codes(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn row(
    title: &str,
    artifacts: &[&str],
    p: Period,
    setting: Setting,
    comps: &[&str],
) -> SynthesisRow {
    SynthesisRow {
        title: title.into(),
        artifacts: artifacts.iter().map(|s| (*s).to_owned()).collect(),
        period: p,
        setting,
        competencies: codes(comps),
    }
}

/// Twelve réalisations over the three sections, listed out of section order on purpose.
pub fn sample_table() -> SynthesisTable {
    use Setting::*;
    let y1 = period((2025, 9, 15), (2026, 5, 29));
    let y2 = period((2026, 9, 14), (2027, 3, 12));
    SynthesisTable {
        session_year: 2027,
        candidate_name: "DUPONT Jean".into(),
        candidate_number: Some("0123456789".into()),
        school_name: "Lycée Exemple, Rennes".into(),
        track: Track::Slam,
        portfolio_url: Some("https://jean-dupont.example.fr/portfolio".into()),
        rows: vec![
            row(
                "Mise en place d’un serveur GLPI",
                &["Procédure d’installation", "captures-glpi.pdf"],
                y1,
                Training,
                &["B1.1", "B1.2"],
            ),
            row(
                "Stage : inventaire du parc avec OCS",
                &["Rapport de stage"],
                period((2026, 5, 18), (2026, 6, 26)),
                WorkplaceFirstYear,
                &["B1.1", "B1.5"],
            ),
            row(
                "Site vitrine de l’association sportive",
                &[
                    "https://asso.example.fr",
                    "Cahier des charges",
                    "Charte graphique",
                ],
                y1,
                Training,
                &["B1.3", "B1.4"],
            ),
            row(
                "Veille technologique : cybersécurité",
                &[],
                period((2025, 9, 1), (2027, 4, 30)),
                Training,
                &["B1.6"],
            ),
            row(
                "Sauvegardes automatisées avec Bareos",
                &["Plan de sauvegarde"],
                y2,
                Training,
                &["B1.1"],
            ),
            row(
                "Application de gestion des stages (Symfony)",
                &["Dépôt Git", "Documentation technique", "Tests fonctionnels"],
                y2,
                Training,
                &["B1.4", "B1.5"],
            ),
            row(
                "Support aux utilisateurs : tickets niveau 1",
                &[],
                period((2027, 1, 4), (2027, 2, 19)),
                WorkplaceSecondYear,
                &["B1.2"],
            ),
            row(
                "Déploiement d’une application métier",
                &["Plan de tests", "Guide utilisateur"],
                period((2027, 1, 11), (2027, 2, 12)),
                WorkplaceSecondYear,
                &["B1.5", "B1.2"],
            ),
            row(
                "Mise à jour du site intranet",
                &[],
                period((2026, 6, 1), (2026, 6, 12)),
                WorkplaceFirstYear,
                &["B1.3"],
            ),
            row(
                "Gestion de projet Scrum : sprint de l’application mobile",
                &["Backlog", "Compte rendu de rétrospective"],
                y2,
                Training,
                &["B1.4"],
            ),
            row(
                "Identité professionnelle : profil et réseau",
                &["Profil LinkedIn"],
                y1,
                Training,
                &["B1.6", "B1.3"],
            ),
            row(
                "Habilitations Active Directory d’un nouveau service, avec un intitulé assez long \
                 pour tenir sur plusieurs lignes dans la colonne A du tableau",
                &["Matrice des droits"],
                period((2027, 2, 1), (2027, 2, 26)),
                WorkplaceSecondYear,
                &["B1.1", "B1.2", "B1.5"],
            ),
        ],
    }
}

/// The rows of a table in the order the tableau shows them: grouped by section.
pub fn rows_in_sheet_order(t: &SynthesisTable) -> Vec<SynthesisRow> {
    Setting::ALL
        .iter()
        .flat_map(|s| t.rows.iter().filter(move |r| r.setting == *s).cloned())
        .collect()
}

/// The cells of the first sheet as text, by (row, col), 0-based, and the merged ranges.
pub struct Sheet {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), String>,
    pub merges: Vec<Dimensions>,
}

impl Sheet {
    pub fn read(bytes: &[u8]) -> Sheet {
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
        let name = x.sheet_names()[0].clone();
        let range = x.worksheet_range(&name).expect("range");
        let mut cells = BTreeMap::new();
        for (r, c, v) in range.used_cells() {
            let text = match v {
                Data::String(s) => s.clone(),
                Data::Empty => continue,
                other => other.to_string(),
            };
            let (r0, c0) = range.start().unwrap_or((0, 0));
            cells.insert((r as u32 + r0, c as u32 + c0), text);
        }
        let merges = x
            .worksheet_merge_cells(&name)
            .expect("sheet")
            .expect("merges");
        Sheet {
            name,
            cells,
            merges,
        }
    }

    /// The text of a cell by its A1 name.
    pub fn at(&self, a1: &str) -> &str {
        let (r, c) = a1_to_rc(a1);
        self.cells.get(&(r, c)).map_or("", String::as_str)
    }

    pub fn is_merged(&self, range: &str) -> bool {
        let (a, b) = range.split_once(':').expect("range");
        let (start, end) = (a1_to_rc(a), a1_to_rc(b));
        self.merges.iter().any(|m| m.start == start && m.end == end)
    }

    pub fn merge_names(&self) -> BTreeSet<String> {
        self.merges
            .iter()
            .map(|m| format!("{}:{}", rc_to_a1(m.start), rc_to_a1(m.end)))
            .collect()
    }

    /// Non-empty cells of a 1-based row, as (column letter, text).
    pub fn row(&self, row1: u32) -> Vec<(String, String)> {
        self.cells
            .range((row1 - 1, 0)..(row1, 0))
            .map(|(&(r, c), t)| {
                (
                    rc_to_a1((r, c))
                        .trim_end_matches(char::is_numeric)
                        .to_owned(),
                    t.clone(),
                )
            })
            .collect()
    }
}

pub fn a1_to_rc(a1: &str) -> (u32, u32) {
    let letters: String = a1.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits = &a1[letters.len()..];
    let col = letters
        .chars()
        .fold(0u32, |acc, ch| acc * 26 + (ch as u32 - 'A' as u32 + 1))
        - 1;
    (digits.parse::<u32>().expect("row") - 1, col)
}

pub fn rc_to_a1((r, c): (u32, u32)) -> String {
    let mut n = c + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    format!("{}{}", letters.iter().rev().collect::<String>(), r + 1)
}

/// A tableau de synthèse typed by hand, cell by cell, the way students fill the national model:
/// the header as the model has it, then whatever rows the test wants.
pub struct StudentTable {
    pub workbook: Workbook,
    next_row: u32,
}

pub const SKILLS_OK: bool = true;

impl StudentTable {
    /// The national header (rows 1 to 7) with the given candidate cells.
    pub fn new(name_cell: &str, number_cell: &str, sisr: &str, slam: &str) -> StudentTable {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet
            .set_name("Tableau de synthèse Épreuve E4")
            .expect("name");
        let f = Format::new();
        let fw = portfolio_framework::bts_sio_2019();
        let block = fw.block("B1").expect("B1");
        let put = |s: &mut Worksheet, r: u32, c: u16, t: &str| {
            s.write_string(r, c, t).expect("write");
        };
        sheet
            .merge_range(
                0,
                0,
                0,
                5,
                "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS",
                &f,
            )
            .expect("merge");
        sheet
            .merge_range(0, 6, 0, 7, "SESSION 2026", &f)
            .expect("merge");
        sheet
            .merge_range(
                1,
                0,
                1,
                7,
                "Tableau de synthèse des réalisations professionnelles ",
                &f,
            )
            .expect("merge");
        put(sheet, 2, 0, name_cell);
        put(sheet, 2, 5, number_cell);
        put(sheet, 3, 0, "Centre de formation : Lycée du Test");
        put(sheet, 3, 5, "Option :");
        put(sheet, 3, 6, sisr);
        put(sheet, 3, 7, slam);
        put(
            sheet,
            4,
            0,
            "Adresse URL du portfolio : https://test.example.fr",
        );
        sheet
            .merge_range(
                5,
                0,
                6,
                0,
                "Compétences mises en œuvre\n\n\nRéalisations professionnelles\n(intitulé et liste des documents et productions associés)",
                &f,
            )
            .expect("merge");
        sheet
            .merge_range(
                5,
                1,
                6,
                1,
                "Période (sous la forme du JJ/MM/AA au JJ/MM/AA)",
                &f,
            )
            .expect("merge");
        for (i, c) in block.competencies.iter().enumerate() {
            put(sheet, 5, 2 + i as u16, &c.label);
            let skills: Vec<String> = c.skills.iter().map(|s| format!("▸{}", s.label)).collect();
            put(sheet, 6, 2 + i as u16, &skills.join("\n"));
        }
        StudentTable {
            workbook,
            next_row: 7,
        }
    }

    /// The national header with a name, a number and SISR ticked.
    pub fn standard() -> StudentTable {
        StudentTable::new(
            "NOM et prénom : DURAND Alice",
            "N° candidat : 0987654321",
            "☒ SISR",
            "☐ SLAM",
        )
    }

    fn sheet(&mut self) -> &mut Worksheet {
        self.workbook.worksheet_from_index(0).expect("sheet")
    }

    /// A banner merged over A:H, as in the model.
    pub fn banner(&mut self, text: &str) -> &mut Self {
        let r = self.next_row;
        self.sheet()
            .merge_range(r, 0, r, 7, text, &Format::new())
            .expect("merge");
        self.next_row += 1;
        self
    }

    /// A banner typed in column A only, not merged.
    pub fn plain_banner(&mut self, text: &str) -> &mut Self {
        let r = self.next_row;
        self.sheet().write_string(r, 0, text).expect("write");
        self.next_row += 1;
        self
    }

    pub fn blank(&mut self) -> &mut Self {
        self.next_row += 1;
        self
    }

    /// A row: column A, column B, then the marks of C..H ("" for none).
    pub fn row(&mut self, title: &str, period: &str, marks: [&str; 6]) -> &mut Self {
        let r = self.next_row;
        let s = self.sheet();
        if !title.is_empty() {
            s.write_string(r, 0, title).expect("write");
        }
        if !period.is_empty() {
            s.write_string(r, 1, period).expect("write");
        }
        for (i, m) in marks.iter().enumerate() {
            if !m.is_empty() {
                s.write_string(r, 2 + i as u16, *m).expect("write");
            }
        }
        self.next_row += 1;
        self
    }

    /// Writes any cell of the current row (0-based column) without moving on.
    pub fn cell(&mut self, col: u16, text: &str) -> &mut Self {
        let r = self.next_row;
        self.sheet().write_string(r, col, text).expect("write");
        self
    }

    /// The 1-based number of the next row to be written.
    pub fn next_line(&self) -> u32 {
        self.next_row + 1
    }

    pub fn bytes(&mut self) -> Vec<u8> {
        self.workbook.save_to_buffer().expect("save")
    }
}

/// A tick in the n-th competency column (0-based) only.
pub fn tick(n: usize) -> [&'static str; 6] {
    let mut m = [""; 6];
    m[n] = "X";
    m
}
