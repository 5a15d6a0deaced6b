/// What a `Content-Range` header says: where the bytes sent start, and how long the whole
/// file is. Used to check that a `206` answers the range asked for, and to learn a file's size
/// from a one-byte ranged GET when `HEAD` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentRange {
    pub(crate) start: Option<u64>,
    pub(crate) total: Option<u64>,
}

impl ContentRange {
    /// Parses `bytes START-END/TOTAL`, `bytes START-END/*` or `bytes */TOTAL`; anything else
    /// is `None`.
    pub(crate) fn parse(raw: &str) -> Option<Self> {
        let rest = raw.trim().strip_prefix("bytes")?.trim_start();
        let (range, total) = rest.split_once('/')?;
        let total = match total.trim() {
            "*" => None,
            digits => Some(digits.parse().ok()?),
        };
        let start = match range.trim() {
            "*" => None,
            span => {
                let (start, end) = span.split_once('-')?;
                let start: u64 = start.trim().parse().ok()?;
                let end: u64 = end.trim().parse().ok()?;
                if end < start {
                    return None;
                }
                Some(start)
            }
        };
        Some(Self { start, total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_forms_parse() {
        assert_eq!(
            ContentRange::parse("bytes 0-0/52428800"),
            Some(ContentRange {
                start: Some(0),
                total: Some(52_428_800)
            })
        );
        assert_eq!(
            ContentRange::parse("bytes 100-199/*"),
            Some(ContentRange {
                start: Some(100),
                total: None
            })
        );
        assert_eq!(
            ContentRange::parse("bytes */1234"),
            Some(ContentRange {
                start: None,
                total: Some(1234)
            })
        );
    }

    #[test]
    fn garbage_is_none() {
        for raw in [
            "",
            "bytes",
            "items 0-1/2",
            "bytes 5-1/9",
            "bytes a-b/c",
            "bytes 0-1/x",
        ] {
            assert_eq!(ContentRange::parse(raw), None, "{raw}");
        }
    }
}
