//! The stable, versioned JSON report (SPEC §7). Its shape is a public interface.

use super::{portable_path, Run};
use crate::engine::FileReport;
use serde_json::{json, Value};

pub fn render(run: &Run) -> String {
    let s = run.summary();
    let doc = json!({
        "version": 1,
        "tool": "daicho",
        "daicho_version": env!("CARGO_PKG_VERSION"),
        "as_of": run.as_of.format("%Y-%m-%d").to_string(),
        "files": run.files.iter().map(|f| file(f, run)).collect::<Vec<_>>(),
        "summary": {
            "files": s.files,
            "errors": s.errors,
            "warnings": s.warnings,
            "infos": s.infos,
            "unreadable": s.unreadable,
        },
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn file(f: &FileReport, run: &Run) -> Value {
    json!({
        "path": portable_path(&f.path),
        "error": f.error.as_ref().map(|e| json!({"kind": e.kind(), "message": e.message(run.lang)})),
        "sheets": f.sheets.iter().map(|s| json!({
            "name": s.name,
            "role": s.role.as_str(),
            "header_row": s.header_row.map(|r| r + 1),
            "device_rows": s.device_rows,
        })).collect::<Vec<_>>(),
        "diagnostics": f.findings.iter().map(|d| json!({
            "code": d.code,
            "name": d.name(),
            "severity": d.severity.as_str(),
            "sheet": d.sheet,
            "cell": d.cell(),
            "row": d.row.map(|r| r + 1),
            "column": d.col.map(|c| c + 1),
            "field": d.field.map(|x| x.key()),
            "value": d.value,
            "message": d.message.get(run.lang),
            "fix": d.fix.as_ref().map(|v| json!({"value": v})),
            "suppressed": d.suppressed.is_some(),
            "suppression": d.suppressed.as_ref().map(|reason| json!({
                "kind": d.suppression_kind.map(|k| k.as_str()).unwrap_or("external"),
                "reason": reason,
            })),
        })).collect::<Vec<_>>(),
        "output": f.output.as_ref().map(|p| portable_path(p)),
    })
}
