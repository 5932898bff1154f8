//! Setting a session up (labels, registrations, commissions), the commission's grid and fiche
//! (annexes 6-3 and 6-4) with their visas and lock, and what the candidate reads afterwards.

use crate::support::*;
use portfolio_domain::access::Actor;
use portfolio_domain::role::{Grant, Role};

/// The body with the entities askama writes turned back into characters.
fn plain(body: &str) -> String {
    body.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn pdf_text(server: &TestServer, client: &Client, path: &str) -> String {
    let cookie = format!(
        "{}={}",
        SESSION_COOKIE,
        client.session().expect("logged in")
    );
    let res = reqwest::Client::new()
        .get(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status().as_u16(), 200, "GET {path}");
    let bytes = res.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF"), "{path} is not a PDF");
    flat(&pdf_extract::extract_text_from_mem(&bytes).expect("text"))
}

/// student_owner's capabilities on their own dossier, as the access policy gives them.
async fn owner_caps(
    server: &TestServer,
) -> (
    portfolio_domain::access::StudentCap,
    portfolio_domain::access::DossierEditCap,
) {
    let w = &server.world;
    let owner = w.user_id("student_owner");
    let facts = server
        .store
        .student_facts(owner)
        .await
        .expect("facts")
        .expect("owner");
    let own = Actor::new(
        owner,
        vec![Grant::new(Role::Student, Some(w.class_a)).expect("grant")],
    )
    .student(&facts)
    .expect("owner");
    (own, own.edit().expect("edit"))
}

#[tokio::test]
async fn labels_of_the_session_are_printed_on_the_grid_and_checked() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    let mut jury = server.login("jury_own").await;
    let session = w.session_1;
    let settings = |b1: &'static str| {
        vec![
            ("block1_exam", b1),
            ("block2_exam", "E6"),
            ("conformity_annex", "VI-2"),
            ("grid_annex", "VI-3"),
            ("appraisal_annex", "VI-4"),
            ("due_date", "2026-04-15"),
            ("ccf_end_date", ""),
            ("training_end_date", "2026-06-30"),
        ]
    };
    // An empty code is refused, and says which.
    let page = jury
        .post(&format!("/exam-sessions/{session}/settings"), &settings(""))
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        plain(&page.body).contains("code de l'épreuve du bloc 1"),
        "{}",
        page.body
    );
    let page = jury
        .post(
            &format!("/exam-sessions/{session}/settings"),
            &settings("E5"),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let path = format!(
        "/commissions/{}/candidates/{}",
        w.commission_1,
        w.user_id("student_owner")
    );
    let page = jury.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Épreuve E5 – Support et mise à disposition de services informatiques"),
        "{}",
        page.body
    );
    assert!(
        plain(&page.body).contains("ANNEXE VI-3 : Grille d'aide à l'évaluation"),
        "{}",
        page.body
    );
    let text = pdf_text(&server, &jury, &format!("{path}/grid.pdf")).await;
    assert!(text.contains("Épreuve E5"), "{text}");
    assert!(text.contains("VI-3"), "{text}");
    assert!(text.contains("13,37"), "{text}");
    let text = pdf_text(&server, &jury, &format!("{path}/fiche.pdf")).await;
    assert!(text.contains("VI-4"), "{text}");
    assert!(text.contains(FIXTURE_APPRECIATION), "{text}");
}

#[tokio::test]
async fn a_list_of_candidates_is_imported_with_every_rejected_row_explained() {
    let server = TestServer::start().await;
    let session = server.world.session_1;
    let mut admin = server.login("admin").await;
    let csv = "N° candidat;Nom;Prénom;Option;Voie de formation;Forme\r\n\
               26SIO0501;Lemaire;Inès;SISR;Voie scolaire;CCF\r\n\
               26SIO0502;Other;Student;SLAM;apprentissage;ponctuelle\r\n\
               0212-3;Durand;;SIO;stage;oral\r\n";
    let page = admin
        .post_multipart(
            &format!("/exam-sessions/{session}/registrations"),
            &[],
            ("file", "candidats.csv", csv.as_bytes()),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("2 candidat(s) inscrit(s), 0 mis à jour, 1 rattaché(s) à un compte"),
        "{}",
        page.body
    );
    assert!(page.body.contains("1 ligne(s) refusée(s)"), "{}", page.body);
    assert!(page.body.contains("id=\"rejected\""));
    assert!(page.body.contains("26SIO0501"));
    // Not a list at all: nothing registered, and the page says what was expected.
    let page = admin
        .post_multipart(
            &format!("/exam-sessions/{session}/registrations"),
            &[],
            ("file", "notes.csv", b"bonjour;le;monde\r\n"),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        plain(&page.body).contains("Aucun candidat n'a été inscrit"),
        "{}",
        page.body
    );
    // A student may not import, and the refusal comes before the body is read.
    let mut student = server.login("student_owner").await;
    let page = student
        .post_multipart(
            &format!("/exam-sessions/{session}/registrations"),
            &[],
            ("file", "candidats.csv", csv.as_bytes()),
        )
        .await;
    assert_eq!(page.status, 403);
}

#[tokio::test]
async fn a_commission_that_breaks_its_rule_is_not_saved_and_says_which() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    let session = w.session_1;
    let mut admin = server.login("admin").await;
    let base = |m1_profile: &'static str, m2_profile: &'static str| {
        vec![
            ("commission_id", "new"),
            ("name", "Commission 7"),
            ("exam", "block1"),
            ("track", "sisr"),
            ("form", "one_off"),
            ("exam_date", "2026-06-09"),
            ("start_time", "08:30"),
            ("member1_email", "teacher.own@exemple.fr"),
            ("member1_profile", m1_profile),
            ("member1_specialties", "SLAM"),
            ("member1_blocks", "B1"),
            ("member2_email", "teacher.other@exemple.fr"),
            ("member2_profile", m2_profile),
            ("member2_specialties", ""),
            ("member2_blocks", ""),
        ]
    };
    // Two professionals, or a teacher of the other option: no teacher of SISR.
    let page = admin
        .post(
            &format!("/exam-sessions/{session}/commissions"),
            &base("professional", "professional"),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body
            .contains("domaine de spécialité des candidats (option SISR)"),
        "{}",
        page.body
    );
    let page = admin
        .post(
            &format!("/exam-sessions/{session}/commissions"),
            &base("teacher", "professional"),
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("option SISR"), "{}", page.body);
    // What was typed is shown again.
    assert!(
        page.body.contains("value=\"Commission 7\""),
        "{}",
        page.body
    );
    let before = server
        .store
        .grants_of(w.user_id("teacher_own"))
        .await
        .expect("grants");
    assert!(!before.iter().any(|g| g.role == Role::CommissionMember));
    // Unknown account.
    let mut unknown = base("teacher", "professional");
    unknown[7] = ("member1_email", "personne@exemple.fr");
    let page = admin
        .post(&format!("/exam-sessions/{session}/commissions"), &unknown)
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("aucun compte n"), "{}", page.body);
    // A teacher of SISR and a professional: saved, and both become members.
    let mut good = base("teacher", "professional");
    good[9] = ("member1_specialties", "SISR");
    let page = admin
        .post(&format!("/exam-sessions/{session}/commissions"), &good)
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let grants = server
        .store
        .grants_of(w.user_id("teacher_other"))
        .await
        .expect("grants");
    assert!(grants.iter().any(|g| g.role == Role::CommissionMember));
    let page = admin.get(&format!("/exam-sessions/{session}")).await;
    assert!(page.body.contains("Commission 7"));
    assert!(page.body.contains("professionnel(le) du secteur"));
}

#[tokio::test]
async fn a_signed_grid_is_locked_and_only_the_jury_president_amends_it_with_a_reason() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    let path = format!(
        "/commissions/{}/candidates/{}",
        w.commission_1,
        w.user_id("student_owner")
    );
    let mut member = server.login("commission_own").await;
    let page = member.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"locked\""), "{}", page.body);
    assert!(page.body.contains("value=\"13,37\""));
    let rows = portfolio_domain::grid::grid_rows(
        portfolio_domain::session_labels::DossierExam::Block1,
        portfolio_framework::Track::Sisr,
    );
    let level_names: Vec<String> = rows.iter().map(|r| format!("level:{}", r.key)).collect();
    let mut fields: Vec<(&str, &str)> = level_names
        .iter()
        .map(|n| (n.as_str(), "good_mastery"))
        .collect();
    fields.extend([
        ("mark", "15"),
        ("environment", "conforming"),
        ("part1", "Présentation structurée du parcours."),
        ("part2", "Échange précis."),
        ("appreciation", FIXTURE_APPRECIATION),
    ]);
    let page = member.post(&path, &fields).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("verrouillée"), "{}", page.body);
    let mut jury = server.login("jury_own").await;
    let page = jury.post(&path, &fields).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("motif"), "{}", page.body);
    let mut with_reason = fields.clone();
    with_reason.push(("reason", "Erreur de report de la note"));
    let page = jury.post(&path, &with_reason).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = jury.get(&path).await;
    assert!(page.body.contains("value=\"15\""));
    assert!(
        page.body.contains("id=\"locked\""),
        "the amendment keeps the visas"
    );
    let audit = server.audit().await;
    assert!(audit.iter().any(|a| {
        a.action == "evaluation.amend"
            && a.details
                .as_deref()
                .is_some_and(|d| d.contains("Erreur de report de la note"))
    }));
}

#[tokio::test]
async fn the_grid_warns_on_an_inconsistent_mark_keeps_typed_values_and_signs_when_complete() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    // A second candidate of commission 1, not yet evaluated.
    let student = w.user_id("student_other");
    let admin = Actor::new(0, vec![Grant::new(Role::Admin, None).expect("admin")]);
    let session_cap = admin.exam_session(w.session_1).expect("admin");
    server
        .store
        .assign_to_commission(&session_cap, w.commission_1, student)
        .await
        .expect("assign");
    let path = format!("/commissions/{}/candidates/{student}", w.commission_1);
    let mut member = server.login("commission_own").await;
    let page = member.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        plain(&page.body).contains("Le dossier n'a pas été remis"),
        "{}",
        page.body
    );
    // A visa before anything is saved is refused.
    let page = member.post(&format!("{path}/visa"), &[]).await;
    assert_eq!(page.status, 422);

    let rows = portfolio_domain::grid::grid_rows(
        portfolio_domain::session_labels::DossierExam::Block1,
        portfolio_framework::Track::Sisr,
    );
    let level_names: Vec<String> = rows.iter().map(|r| format!("level:{}", r.key)).collect();
    let mut fields: Vec<(&str, &str)> = level_names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.as_str(),
                if i == 2 {
                    "not_mastered"
                } else {
                    "excellent_mastery"
                },
            )
        })
        .collect();
    fields.extend([
        ("mark", "vingt-deux"),
        ("penalty", "missing_synthesis_table"),
        ("part1", "Un parcours varié, présenté avec méthode."),
    ]);
    // A mark that is not a number: refused, and what was typed stays.
    let page = member.post(&path, &fields).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("Proposition de note"), "{}", page.body);
    assert!(
        page.body
            .contains("Un parcours varié, présenté avec méthode.")
    );
    assert!(page.body.contains("value=\"vingt-deux\""));
    // 18/20 with a « Non maîtrisé » row: saved, with a warning.
    fields.retain(|(k, _)| *k != "mark");
    fields.push(("mark", "18"));
    let page = member.post(&path, &fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = member.get(&path).await;
    assert!(page.body.contains("mark-warning"), "{}", page.body);
    assert!(
        page.body.contains("NOTE FINALE : 16 / 20"),
        "18 − 2 points: {}",
        page.body
    );
    // The fiche is incomplete: the visa lists what is missing.
    let page = member.post(&format!("{path}/visa"), &[]).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("partie 2"), "{}", page.body);
    assert!(
        page.body.contains("environnement technologique"),
        "{}",
        page.body
    );
    // Completed, then signed by both members.
    fields.extend([
        ("environment", "conforming"),
        ("part2", "Réponses précises."),
        (
            "appreciation",
            "Dossier non remis : défaut de couverture des compétences du bloc ; très bon oral.",
        ),
    ]);
    let page = member.post(&path, &fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = member.post(&format!("{path}/visa"), &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = member.get(&path).await;
    assert!(page.body.contains("visa apposé le"), "{}", page.body);
    assert!(
        !page.body.contains("id=\"sign\""),
        "no second visa by the same member"
    );
    assert!(!page.body.contains("id=\"locked\""));
}

#[tokio::test]
async fn the_candidate_reads_the_fiche_after_deliberation_without_any_mark() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    let owner = w.user_id("student_owner");
    let mut student = server.login("student_owner").await;
    let page = student.get(&format!("/students/{owner}/appraisals")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(FIXTURE_APPRECIATION), "{}", page.body);
    assert!(!page.body.contains("13,37"));
    assert!(!page.body.contains("NOTE"), "{}", page.body);
    let text = pdf_text(
        &server,
        &student,
        &format!("/students/{owner}/appraisals/{}/fiche.pdf", w.evaluation),
    )
    .await;
    assert!(text.contains(FIXTURE_APPRECIATION), "{text}");
    assert!(!text.contains(&FIXTURE_JURY_MARK.to_string()), "{text}");
    // The head of the school reads the same fiche with the jury's mark.
    let mut head = server.login("head_own").await;
    let page = head.get(&format!("/students/{owner}/appraisals")).await;
    assert!(
        page.body
            .contains(&format!("NOTE : {FIXTURE_JURY_MARK} / 20")),
        "{}",
        page.body
    );
    // Another student's fiches are refused.
    let mut other = server.login("student_other").await;
    let page = other.get(&format!("/students/{owner}/appraisals")).await;
    assert_eq!(page.status, 403);
}

#[tokio::test]
async fn the_bloc2_commission_chooses_a_realisation_writes_the_needs_and_rates_three_competencies()
{
    use portfolio_domain::commission::MemberProfile;
    use portfolio_domain::session_labels::DossierExam;
    use portfolio_framework::Track;
    use portfolio_store::{CommissionInput, DossierSnapshot};
    let server = TestServer::start().await;
    let w = server.world.clone();
    let store = &server.store;
    let owner = w.user_id("student_owner");
    let admin = Actor::new(0, vec![Grant::new(Role::Admin, None).expect("admin")]);
    let session_cap = admin.exam_session(w.session_1).expect("admin");
    // Two teachers of the professional blocks, one of SISR: the Bloc 2 rule (ponctuelle).
    let commission = store
        .save_commission(
            &session_cap,
            None,
            &CommissionInput {
                name: "Commission B2".into(),
                exam: DossierExam::Block2,
                track: Track::Sisr,
                exam_date: None,
                start_time: Some("08:00".into()),
                members: vec![
                    (
                        w.user_id("commission_own"),
                        MemberProfile::Teacher {
                            specialties: vec![Track::Sisr],
                            blocks: vec!["B2-SISR".into()],
                        },
                    ),
                    (
                        w.user_id("teacher_other"),
                        MemberProfile::Teacher {
                            specialties: vec![Track::Slam],
                            blocks: vec!["B1".into()],
                        },
                    ),
                ],
            },
            0,
        )
        .await
        .expect("commission");
    store
        .assign_to_commission(&session_cap, commission, owner)
        .await
        .expect("assign");
    // The candidate's dossier handed in with two réalisations chosen for the Bloc 2 exam.
    let (own, edit) = owner_caps(&server).await;
    let second = store
        .create_realisation(
            &edit,
            &portfolio_domain::realisation::RealisationForm {
                title: "Supervision du réseau".into(),
                start_date: "2025-11-03".into(),
                end_date: "2025-12-12".into(),
                setting: "training".into(),
                modality: "solo".into(),
                skills: vec!["B2-SISR.2.1".into(), "B2-SISR.3.1".into()],
                ..Default::default()
            }
            .parse(portfolio_framework::bts_sio_2019(), Track::Sisr)
            .expect("réalisation"),
            0,
        )
        .await
        .expect("create");
    store
        .set_e5_choice(&edit, w.realisation, second)
        .await
        .expect("e5");
    let profile = store.student_profile(&own).await.expect("profile");
    let records = store.realisations(&own).await.expect("records");
    store
        .hand_in(
            &edit,
            &DossierSnapshot::of(&profile, &records, Some((w.realisation, second)), 0),
            0,
        )
        .await
        .expect("hand in");

    let path = format!("/commissions/{commission}/candidates/{owner}");
    let mut member = server.login("commission_own").await;
    let page = member.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = plain(&page.body);
    assert!(
        body.contains("Supervision du réseau")
            && body.contains("Mise en place d’une solution de sauvegarde"),
        "{body}"
    );
    assert!(body.contains("id=\"e5-sheets\""));
    assert!(body.contains("Épreuve E5"), "{body}");
    let rows = portfolio_domain::grid::grid_rows(DossierExam::Block2, Track::Sisr);
    assert_eq!(rows.len(), 3);
    for r in &rows {
        assert!(body.contains(&r.label), "row {}", r.label);
    }
    assert!(
        !body.contains("Gérer le patrimoine informatique"),
        "no Bloc 1 row"
    );
    // The E5 fiches open for the commission.
    let sheet = pdf_text(
        &server,
        &member,
        &format!("/students/{owner}/e5/2/sheet.pdf"),
    )
    .await;
    assert!(sheet.contains("Supervision du réseau"), "{sheet}");

    let names: Vec<String> = rows.iter().map(|r| format!("level:{}", r.key)).collect();
    let chosen = second.to_string();
    let mut fields: Vec<(&str, &str)> =
        names.iter().map(|n| (n.as_str(), "good_mastery")).collect();
    fields.extend([
        ("chosen", chosen.as_str()),
        ("mark", "14"),
        ("environment", "conforming"),
        ("part1", "Présentation claire."),
        ("part2", "Réponses précises."),
        ("appreciation", "Bonne maîtrise du bloc 2."),
    ]);
    let page = member.post(&path, &fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    // Without the expression de besoins, no visa.
    let page = member.post(&format!("{path}/visa"), &[]).await;
    assert_eq!(page.status, 422);
    assert!(
        plain(&page.body).contains("expression de besoins"),
        "{}",
        page.body
    );
    fields.push((
        "needs_statement",
        "Ajouter la supervision des sauvegardes ; documentation attendue : procédure d'exploitation.",
    ));
    let page = member.post(&path, &fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = member.post(&format!("{path}/visa"), &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    // A réalisation that is not one of the two is refused.
    let mut bad = fields.clone();
    bad.retain(|(k, _)| *k != "chosen");
    bad.push(("chosen", "999999"));
    let page = member.post(&path, &bad).await;
    assert_eq!(page.status, 422);
    let text = pdf_text(&server, &member, &format!("{path}/grid.pdf")).await;
    assert!(text.contains("Expression de besoins"), "{text}");
    assert!(text.contains("Supervision du réseau"), "{text}");
    assert!(text.contains("documentation attendue"), "{text}");
}

#[tokio::test]
async fn a_member_who_also_teaches_the_candidate_evaluates_the_version_handed_in() {
    use portfolio_store::DossierSnapshot;
    let server = TestServer::start().await;
    let w = server.world.clone();
    let store = &server.store;
    let owner = w.user_id("student_owner");
    let (own, edit) = owner_caps(&server).await;
    // Handed in with the fixture's réalisation only (B1.1 of Bloc 1)…
    let profile = store.student_profile(&own).await.expect("profile");
    let records = store.realisations(&own).await.expect("records");
    store
        .hand_in(&edit, &DossierSnapshot::of(&profile, &records, None, 0), 0)
        .await
        .expect("hand in");
    // …then a draft that would cover the rest of the bloc.
    store
        .create_realisation(
            &edit,
            &portfolio_domain::realisation::RealisationForm {
                title: "Après la remise".into(),
                start_date: "2025-11-03".into(),
                end_date: "2025-12-12".into(),
                setting: "training".into(),
                modality: "solo".into(),
                skills: ["B1.2.1", "B1.3.1", "B1.4.1", "B1.5.1", "B1.6.1"]
                    .map(String::from)
                    .to_vec(),
                ..Default::default()
            }
            .parse(
                portfolio_framework::bts_sio_2019(),
                portfolio_framework::Track::Sisr,
            )
            .expect("réalisation"),
            1,
        )
        .await
        .expect("draft");
    // The member of commission 1 is also a teacher of the candidate's class.
    store
        .add_grant(
            w.user_id("commission_own"),
            Grant::new(Role::Teacher, Some(w.class_a)).expect("grant"),
            0,
        )
        .await
        .expect("teacher grant");
    let mut member = server.login("commission_own").await;
    // On the dossier's own pages, the teacher reads the draft…
    let dossier = member.get(&format!("/students/{owner}")).await;
    assert!(dossier.body.contains("Après la remise"), "{}", dossier.body);
    // …the grid evaluates the version handed in.
    let page = member
        .get(&format!(
            "/commissions/{}/candidates/{owner}",
            w.commission_1
        ))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = plain(&page.body);
    assert!(body.contains("mobilisées par aucune réalisation"), "{body}");
    assert!(!body.contains("Toutes les compétences du bloc"), "{body}");
}
