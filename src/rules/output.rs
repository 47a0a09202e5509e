//! W001: the annotated copy of an .xlsx/.xlsm is a values copy, not the user's own workbook.
//!
//! Its documentation lives here with every other rule's; what raises it is writing the annotated
//! copy ([`crate::run`] turns the writer's reason into this finding), the only place that knows
//! whether the package could be patched.

use super::{Finding, Rule, RuleDoc};
use crate::{Severity, Text};

pub static W001: Rule = Rule {
    code: "W001",
    name: "values-copy",
    severity: Severity::Info,
    summary: Text::from_static("印を直接付けられず、チェック結果のブックが値のみのコピーになった", "the annotated copy is a values copy: the workbook could not be marked in place"),
    doc: RuleDoc {
        what: &Text::from_static(".xlsx/.xlsm のブックに daicho が安全に印を付けられない構造(Strict OOXML、必要な部品がない、想定外の構造など)があったため、チェック結果のブックを元のブックではなく値のみのコピーとして作りました。", "The .xlsx/.xlsm package has a structure daicho cannot patch safely (Strict OOXML, a missing part, an unexpected structure), so the annotated copy was rebuilt from cell values instead of being your own workbook with marks."),
        why: &Text::from_static("値のみのコピーには数式、書式、入力規則、条件付き書式、マクロなどが残りません。このコピーで修正しても元のブックには反映されないため、修正は元のブックで行う必要があります。", "A values copy keeps no formulas, formats, validations, conditional formats or macros. Corrections made in it do not reach the original, so they must be made in the original workbook."),
        example: &Text::from_static("「Strict Open XML スプレッドシート」形式で保存された台帳、styles.xml のない台帳。", "A ledger saved as \"Strict Open XML Spreadsheet\", or a package without styles.xml."),
        fix: &Text::from_static("修正は元のブックで行ってください。Excel で「Excel ブック(*.xlsx)」として保存し直すと、次回から元のブックに印を付けたコピーになります。", "Make corrections in the original workbook. Saving it again in Excel as \"Excel Workbook (*.xlsx)\" lets daicho mark your own workbook next time."),
    },
};

/// This family's rules, in code order.
pub static RULES: &[&Rule] = &[&W001];

/// The finding for a values copy written because the package could not be patched (`reason`:
/// what the patcher or the file system said).
pub fn values_copy(reason: &str) -> Finding {
    Finding::new(
        &W001,
        Text::new(
            format!("このブックには印を直接付けられないため({reason})、チェック結果のブックは値のみのコピーです。修正は元のブックで行ってください。"),
            format!("This workbook could not be marked in place ({reason}); the annotated copy is a values copy. Make corrections in the original workbook."),
        ),
    )
}
