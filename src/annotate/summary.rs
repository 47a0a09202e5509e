//! The first sheet, 「チェック結果」: what was checked, the counts, and one row per finding with
//! a link that jumps to the cell.

use super::styles::{Fill, Styles};
use crate::layout::SheetRole;
use crate::layout::SUMMARY_MARKER;
use crate::report::SheetInfo;
use crate::rules::Finding;
use crate::Text;
use crate::{Lang, Severity};
use rust_xlsxwriter::{Url, Worksheet, XlsxError};
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// Excel refuses more hyperlinks than this on one worksheet; later rows show the address as text.
const MAX_LINKS: usize = 65_530;
/// Rows available for findings below the header block.
const MAX_FINDING_ROWS: usize = 1_000_000;

/// Where a finding points in the annotated workbook.
#[derive(Debug, Clone)]
pub struct Target {
    /// The sheet's name in the output (a CSV stem may have been shortened).
    pub sheet: String,
    pub row: u32,
    pub col: u32,
}

pub struct Summary<'a> {
    pub file_name: String,
    pub as_of: chrono::NaiveDate,
    pub lang: Lang,
    pub sheets: &'a [SheetInfo],
    pub findings: &'a [Finding],
    /// For each finding, the cell its link jumps to (None for L001 on a workbook without sheets).
    pub targets: &'a [Option<Target>],
    pub flagged_cells: usize,
    pub notes_written: usize,
    pub notes_left_out: usize,
    /// The copy is the user's own workbook with marks (not a values copy).
    pub in_place: bool,
    /// Why an .xlsx/.xlsm got a values copy (what the patcher said); None for other formats,
    /// which have no package to mark.
    pub values_copy_reason: Option<&'a str>,
}

impl<'a> Summary<'a> {
    /// The summary of one analysis: the copy is the user's own workbook with marks
    /// (`values_copy_reason` None and `in_place`), or a values copy (and why, for an .xlsx).
    pub fn of(
        analysis: &'a crate::engine::Analysis<'_>,
        settings: &crate::settings::Settings,
        file_name: &str,
        targets: &'a [Option<Target>],
        stats: super::Stats,
        in_place: bool,
        values_copy_reason: Option<&'a str>,
    ) -> Summary<'a> {
        Summary {
            file_name: file_name.to_string(),
            as_of: settings.as_of,
            lang: settings.lang,
            sheets: &analysis.sheets,
            findings: &analysis.findings,
            targets,
            flagged_cells: stats.flagged_cells,
            notes_written: stats.notes,
            notes_left_out: stats.notes_left_out,
            in_place,
            values_copy_reason,
        }
    }
}

/// A label of the summary sheet in the workbook's language.
fn t(lang: Lang, ja: &'static str, en: &'static str) -> String {
    Text::from_static(ja, en).into_string(lang)
}

/// Writes the summary sheet: the title, the block about the check, then the findings table.
/// `streamed`: the sheet is in rust_xlsxwriter's constant-memory mode.
pub fn write(
    ws: &mut Worksheet,
    streamed: bool,
    s: &Summary<'_>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let lang = s.lang;
    let title = Text::new(
        SUMMARY_MARKER.to_string(),
        format!("{SUMMARY_MARKER} (check results)"),
    )
    .into_lang(lang);
    ws.write_string_with_format(0, 0, &*title, &styles.title)?;
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    let row = write_about(ws, s, styles)?;
    let end = write_findings(ws, s, styles, row + 1)?;
    if streamed {
        // rust_xlsxwriter's constant-memory mode writes its last row twice (the second an empty
        // `<row>` with the same number, which Excel repairs) when that row has a height, as a
        // finding's wrapped row has: an empty cell after it makes the last row a plain one.
        ws.write_blank(end, 0, &rust_xlsxwriter::Format::new())?;
    }
    Ok(())
}

/// The block under the title: file, as-of date, version, what kind of copy this is, counts,
/// rules, sheets, what was hidden, marks. The row after it.
fn write_about(ws: &mut Worksheet, s: &Summary<'_>, styles: &Styles) -> Result<u32, XlsxError> {
    let lang = s.lang;
    let mut row = 1u32;
    let mut line = |ws: &mut Worksheet, label: String, value: String| -> Result<u32, XlsxError> {
        ws.write_string_with_format(row, 0, &label, &styles.label)?;
        ws.write_string_with_format(row, 1, &value, &styles.text)?;
        row += 1;
        Ok(row - 1)
    };
    line(ws, t(lang, "ファイル", "File"), s.file_name.clone())?;
    let as_of_row = line(ws, t(lang, "判定日", "As of"), String::new())?;
    ws.write_datetime_with_format(as_of_row, 1, s.as_of, &styles.date)?;
    line(
        ws,
        t(lang, "検査ツール", "Checked with"),
        format!("daicho {}", env!("CARGO_PKG_VERSION")),
    )?;
    line(
        ws,
        t(lang, "サポート期限データ", "Support data"),
        crate::rules::os::support_data_line(lang),
    )?;
    line(ws, t(lang, "注意", "Note"), copy_note(s))?;
    line(ws, t(lang, "件数", "Counts"), counts(s))?;
    line(ws, t(lang, "ルール別", "By rule"), by_rule(s))?;
    line(ws, t(lang, "シート", "Sheets"), sheets(s))?;
    if let Some(hidden) = crate::report::hidden_text(s.sheets, lang) {
        let hidden = Text::new(
            format!("{hidden}(非表示でもチェックしています)"),
            format!("{hidden} (checked all the same)"),
        )
        .into_lang(lang);
        line(ws, t(lang, "非表示", "Hidden"), clip(&hidden).to_string())?;
    }
    line(ws, t(lang, "色とメモ", "Marks"), marks(s))?;
    Ok(row)
}

/// What kind of copy this is, and where to make corrections.
fn copy_note(s: &Summary<'_>) -> String {
    if s.in_place {
        t(
            s.lang,
            "元のブックに印を付けたコピーです。このブックで修正して、もう一度チェックできます。",
            "Your workbook with marks added. You can fix problems in this copy and check it again.",
        )
    } else if let Some(reason) = s.values_copy_reason {
        Text::new(
            format!("このブックには印を直接付けられないため({reason})、値のみのコピーです。修正は元のブックで行ってください。"),
            format!("This workbook could not be marked in place ({reason}): this is a values-only copy. Make corrections in the original workbook."),
        ).into_string(s.lang)
    } else {
        t(
            s.lang,
            "値のみのコピーです(.xls・.ods・.xlsb・CSV には元のブックのまま印を付けられないため)。修正は元のブックで行ってください。",
            "This is a values-only copy (an .xls, .ods, .xlsb or CSV file cannot be marked as itself). Make corrections in the original workbook.",
        )
    }
}

/// Unacknowledged findings by severity, and the acknowledged ones.
fn counts(s: &Summary<'_>) -> String {
    let count = |sev: Severity| {
        s.findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity == sev)
            .count()
    };
    let acknowledged = s.findings.iter().filter(|f| f.suppressed.is_some()).count();
    Text::new(
        format!(
            "エラー {}件 / 警告 {}件 / 情報 {}件 / 承認済み {}件",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
            acknowledged
        ),
        format!(
            "{} errors / {} warnings / {} infos / {} acknowledged",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
            acknowledged
        ),
    )
    .into_string(s.lang)
}

/// Findings per rule, in the registry's order.
fn by_rule(s: &Summary<'_>) -> String {
    let lang = s.lang;
    let mut by_rule: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    for f in s.findings {
        let order = crate::registry::all()
            .iter()
            .position(|r| r.code == f.code())
            .unwrap_or(usize::MAX);
        *by_rule.entry((order, f.code())).or_default() += 1;
    }
    if by_rule.is_empty() {
        t(lang, "なし", "none")
    } else {
        by_rule
            .iter()
            .map(|((_, code), n)| {
                Text::new(format!("{code} {n}件"), format!("{code} ×{n}")).into_lang(lang)
            })
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// Each sheet with its role (and a ledger's device count).
fn sheets(s: &Summary<'_>) -> String {
    let lang = s.lang;
    s.sheets
        .iter()
        .filter(|i| !(i.role == SheetRole::Other && i.name.is_empty()))
        .map(|i| {
            let name = &i.name;
            match i.role {
                SheetRole::Ledger => Text::new(
                    format!("{name}(台帳・{}台)", i.device_rows),
                    format!("{name} (ledger, {} devices)", i.device_rows),
                ),
                SheetRole::Checklist => Text::new(
                    format!("{name}(チェックリスト)"),
                    format!("{name} (checklist)"),
                ),
                SheetRole::Other => Text::new(format!("{name}(その他)"), format!("{name} (other)")),
            }
            .into_string(lang)
        })
        .collect::<Vec<_>>()
        .join(Text::from_static("、", ", ").get(lang))
}

/// How many cells were filled and noted, and what the colours mean.
fn marks(s: &Summary<'_>) -> String {
    if s.notes_left_out > 0 {
        Text::new(format!(
                "指摘のあるセル{}か所に色を付けました。メモは重大度の高い順に{}か所まで付け、残り{}か所は色のみです(指摘はすべて下の一覧にあります)。",
                s.flagged_cells, s.notes_written, s.notes_left_out
            ), format!(
                "{} flagged cells are filled. Notes were added to {} of them, most severe first; {} cells have a fill only (every finding is listed below).",
                s.flagged_cells, s.notes_written, s.notes_left_out
            )).into_string(s.lang)
    } else {
        Text::new(format!("指摘のあるセル{}か所に色とメモを付けました(赤=エラー、黄=警告、青=情報、灰色=承認済み)。", s.flagged_cells), format!(
                "{} flagged cells carry a fill and a note (red = error, yellow = warning, blue = info, grey = acknowledged).",
                s.flagged_cells
            )).into_string(s.lang)
    }
}

/// The findings table's column headings.
static HEADS: [Text; 9] = [
    Text::from_static("重大度", "Severity"),
    Text::from_static("コード", "Code"),
    Text::from_static("ルール", "Rule"),
    Text::from_static("シート", "Sheet"),
    Text::from_static("セル", "Cell"),
    Text::from_static("値", "Value"),
    Text::from_static("内容", "Message"),
    Text::from_static("修正案", "Suggested fix"),
    Text::from_static("承認済み", "Acknowledged"),
];

/// The findings table from `header_row`: widths, headings, one row per finding (as many as fit),
/// a line for the rest, a filter and frozen headings. The first row after it.
fn write_findings(
    ws: &mut Worksheet,
    s: &Summary<'_>,
    styles: &Styles,
    header_row: u32,
) -> Result<u32, XlsxError> {
    let lang = s.lang;
    let mut row = header_row;
    let shown = s.findings.len().min(MAX_FINDING_ROWS);
    let widths = set_column_widths(ws, s, shown)?;
    for (c, head) in HEADS.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, head.get(lang), &styles.table_header)?;
    }
    row += 1;
    for (i, f) in s.findings.iter().take(shown).enumerate() {
        write_finding(ws, s, styles, &widths, row, i, f)?;
        row += 1;
    }
    if shown < s.findings.len() {
        let more = Text::new(
            format!("ほか{}件は表示しきれません(Excelの行数の上限)。`daicho check --format json` で全件を出力できます。", s.findings.len() - shown),
            format!("{} more findings do not fit (Excel's row limit); `daicho check --format json` lists them all.", s.findings.len() - shown),
        ).into_lang(lang);
        ws.write_string_with_format(row, 0, more, &styles.label)?;
        row += 1;
    }

    let last_row = header_row + shown as u32;
    ws.autofilter(header_row, 0, last_row, 8)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    Ok(row)
}

/// Column widths first: the wrapped columns' widths decide each row's height.
fn set_column_widths(
    ws: &mut Worksheet,
    s: &Summary<'_>,
    shown: usize,
) -> Result<Vec<usize>, XlsxError> {
    let lang = s.lang;
    let mut widths: Vec<usize> = HEADS
        .iter()
        .map(|head| head.get(lang).width_cjk() + 4)
        .collect();
    for (i, f) in s.findings.iter().take(shown).enumerate() {
        let sheet_text = s
            .targets
            .get(i)
            .and_then(Option::as_ref)
            .map(|t| t.sheet.as_str())
            .or(f.sheet.as_deref())
            .unwrap_or("");
        let texts = [
            (2, f.name()),
            (3, sheet_text),
            (5, f.value.as_deref().unwrap_or("")),
            (6, f.message.get(lang)),
            (7, f.fix_value().unwrap_or("")),
            (8, f.suppressed.as_deref().unwrap_or("")),
        ];
        for (c, text) in texts {
            widths[c] = widths[c].max(longest_line(text) + 2);
        }
    }
    // Column B also holds the as-of date of the block above.
    const MIN: [usize; 9] = [8, 11, 8, 8, 8, 8, 20, 12, 12];
    const MAX: [usize; 9] = [10, 11, 26, 20, 10, 24, 60, 30, 24];
    for (c, w) in widths.iter_mut().enumerate() {
        *w = (*w).clamp(MIN[c], MAX[c]);
        ws.set_column_width(c as u16, *w as f64)?;
    }
    Ok(widths)
}

/// One finding's row (`i`-th finding): severity in its colour, code, rule, sheet, a link to
/// the cell, value, message, fix, acknowledgement; the row sized to its wrapped text.
fn write_finding(
    ws: &mut Worksheet,
    s: &Summary<'_>,
    styles: &Styles,
    widths: &[usize],
    row: u32,
    i: usize,
    f: &Finding,
) -> Result<(), XlsxError> {
    let lang = s.lang;
    let value = f.value.as_deref().unwrap_or("");
    let message = f.message.get(lang);
    let fix = f.fix_value().unwrap_or("");
    let ack = f.suppressed.as_deref().unwrap_or("");
    // Rows do not grow to fit wrapped text by themselves in every program: size them. Before
    // the cells: rust_xlsxwriter's constant-memory mode writes a row again (an invalid second
    // `<row>` with the same number) when its height is set after its cells.
    let lines = [(5, value), (6, message), (7, fix), (8, ack)]
        .iter()
        .map(|(c, text)| wrapped_lines(text, widths[*c]))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, 18.0 * lines as f64)?;
    }
    let fill = if f.suppressed.is_some() {
        Fill::Acknowledged
    } else {
        Fill::Severity(f.severity)
    };
    ws.write_string_with_format(row, 0, f.severity.label(lang), styles.severity(fill))?;
    // `styles.text` is the workbook's default format: written without one, the cell gets the
    // same `s` without rust_xlsxwriter hashing the whole format for it.
    ws.write_string(row, 1, f.code())?;
    ws.write_string(row, 2, f.name())?;
    let target = s.targets.get(i).and_then(Option::as_ref);
    let sheet_text = target
        .map(|t| t.sheet.clone())
        .or_else(|| f.sheet.clone())
        .unwrap_or_default();
    ws.write_string(row, 3, &sheet_text)?;
    if let Some(target) = target {
        let shown_cell = f
            .cell()
            .unwrap_or_else(|| crate::address::a1(target.row, target.col));
        if i < MAX_LINKS {
            let anchor = format!(
                "internal:{}!{}",
                quote(&target.sheet),
                crate::address::a1(target.row, target.col)
            );
            ws.write_url_with_format(row, 4, Url::new(anchor).set_text(&shown_cell), &styles.link)?;
        } else {
            ws.write_string(row, 4, &shown_cell)?;
        }
    }
    ws.write_string_with_format(row, 5, clip(value), &styles.wrap)?;
    ws.write_string_with_format(row, 6, clip(message), &styles.wrap)?;
    ws.write_string_with_format(row, 7, clip(fix), &styles.wrap)?;
    ws.write_string_with_format(row, 8, clip(ack), &styles.wrap)?;
    Ok(())
}

fn longest_line(text: &str) -> usize {
    text.lines()
        .map(UnicodeWidthStr::width_cjk)
        .max()
        .unwrap_or(0)
}

/// How many lines `text` takes in a wrapped column `width` characters wide (capped at 10).
fn wrapped_lines(text: &str, width: usize) -> usize {
    let room = width.saturating_sub(1).max(1);
    let lines: usize = text
        .lines()
        .map(|l| l.width_cjk().div_ceil(room).max(1))
        .sum();
    lines.clamp(1, 10)
}

/// A sheet name as it appears in a reference: always quoted, apostrophes doubled, which Excel and
/// LibreOffice accept for every name (Japanese names, spaces, names that look like cells).
pub fn quote(sheet: &str) -> String {
    format!("'{}'", sheet.replace('\'', "''"))
}

fn clip(s: &str) -> &str {
    super::names::truncate_units(s, 32_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_quoted_for_links() {
        assert_eq!(quote("機器台帳"), "'機器台帳'");
        assert_eq!(quote("Bob's PCs"), "'Bob''s PCs'");
    }

    #[test]
    fn wrapped_rows_are_counted_in_display_width() {
        assert_eq!(wrapped_lines("", 60), 1);
        assert_eq!(wrapped_lines(&"あ".repeat(30), 60), 2);
        assert_eq!(wrapped_lines("a\nb", 60), 2);
    }
}
