//! The `dues` binary: everything is in the library; this only exits with its code.

fn main() {
    std::process::exit(dues::cli::main());
}
