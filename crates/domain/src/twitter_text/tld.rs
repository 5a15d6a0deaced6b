//! The top-level domains twitter-text recognises, kept as data files.
//!
//! Without a protocol, `example.com` is a link but `file.txt` is not: the list is what tells
//! them apart, so it is taken from twitter-text as is rather than from the live root zone.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::chars::is_tld_boundary;

const GENERIC: &str = include_str!("../../data/twitter-text/tlds_generic.txt");
const COUNTRY: &str = include_str!("../../data/twitter-text/tlds_country.txt");

struct TldSet {
    names: HashSet<String>,
    longest: usize,
}

impl TldSet {
    fn parse(list: &str) -> Self {
        let names: HashSet<String> = list
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_lowercase)
            .collect();
        let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        Self { names, longest }
    }

    /// The end of the longest name of this set starting at `start` and followed by a boundary.
    fn longest_match(&self, chars: &[char], start: usize) -> Option<usize> {
        let available = chars.len().saturating_sub(start).min(self.longest);
        (1..=available).rev().find_map(|len| {
            let end = start + len;
            let candidate: String = chars
                .get(start..end)?
                .iter()
                .flat_map(|c| c.to_lowercase())
                .collect();
            (self.names.contains(&candidate) && is_tld_boundary(chars.get(end).copied()))
                .then_some(end)
        })
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
}
