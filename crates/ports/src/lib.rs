//! The traits Socialpub's core needs from the outside world, with in-memory fakes.
