//! Every route of the application, declared once.
//!
//! [`table`] lists (method, path, handler); [`router`] is built from it and nothing else, and
//! the access test (`tests/web.rs`) walks the same list against the committed expected table
//! `tests/access.tsv`, so a route added here without an expected-access entry fails the tests.

use crate::pages::{
    account, admin, api, assets, auth, browse, class_dashboard, conformity, dashboard, documents,
    dossier, evaluation, exams, internships, jury, portable, public, reclamation,
};
use crate::{AppState, security, session};
use axum::Router;
use axum::extract::DefaultBodyLimit;

/// Largest request body of a file upload: the file limit and room for the form around it.
pub const UPLOAD_LIMIT: usize = portfolio_domain::artifact::MAX_FILE_BYTES + 1024 * 1024;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};

/// (method, path, handler) for every route, one line each.
#[rustfmt::skip]
pub fn table() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/health", get(assets::health)),
        (Method::GET, "/static/app.css", get(assets::stylesheet)),
        (Method::GET, "/", get(dashboard::home)),
        (Method::GET, "/login", get(auth::login_form)),
        (Method::POST, "/login", post(auth::login)),
        (Method::POST, "/logout", post(auth::logout)),
        (Method::GET, "/dashboard", get(dashboard::dashboard)),
        (Method::GET, "/account", get(account::page)),
        (Method::POST, "/account/password", post(account::change_password)),
        (Method::GET, "/frameworks", get(browse::frameworks)),
        (Method::GET, "/frameworks/{id}", get(browse::framework)),
        (Method::GET, "/students/{id}", get(dossier::student)),
        (Method::GET, "/students/{id}/coverage", get(dossier::coverage)),
        (Method::POST, "/students/{id}/hand-in", post(dossier::hand_in)),
        (Method::POST, "/students/{id}/reopen", post(dossier::reopen)),
        (Method::POST, "/students/{id}/public-links", post(dossier::create_public_link)),
        (Method::POST, "/students/{id}/public-links/{lid}/revoke", post(dossier::revoke_public_link)),
        (Method::GET, "/students/{id}/portfolio.zip", get(public::offline_copy)),
        (Method::GET, "/students/{id}/synthesis.pdf", get(documents::synthesis_pdf)),
        (Method::GET, "/students/{id}/synthesis.xlsx", get(documents::synthesis_xlsx)),
        (Method::POST, "/students/{id}/synthesis-import", post(documents::import_synthesis).layer(DefaultBodyLimit::max(UPLOAD_LIMIT))),
        (Method::GET, "/students/{id}/export.zip", get(portable::export)),
        (Method::GET, "/students/{id}/internships", get(internships::list)),
        (Method::POST, "/students/{id}/candidate-facts", post(internships::set_facts)),
        (Method::POST, "/students/{id}/conformity/{session}", post(conformity::record_by_team)),
        (Method::POST, "/students/{id}/internships", post(internships::create)),
        (Method::GET, "/students/{id}/internships/{iid}/edit", get(internships::edit_form)),
        (Method::POST, "/students/{id}/internships/{iid}", post(internships::update)),
        (Method::POST, "/students/{id}/internships/{iid}/delete", post(internships::delete)),
        (Method::POST, "/students/{id}/internships/{iid}/reports", post(internships::report)),
        (Method::POST, "/students/{id}/internships/{iid}/reviews", post(internships::review)),
        (Method::POST, "/students/{id}/internships/{iid}/certificate", post(internships::upload_certificate).layer(DefaultBodyLimit::max(UPLOAD_LIMIT))),
        (Method::GET, "/students/{id}/internships/{iid}/certificate", get(internships::download_certificate)),
        (Method::GET, "/students/{id}/internships/{iid}/certificate-form.pdf", get(internships::certificate_form_pdf)),
        (Method::POST, "/students/{id}/internships/{iid}/certificate/confirm", post(internships::confirm_certificate)),
        (Method::POST, "/students/{id}/internships/{iid}/tutor-links", post(internships::create_tutor_link)),
        (Method::POST, "/students/{id}/internships/{iid}/tutor-links/{tlid}/revoke", post(internships::revoke_tutor_link)),
        (Method::GET, "/t/{tutor_token}", get(internships::tutor)),
        (Method::POST, "/t/{tutor_token}/review", post(internships::tutor_review)),
        (Method::POST, "/t/{tutor_token}/certificate", post(internships::tutor_certificate)),
        (Method::POST, "/students/{id}/import", post(portable::import).layer(DefaultBodyLimit::max(portable::IMPORT_LIMIT))),
        (Method::GET, "/students/{id}/e5/{n}/sheet.pdf", get(documents::e5_sheet_pdf)),
        (Method::GET, "/p/{token}", get(public::portfolio)),
        (Method::GET, "/p/{token}/artifacts/{aid}", get(public::artifact)),
        (Method::POST, "/students/{id}/e5", post(dossier::choose_e5)),
        (Method::GET, "/students/{id}/realisations/new", get(dossier::new_realisation)),
        (Method::POST, "/students/{id}/realisations", post(dossier::create_realisation)),
        (Method::GET, "/students/{id}/realisations/{rid}", get(dossier::realisation)),
        (Method::POST, "/students/{id}/realisations/{rid}", post(dossier::update_realisation)),
        (Method::GET, "/students/{id}/realisations/{rid}/edit", get(dossier::edit_realisation)),
        (Method::POST, "/students/{id}/realisations/{rid}/delete", post(dossier::delete_realisation)),
        (Method::POST, "/students/{id}/realisations/{rid}/links", post(dossier::add_link)),
        (Method::POST, "/students/{id}/realisations/{rid}/files", post(dossier::upload_file).layer(DefaultBodyLimit::max(UPLOAD_LIMIT))),
        (Method::POST, "/students/{id}/realisations/{rid}/comments", post(dossier::add_comment)),
        (Method::POST, "/students/{id}/realisations/{rid}/review", post(dossier::set_review)),
        (Method::GET, "/students/{id}/artifacts/{aid}", get(dossier::download_artifact)),
        (Method::POST, "/students/{id}/artifacts/{aid}/delete", post(dossier::delete_artifact)),
        (Method::GET, "/classes/{id}", get(browse::class)),
        (Method::GET, "/classes/{id}/dashboard", get(class_dashboard::dashboard)),
        (Method::GET, "/classes/{id}/dashboard.csv", get(class_dashboard::dashboard_csv)),
        (Method::GET, "/classes/{id}/dashboard.xlsx", get(class_dashboard::dashboard_xlsx)),
        (Method::GET, "/schools/{id}", get(browse::school)),
        (Method::GET, "/commissions/{id}", get(evaluation::commission)),
        (Method::GET, "/commissions/{id}/candidates/{sid}", get(evaluation::show)),
        (Method::POST, "/commissions/{id}/candidates/{sid}", post(evaluation::save)),
        (Method::POST, "/commissions/{id}/candidates/{sid}/visa", post(evaluation::sign)),
        (Method::GET, "/commissions/{id}/candidates/{sid}/grid.pdf", get(evaluation::grid_pdf)),
        (Method::GET, "/commissions/{id}/candidates/{sid}/fiche.pdf", get(evaluation::appraisal_pdf)),
        (Method::GET, "/students/{id}/appraisals", get(evaluation::appraisals)),
        (Method::GET, "/students/{id}/appraisals/{eid}/fiche.pdf", get(evaluation::appraisal_copy_pdf)),
        (Method::POST, "/students/{id}/reclamations", post(reclamation::request)),
        (Method::GET, "/reclamations", get(reclamation::desk)),
        (Method::POST, "/exam-sessions/{id}/reclamations/{sid}/send", post(reclamation::send)),
        (Method::POST, "/exam-sessions/{id}/appraisal-publication", post(reclamation::set_publication)),
        (Method::GET, "/exam-sessions/{id}", get(exams::page)),
        (Method::POST, "/exam-sessions/{id}/settings", post(exams::save_settings)),
        (Method::POST, "/exam-sessions/{id}/registrations", post(exams::import_registrations).layer(DefaultBodyLimit::max(UPLOAD_LIMIT))),
        (Method::POST, "/exam-sessions/{id}/commissions", post(exams::save_commission)),
        (Method::POST, "/exam-sessions/{id}/commissions/{cid}/candidates", post(exams::assign)),
        (Method::POST, "/exam-sessions/{id}/commissions/{cid}/schedule", post(exams::schedule)),
        (Method::POST, "/exam-sessions/{id}/close", post(exams::close)),
        (Method::GET, "/exam-sessions/{id}/conformity", get(conformity::page)),
        (Method::POST, "/exam-sessions/{id}/due-date", post(conformity::set_due_date)),
        (Method::POST, "/exam-sessions/{id}/conformity/{sid}", post(conformity::record)),
        (Method::GET, "/exam-sessions/{id}/conformity/{sid}/sheet.pdf", get(conformity::sheet_pdf)),
        // Jury and transmission (jury.rs)
        (Method::GET, "/exam-sessions/{id}/harmonisation", get(jury::harmonisation)),
        (Method::POST, "/exam-sessions/{id}/evaluations/{eid}/mark", post(jury::arrest)),
        (Method::POST, "/exam-sessions/{id}/deliberate", post(jury::deliberate)),
        (Method::GET, "/schools/{id}/bordereaux", get(jury::bordereaux)),
        (Method::GET, "/schools/{id}/exam-sessions/{session}/bordereau.xlsx", get(jury::bordereau_xlsx)),
        (Method::GET, "/schools/{id}/exam-sessions/{session}/bordereau.pdf", get(jury::bordereau_pdf)),
        (Method::GET, "/schools/{id}/exam-sessions/{session}/transmission.zip", get(jury::transmission_zip)),
        (Method::GET, "/admin/users", get(admin::users)),
        (Method::POST, "/admin/users", post(admin::create_user)),
        (Method::GET, "/admin/users/{id}", get(admin::user)),
        (Method::POST, "/admin/users/{id}/disable", post(admin::disable_user)),
        (Method::POST, "/admin/users/{id}/enable", post(admin::enable_user)),
        (Method::POST, "/admin/users/{id}/reset-password", post(admin::reset_password)),
        (Method::POST, "/admin/users/{id}/grants", post(admin::add_grant)),
        (Method::POST, "/admin/users/{id}/grants/remove", post(admin::remove_grant)),
        (Method::POST, "/admin/users/{id}/enrolment", post(admin::enrol)),
        (Method::GET, "/admin/schools", get(admin::schools)),
        (Method::POST, "/admin/schools", post(admin::create_school)),
        (Method::POST, "/admin/classes", post(admin::create_class)),
        (Method::GET, "/admin/audit", get(admin::audit_log)),
        (Method::GET, "/api/v1/frameworks/{id}", get(api::framework)),
        (Method::GET, "/api/v1/me", get(api::me)),
        (Method::GET, "/api/v1/students/{id}/realisations", get(api::realisations)),
        (Method::POST, "/api/v1/students/{id}/realisations", post(api::create_realisation)),
        (Method::GET, "/api/v1/students/{id}/realisations/{rid}", get(api::realisation)),
        (Method::POST, "/api/v1/students/{id}/realisations/{rid}", post(api::update_realisation)),
        (Method::GET, "/api/v1/students/{id}/coverage", get(api::coverage)),
        (Method::GET, "/api/v1/students/{id}/internships", get(api::internships)),
        (Method::POST, "/api/v1/students/{id}/internships", post(api::create_internship)),
    ]
}

/// The application: the routes of [`table`], behind the session, CSRF and header middleware.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (_, path, handler) in table() {
        router = router.route(path, handler);
    }
    router
        .fallback(assets::not_found)
        .method_not_allowed_fallback(assets::method_not_allowed)
        // Layers run outside-in in reverse order of declaration: headers, then session, then CSRF.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::csrf_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::load_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .with_state(state)
}
