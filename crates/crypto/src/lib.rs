//! AES-256-GCM token cipher on ring, with a key ring for rotation.
