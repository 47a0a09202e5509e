//! SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).
//!
//! - `runs[0].tool.driver.rules`: every rule of the registry, with its documentation as help.
//! - `results`: one per finding, suppressed ones included with `suppressions` (`external` for a
//!   daicho.toml exception, `inSource` for a `daicho:ignore` marker) so viewers show them as
//!   dismissed. The workbook is the artifact location (region: line 1, which GitHub needs to
//!   place an alert); `sheet!cell` is a logical location. `partialFingerprints` are computed here from rule, file, sheet, cell
//!   and value, because a workbook has no text lines to fingerprint.
//! - Unreadable inputs are not results: each is a `toolExecutionNotifications` entry (level
//!   `error`, descriptor id = the JSON `error.kind`) and `executionSuccessful` is false, so result
//!   counts match the JSON diagnostics exactly.

use super::FileReport;
use super::{place, Run};
use crate::paths::portable_path;
use crate::registry;
use crate::rules::{Finding, Rule};
use crate::Text;
use crate::{Lang, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where the tool is documented: the repository or homepage from Cargo.toml, else its crate page.
fn information_uri() -> &'static str {
    let repo = env!("CARGO_PKG_REPOSITORY");
    let home = env!("CARGO_PKG_HOMEPAGE");
    if !repo.is_empty() {
        repo
    } else if !home.is_empty() {
        home
    } else {
        "https://crates.io/crates/daicho"
    }
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun {
    tool: Tool,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    properties: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    information_uri: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct DescriptorProperties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    descriptor: DescriptorRef,
}

#[derive(Serialize)]
struct DescriptorRef {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: BTreeMap<&'static str, serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

/// A workbook has no text lines; GitHub code scanning still needs a region to place an alert, so
/// results point at line 1 (as scanners of other binary artifacts do) and the cell is the
/// logical location.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

pub fn render(run: &Run) -> String {
    let rules = registry::all();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in &run.files {
        if let Some(e) = &file.error {
            notifications.push(Notification {
                level: "error",
                message: Message {
                    text: e.message(run.lang),
                },
                locations: vec![location(file, None)],
                descriptor: DescriptorRef { id: e.kind() },
            });
        }
        for f in &file.findings {
            results.push(result(file, f, run.lang, rules));
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![SarifRun {
            tool: Tool {
                driver: Driver {
                    name: "daicho",
                    information_uri: information_uri(),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.iter().map(|r| descriptor(r, run.lang)).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            results,
            properties: BTreeMap::from([("asOf", run.as_of.format("%Y-%m-%d").to_string())]),
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

static HEAD_WHAT: Text = Text::from_static("何を見つけるか", "What it finds");
static HEAD_WHY: Text = Text::from_static("なぜ問題か", "Why it matters");
static HEAD_EXAMPLE: Text = Text::from_static("例", "Example");
static HEAD_FIX: Text = Text::from_static("直し方", "How to fix");

fn descriptor(r: &Rule, lang: Lang) -> Descriptor {
    let heads = [&HEAD_WHAT, &HEAD_WHY, &HEAD_EXAMPLE, &HEAD_FIX].map(|h| h.get(lang));
    let parts = [r.doc.what, r.doc.why, r.doc.example, r.doc.fix].map(|p| p.get(lang));
    let text = heads
        .iter()
        .zip(parts)
        .map(|(h, p)| format!("{h}: {p}"))
        .collect::<Vec<_>>()
        .join("\n\n");
    let markdown = heads
        .iter()
        .zip(parts)
        .map(|(h, p)| format!("**{h}**\n\n{p}"))
        .collect::<Vec<_>>()
        .join("\n\n");
    Descriptor {
        id: r.code,
        name: r.name,
        short_description: Message {
            text: r.summary(lang).to_string(),
        },
        full_description: Message {
            text: r.doc.what.get(lang).to_string(),
        },
        help: Help { text, markdown },
        default_configuration: Configuration {
            level: level(r.severity),
        },
        properties: DescriptorProperties {
            tags: vec!["daicho", family(r.code)],
        },
    }
}

fn family(code: &str) -> &'static str {
    match code.trim_end_matches(|c: char| c.is_ascii_digit()) {
        "L" => "structure",
        "F" => "values",
        "IP" => "ip",
        "ID" => "id",
        "OS" => "os-support",
        "D" => "dates",
        "S" => "status",
        "C" => "checklist",
        "X" => "suppression",
        _ => "other",
    }
}

fn result(file: &FileReport, f: &Finding, lang: Lang, rules: &[&Rule]) -> SarifResult {
    let mut properties = BTreeMap::new();
    properties.insert("severity", f.severity.as_str().into());
    properties.insert("name", f.name().into());
    for (k, v) in [
        ("sheet", f.sheet.clone()),
        ("cell", f.cell()),
        ("field", f.field.map(|x| x.key().to_string())),
        ("value", f.value.clone()),
        ("fix", f.fix_value().map(str::to_string)),
    ] {
        if let Some(v) = v {
            properties.insert(k, v.into());
        }
    }
    let uri = artifact_uri(file);
    let fingerprint = fnv1a(&[
        f.code(),
        &uri,
        f.sheet.as_deref().unwrap_or(""),
        &f.cell().unwrap_or_default(),
        f.value.as_deref().unwrap_or(""),
    ]);
    SarifResult {
        rule_id: f.code(),
        rule_index: rules.iter().position(|r| r.code == f.code()),
        level: level(f.severity),
        message: Message {
            text: f.message.get(lang).to_string(),
        },
        locations: vec![location(file, Some(f))],
        partial_fingerprints: BTreeMap::from([
            ("daicho/v1", format!("{fingerprint:016x}")),
            ("primaryLocationLineHash", format!("{fingerprint:016x}:1")),
        ]),
        suppressions: f
            .suppressed
            .as_ref()
            .map(|reason| Suppression {
                kind: f.suppression_kind.map(|k| k.as_str()).unwrap_or("external"),
                justification: reason.clone(),
            })
            .into_iter()
            .collect(),
        properties,
    }
}

fn location(file: &FileReport, f: Option<&Finding>) -> Location {
    let shown = portable_path(&file.path);
    let logical = f
        .and_then(place)
        .map(|name| LogicalLocation {
            fully_qualified_name: format!("{shown}#{name}"),
            name,
            kind: "element",
        })
        .into_iter()
        .collect();
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: artifact_uri(file),
            },
            region: f.map(|_| Region { start_line: 1 }),
        },
        logical_locations: logical,
    }
}

/// A relative path stays relative (`ledgers/%E5%8F%B0%E5%B8%B3.xlsx`, resolved against the
/// repository root by GitHub); an absolute one becomes a `file:` URI, UNC paths included.
fn artifact_uri(file: &FileReport) -> String {
    let shown = portable_path(&file.path);
    let shown = shown.strip_prefix("./").unwrap_or(&shown);
    if file.path.is_absolute() || shown.starts_with("//") {
        if let Some(unc) = shown.strip_prefix("//") {
            return format!("file://{}", percent_encode(unc));
        }
        let rooted = if shown.starts_with('/') {
            shown.to_string()
        } else {
            format!("/{shown}")
        };
        return format!("file://{}", percent_encode(&rooted));
    }
    percent_encode(shown)
}

/// RFC 3986 path encoding: unreserved characters, `/` and the sub-delimiters allowed in a path
/// segment stay; everything else (spaces, `%`, `#`, `?`, non-ASCII as UTF-8) is `%XX`.
pub fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a (64-bit) over the parts with separators: stable across Rust versions and platforms.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(
            percent_encode("ledgers/台帳 2024#1.xlsx"),
            "ledgers/%E5%8F%B0%E5%B8%B3%202024%231.xlsx"
        );
        assert_eq!(percent_encode("a/b_c-d.xlsx"), "a/b_c-d.xlsx");
        let report = |p: &str| {
            FileReport::failed(
                std::path::Path::new(p),
                crate::workbook::ReadError::NotFound,
            )
        };
        assert_eq!(artifact_uri(&report("./x/台.xlsx")), "x/%E5%8F%B0.xlsx");
        assert_eq!(
            artifact_uri(&report("\\\\server\\share\\台帳.xlsx")),
            "file://server/share/%E5%8F%B0%E5%B8%B3.xlsx"
        );
        #[cfg(unix)]
        assert_eq!(
            artifact_uri(&report("/srv/台帳.xlsx")),
            "file:///srv/%E5%8F%B0%E5%B8%B3.xlsx"
        );
    }
}
