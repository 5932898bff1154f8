//! Writes sample documents to a folder, to look at them:
//! `cargo run -p portfolio-pdf --example render -- /tmp/pdf` then e.g.
//! `pdftoppm -r 80 -png /tmp/pdf/synthesis-12.pdf /tmp/pdf/synthesis-12`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/pdf".into()),
    );
    std::fs::create_dir_all(&dir)?;
    for rows in [12, 40] {
        let pdf = portfolio_pdf::synthesis_pdf(&common::synthesis_table(rows))?;
        std::fs::write(dir.join(format!("synthesis-{rows}.pdf")), pdf)?;
    }
    for len in [2_000, 9_000] {
        let pdf = portfolio_pdf::realisation_sheet_pdf(&common::realisation_sheet(len))?;
        std::fs::write(dir.join(format!("realisation-{len}.pdf")), pdf)?;
    }
    for n in [6, 30, 60] {
        let pdf = portfolio_pdf::internship_certificate_pdf(&common::internship_certificate(n))?;
        std::fs::write(dir.join(format!("attestation-{n}.pdf")), pdf)?;
    }
    for len in [300, 3_000, 9_000] {
        let pdf = portfolio_pdf::conformity_sheet_pdf(&common::conformity_sheet(len))?;
        std::fs::write(dir.join(format!("conformite-{len}.pdf")), pdf)?;
    }
    // Ponctuelle, conforme, nobody named yet: the blank visa boxes.
    let mut compliant = common::conformity_sheet(0);
    compliant.exam_form = portfolio_framework::ExamForm::OneOff;
    compliant.findings.clear();
    compliant.decision = portfolio_domain::forms::ConformityDecision::Compliant;
    compliant.deciders.clear();
    let pdf = portfolio_pdf::conformity_sheet_pdf(&compliant)?;
    std::fs::write(dir.join("conformite-conforme.pdf"), pdf)?;
    println!("written to {}", dir.display());
    Ok(())
}
