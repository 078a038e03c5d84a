//! Helpers shared by the integration tests.
#![allow(dead_code)]

use cat1_at_parse::{CommandLine, Writer};
use cat1_config::{Config, spec::ParamKind, spec::ParamSpec};

/// One example of cat1-at-parse's `manual.vectors` (the manual's examples).
#[derive(Debug, Default, Clone)]
pub struct Vector {
    pub section: String,
    pub send: String,
    pub name: String,
    pub form: String,
    pub params: Vec<String>,
    pub recv: Vec<String>,
}

pub fn vectors() -> Vec<Vector> {
    let text = include_str!("../../../cat1-at-parse/tests/vectors/manual.vectors");
    let mut out: Vec<Vector> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("== ") {
            out.push(Vector {
                section: rest.to_string(),
                ..Vector::default()
            });
            continue;
        }
        let v = out.last_mut().expect("block header first");
        let (key, value) = line
            .split_once(": ")
            .unwrap_or((line.trim_end_matches(':'), ""));
        match key {
            "send" => v.send = value.to_string(),
            "name" => v.name = value.to_string(),
            "form" => v.form = value.to_string(),
            "param" => v.params.push(value.to_string()),
            "recv" => v.recv.push(value.to_string()),
            other => panic!("unknown key {other}"),
        }
    }
    out
}

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
