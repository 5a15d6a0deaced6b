//! Hashtag suggestions: candidates from the platform's live data, the account's own posts and
//! a curated industry file, combined into one ranking. A tag that went with the account's
//! better-than-usual posts outranks one the industry file alone proposes; banned tags never
//! appear; no more are suggested than the platform lets a post carry.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::policy::HashtagPolicy;
use crate::twitter_text::extract_hashtags;

const INDUSTRY_JSON: &str = include_str!("../../data/industry_hashtags.json");

/// How many observations "usual engagement" weighs in a tag's lift: a tag seen in one good
/// post is barely above usual.
const LIFT_PRIOR_STRENGTH: f64 = 2.0;
/// A tag must go with at least this lift (after shrinkage) to count as the account's own
/// good tag.
const MIN_LIFT: f64 = 1.05;

/// Where a suggestion comes from (its strongest source when several agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashtagSource {
    /// The platform's live data (hashtag search, co-occurring tags, trending keywords).
    Platform,
    /// The account's own posts and their engagement.
    OwnPosts,
    /// The curated industry file shipped with Socialpub.
    Industry,
}

impl HashtagSource {
    pub const fn as_str(self) -> &'static str {
        match self {
            HashtagSource::Platform => "platform",
            HashtagSource::OwnPosts => "own_posts",
            HashtagSource::Industry => "industry",
        }
    }
}

/// A tag the platform's live data proposes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformTag {
    pub tag: String,
    /// 0-1, the platform's most popular candidate being 1.
    pub popularity: f64,
    /// In the platform's terms (`12,400 recent posts`, `+400% month on month`).
    pub reason: String,
}

/// One of the account's posts, for the tags it carried.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedPost {
    pub text: String,
    /// Likes, comments, shares, saves... weighted into one number; only relative values matter.
    pub engagement: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HashtagSuggestion {
    /// Without its `#`, lowercase.
    pub tag: String,
    /// 0-1.
    pub score: f64,
    pub source: HashtagSource,
    pub reason: String,
}

/// What the ranking works from.
#[derive(Debug, Clone, Copy)]
pub struct HashtagQuery<'a> {
    pub keywords: &'a [String],
    /// An industry of [`IndustryHashtags`]; `None` picks the industries the keywords name.
    pub industry: Option<&'a str>,
    pub own_posts: &'a [TaggedPost],
    pub platform: &'a [PlatformTag],
    pub banned: &'a HashtagPolicy,
    /// The platform's hashtag cap per post (Instagram: 5).
    pub cap: Option<usize>,
    pub limit: usize,
}

#[derive(Debug, Deserialize)]
struct IndustryFile {
    industries: BTreeMap<String, Vec<String>>,
}

/// The curated industry file (`data/industry_hashtags.json`, provenance stated there).
#[derive(Debug)]
pub struct IndustryHashtags {
    industries: BTreeMap<String, Vec<String>>,
}

impl IndustryHashtags {
    pub fn shipped() -> &'static IndustryHashtags {
        static SHIPPED: OnceLock<IndustryHashtags> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            #[expect(clippy::expect_used, reason = "shipped data, checked by a test")]
            let file: IndustryFile =
                serde_json::from_str(INDUSTRY_JSON).expect("data/industry_hashtags.json parses");
            IndustryHashtags {
                industries: file.industries,
            }
        })
    }

    pub fn industries(&self) -> impl Iterator<Item = &str> {
        self.industries.keys().map(String::as_str)
    }

    pub fn tags(&self, industry: &str) -> Option<&[String]> {
        self.industries.get(industry).map(Vec::as_slice)
    }

    /// Industries a keyword names, or whose tags contain it.
    fn matching(&self, keywords: &[String]) -> Vec<&str> {
        self.industries
            .iter()
            .filter(|(name, tags)| {
                keywords.iter().any(|keyword| {
                    let keyword = normalize(keyword);
                    !keyword.is_empty()
                        && (name.replace('_', "") == keyword.replace('_', "")
                            || tags.contains(&keyword))
                })
            })
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// Lowercase, without sign or surrounding space.
pub fn normalize(tag: &str) -> String {
    tag.trim()
        .trim_start_matches(['#', '\u{FF03}'])
        .to_lowercase()
}

/// A tag a platform would link: letters, digits and underscores, not only digits.
fn is_linkable(tag: &str) -> bool {
    !tag.is_empty()
        && tag.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !tag.chars().all(|c| c.is_ascii_digit())
}

#[derive(Debug, Default)]
struct Evidence {
    score: f64,
    strongest: Option<(f64, HashtagSource)>,
    reasons: Vec<String>,
}

impl Evidence {
    fn add(&mut self, source: HashtagSource, weight: f64, reason: String) {
        self.score += weight;
        if self.strongest.is_none_or(|(best, _)| weight > best) {
            self.strongest = Some((weight, source));
        }
        self.reasons.push(reason);
    }
}

/// Tags of the account's posts that went with better-than-usual engagement: tag -> (posts,
/// shrunk lift).
pub fn own_tag_lifts(posts: &[TaggedPost]) -> BTreeMap<String, (u32, f64)> {
    let usable: Vec<&TaggedPost> = posts
        .iter()
        .filter(|post| post.engagement.is_finite() && post.engagement >= 0.0)
        .collect();
    if usable.is_empty() {
        return BTreeMap::new();
    }
    let mean = usable.iter().map(|post| post.engagement).sum::<f64>() / usable.len() as f64;
    if mean <= 0.0 {
        return BTreeMap::new();
    }
    let mut per_tag: BTreeMap<String, (u32, f64)> = BTreeMap::new();
    for post in usable {
        let tags: BTreeSet<String> = extract_hashtags(&post.text)
            .into_iter()
            .map(|entity| normalize(&entity.value))
            .collect();
        for tag in tags {
            let entry = per_tag.entry(tag).or_default();
            entry.0 += 1;
            entry.1 += post.engagement;
        }
    }
    per_tag
        .into_iter()
        .map(|(tag, (count, sum))| {
            let n = f64::from(count);
            let lift = sum / n / mean;
            let shrunk = (n * lift + LIFT_PRIOR_STRENGTH) / (n + LIFT_PRIOR_STRENGTH);
            (tag, (count, shrunk))
        })
        .filter(|(_, (_, lift))| *lift >= MIN_LIFT)
        .collect()
}

/// Ranks every candidate and keeps the best `min(limit, cap)`.
pub fn rank_hashtags(query: &HashtagQuery<'_>) -> Vec<HashtagSuggestion> {
    let keywords: Vec<String> = query
        .keywords
        .iter()
        .map(|k| normalize(k).replace(' ', ""))
        .collect();
    let relevant = |tag: &str| {
        keywords
            .iter()
            .any(|k| !k.is_empty() && (tag.contains(k.as_str()) || k.contains(tag)))
    };
    let mut evidence: BTreeMap<String, Evidence> = BTreeMap::new();

    let industries = IndustryHashtags::shipped();
    let chosen: Vec<&str> = match query.industry {
        Some(industry) => vec![industry],
        None => industries.matching(&keywords),
    };
    for industry in chosen {
        for tag in industries.tags(industry).unwrap_or_default() {
            let tag = normalize(tag);
            // Industry tags are generic: worth less than anything the account or the
            // platform shows, a little more when they match a keyword.
            let weight = if relevant(&tag) { 0.3 } else { 0.2 };
            evidence.entry(tag).or_default().add(
                HashtagSource::Industry,
                weight,
                format!("in the curated {} list", industry.replace('_', " ")),
            );
        }
    }

    for (tag, (posts, lift)) in own_tag_lifts(query.own_posts) {
        let weight = 0.4 + 0.3 * (lift - 1.0).min(1.0) + if relevant(&tag) { 0.1 } else { 0.0 };
        evidence.entry(tag).or_default().add(
            HashtagSource::OwnPosts,
            weight,
            format!("in {posts} of your posts, which got {lift:.1}× your usual engagement"),
        );
    }

    for signal in query.platform {
        let tag = normalize(&signal.tag);
        let popularity = if signal.popularity.is_finite() {
            signal.popularity.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let weight = 0.25 + 0.25 * popularity;
        evidence.entry(tag).or_default().add(
            HashtagSource::Platform,
            weight,
            signal.reason.clone(),
        );
    }

    let mut ranked: Vec<HashtagSuggestion> = evidence
        .into_iter()
        .filter(|(tag, _)| is_linkable(tag) && !query.banned.is_banned(tag))
        .filter_map(|(tag, evidence)| {
            let (_, source) = evidence.strongest?;
            Some(HashtagSuggestion {
                tag,
                score: (evidence.score.min(1.0) * 100.0).round() / 100.0,
                source,
                reason: evidence.reasons.join("; "),
            })
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.tag.cmp(&b.tag)));
    ranked.truncate(query.limit.min(query.cap.unwrap_or(usize::MAX)));
    ranked
}
