//! The route × role access test: every route of `portfolio_web::routes::table()` is requested
//! by every actor of the fixture, and the status codes are compared with the committed table
//! `tests/access.tsv`.
//!
//! Requests: path parameters are replaced by the fixture's ids (see `support::concrete_path`);
//! POSTs carry the actor's valid CSRF token and nothing else, so an authorized actor gets a
//! validation answer (422) rather than a change. Exceptions, all on purpose: the admin's
//! disable / enable / reset-password need no field and do act on student_other (the admin
//! comes last, and enable follows disable); POST /login and POST /logout come last for each
//! actor, and the login-failure counters that an empty POST /login adds are cleared after it.
//!
//! To regenerate the table after a deliberate change of routes or policy, run the test with
//! `PORTFOLIO_UPDATE_ACCESS_TSV=1`, then review every changed row against
//! `portfolio_domain::access` before committing it.

use crate::support::{ACTORS, LOGIN_COOKIE, Page, TestServer, concrete_path, header_problems};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

type Key = (String, String);

fn table_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/access.tsv")
}

/// The (method, path) of every route, POST /login and POST /logout last.
fn routes() -> Vec<Key> {
    let mut routes: Vec<Key> = portfolio_web::routes::table()
        .into_iter()
        .map(|(m, p, _)| (m.as_str().to_string(), p.to_string()))
        .collect();
    let rank = |(m, p): &Key| match (m.as_str(), p.as_str()) {
        ("POST", "/login") => 1,
        ("POST", "/logout") => 2,
        _ => 0,
    };
    routes.sort_by_key(rank);
    routes
}

/// access.tsv: comment lines (#), a header `method path actor…`, then one row per route.
struct Expected {
    actors: Vec<String>,
    rows: BTreeMap<Key, Vec<String>>,
    problems: Vec<String>,
}

fn parse_table(text: &str) -> Expected {
    let mut expected = Expected {
        actors: Vec::new(),
        rows: BTreeMap::new(),
        problems: Vec::new(),
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    match lines.next() {
        Some((_, header)) => {
            let cols: Vec<&str> = header.split('\t').collect();
            if cols.len() < 2 || cols[0] != "method" || cols[1] != "path" {
                expected
                    .problems
                    .push("access.tsv: the header must start with `method<TAB>path`".into());
            }
            expected.actors = cols.iter().skip(2).map(|s| s.to_string()).collect();
        }
        None => expected.problems.push("access.tsv is empty".into()),
    }
    for (n, line) in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != expected.actors.len() + 2 {
            expected.problems.push(format!(
                "access.tsv line {}: {} columns, the header has {}",
                n + 1,
                cols.len(),
                expected.actors.len() + 2
            ));
            continue;
        }
        let key = (cols[0].to_string(), cols[1].to_string());
        let statuses = cols[2..].iter().map(|s| s.trim().to_string()).collect();
        if expected.rows.insert(key.clone(), statuses).is_some() {
            expected.problems.push(format!(
                "access.tsv line {}: {} {} has two rows",
                n + 1,
                key.0,
                key.1
            ));
        }
    }
    expected
}

/// Every difference between the routes, the observed statuses and the expected table.
fn compare(
    routes: &[Key],
    actors: &[&str],
    observed: &BTreeMap<Key, Vec<u16>>,
    expected: Expected,
) -> Vec<String> {
    let mut problems = expected.problems;
    if expected.actors != actors {
        problems.push(format!(
            "access.tsv header lists the actors {:?}, the test has {actors:?}",
            expected.actors
        ));
        return problems;
    }
    let known: BTreeSet<&Key> = routes.iter().collect();
    for key in routes {
        let Some(row) = expected.rows.get(key) else {
            problems.push(format!(
                "route {} {} of routes::table() has no row in access.tsv",
                key.0, key.1
            ));
            continue;
        };
        let Some(got) = observed.get(key) else {
            continue;
        };
        for ((actor, want), got) in actors.iter().zip(row).zip(got) {
            if want.starts_with('5') {
                problems.push(format!(
                    "{} {} as {actor}: access.tsv expects {want}, a server error is never an expected answer",
                    key.0, key.1
                ));
            }
            if *want != got.to_string() {
                problems.push(format!(
                    "{} {} as {actor}: expected {want}, got {got}",
                    key.0, key.1
                ));
            }
        }
    }
    for key in expected.rows.keys() {
        if !known.contains(key) {
            problems.push(format!(
                "access.tsv has a row for {} {}, which is no longer a route of routes::table()",
                key.0, key.1
            ));
        }
    }
    problems
}

fn render_table(routes: &[Key], observed: &BTreeMap<Key, Vec<u16>>) -> String {
    let mut out = String::from(
        "# Expected HTTP status of every route (routes::table()) for every actor of the test fixture.\n\
         # Checked by tests/web/access.rs; see its header for how requests are made and how to regenerate.\n\
         # Path parameters: /students/{id} = student_owner, /classes/{id} = class A, /schools/{id} = school A,\n\
         # /commissions/{id} = C1, /exam-sessions/{id} = S1, /admin/users/{id} = student_other,\n\
         # /frameworks/{id} and /api/v1/frameworks/{id} = bts-sio-2019; /api/v1/students/{id} = student_owner;\n\
         # {rid} = a réalisation of student_owner, {aid} = the file attached to it,\n\
         # {lid} and {token} = a public link of student_owner's portfolio, {n} = 1,\n\
         # {iid} = an internship of student_owner, {tlid} and {tutor_token} = a tutor's link to it,\n\
         # {sid} = student_owner (a candidate of S1), {session} = S1, {cid} = C1,\n\
         # {eid} = student_owner's evaluation by C1 (signed, mark arrested, deliberated).\n",
    );
    out.push_str("method\tpath");
    for actor in ACTORS {
        out.push('\t');
        out.push_str(actor);
    }
    out.push('\n');
    let mut sorted: Vec<&Key> = routes.iter().collect();
    sorted.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    for key in sorted {
        out.push_str(&format!("{}\t{}", key.0, key.1));
        for status in observed.get(key).into_iter().flatten() {
            out.push_str(&format!("\t{status}"));
        }
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn every_route_answers_every_actor_as_access_tsv_says() {
    let server = TestServer::start().await;
    let world = server.world.clone();
    let routes = routes();
    let counts_before = server.store.counts().await.expect("counts");

    let mut observed: BTreeMap<Key, Vec<u16>> = BTreeMap::new();
    let mut problems = Vec::new();
    // (user id, path) of every 403 answered to an authenticated actor.
    let mut denied: Vec<(i64, String)> = Vec::new();

    for actor in ACTORS {
        let authenticated = actor != "anonymous";
        let mut client = server.login(actor).await;
        for (method, path) in &routes {
            let concrete = concrete_path(path, &world);
            if !authenticated {
                // Every GET /login sends a new login cookie: its value is the token to send.
                client.csrf = client.cookies.get(LOGIN_COOKIE).cloned();
            }
            let page: Page = match method.as_str() {
                "GET" => client.get(&concrete).await,
                "POST" => client.post(&concrete, &[]).await,
                other => panic!("route {other} {path}: the access test sends only GET and POST"),
            };
            if (method.as_str(), path.as_str()) == ("POST", "/login") {
                for key in ["account:", "pair:|127.0.0.1", "client:127.0.0.1"] {
                    server
                        .store
                        .clear_login_failures(key)
                        .await
                        .expect("clear login failures");
                }
            }
            let what = format!("{method} {concrete} as {actor}");
            let session_page = authenticated && !concrete.starts_with("/static/");
            problems.extend(header_problems(&page, session_page, &what));
            if page.status == 303 {
                let to_login = page.location().is_some_and(|l| l.starts_with("/login"));
                if !authenticated && !to_login {
                    problems.push(format!(
                        "{what}: redirects to {:?}, not to /login",
                        page.location()
                    ));
                }
                if authenticated && to_login && path != "/logout" {
                    problems.push(format!(
                        "{what}: redirects to the login page although the session is valid"
                    ));
                }
            }
            if page.status == 403 {
                if !page.body.contains("Accès refusé") {
                    problems.push(format!(
                        "{what}: 403 without the French « Accès refusé » page"
                    ));
                }
                if authenticated {
                    denied.push((world.user_id(actor), concrete.clone()));
                }
            }
            observed
                .entry((method.clone(), path.clone()))
                .or_default()
                .push(page.status);
        }
    }

    // Every refusal of an authenticated actor is in the audit log, and nothing else is.
    let audit = server.audit().await;
    let logged: Vec<(Option<i64>, Option<String>)> = audit
        .iter()
        .filter(|r| r.action == "access.denied")
        .map(|r| (r.actor_user_id, r.target.clone()))
        .collect();
    for (user_id, path) in &denied {
        if !logged.contains(&(Some(*user_id), Some(path.clone()))) {
            problems.push(format!(
                "403 on {path} for user {user_id} has no access.denied row in the audit log"
            ));
        }
    }
    if logged.len() != denied.len() {
        problems.push(format!(
            "{} access.denied rows in the audit log for {} refusals",
            logged.len(),
            denied.len()
        ));
    }

    // Empty forms create nothing, whoever sends them.
    let counts_after = server.store.counts().await.expect("counts");
    if counts_after != counts_before {
        problems.push(format!(
            "the matrix changed the database: {counts_before:?} → {counts_after:?}"
        ));
    }

    if std::env::var_os("PORTFOLIO_UPDATE_ACCESS_TSV").is_some() {
        std::fs::write(table_path(), render_table(&routes, &observed)).expect("write access.tsv");
        eprintln!("access.tsv rewritten from the observed statuses: review it before committing");
    } else {
        let text = std::fs::read_to_string(table_path()).unwrap_or_default();
        problems.extend(compare(&routes, &ACTORS, &observed, parse_table(&text)));
    }

    assert!(
        problems.is_empty(),
        "{} access problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The mirror image of the matrix: the `*_other` actors reach their own school B side (so the
/// 403s they get above come from the policy, not from a broken fixture), and no `*_own` actor
/// reaches it.
#[tokio::test]
async fn the_other_side_reaches_its_own_scope_and_nothing_more() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    let student = w.user_id("student_other");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            format!("/students/{student}"),
            vec![
                "student_other",
                "teacher_other",
                "tutor_other",
                "commission_other",
                "head_other",
                "jury_other",
            ],
        ),
        (
            format!("/classes/{}", w.class_b),
            vec!["teacher_other", "head_other", "admin"],
        ),
        (
            format!("/schools/{}", w.school_b),
            vec!["head_other", "admin"],
        ),
        (
            format!("/commissions/{}", w.commission_2),
            vec!["commission_other", "jury_other"],
        ),
        (
            format!("/exam-sessions/{}", w.session_2),
            vec!["jury_other", "admin"],
        ),
    ];
    let mut problems = Vec::new();
    for actor in ACTORS.iter().filter(|a| **a != "anonymous") {
        let mut client = server.login(actor).await;
        for (path, allowed) in &cases {
            let want = if allowed.contains(actor) { 200 } else { 403 };
            let got = client.get(path).await.status;
            if got != want {
                problems.push(format!("GET {path} as {actor}: expected {want}, got {got}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The comparison itself: a route without a row, a row without a route and a changed status
/// are each reported, by name, all at once.
#[test]
fn the_comparison_names_missing_rows_stale_rows_and_differences() {
    let routes: Vec<Key> = vec![
        ("GET".into(), "/a".into()),
        ("GET".into(), "/b".into()),
        ("POST".into(), "/c".into()),
    ];
    let actors = ["anonymous", "admin"];
    let observed: BTreeMap<Key, Vec<u16>> = [
        (routes[0].clone(), vec![200, 200]),
        (routes[1].clone(), vec![303, 200]),
        (routes[2].clone(), vec![303, 500]),
    ]
    .into_iter()
    .collect();
    let table = "# comment\nmethod\tpath\tanonymous\tadmin\n\
                 GET\t/a\t200\t200\n\
                 POST\t/c\t303\t500\n\
                 GET\t/gone\t200\t200\n";
    let problems = compare(&routes, &actors, &observed, parse_table(table));
    let text = problems.join("\n");
    assert!(
        text.contains("route GET /b of routes::table() has no row"),
        "{text}"
    );
    assert!(
        text.contains("row for GET /gone, which is no longer a route"),
        "{text}"
    );
    assert!(
        text.contains("POST /c as admin: access.tsv expects 500"),
        "{text}"
    );
    assert_eq!(problems.len(), 3, "{text}");

    let changed = "method\tpath\tanonymous\tadmin\nGET\t/a\t200\t403\nGET\t/b\t303\t200\nPOST\t/c\t303\t200\n";
    let problems = compare(&routes, &actors, &observed, parse_table(changed));
    assert_eq!(
        problems,
        vec![
            "GET /a as admin: expected 403, got 200".to_string(),
            "POST /c as admin: expected 200, got 500".to_string(),
        ]
    );

    let wrong_actors = "method\tpath\tanonymous\n";
    let problems = compare(&routes, &actors, &observed, parse_table(wrong_actors));
    assert!(
        problems[0].contains("header lists the actors"),
        "{problems:?}"
    );
}
