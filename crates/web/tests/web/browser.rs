//! Browser tests: Debian's Chromium, headless, driven through chromedriver by fantoccini. One
//! browser for the whole scenario; cookies are cleared between logins.

use crate::support::{BAD_CREDENTIALS, PASSWORD, SESSION_COOKIE, TempDir, TestServer, email};
use anyhow::{Context, Result, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use portfolio_domain::role::Role;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port of 127.0.0.1, killed (by its pid) on drop. The browser it starts
/// is closed by the test through WebDriver, also when the scenario fails.
struct Chromedriver {
    child: Child,
    port: u16,
    _profile: TempDir,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        for binary in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(binary).exists(),
                "{binary} is missing: the browser tests need Debian's chromium and chromium-driver; \
                 run the project's install script, scripts/test (it runs \
                 `apt-get install -y chromium chromium-driver`)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        Chromedriver {
            child,
            port,
            _profile: TempDir::new("portfolio-web-chromium"),
        }
    }

    /// Waits until chromedriver accepts connections (bounded), then opens the browser.
    async fn browser(&self) -> Result<Client> {
        let addr = format!("127.0.0.1:{}", self.port);
        let mut ready = false;
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(&addr).await.is_ok() {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ensure!(ready, "chromedriver did not listen on {addr}");
        let profile = self._profile.path().display().to_string();
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-background-networking",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--user-data-dir={profile}"),
                ],
            }
        });
        let serde_json::Value::Object(caps) = caps else {
            bail!("capabilities are not an object");
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://{addr}"))
            .await
            .context("new chromedriver session")
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fixture account holding each role.
const ROLES: [(&str, Role); 7] = [
    ("student_owner", Role::Student),
    ("tutor_own", Role::Tutor),
    ("teacher_own", Role::Teacher),
    ("commission_own", Role::CommissionMember),
    ("head_own", Role::HeadOfSchool),
    ("jury_own", Role::JuryPresident),
    ("admin", Role::Admin),
];

async fn fill_login_form(browser: &Client, base: &str, mail: &str, password: &str) -> Result<()> {
    browser.goto(&format!("{base}/login")).await?;
    browser
        .find(Locator::Id("email"))
        .await?
        .send_keys(mail)
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(password)
        .await?;
    browser
        .find(Locator::Css("form[action='/login'] button[type='submit']"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Gives the browser a session cookie, set as the server sets it (fantoccini would otherwise
/// send SameSite=None, which Chromium refuses without Secure, and a null domain, which
/// chromedriver refuses).
async fn put_session_cookie(browser: &Client, value: &str) -> Result<()> {
    let cookie = fantoccini::cookies::Cookie::parse(format!(
        "{SESSION_COOKIE}={value}; Path=/; Domain=127.0.0.1; HttpOnly; SameSite=Lax"
    ))
    .context("cookie")?;
    browser.add_cookie(cookie).await?;
    Ok(())
}

async fn path_of(browser: &Client) -> Result<String> {
    Ok(browser.current_url().await?.path().to_string())
}

async fn scenario(browser: &Client, base: &str) -> Result<()> {
    // Each role lands on its dashboard section.
    for (account, role) in ROLES {
        let (role, label) = (role.as_str(), role.label());
        browser.delete_all_cookies().await.ok();
        fill_login_form(browser, base, &email(account), PASSWORD).await?;
        let section = browser
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!("section.role#role-{role}")))
            .await
            .with_context(|| format!("{account}: no section #role-{role} on the dashboard"))?;
        ensure!(
            path_of(browser).await? == "/dashboard",
            "{account}: landed on {}",
            browser.current_url().await?
        );
        let heading = section.find(Locator::Css("h2")).await?.text().await?;
        ensure!(
            heading == label,
            "{account}: section title {heading:?}, expected {label:?}"
        );
        let sections = browser.find_all(Locator::Css("section.role")).await?;
        ensure!(
            sections.len() == 1,
            "{account}: {} role sections, expected only {role}",
            sections.len()
        );
    }

    // A wrong password shows the French error on the login page.
    browser.delete_all_cookies().await?;
    fill_login_form(
        browser,
        base,
        &email("student_owner"),
        "pas le bon mot de passe",
    )
    .await?;
    let error = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("login-error"))
        .await
        .context("no #login-error after a wrong password")?;
    let text = error.text().await?;
    ensure!(text == BAD_CREDENTIALS, "login error {text:?}");
    ensure!(path_of(browser).await? == "/login", "not on the login page");
    ensure!(
        browser.get_named_cookie(SESSION_COOKIE).await.is_err(),
        "a failed login left a session cookie"
    );

    // Logout from the header returns to the login page; the old cookie no longer works.
    browser.delete_all_cookies().await?;
    fill_login_form(browser, base, &email("teacher_own"), PASSWORD).await?;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("section.role#role-teacher"))
        .await
        .context("teacher dashboard")?;
    let old = browser
        .get_named_cookie(SESSION_COOKIE)
        .await
        .context("session cookie in the browser")?
        .value()
        .to_string();
    // Control: the cookie, cleared then put back, still opens the dashboard (so the check
    // after logout below means something).
    browser.delete_all_cookies().await?;
    put_session_cookie(browser, &old).await?;
    browser.goto(&format!("{base}/dashboard")).await?;
    ensure!(
        path_of(browser).await? == "/dashboard",
        "a live session cookie put back into the browser opened {}",
        browser.current_url().await?
    );
    browser
        .find(Locator::XPath(
            "//header//form[@action='/logout']//button[normalize-space()='Se déconnecter']",
        ))
        .await
        .context("logout button in the header")?
        .click()
        .await?;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("form[action='/login']"))
        .await
        .context("login form after logout")?;
    ensure!(
        path_of(browser).await? == "/login",
        "logout did not return to /login"
    );
    let notice = browser
        .find(Locator::Css("p.notice.ok"))
        .await?
        .text()
        .await?;
    ensure!(
        notice == "Vous êtes déconnecté(e).",
        "logout notice {notice:?}"
    );
    ensure!(
        browser.get_named_cookie(SESSION_COOKIE).await.is_err(),
        "the session cookie survived the logout"
    );

    // The old cookie put back into the browser opens nothing.
    put_session_cookie(browser, &old).await?;
    browser.goto(&format!("{base}/dashboard")).await?;
    ensure!(
        path_of(browser).await? == "/login",
        "the old cookie opened {}",
        browser.current_url().await?
    );
    // Nor through a plain HTTP client.
    let mut client = crate::support::Client::new(base);
    client.cookies.insert(SESSION_COOKIE.into(), old);
    let page = client.get("/dashboard").await;
    ensure!(
        page.status == 303 && page.location() == Some("/login"),
        "old cookie over HTTP: {} {:?}",
        page.status,
        page.location()
    );
    Ok(())
}

#[tokio::test]
async fn login_dashboard_and_logout_in_chromium() {
    let server = TestServer::start().await;
    let driver = Chromedriver::start();
    let browser = driver.browser().await.expect("start Chromium");
    // In a task, so that the browser is closed whatever happens to the scenario (a panic
    // included) before chromedriver is killed.
    let (b, base) = (browser.clone(), server.base.clone());
    let result = tokio::spawn(async move { scenario(&b, &base).await }).await;
    let closed = browser.close().await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("browser scenario: {e:#}"),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
    closed.expect("close the browser");
}

async fn click(browser: &Client, css: &str) -> Result<()> {
    browser
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("no element {css}"))?
        .click()
        .await
        .with_context(|| format!("click {css}"))?;
    Ok(())
}

/// Clicks a submit button and waits until the browser has left the page (the button is gone
/// from the document), so that the next look is at the new page.
async fn submit(browser: &Client, css: &str) -> Result<()> {
    let button = browser
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("no element {css}"))?;
    button
        .clone()
        .click()
        .await
        .with_context(|| format!("click {css}"))?;
    for _ in 0..200 {
        // A stale element means the page it belonged to was replaced.
        if button.is_displayed().await.is_err() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("submitting {css} did not leave the page")
}

async fn type_into(browser: &Client, css: &str, text: &str) -> Result<()> {
    browser
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("no element {css}"))?
        .send_keys(text)
        .await?;
    Ok(())
}

/// `<input type="date">` takes its keys in the browser's locale; the value is set directly.
async fn set_date(browser: &Client, id: &str, iso: &str) -> Result<()> {
    browser
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![serde_json::json!(id), serde_json::json!(iso)],
        )
        .await
        .with_context(|| format!("set date {id}"))?;
    Ok(())
}

async fn body_text(browser: &Client) -> Result<String> {
    Ok(browser.find(Locator::Css("main")).await?.text().await?)
}

/// Creates a réalisation through the form and returns the page's path.
async fn create_realisation(
    browser: &Client,
    base: &str,
    student: i64,
    title: &str,
    skills: &[&str],
) -> Result<String> {
    browser.goto(&format!("{base}/students/{student}")).await?;
    click(browser, "a[href$='/realisations/new']").await?;
    wait_for(browser, "#title").await?;
    type_into(browser, "#title", title).await?;
    set_date(browser, "start_date", "2025-11-03").await?;
    set_date(browser, "end_date", "2025-12-12").await?;
    click(
        browser,
        "input[name='setting'][value='workplace_first_year']",
    )
    .await?;
    click(browser, "input[name='modality'][value='solo']").await?;
    for s in skills {
        // The blocks are <details>: open them all so every checkbox can be clicked.
        browser
            .execute(
                "document.querySelectorAll('#skills details').forEach(d => d.open = true);",
                vec![],
            )
            .await?;
        click(browser, &format!("input[name='skills'][value='{s}']")).await?;
    }
    submit(browser, "form.wide button[type='submit']").await?;
    let saved = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#review-status"))
        .await;
    if saved.is_err() {
        bail!(
            "« {title} » was not saved: {}",
            body_text(browser).await.unwrap_or_default()
        );
    }
    path_of(browser).await
}

/// Logs in through the form and waits for the dashboard.
async fn login_as(browser: &Client, base: &str, account: &str) -> Result<()> {
    browser.delete_all_cookies().await.ok();
    fill_login_form(browser, base, &email(account), PASSWORD).await?;
    wait_for(browser, "section.role")
        .await
        .with_context(|| format!("{account} did not reach the dashboard"))
}

/// Waits (10 s at most) for an element to appear after a navigation.
async fn wait_for(browser: &Client, css: &str) -> Result<()> {
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("no {css} on the page"))?;
    Ok(())
}

async fn dossier_scenario(browser: &Client, server: &TestServer) -> Result<()> {
    let base = server.base.as_str();
    let student = server.world.user_id("student_owner");
    login_as(browser, base, "student_owner").await?;

    // Before: B1.2 is missing from the dossier.
    browser.goto(&format!("{base}/students/{student}")).await?;
    let before = browser.find(Locator::Id("missing")).await?.text().await?;
    ensure!(
        before.contains("B1.2"),
        "B1.2 should be missing at first: {before}"
    );

    let first = create_realisation(
        browser,
        base,
        student,
        "Supervision du réseau",
        &["B1.2.1", "B1.3.1"],
    )
    .await?;
    // A production: a link.
    type_into(browser, "#link_name", "Tableau de bord Zabbix").await?;
    type_into(browser, "#url", "https://zabbix.example.fr/").await?;
    submit(browser, "form[action$='/links'] button[type='submit']").await?;
    wait_for(browser, "#artifacts a[rel]").await?;
    let text = body_text(browser).await?;
    ensure!(
        text.contains("Tableau de bord Zabbix"),
        "the link is not listed: {text}"
    );
    // A production: a file, through the browser's own multipart form (its token field first,
    // which is all the CSRF guard reads before the access check).
    let dir = TempDir::new("portfolio-web-upload");
    let pdf = dir.path().join("compte-rendu-zabbix.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n% compte rendu\n%%EOF\n")?;
    browser
        .find(Locator::Css("form[action$='/files'] input[type='file']"))
        .await?
        .send_keys(&pdf.display().to_string())
        .await?;
    submit(browser, "form[action$='/files'] button[type='submit']").await?;
    wait_for(browser, "#artifacts a[href*='/artifacts/']").await?;
    let text = body_text(browser).await?;
    ensure!(
        text.contains("compte-rendu-zabbix.pdf"),
        "the uploaded file is not listed: {text}"
    );
    create_realisation(
        browser,
        base,
        student,
        "Déploiement d’un intranet",
        &["B1.5.1", "B1.6.1"],
    )
    .await?;

    // The coverage follows.
    browser.goto(&format!("{base}/students/{student}")).await?;
    let after = browser.find(Locator::Id("missing")).await?.text().await?;
    ensure!(
        !after.contains("B1.2 ") && !after.contains("B1.5 "),
        "B1.2 and B1.5 are covered now: {after}"
    );
    ensure!(after.contains("B1.4"), "B1.4 is still missing: {after}");

    // The tableau de synthèse, downloaded with the browser's session.
    let cookie = browser
        .get_named_cookie(SESSION_COOKIE)
        .await
        .context("session cookie")?;
    let res = reqwest::Client::new()
        .get(format!("{base}/students/{student}/synthesis.xlsx"))
        .header("cookie", format!("{SESSION_COOKIE}={}", cookie.value()))
        .send()
        .await?;
    ensure!(
        res.status().as_u16() == 200,
        "synthesis.xlsx: {}",
        res.status()
    );
    let table = portfolio_documents::import_synthesis_xlsx(&res.bytes().await?)
        .map_err(|e| anyhow::anyhow!("the downloaded table does not read back: {e}"))?;
    let titles: Vec<String> = table.rows.iter().filter_map(|r| r.title.clone()).collect();
    ensure!(
        titles.contains(&"Supervision du réseau".to_string()),
        "{titles:?}"
    );

    // A teacher comments.
    login_as(browser, base, "teacher_own").await?;
    browser.goto(&format!("{base}{first}")).await?;
    type_into(
        browser,
        "#comment",
        "Ajoutez une capture du tableau de bord.",
    )
    .await?;
    submit(browser, "form[action$='/comments'] button[type='submit']").await?;
    wait_for(browser, "#comments strong").await?;
    ensure!(
        body_text(browser).await?.contains("Ajoutez une capture"),
        "the comment is not shown"
    );

    // The student sees it, hands the dossier in and makes a public link.
    login_as(browser, base, "student_owner").await?;
    browser.goto(&format!("{base}{first}")).await?;
    ensure!(
        body_text(browser).await?.contains("Ajoutez une capture"),
        "the student does not see the comment"
    );
    browser.goto(&format!("{base}/students/{student}")).await?;
    click(browser, "form[action$='/hand-in'] input[name='confirm']").await?;
    submit(browser, "form[action$='/hand-in'] button[type='submit']").await?;
    wait_for(browser, "form[action$='/public-links']").await?;
    let Ok(status) = browser.find(Locator::Id("hand-in-status")).await else {
        bail!(
            "after handing in, at {}: {}",
            browser.current_url().await?,
            body_text(browser).await?
        );
    };
    let status = status.text().await?;
    ensure!(status.contains("Dossier remis le"), "{status}");
    submit(
        browser,
        "form[action$='/public-links'] button[type='submit']",
    )
    .await?;
    wait_for(browser, "a.public-link").await?;
    let link = browser
        .find(Locator::Css("a.public-link"))
        .await
        .context("no public link listed")?
        .attr("href")
        .await?
        .context("the link has no address")?;

    // After handing in, the draft changes; the link keeps showing the handed-in version.
    let second_title = "Déploiement d’un intranet";
    ensure!(
        body_text(browser).await?.contains(second_title),
        "missing réalisation"
    );
    browser.delete_all_cookies().await.ok();
    browser.goto(&link).await?;
    let public = body_text(browser).await?;
    ensure!(
        public.contains("Version remise le"),
        "the anonymous visitor should see the handed-in version: {public}"
    );
    ensure!(
        public.contains("Supervision du réseau") && public.contains("Tableau de bord Zabbix"),
        "{public}"
    );

    // Revoked, the link stops working.
    login_as(browser, base, "student_owner").await?;
    browser.goto(&format!("{base}/students/{student}")).await?;
    submit(browser, "form[action$='/revoke'] button[type='submit']").await?;
    wait_for(browser, "#public-links s").await?;
    browser.delete_all_cookies().await.ok();
    browser.goto(&link).await?;
    let gone = body_text(browser).await?;
    ensure!(
        gone.contains("Page introuvable"),
        "a revoked link must not open: {gone}"
    );
    Ok(())
}

#[tokio::test]
async fn a_dossier_from_first_realisation_to_revoked_link_in_chromium() {
    let server = TestServer::start().await;
    let driver = Chromedriver::start();
    let browser = driver.browser().await.expect("start Chromium");
    let b = browser.clone();
    let result = async { dossier_scenario(&b, &server).await }.await;
    let closed = browser.close().await;
    if let Err(e) = result {
        panic!("browser scenario: {e:#}");
    }
    closed.expect("close the browser");
}

async fn tutor_scenario(browser: &Client, server: &TestServer) -> Result<()> {
    let base = server.base.as_str();
    let student = server.world.user_id("student_owner");
    let iid = server.world.internship;

    // A teacher sends a tutor link.
    login_as(browser, base, "teacher_own").await?;
    browser
        .goto(&format!("{base}/students/{student}/internships"))
        .await?;
    submit(
        browser,
        &format!("form[action$='/internships/{iid}/tutor-links'] button[type='submit']"),
    )
    .await?;
    wait_for(browser, "#new-tutor-link").await?;
    let link = browser
        .find(Locator::Id("new-tutor-link"))
        .await?
        .text()
        .await?;
    ensure!(link.contains("/t/"), "not a tutor link: {link}");

    // The tutor, without an account, writes a review and confirms the certificate.
    browser.delete_all_cookies().await.ok();
    browser.goto(&link).await?;
    wait_for(browser, "#body").await?;
    type_into(browser, "#body", "Stagiaire ponctuel, travail soigné.").await?;
    submit(browser, "form[action$='/review'] button[type='submit']").await?;
    wait_for(browser, "#certificate-state").await?;
    ensure!(
        body_text(browser).await?.contains("Stagiaire ponctuel"),
        "the review is not shown"
    );
    click(
        browser,
        "form[action$='/certificate'] input[name='confirm']",
    )
    .await?;
    submit(
        browser,
        "form[action$='/certificate'] button[type='submit']",
    )
    .await?;
    wait_for(browser, "#certificate-state").await?;
    let state = browser
        .find(Locator::Id("certificate-state"))
        .await?
        .text()
        .await?;
    ensure!(state == "signée", "certificate state: {state}");

    // The link refuses anything else: the dossier asks for a login.
    browser.goto(&format!("{base}/students/{student}")).await?;
    ensure!(
        path_of(browser).await? == "/login",
        "the tutor's link opened the dossier"
    );

    // Revoked by the teacher, the link stops working.
    login_as(browser, base, "teacher_own").await?;
    browser
        .goto(&format!("{base}/students/{student}/internships"))
        .await?;
    submit(
        browser,
        &format!("#internship-{iid} form[action*='/revoke'] button[type='submit']"),
    )
    .await?;
    wait_for(browser, ".notice.ok").await?;
    browser.delete_all_cookies().await.ok();
    browser.goto(&link).await?;
    ensure!(
        body_text(browser).await?.contains("Page introuvable"),
        "a revoked tutor link must not open"
    );
    Ok(())
}

#[tokio::test]
async fn a_tutor_without_an_account_reviews_and_confirms_in_chromium() {
    let server = TestServer::start().await;
    let driver = Chromedriver::start();
    let browser = driver.browser().await.expect("start Chromium");
    let b = browser.clone();
    let result = async { tutor_scenario(&b, &server).await }.await;
    let closed = browser.close().await;
    if let Err(e) = result {
        panic!("browser scenario: {e:#}");
    }
    closed.expect("close the browser");
}

/// What the exam scenario set up through the store: a session of its own with a commission, its
/// jury president, and a CCF candidate of class A with internships and réalisations, not yet
/// handed in.
struct ExamWorld {
    session: i64,
    commission: i64,
    candidate: i64,
}

async fn exam_world(server: &TestServer) -> Result<ExamWorld> {
    use portfolio_domain::access::Actor;
    use portfolio_domain::commission::MemberProfile;
    use portfolio_domain::registration::{CandidateNumber, CandidateRegistration};
    use portfolio_domain::role::Grant;
    use portfolio_domain::session_labels::DossierExam;
    use portfolio_framework::{ExamForm, Track};
    use portfolio_store::{CommissionInput, Enrolment, NewExamSession, NewUser};
    let store = &server.store;
    let w = &server.world;
    let now = portfolio_web::session::now();
    let mut ids = std::collections::HashMap::new();
    for (name, first, last) in [
        ("camille_candidate", "Camille", "Candidate"),
        ("member_teacher", "Martine", "Enseignante"),
        ("member_pro", "Pierre", "Professionnel"),
        ("jury_dijon", "Jeanne", "Présidente"),
    ] {
        let id = store
            .create_user(&NewUser {
                email: email(name),
                first_name: first.into(),
                last_name: last.into(),
                password_hash: Some(crate::support::password_hash()),
                created_at: now,
            })
            .await?;
        ids.insert(name, id);
    }
    let candidate = ids["camille_candidate"];
    store
        .enroll_student(
            candidate,
            &Enrolment {
                class_id: w.class_a,
                route: portfolio_domain::route::Route::School,
                candidate_number: Some("27SIO0642".into()),
            },
        )
        .await?;
    let session = store
        .create_exam_session(
            &NewExamSession {
                year: 2026,
                academy: "Dijon".into(),
                label: "Session 2026 — Dijon".into(),
            },
            now,
        )
        .await?;
    let jury_grant = Grant::new(Role::JuryPresident, Some(session))?;
    store.add_grant(ids["jury_dijon"], jury_grant, now).await?;
    let jury = Actor::new(ids["jury_dijon"], vec![jury_grant]);
    let cap = jury
        .exam_session(session)
        .context("jury reads its session")?;
    let commission = store
        .save_commission(
            &cap,
            None,
            &CommissionInput {
                name: "Commission D1".into(),
                exam: DossierExam::Block1,
                track: Track::Sisr,
                exam_date: None,
                start_time: Some("08:00".into()),
                members: vec![
                    (
                        ids["member_teacher"],
                        MemberProfile::Teacher {
                            specialties: vec![Track::Sisr],
                            blocks: vec!["B1".into(), "B2-SISR".into()],
                        },
                    ),
                    (ids["member_pro"], MemberProfile::Professional),
                ],
            },
            now,
        )
        .await?;
    store
        .register_candidates(
            &cap,
            &[CandidateRegistration {
                candidate_number: CandidateNumber::parse("27SIO0642")
                    .map_err(anyhow::Error::msg)?,
                last_name: "Candidate".into(),
                first_name: "Camille".into(),
                track: Track::Sisr,
                route: portfolio_domain::route::Route::School,
                form: ExamForm::Continuous,
            }],
            now,
        )
        .await?;
    store
        .assign_to_commission(&cap, commission, candidate)
        .await?;
    store
        .set_dossier_due_date(&cap, Some(time::macros::date!(2099 - 06 - 01)))
        .await?;
    // Internships that satisfy annexe III.B, certificates checked by the teacher; réalisations
    // covering four of the six Bloc 1 competencies (the fiche must then show the defect).
    let facts = store
        .student_facts(candidate)
        .await?
        .context("candidate facts")?;
    let own = Actor::new(candidate, vec![Grant::new(Role::Student, Some(w.class_a))?])
        .student(&facts)
        .context("owner")?;
    let edit = own.edit().context("edit")?;
    let teacher = Actor::new(
        w.user_id("teacher_own"),
        vec![Grant::new(Role::Teacher, Some(w.class_a))?],
    )
    .student(&facts)
    .and_then(|c| c.internship_review())
    .context("teacher")?;
    for (year, start, end) in [
        ("1", "2025-05-19", "2025-06-20"),
        ("2", "2026-01-05", "2026-02-13"),
    ] {
        let input = portfolio_domain::internship_form::InternshipForm {
            kind: "internship".into(),
            organisation_name: format!("Organisation {year}"),
            organisation_address: "Dijon".into(),
            start_date: start.into(),
            end_date: end.into(),
            year_of_training: year.into(),
            full_time: "1".into(),
            tutor_name: "Tuteur".into(),
            tutor_email: "tuteur@exemple.fr".into(),
            ..Default::default()
        }
        .parse()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let iid = store.create_internship(&edit, &input, now).await?;
        store.confirm_certificate(&teacher, iid, now).await?;
    }
    for (title, skills) in [
        ("Inventaire du parc", vec!["B1.1.1", "B1.2.1"]),
        ("Gestion de projet de migration", vec!["B1.3.1", "B1.4.1"]),
    ] {
        let input = portfolio_domain::realisation::RealisationForm {
            title: title.into(),
            start_date: "2025-09-15".into(),
            end_date: "2025-10-17".into(),
            setting: "training".into(),
            modality: "solo".into(),
            skills: skills.into_iter().map(String::from).collect(),
            ..Default::default()
        }
        .parse(portfolio_framework::bts_sio_2019(), Track::Sisr)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        store.create_realisation(&edit, &input, now).await?;
    }
    Ok(ExamWorld {
        session,
        commission,
        candidate,
    })
}

/// The whole path of a CCF candidate: hand-in, conformity, the grid with a penalty, both visas,
/// harmonisation and the jury's mark, then the fiche read by the candidate, never a mark.
async fn exam_scenario(browser: &Client, server: &TestServer) -> Result<()> {
    let base = server.base.as_str();
    let x = exam_world(server).await?;
    let candidate = x.candidate;

    // The candidate hands the dossier in.
    login_as(browser, base, "camille_candidate").await?;
    browser
        .goto(&format!("{base}/students/{candidate}"))
        .await?;
    click(browser, "form[action$='/hand-in'] input[name='confirm']").await?;
    submit(browser, "form[action$='/hand-in'] button[type='submit']").await?;
    wait_for(browser, "#hand-in-status").await?;
    let status = browser
        .find(Locator::Id("hand-in-status"))
        .await?
        .text()
        .await?;
    ensure!(status.contains("Dossier remis"), "not handed in: {status}");

    // The jury president finds it conforming and records it.
    login_as(browser, base, "jury_dijon").await?;
    browser
        .goto(&format!("{base}/exam-sessions/{}/conformity", x.session))
        .await?;
    let row = format!("#candidate-{candidate}");
    let state = browser
        .find(Locator::Css(&format!("{row} td")))
        .await?
        .text()
        .await?;
    ensure!(
        state.contains("Conforme"),
        "the dossier should be conforming: {state}"
    );
    submit(browser, &format!("{row} form button[type='submit']")).await?;
    wait_for(browser, &format!("{row} .recorded")).await?;

    // The first member rates the grid, proposes 12,5 with the penalty for the missing
    // tableau de synthèse, fills the fiche and signs.
    login_as(browser, base, "member_teacher").await?;
    browser
        .goto(&format!("{base}/commissions/{}", x.commission))
        .await?;
    click(
        browser,
        &format!(
            "a[href='/commissions/{}/candidates/{candidate}']",
            x.commission
        ),
    )
    .await?;
    wait_for(browser, "#grid").await?;
    let watch = browser.find(Locator::Id("watch")).await?.text().await?;
    ensure!(
        watch.contains("Dossier remis le"),
        "the commission sees the hand-in: {watch}"
    );
    let rows = portfolio_domain::grid::grid_rows(
        portfolio_domain::session_labels::DossierExam::Block1,
        portfolio_framework::Track::Sisr,
    );
    for (i, r) in rows.iter().enumerate() {
        let level = if i == 1 {
            "excellent_mastery"
        } else {
            "good_mastery"
        };
        click(
            browser,
            &format!("input[name='level:{}'][value='{level}']", r.key),
        )
        .await?;
    }
    click(browser, "input[name='environment'][value='conforming']").await?;
    type_into(browser, "#mark", "12,5").await?;
    click(
        browser,
        "input[name='penalty'][value='missing_synthesis_table']",
    )
    .await?;
    type_into(browser, "#part1", "Parcours présenté avec clarté.").await?;
    type_into(browser, "#part2", "Échange approfondi sur la migration.").await?;
    let prefilled = browser
        .find(Locator::Id("appreciation"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        prefilled.contains("Défaut de couverture"),
        "the fiche is pre-filled with the coverage defect: {prefilled}"
    );
    type_into(
        browser,
        "#appreciation",
        " Oral convaincant, démarche rigoureuse.",
    )
    .await?;
    submit(browser, "#save").await?;
    wait_for(browser, "#final-mark").await?;
    let final_mark = browser
        .find(Locator::Id("final-mark"))
        .await?
        .text()
        .await?;
    ensure!(
        final_mark.contains("NOTE FINALE : 11 / 20"),
        "12,5 − 2 = 10,5 → 11: {final_mark}"
    );
    submit(browser, "#sign").await?;
    wait_for(browser, "#visas").await?;

    // The second member signs: the grid is locked.
    login_as(browser, base, "member_pro").await?;
    browser
        .goto(&format!(
            "{base}/commissions/{}/candidates/{candidate}",
            x.commission
        ))
        .await?;
    submit(browser, "#sign").await?;
    wait_for(browser, "#locked").await?;

    // The jury president harmonises and arrests 12 with a reason, then deliberates.
    login_as(browser, base, "jury_dijon").await?;
    browser
        .goto(&format!("{base}/exam-sessions/{}/harmonisation", x.session))
        .await?;
    wait_for(browser, "svg").await?;
    let text = body_text(browser).await?;
    ensure!(
        text.contains("Commission D1"),
        "the harmonisation lists the commission: {text}"
    );
    let jury = portfolio_domain::access::Actor::new(
        server
            .store
            .user_by_email(&email("jury_dijon"))
            .await?
            .context("jury")?
            .id,
        vec![portfolio_domain::role::Grant::new(
            Role::JuryPresident,
            Some(x.session),
        )?],
    );
    let marks = jury.session_marks(x.session).context("jury marks")?;
    let evaluation = server
        .store
        .session_evaluations(&marks)
        .await?
        .first()
        .context("the evaluation")?
        .evaluation
        .id;
    // The candidates are listed per commission.
    browser
        .goto(&format!(
            "{base}/exam-sessions/{}/harmonisation?commission={}",
            x.session, x.commission
        ))
        .await?;
    let form = format!("#evaluation-{evaluation} form");
    browser
        .find(Locator::Css(&format!("{form} input[name='mark']")))
        .await?
        .clear()
        .await?;
    type_into(browser, &format!("{form} input[name='mark']"), "12").await?;
    type_into(
        browser,
        &format!("{form} input[name='reason']"),
        "Harmonisation entre commissions",
    )
    .await?;
    submit(browser, &format!("{form} button[type='submit']")).await?;
    wait_for(browser, &format!("#evaluation-{evaluation}")).await?;
    let row = browser
        .find(Locator::Id(&format!("evaluation-{evaluation}")))
        .await?
        .html(false)
        .await?;
    ensure!(
        row.contains("value=\"12\"") || row.contains(">12<"),
        "the jury's mark is shown: {row}"
    );
    click(browser, "#deliberate input[name='confirm']").await?;
    submit(browser, "#deliberate button[type='submit']").await?;
    wait_for(browser, "#deliberated").await?;

    // The candidate asks for the fiche d'appréciation (réclamation), the jury president sends
    // it without the mark, the candidate reads it, and no mark anywhere.
    login_as(browser, base, "camille_candidate").await?;
    browser
        .goto(&format!("{base}/students/{candidate}"))
        .await?;
    click(
        browser,
        &format!("a[href='/students/{candidate}/appraisals']"),
    )
    .await?;
    wait_for(browser, "section.reclamation").await?;
    submit(browser, "section.reclamation button[type='submit']").await?;
    let asked = body_text(browser).await?;
    ensure!(
        asked.contains("en attente de la transmission"),
        "the request is recorded: {asked}"
    );
    login_as(browser, base, "jury_dijon").await?;
    browser.goto(&format!("{base}/dashboard")).await?;
    click(browser, "a[href='/reclamations']").await?;
    wait_for(browser, "#waiting form").await?;
    submit(browser, "#waiting form button[type='submit']").await?;
    wait_for(browser, "#answered").await?;
    let desk = body_text(browser).await?;
    ensure!(
        desk.contains("Aucune réclamation en attente."),
        "the réclamation is answered: {desk}"
    );
    login_as(browser, base, "camille_candidate").await?;
    browser
        .goto(&format!("{base}/students/{candidate}/appraisals"))
        .await?;
    wait_for(browser, "section.fiche").await?;
    let fiche = body_text(browser).await?;
    ensure!(
        fiche.contains("Oral convaincant, démarche rigoureuse.")
            && fiche.contains("Défaut de couverture"),
        "the candidate reads the fiche: {fiche}"
    );
    for page in [
        format!("/students/{candidate}/appraisals"),
        format!("/students/{candidate}"),
        "/dashboard".to_string(),
        format!("/students/{candidate}/coverage"),
    ] {
        browser.goto(&format!("{base}{page}")).await?;
        let source = browser.source().await?;
        for mark in ["12,5", "11 / 20", "12 / 20", "NOTE FINALE", "note arrêtée"] {
            ensure!(
                !source.contains(mark),
                "{page} shows « {mark} » to the candidate"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_ccf_candidate_from_hand_in_to_the_jury_in_chromium() {
    let server = TestServer::start().await;
    let driver = Chromedriver::start();
    let browser = driver.browser().await.expect("start Chromium");
    let b = browser.clone();
    let result = async { exam_scenario(&b, &server).await }.await;
    let closed = browser.close().await;
    if let Err(e) = result {
        panic!("browser scenario: {e:#}");
    }
    closed.expect("close the browser");
}
