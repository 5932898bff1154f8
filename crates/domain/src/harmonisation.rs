//! The figures the jury president compares commissions with: per commission, the spread of
//! mastery levels per grid row and of marks, the mean and standard deviation against the
//! session's, and which commissions deviate.
//!
//! A commission deviates when it examined at least [`MIN_CANDIDATES`] candidates and its
//! mean lies more than one standard deviation of the session's marks away from the session's
//! mean. Fewer candidates say too little to flag; the jury still sees their figures.

use std::collections::BTreeMap;

use portfolio_framework::MasteryLevel;

use crate::evaluation::ProposedMark;

/// The fewest candidates a commission must have examined to be flagged.
pub const MIN_CANDIDATES: usize = 5;

/// One evaluated candidate as the harmonisation sees it (no name: the figures are anonymous).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluated {
    pub commission_id: i64,
    pub mark: ProposedMark,
    /// The level of each row of the grid, in the grid's order; `None` if unrated.
    pub levels: Vec<Option<MasteryLevel>>,
}

/// Mean and standard deviation (population) of a set of marks, in points.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spread {
    pub count: usize,
    pub mean: f64,
    pub std_dev: f64,
}

impl Spread {
    fn of(marks: impl Iterator<Item = ProposedMark> + Clone) -> Self {
        let points = marks.map(|m| f64::from(m.hundredths()) / 100.0);
        let count = points.clone().count();
        if count == 0 {
            return Self::default();
        }
        let n = count as f64;
        let mean = points.clone().sum::<f64>() / n;
        let variance = points.map(|p| (p - mean).powi(2)).sum::<f64>() / n;
        Self {
            count,
            mean,
            std_dev: variance.sqrt(),
        }
    }
}

/// How a commission stands against the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deviation {
    /// Within one standard deviation of the session's mean.
    InLine,
    /// Mean more than one standard deviation above the session's.
    Above,
    /// Mean more than one standard deviation below the session's.
    Below,
    /// Fewer than [`MIN_CANDIDATES`] candidates: not judged.
    TooFew,
}

/// The figures of one commission.
#[derive(Debug, Clone, PartialEq)]
pub struct CommissionFigures {
    pub commission_id: i64,
    pub marks: Spread,
    /// Candidates per whole point of the mark rounded down, 0 to 20 (21 buckets).
    pub histogram: [usize; 21],
    /// Per grid row, candidates per mastery level (in the order of [`MasteryLevel::ALL`]).
    pub levels: Vec<[usize; 5]>,
    pub deviation: Deviation,
}

/// The figures of a session: the whole, then each commission by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Harmonisation {
    pub session: Spread,
    pub histogram: [usize; 21],
    pub levels: Vec<[usize; 5]>,
    pub commissions: Vec<CommissionFigures>,
}

fn histogram<'a>(items: impl Iterator<Item = &'a Evaluated>) -> [usize; 21] {
    let mut h = [0; 21];
    for e in items {
        h[usize::from(e.mark.hundredths() / 100).min(20)] += 1;
    }
    h
}

fn level_counts<'a>(items: impl Iterator<Item = &'a Evaluated>, rows: usize) -> Vec<[usize; 5]> {
    let mut counts = vec![[0; 5]; rows];
    for e in items {
        for (row, level) in counts.iter_mut().zip(&e.levels) {
            if let Some(l) = level {
                row[usize::from(l.rank())] += 1;
            }
        }
    }
    counts
}

/// Computes the figures of a session from its evaluated candidates.
pub fn harmonise(evaluated: &[Evaluated]) -> Harmonisation {
    let rows = evaluated.iter().map(|e| e.levels.len()).max().unwrap_or(0);
    let session = Spread::of(evaluated.iter().map(|e| e.mark));
    let mut by_commission: BTreeMap<i64, Vec<&Evaluated>> = BTreeMap::new();
    for e in evaluated {
        by_commission.entry(e.commission_id).or_default().push(e);
    }
    let commissions = by_commission
        .into_iter()
        .map(|(commission_id, items)| {
            let marks = Spread::of(items.iter().map(|e| e.mark));
            let deviation = if marks.count < MIN_CANDIDATES {
                Deviation::TooFew
            } else if marks.mean > session.mean + session.std_dev {
                Deviation::Above
            } else if marks.mean < session.mean - session.std_dev {
                Deviation::Below
            } else {
                Deviation::InLine
            };
            CommissionFigures {
                commission_id,
                marks,
                histogram: histogram(items.iter().copied()),
                levels: level_counts(items.iter().copied(), rows),
                deviation,
            }
        })
        .collect();
    Harmonisation {
        session,
        histogram: histogram(evaluated.iter()),
        levels: level_counts(evaluated.iter(), rows),
        commissions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(commission_id: i64, mark: u16, levels: &[MasteryLevel]) -> Evaluated {
        Evaluated {
            commission_id,
            mark: ProposedMark::from_hundredths(mark * 100).expect("a mark out of 20"),
            levels: levels.iter().copied().map(Some).collect(),
        }
    }

    #[test]
    fn an_empty_session_has_no_figures() {
        let h = harmonise(&[]);
        assert_eq!(h.session, Spread::default());
        assert!(h.commissions.is_empty() && h.levels.is_empty());
    }

    #[test]
    fn a_commission_a_standard_deviation_away_with_five_candidates_is_flagged() {
        use MasteryLevel::*;
        let mut all = Vec::new();
        // Eight commissions marking around 10, one marking high, one marking low, and one
        // marking low with too few candidates to be judged.
        for c in 1..=8 {
            for m in [8, 9, 10, 11, 12] {
                all.push(ev(c, m, &[GoodMastery, PartialMastery]));
            }
        }
        for m in [16, 17, 17, 18, 19] {
            all.push(ev(20, m, &[ExcellentMastery, GoodMastery]));
        }
        for m in [3, 4, 4, 5, 6] {
            all.push(ev(30, m, &[NotMastered, NotAssessable]));
        }
        for m in [2, 3] {
            all.push(ev(40, m, &[NotMastered, NotMastered]));
        }
        let h = harmonise(&all);
        assert_eq!(h.session.count, 52);
        let mean = all
            .iter()
            .map(|e| f64::from(e.mark.hundredths()) / 100.0)
            .sum::<f64>()
            / 52.0;
        assert!((h.session.mean - mean).abs() < 1e-9);
        let deviation: Vec<(i64, Deviation)> = h
            .commissions
            .iter()
            .map(|c| (c.commission_id, c.deviation))
            .collect();
        let mut expected: Vec<(i64, Deviation)> = (1..=8).map(|c| (c, Deviation::InLine)).collect();
        expected.extend([
            (20, Deviation::Above),
            (30, Deviation::Below),
            (40, Deviation::TooFew),
        ]);
        assert_eq!(deviation, expected);

        let c1 = &h.commissions[0];
        assert_eq!(c1.marks.count, 5);
        assert!((c1.marks.mean - 10.0).abs() < 1e-9);
        assert!((c1.marks.std_dev - 2f64.sqrt()).abs() < 1e-9);
        assert_eq!(c1.histogram[8..=12], [1, 1, 1, 1, 1]);
        assert_eq!(c1.levels, vec![[0, 0, 0, 5, 0], [0, 0, 5, 0, 0]]);
        assert_eq!(h.levels[1][NotAssessable.rank() as usize], 5);
        assert_eq!(h.histogram.iter().sum::<usize>(), 52);
    }

    #[test]
    fn unrated_rows_and_a_twenty_are_counted_right() {
        let mut e = ev(1, 20, &[MasteryLevel::ExcellentMastery]);
        e.levels.push(None);
        let h = harmonise(&[e]);
        assert_eq!(h.histogram[20], 1);
        assert_eq!(h.levels, vec![[0, 0, 0, 0, 1], [0; 5]]);
        assert_eq!(h.commissions[0].deviation, Deviation::TooFew);
        assert_eq!(h.session.std_dev, 0.0);
    }
}
