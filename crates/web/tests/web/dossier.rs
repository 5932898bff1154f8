//! The dossier over HTTP: a student records réalisations and productions, the coverage follows,
//! a teacher comments and reviews; bad input keeps what was typed and says what is wrong.

use crate::support::*;

/// The id in a `Location: /students/S/realisations/ID?…` answer.
fn realisation_id(page: &Page) -> i64 {
    let location = page.location().expect("redirect");
    location
        .split("/realisations/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no réalisation id in {location}"))
}

fn fields<'a>(title: &'a str, skills: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("title", title),
        (
            "description",
            "Description & détails <b>non interprétés</b>",
        ),
        ("start_date", "2025-11-03"),
        ("end_date", "2025-12-12"),
        ("setting", "workplace_first_year"),
        ("organisation", "Mairie de Caen"),
        ("modality", "team"),
        ("personal_contribution", "Les scripts de sauvegarde"),
        ("tech_items", "TE-1.1.2"),
        ("tech_items", "TE-1.1.6"),
    ];
    for s in skills {
        f.push(("skills", s));
    }
    f
}

#[tokio::test]
async fn a_student_records_realisations_and_the_coverage_follows() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let mut student = server.login("student_owner").await;
    let base = format!("/students/{owner}");

    // Before: the fixture réalisation covers B1.1 only.
    let page = student.get(&format!("{base}/coverage")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<strong>non couverte</strong>"),
        "{}",
        page.body
    );

    // Bad input: every problem named, every value kept, nothing saved.
    let mut bad = fields("", &["B1.2.1", "B2-SLAM.1.1"]);
    bad.retain(|(k, _)| *k != "personal_contribution");
    bad.push(("start_date", "2026-01-10"));
    let page = student.post(&format!("{base}/realisations"), &bad).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("L’intitulé est obligatoire"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("La contribution personnelle est obligatoire")
    );
    assert!(
        page.body
            .contains("« B2-SLAM.1.1 » n’appartient pas aux blocs de l’option SISR")
    );
    assert!(
        page.body.contains("Mairie de Caen"),
        "typed values are kept"
    );
    assert!(
        page.body.contains("value=\"B1.2.1\" checked"),
        "ticked skills are kept"
    );

    // Two réalisations that together cover the rest of Bloc 1.
    let page = student
        .post(
            &format!("{base}/realisations"),
            &fields(
                "Supervision du réseau",
                &["B1.2.1", "B1.3.1", "B1.4.1", "B2-SISR.2.1", "B2-SISR.3.1"],
            ),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let first = realisation_id(&page);
    let page = student
        .post(
            &format!("{base}/realisations"),
            &fields(
                "Déploiement d’un service",
                &["B1.5.1", "B1.6.1", "B2-SISR.3.1"],
            ),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let second = realisation_id(&page);

    let page = student.get(&format!("{base}/realisations/{first}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Supervision du réseau"));
    assert!(
        page.body.contains("du 03/11/25 au 12/12/25"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Description &#38; détails &#60;b&#62;"),
        "escaped"
    );
    let page = student.get(&format!("{base}/coverage")).await;
    assert!(
        page.body
            .contains("Toutes les compétences du bloc sont couvertes."),
        "{}",
        page.body
    );

    // The E5 pair: the fixture réalisation (B2-SISR.1) and the second (B2-SISR.3) leave B2-SISR.2.
    let fixture = server.world.realisation.to_string();
    let page = student
        .post(
            &format!("{base}/e5"),
            &[("first", &fixture), ("second", &second.to_string())],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student.get(&format!("{base}/coverage")).await;
    assert!(
        page.body.contains("ne couvrent pas : B2-SISR.2"),
        "{}",
        page.body
    );
    let page = student
        .post(
            &format!("{base}/e5"),
            &[("first", &fixture), ("second", &first.to_string())],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = student.get(&format!("{base}/coverage")).await;
    assert!(
        page.body.contains("couvrent tout le bloc 2"),
        "{}",
        page.body
    );
    let page = student
        .post(
            &format!("{base}/e5"),
            &[("first", &fixture), ("second", &fixture)],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("deux réalisations différentes"));

    // Editing keeps the id and replaces the tags.
    let page = student
        .post(
            &format!("{base}/realisations/{second}"),
            &fields("Déploiement d’un service (v2)", &["B1.5.2"]),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student
        .get(&format!("{base}/realisations/{second}/edit"))
        .await;
    assert!(page.body.contains("value=\"B1.5.2\" checked"));
    assert!(!page.body.contains("value=\"B1.6.1\" checked"));
    // The documents: the tableau de synthèse, and the two E5 fiches once the pair is chosen.
    let pdf = student.get(&format!("{base}/synthesis.pdf")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.body.starts_with("%PDF-"));
    assert!(
        pdf.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment;"))
    );
    for n in [1, 2] {
        let pdf = student.get(&format!("{base}/e5/{n}/sheet.pdf")).await;
        assert_eq!(pdf.status, 200, "fiche {n}: {}", pdf.body);
        assert!(pdf.body.starts_with("%PDF-"));
    }
    assert_eq!(
        student.get(&format!("{base}/e5/3/sheet.pdf")).await.status,
        404
    );

    let page = student.get(&base).await;
    assert!(page.body.contains("Déploiement d’un service (v2)"));
    assert!(
        page.body
            .contains("Bloc 1 : B1.6 Organiser son développement professionnel"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn productions_are_checked_stored_served_as_downloads_and_removed_with_their_rows() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let mut student = server.login("student_owner").await;
    let files = format!("/students/{owner}/realisations/{rid}/files");

    let pdf = b"%PDF-1.7\n% compte rendu\n";
    let page = student
        .post_multipart(&files, &[], ("file", "C:\\fakepath\\compte rendu.pdf", pdf))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student
        .get(&format!("/students/{owner}/realisations/{rid}"))
        .await;
    let aid: i64 = page
        .body
        .split(&format!("/students/{owner}/artifacts/"))
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .max()
        .expect("a link to the new file");
    assert!(
        page.body.contains("compte rendu.pdf"),
        "the path is dropped from the name"
    );

    // Served as an attachment, sniff-proof, sandboxed.
    let page = student
        .get(&format!("/students/{owner}/artifacts/{aid}"))
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body.as_bytes(), pdf);
    assert_eq!(page.header("content-type"), Some("application/pdf"));
    assert!(
        page.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment;"))
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(
        page.header("content-security-policy")
            .is_some_and(|c| c.contains("sandbox"))
    );
    // The teacher of the class reads it; another student does not.
    let mut teacher = server.login("teacher_own").await;
    assert_eq!(
        teacher
            .get(&format!("/students/{owner}/artifacts/{aid}"))
            .await
            .status,
        200
    );
    let mut other = server.login("student_other").await;
    assert_eq!(
        other
            .get(&format!("/students/{owner}/artifacts/{aid}"))
            .await
            .status,
        403
    );

    // The content decides, not the name.
    let page = student
        .post_multipart(&files, &[], ("file", "rapport.pdf", b"MZ\x90\x00binary"))
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("Type de fichier non accepté"),
        "{}",
        page.body
    );
    // Without the token the upload is refused before anything is stored.
    let token = student.csrf.take();
    let page = student
        .post_multipart(&files, &[], ("file", "a.pdf", pdf))
        .await;
    assert_eq!(page.status, 403);
    student.csrf = token;

    // Links: http(s) only.
    let links = format!("/students/{owner}/realisations/{rid}/links");
    let page = student
        .post(&links, &[("name", "Démo"), ("url", "javascript:alert(1)")])
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("seules les adresses http:// et https:// sont acceptées"),
        "{}",
        page.body
    );
    let page = student
        .post(
            &links,
            &[
                ("name", "Dépôt Git"),
                ("url", "https://git.example.fr/sauvegardes"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    // Deleting the réalisation deletes its files from the disk.
    let stored = || walk(&server.files_dir());
    assert_eq!(stored(), 2, "the fixture file and the upload");
    let page = student
        .post(&format!("/students/{owner}/realisations/{rid}/delete"), &[])
        .await;
    assert_eq!(page.status, 422, "confirmation required");
    let page = student
        .post(
            &format!("/students/{owner}/realisations/{rid}/delete"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(stored(), 0, "no file outlives its row");
    assert_eq!(
        student
            .get(&format!("/students/{owner}/artifacts/{aid}"))
            .await
            .status,
        404
    );
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() { walk(&p) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn teachers_comment_and_review_and_private_comments_stay_in_the_team() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let path = format!("/students/{owner}/realisations/{rid}");
    let mut teacher = server.login("teacher_own").await;
    let page = teacher
        .post(
            &format!("{path}/comments"),
            &[
                ("body", "Ajoutez le plan de reprise."),
                ("visibility", "student"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = teacher
        .post(
            &format!("{path}/comments"),
            &[
                ("body", "Candidat solide pour l’E5."),
                ("visibility", "team"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = teacher
        .post(
            &format!("{path}/comments"),
            &[("body", " "), ("visibility", "student")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("Le commentaire est vide"),
        "{}",
        page.body
    );
    let page = teacher
        .post(&format!("{path}/review"), &[("status", "to_revise")])
        .await;
    assert_eq!(page.status, 303);

    let mut student = server.login("student_owner").await;
    let page = student.get(&path).await;
    assert!(page.body.contains("Ajoutez le plan de reprise."));
    assert!(
        !page.body.contains("Candidat solide"),
        "a team comment leaked to the student"
    );
    assert!(page.body.contains("À reprendre"));
    // The student cannot comment or review their own work.
    assert_eq!(
        student
            .post(
                &format!("{path}/comments"),
                &[("body", "x"), ("visibility", "student")]
            )
            .await
            .status,
        403
    );
    assert_eq!(
        student
            .post(&format!("{path}/review"), &[("status", "validated")])
            .await
            .status,
        403
    );

    let page = teacher.get(&path).await;
    assert!(page.body.contains("Candidat solide pour l’E5."));
    // A tutor sees the public follow-up, not the team's.
    let mut tutor = server.login("tutor_own").await;
    let page = tutor.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Ajoutez le plan de reprise.") && !page.body.contains("Candidat solide")
    );
}

#[tokio::test]
async fn the_json_api_creates_reads_and_updates_realisations() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let mut student = server.login("student_owner").await;
    let token = student.csrf.clone().expect("token");
    let base = format!("/api/v1/students/{owner}/realisations");
    let body = serde_json::json!({
        "title": "Inventaire du parc avec GLPI",
        "start_date": "2025-09-01",
        "end_date": "2025-09-30",
        "setting": "training",
        "modality": "solo",
        "skills": ["B1.1.1", "B1.2.1"],
        "tech_items": ["TE-1.1.2"]
    })
    .to_string();
    // Without the CSRF header: refused.
    let page = post_json(&mut student, &base, &body, None).await;
    assert_eq!(page.status, 403, "{}", page.body);
    let page = post_json(&mut student, &base, &body, Some(&token)).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let created: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    let rid = created["id"].as_i64().expect("id");
    assert_eq!(created["title"], "Inventaire du parc avec GLPI");
    assert_eq!(created["skills"], serde_json::json!(["B1.1.1", "B1.2.1"]));
    assert_eq!(
        created["period"],
        serde_json::json!({"start": "2025-09-01", "end": "2025-09-30"}),
        "dates as the documented format says"
    );

    // Every problem, with its field.
    let bad = serde_json::json!({"title": "", "start_date": "2025-13-01", "end_date": "2025-09-30",
        "setting": "training", "modality": "solo", "skills": ["B2-SLAM.1.1"]})
    .to_string();
    let page = post_json(&mut student, &base, &bad, Some(&token)).await;
    assert_eq!(page.status, 422);
    let v: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["title", "start_date", "skills"], "{}", page.body);
    let page = post_json(&mut student, &base, "{not json", Some(&token)).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("corps JSON illisible"), "{}", page.body);

    let updated = body.replace(
        "Inventaire du parc avec GLPI",
        "Inventaire du parc (GLPI 10)",
    );
    let page = post_json(
        &mut student,
        &format!("{base}/{rid}"),
        &updated,
        Some(&token),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let page = student.get(&base).await;
    let list: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    let titles: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Inventaire du parc (GLPI 10)"),
        "{titles:?}"
    );

    let page = student
        .get(&format!("/api/v1/students/{owner}/coverage"))
        .await;
    let cov: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    assert_eq!(cov["bloc1"]["competencies"][0]["code"], "B1.1");
    assert_eq!(cov["bloc1_complete"], false);

    // Another student reads none of it; anonymous gets 401 in JSON.
    let mut other = server.login("student_other").await;
    assert_eq!(other.get(&base).await.status, 403);
    let mut anonymous = server.client();
    let page = anonymous.get(&base).await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains("Connexion requise"));
}

async fn post_json(c: &mut Client, path: &str, body: &str, token: Option<&str>) -> Page {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(t) = token {
        headers.push(("x-csrf-token", t));
    }
    c.send_raw(
        reqwest::Method::POST,
        path,
        body.as_bytes().to_vec(),
        &headers,
    )
    .await
}

#[tokio::test]
async fn the_handed_in_version_is_what_the_commission_and_the_public_link_see() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let token = server.world.public_token.clone();
    let base = format!("/students/{owner}");
    let mut student = server.login("student_owner").await;
    let mut commission = server.login("commission_own").await;
    let mut visitor = server.client();

    // Before: the commission sees nothing, the public link the live portfolio.
    let page = commission.get(&base).await;
    assert!(
        page.body.contains("Le dossier n’est pas encore remis"),
        "{}",
        page.body
    );
    assert_eq!(
        commission
            .get(&format!("{base}/realisations/{rid}"))
            .await
            .status,
        404
    );
    let page = visitor.get(&format!("/p/{token}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Version de travail"));
    assert!(
        page.body
            .contains("Mise en place d’une solution de sauvegarde")
    );

    // Handing in needs the confirmation.
    assert_eq!(
        student.post(&format!("{base}/hand-in"), &[]).await.status,
        422
    );
    let page = student
        .post(&format!("{base}/hand-in"), &[("confirm", "yes")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = student
        .post(&format!("{base}/hand-in"), &[("confirm", "yes")])
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("déjà remis"));

    // The student keeps working on the draft.
    let mut fields = vec![
        ("title", "Titre changé après la remise"),
        ("start_date", "2025-09-15"),
        ("end_date", "2025-10-17"),
        ("setting", "training"),
        ("modality", "solo"),
        ("skills", "B1.1.5"),
    ];
    let page = student
        .post(&format!("{base}/realisations/{rid}"), &fields)
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    fields.clear();

    // The commission and the public link see the handed-in version, with its file.
    let page = commission.get(&format!("{base}/realisations/{rid}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Mise en place d’une solution de sauvegarde")
    );
    assert!(!page.body.contains("Titre changé"));
    let aid = server.world.artifact;
    assert_eq!(
        commission
            .get(&format!("{base}/artifacts/{aid}"))
            .await
            .status,
        200
    );
    let page = visitor.get(&format!("/p/{token}")).await;
    assert!(page.body.contains("Version remise le"), "{}", page.body);
    assert!(
        page.body
            .contains("Mise en place d’une solution de sauvegarde")
    );
    assert!(!page.body.contains("Titre changé"));
    assert_eq!(page.header("x-robots-tag"), Some("noindex, nofollow"));
    let file = visitor.get(&format!("/p/{token}/artifacts/{aid}")).await;
    assert_eq!(file.status, 200);
    assert!(file.body.starts_with("%PDF"));
    // The teacher follows the draft.
    let mut teacher = server.login("teacher_own").await;
    assert!(
        teacher
            .get(&format!("{base}/realisations/{rid}"))
            .await
            .body
            .contains("Titre changé")
    );

    // The offline copy is the handed-in version, with its files, readable without a server.
    let zip = commission.get(&format!("{base}/portfolio.zip")).await;
    assert_eq!(zip.status, 200);
    assert_eq!(zip.header("content-type"), Some("application/zip"));

    // Reopened: the commission sees nothing until it is handed in again.
    assert_eq!(
        student
            .post(&format!("{base}/reopen"), &[("confirm", "yes")])
            .await
            .status,
        403
    );
    let page = teacher
        .post(&format!("{base}/reopen"), &[("confirm", "yes")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(
        commission
            .get(&format!("{base}/realisations/{rid}"))
            .await
            .status,
        404
    );
    let page = teacher
        .post(&format!("{base}/reopen"), &[("confirm", "yes")])
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("il n’y a rien à rouvrir"));

    // A revoked link answers like a link that never existed.
    let lid = server.world.public_link;
    let page = student
        .post(
            &format!("{base}/public-links/{lid}/revoke"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(visitor.get(&format!("/p/{token}")).await.status, 404);
    assert_eq!(
        visitor
            .get(&format!("/p/{token}/artifacts/{aid}"))
            .await
            .status,
        404
    );
    assert_eq!(visitor.get("/p/not-a-real-token").await.status, 404);
    // A new link, shown to its owner.
    let page = student
        .post(
            &format!("{base}/public-links"),
            &[("expires_in_days", "30")],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = student.get(&base).await;
    assert!(page.body.contains("actif jusqu’au"), "{}", page.body);
    assert!(page.body.contains("révoqué le"));
    let page = student
        .post(&format!("{base}/public-links"), &[("expires_in_days", "0")])
        .await;
    assert_eq!(page.status, 422);
}

#[tokio::test]
async fn the_offline_copy_holds_the_pages_and_the_files() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let mut student = server.login("student_owner").await;
    let res = reqwest::Client::new()
        .get(format!("{}/students/{owner}/portfolio.zip", server.base))
        .header(
            "cookie",
            student
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
        .send()
        .await
        .expect("zip");
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await.expect("bytes");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let names: Vec<String> = (0..archive.len())
        .filter_map(|i| archive.by_index(i).ok().map(|f| f.name().to_string()))
        .collect();
    assert!(names.contains(&"index.html".to_string()), "{names:?}");
    assert!(names.contains(&"app.css".to_string()));
    let file = names
        .iter()
        .find(|n| n.starts_with("files/"))
        .expect("the file")
        .clone();
    assert!(file.ends_with("procedure.pdf"), "{file}");
    let mut html = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("index.html").expect("index"),
        &mut html,
    )
    .expect("read");
    assert!(html.contains("Mise en place d’une solution de sauvegarde"));
    assert!(
        html.contains(&format!("href=\"{file}\"")),
        "links point inside the copy"
    );
    assert!(html.contains("href=\"app.css\"") && !html.contains("/static/"));
    let _ = student.get("/dashboard").await;
}

#[tokio::test]
async fn a_dossier_exported_and_imported_elsewhere_comes_back_exactly() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let mut student = server.login("student_owner").await;
    let base = format!("/students/{owner}");
    // A second réalisation with a link, and the E5 pair.
    let page = student
        .post(
            &format!("{base}/realisations"),
            &fields("Supervision", &["B1.2.1", "B2-SISR.2.1", "B2-SISR.3.1"]),
        )
        .await;
    let second = realisation_id(&page);
    student
        .post(
            &format!("{base}/realisations/{second}/links"),
            &[("name", "Démo"), ("url", "https://demo.example.fr/")],
        )
        .await;
    let first = server.world.realisation.to_string();
    student
        .post(
            &format!("{base}/e5"),
            &[("first", &first), ("second", &second.to_string())],
        )
        .await;

    let export = |c: &Client, path: String| {
        let cookie = c
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let url = format!("{}{path}", server.base);
        async move {
            let res = reqwest::Client::new()
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .expect("export");
            assert_eq!(res.status().as_u16(), 200);
            res.bytes().await.expect("bytes").to_vec()
        }
    };
    let zip_a = export(&student, format!("{base}/export.zip")).await;
    // Only the student exports their dossier.
    let mut teacher = server.login("teacher_own").await;
    assert_eq!(teacher.get(&format!("{base}/export.zip")).await.status, 403);

    // A SLAM student cannot take SISR skills: nothing is imported, every problem is named.
    let other = server.world.user_id("student_other");
    let mut slam = server.login("student_other").await;
    let page = slam
        .post_multipart(
            &format!("/students/{other}/import"),
            &[],
            ("file", "dossier.zip", &zip_a),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("rien n’a été importé"), "{}", page.body);
    assert!(
        page.body
            .contains("n’appartient pas aux blocs de l’option SLAM")
    );
    let page = slam.get(&format!("/students/{other}")).await;
    assert!(page.body.contains("0 réalisation(s)"), "{}", page.body);

    // A new SISR student imports it: the export of their dossier is the same dossier.
    let newcomer = new_student(&server, "student_new", server.world.class_a).await;
    let mut new = server.login("student_new").await;
    let page = new
        .post_multipart(
            &format!("/students/{newcomer}/import"),
            &[],
            ("file", "dossier.zip", &zip_a),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let zip_b = export(&new, format!("/students/{newcomer}/export.zip")).await;
    let (a, files_a) = unzip(&zip_a);
    let (b, files_b) = unzip(&zip_b);
    assert_eq!(normalise(&a), normalise(&b));
    let mut fa: Vec<Vec<u8>> = files_a.into_values().collect();
    let mut fb: Vec<Vec<u8>> = files_b.into_values().collect();
    fa.sort();
    fb.sort();
    assert_eq!(fa, fb, "the files come back byte for byte");

    // Hostile input is refused with a message, and nothing is saved.
    let page = new
        .post_multipart(
            &format!("/students/{newcomer}/import"),
            &[],
            ("file", "x.zip", b"PK\x03\x04garbage"),
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("archive .zip illisible"),
        "{}",
        page.body
    );
    let page = new
        .post_multipart(
            &format!("/students/{newcomer}/import"),
            &[],
            ("file", "x.txt", b"hello"),
        )
        .await;
    assert!(page.body.contains("n’est pas un dossier exporté"));
}

async fn new_student(server: &TestServer, name: &str, class_id: i64) -> i64 {
    let id = server
        .store
        .create_user(&portfolio_store::NewUser {
            email: email(name),
            first_name: "Nina".into(),
            last_name: "Nouvelle".into(),
            password_hash: Some(password_hash()),
            created_at: 0,
        })
        .await
        .expect("user");
    server
        .store
        .enroll_student(
            id,
            &portfolio_store::Enrolment {
                class_id,
                route: portfolio_domain::route::Route::School,
                candidate_number: None,
            },
        )
        .await
        .expect("enrol");
    id
}

fn unzip(
    bytes: &[u8],
) -> (
    serde_json::Value,
    std::collections::BTreeMap<String, Vec<u8>>,
) {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut json = serde_json::Value::Null;
    let mut files = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("entry");
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut buf).expect("read");
        if f.name() == "dossier.json" {
            json = serde_json::from_slice(&buf).expect("json");
        } else {
            files.insert(f.name().to_string(), buf);
        }
    }
    (json, files)
}

/// The dossier without what depends on where and when it lives: ids, keys, dates of the copy,
/// the candidate (another person), the teachers' review.
fn normalise(v: &serde_json::Value) -> serde_json::Value {
    let mut v = v.clone();
    let ids: Vec<i64> = v["realisations"]
        .as_array()
        .map(|rs| rs.iter().filter_map(|r| r["id"].as_i64()).collect())
        .unwrap_or_default();
    if let Some(e5) = v["e5"].as_array_mut() {
        for x in e5.iter_mut() {
            let pos = ids.iter().position(|i| Some(*i) == x.as_i64());
            *x = serde_json::json!(pos);
        }
    }
    for key in ["taken_at", "candidate"] {
        v[key] = serde_json::Value::Null;
    }
    if let Some(rs) = v["realisations"].as_array_mut() {
        for r in rs {
            r["id"] = serde_json::Value::Null;
            r["review_status"] = serde_json::Value::Null;
            if let Some(arts) = r["artifacts"].as_array_mut() {
                for a in arts {
                    a["id"] = serde_json::Value::Null;
                    a["storage_key"] = serde_json::json!(a["storage_key"].is_string());
                }
            }
        }
    }
    v
}

#[tokio::test]
async fn the_tableau_de_synthese_downloads_as_xlsx_and_filled_tables_import_all_or_nothing() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let mut student = server.login("student_owner").await;
    let base = format!("/students/{owner}");
    student
        .post(
            &format!("{base}/realisations"),
            &fields("Supervision", &["B1.2.1", "B1.3.1"]),
        )
        .await;
    let cookie = student
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let res = reqwest::Client::new()
        .get(format!("{}{base}/synthesis.xlsx", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .expect("xlsx");
    assert_eq!(res.status().as_u16(), 200);
    let xlsx = res.bytes().await.expect("bytes").to_vec();
    // Read back: the same réalisations, in their sections, with their X marks.
    let read = portfolio_documents::import_synthesis_xlsx(&xlsx).expect("our own table");
    assert_eq!(read.header.candidate_name.as_deref(), Some("OWNER Student"));
    let titles: Vec<String> = read.rows.iter().filter_map(|r| r.title.clone()).collect();
    assert_eq!(
        titles,
        ["Mise en place d’une solution de sauvegarde", "Supervision"]
    );
    let marks: Vec<Vec<String>> = read
        .rows
        .iter()
        .map(|r| r.competencies.iter().cloned().collect())
        .collect();
    assert_eq!(
        marks,
        vec![vec!["B1.1".to_string()], vec!["B1.2".into(), "B1.3".into()]]
    );

    // A real table with a half-filled row: nothing is saved, the row is named.
    let fixture = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../regulation/fixtures/tableaux-de-synthese/real-2023-sisr-1.xlsx"
    ))
    .expect("fixture");
    let newcomer = new_student(&server, "student_new", server.world.class_a).await;
    let mut new = server.login("student_new").await;
    let import = format!("/students/{newcomer}/synthesis-import");
    let page = new
        .post_multipart(&import, &[], ("file", "tableau.xlsx", &fixture))
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("Rien n’a été importé"), "{}", page.body);
    assert!(page.body.contains("ligne 23"), "{}", page.body);
    assert!(
        new.get(&format!("/students/{newcomer}"))
            .await
            .body
            .contains("0 réalisation(s)")
    );

    // Our own table imports whole, competencies as a whole, to be refined.
    let page = new
        .post_multipart(&import, &[], ("file", "tableau.xlsx", &xlsx))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("2 réalisation(s) importée(s)"),
        "{}",
        page.body
    );
    let page = new
        .get(&format!("/api/v1/students/{newcomer}/realisations"))
        .await;
    let list: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    assert_eq!(list[1]["title"], "Supervision");
    assert_eq!(list[1]["skills"], serde_json::json!(["B1.2", "B1.3"]));
    // Not a table at all.
    let page = new
        .post_multipart(&import, &[], ("file", "x.xlsx", b"not a workbook"))
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("n’est pas un classeur Excel"),
        "{}",
        page.body
    );
}
