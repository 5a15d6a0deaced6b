//! Text as a slice of code points that also knows each one's UTF-16 offset.
//!
//! twitter-text reports positions in UTF-16 code units (the JavaScript string model); matching
//! is far simpler on code points. This keeps both views side by side.

pub(crate) struct Text {
    pub(crate) chars: Vec<char>,
    /// `utf16[i]` is the UTF-16 offset of `chars[i]`; one extra entry holds the total length.
    utf16: Vec<usize>,
    /// `bytes[i]` is the UTF-8 offset of `chars[i]` in the source, plus the total at the end.
    bytes: Vec<usize>,
}

impl Text {
    pub(crate) fn new(source: &str) -> Self {
        let chars: Vec<char> = source.chars().collect();
        let mut utf16 = Vec::with_capacity(chars.len() + 1);
        let mut bytes = Vec::with_capacity(chars.len() + 1);
        let (mut offset, mut byte) = (0, 0);
        for c in &chars {
            utf16.push(offset);
            bytes.push(byte);
            offset += c.len_utf16();
            byte += c.len_utf8();
        }
        utf16.push(offset);
        bytes.push(byte);
        Self {
            chars,
            utf16,
            bytes,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.chars.len()
    }

    pub(crate) fn get(&self, index: usize) -> Option<char> {
        self.chars.get(index).copied()
    }

    /// The UTF-16 offset of the code point at `index` (or the total length at the end).
    pub(crate) fn utf16_offset(&self, index: usize) -> usize {
        self.utf16
            .get(index)
            .or(self.utf16.last())
            .copied()
            .unwrap_or(0)
    }

    /// The UTF-8 offset of the code point at `index` (or the total length at the end).
    pub(crate) fn byte_offset(&self, index: usize) -> usize {
        self.bytes
            .get(index)
            .or(self.bytes.last())
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn utf16_len(&self) -> usize {
        self.utf16.last().copied().unwrap_or(0)
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> &[char] {
        self.chars.get(start..end).unwrap_or(&[])
    }

    pub(crate) fn contains(&self, wanted: char) -> bool {
        self.chars.contains(&wanted)
    }
}
