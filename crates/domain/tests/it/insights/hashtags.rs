use socialpub_domain::insights::{
    HashtagQuery, HashtagSource, IndustryHashtags, PlatformTag, TaggedPost, rank_hashtags,
};
use socialpub_domain::policy::HashtagPolicy;

fn post(text: &str, engagement: f64) -> TaggedPost {
    TaggedPost {
        text: text.to_owned(),
        engagement,
    }
}

fn query<'a>(
    keywords: &'a [String],
    own_posts: &'a [TaggedPost],
    platform: &'a [PlatformTag],
    banned: &'a HashtagPolicy,
) -> HashtagQuery<'a> {
    HashtagQuery {
        keywords,
        industry: None,
        own_posts,
        platform,
        banned,
        cap: None,
        limit: 30,
    }
}

#[test]
fn a_tag_of_the_accounts_best_posts_outranks_an_industry_tag() {
    let keywords = vec!["food".to_owned()];
    let posts = vec![
        post("Sunday roast #sundayroast #food", 900.0),
        post("Leftovers #sundayroast", 800.0),
        post("Tuesday soup #soup", 100.0),
        post("Salad #salad", 120.0),
        post("Bread #bread", 90.0),
    ];
    let banned = HashtagPolicy::builtin();
    let ranked = rank_hashtags(&query(&keywords, &posts, &[], &banned));
    let position = |tag: &str| ranked.iter().position(|s| s.tag == tag);
    let own = position("sundayroast").expect("own tag suggested");
    let industry_only = position("foodie").expect("industry tag suggested");
    assert!(own < industry_only, "{ranked:?}");
    assert_eq!(ranked[own].source, HashtagSource::OwnPosts);
    assert!(ranked[own].reason.contains("2 of your posts"), "{ranked:?}");
    assert_eq!(ranked[industry_only].source, HashtagSource::Industry);
    // A tag of the account's ordinary posts is not promoted.
    assert!(position("soup").is_none(), "{ranked:?}");
}

#[test]
fn banned_tags_never_appear_whatever_their_source() {
    let keywords = vec!["fitness".to_owned()];
    let posts = vec![
        post("#followforfollow #gym", 5000.0),
        post("#followforfollow", 4000.0),
        post("plain", 10.0),
    ];
    let platform = vec![PlatformTag {
        tag: "#LikeForLike".to_owned(),
        popularity: 1.0,
        reason: "trending".to_owned(),
    }];
    let banned = HashtagPolicy::builtin();
    let ranked = rank_hashtags(&query(&keywords, &posts, &platform, &banned));
    assert!(!ranked.is_empty());
    for suggestion in &ranked {
        assert!(!banned.is_banned(&suggestion.tag), "{suggestion:?}");
    }
}

#[test]
fn no_more_tags_than_the_platform_cap_or_the_limit() {
    let keywords = vec!["travel".to_owned()];
    let banned = HashtagPolicy::builtin();
    let mut capped = query(&keywords, &[], &[], &banned);
    capped.cap = Some(5);
    assert_eq!(rank_hashtags(&capped).len(), 5);
    let mut limited = query(&keywords, &[], &[], &banned);
    limited.limit = 3;
    assert_eq!(rank_hashtags(&limited).len(), 3);
}

#[test]
fn live_platform_tags_combine_with_the_other_sources() {
    let keywords = vec!["travel".to_owned()];
    let platform = vec![
        PlatformTag {
            tag: "travel".to_owned(),
            popularity: 1.0,
            reason: "12,400 recent posts".to_owned(),
        },
        PlatformTag {
            tag: "not a tag!".to_owned(),
            popularity: 1.0,
            reason: "noise".to_owned(),
        },
    ];
    let banned = HashtagPolicy::empty();
    let ranked = rank_hashtags(&query(&keywords, &[], &platform, &banned));
    assert_eq!(ranked[0].tag, "travel");
    assert_eq!(ranked[0].source, HashtagSource::Platform);
    assert!(ranked[0].reason.contains("12,400 recent posts"));
    assert!(ranked[0].reason.contains("curated travel list"));
    assert!(ranked.iter().all(|s| s.tag != "not a tag!"));
}

#[test]
fn an_explicit_industry_is_used_without_matching_keywords() {
    let keywords = vec!["launch".to_owned()];
    let banned = HashtagPolicy::builtin();
    let mut q = query(&keywords, &[], &[], &banned);
    assert!(rank_hashtags(&q).is_empty());
    q.industry = Some("real_estate");
    let ranked = rank_hashtags(&q);
    assert!(ranked.iter().any(|s| s.tag == "realestate"), "{ranked:?}");
}

#[test]
fn the_industry_file_holds_only_linkable_allowed_tags() {
    let banned = HashtagPolicy::builtin();
    let file = IndustryHashtags::shipped();
    assert!(file.industries().count() >= 10);
    for industry in file.industries() {
        for tag in file.tags(industry).unwrap() {
            assert!(!banned.is_banned(tag), "{industry}: {tag}");
            assert!(
                tag.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                "{industry}: {tag}"
            );
        }
    }
}
