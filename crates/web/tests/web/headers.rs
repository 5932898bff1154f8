//! The security headers on every type of answer the server gives: pages, redirects, errors
//! (404, wrong method, 403, CSRF in HTML and JSON), the JSON API, downloads (PDF, .xlsx, .zip, uploaded
//! files), static assets and the secret-link pages `/p/…` and `/t/…` (which keep `no-referrer`).

use crate::support::{Page, TestServer, concrete_path};

/// Every problem with the headers of `page`. `referrer`: the policy expected; `cached`: a static
/// asset (the only answers a cache may keep); `download`: must name itself a download.
fn problems(page: &Page, what: &str, referrer: &str, cached: bool, download: bool) -> Vec<String> {
    let mut p = Vec::new();
    let mut want = |name: &str, ok: bool| {
        if !ok {
            p.push(format!(
                "{what} ({}): {name} is {:?}",
                page.status,
                page.header(name)
            ));
        }
    };
    want(
        "content-security-policy",
        page.header("content-security-policy").is_some_and(|c| {
            c.contains("default-src")
                && c.contains("frame-ancestors 'none'")
                && !c.contains("unsafe-inline")
        }),
    );
    want(
        "x-content-type-options",
        page.header("x-content-type-options") == Some("nosniff"),
    );
    want(
        "x-frame-options",
        page.header("x-frame-options") == Some("DENY"),
    );
    want(
        "referrer-policy",
        page.header("referrer-policy") == Some(referrer),
    );
    want(
        "cross-origin-opener-policy",
        page.header("cross-origin-opener-policy")
            .is_some_and(|v| !v.is_empty()),
    );
    want(
        "permissions-policy",
        page.header("permissions-policy")
            .is_some_and(|v| !v.is_empty()),
    );
    if !cached {
        want(
            "cache-control",
            page.header("cache-control")
                .is_some_and(|c| c.contains("no-store")),
        );
    }
    if download {
        want(
            "content-disposition",
            page.header("content-disposition")
                .is_some_and(|c| c.contains("filename")),
        );
    }
    p
}

#[tokio::test]
async fn every_type_of_answer_carries_the_security_headers() {
    let server = TestServer::start().await;
    let w = &server.world;
    let mut anonymous = server.login("anonymous").await;
    let mut student = server.login("student_owner").await;
    let mut all = Vec::new();
    let mut seen =
        |page: Page, what: &str, status: u16, referrer: &str, cached: bool, download: bool| {
            if page.status != status {
                all.push(format!("{what}: status {} not {status}", page.status));
            }
            all.extend(problems(&page, what, referrer, cached, download));
        };
    seen(
        anonymous.get("/login").await,
        "HTML page",
        200,
        "same-origin",
        false,
        false,
    );
    seen(
        server.client().get("/dashboard").await,
        "redirect to login",
        303,
        "same-origin",
        false,
        false,
    );
    seen(
        anonymous.get("/no-such-page").await,
        "404 page",
        404,
        "same-origin",
        false,
        false,
    );
    seen(
        student.get("/admin/audit").await,
        "403 access denied",
        403,
        "same-origin",
        false,
        false,
    );
    // A wrong method: refused before routing (403) on a route that exists for POST only.
    let wrong = student
        .send(reqwest::Method::GET, "/logout", None, &[])
        .await;
    let status = wrong.status;
    assert!(matches!(status, 403 | 405), "GET /logout: {status}");
    seen(wrong, "wrong method", status, "same-origin", false, false);
    let realisations = concrete_path("/students/{id}/realisations", w);
    seen(
        student.post_form(&realisations, &[("title", "x")]).await,
        "403 CSRF (HTML)",
        403,
        "same-origin",
        false,
        false,
    );
    let api = concrete_path("/api/v1/students/{id}/realisations", w);
    let csrf_json = student.post_form(&api, &[("title", "x")]).await;
    assert!(
        csrf_json
            .header("content-type")
            .is_some_and(|c| c.contains("json"))
    );
    seen(
        csrf_json,
        "403 CSRF (JSON)",
        403,
        "same-origin",
        false,
        false,
    );
    seen(
        student.get("/api/v1/me").await,
        "API 200",
        200,
        "same-origin",
        false,
        false,
    );
    seen(
        student.get("/api/v1/students/999999/realisations").await,
        "API error",
        403,
        "same-origin",
        false,
        false,
    );
    for (path, what) in [
        ("/students/{id}/synthesis.pdf", "PDF"),
        ("/students/{id}/synthesis.xlsx", ".xlsx"),
        ("/students/{id}/export.zip", ".zip"),
        ("/students/{id}/portfolio.zip", "offline .zip"),
    ] {
        seen(
            student.get(&concrete_path(path, w)).await,
            what,
            200,
            "same-origin",
            false,
            true,
        );
    }
    let artifact = format!(
        "/students/{}/artifacts/{}",
        w.user_id("student_owner"),
        w.artifact
    );
    seen(
        student.get(&artifact).await,
        "uploaded file",
        200,
        "same-origin",
        false,
        true,
    );
    seen(
        anonymous.get("/static/app.css").await,
        "static CSS",
        200,
        "same-origin",
        true,
        false,
    );
    seen(
        server.client().get(&format!("/p/{}", w.public_token)).await,
        "public link /p/",
        200,
        "no-referrer",
        false,
        false,
    );
    seen(
        server
            .client()
            .get(&format!("/p/{}/artifacts/{}", w.public_token, w.artifact))
            .await,
        "public link file",
        200,
        "no-referrer",
        false,
        true,
    );
    seen(
        server.client().get(&format!("/t/{}", w.tutor_token)).await,
        "tutor link /t/",
        200,
        "no-referrer",
        false,
        false,
    );
    assert!(all.is_empty(), "{}", all.join("\n"));
}
