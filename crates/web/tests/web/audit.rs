//! The audit page: pages of 100 by id, newest first, every entry exactly once; filters by action
//! (or family), account and dates, with French messages on bad input; admin only.

use crate::support::{TestServer, email};
use portfolio_store::AuditEvent;
use portfolio_web::session::now;

/// The ids of the rows of an audit page, in order.
fn row_ids(body: &str) -> Vec<i64> {
    body.split("<tr data-id=\"")
        .skip(1)
        .map(|s| {
            s.split('"')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("row id")
        })
        .collect()
}

/// The link of `id="{id}"` on the page, unescaped.
fn link(body: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\"");
    let at = body.find(&marker)?;
    let before = &body[..at];
    let href = before.rfind("href=\"")?;
    let rest = &body[href + 6..];
    Some(
        rest[..rest.find('"')?]
            .replace("&amp;", "&")
            .replace("&#38;", "&"),
    )
}

async fn seed(server: &TestServer, count: i64) {
    let base = now() - 3600;
    let actor = server.world.user_id("teacher_own");
    let other = server.world.user_id("teacher_other");
    for i in 0..count {
        server
            .store
            .audit(&AuditEvent {
                at: base + i,
                actor_user_id: Some(if i % 2 == 0 { actor } else { other }),
                action: if i % 5 == 0 {
                    "login.failure"
                } else {
                    "access.denied"
                },
                target: Some(format!("entry-{i}")),
                client_ip: None,
                details: None,
            })
            .await
            .expect("audit");
    }
}

#[tokio::test]
async fn the_audit_page_walks_every_entry_once_by_pages_of_100() {
    let server = TestServer::start().await;
    seed(&server, 640).await;
    let mut admin = server.login("admin").await;
    let total = server.audit().await.len();
    assert!(total > 640, "seeded entries and the logins");

    let mut seen: Vec<i64> = Vec::new();
    let mut path = "/admin/audit".to_string();
    let mut pages = Vec::new();
    loop {
        let page = admin.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.body.contains("conservées 12 mois"),
            "retention said on the page"
        );
        let ids = row_ids(&page.body);
        assert!(ids.len() <= 100, "{path}: {} rows", ids.len());
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
        seen.extend(&ids);
        pages.push((path.clone(), ids));
        match link(&page.body, "audit-older") {
            Some(next) => path = next,
            None => break,
        }
        assert!(pages.len() < 20, "paging does not end");
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "an entry shown twice");
    // The admin's own visits may add entries at the top; every entry present at the start is shown.
    assert!(
        seen.len() >= total,
        "{} entries shown of {total}",
        seen.len()
    );
    assert_eq!(pages[0].1.len(), 100);

    // « plus récentes » from the third page leads back to the second.
    let third = admin.get(&pages[2].0).await;
    let newer = link(&third.body, "audit-newer").expect("newer link on page 3");
    let second = admin.get(&newer).await;
    assert_eq!(row_ids(&second.body), pages[1].1);
    // The first page has no newer link.
    assert!(link(&admin.get("/admin/audit").await.body, "audit-newer").is_none());
}

#[tokio::test]
async fn the_audit_filters_narrow_and_explain_bad_input_in_french() {
    let server = TestServer::start().await;
    seed(&server, 250).await;
    let mut admin = server.login("admin").await;

    let page = admin.get("/admin/audit?action=login.failure").await;
    assert_eq!(page.status, 200);
    assert_eq!(row_ids(&page.body).len(), 50, "250 / 5 failures");
    assert!(page.body.contains("Connexion refusée"), "French label");
    assert!(
        page.body.contains("<code>login.failure</code>"),
        "code visible"
    );
    assert!(!page.body.contains("<code>access.denied</code>"));
    // A family.
    let page = admin.get("/admin/audit?action=login").await;
    assert!(
        page.body.contains("<code>login.success</code>"),
        "the admin's own login"
    );
    assert!(!page.body.contains("<code>access.denied</code>"));

    // By account (e-mail), combined with an action.
    let teacher = email("teacher_own");
    let page = admin
        .get(&format!(
            "/admin/audit?action=access.denied&email={teacher}"
        ))
        .await;
    assert_eq!(page.status, 200);
    // Even i (125) minus the failures among them (i % 10 == 0: 25).
    let mut ids = row_ids(&page.body);
    let mut path = link(&page.body, "audit-older");
    while let Some(p) = path {
        let next = admin.get(&p).await;
        ids.extend(row_ids(&next.body));
        path = link(&next.body, "audit-older");
    }
    assert_eq!(ids.len(), 100);

    // An unknown e-mail: a French message beside the field, the form kept, nothing listed.
    let page = admin
        .get("/admin/audit?email=personne%40example.fr&action=login")
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("id=\"audit-email-error\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("aucun compte n’a l’adresse « personne@example.fr »")
    );
    assert!(
        page.body.contains("value=\"personne@example.fr\""),
        "the field kept"
    );
    assert!(
        page.body.contains("value=\"login\" selected"),
        "the action kept"
    );
    assert!(row_ids(&page.body).is_empty());

    // Dates: a bad one is explained; a day range narrows (today has them all, yesterday none).
    let page = admin.get("/admin/audit?from=31%2F12%2F2026").await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"audit-from-error\""));
    assert!(page.body.contains("attendu AAAA-MM-JJ"));
    let page = admin.get("/admin/audit?to=2026-13-01").await;
    assert!(page.body.contains("id=\"audit-to-error\""));
    let today = time::OffsetDateTime::now_utc().date();
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let day = |d: time::Date| d.format(&fmt).expect("date");
    let yesterday = today.previous_day().expect("yesterday");
    let old = admin
        .get(&format!(
            "/admin/audit?from={}&to={}",
            day(yesterday - time::Duration::days(30)),
            day(yesterday - time::Duration::days(1))
        ))
        .await;
    assert_eq!(old.status, 200);
    assert!(row_ids(&old.body).is_empty(), "nothing that old");
    let now_page = admin
        .get(&format!(
            "/admin/audit?from={}&to={}",
            day(yesterday),
            day(today)
        ))
        .await;
    assert_eq!(row_ids(&now_page.body).len(), 100);
}

#[tokio::test]
async fn only_the_admin_reads_the_audit_page() {
    let server = TestServer::start().await;
    for name in ["teacher_own", "student_owner"] {
        let mut client = server.login(name).await;
        let page = client.get("/admin/audit?action=login").await;
        assert_eq!(page.status, 403, "{name}");
        assert!(!page.body.contains("data-id="), "{name}");
    }
    let page = server.client().get("/admin/audit").await;
    assert_ne!(page.status, 200);
}
