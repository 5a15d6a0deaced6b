//! Finding URLs the way twitter-text does, with or without a protocol.
//!
//! X replaces every URL by a t.co link of fixed length, so which substrings count as URLs
//! decides the weighted length. This is a hand-written scanner equivalent to twitter-text's
//! `extractUrl` regular expression (leftmost match, greedy parts, then the same checks on
//! label lengths and preceding characters), which keeps the crate free of a regex engine.

mod ascii_domain;
mod path;

use std::cell::OnceCell;

use super::chars::{
    is_domain_char, is_query_char, is_query_ending_char, is_run_char, is_url_preceding_char,
};
use super::entities::{Entity, Span};
use super::text::Text;
use super::tld::match_tld;

const MAX_URL_LENGTH: usize = 4096;
const MAX_TCO_SLUG_LENGTH: usize = 40;
const MAX_DOMAIN_LABEL_LENGTH: usize = 63;
/// The protocol X assumes for a bare domain; it counts towards the maximum URL length.
const DEFAULT_PROTOCOL_LEN: usize = "https://".len();

/// Every URL in `text`, with its byte range, in order.
pub fn extract_urls(text: &str) -> Vec<Entity> {
    let text = Text::new(text);
    url_spans(&text)
        .into_iter()
        .map(|span| Entity::from_span(&text, span, span.start))
        .collect()
}

/// One match of the URL pattern, before twitter-text's extra checks.
struct Candidate {
    /// The character consumed before the URL, if any (none at the start of the text).
    before: Option<char>,
    start: usize,
    protocol_len: Option<usize>,
    domain: Span,
    has_path: bool,
    end: usize,
}

pub(crate) fn url_spans(text: &Text) -> Vec<Span> {
    if !text.contains('.') {
        return Vec::new();
    }
    let scanner = Scanner::new(&text.chars);
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(candidate) = scanner.find_from(from) {
        from = candidate.end;
        accept(text, &candidate, &mut spans);
    }
    spans
}

/// Applies twitter-text's checks to a match, pushing the URL(s) it yields.
fn accept(text: &Text, candidate: &Candidate, spans: &mut Vec<Span>) {
    let domain = text.slice(candidate.domain.start, candidate.domain.end);
    let url_len = text.utf16_offset(candidate.end) - text.utf16_offset(candidate.start);
    let protocol_len = candidate.protocol_len.unwrap_or(DEFAULT_PROTOCOL_LEN);
    let plain = plain_labels_valid(domain);
    let valid = plain.unwrap_or_else(|| has_valid_labels(domain));
    if !valid || protocol_len + url_len > MAX_URL_LENGTH {
        return;
    }
    match candidate.protocol_len {
        None => accept_without_protocol(candidate, domain, plain.is_some(), spans),
        Some(protocol_len) => {
            let url = text.slice(candidate.start, candidate.end);
            match tco_end(url, protocol_len) {
                TcoCheck::NotTco => spans.push(Span::new(candidate.start, candidate.end)),
                TcoCheck::Tco(len) => {
                    spans.push(Span::new(candidate.start, candidate.start + len));
                }
                TcoCheck::SlugTooLong => {}
            }
        }
    }
}

/// Without a protocol only the ASCII part of a domain is a link (`日本example.com` links
/// `example.com`), and never right after `-`, `_`, `.` or `/`.
fn accept_without_protocol(
    candidate: &Candidate,
    domain: &[char],
    plain: bool,
    spans: &mut Vec<Span>,
) {
    if matches!(candidate.before, Some('-' | '_' | '.' | '/')) {
        return;
    }
    if plain {
        let end = if candidate.has_path {
            candidate.end
        } else {
            candidate.domain.end
        };
        spans.push(Span::new(candidate.domain.start, end));
        return;
    }
    let found = ascii_domain::find_all(domain);
    let Some(last) = found.len().checked_sub(1) else {
        return;
    };
    for (index, span) in found.into_iter().enumerate() {
        let start = candidate.domain.start + span.start;
        let mut end = candidate.domain.start + span.end;
        if index == last && candidate.has_path {
            end = candidate.end;
        }
        spans.push(Span::new(start, end));
    }
}

/// For a domain of only ASCII letters, digits, `-` and dots ([`ascii_domain::is_plain`]),
/// which nearly every domain is, [`has_valid_labels`] in one pass: nothing to encode, and
/// such a domain holds itself as an ASCII domain. `None` for any other domain.
fn plain_labels_valid(domain: &[char]) -> Option<bool> {
    let mut valid = true;
    let mut label = 0;
    for c in domain {
        if *c == '.' {
            valid &= (1..=MAX_DOMAIN_LABEL_LENGTH).contains(&label);
            label = 0;
        } else if c.is_ascii_alphanumeric() || *c == '-' {
            label += 1;
        } else {
            return None;
        }
    }
    Some(valid && (1..=MAX_DOMAIN_LABEL_LENGTH).contains(&label))
}

/// Every label must be 1 to 63 characters once punycode-encoded, and a domain written in
/// punycode must hold an ASCII domain.
fn has_valid_labels(domain: &[char]) -> bool {
    let starts_punycode = domain.starts_with(&['x', 'n', '-', '-']);
    if starts_punycode && ascii_domain::find_all(domain).is_empty() {
        return false;
    }
    domain.split(|c| *c == '.').all(|label| {
        let len = if label.iter().any(|c| *c > '\u{7E}') {
            let label: String = label.iter().collect();
            match idna::punycode::encode_str(&label) {
                Some(encoded) => "xn--".len() + encoded.len(),
                None => return false,
            }
        } else {
            label.len()
        };
        (1..=MAX_DOMAIN_LABEL_LENGTH).contains(&len)
    })
}

enum TcoCheck {
    NotTco,
    Tco(usize),
    SlugTooLong,
}

/// A t.co link ends with its slug (and query): what follows is text, not part of the link.
fn tco_end(url: &[char], protocol_len: usize) -> TcoCheck {
    const HOST: [char; 5] = ['t', '.', 'c', 'o', '/'];
    let Some(rest) = url.get(protocol_len..) else {
        return TcoCheck::NotTco;
    };
    let is_tco = rest.len() > HOST.len()
        && rest
            .iter()
            .zip(&HOST)
            .all(|(c, h)| c.to_ascii_lowercase() == *h);
    if !is_tco {
        return TcoCheck::NotTco;
    }
    let slug_start = protocol_len + HOST.len();
    let slug = url
        .get(slug_start..)
        .unwrap_or(&[])
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if slug == 0 {
        return TcoCheck::NotTco;
    }
    if slug > MAX_TCO_SLUG_LENGTH {
        return TcoCheck::SlugTooLong;
    }
    let slug_end = slug_start + slug;
    TcoCheck::Tco(query_end(url, slug_end).unwrap_or(slug_end))
}

/// `?` then query characters, ending on one that may end a query; `None` when there is none.
fn query_end(chars: &[char], at: usize) -> Option<usize> {
    if chars.get(at) != Some(&'?') {
        return None;
    }
    let mut last = None;
    for (offset, c) in chars.get(at + 1..)?.iter().enumerate() {
        if !is_query_char(*c) {
            break;
        }
        if is_query_ending_char(*c) {
            last = Some(at + 1 + offset + 1);
        }
    }
    last
}

/// Runs of domain characters longer than this are looked up in a table rather than scanned.
///
/// Nearly every run is a word, shorter than this, and scanning it when asked is cheaper than
/// building a table over the whole text. A long run (a paragraph of CJK, which is all domain
/// characters) may be asked about from each of its positions; the table keeps that linear.
const RUN_LOOKAHEAD: usize = 64;

/// Finds the matches of the URL pattern in a text.
struct Scanner<'a> {
    chars: &'a [char],
    /// `run_ends[i]`: the first index at or after `i` that is not a domain character, `-` or
    /// `_`. Built on first need, which most texts never have.
    run_ends: OnceCell<Vec<usize>>,
}

impl<'a> Scanner<'a> {
    fn new(chars: &'a [char]) -> Self {
        Self {
            chars,
            run_ends: OnceCell::new(),
        }
    }

    /// The leftmost match starting at or after `from`, as the regular expression finds it:
    /// a preceding character is consumed when there is one; `^` only at the very start.
    ///
    /// Only a run of domain characters ending with `.` (a first label) or with `:` (after
    /// `http` or `https`) can begin a match, so the search goes from one `.` or `:` to the
    /// next and tries, in order, the positions of the run before it. Every other position
    /// of the text is skipped without a look at what precedes it.
    fn find_from(&self, from: usize) -> Option<Candidate> {
        // A match whose preceding character is at `s` starts at `s + 1`.
        let mut lowest = from + 1;
        if from == 0 {
            let after_first = self
                .chars
                .first()
                .filter(|c| is_url_preceding_char(**c) && self.may_start_at(1))
                .and_then(|c| self.match_url(1, Some(*c)));
            if let Some(found) = after_first.or_else(|| self.match_url(0, None)) {
                return Some(found);
            }
            lowest = 2;
        }
        let mut search = lowest;
        loop {
            let stop = next_stop(self.chars, search)?;
            let mut run_start = stop;
            while run_start > lowest
                && self
                    .chars
                    .get(run_start - 1)
                    .is_some_and(|c| is_run_char(*c))
            {
                run_start -= 1;
            }
            for start in run_start..stop {
                if let Some(found) = self.match_in_run(start, stop) {
                    return Some(found);
                }
            }
            search = stop + 1;
        }
    }

    /// The match starting at `start`, inside a run of domain characters that ends at `stop`
    /// (a `.` or a `:`), after a preceding character.
    fn match_in_run(&self, start: usize, stop: usize) -> Option<Candidate> {
        let before = *self.chars.get(start.checked_sub(1)?)?;
        if !is_url_preceding_char(before) {
            return None;
        }
        if self.chars.get(stop) == Some(&':') {
            // Only `http://` or `https://` can start here (a first label needs a dot).
            return if matches!(self.chars.get(start), Some('h' | 'H')) {
                self.match_url(start, Some(before))
            } else {
                None
            };
        }
        // No protocol can start here either (it would need a `:` where the run ends).
        let first = self.chars.get(start)?;
        let last = self.chars.get(stop - 1)?;
        if !(is_domain_char(*first) && is_domain_char(*last)) {
            return None;
        }
        let domain_end = self.match_domain_after(start, stop)?;
        Some(self.match_rest(start, None, Some(before), domain_end))
    }

    /// Whether a URL can start at `start` at all: a protocol or a first label needs `h` or a
    /// run of domain characters ending with a dot.
    fn may_start_at(&self, start: usize) -> bool {
        matches!(self.chars.get(start), Some('h' | 'H')) || self.label_end(start).is_some()
    }

    fn match_url(&self, start: usize, before: Option<char>) -> Option<Candidate> {
        if let Some(protocol_len) = self.protocol_len(start)
            && let Some(domain_end) = self.match_domain(start + protocol_len)
        {
            return Some(self.match_rest(start, Some(protocol_len), before, domain_end));
        }
        let domain_end = self.match_domain(start)?;
        Some(self.match_rest(start, None, before, domain_end))
    }

    fn protocol_len(&self, start: usize) -> Option<usize> {
        if !matches!(self.chars.get(start), Some('h' | 'H')) {
            return None;
        }
        ["https://", "http://"].into_iter().find_map(|protocol| {
            let rest = self.chars.get(start..start + protocol.len())?;
            rest.iter()
                .zip(protocol.chars())
                .all(|(c, p)| c.to_ascii_lowercase() == p)
                .then_some(protocol.len())
        })
    }

    /// The port, path and query that may follow a domain ending at `domain_end`.
    fn match_rest(
        &self,
        start: usize,
        protocol_len: Option<usize>,
        before: Option<char>,
        domain_end: usize,
    ) -> Candidate {
        let domain_start = start + protocol_len.unwrap_or(0);
        let mut end = domain_end;
        end = self.port_end(end).unwrap_or(end);
        let path = path::path_end(self.chars, end);
        let has_path = path.is_some();
        end = path.unwrap_or(end);
        end = query_end(self.chars, end).unwrap_or(end);
        Candidate {
            before,
            start,
            protocol_len,
            domain: Span::new(domain_start, domain_end),
            has_path,
            end,
        }
    }

    /// Labels (`a.`, `b-c.`) then a top-level domain; as many labels as can be followed by one
    /// (the last label without `_` that a top-level domain follows).
    fn match_domain(&self, start: usize) -> Option<usize> {
        let first_end = self.label_end(start)?;
        self.match_domain_after(start, first_end)
    }

    /// [`Self::match_domain`] when the first label is known to end at `first_end`.
    fn match_domain_after(&self, start: usize, first_end: usize) -> Option<usize> {
        let mut found = None;
        let (mut at, mut end) = (start, first_end);
        loop {
            let label = self.chars.get(at..end).unwrap_or(&[]);
            if !label.contains(&'_')
                && let Some(tld_end) = match_tld(self.chars, end + 1)
            {
                found = Some(tld_end);
            }
            at = end + 1;
            match self.label_end(at) {
                Some(next) => end = next,
                None => return found,
            }
        }
    }

    /// The index of the dot ending a label that starts at `start`, if one does.
    fn label_end(&self, start: usize) -> Option<usize> {
        let end = self.run_end(start);
        if end <= start || self.chars.get(end) != Some(&'.') {
            return None;
        }
        let first = self.chars.get(start)?;
        let last = self.chars.get(end - 1)?;
        (is_domain_char(*first) && is_domain_char(*last)).then_some(end)
    }

    /// The first index at or after `start` that is not a domain character, `-` or `_`.
    fn run_end(&self, start: usize) -> usize {
        let len = self.chars.len();
        if let Some(run_ends) = self.run_ends.get() {
            return run_ends.get(start).copied().unwrap_or(len);
        }
        let ahead = self
            .chars
            .get(start..len.min(start.saturating_add(RUN_LOOKAHEAD)))
            .unwrap_or(&[]);
        if let Some(offset) = ahead.iter().position(|c| !is_run_char(*c)) {
            return start + offset;
        }
        if start + ahead.len() >= len {
            return len;
        }
        let run_ends = self.run_ends.get_or_init(|| run_ends(self.chars));
        run_ends.get(start).copied().unwrap_or(len)
    }

    fn port_end(&self, at: usize) -> Option<usize> {
        if self.chars.get(at) != Some(&':') {
            return None;
        }
        let digits = self
            .chars
            .get(at + 1..)?
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        (digits > 0).then_some(at + 1 + digits)
    }
}

/// The index of the first `.` or `:` at or after `from`.
///
/// This walks all the text between URLs, so it looks at sixteen characters at a time with no
/// early exit inside a block, which the compiler turns into a few vector comparisons.
fn next_stop(chars: &[char], from: usize) -> Option<usize> {
    const BLOCK: usize = 16;
    let is_stop = |c: &char| matches!(c, '.' | ':');
    let mut blocks = chars.get(from..)?.chunks_exact(BLOCK);
    let mut offset = from;
    for block in &mut blocks {
        if block.iter().fold(false, |any, c| any | is_stop(c)) {
            return block.iter().position(is_stop).map(|at| offset + at);
        }
        offset += BLOCK;
    }
    blocks
        .remainder()
        .iter()
        .position(is_stop)
        .map(|at| offset + at)
}

/// For each index, the first index at or after it that is not a domain character, `-` or `_`.
fn run_ends(chars: &[char]) -> Vec<usize> {
    let mut run_ends = vec![chars.len(); chars.len() + 1];
    let mut end = chars.len();
    for (i, (c, slot)) in chars.iter().zip(&mut run_ends).enumerate().rev() {
        if !is_run_char(*c) {
            end = i;
        }
        *slot = end;
    }
    run_ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<String> {
        extract_urls(text).into_iter().map(|e| e.value).collect()
    }

    #[test]
    fn urls_with_a_protocol_are_found_whole() {
        assert_eq!(urls("Hi http://test.co"), ["http://test.co"]);
        assert_eq!(
            urls("see https://www.twitter.com/jack, then"),
            ["https://www.twitter.com/jack"]
        );
        assert_eq!(
            urls("x https://example.com/a_(b)?q=1&r=2. y"),
            ["https://example.com/a_(b)?q=1&r=2"]
        );
    }

    #[test]
    fn bare_domains_need_a_known_tld() {
        assert_eq!(urls("visit example.com today"), ["example.com"]);
        assert_eq!(urls("open file.txt now"), Vec::<String>::new());
        assert_eq!(urls("日本語example.com/path"), ["example.com/path"]);
        assert_eq!(urls("a/example.com"), Vec::<String>::new());
    }

    #[test]
    fn over_long_labels_are_not_urls() {
        let long = format!("https://{}.com", "a".repeat(64));
        assert!(urls(&long).is_empty());
        let ok = format!("https://{}.com", "a".repeat(63));
        assert_eq!(urls(&ok), std::slice::from_ref(&ok));
    }

    #[test]
    fn tco_links_stop_after_the_slug() {
        assert_eq!(urls("https://t.co/abc123/extra"), ["https://t.co/abc123"]);
    }

    #[test]
    fn emails_and_mentions_are_not_urls() {
        assert!(urls("@example.com").is_empty());
        assert_eq!(urls("user@example.com"), Vec::<String>::new());
    }
}
