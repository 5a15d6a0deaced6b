//! A write runs to its end even when its client goes away.
//!
//! actix drops a request's handler when the client's connection closes. A `POST /publish`
//! dropped between storing its job and storing its idempotent answer would leave the key held
//! without an answer; once the hold lapsed, the client's retry would run the request again and
//! create a second job. So every request that may write runs in a task of its own, which a
//! disconnect does not cancel: the work and its answer are stored, and the retry replays it.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, error::ErrorInternalServerError};
use tracing::Instrument as _;

pub async fn complete_writes<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, Error> {
    if req.method().is_safe() {
        return next.call(req).await;
    }
    let task = actix_web::rt::spawn(async move { next.call(req).await }.in_current_span());
    match task.await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "a write's task ended without an answer");
            Err(ErrorInternalServerError(
                "the request could not be completed",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};
    use tokio::sync::{Notify, oneshot};

    use super::complete_writes;

    struct Probe {
        started: Notify,
        go_on: std::sync::Mutex<Option<oneshot::Receiver<()>>>,
        finished: AtomicBool,
    }

    async fn slow_write(probe: web::Data<Arc<Probe>>) -> HttpResponse {
        probe.started.notify_one();
        let go_on = probe.go_on.lock().unwrap().take();
        if let Some(go_on) = go_on {
            let _ = go_on.await;
        }
        probe.finished.store(true, Ordering::SeqCst);
        HttpResponse::Ok().finish()
    }

    #[actix_web::test]
    async fn a_write_whose_client_left_still_completes() {
        let (go, go_on) = oneshot::channel();
        let probe = Arc::new(Probe {
            started: Notify::new(),
            go_on: std::sync::Mutex::new(Some(go_on)),
            finished: AtomicBool::new(false),
        });
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(probe.clone()))
                .wrap(from_fn(complete_writes))
                .route("/write", web::post().to(slow_write)),
        )
        .await;

        let request =
            test::call_service(&app, test::TestRequest::post().uri("/write").to_request());
        tokio::select! {
            _ = request => panic!("the write cannot finish before it is let go on"),
            () = probe.started.notified() => {}
        }
        // The client's request future is gone (as when its connection closes); the write
        // was half way through.
        go.send(()).unwrap();
        for _ in 0..500 {
            if probe.finished.load(Ordering::SeqCst) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the write was cancelled with its client");
    }
}
