//! The rules of Portfolio SIO as pure functions over plain values, tested without a database.
//!
//! * [`role`]: the roles of the people who use the product and the scope each one is granted on.
//! * [`appraisal`]: what the fiche d'appréciation (annexe 6-4) must show: the defects of the dossier.
//! * [`access`]: the one place where "who may see and change what" is decided. Handlers obtain
//!   capability handles from here; store functions that read or change scoped data take them
//!   as arguments, so an unauthorised call does not type-check.
//! * [`internship_form`]: an internship, employment period or apprenticeship as entered.
//! * [`password`]: the password policy (length and blocklist, no composition rules).
//! * [`realisation`]: a réalisation professionnelle as entered, checked field by field.
//! * [`registration`]: a candidate registered in an exam session (number, names, option, route, form).
//! * [`route`]: routes of study (voies de formation).
//! * [`schedule`]: passing times of a commission's candidates (Bloc 1 orals, interleaved Bloc 2 days).
//! * [`session_labels`]: the exam codes and annex labels a session prints (data, not constants).
//! * [`artifact`]: which files and links are accepted as productions.
//! * [`commission`]: the composition rules of a commission d'interrogation (annexe II.D).
//! * [`conformity`]: the contrôle de conformité of the E4 dossier (annexe 6-2): grounds and state.
//! * [`coverage`]: which competencies the réalisations cover, and the E5 pair check.
//! * [`dossier`]: réalisations professionnelles and the inputs of the dossier documents.
//! * [`evaluation`]: the marking rules of the grille d'aide à l'évaluation (annexe 6-3).
//! * [`harmonisation`]: the figures the jury compares commissions with, and which deviate.
//! * [`grid`]: the rows of the evaluation grids and the inputs of the grid, fiche and bordereau.
//! * [`forms`]: the inputs of the attestation de stage (annexe 9) and the conformité sheet (6-2).
//! * [`internship`]: the internship rules of annexe III.B per route, as verdicts with reasons.
//! * [`input`]: validated values built from user input, with French error messages.

pub mod access;
pub mod appraisal;
pub mod artifact;
pub mod commission;
pub mod conformity;
pub mod coverage;
pub mod dossier;
pub mod evaluation;
pub mod forms;
pub mod grid;
pub mod harmonisation;
pub mod input;
pub mod internship;
pub mod internship_form;
pub mod password;
pub mod realisation;
pub mod registration;
pub mod role;
pub mod route;
pub mod schedule;
pub mod session_labels;
