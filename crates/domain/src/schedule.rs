//! Passing times of a commission's candidates (annexe II.D, « Déroulement de l'épreuve »).
//!
//! * Bloc 1: a 40-minute oral (10 minutes of presentation, 30 of exchange), one candidate after
//!   another.
//! * Bloc 2: 30 minutes of preparation, a 20-minute interview, one hour of preparation, a second
//!   20-minute interview. The commission examines one candidate at a time, so it interleaves
//!   them: while some prepare, it interviews another. The number of candidates preparing at
//!   once is bounded by the workstations of the centre.
//!
//! Times are minutes from midnight.

use std::fmt;

/// The Bloc 1 oral: « 40 minutes ».
pub const BLOCK1_ORAL: u32 = 40;
/// Bloc 2: « préparation de 30 minutes suivie d'un entretien de 20 minutes maximum ».
pub const BLOCK2_FIRST_PREPARATION: u32 = 30;
/// Bloc 2: « préparation d'une heure suivie d'un entretien de 20 minutes maximum ».
pub const BLOCK2_SECOND_PREPARATION: u32 = 60;
pub const BLOCK2_INTERVIEW: u32 = 20;

/// A time of day as minutes from midnight, printed « 08h30 ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Clock(pub u32);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}h{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A span of time with the commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Clock,
    pub end: Clock,
}

impl Span {
    fn new(start: u32, length: u32) -> Self {
        Span {
            start: Clock(start),
            end: Clock(start + length),
        }
    }
}

/// Bloc 1: candidate `i` of the list examined in the `i`-th slot, from `start`, with `pause`
/// minutes between two candidates (for the commission to fill the grid).
pub fn block1_slots(start: Clock, candidates: usize, pause: u32) -> Vec<Span> {
    (0..candidates as u32)
        .map(|i| Span::new(start.0 + i * (BLOCK1_ORAL + pause), BLOCK1_ORAL))
        .collect()
}

/// A Bloc 2 candidate's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block2Slot {
    /// When the candidate starts the first preparation (receives the expression de besoins).
    pub arrival: Clock,
    pub first_interview: Span,
    pub second_interview: Span,
}

impl Block2Slot {
    pub fn departure(&self) -> Clock {
        self.second_interview.end
    }
}

/// Bloc 2: the days of `candidates` candidates of one commission from `start`, with at most
/// `workstations` candidates preparing at once (at least 1). Candidates are taken in the order
/// of the list; the commission is never idle while someone is ready for an interview, and a
/// candidate who has had the first interview is heard again before a newcomer.
pub fn block2_slots(start: Clock, candidates: usize, workstations: usize) -> Vec<Block2Slot> {
    let workstations = workstations.max(1);
    // (arrival, first interview start, second interview start once planned).
    let mut plan: Vec<(u32, u32, Option<u32>)> = Vec::with_capacity(candidates);
    let preparing_at = |plan: &[(u32, u32, Option<u32>)], t: u32| {
        plan.iter()
            .filter(|(arrival, first, second)| {
                (*arrival <= t && t < *first)
                    || (first + BLOCK2_INTERVIEW <= t && second.is_none_or(|s| t < s))
            })
            .count()
    };
    let mut now = start.0 + BLOCK2_FIRST_PREPARATION;
    loop {
        let waiting = plan.iter().filter(|p| p.2.is_none()).count();
        if plan.len() == candidates && waiting == 0 {
            break;
        }
        // A second interview ready now comes first (the earliest heard first).
        let ready = plan
            .iter_mut()
            .filter(|(_, first, second)| {
                second.is_none() && first + BLOCK2_INTERVIEW + BLOCK2_SECOND_PREPARATION <= now
            })
            .min_by_key(|(_, first, _)| *first);
        if let Some(candidate) = ready {
            candidate.2 = Some(now);
            now += BLOCK2_INTERVIEW;
            continue;
        }
        // Otherwise a newcomer whose first preparation ends now, if a workstation is free for
        // the whole of it, and one stays free for the second preparation: those waiting keep
        // theirs until they are heard.
        let arrival = now - BLOCK2_FIRST_PREPARATION;
        if plan.len() < candidates
            && waiting < workstations
            && (arrival..now)
                .step_by(5)
                .all(|t| preparing_at(&plan, t) < workstations)
        {
            plan.push((arrival, now, None));
            now += BLOCK2_INTERVIEW;
            continue;
        }
        // Nobody can be heard now: the commission waits (times stay on a five-minute grid).
        now += 5;
    }
    plan.into_iter()
        .map(|(arrival, first, second)| Block2Slot {
            arrival: Clock(arrival),
            first_interview: Span::new(first, BLOCK2_INTERVIEW),
            second_interview: Span::new(second.unwrap_or(first), BLOCK2_INTERVIEW),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block1_slots_follow_each_other() {
        let slots = block1_slots(Clock(8 * 60), 3, 10);
        let shown: Vec<String> = slots
            .iter()
            .map(|s| format!("{}-{}", s.start, s.end))
            .collect();
        assert_eq!(shown, ["08h00-08h40", "08h50-09h30", "09h40-10h20"]);
        assert!(block1_slots(Clock(480), 0, 10).is_empty());
    }

    /// Every rule of the Bloc 2 day, checked on a plan.
    fn check(slots: &[Block2Slot], workstations: usize) {
        let mut interviews: Vec<Span> = Vec::new();
        for s in slots {
            assert_eq!(
                s.first_interview.start.0 - s.arrival.0,
                BLOCK2_FIRST_PREPARATION,
                "{s:?}"
            );
            assert_eq!(
                s.first_interview.end.0 - s.first_interview.start.0,
                BLOCK2_INTERVIEW
            );
            assert!(
                s.second_interview.start.0 >= s.first_interview.end.0 + BLOCK2_SECOND_PREPARATION,
                "{s:?}"
            );
            assert_eq!(
                s.second_interview.end.0 - s.second_interview.start.0,
                BLOCK2_INTERVIEW
            );
            interviews.extend([s.first_interview, s.second_interview]);
        }
        interviews.sort_by_key(|i| i.start);
        for pair in interviews.windows(2) {
            assert!(
                pair[0].end <= pair[1].start,
                "the commission hears two at once: {pair:?}"
            );
        }
        let day_end = slots.iter().map(|s| s.departure().0).max().unwrap_or(0);
        for t in (0..day_end).step_by(5) {
            let preparing = slots
                .iter()
                .filter(|s| {
                    (s.arrival.0 <= t && t < s.first_interview.start.0)
                        || (s.first_interview.end.0 <= t && t < s.second_interview.start.0)
                })
                .count();
            assert!(
                preparing <= workstations,
                "{preparing} preparing at {}",
                Clock(t)
            );
        }
    }

    #[test]
    fn block2_interleaves_candidates_without_overlap() {
        let slots = block2_slots(Clock(8 * 60), 6, 4);
        assert_eq!(slots.len(), 6);
        check(&slots, 4);
        // The first candidate arrives at the start; the commission first hears at 08h30.
        assert_eq!(slots[0].arrival, Clock(480));
        assert_eq!(slots[0].first_interview.start.to_string(), "08h30");
        // Interleaving beats one candidate after another (6 × 2h10).
        let end = slots.iter().map(|s| s.departure()).max().expect("a plan");
        assert!(end.0 - 480 < 6 * 130, "ends at {end}");
        let day: Vec<String> = slots
            .iter()
            .map(|s| {
                format!(
                    "{} {} {}",
                    s.arrival, s.first_interview.start, s.second_interview.start
                )
            })
            .collect();
        assert_eq!(
            day,
            [
                "08h00 08h30 09h50",
                "08h20 08h50 10h10",
                "08h40 09h10 10h30",
                "09h00 09h30 10h50",
                // The fifth waits for a workstation: the first four keep theirs until heard.
                "10h40 11h10 12h30",
                "11h00 11h30 12h50",
            ]
        );
    }

    #[test]
    fn block2_respects_the_workstations() {
        for ws in [1, 2, 3, 5] {
            let slots = block2_slots(Clock(8 * 60), 8, ws);
            assert_eq!(slots.len(), 8);
            check(&slots, ws);
        }
        // One workstation: each candidate prepares alone, so no interleaving.
        let slots = block2_slots(Clock(0), 2, 1);
        assert!(
            slots[1].arrival >= slots[0].second_interview.start,
            "{slots:?}"
        );
        assert!(block2_slots(Clock(0), 0, 3).is_empty());
    }
}
