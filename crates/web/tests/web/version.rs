//! One rule for which version of a dossier a reader sees (issue 11, item 1): the commission's
//! members and the jury read the dossier as it was handed in, and nothing of it (réalisations
//! nor internships) before; the public link reads the handed-in version once there is one. The
//! test hands the fixture's dossier in, then the student keeps working — renames the handed-in
//! réalisation, adds a draft réalisation with a file, adds a link to the handed-in one, adds an
//! internship and edits the handed-in one — and every route each of those readers can reach
//! (every GET route of the table, every link of every page, the API, PDFs read back, .xlsx and
//! .zip opened) is searched for what changed after the hand-in.

use crate::confidentiality::{cookie_of, fetch, links};
use crate::support::*;
use std::collections::{BTreeSet, VecDeque};

/// In the handed-in title (set just before the hand-in).
const HANDED_IN: &str = "Quokka";
/// Written after the hand-in: never shown to the commission, the jury or the public link.
const AFTER: [&str; 5] = ["Wombat", "Ornithorynque", "Pangolin", "Capybara", "Tatou"];
/// The fixture's internship, as handed in.
const INTERNSHIP: &str = "Mairie de Lyon";

fn realisation_form(title: &str) -> String {
    serde_json::json!({
        "title": title,
        "start_date": "2025-09-15",
        "end_date": "2025-10-17",
        "setting": "training",
        "modality": "solo",
        "skills": ["B1.1.5", "B2-SISR.1.1"],
    })
    .to_string()
}

async fn send_json(c: &mut Client, path: &str, body: String) -> Page {
    let token = c.csrf.clone().expect("csrf token");
    c.send_raw(
        reqwest::Method::POST,
        path,
        body.into_bytes(),
        &[
            ("content-type", "application/json"),
            ("x-csrf-token", token.as_str()),
        ],
    )
    .await
}

/// What a reader's crawl found: the texts seen, by path, and how many files were read back.
struct Crawl {
    texts: Vec<(String, u16, String)>,
    pdfs: usize,
    archives: usize,
}

/// Every GET route of the table (with `extra` ids put in as well), then every link of every
/// HTML page, as the reader holding `cookie` (empty: anonymous).
async fn crawl(server: &TestServer, cookie: &str, extra: &[(&str, i64)]) -> Crawl {
    let w = &server.world;
    let mut queue: VecDeque<String> = VecDeque::new();
    for (method, path, _) in portfolio_web::routes::table() {
        // The public link's reader is anonymous: its pages are those under /p/. A member's
        // session does not hold the secret of a public link nor of a tutor's link (/t/, another
        // reader): those addresses are not theirs to try.
        let by_link = path.starts_with("/p/") || path.starts_with("/t/");
        if method != axum::http::Method::GET
            || path == "/logout"
            || (cookie.is_empty() != path.starts_with("/p/"))
            || (!cookie.is_empty() && by_link)
        {
            continue;
        }
        queue.push_back(concrete_path(path, w));
        for (param, id) in extra {
            if path.contains(param) {
                queue.push_back(concrete_path(&path.replace(param, &id.to_string()), w));
            }
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Crawl {
        texts: Vec::new(),
        pdfs: 0,
        archives: 0,
    };
    while let Some(path) = queue.pop_front() {
        // The référentiel's pages are the regulation's text, the same for everyone.
        if path.starts_with("/frameworks") || path.starts_with("/api/v1/frameworks") {
            continue;
        }
        if !seen.insert(path.clone()) || seen.len() > 2_000 {
            continue;
        }
        let page = fetch(server, cookie, &path).await;
        if page.content_type.contains("pdf") {
            out.pdfs += 1;
        }
        if page.content_type.contains("zip") || page.content_type.contains("spreadsheet") {
            out.archives += 1;
        }
        if page.content_type.starts_with("text/html") {
            for link in links(&page.text) {
                if !link.starts_with("/logout") && !seen.contains(&link) {
                    queue.push_back(link);
                }
            }
        }
        let compact = page.text.split_whitespace().collect::<Vec<_>>().join(" ");
        out.texts.push((path, page.status, compact));
    }
    out
}

impl Crawl {
    /// Where any of `words` was found.
    fn find(&self, words: &[&str]) -> Vec<String> {
        let mut found = Vec::new();
        for (path, status, text) in &self.texts {
            let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            for word in words {
                if text.contains(word) || squeezed.contains(word) {
                    found.push(format!("GET {path} ({status}) shows « {word} »"));
                }
            }
        }
        found
    }

    fn reached(&self, path: &str) -> bool {
        self.texts.iter().any(|(p, s, _)| p == path && *s == 200)
    }
}

#[tokio::test]
async fn the_commission_the_jury_and_the_public_link_see_only_the_handed_in_dossier() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    let owner = w.user_id("student_owner");
    let rid = w.realisation;
    let base = format!("/students/{owner}");
    let api = format!("/api/v1/students/{owner}");
    let mut student = server.login("student_owner").await;
    let member = cookie_of(&server, "commission_own").await;
    let jury = cookie_of(&server, "jury_own").await;
    let public = format!("/p/{}", w.public_token);

    // A distinctive title, so that the crawl can tell the handed-in réalisation.
    let page = send_json(
        &mut student,
        &format!("{api}/realisations/{rid}"),
        realisation_form(&format!("Sauvegarde {HANDED_IN}")),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);

    // Every problem, of both phases: the test tells all of them at once.
    let mut problems: Vec<String> = Vec::new();

    // Before the hand-in, the members and the jury see nothing of the dossier: no réalisation,
    // no internship.
    for (who, cookie) in [("commission_own", &member), ("jury_own", &jury)] {
        let c = crawl(&server, cookie, &[]).await;
        for found in c.find(&[HANDED_IN, INTERNSHIP]) {
            problems.push(format!("{who}, before the hand-in: {found}"));
        }
        assert!(c.reached(&format!("{base}/internships")), "{who}");
    }

    let page = student
        .post(&format!("{base}/hand-in"), &[("confirm", "yes")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    // The student keeps working on the draft.
    let page = send_json(
        &mut student,
        &format!("{api}/realisations/{rid}"),
        realisation_form("Sauvegarde Wombat"),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let page = send_json(
        &mut student,
        &format!("{api}/realisations"),
        realisation_form("Brouillon Ornithorynque"),
    )
    .await;
    assert_eq!(page.status, 201, "{}", page.body);
    let draft = serde_json::from_str::<serde_json::Value>(&page.body).expect("json")["id"]
        .as_i64()
        .expect("id of the draft");
    let page = student
        .post_multipart(
            &format!("{base}/realisations/{draft}/files"),
            &[],
            (
                "file",
                "ornithorynque.pdf",
                b"%PDF-1.4 brouillon Ornithorynque",
            ),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student
        .post(
            &format!("{base}/realisations/{rid}/links"),
            &[
                ("name", "Lien Pangolin"),
                ("url", "https://exemple.fr/pangolin"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = send_json(
        &mut student,
        &format!("{api}/internships"),
        serde_json::json!({
            "kind": "employment", "organisation_name": "Capybara Informatique",
            "organisation_address": "Caen", "start_date": "2025-01-06", "end_date": "2025-06-27",
            "year_of_training": "2", "full_time": "0", "tutor_name": "Léa Chef",
            "tutor_email": "lea@capybara.fr"
        })
        .to_string(),
    )
    .await;
    assert_eq!(page.status, 201, "{}", page.body);
    let new_internship = serde_json::from_str::<serde_json::Value>(&page.body).expect("json")["id"]
        .as_i64()
        .expect("id of the internship");
    let page = student
        .post(
            &format!("{base}/internships/{}", w.internship),
            &[
                ("kind", "internship"),
                ("organisation_name", "Mairie Tatou"),
                ("organisation_address", "1 place de la Comédie, 69001 Lyon"),
                ("start_date", "2025-05-19"),
                ("end_date", "2025-06-20"),
                ("year_of_training", "1"),
                ("full_time", "1"),
                ("tutor_name", "Claire Tutrice"),
                ("tutor_email", "claire.tutrice@lyon.fr"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    // The ids of what was added after the hand-in, to ask for them by address.
    let live: serde_json::Value =
        serde_json::from_str(&student.get(&format!("{api}/realisations")).await.body)
            .expect("json");
    let new_artifacts: Vec<i64> = live
        .as_array()
        .expect("list")
        .iter()
        .flat_map(|r| r["artifacts"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a["id"].as_i64())
        .filter(|id| *id != w.artifact)
        .collect();
    assert_eq!(new_artifacts.len(), 2, "{live}");
    // The student and their teacher see the draft.
    let mine = student.get(&format!("{api}/realisations")).await.body;
    assert!(mine.contains("Wombat") && mine.contains("Ornithorynque"));

    let mut extra: Vec<(&str, i64)> = vec![("{rid}", draft), ("{iid}", new_internship)];
    for a in &new_artifacts {
        extra.push(("{aid}", *a));
    }
    for (who, cookie) in [
        ("commission_own", member.as_str()),
        ("jury_own", jury.as_str()),
        ("the public link", ""),
    ] {
        let c = crawl(&server, cookie, &extra).await;
        for found in c.find(&AFTER) {
            problems.push(format!("{who}, after the hand-in: {found}"));
        }
        // The crawl did see the handed-in version where it is shown.
        if c.find(&[HANDED_IN]).is_empty() {
            problems.push(format!("{who}: the handed-in réalisation is shown nowhere"));
        }
        if cookie.is_empty() {
            assert!(c.reached(&public), "the public page");
            continue;
        }
        if c.find(&[INTERNSHIP]).is_empty() {
            problems.push(format!("{who}: the handed-in internship is shown nowhere"));
        }
        for path in [
            format!("{base}/realisations/{rid}"),
            format!("{base}/synthesis.pdf"),
            format!("{base}/synthesis.xlsx"),
            format!("{base}/portfolio.zip"),
            format!("{api}/realisations"),
            format!("{api}/realisations/{rid}"),
            format!("{api}/coverage"),
            format!("{api}/internships"),
        ] {
            assert!(c.reached(&path), "{who} should reach {path}");
        }
        assert!(
            c.pdfs >= 1 && c.archives >= 2,
            "{who}: {} PDFs, {} archives",
            c.pdfs,
            c.archives
        );
        // What was added after the hand-in is not found, by its address either.
        for path in [
            format!("{api}/realisations/{draft}"),
            format!("{base}/realisations/{draft}"),
            format!("{base}/artifacts/{}", new_artifacts[0]),
            format!("{base}/artifacts/{}", new_artifacts[1]),
        ] {
            let page = fetch(&server, cookie, &path).await;
            if page.status != 404 {
                problems.push(format!(
                    "{who}: GET {path} answers {}, not 404",
                    page.status
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "a reader of the handed-in dossier reads another version:\n  {}",
        problems.join("\n  ")
    );
}
