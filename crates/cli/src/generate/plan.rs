//! The data set decided before anything is written: académies, schools, classes, people,
//! commissions. Drawn in one fixed order from the seed, so that the same seed gives the same
//! names and counts whatever the order the writing tasks finish in; what each candidate's
//! dossier holds is drawn later, from a stream of its own (see [`super::content`]).

use super::names::{self, ACADEMIES};
use super::rng::Rng;
use portfolio_domain::input::ascii_fold;
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::DossierExam;
use portfolio_framework::{ExamForm, Track};
use std::collections::HashMap;

pub const DOMAIN: &str = "bench.portfolio-sio.fr";
/// Candidates per commission.
pub const PER_COMMISSION: usize = 20;
pub const MIN_SCHOOL: usize = 20;
pub const MAX_SCHOOL: usize = 70;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub first: String,
    pub last: String,
    pub email: String,
}

#[derive(Debug)]
pub struct Plan {
    pub seed: u64,
    pub candidates: usize,
    pub admin: Person,
    pub academies: Vec<AcademyPlan>,
    pub schools: Vec<SchoolPlan>,
    pub commissions: Vec<CommissionPlan>,
}

#[derive(Debug)]
pub struct AcademyPlan {
    pub name: &'static str,
    pub jury: Person,
    pub schools: Vec<usize>,
    /// Professionals of the sector who sit on the Bloc 1 commissions.
    pub professionals: Vec<Person>,
    pub commissions: Vec<usize>,
}

#[derive(Debug)]
pub struct SchoolPlan {
    pub name: String,
    pub town: &'static str,
    pub uai: String,
    /// Whether its candidates take the exams in CCF or ponctuelle.
    pub form: ExamForm,
    pub head: Person,
    pub classes: Vec<ClassPlan>,
    pub teachers: Vec<TeacherPlan>,
}

#[derive(Debug)]
pub struct ClassPlan {
    pub track: Track,
    pub name: String,
    pub students: Vec<StudentPlan>,
}

#[derive(Debug)]
pub struct StudentPlan {
    /// Its rank among all candidates: names its stream of draws.
    pub global: usize,
    pub person: Person,
    pub route: Route,
    pub candidate_number: String,
    pub hands_in: bool,
}

#[derive(Debug)]
pub struct TeacherPlan {
    pub person: Person,
    /// Indices into the school's classes.
    pub classes: Vec<usize>,
    pub specialties: Vec<Track>,
    pub blocks: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRef {
    Teacher { school: usize, teacher: usize },
    Professional { academy: usize, index: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateRef {
    pub school: usize,
    pub class: usize,
    pub student: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grading {
    /// Every candidate who handed a dossier in has a grid signed by both members.
    Complete,
    /// The first half are graded, some signed by one member or none.
    Partial,
    NotStarted,
}

#[derive(Debug)]
pub struct CommissionPlan {
    pub name: String,
    pub exam: DossierExam,
    pub track: Track,
    pub form: ExamForm,
    pub exam_date: time::Date,
    pub members: [MemberRef; 2],
    pub candidates: Vec<CandidateRef>,
    pub grading: Grading,
}

/// Unique e-mail addresses from names: the second Emma Martin is emma.martin2.
#[derive(Default)]
struct Emails(HashMap<String, u32>);

impl Emails {
    fn person(&mut self, first: &str, last: &str) -> Person {
        let base = format!("{}.{}", slug(first), slug(last));
        let n = self.0.entry(base.clone()).or_insert(0);
        *n += 1;
        let local = if *n == 1 { base } else { format!("{base}{n}") };
        Person {
            first: first.to_string(),
            last: last.to_string(),
            email: format!("{local}@{DOMAIN}"),
        }
    }

    fn named(&mut self, rng: &mut Rng) -> Person {
        let first = *rng.pick(names::FIRST_NAMES);
        let last = *rng.pick(names::LAST_NAMES);
        self.person(first, last)
    }
}

/// Lower-case ASCII letters, digits and single dashes: "Le Goff" → "le-goff".
pub fn slug(s: &str) -> String {
    let folded = ascii_fold(s);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c == '-' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The check letter of a UAI (number modulo 23, in an alphabet without I, O and Q).
pub fn uai(digits: &str) -> String {
    const KEYS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    let n: u64 = digits.parse().unwrap_or(0);
    format!("{digits}{}", char::from(KEYS[(n % 23) as usize]))
}

/// School sizes: each between [`MIN_SCHOOL`] and [`MAX_SCHOOL`] (a smaller total makes one
/// smaller school), adding up to `total`.
pub fn school_sizes(rng: &mut Rng, total: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut remaining = total;
    while remaining > 0 {
        let size = if remaining <= MAX_SCHOOL {
            remaining
        } else {
            let s = rng.range(MIN_SCHOOL, MAX_SCHOOL);
            // Never leave fewer than MIN_SCHOOL for the last one.
            if remaining - s < MIN_SCHOOL {
                remaining - MIN_SCHOOL
            } else {
                s
            }
        };
        sizes.push(size);
        remaining -= size;
    }
    sizes
}

impl Plan {
    pub fn build(candidates: usize, seed: u64) -> Plan {
        let mut rng = Rng::stream(seed, "plan", &[]);
        let mut emails = Emails::default();
        let admin = Person {
            first: "Dominique".into(),
            last: "Administration".into(),
            email: format!("administration@{DOMAIN}"),
        };
        emails.0.insert("administration".into(), 1);

        let sizes = school_sizes(&mut rng, candidates);
        let weights: Vec<u32> = ACADEMIES.iter().map(|a| a.weight).collect();
        // Académie of each school, then only the académies that have one.
        let picks: Vec<usize> = sizes.iter().map(|_| rng.weighted(&weights)).collect();
        let mut academy_of: HashMap<usize, usize> = HashMap::new();
        let mut academies: Vec<AcademyPlan> = Vec::new();
        for (rank, a) in ACADEMIES.iter().enumerate() {
            if picks.contains(&rank) {
                academy_of.insert(rank, academies.len());
                academies.push(AcademyPlan {
                    name: a.name,
                    jury: emails.named(&mut rng),
                    schools: Vec::new(),
                    professionals: Vec::new(),
                    commissions: Vec::new(),
                });
            }
        }

        let mut serials: HashMap<&'static str, usize> = HashMap::new();
        let mut schools = Vec::with_capacity(sizes.len());
        let mut global = 0usize;
        for (index, (size, rank)) in sizes.iter().zip(&picks).enumerate() {
            let academy = academy_of[rank];
            academies[academy].schools.push(index);
            let (town, dept) = *rng.pick(ACADEMIES[*rank].towns);
            let serial = serials.entry(dept).or_insert(0);
            *serial += 1;
            // Four digits after the département: 0100, 0137… distinct within it.
            let number = format!("{dept}{:04}", 100 + *serial * 37 % 9_900);
            let kind = *rng.pick(names::SCHOOL_KINDS);
            let patron = *rng.pick(names::PATRONS);
            let form = if kind == "Lycée privé" || rng.chance(10) {
                ExamForm::OneOff
            } else {
                ExamForm::Continuous
            };
            let head = emails.named(&mut rng);
            // Both options in every school, about half each (at least 8 a class).
            let share = rng.range(40, 60);
            let sisr = if *size >= 16 {
                (size * share / 100).clamp(8, size - 8)
            } else {
                size.div_ceil(2)
            };
            let mut classes = Vec::with_capacity(2);
            for (track, count) in [(Track::Sisr, sisr), (Track::Slam, size - sisr)] {
                let mut students = Vec::with_capacity(count);
                for _ in 0..count {
                    let person = emails.named(&mut rng);
                    let route = match rng.below(100) {
                        0..=81 => Route::School,
                        82..=95 => Route::Apprenticeship,
                        _ => Route::ContinuingEducation,
                    };
                    students.push(StudentPlan {
                        global,
                        person,
                        route,
                        candidate_number: format!(
                            "{:02}{:02}{:07}",
                            SESSION_YEAR % 100,
                            rank + 1,
                            global + 1
                        ),
                        hands_in: rng.chance(88),
                    });
                    global += 1;
                }
                classes.push(ClassPlan {
                    track,
                    name: format!("BTS SIO 2 {}", track.code()),
                    students,
                });
            }
            // The teaching team: Bloc 1 in both classes, each option's Bloc 2, cybersecurity;
            // a second specialist of each option in the larger schools.
            let mut teachers = vec![
                TeacherPlan {
                    person: emails.named(&mut rng),
                    classes: vec![0, 1],
                    specialties: vec![Track::Sisr, Track::Slam],
                    blocks: vec!["B1"],
                },
                TeacherPlan {
                    person: emails.named(&mut rng),
                    classes: vec![0],
                    specialties: vec![Track::Sisr],
                    blocks: vec!["B1", "B2-SISR"],
                },
                TeacherPlan {
                    person: emails.named(&mut rng),
                    classes: vec![1],
                    specialties: vec![Track::Slam],
                    blocks: vec!["B1", "B2-SLAM"],
                },
                TeacherPlan {
                    person: emails.named(&mut rng),
                    classes: vec![0, 1],
                    specialties: vec![Track::Sisr, Track::Slam],
                    blocks: vec!["B3"],
                },
            ];
            if *size >= 45 {
                teachers.push(TeacherPlan {
                    person: emails.named(&mut rng),
                    classes: vec![0],
                    specialties: vec![Track::Sisr],
                    blocks: vec!["B2-SISR", "B3"],
                });
                teachers.push(TeacherPlan {
                    person: emails.named(&mut rng),
                    classes: vec![1],
                    specialties: vec![Track::Slam],
                    blocks: vec!["B2-SLAM", "B3"],
                });
            }
            schools.push(SchoolPlan {
                name: format!("{kind} {patron}"),
                town,
                uai: uai(&number),
                form,
                head,
                classes,
                teachers,
            });
        }

        let mut commissions = Vec::new();
        for (a, academy) in academies.iter_mut().enumerate() {
            plan_commissions(&mut rng, a, academy, &schools, &mut commissions);
            let bloc1 = academy
                .commissions
                .iter()
                .filter(|c| commissions[**c].exam == DossierExam::Block1)
                .count();
            for _ in 0..bloc1.div_ceil(2) {
                academy.professionals.push(emails.named(&mut rng));
            }
        }
        Plan {
            seed,
            candidates,
            admin,
            academies,
            schools,
            commissions,
        }
    }

    pub fn student(&self, c: CandidateRef) -> &StudentPlan {
        &self.schools[c.school].classes[c.class].students[c.student]
    }

    pub fn member(&self, m: MemberRef) -> &Person {
        match m {
            MemberRef::Teacher { school, teacher } => {
                &self.schools[school].teachers[teacher].person
            }
            MemberRef::Professional { academy, index } => {
                &self.academies[academy].professionals[index]
            }
        }
    }
}

pub const SESSION_YEAR: i64 = 2027;

/// Commissions of [`PER_COMMISSION`] candidates of one option and one form, for Bloc 1 (a
/// teacher of the option and a professional) and for Bloc 2 (two teachers of the professional
/// blocks, one of them of the option's Bloc 2), members taken in turn among the académie's
/// teachers.
fn plan_commissions(
    rng: &mut Rng,
    a: usize,
    academy: &mut AcademyPlan,
    schools: &[SchoolPlan],
    out: &mut Vec<CommissionPlan>,
) {
    let mut bloc1_professionals = 0usize;
    for (offset, track) in [Track::Sisr, Track::Slam].into_iter().enumerate() {
        let bloc2 = match track {
            Track::Sisr => "B2-SISR",
            Track::Slam => "B2-SLAM",
        };
        // Teachers of the option (Bloc 1 seat), of its Bloc 2, of any professional block.
        let mut of_option = Vec::new();
        let mut of_bloc2 = Vec::new();
        let mut any = Vec::new();
        for s in &academy.schools {
            for (t, teacher) in schools[*s].teachers.iter().enumerate() {
                let m = MemberRef::Teacher {
                    school: *s,
                    teacher: t,
                };
                if teacher.specialties.contains(&track) && teacher.blocks.contains(&"B1") {
                    of_option.push(m);
                }
                if teacher.blocks.contains(&bloc2) {
                    of_bloc2.push(m);
                }
                any.push(m);
            }
        }
        for form in [ExamForm::Continuous, ExamForm::OneOff] {
            let candidates: Vec<CandidateRef> = academy
                .schools
                .iter()
                .filter(|s| schools[**s].form == form)
                .flat_map(|s| {
                    schools[*s]
                        .classes
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.track == track)
                        .flat_map(move |(ci, c)| {
                            (0..c.students.len()).map(move |st| CandidateRef {
                                school: *s,
                                class: ci,
                                student: st,
                            })
                        })
                })
                .collect();
            let form_label = match form {
                ExamForm::Continuous => "CCF",
                ExamForm::OneOff => "ponctuelle",
            };
            for exam in [DossierExam::Block1, DossierExam::Block2] {
                for (k, chunk) in candidates.chunks(PER_COMMISSION).enumerate() {
                    let members = match exam {
                        DossierExam::Block1 => {
                            let teacher = of_option[(k + offset) % of_option.len()];
                            let pro = MemberRef::Professional {
                                academy: a,
                                index: bloc1_professionals / 2,
                            };
                            bloc1_professionals += 1;
                            [teacher, pro]
                        }
                        DossierExam::Block2 => {
                            let first = of_bloc2[k % of_bloc2.len()];
                            // The second: another teacher, from another school when there is one.
                            let start = rng.below(any.len());
                            let second = (0..any.len())
                                .map(|i| any[(start + i) % any.len()])
                                .find(|m| *m != first && school_of(*m) != school_of(first))
                                .or_else(|| {
                                    (0..any.len())
                                        .map(|i| any[(start + i) % any.len()])
                                        .find(|m| *m != first)
                                })
                                .unwrap_or(first);
                            [first, second]
                        }
                    };
                    let (exam_code, day0) = match exam {
                        DossierExam::Block1 => ("E4", 10),
                        DossierExam::Block2 => ("E5", 24),
                    };
                    let grading = match rng.below(100) {
                        0..=54 => Grading::Complete,
                        55..=79 => Grading::Partial,
                        _ => Grading::NotStarted,
                    };
                    let day = day0 + (k % 5) as u8;
                    out.push(CommissionPlan {
                        name: format!(
                            "{exam_code} {} {form_label} — commission {}",
                            track.code(),
                            k + 1
                        ),
                        exam,
                        track,
                        form,
                        exam_date: time::Date::from_calendar_date(
                            SESSION_YEAR as i32,
                            time::Month::May,
                            day,
                        )
                        .unwrap_or(time::Date::MIN),
                        members,
                        candidates: chunk.to_vec(),
                        grading,
                    });
                    academy.commissions.push(out.len() - 1);
                }
            }
        }
    }
}

fn school_of(m: MemberRef) -> Option<usize> {
    match m {
        MemberRef::Teacher { school, .. } => Some(school),
        MemberRef::Professional { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schools_have_20_to_70_candidates_adding_up() {
        let mut rng = Rng::new(1);
        for total in [20, 21, 69, 70, 71, 89, 90, 91, 120, 1_000, 40_000] {
            let sizes = school_sizes(&mut rng, total);
            assert_eq!(sizes.iter().sum::<usize>(), total);
            assert!(sizes.iter().all(|s| (20..=70).contains(s)), "{sizes:?}");
        }
        assert_eq!(school_sizes(&mut rng, 5), vec![5]);
    }

    #[test]
    fn the_plan_is_the_same_for_a_seed_and_every_address_is_unique() {
        let a = Plan::build(2_000, 7);
        let b = Plan::build(2_000, 7);
        let c = Plan::build(2_000, 8);
        let names = |p: &Plan| -> Vec<String> {
            p.schools
                .iter()
                .flat_map(|s| s.classes.iter())
                .flat_map(|c| c.students.iter())
                .map(|s| s.person.email.clone())
                .collect()
        };
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&c));
        assert_eq!(names(&a).len(), 2_000);
        let mut all: Vec<String> = names(&a);
        for s in &a.schools {
            all.push(s.head.email.clone());
            all.extend(s.teachers.iter().map(|t| t.person.email.clone()));
        }
        for ac in &a.academies {
            all.push(ac.jury.email.clone());
            all.extend(ac.professionals.iter().map(|p| p.email.clone()));
        }
        all.push(a.admin.email.clone());
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "duplicate addresses");
        let uais: std::collections::BTreeSet<&str> =
            a.schools.iter().map(|s| s.uai.as_str()).collect();
        assert_eq!(uais.len(), a.schools.len());
        for s in &a.schools {
            assert!(
                portfolio_domain::input::Uai::parse("uai", &s.uai).is_ok(),
                "{}",
                s.uai
            );
        }
        // Every candidate sits in one commission per exam, at most 20 in each.
        let mut seats: HashMap<(usize, usize, usize, bool), usize> = HashMap::new();
        for c in &a.commissions {
            assert!(!c.candidates.is_empty() && c.candidates.len() <= PER_COMMISSION);
            for r in &c.candidates {
                *seats
                    .entry((r.school, r.class, r.student, c.exam == DossierExam::Block1))
                    .or_insert(0) += 1;
            }
        }
        assert_eq!(seats.len(), 4_000);
        assert!(seats.values().all(|n| *n == 1));
    }
}
