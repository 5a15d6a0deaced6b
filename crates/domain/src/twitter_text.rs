//! X weighted text length by the twitter-text rules (filled in by the content-rules work).
