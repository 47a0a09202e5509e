//! Dispatching commands and deciding the exit code, in one place.

use crate::cli::{CheckArgs, Cli, Command, CommonArgs, DropArgs, OutputFormat, RulesArgs};
use crate::config::Settings;
use crate::engine::{check_file, FileReport};
use crate::paths::{expand, Expanded};
use crate::report::{self, Run};
use crate::rules::{pick, registry, rule};
use crate::workbook::ReadError;
use crate::Lang;
use clap::Parser;
use std::io::{IsTerminal, Write};

/// Runs daicho with the process arguments; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Some(Command::Check(args)) => check(args),
        Some(Command::Rules(args)) => rules(&args),
        Some(Command::Config(_)) | Some(Command::Template(_)) | Some(Command::Convert(_)) => {
            eprintln!("not available in this build");
            2
        }
        None => dropped(cli.dropped),
    }
}

fn settings(common: &CommonArgs) -> Settings {
    let as_of = common
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut s = Settings::new(as_of);
    s.lang = common.lang;
    s
}

/// Expands the arguments and checks every file; unreadable paths become failed reports.
fn check_paths(paths: &[std::path::PathBuf], settings: &Settings) -> Vec<FileReport> {
    let mut reports = Vec::new();
    for arg in paths {
        match expand(arg) {
            Expanded::Files(files) => {
                for f in files {
                    reports.push(check_file(&f, settings));
                }
            }
            Expanded::Missing(p) => reports.push(FileReport::failed(&p, ReadError::NotFound)),
            Expanded::EmptyFolder(p) => reports.push(FileReport::failed(
                &p,
                ReadError::Io("folder contains no spreadsheets / 表計算ファイルがありません".into()),
            )),
        }
    }
    reports
}

fn check(args: CheckArgs) -> i32 {
    let mut settings = settings(&args.common);
    settings.select = args.select.clone();
    settings.ignore = args.ignore.clone();
    settings.fail_on = args.fail_on.severity();
    let files = check_paths(&args.paths, &settings);
    let run = Run {
        as_of: settings.as_of,
        lang: settings.lang,
        files,
    };
    let text = match args.format {
        OutputFormat::Json => report::json::render(&run),
        _ => report::human::render(
            &run,
            &report::human::Style {
                color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            },
            args.quiet,
        ),
    };
    print_out(&text);
    run.exit_code(settings.fail_on)
}

fn dropped(args: DropArgs) -> i32 {
    if args.paths.is_empty() {
        let _ = <Cli as clap::CommandFactory>::command().print_help();
        return 2;
    }
    let settings = settings(&args.common);
    let files = check_paths(&args.paths, &settings);
    let run = Run {
        as_of: settings.as_of,
        lang: settings.lang,
        files,
    };
    let text = report::human::render(
        &run,
        &report::human::Style {
            color: std::io::stdout().is_terminal(),
        },
        false,
    );
    print_out(&text);
    run.exit_code(settings.fail_on)
}

fn rules(args: &RulesArgs) -> i32 {
    let lang = args.lang;
    let mut out = String::new();
    match &args.code {
        None => {
            for r in registry() {
                out.push_str(&format!(
                    "{:<6} {:<28} {:<7} {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary(lang)
                ));
            }
        }
        Some(code) => {
            let Some(r) = rule(code) else {
                let msg = match lang {
                    Lang::Ja => format!("ルール「{code}」はありません。`daicho rules` で一覧を表示できます。"),
                    Lang::En => format!("No rule '{code}'. Run `daicho rules` for the list."),
                };
                eprintln!("{msg}");
                return 2;
            };
            let heads = match lang {
                Lang::Ja => ["何を見つけるか", "なぜ問題か", "例", "直し方", "既定の重大度"],
                Lang::En => ["What it finds", "Why it matters", "Example", "How to fix", "Default severity"],
            };
            out.push_str(&format!("{} {} — {}\n\n", r.code, r.name, r.summary(lang)));
            for (head, body) in heads.iter().zip([r.doc.what, r.doc.why, r.doc.example, r.doc.fix]) {
                out.push_str(&format!("## {head}\n{}\n\n", pick(body, lang)));
            }
            out.push_str(&format!("{}: {}\n", heads[4], r.severity.label(lang)));
        }
    }
    print_out(&out);
    0
}

/// Writes to stdout, ignoring a closed pipe (`daicho rules | head`).
fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
