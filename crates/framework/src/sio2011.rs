//! The 2011 référentiel de certification (`bts-sio-2011`).

use serde::{Deserialize, Serialize};

use crate::model::Track;

/// The BTS SIO 2011 référentiel de certification: processes P1 to P5, their
/// domains of activity, activities and competencies.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Framework2011 {
    /// `"bts-sio-2011"`.
    pub id: String,
    /// « RÉFÉRENTIEL DE CERTIFICATION ».
    pub title: String,
    /// « BTS services informatiques aux organisations ».
    pub diploma: String,
    pub processes: Vec<Process>,
}

/// A « processus » (P1 … P5).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Process {
    /// `P1`.
    pub code: String,
    /// « Production de services ».
    pub title: String,
    /// « P1 – Production de services ».
    pub heading: String,
    /// The « Parcours » line, verbatim.
    pub parcours: String,
    /// The options (« parcours ») the process belongs to.
    pub tracks: Vec<Track>,
    pub domains: Vec<Domain>,
}

/// A « domaine d'activité » (D1.1 …).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Domain {
    /// `D1.1`.
    pub code: String,
    /// « Analyse de la demande ».
    pub title: String,
    pub activities: Vec<Activity>,
}

/// An « activité » (A1.1.1 …).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Activity {
    /// `A1.1.1`.
    pub code: String,
    pub label: String,
    pub competencies: Vec<Competency2011>,
}

/// A 2011 « compétence » (C1.1.1.1 …).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Competency2011 {
    /// `C{activity}.{n}`: the source's code, or the one its position implies where
    /// the source prints another activity's code (see `printed_code`).
    pub code: String,
    /// The code the source prints, when it is not `code`.
    #[serde(default)]
    pub printed_code: Option<String>,
    pub label: String,
}

/// An activity with its process and domain.
#[derive(Debug, Clone, Copy)]
pub struct ActivityRef<'a> {
    pub process: &'a Process,
    pub domain: &'a Domain,
    pub activity: &'a Activity,
}

/// A 2011 competency with its activity, domain and process.
#[derive(Debug, Clone, Copy)]
pub struct Competency2011Ref<'a> {
    pub process: &'a Process,
    pub domain: &'a Domain,
    pub activity: &'a Activity,
    pub competency: &'a Competency2011,
}

impl Framework2011 {
    /// The process of that code (`"P3"`).
    pub fn process(&self, code: &str) -> Option<&Process> {
        self.processes.iter().find(|p| p.code == code)
    }

    /// Every activity, with its process and domain, in order.
    pub fn activities(&self) -> impl Iterator<Item = ActivityRef<'_>> + '_ {
        self.processes.iter().flat_map(|process| {
            process.domains.iter().flat_map(move |domain| {
                domain.activities.iter().map(move |activity| ActivityRef {
                    process,
                    domain,
                    activity,
                })
            })
        })
    }

    /// Every competency, with its activity, domain and process, in order.
    pub fn competencies(&self) -> impl Iterator<Item = Competency2011Ref<'_>> + '_ {
        self.activities().flat_map(|a| {
            a.activity
                .competencies
                .iter()
                .map(move |competency| Competency2011Ref {
                    process: a.process,
                    domain: a.domain,
                    activity: a.activity,
                    competency,
                })
        })
    }

    /// The activity of that code (`"A1.1.1"`).
    pub fn activity(&self, code: &str) -> Option<ActivityRef<'_>> {
        self.activities().find(|a| a.activity.code == code)
    }

    /// The competency of that code (`"C1.1.1.1"`), by its stable code (not by a
    /// misprinted `printed_code`).
    pub fn competency(&self, code: &str) -> Option<Competency2011Ref<'_>> {
        self.competencies().find(|c| c.competency.code == code)
    }

    /// The competencies of the processes of an option.
    pub fn competencies_for(
        &self,
        track: Track,
    ) -> impl Iterator<Item = Competency2011Ref<'_>> + '_ {
        self.competencies()
            .filter(move |c| c.process.tracks.contains(&track))
    }
}
