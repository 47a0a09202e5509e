//! The 使い方 (how to use) sheet of the template: how to fill the ledger and the checklist, what
//! daicho checks and how to run it. The column guide comes from the field table and the rule list
//! from the rule registry, so this sheet cannot drift from what the checker does.

use super::style;
use crate::layout::{Field, FieldRole};
use crate::registry;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

pub const USAGE_SHEET_NAME: &str = "使い方";

/// Column widths (Excel character units) of the sheet: code/label, name/role, severity, text.
const WIDTHS: [f64; 4] = [24.0, 26.0, 10.0, 80.0];

struct Writer<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
    wrapped: Format,
    cell: Format,
}

impl Writer<'_> {
    /// A paragraph across the four columns, its row tall enough for the wrapped text.
    fn para(&mut self, text: &str) -> Result<(), XlsxError> {
        let total: f64 = WIDTHS.iter().sum();
        self.merged(0, text, total).map(|_| ())
    }

    fn merged(&mut self, first_col: u16, text: &str, width: f64) -> Result<u32, XlsxError> {
        let lines = wrapped_lines(text, width);
        if first_col < 3 {
            self.sheet
                .merge_range(self.row, first_col, self.row, 3, text, &self.wrapped)?;
        } else {
            self.sheet
                .write_string_with_format(self.row, first_col, text, &self.wrapped)?;
        }
        self.sheet.set_row_height(self.row, 18.0 * lines as f64)?;
        self.row += 1;
        Ok(lines)
    }

    fn heading(&mut self, text: &str) -> Result<(), XlsxError> {
        self.row += 1;
        self.sheet
            .write_string_with_format(self.row, 0, text, &style::heading())?;
        self.sheet.set_row_height(self.row, 22)?;
        self.row += 1;
        Ok(())
    }

    fn table_header(&mut self, labels: &[&str]) -> Result<(), XlsxError> {
        let fmt = style::header(0xD9D9D9);
        for (c, l) in labels.iter().enumerate() {
            self.sheet
                .write_string_with_format(self.row, c as u16, *l, &fmt)?;
        }
        if labels.len() < 4 {
            let last = labels.len() as u16 - 1;
            self.sheet
                .merge_range(self.row, last, self.row, 3, labels[last as usize], &fmt)?;
        }
        self.row += 1;
        Ok(())
    }
}

/// How many lines `text` takes in a cell `width` characters wide.
fn wrapped_lines(text: &str, width: f64) -> u32 {
    let per_line = ((width * 0.95) as usize).max(1);
    text.lines()
        .map(|l| style::display_width(l).div_ceil(per_line).max(1) as u32)
        .sum::<u32>()
        .max(1)
}

fn role_label(role: FieldRole) -> &'static str {
    match role {
        FieldRole::Core => "必須",
        FieldRole::Recommended => "推奨",
        FieldRole::Optional => "任意",
    }
}

/// Adds the 使い方 sheet. `ledger_sheet` and `checklist_sheet` name the other sheets of the
/// workbook so the text can point at them.
pub fn add_usage_sheet(
    book: &mut Workbook,
    ledger_sheet: &str,
    checklist_sheet: Option<&str>,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(USAGE_SHEET_NAME)?;
    for (c, w) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    let mut w = Writer {
        sheet,
        row: 0,
        wrapped: style::wrapped(),
        cell: style::cell(),
    };
    w.sheet
        .write_string_with_format(0, 0, "このブックの使い方", &style::title())?;
    w.row = 1;
    w.para("このブックは daicho template で作りました。機器台帳とサイバーセキュリティ対策チェックリストを記入し、daicho で検査します。このシート(使い方)は説明用で、検査の対象になりません。")?;

    w.heading(&format!("■ 「{ledger_sheet}」シートの書き方"))?;
    for line in [
        "1行に1台ずつ、見出しのすぐ下の行から記入します。見出しの行とその上の2行は消したり移動したりしないでください。",
        "見出しのセルにマウスを合わせると、その列に何を書くか(どのチェックリスト項目の根拠になるか)が表示されます。",
        "状態・機器種別・リモート保守は、セルを選ぶと出る一覧から選べます。IPアドレスの列はセルを選ぶと書き方が表示されます。",
        "該当しない欄は空欄にせず「-」と書きます。廃棄した機器も行を消さずに状態を「廃棄」にします。",
        "ここにない情報を記録したいときは、右端の列の後ろに列を追加してかまいません(daicho は検査しませんが、消しません)。",
    ] {
        w.para(&format!("・{line}"))?;
    }
    w.table_header(&["列", "必須/推奨/任意", "書き方"])?;
    for f in Field::ALL {
        w.sheet
            .write_string_with_format(w.row, 0, f.label(), &w.cell)?;
        w.sheet
            .write_string_with_format(w.row, 1, role_label(f.role()), &w.cell)?;
        let width = WIDTHS[2] + WIDTHS[3];
        let text = f.note().to_string();
        w.merged(2, &text, width)?;
    }
    w.para("必須の列がないとエラー、推奨の列がないと警告になります。必須・推奨の列の空欄も指摘されます(廃棄した機器のIPアドレスは空欄でかまいません)。")?;

    w.heading(&format!(
        "■ 「{}」シートの書き方",
        checklist_sheet.unwrap_or("チェックリスト")
    ))?;
    for line in [
        "各項目の1回目の欄で「はい」か「いいえ」を一覧から選び、確認した日を入力します。",
        "「いいえ」の項目には、対応する目標日を入力します。",
        "医療機関名・記入者など、上部の記入欄もすべて記入します。",
        "機器台帳の内容と食い違う回答(台帳がないのに台帳管理を「はい」など)は、daicho が指摘します。",
    ] {
        w.para(&format!("・{line}"))?;
    }
    if checklist_sheet.is_none() {
        w.para("・このブックにはチェックリストのシートがありません。厚生労働省の様式に記入したシートをこのブックに追加すると、daicho が一緒に検査します。")?;
    }

    w.heading("■ daicho が確認すること")?;
    w.table_header(&["コード", "名前", "重大度", "内容"])?;
    for r in registry::all() {
        w.sheet
            .write_string_with_format(w.row, 0, r.code, &w.cell)?;
        w.sheet
            .write_string_with_format(w.row, 1, r.name, &w.cell)?;
        w.sheet
            .write_string_with_format(w.row, 2, r.severity.label(crate::Lang::Ja), &w.cell)?;
        w.merged(3, &r.summary.ja, WIDTHS[3])?;
    }
    w.para("エラーは直す必要がある問題、警告は確認が必要な点、情報は参考です。各ルールの詳しい説明(なぜ問題か、直し方)は「daicho rules コード」で表示できます。")?;

    w.heading("■ daicho の使い方")?;
    for line in [
        "このファイルを daicho.exe にドラッグ&ドロップします。同じフォルダーに「<名前>.checked.xlsx」ができ、問題のあるセルに色とメモが付きます。元のファイルは変更しません。",
        "コマンドで検査するとき: daicho check 機器台帳.xlsx (フォルダーを指定すると中のファイルをすべて検査します)",
        "CI(GitHub Actions・GitLab CI・Jenkins など)で: daicho check --format github 台帳フォルダー — エラーがあると終了コード1、読めないファイルがあると2になります。--format json / sarif / junit も使えます。",
        "ほかの形式の台帳をこの形に移すとき: daicho convert 古い台帳.xlsx (安全な修正だけを行い、変更内容を「変換ログ」シートに残します)",
        "新しいテンプレートを作るとき: daicho template -o 機器台帳.xlsx",
    ] {
        w.para(&format!("・{line}"))?;
    }
    Ok(())
}
