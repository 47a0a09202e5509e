//! Acknowledged findings: `[[exceptions]]` in daicho.toml (by management number) and inline
//! `daicho:ignore CODE 理由` markers in a device's 備考 cell.
//!
//! A suppressed finding stays in every output, marked with its reason; it no longer counts toward
//! the exit code. A reason is always required (a marker without one is not applied, X002). An
//! exception past its `until` date no longer suppresses: the finding comes back with a note that
//! the exception expired. An exception or marker that matches nothing is reported (X001), so stale
//! acknowledgements do not pile up.

use crate::layout::Field;
use crate::ledger::Ledger;
use crate::rules::suppression::{X001, X002};
use crate::rules::{Finding, Rule, SuppressionKind};
use crate::settings::{covers, id_key, Settings};
use crate::Text;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Whether a pattern could hide anything in this run (some enabled rule matches it).
fn applicable(patterns: &[String], settings: &Settings) -> bool {
    crate::registry::all()
        .iter()
        .any(|r| covers(patterns, r.code) && settings.is_enabled(r.code))
}

// ---------------------------------------------------------------------------------------------
// Inline markers.

const MARKER: &str = "daicho:ignore";

/// A `daicho:ignore` marker as written in a 備考 cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub codes: Vec<String>,
    pub reason: String,
}

/// Why a marker is not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerProblem {
    NoCodes,
    NoReason { codes: Vec<String> },
    UnknownCode(String),
}

/// Every `daicho:ignore` marker in a note (several may share a cell, one per line or in a row).
pub fn parse_markers(note: &str) -> Vec<Result<Marker, MarkerProblem>> {
    let text = crate::text::nfkc(note);
    // ASCII lower-casing keeps byte offsets, so positions carry over to `text`.
    let lower = text.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices(MARKER).map(|(i, _)| i).collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).copied().unwrap_or(text.len());
            let seg = text.get(s + MARKER.len()..end).unwrap_or("");
            parse_one(seg.split(['\n', '\r']).next().unwrap_or(""))
        })
        .collect()
}

fn mentions_marker(note: &str) -> bool {
    if note.is_ascii() {
        note.to_ascii_lowercase().contains(MARKER)
    } else {
        crate::text::nfkc(note)
            .to_ascii_lowercase()
            .contains(MARKER)
    }
}

/// `OS001,IP004 理由` -> codes and reason. Codes after the first are comma-separated, so a
/// reason starting with an ASCII word (「ESU 契約済み」) is not read as a code.
fn parse_one(seg: &str) -> Result<Marker, MarkerProblem> {
    let mut rest = seg.trim_start();
    let mut codes = Vec::new();
    loop {
        let len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let (tok, after) = rest.split_at(len);
        let ends_token = after
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || matches!(c, ',' | '、' | ':'));
        if tok.is_empty() || !ends_token || !looks_like_code(tok) {
            break;
        }
        codes.push(tok.to_ascii_uppercase());
        let t = after.trim_start();
        match t.strip_prefix(',').or_else(|| t.strip_prefix('、')) {
            Some(r) => rest = r.trim_start(),
            None => {
                rest = after;
                break;
            }
        }
    }
    if codes.is_empty() {
        return Err(MarkerProblem::NoCodes);
    }
    if let Some(bad) = codes.iter().find(|c| {
        !crate::registry::all()
            .iter()
            .any(|r| r.code.starts_with(c.as_str()))
    }) {
        return Err(MarkerProblem::UnknownCode(bad.clone()));
    }
    let reason = rest
        .trim()
        .trim_start_matches([':', '-', '—', '–', '|'])
        .trim()
        .to_string();
    if reason.is_empty() {
        return Err(MarkerProblem::NoReason { codes });
    }
    Ok(Marker { codes, reason })
}

/// Letters then digits: `OS001`, `IP`, `OS00`.
fn looks_like_code(tok: &str) -> bool {
    let letters = tok.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    (1..=3).contains(&letters)
        && tok.chars().skip(letters).all(|c| c.is_ascii_digit())
        && tok.len() <= 8
}

// ---------------------------------------------------------------------------------------------
// Applying.

enum Action {
    Suppress(String, SuppressionKind),
    Expired { until: NaiveDate, reason: String },
}

/// Marks the findings config exceptions and inline markers acknowledge, notes expired
/// exceptions, and adds X001/X002 for markers. Runs after select/ignore and severity overrides.
pub fn apply(findings: &mut Vec<Finding>, ledger: &Ledger<'_>, settings: &Settings) {
    let with_exceptions = !settings.exceptions.is_empty();
    let any_notes = ledger.sheets.iter().any(|s| s.layout.has(Field::Note));
    if !with_exceptions && !any_notes {
        return;
    }
    let mut plan: Vec<(usize, Action)> = Vec::new();
    let mut added: Vec<Finding> = Vec::new();
    {
        let mut by_row: HashMap<(&str, u32), Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            if let (Some(sheet), Some(row)) = (&f.sheet, f.row) {
                by_row.entry((sheet.as_str(), row)).or_default().push(i);
            }
        }
        for sheet in &ledger.sheets {
            for device in &sheet.devices {
                let row = device.row.index;
                let here = by_row.get(&(sheet.name(), row));
                let note = sheet
                    .text(device, Field::Note)
                    .filter(|n| mentions_marker(n));
                if here.is_none() && note.is_none() {
                    continue;
                }
                let mut markers: Vec<(Marker, bool)> = Vec::new();
                if let (Some(note), Some(col)) = (&note, sheet.layout.col(Field::Note)) {
                    let at = |rule: &'static Rule, ja: String, en: String| {
                        Finding::new(rule, Text::new(ja, en))
                            .at(sheet.name(), row, col)
                            .field(Field::Note)
                            .value(note.as_ref())
                    };
                    for m in parse_markers(note) {
                        match m {
                            Ok(m) => markers.push((m, false)),
                            Err(p) => added.push(problem_finding(&p, at)),
                        }
                    }
                }
                let id = if with_exceptions {
                    sheet.text(device, Field::Id).map(|t| id_key(&t))
                } else {
                    None
                };
                for &i in here.map(Vec::as_slice).unwrap_or(&[]) {
                    let code = findings[i].code();
                    if let Some((m, used)) =
                        markers.iter_mut().find(|(m, _)| covers(&m.codes, code))
                    {
                        *used = true;
                        plan.push((
                            i,
                            Action::Suppress(m.reason.clone(), SuppressionKind::InSource),
                        ));
                        continue;
                    }
                    let Some(id) = &id else { continue };
                    let mut matching = settings
                        .exceptions
                        .for_key(id)
                        .filter(|e| e.covers(code))
                        .peekable();
                    let Some(first) = matching.peek().copied() else {
                        continue;
                    };
                    let live = matching.find(|e| !e.is_expired(settings.as_of));
                    first.mark_used();
                    match live {
                        Some(e) => {
                            e.mark_used();
                            plan.push((
                                i,
                                Action::Suppress(e.reason.clone(), SuppressionKind::External),
                            ));
                        }
                        None => plan.push((
                            i,
                            Action::Expired {
                                until: first.until.unwrap_or(settings.as_of),
                                reason: first.reason.clone(),
                            },
                        )),
                    }
                }
                if let (Some(note), Some(col)) = (&note, sheet.layout.col(Field::Note)) {
                    for (m, _) in markers
                        .iter()
                        .filter(|(m, used)| !used && applicable(&m.codes, settings))
                    {
                        let codes = m.codes.join(",");
                        added.push(
                            Finding::new(
                                &X001,
                                Text::new(
                                    format!("備考の「daicho:ignore {codes}」に当たる指摘はありません。問題が解消していれば、この記述を削除してください。"),
                                    format!("The note's 'daicho:ignore {codes}' matches no finding. If the problem is fixed, remove the marker."),
                                ),
                            )
                            .at(sheet.name(), row, col)
                            .field(Field::Note)
                            .value(note.as_ref()),
                        );
                    }
                }
            }
        }
    }
    for (i, action) in plan {
        let f = &mut findings[i];
        match action {
            Action::Suppress(reason, kind) => {
                f.suppressed = Some(reason);
                f.suppression_kind = Some(kind);
            }
            Action::Expired { until, reason } => {
                f.message.ja.to_mut().push_str(&format!(
                    "(daicho.toml の例外「{reason}」は {until} で期限切れです。対応するか、例外を見直してください。)"
                ));
                f.message.en.to_mut().push_str(&format!(
                    " (The daicho.toml exception '{reason}' expired on {until}. Fix the problem or review the exception.)"
                ));
            }
        }
    }
    findings.extend(added.into_iter().filter_map(|f| enabled(f, settings)));
}

fn problem_finding(
    p: &MarkerProblem,
    at: impl Fn(&'static Rule, String, String) -> Finding,
) -> Finding {
    match p {
        MarkerProblem::NoCodes => at(
            &X002,
            "「daicho:ignore」の後にルールコードがないため、適用していません。「daicho:ignore OS001 理由」のように書いてください。".into(),
            "'daicho:ignore' has no rule code, so it is not applied. Write 'daicho:ignore OS001 reason'.".into(),
        ),
        MarkerProblem::NoReason { codes } => {
            let c = codes.join(",");
            at(
                &X002,
                format!("「daicho:ignore {c}」に理由がないため、適用していません。「daicho:ignore {c} 理由」のように、許容する理由を書いてください。"),
                format!("'daicho:ignore {c}' has no reason, so it is not applied. Write 'daicho:ignore {c} <reason>'."),
            )
        }
        MarkerProblem::UnknownCode(code) => at(
            &X002,
            format!("「daicho:ignore」の「{code}」に当たるルールがないため、適用していません。ルールコードを確認してください(`daicho rules` で一覧)。"),
            format!("'daicho:ignore' names '{code}', which matches no rule, so it is not applied. Check the code (`daicho rules`)."),
        ),
    }
}

/// A finding of this module after select/ignore and severity overrides (it is added after them).
fn enabled(mut f: Finding, settings: &Settings) -> Option<Finding> {
    if !settings.is_enabled(f.code()) {
        return None;
    }
    if let Some(s) = settings.severity_overrides.get(f.code()) {
        f.severity = *s;
    }
    Some(f)
}

/// X001 for each exception of these settings that matched nothing in the run. Call once all the
/// files the settings govern are checked.
pub fn unused_exceptions(settings: &Settings) -> Vec<Finding> {
    let config = settings
        .config_path
        .as_deref()
        .map(crate::paths::display_relative)
        .unwrap_or_else(|| crate::settings::CONFIG_FILE_NAME.to_string());
    settings
        .exceptions
        .iter()
        .filter(|e| !e.was_used() && applicable(&e.rules, settings))
        .filter_map(|e| {
            let rules = e.rules.join(", ");
            let f = Finding::new(
                &X001,
                Text::new(
                    format!("{config} の例外(管理番号「{}」、ルール {rules})に当たる指摘はありません。問題が解消していれば例外を削除してください。管理番号やルールコードの誤記の可能性もあります。", e.id),
                    format!("The exception in {config} (management number '{}', rules {rules}) matches no finding. Remove it if the problem is fixed, or check the number and codes.", e.id),
                ),
            )
            .value(e.id.clone());
            enabled(f, settings)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(note: &str) -> Vec<Marker> {
        parse_markers(note)
            .into_iter()
            .map(|m| m.unwrap_or_else(|p| panic!("{note}: {p:?}")))
            .collect()
    }

    #[test]
    fn markers_as_people_write_them() {
        let m = ok("daicho:ignore OS001 検査装置メーカーの指定OS");
        assert_eq!(
            m,
            vec![Marker {
                codes: vec!["OS001".into()],
                reason: "検査装置メーカーの指定OS".into()
            }]
        );
        let m = ok("保守契約あり。daicho:ignore OS001,IP004 冗長構成");
        assert_eq!(
            (m[0].codes.clone(), m[0].reason.as_str()),
            (vec!["OS001".into(), "IP004".into()], "冗長構成")
        );
        let m = ok("ＤＡＩＣＨＯ：ＩＧＮＯＲＥ　ｏｓ００１、IP004: 更新予定");
        assert_eq!(
            (m[0].codes.clone(), m[0].reason.as_str()),
            (vec!["OS001".into(), "IP004".into()], "更新予定")
        );
        let m = ok("daicho:ignore OS001 ESU 契約済み");
        assert_eq!(
            (m[0].codes.clone(), m[0].reason.as_str()),
            (vec!["OS001".into()], "ESU 契約済み")
        );
        let m = ok("daicho:ignore OS 院内LANから分離\ndaicho:ignore IP004 冗長構成");
        assert_eq!(m.len(), 2);
        assert_eq!(
            (m[0].reason.as_str(), m[1].codes.clone()),
            ("院内LANから分離", vec!["IP004".into()])
        );
        assert!(parse_markers("保守契約あり").is_empty());
    }

    #[test]
    fn bad_markers() {
        assert_eq!(
            parse_markers("daicho:ignore OS001"),
            vec![Err(MarkerProblem::NoReason {
                codes: vec!["OS001".into()]
            })]
        );
        assert_eq!(
            parse_markers("daicho:ignore 更新予定"),
            vec![Err(MarkerProblem::NoCodes)]
        );
        assert_eq!(
            parse_markers("daicho:ignore OS01X 更新予定"),
            vec![Err(MarkerProblem::NoCodes)]
        );
        assert_eq!(
            parse_markers("daicho:ignore ZZ001 更新予定"),
            vec![Err(MarkerProblem::UnknownCode("ZZ001".into()))]
        );
    }
}
