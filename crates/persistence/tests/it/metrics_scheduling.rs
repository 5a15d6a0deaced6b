//! A worker's save that publishes a job parks the job's first metrics read in the same commit (on
//! PostgreSQL inside the one-statement group save), and a save that does not publish parks
//! none. Without anyone calling `schedule`.

use socialpub_domain::insights::MetricsCheckpoint;
use socialpub_domain::{AttemptId, AttemptOutcome, JobAttempt};
use time::Duration;

use crate::contract::fixtures::{T0, due_job, minutes, user, worker};
use crate::harness::postgres::PostgresBackend;
use crate::harness::sqlite::SqliteBackend;
use crate::harness::{Repos, TestBackend as _};

async fn publishing_a_job_parks_its_reads(repos: Repos) {
    let holder = worker("w");
    let published = due_job(&user("alice"), T0);
    let failed = due_job(&user("alice"), T0 + minutes(1));
    repos
        .jobs
        .create(None, &[published.clone(), failed.clone()])
        .await
        .unwrap();
    let mut claimed = repos
        .jobs
        .claim_due(&holder, T0 + minutes(2), 2, minutes(5))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    let at = T0 + minutes(3);
    for job in &mut claimed {
        let attempt = JobAttempt {
            id: AttemptId::new(),
            job_id: job.id,
            attempt_number: 1,
            worker: holder.clone(),
            started_at: at,
            finished_at: Some(at),
            outcome: AttemptOutcome::Published,
            http_status: None,
            platform_error_code: None,
            message: None,
            step: None,
        };
        if job.id == published.id {
            job.mark_published(&holder, "p-1".to_owned(), None, at)
                .unwrap();
            repos
                .jobs
                .save_leased_with_attempt(job, &holder, &attempt)
                .await
                .unwrap();
        } else {
            job.fail(&holder, "bad", "refused", None, at).unwrap();
            repos.jobs.save_leased(job, &holder).await.unwrap();
        }
    }

    let due = repos
        .post_metrics
        .claim_due(at + Duration::days(8), 10, minutes(5))
        .await
        .unwrap();
    let reads: Vec<_> = due.iter().map(|r| (r.job_id, r.checkpoint)).collect();
    // The first read; each one parks the next when it ends.
    assert_eq!(reads, [(published.id, MetricsCheckpoint::OneHour)]);
    assert_eq!(due[0].external_post_id, "p-1");
    assert_eq!(due[0].connection_id, published.social_connection_id);
}

#[tokio::test]
async fn postgres_publishing_a_job_parks_its_reads() {
    let env = PostgresBackend::start().await;
    publishing_a_job_parks_its_reads(env.repos()).await;
}

#[tokio::test]
async fn sqlite_publishing_a_job_parks_its_reads() {
    let env = SqliteBackend::start().await;
    publishing_a_job_parks_its_reads(env.repos()).await;
}
