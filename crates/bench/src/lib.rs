//! `just bench`: the publishing engine measured, each figure printed beside a ceiling
//! measured in the same run (these machines are noisy; a figure alone says little).
//!
//! 1. Queue only, on PostgreSQL: the real engine and repositories with a publisher that
//!    answers at once, per job (claims of 1) and batched, beside the same claim + complete as
//!    plain SQL on the same table with the same concurrency.
//! 2. End to end: X text posts through the real X publisher to the simulator over loopback.
//! 3. Lateness: jobs all due in one second, due→published p50/p99.
//! 4. Memory: a worker's peak RSS while uploading a large video in chunks.
//! 5. Insights: best-times latency for an account with `BENCH_INSIGHTS_POSTS` posts.
//! 4. Memory: a worker's peak RSS while uploading a large video in chunks, to X and to TikTok.
//! 6. Webhooks: deliveries/s from the outbox to a loopback receiver, beside the same sender
//!    posting the same signed bodies in a plain loop.
//!
//! Numbers, never assertions. Sizes come from the environment (see [`Config`]).

mod e2e;
mod insights;
mod pg;
mod queue;
mod raw;
mod sim;
mod video;
mod watch;
mod webhooks;
mod world;

use std::process::ExitCode;

pub use sim::{ROLE_ENV, ROLE_SIMULATOR};

/// Sizes and concurrency, from `BENCH_*` variables.
#[derive(Debug, Clone)]
pub struct Config {
    /// `BENCH_JOBS`: jobs per queue-only case.
    pub jobs: usize,
    /// `BENCH_CONCURRENCY`: database connections (plain-SQL loops; the engine's pool).
    pub concurrency: usize,
    /// `BENCH_BATCH`: jobs per claim in batched mode.
    pub batch: u32,
    /// `BENCH_PER_JOB_IN_FLIGHT`: the engine's jobs in flight in per-job mode (4 per
    /// connection by default). A plain-SQL loop holds its connection for the whole of a job;
    /// a job in the engine holds one only for its claim and its save, so a worker runs more
    /// jobs than it has connections, as a worker whose jobs wait on platforms must.
    pub per_job_in_flight: usize,
    /// `BENCH_BATCHED_IN_FLIGHT`: the engine's jobs in flight in batched mode and in the
    /// lateness case (8 claims' worth by default: claims go on while the saves of two full
    /// groups, 256 jobs, are being stored).
    pub batched_in_flight: usize,
    /// `BENCH_E2E_JOBS`: X text posts through the simulator.
    pub e2e_jobs: usize,
    /// `BENCH_LATENESS_JOBS`: jobs due in the same second.
    pub lateness_jobs: usize,
    /// `BENCH_VIDEO_MB`: the uploaded video's size.
    pub video_mb: u64,
    /// `BENCH_ROUNDS`: queue-only rounds, each a ceiling run then an engine run; the round
    /// with the median ratio is printed (the machine's noise moves both runs of a round alike).
    pub rounds: usize,
    /// `BENCH_INSIGHTS_POSTS`: the account's posts in the best-times case.
    pub insights_posts: usize,
    /// `BENCH_WEBHOOK_EVENTS`: outbox events delivered per webhook round.
    pub webhook_events: usize,
    /// `BENCH_CASES`: a comma list among `queue,e2e,lateness,video,insights,webhooks` (all by
    /// default).
    pub cases: Vec<String>,
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl Config {
    pub fn from_env() -> Self {
        let concurrency = env("BENCH_CONCURRENCY", 8).max(1);
        let batch: u32 = env("BENCH_BATCH", 64).max(1);
        Self {
            jobs: env("BENCH_JOBS", 5000),
            concurrency,
            batch,
            per_job_in_flight: env("BENCH_PER_JOB_IN_FLIGHT", 4 * concurrency).max(1),
            batched_in_flight: env("BENCH_BATCHED_IN_FLIGHT", 8 * batch as usize).max(1),
            e2e_jobs: env("BENCH_E2E_JOBS", 1000),
            lateness_jobs: env("BENCH_LATENESS_JOBS", 10_000),
            video_mb: env("BENCH_VIDEO_MB", 500),
            rounds: env("BENCH_ROUNDS", 3).max(1),
            insights_posts: env("BENCH_INSIGHTS_POSTS", 10_000).max(1),
            webhook_events: env("BENCH_WEBHOOK_EVENTS", 2000).max(1),
            cases: env(
                "BENCH_CASES",
                String::from("video,e2e,queue,lateness,insights,webhooks"),
            )
            .split(',')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        }
    }

    fn wants(&self, case: &str) -> bool {
        self.cases.iter().any(|c| c == case)
    }
}

/// The bench executable's entry point (also the simulator child's).
pub fn main() -> ExitCode {
    if std::env::var(ROLE_ENV).as_deref() == Ok(ROLE_SIMULATOR) {
        return match sim::child_main() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("bench simulator: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("bench: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(Config::from_env())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

const MB: f64 = 1024.0 * 1024.0;

async fn run(config: Config) -> anyhow::Result<()> {
    println!(
        "Socialpub engine bench: PostgreSQL at {}, {} CPUs. Numbers, never assertions; each \
         figure beside its ceiling measured in this run.",
        redact(&pg::server_url()),
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    if config.wants("insights") {
        let report = insights::best_times(config.insights_posts, 200).await?;
        println!();
        println!(
            "Best times: an account with {} posts, insights use case with a warm cache (decode, local buckets, shrinkage, next slots), 200 answers",
            report.posts
        );
        println!(
            "  p50 {:.0} us, p99 {:.0} us per answer; floor (decode the cached posts, sum per UTC hour) p50 {:.0} us, p99 {:.0} us; ratio p50 {:.2}x",
            report.service.p50,
            report.service.p99,
            report.floor.p50,
            report.floor.p99,
            report.service.p50 / report.floor.p50.max(f64::MIN_POSITIVE)
        );
    }
    let needs_sim = config.wants("video") || config.wants("e2e");
    let sim = if needs_sim {
        Some(sim::SimProcess::spawn()?)
    } else {
        None
    };
    if let Some(sim) = sim.as_ref().filter(|_| config.wants("video")) {
        let size = config.video_mb * 1024 * 1024;
        println!();
        println!(
            "Video upload: engine + publisher -> simulator (pid {}), a {:.0} MB file read a chunk at a time",
            sim.pid(),
            size as f64 / MB
        );
        for (platform, how) in [
            (socialpub_domain::Platform::X, "X chunked media upload"),
            (socialpub_domain::Platform::Tiktok, "TikTok FILE_UPLOAD"),
        ] {
            let report = video::upload(sim, size, platform).await?;
            println!(
                "  {how:<24} file {:.0} MB, chunks of {:.1} MB: worker peak RSS {:.1} MB (RSS {:.1} MB before, +{:.1} MB); took {:.1} s{}",
                report.size as f64 / MB,
                report.chunk as f64 / MB,
                report.peak_after as f64 / MB,
                report.rss_before as f64 / MB,
                report.peak_after.saturating_sub(report.rss_before) as f64 / MB,
                report.elapsed.as_secs_f64(),
                if report.peak_was_reset {
                    String::new()
                } else {
                    format!(
                        " (peak not resettable here: {:.1} MB before)",
                        report.peak_before as f64 / MB
                    )
                }
            );
        }
    }
    if let Some(sim) = sim.as_ref().filter(|_| config.wants("e2e")) {
        let in_flight = config.concurrency;
        let (rate, posts) =
            e2e::x_text_posts(sim, config.e2e_jobs, config.concurrency, in_flight).await?;
        println!();
        println!(
            "End to end: {} X text posts, engine + X publisher -> simulator over loopback HTTP, {} in flight",
            config.e2e_jobs, in_flight
        );
        println!(
            "  {:.0} jobs/s ({} published in {:.2} s); the simulator holds {} new posts",
            rate.per_second(),
            rate.jobs,
            rate.elapsed.as_secs_f64(),
            posts
        );
    }
    if let Some(sim) = sim {
        sim.stop();
    }
    if config.wants("queue") {
        queue_cases(&config).await?;
    }
    if config.wants("webhooks") {
        webhook_cases(&config).await?;
    }
    if config.wants("lateness") {
        let ((p50, p99, max), rate) = queue::lateness(
            config.lateness_jobs,
            config.concurrency,
            config.batched_in_flight,
            config.batch,
        )
        .await?;
        println!();
        println!(
            "Lateness: {} jobs due in the same second, no-op publisher, batched engine (claims of {}, {} in flight, {} connections)",
            config.lateness_jobs, config.batch, config.batched_in_flight, config.concurrency
        );
        println!(
            "  due->published p50 {p50:.3} s, p99 {p99:.3} s, max {max:.3} s (target p99 < 1 s); drained at {:.0} jobs/s",
            rate.per_second()
        );
    }
    Ok(())
}

async fn queue_cases(config: &Config) -> anyhow::Result<()> {
    let (jobs, conc, batch) = (config.jobs, config.concurrency, config.batch);
    let (per_job_in_flight, batched_in_flight) =
        (config.per_job_in_flight, config.batched_in_flight);
    println!();
    println!(
        "Queue only: {jobs} jobs per case, no-op publisher, {conc} PostgreSQL connections; ceiling = plain-SQL SKIP LOCKED claim + complete on the same table"
    );
    println!(
        "  {:<40} {:>10} {:>11} {:>6} {:>7}   ratio of each round",
        "mode", "engine j/s", "ceiling j/s", "ratio", "target"
    );
    let mut per_job = Vec::with_capacity(config.rounds);
    let mut one_per_connection = Vec::with_capacity(config.rounds);
    let mut batched = Vec::with_capacity(config.rounds);
    for _ in 0..config.rounds {
        let ceiling = queue::ceiling(jobs, conc, 1).await?;
        per_job.push((
            queue::engine(jobs, conc, per_job_in_flight, 1).await?,
            ceiling,
        ));
        one_per_connection.push((queue::engine(jobs, conc, conc, 1).await?, ceiling));
        let ceiling = queue::ceiling(jobs, conc, batch).await?;
        batched.push((
            queue::engine(jobs, conc, batched_in_flight, batch).await?,
            ceiling,
        ));
    }
    print_row(
        &format!("per-job (claims of 1, {per_job_in_flight} in flight)"),
        per_job,
        Some(0.8),
    );
    print_row(
        &format!("  same, {conc} in flight (1 a connection)"),
        one_per_connection,
        None,
    );
    print_row(
        &format!("batched (claims of {batch}, {batched_in_flight} in flight)"),
        batched,
        Some(0.3),
    );
    Ok(())
}

async fn webhook_cases(config: &Config) -> anyhow::Result<()> {
    let (events, batch) = (config.webhook_events, config.batch.min(100));
    println!();
    println!(
        "Webhooks: {events} outbox events per round to a loopback HTTP receiver, one deliverer (claims of {batch}, lease, sign, send, store) on PostgreSQL; ceiling = the same sender posting the same signed bodies in a plain loop, as many at once"
    );
    println!(
        "  {:<40} {:>10} {:>11} {:>6} {:>7}   ratio of each round",
        "mode", "deliv./s", "ceiling /s", "ratio", ""
    );
    for in_flight in [1, config.concurrency.max(2)] {
        let mut rounds = Vec::with_capacity(config.rounds);
        for _ in 0..config.rounds {
            let round = webhooks::round(events, batch, in_flight).await?;
            rounds.push((round.deliverer, round.ceiling));
        }
        print_row(&format!("{in_flight} in flight"), rounds, None);
    }
    Ok(())
}

/// The round with the median ratio, and every round's ratio.
fn print_row(mode: &str, mut rounds: Vec<(queue::Rate, queue::Rate)>, target: Option<f64>) {
    let ratio =
        |(engine, ceiling): &(queue::Rate, queue::Rate)| engine.per_second() / ceiling.per_second();
    let all: Vec<String> = rounds.iter().map(|r| format!("{:.2}", ratio(r))).collect();
    rounds.sort_by(|a, b| ratio(a).total_cmp(&ratio(b)));
    let Some(median) = rounds.get(rounds.len() / 2) else {
        return;
    };
    println!(
        "  {:<40} {:>10.0} {:>11.0} {:>6.2} {:>7}   {}",
        mode,
        median.0.per_second(),
        median.1.per_second(),
        ratio(median),
        target.map_or_else(String::new, |target| format!(">= {target}")),
        all.join(" ")
    );
}

fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => format!(
            "{}:{}",
            parsed.host_str().unwrap_or("?"),
            parsed.port().unwrap_or(5432)
        ),
        Err(_) => "?".to_owned(),
    }
}
