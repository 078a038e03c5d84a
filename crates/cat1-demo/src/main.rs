//! `cargo run -p cat1-demo`: see the library's documentation.

use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    match cat1_demo::run(Duration::from_secs(60)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}
