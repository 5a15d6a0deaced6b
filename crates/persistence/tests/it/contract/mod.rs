//! The repository contract suite: each test is written once, as a function of the
//! repositories, and run by [`contract_suite!`] against every backend. A fake that passes here
//! behaves like the databases as far as the application can tell.

pub mod connections;
pub mod fixtures;
pub mod idempotency;
pub mod jobs;
pub mod oauth_states;
pub mod post_metrics;

/// Declares `mod $backend` with one `#[tokio::test]` per contract test, each on a fresh store
/// of type `$env` (a [`crate::harness::TestBackend`]).
macro_rules! contract_suite {
    ($backend:ident, $env:ty) => {
        contract_suite!(@tests $backend, $env;
            connections {
                save_then_get_returns_what_was_saved,
                saving_again_replaces_the_stored_connection,
                reads_and_deletes_are_scoped_by_user,
                find_by_account_matches_platform_and_external_id,
                a_second_connection_to_the_same_account_is_a_conflict,
                list_filters_orders_oldest_first_and_pages,
                delete_removes_the_connection_once,
                list_expiring_returns_active_connections_soonest_first,
                list_all_after_pages_every_users_connections_by_id,
                the_refresh_lock_has_one_holder_at_a_time,
            }
            jobs {
                create_then_get_returns_the_job_to_its_owner_only,
                creating_the_same_job_twice_is_a_conflict,
                a_post_and_its_targets_are_created_together_and_read_back,
                creating_a_post_again_creates_none_of_its_targets,
                list_filters_orders_newest_first_and_pages,
                list_filters_on_the_scheduled_time_or_else_the_creation_time,
                claim_due_takes_only_due_jobs_earliest_first,
                claim_due_takes_at_most_limit_jobs,
                a_parked_job_is_claimed_again_without_spending_an_attempt,
                renew_lease_and_save_leased_need_the_lease,
                save_user_change_works_until_a_worker_claims_the_job,
                save_user_change_needs_the_expected_status,
                a_failed_job_retried_by_its_user_is_claimed_again,
                missed_and_unknown_outcomes_are_stored_and_resolved,
                next_due_at_is_when_the_earliest_waiting_job_falls_due,
                count_by_status_counts_every_users_jobs,
                recover_expired_leases_requeues_jobs_whose_worker_died,
                recover_expired_leases_keeps_the_commit_marker_for_reconciliation,
                attempts_are_recorded_updated_and_listed_for_the_owner,
                a_job_and_its_attempt_are_saved_together_or_not_at_all,
                concurrent_saves_each_get_their_own_answer,
                a_burst_of_saves_is_stored_whole,
            }
            idempotency {
                a_key_runs_once_and_its_answer_is_replayed,
                a_released_claim_runs_again_but_an_answer_stays,
                a_claim_whose_holder_died_is_taken_over,
                answers_are_kept_for_their_time_then_forgotten,
                completing_a_key_nobody_claimed_is_a_conflict,
            }
            oauth_states {
                a_state_can_be_taken_once,
                only_the_user_who_started_can_take_the_state,
                putting_the_same_state_twice_is_a_conflict,
                a_user_keeps_only_the_newest_states_up_to_the_cap,
                expired_states_are_taken_and_purged,
            }
            post_metrics {
                a_published_job_is_read_at_each_checkpoint_once,
                readings_are_stored_and_the_newest_is_shown_to_the_owner,
                a_failed_read_is_retried_when_asked,
                unpublished_jobs_park_no_reads,
                a_connections_readings_come_newest_post_first,
                a_job_is_read_with_its_newest_reading_in_one_go,
            }
        );
    };
    (@tests $backend:ident, $env:ty; $($module:ident { $($test:ident),* $(,)? })*) => {
        mod $backend {
            $(
                mod $module {
                    $(
                        #[tokio::test]
                        async fn $test() {
                            use $crate::harness::TestBackend as _;
                            let env = <$env>::start().await;
                            $crate::contract::$module::$test(env.repos()).await;
                        }
                    )*
                }
            )*
        }
    };
}

contract_suite!(postgres, crate::harness::postgres::PostgresBackend);
contract_suite!(sqlite, crate::harness::sqlite::SqliteBackend);
contract_suite!(fakes, crate::harness::fakes::FakeBackend);
