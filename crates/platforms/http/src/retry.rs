use std::future::Future;

use socialpub_ports::PlatformError;

/// Runs a read again at once, up to `retries` more times, while it fails with a retryable
/// error that sets no wait (a 5xx, a dropped connection); a rate limit, which asks to wait,
/// is handed back. For lookups that read several pages in a row: a lookup restarted by the
/// engine from the first page on one failed page rarely gets through a flaky platform.
///
/// # Errors
/// The last error, or the first that is not worth repeating at once.
pub async fn retry_read<T, F, Fut>(retries: usize, mut read: F) -> Result<T, PlatformError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, PlatformError>>,
{
    let mut left = retries;
    loop {
        match read().await {
            Err(error) if left > 0 && error.retryable() && error.retry_after.is_none() => {
                tracing::debug!(
                    kind = error.kind.as_str(),
                    "read failed; trying again at once"
                );
                left -= 1;
            }
            answer => return answer,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use socialpub_domain::Platform;
    use socialpub_ports::PlatformErrorKind;
    use time::Duration;

    use super::*;
    use crate::platform_error;

    fn error(kind: PlatformErrorKind, retry_after: Option<Duration>) -> PlatformError {
        platform_error(Platform::X, kind, None, "boom", None, retry_after)
    }

    async fn calls_until_done(
        retries: usize,
        failures: &[PlatformError],
    ) -> (usize, Result<u8, PlatformError>) {
        let calls = Cell::new(0);
        let answer = retry_read(retries, || {
            let n = calls.get();
            calls.set(n + 1);
            let answer = failures.get(n).cloned().map_or(Ok(7), Err);
            async move { answer }
        })
        .await;
        (calls.get(), answer)
    }

    #[tokio::test]
    async fn server_errors_are_read_again_up_to_the_bound() {
        let down = error(PlatformErrorKind::PlatformDown, None);
        let (calls, answer) = calls_until_done(2, &[down.clone(), down.clone()]).await;
        assert_eq!((calls, answer.ok()), (3, Some(7)));
        let (calls, answer) = calls_until_done(2, &[down.clone(), down.clone(), down]).await;
        assert_eq!(calls, 3);
        assert_eq!(answer.unwrap_err().kind, PlatformErrorKind::PlatformDown);
    }

    #[tokio::test]
    async fn waits_and_refusals_are_handed_back_at_once() {
        let limited = error(PlatformErrorKind::Quota, Some(Duration::seconds(1)));
        let (calls, answer) = calls_until_done(2, &[limited]).await;
        assert_eq!(calls, 1);
        assert_eq!(answer.unwrap_err().kind, PlatformErrorKind::Quota);
        let refused = error(PlatformErrorKind::Permission, None);
        let (calls, _) = calls_until_done(2, &[refused]).await;
        assert_eq!(calls, 1);
    }
}
