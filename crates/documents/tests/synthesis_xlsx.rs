//! The generated tableau de synthèse, read back with calamine cell by cell, and compared with
//! the filled national tables of the fixtures.

mod common;

use std::io::{Cursor, Read};

use common::{Sheet, fixture, rows_in_sheet_order, sample_table};
use portfolio_documents::model::SHEET_NAME;
use portfolio_documents::{DocumentError, synthesis_xlsx};
use portfolio_domain::dossier::Setting;
use portfolio_framework::Track;

const COLS: [&str; 6] = ["C", "D", "E", "F", "G", "H"];

fn generated() -> Sheet {
    Sheet::read(&synthesis_xlsx(&sample_table()).expect("xlsx"))
}

#[test]
fn identity_rows_hold_labels_and_values_in_the_same_cell() {
    let s = generated();
    assert_eq!(s.name, "Tableau de synthèse Épreuve E4");
    assert_eq!(s.name, SHEET_NAME);
    assert_eq!(s.at("A1"), "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS");
    assert_eq!(s.at("G1"), "SESSION 2027");
    assert_eq!(
        s.at("A2"),
        "Tableau de synthèse des réalisations professionnelles"
    );
    assert_eq!(s.at("A3"), "NOM et prénom : DUPONT Jean");
    assert_eq!(s.at("F3"), "N° candidat : 0123456789");
    assert_eq!(s.at("A4"), "Centre de formation : Lycée Exemple, Rennes");
    assert_eq!(s.at("F4"), "Option :");
    // The sample is a SLAM candidate.
    assert_eq!(s.at("G4"), "☐ SISR");
    assert_eq!(s.at("H4"), "☒ SLAM");
    assert_eq!(
        s.at("A5"),
        "Adresse URL du portfolio : https://jean-dupont.example.fr/portfolio"
    );
    for cell in ["B1", "F1", "H1", "B2", "B3", "E3", "G3", "B4", "B5", "H5"] {
        assert_eq!(s.at(cell), "", "{cell} is inside a merged range");
    }
}

#[test]
fn the_ticked_option_follows_the_track() {
    let mut t = sample_table();
    t.track = Track::Sisr;
    t.candidate_number = None;
    t.portfolio_url = None;
    let s = Sheet::read(&synthesis_xlsx(&t).expect("xlsx"));
    assert_eq!(s.at("G4"), "☒ SISR");
    assert_eq!(s.at("H4"), "☐ SLAM");
    assert_eq!(s.at("F3"), "N° candidat :");
    assert_eq!(s.at("A5"), "Adresse URL du portfolio :");
}

#[test]
fn merged_ranges_are_those_of_the_national_model() {
    let s = generated();
    for range in [
        "A1:F1", "G1:H1", "A2:H2", "A3:E3", "F3:H3", "A4:E4", "A5:H5", "A6:A7", "B6:B7",
    ] {
        assert!(s.is_merged(range), "{range} in {:?}", s.merge_names());
    }
    // Three banners, full width; nothing else merged.
    let banners: Vec<String> = s
        .merge_names()
        .into_iter()
        .filter(|m| {
            m.starts_with('A') && m.contains(":H") && !m.starts_with("A2:") && !m.starts_with("A5:")
        })
        .collect();
    assert_eq!(banners.len(), 3, "{banners:?}");
    assert_eq!(s.merges.len(), 9 + 3);
}

#[test]
fn column_headers_come_from_the_framework() {
    let s = generated();
    let fw = portfolio_framework::bts_sio_2019();
    let block = fw.block("B1").expect("B1");
    assert_eq!(
        s.at("A6"),
        format!(
            "Compétences mises en œuvre{}Réalisations professionnelles\n(intitulé et liste des \
             documents et productions associés)",
            "\n".repeat(22)
        )
    );
    assert_eq!(
        s.at("B6"),
        "Période (sous la forme du JJ/MM/AA au JJ/MM/AA)"
    );
    assert_eq!(block.competencies.len(), 6);
    for (col, c) in COLS.iter().zip(&block.competencies) {
        assert_eq!(s.at(&format!("{col}6")), c.label, "{}", c.code);
        let skills: Vec<String> = c.skills.iter().map(|k| format!("▸ {}", k.label)).collect();
        assert_eq!(s.at(&format!("{col}7")), skills.join("\n"), "{}", c.code);
    }
    assert_eq!(s.at("C6"), "Gérer le patrimoine informatique");
    assert!(
        s.at("H7")
            .starts_with("▸ Mettre en place son environnement d’apprentissage personnel\n▸ ")
    );
}

#[test]
fn banners_then_one_row_per_realisation_with_period_and_ticks() {
    let t = sample_table();
    let s = generated();
    let mut line = 8;
    for setting in Setting::ALL {
        assert_eq!(
            s.at(&format!("A{line}")),
            setting.banner(),
            "banner at {line}"
        );
        assert!(
            s.is_merged(&format!("A{line}:H{line}")),
            "banner {line} merged"
        );
        assert_eq!(s.row(line).len(), 1, "a banner has nothing else");
        line += 1;
        for r in t.rows.iter().filter(|r| r.setting == setting) {
            let mut a = r.title.clone();
            for art in &r.artifacts {
                a.push_str("\n• ");
                a.push_str(art);
            }
            assert_eq!(s.at(&format!("A{line}")), a, "title at {line}");
            assert_eq!(
                s.at(&format!("B{line}")),
                r.period.short(),
                "period at {line}"
            );
            for (col, code) in COLS
                .iter()
                .zip(["B1.1", "B1.2", "B1.3", "B1.4", "B1.5", "B1.6"])
            {
                let want = if r.competencies.contains(code) {
                    "X"
                } else {
                    ""
                };
                assert_eq!(s.at(&format!("{col}{line}")), want, "{col}{line} ({code})");
            }
            line += 1;
        }
    }
    // 7 header rows, 3 banners, 12 réalisations: nothing after row 22.
    assert_eq!(line, 23);
    assert!(s.cells.keys().all(|&(r, _)| r < 22));
    assert!(s.cells.keys().all(|&(_, c)| c < 8), "columns A to H only");
    // Spot checks with literal values.
    assert_eq!(
        s.at("A9"),
        "Mise en place d’un serveur GLPI\n• Procédure d’installation\n• captures-glpi.pdf"
    );
    assert_eq!(s.at("B9"), "15/09/25 au 29/05/26");
    assert_eq!((s.at("C9"), s.at("D9"), s.at("E9")), ("X", "X", ""));
    assert_eq!(
        s.at("A16"),
        "Réalisations en milieu professionnel en cours de première année"
    );
    assert_eq!(
        s.at("A19"),
        "Réalisations en milieu professionnel en cours de seconde année"
    );
}

#[test]
fn an_empty_section_keeps_a_blank_line() {
    let mut t = sample_table();
    t.rows.retain(|r| r.setting != Setting::WorkplaceFirstYear);
    let s = Sheet::read(&synthesis_xlsx(&t).expect("xlsx"));
    let training = rows_in_sheet_order(&t)
        .iter()
        .filter(|r| r.setting == Setting::Training)
        .count() as u32;
    let first_year_banner = 8 + training + 1;
    assert_eq!(
        s.at(&format!("A{first_year_banner}")),
        Setting::WorkplaceFirstYear.banner()
    );
    assert!(s.row(first_year_banner + 1).is_empty());
    assert_eq!(
        s.at(&format!("A{}", first_year_banner + 2)),
        Setting::WorkplaceSecondYear.banner()
    );
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect(name)
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

#[test]
fn prints_on_a4_portrait_one_page_wide_with_repeated_headers() {
    let bytes = synthesis_xlsx(&sample_table()).expect("xlsx");
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
        "fit to page"
    );
    assert!(sheet.contains(r#"paperSize="9""#), "A4");
    assert!(
        sheet.contains(r#"fitToHeight="0""#),
        "as many pages tall as needed"
    );
    assert!(!sheet.contains("fitToWidth=\"0\""), "one page wide");
    assert!(sheet.contains(r#"orientation="portrait""#));
    assert!(sheet.contains(r#"<printOptions horizontalCentered="1"/>"#));
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains("_xlnm.Print_Area") && workbook.contains("$A$1:$H$22"),
        "{workbook}"
    );
    assert!(
        workbook.contains("_xlnm.Print_Titles") && workbook.contains("$6:$7"),
        "{workbook}"
    );
    // Column widths and row heights of the model, the header rows first.
    assert!(
        sheet.contains(
            r#"<cols><col min="1" max="1" width="70.28515625" customWidth="1"/><col min="2" max="2" width="10.7109375" customWidth="1"/><col min="3" max="8" width="18.7109375" customWidth="1"/></cols>"#
        ),
        "{}",
        &sheet[..sheet.len().min(900)]
    );
    assert!(sheet.contains(r#"<row r="7" spans="1:8" ht="324.75" customHeight="1">"#));
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"<name val="Arial"/>"#));
    assert!(
        styles.contains(r#"diagonalDown="1""#),
        "the diagonal of A6:A7"
    );
    assert!(
        styles.contains(r#"textRotation="90""#),
        "the rotated skills"
    );
    assert!(
        styles.contains(r#"rgb="FF494429""#),
        "the dark olive borders"
    );
}

#[test]
fn unknown_competencies_and_long_texts_are_refused_in_french() {
    let mut t = sample_table();
    t.rows[0].competencies.insert("B2.1".into());
    let err = synthesis_xlsx(&t).expect_err("B2.1 is not a column");
    assert!(matches!(err, DocumentError::UnknownCompetency { .. }));
    assert!(
        err.to_string().contains("compétence « B2.1 » inconnue"),
        "{err}"
    );

    let mut t = sample_table();
    t.rows[0].title = "x".repeat(40_000);
    let err = synthesis_xlsx(&t).expect_err("too long for a cell");
    assert!(err.to_string().starts_with("texte trop long"), "{err}");
}

#[test]
fn line_breaks_in_titles_do_not_break_the_layout() {
    let mut t = sample_table();
    t.rows[0].title = "Serveur\nGLPI ".into();
    t.rows[0].artifacts = vec!["a\nb".into(), "  ".into()];
    let s = Sheet::read(&synthesis_xlsx(&t).expect("xlsx"));
    assert_eq!(s.at("A9"), "Serveur GLPI\n• a b");
}

/// Normalises a header text for comparison: the fixtures have trailing spaces and no space after
/// the « ▸ » bullets, and their boxes are « ▢ » / « ☑ ».
fn norm(s: &str) -> String {
    s.replace("▸ ", "▸")
        .replace(['☐', '☒', '▢', '☑'], "")
        .split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The label of a "label : value" cell.
fn label(s: &str) -> String {
    match s.split_once(':') {
        Some((l, _)) => format!("{}:", l.trim_end()),
        None => s.trim().to_owned(),
    }
}

#[test]
fn header_texts_are_those_of_the_filled_national_tables() {
    let ours = generated();
    for name in ["real-2023-sisr-1.xlsx", "real-2023-sisr-2.xlsx"] {
        let theirs = Sheet::read(&fixture(name));
        assert_eq!(theirs.name, ours.name, "{name}");
        // Fixed texts, identical once trimmed.
        for cell in [
            "A1", "A2", "F4", "A6", "B6", "C6", "D6", "E6", "F6", "G6", "H6", "C7", "D7", "E7",
            "F7", "G7", "H7", "A8",
        ] {
            assert_eq!(norm(ours.at(cell)), norm(theirs.at(cell)), "{name} {cell}");
        }
        // Label and value cells: the same labels.
        for cell in ["A3", "F3", "A4", "A5"] {
            assert_eq!(
                label(ours.at(cell)),
                label(theirs.at(cell)),
                "{name} {cell}"
            );
        }
        assert_eq!(norm(ours.at("G4")), "SISR");
        assert_eq!(norm(theirs.at("G4")), "SISR");
        assert_eq!(norm(ours.at("H4")), "SLAM");
        assert_eq!(norm(theirs.at("H4")), "SLAM");
        assert!(theirs.at("G1").starts_with("SESSION ") && ours.at("G1").starts_with("SESSION "));
        // The header's merged ranges are the model's.
        for range in [
            "A1:F1", "G1:H1", "A2:H2", "A3:E3", "F3:H3", "A4:E4", "A5:H5", "A6:A7", "B6:B7",
            "A8:H8",
        ] {
            assert!(theirs.is_merged(range), "{name} {range}");
            assert!(ours.is_merged(range), "ours {range}");
        }
    }
    // The banners of the first fixture kept the national texts.
    let theirs = Sheet::read(&fixture("real-2023-sisr-1.xlsx"));
    assert_eq!(norm(theirs.at("A15")), Setting::WorkplaceFirstYear.banner());
    assert_eq!(
        norm(theirs.at("A20")),
        Setting::WorkplaceSecondYear.banner()
    );
}
