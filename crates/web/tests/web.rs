//! Integration tests of the web layer, one binary: the real server (`portfolio_web::serve`) on
//! 127.0.0.1 over a fresh SQLite database holding a fixture world of two schools, their
//! classes, students, staff, exam sessions and commissions (see `web/support.rs`).
//!
//! * `access`: every route × every role against the committed table `tests/access.tsv`.
//! * `audit`: the audit page's paging by id, its filters, admin only.
//! * `headers`: the security headers on every type of answer.
//! * `security`: headers, CSRF, origin check, login throttling, session lifecycle, audit log.
//! * `dossier`: réalisations, productions, coverage, the teachers' follow-up.
//! * `internships`: internships, weekly reports, reviews, certificates, the tutor's link.
//! * `conformity`: the contrôle de conformité of a session of 35 candidates, and its sheets.
//! * `confidentiality`: no mark of a CCF evaluation reaches the candidate, by a crawl of all they reach.
//! * `version`: the commission, the jury and the public link see only the handed-in dossier, on every route.
//! * `evaluation`: session setup, commissions, the grid and fiche with visas, the candidate's copy.
//! * `reclamation`: the candidate asks for the fiche, the head of school sends it without the mark.
//! * `jury`: harmonisation, the jury's marks and deliberation, the bordereau récapitulatif.
//! * `uploads`: no body read before the request is allowed, streamed uploads, uploads in flight,
//!   audited CSRF refusals, the upload corpus.
//! * `browser`: the login, dashboard and logout in headless Chromium through chromedriver.

#[path = "web/access.rs"]
mod access;
#[path = "web/audit.rs"]
mod audit;
#[path = "web/browser.rs"]
mod browser;
#[path = "web/confidentiality.rs"]
mod confidentiality;
#[path = "web/conformity.rs"]
mod conformity;
#[path = "web/dossier.rs"]
mod dossier;
#[path = "web/evaluation.rs"]
mod evaluation;
#[path = "web/headers.rs"]
mod headers;
#[path = "web/inputs.rs"]
mod inputs;
#[path = "web/internships.rs"]
mod internships;
#[path = "web/jury.rs"]
mod jury;
#[path = "web/reclamation.rs"]
mod reclamation;
#[path = "web/security.rs"]
mod security;
#[path = "web/support.rs"]
mod support;
#[path = "web/throttle.rs"]
mod throttle;
#[path = "web/uploads.rs"]
mod uploads;
#[path = "web/version.rs"]
mod version;
