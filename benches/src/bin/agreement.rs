//! Prints the agreement tables (markdown) for `results/host.md`.

fn main() {
    // The peers may panic on some inputs; those are caught and reported, so keep stderr quiet.
    std::panic::set_hook(Box::new(|_| {}));
    print!("{}", cat1_benches::agreement::markdown());
}
