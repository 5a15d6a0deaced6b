//! Published AES-256-GCM vectors, run through the envelope code with the nonce pinned, so a
//! wrong byte order or a mixed-up AAD would show against an independent implementation.

use super::*;
use crate::envelope::{Envelope, VERSION};
use crate::key_text::decode_hex;

struct Vector {
    key: &'static str,
    nonce: &'static str,
    aad: &'static str,
    plaintext: &'static str,
    ciphertext: &'static str,
    tag: &'static str,
}

/// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", as submitted to NIST,
/// Appendix B, Test Case 16 (AES-256, 96-bit IV, 60-byte plaintext, 20-byte AAD).
const GCM_SPEC_CASE_16: Vector = Vector {
    key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
    nonce: "cafebabefacedbaddecaf888",
    aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
    plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
                1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
                 8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
    tag: "76fc6ece0f4e1768cddf8853bb2d551b",
};

/// NIST CAVP GCMVS, AES-256 encryption, [Keylen = 256] [IVlen = 96] [PTlen = 128]
/// [AADlen = 160] [Taglen = 128], Count = 0.
const CAVP_ENCRYPT_256: Vector = Vector {
    key: "83688deb4af8007f9b713b47cfa6c73e35ea7a3aa4ecdb414dded03bf7a0fd3a",
    nonce: "0b459724904e010a46901cf3",
    aad: "794a14ccd178c8ebfd1379dc704c5e208f9d8424",
    plaintext: "33d893a2114ce06fc15d55e454cf90c3",
    ciphertext: "cc66bee423e3fcd4c0865715e9586696",
    tag: "0fb291bd3dba94a1dfd8b286cfb97ac5",
};

fn hex(text: &str) -> Vec<u8> {
    decode_hex(text).unwrap().to_vec()
}

fn check(vector: &Vector, key_id: u8) {
    let key = TokenKey::from_bytes(key_id, hex(vector.key).try_into().unwrap()).unwrap();
    let nonce: [u8; NONCE_LEN] = hex(vector.nonce).try_into().unwrap();
    let aad = hex(vector.aad);
    let plaintext = hex(vector.plaintext);

    let mut expected = vec![VERSION, key_id];
    expected.extend(&nonce);
    expected.extend(hex(vector.ciphertext));
    expected.extend(hex(vector.tag));

    let sealed = seal_with_nonce(&key, VERSION, nonce, &plaintext, &aad).unwrap();
    assert_eq!(sealed.as_bytes(), expected.as_slice());

    let envelope = Envelope::parse(&expected).unwrap();
    assert_eq!(
        open(&key, &envelope, &aad).unwrap().as_slice(),
        plaintext.as_slice()
    );
    assert_eq!(
        open(&key, &envelope, b"another row").unwrap_err(),
        CipherError::Undecryptable
    );
}

#[test]
fn gcm_spec_test_case_16() {
    check(&GCM_SPEC_CASE_16, 1);
}

#[test]
fn nist_cavp_encrypt_vector() {
    check(&CAVP_ENCRYPT_256, 200);
}
