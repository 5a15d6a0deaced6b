//! A request body fed piece by piece from the asset fetcher, for LinkedIn's single-request
//! uploads (images, documents): LinkedIn wants the whole file in one `PUT`, and a 100 MB
//! document must not sit whole in memory. At most one piece waits in the channel while
//! another is read, so the buffer is two pieces whatever the file's size.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use socialpub_domain::AssetUrl;
use socialpub_ports::{AssetFetchError, AssetFetcher};
use tokio::sync::mpsc;

/// What stopped the feeding of a body.
#[derive(Debug)]
pub(crate) enum FeedError {
    /// The file could not be read.
    Asset(AssetFetchError),
    /// The file ended before its announced size.
    Truncated { sent: u64, total: u64 },
}

/// Error of the body itself: the request is aborted and nothing half-sent is taken as done.
#[derive(Debug)]
struct Aborted;

impl std::fmt::Display for Aborted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the upload's source could not be read to the end")
    }
}

impl std::error::Error for Aborted {}

/// The receiving end, handed to reqwest; its exact size makes hyper send a
/// `Content-Length` rather than a chunked body.
pub(crate) struct ChannelBody {
    receiver: mpsc::Receiver<Result<Bytes, Aborted>>,
    remaining: u64,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.receiver.poll_recv(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                self.remaining = self.remaining.saturating_sub(bytes.len() as u64);
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            Poll::Ready(Some(Err(aborted))) => Poll::Ready(Some(Err(Box::new(aborted)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// The sending end: reads `total` bytes of `url` in `piece`-sized ranges into the channel.
pub(crate) struct Feeder {
    sender: mpsc::Sender<Result<Bytes, Aborted>>,
    total: u64,
    piece: u32,
}

/// A body of exactly `total` bytes and the feeder that fills it.
pub(crate) fn channel(total: u64, piece: u32) -> (ChannelBody, Feeder) {
    let (sender, receiver) = mpsc::channel(1);
    (
        ChannelBody {
            receiver,
            remaining: total,
        },
        Feeder {
            sender,
            total,
            piece: piece.max(1),
        },
    )
}

impl Feeder {
    /// Feeds the body to its end. Stops quietly when the request went away (it failed; its
    /// own error says why), and aborts the body when the file cannot be read.
    pub(crate) async fn feed(
        self,
        assets: &dyn AssetFetcher,
        url: &AssetUrl,
    ) -> Result<(), FeedError> {
        let mut sent = 0_u64;
        while sent < self.total {
            let want =
                u32::try_from((self.total - sent).min(u64::from(self.piece))).unwrap_or(self.piece);
            let read = match assets.read_range(url, sent, want).await {
                Ok(bytes) if bytes.is_empty() => Err(FeedError::Truncated {
                    sent,
                    total: self.total,
                }),
                Ok(bytes) => Ok(bytes),
                Err(error) => Err(FeedError::Asset(error)),
            };
            let bytes = match read {
                Ok(bytes) => bytes,
                Err(error) => {
                    let _ = self.sender.send(Err(Aborted)).await;
                    return Err(error);
                }
            };
            // More than asked for would overrun the announced length.
            let take = usize::try_from(self.total - sent)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            sent += take as u64;
            let mut bytes = bytes;
            bytes.truncate(take);
            if self.sender.send(Ok(Bytes::from(bytes))).await.is_err() {
                return Ok(());
            }
        }
        Ok(())
    }
}
