//! The contrôle de conformité of the E4 dossier (annexe 6-2 of the national exam circular), as a
//! pure function: from the dossier's dates, the internship [`Verdict`] of
//! [`crate::internship`] and today's date, the grounds of the national form that apply, each
//! with the facts behind it in French, and the resulting state.
//!
//! The form's four grounds ([`Ground`]) are transcribed verbatim from the circular. The first
//! three cannot be regularised: « Vous ne pourrez pas être interrogé(e), la note « non valide »
//! (NV) vous sera attribuée ». The fourth (documents missing or unsigned) asks the candidate to
//! send signed documents: until the regularisation deadline the dossier is pending, after it the
//! note is NV.

use crate::dossier::short_date;
use crate::internship::{self, CandidateFacts, InternshipPeriod, Verdict};
use serde::{Deserialize, Serialize};
use time::Date;

/// Ground 1 of annexe 6-2, verbatim.
pub const NO_DOSSIER: &str = "absence de dossier";
/// Ground 2 of annexe 6-2, verbatim.
pub const LATE_DOSSIER: &str =
    "dépôt du dossier au-delà de la date fixée par les autorités académiques";
/// Ground 3 of annexe 6-2, verbatim.
pub const INSUFFICIENT_DURATION: &str =
    "durée de stage inférieure à celle requise par la réglementation de l'examen";
/// Ground 4 of annexe 6-2, verbatim.
pub const MISSING_CERTIFICATES: &str = "attestations de stage ou certificat(s) de travail non présentes ou non signés par les personnes habilitées à cet effet";
/// Annexe 6-2, the request that follows ground 4, verbatim.
pub const REGULARISATION_REQUEST: &str = "Afin de pouvoir vous présenter à l'épreuve, vous êtes prié(e) de transmettre la ou les attestations de stage ou certificats de travail signés par les personnes habilitées à cet effet.";
/// Annexe 6-2, what happens without regularisation, verbatim.
pub const WITHOUT_REGULARISATION: &str = "Sans régularisation de votre part, vous ne pourrez pas être interrogé(e), la note « non valide » (NV) vous sera attribuée pour l'épreuve et le diplôme ne pourra vous être délivré.";
/// Annexe 6-2, the last box: the candidate cannot be examined, verbatim.
pub const NOT_EXAMINED: &str = "Vous ne pourrez pas être interrogé(e), la note « non valide » (NV) vous sera attribuée pour l'épreuve et le diplôme ne pourra vous être délivré.";

/// A ground (motif) of annexe 6-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    NoDossier,
    LateDossier,
    InsufficientDuration,
    MissingCertificates,
}

impl Ground {
    /// In the order of the form.
    pub const ALL: [Ground; 4] = [
        Ground::NoDossier,
        Ground::LateDossier,
        Ground::InsufficientDuration,
        Ground::MissingCertificates,
    ];

    /// The label of the form, verbatim.
    pub fn label(self) -> &'static str {
        match self {
            Ground::NoDossier => NO_DOSSIER,
            Ground::LateDossier => LATE_DOSSIER,
            Ground::InsufficientDuration => INSUFFICIENT_DURATION,
            Ground::MissingCertificates => MISSING_CERTIFICATES,
        }
    }

    /// Whether the candidate can put it right by sending documents (ground 4 only).
    pub fn can_be_regularised(self) -> bool {
        self == Ground::MissingCertificates
    }
}

/// The dates of a candidate's dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierFacts {
    /// When the dossier was handed in, if it was.
    pub handed_in: Option<Date>,
    /// The date fixed by the académie (the last day to hand it in).
    pub due_date: Date,
    /// The last day to send signed documents, if the commission set one.
    pub regularisation_deadline: Option<Date>,
}

/// A ground that applies, with the facts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroundFinding {
    pub ground: Ground,
    /// The verbatim label, for display.
    pub label: &'static str,
    /// One sentence each, with dates: « dossier remis le 12/05/27 après la date fixée par
    /// l'académie (05/05/27) ».
    pub facts: Vec<String>,
}

/// Where the dossier stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ConformityState {
    /// No ground applies, and the dossier was handed in.
    Conforming,
    /// No ground applies yet, the dossier is not handed in and the due date has not passed.
    AwaitingDossier { due_date: Date },
    /// Only documents missing or unsigned, and the deadline (if one was set) has not passed.
    PendingRegularisation { deadline: Option<Date> },
    /// The internship rule cannot conclude until something is recorded.
    Undetermined { missing: Vec<String> },
    /// A ground that cannot be regularised: the note is « non valide » (NV).
    NonConforming { grounds: Vec<Ground> },
    /// Documents still missing or unsigned after the deadline: the note is « non valide » (NV).
    NotValid { deadline: Date },
}

impl ConformityState {
    /// Whether the outcome is the note « non valide » (NV).
    pub fn is_nv(&self) -> bool {
        matches!(
            self,
            ConformityState::NonConforming { .. } | ConformityState::NotValid { .. }
        )
    }

    /// A short French label.
    pub fn label(&self) -> &'static str {
        match self {
            ConformityState::Conforming => "Conforme",
            ConformityState::AwaitingDossier { .. } => "Dossier non encore remis",
            ConformityState::PendingRegularisation { .. } => "En attente de régularisation",
            ConformityState::Undetermined { .. } => "Informations manquantes",
            ConformityState::NonConforming { .. } => "Non conforme : note « non valide » (NV)",
            ConformityState::NotValid { .. } => {
                "Non régularisé dans le délai : note « non valide » (NV)"
            }
        }
    }
}

/// The result of the contrôle de conformité for one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConformityCheck {
    /// « Date du contrôle ».
    pub checked_on: Date,
    /// The grounds that apply, in the order of the form.
    pub grounds: Vec<GroundFinding>,
    /// Everything else worth telling: the dossier on time, the deadline, the sentence of the form
    /// that applies.
    pub notes: Vec<String>,
    pub state: ConformityState,
}

/// The contrôle de conformité of one dossier on `today`.
pub fn check(dossier: &DossierFacts, internship: &Verdict, today: Date) -> ConformityCheck {
    let due = short_date(dossier.due_date);
    let mut grounds = Vec::new();
    let mut notes = Vec::new();
    let mut finding = |ground: Ground, facts: Vec<String>| {
        grounds.push(GroundFinding {
            ground,
            label: ground.label(),
            facts,
        });
    };

    match dossier.handed_in {
        None if today > dossier.due_date => finding(
            Ground::NoDossier,
            vec![format!(
                "aucun dossier remis à la date fixée par l'académie ({due})"
            )],
        ),
        None => notes.push(format!(
            "dossier non encore remis ; date fixée par l'académie : {due}"
        )),
        Some(day) if day > dossier.due_date => finding(
            Ground::LateDossier,
            vec![format!(
                "dossier remis le {} après la date fixée par l'académie ({due})",
                short_date(day)
            )],
        ),
        Some(day) => notes.push(format!(
            "dossier remis le {}, dans le délai fixé par l'académie ({due})",
            short_date(day)
        )),
    }
    if !internship.failures.is_empty() {
        finding(
            Ground::InsufficientDuration,
            internship
                .failures
                .iter()
                .map(|f| format!("durée de stage inférieure à la durée réglementaire : {f}"))
                .collect(),
        );
    }
    if !internship.certificate_issues.is_empty() {
        finding(
            Ground::MissingCertificates,
            internship
                .certificate_issues
                .iter()
                .map(|i| i.describe())
                .collect(),
        );
    }
    notes.push(format!("règle appliquée : {}", internship.rule));

    let blocking: Vec<Ground> = grounds
        .iter()
        .map(|g| g.ground)
        .filter(|g| !g.can_be_regularised())
        .collect();
    let certificates = grounds
        .iter()
        .any(|g| g.ground == Ground::MissingCertificates);
    let state = if !blocking.is_empty() {
        notes.push(NOT_EXAMINED.to_string());
        ConformityState::NonConforming {
            grounds: grounds.iter().map(|g| g.ground).collect(),
        }
    } else if let Some(deadline) = dossier.regularisation_deadline
        && certificates
        && today > deadline
    {
        notes.push(format!(
            "délai de régularisation dépassé : les documents signés étaient attendus au plus tard le {}",
            short_date(deadline)
        ));
        notes.push(NOT_EXAMINED.to_string());
        ConformityState::NotValid { deadline }
    } else if !internship.missing_information.is_empty() {
        notes.extend(internship.missing_information.iter().cloned());
        ConformityState::Undetermined {
            missing: internship.missing_information.clone(),
        }
    } else if certificates {
        notes.push(match dossier.regularisation_deadline {
            Some(deadline) => format!(
                "régularisation possible jusqu'au {} inclus",
                short_date(deadline)
            ),
            None => "aucun délai de régularisation fixé pour l'instant".to_string(),
        });
        notes.push(REGULARISATION_REQUEST.to_string());
        notes.push(WITHOUT_REGULARISATION.to_string());
        ConformityState::PendingRegularisation {
            deadline: dossier.regularisation_deadline,
        }
    } else if dossier.handed_in.is_none() {
        ConformityState::AwaitingDossier {
            due_date: dossier.due_date,
        }
    } else {
        ConformityState::Conforming
    };

    ConformityCheck {
        checked_on: today,
        grounds,
        notes,
        state,
    }
}

/// Everything the contrôle needs about one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateRecord {
    pub dossier: DossierFacts,
    pub candidate: CandidateFacts,
    pub periods: Vec<InternshipPeriod>,
}

/// The contrôle for many candidates (a whole académie): one internship verdict and one check
/// each, in input order. Linear in the number of candidates and in the days of their periods.
pub fn check_all(records: &[CandidateRecord], today: Date) -> Vec<ConformityCheck> {
    records
        .iter()
        .map(|r| {
            let verdict = internship::evaluate(&r.candidate, &r.periods);
            check(&r.dossier, &verdict, today)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::Period;
    use crate::internship::{CertificateState, DistanceStatus, PeriodKind, TrainingYear};
    use crate::route::Route;
    use time::macros::date;

    const SEED_002: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../regulation/seeds/002_d44eaea8adc21c23.txt"
    );

    /// Whitespace runs (spaces, tabs, line breaks, non-breaking spaces) become one space.
    fn norm(s: &str) -> String {
        s.split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    const DUE: Date = date!(2027 - 05 - 05);

    fn stage(
        org: &str,
        start: Date,
        end: Date,
        year: TrainingYear,
        certificate: CertificateState,
    ) -> InternshipPeriod {
        InternshipPeriod {
            organisation: org.to_string(),
            period: Period::new(start, end).expect("ordered dates in the test"),
            year_of_training: year,
            kind: PeriodKind::Internship,
            certificate,
        }
    }

    /// A school student's two internships, 5 + 5 weeks, with the given certificates.
    fn school_periods(first: CertificateState, second: CertificateState) -> Vec<InternshipPeriod> {
        vec![
            stage(
                "Mairie de Caen",
                date!(2026 - 05 - 26),
                date!(2026 - 06 - 26),
                TrainingYear::First,
                first,
            ),
            stage(
                "SDIS 14",
                date!(2027 - 01 - 04),
                date!(2027 - 02 - 05),
                TrainingYear::Second,
                second,
            ),
        ]
    }

    fn verdict(periods: &[InternshipPeriod]) -> Verdict {
        internship::evaluate(&CandidateFacts::new(Route::School), periods)
    }

    fn conforming() -> Verdict {
        verdict(&school_periods(
            CertificateState::Signed,
            CertificateState::Signed,
        ))
    }

    fn missing_certificate() -> Verdict {
        verdict(&school_periods(
            CertificateState::Missing,
            CertificateState::Signed,
        ))
    }

    fn unsigned_certificate() -> Verdict {
        verdict(&school_periods(
            CertificateState::Signed,
            CertificateState::Unsigned,
        ))
    }

    /// 4 weeks in the second year, 9 in total.
    fn too_short(certificate: CertificateState) -> Verdict {
        verdict(&[
            stage(
                "Mairie de Caen",
                date!(2026 - 05 - 26),
                date!(2026 - 06 - 26),
                TrainingYear::First,
                certificate,
            ),
            stage(
                "SDIS 14",
                date!(2027 - 01 - 04),
                date!(2027 - 01 - 29),
                TrainingYear::Second,
                CertificateState::Signed,
            ),
        ])
    }

    fn undetermined() -> Verdict {
        internship::evaluate(&CandidateFacts::new(Route::Distance), &[])
    }

    fn dossier(handed_in: Option<Date>, deadline: Option<Date>) -> DossierFacts {
        DossierFacts {
            handed_in,
            due_date: DUE,
            regularisation_deadline: deadline,
        }
    }

    struct Case {
        name: &'static str,
        dossier: DossierFacts,
        verdict: Verdict,
        today: Date,
        state: ConformityState,
        /// Each must occur in the facts of some ground.
        facts: &'static [&'static str],
        notes: &'static [&'static str],
    }

    #[test]
    fn grounds_and_states() {
        let on_time = Some(date!(2027 - 05 - 02));
        let deadline = Some(date!(2027 - 05 - 20));
        let cases = [
            Case {
                name: "conforming",
                dossier: dossier(on_time, None),
                verdict: conforming(),
                today: date!(2027 - 05 - 10),
                state: ConformityState::Conforming,
                facts: &[],
                notes: &[
                    "dossier remis le 02/05/27, dans le délai fixé par l'académie (05/05/27)",
                    "règle appliquée : Voie scolaire (annexe III.B, 3.1)",
                ],
            },
            Case {
                name: "handed in on the due date",
                dossier: dossier(Some(DUE), None),
                verdict: conforming(),
                today: date!(2027 - 05 - 10),
                state: ConformityState::Conforming,
                facts: &[],
                notes: &[],
            },
            Case {
                name: "no dossier after the due date",
                dossier: dossier(None, None),
                verdict: conforming(),
                today: date!(2027 - 05 - 06),
                state: ConformityState::NonConforming {
                    grounds: vec![Ground::NoDossier],
                },
                facts: &["aucun dossier remis à la date fixée par l'académie (05/05/27)"],
                notes: &[NOT_EXAMINED],
            },
            Case {
                name: "no dossier yet, before the due date",
                dossier: dossier(None, None),
                verdict: conforming(),
                today: DUE,
                state: ConformityState::AwaitingDossier { due_date: DUE },
                facts: &[],
                notes: &["dossier non encore remis ; date fixée par l'académie : 05/05/27"],
            },
            Case {
                name: "late",
                dossier: dossier(Some(date!(2027 - 05 - 12)), None),
                verdict: conforming(),
                today: date!(2027 - 05 - 12),
                state: ConformityState::NonConforming {
                    grounds: vec![Ground::LateDossier],
                },
                facts: &["dossier remis le 12/05/27 après la date fixée par l'académie (05/05/27)"],
                notes: &[NOT_EXAMINED],
            },
            Case {
                name: "internship too short",
                dossier: dossier(on_time, None),
                verdict: too_short(CertificateState::Signed),
                today: date!(2027 - 05 - 10),
                state: ConformityState::NonConforming {
                    grounds: vec![Ground::InsufficientDuration],
                },
                facts: &[
                    "durée de stage inférieure à la durée réglementaire : durée totale sur les deux années : 9 semaines",
                    "durée de stage inférieure à la durée réglementaire : 2e année : 4 semaines consécutives du 04/01/27 au 29/01/27, il en faut au moins 5",
                ],
                notes: &[NOT_EXAMINED],
            },
            Case {
                name: "attestation missing, before the deadline",
                dossier: dossier(on_time, deadline),
                verdict: missing_certificate(),
                today: date!(2027 - 05 - 10),
                state: ConformityState::PendingRegularisation { deadline },
                facts: &[
                    "attestation de stage manquante : Mairie de Caen, du 26/05/26 au 26/06/26",
                ],
                notes: &[
                    "régularisation possible jusqu'au 20/05/27 inclus",
                    REGULARISATION_REQUEST,
                    WITHOUT_REGULARISATION,
                ],
            },
            Case {
                name: "attestation missing, on the deadline",
                dossier: dossier(on_time, deadline),
                verdict: missing_certificate(),
                today: date!(2027 - 05 - 20),
                state: ConformityState::PendingRegularisation { deadline },
                facts: &[],
                notes: &[],
            },
            Case {
                name: "attestation missing, after the deadline: NV",
                dossier: dossier(on_time, deadline),
                verdict: missing_certificate(),
                today: date!(2027 - 05 - 21),
                state: ConformityState::NotValid {
                    deadline: date!(2027 - 05 - 20),
                },
                facts: &["attestation de stage manquante : Mairie de Caen"],
                notes: &[
                    "délai de régularisation dépassé : les documents signés étaient attendus au plus tard le 20/05/27",
                    NOT_EXAMINED,
                ],
            },
            Case {
                name: "attestation unsigned, no deadline set",
                dossier: dossier(on_time, None),
                verdict: unsigned_certificate(),
                today: date!(2027 - 06 - 30),
                state: ConformityState::PendingRegularisation { deadline: None },
                facts: &["attestation de stage non signée : SDIS 14, du 04/01/27 au 05/02/27"],
                notes: &["aucun délai de régularisation fixé pour l'instant"],
            },
            Case {
                name: "attestation missing, dossier not handed in yet",
                dossier: dossier(None, None),
                verdict: missing_certificate(),
                today: date!(2027 - 04 - 01),
                state: ConformityState::PendingRegularisation { deadline: None },
                facts: &[],
                notes: &["dossier non encore remis"],
            },
            Case {
                name: "late and unsigned: both grounds, NV",
                dossier: dossier(Some(date!(2027 - 05 - 12)), deadline),
                verdict: unsigned_certificate(),
                today: date!(2027 - 05 - 12),
                state: ConformityState::NonConforming {
                    grounds: vec![Ground::LateDossier, Ground::MissingCertificates],
                },
                facts: &[
                    "dossier remis le 12/05/27",
                    "attestation de stage non signée",
                ],
                notes: &[NOT_EXAMINED],
            },
            Case {
                name: "too short and missing",
                dossier: dossier(on_time, deadline),
                verdict: too_short(CertificateState::Missing),
                today: date!(2027 - 05 - 10),
                state: ConformityState::NonConforming {
                    grounds: vec![Ground::InsufficientDuration, Ground::MissingCertificates],
                },
                facts: &["attestation de stage manquante : Mairie de Caen"],
                notes: &[],
            },
            Case {
                name: "the internship rule cannot conclude",
                dossier: dossier(on_time, None),
                verdict: undetermined(),
                today: date!(2027 - 05 - 10),
                state: ConformityState::Undetermined {
                    missing: undetermined().missing_information,
                },
                facts: &[],
                notes: &["statut du candidat à distance non renseigné"],
            },
        ];
        for case in cases {
            let c = check(&case.dossier, &case.verdict, case.today);
            assert_eq!(c.state, case.state, "{}: {c:#?}", case.name);
            assert_eq!(c.checked_on, case.today);
            let grounds: Vec<Ground> = c.grounds.iter().map(|g| g.ground).collect();
            match &case.state {
                ConformityState::NonConforming { grounds: expected } => {
                    assert_eq!(&grounds, expected, "{}", case.name)
                }
                ConformityState::PendingRegularisation { .. }
                | ConformityState::NotValid { .. } => {
                    assert_eq!(grounds, vec![Ground::MissingCertificates], "{}", case.name)
                }
                _ => assert!(grounds.is_empty(), "{}: {grounds:?}", case.name),
            }
            assert!(
                c.grounds
                    .iter()
                    .all(|g| g.label == g.ground.label() && !g.facts.is_empty())
            );
            let facts: Vec<&String> = c.grounds.iter().flat_map(|g| &g.facts).collect();
            for needle in case.facts {
                assert!(
                    facts.iter().any(|f| f.contains(needle)),
                    "{}: no fact « {needle} » in {facts:#?}",
                    case.name
                );
            }
            for needle in case.notes {
                assert!(
                    c.notes.iter().any(|n| n.contains(needle)),
                    "{}: no note « {needle} » in {:#?}",
                    case.name,
                    c.notes
                );
            }
            assert_eq!(
                c.state.is_nv(),
                matches!(
                    case.state,
                    ConformityState::NonConforming { .. } | ConformityState::NotValid { .. }
                )
            );
        }
    }

    #[test]
    fn labels_are_verbatim_from_annex_6_2() {
        let seed = std::fs::read_to_string(SEED_002).expect("the seed 002 is readable");
        let seed = norm(&seed);
        for ground in Ground::ALL {
            assert!(seed.contains(&norm(ground.label())), "{ground:?}");
        }
        for text in [REGULARISATION_REQUEST, WITHOUT_REGULARISATION, NOT_EXAMINED] {
            assert!(seed.contains(&norm(text)), "not in the seed: {text}");
        }
        // Exactly the four grounds of the form, each a ticked box of its own.
        for ground in Ground::ALL {
            assert!(
                seed.contains(&format!("☐ {}", ground.label())),
                "{ground:?}"
            );
        }
    }

    #[test]
    fn five_thousand_candidates() {
        let today = date!(2027 - 05 - 10);
        let records: Vec<CandidateRecord> = (0..5_000u32)
            .map(|i| {
                let mut candidate = CandidateFacts::new(Route::ALL[(i % 5) as usize]);
                candidate.distance_status = Some(DistanceStatus::School);
                candidate.exam_date = Some(date!(2027 - 05 - 20));
                let certificate = if i % 7 == 0 {
                    CertificateState::Missing
                } else {
                    CertificateState::Signed
                };
                let mut periods = school_periods(certificate, CertificateState::Signed);
                periods.push(InternshipPeriod {
                    organisation: format!("Employeur {i}"),
                    period: Period::new(date!(2023 - 09 - 01), date!(2026 - 08 - 31))
                        .expect("ordered"),
                    year_of_training: TrainingYear::First,
                    kind: PeriodKind::ApprenticeshipContract,
                    certificate: CertificateState::Signed,
                });
                CandidateRecord {
                    dossier: dossier(
                        (i % 11 != 0).then_some(date!(2027 - 05 - 02)),
                        Some(date!(2027 - 05 - 20)),
                    ),
                    candidate,
                    periods,
                }
            })
            .collect();
        let checks = check_all(&records, today);
        assert_eq!(checks.len(), records.len());
        let count = |f: fn(&ConformityState) -> bool| checks.iter().filter(|c| f(&c.state)).count();
        let conforming = count(|s| *s == ConformityState::Conforming);
        let pending = count(|s| matches!(s, ConformityState::PendingRegularisation { .. }));
        let refused = count(|s| matches!(s, ConformityState::NonConforming { .. }));
        let undetermined = count(|s| matches!(s, ConformityState::Undetermined { .. }));
        assert!(
            conforming > 0 && pending > 0 && refused > 0,
            "{conforming} {pending} {refused}"
        );
        // Continuing education without its case recorded cannot conclude.
        assert!(undetermined > 0);
        assert_eq!(conforming + pending + refused + undetermined, checks.len());
        // Those without a dossier are refused.
        assert!(
            checks
                .iter()
                .zip(&records)
                .filter(|(_, r)| r.dossier.handed_in.is_none())
                .all(|(c, _)| c.state.is_nv())
        );
    }
}
