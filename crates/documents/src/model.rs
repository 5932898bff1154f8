//! The texts and the grid of the national tableau de synthèse (annexe 6-1), as the filled
//! national tables show them (see `regulation/fixtures/tableaux-de-synthese`). The writer prints
//! them and the importer looks for them, so they live in one place.

use portfolio_framework::{Block, Competency};

/// The sheet's name in the national model.
pub const SHEET_NAME: &str = "Tableau de synthèse Épreuve E4";

/// A1:F1.
pub const DIPLOMA_TITLE: &str = "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS";
/// G1:H1, followed by the session's year.
pub const SESSION_LABEL: &str = "SESSION";
/// A2:H2.
pub const TABLE_TITLE: &str = "Tableau de synthèse des réalisations professionnelles";
/// A3:E3, label and value in the same cell.
pub const NAME_LABEL: &str = "NOM et prénom :";
/// F3:H3.
pub const NUMBER_LABEL: &str = "N° candidat :";
/// A4:E4.
pub const SCHOOL_LABEL: &str = "Centre de formation :";
/// F4.
pub const OPTION_LABEL: &str = "Option :";
/// A5:H5.
pub const URL_LABEL: &str = "Adresse URL du portfolio :";
/// The upper-right half of A6:A7, above the diagonal: it names the competency columns.
pub const COMPETENCIES_HEADER: &str = "Compétences mises en œuvre";
/// The lower-left half of A6:A7, under the diagonal: it names the réalisation rows.
pub const REALISATIONS_HEADER: &str =
    "Réalisations professionnelles\n(intitulé et liste des documents et productions associés)";
/// B6:B7.
pub const PERIOD_HEADER: &str = "Période (sous la forme du JJ/MM/AA au JJ/MM/AA)";
/// Blank lines between the two halves of A6:A7: the national model pushes each half into its
/// corner of the diagonal this way (22 line breaks in both fixtures).
pub const HEADER_CORNER_BREAKS: usize = 22;

/// A ticked option box (G4 / H4).
pub const BOX_TICKED: char = '☒';
/// An empty option box.
pub const BOX_EMPTY: char = '☐';
/// The bullet of a skill under a competency label (C7:H7).
pub const SKILL_BULLET: &str = "▸ ";
/// The bullet of a production listed under a réalisation's title (column A).
pub const ARTIFACT_BULLET: &str = "• ";
/// The mark of a competency mobilised by a réalisation.
pub const TICK: &str = "X";

/// The code of the block whose competencies are the columns of the table.
pub const BLOCK_CODE: &str = "B1";

/// Rows of the grid, 0-based as rust_xlsxwriter and calamine count them.
pub mod rows {
    pub const DIPLOMA: u32 = 0;
    pub const TITLE: u32 = 1;
    pub const CANDIDATE: u32 = 2;
    pub const SCHOOL: u32 = 3;
    pub const URL: u32 = 4;
    /// The competency labels.
    pub const HEADER: u32 = 5;
    /// The skills under each label.
    pub const SKILLS: u32 = 6;
    /// The first section banner.
    pub const FIRST_BANNER: u32 = 7;
}

/// Columns of the grid, 0-based: A is the réalisation, B the period, C..H the six
/// competencies of Bloc 1.
pub mod cols {
    pub const TITLE: u16 = 0;
    pub const PERIOD: u16 = 1;
    pub const FIRST_COMPETENCY: u16 = 2;
    pub const LAST: u16 = 7;
}

/// The whole text of A6 (merged A6:A7), both halves.
pub fn corner_header() -> String {
    let mut s = String::with_capacity(160);
    s.push_str(COMPETENCIES_HEADER);
    for _ in 0..HEADER_CORNER_BREAKS {
        s.push('\n');
    }
    s.push_str(REALISATIONS_HEADER);
    s
}

/// The text of a competency's skills cell (row 7): one bulleted skill a line.
pub fn skills_cell(competency: &Competency) -> String {
    let mut s = String::new();
    for (i, skill) in competency.skills.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(SKILL_BULLET);
        s.push_str(&skill.label);
    }
    s
}

/// Bloc 1 of the 2019 référentiel: its competencies are the columns of the table.
pub fn bloc1() -> Option<&'static Block> {
    portfolio_framework::bts_sio_2019().block(BLOCK_CODE)
}
