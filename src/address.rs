//! Cell addresses as Excel shows them (`A1`, `AA`): shared by the reader, the rules' findings and
//! the writers, below all of them.

/// Excel-style column letters for a 0-based column index (0 -> A, 26 -> AA).
pub fn col_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A1 address for 0-based row and column.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", col_letters(col), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(col_letters(0), "A");
        assert_eq!(col_letters(25), "Z");
        assert_eq!(col_letters(26), "AA");
        assert_eq!(col_letters(16383), "XFD");
        assert_eq!(a1(1048575, 16383), "XFD1048576");
    }
}
