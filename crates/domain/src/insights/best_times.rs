//! Best times to post, from an account's own data: each observation (a post's engagement, or
//! an hour's count of followers online) lands in the bucket of its **local** weekday × hour in
//! the audience's IANA zone, and each bucket's mean is shrunk towards a platform-wide prior by
//! its sample size, so that one lucky post cannot make a slot win.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::Platform;

const PRIORS_JSON: &str = include_str!("../../data/best_time_priors.json");

/// Buckets with fewer observations than this keep their prior: a single post, however good,
/// says more about that post than about the hour.
pub const MIN_BUCKET_SAMPLE: u32 = 3;
/// Below this many observations in all, the answer is the priors (`basis: priors`).
pub const MIN_TOTAL_SAMPLE: u32 = 10;
/// How many observations the prior weighs, in the shrinkage of a bucket's mean.
pub const PRIOR_STRENGTH: f64 = 4.0;
/// How many suggested times and next slots an answer carries.
pub const SUGGESTIONS: usize = 5;
pub const NEXT_SLOTS: usize = 3;

/// One thing observed at one instant: a post's engagement at its publish time, or the number
/// of followers online in the hour starting then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub at: OffsetDateTime,
    pub value: f64,
}

/// What the scores are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BestTimeBasis {
    /// Too little data of the account's own: the platform-wide priors alone.
    Priors,
    /// The engagement of the account's own posts, by the hour they went out.
    Engagement,
    /// The platform's count of the account's followers online, by hour.
    Audience,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// One of the best local slots of the week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestedTime {
    /// `monday` ... `sunday`.
    pub weekday: &'static str,
    pub hour: u8,
    /// `HH:00`, in the requested zone.
    pub local_time: String,
    /// 0-100, the best bucket of the week being 100.
    pub score: f64,
    /// Observations in the bucket (0 means the prior alone placed it).
    pub sample_size: u32,
}

/// A computed answer.
#[derive(Debug, Clone, PartialEq)]
pub struct BestTimes {
    pub suggested_times: Vec<SuggestedTime>,
    /// `heatmap[weekday][hour]`, Monday first, 0-100.
    pub heatmap: [[f64; 24]; 7],
    /// The next starts of the suggested slots after `now`, as UTC instants, soonest first.
    pub next_slots: Vec<OffsetDateTime>,
    pub confidence: Confidence,
    pub sample_size: u32,
    pub basis: BestTimeBasis,
}

#[derive(Debug, Deserialize)]
struct PriorsFile {
    platforms: BTreeMap<Platform, PlatformPrior>,
}

#[derive(Debug, Deserialize)]
struct PlatformPrior {
    weekday: [f64; 7],
    hour: [f64; 24],
}

/// A platform's prior per bucket, averaging 1 over the week.
#[derive(Debug, Clone, PartialEq)]
pub struct BestTimePriors {
    buckets: [[f64; 24]; 7],
}

impl BestTimePriors {
    /// The priors shipped in `data/best_time_priors.json` (sources listed there).
    pub fn shipped(platform: Platform) -> &'static BestTimePriors {
        static PRIORS: OnceLock<BTreeMap<Platform, BestTimePriors>> = OnceLock::new();
        let all = PRIORS.get_or_init(|| {
            // The file is part of the build and a unit test parses it: a failure is a
            // broken build, not a runtime condition.
            #[expect(clippy::expect_used, reason = "shipped data, checked by a test")]
            let file: PriorsFile =
                serde_json::from_str(PRIORS_JSON).expect("data/best_time_priors.json parses");
            file.platforms
                .into_iter()
                .map(|(platform, prior)| (platform, BestTimePriors::from_weights(&prior)))
                .collect()
        });
        static FLAT: OnceLock<BestTimePriors> = OnceLock::new();
        all.get(&platform)
            .unwrap_or_else(|| FLAT.get_or_init(BestTimePriors::flat))
    }

    /// Every bucket alike: no opinion.
    pub fn flat() -> Self {
        Self {
            buckets: [[1.0; 24]; 7],
        }
    }

    fn from_weights(prior: &PlatformPrior) -> Self {
        let mut buckets = [[0.0; 24]; 7];
        for (day, row) in buckets.iter_mut().enumerate() {
            for (hour, cell) in row.iter_mut().enumerate() {
                *cell = prior.weekday[day] * prior.hour[hour];
            }
        }
        let mean = buckets.iter().flatten().sum::<f64>() / 168.0;
        if mean > 0.0 {
            buckets.iter_mut().flatten().for_each(|cell| *cell /= mean);
        }
        Self { buckets }
    }

    pub fn at(&self, weekday: usize, hour: usize) -> f64 {
        self.buckets[weekday][hour]
    }
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn weekday_index(weekday: Weekday) -> usize {
    usize::from(weekday.to_monday_zero_offset().unsigned_abs())
}

fn jiff_instant(at: OffsetDateTime) -> Option<jiff::Timestamp> {
    jiff::Timestamp::from_nanosecond(at.unix_timestamp_nanos()).ok()
}

fn time_instant(ts: jiff::Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(ts.as_nanosecond()).ok()
}

/// The local weekday (Monday = 0) and hour of an instant in `zone`.
pub fn local_bucket(at: OffsetDateTime, zone: &TimeZone) -> Option<(usize, usize)> {
    let local = jiff_instant(at)?.to_zoned(zone.clone());
    Some((
        weekday_index(local.weekday()),
        usize::from(local.hour().unsigned_abs()),
    ))
}

#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    count: u32,
    sum: f64,
}

/// Computes the best times from `observations` in `zone`, relative to `now` for the next
/// slots. `basis` says what the observations are; with too few of them the answer is the
/// priors and says so.
pub fn best_times(
    observations: &[Observation],
    basis: BestTimeBasis,
    priors: &BestTimePriors,
    zone: &TimeZone,
    now: OffsetDateTime,
) -> BestTimes {
    let mut buckets = [[Bucket::default(); 24]; 7];
    let mut total = Bucket::default();
    for observation in observations {
        if !observation.value.is_finite() || observation.value < 0.0 {
            continue;
        }
        let Some((day, hour)) = local_bucket(observation.at, zone) else {
            continue;
        };
        let bucket = &mut buckets[day][hour];
        bucket.count += 1;
        bucket.sum += observation.value;
        total.count += 1;
        total.sum += observation.value;
    }
    // "Usual" is the median observation, so a few viral posts do not make every other
    // hour look poor.
    let usual = median(
        observations
            .iter()
            .map(|observation| observation.value)
            .filter(|value| value.is_finite() && *value >= 0.0)
            .collect(),
    );
    let own_data = total.count >= MIN_TOTAL_SAMPLE && usual > 0.0;
    let basis = if own_data {
        basis
    } else {
        BestTimeBasis::Priors
    };

    let mut raw = [[0.0; 24]; 7];
    let mut qualified_buckets = 0usize;
    for (day, row) in raw.iter_mut().enumerate() {
        for (hour, cell) in row.iter_mut().enumerate() {
            let prior = priors.at(day, hour);
            let bucket = buckets[day][hour];
            *cell = if own_data && bucket.count >= MIN_BUCKET_SAMPLE {
                qualified_buckets += 1;
                // The bucket's mean relative to the account's usual, pulled towards the
                // prior as if the prior were PRIOR_STRENGTH observations.
                let observed = bucket.sum / f64::from(bucket.count) / usual;
                let n = f64::from(bucket.count);
                (n * observed + PRIOR_STRENGTH * prior) / (n + PRIOR_STRENGTH)
            } else {
                prior
            };
        }
    }
    let best = raw.iter().flatten().copied().fold(0.0_f64, f64::max);
    let mut heatmap = [[0.0; 24]; 7];
    for (day, row) in heatmap.iter_mut().enumerate() {
        for (hour, cell) in row.iter_mut().enumerate() {
            *cell = if best > 0.0 {
                round1(raw[day][hour] / best * 100.0)
            } else {
                0.0
            };
        }
    }

    let mut ranked: Vec<(usize, usize)> = (0..7)
        .flat_map(|day| (0..24).map(move |hour| (day, hour)))
        .collect();
    // Ties go to the bucket with more evidence, then to the earlier slot, so the answer is
    // the same on every run.
    ranked.sort_by(|&(da, ha), &(db, hb)| {
        raw[db][hb]
            .total_cmp(&raw[da][ha])
            .then(buckets[db][hb].count.cmp(&buckets[da][ha].count))
            .then((da, ha).cmp(&(db, hb)))
    });
    let suggested_times: Vec<SuggestedTime> = ranked
        .iter()
        .take(SUGGESTIONS)
        .map(|&(day, hour)| SuggestedTime {
            weekday: WEEKDAYS[day],
            hour: u8::try_from(hour).unwrap_or(0),
            local_time: format!("{hour:02}:00"),
            score: heatmap[day][hour],
            sample_size: buckets[day][hour].count,
        })
        .collect();
    let slots: Vec<(usize, usize)> = ranked.iter().take(SUGGESTIONS).copied().collect();
    let next_slots = next_slots(&slots, zone, now, NEXT_SLOTS);

    let confidence = if basis == BestTimeBasis::Priors || qualified_buckets < 3 {
        Confidence::Low
    } else if total.count >= 100
        && qualified_buckets >= 10
        && suggested_times
            .first()
            .is_some_and(|best| best.sample_size >= MIN_BUCKET_SAMPLE)
    {
        Confidence::High
    } else {
        Confidence::Medium
    };

    BestTimes {
        suggested_times,
        heatmap,
        next_slots,
        confidence,
        sample_size: total.count,
        basis,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The next `count` starts of the given local (weekday, hour) slots strictly after `now`, as
/// UTC instants. A slot whose local hour a DST change skips that day starts when the clocks
/// resume (the zone's compatible reading); a repeated hour starts at its first occurrence.
pub fn next_slots(
    slots: &[(usize, usize)],
    zone: &TimeZone,
    now: OffsetDateTime,
    count: usize,
) -> Vec<OffsetDateTime> {
    slot_starts(slots, zone, now, count)
        .into_iter()
        .map(|(at, _)| at)
        .collect()
}

/// [`next_slots`] with the index in `slots` of each start.
fn slot_starts(
    slots: &[(usize, usize)],
    zone: &TimeZone,
    now: OffsetDateTime,
    count: usize,
) -> Vec<(OffsetDateTime, usize)> {
    let Some(now_ts) = jiff_instant(now) else {
        return Vec::new();
    };
    let today: Date = now_ts.to_zoned(zone.clone()).date();
    let mut found = Vec::new();
    // Each week holds every slot once: enough weeks for `count` starts, plus today.
    let weeks = i64::try_from(count.div_ceil(slots.len().max(1))).unwrap_or(1);
    for offset in 0..=7 * weeks {
        let Ok(date) = today.checked_add(jiff::Span::new().days(offset)) else {
            continue;
        };
        let day = weekday_index(date.weekday());
        for (index, &(slot_day, hour)) in slots.iter().enumerate() {
            if slot_day != day {
                continue;
            }
            let Ok(hour) = i8::try_from(hour) else {
                continue;
            };
            let Ok(zoned) = date.at(hour, 0, 0, 0).to_zoned(zone.clone()) else {
                continue;
            };
            let ts = zoned.timestamp();
            if ts > now_ts
                && let Some(at) = time_instant(ts)
                && !found.iter().any(|(seen, _)| *seen == at)
            {
                found.push((at, index));
            }
        }
    }
    found.sort();
    found.truncate(count);
    found
}

/// A suggested slot at least this good (of 100) can be picked by [`next_best_slot`] when it
/// comes sooner than the best one: waiting days for a slot barely better is not worth it.
pub const NEXT_BEST_MIN_SCORE: f64 = 90.0;

/// The soonest slot after `now` (at least `lead` ahead) among the suggested times scoring at
/// least [`NEXT_BEST_MIN_SCORE`], with the slot it is, for `schedule_time: "next_best"`.
pub fn next_best_slot(
    answer: &BestTimes,
    zone: &TimeZone,
    now: OffsetDateTime,
    lead: Duration,
) -> Option<(OffsetDateTime, SuggestedTime)> {
    let candidates: Vec<&SuggestedTime> = answer
        .suggested_times
        .iter()
        .filter(|time| time.score >= NEXT_BEST_MIN_SCORE)
        .collect();
    let slots: Vec<(usize, usize)> = candidates
        .iter()
        .filter_map(|time| {
            let day = WEEKDAYS.iter().position(|name| *name == time.weekday)?;
            Some((day, usize::from(time.hour)))
        })
        .collect();
    let (at, index) = slot_starts(&slots, zone, now + lead, 1)
        .into_iter()
        .next()?;
    Some((at, (*candidates.get(index)?).clone()))
}
