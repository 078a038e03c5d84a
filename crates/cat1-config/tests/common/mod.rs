//! Helpers shared by the integration tests.
#![allow(dead_code)]

use cat1_at_parse::{CommandLine, Writer};
use cat1_config::{Config, spec::ParamKind, spec::ParamSpec};

#[path = "../../../cat1-at-parse/tests/vectors/manual.rs"]
mod manual;
#[allow(unused_imports)] // not every test binary reads the vectors
pub use manual::{Vector, vectors};

pub fn query(cfg: &Config, name: &str) -> String {
    let mut buf = [0u8; 1024];
    let mut w = Writer::new(&mut buf);
    cfg.render_query(name.as_bytes(), &mut w).expect("setting");
    let n = w.finish().expect("fits");
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

pub fn test_text(name: &str) -> String {
    let mut buf = [0u8; 1024];
    let mut w = Writer::new(&mut buf);
    cat1_config::render_test(name.as_bytes(), &mut w).expect("test form");
    let n = w.finish().expect("fits");
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

pub fn apply(cfg: &mut Config, line: &str) -> Result<cat1_config::Change, u16> {
    let cmd = CommandLine::parse(line.as_bytes()).expect("parses");
    cfg.apply(&cmd).map_err(|c| c.0)
}

/// A valid value of `p` (the smallest, or its factory value where there is one).
pub fn valid_sample(p: &ParamSpec) -> String {
    match p.kind {
        ParamKind::Keyword(k) => k[0].to_string(),
        ParamKind::Int { ranges, .. } => ranges[0].0.to_string(),
        ParamKind::Text { min, .. } => "a".repeat(usize::from(min.max(1))),
        ParamKind::Hex { min_bytes, .. } => "AB".repeat(usize::from(min_bytes)),
        ParamKind::Template(t) => t.replace('9', "1"),
    }
}
