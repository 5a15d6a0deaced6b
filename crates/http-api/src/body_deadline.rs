//! A deadline on reading the request body. actix's `client_request_timeout` covers only the
//! request head: without this, an authenticated client that sends its headers and then trickles
//! (or never sends) the body holds a worker's connection for as long as it likes.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::rt::time::{Sleep, sleep};
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage};
use futures_util::Stream;

/// How long a request may take to deliver its whole body (256 KiB at most) when nothing else
/// is configured: generous for a slow mobile link, short enough that stalling is no attack.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Overrides [`BODY_READ_TIMEOUT`]: register it as app data (`app.app_data(BodyReadTimeout(d))`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyReadTimeout(pub Duration);

/// Wraps the request's payload so that reading it fails once the deadline has passed; the
/// JSON extractor turns that failure into a 408 `request_timeout` (see `error_handlers`).
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let limit = req
        .app_data::<BodyReadTimeout>()
        .map_or(BODY_READ_TIMEOUT, |t| t.0);
    let inner = req.take_payload();
    let stream: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(Deadline {
        inner,
        deadline: Box::pin(sleep(limit)),
        expired: false,
    });
    req.set_payload(Payload::from(stream));
    next.call(req).await
}

/// The error a timed-out body read yields; recognised by [`is_body_timeout`].
fn timed_out() -> PayloadError {
    PayloadError::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "request body read deadline passed",
    ))
}

pub(crate) fn is_body_timeout(error: &PayloadError) -> bool {
    matches!(error, PayloadError::Io(e) if e.kind() == std::io::ErrorKind::TimedOut)
}

struct Deadline {
    inner: Payload,
    deadline: Pin<Box<Sleep>>,
    expired: bool,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            this.expired = true;
            return Poll::Ready(Some(Err(timed_out())));
        }
        Poll::Pending
    }
}
