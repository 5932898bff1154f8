//! Plain-text rendering of the framework, for the command line.

use std::fmt::Write;

use crate::model::{Block, Competency, Framework, Track};

/// Renders the blocks of the framework as plain text: block headings, competency
/// codes and labels, skills indented with their codes, the performance indicators
/// under « Indicateurs de performance : ». With a track, only what applies to
/// that option; without, everything (option-specific competencies marked).
pub fn render_text(fw: &Framework, track: Option<Track>) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = render_into(&mut out, fw, track);
    out
}

fn render_into(out: &mut String, fw: &Framework, track: Option<Track>) -> std::fmt::Result {
    writeln!(out, "{} ({})", fw.title, fw.id)?;
    writeln!(out, "{}", fw.version)?;
    match track {
        Some(t) => writeln!(out, "Option {} « {} »", t.code(), t.label())?,
        None => writeln!(out, "Options SISR et SLAM")?,
    }
    for block in &fw.blocks {
        if track.is_some_and(|t| !block.applies_to(t)) {
            continue;
        }
        writeln!(out)?;
        render_block(out, block, track)?;
    }
    Ok(())
}

fn render_block(out: &mut String, block: &Block, track: Option<Track>) -> std::fmt::Result {
    let rule = "=".repeat(block.heading.chars().count().min(78));
    writeln!(out, "{} — {}", block.code, block.heading)?;
    writeln!(out, "{rule}")?;
    for c in &block.competencies {
        if track.is_some_and(|t| !c.applies_to(t)) {
            continue;
        }
        writeln!(out)?;
        render_competency(out, block, c, track)?;
    }
    Ok(())
}

fn render_competency(
    out: &mut String,
    block: &Block,
    c: &Competency,
    track: Option<Track>,
) -> std::fmt::Result {
    // Mark the option-specific competencies of a common block when both options
    // are shown.
    let mark = match (track, block.track, c.track) {
        (None, None, Some(t)) => format!(" (option {})", t.code()),
        _ => String::new(),
    };
    writeln!(out, "  {} {}{mark}", c.code, c.label)?;
    for s in &c.skills {
        writeln!(out, "      {} {}", s.code, s.label)?;
    }
    writeln!(out, "    Indicateurs de performance :")?;
    for i in &c.indicators {
        writeln!(out, "      - {}", i.text)?;
        for item in &i.items {
            writeln!(out, "          · {item}")?;
        }
    }
    Ok(())
}
