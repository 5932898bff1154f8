//! The store's contract, checked on both backends: every test runs the same scenario on a fresh
//! SQLite file and on a fresh PostgreSQL schema (see `support::both`).
//!
//! PostgreSQL must be running (127.0.0.1:5432, trust auth, database `test`, or
//! `PORTFOLIO_TEST_POSTGRES_URL`); the tests fail, never skip, when it is not.

mod dossier;
mod evaluations;
mod internships;
mod support;

use portfolio_domain::access::Actor;
use portfolio_domain::role::Role;
use portfolio_domain::route::Route;
use portfolio_framework::Track;
use portfolio_store::sqlite::SqliteStore;
use portfolio_store::{
    AUDIT_RETENTION_SECS, AuditEvent, AuditFilter, Counts, DynStore, Enrolment, NewExamSession,
    NewSchool, StoreError,
};
use support::*;

fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
    match result {
        Err(StoreError::Conflict(message)) => assert!(
            message.contains("existe déjà"),
            "the conflict message for {what} should say in French what is duplicated: {message:?}"
        ),
        other => panic!("{what}: expected StoreError::Conflict, got {other:?}"),
    }
}

fn assert_invalid<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) -> String {
    match result {
        Err(StoreError::Invalid(message)) => message,
        other => panic!("{what}: expected StoreError::Invalid, got {other:?}"),
    }
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> i64) -> Vec<i64> {
    items.iter().map(id).collect()
}

// ---- Basics -------------------------------------------------------------------------------

#[tokio::test]
async fn a_new_store_is_migrated_empty_and_answers() {
    both(|store| async move {
        store.ping().await.expect("ping");
        assert_eq!(store.counts().await.unwrap(), Counts::default());
        assert!(store.schools().await.unwrap().is_empty());
        assert!(store.all_classes().await.unwrap().is_empty());
        assert!(store.exam_sessions().await.unwrap().is_empty());
        assert!(store.recent_audit(10).await.unwrap().is_empty());
        assert!(store.search_users("", 10).await.unwrap().is_empty());
        assert!(store.user(1).await.unwrap().is_none());
    })
    .await;
}

// ---- Users --------------------------------------------------------------------------------

#[tokio::test]
async fn users_are_created_looked_up_and_unique_by_email() {
    both(|store| async move {
        let mut alice = new_user("alice@example.fr", "Alice", "Martin");
        alice.password_hash = None;
        let alice_id = store.create_user(&alice).await.unwrap();
        let bob_id = user(&store, "bob@example.fr", "Bob", "Durand").await;
        assert_ne!(alice_id, bob_id);

        let by_id = store.user(alice_id).await.unwrap().expect("alice by id");
        assert_eq!(by_id.email, "alice@example.fr");
        assert_eq!(by_id.first_name, "Alice");
        assert_eq!(by_id.last_name, "Martin");
        assert_eq!(by_id.password_hash, None);
        assert!(!by_id.disabled);
        assert_eq!(by_id.created_at, NOW);
        assert_eq!(by_id.display_name(), "Alice Martin");

        let by_email = store
            .user_by_email("bob@example.fr")
            .await
            .unwrap()
            .expect("bob by e-mail");
        assert_eq!(by_email.id, bob_id);
        assert_eq!(
            by_email.password_hash.as_deref(),
            Some("$argon2id$fake$bob@example.fr")
        );
        assert!(
            store
                .user_by_email("nobody@example.fr")
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.user(bob_id + 1000).await.unwrap().is_none());

        // Same e-mail, other names: refused, in French.
        let duplicate = store
            .create_user(&new_user("alice@example.fr", "Alice", "Autre"))
            .await;
        assert_conflict(duplicate, "a duplicate e-mail");
        assert_eq!(store.counts().await.unwrap().users, 2);
        assert_eq!(
            store.user(alice_id).await.unwrap().unwrap().last_name,
            "Martin"
        );
    })
    .await;
}

#[tokio::test]
async fn user_search_matches_names_and_emails_and_treats_wildcards_literally() {
    both(|store| async move {
        let percent = user(&store, "cent@example.fr", "Remise", "100%").await;
        let plain = user(&store, "cents@example.fr", "Remise", "1000").await;
        let underscore = user(&store, "a_b@example.fr", "Under", "Score").await;
        let no_underscore = user(&store, "axb@example.fr", "Ixe", "Score").await;
        let backslash = user(&store, "back@example.fr", "Back", "Sla\\sh").await;
        let emilie = user(&store, "emilie@example.fr", "Émilie", "Éluard").await;
        let zoe = user(&store, "zoe@example.fr", "Zoé", "Abel").await;

        let found = |q: &'static str| {
            let store = store.clone();
            async move {
                let mut ids: Vec<i64> = store
                    .search_users(q, 50)
                    .await
                    .unwrap_or_else(|e| panic!("search_users({q:?}): {e}"))
                    .iter()
                    .map(|u| u.id)
                    .collect();
                ids.sort();
                ids
            }
        };

        assert_eq!(found("100%").await, vec![percent], "% is literal");
        assert_eq!(found("%").await, vec![percent], "a lone % is literal");
        assert_eq!(found("a_b").await, vec![underscore], "_ is literal");
        assert_eq!(found("_").await, vec![underscore], "a lone _ is literal");
        assert_eq!(found("sla\\sh").await, vec![backslash], "\\ is literal");
        assert_eq!(found("1000").await, vec![plain]);
        assert!(!found("Score").await.contains(&percent));
        assert_eq!(found("score").await.len(), 2, "case-insensitive");
        assert!(found("SCORE").await.contains(&no_underscore));

        // Full names in both orders, and e-mails.
        assert_eq!(found("under score").await, vec![underscore]);
        assert_eq!(found("score under").await, vec![underscore]);
        assert_eq!(found("  back@EXAMPLE.fr ").await, vec![backslash]);

        // Accented names are found as typed, whatever the backend.
        assert_eq!(found("Émilie").await, vec![emilie]);
        assert_eq!(found("Émilie Éluard").await, vec![emilie]);
        assert_eq!(found("Zoé").await, vec![zoe]);
        assert_eq!(found("zoé abel").await, vec![zoe]);

        // Empty query: everybody, ordered by last name then first name, and limited.
        let all = store.search_users("", 100).await.unwrap();
        assert_eq!(all.len(), 7);
        // (Compared on ASCII names only: the order of accented ones follows the collation.)
        let names: Vec<(String, String)> = all
            .iter()
            .filter(|u| u.last_name.is_ascii() && u.first_name.is_ascii())
            .map(|u| (u.last_name.clone(), u.first_name.clone()))
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert_eq!(all[0].id, percent, "“100%” sorts first");
        assert_eq!(store.search_users("", 3).await.unwrap().len(), 3);
        assert_eq!(store.search_users("score", 1).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn changing_a_password_ends_every_session_of_that_user_only() {
    both(|store| async move {
        let alice = user(&store, "alice@example.fr", "Alice", "Martin").await;
        let bob = user(&store, "bob@example.fr", "Bob", "Durand").await;
        for (hash, who) in [("a1", alice), ("a2", alice), ("b1", bob)] {
            store
                .create_session(&new_session(hash, who, NOW))
                .await
                .unwrap();
        }

        store
            .set_password_hash(alice, "$argon2id$new", NOW + 60)
            .await
            .unwrap();
        assert_eq!(
            store
                .user(alice)
                .await
                .unwrap()
                .unwrap()
                .password_hash
                .as_deref(),
            Some("$argon2id$new")
        );
        assert!(store.session("a1").await.unwrap().is_none());
        assert!(store.session("a2").await.unwrap().is_none());
        assert_eq!(store.session("b1").await.unwrap().unwrap().user_id, bob);
        // Deleted, not merely hidden: purging every session finds only Bob's left.
        assert_eq!(store.purge_sessions(i64::MAX, i64::MAX).await.unwrap(), 1);

        match store.set_password_hash(bob + 1000, "x", NOW).await {
            Err(StoreError::NotFound) => {}
            other => panic!("unknown user: expected NotFound, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn disabling_a_user_ends_and_refuses_their_sessions() {
    both(|store| async move {
        let alice = user(&store, "alice@example.fr", "Alice", "Martin").await;
        let bob = user(&store, "bob@example.fr", "Bob", "Durand").await;
        store
            .create_session(&new_session("a1", alice, NOW))
            .await
            .unwrap();
        store
            .create_session(&new_session("b1", bob, NOW))
            .await
            .unwrap();

        store.set_disabled(alice, true).await.unwrap();
        assert!(store.user(alice).await.unwrap().unwrap().disabled);
        assert!(store.session("a1").await.unwrap().is_none());
        assert!(store.session("b1").await.unwrap().is_some());
        let summary = store.search_users("alice", 10).await.unwrap();
        assert!(summary[0].disabled);

        // Even a session created afterwards is not honoured while the account is disabled.
        store
            .create_session(&new_session("a2", alice, NOW + 1))
            .await
            .unwrap();
        assert!(store.session("a2").await.unwrap().is_none());

        // Enabling again keeps sessions (none are ended) and honours them again.
        store.set_disabled(alice, false).await.unwrap();
        assert!(!store.user(alice).await.unwrap().unwrap().disabled);
        assert_eq!(store.session("a2").await.unwrap().unwrap().user_id, alice);

        match store.set_disabled(bob + 1000, true).await {
            Err(StoreError::NotFound) => {}
            other => panic!("unknown user: expected NotFound, got {other:?}"),
        }
    })
    .await;
}

// ---- Grants -------------------------------------------------------------------------------

#[tokio::test]
async fn grants_are_added_on_existing_scopes_only_idempotently_and_removed() {
    both(|store| async move {
        let school_id = school(&store, "Lycée Ampère", Some("0690001A")).await;
        let class_id = class(&store, school_id, "SIO2 SLAM", Track::Slam).await;
        let pupil = student(&store, class_id, "eleve@example.fr", "Élève", "Un").await;
        let session_id = exam_session(&store, 2025, "Lyon").await;
        let commission_id = store
            .create_commission(session_id, "Commission A", NOW)
            .await
            .unwrap();
        let staff = user(&store, "staff@example.fr", "Paul", "Staff").await;

        let all = [
            grant(Role::Admin, None),
            grant(Role::Tutor, Some(pupil)),
            grant(Role::Teacher, Some(class_id)),
            grant(Role::CommissionMember, Some(commission_id)),
            grant(Role::HeadOfSchool, Some(school_id)),
            grant(Role::JuryPresident, Some(session_id)),
        ];
        for g in all {
            store
                .add_grant(staff, g, NOW)
                .await
                .unwrap_or_else(|e| panic!("add_grant({g:?}): {e}"));
        }
        let mut expected = all.to_vec();
        expected.sort();
        assert_eq!(store.grants_of(staff).await.unwrap(), expected);

        // Adding again changes nothing and does not fail.
        for g in all {
            store.add_grant(staff, g, NOW + 1).await.unwrap();
        }
        assert_eq!(store.grants_of(staff).await.unwrap(), expected);

        // A scope that does not exist, for each scoped role.
        let missing = 999_999;
        for role in [
            Role::Tutor,
            Role::Teacher,
            Role::CommissionMember,
            Role::HeadOfSchool,
            Role::JuryPresident,
        ] {
            let message = assert_invalid(
                store
                    .add_grant(staff, grant(role, Some(missing)), NOW)
                    .await,
                role.as_str(),
            );
            assert!(message.contains("999999"), "{role}: {message}");
        }
        // A tutor grant names a student, not any user.
        assert_invalid(
            store
                .add_grant(pupil, grant(Role::Tutor, Some(staff)), NOW)
                .await,
            "tutor of a non-student",
        );
        // The student role comes from enrolment only.
        assert_invalid(
            store
                .add_grant(staff, grant(Role::Student, Some(class_id)), NOW)
                .await,
            "student grant",
        );
        // An unknown user.
        assert_invalid(
            store
                .add_grant(staff + 1000, grant(Role::Admin, None), NOW)
                .await,
            "grant to an unknown user",
        );
        assert_eq!(store.grants_of(staff).await.unwrap(), expected);
        assert!(store.grants_of(staff + 1000).await.unwrap().is_empty());

        // Removing one grant (scoped, then the unscoped admin one) leaves the others.
        store
            .remove_grant(staff, grant(Role::Teacher, Some(class_id)))
            .await
            .unwrap();
        store
            .remove_grant(staff, grant(Role::Admin, None))
            .await
            .unwrap();
        // Removing what is not there is not an error.
        store
            .remove_grant(staff, grant(Role::Teacher, Some(class_id)))
            .await
            .unwrap();
        let left = store.grants_of(staff).await.unwrap();
        assert_eq!(
            left,
            vec![
                grant(Role::Tutor, Some(pupil)),
                grant(Role::CommissionMember, Some(commission_id)),
                grant(Role::HeadOfSchool, Some(school_id)),
                grant(Role::JuryPresident, Some(session_id)),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn grants_of_includes_the_student_grant_from_enrolment_sorted() {
    both(|store| async move {
        let school_id = school(&store, "Lycée Ampère", None).await;
        let sisr = class(&store, school_id, "SIO2 SISR", Track::Sisr).await;
        let slam = class(&store, school_id, "SIO2 SLAM", Track::Slam).await;
        let someone = user(&store, "x@example.fr", "X", "Y").await;
        assert!(store.grants_of(someone).await.unwrap().is_empty());

        // Grants added in an order that is not the sorted one.
        store
            .add_grant(someone, grant(Role::Admin, None), NOW)
            .await
            .unwrap();
        store
            .add_grant(someone, grant(Role::Teacher, Some(slam)), NOW)
            .await
            .unwrap();
        store
            .add_grant(someone, grant(Role::Teacher, Some(sisr)), NOW)
            .await
            .unwrap();
        enroll(&store, someone, slam, None).await;

        let grants = store.grants_of(someone).await.unwrap();
        assert_eq!(
            grants,
            vec![
                grant(Role::Student, Some(slam)),
                grant(Role::Teacher, Some(sisr.min(slam))),
                grant(Role::Teacher, Some(sisr.max(slam))),
                grant(Role::Admin, None),
            ]
        );
        let mut sorted = grants.clone();
        sorted.sort();
        assert_eq!(grants, sorted);

        // The actor built from them owns the dossier.
        let facts = store.student_facts(someone).await.unwrap().unwrap();
        let cap = Actor::new(someone, grants).student(&facts).unwrap();
        assert!(cap.can_edit());
    })
    .await;
}

#[tokio::test]
async fn enrolling_a_student_again_updates_the_enrolment() {
    both(|store| async move {
        let school_id = school(&store, "Lycée Ampère", None).await;
        let first = class(&store, school_id, "SIO1", Track::Sisr).await;
        let second = class(&store, school_id, "SIO2", Track::Slam).await;
        let pupil = user(&store, "eleve@example.fr", "Élève", "Un").await;

        enroll(&store, pupil, first, Some("0001")).await;
        store
            .enroll_student(
                pupil,
                &Enrolment {
                    class_id: second,
                    route: Route::Apprenticeship,
                    candidate_number: Some("0002".into()),
                },
            )
            .await
            .unwrap();

        assert_eq!(store.counts().await.unwrap().students, 1);
        let profile = store
            .student_profile(&student_cap(&store, pupil).await)
            .await
            .unwrap();
        assert_eq!(profile.student.class_id, second);
        assert_eq!(profile.student.class_name, "SIO2");
        assert_eq!(profile.student.track, Track::Slam);
        assert_eq!(profile.student.route, Route::Apprenticeship);
        assert_eq!(profile.student.candidate_number.as_deref(), Some("0002"));
        assert_eq!(
            store.grants_of(pupil).await.unwrap(),
            vec![grant(Role::Student, Some(second))]
        );
        assert_eq!(
            store
                .class(&class_cap(&store, first).await)
                .await
                .unwrap()
                .student_count,
            0
        );

        // Every route is stored and read back.
        for route in Route::ALL {
            store
                .enroll_student(
                    pupil,
                    &Enrolment {
                        class_id: first,
                        route,
                        candidate_number: None,
                    },
                )
                .await
                .unwrap();
            let roster = store
                .class_roster(&class_cap(&store, first).await)
                .await
                .unwrap();
            assert_eq!(roster[0].route, route);
            assert_eq!(roster[0].candidate_number, None);
        }

        // Into a class that does not exist, or for a user who does not exist.
        let bad_class = store
            .enroll_student(
                pupil,
                &Enrolment {
                    class_id: 999_999,
                    route: Route::School,
                    candidate_number: None,
                },
            )
            .await;
        assert_invalid(bad_class, "enrolment in a missing class");
        let bad_user = store
            .enroll_student(
                999_999,
                &Enrolment {
                    class_id: first,
                    route: Route::School,
                    candidate_number: None,
                },
            )
            .await;
        assert_invalid(bad_user, "enrolment of a missing user");
        assert_eq!(
            store.student_facts(pupil).await.unwrap().unwrap().class_id,
            first
        );
    })
    .await;
}

// ---- Schools and classes ------------------------------------------------------------------

#[tokio::test]
async fn schools_and_classes_are_created_listed_and_unique() {
    both(|store| async move {
        let ampere = school(&store, "Lycée Ampère", Some("0690001A")).await;
        let branly = school(&store, "Lycée Branly", None).await;
        let also_no_uai = school(&store, "Lycée Carnot", None).await;
        assert_conflict(
            store
                .create_school(
                    &NewSchool {
                        name: "Autre".into(),
                        city: "Lyon".into(),
                        uai: Some("0690001A".into()),
                    },
                    NOW,
                )
                .await,
            "a duplicate UAI",
        );
        let schools = store.schools().await.unwrap();
        assert_eq!(ids(&schools, |s| s.id), vec![ampere, branly, also_no_uai]);
        assert_eq!(schools[0].uai.as_deref(), Some("0690001A"));
        assert_eq!(schools[1].uai, None);
        let read = store.school(&school_cap(ampere)).await.unwrap();
        assert_eq!(read, schools[0]);
        assert!(matches!(
            store.school(&school_cap(999_999)).await,
            Err(StoreError::NotFound)
        ));

        let b2 = class(&store, ampere, "SIO2 B", Track::Slam).await;
        let a2 = class(&store, ampere, "SIO2 A", Track::Sisr).await;
        let older = store
            .create_class(&new_class(ampere, "SIO2 A", Track::Sisr, 2024), NOW)
            .await
            .expect("the same name in another session is allowed");
        let other_school = class(&store, branly, "SIO2 A", Track::Slam).await;

        // Same school, same name, same session: refused.
        assert_conflict(
            store
                .create_class(&new_class(ampere, "SIO2 A", Track::Slam, 2025), NOW)
                .await,
            "a duplicate class",
        );
        // Bad references and values are refused, not stored.
        assert_invalid(
            store
                .create_class(&new_class(999_999, "X", Track::Slam, 2025), NOW)
                .await,
            "a class of a missing school",
        );
        let mut bad_year = new_class(ampere, "SIO3", Track::Slam, 2025);
        bad_year.year_of_training = 3;
        assert_invalid(
            store.create_class(&bad_year, NOW).await,
            "year of training 3",
        );
        assert_eq!(store.counts().await.unwrap().classes, 4);

        let of_ampere = store.classes_of_school(&school_cap(ampere)).await.unwrap();
        assert_eq!(ids(&of_ampere, |c| c.id), vec![a2, b2, older]);
        assert_eq!(of_ampere[0].school_name, "Lycée Ampère");
        assert_eq!(of_ampere[0].track, Track::Sisr);
        assert_eq!(of_ampere[0].year_of_training, 2);
        assert_eq!(of_ampere[0].session_year, 2025);
        assert_eq!(of_ampere[2].session_year, 2024);
        let all = store.all_classes().await.unwrap();
        assert_eq!(ids(&all, |c| c.id), vec![a2, b2, older, other_school]);

        assert!(store.classes_by_ids(&[]).await.unwrap().is_empty());
        let one = store.classes_by_ids(&[b2]).await.unwrap();
        assert_eq!(ids(&one, |c| c.id), vec![b2]);
        assert_eq!(one[0].name, "SIO2 B");
        let many = store
            .classes_by_ids(&[other_school, b2, a2, 999_999, a2])
            .await
            .unwrap();
        assert_eq!(ids(&many, |c| c.id), vec![a2, other_school, b2]);
        // The newest session first, then by name.
        let across = store.classes_by_ids(&[older, b2, a2]).await.unwrap();
        assert_eq!(ids(&across, |c| c.id), vec![a2, b2, older]);
        let many_ids: Vec<i64> = (1..=100).collect();
        assert_eq!(store.classes_by_ids(&many_ids).await.unwrap().len(), 4);

        assert_eq!(
            store.class_facts(other_school).await.unwrap().unwrap(),
            portfolio_domain::access::ClassFacts {
                class_id: other_school,
                school_id: branly,
            }
        );
        assert!(store.class_facts(999_999).await.unwrap().is_none());
        let counts = store.counts().await.unwrap();
        assert_eq!((counts.schools, counts.classes), (3, 4));
    })
    .await;
}

#[tokio::test]
async fn a_class_has_its_roster_student_count_and_teachers() {
    both(|store| async move {
        let school_id = school(&store, "Lycée Ampère", None).await;
        let class_id = class(&store, school_id, "SIO2 SLAM", Track::Slam).await;
        let other = class(&store, school_id, "SIO2 SISR", Track::Sisr).await;
        let zola = student(&store, class_id, "zola@example.fr", "Émile", "Zola").await;
        let hugo_v = student(&store, class_id, "vhugo@example.fr", "Victor", "Hugo").await;
        let hugo_a = student(&store, class_id, "ahugo@example.fr", "Adèle", "Hugo").await;
        let elsewhere = student(&store, other, "sand@example.fr", "George", "Sand").await;
        store.set_disabled(zola, true).await.unwrap();

        let cap = class_cap(&store, class_id).await;
        let roster = store.class_roster(&cap).await.unwrap();
        assert_eq!(ids(&roster, |s| s.id), vec![hugo_a, hugo_v, zola]);
        assert!(roster.iter().all(|s| s.class_id == class_id
            && s.class_name == "SIO2 SLAM"
            && s.track == Track::Slam
            && s.route == Route::School));
        assert!(roster[2].disabled);
        assert!(!roster.iter().any(|s| s.id == elsewhere));

        let record = store.class(&cap).await.unwrap();
        assert_eq!(record.student_count, 3);
        assert_eq!(record.name, "SIO2 SLAM");
        let listed = store
            .classes_of_school(&school_cap(school_id))
            .await
            .unwrap();
        let counts: Vec<(i64, i64)> = listed.iter().map(|c| (c.id, c.student_count)).collect();
        assert_eq!(counts, vec![(other, 1), (class_id, 3)]);

        assert!(store.class_teachers(&cap).await.unwrap().is_empty());
        let t2 = user(&store, "t2@example.fr", "Zoé", "Bernard").await;
        let t1 = user(&store, "t1@example.fr", "Yann", "Arnaud").await;
        let not_here = user(&store, "t3@example.fr", "Marc", "Aaron").await;
        store
            .add_grant(t2, grant(Role::Teacher, Some(class_id)), NOW)
            .await
            .unwrap();
        store
            .add_grant(t1, grant(Role::Teacher, Some(class_id)), NOW)
            .await
            .unwrap();
        store
            .add_grant(not_here, grant(Role::Teacher, Some(other)), NOW)
            .await
            .unwrap();
        // A head of school whose school id equals the class id is not a teacher of it.
        store
            .add_grant(not_here, grant(Role::HeadOfSchool, Some(school_id)), NOW)
            .await
            .unwrap();
        let teachers = store.class_teachers(&cap).await.unwrap();
        assert_eq!(ids(&teachers, |t| t.id), vec![t1, t2]);
        assert_eq!(teachers[0].email, "t1@example.fr");

        let c = store.counts().await.unwrap();
        assert_eq!((c.users, c.students), (7, 4));
    })
    .await;
}

#[tokio::test]
async fn student_facts_and_profile_name_class_school_commissions_and_teachers() {
    both(|store| async move {
        let school_id = school(&store, "Lycée Ampère", Some("0690001A")).await;
        let class_id = class(&store, school_id, "SIO2 SLAM", Track::Slam).await;
        let pupil = user(&store, "eleve@example.fr", "Élève", "Un").await;
        enroll(&store, pupil, class_id, Some("02468")).await;
        assert!(store.student_facts(pupil + 1000).await.unwrap().is_none());
        let not_a_student = user(&store, "prof@example.fr", "Prof", "Esseur").await;
        assert!(store.student_facts(not_a_student).await.unwrap().is_none());

        let facts = store.student_facts(pupil).await.unwrap().unwrap();
        assert_eq!(
            (facts.student_id, facts.class_id, facts.school_id),
            (pupil, class_id, school_id)
        );
        assert!(facts.commission_ids.is_empty() && facts.exam_session_ids.is_empty());

        let s2025 = exam_session(&store, 2025, "Lyon").await;
        let s2026 = exam_session(&store, 2026, "Lyon").await;
        let c1 = store.create_commission(s2025, "C1", NOW).await.unwrap();
        let c2 = store.create_commission(s2026, "C2", NOW).await.unwrap();
        store.assign_candidate(c1, pupil).await.unwrap();
        store.assign_candidate(c2, pupil).await.unwrap();
        let facts = store.student_facts(pupil).await.unwrap().unwrap();
        let mut links: Vec<(i64, i64)> = facts
            .commission_ids
            .iter()
            .copied()
            .zip(facts.exam_session_ids.iter().copied())
            .collect();
        links.sort();
        assert_eq!(links, vec![(c1, s2025), (c2, s2026)]);
        // Facts let the commission member in.
        let member = Actor::new(not_a_student, vec![grant(Role::CommissionMember, Some(c2))]);
        assert!(member.student(&facts).is_some());

        store
            .add_grant(not_a_student, grant(Role::Teacher, Some(class_id)), NOW)
            .await
            .unwrap();
        let profile = store
            .student_profile(&student_cap(&store, pupil).await)
            .await
            .unwrap();
        assert_eq!(profile.student.id, pupil);
        assert_eq!(profile.student.email, "eleve@example.fr");
        assert_eq!(profile.student.first_name, "Élève");
        assert_eq!(profile.student.candidate_number.as_deref(), Some("02468"));
        assert_eq!(profile.school.id, school_id);
        assert_eq!(profile.school.name, "Lycée Ampère");
        assert_eq!(profile.school.uai.as_deref(), Some("0690001A"));
        assert_eq!(profile.year_of_training, 2);
        assert_eq!(profile.session_year, 2025);
        assert_eq!(ids(&profile.teachers, |t| t.id), vec![not_a_student]);

        let by_ids = store
            .students_by_ids(&[pupil, not_a_student])
            .await
            .unwrap();
        assert_eq!(ids(&by_ids, |s| s.id), vec![pupil]);
        assert!(store.students_by_ids(&[]).await.unwrap().is_empty());
    })
    .await;
}

// ---- Exam sessions and commissions --------------------------------------------------------

#[tokio::test]
async fn exam_sessions_and_commissions_with_members_and_candidates() {
    both(|store| async move {
        let school_id = school(&store, "Lycée Ampère", None).await;
        let class_id = class(&store, school_id, "SIO2 SLAM", Track::Slam).await;
        let zola = student(&store, class_id, "zola@example.fr", "Émile", "Zola").await;
        let hugo = student(&store, class_id, "hugo@example.fr", "Victor", "Hugo").await;
        let sand = student(&store, class_id, "sand@example.fr", "George", "Sand").await;

        let lyon = exam_session(&store, 2025, "Lyon").await;
        let grenoble = exam_session(&store, 2025, "Grenoble").await;
        let older = exam_session(&store, 2024, "Lyon").await;
        assert_conflict(
            store
                .create_exam_session(
                    &NewExamSession {
                        year: 2025,
                        academy: "Lyon".into(),
                        label: "Doublon".into(),
                    },
                    NOW,
                )
                .await,
            "a duplicate exam session",
        );
        let sessions = store.exam_sessions().await.unwrap();
        assert_eq!(ids(&sessions, |s| s.id), vec![grenoble, lyon, older]);
        let read = store.exam_session(&exam_session_cap(lyon)).await.unwrap();
        assert_eq!((read.year, read.academy.as_str()), (2025, "Lyon"));
        assert_eq!(read.label, "Session 2025 — Lyon");
        assert!(matches!(
            store.exam_session(&exam_session_cap(999_999)).await,
            Err(StoreError::NotFound)
        ));

        let cb = store
            .create_commission(lyon, "Commission B", NOW)
            .await
            .unwrap();
        let ca = store
            .create_commission(lyon, "Commission A", NOW)
            .await
            .unwrap();
        let elsewhere = store
            .create_commission(grenoble, "Commission A", NOW)
            .await
            .unwrap();
        assert_conflict(
            store.create_commission(lyon, "Commission A", NOW).await,
            "a duplicate commission",
        );
        assert_invalid(
            store.create_commission(999_999, "Commission Z", NOW).await,
            "a commission of a missing session",
        );
        assert_eq!(
            store.commission_facts(cb).await.unwrap().unwrap(),
            portfolio_domain::access::CommissionFacts {
                commission_id: cb,
                exam_session_id: lyon,
            }
        );
        assert!(store.commission_facts(999_999).await.unwrap().is_none());

        let m2 = user(&store, "m2@example.fr", "Zoé", "Bernard").await;
        let m1 = user(&store, "m1@example.fr", "Yann", "Arnaud").await;
        for (member, commission) in [(m2, ca), (m1, ca), (m1, cb), (m2, elsewhere)] {
            store
                .add_grant(member, grant(Role::CommissionMember, Some(commission)), NOW)
                .await
                .unwrap();
        }
        // A jury president of the session is not a member of its commissions.
        store
            .add_grant(m2, grant(Role::JuryPresident, Some(lyon)), NOW)
            .await
            .unwrap();

        // Assigning twice is harmless; assigning a non-student is refused.
        for (commission, candidate) in [(ca, zola), (ca, hugo), (ca, zola), (cb, sand)] {
            store.assign_candidate(commission, candidate).await.unwrap();
        }
        assert_invalid(
            store.assign_candidate(ca, m1).await,
            "a non-student candidate",
        );
        assert_invalid(
            store.assign_candidate(999_999, sand).await,
            "a missing commission",
        );

        let cap_a = commission_cap(&store, ca).await;
        let a = store.commission(&cap_a).await.unwrap();
        assert_eq!(
            (a.id, a.exam_session_id, a.name.as_str()),
            (ca, lyon, "Commission A")
        );
        assert_eq!(a.candidate_count, 2);
        assert_eq!(ids(&a.members, |m| m.id), vec![m1, m2]);
        let candidates = store.commission_candidates(&cap_a).await.unwrap();
        assert_eq!(ids(&candidates, |c| c.id), vec![hugo, zola]);
        assert_eq!(candidates[0].class_name, "SIO2 SLAM");

        let of_lyon = store
            .commissions_of_session(&exam_session_cap(lyon))
            .await
            .unwrap();
        assert_eq!(ids(&of_lyon, |c| c.id), vec![ca, cb]);
        assert_eq!(ids(&of_lyon[0].members, |m| m.id), vec![m1, m2]);
        assert_eq!(ids(&of_lyon[1].members, |m| m.id), vec![m1]);
        assert_eq!(of_lyon[1].candidate_count, 1);
        let of_grenoble = store
            .commissions_of_session(&exam_session_cap(grenoble))
            .await
            .unwrap();
        assert_eq!(ids(&of_grenoble, |c| c.id), vec![elsewhere]);
        assert_eq!(ids(&of_grenoble[0].members, |m| m.id), vec![m2]);
        assert_eq!(of_grenoble[0].candidate_count, 0);
        assert!(
            store
                .commissions_of_session(&exam_session_cap(older))
                .await
                .unwrap()
                .is_empty()
        );
        let cap_else = commission_cap(&store, elsewhere).await;
        assert!(
            store
                .commission_candidates(&cap_else)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

// ---- Login sessions and throttling --------------------------------------------------------

#[tokio::test]
async fn sessions_are_created_touched_deleted_and_purged() {
    both(|store| async move {
        let alice = user(&store, "alice@example.fr", "Alice", "Martin").await;
        store
            .create_session(&new_session("s1", alice, NOW))
            .await
            .unwrap();
        let s = store.session("s1").await.unwrap().expect("session s1");
        assert_eq!(s.user_id, alice);
        assert_eq!(s.csrf_token, "csrf-s1");
        assert_eq!((s.created_at, s.last_seen_at), (NOW, NOW));
        assert!(store.session("unknown").await.unwrap().is_none());
        assert_conflict(
            store.create_session(&new_session("s1", alice, NOW)).await,
            "a duplicate session id",
        );
        assert_invalid(
            store
                .create_session(&new_session("s9", alice + 1000, NOW))
                .await,
            "a session of a missing user",
        );

        store.touch_session("s1", NOW + 100).await.unwrap();
        let s = store.session("s1").await.unwrap().unwrap();
        assert_eq!((s.created_at, s.last_seen_at), (NOW, NOW + 100));
        store.touch_session("unknown", NOW).await.unwrap();

        store.delete_session("s1").await.unwrap();
        assert!(store.session("s1").await.unwrap().is_none());
        store.delete_session("s1").await.unwrap();

        // old: created long ago, seen recently; idle: created recently, not seen for a while;
        // fresh: neither.
        store
            .create_session(&new_session("old", alice, NOW - 10_000))
            .await
            .unwrap();
        store.touch_session("old", NOW).await.unwrap();
        store
            .create_session(&new_session("idle", alice, NOW - 500))
            .await
            .unwrap();
        store
            .create_session(&new_session("fresh", alice, NOW - 10))
            .await
            .unwrap();

        // Nothing before the limits: nothing purged.
        assert_eq!(
            store
                .purge_sessions(NOW - 1_000, NOW - 20_000)
                .await
                .unwrap(),
            0
        );
        // Idle for more than 100 s.
        assert_eq!(
            store.purge_sessions(NOW - 100, NOW - 20_000).await.unwrap(),
            1
        );
        assert!(store.session("idle").await.unwrap().is_none());
        assert!(store.session("old").await.unwrap().is_some());
        // Older than 5,000 s whatever the activity.
        assert_eq!(
            store.purge_sessions(NOW - 100, NOW - 5_000).await.unwrap(),
            1
        );
        assert!(store.session("old").await.unwrap().is_none());
        assert!(store.session("fresh").await.unwrap().is_some());
        // The limits are strict: a session seen exactly at the limit stays.
        assert_eq!(store.purge_sessions(NOW - 10, NOW - 10).await.unwrap(), 0);
        assert_eq!(store.purge_sessions(NOW - 9, NOW).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn login_failures_count_within_their_window_then_restart() {
    both(|store| async move {
        let key = "email:alice@example.fr";
        let window = 900;
        assert_eq!(store.login_failures(key, NOW, window).await.unwrap(), 0);
        assert_eq!(
            store.record_login_failure(key, NOW, window).await.unwrap(),
            1
        );
        assert_eq!(
            store
                .record_login_failure(key, NOW + 10, window)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .record_login_failure(key, NOW + window - 1, window)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            store.login_failures(key, NOW + 20, window).await.unwrap(),
            3
        );
        assert_eq!(
            store
                .login_failures(key, NOW + window - 1, window)
                .await
                .unwrap(),
            3
        );
        // Other keys are counted apart.
        assert_eq!(
            store
                .record_login_failure("ip:10.0.0.1", NOW, window)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .login_failures("ip:10.0.0.2", NOW, window)
                .await
                .unwrap(),
            0
        );

        // Once the window is over, the count reads 0 and the next failure starts at 1 again.
        assert_eq!(
            store
                .login_failures(key, NOW + window, window)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            store
                .record_login_failure(key, NOW + window + 5, window)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .record_login_failure(key, NOW + window + 6, window)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .login_failures(key, NOW + window + 6, window)
                .await
                .unwrap(),
            2
        );

        store.clear_login_failures(key).await.unwrap();
        assert_eq!(
            store
                .login_failures(key, NOW + window + 6, window)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            store
                .record_login_failure(key, NOW + window + 7, window)
                .await
                .unwrap(),
            1
        );
        store.clear_login_failures("never-seen").await.unwrap();
        assert_eq!(
            store
                .login_failures("ip:10.0.0.1", NOW, window)
                .await
                .unwrap(),
            1
        );
    })
    .await;
}

// ---- Audit, counts, backup ----------------------------------------------------------------

fn event(at: i64, action: &'static str, target: Option<&str>) -> AuditEvent {
    AuditEvent {
        at,
        actor_user_id: Some(7),
        action,
        target: target.map(str::to_string),
        client_ip: Some("192.0.2.1".into()),
        details: None,
    }
}

const DAY: i64 = 24 * 3600;

#[tokio::test]
async fn audit_pages_by_id_cover_every_entry_once_and_filters_narrow() {
    both(|store| async move {
        let actions = [
            "login.success",
            "login.failure",
            "access.denied",
            "csrf.refused",
        ];
        for i in 0..250i64 {
            let mut e = event(NOW + i * DAY / 10, actions[(i % 4) as usize], None);
            e.actor_user_id = Some(if i % 3 == 0 { 8 } else { 7 });
            store.audit(&e).await.unwrap();
        }
        // Walking back from the newest, 100 at a time.
        let mut seen = Vec::new();
        let mut filter = AuditFilter::default();
        loop {
            let page = store.audit_page(&filter, 100).await.unwrap();
            if page.is_empty() {
                break;
            }
            assert!(page.windows(2).all(|w| w[0].id > w[1].id), "newest first");
            filter.before_id = Some(page.last().unwrap().id);
            seen.extend(page.iter().map(|r| r.id));
        }
        assert_eq!(seen.len(), 250);
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 250, "every entry exactly once");
        // Walking forward again from the oldest with after_id: the pages closest to it, newest first.
        let oldest = *seen.last().unwrap();
        let newer = store
            .audit_page(
                &AuditFilter {
                    after_id: Some(oldest),
                    ..AuditFilter::default()
                },
                100,
            )
            .await
            .unwrap();
        assert_eq!(newer.len(), 100);
        assert!(newer.windows(2).all(|w| w[0].id > w[1].id));
        assert_eq!(
            newer.last().unwrap().id,
            seen[seen.len() - 2],
            "the entry just after it"
        );
        assert_eq!(newer.first().unwrap().id, seen[seen.len() - 101]);

        // An exact action, then a family.
        let only = |f: AuditFilter| {
            let store = store.clone();
            async move { store.audit_page(&f, 1000).await.unwrap() }
        };
        let failures = only(AuditFilter {
            action: Some("login.failure".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(failures.len(), 63);
        assert!(failures.iter().all(|r| r.action == "login.failure"));
        let logins = only(AuditFilter {
            action: Some("login".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(logins.len(), 126);
        assert!(logins.iter().all(|r| r.action.starts_with("login.")));
        // A prefix that is not a family matches nothing ("log" is not "login").
        assert!(
            only(AuditFilter {
                action: Some("log".into()),
                ..Default::default()
            })
            .await
            .is_empty()
        );
        // By account.
        let by8 = only(AuditFilter {
            actor_user_id: Some(8),
            ..Default::default()
        })
        .await;
        assert_eq!(by8.len(), 84);
        assert!(by8.iter().all(|r| r.actor_user_id == Some(8)));
        // By date: [from, until).
        let window = only(AuditFilter {
            from: Some(NOW + DAY),
            until: Some(NOW + 2 * DAY),
            ..Default::default()
        })
        .await;
        assert_eq!(window.len(), 10);
        assert!(
            window
                .iter()
                .all(|r| r.at >= NOW + DAY && r.at < NOW + 2 * DAY)
        );
        // Combined.
        let both_filters = only(AuditFilter {
            action: Some("login".into()),
            actor_user_id: Some(8),
            until: Some(NOW + 10 * DAY),
            ..Default::default()
        })
        .await;
        assert!(!both_filters.is_empty());
        assert!(both_filters.iter().all(|r| r.action.starts_with("login.")
            && r.actor_user_id == Some(8)
            && r.at < NOW + 10 * DAY));
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_keeps_twelve_months() {
    both(|store| async move {
        let now = NOW + 800 * DAY;
        let month = 31 * DAY;
        store
            .audit(&event(now - 13 * month, "login.success", Some("old")))
            .await
            .unwrap();
        store
            .audit(&event(now - 11 * month, "login.success", Some("kept")))
            .await
            .unwrap();
        store
            .audit(&event(now, "login.success", Some("today")))
            .await
            .unwrap();
        let removed = store.purge_audit(now - AUDIT_RETENTION_SECS).await.unwrap();
        assert_eq!(removed, 1);
        let left: Vec<Option<String>> = store
            .recent_audit(10)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.target)
            .collect();
        assert_eq!(left, vec![Some("today".into()), Some("kept".into())]);
        assert_eq!(
            store.purge_audit(now - AUDIT_RETENTION_SECS).await.unwrap(),
            0
        );
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_reads_newest_first() {
    both(|store| async move {
        store
            .audit(&event(NOW, "login.failure", Some("alice@example.fr")))
            .await
            .unwrap();
        store
            .audit(&event(NOW + 1, "login.success", Some("alice@example.fr")))
            .await
            .unwrap();
        let mut anonymous = event(NOW + 1, "access.denied", None);
        anonymous.actor_user_id = None;
        anonymous.client_ip = None;
        anonymous.details = Some("GET /admin — « refusé »".into());
        store.audit(&anonymous).await.unwrap();

        let recent = store.recent_audit(10).await.unwrap();
        let actions: Vec<&str> = recent.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(
            actions,
            vec!["access.denied", "login.success", "login.failure"]
        );
        assert!(recent.windows(2).all(|w| w[0].id > w[1].id));
        assert_eq!(recent[0].actor_user_id, None);
        assert_eq!(recent[0].client_ip, None);
        assert_eq!(
            recent[0].details.as_deref(),
            Some("GET /admin — « refusé »")
        );
        assert_eq!(recent[2].at, NOW);
        assert_eq!(recent[2].actor_user_id, Some(7));
        assert_eq!(recent[2].target.as_deref(), Some("alice@example.fr"));
        assert_eq!(recent[2].client_ip.as_deref(), Some("192.0.2.1"));

        let two = store.recent_audit(2).await.unwrap();
        assert_eq!(ids(&two, |r| r.id), ids(&recent[..2], |r| r.id));
    })
    .await;
}

#[tokio::test]
async fn counts_follow_the_rows() {
    both(|store| async move {
        let s = school(&store, "Lycée Ampère", None).await;
        school(&store, "Lycée Branly", None).await;
        let c = class(&store, s, "SIO1", Track::Sisr).await;
        class(&store, s, "SIO2", Track::Sisr).await;
        class(&store, s, "SIO3", Track::Slam).await;
        student(&store, c, "a@example.fr", "A", "A").await;
        user(&store, "b@example.fr", "B", "B").await;
        assert_eq!(
            store.counts().await.unwrap(),
            Counts {
                users: 2,
                schools: 2,
                classes: 3,
                students: 1,
            }
        );
    })
    .await;
}

#[tokio::test]
async fn backup_copies_sqlite_and_points_postgres_to_pg_dump() {
    both(|store| async move {
        let school_id = school(&store, "Lycée Ampère", None).await;
        let class_id = class(&store, school_id, "SIO2", Track::Slam).await;
        let pupil = student(&store, class_id, "a@example.fr", "A", "A").await;
        user(&store, "b@example.fr", "B", "B").await;
        store
            .create_session(&new_session("s1", pupil, NOW))
            .await
            .unwrap();
        let before = store.counts().await.unwrap();

        let dir = TempDir::new();
        let target = dir.path().join("copy.db");
        match store.backend() {
            "sqlite" => {
                store.backup(&target).await.expect("backup");
                assert!(target.is_file());
                // The copy opens as a store of its own, already migrated, with the same rows.
                let copy = sqlite_store(&target).await;
                use portfolio_store::{SessionStore, Store, UserStore};
                assert_eq!(copy.counts().await.unwrap(), before);
                assert_eq!(
                    copy.user_by_email("a@example.fr")
                        .await
                        .unwrap()
                        .unwrap()
                        .id,
                    pupil
                );
                assert!(copy.session("s1").await.unwrap().is_some());
                copy.close().await;
                // The original is untouched and still writable.
                user(&store, "c@example.fr", "C", "C").await;

                // An existing file is never overwritten.
                let message = assert_invalid(store.backup(&target).await, "backup onto a file");
                assert!(message.contains("existe déjà"), "{message}");
                let message = assert_invalid(store.backup(dir.path()).await, "backup onto a dir");
                assert!(message.contains("existe déjà"), "{message}");
            }
            "postgres" => match store.backup(&target).await {
                Err(StoreError::Unsupported(message)) => {
                    assert!(message.contains("pg_dump"), "{message}");
                    assert!(!target.exists());
                }
                other => panic!("PostgreSQL backup: expected Unsupported, got {other:?}"),
            },
            other => panic!("unknown backend {other}"),
        }
    })
    .await;
}

// ---- Transactions and concurrency ---------------------------------------------------------

#[tokio::test]
async fn a_failed_write_leaves_nothing_behind_and_the_store_usable() {
    both(|store| async move {
        let s = school(&store, "Lycée Ampère", Some("0690001A")).await;
        let c = class(&store, s, "SIO2", Track::Slam).await;
        let alice = student(&store, c, "alice@example.fr", "Alice", "Martin").await;
        store
            .create_session(&new_session("a1", alice, NOW))
            .await
            .unwrap();
        let before = store.counts().await.unwrap();

        // Each failure below happens inside a write transaction; run them more times than the
        // pool has connections, so that a connection left inside a broken transaction would
        // show up in the writes that follow.
        for _ in 0..20 {
            assert_conflict(
                store
                    .create_user(&new_user("alice@example.fr", "A", "B"))
                    .await,
                "a duplicate e-mail",
            );
            assert_conflict(
                store
                    .create_school(
                        &NewSchool {
                            name: "X".into(),
                            city: "Y".into(),
                            uai: Some("0690001A".into()),
                        },
                        NOW,
                    )
                    .await,
                "a duplicate UAI",
            );
            assert_conflict(
                store
                    .create_class(&new_class(s, "SIO2", Track::Slam, 2025), NOW)
                    .await,
                "a duplicate class",
            );
            assert_invalid(
                store
                    .add_grant(alice, grant(Role::Teacher, Some(999_999)), NOW)
                    .await,
                "a grant on a missing class",
            );
            assert!(matches!(
                store.set_password_hash(999_999, "x", NOW).await,
                Err(StoreError::NotFound)
            ));
        }
        assert_eq!(store.counts().await.unwrap(), before);
        assert_eq!(
            store.grants_of(alice).await.unwrap(),
            vec![grant(Role::Student, Some(c))]
        );
        assert!(store.session("a1").await.unwrap().is_some());

        // And writing still works.
        let bob = user(&store, "bob@example.fr", "Bob", "Durand").await;
        store
            .add_grant(bob, grant(Role::Teacher, Some(c)), NOW)
            .await
            .unwrap();
        assert_eq!(store.counts().await.unwrap().users, before.users + 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_succeed() {
    both(|store| async move {
        const TASKS: i64 = 8;
        const WRITES: i64 = 25;
        let school_id = school(&store, "Lycée Ampère", None).await;
        let class_id = class(&store, school_id, "SIO2", Track::Slam).await;
        let mut handles = Vec::new();
        for task in 0..TASKS {
            let store: DynStore = store.clone();
            handles.push(tokio::spawn(async move {
                for i in 0..WRITES {
                    // Shared key: each increment reads and writes the same row.
                    store
                        .record_login_failure("ip:203.0.113.9", NOW + i, 3_600)
                        .await
                        .unwrap_or_else(|e| panic!("task {task}, write {i}: {e}"));
                    store
                        .audit(&event(NOW + i, "user.create", Some("concurrency")))
                        .await
                        .unwrap_or_else(|e| panic!("task {task}, audit {i}: {e}"));
                    let id = store
                        .create_user(&new_user(&format!("u{task}-{i}@example.fr"), "U", "V"))
                        .await
                        .unwrap_or_else(|e| panic!("task {task}, user {i}: {e}"));
                    // A transaction that reads (the scope exists) before it writes: with a
                    // deferred BEGIN, SQLite would refuse the upgrade to a write lock with
                    // "database is locked" instead of waiting.
                    store
                        .add_grant(id, grant(Role::Teacher, Some(class_id)), NOW)
                        .await
                        .unwrap_or_else(|e| panic!("task {task}, grant {i}: {e}"));
                }
            }));
        }
        for handle in handles {
            handle.await.expect("writer task");
        }
        assert_eq!(
            store
                .login_failures("ip:203.0.113.9", NOW + WRITES, 3_600)
                .await
                .unwrap(),
            TASKS * WRITES,
            "no increment may be lost"
        );
        assert_eq!(
            store.recent_audit(1_000).await.unwrap().len() as i64,
            TASKS * WRITES
        );
        assert_eq!(store.counts().await.unwrap().users, TASKS * WRITES);
        let teachers = store
            .class_teachers(&class_cap(&store, class_id).await)
            .await
            .unwrap();
        assert_eq!(teachers.len() as i64, TASKS * WRITES);
    })
    .await;
}

#[tokio::test]
async fn postgres_schemas_of_parallel_tests_are_separate() {
    // Two stores at once, each in its own schema: what one writes, the other does not see.
    let url = postgres_url();
    let (a, b) = (
        format!("t_{}", unique_suffix()),
        format!("t_{}", unique_suffix()),
    );
    let store_a: DynStore = std::sync::Arc::new(postgres_store(&a).await);
    let store_b: DynStore = std::sync::Arc::new(postgres_store(&b).await);
    let outcome = tokio::spawn({
        let (store_a, store_b) = (store_a.clone(), store_b.clone());
        async move {
            user(&store_a, "alice@example.fr", "Alice", "Martin").await;
            assert_eq!(store_a.counts().await.unwrap().users, 1);
            assert_eq!(store_b.counts().await.unwrap().users, 0);
            user(&store_b, "alice@example.fr", "Alice", "Martin").await;
        }
    })
    .await;
    store_a.close().await;
    store_b.close().await;
    for schema in [&a, &b] {
        portfolio_store::postgres::PgStore::drop_schema(&url, schema)
            .await
            .expect("drop the test schema");
    }
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    // Dropped for real: connecting again makes a fresh, empty schema.
    let again: DynStore = std::sync::Arc::new(postgres_store(&a).await);
    let users = again.counts().await.map(|c| c.users);
    again.close().await;
    portfolio_store::postgres::PgStore::drop_schema(&url, &a)
        .await
        .expect("drop the test schema");
    assert_eq!(users.unwrap(), 0);
}

#[tokio::test]
async fn the_sqlite_store_opens_an_existing_file_without_migrating_twice() {
    let dir = TempDir::new();
    let path = dir.path().join("portfolio.db");
    let first = sqlite_store(&path).await;
    {
        use portfolio_store::UserStore;
        first
            .create_user(&new_user("alice@example.fr", "Alice", "Martin"))
            .await
            .unwrap();
    }
    portfolio_store::Store::close(&first).await;
    drop(first);
    let url = format!("sqlite://{}", path.display());
    let again: SqliteStore = SqliteStore::connect(&url).await.expect("reopen");
    let store: DynStore = std::sync::Arc::new(again);
    assert_eq!(store.counts().await.unwrap().users, 1);
    store.close().await;
    // And through `connect`, which picks the backend from the URL.
    let store = portfolio_store::connect(&url).await.expect("connect");
    assert_eq!(store.backend(), "sqlite");
    assert_eq!(store.counts().await.unwrap().users, 1);
    store.close().await;
}
