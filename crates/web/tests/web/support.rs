//! Test support: the real server over a fresh SQLite database holding the fixture world, and an
//! HTTP client that logs in through the real form and keeps its cookies by hand.

use portfolio_domain::access::Actor;
use portfolio_domain::commission::MemberProfile;
use portfolio_domain::realisation::RealisationForm;
use portfolio_domain::registration::{CandidateNumber, CandidateRegistration};
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_domain::session_labels::DossierExam;
use portfolio_framework::Track;
use portfolio_store::blobs::BlobStore;
use portfolio_store::{
    ArtifactKind, CommissionInput, DynStore, Enrolment, EvaluationInput, NewArtifact, NewClass,
    NewExamSession, NewSchool, NewUser,
};
use portfolio_web::AppState;
use portfolio_web::config::WebConfig;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::oneshot;

/// The password of every fixture account (valid under `portfolio_domain::password::check`).
pub const PASSWORD: &str = "Trois chats gris dorment sur le toit";

/// The message of a failed login, whatever the reason.
/// The fixture evaluation's values: distinctive, so that a leak is found by searching for them.
pub const FIXTURE_CANDIDATE_NUMBER: &str = "26SIO0458";
pub const FIXTURE_PROPOSED_MARK: &str = "13,37";
pub const FIXTURE_JURY_MARK: u8 = 17;
pub const FIXTURE_APPRECIATION: &str =
    "Maîtrise solide des compétences du bloc, environnement conforme.";

pub const BAD_CREDENTIALS: &str = "Adresse électronique ou mot de passe incorrect.";

/// Every actor of the access matrix, "anonymous" first, "admin" last (the admin's POSTs on
/// `/admin/users/{id}/…` change student_other's account, so nobody may come after it).
pub const ACTORS: [&str; 14] = [
    "anonymous",
    "student_owner",
    "student_other",
    "teacher_own",
    "teacher_other",
    "tutor_own",
    "tutor_other",
    "commission_own",
    "commission_other",
    "head_own",
    "head_other",
    "jury_own",
    "jury_other",
    "admin",
];

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Ids of everything the fixture created.
#[derive(Debug, Clone)]
pub struct World {
    pub school_a: i64,
    pub school_b: i64,
    pub class_a: i64,
    pub class_b: i64,
    pub session_1: i64,
    pub session_2: i64,
    pub commission_1: i64,
    pub commission_2: i64,
    /// A réalisation of student_owner, with one uploaded file (`artifact`).
    pub realisation: i64,
    pub artifact: i64,
    /// A public link of student_owner's portfolio.
    pub public_link: i64,
    pub public_token: String,
    /// An internship of student_owner, and a tutor's link to it made by teacher_own.
    pub internship: i64,
    pub tutor_link: i64,
    pub tutor_token: String,
    /// student_owner's evaluation by commission 1 (signed, mark arrested, deliberated).
    pub evaluation: i64,
    users: BTreeMap<&'static str, i64>,
}

impl World {
    /// The user id of a fixture account ("student_owner", "admin"…).
    pub fn user_id(&self, name: &str) -> i64 {
        *self
            .users
            .get(name)
            .unwrap_or_else(|| panic!("no fixture account named {name}"))
    }
}

/// The e-mail address of a fixture account.
pub fn email(name: &str) -> String {
    format!("{}@exemple.fr", name.replace('_', "."))
}

/// One Argon2 hash of [`PASSWORD`], shared by every account of every test server.
pub fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| portfolio_web::password::hash_blocking(PASSWORD).expect("hash"))
        .clone()
}

async fn build_world(store: &DynStore, blobs: &dyn BlobStore) -> World {
    let now = portfolio_web::session::now();
    let school = |name: &str, city: &str| NewSchool {
        name: name.into(),
        city: city.into(),
        uai: None,
    };
    let school_a = store
        .create_school(&school("Lycée Ampère", "Lyon"), now)
        .await
        .expect("school A");
    let school_b = store
        .create_school(&school("Lycée Berthollet", "Annecy"), now)
        .await
        .expect("school B");
    let class = |school_id: i64, track: Track| NewClass {
        school_id,
        name: "SIO 2".into(),
        track,
        year_of_training: 2,
        session_year: 2026,
    };
    let class_a = store
        .create_class(&class(school_a, Track::Sisr), now)
        .await
        .expect("class A");
    let class_b = store
        .create_class(&class(school_b, Track::Slam), now)
        .await
        .expect("class B");

    let hash = password_hash();
    let mut users = BTreeMap::new();
    for name in ACTORS.iter().filter(|a| **a != "anonymous") {
        let (first, last) = name.split_once('_').unwrap_or((name, "test"));
        let id = store
            .create_user(&NewUser {
                email: email(name),
                first_name: capitalise(first),
                last_name: capitalise(last),
                password_hash: Some(hash.clone()),
                created_at: now,
            })
            .await
            .unwrap_or_else(|e| panic!("user {name}: {e}"));
        users.insert(*name, id);
    }
    let enrol = |class_id| Enrolment {
        class_id,
        route: Route::School,
        candidate_number: None,
    };
    store
        .enroll_student(users["student_owner"], &enrol(class_a))
        .await
        .expect("enrol owner");
    store
        .enroll_student(users["student_other"], &enrol(class_b))
        .await
        .expect("enrol other");

    let exam_session = |academy: &str| NewExamSession {
        year: 2026,
        academy: academy.into(),
        label: format!("Session 2026 — {academy}"),
    };
    let session_1 = store
        .create_exam_session(&exam_session("Lyon"), now)
        .await
        .expect("S1");
    let session_2 = store
        .create_exam_session(&exam_session("Grenoble"), now)
        .await
        .expect("S2");
    let commission_1 = store
        .create_commission(session_1, "Commission 1", now)
        .await
        .expect("C1");
    let commission_2 = store
        .create_commission(session_2, "Commission 2", now)
        .await
        .expect("C2");
    store
        .assign_candidate(commission_1, users["student_owner"])
        .await
        .expect("assign owner");
    store
        .assign_candidate(commission_2, users["student_other"])
        .await
        .expect("assign other");

    let grants: [(&str, Role, Option<i64>); 11] = [
        ("teacher_own", Role::Teacher, Some(class_a)),
        ("teacher_other", Role::Teacher, Some(class_b)),
        ("tutor_own", Role::Tutor, Some(users["student_owner"])),
        ("tutor_other", Role::Tutor, Some(users["student_other"])),
        ("commission_own", Role::CommissionMember, Some(commission_1)),
        (
            "commission_other",
            Role::CommissionMember,
            Some(commission_2),
        ),
        ("head_own", Role::HeadOfSchool, Some(school_a)),
        ("head_other", Role::HeadOfSchool, Some(school_b)),
        ("jury_own", Role::JuryPresident, Some(session_1)),
        ("jury_other", Role::JuryPresident, Some(session_2)),
        ("admin", Role::Admin, None),
    ];
    for (name, role, scope) in grants {
        let grant = Grant::new(role, scope).expect("valid grant");
        store
            .add_grant(users[name], grant, now)
            .await
            .unwrap_or_else(|e| panic!("grant of {name}: {e}"));
    }

    // Commission 1 composed as annexe II.D wants it (commission_own, a teacher of SISR, and a
    // professional who is not an actor of the matrix); student_owner registered in CCF, rated,
    // signed by both, the mark arrested by the jury and the deliberation held: every page of
    // the evaluation has something to show.
    let professional = store
        .create_user(&NewUser {
            email: "commission.second@exemple.fr".into(),
            first_name: "Paule".into(),
            last_name: "Professionnelle".into(),
            password_hash: Some(hash.clone()),
            created_at: now,
        })
        .await
        .expect("second member");
    let session_cap = Actor::new(0, vec![Grant::new(Role::Admin, None).expect("admin")])
        .exam_session(session_1)
        .expect("admin reads the session");
    store
        .save_commission(
            &session_cap,
            Some(commission_1),
            &CommissionInput {
                name: "Commission 1".into(),
                exam: DossierExam::Block1,
                track: Track::Sisr,
                exam_date: Some(time::macros::date!(2026 - 06 - 08)),
                start_time: Some("08:00".into()),
                members: vec![
                    (
                        users["commission_own"],
                        MemberProfile::Teacher {
                            specialties: vec![Track::Sisr],
                            blocks: vec!["B1".into()],
                        },
                    ),
                    (professional, MemberProfile::Professional),
                ],
            },
            now,
        )
        .await
        .expect("C1 members");
    store
        .register_candidates(
            &session_cap,
            &[CandidateRegistration {
                candidate_number: CandidateNumber::parse(FIXTURE_CANDIDATE_NUMBER).expect("number"),
                last_name: "Owner".into(),
                first_name: "Student".into(),
                track: Track::Sisr,
                route: Route::School,
                form: portfolio_framework::ExamForm::Continuous,
            }],
            now,
        )
        .await
        .expect("registration");
    let owner_facts = store
        .student_facts(users["student_owner"])
        .await
        .expect("facts")
        .expect("owner");
    let c1_facts = store
        .commission_facts(commission_1)
        .await
        .expect("C1 facts")
        .expect("C1");
    let member_cap = |user: i64, role_scope: Grant| {
        Actor::new(user, vec![role_scope])
            .evaluation(&c1_facts, &owner_facts)
            .expect("a member of C1 rates its candidate")
    };
    let member_1 = member_cap(
        users["commission_own"],
        Grant::new(Role::CommissionMember, Some(commission_1)).expect("grant"),
    );
    let member_2 = member_cap(
        professional,
        Grant::new(Role::CommissionMember, Some(commission_1)).expect("grant"),
    );
    let rows = portfolio_domain::grid::grid_rows(DossierExam::Block1, Track::Sisr);
    store
        .save_evaluation(
            &member_1,
            &EvaluationInput {
                levels: rows
                    .iter()
                    .map(|r| {
                        (
                            r.key.clone(),
                            portfolio_framework::MasteryLevel::GoodMastery,
                        )
                    })
                    .collect(),
                proposed: Some(
                    portfolio_domain::evaluation::ProposedMark::parse(FIXTURE_PROPOSED_MARK)
                        .expect("mark"),
                ),
                penalties: Vec::new(),
                environment_conforming: Some(true),
                chosen_realisation: None,
                needs_statement: String::new(),
                part1: "Présentation structurée du parcours.".into(),
                part2: "Échange précis sur la sauvegarde.".into(),
                appreciation: FIXTURE_APPRECIATION.into(),
            },
            None,
            users["commission_own"],
            now,
        )
        .await
        .expect("evaluation");
    store
        .sign_evaluation(&member_1, users["commission_own"], now)
        .await
        .expect("visa 1");
    store
        .sign_evaluation(&member_2, professional, now)
        .await
        .expect("visa 2");
    let marks = Actor::new(
        users["jury_own"],
        vec![Grant::new(Role::JuryPresident, Some(session_1)).expect("grant")],
    )
    .session_marks(session_1)
    .expect("jury president");
    let evaluation = store
        .evaluation(&member_1)
        .await
        .expect("read evaluation")
        .expect("evaluation")
        .id;
    store
        .arrest_mark(
            &marks,
            evaluation,
            FIXTURE_JURY_MARK,
            None,
            users["jury_own"],
            now,
        )
        .await
        .expect("jury mark");
    store
        .set_deliberated(&marks, now)
        .await
        .expect("deliberation");
    // The académie publishes the session's fiches to every candidate after the deliberation
    // (the réclamation route is walked by `reclamation.rs`, which turns this off).
    let publication = Actor::new(
        users["admin"],
        vec![Grant::new(Role::Admin, None).expect("grant")],
    )
    .appraisal_publication(session_1)
    .expect("the académie's setting");
    store
        .set_appraisals_published(&publication, true, users["admin"], now)
        .await
        .expect("publication");

    // A réalisation of student_owner with one file, made as the student would: through the
    // capability the access policy gives them.
    let owner = users["student_owner"];
    let facts = store
        .student_facts(owner)
        .await
        .expect("facts")
        .expect("owner is a student");
    let edit = Actor::new(
        owner,
        vec![Grant::new(Role::Student, Some(class_a)).expect("grant")],
    )
    .student(&facts)
    .and_then(|c| c.edit())
    .expect("the owner edits their dossier");
    let input = RealisationForm {
        title: "Mise en place d’une solution de sauvegarde".into(),
        start_date: "2025-09-15".into(),
        end_date: "2025-10-17".into(),
        setting: "training".into(),
        modality: "solo".into(),
        skills: vec!["B1.1.5".into(), "B2-SISR.1.1".into()],
        ..RealisationForm::default()
    }
    .parse(portfolio_framework::bts_sio_2019(), Track::Sisr)
    .expect("valid réalisation");
    let realisation = store
        .create_realisation(&edit, &input, now)
        .await
        .expect("réalisation");
    let key = "00112233445566778899aabbccddeeff";
    blobs
        .put(key, b"%PDF-1.4 procedure de sauvegarde")
        .await
        .expect("blob");
    let artifact = store
        .add_artifact(
            &edit,
            realisation,
            &NewArtifact {
                kind: ArtifactKind::File,
                name: "procedure.pdf".into(),
                url: None,
                storage_key: Some(key.into()),
                content_type: Some("application/pdf".into()),
                size_bytes: 32,
            },
            1_000_000,
            now,
        )
        .await
        .expect("artifact");

    let public_token = "fixture-public-link-token-0123456789abcdef".to_string();
    let public_link = store
        .create_public_link(&edit, &public_token, None, now)
        .await
        .expect("public link");

    let internship_input = portfolio_domain::internship_form::InternshipForm {
        kind: "internship".into(),
        organisation_name: "Mairie de Lyon".into(),
        organisation_address: "1 place de la Comédie, 69001 Lyon".into(),
        start_date: "2025-05-19".into(),
        end_date: "2025-06-20".into(),
        year_of_training: "1".into(),
        full_time: "1".into(),
        tutor_name: "Claire Tutrice".into(),
        tutor_email: "claire.tutrice@lyon.fr".into(),
        ..Default::default()
    }
    .parse()
    .expect("valid internship");
    let internship = store
        .create_internship(&edit, &internship_input, now)
        .await
        .expect("internship");
    let teacher_review = Actor::new(
        users["teacher_own"],
        vec![Grant::new(Role::Teacher, Some(class_a)).expect("grant")],
    )
    .student(&facts)
    .and_then(|c| c.review())
    .expect("the teacher follows the student");
    let tutor_token = "fixture-tutor-link-token-abcdef0123456789".to_string();
    let tutor_link = store
        .create_tutor_link(
            &teacher_review,
            internship,
            &portfolio_web::session::hash_token(&tutor_token),
            users["teacher_own"],
            now + 30 * 86_400,
            now,
        )
        .await
        .expect("tutor link");

    World {
        realisation,
        artifact,
        public_link,
        public_token,
        internship,
        tutor_link,
        tutor_token,
        school_a,
        school_b,
        class_a,
        class_b,
        session_1,
        session_2,
        commission_1,
        commission_2,
        evaluation,
        users,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The real server on 127.0.0.1, over its own database; stops when dropped.
pub struct TestServer {
    pub base: String,
    pub store: DynStore,
    pub world: World,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _dir: TempDir,
}

impl TestServer {
    /// Where uploaded files are stored.
    pub fn files_dir(&self) -> PathBuf {
        self._dir.path().join("files")
    }

    /// The server's database, for a second store that writes as another server would.
    pub fn database_url(&self) -> String {
        format!("sqlite://{}", self._dir.path().join("test.db").display())
    }

    pub async fn start() -> TestServer {
        TestServer::with_config(WebConfig::default()).await
    }

    pub async fn with_config(config: WebConfig) -> TestServer {
        let dir = TempDir::new("portfolio-web-test");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = portfolio_store::connect(&url).await.expect("open store");
        let blobs = portfolio_store::blobs::LocalBlobStore::new(dir.path().join("files"))
            .expect("blob directory");
        let world = build_world(&store, &blobs).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(store.clone(), std::sync::Arc::new(blobs), config);
        let task = tokio::spawn(async move {
            portfolio_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        TestServer {
            base: format!("http://{addr}"),
            store,
            world,
            shutdown: Some(tx),
            task,
            _dir: dir,
        }
    }

    /// A client without cookies.
    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client logged in as the fixture account `name` ("anonymous": a client that has only
    /// fetched the login form, so it holds the login cookie and its token).
    pub async fn login(&self, name: &str) -> Client {
        let mut client = self.client();
        if name == "anonymous" {
            let page = client.get("/login").await;
            assert_eq!(page.status, 200, "GET /login");
            client.csrf = Some(page.hidden_csrf().expect("csrf field on the login form"));
            return client;
        }
        let page = client.login(&email(name), PASSWORD).await;
        assert_eq!(
            (page.status, page.location()),
            (303, Some("/dashboard")),
            "login of {name}: {}",
            page.body
        );
        assert!(
            client.session().is_some(),
            "login of {name}: no session cookie"
        );
        client.load_csrf().await;
        client
    }

    /// The audit log, newest first.
    pub async fn audit(&self) -> Vec<portfolio_store::AuditRecord> {
        self.store.recent_audit(100_000).await.expect("audit log")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.abort();
    }
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The value a `Set-Cookie` of this answer gives to `name` ("" when it deletes it).
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(parse_set_cookie)
            .find(|(k, _, _)| k == name)
            .map(|(_, v, _)| v)
    }

    /// The hidden `csrf_token` field of the first form of the page.
    pub fn hidden_csrf(&self) -> Option<String> {
        between(&self.body, r#"name="csrf_token" value=""#, "\"")
    }

    /// The token of the `<meta name="csrf-token">` of an authenticated page.
    pub fn meta_csrf(&self) -> Option<String> {
        between(&self.body, r#"<meta name="csrf-token" content=""#, "\"").filter(|t| !t.is_empty())
    }
}

fn between(haystack: &str, start: &str, end: &str) -> Option<String> {
    let from = haystack.find(start)? + start.len();
    let len = haystack[from..].find(end)?;
    Some(haystack[from..from + len].to_string())
}

/// (name, value, deletes) of a `Set-Cookie` header value.
fn parse_set_cookie(header: &str) -> Option<(String, String, bool)> {
    let mut parts = header.split(';');
    let (name, value) = parts.next()?.trim().split_once('=')?;
    let deletes = value.is_empty() || parts.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
    Some((name.to_string(), value.to_string(), deletes))
}

/// An HTTP client that does not follow redirects and keeps its cookies by hand.
pub struct Client {
    http: reqwest::Client,
    base: String,
    /// Cookies sent with every request; `Set-Cookie` answers update them.
    pub cookies: BTreeMap<String, String>,
    /// The CSRF token this client sends (the session's, or the login form's when anonymous).
    pub csrf: Option<String>,
}

pub const SESSION_COOKIE: &str = "sio_session";
pub const LOGIN_COOKIE: &str = "sio_login";

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            base: base.to_string(),
            cookies: BTreeMap::new(),
            csrf: None,
        }
    }

    pub fn session(&self) -> Option<&str> {
        self.cookies.get(SESSION_COOKIE).map(String::as_str)
    }

    /// Sends a request; `form` is sent url-encoded (with its content type) when given.
    pub async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header("cookie", cookie);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(fields) = form {
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields.iter())
                .finish();
            req = req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap_or_default();
        let page = Page {
            status,
            headers,
            body,
        };
        for v in page.headers.get_all("set-cookie").iter() {
            if let Some((name, value, deletes)) = v.to_str().ok().and_then(parse_set_cookie) {
                if deletes {
                    self.cookies.remove(&name);
                } else {
                    self.cookies.insert(name, value);
                }
            }
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(reqwest::Method::GET, path, None, &[]).await
    }

    /// POST of `fields` as a form, exactly as given (no token added).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send(reqwest::Method::POST, path, Some(fields), &[])
            .await
    }

    /// POST of `fields` with this client's CSRF token added as the form field.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf.clone().unwrap_or_default();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, &all).await
    }

    /// Fetches the login form, then posts it with `email` and `password`.
    pub async fn login(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        assert_eq!(form.status, 200, "GET /login: {}", form.body);
        let token = form.hidden_csrf().expect("csrf field on the login form");
        assert_eq!(
            self.cookies.get(LOGIN_COOKIE),
            Some(&token),
            "the login cookie carries the form's token"
        );
        self.csrf = Some(token.clone());
        self.post_form(
            "/login",
            &[
                ("csrf_token", &token),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    /// POST of a multipart form: `fields` (the CSRF token added first) and one file.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Page {
        let boundary = "----portfolio-sio-test-boundary-7d1f";
        let token = self.csrf.clone().unwrap_or_default();
        let mut body = Vec::new();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        for (k, v) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        let (field, filename, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.send_body(reqwest::Method::POST, path, &content_type, body)
            .await
    }

    /// Sends `body` with `headers` (the content type among them).
    pub async fn send_raw(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Page {
        let content_type = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| "application/octet-stream".into());
        let extra: Vec<(String, String)> = headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("content-type"))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.send_body_with(method, path, &content_type, body, &extra)
            .await
    }

    /// Sends `body` as is, with `content_type`.
    pub async fn send_body(
        &mut self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Page {
        self.send_body_with(method, path, content_type, body, &[])
            .await
    }

    async fn send_body_with(
        &mut self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        extra: &[(String, String)],
    ) -> Page {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        for (k, v) in extra {
            req = req.header(k.as_str(), v.as_str());
        }
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header("cookie", cookie);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    /// Reads the session's CSRF token from the dashboard.
    pub async fn load_csrf(&mut self) {
        let page = self.get("/dashboard").await;
        assert_eq!(page.status, 200, "GET /dashboard: {}", page.body);
        self.csrf = Some(page.meta_csrf().expect("csrf meta on the dashboard"));
    }
}

/// `path` of the route table with its parameter replaced by the fixture's id.
pub fn concrete_path(path: &str, world: &World) -> String {
    if !path.contains('{') {
        return path.to_string();
    }
    let id = if path.starts_with("/students/")
        || path.starts_with("/api/v1/students/")
        || path.starts_with("/p/")
        || path.starts_with("/t/")
    {
        world.user_id("student_owner").to_string()
    } else if path.starts_with("/classes/") {
        world.class_a.to_string()
    } else if path.starts_with("/schools/") {
        world.school_a.to_string()
    } else if path.starts_with("/commissions/") {
        world.commission_1.to_string()
    } else if path.starts_with("/exam-sessions/") {
        world.session_1.to_string()
    } else if path.starts_with("/admin/users/") {
        world.user_id("student_other").to_string()
    } else if path.starts_with("/frameworks/") || path.starts_with("/api/v1/frameworks/") {
        "bts-sio-2019".to_string()
    } else {
        panic!(
            "route {path}: no fixture id for its parameter; add a rule to concrete_path in tests/web/support.rs"
        )
    };
    let concrete = path
        .replace("{id}", &id)
        .replace("{rid}", &world.realisation.to_string())
        .replace("{aid}", &world.artifact.to_string())
        .replace("{lid}", &world.public_link.to_string())
        .replace("{iid}", &world.internship.to_string())
        .replace("{tlid}", &world.tutor_link.to_string())
        .replace("{tutor_token}", &world.tutor_token)
        .replace("{sid}", &world.user_id("student_owner").to_string())
        .replace("{session}", &world.session_1.to_string())
        .replace("{cid}", &world.commission_1.to_string())
        .replace("{eid}", &world.evaluation.to_string())
        .replace("{token}", &world.public_token)
        .replace("{n}", "1");
    assert!(
        !concrete.contains('{'),
        "route {path}: parameter other than {{id}}; add a rule to concrete_path in tests/web/support.rs"
    );
    concrete
}

/// What is missing from the security headers of `page` (`what` names the request).
/// `session_page`: the answer was made for a session, so it must not be stored by caches.
pub fn header_problems(page: &Page, session_page: bool, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    match page.header("content-security-policy") {
        None => problems.push(format!("{what}: no content-security-policy header")),
        Some(csp) => {
            if csp.contains("unsafe-inline") {
                problems.push(format!("{what}: the CSP allows 'unsafe-inline': {csp}"));
            }
            if !csp.contains("frame-ancestors 'none'") {
                problems.push(format!(
                    "{what}: the CSP lacks frame-ancestors 'none': {csp}"
                ));
            }
        }
    }
    if page.header("x-content-type-options") != Some("nosniff") {
        problems.push(format!("{what}: x-content-type-options is not nosniff"));
    }
    if page.header("referrer-policy").is_none_or(str::is_empty) {
        problems.push(format!("{what}: no referrer-policy header"));
    }
    if session_page
        && !page
            .header("cache-control")
            .is_some_and(|c| c.contains("no-store"))
    {
        problems.push(format!(
            "{what}: cache-control is {:?}, not no-store",
            page.header("cache-control")
        ));
    }
    problems
}
