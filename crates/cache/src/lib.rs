//! Insights cache on moka.
