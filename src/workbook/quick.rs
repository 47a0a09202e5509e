//! Small pieces the quick-xml scanners share (xlsx sheets, ODS content, Excel 2003 XML).

use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::XmlVersion;

/// An attribute by its local name (`r:id` and `ss:Name` match `id` and `Name`), unescaped.
pub(super) fn local_attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Appends what an entity or character reference in text stands for (`&amp;`, `&#x3042;`);
/// an unknown one is dropped, as a reader of the cell would not see it either.
pub(super) fn push_reference(text: &mut String, r: &BytesRef<'_>) {
    match quick_xml::escape::resolve_xml_entity(r.as_ref()) {
        Some(s) => text.push_str(s),
        None => {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                text.push(c);
            }
        }
    }
}
