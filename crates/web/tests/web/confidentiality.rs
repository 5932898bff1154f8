//! « En AUCUN CAS, la note proposée n'est communiquée à la personne candidate » (CCF): the
//! fixture's candidate, student_owner, was evaluated in CCF with distinctive marks (proposal
//! 13,37, final mark 14, jury's mark 17) and the jury has deliberated. This test crawls
//! everything the candidate can reach — every GET route of the table with the candidate's ids,
//! every link, image and GET form of every page, the API, the exports (.zip, .xlsx) and PDFs
//! read back — and fails if any answer carries one of those marks. The scanner is first shown
//! to find them where they are allowed (the commission's grid, the head of school's copy), so
//! that a leak would not go unnoticed.

use crate::support::*;
use std::collections::{BTreeSet, VecDeque};
use std::io::Read;

/// The final mark (13,37 rounded up) and the jury's.
const FINAL: u8 = 14;

/// Where a mark value is written as a mark: « 14 / 20 », « 14/20 », « 14 sur 20 », or a JSON
/// field named like a mark. Plain numbers are everywhere (dates, ids), so they are not searched.
pub(crate) fn leaks(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in ["13,37", "13.37", "1337"] {
        if compact.contains(p) {
            found.push(format!("the proposed mark « {p} »"));
        }
    }
    for v in [FINAL, FIXTURE_JURY_MARK] {
        for pattern in [
            format!("{v} / 20"),
            format!("{v}/20"),
            format!("{v} sur 20"),
            format!("{v},0 / 20"),
            format!("NOTE : {v}"),
            format!("NOTE FINALE : {v}"),
            format!("note arrêtée : {v}"),
        ] {
            // The number must start there, not be the end of a longer one (« 114/20 »).
            let mut from = 0;
            while let Some(i) = compact[from..].find(&pattern) {
                let at = from + i;
                let before = compact[..at].chars().next_back();
                let after = compact[at + pattern.len()..].chars().next();
                if !before.is_some_and(|c| c.is_ascii_digit())
                    && !after.is_some_and(|c| c.is_ascii_digit())
                {
                    found.push(format!("the mark « {pattern} »"));
                    break;
                }
                from = at + pattern.len();
            }
        }
        for key in [
            "mark",
            "final_mark",
            "proposed",
            "proposed_mark",
            "jury_mark",
        ] {
            for sep in [":", ": "] {
                if compact.contains(&format!("\"{key}\"{sep}{v}")) {
                    found.push(format!("the JSON field {key} = {v}"));
                }
            }
        }
    }
    found
}

/// An answer reduced to text: PDFs read back, archives (.zip, .xlsx) opened entry by entry.
pub(crate) fn readable(bytes: &[u8], content_type: &str) -> String {
    if bytes.starts_with(b"%PDF") || content_type.contains("pdf") {
        return pdf_extract::extract_text_from_mem(bytes).unwrap_or_default();
    }
    if bytes.starts_with(b"PK") {
        let mut out = String::new();
        if let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
            for i in 0..archive.len() {
                let Ok(mut entry) = archive.by_index(i) else {
                    continue;
                };
                let mut inner = Vec::new();
                if entry.read_to_end(&mut inner).is_ok() {
                    out.push_str(&readable(&inner, ""));
                    out.push('\n');
                }
            }
        }
        return out;
    }
    // XML of an .xlsx writes numbers bare: <v>14</v>; make them visible to the scanner as marks
    // only where they are marks — the sheets a candidate may get have no mark column at all.
    String::from_utf8_lossy(bytes).into_owned()
}

/// Same-origin paths linked from an HTML page: href, src, and GET form actions.
pub(crate) fn links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "action=\""] {
        let mut rest = body;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let url = rest[..end].replace("&amp;", "&");
            if url.starts_with('/') && !url.starts_with("//") {
                out.push(url);
            }
        }
    }
    out
}

pub(crate) struct Fetched {
    pub status: u16,
    pub content_type: String,
    pub text: String,
}

pub(crate) async fn fetch(server: &TestServer, cookie: &str, path: &str) -> Fetched {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = res.bytes().await.expect("body");
    Fetched {
        status,
        text: readable(&bytes, &content_type),
        content_type,
    }
}

pub(crate) async fn cookie_of(server: &TestServer, account: &str) -> String {
    let client = server.login(account).await;
    format!(
        "{}={}",
        SESSION_COOKIE,
        client.session().expect("logged in")
    )
}

#[tokio::test]
async fn no_mark_of_a_ccf_evaluation_reaches_the_candidate() {
    let server = TestServer::start().await;
    let w = server.world.clone();
    let owner = w.user_id("student_owner");

    // The scanner finds the marks where they may be read.
    let member = cookie_of(&server, "commission_own").await;
    let grid = fetch(
        &server,
        &member,
        &format!("/commissions/{}/candidates/{owner}", w.commission_1),
    )
    .await;
    assert_eq!(grid.status, 200);
    assert!(
        !leaks(&grid.text).is_empty(),
        "the scanner must find the marks on the commission's grid: {}",
        grid.text
    );
    let pdf = fetch(
        &server,
        &member,
        &format!(
            "/commissions/{}/candidates/{owner}/grid.pdf",
            w.commission_1
        ),
    )
    .await;
    assert!(!leaks(&pdf.text).is_empty(), "nor in its PDF: {}", pdf.text);
    let head = cookie_of(&server, "head_own").await;
    let copy = fetch(&server, &head, &format!("/students/{owner}/appraisals")).await;
    assert!(
        !leaks(&copy.text).is_empty(),
        "the head of school's copy shows the jury's mark: {}",
        copy.text
    );

    // Everything the candidate can reach.
    let cookie = cookie_of(&server, "student_owner").await;
    let mut queue: VecDeque<String> = VecDeque::new();
    for (method, path, _) in portfolio_web::routes::table() {
        if method == axum::http::Method::GET && path != "/logout" {
            queue.push_back(concrete_path(path, &w));
        }
    }
    for p in [
        "/dashboard",
        "/account",
        &format!("/students/{owner}"),
        &format!("/students/{owner}/appraisals"),
        &format!("/students/{owner}/export.zip"),
        "/api/v1/me",
    ] {
        queue.push_back(p.to_string());
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut problems = Vec::new();
    let mut reached = 0usize;
    let mut pdfs = 0usize;
    let mut archives = 0usize;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 2_000 {
            continue;
        }
        let page = fetch(&server, &cookie, &path).await;
        if page.status == 200 {
            reached += 1;
        }
        if page.content_type.contains("pdf") {
            pdfs += 1;
        }
        if page.content_type.contains("zip") || page.content_type.contains("spreadsheet") {
            archives += 1;
        }
        for leak in leaks(&page.text) {
            problems.push(format!("GET {path} ({}) shows {leak}", page.status));
        }
        if page.content_type.starts_with("text/html") {
            for link in links(&page.text) {
                if !link.starts_with("/logout") && !seen.contains(&link) {
                    queue.push_back(link);
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "marks reached the candidate:\n  {}",
        problems.join("\n  ")
    );
    // The crawl did reach the candidate's fiche, its PDF and the exports.
    assert!(
        seen.contains(&format!(
            "/students/{owner}/appraisals/{}/fiche.pdf",
            w.evaluation
        )),
        "the crawl should reach the fiche's PDF: {seen:?}"
    );
    assert!(reached > 30, "only {reached} pages answered 200");
    assert!(pdfs >= 3, "only {pdfs} PDFs read back");
    assert!(archives >= 2, "only {archives} archives opened");
}

#[test]
fn the_scanner_tells_marks_from_other_numbers() {
    assert!(leaks("NOTE : 17 / 20").len() >= 2);
    assert!(
        !leaks("le 17/11/2026 à 14 h, dossier n° 1314")
            .iter()
            .any(|l| l.contains("14"))
    );
    assert!(leaks("114/20 et le 14/2026").is_empty());
    assert!(!leaks("{\"mark\":14}").is_empty());
    assert!(!leaks("Proposition : 13,37").is_empty());
}
