//! `daicho edition import FORM`: an edition file (the `templates/checklist/` format) made from a
//! blank or filled official form of any edition, so a new edition MHLW publishes as `.xlsx` is
//! added without waiting for a daicho release. The texts are the form's own: they are not
//! "unverified", and nothing is invented for items the form does not hold.

use super::edition::{Catalog, Edition};
use super::parse::{Numbering, Target};
use super::read::{is_checklist_with, read_sheet, ChecklistSheet};
use super::structure::{edition_from_rows, fields_for_any_edition, section_headings, SheetMeta};
use crate::text;
use crate::workbook::{Sheet, Workbook};
use crate::Text;
use chrono::NaiveDate;

/// One checklist sheet of the form, made into an edition.
#[derive(Debug)]
pub struct ImportedEdition {
    pub sheet: String,
    pub edition: Edition,
    /// The edition file's text (TOML), which [`Edition::from_toml`] reads back.
    pub toml: String,
}

/// Every checklist sheet of a form workbook as an edition. `file_name` is the form's file name
/// (written into `source`). An error says why nothing could be imported.
pub fn import_form(
    workbook: &Workbook,
    file_name: &str,
    as_of: NaiveDate,
) -> Result<Vec<ImportedEdition>, Text> {
    let catalog = Catalog::bundled();
    let mut out = Vec::new();
    for (i, sheet) in workbook.sheets.iter().enumerate() {
        if !is_checklist_with(sheet, &catalog) {
            continue;
        }
        let Some(cs) = read_sheet(i, sheet, &catalog, as_of) else {
            continue;
        };
        if cs.rendered {
            continue;
        }
        if let Some(edition) = edition_of(sheet, &cs, &catalog, file_name) {
            let toml = to_toml(&edition);
            out.push(ImportedEdition {
                sheet: sheet.name.clone(),
                edition,
                toml,
            });
        }
    }
    if out.is_empty() {
        return Err(Text::new(
            format!("「{file_name}」にチェックリストの項目(2-①、2-(1) のような番号と文言の行)が見つかりません。厚生労働省のチェックリスト様式を指定してください。"),
            format!("No checklist items (rows with a number such as 2-① or 2-(1) and a text) were found in '{file_name}'. Pass an MHLW checklist form."),
        ));
    }
    Ok(out)
}

fn edition_of(
    sheet: &Sheet,
    cs: &ChecklistSheet,
    catalog: &Catalog,
    file_name: &str,
) -> Option<Edition> {
    let known = cs.edition.as_ref().filter(|e| !e.from_sheet);
    let year = cs.named_edition.clone();
    let stem = std::path::Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file_name.to_string());
    let name = year
        .as_ref()
        .map(|y| format!("{y}版"))
        .or_else(|| known.map(|e| e.name.clone()))
        .unwrap_or_else(|| stem.clone());
    let id = year
        .as_deref()
        .and_then(reiwa_year)
        .map(|n| format!("r{n}"))
        .or_else(|| known.map(|e| e.id.clone()))
        .unwrap_or_else(|| stem.clone());
    let first_item = cs.rows.first().map_or(u32::MAX, |r| r.row);
    let title = super::structure::form_title(sheet, first_item)
        .or_else(|| known.map(|e| e.title.clone()))
        .unwrap_or_else(|| sheet.name.clone());
    // The header fields the form has, with daicho's synonyms for them and the form's own label.
    let fields = catalog
        .default_for(cs.form)
        .map(|e| {
            fields_for_any_edition(&e.fields)
                .into_iter()
                .filter_map(|mut f| {
                    let (row, col) = cs.field(&f.label)?.label_at?;
                    if let Some(own) = sheet.grid.get(row, col).and_then(|v| v.as_text()) {
                        let own = text::trim(own)
                            .trim_end_matches([':', '：'])
                            .trim()
                            .to_string();
                        let short = own.chars().count() <= 20 && !own.contains(['：', ':']);
                        if short && !own.is_empty() && !f.names().any(|n| n == own) {
                            f.synonyms.insert(0, own);
                        }
                    }
                    Some(f)
                })
                .collect()
        })
        .unwrap_or_default();
    let meta = SheetMeta {
        id,
        name,
        form: cs.form,
        title: title.clone(),
        source: format!(
            "出典: {title}(様式ファイル「{file_name}」から daicho edition import で作成)"
        ),
        fields,
        sections: section_headings(sheet, first_item, u32::MAX),
        from_sheet: false,
    };
    let (mut edition, _) = edition_from_rows(meta, cs.gate.as_ref(), &cs.rows)?;
    edition.year_keys = year.as_deref().map(year_keys).unwrap_or_default();
    // An edition the form names is recognised by its title as well as its texts.
    if edition.year.is_none() {
        edition.year = year
            .as_deref()
            .and_then(reiwa_year)
            .map(|n| 2018 + n as i32);
    }
    Some(edition)
}

/// 「令和8年度」「R8年度」 -> 8; 「2026年度」 -> 8.
fn reiwa_year(named: &str) -> Option<u32> {
    let k = text::nfkc(named).to_lowercase();
    let digits = |s: &str| -> Option<u32> {
        s.chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .ok()
    };
    if let Some(rest) = k.strip_prefix("令和") {
        return if rest.starts_with('元') {
            Some(1)
        } else {
            digits(rest)
        };
    }
    if let Some(rest) = k.strip_prefix('r') {
        return digits(rest);
    }
    digits(&k).filter(|y| *y > 2018).map(|y| y - 2018)
}

/// The title words that name an edition: 令和8年度, R8年度, 2026年度.
fn year_keys(named: &str) -> Vec<String> {
    match reiwa_year(named) {
        Some(n) => vec![
            format!("令和{n}年度"),
            format!("R{n}年度"),
            format!("{}年度", 2018 + n),
        ],
        None => vec![named.to_string()],
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn quote_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let parts: Vec<String> = items.map(quote).collect();
    format!("[{}]", parts.join(", "))
}

/// An edition in the `templates/checklist/` format.
pub fn to_toml(ed: &Edition) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "# {} ({})", ed.title, ed.display_name());
    let _ = writeln!(
        s,
        "# daicho edition import で様式から作成。文言は様式のままです。"
    );
    let _ = writeln!(
        s,
        "# 台帳と照合する項目(tag)は文言の意味から判別しました。確認してください。"
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "id = {}", quote(&ed.id));
    let _ = writeln!(s, "name = {}", quote(&ed.name));
    let _ = writeln!(s, "form = {}", quote(form_key(ed.form)));
    if let Some(y) = ed.year {
        let _ = writeln!(s, "year = {y}");
    }
    let _ = writeln!(s, "title = {}", quote(&ed.title));
    let _ = writeln!(s, "source = {}", quote(&ed.source));
    let numbering = match ed.numbering {
        Numbering::Circled => "circled",
        Numbering::Paren => "paren",
        Numbering::Plain => "plain",
    };
    let _ = writeln!(s, "numbering = {}", quote(numbering));
    let _ = writeln!(s, "per_target = {}", ed.per_target);
    if !ed.year_keys.is_empty() {
        let _ = writeln!(
            s,
            "year_keys = {}",
            quote_list(ed.year_keys.iter().map(|k| k.as_str()))
        );
    }
    for f in &ed.fields {
        let _ = writeln!(s, "\n[[field]]");
        let _ = writeln!(s, "label = {}", quote(&f.label));
        if !f.synonyms.is_empty() {
            let _ = writeln!(
                s,
                "synonyms = {}",
                quote_list(f.synonyms.iter().map(|k| k.as_str()))
            );
        }
        if f.required {
            let _ = writeln!(s, "required = true");
        }
        if f.date {
            let _ = writeln!(s, "date = true");
        }
    }
    if let Some(g) = &ed.gate {
        let _ = writeln!(s, "\n[gate]");
        let _ = writeln!(s, "text = {}", quote(&g.text));
    }
    for sec in &ed.sections {
        let _ = writeln!(s, "\n[[section]]");
        let _ = writeln!(s, "number = {}", sec.number);
        let _ = writeln!(s, "title = {}", quote(&sec.title));
    }
    for item in &ed.items {
        let _ = writeln!(s, "\n[[item]]");
        let _ = writeln!(s, "number = {}", quote(&item.number));
        let _ = writeln!(s, "text = {}", quote(&item.text));
        if !item.targets.is_empty() {
            let _ = writeln!(
                s,
                "targets = {}",
                quote_list(item.targets.iter().map(|t: &Target| t.label()))
            );
        }
        if let Some(tag) = item.tag {
            let tag = match tag {
                super::edition::Tag::Ledger => "ledger",
                super::edition::Tag::RemoteMaintenance => "remote_maintenance",
                super::edition::Tag::Patch => "patch",
            };
            let _ = writeln!(s, "tag = {}", quote(tag));
        }
    }
    s
}

fn form_key(form: crate::Form) -> &'static str {
    match form {
        crate::Form::Hospital => "hospital",
        crate::Form::Pharmacy => "pharmacy",
        crate::Form::Vendor => "vendor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_strings() {
        assert_eq!(reiwa_year("令和8年度"), Some(8));
        assert_eq!(reiwa_year("R8年度"), Some(8));
        assert_eq!(reiwa_year("2026年度"), Some(8));
        assert_eq!(year_keys("令和8年度")[2], "2026年度");
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn a_bundled_edition_round_trips_through_the_file_format() {
        for ed in super::super::edition::bundled() {
            let back = Edition::from_toml(&to_toml(ed)).unwrap();
            assert_eq!(back.items.len(), ed.items.len());
            for (a, b) in back.items.iter().zip(&ed.items) {
                assert_eq!(
                    (&a.number, &a.text, &a.targets, a.tag),
                    (&b.number, &b.text, &b.targets, b.tag)
                );
            }
            assert_eq!(
                back.gate.map(|g| g.text),
                ed.gate.as_ref().map(|g| g.text.clone())
            );
        }
    }
}
