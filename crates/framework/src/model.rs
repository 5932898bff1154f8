//! The 2019 framework: blocks, competencies, skills, performance indicators.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::evaluation::E4Evaluation;
use crate::exam::{Correspondence, ExamRegulation, ExamRules};
use crate::tech_env::TechEnvironment;

/// An option of the BTS SIO (« option SISR / SLAM »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// Option A « Solutions d’infrastructure, systèmes et réseaux ».
    Sisr,
    /// Option B « Solutions logicielles et applications métiers ».
    Slam,
}

impl Track {
    /// Both options, in the order of the regulation (A, then B).
    pub const ALL: [Track; 2] = [Track::Sisr, Track::Slam];

    /// The short code printed on the forms: `"SISR"` or `"SLAM"`.
    pub fn code(self) -> &'static str {
        match self {
            Track::Sisr => "SISR",
            Track::Slam => "SLAM",
        }
    }

    /// The option's name, verbatim from the référentiel (Annexe I.B).
    pub fn label(self) -> &'static str {
        match self {
            Track::Sisr => "Solutions d’infrastructure, systèmes et réseaux",
            Track::Slam => "Solutions logicielles et applications métiers",
        }
    }

    /// The option's letter in the référentiel: `'A'` (SISR) or `'B'` (SLAM).
    pub fn letter(self) -> char {
        match self {
            Track::Sisr => 'A',
            Track::Slam => 'B',
        }
    }
}

impl fmt::Display for Track {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error of [`Track::from_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTrackError(pub String);

impl fmt::Display for ParseTrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown option {:?} (expected sisr or slam)", self.0)
    }
}

impl std::error::Error for ParseTrackError {}

impl FromStr for Track {
    type Err = ParseTrackError;

    /// Accepts `sisr` and `slam`, in any case, surrounding whitespace ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("sisr") {
            Ok(Track::Sisr)
        } else if t.eq_ignore_ascii_case("slam") {
            Ok(Track::Slam)
        } else {
            Err(ParseTrackError(s.to_owned()))
        }
    }
}

/// The BTS SIO 2019 référentiel (`bts-sio-2019`): the blocks of Annexe I.B and the
/// regulation that goes with them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Framework {
    /// `"bts-sio-2019"`.
    pub id: String,
    /// « Services informatiques aux organisations ».
    pub diploma: String,
    /// « Référentiel du BTS Services informatiques aux organisations ».
    pub title: String,
    /// « Version du 27 mars 2019 ».
    pub version: String,
    /// Bloc 1, Bloc 2 SISR, Bloc 2 SLAM, Bloc 3, in the order of the source.
    pub blocks: Vec<Block>,
    /// Annexe II.C, règlement d’examen.
    #[serde(default)]
    pub exams: ExamRules,
    /// Annexe IV, correspondence of the 2011 exams to the 2019 exams.
    #[serde(default)]
    pub correspondence_2011: Correspondence,
    /// Annexe 6-3 of the exam circular: mastery levels, penalties.
    #[serde(default)]
    pub e4_evaluation: E4Evaluation,
    /// Annexe II.E, technological environment.
    #[serde(default)]
    pub tech_environment: TechEnvironment,
}

/// A « bloc de compétences ».
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Block {
    /// `B1`, `B2-SISR`, `B2-SLAM`, `B3`.
    pub code: String,
    /// The block's number: 1, 2 or 3.
    pub number: u8,
    /// `None` for a block common to both options.
    #[serde(default)]
    pub track: Option<Track>,
    /// The heading of the source, verbatim
    /// (« Bloc de compétences n°1 - Support et mise à disposition de services informatiques »).
    pub heading: String,
    /// The block's title (« Support et mise à disposition de services informatiques »).
    pub title: String,
    pub competencies: Vec<Competency>,
}

/// A « compétence »: a row of the evaluation grid, a column of the tableau de
/// synthèse.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Competency {
    /// `B1.1`, `B2-SLAM.3`, `B3.5-SISR`…
    pub code: String,
    /// The code of the block it belongs to (filled in at load).
    #[serde(default)]
    pub block: String,
    /// The option the competency belongs to: the block's option for Bloc 2, the
    /// option of « Option SISR / SLAM » rows of Bloc 3, `None` for a common one
    /// (filled in at load from the block when the data leaves it out).
    #[serde(default)]
    pub track: Option<Track>,
    /// « Gérer le patrimoine informatique ».
    pub label: String,
    /// The « · » bullets under the competency.
    pub skills: Vec<Skill>,
    /// The « Indicateurs de performance » column.
    pub indicators: Vec<PerformanceIndicator>,
    /// The « Savoirs associés » column, when the source gives it on this row.
    #[serde(default)]
    pub knowledge: Vec<KnowledgeGroup>,
}

impl Competency {
    /// Whether a candidate of `track` is assessed on this competency.
    pub fn applies_to(&self, track: Track) -> bool {
        self.track.is_none_or(|t| t == track)
    }
}

/// A « savoir-faire » (sub-competency), e.g. « Gérer des sauvegardes ».
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skill {
    /// `{competency}.{m}`, e.g. `B1.1.5`.
    pub code: String,
    pub label: String,
}

/// An « indicateur de performance ».
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PerformanceIndicator {
    /// The sentence, verbatim.
    pub text: String,
    /// The « · » sub-bullets of the sentence, when it ends with a colon.
    #[serde(default)]
    pub items: Vec<String>,
}

/// A group of « savoirs associés »: a heading (« Savoirs technologiques »…) and
/// its lines.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KnowledgeGroup {
    pub heading: String,
    pub items: Vec<String>,
}

impl Block {
    /// Whether the block is assessed for candidates of `track`.
    pub fn applies_to(&self, track: Track) -> bool {
        self.track.is_none_or(|t| t == track)
    }

    /// The competencies of the block that a candidate of `track` is assessed on.
    pub fn competencies_for(&self, track: Track) -> impl Iterator<Item = &Competency> + '_ {
        self.competencies
            .iter()
            .filter(move |c| c.applies_to(track))
    }
}

/// A block as seen by the candidates of one option: the block and the
/// competencies that apply to that option.
#[derive(Debug, Clone, Serialize)]
pub struct BlockView<'a> {
    #[serde(flatten)]
    pub block: BlockHeader<'a>,
    pub competencies: Vec<&'a Competency>,
}

/// The fields of a [`Block`] other than its competencies.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BlockHeader<'a> {
    pub code: &'a str,
    pub number: u8,
    pub track: Option<Track>,
    pub heading: &'a str,
    pub title: &'a str,
}

impl<'a> From<&'a Block> for BlockHeader<'a> {
    fn from(b: &'a Block) -> Self {
        BlockHeader {
            code: &b.code,
            number: b.number,
            track: b.track,
            heading: &b.heading,
            title: &b.title,
        }
    }
}

/// A competency with the block it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct CompetencyRef<'a> {
    pub block: &'a Block,
    pub competency: &'a Competency,
}

/// A skill with the competency and the block it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct SkillRef<'a> {
    pub block: &'a Block,
    pub competency: &'a Competency,
    pub skill: &'a Skill,
}

impl Framework {
    /// The block of that code (`"B1"`, `"B2-SISR"`…).
    pub fn block(&self, code: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.code == code)
    }

    /// The competency of that code (`"B1.1"`, `"B3.5-SLAM"`…) and its block.
    pub fn competency(&self, code: &str) -> Option<CompetencyRef<'_>> {
        self.blocks.iter().find_map(|block| {
            block
                .competencies
                .iter()
                .find(|c| c.code == code)
                .map(|competency| CompetencyRef { block, competency })
        })
    }

    /// The skill of that code (`"B1.1.5"`, `"B3.5-SLAM.2"`…), its competency and its
    /// block.
    pub fn skill(&self, code: &str) -> Option<SkillRef<'_>> {
        self.blocks.iter().find_map(|block| {
            block.competencies.iter().find_map(|competency| {
                competency
                    .skills
                    .iter()
                    .find(|s| s.code == code)
                    .map(|skill| SkillRef {
                        block,
                        competency,
                        skill,
                    })
            })
        })
    }

    /// The blocks of one option, each with the competencies of that option: Bloc 1,
    /// the option's Bloc 2, Bloc 3 (its common competencies and the option's B3.5).
    pub fn blocks_for(&self, track: Track) -> impl Iterator<Item = BlockView<'_>> + '_ {
        self.blocks
            .iter()
            .filter(move |b| b.applies_to(track))
            .map(move |b| BlockView {
                block: BlockHeader::from(b),
                competencies: b.competencies_for(track).collect(),
            })
    }

    /// All the competencies a candidate of `track` is assessed on, in order.
    pub fn competencies_for(&self, track: Track) -> impl Iterator<Item = &Competency> + '_ {
        self.blocks
            .iter()
            .filter(move |b| b.applies_to(track))
            .flat_map(move |b| b.competencies_for(track))
    }

    /// Every competency of the framework, both options, in order.
    pub fn competencies(&self) -> impl Iterator<Item = &Competency> + '_ {
        self.blocks.iter().flat_map(|b| b.competencies.iter())
    }

    /// Every skill of the framework with its competency, both options, in order.
    pub fn skills(&self) -> impl Iterator<Item = (&Competency, &Skill)> + '_ {
        self.competencies()
            .flat_map(|c| c.skills.iter().map(move |s| (c, s)))
    }

    /// The règlement d’examen of one option (Annexe II.C).
    pub fn exam_regulation(&self, track: Track) -> Option<&ExamRegulation> {
        self.exams.regulations.iter().find(|r| r.track == track)
    }
}
