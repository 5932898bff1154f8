//! The fiche d'appréciation (annexe 6-4): what its appreciation must show. The grid (annexe
//! 6-3) says: « Le cas échéant, l'appréciation littérale fera apparaître ce défaut de couverture
//! ou de conformité dans la fiche communicable à la personne candidate. » So the appreciation is
//! pre-filled with the defects found, and cannot be signed once a defect has been edited out.

use std::fmt;

use crate::coverage::BlockCoverage;
use crate::input::ascii_fold;

/// A defect the appreciation must show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    /// Competencies of the block that no réalisation mobilises: (code, label).
    Coverage(Vec<(String, String)>),
    /// The commission found the technological environment not conforming (annexe II.E).
    Environment,
}

impl Defect {
    /// The words the appreciation must all contain (accents and case aside) for the defect to
    /// count as shown. A guard against a defect edited out, not a reading of the text.
    fn keywords(&self) -> &'static [&'static str] {
        match self {
            Defect::Coverage(_) => &["couverture"],
            Defect::Environment => &["environnement", "conform"],
        }
    }
}

impl fmt::Display for Defect {
    /// The sentence the appreciation is pre-filled with.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Defect::Coverage(missing) => {
                let list: Vec<String> = missing
                    .iter()
                    .map(|(code, label)| format!("« {label} » ({code})"))
                    .collect();
                write!(
                    f,
                    "Défaut de couverture des compétences du bloc : {} {} mobilisée{} par aucune \
                     des réalisations professionnelles présentées.",
                    list.join(", "),
                    if missing.len() > 1 {
                        "ne sont"
                    } else {
                        "n'est"
                    },
                    if missing.len() > 1 { "s" } else { "" }
                )
            }
            Defect::Environment => f.write_str(
                "Défaut de conformité de l'environnement technologique : les réalisations \
                 professionnelles présentées n'ont pas été élaborées dans un environnement \
                 technologique conforme à l'annexe II.E du diplôme.",
            ),
        }
    }
}

/// The defects of a dossier: its coverage of the block, and the commission's finding on the
/// environment (`None` while not decided).
pub fn defects(coverage: &BlockCoverage, environment_conforming: Option<bool>) -> Vec<Defect> {
    let mut out = Vec::new();
    let missing: Vec<(String, String)> = coverage
        .missing_competencies()
        .map(|c| (c.code.clone(), c.label.clone()))
        .collect();
    if !missing.is_empty() {
        out.push(Defect::Coverage(missing));
    }
    if environment_conforming == Some(false) {
        out.push(Defect::Environment);
    }
    out
}

/// The text a new appreciation starts with: one paragraph per defect.
pub fn prefill(defects: &[Defect]) -> String {
    defects
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The defects the appreciation no longer shows; a fiche with any cannot be signed.
pub fn unshown<'a>(defects: &'a [Defect], appreciation: &str) -> Vec<&'a Defect> {
    // Accents and case aside; every keyword is a single word, so the dashes that
    // ascii_fold puts between words do not matter.
    let text = ascii_fold(appreciation);
    defects
        .iter()
        .filter(|d| !d.keywords().iter().all(|k| text.contains(k)))
        .collect()
}

/// The message for a defect edited out of the appreciation.
pub fn unshown_message(defect: &Defect) -> String {
    format!(
        "L'appréciation doit faire apparaître ce défaut, elle est communiquée à la personne \
         candidate : {defect}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::{Tagged, block_coverage};
    use portfolio_framework::{Track, bts_sio_2019};
    use std::collections::BTreeSet;

    fn coverage(codes: &[&str]) -> BlockCoverage {
        let tagged = vec![Tagged {
            id: 1,
            skills: codes
                .iter()
                .map(|c| (*c).to_owned())
                .collect::<BTreeSet<_>>(),
        }];
        block_coverage(bts_sio_2019(), "B1", Track::Sisr, &tagged).expect("bloc 1")
    }

    #[test]
    fn a_complete_conforming_dossier_has_no_defect() {
        let full = coverage(&["B1.1", "B1.2", "B1.3", "B1.4", "B1.5", "B1.6"]);
        assert!(defects(&full, Some(true)).is_empty());
        assert!(defects(&full, None).is_empty());
        assert_eq!(prefill(&[]), "");
    }

    #[test]
    fn the_defects_are_prefilled_and_cannot_be_edited_out() {
        let partial = coverage(&["B1.1", "B1.2", "B1.4", "B1.6"]);
        let found = defects(&partial, Some(false));
        assert_eq!(found.len(), 2);
        let Defect::Coverage(missing) = &found[0] else {
            panic!("coverage first: {found:?}");
        };
        let codes: Vec<&str> = missing.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["B1.3", "B1.5"]);
        let text = prefill(&found);
        assert!(
            text.contains("« Développer la présence en ligne de l’organisation » (B1.3)"),
            "{text}"
        );
        assert!(text.contains("ne sont mobilisées par aucune"), "{text}");
        assert!(text.contains("annexe II.E"), "{text}");
        // As pre-filled, and as rewritten by the commission in its own words: shown.
        assert!(unshown(&found, &text).is_empty());
        let rewritten = "Bon parcours. COUVERTURE incomplète (B1.3, B1.5). L'Environnement \
                         Technologique n'est pas conforme.";
        assert!(unshown(&found, rewritten).is_empty());
        // Edited out: refused, with the sentence to put back.
        let gone = unshown(
            &found,
            "Très bon parcours, environnement technologique adapté.",
        );
        assert_eq!(gone, vec![&found[0], &found[1]]);
        assert!(unshown_message(gone[0]).contains("doit faire apparaître ce défaut"));
    }
}
