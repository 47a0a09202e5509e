//! calamine's cell values, normalised into [`CellValue`] whatever format they came from.
//!
//! xlsx gives every number as `Float`, xls gives integers as `Int`; Excel date cells arrive as
//! serials with their epoch, ODS dates as ISO text. All numbers become `Number(f64)`, all dates
//! `DateTime`, and durations (`[h]:mm` cells, ODS times) the text a person reads in the cell.

use super::CellValue;
use calamine::{Data, DataRef, ExcelDateTime};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Excel shows `####` for a date cell below 0 or past 9999-12-31 (serial 2,958,465), and
/// serials far outside this range make chrono panic, so such cells stay numbers.
const MIN_SERIAL: f64 = 0.0;
const MAX_SERIAL: f64 = 2_958_466.0;

/// The value of a streamed (xlsx/xlsb) cell; `None` for an empty cell.
pub(super) fn from_data_ref(value: &DataRef<'_>) -> Option<CellValue> {
    Some(match value {
        DataRef::Int(i) => CellValue::Number(*i as f64),
        DataRef::Float(f) => CellValue::Number(*f),
        DataRef::String(s) => CellValue::Text(s.clone()),
        DataRef::SharedString(s) => CellValue::Text((*s).to_string()),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) => excel_datetime(dt),
        DataRef::DateTimeIso(s) => iso_datetime(s),
        DataRef::DurationIso(s) => iso_duration(s),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
        DataRef::Empty => return None,
    })
}

/// The value of a cell from a whole-sheet (xls/ods) range; `None` for an empty cell.
pub(super) fn from_data(value: &Data) -> Option<CellValue> {
    Some(match value {
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Float(f) => CellValue::Number(*f),
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => excel_datetime(dt),
        Data::DateTimeIso(s) => iso_datetime(s),
        Data::DurationIso(s) => iso_duration(s),
        Data::Error(e) => CellValue::Error(e.to_string()),
        Data::Empty => return None,
    })
}

fn excel_datetime(dt: &ExcelDateTime) -> CellValue {
    let serial = dt.as_f64();
    if dt.is_duration() {
        return duration_text(serial * 86_400.0).map_or(CellValue::Number(serial), CellValue::Text);
    }
    if !(MIN_SERIAL..=MAX_SERIAL).contains(&serial) {
        return CellValue::Number(serial);
    }
    // as_datetime applies the workbook's 1900/1904 epoch and Excel's fictitious 1900-02-29.
    dt.as_datetime()
        .map_or(CellValue::Number(serial), CellValue::DateTime)
}

/// A 1900-system serial (1904 serials shifted by the caller) as a date, `None` outside the
/// dates Excel can show.
pub(super) fn serial_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !(MIN_SERIAL..=MAX_SERIAL).contains(&serial) {
        return None;
    }
    ExcelDateTime::new(serial, calamine::ExcelDateTimeType::DateTime, false).as_datetime()
}

/// ODS dates and xlsx `t="d"` cells: `2019-05-01` or `2019-05-01T10:30:00[.fff]`.
fn iso_datetime(text: &str) -> CellValue {
    let trimmed = text.trim().trim_end_matches('Z');
    if let Ok(dt) = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f") {
        return CellValue::DateTime(dt);
    }
    if let Ok(d) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
        return CellValue::DateTime(d.and_time(NaiveTime::MIN));
    }
    CellValue::Text(text.to_string())
}

/// ODS times and durations such as `PT10H30M00S` or `P1DT2H`, shown as `h:mm:ss`.
fn iso_duration(text: &str) -> CellValue {
    parse_iso_duration(text)
        .and_then(duration_text)
        .map_or_else(|| CellValue::Text(text.to_string()), CellValue::Text)
}

fn parse_iso_duration(text: &str) -> Option<f64> {
    let (negative, rest) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim()),
    };
    let rest = rest.strip_prefix('P')?;
    let mut seconds = 0.0;
    let mut in_time = false;
    let mut number = String::new();
    for c in rest.chars() {
        match c {
            'T' if number.is_empty() => in_time = true,
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            unit => {
                let n: f64 = number.parse().ok()?;
                number.clear();
                seconds += n * match (unit, in_time) {
                    ('D', false) => 86_400.0,
                    ('W', false) => 7.0 * 86_400.0,
                    ('H', true) => 3_600.0,
                    ('M', true) => 60.0,
                    ('S', true) => 1.0,
                    _ => return None,
                };
            }
        }
    }
    if !number.is_empty() {
        return None;
    }
    Some(if negative { -seconds } else { seconds })
}

/// `h:mm:ss` (hours may exceed 24), rounded to the second.
fn duration_text(seconds: f64) -> Option<String> {
    if !seconds.is_finite() || seconds.abs() > 1e12 {
        return None;
    }
    let total = seconds.abs().round() as u64;
    let sign = if seconds < 0.0 && total > 0 { "-" } else { "" };
    Some(format!(
        "{sign}{}:{:02}:{:02}",
        total / 3600,
        total / 60 % 60,
        total % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn date(y: i32, m: u32, d: u32) -> CellValue {
        CellValue::DateTime(
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_time(NaiveTime::MIN),
        )
    }

    #[test]
    fn numbers_are_f64() {
        assert_eq!(from_data(&Data::Int(42)), Some(CellValue::Number(42.0)));
        assert_eq!(
            from_data_ref(&DataRef::Float(1.5)),
            Some(CellValue::Number(1.5))
        );
        assert_eq!(from_data(&Data::Empty), None);
    }

    #[test]
    fn excel_dates_follow_the_epoch() {
        let d1900 = ExcelDateTime::new(43586.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(from_data(&Data::DateTime(d1900)), Some(date(2019, 5, 1)));
        let d1904 = ExcelDateTime::new(43586.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(from_data(&Data::DateTime(d1904)), Some(date(2019, 5, 1)));
    }

    #[test]
    fn absurd_serials_stay_numbers() {
        for serial in [-1e300, 1e300, f64::NAN, 3e6, -5.0] {
            let dt = ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false);
            assert!(matches!(
                from_data(&Data::DateTime(dt)),
                Some(CellValue::Number(_))
            ));
        }
    }

    #[test]
    fn durations_are_text() {
        let dt = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(
            from_data(&Data::DateTime(dt)),
            Some(CellValue::Text("36:00:00".into()))
        );
        assert_eq!(
            from_data(&Data::DurationIso("PT10H30M05S".into())),
            Some(CellValue::Text("10:30:05".into()))
        );
        assert_eq!(
            from_data(&Data::DurationIso("P1DT2H".into())),
            Some(CellValue::Text("26:00:00".into()))
        );
        assert_eq!(
            from_data(&Data::DurationIso("garbage".into())),
            Some(CellValue::Text("garbage".into()))
        );
    }

    #[test]
    fn iso_dates() {
        assert_eq!(
            from_data(&Data::DateTimeIso("2019-05-01".into())),
            Some(date(2019, 5, 1))
        );
        let with_time = from_data(&Data::DateTimeIso("2019-05-01T10:30:00".into()));
        assert_eq!(with_time.unwrap().display(), "2019/05/01 10:30");
        assert_eq!(
            from_data(&Data::DateTimeIso("not a date".into())),
            Some(CellValue::Text("not a date".into()))
        );
    }

    #[test]
    fn errors_as_excel_shows_them() {
        assert_eq!(
            from_data_ref(&DataRef::Error(CellErrorType::Div0)),
            Some(CellValue::Error("#DIV/0!".into()))
        );
        assert_eq!(
            from_data(&Data::Error(CellErrorType::NA)),
            Some(CellValue::Error("#N/A".into()))
        );
    }
}
