//! Socialpub's HTTP API on actix-web.
