//! # portfolio-framework — the BTS SIO référentiels as data
//!
//! The regulation of the BTS « Services informatiques aux organisations » (SIO),
//! transcribed verbatim from the official texts (`regulation/seeds/`) into data files
//! compiled into the binary, loaded into typed structures and validated at load.
//! Everything the application prints about the regulation comes from here. Pure:
//! the only input is the embedded text.
//!
//! ## Frameworks
//!
//! | id | what | entry point |
//! |---|---|---|
//! | `bts-sio-2019` | the référentiel of 27 March 2019, both options | [`bts_sio_2019`] → [`Framework`] |
//! | `bts-sio-2011` | the 2011 référentiel de certification | [`bts_sio_2011`] → [`Framework2011`] |
//!
//! [`by_id`] looks one up by id ([`FRAMEWORK_IDS`]); [`render_text`] prints the
//! 2019 blocks as plain text (`portfolio-sio framework show [--track sisr|slam]`).
//!
//! ## Data files (`crates/framework/data/`)
//!
//! TOML, one file per annex, each with a header comment giving its source and its
//! conventions.
//!
//! | file | source | content |
//! |---|---|---|
//! | `bts-sio-2019-competencies.toml` | 000, Annexe I.B | blocks, competencies, skills (« · » bullets), performance indicators, savoirs associés |
//! | `bts-sio-2019-exams.toml` | 000, Annexe II.C | règlement d’examen: one table per option; per unit, form and duration for each of the three columns of candidates ([`RouteGroup`]) |
//! | `correspondence-2011-2019.toml` | 000, Annexe IV | 2011 exam → 2019 exam |
//! | `bts-sio-2019-e4-evaluation.toml` | 002, annexe 6-3 | the five mastery levels and their descriptors, the penalties, the first row of the E4 grid; EF4 |
//! | `bts-sio-2019-tech-environment.toml` | 000, Annexe II.E | the technological environment as checklists per option |
//! | `bts-sio-2011.toml` | 001 | processes P1–P5, domains, activities, competencies |
//!
//! **Verbatim.** Labels keep the source's characters: typographic (’) or ASCII (')
//! apostrophes as the source has them, non-breaking spaces (written `\u00A0` in
//! the TOML so that they can be seen), double spaces, and the source's typos (e.g.
//! « mise en en œuvre », « de renforcer de ses compétences »). The only change is
//! that a cell the source wraps over several lines becomes one line (line breaks
//! become single spaces). 000 is the reference for the 2019 labels; 003 (which has
//! typos such as « TTraiter ») is only a cross-check. The tests check every label
//! against the seed text.
//!
//! ## Codes (stable forever: stored in databases)
//!
//! | what | scheme | examples |
//! |---|---|---|
//! | block | `B{n}` for a common block, `B{n}-{OPTION}` for an option's block | `B1`, `B2-SISR`, `B2-SLAM`, `B3` |
//! | competency | `{block}.{n}`, numbered in the order of the source | `B1.1` … `B1.6`, `B2-SLAM.3`, `B3.1` … `B3.4` |
//! | option-specific competency of a common block | `{block}.{n}-{OPTION}`, `n` following the common ones | `B3.5-SISR`, `B3.5-SLAM` |
//! | skill | `{competency}.{m}`, in the order of the source | `B1.1.5` « Gérer des sauvegardes », `B3.5-SLAM.2` |
//! | exam, unit | the regulation's own | `E4`, `U4`, `U11`, `EF1`, `UF1` |
//! | mastery level, penalty | snake_case of the English name ([`MasteryLevel`], [`Penalty`]) | `good_mastery`, `portfolio_inaccessible` |
//! | technological environment item | `TE-{section}.{n}` | `TE-1.1.2` « un SGBD », `TE-2.2.1` |
//! | 2011 | the source's own: process `P{p}`, domain `D{p}.{d}`, activity `A{p}.{d}.{a}`, competency `C{p}.{d}.{a}.{n}` | `P1`, `D1.1`, `A1.1.1`, `C1.1.1.1` |
//!
//! `{OPTION}` is `SISR` or `SLAM` ([`Track::code`]). A competency's `track` is its
//! option (the block's option in Bloc 2, `Some` for B3.5-SISR and B3.5-SLAM, `None`
//! for a common one); [`Framework::blocks_for`] gives an option's view: Bloc 1, the
//! option's Bloc 2, Bloc 3 with its common competencies and the option's B3.5.
//!
//! Two 2011 competencies are printed in the source with another activity's code
//! (under A2.2.1 the source prints « C2.1.2.3 » and « C2.1.2.4 », codes that are
//! already those of two competencies of A2.1.2): their `code` is the one their
//! position implies (`C2.2.1.3`, `C2.2.1.4`) and `printed_code` keeps what the
//! source prints.
//!
//! ## Validation
//!
//! [`Framework::validate`] and [`Framework2011::validate`] return every problem
//! found: a code that breaks the scheme or is not unique, an empty label or one
//! with surrounding whitespace, a reference that does not resolve (the block a
//! unit certifies, the 2019 exams and units of Annexe IV, the exam the grid is
//! for), counts that disagree (coefficients of E1's units, one assessment per
//! column, five mastery levels, blocks 1–3 for each option). The loaders call them;
//! the embedded data is checked by the tests, so [`bts_sio_2019`] and
//! [`bts_sio_2011`] cannot fail on a tested build.

mod evaluation;
mod exam;
mod load;
mod model;
mod render;
mod sio2011;
mod tech_env;
mod validate;

use std::sync::LazyLock;

use serde::Serialize;

pub use evaluation::{
    E4Evaluation, EvaluationGrid, MasteryLevel, MasteryLevelInfo, Penalty, PenaltyInfo,
    StudentEngagement, UnknownCode,
};
pub use exam::{
    Assessment, Correspondence, CorrespondenceRow, CorrespondenceSide, Exam, ExamDuration,
    ExamForm, ExamMode, ExamRegulation, ExamRules, RouteGroup, RouteGroupInfo, Unit,
};
pub use load::{LoadError, files, load_2011, load_2011_from, load_2019, load_2019_from};
pub use model::{
    Block, BlockHeader, BlockView, Competency, CompetencyRef, Framework, KnowledgeGroup,
    ParseTrackError, PerformanceIndicator, Skill, SkillRef, Track,
};
pub use render::render_text;
pub use sio2011::{
    Activity, ActivityRef, Competency2011, Competency2011Ref, Domain, Framework2011, Process,
};
pub use tech_env::{TechEnvironment, TechItem, TechPart, TechSection};
pub use validate::ValidationError;

/// The id of the 2019 framework.
pub const BTS_SIO_2019: &str = "bts-sio-2019";
/// The id of the 2011 framework.
pub const BTS_SIO_2011: &str = "bts-sio-2011";
/// The ids of every framework, the current one first.
pub const FRAMEWORK_IDS: &[&str] = &[BTS_SIO_2019, BTS_SIO_2011];

static SIO_2019: LazyLock<Framework> = LazyLock::new(|| {
    load_2019().unwrap_or_else(|e| panic!("the embedded framework data is invalid: {e}"))
});

static SIO_2011: LazyLock<Framework2011> = LazyLock::new(|| {
    load_2011().unwrap_or_else(|e| panic!("the embedded framework data is invalid: {e}"))
});

/// The BTS SIO 2019 référentiel, loaded once (validated embedded data).
pub fn bts_sio_2019() -> &'static Framework {
    &SIO_2019
}

/// The BTS SIO 2011 référentiel de certification, loaded once (validated embedded
/// data).
pub fn bts_sio_2011() -> &'static Framework2011 {
    &SIO_2011
}

/// One of the frameworks.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(untagged)]
pub enum AnyFramework<'a> {
    Sio2019(&'a Framework),
    Sio2011(&'a Framework2011),
}

impl<'a> AnyFramework<'a> {
    /// `"bts-sio-2019"` or `"bts-sio-2011"`.
    pub fn id(&self) -> &'a str {
        match self {
            AnyFramework::Sio2019(f) => &f.id,
            AnyFramework::Sio2011(f) => &f.id,
        }
    }

    /// The framework's title, verbatim.
    pub fn title(&self) -> &'a str {
        match self {
            AnyFramework::Sio2019(f) => &f.title,
            AnyFramework::Sio2011(f) => &f.title,
        }
    }
}

/// The framework of that id (one of [`FRAMEWORK_IDS`]).
pub fn by_id(id: &str) -> Option<AnyFramework<'static>> {
    match id {
        BTS_SIO_2019 => Some(AnyFramework::Sio2019(bts_sio_2019())),
        BTS_SIO_2011 => Some(AnyFramework::Sio2011(bts_sio_2011())),
        _ => None,
    }
}
