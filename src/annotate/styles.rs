//! Every cell format of the annotated workbook, built from one helper so that each carries the
//! Japanese font (rust_xlsxwriter's `Format::new()` defaults to Calibri, which renders kana and
//! kanji with a fallback font and wrong metrics).

use crate::Severity;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, FormatUnderline};

/// The font of every cell and note: Excel's Japanese default since Office 2016.
pub const FONT_NAME: &str = "游ゴシック";
pub const FONT_SIZE: f64 = 11.0;
/// The Japanese (Shift_JIS) font charset, so Excel picks the Japanese face for the name.
const FONT_CHARSET: u8 = 128;

/// A format with the Japanese font and nothing else: the base of every other format.
pub fn base() -> Format {
    Format::new()
        .set_font_name(FONT_NAME)
        .set_font_size(FONT_SIZE)
        .set_font_charset(FONT_CHARSET)
        .set_align(FormatAlign::VerticalCenter)
}

/// The fill of a flagged cell: the most severe unacknowledged finding on it, or `Acknowledged`
/// when every finding on it is suppressed (an exception or a `daicho:ignore` marker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fill {
    Acknowledged,
    Severity(Severity),
}

impl Fill {
    pub const ALL: [Fill; 4] = [
        Fill::Severity(Severity::Error),
        Fill::Severity(Severity::Warning),
        Fill::Severity(Severity::Info),
        Fill::Acknowledged,
    ];

    /// Background and text colours: Excel's own "Bad" / "Neutral" tints and a light blue, each
    /// with a dark text colour of the same hue (contrast ≥ 4.5:1), and a grey for acknowledged.
    /// Each background is one step off the familiar tint (the eye cannot tell): a cell of that
    /// colour is daicho's mark, also after LibreOffice dropped the marker daicho keeps in the
    /// fill, while a user's own "Bad"-style cell (`FFC7CE`) or the template's light-blue header
    /// (`DDEBF7`) is not taken for one.
    pub fn colors(self) -> (u32, u32) {
        match self {
            Fill::Severity(Severity::Error) => (0xFFC7CD, 0x9C0006),
            Fill::Severity(Severity::Warning) => (0xFFEB9B, 0x7A4E00),
            Fill::Severity(Severity::Info) => (0xDDEBF6, 0x1F4E78),
            Fill::Acknowledged => (0xEDEDEC, 0x404040),
        }
    }

    fn index(self) -> usize {
        match self {
            Fill::Severity(Severity::Error) => 1,
            Fill::Severity(Severity::Warning) => 2,
            Fill::Severity(Severity::Info) => 3,
            Fill::Acknowledged => 4,
        }
    }
}

/// How a value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumKind {
    General,
    Date,
    DateTime,
}

impl NumKind {
    fn index(self) -> usize {
        match self {
            NumKind::General => 0,
            NumKind::Date => 1,
            NumKind::DateTime => 2,
        }
    }
}

const HEADER_BG: u32 = 0xE7E6E6;
const BORDER: u32 = 0xA6A6A6;

/// The formats of data cells, prebuilt for every combination (header × fill × number format) so a
/// 100k-row sheet does not build a `Format` per cell.
pub struct Styles {
    cells: Vec<Format>,
    pub title: Format,
    pub label: Format,
    pub text: Format,
    pub wrap: Format,
    pub date: Format,
    pub table_header: Format,
    pub link: Format,
}

impl Styles {
    pub fn new() -> Styles {
        let mut cells = Vec::with_capacity(2 * 5 * 3);
        for header in [false, true] {
            for fill in [
                None,
                Some(Fill::Severity(Severity::Error)),
                Some(Fill::Severity(Severity::Warning)),
                Some(Fill::Severity(Severity::Info)),
                Some(Fill::Acknowledged),
            ] {
                for num in [NumKind::General, NumKind::Date, NumKind::DateTime] {
                    cells.push(cell_format(header, fill, num));
                }
            }
        }
        Styles {
            cells,
            title: base().set_bold().set_font_size(14),
            label: base().set_bold(),
            text: base(),
            wrap: base().set_text_wrap().set_align(FormatAlign::Top),
            date: base()
                .set_num_format("yyyy/mm/dd")
                .set_align(FormatAlign::Left),
            table_header: base()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_BG))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(BORDER)),
            link: base()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(FormatUnderline::Single)
                .set_align(FormatAlign::Top),
        }
    }

    /// The format of a cell of an original sheet.
    pub fn cell(&self, header: bool, fill: Option<Fill>, num: NumKind) -> &Format {
        let i = usize::from(header) * 15 + fill.map_or(0, Fill::index) * 3 + num.index();
        &self.cells[i]
    }

    /// A severity-coloured format for the summary sheet's severity column.
    pub fn severity(&self, fill: Fill) -> &Format {
        self.cell(false, Some(fill), NumKind::General)
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

fn cell_format(header: bool, fill: Option<Fill>, num: NumKind) -> Format {
    let mut f = base();
    if header {
        f = f
            .set_bold()
            .set_background_color(Color::RGB(HEADER_BG))
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(BORDER));
    }
    if let Some(fill) = fill {
        let (bg, fg) = fill.colors();
        f = f
            .set_background_color(Color::RGB(bg))
            .set_font_color(Color::RGB(fg));
    }
    match num {
        NumKind::General => f,
        NumKind::Date => f.set_num_format("yyyy/mm/dd"),
        NumKind::DateTime => f.set_num_format("yyyy/mm/dd hh:mm"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prebuilt_format_is_distinct() {
        let s = Styles::new();
        for i in 0..s.cells.len() {
            for j in i + 1..s.cells.len() {
                assert_ne!(s.cells[i], s.cells[j], "{i} vs {j}");
            }
        }
        assert_eq!(
            s.cell(true, Some(Fill::Acknowledged), NumKind::DateTime),
            &s.cells[29]
        );
    }
}
