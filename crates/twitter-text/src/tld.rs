//! The top-level domains twitter-text recognises, kept as data files.
//!
//! Without a protocol, `example.com` is a link but `file.txt` is not: the list is what tells
//! them apart, so it is taken from twitter-text as is rather than from the live root zone.

use std::sync::LazyLock;

use super::chars::is_tld_boundary;

const GENERIC: &str = include_str!("../data/tlds_generic.txt");
const COUNTRY: &str = include_str!("../data/tlds_country.txt");

/// Both lists of names as one trie of lowercase code points, each name marked with its list.
///
/// The matcher runs at every label of every URL candidate. Walking a trie reads each character
/// of the text once and stops as soon as no name continues (`Behind` stops at `beh`), where
/// looking every candidate length up in a set lowercased and hashed the same characters again
/// and again. One trie for both lists answers "a generic name, else a country name" in one
/// walk.
struct Tlds {
    /// `letters[node * 26 + i]`: the child of `node` under the letter `'a' + i`, or 0 (the root
    /// is no one's child). Names are mostly ASCII, so a step is one indexed load.
    letters: Vec<u16>,
    /// The children under any other character, sorted by it, for each node.
    others: Vec<Vec<(char, u16)>>,
    /// [`GENERIC`] and/or [`COUNTRY`] when a name of that list ends at the node.
    ends: Vec<u8>,
}

const GENERIC_NAME: u8 = 1;
const COUNTRY_NAME: u8 = 2;
const LETTERS: usize = 26;

impl Tlds {
    fn parse(lists: [(&str, u8); 2]) -> Self {
        let mut tlds = Self {
            letters: vec![0; LETTERS],
            others: vec![Vec::new()],
            ends: vec![0],
        };
        for (list, kind) in lists {
            let names = list
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with('#'));
            for name in names {
                let mut node = 0;
                for c in name.chars().flat_map(char::to_lowercase) {
                    node = tlds.child_or_insert(node, c);
                }
                if let Some(ends) = tlds.ends.get_mut(node) {
                    *ends |= kind;
                }
            }
        }
        tlds
    }

    fn child(&self, node: usize, c: char) -> Option<usize> {
        let child = match letter_index(c) {
            Some(letter) => *self.letters.get(node * LETTERS + letter)?,
            None => {
                let others = self.others.get(node)?;
                let at = others.binary_search_by_key(&c, |(key, _)| *key).ok()?;
                others.get(at)?.1
            }
        };
        (child != 0).then_some(usize::from(child))
    }

    fn child_or_insert(&mut self, node: usize, c: char) -> usize {
        if let Some(child) = self.child(node, c) {
            return child;
        }
        let child = self.ends.len();
        // The lists hold a few thousand nodes; a test finds every name, so an overflow here
        // could not go unnoticed.
        let Ok(key) = u16::try_from(child) else {
            return 0;
        };
        self.letters.extend([0; LETTERS]);
        self.others.push(Vec::new());
        self.ends.push(0);
        match letter_index(c) {
            Some(letter) => {
                if let Some(slot) = self.letters.get_mut(node * LETTERS + letter) {
                    *slot = key;
                }
            }
            None => {
                if let Some(others) = self.others.get_mut(node) {
                    let at = others.partition_point(|(other, _)| *other < c);
                    others.insert(at, (c, key));
                }
            }
        }
        child
    }

    /// The end of the longest generic name starting at `start` and followed by a boundary,
    /// else of the longest country name, compared without case.
    fn longest_match(&self, chars: &[char], start: usize) -> Option<usize> {
        let mut node = 0;
        let (mut generic, mut country) = (None, None);
        for (offset, c) in chars.get(start..)?.iter().enumerate() {
            let next = if c.is_ascii() {
                self.child(node, c.to_ascii_lowercase())
            } else {
                c.to_lowercase()
                    .try_fold(node, |node, lower| self.child(node, lower))
            };
            let Some(next) = next else {
                break;
            };
            node = next;
            let ends = self.ends.get(node).copied().unwrap_or(0);
            let end = start + offset + 1;
            if ends != 0 && is_tld_boundary(chars.get(end).copied()) {
                if ends & GENERIC_NAME != 0 {
                    generic = Some(end);
                }
                if ends & COUNTRY_NAME != 0 {
                    country = Some(end);
                }
            }
        }
        generic.or(country)
    }
}

fn letter_index(c: char) -> Option<usize> {
    c.is_ascii_lowercase().then(|| c as usize - 'a' as usize)
}

static TLDS: LazyLock<Tlds> =
    LazyLock::new(|| Tlds::parse([(GENERIC, GENERIC_NAME), (COUNTRY, COUNTRY_NAME)]));

/// Where a top-level domain starting at `start` ends: a generic one first, then a country
/// one, then a punycode label (`xn--…`), in twitter-text's order of preference.
pub(crate) fn match_tld(chars: &[char], start: usize) -> Option<usize> {
    TLDS.longest_match(chars, start)
        .or_else(|| match_punycode(chars, start))
}

fn match_punycode(chars: &[char], start: usize) -> Option<usize> {
    let prefix = chars.get(start..start + 4)?;
    let is_prefix = prefix
        .iter()
        .zip("xn--".chars())
        .all(|(c, p)| c.to_ascii_lowercase() == p);
    if !is_prefix {
        return None;
    }
    let body = chars
        .get(start + 4..)?
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '-')
        .count();
    (body > 0).then_some(start + 4 + body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tld_end(s: &str) -> Option<usize> {
        let chars: Vec<char> = s.chars().collect();
        match_tld(&chars, 0)
    }

    #[test]
    fn known_domains_match_up_to_a_boundary() {
        assert_eq!(tld_end("com"), Some(3));
        assert_eq!(tld_end("COM/path"), Some(3));
        assert_eq!(tld_end("comx"), None);
        assert_eq!(tld_end("jp"), Some(2));
        assert_eq!(tld_end("پاکستان/"), Some(7));
        assert_eq!(tld_end("xn--p1ai"), Some(8));
        assert_eq!(tld_end("txt"), None);
    }

    #[test]
    fn the_longest_match_wins_and_needs_a_boundary() {
        assert_eq!(tld_end("co.uk"), Some(2));
        assert_eq!(tld_end("community rocks"), Some(9));
        assert_eq!(tld_end("COMMUNITY"), Some(9));
        assert_eq!(tld_end("com-x"), None);
        assert_eq!(tld_end("com@x"), None);
    }

    #[test]
    fn every_listed_name_is_found_in_any_case() {
        for (list, kind) in [(GENERIC, GENERIC_NAME), (COUNTRY, COUNTRY_NAME)] {
            let names = list
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'));
            for name in names {
                for written in [name.to_owned(), name.to_uppercase()] {
                    let chars: Vec<char> = written.chars().collect();
                    assert_eq!(
                        TLDS.longest_match(&chars, 0),
                        Some(chars.len()),
                        "{written}"
                    );
                    let lower: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
                    let mut node = Some(0);
                    for c in lower {
                        node = node.and_then(|node| TLDS.child(node, c));
                    }
                    let ends = node.and_then(|node| TLDS.ends.get(node).copied());
                    assert!(ends.is_some_and(|ends| ends & kind != 0), "{name}");
                }
            }
        }
    }

    #[test]
    fn a_generic_name_wins_over_a_country_name_shorter_or_longer() {
        // No such pair is in the lists today; a non-ASCII character is a boundary, so `a`
        // ends a name inside `a字` as well.
        let chars: Vec<char> = "a字".chars().collect();
        let tlds = Tlds::parse([("a", GENERIC_NAME), ("a字", COUNTRY_NAME)]);
        assert_eq!(tlds.longest_match(&chars, 0), Some(1));
        let tlds = Tlds::parse([("a字", GENERIC_NAME), ("a", COUNTRY_NAME)]);
        assert_eq!(tlds.longest_match(&chars, 0), Some(2));
        let tlds = Tlds::parse([("b", GENERIC_NAME), ("a", COUNTRY_NAME)]);
        assert_eq!(tlds.longest_match(&chars, 0), Some(1));
    }
}
