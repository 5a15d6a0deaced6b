use super::*;
use crate::key_error::KeyError;

const CANARY: [u8; 32] = *b"CANARY-RING-MATERIAL-7f3a-7f3a-7";

fn key(id: u8) -> TokenKey {
    TokenKey::from_bytes(id, [id; 32]).unwrap()
}

fn text(id: u8) -> String {
    key(id).to_config_string().expose().to_owned()
}

fn ids(ring: &KeyRing) -> Vec<u8> {
    ring.ids().collect()
}

#[test]
fn the_highest_id_is_the_newest_whatever_the_order() {
    let ring = KeyRing::new([key(3), key(9), key(1)]).unwrap();
    assert_eq!(ring.newest().id(), 9);
    assert_eq!(ids(&ring), [1, 3, 9]);
    assert_eq!(ring.len(), 3);
    assert!(!ring.is_empty());
    assert_eq!(ring.get(3).map(TokenKey::id), Some(3));
    assert_eq!(ring.get(9).map(TokenKey::id), Some(9));
    assert!(ring.get(2).is_none());
}

#[test]
fn a_single_key_ring() {
    let ring = KeyRing::new([key(0)]).unwrap();
    assert_eq!(ring.newest().id(), 0);
    assert_eq!(ring.len(), 1);
}

#[test]
fn empty_ring_is_an_error() {
    assert_eq!(KeyRing::new([]).unwrap_err(), KeyRingError::Empty);
    assert_eq!(
        KeyRing::from_config(None, None).unwrap_err(),
        KeyRingError::Empty
    );
    assert_eq!(
        KeyRing::from_config(Some(" ,\n, "), Some("  ")).unwrap_err(),
        KeyRingError::Empty
    );
    assert!(
        KeyRingError::Empty
            .to_string()
            .contains("AES_ENCRYPTION_KEY")
    );
}

#[test]
fn duplicate_ids_are_an_error() {
    assert_eq!(
        KeyRing::new([key(2), key(5), key(2)]).unwrap_err(),
        KeyRingError::DuplicateId(2)
    );
    // Across the two settings too: a bare single key is id 1.
    let bare = text(1).split_once(':').map(|(_, b)| b.to_owned()).unwrap();
    assert_eq!(
        KeyRing::from_config(Some(&text(1)), Some(&bare)).unwrap_err(),
        KeyRingError::DuplicateId(1)
    );
}

#[test]
fn list_separated_by_commas_and_whitespace() {
    let list = format!("{}, {}\n\t{},,{} ", text(1), text(2), text(4), text(3));
    let ring = KeyRing::from_config(Some(&list), None).unwrap();
    assert_eq!(ids(&ring), [1, 2, 3, 4]);
    assert_eq!(ring.newest().id(), 4);
}

#[test]
fn single_and_list_combine() {
    let bare = text(1).split_once(':').map(|(_, b)| b.to_owned()).unwrap();
    let ring = KeyRing::from_config(Some(&text(2)), Some(&bare)).unwrap();
    assert_eq!(ids(&ring), [1, 2]);
    let ring = KeyRing::from_config(None, Some(&text(7))).unwrap();
    assert_eq!(ids(&ring), [7]);
}

#[test]
fn a_bad_entry_names_its_setting_and_position() {
    let list = format!("{},2:short,{}", text(1), text(3));
    let err = KeyRing::from_config(Some(&list), None).unwrap_err();
    assert_eq!(
        err,
        KeyRingError::InvalidKey {
            setting: "AES_ENCRYPTION_KEYS",
            position: 2,
            source: KeyError::NotEncoded,
        }
    );
    assert!(
        err.to_string().starts_with("AES_ENCRYPTION_KEYS, key 2: "),
        "{err}"
    );
    assert!(!err.to_string().contains("short"), "{err}");

    let err = KeyRing::from_config(None, Some("x:AAAA")).unwrap_err();
    assert!(
        err.to_string().starts_with("AES_ENCRYPTION_KEY, key 1: "),
        "{err}"
    );
}

#[test]
fn debug_shows_ids_not_keys() {
    let ring = KeyRing::new([key(1), TokenKey::from_bytes(2, CANARY).unwrap()]).unwrap();
    let debug = format!("{ring:?} {ring:#?}");
    assert!(debug.contains("newest: 2"), "{debug}");
    assert!(!debug.contains("CANARY"), "{debug}");
    let config = TokenKey::from_bytes(2, CANARY).unwrap().to_config_string();
    let base64 = config
        .expose()
        .split_once(':')
        .map(|(_, b)| b.to_owned())
        .unwrap();
    assert!(!debug.contains(&base64[..16]), "{debug}");
    assert!(!debug.contains("67, 65, 78"), "{debug}"); // "CAN" as Debug bytes
}
