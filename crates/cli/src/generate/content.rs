//! What one candidate's dossier holds, and what a commission writes on their grid: drawn from
//! a stream of the candidate's own, checked by the same forms and rules as the pages.

use super::names;
use super::plan::{Person, slug};
use super::rng::Rng;
use anyhow::Result;
use portfolio_domain::evaluation::RatedRow;
use portfolio_domain::evaluation::{MarkWarning, ProposedMark, mark_warnings};
use portfolio_domain::grid::grid_rows;
use portfolio_domain::internship_form::{InternshipForm, InternshipInput};
use portfolio_domain::realisation::{RealisationForm, RealisationInput};
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::DossierExam;
use portfolio_framework::{MasteryLevel, Penalty, Track};
use portfolio_store::EvaluationInput;
use time::{Date, Duration, Month};

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).unwrap_or(Date::MIN)
}

fn iso(d: Date) -> String {
    portfolio_domain::realisation::iso(d)
}

/// A production attached to a réalisation, before it is stored.
#[derive(Debug, Clone)]
pub enum ArtifactDraft {
    Link {
        name: String,
        url: String,
    },
    /// A file row only: its bytes are not written (a benchmark reads the rows, not the files).
    File {
        name: String,
        content_type: &'static str,
        size: i64,
    },
    /// A small real file, written to the blob store.
    RealFile {
        name: String,
        bytes: Vec<u8>,
    },
}

pub struct Dossier {
    pub items: Vec<(RealisationInput, Vec<ArtifactDraft>)>,
    /// The two réalisations presented for E5, as indices into `items`.
    pub e5: Option<(usize, usize)>,
}

/// An organisation's name from a pattern of [`names::ORGANISATIONS`].
fn organisation(rng: &mut Rng, town: &str) -> String {
    let pattern = *rng.pick(names::ORGANISATIONS);
    let surname = *rng.pick(names::LAST_NAMES);
    let saint = *rng.pick(names::SAINTS);
    let patron = *rng.pick(names::PATRONS);
    pattern
        .replace("{town}", town)
        .replace("{surname}", surname)
        .replace("{saint}", saint)
        .replace("{patron}", patron)
}

/// 14 digits with a valid Luhn key.
fn siret(rng: &mut Rng) -> String {
    let mut digits: Vec<u32> = (0..13).map(|_| rng.below(10) as u32).collect();
    digits[0] = 1 + rng.below(9) as u32;
    // Doubled: the digits at even positions from the left (odd from the right, key included).
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                *d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

fn mondays_after(start: Date, weeks: usize) -> Date {
    start + Duration::weeks(weeks as i64)
}

/// The candidate's internships, or apprenticeship contract, as entered on the form.
pub fn internships(rng: &mut Rng, route: Route, town: &str) -> Vec<InternshipForm> {
    let one = |rng: &mut Rng, kind: &str, start: Date, end: Date, year: u8| {
        let org = organisation(rng, town);
        let tutor_first = *rng.pick(names::FIRST_NAMES);
        let tutor_last = *rng.pick(names::LAST_NAMES);
        let domain = slug(&org).chars().take(40).collect::<String>();
        let domain = domain.trim_end_matches('-');
        InternshipForm {
            kind: kind.into(),
            organisation_address: format!(
                "{} {} de la République, {town}",
                rng.range(1, 120),
                rng.pick(&["rue", "avenue", "boulevard", "place"])
            ),
            siret: siret(rng),
            start_date: iso(start),
            end_date: iso(end),
            year_of_training: year.to_string(),
            full_time: "1".into(),
            tutor_name: format!("{tutor_first} {tutor_last}"),
            tutor_title: (*rng.pick(names::TUTOR_TITLES)).into(),
            tutor_email: format!("{}.{}@{domain}.fr", slug(tutor_first), slug(tutor_last)),
            objectives: format!(
                "Participer au support des utilisateurs et à un projet du service informatique de {org} ; \
                 rédiger la documentation des interventions."
            ),
            schedule: "Du lundi au vendredi, 9 h – 12 h 30 et 13 h 30 – 17 h".into(),
            organisation_name: org,
        }
    };
    match route {
        Route::Apprenticeship => {
            let start = date(2025, Month::September, 1);
            vec![one(
                rng,
                "apprenticeship",
                start,
                date(2027, Month::August, 31),
                1,
            )]
        }
        _ => {
            // First year: six weeks from mid-May; second year: six or seven weeks in winter.
            let s1 = mondays_after(date(2026, Month::May, 18), rng.below(2));
            let first = one(rng, "internship", s1, s1 + Duration::days(6 * 7 - 3), 1);
            let s2 = mondays_after(date(2027, Month::January, 4), rng.below(3));
            let weeks = rng.range(6, 7) as i64;
            let second = one(rng, "internship", s2, s2 + Duration::days(weeks * 7 - 3), 2);
            vec![first, second]
        }
    }
}

/// Checks the internship forms as the page does.
pub fn parse_internships(forms: &[InternshipForm]) -> Result<Vec<InternshipInput>> {
    forms
        .iter()
        .map(|f| {
            f.parse().map_err(|errors| {
                let list: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                anyhow::anyhow!("stage généré refusé : {}", list.join(" ; "))
            })
        })
        .collect()
}

fn skills_of_competency(code: &str) -> Vec<&'static str> {
    portfolio_framework::bts_sio_2019()
        .competency(code)
        .map(|c| {
            c.competency
                .skills
                .iter()
                .map(|s| s.code.as_str())
                .collect()
        })
        .unwrap_or_default()
}

fn skills_of_block(code: &str, track: Track) -> Vec<&'static str> {
    portfolio_framework::bts_sio_2019()
        .block(code)
        .map(|b| {
            b.competencies_for(track)
                .flat_map(|c| c.skills.iter().map(|s| s.code.as_str()))
                .collect()
        })
        .unwrap_or_default()
}

fn tech_items(track: Track) -> Vec<&'static str> {
    portfolio_framework::bts_sio_2019()
        .tech_environment
        .parts_for(track)
        .flat_map(|p| p.sections.iter())
        .flat_map(|s| s.items.iter())
        .map(|i| i.code.as_str())
        .collect()
}

fn pick_some(rng: &mut Rng, from: &[&'static str], lo: usize, hi: usize) -> Vec<String> {
    let k = rng.range(lo, hi);
    rng.sample(from.len(), k)
        .into_iter()
        .map(|i| from[i].to_string())
        .collect()
}

const DESCRIPTIONS: &[&str] = &[
    "Le besoin a été recueilli auprès des utilisateurs, puis la solution a été maquettée, testée et mise en production.",
    "À partir d’un cahier des charges fourni, j’ai étudié plusieurs solutions, justifié le choix retenu et rédigé la procédure.",
    "Le projet a été mené en plusieurs itérations, avec un point d’avancement chaque semaine et une recette finale.",
    "L’existant a d’abord été analysé (inventaire, schéma, droits), puis les évolutions ont été planifiées et déployées.",
    "La réalisation a donné lieu à une documentation technique et à un guide utilisateur remis au service.",
    "Les tests d’acceptation ont été rédigés avant le déploiement ; les anomalies relevées ont été corrigées.",
];

const RESOURCES: &[&str] = &[
    "Un serveur de test, l’accès à la documentation interne et l’appui du tuteur.",
    "Un poste de travail, un environnement de virtualisation et le cahier des charges.",
    "Les comptes d’administration nécessaires et un dépôt Git partagé.",
    "La maquette réseau de la salle de TP et les sujets de l’enseignant.",
];

const RESULTS: &[&str] = &[
    "Un service opérationnel, documenté et accepté par les utilisateurs.",
    "Une application livrée avec ses tests et son manuel d’installation.",
    "Une procédure reproductible et une réduction du nombre de demandes d’assistance.",
    "Un prototype validé par le commanditaire et une feuille de route pour la suite.",
];

/// A small PDF of one page, valid (its cross-reference table points at the right bytes).
pub fn tiny_pdf(title: &str) -> Vec<u8> {
    let text: String = portfolio_domain::input::ascii_fold(title)
        .chars()
        .map(|c| if c == '-' { ' ' } else { c })
        .collect();
    let stream = format!("BT /F1 14 Tf 56 780 Td (Portfolio SIO - {text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn artifacts(rng: &mut Rng, title: &str, login: &str, real_files: u32) -> Vec<ArtifactDraft> {
    let n = rng.weighted(&[15, 40, 30, 15]);
    let s = slug(title).chars().take(48).collect::<String>();
    let s = s.trim_end_matches('-').to_string();
    (0..n)
        .map(|i| {
            if rng.chance(55) {
                let host = *rng.pick(names::GIT_HOSTS);
                ArtifactDraft::Link {
                    name: if i == 0 {
                        "Dépôt du code et de la documentation".into()
                    } else {
                        "Démonstration en ligne".into()
                    },
                    url: format!("https://{host}/{login}/{s}"),
                }
            } else if rng.below(1000) < real_files as usize {
                if rng.chance(50) {
                    ArtifactDraft::RealFile {
                        name: format!("fiche-{s}.pdf"),
                        bytes: tiny_pdf(title),
                    }
                } else {
                    ArtifactDraft::RealFile {
                        name: format!("procedure-{s}.md"),
                        bytes: format!(
                            "# {title}\n\n## Objectif\n\nDécrire la mise en œuvre pas à pas.\n\n\
                             ## Étapes\n\n1. Préparer l’environnement\n2. Installer et configurer\n\
                             3. Tester\n4. Documenter\n"
                        )
                        .into_bytes(),
                    }
                }
            } else {
                let (ext, content_type) = *rng.pick(&[
                    ("pdf", "application/pdf"),
                    ("pdf", "application/pdf"),
                    ("png", "image/png"),
                    (
                        "docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    ),
                    ("odt", "application/vnd.oasis.opendocument.text"),
                ]);
                let what = *rng.pick(&[
                    "procedure",
                    "schema",
                    "compte-rendu",
                    "captures",
                    "cahier-des-charges",
                ]);
                ArtifactDraft::File {
                    name: format!("{what}-{s}.{ext}"),
                    content_type,
                    size: rng.range(40_000, 2_500_000) as i64,
                }
            }
        })
        .collect()
}

/// Where and when a réalisation took place.
struct Slot {
    setting: &'static str,
    start: Date,
    end: Date,
    organisation: String,
}

fn slot_in(rng: &mut Rng, from: Date, to: Date, max_days: i64) -> (Date, Date) {
    let span = (to - from).whole_days().max(0);
    let start = from + Duration::days(rng.below(span as usize + 1) as i64);
    let end = (start + Duration::days(rng.range(3, max_days as usize) as i64)).min(to);
    (start, end.max(start))
}

/// The candidate's réalisations (8 to 15), checked by the form of the pages; `real_files` in a
/// thousand of the files get real bytes.
pub fn dossier(
    rng: &mut Rng,
    track: Track,
    school: &str,
    internships: &[InternshipInput],
    student: &Person,
    real_files: u32,
) -> Result<Dossier> {
    let fw = portfolio_framework::bts_sio_2019();
    let n = rng.range(8, 15);
    let specific = match track {
        Track::Sisr => names::SISR_REALISATIONS,
        Track::Slam => names::SLAM_REALISATIONS,
    };
    let n_specific = (n * rng.range(55, 65) / 100).max(3);
    let n_common = n - n_specific;
    let bloc2 = match track {
        Track::Sisr => "B2-SISR",
        Track::Slam => "B2-SLAM",
    };
    let b2_skills = skills_of_block(bloc2, track);
    let b3_skills = skills_of_block("B3", track);
    let techs = tech_items(track);
    let login = format!("{}-{}", slug(&student.first), slug(&student.last));

    // Places and periods: the school's years, and the internships (or the employer).
    let training = [
        (date(2025, Month::September, 8), date(2026, Month::May, 8)),
        (
            date(2026, Month::September, 7),
            date(2027, Month::April, 23),
        ),
    ];
    let mut slot = |rng: &mut Rng| -> Slot {
        let at_work = !internships.is_empty() && rng.chance(35);
        if at_work {
            let i = &internships[rng.below(internships.len())];
            let (start, end) = slot_in(rng, i.period.start(), i.period.end(), 25);
            let setting = if start < date(2026, Month::August, 31) {
                "workplace_first_year"
            } else {
                "workplace_second_year"
            };
            Slot {
                setting,
                start,
                end,
                organisation: i.organisation_name.clone(),
            }
        } else {
            let (from, to) = training[rng.below(2)];
            let (start, end) = slot_in(rng, from, to, 42);
            Slot {
                setting: "training",
                start,
                end,
                organisation: school.to_string(),
            }
        }
    };

    let mut forms: Vec<(RealisationForm, bool)> = Vec::with_capacity(n);
    for i in rng.sample(names::COMMON_REALISATIONS.len(), n_common) {
        let (title, competencies) = names::COMMON_REALISATIONS[i];
        let mut skills = Vec::new();
        for c in competencies.iter() {
            let of = skills_of_competency(c);
            skills.extend(pick_some(rng, &of, 1, 3.min(of.len())));
        }
        if rng.chance(25) {
            skills.extend(pick_some(rng, &b3_skills, 1, 1));
        }
        forms.push((form(rng, title, skills, &techs, &mut slot), false));
    }
    for i in rng.sample(specific.len(), n_specific) {
        let title = specific[i];
        let mut skills = pick_some(rng, &b2_skills, 2, 5);
        for c in ["B1.4", "B1.5"] {
            if rng.chance(50) {
                skills.extend(pick_some(rng, &skills_of_competency(c), 1, 1));
            }
        }
        if rng.chance(30) {
            skills.extend(pick_some(rng, &b3_skills, 1, 2));
        }
        forms.push((form(rng, title, skills, &techs, &mut slot), true));
    }
    rng.shuffle(&mut forms);

    let mut items = Vec::with_capacity(n);
    let mut specific_at = Vec::new();
    for (i, (f, is_specific)) in forms.into_iter().enumerate() {
        let input = f.parse(fw, track).map_err(|errors| {
            let list: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
            anyhow::anyhow!(
                "réalisation générée « {} » refusée : {}",
                f.title,
                list.join(" ; ")
            )
        })?;
        if is_specific {
            specific_at.push(i);
        }
        let a = artifacts(rng, &input.title, &login, real_files);
        items.push((input, a));
    }
    let e5 = if specific_at.len() >= 2 {
        let chosen = rng.sample(specific_at.len(), 2);
        Some((specific_at[chosen[0]], specific_at[chosen[1]]))
    } else {
        None
    };
    Ok(Dossier { items, e5 })
}

fn form(
    rng: &mut Rng,
    title: &str,
    skills: Vec<String>,
    techs: &[&'static str],
    slot: &mut impl FnMut(&mut Rng) -> Slot,
) -> RealisationForm {
    let s = slot(rng);
    let team = rng.chance(30);
    RealisationForm {
        title: title.to_string(),
        description: format!("{} {}", rng.pick(DESCRIPTIONS), rng.pick(DESCRIPTIONS)),
        start_date: iso(s.start),
        end_date: iso(s.end),
        setting: s.setting.into(),
        organisation: s.organisation,
        modality: if team { "team" } else { "solo" }.into(),
        personal_contribution: if team {
            "J’ai pris en charge l’installation, les tests et la documentation ; mes deux coéquipiers ont traité la partie réseau et la recette.".into()
        } else {
            String::new()
        },
        resources_provided: (*rng.pick(RESOURCES)).into(),
        expected_results: (*rng.pick(RESULTS)).into(),
        tech_items: pick_some(rng, techs, 1, 4),
        tech_other: String::new(),
        skills,
    }
}

/// A candidate's overall level, 0 to 1 (the mean of two draws: most are in the middle).
pub fn ability(rng: &mut Rng) -> f64 {
    (rng.unit() + rng.unit()) / 2.0
}

const PART1: &[&str] = &[
    "Présentation structurée du parcours, appuyée sur le portfolio ; le temps est bien géré.",
    "Présentation claire des réalisations et des compétences mobilisées, quelques hésitations sur le contexte.",
    "Présentation trop descriptive, qui ne met pas assez en valeur la contribution personnelle.",
    "Présentation dynamique et illustrée, bonne mise en perspective du projet professionnel.",
];
const PART2: &[&str] = &[
    "Les réponses sont précises et argumentées ; le vocabulaire technique est maîtrisé.",
    "Les réponses montrent une bonne compréhension des choix techniques, avec quelques imprécisions.",
    "Les échanges révèlent des difficultés à justifier les choix effectués.",
    "Le candidat prend du recul sur ses réalisations et propose des améliorations pertinentes.",
];
const APPRECIATIONS: [&str; 4] = [
    "Prestation insuffisante : les compétences du bloc sont encore peu démontrées.",
    "Prestation fragile mais en progrès ; les réalisations couvrent partiellement le bloc.",
    "Bonne prestation, compétences du bloc démontrées dans des contextes variés.",
    "Très bonne prestation, maîtrise solide et réflexion professionnelle aboutie.",
];

fn level_points(l: MasteryLevel) -> f64 {
    match l {
        MasteryLevel::NotAssessable => 0.0,
        MasteryLevel::NotMastered => 5.0,
        MasteryLevel::PartialMastery => 9.5,
        MasteryLevel::GoodMastery => 14.0,
        MasteryLevel::ExcellentMastery => 18.0,
    }
}

/// The grid and fiche of a candidate, consistent with their level: every row rated, a mark
/// that raises no warning of [`mark_warnings`], the texts of the fiche filled in.
pub fn evaluation(
    rng: &mut Rng,
    exam: DossierExam,
    track: Track,
    ability: f64,
    chosen: Option<(i64, String)>,
) -> EvaluationInput {
    let rows = grid_rows(exam, track);
    let levels: Vec<(String, MasteryLevel)> = rows
        .iter()
        .map(|r| {
            let level = if rng.chance(2) {
                MasteryLevel::NotAssessable
            } else {
                let x = ability * 3.0 + 1.0 + (rng.unit() - 0.5) * 1.4;
                match x.round() as i64 {
                    i64::MIN..=1 => MasteryLevel::NotMastered,
                    2 => MasteryLevel::PartialMastery,
                    3 => MasteryLevel::GoodMastery,
                    _ => MasteryLevel::ExcellentMastery,
                }
            };
            (r.key.clone(), level)
        })
        .collect();
    let mean =
        levels.iter().map(|(_, l)| level_points(*l)).sum::<f64>() / levels.len().max(1) as f64;
    let half_points = ((mean + (rng.unit() - 0.5) * 3.0) * 2.0)
        .round()
        .clamp(0.0, 40.0) as u16;
    // At most 40 half points: always a mark out of 20.
    let mut mark = ProposedMark::from_hundredths(half_points * 50);
    let rated: Vec<RatedRow<'_>> = rows
        .iter()
        .zip(&levels)
        .map(|(r, (_, l))| RatedRow {
            label: &r.label,
            level: Some(*l),
        })
        .collect();
    // A commission that sees a warning corrects its mark: so does the generator.
    for _ in 0..3 {
        let Some(m) = mark else { break };
        let fixed = match mark_warnings(&rated, m).first() {
            None => break,
            Some(MarkWarning::HighMarkWithWeakRows { .. }) => 1550,
            Some(MarkWarning::LowMarkWithStrongProfile { .. }) => 1150,
            Some(MarkWarning::PassingMarkWithWeakProfile { .. }) => 850,
        };
        mark = ProposedMark::from_hundredths(fixed);
    }
    let band = ((ability * 4.0) as usize).min(3);
    let (needs_statement, chosen_realisation) = match exam {
        DossierExam::Block1 => (String::new(), None),
        DossierExam::Block2 => (
            "Le commanditaire souhaite faire évoluer la solution présentée : ajouter une \
             fonctionnalité de sauvegarde et de restauration, la tester et la documenter."
                .to_string(),
            chosen,
        ),
    };
    EvaluationInput {
        levels,
        proposed: mark,
        penalties: if rng.chance(2) {
            vec![Penalty::MissingSynthesisTable]
        } else {
            Vec::new()
        },
        environment_conforming: Some(!rng.chance(3)),
        chosen_realisation,
        needs_statement,
        part1: (*rng.pick(PART1)).into(),
        part2: (*rng.pick(PART2)).into(),
        appreciation: APPRECIATIONS[band].into(),
    }
}

/// Checks that generated internships and réalisations pass the forms.
#[cfg(test)]
fn check_sample(seed: u64) -> Result<()> {
    for i in 0..50u64 {
        let mut rng = Rng::stream(seed, "check", &[i]);
        let route = if i % 5 == 0 {
            Route::Apprenticeship
        } else {
            Route::School
        };
        let forms = internships(&mut rng, route, "Caen");
        let parsed = parse_internships(&forms)?;
        let track = if i % 2 == 0 { Track::Sisr } else { Track::Slam };
        let person = Person {
            first: "Chloé".into(),
            last: "Le Goff".into(),
            email: "chloe.le-goff@example.fr".into(),
        };
        dossier(&mut rng, track, "Lycée Victor Hugo", &parsed, &person, 500)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_forms_pass_the_checks_of_the_pages() {
        check_sample(7).expect("valid");
    }

    #[test]
    fn a_siret_has_a_valid_key() {
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            let s = siret(&mut rng);
            assert!(
                portfolio_domain::internship_form::check_siret(&s).is_ok(),
                "{s}"
            );
        }
    }

    #[test]
    fn real_files_pass_the_content_check() {
        let pdf = tiny_pdf("Déploiement d’un serveur");
        let t = portfolio_domain::artifact::file_type("fiche.pdf", &pdf).expect("pdf");
        assert_eq!(t.content_type, "application/pdf");
    }

    #[test]
    fn grids_are_complete_and_raise_no_warning() {
        let mut rng = Rng::new(11);
        for i in 0..200 {
            let exam = if i % 2 == 0 {
                DossierExam::Block1
            } else {
                DossierExam::Block2
            };
            let a = ability(&mut rng);
            let e = evaluation(&mut rng, exam, Track::Slam, a, Some((1, "x".into())));
            let rows = grid_rows(exam, Track::Slam);
            assert_eq!(e.levels.len(), rows.len());
            let rated: Vec<RatedRow<'_>> = rows
                .iter()
                .map(|r| RatedRow {
                    label: &r.label,
                    level: e.level(&r.key),
                })
                .collect();
            let mark = e.proposed.expect("mark");
            assert!(portfolio_domain::evaluation::ready_to_sign(&rated, Some(mark)).is_ok());
            assert!(mark_warnings(&rated, mark).is_empty(), "{e:?}");
        }
    }
}
