//! A wiremock responder serving one file the way a CDN does: `HEAD`, and `GET` with `Range`.

use wiremock::http::Method;
use wiremock::{Request, Respond, ResponseTemplate};

/// File content as a length plus the pieces that are not zero, so a 50 MB video costs only
/// its headers in memory.
#[derive(Debug, Clone)]
pub struct SparseFile {
    len: u64,
    pieces: Vec<(u64, Vec<u8>)>,
}

impl SparseFile {
    pub fn new(len: u64) -> Self {
        Self {
            len,
            pieces: Vec::new(),
        }
    }

    pub fn dense(bytes: Vec<u8>) -> Self {
        Self::new(bytes.len() as u64).with(0, bytes)
    }

    pub fn with(mut self, at: u64, bytes: Vec<u8>) -> Self {
        assert!(at + bytes.len() as u64 <= self.len);
        self.pieces.push((at, bytes));
        self
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// Bytes `start..=end`.
    pub fn slice(&self, start: u64, end: u64) -> Vec<u8> {
        let mut out = vec![0u8; (end - start + 1) as usize];
        for (at, bytes) in &self.pieces {
            let piece_end = at + bytes.len() as u64;
            let from = start.max(*at);
            let to = (end + 1).min(piece_end);
            if from < to {
                out[(from - start) as usize..(to - start) as usize]
                    .copy_from_slice(&bytes[(from - at) as usize..(to - at) as usize]);
            }
        }
        out
    }
}

/// `bytes=START-END` (END optional).
pub fn parse_range(raw: &str) -> Option<(u64, u64)> {
    let (start, end) = raw.strip_prefix("bytes=")?.split_once('-')?;
    let start = start.parse().ok()?;
    let end = if end.is_empty() {
        u64::MAX
    } else {
        end.parse().ok()?
    };
    Some((start, end))
}

#[derive(Debug, Clone)]
pub struct RangeFile {
    file: SparseFile,
    content_type: Option<String>,
    head_allowed: bool,
    honours_range: bool,
}

impl RangeFile {
    pub fn new(file: SparseFile) -> Self {
        Self {
            file,
            content_type: None,
            head_allowed: true,
            honours_range: true,
        }
    }

    pub fn typed(mut self, content_type: &str) -> Self {
        self.content_type = Some(content_type.to_owned());
        self
    }

    /// Answers `HEAD` with 405, as some servers do.
    pub fn refusing_head(mut self) -> Self {
        self.head_allowed = false;
        self
    }

    /// Answers every `GET` with the whole file, ignoring `Range`.
    pub fn ignoring_range(mut self) -> Self {
        self.honours_range = false;
        self
    }

    fn template(&self, status: u16) -> ResponseTemplate {
        let template = ResponseTemplate::new(status);
        match &self.content_type {
            Some(ct) => template.insert_header("content-type", ct.as_str()),
            None => template,
        }
    }
}

impl Respond for RangeFile {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let len = self.file.len();
        if request.method == Method::HEAD {
            if !self.head_allowed {
                return ResponseTemplate::new(405);
            }
            return self
                .template(200)
                .insert_header("accept-ranges", "bytes")
                .set_body_bytes(self.file.slice(0, len - 1));
        }
        let range = request
            .headers
            .get("range")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_range)
            .filter(|_| self.honours_range);
        let Some((start, end)) = range else {
            return self
                .template(200)
                .set_body_bytes(self.file.slice(0, len - 1));
        };
        if start >= len {
            return ResponseTemplate::new(416)
                .insert_header("content-range", format!("bytes */{len}"));
        }
        let end = end.min(len - 1);
        self.template(206)
            .insert_header("content-range", format!("bytes {start}-{end}/{len}"))
            .set_body_bytes(self.file.slice(start, end))
    }
}
