//! The descriptions, defaults, rendering and validation against the manual's data.

mod common;
#[path = "data/defaults_table.rs"]
mod defaults_table;

use std::collections::HashSet;

use cat1_at_parse::CommandLine;
use cat1_config::spec::{DefaultValue, Forms, Omitted, ParamKind};
use cat1_config::validate::{Action, check};
use cat1_config::{Change, CommandId, Config, Model, commands, find};
use common::*;
use defaults_table::{DEFAULTS, FACTORY_QUERIES, TEST_RESPONSES};

#[test]
fn every_command_is_described_exactly_once() {
    assert_eq!(commands::ALL.len(), 85);
    let names: HashSet<&str> = commands::ALL.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), 85);
    for (i, c) in commands::ALL.iter().enumerate() {
        assert_eq!(c.id as usize, i, "{}", c.name);
        assert!(std::ptr::eq(c.id.spec(), *c));
        assert!(std::ptr::eq(
            find(c.name.to_lowercase().as_bytes()).unwrap(),
            *c
        ));
    }
    // the manual's own examples name 85 distinct commands too
    let in_vectors: HashSet<String> = vectors().iter().map(|v| v.name.clone()).collect();
    assert_eq!(in_vectors.len(), 85);
    for n in &in_vectors {
        assert!(find(n.as_bytes()).is_some(), "{n}");
    }
}

#[test]
fn every_default_matches_the_table() {
    let mut rows = 0;
    for &(cmd, param, expected) in DEFAULTS {
        let spec = find(cmd.as_bytes()).unwrap();
        let p = spec.params.iter().find(|p| p.name == param).unwrap();
        let got = match p.default {
            DefaultValue::None => None,
            DefaultValue::Unset => Some(String::new()),
            DefaultValue::Keyword(k) => Some(k.to_string()),
            DefaultValue::Int(n) => Some(n.to_string()),
            DefaultValue::Text(t) => Some(t.to_string()),
        };
        assert_eq!(got.as_deref(), expected, "{cmd} {param}");
        rows += 1;
    }
    let described: usize = commands::ALL.iter().map(|c| c.params.len()).sum();
    assert_eq!(rows, described);
}

#[test]
fn factory_config_answers_the_factory_queries() {
    for model in [Model::WhLte7s1, Model::Dr502, Model::G771] {
        let cfg = Config::factory(model);
        assert!(cfg.is_valid());
        for &(name, answer) in FACTORY_QUERIES {
            assert_eq!(query(&cfg, name), answer, "{name} on {model:?}");
        }
    }
    // every setting with a query form is in the table
    let settings = commands::ALL
        .iter()
        .filter(|c| c.setting && c.has(Forms::QUERY))
        .count();
    assert_eq!(settings, FACTORY_QUERIES.len());
}

#[test]
fn test_answers_match_the_manual() {
    for &(name, answer) in TEST_RESPONSES {
        assert_eq!(test_text(name), answer, "{name}");
    }
    let with_test = commands::ALL.iter().filter(|c| c.has(Forms::TEST)).count();
    assert_eq!(with_test, TEST_RESPONSES.len());
    // errata #34: only the five irregular wordings are not rendered from the types
    let irregular: Vec<&str> = commands::ALL
        .iter()
        .filter(|c| c.test_wording.is_some())
        .map(|c| c.name)
        .collect();
    assert_eq!(irregular, ["APN", "HEARTDT", "HEART", "DSTNUM", "NTPSVR"]);
}

#[test]
fn manual_examples_validate_and_render() {
    let (mut sets, mut queries, mut tests) = (0, 0, 0);
    for v in vectors() {
        let line = CommandLine::parse(v.send.as_bytes()).unwrap();
        let checked = check(&line).unwrap_or_else(|e| panic!("{}: {e}", v.send));
        let spec = checked.spec;
        match v.form.as_str() {
            "set" => {
                let Action::Set(values) = checked.action else {
                    panic!("{}", v.send)
                };
                assert_eq!(values.len(), spec.params.len());
                let mut cfg = Config::factory(Model::WhLte7s1);
                let change = cfg.apply(&line).unwrap();
                if spec.setting {
                    assert!(matches!(change, Change::Set { .. }));
                    // the value set is the value the query then shows
                    let body = v.send.split_once('=').unwrap().1;
                    let required = spec.params.iter().all(|p| p.omitted == Omitted::Required);
                    if required && spec.has(Forms::QUERY) {
                        let q = query(&cfg, &v.name);
                        assert_eq!(q, format!("+{}:{}", v.name, body), "{}", v.send);
                    }
                } else {
                    assert_eq!(change, Change::NotStored { command: spec.id });
                }
                sets += 1;
            }
            "test" => {
                assert_eq!(checked.action, Action::Test);
                assert_eq!(test_text(&v.name), v.recv[0], "{}", v.send);
                tests += 1;
            }
            "query" | "execute" if spec.setting => {
                assert_eq!(checked.action, Action::Query, "{}", v.send);
                let factory = Config::factory(Model::WhLte7s1);
                let answer = &v.recv[0];
                if query(&factory, &v.name) != *answer {
                    // a configured state (not_factory_default): set what the answer shows
                    let mut cfg = factory.clone();
                    let body = answer.split_once(':').unwrap().1;
                    apply(&mut cfg, &format!("AT+{}={}", v.name, body)).unwrap();
                    assert_eq!(query(&cfg, &v.name), *answer, "{}", v.send);
                }
                queries += 1;
            }
            _ => {
                // actions and read-only queries: known command, a form it has
                assert!(matches!(checked.action, Action::Execute | Action::Query));
            }
        }
    }
    assert_eq!((tests, sets), (62, 66));
    assert!(queries >= 60);
}

/// Builds a set line for `spec` with parameter `index` replaced by `text`.
fn line_with(spec: &cat1_config::CommandSpec, index: usize, text: &str) -> String {
    let params: Vec<String> = spec
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i == index {
                text.to_string()
            } else {
                valid_sample(p)
            }
        })
        .collect();
    format!("AT+{}={}", spec.name, params.join(","))
}

/// Applies `line` to a factory config: the code, and the config unchanged on error.
fn code_of(line: &str) -> Option<u16> {
    let mut cfg = Config::factory(Model::WhLte7s1);
    let before = cfg.clone();
    match apply(&mut cfg, line) {
        Ok(_) => {
            assert!(cfg.is_valid(), "{line}");
            None
        }
        Err(code) => {
            assert_eq!(cfg, before, "{line} changed the config");
            Some(code)
        }
    }
}

#[test]
fn every_range_boundary_gets_its_code() {
    let mut checked = 0;
    for spec in commands::ALL.iter().filter(|c| !c.params.is_empty()) {
        let all_valid = line_with(spec, usize::MAX, "");
        assert_eq!(code_of(&all_valid), None, "{all_valid}");
        // too many parameters
        assert_eq!(
            code_of(&format!("{all_valid},1")),
            Some(53),
            "{all_valid},1"
        );
        // nothing after '='
        let empty_first = matches!(spec.params[0].kind, ParamKind::Text { min: 0, .. });
        let expected = if empty_first { None } else { Some(3) };
        assert_eq!(
            code_of(&format!("AT+{}=", spec.name)),
            expected,
            "{}",
            spec.name
        );
        // too few: stop before the last required one
        let required = spec.required();
        if required > 1 {
            let short: Vec<String> = spec.params[..required - 1]
                .iter()
                .map(valid_sample)
                .collect();
            let line = format!("AT+{}={}", spec.name, short.join(","));
            assert_eq!(code_of(&line), Some(53), "{line}");
        }
        for (i, p) in spec.params.iter().enumerate() {
            let ok = |t: &str| {
                let l = line_with(spec, i, t);
                assert_eq!(code_of(&l), None, "{l}");
            };
            let bad = |t: &str, code: u16| {
                let l = line_with(spec, i, t);
                assert_eq!(code_of(&l), Some(code), "{l}");
            };
            match p.kind {
                ParamKind::Keyword(keywords) => {
                    for k in keywords {
                        ok(k);
                        ok(&k.to_lowercase());
                        ok(&format!("\"{k}\""));
                    }
                    bad("XYZ", 53);
                    bad("", 3);
                }
                ParamKind::Int { ranges, .. } => {
                    let (min, max) = (ranges[0].0, ranges.last().unwrap().1);
                    ok(&min.to_string());
                    ok(&max.to_string());
                    for &(lo, hi) in ranges {
                        ok(&lo.to_string());
                        ok(&hi.to_string());
                    }
                    if min > 0 {
                        bad(&(min - 1).to_string(), 53);
                    }
                    bad(&(max + 1).to_string(), 53);
                    // gaps between ranges (RSTIM's 1-59)
                    for w in ranges.windows(2) {
                        if w[0].1 + 1 < w[1].0 {
                            bad(&(w[0].1 + 1).to_string(), 53);
                            bad(&(w[1].0 - 1).to_string(), 53);
                        }
                    }
                    bad("abc", 3);
                    bad("-1", 3);
                    bad("99999999999", 53);
                    bad("", 3);
                }
                ParamKind::Text { min, max, .. } => {
                    let (min, max) = (usize::from(min), usize::from(max));
                    if min > 0 {
                        ok(&"a".repeat(min));
                        bad("", 3);
                    } else {
                        ok("");
                    }
                    if min > 1 {
                        bad(&"a".repeat(min - 1), 53);
                    }
                    ok(&"a".repeat(max));
                    bad(&"a".repeat(max + 1), 53);
                    bad("a\"b", 53);
                }
                ParamKind::Hex {
                    min_bytes,
                    max_bytes,
                } => {
                    ok(&"0a".repeat(usize::from(min_bytes)));
                    ok(&"FF".repeat(usize::from(max_bytes)));
                    bad(&"FF".repeat(usize::from(max_bytes) + 1), 53);
                    bad("ABC", 53);
                    bad("ZZ", 53);
                    bad("", 3);
                }
                ParamKind::Template(t) => {
                    ok(&t.replace('9', "0"));
                    bad(&t.replace('9', "x"), 53);
                    bad(&t[1..], 53);
                    bad("", 3);
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 106);
}

#[test]
fn charsets_are_enforced() {
    assert_eq!(code_of("AT+SIGNINAT=ab_9Z"), None);
    assert_eq!(code_of("AT+SIGNINAT=ab-9"), Some(53));
    assert_eq!(code_of("AT+SOCKA=TCP,a b,80"), Some(53));
    assert_eq!(code_of("AT+HTPSV=te\"st,80"), Some(53));
    assert_eq!(code_of("AT+CCLK=20/12/01,10:47:46-04"), None);
    assert_eq!(code_of("AT+CCLK=20/12/01,10:47:46*04"), Some(53));
}

#[test]
fn forms_a_command_lacks_get_58() {
    for line in [
        "AT+VER=1",
        "AT+Z?",
        "AT+CSQ=?",
        "AT+FOO",
        "AT+FOO=1",
        "AT+SIGNINAT?",
        "AT+SIGNINAT=?",
        "AT+CCLK=?",
        "AT+LBS=?",
        "AT+S=1",
    ] {
        match CommandLine::parse(line.as_bytes()) {
            Ok(cmd) => {
                let mut cfg = Config::factory(Model::WhLte7s1);
                assert_eq!(cfg.apply(&cmd), Err(cat1_config::Code(58)), "{line}");
            }
            Err(e) => assert_eq!(e.cme_code(), Some(58), "{line}"),
        }
    }
    // bare AT+NAME reads where the command has no execute form (AT+CSQ, AT+HEART)
    let heart = check(&CommandLine::parse(b"AT+HEART").unwrap()).unwrap();
    assert_eq!(heart.action, Action::Query);
    let z = check(&CommandLine::parse(b"at+z").unwrap()).unwrap();
    assert_eq!(z.action, Action::Execute);
    assert_eq!(code_of("AT+LBS=3"), Some(53));
    assert_eq!(code_of("AT+LBS=1"), None);
}

#[test]
fn omitted_trailing_parameters() {
    let mut cfg = Config::factory(Model::WhLte7s1);
    // HEART keeps the current values of omitted parameters (errata #19)
    apply(&mut cfg, "AT+HEART=ON,COM,LBS,99,ABCD").unwrap();
    apply(&mut cfg, "AT+HEART=off,NET").unwrap();
    assert_eq!(query(&cfg, "HEART"), "+HEART:OFF,NET,LBS,99,ABCD");
    assert_eq!(query(&cfg, "HEARTTP"), "+HEARTTP:NET");
    assert_eq!(query(&cfg, "HEARTDT"), "+HEARTDT:ABCD");
    assert_eq!(code_of("AT+HEART=ON,"), Some(3));
    // APN takes the factory value of omitted ones (decision in commands.json)
    apply(&mut cfg, "AT+APN=x,user,pw,2").unwrap();
    apply(&mut cfg, "AT+APN=internet").unwrap();
    assert_eq!(query(&cfg, "APN"), "+APN:internet,,,0");
    // NTPSVR: omitted servers become absent
    apply(&mut cfg, "AT+NTPSVR=a,b,c,d").unwrap();
    assert_eq!(query(&cfg, "NTPSVR"), "+NTPSVR:a,b,c,d");
    apply(&mut cfg, "AT+NTPSVR=cn.ntp.org.cn").unwrap();
    assert_eq!(query(&cfg, "NTPSVR"), "+NTPSVR:cn.ntp.org.cn");
    assert!(cfg.is_valid());
}

#[test]
fn apply_reports_whether_anything_changed() {
    let mut cfg = Config::factory(Model::WhLte7s1);
    assert_eq!(
        apply(&mut cfg, "AT+E=on"),
        Ok(Change::Set {
            command: CommandId::E,
            changed: false
        })
    );
    assert_eq!(
        apply(&mut cfg, "AT+E=OFF"),
        Ok(Change::Set {
            command: CommandId::E,
            changed: true
        })
    );
    assert!(!cfg.echo);
    assert_eq!(
        apply(&mut cfg, "AT+E?"),
        Ok(Change::NotStored {
            command: CommandId::E
        })
    );
    // free text is kept as sent, keywords answered in the manual's spelling
    apply(&mut cfg, "AT+STMSG=Hello \"a,b\"").unwrap();
    assert_eq!(query(&cfg, "STMSG"), "+STMSG:Hello \"a,b\"");
    apply(&mut cfg, "AT+REGDT=abcdef").unwrap();
    assert_eq!(query(&cfg, "REGDT"), "+REGDT:abcdef");
    apply(&mut cfg, "AT+SOCKB=udp,example.com,0080").unwrap();
    assert_eq!(query(&cfg, "SOCKB"), "+SOCKB:UDP,example.com,80");
    assert_eq!(cfg.sockets[1].port, 80);
}

#[test]
fn read_only_queries_are_left_to_the_engine() {
    let cfg = Config::factory(Model::WhLte7s1);
    let mut buf = [0u8; 64];
    let mut w = cat1_at_parse::Writer::new(&mut buf);
    assert_eq!(
        cfg.render_query(b"CSQ", &mut w),
        Err(cat1_config::QueryError::ReadOnly)
    );
    assert_eq!(
        cfg.render_query(b"Z", &mut w),
        Err(cat1_config::QueryError::NoQuery)
    );
    assert_eq!(
        cfg.render_query(b"NOPE", &mut w),
        Err(cat1_config::QueryError::NoQuery)
    );
    assert!(w.is_empty());
}

#[test]
fn sizes() {
    let size = core::mem::size_of::<Config>();
    println!("size_of::<Config>() = {size}");
    assert!(size < 4096, "{size}");
}
