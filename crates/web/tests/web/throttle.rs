//! Login throttling that an attacker cannot turn against a school (issue 11, item 3): progressive
//! delays per (account, address), per account and per address instead of hard locks; the owner
//! of an account on a device they logged in from before is never slowed by someone else's
//! failures; the client address is taken from `X-Forwarded-For` only behind a trusted proxy.
//! Nothing here sleeps: each case checks who is refused right after the attack.

use crate::support::{BAD_CREDENTIALS, Client, PASSWORD, Page, TestServer, email};
use portfolio_web::config::WebConfig;

const THROTTLED: &str = "Trop de tentatives de connexion échouées";
const DEVICE_COOKIE: &str = "sio_device";
const ACCOUNTS: [&str; 6] = [
    "student_owner",
    "student_other",
    "teacher_own",
    "teacher_other",
    "head_own",
    "jury_own",
];

/// Fetches the login form and posts it with `password`, adding `headers` to the post.
async fn login_with(
    client: &mut Client,
    who: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> Page {
    let form = client.get("/login").await;
    assert_eq!(form.status, 200, "GET /login");
    let token = form.hidden_csrf().expect("csrf field");
    client
        .send(
            reqwest::Method::POST,
            "/login",
            Some(&[
                ("csrf_token", &token),
                ("email", who),
                ("password", password),
            ]),
            headers,
        )
        .await
}

/// A browser its owner logged in from, then logged out of: it keeps its device cookie only.
async fn known_device(server: &TestServer, name: &str) -> Client {
    let mut client = server.client();
    let page = login_with(&mut client, &email(name), PASSWORD, &[]).await;
    assert_eq!(page.status, 303, "first login of {name}: {}", page.body);
    let device = client
        .cookies
        .get(DEVICE_COOKIE)
        .cloned()
        .unwrap_or_else(|| panic!("{name}: no device cookie after a login"));
    let mut fresh = server.client();
    fresh.cookies.insert(DEVICE_COOKIE.to_string(), device);
    fresh
}

/// `n` failed logins on `who` from a client without history, with `headers`.
async fn fail(server: &TestServer, who: &str, n: usize, headers: &[(&str, &str)]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        let page = login_with(
            &mut server.client(),
            who,
            "pas le bon mot de passe",
            headers,
        )
        .await;
        statuses.push(page.status);
    }
    statuses
}

/// One failure on each of 60 guessed accounts (prenom.nom), past the address's allowance.
async fn spray(server: &TestServer, headers: &[(&str, &str)]) {
    for n in 0..60 {
        let guessed = format!("prenom{n}.nom{n}@exemple.fr");
        fail(server, &guessed, 1, headers).await;
    }
}

#[tokio::test]
async fn a_guessable_account_is_slowed_for_the_attacker_never_locked_for_its_owner() {
    let server = TestServer::start().await;
    let victim = email("student_owner");
    let mut owner = known_device(&server, "student_owner").await;

    // The attacker, from the same address (one machine): five failures, then a delay.
    let statuses = fail(&server, &victim, 5, &[]).await;
    assert_eq!(statuses, vec![401; 5]);
    let mut attacker = server.client();
    let page = login_with(&mut attacker, &victim, PASSWORD, &[]).await;
    assert_eq!(
        page.status, 429,
        "the attacker, even with the right password"
    );
    assert!(
        page.body.contains(THROTTLED) && page.body.contains("Patientez 30 secondes"),
        "{}",
        page.body
    );
    assert_eq!(page.header("retry-after"), Some("30"));
    assert!(attacker.session().is_none());
    // More failures are not even checked while the delay runs.
    assert_eq!(fail(&server, &victim, 3, &[]).await, vec![429; 3]);

    // The owner, on their own browser: not blocked.
    let page = login_with(&mut owner, &victim, PASSWORD, &[]).await;
    assert_eq!(
        page.status, 303,
        "the owner on a known device: {}",
        page.body
    );
    assert!(owner.session().is_some());

    // A device cookie is known only for the account that logged in with it.
    let stolen = owner
        .cookies
        .get(DEVICE_COOKIE)
        .cloned()
        .expect("device cookie");
    let mut other = server.client();
    other.cookies.insert(DEVICE_COOKIE.to_string(), stolen);
    let other_victim = email("student_other");
    fail(&server, &other_victim, 5, &[]).await;
    let page = login_with(&mut other, &other_victim, PASSWORD, &[]).await;
    assert_eq!(
        page.status, 429,
        "another account's device cookie is no pass"
    );

    let audit = server.audit().await;
    assert!(audit.iter().any(|r| r.action == "login.throttled"));
}

#[tokio::test]
async fn many_users_behind_one_address_are_not_locked_out_by_one_attacker() {
    // Every test client comes from 127.0.0.1: a school's NAT, or a reverse proxy not declared.
    let server = TestServer::start().await;
    let mut devices = Vec::new();
    for name in ACCOUNTS {
        devices.push((name, known_device(&server, name).await));
    }
    // One attacker tries the real accounts from the shared address, each past its own
    // allowance, then sprays 60 guessed names, past the address's allowance (50).
    let mut throttled = 0;
    for round in 0..10 {
        for name in ACCOUNTS {
            let statuses = fail(&server, &email(name), 1, &[]).await;
            throttled += statuses.iter().filter(|s| **s == 429).count();
            assert!(
                statuses.iter().all(|s| *s == 401 || *s == 429),
                "round {round}: {statuses:?}"
            );
        }
    }
    assert!(throttled > 0, "the attacker was never slowed");
    spray(&server, &[]).await;
    // Every user behind the address logs in from their own browser.
    for (name, client) in &mut devices {
        let page = login_with(client, &email(name), PASSWORD, &[]).await;
        assert_eq!(
            page.status, 303,
            "{name} behind the shared address: {}",
            page.body
        );
        assert!(!page.body.contains(BAD_CREDENTIALS));
    }
    // A first login from a new browser behind the attacked address waits (a delay, not a lock).
    let page = login_with(&mut server.client(), &email("tutor_own"), PASSWORD, &[]).await;
    assert_eq!(
        page.status, 429,
        "a new device behind an address under attack"
    );
    assert!(
        page.header("retry-after")
            .and_then(|s| s.parse::<i64>().ok())
            .is_some_and(|s| s <= 15 * 60)
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_its_own_address() {
    let config = WebConfig {
        trusted_proxies: vec!["127.0.0.1/32".parse().expect("net")],
        ..WebConfig::default()
    };
    let server = TestServer::with_config(config).await;
    let attacker = [("x-forwarded-for", "203.0.113.7")];
    // The attacker sprays 60 guessed names through the proxy.
    spray(&server, &attacker).await;
    let page = login_with(
        &mut server.client(),
        &email("tutor_own"),
        PASSWORD,
        &attacker,
    )
    .await;
    assert_eq!(page.status, 429, "the attacker's own address is slowed");
    // Another client of the same proxy, on a new browser: its own address, not slowed.
    let page = login_with(
        &mut server.client(),
        &email("tutor_own"),
        PASSWORD,
        &[("x-forwarded-for", "198.51.100.20")],
    )
    .await;
    assert_eq!(
        page.status, 303,
        "another client behind the proxy: {}",
        page.body
    );
    let audit = server.audit().await;
    assert!(
        audit.iter().any(|r| r.action == "login.success" && r.client_ip.as_deref() == Some("198.51.100.20")),
        "the audit log records the client's address, not the proxy's"
    );
}

#[tokio::test]
async fn a_forged_forwarded_header_from_an_untrusted_peer_changes_nothing() {
    // No trusted proxy: X-Forwarded-For is the client's own writing and is ignored.
    let server = TestServer::start().await;
    let victim = email("student_owner");
    for n in 0..5 {
        let forged = format!("198.51.100.{n}");
        fail(&server, &victim, 1, &[("x-forwarded-for", forged.as_str())]).await;
    }
    let page = login_with(
        &mut server.client(),
        &victim,
        PASSWORD,
        &[("x-forwarded-for", "198.51.100.99")],
    )
    .await;
    assert_eq!(
        page.status, 429,
        "rotating the header escaped the (account, address) delay"
    );
    let audit = server.audit().await;
    assert!(
        audit
            .iter()
            .all(|r| r.client_ip.as_deref() != Some("198.51.100.99"))
    );
}
