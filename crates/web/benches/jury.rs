//! Benchmark (not a test): the jury's harmonisation page of a session of 5,000 candidates in
//! 250 commissions of 20, and the bordereau récapitulatif of a school of 70 candidates, on
//! SQLite and on PostgreSQL, through the real server on loopback.
//!
//! `cargo bench -p portfolio-web --bench jury` (release). PostgreSQL at
//! `PORTFOLIO_TEST_POSTGRES_URL` or postgres://postgres@127.0.0.1:5432/test, in a schema of its
//! own, dropped at the end. Targets: harmonisation under 300 ms; each bordereau under 50 ms.
//!
//! The session is seeded through the store as the commissions would fill it (a grid saved,
//! then both visas): 150 Bloc 1 commissions, 50 Bloc 2 SISR, 50 Bloc 2 SLAM; marks spread
//! around a mean of each commission's own, a few commissions far above or below, levels
//! following the marks with some noise. Seeding is setup, not measured.

use portfolio_domain::access::Actor;
use portfolio_domain::commission::MemberProfile;
use portfolio_domain::evaluation::ProposedMark;
use portfolio_domain::grid::grid_rows;
use portfolio_domain::registration::{CandidateNumber, CandidateRegistration};
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::DossierExam;
use portfolio_framework::{ExamForm, MasteryLevel, Penalty, Track};
use portfolio_store::blobs::LocalBlobStore;
use portfolio_store::{
    CommissionInput, DynStore, Enrolment, EvaluationInput, NewClass, NewExamSession, NewSchool,
    NewUser,
};
use portfolio_web::AppState;
use portfolio_web::config::WebConfig;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "banc d’essai du jury";
const CANDIDATES: usize = 5_000;
const PER_COMMISSION: usize = 20;
/// Candidates of the school whose bordereau is measured (the first ones, in Bloc 1).
const SCHOOL_OF: usize = 70;
const RUNS: usize = 20;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("portfolio-bench-jury-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let sqlite = format!("sqlite://{}", dir.join("bench.db").display());
        run(
            "SQLite",
            portfolio_store::connect(&sqlite).await.expect("sqlite"),
            &dir,
        )
        .await;
        let url = std::env::var("PORTFOLIO_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let schema = format!("bench_jury_{}", std::process::id());
        match portfolio_store::postgres::PgStore::connect(&url, Some(&schema)).await {
            Ok(pg) => {
                run("PostgreSQL", Arc::new(pg), &dir).await;
                let _ = portfolio_store::postgres::PgStore::drop_schema(&url, &schema).await;
            }
            Err(e) => println!("PostgreSQL unreachable ({e}): only SQLite measured"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}

fn grant(role: Role, scope: Option<i64>) -> Grant {
    Grant::new(role, scope).expect("grant")
}

struct Seeded {
    session: i64,
    school: i64,
    first_commission: i64,
}

async fn run(backend: &str, store: DynStore, dir: &std::path::Path) {
    let hash = portfolio_web::password::hash(PASSWORD.into())
        .await
        .expect("hash");
    let t = Instant::now();
    let seeded = fill(&store, &hash).await;
    println!(
        "{backend}: {CANDIDATES} candidates in {} commissions, signed grids, made in {:.1} s",
        CANDIDATES / PER_COMMISSION,
        t.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let blobs = LocalBlobStore::new(dir.join(format!("files-{backend}"))).expect("blobs");
    let state = AppState::new(store.clone(), Arc::new(blobs), WebConfig::default());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(portfolio_web::serve(listener, state, async {
        let _ = rx.await;
    }));
    let base = format!("http://{addr}");

    let jury = login(&base, "jury@banc.fr").await;
    let page = format!("{base}/exam-sessions/{}/harmonisation", seeded.session);
    report(
        backend,
        "harmonisation, 5,000 candidates / 250 commissions",
        &jury,
        &page,
        300.0,
    )
    .await;
    let one = format!("{page}?commission={}", seeded.first_commission);
    report(
        backend,
        "harmonisation with one commission's candidates",
        &jury,
        &one,
        300.0,
    )
    .await;
    let head = login(&base, "chef@banc.fr").await;
    for kind in ["xlsx", "pdf"] {
        let url = format!(
            "{base}/schools/{}/exam-sessions/{}/bordereau.{kind}?bloc=1",
            seeded.school, seeded.session
        );
        report(
            backend,
            &format!("bordereau .{kind}, school of {SCHOOL_OF} candidates"),
            &head,
            &url,
            50.0,
        )
        .await;
    }

    let _ = tx.send(());
    let _ = server.await;
    store.close().await;
}

/// A small deterministic generator (no dependency): xorshift.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// −spread..=spread
    fn around(&mut self, spread: i64) -> i64 {
        (self.next() % (2 * spread as u64 + 1)) as i64 - spread
    }
}

fn level_for(hundredths: i64, noise: i64) -> MasteryLevel {
    match hundredths + noise * 150 {
        h if h >= 1600 => MasteryLevel::ExcellentMastery,
        h if h >= 1200 => MasteryLevel::GoodMastery,
        h if h >= 800 => MasteryLevel::PartialMastery,
        h if h >= 300 => MasteryLevel::NotMastered,
        _ => MasteryLevel::NotAssessable,
    }
}

/// The exam and option of commission `k`.
fn commission_kind(k: usize) -> (DossierExam, Track) {
    let commissions = CANDIDATES / PER_COMMISSION;
    match k * 5 / commissions {
        0..=2 => (
            DossierExam::Block1,
            if k.is_multiple_of(2) {
                Track::Sisr
            } else {
                Track::Slam
            },
        ),
        3 => (DossierExam::Block2, Track::Sisr),
        _ => (DossierExam::Block2, Track::Slam),
    }
}

async fn fill(store: &DynStore, hash: &str) -> Seeded {
    let school = |name: &str| NewSchool {
        name: name.into(),
        city: "Caen".into(),
        uai: None,
    };
    let measured = store
        .create_school(&school("Lycée mesuré"), 0)
        .await
        .expect("school");
    let others = store
        .create_school(&school("Lycée du banc"), 0)
        .await
        .expect("school");
    let session = store
        .create_exam_session(
            &NewExamSession {
                year: 2027,
                academy: "Normandie".into(),
                label: "Session 2027".into(),
            },
            0,
        )
        .await
        .expect("session");
    let admin = Actor::new(0, vec![grant(Role::Admin, None)]);
    let cap = admin.exam_session(session).expect("admin");
    let user = |email: String, password: bool| NewUser {
        email,
        first_name: "Prénom".into(),
        last_name: "Nom".into(),
        password_hash: password.then(|| hash.to_string()),
        created_at: 0,
    };
    let jury = store
        .create_user(&user("jury@banc.fr".into(), true))
        .await
        .expect("jury");
    store
        .add_grant(jury, grant(Role::JuryPresident, Some(session)), 0)
        .await
        .expect("grant");
    let head = store
        .create_user(&user("chef@banc.fr".into(), true))
        .await
        .expect("head");
    store
        .add_grant(head, grant(Role::HeadOfSchool, Some(measured)), 0)
        .await
        .expect("grant");

    // Classes of 35, per school and option, made as candidates need them.
    let mut classes: std::collections::HashMap<(i64, Track, usize), i64> = Default::default();
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let mut registrations = Vec::with_capacity(CANDIDATES);
    let mut first_commission = 0;
    let mut placed = std::collections::HashMap::<(i64, Track), usize>::new();
    for k in 0..CANDIDATES / PER_COMMISSION {
        let (exam, track) = commission_kind(k);
        let mut members = Vec::new();
        for seat in 0..2 {
            members.push(
                store
                    .create_user(&user(format!("membre{seat}-{k}@banc.fr"), false))
                    .await
                    .expect("member"),
            );
        }
        let commission = store
            .save_commission(
                &cap,
                None,
                &CommissionInput {
                    name: format!("Commission {:03}", k + 1),
                    exam,
                    track,
                    exam_date: None,
                    start_time: None,
                    members: vec![
                        (
                            members[0],
                            MemberProfile::Teacher {
                                specialties: vec![track],
                                blocks: vec!["B1".into()],
                            },
                        ),
                        (members[1], MemberProfile::Professional),
                    ],
                },
                0,
            )
            .await
            .expect("commission");
        if k == 0 {
            first_commission = commission;
        }
        let commission_facts = store
            .commission_facts(commission)
            .await
            .expect("facts")
            .expect("commission");
        let rows = grid_rows(exam, track);
        // Most commissions mark around 11; every 17th well above, every 23rd well below.
        let centre: i64 = match k {
            k if k % 17 == 5 => 1650,
            k if k % 23 == 7 => 550,
            _ => 1100 + noise.around(150),
        };
        for i in 0..PER_COMMISSION {
            let n = k * PER_COMMISSION + i;
            let school = if n < SCHOOL_OF { measured } else { others };
            let slot = placed.entry((school, track)).or_insert(0);
            let class_key = (school, track, *slot / 35);
            *slot += 1;
            let class = match classes.get(&class_key) {
                Some(c) => *c,
                None => {
                    let id = store
                        .create_class(
                            &NewClass {
                                school_id: school,
                                name: format!("SIO2 {} {}", track.code(), class_key.2),
                                track,
                                year_of_training: 2,
                                session_year: 2027,
                            },
                            0,
                        )
                        .await
                        .expect("class");
                    classes.insert(class_key, id);
                    id
                }
            };
            let number = format!("27{n:07}");
            let id = store
                .create_user(&NewUser {
                    email: format!("c{n}@banc.fr"),
                    first_name: "Prénom".into(),
                    last_name: format!("Candidat{n:04}"),
                    password_hash: None,
                    created_at: 0,
                })
                .await
                .expect("student");
            store
                .enroll_student(
                    id,
                    &Enrolment {
                        class_id: class,
                        route: Route::School,
                        candidate_number: Some(number.clone()),
                    },
                )
                .await
                .expect("enrol");
            registrations.push(CandidateRegistration {
                candidate_number: CandidateNumber::parse(&number).expect("number"),
                last_name: format!("Candidat{n:04}"),
                first_name: "Prénom".into(),
                track,
                route: Route::School,
                form: if n.is_multiple_of(3) {
                    ExamForm::OneOff
                } else {
                    ExamForm::Continuous
                },
            });
            store
                .assign_to_commission(&cap, commission, id)
                .await
                .expect("assign");
            let facts = store
                .student_facts(id)
                .await
                .expect("facts")
                .expect("student");
            let hundredths = (centre + noise.around(350)).clamp(0, 2000);
            let input = EvaluationInput {
                levels: rows
                    .iter()
                    .map(|r| (r.key.clone(), level_for(hundredths, noise.around(2))))
                    .collect(),
                proposed: ProposedMark::from_hundredths(u16::try_from(hundredths).unwrap_or(0)),
                penalties: if n.is_multiple_of(41) {
                    vec![Penalty::ALL[1]]
                } else {
                    Vec::new()
                },
                environment_conforming: Some(true),
                part1: "Présentation claire du parcours.".into(),
                part2: "Échange solide avec la commission.".into(),
                appreciation: "Compétences du bloc maîtrisées dans l’ensemble.".into(),
                ..EvaluationInput::default()
            };
            let member_cap = |m: i64| {
                Actor::new(m, vec![grant(Role::CommissionMember, Some(commission))])
                    .evaluation(&commission_facts, &facts)
                    .expect("a member evaluates")
            };
            store
                .save_evaluation(&member_cap(members[0]), &input, None, members[0], 0)
                .await
                .expect("save");
            for m in &members {
                store
                    .sign_evaluation(&member_cap(*m), *m, 0)
                    .await
                    .expect("visa");
            }
        }
    }
    store
        .register_candidates(&cap, &registrations, 0)
        .await
        .expect("registrations");
    Seeded {
        session,
        school: measured,
        first_commission,
    }
}

async fn login(base: &str, email: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page");
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix("sio_login=")
                .and_then(|r| r.split(';').next())
        })
        .expect("login cookie")
        .to_string();
    let res = client
        .post(format!("{base}/login"))
        .header("cookie", format!("sio_login={cookie}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("csrf_token", cookie.as_str()),
                    ("email", email),
                    ("password", PASSWORD),
                ])
                .finish(),
        )
        .send()
        .await
        .expect("login");
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix("sio_session=")
                .and_then(|r| r.split(';').next())
        })
        .expect("session cookie")
        .to_string();
    (client, format!("sio_session={session}"))
}

async fn report(
    backend: &str,
    what: &str,
    who: &(reqwest::Client, String),
    url: &str,
    target_ms: f64,
) {
    let mut times = Vec::with_capacity(RUNS);
    let mut size = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let res = who
            .0
            .get(url)
            .header("cookie", &who.1)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 200, "{url}");
        size = res.bytes().await.expect("body").len();
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    println!(
        "{backend}: {what:<50} {RUNS:>3} runs  min {:>8.2} ms  median {:>8.2} ms  max {:>8.2} ms  {:>7} kB  (target < {target_ms} ms: {})",
        ms(times[0]),
        median,
        ms(times[times.len() - 1]),
        size / 1024,
        if median < target_ms { "met" } else { "MISSED" }
    );
}
