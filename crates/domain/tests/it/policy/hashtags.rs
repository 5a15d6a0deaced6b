use serde_json::json;
use socialpub_domain::Platform::{Facebook, Instagram};
use socialpub_domain::policy::{ContentDraft, HashtagPolicy, PlatformPolicyValidator};

use super::support::*;

#[test]
fn malformed_hashtags_are_reported_one_by_one() {
    let v = check(Facebook, "we are # #1 and #rock-n-roll", &[], none());
    assert_eq!(codes(&v), ["malformed_hashtag"; 3]);
    assert_eq!(v[1].actual, Some(json!("#1")));
}

#[test]
fn ordinary_uses_of_the_sign_are_not_hashtags() {
    assert_ok(&check(
        Facebook,
        "C# and F# on https://a.com/#top, #rust!",
        &[],
        none(),
    ));
}

#[test]
fn builtin_banned_hashtags_are_refused() {
    let v = check(
        Instagram,
        "#FollowForFollow #rust",
        &[image(1080, 1080)],
        none(),
    );
    assert_only(&v, "banned_hashtag", "text_content");
    assert_eq!(v[0].actual, Some(json!("FollowForFollow")));
}

#[test]
fn a_deployment_brings_its_own_list() {
    let validator = PlatformPolicyValidator::new(HashtagPolicy::from_list("# ours\nforbidden\n"));
    let opts = options(none());
    let draft = ContentDraft::new(Facebook, "#forbidden #followforfollow", &[], &opts);
    let v = validator.validate(&draft);
    assert_eq!(codes(&v), ["banned_hashtag"]);
    assert_eq!(v[0].actual, Some(json!("forbidden")));
    let open = PlatformPolicyValidator::new(HashtagPolicy::empty());
    assert_ok(&open.validate(&draft));
}
