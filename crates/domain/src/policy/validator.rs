//! The entry point: every rule of the draft's platform, every violation collected.

use super::check_media::check_media;
use super::check_options::check_options;
use super::check_text::check_text;
use super::draft::ContentDraft;
use super::hashtags::HashtagPolicy;
use super::kind::{CONTENT_KIND_FIELD, ContentKind, resolve_content_kind};
use super::rules::rules_for;
use super::violation::{Violation, codes};

/// Checks drafts against the platform tables and a deployment's hashtag policy.
///
/// Built once at start-up (the hashtag list comes from configuration) and shared; checking is
/// pure and cheap, so it can run on every request.
#[derive(Debug, Clone, Default)]
pub struct PlatformPolicyValidator {
    hashtags: HashtagPolicy,
}

impl PlatformPolicyValidator {
    pub fn new(hashtags: HashtagPolicy) -> Self {
        Self { hashtags }
    }

    pub fn hashtag_policy(&self) -> &HashtagPolicy {
        &self.hashtags
    }

    /// Every way `draft` breaks its platform's rules; empty when it may be published.
    pub fn validate(&self, draft: &ContentDraft<'_>) -> Vec<Violation> {
        let rules = rules_for(draft.platform);
        let mut out = Vec::new();
        let kind = match resolve_content_kind(draft.platform, draft.assets, draft.options) {
            Ok(kind) => Some(kind),
            Err(error) => {
                out.push(error.to_violation());
                None
            }
        };
        let explicit = draft
            .options
            .get("content_kind")
            .is_some_and(|v| !v.is_null());
        let kind_rules = kind.and_then(|kind| {
            let found = rules.kind(kind);
            if found.is_none() {
                out.push(unsupported(draft, kind, explicit));
            }
            found
        });

        let text_rules = kind_rules.and_then(|k| k.text).unwrap_or(rules.text);
        let text_needed = kind == Some(ContentKind::Text);
        check_text(
            draft.text,
            &text_rules,
            text_needed,
            &self.hashtags,
            &mut out,
        );
        if let Some(kind_rules) = kind_rules {
            check_media(draft.assets, kind_rules, draft.account, &mut out);
        }
        check_options(draft, rules, kind_rules, &mut out);
        out
    }
}

/// A kind the platform does not take. An inferred text post on a platform that needs media
/// is reported as missing media, which is what the user has to fix.
fn unsupported(draft: &ContentDraft<'_>, kind: ContentKind, explicit: bool) -> Violation {
    let rules = rules_for(draft.platform);
    let supported: Vec<&str> = rules.kinds.iter().map(|k| k.kind.as_str()).collect();
    if kind == ContentKind::Text && !explicit {
        return Violation::new(
            codes::MEDIA_REQUIRED,
            "assets",
            format!(
                "{} posts need at least one image or video",
                draft.platform.display_name()
            ),
        )
        .limit(supported)
        .actual(0);
    }
    Violation::new(
        codes::UNSUPPORTED_CONTENT_KIND,
        CONTENT_KIND_FIELD,
        format!(
            "{} does not take {kind} posts; it takes {}",
            draft.platform.display_name(),
            supported.join(", ")
        ),
    )
    .limit(supported)
    .actual(kind.as_str())
}
