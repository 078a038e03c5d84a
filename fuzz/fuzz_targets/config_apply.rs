//! Applies arbitrary command lines to a `Config`: never panics, the config stays valid, and a
//! refused line leaves it unchanged.
#![no_main]

use cat1_at_parse::CommandLine;
use cat1_config::{Config, Model};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut cfg = Config::factory(Model::WhLte7s1);
    // several lines per input, split at LF, so sequences of changes are explored too
    for line in data.split(|&b| b == b'\n') {
        let Ok(cmd) = CommandLine::parse(line) else {
            continue;
        };
        let before = cfg.clone();
        match cfg.apply(&cmd) {
            Ok(_) => assert!(cfg.is_valid(), "invalid after {line:?}"),
            Err(_) => assert_eq!(cfg, before, "changed by a refused {line:?}"),
        }
    }
    // and whatever was reached renders and diffs without panicking
    let factory = Config::factory(Model::WhLte7s1);
    let mut buf = [0u8; 1024];
    for step in cat1_config::diff::diff(&factory, &cfg).flatten() {
        let _ = step.emit(&cfg, &mut buf);
    }
});
