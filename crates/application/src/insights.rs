//! Insights use cases: best times to post and hashtag suggestions for one account, from its
//! platform's read APIs (through the insights cache), its own posts, and the data files the
//! domain ships. A platform that fails degrades the answer to the other sources, and the
//! answer says which source failed.

mod error;
mod post_metrics;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use socialpub_domain::insights::{
    AccountPost, BestTimeBasis, BestTimePriors, BestTimes, HashtagQuery, HashtagSource,
    HashtagSuggestion, IndustryHashtags, Observation, PlatformTag, SuggestedTime, TaggedPost,
    best_times, next_best_slot, normalize_hashtag, rank_hashtags,
};
use socialpub_domain::policy::{HashtagPolicy, rules_for};
use socialpub_domain::{ConnectionId, Platform, UserId};
use socialpub_ports::{
    AudienceHour, Clock, InsightsCache, InsightsReader, InsightsReaderRegistry, PlatformError,
    PostMetricsRepository, PublishAccount,
};
use time::{Duration, OffsetDateTime};

pub use error::InsightsError;
pub use post_metrics::{
    IdleMetricsReads, METRICS_BATCH, METRICS_LEASE, METRICS_MAX_ATTEMPTS, METRICS_POLL,
    METRICS_RETRY_STEP, PostMetricsReads,
};

use crate::{ConnectionError, ConnectionService};

/// At most this many keywords per hashtag request, each at most this many characters.
pub const MAX_KEYWORDS: usize = 10;
pub const MAX_KEYWORD_CHARS: usize = 50;
/// `limit` of a hashtag request: the default and the bound.
pub const DEFAULT_HASHTAG_LIMIT: usize = 10;
pub const MAX_HASHTAG_LIMIT: usize = 30;
/// `next_best` picks a slot at least this far ahead, so the job is still schedulable.
pub const NEXT_BEST_LEAD: Duration = Duration::minutes(5);

/// How insights behave in this deployment.
#[derive(Debug, Clone)]
pub struct InsightsSettings {
    /// How long a platform's insights answer is reused (`INSIGHTS_CACHE_TTL_SECONDS`).
    pub cache_ttl: Duration,
    /// `ENABLE_ADVANCED_INSIGHTS_FETCHING`: when off, only the account's own posts are read
    /// from the platform (the one call every answer needs); audience data and live hashtag
    /// research, which cost extra calls and scarce quota (Instagram: 30 hashtags a week), are
    /// skipped.
    pub advanced_fetching: bool,
    /// How many recent posts to read for an account.
    pub recent_posts: usize,
    /// Tags never suggested.
    pub hashtag_policy: HashtagPolicy,
}

impl Default for InsightsSettings {
    fn default() -> Self {
        Self {
            cache_ttl: Duration::hours(1),
            advanced_fetching: true,
            recent_posts: 200,
            hashtag_policy: HashtagPolicy::builtin(),
        }
    }
}

/// The ports the insights use cases need.
#[derive(Clone)]
pub struct InsightsPorts {
    /// Finds the user's connection and gives a fresh token for it.
    pub connections: ConnectionService,
    pub readers: Arc<dyn InsightsReaderRegistry>,
    pub cache: Arc<dyn InsightsCache>,
    /// The metrics the workers read of the posts published through us.
    pub post_metrics: Arc<dyn PostMetricsRepository>,
    pub clock: Arc<dyn Clock>,
}

/// A source that could not be read, and why, in the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedSource {
    pub source: &'static str,
    pub reason: String,
}

/// `GET /insights/{platform}/best-times`.
#[derive(Debug, Clone)]
pub struct BestTimesAnswer {
    pub times: BestTimes,
    pub time_zone: String,
    pub sources_failed: Vec<FailedSource>,
}

/// `POST /insights/{platform}/hashtags`.
#[derive(Debug, Clone, Default)]
pub struct HashtagRequest {
    pub keywords: Vec<String>,
    pub industry: Option<String>,
    pub limit: Option<usize>,
    pub connection_id: Option<ConnectionId>,
}

#[derive(Debug, Clone)]
pub struct HashtagAnswer {
    pub suggestions: Vec<HashtagSuggestion>,
    /// The most hashtags one post may carry on the platform, when it has a cap.
    pub cap: Option<usize>,
    pub sources_used: Vec<HashtagSource>,
    pub sources_failed: Vec<FailedSource>,
}

/// The slot `schedule_time: "next_best"` picked.
#[derive(Debug, Clone)]
pub struct NextBest {
    pub at: OffsetDateTime,
    pub slot: SuggestedTime,
    pub time_zone: String,
    pub times: BestTimes,
}

impl NextBest {
    /// Why this time: said to the client and kept with the job.
    pub fn explanation(&self) -> String {
        format!(
            "next best slot: {} {} {} (score {}, basis {}, confidence {}, {} posts)",
            self.slot.weekday,
            self.slot.local_time,
            self.time_zone,
            self.slot.score,
            serde_plain(&self.times.basis),
            serde_plain(&self.times.confidence),
            self.times.sample_size
        )
    }
}

fn serde_plain<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Best times and hashtag suggestions.
#[derive(Clone)]
pub struct InsightsService {
    ports: InsightsPorts,
    settings: Arc<InsightsSettings>,
}

/// The account to read, or why it cannot be read.
enum Account {
    Ready(PublishAccount),
    Unavailable(FailedSource),
}

impl InsightsService {
    pub fn new(ports: InsightsPorts, settings: InsightsSettings) -> Self {
        Self {
            ports,
            settings: Arc::new(settings),
        }
    }

    pub fn settings(&self) -> &InsightsSettings {
        &self.settings
    }

    /// The engagement of the account's posts: those the platform lists (whoever published
    /// them, so a new connection has history on day one), then those published through us
    /// that the listing lacks, with the metrics the workers read of them.
    async fn engagement(
        &self,
        user: &UserId,
        listed: Vec<AccountPost>,
        connection: ConnectionId,
        failed: &mut Vec<FailedSource>,
    ) -> Vec<Observation> {
        let limit = u32::try_from(self.settings.recent_posts).unwrap_or(u32::MAX);
        let mut observations: Vec<Observation> = listed
            .iter()
            .map(|post| Observation {
                at: post.published_at,
                value: post.metrics.engagement(),
            })
            .collect();
        match self
            .ports
            .post_metrics
            .of_connection(user, connection, limit)
            .await
        {
            Ok(stored) => observations.extend(
                stored
                    .iter()
                    .filter(|post| {
                        !listed
                            .iter()
                            .any(|listed| listed.external_id == post.external_post_id)
                    })
                    .map(|post| Observation {
                        at: post.published_at,
                        value: post.reading.metrics.engagement(),
                    }),
            ),
            Err(error) => failed.push(FailedSource {
                source: "post_metrics",
                reason: error.to_string(),
            }),
        }
        observations
    }

    /// The user's connection on `platform`, with a fresh token when one can be had.
    async fn account(
        &self,
        user: &UserId,
        platform: Platform,
        id: ConnectionId,
    ) -> Result<Account, InsightsError> {
        let connection = match self.ports.connections.get(user, id).await {
            Ok(connection) => connection,
            Err(ConnectionError::NotFound(_)) => return Err(InsightsError::ConnectionNotFound(id)),
            Err(ConnectionError::Repository(error)) => return Err(error.into()),
            Err(error) => {
                return Ok(Account::Unavailable(FailedSource {
                    source: "connection",
                    reason: error.to_string(),
                }));
            }
        };
        if connection.platform != platform {
            return Err(InsightsError::PlatformMismatch {
                connection: id,
                expected: platform,
                actual: connection.platform,
            });
        }
        match self.ports.connections.fresh_access_token(user, id).await {
            Ok((connection, access_token)) => Ok(Account::Ready(PublishAccount {
                external_user_id: connection.external_user_id,
                display_name: connection.external_display_name,
                access_token,
            })),
            Err(ConnectionError::Repository(error)) => Err(error.into()),
            Err(error) => Ok(Account::Unavailable(FailedSource {
                source: "connection",
                reason: error.to_string(),
            })),
        }
    }

    /// One platform read through the cache, keyed `{platform}:{insight}:{context}`. A cache
    /// that fails is a miss; a platform that fails is reported, not cached.
    async fn cached<T, F>(
        &self,
        platform: Platform,
        insight: &str,
        context: &str,
        read: F,
    ) -> Result<T, PlatformError>
    where
        T: Serialize + DeserializeOwned,
        F: Future<Output = Result<T, PlatformError>>,
    {
        let key = format!("{}:{insight}:{context}", platform.as_str());
        if let Ok(Some(value)) = self.ports.cache.get(&key).await
            && let Ok(hit) = serde_json::from_value(value)
        {
            return Ok(hit);
        }
        let fresh = read.await?;
        if let Ok(value) = serde_json::to_value(&fresh)
            && let Err(error) = self
                .ports
                .cache
                .put(&key, value, self.settings.cache_ttl)
                .await
        {
            tracing::debug!(%error, key, "insights cache refused an entry");
        }
        Ok(fresh)
    }

    async fn recent_posts(
        &self,
        reader: &dyn InsightsReader,
        account: &PublishAccount,
        connection: ConnectionId,
    ) -> Result<Vec<AccountPost>, PlatformError> {
        let limit = self.settings.recent_posts;
        self.cached(
            reader.platform(),
            "recent_posts",
            &connection.to_string(),
            reader.recent_posts(account, limit),
        )
        .await
    }

    async fn audience(
        &self,
        reader: &dyn InsightsReader,
        account: &PublishAccount,
        connection: ConnectionId,
    ) -> Result<Vec<AudienceHour>, PlatformError> {
        self.cached(
            reader.platform(),
            "audience_online",
            &connection.to_string(),
            reader.audience_online(account),
        )
        .await
    }

    /// Best times for the connection's account, in `time_zone`.
    ///
    /// # Errors
    /// [`InsightsError::ConnectionNotFound`] for another user's or an unknown connection,
    /// [`InsightsError::PlatformMismatch`], [`InsightsError::UnknownTimeZone`].
    pub async fn best_times(
        &self,
        user: &UserId,
        platform: Platform,
        connection: ConnectionId,
        time_zone: &str,
    ) -> Result<BestTimesAnswer, InsightsError> {
        let zone = jiff::tz::db()
            .get(time_zone)
            .map_err(|_| InsightsError::UnknownTimeZone(time_zone.chars().take(64).collect()))?;
        let mut failed = Vec::new();
        let mut observations = Vec::new();
        let mut basis = BestTimeBasis::Engagement;
        let mut listed: Option<Vec<AccountPost>> = None;
        match self.account(user, platform, connection).await? {
            Account::Unavailable(reason) => failed.push(reason),
            Account::Ready(account) => match self.ports.readers.reader(platform) {
                None => {}
                Some(reader) => {
                    if self.settings.advanced_fetching {
                        match self.audience(reader.as_ref(), &account, connection).await {
                            Ok(hours) if !hours.is_empty() => {
                                basis = BestTimeBasis::Audience;
                                observations = hours
                                    .iter()
                                    .map(|hour| Observation {
                                        at: hour.at,
                                        value: hour.online as f64,
                                    })
                                    .collect();
                            }
                            Ok(_) => {}
                            Err(error) => failed.push(platform_failure("audience_online", &error)),
                        }
                    }
                    if observations.is_empty() {
                        match self
                            .recent_posts(reader.as_ref(), &account, connection)
                            .await
                        {
                            Ok(posts) => listed = Some(posts),
                            Err(error) => {
                                listed = Some(Vec::new());
                                failed.push(platform_failure("recent_posts", &error));
                            }
                        }
                    }
                }
            },
        }
        if basis == BestTimeBasis::Engagement {
            let listed = listed.unwrap_or_default();
            observations = self.engagement(user, listed, connection, &mut failed).await;
        }
        let times = best_times(
            &observations,
            basis,
            BestTimePriors::shipped(platform),
            &zone,
            self.ports.clock.now(),
        );
        Ok(BestTimesAnswer {
            times,
            time_zone: time_zone.to_owned(),
            sources_failed: failed,
        })
    }

    /// The account's next best slot, for `schedule_time: "next_best"`.
    ///
    /// # Errors
    /// As [`InsightsService::best_times`].
    pub async fn next_best(
        &self,
        user: &UserId,
        platform: Platform,
        connection: ConnectionId,
        time_zone: &str,
    ) -> Result<Option<NextBest>, InsightsError> {
        let answer = self
            .best_times(user, platform, connection, time_zone)
            .await?;
        let Ok(zone) = jiff::tz::db().get(time_zone) else {
            return Err(InsightsError::UnknownTimeZone(time_zone.to_owned()));
        };
        Ok(
            next_best_slot(&answer.times, &zone, self.ports.clock.now(), NEXT_BEST_LEAD).map(
                |(at, slot)| NextBest {
                    at,
                    slot,
                    time_zone: answer.time_zone,
                    times: answer.times,
                },
            ),
        )
    }

    /// [`InsightsService::next_best`] for a connection of whichever platform.
    ///
    /// # Errors
    /// As [`InsightsService::best_times`].
    pub async fn next_best_for(
        &self,
        user: &UserId,
        connection: ConnectionId,
        time_zone: &str,
    ) -> Result<Option<NextBest>, InsightsError> {
        let platform = match self.ports.connections.get(user, connection).await {
            Ok(found) => found.platform,
            Err(ConnectionError::Repository(error)) => return Err(error.into()),
            Err(_) => return Err(InsightsError::ConnectionNotFound(connection)),
        };
        self.next_best(user, platform, connection, time_zone).await
    }

    /// Hashtag suggestions for the keywords.
    ///
    /// # Errors
    /// [`InsightsError::InvalidInput`] naming `keywords`, `industry` or `limit`; the
    /// connection errors of [`InsightsService::best_times`].
    pub async fn hashtags(
        &self,
        user: &UserId,
        platform: Platform,
        request: &HashtagRequest,
    ) -> Result<HashtagAnswer, InsightsError> {
        let keywords = check_keywords(&request.keywords)?;
        let limit = match request.limit {
            None => DEFAULT_HASHTAG_LIMIT,
            Some(limit) if (1..=MAX_HASHTAG_LIMIT).contains(&limit) => limit,
            Some(_) => {
                return Err(InsightsError::InvalidInput {
                    field: "limit",
                    message: format!("limit must be between 1 and {MAX_HASHTAG_LIMIT}"),
                });
            }
        };
        let industries = IndustryHashtags::shipped();
        if let Some(industry) = &request.industry
            && industries.tags(industry).is_none()
        {
            let known: Vec<&str> = industries.industries().collect();
            return Err(InsightsError::InvalidInput {
                field: "industry",
                message: format!("industry must be one of {}", known.join(", ")),
            });
        }

        let mut failed = Vec::new();
        let mut own_posts = Vec::new();
        let mut live: Vec<PlatformTag> = Vec::new();
        if let Some(connection) = request.connection_id {
            match self.account(user, platform, connection).await? {
                Account::Unavailable(reason) => failed.push(reason),
                Account::Ready(account) => {
                    if let Some(reader) = self.ports.readers.reader(platform) {
                        match self
                            .recent_posts(reader.as_ref(), &account, connection)
                            .await
                        {
                            Ok(posts) => {
                                own_posts = posts
                                    .into_iter()
                                    .map(|post| TaggedPost {
                                        engagement: post.metrics.engagement(),
                                        text: post.text,
                                    })
                                    .collect();
                            }
                            Err(error) => failed.push(platform_failure("own_posts", &error)),
                        }
                        if self.settings.advanced_fetching {
                            let mut context: Vec<String> =
                                keywords.iter().map(|k| normalize_hashtag(k)).collect();
                            context.sort();
                            context.dedup();
                            let context = format!("{connection}:{}", context.join(","));
                            match self
                                .cached(
                                    platform,
                                    "related_hashtags",
                                    &context,
                                    reader.related_hashtags(&account, &keywords),
                                )
                                .await
                            {
                                Ok(tags) => live = tags,
                                Err(error) => failed.push(platform_failure("platform", &error)),
                            }
                        }
                    }
                }
            }
        }

        let cap = rules_for(platform).text.max_hashtags;
        let suggestions = rank_hashtags(&HashtagQuery {
            keywords: &keywords,
            industry: request.industry.as_deref(),
            own_posts: &own_posts,
            platform: &live,
            banned: &self.settings.hashtag_policy,
            cap,
            limit,
        });
        let mut sources_used: Vec<HashtagSource> = suggestions.iter().map(|s| s.source).collect();
        sources_used.sort();
        sources_used.dedup();
        Ok(HashtagAnswer {
            suggestions,
            cap,
            sources_used,
            sources_failed: failed,
        })
    }
}

fn platform_failure(source: &'static str, error: &PlatformError) -> FailedSource {
    tracing::warn!(source, %error, "insights source failed; answering from the others");
    FailedSource {
        source,
        reason: format!("{} ({})", error.kind.as_str(), error.message),
    }
}

fn check_keywords(raw: &[String]) -> Result<Vec<String>, InsightsError> {
    if raw.is_empty() || raw.len() > MAX_KEYWORDS {
        return Err(InsightsError::InvalidInput {
            field: "keywords",
            message: format!("keywords must hold between 1 and {MAX_KEYWORDS} keywords"),
        });
    }
    raw.iter()
        .map(|keyword| {
            let keyword = keyword.trim();
            if keyword.is_empty() || keyword.chars().count() > MAX_KEYWORD_CHARS {
                Err(InsightsError::InvalidInput {
                    field: "keywords",
                    message: format!(
                        "each keyword must be 1 to {MAX_KEYWORD_CHARS} characters, not blank"
                    ),
                })
            } else {
                Ok(keyword.to_owned())
            }
        })
        .collect()
}
