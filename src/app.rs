//! Dispatching commands and deciding the exit code, in one place.

use crate::cli::{
    CheckArgs, Cli, Command, CommonArgs, ConfigArgs, DropArgs, OutputFormat, RulesArgs,
};
use crate::config::{ConfigError, Overrides, Resolver};
use crate::paths::collect_inputs;
use crate::registry;
use crate::report::ExitStatus;
use crate::report::FileReport;
use crate::report::{self, Run};
use crate::run::check_file_with;
use crate::settings::Settings;
use crate::{Lang, Text};
use clap::Parser;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

/// Runs daicho with the process arguments; returns the exit code. Every command returns an
/// [`ExitStatus`]; this is the one place it becomes a number.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run().code())
}

fn run() -> ExitStatus {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            return ExitStatus::Failure;
        }
        Err(e) => {
            // --help and --version: human text, in the console's code page when redirected.
            crate::console::write_human(&e.render().ansi().to_string());
            return ExitStatus::Clean;
        }
    };
    match cli.command {
        Some(Command::Check(args)) => check(args),
        Some(Command::Rules(args)) => rules(&args),
        Some(Command::Os(args)) => explain_os(&args),
        Some(Command::Config(args)) => config(&args),
        Some(Command::Template(args)) => crate::template::run(&args),
        Some(Command::Convert(args)) => crate::convert::command::run(&args),
        Some(Command::Edition(crate::cli::EditionCommand::Import(args))) => edition_import(&args),
        None => dropped(cli.dropped),
    }
}

/// What the command line says, before any daicho.toml.
fn overrides(common: &CommonArgs) -> Overrides {
    let as_of = common
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut o = Overrides::new(as_of);
    o.lang = common.lang;
    o.edition = common.edition.clone();
    o
}

fn config_error(e: &ConfigError, lang: Lang) -> ExitStatus {
    eprintln!("{}", e.render(lang));
    ExitStatus::Failure
}

/// Where annotated workbooks go when a run writes them (`check --annotate`, drag-and-drop).
pub(crate) struct AnnotateTo<'a> {
    pub out_dir: Option<&'a std::path::Path>,
    /// An unwritable input folder sends the output to Documents / Desktop / temp instead.
    pub fallback: bool,
}

/// Expands the arguments (files, folders, globs) and checks every file in parallel, each with the
/// settings of its daicho.toml, writing its annotated workbook too when `annotate` says so.
/// Order: arguments as given, files sorted within each. Unreadable paths become failed reports;
/// a broken daicho.toml stops the run.
pub(crate) fn check_paths(
    paths: &[PathBuf],
    resolver: &mut Resolver,
    progress: bool,
    annotate: Option<&AnnotateTo<'_>>,
) -> Result<Vec<crate::dropmode::Outcome>, ConfigError> {
    use crate::annotate::Target;
    use crate::dropmode::Outcome;
    use crate::paths::Input;
    use rayon::prelude::*;
    enum Job {
        Check(PathBuf, Arc<Settings>, Option<Target>),
        Failed(FileReport),
    }
    let lang = resolver.defaults().lang;
    let inputs = collect_inputs(paths);
    let mut outputs = annotate
        .map(|a| crate::annotate::plan_outputs(&inputs.files(), a.out_dir))
        .unwrap_or_default()
        .into_iter();
    let mut jobs = Vec::with_capacity(inputs.items.len());
    for item in inputs.items {
        match item {
            Input::File(f) => {
                let s = resolver.settings_for(&f)?;
                let target = match (annotate, outputs.next()) {
                    (Some(a), Some(path)) => Some(Target {
                        path,
                        fallback: a.fallback && a.out_dir.is_none(),
                    }),
                    _ => None,
                };
                jobs.push(Job::Check(f, s, target));
            }
            Input::Failed(p, e) => jobs.push(Job::Failed(FileReport::failed(&p, e))),
        }
    }
    let bar = if progress && inputs.scan {
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        let label = Text::from_static("検査中", "checking").into_lang(lang);
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "{label} [{{bar:30}}] {{pos}}/{{len}} {{wide_msg}}"
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut outcomes: Vec<Outcome> = jobs
        .par_iter()
        .map(|job| {
            let outcome = match job {
                Job::Check(path, settings, target) => {
                    bar.set_message(crate::paths::display_path(path));
                    let (report, annotated) = check_file_with(path, settings, target.as_ref());
                    Outcome { report, annotated }
                }
                Job::Failed(report) => Outcome {
                    report: report.clone(),
                    annotated: None,
                },
            };
            bar.inc(1);
            outcome
        })
        .collect();
    bar.finish_and_clear();
    // Exceptions that matched nothing, reported once per daicho.toml on its first readable file.
    let mut done: Vec<*const Settings> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        if let Job::Check(_, settings, _) = job {
            let key = Arc::as_ptr(settings);
            if outcomes[i].report.error.is_none() && !done.contains(&key) {
                done.push(key);
                outcomes[i]
                    .report
                    .findings
                    .extend(crate::suppress::unused_exceptions(settings));
            }
        }
    }
    stale_support_data_once(&jobs, &mut outcomes, |job| match job {
        Job::Check(_, settings, _) => Some(settings),
        Job::Failed(_) => None,
    });
    Ok(outcomes)
}

/// OS005 once per run, on the first readable file with a ledger sheet.
fn stale_support_data_once<J>(
    jobs: &[J],
    outcomes: &mut [crate::dropmode::Outcome],
    settings_of: impl Fn(&J) -> Option<&Arc<Settings>>,
) {
    let has_ledger = |o: &crate::dropmode::Outcome| {
        o.report.error.is_none()
            && (o.report.sheets.iter()).any(|s| s.role == crate::layout::SheetRole::Ledger)
    };
    let Some(i) = outcomes.iter().position(has_ledger) else {
        return;
    };
    let Some(settings) = jobs.get(i).and_then(&settings_of) else {
        return;
    };
    if let Some(mut f) = crate::rules::os::stale_support_data(settings) {
        f.resolve_severity(&settings.severity_overrides);
        outcomes[i].report.findings.push(f);
    }
}

fn check(args: CheckArgs) -> ExitStatus {
    let lang = args.common.lang;
    let mut cli = overrides(&args.common);
    cli.select = args.select.clone();
    cli.ignore = args.ignore.clone();
    cli.fail_on = args.fail_on.severity();
    cli.checklist_file = args.checklist.clone();
    cli.ledger_file = args.ledger.clone();
    if let Err(code) = checklist_options_ok(&cli) {
        return code;
    }
    let (as_of, fail_on) = (cli.as_of, cli.fail_on);
    let progress = !args.no_progress && !args.quiet && std::io::stderr().is_terminal();
    let annotate = args.annotate.then_some(AnnotateTo {
        out_dir: args.out_dir.as_deref(),
        fallback: false,
    });
    let checked = Resolver::new(cli, args.common.config.as_deref())
        .and_then(|mut r| check_paths(&args.paths, &mut r, progress, annotate.as_ref()));
    let outcomes = match checked {
        Ok(outcomes) => outcomes,
        Err(e) => return config_error(&e, lang),
    };
    // Every output that could not be written is reported on stderr (exit code 2).
    let mut outputs_failed = false;
    let files = outcomes
        .into_iter()
        .map(|o| {
            if let Some(Err(e)) = &o.annotated {
                outputs_failed = true;
                eprintln!(
                    "{}: {}",
                    crate::paths::display_path(&o.report.path),
                    e.message(lang)
                );
            }
            o.report
        })
        .collect();
    let run = Run { as_of, lang, files };
    let text = match args.format {
        OutputFormat::Json => report::json::render(&run),
        OutputFormat::Sarif => report::sarif::render(&run),
        OutputFormat::Junit => report::junit::render(&run, fail_on),
        OutputFormat::Github => report::github::render(&run),
        OutputFormat::Human => report::human::render(
            &run,
            &report::human::Style {
                color: crate::console::stdout_color(),
            },
            args.quiet,
        ),
    };
    match args.format {
        OutputFormat::Human => crate::console::write_human(&text),
        _ => crate::console::write_utf8(&text),
    }
    if outputs_failed {
        return ExitStatus::Failure;
    }
    run.exit_status(fail_on)
}

/// `--edition`, `--checklist FILE` and `--ledger FILE` must be usable before any file is
/// checked; otherwise the reason is printed and the run ends with exit code 2.
fn checklist_options_ok(cli: &Overrides) -> Result<(), ExitStatus> {
    checklist_options_message(cli).map_err(|msg| {
        eprintln!("{msg}");
        ExitStatus::Failure
    })
}

/// Why `--edition`, `--checklist` or `--ledger` cannot be used, if they cannot.
fn checklist_options_message(cli: &Overrides) -> Result<(), String> {
    let mut s = Settings::new(cli.as_of);
    s.lang = cli.lang;
    s.edition = cli.edition.clone();
    s.checklist_file = cli.checklist_file.clone();
    s.ledger_file = cli.ledger_file.clone();
    crate::engine::validate_settings(&s)
}

/// `daicho config --example`.
fn config(args: &ConfigArgs) -> ExitStatus {
    if args.example {
        crate::console::write_utf8(crate::config::EXAMPLE);
        return ExitStatus::Clean;
    }
    eprintln!("使い方: daicho config --example  (コメント付きの daicho.toml の例を表示します / prints a commented daicho.toml)");
    ExitStatus::Failure
}

/// Drag-and-drop mode: check, write `<stem>.checked.xlsx`, print a short summary (src/dropmode.rs).
fn dropped(args: DropArgs) -> ExitStatus {
    dropped_with(args, &mut crate::dropmode::ConsolePause)
}

/// Drag-and-drop mode with the end-of-run pause given: every outcome, a broken daicho.toml
/// included, ends in `pause` (tests pass their own to see that it is reached).
pub fn dropped_with(args: DropArgs, pause: &mut dyn crate::dropmode::Pause) -> ExitStatus {
    let lang = args.common.lang;
    let check = || {
        checklist_options_message(&overrides(&args.common))?;
        // Run-wide choices (language, --fail-on) come from the first path's daicho.toml; each
        // file is still checked with its own.
        let mut resolver = Resolver::new(overrides(&args.common), args.common.config.as_deref())
            .map_err(|e| e.render(lang))?;
        let settings = match args.paths.first() {
            Some(p) => resolver.settings_for(p),
            None => Ok(resolver.defaults()),
        }
        .map_err(|e| e.render(lang))?;
        let annotate = AnnotateTo {
            out_dir: args.out_dir.as_deref(),
            fallback: true,
        };
        let outcomes = check_paths(&args.paths, &mut resolver, false, Some(&annotate))
            .map_err(|e| e.render(lang))?;
        Ok(crate::dropmode::Checked { settings, outcomes })
    };
    crate::dropmode::run(&args.paths, lang, check, pause)
}

fn rules(args: &RulesArgs) -> ExitStatus {
    let lang = args.lang;
    let mut out = String::new();
    match &args.code {
        None => out.push_str(&rules_list_text(lang)),
        Some(code) => {
            let Some(r) = registry::find(code) else {
                let msg = Text::new(
                    format!("ルール「{code}」はありません。`daicho rules` で一覧を表示できます。"),
                    format!("No rule '{code}'. Run `daicho rules` for the list."),
                );
                eprintln!("{}", msg.get(lang));
                return ExitStatus::Failure;
            };
            out.push_str(&rule_text(r, lang));
        }
    }
    crate::console::write_human(&out);
    ExitStatus::Clean
}

/// What `daicho rules CODE` prints for a rule: the summary, what it finds, why it matters, an
/// example, how to fix it and its default severity (the browser page shows the same).
pub fn rule_text(r: &crate::rules::Rule, lang: Lang) -> String {
    let mut out = String::new();
    static HEADS: [Text; 5] = [
        Text::from_static("何を見つけるか", "What it finds"),
        Text::from_static("なぜ問題か", "Why it matters"),
        Text::from_static("例", "Example"),
        Text::from_static("直し方", "How to fix"),
        Text::from_static("既定の重大度", "Default severity"),
    ];
    let heads = HEADS.each_ref().map(|h| h.get(lang));
    out.push_str(&format!("{} {} — {}\n\n", r.code, r.name, r.summary(lang)));
    for (head, body) in heads
        .iter()
        .zip([r.doc.what, r.doc.why, r.doc.example, r.doc.fix])
    {
        out.push_str(&format!("## {head}\n{}\n\n", body.get(lang)));
    }
    out.push_str(&format!("{}: {}\n", heads[4], r.severity.label(lang)));
    if r.code.starts_with("OS") {
        out.push_str(&format!("{}\n", crate::rules::os::support_data_line(lang)));
    }
    out
}

/// What `daicho rules` prints: one line per rule.
pub fn rules_list_text(lang: Lang) -> String {
    let mut out = String::new();
    for r in registry::all() {
        out.push_str(&format!(
            "{:<6} {:<28} {:<7} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary(lang)
        ));
    }
    out
}

/// `daicho os TEXT...`: the bundled support table, with `--config`'s [os] products applied.
/// `daicho edition import FORM [-o FILE]`: the form's checklist sheet as an edition file.
fn edition_import(args: &crate::cli::EditionImportArgs) -> ExitStatus {
    let lang = args.lang;
    let fail = |ja: String, en: String| {
        eprintln!("{}", crate::Text::new(ja, en).get(lang));
        ExitStatus::Failure
    };
    let workbook = match crate::isolate::open_path(&args.form, &Default::default()) {
        Ok(w) => w,
        Err(e) => {
            let shown = args.form.display();
            return fail(
                format!("「{shown}」を読めません: {}", e.message(Lang::Ja)),
                format!("Cannot read '{shown}': {}", e.message(Lang::En)),
            );
        }
    };
    let file_name = args
        .form
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let today = chrono::Local::now().date_naive();
    let imported = match crate::checklist::import::import_form(&workbook, &file_name, today) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{}", e.get(lang));
            return ExitStatus::Failure;
        }
    };
    let chosen = match &args.sheet {
        Some(name) => imported.iter().find(|i| &i.sheet == name),
        None => imported.first(),
    };
    let names = imported
        .iter()
        .map(|i| i.sheet.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let Some(first) = chosen else {
        let wanted = args.sheet.clone().unwrap_or_default();
        return fail(
            format!("「{file_name}」にチェックリストのシート「{wanted}」はありません。チェックリストのシート: {names}"),
            format!("'{file_name}' has no checklist sheet '{wanted}'. Its checklist sheets: {names}"),
        );
    };
    if args.sheet.is_none() && imported.len() > 1 {
        eprintln!(
            "{}",
            crate::Text::new(
                format!("チェックリストのシートが複数あります({names})。書き出すのはシート「{}」です。ほかのシートは --sheet NAME で指定してください。", first.sheet),
                format!("The form has several checklist sheets ({names}); '{}' is written. Choose another with --sheet NAME.", first.sheet),
            )
            .get(lang)
        );
    }
    let ed = &first.edition;
    let tagged: Vec<String> = ed
        .items
        .iter()
        .filter(|i| i.tag.is_some())
        .map(|i| i.number.clone())
        .collect();
    let summary = crate::Text::new(
        format!(
            "{}: シート「{}」から {} の {}項目を読みました(台帳と照合する項目: {})。",
            file_name,
            first.sheet,
            ed.display_name(),
            ed.items.len(),
            if tagged.is_empty() {
                "なし".to_string()
            } else {
                tagged.join("、")
            }
        ),
        format!(
            "{}: read {} items of {} from sheet '{}' (checked against the ledger: {}).",
            file_name,
            ed.items.len(),
            ed.display_name(),
            first.sheet,
            if tagged.is_empty() {
                "none".to_string()
            } else {
                tagged.join(", ")
            }
        ),
    );
    match &args.output {
        None => {
            print!("{}", first.toml);
            eprintln!("{}", summary.get(lang));
        }
        Some(path) => {
            if path.exists() && !args.force {
                let shown = path.display();
                return fail(
                    format!("「{shown}」は既にあります。上書きするには --force を付けてください。"),
                    format!("'{shown}' exists. Pass --force to overwrite it."),
                );
            }
            if let Err(e) = std::fs::write(path, &first.toml) {
                let shown = path.display();
                return fail(
                    format!("「{shown}」に書き込めません({e})。"),
                    format!("Cannot write '{shown}' ({e})."),
                );
            }
            let shown = path.display();
            eprintln!("{}", summary.get(lang));
            eprintln!(
                "{}",
                crate::Text::new(
                    format!("「{shown}」に書き出しました。`daicho check --checklist {shown}` か daicho.toml の [checklist] で使えます。"),
                    format!("Wrote '{shown}'. Use it with `daicho check --checklist {shown}` or daicho.toml [checklist]."),
                )
                .get(lang)
            );
        }
    }
    ExitStatus::Clean
}

fn explain_os(args: &crate::cli::OsArgs) -> ExitStatus {
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let settings = match &args.config {
        Some(path) => match Resolver::new(Overrides::new(as_of), Some(path)) {
            Ok(mut r) => Some(r.defaults()),
            Err(e) => return config_error(&e, args.lang),
        },
        None => None,
    };
    let table = settings
        .as_ref()
        .map_or(crate::ledger::os::OsTable::bundled(), |s| s.os_table);
    let text = args.text.join(" ");
    crate::console::write_human(&crate::rules::os::explain(table, &text, as_of, args.lang));
    ExitStatus::Clean
}
