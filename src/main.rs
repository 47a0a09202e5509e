use std::panic;

fn main() -> std::process::ExitCode {
    tune_malloc();
    // A panic inside one file's work is caught (engine::check_file) and reported as that file's
    // error in the user's language; the default hook would still print the raw panic text and a
    // backtrace hint to the terminal, so it is replaced. DAICHO_DEBUG_PANIC=1 keeps it for
    // developers.
    if std::env::var_os("DAICHO_DEBUG_PANIC").is_none() {
        panic::set_hook(Box::new(|_| {}));
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args
        .get(1)
        .is_some_and(|a| a == daicho::isolate::CHILD_COMMAND)
    {
        // The hidden reader child (see `daicho::isolate`).
        std::process::exit(daicho::isolate::child_main(&args[2..]));
    }
    daicho::isolate::enable_current_exe();
    panic::catch_unwind(daicho::app::main).unwrap_or_else(|_| {
        // A panic outside any one file's work: the language option may not even be parsed yet.
        eprintln!(
            "内部エラーのため処理を中断しました。入力ファイルは変更されていません。\
             お手数ですが、この操作と入力ファイルの種類を開発者に報告してください。\n\
             daicho stopped on an internal error; no input was modified. Please report what you ran."
        );
        std::process::ExitCode::from(2)
    })
}

/// glibc's allocator raises its trim threshold as large blocks are freed (up to 64 MB), so the
/// memory of a big workbook's cell grid, freed once it has been analysed, stays with the process
/// while the annotated copy is built and the peak is the sum of both. A fixed threshold (which
/// also turns the adjustment off) hands freed memory back to the system: at 100k rows the peak
/// of check + annotate fell from 208 to 193 MB (with the ID rule's fewer allocations) for no
/// measurable time (examples/bench.rs; README, performance).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    // SAFETY: mallopt only sets allocator parameters; called first, before any other thread.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}
