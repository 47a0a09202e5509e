//! Dates as hospitals type them: Excel date cells, 2020/12/1, 2020-12-01, 2020年12月1日,
//! 令和2年12月1日, R2.12.1, H30/4/1, 元年 …

use crate::text;
use crate::workbook::CellValue;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not readable as a date at all.
    Unreadable,
    /// Shaped like a date but does not exist (2020/13/45, 令和2年2月30日, 令和元年4月1日 before
    /// the era began, 令和0年, an era year over 99). Era years past the era's end (平成32年 for
    /// 2020) are accepted.
    DoesNotExist,
}

/// Reads a date cell. Excel date cells and date-like text both work; numbers that are plausible
/// Excel serials (from CSV or unformatted cells) are read as serials.
///
/// Numbers: an integer in `20000101..=29991231` is `yyyymmdd`; otherwise `1.0..=2958465.0` is an
/// Excel 1900-system serial (the time of day, a fraction, is dropped; serial 60 is Excel's
/// non-existent 1900-02-29). Text holding only such a number is read the same way.
pub fn parse_date_cell(v: &CellValue) -> Result<NaiveDate, DateError> {
    read_date_cell(v).map(|r| r.date)
}

/// A date as the checker reads it, with what the cell said beyond the day: the one reading that
/// both `check` (D001/D002) and `convert` (date cells) use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadDate {
    pub date: NaiveDate,
    /// The time of day typed after the date (`2024/04/01 9:00`), or a serial's fraction.
    pub time: Option<NaiveTime>,
    /// The cell names one whole day and nothing is guessed: not a month alone (`2020/12` reads
    /// as its first day), and any time typed is a real time of day (`25:00` is not).
    pub whole_day: bool,
}

impl ReadDate {
    fn day(date: NaiveDate) -> ReadDate {
        ReadDate {
            date,
            time: None,
            whole_day: true,
        }
    }

    /// The date and time as one value (midnight when no time was typed).
    pub fn date_time(&self) -> NaiveDateTime {
        self.date.and_time(self.time.unwrap_or(NaiveTime::MIN))
    }
}

/// Like [`parse_date_cell`], keeping the time of day and whether the day was given.
pub fn read_date_cell(v: &CellValue) -> Result<ReadDate, DateError> {
    match v {
        CellValue::DateTime(dt) => Ok(ReadDate {
            date: dt.date(),
            time: (dt.time() != NaiveTime::MIN).then(|| dt.time()),
            whole_day: true,
        }),
        CellValue::Number(n) => read_number(*n),
        CellValue::Text(s) => {
            let t = text::trim(s);
            if is_plain_number(t) {
                if let Ok(n) = t.parse::<f64>() {
                    return read_number(n);
                }
            }
            read_date_text(t)
        }
        CellValue::Bool(_) | CellValue::Error(_) => Err(DateError::Unreadable),
    }
}

/// A number read as a date (see [`date_from_number`]), with a serial's fraction as the time.
fn read_number(n: f64) -> Result<ReadDate, DateError> {
    let date = date_from_number(n)?;
    let is_yyyymmdd = n.fract() == 0.0 && (20000101.0..=29991231.0).contains(&n);
    let seconds = if is_yyyymmdd {
        0
    } else {
        // In 0..86400 for a finite n, so the cast is exact.
        (n.fract() * 86400.0).round() as u32
    };
    Ok(ReadDate {
        date,
        time: (seconds > 0 && seconds < 86400)
            .then(|| NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0))
            .flatten(),
        whole_day: true,
    })
}

/// Text that is an Excel serial or `yyyymmdd` rather than date text: at least 5 ASCII digits,
/// optionally with a fraction (`43586`, `43586.5`, `20201201`). `2020.12` is date text.
fn is_plain_number(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    (5..=8).contains(&int.len())
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A number as `yyyymmdd` or as an Excel serial (see [`parse_date_cell`]).
pub fn date_from_number(n: f64) -> Result<NaiveDate, DateError> {
    if !n.is_finite() {
        return Err(DateError::Unreadable);
    }
    if n.fract() == 0.0 && (20000101.0..=29991231.0).contains(&n) {
        // In range, so the cast is exact.
        let v = n as u32;
        return ymd(i64::from(v / 10000), v / 100 % 100, v % 100);
    }
    if (1.0..=2958465.0).contains(&n) {
        return excel_serial(n.floor() as i64);
    }
    Err(DateError::Unreadable)
}

/// An Excel 1900-system serial day number: 1 = 1900-01-01, 60 = the fake 1900-02-29,
/// 61 = 1900-03-01, 2958465 = 9999-12-31.
pub fn excel_serial(serial: i64) -> Result<NaiveDate, DateError> {
    if !(1..=2958465).contains(&serial) {
        return Err(DateError::Unreadable);
    }
    if serial == 60 {
        return Err(DateError::DoesNotExist);
    }
    // From 61 on, Excel counts one day too many (the fake leap day).
    let base = if serial < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    };
    base.and_then(|b| b.checked_add_days(chrono::Days::new(serial.unsigned_abs())))
        .ok_or(DateError::Unreadable)
}

/// Japanese eras: (kanji, Latin initial, first day as (y, m, d)). Year 1 of an era is the
/// western year of its first day.
const ERAS: [(&str, &str, (i32, u32, u32)); 5] = [
    ("明治", "m", (1868, 1, 25)),
    ("大正", "t", (1912, 7, 30)),
    ("昭和", "s", (1926, 12, 25)),
    ("平成", "h", (1989, 1, 8)),
    ("令和", "r", (2019, 5, 1)),
];

/// The date part: an era (kanji or initial) and its year (or 元), or a 4-digit western year; the
/// month; an optional day. Separators: `/ - . 年 月`, spaces around them allowed.
fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?ix)^
            (?:
                (?P<era>明治|大正|昭和|平成|令和|[mtshr])\.?\s*(?P<ey>元|[0-9]+)
              | (?P<y>[0-9]+)
            )
            \s*(?:年|[/.\-])
            (?:
                \s*(?P<m>[0-9]+)
                (?:
                    \s*(?:月|[/.\-])
                    (?:\s*(?P<d>[0-9]+)(?:\s*日)?)?
                )?
            )?
            (?P<rest>.*)$",
        )
        .expect("static regex")
    })
}

/// What may follow a date: a weekday in brackets, a time of day (`10:00`, `T10:00:00`,
/// `10時30分`), spaces.
fn rest_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?ix)^
            (?:\s*\(\s*[月火水木金土日](?:曜日?)?\s*\))?
            (?:
                (?:\s+|t)(?P<ap1>午前|午後)?(?P<h1>[0-9]{1,2}):(?P<mi1>[0-9]{2})(?::(?P<s1>[0-9]{2})(?:\.[0-9]+)?)?
                    (?:\s*(?P<ampm>am|pm))?(?:z|[+\-][0-9]{2}:?[0-9]{2})?
              | \s*(?P<ap2>午前|午後)?\s*(?P<h2>[0-9]{1,2})\s*時(?:\s*(?P<mi2>[0-9]{1,2})\s*分)?(?:\s*(?P<s2>[0-9]{1,2})\s*秒)?
            )?
            \s*$",
        )
        .expect("static regex")
    })
}

/// The time of day the rest of a date cell names: `Ok(None)` when none is typed, `Err(())` when
/// one is typed but no clock shows it (`25:00`, `午後13時`).
fn time_of(caps: &regex::Captures<'_>) -> Result<Option<NaiveTime>, ()> {
    let num = |name: &str| -> Result<u32, ()> {
        caps.name(name)
            .map_or(Ok(0), |m| m.as_str().parse().map_err(|_| ()))
    };
    let (h, mi, sec, pm, am) = if caps.name("h1").is_some() {
        let ampm = caps.name("ampm").map(|m| m.as_str().to_ascii_lowercase());
        let ap = caps.name("ap1").map(|m| m.as_str());
        (
            num("h1")?,
            num("mi1")?,
            num("s1")?,
            ampm.as_deref() == Some("pm") || ap == Some("午後"),
            ampm.as_deref() == Some("am") || ap == Some("午前"),
        )
    } else if caps.name("h2").is_some() {
        let ap = caps.name("ap2").map(|m| m.as_str());
        (
            num("h2")?,
            num("mi2")?,
            num("s2")?,
            ap == Some("午後"),
            ap == Some("午前"),
        )
    } else {
        return Ok(None);
    };
    let hour = if pm || am {
        // 12-hour clock: 1..=12 (午前12時 is midnight, 午後12時 noon), or 午前0時.
        match (h, pm) {
            (0, false) => 0,
            (12, false) => 0,
            (1..=11, false) => h,
            (12, true) => 12,
            (1..=11, true) => h + 12,
            _ => return Err(()),
        }
    } else {
        h
    };
    NaiveTime::from_hms_opt(hour, mi, sec).map(Some).ok_or(())
}

/// Reads date text (see module docs).
///
/// Two-digit western years (`20/12/1`) are ambiguous and so unreadable. Era years run past the
/// era's end (平成32年 = 2020 is common) but not before its first day (令和元年4月1日), and must
/// be 1..=99.
pub fn parse_date_text(s: &str) -> Result<NaiveDate, DateError> {
    read_date_text(s).map(|r| r.date)
}

/// Like [`parse_date_text`], keeping the time of day and whether the day was given.
pub fn read_date_text(s: &str) -> Result<ReadDate, DateError> {
    let t = text::trim(s);
    if t.is_empty() || t.len() > 200 {
        return Err(DateError::Unreadable);
    }
    if t.is_ascii() {
        parse_normalised(t)
    } else {
        // Full-width digits, ㍻ → 平成, Excel-autocorrected dashes.
        let n = text::nfkc(t);
        parse_normalised(text::trim(&n))
    }
}

fn parse_normalised(t: &str) -> Result<ReadDate, DateError> {
    // yyyymmdd
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let v: u32 = t.parse().map_err(|_| DateError::Unreadable)?;
        return ymd(i64::from(v / 10000), v / 100 % 100, v % 100).map(ReadDate::day);
    }
    let caps = date_re().captures(t).ok_or(DateError::Unreadable)?;
    let rest = caps.name("rest").map_or("", |m| m.as_str());
    // Most dates end where the date ends: no weekday or time to look for.
    let time = if rest.is_empty() {
        Ok(None)
    } else {
        time_of(&rest_re().captures(rest).ok_or(DateError::Unreadable)?)
    };
    let month = caps.name("m");
    let day = caps.name("d");
    let read = |date: NaiveDate| ReadDate {
        date,
        time: time.ok().flatten(),
        whole_day: day.is_some() && time.is_ok(),
    };
    if let Some(era) = caps.name("era") {
        let era = era.as_str();
        let Some(&(_, _, (start_y, start_m, start_d))) = ERAS
            .iter()
            .find(|(kanji, initial, _)| *kanji == era || era.eq_ignore_ascii_case(initial))
        else {
            return Err(DateError::Unreadable);
        };
        let ey = caps.name("ey").map_or("", |m| m.as_str());
        let era_year: u32 = if ey == "元" {
            1
        } else {
            ey.parse().map_err(|_| DateError::DoesNotExist)?
        };
        if !(1..=99).contains(&era_year) {
            return Err(DateError::DoesNotExist);
        }
        let Some(month) = month else {
            // A year alone is not a date.
            return Err(DateError::Unreadable);
        };
        let date = ymd(
            i64::from(start_y) + i64::from(era_year) - 1,
            parse_part(month.as_str())?,
            day.map_or(Ok(1), |d| parse_part(d.as_str()))?,
        )?;
        let start =
            NaiveDate::from_ymd_opt(start_y, start_m, start_d).ok_or(DateError::Unreadable)?;
        if date < start {
            return Err(DateError::DoesNotExist);
        }
        return Ok(read(date));
    }
    let y = caps.name("y").map_or("", |m| m.as_str());
    if y.len() != 4 {
        // 2-digit (ambiguous) or otherwise not a western year.
        return Err(DateError::Unreadable);
    }
    let Some(month) = month else {
        return Err(DateError::Unreadable);
    };
    let year: i64 = y.parse().map_err(|_| DateError::Unreadable)?;
    ymd(
        year,
        parse_part(month.as_str())?,
        day.map_or(Ok(1), |d| parse_part(d.as_str()))?,
    )
    .map(read)
}

/// A month or day number; absurdly long digit runs simply do not exist.
fn parse_part(s: &str) -> Result<u32, DateError> {
    s.parse().map_err(|_| DateError::DoesNotExist)
}

/// A calendar date; years before 1000 (typos such as `0202/12/1`) count as non-existent.
fn ymd(year: i64, month: u32, day: u32) -> Result<NaiveDate, DateError> {
    if !(1000..=9999).contains(&year) {
        return Err(DateError::DoesNotExist);
    }
    let year = i32::try_from(year).map_err(|_| DateError::DoesNotExist)?;
    NaiveDate::from_ymd_opt(year, month, day)
        .filter(|d| d.year() == year)
        .ok_or(DateError::DoesNotExist)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("test date")
    }

    #[test]
    fn western_spellings() {
        let want = d(2020, 12, 1);
        for s in [
            "2020/12/1",
            "2020/12/01",
            "2020-12-01",
            "2020-12-1",
            "2020.12.1",
            "2020.12.01",
            "2020年12月1日",
            "2020年12月01日",
            "2020年 12月 1日",
            "2020 年 12 月 1 日",
            "2020年12月1",
            "2020/12/1 10:00",
            "2020/12/1 10:00:00",
            "2020/12/01 9:05",
            "2020-12-01T10:00:00",
            "2020-12-01T10:00:00Z",
            "2020-12-01T10:00:00+09:00",
            "2020/12/1(火)",
            "2020年12月1日（火）",
            "2020年12月1日(火曜日)",
            "2020年12月1日 10時30分",
            "2020/12/1 午前10:00",
            "20201201",
            "２０２０／１２／１",
            "２０２０年１２月１日",
            "２０２０－１２－０１",
            "2020‐12‐01",
            "2020−12−01",
            "  2020/12/1  ",
            "\u{3000}2020/12/1\u{3000}",
            "2020 / 12 / 1",
            "2020/12",
            "2020年12月",
            "2020-12",
            "2020.12",
            "２０２０年１２月",
        ] {
            assert_eq!(parse_date_text(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn era_spellings() {
        let cases: &[(&str, NaiveDate)] = &[
            ("令和2年12月1日", d(2020, 12, 1)),
            ("令和２年１２月１日", d(2020, 12, 1)),
            ("令和 2年 12月 1日", d(2020, 12, 1)),
            ("令和02年12月01日", d(2020, 12, 1)),
            ("令和元年5月1日", d(2019, 5, 1)),
            ("令和元年5月", d(2019, 5, 1)),
            ("令和2年12月", d(2020, 12, 1)),
            ("R2.12.1", d(2020, 12, 1)),
            ("R2/12/1", d(2020, 12, 1)),
            ("R02.12.01", d(2020, 12, 1)),
            ("r2.12.1", d(2020, 12, 1)),
            ("R.2.12.1", d(2020, 12, 1)),
            ("Ｒ２．１２．１", d(2020, 12, 1)),
            ("R2年12月1日", d(2020, 12, 1)),
            ("R元.5.1", d(2019, 5, 1)),
            ("R2-12-1", d(2020, 12, 1)),
            ("H30/4/1", d(2018, 4, 1)),
            ("H30.4.1", d(2018, 4, 1)),
            ("h30.4.1", d(2018, 4, 1)),
            ("平成30年4月1日", d(2018, 4, 1)),
            ("㍻30年4月1日", d(2018, 4, 1)),
            ("平成元年1月8日", d(1989, 1, 8)),
            ("平成31年4月30日", d(2019, 4, 30)),
            ("平成31年5月1日", d(2019, 5, 1)),
            ("平成32年4月1日", d(2020, 4, 1)),
            ("S63.1.1", d(1988, 1, 1)),
            ("昭和63年1月1日", d(1988, 1, 1)),
            ("昭和64年1月7日", d(1989, 1, 7)),
            ("㍼63年1月1日", d(1988, 1, 1)),
            ("昭和元年12月25日", d(1926, 12, 25)),
            ("大正元年7月30日", d(1912, 7, 30)),
            ("T15.12.24", d(1926, 12, 24)),
            ("明治45年7月29日", d(1912, 7, 29)),
            ("M1.1.25", d(1868, 1, 25)),
            ("令和2年12月1日 10:00", d(2020, 12, 1)),
            ("令和2年12月1日(火)", d(2020, 12, 1)),
        ];
        for (s, want) in cases {
            assert_eq!(parse_date_text(s), Ok(*want), "{s}");
        }
    }

    #[test]
    fn reiwa_ligature() {
        // ㋿ (U+32FF) decomposes to 令和 in Unicode 12.1+.
        assert_eq!(parse_date_text("㋿2年12月1日"), Ok(d(2020, 12, 1)));
    }

    #[test]
    fn dates_that_do_not_exist() {
        for s in [
            "2020/13/45",
            "2020/13/1",
            "2020/0/1",
            "2020/12/0",
            "2020/12/32",
            "2021/2/29",
            "2021-02-29",
            "2020年2月30日",
            "令和2年2月30日",
            "令和元年4月1日",
            "令和元年4月30日",
            "平成元年1月7日",
            "昭和元年12月24日",
            "明治1年1月1日",
            "令和0年1月1日",
            "R0.1.1",
            "令和100年1月1日",
            "令和999年",
            "令和999年1月1日",
            "令和99999999999999999999年1月1日",
            "2020/99999999999999999999/1",
            "20201345",
            "20210229",
            "0202/12/01",
            "2020年13月",
        ] {
            assert_eq!(parse_date_text(s), Err(DateError::DoesNotExist), "{s}");
        }
    }

    #[test]
    fn unreadable_text() {
        for s in [
            "",
            " ",
            "\u{3000}",
            "-",
            "なし",
            "不明",
            "未定",
            "TBD",
            "😀",
            "2020😀12😀1",
            "１９２．１６８．．１",
            "192.168.1.1",
            "20/12/1",
            "R/12/1",
            "12/1/2020",
            "1/12",
            "2020",
            "2020年",
            "令和2年",
            "令和",
            "Windows 10",
            "10.0.19045",
            "2020/12/1 foo",
            "2020/12/1/5",
            "2020/12/1 25:00:00:00",
            "202012011",
            "2020121",
            "平成30年度",
            "X2.12.1",
            "99999999999999999999999999",
            "2020/12/1\n2021/1/1",
        ] {
            assert_eq!(parse_date_text(s), Err(DateError::Unreadable), "{s}");
        }
        let long = "2020/12/1".repeat(1000);
        assert!(parse_date_text(&long).is_err());
    }

    #[test]
    fn times_after_the_date_are_kept() {
        let t = |h, m, s| NaiveTime::from_hms_opt(h, m, s);
        let cases: &[(&str, Option<NaiveTime>, bool)] = &[
            ("2024/04/01 9:00", t(9, 0, 0), true),
            ("2024/04/01 09:05:30", t(9, 5, 30), true),
            ("2024-04-01T10:00:00+09:00", t(10, 0, 0), true),
            ("2024/4/1 午前10:00", t(10, 0, 0), true),
            ("2024/4/1 午後1:00", t(13, 0, 0), true),
            ("2024/4/1 12:00 am", t(0, 0, 0), true),
            ("2024/4/1 12:00 PM", t(12, 0, 0), true),
            ("令和6年4月1日 10時30分", t(10, 30, 0), true),
            ("令和6年4月1日 午後3時", t(15, 0, 0), true),
            ("2024/4/1", None, true),
            ("2024/4/1(月)", None, true),
            ("2024.4.1", None, true),
            ("2024/4", None, false),
            ("令和6年4月", None, false),
            ("2024/4/1 25:00", None, false),
            ("2024/4/1 10:75", None, false),
            ("2024/4/1 午後13:00", None, false),
        ];
        for (s, time, whole_day) in cases {
            let r = read_date_text(s).expect(s);
            assert_eq!(r.date, d(2024, 4, 1), "{s}");
            assert_eq!(r.time, *time, "{s}");
            assert_eq!(r.whole_day, *whole_day, "{s}");
        }
        let serial = read_date_cell(&CellValue::Number(44166.75)).expect("serial");
        assert_eq!(serial.time, t(18, 0, 0));
        let plain = read_date_cell(&CellValue::Number(20201201.0)).expect("yyyymmdd");
        assert_eq!(plain.time, None);
    }

    #[test]
    fn cells() {
        let dt = NaiveDateTime::parse_from_str("2020-12-01 10:30:00", "%Y-%m-%d %H:%M:%S")
            .expect("test datetime");
        assert_eq!(
            parse_date_cell(&CellValue::DateTime(dt)),
            Ok(d(2020, 12, 1))
        );
        assert_eq!(
            parse_date_cell(&CellValue::Text("令和2年12月1日".into())),
            Ok(d(2020, 12, 1))
        );
        assert_eq!(
            parse_date_cell(&CellValue::Text("2020/13/45".into())),
            Err(DateError::DoesNotExist)
        );
        assert_eq!(
            parse_date_cell(&CellValue::Text("hello".into())),
            Err(DateError::Unreadable)
        );
        assert_eq!(
            parse_date_cell(&CellValue::Bool(true)),
            Err(DateError::Unreadable)
        );
        assert_eq!(
            parse_date_cell(&CellValue::Error("#VALUE!".into())),
            Err(DateError::Unreadable)
        );
    }

    #[test]
    fn numbers() {
        let n = |v: f64| parse_date_cell(&CellValue::Number(v));
        assert_eq!(n(20201201.0), Ok(d(2020, 12, 1)));
        assert_eq!(n(20000101.0), Ok(d(2000, 1, 1)));
        assert_eq!(n(29991231.0), Ok(d(2999, 12, 31)));
        assert_eq!(n(20201345.0), Err(DateError::DoesNotExist));
        assert_eq!(n(43586.0), Ok(d(2019, 5, 1)));
        assert_eq!(n(44166.0), Ok(d(2020, 12, 1)));
        assert_eq!(n(44166.75), Ok(d(2020, 12, 1)));
        assert_eq!(n(1.0), Ok(d(1900, 1, 1)));
        assert_eq!(n(59.0), Ok(d(1900, 2, 28)));
        assert_eq!(n(60.0), Err(DateError::DoesNotExist));
        assert_eq!(n(61.0), Ok(d(1900, 3, 1)));
        assert_eq!(n(2958465.0), Ok(d(9999, 12, 31)));
        assert_eq!(n(2958466.0), Err(DateError::Unreadable));
        assert_eq!(n(0.0), Err(DateError::Unreadable));
        assert_eq!(n(0.5), Err(DateError::Unreadable));
        assert_eq!(n(-1.0), Err(DateError::Unreadable));
        assert_eq!(n(20201201.5), Err(DateError::Unreadable));
        assert_eq!(n(1e300), Err(DateError::Unreadable));
        assert_eq!(n(f64::NAN), Err(DateError::Unreadable));
        assert_eq!(n(f64::INFINITY), Err(DateError::Unreadable));
        assert_eq!(n(f64::NEG_INFINITY), Err(DateError::Unreadable));
        // Numeric text (CSV) reads like a number.
        assert_eq!(
            parse_date_cell(&CellValue::Text("43586".into())),
            Ok(d(2019, 5, 1))
        );
        assert_eq!(
            parse_date_cell(&CellValue::Text(" 20201201 ".into())),
            Ok(d(2020, 12, 1))
        );
        assert_eq!(
            parse_date_cell(&CellValue::Text("1.2.3".into())),
            Err(DateError::Unreadable)
        );
        assert_eq!(
            parse_date_cell(&CellValue::Text("44166.25".into())),
            Ok(d(2020, 12, 1))
        );
        // Short numeric text is date text, not a serial.
        assert_eq!(
            parse_date_cell(&CellValue::Text("2020.12".into())),
            Ok(d(2020, 12, 1))
        );
        assert_eq!(
            parse_date_cell(&CellValue::Text("12".into())),
            Err(DateError::Unreadable)
        );
        assert_eq!(
            parse_date_cell(&CellValue::Text("43586.".into())),
            Err(DateError::Unreadable)
        );
    }
}
