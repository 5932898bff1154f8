//! Periods as people write them in the « Période » column: « 13/09/21 au 31/05/23 » as the
//! model asks, but also on two lines, with four-digit years, as a school year (« 2022-2023 »)
//! or as months (« sept. 2022 »). Exact dates give an exact period; years and months give an
//! approximate one, flagged so that the person checks it.

use portfolio_domain::dossier::{Period, short_date};
use time::{Date, Duration, Month};

use super::text::fold;

/// What was made of a period text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodReading {
    /// Two dates (or one: a one-day period).
    Exact {
        period: Period,
        note: Option<String>,
    },
    /// Years or months only: the dates are a reading, to be checked.
    Approximate { period: Period, how: String },
    /// Nothing usable; the reason, in French.
    Unreadable(String),
}

/// The expected form, repeated in every message about an unreadable period.
pub const EXPECTED: &str = "attendu JJ/MM/AA au JJ/MM/AA";

const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;

/// A date found in the text, with where it ends (byte offset in the folded text).
#[derive(Debug, Clone, Copy)]
struct Found {
    date: Date,
    start: usize,
    end: usize,
}

fn year_of(digits: &str) -> Option<i32> {
    let n: i32 = digits.parse().ok()?;
    let y = match digits.len() {
        2 => 2000 + n,
        4 => n,
        _ => return None,
    };
    (MIN_YEAR..=MAX_YEAR).contains(&y).then_some(y)
}

/// Runs of ASCII digits with their byte ranges.
fn digit_runs(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    runs
}

enum DateScan {
    Dates(Vec<Found>),
    /// A day-month-year group that is not a date (« 31/02/23 »).
    Invalid(String),
}

/// Finds JJ/MM/AA, JJ/MM/AAAA (separators / . -, the same twice) and AAAA-MM-JJ.
fn scan_dates(s: &str) -> DateScan {
    let runs = digit_runs(s);
    let b = s.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 2 < runs.len() {
        let (a, b_, c) = (runs[i], runs[i + 1], runs[i + 2]);
        let sep1 = &s[a.1..b_.0];
        let sep2 = &s[b_.1..c.0];
        let same_sep = sep1.len() == 1 && sep1 == sep2 && matches!(sep1, "/" | "." | "-");
        // A digit right after the group means it is something else (a phone number…).
        let ends_clean = c.1 >= b.len() || !b[c.1].is_ascii_alphanumeric();
        if same_sep && ends_clean {
            let (d, m, y) = (&s[a.0..a.1], &s[b_.0..b_.1], &s[c.0..c.1]);
            let parsed = if d.len() == 4 && m.len() <= 2 && y.len() <= 2 {
                // AAAA-MM-JJ
                Some((y, m, year_of(d)))
            } else if d.len() <= 2 && m.len() <= 2 && (y.len() == 2 || y.len() == 4) {
                Some((d, m, year_of(y)))
            } else {
                None
            };
            if let Some((d, m, y)) = parsed {
                let raw = &s[a.0..c.1];
                let Some(year) = y else {
                    return DateScan::Invalid(format!("année hors limites dans « {raw} »"));
                };
                let day: u8 = d.parse().unwrap_or(0);
                let month = m.parse::<u8>().ok().and_then(|m| Month::try_from(m).ok());
                match month.and_then(|m| Date::from_calendar_date(year, m, day).ok()) {
                    Some(date) => found.push(Found {
                        date,
                        start: a.0,
                        end: c.1,
                    }),
                    None => return DateScan::Invalid(format!("la date « {raw} » n’existe pas")),
                }
                i += 3;
                continue;
            }
        }
        i += 1;
    }
    DateScan::Dates(found)
}

/// Words allowed around the dates of a range.
fn only_connectors(rest: &str) -> bool {
    rest.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| {
            matches!(
                w,
                "du" | "de"
                    | "au"
                    | "a"
                    | "le"
                    | "et"
                    | "jusqu"
                    | "jusque"
                    | "depuis"
                    | "to"
                    | "from"
                    | "periode"
                    | "partir"
                    | "l"
                    | "d"
            )
        })
}

fn month_of_word(w: &str) -> Option<Month> {
    let w = w.trim_end_matches('.');
    let m = match w {
        "janvier" | "janv" | "jan" => Month::January,
        "fevrier" | "fevr" | "fev" | "feb" => Month::February,
        "mars" | "mar" => Month::March,
        "avril" | "avr" => Month::April,
        "mai" => Month::May,
        "juin" => Month::June,
        "juillet" | "juil" => Month::July,
        "aout" => Month::August,
        "septembre" | "sept" | "sep" => Month::September,
        "octobre" | "oct" => Month::October,
        "novembre" | "nov" => Month::November,
        "decembre" | "dec" => Month::December,
        _ => return None,
    };
    Some(m)
}

fn last_day(year: i32, month: Month) -> Option<Date> {
    Date::from_calendar_date(year, month, time::util::days_in_month(month, year)).ok()
}

fn period(start: Date, end: Date) -> Result<Period, String> {
    Period::new(start, end).map_err(|_| {
        format!(
            "la date de fin ({}) précède la date de début ({})",
            short_date(end),
            short_date(start)
        )
    })
}

fn approximate(start: Date, end: Date, how: &str) -> PeriodReading {
    match period(start, end) {
        Ok(p) => PeriodReading::Approximate {
            period: p,
            how: format!("{how}, lue du {}", p.short()),
        },
        Err(e) => PeriodReading::Unreadable(e),
    }
}

/// Months with a year (« sept. 2022 », « septembre 2022 à juin 2023 », « de septembre à
/// décembre 2022 »).
fn read_months(s: &str) -> Option<PeriodReading> {
    let tokens: Vec<&str> = s
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut items: Vec<(Month, Option<i32>)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some(m) = month_of_word(tokens[i]) {
            let year = tokens
                .get(i + 1)
                .and_then(|t| year_of(t.trim_end_matches('.')));
            items.push((m, year));
            i += if year.is_some() { 2 } else { 1 };
        } else {
            i += 1;
        }
    }
    let (first, last) = match items.as_slice() {
        [] => return None,
        [one] => (*one, *one),
        [a, .., z] => (*a, *z),
    };
    let end_year = last.1.or(first.1)?;
    let start_year = match first.1 {
        Some(y) => y,
        // « de septembre à juin 2023 »: the school year that ends then.
        None if u8::from(first.0) > u8::from(last.0) => end_year - 1,
        None => end_year,
    };
    let start = Date::from_calendar_date(start_year, first.0, 1).ok()?;
    let end = last_day(end_year, last.0)?;
    Some(approximate(start, end, "période donnée en mois"))
}

/// Years only: « 2022-2023 » or « 2022/23 » is a school year (1 September to 30 June), « 2023 »
/// a calendar year.
fn read_years(s: &str) -> Option<PeriodReading> {
    let runs = digit_runs(s);
    let years: Vec<i32> = runs
        .iter()
        .enumerate()
        .filter_map(|(i, &(a, b))| {
            let digits = &s[a..b];
            match digits.len() {
                4 => year_of(digits),
                // « 2022/23 »: two digits right after a four-digit year.
                2 if i > 0 && s[runs[i - 1].0..runs[i - 1].1].len() == 4 => year_of(digits),
                _ => None,
            }
        })
        .collect();
    if years.len() != runs.len() {
        return None;
    }
    match years.as_slice() {
        [y] => {
            let start = Date::from_calendar_date(*y, Month::January, 1).ok()?;
            let end = Date::from_calendar_date(*y, Month::December, 31).ok()?;
            Some(approximate(start, end, "période donnée en année civile"))
        }
        [a, b] => {
            let start = Date::from_calendar_date(*a, Month::September, 1).ok()?;
            let end = Date::from_calendar_date(*b, Month::June, 30).ok()?;
            let how = if b - a == 1 {
                "période donnée en année scolaire"
            } else {
                "période donnée en années scolaires"
            };
            Some(approximate(start, end, how))
        }
        _ => None,
    }
}

/// Reads a period text.
pub fn read_period(raw: &str) -> PeriodReading {
    let s = fold(raw);
    if s.is_empty() {
        return PeriodReading::Unreadable("période manquante".into());
    }
    let dates = match scan_dates(&s) {
        DateScan::Invalid(why) => return PeriodReading::Unreadable(why),
        DateScan::Dates(d) => d,
    };
    if !dates.is_empty() {
        // What is left once the dates are taken out must only link them (« du », « au », « - »).
        let mut rest = String::with_capacity(s.len());
        let mut at = 0;
        for d in &dates {
            rest.push_str(&s[at..d.start]);
            rest.push(' ');
            at = d.end;
        }
        rest.push_str(&s[at..]);
        if !only_connectors(&rest) {
            return PeriodReading::Unreadable(format!(
                "texte inattendu autour des dates (« {} »)",
                rest.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        return match dates.as_slice() {
            [one] => match period(one.date, one.date) {
                Ok(p) => PeriodReading::Exact {
                    period: p,
                    note: Some("une seule date : période d’un jour".into()),
                },
                Err(e) => PeriodReading::Unreadable(e),
            },
            [a, b] => match period(a.date, b.date) {
                Ok(p) => PeriodReading::Exact {
                    period: p,
                    note: None,
                },
                Err(e) => PeriodReading::Unreadable(e),
            },
            _ => PeriodReading::Unreadable(format!(
                "{} dates au lieu de deux (début et fin)",
                dates.len()
            )),
        };
    }
    if let Some(r) = read_months(&s) {
        return r;
    }
    // Month/year pairs without day (« 09/22 au 05/23 »).
    if let Some(r) = read_month_numbers(&s) {
        return r;
    }
    if let Some(r) = read_years(&s) {
        return r;
    }
    PeriodReading::Unreadable("aucune date reconnue".into())
}

/// « 09/22 au 05/23 », « 09/2022 - 05/2023 ».
fn read_month_numbers(s: &str) -> Option<PeriodReading> {
    let runs = digit_runs(s);
    if runs.len() != 4 {
        return None;
    }
    let mut months = Vec::with_capacity(2);
    for pair in runs.chunks(2) {
        let (m, y) = (pair[0], pair[1]);
        if &s[m.1..y.0] != "/" || m.1 - m.0 > 2 {
            return None;
        }
        let month = Month::try_from(s[m.0..m.1].parse::<u8>().ok()?).ok()?;
        months.push((month, year_of(&s[y.0..y.1])?));
    }
    let mut rest = String::new();
    rest.push_str(&s[..runs[0].0]);
    rest.push(' ');
    rest.push_str(&s[runs[1].1..runs[2].0]);
    rest.push(' ');
    rest.push_str(&s[runs[3].1..]);
    if !only_connectors(&rest) {
        return None;
    }
    let start = Date::from_calendar_date(months[0].1, months[0].0, 1).ok()?;
    let end = last_day(months[1].1, months[1].0)?;
    Some(approximate(start, end, "période donnée en mois"))
}

/// A date cell (Excel serial number) in the period column.
pub fn date_from_serial(serial: f64, is_1904: bool) -> Option<Date> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let (epoch, days) = if is_1904 {
        (
            Date::from_calendar_date(1904, Month::January, 1).ok()?,
            days,
        )
    } else if days < 60 {
        // Excel counts a 29 February 1900 that never was (serial 60): before it, serial 1 is
        // 1 January 1900.
        (
            Date::from_calendar_date(1899, Month::December, 31).ok()?,
            days,
        )
    } else {
        (
            Date::from_calendar_date(1899, Month::December, 30).ok()?,
            days,
        )
    };
    epoch.checked_add(Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn exact(s: &str) -> Period {
        match read_period(s) {
            PeriodReading::Exact { period, .. } => period,
            other => panic!("{s:?} gave {other:?}"),
        }
    }

    fn approx(s: &str) -> Period {
        match read_period(s) {
            PeriodReading::Approximate { period, .. } => period,
            other => panic!("{s:?} gave {other:?}"),
        }
    }

    fn p(a: Date, b: Date) -> Period {
        Period::new(a, b).expect("ordered")
    }

    #[test]
    fn exact_periods_in_the_forms_people_use() {
        let want = p(date!(2021 - 09 - 13), date!(2023 - 05 - 31));
        for s in [
            "13/09/21 au 31/05/23",
            "13/09/21 \n31/05/23",
            "13/09/21\n31/05/23",
            "du 13/09/2021 au 31/05/2023",
            "Du 13/09/21 Au 31/05/23",
            "13/09/21 - 31/05/23",
            "13/09/21-31/05/23",
            "13.09.2021 – 31.05.2023",
            "2021-09-13 au 2023-05-31",
            "13-09-21 à 31-05-23",
            "13/9/21 au 31/5/23",
        ] {
            assert_eq!(exact(s), want, "{s:?}");
        }
        assert_eq!(
            exact("01/09/22"),
            p(date!(2022 - 09 - 01), date!(2022 - 09 - 01))
        );
    }

    #[test]
    fn approximate_periods() {
        assert_eq!(
            approx("2022-2023"),
            p(date!(2022 - 09 - 01), date!(2023 - 06 - 30))
        );
        assert_eq!(
            approx("2022/23"),
            p(date!(2022 - 09 - 01), date!(2023 - 06 - 30))
        );
        assert_eq!(
            approx("2020-2023"),
            p(date!(2020 - 09 - 01), date!(2023 - 06 - 30))
        );
        assert_eq!(
            approx("sept. 2022"),
            p(date!(2022 - 09 - 01), date!(2022 - 09 - 30))
        );
        assert_eq!(
            approx("Septembre 2022 à juin 2023"),
            p(date!(2022 - 09 - 01), date!(2023 - 06 - 30))
        );
        assert_eq!(
            approx("de septembre à décembre 2022"),
            p(date!(2022 - 09 - 01), date!(2022 - 12 - 31))
        );
        assert_eq!(
            approx("de septembre à juin 2023"),
            p(date!(2022 - 09 - 01), date!(2023 - 06 - 30))
        );
        assert_eq!(
            approx("09/22 au 05/23"),
            p(date!(2022 - 09 - 01), date!(2023 - 05 - 31))
        );
        assert_eq!(
            approx("2023"),
            p(date!(2023 - 01 - 01), date!(2023 - 12 - 31))
        );
        match read_period("2022-2023") {
            PeriodReading::Approximate { how, .. } => {
                assert_eq!(
                    how,
                    "période donnée en année scolaire, lue du 01/09/22 au 30/06/23"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unreadable_periods_say_why() {
        for (s, why) in [
            ("", "période manquante"),
            ("en cours", "aucune date reconnue"),
            ("31/05/23 au 13/09/21", "précède"),
            ("31/02/23 au 01/03/23", "n’existe pas"),
            ("13/09/21 au 31/05/23 et 01/06/23", "3 dates"),
            ("13/09/21 au bientôt", "texte inattendu"),
            ("13/09/1821 au 31/05/23", "hors limites"),
        ] {
            match read_period(s) {
                PeriodReading::Unreadable(msg) => assert!(msg.contains(why), "{s:?}: {msg}"),
                other => panic!("{s:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(
            date_from_serial(44_817.0, false),
            Some(date!(2022 - 09 - 13))
        );
        assert_eq!(date_from_serial(1.0, false), Some(date!(1900 - 01 - 01)));
        assert_eq!(date_from_serial(61.0, false), Some(date!(1900 - 03 - 01)));
        assert_eq!(date_from_serial(0.0, true), None);
        assert_eq!(date_from_serial(f64::NAN, false), None);
        assert_eq!(date_from_serial(1e300, false), None);
    }
}
