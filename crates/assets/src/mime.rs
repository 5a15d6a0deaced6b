/// The media type in a `Content-Type` value, lower-cased and without parameters.
///
/// Generic "some bytes" types (`application/octet-stream` and friends, as object stores send
/// for files uploaded without a type) say nothing about the asset, so they count as no type at
/// all and the type is sniffed from the file instead.
pub(crate) fn media_type(content_type: &str) -> Option<String> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let generic = matches!(
        essence.as_str(),
        "" | "application/octet-stream" | "binary/octet-stream" | "application/binary"
    );
    (!generic && essence.contains('/')).then_some(essence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_case_are_dropped() {
        assert_eq!(
            media_type("Image/PNG; charset=binary").as_deref(),
            Some("image/png")
        );
        assert_eq!(media_type(" video/mp4 ").as_deref(), Some("video/mp4"));
    }

    #[test]
    fn generic_or_broken_types_are_unknown() {
        for raw in [
            "",
            "application/octet-stream",
            "binary/octet-stream",
            "png",
            ";x=y",
        ] {
            assert_eq!(media_type(raw), None, "{raw}");
        }
    }
}
