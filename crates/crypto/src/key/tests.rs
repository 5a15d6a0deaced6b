use super::*;

/// Recognisable bytes, so a leak in any encoding can be searched for.
const CANARY: [u8; KEY_LEN] = *b"CANARY-KEY-MATERIAL-7f3a-7f3a-7f";

/// True when `printed` shows the canary key in any of the ways it could slip out: raw text,
/// base64 (the config form), hex, or a byte-array Debug.
fn leaks(printed: &str) -> bool {
    let config = key_text::format(0, &CANARY);
    let base64 = config.split_once(':').map_or("", |(_, b)| b);
    let hex: String = CANARY.iter().map(|b| format!("{b:02x}")).collect();
    let bytes = format!("{:?}", &CANARY[..4]);
    printed.contains("CANARY")
        || printed.contains(&base64[..16])
        || printed.to_lowercase().contains(&hex[..16])
        || printed.contains(bytes.trim_end_matches(']'))
}

#[test]
fn debug_and_display_show_only_the_id() {
    let key = TokenKey::from_bytes(4, CANARY).unwrap();
    let debug = format!("{key:?}");
    let display = format!("{key}");
    assert!(debug.contains("id: 4"), "{debug}");
    assert!(display.contains('4'), "{display}");
    assert!(!leaks(&debug), "{debug}");
    assert!(!leaks(&format!("{key:#?}")));
    assert!(!leaks(&display), "{display}");
}

#[test]
fn config_string_reads_back_as_the_same_key() {
    let key = TokenKey::from_bytes(12, CANARY).unwrap();
    let text = key.to_config_string();
    assert!(text.expose().starts_with("12:"));
    // The returned secret is itself redacted when printed.
    assert!(!leaks(&format!("{text:?}")));
    let back: TokenKey = text.expose().parse().unwrap();
    assert_eq!(back.id(), 12);
    assert_eq!(*back.material, CANARY);
}

#[test]
fn generated_keys_are_random_and_keep_their_id() {
    let a = TokenKey::generate(3).unwrap();
    let b = TokenKey::generate(3).unwrap();
    assert_eq!(a.id(), 3);
    assert_ne!(*a.material, *b.material);
    assert_ne!(*a.material, [0u8; KEY_LEN]);
}

#[test]
fn parse_errors_never_echo_the_key() {
    let texts = [
        format!(
            "x:{}",
            key_text::format(0, &CANARY)
                .split_once(':')
                .map_or("", |p| p.1)
        ),
        "1:CANARY-not-base64".to_owned(),
        "Q0FOQVJZLUtFWS1NQVRFUklBTA==".to_owned(), // "CANARY-KEY-MATERIAL", too short
    ];
    for text in texts {
        let err = text.parse::<TokenKey>().unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!leaks(&shown), "{shown}");
        assert!(!shown.contains("Q0FOQVJZ"), "{shown}");
    }
}

#[test]
fn parse_error_names_the_problem() {
    let err = "1:AAAA".parse::<TokenKey>().unwrap_err();
    assert_eq!(err, KeyError::WrongLength { bytes: 3 });
    assert!(err.to_string().contains("32 bytes"), "{err}");
    assert!(err.to_string().contains("3 bytes"), "{err}");
}
