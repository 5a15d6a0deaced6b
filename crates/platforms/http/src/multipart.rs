//! `multipart/form-data` bodies for chunked uploads, built by hand: reqwest's multipart
//! feature would pull in more for a few text fields and one binary part.

/// A `multipart/form-data` body: the text `fields` in order, then `file_field` holding
/// `bytes` as `application/octet-stream`. Returns the `Content-Type` (with its boundary) and
/// the body. The boundary is checked against the bytes and the fields, so nothing inside a
/// part can end it early.
pub fn multipart_form(
    fields: &[(&str, &str)],
    file_field: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let mut salt = 0_u32;
    let boundary = loop {
        let candidate = format!("socialpub-upload-{salt}-7f3a9c2e41b6d8");
        let clashes = contains(bytes, candidate.as_bytes())
            || fields
                .iter()
                .any(|(_, value)| contains(value.as_bytes(), candidate.as_bytes()));
        if !clashes {
            break candidate;
        }
        salt += 1;
    };
    let mut body = Vec::with_capacity(bytes.len() + 160 * (fields.len() + 1));
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"blob\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_first_and_the_file_keeps_its_bytes() {
        let (content_type, body) =
            multipart_form(&[("a", "1"), ("b", "two")], "file", b"\x00\xffbytes");
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        let a = text.find("name=\"a\"\r\n\r\n1\r\n").unwrap();
        let b = text.find("name=\"b\"\r\n\r\ntwo\r\n").unwrap();
        let file = text.find("name=\"file\"; filename=\"blob\"").unwrap();
        assert!(a < b && b < file);
        assert!(body.windows(7).any(|w| w == b"\x00\xffbytes"));
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    }

    #[test]
    fn a_boundary_found_in_the_bytes_is_not_used() {
        let (first, _) = multipart_form(&[], "file", b"x");
        let boundary = first
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap()
            .to_owned();
        let (second, _) = multipart_form(&[], "file", boundary.as_bytes());
        assert!(!second.ends_with(&boundary));
    }
}
