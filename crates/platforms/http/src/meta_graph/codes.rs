//! Meta's table of Graph error codes and subcodes, shared by the Facebook Pages and Instagram
//! APIs: the codes mean the same on both, so one table keeps the two clients in step.

use socialpub_ports::PlatformErrorKind;

/// The handling class of a Graph error code and subcode, per Meta's tables. Subcodes are
/// checked first because Instagram and Pages reuse generic codes (1, 9, 100, 368) with
/// specific subcodes. `None` for a code the table does not know.
pub fn kind_for_graph_code(code: i64, subcode: Option<i64>) -> Option<PlatformErrorKind> {
    use PlatformErrorKind::{Auth, Content, InvalidRequest, Media, Permission, Quota, Transient};
    let by_subcode = match subcode {
        Some(2_207_042 | 1_390_008) => Some(Quota),
        Some(2_207_001 | 2_207_003 | 2_207_027 | 2_207_032) => Some(Transient),
        Some(
            2_207_004 | 2_207_005 | 2_207_008 | 2_207_009 | 2_207_020 | 2_207_026 | 2_207_052
            | 2_207_053 | 1_366_046,
        ) => Some(Media),
        Some(2_207_057) => Some(InvalidRequest),
        Some(
            2_207_010 | 2_207_028 | 2_207_040 | 2_207_051 | 1_346_003 | 1_404_102 | 1_366_051
            | 1_609_008 | 2_061_006,
        ) => Some(Content),
        Some(2_207_050 | 1_404_078 | 4_854_002) => Some(Permission),
        Some(458..=460 | 463 | 464 | 467 | 492) => Some(Auth),
        _ => None,
    };
    by_subcode.or(match code {
        102 | 190 => Some(Auth),
        10 | 200..=299 => Some(Permission),
        4 | 9 | 17 | 32 | 341 | 613 | 80_001..=80_014 => Some(Quota),
        -2 | -1 | 1 | 2 | 9007 => Some(Transient),
        368 | 506 | 36_004 => Some(Content),
        24 | 352 | 382 | 389 | 6000 | 6001 | 9004 | 36_000 | 36_001 | 36_003 => Some(Media),
        100 | 101 | 3001 => Some(InvalidRequest),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subcodes_win_over_codes() {
        use PlatformErrorKind::{Auth, Media, Permission, Quota, Transient};
        assert_eq!(kind_for_graph_code(190, None), Some(Auth));
        assert_eq!(kind_for_graph_code(9, Some(2_207_042)), Some(Quota));
        assert_eq!(kind_for_graph_code(100, Some(2_207_052)), Some(Media));
        assert_eq!(kind_for_graph_code(1, None), Some(Transient));
        assert_eq!(kind_for_graph_code(230, None), Some(Permission));
        assert_eq!(kind_for_graph_code(190, Some(460)), Some(Auth));
        assert_eq!(kind_for_graph_code(12_345, None), None);
    }
}
