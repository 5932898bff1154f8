//! Loading the embedded data files.

use std::fmt;

use serde::Deserialize;

use crate::evaluation::E4Evaluation;
use crate::exam::{Correspondence, ExamRules};
use crate::model::{Block, Framework};
use crate::sio2011::Framework2011;
use crate::tech_env::TechEnvironment;
use crate::validate::ValidationError;

/// The data files, compiled into the binary.
pub mod files {
    /// Annexe I.B: blocks, competencies, skills, indicators, savoirs.
    pub const COMPETENCIES_2019: &str = include_str!("../data/bts-sio-2019-competencies.toml");
    /// Annexe II.C: règlement d’examen.
    pub const EXAMS_2019: &str = include_str!("../data/bts-sio-2019-exams.toml");
    /// Annexe IV: correspondence 2011 → 2019.
    pub const CORRESPONDENCE_2011_2019: &str =
        include_str!("../data/correspondence-2011-2019.toml");
    /// Exam circular, annexe 6-3: mastery levels, penalties; EF4.
    pub const E4_EVALUATION_2019: &str = include_str!("../data/bts-sio-2019-e4-evaluation.toml");
    /// Annexe II.E: technological environment.
    pub const TECH_ENVIRONMENT_2019: &str =
        include_str!("../data/bts-sio-2019-tech-environment.toml");
    /// The 2011 référentiel de certification.
    pub const FRAMEWORK_2011: &str = include_str!("../data/bts-sio-2011.toml");
}

/// Why a framework could not be loaded.
#[derive(Debug, Clone)]
pub enum LoadError {
    /// A data file is not the expected TOML.
    Parse { file: &'static str, message: String },
    /// The data parsed but is not valid.
    Invalid {
        framework: &'static str,
        errors: Vec<ValidationError>,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Parse { file, message } => write!(f, "{file}: {message}"),
            LoadError::Invalid { framework, errors } => {
                write!(f, "{framework}: {} validation error(s)", errors.len())?;
                for err in errors {
                    write!(f, "\n  {err}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

fn parse<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<T, LoadError> {
    toml::from_str(text).map_err(|e| LoadError::Parse {
        file,
        message: e.to_string(),
    })
}

#[derive(Deserialize)]
struct CompetenciesFile {
    id: String,
    diploma: String,
    title: String,
    version: String,
    blocks: Vec<Block>,
}

#[derive(Deserialize)]
struct CorrespondenceFile {
    title: String,
    from_heading: String,
    to_heading: String,
    rows: Vec<crate::exam::CorrespondenceRow>,
}

/// Parses the 2019 data from the given texts (the embedded files for
/// [`load_2019`]) and validates it.
pub fn load_2019_from(
    competencies: &str,
    exams: &str,
    correspondence: &str,
    e4_evaluation: &str,
    tech_environment: &str,
) -> Result<Framework, LoadError> {
    let c: CompetenciesFile = parse("bts-sio-2019-competencies.toml", competencies)?;
    let exams: ExamRules = parse("bts-sio-2019-exams.toml", exams)?;
    let corr: CorrespondenceFile = parse("correspondence-2011-2019.toml", correspondence)?;
    let e4_evaluation: E4Evaluation = parse("bts-sio-2019-e4-evaluation.toml", e4_evaluation)?;
    let tech_environment: TechEnvironment =
        parse("bts-sio-2019-tech-environment.toml", tech_environment)?;
    let mut blocks = c.blocks;
    for block in &mut blocks {
        for comp in &mut block.competencies {
            comp.block = block.code.clone();
            if comp.track.is_none() {
                comp.track = block.track;
            }
        }
    }
    let fw = Framework {
        id: c.id,
        diploma: c.diploma,
        title: c.title,
        version: c.version,
        blocks,
        exams,
        correspondence_2011: Correspondence {
            title: corr.title,
            from_heading: corr.from_heading,
            to_heading: corr.to_heading,
            rows: corr.rows,
        },
        e4_evaluation,
        tech_environment,
    };
    let errors = fw.validate();
    if errors.is_empty() {
        Ok(fw)
    } else {
        Err(LoadError::Invalid {
            framework: crate::BTS_SIO_2019,
            errors,
        })
    }
}

/// Parses and validates the embedded 2019 data. [`crate::bts_sio_2019`] caches it.
pub fn load_2019() -> Result<Framework, LoadError> {
    load_2019_from(
        files::COMPETENCIES_2019,
        files::EXAMS_2019,
        files::CORRESPONDENCE_2011_2019,
        files::E4_EVALUATION_2019,
        files::TECH_ENVIRONMENT_2019,
    )
}

/// Parses the 2011 data from the given text and validates it.
pub fn load_2011_from(text: &str) -> Result<Framework2011, LoadError> {
    let fw: Framework2011 = parse("bts-sio-2011.toml", text)?;
    let errors = fw.validate();
    if errors.is_empty() {
        Ok(fw)
    } else {
        Err(LoadError::Invalid {
            framework: crate::BTS_SIO_2011,
            errors,
        })
    }
}

/// Parses and validates the embedded 2011 data. [`crate::bts_sio_2011`] caches it.
pub fn load_2011() -> Result<Framework2011, LoadError> {
    load_2011_from(files::FRAMEWORK_2011)
}
