//! Checks made on an uploaded file before any spreadsheet parser sees it: its size, its kind,
//! and the real unpacked size of every part of the zip (a zip bomb can lie in its headers).

use std::io::{self, Cursor, Read};

use zip::ZipArchive;

use super::text::quote;
use super::{ImportError, ImportLimits};

/// The OLE2 compound file signature: old .xls files and password-protected .xlsx files.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn mib(n: u64) -> String {
    let tenths = n.saturating_mul(10) / (1024 * 1024);
    format!("{},{} Mo", tenths / 10, tenths % 10)
}

/// Whether a compound file holds an encrypted OOXML package (its stream names are UTF-16).
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Returns `Ok` when the bytes are a zip whose parts calamine can unpack within the limits.
pub fn check(bytes: &[u8], limits: &ImportLimits) -> Result<(), ImportError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ImportError::TooLarge {
            size: mib(bytes.len() as u64),
            max: mib(limits.max_file_bytes as u64),
        });
    }
    if bytes.is_empty() {
        return Err(ImportError::NotXlsx("le fichier est vide".into()));
    }
    if bytes.starts_with(&CFB_MAGIC) {
        return Err(if is_encrypted_package(bytes) {
            ImportError::Encrypted
        } else {
            ImportError::LegacyXls
        });
    }
    if !bytes.starts_with(b"PK") {
        return Err(ImportError::NotXlsx(
            "ce n’est pas un classeur au format .xlsx".into(),
        ));
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::NotXlsx(format!("archive .xlsx illisible ({e})")))?;
    if zip.len() > limits.max_zip_entries {
        return Err(ImportError::LimitExceeded(format!(
            "le classeur contient {} fichiers internes (au plus {})",
            zip.len(),
            limits.max_zip_entries
        )));
    }
    let mut has_workbook = false;
    let mut declared_total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| ImportError::Corrupt(format!("archive .xlsx abîmée ({e})")))?;
        if entry.encrypted() {
            return Err(ImportError::Encrypted);
        }
        has_workbook |= entry.name() == "xl/workbook.xml";
        let declared = entry.size();
        if declared > limits.max_part_bytes as u64 {
            return Err(bomb(entry.name(), declared, limits));
        }
        declared_total = declared_total.saturating_add(declared);
    }
    if declared_total > limits.max_unpacked_bytes as u64 {
        return Err(ImportError::LimitExceeded(format!(
            "le classeur décompressé ferait {} (au plus {})",
            mib(declared_total),
            mib(limits.max_unpacked_bytes as u64)
        )));
    }
    if !has_workbook {
        return Err(ImportError::NotXlsx(
            "l’archive ne contient pas de classeur Excel (xl/workbook.xml)".into(),
        ));
    }
    // Headers can lie: unpack every part for real, stopping one byte past the limit.
    let mut real_total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| ImportError::Corrupt(format!("archive .xlsx abîmée ({e})")))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_owned();
        let cap = limits.max_part_bytes as u64 + 1;
        let n = io::copy(&mut (&mut entry).take(cap), &mut io::sink()).map_err(|e| {
            ImportError::Corrupt(format!("partie « {} » illisible ({e})", quote(&name, 80)))
        })?;
        if n >= cap {
            return Err(bomb(&name, n, limits));
        }
        real_total = real_total.saturating_add(n);
        if real_total > limits.max_unpacked_bytes as u64 {
            return Err(ImportError::LimitExceeded(format!(
                "le classeur décompressé dépasse {}",
                mib(limits.max_unpacked_bytes as u64)
            )));
        }
    }
    Ok(())
}

fn bomb(name: &str, size: u64, limits: &ImportLimits) -> ImportError {
    ImportError::LimitExceeded(format!(
        "la partie « {} » du classeur ferait au moins {} une fois décompressée (au plus {})",
        quote(name, 80),
        mib(size),
        mib(limits.max_part_bytes as u64)
    ))
}
