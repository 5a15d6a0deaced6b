//! LinkedIn analytics reads, deterministic per post (the counts derive from the post's URN,
//! so a post always reads the same):
//!
//! - `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&..&shares=List(..)
//!   &ugcPosts=List(..)`: lifetime `totalShareStatistics` of an organization's posts. As on
//!   LinkedIn, a post with no activity is left out (here: every tenth).
//! - `GET /rest/memberCreatorPostAnalytics?q=entity&entity=(share:..)&queryType=..
//!   &aggregation=TOTAL`: one metric of a member's post.
//!
//! LinkedIn has no audience-online, hashtag or trend API, and neither has the simulator.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use socialpub_domain::Platform;

use super::json;
use super::linkedin::error;
use super::meta_insights::spread;
use crate::oauth::{Params, bearer};
use crate::state::Shared;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/linkedin/api/rest/organizationalEntityShareStatistics",
        web::get().to(share_statistics),
    )
    .route(
        "/linkedin/api/rest/memberCreatorPostAnalytics",
        web::get().to(member_analytics),
    );
}

fn authorized(req: &HttpRequest, shared: &Shared) -> Result<(), HttpResponse> {
    let state = shared.lock();
    state
        .check_access(Platform::Linkedin, bearer(req).as_deref())
        .map(|_| ())
        .map_err(|_| {
            error(
                StatusCode::UNAUTHORIZED,
                Some("REVOKED_ACCESS_TOKEN"),
                Some("The token used in the request has been revoked by the user"),
            )
        })
}

/// The URNs of a Rest.li `List(a,b)` value.
fn list(raw: Option<&str>) -> Vec<String> {
    raw.and_then(|raw| raw.strip_prefix("List(")?.strip_suffix(')'))
        .map(|inner| {
            inner
                .split(',')
                .map(|urn| urn.replace("%3A", ":").replace("%3a", ":"))
                .filter(|urn| !urn.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn likes(urn: &str) -> u64 {
    5 + spread(urn)
}

async fn share_statistics(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorized(&req, &shared) {
        return response;
    }
    let params = Params::from_query(&req);
    if params.get("q") != Some("organizationalEntity") {
        return error(
            StatusCode::BAD_REQUEST,
            Some("ILLEGAL_ARGUMENT"),
            Some("q must be organizationalEntity"),
        );
    }
    let organization = params
        .get("organizationalEntity")
        .unwrap_or_default()
        .replace("%3A", ":");
    let mut elements: Vec<Value> = Vec::new();
    for (key, urns) in [
        ("share", list(params.get("shares"))),
        ("ugcPost", list(params.get("ugcPosts"))),
    ] {
        for urn in urns {
            if spread(&urn).is_multiple_of(10) {
                continue;
            }
            let likes = likes(&urn);
            let mut element = json!({
                "organizationalEntity": organization,
                "totalShareStatistics": {
                    "impressionCount": likes * 40,
                    "uniqueImpressionsCount": likes * 30,
                    "likeCount": likes,
                    "commentCount": likes / 6,
                    "shareCount": likes / 12,
                    "clickCount": likes * 2,
                    "engagement": 0.04,
                },
            });
            element[key] = json!(urn);
            elements.push(element);
        }
    }
    json(
        StatusCode::OK,
        json!({ "elements": elements, "paging": {"count": 10, "start": 0} }),
    )
}

async fn member_analytics(req: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    if let Err(response) = authorized(&req, &shared) {
        return response;
    }
    let params = Params::from_query(&req);
    let entity = params.get("entity").unwrap_or_default().replace("%3A", ":");
    let urn = entity
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split_once(':')
        .map(|(_, urn)| urn.to_owned())
        .unwrap_or_default();
    if params.get("q") != Some("entity") || urn.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            Some("ILLEGAL_ARGUMENT"),
            Some("q=entity and entity=(share:urn) are required"),
        );
    }
    let likes = likes(&urn);
    let count = match params.get("queryType") {
        Some("REACTION") => likes,
        Some("COMMENT") => likes / 6,
        Some("RESHARE") => likes / 12,
        Some("IMPRESSION") => likes * 40,
        Some("MEMBERS_REACHED") => likes * 30,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                Some("ILLEGAL_ARGUMENT"),
                Some("queryType must be IMPRESSION, MEMBERS_REACHED, RESHARE, REACTION or COMMENT"),
            );
        }
    };
    json(
        StatusCode::OK,
        json!({"elements": [{"count": count, "metricType": {"com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1": params.get("queryType")}}]}),
    )
}
