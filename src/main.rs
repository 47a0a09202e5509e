use std::panic;

fn main() -> std::process::ExitCode {
    daicho::memory::tune();
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
