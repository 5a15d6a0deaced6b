//! The top-level domains twitter-text recognises, kept as data files.
//!
//! Without a protocol, `example.com` is a link but `file.txt` is not: the list is what tells
//! them apart, so it is taken from twitter-text as is rather than from the live root zone.

use std::sync::LazyLock;

use super::chars::is_tld_boundary;

const GENERIC: &str = include_str!("../data/tlds_generic.txt");
const COUNTRY: &str = include_str!("../data/tlds_country.txt");

/// One list of names as a trie of lowercase code points.
///
/// The matcher runs at every label of every URL candidate. Walking a trie reads each character
/// of the text once and stops as soon as no name continues (`Behind` stops at `beh`), where
/// looking every candidate length up in a set lowercased and hashed the same characters again
/// and again.
struct TldSet {
    nodes: Vec<Node>,
}

/// Children under `a`–`z` (all that ASCII names are made of) are found with a bit mask and a
/// population count, in constant time; the few others by a scan.
#[derive(Default)]
struct Node {
    /// Bit `i` set: a child under the letter `'a' + i`.
    letter_mask: u32,
    /// The children under letters, in the letters' order.
    letters: Vec<usize>,
    others: Vec<(char, usize)>,
    /// A name ends here.
    terminal: bool,
}

impl Node {
    fn child(&self, c: char) -> Option<usize> {
        match letter_bit(c) {
            Some(bit) => ((self.letter_mask & bit) != 0)
                .then(|| self.letters.get(self.letter_rank(bit)).copied())
                .flatten(),
            None => self
                .others
                .iter()
                .find(|(key, _)| *key == c)
                .map(|(_, child)| *child),
        }
    }

    /// How many letter children come before the one under `bit`.
    fn letter_rank(&self, bit: u32) -> usize {
        (self.letter_mask & (bit - 1)).count_ones() as usize
    }
}

fn letter_bit(c: char) -> Option<u32> {
    c.is_ascii_lowercase().then(|| 1 << (c as u32 - 'a' as u32))
}

impl TldSet {
    fn parse(list: &str) -> Self {
        let mut set = Self {
            nodes: vec![Node::default()],
        };
        let names = list
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'));
        for name in names {
            let mut node = 0;
            for c in name.chars().flat_map(char::to_lowercase) {
                node = set.child_or_insert(node, c);
            }
            if let Some(node) = set.nodes.get_mut(node) {
                node.terminal = true;
            }
        }
        set
    }

    fn child(&self, node: usize, c: char) -> Option<usize> {
        self.nodes.get(node)?.child(c)
    }

    fn child_or_insert(&mut self, node: usize, c: char) -> usize {
        if let Some(child) = self.child(node, c) {
            return child;
        }
        let child = self.nodes.len();
        self.nodes.push(Node::default());
        if let Some(parent) = self.nodes.get_mut(node) {
            match letter_bit(c) {
                Some(bit) => {
                    let at = parent.letter_rank(bit);
                    parent.letters.insert(at, child);
                    parent.letter_mask |= bit;
                }
                None => parent.others.push((c, child)),
            }
        }
        child
    }

    /// The end of the longest name of this set starting at `start` and followed by a boundary,
    /// compared without case.
    fn longest_match(&self, chars: &[char], start: usize) -> Option<usize> {
        let mut node = 0;
        let mut found = None;
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
            let end = start + offset + 1;
            let terminal = self.nodes.get(node).is_some_and(|n| n.terminal);
            if terminal && is_tld_boundary(chars.get(end).copied()) {
                found = Some(end);
            }
        }
        found
    }
}

static GENERIC_TLDS: LazyLock<TldSet> = LazyLock::new(|| TldSet::parse(GENERIC));
static COUNTRY_TLDS: LazyLock<TldSet> = LazyLock::new(|| TldSet::parse(COUNTRY));

/// Where a top-level domain starting at `start` ends: a generic one first, then a country
/// one, then a punycode label (`xn--…`), in twitter-text's order of preference.
pub(crate) fn match_tld(chars: &[char], start: usize) -> Option<usize> {
    GENERIC_TLDS
        .longest_match(chars, start)
        .or_else(|| COUNTRY_TLDS.longest_match(chars, start))
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
        for (list, set) in [(GENERIC, &*GENERIC_TLDS), (COUNTRY, &*COUNTRY_TLDS)] {
            let names = list
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'));
            for name in names {
                for written in [name.to_owned(), name.to_uppercase()] {
                    let chars: Vec<char> = written.chars().collect();
                    assert_eq!(set.longest_match(&chars, 0), Some(chars.len()), "{written}");
                }
            }
        }
    }
}
