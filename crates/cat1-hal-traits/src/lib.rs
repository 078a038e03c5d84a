//! The small traits the cat1 crates are generic over.
//!
//! Each trait says who implements it: board code, vendor firmware, the simulator, or tests.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod storage;
