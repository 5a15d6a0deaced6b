//! The path of a URL: path characters and balanced parentheses, ending on a character that
//! may end a path, so that `(see https://a.com/x).` leaves the `)` and `.` outside.

use crate::chars::{is_path_char, is_path_ending_char};

/// Where the path starting with `/` at `at` ends; `None` when there is no `/` there.
pub(super) fn path_end(chars: &[char], at: usize) -> Option<usize> {
    if chars.get(at) != Some(&'/') {
        return None;
    }
    let mut end = at + 1;
    let mut i = at + 1;
    while let Some(&c) = chars.get(i) {
        if is_path_char(c) {
            i += 1;
            if is_path_ending_char(c) {
                end = i;
            }
        } else if c == '(' {
            match balanced_parens_end(chars, i) {
                Some(after) => {
                    i = after;
                    end = i;
                }
                None => break,
            }
        } else {
            break;
        }
    }
    Some(end)
}

/// `(chars)` or one nested level `(a(b)c)`, never empty.
fn balanced_parens_end(chars: &[char], open: usize) -> Option<usize> {
    let run = |from: usize| {
        chars
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| is_path_char(**c))
            .count()
    };
    let first = run(open + 1);
    let after_first = open + 1 + first;
    match chars.get(after_first) {
        Some(')') if first > 0 => Some(after_first + 1),
        Some('(') => {
            let inner = run(after_first + 1);
            let inner_close = after_first + 1 + inner;
            if inner == 0 || chars.get(inner_close) != Some(&')') {
                return None;
            }
            let tail = run(inner_close + 1);
            let close = inner_close + 1 + tail;
            (chars.get(close) == Some(&')')).then_some(close + 1)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let end = path_end(&chars, 0).unwrap_or(0);
        chars[..end].iter().collect()
    }

    #[test]
    fn trailing_punctuation_is_left_out() {
        assert_eq!(path("/foo/bar."), "/foo/bar");
        assert_eq!(path("/foo!"), "/foo");
        assert_eq!(path("/"), "/");
    }

    #[test]
    fn balanced_parentheses_belong_to_the_path() {
        assert_eq!(path("/wiki/Rust_(language))"), "/wiki/Rust_(language)");
        assert_eq!(path("/a(b(c)d)"), "/a(b(c)d)");
        assert_eq!(path("/a()"), "/a");
    }
}
