//! The importer on the filled national tables of the fixtures, on tables typed the ways students
//! type them, on files that are not tables, and on hostile files.

mod common;

use std::io::{Cursor, Write};

use common::{StudentTable, codes, date, fixture, period, rows_in_sheet_order, sample_table, tick};
use portfolio_documents::{
    ImportError, ImportLimits, ImportedSynthesis, RowProblemKind as K, import_synthesis_xlsx,
    import_synthesis_xlsx_with, synthesis_xlsx,
};
use portfolio_domain::dossier::Setting;
use portfolio_framework::Track;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn import(bytes: &[u8]) -> ImportedSynthesis {
    import_synthesis_xlsx(bytes).unwrap_or_else(|e| panic!("import: {e}"))
}

fn row(imp: &ImportedSynthesis, line: u32) -> &portfolio_documents::ImportedRow {
    imp.rows.iter().find(|r| r.row == line).unwrap_or_else(|| {
        panic!(
            "no row {line} in {:?}",
            imp.rows.iter().map(|r| r.row).collect::<Vec<_>>()
        )
    })
}

// ---------------------------------------------------------------------------------------------
// The fixtures.

#[test]
fn fixture_1_school_years_a_glyph_tick_and_a_row_without_title() {
    let imp = import(&fixture("real-2023-sisr-1.xlsx"));
    assert_eq!(imp.sheet_name, "Tableau de synthèse Épreuve E4");
    let h = &imp.header;
    assert_eq!(h.session_year, Some(2023));
    // « NOM et prénom :  MARTIN Camille »: two spaces after the colon.
    assert_eq!(h.candidate_name.as_deref(), Some("MARTIN Camille"));
    // « N° candidat : » left empty.
    assert_eq!(h.candidate_number, None);
    // « Centre de formation : Centre de formation exemple »: the label repeated in the value.
    assert_eq!(
        h.school_name.as_deref(),
        Some("Centre de formation exemple")
    );
    // « ☑ SISR » / « ▢ SLAM ».
    assert_eq!(h.track, Some(Track::Sisr));
    assert_eq!(h.tracks_ticked, [Track::Sisr]);
    assert_eq!(
        h.portfolio_url.as_deref(),
        Some("https://camille-martin.example.fr")
    );

    let settings: Vec<Option<Setting>> = imp.sections.iter().map(|s| s.setting).collect();
    assert_eq!(
        settings,
        [
            Some(Setting::Training),
            Some(Setting::WorkplaceFirstYear),
            Some(Setting::WorkplaceSecondYear)
        ]
    );
    assert_eq!(
        imp.sections.iter().map(|s| s.row).collect::<Vec<_>>(),
        [8, 15, 20]
    );
    assert!(imp.notes.is_empty(), "{:?}", imp.notes);
    assert!(imp.problems.is_empty(), "{:?}", imp.problems);

    // Ten rows: 4 in formation (13-14 blank), 3 in first year (19 blank), 3 in second year.
    let lines: Vec<u32> = imp.rows.iter().map(|r| r.row).collect();
    assert_eq!(lines, [9, 10, 11, 12, 16, 17, 18, 21, 22, 23]);

    let r9 = row(&imp, 9);
    assert_eq!(r9.setting, Some(Setting::Training));
    assert_eq!(
        r9.title.as_deref(),
        Some("Solution Windows Server - Active Directory DS, WDS, DFS, DHCP, DNS")
    );
    assert!(r9.artifacts.is_empty());
    assert_eq!(r9.competencies, codes(&["B1.1", "B1.5"]));
    // « 2022-2023 »: a school year, flagged.
    assert_eq!(r9.period_text, "2022-2023");
    assert_eq!(r9.period, Some(period((2022, 9, 1), (2023, 6, 30))));
    assert!(r9.period_approximate);
    assert!(r9.report.has(K::ApproximatePeriod));
    assert!(r9.is_usable(), "approximate is not blocking: {}", r9.report);
    assert!(r9.report.to_string().contains(
        "période approximative « 2022-2023 » : période donnée en année scolaire, lue du 01/09/22 \
         au 30/06/23"
    ));

    assert_eq!(row(&imp, 10).competencies, codes(&["B1.1", "B1.2", "B1.4"]));
    assert_eq!(row(&imp, 12).competencies, codes(&["B1.3", "B1.6"]));
    assert_eq!(row(&imp, 12).title.as_deref(), Some("Portfolio BTS SIO"));

    // « 2020-2023 » in the workplace sections: three school years.
    let r17 = row(&imp, 17);
    assert_eq!(r17.setting, Some(Setting::WorkplaceFirstYear));
    assert_eq!(
        r17.title.as_deref(),
        Some("Service de mainetenance : Analyse et diagnostic des retours de poste en panne")
    );
    assert_eq!(r17.period, Some(period((2020, 9, 1), (2023, 6, 30))));
    assert_eq!(r17.competencies, codes(&["B1.1", "B1.2", "B1.5"]));
    // Trailing space of the title dropped.
    assert_eq!(
        row(&imp, 22).title.as_deref(),
        Some("Microsoft Dynamic NAV : Création et gestion des dossiers SAV")
    );
    assert_eq!(row(&imp, 22).setting, Some(Setting::WorkplaceSecondYear));

    // Row 23: period and ticks but no title.
    let r23 = row(&imp, 23);
    assert_eq!(r23.title, None);
    assert_eq!(r23.competencies, codes(&["B1.1", "B1.2", "B1.5"]));
    assert!(r23.report.has(K::MissingTitle));
    assert!(!r23.is_usable());

    assert!(!imp.is_complete());
    assert_eq!(imp.blocking_errors(), ["ligne 23 : intitulé manquant"]);
    assert!(imp.synthesis_rows().is_err());
    assert_eq!(imp.rows.iter().filter(|r| r.is_usable()).count(), 9);
}

#[test]
fn fixture_2_two_line_periods_no_option_and_renamed_banners() {
    let imp = import(&fixture("real-2023-sisr-2.xlsx"));
    let h = &imp.header;
    assert_eq!(h.session_year, Some(2023));
    assert_eq!(h.candidate_name.as_deref(), Some("BERNARD Lucas"));
    assert_eq!(h.candidate_number.as_deref(), Some("01234567890"));
    assert_eq!(h.school_name.as_deref(), Some("Campus exemple"));
    // Both boxes left « ▢ » although the candidate is SISR.
    assert_eq!(h.track, None);
    assert!(h.tracks_ticked.is_empty());
    assert!(
        imp.notes
            .contains(&"aucune option cochée (SISR / SLAM)".to_owned())
    );
    // No scheme in the URL: kept as written.
    assert_eq!(h.portfolio_url.as_deref(), Some("lucas-bernard.example.fr"));

    // « Réalisations en entreprise » (no year) and « Réalisations personnelles » (not a section
    // of the model, with no row under it).
    let sections: Vec<(u32, &str, Option<Setting>)> = imp
        .sections
        .iter()
        .map(|s| (s.row, s.text.as_str(), s.setting))
        .collect();
    assert_eq!(
        sections,
        [
            (
                8,
                "Réalisation en cours de formation",
                Some(Setting::Training)
            ),
            (18, "Réalisations en entreprise", None),
            (26, "Réalisations personnelles", None),
        ]
    );
    assert!(imp.notes.iter().any(|n| n.starts_with(
        "ligne 18 : bandeau « Réalisations en entreprise » : milieu professionnel, mais l’année"
    )));
    assert!(imp.notes.iter().any(|n| n
        == "ligne 26 : bandeau « Réalisations personnelles » hors des trois sections du modèle \
            national"));

    // 9 rows in formation, 7 in « entreprise ».
    let lines: Vec<u32> = imp.rows.iter().map(|r| r.row).collect();
    assert_eq!(
        lines,
        [
            9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24, 25
        ]
    );

    // « 13/09/21 \n31/05/23 »: two lines, exact.
    let r9 = row(&imp, 9);
    assert_eq!(r9.period_text, "13/09/21 \n31/05/23");
    assert_eq!(r9.period, Some(period((2021, 9, 13), (2023, 5, 31))));
    assert!(!r9.period_approximate);
    assert_eq!(r9.competencies, codes(&["B1.2"]));
    // A title wrapped by hand: « …DHCP \n+ Redondance avec serveur Windows Core ».
    assert_eq!(
        r9.title.as_deref(),
        Some(
            "Création et gestion de serveurs Windows Active directory, DNS, DHCP + Redondance \
             avec serveur Windows Core"
        )
    );
    assert!(r9.artifacts.is_empty());
    assert!(r9.report.has(K::TitleOnSeveralLines));
    assert!(r9.is_usable());

    assert_eq!(
        row(&imp, 14).period,
        Some(period((2021, 9, 13), (2023, 9, 1)))
    );
    assert_eq!(row(&imp, 14).competencies, codes(&["B1.2", "B1.5"]));
    assert_eq!(row(&imp, 17).competencies, codes(&["B1.1"]));
    for line in 9..=17 {
        let r = row(&imp, line);
        assert_eq!(r.setting, Some(Setting::Training), "{line}");
        assert!(r.is_usable(), "{line}: {}", r.report);
    }

    // Under « Réalisations en entreprise »: read, but the year is unknown, so not usable.
    let r20 = row(&imp, 20);
    assert_eq!(
        r20.title.as_deref(),
        Some("Configuration de FireWall (Routage / NAT/ Règles)")
    );
    assert_eq!(r20.period, Some(period((2022, 8, 1), (2022, 12, 30))));
    assert_eq!(r20.competencies, codes(&["B1.5"]));
    assert_eq!(r20.setting, None);
    assert!(r20.report.has(K::UnknownSetting));
    let r25 = row(&imp, 25);
    assert_eq!(
        r25.title.as_deref(),
        Some("Traitement / Création de demande auprès de l’infogérant")
    );
    let blocking = imp.blocking_errors();
    assert_eq!(blocking.len(), 7, "{blocking:#?}");
    assert!(blocking[0].starts_with(
        "ligne 19 : section inconnue : le bandeau « Réalisations en entreprise » ne dit pas"
    ));
    assert!(!imp.is_complete());
}

// ---------------------------------------------------------------------------------------------
// Tables typed by hand.

#[test]
fn periods_in_every_form() {
    let mut t = StudentTable::standard();
    t.banner("Réalisation en cours de formation");
    let forms = [
        "13/09/21 au 31/05/23",
        "13/09/21\n31/05/23",
        "du 13/09/2021 au 31/05/2023",
        "13/09/2021 - 31/05/2023",
        "2022-2023",
        "sept. 2022",
        "septembre 2022 à juin 2023",
        "bientôt",
        "31/05/23 au 13/09/21",
        "",
    ];
    for (i, p) in forms.iter().enumerate() {
        t.row(&format!("Réalisation {i}"), p, tick(i % 6));
    }
    let imp = import(&t.bytes());
    assert_eq!(imp.rows.len(), forms.len());
    let exact = Some(period((2021, 9, 13), (2023, 5, 31)));
    for (r, form) in imp.rows.iter().zip(forms).take(4) {
        assert_eq!(r.period, exact, "{form:?}");
        assert!(!r.period_approximate);
        assert!(r.report.problems.is_empty(), "{}", r.report);
    }
    assert_eq!(
        imp.rows[4].period,
        Some(period((2022, 9, 1), (2023, 6, 30)))
    );
    assert!(imp.rows[4].period_approximate);
    assert_eq!(
        imp.rows[5].period,
        Some(period((2022, 9, 1), (2022, 9, 30)))
    );
    assert!(imp.rows[5].period_approximate);
    assert_eq!(
        imp.rows[6].period,
        Some(period((2022, 9, 1), (2023, 6, 30)))
    );
    let bad = &imp.rows[7];
    assert_eq!(bad.period, None);
    assert_eq!(bad.period_text, "bientôt");
    assert!(bad.report.has(K::UnreadablePeriod));
    assert!(
        bad.report
            .to_string()
            .contains("période illisible « bientôt » : attendu JJ/MM/AA au JJ/MM/AA"),
        "{}",
        bad.report
    );
    assert!(
        imp.rows[8]
            .report
            .to_string()
            .contains("la date de fin (13/09/21) précède la date de début (31/05/23)")
    );
    // No period at all.
    assert!(imp.rows[9].report.has(K::MissingPeriod));
    assert!(
        imp.rows[9]
            .report
            .to_string()
            .contains("période manquante : attendu JJ/MM/AA au JJ/MM/AA")
    );
    assert_eq!(imp.rows.iter().filter(|r| r.is_usable()).count(), 7);
}

#[test]
fn ticks_of_every_kind() {
    let mut t = StudentTable::standard();
    t.banner("Réalisation en cours de formation");
    t.row(
        "Tout coché",
        "01/09/22 au 30/06/23",
        ["X", "x", "✓", "✔", "oui", " X "],
    );
    t.row(
        "Rien de reconnu",
        "01/09/22 au 30/06/23",
        ["?", "", "", "", "", ""],
    );
    t.row(
        "Non et tiret",
        "01/09/22 au 30/06/23",
        ["non", "-", "X", "", "", ""],
    );
    let imp = import(&t.bytes());
    assert_eq!(
        imp.rows[0].competencies,
        codes(&["B1.1", "B1.2", "B1.3", "B1.4", "B1.5", "B1.6"])
    );
    assert!(imp.rows[0].report.problems.is_empty());
    let r = &imp.rows[1];
    assert!(r.competencies.is_empty());
    assert!(r.report.has(K::UnrecognisedMark));
    assert!(r.report.has(K::NoCompetency));
    assert!(r.report.to_string().contains("aucune compétence cochée"));
    assert!(
        r.report
            .to_string()
            .contains("case B1.1 (« Gérer le patrimoine informatique ») : « ? » n’est pas reconnu")
    );
    assert!(!r.is_usable());
    assert_eq!(imp.rows[2].competencies, codes(&["B1.3"]));
    assert!(imp.rows[2].report.problems.is_empty());
}

#[test]
fn renamed_banners_plain_banners_and_blank_rows() {
    let mut t = StudentTable::new(
        "Nom, prénom : LEROY Zoé",
        "N° de candidat : 42",
        "SISR",
        "X SLAM",
    );
    t.blank();
    t.banner("Projets réalisés en formation");
    t.row("Projet A", "01/10/22 au 15/12/22", tick(0));
    t.blank().blank();
    t.plain_banner("Stage de 1ère année");
    t.row("Stage A", "01/06/23 au 30/06/23", tick(1));
    t.banner("Entreprise – 2e année");
    t.blank();
    let second = t.next_line();
    t.row("Alternance B", "02/01/24 au 28/02/24", tick(2));
    let imp = import(&t.bytes());
    assert_eq!(imp.header.candidate_name.as_deref(), Some("LEROY Zoé"));
    assert_eq!(imp.header.candidate_number.as_deref(), Some("42"));
    assert_eq!(imp.header.track, Some(Track::Slam));
    assert_eq!(imp.header.session_year, Some(2026));
    let settings: Vec<Option<Setting>> = imp.rows.iter().map(|r| r.setting).collect();
    assert_eq!(
        settings,
        [
            Some(Setting::Training),
            Some(Setting::WorkplaceFirstYear),
            Some(Setting::WorkplaceSecondYear)
        ]
    );
    assert_eq!(imp.rows[2].row, second);
    assert!(imp.notes.iter().any(|n| n.contains(
        "bandeau « Stage de 1ère année » lu comme « Réalisations en milieu professionnel en cours \
         de première année »"
    )));
    assert!(imp.is_complete(), "{:?}", imp.blocking_errors());
}

#[test]
fn rows_without_banner_are_reported() {
    let mut t = StudentTable::standard();
    t.row("Sans section", "01/10/22 au 15/12/22", tick(0));
    let imp = import(&t.bytes());
    assert_eq!(imp.rows.len(), 1);
    assert_eq!(imp.rows[0].setting, None);
    assert!(imp.rows[0].report.has(K::UnknownSetting));
    assert!(imp.blocking_errors()[0].starts_with("ligne 8 : section inconnue : aucun bandeau"));
}

#[test]
fn half_filled_rows_are_kept_with_their_errors() {
    let mut t = StudentTable::standard();
    t.banner("Réalisation en cours de formation");
    t.row("", "", tick(3)); // ticks only
    t.row("", "01/10/22 au 15/12/22", [""; 6]); // a period only
    t.row("Un titre seul, rien d'autre", "", [""; 6]);
    t.row(
        "• Compte rendu\n• Captures",
        "01/10/22 au 15/12/22",
        tick(0),
    );
    t.cell(12, "note perso");
    t.row("Avec une note", "01/10/22 au 15/12/22", tick(0));
    let imp = import(&t.bytes());
    assert_eq!(imp.rows.len(), 5, "never drop a row");
    let kinds =
        |i: usize| -> Vec<K> { imp.rows[i].report.problems.iter().map(|p| p.kind).collect() };
    assert_eq!(kinds(0), [K::MissingTitle, K::MissingPeriod]);
    assert_eq!(kinds(1), [K::MissingTitle, K::NoCompetency]);
    assert_eq!(kinds(2), [K::MissingPeriod, K::NoCompetency]);
    // A bulleted first line is a production: the title is missing.
    assert_eq!(kinds(3), [K::MissingTitle]);
    assert_eq!(imp.rows[3].artifacts, ["Compte rendu", "Captures"]);
    // Column M is outside the table: reported, not blocking.
    assert_eq!(kinds(4), [K::IgnoredCell]);
    assert!(
        imp.rows[4]
            .report
            .to_string()
            .contains("contenu hors des colonnes du tableau ignoré en M13 : « note perso »")
    );
    assert!(imp.rows[4].is_usable());
    assert_eq!(imp.blocking_errors().len(), 2 + 2 + 2 + 1);
}

#[test]
fn a_date_cell_and_artifacts_in_column_a() {
    let mut t = StudentTable::standard();
    t.banner("Réalisation en cours de formation");
    let line = t.next_line();
    t.row(
        "Serveur de fichiers\nProcédure.pdf\n- Schéma réseau",
        "",
        tick(4),
    );
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let when = ExcelDateTime::from_ymd(2022, 10, 3).expect("date");
    t.workbook
        .worksheet_from_index(0)
        .expect("sheet")
        .write_datetime_with_format(line - 1, 1, &when, &date_format)
        .expect("date");
    let imp = import(&t.bytes());
    let r = &imp.rows[0];
    assert_eq!(r.title.as_deref(), Some("Serveur de fichiers"));
    assert_eq!(r.artifacts, ["Procédure.pdf", "Schéma réseau"]);
    assert_eq!(r.period, Some(period((2022, 10, 3), (2022, 10, 3))));
    assert!(r.report.has(K::SingleDatePeriod));
    assert!(r.is_usable());
    let _ = date(2022, 10, 3);
}

#[test]
fn the_table_may_be_on_another_sheet() {
    let mut t = StudentTable::standard();
    t.banner("Réalisation en cours de formation");
    t.row("Projet", "01/10/22 au 15/12/22", tick(0));
    // A notes sheet added before the table.
    let notes = t.workbook.add_worksheet();
    notes.set_name("Brouillon").expect("name");
    notes.write_string(0, 0, "à faire").expect("write");
    let imp = import(&t.bytes());
    assert_eq!(imp.sheet_name, "Tableau de synthèse Épreuve E4");
    assert_eq!(imp.rows.len(), 1);
}

#[test]
fn a_header_with_missing_competency_columns_blocks() {
    let mut t = StudentTable::standard();
    {
        let s = t.workbook.worksheet_from_index(0).expect("sheet");
        s.write_string(5, 7, "Autre chose").expect("write");
    }
    t.banner("Réalisation en cours de formation");
    t.row("Projet", "01/10/22 au 15/12/22", tick(0));
    let imp = import(&t.bytes());
    assert_eq!(
        imp.problems,
        [
            "colonne de la compétence « Organiser son développement professionnel » (B1.6) \
             introuvable dans la ligne d’en-tête"
        ]
    );
    assert!(!imp.is_complete());
}

// ---------------------------------------------------------------------------------------------
// Round trip.

#[test]
fn round_trip_gives_back_the_same_rows() {
    let t = sample_table();
    let imp = import(&synthesis_xlsx(&t).expect("xlsx"));
    assert!(imp.is_complete(), "{:?}", imp.blocking_errors());
    assert!(imp.notes.is_empty(), "{:?}", imp.notes);
    for r in &imp.rows {
        assert!(r.report.problems.is_empty(), "line {}: {}", r.row, r.report);
    }
    assert_eq!(
        imp.synthesis_rows().expect("complete"),
        rows_in_sheet_order(&t)
    );
    let h = &imp.header;
    assert_eq!(h.session_year, Some(t.session_year));
    assert_eq!(h.candidate_name.as_deref(), Some(t.candidate_name.as_str()));
    assert_eq!(h.candidate_number, t.candidate_number);
    assert_eq!(h.school_name.as_deref(), Some(t.school_name.as_str()));
    assert_eq!(h.track, Some(t.track));
    assert_eq!(h.portfolio_url, t.portfolio_url);
    assert_eq!(
        imp.sections.iter().map(|s| s.setting).collect::<Vec<_>>(),
        Setting::ALL.map(Some)
    );
}

#[test]
fn round_trip_of_an_empty_table_finds_nothing_to_save() {
    let mut t = sample_table();
    t.rows.clear();
    t.candidate_number = None;
    t.portfolio_url = None;
    t.track = Track::Sisr;
    let imp = import(&synthesis_xlsx(&t).expect("xlsx"));
    assert!(imp.rows.is_empty());
    assert_eq!(imp.header.candidate_number, None);
    assert_eq!(imp.header.portfolio_url, None);
    assert_eq!(imp.header.track, Some(Track::Sisr));
    assert_eq!(
        imp.blocking_errors(),
        ["aucune réalisation trouvée sous la ligne d’en-tête"]
    );
}

// ---------------------------------------------------------------------------------------------
// Files that are not tables, and hostile files.

#[test]
fn an_ordinary_workbook_is_not_a_table() {
    let mut wb = Workbook::new();
    let s = wb.add_worksheet();
    s.write_string(0, 0, "Liste de courses").expect("write");
    s.write_string(1, 0, "Gérer le patrimoine informatique")
        .expect("write");
    let err = import_synthesis_xlsx(&wb.save_to_buffer().expect("save")).expect_err("not a table");
    assert!(matches!(err, ImportError::NotASynthesisTable(_)));
    assert!(
        err.to_string()
            .starts_with("ce classeur n’est pas un tableau de synthèse : aucune feuille"),
        "{err}"
    );
}

/// A tiny deterministic generator, so the tests need no extra crate.
fn pseudo_random(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

#[test]
fn random_bytes_empty_files_and_old_formats() {
    let err = import_synthesis_xlsx(&pseudo_random(10_000, 7)).expect_err("random");
    assert!(matches!(err, ImportError::NotXlsx(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "ce fichier n’est pas un classeur Excel .xlsx : ce n’est pas un classeur au format .xlsx"
    );
    assert!(matches!(
        import_synthesis_xlsx(b""),
        Err(ImportError::NotXlsx(_))
    ));
    // A zip signature on random bytes.
    let mut fake = b"PK\x03\x04".to_vec();
    fake.extend(pseudo_random(5_000, 9));
    assert!(matches!(
        import_synthesis_xlsx(&fake),
        Err(ImportError::NotXlsx(_))
    ));
    // A zip without a workbook.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .expect("file");
    zip.write_all(b"hello").expect("write");
    let bytes = zip.finish().expect("zip").into_inner();
    let err = import_synthesis_xlsx(&bytes).expect_err("no workbook");
    assert!(err.to_string().contains("xl/workbook.xml"), "{err}");

    // OLE2 compound files: an old .xls, and an .xlsx saved with a password.
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.extend(pseudo_random(2_000, 3));
    assert_eq!(import_synthesis_xlsx(&cfb), Err(ImportError::LegacyXls));
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    cfb.extend(name);
    let err = import_synthesis_xlsx(&cfb).expect_err("encrypted");
    assert_eq!(err, ImportError::Encrypted);
    assert!(err.to_string().contains("mot de passe"));
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let mut big = b"PK\x03\x04".to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let err = import_synthesis_xlsx(&big).expect_err("too big");
    assert_eq!(
        err.to_string(),
        "fichier trop volumineux (5,0 Mo, au plus 5,0 Mo)"
    );
}

/// A real table whose `part` is replaced by `content`, packed with `method`.
fn repack(part: &str, content: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
    let table = synthesis_xlsx(&sample_table()).expect("xlsx");
    let mut src = zip::ZipArchive::new(Cursor::new(table)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut options = zip::write::SimpleFileOptions::default().compression_method(method);
    if method == zip::CompressionMethod::Deflated {
        options = options.compression_level(Some(1));
    }
    for i in 0..src.len() {
        let mut f = src.by_index(i).expect("entry");
        let name = f.name().to_owned();
        out.start_file(name.as_str(), options).expect("start");
        if name == part {
            out.write_all(content).expect("write");
        } else {
            std::io::copy(&mut f, &mut out).expect("copy");
        }
    }
    out.finish().expect("finish").into_inner()
}

#[test]
fn zip_bombs_are_refused_honest_or_lying() {
    // 25 MB of spaces in the sheet: a few hundred kilobytes once packed, under the 5 MB limit.
    let zeros = vec![b' '; 25 * 1024 * 1024];
    let bomb = repack(
        "xl/worksheets/sheet1.xml",
        &zeros,
        zip::CompressionMethod::Deflated,
    );
    assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
    let err = import_synthesis_xlsx(&bomb).expect_err("bomb");
    assert!(matches!(err, ImportError::LimitExceeded(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("la partie « xl/worksheets/sheet1.xml » du classeur ferait au moins 25,0 Mo"),
        "{err}"
    );

    // The same bomb with headers that claim 100 bytes: caught by unpacking for real.
    let mut lying = bomb.clone();
    let declared = (zeros.len() as u32).to_le_bytes();
    let mut patched = 0;
    let mut i = 0;
    while i + 4 <= lying.len() {
        if lying[i..i + 4] == declared {
            lying[i..i + 4].copy_from_slice(&100u32.to_le_bytes());
            patched += 1;
        }
        i += 1;
    }
    assert_eq!(patched, 2, "local header and central directory");
    let err = import_synthesis_xlsx(&lying).expect_err("lying bomb");
    assert!(matches!(err, ImportError::LimitExceeded(_)), "{err:?}");
    assert!(err.to_string().contains("ferait au moins 10,0 Mo"), "{err}");
}

#[test]
fn rows_columns_cells_and_sheets_are_bounded() {
    // A filled cell far down.
    let mut t = StudentTable::standard();
    t.workbook
        .worksheet_from_index(0)
        .expect("sheet")
        .write_string(5_000, 0, "loin")
        .expect("write");
    let err = import_synthesis_xlsx(&t.bytes()).expect_err("rows");
    assert!(
        err.to_string()
            .contains("est remplie jusqu’à la ligne 5001 (au plus 2000)"),
        "{err}"
    );
    // A filled cell far right.
    let mut t = StudentTable::standard();
    t.workbook
        .worksheet_from_index(0)
        .expect("sheet")
        .write_string(10, 200, "loin")
        .expect("write");
    let err = import_synthesis_xlsx(&t.bytes()).expect_err("columns");
    assert!(
        err.to_string()
            .contains("jusqu’à la colonne 201 (au plus 30)"),
        "{err}"
    );
    // Many cells.
    let limits = ImportLimits {
        max_cells: 40,
        ..ImportLimits::default()
    };
    let err = import_synthesis_xlsx_with(&synthesis_xlsx(&sample_table()).expect("xlsx"), &limits)
        .expect_err("cells");
    assert_eq!(err.to_string(), "classeur refusé : plus de 40 cellules");
    // Many merged ranges (the generated table has twelve).
    let limits = ImportLimits {
        max_merged_ranges: 5,
        ..ImportLimits::default()
    };
    let err = import_synthesis_xlsx_with(&synthesis_xlsx(&sample_table()).expect("xlsx"), &limits)
        .expect_err("merges");
    assert!(
        err.to_string()
            .ends_with("a 12 plages de cellules fusionnées (au plus 5)"),
        "{err}"
    );
    // Many sheets.
    let mut wb = Workbook::new();
    for _ in 0..40 {
        wb.add_worksheet();
    }
    let err = import_synthesis_xlsx(&wb.save_to_buffer().expect("save")).expect_err("sheets");
    assert_eq!(
        err.to_string(),
        "classeur refusé : 40 feuilles (au plus 32)"
    );
}

#[test]
fn a_broken_sheet_is_an_error_not_a_panic() {
    let bytes = repack(
        "xl/worksheets/sheet1.xml",
        b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99999</v></c>",
        zip::CompressionMethod::Stored,
    );
    let err = import_synthesis_xlsx(&bytes).expect_err("broken");
    assert!(
        matches!(
            err,
            ImportError::Corrupt(_) | ImportError::NotASynthesisTable(_)
        ),
        "{err:?}"
    );
}

#[test]
fn header_values_typed_in_the_next_cell_and_a_repeated_header() {
    let mut t = StudentTable::new("Nom, prénom :", "N° candidat :", "☐ SISR", "☐ SLAM");
    {
        let s = t.workbook.worksheet_from_index(0).expect("sheet");
        s.write_string(2, 1, "LEROY Zoé").expect("write");
        // The school left empty: « Option : » in F4 is not its value.
        s.write_string(3, 0, "Centre de formation :")
            .expect("write");
    }
    t.banner("Réalisation en cours de formation");
    t.row("Projet A", "01/10/22 au 15/12/22", tick(0));
    // The header copied again lower, as for a second printed page.
    let fw = portfolio_framework::bts_sio_2019();
    let copy = t.next_line();
    for (i, c) in fw.block("B1").expect("B1").competencies.iter().enumerate() {
        t.cell(2 + i as u16, &c.label);
    }
    t.blank();
    t.row("Projet B", "01/01/23 au 15/02/23", tick(1));
    let imp = import(&t.bytes());
    assert_eq!(imp.header.candidate_name.as_deref(), Some("LEROY Zoé"));
    assert_eq!(imp.header.candidate_number, None);
    assert_eq!(imp.header.school_name, None);
    assert_eq!(imp.header.track, None);
    assert_eq!(
        imp.rows
            .iter()
            .map(|r| r.title.as_deref())
            .collect::<Vec<_>>(),
        [Some("Projet A"), Some("Projet B")]
    );
    assert!(
        imp.notes
            .contains(&format!("ligne {copy} : en-tête du tableau répété, ignoré")),
        "{:?}",
        imp.notes
    );
    assert!(imp.is_complete(), "{:?}", imp.blocking_errors());
}

#[test]
fn an_option_written_without_boxes() {
    let mut t = StudentTable::new("NOM et prénom : A B", "N° candidat : 1", "", "");
    t.workbook
        .worksheet_from_index(0)
        .expect("sheet")
        .write_string(3, 5, "Option : SLAM")
        .expect("write");
    t.banner("Réalisation en cours de formation");
    t.row("Projet", "01/10/22 au 15/12/22", tick(0));
    let imp = import(&t.bytes());
    assert_eq!(imp.header.track, Some(Track::Slam));
    assert!(imp.header.tracks_ticked.is_empty());
    assert!(
        imp.notes
            .contains(&"option lue sans case : « SLAM » est la seule option écrite".to_owned())
    );
}
