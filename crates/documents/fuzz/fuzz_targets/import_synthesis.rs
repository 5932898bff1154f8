//! Feeds arbitrary bytes to the tableau de synthèse importer: it must return, never panic,
//! never allocate without bound. Seed the corpus with the fixtures of
//! `regulation/fixtures/tableaux-de-synthese` and a file from `synthesis_xlsx`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use portfolio_documents::{ImportError, import_synthesis_xlsx};

fuzz_target!(|data: &[u8]| {
    match import_synthesis_xlsx(data) {
        Ok(imported) => {
            // Exercise the report paths too.
            let _ = imported.blocking_errors();
            let _ = imported.synthesis_rows();
            for row in &imported.rows {
                let _ = row.report.to_string();
            }
        }
        // The spreadsheet parser panicked and the importer caught it: under the fuzzer the
        // panic hook has already aborted with the input; this is for replays without it.
        Err(ImportError::Internal) => panic!("the spreadsheet parser panicked"),
        Err(_) => {}
    }
});
