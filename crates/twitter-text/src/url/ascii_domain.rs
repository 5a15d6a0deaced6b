//! The ASCII (and Latin-accented) domains inside a longer run of domain characters.

use crate::chars::is_latin_accent;
use crate::entities::Span;
use crate::tld::match_tld;

fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || is_latin_accent(c)
}

/// Every non-overlapping `label.label.tld` in `domain`, leftmost first; positions are
/// relative to `domain`, whose end counts as a boundary after a top-level domain.
///
/// `domain` is what the URL scanner matched: labels, then the top-level domain that ends it.
/// Made only of ASCII letters, digits, `-` and dots, it is one ASCII domain, whole (the same
/// labels, the same top-level domain); that common case is answered without matching again.
pub(super) fn find_all(domain: &[char]) -> Vec<Span> {
    if is_plain(domain) {
        return vec![Span::new(0, domain.len())];
    }
    find_all_slowly(domain)
}

/// Only ASCII letters, digits, `-` and dots: [`find_all`] would find the whole domain.
pub(super) fn is_plain(domain: &[char]) -> bool {
    !domain.is_empty()
        && domain
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
}

fn find_all_slowly(domain: &[char]) -> Vec<Span> {
    let mut found = Vec::new();
    let mut from = 0;
    while from < domain.len() {
        match (from..domain.len()).find_map(|start| match_at(domain, start).map(|end| (start, end)))
        {
            Some((start, end)) => {
                found.push(Span::new(start, end));
                from = end;
            }
            None => break,
        }
    }
    found
}

/// Labels then a top-level domain: the end of the last top-level domain that follows a label.
fn match_at(domain: &[char], start: usize) -> Option<usize> {
    let mut found = None;
    let mut at = start;
    loop {
        let len = domain
            .get(at..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| is_label_char(**c))
            .count();
        if len == 0 || domain.get(at + len) != Some(&'.') {
            break;
        }
        let dot = at + len;
        found = match_tld(domain, dot + 1).or(found);
        at = dot + 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        find_all(&chars)
            .into_iter()
            .map(|span| chars[span.start..span.end].iter().collect())
            .collect()
    }

    #[test]
    fn ascii_domains_are_picked_out_of_other_scripts() {
        assert_eq!(spans("日本example.com"), ["example.com"]);
        assert_eq!(spans("www.example.co.uk"), ["www.example.co.uk"]);
        assert!(spans("日本.jp").is_empty());
    }
}
