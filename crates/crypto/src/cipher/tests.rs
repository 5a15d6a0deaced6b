use super::*;
use crate::envelope::{BODY_START, MIN_LEN, TAG_LEN, VERSION};
use crate::key::TokenKey;

const ROW: &[u8] = b"conn_0195f2c4-1111-7000-8000-000000000001";
const OTHER_ROW: &[u8] = b"conn_0195f2c4-1111-7000-8000-000000000002";
const TOKEN: &str = "EAAB-access-token-ünïcode-✓";

fn key(id: u8) -> TokenKey {
    TokenKey::from_bytes(id, [id.wrapping_mul(31).wrapping_add(7); 32]).unwrap()
}

fn cipher(ids: &[u8]) -> AesGcmTokenCipher {
    AesGcmTokenCipher::new(KeyRing::new(ids.iter().map(|&id| key(id))).unwrap())
}

fn seal(cipher: &AesGcmTokenCipher, plaintext: &str) -> EncryptedToken {
    cipher.seal(&SecretString::new(plaintext), ROW).unwrap()
}

fn open(cipher: &AesGcmTokenCipher, bytes: Vec<u8>) -> Result<SecretString, CipherError> {
    cipher.open(&EncryptedToken::from_bytes(bytes), ROW)
}

#[test]
fn round_trip() {
    let cipher = cipher(&[1]);
    for plaintext in [TOKEN, "", "x", &"long".repeat(1000)] {
        let sealed = seal(&cipher, plaintext);
        assert_eq!(cipher.open(&sealed, ROW).unwrap().expose(), plaintext);
    }
}

#[test]
fn envelope_layout() {
    let cipher = cipher(&[1, 6]);
    let sealed = seal(&cipher, TOKEN);
    let bytes = sealed.as_bytes();
    assert_eq!(bytes[0], VERSION);
    assert_eq!(bytes[1], 6, "the newest key seals");
    assert_eq!(bytes.len(), BODY_START + TOKEN.len() + TAG_LEN);
    assert!(!bytes.windows(10).any(|w| TOKEN.as_bytes().starts_with(w)));
}

#[test]
fn two_seals_of_one_plaintext_differ() {
    let cipher = cipher(&[1]);
    let a = seal(&cipher, TOKEN);
    let b = seal(&cipher, TOKEN);
    assert_ne!(a, b);
    assert_ne!(
        a.as_bytes()[2..BODY_START],
        b.as_bytes()[2..BODY_START],
        "nonces differ"
    );
}

#[test]
fn another_rows_associated_data_fails() {
    let cipher = cipher(&[1]);
    let sealed = seal(&cipher, TOKEN);
    assert_eq!(
        cipher.open(&sealed, OTHER_ROW).unwrap_err(),
        CipherError::Undecryptable
    );
    assert_eq!(
        cipher.open(&sealed, b"").unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn every_single_bit_flip_fails() {
    let cipher = cipher(&[1]);
    let sealed = seal(&cipher, TOKEN).into_bytes();
    for byte in 0..sealed.len() {
        for bit in 0..8 {
            let mut flipped = sealed.clone();
            flipped[byte] ^= 1 << bit;
            let err = open(&cipher, flipped).unwrap_err();
            // A flip in the key id byte names a key that is not loaded.
            let expected = if byte == 1 {
                CipherError::UnknownKey(1 ^ (1 << bit))
            } else {
                CipherError::Undecryptable
            };
            assert_eq!(err, expected, "byte {byte} bit {bit}");
        }
    }
}

#[test]
fn truncation_at_every_length_fails() {
    let cipher = cipher(&[1]);
    for plaintext in [TOKEN, ""] {
        let sealed = seal(&cipher, plaintext).into_bytes();
        for len in 0..sealed.len() {
            assert_eq!(
                open(&cipher, sealed[..len].to_vec()).unwrap_err(),
                CipherError::Undecryptable,
                "length {len}"
            );
        }
    }
}

#[test]
fn appended_bytes_fail() {
    let cipher = cipher(&[1]);
    let mut sealed = seal(&cipher, TOKEN).into_bytes();
    sealed.push(0);
    assert_eq!(
        open(&cipher, sealed).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn unknown_key_id() {
    let sealed = seal(&cipher(&[5]), TOKEN);
    let err = cipher(&[1, 2]).open(&sealed, ROW).unwrap_err();
    assert_eq!(err, CipherError::UnknownKey(5));
    assert!(err.to_string().contains('5'));
}

#[test]
fn same_id_other_key_fails() {
    let sealed = seal(&cipher(&[1]), TOKEN);
    let impostor = AesGcmTokenCipher::new(KeyRing::single(
        TokenKey::from_bytes(1, [0xaa; 32]).unwrap(),
    ));
    assert_eq!(
        impostor.open(&sealed, ROW).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn other_versions_fail() {
    let cipher = cipher(&[1]);
    let mut sealed = seal(&cipher, TOKEN).into_bytes();
    sealed[0] = 0x02;
    assert_eq!(
        open(&cipher, sealed).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn authentic_non_utf8_is_undecryptable() {
    let cipher = cipher(&[1]);
    let sealed =
        aead::seal_with_nonce(cipher.keys().newest(), [9; 12], &[0xff, 0xfe], ROW).unwrap();
    assert_eq!(
        cipher.open(&sealed, ROW).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn rotation() {
    let old = cipher(&[1]);
    let sealed = seal(&old, TOKEN);
    assert!(!old.needs_reseal(&sealed));

    let both = cipher(&[1, 2]);
    assert_eq!(both.open(&sealed, ROW).unwrap().expose(), TOKEN);
    assert!(both.needs_reseal(&sealed));

    let resealed = both.reseal(&sealed, ROW).unwrap();
    assert_eq!(resealed.as_bytes()[1], 2);
    assert!(!both.needs_reseal(&resealed));

    let new_only = cipher(&[2]);
    assert_eq!(new_only.open(&resealed, ROW).unwrap().expose(), TOKEN);
    assert_eq!(
        new_only.open(&sealed, ROW).unwrap_err(),
        CipherError::UnknownKey(1)
    );
    // The row binding survives the move to the new key.
    assert_eq!(
        new_only.open(&resealed, OTHER_ROW).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn reseal_needs_the_right_row() {
    let both = cipher(&[1, 2]);
    let sealed = seal(&cipher(&[1]), TOKEN);
    assert_eq!(
        both.reseal(&sealed, OTHER_ROW).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn malformed_and_unknown_tokens_need_reseal() {
    let cipher = cipher(&[1, 2]);
    assert!(cipher.needs_reseal(&EncryptedToken::from_bytes(vec![])));
    assert!(cipher.needs_reseal(&EncryptedToken::from_bytes(vec![VERSION, 2])));
    let mut unknown = seal(&cipher, TOKEN).into_bytes();
    unknown[1] = 9;
    assert!(cipher.needs_reseal(&EncryptedToken::from_bytes(unknown)));
    let mut future = seal(&cipher, TOKEN).into_bytes();
    future[0] = 0x02;
    assert!(cipher.needs_reseal(&EncryptedToken::from_bytes(future)));
    let shortest = seal(&cipher, "").into_bytes();
    assert_eq!(shortest.len(), MIN_LEN);
    assert!(!cipher.needs_reseal(&EncryptedToken::from_bytes(shortest)));
}

#[test]
fn debug_never_shows_key_material() {
    const CANARY: [u8; 32] = *b"CANARY-CIPHER-MATERIAL-7f3a-7f3a";
    let key = TokenKey::from_bytes(3, CANARY).unwrap();
    let config = key.to_config_string();
    let base64 = config
        .expose()
        .split_once(':')
        .map(|(_, b)| b.to_owned())
        .unwrap();
    let cipher = AesGcmTokenCipher::new(KeyRing::single(key));
    let debug = format!("{cipher:?} {cipher:#?}");
    assert!(debug.contains("newest: 3"), "{debug}");
    assert!(!debug.contains("CANARY"), "{debug}");
    assert!(!debug.contains(&base64[..16]), "{debug}");
    assert!(!debug.contains("67, 65, 78"), "{debug}");
}

#[test]
fn usable_as_a_shared_port() {
    let port: std::sync::Arc<dyn TokenCipher> = std::sync::Arc::new(cipher(&[1]));
    let sealed = port.seal(&SecretString::new(TOKEN), ROW).unwrap();
    assert_eq!(port.open(&sealed, ROW).unwrap().expose(), TOKEN);
}

#[cfg(feature = "testing")]
#[test]
fn the_testing_cipher_works() {
    let cipher = AesGcmTokenCipher::for_testing().unwrap();
    let sealed = seal(&cipher, TOKEN);
    assert_eq!(cipher.open(&sealed, ROW).unwrap().expose(), TOKEN);
}
