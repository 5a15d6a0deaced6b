//! Socialpub's use cases, written against ports only.
