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
