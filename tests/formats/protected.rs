//! Password-protected .xls and .ods (issue 13, item 6): reported as password-protected, like an
//! encrypted .xlsx, never as damaged. Fixtures: `fixtures/formats/encrypt.py` (LibreOffice).

use daicho::workbook::{open_path, Limits, ReadError};

#[test]
fn encrypted_xls_and_ods_are_password_protected() {
    for file in ["encrypted.xls", "encrypted-xor.xls", "encrypted.ods"] {
        let path = crate::common::fixture("formats").join(file);
        assert_eq!(
            open_path(&path, &Limits::default()).unwrap_err(),
            ReadError::Encrypted,
            "{file}"
        );
    }
}

#[test]
fn the_binary_says_password_protected() {
    for file in ["encrypted.xls", "encrypted-xor.xls", "encrypted.ods"] {
        let out = crate::common::daicho()
            .args(["check", "--format", "json", "--as-of", crate::common::AS_OF])
            .arg(crate::common::fixture("formats").join(file))
            .output()
            .unwrap();
        let json = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{file}: {json}");
        assert!(json.contains("\"password-protected\""), "{file}: {json}");
    }
}
