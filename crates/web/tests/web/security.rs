//! Security at the HTTP level: headers, CSRF and origin checks, login answers and throttling,
//! the life of a session (new id at login, logout, disabled account, timeouts), the audit log.
//! Timeouts are tested by moving a session's times back in the store, never by sleeping.

use crate::support::{
    BAD_CREDENTIALS, Client, LOGIN_COOKIE, PASSWORD, SESSION_COOKIE, TestServer, email,
    header_problems,
};
use portfolio_store::NewSession;
use portfolio_web::config::WebConfig;
use portfolio_web::session::{hash_token, now};

const CSRF_TITLE: &str = "Formulaire expiré";
const THROTTLED: &str = "Trop de tentatives de connexion échouées";

/// A client that presents `cookie` as its session cookie and nothing else.
fn with_session(server: &TestServer, cookie: &str) -> Client {
    let mut client = server.client();
    client
        .cookies
        .insert(SESSION_COOKIE.to_string(), cookie.to_string());
    client
}

/// The session cookie no longer opens anything: pages redirect to the login form, the API
/// answers 401.
async fn assert_session_refused(server: &TestServer, cookie: &str, why: &str) {
    let mut client = with_session(server, cookie);
    let page = client.get("/dashboard").await;
    assert_eq!(
        (page.status, page.location()),
        (303, Some("/login")),
        "{why}: the old session cookie still opens /dashboard"
    );
    let api = client.get("/api/v1/me").await;
    assert_eq!(
        api.status, 401,
        "{why}: the old session cookie still opens /api/v1/me"
    );
}

async fn assert_session_works(server: &TestServer, cookie: &str, why: &str) {
    let page = with_session(server, cookie).get("/dashboard").await;
    assert_eq!(
        page.status, 200,
        "{why}: the session cookie no longer works"
    );
}

#[tokio::test]
async fn error_answers_carry_the_security_headers_too() {
    let server = TestServer::start().await;
    let mut anonymous = server.client();
    let mut admin = server.login("admin").await;
    let mut problems = Vec::new();

    let page = anonymous.get("/nulle-part").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Page introuvable"), "{}", page.body);
    problems.extend(header_problems(&page, false, "404 anonymous"));

    let page = admin.get("/nulle-part").await;
    assert_eq!(page.status, 404);
    problems.extend(header_problems(&page, true, "404 as admin"));

    let page = admin.post_form("/admin/schools", &[("name", "X")]).await;
    assert_eq!(page.status, 403);
    problems.extend(header_problems(&page, true, "CSRF refusal"));

    let page = anonymous.get("/api/v1/me").await;
    assert_eq!(page.status, 401);
    problems.extend(header_problems(&page, false, "API 401"));

    let page = admin.get("/students/999999").await;
    assert_eq!(page.status, 403);
    problems.extend(header_problems(&page, true, "403 as admin"));

    let page = admin.get("/static/app.css").await;
    assert_eq!(page.status, 200);
    problems.extend(header_problems(&page, false, "stylesheet"));

    // A known address with the wrong method (a bookmarked /logout) gets a French page too.
    let page = admin.get("/logout").await;
    assert_eq!(page.status, 405);
    assert!(
        page.body.contains("<html lang=\"fr\"")
            && page.body.contains("Adresse réservée aux formulaires"),
        "405 without a French page: {:?}",
        page.body
    );
    problems.extend(header_problems(&page, true, "405 as admin"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn session_cookies_are_http_only_same_site_and_end_with_the_browser() {
    let server = TestServer::start().await;
    let mut client = server.client();
    let page = client.login(&email("head_own"), PASSWORD).await;
    let set_cookies: Vec<&str> = page
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let session = set_cookies
        .iter()
        .find(|c| c.starts_with("sio_session="))
        .expect("session cookie");
    for attribute in ["; Path=/", "; HttpOnly", "; SameSite=Lax"] {
        assert!(session.contains(attribute), "{session} lacks {attribute}");
    }
    for attribute in ["Max-Age", "Expires", "Domain"] {
        assert!(!session.contains(attribute), "{session} has {attribute}");
    }
    assert!(
        set_cookies
            .iter()
            .any(|c| c.starts_with("sio_login=;") && c.contains("Max-Age=0")),
        "the login cookie is not cleared at login: {set_cookies:?}"
    );
}

#[tokio::test]
async fn behind_tls_cookies_are_secure_with_the_host_prefix() {
    let server = TestServer::with_config(WebConfig {
        secure_cookies: true,
        ..WebConfig::default()
    })
    .await;
    let mut client = server.client();
    let form = client.get("/login").await;
    assert!(
        form.header("strict-transport-security")
            .is_some_and(|v| v.contains("max-age=")),
        "no HSTS behind TLS"
    );
    let login_cookie = form.header("set-cookie").expect("login cookie").to_string();
    assert!(
        login_cookie.starts_with("__Host-sio_login=")
            && login_cookie.contains("; Secure")
            && login_cookie.contains("; Path=/")
            && !login_cookie.contains("Domain"),
        "{login_cookie}"
    );
    let token = form.hidden_csrf().expect("token");
    let mail = email("head_own");
    let page = client
        .post_form(
            "/login",
            &[
                ("csrf_token", token.as_str()),
                ("email", mail.as_str()),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let session = page
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-sio_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        session.contains("; Secure") && session.contains("; HttpOnly"),
        "{session}"
    );
    assert!(!client.cookies.contains_key(SESSION_COOKIE));
    let page = client.get("/dashboard").await;
    assert_eq!(
        page.status, 200,
        "the __Host- session cookie does not open the dashboard"
    );
    // The unprefixed name means nothing there.
    let value = client.cookies["__Host-sio_session"].clone();
    assert_session_refused(&server, &value, "unprefixed cookie behind TLS").await;
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let server = TestServer::start().await;
    let mut this = server.login("student_owner").await;
    let other = server.login("student_owner").await;
    let old_this = this.session().expect("session").to_string();
    let old_other = other.session().expect("session").to_string();
    let new_password = "Une autre phrase de passe pour le BTS";

    for (current, new, confirm, expected) in [
        (
            "pas le bon",
            new_password,
            new_password,
            "Mot de passe actuel",
        ),
        (
            PASSWORD,
            new_password,
            "une confirmation différente",
            "Confirmation",
        ),
        (PASSWORD, "court", "court", "au moins 12 caractères"),
        (
            PASSWORD,
            "motdepasse2024!",
            "motdepasse2024!",
            "les plus courants",
        ),
    ] {
        let page = this
            .post(
                "/account/password",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("confirm_password", confirm),
                ],
            )
            .await;
        assert_eq!(page.status, 422, "{expected}: {}", page.body);
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert_session_works(&server, &old_other, "after refused changes").await;

    let page = this
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(
        (page.status, page.location()),
        (303, Some("/account?done=password")),
        "{}",
        page.body
    );
    let new_this = this.session().expect("session").to_string();
    assert_ne!(new_this, old_this, "the session id did not change");
    assert_session_works(&server, &new_this, "the session that changed the password").await;
    assert_session_refused(&server, &old_this, "the replaced session").await;
    assert_session_refused(&server, &old_other, "another session of the account").await;

    let page = server
        .client()
        .login(&email("student_owner"), PASSWORD)
        .await;
    assert_eq!(page.status, 401, "the old password still works");
    let page = server
        .client()
        .login(&email("student_owner"), new_password)
        .await;
    assert_eq!(page.status, 303, "the new password does not work");
    let audit = server.audit().await;
    assert!(audit.iter().any(|r| r.action == "password.change"));
    assert!(!format!("{audit:?}").contains(new_password));
}

#[tokio::test]
async fn posts_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let mut admin = server.login("admin").await;
    let student = server.login("student_owner").await;
    let before = server.store.counts().await.expect("counts");
    let fields = [("name", "Lycée Curie"), ("city", "Valence")];
    let good = admin.csrf.clone().expect("token");
    let others = student.csrf.clone().expect("token");

    type Fields<'a> = Vec<(&'a str, &'a str)>;
    let attempts: Vec<(&str, Fields, Fields)> = vec![
        ("no token", fields.to_vec(), vec![]),
        (
            "empty token",
            [&[("csrf_token", "")][..], &fields].concat(),
            vec![],
        ),
        (
            "wrong token",
            [&[("csrf_token", "faux-jeton")][..], &fields].concat(),
            vec![],
        ),
        (
            "token of another session",
            [&[("csrf_token", others.as_str())][..], &fields].concat(),
            vec![],
        ),
        (
            "wrong header, right field",
            [&[("csrf_token", good.as_str())][..], &fields].concat(),
            vec![("x-csrf-token", "faux-jeton")],
        ),
    ];
    for (what, form, headers) in attempts {
        let page = admin
            .send(
                reqwest::Method::POST,
                "/admin/schools",
                Some(&form),
                &headers,
            )
            .await;
        assert_eq!(page.status, 403, "{what}: {}", page.body);
        assert!(
            page.body.contains(CSRF_TITLE) && page.body.contains("jeton de sécurité"),
            "{what}: not the French CSRF page: {}",
            page.body
        );
    }
    // A JSON body carries no form field: without the header it is refused.
    let page = admin
        .send(
            reqwest::Method::POST,
            "/admin/schools",
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(page.status, 403, "JSON without the header");
    assert_eq!(
        server.store.counts().await.expect("counts"),
        before,
        "a refused POST changed the database"
    );
    assert_eq!(
        server.store.schools().await.expect("schools").len(),
        2,
        "a refused POST created a school"
    );

    // The logout form is guarded too: the session survives a forged logout.
    let page = admin.post_form("/logout", &[]).await;
    assert_eq!(page.status, 403, "logout without a token");
    let session = admin.session().expect("session").to_string();
    assert_session_works(&server, &session, "after a refused logout").await;

    // The header alone is enough (fetch and htmx calls), and the right token goes through.
    let page = admin
        .send(
            reqwest::Method::POST,
            "/admin/schools",
            Some(&fields),
            &[("x-csrf-token", &good)],
        )
        .await;
    assert_eq!(page.status, 303, "right token in the header: {}", page.body);
    assert_eq!(server.store.schools().await.expect("schools").len(), 3);
}

#[tokio::test]
async fn the_login_form_needs_its_own_cookie_and_token() {
    let server = TestServer::start().await;
    let login = |token: &str| {
        vec![
            ("csrf_token".to_string(), token.to_string()),
            ("email".to_string(), email("student_owner")),
            ("password".to_string(), PASSWORD.to_string()),
        ]
    };
    // No login cookie at all.
    let mut client = server.client();
    let fields = login("peu-importe");
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = client.post_form("/login", &form).await;
    assert_eq!(page.status, 403, "login without the login cookie");
    assert!(page.body.contains(CSRF_TITLE));
    assert!(client.session().is_none());

    // A cookie, but a field that does not match it.
    let page = client.get("/login").await;
    assert_eq!(page.status, 200);
    assert!(client.cookies.contains_key(LOGIN_COOKIE));
    let page = client.post_form("/login", &form).await;
    assert_eq!(page.status, 403, "login with a mismatched token");
    assert!(
        client.session().is_none(),
        "a refused login opened a session"
    );
    let audit = server.audit().await;
    assert!(
        !audit.iter().any(|r| r.action == "login.success"),
        "a refused login was recorded as a success"
    );
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let server = TestServer::start().await;
    let mut admin = server.login("admin").await;
    let token = admin.csrf.clone().expect("token");
    let form = [
        ("csrf_token", token.as_str()),
        ("name", "Lycée Curie"),
        ("city", "Valence"),
    ];
    let before = server.store.counts().await.expect("counts");
    for (what, header, value) in [
        ("foreign Origin", "origin", "http://attaquant.example"),
        ("foreign port", "origin", "http://127.0.0.1:1"),
        ("opaque Origin", "origin", "null"),
        ("Sec-Fetch-Site", "sec-fetch-site", "cross-site"),
    ] {
        let page = admin
            .send(
                reqwest::Method::POST,
                "/admin/schools",
                Some(&form),
                &[(header, value)],
            )
            .await;
        assert_eq!(page.status, 403, "{what}: {}", page.body);
        assert!(page.body.contains(CSRF_TITLE), "{what}: {}", page.body);
    }
    assert_eq!(server.store.counts().await.expect("counts"), before);

    // A cross-site login (login CSRF) is refused as well, even with a valid cookie and token.
    let mut client = server.client();
    let page = client.get("/login").await;
    let login_token = page.hidden_csrf().expect("token");
    let mail = email("student_owner");
    let page = client
        .send(
            reqwest::Method::POST,
            "/login",
            Some(&[
                ("csrf_token", login_token.as_str()),
                ("email", mail.as_str()),
                ("password", PASSWORD),
            ]),
            &[("origin", "http://attaquant.example")],
        )
        .await;
    assert_eq!(page.status, 403, "cross-site login");
    assert!(client.session().is_none());

    // The same request from our own origin goes through.
    let origin = server.base.clone();
    let page = admin
        .send(
            reqwest::Method::POST,
            "/admin/schools",
            Some(&form),
            &[("origin", &origin), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(page.status, 303, "same origin: {}", page.body);
}

/// The login page without what differs between two answers: the fresh token and the address
/// typed.
fn normalised(body: &str, token: &str, typed: &str) -> String {
    body.replace(token, "TOKEN").replace(typed, "EMAIL")
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let server = TestServer::start().await;
    let known = email("student_owner");
    let unknown = "personne.inconnue@exemple.fr";

    let mut a = server.client();
    let wrong_password = a.login(&known, "pas le bon mot de passe du tout").await;
    let mut b = server.client();
    let no_account = b.login(unknown, PASSWORD).await;

    for (what, page) in [
        ("wrong password", &wrong_password),
        ("unknown", &no_account),
    ] {
        assert_eq!(page.status, 401, "{what}");
        assert!(
            page.body
                .contains(&format!(r#"id="login-error">{BAD_CREDENTIALS}</p>"#)),
            "{what}: {}",
            page.body
        );
        assert!(
            page.set_cookie(SESSION_COOKIE).is_none(),
            "{what}: a session cookie"
        );
    }
    assert_eq!(
        normalised(
            &wrong_password.body,
            &wrong_password.hidden_csrf().expect("token"),
            &known
        ),
        normalised(
            &no_account.body,
            &no_account.hidden_csrf().expect("token"),
            unknown
        ),
        "the two answers differ"
    );
    assert!(a.session().is_none() && b.session().is_none());
}

async fn fail_five_times(server: &TestServer, typed: &[&str; 5]) {
    for (n, address) in typed.iter().enumerate() {
        let page = server
            .client()
            .login(address, "un mauvais mot de passe")
            .await;
        assert_eq!(page.status, 401, "failure {} for {address}", n + 1);
        assert!(page.body.contains(BAD_CREDENTIALS));
    }
}

#[tokio::test]
async fn the_sixth_attempt_after_five_failures_is_throttled() {
    let server = TestServer::start().await;
    let known = email("student_owner");
    // Case and spaces do not make a new account key.
    let upper = known.to_uppercase();
    let spaced = format!("  {known} ");
    fail_five_times(&server, &[&known, &upper, &spaced, &known, &known]).await;
    let mut client = server.client();
    let page = client.login(&known, PASSWORD).await;
    assert_eq!(page.status, 429, "6th attempt with the right password");
    assert!(page.body.contains(THROTTLED), "{}", page.body);
    assert!(!page.body.contains(BAD_CREDENTIALS));
    assert!(
        client.session().is_none(),
        "a throttled login opened a session"
    );

    let unknown = "personne.inconnue@exemple.fr";
    fail_five_times(&server, &[unknown; 5]).await;
    let page = server.client().login(unknown, PASSWORD).await;
    assert_eq!(page.status, 429, "6th attempt on an unknown account");
    assert!(page.body.contains(THROTTLED), "{}", page.body);

    // The other accounts are not affected.
    let page = server
        .client()
        .login(&email("student_other"), PASSWORD)
        .await;
    assert_eq!(page.status, 303, "another account: {}", page.body);

    let audit = server.audit().await;
    let throttled = audit
        .iter()
        .filter(|r| r.action == "login.throttled")
        .count();
    assert_eq!(throttled, 2, "login.throttled rows");
}

#[tokio::test]
async fn every_login_gets_a_new_session_id() {
    let server = TestServer::start().await;
    let mut client = server.login("student_owner").await;
    let first = client.session().expect("session").to_string();

    // Logging in again while logged in (the form posted with the session's token): new id,
    // the old one ends.
    let token = client.csrf.clone().expect("token");
    let mail = email("student_owner");
    let page = client
        .post_form(
            "/login",
            &[
                ("csrf_token", token.as_str()),
                ("email", mail.as_str()),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "second login: {}", page.body);
    let second = client.session().expect("session").to_string();
    assert_ne!(first, second, "the session id did not change at login");
    assert_session_refused(&server, &first, "after a new login").await;
    assert_session_works(&server, &second, "the new session").await;

    // A session id planted before login (fixation) is never adopted.
    let planted = "identifiant-de-session-choisi-par-un-attaquant";
    let mut victim = with_session(&server, planted);
    let page = victim.login(&mail, PASSWORD).await;
    assert_eq!(page.status, 303);
    let issued = victim.session().expect("session").to_string();
    assert_ne!(issued, planted);
    assert_session_refused(&server, planted, "planted id").await;

    // Two logins, two sessions.
    let other = server.login("student_owner").await;
    assert_ne!(other.session(), Some(issued.as_str()));
    assert_ne!(other.csrf, victim.csrf, "two sessions share a CSRF token");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let server = TestServer::start().await;
    let mut client = server.login("teacher_own").await;
    let cookie = client.session().expect("session").to_string();
    let page = client.post("/logout", &[]).await;
    assert_eq!(
        (page.status, page.location()),
        (303, Some("/login?done=logout"))
    );
    assert_eq!(
        page.set_cookie(SESSION_COOKIE).as_deref(),
        Some(""),
        "logout does not clear the cookie"
    );
    assert!(client.session().is_none());
    let page = client.get("/login?done=logout").await;
    assert!(
        page.body.contains("Vous êtes déconnecté(e)."),
        "{}",
        page.body
    );
    assert_session_refused(&server, &cookie, "after logout").await;
    assert!(
        server
            .store
            .session(&hash_token(&cookie))
            .await
            .expect("session")
            .is_none(),
        "the session row outlived the logout"
    );
    let audit = server.audit().await;
    assert!(
        audit.iter().any(|r| r.action == "logout"
            && r.actor_user_id == Some(server.world.user_id("teacher_own")))
    );
}

#[tokio::test]
async fn disabling_an_account_ends_its_live_sessions() {
    let server = TestServer::start().await;
    let mut student = server.login("student_owner").await;
    let cookie = student.session().expect("session").to_string();
    let mut admin = server.login("admin").await;
    let id = server.world.user_id("student_owner");

    let page = admin.post(&format!("/admin/users/{id}/disable"), &[]).await;
    assert_eq!(
        (page.status, page.location()),
        (
            303,
            Some(format!("/admin/users/{id}?done=disabled").as_str())
        )
    );
    assert_session_refused(&server, &cookie, "after the account was disabled").await;
    let page = student.get("/dashboard").await;
    assert_eq!(page.status, 303);

    // A disabled account cannot log in, and says so no more than a wrong password would.
    let page = server
        .client()
        .login(&email("student_owner"), PASSWORD)
        .await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains(BAD_CREDENTIALS));

    let page = admin.post(&format!("/admin/users/{id}/enable"), &[]).await;
    assert_eq!(page.status, 303);
    let page = server
        .client()
        .login(&email("student_owner"), PASSWORD)
        .await;
    assert_eq!(page.status, 303, "login after re-enabling");
    // The old session stays dead.
    assert_session_refused(&server, &cookie, "after re-enabling").await;
}

fn short_timeouts() -> WebConfig {
    WebConfig {
        idle_timeout_secs: 100,
        absolute_timeout_secs: 600,
        ..WebConfig::default()
    }
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    let server = TestServer::with_config(short_timeouts()).await;
    let store = &server.store;

    // Idle: the last request was longer ago than the idle timeout.
    let client = server.login("student_owner").await;
    let cookie = client.session().expect("session").to_string();
    let hash = hash_token(&cookie);
    store
        .touch_session(&hash, now() - 101)
        .await
        .expect("touch");
    assert_session_refused(&server, &cookie, "idle session").await;
    assert!(
        store.session(&hash).await.expect("session").is_none(),
        "the expired session row was not deleted"
    );

    // Absolute: created longer ago than the absolute timeout, even if used a second ago.
    let user_id = server.world.user_id("student_owner");
    let old = "session-ouverte-il-y-a-longtemps";
    store
        .create_session(&NewSession {
            id_hash: hash_token(old),
            user_id,
            csrf_token: "jeton".into(),
            now: now() - 601,
        })
        .await
        .expect("create session");
    store
        .touch_session(&hash_token(old), now())
        .await
        .expect("touch");
    assert_session_refused(&server, old, "session past its absolute timeout").await;

    // Control: the same, created within the limit, is accepted.
    let recent = "session-ouverte-il-y-a-peu";
    store
        .create_session(&NewSession {
            id_hash: hash_token(recent),
            user_id,
            csrf_token: "jeton".into(),
            now: now() - 300,
        })
        .await
        .expect("create session");
    store
        .touch_session(&hash_token(recent), now())
        .await
        .expect("touch");
    assert_session_works(&server, recent, "session within both timeouts").await;
}

/// With an idle timeout under two minutes, a session in use must still be kept alive: a
/// request has to push the idle deadline back while there is time left (the server writes
/// `last_seen_at` at most once a minute, so with a 100 s timeout a request 55 s after the
/// previous write must write it).
#[tokio::test]
async fn a_session_in_use_outlives_a_short_idle_timeout() {
    let server = TestServer::with_config(short_timeouts()).await;
    let mut client = server.login("student_owner").await;
    let hash = hash_token(client.session().expect("session"));
    let before = now();
    server
        .store
        .touch_session(&hash, before - 55)
        .await
        .expect("touch");
    let page = client.get("/dashboard").await;
    assert_eq!(page.status, 200);
    let record = server
        .store
        .session(&hash)
        .await
        .expect("session")
        .expect("session row");
    assert!(
        record.last_seen_at >= before,
        "a request 55 s after the previous one did not renew a session with a 100 s idle \
         timeout (last seen {} s before the request): it will expire while in use",
        before - record.last_seen_at
    );
}

#[tokio::test]
async fn the_audit_log_records_logins_and_never_a_password() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let wrong = "Mauvais secret tape par erreur 42";
    let in_email_field = "MonMotDePasseTapeDansLeMauvaisChamp";

    let page = server.client().login(&email("student_owner"), wrong).await;
    assert_eq!(page.status, 401);
    let page = server.client().login(in_email_field, PASSWORD).await;
    assert_eq!(page.status, 401);
    let page = server
        .client()
        .login(&email("student_owner"), PASSWORD)
        .await;
    assert_eq!(page.status, 303);

    // A temporary password made by an admin is shown once and never logged.
    let mut admin = server.login("admin").await;
    let other = server.world.user_id("student_other");
    let page = admin
        .post(&format!("/admin/users/{other}/reset-password"), &[])
        .await;
    assert_eq!(page.status, 200);
    let temporary = page
        .body
        .split(r#"id="temporary-password">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("temporary password on the page")
        .to_string();
    assert!(temporary.len() >= 12, "{temporary}");

    let audit = server.audit().await;
    assert!(
        audit.iter().any(|r| r.action == "login.failure"
            && r.actor_user_id == Some(owner)
            && r.target.as_deref() == Some(email("student_owner").as_str())),
        "no login.failure row for the wrong password: {audit:?}"
    );
    assert!(
        audit
            .iter()
            .any(|r| r.action == "login.failure" && r.actor_user_id.is_none()),
        "no login.failure row for the malformed address"
    );
    assert!(
        audit
            .iter()
            .any(|r| r.action == "login.success" && r.actor_user_id == Some(owner)),
        "no login.success row"
    );
    assert!(audit.iter().any(|r| r.action == "user.password_reset"));
    for record in &audit {
        let text = format!("{record:?}");
        for secret in [PASSWORD, wrong, in_email_field, temporary.as_str()] {
            assert!(
                !text.contains(secret),
                "the audit log holds a password ({secret}): {text}"
            );
        }
    }
    let page = admin.get("/admin/audit").await;
    assert_eq!(page.status, 200);
    for secret in [PASSWORD, wrong, in_email_field, temporary.as_str()] {
        assert!(
            !page.body.contains(secret),
            "the audit page shows a password"
        );
    }
}
