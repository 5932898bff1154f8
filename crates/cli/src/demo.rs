//! `portfolio-sio demo`: a SQLite database with realistic demo data, made through the same store
//! calls and checks as the admin pages, then the server.

use crate::options::{self, DemoArgs, Global};
use anyhow::{Context, Result};
use portfolio_domain::access::Actor;
use portfolio_domain::commission::{CommissionExam, Member, MemberProfile, check_composition};
use portfolio_domain::evaluation::ProposedMark;
use portfolio_domain::input::{Email, ascii_fold};
use portfolio_domain::realisation::RealisationForm;
use portfolio_domain::registration::{CandidateNumber, CandidateRegistration};
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::{DossierExam, SessionLabels};
use portfolio_framework::{ExamForm, MasteryLevel, Track};
use portfolio_store::{
    CommissionInput, DynStore, Enrolment, EvaluationInput, NewClass, NewExamSession, NewSchool,
    NewUser, SessionSettings,
};
use portfolio_web::session::now;

/// The password of every demo account (it passes the password policy, which is checked).
pub const DEMO_PASSWORD: &str = "portfolio-demo-sio";
const DOMAIN: &str = "demo.portfolio-sio.fr";
const SESSION_YEAR: i64 = 2027;

const SISR_STUDENTS: &[(&str, &str)] = &[
    ("Lucas", "Martin"),
    ("Emma", "Bernard"),
    ("Hugo", "Dubois"),
    ("Chloé", "Thomas"),
    ("Nathan", "Robert"),
    ("Léa", "Richard"),
    ("Enzo", "Petit"),
    ("Manon", "Durand"),
    ("Théo", "Leroy"),
    ("Camille", "Moreau"),
    ("Mathis", "Simon"),
    ("Inès", "Laurent"),
    ("Yanis", "Lefebvre"),
    ("Sarah", "Michel"),
    ("Maxime", "Garcia"),
];
const SLAM_STUDENTS: &[(&str, &str)] = &[
    ("Louis", "David"),
    ("Jade", "Bertrand"),
    ("Gabriel", "Roux"),
    ("Louise", "Vincent"),
    ("Arthur", "Fournier"),
    ("Zoé", "Morel"),
    ("Adam", "Girard"),
    ("Lina", "André"),
    ("Noah", "Mercier"),
    ("Clara", "Blanc"),
    ("Rayan", "Guerin"),
    ("Anaïs", "Boyer"),
    ("Tom", "Chevalier"),
    ("Maëlys", "François"),
    ("Mehdi", "Haddad"),
];

/// Lower-case ASCII e-mail from a name: "Chloé Thomas" → chloe.thomas@demo.portfolio-sio.fr.
fn demo_email(first: &str, last: &str) -> String {
    format!("{}.{}@{DOMAIN}", ascii_fold(first), ascii_fold(last))
}

struct Seeder<'a> {
    store: &'a DynStore,
    hash: String,
}

impl Seeder<'_> {
    async fn person(&self, first: &str, last: &str, grants: &[Grant]) -> Result<i64> {
        let email = Email::parse("email", &demo_email(first, last))?;
        let id = self
            .store
            .create_user(&NewUser {
                email: email.as_str().to_string(),
                first_name: first.to_string(),
                last_name: last.to_string(),
                password_hash: Some(self.hash.clone()),
                created_at: now(),
            })
            .await
            .with_context(|| format!("création du compte de démonstration {email}"))?;
        for g in grants {
            self.store.add_grant(id, *g, now()).await?;
        }
        Ok(id)
    }
}

/// Fills an empty store with the demo school.
pub async fn seed(store: &DynStore) -> Result<()> {
    portfolio_domain::password::check(DEMO_PASSWORD, &[])
        .map_err(|e| anyhow::anyhow!("mot de passe de démonstration refusé : {e}"))?;
    // One hash for every demo account: the demo is created in a second, not in a minute.
    let seeder = Seeder {
        store,
        hash: portfolio_web::password::hash(DEMO_PASSWORD.to_string()).await?,
    };
    let t = now();
    let school = store
        .create_school(
            &NewSchool {
                name: "Lycée polyvalent Jean Monnet".into(),
                city: "Caen".into(),
                uai: Some("1410012X".into()),
            },
            t,
        )
        .await?;
    let class_for = |track: Track, name: &str| NewClass {
        school_id: school,
        name: name.into(),
        track,
        year_of_training: 2,
        session_year: SESSION_YEAR,
    };
    let sisr = store
        .create_class(&class_for(Track::Sisr, "BTS SIO 2 SISR"), t)
        .await?;
    let slam = store
        .create_class(&class_for(Track::Slam, "BTS SIO 2 SLAM"), t)
        .await?;

    let g = |role: Role, scope: Option<i64>| Grant::new(role, scope);
    seeder
        .person("Alexandre", "Fontaine", &[g(Role::Admin, None)?])
        .await?;
    seeder
        .person(
            "Isabelle",
            "Moreau-Lagarde",
            &[g(Role::HeadOfSchool, Some(school))?],
        )
        .await?;
    let nathalie = seeder
        .person(
            "Nathalie",
            "Lefèvre",
            &[g(Role::Teacher, Some(sisr))?, g(Role::Teacher, Some(slam))?],
        )
        .await?;
    seeder
        .person("Karim", "Benali", &[g(Role::Teacher, Some(sisr))?])
        .await?;
    seeder
        .person("Sophie", "Marchand", &[g(Role::Teacher, Some(slam))?])
        .await?;

    let mut students = Vec::new();
    for (i, (track_class, list, prefix)) in [(sisr, SISR_STUDENTS, 4), (slam, SLAM_STUDENTS, 5)]
        .into_iter()
        .enumerate()
    {
        for (n, (first, last)) in list.iter().enumerate() {
            let id = seeder.person(first, last, &[]).await?;
            // Two apprentices per class, as in most BTS SIO sections.
            let route = if n % 7 == 3 {
                Route::Apprenticeship
            } else {
                Route::School
            };
            store
                .enroll_student(
                    id,
                    &Enrolment {
                        class_id: track_class,
                        route,
                        candidate_number: Some(format!("0271{prefix}{:06}", 10_417 + n * 37 + i)),
                    },
                )
                .await?;
            students.push((track_class, id));
        }
    }
    let of_class = |c: i64| {
        students
            .iter()
            .filter(move |(k, _)| *k == c)
            .map(|(_, id)| *id)
    };
    let sisr_students: Vec<i64> = of_class(sisr).collect();
    let slam_students: Vec<i64> = of_class(slam).collect();

    let tutor_sisr: Vec<Grant> = sisr_students[..3]
        .iter()
        .map(|s| g(Role::Tutor, Some(*s)))
        .collect::<Result<_, _>>()?;
    seeder.person("Thomas", "Garnier", &tutor_sisr).await?;
    let tutor_slam: Vec<Grant> = slam_students[..3]
        .iter()
        .map(|s| g(Role::Tutor, Some(*s)))
        .collect::<Result<_, _>>()?;
    seeder.person("Émilie", "Caron", &tutor_slam).await?;

    let session = store
        .create_exam_session(
            &NewExamSession {
                year: SESSION_YEAR,
                academy: "Normandie".into(),
                label: format!("BTS SIO — session {SESSION_YEAR}"),
            },
            t,
        )
        .await?;
    let julien = seeder.person("Julien", "Roussel", &[]).await?;
    let claire = seeder.person("Claire", "Dubois-Renaud", &[]).await?;
    let marc = seeder.person("Marc", "Petitjean", &[]).await?;
    let president = seeder
        .person(
            "Philippe",
            "Lambert",
            &[g(Role::JuryPresident, Some(session))?],
        )
        .await?;
    let jury = Actor::new(president, vec![g(Role::JuryPresident, Some(session))?]);
    let session_cap = jury
        .exam_session(session)
        .context("le président du jury lit sa session")?;
    store
        .set_session_settings(
            &session_cap,
            &SessionSettings {
                labels: SessionLabels::text_of_2019(),
                dossier_due_date: Some(date(SESSION_YEAR, time::Month::April, 16)?),
                ccf_end_date: Some(date(SESSION_YEAR, time::Month::May, 28)?),
                training_end_date: Some(date(SESSION_YEAR, time::Month::June, 30)?),
            },
        )
        .await?;
    // Julien Roussel teaches both options; the professionals of the sector sit with him, as
    // the Bloc 1 commission requires (annexe II.D).
    let teacher = MemberProfile::Teacher {
        specialties: vec![Track::Sisr, Track::Slam],
        blocks: vec!["B1".into(), "B2-SISR".into(), "B2-SLAM".into()],
    };
    let mut commissions = Vec::new();
    for (name, track, pro) in [
        ("Commission 1 — Bloc 1 SISR", Track::Sisr, claire),
        ("Commission 2 — Bloc 1 SLAM", Track::Slam, marc),
    ] {
        let members = vec![
            (julien, teacher.clone()),
            (pro, MemberProfile::Professional),
        ];
        let check: Vec<Member> = members
            .iter()
            .map(|(id, p)| Member {
                user_id: *id,
                name: id.to_string(),
                profile: p.clone(),
            })
            .collect();
        check_composition(CommissionExam::Block1, track, &check).map_err(|e| {
            anyhow::anyhow!(
                "composition de la commission de démonstration refusée : {}",
                e.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })?;
        let id = store
            .save_commission(
                &session_cap,
                None,
                &CommissionInput {
                    name: name.into(),
                    exam: DossierExam::Block1,
                    track,
                    exam_date: Some(date(SESSION_YEAR, time::Month::June, 8)?),
                    start_time: Some("08:00".into()),
                    members,
                },
                t,
            )
            .await?;
        commissions.push(id);
    }
    // Every student registered (SISR in CCF, SLAM in the ponctuelle form), the first eight of
    // each class assigned to their commission.
    let mut registrations = Vec::new();
    for (class_students, list, track, form) in [
        (
            &sisr_students,
            SISR_STUDENTS,
            Track::Sisr,
            ExamForm::Continuous,
        ),
        (&slam_students, SLAM_STUDENTS, Track::Slam, ExamForm::OneOff),
    ] {
        for (id, (first, last)) in class_students.iter().zip(list.iter()) {
            let facts = store
                .student_facts(*id)
                .await?
                .context("étudiant de démonstration introuvable")?;
            let cap = Actor::new(*id, vec![g(Role::Student, Some(facts.class_id))?])
                .student(&facts)
                .context("l'étudiant lit son dossier")?;
            let number = store
                .student_profile(&cap)
                .await?
                .student
                .candidate_number
                .unwrap_or_default();
            registrations.push(CandidateRegistration {
                candidate_number: CandidateNumber::parse(&number)
                    .map_err(|e| anyhow::anyhow!("numéro de candidat de démonstration : {e}"))?,
                last_name: (*last).into(),
                first_name: (*first).into(),
                track,
                route: Route::School,
                form,
            });
        }
    }
    store
        .register_candidates(&session_cap, &registrations, t)
        .await?;
    for (commission, class_students) in commissions.iter().zip([&sisr_students, &slam_students]) {
        for s in &class_students[..8] {
            store
                .assign_to_commission(&session_cap, *commission, *s)
                .await?;
        }
    }

    demo_internships(
        store,
        &[(sisr, &sisr_students), (slam, &slam_students)],
        nathalie,
    )
    .await?;

    // Réalisations of two students, entered as a student would: through the form's checks and
    // the capability the access policy gives the owner of a dossier.
    demo_realisations(
        store,
        sisr_students[0],
        sisr,
        Track::Sisr,
        SISR_REALISATIONS,
    )
    .await?;
    demo_realisations(
        store,
        slam_students[1],
        slam,
        Track::Slam,
        SLAM_REALISATIONS,
    )
    .await?;
    // Two grids already rated: one signed by both members, one by the first only.
    let c1_facts = store
        .commission_facts(commissions[0])
        .await?
        .context("commission de démonstration introuvable")?;
    for (i, student) in sisr_students[1..3].iter().enumerate() {
        let facts = store
            .student_facts(*student)
            .await?
            .context("étudiant de démonstration introuvable")?;
        let as_member = |user: i64| -> Result<_> {
            Actor::new(user, vec![g(Role::CommissionMember, Some(commissions[0]))?])
                .evaluation(&c1_facts, &facts)
                .context("un membre de la commission évalue son candidat")
        };
        let levels = portfolio_domain::grid::grid_rows(DossierExam::Block1, Track::Sisr)
            .iter()
            .enumerate()
            .map(|(n, r)| {
                let level = if (n + i) % 3 == 0 {
                    MasteryLevel::ExcellentMastery
                } else {
                    MasteryLevel::GoodMastery
                };
                (r.key.clone(), level)
            })
            .collect();
        store
            .save_evaluation(
                &as_member(julien)?,
                &EvaluationInput {
                    levels,
                    proposed: Some(
                        ProposedMark::parse(["14,5", "12"][i])
                            .map_err(|e| anyhow::anyhow!("note de démonstration : {e}"))?,
                    ),
                    penalties: Vec::new(),
                    environment_conforming: Some(true),
                    chosen_realisation: None,
                    needs_statement: String::new(),
                    part1: "Présentation claire et structurée du parcours de professionnalisation."
                        .into(),
                    part2: "Échange argumenté ; les choix techniques sont justifiés.".into(),
                    appreciation: "Bonne maîtrise des compétences du bloc, toutes mobilisées ; \
                                   environnement technologique conforme."
                        .into(),
                },
                None,
                julien,
                t,
            )
            .await?;
        store
            .sign_evaluation(&as_member(julien)?, julien, t)
            .await?;
        if i == 0 {
            store
                .sign_evaluation(&as_member(claire)?, claire, t)
                .await?;
        }
    }
    Ok(())
}

/// The internships of the demo's students, entered as the student would (through the form's
/// checks) and their certificates confirmed by the class's teacher: a first-year internship
/// from mid-May 2026 and a second-year one in winter 2027 (apprentices: their contract).
/// Kept short of complete on purpose, for the contrôle de conformité to have something to
/// propose: the last student of each class recorded nothing, one has a certificate still to
/// bring, and one did only 4 + 2 weeks.
async fn demo_internships(store: &DynStore, classes: &[(i64, &[i64])], teacher: i64) -> Result<()> {
    use crate::generate::content;
    use crate::generate::rng::Rng;
    let g = |role: Role, scope: Option<i64>| Grant::new(role, scope);
    for (class_id, list) in classes.iter().copied() {
        for (n, id) in list.iter().enumerate() {
            if n + 1 == list.len() {
                continue;
            }
            let facts = store
                .student_facts(*id)
                .await?
                .context("étudiant de démonstration introuvable")?;
            let owner = Actor::new(*id, vec![g(Role::Student, Some(class_id))?])
                .student(&facts)
                .context("l'étudiant lit son dossier")?;
            let edit = owner.edit().context("l'étudiant modifie son dossier")?;
            let route = store.student_profile(&owner).await?.student.route;
            let mut rng = Rng::stream(2027, "demo-internships", &[*id as u64]);
            let mut forms = content::internships(&mut rng, route, "Caen");
            // 11 weeks, the second year split 4 + 2: the case the engine proposes as
            // non-conforming and people decide (five weeks in first year, then four, then two).
            if n == 2 && forms.len() == 2 {
                forms[0].end_date = shift_days(&forms[0].start_date, 5 * 7 - 3)?;
                forms[1].end_date = shift_days(&forms[1].start_date, 4 * 7 - 3)?;
                let mut last = forms[1].clone();
                last.start_date = "2027-03-15".into();
                last.end_date = shift_days(&last.start_date, 2 * 7 - 3)?;
                forms.push(last);
            }
            let inputs = content::parse_internships(&forms)?;
            let review = Actor::new(teacher, vec![g(Role::Teacher, Some(class_id))?])
                .student(&facts)
                .and_then(|c| c.internship_review())
                .context("l'enseignante vise les attestations")?;
            for (k, input) in inputs.iter().enumerate() {
                let internship = store.create_internship(&edit, input, now()).await?;
                // One second-year certificate still to bring.
                if !(n == 1 && k == 1) {
                    store
                        .confirm_certificate(&review, internship, now())
                        .await?;
                }
            }
        }
    }
    Ok(())
}

/// An ISO date `days` after another one.
fn shift_days(iso: &str, days: i64) -> Result<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day =
        time::Date::parse(iso, format).with_context(|| format!("date de démonstration {iso}"))?;
    (day + time::Duration::days(days))
        .format(format)
        .context("date de démonstration")
}

fn date(year: i64, month: time::Month, day: u8) -> Result<time::Date> {
    let year = i32::try_from(year).context("année de démonstration")?;
    time::Date::from_calendar_date(year, month, day).context("date de démonstration")
}

/// (title, start, end, setting, organisation, skills, link)
type DemoRealisation = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

const SISR_REALISATIONS: &[DemoRealisation] = &[
    (
        "Inventaire du parc avec GLPI et OCS Inventory",
        "2025-09-15",
        "2025-10-10",
        "training",
        "Lycée polyvalent Jean Monnet",
        &["B1.1.1", "B1.1.2", "B1.2.1", "B1.2.2", "B1.4.1", "B1.4.2"],
        Some((
            "Procédure d’installation",
            "https://git.demo.portfolio-sio.fr/lmartin/glpi",
        )),
    ),
    (
        "Sauvegarde automatisée des serveurs de la mairie",
        "2026-05-18",
        "2026-06-19",
        "workplace_first_year",
        "Mairie de Hérouville",
        &[
            "B1.1.4",
            "B1.1.5",
            "B1.5.1",
            "B1.5.2",
            "B2-SISR.1.1",
            "B2-SISR.1.4",
        ],
        None,
    ),
    (
        "Mise en place d’une supervision réseau (Zabbix)",
        "2026-11-02",
        "2026-12-11",
        "training",
        "Lycée polyvalent Jean Monnet",
        &["B1.3.2", "B1.6.2", "B2-SISR.3.1", "B2-SISR.3.2"],
        None,
    ),
];

const SLAM_REALISATIONS: &[DemoRealisation] = &[
    (
        "Application de gestion des stages (Symfony)",
        "2025-11-03",
        "2026-01-30",
        "training",
        "Lycée polyvalent Jean Monnet",
        &[
            "B1.4.1",
            "B1.4.2",
            "B1.4.3",
            "B2-SLAM.1.1",
            "B2-SLAM.1.3",
            "B2-SLAM.3.1",
            "B2-SLAM.3.3",
        ],
        Some((
            "Dépôt du code",
            "https://git.demo.portfolio-sio.fr/jbertrand/stages",
        )),
    ),
    (
        "Correctifs et évolutions d’un site de réservation",
        "2026-05-18",
        "2026-06-26",
        "workplace_first_year",
        "Agence Normandie Web",
        &["B1.3.3", "B1.5.1", "B2-SLAM.2.1", "B2-SLAM.2.3"],
        None,
    ),
];

async fn demo_realisations(
    store: &DynStore,
    student_id: i64,
    class_id: i64,
    track: Track,
    list: &[DemoRealisation],
) -> Result<()> {
    let facts = store
        .student_facts(student_id)
        .await?
        .context("élève de démonstration introuvable")?;
    let edit = Actor::new(student_id, vec![Grant::new(Role::Student, Some(class_id))?])
        .student(&facts)
        .and_then(|c| c.edit())
        .context("le dossier de démonstration n’est pas modifiable par son titulaire")?;
    for (title, start, end, setting, organisation, skills, link) in list {
        let form = RealisationForm {
            title: (*title).into(),
            start_date: (*start).into(),
            end_date: (*end).into(),
            setting: (*setting).into(),
            organisation: (*organisation).into(),
            modality: "solo".into(),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            ..RealisationForm::default()
        };
        let input = form
            .parse(portfolio_framework::bts_sio_2019(), track)
            .map_err(|errors| {
                let list: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                anyhow::anyhow!(
                    "réalisation de démonstration « {title} » refusée : {}",
                    list.join(" ; ")
                )
            })?;
        let id = store.create_realisation(&edit, &input, now()).await?;
        if let Some((name, url)) = link {
            store
                .add_artifact(
                    &edit,
                    id,
                    &portfolio_store::NewArtifact {
                        kind: portfolio_store::ArtifactKind::Link,
                        name: (*name).into(),
                        url: Some(portfolio_domain::artifact::check_link(url)?),
                        storage_key: None,
                        content_type: None,
                        size_bytes: 0,
                    },
                    portfolio_domain::artifact::QUOTA_BYTES,
                    now(),
                )
                .await?;
        }
    }
    Ok(())
}

/// Lines printed at start: the logins of the demo.
fn banner(lines: &[String]) -> String {
    format!(
        "Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :\n{}",
        lines.join("\n")
    )
}

pub async fn run(global: &Global, args: &DemoArgs) -> Result<()> {
    options::ensure_writable_dir(&global.data_dir)?;
    if let Some(url) = &global.database_url {
        return run_on(url, global, args).await;
    }
    let path = global.data_dir.join("demo.sqlite");
    if !path.exists() {
        // Seed into a side file, then copy it whole with VACUUM INTO (a copy made of what is
        // committed, WAL included) under a temporary name renamed at the end: an interrupted
        // seed never leaves half a demo.
        let partial = global.data_dir.join("demo.sqlite.partial");
        let copy = global.data_dir.join("demo.sqlite.copy");
        let remove_side_files = || -> Result<()> {
            for base in [&partial, &copy] {
                for suffix in ["", "-wal", "-shm"] {
                    let p = format!("{}{suffix}", base.display());
                    if std::path::Path::new(&p).exists() {
                        std::fs::remove_file(&p).with_context(|| format!("suppression de {p}"))?;
                    }
                }
            }
            Ok(())
        };
        remove_side_files()?;
        let url = global.sqlite_url("demo.sqlite.partial")?;
        let store = options::open_store(&url, global.database_pool).await?;
        seed(&store)
            .await
            .context("création des données de démonstration")?;
        store
            .backup(&copy)
            .await
            .context("copie de la base de démonstration")?;
        store.close().await;
        std::fs::rename(&copy, &path)
            .with_context(|| format!("renommage de {} en {}", copy.display(), path.display()))?;
        remove_side_files()?;
        println!("Base de démonstration créée : {}", path.display());
    } else {
        println!("Base de démonstration réutilisée : {}", path.display());
    }
    let store =
        options::open_store(&global.sqlite_url("demo.sqlite")?, global.database_pool).await?;
    prepare_or_serve(store, global, args).await
}

/// The demo in the database `--database-url` names (PostgreSQL, or a SQLite file of one's
/// choosing): seeded when it is empty, reused when it is a demo already, refused otherwise —
/// the demo's accounts and their shared password must never land in a real database.
async fn run_on(url: &str, global: &Global, args: &DemoArgs) -> Result<()> {
    let store = options::open_store(url, global.database_pool).await?;
    let shown = portfolio_store::redact_url(url);
    let admin = demo_email("Alexandre", "Fontaine");
    if store.counts().await?.users == 0 {
        seed(&store)
            .await
            .context("création des données de démonstration")?;
        println!("Base de démonstration créée : {shown}");
    } else if store.user_by_email(&admin).await?.is_some() {
        println!("Base de démonstration réutilisée : {shown}");
    } else {
        store.close().await;
        anyhow::bail!(
            "la base {shown} n’est pas vide et n’est pas une base de démonstration : la démonstration s’installe dans une base vide (ou dans la sienne), jamais dans une base réelle"
        );
    }
    prepare_or_serve(store, global, args).await
}

async fn prepare_or_serve(store: DynStore, global: &Global, args: &DemoArgs) -> Result<()> {
    let lines = demo_logins();
    if args.prepare_only {
        println!("{}", banner(&lines));
        store.close().await;
        return Ok(());
    }
    let blobs = options::blob_store(
        &global
            .files_dir
            .clone()
            .unwrap_or_else(|| global.data_dir.join("demo-files")),
    )?;
    options::serve(store, blobs, &args.serve, Some(banner(&lines))).await
}

fn demo_logins() -> Vec<String> {
    [
        ("Administration", "Alexandre", "Fontaine"),
        ("Étudiant SISR", "Lucas", "Martin"),
        ("Étudiante SLAM", "Jade", "Bertrand"),
        ("Enseignante (SISR et SLAM)", "Nathalie", "Lefèvre"),
        ("Tuteur de stage", "Thomas", "Garnier"),
        ("Membre de commission", "Julien", "Roussel"),
        ("Cheffe d’établissement", "Isabelle", "Moreau-Lagarde"),
        ("Président de jury", "Philippe", "Lambert"),
    ]
    .iter()
    .map(|(what, f, l)| format!("  {what:<28} {}", demo_email(f, l)))
    .collect()
}
