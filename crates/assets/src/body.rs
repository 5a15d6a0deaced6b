use socialpub_ports::AssetFetchError;

use crate::error_map::fetch_error;

/// Reads `len` bytes of a response body after discarding its first `skip` bytes, then stops.
///
/// The body is pulled chunk by chunk and dropped as soon as the window is complete, so a server
/// that ignores `Range` and starts sending a multi-gigabyte video costs only the bytes up to
/// the end of the window, never the whole file in memory.
pub(crate) async fn read_window(
    response: &mut reqwest::Response,
    skip: u64,
    len: usize,
) -> Result<Vec<u8>, AssetFetchError> {
    const INITIAL_CAPACITY: usize = 64 * 1024;
    let mut out = Vec::with_capacity(len.min(INITIAL_CAPACITY));
    let mut to_skip = skip;
    while out.len() < len {
        let Some(chunk) = response.chunk().await.map_err(fetch_error)? else {
            break;
        };
        let mut bytes: &[u8] = &chunk;
        if to_skip > 0 {
            let dropped = usize::try_from(to_skip)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            bytes = &bytes[dropped..];
            to_skip -= dropped as u64;
        }
        let wanted = len - out.len();
        out.extend_from_slice(&bytes[..wanted.min(bytes.len())]);
    }
    Ok(out)
}
