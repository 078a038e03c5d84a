//! Read-only answers: every example of the manual parses and encodes back byte for byte, and
//! what real modules send (spaces, lower case, quotes) parses too.

mod common;

use cat1_at_parse::Writer;
use cat1_config::info::*;
use common::vectors;

fn text(f: impl FnOnce(&mut Writer<'_>)) -> String {
    let mut buf = [0u8; 256];
    let mut w = Writer::new(&mut buf);
    f(&mut w);
    let n = w.finish().unwrap();
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

/// Parses an answer of `name` and writes it back.
fn round_trip(name: &str, lines: &[&str]) -> Vec<String> {
    let first = lines[0].as_bytes();
    match name {
        "VER" | "BUILD" | "SN" | "CIP" => {
            let name: &'static str = Box::leak(name.to_string().into_boxed_str());
            vec![text(|w| TextInfo::parse(name, first).unwrap().write(w))]
        }
        "IMEI" => vec![text(|w| TextInfo::parse_imei(first).unwrap().write(w))],
        "ICCID" => vec![text(|w| TextInfo::parse_iccid(first).unwrap().write(w))],
        "CSQ" => vec![text(|w| Csq::parse(first).unwrap().write(w))],
        "SYSINFO" => vec![text(|w| SysInfo::parse(first, None).unwrap().write(w))],
        "CNUM" => vec![text(|w| Cnum::parse(first).unwrap().write(w))],
        "LBS" if lines[0].contains("LAC") => {
            vec![text(|w| LbsCell::parse(first).unwrap().write(w))]
        }
        "LBS" => vec![text(|w| LbsPosition::parse(first).unwrap().write(w))],
        "LBSN" => {
            assert!(NeighbourCell::is_header(first));
            let mut out = vec![lines[0].to_string()];
            for l in &lines[1..] {
                out.push(text(|w| {
                    NeighbourCell::parse(l.as_bytes()).unwrap().write(w)
                }));
            }
            out
        }
        "CCLK" => vec![text(|w| Clock::parse(first).unwrap().write(w))],
        "SOCKALK" | "SOCKBLK" | "SOCKCLK" | "SOCKDLK" => {
            vec![text(|w| LinkState::parse(first).unwrap().write(w))]
        }
        other => panic!("no parser for {other}"),
    }
}

#[test]
fn manual_answers_round_trip() {
    let mut n = 0;
    for v in vectors() {
        let spec = cat1_config::find(v.name.as_bytes()).unwrap();
        let read_only = !spec.setting && v.recv.len() >= 2 && v.recv[0].starts_with('+');
        if !read_only || v.name == "GPSDT" {
            continue;
        }
        let lines: Vec<&str> = v.recv[..v.recv.len() - 1]
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(round_trip(&v.name, &lines), lines, "{}", v.send);
        n += 1;
    }
    assert_eq!(n, 18);
}

#[test]
fn tolerant_parsing() {
    assert_eq!(Csq::parse(b"+CSQ: 27,99"), Ok(Csq { rssi: 27, ber: 99 }));
    assert_eq!(Csq::parse(b"+csq:27, 99").unwrap().dbm(), Some(-59));
    assert_eq!(Csq::parse(b"+CSQ:99,99").unwrap().dbm(), None);
    assert_eq!(Csq::parse(b"+CSQ:32,0"), Err(InfoError));
    assert_eq!(Csq::parse(b"+CSQ:27"), Err(InfoError));
    let lte = SysInfo {
        mode: NetworkMode::Lte,
    };
    assert_eq!(SysInfo::parse(b"+SYSINFO: 4,lte", None), Ok(lte));
    assert_eq!(SysInfo::parse(b"+SYSINFO:", Some(b"4,LTE")), Ok(lte));
    assert_eq!(
        SysInfo::parse(b"+SYSINFO:0,\"No Network\"", None),
        Ok(SysInfo {
            mode: NetworkMode::NoNetwork
        })
    );
    assert_eq!(SysInfo::parse(b"+SYSINFO:2,LTE", None), Err(InfoError));
    assert_eq!(
        LbsCell::parse(b"+LBS: LAC = 333e, CID = 3357906"),
        Ok(LbsCell {
            lac: 0x333e,
            cid: 3357906
        })
    );
    let p = LbsPosition::parse(
        b"+LBS: LNG = 1.5, LAT = 2.5, TIME = 2020-12-11 15:45:39, ADDINFO = a, b",
    )
    .unwrap();
    assert_eq!(p.addinfo, Some(&b"a, b"[..]));
    assert_eq!(
        NeighbourCell::parse(b"TAC1 = 5a30, CellID1 = b2114b1"),
        Ok(NeighbourCell {
            index: 1,
            tac: 0x5a30,
            cid: 0xb2114b1
        })
    );
    assert_eq!(
        NeighbourCell::parse(b"TAC1=5a30,CellID2=b2114b1"),
        Err(InfoError)
    );
    let c = Clock::parse(b"+CCLK: 20/06/19,20:05:19-08").unwrap();
    assert_eq!(c.zone_quarters, -8);
    assert_eq!(text(|w| c.write(w)), "+CCLK:\"20/06/19,20:05:19-08\"");
    assert_eq!(
        Clock::parse(b"+CCLK:\"20/13/19,20:05:19+32\""),
        Err(InfoError)
    );
    assert_eq!(
        TextInfo::parse_imei(b"+IMEI: 86881903000000"),
        Err(InfoError)
    );
    assert!(TextInfo::parse_iccid(b"+ICCID:8986003615195a571314").is_ok());
    assert_eq!(
        LinkState::parse(b"+sockblk: disconnected"),
        Ok(LinkState {
            socket: b'B',
            connected: false
        })
    );
    assert_eq!(LinkState::parse(b"+SOCKELK:Connected"), Err(InfoError));
    let cnum = Cnum::parse(b"+CNUM: \"\", \"15112341234\", 129").unwrap();
    assert_eq!(cnum.number, b"15112341234");
}
