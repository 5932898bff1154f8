//! Annexe II.E « Environnement technologique pour la certification », as
//! checklists.

use serde::{Deserialize, Serialize};

use crate::model::Track;

/// Annexe II.E.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TechEnvironment {
    /// « Annexe II.E – Environnement technologique pour la certification ».
    pub title: String,
    pub introduction: String,
    /// 1 (both options), 2 (SISR), 3 (SLAM).
    pub parts: Vec<TechPart>,
}

impl TechEnvironment {
    /// The parts that apply to an option: the common part and the option's part.
    pub fn parts_for(&self, track: Track) -> impl Iterator<Item = &TechPart> + '_ {
        self.parts
            .iter()
            .filter(move |p| p.track.is_none_or(|t| t == track))
    }

    /// The item of that code (`"TE-2.2.1"`).
    pub fn item(&self, code: &str) -> Option<&TechItem> {
        self.parts
            .iter()
            .flat_map(|p| p.sections.iter())
            .flat_map(|s| s.items.iter())
            .find(|i| i.code == code)
    }
}

/// A numbered part of Annexe II.E.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TechPart {
    pub number: u8,
    #[serde(default)]
    pub track: Option<Track>,
    /// « 2. Savoirs spécifiques à l’option « Solutions d'infrastructure, systèmes et
    /// réseaux » (SISR) ».
    pub heading: String,
    /// The paragraphs of the part that are not lists.
    #[serde(default)]
    pub notes: Vec<String>,
    pub sections: Vec<TechSection>,
}

/// A numbered paragraph that ends with a list: a checklist.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TechSection {
    /// `"2.2"`.
    pub code: String,
    /// The paragraph, verbatim (« … comporte au moins : »).
    pub heading: String,
    /// How many items must be present; `None`: all of them.
    #[serde(default)]
    pub at_least: Option<u8>,
    pub items: Vec<TechItem>,
}

impl TechSection {
    /// How many items must be checked for the section to be satisfied.
    pub fn required(&self) -> usize {
        self.at_least.map_or(self.items.len(), usize::from)
    }
}

/// An item of a checklist.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TechItem {
    /// `TE-{section}.{n}`, e.g. `TE-1.1.2`.
    pub code: String,
    /// The bullet without its final « ; » or « . ».
    pub label: String,
}
