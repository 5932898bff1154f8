//! The contrôle de conformité of a session of 35 candidates: five hand-built cases, seven
//! candidates each, checked against the grounds of annexe 6-2; the 6-2 sheets read back.

use crate::support::*;
use portfolio_domain::access::Actor;
use portfolio_domain::internship_form::InternshipForm;
use portfolio_domain::role::{Grant, Role};
use portfolio_store::{DossierSnapshot, Enrolment, NewUser};

#[derive(Clone, Copy, Debug)]
enum Case {
    /// Nothing handed in by the due date.
    NoDossier,
    /// On time, 5 + 6 weeks, certificates signed.
    Conforming,
    /// Handed in after the due date.
    Late,
    /// On time, 4 + 4 weeks.
    TooShort,
    /// On time, 5 + 6 weeks, the 2nd-year certificate missing.
    MissingCertificate,
}

const CASES: [Case; 5] = [
    Case::NoDossier,
    Case::Conforming,
    Case::Late,
    Case::TooShort,
    Case::MissingCertificate,
];

fn unix(date: &str) -> i64 {
    time::Date::parse(
        date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .expect("date")
    .midnight()
    .assume_utc()
    .unix_timestamp()
}

async fn candidate(server: &TestServer, n: usize, case: Case) -> i64 {
    let store = &server.store;
    let w = &server.world;
    let id = store
        .create_user(&NewUser {
            email: format!("candidat{n}@exemple.fr"),
            first_name: format!("Candidat{n}"),
            last_name: format!("{case:?}"),
            password_hash: None,
            created_at: 0,
        })
        .await
        .expect("user");
    store
        .enroll_student(
            id,
            &Enrolment {
                class_id: w.class_a,
                route: portfolio_domain::route::Route::School,
                candidate_number: Some(format!("0271{n:07}")),
            },
        )
        .await
        .expect("enrol");
    store
        .assign_candidate(w.commission_1, id)
        .await
        .expect("assign");
    let facts = store
        .student_facts(id)
        .await
        .expect("facts")
        .expect("student");
    let own = Actor::new(
        id,
        vec![Grant::new(Role::Student, Some(w.class_a)).expect("grant")],
    )
    .student(&facts)
    .expect("owner");
    let edit = own.edit().expect("edit");
    let teacher = Actor::new(
        w.user_id("teacher_own"),
        vec![Grant::new(Role::Teacher, Some(w.class_a)).expect("grant")],
    )
    .student(&facts)
    .and_then(|c| c.internship_review())
    .expect("teacher");
    let periods: &[(&str, &str, &str, bool)] = match case {
        Case::TooShort => &[
            ("1", "2025-05-19", "2025-06-13", true),
            ("2", "2026-01-05", "2026-01-30", true),
        ],
        Case::MissingCertificate => &[
            ("1", "2025-05-19", "2025-06-20", true),
            ("2", "2026-01-05", "2026-02-13", false),
        ],
        _ => &[
            ("1", "2025-05-19", "2025-06-20", true),
            ("2", "2026-01-05", "2026-02-13", true),
        ],
    };
    for (year, start, end, signed) in periods {
        let input = InternshipForm {
            kind: "internship".into(),
            organisation_name: format!("Organisation {year}"),
            organisation_address: "Caen".into(),
            start_date: (*start).into(),
            end_date: (*end).into(),
            year_of_training: (*year).into(),
            full_time: "1".into(),
            tutor_name: "Tuteur".into(),
            tutor_email: "tuteur@exemple.fr".into(),
            ..Default::default()
        }
        .parse()
        .expect("valid internship");
        let iid = store
            .create_internship(&edit, &input, 0)
            .await
            .expect("internship");
        if *signed {
            store
                .confirm_certificate(&teacher, iid, 0)
                .await
                .expect("signed");
        }
    }
    let handed_in = match case {
        Case::NoDossier => None,
        Case::Late => Some(unix("2026-11-10")),
        _ => Some(unix("2026-10-20")),
    };
    if let Some(at) = handed_in {
        let profile = store.student_profile(&own).await.expect("profile");
        store
            .hand_in(&edit, &DossierSnapshot::of(&profile, &[], None, at), at)
            .await
            .expect("hand in");
    }
    id
}

#[tokio::test]
async fn a_session_of_35_candidates_gets_the_grounds_of_annex_6_2() {
    let server = TestServer::start().await;
    let mut ids = Vec::new();
    for n in 0..35 {
        let case = CASES[n % CASES.len()];
        ids.push((candidate(&server, n, case).await, case));
    }
    let session = server.world.session_1;
    let mut jury = server.login("jury_own").await;
    let page = jury
        .post(
            &format!("/exam-sessions/{session}/due-date"),
            &[("due_date", "2026-11-01")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = jury
        .get(&format!("/exam-sessions/{session}/conformity"))
        .await;
    assert_eq!(page.status, 200);
    for (id, case) in &ids {
        let row = page
            .body
            .split(&format!("id=\"candidate-{id}\""))
            .nth(1)
            .and_then(|s| s.split("</tr>").next())
            .unwrap_or_else(|| panic!("no row for {case:?}"));
        use portfolio_domain::conformity as c;
        let (state, ground) = match case {
            Case::NoDossier => ("note « non valide » (NV)", Some(c::NO_DOSSIER)),
            Case::Conforming => ("Conforme", None),
            Case::Late => ("note « non valide » (NV)", Some(c::LATE_DOSSIER)),
            Case::TooShort => ("note « non valide » (NV)", Some(c::INSUFFICIENT_DURATION)),
            Case::MissingCertificate => (
                "En attente de régularisation",
                Some(c::MISSING_CERTIFICATES),
            ),
        };
        let row = row.replace("&#39;", "'");
        assert!(row.contains(state), "{case:?}: {row}");
        match ground {
            Some(g) => assert!(row.contains(g), "{case:?} should cite « {g} »: {row}"),
            None => assert!(!row.contains("<strong>"), "{case:?} has no ground: {row}"),
        }
    }
    // The owner of the fixture (no dossier) is a candidate too.
    assert!(page.body.contains(&format!(
        "candidate-{}",
        server.world.user_id("student_owner")
    )));

    // A decision, then its 6-2 sheet read back.
    let (short, _) = ids
        .iter()
        .find(|(_, c)| matches!(c, Case::TooShort))
        .expect("a short one");
    let page = jury
        .post(
            &format!("/exam-sessions/{session}/conformity/{short}"),
            &[("decision", "conforming")],
        )
        .await;
    assert_eq!(
        page.status, 422,
        "grounds found: cannot be declared conforming"
    );
    let page = jury
        .post(
            &format!("/exam-sessions/{session}/conformity/{short}"),
            &[("decision", "non_conforming")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let cookie = jury
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let res = reqwest::Client::new()
        .get(format!(
            "{}/exam-sessions/{session}/conformity/{short}/sheet.pdf",
            server.base
        ))
        .header("cookie", cookie.clone())
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status().as_u16(), 200);
    let text =
        pdf_extract::extract_text_from_mem(&res.bytes().await.expect("bytes")).expect("text");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("TOOSHORT Candidat3"), "{flat}");
    assert!(
        flat.contains("Normandie") || flat.contains("Lyon"),
        "the académie: {flat}"
    );
    assert!(
        flat.contains("2e année"),
        "the facts of the duration ground: {flat}"
    );
    // A regularisation needs its deadline.
    let (missing, _) = ids
        .iter()
        .find(|(_, c)| matches!(c, Case::MissingCertificate))
        .expect("one");
    let page = jury
        .post(
            &format!("/exam-sessions/{session}/conformity/{missing}"),
            &[("decision", "regularisation")],
        )
        .await;
    assert_eq!(page.status, 422);
    let page = jury
        .post(
            &format!("/exam-sessions/{session}/conformity/{missing}"),
            &[("decision", "regularisation"), ("deadline", "2026-12-01")],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = jury
        .get(&format!("/exam-sessions/{session}/conformity"))
        .await;
    assert!(
        page.body
            .contains("En attente de régularisation jusqu’au 01/12/26"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_candidate_sees_the_conformity_check_and_the_teaching_team_decides_in_ccf() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let session = server.world.session_1;
    let mut jury = server.login("jury_own").await;
    jury.post(
        &format!("/exam-sessions/{session}/due-date"),
        &[("due_date", "2026-11-01")],
    )
    .await;
    // The candidate sees, today, what makes the dossier non-conforming.
    let mut student = server.login("student_owner").await;
    let page = student.get(&format!("/students/{owner}/internships")).await;
    let section = page
        .body
        .split(&format!("id=\"conformity-{session}\""))
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the contrôle of the session")
        .replace("&#39;", "'");
    assert!(
        section.contains("Dossier à remettre au plus tard le 01/11/26"),
        "{section}"
    );
    assert!(section.contains("note « non valide » (NV)"), "{section}");
    assert!(
        section.contains(portfolio_domain::conformity::NO_DOSSIER),
        "{section}"
    );
    assert!(
        !section.contains("Enregistrer la décision"),
        "the student does not decide"
    );
    // In CCF (school route, habilitated school) the teaching team records the decision.
    let mut teacher = server.login("teacher_own").await;
    let path = format!("/students/{owner}/conformity/{session}");
    assert_eq!(
        teacher
            .post(&path, &[("decision", "conforming")])
            .await
            .status,
        422
    );
    let page = teacher.post(&path, &[("decision", "non_conforming")]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student.get(&format!("/students/{owner}/internships")).await;
    assert!(
        page.body.contains("Décision : Non conforme (NV)"),
        "{}",
        page.body
    );
    assert_eq!(
        student
            .post(&path, &[("decision", "non_conforming")])
            .await
            .status,
        403
    );
    // The 6-2 sheet of the team's decision prints its ground.
    let cookie = jury
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let res = reqwest::Client::new()
        .get(format!(
            "{}/exam-sessions/{session}/conformity/{owner}/sheet.pdf",
            server.base
        ))
        .header("cookie", cookie)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status().as_u16(), 200);
    let text =
        pdf_extract::extract_text_from_mem(&res.bytes().await.expect("bytes")).expect("text");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("OWNER Student"), "{flat}");
}
