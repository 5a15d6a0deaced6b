//! Graph's timestamps: `2026-11-30T10:00:00+0000` (no colon in the offset), or RFC 3339.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A Graph time as an instant; `None` when it is neither form.
pub fn parse_graph_time(raw: &str) -> Option<OffsetDateTime> {
    let raw = raw.trim();
    if let Ok(at) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(at);
    }
    // Put the colon into a `+hhmm` offset and read it as RFC 3339.
    let split = raw.len().checked_sub(5)?;
    let (head, offset) = (raw.get(..split)?, raw.get(split..)?);
    if !(offset.starts_with('+') || offset.starts_with('-')) {
        return None;
    }
    let fixed = format!("{head}{}:{}", offset.get(..3)?, offset.get(3..)?);
    OffsetDateTime::parse(&fixed, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::parse_graph_time;

    #[test]
    fn both_offset_forms_are_read() {
        assert_eq!(
            parse_graph_time("2026-09-02T07:00:00+0000"),
            Some(datetime!(2026-09-02 07:00 UTC))
        );
        assert_eq!(
            parse_graph_time("2026-09-02T09:00:00+02:00"),
            Some(datetime!(2026-09-02 07:00 UTC))
        );
        assert_eq!(parse_graph_time("yesterday"), None);
    }
}
