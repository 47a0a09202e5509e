//! The user's Documents and Desktop folders, where drag-and-drop output goes when the input's
//! folder cannot be written. On Windows, Windows itself is asked (the known-folder API): OneDrive
//! backup and folder redirection move these folders away from `%USERPROFILE%`.

use std::path::PathBuf;

/// Documents, then Desktop: those that exist.
pub fn documents_and_desktop() -> Vec<PathBuf> {
    candidates().into_iter().filter(|d| d.is_dir()).collect()
}

#[cfg(windows)]
fn candidates() -> Vec<PathBuf> {
    use windows_sys::Win32::UI::Shell::{FOLDERID_Desktop, FOLDERID_Documents};
    let mut dirs: Vec<PathBuf> = [FOLDERID_Documents, FOLDERID_Desktop]
        .iter()
        .filter_map(known_folder)
        .collect();
    if dirs.is_empty() {
        // The API failed (a locked-down profile): where the folders usually are.
        if let Some(home) = std::env::var_os("USERPROFILE").map(PathBuf::from) {
            dirs = vec![home.join("Documents"), home.join("Desktop")];
        }
    }
    dirs
}

/// `SHGetKnownFolderPath` for one folder id; `None` when Windows does not know it.
#[cfg(windows)]
fn known_folder(id: &windows_sys::core::GUID) -> Option<PathBuf> {
    use std::os::windows::ffi::OsStringExt;
    use windows_sys::Win32::System::Com::CoTaskMemFree;
    use windows_sys::Win32::UI::Shell::{SHGetKnownFolderPath, KF_FLAG_DEFAULT};
    let mut raw: windows_sys::core::PWSTR = std::ptr::null_mut();
    // SAFETY: `id` is a valid GUID, the token may be null (the current user), and `raw` receives
    // a string Windows allocates, which is freed below whether or not the call succeeded.
    let hr =
        unsafe { SHGetKnownFolderPath(id, KF_FLAG_DEFAULT as u32, std::ptr::null_mut(), &mut raw) };
    let path = if hr >= 0 && !raw.is_null() {
        // SAFETY: on success `raw` is a NUL-terminated UTF-16 string.
        let len = (0..).take_while(|&i| unsafe { *raw.add(i) } != 0).count();
        let wide = unsafe { std::slice::from_raw_parts(raw, len) };
        Some(PathBuf::from(std::ffi::OsString::from_wide(wide)))
    } else {
        None
    };
    // SAFETY: `raw` is null or was allocated by SHGetKnownFolderPath with CoTaskMemAlloc.
    unsafe { CoTaskMemFree(raw as *const core::ffi::c_void) };
    path.filter(|p| !p.as_os_str().is_empty())
}

#[cfg(not(windows))]
fn candidates() -> Vec<PathBuf> {
    match std::env::var_os("HOME") {
        Some(home) => {
            let home = PathBuf::from(home);
            vec![home.join("Documents"), home.join("Desktop")]
        }
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_existing_folders_are_offered() {
        assert!(documents_and_desktop().iter().all(|d| d.is_dir()));
    }
}
