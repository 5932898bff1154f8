//! Charts drawn on the server as inline SVG: the histogram of marks and the distribution of
//! mastery levels the jury compares commissions with.
//!
//! Pure functions from numbers to markup, so that the pages need no script. The markup only
//! uses SVG presentation attributes (`fill`, `stroke`, `font-size`…), never a `style`
//! attribute or element: the Content-Security-Policy (`style-src 'self'`, no
//! `unsafe-inline`) would block them. Every text that reaches the markup goes through
//! [`escape`]; the result is inserted in the page unescaped (`|safe`).
//!
//! Each chart is a `role="img"` with a `<title>` that says what it shows, and each bar a
//! `<title>` with its figure, read by screen readers and shown on hover.

use std::fmt::Write;

/// The colours of the five mastery levels, « Non évaluable » to « Excellente maîtrise »
/// (grey, then a red-to-blue diverging scale readable by most colour-blind readers).
pub const LEVEL_COLOURS: [&str; 5] = ["#9e9e9e", "#d73027", "#fc8d59", "#91bfdb", "#4575b4"];

const BAR_COLOUR: &str = "#4575b4";
const REFERENCE_COLOUR: &str = "#d73027";
const AXIS_COLOUR: &str = "#555555";
const EMPTY_COLOUR: &str = "#eeeeee";
const TEXT_COLOUR: &str = "#222222";
const FONT: &str = r#"font-family="sans-serif" font-size="11""#;

/// Escapes text for SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `count` of `total` as a share from 0 to 1 (0 when there is nothing).
fn share(count: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        count as f64 / total as f64
    }
}

/// A number with a decimal comma and at most one decimal (`12,5`, `40`).
fn french(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").unwrap_or(&s).replace('.', ",")
}

/// Geometry of the histogram.
const H_WIDTH: f64 = 440.0;
const H_HEIGHT: f64 = 150.0;
const H_LEFT: f64 = 10.0;
const H_TOP: f64 = 10.0;
const H_PLOT: f64 = 110.0;
const H_BAR: f64 = 20.0;

/// The histogram of `counts` (candidates per whole point, one bar per point from 0 to
/// `counts.len() - 1`). With a `reference` (the session), both are drawn as shares of their
/// own total so that a commission of 20 compares with a session of 5,000: the bars for
/// `counts`, a tick for the reference. Without one, bar heights are proportional to the counts.
/// The tallest bar (or tick) takes the whole height.
pub fn histogram(title: &str, counts: &[usize], reference: Option<&[usize]>) -> String {
    let total: usize = counts.iter().sum();
    let ref_total: usize = reference.map_or(0, |r| r.iter().sum());
    let shares: Vec<f64> = counts.iter().map(|c| share(*c, total)).collect();
    let ref_shares: Vec<f64> = reference
        .map(|r| r.iter().map(|c| share(*c, ref_total)).collect())
        .unwrap_or_default();
    let top = shares
        .iter()
        .chain(ref_shares.iter())
        .copied()
        .fold(0.0_f64, f64::max);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {H_WIDTH} {H_HEIGHT}" width="{H_WIDTH}" height="{H_HEIGHT}"><title>{}</title>"#,
        escape(title)
    );
    let base = H_TOP + H_PLOT;
    if total == 0 && ref_total == 0 {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{AXIS_COLOUR}" {FONT}>Aucune note</text>"#,
            H_WIDTH / 2.0,
            H_TOP + H_PLOT / 2.0
        );
    }
    for (point, count) in counts.iter().enumerate() {
        let x = H_LEFT + point as f64 * H_BAR;
        let height = if top > 0.0 {
            shares[point] / top * H_PLOT
        } else {
            0.0
        };
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{BAR_COLOUR}"><title>{point} : {count} candidat(s){}</title></rect>"#,
            x + 2.0,
            base - height,
            H_BAR - 4.0,
            height,
            if reference.is_some() {
                format!(" ({} %)", french(shares[point] * 100.0))
            } else {
                String::new()
            }
        );
        if point % 5 == 0 || point + 1 == counts.len() {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{AXIS_COLOUR}" {FONT}>{point}</text>"#,
                x + H_BAR / 2.0,
                base + 14.0
            );
        }
    }
    if let Some(reference) = reference {
        // A tick where the session has candidates (none on the axis: it would hide it).
        for (point, count) in reference.iter().enumerate().filter(|(_, c)| **c > 0) {
            let x = H_LEFT + point as f64 * H_BAR;
            let height = if top > 0.0 {
                ref_shares[point] / top * H_PLOT
            } else {
                0.0
            };
            let _ = write!(
                svg,
                r#"<rect class="reference" x="{:.1}" y="{:.1}" width="{:.1}" height="2" fill="{REFERENCE_COLOUR}"><title>Session, {point} : {count} candidat(s) ({} %)</title></rect>"#,
                x,
                base - height - 1.0,
                H_BAR,
                french(ref_shares[point] * 100.0)
            );
        }
        let _ = write!(
            svg,
            r#"<rect x="{H_LEFT}" y="{:.1}" width="10" height="10" fill="{BAR_COLOUR}"/><text x="{:.1}" y="{:.1}" fill="{AXIS_COLOUR}" {FONT}>commission</text><rect x="{:.1}" y="{:.1}" width="14" height="2" fill="{REFERENCE_COLOUR}"/><text x="{:.1}" y="{:.1}" fill="{AXIS_COLOUR}" {FONT}>session (part des candidats)</text>"#,
            H_HEIGHT - 12.0,
            H_LEFT + 14.0,
            H_HEIGHT - 3.0,
            H_LEFT + 90.0,
            H_HEIGHT - 8.0,
            H_LEFT + 108.0,
            H_HEIGHT - 3.0
        );
    }
    let _ = write!(
        svg,
        r#"<line x1="{H_LEFT}" y1="{base}" x2="{:.1}" y2="{base}" stroke="{AXIS_COLOUR}"/></svg>"#,
        H_LEFT + counts.len() as f64 * H_BAR
    );
    svg
}

/// One bar of a stacked chart: its label and a count per segment.
pub struct StackedBar {
    pub label: String,
    pub counts: Vec<usize>,
}

/// Bars under a common heading (a grid row: the commission's bar, then the session's).
pub struct StackedGroup {
    /// Shown above the bars (shortened to fit) and in full in their tooltips.
    pub label: String,
    pub bars: Vec<StackedBar>,
}

const S_WIDTH: f64 = 640.0;
const S_LABEL: f64 = 110.0;
const S_PLOT: f64 = 500.0;
const S_BAR: f64 = 16.0;
const S_GAP: f64 = 4.0;
const S_HEADING: f64 = 18.0;
const S_GROUP_GAP: f64 = 8.0;
const S_LEGEND: f64 = 22.0;
/// The most characters of a group label shown above its bars.
const MAX_HEADING: usize = 95;

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// 100 % stacked bars: each bar split into `segments` (names, in order) by its counts,
/// segment widths proportional to their share of the bar's total; an empty bar is drawn grey
/// with « aucune donnée ». A legend of the segments closes the chart.
pub fn stacked_bars(
    title: &str,
    segments: &[&str],
    colours: &[&str],
    groups: &[StackedGroup],
) -> String {
    let bars: usize = groups.iter().map(|g| g.bars.len()).sum();
    let height = S_HEADING * groups.len() as f64
        + (S_BAR + S_GAP) * bars as f64
        + S_GROUP_GAP * groups.len() as f64
        + S_LEGEND * segments.len().div_ceil(3).max(1) as f64
        + 6.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {S_WIDTH} {height:.0}" width="{S_WIDTH}" height="{height:.0}"><title>{}</title>"#,
        escape(title)
    );
    let mut y = 0.0;
    for group in groups {
        let _ = write!(
            svg,
            r#"<text x="0" y="{:.1}" fill="{TEXT_COLOUR}" {FONT} font-weight="bold">{}<title>{}</title></text>"#,
            y + 13.0,
            escape(&shorten(&group.label, MAX_HEADING)),
            escape(&group.label)
        );
        y += S_HEADING;
        for bar in &group.bars {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{AXIS_COLOUR}" {FONT}>{}</text>"#,
                S_LABEL - 6.0,
                y + 12.0,
                escape(&shorten(&bar.label, 18))
            );
            let total: usize = bar.counts.iter().sum();
            if total == 0 {
                let _ = write!(
                    svg,
                    r#"<rect class="empty" x="{S_LABEL}" y="{y:.1}" width="{S_PLOT}" height="{S_BAR}" fill="{EMPTY_COLOUR}"><title>{} : aucune donnée</title></rect><text x="{:.1}" y="{:.1}" fill="{AXIS_COLOUR}" {FONT}>aucune donnée</text>"#,
                    escape(&bar.label),
                    S_LABEL + 6.0,
                    y + 12.0
                );
            } else {
                let mut x = S_LABEL;
                for (i, count) in bar.counts.iter().enumerate() {
                    if *count == 0 {
                        continue;
                    }
                    let width = share(*count, total) * S_PLOT;
                    let name = segments.get(i).copied().unwrap_or("?");
                    let colour = colours.get(i).copied().unwrap_or(BAR_COLOUR);
                    let _ = write!(
                        svg,
                        r#"<rect class="segment" x="{x:.2}" y="{y:.1}" width="{width:.2}" height="{S_BAR}" fill="{}"><title>{} — {} : {count} ({} %)</title></rect>"#,
                        escape(colour),
                        escape(&bar.label),
                        escape(name),
                        french(share(*count, total) * 100.0)
                    );
                    x += width;
                }
            }
            y += S_BAR + S_GAP;
        }
        y += S_GROUP_GAP;
    }
    for (i, name) in segments.iter().enumerate() {
        let column = (i % 3) as f64;
        let line = (i / 3) as f64;
        let x = column * 210.0;
        let ly = y + line * S_LEGEND;
        let colour = colours.get(i).copied().unwrap_or(BAR_COLOUR);
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{:.1}" fill="{TEXT_COLOUR}" {FONT}>{}</text>"#,
            ly + 4.0,
            escape(colour),
            x + 16.0,
            ly + 14.0,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of attribute `name` of every element `<tag class="class" …>` in `svg`.
    fn attribute(svg: &str, class: &str, name: &str) -> Vec<f64> {
        let open = format!(r#"class="{class}""#);
        svg.split('<')
            .filter(|e| e.contains(&open))
            .filter_map(|e| {
                let start = e.find(&format!(r#" {name}=""#))? + name.len() + 3;
                let len = e[start..].find('"')?;
                e[start..start + len].parse().ok()
            })
            .collect()
    }

    #[test]
    fn histogram_bar_heights_are_proportional_to_the_counts() {
        let mut counts = [0usize; 21];
        counts[8] = 2;
        counts[10] = 4;
        counts[12] = 1;
        let svg = histogram("Notes", &counts, None);
        let heights = attribute(&svg, "bar", "height");
        assert_eq!(heights.len(), 21);
        assert!((heights[10] - H_PLOT).abs() < 0.05, "{heights:?}");
        assert!((heights[8] - H_PLOT / 2.0).abs() < 0.05);
        assert!((heights[12] - H_PLOT / 4.0).abs() < 0.05);
        assert_eq!(heights[0], 0.0);
        // Bars stand on the axis.
        let ys = attribute(&svg, "bar", "y");
        assert!((ys[10] + heights[10] - (H_TOP + H_PLOT)).abs() < 0.1);
        assert!(svg.contains("<title>10 : 4 candidat(s)</title>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn a_commission_is_compared_with_the_session_by_shares() {
        // Commission: 2 of 4 at 10 (50 %); session: 10 of 100 at 10 (10 %), 50 of 100 at 12.
        let mut commission = [0usize; 21];
        commission[10] = 2;
        commission[11] = 2;
        let mut session = [0usize; 21];
        session[10] = 10;
        session[12] = 50;
        session[5] = 40;
        let svg = histogram("Commission 3", &commission, Some(&session));
        let bars = attribute(&svg, "bar", "height");
        let ticks = attribute(&svg, "reference", "y");
        assert!((bars[10] - H_PLOT).abs() < 0.05, "50 % is the top");
        assert!((bars[11] - H_PLOT).abs() < 0.05);
        let base = H_TOP + H_PLOT;
        // One tick per point the session has candidates at: 5, 10, 12. Its 50 % at 12 is as
        // high as the commission's 50 %; its 10 % at 10 a fifth of that.
        assert_eq!(ticks.len(), 3, "{ticks:?}");
        assert!((base - ticks[2] - 1.0 - H_PLOT).abs() < 0.1, "{ticks:?}");
        assert!((base - ticks[1] - 1.0 - H_PLOT / 5.0).abs() < 0.1);
        assert!(svg.contains("(50 %)"));
        assert!(svg.contains("session (part des candidats)"));
    }

    #[test]
    fn stacked_segments_are_proportional_and_fill_the_bar() {
        let svg = stacked_bars(
            "Niveaux",
            &["a", "b", "c", "d", "e"],
            &LEVEL_COLOURS,
            &[StackedGroup {
                label: "B1.1 Gérer le patrimoine informatique".into(),
                bars: vec![StackedBar {
                    label: "Commission".into(),
                    counts: vec![0, 1, 1, 2, 0],
                }],
            }],
        );
        let widths = attribute(&svg, "segment", "width");
        assert_eq!(widths.len(), 3, "no segment for an empty level");
        assert!((widths[0] - S_PLOT / 4.0).abs() < 0.01);
        assert!((widths[2] - S_PLOT / 2.0).abs() < 0.01);
        assert!((widths.iter().sum::<f64>() - S_PLOT).abs() < 0.05);
        let xs = attribute(&svg, "segment", "x");
        assert!(
            (xs[1] - (xs[0] + widths[0])).abs() < 0.02,
            "segments follow each other"
        );
        assert!(svg.contains("Commission — d : 2 (50 %)"));
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let nasty = r#"<script>alert("x")</script> & 'co'"#;
        let svg = stacked_bars(
            nasty,
            &[nasty],
            &[r#"red" onload="x"#],
            &[StackedGroup {
                label: nasty.into(),
                bars: vec![StackedBar {
                    label: nasty.into(),
                    counts: vec![3],
                }],
            }],
        );
        assert!(!svg.contains("<script"), "{svg}");
        assert!(!svg.contains(r#"" onload"#));
        assert!(
            svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;")
        );
        let svg = histogram(nasty, &[1], None);
        assert!(!svg.contains("<script"));
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }

    #[test]
    fn empty_data_draws_an_empty_chart_not_a_broken_one() {
        let svg = histogram("Aucune", &[0; 21], None);
        assert!(svg.contains("Aucune note"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(attribute(&svg, "bar", "height").iter().all(|h| *h == 0.0));
        let svg = histogram("Rien", &[], Some(&[]));
        assert!(svg.ends_with("</svg>") && !svg.contains("NaN"));
        let svg = stacked_bars(
            "Niveaux",
            &["a", "b"],
            &LEVEL_COLOURS,
            &[StackedGroup {
                label: "B1.2".into(),
                bars: vec![StackedBar {
                    label: "Session".into(),
                    counts: vec![0, 0],
                }],
            }],
        );
        assert!(svg.contains("aucune donnée") && !svg.contains("NaN"));
        assert!(attribute(&svg, "segment", "width").is_empty());
        let svg = stacked_bars("Vide", &[], &[], &[]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn no_style_attribute_or_element_is_emitted() {
        let mut counts = [1usize; 21];
        counts[3] = 7;
        let all = [
            histogram("h", &counts, Some(&counts)),
            stacked_bars(
                "s",
                &["a", "b", "c", "d", "e"],
                &LEVEL_COLOURS,
                &[StackedGroup {
                    label: "g".into(),
                    bars: vec![StackedBar {
                        label: "b".into(),
                        counts: vec![1, 2, 3, 4, 5],
                    }],
                }],
            ),
        ];
        for svg in all {
            assert!(!svg.contains("style"), "{svg}");
            assert!(!svg.contains("<script") && !svg.contains(" on"), "{svg}");
        }
    }

    #[test]
    fn long_labels_are_shortened_with_an_ellipsis() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
        assert_eq!(french(12.0), "12");
        assert_eq!(french(12.26), "12,3");
    }
}
