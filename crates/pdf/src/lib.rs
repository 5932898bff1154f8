//! # portfolio-pdf — the dossier's documents as PDF
//!
//! Pure renderers: data in, bytes out, no I/O, no clock (the same input gives the same
//! bytes).
//!
//! | function | document |
//! |---|---|
//! | [`synthesis_pdf`] | the tableau de synthèse des réalisations professionnelles (annexe 6-1), A4 portrait like the national .xlsx model printed |
//! | [`realisation_sheet_pdf`] | the E5 fiche descriptive de réalisation professionnelle (annexe 7-1-A SISR / 7-1-B SLAM), recto and verso |
//! | [`internship_certificate_pdf`] | the attestation de stage (annexe 9), one page, signature and stamp boxes left empty |
//! | [`conformity_sheet_pdf`] | the fiche de contrôle de conformité of the E4 dossier (annexe 6-2), one page |
//! | [`grid_pdf`] | the grille d'aide à l'évaluation (annexe 6-3), recto on A4 portrait then verso on A4 landscape |
//! | [`appraisal_pdf`] | the fiche d'appréciation destinée à la personne candidate (annexe 6-4) |
//! | [`mark_sheet_pdf`] | the bordereau récapitulatif des propositions de notes, A4 landscape |
//!
//! The référentiel's labels (competencies, skills) come from
//! [`portfolio_framework::bts_sio_2019`], never from this crate.
//!
//! ## How
//!
//! [`layout`] is a small layout layer (styled paragraphs wrapped with the fonts' metrics,
//! bordered tables with spans and turned text, page breaks that repeat a table's header);
//! `doc` writes the pages with `pdf-writer`, embedding DejaVu Sans and DejaVu Sans Bold
//! (vendored in `fonts/`, Bitstream Vera licence) subset to the glyphs used, as CID fonts
//! with a ToUnicode map so that the text can be searched, copied and extracted. The
//! one-page forms share `form` (their type at a scale, check boxes, fields) and shrink their
//! type a little rather than spill onto a second page ([`layout::fit_one_page`]).

mod conformity;
mod doc;
mod evaluation;
mod font;
mod form;
mod internship;
pub mod layout;
mod realisation;
mod synthesis;

pub use conformity::conformity_sheet_pdf;

pub use doc::{A4, Meta, Rotation, Size};
pub use evaluation::{appraisal_pdf, grid_pdf, mark_sheet_pdf};
pub use font::{FontId, FontMetrics, metrics};
pub use internship::internship_certificate_pdf;
pub use realisation::realisation_sheet_pdf;
pub use synthesis::synthesis_pdf;

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// A competency code that the référentiel does not have where the document expects it.
    #[error("{document} : la compétence « {code} » ({context}) n’existe pas dans le {block}")]
    UnknownCompetency {
        document: &'static str,
        code: String,
        /// The réalisation it was found on.
        context: String,
        block: String,
    },
    /// The référentiel has no such block (a framework without that option).
    #[error("le référentiel n’a pas de bloc « {0} »")]
    MissingBlock(String),
    /// The embedded fonts could not be read or subset.
    #[error("police de caractères : {0}")]
    Font(String),
    /// A form's input that contradicts itself (a dossier « conforme » with a ground ticked, a
    /// duration longer than the dates).
    #[error(transparent)]
    InvalidForm(#[from] portfolio_domain::forms::FormError),
    /// A table built inconsistently (a bug of the renderer, not of the data).
    #[error("mise en page : {0}")]
    Layout(String),
}
