//! Request bodies and uploads (issue 11, items 2, 4 and 7): no body is read before the request
//! is allowed, uploads stream to the disk within their limit, uploads in flight are bounded,
//! CSRF refusals are audited (and JSON on the API), and the upload corpus of the attack.

use crate::support::{Client, TestServer};
use portfolio_web::config::WebConfig;
use std::io::Write;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a refusal may take to come back; the body it leaves unsent would take forever.
const PROMPT: Duration = Duration::from_secs(15);
const BOUNDARY: &str = "----portfolio-sio-upload-corpus-3b9e";

/// The answer to a request whose head declares `declared` bytes of body, of which only `sent`
/// are ever sent (the connection then stays open, sending nothing): its status and text, or
/// `None` when no answer came within [`PROMPT`] — the server was waiting for the rest.
async fn answer_to_unfinished(
    server: &TestServer,
    path: &str,
    headers: &[(&str, String)],
    declared: u64,
    sent: Vec<u8>,
) -> Option<(u16, String)> {
    let addr = server.base.trim_start_matches("http://").to_string();
    let stream = TcpStream::connect(&addr).await.expect("connect");
    let (mut read, mut write) = stream.into_split();
    let mut head =
        format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {declared}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    // Written aside: the server may stop reading (that is the point), the writer then waits.
    let writer = tokio::spawn(async move {
        if write.write_all(head.as_bytes()).await.is_ok() {
            let _ = write.write_all(&sent).await;
        }
        // Keep the connection open, the body unfinished, until the test ends.
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(write);
    });
    let mut got = Vec::new();
    let answer = tokio::time::timeout(PROMPT, async {
        let mut buf = [0u8; 8192];
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
            if complete_response(&got) {
                break;
            }
        }
    })
    .await;
    writer.abort();
    if answer.is_err() && !complete_response(&got) {
        return None;
    }
    let text = String::from_utf8_lossy(&got).to_string();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some((status, text))
}

/// Whether `got` holds a whole HTTP/1.1 answer (head and `Content-Length` bytes of body).
fn complete_response(got: &[u8]) -> bool {
    let text = String::from_utf8_lossy(got);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    body.len() >= length
}

fn cookie_header(client: &Client) -> String {
    client
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The start of a multipart upload: the token field, then the head of the file field.
fn upload_head(token: &str, file_name: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes()
}

fn multipart_headers(client: &Client) -> Vec<(&'static str, String)> {
    vec![
        (
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ),
        ("Cookie", cookie_header(client)),
    ]
}

const MB: u64 = 1024 * 1024;

/// Every file under `dir`, the hidden `.tmp` ones included.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_forged_or_unauthorised_upload_is_refused_before_its_body_is_read() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let files = format!("/students/{owner}/realisations/{rid}/files");
    let student = server.login("student_owner").await;

    // A 200 MB upload with a wrong token: 64 KB of it sent, the rest never comes.
    let mut sent = upload_head("faux-jeton", "rapport.pdf");
    sent.extend(std::iter::repeat_n(b'a', 64 * 1024));
    let answer = answer_to_unfinished(
        &server,
        &files,
        &multipart_headers(&student),
        200 * MB,
        sent.clone(),
    )
    .await;
    let (status, text) = answer.expect("the forged upload is answered without its body");
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("Formulaire expiré"), "{text}");

    // The right token of another student, on the owner's réalisation: the access check comes
    // before the body too.
    let other = server.login("student_other").await;
    let mut sent = upload_head(other.csrf.as_deref().expect("token"), "rapport.pdf");
    sent.extend(std::iter::repeat_n(b'a', 64 * 1024));
    let answer =
        answer_to_unfinished(&server, &files, &multipart_headers(&other), 200 * MB, sent).await;
    let (status, text) = answer.expect("the unauthorised upload is answered without its body");
    assert_eq!(status, 403, "{text}");
    assert_eq!(
        files_under(&server.files_dir()).len(),
        1,
        "only the fixture file"
    );
}

#[tokio::test]
async fn anonymous_large_bodies_to_the_login_and_tutor_pages_are_refused_unread() {
    let server = TestServer::start().await;
    let anonymous = server.login("anonymous").await;
    let token = anonymous.csrf.clone().expect("login token");
    let form = |extra: usize| {
        let mut b = format!("csrf_token={token}&email=a%40b.fr&password=").into_bytes();
        b.extend(std::iter::repeat_n(b'x', extra));
        b
    };
    let tutor = format!("/t/{}/review", server.world.tutor_token);
    for path in ["/login", "/t/inconnu/review", tutor.as_str()] {
        // 21 MB declared, 1 KB sent.
        let headers = vec![
            (
                "Content-Type",
                "application/x-www-form-urlencoded".to_string(),
            ),
            ("Cookie", cookie_header(&anonymous)),
        ];
        let answer = answer_to_unfinished(&server, path, &headers, 21 * MB, form(1024)).await;
        let (status, text) =
            answer.unwrap_or_else(|| panic!("{path}: no answer, the body is awaited"));
        assert_eq!(status, 422, "{path}: {text}");
        assert!(text.contains("trop volumineux"), "{path}: {text}");
        // The same as a multipart upload: no anonymous form sends a file.
        let mut sent = upload_head(&token, "a.pdf");
        sent.extend(std::iter::repeat_n(b'a', 1024));
        let answer =
            answer_to_unfinished(&server, path, &multipart_headers(&anonymous), 21 * MB, sent)
                .await;
        let (status, text) =
            answer.unwrap_or_else(|| panic!("{path} multipart: no answer, the body is awaited"));
        assert_eq!(status, 403, "{path} multipart: {text}");
    }
    // A login form of ordinary size still works.
    let mut client = server.client();
    let page = client
        .login(
            &crate::support::email("student_owner"),
            crate::support::PASSWORD,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
}

#[tokio::test]
async fn an_oversize_upload_is_refused_while_streaming_and_leaves_no_file() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let files = format!("/students/{owner}/realisations/{rid}/files");
    let student = server.login("student_owner").await;
    let before = files_under(&server.files_dir());

    // 200 MB declared; 20 MB and 200 KB sent, then nothing: the refusal must not wait for the
    // rest, and nothing may stay on the disk (no file, no `.tmp`).
    let mut sent = upload_head(student.csrf.as_deref().expect("token"), "video.pdf");
    sent.extend_from_slice(b"%PDF-1.7\n");
    sent.extend(std::iter::repeat_n(b'a', (20 * MB + 200 * 1024) as usize));
    let answer = answer_to_unfinished(
        &server,
        &files,
        &multipart_headers(&student),
        200 * MB,
        sent,
    )
    .await;
    let (status, text) = answer.expect("an oversize upload is refused as soon as it passes 20 Mo");
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("dépasse 20 Mo"), "{text}");
    // The handler's work is done when it answers; the `.tmp` goes with it.
    assert_eq!(files_under(&server.files_dir()), before, "nothing kept");
}

#[tokio::test]
async fn uploads_in_flight_are_bounded_with_a_french_503_and_retry_after() {
    let server = TestServer::with_config(WebConfig {
        max_uploads_in_flight: 1,
        ..WebConfig::default()
    })
    .await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let files = format!("/students/{owner}/realisations/{rid}/files");
    let mut student = server.login("student_owner").await;
    let token = student.csrf.clone().expect("token");

    // One slow upload holds the only place: its body arrives slowly (here: never).
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut slow = TcpStream::connect(&addr).await.expect("connect");
    let mut head = format!(
        "POST {files} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n",
        10 * MB
    );
    for (k, v) in multipart_headers(&student) {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    slow.write_all(head.as_bytes()).await.expect("head");
    let mut first = upload_head(&token, "lent.pdf");
    first.extend_from_slice(b"%PDF-1.7\n");
    slow.write_all(&first).await.expect("start of the body");

    // Another upload meanwhile: 503, Retry-After, a French page, and its body left unread.
    let mut busy = None;
    for _ in 0..50 {
        let mut sent = upload_head(&token, "rapport.pdf");
        sent.extend(std::iter::repeat_n(b'a', 1024));
        let answer = answer_to_unfinished(
            &server,
            &files,
            &multipart_headers(&student),
            200 * MB,
            sent,
        )
        .await;
        let (status, text) = answer.expect("the second upload is answered without its body");
        if status == 503 {
            busy = Some(text);
            break;
        }
        // The slow upload may not have reached its handler yet.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = busy.expect("a second upload while the first is received gets 503");
    let lower = text.to_ascii_lowercase();
    assert!(lower.contains("retry-after: 10"), "{text}");
    assert!(
        text.contains("Trop de fichiers sont en cours d’envoi"),
        "{text}"
    );

    // The slow upload gone, the place is free again.
    drop(slow);
    let mut stored = None;
    for _ in 0..50 {
        let page = student
            .post_multipart(&files, &[], ("file", "rapport.pdf", b"%PDF-1.7\n%%EOF\n"))
            .await;
        if page.status != 503 {
            stored = Some(page);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = stored.expect("the place is given back");
    assert_eq!(page.status, 303, "{}", page.body);
}

#[tokio::test]
async fn csrf_refusals_are_audited_and_answered_in_json_on_the_api() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let mut student = server.login("student_owner").await;

    let page = student
        .post_form(
            &format!("/students/{owner}/realisations"),
            &[("csrf_token", "faux-jeton"), ("title", "x")],
        )
        .await;
    assert_eq!(page.status, 403);
    // An anonymous login without its form cookie.
    let mut anonymous = server.client();
    let page = anonymous
        .post_form("/login", &[("csrf_token", "x"), ("email", "a@b.fr")])
        .await;
    assert_eq!(page.status, 403);

    // The API: a wrong header token is answered in JSON, like every other API error.
    let page = student
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/students/{owner}/realisations"),
            None,
            &[
                ("x-csrf-token", "faux-jeton"),
                ("content-type", "application/json"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(
        page.header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        page.headers
    );
    let json: serde_json::Value = serde_json::from_str(&page.body).expect("JSON body");
    assert_eq!(json["error"], "Formulaire expiré", "{json}");

    let refused: Vec<_> = server
        .audit()
        .await
        .into_iter()
        .filter(|r| r.action == "csrf.refused")
        .collect();
    let targets: Vec<_> = refused
        .iter()
        .map(|r| (r.actor_user_id, r.target.clone().unwrap_or_default()))
        .collect();
    assert!(
        targets.contains(&(Some(owner), format!("POST /students/{owner}/realisations"))),
        "{targets:?}"
    );
    assert!(
        targets.contains(&(None, "POST /login".to_string())),
        "{targets:?}"
    );
    assert!(
        targets.contains(&(
            Some(owner),
            format!("POST /api/v1/students/{owner}/realisations")
        )),
        "{targets:?}"
    );
    assert!(
        refused
            .iter()
            .all(|r| r.client_ip.as_deref() == Some("127.0.0.1")),
        "{refused:?}"
    );
}

/// The template of every upload form puts the token first: the CSRF guard reads only that field.
#[test]
fn every_upload_form_sends_its_token_first() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut forms = 0;
    for path in files_under(&dir) {
        let text = std::fs::read_to_string(&path).expect("template");
        for (i, _) in text.match_indices("multipart/form-data") {
            forms += 1;
            let rest = &text[i..];
            let first_field = rest
                .find("name=\"")
                .map(|j| &rest[j + 6..])
                .and_then(|r| r.split('"').next());
            assert_eq!(
                first_field,
                Some("csrf_token"),
                "{}: the first field of an upload form must be csrf_token",
                path.display()
            );
        }
    }
    assert!(forms >= 5, "upload forms found: {forms}");
}

// ---- The upload corpus ---------------------------------------------------------------------

/// A zip of one entry `name` holding `size` zeros, deflated (a few kilobytes per 100 MB).
fn zip_of_zeros(name: &str, size: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    zip.start_file(name, options).expect("entry");
    let block = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len());
        zip.write_all(&block[..n]).expect("zeros");
        left -= n;
    }
    zip.finish().expect("zip");
    out.into_inner()
}

/// The artifact ids linked from a réalisation page.
fn artifact_ids(body: &str, owner: i64) -> Vec<i64> {
    body.split(&format!("/students/{owner}/artifacts/"))
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn the_upload_corpus_is_refused_in_french_or_stored_inert() {
    let server = TestServer::start().await;
    let owner = server.world.user_id("student_owner");
    let rid = server.world.realisation;
    let files = format!("/students/{owner}/realisations/{rid}/files");
    let page_of = format!("/students/{owner}/realisations/{rid}");
    let mut student = server.login("student_owner").await;
    let on_disk = || files_under(&server.files_dir());
    let fixture_files = on_disk();

    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#;
    let html = b"<!doctype html><html><body><script>fetch('/api/v1/me')</script></body></html>";
    // Refused, with a French message naming the field.
    let refused: [(&str, &[u8], &str); 4] = [
        ("dessin.svg", svg, "Type de fichier non accepté"),
        ("cv.pdf", html, "Type de fichier non accepté"),
        ("vide.pdf", b"", "Le fichier est vide"),
        ("vide.txt", b"", "Le fichier est vide"),
    ];
    for (name, bytes, message) in refused {
        let page = student
            .post_multipart(&files, &[], ("file", name, bytes))
            .await;
        assert_eq!(page.status, 422, "{name}: {}", page.body);
        assert!(
            page.body.contains(message) || page.body.contains(&message.to_lowercase()),
            "{name}: {}",
            page.body
        );
    }
    let oversize = vec![b'a'; 20 * 1024 * 1024 + 1];
    let page = student
        .post_multipart(&files, &[], ("file", "journal.txt", &oversize))
        .await;
    assert_eq!(page.status, 422, "oversize");
    assert!(page.body.contains("dépasse 20 Mo"), "{}", page.body);
    assert_eq!(
        on_disk(),
        fixture_files,
        "nothing kept of the refused files"
    );

    // Stored, but inert: active content as text, a bomb never inflated, a zip slip never
    // unpacked — each served only as a sandboxed download, never as a page.
    let bomb = zip_of_zeros("zeros.bin", 64 * 1024 * 1024);
    assert!(bomb.len() < 256 * 1024, "the bomb is small: {}", bomb.len());
    let slip = {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file(
            "../../../../tmp/evil.sh",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("entry");
        zip.write_all(b"#!/bin/sh\necho pwned\n").expect("write");
        zip.finish().expect("zip");
        out.into_inner()
    };
    let inert: [(&str, &[u8], &str); 4] = [
        ("page.html", html, "text/plain; charset=utf-8"),
        ("dessin.xml", svg, "text/plain; charset=utf-8"),
        ("bombe.zip", &bomb, "application/zip"),
        ("slip.zip", &slip, "application/zip"),
    ];
    for (name, bytes, content_type) in inert {
        let before = artifact_ids(&student.get(&page_of).await.body, owner);
        let page = student
            .post_multipart(&files, &[], ("file", name, bytes))
            .await;
        assert_eq!(page.status, 303, "{name}: {}", page.body);
        let after = artifact_ids(&student.get(&page_of).await.body, owner);
        let aid = after
            .iter()
            .find(|a| !before.contains(a))
            .unwrap_or_else(|| panic!("{name}: no new artifact"));
        let got = student
            .get(&format!("/students/{owner}/artifacts/{aid}"))
            .await;
        assert_eq!(got.status, 200, "{name}");
        if content_type.starts_with("text/") {
            assert_eq!(got.body.as_bytes(), bytes, "{name}: served as stored");
        } else {
            assert!(
                got.body.starts_with("PK\u{3}\u{4}"),
                "{name}: served as stored"
            );
        }
        assert_eq!(got.header("content-type"), Some(content_type), "{name}");
        assert!(
            got.header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment;")),
            "{name}: {:?}",
            got.headers
        );
        assert_eq!(
            got.header("x-content-type-options"),
            Some("nosniff"),
            "{name}"
        );
        assert!(
            got.header("content-security-policy")
                .is_some_and(|c| c.starts_with("sandbox")),
            "{name}: {:?}",
            got.headers
        );
    }
    assert!(
        !std::path::Path::new("/tmp/evil.sh").exists(),
        "zip slip unpacked"
    );

    // The zip bomb as a spreadsheet to import: refused in French, nothing inflated.
    let xlsx_bomb = zip_of_zeros("xl/worksheets/sheet1.xml", 64 * 1024 * 1024);
    let page = student
        .post_multipart(
            &format!("/students/{owner}/synthesis-import"),
            &[],
            ("file", "tableau.xlsx", &xlsx_bomb),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("Champ « file »"), "{}", page.body);
    // The zip slip as a dossier to import: refused, nothing written outside the files.
    let page = student
        .post_multipart(
            &format!("/students/{owner}/import"),
            &[],
            ("file", "dossier.zip", &slip),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("rien n’a été importé") || page.body.contains("Champ « file »"),
        "{}",
        page.body
    );
    assert!(
        !std::path::Path::new("/tmp/evil.sh").exists(),
        "zip slip unpacked"
    );
}
