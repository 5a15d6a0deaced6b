//! The text form of a key, as it sits in configuration: `<id>:<base64>`, a bare base64 key
//! (id 1), or either with 64 hex digits instead of base64.
//!
//! Kept apart from [`crate::TokenKey`] so the parsing rules can be read (and tested) in one
//! place. Every buffer that held key bytes is zeroized when dropped.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::Zeroizing;

use crate::key::KEY_LEN;
use crate::key_error::KeyError;

/// The id a key written without one gets: a deployment that starts with a single bare key and
/// later adds `2:<key>` rotates without editing the first.
pub(crate) const DEFAULT_KEY_ID: u8 = 1;

/// Standard alphabet, padding optional: `openssl rand -base64 32` pads, some tools don't.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Splits `text` into a key id and 32 key bytes.
pub(crate) fn parse(text: &str) -> Result<(u8, Zeroizing<[u8; KEY_LEN]>), KeyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    let (id, material) = match text.split_once(':') {
        Some((id, material)) => (parse_id(id)?, material.trim()),
        None => (DEFAULT_KEY_ID, text),
    };
    if material.is_empty() {
        return Err(KeyError::Empty);
    }
    let bytes = decode_material(material)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if bytes.len() != KEY_LEN {
        return Err(KeyError::WrongLength { bytes: bytes.len() });
    }
    key.copy_from_slice(&bytes);
    Ok((id, key))
}

/// The canonical form, `<id>:<padded standard base64>`, which [`parse`] reads back.
pub(crate) fn format(id: u8, key: &[u8; KEY_LEN]) -> Zeroizing<String> {
    let encoded = Zeroizing::new(BASE64.encode(key));
    Zeroizing::new(format!("{id}:{}", encoded.as_str()))
}

fn parse_id(id: &str) -> Result<u8, KeyError> {
    let id = id.trim();
    // `u8::from_str` also takes a leading '+'; an id is plain digits.
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(KeyError::InvalidId);
    }
    id.parse().map_err(|_| KeyError::InvalidId)
}

/// 64 hex digits are read as hex. Base64 of 32 bytes is 43 or 44 characters, so the two forms
/// never overlap for a key of the right length.
fn decode_material(material: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if material.len() == 2 * KEY_LEN
        && let Some(bytes) = decode_hex(material)
    {
        return Ok(bytes);
    }
    BASE64
        .decode(material)
        .map(Zeroizing::new)
        .map_err(|_| KeyError::NotEncoded)
}

/// Hex to bytes, `None` unless every character is a hex digit and there is an even number.
pub(crate) fn decode_hex(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(text.len() / 2));
    for pair in text.as_bytes().chunks_exact(2) {
        let high = hex_digit(pair[0])?;
        let low = hex_digit(pair[1])?;
        bytes.push(high << 4 | low);
    }
    Some(bytes)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; KEY_LEN] = *b"0123456789abcdef0123456789abcdef";
    const KEY_B64: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    const KEY_HEX: &str = "3031323334353637383961626364656630313233343536373839616263646566";

    fn parsed(text: &str) -> (u8, [u8; KEY_LEN]) {
        let (id, key) = parse(text).unwrap();
        (id, *key)
    }

    #[test]
    fn id_and_base64() {
        assert_eq!(parsed(&format!("7:{KEY_B64}")), (7, KEY));
        assert_eq!(parsed(&format!(" 255 : {KEY_B64} ")), (255, KEY));
        assert_eq!(parsed(&format!("0:{KEY_B64}")), (0, KEY));
    }

    #[test]
    fn bare_base64_is_id_one() {
        assert_eq!(parsed(KEY_B64), (1, KEY));
    }

    #[test]
    fn padding_is_optional() {
        assert_eq!(parsed(KEY_B64.trim_end_matches('=')), (1, KEY));
    }

    #[test]
    fn hex_with_and_without_id() {
        assert_eq!(parsed(KEY_HEX), (1, KEY));
        assert_eq!(parsed(&format!("3:{}", KEY_HEX.to_uppercase())), (3, KEY));
    }

    #[test]
    fn format_reads_back() {
        let text = format(9, &KEY);
        assert_eq!(text.as_str(), format!("9:{KEY_B64}"));
        assert_eq!(parsed(&text), (9, KEY));
    }

    #[test]
    fn empty_text_or_material() {
        assert_eq!(parse("").unwrap_err(), KeyError::Empty);
        assert_eq!(parse("   ").unwrap_err(), KeyError::Empty);
        assert_eq!(parse("2:").unwrap_err(), KeyError::Empty);
    }

    #[test]
    fn bad_ids() {
        for id in ["", "x", "256", "-1", "+1", "1.0", "0x1"] {
            assert_eq!(
                parse(&format!("{id}:{KEY_B64}")).unwrap_err(),
                KeyError::InvalidId,
                "id {id:?}"
            );
        }
    }

    #[test]
    fn not_base64_nor_hex() {
        assert_eq!(parse("1:not base64!").unwrap_err(), KeyError::NotEncoded);
        // 64 characters, but not all hex and not valid base64 either.
        let almost_hex = format!("{}zz", &KEY_HEX[..62]);
        assert_eq!(
            parse(&almost_hex).unwrap_err(),
            KeyError::WrongLength { bytes: 48 }
        );
        assert_eq!(parse(&"*".repeat(64)).unwrap_err(), KeyError::NotEncoded);
    }

    #[test]
    fn wrong_lengths() {
        assert_eq!(
            parse("AAAAAAAAAAAAAAAAAAAAAA==").unwrap_err(),
            KeyError::WrongLength { bytes: 16 }
        );
        assert_eq!(
            parse(&format!("1:{}", &KEY_HEX[..60])).unwrap_err(),
            KeyError::WrongLength { bytes: 45 }
        );
    }

    #[test]
    fn hex_decoding() {
        assert_eq!(decode_hex("00ff7A").unwrap().as_slice(), &[0, 255, 0x7a]);
        assert!(decode_hex("abc").is_none());
        assert!(decode_hex("0g").is_none());
    }
}
