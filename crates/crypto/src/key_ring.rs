//! The loaded keys. The newest (highest id) seals; every key opens, so tokens sealed before a
//! rotation stay readable until `socialpub rotate-keys` has re-sealed them.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;

use crate::key::TokenKey;
use crate::key_ring_error::{KEY_SETTING, KEYS_SETTING, KeyRingError};

/// A non-empty set of keys with distinct ids.
pub struct KeyRing {
    /// Held apart from the rest so "the newest" needs no lookup that could fail.
    newest: TokenKey,
    older: BTreeMap<u8, TokenKey>,
}

impl KeyRing {
    /// A ring of `keys`, in any order. Fails on an empty list or a repeated id.
    pub fn new(keys: impl IntoIterator<Item = TokenKey>) -> Result<Self, KeyRingError> {
        let mut by_id = BTreeMap::new();
        for key in keys {
            match by_id.entry(key.id()) {
                Entry::Occupied(_) => return Err(KeyRingError::DuplicateId(key.id())),
                Entry::Vacant(slot) => {
                    slot.insert(key);
                }
            }
        }
        let (_, newest) = by_id.pop_last().ok_or(KeyRingError::Empty)?;
        Ok(Self {
            newest,
            older: by_id,
        })
    }

    /// A ring of one key, which therefore seals too.
    pub fn single(key: TokenKey) -> Self {
        Self {
            newest: key,
            older: BTreeMap::new(),
        }
    }

    /// The ring that `AES_ENCRYPTION_KEYS` (`list`: keys separated by commas or whitespace) and
    /// `AES_ENCRYPTION_KEY` (`single`) describe together. Unset and blank mean the same.
    pub fn from_config(list: Option<&str>, single: Option<&str>) -> Result<Self, KeyRingError> {
        let listed = list
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .enumerate()
            .map(|(index, entry)| parse_entry(KEYS_SETTING, index + 1, entry));
        let single = single
            .filter(|text| !text.trim().is_empty())
            .map(|text| parse_entry(KEY_SETTING, 1, text));
        let keys = listed.chain(single).collect::<Result<Vec<_>, _>>()?;
        Self::new(keys)
    }

    /// The key that seals: the one with the highest id.
    pub fn newest(&self) -> &TokenKey {
        &self.newest
    }

    /// The key with this id, if loaded.
    pub fn get(&self, id: u8) -> Option<&TokenKey> {
        if id == self.newest.id() {
            Some(&self.newest)
        } else {
            self.older.get(&id)
        }
    }

    /// Every loaded key id, lowest first (so the newest is last).
    pub fn ids(&self) -> impl Iterator<Item = u8> + '_ {
        self.older.keys().copied().chain([self.newest.id()])
    }

    /// How many keys are loaded; never 0.
    pub fn len(&self) -> usize {
        self.older.len() + 1
    }

    /// Always false: an empty ring cannot be built. Here for the `len` convention.
    pub fn is_empty(&self) -> bool {
        false
    }
}

fn parse_entry(
    setting: &'static str,
    position: usize,
    text: &str,
) -> Result<TokenKey, KeyRingError> {
    text.parse().map_err(|source| KeyRingError::InvalidKey {
        setting,
        position,
        source,
    })
}

/// Ids only: which keys are loaded is useful in a log line, what they are never is.
impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("ids", &self.ids().collect::<Vec<_>>())
            .field("newest", &self.newest.id())
            .finish()
    }
}

#[cfg(test)]
mod tests;
