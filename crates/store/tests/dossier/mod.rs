//! The dossier: réalisations, artifacts, the teachers' follow-up, the E5 choice — on both
//! backends.

use crate::ids;
use crate::support::*;
use portfolio_domain::access::{Actor, DossierEditCap, ReviewCap, StudentCap};
use portfolio_domain::dossier::{Modality, Period, Setting};
use portfolio_domain::realisation::RealisationInput;
use portfolio_domain::role::Role;
use portfolio_framework::Track;
use portfolio_store::{
    ArtifactKind, CommentVisibility, DynStore, NewArtifact, ReviewStatus, StoreError,
};
use std::collections::BTreeSet;
use time::macros::date;

struct World {
    owner: i64,
    other: i64,
    class: i64,
}

async fn world(store: &DynStore) -> World {
    let school = school(store, "Lycée Dossier", None).await;
    let class = class(store, school, "SIO2 SISR", Track::Sisr).await;
    let owner = student(store, class, "owner@d.fr", "Olga", "Owner").await;
    let other = student(store, class, "other@d.fr", "Otto", "Other").await;
    World {
        owner,
        other,
        class,
    }
}

async fn own(store: &DynStore, w: &World, student_id: i64) -> (StudentCap, DossierEditCap) {
    let facts = store
        .student_facts(student_id)
        .await
        .expect("facts")
        .expect("student");
    let cap = Actor::new(student_id, vec![grant(Role::Student, Some(w.class))])
        .student(&facts)
        .expect("owner reads");
    (cap, cap.edit().expect("owner edits"))
}

async fn teacher(store: &DynStore, w: &World, student_id: i64) -> (StudentCap, ReviewCap) {
    let facts = store
        .student_facts(student_id)
        .await
        .expect("facts")
        .expect("student");
    let cap = Actor::new(-7, vec![grant(Role::Teacher, Some(w.class))])
        .student(&facts)
        .expect("teacher reads");
    (cap, cap.review().expect("teacher reviews"))
}

pub(crate) fn input(title: &str, start: time::Date, skills: &[&str]) -> RealisationInput {
    RealisationInput {
        title: title.into(),
        description: "Une description\nsur deux lignes".into(),
        period: Period::new(start, date!(2026 - 06 - 30)).expect("period"),
        setting: Setting::WorkplaceFirstYear,
        organisation: "Mairie de Caen".into(),
        modality: Modality::Team,
        personal_contribution: "Le script de sauvegarde".into(),
        resources_provided: "Un serveur".into(),
        expected_results: "Des sauvegardes testées".into(),
        tech_items: ["TE-1.1.2", "TE-1.1.6"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        tech_other: "Proxmox".into(),
        skills: skills
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
    }
}

fn file(name: &str, key: &str, size: i64) -> NewArtifact {
    NewArtifact {
        kind: ArtifactKind::File,
        name: name.into(),
        url: None,
        storage_key: Some(key.into()),
        content_type: Some("application/pdf".into()),
        size_bytes: size,
    }
}

#[tokio::test]
async fn realisations_are_created_listed_updated_and_deleted_by_their_owner_only() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit) = own(&store, &w, w.owner).await;
        let (_, other_edit) = own(&store, &w, w.other).await;

        let late = store
            .create_realisation(
                &edit,
                &input("Supervision", date!(2026 - 03 - 01), &["B1.2.1"]),
                10,
            )
            .await
            .expect("create");
        let early = store
            .create_realisation(
                &edit,
                &input(
                    "Sauvegardes",
                    date!(2025 - 09 - 15),
                    &["B1.1.5", "B2-SISR.1.1"],
                ),
                11,
            )
            .await
            .expect("create");

        let list = store.realisations(&read).await.expect("list");
        assert_eq!(ids(&list, |r| r.id), [early, late], "by start date");
        // The lines of the dossier's list say the same, from one query.
        assert_eq!(
            store.realisation_summaries(&read).await.expect("lines"),
            list.iter().map(|r| r.summary()).collect::<Vec<_>>()
        );
        let r = &list[0];
        assert_eq!(
            r.input,
            input(
                "Sauvegardes",
                date!(2025 - 09 - 15),
                &["B1.1.5", "B2-SISR.1.1"]
            )
        );
        assert_eq!(r.review_status, None);
        assert_eq!((r.created_at, r.updated_at), (11, 11));

        let mut changed = input("Sauvegardes (v2)", date!(2025 - 09 - 16), &["B1.1.6"]);
        changed.modality = Modality::Solo;
        changed.personal_contribution = String::new();
        changed.tech_items.clear();
        store
            .update_realisation(&edit, early, &changed, 20)
            .await
            .expect("update");
        let r = store.realisation(&read, early).await.expect("one");
        assert_eq!(r.input, changed);
        assert_eq!(r.updated_at, 20);

        // Another student's capability reaches none of it.
        assert!(matches!(
            store
                .update_realisation(&other_edit, early, &changed, 21)
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.delete_realisation(&other_edit, early, 21).await,
            Err(StoreError::NotFound)
        ));
        let (other_read, _) = own(&store, &w, w.other).await;
        assert!(matches!(
            store.realisation(&other_read, early).await,
            Err(StoreError::NotFound)
        ));
        assert!(
            store
                .realisations(&other_read)
                .await
                .expect("list")
                .is_empty()
        );

        store
            .delete_realisation(&edit, early, 30)
            .await
            .expect("delete");
        assert_eq!(
            ids(&store.realisations(&read).await.expect("list"), |r| r.id),
            [late]
        );
        assert!(matches!(
            store.realisation(&read, early).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn artifacts_respect_the_quota_and_their_files_are_queued_for_deletion_with_their_rows() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit) = own(&store, &w, w.owner).await;
        let (_, other_edit) = own(&store, &w, w.other).await;
        let r = store
            .create_realisation(&edit, &input("GLPI", date!(2025 - 10 - 01), &[]), 1)
            .await
            .expect("create");
        let quota = 1_000;
        let f1 = store
            .add_artifact(&edit, r, &file("procedure.pdf", "k1", 600), quota, 2)
            .await
            .expect("file");
        let link = NewArtifact {
            kind: ArtifactKind::Link,
            name: "Dépôt".into(),
            url: Some("https://git.example.fr/glpi".into()),
            storage_key: None,
            content_type: None,
            size_bytes: 0,
        };
        let l1 = store
            .add_artifact(&edit, r, &link, quota, 3)
            .await
            .expect("link");
        // 600 + 500 > 1,000: refused, and nothing is written.
        let message = match store
            .add_artifact(&edit, r, &file("gros.pdf", "k2", 500), quota, 4)
            .await
        {
            Err(StoreError::Invalid(m)) => m,
            other => panic!("expected the quota error, got {other:?}"),
        };
        assert!(
            message.contains("espace de stockage insuffisant"),
            "{message}"
        );
        assert_eq!(store.storage_used(&read).await.expect("used"), 600);
        // Not on someone else's réalisation.
        assert!(matches!(
            store
                .add_artifact(&other_edit, r, &file("x.pdf", "k3", 1), quota, 5)
                .await,
            Err(StoreError::NotFound)
        ));

        let got = store.realisation(&read, r).await.expect("one");
        assert_eq!(ids(&got.artifacts, |a| a.id), [f1, l1]);
        let lines = store.realisation_summaries(&read).await.expect("lines");
        assert_eq!(lines, vec![got.summary()]);
        assert_eq!((lines[0].artifacts, lines[0].skills.len()), (2, 0));
        assert_eq!(got.artifacts[0].storage_key.as_deref(), Some("k1"));
        assert_eq!(
            store
                .artifact(&read, l1)
                .await
                .expect("artifact")
                .url
                .as_deref(),
            Some("https://git.example.fr/glpi")
        );

        // Removing an artifact queues its file; removing a link queues nothing.
        assert!(matches!(
            store.delete_artifact(&other_edit, f1, 6).await,
            Err(StoreError::NotFound)
        ));
        store
            .delete_artifact(&edit, l1, 6)
            .await
            .expect("delete link");
        assert!(
            store
                .pending_blob_deletions(10)
                .await
                .expect("pending")
                .is_empty()
        );
        let f2 = store
            .add_artifact(&edit, r, &file("schema.png", "k4", 100), quota, 7)
            .await
            .expect("file");
        store
            .delete_artifact(&edit, f2, 8)
            .await
            .expect("delete file");
        assert_eq!(
            store.pending_blob_deletions(10).await.expect("pending"),
            ["k4"]
        );
        // Removing the réalisation removes its artifacts and queues their files.
        store.delete_realisation(&edit, r, 9).await.expect("delete");
        assert_eq!(
            store.pending_blob_deletions(10).await.expect("pending"),
            ["k4", "k1"]
        );
        assert_eq!(store.storage_used(&read).await.expect("used"), 0);
        store.blob_deleted("k4").await.expect("done");
        assert_eq!(
            store.pending_blob_deletions(10).await.expect("pending"),
            ["k1"]
        );
    })
    .await;
}

#[tokio::test]
async fn teachers_comment_and_review_and_the_student_sees_only_public_comments() {
    both(|store| async move {
        let w = world(&store).await;
        let (owner_read, edit) = own(&store, &w, w.owner).await;
        let (teacher_read, review) = teacher(&store, &w, w.owner).await;
        let (_, other_review) = teacher(&store, &w, w.other).await;
        let author = user(&store, "prof@d.fr", "Paula", "Prof").await;
        let r = store
            .create_realisation(
                &edit,
                &input("VLAN", date!(2025 - 11 - 01), &["B2-SISR.1.2"]),
                1,
            )
            .await
            .expect("create");
        store
            .add_comment(
                &review,
                r,
                author,
                "Ajoutez le schéma réseau.",
                CommentVisibility::Student,
                2,
            )
            .await
            .expect("public");
        store
            .add_comment(
                &review,
                r,
                author,
                "Bon candidat pour l’E5.",
                CommentVisibility::Team,
                3,
            )
            .await
            .expect("team");
        // A teacher capability for another student does not reach this réalisation.
        assert!(matches!(
            store
                .add_comment(&other_review, r, author, "x", CommentVisibility::Student, 4)
                .await,
            Err(StoreError::NotFound)
        ));
        let seen: Vec<String> = store
            .comments(&owner_read, r, false)
            .await
            .expect("student view")
            .into_iter()
            .map(|c| c.body)
            .collect();
        assert_eq!(seen, ["Ajoutez le schéma réseau."]);
        let team = store
            .comments(&teacher_read, r, true)
            .await
            .expect("team view");
        assert_eq!(team.len(), 2);
        assert_eq!(team[0].author_name, "Paula Prof");
        assert_eq!(team[1].visibility, CommentVisibility::Team);

        store
            .set_review(&review, r, Some(ReviewStatus::ToRevise), author, 5)
            .await
            .expect("review");
        let got = store.realisation(&owner_read, r).await.expect("one");
        assert_eq!(
            (got.review_status, got.reviewed_at),
            (Some(ReviewStatus::ToRevise), Some(5))
        );
        store
            .set_review(&review, r, Some(ReviewStatus::Validated), author, 6)
            .await
            .expect("review");
        assert_eq!(
            store
                .realisation(&owner_read, r)
                .await
                .expect("one")
                .review_status,
            Some(ReviewStatus::Validated)
        );
        store
            .set_review(&review, r, None, author, 7)
            .await
            .expect("clear");
        assert_eq!(
            store
                .realisation(&owner_read, r)
                .await
                .expect("one")
                .review_status,
            None
        );
        assert!(matches!(
            store.set_review(&other_review, r, None, author, 8).await,
            Err(StoreError::NotFound)
        ));
        // Comments go with their réalisation.
        store.delete_realisation(&edit, r, 9).await.expect("delete");
        assert!(
            store
                .comments(&teacher_read, r, true)
                .await
                .expect("none")
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn the_e5_choice_names_two_distinct_realisations_of_the_student() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit) = own(&store, &w, w.owner).await;
        let (other_read, other_edit) = own(&store, &w, w.other).await;
        let a = store
            .create_realisation(&edit, &input("A", date!(2025 - 10 - 01), &[]), 1)
            .await
            .expect("a");
        let b = store
            .create_realisation(&edit, &input("B", date!(2025 - 11 - 01), &[]), 1)
            .await
            .expect("b");
        let theirs = store
            .create_realisation(&other_edit, &input("C", date!(2025 - 11 - 01), &[]), 1)
            .await
            .expect("c");
        assert_eq!(store.e5_choice(&read).await.expect("none"), None);
        assert!(matches!(
            store.set_e5_choice(&edit, a, a).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store.set_e5_choice(&edit, a, theirs).await,
            Err(StoreError::NotFound)
        ));
        store.set_e5_choice(&edit, a, b).await.expect("choose");
        store
            .set_e5_choice(&edit, b, a)
            .await
            .expect("choose again");
        assert_eq!(store.e5_choice(&read).await.expect("some"), Some((b, a)));
        assert_eq!(store.e5_choice(&other_read).await.expect("none"), None);
        store.delete_realisation(&edit, a, 2).await.expect("delete");
        assert_eq!(store.e5_choice(&read).await.expect("gone"), None);
    })
    .await;
}

#[tokio::test]
async fn a_handed_in_dossier_is_frozen_keeps_its_files_and_can_be_reopened() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit) = own(&store, &w, w.owner).await;
        let (_, review) = teacher(&store, &w, w.owner).await;
        let (_, other_review) = teacher(&store, &w, w.other).await;
        let r = store
            .create_realisation(
                &edit,
                &input("Sauvegardes", date!(2025 - 09 - 15), &["B1.1.5"]),
                1,
            )
            .await
            .expect("create");
        let f = store
            .add_artifact(
                &edit,
                r,
                &file("plan.pdf", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 10),
                1_000,
                2,
            )
            .await
            .expect("file");
        assert!(
            store
                .current_submission(&read)
                .await
                .expect("none")
                .is_none()
        );

        let profile = store.student_profile(&read).await.expect("profile");
        let live = store.realisations(&read).await.expect("live");
        let snapshot = portfolio_store::DossierSnapshot::of(&profile, &live, None, 3);
        let id = store.hand_in(&edit, &snapshot, 3).await.expect("hand in");
        // Once only, until it is reopened.
        match store.hand_in(&edit, &snapshot, 4).await {
            Err(StoreError::Invalid(m)) => assert!(m.contains("déjà remis"), "{m}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let current = store
            .current_submission(&read)
            .await
            .expect("read")
            .expect("some");
        assert_eq!((current.id, current.submitted_at), (id, 3));
        assert_eq!(*current.snapshot, snapshot);
        assert_eq!(
            current.snapshot.storage_keys(),
            ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
        );
        // `check` and `backup` read which rows name the file: the production and the copy.
        let refs = |v: Vec<portfolio_store::BlobReference>| {
            v.into_iter()
                .map(|r| (r.storage_key, r.kind, r.row_id, r.size_bytes))
                .collect::<Vec<_>>()
        };
        let key = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_string();
        assert_eq!(
            refs(store.blob_references().await.expect("references")),
            [
                (key.clone(), "dossier remis".to_string(), id, None),
                (key.clone(), "production".to_string(), f, Some(10)),
            ]
        );
        assert!(
            store
                .blob_references()
                .await
                .expect("references")
                .iter()
                .all(|r| r.student_id == w.owner && r.needs_file())
        );

        // The draft goes on; the frozen copy does not move, and its file is not deleted.
        store.delete_artifact(&edit, f, 5).await.expect("delete");
        let mut changed = input("Sauvegardes v2", date!(2025 - 09 - 15), &[]);
        changed.description = "changée".into();
        store
            .update_realisation(&edit, r, &changed, 6)
            .await
            .expect("update");
        assert!(
            store
                .pending_blob_deletions(10)
                .await
                .expect("pending")
                .is_empty()
        );
        // The row is gone, its deletion queued, and the handed-in copy still names the file.
        assert_eq!(
            refs(store.blob_references().await.expect("references")),
            [
                (key.clone(), "dossier remis".to_string(), id, None),
                (key.clone(), "suppression en attente".to_string(), 0, None),
            ]
        );
        let again = store
            .current_submission(&read)
            .await
            .expect("read")
            .expect("some");
        assert_eq!(again.snapshot.realisations[0].input.title, "Sauvegardes");
        assert_eq!(again.snapshot.realisations[0].artifacts.len(), 1);

        let prof = user(&store, "prof@d.fr", "Paula", "Prof").await;
        assert!(matches!(
            store.reopen(&other_review, prof, 7).await,
            Err(StoreError::NotFound)
        ));
        store.reopen(&review, prof, 7).await.expect("reopen");
        assert!(
            store
                .current_submission(&read)
                .await
                .expect("read")
                .is_none()
        );
        assert!(matches!(
            store.reopen(&review, prof, 8).await,
            Err(StoreError::NotFound)
        ));
        let live = store.realisations(&read).await.expect("live");
        let second = portfolio_store::DossierSnapshot::of(&profile, &live, None, 9);
        store
            .hand_in(&edit, &second, 9)
            .await
            .expect("hand in again");
        assert_eq!(
            store
                .current_submission(&read)
                .await
                .expect("read")
                .expect("some")
                .snapshot
                .realisations[0]
                .input
                .title,
            "Sauvegardes v2"
        );
    })
    .await;
}

#[tokio::test]
async fn public_links_are_listed_revoked_and_resolved_by_token() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit) = own(&store, &w, w.owner).await;
        let (_, other_edit) = own(&store, &w, w.other).await;
        let a = store
            .create_public_link(&edit, "tok-a", None, 1)
            .await
            .expect("a");
        let b = store
            .create_public_link(&edit, "tok-b", Some(100), 2)
            .await
            .expect("b");
        assert!(matches!(
            store.create_public_link(&edit, "tok-a", None, 3).await,
            Err(StoreError::Conflict(_))
        ));
        let links = store.public_links(&read).await.expect("links");
        assert_eq!(ids(&links, |l| l.id), [b, a], "newest first");
        assert_eq!(links[0].expires_at, Some(100));
        let facts = store
            .public_link_facts("tok-a")
            .await
            .expect("facts")
            .expect("known");
        assert_eq!((facts.student_id, facts.revoked_at), (w.owner, None));
        assert!(
            store
                .public_link_facts("nope")
                .await
                .expect("facts")
                .is_none()
        );
        assert!(matches!(
            store.revoke_public_link(&other_edit, a, 4).await,
            Err(StoreError::NotFound)
        ));
        store.revoke_public_link(&edit, a, 5).await.expect("revoke");
        store
            .revoke_public_link(&edit, a, 6)
            .await
            .expect("revoke twice keeps the first date");
        let facts = store
            .public_link_facts("tok-a")
            .await
            .expect("facts")
            .expect("known");
        assert_eq!(facts.revoked_at, Some(5));
    })
    .await;
}

#[tokio::test]
async fn an_import_creates_everything_or_nothing() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit) = own(&store, &w, w.owner).await;
        let link = NewArtifact {
            kind: ArtifactKind::Link,
            name: "Dépôt".into(),
            url: Some("https://git.example.fr/a".into()),
            storage_key: None,
            content_type: None,
            size_bytes: 0,
        };
        let items = vec![
            (
                input("A", date!(2025 - 09 - 01), &["B1.1.1"]),
                vec![link.clone()],
            ),
            (
                input("B", date!(2025 - 10 - 01), &["B2-SISR.1.1"]),
                vec![file("b.pdf", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 10)],
            ),
        ];
        // Over quota: nothing is written.
        assert!(matches!(
            store
                .import_realisations(&edit, &items, Some((0, 1)), 5, 1)
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(store.realisations(&read).await.expect("none").is_empty());
        // A bad E5 index: nothing is written either.
        assert!(matches!(
            store
                .import_realisations(&edit, &items, Some((0, 7)), 1_000, 1)
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(store.realisations(&read).await.expect("none").is_empty());
        let created = store
            .import_realisations(&edit, &items, Some((1, 0)), 1_000, 2)
            .await
            .expect("import");
        let got = store.realisations(&read).await.expect("all");
        assert_eq!(ids(&got, |r| r.id), created);
        assert_eq!(got[0].input, items[0].0);
        assert_eq!(
            got[1].artifacts[0].storage_key.as_deref(),
            Some("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
        );
        assert_eq!(
            store.e5_choice(&read).await.expect("e5"),
            Some((created[1], created[0]))
        );
    })
    .await;
}

/// Issue 11, item 1: the version a reader is given is decided by the access policy and applied
/// by the store to every read that takes a `StudentCap` — the commission and the jury read the
/// handed-in version and nothing before; the public link the handed-in version once there is
/// one; the student the draft.
#[tokio::test]
async fn every_read_serves_the_version_its_reader_is_given() {
    both(|store| async move {
        let w = world(&store).await;
        let (read, edit) = own(&store, &w, w.owner).await;
        let (_, review) = teacher(&store, &w, w.owner).await;
        let session = exam_session(&store, 2027, "Normandie").await;
        let commission = store
            .create_commission(session, "C1", 1)
            .await
            .expect("commission");
        store
            .assign_candidate(commission, w.owner)
            .await
            .expect("assign");
        let facts = store
            .student_facts(w.owner)
            .await
            .expect("facts")
            .expect("student");
        let member = Actor::new(-8, vec![grant(Role::CommissionMember, Some(commission))])
            .student(&facts)
            .expect("the member reads");
        let jury = Actor::new(-9, vec![grant(Role::JuryPresident, Some(session))])
            .student(&facts)
            .expect("the jury reads");
        let token = "version-test-public-link-token-0123456789";
        store
            .create_public_link(&edit, token, None, 1)
            .await
            .expect("link");
        let link_facts = store
            .public_link_facts(token)
            .await
            .expect("facts")
            .expect("link");
        let public = portfolio_domain::access::through_public_link(&link_facts, 2).expect("alive");

        let r = store
            .create_realisation(&edit, &input("Sauvegardes", date!(2025 - 09 - 15), &[]), 1)
            .await
            .expect("create");
        let r2 = store
            .create_realisation(&edit, &input("Supervision", date!(2025 - 10 - 15), &[]), 1)
            .await
            .expect("create");
        let f = store
            .add_artifact(
                &edit,
                r,
                &file("plan.pdf", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 10),
                1_000,
                2,
            )
            .await
            .expect("file");
        store.set_e5_choice(&edit, r, r2).await.expect("e5");
        let placement = |org: &str| {
            portfolio_domain::internship_form::InternshipForm {
                kind: "internship".into(),
                organisation_name: org.into(),
                organisation_address: "1 rue de la Paix, 14000 Caen".into(),
                start_date: "2025-05-19".into(),
                end_date: "2025-06-20".into(),
                year_of_training: "1".into(),
                full_time: "1".into(),
                tutor_name: "Claire Martin".into(),
                tutor_email: "claire@caen.fr".into(),
                ..Default::default()
            }
            .parse()
            .expect("valid internship")
        };
        let i = store
            .create_internship(&edit, &placement("Mairie de Caen"), 2)
            .await
            .expect("internship");
        let prof = user(&store, "prof.version@d.fr", "Paula", "Prof").await;
        store
            .add_comment(&review, r, prof, "Bien", CommentVisibility::Student, 2)
            .await
            .expect("comment");

        // Before the hand-in: nothing for the commission and the jury, the draft for the link.
        for cap in [&member, &jury] {
            assert!(store.realisations(cap).await.expect("list").is_empty());
            assert!(
                store
                    .realisation_summaries(cap)
                    .await
                    .expect("lines")
                    .is_empty()
            );
            assert!(matches!(
                store.realisation(cap, r).await,
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.artifact(cap, f).await,
                Err(StoreError::NotFound)
            ));
            assert_eq!(store.e5_choice(cap).await.expect("e5"), None);
            assert_eq!(store.storage_used(cap).await.expect("used"), 0);
            assert!(
                store
                    .internships(cap)
                    .await
                    .expect("internships")
                    .is_empty()
            );
            assert!(matches!(
                store.internship(cap, i).await,
                Err(StoreError::NotFound)
            ));
            assert!(
                store
                    .comments(cap, r, true)
                    .await
                    .expect("comments")
                    .is_empty()
            );
            assert!(store.public_links(cap).await.expect("links").is_empty());
        }
        assert_eq!(store.realisations(&public).await.expect("list").len(), 2);
        assert!(store.internships(&public).await.expect("none").is_empty());

        let profile = store.student_profile(&read).await.expect("profile");
        let live = store.realisations(&read).await.expect("live");
        let placements = store.internships(&read).await.expect("internships");
        let snapshot = portfolio_store::DossierSnapshot::of(&profile, &live, Some((r, r2)), 3)
            .with_internships(&placements);
        store.hand_in(&edit, &snapshot, 3).await.expect("hand in");

        // The student goes on with the draft.
        store
            .update_realisation(
                &edit,
                r,
                &input("Sauvegardes v2", date!(2025 - 09 - 15), &[]),
                4,
            )
            .await
            .expect("update");
        let r3 = store
            .create_realisation(&edit, &input("Brouillon", date!(2025 - 11 - 15), &[]), 4)
            .await
            .expect("draft");
        store.set_e5_choice(&edit, r, r3).await.expect("e5");
        let later = store
            .create_internship(&edit, &placement("Après la remise"), 4)
            .await
            .expect("internship");
        store
            .update_internship(&edit, i, &placement("Mairie modifiée"), 4)
            .await
            .expect("update internship");

        let titles = |list: Vec<portfolio_store::RealisationRecord>| -> Vec<String> {
            list.into_iter().map(|r| r.input.title).collect()
        };
        for cap in [&member, &jury, &public] {
            assert_eq!(
                titles(store.realisations(cap).await.expect("list")),
                ["Sauvegardes", "Supervision"],
                "{:?}",
                cap.via()
            );
            assert_eq!(
                ids(
                    &store.realisation_summaries(cap).await.expect("lines"),
                    |l| l.id
                ),
                [r, r2]
            );
            assert_eq!(
                store.realisation(cap, r).await.expect("one").input.title,
                "Sauvegardes"
            );
            assert!(matches!(
                store.realisation(cap, r3).await,
                Err(StoreError::NotFound)
            ));
            assert_eq!(store.artifact(cap, f).await.expect("file").name, "plan.pdf");
            assert_eq!(store.e5_choice(cap).await.expect("e5"), Some((r, r2)));
            assert!(
                store
                    .comments(cap, r, true)
                    .await
                    .expect("comments")
                    .is_empty()
            );
            assert!(store.public_links(cap).await.expect("links").is_empty());
        }
        for cap in [&member, &jury] {
            let seen = store.internships(cap).await.expect("internships");
            assert_eq!(
                seen.iter()
                    .map(|x| x.input.organisation_name.as_str())
                    .collect::<Vec<_>>(),
                ["Mairie de Caen"]
            );
            assert!(matches!(
                store.internship(cap, later).await,
                Err(StoreError::NotFound)
            ));
        }
        assert!(store.internships(&public).await.expect("none").is_empty());
        // The student reads the draft, with its follow-up.
        assert_eq!(
            titles(store.realisations(&read).await.expect("draft")),
            ["Sauvegardes v2", "Supervision", "Brouillon"]
        );
        assert_eq!(store.e5_choice(&read).await.expect("e5"), Some((r, r3)));
        assert_eq!(store.internships(&read).await.expect("draft").len(), 2);
        assert_eq!(
            store
                .comments(&read, r, false)
                .await
                .expect("comments")
                .len(),
            1
        );
    })
    .await;
}
