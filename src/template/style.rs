//! Formats for the workbooks daicho writes from scratch (template, converted ledger).
//!
//! rust_xlsxwriter's `Format::new()` carries Calibri, so a cell written with a bare format drops
//! back to a Latin font; every format here starts from [`base`], which always sets the Japanese
//! font. Column widths are computed from the display width of the text (a kanji is two columns),
//! because the crate's autofit counts a kanji as half its rendered width.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use unicode_width::UnicodeWidthStr;

/// The font of every cell and note daicho writes: the annotated workbook's, so every workbook
/// daicho writes looks the same.
pub const FONT: &str = crate::annotate::FONT_NAME;
pub const FONT_SIZE: f64 = crate::annotate::FONT_SIZE;
/// Excel's character set number for Shift_JIS fonts.
const FONT_CHARSET: u8 = 128;

/// A format with the Japanese font and nothing else.
pub fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(FONT_SIZE)
        .set_font_charset(FONT_CHARSET)
}

/// Plain cell text, aligned to the top so multi-line cells read well.
pub fn cell() -> Format {
    base().set_align(FormatAlign::Top)
}

/// A text cell whose content must stay text (`001` is not the number 1).
pub fn text_cell() -> Format {
    cell().set_num_format("@")
}

/// `yyyy/mm/dd`, how Japanese Excel shows dates.
pub fn date_cell() -> Format {
    cell().set_num_format("yyyy/mm/dd")
}

pub fn datetime_cell() -> Format {
    cell().set_num_format("yyyy/mm/dd hh:mm")
}

/// A sheet title (「機器台帳」).
pub fn title() -> Format {
    base().set_bold().set_font_size(14)
}

/// A short guide line under a title.
pub fn guide() -> Format {
    base().set_font_size(10).set_font_color(0x404040)
}

/// A section heading inside a prose sheet.
pub fn heading() -> Format {
    base().set_bold().set_font_size(12)
}

/// A table header cell; `fill` tells the column's role.
pub fn header(fill: u32) -> Format {
    base()
        .set_bold()
        .set_background_color(fill)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

/// Wrapped text for long explanations.
pub fn wrapped() -> Format {
    cell().set_text_wrap()
}

/// A new workbook whose default cell format uses the Japanese font, so even cells a user types
/// later (outside any column format) get it.
pub fn new_workbook() -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    // 18 px rows and 72 px (8.43 character) columns are Excel's defaults for an 11 pt font.
    book.set_default_format(&base(), 18, 72)?;
    Ok(book)
}

/// The width of text as a terminal (and, closely enough, Excel) shows it: East Asian wide
/// characters count two. For multi-line text, the longest line.
pub fn display_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// A column width (in Excel character units) that fits `width` display columns, within bounds.
pub fn column_width(width: usize, min: usize, max: usize) -> f64 {
    // A little padding: Excel's character unit is the width of a digit, and a Japanese Gothic
    // kanji is slightly wider than two digits.
    let w = (width as f64 * 1.1 + 2.0).round() as usize;
    w.clamp(min, max) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_count_double() {
        assert_eq!(display_width("IPアドレス"), 10);
        assert_eq!(display_width("輸液ポンプ"), 10);
        assert_eq!(display_width("ab\n管理番号"), 8);
        assert_eq!(display_width(""), 0);
    }

    #[test]
    fn widths_are_bounded() {
        assert_eq!(column_width(0, 8, 50), 8.0);
        assert_eq!(column_width(200, 8, 50), 50.0);
        assert!(column_width(10, 8, 50) >= 12.0);
    }
}
