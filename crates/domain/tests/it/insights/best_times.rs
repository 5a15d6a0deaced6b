use jiff::tz::TimeZone;
use socialpub_domain::Platform;
use socialpub_domain::insights::{
    BestTimeBasis, BestTimePriors, Confidence, MIN_BUCKET_SAMPLE, Observation, best_times,
    local_bucket, next_best_slot, next_slots,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

fn paris() -> TimeZone {
    TimeZone::get("Europe/Paris").expect("the bundled database has Paris")
}

fn obs(at: OffsetDateTime, value: f64) -> Observation {
    Observation { at, value }
}

/// Twelve weeks of posts: every weekday at 08:00 and 13:00 UTC with ordinary engagement,
/// plus Tuesdays at 17:00 UTC (18:00 in Paris in winter) doing three times better.
fn winter_history() -> Vec<Observation> {
    let monday = datetime!(2026-01-05 00:00 UTC);
    let mut history = Vec::new();
    for week in 0..12 {
        for day in 0..5 {
            let date = monday + Duration::weeks(week) + Duration::days(day);
            history.push(obs(date + Duration::hours(8), 100.0));
            history.push(obs(date + Duration::hours(13), 110.0));
        }
        let tuesday = monday + Duration::weeks(week) + Duration::days(1);
        history.push(obs(tuesday + Duration::hours(17), 330.0));
    }
    history
}

#[test]
fn the_peak_is_found_in_the_audiences_local_time() {
    let answer = best_times(
        &winter_history(),
        BestTimeBasis::Engagement,
        BestTimePriors::shipped(Platform::Instagram),
        &paris(),
        datetime!(2026-04-01 10:00 UTC),
    );
    let best = &answer.suggested_times[0];
    assert_eq!((best.weekday, best.hour), ("tuesday", 18));
    assert_eq!(best.local_time, "18:00");
    assert_eq!(best.score, 100.0);
    assert_eq!(answer.heatmap[1][18], 100.0);
    assert_eq!(answer.basis, BestTimeBasis::Engagement);
    assert_eq!(answer.sample_size, 132);
    assert_eq!(answer.confidence, Confidence::High);
}

#[test]
fn with_too_little_data_the_answer_is_the_priors_and_says_so() {
    let few = &winter_history()[..5];
    let answer = best_times(
        few,
        BestTimeBasis::Engagement,
        BestTimePriors::shipped(Platform::Linkedin),
        &paris(),
        datetime!(2026-04-01 10:00 UTC),
    );
    assert_eq!(answer.basis, BestTimeBasis::Priors);
    assert_eq!(answer.confidence, Confidence::Low);
    assert_eq!(answer.sample_size, 5);
    // LinkedIn's prior favours weekday mornings.
    let best = &answer.suggested_times[0];
    assert!(["tuesday", "wednesday"].contains(&best.weekday), "{best:?}");
    assert!((9..=11).contains(&best.hour), "{best:?}");
}

#[test]
fn a_bucket_with_too_few_posts_does_not_win() {
    let mut history = winter_history();
    // Two viral posts on Sunday at 04:00 in Paris: far better, but too few to trust.
    for week in 0..(i64::from(MIN_BUCKET_SAMPLE) - 1) {
        history.push(obs(
            datetime!(2026-01-11 03:00 UTC) + Duration::weeks(week),
            50_000.0,
        ));
    }
    let answer = best_times(
        &history,
        BestTimeBasis::Engagement,
        BestTimePriors::shipped(Platform::Instagram),
        &paris(),
        datetime!(2026-04-01 10:00 UTC),
    );
    let best = &answer.suggested_times[0];
    assert_eq!((best.weekday, best.hour), ("tuesday", 18));
    assert!(
        answer
            .suggested_times
            .iter()
            .all(|time| (time.weekday, time.hour) != ("sunday", 4)),
        "{:?}",
        answer.suggested_times
    );
}

#[test]
fn posts_at_the_same_local_hour_share_a_bucket_across_spring_forward() {
    // Paris moves from UTC+1 to UTC+2 on 2026-03-29.
    let before = datetime!(2026-03-27 08:00 UTC);
    let after = datetime!(2026-03-30 07:00 UTC);
    assert_eq!(local_bucket(before, &paris()), Some((4, 9)));
    assert_eq!(local_bucket(after, &paris()), Some((0, 9)));
    // The same UTC hour is another local hour after the change.
    assert_eq!(
        local_bucket(datetime!(2026-03-30 08:00 UTC), &paris()),
        Some((0, 10))
    );
}

#[test]
fn posts_at_the_same_local_hour_share_a_bucket_across_fall_back() {
    // Paris moves from UTC+2 to UTC+1 on 2026-10-25.
    assert_eq!(
        local_bucket(datetime!(2026-10-23 07:00 UTC), &paris()),
        Some((4, 9))
    );
    assert_eq!(
        local_bucket(datetime!(2026-10-26 08:00 UTC), &paris()),
        Some((0, 9))
    );
    // Both passes through the repeated hour are 02:00 local on Sunday.
    assert_eq!(
        local_bucket(datetime!(2026-10-25 00:30 UTC), &paris()),
        Some((6, 2))
    );
    assert_eq!(
        local_bucket(datetime!(2026-10-25 01:30 UTC), &paris()),
        Some((6, 2))
    );
}

#[test]
fn a_peak_learnt_in_winter_is_kept_in_local_time_in_summer() {
    // The same posting habit as winter_history, at 18:00 Paris time, after the change to
    // summer time: 16:00 UTC instead of 17:00.
    let mut history = winter_history();
    for week in 0..6 {
        history.push(obs(
            datetime!(2026-04-07 16:00 UTC) + Duration::weeks(week),
            330.0,
        ));
    }
    let answer = best_times(
        &history,
        BestTimeBasis::Engagement,
        BestTimePriors::shipped(Platform::Instagram),
        &paris(),
        datetime!(2026-05-20 10:00 UTC),
    );
    let best = &answer.suggested_times[0];
    assert_eq!((best.weekday, best.hour), ("tuesday", 18));
    assert_eq!(best.sample_size, 18);
    // Next Tuesday 18:00 in Paris, summer time.
    assert_eq!(answer.next_slots[0].weekday(), time::Weekday::Tuesday);
    assert!(answer.next_slots.contains(&datetime!(2026-05-26 16:00 UTC)));
}

#[test]
fn next_slots_follow_the_spring_forward_change() {
    // Monday 09:00 Paris: 08:00 UTC in winter, 07:00 UTC once summer time starts.
    let slots = [(0, 9)];
    assert_eq!(
        next_slots(&slots, &paris(), datetime!(2026-03-21 12:00 UTC), 2),
        vec![
            datetime!(2026-03-23 08:00 UTC),
            datetime!(2026-03-30 07:00 UTC)
        ]
    );
}

#[test]
fn next_slots_follow_the_fall_back_change() {
    let slots = [(0, 9)];
    assert_eq!(
        next_slots(&slots, &paris(), datetime!(2026-10-17 12:00 UTC), 2),
        vec![
            datetime!(2026-10-19 07:00 UTC),
            datetime!(2026-10-26 08:00 UTC)
        ]
    );
}

#[test]
fn a_slot_in_the_skipped_hour_starts_when_the_clocks_resume() {
    // Sunday 02:00 does not exist in Paris on 2026-03-29: the slot starts at 03:00 summer
    // time, 01:00 UTC.
    assert_eq!(
        next_slots(&[(6, 2)], &paris(), datetime!(2026-03-28 12:00 UTC), 1),
        vec![datetime!(2026-03-29 01:00 UTC)]
    );
}

#[test]
fn a_repeated_hour_starts_at_its_first_occurrence() {
    assert_eq!(
        next_slots(&[(6, 2)], &paris(), datetime!(2026-10-24 12:00 UTC), 1),
        vec![datetime!(2026-10-25 00:00 UTC)]
    );
}

#[test]
fn next_slots_are_after_now_and_soonest_first() {
    let answer = best_times(
        &winter_history(),
        BestTimeBasis::Engagement,
        BestTimePriors::shipped(Platform::Instagram),
        &paris(),
        datetime!(2026-01-06 17:30 UTC),
    );
    let now = datetime!(2026-01-06 17:30 UTC);
    assert!(answer.next_slots.iter().all(|slot| *slot > now));
    assert!(answer.next_slots.windows(2).all(|w| w[0] < w[1]));
    // Tuesday 18:00 has just started: the next one is a week later.
    assert_eq!(
        next_slots(&[(1, 18)], &paris(), now, 1),
        vec![datetime!(2026-01-13 17:00 UTC)]
    );
}

#[test]
fn next_best_names_the_slot_it_picked() {
    let answer = best_times(
        &winter_history(),
        BestTimeBasis::Engagement,
        BestTimePriors::shipped(Platform::Instagram),
        &paris(),
        datetime!(2026-03-01 10:00 UTC),
    );
    let (at, slot) = next_best_slot(
        &answer,
        &paris(),
        datetime!(2026-03-01 10:00 UTC),
        Duration::minutes(5),
    )
    .unwrap();
    assert!(at > datetime!(2026-03-01 10:05 UTC));
    assert_eq!(local_bucket(at, &paris()), {
        let day = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ]
        .iter()
        .position(|d| *d == slot.weekday)
        .unwrap();
        Some((day, usize::from(slot.hour)))
    });
}

#[test]
fn every_platform_has_priors_averaging_one() {
    for platform in Platform::ALL {
        let priors = BestTimePriors::shipped(platform);
        assert_ne!(priors, &BestTimePriors::flat(), "{platform}");
        let sum: f64 = (0..7)
            .flat_map(|d| (0..24).map(move |h| (d, h)))
            .map(|(d, h)| priors.at(d, h))
            .sum();
        assert!((sum / 168.0 - 1.0).abs() < 1e-9, "{platform}");
    }
}
