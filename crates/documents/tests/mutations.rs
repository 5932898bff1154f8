//! A quick fuzz run on stable: thousands of pseudo-random mutations of a valid table, at the
//! byte level (the zip) and inside the XML parts (the spreadsheet parser and the importer). The
//! importer must answer every one without panicking, even inside the parser (which it would
//! report as `ImportError::Internal`). The real fuzz target is in `fuzz/`.

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::time::Instant;

use portfolio_documents::{ImportError, import_synthesis_xlsx, synthesis_xlsx};

/// xorshift64: deterministic, so a failure can be replayed from its iteration number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens that stress a spreadsheet parser more than random bytes do.
const TOKENS: &[&str] = &[
    r#"<c r="XFD1048576" t="inlineStr"><is><t>X</t></is></c>"#,
    r#"<c r="A4294967295"><v>1</v></c>"#,
    r#"<row r="4294967295">"#,
    r#"<row r="99999999"><c r="B99999999" t="s"><v>0</v></c></row>"#,
    r#"<c r="C9" t="s"><v>999999999</v></c>"#,
    r#"<c r="B9" s="9999"><v>1e308</v></c>"#,
    r#"<c r="B9" t="d"><v>2023-13-45T99:99</v></c>"#,
    r#"<mergeCell ref="A1:XFD1048576"/>"#,
    r#"<mergeCell ref="ZZZZ0:A"/>"#,
    r#"<dimension ref="A1:XFD1048576"/>"#,
    "&#0;&#xFFFF;&amp;&lt;",
    "</sheetData>",
    "<sheetData>",
    "<si><t>Gérer le patrimoine informatique</t></si>",
    "<t>",
    "\u{0}\u{1}\u{fffd}",
    "r=\"\"",
    "<c>",
    "</c></row></row>",
];

fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(6) {
        if data.is_empty() {
            data.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(data.len());
        match rng.below(6) {
            0 => data[at] ^= 1 << rng.below(8),
            1 => data[at] = rng.next() as u8,
            2 => {
                let end = (at + 1 + rng.below(64)).min(data.len());
                data.drain(at..end);
            }
            3 => {
                let end = (at + 1 + rng.below(64)).min(data.len());
                let copy = data[at..end].to_vec();
                let to = rng.below(data.len());
                data.splice(to..to, copy);
            }
            4 => data.truncate(at),
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                data.splice(at..at, token.iter().copied());
            }
        }
    }
}

/// Imports and tallies the outcome: (complete or not, error kind).
fn check(bytes: &[u8], what: &str, i: usize, tally: &mut BTreeMap<&'static str, usize>) {
    let outcome = match import_synthesis_xlsx(bytes) {
        Ok(imp) if imp.is_complete() => "importé, complet",
        Ok(_) => "importé, incomplet",
        Err(ImportError::Internal) => panic!("{what} mutation {i}: the parser panicked"),
        Err(ImportError::NotASynthesisTable(_)) => "pas un tableau",
        Err(ImportError::Corrupt(_)) => "illisible",
        Err(ImportError::NotXlsx(_)) => "pas un xlsx",
        Err(ImportError::LimitExceeded(_)) => "limite",
        Err(_) => "autre",
    };
    *tally.entry(outcome).or_default() += 1;
}

#[test]
fn thousands_of_mutations_never_panic() {
    let start = Instant::now();
    let base = synthesis_xlsx(&common::sample_table()).expect("xlsx");
    let mut rng = Rng(0x5EED_CAFE_F00D_1234);
    let mut tally = BTreeMap::new();

    // The zip itself.
    for i in 0..2_000 {
        let mut m = base.clone();
        mutate(&mut rng, &mut m);
        check(&m, "byte", i, &mut tally);
    }

    // Inside the parts, repacked without compression so the zip stays valid.
    let mut zip = zip::ZipArchive::new(Cursor::new(base.as_slice())).expect("zip");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read");
        parts.push((f.name().to_owned(), data));
    }
    let targets: Vec<usize> = parts
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n.ends_with(".xml") || n.ends_with(".rels"))
        .map(|(i, _)| i)
        .collect();
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    // Fewer: each one is a full parse, and the test must stay quick in a debug build.
    for i in 0..800 {
        // Mostly the sheet and the shared strings, where the cells are.
        let target = match rng.below(4) {
            0 | 1 => parts
                .iter()
                .position(|(n, _)| n == "xl/worksheets/sheet1.xml"),
            2 => parts.iter().position(|(n, _)| n == "xl/sharedStrings.xml"),
            _ => Some(targets[rng.below(targets.len())]),
        }
        .expect("part");
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (j, (name, data)) in parts.iter().enumerate() {
            out.start_file(name.as_str(), stored).expect("start");
            if j == target {
                let mut m = data.clone();
                mutate(&mut rng, &mut m);
                out.write_all(&m).expect("write");
            } else {
                out.write_all(data).expect("write");
            }
        }
        let bytes = out.finish().expect("zip").into_inner();
        check(&bytes, "xml", i, &mut tally);
    }
    eprintln!("2 800 mutations in {:?}: {tally:?}", start.elapsed());
    // The XML mutations must reach the importer, not only the zip checks.
    assert!(
        tally.get("importé, incomplet").copied().unwrap_or(0)
            + tally.get("importé, complet").copied().unwrap_or(0)
            > 100,
        "{tally:?}"
    );
}
