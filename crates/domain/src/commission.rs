//! The composition of a commission d'interrogation (annexe II.D, « Composition de la
//! commission d'interrogation » of each exam): exactly two members, whose profiles the
//! definition of the exam prescribes. A commission that breaks its rule is refused with the
//! rule it breaks.

use std::fmt;

use portfolio_framework::{ExamForm, Track};

use crate::coverage::bloc2_code;

/// Which exam a commission examines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommissionExam {
    /// The exam of Bloc 1 « Support et mise à disposition de services informatiques »
    /// (E4 in the 2019 text).
    Block1,
    /// The exam of Bloc 2 of the option (E5 in the 2019 text), in the form the candidates
    /// take it: its composition differs between ponctuelle and CCF.
    Block2(ExamForm),
}

/// A member's profile, as far as the composition rules look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberProfile {
    /// « personne enseignante en charge des enseignements professionnels en STS Services
    /// informatiques aux organisations ».
    Teacher {
        /// The options (« domaine de spécialité ») the person teaches in.
        specialties: Vec<Track>,
        /// The codes of the professional blocks the person teaches (`B1`, `B2-SISR`…).
        blocks: Vec<String>,
    },
    /// « personne professionnelle du secteur d'activités des prestations informatiques ».
    Professional,
}

/// A member of a commission: who (to tell two members apart) and their profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub profile: MemberProfile,
}

impl Member {
    fn teaches_in(&self, track: Track) -> bool {
        matches!(&self.profile, MemberProfile::Teacher { specialties, .. } if specialties.contains(&track))
    }

    fn is_teacher(&self) -> bool {
        matches!(self.profile, MemberProfile::Teacher { .. })
    }

    /// A teacher « en charge de l'enseignement d'un bloc professionnel ».
    fn teaches_a_professional_block(&self) -> bool {
        matches!(&self.profile, MemberProfile::Teacher { blocks, .. } if !blocks.is_empty())
    }

    fn teaches_block(&self, code: &str) -> bool {
        matches!(&self.profile, MemberProfile::Teacher { blocks, .. } if blocks.iter().any(|b| b == code))
    }
}

/// A rule of composition a commission breaks. Each message quotes the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompositionError {
    /// Not exactly two members.
    MemberCount(usize),
    /// The same person twice.
    SamePerson(String),
    /// Bloc 1: no teacher of the professional courses in the candidates' option.
    Block1NoTeacherOfOption(Track),
    /// Bloc 1: the second member is neither a professional nor a teacher of a professional block.
    Block1SecondMember(String),
    /// Bloc 2: a member is not a teacher of the professional blocks.
    Block2NotTeacher(String),
    /// Bloc 2 ponctuelle: neither teacher is of the option.
    Block2NoTeacherOfOption(Track),
    /// Bloc 2 CCF: neither teacher teaches the option's Bloc 2.
    Block2NoTeacherOfBlock { track: Track, block_title: String },
}

impl fmt::Display for CompositionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompositionError::MemberCount(n) => write!(
                f,
                "La commission compte {n} membre(s) : elle doit en compter exactement deux."
            ),
            CompositionError::SamePerson(name) => write!(
                f,
                "{name} figure deux fois : les deux membres de la commission sont deux personnes distinctes."
            ),
            CompositionError::Block1NoTeacherOfOption(track) => write!(
                f,
                "Aucun membre n'est une personne enseignante en charge des enseignements professionnels \
                 dans le domaine de spécialité des candidats (option {}) : l'un des deux membres doit l'être.",
                track.code()
            ),
            CompositionError::Block1SecondMember(name) => write!(
                f,
                "{name} n'est ni une personne professionnelle du secteur d'activités des prestations \
                 informatiques, ni une personne en charge de l'enseignement d'un bloc professionnel : \
                 le second membre doit être l'une ou l'autre."
            ),
            CompositionError::Block2NotTeacher(name) => write!(
                f,
                "{name} n'est pas une personne enseignante des blocs professionnels : la commission de \
                 cette épreuve est composée de deux professeurs."
            ),
            CompositionError::Block2NoTeacherOfOption(track) => write!(
                f,
                "Aucun des deux professeurs n'enseigne dans la spécialité « {} » : au moins un doit y enseigner.",
                track.label()
            ),
            CompositionError::Block2NoTeacherOfBlock { block_title, .. } => write!(
                f,
                "Aucun des deux professeurs n'assure l'enseignement du bloc de compétences « {block_title} » : \
                 l'un des deux doit l'assurer."
            ),
        }
    }
}

impl std::error::Error for CompositionError {}

/// What a valid composition is worth noting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Composition {
    /// Bloc 1: the professional of the sector is replaced by a teacher of a professional
    /// block, as the rule allows « en cas d'absence de cette personne ».
    pub professional_replaced: bool,
}

/// Checks the composition of a commission examining candidates of option `track` for
/// `exam`. Returns every rule broken, not only the first.
pub fn check_composition(
    exam: CommissionExam,
    track: Track,
    members: &[Member],
) -> Result<Composition, Vec<CompositionError>> {
    let [a, b] = members else {
        return Err(vec![CompositionError::MemberCount(members.len())]);
    };
    if a.user_id == b.user_id {
        return Err(vec![CompositionError::SamePerson(a.name.clone())]);
    }
    let mut errors = Vec::new();
    let mut composition = Composition::default();
    match exam {
        CommissionExam::Block1 => {
            // Either member may be the teacher of the option; the other then fills the
            // second seat.
            let second = |teacher: &Member, other: &Member| {
                teacher.teaches_in(track)
                    && (other.profile == MemberProfile::Professional
                        || other.teaches_a_professional_block())
            };
            if second(a, b) || second(b, a) {
                composition.professional_replaced = a.is_teacher() && b.is_teacher();
            } else if !a.teaches_in(track) && !b.teaches_in(track) {
                errors.push(CompositionError::Block1NoTeacherOfOption(track));
            } else {
                let other = if a.teaches_in(track) { b } else { a };
                errors.push(CompositionError::Block1SecondMember(other.name.clone()));
            }
        }
        CommissionExam::Block2(form) => {
            for m in [a, b] {
                if !m.teaches_a_professional_block() {
                    errors.push(CompositionError::Block2NotTeacher(m.name.clone()));
                }
            }
            match form {
                ExamForm::OneOff => {
                    if !a.teaches_in(track) && !b.teaches_in(track) {
                        errors.push(CompositionError::Block2NoTeacherOfOption(track));
                    }
                }
                ExamForm::Continuous => {
                    let code = bloc2_code(track);
                    if !a.teaches_block(code) && !b.teaches_block(code) {
                        let block_title = portfolio_framework::bts_sio_2019()
                            .block(code)
                            .map(|b| b.title.clone())
                            .unwrap_or_default();
                        errors
                            .push(CompositionError::Block2NoTeacherOfBlock { track, block_title });
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(composition)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teacher(id: i64, specialties: &[Track], blocks: &[&str]) -> Member {
        Member {
            user_id: id,
            name: format!("Prof {id}"),
            profile: MemberProfile::Teacher {
                specialties: specialties.to_vec(),
                blocks: blocks.iter().map(|b| (*b).to_owned()).collect(),
            },
        }
    }

    fn professional(id: i64) -> Member {
        Member {
            user_id: id,
            name: format!("Pro {id}"),
            profile: MemberProfile::Professional,
        }
    }

    const SISR: Track = Track::Sisr;
    const SLAM: Track = Track::Slam;

    #[test]
    fn a_commission_has_exactly_two_distinct_members() {
        let t = teacher(1, &[SISR], &["B1"]);
        for members in [
            vec![],
            vec![t.clone()],
            vec![t.clone(), professional(2), professional(3)],
        ] {
            let n = members.len();
            assert_eq!(
                check_composition(CommissionExam::Block1, SISR, &members),
                Err(vec![CompositionError::MemberCount(n)])
            );
        }
        let err = check_composition(CommissionExam::Block1, SISR, &[t.clone(), t])
            .expect_err("same person twice");
        assert_eq!(err, vec![CompositionError::SamePerson("Prof 1".to_owned())]);
        assert!(err[0].to_string().contains("deux personnes distinctes"));
    }

    #[test]
    fn block1_needs_a_teacher_of_the_option_and_a_professional_or_a_block_teacher() {
        let b1 = CommissionExam::Block1;
        // The rule as written, in either order.
        assert_eq!(
            check_composition(b1, SISR, &[teacher(1, &[SISR], &["B1"]), professional(2)]),
            Ok(Composition::default())
        );
        assert_eq!(
            check_composition(b1, SLAM, &[professional(2), teacher(1, &[SLAM], &["B3"])]),
            Ok(Composition::default())
        );
        // The professional replaced by a teacher of a professional block.
        assert_eq!(
            check_composition(
                b1,
                SISR,
                &[teacher(1, &[SISR], &[]), teacher(2, &[SLAM], &["B2-SLAM"])]
            ),
            Ok(Composition {
                professional_replaced: true
            })
        );
        // No teacher of the candidates' option.
        let err = check_composition(b1, SISR, &[teacher(1, &[SLAM], &["B1"]), professional(2)])
            .expect_err("no SISR teacher");
        assert_eq!(err, vec![CompositionError::Block1NoTeacherOfOption(SISR)]);
        assert!(err[0].to_string().contains("option SISR"), "{}", err[0]);
        assert_eq!(
            check_composition(b1, SISR, &[professional(1), professional(2)]),
            Err(vec![CompositionError::Block1NoTeacherOfOption(SISR)])
        );
        // The second teacher teaches no professional block.
        let err = check_composition(
            b1,
            SISR,
            &[teacher(1, &[SISR], &["B1"]), teacher(2, &[], &[])],
        )
        .expect_err("second member");
        assert_eq!(
            err,
            vec![CompositionError::Block1SecondMember("Prof 2".to_owned())]
        );
    }

    #[test]
    fn block2_one_off_needs_two_block_teachers_one_of_the_option() {
        let b2 = CommissionExam::Block2(ExamForm::OneOff);
        assert_eq!(
            check_composition(
                b2,
                SLAM,
                &[
                    teacher(1, &[SLAM], &["B2-SLAM"]),
                    teacher(2, &[SISR], &["B1"])
                ]
            ),
            Ok(Composition::default())
        );
        assert_eq!(
            check_composition(
                b2,
                SLAM,
                &[
                    teacher(1, &[SISR], &["B2-SISR"]),
                    teacher(2, &[SISR], &["B1"])
                ]
            ),
            Err(vec![CompositionError::Block2NoTeacherOfOption(SLAM)])
        );
        let err = check_composition(
            b2,
            SISR,
            &[teacher(1, &[SISR], &["B2-SISR"]), professional(2)],
        )
        .expect_err("a professional");
        assert_eq!(
            err,
            vec![CompositionError::Block2NotTeacher("Pro 2".to_owned())]
        );
        let text = CompositionError::Block2NoTeacherOfOption(SISR).to_string();
        assert!(
            text.contains("Solutions d’infrastructure, systèmes et réseaux"),
            "{text}"
        );
    }

    #[test]
    fn block2_ccf_needs_a_teacher_of_the_options_block2() {
        let ccf = CommissionExam::Block2(ExamForm::Continuous);
        assert_eq!(
            check_composition(
                ccf,
                SISR,
                &[
                    teacher(1, &[SISR], &["B1"]),
                    teacher(2, &[SLAM], &["B2-SISR"])
                ]
            ),
            Ok(Composition::default())
        );
        let err = check_composition(
            ccf,
            SLAM,
            &[teacher(1, &[SLAM], &["B1"]), teacher(2, &[SLAM], &["B3"])],
        )
        .expect_err("nobody teaches B2-SLAM");
        assert_eq!(err.len(), 1);
        let text = err[0].to_string();
        assert!(
            text.contains("« Conception et développement d’applications »"),
            "{text}"
        );
        // Every broken rule at once.
        let err = check_composition(ccf, SISR, &[professional(1), professional(2)])
            .expect_err("two pros");
        assert_eq!(err.len(), 3, "{err:?}");
    }
}
