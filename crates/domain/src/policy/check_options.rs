//! `platform_specific_options`: types of known keys, required keys, and TikTok's rules that
//! tie options to the creator's account.

use serde_json::{Value, json};

use super::draft::ContentDraft;
use super::rules::{KindRules, OptionValue, PlatformRules};
use super::violation::{Violation, codes};
use crate::Platform;

fn field(key: &str) -> String {
    format!("platform_specific_options.{key}")
}

fn present<'a>(draft: &'a ContentDraft<'_>, key: &str) -> Option<&'a Value> {
    draft.options.get(key).filter(|v| match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        _ => true,
    })
}

pub(crate) fn check_options(
    draft: &ContentDraft<'_>,
    rules: &PlatformRules,
    kind: Option<&KindRules>,
    out: &mut Vec<Violation>,
) {
    for rule in rules.options {
        let Some(value) = draft.options.get(rule.key).filter(|v| !v.is_null()) else {
            continue;
        };
        if let Err(why) = check_value(&rule.value, value) {
            out.push(
                Violation::new(
                    codes::INVALID_OPTION,
                    field(rule.key),
                    format!("{} {why}", rule.key),
                )
                .limit(json!(rule.value))
                .actual(value.clone()),
            );
        }
    }
    if let Some(kind) = kind {
        for key in kind.required_options {
            if present(draft, key).is_none() {
                out.push(Violation::new(
                    codes::OPTION_REQUIRED,
                    field(key),
                    format!("a {} {} post needs `{key}`", rules.platform, kind.kind),
                ));
            }
        }
    }
    if draft.platform == Platform::Tiktok {
        check_tiktok(draft, out);
    }
}

fn check_value(expected: &OptionValue, value: &Value) -> Result<(), String> {
    match expected {
        OptionValue::OneOf { values } => match value.as_str() {
            Some(s) if values.contains(&s) => Ok(()),
            _ => Err(format!("must be one of {}", values.join(", "))),
        },
        OptionValue::Boolean => value
            .is_boolean()
            .then_some(())
            .ok_or_else(|| "must be true or false".to_owned()),
        OptionValue::DigitString { max_length } => match value.as_str() {
            Some(s)
                if (1..=*max_length).contains(&s.len())
                    && s.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Ok(())
            }
            _ => Err(format!("must be a string of 1 to {max_length} digits")),
        },
        OptionValue::Text { max_length } => match value.as_str() {
            Some(s) if s.chars().count() <= *max_length => Ok(()),
            _ => Err(format!("must be text of at most {max_length} characters")),
        },
        OptionValue::HttpUrl { max_length } => match value.as_str() {
            Some(s) if s.len() <= *max_length && is_http_url(s) => Ok(()),
            _ => Err(format!(
                "must be an http(s) URL of at most {max_length} characters"
            )),
        },
        OptionValue::Integer { min, max } => match value.as_i64() {
            Some(n) if (*min..=*max).contains(&n) => Ok(()),
            _ => Err(format!("must be a whole number from {min} to {max}")),
        },
        OptionValue::Number { min, max } => match value.as_f64() {
            Some(n) if n.is_finite() && *min <= n && n <= *max => Ok(()),
            _ => Err(format!("must be a number from {min} to {max}")),
        },
        OptionValue::HexColor => match value.as_str() {
            Some(s) if is_hex_color(s) => Ok(()),
            _ => Err("must be a colour like #6E7874".to_owned()),
        },
        OptionValue::StringList {
            max_items,
            max_length,
        } => {
            let ok = value.as_array().is_some_and(|items| {
                items.len() <= *max_items
                    && items.iter().all(|item| {
                        item.as_str()
                            .is_some_and(|s| !s.is_empty() && s.chars().count() <= *max_length)
                    })
            });
            ok.then_some(())
                .ok_or_else(|| format!("must be a list of at most {max_items} names"))
        }
    }
}

fn is_http_url(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s.bytes().skip(1).all(|b| b.is_ascii_hexdigit())
}

/// TikTok's audit rules: the privacy level must be one the creator may use, branded content
/// cannot be private, and interactions the creator switched off cannot be switched on.
fn check_tiktok(draft: &ContentDraft<'_>, out: &mut Vec<Violation>) {
    let privacy = draft.options.get("privacy_level").and_then(Value::as_str);
    if let (Some(privacy), Some(allowed)) = (
        privacy,
        draft.account.and_then(|a| a.privacy_level_options.as_ref()),
    ) && !allowed.iter().any(|option| option == privacy)
    {
        out.push(
            Violation::new(
                codes::PRIVACY_LEVEL_NOT_ALLOWED,
                field("privacy_level"),
                format!("this creator cannot post with privacy level {privacy}"),
            )
            .limit(json!(allowed))
            .actual(privacy),
        );
    }
    let branded = draft.options.get("brand_content_toggle") == Some(&Value::Bool(true));
    if branded && privacy == Some("SELF_ONLY") {
        out.push(Violation::new(
            codes::BRANDED_CONTENT_CANNOT_BE_PRIVATE,
            field("privacy_level"),
            "branded content cannot be posted as SELF_ONLY",
        ));
    }
    if let Some(account) = draft.account {
        let switched_off = [
            ("disable_comment", account.comment_disabled, "comments"),
            ("disable_duet", account.duet_disabled, "duets"),
            ("disable_stitch", account.stitch_disabled, "stitches"),
        ];
        for (key, disabled, what) in switched_off {
            if disabled && draft.options.get(key) == Some(&Value::Bool(false)) {
                out.push(Violation::new(
                    codes::INTERACTION_DISABLED_BY_CREATOR,
                    field(key),
                    format!("the creator has turned {what} off; {key} must be true"),
                ));
            }
        }
    }
    if let Some(index) = draft
        .options
        .get("photo_cover_index")
        .and_then(Value::as_u64)
        && usize::try_from(index).map_or(true, |i| i >= draft.assets.len())
    {
        out.push(
            Violation::new(
                codes::INVALID_OPTION,
                field("photo_cover_index"),
                "photo_cover_index must point at one of the photos",
            )
            .limit(draft.assets.len().saturating_sub(1))
            .actual(index),
        );
    }
}
