//! Issue 11, item 4: control characters and invalid UTF-8 in form fields are refused in French
//! naming the field; the offline portfolio zip never links active content as a page.

use crate::support::TestServer;
use std::io::Read;

fn realisation<'a>(title: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("description", description),
        ("start_date", "2025-11-03"),
        ("end_date", "2025-12-12"),
        ("setting", "workplace_first_year"),
        ("organisation", "Mairie de Caen"),
        ("modality", "team"),
        ("personal_contribution", "Les scripts de sauvegarde"),
        ("tech_items", "TE-1.1.2"),
        ("skills", "B1.2.1"),
    ]
}

#[tokio::test]
async fn control_characters_and_invalid_utf8_in_forms_are_refused_naming_the_field() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let url = format!("/students/{owner}/realisations");
    let mut student = server.login("student_owner").await;

    for bad in ["\u{0}", "\u{1b}[31m", "\u{7}", "\u{7f}", "\u{85}", "\u{9b}"] {
        let description = format!("Marqueur{bad}fin");
        let page = student
            .post(&url, &realisation("Sauvegardes", &description))
            .await;
        assert_eq!(page.status, 422, "{bad:?}: {}", page.body);
        assert!(
            page.body.contains("escription")
                && page.body.contains("caractère de contrôle interdit")
                && page.body.contains("Marqueur"),
            "{bad:?}: {}",
            page.body
        );
    }
    // A newline in a single-line field is refused (by the title's own parse).
    let page = student
        .post(&url, &realisation("Sauve\ngardes", "ok"))
        .await;
    assert_eq!(page.status, 422, "{}", page.body);

    // Invalid UTF-8, sent raw: never decoded lossily.
    let token = {
        let p = student.get(&format!("{url}/new")).await;
        p.hidden_csrf().or(p.meta_csrf()).expect("token")
    };
    let body = format!(
        "csrf_token={token}&title=Marqueur%FF%FE&description=x&start_date=2025-11-03&end_date=2025-12-12&setting=workplace_first_year&organisation=Mairie&modality=team&personal_contribution=x&tech_items=TE-1.1.2&skills=B1.2.1"
    );
    let page = student
        .send_body(
            reqwest::Method::POST,
            &url,
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("« Intitulé »") && page.body.contains("UTF-8"),
        "{}",
        page.body
    );
    let dossier = student
        .get(&format!("/api/v1/students/{owner}/realisations"))
        .await;
    assert!(
        !dossier.body.contains("Marqueur"),
        "stored: {}",
        dossier.body
    );

    // Tabs and line breaks in a text area are kept.
    let page = student
        .post(
            &url,
            &realisation("Tabulations", "ligne un\tcolonne\nligne deux"),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let dossier = student
        .get(&format!("/api/v1/students/{owner}/realisations"))
        .await;
    assert!(
        dossier.body.contains("ligne un\\tcolonne\\nligne deux"),
        "{}",
        dossier.body
    );

    // The login form: the e-mail with ESC, refused in French.
    let mut anon = server.client();
    let page = anon.login("eleve\u{1b}@exemple.fr", "x").await;
    assert_ne!(page.status, 303, "{}", page.body);
    assert!(
        page.body.contains("Adresse électronique") || page.body.contains("adresse électronique"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_comment_and_an_internship_with_control_characters_are_refused() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let path = format!("/students/{owner}/realisations/{rid}/comments");
    let mut teacher = server.login("teacher_own").await;
    for body in ["Voir\u{0}ceci", "Voir\u{1b}]0;x\u{7}"] {
        let page = teacher
            .post(&path, &[("body", body), ("visibility", "student")])
            .await;
        assert_eq!(page.status, 422, "{body:?}: {}", page.body);
        assert!(
            page.body.contains("« Commentaire »"),
            "{body:?}: {}",
            page.body
        );
    }
    // Raw invalid UTF-8 (the client above would percent-encode the `%`).
    let token = teacher.csrf.clone().unwrap_or_default();
    let page = teacher
        .send_body(
            reqwest::Method::POST,
            &path,
            "application/x-www-form-urlencoded",
            format!("csrf_token={token}&body=Voir%C3%28&visibility=student").into_bytes(),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("« Commentaire »") && page.body.contains("UTF-8"),
        "{}",
        page.body
    );
    let page = teacher
        .get(&format!("/students/{owner}/realisations/{rid}"))
        .await;
    assert!(!page.body.contains("Voir"), "a refused comment was stored");

    let mut student = server.login("student_owner").await;
    let base = format!("/students/{owner}/internships");
    let page = student
        .post(
            &base,
            &[
                ("kind", "internship"),
                ("organisation_name", "Cabinet\u{9b}Durand"),
                ("organisation_address", "10 rue des Carmes\n14000 Caen"),
                ("siret", "73282932000074"),
                ("start_date", "2026-05-18"),
                ("end_date", "2026-06-19"),
                ("year_of_training", "1"),
                ("tutor_name", "Marc Tuteur"),
                ("tutor_title", "Administrateur systèmes"),
                ("tutor_email", "marc.tuteur@exemple.fr"),
                ("objectives", "Migration\tde la messagerie"),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("Organisation d’accueil")
            && page.body.contains("caractère de contrôle interdit"),
        "{}",
        page.body
    );
    let page = student.get(&base).await;
    assert!(
        !page.body.contains("Cabinet"),
        "a refused internship was stored"
    );
}

#[tokio::test]
async fn the_offline_zip_never_links_active_content_as_a_page() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let mut student = server.login("student_owner").await;
    let html = b"<!doctype html><html><body><script>alert(1)</script></body></html>";
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    for (name, bytes) in [
        ("rapport.html", &html[..]),
        ("dessin.xml", &svg[..]),
        ("outil.js", &b"alert(1)"[..]),
    ] {
        let page = student
            .post_multipart(
                &format!("/students/{owner}/realisations/{rid}/files"),
                &[],
                ("file", name, bytes),
            )
            .await;
        assert_eq!(page.status, 303, "{name}: {}", page.body);
    }
    let res = student
        .get(&format!("/students/{owner}/portfolio.zip"))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    // The body went through `text()`: fetch it again as bytes.
    let bytes = reqwest::Client::new()
        .get(format!(
            "{}/students/{owner}/portfolio.zip",
            student_base(&server)
        ))
        .header(
            "cookie",
            format!("sio_session={}", student.session().unwrap_or_default()),
        )
        .send()
        .await
        .expect("zip")
        .bytes()
        .await
        .expect("zip bytes");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let active = [
        ".html", ".htm", ".xhtml", ".svg", ".svgz", ".xml", ".js", ".mjs",
    ];
    let mut names = Vec::new();
    for i in 0..zip.len() {
        names.push(zip.by_index(i).expect("entry").name().to_string());
    }
    for n in &names {
        if n == "index.html" {
            continue;
        }
        assert!(
            !active.iter().any(|a| n.to_ascii_lowercase().ends_with(a)),
            "active entry {n} in {names:?}"
        );
    }
    assert!(
        names.iter().any(|n| n.ends_with("rapport.html.txt")),
        "{names:?}"
    );
    let mut index = String::new();
    zip.by_name("index.html")
        .expect("index.html")
        .read_to_string(&mut index)
        .expect("utf-8");
    for href in index
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
    {
        if href == "index.html" {
            continue;
        }
        assert!(
            !active
                .iter()
                .any(|a| href.to_ascii_lowercase().ends_with(a)),
            "index.html links {href}"
        );
    }
}

fn student_base(server: &TestServer) -> String {
    server.base.clone()
}
