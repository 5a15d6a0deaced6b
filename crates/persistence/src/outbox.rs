//! The webhook outbox: events stored in the transaction of the change that causes them, each
//! with one delivery per enabled endpoint of its user that wants it. A process that dies after
//! the commit still has every event to deliver; one that dies before it has neither the
//! change nor the event.
//!
//! Macros rather than functions, so that one body serves both backends' connection types (as
//! [`crate::store::with_connection`] does), inside whichever transaction the caller holds.

use socialpub_domain::WebhookEndpointId;
use socialpub_domain::webhook::EventSelection;

use crate::values::{DbJson, DbUuid};

/// The enabled endpoints of some users: id, user and what each wants.
pub(crate) type Subscribers = Vec<(WebhookEndpointId, String, EventSelection)>;

/// Parses loaded `(id, user_id, events)` columns; a row whose list does not parse (written by
/// a newer version, say) is skipped rather than failing the change that emits.
pub(crate) fn subscribers(rows: Vec<(DbUuid, String, DbJson)>) -> Subscribers {
    rows.into_iter()
        .filter_map(|(id, user, events)| {
            let names: Vec<String> = serde_json::from_value(events.0).ok()?;
            let selection = EventSelection::parse(&names).ok()?;
            Some((WebhookEndpointId::from_uuid(id.0), user, selection))
        })
        .collect()
}

/// The enabled endpoints of `$users` (a `&[&str]`) on `$tx`, as [`Subscribers`].
macro_rules! load_subscribers {
    ($tx:expr, $users:expr) => {{
        use ::diesel::{ExpressionMethods as _, QueryDsl as _};
        use ::diesel_async::RunQueryDsl as _;
        let users: &[&str] = $users;
        if users.is_empty() {
            Vec::new()
        } else {
            let rows: Vec<($crate::values::DbUuid, String, $crate::values::DbJson)> =
                $crate::schema::webhook_endpoints::table
                    .filter($crate::schema::webhook_endpoints::user_id.eq_any(users))
                    .filter($crate::schema::webhook_endpoints::enabled.eq(true))
                    .select((
                        $crate::schema::webhook_endpoints::id,
                        $crate::schema::webhook_endpoints::user_id,
                        $crate::schema::webhook_endpoints::events,
                    ))
                    .load($tx)
                    .await?;
            $crate::outbox::subscribers(rows)
        }
    }};
}

/// Stores `$events` (a `&[WebhookEvent]`) with one delivery per endpoint of `$subscribers`
/// that wants each, on `$tx`; evaluates to the number of deliveries made. An event no
/// endpoint wants is not stored.
macro_rules! insert_outbox {
    ($tx:expr, $subscribers:expr, $events:expr) => {{
        use ::diesel_async::RunQueryDsl as _;
        let subscribers: &$crate::outbox::Subscribers = $subscribers;
        let mut made = 0usize;
        for event in $events {
            let event: &::socialpub_domain::webhook::WebhookEvent = event;
            let wanting = $crate::outbox::wanting(subscribers, event);
            if wanting.is_empty() {
                continue;
            }
            ::diesel::insert_into($crate::schema::webhook_events::table)
                .values($crate::rows::EventRow::from(event))
                .execute($tx)
                .await?;
            for endpoint in wanting {
                ::diesel::insert_into($crate::schema::webhook_deliveries::table)
                    .values($crate::rows::DeliveryRow::due(event, endpoint))
                    .execute($tx)
                    .await?;
                made += 1;
            }
        }
        made
    }};
}

/// The `post.completed` events of the posts of `$jobs` (a slice of saved `PublishJob`s)
/// whose targets are now all final, for users with an endpoint that wants them, on `$tx`.
/// `$lock` turns the post's select into the statement that reads it: on PostgreSQL
/// `FOR UPDATE`, so that of two targets ending at once in two transactions, the second waits
/// for the first and sees it final (only one of them emits); SQLite's write transaction is
/// serial already. Evaluates to a `Vec<WebhookEvent>`.
macro_rules! post_completions {
    ($tx:expr, $subscribers:expr, $jobs:expr, |$select:ident| $lock:expr) => {{
        use ::diesel::SelectableHelper as _;
        use ::diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
        use ::diesel_async::RunQueryDsl as _;
        let subscribers: &$crate::outbox::Subscribers = $subscribers;
        let mut ended: Vec<(::socialpub_domain::PostId, ::time::OffsetDateTime)> =
            $crate::outbox::ended_posts(subscribers, $jobs);
        let mut completed = Vec::new();
        for (post, at) in ended.drain(..) {
            let $select = $crate::schema::posts::table
                .filter($crate::schema::posts::id.eq($crate::values::DbUuid(*post.as_uuid())))
                .select($crate::rows::PostRow::as_select());
            let row: Option<$crate::rows::PostRow> = $lock.first($tx).await.optional()?;
            let Some(row) = row else { continue };
            let post_row = ::socialpub_domain::Post::try_from(row)?;
            let targets: Vec<$crate::rows::JobRow> = $crate::schema::publish_jobs::table
                .filter(
                    $crate::schema::publish_jobs::post_id
                        .eq($crate::values::DbUuid(*post.as_uuid())),
                )
                .order((
                    $crate::schema::publish_jobs::created_at.asc(),
                    $crate::schema::publish_jobs::id.asc(),
                ))
                .select($crate::rows::JobRow::as_select())
                .load($tx)
                .await?;
            let targets = targets
                .into_iter()
                .map(::socialpub_domain::PublishJob::try_from)
                .collect::<Result<Vec<_>, _>>()?;
            if targets.iter().all(|job| job.status.is_final())
                && let Some(event) = ::socialpub_domain::webhook::WebhookEvent::post_completed(
                    post,
                    &post_row.metadata,
                    &targets,
                    at,
                )
            {
                completed.push(event);
            }
        }
        completed
    }};
}

/// Everything a job change adds to the outbox, on `$tx`: `$events` (a `&[WebhookEvent]`) and
/// the `post.completed` of posts that `$jobs` (a `&[PublishJob]`, the saved ones) completed.
/// `$lock` as for [`post_completions`]. Evaluates to the number of deliveries made.
macro_rules! write_outbox {
    ($tx:expr, $jobs:expr, $events:expr, |$select:ident| $lock:expr) => {{
        let jobs: &[::socialpub_domain::PublishJob] = $jobs;
        let events: &[::socialpub_domain::webhook::WebhookEvent] = $events;
        let users = $crate::outbox::users(jobs, events);
        if users.is_empty() {
            0usize
        } else {
            let subscribers = $crate::outbox::load_subscribers!($tx, &users);
            if subscribers.is_empty() {
                0usize
            } else {
                let completed =
                    $crate::outbox::post_completions!($tx, &subscribers, jobs, |$select| $lock);
                $crate::outbox::insert_outbox!($tx, &subscribers, events.iter().chain(&completed))
            }
        }
    }};
}

/// The users whose endpoints may want something from these changes: those of the events, and
/// those of final targets of posts (which may complete the post).
pub(crate) fn users<'a>(
    jobs: &'a [socialpub_domain::PublishJob],
    events: &'a [socialpub_domain::webhook::WebhookEvent],
) -> Vec<&'a str> {
    let mut users: Vec<&str> = events
        .iter()
        .map(|event| event.user_id.as_str())
        .chain(
            jobs.iter()
                .filter(|job| job.status.is_final() && job.post_id.is_some())
                .map(|job| job.user_id.as_str()),
        )
        .collect();
    users.sort_unstable();
    users.dedup();
    users
}

/// The endpoints of `subscribers` that want `event`.
pub(crate) fn wanting(
    subscribers: &Subscribers,
    event: &socialpub_domain::webhook::WebhookEvent,
) -> Vec<WebhookEndpointId> {
    subscribers
        .iter()
        .filter(|(_, user, selection)| {
            user == event.user_id.as_str() && selection.wants(event.event_type)
        })
        .map(|(id, _, _)| *id)
        .collect()
}

/// The posts whose targets among `jobs` just ended, for users who want `post.completed`, in
/// the one order every writer locks them in (so two writers cannot wait on each other).
pub(crate) fn ended_posts(
    subscribers: &Subscribers,
    jobs: &[socialpub_domain::PublishJob],
) -> Vec<(socialpub_domain::PostId, time::OffsetDateTime)> {
    let mut ended: Vec<_> = jobs
        .iter()
        .filter(|job| job.status.is_final())
        .filter(|job| {
            subscribers.iter().any(|(_, user, selection)| {
                user == job.user_id.as_str()
                    && selection.wants(socialpub_domain::webhook::EventType::PostCompleted)
            })
        })
        .filter_map(|job| job.post_id.map(|post| (post, job.updated_at)))
        .collect();
    ended.sort_by_key(|(post, _)| *post);
    ended.dedup_by_key(|(post, _)| *post);
    ended
}

pub(crate) use {insert_outbox, load_subscribers, post_completions, write_outbox};
