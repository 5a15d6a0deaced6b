use time::Duration;

/// How publishing behaves, as operators set it. The composition root fills this from the
/// environment (names in brackets); [`PublishSettings::default`] holds the defaults.
#[derive(Debug, Clone)]
pub struct PublishSettings {
    /// Jobs one process runs at once (`WORKER_CONCURRENCY`).
    pub worker_concurrency: usize,
    /// Jobs of one connection one process runs at once: platforms rate-limit per account.
    pub per_account_concurrency: usize,
    /// Jobs of one platform one process runs at once.
    pub per_platform_concurrency: usize,
    /// How long a claim holds a job before another worker may take it (`JOB_LEASE_SECONDS`);
    /// renewed during long steps.
    pub job_lease: Duration,
    /// Attempts a new job gets (`JOB_MAX_ATTEMPTS`).
    pub job_max_attempts: u32,
    /// First retry delay ceiling, doubled per attempt (`RETRY_BASE_SECONDS`).
    pub retry_base: Duration,
    /// Largest retry delay ceiling (`RETRY_MAX_SECONDS`).
    pub retry_max: Duration,
    /// A job first picked up later than this after its time is `missed`
    /// (`MAX_LATENESS_SECONDS`).
    pub max_lateness: Duration,
    /// On shutdown, how long in-flight steps may take to finish (`SHUTDOWN_GRACE_SECONDS`).
    pub shutdown_grace: Duration,
    /// How far ahead a post may be scheduled (`SCHEDULE_HORIZON_DAYS`).
    pub schedule_horizon: Duration,
    /// A scheduled time this much in the past is still accepted (clocks differ a little).
    pub schedule_grace: Duration,
    /// Jobs claimed per round trip.
    pub claim_batch: u32,
    /// An idle worker looks at the queue at least this often, even without a wake-up.
    pub idle_poll: Duration,
    /// How often a worker returns jobs of dead workers to the queue.
    pub recover_every: Duration,
    /// A platform call taking longer than this counts as a timeout.
    pub step_timeout: Duration,
    /// A job that found its account or platform busy here tries again this much later.
    pub busy_retry: Duration,
    /// After an unanswered commit, how long the engine keeps asking the platform whether the
    /// post exists, when the platform is too busy to answer, before a person must decide
    /// (`RECONCILE_WINDOW_SECONDS`). Look-ups spend no attempt.
    pub reconcile_window: Duration,
}

impl Default for PublishSettings {
    fn default() -> Self {
        Self {
            worker_concurrency: 8,
            per_account_concurrency: 1,
            per_platform_concurrency: 8,
            job_lease: Duration::seconds(120),
            job_max_attempts: 5,
            retry_base: Duration::seconds(30),
            retry_max: Duration::hours(1),
            max_lateness: Duration::hours(1),
            shutdown_grace: Duration::seconds(30),
            schedule_horizon: Duration::days(365),
            schedule_grace: Duration::seconds(60),
            claim_batch: 32,
            idle_poll: Duration::seconds(30),
            recover_every: Duration::seconds(30),
            step_timeout: Duration::minutes(5),
            busy_retry: Duration::seconds(2),
            reconcile_window: Duration::hours(1),
        }
    }
}
