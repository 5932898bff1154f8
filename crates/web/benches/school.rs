//! Benchmark (not a test): the class dashboard of 35 students and the contrôle de conformité of
//! 5,000 candidates, on SQLite and on PostgreSQL, through the real server on loopback.
//!
//! `cargo bench -p portfolio-web --bench school` (release). PostgreSQL at
//! `PORTFOLIO_TEST_POSTGRES_URL` or postgres://postgres@127.0.0.1:5432/test, in a schema of its
//! own, dropped at the end. Targets: dashboard under 20 ms; 5,000 verdicts under 1 s.

use portfolio_domain::access::Actor;
use portfolio_domain::internship_form::InternshipForm;
use portfolio_domain::realisation::RealisationForm;
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_framework::Track;
use portfolio_store::blobs::LocalBlobStore;
use portfolio_store::{
    DossierSnapshot, DynStore, Enrolment, NewClass, NewExamSession, NewSchool, NewUser,
};
use portfolio_web::AppState;
use portfolio_web::config::WebConfig;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "banc d’essai de la classe";
const CANDIDATES: usize = 5_000;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("portfolio-bench-{}", std::process::id()));
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
        let schema = format!("bench_{}", std::process::id());
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

async fn run(backend: &str, store: DynStore, dir: &std::path::Path) {
    let hash = portfolio_web::password::hash(PASSWORD.into())
        .await
        .expect("hash");
    let t = Instant::now();
    let (teacher_email, class_id, session_id, jury_email) = fill(&store, &hash).await;
    println!(
        "{backend}: {CANDIDATES} candidates and a class of 35 made in {:.1} s",
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

    let teacher = login(&base, &teacher_email).await;
    let dashboard = format!("{base}/classes/{class_id}/dashboard");
    report(
        backend,
        "class dashboard, 35 students",
        50,
        &teacher,
        &dashboard,
        20.0,
    )
    .await;
    let jury = login(&base, &jury_email).await;
    let conformity = format!("{base}/exam-sessions/{session_id}/conformity");
    report(
        backend,
        "contrôle de conformité, 5,000 candidates (page)",
        5,
        &jury,
        &conformity,
        1000.0,
    )
    .await;

    let _ = tx.send(());
    let _ = server.await;
    store.close().await;
}

/// A session of 5,000 candidates (the first 35 in one class), each with 10 réalisations, two
/// internships, a weekly report and a dossier handed in.
async fn fill(store: &DynStore, hash: &str) -> (String, i64, i64, String) {
    let school = store
        .create_school(
            &NewSchool {
                name: "Lycée du banc".into(),
                city: "Caen".into(),
                uai: None,
            },
            0,
        )
        .await
        .expect("school");
    let mut classes = Vec::new();
    for n in 0..CANDIDATES.div_ceil(35) {
        let id = store
            .create_class(
                &NewClass {
                    school_id: school,
                    name: format!("SIO2-{n}"),
                    track: Track::Sisr,
                    year_of_training: 2,
                    session_year: 2027,
                },
                0,
            )
            .await
            .expect("class");
        classes.push(id);
    }
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
    let cap = Actor::new(0, vec![grant(Role::Admin, None)])
        .exam_session(session)
        .expect("admin");
    store
        .set_dossier_due_date(
            &cap,
            time::Date::from_calendar_date(2027, time::Month::May, 5).ok(),
        )
        .await
        .expect("due date");
    let user = |email: String| NewUser {
        email,
        first_name: "Prénom".into(),
        last_name: "Nom".into(),
        password_hash: Some(hash.to_string()),
        created_at: 0,
    };
    let teacher = store
        .create_user(&user("prof@banc.fr".into()))
        .await
        .expect("teacher");
    store
        .add_grant(teacher, grant(Role::Teacher, Some(classes[0])), 0)
        .await
        .expect("grant");
    let jury = store
        .create_user(&user("jury@banc.fr".into()))
        .await
        .expect("jury");
    store
        .add_grant(jury, grant(Role::JuryPresident, Some(session)), 0)
        .await
        .expect("grant");
    let mut commissions = Vec::new();
    for n in 0..CANDIDATES.div_ceil(20) {
        commissions.push(
            store
                .create_commission(session, &format!("Commission {n}"), 0)
                .await
                .expect("commission"),
        );
    }
    let fw = portfolio_framework::bts_sio_2019();
    let skills: Vec<String> = fw
        .competencies_for(Track::Sisr)
        .flat_map(|c| c.skills.iter().map(|s| s.code.clone()))
        .collect();
    for n in 0..CANDIDATES {
        let class = classes[n / 35];
        let id = store
            .create_user(&user(format!("c{n}@banc.fr")))
            .await
            .expect("student");
        store
            .enroll_student(
                id,
                &Enrolment {
                    class_id: class,
                    route: Route::School,
                    candidate_number: None,
                },
            )
            .await
            .expect("enrol");
        store
            .assign_candidate(commissions[n / 20], id)
            .await
            .expect("assign");
        let facts = store
            .student_facts(id)
            .await
            .expect("facts")
            .expect("student");
        let own = Actor::new(id, vec![grant(Role::Student, Some(class))])
            .student(&facts)
            .expect("own");
        let edit = own.edit().expect("edit");
        let items: Vec<_> = (0..10)
            .map(|k| {
                let form = RealisationForm {
                    title: format!("Réalisation {k}"),
                    start_date: "2025-09-01".into(),
                    end_date: "2025-10-01".into(),
                    setting: "training".into(),
                    modality: "solo".into(),
                    skills: skills
                        .iter()
                        .skip((n + k * 3) % skills.len())
                        .take(4)
                        .cloned()
                        .collect(),
                    ..Default::default()
                };
                (form.parse(fw, Track::Sisr).expect("valid"), Vec::new())
            })
            .collect();
        store
            .import_realisations(&edit, &items, None, i64::MAX, 0)
            .await
            .expect("réalisations");
        for (year, start, end) in [
            ("1", "2025-05-19", "2025-06-20"),
            ("2", "2026-01-05", "2026-02-13"),
        ] {
            let input = InternshipForm {
                kind: "internship".into(),
                organisation_name: "Organisation".into(),
                organisation_address: "Caen".into(),
                start_date: start.into(),
                end_date: end.into(),
                year_of_training: year.into(),
                full_time: "1".into(),
                tutor_name: "Tuteur".into(),
                tutor_email: "tuteur@banc.fr".into(),
                ..Default::default()
            }
            .parse()
            .expect("internship");
            let iid = store
                .create_internship(&edit, &input, 0)
                .await
                .expect("internship");
            if year == "1" {
                store
                    .save_weekly_report(
                        &edit,
                        iid,
                        time::Date::from_calendar_date(2025, time::Month::May, 19).expect("date"),
                        "Rapport",
                        0,
                    )
                    .await
                    .expect("report");
            }
        }
        let profile = store.student_profile(&own).await.expect("profile");
        store
            .hand_in(&edit, &DossierSnapshot::of(&profile, &[], None, 0), 0)
            .await
            .expect("hand in");
    }
    (
        "prof@banc.fr".into(),
        classes[0],
        session,
        "jury@banc.fr".into(),
    )
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
    runs: usize,
    who: &(reqwest::Client, String),
    url: &str,
    target_ms: f64,
) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let res = who
            .0
            .get(url)
            .header("cookie", &who.1)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 200, "{url}");
        let _ = res.bytes().await.expect("body");
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    println!(
        "{backend}: {what:<50} {runs:>3} runs  min {:>8.2} ms  median {:>8.2} ms  max {:>8.2} ms  (target < {target_ms} ms: {})",
        ms(times[0]),
        median,
        ms(times[times.len() - 1]),
        if median < target_ms { "met" } else { "MISSED" }
    );
}
