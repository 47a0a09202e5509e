//! Writing an output file safely: to a temporary file in the target folder, then renamed into
//! place, so a crash or a full disk never leaves half a file, and an existing file is only
//! replaced when the user asked for it.

use crate::Lang;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub enum SaveError {
    /// The target exists and overwriting was not requested.
    Exists(PathBuf),
    /// The target is the input being read (never modified).
    IsInput(PathBuf),
    /// The target cannot be replaced, most likely because Excel has it open.
    Busy(PathBuf),
    Io {
        path: PathBuf,
        detail: String,
    },
}

impl SaveError {
    pub fn message(&self, lang: Lang) -> String {
        let show = |p: &Path| p.display().to_string();
        match (self, lang) {
            (SaveError::Exists(p), Lang::Ja) => format!(
                "「{}」はすでにあります。上書きするときは --force を付けるか、-o で別の名前を指定してください。",
                show(p)
            ),
            (SaveError::Exists(p), Lang::En) => format!(
                "'{}' already exists. Add --force to overwrite it, or choose another name with -o.",
                show(p)
            ),
            (SaveError::IsInput(p), Lang::Ja) => format!(
                "出力先「{}」が入力ファイルと同じです。入力は変更しません。-o で別の名前を指定してください。",
                show(p)
            ),
            (SaveError::IsInput(p), Lang::En) => format!(
                "The output '{}' is the input itself; inputs are never modified. Choose another name with -o.",
                show(p)
            ),
            (SaveError::Busy(p), Lang::Ja) => format!(
                "「{}」に書き込めません。Excel などで開いている場合は閉じてから、もう一度実行してください。",
                show(p)
            ),
            (SaveError::Busy(p), Lang::En) => format!(
                "Cannot write '{}'. If it is open in Excel or another program, close it and run again.",
                show(p)
            ),
            (SaveError::Io { path, detail }, Lang::Ja) => format!(
                "「{}」を書き込めません({detail})。フォルダーがあるか、書き込み権限があるかを確認してください。",
                show(path)
            ),
            (SaveError::Io { path, detail }, Lang::En) => format!(
                "Cannot write '{}' ({detail}). Check that the folder exists and is writable.",
                show(path)
            ),
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomically(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), SaveError> {
    if !overwrite && path.exists() {
        return Err(SaveError::Exists(path.to_path_buf()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let io = |e: std::io::Error| SaveError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".daicho-").suffix(".tmp");
    // A temporary file is private (0600); the output is an ordinary document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    let persisted = if overwrite {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map(|_| ()).map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => SaveError::Exists(path.to_path_buf()),
        std::io::ErrorKind::PermissionDenied => SaveError::Busy(path.to_path_buf()),
        _ => io(e.error),
    })
}

/// Whether two paths name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_unless_asked() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("out.txt");
        write_atomically(&p, b"one", false).expect("first");
        assert_eq!(
            write_atomically(&p, b"two", false),
            Err(SaveError::Exists(p.clone()))
        );
        assert_eq!(std::fs::read(&p).expect("read"), b"one");
        write_atomically(&p, b"two", true).expect("overwrite");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        // No temporary files left behind.
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn missing_folder_is_an_io_error() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("nope").join("out.txt");
        assert!(matches!(
            write_atomically(&p, b"x", false),
            Err(SaveError::Io { .. })
        ));
    }
}
