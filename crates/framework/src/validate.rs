//! Validation of the framework data: stable codes that follow the scheme and are
//! unique, no empty label, references that resolve, consistent counts.

use std::collections::HashSet;
use std::fmt;

use crate::evaluation::{MasteryLevel, Penalty};
use crate::exam::{ExamForm, RouteGroup};
use crate::model::{Framework, Track};
use crate::sio2011::Framework2011;

/// A problem found in the framework data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Where: a code (`B1.1.5`) or a path (`exams.sisr.U4`).
    pub at: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

#[derive(Default)]
struct Errors {
    list: Vec<ValidationError>,
    codes: HashSet<String>,
}

impl Errors {
    fn push(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.list.push(ValidationError {
            at: at.into(),
            message: message.into(),
        });
    }

    /// A label must be non-empty, without surrounding whitespace, on one line.
    fn label(&mut self, at: &str, what: &str, s: &str) {
        if s.trim().is_empty() {
            self.push(at, format!("empty {what}"));
        } else if s.trim() != s {
            self.push(at, format!("{what} has surrounding whitespace: {s:?}"));
        } else if s.contains(['\n', '\r', '\t']) {
            self.push(at, format!("{what} spans several lines: {s:?}"));
        }
    }

    /// A code must be unique within its namespace.
    fn unique(&mut self, code: &str) {
        if !self.codes.insert(code.to_owned()) {
            self.push(code, "duplicate code");
        }
    }

    fn expect_code(&mut self, actual: &str, expected: &str, what: &str) {
        if actual != expected {
            self.push(
                actual,
                format!("{what} code does not follow the scheme (expected {expected})"),
            );
        }
    }
}

fn block_code(number: u8, track: Option<Track>) -> String {
    match track {
        None => format!("B{number}"),
        Some(t) => format!("B{number}-{}", t.code()),
    }
}

impl Framework {
    /// Checks the data: every code follows the scheme of the crate documentation and
    /// is unique, no label is empty, every reference resolves, the counts agree.
    /// Returns every problem found (empty when the data is valid).
    pub fn validate(&self) -> Vec<ValidationError> {
        let mut e = Errors::default();
        if self.id != crate::BTS_SIO_2019 {
            e.push(
                &self.id,
                format!("framework id is not {}", crate::BTS_SIO_2019),
            );
        }
        e.label("framework", "diploma", &self.diploma);
        e.label("framework", "title", &self.title);
        e.label("framework", "version", &self.version);
        self.validate_blocks(&mut e);
        self.validate_exams(&mut e);
        self.validate_correspondence(&mut e);
        self.validate_e4(&mut e);
        self.validate_tech_environment(&mut e);
        e.list
    }

    fn validate_blocks(&self, e: &mut Errors) {
        for block in &self.blocks {
            e.unique(&block.code);
            e.expect_code(&block.code, &block_code(block.number, block.track), "block");
            e.label(&block.code, "block heading", &block.heading);
            e.label(&block.code, "block title", &block.title);
            if !block.heading.ends_with(&block.title) {
                e.push(&block.code, "the title is not the end of the heading");
            }
            if block.competencies.is_empty() {
                e.push(&block.code, "block without competencies");
            }
            let common = block
                .competencies
                .iter()
                .filter(|c| c.track.is_none() || c.track == block.track)
                .count();
            let mut n = 0;
            let mut per_track = [0usize; 2];
            for c in &block.competencies {
                e.unique(&c.code);
                if c.block != block.code {
                    e.push(&c.code, format!("belongs to block {:?}", c.block));
                }
                let expected = match (block.track, c.track) {
                    (Some(bt), Some(ct)) if bt != ct => {
                        e.push(&c.code, "competency of another option than its block");
                        c.code.clone()
                    }
                    (_, None) | (Some(_), Some(_)) => {
                        n += 1;
                        format!("{}.{n}", block.code)
                    }
                    (None, Some(t)) => {
                        let i = &mut per_track[t as usize];
                        *i += 1;
                        format!("{}.{}-{}", block.code, common + *i, t.code())
                    }
                };
                e.expect_code(&c.code, &expected, "competency");
                e.label(&c.code, "competency label", &c.label);
                if c.skills.is_empty() {
                    e.push(&c.code, "competency without skills");
                }
                if c.indicators.is_empty() {
                    e.push(&c.code, "competency without performance indicators");
                }
                for (m, s) in c.skills.iter().enumerate() {
                    e.unique(&s.code);
                    e.expect_code(&s.code, &format!("{}.{}", c.code, m + 1), "skill");
                    e.label(&s.code, "skill label", &s.label);
                }
                for i in &c.indicators {
                    e.label(&c.code, "performance indicator", &i.text);
                    for item in &i.items {
                        e.label(&c.code, "performance indicator item", item);
                    }
                    if !i.items.is_empty() && !i.text.ends_with(':') {
                        e.push(
                            &c.code,
                            format!("indicator with items not ending with a colon: {:?}", i.text),
                        );
                    }
                }
                for k in &c.knowledge {
                    e.label(&c.code, "knowledge heading", &k.heading);
                    if k.items.is_empty() {
                        e.push(&c.code, format!("empty knowledge group {:?}", k.heading));
                    }
                    for item in &k.items {
                        e.label(&c.code, "knowledge item", item);
                    }
                }
            }
        }
        for track in Track::ALL {
            let numbers: Vec<u8> = self.blocks_for(track).map(|b| b.block.number).collect();
            if numbers != [1, 2, 3] {
                e.push(
                    format!("option {track}"),
                    format!("expected blocks 1, 2, 3, found {numbers:?}"),
                );
            }
        }
    }

    fn validate_exams(&self, e: &mut Errors) {
        let groups: Vec<RouteGroup> = self.exams.route_groups.iter().map(|g| g.code).collect();
        if groups != RouteGroup::ALL {
            e.push(
                "exams",
                format!("route groups {groups:?} are not the three columns in order"),
            );
        }
        for g in &self.exams.route_groups {
            if g.routes.is_empty() {
                e.push("exams", format!("route group {:?} without routes", g.code));
            }
            for r in &g.routes {
                e.label("exams.route_groups", "route", r);
            }
        }
        for track in Track::ALL {
            let n = self
                .exams
                .regulations
                .iter()
                .filter(|r| r.track == track)
                .count();
            if n != 1 {
                e.push(
                    "exams",
                    format!("{n} règlements d’examen for option {track}"),
                );
            }
        }
        for reg in &self.exams.regulations {
            let at = format!("exams.{}", reg.track);
            e.label(&at, "heading", &reg.heading);
            e.label(&at, "diploma", &reg.diploma);
            e.label(&at, "footnote", &reg.footnote);
            let mut codes = HashSet::new();
            for exam in &reg.exams {
                let at = format!("exams.{}.{}", reg.track, exam.code);
                if !codes.insert(exam.code.clone()) {
                    e.push(&at, "duplicate exam code");
                }
                e.label(&at, "exam title", &exam.title);
                if exam.label != format!("{} {}", exam.code, exam.title) {
                    e.push(&at, "the label is not the code and the title");
                }
                let code_ok = if exam.optional {
                    exam.code.starts_with("EF")
                } else {
                    exam.code.starts_with('E') && !exam.code.starts_with("EF")
                };
                if !code_ok {
                    e.push(&at, "exam code does not match its being optional or not");
                }
                if exam.optional != exam.coefficient.is_none() {
                    e.push(
                        &at,
                        "an exam has a coefficient if and only if it is compulsory",
                    );
                }
                if exam.units.is_empty() {
                    e.push(&at, "exam without units");
                }
                let sum: Option<u8> = exam.units.iter().map(|u| u.coefficient).sum();
                if exam.coefficient.is_some() && sum != exam.coefficient {
                    e.push(
                        &at,
                        "the coefficients of the units do not add up to the exam's",
                    );
                }
                for unit in &exam.units {
                    let at = format!("exams.{}.{}", reg.track, unit.code);
                    if !codes.insert(unit.code.clone()) {
                        e.push(&at, "duplicate unit code");
                    }
                    let prefix = if exam.optional { "UF" } else { "U" };
                    let digits = exam.code.get(prefix.len()..).unwrap_or_default();
                    if !unit.code.starts_with(&format!("{prefix}{digits}")) {
                        e.push(&at, format!("unit code does not match exam {}", exam.code));
                    }
                    if let Some(s) = &unit.sub_exam {
                        e.label(&at, "sub-exam", s);
                    }
                    if unit.sub_exam.is_some() != unit.sub_exam_code.is_some() {
                        e.push(&at, "a sub-exam needs both its title and its code");
                    }
                    if let Some(block) = &unit.block {
                        match self.block(block) {
                            None => e.push(&at, format!("unknown block {block}")),
                            Some(b) if !b.applies_to(reg.track) => {
                                e.push(&at, format!("block {block} is not of option {}", reg.track))
                            }
                            Some(_) => {}
                        }
                    }
                    let groups: Vec<RouteGroup> =
                        unit.assessments.iter().map(|a| a.route_group).collect();
                    if groups != RouteGroup::ALL {
                        e.push(&at, "needs one assessment per column, in order");
                    }
                    for a in &unit.assessments {
                        let at = format!("{at}.{:?}", a.route_group);
                        e.label(&at, "form label", &a.form_label);
                        if (a.form == ExamForm::Continuous) != a.situations.is_some() {
                            e.push(&at, "a CCF, and only a CCF, has a number of situations");
                        }
                        if (a.form == ExamForm::Continuous) != a.form_label.starts_with("CCF") {
                            e.push(&at, "the form does not match the label");
                        }
                        if a.form == ExamForm::OneOff && a.modes.is_empty() {
                            e.push(&at, "a one-off exam needs its modes");
                        }
                        let has_duration = self
                            .exams
                            .route_group(a.route_group)
                            .is_some_and(|g| g.has_duration);
                        if a.duration_label.is_some() && !has_duration {
                            e.push(&at, "a duration in a column without durations");
                        }
                        if let Some(d) = &a.duration_label {
                            e.label(&at, "duration label", d);
                        }
                        if a.duration_label.is_some() == a.durations.is_empty() {
                            e.push(&at, "durations and duration label disagree");
                        }
                        if a.durations.iter().any(|d| d.minutes == 0) {
                            e.push(&at, "zero duration");
                        }
                    }
                }
            }
        }
    }

    fn validate_correspondence(&self, e: &mut Errors) {
        let c = &self.correspondence_2011;
        e.label("correspondence", "title", &c.title);
        e.label("correspondence", "heading", &c.from_heading);
        e.label("correspondence", "heading", &c.to_heading);
        if c.rows.is_empty() {
            e.push("correspondence", "no rows");
        }
        for (i, row) in c.rows.iter().enumerate() {
            let at = format!("correspondence.{}", i + 1);
            for side in [&row.from, &row.to] {
                e.label(&at, "label", &side.label);
                if side.units.is_empty() {
                    e.push(&at, "no unit");
                }
                if side.track.is_some() != side.option.is_some() {
                    e.push(&at, "an option needs both its track and its label");
                }
                let mismatch = match (side.track, &side.option) {
                    (Some(t), Some(o)) => !o.contains(t.label()),
                    _ => false,
                };
                if mismatch {
                    e.push(&at, "the option label does not name the track's option");
                }
            }
            if row.from.track != row.to.track {
                e.push(&at, "the two sides are of different options");
            }
            // The 2019 side must name an exam (or sub-exam) and its units, in the
            // règlement d’examen of every option it applies to.
            for track in Track::ALL {
                if row.to.track.is_some_and(|t| t != track) {
                    continue;
                }
                let Some(reg) = self.exam_regulation(track) else {
                    continue;
                };
                for unit in &row.to.units {
                    match reg.unit(unit) {
                        None => e.push(&at, format!("unknown 2019 unit {unit} for option {track}")),
                        Some((exam, u)) => {
                            let named = exam.code == row.to.exam
                                || u.sub_exam_code.as_deref() == Some(row.to.exam.as_str());
                            if !named {
                                e.push(&at, format!("unit {unit} is not of exam {}", row.to.exam));
                            }
                        }
                    }
                }
            }
        }
    }

    fn validate_e4(&self, e: &mut Errors) {
        let ev = &self.e4_evaluation;
        e.label("e4.grid", "title", &ev.grid.title);
        if ev.grid.preliminary_criteria.is_empty() {
            e.push("e4.grid", "no preliminary criteria");
        }
        for c in &ev.grid.preliminary_criteria {
            e.label("e4.grid", "criterion", c);
        }
        let exam_exists = |code: &str| {
            self.exams
                .regulations
                .iter()
                .all(|r| r.exam(code).is_some())
        };
        if !exam_exists(&ev.grid.exam) {
            e.push("e4.grid", format!("unknown exam {}", ev.grid.exam));
        }
        let levels: Vec<MasteryLevel> = ev.mastery_levels.iter().map(|l| l.code).collect();
        if levels != MasteryLevel::ALL {
            e.push("e4.mastery_levels", "not the five levels in order");
        }
        for l in &ev.mastery_levels {
            let at = format!("e4.mastery_levels.{}", l.code);
            if l.rank != l.code.rank() {
                e.push(&at, "wrong rank");
            }
            e.label(&at, "label", &l.label);
            if l.descriptors.is_empty() {
                e.push(&at, "no descriptors");
            }
            for d in &l.descriptors {
                e.label(&at, "descriptor", d);
            }
        }
        // The assessable levels are the columns of one table: same number of rows.
        let rows: HashSet<usize> = ev
            .mastery_levels
            .iter()
            .filter(|l| l.code != MasteryLevel::NotAssessable)
            .map(|l| l.descriptors.len())
            .collect();
        if rows.len() > 1 {
            e.push(
                "e4.mastery_levels",
                "the levels have different numbers of descriptors",
            );
        }
        let penalties: Vec<Penalty> = ev.penalties.iter().map(|p| p.code).collect();
        if penalties != Penalty::ALL {
            e.push("e4.penalties", "not the two penalties in order");
        }
        for p in &ev.penalties {
            let at = format!("e4.penalties.{}", p.code);
            e.label(&at, "label", &p.label);
            e.label(&at, "text", &p.text);
            if !p.text.starts_with(&p.label) || !p.text.contains(&format!("({} points", p.points)) {
                e.push(&at, "the text does not agree with the label and the points");
            }
            if p.points == 0 || p.points > 20 {
                e.push(&at, "points out of 1..=20");
            }
        }
        let s = &ev.student_engagement;
        e.label("e4.student_engagement", "title", &s.title);
        if !s.label.starts_with(&s.code) || !s.label.ends_with(&s.title) {
            e.push(
                "e4.student_engagement",
                "the label is not the code and the title",
            );
        }
        if !exam_exists(&s.follows_exam) {
            e.push(
                "e4.student_engagement",
                format!("unknown exam {}", s.follows_exam),
            );
        }
    }

    fn validate_tech_environment(&self, e: &mut Errors) {
        let t = &self.tech_environment;
        e.label("tech_environment", "title", &t.title);
        e.label("tech_environment", "introduction", &t.introduction);
        let tracks: Vec<Option<Track>> = t.parts.iter().map(|p| p.track).collect();
        if tracks != [None, Some(Track::Sisr), Some(Track::Slam)] {
            e.push(
                "tech_environment",
                "expected a common part, then SISR, then SLAM",
            );
        }
        let mut codes = HashSet::new();
        for (i, part) in t.parts.iter().enumerate() {
            let at = format!("tech_environment.{}", part.number);
            if usize::from(part.number) != i + 1 {
                e.push(&at, "parts are not numbered 1, 2, 3");
            }
            e.label(&at, "heading", &part.heading);
            if !part.heading.starts_with(&format!("{}. ", part.number)) {
                e.push(&at, "the heading does not start with the part's number");
            }
            for n in &part.notes {
                e.label(&at, "note", n);
            }
            for s in &part.sections {
                let at = format!("tech_environment.{}", s.code);
                if !s.code.starts_with(&format!("{}.", part.number)) {
                    e.push(&at, "section code not in its part");
                }
                if !s.heading.starts_with(&format!("{} ", s.code)) {
                    e.push(&at, "the heading does not start with the section's code");
                }
                e.label(&at, "heading", &s.heading);
                if s.items.is_empty() {
                    e.push(&at, "empty checklist");
                }
                if s.at_least
                    .is_some_and(|n| n == 0 || usize::from(n) > s.items.len())
                {
                    e.push(&at, "at_least out of range");
                }
                for (m, item) in s.items.iter().enumerate() {
                    if !codes.insert(item.code.clone()) {
                        e.push(&item.code, "duplicate code");
                    }
                    e.expect_code(
                        &item.code,
                        &format!("TE-{}.{}", s.code, m + 1),
                        "checklist item",
                    );
                    e.label(&item.code, "label", &item.label);
                }
            }
        }
    }
}

impl Framework2011 {
    /// Checks the data: codes follow the source's scheme (P1, D1.1, A1.1.1,
    /// C1.1.1.1, each numbered in order within its parent) and are unique, no label
    /// is empty.
    pub fn validate(&self) -> Vec<ValidationError> {
        let mut e = Errors::default();
        if self.id != crate::BTS_SIO_2011 {
            e.push(
                &self.id,
                format!("framework id is not {}", crate::BTS_SIO_2011),
            );
        }
        e.label("framework", "title", &self.title);
        e.label("framework", "diploma", &self.diploma);
        if self.processes.is_empty() {
            e.push("framework", "no processes");
        }
        for (p, process) in self.processes.iter().enumerate() {
            let pn = p + 1;
            e.unique(&process.code);
            e.expect_code(&process.code, &format!("P{pn}"), "process");
            e.label(&process.code, "title", &process.title);
            e.label(&process.code, "heading", &process.heading);
            e.label(&process.code, "parcours", &process.parcours);
            if !process.heading.starts_with(&process.code)
                || !process.heading.ends_with(&process.title)
            {
                e.push(&process.code, "the heading is not the code and the title");
            }
            if process.tracks.is_empty() {
                e.push(&process.code, "process of no option");
            }
            if process.domains.is_empty() {
                e.push(&process.code, "process without domains");
            }
            for (d, domain) in process.domains.iter().enumerate() {
                let dn = format!("{pn}.{}", d + 1);
                e.unique(&domain.code);
                e.expect_code(&domain.code, &format!("D{dn}"), "domain");
                e.label(&domain.code, "title", &domain.title);
                if domain.activities.is_empty() {
                    e.push(&domain.code, "domain without activities");
                }
                for (a, activity) in domain.activities.iter().enumerate() {
                    let an = format!("{dn}.{}", a + 1);
                    e.unique(&activity.code);
                    e.expect_code(&activity.code, &format!("A{an}"), "activity");
                    e.label(&activity.code, "label", &activity.label);
                    if activity.competencies.is_empty() {
                        e.push(&activity.code, "activity without competencies");
                    }
                    for (c, comp) in activity.competencies.iter().enumerate() {
                        e.unique(&comp.code);
                        e.expect_code(&comp.code, &format!("C{an}.{}", c + 1), "competency");
                        e.label(&comp.code, "label", &comp.label);
                        if let Some(printed) = &comp.printed_code {
                            let shape = printed.starts_with('C')
                                && printed[1..].split('.').count() == 4
                                && printed[1..].split('.').all(|n| {
                                    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                                });
                            if printed == &comp.code || !shape {
                                e.push(&comp.code, format!("unexpected printed code {printed:?}"));
                            }
                        }
                    }
                }
            }
        }
        e.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{load_2011, load_2019};

    fn fw() -> Framework {
        load_2019().expect("embedded data")
    }

    fn has(errors: &[ValidationError], at: &str, needle: &str) -> bool {
        errors
            .iter()
            .any(|e| e.at == at && e.message.contains(needle))
    }

    #[test]
    fn embedded_data_is_valid() {
        assert_eq!(fw().validate(), []);
        assert_eq!(load_2011().expect("embedded data").validate(), []);
    }

    #[test]
    fn detects_a_duplicate_skill_code() {
        let mut f = fw();
        f.blocks[0].competencies[0].skills[1].code = "B1.1.1".into();
        let errors = f.validate();
        assert!(has(&errors, "B1.1.1", "duplicate code"), "{errors:?}");
    }

    #[test]
    fn detects_a_code_out_of_scheme() {
        let mut f = fw();
        f.blocks[3].competencies[4].code = "B3.5".into();
        f.blocks[1].code = "B2-sisr".into();
        let errors = f.validate();
        assert!(has(&errors, "B3.5", "expected B3.5-SISR"), "{errors:?}");
        assert!(has(&errors, "B2-sisr", "expected B2-SISR"), "{errors:?}");
    }

    #[test]
    fn detects_a_dropped_skill() {
        let mut f = fw();
        f.blocks[0].competencies[0].skills.remove(2);
        let errors = f.validate();
        // The following skills no longer follow the numbering.
        assert!(has(&errors, "B1.1.4", "expected B1.1.3"), "{errors:?}");
    }

    #[test]
    fn detects_empty_and_untrimmed_labels() {
        let mut f = fw();
        f.blocks[0].competencies[1].label = "  ".into();
        f.blocks[0].competencies[1].skills[0].label = "Collecter ".into();
        f.blocks[0].competencies[1].indicators[0].text = String::new();
        let errors = f.validate();
        assert!(has(&errors, "B1.2", "empty competency label"), "{errors:?}");
        assert!(
            has(&errors, "B1.2.1", "surrounding whitespace"),
            "{errors:?}"
        );
        assert!(
            has(&errors, "B1.2", "empty performance indicator"),
            "{errors:?}"
        );
    }

    #[test]
    fn detects_unresolved_references() {
        let mut f = fw();
        f.exams.regulations[0].exams[3].units[0].block = Some("B4".into());
        f.exams.regulations[1].exams[4].units[0].block = Some("B2-SISR".into());
        f.correspondence_2011.rows[0].to.units = vec!["U13".into()];
        f.e4_evaluation.student_engagement.follows_exam = "E7".into();
        let errors = f.validate();
        assert!(
            has(&errors, "exams.SISR.U4", "unknown block B4"),
            "{errors:?}"
        );
        assert!(
            has(&errors, "exams.SLAM.U5", "not of option SLAM"),
            "{errors:?}"
        );
        assert!(
            has(&errors, "correspondence.1", "unknown 2019 unit U13"),
            "{errors:?}"
        );
        assert!(
            has(&errors, "e4.student_engagement", "unknown exam E7"),
            "{errors:?}"
        );
    }

    #[test]
    fn detects_inconsistent_counts() {
        let mut f = fw();
        f.exams.regulations[0].exams[0].units[1].coefficient = Some(3);
        f.exams.regulations[0].exams[2].units[0].assessments.pop();
        f.e4_evaluation.mastery_levels.swap(1, 2);
        f.e4_evaluation.penalties[0].points = 9;
        let errors = f.validate();
        assert!(has(&errors, "exams.SISR.E1", "do not add up"), "{errors:?}");
        assert!(
            has(&errors, "exams.SISR.U3", "one assessment per column"),
            "{errors:?}"
        );
        assert!(
            has(&errors, "e4.mastery_levels", "five levels in order"),
            "{errors:?}"
        );
        assert!(
            has(&errors, "e4.penalties.portfolio_inaccessible", "points"),
            "{errors:?}"
        );
    }

    #[test]
    fn detects_2011_problems() {
        let mut f = load_2011().expect("embedded data");
        f.processes[0].domains[0].activities[0].competencies[1].code = "C1.1.1.1".into();
        f.processes[1].domains[0].activities[0].label = String::new();
        f.processes[2].domains[0].code = "D3.2".into();
        let errors = f.validate();
        assert!(has(&errors, "C1.1.1.1", "duplicate code"), "{errors:?}");
        assert!(has(&errors, "A2.1.1", "empty label"), "{errors:?}");
        assert!(has(&errors, "D3.2", "duplicate code"), "{errors:?}");
    }
}
