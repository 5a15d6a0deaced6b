//! Text as a slice of code points that also knows each one's UTF-16 and UTF-8 offset.
//!
//! twitter-text reports positions in UTF-16 code units (the JavaScript string model); matching
//! is far simpler on code points. This keeps both views side by side.

pub(crate) struct Text {
    pub(crate) chars: Vec<char>,
    /// `None` for ASCII, where every offset is the code point's index.
    offsets: Option<Offsets>,
}

struct Offsets {
    /// `utf16[i]` is the UTF-16 offset of `chars[i]`; one extra entry holds the total length.
    utf16: Vec<usize>,
    /// `bytes[i]` is the UTF-8 offset of `chars[i]` in the source, plus the total at the end.
    bytes: Vec<usize>,
}

impl Text {
    pub(crate) fn new(source: &str) -> Self {
        if source.is_ascii() {
            return Self {
                chars: source.bytes().map(char::from).collect(),
                offsets: None,
            };
        }
        // Counted first so that each vector is allocated once, at its final size.
        let len = source.chars().count();
        let mut chars = Vec::with_capacity(len);
        let mut utf16 = Vec::with_capacity(len + 1);
        let mut bytes = Vec::with_capacity(len + 1);
        let (mut offset, mut byte) = (0, 0);
        for c in source.chars() {
            chars.push(c);
            utf16.push(offset);
            bytes.push(byte);
            offset += c.len_utf16();
            byte += c.len_utf8();
        }
        utf16.push(offset);
        bytes.push(byte);
        Self {
            chars,
            offsets: Some(Offsets { utf16, bytes }),
        }
    }

    /// The UTF-16 offset of the code point at `index` (or the total length at the end).
    pub(crate) fn utf16_offset(&self, index: usize) -> usize {
        match &self.offsets {
            None => index.min(self.chars.len()),
            Some(offsets) => clamped(&offsets.utf16, index),
        }
    }

    /// The UTF-8 offset of the code point at `index` (or the total length at the end).
    pub(crate) fn byte_offset(&self, index: usize) -> usize {
        match &self.offsets {
            None => index.min(self.chars.len()),
            Some(offsets) => clamped(&offsets.bytes, index),
        }
    }

    pub(crate) fn utf16_len(&self) -> usize {
        self.utf16_offset(self.chars.len())
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> &[char] {
        self.chars.get(start..end).unwrap_or(&[])
    }

    pub(crate) fn contains(&self, wanted: char) -> bool {
        self.chars.contains(&wanted)
    }
}

fn clamped(offsets: &[usize], index: usize) -> usize {
    offsets.get(index).or(offsets.last()).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_utf16_units_and_utf8_bytes() {
        let text = Text::new("aé😀b");
        assert_eq!(text.chars.len(), 4);
        assert_eq!(
            (0..=5).map(|i| text.utf16_offset(i)).collect::<Vec<_>>(),
            [0, 1, 2, 4, 5, 5]
        );
        assert_eq!(
            (0..=5).map(|i| text.byte_offset(i)).collect::<Vec<_>>(),
            [0, 1, 3, 7, 8, 8]
        );
        assert_eq!(text.utf16_len(), 5);
    }

    #[test]
    fn ascii_offsets_are_indices() {
        let text = Text::new("abc");
        assert_eq!(text.utf16_offset(2), 2);
        assert_eq!(text.byte_offset(9), 3);
        assert_eq!(text.utf16_len(), 3);
    }
}
