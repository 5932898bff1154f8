//! The jury's pages and the bordereau récapitulatif: a session of its own (with its own jury
//! president, `jury_seed`, so that the fixture's S1 stays as the other tests expect it) of five
//! commissions seeded through the store as the commissions would fill it — three Bloc 1
//! commissions of six candidates (one marking far above the others), a Bloc 2 SLAM commission
//! of two, a Bloc 2 SISR commission of one — with both visas on every grid but one.

use crate::support::*;
use portfolio_domain::access::{Actor, SessionMarksCap};
use portfolio_domain::commission::MemberProfile;
use portfolio_domain::evaluation::ProposedMark;
use portfolio_domain::grid::grid_rows;
use portfolio_domain::registration::{CandidateNumber, CandidateRegistration};
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::DossierExam;
use portfolio_framework::{ExamForm, MasteryLevel, Penalty, Track};
use portfolio_store::{CommissionInput, Enrolment, EvaluationInput, NewExamSession, NewUser};

/// The jury president of the seeded session (log in with `server.login(PRESIDENT)`).
const PRESIDENT: &str = "jury_seed";
use std::collections::{BTreeMap, BTreeSet};

/// One seeded commission.
struct Seeded {
    id: i64,
    /// (candidate number, evaluation id) of each candidate, in seeding order.
    candidates: Vec<(String, i64)>,
}

struct Jury {
    session: i64,
    president: i64,
    /// By name: "A", "B", "C" (Bloc 1), "D" (Bloc 2 SLAM), "E" (Bloc 2 SISR).
    commissions: BTreeMap<&'static str, Seeded>,
}

impl Jury {
    fn commission(&self, name: &str) -> &Seeded {
        &self.commissions[name]
    }

    fn numbers(&self, names: &[&str]) -> BTreeSet<String> {
        names
            .iter()
            .flat_map(|n| self.commission(n).candidates.iter().map(|c| c.0.clone()))
            .collect()
    }
}

fn level_for(points: f64) -> MasteryLevel {
    match points {
        p if p >= 16.0 => MasteryLevel::ExcellentMastery,
        p if p >= 12.0 => MasteryLevel::GoodMastery,
        p if p >= 8.0 => MasteryLevel::PartialMastery,
        _ => MasteryLevel::NotMastered,
    }
}

/// A commission: name, exam, option, class of its candidates (school A: SISR; school B:
/// SLAM), their proposed marks, the index of a candidate with a penalty, and of one whose
/// grid has only the first visa.
struct Spec {
    name: &'static str,
    exam: DossierExam,
    track: Track,
    school_a: bool,
    marks: &'static [&'static str],
    penalty: Option<usize>,
    one_visa: Option<usize>,
}

const SPECS: [Spec; 5] = [
    Spec {
        name: "A",
        exam: DossierExam::Block1,
        track: Track::Sisr,
        school_a: true,
        marks: &["10", "11", "12", "10", "11", "12"],
        penalty: Some(2),
        one_visa: None,
    },
    Spec {
        name: "B",
        exam: DossierExam::Block1,
        track: Track::Slam,
        school_a: false,
        marks: &["9", "10", "11", "10", "9", "11"],
        penalty: None,
        one_visa: None,
    },
    Spec {
        name: "C",
        exam: DossierExam::Block1,
        track: Track::Sisr,
        school_a: true,
        marks: &["18", "19", "18", "17", "19", "18"],
        penalty: None,
        one_visa: Some(5),
    },
    Spec {
        name: "D",
        exam: DossierExam::Block2,
        track: Track::Slam,
        school_a: false,
        marks: &["14", "15"],
        penalty: None,
        one_visa: None,
    },
    Spec {
        name: "E",
        exam: DossierExam::Block2,
        track: Track::Sisr,
        school_a: true,
        marks: &["13,5"],
        penalty: None,
        one_visa: None,
    },
];

async fn seed(server: &TestServer) -> Jury {
    let store = &server.store;
    let w = &server.world;
    let now = portfolio_web::session::now();
    let session = store
        .create_exam_session(
            &NewExamSession {
                year: 2026,
                academy: "Caen".into(),
                label: "Session 2026 — Caen".into(),
            },
            now,
        )
        .await
        .expect("session");
    let president = store
        .create_user(&NewUser {
            email: email(PRESIDENT),
            first_name: "Jeanne".into(),
            last_name: "Présidente".into(),
            password_hash: Some(password_hash()),
            created_at: now,
        })
        .await
        .expect("president");
    store
        .add_grant(
            president,
            Grant::new(Role::JuryPresident, Some(session)).expect("grant"),
            now,
        )
        .await
        .expect("president's grant");
    let cap = Actor::new(
        w.user_id("admin"),
        vec![Grant::new(Role::Admin, None).expect("grant")],
    )
    .exam_session(session)
    .expect("an admin sets the session up");
    let mut commissions = BTreeMap::new();
    let mut n = 0usize;
    for spec in &SPECS {
        let mut members = Vec::new();
        for seat in 1..=2 {
            members.push(
                store
                    .create_user(&NewUser {
                        email: format!("membre{seat}.{}@exemple.fr", spec.name.to_lowercase()),
                        first_name: "Membre".into(),
                        last_name: format!("{}{seat}", spec.name),
                        password_hash: None,
                        created_at: now,
                    })
                    .await
                    .expect("member"),
            );
        }
        let id = store
            .save_commission(
                &cap,
                None,
                &CommissionInput {
                    name: format!("Commission {}", spec.name),
                    exam: spec.exam,
                    track: spec.track,
                    exam_date: None,
                    start_time: None,
                    members: vec![
                        (
                            members[0],
                            MemberProfile::Teacher {
                                specialties: vec![spec.track],
                                blocks: vec!["B1".into()],
                            },
                        ),
                        (members[1], MemberProfile::Professional),
                    ],
                },
                now,
            )
            .await
            .expect("commission");
        let commission_facts = store
            .commission_facts(id)
            .await
            .expect("facts")
            .expect("commission");
        let class_id = if spec.school_a { w.class_a } else { w.class_b };
        let rows = grid_rows(spec.exam, spec.track);
        let mut candidates = Vec::new();
        for (i, mark) in spec.marks.iter().enumerate() {
            n += 1;
            let number = format!("0271{n:04}");
            let last_name = format!("Candidat{n:02}");
            let student = store
                .create_user(&NewUser {
                    email: format!("candidat{n}@exemple.fr"),
                    first_name: "Prénom".into(),
                    last_name: last_name.clone(),
                    password_hash: None,
                    created_at: now,
                })
                .await
                .expect("candidate");
            store
                .enroll_student(
                    student,
                    &Enrolment {
                        class_id,
                        route: Route::School,
                        candidate_number: Some(number.clone()),
                    },
                )
                .await
                .expect("enrol");
            store
                .register_candidates(
                    &cap,
                    &[CandidateRegistration {
                        candidate_number: CandidateNumber::parse(&number).expect("number"),
                        last_name: last_name.clone(),
                        first_name: "Prénom".into(),
                        track: spec.track,
                        route: Route::School,
                        form: if i % 2 == 0 {
                            ExamForm::Continuous
                        } else {
                            ExamForm::OneOff
                        },
                    }],
                    now,
                )
                .await
                .expect("register");
            store
                .assign_to_commission(&cap, id, student)
                .await
                .expect("assign");
            let facts = store
                .student_facts(student)
                .await
                .expect("facts")
                .expect("student");
            let member_cap = |m: i64| {
                Actor::new(
                    m,
                    vec![Grant::new(Role::CommissionMember, Some(id)).expect("grant")],
                )
                .evaluation(&commission_facts, &facts)
                .expect("a member evaluates the candidate")
            };
            let proposed = ProposedMark::parse(mark).expect("mark");
            let points = f64::from(proposed.hundredths()) / 100.0;
            let input = EvaluationInput {
                levels: rows
                    .iter()
                    .map(|r| (r.key.clone(), level_for(points)))
                    .collect(),
                proposed: Some(proposed),
                penalties: if spec.penalty == Some(i) {
                    vec![Penalty::ALL[1]]
                } else {
                    Vec::new()
                },
                environment_conforming: Some(true),
                part1: "Présentation claire.".into(),
                part2: "Échange solide.".into(),
                appreciation: "Compétences du bloc maîtrisées.".into(),
                ..EvaluationInput::default()
            };
            store
                .save_evaluation(&member_cap(members[0]), &input, None, members[0], now)
                .await
                .expect("save");
            store
                .sign_evaluation(&member_cap(members[0]), members[0], now)
                .await
                .expect("visa 1");
            if spec.one_visa != Some(i) {
                store
                    .sign_evaluation(&member_cap(members[1]), members[1], now)
                    .await
                    .expect("visa 2");
            }
            candidates.push((number, 0));
        }
        commissions.insert(spec.name, Seeded { id, candidates });
    }
    // The evaluation ids, as the jury reads them.
    let marks = Actor::new(
        president,
        vec![Grant::new(Role::JuryPresident, Some(session)).expect("grant")],
    )
    .session_marks(session)
    .expect("president");
    let evaluations = store
        .session_evaluations(&marks)
        .await
        .expect("evaluations");
    for seeded in commissions.values_mut() {
        for (number, eid) in seeded.candidates.iter_mut() {
            *eid = evaluations
                .iter()
                .find(|e| e.candidate_number.as_deref() == Some(number.as_str()))
                .map(|e| e.evaluation.id)
                .expect("evaluation of the candidate");
        }
    }
    Jury {
        session,
        president,
        commissions,
    }
}

fn session_marks(jury: &Jury) -> SessionMarksCap {
    Actor::new(
        jury.president,
        vec![Grant::new(Role::JuryPresident, Some(jury.session)).expect("grant")],
    )
    .session_marks(jury.session)
    .expect("the jury president reads the marks")
}

async fn jury_mark_of(server: &TestServer, jury: &Jury, evaluation_id: i64) -> Option<u8> {
    let marks = session_marks(jury);
    server
        .store
        .session_evaluations(&marks)
        .await
        .expect("evaluations")
        .into_iter()
        .find(|e| e.evaluation.id == evaluation_id)
        .and_then(|e| e.evaluation.jury_mark)
}

/// The markup from the element with `id` to the end of its table row.
fn row<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no element {id} in the page"));
    let end = body[start..]
        .find("</tr>")
        .map_or(body.len(), |e| start + e);
    &body[start..end]
}

/// GET of a download: status, headers and the bytes (the test client reads text).
async fn download(
    server: &TestServer,
    client: &Client,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let cookie = client
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let res = reqwest::Client::new()
        .get(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .expect("download");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.expect("bytes").to_vec())
}

#[tokio::test]
async fn harmonisation_shows_each_commission_with_figures_and_flags_the_deviating_one() {
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let mut president = server.login(PRESIDENT).await;
    let page = president
        .get(&format!("/exam-sessions/{}/harmonisation", jury.session))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains(
            "moyenne à plus d&#39;un écart type de celle de la session, avec au moins 5 candidats"
        ) || body.contains(
            "moyenne à plus d&#x27;un écart type de celle de la session, avec au moins 5 candidats"
        ),
        "the rule is stated"
    );
    // One section per grid.
    assert!(body.contains(r#"id="bloc1""#) && body.contains(r#"id="bloc2-slam""#));
    assert!(body.contains(r#"id="bloc2-sisr""#));
    assert!(body.contains("Bloc 1 — Épreuve E4"));
    // Session figures of Bloc 1: 18 marks, mean 235 / 18 = 13,06.
    assert!(
        body.contains("Session : 18 candidat(s) noté(s), moyenne 13,06"),
        "{body}"
    );
    // Each commission with its count, mean and standard deviation (French decimals).
    let a = row(
        body,
        &format!("bloc1-commission-{}", jury.commission("A").id),
    );
    assert!(
        a.contains("Commission A") && a.contains("<td>6</td><td>11,00</td>"),
        "{a}"
    );
    assert!(a.contains("dans l"), "{a}");
    let b = row(
        body,
        &format!("bloc1-commission-{}", jury.commission("B").id),
    );
    assert!(
        b.contains("<td>10,00</td>") && !b.contains("flagged"),
        "{b}"
    );
    let c = row(
        body,
        &format!("bloc1-commission-{}", jury.commission("C").id),
    );
    assert!(c.contains(r#"class="flagged""#), "{c}");
    assert!(c.contains("<td>18,17</td>") && c.contains("signalée : moyenne au-dessus"));
    let d = row(
        body,
        &format!("bloc2-slam-commission-{}", jury.commission("D").id),
    );
    assert!(d.contains("non jugée"), "{d}");
    // The flagged commission's charts, inline SVG without style attributes or scripts.
    assert!(body.contains(&format!(
        r#"id="bloc1-flagged-{}""#,
        jury.commission("C").id
    )));
    assert!(!body.contains(&format!(
        r#"id="bloc1-flagged-{}""#,
        jury.commission("A").id
    )));
    assert!(body.matches("<svg").count() >= 6, "charts drawn");
    assert!(body.contains("Excellente maîtrise") && body.contains("Non évaluable"));
    assert!(!body.contains("style=") && !body.contains("<script"));
    assert!(header_problems(&page, true, "harmonisation").is_empty());
    // The candidates are shown one commission at a time.
    assert!(!body.contains(r#"id="jury-marks""#));
    let page = president
        .get(&format!(
            "/exam-sessions/{}/harmonisation?commission={}",
            jury.session,
            jury.commission("C").id
        ))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"id="jury-marks""#));
    assert!(
        page.body
            .contains("6 candidat(s) évalué(s) par Commission C")
    );
    assert!(page.body.contains("comparée à celle de la session"));
    let unknown = president
        .get(&format!(
            "/exam-sessions/{}/harmonisation?commission=999999",
            jury.session
        ))
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn the_harmonisation_kept_between_requests_follows_a_change_made_by_another_server() {
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let mut president = server.login(PRESIDENT).await;
    let path = format!("/exam-sessions/{}/harmonisation", jury.session);
    let page = president.get(&path).await;
    assert!(page.body.contains("0 note(s) arrêtée(s)"), "{}", page.body);
    assert!(
        page.body
            .contains("Session : 18 candidat(s) noté(s), moyenne 13,06")
    );

    // Another server (a store of its own on the same database) arrests a mark and changes a
    // proposal: this server sees both at its next request.
    let other = portfolio_store::connect(&server.database_url())
        .await
        .expect("second store");
    let marks = session_marks(&jury);
    let a = jury.commission("A");
    other
        .arrest_mark(
            &marks,
            a.candidates[0].1,
            15,
            None,
            jury.president,
            1_700_000_000,
        )
        .await
        .expect("arrest");
    let page = president.get(&path).await;
    assert!(page.body.contains("1 note(s) arrêtée(s)"), "{}", page.body);

    let target = other
        .session_evaluations(&marks)
        .await
        .expect("evaluations")
        .into_iter()
        .find(|e| e.evaluation.id == a.candidates[1].1)
        .expect("evaluation");
    let facts = other
        .student_facts(target.evaluation.student_id)
        .await
        .expect("facts")
        .expect("student");
    let commission = other
        .commission_facts(a.id)
        .await
        .expect("commission")
        .expect("commission");
    let amend = Actor::new(
        jury.president,
        vec![Grant::new(Role::JuryPresident, Some(jury.session)).expect("grant")],
    )
    .evaluation(&commission, &facts)
    .expect("the president amends");
    let mut input = target.evaluation.input.clone();
    let before = input.proposed.expect("a proposal").hundredths();
    // 18 marks adding up to 235: moving one proposal by 9 points moves the mean by a half.
    input.proposed = Some(
        ProposedMark::from_hundredths(if before >= 900 {
            before - 900
        } else {
            before + 900
        })
        .expect("mark"),
    );
    other
        .save_evaluation(
            &amend,
            &input,
            Some("Erreur de report"),
            jury.president,
            1_700_000_001,
        )
        .await
        .expect("amend");
    let page = president.get(&path).await;
    let expected = if before >= 900 { "12,56" } else { "13,56" };
    assert!(
        page.body.contains(&format!(
            "Session : 18 candidat(s) noté(s), moyenne {expected}"
        )),
        "{}",
        page.body
    );
    other.close().await;
}

#[tokio::test]
async fn harmonisation_and_the_jurys_forms_are_refused_to_everyone_but_the_president() {
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let eid = jury.commission("A").candidates[0].1;
    for who in [
        "teacher_own",
        "admin",
        "commission_own",
        "head_own",
        "jury_own",
        "student_owner",
    ] {
        let mut client = server.login(who).await;
        let page = client
            .get(&format!("/exam-sessions/{}/harmonisation", jury.session))
            .await;
        assert_eq!(page.status, 403, "{who}");
        assert!(page.body.contains("Accès refusé"));
        let post = client
            .post(
                &format!("/exam-sessions/{}/evaluations/{eid}/mark", jury.session),
                &[("mark", "15")],
            )
            .await;
        assert_eq!(post.status, 403, "{who}");
        let post = client
            .post(
                &format!("/exam-sessions/{}/deliberate", jury.session),
                &[("confirm", "1")],
            )
            .await;
        assert_eq!(post.status, 403, "{who}");
    }
    assert_eq!(jury_mark_of(&server, &jury, eid).await, None);
    let anonymous = server
        .client()
        .get(&format!("/exam-sessions/{}/harmonisation", jury.session))
        .await;
    assert_eq!(anonymous.status, 303);
}

#[tokio::test]
async fn the_jury_arrests_a_mark_and_the_page_shows_it_beside_the_commissions() {
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let a = jury.commission("A");
    // The candidate with a penalty: 12 − 2 = 10 by the rule.
    let eid = a.candidates[2].1;
    let mut president = server.login(PRESIDENT).await;
    let list = format!(
        "/exam-sessions/{}/harmonisation?commission={}",
        jury.session, a.id
    );
    let page = president.get(&list).await;
    let before = row(&page.body, &format!("evaluation-{eid}"));
    assert!(
        before.contains(r#"name="mark" value="10""#),
        "prefilled: {before}"
    );
    assert!(
        before.contains("2/2") && before.contains("(−2)"),
        "{before}"
    );

    let done = president
        .post(
            &format!("/exam-sessions/{}/evaluations/{eid}/mark", jury.session),
            &[
                ("mark", "12"),
                ("reason", "Harmonisation de la commission"),
                ("commission", &a.id.to_string()),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location(),
        Some(
            format!(
                "/exam-sessions/{}/harmonisation?commission={}&done=mark#evaluation-{eid}",
                jury.session, a.id
            )
            .as_str()
        )
    );
    assert_eq!(jury_mark_of(&server, &jury, eid).await, Some(12));

    let page = president.get(&format!("{list}&done=mark")).await;
    assert!(page.body.contains("Note arrêtée par le jury"));
    let after = row(&page.body, &format!("evaluation-{eid}"));
    assert!(after.contains("<strong>12</strong>"), "{after}");
    assert!(after.contains("commission : 10, modifiée"), "{after}");
    assert!(after.contains("Motif : Harmonisation de la commission"));
    assert!(page.body.contains("1 note(s) arrêtée(s)"));

    // The history keeps the commission's mark.
    let student = server
        .store
        .session_evaluations(&session_marks(&jury))
        .await
        .expect("evaluations")
        .into_iter()
        .find(|e| e.evaluation.id == eid)
        .expect("evaluation")
        .evaluation
        .student_id;
    let president_id = jury.president;
    let facts = server
        .store
        .student_facts(student)
        .await
        .expect("facts")
        .expect("student");
    let read = Actor::new(
        president_id,
        server.store.grants_of(president_id).await.expect("grants"),
    )
    .evaluation_marks(&facts)
    .expect("marks");
    let history = server
        .store
        .evaluation_history(&read)
        .await
        .expect("history");
    assert!(
        history
            .iter()
            .any(|(_, h)| h.kind == "jury_mark" && h.before.contains("note de la commission : 10")),
        "{history:?}"
    );

    // A grid with one visa: no form, and the store's refusal if posted anyway.
    let c = jury.commission("C");
    let unsigned = c.candidates[5].1;
    let page = president
        .get(&format!(
            "/exam-sessions/{}/harmonisation?commission={}",
            jury.session, c.id
        ))
        .await;
    let line = row(&page.body, &format!("evaluation-{unsigned}"));
    assert!(line.contains("1/2") && line.contains("en attente des deux visas"));
    assert!(!line.contains("<form"));
    let refused = president
        .post(
            &format!(
                "/exam-sessions/{}/evaluations/{unsigned}/mark",
                jury.session
            ),
            &[("mark", "18")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("visa des deux membres"),
        "{}",
        refused.body
    );
    assert_eq!(jury_mark_of(&server, &jury, unsigned).await, None);
}

#[tokio::test]
async fn a_bad_jury_mark_is_refused_in_french_and_changes_nothing() {
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let eid = jury.commission("A").candidates[0].1;
    let mut president = server.login(PRESIDENT).await;
    let path = format!("/exam-sessions/{}/evaluations/{eid}/mark", jury.session);
    for (mark, says) in [
        ("21", "entre 0 et 20"),
        ("douze", "« douze »"),
        ("12,5", "nombre entier de points"),
        ("", "saisissez la note du jury"),
    ] {
        let page = president.post(&path, &[("mark", mark)]).await;
        assert_eq!(page.status, 422, "{mark}: {}", page.body);
        assert!(page.body.contains("Saisie incorrecte"), "{mark}");
        assert!(page.body.contains(says), "{mark}: {}", page.body);
    }
    assert_eq!(jury_mark_of(&server, &jury, eid).await, None);
    // An evaluation of another session (or none) is not found.
    let other = president
        .post(
            &format!("/exam-sessions/{}/evaluations/999999/mark", jury.session),
            &[("mark", "12")],
        )
        .await;
    assert_eq!(other.status, 404);
}

#[tokio::test]
async fn deliberation_waits_for_every_mark_then_is_recorded() {
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let mut president = server.login(PRESIDENT).await;
    let path = format!("/exam-sessions/{}/deliberate", jury.session);
    let unconfirmed = president.post(&path, &[]).await;
    assert_eq!(unconfirmed.status, 422);
    assert!(unconfirmed.body.contains("Cochez la case"));
    let refused = president.post(&path, &[("confirm", "1")]).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("21 note(s) ne sont pas encore arrêtées par le jury"),
        "{}",
        refused.body
    );

    // Every grid signed and every mark arrested: the deliberation is recorded.
    let store = &server.store;
    let c = jury.commission("C");
    let facts = store
        .student_facts(
            store
                .session_evaluations(&session_marks(&jury))
                .await
                .expect("evaluations")
                .iter()
                .find(|e| e.evaluation.id == c.candidates[5].1)
                .expect("evaluation")
                .evaluation
                .student_id,
        )
        .await
        .expect("facts")
        .expect("student");
    let detail = store
        .session_commission_details(
            &Actor::new(0, vec![Grant::new(Role::Admin, None).expect("grant")])
                .exam_session(jury.session)
                .expect("admin"),
        )
        .await
        .expect("details");
    let second = detail
        .iter()
        .find(|d| d.id == c.id)
        .expect("commission C")
        .members[1]
        .user
        .id;
    let commission_facts = store
        .commission_facts(c.id)
        .await
        .expect("facts")
        .expect("commission");
    let cap = Actor::new(
        second,
        vec![Grant::new(Role::CommissionMember, Some(c.id)).expect("grant")],
    )
    .evaluation(&commission_facts, &facts)
    .expect("member");
    store
        .sign_evaluation(&cap, second, portfolio_web::session::now())
        .await
        .expect("second visa");
    let marks = session_marks(&jury);
    let president_id = jury.president;
    for e in store
        .session_evaluations(&marks)
        .await
        .expect("evaluations")
    {
        store
            .arrest_mark(&marks, e.evaluation.id, 12, None, president_id, 0)
            .await
            .expect("arrest");
    }
    let done = president.post(&path, &[("confirm", "1")]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = president
        .get(&format!(
            "/exam-sessions/{}/harmonisation?done=deliberated",
            jury.session
        ))
        .await;
    assert!(page.body.contains(r#"id="deliberated""#));
    assert!(page.body.contains("Délibération enregistrée"));
    assert!(!page.body.contains(r#"id="deliberate""#));
    let again = president.post(&path, &[("confirm", "1")]).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("déjà enregistrée"));
}

#[tokio::test]
async fn the_bordereau_xlsx_lists_every_candidate_of_the_school_and_no_other() {
    use calamine::{Reader, Xlsx};
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let school = server.world.school_a;
    let head = server.login("head_own").await;
    for (bloc, own, heading) in [
        (
            "1",
            jury.numbers(&["A", "C"]),
            "Épreuve E4 – Support et mise à disposition de services informatiques",
        ),
        (
            "2",
            jury.numbers(&["E"]),
            "Épreuve E5 – Administration des systèmes et des réseaux",
        ),
    ] {
        let (status, headers, bytes) = download(
            &server,
            &head,
            &format!(
                "/schools/{school}/exam-sessions/{}/bordereau.xlsx?bloc={bloc}",
                jury.session
            ),
        )
        .await;
        assert_eq!(
            status,
            200,
            "bloc {bloc}: {}",
            String::from_utf8_lossy(&bytes)
        );
        let disposition = headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(
            disposition,
            format!(
                "attachment; filename=\"bordereau-bloc{bloc}-session{}-etablissement{school}.xlsx\"",
                jury.session
            )
        );
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx");
        let range = book
            .worksheet_range("Bordereau récapitulatif")
            .expect("the sheet");
        let text = |r: u32, c: u32| {
            range
                .get_value((r, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        assert_eq!(text(1, 0), heading);
        assert!(text(2, 0).contains("Lycée Ampère"), "{}", text(2, 0));
        let numbers: BTreeSet<String> = (5..200)
            .map(|r| text(r, 0))
            .take_while(|t| t.starts_with("0271"))
            .collect();
        assert_eq!(numbers, own, "bloc {bloc}");
        let others = jury.numbers(&["B", "D"]);
        assert!(numbers.is_disjoint(&others));
        if bloc == "1" {
            // Names split back into last and first name; the penalty and final mark by the rule.
            let penalised = &jury.commission("A").candidates[2].0;
            let line = (5..200)
                .find(|r| text(*r, 0) == *penalised)
                .expect("the penalised candidate");
            assert_eq!(text(line, 1), format!("CANDIDAT{}", &penalised[6..]));
            assert_eq!(text(line, 2), "Prénom");
            assert_eq!(text(line, 6), "12");
            assert_eq!(text(line, 9), "10");
            assert_eq!(text(line, 5), "Commission A");
        }
    }
}

#[tokio::test]
async fn the_bordereau_pdf_names_every_candidate_of_the_school() {
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let school = server.world.school_a;
    let head = server.login("head_own").await;
    let (status, headers, bytes) = download(
        &server,
        &head,
        &format!(
            "/schools/{school}/exam-sessions/{}/bordereau.pdf?bloc=1",
            jury.session
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(bytes.starts_with(b"%PDF"));
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for number in jury.numbers(&["A", "C"]) {
        assert!(flat.contains(&number), "{number} in {flat}");
    }
    for number in jury.numbers(&["B", "D", "E"]) {
        assert!(!flat.contains(&number), "{number} in {flat}");
    }
    assert!(flat.contains("Lycée Ampère"));
}

#[tokio::test]
async fn bordereaux_are_for_the_head_of_the_school_only_and_a_bad_bloc_is_a_french_400() {
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let school = server.world.school_a;
    let xlsx = format!(
        "/schools/{school}/exam-sessions/{}/bordereau.xlsx",
        jury.session
    );
    let pdf = format!(
        "/schools/{school}/exam-sessions/{}/bordereau.pdf",
        jury.session
    );
    let mut head = server.login("head_own").await;
    for path in [
        format!("{xlsx}?bloc=3"),
        format!("{pdf}?bloc=deux"),
        xlsx.clone(),
    ] {
        let page = head.get(&path).await;
        assert_eq!(page.status, 400, "{path}");
        assert!(page.body.contains("bloc=1") && page.body.contains("bloc=2"));
        assert!(page.body.contains("Saisie incorrecte"));
    }
    let unknown = head
        .get(&format!(
            "/schools/{school}/exam-sessions/999999/bordereau.pdf?bloc=1"
        ))
        .await;
    assert_eq!(unknown.status, 404);
    for who in ["head_other", "jury_own", "admin", "teacher_own"] {
        let mut client = server.login(who).await;
        for path in [
            format!("{xlsx}?bloc=1"),
            format!("{pdf}?bloc=1"),
            format!("/schools/{school}/bordereaux"),
        ] {
            let page = client.get(&path).await;
            assert_eq!(page.status, 403, "{who} {path}");
        }
    }

    // The school page links the list of sessions, which links each bordereau.
    let page = head.get(&format!("/schools/{school}")).await;
    assert!(
        page.body
            .contains(&format!(r#"href="/schools/{school}/bordereaux""#))
    );
    let list = head.get(&format!("/schools/{school}/bordereaux")).await;
    assert_eq!(list.status, 200);
    for link in [
        format!("{xlsx}?bloc=1"),
        format!("{pdf}?bloc=1"),
        format!("{xlsx}?bloc=2"),
        format!("{pdf}?bloc=2"),
    ] {
        assert!(list.body.contains(&link), "{link}");
    }
    let mut admin = server.login("admin").await;
    let page = admin.get(&format!("/schools/{school}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("bordereaux-link"));
}

#[tokio::test]
async fn the_transmission_holds_the_bordereau_and_every_grid_and_fiche_of_the_school() {
    use std::io::Read;
    let server = TestServer::start().await;
    let jury = seed(&server).await;
    let school = server.world.school_a;
    let path = format!(
        "/schools/{school}/exam-sessions/{}/transmission.zip?bloc=1",
        jury.session
    );
    let head = server.login("head_own").await;
    let (status, _, bytes) = download(&server, &head, &path).await;
    assert_eq!(status, 200);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    assert!(names.contains(&"bordereau.xlsx".to_string()), "{names:?}");
    assert!(names.contains(&"bordereau.pdf".to_string()), "{names:?}");
    let expected = jury.numbers(&["A", "C"]);
    let grids: Vec<&String> = names.iter().filter(|n| n.starts_with("grilles/")).collect();
    let fiches: Vec<&String> = names.iter().filter(|n| n.starts_with("fiches/")).collect();
    assert_eq!(grids.len(), expected.len(), "{names:?}");
    assert_eq!(fiches.len(), expected.len(), "{names:?}");
    // Each grid is the candidate's, read back.
    let mut found = BTreeSet::new();
    for name in grids.iter().map(|n| (*n).clone()).collect::<Vec<_>>() {
        let mut bytes = Vec::new();
        archive
            .by_name(&name)
            .expect("entry")
            .read_to_end(&mut bytes)
            .expect("read");
        let text = pdf_extract::extract_text_from_mem(&bytes).expect("text");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Grille d'aide à l'évaluation"), "{flat}");
        for n in &expected {
            if flat.contains(n.as_str()) {
                found.insert(n.clone());
            }
        }
    }
    assert_eq!(found, expected);
    // The head of another school gets nothing.
    let other = server.login("head_other").await;
    let (status, _, _) = download(&server, &other, &path).await;
    assert_eq!(status, 403);
}
