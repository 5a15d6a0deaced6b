//! Group commit of workers' saves on PostgreSQL.
//!
//! A worker's throughput is bounded by commits (each one waits for the WAL to reach the disk),
//! not by statements. Saves from concurrent jobs are queued to one writer task, which takes
//! whatever is waiting (up to [`MAX_GROUP`]) and stores it in one statement (or, when someone
//! listens for webhooks, one transaction); then it answers each caller its own result. A
//! caller still returns only once its own write is durable, so the commit marker stays durable
//! before the commit call. A lone save goes through alone, as it would without the queue: no
//! added latency. Under a burst a second group is stored beside the first (see [`write`]).
//!
//! Each row keeps its own lease check (the `UPDATE`'s `WHERE` clause), so one job whose lease
//! was lost gets [`RepositoryError::LeaseNotHeld`] without touching the others. If the group's
//! transaction fails as a whole (a deadlock, a broken attempt row), each save is retried on
//! its own, so that one bad save cannot fail its neighbours.

use std::sync::OnceLock;

use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use socialpub_domain::PublishJob;
use socialpub_domain::webhook::{JobEvent, WebhookEvent};
use socialpub_ports::RepositoryError;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

use crate::error::DbError;
use crate::leased_saves::{Save, SaveLeased, Saved};
use crate::outbox::write_outbox;

/// The most saves one statement takes; the rest wait for the next.
const MAX_GROUP: usize = 128;

/// Groups stored at once, each on its own connection.
const MAX_FLUSHES: usize = 2;

/// Saves waiting behind a group being stored that send a second group beside it.
const PARALLEL_BACKLOG: usize = MAX_GROUP / 4;

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

/// The writer: takes what is waiting and stores it, answering each caller; until every
/// sender is gone. One group is stored at a time, and a lone save goes out at once; a second
/// group goes out beside the first only when [`PARALLEL_BACKLOG`] saves wait behind it, so
/// that under a burst the database works on two statements instead of one while the saves
/// queue.
async fn write(pool: Pool<AsyncPgConnection>, mut queue: mpsc::UnboundedReceiver<Request>) {
    let mut flushing = JoinSet::new();
    let mut waiting: Vec<Request> = Vec::with_capacity(MAX_GROUP);
    let mut open = true;
    loop {
        let may_flush = flushing.is_empty()
            || (waiting.len() >= PARALLEL_BACKLOG && flushing.len() < MAX_FLUSHES);
        if !waiting.is_empty() && may_flush {
            let pool = pool.clone();
            let group = std::mem::replace(&mut waiting, Vec::with_capacity(MAX_GROUP));
            flushing.spawn(async move { flush(&pool, group).await });
            continue;
        }
        if !open && waiting.is_empty() && flushing.is_empty() {
            return;
        }
        let room = MAX_GROUP.saturating_sub(waiting.len());
        tokio::select! {
            Some(_) = flushing.join_next(), if !flushing.is_empty() => {}
            taken = queue.recv_many(&mut waiting, room),
                if open && room > 0 => {
                open = taken > 0;
            }
            // Not reached (a group in flight or a queue to read always remains); dropping the
            // waiting answers tells their callers the writer stopped.
            else => return,
        }
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

/// The group in one statement (see [`SaveLeased`]); with the outbox of the saved jobs that
/// emit webhook events or end a post's target in the same transaction, when any of their users
/// has an enabled endpoint. Returns, per save, whether its lease held.
async fn save_group(conn: &mut AsyncPgConnection, saves: &[&Save]) -> Result<Vec<bool>, DbError> {
    let held = |saved: &[Saved]| -> Vec<bool> {
        saves
            .iter()
            .map(|save| {
                saved
                    .iter()
                    .any(|row| row.id.is_some_and(|id| id.0 == *save.id.as_uuid()))
            })
            .collect()
    };
    let told = told_users(saves);
    let saved: Vec<Saved> = SaveLeased::new(saves.iter().copied(), &told)
        .load(conn)
        .await?;
    if !saved.iter().any(|row| row.subscribed) {
        return Ok(held(&saved));
    }
    // Someone listens: nothing was written; the save and its outbox go in one transaction.
    conn.transaction(async |tx| {
        let saved: Vec<Saved> = SaveLeased::new(saves.iter().copied(), &[]).load(tx).await?;
        let held = held(&saved);
        let kept: Vec<&Save> = saves
            .iter()
            .zip(&held)
            .filter(|(save, held)| **held && save.writes_outbox())
            .map(|(save, _)| *save)
            .collect();
        if !kept.is_empty() {
            let jobs: Vec<PublishJob> = kept.iter().map(|save| save.job.clone()).collect();
            let events: Vec<WebhookEvent> = kept
                .iter()
                .flat_map(|save| save.events.iter().map(JobEvent::to_webhook))
                .collect();
            write_outbox!(tx, &jobs, &events, |select| select.for_update());
        }
        Ok::<_, DbError>(held)
    })
    .await
}

/// The users these saves would tell (of their events, or of a post they may complete): an
/// enabled endpoint of any of them sends the group to the transaction.
fn told_users<'a>(saves: &[&'a Save]) -> Vec<&'a str> {
    let mut users: Vec<&str> = saves
        .iter()
        .filter(|save| save.writes_outbox())
        .map(|save| save.job.user_id.as_str())
        .collect();
    users.sort_unstable();
    users.dedup();
    users
}

/// One save alone, as the same statement.
pub(crate) async fn save_one(conn: &mut AsyncPgConnection, save: &Save) -> Result<(), DbError> {
    let saved = save_group(conn, &[save]).await?;
    if saved.as_slice() == [true] {
        Ok(())
    } else {
        Err(DbError::Repository(RepositoryError::LeaseNotHeld(save.id)))
    }
}
