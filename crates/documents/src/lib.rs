//! The dossier's spreadsheets: the national tableau de synthèse of the E4 exam (annexe 6-1),
//! written from a [`SynthesisTable`](portfolio_domain::dossier::SynthesisTable) and imported
//! from the .xlsx files candidates fill in.
//!
//! * [`synthesis_xlsx`]: the national model rebuilt in code, one A4 sheet.
//! * [`import_synthesis_xlsx`]: reads a filled table, row by row, with a French report of what
//!   was read and what could not be; hostile files are bounded by [`ImportLimits`].
//! * [`model`]: the texts and the grid of the national model, shared by both.
//! * [`mark_sheet`]: the bordereau récapitulatif the head of school sends the jury.
//! * [`import::candidates`]: a session's list of candidates, .xlsx or CSV.

pub mod import;
pub mod mark_sheet;
pub mod model;
mod synthesis;
mod table;

pub use import::{
    ImportError, ImportLimits, ImportedHeader, ImportedRow, ImportedSection, ImportedSynthesis,
    RowProblem, RowProblemKind, RowReport, import_synthesis_xlsx, import_synthesis_xlsx_with,
};
pub use synthesis::{DocumentError, synthesis_xlsx};
pub use table::{table_csv, table_xlsx};
