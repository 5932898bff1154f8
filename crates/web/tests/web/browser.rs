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
