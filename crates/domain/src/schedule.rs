//! When a scheduled post goes out: a UTC instant, plus the author's IANA time zone so that
//! local-time views stay right across DST. Parsed at the edge from what a client sends.

use jiff::civil;
use jiff::tz::{AmbiguousOffset, TimeZone};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// The request field holding the time.
pub const SCHEDULE_TIME_FIELD: &str = "schedule_time";
/// The request field holding the IANA zone.
pub const TIME_ZONE_FIELD: &str = "time_zone";

/// A parsed schedule time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleTime {
    pub at: OffsetDateTime,
    /// The IANA name, as the time zone database spells it.
    pub time_zone: Option<String>,
    /// Said to the client when the time was read in a way it may not expect (a local time
    /// that happens twice took the earlier one).
    pub note: Option<String>,
}

/// Why a schedule time was refused. Each names the request field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(
        "schedule_time must be an RFC 3339 date-time with an offset (2026-03-29T09:00:00+02:00) \
         or a local date-time (2026-03-29T09:00:00) with a time_zone"
    )]
    Malformed,
    #[error("schedule_time `{0}` has no offset: add one, or name its IANA time_zone")]
    NaiveWithoutZone(String),
    #[error("time_zone `{0}` is not an IANA time zone name (such as Europe/Paris)")]
    UnknownZone(String),
    /// A local time skipped by a DST change (clocks jumped over it).
    #[error("{local} does not exist in {zone}: the clocks skip it for a DST change")]
    NonExistentLocalTime { local: String, zone: String },
    #[error("schedule_time is in the past")]
    InPast,
    #[error("schedule_time is more than {days} days ahead")]
    BeyondHorizon { days: i64 },
}

impl ScheduleError {
    /// The request field to blame.
    pub const fn field(&self) -> &'static str {
        match self {
            ScheduleError::UnknownZone(_) => TIME_ZONE_FIELD,
            _ => SCHEDULE_TIME_FIELD,
        }
    }
}

fn zone(name: &str) -> Result<TimeZone, ScheduleError> {
    jiff::tz::db()
        .get(name)
        .map_err(|_| ScheduleError::UnknownZone(name.chars().take(64).collect()))
}

fn naive(raw: &str) -> Option<PrimitiveDateTime> {
    let with_seconds = format_description!(
        version = 2,
        "[year]-[month]-[day][first [T] [t] [ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    let without_seconds = format_description!(
        version = 2,
        "[year]-[month]-[day][first [T] [t] [ ]][hour]:[minute]"
    );
    PrimitiveDateTime::parse(raw, with_seconds)
        .or_else(|_| PrimitiveDateTime::parse(raw, without_seconds))
        .ok()
}

fn to_offset_date_time(ts: jiff::Timestamp) -> Result<OffsetDateTime, ScheduleError> {
    OffsetDateTime::from_unix_timestamp_nanos(ts.as_nanosecond())
        .map_err(|_| ScheduleError::Malformed)
}

/// Reads `schedule_time` (RFC 3339 with an offset, or a local date-time read in `time_zone`)
/// and checks `time_zone` names a real zone.
///
/// A local time inside a DST gap is refused; one inside a fold (it happens twice) takes the
/// earlier instant and says so in the note.
///
/// # Errors
/// [`ScheduleError`], naming the field at fault.
pub fn parse_schedule_time(
    schedule_time: &str,
    time_zone: Option<&str>,
) -> Result<ScheduleTime, ScheduleError> {
    let schedule_time = schedule_time.trim();
    let tz = time_zone
        .map(|name| zone(name).map(|tz| (name, tz)))
        .transpose()?;
    // The database's own spelling, so a zone is stored one way whatever the client's case.
    let canonical = |name: &str, tz: &TimeZone| tz.iana_name().unwrap_or(name).to_owned();
    if let Ok(at) = OffsetDateTime::parse(schedule_time, &Rfc3339) {
        return Ok(ScheduleTime {
            at,
            time_zone: tz.map(|(name, tz)| canonical(name, &tz)),
            note: None,
        });
    }
    let local = naive(schedule_time).ok_or(ScheduleError::Malformed)?;
    let Some((name, tz)) = tz else {
        return Err(ScheduleError::NaiveWithoutZone(
            schedule_time.chars().take(64).collect(),
        ));
    };
    let civil = civil::DateTime::new(
        i16::try_from(local.year()).map_err(|_| ScheduleError::Malformed)?,
        i8::try_from(u8::from(local.month())).map_err(|_| ScheduleError::Malformed)?,
        i8::try_from(local.day()).map_err(|_| ScheduleError::Malformed)?,
        i8::try_from(local.hour()).map_err(|_| ScheduleError::Malformed)?,
        i8::try_from(local.minute()).map_err(|_| ScheduleError::Malformed)?,
        i8::try_from(local.second()).map_err(|_| ScheduleError::Malformed)?,
        i32::try_from(local.nanosecond()).map_err(|_| ScheduleError::Malformed)?,
    )
    .map_err(|_| ScheduleError::Malformed)?;
    let zone_name = canonical(name, &tz);
    let ambiguous = tz.to_ambiguous_timestamp(civil);
    let (at, note) = match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => {
            return Err(ScheduleError::NonExistentLocalTime {
                local: civil.to_string(),
                zone: zone_name,
            });
        }
        AmbiguousOffset::Fold { .. } => {
            let at = ambiguous.earlier().map_err(|_| ScheduleError::Malformed)?;
            let note = format!(
                "{civil} happens twice in {zone_name} (clocks go back for DST): the earlier one, \
                 {at}, was taken"
            );
            (at, Some(note))
        }
        AmbiguousOffset::Unambiguous { .. } => (
            ambiguous
                .compatible()
                .map_err(|_| ScheduleError::Malformed)?,
            None,
        ),
    };
    Ok(ScheduleTime {
        at: to_offset_date_time(at)?,
        time_zone: Some(zone_name),
        note,
    })
}

/// Checks a scheduled instant is neither in the past (beyond `grace`, for clocks that differ a
/// little) nor further ahead than `horizon`.
///
/// # Errors
/// [`ScheduleError::InPast`] or [`ScheduleError::BeyondHorizon`].
pub fn check_schedule_window(
    at: OffsetDateTime,
    now: OffsetDateTime,
    grace: Duration,
    horizon: Duration,
) -> Result<(), ScheduleError> {
    if at < now - grace {
        return Err(ScheduleError::InPast);
    }
    if at > now + horizon {
        return Err(ScheduleError::BeyondHorizon {
            days: horizon.whole_days(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn an_offset_time_is_taken_as_is_and_the_zone_is_kept() {
        let parsed =
            parse_schedule_time("2026-03-29T09:00:00+02:00", Some("Europe/Paris")).unwrap();
        assert_eq!(parsed.at, datetime!(2026-03-29 07:00 UTC));
        assert_eq!(parsed.time_zone.as_deref(), Some("Europe/Paris"));
        assert_eq!(parsed.note, None);
    }

    #[test]
    fn an_offset_time_needs_no_zone() {
        let parsed = parse_schedule_time("2026-03-29T07:00:00Z", None).unwrap();
        assert_eq!(parsed.at, datetime!(2026-03-29 07:00 UTC));
        assert_eq!(parsed.time_zone, None);
    }

    #[test]
    fn a_local_time_is_read_in_its_zone() {
        let parsed = parse_schedule_time("2026-07-01T09:30:00", Some("America/New_York")).unwrap();
        assert_eq!(parsed.at, datetime!(2026-07-01 13:30 UTC));
        let no_seconds = parse_schedule_time("2026-01-15 09:30", Some("Europe/Paris")).unwrap();
        assert_eq!(no_seconds.at, datetime!(2026-01-15 08:30 UTC));
    }

    #[test]
    fn a_local_time_without_a_zone_is_refused_on_schedule_time() {
        let err = parse_schedule_time("2026-07-01T09:30:00", None).unwrap_err();
        assert!(matches!(err, ScheduleError::NaiveWithoutZone(_)), "{err:?}");
        assert_eq!(err.field(), "schedule_time");
    }

    #[test]
    fn an_unknown_zone_is_refused_on_time_zone() {
        for time in ["2026-07-01T09:30:00", "2026-07-01T09:30:00Z"] {
            let err = parse_schedule_time(time, Some("Mars/Olympus_Mons")).unwrap_err();
            assert_eq!(err, ScheduleError::UnknownZone("Mars/Olympus_Mons".into()));
            assert_eq!(err.field(), "time_zone");
        }
    }

    #[test]
    fn a_time_inside_a_dst_gap_is_refused() {
        // Paris skips 02:00-03:00 on 2026-03-29.
        let err = parse_schedule_time("2026-03-29T02:30:00", Some("Europe/Paris")).unwrap_err();
        assert!(
            matches!(err, ScheduleError::NonExistentLocalTime { .. }),
            "{err:?}"
        );
        assert_eq!(err.field(), "schedule_time");
    }

    #[test]
    fn a_time_inside_a_dst_fold_takes_the_earlier_instant_and_says_so() {
        // Paris goes through 02:00-03:00 twice on 2026-10-25: first at +02:00, then at +01:00.
        let parsed = parse_schedule_time("2026-10-25T02:30:00", Some("Europe/Paris")).unwrap();
        assert_eq!(parsed.at, datetime!(2026-10-25 00:30 UTC));
        assert!(parsed.note.unwrap().contains("earlier"));
    }

    #[test]
    fn garbage_is_malformed() {
        for raw in [
            "",
            "tomorrow",
            "2026-13-01T00:00:00Z",
            "2026-02-30T10:00:00",
        ] {
            let err = parse_schedule_time(raw, Some("UTC")).unwrap_err();
            assert_eq!(err, ScheduleError::Malformed, "{raw}");
        }
    }

    #[test]
    fn the_window_refuses_the_past_and_beyond_the_horizon() {
        let now = datetime!(2026-05-01 12:00 UTC);
        let grace = Duration::seconds(60);
        let horizon = Duration::days(365);
        assert_eq!(
            check_schedule_window(now - Duration::seconds(30), now, grace, horizon),
            Ok(())
        );
        assert_eq!(
            check_schedule_window(now - Duration::minutes(5), now, grace, horizon),
            Err(ScheduleError::InPast)
        );
        assert_eq!(
            check_schedule_window(now + Duration::days(366), now, grace, horizon),
            Err(ScheduleError::BeyondHorizon { days: 365 })
        );
    }
}
