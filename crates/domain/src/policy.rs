//! Platform content rules (filled in by the content-rules work).
