DROP TABLE post_metrics;
