//! Routes of study (voies de formation): they decide which internship rules apply.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Voie scolaire.
    School,
    /// Apprentissage.
    Apprenticeship,
    /// Formation professionnelle continue.
    ContinuingEducation,
    /// Candidats justifiant de trois ans d'expérience professionnelle.
    ProfessionalExperience,
    /// Enseignement à distance.
    Distance,
}

impl Route {
    pub const ALL: [Route; 5] = [
        Route::School,
        Route::Apprenticeship,
        Route::ContinuingEducation,
        Route::ProfessionalExperience,
        Route::Distance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Route::School => "school",
            Route::Apprenticeship => "apprenticeship",
            Route::ContinuingEducation => "continuing_education",
            Route::ProfessionalExperience => "professional_experience",
            Route::Distance => "distance",
        }
    }

    /// The column of the règlement d'examen (Annexe II.C) a candidate of this route falls in,
    /// for an establishment that is public or under contract and habilitated (the case of the
    /// schools Portfolio SIO serves until an establishment records otherwise): school and
    /// apprenticeship in the first column, continuing education too (public habilitated
    /// establishments), distance learning and professional experience in the last one.
    pub fn exam_route_group(self) -> portfolio_framework::RouteGroup {
        use portfolio_framework::RouteGroup;
        match self {
            Route::School | Route::Apprenticeship | Route::ContinuingEducation => {
                RouteGroup::Habilitated
            }
            Route::ProfessionalExperience | Route::Distance => RouteGroup::NotHabilitated,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Route::School => "Voie scolaire",
            Route::Apprenticeship => "Apprentissage",
            Route::ContinuingEducation => "Formation professionnelle continue",
            Route::ProfessionalExperience => "Expérience professionnelle",
            Route::Distance => "Enseignement à distance",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "voie de formation inconnue « {0} » : attendu school, apprenticeship, continuing_education, professional_experience ou distance"
)]
pub struct UnknownRoute(pub String);

impl FromStr for Route {
    type Err = UnknownRoute;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Route::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRoute(s.to_string()))
    }
}
