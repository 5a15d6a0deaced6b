//! What a sealed token is bound to: the associated data authenticated with it, by envelope
//! version.
//!
//! Version 1 bound the connection id only, so a row's access and refresh tokens could be
//! swapped in the database without either failing to open. Version 2 adds the column name,
//! and its own version byte so a ciphertext cannot be passed off as another version.

use socialpub_ports::{CipherError, TokenSlot};

use crate::envelope::{VERSION, VERSION_CONNECTION_ONLY};

/// The associated data of a token in `slot` sealed as `version`.
pub(crate) fn associated_data(version: u8, slot: TokenSlot) -> Result<Vec<u8>, CipherError> {
    let connection = slot.connection.as_uuid().as_bytes();
    match version {
        VERSION_CONNECTION_ONLY => Ok(connection.to_vec()),
        // The connection id has a fixed length, so the field name after it is unambiguous.
        VERSION => {
            let field = slot.field.as_str().as_bytes();
            let mut data = Vec::with_capacity(1 + connection.len() + field.len());
            data.push(VERSION);
            data.extend_from_slice(connection);
            data.extend_from_slice(field);
            Ok(data)
        }
        _ => Err(CipherError::Undecryptable),
    }
}

#[cfg(test)]
mod tests {
    use socialpub_domain::ConnectionId;

    use super::*;

    #[test]
    fn each_column_of_a_row_has_its_own_binding_and_version_1_had_one_for_both() {
        let id: ConnectionId = "0195f2c4-1111-7000-8000-000000000001".parse().unwrap();
        let access = associated_data(VERSION, TokenSlot::access(id)).unwrap();
        let refresh = associated_data(VERSION, TokenSlot::refresh(id)).unwrap();
        assert_ne!(access, refresh);
        assert_eq!(access[0], VERSION);
        assert!(access.ends_with(b"access_token"));
        assert_eq!(
            associated_data(VERSION_CONNECTION_ONLY, TokenSlot::access(id)).unwrap(),
            associated_data(VERSION_CONNECTION_ONLY, TokenSlot::refresh(id)).unwrap()
        );
        assert_eq!(
            associated_data(0x09, TokenSlot::access(id)).unwrap_err(),
            CipherError::Undecryptable
        );
    }
}
