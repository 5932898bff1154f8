//! Internships and the follow-up platform over HTTP: the student's periods and weekly reports, the
//! teacher's review and tutor link, the tutor without an account.

use crate::support::*;

fn form<'a>(org: &'a str, siret: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "internship"),
        ("organisation_name", org),
        ("organisation_address", "10 rue des Carmes, 14000 Caen"),
        ("siret", siret),
        ("start_date", "2026-05-18"),
        ("end_date", "2026-06-19"),
        ("year_of_training", "1"),
        ("tutor_name", "Marc Tuteur"),
        ("tutor_title", "Administrateur systèmes"),
        ("tutor_email", "marc.tuteur@exemple.fr"),
        ("objectives", "Migration de la messagerie"),
    ]
}

#[tokio::test]
async fn a_tutor_follows_an_internship_through_a_link_and_nothing_else() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let base = format!("/students/{owner}/internships");
    let mut student = server.login("student_owner").await;

    // The period, with a bad SIRET first: named, and nothing lost.
    let page = student
        .post(&base, &form("Cabinet Durand", "73282932000075"))
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("clé de contrôle"), "{}", page.body);
    assert!(page.body.contains("Cabinet Durand"));
    let page = student
        .post(&base, &form("Cabinet Durand", "73282932000074"))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student.get(&base).await;
    let iid: i64 = page
        .body
        .split("id=\"internship-")
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .max()
        .expect("the new internship");

    // Weekly reports inside the period only.
    let reports = format!("{base}/{iid}/reports");
    let page = student
        .post(
            &reports,
            &[("week", "2026-05-20"), ("body", "Inventaire des boîtes")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student
        .post(
            &reports,
            &[("week", "2026-09-01"), ("body", "Hors période")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("en dehors de la période"),
        "{}",
        page.body
    );

    // The teacher makes a tutor link; it is shown once.
    let mut teacher = server.login("teacher_own").await;
    let page = teacher
        .post(&format!("{base}/{iid}/tutor-links"), &[("days", "30")])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let link = page
        .body
        .split("id=\"new-tutor-link\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the link")
        .to_string();
    let path = link
        .split_once("/t/")
        .map(|(_, t)| format!("/t/{t}"))
        .expect("a /t/ link");
    assert!(
        !teacher.get(&base).await.body.contains(&path),
        "the link is shown once only"
    );

    // The tutor, without an account: reads the reports, writes a review, confirms the certificate.
    let mut tutor = server.client();
    let page = tutor.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Inventaire des boîtes"));
    assert!(page.body.contains("Cabinet Durand"));
    tutor.csrf = tutor.cookies.get(LOGIN_COOKIE).cloned();
    let page = tutor
        .post(
            &format!("{path}/review"),
            &[
                ("author_name", "Marc Tuteur"),
                ("body", "Stagiaire autonome et rigoureux."),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = tutor
        .post(&format!("{path}/certificate"), &[("confirm", "yes")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = tutor.get(&path).await;
    assert!(page.body.contains("Stagiaire autonome"));
    assert!(
        page.body.contains("id=\"certificate-state\">signée"),
        "{}",
        page.body
    );
    // Without the form token the tutor's page refuses to write.
    let page = tutor
        .post_form(
            &format!("{path}/review"),
            &[("author_name", "X"), ("body", "Y")],
        )
        .await;
    assert_eq!(page.status, 403);

    // The link opens nothing else: the dossier and the other internship stay closed.
    assert_eq!(tutor.get(&format!("/students/{owner}")).await.status, 303);
    let fixture = server.world.internship;
    assert!(
        !tutor.get(&path).await.body.contains("Mairie de Lyon"),
        "another internship leaked"
    );
    let page = tutor
        .get(&format!(
            "{path}/../../students/{owner}/internships/{fixture}/edit"
        ))
        .await;
    assert_ne!(page.status, 200);

    // The student sees the review and the confirmation, and what the rules say today: a 1st-year
    // internship alone is short of the 10 weeks of the school route.
    let page = student.get(&base).await;
    assert!(
        page.body.contains("conditions non remplies aujourd’hui"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"rules-failures\""), "{}", page.body);
    assert!(
        page.body.contains("2e année"),
        "the missing 2nd-year period is named"
    );
    assert!(page.body.contains("Stagiaire autonome"));
    assert!(
        page.body.contains("confirmée par le tuteur"),
        "{}",
        page.body
    );

    // Revoked or expired, the link answers like an unknown one.
    let page = teacher.get(&base).await;
    let lid: i64 = page
        .body
        .split("/tutor-links/")
        .filter_map(|s| s.split('/').next()?.parse().ok())
        .max()
        .expect("a revocable link");
    let page = teacher
        .post(
            &format!("{base}/{iid}/tutor-links/{lid}/revoke"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(tutor.get(&path).await.status, 404);
    tutor.csrf = tutor.cookies.get(LOGIN_COOKIE).cloned();
    assert_eq!(
        tutor
            .post(&format!("{path}/certificate"), &[("confirm", "yes")])
            .await
            .status,
        404
    );
    // An expired link: made already out of date through the store.
    let facts = server
        .store
        .student_facts(owner)
        .await
        .expect("facts")
        .expect("student");
    let review = portfolio_domain::access::Actor::new(
        server.world.user_id("teacher_own"),
        vec![
            portfolio_domain::role::Grant::new(
                portfolio_domain::role::Role::Teacher,
                Some(server.world.class_a),
            )
            .expect("grant"),
        ],
    )
    .student(&facts)
    .and_then(|c| c.review())
    .expect("teacher");
    let now = portfolio_web::session::now();
    server
        .store
        .create_tutor_link(
            &review,
            iid,
            &portfolio_web::session::hash_token("expired-token-0123456789"),
            server.world.user_id("teacher_own"),
            now - 1,
            now - 86_400,
        )
        .await
        .expect("expired link");
    assert_eq!(tutor.get("/t/expired-token-0123456789").await.status, 404);
}

#[tokio::test]
async fn the_certificate_scan_is_checked_by_content_and_a_teacher_confirms_it() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let iid = server.world.internship;
    let base = format!("/students/{owner}/internships/{iid}");
    let mut student = server.login("student_owner").await;
    let page = student
        .post_multipart(
            &format!("{base}/certificate"),
            &[],
            ("file", "attestation.docx", b"PK\x03\x04x"),
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("PDF ou une image"), "{}", page.body);
    let page = student
        .post_multipart(
            &format!("{base}/certificate"),
            &[],
            ("file", "attestation.pdf", b"%PDF-1.4 signed"),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student.get(&format!("/students/{owner}/internships")).await;
    assert!(page.body.contains("déposée, non signée"), "{}", page.body);
    let form = student.get(&format!("{base}/certificate-form.pdf")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.starts_with("%PDF-"));
    let file = student.get(&format!("{base}/certificate")).await;
    assert_eq!(file.status, 200);
    assert!(
        file.header("content-security-policy")
            .is_some_and(|c| c.contains("sandbox"))
    );
    // The student cannot certify their own certificate; the teacher can.
    assert_eq!(
        student
            .post(
                &format!("{base}/certificate/confirm"),
                &[("confirm", "yes")]
            )
            .await
            .status,
        403
    );
    let mut teacher = server.login("teacher_own").await;
    let page = teacher
        .post(
            &format!("{base}/certificate/confirm"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = student.get(&format!("/students/{owner}/internships")).await;
    assert!(
        page.body.contains("vérifiée par l’équipe pédagogique"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_json_api_records_and_lists_internships() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let mut student = server.login("student_owner").await;
    let token = student.csrf.clone().expect("token");
    let path = format!("/api/v1/students/{owner}/internships");
    let body = serde_json::json!({
        "kind": "employment", "organisation_name": "ESN Normandie", "organisation_address": "Caen",
        "start_date": "2025-01-06", "end_date": "2025-06-27", "year_of_training": "2", "full_time": "0",
        "tutor_name": "Léa Chef", "tutor_email": "lea@esn.fr"
    })
    .to_string();
    let headers = [
        ("content-type", "application/json"),
        ("x-csrf-token", token.as_str()),
    ];
    let page = student
        .send_raw(reqwest::Method::POST, &path, body.into_bytes(), &headers)
        .await;
    assert_eq!(page.status, 201, "{}", page.body);
    let v: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    assert_eq!(
        (v["kind"].as_str(), v["full_time"].as_bool()),
        (Some("employment"), Some(false))
    );
    assert_eq!(v["period"]["start"], "2025-01-06");
    assert_eq!(v["certificate_state"], "missing");
    let bad = serde_json::json!({"kind": "stage", "tutor_email": "x"}).to_string();
    let page = student
        .send_raw(reqwest::Method::POST, &path, bad.into_bytes(), &headers)
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("\"field\":\"kind\""), "{}", page.body);
    let page = student.get(&path).await;
    let list: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(2),
        "the fixture's and the new one"
    );
    let mut other = server.login("student_other").await;
    assert_eq!(other.get(&path).await.status, 403);
}

#[tokio::test]
async fn the_class_dashboard_shows_coverage_internships_and_reports_and_exports_safely() {
    let server = TestServer::start().await;
    let class = server.world.class_a;
    // A student whose name a spreadsheet would take for a formula.
    let id = server
        .store
        .create_user(&portfolio_store::NewUser {
            email: "formule@exemple.fr".into(),
            first_name: "=HYPERLINK(\"http://x\")".into(),
            last_name: "Zorro".into(),
            password_hash: None,
            created_at: 0,
        })
        .await
        .expect("user");
    server
        .store
        .enroll_student(
            id,
            &portfolio_store::Enrolment {
                class_id: class,
                route: portfolio_domain::route::Route::School,
                candidate_number: None,
            },
        )
        .await
        .expect("enrol");
    let mut teacher = server.login("teacher_own").await;
    let page = teacher.get(&format!("/classes/{class}/dashboard")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let owner = server.world.user_id("student_owner");
    let row = page
        .body
        .split(&format!("id=\"student-{owner}\""))
        .nth(1)
        .and_then(|s| s.split("</tr>").next())
        .expect("the owner's row");
    // The fixture réalisation mobilises B1.1 and B2-SISR.1: one réalisation each.
    assert!(row.contains("heat1\">1</td>"), "{row}");
    assert!(row.contains("B1 1/6"), "{row}");
    assert!(row.contains("non conforme aujourd’hui"), "{row}");
    assert!(row.contains("0/1 signée(s)"), "{row}");
    // Filters: nobody has reported this week; only the owner has an internship to certify.
    let page = teacher
        .get(&format!("/classes/{class}/dashboard?filter=certificates"))
        .await;
    assert!(page.body.contains(&format!("student-{owner}")));
    assert!(
        !page.body.contains(&format!("student-{id}\"")),
        "no internship, nothing to certify"
    );
    let page = teacher
        .get(&format!(
            "/classes/{class}/dashboard?sort=weeks&filter=no_report"
        ))
        .await;
    assert!(
        page.body.contains(&format!("student-{owner}"))
            && page.body.contains(&format!("student-{id}"))
    );

    // Exports: the formula-looking name is neutralised in CSV, a text cell in .xlsx.
    let csv = teacher
        .get(&format!("/classes/{class}/dashboard.csv"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.contains("\"Zorro '=HYPERLINK(\"\"http://x\"\")\"")
            || csv.body.contains("\"Zorro =HYPERLINK"),
        "{}",
        csv.body
    );
    assert!(
        !csv.body.contains("\";=HYPERLINK") && !csv.body.contains("\"=HYPERLINK"),
        "{}",
        csv.body
    );
    let xlsx = teacher
        .get(&format!("/classes/{class}/dashboard.xlsx"))
        .await;
    assert_eq!(xlsx.status, 200);
    assert!(
        xlsx.header("content-type")
            .is_some_and(|c| c.contains("spreadsheetml"))
    );
    // Students and admins do not see it.
    let mut student = server.login("student_owner").await;
    assert_eq!(
        student
            .get(&format!("/classes/{class}/dashboard"))
            .await
            .status,
        403
    );
    let mut admin = server.login("admin").await;
    assert_eq!(
        admin
            .get(&format!("/classes/{class}/dashboard"))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn the_class_dashboard_kept_between_requests_follows_a_change_made_by_another_server() {
    let server = TestServer::start().await;
    let class = server.world.class_a;
    let owner = server.world.user_id("student_owner");
    let mut teacher = server.login("teacher_own").await;
    let path = format!("/classes/{class}/dashboard");
    let row_of = |body: &str| -> String {
        body.split(&format!("id=\"student-{owner}\""))
            .nth(1)
            .and_then(|s| s.split("</tr>").next())
            .expect("the owner's row")
            .to_string()
    };
    let row = row_of(&teacher.get(&path).await.body);
    assert!(row.contains("B1 1/6"), "{row}");

    // Another server (a store of its own on the same database) records a réalisation that
    // mobilises a second competency of Bloc 1: this server shows it at its next request.
    let other = portfolio_store::connect(&server.database_url())
        .await
        .expect("second store");
    let facts = other
        .student_facts(owner)
        .await
        .expect("facts")
        .expect("student");
    let edit = portfolio_domain::access::Actor::new(
        owner,
        vec![
            portfolio_domain::role::Grant::new(portfolio_domain::role::Role::Student, Some(class))
                .expect("grant"),
        ],
    )
    .student(&facts)
    .and_then(|c| c.edit())
    .expect("the owner edits");
    let input = portfolio_domain::realisation::RealisationForm {
        title: "Supervision du réseau".into(),
        start_date: "2025-11-03".into(),
        end_date: "2025-11-28".into(),
        setting: "training".into(),
        modality: "solo".into(),
        skills: vec!["B1.2.1".into()],
        ..Default::default()
    }
    .parse(
        portfolio_framework::bts_sio_2019(),
        portfolio_framework::Track::Sisr,
    )
    .expect("valid réalisation");
    other
        .create_realisation(&edit, &input, 1_700_000_000)
        .await
        .expect("réalisation");
    let row = row_of(&teacher.get(&path).await.body);
    assert!(row.contains("B1 2/6"), "{row}");
    other.close().await;
}

#[tokio::test]
async fn a_reduced_duration_counts_only_with_its_demande_de_positionnement() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let base = format!("/students/{owner}/internships");
    let mut student = server.login("student_owner").await;
    // 4 weeks in 2nd year besides the fixture's 5 weeks in 1st year: 9 weeks, short of 10.
    let mut fields = form("Agence", "");
    fields.retain(|(k, _)| !matches!(*k, "start_date" | "end_date" | "year_of_training"));
    fields.extend([
        ("start_date", "2026-01-05"),
        ("end_date", "2026-01-30"),
        ("year_of_training", "2"),
    ]);
    assert_eq!(student.post(&base, &fields).await.status, 303);
    let page = student.get(&base).await;
    assert!(
        page.body.contains("conditions non remplies aujourd’hui"),
        "{}",
        page.body
    );

    let facts = format!("/students/{owner}/candidate-facts");
    assert_eq!(
        student
            .post(&facts, &[("reduction_reason", "force_majeure")])
            .await
            .status,
        403
    );
    let mut teacher = server.login("teacher_own").await;
    // A reduced duration without the request: still short, and the page says why.
    let page = teacher
        .post(&facts, &[("reduction_reason", "force_majeure")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = teacher.get(&base).await;
    assert!(
        page.body.contains("conditions non remplies aujourd’hui"),
        "{}",
        page.body
    );
    assert!(
        page.body.to_lowercase().contains("positionnement"),
        "{}",
        page.body
    );
    // With the demande de positionnement: 9 weeks with 4 consecutive in 2nd year suffice.
    let page = teacher
        .post(
            &facts,
            &[
                ("reduction_reason", "force_majeure"),
                ("positioning_request", "2025-12-01"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    // The duration now suffices (8 weeks with 4 consecutive in 2nd year); only the
    // attestations remain to provide.
    let page = teacher.get(&base).await;
    assert!(
        !page.body.contains("id=\"rules-failures\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("il en faut au moins 8"), "{}", page.body);
    assert!(
        page.body.contains("id=\"rules-certificates\""),
        "{}",
        page.body
    );
    let page = teacher
        .post(&facts, &[("positioning_request", "2025-12-01")])
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("indiquez son motif"), "{}", page.body);
}
