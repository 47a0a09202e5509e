//! The conversion log: every change (source sheet and cell, field, before, after, fix), every
//! value deliberately left as typed, every row and sheet left out, and the findings that remain
//! on the converted ledger — as the 変換ログ sheet of an .xlsx output and as text for csv/json.

use super::fixes::FixKind;
use super::Conversion;
use crate::address::a1;
use crate::layout::{Field, SheetRole};
use crate::rules::Finding;
use crate::template::style;
use crate::{Lang, Severity, Text};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

pub const LOG_SHEET_NAME: &str = "変換ログ";

/// A place in the source workbook (0-based row and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub sheet: String,
    pub row: u32,
    pub col: Option<u32>,
}

impl Place {
    /// `G8`, or `8行目` when the value had no cell of its own (a kind taken from the sheet name).
    pub fn cell(&self, lang: Lang) -> String {
        let row = self.row + 1;
        match self.col {
            Some(c) => a1(self.row, c),
            None => Text::new(format!("{row}行目"), format!("row {row}")).into_string(lang),
        }
    }

    pub fn show(&self, lang: Lang) -> String {
        format!("{}!{}", self.sheet, self.cell(lang))
    }
}

/// One value changed by safe fixes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub place: Place,
    pub field: Field,
    /// The device's management number as converted (to find the row in the result).
    pub id: Option<String>,
    pub before: String,
    pub after: String,
    pub fixes: Vec<FixKind>,
}

/// A value a fix would have changed, left as typed because changing it needs a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub place: Place,
    pub field: Field,
    pub value: String,
    pub reason: Text,
}

/// A row or sheet of the source that is not in the converted ledger.
#[derive(Debug, Clone, PartialEq)]
pub enum LeftOut {
    /// A row under a ledger header that is not a device (「合計 16台」, 「※…」, 「■サーバ」).
    Row { place: Place, text: String },
    /// A sheet that is not a ledger (cover, notes, checklist).
    Sheet { name: String, role: SheetRole },
}

/// A finding of the checker on the converted ledger, with where its cell came from.
#[derive(Debug, Clone)]
pub struct Remaining {
    pub finding: Finding,
    pub source: Option<Place>,
    pub id: Option<String>,
}

fn fixes_text(fixes: &[FixKind], lang: Lang) -> String {
    fixes
        .iter()
        .map(|f| f.describe(lang))
        .collect::<Vec<_>>()
        .join(" / ")
}

fn fix_codes(fixes: &[FixKind]) -> String {
    fixes.iter().map(|f| f.code()).collect::<Vec<_>>().join(",")
}

fn field_label(f: Field, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => f.label(),
        Lang::En => f.label_en(),
    }
}

fn role_text(role: SheetRole) -> &'static Text {
    match role {
        SheetRole::Checklist => {
            const {
                &Text::from_static(
                    "チェックリストのシートです(台帳ではないため変換しません)",
                    "a checklist sheet (not a ledger, not converted)",
                )
            }
        }
        _ => {
            const {
                &Text::from_static(
                    "台帳として認識できないシートです",
                    "not recognised as a ledger",
                )
            }
        }
    }
}

fn severity_counts(remaining: &[Remaining]) -> (usize, usize, usize) {
    let count = |s: Severity| {
        remaining
            .iter()
            .filter(|r| r.finding.suppressed.is_none() && r.finding.severity == s)
            .count()
    };
    (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    )
}

/// One line summing up a conversion.
pub fn summary_line(conv: &Conversion, output: &str, lang: Lang) -> String {
    let (e, w, i) = severity_counts(&conv.remaining);
    let input = crate::paths::display_path(&conv.input);
    Text::new(format!(
            "変換しました: {input} → {output} (機器 {}台、変更 {}件、そのまま残した値 {}件、除外した行 {}件、残る指摘: エラー {e} / 警告 {w} / 情報 {i})",
            conv.devices.len(),
            conv.changes.len(),
            conv.kept.len(),
            conv.left_out_rows(),
        ), format!(
            "Converted: {input} -> {output} ({} devices, {} changes, {} values left as typed, {} rows left out; remaining: {e} errors / {w} warnings / {i} infos)",
            conv.devices.len(),
            conv.changes.len(),
            conv.kept.len(),
            conv.left_out_rows(),
        )).into_string(lang)
}

/// The whole log as text (for csv/json output: stderr or `--log FILE`).
pub fn render_text(conv: &Conversion, output: &str, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&summary_line(conv, output, lang));
    out.push('\n');
    for c in &conv.changes {
        out.push_str(&format!(
            "{} {} {}{}: 「{}」→「{}」 ({})\n",
            Text::from_static("変更", "changed").get(lang),
            c.place.show(lang),
            field_label(c.field, lang),
            c.id.as_ref().map(|i| format!(" [{i}]")).unwrap_or_default(),
            c.before,
            c.after,
            fix_codes(&c.fixes),
        ));
    }
    for k in &conv.kept {
        out.push_str(&format!(
            "{} {} {}: 「{}」 {}\n",
            Text::from_static("そのまま", "kept").get(lang),
            k.place.show(lang),
            field_label(k.field, lang),
            k.value,
            k.reason.get(lang),
        ));
    }
    for (sheet, f) in &conv.missing_columns {
        out.push_str(
            &Text::new(
                format!(
                    "列なし シート「{sheet}」に「{}」の列がありませんでした。変換後は空欄です。\n",
                    f.label()
                ),
                format!(
                    "no column: sheet '{sheet}' had no {} column; it is blank after conversion.\n",
                    f.label_en()
                ),
            )
            .into_lang(lang),
        );
    }
    for l in &conv.left_out {
        let line = match l {
            LeftOut::Row { place, text } => {
                let at = place.show(lang);
                Text::new(
                    format!("除外 {at}: 「{text}」(機器の行ではありません)\n"),
                    format!("left out {at}: 「{text}」 (not a device row)\n"),
                )
            }
            LeftOut::Sheet { name, role } => {
                let why = role_text(*role);
                Text::new(
                    format!("除外 シート「{name}」: {}\n", why.ja),
                    format!("left out sheet '{name}': {}\n", why.en),
                )
            }
        };
        out.push_str(line.get(lang));
    }
    for r in &conv.remaining {
        let f = &r.finding;
        let place = r
            .source
            .as_ref()
            .map(|p| p.show(lang))
            .or_else(|| crate::report::place(f))
            .unwrap_or_default();
        out.push_str(&format!(
            "{} {} {} {}{}{}: {}{}\n",
            Text::from_static("残る指摘", "remaining").get(lang),
            f.code(),
            f.severity.label(lang),
            place,
            r.id.as_ref().map(|i| format!(" [{i}]")).unwrap_or_default(),
            f.field
                .map(|x| format!(" {}", field_label(x, lang)))
                .unwrap_or_default(),
            f.message.get(lang),
            if f.suppressed.is_some() {
                ACKNOWLEDGED.get(lang)
            } else {
                ""
            },
        ));
    }
    out
}

/// After a finding acknowledged by an exception or a daicho:ignore marker.
static ACKNOWLEDGED: Text = Text::from_static(" (承認済み)", " (acknowledged)");

struct SheetWriter<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
    cell: Format,
    wrapped: Format,
    widths: Vec<usize>,
    lang: Lang,
}

/// The widest a log column gets (display columns); longer text wraps.
const MAX_WIDTH: usize = 60;

/// The log's columns (its widest table, 変更した値, has 8): each has `cell` as its column format,
/// so a line's cells are written without a format of their own — rust_xlsxwriter otherwise
/// hashes the whole `Format` of every cell (a third of writing a 66k-line log).
const LOG_COLUMNS: u16 = 8;

impl SheetWriter<'_> {
    fn heading(&mut self, text: &Text) -> Result<(), XlsxError> {
        self.row += 1;
        self.sheet
            .write_string_with_format(self.row, 0, text.get(self.lang), &style::heading())?;
        self.row += 1;
        Ok(())
    }

    fn header(&mut self, labels: &[Text]) -> Result<(), XlsxError> {
        let fmt = style::header(0xD9D9D9);
        for (c, l) in labels.iter().enumerate() {
            let l = l.get(self.lang);
            self.sheet
                .write_string_with_format(self.row, c as u16, l, &fmt)?;
            self.widen(c, l);
        }
        self.row += 1;
        Ok(())
    }

    fn line(&mut self, values: &[&str]) -> Result<(), XlsxError> {
        for (c, v) in values.iter().enumerate() {
            let width = style::display_width(v);
            if !v.is_empty() {
                let col = c as u16;
                if width > MAX_WIDTH {
                    // Long messages wrap inside their column instead of running across the sheet.
                    self.sheet
                        .write_string_with_format(self.row, col, *v, &self.wrapped)?;
                } else if col < LOG_COLUMNS {
                    // The column's own format (`cell`), applied when the workbook is saved.
                    self.sheet.write_string(self.row, col, *v)?;
                } else {
                    self.sheet
                        .write_string_with_format(self.row, col, *v, &self.cell)?;
                }
            }
            self.widen_to(c, width);
        }
        self.row += 1;
        Ok(())
    }

    fn widen(&mut self, col: usize, text: &str) {
        self.widen_to(col, style::display_width(text));
    }

    fn widen_to(&mut self, col: usize, width: usize) {
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(width.min(MAX_WIDTH));
    }
}

/// Adds the 変換ログ sheet. Its header labels avoid the ledger's field names, so the sheet is
/// never taken for a ledger when the converted workbook is checked.
pub fn add_log_sheet(
    book: &mut Workbook,
    conv: &Conversion,
    output: &str,
    lang: Lang,
) -> Result<(), XlsxError> {
    let lines = conv.changes.len() + conv.kept.len() + conv.left_out.len() + conv.remaining.len();
    // Rows are written strictly top to bottom, so a long log can be streamed.
    let sheet = if lines * 8 > crate::template::CONSTANT_MEMORY_CELLS {
        book.add_worksheet_with_constant_memory()?
    } else {
        book.add_worksheet()
    };
    sheet.set_name(LOG_SHEET_NAME)?;
    let cell = style::cell();
    for c in 0..LOG_COLUMNS {
        sheet.set_column_format(c, &cell)?;
    }
    sheet.write_string_with_format(0, 0, LOG_SHEET_NAME, &style::title())?;
    sheet.write_string_with_format(1, 0, summary_line(conv, output, lang), &style::guide())?;
    let mut w = SheetWriter {
        sheet,
        row: 2,
        cell,
        wrapped: style::wrapped(),
        widths: Vec::new(),
        lang,
    };
    changes(&mut w, conv, lang)?;
    kept_values(&mut w, conv, lang)?;
    missing_columns(&mut w, conv, lang)?;
    left_out(&mut w, conv, lang)?;
    remaining(&mut w, conv, lang)?;
    let widths = std::mem::take(&mut w.widths);
    for (c, width) in widths.iter().enumerate() {
        w.sheet
            .set_column_width(c as u16, style::column_width(*width, 8, MAX_WIDTH))?;
    }
    w.sheet.set_landscape();
    w.sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// ■ 変更した値: each change, with its fix (or a line saying there is none).
fn changes(w: &mut SheetWriter<'_>, conv: &Conversion, lang: Lang) -> Result<(), XlsxError> {
    w.heading(&Text::from_static("■ 変更した値", "■ Changed values"))?;
    w.header(&[
        Text::from_static("元のシート", "source sheet"),
        Text::from_static("元のセル", "source cell"),
        Text::from_static("機器(管理番号)", "device (number)"),
        Text::from_static("項目", "item"),
        Text::from_static("変更前", "before"),
        Text::from_static("変更後", "after"),
        Text::from_static("修正の内容", "fix"),
        Text::from_static("修正コード", "fix code"),
    ])?;
    if conv.changes.is_empty() {
        w.line(&[Text::from_static("(変更はありません)", "(no changes)").get(lang)])?;
    }
    for c in &conv.changes {
        w.line(&[
            &c.place.sheet,
            &c.place.cell(lang),
            c.id.as_deref().unwrap_or(""),
            field_label(c.field, lang),
            &c.before,
            &c.after,
            &fixes_text(&c.fixes, lang),
            &fix_codes(&c.fixes),
        ])?;
    }
    Ok(())
}

/// ■ 推測になるため、そのまま残した値: the values left as typed, and why (when there are any).
fn kept_values(w: &mut SheetWriter<'_>, conv: &Conversion, lang: Lang) -> Result<(), XlsxError> {
    if !conv.kept.is_empty() {
        w.heading(&Text::from_static(
            "■ 推測になるため、そのまま残した値",
            "■ Values left as typed (fixing them would be a guess)",
        ))?;
        w.header(&[
            Text::from_static("元のシート", "source sheet"),
            Text::from_static("元のセル", "source cell"),
            Text::from_static("項目", "item"),
            Text::from_static("値", "value"),
            Text::from_static("理由", "reason"),
        ])?;
        for k in &conv.kept {
            w.line(&[
                &k.place.sheet,
                &k.place.cell(lang),
                field_label(k.field, lang),
                &k.value,
                k.reason.get(lang),
            ])?;
        }
    }
    Ok(())
}

/// ■ 元のシートになかった列: the columns a source sheet lacks (when there are any).
fn missing_columns(
    w: &mut SheetWriter<'_>,
    conv: &Conversion,
    lang: Lang,
) -> Result<(), XlsxError> {
    if !conv.missing_columns.is_empty() {
        w.heading(&Text::from_static(
            "■ 元のシートになかった列(変換後は空欄)",
            "■ Columns missing in a source sheet (blank after conversion)",
        ))?;
        w.header(&[
            Text::from_static("元のシート", "source sheet"),
            Text::from_static("項目", "item"),
        ])?;
        for (sheet, f) in &conv.missing_columns {
            w.line(&[sheet, field_label(*f, lang)])?;
        }
    }
    Ok(())
}

/// ■ 変換しなかった行・シート: the rows and sheets not converted (when there are any).
fn left_out(w: &mut SheetWriter<'_>, conv: &Conversion, lang: Lang) -> Result<(), XlsxError> {
    if !conv.left_out.is_empty() {
        w.heading(&Text::from_static(
            "■ 変換しなかった行・シート",
            "■ Rows and sheets left out",
        ))?;
        w.header(&[
            Text::from_static("元のシート", "source sheet"),
            Text::from_static("元のセル", "source cell"),
            Text::from_static("内容", "content"),
            Text::from_static("理由", "reason"),
        ])?;
        for l in &conv.left_out {
            match l {
                LeftOut::Row { place, text } => w.line(&[
                    &place.sheet,
                    &place.cell(lang),
                    text,
                    Text::from_static("機器の行ではありません", "not a device row").get(lang),
                ])?,
                LeftOut::Sheet { name, role } => {
                    w.line(&[name, "", "", role_text(*role).get(lang)])?
                }
            }
        }
    }
    Ok(())
}

/// ■ 変換後に残る指摘: the findings of daicho check on the result (or a line saying there is none).
fn remaining(w: &mut SheetWriter<'_>, conv: &Conversion, lang: Lang) -> Result<(), XlsxError> {
    w.heading(&Text::from_static(
        "■ 変換後に残る指摘(daicho check の結果)",
        "■ Findings that remain (daicho check on the result)",
    ))?;
    w.header(&[
        Text::from_static("コード", "code"),
        Text::from_static("重大度", "severity"),
        Text::from_static("変換後のセル", "converted cell"),
        Text::from_static("元のセル", "source cell"),
        Text::from_static("機器(管理番号)", "device (number)"),
        Text::from_static("項目", "item"),
        Text::from_static("値", "value"),
        Text::from_static("内容", "message"),
    ])?;
    if conv.remaining.is_empty() {
        w.line(&[Text::from_static("(指摘はありません)", "(no findings)").get(lang)])?;
    }
    for r in &conv.remaining {
        let f = &r.finding;
        let mut message = f.message.get(lang).to_string();
        if f.suppressed.is_some() {
            message.push_str(ACKNOWLEDGED.get(lang));
        }
        w.line(&[
            f.code(),
            f.severity.label(lang),
            &f.cell().unwrap_or_default(),
            &r.source.as_ref().map(|p| p.show(lang)).unwrap_or_default(),
            r.id.as_deref().unwrap_or(""),
            f.field.map(|x| field_label(x, lang)).unwrap_or(""),
            f.value.as_deref().unwrap_or(""),
            &message,
        ])?;
    }
    Ok(())
}
