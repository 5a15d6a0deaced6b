//! LinkedIn's "little text" format of `commentary`: `| { } @ [ ] ( ) < > # \ * _ ~` must be
//! backslash-escaped, or LinkedIn refuses the post or drops characters ("(see below)", an
//! e-mail address). Two elements stay as written: hashtags (`#word`) and mentions
//! (`@[Name](urn:li:person:…)` or `urn:li:organization:…`).

const RESERVED: &[char] = &[
    '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '\\', '*', '_', '~',
];

/// `text` as `commentary`: reserved characters escaped, hashtags and mentions kept.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '@'
            && let Some(len) = mention_len(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if c == '#' && hashtag_follows(&rest[1..]) && !after_word(&out) {
            out.push('#');
            rest = &rest[1..];
            continue;
        }
        if RESERVED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `commentary` as read back, made comparable with what was sent: escapes removed, the
/// `{hashtag|\#|word}` template LinkedIn returns turned back into `#word`, whitespace
/// collapsed.
pub fn comparable(commentary: &str) -> String {
    let mut text = String::with_capacity(commentary.len());
    let mut rest = commentary;
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix("{hashtag|\\#|")
            && let Some(end) = tail.find('}')
        {
            text.push('#');
            text.push_str(&tail[..end]);
            rest = &tail[end + 1..];
            continue;
        }
        let mut chars = rest.chars();
        let c = chars.next().unwrap_or_default();
        if c == '\\'
            && let Some(next) = chars.next()
            && RESERVED.contains(&next)
        {
            text.push(next);
            rest = &rest[1 + next.len_utf8()..];
            continue;
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Length of a mention element at the start of `text`: `@[Name](urn:li:person:id)` or
/// `@[Name](urn:li:organization:id)`.
fn mention_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix("@[")?;
    let name_end = inner.find("](")?;
    let name = &inner[..name_end];
    if name.is_empty() || name.contains(['[', ']', '\n']) {
        return None;
    }
    let target = &inner[name_end + 2..];
    let urn_end = target.find(')')?;
    let urn = &target[..urn_end];
    let id = urn
        .strip_prefix("urn:li:person:")
        .or_else(|| urn.strip_prefix("urn:li:organization:"))?;
    let valid = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then_some(2 + name_end + 2 + urn_end + 1)
}

fn hashtag_follows(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_alphanumeric)
}

/// A `#` inside a word (`C#`, `a#b`) is not a hashtag.
fn after_word(out: &str) -> bool {
    out.chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_escaped() {
        assert_eq!(
            escape("Lunch (see below) at a_b@example.com <3 *"),
            r"Lunch \(see below\) at a\_b\@example.com \<3 \*"
        );
        assert_eq!(escape(r"back\slash|pipe~"), r"back\\slash\|pipe\~");
    }

    #[test]
    fn hashtags_and_mentions_stay() {
        assert_eq!(
            escape("Hello @[Sim Org](urn:li:organization:2414183) #launch day #1 C#"),
            r"Hello @[Sim Org](urn:li:organization:2414183) #launch day #1 C\#"
        );
        assert_eq!(escape("# alone"), r"\# alone");
        assert_eq!(escape("@[x](https://e.com)"), r"\@\[x\]\(https://e.com\)");
    }

    #[test]
    fn read_back_text_compares_equal() {
        let sent = "New menu (spring) #food  today";
        assert_eq!(comparable(&escape(sent)), comparable(sent));
        assert_eq!(
            comparable(r"New menu \(spring\) {hashtag|\#|food} today"),
            "New menu (spring) #food today"
        );
    }
}
