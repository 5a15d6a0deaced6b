use socialpub_domain::ConnectionId;

use super::*;
use crate::envelope::{BODY_START, MIN_LEN, TAG_LEN, VERSION, VERSION_CONNECTION_ONLY};
use crate::key::TokenKey;

const TOKEN: &str = "EAAB-access-token-ünïcode-✓";

fn connection(n: u8) -> ConnectionId {
    format!("0195f2c4-1111-7000-8000-0000000000{n:02x}")
        .parse()
        .unwrap()
}

fn row() -> TokenSlot {
    TokenSlot::access(connection(1))
}

fn other_row() -> TokenSlot {
    TokenSlot::access(connection(2))
}

fn key(id: u8) -> TokenKey {
    TokenKey::from_bytes(id, [id.wrapping_mul(31).wrapping_add(7); 32]).unwrap()
}

fn cipher(ids: &[u8]) -> AesGcmTokenCipher {
    AesGcmTokenCipher::new(KeyRing::new(ids.iter().map(|&id| key(id))).unwrap())
}

fn seal(cipher: &AesGcmTokenCipher, plaintext: &str) -> EncryptedToken {
    cipher.seal(&SecretString::new(plaintext), row()).unwrap()
}

fn open(cipher: &AesGcmTokenCipher, bytes: Vec<u8>) -> Result<SecretString, CipherError> {
    cipher.open(&EncryptedToken::from_bytes(bytes), row())
}

#[test]
fn round_trip() {
    let cipher = cipher(&[1]);
    for plaintext in [TOKEN, "", "x", &"long".repeat(1000)] {
        let sealed = seal(&cipher, plaintext);
        assert_eq!(cipher.open(&sealed, row()).unwrap().expose(), plaintext);
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
fn another_rows_token_fails() {
    let cipher = cipher(&[1]);
    let sealed = seal(&cipher, TOKEN);
    assert_eq!(
        cipher.open(&sealed, other_row()).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn a_rows_access_and_refresh_tokens_cannot_be_swapped() {
    let cipher = cipher(&[1]);
    let id = connection(1);
    let access = cipher
        .seal(&SecretString::new("access"), TokenSlot::access(id))
        .unwrap();
    let refresh = cipher
        .seal(&SecretString::new("refresh"), TokenSlot::refresh(id))
        .unwrap();
    assert_eq!(
        cipher.open(&access, TokenSlot::refresh(id)).unwrap_err(),
        CipherError::Undecryptable
    );
    assert_eq!(
        cipher.open(&refresh, TokenSlot::access(id)).unwrap_err(),
        CipherError::Undecryptable
    );
    assert_eq!(
        cipher
            .open(&refresh, TokenSlot::refresh(id))
            .unwrap()
            .expose(),
        "refresh"
    );
}

/// A token as sealed before the column was bound: version 1, the connection id alone as
/// associated data.
fn seal_connection_only(
    cipher: &AesGcmTokenCipher,
    id: ConnectionId,
    plaintext: &str,
) -> EncryptedToken {
    aead::seal_with_nonce(
        cipher.keys().newest(),
        VERSION_CONNECTION_ONLY,
        [3; 12],
        plaintext.as_bytes(),
        id.as_uuid().as_bytes(),
    )
    .unwrap()
}

#[test]
fn connection_only_tokens_still_open_and_are_resealed_bound_to_their_column() {
    let cipher = cipher(&[1]);
    let id = connection(1);
    let old = seal_connection_only(&cipher, id, TOKEN);
    assert_eq!(old.as_bytes()[0], VERSION_CONNECTION_ONLY);
    assert_eq!(
        cipher.open(&old, TokenSlot::access(id)).unwrap().expose(),
        TOKEN
    );
    assert_eq!(
        cipher
            .open(&old, TokenSlot::access(connection(2)))
            .unwrap_err(),
        CipherError::Undecryptable,
        "the row binding held in version 1 too"
    );
    assert!(
        cipher.needs_reseal(&old),
        "same key, older binding: rotate-keys must move it"
    );

    let resealed = cipher.reseal(&old, TokenSlot::access(id)).unwrap();
    assert_eq!(resealed.as_bytes()[0], VERSION);
    assert!(!cipher.needs_reseal(&resealed));
    assert_eq!(
        cipher
            .open(&resealed, TokenSlot::access(id))
            .unwrap()
            .expose(),
        TOKEN
    );
    assert_eq!(
        cipher.open(&resealed, TokenSlot::refresh(id)).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn a_current_token_relabelled_as_version_1_does_not_open() {
    let cipher = cipher(&[1]);
    let mut downgraded = seal(&cipher, TOKEN).into_bytes();
    downgraded[0] = VERSION_CONNECTION_ONLY;
    assert_eq!(
        open(&cipher, downgraded).unwrap_err(),
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
    let err = cipher(&[1, 2]).open(&sealed, row()).unwrap_err();
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
        impostor.open(&sealed, row()).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn other_versions_fail() {
    let cipher = cipher(&[1]);
    let mut sealed = seal(&cipher, TOKEN).into_bytes();
    sealed[0] = 0x03;
    assert_eq!(
        open(&cipher, sealed).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn authentic_non_utf8_is_undecryptable() {
    let cipher = cipher(&[1]);
    let aad = associated_data(VERSION, row()).unwrap();
    let sealed = aead::seal_with_nonce(
        cipher.keys().newest(),
        VERSION,
        [9; 12],
        &[0xff, 0xfe],
        &aad,
    )
    .unwrap();
    assert_eq!(
        cipher.open(&sealed, row()).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn rotation() {
    let old = cipher(&[1]);
    let sealed = seal(&old, TOKEN);
    assert!(!old.needs_reseal(&sealed));

    let both = cipher(&[1, 2]);
    assert_eq!(both.open(&sealed, row()).unwrap().expose(), TOKEN);
    assert!(both.needs_reseal(&sealed));

    let resealed = both.reseal(&sealed, row()).unwrap();
    assert_eq!(resealed.as_bytes()[1], 2);
    assert!(!both.needs_reseal(&resealed));

    let new_only = cipher(&[2]);
    assert_eq!(new_only.open(&resealed, row()).unwrap().expose(), TOKEN);
    assert_eq!(
        new_only.open(&sealed, row()).unwrap_err(),
        CipherError::UnknownKey(1)
    );
    // The row binding survives the move to the new key.
    assert_eq!(
        new_only.open(&resealed, other_row()).unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn reseal_needs_the_right_row() {
    let both = cipher(&[1, 2]);
    let sealed = seal(&cipher(&[1]), TOKEN);
    assert_eq!(
        both.reseal(&sealed, other_row()).unwrap_err(),
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
    future[0] = 0x03;
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
    let sealed = port.seal(&SecretString::new(TOKEN), row()).unwrap();
    assert_eq!(port.open(&sealed, row()).unwrap().expose(), TOKEN);
}

#[cfg(feature = "testing")]
#[test]
fn the_testing_cipher_works() {
    let cipher = AesGcmTokenCipher::for_testing().unwrap();
    let sealed = seal(&cipher, TOKEN);
    assert_eq!(cipher.open(&sealed, row()).unwrap().expose(), TOKEN);
}
