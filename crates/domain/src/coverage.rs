//! Which competencies and skills of a block the réalisations cover, and what remains.
//!
//! A réalisation is tagged with skills (`B1.1.5`), or with a competency as a whole (`B1.1`, as the
//! tableau de synthèse records it); a competency is covered by a réalisation when the réalisation
//! mobilises the competency or at least one of its skills. E4 (Bloc 1) asks that the dossier cover
//! every competency of the block; E5 rests on two réalisations that together cover every
//! competency of the option's Bloc 2.

use portfolio_framework::{Framework, Track};
use serde::Serialize;
use std::collections::BTreeSet;

/// A réalisation as coverage sees it: an id and the skill codes it mobilises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    pub id: i64,
    pub skills: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkillCoverage {
    pub code: String,
    pub label: String,
    /// Ids of the réalisations that mobilise the skill, in input order.
    pub realisations: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompetencyCoverage {
    pub code: String,
    pub label: String,
    pub skills: Vec<SkillCoverage>,
    /// Ids of the réalisations that mobilise at least one skill of the competency.
    pub realisations: Vec<i64>,
}

impl CompetencyCoverage {
    pub fn is_covered(&self) -> bool {
        !self.realisations.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockCoverage {
    pub block: String,
    pub title: String,
    pub competencies: Vec<CompetencyCoverage>,
}

impl BlockCoverage {
    pub fn is_complete(&self) -> bool {
        self.competencies.iter().all(CompetencyCoverage::is_covered)
    }

    pub fn missing_competencies(&self) -> impl Iterator<Item = &CompetencyCoverage> {
        self.competencies.iter().filter(|c| !c.is_covered())
    }

    pub fn missing_skills(&self) -> impl Iterator<Item = (&CompetencyCoverage, &SkillCoverage)> {
        self.competencies.iter().flat_map(|c| {
            c.skills
                .iter()
                .filter(|s| s.realisations.is_empty())
                .map(move |s| (c, s))
        })
    }

    /// Whether réalisation `id` mobilises competency `code` (a cell of the matrix).
    pub fn mobilises(&self, id: i64, code: &str) -> bool {
        self.competencies
            .iter()
            .any(|c| c.code == code && c.realisations.contains(&id))
    }
}

/// Coverage of `block` (a block code: `B1`, `B2-SISR`…) for a candidate of `track`, by the
/// réalisations given. `None` if the block does not exist.
pub fn block_coverage(
    fw: &Framework,
    block: &str,
    track: Track,
    realisations: &[Tagged],
) -> Option<BlockCoverage> {
    let b = fw.block(block)?;
    let competencies = b
        .competencies_for(track)
        .map(|c| {
            let skills: Vec<SkillCoverage> = c
                .skills
                .iter()
                .map(|s| SkillCoverage {
                    code: s.code.clone(),
                    label: s.label.clone(),
                    realisations: realisations
                        .iter()
                        .filter(|r| r.skills.contains(&s.code))
                        .map(|r| r.id)
                        .collect(),
                })
                .collect();
            let realisations = realisations
                .iter()
                .filter(|r| mobilises(c, &r.skills))
                .map(|r| r.id)
                .collect();
            CompetencyCoverage {
                code: c.code.clone(),
                label: c.label.clone(),
                skills,
                realisations,
            }
        })
        .collect();
    Some(BlockCoverage {
        block: b.code.clone(),
        title: b.title.clone(),
        competencies,
    })
}

/// Whether tags name the competency or one of its skills.
fn mobilises(c: &portfolio_framework::Competency, tags: &BTreeSet<String>) -> bool {
    tags.contains(&c.code) || c.skills.iter().any(|s| tags.contains(&s.code))
}

/// The Bloc 2 block code of an option.
pub fn bloc2_code(track: Track) -> &'static str {
    match track {
        Track::Sisr => "B2-SISR",
        Track::Slam => "B2-SLAM",
    }
}

/// Whether two réalisations chosen for E5 together cover every competency of the option's Bloc 2,
/// and which competencies remain if not.
pub fn e5_pair(
    fw: &Framework,
    track: Track,
    first: &Tagged,
    second: &Tagged,
) -> Option<BlockCoverage> {
    block_coverage(
        fw,
        bloc2_code(track),
        track,
        &[first.clone(), second.clone()],
    )
}

/// The Bloc 1 competency codes a réalisation mobilises (the X marks of the tableau de synthèse).
pub fn competencies_of(fw: &Framework, block: &str, skills: &BTreeSet<String>) -> BTreeSet<String> {
    fw.block(block)
        .map(|b| {
            b.competencies
                .iter()
                .filter(|c| mobilises(c, skills))
                .map(|c| c.code.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use portfolio_framework::bts_sio_2019;

    fn tagged(id: i64, skills: &[&str]) -> Tagged {
        Tagged {
            id,
            skills: skills.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_competency_is_covered_by_any_of_its_skills() {
        let fw = bts_sio_2019();
        let rs = [tagged(1, &["B1.1.5", "B1.2.1"]), tagged(2, &["B1.1.1"])];
        let cov = block_coverage(fw, "B1", Track::Sisr, &rs).expect("B1 exists");
        assert_eq!(cov.competencies.len(), 6);
        let c1 = &cov.competencies[0];
        assert_eq!(c1.code, "B1.1");
        assert_eq!(c1.realisations, vec![1, 2]);
        assert_eq!(c1.skills[4].realisations, vec![1]);
        assert!(cov.mobilises(1, "B1.2") && !cov.mobilises(2, "B1.2"));
        let missing: Vec<&str> = cov
            .missing_competencies()
            .map(|c| c.code.as_str())
            .collect();
        assert_eq!(missing, ["B1.3", "B1.4", "B1.5", "B1.6"]);
        assert!(!cov.is_complete());
        // 22 skills in Bloc 1, 3 tagged.
        assert_eq!(cov.missing_skills().count(), 19);
    }

    #[test]
    fn the_whole_block_is_covered_when_every_competency_has_a_realisation() {
        let fw = bts_sio_2019();
        let rs = [
            tagged(1, &["B1.1.1", "B1.2.1", "B1.3.1"]),
            tagged(2, &["B1.4.1", "B1.5.1", "B1.6.1"]),
        ];
        let cov = block_coverage(fw, "B1", Track::Slam, &rs).expect("B1");
        assert!(cov.is_complete());
        assert_eq!(cov.missing_competencies().count(), 0);
    }

    #[test]
    fn an_e5_pair_must_cover_the_three_competencies_of_the_options_bloc_2() {
        let fw = bts_sio_2019();
        let a = tagged(1, &["B2-SLAM.1.1", "B2-SLAM.3.2"]);
        let b = tagged(2, &["B2-SLAM.2.1"]);
        assert!(e5_pair(fw, Track::Slam, &a, &b).expect("B2").is_complete());
        let c = tagged(3, &["B2-SLAM.1.4"]);
        let pair = e5_pair(fw, Track::Slam, &a, &c).expect("B2");
        let missing: Vec<&str> = pair
            .missing_competencies()
            .map(|c| c.code.as_str())
            .collect();
        assert_eq!(missing, ["B2-SLAM.2"]);
        // SISR skills do not count for a SLAM candidate's Bloc 2.
        let sisr = tagged(4, &["B2-SISR.1.1", "B2-SISR.2.1", "B2-SISR.3.1"]);
        assert!(
            !e5_pair(fw, Track::Slam, &sisr, &sisr)
                .expect("B2")
                .is_complete()
        );
    }

    #[test]
    fn a_competency_tagged_as_a_whole_is_covered_without_any_skill() {
        let fw = bts_sio_2019();
        let rs = [tagged(1, &["B1.3"])];
        let cov = block_coverage(fw, "B1", Track::Sisr, &rs).expect("B1");
        assert!(cov.mobilises(1, "B1.3"));
        // Its skills stay to be named.
        assert!(
            cov.competencies[2]
                .skills
                .iter()
                .all(|s| s.realisations.is_empty())
        );
        let marks: Vec<String> = competencies_of(fw, "B1", &rs[0].skills)
            .into_iter()
            .collect();
        assert_eq!(marks, ["B1.3"]);
    }

    #[test]
    fn x_marks_are_the_competencies_of_the_tagged_skills() {
        let fw = bts_sio_2019();
        let skills: BTreeSet<String> = ["B1.1.2", "B1.1.3", "B1.6.4", "B2-SISR.1.1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let marks: Vec<String> = competencies_of(fw, "B1", &skills).into_iter().collect();
        assert_eq!(marks, ["B1.1", "B1.6"]);
    }
}
