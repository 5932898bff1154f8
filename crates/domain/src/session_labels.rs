//! The exam codes and annex labels a session prints on its forms. They change between
//! sessions: the 2019 text calls the dossier exam E4 with annexes 6-1 to 6-4, recent circulars
//! renumber it E5 with annexes VI-3 and VI-4. So they are data of the session, checked here;
//! the exam titles come from the référentiel, found by the block the exam certifies (not by
//! its code, which is the part that changes).

use std::fmt;

use portfolio_framework::Track;

use crate::coverage::bloc2_code;

/// The most characters an exam code or annex label may have.
const MAX_LABEL: usize = 12;

/// Which exam of the dossier a label is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DossierExam {
    /// The exam certifying Bloc 1.
    Block1,
    /// The exam certifying the option's Bloc 2.
    Block2,
}

/// What a session prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLabels {
    /// The code of the Bloc 1 exam (« E4 »).
    pub block1_exam: String,
    /// The code of the Bloc 2 exam (« E5 »).
    pub block2_exam: String,
    /// The annex of the fiche de contrôle de conformité (« 6-2 »).
    pub conformity_annex: String,
    /// The annex of the grille d'aide à l'évaluation (« 6-3 »).
    pub grid_annex: String,
    /// The annex of the fiche d'appréciation (« 6-4 »).
    pub appraisal_annex: String,
}

impl SessionLabels {
    /// The labels of the 2019 text, the default of a new session: exam codes from the
    /// règlement d'examen (the exams whose units certify blocks 1 and 2), annexes of the circular.
    pub fn text_of_2019() -> Self {
        SessionLabels {
            block1_exam: exam_code_of_block(Track::Sisr, DossierExam::Block1).unwrap_or_default(),
            block2_exam: exam_code_of_block(Track::Sisr, DossierExam::Block2).unwrap_or_default(),
            conformity_annex: "6-2".to_owned(),
            grid_annex: "6-3".to_owned(),
            appraisal_annex: "6-4".to_owned(),
        }
    }

    /// Checks labels as typed by an administrator: every one filled, short, without line
    /// breaks; the two exam codes distinct. Returns every problem, in French.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let fields = [
            ("le code de l'épreuve du bloc 1", &self.block1_exam),
            ("le code de l'épreuve du bloc 2", &self.block2_exam),
            (
                "l'annexe de la fiche de contrôle de conformité",
                &self.conformity_annex,
            ),
            (
                "l'annexe de la grille d'aide à l'évaluation",
                &self.grid_annex,
            ),
            ("l'annexe de la fiche d'appréciation", &self.appraisal_annex),
        ];
        let mut problems = Vec::new();
        for (what, value) in fields {
            let v = value.trim();
            if v.is_empty() {
                problems.push(format!(
                    "{what} est vide : reportez celui de la circulaire de la session"
                ));
            } else if v.chars().count() > MAX_LABEL || v.chars().any(char::is_control) {
                problems.push(format!(
                    "{what} « {v} » n'a pas la forme attendue : au plus {MAX_LABEL} caractères sur une ligne, \
                     par exemple « E4 » ou « VI-3 »"
                ));
            }
        }
        if !self.block1_exam.trim().is_empty()
            && self
                .block1_exam
                .trim()
                .eq_ignore_ascii_case(self.block2_exam.trim())
        {
            problems.push(format!(
                "les épreuves des blocs 1 et 2 portent le même code « {} » : elles sont distinctes",
                self.block1_exam.trim()
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The code of `exam` in this session.
    pub fn exam_code(&self, exam: DossierExam) -> &str {
        match exam {
            DossierExam::Block1 => &self.block1_exam,
            DossierExam::Block2 => &self.block2_exam,
        }
    }

    /// The heading of the forms: « Épreuve E4 – Support et mise à disposition de services
    /// informatiques », with this session's code and the référentiel's title.
    pub fn exam_heading(&self, exam: DossierExam, track: Track) -> String {
        let title = exam_title_of_block(track, exam).unwrap_or_default();
        format!("Épreuve {} – {title}", self.exam_code(exam))
    }

    /// « ANNEXE 6-3 : Grille d'aide à l'évaluation ».
    pub fn annex_heading(&self, annex: &str, title: &str) -> String {
        format!("ANNEXE {annex} : {title}")
    }
}

impl Default for SessionLabels {
    fn default() -> Self {
        Self::text_of_2019()
    }
}

impl fmt::Display for DossierExam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DossierExam::Block1 => "bloc 1",
            DossierExam::Block2 => "bloc 2",
        })
    }
}

/// The block code an exam certifies for `track` (`B1`, `B2-SISR`).
fn block_code(track: Track, exam: DossierExam) -> &'static str {
    match exam {
        DossierExam::Block1 => "B1",
        DossierExam::Block2 => bloc2_code(track),
    }
}

fn exam_of_block(track: Track, exam: DossierExam) -> Option<&'static portfolio_framework::Exam> {
    let block = block_code(track, exam);
    portfolio_framework::bts_sio_2019()
        .exam_regulation(track)?
        .exams
        .iter()
        .find(|e| e.units.iter().any(|u| u.block.as_deref() == Some(block)))
}

/// The code the règlement d'examen gives the exam certifying `exam`'s block.
pub fn exam_code_of_block(track: Track, exam: DossierExam) -> Option<String> {
    exam_of_block(track, exam).map(|e| e.code.clone())
}

/// The title the règlement d'examen gives the exam certifying `exam`'s block.
pub fn exam_title_of_block(track: Track, exam: DossierExam) -> Option<&'static str> {
    exam_of_block(track, exam).map(|e| e.title.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2019_text_names_the_dossier_exams_e4_and_e5() {
        let labels = SessionLabels::text_of_2019();
        assert_eq!(
            (labels.block1_exam.as_str(), labels.block2_exam.as_str()),
            ("E4", "E5")
        );
        assert_eq!(labels.check(), Ok(()));
        assert_eq!(
            labels.exam_heading(DossierExam::Block1, Track::Slam),
            "Épreuve E4 – Support et mise à disposition de services informatiques"
        );
        assert_eq!(
            labels.exam_heading(DossierExam::Block2, Track::Sisr),
            "Épreuve E5 – Administration des systèmes et des réseaux"
        );
        assert_eq!(
            labels.exam_heading(DossierExam::Block2, Track::Slam),
            "Épreuve E5 – Conception et développement d’applications"
        );
        assert_eq!(
            labels.annex_heading(&labels.grid_annex, "Grille d'aide à l'évaluation"),
            "ANNEXE 6-3 : Grille d'aide à l'évaluation"
        );
    }

    #[test]
    fn a_renumbered_session_prints_its_own_codes_with_the_same_titles() {
        let labels = SessionLabels {
            block1_exam: "E5".to_owned(),
            block2_exam: "E6".to_owned(),
            conformity_annex: "VI-2".to_owned(),
            grid_annex: "VI-3".to_owned(),
            appraisal_annex: "VI-4".to_owned(),
        };
        assert_eq!(labels.check(), Ok(()));
        assert_eq!(
            labels.exam_heading(DossierExam::Block1, Track::Sisr),
            "Épreuve E5 – Support et mise à disposition de services informatiques"
        );
    }

    #[test]
    fn bad_labels_are_refused_with_every_reason() {
        let labels = SessionLabels {
            block1_exam: "E5".to_owned(),
            block2_exam: " e5 ".to_owned(),
            conformity_annex: " ".to_owned(),
            grid_annex: "VI-3\nVI-4".to_owned(),
            appraisal_annex: "une annexe bien trop longue".to_owned(),
        };
        let problems = labels.check().expect_err("bad labels");
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("l'annexe de la fiche de contrôle de conformité est vide"));
        assert!(problems[3].contains("même code « E5 »"));
    }
}
