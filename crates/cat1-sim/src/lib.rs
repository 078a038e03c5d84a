//! A USR IoT Cat-1 module on a PC: the `cat1-device` engine behind a serial port (TCP, stdio or
//! a pty), with host-backed services. See the README for how to start it and talk to it.
//!
//! | module | what |
//! |---|---|
//! | [`args`] | the command line |
//! | [`profile`] | identity, radio and position values (the manual's examples by default) |
//! | [`host`] | the services: file or memory storage, wall clock, identity, radio |
//! | [`network`] | host sockets |
//! | [`ntp`] | the SNTP client behind `AT+NTPEN` |
//! | [`module`] | one module and its serial session loop |
//! | [`serial`] | the transports: TCP listener, stdio, pty |
//! | [`sms`] | the simulated SMS centre (`--sms`) |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod args;
pub mod host;
pub mod module;
pub mod network;
pub mod ntp;
pub mod profile;
pub mod serial;
pub mod sms;
