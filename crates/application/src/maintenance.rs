use std::sync::Arc;

use socialpub_ports::{Clock, JobRepository, OAuthStateStore, RepositoryError};

/// What one maintenance pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    pub recovered_jobs: usize,
    pub purged_oauth_states: u64,
}

/// Housekeeping every worker runs periodically: jobs whose worker died go back to the queue
/// (or fail as `outcome_unknown`), and abandoned OAuth authorizations are deleted.
#[derive(Clone)]
pub struct MaintenanceService {
    jobs: Arc<dyn JobRepository>,
    oauth_states: Arc<dyn OAuthStateStore>,
    clock: Arc<dyn Clock>,
}

impl MaintenanceService {
    /// Jobs recovered per pass; the rest wait for the next pass.
    const BATCH: u32 = 100;

    pub fn new(
        jobs: Arc<dyn JobRepository>,
        oauth_states: Arc<dyn OAuthStateStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            jobs,
            oauth_states,
            clock,
        }
    }

    pub async fn run_once(&self) -> Result<MaintenanceReport, RepositoryError> {
        let now = self.clock.now();
        let recovered = self.jobs.recover_expired_leases(now, Self::BATCH).await?;
        for job in &recovered {
            tracing::warn!(
                job_id = %job.id,
                status = %job.status,
                "recovered a job whose worker lease expired"
            );
        }
        let purged_oauth_states = self.oauth_states.purge_expired(now).await?;
        Ok(MaintenanceReport {
            recovered_jobs: recovered.len(),
            purged_oauth_states,
        })
    }
}
