//! Productions attached to a réalisation: which files are accepted (by their content, not only
//! their name), the limits, and which links.

use crate::input::InvalidInput;

/// Largest file accepted.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Files a student may store in all.
pub const QUOTA_BYTES: i64 = 200 * 1024 * 1024;
pub const MAX_NAME: usize = 200;

/// The kind of a file, recognised from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub content_type: &'static str,
    /// What people call it, for messages.
    pub label: &'static str,
}

const PDF: FileType = FileType {
    content_type: "application/pdf",
    label: "PDF",
};
const PNG: FileType = FileType {
    content_type: "image/png",
    label: "image PNG",
};
const JPEG: FileType = FileType {
    content_type: "image/jpeg",
    label: "image JPEG",
};
const GIF: FileType = FileType {
    content_type: "image/gif",
    label: "image GIF",
};
const WEBP: FileType = FileType {
    content_type: "image/webp",
    label: "image WebP",
};
const TEXT: FileType = FileType {
    content_type: "text/plain; charset=utf-8",
    label: "texte",
};

/// Zip containers, told apart by their extension once the content is known to be a zip.
const ZIPS: &[(&str, FileType)] = &[
    (
        "docx",
        FileType {
            content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            label: "document Word",
        },
    ),
    (
        "xlsx",
        FileType {
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            label: "classeur Excel",
        },
    ),
    (
        "pptx",
        FileType {
            content_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            label: "présentation PowerPoint",
        },
    ),
    (
        "odt",
        FileType {
            content_type: "application/vnd.oasis.opendocument.text",
            label: "document OpenDocument",
        },
    ),
    (
        "ods",
        FileType {
            content_type: "application/vnd.oasis.opendocument.spreadsheet",
            label: "classeur OpenDocument",
        },
    ),
    (
        "odp",
        FileType {
            content_type: "application/vnd.oasis.opendocument.presentation",
            label: "présentation OpenDocument",
        },
    ),
    (
        "zip",
        FileType {
            content_type: "application/zip",
            label: "archive ZIP",
        },
    ),
];

/// Text files accepted by extension once the content is known to be UTF-8 text.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "md", "csv", "log", "conf", "cfg", "ini", "yml", "yaml", "json", "xml", "sql", "sh",
    "ps1", "py", "php", "js", "ts", "java", "cs", "c", "h", "cpp", "rs", "go", "rb", "html", "css",
];

const ACCEPTED: &str = "PDF, images (PNG, JPEG, GIF, WebP), documents Office ou OpenDocument, archive ZIP, fichiers texte (configuration, script, code)";

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Recognises an uploaded file from its content; the name's extension must agree with it.
pub fn file_type(name: &str, bytes: &[u8]) -> Result<FileType, InvalidInput> {
    let mut sniffer = FileSniffer::default();
    sniffer.push(bytes);
    sniffer.finish(name)
}

/// What [`file_type`] needs to know of a file, gathered chunk by chunk while it streams to the
/// disk: its first bytes, its size, and whether it is UTF-8 text without NUL.
#[derive(Debug, Clone)]
pub struct FileSniffer {
    head: Vec<u8>,
    len: u64,
    utf8: bool,
    /// The start of a UTF-8 character cut by the end of the last chunk (at most 3 bytes).
    pending: Vec<u8>,
    nul: bool,
}

/// Bytes enough for every signature [`file_type`] looks for.
const HEAD_BYTES: usize = 16;

impl Default for FileSniffer {
    fn default() -> Self {
        FileSniffer {
            head: Vec::with_capacity(HEAD_BYTES),
            len: 0,
            utf8: true,
            pending: Vec::new(),
            nul: false,
        }
    }
}

impl FileSniffer {
    pub fn push(&mut self, chunk: &[u8]) {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.len += chunk.len() as u64;
        if chunk.contains(&0) {
            self.nul = true;
        }
        if !self.utf8 || self.nul {
            return;
        }
        let joined;
        let data = if self.pending.is_empty() {
            chunk
        } else {
            joined = [self.pending.as_slice(), chunk].concat();
            joined.as_slice()
        };
        match std::str::from_utf8(data) {
            Ok(_) => self.pending.clear(),
            // Cut at the end of the chunk: the next one completes it (or the file ends on it).
            Err(e) if e.error_len().is_none() => self.pending = data[e.valid_up_to()..].to_vec(),
            Err(_) => self.utf8 = false,
        }
    }

    /// Bytes seen so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The type of the whole file named `name`, as [`file_type`] decides it.
    pub fn finish(&self, name: &str) -> Result<FileType, InvalidInput> {
        let bytes = self.head.as_slice();
        if self.len == 0 {
            return Err(InvalidInput::new("file", "le fichier est vide"));
        }
        if self.len > MAX_FILE_BYTES as u64 {
            return Err(InvalidInput::new(
                "file",
                format!(
                    "le fichier fait {} Mo : 20 Mo au plus ; pour une vidéo ou une machine virtuelle, déposez plutôt un lien",
                    self.len.div_ceil(1024 * 1024)
                ),
            ));
        }
        let ext = extension(name);
        let by_content = if bytes.starts_with(b"%PDF-") {
            Some((PDF, &["pdf"][..]))
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some((PNG, &["png"][..]))
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some((JPEG, &["jpg", "jpeg"][..]))
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some((GIF, &["gif"][..]))
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some((WEBP, &["webp"][..]))
        } else {
            None
        };
        if let Some((t, exts)) = by_content {
            return if exts.contains(&ext.as_str()) {
                Ok(t)
            } else {
                Err(InvalidInput::new(
                    "file",
                    format!(
                        "le contenu est un fichier {} mais son nom se termine par « .{ext} » : renommez-le en .{}",
                        t.label, exts[0]
                    ),
                ))
            };
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return ZIPS
                .iter()
                .find(|(e, _)| *e == ext)
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    InvalidInput::new(
                        "file",
                        format!("archive « .{ext} » non acceptée : formats acceptés : {ACCEPTED}"),
                    )
                });
        }
        let is_text = self.utf8 && self.pending.is_empty() && !self.nul;
        if is_text && TEXT_EXTENSIONS.contains(&ext.as_str()) {
            return Ok(TEXT);
        }
        Err(InvalidInput::new(
            "file",
            format!("type de fichier non accepté : formats acceptés : {ACCEPTED}"),
        ))
    }
}

/// A file name safe to show and to send back in `Content-Disposition`: no path, no control
/// characters, at most [`MAX_NAME`] characters.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(MAX_NAME)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "fichier".into()
    } else {
        cleaned
    }
}

/// A link to a production: absolute http or https URL with a host.
pub fn check_link(raw: &str) -> Result<String, InvalidInput> {
    let s = raw.trim();
    let bad = |why: &str| {
        InvalidInput::new(
            "url",
            format!("lien invalide : {why} (exemple attendu : https://github.com/moi/projet)"),
        )
    };
    if s.is_empty() {
        return Err(bad("le champ est vide"));
    }
    if s.len() > 2000 {
        return Err(bad("il dépasse 2 000 caractères"));
    }
    let url = url::Url::parse(s).map_err(|_| bad("ce n’est pas une adresse web complète"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            "seules les adresses http:// et https:// sont acceptées",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("il manque le nom du site"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "il ne doit pas contenir d’identifiant ni de mot de passe",
        ));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_content_and_their_name_must_agree() {
        assert_eq!(
            file_type("cr.pdf", b"%PDF-1.7 ...").map(|t| t.content_type),
            Ok("application/pdf")
        );
        assert_eq!(
            file_type("s.PNG", b"\x89PNG\r\n\x1a\nxxxx").map(|t| t.label),
            Ok("image PNG")
        );
        assert_eq!(
            file_type("a.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]).map(|t| t.label),
            Ok("image JPEG")
        );
        assert_eq!(
            file_type("doc.docx", b"PK\x03\x04rest").map(|t| t.label),
            Ok("document Word")
        );
        assert_eq!(
            file_type("vlan.conf", b"interface vlan 10\n").map(|t| t.label),
            Ok("texte")
        );
        // A program renamed as a PDF is refused: the content decides.
        let err = file_type("cv.pdf", b"MZ\x90\x00\x03").expect_err("exe");
        assert!(
            err.message.contains("type de fichier non accepté"),
            "{}",
            err.message
        );
        let err = file_type("image.pdf", b"\x89PNG\r\n\x1a\n").expect_err("mismatch");
        assert!(
            err.message.contains("renommez-le en .png"),
            "{}",
            err.message
        );
        let err = file_type("virus.exe", b"PK\x03\x04").expect_err("zip with exe name");
        assert!(err.message.contains("« .exe »"), "{}", err.message);
        assert!(file_type("a.txt", b"").is_err());
        assert!(file_type("a.txt", b"bin\0ary").is_err());
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(
            file_type("a.txt", &big)
                .expect_err("too big")
                .message
                .contains("20 Mo au plus")
        );
    }

    #[test]
    fn file_names_lose_their_path_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\moi\\rapport final.pdf"),
            "rapport final.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_file_name("///"), "fichier");
    }

    #[test]
    fn only_web_links_are_accepted() {
        assert_eq!(
            check_link(" https://github.com/moi/projet ").as_deref(),
            Ok("https://github.com/moi/projet")
        );
        for bad in [
            "",
            "javascript:alert(1)",
            "ftp://x.fr/a",
            "file:///etc/passwd",
            "github.com/moi",
            "https://user:pw@x.fr/",
            "data:text/html,<script>",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_file_sniffed_chunk_by_chunk_is_judged_as_a_whole() {
        let samples: [(&str, &[u8]); 7] = [
            ("cr.pdf", b"%PDF-1.7 ..."),
            ("notes.txt", "Édition réseau : é à ç €\n".as_bytes()),
            ("notes.txt", b"caf\xC3"),
            ("notes.txt", b"caf\xC3\x28 invalide"),
            ("notes.txt", b"nul\0byte"),
            ("page.pdf", b"<html><script>alert(1)</script></html>"),
            ("doc.docx", b"PK\x03\x04rest"),
        ];
        for (name, bytes) in samples {
            let whole = file_type(name, bytes);
            for size in [1, 2, 3, 5] {
                let mut s = FileSniffer::default();
                for chunk in bytes.chunks(size) {
                    s.push(chunk);
                }
                assert_eq!(s.finish(name), whole, "{name} by {size}");
            }
        }
        assert!(file_type("notes.txt", "é€".as_bytes()).is_ok());
        assert!(file_type("notes.txt", b"caf\xC3").is_err(), "cut character");
    }
}
