//! `cargo bench -p socialpub-bench`: see the crate's documentation.

fn main() -> std::process::ExitCode {
    socialpub_bench::main()
}
