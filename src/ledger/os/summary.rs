use super::table::ReleaseRow;
use crate::Text;
use chrono::NaiveDate;

// ---------------------------------------------------------------------------------------------
// OS004 summaries.

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupState {
    Ended,
    NoEnd,
    Dated,
}

/// "21H2・22H2: 終了、23H2: Home/Pro 2025-11-11 終了・Enterprise/Education 2026-11-10 まで、…".
pub(super) fn summarize(rows: &[&ReleaseRow], snapshot: NaiveDate) -> Text {
    let mut groups: Vec<(&str, Vec<&ReleaseRow>)> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|(l, _)| *l == row.label) {
            Some((_, g)) => g.push(row),
            None => groups.push((&row.label, vec![row])),
        }
    }
    let state = |g: &[&ReleaseRow]| {
        if g.iter().all(|r| r.release.eol < snapshot) {
            GroupState::Ended
        } else if g.iter().all(|r| !r.release.has_announced_end()) {
            GroupState::NoEnd
        } else {
            GroupState::Dated
        }
    };
    let (mut ja, mut en): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < groups.len() {
        let s = state(&groups[i].1);
        if s != GroupState::Dated {
            // Merge a run of ended (or open-ended) versions into one item.
            let mut labels = vec![groups[i].0];
            while i + 1 < groups.len() && state(&groups[i + 1].1) == s {
                i += 1;
                labels.push(groups[i].0);
            }
            let (tja, ten) = match s {
                GroupState::Ended => ("終了", "ended"),
                _ => ("終了日の発表なし", "no announced end"),
            };
            ja.push(format!("{}: {tja}", labels.join("・")));
            en.push(format!("{}: {ten}", labels.join(", ")));
        } else {
            let (label, g) = &groups[i];
            let with_channel = g.len() > 1;
            let mut pja = Vec::new();
            let mut pen = Vec::new();
            for r in g {
                let chan = match (with_channel, r.channel) {
                    (true, Some(c)) => format!("{} ", c.label()),
                    _ => String::new(),
                };
                let eol = r.release.eol;
                let date = eol.format("%Y-%m-%d");
                if !r.release.has_announced_end() {
                    pja.push(format!("{chan}終了日の発表なし"));
                    pen.push(format!("{chan}no announced end"));
                } else if eol < snapshot {
                    pja.push(format!("{chan}{date} 終了"));
                    pen.push(format!("{chan}ended {date}"));
                } else {
                    pja.push(format!("{chan}{date} まで"));
                    pen.push(format!("{chan}until {date}"));
                }
            }
            ja.push(format!("{label}: {}", pja.join("・")));
            en.push(format!("{label}: {}", pen.join(", ")));
        }
        i += 1;
    }
    Text::new(ja.join("、"), en.join("; "))
}
