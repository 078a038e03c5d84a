//! Property tests: diff, persistence, torn writes.

mod common;

use cat1_at_parse::CommandLine;
use cat1_config::diff::{SetStep, diff};
use cat1_config::persist::{
    self, DecodeError, FORMAT_VERSION, LoadError, MAX_RECORD, Saved, decode, encode, load, save,
};
use cat1_config::spec::{Charset, ParamKind, ParamSpec};
use cat1_config::{CommandId, Config, Model, commands};
use cat1_hal_traits::storage::{Slot, Storage};
use common::*;
use proptest::prelude::*;

fn chars(charset: Charset) -> Vec<char> {
    let all: Vec<char> = (b' '..=b'~').map(char::from).collect();
    all.into_iter()
        .filter(|&c| c != ',' && c != '"' && charset.allows(c as u8))
        .collect()
}

/// Any valid text of one parameter, keywords in random case.
fn param_text(p: &'static ParamSpec) -> BoxedStrategy<String> {
    match p.kind {
        ParamKind::Keyword(k) => (prop::sample::select(k), any::<bool>())
            .prop_map(|(k, lower)| {
                if lower {
                    k.to_lowercase()
                } else {
                    k.to_string()
                }
            })
            .boxed(),
        ParamKind::Int { ranges, .. } => prop::sample::select(ranges)
            .prop_flat_map(|(lo, hi)| (lo..=hi).prop_map(|n| n.to_string()))
            .boxed(),
        ParamKind::Text { min, max, charset } => prop::collection::vec(
            prop::sample::select(chars(charset)),
            usize::from(min)..=usize::from(max),
        )
        .prop_map(|v| v.into_iter().collect())
        .boxed(),
        ParamKind::Hex {
            min_bytes,
            max_bytes,
        } => prop::collection::vec(
            prop::sample::select(chars(Charset::HexDigits)),
            usize::from(min_bytes) * 2..=usize::from(max_bytes) * 2,
        )
        .prop_filter_map("even", |v| {
            (v.len() % 2 == 0).then(|| v.into_iter().collect())
        })
        .boxed(),
        ParamKind::Template(t) => Just(t.replace('9', "0")).boxed(),
    }
}

/// Any valid set line of any setting.
fn set_line() -> impl Strategy<Value = String> {
    let settings: Vec<&'static cat1_config::CommandSpec> = commands::ALL
        .iter()
        .copied()
        .filter(|c| c.setting)
        .collect();
    prop::sample::select(settings).prop_flat_map(|spec| {
        (spec.required()..=spec.params.len()).prop_flat_map(move |n| {
            let parts: Vec<BoxedStrategy<String>> =
                spec.params[..n].iter().map(param_text).collect();
            parts.prop_map(move |v| format!("AT+{}={}", spec.name, v.join(",")))
        })
    })
}

/// Any configuration reachable from the factory one.
fn config() -> impl Strategy<Value = Config> {
    prop::collection::vec(set_line(), 0..40).prop_map(|lines| {
        let mut cfg = Config::factory(Model::WhLte7s1);
        for l in &lines {
            apply(&mut cfg, l).unwrap_or_else(|c| panic!("{l}: {c}"));
        }
        cfg
    })
}

fn apply_diff(from: &Config, to: &Config) -> (Config, usize) {
    let mut cfg = from.clone();
    let mut n = 0;
    for step in diff(from, to) {
        let step: SetStep = step.expect("reachable");
        let mut buf = [0u8; 1024];
        let len = step.emit(to, &mut buf).unwrap();
        let line = CommandLine::parse(&buf[..len]).unwrap();
        cfg.apply(&line).unwrap();
        n += 1;
    }
    (cfg, n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn diff_from_factory_rebuilds_any_config(cfg in config()) {
        prop_assert!(cfg.is_valid());
        let factory = Config::factory(Model::WhLte7s1);
        let (rebuilt, _) = apply_diff(&factory, &cfg);
        prop_assert_eq!(&rebuilt, &cfg);
        prop_assert_eq!(diff(&cfg, &cfg).count(), 0);
    }

    #[test]
    fn diff_between_any_two_reachable_configs(a in config(), b in config()) {
        // only the unset values (backup servers, cloud, SMS number) can be out of reach
        let reachable = diff(&a, &b).all(|s| s.is_ok());
        if reachable {
            let (rebuilt, _) = apply_diff(&a, &b);
            prop_assert_eq!(&rebuilt, &b);
        }
    }

    #[test]
    fn query_answers_are_set_lines_that_restore_them(cfg in config()) {
        // any value renders and parses back to itself
        let mut copy = Config::factory(Model::WhLte7s1);
        for spec in commands::ALL.iter().filter(|c| c.setting && c.has(cat1_config::spec::Forms::QUERY)) {
            let answer = query(&cfg, spec.name);
            let body = answer.split_once(':').unwrap().1;
            if apply(&mut copy, &format!("AT+{}={}", spec.name, body)).is_err() {
                // only an unset value can be refused
                prop_assert!(body.starts_with(',') || body.ends_with(',') || body.is_empty(), "{}", answer);
            }
        }
        copy.login_password = cfg.login_password.clone();
        for (i, s) in copy.sockets.iter_mut().enumerate() {
            if cfg.sockets[i].backup_address.is_empty() {
                s.backup_address = cfg.sockets[i].backup_address.clone();
                s.backup_port = cfg.sockets[i].backup_port;
            }
        }
        if cfg.registration.cloud_id.is_empty() {
            copy.registration.cloud_id = cfg.registration.cloud_id.clone();
            copy.registration.cloud_password = cfg.registration.cloud_password.clone();
        }
        prop_assert_eq!(copy, cfg);
    }

    #[test]
    fn persistence_round_trip(cfg in config(), seq in any::<u32>()) {
        let mut buf = [0u8; MAX_RECORD];
        let n = encode(&cfg, seq, &mut buf).unwrap();
        prop_assert_eq!(decode(&buf[..n]), Ok((seq, cfg)));
    }

    #[test]
    fn the_payload_is_postcards_encoding(cfg in config(), seq in any::<u32>()) {
        // the format of version 1, written by serde and postcard before the field table: the
        // records that firmware stored still load, and new ones are the same bytes
        let mut buf = [0u8; MAX_RECORD];
        let n = encode(&cfg, seq, &mut buf).unwrap();
        let old = postcard_record(&cfg, seq);
        prop_assert_eq!(&buf[..n], &old[..]);
        prop_assert_eq!(decode(&old), Ok((seq, cfg)));
    }

    #[test]
    fn damaged_payloads_decode_as_postcard_decodes_them(
        cfg in config(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in 0usize..3,
        extra in prop::collection::vec(any::<u8>(), 0..2),
    ) {
        // a payload with a good CRC but changed bytes (as a bug in an older writer could leave):
        // accepted exactly when postcard accepts it and the result is valid, with the same result
        let mut payload = postcard_payload(&cfg);
        for (at, byte) in edits {
            let i = at.index(payload.len());
            payload[i] = byte;
        }
        payload.truncate(payload.len().saturating_sub(cut));
        payload.extend_from_slice(&extra);
        let expected = match postcard::take_from_bytes::<Config>(&payload) {
            Ok((c, [])) if c.is_valid() => Ok((7, c)),
            _ => Err(DecodeError::Invalid),
        };
        prop_assert_eq!(decode(&record_of(&payload, 7)), expected);
    }

    #[test]
    fn decoding_garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode(&bytes);
    }
}

#[test]
fn the_shortest_heartbeat_change() {
    let factory = Config::factory(Model::WhLte7s1);
    let mut one = factory.clone();
    apply(&mut one, "AT+HEARTTM=99").unwrap();
    let steps: Vec<_> = diff(&factory, &one).collect();
    assert_eq!(
        steps,
        [Ok(SetStep {
            command: CommandId::Hearttm
        })]
    );
    let mut two = one.clone();
    apply(&mut two, "AT+HEARTEN=OFF").unwrap();
    apply(&mut two, "AT+E=OFF").unwrap();
    let steps: Vec<_> = diff(&factory, &two).collect();
    assert_eq!(
        steps,
        [
            Ok(SetStep {
                command: CommandId::E
            }),
            Ok(SetStep {
                command: CommandId::Heart
            })
        ]
    );
    let mut buf = [0u8; 128];
    let n = SetStep {
        command: CommandId::Heart,
    }
    .emit(&two, &mut buf)
    .unwrap();
    assert_eq!(
        &buf[..n],
        b"AT+HEART=OFF,NET,USER,99,7777772E7573722E636E\r"
    );
}

#[test]
fn unset_values_are_unreachable() {
    let factory = Config::factory(Model::WhLte7s1);
    let mut set = factory.clone();
    apply(&mut set, "AT+SOCKCBK=backup.example,9").unwrap();
    let steps: Vec<_> = diff(&set, &factory).collect();
    assert_eq!(
        steps,
        [Err(cat1_config::diff::Unreachable {
            command: CommandId::Sockcbk
        })]
    );
}

/// postcard's encoding of `cfg` (through serde).
fn postcard_payload(cfg: &Config) -> Vec<u8> {
    let mut buf = vec![0u8; MAX_RECORD];
    let n = postcard::to_slice(cfg, &mut buf).unwrap().len();
    buf.truncate(n);
    buf
}

/// A record as the serde and postcard code before the field table wrote it.
fn postcard_record(cfg: &Config, sequence: u32) -> Vec<u8> {
    record_of(&postcard_payload(cfg), sequence)
}

/// A record around `payload`: header, payload, CRC (the layout of `persist`'s documentation).
fn record_of(payload: &[u8], sequence: u32) -> Vec<u8> {
    let mut r = b"C1CF".to_vec();
    r.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    r.extend_from_slice(&sequence.to_le_bytes());
    r.extend_from_slice(&u16::try_from(payload.len()).unwrap().to_le_bytes());
    r.extend_from_slice(payload);
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&r);
    r.extend_from_slice(&crc.to_le_bytes());
    r
}

#[test]
fn postcards_varint_limits_are_kept() {
    // `AT+RSTIM`'s u16 (after echo, work mode, command password and startup message) is the
    // first varint: 0 written in 3 bytes is accepted as postcard accepts it; a third byte above
    // 3 (beyond 16 bits) or a fourth byte is not
    let mut cfg = Config::factory(Model::WhLte7s1);
    cfg.no_data_restart_s = 0;
    let payload = postcard_payload(&cfg);
    let at = 4 + cfg.command_password.as_bytes().len() + cfg.startup_message.as_bytes().len();
    let with = |varint: &[u8]| {
        let mut p = payload[..at].to_vec();
        p.extend_from_slice(varint);
        p.extend_from_slice(&payload[at + 1..]);
        decode(&record_of(&p, 1))
    };
    assert_eq!(payload[at], 0);
    assert_eq!(with(&[0x80, 0x80, 0x00]), Ok((1, cfg.clone())));
    assert_eq!(
        with(&[0xbc, 0x80, 0x00]).map(|(_, c)| c.no_data_restart_s),
        Ok(60)
    );
    assert_eq!(
        with(&[0xff, 0xff, 0x03]).map(|(_, c)| c.no_data_restart_s),
        Ok(65535)
    );
    assert_eq!(with(&[0x80, 0x80, 0x04]), Err(DecodeError::Invalid));
    assert_eq!(with(&[0x80, 0x80, 0x80, 0x00]), Err(DecodeError::Invalid));
    for bad in [[0x80, 0x80, 0x04], [0xff, 0xff, 0x03]] {
        let mut p = payload[..at].to_vec();
        p.extend_from_slice(&bad);
        p.extend_from_slice(&payload[at + 1..]);
        assert_eq!(
            postcard::from_bytes::<Config>(&p)
                .ok()
                .map(|c| c.no_data_restart_s),
            if bad[2] == 3 { Some(65535) } else { None }
        );
    }
    // a text length is a `usize` varint: overlong forms as long as postcard reads on this
    // machine are accepted, one byte more is not
    let len = payload[2];
    assert!(len < 0x80);
    let max = usize::BITS.div_ceil(7) as usize;
    for bytes in [2, max, max + 1] {
        let mut varint = vec![0x80; bytes];
        varint[0] |= len;
        varint[bytes - 1] = 0;
        let mut p = payload[..2].to_vec();
        p.extend_from_slice(&varint);
        p.extend_from_slice(&payload[3..]);
        let ours = decode(&record_of(&p, 1)).ok().map(|(_, c)| c);
        assert_eq!(
            ours,
            postcard::from_bytes::<Config>(&p).ok(),
            "{bytes} bytes"
        );
        assert_eq!(ours.is_some(), bytes <= max);
    }
}

#[test]
fn a_maximal_config_fits_a_record() {
    let mut cfg = Config::factory(Model::WhLte7s1);
    for spec in commands::ALL.iter().filter(|c| c.setting) {
        let texts: Vec<String> = spec
            .params
            .iter()
            .map(|p| match p.kind {
                ParamKind::Text { max, .. } => "x".repeat(usize::from(max)),
                ParamKind::Hex { max_bytes, .. } => "FF".repeat(usize::from(max_bytes)),
                ParamKind::Int { ranges, .. } => ranges.last().unwrap().1.to_string(),
                _ => valid_sample(p),
            })
            .collect();
        apply(&mut cfg, &format!("AT+{}={}", spec.name, texts.join(","))).unwrap();
    }
    let mut buf = [0u8; MAX_RECORD];
    let n = encode(&cfg, u32::MAX, &mut buf).unwrap();
    println!("largest record: {n} bytes of {MAX_RECORD}");
    assert!(n <= MAX_RECORD);
    assert_eq!(decode(&buf[..n]), Ok((u32::MAX, cfg)));
}

/// Two RAM slots; a write can be torn after `tear_at` bytes.
struct Ram {
    slots: [Vec<u8>; 2],
    tear_at: Option<usize>,
    erased_tail: bool,
}

impl Storage for Ram {
    type Error = core::convert::Infallible;
    fn capacity(&self) -> usize {
        MAX_RECORD
    }
    fn read(&mut self, slot: Slot, buf: &mut [u8]) -> Result<usize, Self::Error> {
        let data = &self.slots[slot as usize];
        buf[..data.len()].copy_from_slice(data);
        Ok(data.len())
    }
    fn write(&mut self, slot: Slot, data: &[u8]) -> Result<(), Self::Error> {
        let old = std::mem::take(&mut self.slots[slot as usize]);
        let mut new = data.to_vec();
        if let Some(k) = self.tear_at {
            new.truncate(k);
            // the rest is what the slot held before, or erased flash
            let fill = if self.erased_tail {
                vec![0xFF; data.len()]
            } else {
                old
            };
            if fill.len() > k {
                new.extend_from_slice(&fill[k..]);
            }
        }
        self.slots[slot as usize] = new;
        Ok(())
    }
}

#[test]
fn a_write_torn_at_any_byte_keeps_the_previous_config() {
    let mut first = Config::factory(Model::WhLte7s1);
    apply(&mut first, "AT+STMSG=first").unwrap();
    let mut second = first.clone();
    apply(&mut second, "AT+STMSG=second").unwrap();
    let mut third = second.clone();
    apply(&mut third, "AT+HEARTDT=0102030405").unwrap();
    let mut buf = [0u8; MAX_RECORD];
    let len = encode(&third, 3, &mut buf).unwrap();
    for erased_tail in [false, true] {
        for k in 0..=len {
            let mut ram = Ram {
                slots: [Vec::new(), Vec::new()],
                tear_at: None,
                erased_tail,
            };
            let a = save(&mut ram, &first, None, &mut buf).unwrap();
            let b = save(&mut ram, &second, Some(a), &mut buf).unwrap();
            assert_eq!(
                b,
                Saved {
                    slot: Slot::B,
                    sequence: 2
                }
            );
            ram.tear_at = Some(k);
            let _ = save(&mut ram, &third, Some(b), &mut buf);
            let loaded = load(&mut ram, &mut buf).unwrap();
            if k < len {
                assert_eq!(loaded.config, second, "torn at {k}");
                assert_eq!(loaded.saved, b);
            } else {
                assert_eq!(loaded.config, third);
                assert_eq!(
                    loaded.saved,
                    Saved {
                        slot: Slot::A,
                        sequence: 3
                    }
                );
            }
        }
    }
}

#[test]
fn empty_and_foreign_versions_are_reported() {
    let mut ram = Ram {
        slots: [Vec::new(), vec![0xFF; 64]],
        tear_at: None,
        erased_tail: false,
    };
    let mut buf = [0u8; MAX_RECORD];
    assert_eq!(load(&mut ram, &mut buf), Err(LoadError::Empty));

    // a whole record of another version, CRC fixed up: rejected, never decoded
    let cfg = Config::factory(Model::G771);
    let n = encode(&cfg, 7, &mut buf).unwrap();
    let mut other = buf[..n].to_vec();
    for version in [0u16, FORMAT_VERSION + 1, u16::MAX] {
        other[4..6].copy_from_slice(&version.to_le_bytes());
        let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&other[..n - 4]);
        other[n - 4..].copy_from_slice(&crc.to_le_bytes());
        assert_eq!(
            decode(&other),
            Err(DecodeError::UnsupportedVersion(version))
        );
        ram.slots = [other.clone(), Vec::new()];
        assert_eq!(
            load(&mut ram, &mut buf),
            Err(LoadError::UnsupportedVersion(version))
        );
        // a current record in the other slot is still used
        ram.slots[1] = buf[..0].to_vec();
        let mut cur = [0u8; MAX_RECORD];
        let m = encode(&cfg, 1, &mut cur).unwrap();
        ram.slots[1] = cur[..m].to_vec();
        assert_eq!(load(&mut ram, &mut buf).unwrap().config, cfg);
    }
    // a flipped payload byte fails the CRC
    let mut flipped = buf[..n].to_vec();
    encode(&cfg, 7, &mut buf).unwrap();
    flipped.copy_from_slice(&buf[..n]);
    flipped[20] ^= 1;
    assert_eq!(decode(&flipped), Err(DecodeError::Corrupt));
    // an invalid config is not written
    let mut bad = cfg.clone();
    bad.uart.baud = 7;
    assert_eq!(
        encode(&bad, 1, &mut buf),
        Err(persist::SaveError::InvalidConfig)
    );
}

#[test]
fn sequence_numbers_wrap() {
    let cfg = Config::factory(Model::WhLte7s1);
    let mut ram = Ram {
        slots: [Vec::new(), Vec::new()],
        tear_at: None,
        erased_tail: false,
    };
    let mut buf = [0u8; MAX_RECORD];
    let a = save(
        &mut ram,
        &cfg,
        Some(Saved {
            slot: Slot::B,
            sequence: u32::MAX,
        }),
        &mut buf,
    )
    .unwrap();
    assert_eq!(
        a,
        Saved {
            slot: Slot::A,
            sequence: 0
        }
    );
    let n = encode(&Config::factory(Model::Dr502), u32::MAX, &mut buf).unwrap();
    ram.slots[1] = buf[..n].to_vec();
    assert_eq!(load(&mut ram, &mut buf).unwrap().saved, a);
}
