//! CSV and JSON exports of a converted ledger, for asset-management tools.
//!
//! CSV: the standard Japanese header, one row per device, CRLF; UTF-8 with a BOM (so Excel opens
//! it correctly) or CP932. A character CP932 cannot hold is reported, never replaced. JSON: an
//! array of devices with the canonical keys of SPEC §4 and the source sheet and row.

use super::Conversion;
use crate::cli::Encoding;
use crate::layout::Field;
use crate::workbook::CellValue;
use crate::Lang;
use crate::Text;
use serde_json::{Map, Value};

/// A character of the ledger that CP932 cannot represent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unencodable {
    /// 1-based line of the CSV (1 = header).
    pub line: usize,
    pub column: String,
    pub ch: char,
}

/// How many unencodable characters a message lists before "…".
const LIST_LIMIT: usize = 20;

pub fn unencodable_message(list: &[Unencodable], lang: Lang) -> String {
    let shown: Vec<String> = list
        .iter()
        .take(LIST_LIMIT)
        .map(|u| {
            Text::new(
                format!(
                    "{}行目「{}」の「{}」(U+{:04X})",
                    u.line, u.column, u.ch, u.ch as u32
                ),
                format!(
                    "line {} '{}': '{}' (U+{:04X})",
                    u.line, u.column, u.ch, u.ch as u32
                ),
            )
            .into_string(lang)
        })
        .collect();
    let more = if list.len() > LIST_LIMIT { "…" } else { "" };
    Text::new(format!(
            "CP932(Shift_JIS)で表せない文字が{}か所あるため、CSVを書き出しませんでした: {}{more}。--encoding utf-8 (既定)で書き出すか、元の値を直してください。",
            list.len(),
            shown.join("、")
        ), format!(
            "{} characters cannot be written in CP932 (Shift_JIS), so no CSV was written: {}{more}. Use --encoding utf-8 (the default) or change those values.",
            list.len(),
            shown.join(", ")
        )).into_string(lang)
}

/// The header of the standard layout: the field labels, then the extra columns.
pub fn header(conv: &Conversion) -> Vec<String> {
    Field::ALL
        .iter()
        .map(|f| f.label().to_string())
        .chain(conv.extra_columns.iter().cloned())
        .collect()
}

/// A value as CSV text. Text that a spreadsheet would run as a formula (`=HYPERLINK(…)`,
/// `+cmd|…`, `-2+3`, `@SUM(…)`) gets a leading `'` so Excel or an asset tool opening the CSV
/// shows it as text (CSV injection); a plain number (`-5`, `+81`) and the lone `-` (no
/// address, not applicable) stay as typed.
fn cell_text(v: Option<&CellValue>) -> String {
    match v {
        Some(CellValue::Text(s)) if runs_as_formula(s) => format!("'{s}"),
        Some(v) => v.display(),
        None => String::new(),
    }
}

fn runs_as_formula(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return false;
    }
    s != "-" && !is_plain_number(s)
}

/// `-5`, `+81`, `-0.5`: an optional sign, digits and at most one decimal point.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// The rows of the CSV (header first), as text.
pub fn records(conv: &Conversion) -> Vec<Vec<String>> {
    let mut out = Vec::with_capacity(conv.devices.len() + 1);
    out.push(header(conv));
    for d in &conv.devices {
        let mut rec: Vec<String> = Field::ALL.iter().map(|f| cell_text(d.get(*f))).collect();
        rec.extend(d.extra.iter().map(|v| cell_text(v.as_ref())));
        out.push(rec);
    }
    out
}

/// The CSV file's bytes in the chosen encoding.
pub fn csv_bytes(conv: &Conversion, encoding: Encoding) -> Result<Vec<u8>, Vec<Unencodable>> {
    let recs = records(conv);
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in &recs {
        // Writing to memory cannot fail.
        let _ = writer.write_record(r);
    }
    let utf8 = writer.into_inner().unwrap_or_default();
    match encoding {
        Encoding::Utf8 => {
            let mut out = Vec::with_capacity(utf8.len() + 3);
            out.extend_from_slice(b"\xEF\xBB\xBF");
            out.extend_from_slice(&utf8);
            Ok(out)
        }
        Encoding::Cp932 => {
            let bad = unencodable(&recs);
            if !bad.is_empty() {
                return Err(bad);
            }
            let text = String::from_utf8_lossy(&utf8);
            let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(&text);
            if had_errors {
                // Every cell was checked above; this would be a separator or quote, which are ASCII.
                return Err(vec![]);
            }
            Ok(bytes.into_owned())
        }
    }
}

/// Every character of the records CP932 cannot hold, with its line and column.
fn unencodable(recs: &[Vec<String>]) -> Vec<Unencodable> {
    let header = &recs[0];
    let mut bad = Vec::new();
    for (line, rec) in recs.iter().enumerate() {
        for (col, value) in rec.iter().enumerate() {
            if value.is_ascii() {
                continue;
            }
            if !encoding_rs::SHIFT_JIS.encode(value).2 {
                continue;
            }
            let mut buf = [0u8; 4];
            for ch in value.chars().filter(|c| !c.is_ascii()) {
                if encoding_rs::SHIFT_JIS.encode(ch.encode_utf8(&mut buf)).2 {
                    bad.push(Unencodable {
                        line: line + 1,
                        column: header.get(col).cloned().unwrap_or_default(),
                        ch,
                    });
                }
            }
        }
    }
    bad
}

fn json_value(v: &CellValue) -> Value {
    match v {
        CellValue::DateTime(dt) if dt.time() == chrono::NaiveTime::MIN => {
            Value::String(dt.date().format("%Y-%m-%d").to_string())
        }
        CellValue::DateTime(dt) => Value::String(dt.format("%Y-%m-%dT%H:%M:%S").to_string()),
        other => Value::String(other.display()),
    }
}

/// One device of the JSON export, serialised with its keys in the standard order.
struct JsonDevice<'a> {
    conv: &'a Conversion,
    index: usize,
}

impl serde::Serialize for JsonDevice<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let d = &self.conv.devices[self.index];
        let s = &self.conv.sources[self.index];
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("sheet", &*s.sheet)?;
        m.serialize_entry("row", &(s.row + 1))?;
        for f in Field::ALL {
            m.serialize_entry(f.key(), &d.get(f).map(json_value).unwrap_or(Value::Null))?;
        }
        let extra: Map<String, Value> = self
            .conv
            .extra_columns
            .iter()
            .zip(&d.extra)
            .filter_map(|(h, v)| v.as_ref().map(|v| (h.clone(), json_value(v))))
            .collect();
        if !extra.is_empty() {
            m.serialize_entry("extra", &extra)?;
        }
        m.end()
    }
}

/// The devices as JSON: `[{"sheet", "row", "id", "maker", …, "extra": {header: value}}]`. Every
/// canonical key is present (null when blank); values are the cell text as shown, dates ISO
/// 8601 (`2020-12-01`); `row` is the 1-based row in the source sheet.
pub fn json_text(conv: &Conversion) -> String {
    let devices: Vec<JsonDevice<'_>> = (0..conv.devices.len())
        .map(|index| JsonDevice { conv, index })
        .collect();
    let mut text = serde_json::to_string_pretty(&devices).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_numbers_and_dash_kept() {
        let text = |s: &str| cell_text(Some(&CellValue::Text(s.into())));
        for (typed, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("--", "'--"),
            ("+81-3-1234-5678", "'+81-3-1234-5678"),
            ("\t=1", "'\t=1"),
            ("-", "-"),
            ("-5", "-5"),
            ("+81", "+81"),
            ("-0.5", "-0.5"),
            ("192.168.1.5", "192.168.1.5"),
            ("稼働", "稼働"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(text(typed), written, "{typed}");
        }
        // Numbers are numbers, not typed text.
        assert_eq!(cell_text(Some(&CellValue::Number(-5.0))), "-5");
        assert_eq!(cell_text(None), "");
    }

    #[test]
    fn finds_characters_cp932_cannot_hold() {
        let recs = vec![
            vec!["管理番号".to_string(), "備考".to_string()],
            vec!["001".to_string(), "髙﨑①㈱".to_string()],
            vec!["002".to_string(), "🙂 と 𠮷".to_string()],
        ];
        let bad = unencodable(&recs);
        let chars: Vec<char> = bad.iter().map(|b| b.ch).collect();
        assert_eq!(chars, vec!['🙂', '𠮷']);
        assert_eq!(bad[0].line, 3);
        assert_eq!(bad[0].column, "備考");
    }
}
