//! Page models rendered by askama (templates in `templates/`: `layouts/`, `pages/`,
//! `components/`). Every string that comes from users is escaped by askama.

use askama::Template;
use portfolio_domain::role::{Grant, Role};
use portfolio_framework::{Block, Framework, Track};
use portfolio_store::{
    AuditRecord, ClassRecord, CommissionRecord, Counts, ExamSessionRecord, SchoolRecord,
    StudentProfile, StudentSummary, UserRecord, UserSummary,
};

/// What the page frame needs: who is logged in, the CSRF token for the logout form.
pub struct Layout {
    pub user_name: Option<String>,
    pub csrf_token: String,
    pub is_admin: bool,
}

/// A message shown at the top of a page after an action.
pub struct Notice {
    pub ok: bool,
    pub text: String,
}

#[derive(Template)]
#[template(path = "pages/error.html")]
pub struct ErrorPage<'a> {
    pub title: &'a str,
    pub message: &'a str,
}

#[derive(Template)]
#[template(path = "pages/login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub email: String,
    pub error: Option<String>,
    pub notice: Option<Notice>,
}

/// One role held, with the French label shown on the dashboard.
pub struct RoleSection {
    pub role: Role,
}

impl RoleSection {
    pub fn label(&self) -> &'static str {
        self.role.label()
    }
    pub fn is(&self, name: &str) -> bool {
        self.role.as_str() == name
    }
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub first_name: String,
    pub roles: Vec<RoleSection>,
    pub student: Option<StudentProfile>,
    pub student_blocks: Vec<BlockSummary>,
    pub tutored: Vec<StudentSummary>,
    pub teacher_classes: Vec<ClassRecord>,
    pub commissions: Vec<CommissionRecord>,
    pub schools: Vec<SchoolRecord>,
    pub exam_sessions: Vec<ExamSessionRecord>,
    pub admin_counts: Option<Counts>,
}

/// A block in one line: code, title, how many competencies and skills.
pub struct BlockSummary {
    pub code: String,
    pub title: String,
    pub competencies: usize,
    pub skills: usize,
}

#[derive(Template)]
#[template(path = "pages/frameworks.html")]
pub struct FrameworksPage {
    pub layout: Layout,
    pub sio2019_title: String,
    pub sio2019_version: String,
    pub sio2011_title: String,
}

#[derive(Template)]
#[template(path = "pages/framework.html")]
pub struct FrameworkPage<'a> {
    pub layout: Layout,
    pub fw: &'a Framework,
    pub track: Option<Track>,
    pub blocks: Vec<&'a Block>,
}

impl FrameworkPage<'_> {
    pub fn shows(&self, c: &portfolio_framework::Competency) -> bool {
        self.track.is_none_or(|t| c.applies_to(t))
    }
    pub fn track_is(&self, code: &str) -> bool {
        self.track.map(|t| t.code()) == Some(code)
    }
}

#[derive(Template)]
#[template(path = "pages/framework2011.html")]
pub struct Framework2011Page<'a> {
    pub layout: Layout,
    pub fw: &'a portfolio_framework::Framework2011,
}

#[derive(Template)]
#[template(path = "pages/student.html")]
pub struct StudentPage {
    pub layout: Layout,
    pub profile: StudentProfile,
    pub is_owner: bool,
    pub blocks: Vec<BlockSummary>,
    pub realisations: Vec<RealisationLine>,
    /// Codes of the Bloc 1 competencies, for the columns of the summary.
    pub b1_codes: Vec<String>,
    pub b1_missing: Vec<String>,
    pub b2_missing: Vec<String>,
    pub storage_used_mb: String,
    pub notice: Option<Notice>,
    /// « remis le … » when a handed-in version is in force.
    pub handed_in: Option<String>,
    /// The page shows the handed-in version (commission), not the draft.
    pub frozen: bool,
    pub can_review: bool,
    pub links: Vec<LinkLine>,
}

/// A public link as its owner manages it.
pub struct LinkLine {
    pub id: i64,
    pub url: String,
    pub created: String,
    pub state: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "pages/public_portfolio.html")]
pub struct PublicPortfolioPage {
    pub layout: Layout,
    pub token: String,
    pub snapshot: portfolio_store::DossierSnapshot,
    pub handed_in: Option<String>,
    pub sections: Vec<PublicSection>,
    pub b1: Vec<(String, String)>,
    /// Links to files: `/p/TOKEN/artifacts/ID` on the site, `files/…` in the offline copy.
    pub offline: bool,
}

impl PublicPortfolioPage {
    pub fn file_href(&self, a: &portfolio_store::SnapshotArtifact) -> String {
        if self.offline {
            crate::pages::public::offline_file_name(a)
        } else {
            format!("/p/{}/artifacts/{}", self.token, a.id)
        }
    }
}

/// One section of the synthesis (a setting) with its réalisations.
pub struct PublicSection {
    pub banner: &'static str,
    pub rows: Vec<PublicRow>,
}

pub struct PublicRow {
    pub index: usize,
    pub r: portfolio_store::SnapshotRealisation,
    pub period: String,
    pub marks: Vec<bool>,
    pub skills: Vec<(String, String)>,
    pub modality: &'static str,
    pub setting: &'static str,
}

/// A réalisation in a list: what the dossier page and the coverage matrix show of it.
pub struct RealisationLine {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub setting: String,
    pub status: Option<&'static str>,
    pub artifacts: usize,
    /// One flag per column (competency) of the table it appears in.
    pub marks: Vec<bool>,
}

/// A checkbox.
pub struct Check {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct CompetencyChoice {
    pub code: String,
    pub label: String,
    pub skills: Vec<Check>,
    /// The réalisation names the competency as a whole (imported from a tableau de synthèse).
    pub tagged_whole: bool,
}

pub struct BlockChoice {
    pub heading: String,
    pub competencies: Vec<CompetencyChoice>,
}

pub struct TechChoice {
    pub heading: String,
    pub items: Vec<Check>,
}

#[derive(Template)]
#[template(path = "pages/realisation_form.html")]
pub struct RealisationFormPage {
    pub layout: Layout,
    pub student_id: i64,
    /// `None` for a new réalisation.
    pub realisation_id: Option<i64>,
    pub form: portfolio_domain::realisation::RealisationForm,
    pub errors: Vec<String>,
    pub settings: Vec<Choice>,
    pub blocks: Vec<BlockChoice>,
    pub tech: Vec<TechChoice>,
    pub track_code: &'static str,
}

impl RealisationFormPage {
    pub fn setting_is(&self, v: &str) -> bool {
        self.form.setting == v
    }
    pub fn modality_is(&self, v: &str) -> bool {
        self.form.modality == v
    }
}

#[derive(Template)]
#[template(path = "pages/realisation.html")]
pub struct RealisationPage {
    pub layout: Layout,
    pub student_id: i64,
    pub student_name: String,
    pub is_owner: bool,
    pub can_review: bool,
    pub r: portfolio_store::RealisationRecord,
    pub period: String,
    pub setting: &'static str,
    pub modality: &'static str,
    pub status: Option<&'static str>,
    pub skills: Vec<(String, String)>,
    pub tech: Vec<String>,
    pub comments: Vec<CommentLine>,
    pub error: Option<String>,
    pub notice: Option<Notice>,
}

pub struct CommentLine {
    pub author: String,
    pub at: String,
    pub body: String,
    pub team_only: bool,
}

/// The coverage of one block: réalisations × competencies, and what remains.
pub struct CoverageTable {
    pub title: String,
    pub columns: Vec<(String, String)>,
    pub rows: Vec<RealisationLine>,
    pub missing: Vec<MissingCompetency>,
    pub complete: bool,
}

pub struct MissingCompetency {
    pub code: String,
    pub label: String,
    /// Skills of the competency that no réalisation mobilises.
    pub skills: Vec<String>,
    pub covered: bool,
}

#[derive(Template)]
#[template(path = "pages/coverage.html")]
pub struct CoveragePage {
    pub layout: Layout,
    pub student_id: i64,
    pub student_name: String,
    pub is_owner: bool,
    pub tables: Vec<CoverageTable>,
    pub choices: Vec<Choice>,
    pub e5_first: Option<i64>,
    pub e5_second: Option<i64>,
    /// `None` when no pair is chosen yet.
    pub e5_verdict: Option<E5Verdict>,
    pub bloc2_title: String,
    pub error: Option<String>,
    pub notice: Option<Notice>,
}

impl CoveragePage {
    pub fn is_first(&self, v: &str) -> bool {
        self.e5_first.map(|i| i.to_string()).as_deref() == Some(v)
    }
    pub fn is_second(&self, v: &str) -> bool {
        self.e5_second.map(|i| i.to_string()).as_deref() == Some(v)
    }
}

pub struct E5Verdict {
    pub covers: bool,
    pub missing: Vec<String>,
}

#[derive(Template)]
#[template(path = "pages/class.html")]
pub struct ClassPage {
    pub layout: Layout,
    pub class: ClassRecord,
    pub roster: Vec<StudentSummary>,
    pub teachers: Vec<UserSummary>,
    pub can_open_dossiers: bool,
}

#[derive(Template)]
#[template(path = "pages/school.html")]
pub struct SchoolPage {
    pub layout: Layout,
    pub school: SchoolRecord,
    pub classes: Vec<ClassRecord>,
}

#[derive(Template)]
#[template(path = "pages/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub user: UserRecord,
    pub roles: Vec<RoleSection>,
    pub error: Option<String>,
    pub notice: Option<Notice>,
}

#[derive(Template)]
#[template(path = "pages/admin_users.html")]
pub struct AdminUsersPage {
    pub layout: Layout,
    pub users: Vec<UserSummary>,
    pub query: String,
    pub limit: i64,
    pub form: NewUserForm,
    pub error: Option<String>,
    pub notice: Option<Notice>,
}

/// The values of the "new account" form, kept when it is sent back with an error.
#[derive(Default, serde::Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
}

/// A grant as the admin page lists it.
pub struct GrantLine {
    pub role: Role,
    pub scope_id: Option<i64>,
    pub scope_label: String,
}

impl GrantLine {
    pub fn role_label(&self) -> &'static str {
        self.role.label()
    }
    pub fn role_id(&self) -> &'static str {
        self.role.as_str()
    }
    pub fn scope_value(&self) -> String {
        self.scope_id.map(|s| s.to_string()).unwrap_or_default()
    }
    pub fn removable(&self) -> bool {
        self.role != Role::Student
    }
}

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "pages/admin_user.html")]
pub struct AdminUserPage {
    pub layout: Layout,
    pub user: UserRecord,
    pub grants: Vec<GrantLine>,
    pub role_choices: Vec<Choice>,
    pub scope_choices: Vec<Choice>,
    pub class_choices: Vec<Choice>,
    pub route_choices: Vec<Choice>,
    pub temporary_password: Option<String>,
    pub error: Option<String>,
    pub notice: Option<Notice>,
    pub is_self: bool,
}

#[derive(Template)]
#[template(path = "pages/admin_schools.html")]
pub struct AdminSchoolsPage {
    pub layout: Layout,
    pub schools: Vec<SchoolRecord>,
    pub classes: Vec<ClassRecord>,
    pub sessions: Vec<ExamSessionRecord>,
    pub error: Option<String>,
    pub notice: Option<Notice>,
}

#[derive(Template)]
#[template(path = "pages/admin_audit.html")]
pub struct AdminAuditPage {
    pub layout: Layout,
    pub events: Vec<AuditLine>,
    pub actions: Vec<AuditChoice>,
    pub email: String,
    pub from: String,
    pub to: String,
    pub email_error: Option<String>,
    pub from_error: Option<String>,
    pub to_error: Option<String>,
    pub older_link: Option<String>,
    pub newer_link: Option<String>,
}

pub struct AuditChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct AuditLine {
    pub at: String,
    /// The action's French label (its code is shown beside it).
    pub label: String,
    pub record: AuditRecord,
}

/// `JJ/MM/AAAA HH:MM` (UTC) for a Unix time.
pub fn format_datetime(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| {
            format!(
                "{:02}/{:02}/{} {:02}:{:02}",
                t.day(),
                u8::from(t.month()),
                t.year(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// Role and scope of a grant, for display when the scope's name is not at hand.
pub fn grant_text(g: &Grant) -> String {
    match g.scope_id {
        Some(id) => format!("{} (n° {id})", g.role.label()),
        None => g.role.label().to_string(),
    }
}

#[derive(Template)]
#[template(path = "pages/synthesis_import.html")]
pub struct SynthesisImportPage {
    pub layout: Layout,
    pub student_id: i64,
    /// Whether the réalisations were created.
    pub saved: bool,
    pub summary: String,
    pub problems: Vec<String>,
    pub notes: Vec<String>,
    pub rows: Vec<ImportRowLine>,
}

pub struct ImportRowLine {
    pub row: u32,
    pub title: String,
    pub read: Vec<String>,
    pub problems: Vec<String>,
    pub blocking: bool,
}

#[derive(Template)]
#[template(path = "pages/internships.html")]
pub struct InternshipsPage {
    pub layout: Layout,
    pub student_id: i64,
    pub student_name: String,
    pub is_owner: bool,
    /// A teacher of the class: tutor links, certificate check.
    pub is_teacher: bool,
    /// Writes reviews and confirms certificates (teacher or tutor).
    pub can_review: bool,
    pub internships: Vec<InternshipView>,
    /// The form (new internship, or the one being corrected).
    pub form: portfolio_domain::internship_form::InternshipForm,
    pub editing: Option<i64>,
    pub kinds: Vec<Choice>,
    pub errors: Vec<String>,
    pub notice: Option<Notice>,
    /// A tutor link just made: shown once.
    pub new_tutor_link: Option<String>,
    pub this_monday: String,
    /// The rules of annexe III.B applied to the periods recorded, today.
    pub verdict: portfolio_domain::internship::Verdict,
    /// What the teaching team recorded about the candidate.
    pub facts: portfolio_store::CandidateFactsRecord,
    /// The contrôle de conformité in each session the student is a candidate of, as of today.
    pub sessions: Vec<CandidateConformity>,
}

/// The contrôle de conformité of one candidate in one session, as the candidate and their
/// teachers see it.
pub struct CandidateConformity {
    pub session_id: i64,
    pub label: String,
    pub due_date: Option<String>,
    pub state: &'static str,
    pub is_nv: bool,
    pub grounds: Vec<(String, Vec<String>)>,
    /// The same grounds, as a decision records them.
    pub findings: Vec<portfolio_domain::forms::Finding>,
    pub decision: Option<String>,
    /// The teaching team decides (contrôle en cours de formation for this candidate).
    pub team_decides: bool,
}

impl InternshipsPage {
    pub fn fact_is(&self, which: &str, v: &str) -> bool {
        let value = match which {
            "continuing_education" => &self.facts.continuing_education,
            "reduction_reason" => &self.facts.reduction_reason,
            _ => &self.facts.distance_status,
        };
        value.as_deref() == Some(v)
    }
    pub fn fact_date(&self, which: &str) -> String {
        let d = if which == "exam_date" {
            self.facts.exam_date
        } else {
            self.facts.positioning_request
        };
        d.map(portfolio_domain::realisation::iso)
            .unwrap_or_default()
    }
}

impl InternshipsPage {
    pub fn kind_is(&self, v: &str) -> bool {
        self.form.kind == v
    }
    pub fn year_is(&self, v: &str) -> bool {
        self.form.year_of_training == v
    }
    pub fn part_time(&self) -> bool {
        self.form.full_time == "0"
    }
}

pub struct InternshipView {
    pub r: portfolio_store::InternshipRecord,
    pub period: String,
    pub kind: &'static str,
    pub certificate: &'static str,
    pub certificate_label: &'static str,
    pub signed_by: Option<String>,
    pub reports: Vec<(String, String)>,
    pub reviews: Vec<(String, String, String)>,
    pub links: Vec<(i64, String, bool)>,
}

#[derive(Template)]
#[template(path = "pages/tutor.html")]
pub struct TutorPage {
    pub layout: Layout,
    pub token: String,
    pub student_name: String,
    pub internship: InternshipView,
    pub error: Option<String>,
    pub notice: Option<Notice>,
}

#[derive(Template)]
#[template(path = "pages/class_dashboard.html")]
pub struct ClassDashboardPage {
    pub layout: Layout,
    pub class: ClassRecord,
    pub b1: Vec<(String, String)>,
    pub b2: Vec<(String, String)>,
    pub rows: Vec<DashboardRow>,
    pub sort: String,
    pub filter: String,
    pub filters: Vec<Choice>,
    pub this_monday: String,
    pub can_open_dossiers: bool,
}

impl ClassDashboardPage {
    pub fn filter_is(&self, v: &str) -> bool {
        self.filter == v
    }
}

/// One student of the class dashboard.
#[derive(Clone)]
pub struct DashboardRow {
    pub student_id: i64,
    pub name: String,
    pub route: &'static str,
    /// Réalisations per Bloc 1 competency, then per Bloc 2 competency.
    pub b1: Vec<usize>,
    pub b2: Vec<usize>,
    pub b1_covered: usize,
    pub b2_covered: usize,
    pub weeks: String,
    pub weeks_days: u32,
    pub rules_satisfied: bool,
    pub rules_summary: String,
    pub certificates: String,
    pub certificates_missing: usize,
    pub handed_in: Option<String>,
    pub last_report: Option<String>,
    pub reported_this_week: bool,
}

impl DashboardRow {
    /// The heat class of a cell: 0, 1, 2, 3 or more réalisations.
    pub fn heat(n: &usize) -> &'static str {
        match n {
            0 => "heat0",
            1 => "heat1",
            2 => "heat2",
            _ => "heat3",
        }
    }
}

#[derive(Template)]
#[template(path = "pages/conformity.html")]
pub struct ConformityPage {
    pub layout: Layout,
    pub session: ExamSessionRecord,
    pub due_date: String,
    pub rows: Vec<ConformityRow>,
    pub today: String,
    pub error: Option<String>,
    pub notice: Option<Notice>,
}

pub struct ConformityRow {
    pub student_id: i64,
    pub name: String,
    pub class_name: String,
    pub school_name: String,
    pub state: &'static str,
    pub is_nv: bool,
    /// (ground label, facts)
    pub grounds: Vec<(String, Vec<String>)>,
    pub notes: Vec<String>,
    pub suggested: &'static str,
    pub recorded: Option<String>,
}

impl ConformityRow {
    pub fn suggests(&self, v: &str) -> bool {
        self.suggested == v
    }
}

// --- Jury and transmission (pages/jury.rs) -----------------------------------------------------

/// The harmonisation of a session's marks, and the jury's marks of one commission.
#[derive(Template)]
#[template(path = "pages/harmonisation.html")]
pub struct HarmonisationPage {
    pub layout: Layout,
    pub session: ExamSessionRecord,
    /// The rule of the flag, as the page states it.
    pub rule: String,
    pub evaluations: usize,
    /// Evaluations whose mark the jury arrested.
    pub arrested: usize,
    /// When the jury deliberated.
    pub deliberated: Option<String>,
    /// The figures of every grid, rendered by [`HarmonisationSections`] once per version of the
    /// session's evaluations.
    pub sections_html: std::sync::Arc<str>,
    /// Every commission with evaluations, for the selector.
    pub choices: std::sync::Arc<[Choice]>,
    /// The commission shown with its candidates (`?commission=ID`).
    pub selected: Option<CommissionMarks>,
    pub notice: Option<Notice>,
    pub error: Option<String>,
}

impl HarmonisationPage {
    pub fn is_selected(&self, value: &str) -> bool {
        self.selected
            .as_ref()
            .is_some_and(|s| s.id.to_string() == value)
    }
}

/// The figures of a session's grids: one section per grid, Bloc 1, Bloc 2 SISR, Bloc 2 SLAM
/// (those with evaluations).
#[derive(Template)]
#[template(path = "components/harmonisation_sections.html")]
pub struct HarmonisationSections {
    pub session_id: i64,
    pub sections: Vec<HarmonisationSection>,
}

/// Count, mean and standard deviation of proposed marks (French decimals).
pub struct Figures {
    pub count: usize,
    pub mean: String,
    pub std_dev: String,
    /// Evaluations without a proposed mark (not in the figures).
    pub without_mark: usize,
}

pub struct HarmonisationSection {
    pub anchor: &'static str,
    pub heading: String,
    pub session: Figures,
    /// Inline SVG (built by `charts`, text escaped there).
    pub histogram: String,
    pub levels: String,
    pub commissions: Vec<CommissionFiguresLine>,
    /// The charts of the flagged commissions.
    pub flagged: Vec<CommissionCharts>,
}

pub struct CommissionFiguresLine {
    pub id: i64,
    pub name: String,
    pub figures: Figures,
    pub deviation: &'static str,
    pub flagged: bool,
}

/// One commission in one grid, against the session.
pub struct CommissionCharts {
    pub id: i64,
    pub name: String,
    /// « Bloc 1 », « Bloc 2 SISR »…
    pub section: String,
    pub figures: Figures,
    pub deviation: &'static str,
    pub flagged: bool,
    pub histogram: String,
    pub levels: String,
}

pub struct CommissionMarks {
    pub id: i64,
    pub name: String,
    pub charts: Vec<CommissionCharts>,
    pub rows: Vec<JuryRow>,
}

/// A candidate in the jury's table.
pub struct JuryRow {
    pub evaluation_id: i64,
    pub name: String,
    pub number: String,
    pub form: &'static str,
    pub exam: String,
    pub proposed: String,
    pub penalties: Vec<&'static str>,
    pub penalty_points: u16,
    /// The commission's final mark by the rule.
    pub final_mark: String,
    pub visas: u8,
    /// Both members signed: the jury may arrest the mark.
    pub locked: bool,
    pub jury_mark: Option<u8>,
    pub jury_reason: String,
    /// What the form proposes: the jury's mark, else the commission's final mark.
    pub prefill: String,
    /// The jury's mark differs from the commission's final mark.
    pub differs: bool,
}

/// A school's bordereaux récapitulatifs, per exam session (head of school).
#[derive(Template)]
#[template(path = "pages/bordereaux.html")]
pub struct BordereauxPage {
    pub layout: Layout,
    pub school: SchoolRecord,
    pub sessions: Vec<ExamSessionRecord>,
}
