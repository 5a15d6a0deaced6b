//! Group commit of workers' saves on PostgreSQL.
//!
//! A worker's throughput is bounded by commits (each one waits for the WAL to reach the disk),
//! not by statements. Saves from concurrent jobs are queued to one writer task, which takes
//! whatever is waiting (up to [`MAX_GROUP`]) and stores it in one transaction, its statements
//! pipelined on one connection; then it answers each caller its own result. A caller still
//! returns only once its own write is durable, so the commit marker stays durable before the
//! commit call. A lone save goes through alone, as it would without the queue: no added
//! latency.
//!
//! Each row keeps its own lease check (the `UPDATE`'s `WHERE` clause), so one job whose lease
//! was lost gets [`RepositoryError::LeaseNotHeld`] without touching the others. If the group's
//! transaction fails as a whole (a deadlock, a broken attempt row), each save is retried on
//! its own, so that one bad save cannot fail its neighbours.

use std::sync::OnceLock;

use diesel::ExpressionMethods;
use diesel::QueryDsl;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use socialpub_domain::webhook::WebhookEvent;
use socialpub_domain::{JobId, JobStatus, PublishJob};
use socialpub_ports::RepositoryError;
use tokio::sync::{mpsc, oneshot};

use crate::error::DbError;
use crate::outbox::write_outbox;
use crate::rows::{AttemptRow, JobRow};
use crate::schema::{job_attempts as ja, publish_jobs as pj};
use crate::values::DbUuid;

/// The most saves one transaction takes; the rest wait for the next.
const MAX_GROUP: usize = 128;

const PROCESSING: &str = JobStatus::Processing.as_str();

/// One worker's save: the job's row, written only under `worker`'s lease, and the attempt's
/// record, written only if the job was.
pub(crate) struct Save {
    pub(crate) id: JobId,
    pub(crate) worker: String,
    pub(crate) row: JobRow,
    pub(crate) attempt: Option<AttemptRow>,
    /// The job as saved, for the outbox (`post.completed` looks at its post).
    pub(crate) job: PublishJob,
    /// Webhook events stored with the save, only if the job was.
    pub(crate) events: Vec<WebhookEvent>,
}

impl Save {
    /// Whether saving it writes more than the job's row.
    fn writes_more(&self) -> bool {
        self.attempt.is_some()
            || !self.events.is_empty()
            || (self.job.status.is_final() && self.job.post_id.is_some())
    }
}

struct Request {
    save: Save,
    answer: oneshot::Sender<Result<(), RepositoryError>>,
}

/// The queue to this database's writer, started on first use (on the caller's runtime).
pub(crate) struct GroupCommit {
    pool: Pool<AsyncPgConnection>,
    queue: OnceLock<mpsc::UnboundedSender<Request>>,
}

impl GroupCommit {
    pub(crate) fn new(pool: Pool<AsyncPgConnection>) -> Self {
        Self {
            pool,
            queue: OnceLock::new(),
        }
    }

    /// Stores `save` with whatever other saves are waiting, and answers once it is durable.
    pub(crate) async fn save(&self, save: Save) -> Result<(), RepositoryError> {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(write(self.pool.clone(), receiver));
            sender
        });
        let (answer, answered) = oneshot::channel();
        match queue.send(Request { save, answer }) {
            Ok(()) => answered.await.unwrap_or_else(|_| {
                // The writer was stopped (its runtime is shutting down) mid-flush: whether the
                // save was committed is unknown, as after a lost connection.
                Err(RepositoryError::Unavailable(
                    "the database writer stopped".into(),
                ))
            }),
            // The writer's runtime is gone (another runtime uses this database now): alone.
            Err(mpsc::error::SendError(request)) => {
                let mut conn = self.pool.get().await.map_err(DbError::from)?;
                Ok(save_one(&mut conn, &request.save).await?)
            }
        }
    }
}

/// The writer: takes what is waiting, stores it, answers; until every sender is gone.
async fn write(pool: Pool<AsyncPgConnection>, mut queue: mpsc::UnboundedReceiver<Request>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while queue.recv_many(&mut group, MAX_GROUP).await > 0 {
        flush(&pool, std::mem::take(&mut group)).await;
    }
}

async fn flush(pool: &Pool<AsyncPgConnection>, group: Vec<Request>) {
    let mut conn = match pool.get().await {
        Ok(conn) => conn,
        Err(error) => {
            let message = error.to_string();
            for request in group {
                let _ = request
                    .answer
                    .send(Err(RepositoryError::Unavailable(message.clone().into())));
            }
            return;
        }
    };
    if group.len() == 1 {
        for request in group {
            let result = save_one(&mut conn, &request.save).await;
            let _ = request.answer.send(result.map_err(RepositoryError::from));
        }
        return;
    }
    let saves: Vec<&Save> = group.iter().map(|request| &request.save).collect();
    let result = save_group(&mut conn, &saves).await;
    drop(saves);
    match result {
        Ok(saved) => {
            for (request, saved) in group.into_iter().zip(saved) {
                let result = if saved {
                    Ok(())
                } else {
                    Err(RepositoryError::LeaseNotHeld(request.save.id))
                };
                let _ = request.answer.send(result);
            }
        }
        Err(error) => {
            let error = RepositoryError::from(error);
            tracing::debug!(%error, saves = group.len(), "group commit failed; saving one by one");
            for request in group {
                let result = save_one(&mut conn, &request.save).await;
                let _ = request.answer.send(result.map_err(RepositoryError::from));
            }
        }
    }
}

/// The group in one transaction, statements pipelined: every job's update, then the attempt
/// records of the jobs that were saved. Returns, per save, whether its lease held.
async fn save_group(conn: &mut AsyncPgConnection, saves: &[&Save]) -> Result<Vec<bool>, DbError> {
    conn.transaction(async |tx| {
        let shared: &AsyncPgConnection = tx;
        let updates = saves.iter().map(|save| {
            diesel::update(
                pj::table
                    .filter(pj::id.eq(DbUuid(*save.id.as_uuid())))
                    .filter(pj::status.eq(PROCESSING))
                    .filter(pj::locked_by.eq(save.worker.as_str())),
            )
            .set(&save.row)
            .execute(&mut &*shared)
        });
        let counts = futures_util::future::try_join_all(updates).await?;
        let saved: Vec<bool> = counts.iter().map(|n| *n > 0).collect();
        let attempts = saves
            .iter()
            .zip(&saved)
            .filter(|(_, saved)| **saved)
            .filter_map(|(save, _)| save.attempt.as_ref())
            .map(|attempt| {
                diesel::insert_into(ja::table)
                    .values(attempt)
                    .on_conflict(ja::id)
                    .do_update()
                    .set(attempt)
                    .execute(&mut &*shared)
            });
        futures_util::future::try_join_all(attempts).await?;
        // The outbox of the saved jobs: nothing to read or write unless some emitted events
        // or ended a post's target.
        let kept: Vec<&Save> = saves
            .iter()
            .zip(&saved)
            .filter(|(save, saved)| **saved && save.writes_more())
            .map(|(save, _)| *save)
            .collect();
        if !kept.is_empty() {
            let jobs: Vec<PublishJob> = kept.iter().map(|save| save.job.clone()).collect();
            let events: Vec<WebhookEvent> = kept
                .iter()
                .flat_map(|save| save.events.iter().cloned())
                .collect();
            write_outbox!(tx, &jobs, &events, |select| select.for_update());
        }
        Ok::<_, DbError>(saved)
    })
    .await
}

/// One save alone: a single statement when it writes only the job's row, else one transaction.
async fn save_one(conn: &mut AsyncPgConnection, save: &Save) -> Result<(), DbError> {
    macro_rules! update {
        ($conn:expr) => {
            diesel::update(
                pj::table
                    .filter(pj::id.eq(DbUuid(*save.id.as_uuid())))
                    .filter(pj::status.eq(PROCESSING))
                    .filter(pj::locked_by.eq(save.worker.as_str())),
            )
            .set(&save.row)
            .execute($conn)
            .await?
        };
    }
    if !save.writes_more() {
        if update!(conn) == 0 {
            return Err(DbError::Repository(RepositoryError::LeaseNotHeld(save.id)));
        }
        return Ok(());
    }
    conn.transaction(async |tx| {
        if update!(tx) == 0 {
            return Err(DbError::Repository(RepositoryError::LeaseNotHeld(save.id)));
        }
        if let Some(attempt) = &save.attempt {
            diesel::insert_into(ja::table)
                .values(attempt)
                .on_conflict(ja::id)
                .do_update()
                .set(attempt)
                .execute(tx)
                .await?;
        }
        write_outbox!(
            tx,
            std::slice::from_ref(&save.job),
            &save.events,
            |select| select.for_update()
        );
        Ok(())
    })
    .await
    .map_err(|error| {
        error.conflict_if(
            diesel::result::DatabaseErrorKind::ForeignKeyViolation,
            || format!("job {} does not exist", save.id),
        )
    })
}
