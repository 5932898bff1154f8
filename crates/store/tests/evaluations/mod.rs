//! Exam sessions after the hand-in: registrations, commissions, grids, the jury, closing and
//! purging, on both backends.

use crate::support::*;
use portfolio_domain::access::{
    Actor, CommissionFacts, EvaluationCap, MarkReadCap, SchoolMarksCap, SessionMarksCap,
};
use portfolio_domain::commission::MemberProfile;
use portfolio_domain::evaluation::ProposedMark;
use portfolio_domain::registration::{CandidateNumber, CandidateRegistration};
use portfolio_domain::role::Role;
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::{DossierExam, SessionLabels};
use portfolio_framework::{ExamForm, MasteryLevel, Penalty, Track};
use portfolio_store::{
    CommissionInput, DynStore, EvaluationInput, SessionSettings, SlotInput, StoreError,
};
use time::macros::date;

fn registration(number: &str, last: &str, first: &str, form: ExamForm) -> CandidateRegistration {
    CandidateRegistration {
        candidate_number: CandidateNumber::parse(number).expect("number"),
        last_name: last.into(),
        first_name: first.into(),
        track: Track::Sisr,
        route: Route::School,
        form,
    }
}

fn teacher() -> MemberProfile {
    MemberProfile::Teacher {
        specialties: vec![Track::Sisr],
        blocks: vec!["B1".into(), "B2-SISR".into()],
    }
}

struct World {
    session: i64,
    school: i64,
    commission: i64,
    members: [i64; 2],
    president: i64,
    candidates: [i64; 2],
}

async fn world(store: &DynStore) -> World {
    let school = school(store, "Lycée Évaluations", None).await;
    let class = class(store, school, "SIO2 SISR", Track::Sisr).await;
    let a = user(store, "ada@e.fr", "Ada", "Lovelace").await;
    enroll(store, a, class, Some("0421")).await;
    let b = student(store, class, "alan@e.fr", "Alan", "Turing").await;
    let session = exam_session(store, 2025, "Lyon").await;
    let t1 = user(store, "prof@e.fr", "Paul", "Prof").await;
    let t2 = user(store, "pro@e.fr", "Pia", "Pro").await;
    let president = user(store, "jury@e.fr", "Jules", "Jury").await;
    store
        .add_grant(president, grant(Role::JuryPresident, Some(session)), NOW)
        .await
        .expect("jury grant");
    let cap = exam_session_cap(session);
    let commission = store
        .save_commission(
            &cap,
            None,
            &CommissionInput {
                name: "Commission 1".into(),
                exam: DossierExam::Block1,
                track: Track::Sisr,
                exam_date: Some(date!(2025 - 06 - 10)),
                start_time: Some("08:00".into()),
                members: vec![(t1, teacher()), (t2, MemberProfile::Professional)],
            },
            NOW,
        )
        .await
        .expect("save_commission");
    store
        .register_candidates(
            &cap,
            &[
                registration("0421", "LOVELACE", "Ada", ExamForm::Continuous),
                registration("0422", "Turing", "Alan", ExamForm::OneOff),
            ],
            NOW,
        )
        .await
        .expect("register");
    for s in [a, b] {
        store
            .assign_to_commission(&cap, commission, s)
            .await
            .expect("assign");
    }
    World {
        session,
        school,
        commission,
        members: [t1, t2],
        president,
        candidates: [a, b],
    }
}

async fn evaluation_cap(
    store: &DynStore,
    user: i64,
    commission: i64,
    student: i64,
) -> Option<EvaluationCap> {
    let grants = store.grants_of(user).await.expect("grants");
    let facts = store
        .student_facts(student)
        .await
        .expect("facts")
        .expect("student");
    let commission: CommissionFacts = store
        .commission_facts(commission)
        .await
        .expect("commission facts")
        .expect("commission");
    Actor::new(user, grants).evaluation(&commission, &facts)
}

async fn mark_cap(store: &DynStore, user: i64, student: i64) -> MarkReadCap {
    let grants = store.grants_of(user).await.expect("grants");
    let facts = store
        .student_facts(student)
        .await
        .expect("facts")
        .expect("student");
    Actor::new(user, grants)
        .evaluation_marks(&facts)
        .expect("reads the marks")
}

fn filled(mark: &str) -> EvaluationInput {
    let rows = portfolio_domain::grid::grid_rows(DossierExam::Block1, Track::Sisr);
    EvaluationInput {
        levels: rows
            .iter()
            .map(|r| (r.key.clone(), MasteryLevel::GoodMastery))
            .collect(),
        proposed: Some(ProposedMark::parse(mark).expect("mark")),
        penalties: vec![Penalty::ALL[1]],
        environment_conforming: Some(true),
        chosen_realisation: None,
        needs_statement: String::new(),
        part1: "Présentation claire du parcours.".into(),
        part2: "Échange solide.".into(),
        appreciation: "Bonne maîtrise des compétences du bloc.".into(),
    }
}

#[tokio::test]
async fn registrations_are_imported_matched_and_updated_and_settings_saved() {
    both(|store| async move {
        let w = world(&store).await;
        let cap = exam_session_cap(w.session);
        let regs = store.registrations(&cap).await.unwrap();
        assert_eq!(regs.len(), 2);
        // By candidate number, and by name (accents and case aside) for the account without one.
        let ada = regs.iter().find(|r| r.candidate_number == "0421").unwrap();
        assert_eq!(ada.student_id, Some(w.candidates[0]));
        assert_eq!(ada.form, ExamForm::Continuous);
        let alan = regs.iter().find(|r| r.candidate_number == "0422").unwrap();
        assert_eq!(alan.student_id, Some(w.candidates[1]));
        // Importing again updates by candidate number.
        let report = store
            .register_candidates(
                &cap,
                &[
                    registration("0422", "Turing", "Alan", ExamForm::Continuous),
                    registration("0999", "Inconnu", "Personne", ExamForm::OneOff),
                ],
                NOW,
            )
            .await
            .unwrap();
        assert_eq!((report.created, report.updated, report.linked), (1, 1, 1));
        let regs = store.registrations(&cap).await.unwrap();
        assert_eq!(regs.len(), 3);
        assert_eq!(
            regs.iter()
                .find(|r| r.candidate_number == "0422")
                .unwrap()
                .form,
            ExamForm::Continuous
        );
        assert_eq!(
            regs.iter()
                .find(|r| r.candidate_number == "0999")
                .unwrap()
                .student_id,
            None
        );

        let read = store.exam_session(&cap).await.unwrap();
        assert_eq!(read.labels, SessionLabels::text_of_2019());
        let renumbered = SessionLabels {
            block1_exam: "E5".into(),
            block2_exam: "E6".into(),
            conformity_annex: "VI-2".into(),
            grid_annex: "VI-3".into(),
            appraisal_annex: "VI-4".into(),
        };
        store
            .set_session_settings(
                &cap,
                &SessionSettings {
                    labels: renumbered.clone(),
                    dossier_due_date: Some(date!(2025 - 04 - 15)),
                    ccf_end_date: Some(date!(2025 - 05 - 30)),
                    training_end_date: Some(date!(2025 - 06 - 30)),
                },
            )
            .await
            .unwrap();
        let read = store.exam_session(&cap).await.unwrap();
        assert_eq!(read.labels, renumbered);
        assert_eq!(read.ccf_end_date, Some(date!(2025 - 05 - 30)));
        assert_eq!(read.training_end_date, Some(date!(2025 - 06 - 30)));
        assert_eq!(read.dossier_due_date, Some(date!(2025 - 04 - 15)));
    })
    .await;
}

#[tokio::test]
async fn commissions_keep_their_members_grants_and_slots() {
    both(|store| async move {
        let w = world(&store).await;
        let cap = exam_session_cap(w.session);
        let ccap = commission_cap(&store, w.commission).await;
        let detail = store.commission_detail(&ccap).await.unwrap();
        assert_eq!(detail.exam, DossierExam::Block1);
        assert_eq!(detail.track, Some(Track::Sisr));
        assert_eq!(detail.members.len(), 2);
        assert_eq!(detail.members[0].user.id, w.members[0]);
        assert_eq!(detail.members[0].profile, teacher());
        assert_eq!(detail.members[1].profile, MemberProfile::Professional);
        for m in w.members {
            assert!(
                store
                    .grants_of(m)
                    .await
                    .unwrap()
                    .contains(&grant(Role::CommissionMember, Some(w.commission)))
            );
        }
        // Replacing a member moves the grant.
        let other = user(&store, "autre@e.fr", "Odile", "Autre").await;
        store
            .save_commission(
                &cap,
                Some(w.commission),
                &CommissionInput {
                    name: "Commission 1".into(),
                    exam: DossierExam::Block1,
                    track: Track::Sisr,
                    exam_date: Some(date!(2025 - 06 - 10)),
                    start_time: Some("08:00".into()),
                    members: vec![(w.members[0], teacher()), (other, teacher())],
                },
                NOW,
            )
            .await
            .unwrap();
        assert!(store.grants_of(w.members[1]).await.unwrap().is_empty());
        assert_eq!(store.grants_of(other).await.unwrap().len(), 1);

        store
            .set_slots(
                &cap,
                w.commission,
                &[
                    SlotInput {
                        student_id: w.candidates[1],
                        start: "08:00".into(),
                        end: "08:40".into(),
                        preparation_start: None,
                    },
                    SlotInput {
                        student_id: w.candidates[0],
                        start: "08:50".into(),
                        end: "09:30".into(),
                        preparation_start: None,
                    },
                ],
            )
            .await
            .unwrap();
        let mut assigned = store.session_assignments(&cap).await.unwrap();
        assigned.sort();
        let mut expected = vec![
            (w.commission, w.candidates[0]),
            (w.commission, w.candidates[1]),
        ];
        expected.sort();
        assert_eq!(assigned, expected);
        let roster = store.roster(&ccap).await.unwrap();
        assert_eq!(
            roster.iter().map(|r| r.student.id).collect::<Vec<_>>(),
            vec![w.candidates[1], w.candidates[0]]
        );
        assert_eq!(roster[1].slot_start.as_deref(), Some("08:50"));
        assert_eq!(
            roster[1]
                .registration
                .as_ref()
                .map(|r| r.candidate_number.as_str()),
            Some("0421")
        );
        let stranger = user(&store, "x@e.fr", "X", "Y").await;
        let err = store
            .set_slots(
                &cap,
                w.commission,
                &[SlotInput {
                    student_id: stranger,
                    start: "10:00".into(),
                    end: "10:40".into(),
                    preparation_start: None,
                }],
            )
            .await;
        assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
        // All or nothing: the valid slots before the bad one were not changed either.
        assert_eq!(
            store.roster(&ccap).await.unwrap()[1].slot_start.as_deref(),
            Some("08:50")
        );
    })
    .await;
}

#[tokio::test]
async fn a_grid_is_locked_by_two_visas_amended_by_the_jury_and_its_mark_arrested() {
    both(|store| async move {
        let w = world(&store).await;
        let ada = w.candidates[0];
        let m1 = evaluation_cap(&store, w.members[0], w.commission, ada)
            .await
            .expect("member 1");
        let m2 = evaluation_cap(&store, w.members[1], w.commission, ada)
            .await
            .expect("member 2");
        assert!(
            evaluation_cap(&store, ada, w.commission, ada)
                .await
                .is_none()
        );
        assert!(store.evaluation(&m1).await.unwrap().is_none());
        let visa_before_save = store.sign_evaluation(&m1, w.members[0], NOW).await;
        assert!(matches!(visa_before_save, Err(StoreError::Invalid(_))));

        store
            .save_evaluation(&m1, &filled("12,5"), None, w.members[0], NOW)
            .await
            .unwrap();
        store
            .sign_evaluation(&m1, w.members[0], NOW + 1)
            .await
            .unwrap();
        // A change by a member withdraws the visa given.
        store
            .save_evaluation(&m2, &filled("13"), None, w.members[1], NOW + 2)
            .await
            .unwrap();
        let read = store.evaluation(&m1).await.unwrap().unwrap();
        assert!(read.visa1.is_none());
        assert_eq!(read.input.proposed.unwrap().hundredths(), 1300);
        store
            .sign_evaluation(&m1, w.members[0], NOW + 3)
            .await
            .unwrap();
        store
            .sign_evaluation(&m2, w.members[1], NOW + 4)
            .await
            .unwrap();
        let read = store.evaluation(&m2).await.unwrap().unwrap();
        assert!(read.visas().locked());
        // Someone outside the commission cannot sign.
        let jury = evaluation_cap(&store, w.president, w.commission, ada)
            .await
            .expect("jury");
        assert!(jury.by_jury());
        assert!(matches!(
            store.sign_evaluation(&jury, w.president, NOW).await,
            Err(StoreError::Invalid(_))
        ));

        // Locked: members may not change it; the jury president only with a reason.
        let refused = store
            .save_evaluation(&m1, &filled("15"), None, w.members[0], NOW + 5)
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("verrouillée")),
            "{refused:?}"
        );
        let refused = store
            .save_evaluation(&jury, &filled("15"), Some("  "), w.president, NOW + 5)
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("motif")),
            "{refused:?}"
        );
        store
            .save_evaluation(
                &jury,
                &filled("14"),
                Some("Erreur de report"),
                w.president,
                NOW + 6,
            )
            .await
            .unwrap();
        let read = store.evaluation(&m1).await.unwrap().unwrap();
        assert_eq!(read.input.proposed.unwrap().hundredths(), 1400);
        assert!(read.visas().locked(), "an amendment keeps the visas");
        let marks = mark_cap(&store, w.president, ada).await;
        let history = store.evaluation_history(&marks).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].1.kind, "amendment");
        assert_eq!(history[0].1.reason.as_deref(), Some("Erreur de report"));
        assert!(history[0].1.before.contains("13"), "{:?}", history[0].1);
        let audit = store.recent_audit(10).await.unwrap();
        assert!(audit.iter().any(|a| {
            a.action == "evaluation.amend"
                && a.details
                    .as_deref()
                    .is_some_and(|d| d.contains("Erreur de report"))
        }));

        // The jury's mark: refused before both visas (Alan's grid), kept with the proposal.
        let session_marks: SessionMarksCap =
            Actor::new(w.president, store.grants_of(w.president).await.unwrap())
                .session_marks(w.session)
                .expect("president");
        let alan_cap = evaluation_cap(&store, w.members[0], w.commission, w.candidates[1])
            .await
            .unwrap();
        store
            .save_evaluation(&alan_cap, &filled("9"), None, w.members[0], NOW)
            .await
            .unwrap();
        let evaluations = store.session_evaluations(&session_marks).await.unwrap();
        assert_eq!(evaluations.len(), 2);
        let alan_eval = evaluations
            .iter()
            .find(|e| e.evaluation.student_id == w.candidates[1])
            .unwrap();
        assert!(matches!(
            store
                .arrest_mark(
                    &session_marks,
                    alan_eval.evaluation.id,
                    10,
                    None,
                    w.president,
                    NOW
                )
                .await,
            Err(StoreError::Invalid(_))
        ));
        let ada_eval = evaluations
            .iter()
            .find(|e| e.evaluation.student_id == ada)
            .unwrap();
        assert_eq!(ada_eval.candidate_number.as_deref(), Some("0421"));
        assert_eq!(ada_eval.form, Some(ExamForm::Continuous));
        assert!(matches!(
            store
                .arrest_mark(
                    &session_marks,
                    ada_eval.evaluation.id,
                    21,
                    None,
                    w.president,
                    NOW
                )
                .await,
            Err(StoreError::Invalid(_))
        ));
        store
            .arrest_mark(
                &session_marks,
                ada_eval.evaluation.id,
                13,
                Some("Harmonisation"),
                w.president,
                NOW + 7,
            )
            .await
            .unwrap();
        let read = store.evaluation(&m1).await.unwrap().unwrap();
        assert_eq!(read.jury_mark, Some(13));
        assert_eq!(
            read.input.proposed.unwrap().hundredths(),
            1400,
            "the proposal is kept"
        );
        let history = store.evaluation_history(&marks).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[1].1.kind, "jury_mark");
        // 14 − 2 (absence du tableau) = 12: the commission's final mark stays readable.
        assert!(
            history[1].1.before.contains("note de la commission : 12"),
            "{:?}",
            history[1].1
        );

        // The head of the school reads the same marks for the bordereau; another school nothing.
        let head = Actor::new(-5, vec![grant(Role::HeadOfSchool, Some(w.school))]);
        let school_marks: SchoolMarksCap = head.school_marks(w.school).unwrap();
        assert_eq!(
            store
                .school_evaluations(&school_marks, w.session)
                .await
                .unwrap()
                .len(),
            2
        );
        let t = store
            .school_transmission(&school_marks, w.session)
            .await
            .unwrap();
        assert_eq!(t.session.id, w.session);
        assert_eq!(t.entries.len(), 2);
        assert!(t.entries.iter().all(|(c, _)| *c == w.commission));
        assert_eq!(t.commissions.len(), 1);
        assert_eq!(t.commissions[0].members.len(), 2);
        assert_eq!(t.evaluations.len(), 2);
        let other = Actor::new(-6, vec![grant(Role::HeadOfSchool, Some(w.school + 1000))]);
        let t = store
            .school_transmission(&other.school_marks(w.school + 1000).unwrap(), w.session)
            .await
            .unwrap();
        assert!(t.entries.is_empty() && t.commissions.is_empty() && t.evaluations.is_empty());
        assert!(
            store
                .school_evaluations(&other.school_marks(w.school + 1000).unwrap(), w.session)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn candidates_read_their_fiche_only_after_deliberation_and_sessions_close_complete() {
    both(|store| async move {
        let w = world(&store).await;
        let cap = exam_session_cap(w.session);
        let president = Actor::new(w.president, store.grants_of(w.president).await.unwrap());
        let marks = president.session_marks(w.session).unwrap();
        let ada = w.candidates[0];
        let ada_actor = Actor::new(ada, store.grants_of(ada).await.unwrap());
        let facts = store.student_facts(ada).await.unwrap().unwrap();
        assert!(ada_actor.appraisal(&facts, false).is_none());

        for student in w.candidates {
            let c1 = evaluation_cap(&store, w.members[0], w.commission, student)
                .await
                .unwrap();
            let c2 = evaluation_cap(&store, w.members[1], w.commission, student)
                .await
                .unwrap();
            store
                .save_evaluation(&c1, &filled("17,5"), None, w.members[0], NOW)
                .await
                .unwrap();
            if student == ada {
                store.sign_evaluation(&c1, w.members[0], NOW).await.unwrap();
                store.sign_evaluation(&c2, w.members[1], NOW).await.unwrap();
            }
        }
        // Alan's fiche lacks the visas: the session cannot be closed.
        let refused = store.close_session(&cap, NOW).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("1 fiche")),
            "{refused:?}"
        );
        let alan = w.candidates[1];
        for (i, m) in w.members.iter().enumerate() {
            let c = evaluation_cap(&store, *m, w.commission, alan)
                .await
                .unwrap();
            store.sign_evaluation(&c, *m, NOW + i as i64).await.unwrap();
        }
        // Deliberation waits for every mark to be arrested.
        assert!(matches!(
            store.set_deliberated(&marks, NOW).await,
            Err(StoreError::Invalid(_))
        ));
        for e in store.session_evaluations(&marks).await.unwrap() {
            store
                .arrest_mark(&marks, e.evaluation.id, 16, None, w.president, NOW)
                .await
                .unwrap();
        }
        // Before the deliberation the store gives the candidate nothing, even with a cap.
        store.set_deliberated(&marks, NOW + 10).await.unwrap();
        let read_cap = ada_actor
            .appraisal(&facts, true)
            .expect("after deliberation");
        assert!(!read_cap.with_mark());
        // After the deliberation, the fiche reaches the candidate on réclamation (002): asked
        // by the candidate, sent by the jury president or the head of school.
        assert!(
            store
                .candidate_appraisals(&read_cap)
                .await
                .unwrap()
                .is_empty()
        );
        let asking = ada_actor
            .reclamation_request(&facts)
            .expect("the candidate asks");
        let open = store.candidate_reclamations(&asking).await.unwrap();
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(
            (open[0].exam_session_id, open[0].requested_at),
            (w.session, None)
        );
        store
            .request_appraisal(&asking, w.session, NOW + 11)
            .await
            .unwrap();
        // Asking again keeps the first date.
        store
            .request_appraisal(&asking, w.session, NOW + 12)
            .await
            .unwrap();
        assert!(
            store
                .candidate_appraisals(&read_cap)
                .await
                .unwrap()
                .is_empty()
        );
        let desk = president
            .reclamation_desk()
            .expect("the jury president's desk");
        let asked = store.reclamations(&desk).await.unwrap();
        assert_eq!(asked.len(), 1);
        assert_eq!(
            (asked[0].student_id, asked[0].requested_at, asked[0].sent_at),
            (ada, Some(NOW + 11), None)
        );
        let answer = president
            .reclamation_answer(w.session, &facts)
            .expect("the jury president answers");
        store
            .send_appraisal(&answer, w.president, NOW + 13)
            .await
            .unwrap();
        store
            .send_appraisal(&answer, w.president, NOW + 14)
            .await
            .unwrap();
        let sent = store.reclamation(&answer).await.unwrap().expect("asked");
        assert_eq!(sent.sent_at, Some(NOW + 13));
        assert!(sent.sent_by.is_some());
        let audit = store.recent_audit(20).await.unwrap();
        for action in ["appraisal.requested", "appraisal.sent"] {
            assert_eq!(
                audit.iter().filter(|a| a.action == action).count(),
                1,
                "{action} audited once: {audit:?}"
            );
        }
        let fiches = store.candidate_appraisals(&read_cap).await.unwrap();
        assert_eq!(fiches.len(), 1);
        assert_eq!(
            fiches[0].appreciation,
            "Bonne maîtrise des compétences du bloc."
        );
        assert_eq!(
            fiches[0].members,
            vec!["Paul Prof".to_string(), "Pia Pro".to_string()]
        );
        assert!(!format!("{:?}", fiches[0]).contains("1750"));

        // Alan did not ask: nothing, until the académie publishes every fiche of the session.
        let alan_actor = Actor::new(alan, store.grants_of(alan).await.unwrap());
        let alan_facts = store.student_facts(alan).await.unwrap().unwrap();
        let alan_cap = alan_actor.appraisal(&alan_facts, true).unwrap();
        assert!(
            store
                .candidate_appraisals(&alan_cap)
                .await
                .unwrap()
                .is_empty()
        );
        let academy = Actor::new(-7, vec![grant(Role::Admin, None)]);
        let publication = academy.appraisal_publication(w.session).unwrap();
        assert!(!store.appraisals_published(&publication).await.unwrap());
        store
            .set_appraisals_published(&publication, true, -7, NOW + 15)
            .await
            .unwrap();
        assert!(store.appraisals_published(&publication).await.unwrap());
        assert_eq!(
            store.candidate_appraisals(&alan_cap).await.unwrap().len(),
            1
        );
        // A candidate cannot ask in a session where they have no signed fiche.
        assert!(matches!(
            store
                .request_appraisal(
                    &alan_actor.reclamation_request(&alan_facts).unwrap(),
                    w.session + 999,
                    NOW
                )
                .await,
            Err(StoreError::NotFound)
        ));

        store.close_session(&cap, NOW + 20).await.unwrap();
        assert!(store.exam_session(&cap).await.unwrap().closed_at.is_some());
        // Closed: nothing changes any more.
        let c1 = evaluation_cap(&store, w.members[0], w.commission, ada)
            .await
            .unwrap();
        assert!(matches!(
            store
                .save_evaluation(&c1, &filled("3"), None, w.members[0], NOW)
                .await,
            Err(StoreError::Invalid(_))
        ));

        // Purge: a dry run counts and keeps; the real run removes and audits.
        let dry = store
            .purge_session(w.session, true, NOW + 30)
            .await
            .unwrap();
        assert_eq!((dry.evaluations, dry.history, dry.registrations), (2, 2, 2));
        assert_eq!(store.session_evaluations(&marks).await.unwrap().len(), 2);
        let done = store
            .purge_session(w.session, false, NOW + 30)
            .await
            .unwrap();
        assert_eq!(done, dry);
        assert!(store.session_evaluations(&marks).await.unwrap().is_empty());
        assert!(store.registrations(&cap).await.unwrap().is_empty());
        assert_eq!(
            store.exam_session(&cap).await.unwrap().purged_at,
            Some(NOW + 30)
        );
        assert!(
            store
                .recent_audit(5)
                .await
                .unwrap()
                .iter()
                .any(|a| a.action == "evaluation.purge")
        );
        let dates = store.session_dates().await.unwrap();
        assert!(dates.contains(&(w.session, Some(date!(2025 - 06 - 10)))));
    })
    .await;
}

#[tokio::test]
async fn every_change_to_a_sessions_evaluations_moves_its_version_and_nothing_else_does() {
    both(|store| async move {
        let w = world(&store).await;
        let other = exam_session(&store, 2025, "Nantes").await;
        let version = |session: i64| {
            let store = store.clone();
            async move {
                store
                    .exam_session(&exam_session_cap(session))
                    .await
                    .expect("session")
                    .evaluations_version
            }
        };
        let ada = w.candidates[0];
        let m1 = evaluation_cap(&store, w.members[0], w.commission, ada)
            .await
            .expect("member 1");
        let m2 = evaluation_cap(&store, w.members[1], w.commission, ada)
            .await
            .expect("member 2");
        let (start, other_start) = (version(w.session).await, version(other).await);

        // Reading changes nothing.
        store.evaluation(&m1).await.unwrap();
        let marks: SessionMarksCap =
            Actor::new(w.president, store.grants_of(w.president).await.unwrap())
                .session_marks(w.session)
                .expect("president");
        store.session_evaluations(&marks).await.unwrap();
        assert_eq!(version(w.session).await, start);

        let mut seen = start;
        let mut moved = |now: i64, what: &str| {
            assert!(now > seen, "{what}: version {now} after {seen}");
            seen = now;
        };
        store
            .save_evaluation(&m1, &filled("12"), None, w.members[0], NOW)
            .await
            .unwrap();
        moved(version(w.session).await, "grid saved");
        store
            .sign_evaluation(&m1, w.members[0], NOW + 1)
            .await
            .unwrap();
        moved(version(w.session).await, "first visa");
        store
            .sign_evaluation(&m2, w.members[1], NOW + 2)
            .await
            .unwrap();
        moved(version(w.session).await, "second visa");
        let id = store.evaluation(&m1).await.unwrap().unwrap().id;
        store
            .arrest_mark(&marks, id, 13, None, w.president, NOW + 3)
            .await
            .unwrap();
        moved(version(w.session).await, "mark arrested");
        let cap = exam_session_cap(w.session);
        store
            .save_commission(
                &cap,
                Some(w.commission),
                &CommissionInput {
                    name: "Commission A".into(),
                    exam: DossierExam::Block1,
                    track: Track::Sisr,
                    exam_date: Some(date!(2025 - 06 - 10)),
                    start_time: Some("08:00".into()),
                    members: vec![
                        (w.members[0], teacher()),
                        (w.members[1], MemberProfile::Professional),
                    ],
                },
                NOW + 4,
            )
            .await
            .unwrap();
        moved(version(w.session).await, "commission renamed");
        // The candidate changes class (and option): their grid counts elsewhere.
        let slam = class(&store, w.school, "SIO2 SLAM", Track::Slam).await;
        enroll(&store, ada, slam, Some("0421")).await;
        moved(version(w.session).await, "candidate's class changed");

        assert_eq!(version(other).await, other_start, "another session");
    })
    .await;
}
