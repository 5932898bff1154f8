//! The réclamation (002: the fiche d'appréciation « sera portée à la connaissance de la
//! personne candidate en cas de réclamation »), walked through the pages: the académie turns
//! the fixture's publication off, the candidate finds no fiche but a request button, asks, the
//! head of school sees the request and the copy as it will be sent (without the mark), sends
//! it, and the candidate reads the fiche and its PDF — never the mark. Each step is audited.

use crate::confidentiality::{fetch, leaks};
use crate::support::*;

#[tokio::test]
async fn the_candidate_asks_for_the_fiche_and_the_head_of_school_sends_it_without_the_mark() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    let owner = w.user_id("student_owner");
    let session = w.session_1;
    let appraisals = format!("/students/{owner}/appraisals");
    let fiche_pdf = format!("/students/{owner}/appraisals/{}/fiche.pdf", w.evaluation);

    // The académie: fiches on réclamation only (the fixture published them).
    let mut admin = server.login("admin").await;
    let page = admin.get(&format!("/exam-sessions/{session}")).await;
    assert!(
        page.body.contains("id=\"appraisal-publication\""),
        "{}",
        page.body
    );
    let page = admin
        .post(
            &format!("/exam-sessions/{session}/appraisal-publication"),
            &[("published", "maybe")],
        )
        .await;
    assert_eq!(
        page.status, 422,
        "a value outside the two choices is refused"
    );
    let page = admin
        .post(
            &format!("/exam-sessions/{session}/appraisal-publication"),
            &[("published", "0")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    // The candidate: no fiche, a button to ask.
    let mut candidate = server.login("student_owner").await;
    let page = candidate.get(&appraisals).await;
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("id=\"fiche-"),
        "no fiche before the réclamation: {}",
        page.body
    );
    assert!(
        page.body.contains("Demander ma fiche d’appréciation"),
        "{}",
        page.body
    );
    let title = page.body.split("</title>").next().unwrap_or_default();
    assert!(
        !title.contains("<form") && !title.contains("Réclamation"),
        "the title holds only the page's name: {title}"
    );
    assert_eq!(candidate.get(&fiche_pdf).await.status, 404);

    // Another student cannot ask in the candidate's name; the head of school has nothing yet.
    let mut other = server.login("student_other").await;
    let refused = other
        .post(
            &format!("/students/{owner}/reclamations"),
            &[("exam_session", &session.to_string())],
        )
        .await;
    assert_eq!(refused.status, 403);
    let mut head = server.login("head_own").await;
    let desk = head.get("/reclamations").await;
    assert!(
        desk.body.contains("Aucune réclamation en attente."),
        "{}",
        desk.body
    );

    // The candidate asks (a session they did not sit is refused, with a French message).
    let page = candidate
        .post(
            &format!("/students/{owner}/reclamations"),
            &[("exam_session", &(session + 1000).to_string())],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("après la délibération du jury"),
        "{}",
        page.body
    );
    let page = candidate
        .post(
            &format!("/students/{owner}/reclamations"),
            &[("exam_session", &session.to_string())],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = candidate.get(&format!("{appraisals}?done=asked")).await;
    assert!(
        page.body.contains("Réclamation enregistrée"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("en attente de la transmission"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("id=\"fiche-"));

    // The head of school sees it, and the copy as the candidate will receive it: no mark.
    let desk = head.get("/reclamations").await;
    let row = format!("id=\"reclamation-{session}-{owner}\"");
    assert!(desk.body.contains(&row), "{}", desk.body);
    let cookie = format!("{SESSION_COOKIE}={}", head.session().expect("head"));
    let own_copy = fetch(&server, &cookie, &appraisals).await;
    assert!(
        !leaks(&own_copy.text).is_empty(),
        "the head of school's own copy shows the mark"
    );
    let copy = fetch(&server, &cookie, &format!("{appraisals}?copy=candidate")).await;
    assert_eq!(copy.status, 200);
    assert!(
        leaks(&copy.text).is_empty(),
        "the copy to send shows a mark: {:?}",
        leaks(&copy.text)
    );
    let copy_pdf = fetch(&server, &cookie, &format!("{fiche_pdf}?copy=candidate")).await;
    assert!(copy_pdf.content_type.contains("pdf"));
    assert!(leaks(&copy_pdf.text).is_empty(), "{}", copy_pdf.text);

    // The head of school of another school cannot send it.
    let mut stranger = server.login("head_other").await;
    let send = format!("/exam-sessions/{session}/reclamations/{owner}/send");
    assert_eq!(stranger.post(&send, &[]).await.status, 403);
    assert_eq!(head.post(&send, &[]).await.status, 303);
    let desk = head.get("/reclamations?done=sent").await;
    assert!(
        desk.body
            .contains("transmise : la personne candidate la consulte"),
        "{}",
        desk.body
    );
    assert!(
        desk.body.contains("Aucune réclamation en attente."),
        "{}",
        desk.body
    );

    // The candidate reads the fiche and its PDF, without the mark, and when it was sent.
    let cookie = format!(
        "{SESSION_COOKIE}={}",
        candidate.session().expect("candidate")
    );
    for path in [&appraisals, &fiche_pdf] {
        let page = fetch(&server, &cookie, path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            leaks(&page.text).is_empty(),
            "{path}: {:?}",
            leaks(&page.text)
        );
    }
    let page = candidate.get(&appraisals).await;
    assert!(
        page.body
            .contains(&format!("id=\"fiche-{}\"", w.evaluation)),
        "{}",
        page.body
    );
    assert!(page.body.contains("transmise le"), "{}", page.body);

    // Every step is in the audit log.
    let audit = server.audit().await;
    for action in [
        "appraisal.publication",
        "appraisal.requested",
        "appraisal.sent",
    ] {
        assert!(
            audit.iter().any(|a| a.action == action),
            "{action} missing from the audit log"
        );
    }
}
