//! Excel number formats: the text a cell shows, for the subset of formats ledgers use.
//!
//! A management number stored as 25 with the format `"DC-"000` reads `DC-025` on screen, and a
//! date shown through `[$-411]ggge"年"m"月"d"日"` reads 令和6年3月31日. This renders those:
//! literal text (`"…"`, `\x`, bare 年/月/台 …), `0 # ?` placeholders with zero padding, digit
//! grouping, decimals (rounded half away from zero, as Excel does), percent, thousands scaling,
//! up to four `;` sections, `@` text, `General`, and dates and times including the Japanese
//! era tokens `g gg ggg e ee` (with the `x-gannen` tag, year one of an era is 元), `aaa`/`aaaa`
//! weekdays and `AM/PM`. Everything else — conditions (`[>100]`), elapsed times (`[h]`),
//! fractions, scientific notation, fractional seconds — is `None`, and the reader then keeps
//! its plain display of the value.
//!
//! The `ssfmt` crate (0.1.2, a port of SheetJS SSF) was evaluated first: it has no Japanese era
//! tokens (`e` is an exponent there, `g` a literal), which the ledgers need most, so this small
//! renderer is kept to the subset instead. It is checked against LibreOffice's own rendering
//! of `fixtures/reader/numfmt.xlsx` (see the tests below and `tests/readview.rs`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// A parsed number format code.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberFormat {
    sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
struct Section {
    tokens: Vec<Token>,
    kind: Kind,
    /// `[$-ja-JP-x-gannen]`: the first year of an era is 元.
    gannen: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Date,
    Text,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(String),
    /// `0`, `#` or `?`.
    Digit(char),
    Point,
    Comma,
    Percent,
    General,
    At,
    Year(u8),
    /// 1–5 `m`s; turned into `Minute` next to hours or seconds.
    Month(u8),
    Minute(u8),
    Day(u8),
    Hour(u8),
    Second(u8),
    /// `AM/PM` (true) or `A/P` (false), with the case of its first letter.
    AmPm(bool, bool),
    EraName(u8),
    EraYear(u8),
    JapaneseWeekday(u8),
}

impl NumberFormat {
    /// Parses a format code; `None` for `General` and for codes outside the supported subset.
    pub fn parse(code: &str) -> Option<NumberFormat> {
        if code.trim().is_empty() || code.trim().eq_ignore_ascii_case("general") {
            return None;
        }
        let sections = split_sections(code)
            .iter()
            .map(|s| parse_section(s))
            .collect::<Option<Vec<_>>>()?;
        if sections.is_empty() || sections.len() > 4 {
            return None;
        }
        Some(NumberFormat { sections })
    }

    /// Whether numbers are shown as dates or times by this format.
    pub fn is_date(&self) -> bool {
        self.sections.first().is_some_and(|s| s.kind == Kind::Date)
    }

    /// The text a number shows; `None` when the format cannot render it.
    pub fn format_number(&self, value: f64) -> Option<String> {
        if !value.is_finite() {
            return None;
        }
        let numeric: Vec<&Section> = self
            .sections
            .iter()
            .take(3)
            .filter(|s| s.kind != Kind::Text)
            .collect();
        let (section, minus) = match numeric.len() {
            0 => return None,
            1 => (numeric[0], value < 0.0),
            2 => (if value < 0.0 { numeric[1] } else { numeric[0] }, false),
            _ => (
                if value > 0.0 {
                    numeric[0]
                } else if value < 0.0 {
                    numeric[1]
                } else {
                    numeric[2]
                },
                false,
            ),
        };
        match section.kind {
            Kind::Number => render_number(section, value.abs(), minus),
            Kind::Date => render_date(section, serial_to_datetime(value)?),
            Kind::Text => None,
        }
    }

    /// The text a date cell shows.
    pub fn format_datetime(&self, dt: NaiveDateTime) -> Option<String> {
        let section = self.sections.first()?;
        (section.kind == Kind::Date).then(|| render_date(section, dt))?
    }

    /// The text a text cell shows: only a text section (the fourth, or a lone `@` section)
    /// changes it.
    pub fn format_text(&self, text: &str) -> Option<String> {
        let section = match self.sections.len() {
            4 => &self.sections[3],
            1 if self.sections[0].kind == Kind::Text => &self.sections[0],
            _ => return None,
        };
        if section.tokens == [Token::At] {
            return None; // `@` alone shows the text as it is
        }
        let mut out = String::new();
        for t in &section.tokens {
            match t {
                Token::Literal(s) => out.push_str(s),
                Token::At => out.push_str(text),
                _ => {}
            }
        }
        Some(out)
    }
}

/// The format code of a built-in id that calamine does not name, as Japanese Excel shows it
/// (ECMA-376 §18.8.30, ja-JP), and the locale-dependent date ids as Japanese Excel shows them.
pub fn builtin_japanese(id: u32, code: &str) -> Option<&'static str> {
    let general = code.eq_ignore_ascii_case("general");
    Some(match id {
        14 if code == "mm-dd-yy" => "yyyy/m/d",
        22 if code == "m/d/yy h:mm" => "yyyy/m/d h:mm",
        27 | 36 | 50 | 57 if general => "[$-411]ge.m.d",
        28 | 29 | 51 | 54 | 58 if general => "[$-411]ggge\"年\"m\"月\"d\"日\"",
        30 if general => "m/d/yy",
        31 if general => "yyyy\"年\"m\"月\"d\"日\"",
        32 if general => "h\"時\"mm\"分\"",
        33 if general => "h\"時\"mm\"分\"ss\"秒\"",
        34 | 52 | 55 if general => "yyyy\"年\"m\"月\"",
        35 | 53 | 56 if general => "m\"月\"d\"日\"",
        _ => return None,
    })
}

/// Splits at `;` outside quotes, escapes and brackets.
fn split_sections(code: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = code.chars();
    let (mut quoted, mut bracket) = (false, false);
    while let Some(c) = chars.next() {
        let current = out.last_mut().expect("never empty");
        match c {
            '"' if !bracket => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '\\' if !quoted && !bracket => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
                continue;
            }
            ';' if !quoted && !bracket => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out
}

fn parse_section(code: &str) -> Option<Section> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut gannen = false;
    let mut i = 0;
    let run = |i: usize, lower: char| {
        chars[i..]
            .iter()
            .take_while(|c| c.to_ascii_lowercase() == lower)
            .count()
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' => {
                let end = chars[i + 1..].iter().position(|&c| c == '"')?;
                tokens.push(Token::Literal(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '\\' => {
                tokens.push(Token::Literal(chars.get(i + 1)?.to_string()));
                i += 2;
            }
            '_' => {
                chars.get(i + 1)?;
                tokens.push(Token::Literal(" ".into()));
                i += 2;
            }
            '*' => {
                chars.get(i + 1)?;
                i += 2;
            }
            '[' => {
                let end = chars[i + 1..].iter().position(|&c| c == ']')?;
                let inner: String = chars[i + 1..i + 1 + end].iter().collect();
                i += end + 2;
                if let Some(locale) = inner.strip_prefix('$') {
                    let (symbol, tag) = locale.split_once('-').unwrap_or((locale, ""));
                    if !symbol.is_empty() {
                        tokens.push(Token::Literal(symbol.to_string()));
                    }
                    gannen |= tag.to_ascii_lowercase().contains("gannen");
                } else if !is_colour(&inner) {
                    // Conditions and elapsed-time brackets.
                    return None;
                }
            }
            '0' | '#' | '?' => {
                tokens.push(Token::Digit(c));
                i += 1;
            }
            '.' => {
                if chars.get(i + 1) == Some(&'0')
                    && tokens.iter().any(|t| matches!(t, Token::Second(_)))
                {
                    return None;
                }
                tokens.push(Token::Point);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '%' => {
                tokens.push(Token::Percent);
                i += 1;
            }
            '@' => {
                tokens.push(Token::At);
                i += 1;
            }
            '/' if tokens.iter().any(|t| matches!(t, Token::Digit(_)))
                && matches!(chars.get(i + 1), Some('0' | '#' | '?')) =>
            {
                return None; // a fraction
            }
            'E' | 'e' if matches!(chars.get(i + 1), Some('+' | '-')) => return None,
            'e' | 'E' => {
                let n = run(i, 'e');
                tokens.push(Token::EraYear(n.min(2) as u8));
                i += n;
            }
            'y' | 'Y' => {
                let n = run(i, 'y');
                tokens.push(Token::Year(if n <= 2 { 2 } else { 4 }));
                i += n;
            }
            'm' | 'M' => {
                let n = run(i, 'm');
                tokens.push(Token::Month(n.min(5) as u8));
                i += n;
            }
            'd' | 'D' => {
                let n = run(i, 'd');
                tokens.push(Token::Day(n.min(4) as u8));
                i += n;
            }
            'h' | 'H' => {
                let n = run(i, 'h');
                tokens.push(Token::Hour(n.min(2) as u8));
                i += n;
            }
            's' | 'S' => {
                let n = run(i, 's');
                tokens.push(Token::Second(n.min(2) as u8));
                i += n;
            }
            'g' | 'G' => {
                let rest: String = chars[i..].iter().take(7).collect();
                if rest.eq_ignore_ascii_case("general") {
                    tokens.push(Token::General);
                    i += 7;
                } else {
                    let n = run(i, 'g');
                    tokens.push(Token::EraName(n.min(3) as u8));
                    i += n;
                }
            }
            'a' | 'A' => {
                let rest: String = chars[i..].iter().take(5).collect();
                let upper = c == 'A';
                if rest.eq_ignore_ascii_case("am/pm") {
                    tokens.push(Token::AmPm(true, upper));
                    i += 5;
                } else if chars[i..]
                    .iter()
                    .take(3)
                    .collect::<String>()
                    .eq_ignore_ascii_case("a/p")
                {
                    tokens.push(Token::AmPm(false, upper));
                    i += 3;
                } else if run(i, 'a') >= 3 {
                    let n = run(i, 'a');
                    tokens.push(Token::JapaneseWeekday(if n == 3 { 3 } else { 4 }));
                    i += n;
                } else {
                    tokens.push(Token::Literal(c.to_string()));
                    i += 1;
                }
            }
            'b' | 'B' if matches!(chars.get(i + 1), Some('1' | '2')) => return None,
            _ => {
                tokens.push(Token::Literal(c.to_string()));
                i += 1;
            }
        }
    }
    let is_date = tokens.iter().any(|t| {
        matches!(
            t,
            Token::Year(_)
                | Token::Month(_)
                | Token::Day(_)
                | Token::Hour(_)
                | Token::Second(_)
                | Token::AmPm(..)
                | Token::EraName(_)
                | Token::EraYear(_)
                | Token::JapaneseWeekday(_)
        )
    });
    let has_digits = tokens
        .iter()
        .any(|t| matches!(t, Token::Digit(_) | Token::General));
    let kind = if is_date {
        if has_digits || tokens.contains(&Token::At) {
            return None;
        }
        resolve_minutes(&mut tokens);
        // In a date a `.` or `,` is plain text.
        for t in tokens.iter_mut() {
            match t {
                Token::Point => *t = Token::Literal(".".into()),
                Token::Comma => *t = Token::Literal(",".into()),
                Token::Percent => *t = Token::Literal("%".into()),
                _ => {}
            }
        }
        Kind::Date
    } else if tokens.contains(&Token::At) {
        Kind::Text
    } else {
        Kind::Number
    };
    Some(Section {
        tokens,
        kind,
        gannen,
    })
}

fn is_colour(inner: &str) -> bool {
    let lower = inner.to_ascii_lowercase();
    [
        "black", "blue", "cyan", "green", "magenta", "red", "white", "yellow",
    ]
    .contains(&lower.as_str())
        || lower
            .strip_prefix("color")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// `m`/`mm` right after an hour or right before a second is a minute.
fn resolve_minutes(tokens: &mut [Token]) {
    let is_time_part = |t: &Token| !matches!(t, Token::Literal(_));
    for i in 0..tokens.len() {
        let Token::Month(n) = tokens[i] else { continue };
        if n > 2 {
            continue;
        }
        let before = tokens[..i].iter().rev().find(|t| is_time_part(t));
        let after = tokens[i + 1..].iter().find(|t| is_time_part(t));
        if matches!(before, Some(Token::Hour(_))) || matches!(after, Some(Token::Second(_))) {
            tokens[i] = Token::Minute(n);
        }
    }
}

/// A serial in the 1900 date system (Excel's default) as a date and time.
fn serial_to_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let ms = (serial * 86_400_000.0).round() as i64;
    base.checked_add_signed(chrono::Duration::milliseconds(ms))
}

fn render_number(section: &Section, value: f64, minus: bool) -> Option<String> {
    let tokens = &section.tokens;
    let digit_positions: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, Token::Digit(_)))
        .map(|(i, _)| i)
        .collect();
    let point = tokens.iter().position(|t| *t == Token::Point);
    let int_end = point.unwrap_or(tokens.len());
    let first_digit = digit_positions.first().copied();
    let last_int_digit = digit_positions
        .iter()
        .rev()
        .find(|&&i| i < int_end)
        .copied();
    let mut grouping = false;
    let mut scale = 0i32;
    for (i, t) in tokens.iter().enumerate() {
        if *t != Token::Comma {
            continue;
        }
        let digit_before = first_digit.is_some_and(|f| f < i);
        let digit_after_in_int = digit_positions.iter().any(|&d| d > i && d < int_end);
        if digit_before && digit_after_in_int {
            grouping = true;
        } else if digit_before && last_int_digit.is_some_and(|l| l < i) && i < int_end {
            scale += 1;
        }
    }
    let percents = tokens.iter().filter(|t| **t == Token::Percent).count() as i32;
    let value = value * 100f64.powi(percents) / 1000f64.powi(scale);
    if !value.is_finite() || value >= 1e15 {
        return None;
    }
    let decimals = digit_positions.iter().filter(|&&i| i > int_end).count();
    let int_placeholders: Vec<usize> = digit_positions
        .iter()
        .copied()
        .filter(|&i| i < int_end)
        .collect();
    let (int_digits, frac_digits) = round_half_away(value, decimals);
    let int_digits = int_digits.trim_start_matches('0').to_string();

    // What each placeholder shows.
    let mut shown: Vec<String> = vec![String::new(); tokens.len()];
    if grouping {
        let zeros = int_placeholders
            .iter()
            .skip_while(|&&i| tokens[i] != Token::Digit('0'))
            .count();
        let mut padded = int_digits.clone();
        while padded.len() < zeros {
            padded.insert(0, '0');
        }
        if let Some(&first) = int_placeholders.first() {
            shown[first] = group_thousands(&padded);
        }
    } else {
        let digits: Vec<char> = int_digits.chars().collect();
        let k = int_placeholders.len();
        for (j, &pos) in int_placeholders.iter().rev().enumerate() {
            let mut s = match digits.len().checked_sub(j + 1) {
                Some(d) => digits[d].to_string(),
                None => empty_digit(&tokens[pos]),
            };
            if j + 1 == k && digits.len() > k {
                s = digits[..digits.len() - k].iter().collect::<String>() + &s;
            }
            shown[pos] = s;
        }
    }
    let frac: Vec<char> = frac_digits.chars().collect();
    let frac_positions: Vec<usize> = digit_positions
        .iter()
        .copied()
        .filter(|&i| i > int_end)
        .collect();
    let mut trailing = true;
    for (j, &pos) in frac_positions.iter().enumerate().rev() {
        let d = frac.get(j).copied().unwrap_or('0');
        shown[pos] = if trailing && d == '0' && tokens[pos] != Token::Digit('0') {
            empty_digit(&tokens[pos])
        } else {
            trailing = false;
            d.to_string()
        };
    }

    let mut out = String::new();
    if minus {
        out.push('-');
    }
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Literal(s) => out.push_str(s),
            Token::Digit(_) => out.push_str(&shown[i]),
            Token::Point => out.push('.'),
            Token::Percent => out.push('%'),
            Token::General => out.push_str(&super::format_number(value)),
            Token::Comma | Token::At => {}
            _ => return None,
        }
    }
    Some(out)
}

fn empty_digit(t: &Token) -> String {
    match t {
        Token::Digit('0') => "0".into(),
        Token::Digit('?') => " ".into(),
        _ => String::new(),
    }
}

/// `value` (not negative) rounded to `decimals` places, half away from zero on its shortest
/// decimal form (2.675 -> 2.68, as Excel shows it): integer digits and exactly `decimals`
/// fraction digits.
fn round_half_away(value: f64, decimals: usize) -> (String, String) {
    // The shortest representation that round-trips, in scientific form: d.ddddde±x.
    let sci = format!("{value:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // Digits as an integer part and a fraction part.
    let point = exponent + 1; // digits before the decimal point
    let mut all: Vec<u8> = Vec::new();
    let int_len = if point <= 0 {
        all.extend(std::iter::repeat_n(0, (-point) as usize + 1));
        all.extend(&digits);
        1
    } else {
        all.extend(&digits);
        while all.len() < point as usize {
            all.push(0);
        }
        point as usize
    };
    let keep = int_len + decimals;
    let round_up = all.get(keep).is_some_and(|&d| d >= 5);
    all.resize(keep, 0);
    if round_up {
        let mut i = keep;
        loop {
            if i == 0 {
                all.insert(0, 1);
                break;
            }
            i -= 1;
            if all[i] == 9 {
                all[i] = 0;
            } else {
                all[i] += 1;
                break;
            }
        }
    }
    let split = all.len() - decimals;
    let text = |d: &[u8]| d.iter().map(|d| (b'0' + d) as char).collect::<String>();
    (text(&all[..split]), text(&all[split..]))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const JAPANESE_DAYS: [&str; 7] = ["日", "月", "火", "水", "木", "金", "土"];

/// A Japanese era: its first day, its name, the name's first character and its initial.
struct Era {
    start: (i32, u32, u32),
    name: &'static str,
    short: &'static str,
    initial: &'static str,
}

const ERAS: [Era; 5] = [
    Era {
        start: (2019, 5, 1),
        name: "令和",
        short: "令",
        initial: "R",
    },
    Era {
        start: (1989, 1, 8),
        name: "平成",
        short: "平",
        initial: "H",
    },
    Era {
        start: (1926, 12, 25),
        name: "昭和",
        short: "昭",
        initial: "S",
    },
    Era {
        start: (1912, 7, 30),
        name: "大正",
        short: "大",
        initial: "T",
    },
    Era {
        start: (1868, 1, 1),
        name: "明治",
        short: "明",
        initial: "M",
    },
];

/// The era of a date and the year within it.
fn era_of(date: NaiveDate) -> Option<(&'static Era, i32)> {
    ERAS.iter().find_map(|era| {
        let (y, m, d) = era.start;
        let start = NaiveDate::from_ymd_opt(y, m, d)?;
        (date >= start).then(|| (era, date.year() - y + 1))
    })
}

fn render_date(section: &Section, dt: NaiveDateTime) -> Option<String> {
    // Seconds are shown rounded, as Excel does.
    let dt = dt.checked_add_signed(chrono::Duration::milliseconds(500))?;
    let dt = dt.with_nanosecond(0)?;
    let twelve_hour = section.tokens.iter().any(|t| matches!(t, Token::AmPm(..)));
    let mut out = String::new();
    for t in &section.tokens {
        match *t {
            Token::Literal(ref s) => out.push_str(s),
            Token::Year(2) => out.push_str(&format!("{:02}", dt.year().rem_euclid(100))),
            Token::Year(_) => out.push_str(&format!("{:04}", dt.year())),
            Token::Month(n) => {
                let name = MONTHS[dt.month0() as usize];
                match n {
                    1 => out.push_str(&dt.month().to_string()),
                    2 => out.push_str(&format!("{:02}", dt.month())),
                    3 => out.push_str(&name[..3]),
                    4 => out.push_str(name),
                    _ => out.push_str(&name[..1]),
                }
            }
            Token::Minute(n) => out.push_str(&pad(dt.minute(), n)),
            Token::Day(n) => {
                let name = DAYS[dt.weekday().num_days_from_sunday() as usize];
                match n {
                    1 | 2 => out.push_str(&pad(dt.day(), n)),
                    3 => out.push_str(&name[..3]),
                    _ => out.push_str(name),
                }
            }
            Token::Hour(n) => {
                let h = if twelve_hour {
                    (dt.hour() + 11) % 12 + 1
                } else {
                    dt.hour()
                };
                out.push_str(&pad(h, n));
            }
            Token::Second(n) => out.push_str(&pad(dt.second(), n)),
            Token::AmPm(long, upper) => {
                let pm = dt.hour() >= 12;
                let text = match (long, pm) {
                    (true, false) => "AM",
                    (true, true) => "PM",
                    (false, false) => "A",
                    (false, true) => "P",
                };
                if upper {
                    out.push_str(text);
                } else {
                    out.push_str(&text.to_ascii_lowercase());
                }
            }
            Token::EraName(n) => {
                let (era, _) = era_of(dt.date())?;
                out.push_str(match n {
                    1 => era.initial,
                    2 => era.short,
                    _ => era.name,
                });
            }
            Token::EraYear(n) => {
                let (_, year) = era_of(dt.date())?;
                if year == 1 && section.gannen {
                    out.push('元');
                } else if n >= 2 {
                    out.push_str(&format!("{year:02}"));
                } else {
                    out.push_str(&year.to_string());
                }
            }
            Token::JapaneseWeekday(n) => {
                out.push_str(JAPANESE_DAYS[dt.weekday().num_days_from_sunday() as usize]);
                if n >= 4 {
                    out.push_str("曜日");
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

fn pad(v: u32, width: u8) -> String {
    if width >= 2 {
        format!("{v:02}")
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(code: &str, v: f64) -> Option<String> {
        NumberFormat::parse(code)?.format_number(v)
    }

    fn date(code: &str, y: i32, m: u32, d: u32) -> Option<String> {
        let dt = NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(0, 0, 0)?;
        NumberFormat::parse(code)?.format_datetime(dt)
    }

    #[test]
    fn ledger_ids() {
        assert_eq!(num("\"DC-\"000", 25.0).as_deref(), Some("DC-025"));
        assert_eq!(num("\"PC-\"0000", 7.0).as_deref(), Some("PC-0007"));
        assert_eq!(num("000", 1.0).as_deref(), Some("001"));
        assert_eq!(num("000", 12345.0).as_deref(), Some("12345"));
        assert_eq!(num("\"DC-\"000", -5.0).as_deref(), Some("-DC-005"));
        assert_eq!(num("000-0000", 1234567.0).as_deref(), Some("123-4567"));
    }

    #[test]
    fn grouping_decimals_sections() {
        assert_eq!(num("#,##0", 1234567.891).as_deref(), Some("1,234,568"));
        assert_eq!(num("#,##0.00", -1234.5).as_deref(), Some("-1,234.50"));
        assert_eq!(num("0.00", 2.675).as_deref(), Some("2.68"));
        assert_eq!(num("0.00", 0.125).as_deref(), Some("0.13"));
        assert_eq!(num("0.0#", 1.0).as_deref(), Some("1.0"));
        assert_eq!(num("0;(0)", -5.0).as_deref(), Some("(5)"));
        assert_eq!(num("0;-0;\"ゼロ\"", 0.0).as_deref(), Some("ゼロ"));
        assert_eq!(num("0%", 0.125).as_deref(), Some("13%"));
        assert_eq!(num("#,##0,", 1234567.0).as_deref(), Some("1,235"));
        assert_eq!(num("[$¥-411]#,##0", 1234.0).as_deref(), Some("¥1,234"));
        assert_eq!(num("#", 0.0).as_deref(), Some(""));
        assert_eq!(num("0.00", 999.999).as_deref(), Some("1000.00"));
        assert_eq!(num("0", 0.4).as_deref(), Some("0"));
    }

    #[test]
    fn unsupported_is_none() {
        for code in [
            "General",
            "",
            "[>100]0;0",
            "[h]:mm",
            "0.00E+00",
            "# ?/?",
            "h:mm:ss.0",
            "\"open",
        ] {
            assert_eq!(num(code, 1.5), None, "{code}");
        }
    }

    #[test]
    fn japanese_eras() {
        let wareki = "[$-411]ggge\"年\"m\"月\"d\"日\"";
        assert_eq!(date(wareki, 2024, 3, 31).as_deref(), Some("令和6年3月31日"));
        assert_eq!(
            date(wareki, 2019, 4, 30).as_deref(),
            Some("平成31年4月30日")
        );
        assert_eq!(date(wareki, 2019, 5, 1).as_deref(), Some("令和1年5月1日"));
        assert_eq!(date(wareki, 1989, 1, 7).as_deref(), Some("昭和64年1月7日"));
        let gannen = "[$-ja-JP-x-gannen]ggge\"年\"m\"月\"d\"日\"";
        assert_eq!(date(gannen, 2019, 5, 1).as_deref(), Some("令和元年5月1日"));
        assert_eq!(date(gannen, 2020, 5, 1).as_deref(), Some("令和2年5月1日"));
        assert_eq!(date("ge.m.d", 2024, 3, 31).as_deref(), Some("R6.3.31"));
        assert_eq!(
            date("[$-411]gee.mm.dd", 1989, 1, 8).as_deref(),
            Some("H01.01.08")
        );
        assert_eq!(
            date("[$-1030411]ggge年m月d日", 1926, 12, 25).as_deref(),
            Some("昭和1年12月25日")
        );
        assert_eq!(
            date("yyyy/m/d(aaa)", 2026, 11, 25).as_deref(),
            Some("2026/11/25(水)")
        );
        // A date format on a plain number reads it as a 1900-system serial.
        assert_eq!(num("yyyy/mm/dd", 45382.0).as_deref(), Some("2024/03/31"));
    }

    #[test]
    fn times() {
        let dt = NaiveDate::from_ymd_opt(2000, 2, 29)
            .and_then(|d| d.and_hms_milli_opt(13, 5, 8, 700))
            .unwrap();
        let f = |code: &str| NumberFormat::parse(code).unwrap().format_datetime(dt);
        assert_eq!(f("h:mm:ss").as_deref(), Some("13:05:09"));
        assert_eq!(f("yyyy/m/d h:mm").as_deref(), Some("2000/2/29 13:05"));
        assert_eq!(f("h:mm AM/PM").as_deref(), Some("1:05 PM"));
        assert_eq!(f("mm:ss").as_deref(), Some("05:09"));
    }

    #[test]
    fn text_sections() {
        let f = |code: &str, t: &str| NumberFormat::parse(code).unwrap().format_text(t);
        assert_eq!(f("\"ID:\"@", "001").as_deref(), Some("ID:001"));
        assert_eq!(f("0;0;0;\"[\"@\"]\"", "a").as_deref(), Some("[a]"));
        assert_eq!(f("0", "a"), None);
        // `@` on a number shows the number as it is.
        assert_eq!(num("@", 12.5), None);
    }

    #[test]
    fn builtin_ids() {
        assert_eq!(builtin_japanese(14, "mm-dd-yy"), Some("yyyy/m/d"));
        assert_eq!(
            builtin_japanese(58, "General"),
            Some("[$-411]ggge\"年\"m\"月\"d\"日\"")
        );
        assert_eq!(builtin_japanese(14, "yyyy-mm-dd"), None);
        assert_eq!(builtin_japanese(1, "0"), None);
    }

    /// Format codes made of the characters that mean something, in random order: parsing and
    /// rendering never panic (a small deterministic generator, no extra dependency).
    #[test]
    fn random_codes_never_panic() {
        const ALPHABET: &[char] = &[
            '0', '#', '?', '.', ',', '%', '@', ';', '"', '\\', '_', '*', '[', ']', '$', '-', 'y',
            'm', 'd', 'h', 's', 'g', 'e', 'E', 'a', 'A', '/', 'P', ':', '年', ' ', '+', 'G',
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let dt = NaiveDate::from_ymd_opt(2019, 5, 1)
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .unwrap();
        for _ in 0..20_000 {
            let len = (next() % 16) as usize;
            let code: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            if let Some(f) = NumberFormat::parse(&code) {
                for v in [0.0, -0.5, 1.5, 45382.25, -1e14, 9.99e14, 1e-9] {
                    let _ = f.format_number(v);
                }
                let _ = f.format_datetime(dt);
                let _ = f.format_text("ABC");
            }
        }
    }

    #[test]
    fn never_panics() {
        for code in [
            "\\",
            "_",
            "*",
            "[",
            "[$",
            "[$-",
            "\"",
            ";;;;;",
            "0;0;0;0;0",
            "e",
            "g",
            "0.0.0",
            ",,,",
            "#,##0,,,,,,,,",
            "0%%%%%%%%%%%%%%%%",
            "yyyy;@",
            "@@",
            "000000000000000000000000",
        ] {
            if let Some(f) = NumberFormat::parse(code) {
                for v in [0.0, -1.0, 1e300, f64::NAN, 1e-300, 45000.5, 123456789.0] {
                    let _ = f.format_number(v);
                }
                let _ = f.format_text("x");
            }
        }
    }

    /// Format codes whose rendering is compared with LibreOffice run in the ja-JP locale
    /// (`numfmt.expected-ja.csv`): without a locale tag, Japanese Excel shows `g`/`e` as the era
    /// and `aaa` as the Japanese weekday, which LibreOffice's en-US locale does not.
    pub(crate) const JAPANESE_LOCALE_ROWS: [&str; 2] = ["ge.m.d", "yyyy/m/d (aaa)"];

    /// The one format LibreOffice 7.4 cannot read: it does not know the `x-gannen` tag and
    /// shows the serial. Excel shows 元年 for the first year of an era; these are Excel's texts.
    pub(crate) const GANNEN_ROW: (&str, [&str; 10]) = (
        "[$-ja-JP-x-gannen]ggge\"年\"m\"月\"d\"日\"",
        [
            "令和6年3月31日",
            "令和元年5月1日",
            "平成31年4月30日",
            "令和2年1月5日",
            "平成元年1月8日",
            "昭和64年1月7日",
            "昭和元年12月25日",
            "大正元年7月30日",
            "平成12年2月29日",
            "令和8年11月25日",
        ],
    );

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/reader")
            .join(name)
    }

    pub(crate) fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    /// daicho's displayed text of every cell of `numfmt.xlsx`, row by row, in the shape of
    /// LibreOffice's CSV export (column A is the format code).
    pub(crate) fn daicho_rows() -> Vec<Vec<String>> {
        let book = crate::workbook::open_path(&fixture("numfmt.xlsx"), &Default::default())
            .expect("numfmt.xlsx");
        let grid = &book.sheets[0].grid;
        grid.rows()
            .iter()
            .map(|row| {
                let last = row.cells.last().map_or(0, |(c, _)| *c);
                (0..=last)
                    .map(|c| row.shown(c).map(|s| s.into_owned()).unwrap_or_default())
                    .collect()
            })
            .collect()
    }

    /// Compares daicho's rendering with the expectations row by row; returns the differences.
    pub(crate) fn differences(
        ours: &[Vec<String>],
        en: &[Vec<String>],
        ja: &[Vec<String>],
    ) -> Vec<String> {
        let mut out = Vec::new();
        assert_eq!(ours.len(), en.len(), "row count");
        for (i, row) in ours.iter().enumerate() {
            let code = row[0].as_str();
            let expected: Vec<String> = if code == GANNEN_ROW.0 {
                std::iter::once(code.to_string())
                    .chain(GANNEN_ROW.1.iter().map(|s| s.to_string()))
                    .collect()
            } else if JAPANESE_LOCALE_ROWS.contains(&code) {
                ja[i].clone()
            } else {
                en[i].clone()
            };
            let trimmed = |v: &[String]| {
                let mut v = v.to_vec();
                while v.last().is_some_and(|s| s.is_empty()) {
                    v.pop();
                }
                v
            };
            let (got, want) = (trimmed(row), trimmed(&expected));
            if got != want {
                out.push(format!(
                    "{code}\n  daicho:      {got:?}\n  expected:    {want:?}"
                ));
            }
        }
        out
    }

    #[test]
    fn matches_libreoffice_rendering() {
        let diffs = differences(
            &daicho_rows(),
            &csv_rows(&fixture("numfmt.expected.csv")),
            &csv_rows(&fixture("numfmt.expected-ja.csv")),
        );
        assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    }
}
