//! Annexe II.C « Règlement d’examen » and Annexe IV « Tableau de correspondance
//! entre épreuves ».

use serde::{Deserialize, Serialize};

use crate::model::Track;

/// A column of the règlement d’examen: a group of routes of study (« voies de
/// formation ») that take the exams in the same form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteGroup {
    /// « Voie scolaire dans un établissement public ou privé sous contrat, CFA ou
    /// section d’apprentissage habilité. Formation professionnelle continue dans
    /// les établissements publics habilités. »
    Habilitated,
    /// « Formation professionnelle continue dans les établissements publics
    /// habilités à pratiquer le CCF. »
    ContinuingEducationCcf,
    /// « Voie scolaire dans un établissement privé, CFA ou section d’apprentissage
    /// non habilité. Formation professionnelle continue dans les établissements
    /// publics non habilités ou en établissement privé. Enseignement à distance.
    /// Candidats justifiant de 3 ans d’expérience professionnelle. »
    NotHabilitated,
}

impl RouteGroup {
    /// The three columns, in the order of the table.
    pub const ALL: [RouteGroup; 3] = [
        RouteGroup::Habilitated,
        RouteGroup::ContinuingEducationCcf,
        RouteGroup::NotHabilitated,
    ];
}

/// « forme ponctuelle » or « contrôle en cours de formation ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExamForm {
    /// « Ponctuelle »: a single exam at the end of the training.
    OneOff,
    /// « CCF »: situations d’évaluation during the training.
    Continuous,
}

/// « écrite », « orale », « pratique ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExamMode {
    Written,
    Oral,
    Practical,
}

/// Annexe II.C as a whole: the columns and one table per option.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExamRules {
    /// The columns of the tables, in order.
    pub route_groups: Vec<RouteGroupInfo>,
    /// One table per option.
    pub regulations: Vec<ExamRegulation>,
}

impl ExamRules {
    /// The column `group`.
    pub fn route_group(&self, group: RouteGroup) -> Option<&RouteGroupInfo> {
        self.route_groups.iter().find(|g| g.code == group)
    }
}

/// The heading of a column of the règlement d’examen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RouteGroupInfo {
    pub code: RouteGroup,
    /// Whether the column has a « durée » sub-column (the middle one has not).
    pub has_duration: bool,
    /// The lines of the heading, verbatim.
    pub routes: Vec<String>,
}

/// The règlement d’examen of one option.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExamRegulation {
    pub track: Track,
    /// « Option A - « Solutions d’infrastructure, systèmes et réseaux » ».
    pub heading: String,
    /// « BTS services informatiques aux organisations ».
    pub diploma: String,
    /// « (* durée de préparation) ».
    pub footnote: String,
    /// The compulsory exams, then the « Épreuves facultatives ».
    pub exams: Vec<Exam>,
}

impl ExamRegulation {
    /// The exam of that code (`"E4"`, `"EF1"`…).
    pub fn exam(&self, code: &str) -> Option<&Exam> {
        self.exams.iter().find(|e| e.code == code)
    }

    /// The unit of that code (`"U4"`, `"U11"`…) and its exam.
    pub fn unit(&self, code: &str) -> Option<(&Exam, &Unit)> {
        self.exams
            .iter()
            .find_map(|e| e.units.iter().find(|u| u.code == code).map(|u| (e, u)))
    }

    /// The unit that certifies that block (`"B1"` → U4).
    pub fn unit_for_block(&self, block: &str) -> Option<(&Exam, &Unit)> {
        self.exams.iter().find_map(|e| {
            e.units
                .iter()
                .find(|u| u.block.as_deref() == Some(block))
                .map(|u| (e, u))
        })
    }
}

/// An « épreuve » (row of the table).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exam {
    /// `E1`…`E6`, `EF1`…`EF3`.
    pub code: String,
    /// « Support et mise à disposition de services informatiques ».
    pub title: String,
    /// The cell of the table: « E4 Support et mise à disposition de services informatiques ».
    pub label: String,
    /// « (spécifique à l’option) ».
    #[serde(default)]
    pub specific_to_option: bool,
    /// An « épreuve facultative ».
    #[serde(default)]
    pub optional: bool,
    /// `None` for the optional exams.
    #[serde(default)]
    pub coefficient: Option<u8>,
    pub units: Vec<Unit>,
}

/// An « unité »: what a mark is given for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unit {
    /// `U11`, `U12`, `U2`…`U6`, `UF1`…`UF3`.
    pub code: String,
    /// The « Sous-épreuve » of E1 (« Culture générale et expression »).
    #[serde(default)]
    pub sub_exam: Option<String>,
    /// The sub-exam's code in Annexe II.D (`E11`, `E12`).
    #[serde(default)]
    pub sub_exam_code: Option<String>,
    #[serde(default)]
    pub coefficient: Option<u8>,
    /// The block of Annexe I.B this unit certifies (U4 → `B1`).
    #[serde(default)]
    pub block: Option<String>,
    /// One per column of the table, in the order of [`RouteGroup::ALL`].
    pub assessments: Vec<Assessment>,
}

impl Unit {
    /// How the unit is assessed for the candidates of a column.
    pub fn assessment(&self, group: RouteGroup) -> Option<&Assessment> {
        self.assessments.iter().find(|a| a.route_group == group)
    }
}

/// The form and duration of a unit for one column of the table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assessment {
    pub route_group: RouteGroup,
    pub form: ExamForm,
    /// Written, oral, practical (from the cell; for a CCF, from Annexe II.D where it
    /// says it; empty when the source does not say).
    #[serde(default)]
    pub modes: Vec<ExamMode>,
    /// The number of « situations d’évaluation » of a CCF.
    #[serde(default)]
    pub situations: Option<u8>,
    /// The « forme » cell, line breaks turned into spaces: « Ponctuelle écrite ».
    pub form_label: String,
    /// The « durée » cell, line breaks turned into spaces: « 2h 20 mn (20 mn*) ».
    #[serde(default)]
    pub duration_label: Option<String>,
    /// The same durations, structured.
    #[serde(default)]
    pub durations: Vec<ExamDuration>,
}

/// A duration of the « durée » cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExamDuration {
    /// « Situation A » when the cell gives one duration per situation.
    #[serde(default)]
    pub situation: Option<String>,
    /// The part of the exam it is the duration of, when the cell has several.
    #[serde(default)]
    pub mode: Option<ExamMode>,
    pub minutes: u32,
    /// « * durée de préparation ».
    #[serde(default)]
    pub preparation_minutes: Option<u32>,
}

/// Annexe IV, « Tableau de correspondance entre épreuves ».
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Correspondence {
    pub title: String,
    /// The heading of the 2011 column.
    pub from_heading: String,
    /// The heading of the 2019 column.
    pub to_heading: String,
    pub rows: Vec<CorrespondenceRow>,
}

impl Correspondence {
    /// The rows whose 2011 side is that exam (`"E4"`), for a candidate of `track`.
    pub fn from_2011(&self, exam: &str, track: Track) -> impl Iterator<Item = &CorrespondenceRow> {
        let exam = exam.to_owned();
        self.rows
            .iter()
            .filter(move |r| r.from.exam == exam && r.from.track.is_none_or(|t| t == track))
    }
}

/// A row of Annexe IV: a 2011 exam and the 2019 exam it counts for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorrespondenceRow {
    /// The 2011 exam (« arrêté du 26 avril 2011 modifié »).
    pub from: CorrespondenceSide,
    /// The 2019 exam (« Défini par le présent arrêté »).
    pub to: CorrespondenceSide,
}

/// One side of a row of Annexe IV.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorrespondenceSide {
    /// The exam's code (`E4`, `E11`, `EF1`).
    pub exam: String,
    /// The cell, verbatim: « E4 – Conception et maintenance de solutions informatiques ».
    pub label: String,
    #[serde(default)]
    pub track: Option<Track>,
    /// « Option « Solutions d’infrastructure, systèmes et réseaux » ».
    #[serde(default)]
    pub option: Option<String>,
    /// The « Sous-épreuve » lines of the cell.
    #[serde(default)]
    pub sub_exams: Vec<String>,
    pub units: Vec<String>,
    /// The source leaves the unit cell blank, merged with the one above.
    #[serde(default)]
    pub units_from_merged_cell: bool,
}
