//! Importing a tableau de synthèse as students fill it: the national .xlsx model, with labels
//! and values in one cell, periods in free text, ticks of every kind, renamed section banners,
//! blank and half-filled rows.
//!
//! Every non-empty row below the header comes back as an [`ImportedRow`] with a French
//! [`RowReport`] of what was read and what could not be; nothing is dropped silently. The
//! caller saves only a complete import ([`ImportedSynthesis::is_complete`]).
//!
//! The file is untrusted: its size, its zip parts (real unpacked sizes, not the declared
//! ones), its sheets, rows, columns and cells are bounded by [`ImportLimits`] before and while
//! it is parsed.

pub mod candidates;
mod guard;
pub mod period;
mod sheet;
pub mod text;

use std::collections::BTreeSet;
use std::fmt;

use portfolio_domain::dossier::{Period, Setting, SynthesisRow};
use portfolio_framework::Track;

pub use period::{PeriodReading, read_period};

/// Bounds on what an uploaded file may make the importer do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLimits {
    /// Size of the uploaded file.
    pub max_file_bytes: usize,
    /// Parts in the zip.
    pub max_zip_entries: usize,
    /// Unpacked size of one part of the zip.
    pub max_part_bytes: usize,
    /// Unpacked size of all the parts together.
    pub max_unpacked_bytes: usize,
    /// Sheets in the workbook.
    pub max_sheets: usize,
    /// A filled cell below this row (1-based count) is refused.
    pub max_rows: u32,
    /// A filled cell right of this column (count) is refused.
    pub max_columns: u16,
    /// Cells read, all sheets together.
    pub max_cells: usize,
    /// Merged ranges in a sheet.
    pub max_merged_ranges: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_file_bytes: 5 * 1024 * 1024,
            max_zip_entries: 1_000,
            // A sheet of 2,000 rows by 30 columns is a few megabytes of XML.
            max_part_bytes: 10 * 1024 * 1024,
            max_unpacked_bytes: 32 * 1024 * 1024,
            max_sheets: 32,
            max_rows: 2_000,
            max_columns: 30,
            max_cells: 50_000,
            max_merged_ranges: 1_000,
        }
    }
}

/// Why a file could not be imported at all. The messages are for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("fichier trop volumineux ({size}, au plus {max})")]
    TooLarge { size: String, max: String },
    #[error("ce fichier n’est pas un classeur Excel .xlsx : {0}")]
    NotXlsx(String),
    #[error(
        "ancien format Excel (.xls) : enregistrez le tableau au format .xlsx puis importez-le à \
         nouveau"
    )]
    LegacyXls,
    #[error(
        "classeur protégé par un mot de passe : enregistrez-le sans mot de passe puis \
         importez-le à nouveau"
    )]
    Encrypted,
    #[error("classeur illisible : {0}")]
    Corrupt(String),
    #[error("classeur refusé : {0}")]
    LimitExceeded(String),
    #[error("ce classeur n’est pas un tableau de synthèse : {0}")]
    NotASynthesisTable(String),
    #[error("ce fichier n’est pas une liste de candidats : {0}")]
    NotACandidateList(String),
    /// The spreadsheet parser failed in an unexpected way on this file.
    #[error("classeur illisible : erreur inattendue pendant la lecture")]
    Internal,
}

/// The candidate fields of rows 1 to 5, as far as they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedHeader {
    pub session_year: Option<i32>,
    pub candidate_name: Option<String>,
    pub candidate_number: Option<String>,
    pub school_name: Option<String>,
    /// The option, when exactly one box is ticked.
    pub track: Option<Track>,
    /// Every option box found ticked.
    pub tracks_ticked: Vec<Track>,
    pub portfolio_url: Option<String>,
}

/// A section banner found in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSection {
    /// Row number as the spreadsheet shows it (1-based).
    pub row: u32,
    pub text: String,
    /// `None` when the banner does not say which of the three sections it is.
    pub setting: Option<Setting>,
}

/// What went wrong, or is worth checking, in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowProblemKind {
    MissingTitle,
    MissingPeriod,
    UnreadablePeriod,
    /// Years or months only: the dates are a reading.
    ApproximatePeriod,
    /// One date: read as a one-day period.
    SingleDatePeriod,
    NoCompetency,
    /// The section of the row is not one of the three of the national model.
    UnknownSetting,
    /// A competency cell holds something that is neither a tick nor empty.
    UnrecognisedMark,
    /// A line of column A was taken as the continuation of the title.
    TitleOnSeveralLines,
    /// Something written outside the columns of the table.
    IgnoredCell,
}

impl RowProblemKind {
    /// Whether the row cannot become a réalisation because of it.
    pub fn is_blocking(self) -> bool {
        matches!(
            self,
            RowProblemKind::MissingTitle
                | RowProblemKind::MissingPeriod
                | RowProblemKind::UnreadablePeriod
                | RowProblemKind::NoCompetency
                | RowProblemKind::UnknownSetting
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub kind: RowProblemKind,
    /// In French, for the person who filled the table.
    pub message: String,
}

/// What was read in a row and what could not be, in French.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowReport {
    pub read: Vec<String>,
    pub problems: Vec<RowProblem>,
}

impl RowReport {
    pub fn is_blocking(&self) -> bool {
        self.problems.iter().any(|p| p.kind.is_blocking())
    }

    pub fn blocking(&self) -> impl Iterator<Item = &RowProblem> {
        self.problems.iter().filter(|p| p.kind.is_blocking())
    }

    pub fn has(&self, kind: RowProblemKind) -> bool {
        self.problems.iter().any(|p| p.kind == kind)
    }

    fn problem(&mut self, kind: RowProblemKind, message: impl Into<String>) {
        self.problems.push(RowProblem {
            kind,
            message: message.into(),
        });
    }
}

impl fmt::Display for RowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in self
            .read
            .iter()
            .map(String::as_str)
            .chain(self.problems.iter().map(|p| p.message.as_str()))
        {
            if !first {
                f.write_str(" ; ")?;
            }
            f.write_str(s)?;
            first = false;
        }
        Ok(())
    }
}

/// One non-empty row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    /// Row number as the spreadsheet shows it (1-based).
    pub row: u32,
    /// From the section banner above the row.
    pub setting: Option<Setting>,
    pub title: Option<String>,
    /// The lines of column A after the title.
    pub artifacts: Vec<String>,
    pub period: Option<Period>,
    /// The period cell as written.
    pub period_text: String,
    /// The period was given in years or months: its dates are a reading.
    pub period_approximate: bool,
    /// Codes of the Bloc 1 competencies ticked (`B1.1` … `B1.6`).
    pub competencies: BTreeSet<String>,
    pub report: RowReport,
}

impl ImportedRow {
    /// Whether the row can become a réalisation.
    pub fn is_usable(&self) -> bool {
        !self.report.is_blocking() && self.to_synthesis_row().is_some()
    }

    pub fn to_synthesis_row(&self) -> Option<SynthesisRow> {
        if self.report.is_blocking() || self.competencies.is_empty() {
            return None;
        }
        Some(SynthesisRow {
            title: self.title.clone()?,
            artifacts: self.artifacts.clone(),
            period: self.period?,
            setting: self.setting?,
            competencies: self.competencies.clone(),
        })
    }
}

/// What was read from a tableau de synthèse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSynthesis {
    pub sheet_name: String,
    pub header: ImportedHeader,
    pub sections: Vec<ImportedSection>,
    pub rows: Vec<ImportedRow>,
    /// Remarks on the whole table that do not prevent saving it (in French).
    pub notes: Vec<String>,
    /// Problems of the whole table that prevent saving it (in French).
    pub problems: Vec<String>,
}

impl ImportedSynthesis {
    /// Whether every row can become a réalisation and the table as a whole is usable: only a
    /// complete import may be saved.
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty() && self.rows.iter().all(ImportedRow::is_usable)
    }

    /// Everything that prevents saving, one French sentence each, rows named by number.
    pub fn blocking_errors(&self) -> Vec<String> {
        let mut out = self.problems.clone();
        for r in &self.rows {
            for p in r.report.blocking() {
                out.push(format!("ligne {} : {}", r.row, p.message));
            }
        }
        out
    }

    /// The réalisations, when the import is complete; otherwise what prevents it.
    pub fn synthesis_rows(&self) -> Result<Vec<SynthesisRow>, Vec<String>> {
        if !self.is_complete() {
            return Err(self.blocking_errors());
        }
        Ok(self
            .rows
            .iter()
            .filter_map(ImportedRow::to_synthesis_row)
            .collect())
    }
}

/// Imports a tableau de synthèse with the default [`ImportLimits`].
pub fn import_synthesis_xlsx(bytes: &[u8]) -> Result<ImportedSynthesis, ImportError> {
    import_synthesis_xlsx_with(bytes, &ImportLimits::default())
}

/// Imports a tableau de synthèse within `limits`.
pub fn import_synthesis_xlsx_with(
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<ImportedSynthesis, ImportError> {
    guard::check(bytes, limits)?;
    // The spreadsheet parser is third-party code fed with hostile input: a panic in it must
    // become an error for this file, not take the server's worker down.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sheet::read(bytes, limits)))
        .unwrap_or(Err(ImportError::Internal))
}
