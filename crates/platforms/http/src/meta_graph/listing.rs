//! The JSON of Graph's listings and insights, as every Meta adapter reads them: cursor paging
//! (`paging.cursors.after`, with `paging.next` while more pages exist) and `GET /{id}/insights`
//! (`data[].{name, values[{value, end_time}]}` or `data[].{name, total_value{value}}`).
//! Tolerant like the error envelope: every field has a default.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphPaging {
    pub cursors: Option<GraphCursors>,
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphCursors {
    pub after: Option<String>,
}

impl GraphPaging {
    /// The cursor of the next page, when Graph says there is one (`next` present, cursor set).
    pub fn next_cursor(paging: Option<Self>) -> Option<String> {
        paging
            .filter(|paging| paging.next.is_some())
            .and_then(|paging| paging.cursors)
            .and_then(|cursors| cursors.after)
            .filter(|cursor| !cursor.is_empty())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphInsights {
    pub data: Vec<GraphInsight>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphInsight {
    pub name: String,
    pub values: Vec<GraphInsightValue>,
    pub total_value: Option<GraphTotalValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphInsightValue {
    pub value: serde_json::Value,
    pub end_time: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GraphTotalValue {
    pub value: Option<u64>,
}

impl GraphInsights {
    /// The named metric's number, if Graph gave one (a total, or the first period's value).
    pub fn count(&self, name: &str) -> Option<u64> {
        let insight = self.data.iter().find(|insight| insight.name == name)?;
        insight
            .total_value
            .as_ref()
            .and_then(|total| total.value)
            .or_else(|| insight.values.first().and_then(|v| v.value.as_u64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_is_read_from_its_total_or_its_first_value() {
        let insights: GraphInsights = serde_json::from_str(
            r#"{"data":[{"name":"views","total_value":{"value":7}},
                        {"name":"likes","values":[{"value":3,"end_time":"2026-11-30T08:00:00+0000"}]}]}"#,
        )
        .unwrap();
        assert_eq!(insights.count("views"), Some(7));
        assert_eq!(insights.count("likes"), Some(3));
        assert_eq!(insights.count("saved"), None);
    }

    #[test]
    fn the_next_cursor_is_given_only_while_graph_says_there_is_more() {
        let more: GraphPaging =
            serde_json::from_str(r#"{"cursors":{"after":"c2"},"next":"https://graph/..."}"#)
                .unwrap();
        assert_eq!(GraphPaging::next_cursor(Some(more)), Some("c2".into()));
        let last: GraphPaging = serde_json::from_str(r#"{"cursors":{"after":"c3"}}"#).unwrap();
        assert_eq!(GraphPaging::next_cursor(Some(last)), None);
        assert_eq!(GraphPaging::next_cursor(None), None);
    }
}
