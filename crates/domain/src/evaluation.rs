//! The marking rules of the grille d'aide à l'évaluation (annexe 6-3) and the fiche
//! d'appréciation (annexe 6-4): the proposed mark, the penalties, the final mark « arrondie
//! au point supérieur », the warnings when a mark disagrees with the profile, and the lock
//! that both members' visas put on a grid, and the mark the jury « arrête ».
//!
//! The grid gives no formula from mastery levels to points: the mark is the commission's
//! judgement, so the warnings here never refuse a mark, they ask the commission to look again.

use std::collections::BTreeSet;
use std::fmt;

use portfolio_framework::{MasteryLevel, Penalty};
use time::Date;

/// Hundredths in a point: marks are kept as integers so that rounding is exact.
const CENTS: u16 = 100;
/// The top of the scale, « / 20 ».
const MAX_POINTS: u16 = 20;

/// A « proposition de note » out of 20, to the hundredth of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProposedMark(u16);

impl ProposedMark {
    /// The mark `hundredths / 100`, if it lies between 0 and 20.
    pub fn from_hundredths(hundredths: u16) -> Option<Self> {
        (hundredths <= MAX_POINTS * CENTS).then_some(Self(hundredths))
    }

    /// Reads a mark as a commission member types it: `12`, `12,5`, `12.25`, `12,5 / 20`.
    pub fn parse(input: &str) -> Result<Self, MarkError> {
        let text = input.trim();
        let text = text
            .strip_suffix("/20")
            .or_else(|| text.strip_suffix("/ 20"))
            .unwrap_or(text)
            .trim();
        if text.is_empty() {
            return Err(MarkError::Empty);
        }
        let (whole, fraction) = match text.split_once([',', '.']) {
            Some((w, f)) => (w, Some(f)),
            None => (text, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !fraction.is_none_or(digits) {
            return Err(MarkError::NotANumber(input.trim().to_owned()));
        }
        if fraction.is_some_and(|f| f.len() > 2) {
            return Err(MarkError::TooPrecise(input.trim().to_owned()));
        }
        let whole: u16 = whole
            .parse()
            .map_err(|_| MarkError::OutOfRange(input.trim().to_owned()))?;
        let fraction = fraction.unwrap_or("");
        // "5" after the comma is fifty hundredths, "05" is five.
        let cents: u16 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<u16>().unwrap_or(0) * 10,
            _ => fraction.parse::<u16>().unwrap_or(0),
        };
        whole
            .checked_mul(CENTS)
            .and_then(|w| w.checked_add(cents))
            .and_then(Self::from_hundredths)
            .ok_or_else(|| MarkError::OutOfRange(input.trim().to_owned()))
    }

    pub fn hundredths(self) -> u16 {
        self.0
    }
}

impl fmt::Display for ProposedMark {
    /// French notation: `12`, `12,5`, `12,25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, cents) = (self.0 / CENTS, self.0 % CENTS);
        match cents {
            0 => write!(f, "{whole}"),
            c if c % 10 == 0 => write!(f, "{whole},{}", c / 10),
            c => write!(f, "{whole},{c:02}"),
        }
    }
}

/// Why a typed mark was refused. The messages say what to type instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkError {
    Empty,
    NotANumber(String),
    TooPrecise(String),
    OutOfRange(String),
    /// The jury's mark is in whole points.
    NotWhole(String),
}

impl fmt::Display for MarkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkError::Empty => f.write_str(
                "La proposition de note est vide : saisissez une note sur 20, par exemple 12 ou 12,5.",
            ),
            MarkError::NotANumber(s) => write!(
                f,
                "« {s} » n'est pas une note : saisissez un nombre entre 0 et 20, par exemple 12 ou 12,5."
            ),
            MarkError::TooPrecise(s) => write!(
                f,
                "« {s} » a trop de décimales : la note se saisit au centième de point au plus, par exemple 12,25."
            ),
            MarkError::NotWhole(s) => write!(
                f,
                "« {s} » n'est pas un nombre entier de points : la note arrêtée par le jury est \
                 en points entiers, par exemple 13."
            ),
            MarkError::OutOfRange(s) => write!(
                f,
                "« {s} » n'est pas entre 0 et 20 : la note est sur 20."
            ),
        }
    }
}

impl std::error::Error for MarkError {}

/// The « note finale », a whole number of points out of 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinalMark(u8);

impl FinalMark {
    pub fn points(self) -> u8 {
        self.0
    }
}

impl fmt::Display for FinalMark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The points the retained penalties take off; a penalty ticked twice counts once.
pub fn penalty_points(penalties: &[Penalty]) -> u16 {
    let distinct: BTreeSet<&'static str> = penalties.iter().map(|p| p.code()).collect();
    Penalty::ALL
        .iter()
        .filter(|p| distinct.contains(p.code()))
        .map(|p| u16::from(p.points()))
        .sum()
}

/// « NOTE FINALE »: the proposed mark minus the penalties, never below 0, « arrondie au
/// point supérieur » (12,1 gives 13; 12 stays 12).
pub fn final_mark(proposed: ProposedMark, penalties: &[Penalty]) -> FinalMark {
    let after = proposed
        .hundredths()
        .saturating_sub(penalty_points(penalties) * CENTS);
    let points = after.div_ceil(CENTS);
    // At most 20 because a proposed mark is at most 20.
    FinalMark(u8::try_from(points).unwrap_or(u8::MAX))
}

/// The mark the jury « arrête » for a candidate, against the commission's final mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JuryMark {
    pub mark: FinalMark,
    /// The commission's final mark it replaces, kept for the history; `None` if the jury
    /// confirmed it or the commission proposed none.
    pub replaces: Option<FinalMark>,
    /// The jury's reason, if given (optional).
    pub reason: Option<String>,
}

/// Reads the mark the jury sets, a whole number of points from 0 to 20 (French notation
/// accepted: « 14 », « 14,0 »). A mark different from the commission's keeps the latter.
pub fn jury_mark(
    commission: Option<FinalMark>,
    input: &str,
    reason: Option<&str>,
) -> Result<JuryMark, MarkError> {
    let typed = ProposedMark::parse(input)?;
    if typed.hundredths() % CENTS != 0 {
        return Err(MarkError::NotWhole(input.trim().to_owned()));
    }
    let mark = FinalMark(u8::try_from(typed.hundredths() / CENTS).unwrap_or(u8::MAX));
    Ok(JuryMark {
        mark,
        replaces: commission.filter(|c| *c != mark),
        reason: reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
    })
}

/// A row of the grid as the commission rated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatedRow<'a> {
    /// The row's label (« Gérer le patrimoine informatique »…).
    pub label: &'a str,
    pub level: Option<MasteryLevel>,
}

/// A mark that does not match the profile the grid describes. Shown before the visa;
/// the commission may keep its mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkWarning {
    /// A high mark while some rows are rated below « Maîtrise partielle ».
    HighMarkWithWeakRows {
        mark: ProposedMark,
        rows: Vec<(String, MasteryLevel)>,
    },
    /// A mark below the average while every row is rated « Bonne maîtrise » or above.
    LowMarkWithStrongProfile { mark: ProposedMark },
    /// A mark at or above the average while most rows are rated below « Maîtrise partielle ».
    PassingMarkWithWeakProfile {
        mark: ProposedMark,
        weak: usize,
        rated: usize,
    },
}

/// From this mark up, a row below « Maîtrise partielle » is worth a second look.
const HIGH_MARK: u16 = 16 * CENTS;
/// The average, 10 / 20.
const AVERAGE: u16 = 10 * CENTS;

fn is_weak(level: MasteryLevel) -> bool {
    level < MasteryLevel::PartialMastery
}

/// The warnings of [`MarkWarning`], from the rows rated so far.
pub fn mark_warnings(rows: &[RatedRow<'_>], mark: ProposedMark) -> Vec<MarkWarning> {
    let rated: Vec<(&str, MasteryLevel)> = rows
        .iter()
        .filter_map(|r| r.level.map(|l| (r.label, l)))
        .collect();
    let weak: Vec<(String, MasteryLevel)> = rated
        .iter()
        .filter(|(_, l)| is_weak(*l))
        .map(|(label, l)| ((*label).to_owned(), *l))
        .collect();
    let mut warnings = Vec::new();
    if mark.hundredths() >= HIGH_MARK && !weak.is_empty() {
        warnings.push(MarkWarning::HighMarkWithWeakRows {
            mark,
            rows: weak.clone(),
        });
    }
    if !rated.is_empty()
        && rated.len() == rows.len()
        && rated.iter().all(|(_, l)| *l >= MasteryLevel::GoodMastery)
        && mark.hundredths() < AVERAGE
    {
        warnings.push(MarkWarning::LowMarkWithStrongProfile { mark });
    }
    if !rated.is_empty() && weak.len() * 2 > rated.len() && mark.hundredths() >= AVERAGE {
        warnings.push(MarkWarning::PassingMarkWithWeakProfile {
            mark,
            weak: weak.len(),
            rated: rated.len(),
        });
    }
    warnings
}

impl fmt::Display for MarkWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkWarning::HighMarkWithWeakRows { mark, rows } => {
                let list: Vec<String> = rows
                    .iter()
                    .map(|(label, level)| format!("« {label} » : {}", level.label()))
                    .collect();
                write!(
                    f,
                    "La note proposée ({mark}/20) est élevée alors que le profil comporte : {}. \
                     Vérifiez la note ou les niveaux de maîtrise avant le visa.",
                    list.join(" ; ")
                )
            }
            MarkWarning::LowMarkWithStrongProfile { mark } => write!(
                f,
                "La note proposée ({mark}/20) est sous la moyenne alors que toutes les lignes sont \
                 au moins en « {} ». Vérifiez la note ou les niveaux de maîtrise avant le visa.",
                MasteryLevel::GoodMastery.label()
            ),
            MarkWarning::PassingMarkWithWeakProfile { mark, weak, rated } => write!(
                f,
                "La note proposée ({mark}/20) atteint la moyenne alors que {weak} lignes sur {rated} \
                 sont en « {} » ou « {} ». Vérifiez la note ou les niveaux de maîtrise avant le visa.",
                MasteryLevel::NotAssessable.label(),
                MasteryLevel::NotMastered.label()
            ),
        }
    }
}

/// What keeps a grid from being signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incomplete {
    /// A row has no level.
    RowNotRated(String),
    /// No proposed mark.
    NoMark,
}

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Incomplete::RowNotRated(label) => write!(
                f,
                "La ligne « {label} » n'a pas de niveau de maîtrise : cochez-en un, « {} » compris.",
                MasteryLevel::NotAssessable.label()
            ),
            Incomplete::NoMark => f.write_str(
                "La proposition de note est vide : saisissez la note sur 20 avant le visa.",
            ),
        }
    }
}

/// Every row rated and a mark proposed: what a visa requires. Lists every gap at once.
pub fn ready_to_sign(
    rows: &[RatedRow<'_>],
    mark: Option<ProposedMark>,
) -> Result<(), Vec<Incomplete>> {
    let mut gaps: Vec<Incomplete> = rows
        .iter()
        .filter(|r| r.level.is_none())
        .map(|r| Incomplete::RowNotRated(r.label.to_owned()))
        .collect();
    if mark.is_none() {
        gaps.push(Incomplete::NoMark);
    }
    if gaps.is_empty() { Ok(()) } else { Err(gaps) }
}

/// The visas a grid carries: one per member of the commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Visas {
    pub first_member: bool,
    pub second_member: bool,
}

impl Visas {
    /// Both members signed: the grid is locked.
    pub fn locked(self) -> bool {
        self.first_member && self.second_member
    }
}

/// How a change to a grid may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangePermit {
    /// The grid is not locked: its commission edits it; any visa already given is withdrawn.
    Open,
    /// The grid is locked and the jury president amends it, for this reason (kept in the
    /// audit log with the values before and after).
    Amendment { reason: String },
}

/// Why a change to a grid is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// Locked, and the person is not the jury president.
    Locked,
    /// The jury president did not say why.
    ReasonRequired,
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::Locked => f.write_str(
                "La grille porte le visa des deux membres de la commission : elle est verrouillée. \
                 Seul(e) le président ou la présidente du jury peut la modifier.",
            ),
            LockError::ReasonRequired => f.write_str(
                "La grille est verrouillée : indiquez le motif de la modification, il est conservé \
                 dans le journal.",
            ),
        }
    }
}

impl std::error::Error for LockError {}

/// Whether a change to a grid with `visas` may go ahead, for a commission member
/// (`jury_president` false) or the jury president with a `reason`.
pub fn may_change(
    visas: Visas,
    jury_president: bool,
    reason: Option<&str>,
) -> Result<ChangePermit, LockError> {
    if !visas.locked() {
        return Ok(ChangePermit::Open);
    }
    if !jury_president {
        return Err(LockError::Locked);
    }
    match reason.map(str::trim) {
        Some(r) if !r.is_empty() => Ok(ChangePermit::Amendment {
            reason: r.to_owned(),
        }),
        _ => Err(LockError::ReasonRequired),
    }
}

/// Why evaluation documents are still kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// No next session is known yet: « jusqu'à la session suivante » cannot have passed.
    UntilNextSession,
    /// Kept until this day included (the later of the next session's date and one year after
    /// the end of the training).
    Until(Date),
    /// Both periods are over: the documents may be purged.
    Expired,
}

/// How long the documents that served to evaluate a candidate are kept: « tenus à la
/// disposition du jury et de l'autorité rectorale pour la session considérée jusqu'à la
/// session suivante » (annexe II.D) and « conservés dans l'établissement pendant un an après
/// la fin de la formation » (exam circular). Both must be over.
pub fn retention(end_of_training: Date, next_session: Option<Date>, today: Date) -> Retention {
    let Some(next_session) = next_session else {
        return Retention::UntilNextSession;
    };
    // One year later; a 29 February ends on the 28th.
    let year_after = end_of_training
        .replace_year(end_of_training.year() + 1)
        .or_else(|_| {
            end_of_training
                .replace_day(28)
                .and_then(|d| d.replace_year(end_of_training.year() + 1))
        })
        .unwrap_or(Date::MAX);
    let until = year_after.max(next_session);
    if today > until {
        Retention::Expired
    } else {
        Retention::Until(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(s: &str) -> ProposedMark {
        ProposedMark::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn marks_are_read_as_typed_in_french() {
        assert_eq!(mark("12").hundredths(), 1200);
        assert_eq!(mark(" 12,5 ").hundredths(), 1250);
        assert_eq!(mark("12.25").hundredths(), 1225);
        assert_eq!(mark("12,05").hundredths(), 1205);
        assert_eq!(mark("0").hundredths(), 0);
        assert_eq!(mark("20").hundredths(), 2000);
        assert_eq!(mark("14,5/20").hundredths(), 1450);
        assert_eq!(mark("12,5").to_string(), "12,5");
        assert_eq!(mark("12,05").to_string(), "12,05");
        assert_eq!(mark("12,50").to_string(), "12,5");
        assert_eq!(mark("9").to_string(), "9");
    }

    #[test]
    fn bad_marks_are_refused_with_a_french_message() {
        assert_eq!(ProposedMark::parse("  "), Err(MarkError::Empty));
        for bad in ["douze", "-1", "1e1", "12,", ",5", "12,5,5"] {
            let err = ProposedMark::parse(bad).expect_err(bad);
            assert!(matches!(err, MarkError::NotANumber(_)), "{bad}: {err:?}");
            assert!(err.to_string().contains("entre 0 et 20"), "{err}");
        }
        assert!(matches!(
            ProposedMark::parse("12,125"),
            Err(MarkError::TooPrecise(_))
        ));
        for bad in ["20,5", "21", "99999999"] {
            let err = ProposedMark::parse(bad).expect_err(bad);
            assert!(matches!(err, MarkError::OutOfRange(_)), "{bad}: {err:?}");
        }
        assert_eq!(ProposedMark::from_hundredths(2001), None);
    }

    #[test]
    fn the_final_mark_is_rounded_up_to_the_whole_point() {
        assert_eq!(final_mark(mark("12,1"), &[]).points(), 13);
        assert_eq!(final_mark(mark("12"), &[]).points(), 12);
        assert_eq!(final_mark(mark("12,01"), &[]).points(), 13);
        assert_eq!(final_mark(mark("12,99"), &[]).points(), 13);
        assert_eq!(final_mark(mark("0"), &[]).points(), 0);
        assert_eq!(final_mark(mark("0,1"), &[]).points(), 1);
        assert_eq!(final_mark(mark("20"), &[]).points(), 20);
    }

    #[test]
    fn penalties_come_off_before_rounding_and_never_below_zero() {
        use Penalty::*;
        assert_eq!(penalty_points(&[PortfolioInaccessible]), 10);
        assert_eq!(penalty_points(&[MissingSynthesisTable]), 2);
        assert_eq!(
            penalty_points(&[PortfolioInaccessible, MissingSynthesisTable]),
            12
        );
        // Ticked twice, taken once.
        assert_eq!(
            penalty_points(&[MissingSynthesisTable, MissingSynthesisTable]),
            2
        );
        assert_eq!(
            final_mark(mark("14"), &[MissingSynthesisTable]).points(),
            12
        );
        assert_eq!(
            final_mark(mark("11,5"), &[MissingSynthesisTable]).points(),
            10
        );
        assert_eq!(
            final_mark(mark("15,2"), &[PortfolioInaccessible]).points(),
            6
        );
        assert_eq!(final_mark(mark("8"), &[PortfolioInaccessible]).points(), 0);
        assert_eq!(
            final_mark(
                mark("11,5"),
                &[PortfolioInaccessible, MissingSynthesisTable]
            )
            .points(),
            0
        );
        assert_eq!(
            final_mark(
                mark("12,5"),
                &[PortfolioInaccessible, MissingSynthesisTable]
            )
            .points(),
            1
        );
    }

    fn rows(levels: &[Option<MasteryLevel>]) -> Vec<RatedRow<'static>> {
        const LABELS: [&str; 7] = ["R0", "R1", "R2", "R3", "R4", "R5", "R6"];
        levels
            .iter()
            .zip(LABELS)
            .map(|(l, label)| RatedRow { label, level: *l })
            .collect()
    }

    #[test]
    fn a_high_mark_with_an_unmastered_competency_is_flagged() {
        use MasteryLevel::*;
        let grid = rows(&[
            Some(GoodMastery),
            Some(ExcellentMastery),
            Some(NotMastered),
            Some(GoodMastery),
            Some(GoodMastery),
            Some(ExcellentMastery),
            Some(GoodMastery),
        ]);
        let warnings = mark_warnings(&grid, mark("18"));
        assert_eq!(
            warnings,
            vec![MarkWarning::HighMarkWithWeakRows {
                mark: mark("18"),
                rows: vec![("R2".to_owned(), NotMastered)],
            }]
        );
        let text = warnings[0].to_string();
        assert!(
            text.contains("18/20") && text.contains("« R2 » : Non maîtrisé"),
            "{text}"
        );
        // The same profile at 15 is the commission's call.
        assert!(mark_warnings(&grid, mark("15,5")).is_empty());
    }

    #[test]
    fn a_low_mark_with_a_strong_profile_and_a_passing_mark_with_a_weak_one_are_flagged() {
        use MasteryLevel::*;
        let strong = rows(&[Some(GoodMastery); 7]);
        assert_eq!(
            mark_warnings(&strong, mark("9,5")),
            vec![MarkWarning::LowMarkWithStrongProfile { mark: mark("9,5") }]
        );
        assert!(mark_warnings(&strong, mark("10")).is_empty());
        // Not every row rated yet: no verdict on the profile as a whole.
        let mut partial = strong.clone();
        partial[6].level = None;
        assert!(mark_warnings(&partial, mark("9")).is_empty());

        let weak = rows(&[
            Some(NotMastered),
            Some(NotAssessable),
            Some(NotMastered),
            Some(NotMastered),
            Some(PartialMastery),
            Some(PartialMastery),
            Some(GoodMastery),
        ]);
        assert_eq!(
            mark_warnings(&weak, mark("11")),
            vec![MarkWarning::PassingMarkWithWeakProfile {
                mark: mark("11"),
                weak: 4,
                rated: 7
            }]
        );
        assert!(mark_warnings(&weak, mark("7")).is_empty());
    }

    #[test]
    fn a_grid_is_signed_only_when_complete() {
        use MasteryLevel::*;
        let mut grid = rows(&[Some(GoodMastery); 7]);
        assert_eq!(ready_to_sign(&grid, Some(mark("12"))), Ok(()));
        grid[3].level = None;
        assert_eq!(
            ready_to_sign(&grid, None),
            Err(vec![
                Incomplete::RowNotRated("R3".to_owned()),
                Incomplete::NoMark
            ])
        );
        // « Non évaluable » is a level, not a gap.
        grid[3].level = Some(NotAssessable);
        assert_eq!(ready_to_sign(&grid, Some(mark("3"))), Ok(()));
    }

    #[test]
    fn a_signed_grid_is_locked_but_for_the_jury_president_with_a_reason() {
        let one = Visas {
            first_member: true,
            second_member: false,
        };
        assert_eq!(may_change(one, false, None), Ok(ChangePermit::Open));
        let both = Visas {
            first_member: true,
            second_member: true,
        };
        assert!(both.locked() && !one.locked());
        assert_eq!(
            may_change(both, false, Some("erreur")),
            Err(LockError::Locked)
        );
        assert_eq!(may_change(both, true, None), Err(LockError::ReasonRequired));
        assert_eq!(
            may_change(both, true, Some("   ")),
            Err(LockError::ReasonRequired)
        );
        assert_eq!(
            may_change(both, true, Some(" erreur de report ")),
            Ok(ChangePermit::Amendment {
                reason: "erreur de report".to_owned()
            })
        );
    }

    #[test]
    fn documents_are_kept_until_the_next_session_and_a_year_after_the_training() {
        use time::macros::date;
        let end = date!(2026 - 06 - 30);
        // No next session known: kept.
        assert_eq!(
            retention(end, None, date!(2030 - 01 - 01)),
            Retention::UntilNextSession
        );
        // The next session comes before the year is over: the year decides.
        let next = date!(2027 - 05 - 15);
        assert_eq!(
            retention(end, Some(next), date!(2027 - 06 - 30)),
            Retention::Until(date!(2027 - 06 - 30))
        );
        assert_eq!(
            retention(end, Some(next), date!(2027 - 07 - 01)),
            Retention::Expired
        );
        // The next session comes later: it decides.
        let late = date!(2027 - 09 - 10);
        assert_eq!(
            retention(end, Some(late), date!(2027 - 07 - 01)),
            Retention::Until(late)
        );
        assert_eq!(
            retention(end, Some(late), date!(2027 - 09 - 11)),
            Retention::Expired
        );
        // A training ending on 29 February.
        assert_eq!(
            retention(
                date!(2028 - 02 - 29),
                Some(date!(2028 - 06 - 01)),
                date!(2029 - 02 - 28)
            ),
            Retention::Until(date!(2029 - 02 - 28))
        );
    }

    #[test]
    fn the_jury_arrests_a_whole_mark_and_a_change_keeps_the_commissions() {
        let commission = Some(final_mark(mark("12,1"), &[]));
        let same = jury_mark(commission, "13", None).expect("13");
        assert_eq!(
            (same.mark.points(), same.replaces, same.reason),
            (13, None, None)
        );
        let changed = jury_mark(commission, " 15,0 ", Some("  harmonisation  ")).expect("15");
        assert_eq!(changed.mark.points(), 15);
        assert_eq!(changed.replaces.map(FinalMark::points), Some(13));
        assert_eq!(changed.reason.as_deref(), Some("harmonisation"));
        let none = jury_mark(None, "0", Some(" ")).expect("0");
        assert_eq!((none.replaces, none.reason), (None, None));
        let err = jury_mark(commission, "14,5", None).expect_err("half a point");
        assert!(err.to_string().contains("points entiers"), "{err}");
        assert!(matches!(
            jury_mark(commission, "21", None),
            Err(MarkError::OutOfRange(_))
        ));
    }
}
