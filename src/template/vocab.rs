//! The standard words of the template's dropdowns: one word per status and per device kind, the
//! first word of each vocabulary in SPEC §4. Tests pin that the checker reads each word back as
//! the value it stands for, so the dropdowns and the checker cannot disagree.

use crate::ledger::{DeviceKind, Status};

pub const STATUSES: [Status; 3] = [Status::Active, Status::Inactive, Status::Retired];

pub const KINDS: [DeviceKind; 5] = [
    DeviceKind::Server,
    DeviceKind::Pc,
    DeviceKind::Network,
    DeviceKind::Medical,
    DeviceKind::Other,
];

/// The answers of the リモート保守 column.
pub const REMOTE_MAINTENANCE: [&str; 2] = ["有", "無"];

/// 稼働 / 停止 / 廃棄.
pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Active => "稼働",
        Status::Inactive => "停止",
        Status::Retired => "廃棄",
    }
}

/// サーバ / 端末PC / ネットワーク機器 / 医療機器 / その他 (the checklist's targets first): the
/// `standard` word of each kind in `templates/vocab.toml`.
pub fn kind_word(k: DeviceKind) -> &'static str {
    crate::ledger::words::vocab().kind_word(k)
}

pub fn status_words() -> Vec<&'static str> {
    STATUSES.into_iter().map(status_word).collect()
}

pub fn kind_words() -> Vec<&'static str> {
    KINDS.into_iter().map(kind_word).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::status::{parse_kind, parse_status};

    #[test]
    fn the_checker_reads_every_dropdown_word() {
        for s in STATUSES {
            assert_eq!(parse_status(status_word(s)), Some(s), "{}", status_word(s));
        }
        for k in KINDS {
            assert_eq!(parse_kind(kind_word(k)), Some(k), "{}", kind_word(k));
        }
    }

    #[test]
    fn remote_maintenance_words_are_not_placeholders() {
        for w in REMOTE_MAINTENANCE {
            assert!(!crate::ledger::words::is_placeholder(w));
        }
    }
}
