//! Reading what people type: accent-insensitive comparisons, ticks, section banners, the
//! title and productions of column A.

use portfolio_domain::dossier::Setting;

/// Lower case, accents removed, typographic apostrophes and dashes made plain, every run of
/// white space (line breaks included) made one space, trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true; // drops leading white space
    for c in s.chars() {
        let mapped: &str = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => {
                "a"
            }
            'ç' | 'Ç' => "c",
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => "i",
            'ñ' | 'Ñ' => "n",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => "o",
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => "u",
            'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            '’' | '‘' | 'ʼ' | '`' | '´' | '′' => "'",
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => "-",
            '«' | '»' | '“' | '”' | '„' => "\"",
            _ if c.is_whitespace() => " ",
            _ => "",
        };
        if mapped == " " {
            if !space {
                out.push(' ');
                space = true;
            }
            continue;
        }
        space = false;
        if mapped.is_empty() {
            out.extend(c.to_lowercase());
        } else {
            out.push_str(mapped);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// [`fold`], then everything but letters and digits made a space: for comparing labels that
/// people retype with other punctuation.
pub fn words(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    let mut space = true;
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A competency cell as a person filled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Ticked,
    Empty,
    /// Something that is neither a tick nor clearly "no".
    Unknown,
}

/// Characters people use for a tick (the variation selector comes with emoji ticks).
fn is_tick_char(c: char) -> bool {
    matches!(
        c,
        'x' | 'X'
            | '×'
            | '✓'
            | '✔'
            | '✗'
            | '✘'
            | '☒'
            | '☑'
            | '✅'
            | '■'
            | '▣'
            | '⊠'
            | '●'
            | '•'
            | '*'
            | '\u{fe0f}'
    )
}

/// Characters of an empty box.
fn is_empty_box_char(c: char) -> bool {
    matches!(c, '☐' | '▢' | '□' | '◻' | '❏' | '❑' | '⬜')
}

pub fn mark_of_text(s: &str) -> Mark {
    let f = fold(s);
    if f.is_empty() {
        return Mark::Empty;
    }
    match f.as_str() {
        "oui" | "yes" | "vrai" | "true" | "1" => return Mark::Ticked,
        "non" | "no" | "faux" | "false" | "0" | "-" | "/" => return Mark::Empty,
        _ => {}
    }
    let compact: Vec<char> = f.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.iter().all(|&c| is_tick_char(c)) && compact.iter().any(|&c| c != '\u{fe0f}') {
        Mark::Ticked
    } else if compact.iter().all(|&c| is_empty_box_char(c)) {
        Mark::Empty
    } else {
        Mark::Unknown
    }
}

/// Whether an option box ("☒ SISR") is ticked: a tick sign next to the code.
pub fn option_ticked(mark_text: &str) -> Option<bool> {
    let compact: Vec<char> = mark_text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    if compact.iter().all(|&c| is_tick_char(c)) {
        Some(true)
    } else if compact.iter().all(|&c| is_empty_box_char(c)) {
        Some(false)
    } else {
        None
    }
}

/// What a section banner says about where its réalisations were done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Known(Setting),
    /// In a workplace, but the banner does not say which year.
    WorkplaceUnknownYear,
    /// Not one of the three sections of the national model.
    Unknown,
}

fn has_any(haystack: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| haystack.contains(n))
}

/// Reads a banner's text, however it was renamed.
pub fn classify_banner(text: &str) -> Section {
    // Spaces on both sides so that short keywords only match whole words.
    let w = format!(" {} ", words(text));
    let first = has_any(
        &w,
        &[
            " premiere annee",
            " 1ere annee",
            " 1re annee",
            " 1er annee",
            " 1 ere annee",
            " 1 re annee",
            " annee 1 ",
            " premiere ",
            " 1ere ",
            " 1re ",
            " sio1 ",
            " sio 1 ",
        ],
    );
    let second = has_any(
        &w,
        &[
            " seconde ",
            " deuxieme ",
            " 2e annee",
            " 2eme annee",
            " 2 eme annee",
            " 2nde annee",
            " 2de annee",
            " 2e ",
            " 2eme ",
            " 2nde ",
            " annee 2 ",
            " sio2 ",
            " sio 2 ",
        ],
    );
    let work = has_any(
        &w,
        &[
            " milieu professionnel",
            " entreprise",
            " stage",
            " alternance",
            " professionnel",
            " employeur",
        ],
    );
    let training = has_any(&w, &[" formation", " ecole", " lycee", " centre "]);
    match (work, training, first, second) {
        (true, _, true, false) => Section::Known(Setting::WorkplaceFirstYear),
        (true, _, false, true) => Section::Known(Setting::WorkplaceSecondYear),
        (true, _, _, _) => Section::WorkplaceUnknownYear,
        (false, true, _, _) => Section::Known(Setting::Training),
        (false, false, true, false) => Section::Known(Setting::WorkplaceFirstYear),
        (false, false, false, true) => Section::Known(Setting::WorkplaceSecondYear),
        _ => Section::Unknown,
    }
}

/// Whether the text of a row that has nothing else, and is not merged across the table, reads
/// like a banner rather than a réalisation with only its title filled in (« Réalisation d’une
/// formation utilisateurs » is a title).
pub fn looks_like_banner_text(text: &str) -> bool {
    let w = format!("{} ", words(text));
    let starts = [
        "realisation",
        "en ",
        "stage",
        "projets",
        "sio",
        "periode",
        "alternance",
    ]
    .iter()
    .any(|p| w.starts_with(p));
    let says_where = [
        "en formation",
        "cours de formation",
        "centre de formation",
        "milieu professionnel",
        "entreprise",
        "stage",
        "alternance",
        "annee",
    ]
    .iter()
    .any(|p| w.contains(p));
    starts && says_where
}

const BULLETS: &[char] = &[
    '•', '▸', '▪', '▫', '◦', '‣', '⁃', '-', '–', '—', '*', '·', '○', '●', '►', '➢', '➤', '→', '✓',
    '✔', '>',
];

/// Strips one list bullet, if the line has one.
pub fn strip_bullet(line: &str) -> Option<&str> {
    let mut chars = line.chars();
    let first = chars.next()?;
    if BULLETS.contains(&first) {
        let rest = chars.as_str();
        // "-5 %" or "->" are not bullets: a bullet is followed by a space or a letter.
        if rest.starts_with(char::is_whitespace)
            || rest.starts_with(char::is_alphabetic)
            || first != '-'
        {
            return Some(rest.trim_start());
        }
    }
    None
}

fn looks_like_file_or_link(line: &str) -> bool {
    let l = line.to_lowercase();
    if l.contains("://") || l.starts_with("www.") {
        return true;
    }
    // "procedure.pdf", "capture-1.png"
    match l.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && (2..=4).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && !l.contains(' ')
        }
        None => false,
    }
}

/// Column A split into a title and productions.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TitleCell {
    pub title: Option<String>,
    pub artifacts: Vec<String>,
    /// Lines joined to the title because they continue its sentence.
    pub joined: Vec<String>,
}

/// The first line is the title, the next ones the productions (a bullet is removed). A line
/// right after the title that goes on with its sentence (starts in lower case or with « + »,
/// and is not a file name or a link) is part of the title: people wrap long titles by hand.
pub fn split_title_cell(text: &str) -> TitleCell {
    let mut out = TitleCell::default();
    let mut lines = text
        .split(['\n', '\r', '\u{2028}'])
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return out;
    };
    let mut title: Option<String> = match strip_bullet(first) {
        // A first line with a bullet is a production: the title is missing.
        Some(item) if !item.is_empty() => {
            out.artifacts.push(item.to_owned());
            None
        }
        _ => Some(first.to_owned()),
    };
    let mut in_title = title.is_some();
    for line in lines {
        if in_title {
            let continues = (line.starts_with(char::is_lowercase)
                || line.starts_with('+')
                || line.starts_with('&'))
                && !looks_like_file_or_link(line);
            let previous_closed = title
                .as_deref()
                .is_some_and(|t| t.ends_with(['.', ':', ';', '!', '?']));
            if continues && !previous_closed {
                if let Some(t) = title.as_mut() {
                    t.push(' ');
                    t.push_str(line);
                }
                out.joined.push(line.to_owned());
                continue;
            }
            in_title = false;
        }
        let item = strip_bullet(line).unwrap_or(line);
        if !item.is_empty() {
            out.artifacts.push(item.to_owned());
        }
    }
    out.title = title.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
    out
}

/// A quotation for a message: at most `max` characters, line breaks shown as « / ».
pub fn quote(s: &str, max: usize) -> String {
    let flat = s
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    let mut out: String = flat.chars().take(max).collect();
    if flat.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_apostrophes_and_spacing() {
        assert_eq!(
            fold("  Répondre aux demandes d’assistance\n et d'évolution "),
            "repondre aux demandes d'assistance et d'evolution"
        );
        assert_eq!(
            fold("Compétences mises en Œuvre"),
            "competences mises en oeuvre"
        );
        assert_eq!(
            words("Référencer les services… mesurer leur visibilité."),
            "referencer les services mesurer leur visibilite"
        );
    }

    #[test]
    fn ticks_people_type() {
        for t in [
            "X", "x", " X ", "✓", "✔", "✔️", "oui", "OUI", "Oui", "☒", "xx", "1",
        ] {
            assert_eq!(mark_of_text(t), Mark::Ticked, "{t:?}");
        }
        for t in ["", "  ", "non", "-", "☐", "0"] {
            assert_eq!(mark_of_text(t), Mark::Empty, "{t:?}");
        }
        for t in ["?", "peut-être", "B1.1"] {
            assert_eq!(mark_of_text(t), Mark::Unknown, "{t:?}");
        }
    }

    #[test]
    fn banners_are_read_fuzzily() {
        use Section::*;
        let cases = [
            (
                "Réalisation en cours de formation\n\n",
                Known(Setting::Training),
            ),
            ("Réalisations en formation", Known(Setting::Training)),
            (
                "Réalisations en milieu professionnel en cours de première année",
                Known(Setting::WorkplaceFirstYear),
            ),
            ("Stage de 1ère année", Known(Setting::WorkplaceFirstYear)),
            ("Entreprise – 1re année", Known(Setting::WorkplaceFirstYear)),
            (
                "Réalisations en milieu professionnel en cours de seconde année",
                Known(Setting::WorkplaceSecondYear),
            ),
            ("Stage deuxième année", Known(Setting::WorkplaceSecondYear)),
            (
                "En entreprise (2e année)",
                Known(Setting::WorkplaceSecondYear),
            ),
            ("Réalisations en entreprise", WorkplaceUnknownYear),
            ("Réalisations personnelles", Unknown),
        ];
        for (text, expected) in cases {
            assert_eq!(classify_banner(text), expected, "{text:?}");
        }
    }

    #[test]
    fn banner_texts_and_titles() {
        assert!(looks_like_banner_text("Réalisations en formation"));
        assert!(looks_like_banner_text("Stage de 1ère année"));
        assert!(looks_like_banner_text("En entreprise (2e année)"));
        assert!(!looks_like_banner_text(
            "Réalisation d’une formation utilisateurs"
        ));
        assert!(!looks_like_banner_text("Mise en place de GLPI"));
    }

    #[test]
    fn title_cell_splits_title_and_productions() {
        let c =
            split_title_cell("Mise en place de GLPI\n• Procédure d'installation\n- capture.png");
        assert_eq!(c.title.as_deref(), Some("Mise en place de GLPI"));
        assert_eq!(c.artifacts, ["Procédure d'installation", "capture.png"]);
        assert!(c.joined.is_empty());

        let c = split_title_cell("Traitement / Création de demande auprès de\nl’infogérant");
        assert_eq!(
            c.title.as_deref(),
            Some("Traitement / Création de demande auprès de l’infogérant")
        );
        assert_eq!(c.joined, ["l’infogérant"]);
        assert!(c.artifacts.is_empty());

        let c = split_title_cell("Serveur web\nschema-reseau.pdf");
        assert_eq!(c.artifacts, ["schema-reseau.pdf"]);

        let c = split_title_cell("• Compte rendu\n• Captures");
        assert_eq!(c.title, None);
        assert_eq!(c.artifacts, ["Compte rendu", "Captures"]);
    }
}
