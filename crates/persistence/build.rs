//! Rebuilds the crate when a migration is added, changed or removed: `embed_migrations!` only
//! tracks the files it saw last time.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
