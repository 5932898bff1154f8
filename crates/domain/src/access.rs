//! Who may see and change what: decided here and nowhere else.
//!
//! The web layer builds an [`Actor`] from the validated session (the user and the grants stored
//! for them), loads the facts about the thing asked for (which class a student is in, which
//! commission a candidate is assigned to…), and asks the actor for a capability. A capability
//! can only be built by this module (its fields are private), and the store functions that read
//! or change scoped data take one, so a handler that skipped the check does not compile.
//!
//! Admins manage accounts, schools and classes; they do not read dossiers.

use crate::role::{Grant, Role};
use serde::Serialize;
use std::collections::BTreeSet;

/// The authenticated person, with every grant they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    user_id: i64,
    grants: Vec<Grant>,
}

impl Actor {
    pub fn new(user_id: i64, grants: Vec<Grant>) -> Actor {
        Actor { user_id, grants }
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// The distinct roles held, in the order of [`Role::ALL`].
    pub fn roles(&self) -> BTreeSet<Role> {
        self.grants.iter().map(|g| g.role).collect()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Scope ids of every grant of `role`.
    pub fn scopes(&self, role: Role) -> impl Iterator<Item = i64> + '_ {
        self.grants
            .iter()
            .filter(move |g| g.role == role)
            .filter_map(|g| g.scope_id)
    }

    fn holds(&self, role: Role, scope: i64) -> bool {
        self.scopes(role).any(|s| s == scope)
    }

    /// Account, school and class administration.
    pub fn admin(&self) -> Option<AdminCap> {
        self.has_role(Role::Admin)
            .then_some(AdminCap { _private: () })
    }

    /// Reading a student's dossier, and the reason it is granted.
    pub fn student(&self, facts: &StudentFacts) -> Option<StudentCap> {
        let via = if facts.student_id == self.user_id && self.has_role(Role::Student) {
            StudentAccess::Owner
        } else if self.holds(Role::Teacher, facts.class_id) {
            StudentAccess::Teacher
        } else if self.holds(Role::Tutor, facts.student_id) {
            StudentAccess::Tutor
        } else if facts
            .commission_ids
            .iter()
            .any(|c| self.holds(Role::CommissionMember, *c))
        {
            StudentAccess::CommissionMember
        } else if self.holds(Role::HeadOfSchool, facts.school_id) {
            StudentAccess::HeadOfSchool
        } else if facts
            .exam_session_ids
            .iter()
            .any(|s| self.holds(Role::JuryPresident, *s))
        {
            StudentAccess::JuryPresident
        } else {
            return None;
        };
        Some(StudentCap {
            student_id: facts.student_id,
            via,
        })
    }

    /// Reading a class and its roster.
    pub fn class(&self, facts: &ClassFacts) -> Option<ClassCap> {
        let via = if self.holds(Role::Teacher, facts.class_id) {
            ClassAccess::Teacher
        } else if self.holds(Role::HeadOfSchool, facts.school_id) {
            ClassAccess::HeadOfSchool
        } else if self.has_role(Role::Admin) {
            ClassAccess::Admin
        } else {
            return None;
        };
        Some(ClassCap {
            class_id: facts.class_id,
            via,
        })
    }

    /// Reading a school: its classes and teaching staff.
    pub fn school(&self, school_id: i64) -> Option<SchoolCap> {
        (self.holds(Role::HeadOfSchool, school_id) || self.has_role(Role::Admin))
            .then_some(SchoolCap { school_id })
    }

    /// Reading a commission and the candidates assigned to it.
    pub fn commission(&self, facts: &CommissionFacts) -> Option<CommissionCap> {
        (self.holds(Role::CommissionMember, facts.commission_id)
            || self.holds(Role::JuryPresident, facts.exam_session_id))
        .then_some(CommissionCap {
            commission_id: facts.commission_id,
        })
    }

    /// Reading the proposed and final marks of a candidate's evaluations: the members of the
    /// candidate's commissions, the president of the jury of the candidate's sessions, and the
    /// head of the candidate's school (« consignées sous la responsabilité de la cheffe ou du
    /// chef d'établissement »). Never the candidate: « En AUCUN CAS, la note proposée n'est
    /// communiquée à la personne candidate », whatever other role they hold.
    pub fn evaluation_marks(&self, facts: &StudentFacts) -> Option<MarkReadCap> {
        if facts.student_id == self.user_id {
            return None;
        }
        let allowed = facts
            .commission_ids
            .iter()
            .any(|c| self.holds(Role::CommissionMember, *c))
            || facts
                .exam_session_ids
                .iter()
                .any(|s| self.holds(Role::JuryPresident, *s))
            || self.holds(Role::HeadOfSchool, facts.school_id);
        allowed.then_some(MarkReadCap {
            student_id: facts.student_id,
        })
    }

    /// Reading a candidate's fiche d'appréciation (annexe 6-4): whoever reads the marks, with
    /// the mark; the candidate once the jury has deliberated (it is what a réclamation is
    /// answered with), without the mark.
    pub fn appraisal(
        &self,
        facts: &StudentFacts,
        jury_deliberated: bool,
    ) -> Option<AppraisalReadCap> {
        if let Some(marks) = self.evaluation_marks(facts) {
            return Some(AppraisalReadCap {
                student_id: marks.student_id,
                with_mark: true,
            });
        }
        (facts.student_id == self.user_id && self.has_role(Role::Student) && jury_deliberated)
            .then_some(AppraisalReadCap {
                student_id: facts.student_id,
                with_mark: false,
            })
    }

    /// Filling in a candidate's grid and fiche d'appréciation: a member of the commission the
    /// candidate is assigned to; the president of the jury of that commission's session, who
    /// alone may amend them once both members have signed. Never the candidate.
    pub fn evaluation(
        &self,
        commission: &CommissionFacts,
        facts: &StudentFacts,
    ) -> Option<EvaluationCap> {
        if facts.student_id == self.user_id
            || !facts.commission_ids.contains(&commission.commission_id)
        {
            return None;
        }
        let by_jury = if self.holds(Role::CommissionMember, commission.commission_id) {
            false
        } else if self.holds(Role::JuryPresident, commission.exam_session_id) {
            true
        } else {
            return None;
        };
        Some(EvaluationCap {
            commission_id: commission.commission_id,
            student_id: facts.student_id,
            by_jury,
        })
    }

    /// The marks of every candidate of a session (harmonisation, the jury's marks): the jury
    /// president only, not the administrators who set the session up.
    pub fn session_marks(&self, exam_session_id: i64) -> Option<SessionMarksCap> {
        self.holds(Role::JuryPresident, exam_session_id)
            .then_some(SessionMarksCap { exam_session_id })
    }

    /// The marks of a school's candidates (the bordereau récapitulatif): its head of school.
    pub fn school_marks(&self, school_id: i64) -> Option<SchoolMarksCap> {
        self.holds(Role::HeadOfSchool, school_id)
            .then_some(SchoolMarksCap { school_id })
    }

    /// Reading an exam session: its commissions and candidates.
    /// Asking for one's fiche d'appréciation after the results (réclamation, 002): the
    /// candidate alone, for their own dossier.
    pub fn reclamation_request(&self, facts: &StudentFacts) -> Option<ReclamationRequestCap> {
        (facts.student_id == self.user_id && self.has_role(Role::Student)).then_some(
            ReclamationRequestCap {
                student_id: facts.student_id,
            },
        )
    }

    /// The réclamations one answers: those of the sessions one presides, those of the
    /// candidates of the schools one heads.
    pub fn reclamation_desk(&self) -> Option<ReclamationDeskCap> {
        let exam_session_ids: Vec<i64> = self.scopes(Role::JuryPresident).collect();
        let school_ids: Vec<i64> = self.scopes(Role::HeadOfSchool).collect();
        (!exam_session_ids.is_empty() || !school_ids.is_empty()).then_some(ReclamationDeskCap {
            exam_session_ids,
            school_ids,
        })
    }

    /// Sending a candidate the copy of their fiche, without the mark: the president of the
    /// session's jury or the head of the candidate's school (002: the fiche « sera portée à la
    /// connaissance de la personne candidate en cas de réclamation »).
    pub fn reclamation_answer(
        &self,
        exam_session_id: i64,
        facts: &StudentFacts,
    ) -> Option<ReclamationAnswerCap> {
        if facts.student_id == self.user_id {
            return None;
        }
        (self.holds(Role::JuryPresident, exam_session_id)
            || self.holds(Role::HeadOfSchool, facts.school_id))
        .then_some(ReclamationAnswerCap {
            exam_session_id,
            student_id: facts.student_id,
        })
    }

    /// Publishing every candidate's fiche after the deliberation instead of answering
    /// réclamations one by one: a setting of the académie, so its administrators'.
    pub fn appraisal_publication(&self, exam_session_id: i64) -> Option<AppraisalPublicationCap> {
        self.has_role(Role::Admin)
            .then_some(AppraisalPublicationCap { exam_session_id })
    }

    pub fn exam_session(&self, exam_session_id: i64) -> Option<ExamSessionCap> {
        (self.holds(Role::JuryPresident, exam_session_id) || self.has_role(Role::Admin))
            .then_some(ExamSessionCap { exam_session_id })
    }
}

/// What the store knows about a student, enough to decide who may read their dossier.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StudentFacts {
    pub student_id: i64,
    pub class_id: i64,
    pub school_id: i64,
    pub commission_ids: Vec<i64>,
    pub exam_session_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassFacts {
    pub class_id: i64,
    pub school_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommissionFacts {
    pub commission_id: i64,
    pub exam_session_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminCap {
    _private: (),
}

/// Why a student's dossier may be read: each reason decides what is shown
/// ([`StudentCap::version`]) and what may be done (only the owner edits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StudentAccess {
    Owner,
    Teacher,
    Tutor,
    CommissionMember,
    HeadOfSchool,
    JuryPresident,
    /// An anonymous visitor holding the student's public portfolio link.
    PublicLink,
}

/// Which version of a student's dossier a reader holding a [`StudentCap`] is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierVersion {
    /// The live draft: the student, their teachers and tutors, the head of school.
    Live,
    /// Only the version handed in and in force, nothing before: the commission and the jury.
    HandedIn,
    /// The handed-in version once there is one, the live portfolio before: the public link
    /// (the student shares their work in progress as they choose).
    HandedInElseLive,
}

/// What a reader is shown of a dossier, once it is known whether a version is handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The live draft.
    Live,
    /// The version handed in and in force.
    HandedIn,
    /// Nothing: the dossier is not handed in, and this reader sees only what is.
    Nothing,
}

/// What the store knows of a public portfolio link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLinkFacts {
    pub student_id: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Reading a portfolio through its public link, at `now`: only while the link is neither
/// revoked nor expired.
pub fn through_public_link(link: &PublicLinkFacts, now: i64) -> Option<StudentCap> {
    let alive = link.revoked_at.is_none() && link.expires_at.is_none_or(|e| now < e);
    alive.then_some(StudentCap {
        student_id: link.student_id,
        via: StudentAccess::PublicLink,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudentCap {
    student_id: i64,
    via: StudentAccess,
}

impl StudentCap {
    pub fn student_id(&self) -> i64 {
        self.student_id
    }
    pub fn via(&self) -> StudentAccess {
        self.via
    }
    /// Only the student changes their own dossier.
    pub fn can_edit(&self) -> bool {
        self.via == StudentAccess::Owner
    }

    /// Changing the dossier: the student only.
    pub fn edit(&self) -> Option<DossierEditCap> {
        self.can_edit().then_some(DossierEditCap {
            student_id: self.student_id,
        })
    }

    /// Which version of the dossier this reader is given. The store applies it to every read
    /// that takes this capability, so no page, API route, export or archive can serve another.
    pub fn version(&self) -> DossierVersion {
        match self.via {
            StudentAccess::Owner
            | StudentAccess::Teacher
            | StudentAccess::Tutor
            | StudentAccess::HeadOfSchool => DossierVersion::Live,
            // « le jury procède à un examen des documents fournis »: the jury, like the
            // commission, judges what was handed in.
            StudentAccess::CommissionMember | StudentAccess::JuryPresident => {
                DossierVersion::HandedIn
            }
            StudentAccess::PublicLink => DossierVersion::HandedInElseLive,
        }
    }

    /// What this reader is shown, given whether a handed-in version is in force.
    pub fn shown(&self, handed_in: bool) -> Shown {
        match (self.version(), handed_in) {
            (DossierVersion::Live, _) | (DossierVersion::HandedInElseLive, false) => Shown::Live,
            (DossierVersion::HandedIn | DossierVersion::HandedInElseLive, true) => Shown::HandedIn,
            (DossierVersion::HandedIn, false) => Shown::Nothing,
        }
    }

    /// Whether this reader sees the handed-in version of the dossier rather than the draft: the
    /// commission, the jury, and the public link (once the dossier is handed in).
    pub fn sees_handed_in(&self) -> bool {
        self.version() != DossierVersion::Live
    }

    /// Whether this reader is shown the candidate's internships (in the version it reads): not
    /// the public link, which shows the portfolio and nothing of the placements (their tutors
    /// are third parties).
    pub fn reads_internships(&self) -> bool {
        self.via != StudentAccess::PublicLink
    }

    /// Reading the follow-up of the student's internships (weekly reports, reviews): it belongs
    /// to the draft, so to its readers only — not to the commission, the jury or the public link.
    pub fn follow_up(&self) -> Option<FollowUpCap> {
        (self.version() == DossierVersion::Live).then_some(FollowUpCap {
            student_id: self.student_id,
            internship_id: None,
        })
    }

    /// Writing reviews of the student's internships and confirming their certificates: the
    /// teachers of the class and the student's tutors.
    pub fn internship_review(&self) -> Option<InternshipReviewCap> {
        let author = match self.via {
            StudentAccess::Teacher => ReviewAuthor::Teacher,
            StudentAccess::Tutor => ReviewAuthor::Tutor,
            _ => return None,
        };
        Some(InternshipReviewCap {
            student_id: self.student_id,
            internship_id: None,
            author,
        })
    }

    /// Commenting a réalisation, marking it validated or to be revised, reading the teaching
    /// team's private comments: the teachers of the student's class.
    pub fn review(&self) -> Option<ReviewCap> {
        (self.via == StudentAccess::Teacher).then_some(ReviewCap {
            student_id: self.student_id,
        })
    }
}

/// Who writes an intermediate review (bilan) of an internship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAuthor {
    Teacher,
    Tutor,
}

/// Permission to write a review of a student's internships and to confirm a certificate: a
/// teacher of the class, the tutor with an account, or the holder of a tutor's link (then for
/// that one internship only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InternshipReviewCap {
    student_id: i64,
    internship_id: Option<i64>,
    author: ReviewAuthor,
}

impl InternshipReviewCap {
    pub fn student_id(&self) -> i64 {
        self.student_id
    }
    /// `Some`: the capability is limited to this internship.
    pub fn internship_id(&self) -> Option<i64> {
        self.internship_id
    }
    pub fn author(&self) -> ReviewAuthor {
        self.author
    }
    /// Whether it reaches internship `id`.
    pub fn reaches(&self, id: i64) -> bool {
        self.internship_id.is_none_or(|only| only == id)
    }

    /// Who reviews an internship reads its follow-up (a tutor's link, that internship's only).
    pub fn follow_up(&self) -> FollowUpCap {
        FollowUpCap {
            student_id: self.student_id,
            internship_id: self.internship_id,
        }
    }
}

/// Permission to read the follow-up (weekly reports, reviews) of a student's internships: the
/// readers of the live dossier, and the reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpCap {
    student_id: i64,
    internship_id: Option<i64>,
}

impl FollowUpCap {
    pub fn student_id(&self) -> i64 {
        self.student_id
    }
    /// Whether it reaches internship `id`.
    pub fn reaches(&self, id: i64) -> bool {
        self.internship_id.is_none_or(|only| only == id)
    }
}

/// What the store knows of a tutor's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TutorLinkFacts {
    pub internship_id: i64,
    pub student_id: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// A tutor's link, at `now`: it reads that internship's weekly reports, writes a review and
/// confirms the certificate, and nothing else — while neither revoked nor expired.
pub fn through_tutor_link(link: &TutorLinkFacts, now: i64) -> Option<InternshipReviewCap> {
    (link.revoked_at.is_none() && now < link.expires_at).then_some(InternshipReviewCap {
        student_id: link.student_id,
        internship_id: Some(link.internship_id),
        author: ReviewAuthor::Tutor,
    })
}

/// Permission to change one student's dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DossierEditCap {
    student_id: i64,
}

impl DossierEditCap {
    pub fn student_id(&self) -> i64 {
        self.student_id
    }
}

/// Permission to follow one student's réalisations as their teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewCap {
    student_id: i64,
}

impl ReviewCap {
    pub fn student_id(&self) -> i64 {
        self.student_id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassAccess {
    Teacher,
    HeadOfSchool,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassCap {
    class_id: i64,
    via: ClassAccess,
}

impl ClassCap {
    pub fn class_id(&self) -> i64 {
        self.class_id
    }
    pub fn via(&self) -> ClassAccess {
        self.via
    }
    /// Dossier links are shown to those who may open them: not to admins.
    pub fn can_open_dossiers(&self) -> bool {
        self.via != ClassAccess::Admin
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolCap {
    school_id: i64,
}

impl SchoolCap {
    pub fn school_id(&self) -> i64 {
        self.school_id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommissionCap {
    commission_id: i64,
}

impl CommissionCap {
    pub fn commission_id(&self) -> i64 {
        self.commission_id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExamSessionCap {
    exam_session_id: i64,
}

impl ExamSessionCap {
    pub fn exam_session_id(&self) -> i64 {
        self.exam_session_id
    }
}

/// Permission to read the marks of a candidate's evaluations. The candidate never gets one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkReadCap {
    student_id: i64,
}

impl MarkReadCap {
    pub fn student_id(&self) -> i64 {
        self.student_id
    }
}

/// Permission to read a candidate's fiche d'appréciation, with or without its mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppraisalReadCap {
    student_id: i64,
    with_mark: bool,
}

impl AppraisalReadCap {
    pub fn student_id(&self) -> i64 {
        self.student_id
    }

    /// Whether the « NOTE / 20 » of the fiche is shown: never to the candidate.
    pub fn with_mark(&self) -> bool {
        self.with_mark
    }
}

/// Permission to fill in a candidate's grid and fiche for one commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationCap {
    commission_id: i64,
    student_id: i64,
    by_jury: bool,
}

impl EvaluationCap {
    pub fn commission_id(&self) -> i64 {
        self.commission_id
    }

    pub fn student_id(&self) -> i64 {
        self.student_id
    }

    /// Held by the jury president rather than a member: may amend a signed grid, with a reason.
    pub fn by_jury(&self) -> bool {
        self.by_jury
    }

    /// Whoever fills the grid reads its marks.
    pub fn marks(&self) -> MarkReadCap {
        MarkReadCap {
            student_id: self.student_id,
        }
    }
}

/// Permission to read every mark of a session and to arrest them: the jury president.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionMarksCap {
    exam_session_id: i64,
}

impl SessionMarksCap {
    pub fn exam_session_id(&self) -> i64 {
        self.exam_session_id
    }

    /// The jury president reads the session as well.
    pub fn session(&self) -> ExamSessionCap {
        ExamSessionCap {
            exam_session_id: self.exam_session_id,
        }
    }
}

/// Permission to ask for one's own fiche d'appréciation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReclamationRequestCap {
    student_id: i64,
}

impl ReclamationRequestCap {
    pub fn student_id(&self) -> i64 {
        self.student_id
    }
}

/// Permission to list the réclamations of some sessions and schools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReclamationDeskCap {
    exam_session_ids: Vec<i64>,
    school_ids: Vec<i64>,
}

impl ReclamationDeskCap {
    pub fn exam_session_ids(&self) -> &[i64] {
        &self.exam_session_ids
    }

    pub fn school_ids(&self) -> &[i64] {
        &self.school_ids
    }
}

/// Permission to answer one candidate's réclamation in one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReclamationAnswerCap {
    exam_session_id: i64,
    student_id: i64,
}

impl ReclamationAnswerCap {
    pub fn exam_session_id(&self) -> i64 {
        self.exam_session_id
    }

    pub fn student_id(&self) -> i64 {
        self.student_id
    }
}

/// Permission to publish (or stop publishing) a session's fiches to all its candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppraisalPublicationCap {
    exam_session_id: i64,
}

impl AppraisalPublicationCap {
    pub fn exam_session_id(&self) -> i64 {
        self.exam_session_id
    }
}

/// Permission to read the marks of a school's candidates: its head of school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolMarksCap {
    school_id: i64,
}

impl SchoolMarksCap {
    pub fn school_id(&self) -> i64 {
        self.school_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(user_id: i64, grants: &[(Role, Option<i64>)]) -> Actor {
        Actor::new(
            user_id,
            grants
                .iter()
                .map(|(r, s)| Grant::new(*r, *s).expect("valid grant"))
                .collect(),
        )
    }

    fn student_facts() -> StudentFacts {
        StudentFacts {
            student_id: 10,
            class_id: 2,
            school_id: 1,
            commission_ids: vec![5],
            exam_session_ids: vec![7],
        }
    }

    #[test]
    fn each_role_reaches_a_student_only_through_its_own_scope() {
        let facts = student_facts();
        let cases: &[(Actor, Option<StudentAccess>)] = &[
            (
                actor(10, &[(Role::Student, Some(2))]),
                Some(StudentAccess::Owner),
            ),
            (actor(11, &[(Role::Student, Some(2))]), None),
            (
                actor(20, &[(Role::Teacher, Some(2))]),
                Some(StudentAccess::Teacher),
            ),
            (actor(21, &[(Role::Teacher, Some(3))]), None),
            (
                actor(30, &[(Role::Tutor, Some(10))]),
                Some(StudentAccess::Tutor),
            ),
            (actor(31, &[(Role::Tutor, Some(12))]), None),
            (
                actor(40, &[(Role::CommissionMember, Some(5))]),
                Some(StudentAccess::CommissionMember),
            ),
            (actor(41, &[(Role::CommissionMember, Some(6))]), None),
            (
                actor(50, &[(Role::HeadOfSchool, Some(1))]),
                Some(StudentAccess::HeadOfSchool),
            ),
            (actor(51, &[(Role::HeadOfSchool, Some(9))]), None),
            (
                actor(60, &[(Role::JuryPresident, Some(7))]),
                Some(StudentAccess::JuryPresident),
            ),
            (actor(61, &[(Role::JuryPresident, Some(8))]), None),
            (actor(70, &[(Role::Admin, None)]), None),
        ];
        for (actor, expected) in cases {
            assert_eq!(
                actor.student(&facts).map(|c| c.via()),
                *expected,
                "{actor:?}"
            );
        }
    }

    #[test]
    fn only_the_owner_edits_a_dossier() {
        let facts = student_facts();
        let owner = actor(10, &[(Role::Student, Some(2))]);
        let teacher = actor(20, &[(Role::Teacher, Some(2))]);
        assert!(owner.student(&facts).is_some_and(|c| c.can_edit()));
        assert!(teacher.student(&facts).is_some_and(|c| !c.can_edit()));
        assert!(owner.student(&facts).and_then(|c| c.edit()).is_some());
        assert!(teacher.student(&facts).and_then(|c| c.edit()).is_none());
        // Only the class's teachers review; the owner, tutor, head of school do not.
        assert!(teacher.student(&facts).and_then(|c| c.review()).is_some());
        assert!(owner.student(&facts).and_then(|c| c.review()).is_none());
        let head = actor(50, &[(Role::HeadOfSchool, Some(1))]);
        assert!(head.student(&facts).and_then(|c| c.review()).is_none());
    }

    #[test]
    fn internship_reviews_come_from_teachers_tutors_and_tutor_links_only() {
        let facts = student_facts();
        let of = |a: Actor| a.student(&facts).and_then(|c| c.internship_review());
        assert_eq!(
            of(actor(20, &[(Role::Teacher, Some(2))])).map(|c| c.author()),
            Some(ReviewAuthor::Teacher)
        );
        assert_eq!(
            of(actor(30, &[(Role::Tutor, Some(10))])).map(|c| c.author()),
            Some(ReviewAuthor::Tutor)
        );
        assert!(of(actor(10, &[(Role::Student, Some(2))])).is_none());
        assert!(of(actor(50, &[(Role::HeadOfSchool, Some(1))])).is_none());
        let link = TutorLinkFacts {
            internship_id: 3,
            student_id: 10,
            expires_at: 100,
            revoked_at: None,
        };
        let cap = through_tutor_link(&link, 99).expect("alive");
        assert!(cap.reaches(3) && !cap.reaches(4));
        assert!(through_tutor_link(&link, 100).is_none(), "expired");
        assert!(
            through_tutor_link(
                &TutorLinkFacts {
                    revoked_at: Some(5),
                    ..link
                },
                6
            )
            .is_none()
        );
    }

    #[test]
    fn a_public_link_reads_until_it_is_revoked_or_expires() {
        let link = PublicLinkFacts {
            student_id: 10,
            expires_at: Some(100),
            revoked_at: None,
        };
        let cap = through_public_link(&link, 99).expect("alive");
        assert_eq!(
            (cap.student_id(), cap.via()),
            (10, StudentAccess::PublicLink)
        );
        assert!(cap.edit().is_none() && cap.review().is_none() && cap.sees_handed_in());
        assert!(through_public_link(&link, 100).is_none(), "expired");
        let revoked = PublicLinkFacts {
            revoked_at: Some(50),
            expires_at: None,
            ..link
        };
        assert!(through_public_link(&revoked, 51).is_none());
        let forever = PublicLinkFacts {
            expires_at: None,
            ..link
        };
        assert!(through_public_link(&forever, i64::MAX).is_some());
    }

    #[test]
    fn the_commission_and_the_jury_read_only_the_handed_in_dossier() {
        let facts = student_facts();
        let cases: &[(Actor, DossierVersion)] = &[
            (actor(10, &[(Role::Student, Some(2))]), DossierVersion::Live),
            (actor(20, &[(Role::Teacher, Some(2))]), DossierVersion::Live),
            (actor(30, &[(Role::Tutor, Some(10))]), DossierVersion::Live),
            (
                actor(40, &[(Role::CommissionMember, Some(5))]),
                DossierVersion::HandedIn,
            ),
            (
                actor(50, &[(Role::HeadOfSchool, Some(1))]),
                DossierVersion::Live,
            ),
            (
                actor(60, &[(Role::JuryPresident, Some(7))]),
                DossierVersion::HandedIn,
            ),
        ];
        for (a, version) in cases {
            let cap = a.student(&facts).expect("reads the dossier");
            assert_eq!(cap.version(), *version, "{a:?}");
            let (before, after) = (cap.shown(false), cap.shown(true));
            match version {
                DossierVersion::Live => assert_eq!((before, after), (Shown::Live, Shown::Live)),
                _ => assert_eq!((before, after), (Shown::Nothing, Shown::HandedIn), "{a:?}"),
            }
            assert!(cap.reads_internships());
            assert_eq!(cap.follow_up().is_some(), *version == DossierVersion::Live);
        }
        let link = PublicLinkFacts {
            student_id: 10,
            expires_at: None,
            revoked_at: None,
        };
        let cap = through_public_link(&link, 1).expect("alive");
        assert_eq!(cap.version(), DossierVersion::HandedInElseLive);
        assert_eq!(
            (cap.shown(false), cap.shown(true)),
            (Shown::Live, Shown::HandedIn)
        );
        assert!(!cap.reads_internships());
        assert!(cap.follow_up().is_none());
    }

    #[test]
    fn a_user_id_match_without_the_student_role_is_not_ownership() {
        // A teacher whose id happens to equal the student's id must not become the owner.
        let facts = student_facts();
        let a = actor(10, &[(Role::Teacher, Some(3))]);
        assert!(a.student(&facts).is_none());
    }

    #[test]
    fn classes_schools_commissions_and_sessions_follow_their_grants() {
        let class = ClassFacts {
            class_id: 2,
            school_id: 1,
        };
        assert!(
            actor(1, &[(Role::Teacher, Some(2))])
                .class(&class)
                .is_some()
        );
        assert!(
            actor(1, &[(Role::Teacher, Some(4))])
                .class(&class)
                .is_none()
        );
        assert!(
            actor(1, &[(Role::HeadOfSchool, Some(1))])
                .class(&class)
                .is_some()
        );
        let admin_class = actor(1, &[(Role::Admin, None)]).class(&class);
        assert!(admin_class.is_some_and(|c| !c.can_open_dossiers()));
        assert!(
            actor(1, &[(Role::Student, Some(2))])
                .class(&class)
                .is_none()
        );

        assert!(
            actor(1, &[(Role::HeadOfSchool, Some(1))])
                .school(1)
                .is_some()
        );
        assert!(
            actor(1, &[(Role::HeadOfSchool, Some(1))])
                .school(2)
                .is_none()
        );

        let commission = CommissionFacts {
            commission_id: 5,
            exam_session_id: 7,
        };
        assert!(
            actor(1, &[(Role::CommissionMember, Some(5))])
                .commission(&commission)
                .is_some()
        );
        assert!(
            actor(1, &[(Role::JuryPresident, Some(7))])
                .commission(&commission)
                .is_some()
        );
        assert!(
            actor(1, &[(Role::CommissionMember, Some(6))])
                .commission(&commission)
                .is_none()
        );
        assert!(
            actor(1, &[(Role::JuryPresident, Some(7))])
                .exam_session(7)
                .is_some()
        );
        assert!(
            actor(1, &[(Role::Teacher, Some(7))])
                .exam_session(7)
                .is_none()
        );
        assert!(actor(1, &[(Role::Admin, None)]).admin().is_some());
        assert!(actor(1, &[(Role::Teacher, Some(1))]).admin().is_none());
    }

    #[test]
    fn marks_reach_the_commission_the_jury_and_the_head_of_school_never_the_candidate() {
        let facts = StudentFacts {
            student_id: 10,
            class_id: 2,
            school_id: 3,
            commission_ids: vec![4],
            exam_session_ids: vec![5],
        };
        let readers = [
            actor(20, &[(Role::CommissionMember, Some(4))]),
            actor(21, &[(Role::JuryPresident, Some(5))]),
            actor(22, &[(Role::HeadOfSchool, Some(3))]),
            // A teacher of the class who also sits on the commission reads as a member.
            actor(
                23,
                &[(Role::Teacher, Some(2)), (Role::CommissionMember, Some(4))],
            ),
        ];
        for a in &readers {
            assert_eq!(
                a.evaluation_marks(&facts).map(|c| c.student_id()),
                Some(10),
                "{a:?}"
            );
            let sheet = a
                .appraisal(&facts, false)
                .expect("the fiche, before the jury too");
            assert!(sheet.with_mark());
        }
        let others = [
            actor(10, &[(Role::Student, Some(2))]),
            // The candidate, whatever else they were granted.
            actor(
                10,
                &[
                    (Role::Student, Some(2)),
                    (Role::CommissionMember, Some(4)),
                    (Role::HeadOfSchool, Some(3)),
                ],
            ),
            actor(24, &[(Role::Teacher, Some(2))]),
            actor(25, &[(Role::Tutor, Some(10))]),
            actor(26, &[(Role::CommissionMember, Some(99))]),
            actor(27, &[(Role::JuryPresident, Some(99))]),
            actor(28, &[(Role::HeadOfSchool, Some(99))]),
            actor(29, &[(Role::Admin, None)]),
        ];
        for a in &others {
            assert_eq!(a.evaluation_marks(&facts), None, "{a:?}");
        }
        // The candidate reads the fiche once the jury has deliberated, without the mark.
        let candidate = &others[1];
        assert_eq!(candidate.appraisal(&facts, false), None);
        let sheet = candidate.appraisal(&facts, true).expect("after the jury");
        assert!(!sheet.with_mark());
        for a in &others[2..] {
            assert_eq!(a.appraisal(&facts, true), None, "{a:?}");
        }
    }

    #[test]
    fn the_candidate_asks_the_jury_president_or_the_head_of_school_answers() {
        let facts = StudentFacts {
            student_id: 10,
            class_id: 2,
            school_id: 3,
            commission_ids: vec![4],
            exam_session_ids: vec![5],
        };
        let candidate = actor(10, &[(Role::Student, Some(2))]);
        assert!(candidate.reclamation_request(&facts).is_some());
        assert_eq!(candidate.reclamation_answer(5, &facts), None);
        assert_eq!(candidate.reclamation_desk(), None);
        // Another student, a teacher of the class, the commission: no request, no answer.
        for a in [
            actor(11, &[(Role::Student, Some(2))]),
            actor(24, &[(Role::Teacher, Some(2))]),
            actor(26, &[(Role::CommissionMember, Some(4))]),
            actor(27, &[(Role::JuryPresident, Some(99))]),
            actor(28, &[(Role::HeadOfSchool, Some(99))]),
            actor(29, &[(Role::Admin, None)]),
        ] {
            assert_eq!(a.reclamation_request(&facts), None, "{a:?}");
            assert_eq!(a.reclamation_answer(5, &facts), None, "{a:?}");
        }
        let jury = actor(21, &[(Role::JuryPresident, Some(5))]);
        let head = actor(22, &[(Role::HeadOfSchool, Some(3))]);
        for a in [&jury, &head] {
            let cap = a.reclamation_answer(5, &facts).expect("answers");
            assert_eq!((cap.exam_session_id(), cap.student_id()), (5, 10));
        }
        // The jury president of another session does not answer for this one.
        assert_eq!(jury.reclamation_answer(6, &facts), None);
        assert_eq!(
            jury.reclamation_desk().expect("desk").exam_session_ids(),
            &[5]
        );
        assert_eq!(head.reclamation_desk().expect("desk").school_ids(), &[3]);
        // Publishing to all candidates is the académie's setting.
        assert!(
            actor(29, &[(Role::Admin, None)])
                .appraisal_publication(5)
                .is_some()
        );
        assert_eq!(jury.appraisal_publication(5), None);
        assert_eq!(head.appraisal_publication(5), None);
    }

    #[test]
    fn only_the_commission_and_its_jury_president_fill_a_grid() {
        let facts = StudentFacts {
            student_id: 7,
            class_id: 1,
            school_id: 2,
            commission_ids: vec![30],
            exam_session_ids: vec![40],
        };
        let commission = CommissionFacts {
            commission_id: 30,
            exam_session_id: 40,
        };
        let member = actor(1, &[(Role::CommissionMember, Some(30))]);
        let cap = member.evaluation(&commission, &facts).expect("member");
        assert!(!cap.by_jury());
        let president = actor(2, &[(Role::JuryPresident, Some(40))]);
        assert!(
            president
                .evaluation(&commission, &facts)
                .expect("jury")
                .by_jury()
        );
        let other = actor(3, &[(Role::CommissionMember, Some(31))]);
        assert!(other.evaluation(&commission, &facts).is_none());
        let teacher = actor(4, &[(Role::Teacher, Some(1))]);
        assert!(teacher.evaluation(&commission, &facts).is_none());
        // A candidate who also sits on the commission never rates themselves.
        let candidate = actor(
            7,
            &[(Role::Student, Some(1)), (Role::CommissionMember, Some(30))],
        );
        assert!(candidate.evaluation(&commission, &facts).is_none());
        // Not assigned to that commission: no grid, whatever the role.
        let elsewhere = CommissionFacts {
            commission_id: 31,
            exam_session_id: 40,
        };
        assert!(president.evaluation(&elsewhere, &facts).is_none());
    }

    #[test]
    fn session_and_school_marks_exclude_administrators() {
        let admin = actor(1, &[(Role::Admin, None)]);
        assert!(admin.session_marks(40).is_none());
        assert!(admin.school_marks(2).is_none());
        assert!(admin.exam_session(40).is_some());
        let president = actor(2, &[(Role::JuryPresident, Some(40))]);
        assert!(president.session_marks(40).is_some());
        assert!(president.session_marks(41).is_none());
        let head = actor(3, &[(Role::HeadOfSchool, Some(2))]);
        assert!(head.school_marks(2).is_some());
        assert!(head.school_marks(5).is_none());
    }
}
