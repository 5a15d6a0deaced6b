//! The character classes twitter-text's regular expressions are built from.

/// U+FFFE, U+FEFF and U+FFFF: a tweet containing one is invalid.
pub(crate) const fn is_invalid(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}')
}

/// Bidirectional controls, which may surround a URL without being part of it.
pub(crate) const fn is_directional_marker(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2066}'..='\u{2069}'
    )
}

pub(crate) const fn is_space(c: char) -> bool {
    matches!(
        c,
        '\u{09}'..='\u{0D}'
            | '\u{20}'
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// ASCII punctuation as twitter-text lists it (its list leaves out `"` and `` ` ``).
pub(crate) const fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() && !matches!(c, '"' | '`')
}

/// Characters a domain label may be made of: anything but punctuation, spaces, invalid
/// characters and directional markers (so non-Latin labels are domain characters).
#[inline]
pub(crate) fn is_domain_char(c: char) -> bool {
    match ASCII_DOMAIN.get(c as usize) {
        Some(&ascii) => ascii,
        None => domain_char(c),
    }
}

const fn domain_char(c: char) -> bool {
    !(is_punct(c) || is_space(c) || is_invalid(c) || is_directional_marker(c))
}

/// `class` of every ASCII character, computed at compile time (a `const fn` cannot call a
/// function pointer, hence a macro).
macro_rules! ascii_table {
    ($class:ident) => {{
        let mut table = [false; 128];
        let mut byte: u8 = 0;
        while byte < 128 {
            table[byte as usize] = $class(byte as char);
            byte += 1;
        }
        table
    }};
}

/// The URL scanner asks these questions of nearly every character it looks at; for ASCII,
/// which most texts mostly are, a table answers in one load.
const ASCII_DOMAIN: [bool; 128] = ascii_table!(domain_char);
const ASCII_RUN: [bool; 128] = ascii_table!(run_char);
const ASCII_URL_PRECEDING: [bool; 128] = ascii_table!(url_preceding_char);
const ASCII_PATH: [bool; 128] = ascii_table!(path_char);
const ASCII_PATH_ENDING: [bool; 128] = ascii_table!(path_ending_char);
const ASCII_QUERY: [bool; 128] = ascii_table!(query_char);
const ASCII_QUERY_ENDING: [bool; 128] = ascii_table!(query_ending_char);

/// What a run of domain labels is made of: domain characters, `-` and `_`.
#[inline]
pub(crate) fn is_run_char(c: char) -> bool {
    match ASCII_RUN.get(c as usize) {
        Some(&ascii) => ascii,
        None => run_char(c),
    }
}

const fn run_char(c: char) -> bool {
    domain_char(c) || matches!(c, '-' | '_')
}

pub(crate) const fn is_latin_accent(c: char) -> bool {
    matches!(
        c,
        '\u{C0}'..='\u{D6}'
            | '\u{D8}'..='\u{F6}'
            | '\u{F8}'..='\u{FF}'
            | '\u{0100}'..='\u{024F}'
            | '\u{0253}'
            | '\u{0254}'
            | '\u{0256}'
            | '\u{0257}'
            | '\u{0259}'
            | '\u{025B}'
            | '\u{0263}'
            | '\u{0268}'
            | '\u{026F}'
            | '\u{0272}'
            | '\u{0289}'
            | '\u{028B}'
            | '\u{02BB}'
            | '\u{0300}'..='\u{036F}'
            | '\u{1E00}'..='\u{1EFF}'
    )
}

const fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// A character that may appear anywhere in a URL path.
#[inline]
pub(crate) fn is_path_char(c: char) -> bool {
    match ASCII_PATH.get(c as usize) {
        Some(&ascii) => ascii,
        None => path_char(c),
    }
}

const fn path_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || is_cyrillic(c)
        || is_latin_accent(c)
        || matches!(
            c,
            '!' | '*'
                | '\''
                | ';'
                | ':'
                | '='
                | '+'
                | ','
                | '.'
                | '$'
                | '/'
                | '%'
                | '#'
                | '['
                | ']'
                | '-'
                | '\u{2013}'
                | '_'
                | '~'
                | '@'
                | '|'
                | '&'
        )
}

/// A character a URL path may end with (so trailing sentence punctuation is left out).
#[inline]
pub(crate) fn is_path_ending_char(c: char) -> bool {
    match ASCII_PATH_ENDING.get(c as usize) {
        Some(&ascii) => ascii,
        None => path_ending_char(c),
    }
}

const fn path_ending_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || is_cyrillic(c)
        || is_latin_accent(c)
        || matches!(c, '+' | '-' | '=' | '_' | '#' | '/')
}

#[inline]
pub(crate) fn is_query_char(c: char) -> bool {
    match ASCII_QUERY.get(c as usize) {
        Some(&ascii) => ascii,
        None => query_char(c),
    }
}

const fn query_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '?'
                | '*'
                | '\''
                | '@'
                | '('
                | ')'
                | ';'
                | ':'
                | '&'
                | '='
                | '+'
                | '$'
                | '/'
                | '%'
                | '#'
                | '['
                | ']'
                | '-'
                | '_'
                | '.'
                | ','
                | '~'
                | '|'
        )
}

#[inline]
pub(crate) fn is_query_ending_char(c: char) -> bool {
    match ASCII_QUERY_ENDING.get(c as usize) {
        Some(&ascii) => ascii,
        None => query_ending_char(c),
    }
}

const fn query_ending_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '&' | '=' | '#' | '/')
}

/// What may stand right before a URL: not a letter or digit of ASCII, nor `@ $ #` (their
/// full-width forms included), nor an invalid character.
#[inline]
pub(crate) fn is_url_preceding_char(c: char) -> bool {
    match ASCII_URL_PRECEDING.get(c as usize) {
        Some(&ascii) => ascii,
        None => url_preceding_char(c),
    }
}

const fn url_preceding_char(c: char) -> bool {
    !(c.is_ascii_alphanumeric()
        || matches!(c, '@' | '\u{FF20}' | '$' | '#' | '\u{FF03}')
        || is_invalid(c))
        || is_directional_marker(c)
}

/// After a top-level domain: anything but an ASCII letter or digit, `@`, `+` or `-`.
pub(crate) fn is_tld_boundary(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => !(c.is_ascii_alphanumeric() || matches!(c, '@' | '+' | '-')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_tables_answer_as_the_classes_do() {
        for c in (0..128u8).map(char::from) {
            assert_eq!(is_domain_char(c), domain_char(c), "{c:?}");
            assert_eq!(is_run_char(c), run_char(c), "{c:?}");
            assert_eq!(is_url_preceding_char(c), url_preceding_char(c), "{c:?}");
            assert_eq!(is_path_char(c), path_char(c), "{c:?}");
            assert_eq!(is_path_ending_char(c), path_ending_char(c), "{c:?}");
            assert_eq!(is_query_char(c), query_char(c), "{c:?}");
            assert_eq!(is_query_ending_char(c), query_ending_char(c), "{c:?}");
        }
        assert!(is_domain_char('日') && !is_domain_char('\u{3000}'));
        assert!(is_url_preceding_char('日') && !is_url_preceding_char('\u{FF20}'));
    }
}
