//! The marking material of épreuve E4 (exam circular, annexe 6-3): mastery levels,
//! penalties, the extra row of the evaluation grid; and EF4.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A « niveau de maîtrise » of the evaluation grid, from the lowest to the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MasteryLevel {
    /// « Non évaluable ».
    NotAssessable,
    /// « Non maîtrisé ».
    NotMastered,
    /// « Maîtrise partielle ».
    PartialMastery,
    /// « Bonne maîtrise ».
    GoodMastery,
    /// « Excellente maîtrise ».
    ExcellentMastery,
}

impl MasteryLevel {
    /// The five levels, in the order of the grid.
    pub const ALL: [MasteryLevel; 5] = [
        MasteryLevel::NotAssessable,
        MasteryLevel::NotMastered,
        MasteryLevel::PartialMastery,
        MasteryLevel::GoodMastery,
        MasteryLevel::ExcellentMastery,
    ];

    /// 0 (« Non évaluable ») to 4 (« Excellente maîtrise »).
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The stable code (`"not_assessable"`…), as serialized.
    pub fn code(self) -> &'static str {
        match self {
            MasteryLevel::NotAssessable => "not_assessable",
            MasteryLevel::NotMastered => "not_mastered",
            MasteryLevel::PartialMastery => "partial_mastery",
            MasteryLevel::GoodMastery => "good_mastery",
            MasteryLevel::ExcellentMastery => "excellent_mastery",
        }
    }

    /// The level's label and descriptors, verbatim from annexe 6-3.
    pub fn info(self) -> &'static MasteryLevelInfo {
        crate::bts_sio_2019()
            .e4_evaluation
            .mastery_level(self)
            .expect("the embedded bts-sio-2019 data is validated to have every mastery level")
    }

    /// « Non évaluable », « Non maîtrisé »… verbatim from annexe 6-3.
    pub fn label(self) -> &'static str {
        &self.info().label
    }
}

impl fmt::Display for MasteryLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for MasteryLevel {
    type Err = UnknownCode;

    /// Accepts the stable code (`"good_mastery"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MasteryLevel::ALL
            .into_iter()
            .find(|l| l.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// A « pénalité » of annexe 6-3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Penalty {
    /// « Portfolio inaccessible (10 points de pénalité) ».
    PortfolioInaccessible,
    /// « Absence de tableau de synthèse (2 points de pénalité) ».
    MissingSynthesisTable,
}

impl Penalty {
    /// Both penalties, in the order of the grid.
    pub const ALL: [Penalty; 2] = [
        Penalty::PortfolioInaccessible,
        Penalty::MissingSynthesisTable,
    ];

    /// The stable code (`"portfolio_inaccessible"`…), as serialized.
    pub fn code(self) -> &'static str {
        match self {
            Penalty::PortfolioInaccessible => "portfolio_inaccessible",
            Penalty::MissingSynthesisTable => "missing_synthesis_table",
        }
    }

    /// The penalty's label and points, verbatim from annexe 6-3.
    pub fn info(self) -> &'static PenaltyInfo {
        crate::bts_sio_2019()
            .e4_evaluation
            .penalty(self)
            .expect("the embedded bts-sio-2019 data is validated to have every penalty")
    }

    /// The points taken off the mark out of 20.
    pub fn points(self) -> u8 {
        self.info().points
    }

    /// « Portfolio inaccessible », « Absence de tableau de synthèse ».
    pub fn label(self) -> &'static str {
        &self.info().label
    }
}

impl fmt::Display for Penalty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Penalty {
    type Err = UnknownCode;

    /// Accepts the stable code (`"portfolio_inaccessible"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Penalty::ALL
            .into_iter()
            .find(|p| p.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// The error of parsing an unknown code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown code {:?}", self.0)
    }
}

impl std::error::Error for UnknownCode {}

/// The E4 marking material of the exam circular.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct E4Evaluation {
    pub grid: EvaluationGrid,
    /// The five levels, in order.
    pub mastery_levels: Vec<MasteryLevelInfo>,
    pub penalties: Vec<PenaltyInfo>,
    /// EF4, the optional exam that follows E4.
    pub student_engagement: StudentEngagement,
}

impl E4Evaluation {
    /// The data of a level.
    pub fn mastery_level(&self, level: MasteryLevel) -> Option<&MasteryLevelInfo> {
        self.mastery_levels.iter().find(|l| l.code == level)
    }

    /// The data of a penalty.
    pub fn penalty(&self, penalty: Penalty) -> Option<&PenaltyInfo> {
        self.penalties.iter().find(|p| p.code == penalty)
    }
}

/// « Grille d’aide à l’évaluation » (annexe 6-3).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EvaluationGrid {
    pub title: String,
    /// The exam the grid is for (`"E4"`).
    pub exam: String,
    /// The rows of the verso that precede the competencies of the block (« Capacité à
    /// rendre compte d'un travail réalisé au sein d'une équipe projet… »).
    pub preliminary_criteria: Vec<String>,
}

/// A mastery level as the grid prints it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MasteryLevelInfo {
    pub code: MasteryLevel,
    /// 0 to 4.
    pub rank: u8,
    /// « Bonne maîtrise ».
    pub label: String,
    /// The cells of the level's column, top to bottom.
    pub descriptors: Vec<String>,
}

/// A penalty as the grid prints it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PenaltyInfo {
    pub code: Penalty,
    /// « Portfolio inaccessible ».
    pub label: String,
    /// « Portfolio inaccessible (10 points de pénalité) ».
    pub text: String,
    pub points: u8,
}

/// EF4 « Engagement étudiant ».
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StudentEngagement {
    /// `"EF4"`.
    pub code: String,
    /// « Engagement étudiant ».
    pub title: String,
    /// « EF4 - Engagement étudiant ».
    pub label: String,
    /// `"E4"`.
    pub follows_exam: String,
}
