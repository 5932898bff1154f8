//! Internships and their follow-up, on both backends.

use crate::ids;
use crate::support::*;
use portfolio_domain::access::{
    Actor, DossierEditCap, ReviewAuthor, ReviewCap, StudentCap, TutorLinkFacts, through_tutor_link,
};
use portfolio_domain::internship_form::InternshipForm;
use portfolio_domain::role::Role;
use portfolio_framework::Track;
use portfolio_store::{CertificateState, DynStore, NewConformityDecision, StoreError};
use time::macros::date;

struct World {
    owner: i64,
    other: i64,
    class: i64,
}

async fn world(store: &DynStore) -> World {
    let school = school(store, "Lycée Stages", None).await;
    let class = class(store, school, "SIO1", Track::Slam).await;
    World {
        owner: student(store, class, "owner@s.fr", "Olga", "Owner").await,
        other: student(store, class, "other@s.fr", "Otto", "Other").await,
        class,
    }
}

async fn caps(
    store: &DynStore,
    w: &World,
    student_id: i64,
) -> (StudentCap, DossierEditCap, ReviewCap, StudentCap) {
    let facts = store
        .student_facts(student_id)
        .await
        .expect("facts")
        .expect("student");
    let own = Actor::new(student_id, vec![grant(Role::Student, Some(w.class))])
        .student(&facts)
        .expect("owner");
    let teacher = Actor::new(-3, vec![grant(Role::Teacher, Some(w.class))])
        .student(&facts)
        .expect("teacher");
    (
        own,
        own.edit().expect("edit"),
        teacher.review().expect("review"),
        teacher,
    )
}

/// The follow-up of `student_id`'s internships as a teacher of the class reads it.
async fn follow(store: &DynStore, student_id: i64) -> portfolio_domain::access::FollowUpCap {
    student_cap(store, student_id)
        .await
        .follow_up()
        .expect("a teacher reads the follow-up")
}

fn input(org: &str, start: &str, end: &str) -> portfolio_domain::internship_form::InternshipInput {
    InternshipForm {
        kind: "internship".into(),
        organisation_name: org.into(),
        organisation_address: "1 rue de la Paix, 14000 Caen".into(),
        siret: "73282932000074".into(),
        start_date: start.into(),
        end_date: end.into(),
        year_of_training: "1".into(),
        full_time: "1".into(),
        tutor_name: "Claire Martin".into(),
        tutor_title: "DSI".into(),
        tutor_email: "claire@caen.fr".into(),
        objectives: "Déployer".into(),
        schedule: "9h-17h".into(),
    }
    .parse()
    .expect("valid internship")
}

#[tokio::test]
async fn internships_are_recorded_by_their_student_and_followed_up() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit, review, teacher) = caps(&store, &w, w.owner).await;
        let (other_read, other_edit, _, _) = caps(&store, &w, w.other).await;
        let later = store
            .create_internship(&edit, &input("Mairie", "2026-05-18", "2026-06-19"), 1)
            .await
            .expect("create");
        let first = store
            .create_internship(&edit, &input("Agence", "2025-05-12", "2025-06-13"), 2)
            .await
            .expect("create");
        let list = store.internships(&read).await.expect("list");
        assert_eq!(ids(&list, |i| i.id), [first, later], "by start date");
        assert_eq!(list[0].input, input("Agence", "2025-05-12", "2025-06-13"));
        assert_eq!(list[0].certificate_state, CertificateState::Missing);
        assert!(
            store
                .internships(&other_read)
                .await
                .expect("list")
                .is_empty()
        );
        assert!(matches!(
            store
                .update_internship(
                    &other_edit,
                    first,
                    &input("X", "2025-05-12", "2025-06-13"),
                    3
                )
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .update_internship(
                &edit,
                first,
                &input("Agence Web", "2025-05-12", "2025-06-13"),
                3,
            )
            .await
            .expect("update");
        assert_eq!(
            store
                .internship(&read, first)
                .await
                .expect("one")
                .input
                .organisation_name,
            "Agence Web"
        );

        // Weekly reports: one per week, rewritten in place.
        store
            .save_weekly_report(&edit, first, date!(2025 - 05 - 12), "Installation", 4)
            .await
            .expect("report");
        store
            .save_weekly_report(
                &edit,
                first,
                date!(2025 - 05 - 12),
                "Installation et tests",
                5,
            )
            .await
            .expect("rewrite");
        store
            .save_weekly_report(&edit, first, date!(2025 - 05 - 19), "Documentation", 6)
            .await
            .expect("report");
        assert!(matches!(
            store
                .save_weekly_report(&other_edit, first, date!(2025 - 05 - 26), "x", 7)
                .await,
            Err(StoreError::NotFound)
        ));
        let reports = store
            .weekly_reports(&follow(&store, w.owner).await, first)
            .await
            .expect("reports");
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].body, "Installation et tests");
        assert!(
            store
                .weekly_reports(&follow(&store, w.other).await, first)
                .await
                .expect("none")
                .is_empty()
        );
        let class_cap = class_cap(&store, w.class).await;
        let board = store.class_dashboard(&class_cap).await.expect("dashboard");
        let last: Vec<(i64, Option<time::Date>)> = board
            .students
            .iter()
            .map(|s| (s.student.id, s.last_report))
            .collect();
        assert!(
            last.contains(&(w.owner, Some(date!(2025 - 05 - 19)))),
            "{last:?}"
        );
        assert!(last.contains(&(w.other, None)), "{last:?}");

        // A teacher's review; a tutor's link reaches its internship only.
        store
            .add_internship_review(
                &teacher.internship_review().expect("a teacher reviews"),
                first,
                None,
                "Paula Prof",
                "Bon démarrage",
                8,
            )
            .await
            .expect("review");
        let prof = user(&store, "prof@s.fr", "Paula", "Prof").await;
        store
            .create_tutor_link(&review, first, "hash-1", prof, 100, 9)
            .await
            .expect("link");
        let facts = store
            .tutor_link_facts("hash-1")
            .await
            .expect("facts")
            .expect("known");
        assert_eq!(
            facts,
            TutorLinkFacts {
                internship_id: first,
                student_id: w.owner,
                expires_at: 100,
                revoked_at: None
            }
        );
        let tutor = through_tutor_link(&facts, 10).expect("alive");
        assert_eq!(tutor.author(), ReviewAuthor::Tutor);
        store
            .add_internship_review(&tutor, first, None, "Claire Martin", "Très impliqué", 11)
            .await
            .expect("tutor review");
        assert!(matches!(
            store
                .add_internship_review(&tutor, later, None, "Claire Martin", "x", 12)
                .await,
            Err(StoreError::NotFound)
        ));
        let reviews = store
            .internship_reviews(&follow(&store, w.owner).await, first)
            .await
            .expect("reviews");
        assert_eq!(reviews.len(), 2);
        assert_eq!(
            (reviews[1].author, reviews[1].author_name.as_str()),
            (ReviewAuthor::Tutor, "Claire Martin")
        );

        // The certificate: scanned (unsigned), then confirmed by the tutor.
        store
            .set_certificate_scan(
                &edit,
                first,
                "cccccccccccccccccccccccccccccccc",
                "attestation.pdf",
                13,
            )
            .await
            .expect("scan");
        assert_eq!(
            store
                .internship(&read, first)
                .await
                .expect("one")
                .certificate_state,
            CertificateState::Unsigned
        );
        store
            .confirm_certificate(&tutor, first, 14)
            .await
            .expect("confirm");
        let got = store.internship(&read, first).await.expect("one");
        assert_eq!(
            (
                got.certificate_state,
                got.certificate_signed_by,
                got.certificate_signed_at
            ),
            (
                CertificateState::Signed,
                Some(ReviewAuthor::Tutor),
                Some(14)
            )
        );
        assert!(matches!(
            store.confirm_certificate(&tutor, later, 15).await,
            Err(StoreError::NotFound)
        ));
        // A new scan replaces the old one, which is queued for deletion.
        store
            .set_certificate_scan(
                &edit,
                first,
                "dddddddddddddddddddddddddddddddd",
                "attestation-signee.pdf",
                16,
            )
            .await
            .expect("scan again");
        assert_eq!(
            store.pending_blob_deletions(10).await.expect("pending"),
            ["cccccccccccccccccccccccccccccccc"]
        );
        // `check` and `backup` see the scan that replaced it, and the old one queued.
        let refs: Vec<_> = store
            .blob_references()
            .await
            .expect("references")
            .into_iter()
            .map(|r| (r.storage_key, r.kind, r.name))
            .collect();
        assert_eq!(
            refs,
            [
                (
                    "cccccccccccccccccccccccccccccccc".to_string(),
                    "suppression en attente".to_string(),
                    String::new()
                ),
                (
                    "dddddddddddddddddddddddddddddddd".to_string(),
                    "attestation de stage".to_string(),
                    "attestation-signee.pdf".to_string()
                ),
            ]
        );

        let links = store.tutor_links(&read, first).await.expect("links");
        store
            .revoke_tutor_link(&review, links[0].id, 17)
            .await
            .expect("revoke");
        let facts = store
            .tutor_link_facts("hash-1")
            .await
            .expect("facts")
            .expect("known");
        assert!(through_tutor_link(&facts, 18).is_none());

        // Deleting the internship deletes its follow-up and queues its scan.
        store
            .delete_internship(&edit, first, 19)
            .await
            .expect("delete");
        assert!(
            store
                .weekly_reports(&follow(&store, w.owner).await, first)
                .await
                .expect("none")
                .is_empty()
        );
        assert!(
            store
                .tutor_link_facts("hash-1")
                .await
                .expect("facts")
                .is_none()
        );
        assert!(
            store
                .pending_blob_deletions(10)
                .await
                .expect("pending")
                .contains(&"dddddddddddddddddddddddddddddddd".to_string())
        );
    })
    .await;
}

#[tokio::test]
async fn a_class_is_read_whole_for_its_dashboard() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit, _, _) = caps(&store, &w, w.owner).await;
        let (_, other_edit, _, _) = caps(&store, &w, w.other).await;
        store
            .create_internship(&edit, &input("Mairie", "2026-05-18", "2026-06-19"), 1)
            .await
            .expect("internship");
        store
            .create_internship(&other_edit, &input("Agence", "2026-05-18", "2026-06-19"), 1)
            .await
            .expect("internship");
        let form = portfolio_domain::realisation::RealisationForm {
            title: "GLPI".into(),
            start_date: "2025-09-01".into(),
            end_date: "2025-09-30".into(),
            setting: "training".into(),
            modality: "solo".into(),
            skills: vec!["B1.1.1".into(), "B2-SLAM.1.1".into()],
            ..Default::default()
        };
        let input = form
            .parse(portfolio_framework::bts_sio_2019(), Track::Slam)
            .expect("valid");
        let rid = store
            .create_realisation(&edit, &input, 2)
            .await
            .expect("réalisation");
        let profile = store.student_profile(&read).await.expect("profile");
        let live = store.realisations(&read).await.expect("live");
        store
            .hand_in(
                &edit,
                &portfolio_store::DossierSnapshot::of(&profile, &live, None, 3),
                3,
            )
            .await
            .expect("hand in");

        let class = class_cap(&store, w.class).await;
        let board = store.class_dashboard(&class).await.expect("dashboard");
        assert!(board.students.iter().all(|s| s.student.class_id == w.class));
        assert_eq!(board.internships.len(), 2);
        let mut tags: Vec<(i64, i64, String)> = board
            .students
            .iter()
            .flat_map(|s| s.tags.iter().map(|(r, c)| (s.student.id, *r, c.clone())))
            .collect();
        tags.sort();
        assert_eq!(
            tags,
            vec![
                (w.owner, rid, "B1.1.1".to_string()),
                (w.owner, rid, "B2-SLAM.1.1".to_string())
            ]
        );
        let handed_in: Vec<(i64, i64)> = board
            .students
            .iter()
            .filter_map(|s| s.handed_in_at.map(|at| (s.student.id, at)))
            .collect();
        assert_eq!(handed_in, vec![(w.owner, 3)]);
    })
    .await;
}

#[tokio::test]
async fn a_session_is_read_whole_for_its_conformity_check() {
    both(|store| async move {
        let w = world(&store).await;
        let (_, edit, _, _) = caps(&store, &w, w.owner).await;
        let session = exam_session(&store, 2027, "Normandie").await;
        let commission = store
            .create_commission(session, "C1", 1)
            .await
            .expect("commission");
        store
            .assign_candidate(commission, w.owner)
            .await
            .expect("assign");
        let cap = exam_session_cap(session);
        store
            .set_dossier_due_date(&cap, Some(date!(2027 - 05 - 05)))
            .await
            .expect("due date");
        assert_eq!(
            store
                .exam_session(&cap)
                .await
                .expect("session")
                .dossier_due_date,
            Some(date!(2027 - 05 - 05))
        );
        store
            .create_internship(&edit, &input("Mairie", "2026-05-18", "2026-06-19"), 2)
            .await
            .expect("internship");
        let candidates = store.session_candidates(&cap).await.expect("candidates");
        assert_eq!(
            candidates.len(),
            1,
            "the other student is not a candidate of this session"
        );
        assert_eq!(
            (candidates[0].student.id, candidates[0].school_name.as_str()),
            (w.owner, "Lycée Stages")
        );
        assert_eq!(
            store
                .session_internships(&cap)
                .await
                .expect("internships")
                .len(),
            1
        );
        assert!(
            store
                .session_submissions(&cap)
                .await
                .expect("none")
                .is_empty()
        );
        let prof = user(&store, "jury@s.fr", "Jules", "Jury").await;
        let decision = |student_id: i64, decision: &str, deadline, at| NewConformityDecision {
            student_id,
            decision: decision.into(),
            grounds: "[]".into(),
            regularisation_deadline: deadline,
            decided_by: prof,
            decided_at: at,
        };
        store
            .record_conformity(
                &cap,
                &decision(w.owner, "regularisation", Some(date!(2027 - 05 - 20)), 3),
            )
            .await
            .expect("decision");
        store
            .record_conformity(&cap, &decision(w.owner, "conforming", None, 4))
            .await
            .expect("replaced");
        // The student's side: their sessions with the decision; the teaching team decides too.
        let (read, _, review, _) = caps(&store, &w, w.owner).await;
        let sessions = store.candidate_sessions(&read).await.expect("sessions");
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0].0.id, session);
        assert_eq!(
            sessions[0].1.as_ref().map(|d| d.decision.as_str()),
            Some("conforming")
        );
        store
            .record_conformity_by_team(
                &review,
                session,
                &decision(w.owner, "non_conforming", None, 6),
            )
            .await
            .expect("team decision");
        assert!(matches!(
            store
                .record_conformity_by_team(
                    &review,
                    session,
                    &decision(w.other, "conforming", None, 7)
                )
                .await,
            Err(StoreError::NotFound)
        ));
        let other_session = exam_session(&store, 2028, "Bretagne").await;
        assert!(matches!(
            store
                .record_conformity_by_team(
                    &review,
                    other_session,
                    &decision(w.owner, "conforming", None, 8)
                )
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .record_conformity(&cap, &decision(w.owner, "conforming", None, 4))
            .await
            .expect("back");
        let decisions = store.conformity_decisions(&cap).await.expect("decisions");
        assert_eq!(decisions.len(), 1);
        assert_eq!(
            (decisions[0].decision.as_str(), decisions[0].decided_at),
            ("conforming", 4)
        );
        assert!(matches!(
            store
                .record_conformity(&cap, &decision(w.other, "conforming", None, 5))
                .await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn the_facts_the_rules_need_are_recorded_by_the_teaching_team() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, _, review, _) = caps(&store, &w, w.owner).await;
        assert_eq!(store.candidate_facts(&read).await.expect("none"), None);
        let prof = user(&store, "prof@f.fr", "Paula", "Prof").await;
        let facts = portfolio_store::CandidateFactsRecord {
            student_id: w.owner,
            continuing_education: None,
            reduction_reason: Some("force_majeure".into()),
            positioning_request: Some(date!(2026 - 03 - 02)),
            distance_status: None,
            exam_date: Some(date!(2027 - 05 - 20)),
        };
        store
            .set_candidate_facts(&review, &facts, prof, 1)
            .await
            .expect("set");
        assert_eq!(
            store.candidate_facts(&read).await.expect("some"),
            Some(facts.clone())
        );
        let bad = portfolio_store::CandidateFactsRecord {
            reduction_reason: Some("vacances".into()),
            ..facts.clone()
        };
        assert!(matches!(
            store.set_candidate_facts(&review, &bad, prof, 2).await,
            Err(StoreError::Invalid(_))
        ));
        let class = class_cap(&store, w.class).await;
        let board = store.class_dashboard(&class).await.expect("dashboard");
        let recorded: Vec<_> = board
            .students
            .iter()
            .filter_map(|s| s.facts.clone())
            .collect();
        assert_eq!(recorded, vec![facts]);
    })
    .await;
}

#[tokio::test]
async fn every_change_the_class_dashboard_shows_moves_the_class_version_and_no_other() {
    both(|store| async move {
        let w = world(&store).await;
        let neighbour_school = school(&store, "Lycée Voisin", None).await;
        let neighbour = class(&store, neighbour_school, "SIO1 voisin", Track::Slam).await;
        let version = |class: i64| {
            let store = store.clone();
            async move {
                let cap = class_cap(&store, class).await;
                store.class(&cap).await.expect("class").dossiers_version
            }
        };
        let (read, edit, review, _) = caps(&store, &w, w.owner).await;
        let neighbour_start = version(neighbour).await;
        // Reading changes nothing.
        let start = version(w.class).await;
        let class = class_cap(&store, w.class).await;
        store.class_dashboard(&class).await.expect("dashboard");
        assert_eq!(version(w.class).await, start);
        let mut seen = start;
        let mut moved = |now: i64, what: &str| {
            assert!(now > seen, "{what}: version {now} after {seen}");
            seen = now;
        };

        let tagged = crate::dossier::input("Sauvegardes", date!(2025 - 09 - 15), &["B1.1.5"]);
        let r = store
            .create_realisation(&edit, &tagged, 1)
            .await
            .expect("réalisation");
        moved(version(w.class).await, "réalisation with a skill");
        let retagged = crate::dossier::input("Sauvegardes", date!(2025 - 09 - 15), &["B1.1.6"]);
        store
            .update_realisation(&edit, r, &retagged, 2)
            .await
            .expect("update");
        moved(version(w.class).await, "skills changed");
        let i = store
            .create_internship(&edit, &input("Agence", "2025-05-12", "2025-06-13"), 3)
            .await
            .expect("internship");
        moved(version(w.class).await, "internship");
        store
            .update_internship(&edit, i, &input("Agence", "2025-05-12", "2025-06-20"), 4)
            .await
            .expect("update internship");
        moved(version(w.class).await, "internship changed");
        store
            .save_weekly_report(&edit, i, date!(2025 - 05 - 12), "Installation", 5)
            .await
            .expect("report");
        moved(version(w.class).await, "weekly report");
        let profile = store.student_profile(&read).await.expect("profile");
        let live = store.realisations(&read).await.expect("live");
        store
            .hand_in(
                &edit,
                &portfolio_store::DossierSnapshot::of(&profile, &live, None, 6),
                6,
            )
            .await
            .expect("hand in");
        moved(version(w.class).await, "dossier handed in");
        let facts = portfolio_store::CandidateFactsRecord {
            student_id: w.owner,
            continuing_education: None,
            reduction_reason: Some("force_majeure".into()),
            positioning_request: Some(date!(2026 - 03 - 02)),
            distance_status: None,
            exam_date: None,
        };
        store
            .set_candidate_facts(&review, &facts, w.other, 7)
            .await
            .expect("facts");
        moved(version(w.class).await, "facts recorded");
        store
            .delete_realisation(&edit, r, 8)
            .await
            .expect("delete réalisation");
        moved(version(w.class).await, "réalisation removed");
        store
            .delete_internship(&edit, i, 9)
            .await
            .expect("delete internship");
        moved(version(w.class).await, "internship removed");
        assert_eq!(version(neighbour).await, neighbour_start, "another class");

        // A student who changes class changes both.
        enroll(&store, w.other, neighbour, None).await;
        moved(version(w.class).await, "a student left");
        assert!(
            version(neighbour).await > neighbour_start,
            "a student joined"
        );
    })
    .await;
}
