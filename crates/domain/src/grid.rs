//! The rows of the grille d'aide à l'évaluation, and the inputs of the evaluation documents:
//! the grid (annexe 6-3, recto and verso), the fiche d'appréciation (annexe 6-4) and the
//! bordereau récapitulatif. Rows come from the référentiel (the competencies of the block with
//! their skills and performance indicators), never from code, so that a renumbered session
//! prints the same rows under its own labels.

use portfolio_framework::{ExamForm, MasteryLevel, Penalty, Track, bts_sio_2019};
use time::Date;

use crate::coverage::bloc2_code;
use crate::evaluation::{FinalMark, ProposedMark, final_mark};
use crate::session_labels::DossierExam;

/// The key of the Bloc 1 row that precedes the competencies (« Capacité à rendre compte… »).
pub const CONTRIBUTION_ROW: &str = "B1.0";

/// A rated row of a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRowSpec {
    /// The competency code (`B1.3`, `B2-SLAM.1`), or [`CONTRIBUTION_ROW`].
    pub key: String,
    pub label: String,
    /// The « · » bullets under the competency.
    pub skills: Vec<String>,
    /// The « Indicateurs de performance » column.
    pub indicators: Vec<String>,
}

/// The rows rated in `exam` for a candidate of `track`: for Bloc 1, the annex's preliminary
/// criterion then the six competencies; for Bloc 2, the three competencies of the option.
pub fn grid_rows(exam: DossierExam, track: Track) -> Vec<GridRowSpec> {
    let framework = bts_sio_2019();
    let mut rows = Vec::new();
    let block = match exam {
        DossierExam::Block1 => {
            rows.extend(
                framework
                    .e4_evaluation
                    .grid
                    .preliminary_criteria
                    .iter()
                    .enumerate()
                    .map(|(i, label)| GridRowSpec {
                        key: if i == 0 {
                            CONTRIBUTION_ROW.to_owned()
                        } else {
                            format!("B1.0{i}")
                        },
                        label: label.trim_end_matches('.').to_owned(),
                        skills: Vec::new(),
                        indicators: Vec::new(),
                    }),
            );
            "B1"
        }
        DossierExam::Block2 => bloc2_code(track),
    };
    if let Some(block) = framework.block(block) {
        rows.extend(
            block
                .competencies
                .iter()
                .filter(|c| c.applies_to(track))
                .map(|c| GridRowSpec {
                    key: c.code.clone(),
                    label: c.label.clone(),
                    skills: c.skills.iter().map(|s| s.label.clone()).collect(),
                    indicators: c.indicators.iter().map(|i| i.text.clone()).collect(),
                }),
        );
    }
    rows
}

/// The identification block shared by the grid and the fiche.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationHeader {
    /// « Épreuve E4 – Support et mise à disposition de services informatiques » (the
    /// session's code, the référentiel's title).
    pub exam_heading: String,
    /// The annex number of this document in the session (« 6-3 », « VI-3 »).
    pub annex: String,
    pub academy: String,
    pub session_year: i32,
    pub last_name: String,
    pub first_name: String,
    pub candidate_number: String,
    pub form: ExamForm,
    /// « N° commission ».
    pub commission: String,
    pub track: Track,
    pub date: Option<Date>,
    /// « Noms des membres de la commission d'interrogation ».
    pub members: Vec<String>,
}

/// A member's visa: their name, and the day they signed (none yet: a blank line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visa {
    pub name: String,
    pub signed_on: Option<Date>,
}

/// The grille d'aide à l'évaluation as filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridSheet {
    pub header: EvaluationHeader,
    pub exam: DossierExam,
    pub rows: Vec<(GridRowSpec, Option<MasteryLevel>)>,
    /// What the commission must watch (annexe 6-3): the coverage of the block's competencies,
    /// and the conformity of the technological environment, in a sentence each.
    pub coverage: String,
    pub environment: String,
    pub proposed: Option<ProposedMark>,
    pub penalties: Vec<Penalty>,
    /// Bloc 2: the réalisation the commission chose, and the expression de besoins handed to
    /// the candidate.
    pub chosen_realisation: Option<String>,
    pub needs_statement: Option<String>,
    pub visas: Vec<Visa>,
}

impl GridSheet {
    /// The final mark by the rule (proposed mark minus penalties, floor 0, rounded up).
    pub fn final_mark(&self) -> Option<FinalMark> {
        self.proposed.map(|p| final_mark(p, &self.penalties))
    }
}

/// The fiche d'appréciation destinée à la personne candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppraisalSheet {
    pub header: EvaluationHeader,
    /// « Partie 1 : Présentation du parcours de professionnalisation (10 minutes maximum) ».
    pub part1: String,
    /// « Partie 2 : Échange avec le jury (30 minutes) ».
    pub part2: String,
    pub appreciation: String,
    /// The mark out of 20 (the final mark); `None` on the candidate's copy of a CCF evaluation
    /// and whenever the mark may not be shown: the line is printed without it.
    pub mark: Option<u8>,
    pub visas: Vec<Visa>,
}

/// The bordereau of one school for one exam.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkSheet {
    pub academy: String,
    pub session_year: i32,
    pub school_name: String,
    /// « Épreuve E4 – Support et mise à disposition de services informatiques », from the
    /// session's labels.
    pub exam_heading: String,
    pub rows: Vec<MarkSheetRow>,
}

/// A candidate of the bordereau.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkSheetRow {
    pub candidate_number: String,
    pub last_name: String,
    pub first_name: String,
    pub track: Track,
    pub form: ExamForm,
    pub commission: String,
    /// `None` while the commission has not proposed one: the row says so.
    pub proposed: Option<ProposedMark>,
    pub penalties: Vec<Penalty>,
}

impl MarkSheet {
    /// The rows by name then candidate number, the order both renderings print.
    pub fn sorted_rows(&self) -> Vec<&MarkSheetRow> {
        let mut rows: Vec<&MarkSheetRow> = self.rows.iter().collect();
        rows.sort_by(|a, b| {
            (&a.last_name, &a.first_name, &a.candidate_number).cmp(&(
                &b.last_name,
                &b.first_name,
                &b.candidate_number,
            ))
        });
        rows
    }
}

/// The columns of the bordereau, in order.
pub const MARK_SHEET_HEADERS: [&str; 10] = [
    "N° candidat",
    "Nom",
    "Prénom",
    "Option",
    "Forme",
    "Commission",
    "Proposition de note / 20",
    "Pénalités retenues",
    "Points de pénalité",
    "Note finale / 20",
];

/// The line printed for a candidate without a proposed mark.
pub const NO_MARK: &str = "pas de proposition de note";

/// « Ponctuelle » / « CCF », as the bordereau prints the form.
pub fn form_short_label(form: ExamForm) -> &'static str {
    match form {
        ExamForm::OneOff => "Ponctuelle",
        ExamForm::Continuous => "CCF",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bloc1_grid_has_the_contribution_row_then_six_competencies() {
        let rows = grid_rows(DossierExam::Block1, Track::Sisr);
        assert_eq!(rows.len(), 7);
        assert_eq!(rows[0].key, CONTRIBUTION_ROW);
        assert!(
            rows[0]
                .label
                .starts_with("Capacité à rendre compte d'un travail réalisé")
        );
        assert_eq!(rows[1].label, "Gérer le patrimoine informatique");
        assert!(rows[1].indicators.iter().any(|i| i.contains("recensement")));
        assert_eq!(rows[4].label, "Travailler en mode projet");
        assert!(
            rows[1..]
                .iter()
                .all(|r| !r.skills.is_empty() && !r.indicators.is_empty())
        );
        // Bloc 1 is common: the same rows for SLAM.
        assert_eq!(rows, grid_rows(DossierExam::Block1, Track::Slam));
    }

    #[test]
    fn bloc2_grid_rates_the_three_competencies_of_the_option() {
        let sisr = grid_rows(DossierExam::Block2, Track::Sisr);
        let slam = grid_rows(DossierExam::Block2, Track::Slam);
        assert_eq!(sisr.len(), 3);
        assert_eq!(slam.len(), 3);
        assert!(sisr.iter().all(|r| r.key.starts_with("B2-SISR.")));
        assert!(slam.iter().all(|r| r.key.starts_with("B2-SLAM.")));
        assert_ne!(sisr[0].label, slam[0].label);
    }
}
