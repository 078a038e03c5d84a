//! Decodes arbitrary bytes as a stored configuration record: never panics, and anything accepted
//! is a valid `Config` that encodes back to the same record.
#![no_main]

use cat1_config::persist::{MAX_RECORD, decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((sequence, cfg)) = decode(data) {
        assert!(cfg.is_valid());
        let mut buf = [0u8; MAX_RECORD];
        let n = encode(&cfg, sequence, &mut buf).expect("a decoded config encodes");
        assert_eq!(decode(&buf[..n]), Ok((sequence, cfg)));
    }
});
