use time::Duration;

/// Picks a retry delay in `0..=ceiling`. Full jitter spreads the retries of many jobs that
/// failed together (an outage) instead of sending them back all at once.
pub trait Jitter: Send + Sync {
    fn pick(&self, ceiling: Duration) -> Duration;
}

/// Uniform in `0..=ceiling`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FullJitter;

impl Jitter for FullJitter {
    fn pick(&self, ceiling: Duration) -> Duration {
        let millis = u64::try_from(ceiling.whole_milliseconds()).unwrap_or(0);
        if millis == 0 {
            return Duration::ZERO;
        }
        let picked = rand::random_range(0..=millis);
        Duration::milliseconds(i64::try_from(picked).unwrap_or(i64::MAX))
    }
}

/// The delay before retry number `attempt` (1 for the first failure): exponential up to
/// `max`, jittered, and never sooner than the platform's `Retry-After`.
pub fn retry_delay(
    attempt: u32,
    base: Duration,
    max: Duration,
    retry_after: Option<Duration>,
    jitter: &dyn Jitter,
) -> Duration {
    let doublings = attempt.saturating_sub(1).min(30);
    let ceiling = base
        .checked_mul(1_i32 << doublings)
        .unwrap_or(max)
        .min(max)
        .max(Duration::ZERO);
    let delay = jitter.pick(ceiling);
    match retry_after {
        Some(after) => delay.max(after),
        None => delay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Ceiling;
    impl Jitter for Ceiling {
        fn pick(&self, ceiling: Duration) -> Duration {
            ceiling
        }
    }

    #[test]
    fn the_ceiling_doubles_per_attempt_up_to_the_max() {
        let base = Duration::seconds(10);
        let max = Duration::seconds(60);
        let delays: Vec<_> = (1..=5)
            .map(|n| retry_delay(n, base, max, None, &Ceiling).whole_seconds())
            .collect();
        assert_eq!(delays, [10, 20, 40, 60, 60]);
        assert_eq!(
            retry_delay(100, base, max, None, &Ceiling),
            Duration::seconds(60)
        );
    }

    #[test]
    fn retry_after_is_a_floor() {
        let delay = retry_delay(
            1,
            Duration::seconds(10),
            Duration::seconds(60),
            Some(Duration::seconds(90)),
            &Ceiling,
        );
        assert_eq!(delay, Duration::seconds(90));
    }

    #[test]
    fn full_jitter_stays_under_the_ceiling() {
        for _ in 0..100 {
            let d = FullJitter.pick(Duration::seconds(5));
            assert!(d >= Duration::ZERO && d <= Duration::seconds(5), "{d}");
        }
    }
}
