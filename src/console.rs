//! Human-readable text on stdout the way a Windows user expects it.
//!
//! - Colour only where it shows: `anstream` decides (a terminal, no `NO_COLOR`, `TERM` not dumb),
//!   turns on virtual-terminal processing on Windows, falls back to the console API where the
//!   console cannot do it, and strips the codes everywhere else.
//! - Redirected on Windows (`daicho … > 結果.txt`, `| more`), human text is written in the
//!   console's code page — CP932 on Japanese Windows — so `type` and Notepad read it; characters
//!   the code page lacks get a readable stand-in ([`encode_lossy`]), never an error.
//!
//! Machine formats (JSON, SARIF, JUnit, GitHub annotations) and files meant to be saved
//! (`config --example`) never come here: they stay UTF-8 everywhere.

use encoding_rs::{EncoderResult, Encoding};
use std::io::{IsTerminal, Write};

/// Whether human output on stdout should carry colour codes (written through [`write_human`],
/// which adapts or strips them for the console at hand).
pub fn stdout_color() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// Writes human-readable text to stdout, ignoring a closed pipe (`daicho rules | head`).
pub fn write_human(text: &str) {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        if let Some(encoding) = redirected_encoding() {
            let plain = anstream::adapter::strip_str(text).to_string();
            let mut lock = stdout.lock();
            let _ = lock.write_all(&encode_lossy(&plain, encoding));
            let _ = lock.flush();
            return;
        }
    }
    let mut out = anstream::AutoStream::auto(stdout.lock());
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes a machine format (JSON, SARIF, JUnit, GitHub annotations) or a file's text
/// (`config --example`) to stdout as it is: UTF-8 on every system and redirection, no colour
/// adapter in the way; a closed pipe is ignored.
pub fn write_utf8(text: &str) {
    let mut lock = std::io::stdout().lock();
    let _ = lock.write_all(text.as_bytes());
    let _ = lock.flush();
}

/// The encoding for human text written to a file or pipe: the console's code page on Windows
/// when it is not UTF-8 and encoding_rs knows it; `None` (UTF-8 as is) otherwise.
fn redirected_encoding() -> Option<&'static Encoding> {
    encoding_for_code_page(code_page()?).filter(|e| *e != encoding_rs::UTF_8)
}

#[cfg(windows)]
fn code_page() -> Option<u32> {
    // SAFETY: both functions take no arguments and only read process state.
    let console = unsafe { windows_sys::Win32::System::Console::GetConsoleOutputCP() };
    // 0: no console at all (a scheduled task); then the ANSI code page Notepad assumes.
    let cp = if console != 0 {
        console
    } else {
        unsafe { windows_sys::Win32::Globalization::GetACP() }
    };
    Some(cp)
}

#[cfg(not(windows))]
fn code_page() -> Option<u32> {
    None
}

/// The encoding_rs encoding for a Windows code page, for the code pages consoles use.
/// (encoding_rs's Shift_JIS is the WHATWG one, i.e. Windows' CP932 with the NEC and IBM
/// extensions: ①, ㈱, 髙 and 﨑 are in it.)
pub fn encoding_for_code_page(cp: u32) -> Option<&'static Encoding> {
    use encoding_rs::*;
    Some(match cp {
        932 => SHIFT_JIS,
        936 => GBK,
        949 => EUC_KR,
        950 => BIG5,
        54936 => GB18030,
        20932 => EUC_JP,
        866 => IBM866,
        874 => WINDOWS_874,
        1250 => WINDOWS_1250,
        1251 => WINDOWS_1251,
        1252 => WINDOWS_1252,
        1253 => WINDOWS_1253,
        1254 => WINDOWS_1254,
        1255 => WINDOWS_1255,
        1256 => WINDOWS_1256,
        1257 => WINDOWS_1257,
        1258 => WINDOWS_1258,
        65001 => UTF_8,
        _ => return None,
    })
}

/// `text` in `encoding`; a character the encoding lacks becomes the first stand-in it has (see
/// [`stand_ins`]), else `?`. Never fails.
pub fn encode_lossy(text: &str, encoding: &'static Encoding) -> Vec<u8> {
    let encoding = encoding.output_encoding();
    if encoding == encoding_rs::UTF_8 {
        return text.as_bytes().to_vec();
    }
    let mut encoder = encoding.new_encoder();
    let mut out: Vec<u8> = Vec::with_capacity(text.len() + 16);
    let mut rest = text;
    loop {
        let room = encoder
            .max_buffer_length_from_utf8_without_replacement(rest.len())
            .unwrap_or(rest.len().saturating_mul(4))
            + 16;
        out.reserve(room);
        let (result, read) =
            encoder.encode_from_utf8_to_vec_without_replacement(rest, &mut out, true);
        rest = rest.get(read..).unwrap_or("");
        match result {
            EncoderResult::InputEmpty => return out,
            EncoderResult::OutputFull => {}
            EncoderResult::Unmappable(c) => out.extend_from_slice(&stand_in(c, encoding)),
        }
    }
}

/// The bytes of the first stand-in for `c` that `encoding` can write.
fn stand_in(c: char, encoding: &'static Encoding) -> Vec<u8> {
    let nfkc: String =
        unicode_normalization::UnicodeNormalization::nfkc(c.to_string().as_str()).collect();
    let candidates = stand_ins(c)
        .iter()
        .copied()
        .chain((nfkc != c.to_string()).then_some(nfkc.as_str()))
        .chain(["〓"]);
    for candidate in candidates {
        let (bytes, _, had_errors) = encoding.encode(candidate);
        if !had_errors {
            return bytes.into_owned();
        }
    }
    b"?".to_vec()
}

/// Readable stand-ins, best first, for characters legacy code pages (CP932 above all) lack:
/// daicho's own marks, look-alike punctuation, and the variant kanji seen in Japanese names.
/// After these come the character's NFKC form (ℹ → i, ㍻ → 平成), then 〓 (the Japanese
/// "missing character" mark), then `?`.
fn stand_ins(c: char) -> &'static [&'static str] {
    match c {
        '⚠' => &["▲", "!"],
        'ℹ' => &["※", "i"],
        '✓' | '✔' => &["○", "v"],
        '✗' | '✘' => &["×", "x"],
        '•' => &["・", "*"],
        '╰' | '╙' | '╘' => &["└", "+"],
        '╭' | '╓' | '╒' => &["┌", "+"],
        '╮' | '╖' | '╕' => &["┐", "+"],
        '╯' | '╜' | '╛' => &["┘", "+"],
        '│' => &["|"],
        '—' => &["―", "-"],
        '–' | '‐' | '−' => &["－", "-"],
        '〜' => &["～", "~"],
        '～' => &["〜", "~"],
        '‖' => &["∥", "|"],
        '¥' => &["\\", "￥"],
        '𠮷' => &["吉"],
        '髙' => &["高"],
        '﨑' | '𥔎' => &["崎"],
        '𣘺' | '𣘫' => &["橋"],
        '德' => &["徳"],
        '邉' | '邊' => &["辺"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::SHIFT_JIS;

    fn round_trip(text: &str) -> String {
        let bytes = encode_lossy(text, SHIFT_JIS);
        let (back, had_errors) = SHIFT_JIS.decode_without_bom_handling(&bytes);
        assert!(!had_errors, "the output is valid CP932: {bytes:?}");
        back.into_owned()
    }

    #[test]
    fn japanese_text_survives_a_round_trip_through_cp932() {
        let text =
            "■ C:\\病院\\台帳 ①(髙橋).xlsx\n  エラー 7件 / 警告 7件 → チェック結果 × ▲ ※ … ～\r\n";
        assert_eq!(round_trip(text), text);
        // CP932 bytes, not UTF-8: 台 is 0x91 0xE4.
        assert!(encode_lossy("台", SHIFT_JIS) == [0x91, 0xE4]);
    }

    #[test]
    fn characters_cp932_lacks_get_readable_stand_ins() {
        assert_eq!(round_trip("⚠ 警告"), "▲ 警告");
        assert_eq!(round_trip("ℹ 情報"), "※ 情報");
        assert_eq!(round_trip("𠮷田病院.xlsx"), "吉田病院.xlsx");
        assert_eq!(round_trip("      ╰ 修正案"), "      └ 修正案");
        // No stand-in of its own: NFKC, then 〓.
        assert_eq!(round_trip("ｶﾞ"), "ｶﾞ", "half-width kana are in CP932");
        assert_eq!(round_trip("😀 ok"), "〓 ok");
        assert_eq!(round_trip("Ⓐ"), "A");
    }

    #[test]
    fn other_code_pages_fall_back_to_ascii() {
        let bytes = encode_lossy("⚠ 台帳 ok", encoding_rs::WINDOWS_1252);
        assert_eq!(bytes, b"! ?? ok");
    }

    #[test]
    fn code_pages_map_to_encodings() {
        assert_eq!(encoding_for_code_page(932), Some(SHIFT_JIS));
        assert_eq!(encoding_for_code_page(65001), Some(encoding_rs::UTF_8));
        assert_eq!(encoding_for_code_page(437), None);
        assert_eq!(encode_lossy("⚠", encoding_rs::UTF_8), "⚠".as_bytes());
    }
}
