//! Socialpub's composition root: configuration to a running application.
