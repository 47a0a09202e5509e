//! Which edition a checklist sheet is: its numbers and texts against each edition's items, and
//! the edition its title names.

use super::detect::RowScan;
use crate::checklist::edition::{Catalog, Edition, Form};
use crate::checklist::parse::{match_key, Bigrams, Numbering};
use std::collections::HashSet;
use std::sync::Arc;

/// 「令和8年度」「R8年度」「2026年度」 in a title.
fn title_year(title_key: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::checklist::parse::static_regex(r"(令和(\d{1,2}|元)|r(\d{1,2})|(20\d\d))年度")
    });
    re.find(title_key).map(|m| m.as_str().to_string())
}

const MERGED_FORM_EDITION: &str = "令和8年度";
const MERGED_FORM_YEAR: i32 = 2026;

/// 「医療機関・薬局確認用」 and its spellings (see `Form::from_title`).
fn merged_form(title_key: &str) -> bool {
    [
        "医療機関・薬局",
        "医療機関/薬局",
        "医療機関及び薬局",
        "医療機関、薬局",
    ]
    .iter()
    .any(|w| title_key.contains(&crate::text::key(w)))
}

/// Whether a row matched to an item by its number alone may stand for that item: without text,
/// or with a text at least loosely like the item's (a reworded line, not a different question).
/// Unverified wordings get more slack.
pub(super) fn number_match_ok(item: &crate::checklist::edition::Item, text: Option<&str>) -> bool {
    match text {
        None => true,
        Some(t) => {
            let floor = if item.unverified { 0.25 } else { 0.3 };
            item.similarity(&Bigrams::new(&match_key(t))) >= floor
        }
    }
}

pub(super) struct Detected {
    pub(super) edition: Option<Arc<Edition>>,
    pub(super) named: Option<String>,
}

pub(super) fn detect_edition(
    scans: &[&RowScan],
    sections: &[Option<u32>],
    title_key: &str,
    form: Option<Form>,
    catalog: &Catalog,
) -> Detected {
    // The merged 「医療機関・薬局確認用」 form first came with the 令和8年度版: a title naming it
    // and no year is that edition.
    let inferred = title_year(title_key).is_none() && merged_form(title_key);
    let named_year =
        title_year(title_key).or_else(|| inferred.then(|| MERGED_FORM_EDITION.to_string()));
    let styles: (usize, usize) = scans.iter().fold((0, 0), |acc, s| {
        match s.number.as_ref().map(|n| n.0.style) {
            Some(Numbering::Paren) => (acc.0 + 1, acc.1),
            Some(Numbering::Circled) => (acc.0, acc.1 + 1),
            _ => acc,
        }
    });
    let majority = match styles {
        (p, c) if p > c => Some(Numbering::Paren),
        (p, c) if c > p => Some(Numbering::Circled),
        _ => None,
    };
    let mut best: Option<(f64, f64, usize)> = None;
    for (ei, ed) in catalog.editions.iter().enumerate() {
        if form.is_some_and(|f| f != ed.form) {
            continue;
        }
        let mut score = 0.0;
        let mut items = HashSet::new();
        for (scan, section) in scans.iter().zip(sections) {
            let by_no = scan
                .number
                .as_ref()
                .and_then(|n| ed.item_by_no(&n.0, *section));
            if let Some(m) = scan.matches.iter().find(|m| m.0 == ei) {
                let agrees = by_no.is_none_or(|i| i == m.1) || scan.number.is_none();
                score += if agrees { 1.0 } else { 0.7 };
                items.insert(m.1);
            } else if let Some(i) = by_no {
                let text_ok =
                    number_match_ok(&ed.items[i], scan.text.as_ref().map(|t| t.0.as_str()));
                if text_ok {
                    score += if scan.text.is_none() { 0.8 } else { 0.6 };
                    items.insert(i);
                }
            }
        }
        if majority.is_some_and(|m| m != ed.numbering) {
            score *= 0.5;
        }
        let raw = score;
        score += 2.0 * items.len() as f64 / ed.items.len().max(1) as f64;
        if ed.named_in(title_key) || (inferred && ed.year == Some(MERGED_FORM_YEAR)) {
            score += 1000.0;
        }
        if catalog.user.as_ref().is_some_and(|u| Arc::ptr_eq(u, ed)) {
            score += 0.02;
        }
        if form.is_none() && ed.form == Form::Hospital {
            score += 0.01;
        }
        if best.is_none_or(|b| score > b.0) {
            best = Some((score, raw, ei));
        }
    }
    let Some((score, raw, ei)) = best else {
        return Detected {
            edition: None,
            named: named_year,
        };
    };
    let ed = &catalog.editions[ei];
    if let Some(named) = &named_year {
        if score < 1000.0 {
            // The title names an edition daicho does not have (令和8年度版): do not pretend.
            return Detected {
                edition: None,
                named: Some(named.clone()),
            };
        }
    }
    let rows = scans.len() as f64;
    if score < 1000.0 && (raw < 2.0_f64.min(rows) || raw < 0.5 * rows) {
        return Detected {
            edition: None,
            named: None,
        };
    }
    Detected {
        edition: Some(ed.clone()),
        named: None,
    }
}
