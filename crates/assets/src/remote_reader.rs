use socialpub_domain::AssetUrl;
use socialpub_ports::{AssetFetchError, AssetFetcher};

/// A remote file seen through range reads, with its first bytes kept in memory.
///
/// Most formats put what the probe needs near the start, so the head is read once and every
/// later read that falls inside it costs no request. Reads beyond it go to the server as range
/// requests of exactly the size asked for.
pub(crate) struct RemoteReader<'a> {
    fetcher: &'a dyn AssetFetcher,
    url: &'a AssetUrl,
    head: Vec<u8>,
    /// The head holds the whole file (the server sent fewer bytes than asked for).
    whole_file: bool,
}

impl<'a> RemoteReader<'a> {
    /// Reads the first `head_len` bytes.
    pub(crate) async fn open(
        fetcher: &'a dyn AssetFetcher,
        url: &'a AssetUrl,
        head_len: u32,
    ) -> Result<Self, AssetFetchError> {
        let head = fetcher.read_range(url, 0, head_len).await?;
        let whole_file = head.len() < usize::try_from(head_len).unwrap_or(usize::MAX);
        Ok(Self {
            fetcher,
            url,
            head,
            whole_file,
        })
    }

    pub(crate) fn head(&self) -> &[u8] {
        &self.head
    }

    /// Whether the head is the whole file, so reading more would find nothing.
    pub(crate) fn has_whole_file(&self) -> bool {
        self.whole_file
    }

    /// Grows the head to `new_len` bytes (or the end of the file).
    pub(crate) async fn extend_head(&mut self, new_len: u32) -> Result<(), AssetFetchError> {
        let have = u32::try_from(self.head.len()).unwrap_or(u32::MAX);
        if self.whole_file || new_len <= have {
            return Ok(());
        }
        let wanted = new_len - have;
        let more = self
            .fetcher
            .read_range(self.url, u64::from(have), wanted)
            .await?;
        self.whole_file = more.len() < usize::try_from(wanted).unwrap_or(usize::MAX);
        self.head.extend_from_slice(&more);
        Ok(())
    }

    /// Up to `len` bytes at `offset`: from the head when it covers them, otherwise from the
    /// server. Fewer bytes come back at the end of the file.
    pub(crate) async fn read(&self, offset: u64, len: u32) -> Result<Vec<u8>, AssetFetchError> {
        let wanted = usize::try_from(len).unwrap_or(usize::MAX);
        if let Ok(start) = usize::try_from(offset) {
            let end = start.saturating_add(wanted);
            if end <= self.head.len() {
                return Ok(self.head[start..end].to_vec());
            }
            if self.whole_file {
                return Ok(self.head.get(start..).unwrap_or_default().to_vec());
            }
        }
        self.fetcher.read_range(self.url, offset, len).await
    }
}
