//! `portfolio-sio generate`: a national data set for benchmarks, written through the real store
//! with the checks of the pages — académies and their exam session, schools of 20 to 70
//! candidates in a SISR and a SLAM class, teachers, réalisations with their productions,
//! internships and certificates, hand-ins, registrations, commissions of 20 whose composition
//! passes annexe II.D, and grids signed by both members for most of them.
//!
//! The same seed gives the same names and counts: everything is decided by a plan drawn first
//! ([`plan`]), and each candidate's dossier and grids by a stream of draws of their own
//! ([`content`]), whatever the order the concurrent tasks finish in. One Argon2 hash serves
//! every account. SQLite takes one writer at a time: writes go through a queue in the process
//! (rather than SQLite's busy wait), reads run beside them.

pub(crate) mod content;
mod names;
mod plan;
mod progress;
pub(crate) mod rng;

use crate::options::{self, GenerateArgs, Global};
use anyhow::{Context, Result};
use content::ArtifactDraft;
use plan::{CandidateRef, Grading, MemberRef, Plan, SESSION_YEAR};
use portfolio_domain::access::{Actor, CommissionFacts, DossierEditCap, StudentCap};
use portfolio_domain::artifact::{QUOTA_BYTES, check_link, file_type};
use portfolio_domain::commission::{CommissionExam, Member, MemberProfile, check_composition};
use portfolio_domain::registration::{CandidateNumber, CandidateRegistration};
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::{DossierExam, SessionLabels};
use portfolio_framework::Track;
use portfolio_store::blobs::DynBlobStore;
use portfolio_store::{
    ArtifactKind, AuditEvent, CommissionInput, DossierSnapshot, DynStore, Enrolment, NewArtifact,
    NewClass, NewExamSession, NewSchool, NewUser, ReviewStatus, SessionSettings, StoreError,
};
use portfolio_web::session::now;
use progress::Progress;
use rng::Rng;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use time::{Date, Month};

/// The password of every generated account (it passes the password policy, which is checked).
pub const BENCH_PASSWORD: &str = "banc-national-sio-2027";
/// The most candidates one run makes.
pub const MAX_CANDIDATES: usize = 1_000_000;
/// Of a thousand file productions, how many get real bytes in the blob store (the others are
/// rows only).
const REAL_FILES_PER_MILLE: u32 = 20;

/// What was written, counted as it was written.
#[derive(Default)]
struct Stats {
    users: AtomicU64,
    teachers: AtomicU64,
    realisations: AtomicU64,
    artifacts: AtomicU64,
    real_files: AtomicU64,
    internships: AtomicU64,
    certificates: AtomicU64,
    reviews: AtomicU64,
    hand_ins: AtomicU64,
    registrations: AtomicU64,
    commissions: AtomicU64,
    evaluations: AtomicU64,
    signed: AtomicU64,
}

fn add(counter: &AtomicU64, n: usize) {
    counter.fetch_add(n as u64, Ordering::Relaxed);
}

struct Ctx {
    store: DynStore,
    blobs: DynBlobStore,
    plan: Plan,
    hash: String,
    /// SQLite: one writer at a time, in the order they asked.
    writer: Option<tokio::sync::Mutex<()>>,
    stats: Stats,
}

impl Ctx {
    /// Runs one write of the store (one transaction), behind the queue when there is one.
    async fn write<T>(
        &self,
        f: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let _turn = match &self.writer {
            Some(m) => Some(m.lock().await),
            None => None,
        };
        f.await
    }

    async fn person(&self, p: &plan::Person, grants: &[Grant]) -> Result<i64> {
        let id = self
            .write(self.store.create_user(&NewUser {
                email: p.email.clone(),
                first_name: p.first.clone(),
                last_name: p.last.clone(),
                password_hash: Some(self.hash.clone()),
                created_at: now(),
            }))
            .await
            .with_context(|| format!("création du compte {}", p.email))?;
        for g in grants {
            self.write(self.store.add_grant(id, *g, now())).await?;
        }
        add(&self.stats.users, 1);
        Ok(id)
    }
}

fn grant(role: Role, scope: i64) -> Result<Grant> {
    Grant::new(role, Some(scope)).map_err(|e| anyhow::anyhow!("{e}"))
}

/// 32 hexadecimal characters from the CSPRNG, as the server names uploaded files.
fn storage_key() -> String {
    let digest = portfolio_web::session::hash_token(&portfolio_web::session::random_token(24));
    digest[..32].to_string()
}

fn day(y: i32, m: Month, d: u8) -> Option<Date> {
    Date::from_calendar_date(y, m, d).ok()
}

/// « académie de Lyon », « académie d’Amiens ».
fn of_academy(name: &str) -> String {
    let vowel = name.chars().next().is_some_and(|c| "AEIOUÉÈ".contains(c));
    if vowel {
        format!("académie d’{name}")
    } else {
        format!("académie de {name}")
    }
}

/// A student once their dossier is written.
#[derive(Clone)]
struct StudentDone {
    id: i64,
    /// The two réalisations presented for E5: (id, title).
    e5: Option<[(i64, String); 2]>,
    handed_in: bool,
}

struct SchoolDone {
    /// Per class, per student (the plan's order).
    students: Vec<Vec<StudentDone>>,
    teachers: Vec<i64>,
}

struct SessionDone {
    id: i64,
    jury: i64,
}

pub async fn run(global: &Global, args: &GenerateArgs) -> Result<()> {
    anyhow::ensure!(
        (1..=MAX_CANDIDATES).contains(&args.candidates),
        "nombre de candidats invalide ({}) : entre 1 et {MAX_CANDIDATES}",
        args.candidates
    );
    if let Some(jobs) = args.jobs {
        anyhow::ensure!(
            (1..=64).contains(&jobs),
            "--jobs doit être compris entre 1 et 64"
        );
    }
    portfolio_domain::password::check(BENCH_PASSWORD, &[])
        .map_err(|e| anyhow::anyhow!("mot de passe des comptes générés refusé : {e}"))?;
    let url = match &args.database {
        Some(u) => u.clone(),
        None => global.database_url()?,
    };
    let store = options::open_store(&url, global.database_pool).await?;
    if let Err(e) = refuse_non_empty(&store, &url).await {
        store.close().await;
        return Err(e);
    }
    let blobs = options::blob_store(&global.files_dir())?;
    let started = Instant::now();
    let plan = Plan::build(args.candidates, args.seed);
    let ctx = Arc::new(Ctx {
        writer: (store.backend() == "sqlite").then(|| tokio::sync::Mutex::new(())),
        store: store.clone(),
        blobs,
        hash: portfolio_web::password::hash(BENCH_PASSWORD.to_string()).await?,
        plan,
        stats: Stats::default(),
    });
    // SQLite writes one transaction at a time: more tasks only wait in the queue. PostgreSQL
    // overlaps them (its pool has 16 connections).
    let jobs = args
        .jobs
        .unwrap_or(if ctx.writer.is_some() { 2 } else { 8 });
    let result = fill(&ctx, jobs).await;
    store.close().await;
    let (accounts, phases) = result.context(
        "génération interrompue : la base est incomplète ; supprimez-la (ou videz-la) avant de relancer",
    )?;
    print!(
        "{}",
        summary(
            &ctx,
            &portfolio_store::redact_url(&url),
            started,
            &phases,
            &accounts
        )
    );
    Ok(())
}

async fn refuse_non_empty(store: &DynStore, url: &str) -> Result<()> {
    let counts = store.counts().await?;
    let sessions = store.exam_sessions().await?.len();
    if counts.users > 0 || counts.schools > 0 || counts.classes > 0 || sessions > 0 {
        anyhow::bail!(
            "la base {} n’est pas vide ({} comptes, {} établissements, {} sessions d’examen) : \
             « generate » ne remplit qu’une base neuve ; indiquez-en une autre avec --database \
             (ou --data-dir)",
            portfolio_store::redact_url(url),
            counts.users,
            counts.schools,
            sessions
        );
    }
    Ok(())
}

/// The accounts printed at the end: (what, e-mail).
type Accounts = Vec<(&'static str, String)>;

/// How long each phase took: the schools and dossiers, then the commissions and grids.
#[derive(Default)]
struct Phases {
    dossiers: std::time::Duration,
    commissions: std::time::Duration,
}

async fn fill(ctx: &Arc<Ctx>, jobs: usize) -> Result<(Accounts, Phases)> {
    let mut phases = Phases::default();
    let plan = &ctx.plan;
    ctx.person(&plan.admin, &[Grant::new(Role::Admin, None)?])
        .await?;

    // The exam session of each académie, with its jury president.
    let mut sessions = Vec::with_capacity(plan.academies.len());
    for a in &plan.academies {
        let jury = ctx.person(&a.jury, &[]).await?;
        let id = ctx
            .write(ctx.store.create_exam_session(
                &NewExamSession {
                    year: SESSION_YEAR,
                    academy: a.name.to_string(),
                    label: format!("BTS SIO — session {SESSION_YEAR} — {}", of_academy(a.name)),
                },
                now(),
            ))
            .await?;
        ctx.write(
            ctx.store
                .add_grant(jury, grant(Role::JuryPresident, id)?, now()),
        )
        .await?;
        let cap = Actor::new(jury, vec![grant(Role::JuryPresident, id)?])
            .exam_session(id)
            .context("le président du jury n’a pas accès à sa session")?;
        let year = SESSION_YEAR as i32;
        ctx.write(ctx.store.set_session_settings(
            &cap,
            &SessionSettings {
                labels: SessionLabels::text_of_2019(),
                dossier_due_date: day(year, Month::April, 16),
                ccf_end_date: day(year, Month::May, 31),
                training_end_date: day(year, Month::June, 30),
            },
        ))
        .await?;
        sessions.push(SessionDone { id, jury });
    }

    // Schools, a few at a time.
    let progress = Arc::new(Progress::new(
        "Dossiers",
        "candidats",
        plan.candidates as u64,
    ));
    let mut done: Vec<Option<SchoolDone>> = (0..plan.schools.len()).map(|_| None).collect();
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0usize;
    let (mut written, mut analyzed) = (0usize, 250usize);
    loop {
        while tasks.len() < jobs && next < plan.schools.len() {
            let (ctx, progress, index) = (ctx.clone(), progress.clone(), next);
            tasks.spawn(async move {
                let r = school(&ctx, index, &progress).await;
                (index, r)
            });
            next += 1;
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (index, r) = joined.context("tâche de génération interrompue")?;
        let school = r.with_context(|| format!("établissement {}", plan.schools[index].name))?;
        written += plan.schools[index]
            .classes
            .iter()
            .map(|c| c.students.len())
            .sum::<usize>();
        done[index] = Some(school);
        // Statistics each time the data has doubled: a server without autovacuum would plan
        // every query for empty tables, and each dossier read would scan them whole.
        if written >= analyzed * 2 {
            ctx.store.analyze().await?;
            analyzed = written;
        }
    }
    progress.finish();
    ctx.store.analyze().await?;
    phases.dossiers = progress.elapsed();
    let done: Arc<Vec<SchoolDone>> = Arc::new(done.into_iter().flatten().collect());
    anyhow::ensure!(
        done.len() == plan.schools.len(),
        "des établissements manquent"
    );

    // Registrations, commissions and grids, académie by académie, a few at a time.
    let places: usize = plan.commissions.iter().map(|c| c.candidates.len()).sum();
    let progress = Arc::new(Progress::new("Commissions", "places", places as u64));
    let sessions = Arc::new(sessions);
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0usize;
    loop {
        while tasks.len() < jobs && next < plan.academies.len() {
            let (ctx, progress, done, sessions, index) = (
                ctx.clone(),
                progress.clone(),
                done.clone(),
                sessions.clone(),
                next,
            );
            tasks.spawn(async move {
                let r = academy(&ctx, index, &sessions[index], &done, &progress).await;
                (index, r)
            });
            next += 1;
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (index, r) = joined.context("tâche de génération interrompue")?;
        r.with_context(|| of_academy(plan.academies[index].name))?;
    }
    progress.finish();
    phases.commissions = progress.elapsed();
    Ok((accounts(plan), phases))
}

/// One school: its classes, head, teachers, students and their dossiers.
async fn school(ctx: &Ctx, index: usize, progress: &Progress) -> Result<SchoolDone> {
    let plan = &ctx.plan;
    let sp = &plan.schools[index];
    let t = now();
    let school_id = ctx
        .write(ctx.store.create_school(
            &NewSchool {
                name: sp.name.clone(),
                city: sp.town.to_string(),
                uai: Some(sp.uai.clone()),
            },
            t,
        ))
        .await?;
    let mut class_ids = Vec::with_capacity(sp.classes.len());
    for c in &sp.classes {
        let id = ctx
            .write(ctx.store.create_class(
                &NewClass {
                    school_id,
                    name: c.name.clone(),
                    track: c.track,
                    year_of_training: 2,
                    session_year: SESSION_YEAR,
                },
                t,
            ))
            .await?;
        class_ids.push(id);
    }
    ctx.person(&sp.head, &[grant(Role::HeadOfSchool, school_id)?])
        .await?;
    let mut teachers = Vec::with_capacity(sp.teachers.len());
    for tp in &sp.teachers {
        let grants: Vec<Grant> = tp
            .classes
            .iter()
            .map(|c| grant(Role::Teacher, class_ids[*c]))
            .collect::<Result<_>>()?;
        teachers.push(ctx.person(&tp.person, &grants).await?);
        add(&ctx.stats.teachers, 1);
    }
    let mut students = Vec::with_capacity(sp.classes.len());
    for (ci, c) in sp.classes.iter().enumerate() {
        // The teacher who follows the class's internships and reviews its réalisations: the
        // option's specialist.
        let referent = sp
            .teachers
            .iter()
            .position(|t| t.classes == vec![ci])
            .map(|i| teachers[i])
            .unwrap_or(teachers[0]);
        let mut of_class = Vec::with_capacity(c.students.len());
        for st in &c.students {
            let id = ctx.person(&st.person, &[]).await?;
            ctx.write(ctx.store.enroll_student(
                id,
                &Enrolment {
                    class_id: class_ids[ci],
                    route: st.route,
                    candidate_number: Some(st.candidate_number.clone()),
                },
            ))
            .await?;
            of_class.push(
                dossier(ctx, sp, c.track, class_ids[ci], st, id, referent)
                    .await
                    .with_context(|| {
                        format!("dossier de {} {}", st.person.first, st.person.last)
                    })?,
            );
            progress.add(1);
        }
        students.push(of_class);
    }
    Ok(SchoolDone { students, teachers })
}

/// A candidate's internships, certificate, réalisations with productions, teacher's reviews
/// and hand-in, entered with the capabilities the access policy gives the student and their
/// teacher.
async fn dossier(
    ctx: &Ctx,
    sp: &plan::SchoolPlan,
    track: Track,
    class_id: i64,
    st: &plan::StudentPlan,
    id: i64,
    teacher: i64,
) -> Result<StudentDone> {
    let mut rng = Rng::stream(ctx.plan.seed, "candidate", &[st.global as u64]);
    let facts = ctx
        .store
        .student_facts(id)
        .await?
        .context("élève introuvable après sa création")?;
    let cap: StudentCap = Actor::new(id, vec![grant(Role::Student, class_id)?])
        .student(&facts)
        .context("l’élève n’a pas accès à son dossier")?;
    let edit: DossierEditCap = cap
        .edit()
        .context("le dossier n’est pas modifiable par son titulaire")?;
    let teacher_cap = Actor::new(teacher, vec![grant(Role::Teacher, class_id)?])
        .student(&facts)
        .context("l’enseignant n’a pas accès au dossier")?;

    let forms = content::internships(&mut rng, st.route, sp.town);
    let internships = content::parse_internships(&forms)?;
    let mut internship_ids = Vec::with_capacity(internships.len());
    for input in &internships {
        internship_ids.push(
            ctx.write(ctx.store.create_internship(&edit, input, now()))
                .await?,
        );
    }
    add(&ctx.stats.internships, internships.len());
    // The first-year internship is over: most certificates are uploaded, most of those checked.
    if st.route != Route::Apprenticeship && rng.chance(90) {
        let key = storage_key();
        if rng.below(1000) < REAL_FILES_PER_MILLE as usize {
            ctx.blobs
                .put(&key, &content::tiny_pdf("Attestation de stage"))
                .await?;
            add(&ctx.stats.real_files, 1);
        }
        ctx.write(ctx.store.set_certificate_scan(
            &edit,
            internship_ids[0],
            &key,
            "attestation-de-stage.pdf",
            now(),
        ))
        .await?;
        add(&ctx.stats.certificates, 1);
        if rng.chance(85) {
            let review = teacher_cap
                .internship_review()
                .context("l’enseignant ne peut pas viser l’attestation")?;
            ctx.write(
                ctx.store
                    .confirm_certificate(&review, internship_ids[0], now()),
            )
            .await?;
        }
    }

    let drafted = content::dossier(
        &mut rng,
        track,
        &sp.name,
        &internships,
        &st.person,
        REAL_FILES_PER_MILLE,
    )?;
    let mut items = Vec::with_capacity(drafted.items.len());
    for (input, drafts) in drafted.items {
        let mut artifacts = Vec::with_capacity(drafts.len());
        for d in drafts {
            artifacts.push(match d {
                ArtifactDraft::Link { name, url } => NewArtifact {
                    kind: ArtifactKind::Link,
                    name,
                    url: Some(check_link(&url).map_err(|e| anyhow::anyhow!("{}", e.message))?),
                    storage_key: None,
                    content_type: None,
                    size_bytes: 0,
                },
                ArtifactDraft::File {
                    name,
                    content_type,
                    size,
                } => NewArtifact {
                    kind: ArtifactKind::File,
                    name,
                    url: None,
                    storage_key: Some(storage_key()),
                    content_type: Some(content_type.to_string()),
                    size_bytes: size,
                },
                ArtifactDraft::RealFile { name, bytes } => {
                    let kind =
                        file_type(&name, &bytes).map_err(|e| anyhow::anyhow!("{}", e.message))?;
                    let key = storage_key();
                    ctx.blobs.put(&key, &bytes).await?;
                    add(&ctx.stats.real_files, 1);
                    NewArtifact {
                        kind: ArtifactKind::File,
                        name,
                        url: None,
                        storage_key: Some(key),
                        content_type: Some(kind.content_type.to_string()),
                        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                    }
                }
            });
        }
        add(&ctx.stats.artifacts, artifacts.len());
        items.push((input, artifacts));
    }
    let ids = ctx
        .write(
            ctx.store
                .import_realisations(&edit, &items, drafted.e5, QUOTA_BYTES, now()),
        )
        .await?;
    add(&ctx.stats.realisations, ids.len());
    let e5 = drafted.e5.and_then(|(a, b)| {
        Some([
            (*ids.get(a)?, items.get(a)?.0.title.clone()),
            (*ids.get(b)?, items.get(b)?.0.title.clone()),
        ])
    });

    // The teacher has reviewed part of the réalisations of some students.
    if rng.chance(30) {
        let review = teacher_cap
            .review()
            .context("l’enseignant ne peut pas relire le dossier")?;
        for rid in ids.iter().take(rng.range(1, ids.len() / 2)) {
            let status = if rng.chance(80) {
                ReviewStatus::Validated
            } else {
                ReviewStatus::ToRevise
            };
            ctx.write(
                ctx.store
                    .set_review(&review, *rid, Some(status), teacher, now()),
            )
            .await?;
            add(&ctx.stats.reviews, 1);
        }
    }

    // The hand-in, as the page makes it: the snapshot of the live dossier.
    if st.hands_in {
        let profile = ctx.store.student_profile(&cap).await?;
        let records = ctx.store.realisations(&cap).await?;
        let choice = ctx.store.e5_choice(&cap).await?;
        let internships = ctx.store.internships(&cap).await?;
        let snapshot =
            DossierSnapshot::of(&profile, &records, choice, now()).with_internships(&internships);
        ctx.write(ctx.store.hand_in(&edit, &snapshot, now()))
            .await?;
        ctx.write(ctx.store.audit(&AuditEvent {
            at: now(),
            actor_user_id: Some(id),
            action: "dossier.hand_in",
            target: Some(format!("student:{id}")),
            client_ip: None,
            details: Some("portfolio-sio generate".into()),
        }))
        .await?;
        add(&ctx.stats.hand_ins, 1);
    }
    Ok(StudentDone {
        id,
        e5,
        handed_in: st.hands_in,
    })
}

fn profile_of(ctx: &Ctx, m: MemberRef) -> MemberProfile {
    match m {
        MemberRef::Teacher { school, teacher } => {
            let t = &ctx.plan.schools[school].teachers[teacher];
            MemberProfile::Teacher {
                specialties: t.specialties.clone(),
                blocks: t.blocks.iter().map(|b| b.to_string()).collect(),
            }
        }
        MemberRef::Professional { .. } => MemberProfile::Professional,
    }
}

/// One académie: the registrations of its candidates, its commissions with their members and
/// candidates, and the grids.
async fn academy(
    ctx: &Ctx,
    index: usize,
    session: &SessionDone,
    done: &[SchoolDone],
    progress: &Progress,
) -> Result<()> {
    let plan = &ctx.plan;
    let ap = &plan.academies[index];
    let cap = Actor::new(session.jury, vec![grant(Role::JuryPresident, session.id)?])
        .exam_session(session.id)
        .context("le président du jury n’a pas accès à sa session")?;
    let student = |c: CandidateRef| &done[c.school].students[c.class][c.student];

    // The académie's list of candidates, imported as the page imports it.
    let mut rows = Vec::new();
    for s in &ap.schools {
        let sp = &plan.schools[*s];
        for c in &sp.classes {
            for st in &c.students {
                rows.push(CandidateRegistration {
                    candidate_number: CandidateNumber::parse(&st.candidate_number)
                        .map_err(|e| anyhow::anyhow!(e))?,
                    last_name: st.person.last.clone(),
                    first_name: st.person.first.clone(),
                    track: c.track,
                    route: st.route,
                    form: sp.form,
                });
            }
        }
    }
    let report = ctx
        .write(ctx.store.register_candidates(&cap, &rows, now()))
        .await?;
    anyhow::ensure!(
        report.linked == rows.len(),
        "{} inscriptions sur {} seulement rattachées à un compte",
        report.linked,
        rows.len()
    );
    add(&ctx.stats.registrations, report.created);

    let mut professionals = Vec::with_capacity(ap.professionals.len());
    for p in &ap.professionals {
        professionals.push(ctx.person(p, &[]).await?);
    }
    let user_of = |m: MemberRef| match m {
        MemberRef::Teacher { school, teacher } => done[school].teachers[teacher],
        MemberRef::Professional { index, .. } => professionals[index],
    };

    // Commissions, checked against annexe II.D as the page checks them, then their candidates.
    let mut ids = Vec::with_capacity(ap.commissions.len());
    for ci in &ap.commissions {
        let c = &plan.commissions[*ci];
        let members: Vec<Member> = c
            .members
            .iter()
            .map(|m| {
                let p = plan.member(*m);
                Member {
                    user_id: user_of(*m),
                    name: format!("{} {}", p.first, p.last),
                    profile: profile_of(ctx, *m),
                }
            })
            .collect();
        let rule = match c.exam {
            DossierExam::Block1 => CommissionExam::Block1,
            DossierExam::Block2 => CommissionExam::Block2(c.form),
        };
        check_composition(rule, c.track, &members).map_err(|broken| {
            let list: Vec<String> = broken.iter().map(|b| b.to_string()).collect();
            anyhow::anyhow!("commission « {} » refusée : {}", c.name, list.join(" "))
        })?;
        let id = ctx
            .write(
                ctx.store.save_commission(
                    &cap,
                    None,
                    &CommissionInput {
                        name: c.name.clone(),
                        exam: c.exam,
                        track: c.track,
                        exam_date: Some(c.exam_date),
                        start_time: Some("08:00".into()),
                        members: members
                            .into_iter()
                            .map(|m| (m.user_id, m.profile))
                            .collect(),
                    },
                    now(),
                ),
            )
            .await?;
        add(&ctx.stats.commissions, 1);
        for r in &c.candidates {
            ctx.write(ctx.store.assign_to_commission(&cap, id, student(*r).id))
                .await?;
        }
        ids.push(id);
    }

    // The grids: both visas in most commissions, some under way, some not started.
    for (ci, id) in ap.commissions.iter().zip(&ids) {
        let c = &plan.commissions[*ci];
        let cfacts = ctx
            .store
            .commission_facts(*id)
            .await?
            .context("commission introuvable après sa création")?;
        let seats: Vec<i64> = c.members.iter().map(|m| user_of(*m)).collect();
        let graded = match c.grading {
            Grading::Complete => c.candidates.len(),
            Grading::Partial => c.candidates.len() / 2,
            Grading::NotStarted => 0,
        };
        for (k, r) in c.candidates.iter().enumerate() {
            let s = student(*r);
            if k < graded && s.handed_in {
                let visas = match (c.grading, k % 3) {
                    (Grading::Complete, _) | (_, 0) => 2,
                    (_, 1) => 1,
                    _ => 0,
                };
                grid(ctx, c, *r, s, cfacts, &seats, visas).await?;
            }
            progress.add(1);
        }
    }
    Ok(())
}

/// Saves a candidate's grid and fiche as the first member, then the visas.
async fn grid(
    ctx: &Ctx,
    c: &plan::CommissionPlan,
    r: CandidateRef,
    s: &StudentDone,
    cfacts: CommissionFacts,
    seats: &[i64],
    visas: usize,
) -> Result<()> {
    let global = ctx.plan.student(r).global as u64;
    let exam_no = match c.exam {
        DossierExam::Block1 => 1,
        DossierExam::Block2 => 2,
    };
    let ability = content::ability(&mut Rng::stream(ctx.plan.seed, "ability", &[global]));
    let mut rng = Rng::stream(ctx.plan.seed, "grid", &[global, exam_no]);
    let chosen = s.e5.as_ref().map(|pair| pair[rng.below(2)].clone());
    if c.exam == DossierExam::Block2 && chosen.is_none() {
        return Ok(());
    }
    let input = content::evaluation(&mut rng, c.exam, c.track, ability, chosen);
    let facts = ctx
        .store
        .student_facts(s.id)
        .await?
        .context("candidat introuvable")?;
    let caps: Vec<_> = seats
        .iter()
        .map(|m| {
            Actor::new(
                *m,
                vec![grant(Role::CommissionMember, cfacts.commission_id)?],
            )
            .evaluation(&cfacts, &facts)
            .context("le membre n’a pas accès à la grille du candidat")
        })
        .collect::<Result<_>>()?;
    ctx.write(
        ctx.store
            .save_evaluation(&caps[0], &input, None, seats[0], now()),
    )
    .await?;
    add(&ctx.stats.evaluations, 1);
    for (cap, member) in caps.iter().zip(seats).take(visas) {
        ctx.write(ctx.store.sign_evaluation(cap, *member, now()))
            .await?;
    }
    if visas == 2 {
        add(&ctx.stats.signed, 1);
    }
    Ok(())
}

/// The accounts to log in with: a teacher, a commission member, the jury president, a
/// student, the head of school and the administrator.
fn accounts(plan: &Plan) -> Accounts {
    let mut out: Accounts = Vec::new();
    if let Some(s) = plan.schools.first() {
        if let Some(t) = s.teachers.get(1) {
            out.push(("Enseignant(e) SISR", t.person.email.clone()));
        }
        if let Some(st) = s
            .classes
            .iter()
            .flat_map(|c| c.students.iter())
            .find(|st| st.hands_in)
        {
            out.push(("Étudiant(e)", st.person.email.clone()));
        }
        out.push(("Chef(fe) d’établissement", s.head.email.clone()));
    }
    if let Some(c) = plan.commissions.first() {
        out.push((
            "Membre de commission",
            plan.member(c.members[1]).email.clone(),
        ));
    }
    if let Some(a) = plan.academies.first() {
        out.push(("Président(e) de jury", a.jury.email.clone()));
    }
    out.push(("Administration", plan.admin.email.clone()));
    out
}

fn summary(ctx: &Ctx, url: &str, started: Instant, phases: &Phases, accounts: &Accounts) -> String {
    let plan = &ctx.plan;
    let s = &ctx.stats;
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let classes: usize = plan.schools.iter().map(|s| s.classes.len()).sum();
    let elapsed = started.elapsed();
    let rate = plan.candidates as f64 / elapsed.as_secs_f64().max(0.001);
    let lines: Vec<(&str, u64)> = vec![
        ("académies", plan.academies.len() as u64),
        ("établissements", plan.schools.len() as u64),
        ("classes", classes as u64),
        ("candidats", plan.candidates as u64),
        ("enseignants", get(&s.teachers)),
        ("comptes", get(&s.users)),
        ("réalisations", get(&s.realisations)),
        ("productions", get(&s.artifacts)),
        ("fichiers réels", get(&s.real_files)),
        ("relectures", get(&s.reviews)),
        ("stages", get(&s.internships)),
        ("attestations", get(&s.certificates)),
        ("dossiers remis", get(&s.hand_ins)),
        ("sessions d’examen", plan.academies.len() as u64),
        ("inscriptions", get(&s.registrations)),
        ("commissions", get(&s.commissions)),
        ("grilles", get(&s.evaluations)),
        ("grilles signées", get(&s.signed)),
    ];
    let mut out = format!(
        "Génération terminée en {} ({rate:.0} candidats/s ; dossiers {}, commissions et grilles {}) : {url}\n\
         Graine {} :\n",
        progress::duration_fr(elapsed),
        progress::duration_fr(phases.dossiers),
        progress::duration_fr(phases.commissions),
        plan.seed
    );
    for (label, n) in lines {
        out.push_str(&format!("  {label:<20} {n}\n"));
    }
    out.push_str(&format!(
        "Comptes (mot de passe commun : {BENCH_PASSWORD}) :\n"
    ));
    for (what, email) in accounts {
        out.push_str(&format!("  {what:<26} {email}\n"));
    }
    out
}
